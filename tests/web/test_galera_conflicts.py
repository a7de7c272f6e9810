"""A request whose transaction the server rolls back to break a deadlock
runs again and gets its normal answer, done once. On a Galera cluster the
same error (1213) says that another node committed a change to the same
rows first (a certification conflict): fcgi/lib/db.c treats both alike,
in one place, and the core runs the request again (README, "Several web
servers (Galera)").

The deadlock is made where the customer writer waits: the test's session
writes many rows (so that InnoDB picks the request, the lighter of the two,
to roll back), holds the search terms of the customer the request edits,
waits until the request has locked the customer and waits for those terms,
then asks for the customer's row itself."""

import os
import re
import subprocess
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
from test_retry_db import InBackground, Locker, Session, Watcher, log_text, row
from test_worker_smtp import WorkerCase
import web

# the statement of the customer writer (fcgi/lib/search.c, search_forget)
# that waits for the terms the test holds
FORGET_TERMS = "DELETE FROM customer_search"


class EditMeetsADeadlock(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        EditMeetsADeadlock.counter = getattr(EditMeetsADeadlock, "counter", 0) + 1
        self.email = "conflict%d@alpha.test" % self.counter
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": self.email, "first_name": "Gaëlle",
                                      "last_name": "Galera"})
        self.assertEqual(answer.status, 303)
        self.path = answer.header("Location")
        self.id = int(self.path.rsplit("/", 1)[1])
        self.shop = int(row("SELECT shop_id FROM customer WHERE id = %d" % self.id)[0])
        # the worker, sending the invitation, reads the customer's row with
        # a lock of its own: it must be done before the test takes locks
        deadline = time.monotonic() + 60
        while row("SELECT COUNT(*) FROM outbox WHERE customer_id = %d AND status <> 'sent'"
                  % self.id) != ["0"]:
            self.assertLess(time.monotonic(), deadline, "the invitation was not sent")
            time.sleep(0.05)    # polling a condition, not waiting for one to happen
        self.token = self.browser.get(self.path + "/edit").csrf()
        self.other = Session()
        self.addCleanup(self.other.close)
        self.watcher = Watcher()
        self.addCleanup(self.watcher.close)

    def edits(self):
        return row("SELECT COUNT(*) FROM event WHERE customer_id = %d AND kind = 'customer.edited'"
                   % self.id)[0]

    def test_an_edit_rolled_back_by_a_deadlock_runs_again_and_is_done_once(self):
        terms = [r[0] for r in web.STACK.sql(
            "SELECT HEX(term) FROM customer_search WHERE shop_id = %d AND customer_id = %d"
            % (self.shop, self.id))]
        self.assertTrue(terms)
        # the other transaction: heavy (300 rows written), holding the terms
        self.other.query(
            "START TRANSACTION;"
            " INSERT INTO event (shop_id, kind) SELECT %d, 'test.weight' FROM seq_1_to_300;"
            " SELECT COUNT(*) FROM customer_search WHERE shop_id = %d AND customer_id = %d"
            "   AND term IN (%s) FOR UPDATE;"
            % (self.shop, self.shop, self.id, ", ".join("UNHEX('%s')" % t for t in terms)))
        form = {"email": self.email, "first_name": "Gaëtane", "last_name": "Galera",
                "csrf": self.token}
        request = InBackground(lambda: self.browser.post(self.path + "/edit", form))
        self.watcher.waiting(FORGET_TERMS)
        # the cycle: the request holds the customer and waits for the terms;
        # InnoDB rolls the lighter transaction, the request's, back
        self.other.query("SELECT id FROM customer WHERE id = %d FOR UPDATE; ROLLBACK;" % self.id)
        answer = request.answer()
        # what the person sees: the customer's page, with the change and its notice
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), self.path)
        page = self.browser.get(self.path)
        self.assertIn("Fiche modifiée", page.text())
        self.assertIn("Gaëtane", page.text())
        self.assertEqual(row("SELECT first_name FROM customer WHERE id = %d" % self.id),
                         ["Gaëtane"])
        self.assertEqual(self.edits(), "1")
        # it was rolled back once, and run again
        log = log_text("customers")
        self.assertIn("met a deadlock or a cluster conflict", log)
        self.assertIn("POST %s/edit: the database connection was lost" % self.path, log)
        # and the new name is found by search, the old one no more
        found = self.browser.get("/admin/customers?q=" + web.urllib.parse.quote("Gaëtane"))
        self.assertIn(self.email, found.text())
        gone = self.browser.get("/admin/customers?q=" + web.urllib.parse.quote("Gaëlle"))
        self.assertNotIn(self.email, gone.text())


class SettingsMeetAnAutoIncrementDeadlock(unittest.TestCase):
    """A deadlock met while waiting for the event table's AUTO-INC lock
    reaches the program as error 1467 ("Failed to read auto-increment
    value from storage engine"), not 1213, with the transaction rolled back
    all the same. Seen in a full run: the worker's one-row INSERT ...
    SELECT into event (which holds the table's AUTO-INC lock to its end)
    waited for the shop row the settings' UPDATE held, while the settings
    waited for that lock to write their event: the owner got the error
    page.

    Made here with a session of the test's in the worker's place: heavy
    (300 rows written, so that InnoDB rolls the request back), inside an
    INSERT ... SELECT over three shops in id order that has written the
    first one's row and waits for the second, which a third session holds;
    the request locks its shop and waits for the AUTO-INC lock; the second
    shop is let go, and the INSERT comes to the request's shop."""

    def setUp(self):
        # a cluster (tests/galera/run) interleaves ids (lock mode 2): no
        # INSERT waits for a table's AUTO-INC lock there, and no such cycle
        if row("SELECT @@GLOBAL.innodb_autoinc_lock_mode") == ["2"]:
            self.skipTest("no AUTO-INC table lock with innodb_autoinc_lock_mode 2")
        self.slug = "autoinc-deadlock"
        web.STACK.admin("shop", "add", "--slug", self.slug, "--name", "Avant",
                        "--language", "fr")
        web.STACK.admin("shop", "host", "add", "--shop", self.slug, "--host",
                        self.slug + ".test")
        web.STACK.admin("admin", "add", "--shop", self.slug, "--email",
                        "owner@%s.test" % self.slug, "--role", "owner",
                        input="a-long-enough-password\n")
        self.browser = web.Browser(self.slug + ".test")
        self.assertEqual(self.browser.sign_in("owner@%s.test" % self.slug,
                                              "a-long-enough-password").status, 303)
        self.shop = int(row("SELECT id FROM shop WHERE slug = '%s'" % self.slug)[0])
        self.first, self.second = (int(r[0]) for r in web.STACK.sql(
            "SELECT id FROM shop WHERE id < %d ORDER BY id LIMIT 2" % self.shop))
        self.token = self.browser.get("/admin/settings").csrf()
        # the log's lines from here on: the test above met a deadlock too
        self.log_start = len(log_text("customers"))
        self.other = Session()
        self.addCleanup(self.other.close)
        self.holder = Locker()
        self.addCleanup(self.holder.release)
        self.watcher = Watcher()
        self.addCleanup(self.watcher.close)

    def test_the_settings_are_saved_once_after_the_deadlock(self):
        self.holder.lock("shop", self.second)
        self.other.send(
            "START TRANSACTION;"
            " INSERT INTO event (shop_id, kind) SELECT %d, 'test.weight' FROM seq_1_to_300;"
            " INSERT INTO event (shop_id, kind) SELECT id, 'test.autoinc' FROM shop"
            "  WHERE id IN (%d, %d, %d) ORDER BY id LOCK IN SHARE MODE;"
            % (self.first, self.first, self.second, self.shop))
        self.watcher.waiting("INSERT INTO event (shop_id, kind) SELECT id")
        form = {"name": "Après", "language": "fr", "sender_name": "", "sender_email": "",
                "time_zone": "Europe/Paris", "retention_months": "", "csrf": self.token}
        request = InBackground(lambda: self.browser.post("/admin/settings", form))
        # the request holds its shop and waits for the AUTO-INC lock
        self.watcher.waiting("INSERT INTO event (shop_id, customer_id, admin_id")
        self.holder.release()
        # the other session's INSERT comes to the request's shop: the cycle,
        # and InnoDB rolls the request back; then the session lets go
        self.other.result()
        self.other.query("ROLLBACK;")
        answer = request.answer()
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/settings")
        self.assertIn("Après", self.browser.get("/admin/settings").text())
        self.assertEqual(row("SELECT name FROM shop WHERE id = %d" % self.shop), ["Après"])
        self.assertEqual(row("SELECT COUNT(*) FROM event WHERE shop_id = %d"
                             " AND kind = 'shop.settings_changed'" % self.shop), ["1"])
        log = log_text("customers")[self.log_start:]
        self.assertIn("met a deadlock or a cluster conflict", log)
        self.assertIn("POST /admin/settings: the database connection was lost", log)


class MailSentHoldsNoTableLock(WorkerCase):
    """The worker writes "mail.sent" on the customer's timeline without
    holding the event table's AUTO-INC lock while it waits. Its one-row
    INSERT ... SELECT held it to its end, and waited for the customer's
    shop row (the foreign key's check) whenever a transaction of that shop
    held it: every shop's event writes (an edit, a sign-in, the settings)
    waited behind it, and one deadlocked (the class above). The stack's
    worker is paused; fidele-worker --once sends the test's mail."""

    def setUp(self):
        super().setUp()
        if row("SELECT @@GLOBAL.innodb_autoinc_lock_mode") == ["2"]:
            self.skipTest("no AUTO-INC table lock with innodb_autoinc_lock_mode 2")
        MailSentHoldsNoTableLock.counter = getattr(MailSentHoldsNoTableLock, "counter", 0) + 1
        self.slug = "held-shop-%d" % self.counter
        web.STACK.admin("shop", "add", "--slug", self.slug, "--name", "Tenue",
                        "--language", "fr")
        self.shop = int(row("SELECT id FROM shop WHERE slug = '%s'" % self.slug)[0])
        self.address = "held%d@%s.test" % (self.counter, self.slug)
        web.STACK.sql(
            "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
            " VALUES (%d, '%s', 'Tenu', 'Tenue', 'active', 'admin')" % (self.shop, self.address))
        self.customer = int(row("SELECT id FROM customer WHERE shop_id = %d" % self.shop)[0])
        self.queued.append(self.address)
        web.STACK.sql(
            "INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text,"
            " next_attempt_at) VALUES (%d, %d, 'test', '%s', 'Tenue de route', 'corps', NOW())"
            % (self.shop, self.customer, self.address))
        self.holder = Locker()
        self.addCleanup(self.holder.release)
        self.watcher = Watcher()
        self.addCleanup(self.watcher.close)

    def sent_events(self):
        return row("SELECT COUNT(*) FROM event WHERE shop_id = %d AND customer_id = %d"
                   " AND kind = 'mail.sent'" % (self.shop, self.customer))[0]

    def test_another_shops_event_is_written_while_the_worker_waits(self):
        web.STACK.admin("shop", "add", "--slug", self.slug + "-other", "--name", "Autre",
                        "--language", "fr")
        another = int(row("SELECT id FROM shop WHERE slug = '%s-other'" % self.slug)[0])
        # a long transaction of the held shop: the worker's event waits for it
        self.holder.lock("shop", self.shop)
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=web.STACK.env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        self.watcher.waiting("INSERT INTO event (shop_id, customer_id, kind, detail)")
        # meanwhile another shop writes an event, as each of its requests may
        other = Session()
        self.addCleanup(other.close)
        write = InBackground(lambda: other.query(
            "INSERT INTO event (shop_id, kind) VALUES (%d, 'test.meanwhile');" % another))
        # it takes a moment; waiting behind the worker, it would end only
        # with the worker's lock wait timeout (innodb_lock_wait_timeout,
        # 50 s): 20 s tell the two apart on the slowest run
        write.thread.join(timeout=20)
        alive = write.thread.is_alive()
        self.holder.release()
        self.assertFalse(alive, "another shop's event waited for the held shop's row")
        write.answer()
        self.assertEqual(row("SELECT COUNT(*) FROM event WHERE shop_id = %d"
                             " AND kind = 'test.meanwhile'" % another), ["1"])
        out, err = worker.communicate(timeout=120)
        self.assertEqual(worker.returncode, 0, err)
        self.assertEqual(row("SELECT status FROM outbox WHERE recipient = '%s'"
                             % self.address), ["sent"])
        self.assertEqual(self.sent_events(), "1")

    def test_no_event_for_a_customer_erased_while_the_mail_was_on_its_way(self):
        web.STACK.sql("UPDATE customer SET erased_at = NOW() WHERE id = %d" % self.customer)
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(row("SELECT status FROM outbox WHERE recipient = '%s'"
                             % self.address), ["sent"])
        self.assertEqual(self.sent_events(), "0")


class IdsStepByTheClusterSize(unittest.TestCase):
    """On a Galera cluster of three, each node hands out every third id
    (auto_increment_increment 3): the rows of one multi-row INSERT are
    first, first + 3, ... Made here on the plain stack with the same
    setting, which a new connection (a new fidele-admin) takes."""

    def setUp(self):
        # on a cluster (tests/galera/run) the setting is Galera's already:
        # leave it as it is
        step = web.STACK.sql("SELECT @@GLOBAL.auto_increment_increment")[0][0]
        if step == "1":
            web.STACK.sql("SET GLOBAL auto_increment_increment = 3")
            self.addCleanup(web.STACK.sql, "SET GLOBAL auto_increment_increment = 1")

    def test_demo_customers_get_their_search_terms_and_their_orders(self):
        web.STACK.admin("shop", "add", "--slug", "steps", "--name", "Pas de trois",
                        "--language", "fr")
        web.STACK.admin("seed-demo", "--shop", "steps", "--customers", "300")
        shop = web.STACK.sql("SELECT id FROM shop WHERE slug = 'steps'")[0][0]
        count, first, last = web.STACK.sql(
            "SELECT COUNT(*), MIN(id), MAX(id) FROM customer WHERE shop_id = %s" % shop)[0]
        self.assertEqual(count, "300")
        # the setting took: the ids are not consecutive
        self.assertGreaterEqual(int(last) - int(first), 3 * 299)
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(DISTINCT MOD(id, 3)) FROM customer WHERE shop_id = %s" % shop), [["1"]])
        # each customer is found by search, and the index names no one else
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM customer c WHERE c.shop_id = %s AND NOT EXISTS ("
            " SELECT 1 FROM customer_search s WHERE s.shop_id = c.shop_id"
            "    AND s.customer_id = c.id)" % shop), [["0"]])
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM customer_search s WHERE s.shop_id = %s AND NOT EXISTS ("
            " SELECT 1 FROM customer c WHERE c.id = s.customer_id AND c.shop_id = s.shop_id)"
            % shop), [["0"]])
        # each order belongs to a customer of the shop, whose totals count it
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM orders o WHERE o.shop_id = %s AND NOT EXISTS ("
            " SELECT 1 FROM customer c WHERE c.id = o.customer_id AND c.shop_id = o.shop_id)"
            % shop), [["0"]])
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM customer c WHERE c.shop_id = %s AND c.order_count <> ("
            " SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id"
            "    AND o.status <> 'cancelled')" % shop), [["0"]])


class SchemaFitsACluster(unittest.TestCase):
    """What Galera asks of the schema and the SQL, checked on the plain
    stack so that a new migration or statement that breaks it fails here."""

    def test_every_table_is_innodb_with_a_primary_key(self):
        # Galera replicates InnoDB only, and a table without a primary key
        # makes each replicated change of a row a scan of the whole table
        lacking = web.STACK.sql(
            "SELECT t.TABLE_NAME, t.ENGINE FROM information_schema.TABLES t"
            " WHERE t.TABLE_SCHEMA = 'fidele' AND t.TABLE_TYPE = 'BASE TABLE'"
            "   AND (t.ENGINE <> 'InnoDB' OR NOT EXISTS ("
            "        SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c"
            "         WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME"
            "           AND c.CONSTRAINT_TYPE = 'PRIMARY KEY'))")
        self.assertEqual(lacking, [])
        self.assertGreater(int(web.STACK.sql(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'fidele'")[0][0]),
            30)

    def test_no_table_locks_in_the_programs_or_the_migrations(self):
        # LOCK TABLES and FLUSH TABLES ... WITH READ LOCK do not work on a
        # cluster: a lock is taken on one node only
        found = []
        for folder, suffixes in (("fcgi", (".c", ".h")), ("fcgi/lib", (".c", ".h")),
                                 ("sql", (".sql",))):
            path = os.path.join(web.STACK.srcdir, folder)
            for name in sorted(os.listdir(path)):
                if name.endswith(suffixes):
                    with open(os.path.join(path, name), errors="replace") as f:
                        text = f.read().upper()
                    if "LOCK TABLES" in text or re.search(r"FLUSH TABLES\b.*READ LOCK", text):
                        found.append(name)
        self.assertEqual(found, [])


if __name__ == "__main__":
    unittest.main()
