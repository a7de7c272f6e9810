"""The public signup with JavaScript turned off in Chromium (issue 15:
"the public pages work without JavaScript"): the form filled and sent,
the confirmation mail read from the SMTP server, the mailed link's page
and its one button, and the person signed in on their account page, every
step a plain HTML form the browser posts by itself. A control checks that
scripts really do not run in the tab."""

from fixtures import ALPHA_HOST
import browsing
from browsing import BrowserTest, url, drain_outbox, wait_for_mail, link_path, mails_to


def set_door(mode):
    browsing.STACK.sql("UPDATE shop SET mode = '%s', signup_capacity = NULL WHERE slug = 'alpha'"
                       % mode)


def tearDownModule():
    set_door("open")


class SignupWithoutJavaScript(BrowserTest):
    def setUp(self):
        super().setUp()
        set_door("open")

    def tab_without_scripts(self):
        tab = self.tab()
        tab.send("Emulation.setScriptExecutionDisabled", {"value": True})
        return tab

    def assert_scripts_do_not_run(self, tab):
        """A script added to the page does nothing (DevTools itself may
        still read the page, which is how the test looks at it)."""
        ran = tab.evaluate("(() => { const s = document.createElement('script');"
                           " s.textContent = 'window.fideleRan = true';"
                           " document.body.appendChild(s); return window.fideleRan === true; })()")
        self.assertFalse(ran, "scripts run in this tab: the test would prove nothing")

    def test_signup_mail_confirmation_and_signed_in(self):
        email = "sans.javascript@example.org"
        tab = self.tab_without_scripts()
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/account/signup")), 200)
        self.assert_scripts_do_not_run(tab)
        self.assertIn("Créer mon compte client", tab.text())
        tab.fill("#first_name", "Noé")
        tab.fill("#last_name", "Sans-Script")
        tab.fill("#email", email)
        tab.click("#marketing")
        drain_outbox()
        before = len(mails_to(email))
        self.assertEqual(tab.click_and_wait("form[action='/account/signup'] button[type=submit]"),
                         200)
        self.assertIn("Consultez vos e-mails", tab.text())
        self.assertIn(email, tab.text())

        path = link_path(wait_for_mail(email, before + 1), "/account/signup/confirm")
        self.assertEqual(tab.goto(url(ALPHA_HOST, path)), 200)
        self.assert_scripts_do_not_run(tab)
        self.assertIn("Confirmer mon inscription", tab.text())
        self.assertEqual(tab.click_and_wait("form[action='/account/signup/confirm'] button"), 200)
        self.assertEqual(tab.path(), "/account/")
        self.assertIn(email, tab.text())
        self.assertIn("Se déconnecter", tab.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT c.status, c.marketing_consent, k.source FROM customer c"
            " JOIN consent k ON k.customer_id = c.id WHERE c.email = '%s'" % email),
            [["active", "1", "confirm"]])
        # still signed in on the next page, as a session cookie does
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/account/profile")), 200)
        self.assertEqual(tab.path(), "/account/profile")

    def test_a_refused_form_keeps_what_was_typed(self):
        tab = self.tab_without_scripts()
        tab.goto(url(ALPHA_HOST, "/account/signup"))
        tab.fill("#first_name", "Noé")
        tab.fill("#last_name", "Sans-Script")
        tab.fill("#email", "pas-une-adresse@")
        # the browser's own check would stop the form: this is the server's
        tab.evaluate("document.querySelector('form[action=\"/account/signup\"]')"
                     ".setAttribute('novalidate', '')")
        self.assertEqual(tab.click_and_wait("form[action='/account/signup'] button[type=submit]"),
                         400)
        self.assertEqual(tab.evaluate("document.querySelector('#first_name').value"), "Noé")
        self.assertEqual(tab.evaluate("document.querySelector('#email').value"),
                         "pas-une-adresse@")
        self.assertTrue(tab.exists("[role=alert], .alert, .field-error"))
        # the 400 the browser logs is the answer asked for, nothing else
        self.assertEqual([e for e in tab.take_errors() if "status of 400" not in e], [])
