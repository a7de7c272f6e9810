"""Admins: forgotten password by mail, and the one-time link a hosting
provider prints with fidele-admin login-link."""

import re
import unittest

from fixtures import ALPHA_HOST, BETA_HOST
import web
from test_account import clear_limits, drain_outbox, wait_for_mail, mails_to, text_part

RESET_ADMIN = ("reset@alpha.test", "reset-old-password")


def setUpModule():
    web.STACK.admin("admin", "add", "--shop", "alpha", "--email", RESET_ADMIN[0], "--role", "staff",
                    input=RESET_ADMIN[1] + "\n")


def reset_link(message):
    return re.search(r"https?://\S+(/admin/login/reset\?token=([0-9a-f]{64}))", text_part(message))


class ForgottenPassword(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def ask(self, address):
        drain_outbox()
        before = len(mails_to(address))
        page = web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                              {"email": address})
        return page, before

    def test_reset_by_mail_sets_the_password_and_signs_out_other_browsers(self):
        other = web.Browser(ALPHA_HOST)
        self.assertEqual(other.sign_in(*RESET_ADMIN).status, 303)
        page, before = self.ask(RESET_ADMIN[0])
        self.assertEqual(page.status, 200)
        message = wait_for_mail(RESET_ADMIN[0], before + 1)[-1]
        self.assertIn("nouveau mot de passe", message["Subject"])
        path, token = reset_link(message).groups()
        browser = web.Browser(ALPHA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        self.assertEqual(form.header("Referrer-Policy"), "strict-origin")
        short = browser.post("/admin/login/reset", {"token": token, "password": "short",
                                                    "csrf": form.csrf()})
        self.assertEqual(short.status, 400)
        self.assertIn("au moins 10 caractères", short.text())
        # the form again, with the link's token to try another password
        self.assertIn('name="token" value="%s"' % token, short.body)
        for guessable in ("1234567890", "Azerty2026!", "motdepasse", "aaaaaaaaaaaa"):
            answer = browser.post("/admin/login/reset", {"token": token, "password": guessable,
                                                         "csrf": form.csrf()})
            self.assertEqual(answer.status, 400, guessable)
            self.assertIn("Ce mot de passe fait partie des premiers qu'on essaie", answer.text())
        # the link still works after them
        answer = browser.post("/admin/login/reset", {"token": token, "password": "brand-new-password",
                                                     "csrf": form.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        self.assertEqual(other.get("/admin/customers").status, 303)
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(RESET_ADMIN[0], "brand-new-password").status, 303)
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(*RESET_ADMIN).status, 400)
        replay = web.Browser(ALPHA_HOST)
        self.assertEqual(replay.get(path).status, 400)

    def test_unknown_address_gets_the_same_page_and_no_mail(self):
        known, _ = self.ask(RESET_ADMIN[0])
        unknown, _ = self.ask("nobody@alpha.test")
        self.assertEqual(known.text().replace(RESET_ADMIN[0], ""),
                         unknown.text().replace("nobody@alpha.test", ""))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE recipient = 'nobody@alpha.test'"),
                         [["0"]])

    def test_reset_link_of_another_shop_is_refused(self):
        _, before = self.ask(RESET_ADMIN[0])
        path, _ = reset_link(wait_for_mail(RESET_ADMIN[0], before + 1)[-1]).groups()
        self.assertEqual(web.Browser(BETA_HOST).get(path).status, 400)


class LoginLinkCli(unittest.TestCase):
    def test_printed_link_lets_the_owner_choose_a_password(self):
        web.STACK.admin("admin", "add", "--shop", "beta", "--email", "newowner@beta.test",
                        "--role", "owner", input="temporary-password\n")
        result = web.STACK.admin("login-link", "--shop", "beta", "--email", "NewOwner@beta.test")
        link = result.stdout.strip()
        self.assertRegex(link, r"^https://beta\.test/admin/login/reset\?token=[0-9a-f]{64}$")
        path = link[link.index("/admin/"):]
        browser = web.Browser(BETA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        self.assertIn("New password", form.text())
        token = path.split("=")[1]
        answer = browser.post("/admin/login/reset", {"token": token, "password": "owner-chosen-password",
                                                     "csrf": form.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)

    def test_bad_arguments(self):
        for args, code, word in (
                (["--shop", "beta", "--email", "ghost@beta.test"], 1, "not an admin"),
                (["--shop", "nope", "--email", "owner@beta.test"], 1, "no shop"),
                (["--shop", "beta", "--email", "owner@beta.test", "--minutes", "0"], 2, "--minutes"),
                (["--shop", "beta", "--email", "bad"], 2, "--email")):
            result = web.STACK.admin("login-link", *args, check=False)
            self.assertEqual(result.returncode, code, args)
            self.assertIn(word, result.stderr)

    def test_public_url_is_used_for_links(self):
        web.STACK.admin("shop", "add", "--slug", "gamma", "--name", "Gamma")
        web.STACK.admin("admin", "add", "--shop", "gamma", "--email", "o@gamma.test",
                        input="gamma-password\n")
        missing = web.STACK.admin("login-link", "--shop", "gamma", "--email", "o@gamma.test", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no host nor URL", missing.stderr)
        bad = web.STACK.admin("shop", "set-url", "--shop", "gamma", "--url", "javascript:alert(1)", check=False)
        self.assertEqual(bad.returncode, 2)
        web.STACK.admin("shop", "set-url", "--shop", "gamma", "--url", "https://clients.gamma.example")
        link = web.STACK.admin("login-link", "--shop", "gamma", "--email", "o@gamma.test").stdout
        self.assertTrue(link.startswith("https://clients.gamma.example/admin/login/reset?token="))


class FailedMails(unittest.TestCase):
    def test_admins_see_mails_that_could_not_be_sent(self):
        from fixtures import ALPHA_OWNER
        web.STACK.sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, status)"
                      " SELECT id, 'test', 'bounce@alpha.test', 'x', 'x', 'failed' FROM shop WHERE slug = 'alpha'")
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        failed = web.STACK.sql("SELECT COUNT(*) FROM outbox o JOIN shop s ON s.id = o.shop_id"
                               " WHERE s.slug = 'alpha' AND o.status = 'failed'")[0][0]
        self.assertIn(("1 e-mail n'a pas pu être envoyé" if failed == "1"
                       else "%s e-mails n'ont pas pu être envoyés" % failed),
                      browser.get("/admin/customers").text())
        beta = web.Browser(BETA_HOST)
        from fixtures import BETA_OWNER
        beta.sign_in(*BETA_OWNER)
        self.assertNotIn("could not be sent", beta.get("/admin/customers").text())
