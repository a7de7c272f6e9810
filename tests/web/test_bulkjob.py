"""A bulk action on "everything that matches" runs as a worker job
(customers.bulk): the confirmation queues it and sends the admin to its
page, which shows its progress and state and can stop it; the worker walks
the matching customers in batches through the customer writer, resumes
after a crash without changing anyone twice, re-checks that an erase is an
owner's, and mails the admin who started it at the end.

The stack's own worker is paused meanwhile (WorkerCase): each job here is
run by the workers a test starts, with a configuration of its own (small
batches, a pause between them to stop or kill a worker in the middle, the
mail sent whatever the job's length)."""

import html
import os
import re
import signal
import subprocess
import time
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
from test_pages import tidy_problems
from jobs_steps import JobsWorker
from test_worker_smtp import WorkerCase
import web


def rows(statement):
    return web.STACK.sql(statement)



def hidden_fields(page):
    form = re.search(r'<form method="post" action="/admin/customers/bulk" class="actions">(.*?)</form>',
                     page.body, re.S).group(1)
    return [(k, html.unescape(v)) for k, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]


class BulkJob(JobsWorker, WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        BulkJob.counter += 1
        self.tag = "Lotjob%d" % BulkJob.counter
        self.owner = web.Browser(ALPHA_HOST)
        self.assertEqual(self.owner.sign_in(*ALPHA_OWNER).status, 303)
        self.ids = [self.create(self.owner, "%s-%d@alpha.test" % (self.tag.lower(), i))
                    for i in range(5)]
        self.owner_id = rows("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
                             " WHERE s.slug = 'alpha' AND a.email = '%s'" % ALPHA_OWNER[0])[0][0]

    def tearDown(self):
        # out of the lists the other tests read (they count the shop's
        # customers): erased, as the other tests do it
        rows("DELETE FROM customer_search WHERE customer_id IN"
             " (SELECT id FROM customer WHERE last_name = '%s');"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE last_name = '%s'"
             % (self.tag, self.tag))
        super().tearDown()

    def create(self, browser, email):
        answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                {"email": email, "last_name": self.tag})
        self.assertEqual(answer.status, 303)
        return answer.header("Location").rsplit("/", 1)[1]

    def confirmation(self, action, browser=None, **filters):
        browser = browser or self.owner
        token = browser.get("/admin/customers").csrf()
        fields = [("action", action), ("scope", "all")] + list(filters.items())
        return browser.post("/admin/customers/bulk", fields + [("csrf", token)])

    def queue(self, action, browser=None, **filters):
        """Confirms "action on everything that matches the filters" as its
        buttons would; returns the job's id."""
        browser = browser or self.owner
        page = self.confirmation(action, browser, **filters)
        self.assertEqual(page.status, 200, page.text())
        done = browser.post("/admin/customers/bulk", hidden_fields(page))
        self.assertEqual(done.status, 303, done.text())
        location = done.header("Location")
        self.assertRegex(location, r"/admin/customers/jobs/\d+$")
        return location.rsplit("/", 1)[1]

    def status_of(self, ids):
        return [r[0] for r in rows("SELECT status FROM customer WHERE id IN (%s) ORDER BY id"
                                   % ",".join(ids))]

    def job(self, job_id):
        return rows("SELECT state, progress, changed, attempts FROM job WHERE id = %s" % job_id)[0]

    def events(self, kind):
        return rows("SELECT customer_id, COUNT(*), MIN(admin_id) FROM event WHERE kind = '%s'"
                    " AND customer_id IN (%s) GROUP BY customer_id ORDER BY customer_id"
                    % (kind, ",".join(self.ids)))

    def cancel(self, job_id, browser=None):
        browser = browser or self.owner
        token = browser.get("/admin/customers/jobs/%s" % job_id).csrf()
        return browser.post("/admin/customers/jobs/%s/cancel" % job_id, {"csrf": token})

    def test_everything_matching_is_queued_then_done_by_the_worker(self):
        # one of them blocked: "deactivate" leaves it as it is
        rows("UPDATE customer SET status = 'blocked', status_reason = 'x' WHERE id = %s" % self.ids[4])
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        beta_id = self.create(beta, "%s@beta.test" % self.tag.lower())
        page = self.confirmation("deactivate", q=self.tag)
        self.assertIn("Marquer inactifs 4 clients ?", page.text())
        self.assertIn("Le nombre peut varier légèrement", page.text())
        before = len(web.STACK.messages())
        job_id = self.queue("deactivate", q=self.tag)
        self.assertEqual(self.status_of(self.ids), ["invited"] * 4 + ["blocked"])
        queued = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertEqual(queued.status, 200)
        self.assertIn("En attente de démarrage", queued.text())
        self.assertIn("0 sur 5 clients", queued.text())
        self.assertIn('<meta http-equiv="refresh" content="2">', queued.body)
        self.assertIn('action="/admin/customers/jobs/%s/cancel"' % job_id, queued.body)
        self.assertEqual(tidy_problems(queued.body), [])
        listed = self.owner.get("/admin/customers")
        self.assertIn("Une action groupée est en cours.", listed.text())
        self.assertIn('href="/admin/customers/jobs/%s"' % job_id, listed.body)

        self.run_worker(BulkBatch=2)

        done = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Terminée", done.text())
        self.assertIn("Marqués inactifs : 4 clients", done.text())
        self.assertIn("1 client choisi n'est pas concerné", done.text())
        self.assertNotIn("http-equiv", done.body)
        self.assertNotIn("/cancel", done.body)
        self.assertEqual(tidy_problems(done.body), [])
        self.assertIn('href="/admin/customers?q=%s&amp;status=current&amp;"' % self.tag, done.body)
        self.assertNotIn("Une action groupée est en cours", self.owner.get("/admin/customers").text())
        # exactly the customers the search matched, each once, by the owner
        expected = rows("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                        " WHERE s.slug = 'alpha' AND c.last_name = '%s' AND c.status = 'inactive'"
                        " ORDER BY c.id" % self.tag)
        self.assertEqual([r[0] for r in expected], self.ids[:4])
        self.assertEqual(self.status_of(self.ids), ["inactive"] * 4 + ["blocked"])
        self.assertEqual(self.events("customer.deactivated"),
                         [[i, "1", self.owner_id] for i in self.ids[:4]])
        self.assertEqual(rows("SELECT status FROM customer WHERE id = %s" % beta_id), [["invited"]])
        self.assertEqual(self.job(job_id), ["done", "5", "4", "1"])
        # the mail to the admin who started it, with the way to the job
        mails = [m for m in web.STACK.messages()[before:] if m["To"] == ALPHA_OWNER[0]]
        self.assertEqual(len(mails), 1)
        self.assertIn("Votre action groupée est terminée", mails[0]["Subject"])
        text = mails[0].get_body(("plain",)).get_content()
        self.assertIn("Votre action groupée est terminée\u00a0: 4 clients marqués inactifs.", text)
        self.assertIn("1 client choisi n'était pas concerné et reste tel quel.", text)
        self.assertRegex(text, r"http://%s(:\d+)?/admin/customers/jobs/%s\n" % (ALPHA_HOST, job_id))
        self.assertIn("/admin/customers/jobs/%s" % job_id,
                      mails[0].get_body(("html",)).get_content())

    def test_a_block_reason_of_500_accented_characters_is_kept_whole(self):
        # 500 characters of two bytes each: the job's payload keeps them all
        reason = "é" * 499 + "!"
        job_id = self.queue("block", q=self.tag, reason=reason)
        self.run_worker()
        self.assertEqual(self.job(job_id)[0], "done")
        self.assertEqual(rows("SELECT DISTINCT status, status_reason FROM customer"
                              " WHERE id IN (%s)" % ",".join(self.ids)),
                         [["blocked", reason]])

    def test_the_end_mail_is_in_the_language_the_admin_chose(self):
        # the shop is French; the owner reads English (My account)
        rows("UPDATE admin SET language = 'en' WHERE id = %s" % self.owner_id)
        try:
            before = len(web.STACK.messages())
            self.queue("deactivate", q=self.tag)
            self.run_worker()
            mails = [m for m in web.STACK.messages()[before:] if m["To"] == ALPHA_OWNER[0]]
            self.assertEqual(len(mails), 1)
            self.assertIn("Your bulk action is done", mails[0]["Subject"])
            text = mails[0].get_body(("plain",)).get_content()
            self.assertIn("Your bulk action is done: 5 customers", text)
            self.assertNotIn("clients", text)
        finally:
            rows("UPDATE admin SET language = NULL WHERE id = %s" % self.owner_id)

    def test_a_short_job_sends_no_mail(self):
        before = len(web.STACK.messages())
        job_id = self.queue("deactivate", q=self.tag)
        self.run_worker(MailAfterSeconds=3600)
        self.assertEqual(self.job(job_id)[0], "done")
        self.assertEqual([m for m in web.STACK.messages()[before:] if m["To"] == ALPHA_OWNER[0]],
                         [])

    def test_erase_is_refused_to_staff_and_done_for_an_owner(self):
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        refused = self.confirmation("delete", staff, q=self.tag)
        self.assertEqual(refused.status, 403)
        token = staff.get("/admin/customers").csrf()
        refused = staff.post("/admin/customers/bulk", [("action", "delete"), ("scope", "all"),
                                                       ("q", self.tag), ("confirm", "1"),
                                                       ("csrf", token)])
        self.assertEqual(refused.status, 403)
        self.assertEqual(rows("SELECT COUNT(*) FROM job WHERE payload LIKE '%%%s%%'" % self.tag),
                         [["0"]])
        job_id = self.queue("delete", q=self.tag)
        self.run_worker(BulkBatch=2)
        self.assertEqual(self.job(job_id)[:3], ["done", "5", "5"])
        self.assertEqual(rows("SELECT COUNT(*) FROM customer WHERE id IN (%s) AND erased_at IS NOT NULL"
                              " AND email IS NULL" % ",".join(self.ids)), [["5"]])
        self.assertEqual(len(self.events("customer.erased")), 5)
        self.assertIn("Supprimés : 5 clients",
                      self.owner.get("/admin/customers/jobs/%s" % job_id).text())

    def test_erasing_more_than_ten_asks_for_their_number_typed(self):
        self.ids += [self.create(self.owner, "%s-more%d@alpha.test" % (self.tag.lower(), i))
                     for i in range(7)]
        page = self.confirmation("delete", q=self.tag)
        self.assertEqual(page.status, 200)
        self.assertIn("Pour confirmer, tapez le nombre de clients à supprimer (12)", page.text())
        self.assertIn('name="typed"', page.body)
        jobs = "SELECT COUNT(*) FROM job WHERE payload LIKE '%%%s%%'" % self.tag
        for typed in (None, "", "11", "douze", "120"):
            fields = hidden_fields(page) + ([("typed", typed)] if typed is not None else [])
            refused = self.owner.post("/admin/customers/bulk", fields)
            self.assertEqual(refused.status, 400, typed)
            self.assertIn("Le nombre tapé n'est pas celui des clients à supprimer", refused.text())
            self.assertEqual(rows(jobs), [["0"]], typed)
        done = self.owner.post("/admin/customers/bulk", hidden_fields(page) + [("typed", " 12 ")])
        self.assertEqual(done.status, 303, done.text())
        self.assertEqual(rows(jobs), [["1"]])
        self.run_worker()
        self.assertEqual(rows("SELECT COUNT(*) FROM customer WHERE id IN (%s) AND erased_at IS NOT NULL"
                              % ",".join(self.ids)), [["12"]])
        # ten or fewer: the button alone, as before (the other tests erase five)

    def test_an_erase_whose_admin_is_no_longer_an_owner_fails_and_changes_nothing(self):
        job_id = self.queue("delete", q=self.tag)
        # made staff meanwhile: the job is now that of a staff admin
        staff_id = rows("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
                        " WHERE s.slug = 'alpha' AND a.email = '%s'" % ALPHA_STAFF[0])[0][0]
        rows("UPDATE job SET admin_id = %s WHERE id = %s" % (staff_id, job_id))
        before = len(web.STACK.messages())
        self.run_worker()
        self.assertEqual(self.job(job_id)[:3], ["failed", "0", "0"])
        self.assertEqual(self.status_of(self.ids), ["invited"] * 5)
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Échouée", page.text())
        self.assertIn("seul un propriétaire de la boutique peut supprimer des clients", page.text())
        # the failure is mailed to whoever started it
        mails = [m for m in web.STACK.messages()[before:] if m["To"] == ALPHA_STAFF[0]]
        self.assertEqual(len(mails), 1)
        self.assertIn("Votre action groupée a échoué", mails[0]["Subject"])

    def test_an_erase_stops_when_its_admin_is_no_longer_an_owner(self):
        """Made staff while the erase runs: it stops before its next batch,
        says why, and the customers after the batches done are kept."""
        job_id = self.queue("delete", q=self.tag)
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=self.worker_env(BulkBatch=2, BulkPauseMilliseconds=10000),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        self.assertTrue(web.wait_until(lambda: self.job(job_id)[1] == "2", 60))
        self.addCleanup(rows, "UPDATE admin SET role = 'owner' WHERE id = %s" % self.owner_id)
        rows("UPDATE admin SET role = 'staff' WHERE id = %s" % self.owner_id)
        worker.wait(timeout=120)
        self.assertEqual(worker.returncode, 0, worker.stderr.read())
        self.assertEqual(self.job(job_id)[0], "failed")
        self.assertEqual(rows("SELECT last_error FROM job WHERE id = %s" % job_id), [["owner_lost"]])
        self.assertEqual(rows("SELECT COUNT(*) FROM customer WHERE id IN (%s)"
                              " AND erased_at IS NOT NULL" % ",".join(self.ids)), [["2"]])
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("n'est plus propriétaire de la boutique", page.text())

    def test_a_queued_job_cancelled_changes_nobody(self):
        job_id = self.queue("deactivate", q=self.tag)
        answer = self.cancel(job_id)
        self.assertEqual(answer.status, 303)
        page = self.owner.get(answer.header("Location"))
        self.assertIn("Action groupée arrêtée", page.text())
        self.assertIn("Arrêtée", page.text())
        self.run_worker()
        self.assertEqual(self.job(job_id)[:3], ["cancelled", "0", "0"])
        self.assertEqual(self.status_of(self.ids), ["invited"] * 5)
        # twice: said, nothing changes
        again = self.cancel(job_id)
        self.assertEqual(again.status, 409)
        self.assertIn("n'est plus en cours", again.text())
        self.assertEqual(self.job(job_id)[0], "cancelled")

    def test_a_finished_job_cannot_be_cancelled(self):
        job_id = self.queue("deactivate", q=self.tag)
        self.run_worker()
        token = self.owner.get("/admin/customers").csrf()
        answer = self.owner.post("/admin/customers/jobs/%s/cancel" % job_id, {"csrf": token})
        self.assertEqual(answer.status, 409)
        self.assertIn("n'est plus en cours", answer.text())
        self.assertEqual(self.job(job_id)[:3], ["done", "5", "5"])

    def start_paused_worker(self):
        """A worker with batches of 2 and a long pause after each: it stops
        after the first batch until a test stops or kills it."""
        process = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                   env=self.worker_env(BulkBatch=2, BulkPauseMilliseconds=120000),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        return process

    def test_a_running_job_cancelled_keeps_the_batches_done(self):
        job_id = self.queue("deactivate", q=self.tag)
        worker = self.start_paused_worker()
        self.assertTrue(web.wait_until(lambda: self.job(job_id)[1] == "2", 60))
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("En cours", page.text())
        self.assertIn("2 sur 5 clients", page.text())
        self.assertIn('<progress id="job-progress" max="5" value="2">', page.body)
        self.assertEqual(self.cancel(job_id).status, 303)
        worker.wait(timeout=60)
        self.assertEqual(worker.returncode, 0, worker.stderr.read())
        self.assertEqual(self.status_of(self.ids), ["inactive"] * 2 + ["invited"] * 3)
        self.assertEqual(self.job(job_id)[:3], ["cancelled", "2", "2"])
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Arrêtée avant la fin", page.text())
        self.assertIn("Marqués inactifs : 2 clients", page.text())
        # a cancelled job stays so
        self.run_worker()
        self.assertEqual(self.status_of(self.ids), ["inactive"] * 2 + ["invited"] * 3)

    def test_mail_goes_out_while_a_long_job_runs(self):
        """a sign-in link must not wait for the end of a bulk action"""
        job_id = self.queue("deactivate", q=self.tag)
        worker = self.start_paused_worker()
        self.assertTrue(web.wait_until(lambda: self.job(job_id)[1] == "2", 60))
        address = "%s-waiting@alpha.test" % self.tag.lower()
        self.queued.append(address)
        rows("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text)"
             " SELECT id, 'customer-login', '%s', 'Lien', 'corps' FROM shop WHERE slug = 'alpha'"
             % address)
        self.assertTrue(web.wait_until(lambda: any(m["To"] == address for m in web.STACK.messages()),
                                   60))
        self.assertEqual(self.job(job_id)[:2], ["running", "2"])
        self.assertEqual(self.cancel(job_id).status, 303)
        worker.wait(timeout=60)

    def test_a_killed_worker_is_resumed_without_changing_anyone_twice(self):
        job_id = self.queue("block", q=self.tag, reason="Fraude")
        worker = self.start_paused_worker()
        self.assertTrue(web.wait_until(lambda: self.job(job_id)[1] == "2", 60))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        self.assertEqual(self.job(job_id)[0], "running")
        # its heartbeat stops: taken for dead
        rows("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 1 MINUTE"
             " WHERE id = (SELECT worker_id FROM job WHERE id = %s)" % job_id)
        self.run_worker()
        self.assertEqual(self.job(job_id), ["done", "5", "5", "2"])
        self.assertEqual(self.status_of(self.ids), ["blocked"] * 5)
        self.assertEqual(self.events("customer.blocked"), [[i, "1", self.owner_id] for i in self.ids])
        self.assertEqual(rows("SELECT DISTINCT status_reason FROM customer WHERE id IN (%s)"
                              % ",".join(self.ids)), [["Fraude"]])

    def test_another_shops_job_is_not_found(self):
        job_id = self.queue("deactivate", q=self.tag)
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        self.assertEqual(beta.get("/admin/customers/jobs/%s" % job_id).status, 404)
        token = beta.get("/admin/customers").csrf()
        answer = beta.post("/admin/customers/jobs/%s/cancel" % job_id, {"csrf": token})
        self.assertEqual(answer.status, 404)
        self.assertEqual(self.job(job_id)[0], "queued")
        self.assertEqual(self.owner.get("/admin/customers/jobs/99999999").status, 404)
        self.assertEqual(self.owner.get("/admin/customers/jobs/12abc").status, 404)
        rows("DELETE FROM job WHERE id = %s" % job_id)

    def test_only_owners_and_who_started_it_may_stop_it(self):
        job_id = self.queue("deactivate", q=self.tag)
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        page = staff.get("/admin/customers/jobs/%s" % job_id)
        self.assertEqual(page.status, 200)
        self.assertNotIn("/cancel", page.body)
        answer = self.cancel(job_id, staff)
        self.assertEqual(answer.status, 403)
        self.assertIn("Seuls les propriétaires", answer.text())
        self.assertEqual(self.job(job_id)[0], "queued")
        # a job a staff admin started: they may stop it, and so may an owner
        staff_job = self.queue("deactivate", staff, q=self.tag)
        self.assertEqual(self.cancel(staff_job, staff).status, 303)
        self.assertEqual(self.cancel(job_id).status, 303)
        self.assertEqual(self.job(staff_job)[0], "cancelled")

    def test_the_shops_bulk_actions_are_listed_latest_first(self):
        rows("DELETE FROM job WHERE kind = 'customers.bulk'")
        empty = self.owner.get("/admin/customers/jobs")
        self.assertEqual(empty.status, 200)
        self.assertIn("Aucune action groupée pour l'instant", empty.text())
        self.assertIn('href="/admin/customers/jobs"', self.owner.get("/admin/customers").body)
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        done = self.queue("block", q=self.tag, reason="Impayés")
        self.run_worker()
        stopped = self.queue("unblock", staff, q=self.tag)
        self.assertEqual(self.cancel(stopped, staff).status, 303)
        waiting = self.queue("unblock", q=self.tag)
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        self.create(beta, "%s@beta.test" % self.tag.lower())
        beta_job = self.queue("deactivate", beta, q=self.tag)
        page = self.owner.get("/admin/customers/jobs")
        self.assertEqual(page.status, 200)
        self.assertEqual(tidy_problems(page.body), [])
        listed = self.jobs_rows(page)
        self.assertEqual([job for job, _ in listed], [waiting, stopped, done])
        self.assertEqual([cells[1:] for _, cells in listed],
                         [["Débloquer", "0 sur 5", "En attente de démarrage", ALPHA_OWNER[0]],
                          ["Débloquer", "0 sur 5", "Arrêtée", ALPHA_STAFF[0]],
                          ["Bloquer", "5 sur 5", "Terminée", ALPHA_OWNER[0]]])
        self.assertRegex(listed[0][1][0], r"^\d")      # when, the shop's way
        # begun, then waiting for its next turn after other shops' jobs: paused
        rows("UPDATE job SET progress = 2 WHERE id = %s" % waiting)
        self.assertEqual(self.jobs_rows(self.owner.get("/admin/customers/jobs"))[0][1][3],
                         "En pause")
        rows("UPDATE job SET progress = 0 WHERE id = %s" % waiting)
        # every admin of the shop sees them all, each to its page
        self.assertEqual([job for job, _ in self.jobs_rows(staff.get("/admin/customers/jobs"))],
                         [waiting, stopped, done])
        self.assertEqual(self.owner.get("/admin/customers/jobs/%s" % stopped).status, 200)
        self.assertIn('href="/admin/customers/jobs"',
                      self.owner.get("/admin/customers/jobs/%s" % done).body)
        # another shop's list has its own only, in its language
        english = beta.get("/admin/customers/jobs")
        self.assertEqual([(job, cells[1:]) for job, cells in self.jobs_rows(english)],
                         [(beta_job, ["Mark inactive", "0 of 1", "Waiting to start",
                                      BETA_OWNER[0]])])
        self.assertIn("Bulk actions", english.text())
        self.assertEqual(web.Browser(ALPHA_HOST).get("/admin/customers/jobs").status, 303)
        # past the 100 latest: said, the oldest left out
        self.assertNotIn("Les 100 plus récentes", page.text())
        rows("INSERT INTO job (shop_id, kind, state, finished_at) SELECT s.id, 'customers.bulk',"
             " 'done', NOW() FROM shop s JOIN seq_1_to_100 WHERE s.slug = 'alpha'")
        many = self.owner.get("/admin/customers/jobs")
        self.assertEqual(len(self.jobs_rows(many)), 100)
        self.assertNotIn(done, [job for job, _ in self.jobs_rows(many)])
        self.assertIn("Les 100 plus récentes sont affichées.", many.text())
        rows("DELETE FROM job WHERE kind = 'customers.bulk'")
        self.assertIn("No bulk action yet", beta.get("/admin/customers/jobs").text())

    def test_without_csrf_a_job_is_not_cancelled(self):
        job_id = self.queue("deactivate", q=self.tag)
        answer = self.owner.post("/admin/customers/jobs/%s/cancel" % job_id, {})
        self.assertEqual(answer.status, 403)
        self.assertEqual(self.job(job_id)[0], "queued")
        rows("DELETE FROM job WHERE id = %s" % job_id)

    def test_the_worker_reads_the_filters_as_the_list_does(self):
        # a payload whose filters the list would refuse fails the job
        job_id = self.queue("deactivate", q=self.tag)
        rows("UPDATE job SET payload = REPLACE(payload, 'query=', 'query=status%%3Dnope%%26')"
             " WHERE id = %s" % job_id)
        self.run_worker(MailAfterSeconds=3600)
        self.assertEqual(self.job(job_id)[:2], ["failed", "0"])
        self.assertEqual(self.status_of(self.ids), ["invited"] * 5)
        self.assertIn("les filtres de la liste ne sont plus valables",
                      self.owner.get("/admin/customers/jobs/%s" % job_id).text())
