"""Retention (issue 15, point 9): a shop that sets "forget customers
inactive for N months" on its settings page has them warned by mail 30
days before, then erased if they stayed away; `fidele-admin retention
--dry-run` says who and how many; coming back (a sign-in, an order) cancels
the notice. Time is made to pass by backdating rows in SQL."""

import datetime
import re
import unittest

from inbox import mails_to, wait_for_mail
import web

MONTHS = 12


def sql(statement):
    return web.STACK.sql(statement)


def one(statement):
    rows = sql(statement)
    return rows[0][0] if rows else None


def make_shop(slug, months=MONTHS):
    """A shop of its own per test (slug.test), with these customers:
    old (created two years ago, never back), nearly (created 11 months and
    20 days ago: due for the warning, not yet for erasure), ordered and
    signed_in (old, but back lately), fresh (new), blocked (old, blocked),
    nomail (old, no address)."""
    web.STACK.admin("shop", "add", "--slug", slug, "--name", "Marché " + slug, "--language", "fr")
    web.STACK.admin("shop", "host", "add", "--shop", slug, "--host", slug + ".test")
    sql("UPDATE shop SET retention_months = %s WHERE slug = '%s'"
        % ("NULL" if months is None else months, slug))
    rows = {
        "old": ("NOW() - INTERVAL 2 YEAR", "NULL", "NULL", "'active'"),
        "nearly": ("NOW() - INTERVAL 11 MONTH - INTERVAL 20 DAY", "NULL", "NULL", "'invited'"),
        "ordered": ("NOW() - INTERVAL 2 YEAR", "NULL", "NOW() - INTERVAL 1 MONTH", "'active'"),
        "signed_in": ("NOW() - INTERVAL 2 YEAR", "NOW() - INTERVAL 2 DAY", "NULL", "'active'"),
        "fresh": ("NOW()", "NULL", "NULL", "'invited'"),
        "blocked": ("NOW() - INTERVAL 2 YEAR", "NULL", "NULL", "'blocked'"),
    }
    for name, (created, signed, ordered, status) in rows.items():
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " created_at, last_sign_in_at, last_order_at, language)"
            " SELECT id, '%s@%s.test', 'Client', '%s', %s, 'admin', %s, %s, %s, 'fr'"
            " FROM shop WHERE slug = '%s'"
            % (name, slug, name, status, created, signed, ordered, slug))
    sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, status, source,"
        " created_at) SELECT id, NULL, 'Sans', 'Adresse', '0600000000', 'active', 'admin',"
        " NOW() - INTERVAL 2 YEAR FROM shop WHERE slug = '%s'" % slug)
    web.STACK.admin("search-reindex", "--shop", slug)


def email(name, slug):
    return "%s@%s.test" % (name, slug)


def customer_id(name, slug):
    return one("SELECT id FROM customer WHERE email = '%s'" % email(name, slug))


def notices(slug):
    return sorted(row[0] for row in sql(
        "SELECT c.last_name FROM retention_notice n JOIN customer c ON c.id = n.customer_id"
        " JOIN shop s ON s.id = n.shop_id WHERE s.slug = '%s'" % slug))


def erased(slug):
    return sorted(row[0] for row in sql(
        "SELECT c.last_name FROM customer c JOIN shop s ON s.id = c.shop_id"
        " WHERE s.slug = '%s' AND c.erased_at IS NOT NULL" % slug))


def outbox_count(slug):
    return int(one("SELECT COUNT(*) FROM outbox o JOIN shop s ON s.id = o.shop_id"
                   " WHERE s.slug = '%s'" % slug))


def backdate_notice(name, slug, days):
    sql("UPDATE retention_notice SET warned_at = NOW() - INTERVAL %d DAY WHERE customer_id = %s"
        % (days, customer_id(name, slug)))


def run(slug, *extra):
    return web.STACK.admin("retention", "--shop", slug, *extra).stdout


def french_date(day):
    return day.strftime("%d/%m/%Y")


class Retention(unittest.TestCase):
    def test_off_by_default_nobody_is_touched(self):
        web.STACK.admin("shop", "add", "--slug", "ret-off", "--name", "Off", "--language", "fr")
        self.assertEqual(one("SELECT retention_months IS NULL FROM shop WHERE slug = 'ret-off'"),
                         "1")
        sql("DELETE FROM shop WHERE slug = 'ret-off'")
        make_shop("ret-none", months=None)
        self.assertIn("0 to erase, 0 to warn", run("ret-none", "--dry-run"))
        self.assertIn("0 erased, 0 warned", run("ret-none"))
        self.assertEqual(notices("ret-none"), [])
        self.assertEqual(outbox_count("ret-none"), 0)

    def test_dry_run_says_who_and_how_many_and_changes_nothing(self):
        make_shop("ret-dry")
        out = run("ret-dry", "--dry-run")
        self.assertIn("warn #%s %s (last active " % (customer_id("old", "ret-dry"),
                                                     email("old", "ret-dry")), out)
        self.assertIn("warn #%s %s" % (customer_id("nearly", "ret-dry"),
                                       email("nearly", "ret-dry")), out)
        for kept in ("ordered", "signed_in", "fresh", "blocked"):
            self.assertNotIn(email(kept, "ret-dry"), out)
        self.assertIn("shop ret-dry (dry run, nothing changed): 0 to erase, 2 to warn", out)
        self.assertEqual(notices("ret-dry"), [])
        self.assertEqual(outbox_count("ret-dry"), 0)
        # once warned 30 days ago, the dry run lists the erasure
        run("ret-dry")
        backdate_notice("old", "ret-dry", 31)
        out = run("ret-dry", "--dry-run")
        self.assertIn("erase #%s %s" % (customer_id("old", "ret-dry"), email("old", "ret-dry")), out)
        self.assertIn("1 to erase, 0 to warn", out)
        self.assertEqual(erased("ret-dry"), [])

    def test_warning_mail_then_erasure_after_30_days(self):
        make_shop("ret-run")
        self.assertIn("0 erased, 2 warned", run("ret-run"))
        self.assertEqual(notices("ret-run"), ["nearly", "old"])
        message = wait_for_mail(email("old", "ret-run"))[-1]
        self.assertEqual(message["Subject"], "Votre compte client va être effacé\u00a0: Marché ret-run")
        self.assertIsNone(message["List-Unsubscribe"])   # a system mail, not marketing
        text = message.get_body(preferencelist=("plain",)).get_content()
        day = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=30)
        self.assertIn("seront effacés le %s." % french_date(day), text)
        self.assertIn("https://ret-run.test/account/login", text)
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn("Garder mon compte", html)
        wait_for_mail(email("nearly", "ret-run"))
        # a second run warns nobody twice
        self.assertIn("0 erased, 0 warned", run("ret-run"))
        self.assertEqual(len(mails_to(email("old", "ret-run"))), 1)
        # 29 days later: not yet
        backdate_notice("old", "ret-run", 29)
        self.assertIn("0 erased", run("ret-run"))
        # 30 days later, by the worker's job: old goes, nearly (warned
        # today) stays, and so does everyone else
        backdate_notice("old", "ret-run", 30)
        old_id = customer_id("old", "ret-run")
        job = web.STACK.admin("job", "add", "--kind", "retention", "--shop", "ret-run").stdout
        job_id = re.search(r"job (\d+) queued", job).group(1)
        self.assertTrue(web.wait_until(
            lambda: one("SELECT state FROM job WHERE id = %s" % job_id) == "done", 30))
        row = sql("SELECT email IS NULL, first_name, erased_at IS NOT NULL FROM customer"
                  " WHERE id = %s" % old_id)
        self.assertEqual(row, [["1", "", "1"]])
        self.assertEqual(notices("ret-run"), ["nearly"])
        self.assertEqual(int(one("SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
                                 " WHERE s.slug = 'ret-run' AND c.erased_at IS NOT NULL")), 1)
        self.assertEqual(one("SELECT COUNT(*) FROM event WHERE customer_id = %s"
                             " AND kind = 'customer.erased'" % old_id), "1")

    def test_signing_in_cancels_the_notice(self):
        make_shop("ret-back")
        run("ret-back")
        address = email("old", "ret-back")
        wait_for_mail(address)
        browser = web.Browser("ret-back.test")
        before = len(mails_to(address))
        browser.submit("/account/login", "/account/login", {"email": address})
        link = re.search(r"/account/login/confirm\?token=([0-9a-f]{64})",
                         wait_for_mail(address, before + 1)[-1].get_body(
                             preferencelist=("plain",)).get_content())
        confirm = browser.get(link.group(0))
        signed = browser.post("/account/login/confirm", {"token": link.group(1),
                                                         "csrf": confirm.csrf()})
        self.assertEqual(signed.status, 303)
        # the sign-in itself removed the notice
        self.assertEqual(notices("ret-back"), ["nearly"])
        self.assertIn("0 erased", run("ret-back"))
        self.assertEqual(erased("ret-back"), [])

    def test_an_order_cancels_the_notice_even_one_found_late(self):
        make_shop("ret-order")
        run("ret-order")
        backdate_notice("old", "ret-order", 40)
        shop_id = one("SELECT id FROM shop WHERE slug = 'ret-order'")
        sql("INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at)"
            " VALUES (%s, %s, 'R-1', 1200, NOW() - INTERVAL 3 DAY)"
            % (shop_id, customer_id("old", "ret-order")))
        self.assertEqual(notices("ret-order"), ["nearly"])
        self.assertIn("0 erased, 0 warned", run("ret-order"))
        self.assertEqual(erased("ret-order"), [])

    def test_a_customer_back_since_the_warning_is_not_erased(self):
        """A notice left behind (the trigger bypassed: a sign-in written
        by hand) is dropped by the run, not acted on."""
        make_shop("ret-late")
        run("ret-late")
        sql("UPDATE customer SET last_sign_in_at = NOW() - INTERVAL 2 DAY"
            " WHERE id = %s;"
            " INSERT IGNORE INTO retention_notice (shop_id, customer_id, warned_at)"
            " SELECT shop_id, id, NOW() - INTERVAL 40 DAY FROM customer WHERE id = %s"
            % (customer_id("old", "ret-late"), customer_id("old", "ret-late")))
        self.assertIn("0 erased, 0 warned, 1 came back", run("ret-late"))
        self.assertEqual(erased("ret-late"), [])

    def test_raising_the_setting_holds_the_erasure(self):
        make_shop("ret-raise")
        run("ret-raise")
        backdate_notice("old", "ret-raise", 31)
        sql("UPDATE shop SET retention_months = 36 WHERE slug = 'ret-raise'")
        self.assertIn("0 erased", run("ret-raise"))
        self.assertEqual(erased("ret-raise"), [])
        # and switching it off drops every notice
        sql("UPDATE shop SET retention_months = NULL WHERE slug = 'ret-raise'")
        run("ret-raise")
        self.assertEqual(notices("ret-raise"), [])


class SettingsPage(unittest.TestCase):
    OWNER = ("owner@ret-page.test", "ret-page-owner-password")

    @classmethod
    def setUpClass(cls):
        make_shop("ret-page", months=None)
        web.STACK.admin("admin", "add", "--shop", "ret-page", "--email", cls.OWNER[0],
                        "--role", "owner", input=cls.OWNER[1] + "\n")

    def save(self, browser, months):
        return browser.submit("/admin/settings", "/admin/settings",
                              {"name": "Marché ret-page", "language": "fr",
                               "time_zone": "Europe/Paris", "retention_months": months})

    def months(self):
        return one("SELECT COALESCE(retention_months, 'off') FROM shop WHERE slug = 'ret-page'")

    def test_the_owner_sets_and_clears_the_months_with_the_rule_explained(self):
        browser = web.Browser("ret-page.test")
        self.assertEqual(browser.sign_in(*self.OWNER).status, 303)
        page = browser.get("/admin/settings")
        self.assertIn("Oublier les clients inactifs depuis (mois)", page.text())
        self.assertIn("30 jours avant l'effacement", page.text())
        self.assertIn("Les clients bloqués, les personnes sur la liste d'attente et les clients"
                      " sans adresse e-mail ne sont jamais effacés", page.text())
        self.assertIn("Modifier ce réglage annule les avertissements déjà envoyés", page.text())
        self.assertIn('name="retention_months" type="text" pattern="[0-9]*"', page.body)
        self.assertEqual(self.save(browser, "18").status, 303)
        self.assertEqual(self.months(), "18")
        self.assertIn('value="18"', browser.get("/admin/settings").body)
        self.assertEqual(self.save(browser, "").status, 303)
        self.assertEqual(self.months(), "off")

    def test_bad_months_are_refused_and_change_nothing(self):
        browser = web.Browser("ret-page.test")
        self.assertEqual(browser.sign_in(*self.OWNER).status, 303)
        sql("UPDATE shop SET retention_months = 24 WHERE slug = 'ret-page'")
        for bad in ("3", "121", "douze", "-12"):
            with self.subTest(bad=bad):
                answer = self.save(browser, bad)
                self.assertEqual(answer.status, 400)
                self.assertIn("Saisissez un nombre de mois entre 6 et 120, ou laissez vide.",
                              answer.text())
                self.assertEqual(self.months(), "24")


if __name__ == "__main__":
    unittest.main()
