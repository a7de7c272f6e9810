"""Acting on one customer: edit, block / unblock, inactive / reactivate,
erase (owners only), send a message. Each bad input changes nothing."""

import html
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import web


def row(sql):
    rows = web.STACK.sql(sql)
    return rows[0] if rows else None


class Actions(unittest.TestCase):
    email = None

    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        Actions.counter = getattr(Actions, "counter", 0) + 1
        self.email = "act%d@alpha.test" % Actions.counter
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": self.email, "first_name": "Anne", "last_name": "Action"})
        self.path = answer.header("Location")
        self.id = self.path.rsplit("/", 1)[1]

    def post(self, action, fields=None, browser=None):
        browser = browser or self.browser
        token = browser.get(self.path).csrf() or browser.get("/admin/customers").csrf()
        return browser.post(self.path + action, dict(fields or {}, csrf=token))

    def customer(self, columns):
        return row("SELECT %s FROM customer WHERE id = %s" % (columns, self.id))


class Edit(Actions):
    def test_edit_changes_the_record_and_the_timeline(self):
        answer = self.browser.submit(self.path + "/edit", self.path + "/edit",
                                     {"email": self.email, "first_name": "Annie", "last_name": "Action",
                                      "phone": "01 23 45 67 89", "country": "be", "language": "en",
                                      "tax_exempt": "1"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.customer("first_name, country, language, tax_exempt, phone_digits"),
                         ["Annie", "BE", "en", "1", "0123456789"])
        self.assertIn("Fiche modifiée", self.browser.get(self.path).text())

    def test_email_change_voids_outstanding_links(self):
        web.STACK.sql("INSERT INTO login_token (shop_id, customer_id, purpose, token_hash, expires_at)"
                      " SELECT shop_id, id, 'customer_login', UNHEX(SHA2(RAND(), 256)), NOW() + INTERVAL 10 MINUTE"
                      " FROM customer WHERE id = %s" % self.id)
        answer = self.browser.submit(self.path + "/edit", self.path + "/edit",
                                     {"email": "moved-%s@alpha.test" % self.id})
        self.assertEqual(answer.status, 303)
        live = row("SELECT COUNT(*) FROM login_token WHERE customer_id = %s AND used_at IS NULL" % self.id)
        self.assertEqual(live, ["0"])
        self.assertIn("Adresse e-mail changée", self.browser.get(self.path).text())

    def test_email_of_another_customer_is_refused(self):
        answer = self.browser.submit(self.path + "/edit", self.path + "/edit",
                                     {"email": "XSS@alpha.test", "first_name": "Changed"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Un client de la boutique a déjà cette adresse e-mail.", answer.text())
        self.assertEqual(self.customer("email, first_name"), [self.email, "Anne"])

    def test_bad_fields_change_nothing(self):
        for fields in ({"email": ""}, {"email": self.email, "first_name": "x" * 101},
                       {"email": self.email, "tax_exempt": "2"}, {"email": self.email, "country": "ZZZ"}):
            answer = self.browser.submit(self.path + "/edit", self.path + "/edit", fields)
            self.assertEqual(answer.status, 400, fields)
        self.assertEqual(self.customer("email, first_name"), [self.email, "Anne"])

    def test_another_shops_admin_cannot_edit(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        self.assertEqual(beta.get(self.path + "/edit").status, 404)
        token = beta.get("/admin/customers").csrf()
        answer = beta.post(self.path + "/edit", {"email": "stolen@beta.test", "csrf": token})
        self.assertEqual(answer.status, 404)
        self.assertEqual(self.customer("email"), [self.email])


class Status(Actions):
    def test_block_needs_a_reason_and_ends_sessions(self):
        web.STACK.sql("INSERT INTO session (id_hash, shop_id, customer_id, expires_at)"
                      " SELECT UNHEX(SHA2(RAND(), 256)), shop_id, id, NOW() + INTERVAL 1 HOUR"
                      " FROM customer WHERE id = %s" % self.id)
        refused = self.post("/block", {"reason": ""})
        self.assertEqual(refused.status, 400)
        self.assertIn("Indiquez le motif du blocage.", refused.text())
        self.assertEqual(self.customer("status"), ["invited"])
        answer = self.post("/block", {"reason": "Impayés répétés"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.customer("status, status_reason"), ["blocked", "Impayés répétés"])
        self.assertEqual(row("SELECT COUNT(*) FROM session WHERE customer_id = %s" % self.id), ["0"])
        page = self.browser.get(self.path)
        self.assertIn("Impayés répétés", page.text())
        self.assertEqual(self.post("/unblock").status, 303)
        self.assertEqual(self.customer("status, status_reason"), ["invited", ""])

    def test_inactive_customers_leave_the_default_list_and_come_back(self):
        self.assertEqual(self.post("/deactivate").status, 303)
        self.assertEqual(self.customer("status"), ["inactive"])
        # the list's links carry the way back (?back=…)
        link = 'href="%s[?"]' % self.path
        found = self.browser.get("/admin/customers?q=" + self.email)
        self.assertNotRegex(found.body, link)
        # the search says it found someone inactive, and leads there
        self.assertIn("Aucun client actif, invité ou bloqué ne correspond", found.text())
        self.assertIn("1 client inactif ou en liste d'attente correspond : le voir", found.text())
        there = html.unescape(re.search(r'<p class="elsewhere" id="elsewhere"><a href="([^"]+)"',
                                        found.body).group(1))
        self.assertIn("status=all", there)
        self.assertRegex(self.browser.get(there).body, link)
        # nobody anywhere: no such line
        self.assertNotIn('id="elsewhere"',
                         self.browser.get("/admin/customers?q=zzpersonne" + self.email).body)
        self.assertEqual(self.post("/reactivate").status, 303)
        self.assertEqual(self.customer("status"), ["invited"])
        self.assertRegex(self.browser.get("/admin/customers?q=" + self.email).body, link)

    def test_actions_by_get_are_not_allowed(self):
        for action in ("/block", "/unblock", "/deactivate", "/reactivate", "/message"):
            self.assertEqual(self.browser.get(self.path + action).status, 405, action)


class Erase(Actions):
    def test_the_confirmation_names_whoever_it_erases(self):
        def who():
            page = self.browser.get(self.path + "/delete")
            self.assertEqual(page.status, 200)
            # the address may break before its "@" (<wbr>), as a browser shows it
            return html.unescape(re.search(r'<strong id="who">(.*?)</strong>', page.body,
                                           re.S).group(1).replace("<wbr>", ""))
        self.assertIn("Action", who())
        self.assertIn("(%s)" % self.email, who())
        # no address: the name alone, then the phone, then the number
        web.STACK.sql("UPDATE customer SET email = NULL, phone = '06 12 34 56 78',"
                      " phone_digits = '0612345678' WHERE id = %s" % self.id)
        self.assertNotIn("(", who())
        web.STACK.sql("UPDATE customer SET first_name = '', last_name = '' WHERE id = %s"
                      % self.id)
        self.assertEqual(who(), "0612345678")
        web.STACK.sql("UPDATE customer SET phone = '', phone_digits = '' WHERE id = %s"
                      % self.id)
        self.assertEqual(who().replace("\u00a0", " "), "le client n° %s" % self.id)

    def test_staff_may_not_delete(self):
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        self.assertEqual(staff.get(self.path + "/delete").status, 403)
        answer = self.post("/delete", browser=staff)
        self.assertEqual(answer.status, 403)
        self.assertIn("Seul le propriétaire", answer.text())
        self.assertEqual(self.customer("email"), [self.email])
        self.assertNotIn("/delete", staff.get(self.path).body)

    def test_owner_erases_personal_data_and_orders_stay_anonymous(self):
        shop = self.customer("shop_id")[0]
        # who the shop's site shipped and billed to (POST /api/v1/orders)
        # names the customer as much as the record does; another
        # customer's order keeps its own
        details = ("'Anne Action', '5 rue des Chèvres, 74000 Annecy', '+33 6 99 88 77 66',"
                   " 'Anne Action', '5 rue des Chèvres, 74000 Annecy', '+33 6 99 88 77 66'")
        other_id = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                       {"email": "kept-%s@alpha.test" % self.id, "first_name": "Kim",
                                        "last_name": "Kept"}).header("Location").rsplit("/", 1)[1]
        for reference, customer in (("E-%s" % self.id, self.id), ("K-%s" % self.id, other_id)):
            web.STACK.sql("INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at,"
                          " shipping_name, shipping_address, shipping_phone, billing_name,"
                          " billing_address, billing_phone)"
                          " VALUES (%s, %s, '%s', 1500, NOW(), %s)" % (shop, customer, reference, details))
        self.post("/message", {"subject": "Bonjour", "text": "Un mot"})
        confirm = self.browser.get(self.path + "/delete")
        self.assertEqual(confirm.status, 200)
        self.assertIn(self.email, confirm.text())
        answer = self.browser.post(self.path + "/delete", {"csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.customer("email, first_name, last_name, phone, erased_at IS NOT NULL"),
                         ["NULL", "", "", "", "1"])
        self.assertEqual(row("SELECT customer_id, total_cents, CONCAT(shipping_name, shipping_address,"
                             " shipping_phone, billing_name, billing_address, billing_phone)"
                             " FROM orders WHERE reference = 'E-%s'" % self.id), ["NULL", "1500", ""])
        self.assertEqual(row("SELECT customer_id, shipping_name, billing_address FROM orders"
                             " WHERE reference = 'K-%s'" % self.id),
                         [other_id, "Anne Action", "5 rue des Chèvres, 74000 Annecy"])
        self.assertEqual(row("SELECT COUNT(*) FROM outbox WHERE customer_id = %s" % self.id), ["0"])
        erased = row("SELECT a.email FROM event e JOIN admin a ON a.id = e.admin_id"
                     " WHERE e.customer_id = %s AND e.kind = 'customer.erased'" % self.id)
        self.assertEqual(erased, [ALPHA_OWNER[0]])
        leftovers = row("SELECT COUNT(*) FROM event WHERE customer_id = %s AND detail <> ''" % self.id)
        self.assertEqual(leftovers, ["0"])
        self.assertEqual(self.browser.get(self.path).status, 404)
        again = self.browser.post(self.path + "/delete", {"csrf": confirm.csrf()})
        self.assertEqual(again.status, 404)


class Message(Actions):
    def test_message_goes_to_the_outbox_and_the_timeline(self):
        answer = self.post("/message", {"subject": "Votre panier",
                                        "text": "Bonjour,\nvotre panier est prêt.\n<b>À bientôt</b>"})
        self.assertEqual(answer.status, 303)
        mail = row("SELECT recipient, subject, body_text, body_html FROM outbox"
                   " WHERE customer_id = %s AND kind = 'customer-message'" % self.id)
        self.assertEqual(mail[0:2], [self.email, "Votre panier"])
        self.assertIn("votre panier est prêt.", mail[2])
        self.assertIn("&lt;b&gt;À bientôt&lt;/b&gt;", mail[3])
        self.assertIn("Message envoyé", self.browser.get(self.path).text())

    def test_empty_or_too_long_message_is_refused(self):
        for fields in ({"subject": "", "text": "x"}, {"subject": "x", "text": ""},
                       {"subject": "x" * 201, "text": "x"}, {"subject": "x", "text": "x" * 5001}):
            answer = self.post("/message", fields)
            self.assertEqual(answer.status, 400, fields)
            self.assertIn("Le message n'a pas été envoyé", answer.text())
        self.assertEqual(row("SELECT COUNT(*) FROM outbox WHERE customer_id = %s"
                             " AND kind = 'customer-message'" % self.id), ["0"])


class Notes(Actions):
    def note_ids(self):
        return [r[0] for r in web.STACK.sql("SELECT id FROM note WHERE customer_id = %s ORDER BY id"
                                            % self.id)]

    def test_add_edit_delete_with_author_and_date(self):
        self.assertEqual(self.post("/notes", {"body": "Préfère le retrait le samedi.\nAllergie : noix"})
                         .status, 303)
        page = self.browser.get(self.path)
        self.assertIn("Préfère le retrait le samedi.", page.text())
        self.assertIn(ALPHA_OWNER[0], page.text())
        self.assertIn("Note ajoutée", page.text())
        note = self.note_ids()[0]
        self.assertEqual(self.post("/notes/%s/edit" % note, {"body": "Retrait le vendredi."}).status, 303)
        self.assertEqual(row("SELECT body, updated_at IS NOT NULL FROM note WHERE id = %s" % note),
                         ["Retrait le vendredi.", "1"])
        self.assertEqual(self.post("/notes/%s/delete" % note).status, 303)
        self.assertEqual(self.note_ids(), [])

    def test_notes_are_not_shown_to_the_customer(self):
        """the customer's own page, signed in by link, shows no note"""
        import test_account
        self.post("/notes", {"body": "Note secrète sur ce client"})
        test_account.clear_limits()
        customer = web.Browser(ALPHA_HOST)
        _, before = test_account.request_link(customer, self.email)
        _, token, _ = test_account.link_and_code(test_account.wait_for_mail(self.email, before + 1)[-1])
        confirm = customer.get("/account/login/confirm?token=" + token)
        customer.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
        page = customer.get("/account/")
        self.assertEqual(page.status, 200)
        # the page shows the customer's own record (so it could show a note)
        self.assertIn(self.email, page.text())
        self.assertIn("Anne Action", page.text())
        self.assertNotIn("Note secrète", page.body)
        # while the admin's page shows it
        self.assertIn("Note secrète sur ce client", self.browser.get(self.path).text())

    def test_empty_or_too_long_note_is_refused(self):
        for body in ("", "x" * 5001):
            answer = self.post("/notes", {"body": body})
            self.assertEqual(answer.status, 400)
            self.assertIn("La note n'a pas été enregistrée", answer.text())
        self.assertEqual(self.note_ids(), [])

    def test_another_customers_or_shops_note_cannot_be_changed(self):
        self.post("/notes", {"body": "À moi"})
        note = self.note_ids()[0]
        other = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "other-%s@alpha.test" % self.id}).header("Location")
        token = self.browser.get(other).csrf()
        answer = self.browser.post("%s/notes/%s/edit" % (other, note), {"body": "volé", "csrf": token})
        self.assertEqual(answer.status, 404)
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        token = beta.get("/admin/customers").csrf()
        self.assertEqual(beta.post("%s/notes/%s/delete" % (self.path, note), {"csrf": token}).status, 404)
        self.assertEqual(row("SELECT body FROM note WHERE id = %s" % note), ["À moi"])
        self.assertIn("À moi", self.browser.get(self.path).text())

    def test_migrate_blanks_the_orders_of_customers_erased_before(self):
        """sql/032: an erasure made before its fix left who the orders
        shipped and billed to; the migration blanks them, and only on
        orders no customer holds."""
        shop = self.customer("shop_id")[0]
        for reference, customer in (("M-%s" % self.id, "NULL"), ("N-%s" % self.id, self.id)):
            web.STACK.sql("INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at,"
                          " shipping_name, shipping_address, billing_name, billing_phone)"
                          " VALUES (%s, %s, '%s', 900, NOW(), 'Ancien Client', '1 place du Marché',"
                          " 'Ancien Client', '0600000000')" % (shop, customer, reference))
        web.STACK.sql("DELETE FROM schema_version WHERE version = 32")
        answer = web.STACK.admin("migrate")
        self.assertIn("1 applied now", answer.stdout)
        self.assertEqual(row("SELECT total_cents, CONCAT(shipping_name, shipping_address,"
                             " billing_name, billing_phone) FROM orders WHERE reference = 'M-%s'"
                             % self.id), ["900", ""])
        self.assertEqual(row("SELECT shipping_name, billing_phone FROM orders WHERE reference = 'N-%s'"
                             % self.id), ["Ancien Client", "0600000000"])

    def test_erasing_the_customer_deletes_the_notes(self):
        self.post("/notes", {"body": "Sera effacée"})
        confirm = self.browser.get(self.path + "/delete")
        self.browser.post(self.path + "/delete", {"csrf": confirm.csrf()})
        self.assertEqual(self.note_ids(), [])
