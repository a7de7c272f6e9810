"""The customer list (customers.fcgi): paging, search, escaping, tenancy."""

import html
import re
import unittest
import urllib.parse

from fixtures import ALPHA_DEMO_CUSTOMERS, ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import web


def rows(page):
    """The names of the list, as text ("Lefèvre, Élodie")."""
    return [html.unescape(re.sub(r"<[^>]+>", "", name)) for name in
            re.findall(r'<td class="name"><a href="/admin/customers/\d+[^"]*">(.*?)</a>', page.body)]


class Signed(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def list(self, **query):
        return self.browser.get("/admin/customers?" + urllib.parse.urlencode(query))


class Listing(Signed):
    def test_first_page_shows_fifty_customers_sorted_by_name(self):
        page = self.list()
        self.assertEqual(page.status, 200)
        names = rows(page)
        self.assertEqual(len(names), 50)
        self.assertRegex(page.text(), r"1–50 sur \d+ clients")
        self.assertRegex(page.body, r'rel="next" href="/admin/customers\?sort=name&amp;dir=asc'
                                    r'&amp;size=50&amp;after=[A-Za-z0-9_-]+&amp;page=2&amp;total=\d+"')
        self.assertNotIn('rel="prev"', page.body)

    def test_pages_cover_every_active_customer_once(self):
        """following "next" lists each listed customer exactly once, and "previous" goes back"""
        pages, page = [], self.list()
        while True:
            pages.append(re.findall(r'href="/admin/customers/(\d+)[?"]', page.body))
            self.assertIn("Page %d" % len(pages), page.text())
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            if not link:
                break
            self.assertIn("&amp;page=%d" % (len(pages) + 1), link.group(1))
            page = self.browser.get(link.group(1).replace("&amp;", "&"))
        seen = [i for p in pages for i in p]
        expected = web.STACK.sql(
            "SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
            " WHERE s.slug = 'alpha' AND c.status <> 'inactive' AND c.erased_at IS NULL")[0][0]
        self.assertEqual(len(seen), int(expected))
        self.assertEqual(len(set(seen)), len(seen))
        self.assertGreaterEqual(len(pages), 3)
        for number in range(len(pages) - 1, 0, -1):
            link = re.search(r'rel="prev" href="([^"]+)"', page.body).group(1)
            self.assertIn("before=", link)
            page = self.browser.get(link.replace("&amp;", "&"))
            self.assertEqual(re.findall(r'href="/admin/customers/(\d+)[?"]', page.body), pages[number - 1])
            self.assertIn("Page %d" % number, page.text())
        self.assertNotIn('rel="prev"', page.body)

    def test_inactive_customers_are_not_listed_by_default(self):
        page = self.list(q="dormant")
        self.assertEqual(page.status, 200)
        self.assertNotIn("Zzinactive", page.text())
        # the same search finds them once inactive customers are asked for
        for status in ("inactive", "all"):
            self.assertIn("Zzinactive", self.list(q="dormant", status=status).text(), status)
        # and the default list still lists the others
        self.assertEqual(len(rows(self.list())), 50)

    def test_money_and_dates_are_written_the_french_way(self):
        page = self.list()
        self.assertRegex(page.body, r"\d+,\d\d\u00a0€")
        self.assertRegex(page.body, r"\d\d/\d\d/20\d\d")

    def test_staff_can_see_the_list(self):
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        self.assertEqual(staff.get("/admin/customers").status, 200)

    def test_admin_home_leads_to_the_customers(self):
        self.assertEqual(self.browser.get("/admin/").header("Location"), "/admin/customers")


class Search(Signed):
    def test_lowercase_without_accent_finds_accented_first_names(self):
        """'elodie' finds 'Élodie'"""
        page = self.list(q="elodie")
        names = rows(page)
        self.assertGreater(len(names), 0)
        for name in names:
            self.assertIn("Élodie", name)

    def test_search_matches_last_name_prefix(self):
        names = rows(self.list(q="lefe"))
        self.assertGreater(len(names), 0)
        for name in names:
            self.assertTrue(name.startswith("Lefèvre") or name.startswith("Lefèbvre"), name)

    def test_search_matches_email_prefix_in_any_case(self):
        page = self.list(q="XSS@Alpha")
        self.assertIn("xss@alpha.test", page.text())
        self.assertEqual(len(rows(page)), 1)

    def test_first_and_last_name_together(self):
        expected = web.STACK.sql(
            "SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'alpha'"
            " AND c.first_name = 'Élodie' AND c.last_name LIKE 'M%' AND c.status <> 'inactive'")[0][0]
        names = rows(self.list(q="elodie m"))
        self.assertEqual(len(names), int(expected))

    def test_like_wildcards_are_taken_literally(self):
        names = rows(self.list(q="_lodie"))
        self.assertGreater(len(names), 0)
        for name in names:
            self.assertIn("Élodie", name)
        page = self.list(q="%")
        self.assertEqual(page.status, 400)
        self.assertIn("Saisissez au moins une lettre ou un chiffre pour chercher.", page.text())

    def test_a_search_without_a_letter_is_refused_in_the_admins_language(self):
        """one letter is a search since issue 12 (test_search_planner.py);
        punctuation alone is still refused"""
        page = self.list(q="-")
        self.assertEqual(page.status, 400)
        self.assertIn("Saisissez au moins une lettre ou un chiffre pour chercher.", page.text())
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        page = beta.get("/admin/customers?q=-")
        self.assertEqual(page.status, 400)
        self.assertIn("Type at least one letter or digit to search.", page.text())

    def test_search_is_kept_in_the_box_and_the_pager(self):
        page = self.list(q="example")
        self.assertIn('value="example"', page.body)
        self.assertRegex(page.body, r'rel="next" href="/admin/customers\?q=example&amp;sort=name&amp;dir=asc'
                                    r'&amp;size=50&amp;after=[A-Za-z0-9_-]+&amp;page=2"')

    def test_search_never_shows_another_shops_customers(self):
        """beta's Élodie Betasecret is not found from alpha, where alpha's Élodies are"""
        self.assertNotIn("Betasecret", self.list(q="betasecret").body)
        self.assertNotIn("secret@beta.test", self.list(q="secret").text())
        elodies = self.list(q="elodie", status="all", size="200")
        self.assertNotIn("Betasecret", elodies.body)
        expected = {r[0] for r in web.STACK.sql(
            "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'alpha'"
            " AND c.first_name LIKE '%elodie%' AND c.erased_at IS NULL")}
        self.assertTrue(expected)
        self.assertLessEqual(expected, set(re.findall(r'href="/admin/customers/(\d+)[?"]', elodies.body)))
        self.assertEqual(self.list(q="gwen").status, 200)
        self.assertNotIn("gwen@beta.test", self.list(q="gwen").text())
        # beta's admin finds beta's own customers with the same searches
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        self.assertIn("Betasecret", beta.get("/admin/customers?q=betasecret").body)
        self.assertIn("gwen@beta.test", beta.get("/admin/customers?q=gwen").text())


class Escaping(Signed):
    def test_hostile_name_is_shown_as_text(self):
        page = self.list(q="xss")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page.body)
        self.assertNotIn("<script>", page.body)
        self.assertIn("&quot;Quote &amp; &lt;b&gt;Bold&lt;/b&gt;", page.body)

    def test_search_text_is_escaped_when_shown_back(self):
        page = self.list(q='"><script>x</script>')
        self.assertNotIn("<script>x", page.body)
        self.assertIn("&quot;&gt;&lt;script&gt;", page.body)


class BadInput(Signed):
    def test_page_that_is_not_a_number(self):
        for value in ("abc", "0", "-1", "99999999999", "1.5", ""):
            page = self.list(page=value)
            if value == "":
                self.assertEqual(page.status, 200)
                continue
            self.assertEqual(page.status, 400, value)
            self.assertIn("Ce nombre n'est pas valide.", page.text())

    def test_search_longer_than_100_characters(self):
        page = self.list(q="x" * 101)
        self.assertEqual(page.status, 400)
        self.assertIn("Ce champ est trop long.", page.text())

    def test_search_in_windows_1252(self):
        page = self.browser.get("/admin/customers?q=%C9lodie")
        self.assertEqual(page.status, 400)
        self.assertIn("caractères non valides", page.text())

    def test_repeated_parameter(self):
        page = self.browser.get("/admin/customers?page=1&page=2")
        self.assertEqual(page.status, 400)


class Tenancy(unittest.TestCase):
    def test_signed_out_visitor_is_sent_to_sign_in(self):
        answer = web.Browser(ALPHA_HOST).get("/admin/customers")
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/login?next=/admin/customers")

    def test_alpha_session_on_beta_host_shows_nothing(self):
        """an alpha admin's cookie sent to beta's host is not a session there"""
        alpha = web.Browser(ALPHA_HOST)
        alpha.sign_in(*ALPHA_OWNER)
        intruder = web.Browser(BETA_HOST)
        intruder.cookies = dict(alpha.cookies)
        answer = intruder.get("/admin/customers")
        self.assertEqual(answer.status, 303)
        self.assertNotIn("Hughes", answer.body)
        self.assertNotIn("Betasecret", answer.body)

    def test_each_shop_lists_only_its_own_customers(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        page = beta.get("/admin/customers")
        names = rows(page)
        self.assertIn("Betasecret, Élodie", names)
        self.assertIn("Hughes, Gwen", names)
        self.assertLess(len(names), 10)
        self.assertIn("Customers", page.text())
        self.assertNotIn("example.fr", page.body)
