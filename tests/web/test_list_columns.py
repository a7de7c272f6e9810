"""Issue 16, the customer list's columns: the list opens with its default
columns as before; an admin chooses others (phone, country, source,
signup date, the marketing and service-mail flags as marks with words for
screen readers, groups, tags, tax exemption) with the list's small form;
the choice is kept per admin (admin.list_columns, known names only) and
goes back to the list's view; bad forms change nothing."""

import re
import unittest

import segments_data as data
from segments_data import HOST_A, OWNER_A, STAFF_A, sql

ALL = ("email", "phone", "status", "orders", "spent", "last_order", "created", "country",
       "source", "marketing", "system_mail", "tax_exempt", "groups", "tags")
DEFAULT = ("email", "phone", "status", "orders", "spent", "last_order", "created")


def setUpModule():
    data.load()


def row_of(page, email):
    """The <tr> of the customer with this address."""
    for row in re.findall(r"<tr>(.*?)</tr>", page.body, re.S):
        if email in row:
            return row
    raise AssertionError("no row for " + email)


def headers(page):
    head = re.search(r"<thead>(.*?)</thead>", page.body, re.S).group(1)
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip()
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


class ListColumns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.owner = data.signed_in(HOST_A, OWNER_A)
        cls.staff = data.signed_in(HOST_A, STAFF_A)

    def setUp(self):
        sql("UPDATE admin SET list_columns = NULL WHERE email IN ('%s', '%s')"
            % (OWNER_A[0], STAFF_A[0]))

    def choose(self, browser, columns, back="/admin/customers", extra=None):
        page = browser.get("/admin/customers")
        form = {"csrf": page.csrf(), "back": back}
        form.update(("col_" + name, "1") for name in columns)
        form.update(extra or {})
        return browser.post("/admin/customers/columns", form)

    def saved(self, email):
        return sql("SELECT IFNULL(list_columns, 'NULL') FROM admin WHERE email = '%s'" % email)[0][0]

    def test_the_list_opens_with_its_default_columns(self):
        page = self.owner.get("/admin/customers")
        self.assertEqual(headers(page)[1:], ["Nom, prénom", "E-mail", "Téléphone", "Statut",
                                             "Commandes", "Total dépensé", "Dernière commande",
                                             "Client depuis"])
        self.assertNotIn("customers-chosen", page.body)
        # the chooser shows the default columns ticked
        for name in ALL:
            box = re.search(r'<input type="checkbox" name="col_%s" value="1"( checked)?>' % name,
                            page.body)
            self.assertIsNotNone(box, name)
            self.assertEqual(bool(box.group(1)), name in DEFAULT, name)

    def test_chosen_columns_show_their_data(self):
        answer = self.choose(self.owner, ("phone", "country", "source", "created", "marketing",
                                          "system_mail", "groups", "tags", "tax_exempt"))
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.saved(OWNER_A[0]),
                         "phone,created,country,source,marketing,system_mail,tax_exempt,groups,tags")
        page = self.owner.get("/admin/customers")
        self.assertEqual(headers(page)[1:], ["Nom, prénom", "Téléphone", "Client depuis", "Pays",
                                             "Origine", "Marketing", "Mails de service",
                                             "Exonéré de TVA", "Groupes", "Étiquettes"])
        anne = row_of(page, "/admin/customers/%s" % data.customer_id("anne@segments.test"))
        self.assertIn(">FR<", anne)
        self.assertIn(">Inscription<", anne)                     # source self
        self.assertRegex(anne, r'class="col-marketing"><span class="mark mark-yes" aria-hidden="true">✓</span><span class="visually-hidden">oui</span>')
        self.assertRegex(anne, r'class="col-system-mail"><span class="mark mark-yes"')
        self.assertIn('<span class="chip">Adhérents</span>', anne)
        self.assertIn('<span class="chip">bio</span>', anne)
        self.assertIn('<span class="chip">marché du samedi</span>', anne)
        self.assertIn("non exonéré", anne)
        bruno = row_of(page, "/admin/customers/%s" % data.customer_id("bruno@segments.test"))
        self.assertIn(">BE<", bruno)
        self.assertIn(">Import<", bruno)
        self.assertIn('class="col-tax-exempt">Exonéré</td>', bruno)
        self.assertRegex(bruno, r'class="col-marketing"><span class="mark mark-no" aria-hidden="true">–</span><span class="visually-hidden">non</span>')
        self.assertNotIn("chip", row_of(page, "/admin/customers/%s"
                                        % data.customer_id("felix@segments.test")).split("col-groups")[1].split("</td>")[0])
        # the choice is the owner's: the staff's list keeps its columns
        self.assertNotIn("customers-chosen", self.staff.get("/admin/customers").body)

    def test_another_shops_groups_and_tags_are_never_shown(self):
        self.choose(self.owner, ("email", "groups", "tags"))
        page = self.owner.get("/admin/customers?status=all&size=200")
        self.assertNotIn("Secret club", page.body)
        self.assertNotIn("secret-tag", page.body)

    def test_the_choice_goes_back_to_the_lists_view(self):
        back = "/admin/customers?q=abeille&sort=email&dir=desc&size=25"
        answer = self.choose(self.owner, ("email", "country"), back=back)
        self.assertEqual(answer.header("Location"), back)
        for hostile in ("https://evil.test/", "//evil.test/admin/customers",
                        "/admin/settings", "/admin/customers/../settings?x=<b>"):
            with self.subTest(back=hostile):
                answer = self.choose(self.owner, ("email",), back=hostile)
                self.assertEqual(answer.header("Location"), "/admin/customers")
        # a line break is refused at the door: no header, nothing saved
        answer = self.choose(self.owner, ("email", "tags"), back="/admin/customers\r\nX: y")
        self.assertEqual(answer.status, 400)
        self.assertIsNone(answer.header("X"))
        self.assertEqual(self.saved(OWNER_A[0]), "email")

    def test_back_to_the_default(self):
        self.choose(self.owner, ("email", "tags"))
        answer = self.choose(self.owner, (), extra={"reset": "1"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.saved(OWNER_A[0]), "NULL")
        # choosing exactly the default keeps no choice either
        self.choose(self.owner, DEFAULT)
        self.assertEqual(self.saved(OWNER_A[0]), "NULL")

    def test_bad_forms_change_nothing(self):
        self.choose(self.owner, ("email", "tags"))
        answer = self.choose(self.owner, ())
        self.assertEqual(answer.status, 400)
        self.assertIn("au moins une colonne", answer.body)
        answer = self.choose(self.owner, ("email",), extra={"col_password": "1"})
        self.assertEqual(answer.status, 400)
        answer = self.choose(self.owner, ("email",), extra={"col_tags": "x" * 50})
        self.assertEqual(answer.status, 400)
        page = self.owner.get("/admin/customers")
        answer = self.owner.post("/admin/customers/columns", {"col_email": "1"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(self.saved(OWNER_A[0]), "email,tags")
        # a stored name the list does not know is skipped
        sql("UPDATE admin SET list_columns = 'email,password,tags' WHERE email = '%s'" % OWNER_A[0])
        page = self.owner.get("/admin/customers")
        self.assertEqual(page.status, 200)
        self.assertEqual(headers(page)[1:], ["Nom, prénom", "E-mail", "Étiquettes"])

    def test_addresses_break_before_their_at_in_both_tables(self):
        """a long address wraps "anne / @segments.test" in the table of
        chosen columns as in the default one, not in the middle of a word"""
        anne = "/admin/customers/%s" % data.customer_id("anne@segments.test")
        for columns in (None, ("email", "phone")):
            if columns:
                self.assertEqual(self.choose(self.owner, columns).status, 303)
            page = self.owner.get("/admin/customers")
            self.assertEqual("customers-chosen" in page.body, columns is not None)
            self.assertIn(">anne<wbr>@segments.test</td>", row_of(page, anne))
            self.assertIn("anne@segments.test", page.listed_emails())

    def test_a_customer_known_only_by_a_company_shows_it_in_both_tables(self):
        """an imported restaurant has a company and an address, no name:
        its name cell and tick box say the company, where they said "—"
        and the address; without a company either, the dash stays"""
        a = data.shop_id("segments")
        for email, company in (("bistrot@segments.test", "Bistrot des Halles"),
                               ("nobody@segments.test", "")):
            sql("INSERT INTO customer (shop_id, email, company, status, source)"
                " VALUES (%s, '%s', '%s', 'active', 'import')" % (a, email, company))
            self.addCleanup(sql, "DELETE FROM customer WHERE email = '%s'" % email)
        bistrot, nobody = (data.customer_id(e) for e in ("bistrot@segments.test",
                                                         "nobody@segments.test"))
        for columns in (None, ("email", "phone")):
            if columns:
                self.assertEqual(self.choose(self.owner, columns).status, 303)
            page = self.owner.get("/admin/customers")
            self.assertEqual("customers-chosen" in page.body, columns is not None)
            row = row_of(page, "/admin/customers/%s" % bistrot)
            self.assertRegex(row, r'aria-label="Bistrot des Halles"')
            self.assertRegex(row, r'<td class="name"><a href="/admin/customers/%s[^"]*">'
                                  r'Bistrot des Halles</a>' % bistrot)
            row = row_of(page, "/admin/customers/%s" % nobody)
            self.assertRegex(row, r'aria-label="nobody@segments.test"')
            self.assertRegex(row, r'<td class="name"><a href="/admin/customers/%s[^"]*">—</a>'
                             % nobody)

    def test_a_page_of_200_with_every_column(self):
        from test_pages import tidy_problems
        self.choose(self.owner, ALL)
        page = self.owner.get("/admin/customers?status=all&size=200")
        self.assertEqual(page.status, 200)
        self.assertEqual(tidy_problems(page.body), [])
        self.assertEqual(len(headers(page)), 2 + len(ALL))


if __name__ == "__main__":
    unittest.main()
