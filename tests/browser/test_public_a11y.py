"""The public pages (issue 15: "pass an axe-core check and work without
JavaScript and on a phone"): each is checked with axe-core's WCAG 2.1 A/AA
rules and best practices on a desktop screen and a phone-sized one, where
nothing may scroll sideways (check_public_page in browsing.py: a new
public page is one call more). The unsubscribe page is also used with
JavaScript off, and its three states are saved as PNGs (1280 and 390 wide)
under the stack's folder (shots/, or the folder FIDELE_SHOTS names)."""

import os
import re
import subprocess
import urllib.parse

from fixtures import ALPHA_HOST, BETA_HOST
import browsing
from browsing import BrowserTest, url, drain_outbox, mails_to, wait_for_mail, link_path

CUSTOMER = "lea.a11y@alpha.test"
SUBSCRIBER = "paul.a11y@alpha.test"
NO_SCRIPT = "nina.a11y@alpha.test"
ENGLISH = "ann.a11y@beta.test"


def setUpModule():
    for slug, email, consent in (("alpha", CUSTOMER, 0), ("alpha", SUBSCRIBER, 1),
                                 ("alpha", NO_SCRIPT, 1), ("beta", ENGLISH, 1)):
        browsing.STACK.sql(
            "INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " marketing_consent) SELECT id, '%s', 'Léa', 'Accessible', 'active', 'admin', %d"
            " FROM shop WHERE slug = '%s'" % (email, consent, slug))


def unsubscribe_path(slug, email):
    """The link of a marketing mail sent to email (fidele-admin's test mail)."""
    drain_outbox()
    before = len(mails_to(email))
    browsing.STACK.admin("mail", "marketing-test", "--shop", slug, "--email", email)
    message = wait_for_mail(email, before + 1)
    link = re.search(r"<(https?://[^>]+)>", str(message["List-Unsubscribe"])).group(1)
    return link[link.index("/account/"):]


def consent(email):
    return browsing.STACK.sql("SELECT marketing_consent FROM customer WHERE email = '%s'"
                              % email)[0][0]


class PublicPages(BrowserTest):
    def test_sign_in_pages(self):
        self.check_public_page(url(ALPHA_HOST, "/account/login"))
        self.check_public_page(url(ALPHA_HOST, "/account/login/code"))
        self.check_public_page(url(BETA_HOST, "/account/login"))
        self.check_public_page(url(ALPHA_HOST, "/admin/login"))
        self.check_public_page(url(ALPHA_HOST, "/admin/login/forgot"))

    def test_the_sent_page_after_asking_for_a_link(self):
        tab = self.check_public_page(url(ALPHA_HOST, "/account/login"))
        tab.fill("#email", CUSTOMER)
        self.assertEqual(tab.click_and_wait("form[action='/account/login'] button[type=submit]"),
                         200)
        self.check_public_page(tab=tab)

    def test_the_confirm_page_of_a_link_and_the_expired_one(self):
        drain_outbox()
        before = len(mails_to(CUSTOMER))
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/account/login"))
        tab.fill("#email", CUSTOMER)
        tab.click_and_wait("form[action='/account/login'] button[type=submit]")
        path = link_path(wait_for_mail(CUSTOMER, before + 1), "/account/login/confirm")
        self.check_public_page(url(ALPHA_HOST, path))
        self.check_public_page(url(ALPHA_HOST, "/account/login/confirm?token=" + "0" * 64),
                               status=400)



def set_door(mode):
    browsing.STACK.sql("UPDATE shop SET mode = '%s' WHERE slug = 'alpha'" % mode)


class SignupPages(BrowserTest):
    """The public signup (issue 15, points 2 to 4): the form in each of
    the shop's modes, the page that says to check one's mail, the
    confirmation link's page and its expired one."""

    def tearDown(self):
        set_door("open")
        super().tearDown()

    def test_the_form_in_every_mode(self):
        for mode in ("open", "waitlist", "closed"):
            set_door(mode)
            self.check_public_page(url(ALPHA_HOST, "/account/signup"))
        set_door("open")
        self.check_public_page(url(BETA_HOST, "/account/signup"))

    def test_the_sent_page_and_the_confirmation_link(self):
        email = "axe.signup@example.org"
        drain_outbox()
        before = len(mails_to(email))
        tab = self.check_public_page(url(ALPHA_HOST, "/account/signup"))
        tab.fill("#first_name", "Axel")
        tab.fill("#last_name", "Lecteur")
        tab.fill("#email", email)
        self.assertEqual(tab.click_and_wait("form[action='/account/signup'] button[type=submit]"),
                         200)
        self.check_public_page(tab=tab)
        path = link_path(wait_for_mail(email, before + 1), "/account/signup/confirm")
        self.check_public_page(url(ALPHA_HOST, path))
        self.check_public_page(url(ALPHA_HOST, "/account/signup/confirm?token=" + "0" * 64),
                               status=400)

class CustomerSpace(BrowserTest):
    def test_the_pages_of_a_signed_in_customer(self):
        drain_outbox()
        before = len(mails_to(CUSTOMER))
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/account/login"))
        tab.fill("#email", CUSTOMER)
        tab.click_and_wait("form[action='/account/login'] button[type=submit]")
        tab.goto(url(ALPHA_HOST, link_path(wait_for_mail(CUSTOMER, before + 1),
                                           "/account/login/confirm")))
        tab.click_and_wait("form button[type=submit]")
        self.assertEqual(tab.evaluate("location.pathname"), "/account/")
        for path in ("/account/", "/account/profile", "/account/preferences", "/account/orders",
                     "/account/data", "/account/delete"):
            self.check_public_page(url(ALPHA_HOST, path), tab=tab)


class UnsubscribePages(BrowserTest):
    def setUp(self):
        super().setUp()

    def shoot(self, tab, name):
        for width, height in (browsing.DESKTOP, browsing.PHONE):
            tab.set_viewport(width, height, mobile=width < 600)
            tab.screenshot(os.path.join(self.shots, "unsubscribe-%s-%d.png" % (name, width)))
        tab.set_viewport(*browsing.DESKTOP)

    def test_the_button_page_the_done_page_and_a_bad_link(self):
        path = unsubscribe_path("alpha", SUBSCRIBER)
        tab = self.check_public_page(url(ALPHA_HOST, path))
        self.assertIn(SUBSCRIBER, tab.text())
        self.assertEqual(consent(SUBSCRIBER), "1")
        self.shoot(tab, "ask")
        self.assertEqual(tab.click_and_wait("form button[type=submit]"), 200)
        self.assertEqual(consent(SUBSCRIBER), "0")
        self.assertIn("Désabonnement confirmé", tab.text())
        self.check_public_page(tab=tab)
        self.shoot(tab, "done")
        number, mac = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["token"][0].split("-")
        bad = self.check_public_page(url(ALPHA_HOST, "/account/unsubscribe?token=%s-%s"
                                         % (number, mac[::-1])), status=400)
        self.assertIn("Lien non valable", bad.text())
        self.shoot(bad, "invalid")

    def test_in_english(self):
        tab = self.check_public_page(url(BETA_HOST, unsubscribe_path("beta", ENGLISH)))
        self.assertIn("Unsubscribe me", tab.text())

    def test_the_button_works_without_javascript_on_a_phone(self):
        path = unsubscribe_path("alpha", NO_SCRIPT)
        tab = self.tab()
        tab.send("Emulation.setScriptExecutionDisabled", {"value": True})
        tab.set_viewport(*browsing.PHONE, mobile=True)
        self.assertEqual(tab.goto(url(ALPHA_HOST, path)), 200)
        self.assertEqual(tab.click_and_wait("form button[type=submit]"), 200)
        self.assertEqual(consent(NO_SCRIPT), "0")
        entry = browsing.STACK.sql(
            "SELECT k.source, k.granted FROM consent k JOIN customer c ON c.id = k.customer_id"
            " WHERE c.email = '%s'" % NO_SCRIPT)
        self.assertEqual(entry, [["unsubscribe", "0"]])
