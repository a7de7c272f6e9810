"""Signing in as people do it, in Chromium: the admin's password, the
customer's mailed link (after a mail scanner fetched it), the code typed in
another tab or on another device, and the admin's password reset.

Under Referrer-Policy: no-referrer the link and reset pages made the
browser post their forms with "Origin: null", which the server refused:
only a browser shows whether the server takes what a browser sends. The
pages now use strict-origin, and no Referer may carry a token."""

import os
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url, drain_outbox, mails_to, wait_for_mail, link_path, mail_code
import web

CUSTOMER = "louise.browser@alpha.test"
RESET_ADMIN = ("reset.browser@alpha.test", "reset-browser-old-password")


def setUpModule():
    browsing.STACK.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, '%s', 'Louise', 'Navigateur', 'active', 'admin' FROM shop WHERE slug = 'alpha';
""" % CUSTOMER)
    browsing.STACK.admin("admin", "add", "--shop", "alpha", "--email", RESET_ADMIN[0],
                         "--role", "staff", input=RESET_ADMIN[1] + "\n")


def token_used(path):
    """Whether a link is used up: its page no longer offers to sign in."""
    return web.Browser(ALPHA_HOST).get(path).status != 200


def referers_holding(path):
    """Lines of the web server's access log whose Referer holds the token
    of path (nginx's combined format and Apache's "fidele" end alike)."""
    token = path.rsplit("=", 1)[1]
    name = "nginx-access.log" if browsing.STACK.web_server == "nginx" else "apache-access.log"
    with open(os.path.join(browsing.STACK.log_dir, name)) as log:
        # combined format: ... "request" status bytes "referer" "user agent"
        return [line for line in log if token in line.split('"')[-4]]


class AdminSignIn(BrowserTest):
    def test_admin_signs_in_with_the_form(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.status, 200)
        self.assertIn(ALPHA_OWNER[0], tab.text())

    def test_wrong_password_is_refused_in_french(self):
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/admin/login"))
        tab.fill("#email", ALPHA_OWNER[0])
        tab.fill("#password", "not-the-password")
        self.assertEqual(tab.click_and_wait("form[action='/admin/login'] button[type=submit]"), 400)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/login")
        self.assertIn("incorrect", tab.text())
        # the 400 of the refused form itself is the answer, not a page error
        tab.take_errors()


class CustomerSignIn(BrowserTest):
    def ask_for_a_link(self):
        """A tab (a laptop) where the customer asked for a link; returns the
        tab and the mail."""
        drain_outbox()
        count = len(mails_to(CUSTOMER)) + 1
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/account/login"))
        tab.fill("#email", CUSTOMER)
        self.assertEqual(tab.click_and_wait("form[action='/account/login'] button[type=submit]"), 200)
        self.assertIn("Consultez vos e-mails", tab.text())
        return tab, wait_for_mail(CUSTOMER, count)

    def assert_signed_in(self, tab):
        self.assertEqual(tab.status, 200, tab.text())
        self.assertEqual(tab.evaluate("location.pathname"), "/account/", tab.text())
        self.assertIn(CUSTOMER, tab.text())

    def test_link_opened_after_a_prefetch_signs_in(self):
        """a mail scanner's GET uses nothing up; the person's click signs in"""
        _, message = self.ask_for_a_link()
        path = link_path(message, "/account/login/confirm")
        # the scanner: two plain GETs, no cookies kept
        for _ in range(2):
            self.assertEqual(web.Browser(ALPHA_HOST).get(path).status, 200)
        # the person clicks the link in a webmail: another site, a new browser
        phone = self.tab()
        phone.goto("data:text/html;charset=utf-8," + urllib.parse.quote(
            '<p>Votre lien de connexion : <a id="link" href="%s">Me connecter</a></p>'
            % url(ALPHA_HOST, path)))
        self.assertEqual(phone.click_and_wait("#link"), 200)
        self.assertIn("Confirmer la connexion", phone.text())
        phone.click_and_wait("form[action='/account/login/confirm'] button[type=submit]")
        self.assert_signed_in(phone)
        self.assertTrue(token_used(path))
        self.assertEqual(referers_holding(path), [], "the token left in a Referer")

    def test_code_typed_in_another_tab_of_the_same_browser(self):
        asking, message = self.ask_for_a_link()
        other = self.tab_beside(asking)
        self.assertEqual(other.goto(url(ALPHA_HOST, "/account/login/code")), 200)
        other.fill("#email", CUSTOMER)
        other.fill("#code", mail_code(message))
        other.click_and_wait("form[action='/account/login/code'] button[type=submit]")
        self.assert_signed_in(other)

    def test_code_typed_on_another_device_by_following_the_mail(self):
        """the mail says where to type the code on another device"""
        _, message = self.ask_for_a_link()
        text = browsing.mail_text(message)
        self.assertIn("autre appareil", text)
        self.assertRegex(text, r"https?://\S+/account/login/code\b")
        phone = self.tab()
        phone.set_viewport(390, 844, mobile=True)
        phone.goto(url(ALPHA_HOST, "/account/login/code"))
        phone.fill("#email", CUSTOMER.upper())
        # typed as the mail shows it, spaced
        code = mail_code(message)
        phone.fill("#code", code[:3] + " " + code[3:])
        phone.click_and_wait("form[action='/account/login/code'] button[type=submit]")
        self.assert_signed_in(phone)

    def test_wrong_code_on_the_code_page_says_so_and_keeps_the_address(self):
        _, message = self.ask_for_a_link()
        code = mail_code(message)
        phone = self.tab()
        phone.goto(url(ALPHA_HOST, "/account/login/code"))
        phone.fill("#email", CUSTOMER)
        phone.fill("#code", "%06d" % ((int(code) + 1) % 1000000))
        self.assertEqual(phone.click_and_wait("form[action='/account/login/code'] button[type=submit]"), 400)
        self.assertIn("Ce code est incorrect ou a expiré.", phone.text())
        self.assertEqual(phone.evaluate("document.querySelector('#email').value"), CUSTOMER)
        phone.take_errors()    # the refused form's 400
        phone.fill("#code", code)
        phone.click_and_wait("form[action='/account/login/code'] button[type=submit]")
        self.assert_signed_in(phone)

    def test_code_typed_in_the_tab_that_asked(self):
        asking, message = self.ask_for_a_link()
        asking.fill("#code", mail_code(message))
        asking.click_and_wait("form[action='/account/login/code'] button[type=submit]")
        self.assert_signed_in(asking)


class AdminPasswordReset(BrowserTest):
    def test_reset_link_sets_the_password_and_signs_in(self):
        drain_outbox()
        count = len(mails_to(RESET_ADMIN[0])) + 1
        tab = self.tab()
        tab.goto(url(ALPHA_HOST, "/admin/login/forgot"))
        tab.fill("#email", RESET_ADMIN[0])
        self.assertEqual(tab.click_and_wait("form[action='/admin/login/forgot'] button[type=submit]"), 200)
        message = wait_for_mail(RESET_ADMIN[0], count)
        self.assertNotIn("code", browsing.mail_text(message))
        path = link_path(message, "/admin/login/reset")
        self.assertEqual(web.Browser(ALPHA_HOST).get(path).status, 200)     # a scanner
        other = self.tab()
        self.assertEqual(other.goto(url(ALPHA_HOST, path)), 200)
        # a password everyone tries is refused, in words, and the page
        # still takes another
        other.fill("#password", "Azerty2026!")
        self.assertEqual(other.click_and_wait("form[action='/admin/login/reset']"
                                              " button[type=submit]"), 400)
        self.assertIn("Ce mot de passe fait partie des premiers qu'on essaie", other.text())
        other.take_errors()
        self.look(other, "reset-guessable")
        other.fill("#password", "browser-new-password")
        other.click_and_wait("form[action='/admin/login/reset'] button[type=submit]")
        self.assertEqual(other.status, 200, other.text())
        self.assertEqual(other.evaluate("location.pathname"), "/admin/customers", other.text())
        self.assertIn(RESET_ADMIN[0], other.text())
        self.assertEqual(referers_holding(path), [], "the token left in a Referer")
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(RESET_ADMIN[0], "browser-new-password").status,
                         303)


class AGivenBackTab(BrowserTest):
    """The suite hands a tab a test is done with to the next test as a
    device of its own (tests/lib/browser.py, Tab.release): it must come
    back signed out, with no history and at desktop size, or the tests
    after it would pass on another test's session."""

    def test_a_tab_given_back_is_a_fresh_device(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.set_viewport(390, 844, mobile=True)
        self.tabs.remove(tab)
        tab.release()
        again = self.tab()
        self.assertIs(again, tab, "the tab given back serves again")
        self.assertEqual(again.evaluate("history.length"), 1)
        new = browsing.CHROMIUM.new_tab(own_context=False)
        self.tabs.append(new)
        self.assertEqual(again.evaluate("window.innerWidth"), new.evaluate("window.innerWidth"))
        self.assertEqual(again.goto(url(ALPHA_HOST, "/admin/customers")), 200)
        self.assertEqual(again.evaluate("location.pathname"), "/admin/login", "signed out")

    def test_a_tab_whose_script_was_turned_off_is_not_given_again(self):
        tab = self.tab()
        tab.send("Emulation.setScriptExecutionDisabled", {"value": True})
        self.tabs.remove(tab)
        tab.release()
        self.assertIsNot(self.tab(), tab)
