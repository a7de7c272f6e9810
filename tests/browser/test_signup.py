"""The signup pages clicked through in Chromium (issue 15, points 1 to
4): the public form of an open shop, the mailed link opened after a mail
scanner and its one button, the customer signed in; the waiting list's
form on a phone, with the place shown after confirming; the closed
page; the door page's copy button and QR code; the queue's ticked rows.
Each page is looked at 1280 and 390 pixels wide (PNG files under the
stack's shots/ folder, or the folder FIDELE_SHOTS names) and may not
scroll sideways on a phone."""

import re

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url, drain_outbox, wait_for_mail, link_path, mails_to
import web


def set_door(mode, capacity=None):
    browsing.STACK.sql("UPDATE shop SET mode = '%s', signup_capacity = %s WHERE slug = 'alpha'"
                       % (mode, "NULL" if capacity is None else int(capacity)))


def tearDownModule():
    set_door("open")
    browsing.STACK.sql("UPDATE shop SET sender_email = '' WHERE slug = 'alpha'")


class SignupInTheBrowser(BrowserTest):
    shot_prefix = "signup-"

    def setUp(self):
        super().setUp()
        set_door("open")

    def confirmation(self, email, count):
        return link_path(wait_for_mail(email, count), "/account/signup/confirm")

    def test_open_signup_confirmed_and_signed_in(self):
        email = "chromium.open@example.org"
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/account/signup"))
        self.assertIn("Créer mon compte client", tab.text())
        self.assertFalse(tab.evaluate("document.querySelector('#marketing').checked"))
        self.look(tab, "public")
        tab.fill("#first_name", "Chloé")
        tab.fill("#last_name", "Navigateur")
        tab.fill("#email", email)
        tab.click("#marketing")
        drain_outbox()
        before = len(mails_to(email))
        self.assertEqual(tab.click_and_wait("form[action='/account/signup'] button[type=submit]"), 200)
        self.assertIn("Consultez vos e-mails", tab.text())
        self.look(tab, "sent")
        path = self.confirmation(email, before + 1)
        # a mail scanner fetches the link first: nothing happens
        self.assertEqual(web.Browser(ALPHA_HOST, port=browsing.STACK.port).get(path).status, 200)
        reader = self.tab()
        reader.goto(url(ALPHA_HOST, path))
        self.assertIn("Confirmer mon inscription", reader.text())
        self.look(reader, "confirm")
        self.assertEqual(reader.click_and_wait("form[action='/account/signup/confirm'] button"), 200)
        self.assertEqual(reader.evaluate("location.pathname"), "/account/")
        self.assertIn(email, reader.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT c.status, c.marketing_consent, k.source FROM customer c"
            " JOIN consent k ON k.customer_id = c.id WHERE c.email = '%s'" % email),
            [["active", "1", "confirm"]])

    def test_waiting_list_on_a_phone(self):
        set_door("waitlist")
        email = "chromium.phone@example.org"
        tab = self.tab()
        tab.set_viewport(390, 844, mobile=True)
        tab.goto(url(ALPHA_HOST, "/account/signup"))
        self.assertIn("Demander à rejoindre la boutique", tab.text())
        self.assertFalse(tab.evaluate("document.documentElement.scrollWidth > innerWidth"))
        tab.fill("#first_name", "Paul")
        tab.fill("#last_name", "Téléphone")
        tab.fill("#email", email)
        tab.fill("#message", "Je passe au marché chaque samedi.")
        drain_outbox()
        before = len(mails_to(email))
        self.assertEqual(tab.click_and_wait("form[action='/account/signup'] button[type=submit]"), 200)
        path = self.confirmation(email, before + 1)
        tab.goto(url(ALPHA_HOST, path))
        self.assertEqual(tab.click_and_wait("form[action='/account/signup/confirm'] button"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/account/signup")
        self.assertRegex(tab.text(), r"Votre place dans la file\u00a0: \d+")
        self.assertFalse(tab.evaluate("document.documentElement.scrollWidth > innerWidth"))
        self.look(tab, "waiting")
        tab.goto(url(ALPHA_HOST, "/account/signup"))
        anonymous = self.tab()
        anonymous.goto(url(ALPHA_HOST, "/account/signup"))
        self.look(anonymous, "waitlist-form")

    def test_closed_page(self):
        set_door("closed")
        browsing.STACK.sql("UPDATE shop SET sender_email = 'bonjour@alpha.test' WHERE slug = 'alpha'")
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/account/signup"))
        self.assertIn("n'accepte pas de nouvelles inscriptions", tab.text())
        self.assertFalse(tab.exists("#email"))
        self.assertIn("bonjour@alpha.test", tab.text())
        self.look(tab, "closed")

    def test_door_page_and_queue(self):
        set_door("waitlist")
        emails = ["queue.chromium%d@example.org" % n for n in range(2)]
        for n, email in enumerate(emails):
            http = web.Browser(ALPHA_HOST, port=browsing.STACK.port)
            page = http.get("/account/signup")
            form = {"csrf": page.csrf(), "door": "waitlist", "first_name": "File",
                    "last_name": "Numéro %d" % n, "email": email,
                    "message": "Bonjour,\nje voudrais des paniers de légumes chaque semaine."}
            drain_outbox()
            before = len(mails_to(email))
            self.assertEqual(http.post("/account/signup", form).status, 200)
            path = self.confirmation(email, before + 1)
            token = path.rsplit("=", 1)[1]
            shown = http.get(path)
            self.assertEqual(http.post("/account/signup/confirm",
                                       {"token": token, "csrf": shown.csrf()}).status, 303)
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.goto(url(ALPHA_HOST, "/admin/signup"))
        self.assertIn("Inscriptions", tab.text())
        self.look(tab, "admin")
        # the script shows the copy button; clicking it selects the address
        self.assertTrue(tab.evaluate("!document.querySelector('button.copy').hidden"))
        tab.click("button.copy")
        self.assertRegex(tab.evaluate("String(window.getSelection())"),
                         r"^http://alpha\.test:\d+/account/signup$")
        width = tab.evaluate("document.querySelector('.qr svg').getBoundingClientRect().width")
        self.assertGreater(width, 100)
        tab.goto(url(ALPHA_HOST, "/admin/signup/queue"))
        self.assertIn(emails[0], tab.text())
        self.look(tab, "queue")
        ids = [browsing.STACK.sql(
            "SELECT r.id FROM signup_request r JOIN customer c ON c.id = r.customer_id"
            " WHERE c.email = '%s'" % e)[0][0] for e in emails]
        for request_id in ids:
            tab.click("input[name=id][value='%s']" % request_id)
        self.assertEqual(tab.click_and_wait("#queue-form button[value=accept].primary"), 200)
        self.assertIn("Demandes acceptées", tab.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT status FROM customer WHERE email IN ('%s', '%s')" % tuple(emails)),
            [["active"], ["active"]])
