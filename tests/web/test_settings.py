"""The shop's settings page (/admin/settings): owners set the shop's name,
language, sender and time zone there instead of asking for the CLI. Staff
cannot; bad values change nothing; another shop is never touched."""

import re
import subprocess
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web


HOST = "settings-shop.test"
OWNER = ("owner@settings-shop.test", "epsilon-owner-password")
STAFF = ("staff@settings-shop.test", "epsilon-staff-password")
COLUMNS = "name, language, sender_name, sender_email, time_zone"


def shop(slug="settings-shop"):
    return web.STACK.sql("SELECT %s FROM shop WHERE slug = '%s'" % (COLUMNS, slug))[0]


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM shop WHERE slug = 'settings-shop'") != [["1"]]:
            stack.admin("shop", "add", "--slug", "settings-shop", "--name", "Épicerie Epsilon",
                        "--language", "fr", "--sender-email", "bonjour@settings-shop.test")
            stack.admin("shop", "host", "add", "--shop", "settings-shop", "--host", HOST)
            stack.admin("admin", "add", "--shop", "settings-shop", "--email", OWNER[0], "--role", "owner",
                        input=OWNER[1] + "\n")
            stack.admin("admin", "add", "--shop", "settings-shop", "--email", STAFF[0], "--role", "staff",
                        input=STAFF[1] + "\n")

    def setUp(self):
        web.STACK.sql("UPDATE shop SET name = 'Épicerie Epsilon', language = 'fr',"
                      " sender_name = 'Épicerie Epsilon', sender_email = 'bonjour@settings-shop.test',"
                      " time_zone = 'Europe/Paris' WHERE slug = 'settings-shop'")
        self.browser = web.Browser(HOST)
        self.assertEqual(self.browser.sign_in(*OWNER).status, 303)

    def save(self, browser=None, **changes):
        browser = browser or self.browser
        form = {"name": "Épicerie Epsilon", "language": "fr", "sender_name": "Épicerie Epsilon",
                "sender_email": "bonjour@settings-shop.test", "time_zone": "Europe/Paris"}
        form.update(changes)
        return browser.submit("/admin/settings", "/admin/settings", form)

    def test_a_new_french_shop_is_on_paris_time_and_an_english_one_on_london_time(self):
        self.assertEqual(shop()[4], "Europe/Paris")
        self.assertEqual(shop("beta")[4], "Europe/London")

    def test_the_owner_sees_the_current_settings(self):
        page = self.browser.get("/admin/settings")
        self.assertEqual(page.status, 200)
        self.assertIn('<a href="/admin/settings" aria-current="page">Réglages</a>', page.body)
        self.assertIn('value="Épicerie Epsilon"', page.body)
        self.assertIn('value="bonjour@settings-shop.test"', page.body)
        self.assertIn('<option value="Europe/Paris" selected>', page.body)
        self.assertIn('<option value="fr" selected>', page.body)

    def test_the_owner_saves_and_is_told_so(self):
        before_beta = shop("beta")
        before_alpha = shop("alpha")
        answer = self.save(name="La Ferme d'Epsilon", language="en", sender_name="La Ferme",
                           sender_email="Contact@Settings-Shop.test", time_zone="America/Cayenne")
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/settings")
        self.assertEqual(shop(), ["La Ferme d'Epsilon", "en", "La Ferme", "contact@settings-shop.test",
                                  "America/Cayenne"])
        page = self.browser.get("/admin/settings")
        # the notice is in the shop's new language, once
        self.assertIn('<p class="notice" role="status">Settings saved.</p>', page.body)
        self.assertIn("Shop settings", page.text())
        self.assertNotIn("Settings saved.", self.browser.get("/admin/settings").body)
        event = web.STACK.sql("SELECT e.detail, a.email FROM event e JOIN admin a ON a.id = e.admin_id"
                              " JOIN shop s ON s.id = e.shop_id WHERE s.slug = 'settings-shop'"
                              " AND e.kind = 'shop.settings_changed' ORDER BY e.id DESC LIMIT 1")
        self.assertEqual(event, [["name, language, sender_name, sender_email, time_zone", OWNER[0]]])
        self.assertEqual(shop("beta"), before_beta)
        self.assertEqual(shop("alpha"), before_alpha)

    def test_times_follow_the_zone_chosen(self):
        web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                      " SELECT id, 'heure@settings-shop.test', 'Hélène', 'Heure', 'active', 'admin'"
                      "   FROM shop WHERE slug = 'settings-shop' AND NOT EXISTS (SELECT 1 FROM customer"
                      "   WHERE email = 'heure@settings-shop.test');"
                      "INSERT INTO event (shop_id, customer_id, kind, detail, created_at)"
                      " SELECT shop_id, id, 'customer.edited', '', '2026-07-14 21:30:00'"
                      "   FROM customer WHERE email = 'heure@settings-shop.test'")
        cid = web.STACK.sql("SELECT id FROM customer WHERE email = 'heure@settings-shop.test'")[0][0]
        self.assertIn("14/07/2026 23:30", self.browser.get("/admin/customers/" + cid).text())
        self.assertEqual(self.save(time_zone="America/Cayenne").status, 303)
        text = self.browser.get("/admin/customers/" + cid).text()
        self.assertIn("14/07/2026 18:30", text)
        self.assertNotIn("23:30", text)
        # stored in UTC all along
        self.assertEqual(web.STACK.sql("SELECT MAX(created_at) FROM event WHERE customer_id = %s"
                                       " AND kind = 'customer.edited'" % cid),
                         [["2026-07-14 21:30:00.000"]])

    def test_staff_may_not_see_nor_save_the_settings(self):
        staff = web.Browser(HOST)
        staff.sign_in(*STAFF)
        self.assertNotIn('href="/admin/settings"', staff.get("/admin/customers").body)
        self.assertEqual(staff.get("/admin/settings").status, 403)
        token = staff.get("/admin/customers").csrf()
        answer = staff.post("/admin/settings", {"csrf": token, "name": "Pris", "language": "fr",
                                                "time_zone": "Europe/Paris"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(shop()[0], "Épicerie Epsilon")

    def test_signed_out_visitors_are_sent_to_sign_in(self):
        answer = web.Browser(HOST).get("/admin/settings")
        self.assertEqual(answer.status, 303)
        self.assertTrue(answer.header("Location").startswith("/admin/login"))

    def test_bad_values_are_refused_with_a_message_and_change_nothing(self):
        before = shop()
        cases = [
            ({"name": ""}, "name", "Ce champ est obligatoire."),
            ({"name": "x" * 201}, "name", "Ce champ est trop long."),
            ({"sender_email": "pas-une-adresse"}, "sender_email", "Cette adresse e-mail n'est pas valide."),
            ({"language": "de"}, "language", "Choisissez français ou anglais."),
            ({"time_zone": "Mars/Olympus"}, "time_zone", "Choisissez un fuseau horaire dans la liste."),
            ({"time_zone": "../../etc/passwd"}, "time_zone", "Choisissez un fuseau horaire dans la liste."),
            ({"time_zone": ""}, "time_zone", "Ce champ est obligatoire."),
        ]
        for changes, field, message in cases:
            answer = self.save(**changes)
            self.assertEqual(answer.status, 400, changes)
            self.assertIn('<p class="field-error" id="%s-error">%s</p>' % (field, message.replace("'", "&#39;")),
                          answer.body, changes)
            self.assertIn("rien n'a été enregistré", answer.text(), changes)
            self.assertEqual(shop(), before, changes)

    def test_an_english_shop_gets_its_messages_in_english(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        before = shop("beta")
        answer = beta.submit("/admin/settings", "/admin/settings",
                             {"name": "Beta Farm", "language": "en", "time_zone": "Nowhere/Land"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Choose a time zone from the list.", answer.text())
        self.assertEqual(shop("beta"), before)

    def test_a_form_without_its_token_is_refused(self):
        before = shop()
        answer = self.browser.post("/admin/settings", {"name": "Volé", "language": "fr",
                                                        "time_zone": "Europe/Paris"})
        self.assertEqual(answer.status, 403)
        answer = self.browser.post("/admin/settings", {"csrf": "0" * 64, "name": "Volé",
                                                        "language": "fr", "time_zone": "Europe/Paris"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(shop(), before)

    def test_another_shops_owner_cannot_reach_these_settings(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        # a beta session means nothing on this shop's host
        stolen = web.Browser(HOST)
        stolen.cookies = dict(beta.cookies)
        answer = stolen.get("/admin/settings")
        self.assertEqual(answer.status, 303)
        self.assertEqual(shop()[0], "Épicerie Epsilon")

    def test_the_page_is_valid_html(self):
        for page in (self.browser.get("/admin/settings"), self.save(time_zone="Mars/Olympus")):
            result = subprocess.run(["tidy", "-q", "-e"], input=page.body.encode(), capture_output=True)
            problems = [line for line in result.stderr.decode().splitlines()
                        if line.strip() and 'proprietary attribute "aria-current"' not in line]
            self.assertEqual(problems, [])

    def test_alpha_owner_has_the_settings_link(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        self.assertTrue(re.search(r'<a href="/admin/settings">Réglages</a>',
                                  browser.get("/admin/customers").body))
