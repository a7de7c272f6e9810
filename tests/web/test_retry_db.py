"""A request whose database connection dies inside its transaction, with
nothing of it written yet, runs again on a new connection and gets its
normal answer; a second loss, or a loss after something was written, gets
the error page and changes nothing more.

The connection is made to die where it waits: the test holds a row lock the
request needs, waits until the request's transaction is seen waiting for
it (information_schema.INNODB_TRX), kills that connection as a MariaDB
restart or a network cut would, and only then lets the lock go."""

import os
import subprocess
import threading
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web

RERUN_LINE = "running the request again"
# the statement of the customer writer (fcgi/lib/customer.c) that waits
LOCK_CUSTOMER = "SELECT email, first_name, last_name, phone_digits FROM customer"


def row(sql):
    rows = web.STACK.sql(sql)
    return rows[0] if rows else None


def log_text(program):
    with open(os.path.join(web.STACK.log_dir, program + ".log"), errors="replace") as f:
        return f.read()


class Session:
    """A MariaDB session of its own, as root, kept open: it holds locks in
    its transaction, and polls without starting a client per question (a
    client a poll slowed the request it waits for several times over)."""

    def __init__(self):
        self.process = subprocess.Popen(
            ["mariadb", "--no-defaults", "--socket=" + web.STACK.db_socket, "-u", "root",
             "-N", "-B", "--unbuffered", "fidele"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.asked = 0

    def query(self, statements):
        """Runs statements; returns the rows they printed."""
        self.send(statements)
        return self.result()

    def send(self, statements):
        """Sends statements without waiting for them (one that will wait
        for a lock); result() reads what they printed."""
        self.asked += 1
        self.process.stdin.write(statements + "\nSELECT '-- done %d --';\n" % self.asked)
        self.process.stdin.flush()

    def result(self):
        marker = "-- done %d --" % self.asked
        rows = []
        for line in self.process.stdout:
            if line.rstrip("\n") == marker:
                return rows
            rows.append(line.rstrip("\n").split("\t"))
        raise AssertionError("the MariaDB session ended")

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


class Locker(Session):
    """Locks a row FOR UPDATE in an open transaction until release()."""

    def lock(self, table, row_id):
        self.query("START TRANSACTION; SELECT id FROM %s WHERE id = %d FOR UPDATE;"
                   % (table, int(row_id)))

    def release(self):
        if self.process.poll() is None:
            self.query("COMMIT;")
            self.close()


class Watcher(Session):
    """Finds the request's connection where it waits, and kills it."""

    def waiting(self, statement, not_in=(), timeout=120.0):
        """The id of the connection whose transaction waits for a row lock
        in a statement that starts with statement (the request's: the
        worker may wait for the same row), once there is one not in not_in."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # INNODB_TRX is a picture up to 0.1 s old: it may still show
            # a connection an earlier test killed, which the live process
            # list no longer has (KILL would say "Unknown thread id")
            for thread_id, query in self.query(
                    "SELECT t.trx_mysql_thread_id, REPLACE(t.trx_query, '\\n', ' ')"
                    " FROM information_schema.INNODB_TRX t"
                    " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                    " WHERE t.trx_state = 'LOCK WAIT';"):
                if query.startswith(statement) and thread_id not in not_in:
                    return thread_id
            # polling a condition, not waiting for one to happen; InnoDB
            # fills INNODB_TRX again only when nobody read it for 0.1 s
            # (trx0i_s.cc), so faster polls would see an old picture forever
            time.sleep(0.25)
        raise AssertionError("no request came to wait for the lock")

    def kill(self, thread_id, timeout=60.0):
        """Kills a connection and waits until the server has let it go."""
        self.query("KILL CONNECTION %d;" % int(thread_id))
        deadline = time.monotonic() + timeout
        while self.query("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                         " WHERE ID = %d;" % int(thread_id)) != [["0"]]:
            if time.monotonic() > deadline:
                raise AssertionError("connection %s outlived its KILL" % thread_id)
            time.sleep(0.05)    # polling a condition, not waiting for one to happen


class InBackground:
    """Sends one request from a thread; answer() waits for its answer."""

    def __init__(self, send):
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(send,))
        self.thread.start()

    def _run(self, send):
        try:
            self.result = send()
        except Exception as error:      # handed to the test in answer()
            self.error = error

    def answer(self):
        self.thread.join(timeout=120)
        if self.error is not None:
            raise self.error
        return self.result


class EditWhileTheConnectionDies(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        EditWhileTheConnectionDies.counter = getattr(EditWhileTheConnectionDies, "counter", 0) + 1
        self.email = "retry%d@alpha.test" % self.counter
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": self.email, "first_name": "Rémi",
                                      "last_name": "Relance"})
        self.assertEqual(answer.status, 303)
        self.path = answer.header("Location")
        self.id = self.path.rsplit("/", 1)[1]
        # the worker, sending the invitation, reads the customer's row
        # with a lock of its own: it must be done before the test locks it
        deadline = time.monotonic() + 60
        while row("SELECT COUNT(*) FROM outbox WHERE customer_id = %s AND status <> 'sent'"
                  % self.id) != ["0"]:
            self.assertLess(time.monotonic(), deadline, "the invitation was not sent")
            time.sleep(0.05)    # polling a condition, not waiting for one to happen
        self.token = self.browser.get(self.path + "/edit").csrf()
        self.locker = Locker()
        self.addCleanup(self.locker.release)
        self.watcher = Watcher()
        self.addCleanup(self.watcher.close)

    def edit_in_background(self):
        form = {"email": self.email, "first_name": "Rémy", "last_name": "Relance",
                "csrf": self.token}
        return InBackground(lambda: self.browser.post(self.path + "/edit", form))

    def edits(self):
        return row("SELECT COUNT(*) FROM event WHERE customer_id = %s AND kind = 'customer.edited'"
                   % self.id)[0]

    def test_an_edit_whose_connection_dies_in_its_transaction_is_done_once(self):
        self.locker.lock("customer", self.id)
        request = self.edit_in_background()
        self.watcher.kill(self.watcher.waiting(LOCK_CUSTOMER))
        self.locker.release()
        answer = request.answer()
        # what the person sees: the customer's page, with the change and its notice
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), self.path)
        page = self.browser.get(self.path)
        self.assertIn("Fiche modifiée", page.text())
        self.assertIn("Rémy", page.text())
        self.assertEqual(row("SELECT first_name FROM customer WHERE id = %s" % self.id), ["Rémy"])
        self.assertEqual(self.edits(), "1")
        self.assertIn("POST %s/edit: the database connection was lost" % self.path,
                      log_text("customers"))

    def test_a_second_loss_gets_the_error_page_and_changes_nothing(self):
        self.locker.lock("customer", self.id)
        request = self.edit_in_background()
        first = self.watcher.waiting(LOCK_CUSTOMER)
        self.watcher.kill(first)
        # the run again waits for the same lock, on a new connection: it dies too
        self.watcher.kill(self.watcher.waiting(LOCK_CUSTOMER, not_in=(first,)))
        self.locker.release()
        answer = request.answer()
        self.assertEqual(answer.status, 500)
        self.assertIn("Erreur interne", answer.text())
        self.assertEqual(row("SELECT first_name FROM customer WHERE id = %s" % self.id), ["Rémi"])
        self.assertEqual(self.edits(), "0")
        # and the program serves the next request on a new connection
        self.assertEqual(self.browser.get(self.path).status, 200)


class SignInAfterAWrite(unittest.TestCase):
    """An admin's password sign-in from a new browser counts the
    installation's hashing budget (a rate-limit row, written at once)
    before its transaction: a request that wrote something is not run
    again, since that would count it twice. It gets the error page, and
    its transaction left nothing (no session, no "signed in" event)."""

    def test_a_request_that_wrote_before_its_transaction_is_not_run_again(self):
        email, password = "retry-admin@alpha.test", "retry-admin-password"
        web.STACK.admin("admin", "add", "--shop", "alpha", "--email", email, "--role", "staff",
                        input=password + "\n")
        admin_id = row("SELECT id FROM admin WHERE email = '%s'" % email)[0]
        browser = web.Browser(ALPHA_HOST)
        token = browser.get("/admin/login").csrf()
        locker, watcher = Locker(), Watcher()
        self.addCleanup(locker.release)
        self.addCleanup(watcher.close)
        locker.lock("admin", admin_id)
        log_before = len(log_text("login"))
        request = InBackground(lambda: browser.post(
            "/admin/login", {"email": email, "password": password, "csrf": token}))
        # the new session's row names the admin: its insert waits for the lock
        watcher.kill(watcher.waiting("INSERT INTO session"))
        locker.release()
        answer = request.answer()
        self.assertEqual(answer.status, 500)
        self.assertIn("Erreur interne", answer.text())
        self.assertEqual(row("SELECT COUNT(*) FROM session WHERE admin_id = %s" % admin_id), ["0"])
        self.assertEqual(row("SELECT COUNT(*) FROM event WHERE admin_id = %s"
                             " AND kind = 'admin.signed_in'" % admin_id), ["0"])
        self.assertNotIn(RERUN_LINE, log_text("login")[log_before:])
        # the person tries again and is in
        self.assertEqual(browser.sign_in(email, password).status, 303)


class WhenARequestMayRunAgain(unittest.TestCase):
    """The rule itself, in the database layer (tests/helpers/db-retry.c
    kills its own connection at each point): a request may run again only
    when its transaction died with its connection and nothing of it is
    durable."""

    @classmethod
    def setUpClass(cls):
        program = os.path.join(web.STACK.builddir, "tests", "helpers", "db-retry")
        if not os.path.exists(program):
            raise AssertionError("build the helper first: make tests/helpers/db-retry")
        result = subprocess.run([program], env=web.STACK.env(), capture_output=True,
                                text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError("db-retry failed: %s%s" % (result.stdout, result.stderr))
        cls.values = dict(line.split(": ", 1) for line in result.stdout.splitlines())

    def test_a_transaction_lost_before_anything_was_written_may_run_again(self):
        self.assertEqual(self.values["lost.insert"], "-1")     # DB_ERROR, no reconnect inside
        self.assertEqual(self.values["lost.repeatable"], "1")
        self.assertEqual(self.values["lost.rows"], "0")        # the server rolled it back

    def test_a_read_outside_a_transaction_does_not_stop_a_run_again(self):
        self.assertEqual(self.values["read.repeatable"], "1")

    def test_a_commit_before_the_loss_stops_a_run_again(self):
        self.assertEqual(self.values["committed.wrote"], "1")
        self.assertEqual(self.values["committed.repeatable"], "0")
        self.assertEqual(self.values["committed.rows"], "1")   # the first transaction's row

    def test_a_change_outside_a_transaction_stops_a_run_again(self):
        self.assertEqual(self.values["autocommit.wrote"], "1")
        self.assertEqual(self.values["autocommit.repeatable"], "0")
        self.assertEqual(self.values["autocommit.rows"], "1")

    def test_a_commit_whose_connection_died_is_never_run_again(self):
        # the client cannot tell a COMMIT that never arrived from one whose
        # answer was lost: it counts as written
        self.assertEqual(self.values["commit_lost.commit"], "-1")
        self.assertEqual(self.values["commit_lost.wrote"], "1")
        self.assertEqual(self.values["commit_lost.repeatable"], "0")

    def test_the_layer_reconnects_afterwards(self):
        self.assertEqual(self.values["after"], "1")


if __name__ == "__main__":
    unittest.main()
