"""New customer (invited, welcome mail queued with it) and one customer's
page (contact, orders, timeline, mails), in customers.fcgi."""

import html
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web


def count(sql):
    return int(web.STACK.sql(sql)[0][0])


class Signed(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def create(self, **fields):
        return self.browser.submit("/admin/customers/new", "/admin/customers/new", fields)


class NewCustomer(Signed):
    def test_new_customer_is_invited_with_a_complete_welcome_mail(self):
        # an accented address is refused (no SMTPUTF8 assumed at the relay:
        # see text_email_check), so this one is plain ASCII
        answer = self.create(email=" Jeanne.Dupre@Example.FR ", first_name="Jeanne",
                             last_name="Dupré", phone="+33 6 12 34 56 78", country="fr",
                             language="fr")
        self.assertEqual(answer.status, 303)
        self.assertRegex(answer.header("Location"), r"^/admin/customers/\d+$")
        row = web.STACK.sql("SELECT c.status, c.source, c.country, c.phone_digits, o.recipient,"
                            " o.subject, o.status FROM customer c JOIN outbox o ON o.customer_id = c.id"
                            " WHERE c.email = 'jeanne.dupre@example.fr'")
        self.assertEqual(row, [["invited", "admin", "FR", "33612345678", "jeanne.dupre@example.fr",
                                "Bienvenue chez Épicerie Alpha", row[0][6]]])
        body = web.STACK.sql("SELECT body_text LIKE '%%/account/login%%', body_html <> ''"
                             " FROM outbox WHERE recipient = 'jeanne.dupre@example.fr'")
        self.assertEqual(body, [["1", "1"]])
        page = self.browser.get(answer.header("Location"))
        self.assertEqual(page.status, 200)
        self.assertIn("Dupré, Jeanne", page.text())
        self.assertIn("Invité", page.text())
        self.assertIn("Fiche créée", page.text())
        self.assertIn(ALPHA_OWNER[0], page.text())

    def test_duplicate_email_after_normalising_is_refused_and_nothing_changes(self):
        self.create(email="twice@alpha.test")
        before = count("SELECT COUNT(*) FROM customer")
        mails = count("SELECT COUNT(*) FROM outbox")
        answer = self.create(email="  TWICE@Alpha.test", first_name="Second")
        self.assertEqual(answer.status, 400)
        self.assertIn("Un client de la boutique a déjà cette adresse e-mail.", answer.text())
        self.assertIn('value="Second"', answer.body)
        self.assertEqual(count("SELECT COUNT(*) FROM customer"), before)
        self.assertEqual(count("SELECT COUNT(*) FROM outbox"), mails)

    def test_without_an_address_a_customer_like_one_here_is_asked_about_first(self):
        """a farm's customer known by name and phone: typed twice by two
        people of the shop, it would be two customers"""
        def made():
            return count("SELECT COUNT(*) FROM customer WHERE last_name = 'Lefermier'")

        first = self.create(first_name="Paul", last_name="Lefermier", phone="06 11 22 33 44")
        self.assertEqual(first.status, 303)
        paul = first.header("Location").rsplit("/", 1)[1]
        self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE last_name = 'Lefermier'")
        # the same names, written otherwise; then the same phone under another name
        for fields in ({"first_name": "paul", "last_name": "LEFERMIER", "phone": "07 99 88 77 66"},
                       {"first_name": "Pauline", "last_name": "Lefermier",
                        "phone": "06.11.22.33.44"}):
            answer = self.create(**fields)
            self.assertEqual(answer.status, 409, fields)
            self.assertIn("Ce client existe peut-être déjà.", answer.text())
            self.assertIn('<a href="/admin/customers/%s"><span class="family-name">Lefermier'
                          '</span>, Paul</a> · <span class="nowrap">06 11 22 33 44</span>'
                          % paul, answer.body)
            self.assertIn('<input type="checkbox" name="anyway" value="1" required>', answer.body)
            # what was typed is kept
            self.assertIn('value="%s"' % fields["first_name"], answer.body)
            self.assertEqual(made(), 1)
        # someone else indeed: ticked, it is made
        answer = self.create(first_name="Pauline", last_name="Lefermier", phone="06 11 22 33 44",
                             anyway="1")
        self.assertEqual(answer.status, 303)
        self.assertEqual(made(), 2)
        # nobody like them: no question; a bad box: refused
        self.assertEqual(self.create(first_name="Jules", last_name="Lefermier-Autre",
                                     phone="07 12 12 12 12").status, 303)
        self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE last_name = 'Lefermier-Autre'")
        self.assertEqual(self.create(first_name="Paul", last_name="Lefermier",
                                     phone="07 99 88 77 66", anyway="2").status, 400)
        self.assertEqual(made(), 2)

    def test_a_customer_like_one_here_by_a_phone_typed_with_dots(self):
        """imported customers known by a surname (no first name) or by
        nothing but a phone typed with dots: the question shows the name
        or a dash, and the phone tidied"""
        shop = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        for last, email in (("'Sanprénom'", "'sans.prenom@alpha.test'"), ("''", "NULL")):
            web.STACK.sql("INSERT INTO customer (shop_id, last_name, email, phone, phone_digits,"
                          " status, source) VALUES (%s, %s, %s, '06.55.44.33.22', '0655443322',"
                          " 'active', 'import')" % (shop, last, email))
        self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE phone_digits = '0655443322'")
        answer = self.create(first_name="Jean", last_name="Autre", phone="06 55 44 33 22")
        self.assertEqual(answer.status, 409)
        twins = re.search(r"<ul>(.*?)</ul>", answer.body, re.S).group(1)
        self.assertIn('<span class="family-name">Sanprénom</span></a> · '
                      '<span class="nowrap">06 55 44 33 22</span> · sans.prenom<wbr>@alpha.test',
                      twins)
        self.assertIn('">—</a> · <span class="nowrap">06 55 44 33 22</span>', twins)

    def test_the_question_never_shows_another_shops_or_an_erased_customer(self):
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        answer = beta.submit("/admin/customers/new", "/admin/customers/new",
                             {"first_name": "Odile", "last_name": "Ailleurs", "phone": "0700000001"})
        self.assertEqual(answer.status, 303)
        gone = self.create(first_name="Eric", last_name="Efface", phone="0700000002")
        self.assertEqual(gone.status, 303)
        web.STACK.sql("UPDATE customer SET erased_at = NOW(), first_name = '', last_name = '',"
                      " phone = '', phone_digits = '' WHERE id = %s"
                      % gone.header("Location").rsplit("/", 1)[1])
        self.addCleanup(web.STACK.sql, "DELETE FROM customer WHERE last_name IN ('Ailleurs',"
                                       " 'Efface') OR phone_digits IN ('0700000001', '0700000002')")
        for fields in ({"first_name": "Odile", "last_name": "Ailleurs", "phone": "0700000001"},
                       {"first_name": "Eric", "last_name": "Efface", "phone": "0700000002"}):
            answer = self.create(**fields)
            self.assertEqual(answer.status, 303, fields)

    def test_same_email_in_another_shop_is_fine(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        answer = beta.submit("/admin/customers/new", "/admin/customers/new",
                             {"email": "xss@alpha.test", "language": "en"})
        self.assertEqual(answer.status, 303)

    def test_bad_fields_are_refused_with_their_message(self):
        # no address at all is fine when there is a phone or a postal
        # address (issue 15, test_customer_behalf.py); nothing at all is not
        cases = [({"email": ""}, "Donnez au moins un moyen de joindre la personne"),
                 ({"email": "not-an-address"}, "Cette adresse e-mail n'est pas valide."),
                 ({"email": "ok1@alpha.test", "first_name": "x" * 101}, "Ce champ est trop long."),
                 ({"email": "ok2@alpha.test", "phone": "call me"}, "Ce numéro de téléphone n'est pas valide."),
                 ({"email": "ok3@alpha.test", "country": "France"}, "Choisissez un pays dans la liste."),
                 ({"email": "ok4@alpha.test", "language": "de"}, "Choisissez français ou anglais."),
                 ({"email": "ok5@alpha.test", "last_name": "a\u0001b"}, "caractères non valides")]
        for fields, message in cases:
            before = count("SELECT COUNT(*) FROM customer")
            answer = self.create(**fields)
            self.assertEqual(answer.status, 400, fields)
            self.assertIn(message, answer.text(), fields)
            self.assertEqual(count("SELECT COUNT(*) FROM customer"), before, fields)

    def test_without_csrf_token_nothing_is_created(self):
        self.browser.get("/admin/customers/new")
        before = count("SELECT COUNT(*) FROM customer")
        answer = self.browser.post("/admin/customers/new", {"email": "nocsrf@alpha.test"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(count("SELECT COUNT(*) FROM customer"), before)

    def test_signed_out_visitor_cannot_create(self):
        visitor = web.Browser(ALPHA_HOST)
        token = visitor.get("/admin/login").csrf()
        answer = visitor.post("/admin/customers/new", {"email": "anon@alpha.test", "csrf": token})
        self.assertEqual(answer.status, 303)
        self.assertEqual(count("SELECT COUNT(*) FROM customer WHERE email = 'anon@alpha.test'"), 0)


class CustomerPage(Signed):
    def customer_id(self, email, shop="alpha"):
        return web.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                             " WHERE s.slug = '%s' AND c.email = '%s'" % (shop, email))[0][0]

    def test_orders_summary_leaves_cancelled_orders_out(self):
        self.create(email="buyer@alpha.test", first_name="Paul", last_name="Acheteur")
        cid = self.customer_id("buyer@alpha.test")
        shop = web.STACK.sql("SELECT shop_id FROM customer WHERE id = %s" % cid)[0][0]
        # no order yet: no average basket, rather than 0,00 €
        self.assertIn("Panier moyen —", self.browser.get("/admin/customers/" + cid).text())
        web.STACK.sql(
            "INSERT INTO orders (shop_id, customer_id, reference, status, total_cents, ordered_at) VALUES"
            " (%(s)s, %(c)s, 'B-1', 'paid', 1000, '2026-05-01 10:00:00'),"
            " (%(s)s, %(c)s, 'B-2', 'completed', 3000, '2026-06-01 10:00:00'),"
            " (%(s)s, %(c)s, 'B-3', 'cancelled', 9900, '2026-07-01 10:00:00')" % {"s": shop, "c": cid})
        page = self.browser.get("/admin/customers/" + cid)
        text = page.text()
        self.assertIn("Nombre de commandes 2", text)
        # text() turns the no-break space before € into a plain one
        self.assertIn("Total dépensé 40,00 €", text)
        self.assertIn("Panier moyen 20,00 €", text)
        self.assertIn("Dernière commande 01/06/2026", text)
        self.assertIn("B-3 annulée", text)
        self.assertIn('class="cancelled"', page.body)

    def test_another_shops_customer_is_not_found(self):
        cid = self.customer_id("secret@beta.test", shop="beta")
        page = self.browser.get("/admin/customers/" + cid)
        self.assertEqual(page.status, 404)
        self.assertNotIn("Betasecret", page.body)

    def test_unknown_and_malformed_ids(self):
        for path in ("/admin/customers/999999999", "/admin/customers/0", "/admin/customers/-1",
                     "/admin/customers/abc", "/admin/customers/12abc"):
            self.assertEqual(self.browser.get(path).status, 404, path)

    def test_erased_customer_is_not_found(self):
        self.create(email="gone@alpha.test")
        cid = self.customer_id("gone@alpha.test")
        web.STACK.sql("UPDATE customer SET email = NULL, erased_at = NOW() WHERE id = %s" % cid)
        self.assertEqual(self.browser.get("/admin/customers/" + cid).status, 404)

    def test_hostile_name_is_escaped_on_the_customer_page(self):
        cid = self.customer_id("xss@alpha.test")
        page = self.browser.get("/admin/customers/" + cid)
        self.assertEqual(page.status, 200)
        self.assertNotIn("<script>", page.body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page.body)

    def test_list_links_to_customer_pages(self):
        page = self.browser.get("/admin/customers?q=xss")
        link = html.unescape(re.search(r'href="(/admin/customers/\d+[^"]*)"', page.body).group(1))
        self.assertEqual(self.browser.get(link).status, 200)
