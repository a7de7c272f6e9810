"""The worker's claim and retry rules (issue 11, point 7): mail claimed
fairly across shops with sign-in mail first, retry by time with a capped
delay, one stable Message-ID per outbox row, and the claims of a killed
worker released as soon as its heartbeat stops.

The stack's own worker is paused meanwhile (WorkerCase), so each mail here
is taken only by the workers a test runs."""

import os
import signal
import subprocess
import time

from fixtures import BETA_HOST
from test_worker_smtp import Stalling, WorkerCase
import web

BETA_CUSTOMER = "gwen@beta.test"
BULK = 300


def rows(statement):
    return web.STACK.sql(statement)



def run_worker_once(env):
    return subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                          capture_output=True, text=True, timeout=300)


class FairClaim(WorkerCase):
    def tearDown(self):
        rows("DELETE FROM outbox WHERE recipient LIKE 'bulk-%%@alpha.test'"
             " OR recipient = '%s'" % BETA_CUSTOMER)
        super().tearDown()

    def test_a_sign_in_link_overtakes_another_shops_mass_mailing(self):
        # shop alpha's mass mailing: 300 customer messages, all due
        rows("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
             " SELECT s.id, 'customer-message', CONCAT('bulk-', q.seq, '@alpha.test'),"
             "        'Nouveautés', 'corps'"
             "   FROM shop s JOIN seq_1_to_%d q WHERE s.slug = 'alpha'" % BULK)
        # then a customer of shop beta asks for a sign-in link
        rows("DELETE FROM rate_limit")
        browser = web.Browser(BETA_HOST)
        page = browser.submit("/account/login", "/account/login", {"email": BETA_CUSTOMER})
        self.assertEqual(page.status, 200)
        self.assertEqual(rows("SELECT kind FROM outbox WHERE recipient = '%s' AND status = 'queued'"
                              % BETA_CUSTOMER), [["customer-login"]])
        before = len(web.STACK.messages())
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        arrived = [m["To"] for m in web.STACK.messages()[before:]
                   if m["To"] == BETA_CUSTOMER or m["To"].startswith("bulk-")]
        self.assertEqual(len(arrived), BULK + 1)
        # the link went out in the first round (a round is 20 mails), not
        # after alpha's 300
        self.assertLess(arrived.index(BETA_CUSTOMER), 20)
        self.assertTrue(all(a.startswith("bulk-") for a in arrived[-BULK // 2:]))

    def test_shops_with_bulk_mail_take_turns(self):
        rows("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
             " SELECT s.id, 'customer-message', CONCAT('bulk-', q.seq, '@alpha.test'),"
             "        'Nouveautés', 'corps'"
             "   FROM shop s JOIN seq_1_to_100 q WHERE s.slug = 'alpha'")
        rows("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
             " SELECT id, 'customer-message', '%s', 'News', 'body' FROM shop WHERE slug = 'beta'"
             % BETA_CUSTOMER)
        before = len(web.STACK.messages())
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        arrived = [m["To"] for m in web.STACK.messages()[before:]]
        # beta's one bulk mail, queued after alpha's 100, is not left last
        self.assertIn(BETA_CUSTOMER, arrived)
        self.assertLess(arrived.index(BETA_CUSTOMER), 20)


class RetryByTime(WorkerCase):
    def failing_config(self):
        # nothing listens on port 9 (discard): every attempt fails
        return self.config("Mail {\n  Smtp = smtp://127.0.0.1:9\n  RetrySeconds = 600\n"
                           "  RetryMaxSeconds = 1800\n  GiveUpHours = 48\n}\n")

    def test_many_attempts_within_the_give_up_age_keep_the_mail_queued(self):
        address = "many-tries@alpha.test"
        self.queue(address)
        # 20 attempts, the first an hour ago: the count alone fails nothing
        rows("UPDATE outbox SET attempts = 20, first_attempt_at = NOW() - INTERVAL 1 HOUR"
             " WHERE recipient = '%s'" % address)
        self.run_once(self.failing_config(), address)
        status, attempts, wait = rows(
            "SELECT status, attempts, TIMESTAMPDIFF(SECOND, NOW(), next_attempt_at)"
            " FROM outbox WHERE recipient = '%s'" % address)[0]
        self.assertEqual((status, attempts), ("queued", "21"))
        # the delay is capped at RetryMaxSeconds
        self.assertGreater(int(wait), 1700)
        self.assertLessEqual(int(wait), 1800)

    def test_a_mail_sent_again_by_an_admin_gets_a_new_series_of_attempts(self):
        address = "requeued@alpha.test"
        self.queue(address)
        # failed two days ago, then "send again" (customers.c sets attempts to 0)
        rows("UPDATE outbox SET attempts = 0, first_attempt_at = NOW() - INTERVAL 50 HOUR"
             " WHERE recipient = '%s'" % address)
        self.run_once(self.failing_config(), address)
        self.assertEqual(self.row(address)[:2], ["queued", "1"])

    def test_past_the_give_up_age_the_mail_is_failed(self):
        address = "given-up@alpha.test"
        self.queue(address)
        rows("UPDATE outbox SET attempts = 3, first_attempt_at = NOW() - INTERVAL 49 HOUR"
             " WHERE recipient = '%s'" % address)
        self.run_once(self.failing_config(), address)
        status, attempts, error = self.row(address)
        self.assertEqual((status, attempts), ("failed", "4"))
        self.assertTrue(error)


class StableMessageId(WorkerCase):
    def setUp(self):
        super().setUp()
        self.before = len(web.STACK.messages())

    def delivered_ids(self, address):
        """Message-IDs of the mails to address delivered during this test."""
        return [m["Message-ID"] for m in web.STACK.messages()[self.before:] if m["To"] == address]

    def test_the_message_id_is_the_rows_and_the_same_when_sent_again(self):
        address = "stable-id-twice@alpha.test"
        self.queue(address)
        result = self.run_once(web.STACK.env(), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        (stored,), = rows("SELECT message_id FROM outbox WHERE recipient = '%s'" % address)
        self.assertEqual(self.delivered_ids(address), [stored])
        # as if the worker had been killed between the server's acceptance
        # and the "sent" mark; the stored id is dropped too: it is derived
        # from the row, not drawn at random
        rows("UPDATE outbox SET status = 'queued', message_id = NULL, sent_at = NULL"
             " WHERE recipient = '%s'" % address)
        result = self.run_once(web.STACK.env(), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.delivered_ids(address), [stored, stored])
        self.assertEqual(rows("SELECT message_id, attempts FROM outbox WHERE recipient = '%s'"
                              % address), [[stored, "2"]])

    def test_two_mails_have_different_message_ids(self):
        first, second = "stable-id-one@alpha.test", "stable-id-two@alpha.test"
        self.queue(first)
        self.queue(second)
        rows("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient IN ('%s', '%s')"
             % (first, second))
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotEqual(self.delivered_ids(first), self.delivered_ids(second))


class KilledWorker(WorkerCase):
    def setUp(self):
        super().setUp()
        self.processes = []
        self.stalling = Stalling()

    def tearDown(self):
        for process in self.processes:
            # one held up by the stalling server would not stop on SIGTERM
            # before its 60 s timeout
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        self.stalling.close()
        super().tearDown()

    def start(self, env):
        log = open(os.path.join(web.STACK.log_dir, "worker-killed-test.log"), "ab")
        process = subprocess.Popen([web.STACK.program("fidele-worker")], env=env,
                                   stdout=log, stderr=log)
        log.close()
        self.processes.append(process)
        return process

    def test_a_killed_workers_mails_go_out_long_before_its_lock_would_end(self):
        addresses = ["held-%d@alpha.test" % n for n in range(3)]
        for address in addresses:
            self.queue(address)
        quoted = ", ".join("'%s'" % a for a in addresses)
        stuck = self.start(self.config("Mail {\n  Smtp = smtp://127.0.0.1:%d\n"
                                       "  PollMilliseconds = 100\n}\n" % self.stalling.port))
        rows("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient IN (%s)" % quoted)
        claimed = lambda: rows("SELECT COUNT(*) FROM outbox WHERE recipient IN (%s)"
                               " AND status = 'sending' AND locked_by IS NOT NULL" % quoted) \
            == [[str(len(addresses))]]
        self.assertTrue(web.wait_until(claimed, 30))
        self.start(web.STACK.env())
        # a worker held up by a slow server keeps beating: the other worker
        # leaves its mails alone, longer than a silent worker is trusted (15 s)
        time.sleep(20)
        self.assertTrue(claimed())
        os.kill(stuck.pid, signal.SIGKILL)
        stuck.wait(timeout=30)
        sent = lambda: rows("SELECT COUNT(*) FROM outbox WHERE recipient IN (%s)"
                            " AND status = 'sent'" % quoted) == [[str(len(addresses))]]
        # the lock was 120 s; the dead worker's claims are free within
        # seconds of its last beat
        self.assertTrue(web.wait_until(sent, 40))
        for address in addresses:
            self.assertEqual(len([m for m in web.STACK.messages() if m["To"] == address]), 1)


class Housekeeping(WorkerCase):
    """fidele-worker --once (as from cron) tidies up before it sends."""

    OLD_FRESH = (
        # table, the row's distinctive column, old row, fresh row
        ("session", "id_hash",
         "INSERT INTO session (id_hash, shop_id, expires_at) SELECT UNHEX(SHA2('hk-%s', 256)),"
         " id, NOW() + INTERVAL %s FROM shop WHERE slug = 'alpha'",
         ("old", "-1 MINUTE"), ("fresh", "1 HOUR")),
        ("login_token", "token_hash",
         "INSERT INTO login_token (shop_id, purpose, token_hash, expires_at, used_at)"
         " SELECT id, 'customer_login', UNHEX(SHA2('hk-%s', 256)), NOW() + INTERVAL %s, NOW()"
         " FROM shop WHERE slug = 'alpha'",
         # a link expired an hour ago stays a day ("this link has expired")
         ("old", "-2 DAY"), ("fresh", "-1 HOUR")),
        ("rate_limit", "key_hash",
         "INSERT INTO rate_limit (bucket, key_hash, window_start, hits)"
         " VALUES ('hk', UNHEX(SHA2('hk-%s', 256)), NOW() + INTERVAL %s, 1)",
         ("old", "-3 DAY"), ("fresh", "-1 HOUR")),
        ("form_once", "once_key",
         "INSERT INTO form_once (shop_id, once_key, created_at) SELECT id,"
         " UNHEX(SHA2('hk-%s', 256)), NOW() + INTERVAL %s FROM shop WHERE slug = 'alpha'",
         ("old", "-25 HOUR"), ("fresh", "-1 HOUR")),
    )

    def tearDown(self):
        for table, column, _, old, fresh in self.OLD_FRESH:
            rows("DELETE FROM %s WHERE %s IN (UNHEX(SHA2('hk-old', 256)), UNHEX(SHA2('hk-fresh', 256)))"
                 % (table, column))
        rows("DELETE FROM outbox WHERE recipient LIKE 'hk-%@alpha.test'")
        super().tearDown()

    def test_old_rows_go_and_fresh_ones_stay(self):
        for table, column, insert, old, fresh in self.OLD_FRESH:
            rows(insert % old)
            rows(insert % fresh)
        # mails to one of the shop's customers (a mail to nobody the shop
        # knows loses its address too: test_signup_data_fixes.py)
        mail = ("INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text,"
                " body_html, status, sent_at, next_attempt_at) SELECT s.id,"
                " (SELECT MIN(c.id) FROM customer c WHERE c.shop_id = s.id), 'customer-message',"
                " '%s', 'Sujet', 'texte', '<p>html</p>', '%s', NOW() - INTERVAL %d DAY,"
                " NOW() + INTERVAL 1 HOUR FROM shop s WHERE s.slug = 'alpha'")
        rows(mail % ("hk-sent-31@alpha.test", "sent", 31))
        rows(mail % ("hk-sent-29@alpha.test", "sent", 29))
        rows(mail % ("hk-failed-40@alpha.test", "failed", 40))
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        for table, column, _, old, fresh in self.OLD_FRESH:
            left = rows("SELECT SHA2('hk-old', 256) = LOWER(HEX(%s)) FROM %s WHERE %s IN"
                        " (UNHEX(SHA2('hk-old', 256)), UNHEX(SHA2('hk-fresh', 256)))"
                        % (column, table, column))
            self.assertEqual(left, [["0"]], table)
        bodies = rows("SELECT recipient, status, body_text, COALESCE(body_html, 'NULL') FROM outbox"
                      " WHERE recipient LIKE 'hk-%@alpha.test' ORDER BY recipient")
        self.assertEqual(bodies, [
            # a failed mail keeps its bodies: an admin may send it again
            ["hk-failed-40@alpha.test", "failed", "texte", "<p>html</p>"],
            ["hk-sent-29@alpha.test", "sent", "texte", "<p>html</p>"],
            # the row stays (the customer's mail history), the bodies go
            ["hk-sent-31@alpha.test", "sent", "", "NULL"],
        ])


def admin(*args):
    return subprocess.run([web.STACK.program("fidele-admin")] + list(args), env=web.STACK.env(),
                          capture_output=True, text=True, timeout=60)


class Jobs(WorkerCase):
    """The job table: queued from fidele-admin, run by fidele-worker,
    taken again when its worker died, left alone once cancelled."""

    def tearDown(self):
        rows("DELETE FROM job")
        rows("DELETE FROM form_once WHERE once_key = UNHEX(SHA2('job-old', 256))")
        super().tearDown()

    def add(self, *extra):
        result = admin("job", "add", "--kind", "housekeeping", *extra)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^job \d+ queued\n$")
        return result.stdout.split()[1]

    def job(self, job_id):
        return rows("SELECT state, attempts FROM job WHERE id = %s" % job_id)[0]

    def old_form_key(self):
        rows("INSERT INTO form_once (shop_id, once_key, created_at) SELECT id,"
             " UNHEX(SHA2('job-old', 256)), NOW() - INTERVAL 2 DAY FROM shop WHERE slug = 'alpha'")

    def old_form_key_left(self):
        return rows("SELECT COUNT(*) FROM form_once WHERE once_key = UNHEX(SHA2('job-old', 256))")

    def test_a_job_queued_from_the_cli_runs_and_ends_done(self):
        job_id = self.add("--shop", "alpha")
        listed = admin("job", "list", "--state", "queued")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("%s\thousekeeping\talpha\tqueued\t" % job_id, listed.stdout)
        self.old_form_key()
        # (--once also tidies at start: the job's state, not the key, says
        # that the job ran)
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.job(job_id), ["done", "1"])
        self.assertEqual(self.old_form_key_left(), [["0"]])
        done = admin("job", "list", "--state", "done")
        self.assertIn("%s\thousekeeping\talpha\tdone\t" % job_id, done.stdout)

    def test_a_job_whose_worker_died_is_taken_again(self):
        job_id = self.add()
        # as a worker killed while running it leaves it: running, its worker
        # silent for a minute
        rows("INSERT INTO worker (id, pid, heartbeat_at) VALUES ('dead:1:x', 1,"
             " NOW() - INTERVAL 1 MINUTE)")
        rows("UPDATE job SET state = 'running', worker_id = 'dead:1:x', attempts = 1,"
             " heartbeat_at = NOW() - INTERVAL 1 MINUTE WHERE id = %s" % job_id)
        try:
            result = run_worker_once(web.STACK.env())
        finally:
            rows("DELETE FROM worker WHERE id = 'dead:1:x'")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.job(job_id), ["done", "2"])

    def test_a_job_of_a_live_worker_is_left_to_it(self):
        job_id = self.add()
        rows("INSERT INTO worker (id, pid) VALUES ('alive:1:x', 1)")
        rows("UPDATE job SET state = 'running', worker_id = 'alive:1:x', attempts = 1"
             " WHERE id = %s" % job_id)
        try:
            result = run_worker_once(web.STACK.env())
        finally:
            rows("DELETE FROM worker WHERE id = 'alive:1:x'")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.job(job_id), ["running", "1"])

    def test_a_cancelled_job_does_not_run(self):
        job_id = self.add()
        cancelled = admin("job", "cancel", "--id", job_id)
        self.assertEqual(cancelled.returncode, 0, cancelled.stderr)
        self.assertEqual(cancelled.stdout, "job %s cancelled\n" % job_id)
        result = run_worker_once(web.STACK.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.job(job_id), ["cancelled", "0"])
        again = admin("job", "cancel", "--id", job_id)
        self.assertEqual(again.returncode, 1)
        self.assertIn("no queued or running job %s" % job_id, again.stderr)

    def test_bad_arguments_are_refused_and_change_nothing(self):
        for args, message in (
                (("job", "add", "--kind", "import"), "--kind is housekeeping"),
                (("job", "add"), "--kind"),
                (("job", "add", "--kind", "housekeeping", "--shop", "nowhere"), "nowhere"),
                (("job", "cancel", "--id", "12abc"), "--id is a job number"),
                (("job", "list", "--state", "lost"), "--state is queued"),
                (("job", "add", "--kind", "housekeeping", "--colour", "red"), "unknown option")):
            result = admin(*args)
            self.assertNotEqual(result.returncode, 0, args)
            self.assertIn(message, result.stderr, args)
        self.assertEqual(rows("SELECT COUNT(*) FROM job"), [["0"]])
