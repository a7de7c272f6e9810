"""The owners' API keys page (/admin/api-keys, issue 16 point 6): an owner
makes a key with a name and sees its secret once, lists the keys (name,
id, created, last used) and revokes one, after which its requests are
refused. Staff may not; another shop's key cannot be revoked from here;
a bad name is refused and makes nothing; the settings page links here."""

import html
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
from api_steps import clear_key_limits, create_key, customer, one, sql
import web


def owner(host=ALPHA_HOST, who=ALPHA_OWNER):
    browser = web.Browser(host)
    browser.sign_in(*who)
    return browser


def made(page):
    """(key id, secret) shown on the page that answered a creation."""
    key_id = re.search(r'id="new-key-id">(fk_[0-9a-f]{24})<', page.body)
    secret = re.search(r'id="new-key-secret" class="secret">([0-9a-f]{64})<', page.body)
    return (key_id.group(1), secret.group(1)) if key_id and secret else None


class ApiKeysPage(unittest.TestCase):
    def setUp(self):
        clear_key_limits()

    def test_an_owner_makes_a_key_sees_its_secret_once_and_it_signs(self):
        browser = owner()
        page = browser.submit("/admin/api-keys", "/admin/api-keys", {"name": "Boutique <en ligne>"})
        self.assertEqual(page.status, 200, page.body)
        self.assertEqual(page.headers_named("Cache-Control"), ["private, no-store"])
        key = made(page)
        self.assertIsNotNone(key, page.text())
        self.assertIn("Boutique &lt;en ligne&gt;", page.body)
        # only its id is stored, never the secret
        self.assertEqual(sql("SELECT name, revoked_at FROM api_key WHERE public_id = '%s'" % key[0]),
                         [["Boutique <en ligne>", "NULL"]])
        self.assertEqual(one("SELECT COUNT(*) FROM event WHERE kind = 'api_key_created'"
                             " AND detail LIKE '%s%%'" % key[0]), "1")
        # the secret works: the API answers a request it signed
        self.assertEqual(customer(key, "dormant@alpha.test").status, 200)
        # the list shows it, used now, and never its secret again
        listed = browser.get("/admin/api-keys")
        self.assertEqual(listed.status, 200)
        self.assertIn(key[0], listed.body)
        self.assertNotIn(key[1], listed.body)
        row = re.search(r"<tr class=\"live\">((?:(?!</tr>).)*%s(?:(?!</tr>).)*)</tr>" % key[0],
                        listed.body, re.S)
        self.assertIsNotNone(row)
        self.assertNotIn("jamais", html.unescape(row.group(1)))

    def test_the_answer_sent_again_makes_no_second_key(self):
        browser = owner()
        form = browser.get("/admin/api-keys")
        once = re.search(r'<input type="hidden" name="once" value="([0-9a-f]{64})">', form.body).group(1)
        fields = {"csrf": form.csrf(), "name": "Caisse rechargée", "once": once}
        first = browser.post("/admin/api-keys", fields)
        self.assertIsNotNone(made(first))
        # a reload of that answer posts the same form
        again = browser.post("/admin/api-keys", fields)
        self.assertEqual(again.status, 303)
        self.assertEqual(again.header("Location"), "/admin/api-keys")
        self.assertIsNone(made(again))
        self.assertIn("Cette clé a déjà été créée", browser.get("/admin/api-keys").text())
        self.assertEqual(one("SELECT COUNT(*) FROM api_key WHERE name = 'Caisse rechargée'"), "1")
        # the answer's own form has a key of its own: another key may be made
        newer = re.search(r'<input type="hidden" name="once" value="([0-9a-f]{64})">',
                          first.body).group(1)
        self.assertNotEqual(newer, once)
        self.assertIsNotNone(made(browser.post("/admin/api-keys", dict(fields, once=newer))))
        self.assertEqual(one("SELECT COUNT(*) FROM api_key WHERE name = 'Caisse rechargée'"), "2")

    def test_an_owner_revokes_a_key_and_its_requests_are_refused(self):
        browser = owner()
        key = made(browser.submit("/admin/api-keys", "/admin/api-keys", {"name": "À révoquer"}))
        key_row = one("SELECT id FROM api_key WHERE public_id = '%s'" % key[0])
        # the list links to a page that says what revoking breaks; it revokes nothing
        self.assertIn('href="/admin/api-keys/%s/revoke"' % key_row,
                      browser.get("/admin/api-keys").body)
        confirm = browser.get("/admin/api-keys/%s/revoke" % key_row)
        self.assertEqual(confirm.status, 200)
        self.assertIn("il ne pourra plus lire les clients", confirm.text())
        self.assertIn(key[0], confirm.text())
        self.assertEqual(one("SELECT revoked_at IS NULL FROM api_key WHERE id = %s" % key_row), "1")
        self.assertEqual(owner(BETA_HOST, BETA_OWNER).get("/admin/api-keys/%s/revoke"
                                                          % key_row).status, 404)
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        self.assertEqual(staff.get("/admin/api-keys/%s/revoke" % key_row).status, 403)
        page = browser.submit("/admin/api-keys", "/admin/api-keys/%s/revoke" % key_row, {})
        self.assertEqual(page.status, 303)
        self.assertEqual(page.header("Location"), "/admin/api-keys")
        self.assertEqual(one("SELECT revoked_at IS NOT NULL FROM api_key WHERE id = %s" % key_row),
                         "1")
        listed = browser.get("/admin/api-keys")
        self.assertIn("Clé révoquée", listed.text())
        self.assertEqual(browser.get("/admin/api-keys/%s/revoke" % key_row).status, 404)
        self.assertIn("Révoquée le", listed.text())
        response = customer(key, "dormant@alpha.test")
        self.assertEqual(response.status, 401)
        self.assertEqual(response.json["error"], "revoked_key")
        # revoking it again finds no live key
        again = browser.submit("/admin/api-keys", "/admin/api-keys/%s/revoke" % key_row, {})
        self.assertEqual(again.status, 404)

    def test_another_shops_key_cannot_be_revoked_nor_seen(self):
        beta_key = create_key("beta", "Beta only")
        beta_row = one("SELECT id FROM api_key WHERE public_id = '%s'" % beta_key[0])
        browser = owner()
        self.assertNotIn(beta_key[0], browser.get("/admin/api-keys").body)
        page = browser.submit("/admin/api-keys", "/admin/api-keys/%s/revoke" % beta_row, {})
        self.assertEqual(page.status, 404)
        self.assertEqual(one("SELECT revoked_at IS NULL FROM api_key WHERE id = %s" % beta_row), "1")
        self.assertIn(beta_key[0], owner(BETA_HOST, BETA_OWNER).get("/admin/api-keys").body)

    def test_a_bad_name_is_refused_and_makes_nothing(self):
        browser = owner()
        before = one("SELECT COUNT(*) FROM api_key")
        for name in ("", "x" * 201, "deux\nlignes"):
            with self.subTest(name=name):
                page = browser.submit("/admin/api-keys", "/admin/api-keys", {"name": name})
                self.assertEqual(page.status, 400, page.text())
                self.assertIn("Corrigez le champ signalé", page.text())
                self.assertIsNone(made(page))
        self.assertEqual(one("SELECT COUNT(*) FROM api_key"), before)

    def test_staff_may_not_see_or_make_keys(self):
        browser = owner(who=ALPHA_STAFF)
        self.assertEqual(browser.get("/admin/api-keys").status, 403)
        before = one("SELECT COUNT(*) FROM api_key")
        token = browser.get("/admin/customers").csrf()
        page = browser.post("/admin/api-keys", {"name": "Staff key", "csrf": token})
        self.assertEqual(page.status, 403)
        self.assertEqual(one("SELECT COUNT(*) FROM api_key"), before)

    def test_a_stranger_is_sent_to_sign_in(self):
        page = web.Browser(ALPHA_HOST).get("/admin/api-keys")
        self.assertEqual(page.status, 303)
        self.assertIn("/admin/login", page.header("Location"))

    def test_the_settings_page_links_to_the_keys(self):
        page = owner().get("/admin/settings")
        self.assertIn('href="/admin/api-keys"', page.body)
        english = owner(BETA_HOST, BETA_OWNER).get("/admin/api-keys")
        self.assertIn("API keys", english.text())


if __name__ == "__main__":
    unittest.main()
