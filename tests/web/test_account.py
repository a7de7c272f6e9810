"""Customer sign-in by mailed link or code (login.fcgi), and the mail that
carries it: outbox -> fidele-worker -> the harness's real SMTP server."""

import re
import subprocess
import time
import unittest

from fixtures import ALPHA_HOST, BETA_HOST
from inbox import clear_limits, mails_to, wait_for_mail, drain_outbox, text_part
import web

ALPHA_CUSTOMER = "marie.curie@alpha.test"
BLOCKED_CUSTOMER = "blocked@alpha.test"


def setUpModule():
    web.STACK.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, '%s', 'Marie', 'Curie', 'invited', 'admin' FROM shop WHERE slug = 'alpha';
INSERT INTO customer (shop_id, email, first_name, last_name, status, status_reason, source)
SELECT id, '%s', 'Bloqué', 'Client', 'blocked', 'impayés', 'admin' FROM shop WHERE slug = 'alpha';
""" % (ALPHA_CUSTOMER, BLOCKED_CUSTOMER))


def link_hmac(token):
    """The stored form of a link's token: HMAC-SHA256 under the secret."""
    import hashlib
    import hmac
    with open(web.STACK.config) as f:
        secret = re.search(r"^Security\.Secret = (\S+)$", f.read(), re.M).group(1)
    return hmac.new(secret.encode(), ("link:" + token).encode(), hashlib.sha256).hexdigest()


def link_and_code(message):
    text = text_part(message)
    link = re.search(r"https?://\S+/account/login/confirm\?token=([0-9a-f]{64})", text)
    code = re.search(r"\b(\d{6})\b", text)
    return link.group(0), link.group(1), code.group(1)


def request_link(browser, address, **extra):
    drain_outbox()
    before = len(mails_to(address))
    page = browser.submit("/account/login", "/account/login", dict(email=address, **extra))
    return page, before


class LinkSignIn(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_link_mail_is_proper_mime_in_french(self):
        browser = web.Browser(ALPHA_HOST)
        page, before = request_link(browser, ALPHA_CUSTOMER)
        self.assertEqual(page.status, 200)
        message = wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1]
        self.assertEqual(message["Subject"], "Votre lien de connexion à Épicerie Alpha")
        self.assertIn("Épicerie Alpha", str(message["From"]))
        self.assertTrue(message["Date"])
        self.assertRegex(message["Message-ID"], r"^<fidele\.\d+\.[0-9a-f]+@")
        kinds = [part.get_content_type() for part in message.walk()]
        self.assertIn("multipart/alternative", kinds)
        self.assertIn("text/plain", kinds)
        self.assertIn("text/html", kinds)
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn("Me connecter", html)
        first = web.STACK.sql("SELECT first_name FROM customer WHERE email = '%s'"
                              % ALPHA_CUSTOMER)[0][0]
        self.assertTrue(text_part(message).startswith("Bonjour %s,\n" % first))
        self.assertIn(">Bonjour %s,</p>" % first, html)

    def test_get_of_the_link_does_not_sign_in_post_does(self):
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        link, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        path = link[link.index("/account/"):]
        clicker = web.Browser(ALPHA_HOST)
        confirm = clicker.get(path)
        self.assertEqual(confirm.status, 200)
        self.assertEqual(confirm.header("Referrer-Policy"), "strict-origin")
        self.assertIn("no-store", confirm.header("Cache-Control"))
        self.assertNotIn("fidele_account", clicker.cookies)
        # a scanner fetching the link twice changes nothing either
        self.assertEqual(clicker.get(path).status, 200)
        answer = clicker.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/account/")
        cookie = [c for c in answer.headers_named("Set-Cookie") if c.startswith("fidele_account=")]
        self.assertTrue(cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0])
        home = clicker.get("/account/")
        self.assertEqual(home.status, 200)
        self.assertIn(ALPHA_CUSTOMER, home.text())
        status = web.STACK.sql("SELECT status FROM customer WHERE email = '%s'" % ALPHA_CUSTOMER)
        self.assertEqual(status, [["active"]])

    def test_a_used_link_is_refused(self):
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        first = web.Browser(ALPHA_HOST)
        confirm = first.get("/account/login/confirm?token=" + token)
        self.assertEqual(first.post("/account/login/confirm",
                                    {"token": token, "csrf": confirm.csrf()}).status, 303)
        replay = web.Browser(ALPHA_HOST)
        page = replay.get("/account/login/confirm?token=" + token)
        self.assertEqual(page.status, 400)
        self.assertIn("Lien expiré", page.text())
        token_for_form = replay.get("/account/login").csrf()
        answer = replay.post("/account/login/confirm", {"token": token, "csrf": token_for_form})
        self.assertEqual(answer.status, 400)
        self.assertNotIn("fidele_account", replay.cookies)

    def test_an_expired_link_is_refused(self):
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        web.STACK.sql("UPDATE login_token SET expires_at = NOW() - INTERVAL 1 SECOND"
                      " WHERE used_at IS NULL")
        page = web.Browser(ALPHA_HOST).get("/account/login/confirm?token=" + token)
        self.assertEqual(page.status, 400)
        self.assertIn("Lien expiré", page.text())

    def test_links_last_ten_minutes(self):
        """the row behind this very mail's link (found by the link's HMAC)"""
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        seconds = web.STACK.sql("SELECT TIMESTAMPDIFF(SECOND, created_at, expires_at) FROM login_token"
                                " WHERE token_hash = UNHEX('%s')" % link_hmac(token))
        self.assertEqual(seconds, [["600"]])

    def test_another_shops_link_is_refused_here(self):
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        page = web.Browser(BETA_HOST).get("/account/login/confirm?token=" + token)
        self.assertEqual(page.status, 400)
        self.assertIn("Link expired", page.text())

    def test_malformed_token_is_refused(self):
        for token in ("", "abc", "g" * 64, "A" * 64):
            page = web.Browser(ALPHA_HOST).get("/account/login/confirm?token=" + token)
            self.assertEqual(page.status, 400, token)

    def test_next_may_only_be_a_customer_page(self):
        """a link never returns to another site, nor to the admin side"""
        browser = web.Browser(ALPHA_HOST)
        page, _ = request_link(browser, ALPHA_CUSTOMER, next="//evil.example/")
        self.assertEqual(page.status, 400)
        clear_limits()
        _, before = request_link(browser, ALPHA_CUSTOMER, next="/admin/customers")
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        confirm = browser.get("/account/login/confirm?token=" + token)
        answer = browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/account/")

    def test_sign_out(self):
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, ALPHA_CUSTOMER)
        _, token, _ = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        confirm = browser.get("/account/login/confirm?token=" + token)
        browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
        home = browser.get("/account/")
        answer = browser.post("/account/logout", {"csrf": home.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/account/").status, 303)

    def test_timeline_records_request_mail_and_sign_in(self):
        """this sign-in's own rows, in the order they happened"""
        # a customer of its own: the worker writes an earlier test's
        # mail.sent a moment after the SMTP server took that mail, and a
        # CI run counted one of Marie Curie's here
        address = "timeline@alpha.test"
        web.STACK.sql(
            "INSERT IGNORE INTO customer (shop_id, email, first_name, last_name, status, source)"
            " SELECT id, '%s', 'Ligne', 'Du Temps', 'active', 'admin' FROM shop"
            " WHERE slug = 'alpha'" % address)
        last = web.STACK.sql("SELECT COALESCE(MAX(id), 0) FROM event")[0][0]
        browser = web.Browser(ALPHA_HOST)
        _, before = request_link(browser, address)
        message = wait_for_mail(address, before + 1)[-1]
        _, token, _ = link_and_code(message)
        confirm = browser.get("/account/login/confirm?token=" + token)
        self.assertEqual(browser.post("/account/login/confirm",
                                      {"token": token, "csrf": confirm.csrf()}).status, 303)
        expected = ["customer.link_requested", "mail.queued", "mail.sent", "customer.signed_in"]
        deadline = time.time() + 20
        while True:
            kinds = [row[0] for row in web.STACK.sql(
                "SELECT e.kind FROM event e JOIN customer c ON c.id = e.customer_id"
                " WHERE c.email = '%s' AND e.id > %s ORDER BY e.id" % (address, last))]
            # the worker writes mail.sent once the SMTP server took the mail
            if sorted(kinds) == sorted(expected) or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(sorted(kinds), sorted(expected))
        self.assertLess(kinds.index("customer.link_requested"), kinds.index("customer.signed_in"))
        self.assertLess(kinds.index("mail.queued"), kinds.index("mail.sent"))


class CodeSignIn(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_code_typed_on_the_page_signs_in(self):
        browser = web.Browser(ALPHA_HOST)
        page, before = request_link(browser, ALPHA_CUSTOMER)
        handle = re.search(r'name="handle" value="([0-9a-f]{64})"', page.body).group(1)
        _, _, code = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        answer = browser.post("/account/login/code", {"handle": handle, "code": code,
                                                      "csrf": page.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/account/").status, 200)

    def test_five_wrong_codes_kill_the_token(self):
        browser = web.Browser(ALPHA_HOST)
        page, before = request_link(browser, ALPHA_CUSTOMER)
        handle = re.search(r'name="handle" value="([0-9a-f]{64})"', page.body).group(1)
        _, _, code = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for _ in range(5):
            answer = browser.post("/account/login/code", {"handle": handle, "code": wrong,
                                                          "csrf": page.csrf()})
            self.assertEqual(answer.status, 400)
            self.assertIn("Ce code est incorrect ou a expiré.", answer.text())
        answer = browser.post("/account/login/code", {"handle": handle, "code": code,
                                                      "csrf": page.csrf()})
        self.assertEqual(answer.status, 400)
        self.assertNotIn("fidele_account", browser.cookies)

    def test_code_typed_with_spaces_or_a_dash_signs_in(self):
        """The mail shows the code spaced out: what people type between
        its digits (a space, a no-break space, a dash) is not a mistake."""
        for typed in ("{} {}", "{}\u00a0{}", " {}-{} "):
            clear_limits()
            browser = web.Browser(ALPHA_HOST)
            page, before = request_link(browser, ALPHA_CUSTOMER)
            handle = re.search(r'name="handle" value="([0-9a-f]{64})"', page.body).group(1)
            _, _, code = link_and_code(wait_for_mail(ALPHA_CUSTOMER, before + 1)[-1])
            answer = browser.post("/account/login/code", {"handle": handle,
                                                          "code": typed.format(code[:3], code[3:]),
                                                          "csrf": page.csrf()})
            self.assertEqual(answer.status, 303, typed)
            self.assertEqual(browser.get("/account/").status, 200)

    def test_code_that_is_not_six_digits(self):
        browser = web.Browser(ALPHA_HOST)
        page, _ = request_link(browser, ALPHA_CUSTOMER)
        handle = re.search(r'name="handle" value="([0-9a-f]{64})"', page.body).group(1)
        for code in ("", "12345", "1234567", "abcdef", "123 45", "12 34 56 7", "123_456"):
            answer = browser.post("/account/login/code", {"handle": handle, "code": code,
                                                          "csrf": page.csrf()})
            self.assertEqual(answer.status, 400, code)


class NoEnumeration(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def page_text(self, address):
        page, _ = request_link(web.Browser(ALPHA_HOST), address)
        return page.status, page.text().replace(address, "")

    def test_known_unknown_and_blocked_get_the_same_page(self):
        known = self.page_text(ALPHA_CUSTOMER)
        self.assertEqual(known, self.page_text("nobody.here@alpha.test"))
        self.assertEqual(known, self.page_text(BLOCKED_CUSTOMER))

    def test_known_unknown_and_blocked_make_the_same_writes(self):
        """The time the answer takes must not tell them apart either. Times
        are not asserted here (bench/ does such things): each request makes
        a token and a mail, a blocked customer's and an unknown address's
        token undone before the commit (the counters moved, no row is left;
        the unknown address's mail is the one telling it has no account)."""
        step = int(web.STACK.sql("SELECT @@auto_increment_increment")[0][0])

        def next_id(table):
            return int(web.STACK.sql("SELECT AUTO_INCREMENT FROM information_schema.TABLES"
                                     " WHERE TABLE_SCHEMA = 'fidele' AND TABLE_NAME = '%s'"
                                     % table)[0][0])

        def writes(address):
            before = (next_id("login_token"), next_id("outbox"))
            self.assertEqual(request_link(web.Browser(ALPHA_HOST), address)[0].status, 200)
            return ((next_id("login_token") - before[0]) // step,
                    (next_id("outbox") - before[1]) // step)

        self.assertEqual(writes(ALPHA_CUSTOMER), (1, 1))
        self.assertEqual(writes("nobody.writes@alpha.test"), (1, 1))
        self.assertEqual(writes(BLOCKED_CUSTOMER), (1, 1))
        left = web.STACK.sql("SELECT (SELECT COUNT(*) FROM outbox WHERE recipient = '%s'),"
                             " (SELECT COUNT(*) FROM login_token WHERE purpose = 'customer_login'"
                             "   AND customer_id IS NULL)" % BLOCKED_CUSTOMER)
        self.assertEqual(left, [["0", "0"]])

    def test_unknown_address_is_told_there_is_no_account(self):
        address = "stranger@alpha.test"
        _, before = request_link(web.Browser(ALPHA_HOST), address)
        message = wait_for_mail(address, before + 1)[-1]
        self.assertIn("Demande de connexion", message["Subject"])
        text = text_part(message)
        self.assertIn("aucun compte client", text)
        # there is no signup page yet: the mail must not send anyone to a 404
        self.assertNotIn("/account/signup", text)
        self.assertNotRegex(text, r"https?://")
        self.assertNotRegex(text, r"token=")

    def test_blocked_customer_gets_no_mail(self):
        request_link(web.Browser(ALPHA_HOST), BLOCKED_CUSTOMER)
        queued = web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE recipient = '%s'" % BLOCKED_CUSTOMER)
        self.assertEqual(queued, [["0"]])
        tokens = web.STACK.sql("SELECT COUNT(*) FROM login_token t JOIN customer c ON c.id = t.customer_id"
                               " WHERE c.email = '%s'" % BLOCKED_CUSTOMER)
        self.assertEqual(tokens, [["0"]])

    def test_link_requests_are_rate_limited_per_address(self):
        browser = web.Browser(ALPHA_HOST)
        for _ in range(5):
            self.assertEqual(request_link(browser, "flood@alpha.test")[0].status, 200)
        page, _ = request_link(browser, "flood@alpha.test")
        self.assertEqual(page.status, 429)
        self.assertIn("Trop de demandes", page.text())

    def test_bad_address_is_refused(self):
        for address in ("", "not-an-address", "x" * 300 + "@alpha.test"):
            page, _ = request_link(web.Browser(ALPHA_HOST), address)
            self.assertEqual(page.status, 400, address)
            self.assertIn("Saisissez une adresse e-mail valide", page.text())


class Outbox(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_mail_waits_while_smtp_is_down_and_leaves_once_when_it_is_back(self):
        address = "patient@alpha.test"
        web.STACK.stop_smtp()
        try:
            page, _ = request_link(web.Browser(ALPHA_HOST), address)
            self.assertEqual(page.status, 200)
            deadline = time.time() + 20
            while time.time() < deadline:
                row = web.STACK.sql("SELECT status, attempts, last_error IS NOT NULL FROM outbox"
                                    " WHERE recipient = '%s'" % address)
                # attempts counts a try before the SMTP server is called
                # (status 'sending'); the failure is written after it
                if row and int(row[0][1]) >= 1 and row[0][0] != "sending":
                    break
                time.sleep(0.2)
            self.assertEqual(row[0][0], "queued")
            self.assertEqual(row[0][2], "1")
        finally:
            web.STACK.start_smtp()
        wait_for_mail(address, 1, timeout=30)
        time.sleep(2)
        self.assertEqual(len(mails_to(address)), 1)
        self.assertEqual(web.STACK.sql("SELECT status FROM outbox WHERE recipient = '%s'" % address),
                         [["sent"]])

    def test_two_workers_never_send_a_mail_twice(self):
        extra = [web.STACK.start_worker() for _ in range(2)]
        try:
            addresses = ["crowd%02d@alpha.test" % i for i in range(30)]
            web.STACK.sql("".join(
                "INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, body_html)"
                " SELECT id, 'test', '%s', 'Test %d', 'body', '<p>body</p>' FROM shop"
                " WHERE slug = 'alpha';" % (a, i) for i, a in enumerate(addresses)))
            for address in addresses:
                wait_for_mail(address, 1, timeout=30)
            time.sleep(1)
            for address in addresses:
                self.assertEqual(len(mails_to(address)), 1, address)
        finally:
            for worker in extra:
                worker.terminate()
                worker.wait(timeout=30)
                web.STACK.children.remove(worker)

    def test_worker_refuses_unknown_arguments(self):
        result = subprocess.run([web.STACK.program("fidele-worker"), "--forever"],
                                env=web.STACK.env(), capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage", result.stderr)


class WorkerLimits(unittest.TestCase):
    """Runs its own worker with other settings, the stack's one paused."""

    def setUp(self):
        worker = web.STACK.worker
        worker.terminate()
        worker.wait(timeout=30)
        web.STACK.children.remove(worker)

    def tearDown(self):
        web.STACK.worker = web.STACK.start_worker()

    def worker_config(self, extra):
        """A configuration like the stack's with Mail settings replaced."""
        import os
        import tempfile
        folder = tempfile.mkdtemp(dir=web.STACK.var)
        with open(web.STACK.config) as f:
            text = re.sub(r"Mail \{.*?\}\n", "", f.read(), flags=re.S)
        path = os.path.join(folder, "fidele.hdf")
        with open(path, "w") as f:
            f.write(text + extra)
        return dict(web.STACK.env(), FIDELE_CONFIG=path)

    def queue(self, address, attempts=0):
        web.STACK.sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, attempts,"
                      " next_attempt_at) SELECT id, 'test', '%s', 'Essai', 'corps', %d,"
                      " NOW() + INTERVAL 1 HOUR FROM shop WHERE slug = 'alpha'" % (address, attempts))

    def run_once(self, env, address):
        web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'" % address)
        return subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                              capture_output=True, text=True, timeout=60)

    def test_mail_is_marked_failed_once_tried_for_longer_than_give_up_hours(self):
        address = "never@alpha.test"
        self.queue(address, attempts=7)
        # retry by time (issue 11): its first attempt was 49 hours ago
        web.STACK.sql("UPDATE outbox SET first_attempt_at = NOW() - INTERVAL 49 HOUR"
                      " WHERE recipient = '%s'" % address)
        # nothing listens on port 9 (discard) here: the connection is refused
        env = self.worker_config("Mail {\n  Smtp = smtp://127.0.0.1:9\n  GiveUpHours = 48\n}\n")
        self.run_once(env, address)
        row = web.STACK.sql("SELECT status, attempts, last_error IS NOT NULL FROM outbox"
                            " WHERE recipient = '%s'" % address)
        self.assertEqual(row, [["failed", "8", "1"]])

    def test_required_starttls_refuses_a_server_without_it(self):
        address = "tls-only@alpha.test"
        self.queue(address)
        env = self.worker_config("Mail {\n  Smtp = smtp://127.0.0.1:%d\n  StartTls = required\n"
                                 "  RetrySeconds = 600\n}\n" % web.STACK.smtp_port)
        self.run_once(env, address)
        row = web.STACK.sql("SELECT status, attempts FROM outbox WHERE recipient = '%s'" % address)
        self.assertEqual(row, [["queued", "1"]])
        self.assertEqual(mails_to(address), [])

    def test_without_smtp_the_worker_writes_eml_files(self):
        import email
        import email.policy
        import os
        env = self.worker_config("")
        folder = os.path.join(os.path.dirname(env["FIDELE_CONFIG"]), "mail")
        os.makedirs(folder)
        with open(env["FIDELE_CONFIG"], "a") as f:
            f.write("Mail.Directory = %s\n" % folder)
        self.queue("eml@alpha.test")
        result = self.run_once(env, "eml@alpha.test")
        self.assertEqual(result.returncode, 0, result.stderr)
        files = [n for n in os.listdir(folder) if n.endswith(".eml")]
        self.assertEqual(len(files), 1)
        with open(os.path.join(folder, files[0]), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        self.assertEqual(message["Subject"], "Essai")
        self.assertEqual(message["To"], "eml@alpha.test")
        self.assertEqual(message.get_body(preferencelist=("plain",)).get_content().strip(), "corps")
        self.assertEqual(web.STACK.sql("SELECT status FROM outbox WHERE recipient = 'eml@alpha.test'"),
                         [["sent"]])
        self.assertEqual(mails_to("eml@alpha.test"), [])
