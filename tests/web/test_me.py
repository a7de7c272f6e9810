"""An admin's own account (/admin/me): their name and the language of the
admin pages they read, whatever the shop's. A seller who reads English in a
French shop gets every admin page, date and amount and the mails sent to
them in English; the shop's customers, and the shop's other admins, keep
the shop's language. Bad input, no token or no session change nothing."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web
from inbox import clear_limits, drain_outbox, html_part, mails_to, wait_for_mail
import signup_steps
from test_admin_reset import reset_link

READER = ("reader@alpha.test", "alpha-reader-password")


def reader_row():
    return web.STACK.sql("SELECT name, language FROM admin WHERE email = '%s'" % READER[0])[0]


def page_lang(page):
    return re.search(r'<html lang="([a-z]+)"', page.body).group(1)


class MyAccount(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not web.STACK.sql("SELECT id FROM admin WHERE email = '%s'" % READER[0]):
            web.STACK.admin("admin", "add", "--shop", "alpha", "--email", READER[0],
                            "--role", "staff", input=READER[1] + "\n")

    def setUp(self):
        clear_limits()
        web.STACK.sql("UPDATE admin SET name = '', language = NULL WHERE email = '%s'" % READER[0])
        self.reader = web.Browser(ALPHA_HOST)
        self.assertEqual(self.reader.sign_in(*READER).status, 303)

    def save(self, fields):
        return self.reader.submit("/admin/me", "/admin/me", fields)

    def test_the_page_shows_who_is_signed_in_and_is_reached_from_every_page(self):
        page = self.reader.get("/admin/me")
        self.assertEqual(page.status, 200)
        text = page.text()
        self.assertIn("Mon compte", text)
        self.assertIn(READER[0], text)
        self.assertIn("<dd>%s<wbr>@%s</dd>" % tuple(READER[0].split("@")), page.body)
        self.assertIn("Personnel", text)
        # the shop's language, named, is chosen until the admin picks one
        self.assertRegex(page.body, r'<option value="shop" selected>Celle de la boutique'
                                    r' \(Français\)</option>')
        # the address at the top of every admin page leads here
        for path in ("/admin/customers", "/admin/groups", "/admin/import"):
            self.assertIn('<a class="who" href="/admin/me"', self.reader.get(path).body, path)
        # signed out: to the sign-in page
        answer = web.Browser(ALPHA_HOST).get("/admin/me")
        self.assertEqual(answer.status, 303)
        self.assertTrue(answer.header("Location").startswith("/admin/login"))

    def test_english_for_this_admin_french_for_the_shops_other_admins_and_customers(self):
        answer = self.save({"name": "Rachel Reader", "language": "en"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/me")
        self.assertEqual(reader_row(), ["Rachel Reader", "en"])
        page = self.reader.get("/admin/me")
        self.assertEqual(page_lang(page), "en")
        self.assertIn("Your settings are saved.", page.text())
        self.assertIn("My account", page.text())
        self.assertRegex(page.body, r'<option value="en" lang="en" selected>English</option>')
        # every program's admin pages, their numbers and dates too
        listing = self.reader.get("/admin/customers")
        self.assertEqual(page_lang(listing), "en")
        self.assertIn("<h1>Customers</h1>", listing.body)
        for path in ("/admin/groups", "/admin/import", "/admin/signup/queue"):
            self.assertEqual(page_lang(self.reader.get(path)), "en", path)
        customer = web.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                                 " WHERE s.slug = 'alpha' AND c.erased_at IS NULL"
                                 " AND c.created_at IS NOT NULL ORDER BY c.id LIMIT 1")[0][0]
        detail = self.reader.get("/admin/customers/%s" % customer)
        self.assertEqual(detail.status, 200)
        self.assertEqual(page_lang(detail), "en")
        # the team page names them
        owner = web.Browser(ALPHA_HOST)
        self.assertEqual(owner.sign_in(*ALPHA_OWNER).status, 303)
        self.assertIn("Rachel Reader", owner.get("/admin/team").text())
        # the owner still reads the shop's language
        self.assertEqual(page_lang(owner.get("/admin/customers")), "fr")
        self.assertIn("<h1>Clients</h1>", owner.get("/admin/customers").body)
        # a customer's page in the same browser is the shop's
        self.assertEqual(page_lang(self.reader.get("/account/login")), "fr")
        # and back to the shop's
        self.assertEqual(self.save({"name": "Rachel Reader", "language": "shop"}).status, 303)
        self.assertEqual(reader_row(), ["Rachel Reader", "NULL"])
        page = self.reader.get("/admin/me")
        self.assertEqual(page_lang(page), "fr")
        self.assertIn("Vos réglages sont enregistrés.", page.text())

    def test_mails_to_the_admin_in_their_language_to_customers_in_the_shops(self):
        self.assertEqual(self.save({"language": "en"}).status, 303)
        drain_outbox()
        before = len(mails_to(READER[0]))
        asked = web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                               {"email": READER[0]})
        self.assertEqual(asked.status, 200)
        self.assertEqual(page_lang(asked), "fr")    # nobody is signed in there
        message = wait_for_mail(READER[0], before + 1)[-1]
        self.assertIn("Choose a new password for", message["Subject"])
        # and the link the provider mails them (fidele-admin login-link --send)
        web.STACK.admin("login-link", "--shop", "alpha", "--email", READER[0], "--send")
        message = wait_for_mail(READER[0], before + 2)[-1]
        self.assertIn("Choose a new password for", message["Subject"])
        # a message this admin writes to a customer goes out in the shop's words
        customer, address = web.STACK.sql(
            "SELECT c.id, c.email FROM customer c JOIN shop s ON s.id = c.shop_id"
            " WHERE s.slug = 'alpha' AND c.email IS NOT NULL AND c.language IS NULL"
            " AND c.erased_at IS NULL AND c.status = 'active' ORDER BY c.id LIMIT 1")[0]
        before = len(mails_to(address))
        sent = self.reader.submit("/admin/customers/%s" % customer,
                                  "/admin/customers/%s/message" % customer,
                                  {"subject": "Marché de Noël", "text": "À samedi !",
                                   "again": "1"})
        self.assertIn(sent.status, (200, 303))
        written = wait_for_mail(address, before + 1)[-1]
        self.assertIn('<html lang="fr">', html_part(written))
        # the answer to the form, after the mail, is still in English
        self.assertEqual(page_lang(self.reader.get(sent.header("Location") or
                                                   "/admin/customers/%s" % customer)), "en")

    def test_the_page_a_password_link_opens_speaks_the_admins_language(self):
        self.assertEqual(self.save({"language": "en"}).status, 303)
        drain_outbox()
        before = len(mails_to(READER[0]))
        web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                       {"email": READER[0]})
        path, token = reset_link(wait_for_mail(READER[0], before + 1)[-1]).groups()
        browser = web.Browser(ALPHA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        self.assertEqual(page_lang(form), "en")
        self.assertIn("New password", form.text())
        for password in ("short", ""):
            answer = browser.post("/admin/login/reset", {"token": token, "password": password,
                                                         "csrf": form.csrf()})
            self.assertEqual(answer.status, 400, password)
            self.assertEqual(page_lang(answer), "en", password)
            self.assertIn("Choose a password of at least 10 characters.", answer.text())
        # an expired or made-up link: nobody known, the shop's language
        wrong = browser.get("/admin/login/reset?token=" + "0" * 64)
        self.assertEqual(wrong.status, 400)
        self.assertEqual(page_lang(wrong), "fr")
        answer = browser.post("/admin/login/reset", {"token": token, "password": READER[1],
                                                     "csrf": form.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(page_lang(browser.get("/admin/customers")), "en")
        # the shop's other admins still get the shop's language there
        drain_outbox()
        before = len(mails_to(ALPHA_OWNER[0]))
        web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                       {"email": ALPHA_OWNER[0]})
        path = reset_link(wait_for_mail(ALPHA_OWNER[0], before + 1)[-1]).group(1)
        self.assertEqual(page_lang(web.Browser(ALPHA_HOST).get(path)), "fr")

    def test_the_shops_notices_reach_each_admin_in_their_own_language(self):
        self.assertEqual(self.save({"language": "en"}).status, 303)
        web.STACK.sql("UPDATE admin SET notify_signups = 1 WHERE email IN ('%s', '%s')"
                      % (READER[0], ALPHA_OWNER[0]))
        signup_steps.set_door("alpha", "waitlist")
        try:
            drain_outbox()
            english, french = ("New request on the waiting list of",
                               "Nouvelle demande sur la liste d'attente de")
            before = (len(mails_to(READER[0], english)), len(mails_to(ALPHA_OWNER[0], french)))
            answer = signup_steps.sign_up_and_confirm(web.Browser(ALPHA_HOST),
                                                      "applies.in.french@example.org")
            self.assertEqual(answer.status, 303)
            self.assertIn(english, wait_for_mail(READER[0], before[0] + 1, english)[-1]["Subject"])
            self.assertIn(french, wait_for_mail(ALPHA_OWNER[0], before[1] + 1,
                                                french)[-1]["Subject"])
            self.assertEqual(mails_to(READER[0], french), [])
        finally:
            signup_steps.set_door("alpha", "open")
            web.STACK.sql("UPDATE admin SET notify_signups = 0")
            # the applicant leaves the waiting list the other files count
            web.STACK.sql("UPDATE customer SET erased_at = NOW(), email = NULL"
                          " WHERE email = 'applies.in.french@example.org'")

    def test_bad_input_changes_nothing(self):
        self.assertEqual(self.save({"name": "Rachel", "language": "en"}).status, 303)
        for fields in ({"name": "Rachel B", "language": "de"},
                       {"name": "Rachel B", "language": ""},
                       {"name": "Rachel B"},
                       {"name": "n" * 201, "language": "fr"},
                       {"name": "Rachel\nB", "language": "fr"},
                       # a name typed in Windows-1252
                       {"name": "H\xe9l\xe8ne".encode("cp1252"), "language": "fr"}):
            answer = self.save(fields)
            self.assertEqual(answer.status, 400, fields)
            # said in the admin's language, with what was typed
            self.assertIn("Correct the fields shown: nothing was saved.", answer.text(), fields)
            self.assertEqual(reader_row(), ["Rachel", "en"], fields)
        # without the form's token
        answer = self.reader.post("/admin/me", {"name": "Mallory", "language": "fr"})
        self.assertEqual(answer.status, 403)
        # signed out
        answer = web.Browser(ALPHA_HOST).post("/admin/me", {"name": "Mallory", "language": "fr"})
        self.assertIn(answer.status, (303, 403))
        self.assertEqual(reader_row(), ["Rachel", "en"])
        # a GET does not write
        self.assertEqual(self.reader.get("/admin/me?name=Mallory&language=fr").status, 200)
        self.assertEqual(reader_row(), ["Rachel", "en"])


if __name__ == "__main__":
    unittest.main()
