"""The search planner (issue 12): a search of one letter or digit is
answered, not refused: the customers whose last or first name starts with
the letter (a digit: whose phone, as typed, starts with it), in name order
whatever the order asked, the count said up to "plus de 1 000"; every page
of it is SQL's answer. The server's estimates the planner keeps for a
minute never change which customers a search finds."""

import re
import unittest

from test_customer_list import Lists, ids
import web

HOST = "lettres.test"
OWNER = ("owner@lettres.test", "lettres-owner-password")


def expected(condition, descending=False):
    """The shop's customers that condition keeps, in the list's name order."""
    order = "c.name_key DESC, c.id DESC" if descending else "c.name_key, c.id"
    return [r[0] for r in web.STACK.sql(
        "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'lettres'"
        " AND c.erased_at IS NULL AND %s ORDER BY %s" % (condition, order))]


CURRENT = "c.status <> 'inactive'"


class LetterSearch(Lists):
    """A shop of 300 demo customers and 1,200 more: 1,100 whose last name
    starts with M (some with an accent or a lowercase letter, some inactive),
    60 whose first name does (Mélanie Dubois), 40 with phones typed at home
    ("06…") or from abroad ("+33 6…")."""
    host, owner = HOST, OWNER

    @classmethod
    def setUpClass(cls):
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM shop WHERE slug = 'lettres'") == [["1"]]:
            return
        stack.admin("shop", "add", "--slug", "lettres", "--name", "Lettres", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "lettres", "--host", HOST)
        stack.admin("admin", "add", "--shop", "lettres", "--email", OWNER[0], "--role", "owner",
                    input=OWNER[1] + "\n")
        stack.admin("seed-demo", "--shop", "lettres", "--customers", "300")
        stack.sql("""
SET SESSION max_recursive_iterations = 2000;
INSERT INTO customer (shop_id, email, first_name, last_name, status, source, marketing_consent)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
SELECT s.id, CONCAT('m', i, '@lettres.test'), ELT(1 + i % 4, 'Anne', 'Marc', 'Zoé', 'Éric'),
       CONCAT(ELT(1 + i % 5, 'Martin', 'Mège', 'moreau', 'Müller', 'Mansour'), '-', i),
       IF(i % 9 = 0, 'inactive', 'active'), 'admin', i % 2
  FROM n, shop s WHERE s.slug = 'lettres';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source, marketing_consent)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
SELECT s.id, CONCAT('melanie', i, '@lettres.test'), IF(i % 2, 'Mélanie', 'mathilde'),
       ELT(1 + i % 3, 'Dubois', 'Zola', 'Abel'), 'active', 'admin', i % 3 = 0
  FROM n, shop s WHERE s.slug = 'lettres';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source, phone, phone_digits)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
SELECT s.id, CONCAT('tel', i, '@lettres.test'), 'Paul', CONCAT('Téléphone-', i), 'active', 'admin',
       IF(i % 2, CONCAT('06 12 34 56 ', LPAD(i, 2, '0')), CONCAT('+33 6 12 34 56 ', LPAD(i, 2, '0'))),
       IF(i % 2, CONCAT('06123456', LPAD(i, 2, '0')), CONCAT('336123456', LPAD(i, 2, '0')))
  FROM n, shop s WHERE s.slug = 'lettres'""")
        stack.admin("search-reindex", "--shop", "lettres")

    def test_one_letter_lists_every_name_starting_with_it_in_name_order(self):
        names = expected("(c.last_name LIKE 'm%' OR c.first_name LIKE 'm%') AND " + CURRENT)
        self.assertGreater(len(names), 1000)
        page = self.list(q="m")
        self.assertEqual(page.status, 200)
        self.assertEqual(ids(page), names[:50])
        self.assertRegex(page.text(), r"1–50 sur plus de 1\W?000 clients")
        self.assertEqual(self.all_pages(q="m"), names)

    def test_a_letter_with_a_filter_pages_both_ways(self):
        names = expected("(c.last_name LIKE 'm%' OR c.first_name LIKE 'm%') AND c.marketing_consent = 1"
                         " AND " + CURRENT, descending=True)
        self.assertEqual(self.all_pages(q="M", consent="yes", dir="desc", size="100"), names)
        last = self.last_page(q="M", consent="yes", dir="desc", size="100")
        self.assertEqual(self.back_from(last) + ids(last), names)
        second = self.browser.get(re.search(r'rel="next" href="([^"]+)"', self.list(
            q="M", consent="yes", dir="desc", size="100").body).group(1).replace("&amp;", "&"))
        self.assertIn("101–200 sur %d clients" % len(names), second.text())

    def test_a_letter_is_listed_by_name_whatever_the_order_asked(self):
        names = expected("(c.last_name LIKE 'm%' OR c.first_name LIKE 'm%') AND " + CURRENT)
        page = self.list(q="m", sort="spent", dir="asc")
        self.assertEqual(ids(page), names[:50])
        link = re.search(r'rel="next" href="([^"]+)"', page.body).group(1)
        self.assertIn("sort=name", link)

    def test_a_letter_finds_accents_and_first_names(self):
        """"é" finds the Érics and "e" lowercase; a letter's few customers
        are counted exactly"""
        names = expected("(c.last_name LIKE 'e%' OR c.first_name LIKE 'e%') AND " + CURRENT)
        self.assertGreater(len(expected("c.first_name = 'Éric' AND " + CURRENT)), 200)
        self.assertEqual(self.all_pages(q="é", size="200"), names)
        few = expected("(c.last_name LIKE 'z%' OR c.first_name LIKE 'z%') AND c.marketing_consent = 1"
                       " AND " + CURRENT)
        self.assertLess(len(few), 200)
        page = self.list(q="z", consent="yes", size="200")
        self.assertIn("1–%d sur %d clients" % (len(few), len(few)), page.text())
        self.assertEqual(ids(page), few)

    def test_one_digit_finds_the_phones_starting_with_it(self):
        home = expected("c.phone_digits LIKE '0%' AND " + CURRENT)
        self.assertEqual(len(home), 20)
        page = self.list(q="0")
        self.assertEqual(ids(page), home)
        self.assertIn("20 clients", page.text())
        abroad = expected("c.phone_digits LIKE '3%' AND " + CURRENT)
        self.assertGreater(len(abroad), 20)
        self.assertEqual(self.all_pages(q="3", size="25"), abroad)

    def test_every_match_of_a_letter_for_a_bulk_action(self):
        names = expected("(c.last_name LIKE 'z%' OR c.first_name LIKE 'z%') AND " + CURRENT)
        token = self.list().csrf()
        page = self.browser.post("/admin/customers/bulk", {"action": "deactivate", "scope": "all",
                                                           "q": "z", "csrf": token})
        self.assertEqual(page.status, 200)
        self.assertIn("Marquer inactifs %d clients ?" % len(names), page.text())

    def test_a_search_without_a_letter_or_digit_is_refused(self):
        for typed in ("-", "!?", "+ ()"):
            page = self.list(q=typed)
            self.assertEqual(page.status, 400, typed)
            self.assertIn("Saisissez au moins une lettre ou un chiffre pour chercher.", page.text())

    def test_kept_estimates_do_not_change_what_a_search_finds(self):
        """the planner keeps the server's estimates of "zorglub" and of "y"
        for a minute; customers added meanwhile are found at once"""
        self.assertEqual(ids(self.list(q="zorglub")), [])
        before = expected("(c.last_name LIKE 'y%' OR c.first_name LIKE 'y%') AND " + CURRENT)
        self.assertEqual(self.all_pages(q="y"), before)
        for number in range(3):
            answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                         {"email": "zorglub%d@lettres.test" % number,
                                          "first_name": "Yvette", "last_name": "Zorglub"})
            self.assertEqual(answer.status, 303)
        added = expected("c.last_name = 'Zorglub'")
        self.assertEqual(ids(self.list(q="zorglub")), added)
        after = expected("(c.last_name LIKE 'y%' OR c.first_name LIKE 'y%') AND " + CURRENT)
        self.assertEqual(len(after), len(before) + 3)
        self.assertEqual(self.all_pages(q="y"), after)


if __name__ == "__main__":
    unittest.main()
