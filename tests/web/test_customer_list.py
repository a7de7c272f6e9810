"""The list's search, filters, sort, count and page size; all in the URL."""

import base64
import re
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web

# more pages than any list here has: links that never end (a page link that
# leads back to itself) fail the test instead of looping
MAX_PAGES = 400


def ids(page):
    return re.findall(r'<td class="name"><a href="/admin/customers/(\d+)[?"]', page.body)


def alpha(condition, select="c.id", order="c.id"):
    return [r[0] for r in web.STACK.sql(
        "SELECT %s FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'alpha'"
        " AND c.erased_at IS NULL AND %s ORDER BY %s" % (select, condition, order))]


class Lists(unittest.TestCase):
    """Signs in and reads list pages; the tests are in the classes below."""
    host, owner = ALPHA_HOST, ALPHA_OWNER

    def setUp(self):
        self.browser = web.Browser(self.host)
        self.assertEqual(self.browser.sign_in(*self.owner).status, 303)

    def list(self, **query):
        return self.browser.get("/admin/customers?" + urllib.parse.urlencode(query))

    def all_pages(self, **query):
        """Every id of every page, following the "next" links as a person would."""
        seen, page = [], self.list(**query)
        for _ in range(MAX_PAGES):
            self.assertEqual(page.status, 200)
            seen += ids(page)
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            if not link:
                return seen
            page = self.browser.get(link.group(1).replace("&amp;", "&"))
        self.fail("the next links never end: %d ids seen" % len(seen))

    def back_from(self, page):
        """Every id of the pages before page, following the "previous" links."""
        seen = []
        for _ in range(MAX_PAGES):
            link = re.search(r'rel="prev" href="([^"]+)"', page.body)
            if not link:
                return seen
            page = self.browser.get(link.group(1).replace("&amp;", "&"))
            self.assertEqual(page.status, 200)
            seen = ids(page) + seen
        self.fail("the previous links never end: %d ids seen" % len(seen))

    def last_page(self, **query):
        page = self.list(**query)
        for _ in range(MAX_PAGES):
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            if not link:
                return page
            page = self.browser.get(link.group(1).replace("&amp;", "&"))
        self.fail("the next links never end")


class ListView(Lists):
    def test_search_finds_a_part_of_a_name(self):
        found = ids(self.list(q="lodi", status="all", size="200"))
        self.assertEqual(sorted(found, key=int), alpha("c.first_name LIKE '%lodi%'"))

    def test_search_finds_a_phone_written_any_way(self):
        self.browser.submit("/admin/customers/new", "/admin/customers/new",
                            {"email": "phone-search@alpha.test", "phone": "+33 6 98 76 54 32"})
        for typed in ("06 98 76 54", "0698765432", "98.76.54", "+33698765432"):
            page = self.list(q=typed)
            self.assertIn("phone-search@alpha.test", page.body, typed)

    def test_a_phone_typed_with_dots_reads_with_spaces(self):
        """the list and the customer's page tidy the separators a phone
        was typed with; the form keeps what was typed, the link dials it"""
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": "dotted-phone@alpha.test", "phone": "06.98.76.54.31"})
        self.assertEqual(answer.status, 303)
        path = answer.header("Location")
        self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE email = 'dotted-phone@alpha.test'")
        self.assertIn("<td>06 98 76 54 31</td>", self.list(q="dotted-phone").body)
        page = self.browser.get(path)
        self.assertRegex(page.body, r'<a href="tel:[^"]*0698765431">06 98 76 54 31</a>')
        self.assertIn('value="06.98.76.54.31"', self.browser.get(path + "/edit").body)

    def test_status_filters_and_inactive_only_when_chosen(self):
        self.assertEqual(sorted(self.all_pages(status="inactive"), key=int),
                         alpha("c.status = 'inactive'"))
        self.assertEqual(len(self.all_pages()), len(alpha("c.status NOT IN ('inactive', 'waiting')")))
        self.assertEqual(len(self.all_pages(status="all", size="200")), len(alpha("1")))
        self.assertEqual(sorted(self.all_pages(status="blocked"), key=int), alpha("c.status = 'blocked'"))

    def test_invited_and_unconfirmed_signups_are_filtered_apart(self):
        """the list shows a self-signup never confirmed as "Non confirmé":
        "Invités" are those the shop invited, and the others have a choice
        of their own"""
        shop = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        for email, source in (("invitee@alpha.test", "admin"), ("signedup@alpha.test", "self")):
            web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status,"
                          " source) VALUES (%s, '%s', 'Ines', 'Invitation', 'invited', '%s')"
                          % (shop, email, source))
            self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE email = '%s'" % email)
        invited = sorted(self.all_pages(status="invited", size="200"), key=int)
        self.assertEqual(invited, alpha("c.status = 'invited' AND c.source <> 'self'"))
        unconfirmed = sorted(self.all_pages(status="unconfirmed", size="200"), key=int)
        self.assertEqual(unconfirmed, alpha("c.status = 'invited' AND c.source = 'self'"))
        self.assertIn(alpha("c.email = 'invitee@alpha.test'")[0], invited)
        self.assertIn(alpha("c.email = 'signedup@alpha.test'")[0], unconfirmed)
        page = self.list(status="unconfirmed")
        self.assertIn('<option value="unconfirmed" selected>Inscriptions non confirmées</option>',
                      page.body)
        self.assertIn('<span class="status status-unconfirmed">Non confirmé</span>', page.body)
        self.assertNotIn("status-invited", page.body)
        page = self.list(status="invited")
        self.assertIn('<span class="status status-invited">Invité</span>', page.body)
        self.assertNotIn("status-unconfirmed", page.body)

    def test_source_consent_and_ranges(self):
        cases = [({"source": "import"}, "c.source = 'import' AND c.status NOT IN ('inactive', 'waiting')"),
                 ({"consent": "yes"}, "c.marketing_consent = 1 AND c.status NOT IN ('inactive', 'waiting')"),
                 ({"orders_min": "3", "orders_max": "4"}, "c.order_count BETWEEN 3 AND 4 AND c.status NOT IN ('inactive', 'waiting')"),
                 ({"spent_min": "500"}, "c.total_spent_cents >= 50000 AND c.status NOT IN ('inactive', 'waiting')"),
                 ({"from": "2025-01-01", "to": "2025-12-31"},
                  "c.created_at >= '2025-01-01' AND c.created_at < '2026-01-01' AND c.status NOT IN ('inactive', 'waiting')"),
                 ({"last_from": "2026-06-01"}, "c.last_order_at >= '2026-06-01' AND c.status NOT IN ('inactive', 'waiting')")]
        for query, condition in cases:
            self.assertEqual(sorted(self.all_pages(size="200", **query), key=int), alpha(condition), query)

    def test_empty_filter_fields_filter_nothing(self):
        """the filter form sends every field; the ones left empty change nothing"""
        empty = {name: "" for name in ("q", "source", "consent", "from", "to", "orders_min", "orders_max",
                                       "spent_min", "spent_max", "last_from", "last_to")}
        found = self.all_pages(size="200", **empty)
        self.assertEqual(sorted(found, key=int), alpha("c.status NOT IN ('inactive', 'waiting')"))

    def test_count_says_how_many_match(self):
        expected = len(alpha("c.source = 'import' AND c.status NOT IN ('inactive', 'waiting')"))
        self.assertIn("%d clients" % expected, self.list(source="import").text())

    def test_sort_by_spent_both_ways_with_ties_paged_once(self):
        descending = self.all_pages(sort="spent", dir="desc", size="25")
        self.assertEqual(descending, alpha("c.status NOT IN ('inactive', 'waiting')",
                                           order="c.total_spent_cents DESC, c.id DESC"))
        ascending = self.all_pages(sort="orders", dir="asc", size="25")
        self.assertEqual(ascending, alpha("c.status NOT IN ('inactive', 'waiting')", order="c.order_count, c.id"))

    def test_page_size(self):
        self.assertEqual(len(ids(self.list(size="25"))), 25)
        self.assertEqual(len(ids(self.list(size="100"))), 100)

    def test_the_rows_sit_in_the_table_and_their_mark_never_shows(self):
        # the rows are written by C and sent in the place of a mark the
        # template writes (page_part): inside the table, whole, once
        for size in ("25", "100", "200"):
            page = self.list(size=size, sort="email", dir="desc")
            body = re.search(r"<tbody>(.*)</tbody>", page.body, re.S)
            self.assertIsNotNone(body)
            self.assertEqual(ids(page), re.findall(r'<td class="name"><a href="/admin/customers/'
                                                   r'(\d+)[?"]', body.group(1)))
            self.assertEqual(len(ids(page)), min(int(size), len(alpha("c.status NOT IN ('inactive', 'waiting')"))))
            self.assertEqual(body.group(1).count("<tr>"), len(ids(page)))
            self.assertNotIn("\x01", page.body)
            self.assertTrue(page.body.rstrip().endswith("</html>"))
        for page in (self.list(q="zzzzqqqq"), self.list(size="25", sort="orders"),
                     self.browser.get("/admin/customers/new")):
            self.assertEqual(page.status, 200)
            self.assertNotIn("\x01", page.body)

    def test_the_filters_open_by_themselves_when_one_is_set(self):
        def opened(**query):
            tag = re.search(r'<details class="filters"[^>]*>', self.list(**query).body).group(0)
            return " open" in tag
        self.assertFalse(opened())
        self.assertFalse(opened(q="dupont"))
        self.assertFalse(opened(q="a&b=c"))
        self.assertFalse(opened(sort="email", dir="desc", size="100"))
        self.assertTrue(opened(status="blocked"))
        self.assertTrue(opened(q="dupont", source="import"))
        self.assertTrue(opened(orders_min="2"))
        self.assertTrue(opened(status="current"))   # given, even at its default

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


class SearchIndex(Lists):
    """customer_search follows every change: create, edit, erase."""

    def setUp(self):
        super().setUp()
        SearchIndex.counter = getattr(SearchIndex, "counter", 0) + 1
        self.email = "aso%d@alpha.test" % SearchIndex.counter
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": self.email, "first_name": "Anne-Sophie",
                                      "last_name": "O'Connell", "phone": "+33 7 11 22 33 4%d" % SearchIndex.counter})
        self.path = answer.header("Location")
        self.id = self.path.rsplit("/", 1)[1]

    def found(self, typed):
        page = self.list(q=typed, size="200")
        self.assertEqual(page.status, 200, typed)
        return self.id in ids(page)

    def test_a_new_customer_is_found_by_any_part(self):
        for typed in ("connell", "OCONNELL", "o'connell", "anne sophie", "Sophie O", "ANNE-SOPH",
                      "07 11 22 33", "1122334", "+33 7 11", "aso%d@alpha" % SearchIndex.counter, "connell a",
                      "anne sophie o connell aso alpha test"):
            self.assertTrue(self.found(typed), typed)
        for typed in ("connelly", "sophie anne x", "connell s", "07 11 22 99",
                      "anne sophie o connell aso alpha zzz"):
            self.assertFalse(self.found(typed), typed)

    def test_an_edited_customer_is_found_by_the_new_name_only(self):
        answer = self.browser.submit(self.path + "/edit", self.path + "/edit",
                                     {"email": "renamed-%s@alpha.test" % self.id, "first_name": "Anne-Sophie",
                                      "last_name": "Durand-Vasseur"})
        self.assertEqual(answer.status, 303)
        self.assertTrue(self.found("vasseur"))
        self.assertTrue(self.found("renamed-%s" % self.id))
        self.assertFalse(self.found("connell"))
        self.assertFalse(self.found(self.email.split("@")[0]))

    def test_an_erased_customer_leaves_nothing_to_search(self):
        confirm = self.browser.get(self.path + "/delete")
        self.assertEqual(self.browser.post(self.path + "/delete", {"csrf": confirm.csrf()}).status, 303)
        self.assertFalse(self.found("connell"))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM customer_search WHERE customer_id = %s"
                                       % self.id), [["0"]])

    def test_reindex_rebuilds_what_sql_changed(self):
        web.STACK.sql("UPDATE customer SET last_name = 'Zebulon' WHERE id = %s" % self.id)
        self.assertFalse(self.found("zebulon"))
        web.STACK.admin("search-reindex", "--shop", "alpha")
        self.assertTrue(self.found("zebulon"))
        self.assertFalse(self.found("connell"))


class KeysetPages(Lists):
    def test_every_sort_pages_through_everyone_once_both_ways(self):
        orders = {"name": "c.last_name, c.first_name, c.id", "email": "c.email, c.id",
                  "created": "c.created_at, c.id", "last_order": "c.last_order_at, c.id",
                  "orders": "c.order_count, c.id", "spent": "c.total_spent_cents, c.id"}
        for sort, order in orders.items():
            for direction in ("asc", "desc"):
                if direction == "desc":
                    order = ", ".join(key + " DESC" for key in order.split(", "))
                self.assertEqual(self.all_pages(sort=sort, dir=direction, size="25"),
                                 alpha("c.status NOT IN ('inactive', 'waiting')", order=order), (sort, direction))

    def test_a_search_pages_the_same_way(self):
        found = self.all_pages(q="example", size="25")
        self.assertEqual(found, alpha("c.email LIKE '%example%' AND c.status NOT IN ('inactive', 'waiting')",
                                      order="c.last_name, c.first_name, c.id"))
        found = self.all_pages(q="lodi", sort="spent", dir="desc", size="25", status="all")
        self.assertEqual(found, alpha("c.first_name LIKE '%lodi%'", order="c.total_spent_cents DESC, c.id DESC"))

    def test_bad_page_links_are_refused(self):
        def link(*values):
            return base64.urlsafe_b64encode("\x1f".join(values).encode()).decode().rstrip("=")

        for query in ({"after": "not base64!"}, {"after": "QQ"}, {"after": link("Martin", "12")},
                      {"after": link("Martin", "Élodie", "x")}, {"after": link("12F", "12")},
                      {"after": link("12ef", "12")}, {"after": link("12" * 65, "12")},
                      {"after": link("12", "x")}, {"after": link("1234")},
                      {"sort": "created", "after": link("yesterday", "12")},
                      {"sort": "email", "after": link("a@alpha.test", "12", "x")},
                      {"sort": "email", "after": link("a@alpha.test", "x")},
                      {"sort": "orders", "before": link("3.5", "12")},
                      {"sort": "spent", "before": link("-300", "-12")},
                      {"after": link("1234", "12"), "before": link("1234", "12")},
                      {"after": link("Mar\x01tin", "Élodie", "12")}):
            page = self.list(**query)
            self.assertEqual(page.status, 400, query)
            self.assertIn("Ce lien de page n'est plus valide", page.text(), query)

    def test_a_page_past_the_end_offers_the_first_page(self):
        link = base64.urlsafe_b64encode("\x1f".join(("FF" * 64, "1")).encode()).decode().rstrip("=")
        page = self.list(after=link, page="3")
        self.assertEqual(page.status, 200)
        self.assertEqual(ids(page), [])
        self.assertNotIn('rel="prev"', page.body)
        self.assertIn("« Première page", page.text())
        self.assertIn("Plus aucun client après la page précédente", page.text())
        self.assertNotIn("Aucun client pour l'instant", page.text())

    def test_the_longest_sort_values_fit_in_a_page_link(self):
        longest_name = base64.urlsafe_b64encode("\x1f".join(("00" * 64, "99")).encode())
        # the e-mail order's link carries the id too: customers without an
        # address (issue 15) sort by it
        longest_email = base64.urlsafe_b64encode("\x1f".join(("\U0001F600" * 254,
                                                               "9" * 19)).encode())
        for sort, link in (("name", longest_name), ("email", longest_email)):
            page = self.list(sort=sort, after=link.decode().rstrip("="), page="2")
            self.assertEqual(page.status, 200, sort)
            self.assertIn("Page 2", page.text())

    def test_a_page_link_survives_its_row_being_erased(self):
        first = self.list(size="25")
        link = re.search(r'rel="next" href="([^"]+)"', first.body).group(1).replace("&amp;", "&")
        expected = ids(self.browser.get(link))
        last_shown = ids(first)[-1]
        email = web.STACK.sql("SELECT email FROM customer WHERE id = %s" % last_shown)[0][0]
        web.STACK.sql("UPDATE customer SET erased_at = NOW(), email = NULL WHERE id = %s" % last_shown)
        try:
            self.assertEqual(ids(self.browser.get(link)), expected)
        finally:
            web.STACK.sql("UPDATE customer SET erased_at = NULL, email = '%s' WHERE id = %s"
                          % (email, last_shown))


# the list's orders, going up (NULLs first, as the list has them)
ORDERS = {"name": "c.name_key, c.id", "spent": "c.total_spent_cents, c.id",
          "created": "c.created_at, c.id", "last_order": "c.last_order_at, c.id",
          "orders": "c.order_count, c.id"}


class ManyShapes(Lists):
    def test_more_filter_combinations_than_the_statement_cache_holds(self):
        """each combination is its own statement; 60 of them go through a cache of 48"""
        shapes = 0
        for status in ("current", "active", "blocked"):
            for consent, consent_sql in (("", "1"), ("yes", "c.marketing_consent = 1")):
                for source in ("", "import"):
                    for sort in ("name", "spent", "created", "last_order", "orders"):
                        query = {"status": status, "sort": sort, "size": "200"}
                        condition = ("c.status NOT IN ('inactive', 'waiting')"
                                     if status == "current" else "c.status = '%s'" % status)
                        condition += " AND " + consent_sql
                        if consent:
                            query["consent"] = consent
                        if source:
                            query["source"] = source
                            condition += " AND c.source = 'import'"
                        page = self.list(**query)
                        self.assertEqual(page.status, 200, query)
                        # the page's 200 are the first 200 in its order (the
                        # shop may hold more than a page by then)
                        first = alpha(condition, order=ORDERS[sort])[:200]
                        self.assertEqual(sorted(ids(page), key=int), sorted(first, key=int),
                                         query)
                        shapes += 1
        self.assertEqual(shapes, 60)


class NameOrder(Lists):
    """Sorted by name, a surname far ahead (page 1 of "zanetti") or a walk
    that gives up is read from the word's entries in name order, from the
    copy of the order each entry carries (sql/006); a page link inside the
    surname's customers walks, telling a name that starts with a word on the
    index. Shop delta has 756 customers: 30 "Quentin-? Quennell" (two or
    three words starting "quen" each, names in three spellings that sort
    alike), 110 Zanettis, two more with "zanetti" in their address, a
    Zoé Zanardi who must not pass for one, Yves Zanetti-Abc…xyz whose first
    name does not fit in the name order's 64 bytes, 30 Nguyễn/Nguyen, and 22
    Wawawawa Zywawawax with eight terms each starting "wawa"."""
    host, owner = "delta.test", ("owner@delta.test", "delta-owner-password")

    @classmethod
    def setUpClass(cls):
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM shop WHERE slug = 'delta'") == [["1"]]:
            return
        stack.admin("shop", "add", "--slug", "delta", "--name", "Delta", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "delta", "--host", cls.host)
        stack.admin("admin", "add", "--shop", "delta", "--email", cls.owner[0], "--role", "owner",
                    input=cls.owner[1] + "\n")
        stack.admin("seed-demo", "--shop", "delta", "--customers", "560")
        stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 140)
SELECT s.id, IF(i <= 30, IF(i % 2, CONCAT('quentin', i, '@delta.test'), CONCAT('q', i, '@delta.test')),
                CONCAT('z', i, '@delta.test')),
       IF(i <= 30, CONCAT('Quentin-', CHAR(65 + i % 7)), CONCAT('Zoé-', CHAR(65 + i % 5))),
       IF(i <= 30, ELT(1 + i % 3, 'Quennell', 'QUENNELL', 'Quénnell'), 'Zanetti'),
       'active', 'admin'
  FROM n, shop s WHERE s.slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'zanetti-fan@delta.test', 'Zita', 'Zanussi', 'active', 'admin' FROM shop WHERE slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'old.zanetti@delta.test', 'Aaron', 'Abel', 'active', 'admin' FROM shop WHERE slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'zoe@delta.test', 'Zoé', 'Zanardi', 'active', 'admin' FROM shop WHERE slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 22)
SELECT s.id, CONCAT('wawawawa', i, '@delta.test'), 'Wawawawa', 'Zywawawax', 'active', 'admin'
  FROM n, shop s WHERE s.slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'yves@delta.test', 'Yves', 'Zanetti-Abcdefghijklmnopqrstuvwxyz', 'active', 'admin'
  FROM shop WHERE slug = 'delta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
SELECT s.id, CONCAT('van', i, '@delta.test'), CONCAT('Văn-', CHAR(65 + i % 4)),
       ELT(1 + i % 3, 'Nguyễn', 'NGUYEN', 'Nguyen'), 'active', 'admin'
  FROM n, shop s WHERE s.slug = 'delta'""")
        stack.admin("search-reindex", "--shop", "delta")

    def expected(self, condition, descending=False):
        order = "c.last_name, c.first_name, c.id"
        if descending:
            order = ", ".join(key + " DESC" for key in order.split(", "))
        return [r[0] for r in web.STACK.sql(
            "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'delta'"
            " AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting') AND %s ORDER BY %s"
            % (condition, order))]

    def test_each_customer_once_in_name_order_both_ways(self):
        quen = "c.last_name LIKE 'quen%'"
        for size in ("25", "100"):
            for direction in ("asc", "desc"):
                expected = self.expected(quen, direction == "desc")
                self.assertEqual(len(expected), 30)
                self.assertEqual(self.all_pages(q="quen", size=size, dir=direction), expected,
                                 (size, direction))
                last = self.last_page(q="quen", size=size, dir=direction)
                self.assertEqual(self.back_from(last) + ids(last), expected, (size, direction))

    def test_among_a_surname_the_walk_pages_the_same_way(self):
        """past page 1 the walk starts among the Zanettis and tells them on
        the name order; Abel and Zanussi match by their addresses only"""
        expected = self.expected("(c.last_name LIKE 'zanetti%' OR c.email LIKE '%zanetti%')")
        self.assertEqual(len(expected), 113)
        for query in ({"q": "zanetti"}, {"q": "zanetti", "dir": "desc"}):
            if query.get("dir") == "desc":
                expected = expected[::-1]
            self.assertEqual(self.all_pages(size="25", **query), expected, query)
            last = self.last_page(size="25", **query)
            self.assertEqual(self.back_from(last) + ids(last), expected, query)
        both = self.expected("c.last_name = 'Zanetti' AND c.first_name LIKE 'zoe%'")
        self.assertEqual(len(both), 110)
        self.assertEqual(self.all_pages(q="zoe zanetti", size="25"), both)

    def test_a_renamed_customer_moves_in_the_order(self):
        first = self.expected("c.last_name LIKE 'quen%'")[0]
        path = "/admin/customers/" + first
        answer = self.browser.submit(path + "/edit", path + "/edit",
                                     {"email": "moved-%s@delta.test" % first, "first_name": "Quentin-Zz",
                                      "last_name": "Quennell"})
        self.assertEqual(answer.status, 303)
        expected = self.expected("c.last_name LIKE 'quen%'")
        self.assertEqual(expected[-1], first)
        self.assertEqual(self.all_pages(q="quen", size="25"), expected)

    def test_everything_matching_is_each_customer_once(self):
        token = self.browser.get("/admin/customers").csrf()
        page = self.browser.post("/admin/customers/bulk", {"action": "deactivate", "scope": "all",
                                                           "q": "quen", "csrf": token})
        self.assertEqual(page.status, 200)
        self.assertIn("Marquer inactifs 30 clients ?", page.text())

    def test_a_name_the_collation_reads_alike_is_found_on_every_page(self):
        """page 1 comes from the search entries, the next pages tell the
        names on the index: both must read "Nguyễn" as nguyen"""
        expected = self.expected("c.last_name LIKE 'nguy%'")
        self.assertEqual(len(expected), 30)
        self.assertEqual(self.all_pages(q="nguyen", size="25"), expected)
        last = self.last_page(q="nguyen", size="25")
        self.assertEqual(self.back_from(last) + ids(last), expected)

    def test_a_longer_name_added_after_a_search_shows_at_once(self):
        """page 1 of "zanetti" reads the word's own entries alone while the
        server says no longer term starts with it; the estimates that saw
        none are kept a minute, the server's answer is not: a Zanettino
        added since shows at once, first in name order"""
        for _ in range(6):  # each copy of customers.fcgi keeps its estimates
            before = ids(self.list(q="zanetti"))
        self.assertEqual(len(before), 50)
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": "aabelard@delta.test", "first_name": "Zanettino",
                                      "last_name": "Aabelard"})
        self.assertEqual(answer.status, 303)
        added = answer.header("Location").rsplit("/", 1)[1]
        self.addCleanup(web.STACK.sql, "DELETE FROM customer_search WHERE customer_id = %s;"
                        " DELETE FROM customer WHERE id = %s" % (added, added))
        for _ in range(4):
            self.assertEqual(ids(self.list(q="zanetti")), [added] + before[:49])

    def test_an_initial_finds_a_first_name_past_a_long_last_name(self):
        yves = self.expected("c.first_name = 'Yves'")
        self.assertEqual(ids(self.list(q="zanetti y")), yves)
        self.assertEqual(ids(self.list(q="zanetti y", dir="desc")), yves)

    def test_the_words_own_entries_and_its_longer_words_merge_once_each(self):
        """pages read the word's own term in name order (sql/029) and sort
        the longer terms it starts: 20 customers named Pomme, 20 Pommeraye
        (longer only), 20 named Pomme whose address starts "pommeraie"
        (both: shown once), a Pommeau blocked, and 40 of other names all
        over the order, found by their first name Pomme (the word's own
        term) or their address "pommeau…" (longer): a page link from one
        of those reads the word's entries again; every page both ways, and
        with a filter"""
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
                     " WHERE s.slug = 'delta' AND c.last_name LIKE 'pomm%'") == [["0"]]:
            stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 101)
SELECT s.id, CONCAT(IF(i > 40 AND i <= 60, 'pommeraie', IF(i > 81, 'pommeau', 'p')), i, '@delta.test'),
       IF(i > 61 AND i <= 81, 'Pomme', CONCAT('Ana-', CHAR(65 + i % 9))),
       IF(i > 61, CONCAT(CHAR(65 + i % 26), 'ubois-', i), IF(i = 61, 'Pommeau',
          IF(i > 20 AND i <= 40, 'Pommeraye', 'Pomme'))),
       IF(i = 61, 'blocked', IF(i % 4 OR i > 61, 'active', 'invited')), 'admin'
  FROM n, shop s WHERE s.slug = 'delta'""")
            stack.admin("search-reindex", "--shop", "delta")
        pomme = ("(c.last_name LIKE 'pomm%' OR c.first_name = 'Pomme'"
                 " OR c.email LIKE 'pommeau%')")
        expected = self.expected(pomme)
        self.assertEqual(len(expected), 101)
        for direction in ("asc", "desc"):
            want = self.expected(pomme, direction == "desc")
            self.assertEqual(self.all_pages(q="pomme", size="25", dir=direction), want, direction)
            last = self.last_page(q="pomme", size="25", dir=direction)
            self.assertEqual(self.back_from(last) + ids(last), want, direction)
        invited = self.expected("c.last_name LIKE 'pomm%' AND c.status = 'invited'")
        self.assertEqual(len(invited), 15)
        self.assertEqual(self.all_pages(q="pomme", size="25", status="invited"), invited)
        blocked = self.expected("c.last_name = 'Pommeau'")
        self.assertEqual(ids(self.list(q="pommeau", status="blocked")), blocked)

    def test_more_repeated_terms_than_the_page_asks_for(self):
        """the walk gives up before the Zs; each Zywawawax has eight "wawa"
        terms, all longer than the word: the page holds each customer once"""
        expected = self.expected("c.last_name = 'Zywawawax'")
        self.assertEqual(len(expected), 22)
        for size in ("25", "50"):
            page = self.list(q="wawa", size=size)
            self.assertEqual(ids(page), expected, size)
            self.assertIn("22 clients", page.text(), size)


class EmailOrder(Lists):
    """Sorted by e-mail, a word's page is read from its entries in e-mail
    order, from the copy of the address each entry carries (sql/031).
    Shop delta (NameOrder's) gets 60 customers found by "cerise": 20 named
    Cerise, 20 Ceriseraie (the word's longer terms only), 20 of other names
    whose first name is Cerise; most addresses hold "cerise" too (the same
    customer in both parts), some do not, and six have none (sorted first
    going up, last going down). Another shop, cerise-voisin, has 20 Cerises
    of its own, their addresses among delta's: none may show."""
    host, owner = NameOrder.host, NameOrder.owner
    cerise = "(c.last_name LIKE '%cerise%' OR c.first_name LIKE '%cerise%' OR c.email LIKE '%cerise%')"

    @classmethod
    def setUpClass(cls):
        NameOrder.setUpClass()
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
                     " WHERE s.slug = 'delta' AND c.last_name LIKE 'ceris%'") != [["0"]]:
            return
        stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
SELECT s.id, IF(i % 10 = 0, NULL, IF(i % 3 = 0, CONCAT(CHAR(97 + i % 26), 'x', i, '@delta.test'),
                CONCAT(CHAR(97 + (i * 7) % 26), 'cerise', i, '@delta.test'))),
       IF(i > 40, 'Cerise', CONCAT('Ana-', CHAR(65 + i % 9))),
       IF(i > 40, CONCAT(CHAR(65 + i % 26), 'ubois-', i), IF(i > 20, 'Ceriseraie', 'Cerise')),
       'active', 'admin'
  FROM n, shop s WHERE s.slug = 'delta'""")
        stack.admin("search-reindex", "--shop", "delta")
        stack.admin("shop", "add", "--slug", "cerise-voisin", "--name", "Voisin")
        stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
SELECT s.id, CONCAT(CHAR(97 + (i * 5) % 26), 'cerise', i, '@voisin.test'), 'Ana', 'Cerise',
       'active', 'admin'
  FROM n, shop s WHERE s.slug = 'cerise-voisin'""")
        stack.admin("search-reindex", "--shop", "cerise-voisin")

    def expected(self, descending=False):
        order = "c.email DESC, c.id DESC" if descending else "c.email, c.id"
        return [r[0] for r in web.STACK.sql(
            "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'delta'"
            " AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting') AND %s ORDER BY %s"
            % (self.cerise, order))]

    def test_a_word_sorted_by_email_pages_each_customer_once_both_ways(self):
        for direction in ("asc", "desc"):
            expected = self.expected(direction == "desc")
            self.assertGreaterEqual(len(expected), 60)
            self.assertEqual(self.all_pages(q="cerise", sort="email", size="25", dir=direction),
                             expected, direction)
            last = self.last_page(q="cerise", sort="email", size="25", dir=direction)
            self.assertEqual(self.back_from(last) + ids(last), expected, direction)
        without = web.STACK.sql("SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
                                " WHERE s.slug = 'delta' AND c.email IS NULL AND %s" % self.cerise)
        self.assertEqual(without, [["6"]])

    def test_a_word_and_an_initial_sorted_by_email(self):
        """the initial is told on the name order each entry also carries"""
        expected = [r[0] for r in web.STACK.sql(
            "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'delta'"
            " AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting') AND %s"
            " AND (c.first_name LIKE 'a%%' OR c.last_name LIKE 'a%%') ORDER BY c.email, c.id"
            % self.cerise)]
        self.assertGreaterEqual(len(expected), 30)
        self.assertEqual(self.all_pages(q="cerise a", sort="email", size="25"), expected)
        self.assertEqual(self.all_pages(q="cerise a", sort="email", size="25", dir="desc"),
                         expected[::-1])

    def test_an_address_of_254_letters_past_254_bytes_is_copied_whole(self):
        """written with SQL (the forms stop at 254 bytes), then reindexed"""
        address = "é" * 242 + "@delta.test"
        web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                      " SELECT id, '%s', 'Cerise', 'Longue', 'active', 'admin' FROM shop"
                      " WHERE slug = 'delta'" % address)
        web.STACK.admin("search-reindex", "--shop", "delta")
        expected = self.expected()
        self.assertEqual(web.STACK.sql("SELECT email FROM customer WHERE id = %s" % expected[-1]),
                         [[address]])
        self.assertEqual(self.all_pages(q="cerise", sort="email", size="25"), expected)
        self.assertEqual(ids(self.list(q="cerise", sort="email", dir="desc"))[0], expected[-1])

    def test_a_changed_address_moves_in_the_order(self):
        """the edit rewrites the copy each of the customer's terms carries;
        a new customer comes with it"""
        last = self.expected()[-1]
        path = "/admin/customers/" + last
        answer = self.browser.submit(path + "/edit", path + "/edit",
                                     {"email": "aaa-moved-%s@delta.test" % last,
                                      "first_name": "Cerise", "last_name": "Moved"})
        self.assertEqual(answer.status, 303)
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": "aab-new@delta.test", "first_name": "Cerise",
                                      "last_name": "Nouvelle"})
        self.assertEqual(answer.status, 303)
        expected = self.expected()
        self.assertEqual(expected[6], last)
        self.assertEqual(web.STACK.sql("SELECT email FROM customer WHERE id = %s" % expected[7]),
                         [["aab-new@delta.test"]])
        self.assertEqual(self.all_pages(q="cerise", sort="email", size="25"), expected)
        self.assertEqual(self.all_pages(q="cerise", sort="email", size="25", dir="desc"),
                         expected[::-1])


class ShopDates(Lists):
    """The list's dates are the shop's days, not UTC's, in the default
    table (the row template) and in a table of chosen columns: a customer
    who joined at 22:30 UTC on 30 June and last ordered at 23:30 UTC on
    31 December is "since 01/07/2026" and "ordered 01/01/2027" in Paris,
    the days themselves in Cayenne (UTC-3)."""

    def setUp(self):
        super().setUp()
        sql = web.STACK.sql
        self.zone, = sql("SELECT time_zone FROM shop WHERE slug = 'alpha'")[0]
        self.columns, = sql("SELECT IFNULL(list_columns, 'NULL') FROM admin"
                            " WHERE email = '%s'" % self.owner[0])[0]
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " created_at, last_order_at, order_count, total_spent_cents)"
            " SELECT id, 'minuit@alpha.test', 'Minuit', 'Zoneminuit', 'active', 'admin',"
            " '2026-06-30 22:30:00', '2026-12-31 23:30:00', 1, 1000"
            " FROM shop WHERE slug = 'alpha'")
        web.STACK.admin("search-reindex", "--shop", "alpha")

    def tearDown(self):
        # the shop's customers as the other tests count them
        web.STACK.sql("DELETE s FROM customer_search s JOIN customer c ON c.id = s.customer_id"
                      " WHERE c.email = 'minuit@alpha.test';"
                      " DELETE FROM customer WHERE email = 'minuit@alpha.test'")
        web.STACK.sql("UPDATE shop SET time_zone = '%s' WHERE slug = 'alpha'" % self.zone)
        web.STACK.sql("UPDATE admin SET list_columns = %s WHERE email = '%s'" % (
            "NULL" if self.columns == "NULL" else "'%s'" % self.columns, self.owner[0]))

    def dates(self):
        page = self.list(q="zoneminuit")
        self.assertEqual(page.status, 200)
        return (re.findall(r"\b\d\d/\d\d/\d{4}\b", page.body), "customers-chosen" in page.body)

    def test_the_dates_are_the_shops_days(self):
        for chosen in (None, "email,last_order,created"):
            web.STACK.sql("UPDATE admin SET list_columns = %s WHERE email = '%s'" % (
                "NULL" if chosen is None else "'%s'" % chosen, self.owner[0]))
            for zone, days in (("Europe/Paris", ["01/01/2027", "01/07/2026"]),
                               ("America/Cayenne", ["31/12/2026", "30/06/2026"])):
                web.STACK.sql("UPDATE shop SET time_zone = '%s' WHERE slug = 'alpha'" % zone)
                self.assertEqual(self.dates(), (days, chosen is not None), (chosen, zone))
