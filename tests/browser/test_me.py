"""An admin's own account in Chromium: a seller of a French shop who reads
English clicks their address at the top of the list, picks English and
saves; the page answers in English, and so does the list they go back to;
on a phone the same page is reached by "My account" in the top bar. Each
page is looked at 1280 and 390 pixels wide and judged by axe-core."""

from fixtures import ALPHA_HOST
import browsing
from browsing import BrowserTest, url

SELLER = ("english.seller@alpha.test", "a seller who reads english")


class MyAccountInTheBrowser(BrowserTest):
    shot_prefix = "me-"
    look_accessible = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not browsing.STACK.sql("SELECT id FROM admin WHERE email = '%s'" % SELLER[0]):
            browsing.STACK.admin("admin", "add", "--shop", "alpha", "--email", SELLER[0],
                                 "--role", "staff", input=SELLER[1] + "\n")

    def test_a_seller_chooses_english_and_reads_the_list_in_english(self):
        browsing.STACK.sql("UPDATE admin SET language = NULL WHERE email = '%s'" % SELLER[0])
        tab = self.sign_in_admin(ALPHA_HOST, *SELLER)
        self.assertEqual(tab.evaluate("document.documentElement.lang"), "fr")
        self.assertEqual(tab.click_and_wait("a.who"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/me")
        self.assertIn("Mon compte", tab.text())
        self.assertIn(SELLER[0], tab.text())
        self.look(tab, "french")
        tab.fill("#name", "Sam Seller")
        tab.evaluate("document.querySelector('#language').value = 'en'")
        self.assertEqual(tab.click_and_wait("form[action='/admin/me'] button[type=submit]"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/me")
        self.assertEqual(tab.evaluate("document.documentElement.lang"), "en")
        self.assertIn("Your settings are saved.", tab.text())
        self.assertEqual(tab.evaluate("document.querySelector('#language').value"), "en")
        self.assertEqual(tab.evaluate("document.querySelector('#name').value"), "Sam Seller")
        self.look(tab, "english")
        self.assertEqual(tab.click_and_wait("nav.mainnav a[href='/admin/customers']"), 200)
        self.assertEqual(tab.evaluate("document.querySelector('h1').textContent"), "Customers")
        self.look(tab, "list-english")

        # on a phone the address gives way to "My account"
        tab.set_viewport(390, 844, mobile=True)
        self.assertEqual(tab.evaluate(
            "getComputedStyle(document.querySelector('.who-email')).display"), "none")
        self.assertEqual(tab.click_and_wait("a.who"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/me")
        tab.evaluate("document.querySelector('#language').value = 'shop'")
        self.assertEqual(tab.click_and_wait("form[action='/admin/me'] button[type=submit]"), 200)
        self.assertEqual(tab.evaluate("document.documentElement.lang"), "fr")
        self.assertIn("Vos réglages sont enregistrés.", tab.text())
        tab.take_errors()
