"""The provider's CLI (issue 17, point 4): fidele-admin shops, shop show,
shop disable / enable (every page of a disabled shop answers "temporarily
closed" in its language, its mail and jobs wait and leave once it is
enabled), shop delete (all of one shop's data, in batches, the other
shops untouched), limits (customers, mails a day, upload size: refused
with a clear message in the shop's language) and doctor (a world-readable
configuration, a weak secret, a pool socket open to every user).

The tests work on shops of their own (cli-fr in French, cli-en in
English), so that the shops the other tests read are never closed."""

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import unittest

from api_steps import clear_key_limits, create_key, order
from inbox import clear_limits, mails_to
from test_import_job import forget_imports
from test_import_pages import Admin as UploadAdmin
from test_worker_smtp import WorkerCase
import web

SHOPS = {"cli-fr": ("cli-fr.test", "fr", "Épicerie Clé"),
         "cli-en": ("cli-en.test", "en", "Key Grocer")}
PASSWORD = "provider-cli-password"
CLOSED = {"fr": "Cette boutique est temporairement fermée",
          "en": "This shop is temporarily closed"}
CUSTOMER_LIMIT = {"fr": "Cette boutique a atteint le nombre de clients que permet son hébergement",
                  "en": "This shop has reached the number of customers its hosting allows"}
UPLOAD_LIMIT = {"fr": "Ce fichier dépasse la taille d'envoi que votre hébergeur a fixée",
                "en": "This file is over the upload size your hosting provider set"}


def sql(statement):
    return web.STACK.sql(statement)


def one(statement):
    found = sql(statement)
    return found[0][0] if found else None


def admin(*args, input=None):
    return web.STACK.admin(*args, input=input, check=False)


def host_of(slug):
    return SHOPS[slug][0] if slug in SHOPS else slug + ".test"


def owner(slug):
    return "owner@%s" % host_of(slug)


def shop_id(slug):
    return one("SELECT id FROM shop WHERE slug = '%s'" % slug)


def make_shop(slug, host, language, name, customers=0):
    assert admin("shop", "add", "--slug", slug, "--name", name, "--language",
                 language).returncode == 0
    assert admin("shop", "host", "add", "--shop", slug, "--host", host).returncode == 0
    assert admin("admin", "add", "--shop", slug, "--email", "owner@" + host, "--role", "owner",
                 input=PASSWORD + "\n").returncode == 0
    if customers:
        assert admin("seed-demo", "--shop", slug, "--customers", str(customers)).returncode == 0


def setUpModule():
    for slug, (host, language, name) in SHOPS.items():
        if shop_id(slug) is None:
            make_shop(slug, host, language, name, customers=5)


def tearDownModule():
    for slug in SHOPS:
        admin("shop", "enable", "--shop", slug)
        admin("shop", "delete", "--shop", slug, "--yes")


def signed_in(slug):
    browser = web.Browser(host_of(slug))
    answer = browser.sign_in(owner(slug), PASSWORD)
    assert answer.status == 303, answer.body[:300]
    return browser


def shop_tables():
    """Every table with a shop_id column, as the database has them."""
    return [row[0] for row in sql(
        "SELECT c.table_name FROM information_schema.columns c"
        "  JOIN information_schema.tables t ON t.table_schema = c.table_schema"
        "   AND t.table_name = c.table_name"
        " WHERE c.table_schema = DATABASE() AND c.column_name = 'shop_id'"
        "   AND t.table_type = 'BASE TABLE' ORDER BY c.table_name")]


# rows the server keeps from other rows' states (sql/030): the worker ending
# a shop's queued job takes its job_active row away, as it should
DERIVED = ("job_active", "mail_failed")


def rows_of(shop):
    """{table: rows of the shop} over every table with a shop_id, but those
    the server derives from the others (DERIVED)."""
    return {table: int(one("SELECT COUNT(*) FROM `%s` WHERE shop_id = %s" % (table, shop)))
            for table in shop_tables() if table not in DERIVED}


class Commands(unittest.TestCase):
    def test_help_lists_every_command_with_the_exit_codes(self):
        answer = admin("--help")
        self.assertEqual(answer.returncode, 0)
        for command in ("shops", "shop show", "shop disable", "shop enable", "shop delete",
                        "limits", "doctor", "migrate", "shop add"):
            self.assertRegex(answer.stdout, r"(?m)^  %s " % re.escape(command))
        self.assertIn("exit status: 0 done, 1 failed", answer.stdout)
        self.assertIn("2 bad arguments", answer.stdout)

    def test_each_command_has_its_own_help(self):
        for words, synopsis in ((["shop", "show"], "--shop SLUG"),
                                (["shop", "delete"], "--shop SLUG [--yes]"),
                                (["limits"], "--customers N|none"),
                                (["doctor"], "--sockets DIR"),
                                (["shop", "host", "add"], "--shop SLUG --host HOST")):
            answer = admin(*words, "--help")
            self.assertEqual(answer.returncode, 0, words)
            self.assertIn("usage: fidele-admin %s " % " ".join(words), answer.stdout)
            self.assertIn(synopsis, answer.stdout)
            self.assertIn("exit status:", answer.stdout)

    def test_bad_arguments_exit_2_and_an_unknown_shop_exits_1(self):
        self.assertEqual(admin("shop", "frobnicate").returncode, 2)
        self.assertEqual(admin("shops", "--shop", "cli-fr").returncode, 2)
        self.assertEqual(admin("shop", "show").returncode, 2)
        answer = admin("shop", "disable", "--shop", "nope")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("no shop named nope", answer.stderr)

    def test_shops_lists_each_shop_with_its_counts_and_state(self):
        make_shop("cli-count", "cli-count.test", "fr", "Comptes", customers=3)
        try:
            admin("shop", "host", "add", "--shop", "cli-count", "--host", "www.cli-count.test")
            shop = shop_id("cli-count")
            sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, next_attempt_at)"
                " VALUES (%s, 'customer-welcome', 'later@cli-count.test', 'Plus tard', 'x',"
                "         NOW() + INTERVAL 1 DAY)" % shop)
            answer = admin("shops")
            self.assertEqual(answer.returncode, 0, answer.stderr)
            lines = answer.stdout.splitlines()
            self.assertEqual(lines[0], "shop\tcustomers\tadmins\thosts\tmails waiting\tmails failed\t"
                             "state\tname")
            self.assertIn("cli-count\t3\t1\t2\t1\t0\topen\tComptes", lines)
            self.assertIn("alpha\t%s\t" % one("SELECT COUNT(*) FROM customer c JOIN shop s"
                                              " ON s.id = c.shop_id WHERE s.slug = 'alpha'"
                                              " AND c.erased_at IS NULL"), answer.stdout)
            sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, status)"
                " VALUES (%s, 'customer-welcome', 'nowhere@cli-count.test', 'Perdu', 'x',"
                "         'failed')" % shop)
            admin("shop", "disable", "--shop", "cli-count")
            self.assertIn("cli-count\t3\t1\t2\t1\t1\tdisabled\tComptes", admin("shops").stdout)
        finally:
            admin("shop", "delete", "--shop", "cli-count", "--yes")

    def test_shop_show_tells_hosts_counts_state_and_limits(self):
        answer = admin("shop", "show", "--shop", "cli-en")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        for line in ("shop: cli-en", "name: Key Grocer", "language: en", "state: open",
                     "customers: 5 (limit: none)", "admins: 1", "hosts: cli-en.test",
                     "upload limit: none (installation: 50 MiB)"):
            self.assertIn(line + "\n", answer.stdout)
        self.assertRegex(answer.stdout, r"mails waiting: \d+, failed: 0, sent today: \d+ "
                                        r"\(limit a day: none\)")

    def test_limits_are_set_shown_and_removed(self):
        try:
            answer = admin("limits", "--shop", "cli-en", "--customers", "100",
                           "--mails-per-day", "20", "--upload-mb", "2")
            self.assertEqual(answer.returncode, 0, answer.stderr)
            self.assertIn("customers: 5 (limit: 100)\n", answer.stdout)
            self.assertIn("(limit a day: 20)\n", answer.stdout)
            self.assertIn("upload limit: 2 MiB", answer.stdout)
            self.assertEqual(sql("SELECT customer_limit, mail_limit_per_day, upload_limit_mb"
                                 " FROM shop WHERE slug = 'cli-en'"), [["100", "20", "2"]])
            # one limit changed, the others kept
            admin("limits", "--shop", "cli-en", "--customers", "none")
            self.assertEqual(sql("SELECT customer_limit, mail_limit_per_day, upload_limit_mb"
                                 " FROM shop WHERE slug = 'cli-en'"), [["NULL", "20", "2"]])
        finally:
            admin("limits", "--shop", "cli-en", "--customers", "none", "--mails-per-day", "none",
                  "--upload-mb", "none")

    def test_bad_limits_exit_2_and_change_nothing(self):
        for args in (["--customers", "-1"], ["--customers", "ten"], ["--upload-mb", "0"],
                     ["--mails-per-day", "1.5"], ["--cusotmers", "3"]):
            answer = admin("limits", "--shop", "cli-fr", *args)
            self.assertEqual(answer.returncode, 2, args)
            self.assertTrue(answer.stderr.strip(), args)
        self.assertEqual(sql("SELECT customer_limit, mail_limit_per_day, upload_limit_mb"
                             " FROM shop WHERE slug = 'cli-fr'"), [["NULL", "NULL", "NULL"]])


class Access(unittest.TestCase):
    """Who reaches a shop and where: a shop moving to a new domain, an
    admin who left."""
    SLUG = "cli-access"

    def setUp(self):
        make_shop(self.SLUG, "cli-access.test", "fr", "Accès")
        self.addCleanup(admin, "shop", "delete", "--shop", self.SLUG, "--yes")

    def test_a_shop_moves_to_a_new_host_name(self):
        answer = admin("shop", "host", "remove", "--shop", self.SLUG, "--host", "cli-access.test")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("cli-access.test is the only host of shop cli-access: add the new one"
                      " first", answer.stderr)
        self.assertEqual(web.Browser("cli-access.test").get("/admin/login").status, 200)
        self.assertEqual(admin("shop", "host", "add", "--shop", self.SLUG, "--host",
                               "new-access.test").returncode, 0)
        answer = admin("shop", "host", "remove", "--shop", self.SLUG, "--host", "CLI-Access.test")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("host cli-access.test no longer serves shop cli-access", answer.stdout)
        self.assertEqual(web.Browser("cli-access.test").get("/admin/login").status, 404)
        self.assertEqual(web.Browser("new-access.test").get("/admin/login").status, 200)
        self.assertIn("new-access.test", admin("shop", "show", "--shop", self.SLUG).stdout)
        # another shop's host, or one it never had, is not taken away
        for host in ("cli-fr.test", "nowhere.test"):
            answer = admin("shop", "host", "remove", "--shop", self.SLUG, "--host", host)
            self.assertEqual(answer.returncode, 1, host)
            self.assertIn("does not answer on %s" % host, answer.stderr)
        self.assertEqual(one("SELECT COUNT(*) FROM shop_host WHERE host = 'cli-fr.test'"), "1")
        self.assertEqual(admin("shop", "host", "remove", "--shop", self.SLUG).returncode, 2)

    def test_an_admin_who_left_is_disabled_and_signed_out_everywhere(self):
        email = "staff@cli-access.test"
        self.assertEqual(admin("admin", "add", "--shop", self.SLUG, "--email", email, "--role",
                               "staff", input=PASSWORD + "\n").returncode, 0)
        browser = web.Browser("cli-access.test")
        self.assertEqual(browser.sign_in(email, PASSWORD).status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        listed = admin("admin", "list", "--shop", self.SLUG)
        self.assertEqual(listed.returncode, 0)
        rows = [line.split("\t") for line in listed.stdout.splitlines()]
        self.assertEqual(rows[0], ["email", "role", "state", "last sign-in", "added", "name"])
        self.assertEqual([row[:3] for row in rows[1:]],
                         [["owner@cli-access.test", "owner", "enabled"],
                          [email, "staff", "enabled"]])
        self.assertNotEqual(rows[2][3], "-")            # signed in just now
        answer = admin("admin", "disable", "--shop", self.SLUG, "--email", email.upper())
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("disabled: signed out everywhere", answer.stdout)
        self.assertEqual(browser.get("/admin/customers").status, 303)
        self.assertEqual(web.Browser("cli-access.test").sign_in(email, PASSWORD).status, 400)
        self.assertEqual(one("SELECT COUNT(*) FROM session s JOIN admin a ON a.id = s.admin_id"
                             " WHERE a.email = '%s'" % email), "0")
        self.assertIn("%s\tstaff\tdisabled" % email,
                      admin("admin", "list", "--shop", self.SLUG).stdout)
        self.assertIn("was already disabled",
                      admin("admin", "disable", "--shop", self.SLUG, "--email", email).stdout)
        answer = admin("admin", "enable", "--shop", self.SLUG, "--email", email)
        self.assertEqual(answer.returncode, 0)
        self.assertEqual(web.Browser("cli-access.test").sign_in(email, PASSWORD).status, 303)

    def test_the_last_owner_stays_and_bad_arguments_change_nothing(self):
        owner_email = "owner@cli-access.test"
        answer = admin("admin", "disable", "--shop", self.SLUG, "--email", owner_email)
        self.assertEqual(answer.returncode, 1)
        self.assertIn("is the shop's only owner: make another admin owner first", answer.stderr)
        self.assertEqual(web.Browser("cli-access.test").sign_in(owner_email, PASSWORD).status,
                         303)
        self.assertEqual(admin("admin", "add", "--shop", self.SLUG, "--email",
                               "second@cli-access.test", "--role", "owner",
                               input=PASSWORD + "\n").returncode, 0)
        self.assertEqual(admin("admin", "disable", "--shop", self.SLUG, "--email",
                               owner_email).returncode, 0)
        for args, status, words in (
                (["--email", "owner@cli-fr.test"], 1, "is not an admin of shop cli-access"),
                (["--email", "not-an-address"], 2, "--email is not an e-mail address"),
                ([], 2, "--email is required"),
                (["--email", owner_email, "--role", "x"], 2, "")):
            answer = admin("admin", "disable", "--shop", self.SLUG, *args)
            self.assertEqual(answer.returncode, status, args)
            self.assertIn(words, answer.stderr)
        self.assertEqual(one("SELECT COUNT(*) FROM admin WHERE email = 'owner@cli-fr.test'"
                             " AND disabled_at IS NULL"), "1")
        answer = admin("admin", "list", "--shop", "nope")
        self.assertEqual(answer.returncode, 1)

    def test_the_provider_makes_a_staff_member_owner_when_the_owner_has_left(self):
        owner, staff = "owner@cli-access.test", "staff@cli-access.test"
        self.assertEqual(admin("admin", "add", "--shop", self.SLUG, "--email", staff, "--role",
                               "staff", input=PASSWORD + "\n").returncode, 0)
        browser = web.Browser("cli-access.test")
        self.assertEqual(browser.sign_in(staff, PASSWORD).status, 303)
        self.assertEqual(browser.get("/admin/team").status, 403)
        answer = admin("admin", "role", "--shop", self.SLUG, "--email", staff.upper(),
                       "--role", "owner")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("is now an owner", answer.stdout)
        # the same session, its next page: the role is read on each request
        self.assertEqual(browser.get("/admin/team").status, 200)
        self.assertIn("%s\towner\tenabled" % staff,
                      admin("admin", "list", "--shop", self.SLUG).stdout)
        self.assertIn("was already owner", admin("admin", "role", "--shop", self.SLUG,
                                                 "--email", staff, "--role", "owner").stdout)
        # the one who left: made staff, then disabled; the new owner is now
        # the last one and stays an owner
        answer = admin("admin", "role", "--shop", self.SLUG, "--email", owner, "--role", "staff")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("is now staff", answer.stdout)
        self.assertEqual(admin("admin", "disable", "--shop", self.SLUG, "--email",
                               owner).returncode, 0)
        answer = admin("admin", "role", "--shop", self.SLUG, "--email", staff, "--role", "staff")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("is the shop's only owner: make another admin owner first", answer.stderr)
        self.assertEqual(browser.get("/admin/team").status, 200)
        for args, status, words in (
                (["--email", staff, "--role", "boss"], 2, "--role is owner or staff"),
                (["--email", staff], 2, "--role is owner or staff"),
                (["--email", staff, "--role", ""], 2, ""),
                (["--role", "staff"], 2, "--email is required"),
                (["--email", "not-an-address", "--role", "staff"], 2, "not an e-mail address"),
                (["--email", "owner@cli-fr.test", "--role", "staff"], 1,
                 "is not an admin of shop cli-access"),
                (["--email", staff, "--role", "staff", "--name", "x"], 2, "")):
            answer = admin("admin", "role", "--shop", self.SLUG, *args)
            self.assertEqual(answer.returncode, status, args)
            self.assertIn(words, answer.stderr)
        answer = admin("admin", "role", "--shop", "nope", "--email", staff, "--role", "owner")
        self.assertEqual(answer.returncode, 1)
        self.assertEqual(sql("SELECT email, role, disabled_at IS NULL FROM admin"
                             " WHERE shop_id = (SELECT id FROM shop WHERE slug = '%s')"
                             " ORDER BY email" % self.SLUG),
                         [[owner, "staff", "0"], [staff, "owner", "1"]])
        self.assertEqual(one("SELECT role FROM admin WHERE email = 'owner@cli-fr.test'"), "owner")


class DisabledShop(unittest.TestCase):
    def setUp(self):
        clear_limits()
        clear_key_limits()

    def tearDown(self):
        admin("shop", "enable", "--shop", "cli-fr")
        admin("shop", "enable", "--shop", "cli-en")

    def assertClosed(self, response, language):
        self.assertEqual(response.status, 503, response.body[:300])
        self.assertEqual(response.header("Retry-After"), "3600")
        self.assertIn(CLOSED[language], response.text())

    def test_every_page_of_a_disabled_shop_says_it_is_closed_in_its_language(self):
        browser = signed_in("cli-fr")          # signed in before: the session stays closed out
        link = admin("login-link", "--shop", "cli-fr", "--email", owner("cli-fr")).stdout.strip()
        answer = admin("shop", "disable", "--shop", "cli-fr")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("disabled", answer.stdout)
        visitor = web.Browser("cli-fr.test")
        for path in ("/admin/customers", "/admin/customers/new", "/admin/import"):
            self.assertClosed(browser.get(path), "fr")
        for path in ("/account/login", "/admin/login", "/account/signup", "/account/profile",
                     link[link.index("/admin/"):]):
            self.assertClosed(visitor.get(path), "fr")
        # a form sent to it changes nothing
        before = one("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % shop_id("cli-fr"))
        self.assertClosed(visitor.post("/account/signup", {"email": "ferme@example.test"}), "fr")
        self.assertClosed(browser.post("/admin/customers/new", {"email": "ferme2@example.test"}),
                          "fr")
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE shop_id = %s"
                             % shop_id("cli-fr")), before)
        # the other shops stay open
        self.assertEqual(signed_in("cli-en").get("/admin/customers").status, 200)
        self.assertEqual(web.Browser("alpha.test").get("/account/login").status, 200)
        # enabled again, the same session goes on
        self.assertEqual(admin("shop", "enable", "--shop", "cli-fr").returncode, 0)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        self.assertEqual(visitor.get("/account/login").status, 200)

    def test_a_disabled_shop_in_english_says_so_in_english(self):
        admin("shop", "disable", "--shop", "cli-en")
        self.assertClosed(web.Browser("cli-en.test").get("/account/login"), "en")
        self.assertIn("already disabled", admin("shop", "disable", "--shop", "cli-en").stdout)

    def test_the_api_of_a_disabled_shop_answers_a_json_503(self):
        key = create_key("cli-en", "Closed site")
        admin("shop", "disable", "--shop", "cli-en")
        answer = order(key, {"reference": "CLOSED-1", "email": "closed@example.test",
                             "total": "10.00", "currency": "EUR",
                             "ordered_at": "2026-11-20T10:00:00Z",
                             "updated_at": "2026-11-20T10:00:00Z"}, host="cli-en.test")
        self.assertEqual(answer.status, 503, answer.body)
        self.assertEqual(answer.header("Retry-After"), "3600")
        self.assertEqual(answer.json["error"], "shop_closed")
        self.assertIn(CLOSED["en"], answer.json["message"])
        self.assertIsNone(one("SELECT id FROM orders WHERE reference = 'CLOSED-1'"))


class Worker(WorkerCase):
    """The mail and jobs of a disabled shop, and the mails a day, with the
    stack's worker paused and fidele-worker --once run by the test."""

    def run_worker(self):
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)

    def tearDown(self):
        admin("shop", "enable", "--shop", "cli-fr")
        admin("limits", "--shop", "cli-fr", "--mails-per-day", "none", "--customers", "none")
        super().tearDown()

    def mails_waiting(self, slug):
        shown = admin("shop", "show", "--shop", slug).stdout
        return int(re.search(r"mails waiting: (\d+),", shown).group(1))

    def test_a_disabled_shops_mail_waits_and_leaves_once_it_is_enabled(self):
        # mail an earlier test left waiting is set aside for the class, still
        # waiting: the login link is one more
        waiting = self.mails_waiting("cli-fr")
        admin("shop", "disable", "--shop", "cli-fr")
        answer = admin("login-link", "--shop", "cli-fr", "--email", owner("cli-fr"), "--send")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.queued.append(owner("cli-fr"))
        before = len(mails_to(owner("cli-fr")))
        self.run_worker()
        self.assertEqual(len(mails_to(owner("cli-fr"))), before)
        self.assertEqual(sql("SELECT status, attempts FROM outbox WHERE recipient = '%s'"
                             " ORDER BY id DESC LIMIT 1" % owner("cli-fr")), [["queued", "0"]])
        self.assertEqual(self.mails_waiting("cli-fr"), waiting + 1)
        admin("shop", "enable", "--shop", "cli-fr")
        self.run_worker()
        self.assertEqual(len(mails_to(owner("cli-fr"))), before + 1)
        self.assertEqual(one("SELECT status FROM outbox WHERE recipient = '%s'"
                             " ORDER BY id DESC LIMIT 1" % owner("cli-fr")), "sent")

    def test_a_disabled_shops_jobs_wait(self):
        admin("shop", "disable", "--shop", "cli-fr")
        job = admin("job", "add", "--kind", "housekeeping", "--shop", "cli-fr").stdout.split()[1]
        self.run_worker()
        self.assertEqual(one("SELECT state FROM job WHERE id = %s" % job), "queued")
        admin("shop", "enable", "--shop", "cli-fr")
        self.run_worker()
        self.assertEqual(one("SELECT state FROM job WHERE id = %s" % job), "done")

    def test_past_its_mails_a_day_a_shops_mail_waits_for_the_next_day(self):
        shop = shop_id("cli-fr")
        sql("DELETE FROM outbox WHERE shop_id = %s" % shop)
        admin("limits", "--shop", "cli-fr", "--mails-per-day", "2")
        recipients = ["day%d@cli-fr.test" % n for n in range(3)]
        self.queued += recipients + ["login@cli-fr.test"]
        for address in recipients:
            sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
                " VALUES (%s, 'customer-welcome', '%s', 'Bienvenue', 'Bonjour')" % (shop, address))
        self.run_worker()
        self.run_worker()
        self.assertEqual(sql("SELECT recipient, status FROM outbox WHERE shop_id = %s ORDER BY id"
                             % shop), [[recipients[0], "sent"], [recipients[1], "sent"],
                                       [recipients[2], "queued"]])
        self.assertEqual(mails_to(recipients[2]), [])
        # a sign-in link is not held back by the limit
        sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
            " VALUES (%s, 'customer-login', 'login@cli-fr.test', 'Lien', 'Lien')" % shop)
        self.run_worker()
        self.assertEqual(one("SELECT status FROM outbox WHERE recipient = 'login@cli-fr.test'"),
                         "sent")
        self.assertEqual(one("SELECT status FROM outbox WHERE recipient = '%s'" % recipients[2]),
                         "queued")
        # the next day: what was sent is yesterday's
        sql("UPDATE outbox SET sent_at = sent_at - INTERVAL 1 DAY WHERE shop_id = %s"
            " AND status = 'sent'" % shop)
        self.run_worker()
        self.assertEqual(one("SELECT status FROM outbox WHERE recipient = '%s'" % recipients[2]),
                         "sent")
        self.assertEqual(len(mails_to(recipients[2])), 1)

    def test_an_import_past_the_customer_limit_stops_with_a_clear_reason(self):
        shop = shop_id("cli-fr")
        owner_id = one("SELECT id FROM admin WHERE shop_id = %s" % shop)
        count = int(one("SELECT COUNT(*) FROM customer WHERE shop_id = %s"
                        " AND erased_at IS NULL" % shop))
        admin("limits", "--shop", "cli-fr", "--customers", str(count + 1))
        content = ("email,first_name\nimp-a@example.test,Anne\nimp-b@example.test,Bruno\n"
                   "imp-c@example.test,Chloé\n").encode()
        folder = web.STACK.spool_folder(shop)
        path = os.path.join(folder, secrets.token_hex(16))
        with open(path, "wb") as f:
            f.write(content)
        sql("INSERT INTO import (shop_id, admin_id, source, file_name, file_size, spool_path,"
            " format, encoding, field_separator, has_header, row_count, column_count, headers,"
            " mapping, mode, subscribe, welcome, state)"
            " VALUES (%s, %s, 'file', 'clients.csv', %d, '%s', 'csv', 'utf-8', ',', 1, 3, 2, '',"
            " 'email,first_name', 'fill', 0, 0, 'new')" % (shop, owner_id, len(content), path))
        import_id = one("SELECT MAX(id) FROM import WHERE shop_id = %s" % shop)
        try:
            answer = admin("import", "queue", "--shop", "cli-fr", "--id", import_id,
                           "--action", "run")
            self.assertEqual(answer.returncode, 0, answer.stderr)
            self.run_worker()
            self.assertEqual(sql("SELECT state, error FROM import WHERE id = %s" % import_id),
                             [["failed", "customer_limit"]])
            self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE shop_id = %s"
                                 " AND erased_at IS NULL" % shop), str(count))
            page = signed_in("cli-fr").get("/admin/import/%s" % import_id)
            self.assertIn("La boutique a atteint le nombre de clients que permet son hébergement",
                          page.text())
        finally:
            forget_imports("imp-%@example.test", [import_id])


class Limits(unittest.TestCase):
    def setUp(self):
        clear_limits()
        clear_key_limits()

    def tearDown(self):
        for slug in SHOPS:
            admin("limits", "--shop", slug, "--customers", "none", "--upload-mb", "none")

    def at_limit(self, slug):
        count = one("SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
                    % shop_id(slug))
        self.assertEqual(admin("limits", "--shop", slug, "--customers", count).returncode, 0)
        return count

    def customers(self, slug):
        return one("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % shop_id(slug))

    def test_the_admin_form_refuses_a_customer_past_the_limit_in_each_language(self):
        for slug, language in (("cli-fr", "fr"), ("cli-en", "en")):
            self.at_limit(slug)
            browser = signed_in(slug)
            before = self.customers(slug)
            answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "over-%s@example.test" % slug, "first_name": "Trop"})
            self.assertEqual(answer.status, 403, answer.body[:300])
            self.assertIn(CUSTOMER_LIMIT[language], answer.text())
            self.assertEqual(self.customers(slug), before)
            # with the limit gone, the same form creates the customer
            admin("limits", "--shop", slug, "--customers", "none")
            answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "over-%s@example.test" % slug, "first_name": "Trop"})
            self.assertEqual(answer.status, 303, answer.body[:300])
            self.assertEqual(int(self.customers(slug)), int(before) + 1)

    def test_signup_refuses_a_new_customer_past_the_limit(self):
        self.at_limit("cli-fr")
        visitor = web.Browser("cli-fr.test")
        page = visitor.get("/account/signup")
        door = re.search(r'name="door" value="([a-z]*)"', page.body)
        text = re.search(r'name="text" value="([0-9]*)"', page.body)
        before = self.customers("cli-fr")
        answer = visitor.post("/account/signup", {
            "csrf": page.csrf(), "door": door.group(1) if door else "",
            "text": text.group(1) if text else "", "first_name": "Jeanne",
            "last_name": "Pleine", "email": "signup-over@example.test"})
        self.assertEqual(answer.status, 403, answer.body[:300])
        self.assertIn(CUSTOMER_LIMIT["fr"], answer.text())
        self.assertEqual(self.customers("cli-fr"), before)

    def test_an_api_order_for_a_new_address_past_the_limit_is_refused(self):
        key = create_key("cli-en", "Full site")
        self.at_limit("cli-en")
        before = self.customers("cli-en")
        answer = order(key, {"reference": "FULL-1", "email": "full@example.test",
                             "total": "10.00", "currency": "EUR",
                             "ordered_at": "2026-11-20T10:00:00Z",
                             "updated_at": "2026-11-20T10:00:00Z"}, host="cli-en.test")
        self.assertEqual(answer.status, 403, answer.body)
        self.assertEqual(answer.json["error"], "customer_limit")
        self.assertIn(CUSTOMER_LIMIT["en"], answer.json["message"])
        self.assertEqual(self.customers("cli-en"), before)
        self.assertIsNone(one("SELECT id FROM orders WHERE reference = 'FULL-1'"))

    def test_an_upload_over_the_shops_limit_gets_a_clear_page(self):
        for slug, language in (("cli-fr", "fr"), ("cli-en", "en")):
            admin("limits", "--shop", slug, "--upload-mb", "1")
            uploader = UploadAdmin(SHOPS[slug][0], (owner(slug), PASSWORD))
            answer = uploader.upload(b"email\n" + b"a" * (1024 * 1024 + 10))
            self.assertEqual(answer.status, 413, answer.body[:300])
            self.assertIn(UPLOAD_LIMIT[language], answer.text())
            # under it, the file is taken
            answer = uploader.upload(b"email,first_name\nsmall-%s@example.test,Petit\n" % slug.encode())
            self.assertNotEqual(answer.status, 413, answer.body[:300])


class Delete(unittest.TestCase):
    def fill(self, slug, customers):
        make_shop(slug, slug + ".test", "fr", slug.upper(), customers=customers)
        shop = shop_id(slug)
        sql("INSERT INTO note (shop_id, customer_id, body)"
            " SELECT shop_id, id, 'Une note' FROM customer WHERE shop_id = %s LIMIT 50" % shop)
        sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, next_attempt_at)"
            " VALUES (%s, 'customer-welcome', 'x@%s.test', 'S', 'B', NOW() + INTERVAL 1 DAY)"
            % (shop, slug))
        create_key(slug, "Site")
        admin("job", "add", "--kind", "housekeeping", "--shop", slug)
        # a consent ledger and the wording it points to, append-only
        # (sql/017) but the shop's all the same
        sql("INSERT INTO consent_text (shop_id, purpose, language, version, body, body_sha256)"
            " VALUES (%s, 'marketing', 'fr', 1, 'Je veux les nouvelles', UNHEX(SHA2('x', 256)))"
            % shop)
        sql("INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor, text_id)"
            " SELECT c.shop_id, c.id, 'marketing', 1, 'admin', 'admin', t.id FROM customer c"
            " JOIN consent_text t ON t.shop_id = c.shop_id WHERE c.shop_id = %s LIMIT 3" % shop)
        return shop

    def test_delete_takes_all_of_one_shop_and_nothing_of_the_other(self):
        gone, kept = self.fill("cli-gone", 2500), self.fill("cli-kept", 30)
        try:
            kept_rows = rows_of(kept)
            gone_rows = rows_of(gone)
            spool = {}
            for shop in (gone, kept):
                spool[shop] = os.path.join(web.STACK.spool_folder(shop), "file.csv")
                with open(spool[shop], "w") as f:
                    f.write("email\n")
            self.assertGreater(gone_rows["customer"], 2000)    # more than one batch
            self.assertEqual((gone_rows["consent"], gone_rows["consent_text"]), (3, 1))
            # a wrong answer deletes nothing
            answer = admin("shop", "delete", "--shop", "cli-gone", input="cli-kept\n")
            self.assertEqual(answer.returncode, 1)
            self.assertIn("not deleted", answer.stderr)
            self.assertIn("  customer               2500 rows\n", answer.stdout)
            self.assertIn("Type the shop's slug (cli-gone) to delete it", answer.stdout)
            self.assertEqual(rows_of(gone), gone_rows)
            # no answer at all (a script without --yes) deletes nothing either
            self.assertEqual(admin("shop", "delete", "--shop", "cli-gone", input="").returncode, 1)
            self.assertEqual(rows_of(gone), gone_rows)
            answer = admin("shop", "delete", "--shop", "cli-gone", input="cli-gone\n")
            self.assertEqual(answer.returncode, 0, answer.stderr)
            self.assertIn("customer: 2500 rows deleted", answer.stdout)
            self.assertIn("shop cli-gone deleted", answer.stdout)
            self.assertEqual({t: n for t, n in rows_of(gone).items() if n}, {})
            self.assertEqual([int(one("SELECT COUNT(*) FROM %s WHERE shop_id = %s" % (t, gone)))
                              for t in DERIVED], [0, 0])
            self.assertIsNone(shop_id("cli-gone"))
            self.assertEqual(rows_of(kept), kept_rows)
            # the ledger stays append-only outside a shop's delete: the
            # delete's own permission names its shop and no other
            for statement in ("DELETE FROM consent WHERE shop_id = %s" % kept,
                              "SET @fidele_shop_delete = %s; DELETE FROM consent_text"
                              " WHERE shop_id = %s" % (gone, kept)):
                with self.subTest(statement=statement), self.assertRaises(RuntimeError):
                    sql(statement)
            self.assertEqual(rows_of(kept), kept_rows)
            self.assertFalse(os.path.exists(os.path.join(web.STACK.spool_dir, str(gone))))
            self.assertTrue(os.path.exists(spool[kept]))
            self.assertEqual(signed_in("cli-kept").get("/admin/customers").status, 200)
            self.assertEqual(web.Browser("cli-gone.test").get("/account/login").status, 404)
        finally:
            admin("shop", "delete", "--shop", "cli-gone", "--yes")
            admin("shop", "delete", "--shop", "cli-kept", "--yes")

    def test_delete_with_yes_asks_nothing(self):
        self.fill("cli-yes", 3)
        answer = admin("shop", "delete", "--shop", "cli-yes", "--yes")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertNotIn("Type the shop's slug", answer.stdout)
        self.assertIsNone(shop_id("cli-yes"))
        self.assertEqual(admin("shop", "delete", "--shop", "cli-yes", "--yes").returncode, 1)


class Doctor(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(dir=web.STACK.var)

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def doctor(self, config=None, sockets=None, text=None, mode=0o640, pools=True):
        env = web.STACK.env()
        if text is not None:
            config = os.path.join(self.folder, "fidele.hdf")
            with open(config, "w") as f:
                f.write(text)
            os.chmod(config, mode)
        if config is not None:
            env["FIDELE_CONFIG"] = config
        where = ["--sockets", sockets or web.STACK.run_dir] if pools else ["--no-pools"]
        return subprocess.run([web.STACK.program("fidele-admin"), "doctor"] + where, env=env,
                              capture_output=True, text=True, timeout=60)

    def stack_config(self):
        with open(web.STACK.config) as f:
            return f.read()

    def test_the_test_stack_is_healthy(self):
        # under Apache's mod_fcgid or plain CGI (tests/web/run-apache,
        # run-cgi) the web server starts the programs: no pool, no socket
        pools = not web.STACK.apache_runs_programs()
        answer = self.doctor(pools=pools)
        self.assertEqual(answer.returncode, 0, answer.stdout + answer.stderr)
        lines = answer.stdout.splitlines()
        self.assertTrue(all(line.startswith("OK ") for line in lines), answer.stdout)
        for part in ("is readable and private (mode 0640)", "Security.Secret is strong",
                     "database reachable", "migrations current", "LOAD DATA LOCAL is not used",
                     "multi-statements work", "spool %s is" % web.STACK.spool_dir,
                     "SMTP server smtp://127.0.0.1:%d is reachable" % web.STACK.smtp_port,
                     "%s sends the worker's mail" % web.STACK.program("fidele-mailer"),
                     "worker running (heard from ",
                     "socket %s/login.sock (mode 0660)" % web.STACK.run_dir if pools else
                     "no pools to check: the web server starts the programs"):
            self.assertIn(part, answer.stdout)

    def test_a_silent_worker_is_a_problem_with_what_waits_for_it(self):
        """no worker: no sign-in link leaves, and no page says why"""
        import signal
        pids = web.STACK.program_pids("fidele-worker")
        self.assertTrue(pids)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            web.STACK.sql("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 5 MINUTE")
            answer = self.doctor(pools=False)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        self.assertEqual(answer.returncode, 1)
        self.assertRegex(answer.stdout, r"PROBLEM  worker: silent for 5 minutes, so no mail"
                                        r" leaves \(sign-in links included\) and no job starts"
                                        r" \(\d+ mails?, \d+ jobs? waiting\): systemctl restart"
                                        r" fidele-worker")
        # it beats again at once
        self.assertTrue(web.wait_until(
            lambda: "worker running" in self.doctor(pools=False).stdout, 20))

    def test_no_pools_checks_no_socket_and_excludes_sockets(self):
        answer = self.doctor(sockets=os.path.join(self.folder, "none"), pools=False)
        self.assertNotIn("socket", answer.stdout)
        self.assertIn("OK       no pools to check: the web server starts the programs "
                      "(--no-pools)", answer.stdout)
        answer = subprocess.run([web.STACK.program("fidele-admin"), "doctor", "--no-pools",
                                 "--sockets", web.STACK.run_dir], env=web.STACK.env(),
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(answer.returncode, 2)
        self.assertIn("--no-pools and --sockets exclude each other", answer.stderr)

    def test_a_world_readable_configuration_is_reported_and_warned_of(self):
        answer = self.doctor(text=self.stack_config(), mode=0o644)
        self.assertEqual(answer.returncode, 1)
        self.assertRegex(answer.stdout, r"PROBLEM  configuration \S+ is readable by every user "
                                        r"of the server \(mode 0644\): chmod 640")
        # every program warns as it starts (they read it through settings_load)
        shops = subprocess.run([web.STACK.program("fidele-admin"), "shops"],
                               env=dict(web.STACK.env(),
                                        FIDELE_CONFIG=os.path.join(self.folder, "fidele.hdf")),
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(shops.returncode, 0)
        self.assertIn("is readable by every user of the server", shops.stderr)
        private = subprocess.run([web.STACK.program("fidele-admin"), "shops"],
                                 env=web.STACK.env(), capture_output=True, text=True, timeout=60)
        self.assertNotIn("readable by every user", private.stderr)

    @contextlib.contextmanager
    def pool_socket(self, program, mode):
        """A socket file where doctor looks for PROGRAM's pool, with MODE,
        bound but not listening (a pool that died leaves one so); its path
        and its socket."""
        path = os.path.join(self.folder, program + ".sock")
        listener = socket.socket(socket.AF_UNIX)
        try:
            listener.bind(path)
            os.chmod(path, mode)
            yield path, listener
        finally:
            listener.close()

    def test_a_pool_socket_open_to_everyone_is_reported(self):
        with self.pool_socket("login", 0o777) as (path, _):
            answer = self.doctor(sockets=self.folder)
            self.assertEqual(answer.returncode, 1)
            self.assertIn("PROBLEM  socket %s is open to every user of the server (mode 0777)"
                          % path, answer.stdout)
            os.chmod(path, 0o600)
            answer = self.doctor(sockets=self.folder)
            self.assertIn("PROBLEM  socket %s: the web server's group cannot use it" % path,
                          answer.stdout)
        answer = self.doctor(sockets=os.path.join(self.folder, "none"))
        self.assertIn("PROBLEM  no pool socket in", answer.stdout)

    def test_a_pool_socket_nobody_answers_is_reported(self):
        # a pool that died leaves its socket file: the mode is right, no one listens
        with self.pool_socket("groups", 0o660) as (path, listener):
            answer = self.doctor(sockets=self.folder)
            self.assertEqual(answer.returncode, 1)
            self.assertIn("PROBLEM  socket %s: no pool answers (Connection refused): it died;"
                          " systemctl restart fidele@groups" % path, answer.stdout)
            listener.listen(1)
            answer = self.doctor(sockets=self.folder)
            self.assertIn("OK       socket %s (mode 0660), a pool answers" % path, answer.stdout)

    def test_a_pool_missing_among_running_ones_is_reported(self):
        with self.pool_socket("login", 0o660) as (path, listener):
            listener.listen(1)
            answer = self.doctor(sockets=self.folder)
            self.assertEqual(answer.returncode, 1, answer.stdout)
            self.assertIn("OK       socket %s (mode 0660), a pool answers" % path, answer.stdout)
            for pool in ("signup", "customers", "groups", "import", "export"):
                self.assertIn("PROBLEM  socket %s/%s.sock is missing: the pool of %s is not"
                              " running and its pages answer 502: systemctl start fidele@%s"
                              % (self.folder, pool, pool, pool), answer.stdout)
            self.assertNotIn("login.sock is missing", answer.stdout)

    def php_doctor(self, pools="", mod_php=False, config_group=None):
        """doctor with PHP-FPM pool files POOLS (name: text), Apache's
        mod_php enabled or not, a socket of mode 0660 in the web
        server's group for each pool, and the configuration in CONFIG_GROUP (the
        programs' own group, else www-data as Apache's install has it)."""
        sockets = tempfile.mkdtemp(dir=self.folder)
        php = os.path.join(sockets, "php")
        apache = os.path.join(sockets, "apache")
        os.makedirs(php)
        os.makedirs(os.path.join(apache, "mods-enabled"))
        for name, text in (pools or {}).items():
            with open(os.path.join(php, name), "w") as f:
                f.write(text)
        if mod_php:
            open(os.path.join(apache, "mods-enabled", "php8.2.load"), "w").close()
            with open(os.path.join(apache, "envvars"), "w") as f:
                f.write("export APACHE_RUN_USER=www-data\nexport APACHE_RUN_GROUP=www-data\n")
        text = re.sub(r"(?m)^Doctor\.\w+ = .*\n", "", self.stack_config())
        text += "Doctor.PhpPools = %s/*.conf\nDoctor.ApacheDir = %s\n" % (php, apache)
        listeners = []
        try:
            for pool in ("login", "signup", "customers", "groups", "import", "export"):
                listener = socket.socket(socket.AF_UNIX)
                listeners.append(listener)
                listener.bind(os.path.join(sockets, pool + ".sock"))
                listener.listen(1)
                os.chmod(os.path.join(sockets, pool + ".sock"), 0o660)
                shutil.chown(os.path.join(sockets, pool + ".sock"), group="www-data")
            config = os.path.join(sockets, "fidele.hdf")
            with open(config, "w") as f:
                f.write(text)
            os.chmod(config, 0o640)
            if config_group:
                shutil.chown(config, group=config_group)
            return (self.doctor(config=config, sockets=sockets),
                    os.path.join(sockets, "login.sock"), config, sockets)
        finally:
            for listener in listeners:
                listener.close()

    def test_php_running_as_the_web_server_user_is_a_problem(self):
        """Debian's own PHP-FPM pool runs as www-data, the group of the
        pools' sockets: any PHP site of the server could talk to the
        programs directly, as any address and any shop"""
        www = "; Debian's\n[www]\nuser = www-data\ngroup = www-data\nlisten.owner = www-data\n"
        answer, socket, config, where = self.php_doctor({"www.conf": www})
        self.assertEqual(answer.returncode, 1, answer.stdout)
        self.assertIn("PROBLEM  PHP-FPM pool [www] (%s/php/www.conf) runs as www-data, who can"
                      " connect to Fidèle's sockets (%s): a PHP script on this server could send"
                      " the programs requests from any address (past the sign-in limits) and"
                      " for any shop; give the pool a user of its own" % (where, socket),
                      answer.stdout)
        # the configuration, private to the programs' group, is out of its reach
        self.assertNotIn("who can read the configuration", answer.stdout)
        # under Apache the programs run as www-data, who reads the file
        answer, socket, config, where = self.php_doctor({"www.conf": www},
                                                        config_group="www-data")
        self.assertIn("PROBLEM  PHP-FPM pool [www] (%s/php/www.conf) runs as www-data, who can"
                      " read the configuration %s (the database password and the secret)"
                      % (where, config), answer.stdout)

    def test_php_pools_of_their_own_users_are_fine(self):
        pools = {"sites.conf": "[shop-a]\nuser = nobody\ngroup = nogroup\n"
                               "listen.owner = www-data\n\n[nobody]\nuser = $pool\n",
                 # a pool whose user this server does not have never starts
                 "gone.conf": "[gone]\nuser = no-such-user-here\n"}
        answer = self.php_doctor(pools, config_group="www-data")[0]
        self.assertEqual(answer.returncode, 0, answer.stdout)
        self.assertIn("OK       PHP: 2 PHP-FPM pools, none can reach Fidèle's sockets or read"
                      " its configuration", answer.stdout)
        answer = self.php_doctor()[0]
        self.assertEqual(answer.returncode, 0, answer.stdout)
        self.assertIn("OK       no PHP-FPM pool or mod_php found", answer.stdout)

    def test_mod_php_runs_as_apache_user(self):
        answer, socket, config, where = self.php_doctor(mod_php=True, config_group="www-data")
        self.assertEqual(answer.returncode, 1, answer.stdout)
        for reach in ("connect to Fidèle's sockets (%s)" % socket,
                      "read the configuration %s" % config):
            self.assertIn("PROBLEM  Apache's mod_php (%s/apache/mods-enabled/php8.2.load) runs"
                          " as www-data, who can %s" % (where, reach), answer.stdout)
        self.assertIn("serve PHP through PHP-FPM pools with users of their own", answer.stdout)

    def test_a_missing_mailer_is_reported(self):
        alone = os.path.join(self.folder, "bin")
        os.makedirs(alone)
        shutil.copy(web.STACK.program("fidele-admin"), alone)
        answer = subprocess.run([os.path.join(alone, "fidele-admin"), "doctor", "--no-pools"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(answer.returncode, 1, answer.stdout)
        self.assertRegex(answer.stdout, r"PROBLEM  \S+/fidele-mailer, which the worker sends the "
                                        r"mail with, is missing: install Fidèle again")

    def test_a_weak_secret_and_an_unreachable_smtp_server_are_reported(self):
        text = re.sub(r"(?m)^Security\.Secret = .*$", "Security.Secret = " + "ab" * 20,
                      self.stack_config())
        text = text.replace("smtp://127.0.0.1:%d" % web.STACK.smtp_port, "smtp://127.0.0.1:9")
        answer = self.doctor(text=text)
        self.assertEqual(answer.returncode, 1)
        self.assertIn("PROBLEM  Security.Secret is weak", answer.stdout)
        self.assertIn("PROBLEM  SMTP server smtp://127.0.0.1:9 is not reachable", answer.stdout)
        self.assertIn("OK       database reachable", answer.stdout)


if __name__ == "__main__":
    unittest.main()
