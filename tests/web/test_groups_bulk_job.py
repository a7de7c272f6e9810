"""A group or a tag given to (or taken from) everything a search matches
runs as a worker job, as the list's other bulk actions on everything do
(customers.bulk): the confirmation queues it and sends the admin to the
job's page, the worker gives or takes the group or tag in batches, the
page and the mail at the end say what was done ("Groupe « VIP » ajouté à
4 clients"), a cancel keeps the batches done, another shop's group is
refused. A tag to add that does not exist yet is made at the confirmation,
where the 251st is refused. The ticked rows still change in the request
(test_groups.py, test_tags.py).

Also here: the 251st tag typed on a customer's page shows that customer's
groups and tags form again, with the message and the tag typed, instead of
an error page.

The stack's own worker is paused meanwhile (WorkerCase): each job is run
by a worker the test starts, with small batches and every end mailed."""

import os
import re
import subprocess
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
from test_pages import tidy_problems
from jobs_steps import JobsWorker
from test_worker_smtp import WorkerCase
import web


def rows(statement):
    return web.STACK.sql(statement)


def one(statement):
    found = rows(statement)
    return found[0][0] if found else None


def shop_id(slug):
    return one("SELECT id FROM shop WHERE slug = '%s'" % slug)


def emails_listed(page):
    """The e-mail addresses of the customer rows of a list page."""
    return sorted(page.listed_emails())


def plain(text):
    """Text with its no-break spaces (around « », in 12 345) as spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


class GroupsBulkJob(JobsWorker, WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        GroupsBulkJob.counter += 1
        self.tag = "Grjob%d" % GroupsBulkJob.counter
        self.owner = web.Browser(ALPHA_HOST)
        self.assertEqual(self.owner.sign_in(*ALPHA_OWNER).status, 303)
        self.owner_id = one("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
                            " WHERE s.slug = 'alpha' AND a.email = '%s'" % ALPHA_OWNER[0])

    def tearDown(self):
        like = "%s-%%" % self.tag.lower()
        rows("DELETE FROM customer_group WHERE name LIKE '%%%s%%';"
             "DELETE FROM tag WHERE name LIKE '%%%s%%';"
             "DELETE FROM customer_search WHERE customer_id IN"
             " (SELECT id FROM customer WHERE email LIKE '%s');"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE email LIKE '%s'"
             % (self.tag, self.tag, like, like))
        super().tearDown()

    # --- steps ---------------------------------------------------------------

    def customers(self, count, browser=None, host="alpha.test"):
        browser = browser or self.owner
        ids = []
        for i in range(count):
            answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "%s-%d@%s" % (self.tag.lower(), i, host),
                                     "last_name": self.tag})
            self.assertEqual(answer.status, 303, answer.text())
            ids.append(answer.header("Location").rsplit("/", 1)[1])
        return ids

    def group(self, name, browser=None, slug="alpha"):
        browser = browser or self.owner
        answer = browser.submit("/admin/groups", "/admin/groups",
                                {"name": name, "discount": "", "css_class": "", "description": ""})
        self.assertEqual(answer.status, 303, answer.text())
        return one("SELECT id FROM customer_group WHERE shop_id = %s AND name = '%s'"
                   % (shop_id(slug), name))

    def members(self, gid):
        return sorted(r[0] for r in rows(
            "SELECT customer_id FROM customer_group_member WHERE group_id = %s" % gid))

    def tagged(self, tid):
        return sorted(r[0] for r in rows(
            "SELECT customer_id FROM customer_tag WHERE tag_id = %s" % tid))

    def tag_id(self, slug, name):
        return one("SELECT id FROM tag WHERE shop_id = %s AND name = '%s'" % (shop_id(slug), name))

    def post(self, fields, browser=None, path="/admin/groups/bulk"):
        browser = browser or self.owner
        token = browser.get("/admin/customers").csrf()
        return browser.post(path, list(fields) + [("csrf", token)])

    def confirm(self, page, browser=None):
        """Sends the confirmation form as its button would."""
        browser = browser or self.owner
        form = re.search(r'<form method="post" action="/admin/groups/bulk" class="actions">(.*?)</form>',
                         page.body, re.S).group(1)
        fields = [(k, web.html.unescape(v)) for k, v in
                  re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]
        return browser.post("/admin/groups/bulk", fields)

    def queue(self, fields, browser=None):
        """Confirms the change on everything that matches; the job's id."""
        page = self.post([("scope", "all"), ("q", self.tag)] + fields, browser)
        self.assertEqual(page.status, 200, page.text())
        done = self.confirm(page, browser)
        self.assertEqual(done.status, 303, done.text())
        location = done.header("Location")
        self.assertRegex(location, r"^/admin/customers/jobs/\d+$")
        return location.rsplit("/", 1)[1]

    def job(self, job_id):
        return rows("SELECT state, progress, changed FROM job WHERE id = %s" % job_id)[0]

    def events(self, ids, kind):
        return rows("SELECT customer_id, COUNT(*), MIN(admin_id), MIN(detail) FROM event"
                    " WHERE kind = '%s' AND customer_id IN (%s)"
                    " GROUP BY customer_id ORDER BY customer_id" % (kind, ",".join(ids)))

    # --- tests ---------------------------------------------------------------

    def test_a_group_given_to_a_whole_search_is_given_by_the_worker(self):
        name = "VIP %s" % self.tag
        gid = self.group(name)
        ids = self.customers(5)
        rows("INSERT INTO customer_group_member (shop_id, group_id, customer_id)"
             " VALUES (%s, %s, %s)" % (shop_id("alpha"), gid, ids[0]))
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        beta_ids = self.customers(1, beta, "beta.test")
        page = self.post([("scope", "all"), ("q", self.tag), ("op", "group_add"), ("to_group", gid)])
        self.assertIn("Ajouter au groupe « %s » : 4 clients ?" % name, page.text())
        # the job takes those who match when it runs
        self.assertIn("Le nombre peut varier légèrement", page.text())
        before = len(web.STACK.messages())
        job_id = self.queue([("op", "group_add"), ("to_group", gid)])
        # queued, not done in the request
        self.assertEqual(self.members(gid), [ids[0]])
        queued = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertEqual(queued.status, 200)
        self.assertIn("Action groupée : Ajouter au groupe « %s »" % name, plain(queued.text()))
        self.assertIn("En attente de démarrage", queued.text())
        self.assertIn("0 sur 5 clients", queued.text())
        self.assertEqual(tidy_problems(queued.body), [])

        self.run_worker(BulkBatch=2)

        done = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Terminée", done.text())
        self.assertIn("Groupe « %s » ajouté à 4 clients" % name, plain(done.text()))
        self.assertIn("1 client choisi n'est pas concerné", done.text())
        self.assertEqual(tidy_problems(done.body), [])
        self.assertEqual(self.members(gid), sorted(ids))
        self.assertEqual(self.events(ids, "customer.group_added"),
                         [[i, "1", self.owner_id, name] for i in ids[1:]])
        self.assertEqual(self.job(job_id), ["done", "5", "4"])
        # the shop's list of bulk actions names the group; of the 4 announced
        listed = dict(self.jobs_rows(self.owner.get("/admin/customers/jobs")))
        self.assertEqual([plain(cell) for cell in listed[job_id][1:]],
                         ["Ajouter au groupe « %s »" % name, "4 sur 4", "Terminée",
                          ALPHA_OWNER[0]])
        # the list's group filter finds them all, and nobody of beta's
        listed = self.owner.get("/admin/customers?group=%s" % gid)
        self.assertEqual(emails_listed(listed),
                         sorted("%s-%d@alpha.test" % (self.tag.lower(), i) for i in range(5)))
        self.assertEqual(rows("SELECT COUNT(*) FROM customer_group_member WHERE customer_id = %s"
                              % beta_ids[0]), [["0"]])
        # the mail at the end says it too
        mails = [m for m in web.STACK.messages()[before:] if m["To"] == ALPHA_OWNER[0]]
        self.assertEqual(len(mails), 1)
        text = plain(mails[0].get_body(("plain",)).get_content())
        self.assertIn("Votre action groupée est terminée : Groupe « %s » ajouté à 4 clients." % name,
                      text)
        self.assertIn("Groupe « %s » ajouté à" % name,
                      plain(mails[0].get_body(("html",)).get_content()))

    def test_a_tag_taken_from_a_whole_search_in_english(self):
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        ids = self.customers(3, beta, "beta.test")
        name = "Organic %s" % self.tag
        for cid in ids[:2]:
            token = beta.get("/admin/customers/%s" % cid).csrf()
            self.assertEqual(beta.post("/admin/tags/customer/%s" % cid,
                                       [("tag", name), ("csrf", token)]).status, 303)
        tid = self.tag_id("beta", name)
        self.assertEqual(self.tagged(tid), sorted(ids[:2]))
        job_id = self.queue([("op", "tag_remove"), ("to_tag", name)], beta)
        self.assertEqual(self.tagged(tid), sorted(ids[:2]))
        queued = beta.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Bulk action: Remove the tag “%s”" % name, queued.text())
        self.assertIn("Waiting to start", queued.text())

        before = len(web.STACK.messages())
        self.run_worker(BulkBatch=2)

        done = beta.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Done", done.text())
        self.assertIn("Tag “%s” removed from 2 customers" % name, done.text())
        self.assertIn("1 chosen customer", done.text())
        self.assertEqual(self.tagged(tid), [])
        listed = dict(self.jobs_rows(beta.get("/admin/customers/jobs")))
        self.assertEqual(listed[job_id][1:],
                         ["Remove the tag “%s”" % name, "2 of 2", "Done", BETA_OWNER[0]])
        self.assertEqual([r[:2] for r in self.events(ids, "customer.tag_removed")],
                         [[i, "1"] for i in ids[:2]])
        # the tag stays, with nobody: the list's tag filter finds none of them
        self.assertEqual(self.tag_id("beta", name), tid)
        self.assertEqual(emails_listed(beta.get("/admin/customers?tag=%s" % tid)), [])
        mails = [m for m in web.STACK.messages()[before:] if m["To"] == BETA_OWNER[0]]
        self.assertEqual(len(mails), 1)
        self.assertIn("Your bulk action is done: Tag “%s” removed from 2 customers." % name,
                      mails[0].get_body(("plain",)).get_content())

    def test_a_new_tag_is_made_at_the_confirmation_then_given_by_the_worker(self):
        ids = self.customers(3)
        name = "Marché %s" % self.tag
        page = self.post([("scope", "all"), ("q", self.tag), ("op", "tag_add"), ("to_tag", name)])
        self.assertIn("Ajouter l'étiquette « %s » : 3 clients ?" % name, page.text())
        self.assertIsNone(self.tag_id("alpha", name))
        job_id = self.queue([("op", "tag_add"), ("to_tag", name)])
        # made with the job, given by the worker
        tid = self.tag_id("alpha", name)
        self.assertIsNotNone(tid)
        self.assertEqual(self.tagged(tid), [])
        self.run_worker()
        self.assertEqual(self.tagged(tid), sorted(ids))
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Étiquette « %s » ajoutée à 3 clients" % name, plain(page.text()))
        self.assertEqual(sorted(emails_listed(self.owner.get("/admin/customers?tag=%s" % tid))),
                         sorted("%s-%d@alpha.test" % (self.tag.lower(), i) for i in range(3)))

    def test_the_251st_tag_is_refused_at_the_confirmation_and_nothing_is_queued(self):
        self.customers(2)
        have = int(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")))
        rows("INSERT INTO tag (shop_id, name) SELECT %s, CONCAT('Lot %s ', seq)"
             " FROM seq_1_to_%d" % (shop_id("alpha"), self.tag, 250 - have))
        jobs = one("SELECT COUNT(*) FROM job")
        name = "De trop %s" % self.tag
        page = self.post([("scope", "all"), ("q", self.tag), ("op", "tag_add"), ("to_tag", name)])
        self.assertEqual(page.status, 200)
        answer = self.confirm(page)
        self.assertEqual(answer.status, 400)
        self.assertIn("La boutique a déjà 250 étiquettes, le maximum", answer.text())
        self.assertIsNone(self.tag_id("alpha", name))
        self.assertEqual(one("SELECT COUNT(*) FROM job"), jobs)
        self.assertEqual(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")), "250")

    def test_a_cancelled_job_keeps_the_batches_done(self):
        name = "Lot %s" % self.tag
        gid = self.group(name)
        ids = self.customers(5)
        job_id = self.queue([("op", "group_add"), ("to_group", gid)])
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=self.worker_env(BulkBatch=2, BulkPauseMilliseconds=120000),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        self.assertTrue(web.wait_until(lambda: self.job(job_id)[1] == "2", 60))
        running = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("2 sur 5 clients", running.text())
        token = running.csrf()
        self.assertEqual(self.owner.post("/admin/customers/jobs/%s/cancel" % job_id,
                                         {"csrf": token}).status, 303)
        worker.wait(timeout=60)
        self.assertEqual(worker.returncode, 0, worker.stderr.read())
        # the first batch (the two first ids) stays done, the rest untouched
        self.assertEqual(self.members(gid), sorted(ids[:2]))
        self.assertEqual(self.job(job_id), ["cancelled", "2", "2"])
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("Arrêtée avant la fin", page.text())
        self.assertIn("Groupe « %s » ajouté à 2 clients" % name, plain(page.text()))
        self.run_worker()
        self.assertEqual(self.members(gid), sorted(ids[:2]))

    def test_another_shops_group_is_refused_and_nothing_is_queued(self):
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        beta_gid = self.group("Beta %s" % self.tag, beta, "beta")
        ids = self.customers(2)
        jobs = one("SELECT COUNT(*) FROM job")
        for scope in ([("scope", "all"), ("q", self.tag)],
                      [("scope", "ticked")] + [("id", i) for i in ids]):
            with self.subTest(scope=scope[0][1]):
                for confirm in ([], [("confirm", "1")]):
                    answer = self.post(scope + [("op", "group_add"), ("to_group", beta_gid)]
                                       + confirm)
                    self.assertEqual(answer.status, 404)
                    self.assertNotIn("Beta %s" % self.tag, answer.text())
        self.assertEqual(one("SELECT COUNT(*) FROM job"), jobs)
        self.assertEqual(self.members(beta_gid), [])

    def test_a_group_deleted_before_the_job_runs_fails_it_and_changes_nobody(self):
        name = "Partie %s" % self.tag
        gid = self.group(name)
        ids = self.customers(2)
        job_id = self.queue([("op", "group_add"), ("to_group", gid)])
        rows("DELETE FROM customer_group WHERE id = %s" % gid)
        self.run_worker()
        self.assertEqual(self.job(job_id)[0], "failed")
        self.assertEqual(self.events(ids, "customer.group_added"), [])
        page = self.owner.get("/admin/customers/jobs/%s" % job_id)
        self.assertIn("le groupe ou l'étiquette a été supprimé", page.text())

    def test_the_lists_status_form_does_not_take_a_group_action(self):
        ids = self.customers(1)
        for scope in ("all", "ticked"):
            answer = self.post([("action", "group_add"), ("scope", scope), ("q", self.tag),
                                ("id", ids[0]), ("confirm", "1")], path="/admin/customers/bulk")
            self.assertEqual(answer.status, 400)
            self.assertIn("Choisissez une action", answer.text())


class CustomerPageTagLimit(unittest.TestCase):
    """The 251st tag typed on a customer's page."""

    def setUp(self):
        self.tag = "Grlim%d" % os.getpid()
        self.owner = web.Browser(ALPHA_HOST)
        self.assertEqual(self.owner.sign_in(*ALPHA_OWNER).status, 303)

    def tearDown(self):
        rows("DELETE FROM tag WHERE name LIKE '%%%s%%';"
             "DELETE FROM customer_search WHERE customer_id IN"
             " (SELECT id FROM customer WHERE email LIKE '%s-%%');"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE email LIKE '%s-%%'"
             % (self.tag, self.tag.lower(), self.tag.lower()))

    def test_the_251st_tag_shows_the_customers_form_again_with_the_message(self):
        answer = self.owner.submit("/admin/customers/new", "/admin/customers/new",
                                   {"email": "%s-1@alpha.test" % self.tag.lower(),
                                    "first_name": "Lucie", "last_name": self.tag})
        cid = answer.header("Location").rsplit("/", 1)[1]
        have = int(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")))
        rows("INSERT INTO tag (shop_id, name) SELECT %s, CONCAT('Lot %s ', seq)"
             " FROM seq_1_to_%d" % (shop_id("alpha"), self.tag, 250 - have))
        token = self.owner.get("/admin/customers/%s" % cid).csrf()
        typed = "De trop <b>%s</b>" % self.tag
        answer = self.owner.post("/admin/tags/customer/%s" % cid, [("tag", typed), ("csrf", token)])
        self.assertEqual(answer.status, 400)
        # the customer's form, the tag typed kept (escaped), the message by it
        self.assertIn('action="/admin/tags/customer/%s"' % cid, answer.body)
        self.assertIn('value="De trop &lt;b&gt;%s&lt;/b&gt;"' % self.tag, answer.body)
        self.assertIn('aria-describedby="new-tag-error"', answer.body)
        self.assertRegex(answer.body, r'id="new-tag-error" role="alert">La boutique a déjà 250'
                                      r' étiquettes, le maximum')
        self.assertIn('<span class="family-name">%s</span>, Lucie' % self.tag, answer.body)
        self.assertIn('href="/admin/customers/%s"' % cid, answer.body)
        self.assertEqual(tidy_problems(answer.body), [])
        self.assertIsNone(one("SELECT id FROM tag WHERE name = 'De trop <b>%s</b>'" % self.tag))
        # sent again from there with a tag the shop has, it is given
        token = answer.csrf()
        again = self.owner.post("/admin/tags/customer/%s" % cid,
                                [("tag", "Lot %s 3" % self.tag), ("csrf", token)])
        self.assertEqual(again.status, 303)
        self.assertEqual(again.header("Location"), "/admin/customers/%s" % cid)
