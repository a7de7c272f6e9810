"""The customer list's two alerts, a shop's failed mails and its running bulk
action, as the server keeps them (sql/030): the door reads one row of each
instead of counting on every admin request. They must follow every change
made by any writer (here plain SQL, as a provider or a script would), at
once, for the shop it belongs to only: the list a person sees, and the
kept rows against a count of the mails and jobs after random changes,
sequential and concurrent."""

import random
import re
import threading
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web

WORKER = "alerts-test-worker"


def sql(statement):
    """Runs statement; a deadlock (two writers of one shop's kept row) is
    refused by the server and run again, as the programs do."""
    for attempt in range(10):
        try:
            return web.STACK.sql(statement)
        except RuntimeError as error:
            if "Deadlock" not in str(error) or attempt == 9:
                raise
    return None


def shop_id(slug):
    return int(sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0])


def shop(slug):
    """A shop of this file's own, closed so that the worker leaves its mail
    and its queued jobs alone."""
    if not sql("SELECT id FROM shop WHERE slug = '%s'" % slug):
        web.STACK.admin("shop", "add", "--slug", slug, "--name", slug, "--language", "fr")
        web.STACK.admin("shop", "disable", "--shop", slug)
    return shop_id(slug)


def add_mail(shop, status):
    """A mail of the shop the worker will not take (failed is never due;
    the others are due tomorrow)."""
    return int(sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text, status,"
                   " next_attempt_at) VALUES (%d, 'alerts-test', 'nobody@alerts.test', 'alert',"
                   " 'alert', '%s', NOW() + INTERVAL 1 DAY); SELECT LAST_INSERT_ID()"
                   % (shop, status))[0][0])


def add_job(shop, kind, state):
    """A job no worker takes: a running one belongs to a worker that beats
    until tomorrow."""
    sql("INSERT INTO worker (id, pid, heartbeat_at) VALUES ('%s', 1, NOW() + INTERVAL 1 DAY)"
        " ON DUPLICATE KEY UPDATE heartbeat_at = NOW() + INTERVAL 1 DAY" % WORKER)
    return int(sql("INSERT INTO job (shop_id, kind, state, worker_id, heartbeat_at)"
                   " VALUES (%d, '%s', '%s', '%s', NOW() + INTERVAL 1 DAY);"
                   " SELECT LAST_INSERT_ID()" % (shop, kind, state, WORKER))[0][0])


def counted(shop):
    """The kept rows and what they keep, counted: ((failed, counted), {kind:
    (kept job, newest job)})."""
    kept = sql("SELECT COALESCE((SELECT failed FROM mail_failed WHERE shop_id = %d), 0),"
               " (SELECT COUNT(*) FROM outbox WHERE shop_id = %d AND status = 'failed')"
               % (shop, shop))[0]
    jobs = {}
    for kind, job in sql("SELECT kind, MAX(job_id) FROM job_active WHERE shop_id = %d"
                         " GROUP BY kind" % shop):
        jobs[kind] = [job, None]
    for kind, job in sql("SELECT kind, MAX(id) FROM job WHERE shop_id = %d"
                         " AND state IN ('queued', 'running') GROUP BY kind" % shop):
        jobs.setdefault(kind, [None, None])[1] = job
    return (int(kept[0]), int(kept[1])), {k: tuple(v) for k, v in jobs.items()}


class ListAlerts(unittest.TestCase):
    """What an admin sees on the customer list."""

    def setUp(self):
        self.alpha, self.beta = shop_id("alpha"), shop_id("beta")
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        self.beta_browser = web.Browser(BETA_HOST)
        self.assertEqual(self.beta_browser.sign_in(*BETA_OWNER).status, 303)
        self.added_mails, self.added_jobs = [], []

    def tearDown(self):
        if self.added_mails:
            sql("DELETE FROM outbox WHERE id IN (%s)" % ",".join(map(str, self.added_mails)))
        if self.added_jobs:
            sql("DELETE FROM job WHERE id IN (%s)" % ",".join(map(str, self.added_jobs)))

    @staticmethod
    def failed_shown(browser):
        page = browser.get("/admin/customers")
        assert page.status == 200, page.status
        shown = re.search(r'<p class="alert" role="status">(\d+) ', page.body)
        return int(shown.group(1)) if shown else 0

    @staticmethod
    def job_shown(browser):
        page = browser.get("/admin/customers")
        assert page.status == 200, page.status
        shown = re.search(r'<p class="notice" role="status">[^<]*<a href="/admin/customers/jobs/(\d+)"',
                          page.body)
        return int(shown.group(1)) if shown else None

    def shows_the_count(self, when):
        """Each shop's list shows its own failed mails, counted now (the
        worker may fail another test's mail meanwhile: a count, not a
        difference, is what the list must show)."""
        for browser, shop in ((self.browser, self.alpha), (self.beta_browser, self.beta)):
            truth = int(sql("SELECT COUNT(*) FROM outbox WHERE shop_id = %d AND status = 'failed'"
                            % shop)[0][0])
            self.assertEqual(self.failed_shown(browser), truth, "%s, shop %d" % (when, shop))

    def test_the_failed_mails_shown_follow_every_change_of_their_shop(self):
        self.shows_the_count("before")
        mails = [add_mail(self.alpha, "failed") for _ in range(3)]
        self.added_mails += mails
        self.shows_the_count("three failed")
        sql("UPDATE outbox SET status = 'sent' WHERE id = %d" % mails[0])
        sql("UPDATE outbox SET status = 'queued' WHERE id = %d" % mails[1])
        self.shows_the_count("one sent, one sent again")
        sql("UPDATE outbox SET status = 'failed' WHERE id = %d" % mails[1])
        self.shows_the_count("failed again")
        beta_mails = [add_mail(self.beta, "failed") for _ in range(2)]
        self.added_mails += beta_mails
        self.shows_the_count("two of beta's")
        sql("DELETE FROM outbox WHERE id IN (%d, %d)" % (mails[1], mails[2]))
        self.shows_the_count("two deleted")

    @staticmethod
    def newest_bulk(shop):
        """The shop's newest queued or running bulk action, counted now."""
        newest = sql("SELECT MAX(id) FROM job WHERE shop_id = %d AND kind = 'customers.bulk'"
                     " AND state IN ('queued', 'running')" % shop)[0][0]
        return None if newest == "NULL" else int(newest)

    def test_the_running_bulk_action_shown_is_the_newest_of_its_shop_and_kind(self):
        before = self.newest_bulk(self.alpha)
        self.assertEqual(self.job_shown(self.browser), before)
        first = add_job(self.alpha, "customers.bulk", "running")
        self.added_jobs.append(first)
        self.assertEqual(self.job_shown(self.browser), first)
        second = add_job(self.alpha, "customers.bulk", "running")
        other_kind = add_job(self.alpha, "import", "running")
        beta_job = add_job(self.beta, "customers.bulk", "running")
        self.added_jobs += [second, other_kind, beta_job]
        self.assertEqual(self.job_shown(self.browser), second)
        self.assertEqual(self.job_shown(self.beta_browser), beta_job)
        sql("UPDATE job SET state = 'done' WHERE id = %d" % second)
        self.assertEqual(self.job_shown(self.browser), first, "the newest that still runs")
        sql("UPDATE job SET state = 'cancelled' WHERE id = %d" % first)
        self.assertEqual(self.job_shown(self.browser), before, "an import is not a bulk action")
        sql("UPDATE job SET state = 'running' WHERE id = %d" % first)
        self.assertEqual(self.job_shown(self.browser), first, "a job running again")
        sql("UPDATE job SET progress = progress + 1, heartbeat_at = NOW() + INTERVAL 1 DAY"
            " WHERE id = %d" % first)
        self.assertEqual(self.job_shown(self.browser), first, "a job's progress changes nothing")
        sql("DELETE FROM job WHERE id = %d" % first)
        self.assertEqual(self.job_shown(self.browser), before)
        self.assertEqual(self.job_shown(self.beta_browser), beta_job)


class KeptRows(unittest.TestCase):
    """The kept rows against a count after random changes: inserts, updates
    of one row and of many, deletes, in two shops and two job kinds."""

    STATUSES = ("queued", "sending", "sent", "failed")
    STATES = ("queued", "running", "done", "failed", "cancelled")
    KINDS = ("customers.bulk", "import")

    def setUp(self):
        self.shops = [shop("alerts-one"), shop("alerts-two")]

    def change(self, rng):
        """One random change, as SQL."""
        shop = rng.choice(self.shops)
        what = rng.randrange(8)
        if what == 0:
            add_mail(shop, rng.choice(self.STATUSES))
        elif what == 1:
            add_job(shop, rng.choice(self.KINDS), rng.choice(self.STATES))
        elif what == 2:
            return ("UPDATE outbox SET status = '%s' WHERE shop_id = %d ORDER BY RAND() LIMIT %d"
                    % (rng.choice(self.STATUSES), shop, rng.randint(1, 3)))
        elif what == 3:
            return ("UPDATE job SET state = '%s' WHERE shop_id = %d ORDER BY RAND() LIMIT %d"
                    % (rng.choice(self.STATES), shop, rng.randint(1, 3)))
        elif what == 4:
            return "DELETE FROM outbox WHERE shop_id = %d ORDER BY RAND() LIMIT 1" % shop
        elif what == 5:
            return "DELETE FROM job WHERE shop_id = %d ORDER BY RAND() LIMIT 1" % shop
        elif what == 6:
            # one statement over both shops
            return ("UPDATE outbox SET status = IF(status = 'failed', 'queued', 'failed')"
                    " WHERE shop_id IN (%d, %d) ORDER BY RAND() LIMIT 4" % tuple(self.shops))
        else:
            return ("UPDATE job SET state = IF(state = 'running', 'done', 'running')"
                    " WHERE shop_id IN (%d, %d) ORDER BY RAND() LIMIT 4" % tuple(self.shops))
        return None

    def run_changes(self, seed, count):
        rng = random.Random(seed)
        for _ in range(count):
            statement = self.change(rng)
            if statement:
                sql(statement)

    def check(self, when):
        for shop in self.shops:
            (kept, failed), jobs = counted(shop)
            self.assertEqual(kept, failed, "%s: shop %d's failed mails" % (when, shop))
            for kind, (kept_job, newest) in jobs.items():
                self.assertEqual(kept_job, newest, "%s: shop %d's newest %s" % (when, shop, kind))

    def test_random_changes_one_after_the_other(self):
        self.run_changes(1, 250)
        self.check("after 250 changes")

    def test_random_changes_from_three_writers_at_once(self):
        errors = []

        def writer(seed):
            try:
                self.run_changes(seed, 60)
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=writer, args=(seed,)) for seed in (2, 3, 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.check("after three writers")

    def test_the_kept_rows_go_with_their_shop(self):
        slug = "alerts-gone"
        gone = shop(slug)
        add_mail(gone, "failed")
        job = add_job(gone, "customers.bulk", "queued")
        self.assertEqual(counted(gone), ((1, 1), {"customers.bulk": (str(job), str(job))}))
        web.STACK.admin("shop", "delete", "--shop", slug, "--yes")
        self.assertEqual(sql("SELECT (SELECT COUNT(*) FROM mail_failed WHERE shop_id = %d),"
                             " (SELECT COUNT(*) FROM job_active WHERE shop_id = %d)" % (gone, gone)),
                         [["0", "0"]])


if __name__ == "__main__":
    unittest.main()
