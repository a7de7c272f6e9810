"""The list's search, filters, sort, count and page size; all in the URL."""

import re
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


def ids(page):
    return re.findall(r'<td class="name"><a href="/admin/customers/(\d+)"', page.body)


def alpha(condition, select="c.id", order="c.id"):
    return [r[0] for r in web.STACK.sql(
        "SELECT %s FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'alpha'"
        " AND c.erased_at IS NULL AND %s ORDER BY %s" % (select, condition, order))]


class ListView(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def list(self, **query):
        return self.browser.get("/admin/customers?" + urllib.parse.urlencode(query))

    def all_pages(self, **query):
        """Every id of every page, following the "next" links as a person would."""
        seen, page = [], self.list(**query)
        while True:
            seen += ids(page)
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            if not link:
                return seen
            page = self.browser.get(link.group(1).replace("&amp;", "&"))

    def test_search_finds_a_part_of_a_name(self):
        found = ids(self.list(q="lodi", status="all", size="200"))
        self.assertEqual(sorted(found, key=int), alpha("c.first_name LIKE '%lodi%'"))

    def test_search_finds_a_phone_written_any_way(self):
        self.browser.submit("/admin/customers/new", "/admin/customers/new",
                            {"email": "phone-search@alpha.test", "phone": "+33 6 98 76 54 32"})
        for typed in ("06 98 76 54", "0698765432", "98.76.54", "+33698765432"):
            page = self.list(q=typed)
            self.assertIn("phone-search@alpha.test", page.body, typed)

    def test_status_filters_and_inactive_only_when_chosen(self):
        self.assertEqual(sorted(self.all_pages(status="inactive"), key=int),
                         alpha("c.status = 'inactive'"))
        self.assertEqual(len(self.all_pages()), len(alpha("c.status <> 'inactive'")))
        self.assertEqual(len(self.all_pages(status="all", size="200")), len(alpha("1")))
        self.assertEqual(sorted(self.all_pages(status="blocked"), key=int), alpha("c.status = 'blocked'"))

    def test_source_consent_and_ranges(self):
        cases = [({"source": "import"}, "c.source = 'import' AND c.status <> 'inactive'"),
                 ({"consent": "yes"}, "c.marketing_consent = 1 AND c.status <> 'inactive'"),
                 ({"orders_min": "3", "orders_max": "4"}, "c.order_count BETWEEN 3 AND 4 AND c.status <> 'inactive'"),
                 ({"spent_min": "500"}, "c.total_spent_cents >= 50000 AND c.status <> 'inactive'"),
                 ({"from": "2025-01-01", "to": "2025-12-31"},
                  "c.created_at >= '2025-01-01' AND c.created_at < '2026-01-01' AND c.status <> 'inactive'"),
                 ({"last_from": "2026-06-01"}, "c.last_order_at >= '2026-06-01' AND c.status <> 'inactive'")]
        for query, condition in cases:
            self.assertEqual(sorted(self.all_pages(size="200", **query), key=int), alpha(condition), query)

    def test_count_says_how_many_match(self):
        expected = len(alpha("c.source = 'import' AND c.status <> 'inactive'"))
        self.assertIn("%d clients" % expected, self.list(source="import").text())

    def test_sort_by_spent_both_ways_with_ties_paged_once(self):
        descending = self.all_pages(sort="spent", dir="desc", size="25")
        self.assertEqual(descending, alpha("c.status <> 'inactive'",
                                           order="c.total_spent_cents DESC, c.id DESC"))
        ascending = self.all_pages(sort="orders", dir="asc", size="25")
        self.assertEqual(ascending, alpha("c.status <> 'inactive'", order="c.order_count, c.id"))

    def test_page_size(self):
        self.assertEqual(len(ids(self.list(size="25"))), 25)
        self.assertEqual(len(ids(self.list(size="100"))), 100)

    def test_links_keep_the_view(self):
        page = self.list(source="import", sort="created", dir="desc", size="25")
        link = re.search(r'rel="next" href="([^"]+)"', page.body).group(1)
        self.assertIn("source=import", link)
        self.assertIn("sort=created&amp;dir=desc&amp;size=25", link)
        header = re.search(r'<a href="([^"]+)"[^>]*>Total dépensé', page.body).group(1)
        self.assertIn("source=import", header)

    def test_bad_choices_are_refused(self):
        for query, message in (({"status": "deleted"}, "ne fait pas partie des choix"),
                               ({"sort": "password"}, "ne fait pas partie des choix"),
                               ({"dir": "up"}, "ne fait pas partie des choix"),
                               ({"size": "7"}, "ne fait pas partie des choix"),
                               ({"from": "2026-02-30"}, "Cette date n'est pas valide"),
                               ({"to": "yesterday"}, "Cette date n'est pas valide"),
                               ({"orders_min": "-1"}, "Ce nombre n'est pas valide."),
                               ({"spent_max": "lots"}, "Ce nombre n'est pas valide.")):
            page = self.list(**query)
            self.assertEqual(page.status, 400, query)
            self.assertIn(message, page.text(), query)
