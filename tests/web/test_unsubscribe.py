"""One-click unsubscribe (issue 15, point 7): a marketing mail queued with
mail_queue_marketing (here through `fidele-admin mail marketing-test`)
reaches the SMTP server with List-Unsubscribe (HTTPS, and mailto to the
shop's own address when it has one) and
List-Unsubscribe-Post (RFC 8058) and a visible link; the POST a mailbox
provider sends withdraws the consent at once through the ledger, without a
session; the GET only shows a button; other shops' and tampered tokens are
refused; system mail still goes."""

import re
import subprocess
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, BETA_HOST
from inbox import mails_to, wait_for_mail
import web

SUBSCRIBER = "abonnee@alpha.test"      # unsubscribes by the header's POST
READER = "lectrice@alpha.test"         # reads the GET page, then clicks
STRANGER_TARGET = "cible@alpha.test"   # only ever sent bad tokens
NO_CONSENT = "sansaccord@alpha.test"
# agreed to marketing, then blocked by the shop; and on the waiting list
BLOCKED = "bloquee@alpha.test"
WAITING = "enattente@alpha.test"


def setUpModule():
    web.STACK.sql("".join("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source, marketing_consent,
                      language)
SELECT id, '%s', 'Anne', 'Abonnée', 'active', 'self', %d, 'fr' FROM shop WHERE slug = 'alpha';
""" % (email, consent) for email, consent in
        ((SUBSCRIBER, 1), (READER, 1), (STRANGER_TARGET, 1), (NO_CONSENT, 0), (BLOCKED, 1),
         (WAITING, 1))))
    web.STACK.sql("UPDATE customer SET status = 'blocked' WHERE email = '%s';"
                  " UPDATE customer SET status = 'waiting' WHERE email = '%s'"
                  % (BLOCKED, WAITING))
    web.STACK.admin("search-reindex")


def sql_one(statement):
    rows = web.STACK.sql(statement)
    return rows[0][0] if rows else None


def customer_id(email):
    return sql_one("SELECT id FROM customer WHERE email = '%s'" % email)


def consent(email):
    return sql_one("SELECT marketing_consent FROM customer WHERE email = '%s'" % email)


def ledger(email):
    return web.STACK.sql(
        "SELECT k.purpose, k.granted, k.source, k.actor, HEX(k.email_hash) = UPPER(SHA2(c.email, 256))"
        "  FROM consent k JOIN customer c ON c.id = k.customer_id"
        " WHERE c.email = '%s' ORDER BY k.id" % email)


def send_marketing(address):
    """Queues the test marketing mail to a customer who agreed to it (each
    test starts from there, whatever the one before withdrew) and returns
    the mail as the SMTP server got it."""
    web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'" % address)
    before = len(mails_to(address, "essai"))
    web.STACK.admin("mail", "marketing-test", "--shop", "alpha", "--email", address)
    return wait_for_mail(address, before + 1, "essai")[-1]


def header_links(message):
    value = str(message["List-Unsubscribe"])
    return re.findall(r"<([^>]+)>", value)


def https_path(message):
    https = [link for link in header_links(message) if link.startswith("http")][0]
    return https[https.index("/account/"):]


def token_of(path):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["token"][0]


def gmail_post(host, path):
    """The POST as Gmail sends it (RFC 8058): no cookie, no Origin, no CSRF
    token, the URL from the header and this exact body."""
    return web.Browser(host).request(
        "POST", path, body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "User-Agent": "Mozilla/5.0 (compatible; Google-Unsubscribe)"})


class MarketingMail(unittest.TestCase):
    def test_the_mail_carries_both_headers_and_a_visible_link(self):
        # the shop's own address takes the mailto, where a person reads it
        web.STACK.sql("UPDATE shop SET sender_email = 'contact@alpha.test' WHERE slug = 'alpha'")
        try:
            message = send_marketing(READER)
        finally:
            web.STACK.sql("UPDATE shop SET sender_email = '' WHERE slug = 'alpha'")
        links = header_links(message)
        self.assertEqual(len(links), 2, message["List-Unsubscribe"])
        self.assertRegex(links[0], r"^https://alpha\.test/account/unsubscribe\?token=%s-[0-9a-f]{64}$"
                         % customer_id(READER))
        self.assertEqual(links[1], "mailto:contact@alpha.test?subject=unsubscribe")
        self.assertEqual(str(message["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")
        text = message.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Pour ne plus recevoir ces e-mails, ouvrez ce lien\u00a0:\n" + links[0], text)
        # greeted by the first name read with the consent (no second read)
        first = web.STACK.sql("SELECT first_name FROM customer WHERE email = '%s'" % READER)[0][0]
        self.assertTrue(first and text.startswith("Bonjour %s,\n" % first), text[:40])
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn('href="%s"' % links[0], html)
        self.assertIn(">Se désabonner</a>", html)
        row = web.STACK.sql("SELECT kind, list_unsubscribe FROM outbox WHERE customer_id = %s"
                            " ORDER BY id DESC LIMIT 1" % customer_id(READER))
        self.assertEqual(row[0][0], "marketing-test")
        self.assertEqual(row[0][1], str(message["List-Unsubscribe"]))

    def test_no_mailto_to_the_installations_address_nobody_reads(self):
        """A shop without a sender address of its own sends from Mail.From
        (a no-reply): a mail client's "unsubscribe" mailed there would
        change nothing, so the header offers the link alone."""
        self.assertEqual(web.STACK.sql("SELECT sender_email FROM shop WHERE slug = 'alpha'"), [[""]])
        message = send_marketing(READER)
        links = header_links(message)
        self.assertEqual(len(links), 1, message["List-Unsubscribe"])
        self.assertTrue(links[0].startswith("https://alpha.test/account/unsubscribe?token="))
        self.assertEqual(str(message["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")

    def test_system_mail_carries_no_unsubscribe_header(self):
        before = len(mails_to(READER, "connexion"))
        browser = web.Browser(ALPHA_HOST)
        browser.submit("/account/login", "/account/login", {"email": READER})
        message = wait_for_mail(READER, before + 1, "connexion")[-1]
        self.assertIsNone(message["List-Unsubscribe"])
        self.assertIsNone(message["List-Unsubscribe-Post"])

    def test_no_marketing_mail_without_consent(self):
        result = web.STACK.admin("mail", "marketing-test", "--shop", "alpha", "--email", NO_CONSENT,
                                 check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("has not agreed to marketing mail", result.stderr)
        self.assertEqual(sql_one("SELECT COUNT(*) FROM outbox WHERE customer_id = %s"
                                 % customer_id(NO_CONSENT)), "0")


    def test_no_marketing_mail_to_a_blocked_or_waiting_customer_who_agreed(self):
        """Blocked customers never get a mailing, nor applicants the shop
        has not accepted yet, whatever their consent says (review of
        issue 15)."""
        for address in (BLOCKED, WAITING):
            result = web.STACK.admin("mail", "marketing-test", "--shop", "alpha", "--email",
                                     address, check=False)
            self.assertEqual(result.returncode, 1, address)
            self.assertEqual(sql_one("SELECT COUNT(*) FROM outbox WHERE customer_id = %s"
                                     % customer_id(address)), "0")


class OneClick(unittest.TestCase):
    def test_gmail_post_withdraws_at_once_and_replay_changes_nothing(self):
        path = https_path(send_marketing(SUBSCRIBER))
        self.assertEqual(consent(SUBSCRIBER), "1")
        answer = gmail_post(ALPHA_HOST, path)
        self.assertEqual(answer.status, 200, answer.text())
        self.assertIn("Désabonnement confirmé", answer.text())
        self.assertIn("no-store", answer.header("Cache-Control"))
        self.assertEqual(consent(SUBSCRIBER), "0")
        self.assertEqual(ledger(SUBSCRIBER), [["marketing", "0", "unsubscribe", "customer", "1"]])
        event = web.STACK.sql("SELECT detail FROM event WHERE kind = 'customer.consent'"
                              " AND customer_id = %s" % customer_id(SUBSCRIBER))
        self.assertEqual(event, [["marketing withdrawn unsubscribe"]])
        # Gmail may post twice; a scanner may replay: one ledger entry
        again = gmail_post(ALPHA_HOST, path)
        self.assertEqual(again.status, 200)
        self.assertIn("Désabonnement confirmé", again.text())
        self.assertEqual(len(ledger(SUBSCRIBER)), 1)
        # and the next marketing mail is not even queued
        refused = web.STACK.admin("mail", "marketing-test", "--shop", "alpha", "--email",
                                  SUBSCRIBER, check=False)
        self.assertEqual(refused.returncode, 1)

    def test_a_multipart_post_as_rfc_8058_prefers_withdraws_too(self):
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'"
                      % STRANGER_TARGET)
        path = https_path(send_marketing(STRANGER_TARGET))
        boundary = "----unsubscribe8058"
        body = ("--%s\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                "One-Click\r\n--%s--\r\n" % (boundary, boundary))
        answer = web.Browser(ALPHA_HOST).request(
            "POST", path, body=body,
            headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
        self.assertEqual(answer.status, 200, answer.text())
        self.assertEqual(consent(STRANGER_TARGET), "0")
        self.assertEqual(ledger(STRANGER_TARGET)[-1],
                         ["marketing", "0", "unsubscribe", "customer", "1"])
        # a multipart body with anything else is refused
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'"
                      % STRANGER_TARGET)
        for name, value in (("List-Unsubscribe", "All"), ("other", "One-Click")):
            other = body.replace("One-Click", value).replace('"List-Unsubscribe"', '"%s"' % name)
            refused = web.Browser(ALPHA_HOST).request(
                "POST", path, body=other,
                headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
            self.assertEqual(refused.status, 400)
        self.assertEqual(consent(STRANGER_TARGET), "1")

    def test_system_mail_still_goes_after_unsubscribing(self):
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'"
                      % STRANGER_TARGET)
        path = https_path(send_marketing(STRANGER_TARGET))
        self.assertEqual(gmail_post(ALPHA_HOST, path).status, 200)
        self.assertEqual(consent(STRANGER_TARGET), "0")
        web.STACK.sql("DELETE FROM rate_limit")
        before = len(mails_to(STRANGER_TARGET, "connexion"))
        browser = web.Browser(ALPHA_HOST)
        browser.submit("/account/login", "/account/login", {"email": STRANGER_TARGET})
        wait_for_mail(STRANGER_TARGET, before + 1, "connexion")
        # put the consent back for the tests that send it bad tokens
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'"
                      % STRANGER_TARGET)

    def test_get_shows_one_button_and_changes_nothing_until_it_is_pressed(self):
        path = https_path(send_marketing(READER))
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'" % READER)
        entries = len(ledger(READER))
        scanner = web.Browser(ALPHA_HOST)
        page = scanner.get(path)
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Referrer-Policy"), "strict-origin")
        self.assertIn("no-store", page.header("Cache-Control"))
        self.assertIn(READER, page.text())
        self.assertEqual(len(re.findall(r"<button", page.body)), 1)
        self.assertEqual(len(re.findall(r'<form method="post"', page.body)), 1)
        self.assertEqual(scanner.get(path).status, 200)
        self.assertEqual(consent(READER), "1")
        self.assertEqual(len(ledger(READER)), entries)
        # the button posts the form of the page, as a browser would
        action = re.search(r'<form method="post" action="([^"]+)"', page.body).group(1)
        action = action.replace("&amp;", "&")
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.body))
        self.assertEqual(hidden, {"List-Unsubscribe": "One-Click"})
        done = scanner.post(action, hidden, headers={"Origin": "http://" + ALPHA_HOST})
        self.assertEqual(done.status, 200)
        self.assertIn("Plus aucun e-mail commercial", done.text())
        self.assertEqual(consent(READER), "0")
        self.assertEqual(ledger(READER)[-1], ["marketing", "0", "unsubscribe", "customer", "1"])
        # the page of a link already used says so, with no button
        after = scanner.get(path)
        self.assertEqual(after.status, 200)
        self.assertNotIn("<button", after.body)
        self.assertIn("Désabonnement confirmé", after.text())


class Html(unittest.TestCase):
    def test_the_three_pages_are_valid_html(self):
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'" % READER)
        path = https_path(send_marketing(READER))
        pages = {"ask": web.Browser(ALPHA_HOST).get(path),
                 "done": gmail_post(ALPHA_HOST, path),
                 "invalid": web.Browser(ALPHA_HOST).get("/account/unsubscribe?token=1-2")}
        self.assertEqual([page.status for page in pages.values()], [200, 200, 400])
        for name, page in pages.items():
            result = subprocess.run(["tidy", "-q", "-e"], input=page.body.encode(),
                                    capture_output=True)
            self.assertEqual(result.stderr.decode().strip(), "", name)


class BadTokens(unittest.TestCase):
    def setUp(self):
        web.STACK.sql("DELETE FROM rate_limit")
        web.STACK.sql("UPDATE customer SET marketing_consent = 1 WHERE email = '%s'"
                      % STRANGER_TARGET)
        self.entries = len(ledger(STRANGER_TARGET))
        self.path = https_path(send_marketing(STRANGER_TARGET))
        self.token = token_of(self.path)

    def assert_refused(self, host, token, how):
        quoted = urllib.parse.quote(token, safe="")
        for answer in (web.Browser(host).get("/account/unsubscribe?token=" + quoted),
                       gmail_post(host, "/account/unsubscribe?token=" + quoted)):
            with self.subTest(how=how):
                self.assertEqual(answer.status, 400)
                self.assertNotIn("<button", answer.body)
                # each shop answers in its own language
                self.assertIn("Link not valid" if host == BETA_HOST else "Lien non valable",
                              answer.text())
        self.assertEqual(consent(STRANGER_TARGET), "1")
        self.assertEqual(len(ledger(STRANGER_TARGET)), self.entries)

    def test_another_shops_token_is_refused(self):
        self.assert_refused(BETA_HOST, self.token, "alpha's token on beta")

    def test_a_tampered_signature_is_refused(self):
        last = self.token[-1]
        self.assert_refused(ALPHA_HOST, self.token[:-1] + ("0" if last != "0" else "1"),
                            "last digit changed")

    def test_another_customer_id_with_the_same_signature_is_refused(self):
        number, mac = self.token.split("-")
        self.assert_refused(ALPHA_HOST, "%d-%s" % (int(number) + 1, mac), "id + 1")
        self.assert_refused(ALPHA_HOST, "0%s-%s" % (number, mac), "leading zero")

    def test_garbage_is_refused(self):
        for garbage in ("abc", "", "1-", "-" + "0" * 64, self.token + "0", "1' OR 1=1 --"):
            self.assert_refused(ALPHA_HOST, garbage, repr(garbage))

    def test_wrong_links_from_one_address_are_held_after_thirty(self):
        """Past thirty wrong links an address is told to wait; a good link
        from it is still honoured (one-click POSTs come from a mailbox
        provider's shared servers: a prober there must not stop them)."""
        prober = "127.0.0.9"
        for n in range(30):
            answer = web.Browser(ALPHA_HOST, source=prober).get(
                "/account/unsubscribe?token=%d-%s" % (n + 1, "0" * 64))
            self.assertEqual(answer.status, 400)
        held = web.Browser(ALPHA_HOST, source=prober).get(
            "/account/unsubscribe?token=31-%s" % ("0" * 64))
        self.assertEqual(held.status, 429)
        self.assertIn("Trop de liens non valables depuis cette adresse", held.text())
        self.assertEqual(consent(STRANGER_TARGET), "1")
        good = web.Browser(ALPHA_HOST, source=prober).request(
            "POST", self.path, body="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(good.status, 200)
        self.assertEqual(consent(STRANGER_TARGET), "0")
        web.STACK.sql("DELETE FROM rate_limit")

    def test_a_post_without_the_rfc_8058_body_is_refused(self):
        answer = web.Browser(ALPHA_HOST).request(
            "POST", self.path, body="List-Unsubscribe=All",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(answer.status, 400)
        self.assertEqual(consent(STRANGER_TARGET), "1")
        self.assertEqual(len(ledger(STRANGER_TARGET)), self.entries)


if __name__ == "__main__":
    unittest.main()
