"""The list and the bulk form read one customer query: "everything that
matches" chooses exactly the customers the list shows, for every filter,
and a filter value the list refuses, the bulk form refuses too."""

import re
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


def listed(browser, query):
    """Every id of every page of the list, following the "next" links."""
    seen = []
    page = browser.get("/admin/customers?" + urllib.parse.urlencode(query + [("size", "200")]))
    while True:
        assert page.status == 200, (query, page.status)
        seen += re.findall(r'<td class="name"><a href="/admin/customers/(\d+)[?"]', page.body)
        link = re.search(r'rel="next" href="([^"]+)"', page.body)
        if not link:
            return seen
        page = browser.get(link.group(1).replace("&amp;", "&"))


class OneQuery(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def bulk(self, query):
        """The confirmation of "block everything that matches" (nothing is done)."""
        token = self.browser.get("/admin/customers").csrf()
        fields = [("action", "block"), ("scope", "all"), ("reason", "Essai")] + query
        body = urllib.parse.urlencode(fields + [("csrf", token)])
        return self.browser.request("POST", "/admin/customers/bulk", body=body,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})

    def chosen(self, query):
        page = self.bulk(query)
        if page.status == 400 and "<strong>0</strong>" in page.body:
            return 0
        self.assertEqual(page.status, 200, (query, page.text()))
        return int(re.search(r"<p>[^<]*<strong>(\d+)</strong>", page.body).group(1))

    def test_everything_that_matches_is_what_the_list_shows(self):
        someone = web.STACK.sql(
            "SELECT c.last_name, DATE(c.created_at) FROM customer c JOIN shop s ON s.id = c.shop_id"
            " WHERE s.slug = 'alpha' AND c.erased_at IS NULL AND LENGTH(c.last_name) > 2"
            " ORDER BY c.id LIMIT 1")[0]
        queries = [
            [],
            [("status", "all")],
            [("status", "current")],
            [("status", "invited")],
            [("source", "admin")],
            [("consent", "no")],
            [("orders_min", "1")],
            [("orders_max", "0"), ("status", "all")],
            [("spent_min", "1"), ("spent_max", "100000")],
            [("from", someone[1]), ("to", someone[1])],
            [("last_from", "2000-01-01"), ("last_to", "2100-12-31")],
            [("q", someone[0])],
            [("q", someone[0][:3].lower()), ("status", "all")],
        ]
        before = web.STACK.sql("SELECT COUNT(*) FROM customer WHERE status = 'blocked'")
        for query in queries:
            with self.subTest(query=query):
                shown = listed(self.browser, query)
                self.assertEqual(len(shown), len(set(shown)), "each customer once")
                self.assertEqual(self.chosen(query), len(shown))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM customer WHERE status = 'blocked'"),
                         before, "a confirmation page changes nothing")

    def test_a_filter_the_list_refuses_the_bulk_form_refuses(self):
        for query in ([("status", "nope")], [("source", "shop")], [("consent", "maybe")],
                      [("from", "2023-02-29")], [("orders_min", "-1")], [("q", "-")]):
            with self.subTest(query=query):
                page = self.browser.get("/admin/customers?" + urllib.parse.urlencode(query))
                self.assertEqual(page.status, 400)
                self.assertEqual(self.bulk(query).status, 400)


if __name__ == "__main__":
    unittest.main()
