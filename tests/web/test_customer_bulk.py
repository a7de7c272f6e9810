"""Bulk actions on the customer list: ticked rows or everything that
matches the filters, always through a confirmation that says how many.
The ticked rows change at once; everything that matches is a worker job
(its own tests: test_bulkjob.py)."""

import re
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import web


def status_of(ids):
    return [r[0] for r in web.STACK.sql("SELECT status FROM customer WHERE id IN (%s) ORDER BY id"
                                        % ",".join(ids))]


class Bulk(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        Bulk.counter = getattr(Bulk, "counter", 0) + 1
        self.tag = "bulk%d" % Bulk.counter
        self.ids = []
        for i in range(3):
            answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                         {"email": "%s-%d@alpha.test" % (self.tag, i),
                                          "last_name": "Groupe%s" % self.tag})
            self.ids.append(answer.header("Location").rsplit("/", 1)[1])

    def post(self, fields, browser=None):
        browser = browser or self.browser
        token = browser.get("/admin/customers").csrf()
        body = "&".join("%s=%s" % (k, v) for k, v in fields)
        return browser.request("POST", "/admin/customers/bulk", body=body + "&csrf=" + token,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

    def confirm(self, page):
        """Sends the confirmation form as its button would."""
        form = re.search(r'<form method="post" action="/admin/customers/bulk" class="actions">(.*?)</form>',
                         page.body, re.S).group(1)
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
        body = "&".join("%s=%s" % (k, web.urllib.parse.quote(web.html.unescape(v))) for k, v in fields)
        return self.browser.request("POST", "/admin/customers/bulk", body=body,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_ticked_rows_after_a_confirmation_that_says_how_many(self):
        fields = [("action", "deactivate"), ("scope", "ticked")] + [("id", i) for i in self.ids[:2]]
        page = self.post(fields)
        self.assertEqual(page.status, 200)
        self.assertIn("Marquer inactifs 2 clients ?", page.text())
        self.assertEqual(status_of(self.ids), ["invited"] * 3)
        done = self.confirm(page)
        self.assertEqual(done.status, 200)
        self.assertIn("Marqués inactifs : 2 clients", done.text())
        self.assertEqual(status_of(self.ids), ["inactive", "inactive", "invited"])
        events = web.STACK.sql("SELECT COUNT(*) FROM event WHERE kind = 'customer.deactivated'"
                               " AND customer_id IN (%s)" % ",".join(self.ids))
        self.assertEqual(events, [["2"]])

    def run_job(self, page):
        """Confirms an action on everything that matches: it is queued as a
        job and the admin sent to its page; the stack's worker runs it."""
        queued = self.confirm(page)
        self.assertEqual(queued.status, 303)
        job = queued.header("Location")
        self.assertRegex(job, r"^/admin/customers/jobs/\d+$")
        deadline = time.time() + 60
        while "Terminée le" not in self.browser.get(job).text() and time.time() < deadline:
            time.sleep(0.2)
        return self.browser.get(job)

    def test_everything_matching_the_filter(self):
        page = self.post([("action", "block"), ("scope", "all"), ("reason", "Fraude"),
                          ("q", "Groupe" + self.tag)])
        self.assertIn("Bloquer 3 clients ?", page.text())
        done = self.run_job(page)
        self.assertIn("Bloqués : 3 clients", done.text())
        self.assertEqual(status_of(self.ids), ["blocked"] * 3)
        reasons = web.STACK.sql("SELECT DISTINCT status_reason FROM customer WHERE id IN (%s)"
                                % ",".join(self.ids))
        self.assertEqual(reasons, [["Fraude"]])
        # unblocking is its own action: "reactivate" never unblocks anyone
        again = self.post([("action", "unblock"), ("scope", "all"), ("status", "blocked"),
                           ("q", "Groupe" + self.tag)])
        self.run_job(again)
        self.assertEqual(status_of(self.ids), ["invited"] * 3)

    def test_delete_is_for_owners_and_erases(self):
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        refused = self.post([("action", "delete"), ("scope", "ticked"), ("id", self.ids[0])], browser=staff)
        self.assertEqual(refused.status, 403)
        page = self.post([("action", "delete"), ("scope", "ticked"), ("id", self.ids[0])])
        self.assertIn("Supprimer définitivement 1 client ?", page.text())
        self.confirm(page)
        erased = web.STACK.sql("SELECT email IS NULL, erased_at IS NOT NULL FROM customer WHERE id = %s"
                               % self.ids[0])
        self.assertEqual(erased, [["1", "1"]])
        self.assertEqual(status_of(self.ids[1:]), ["invited", "invited"])

    def test_another_shops_ids_are_ignored(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        page = self.post([("action", "deactivate"), ("scope", "ticked"), ("id", self.ids[0])], browser=beta)
        self.assertEqual(page.status, 400)
        self.assertIn("No customer chosen", page.text())
        self.assertEqual(status_of(self.ids[:1]), ["invited"])

    def test_bad_requests_change_nothing(self):
        for fields in ([("action", "explode"), ("id", self.ids[0])],
                       [("action", "deactivate"), ("scope", "some"), ("id", self.ids[0])],
                       [("action", "deactivate"), ("id", "abc")],
                       [("action", "block"), ("id", self.ids[0])],
                       [("action", "deactivate"), ("scope", "all"), ("status", "nope")],
                       [("action", "deactivate")] + [("id", str(n)) for n in range(1, 202)]):
            page = self.post(fields)
            self.assertEqual(page.status, 400, fields[:3])
        self.assertEqual(status_of(self.ids), ["invited"] * 3)

    def test_without_csrf_nothing_happens(self):
        self.browser.get("/admin/customers")
        page = self.browser.post("/admin/customers/bulk", {"action": "deactivate", "id": self.ids[0],
                                                           "confirm": "1"})
        self.assertEqual(page.status, 403)
        self.assertEqual(status_of(self.ids[:1]), ["invited"])
