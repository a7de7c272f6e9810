"""Fair jobs in fidele-worker (issue 13, point 6): a long job of one shop
hands the worker over between its batches once it has had its turn
(Jobs.SliceSeconds) and another shop's job waits, then goes on where its
last committed batch ended; a shop's imports run one after the other, in
the order they were queued, while other shops' imports are not held up.

The stack's own worker is paused meanwhile (WorkerCase): the jobs here are
run by workers the tests start, with small batches and a short turn."""

import os
import re
import subprocess
import tempfile

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
from test_bulkjob import hidden_fields
from test_import_job import forget_imports
from test_worker_smtp import WorkerCase
import web

LONG = 24       # shop alpha's customers the long job goes through


def rows(statement):
    return web.STACK.sql(statement)


def shop_id(slug):
    return rows("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]


class JobCase(WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        JobCase.counter += 1
        self.tag = "Equite%d" % JobCase.counter
        self.jobs = []

    def tearDown(self):
        rows("DELETE FROM customer_search WHERE customer_id IN"
             " (SELECT id FROM customer WHERE last_name = '%s');"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE last_name = '%s'"
             % (self.tag, self.tag))
        if self.jobs:
            rows("DELETE FROM job WHERE id IN (%s)" % ",".join(self.jobs))
        rows("DELETE FROM worker WHERE id LIKE 'test-fair-%'")
        super().tearDown()

    def run_worker(self, **jobs):
        """fidele-worker --once with these Jobs settings, its debug lines on;
        returns its log (stderr)."""
        jobs.setdefault("MailAfterSeconds", 3600)
        with open(web.STACK.config) as f:
            text = f.read()
        text += "Jobs {\n" + "".join("  %s = %s\n" % kv for kv in jobs.items()) + "}\n"
        handle, path = tempfile.mkstemp(suffix=".hdf", dir=self.folder)
        with os.fdopen(handle, "w") as f:
            f.write(text)
        os.chmod(path, 0o640)
        env = dict(web.STACK.env(), FIDELE_CONFIG=path, FIDELE_LOG_DEBUG="1")
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stderr

    def claims(self, log):
        """The jobs the worker took, in the order it took them."""
        return re.findall(r"job (\d+) \(\S+\) of shop \d+ claimed", log)


class LongJobTakesTurns(JobCase):
    def create(self, browser, email):
        answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                {"email": email, "last_name": self.tag})
        self.assertEqual(answer.status, 303)
        return answer.header("Location").rsplit("/", 1)[1]

    def queue_deactivate(self, browser):
        """Confirms "make inactive everything that matches the tag"; returns
        the job's id."""
        token = browser.get("/admin/customers").csrf()
        page = browser.post("/admin/customers/bulk", [("action", "deactivate"), ("scope", "all"),
                                                      ("q", self.tag), ("csrf", token)])
        self.assertEqual(page.status, 200, page.text())
        done = browser.post("/admin/customers/bulk", hidden_fields(page))
        self.assertEqual(done.status, 303, done.text())
        job_id = done.header("Location").rsplit("/", 1)[1]
        self.jobs.append(job_id)
        return job_id

    def deactivated_at(self, ids):
        return [r[0] for r in rows("SELECT created_at FROM event WHERE kind = 'customer.deactivated'"
                                   " AND customer_id IN (%s) ORDER BY created_at" % ",".join(ids))]

    def test_another_shops_job_finishes_while_a_long_job_waits_its_turn(self):
        alpha = web.Browser(ALPHA_HOST)
        self.assertEqual(alpha.sign_in(*ALPHA_OWNER).status, 303)
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        alpha_ids = [self.create(alpha, "%s-%d@alpha.test" % (self.tag.lower(), i))
                     for i in range(LONG)]
        beta_ids = [self.create(beta, "%s@beta.test" % self.tag.lower())]
        # alpha's long job is queued first, beta's short one after it
        long_job = self.queue_deactivate(alpha)
        short_job = self.queue_deactivate(beta)

        # batches of 2 with a pause after each: alpha's job needs a dozen
        # batches, several times its turn of 1 second
        log = self.run_worker(BulkBatch=2, BulkPauseMilliseconds=250, SliceSeconds=1)

        self.assertEqual(rows("SELECT state, progress, changed FROM job WHERE id IN (%s, %s)"
                              " ORDER BY id" % (long_job, short_job)),
                         [["done", str(LONG), str(LONG)], ["done", "1", "1"]])
        self.assertEqual(rows("SELECT DISTINCT status FROM customer WHERE id IN (%s)"
                              % ",".join(alpha_ids + beta_ids)), [["inactive"]])
        # alpha's job started, handed over, and went on after beta's
        claims = self.claims(log)
        self.assertEqual(claims[:2], [long_job, short_job])
        self.assertEqual(claims[-1], long_job)
        self.assertIn("job %s (customers.bulk) put back in the queue" % long_job, log)
        alpha_times = self.deactivated_at(alpha_ids)
        beta_time, = self.deactivated_at(beta_ids)
        self.assertLess(alpha_times[0], beta_time)
        self.assertLess(beta_time, alpha_times[-1])
        # each of alpha's customers changed once: the job resumed after its
        # last committed batch
        self.assertEqual(rows("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM event"
                              " WHERE kind = 'customer.deactivated' AND customer_id IN (%s)"
                              % ",".join(alpha_ids)), [[str(LONG), str(LONG)]])

    def test_the_page_of_a_job_whose_turn_ended_says_it_is_paused(self):
        alpha = web.Browser(ALPHA_HOST)
        self.assertEqual(alpha.sign_in(*ALPHA_OWNER).status, 303)
        for i in range(3):
            self.create(alpha, "%s-%d@alpha.test" % (self.tag.lower(), i))
        job_id = self.queue_deactivate(alpha)
        waiting = alpha.get("/admin/customers/jobs/%s" % job_id).text()
        self.assertIn("En attente de démarrage", waiting)
        # put back in the queue after a first batch, as the worker does
        rows("UPDATE job SET progress = 2, resume_after = 1, queued_at = NOW(6) WHERE id = %s"
             % job_id)
        paused = alpha.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("En pause : reprend après les tâches d'autres boutiques qui attendaient",
                      paused.text())
        self.assertIn("2 sur 3 clients", paused.text())
        self.assertNotIn("En attente de démarrage", paused.text())
        self.assertIn('<meta http-equiv="refresh"', paused.body)

    def test_a_long_job_alone_keeps_the_worker(self):
        alpha = web.Browser(ALPHA_HOST)
        self.assertEqual(alpha.sign_in(*ALPHA_OWNER).status, 303)
        for i in range(6):
            self.create(alpha, "%s-%d@alpha.test" % (self.tag.lower(), i))
        job_id = self.queue_deactivate(alpha)
        log = self.run_worker(BulkBatch=2, BulkPauseMilliseconds=600, SliceSeconds=1)
        self.assertEqual(self.claims(log), [job_id])
        self.assertNotIn("put back", log)
        self.assertEqual(rows("SELECT state, progress, attempts FROM job WHERE id = %s" % job_id),
                         [["done", "6", "1"]])


class ImportsOfAShopInTurn(JobCase):
    def import_job(self, slug, state="queued", worker=None, queued_ago=0):
        """A job of kind import, as import_job_queue makes it (its run is
        not what these tests look at: they read the claims)."""
        rows("INSERT INTO job (shop_id, kind, state, worker_id, heartbeat_at, payload, queued_at)"
             " VALUES (%s, 'import', '%s', %s, %s, 'import=0&action=preview',"
             "         NOW(6) - INTERVAL %d SECOND)"
             % (shop_id(slug), state, "'%s'" % worker if worker else "NULL",
                "NOW()" if worker else "NULL", queued_ago))
        job_id = rows("SELECT MAX(id) FROM job")[0][0]
        self.jobs.append(job_id)
        return job_id

    def live_worker(self):
        """Another worker, alive, which holds a job."""
        rows("INSERT INTO worker (id, host, pid) VALUES ('test-fair-live', 'elsewhere', 1)")
        return "test-fair-live"

    def state(self, job_id):
        return rows("SELECT state, attempts FROM job WHERE id = %s" % job_id)[0]

    def test_a_running_import_holds_its_shops_next_import_and_no_other_shops(self):
        running = self.import_job("alpha", "running", self.live_worker())
        waiting = self.import_job("alpha")
        other_shop = self.import_job("beta")
        log = self.run_worker()
        self.assertEqual(self.state(waiting), ["queued", "0"])
        self.assertEqual(self.claims(log), [other_shop])
        self.assertEqual(self.state(other_shop)[1], "1")
        self.assertEqual(self.state(running), ["running", "0"])
        # once the first is over, the next one starts
        rows("UPDATE job SET state = 'done', finished_at = NOW() WHERE id = %s" % running)
        log = self.run_worker()
        self.assertEqual(self.claims(log), [waiting])
        self.assertEqual(self.state(waiting)[1], "1")

    def test_a_shops_imports_start_in_the_order_they_were_made(self):
        first = self.import_job("alpha")
        # put back in the queue earlier than first (as a job whose turn
        # ended would be): it still waits for first
        second = self.import_job("alpha", queued_ago=3600)
        log = self.run_worker()
        self.assertEqual(self.claims(log), [first, second])

    def test_other_kinds_of_a_shop_are_not_held_by_its_import(self):
        self.import_job("alpha", "running", self.live_worker())
        rows("INSERT INTO job (shop_id, kind, payload) SELECT id, 'customers.bulk', 'nope'"
             " FROM shop WHERE slug = 'alpha'")
        other_kind = rows("SELECT MAX(id) FROM job")[0][0]
        self.jobs.append(other_kind)
        log = self.run_worker()
        self.assertEqual(self.claims(log), [other_kind])


class ImportsTakeTurns(JobCase):
    """The same rules with the real import job (import-run.c)."""

    def setUp(self):
        super().setUp()
        self.imports = []

    def tearDown(self):
        forget_imports("%s%%" % self.tag.lower(), self.imports)
        super().tearDown()

    def import_of(self, slug, count):
        """A spooled file of count new addresses and its import row, queued
        for its run as the pages queue it; returns (import id, job id)."""
        shop = shop_id(slug)
        admin = rows("SELECT MIN(id) FROM admin WHERE shop_id = %s" % shop)[0][0]
        folder = web.STACK.spool_folder(shop)
        handle, path = tempfile.mkstemp(dir=folder)
        lines = ["email,first_name"] + ["%s-%s%d-%d@example.test,Noé"
                                        % (self.tag.lower(), slug, len(self.imports), i)
                                        for i in range(count)]
        with os.fdopen(handle, "w") as f:
            f.write("\n".join(lines) + "\n")
        rows("INSERT INTO import (shop_id, admin_id, source, file_name, spool_path, row_count,"
             " column_count, headers, mapping) VALUES (%s, %s, 'file', 'clients.csv', '%s', %d,"
             " 2, '', 'email,first_name')" % (shop, admin, path, count))
        import_id = rows("SELECT MAX(id) FROM import WHERE shop_id = %s" % shop)[0][0]
        self.imports.append(import_id)
        result = subprocess.run([web.STACK.program("fidele-admin"), "import", "queue", "--shop",
                                 slug, "--id", import_id, "--action", "run"],
                                env=web.STACK.env(), capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return import_id, result.stdout.split()[1]

    def test_another_shops_import_passes_a_long_one_and_the_shops_next_import_waits(self):
        first, first_job = self.import_of("alpha", 600)
        second, second_job = self.import_of("alpha", 5)
        other, other_job = self.import_of("beta", 5)
        log = self.run_worker(ImportBatch=50, ImportPauseMilliseconds=250, SliceSeconds=1)
        self.assertEqual(rows("SELECT state, count_new FROM import WHERE id IN (%s, %s, %s)"
                              " ORDER BY id" % (first, second, other)),
                         [["done", "600"], ["done", "5"], ["done", "5"]])
        claims = self.claims(log)
        # alpha's long import starts, hands over to beta's (not to alpha's
        # next one, which waits for it), goes on, and alpha's next comes last
        self.assertEqual(claims[:2], [first_job, other_job])
        self.assertIn("job %s (import) put back in the queue" % first_job, log)
        self.assertEqual(claims[-1], second_job)
        self.assertEqual(claims.count(second_job), 1)
        self.assertEqual(set(claims[1:-1]) - {first_job}, {other_job})
        # each address of alpha's file written once
        self.assertEqual(rows("SELECT COUNT(*), COUNT(DISTINCT email) FROM customer"
                              " WHERE import_id = %s" % first), [["600", "600"]])
