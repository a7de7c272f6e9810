"""The owners' API keys page in Chromium (issue 16, point 6): from the
settings page an owner makes a key for the shop's site, sees its secret
once (gone when the page is loaded again), and revokes it. The page is
looked at 1280 and 390 pixels wide (saved as PNGs under the stack's
folder, shots/, or the folder FIDELE_SHOTS names): it may not scroll
sideways, and axe-core finds nothing wrong with it."""


from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url


class ApiKeysInTheBrowser(BrowserTest):
    shot_prefix = "api-keys-"
    look_accessible = True

    def test_an_owner_makes_a_key_sees_the_secret_once_and_revokes_it(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/settings")), 200)
        self.assertEqual(tab.click_and_wait("a[href='/admin/api-keys']"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/api-keys")

        tab.fill("#name", "Boutique en ligne (navigateur)")
        self.assertEqual(tab.click_and_wait("form[action='/admin/api-keys'] button[type=submit]"),
                         200)
        key_id = tab.evaluate("document.querySelector('#new-key-id').textContent")
        secret = tab.evaluate("document.querySelector('#new-key-secret').textContent")
        self.assertRegex(key_id, r"^fk_[0-9a-f]{24}$")
        self.assertRegex(secret, r"^[0-9a-f]{64}$")
        self.assertIn("il ne sera plus jamais affiché", tab.text())
        self.look(tab, "created")

        # loaded again, the list has the key and never its secret
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/api-keys")), 200)
        self.assertIn(key_id, tab.text())
        self.assertNotIn(secret, tab.evaluate("document.documentElement.outerHTML"))
        self.assertFalse(tab.evaluate("!!document.querySelector('#new-key-secret')"))

        row = browsing.STACK.sql("SELECT id FROM api_key WHERE public_id = '%s'" % key_id)[0][0]
        # revoking asks first, saying what it breaks
        self.assertEqual(tab.click_and_wait("a[href='/admin/api-keys/%s/revoke']" % row), 200)
        self.assertIn("Révoquer la clé «\u00a0Boutique en ligne (navigateur)\u00a0»", tab.text())
        self.assertIn("il ne pourra plus lire les clients", tab.text())
        self.assertEqual(browsing.STACK.sql("SELECT revoked_at IS NULL FROM api_key"
                                            " WHERE id = %s" % row), [["1"]])
        self.look(tab, "revoke")
        self.assertEqual(tab.click_and_wait(
            "form[action='/admin/api-keys/%s/revoke'] button[type=submit]" % row), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/api-keys")
        self.assertIn("Clé révoquée", tab.text())
        self.assertEqual(browsing.STACK.sql("SELECT revoked_at IS NOT NULL FROM api_key"
                                            " WHERE id = %s" % row), [["1"]])
        self.assertFalse(tab.evaluate(
            "!!document.querySelector(\"a[href='/admin/api-keys/%s/revoke']\")" % row))
        self.look(tab, "list")
