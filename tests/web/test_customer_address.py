"""A customer's company, postal address and VAT number (issue 13: the
columns shop files carry, sql/013): written by the edit form through the
customer writer, shown on the customer's page and in the forms, each
checked for its length at the door (too long: a message beside the field,
nothing changed), and out of reach of another shop's admin."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
from test_pages import tidy_problems
import web

# field, its longest value in characters (the column's)
LIMITS = (("company", 100), ("address", 255), ("postal_code", 20), ("city", 100),
          ("vat_number", 32))
COLUMNS = "company, address, postal_code, city, vat_number"
FILLED = {"company": "Boulangerie L'Épi d'Or", "address": "12, rue des Lilas — bât. B",
          "postal_code": "75011", "city": "Paris", "vat_number": "FR 12 345678901"}


def row(sql):
    rows = web.STACK.sql(sql)
    return rows[0] if rows else None


class Address(unittest.TestCase):
    counter = 0

    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        Address.counter += 1
        self.email = "adresse%d@alpha.test" % Address.counter
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": self.email, "first_name": "Éloïse",
                                      "last_name": "Lefèvre"})
        self.assertEqual(answer.status, 303)
        self.path = answer.header("Location")
        self.id = self.path.rsplit("/", 1)[1]

    def edit(self, fields, browser=None):
        browser = browser or self.browser
        return browser.submit(self.path + "/edit", self.path + "/edit",
                              dict({"email": self.email, "first_name": "Éloïse",
                                    "last_name": "Lefèvre", "language": "fr"}, **fields))

    def stored(self):
        return row("SELECT %s FROM customer WHERE id = %s" % (COLUMNS, self.id))

    def test_an_edit_writes_them_and_the_page_shows_them(self):
        answer = self.edit(FILLED)
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.stored(), [FILLED[f] for f, _ in LIMITS])
        page = self.browser.get(self.path)
        self.assertEqual(page.status, 200)
        text = page.text()
        self.assertIn("Société Boulangerie L'Épi d'Or", text)
        self.assertIn("Adresse 12, rue des Lilas — bât. B 75011 Paris", text)
        self.assertIn("N° de TVA FR 12 345678901", text)
        self.assertIn("12, rue des Lilas — bât. B<br>75011 Paris", page.body)
        self.assertEqual(tidy_problems(page.body), [])
        # the edit form shows them again, to be changed
        form = self.browser.get(self.path + "/edit")
        self.assertEqual(form.status, 200)
        for field, _ in LIMITS:
            self.assertIn('name="%s" type="text" maxlength="%d" autocomplete="off" value="%s"'
                          % (field, dict(LIMITS)[field],
                             FILLED[field].replace("'", "&#39;")), form.body)
        self.assertEqual(tidy_problems(form.body), [])
        # emptied by a later edit
        self.assertEqual(self.edit({}).status, 303)
        self.assertEqual(self.stored(), [""] * 5)
        self.assertNotIn("Société", self.browser.get(self.path).text())

    def test_a_customer_without_them_shows_no_empty_lines(self):
        text = self.browser.get(self.path).text()
        for label in ("Société", "Adresse ", "N° de TVA"):
            self.assertNotIn(label, text.replace("Adresse e-mail", ""))

    def test_the_longest_values_are_kept_whole(self):
        # characters, not bytes: accented letters of two bytes each
        longest = {field: "é" * limit for field, limit in LIMITS}
        self.assertEqual(self.edit(longest).status, 303)
        self.assertEqual(self.stored(), [longest[f] for f, _ in LIMITS])

    def test_each_too_long_is_refused_with_a_message_and_changes_nothing(self):
        self.assertEqual(self.edit(FILLED).status, 303)
        for field, limit in LIMITS:
            answer = self.edit(dict(FILLED, **{field: "é" * (limit + 1)}))
            self.assertEqual(answer.status, 400, field)
            self.assertIn("Corrigez les champs signalés.", answer.text())
            # the message sits under the field, and what was typed stays
            self.assertRegex(answer.body, r'name="%s"[^>]*value="%s">\s*<p class="field-error"[^>]*>'
                             r'Ce champ est trop long\.' % (field, "é" * (limit + 1)))
            self.assertEqual(self.stored(), [FILLED[f] for f, _ in LIMITS], field)

    def test_the_new_customer_form_checks_them_at_the_door(self):
        form = self.browser.get("/admin/customers/new")
        for field, limit in LIMITS:
            self.assertIn('name="%s" type="text" maxlength="%d"' % (field, limit), form.body)
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": "trop-long-%s" % self.email, "city": "x" * 101})
        self.assertEqual(answer.status, 400)
        self.assertIn("Ce champ est trop long.", answer.text())
        self.assertEqual(row("SELECT COUNT(*) FROM customer WHERE email = 'trop-long-%s'"
                             % self.email), ["0"])

    def test_a_new_customer_gets_them_from_the_form(self):
        email = "nouveau-%s" % self.email
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     dict(FILLED, email=email, last_name="Lefèvre"))
        self.assertEqual(answer.status, 303)
        self.assertEqual(row("SELECT %s FROM customer WHERE email = '%s'" % (COLUMNS, email)),
                         [FILLED[f] for f, _ in LIMITS])
        self.assertIn("Société Boulangerie L'Épi d'Or",
                      self.browser.get(answer.header("Location")).text())

    def test_values_are_text_and_shown_escaped(self):
        hostile = {"company": "<script>alert(1)</script>", "city": "=HYPERLINK(\"x\")",
                   "address": "\"><b>gras</b>", "postal_code": "+33", "vat_number": "@SUM(1)"}
        self.assertEqual(self.edit(hostile).status, 303)
        self.assertEqual(self.stored(), [hostile[f] for f, _ in LIMITS])
        page = self.browser.get(self.path)
        self.assertNotIn("<script>alert", page.body)
        self.assertNotIn("<b>gras</b>", page.body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page.body)

    def test_in_english_for_an_english_shop(self):
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        answer = beta.submit("/admin/customers/new", "/admin/customers/new",
                             {"email": "address%d@beta.test" % Address.counter})
        self.assertEqual(answer.status, 303)
        path = answer.header("Location")
        form = beta.get(path + "/edit").text()
        for label in ("Company", "VAT number", "Address", "Postcode", "City"):
            self.assertIn(label, form)

    def test_another_shops_admin_cannot_change_them(self):
        self.assertEqual(self.edit(FILLED).status, 303)
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        self.assertEqual(beta.get(self.path).status, 404)
        self.assertEqual(beta.get(self.path + "/edit").status, 404)
        token = beta.get("/admin/customers").csrf()
        answer = beta.post(self.path + "/edit", {"email": self.email, "company": "Volé",
                                                 "city": "Ailleurs", "csrf": token})
        self.assertEqual(answer.status, 404)
        self.assertEqual(self.stored(), [FILLED[f] for f, _ in LIMITS])
        self.assertNotIn("Boulangerie", answer.body)
