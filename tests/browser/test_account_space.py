"""The customer's own space in Chromium (issue 15, point 8): signing in by
the mailed link, editing one's details, turning marketing mail off, on a
laptop and at a phone's width, where no page may scroll sideways."""

from fixtures import ALPHA_HOST
import browsing
from browsing import BrowserTest, url, drain_outbox, mails_to, wait_for_mail, link_path, mail_text
import re

LAPTOP = "agathe.navigateur@alpha.test"
PHONE = "hugo.telephone@alpha.test"
PAGES = ("/account/", "/account/profile", "/account/preferences", "/account/orders",
         "/account/data", "/account/delete")


def setUpModule():
    for email, first, last in ((LAPTOP, "Agathe", "Navigateur"), (PHONE, "Hugo", "Téléphone")):
        browsing.STACK.sql(
            "INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " marketing_consent) SELECT id, '%s', '%s', '%s', 'active', 'self', 1"
            " FROM shop WHERE slug = 'alpha';" % (email, first, last))
        browsing.STACK.sql(
            "SELECT shop_id, id INTO @shop, @customer FROM customer WHERE email = '%s';"
            " INSERT INTO orders (shop_id, customer_id, reference, status, total_cents, ordered_at)"
            " VALUES (@shop, @customer, 'NAV-%s', 'cancelled', 2590, '2026-11-20 10:00:00');"
            % (email, first.upper()))


def customer(email, columns):
    return browsing.STACK.sql("SELECT %s FROM customer WHERE email = '%s'" % (columns, email))[0]


class AccountSpace(BrowserTest):
    def sign_in_by_link(self, email, phone=False):
        """A tab where the customer followed the mailed link (after a mail
        scanner fetched it) and pressed the button."""
        drain_outbox()
        count = len(mails_to(email)) + 1
        tab = self.tab()
        if phone:
            tab.set_viewport(390, 844, mobile=True)
        tab.goto(url(ALPHA_HOST, "/account/login"))
        tab.fill("#email", email)
        self.assertEqual(tab.click_and_wait("form[action='/account/login'] button[type=submit]"),
                         200)
        path = link_path(wait_for_mail(email, count), "/account/login/confirm")
        self.assertEqual(tab.goto(url(ALPHA_HOST, path)), 200)
        tab.click_and_wait("form[action='/account/login/confirm'] button[type=submit]")
        self.assertEqual(tab.path(), "/account/")
        self.assertIn(email, tab.text())
        return tab

    def edit_profile(self, tab, email, city):
        tab.click_and_wait("a[href='/account/profile']")
        self.assertEqual(tab.path(), "/account/profile")
        tab.fill("#phone", "06 98 76 54 32")
        tab.fill("#address", "7 place du Marché")
        tab.fill("#postal_code", "26000")
        tab.fill("#city", city)
        tab.fill("#company", "Les Jardins d'Agathe")
        tab.click_and_wait("form[action='/account/profile'] button[type=submit]")
        self.assertEqual(tab.path(), "/account/profile")
        self.assertIn("Coordonnées enregistrées.", tab.text())
        self.assertEqual(customer(email, "phone, address, postal_code, city"),
                         ["06 98 76 54 32", "7 place du Marché", "26000", city])

    def turn_marketing_off(self, tab, email):
        tab.goto(url(ALPHA_HOST, "/account/"))
        tab.click_and_wait("a[href='/account/preferences']")
        self.assertIn("Vous recevez les e-mails d'information", tab.text())
        tab.click("input[name=marketing][value='0']")
        tab.click_and_wait("form[action='/account/preferences'] button[type=submit]")
        self.assertIn("vous ne recevrez plus", tab.text())
        self.assertEqual(customer(email, "marketing_consent"), ["0"])
        ledger = browsing.STACK.sql(
            "SELECT k.granted, k.source, k.actor FROM consent k"
            " JOIN customer c ON c.id = k.customer_id WHERE c.email = '%s'"
            " ORDER BY k.id DESC LIMIT 1" % email)
        self.assertEqual(ledger, [["0", "profile", "customer"]])

    def assert_no_sideways_scroll(self, tab, what):
        width = tab.evaluate("Math.max(document.documentElement.scrollWidth, innerWidth)")
        self.assertLessEqual(width, 390, "%s is wider than the phone" % what)

    def test_sign_in_by_link_edit_profile_and_turn_marketing_off(self):
        tab = self.sign_in_by_link(LAPTOP)
        self.edit_profile(tab, LAPTOP, "Valence")
        self.turn_marketing_off(tab, LAPTOP)
        tab.goto(url(ALPHA_HOST, "/account/orders"))
        self.assertIn("NAV-AGATHE", tab.text())
        self.assertIn("Annulée", tab.text())

    def test_an_address_already_a_customers_is_answered_as_any_and_its_owner_told(self):
        """Agathe types Hugo's address as her new one: her page says a link
        was sent, as for any address, her account keeps its own; Hugo's
        mailbox gets why, and its button opens the sign-in page."""
        tab = self.sign_in_by_link(LAPTOP)
        count = len(mails_to(PHONE)) + 1
        tab.goto(url(ALPHA_HOST, "/account/profile"))
        tab.fill("#new_email", PHONE)
        self.assertEqual(tab.click_and_wait("form[action='/account/email'] button[type=submit]"),
                         200)
        self.assertEqual(tab.path(), "/account/profile")
        self.assertIn("Lien de confirmation envoyé à la nouvelle adresse", tab.text())
        self.assertNotIn("autre compte", tab.text())
        self.assertEqual(customer(LAPTOP, "email"), [LAPTOP])
        told = wait_for_mail(PHONE, count)
        self.assertEqual(told["Subject"], "Cette adresse a déjà un compte client chez Épicerie Alpha")
        link = re.search(r"https?://[^/\s]+(/account/login)\s", mail_text(told)).group(1)
        hugo = self.tab()    # his own browser, signed in nowhere
        self.assertEqual(hugo.goto(url(ALPHA_HOST, link)), 200)
        self.assertTrue(hugo.exists("form[action='/account/login'] #email"))

    def test_the_space_at_a_phones_width(self):
        tab = self.sign_in_by_link(PHONE, phone=True)
        self.assertEqual(tab.evaluate("innerWidth"), 390)
        for path in PAGES:
            self.assertEqual(tab.goto(url(ALPHA_HOST, path)), 200, path)
            self.assert_no_sideways_scroll(tab, path)
        tab.goto(url(ALPHA_HOST, "/account/"))
        self.edit_profile(tab, PHONE, "Saint-Rémy-de-Provence")
        self.assert_no_sideways_scroll(tab, "the saved profile")
        self.turn_marketing_off(tab, PHONE)
        self.assert_no_sideways_scroll(tab, "the saved preferences")
