"""Mailing a group, a tag or a segment (issue 16, point 5): an owner writes
a subject and a text on /admin/segments/mail?target=..., sees a preview
and how many customers will get it, and sends; the worker queues the mails
in batches (resumable, nobody twice) and the SMTP server receives them.

Marketing mail goes only to customers whose consent allows it, with the
one-click unsubscribe headers; a system announcement to those with system
mail on; blocked, erased, inactive, waiting-list customers and customers
without an address never get either. Checked on the mails the test SMTP
server received.

The stack's worker is paused meanwhile (WorkerCase): each mailing here is
run by a worker the test starts, with small batches."""

import email.policy
import html
import os
import re
import signal
import subprocess
import tempfile

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
from test_pages import tidy_problems
from test_unsubscribe import gmail_post
from test_worker_smtp import WorkerCase
import web


def rows(statement):
    return web.STACK.sql(statement)


# who is who: (name, status, marketing consent, system mail, has an address, erased)
PEOPLE = [
    ("optin", "active", 1, 1, True, False),        # marketing and system
    ("systemonly", "active", 0, 1, True, False),   # system only
    ("invitedoptin", "invited", 1, 0, True, False),  # marketing only
    ("blocked", "blocked", 1, 1, True, False),     # never
    ("erased", "active", 1, 1, False, True),       # never
    ("waiting", "waiting", 1, 1, True, False),     # never
    ("noaddress", "active", 1, 1, False, False),   # never
    ("inactive", "inactive", 1, 1, True, False),   # never
    # never: a signup never confirmed (made "self" below), whose address
    # may be a stranger's; its flags as if someone had set them
    ("unconfirmed", "invited", 1, 1, True, False),
]
MARKETING = {"optin", "invitedoptin"}
SYSTEM = {"optin", "systemonly"}


class Mailing(WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        Mailing.counter += 1
        self.tag = "Envoi%d" % Mailing.counter
        self.day = "2001-02-%02d" % Mailing.counter
        self.owner = web.Browser(ALPHA_HOST)
        self.assertEqual(self.owner.sign_in(*ALPHA_OWNER).status, 303)
        self.alpha = rows("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        self.ids = {}
        for name, status, marketing, system, address, erased in PEOPLE:
            email = "%s-%s@alpha.test" % (self.tag.lower(), name) if address else None
            rows("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
                 " marketing_consent, system_mail, erased_at, created_at)"
                 " VALUES (%s, %s, '%s', '%s', '%s', 'admin', %d, %d, %s, '%s 10:00:00')"
                 % (self.alpha, "'%s'" % email if email else "NULL", name, self.tag, status,
                    marketing, system, "NOW()" if erased else "NULL", self.day))
            self.ids[name] = rows("SELECT id FROM customer WHERE shop_id = %s AND last_name = '%s'"
                                  " AND first_name = '%s'" % (self.alpha, self.tag, name))[0][0]
        rows("UPDATE customer SET source = 'self' WHERE id = %s" % self.ids["unconfirmed"])
        members = ",".join("(%s, @g, %s)" % (self.alpha, i) for i in self.ids.values())
        rows("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Groupe %s');"
             "SET @g = LAST_INSERT_ID();"
             "INSERT INTO customer_group_member (shop_id, group_id, customer_id) VALUES %s"
             % (self.alpha, self.tag, members))
        self.group = rows("SELECT id FROM customer_group WHERE shop_id = %s AND name = 'Groupe %s'"
                          % (self.alpha, self.tag))[0][0]
        rows("INSERT INTO tag (shop_id, name) VALUES (%s, 'tag-%s');"
             "SET @g = LAST_INSERT_ID();"
             "INSERT INTO customer_tag (shop_id, tag_id, customer_id) VALUES %s"
             % (self.alpha, self.tag.lower(), members))
        self.tag_id = rows("SELECT id FROM tag WHERE shop_id = %s AND name = 'tag-%s'"
                           % (self.alpha, self.tag.lower()))[0][0]
        # a saved view of the list: everyone created that day, whatever the status
        rows("INSERT INTO segment (shop_id, name, view_query) VALUES"
             " (%s, 'Segment %s', 'status=all&from=%s&to=%s')"
             % (self.alpha, self.tag, self.day, self.day))
        self.segment = rows("SELECT id FROM segment WHERE shop_id = %s AND name = 'Segment %s'"
                            % (self.alpha, self.tag))[0][0]
        self.seen = len(web.STACK.messages())

    def tearDown(self):
        ids = ",".join(self.ids.values())
        rows("DELETE FROM outbox WHERE customer_id IN (%s);"
             "DELETE FROM job WHERE kind = 'mailing' AND state <> 'done';"
             "DELETE FROM customer_group WHERE name LIKE 'Groupe %s%%';"
             "DELETE FROM tag WHERE name = 'tag-%s';"
             "DELETE FROM segment WHERE name = 'Segment %s';"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE id IN (%s)"
             % (ids, self.tag, self.tag.lower(), self.tag, ids))
        super().tearDown()

    # --- helpers -------------------------------------------------------------------

    def worker_env(self, **jobs):
        with open(web.STACK.config) as f:
            text = f.read()
        text += "Jobs {\n" + "".join("  %s = %s\n" % kv for kv in jobs.items()) + "}\n"
        handle, path = tempfile.mkstemp(suffix=".hdf", dir=self.folder)
        with os.fdopen(handle, "w") as f:
            f.write(text)
        os.chmod(path, 0o640)
        return dict(web.STACK.env(), FIDELE_CONFIG=path)

    def run_worker(self, **jobs):
        jobs.setdefault("MailingBatch", 3)
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=self.worker_env(**jobs), capture_output=True, text=True,
                                timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def compose(self, target, browser=None):
        return (browser or self.owner).get("/admin/segments/mail?target=" + target)

    def form(self, page, **fields):
        """The compose form's fields as the page has them, with fields."""
        form = re.search(r'<form method="post" action="/admin/segments/mail".*?</form>',
                         page.body, re.S).group(0)
        values = dict((k, html.unescape(v)) for k, v in
                      re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        values.update(fields)
        return values

    def previewed(self, page, browser=None, **fields):
        """The compose form after its preview (which carries what it
        showed), ready to send."""
        preview = (browser or self.owner).post("/admin/segments/mail",
                                               self.form(page, action="preview", **fields))
        self.assertEqual(preview.status, 200, preview.text())
        return self.form(preview, action="send", **fields)

    def send(self, target, kind, subject="La vente est ouverte", text="Bonjour,\n\nÀ samedi !",
             browser=None):
        page = self.compose(target, browser)
        self.assertEqual(page.status, 200, page.text())
        answer = (browser or self.owner).post("/admin/segments/mail", self.previewed(
            page, browser, kind=kind, subject=subject, text=text))
        self.assertEqual(answer.status, 303, answer.text())
        self.assertEqual(answer.header("Location"), "/admin/segments/mailings")
        # the client's own charset takes no emoji: the subject goes as bytes
        return rows("SELECT MAX(id) FROM mailing WHERE subject = CONVERT(X'%s' USING utf8mb4)"
                    " COLLATE utf8mb4_unicode_520_ci"
                    % subject.encode().hex())[0][0]

    def received(self):
        """The mails the SMTP server received since the test began, to this
        test's customers."""
        mine = "%s-" % self.tag.lower()
        return [m for m in web.STACK.messages()[self.seen:] if str(m["To"]).startswith(mine)]

    def who(self, messages):
        return sorted(str(m["To"]).split("@")[0].split("-", 1)[1] for m in messages)

    def mailing(self, mailing_id):
        return rows("SELECT state, recipient_count, cursor_id FROM mailing WHERE id = %s"
                    % mailing_id)[0]

    # --- who gets it ---------------------------------------------------------------

    def test_marketing_to_a_group_goes_only_to_consenting_customers_with_unsubscribe(self):
        page = self.compose("group:%s" % self.group)
        self.assertEqual(page.status, 200)
        self.assertEqual(tidy_problems(page.body), [])
        text = page.text()
        self.assertIn("Groupe « Groupe %s » — 9 clients" % self.tag, text)
        self.assertIn("dont l'inscription n'a pas été confirmée ne reçoivent jamais", text)
        self.assertIn("avec un lien de désinscription : 2 clients", text)
        self.assertIn("messages de service : 2 clients", text)
        mailing_id = self.send("group:%s" % self.group, "marketing",
                               text="Bonjour,\n\nLes fraises sont là : [la boutique](https://alpha.test/boutique?x=1&y=2).")
        self.assertEqual(self.mailing(mailing_id)[0], "queued")
        self.run_worker()
        messages = self.received()
        self.assertEqual(self.who(messages), sorted(MARKETING))
        for message in messages:
            self.assertEqual(str(message["Subject"]), "La vente est ouverte")
            self.assertIn("https://", str(message["List-Unsubscribe"]))
            # no mailto: the shop has no sender address of its own
            self.assertNotIn("mailto:", str(message["List-Unsubscribe"]))
            self.assertEqual(str(message["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")
            body = message.get_body(preferencelist=("html",)).get_content()
            self.assertIn('<a href="https://alpha.test/boutique?x=1&amp;y=2" style="color:#1d4f91;">'
                          'la boutique</a>', body)
            self.assertIn(">Se désabonner</a>", body)
            plain = message.get_body(preferencelist=("plain",)).get_content()
            self.assertIn("la boutique (https://alpha.test/boutique?x=1&y=2)", plain)
            self.assertIn("/account/unsubscribe?token=", plain)
        self.assertEqual(self.mailing(mailing_id)[:2], ["sent", "2"])
        # the same mail, as a person reads it, for the report
        with open(os.path.join(web.STACK.var, "mailing-marketing.html"), "w") as f:
            f.write(messages[0].get_body(preferencelist=("html",)).get_content())
        listing = self.owner.get("/admin/segments/mailings")
        self.assertEqual(listing.status, 200)
        self.assertEqual(tidy_problems(listing.body), [])
        row = re.search(r'<tr id="mailing-%s">.*?</tr>' % mailing_id, listing.body, re.S).group(0)
        self.assertIn('data-count="queued">0<', row)
        self.assertIn('data-count="sent">2<', row)
        self.assertIn('data-count="failed">0<', row)
        self.assertIn("Terminé", row)
        # a mail still waiting (a mail server that said "later") is not done
        one = "(SELECT id FROM (SELECT MIN(id) AS id FROM outbox WHERE mailing_id = %s) x)" % mailing_id
        web.STACK.sql("UPDATE outbox SET status = 'queued' WHERE id = %s" % one)
        try:
            row = re.search(r'<tr id="mailing-%s">.*?</tr>' % mailing_id,
                            self.owner.get("/admin/segments/mailings").body, re.S).group(0)
            self.assertIn('data-count="queued">1<', row)
            self.assertIn("En cours d'envoi", html.unescape(row))
            self.assertNotIn("Terminé", row)
        finally:
            web.STACK.sql("UPDATE outbox SET status = 'sent' WHERE id = %s" % one)

    def test_a_system_announcement_to_a_tag_goes_to_system_mail_on_without_unsubscribe(self):
        self.send("tag:%s" % self.tag_id, "system")
        self.run_worker()
        messages = self.received()
        self.assertEqual(self.who(messages), sorted(SYSTEM))
        for message in messages:
            self.assertIsNone(message["List-Unsubscribe"])
            body = message.get_body(preferencelist=("html",)).get_content()
            self.assertNotIn("désabonner", body)
            # it says why it comes, as a marketing mail does
            why = ("Vous recevez cette annonce de service parce que vous êtes client de la"
                   " boutique.")
            self.assertIn(why, body)
            self.assertIn("\n-- \n" + why, message.get_body(preferencelist=("plain",)).get_content())
        with open(os.path.join(web.STACK.var, "mailing-system.html"), "w") as f:
            f.write(messages[0].get_body(preferencelist=("html",)).get_content())

    def test_a_saved_segment_is_read_as_the_list_reads_it(self):
        page = self.compose("segment:%s" % self.segment)
        # the list never shows an erased customer: 7 of the 8
        self.assertIn("Segment « Segment %s » — 8 clients" % self.tag, page.text())
        self.send("segment:%s" % self.segment, "marketing")
        self.run_worker()
        self.assertEqual(self.who(self.received()), sorted(MARKETING))

    def test_consent_withdrawn_after_queuing_is_respected(self):
        """who gets it is decided when the worker queues the mail"""
        mailing_id = self.send("group:%s" % self.group, "marketing")
        rows("UPDATE customer SET marketing_consent = 0 WHERE id = %s" % self.ids["invitedoptin"])
        self.run_worker()
        self.assertEqual(self.who(self.received()), ["optin"])
        self.assertEqual(self.mailing(mailing_id)[:2], ["sent", "1"])

    def test_a_customer_who_unsubscribes_while_the_mail_waits_does_not_get_it(self):
        """The shop's mails of the day are used up: the mailing's mails are
        queued and wait for the next day. One customer unsubscribes with
        the one-click link meanwhile; the next day theirs is not sent."""
        rows("UPDATE shop SET mail_limit_per_day = 0 WHERE slug = 'alpha'")
        self.addCleanup(rows, "UPDATE shop SET mail_limit_per_day = NULL WHERE slug = 'alpha'")
        mailing_id = self.send("group:%s" % self.group, "marketing")
        self.run_worker()
        self.assertEqual(self.received(), [])
        header = rows("SELECT list_unsubscribe FROM outbox WHERE mailing_id = %s"
                      " AND customer_id = %s" % (mailing_id, self.ids["invitedoptin"]))[0][0]
        url = re.search(r"<(https?://[^>]+)>", header).group(1)
        answer = gmail_post(ALPHA_HOST, url[url.index("/account/"):])
        self.assertEqual(answer.status, 200)
        rows("UPDATE shop SET mail_limit_per_day = NULL WHERE slug = 'alpha'")
        self.run_worker()
        self.assertEqual(self.who(self.received()), ["optin"])
        self.assertEqual(rows("SELECT status FROM outbox WHERE mailing_id = %s"
                              " AND customer_id = %s" % (mailing_id, self.ids["invitedoptin"])),
                         [["dismissed"]])
        # the customer's page says why, and offers no "send again"
        page = self.owner.get("/admin/customers/%s" % self.ids["invitedoptin"])
        self.assertIn("pas envoyé : le client ne voulait plus d'e-mails commerciaux", page.text())
        self.assertNotIn("/mails/", page.body.split('id="mails"', 1)[-1].split("</ol>", 1)[0])

    def test_a_mailing_whose_owner_is_disabled_before_it_goes_is_not_sent(self):
        """Sending is an owner's: a mailing whose admin another owner made
        staff (or disabled) before the worker sent it stops, and nobody
        gets it."""
        owner_id = rows("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
                        " WHERE s.slug = 'alpha' AND a.email = '%s'" % ALPHA_OWNER[0])[0][0]
        mailing_id = self.send("group:%s" % self.group, "marketing")
        self.addCleanup(rows, "UPDATE admin SET role = 'owner' WHERE id = %s" % owner_id)
        rows("UPDATE admin SET role = 'staff' WHERE id = %s" % owner_id)
        self.run_worker()
        self.assertEqual(self.received(), [])
        self.assertEqual(self.mailing(mailing_id)[0], "cancelled")
        self.assertEqual(rows("SELECT state, last_error FROM job WHERE kind = 'mailing'"
                              " AND payload = '%s'" % mailing_id), [["failed", "owner"]])

    def test_a_subject_and_a_sender_name_of_long_non_ascii_text_arrive_whole(self):
        """200 emoji in the subject and 200 CJK characters in the sender's
        name are some 1,000 bytes encoded: the header is folded (no line
        may pass 998 bytes, the SMTP server refused it) and reads whole."""
        subject = "\U0001F389" * 200
        sender = "\u5e97" * 200
        # a plain one folded too, its double spaces kept
        plain = "Vente  de  printemps  " * 9 + "!"
        rows("UPDATE shop SET sender_name = '%s' WHERE slug = 'alpha'" % sender)
        self.addCleanup(rows, "UPDATE shop SET sender_name = '' WHERE slug = 'alpha'")
        self.send("group:%s" % self.group, "system", subject=subject)
        self.send("group:%s" % self.group, "system", subject=plain)
        self.run_worker()
        received = self.received()
        self.assertEqual(len(received), 2 * len(SYSTEM))
        self.assertEqual(sorted(str(m["Subject"]) for m in received),
                         sorted([plain] * len(SYSTEM) + [subject] * len(SYSTEM)))
        for message in received:
            # Python keeps the space between two encoded words of a name,
            # which RFC 2047 (6.2) and mail programs leave out
            self.assertEqual(message["From"].addresses[0].display_name.replace(" ", ""), sender)

    def test_the_built_in_segments_are_read_from_the_orders(self):
        """on beta, whose few customers have no orders of their own"""
        beta = rows("SELECT id FROM shop WHERE slug = 'beta'")[0][0]
        people = {}
        for name in ("new", "returning", "old"):
            rows("INSERT INTO customer (shop_id, email, last_name, first_name, status, source)"
                 " VALUES (%s, '%s-%s@beta.test', '%s', '%s', 'active', 'admin')"
                 % (beta, self.tag.lower(), name, self.tag, name))
            people[name] = rows("SELECT id FROM customer WHERE shop_id = %s AND email ="
                                " '%s-%s@beta.test'" % (beta, self.tag.lower(), name))[0][0]
        orders = (("new", 2), ("returning", 90), ("returning", 3), ("old", 90))
        rows("INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at) VALUES "
             + ",".join("(%s, %s, '%s-%d', 1000, NOW() - INTERVAL %d DAY)"
                        % (beta, people[n], self.tag, i, days)
                        for i, (n, days) in enumerate(orders)))
        owner = web.Browser(BETA_HOST)
        self.assertEqual(owner.sign_in(*BETA_OWNER).status, 303)
        seen = len(web.STACK.messages())

        def mailed():
            return sorted(str(m["To"]).split("@")[0].split("-", 1)[1]
                          for m in web.STACK.messages()[seen:]
                          if str(m["To"]).startswith(self.tag.lower() + "-"))
        try:
            page = self.compose("builtin:new", owner)
            self.assertEqual(page.status, 200)
            self.assertIn("New customers (first order in the last 30 days)", page.text())
            self.send("builtin:returning", "system", browser=owner)
            self.run_worker()
            self.assertEqual(mailed(), ["returning"])
            self.send("builtin:new", "system", browser=owner)
            self.run_worker()
            self.assertEqual(mailed(), ["new", "returning"])
            # the segment is named in the language of whoever reads the
            # list, not of whoever sent it
            self.assertIn("Returning customers (2 orders or more)",
                          owner.get("/admin/segments/mailings").text())
            rows("UPDATE admin SET language = 'fr' WHERE email = '%s'" % BETA_OWNER[0])
            listed = owner.get("/admin/segments/mailings").text()
            self.assertIn("Clients réguliers (2 commandes ou plus)", listed)
            self.assertNotIn("Returning customers", listed)
            mailing_id = rows("SELECT MAX(id) FROM mailing WHERE shop_id = %s" % beta)[0][0]
            one = owner.get("/admin/segments/mailings/%s" % mailing_id)
            self.assertEqual(one.status, 200)
            self.assertIn("Nouveaux clients (première commande depuis 30 jours)", one.text())
        finally:
            rows("UPDATE admin SET language = NULL WHERE email = '%s'" % BETA_OWNER[0])
            ids = ",".join(people.values())
            rows("DELETE FROM orders WHERE customer_id IN (%s);"
                 "DELETE FROM outbox WHERE customer_id IN (%s);"
                 "UPDATE customer SET erased_at = NOW(), email = NULL WHERE id IN (%s)"
                 % (ids, ids, ids))

    # --- the preview ---------------------------------------------------------------

    def test_the_preview_shows_the_mail_escaped_and_the_count(self):
        page = self.compose("group:%s" % self.group)
        answer = self.owner.post("/admin/segments/mail", self.form(
            page, kind="marketing", subject="<b>Offre</b>",
            text="<script>alert(1)</script>\nligne 2\n\nVoir https://alpha.test/a. "
                 "[javascript](javascript:alert(1)) [x](https://a.test/\"onmouseover=1)",
            action="preview"))
        self.assertEqual(answer.status, 200)
        self.assertEqual(tidy_problems(answer.body), [])
        self.assertNotIn("<script>alert", answer.body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;<br>ligne 2</p>", answer.body)
        self.assertIn('<a href="https://alpha.test/a">https://alpha.test/a</a>.', answer.body)
        self.assertNotIn('href="javascript', answer.body)
        self.assertNotIn('"onmouseover', answer.body)
        self.assertIn("Ce message partira à 2 clients", answer.text())
        self.assertIn("Envoyer à 2 clients", answer.text())
        self.assertIn("Se désabonner", answer.text())
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = '<b>Offre</b>'"), [["0"]])

    # --- only what was previewed is sent ---------------------------------------------

    def count(self, subject):
        return rows("SELECT COUNT(*) FROM mailing WHERE subject = '%s'" % subject)[0][0]

    def test_a_send_without_a_preview_shows_it_and_sends_nothing(self):
        page = self.compose("group:%s" % self.group)
        # the first page offers the preview, not the send
        self.assertNotIn('value="send"', page.body)
        answer = self.owner.post("/admin/segments/mail", self.form(
            page, kind="system", subject="Sans aperçu", text="Texte", action="send"))
        self.assertEqual(answer.status, 409)
        self.assertEqual(tidy_problems(answer.body), [])
        self.assertIn("Relisez l'aperçu ci-dessous, puis envoyez : rien n'est encore parti.",
                      answer.text())
        self.assertIn("Aperçu, tel que le client le verra", answer.text())
        self.assertEqual(self.count("Sans aperçu"), "0")
        # sent from the preview it showed, it goes
        again = self.owner.post("/admin/segments/mail", self.form(answer, kind="system",
                                subject="Sans aperçu", text="Texte", action="send"))
        self.assertEqual(again.status, 303)
        self.assertEqual(self.count("Sans aperçu"), "1")

    def test_a_message_changed_after_its_preview_is_shown_again_not_sent(self):
        page = self.compose("group:%s" % self.group)
        seen = dict(kind="marketing", subject="Relu", text="Bonjour,\n\nÀ samedi !")
        form = self.previewed(page, **seen)
        for change in ({"text": "Bonjour,\n\nÀ dimanche !"}, {"subject": "Relu !"},
                       {"kind": "system"}):
            changed = dict(form, **change)
            answer = self.owner.post("/admin/segments/mail", changed)
            self.assertEqual(answer.status, 409, change)
            self.assertIn("Le message a changé depuis le dernier aperçu", answer.text())
            # the preview is the new one, and the form now carries it
            shown = re.search(r'<section class="card mailing-preview-card".*?</section>',
                              answer.body, re.S).group(0)
            self.assertIn({"text": "À dimanche !", "subject": "Relu !",
                           "kind": "annonce de service"}[list(change)[0]], html.unescape(shown))
            self.assertNotEqual(self.form(answer)["checked"], form["checked"])
        # a forged digest is no better
        forged = dict(form, checked="0" * 64)
        self.assertEqual(self.owner.post("/admin/segments/mail", forged).status, 409)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject LIKE 'Relu%'"), [["0"]])
        # what was previewed goes
        self.assertEqual(self.owner.post("/admin/segments/mail", form).status, 303)
        # (the mysql client writes a newline as a backslash and an n)
        self.assertEqual(rows("SELECT kind, body FROM mailing WHERE subject = 'Relu'"),
                         [["marketing", "Bonjour,\\n\\nÀ samedi !"]])

    # --- a test to the admin's own address --------------------------------------------

    def test_a_test_goes_to_the_admin_alone_as_the_customers_will_get_it(self):
        page = self.compose("group:%s" % self.group)
        form = self.previewed(page, kind="marketing", subject="Essayez-moi",
                              text="Bonjour,\n\n[la boutique](https://alpha.test/b)")
        answer = self.owner.post("/admin/segments/mail", dict(form, action="test"))
        self.assertEqual(answer.status, 200, answer.text())
        self.assertEqual(tidy_problems(answer.body), [])
        self.assertIn("Essai envoyé à owner@alpha.test", answer.text())
        # nothing goes to the customers, no mailing is written
        self.assertEqual(self.count("Essayez-moi"), "0")
        self.assertEqual(rows("SELECT customer_id, mailing_id, recipient FROM outbox"
                              " WHERE subject = '[Essai] Essayez-moi'"),
                         [["NULL", "NULL", "owner@alpha.test"]])
        seen = len(web.STACK.messages())
        self.run_worker()
        mine = [m for m in web.STACK.messages()[seen:] if str(m["Subject"]).endswith("Essayez-moi")]
        self.assertEqual([str(m["To"]) for m in mine], ["owner@alpha.test"])
        self.assertEqual(self.received(), [])
        test = mine[0]
        self.assertEqual(str(test["Subject"]), "[Essai] Essayez-moi")
        # no unsubscribe header (the admin is not on the list), but the
        # footer shows where each customer's link will be
        self.assertIsNone(test["List-Unsubscribe"])
        body = test.get_body(preferencelist=("html",)).get_content()
        self.assertIn('<a href="https://alpha.test/b" style="color:#1d4f91;">la boutique</a>', body)
        self.assertIn("Se désabonner</span> (dans l'envoi, ce lien est propre à chaque client)",
                      html.unescape(body))
        plain = test.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("la boutique (https://alpha.test/b)", plain)
        self.assertIn("\n\n-- \nPour ne plus recevoir ces e-mails, ouvrez ce lien\u00a0:\n"
                      "(dans l'envoi, ce lien est propre à chaque client)", plain)
        # the form's one-time key was not spent: the real one still goes
        self.assertEqual(self.owner.post("/admin/segments/mail", form).status, 303)
        self.assertEqual(self.count("Essayez-moi"), "1")

    def test_a_system_test_has_no_unsubscribe_footer(self):
        page = self.compose("group:%s" % self.group)
        form = self.previewed(page, kind="system", subject="Essai service", text="Jeudi.")
        self.assertEqual(self.owner.post("/admin/segments/mail", dict(form, action="test")).status,
                         200)
        self.assertEqual(rows("SELECT COUNT(*) FROM outbox WHERE subject = '[Essai] Essai service'"
                              " AND body_text NOT LIKE '%%désabonner%%'"
                              " AND body_html NOT LIKE '%%désabonner%%'"
                              " AND body_text LIKE '%%annonce de service parce que%%'"), [["1"]])

    def test_tests_are_limited_per_admin_and_the_limit_is_said(self):
        admin = rows("SELECT id FROM admin WHERE email = 'owner@alpha.test'")[0][0]
        forget = ("DELETE FROM rate_limit WHERE bucket = 'mailing-test'"
                  " AND key_hash = UNHEX(SHA2('%s', 256))" % admin)
        rows(forget)
        self.addCleanup(rows, forget)
        page = self.compose("group:%s" % self.group)
        form = dict(self.previewed(page, kind="system", subject="Trop d'essais", text="Texte"),
                    action="test")
        for i in range(10):
            self.assertEqual(self.owner.post("/admin/segments/mail", form).status, 200, i)
        answer = self.owner.post("/admin/segments/mail", form)
        self.assertEqual(answer.status, 429)
        self.assertIn("Vous avez envoyé 10 essais dans l'heure", answer.text())
        self.assertNotIn("Essai envoyé", answer.text())
        self.assertEqual(rows("SELECT COUNT(*) FROM outbox WHERE subject = '[Essai] Trop d''essais'"),
                         [["10"]])
        rows("DELETE FROM outbox WHERE subject = '[Essai] Trop d''essais'")

    # --- a sent mailing's page, and a new one from it ---------------------------------

    def test_a_mailings_page_shows_its_text_and_counts_to_the_shop_only(self):
        mailing_id = self.send("group:%s" % self.group, "marketing", subject="Ma page",
                               text="Bonjour,\n\n<b>Fraises</b> https://alpha.test/f")
        self.run_worker()
        listing = self.owner.get("/admin/segments/mailings")
        self.assertIn('<a href="/admin/segments/mailings/%s">Ma page</a>' % mailing_id,
                      listing.body)
        page = self.owner.get("/admin/segments/mailings/%s" % mailing_id)
        self.assertEqual(page.status, 200)
        self.assertEqual(tidy_problems(page.body), [])
        text = page.text()
        self.assertIn("Ma page", re.search(r"<h1>(.*?)</h1>", page.body).group(1))
        self.assertIn("owner@alpha.test", text)
        self.assertIn("Groupe « Groupe %s »" % self.tag, text)
        self.assertIn('data-count="sent">2<', page.body)
        self.assertIn('data-count="failed">0<', page.body)
        self.assertIn("&lt;b&gt;Fraises&lt;/b&gt;", page.body)
        self.assertIn('<a href="https://alpha.test/f">https://alpha.test/f</a>', page.body)
        self.assertIn("Se désabonner", text)
        # the owner may start again from it: the same group is chosen
        self.assertIn('<option value="group:%s" selected>' % self.group, page.body)
        # staff see it, without the new mailing
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        seen = staff.get("/admin/segments/mailings/%s" % mailing_id)
        self.assertEqual(seen.status, 200)
        self.assertIn("Ma page", seen.text())
        self.assertNotIn('action="/admin/segments/mail"', seen.body)
        # another shop's owner, or no such mailing: not found
        other = web.Browser(BETA_HOST)
        self.assertEqual(other.sign_in(*BETA_OWNER).status, 303)
        missing = other.get("/admin/segments/mailings/%s" % mailing_id)
        self.assertEqual(missing.status, 404)
        self.assertNotIn("Ma page", missing.body)
        self.assertEqual(self.owner.get("/admin/segments/mailings/999999999").status, 404)

    def test_a_new_mailing_starts_from_an_old_one(self):
        mailing_id = self.send("group:%s" % self.group, "system", subject="Jeudi",
                               text="Le retrait change de lieu.")
        page = self.owner.get("/admin/segments/mail?target=tag:%s&from=%s" % (self.tag_id, mailing_id))
        self.assertEqual(page.status, 200)
        self.assertIn("Étiquette « tag-%s »" % self.tag.lower(), page.text())
        self.assertIn('value="Jeudi"', page.body)
        self.assertIn(">Le retrait change de lieu.</textarea>", page.body)
        self.assertIn('value="system" checked', page.body)
        # the copy is a new mailing, sent only after its own preview
        self.assertEqual(self.owner.post("/admin/segments/mail", self.form(
            page, kind="system", subject="Jeudi", text="Le retrait change de lieu.",
            action="send")).status, 409)
        self.assertEqual(self.count("Jeudi"), "1")
        # another shop's mailing, or none, is not found
        other = web.Browser(BETA_HOST)
        self.assertEqual(other.sign_in(*BETA_OWNER).status, 303)
        beta_group = rows("SELECT MIN(id) FROM customer_group WHERE shop_id ="
                          " (SELECT id FROM shop WHERE slug = 'beta')")[0][0]
        target = "group:%s" % beta_group if beta_group else "builtin:new"
        stolen = other.get("/admin/segments/mail?target=%s&from=%s" % (target, mailing_id))
        self.assertEqual(stolen.status, 404)
        self.assertNotIn("Le retrait change de lieu", stolen.body)

    # --- bad input -----------------------------------------------------------------

    def bad(self, **fields):
        page = self.compose("group:%s" % self.group)
        before = rows("SELECT COUNT(*) FROM mailing")[0][0]
        base = dict(kind="system", subject="Objet", text="Texte", action="send")
        base.update(fields)
        answer = self.owner.post("/admin/segments/mail", self.form(page, **base))
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing")[0][0], before)
        return answer

    def test_empty_or_too_long_subject_or_text_is_refused_clearly(self):
        for fields, message in (
                ({"subject": ""}, "Saisissez l'objet du message."),
                ({"subject": "   "}, "Saisissez l'objet du message."),
                ({"text": ""}, "Saisissez le texte du message."),
                ({"subject": "é" * 201}, "L'objet ne peut dépasser 200 caractères."),
                ({"text": "é" * 5001}, "Le message ne peut dépasser 5 000 caractères.")):
            answer = self.bad(**fields)
            self.assertEqual(answer.status, 400, fields)
            self.assertIn(message, answer.text())
            self.assertIn("Le message n'est pas envoyé", answer.text())
        self.assertEqual(self.bad(subject="é" * 200, action="preview").status, 200)

    def test_unknown_and_other_shops_targets_are_not_found(self):
        beta = rows("SELECT id FROM shop WHERE slug = 'beta'")[0][0]
        rows("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Groupe %s beta')"
             % (beta, self.tag))
        beta_group = rows("SELECT id FROM customer_group WHERE name = 'Groupe %s beta'"
                          % self.tag)[0][0]
        for target in ("group:%s" % beta_group, "group:999999999", "tag:0", "segment:abc",
                       "builtin:old", "nothing:1", "group:", "group:1 ", "group:01"):
            page = self.compose(web.urllib.parse.quote(target))
            self.assertEqual(page.status, 404, target)
        # and in the form
        page = self.compose("group:%s" % self.group)
        answer = self.owner.post("/admin/segments/mail", self.form(
            page, target="group:%s" % beta_group, kind="system", subject="x", text="y",
            action="send"))
        self.assertEqual(answer.status, 404)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE target_id = %s" % beta_group),
                         [["0"]])
        # beta's owner does not reach alpha's group either
        other = web.Browser(BETA_HOST)
        self.assertEqual(other.sign_in(*BETA_OWNER).status, 303)
        self.assertEqual(self.compose("group:%s" % self.group, other).status, 404)
        self.assertEqual(self.compose("segment:%s" % self.segment, other).status, 404)

    def test_a_segment_whose_filters_no_longer_exist_is_refused_clearly(self):
        rows("INSERT INTO segment (shop_id, name, view_query) VALUES"
             " (%s, 'Segment %s vieux', 'colour=red&status=all')" % (self.alpha, self.tag))
        old = rows("SELECT id FROM segment WHERE name = 'Segment %s vieux'" % self.tag)[0][0]
        try:
            page = self.compose("segment:%s" % old)
            self.assertEqual(page.status, 409)
            self.assertIn("Ce segment utilise des filtres qui n'existent plus", page.text())
            answer = self.owner.post("/admin/segments/mail", self.form(
                self.compose("group:%s" % self.group), target="segment:%s" % old, kind="system",
                subject="Vieux", text="Texte", action="send"))
            self.assertEqual(answer.status, 409)
            self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = 'Vieux'"), [["0"]])
        finally:
            rows("DELETE FROM segment WHERE id = %s" % old)

    def test_a_segment_on_a_deleted_group_is_refused_not_counted_as_nobody(self):
        rows("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Groupe %s parti')"
             % (self.alpha, self.tag))
        gone = rows("SELECT id FROM customer_group WHERE name = 'Groupe %s parti'" % self.tag)[0][0]
        rows("INSERT INTO segment (shop_id, name, view_query) VALUES"
             " (%s, 'Segment %s orphelin', 'group=%s')" % (self.alpha, self.tag, gone))
        orphan = rows("SELECT id FROM segment WHERE name = 'Segment %s orphelin'" % self.tag)[0][0]
        self.addCleanup(rows, "DELETE FROM segment WHERE id = %s" % orphan)
        self.assertEqual(self.compose("segment:%s" % orphan).status, 200)
        rows("DELETE FROM customer_group WHERE id = %s" % gone)
        page = self.compose("segment:%s" % orphan)
        self.assertEqual(page.status, 409)
        self.assertIn("un groupe ou une étiquette supprimés", page.text())

    def test_nobody_to_send_to_is_said_and_nothing_queued(self):
        rows("UPDATE customer SET marketing_consent = 0 WHERE id IN (%s, %s)"
             % (self.ids["optin"], self.ids["invitedoptin"]))
        answer = self.bad(kind="marketing")
        self.assertEqual(answer.status, 400)
        self.assertIn("Personne ne recevrait ce message", answer.text())

    def test_a_double_submit_queues_one_mailing(self):
        page = self.compose("group:%s" % self.group)
        form = self.previewed(page, kind="system", subject="Une fois", text="Texte")
        first = self.owner.post("/admin/segments/mail", form)
        second = self.owner.post("/admin/segments/mail", form)
        self.assertEqual((first.status, second.status), (303, 303))
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = 'Une fois'"), [["1"]])
        self.assertEqual(rows("SELECT COUNT(*) FROM job WHERE kind = 'mailing' AND payload ="
                              " (SELECT id FROM mailing WHERE subject = 'Une fois')"), [["1"]])
        self.run_worker()
        self.assertEqual(self.who(self.received()), sorted(SYSTEM))

    def test_a_form_without_its_one_time_key_is_refused(self):
        page = self.compose("group:%s" % self.group)
        form = self.form(page, kind="system", subject="Sans clé", text="Texte", action="send")
        del form["once"]
        self.assertEqual(self.owner.post("/admin/segments/mail", form).status, 400)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = 'Sans clé'"), [["0"]])

    def test_staff_may_see_the_mailings_but_not_send(self):
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        self.assertEqual(self.compose("group:%s" % self.group, staff).status, 403)
        token = staff.get("/admin/segments/mailings").csrf()
        answer = staff.post("/admin/segments/mail", {
            "csrf": token, "target": "group:%s" % self.group, "kind": "system",
            "subject": "Staff", "text": "Texte", "once": "a" * 64, "action": "send"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = 'Staff'"), [["0"]])
        listing = staff.get("/admin/segments/mailings")
        self.assertEqual(listing.status, 200)
        self.assertNotIn('action="/admin/segments/mail"', listing.body)

    def test_without_csrf_nothing_is_queued(self):
        page = self.compose("group:%s" % self.group)
        form = self.form(page, kind="system", subject="Sans csrf", text="Texte", action="send")
        del form["csrf"]
        self.assertEqual(self.owner.post("/admin/segments/mail", form).status, 403)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject = 'Sans csrf'"), [["0"]])

    # --- batches, restarts, other shops --------------------------------------------

    def bigger_group(self, count):
        """A group of count active customers with both kinds of mail on."""
        ids = []
        for i in range(count):
            rows("INSERT INTO customer (shop_id, email, last_name, first_name, status, source,"
                 " marketing_consent, system_mail) VALUES (%s, '%s-lot%d@alpha.test', '%s',"
                 " 'lot%d', 'active', 'admin', 1, 1)" % (self.alpha, self.tag.lower(), i, self.tag, i))
            ids.append(rows("SELECT id FROM customer WHERE shop_id = %s AND email ="
                            " '%s-lot%d@alpha.test'" % (self.alpha, self.tag.lower(), i))[0][0])
            self.ids["lot%d" % i] = ids[-1]
        rows("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Groupe %s lots');"
             "SET @g = LAST_INSERT_ID();"
             "INSERT INTO customer_group_member (shop_id, group_id, customer_id) VALUES %s"
             % (self.alpha, self.tag, ",".join("(%s, @g, %s)" % (self.alpha, i) for i in ids)))
        return rows("SELECT id FROM customer_group WHERE name = 'Groupe %s lots'" % self.tag)[0][0]

    def start_paused_worker(self):
        """A worker with batches of 2 and a long pause after each."""
        process = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                   env=self.worker_env(MailingBatch=2,
                                                       MailingPauseMilliseconds=120000),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        return process

    def test_a_killed_worker_resumes_the_batches_and_nobody_gets_it_twice(self):
        group = self.bigger_group(5)
        mailing_id = self.send("group:%s" % group, "marketing", subject="Par lots")
        worker = self.start_paused_worker()
        self.assertTrue(web.wait_until(lambda: self.mailing(mailing_id)[1] == "2", 60))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        self.assertEqual(self.mailing(mailing_id)[0], "sending")
        self.assertEqual(self.mailing(mailing_id)[2], self.ids["lot1"])
        rows("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 1 MINUTE"
             " WHERE id = (SELECT worker_id FROM job WHERE kind = 'mailing' AND payload = '%s')"
             % mailing_id)
        self.run_worker(MailingBatch=2)
        self.assertEqual(self.mailing(mailing_id)[:2], ["sent", "5"])
        self.assertEqual(rows("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM outbox"
                              " WHERE mailing_id = %s" % mailing_id), [["5", "5"]])
        self.assertEqual(self.who(self.received()), ["lot%d" % i for i in range(5)])
        # the mailing's mails go after the shop's other mail (sql/023)
        self.assertEqual(rows("SELECT DISTINCT priority FROM outbox WHERE mailing_id = %s"
                              % mailing_id), [["2"]])

    def test_another_shops_sign_in_link_goes_out_while_a_mailing_is_queued(self):
        group = self.bigger_group(5)
        mailing_id = self.send("group:%s" % group, "system", subject="Longue")
        worker = self.start_paused_worker()
        self.assertTrue(web.wait_until(lambda: self.mailing(mailing_id)[1] == "2", 60))
        address = "%s-signin@beta.test" % self.tag.lower()
        self.queued.append(address)
        rows("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
             " SELECT id, 'customer-login', '%s', 'Link', 'body' FROM shop WHERE slug = 'beta'"
             % address)
        self.assertEqual(rows("SELECT priority FROM outbox WHERE recipient = '%s'" % address),
                         [["0"]])
        self.assertTrue(web.wait_until(
            lambda: any(str(m["To"]) == address for m in web.STACK.messages()), 60))
        self.assertEqual(self.mailing(mailing_id)[0], "sending")
        worker.kill()
        worker.wait(timeout=30)
        rows("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 1 MINUTE"
             " WHERE id = (SELECT worker_id FROM job WHERE kind = 'mailing' AND payload = '%s')"
             % mailing_id)
        self.run_worker()
        self.assertEqual(self.mailing(mailing_id)[:2], ["sent", "5"])

    def test_two_shops_never_see_each_others_mailings(self):
        mailing_id = self.send("group:%s" % self.group, "system", subject="Secret alpha")
        other = web.Browser(BETA_HOST)
        self.assertEqual(other.sign_in(*BETA_OWNER).status, 303)
        listing = other.get("/admin/segments/mailings")
        self.assertEqual(listing.status, 200)
        self.assertNotIn("Secret alpha", listing.body)
        self.assertNotIn('id="mailing-%s"' % mailing_id, listing.body)
        self.assertNotIn("Groupe %s" % self.tag, listing.body)
        self.assertIn("Secret alpha", self.owner.get("/admin/segments/mailings").body)
        self.run_worker()
        self.assertTrue(all(str(m["To"]).endswith("@alpha.test") for m in self.received()))
