"""The consent ledger's guarantees (issue 15, point 6; sql/017,
fcgi/lib/consent.c): append-only whoever connects (the programs' own
database user included), an erasure keeps the proof without the personal
data, the import writes its entries as consent_record does, the customer
page says whether the shop may mail the person and why, the timeline
shows each entry in words, and two shops never see each other's entries.
Through nginx, on two shops of their own (ledgera in French, ledgerb in
English) so that the other tests' lists are untouched."""

import re
import subprocess
import unittest

import test_import_job
import web

HOST_A = "ledgera.test"
OWNER_A = ("owner@ledgera.test", "ledgera-owner-password")
HOST_B = "ledgerb.test"
OWNER_B = ("owner@ledgerb.test", "ledgerb-owner-password")
WORDING_FR = "J'ai le consentement de cette personne pour créer son compte."


def sql(statement):
    return web.STACK.sql("SET NAMES utf8mb4;\n" + statement)


def one(statement):
    return sql(statement)[0][0]


def as_programs(statement):
    """Runs statement as the programs' database user (the one in their
    configuration), not root. Returns (exit code, error text)."""
    result = subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + web.STACK.db_socket, "-u", "fidele",
         "-p" + web.STACK.db_password, "-N", "-B", "fidele"],
        input="SET NAMES utf8mb4;\n" + statement, capture_output=True, text=True)
    return result.returncode, result.stderr


def setUpModule():
    stack = web.STACK
    if sql("SELECT COUNT(*) FROM shop WHERE slug = 'ledgera'") == [["1"]]:
        return
    for slug, name, language, host, (email, password) in (
            ("ledgera", "Ferme du Registre", "fr", HOST_A, OWNER_A),
            ("ledgerb", "Ledger Farm", "en", HOST_B, OWNER_B)):
        stack.admin("shop", "add", "--slug", slug, "--name", name, "--language", language)
        stack.admin("shop", "host", "add", "--shop", slug, "--host", host)
        stack.admin("admin", "add", "--shop", slug, "--email", email, "--role", "owner",
                    input=password + "\n")


class Ledger(unittest.TestCase):
    counter = 0

    def setUp(self):
        Ledger.counter += 1
        self.tag = "ledger%d" % Ledger.counter
        self.shop = one("SELECT id FROM shop WHERE slug = 'ledgera'")
        self.owner = one("SELECT id FROM admin WHERE email = '%s'" % OWNER_A[0])
        # from another loopback address: nginx passes it on as the client's
        self.browser = web.Browser(HOST_A, source="127.0.0.3")
        self.assertEqual(self.browser.sign_in(*OWNER_A).status, 303)

    def behalf(self, **extra):
        """A customer created on their behalf through the admin's form;
        returns their id."""
        fields = dict(email="%s@ledgera.test" % self.tag, first_name="Odette",
                      last_name="Registre", behalf="1", attest="1",
                      how="Formulaire papier signé le 3 mars 2026 au marché", language="fr")
        fields.update(extra)
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new", fields)
        self.assertEqual(answer.status, 303, answer.text())
        return re.search(r"/admin/customers/(\d+)$", answer.header("Location")).group(1)

    def entry(self, customer_id, columns):
        return sql("SELECT %s FROM consent WHERE shop_id = %s AND customer_id = %s ORDER BY id"
                   % (columns, self.shop, customer_id))

    def page(self, customer_id):
        page = self.browser.get("/admin/customers/%s" % customer_id)
        self.assertEqual(page.status, 200)
        return page

    # --- append-only ------------------------------------------------------------

    def test_the_programs_user_can_neither_delete_nor_change_an_entry(self):
        customer = self.behalf()
        everything = ("id, shop_id, customer_id, purpose, granted, source, actor, admin_id,"
                      " import_id, text_id, HEX(email_hash), ip, statement, created_at")
        before = self.entry(customer, everything)
        self.assertEqual(len(before), 1)
        for statement in (
                "DELETE FROM consent WHERE customer_id = %s" % customer,
                "UPDATE consent SET granted = 0 WHERE customer_id = %s" % customer,
                "UPDATE consent SET statement = 'autre chose' WHERE customer_id = %s" % customer,
                "UPDATE consent SET email_hash = NULL, ip = NULL, statement = ''"
                " WHERE customer_id = %s" % customer,
                "UPDATE consent SET created_at = NOW() - INTERVAL 1 YEAR"
                " WHERE customer_id = %s" % customer,
                "UPDATE consent SET purpose = 'marketing' WHERE customer_id = %s" % customer):
            code, error = as_programs(statement)
            self.assertNotEqual(code, 0, statement)
            self.assertIn("consent is append-only", error, statement)
        self.assertEqual(self.entry(customer, everything), before)
        # root is refused too: the trigger is the table's, not a grant
        with self.assertRaises(RuntimeError):
            sql("DELETE FROM consent WHERE customer_id = %s" % customer)
        self.assertEqual(self.entry(customer, everything), before)

    def test_the_wordings_can_neither_be_deleted_nor_changed(self):
        self.behalf()
        text_id = one("SELECT id FROM consent_text WHERE shop_id = %s AND purpose = 'creation'"
                      " AND language = 'fr' AND version = 1" % self.shop)
        for statement in ("DELETE FROM consent_text WHERE id = %s" % text_id,
                          "UPDATE consent_text SET body = 'Rien du tout' WHERE id = %s" % text_id):
            code, error = as_programs(statement)
            self.assertNotEqual(code, 0, statement)
            self.assertIn("consent_text is append-only", error, statement)
        self.assertEqual(one("SELECT body FROM consent_text WHERE id = %s" % text_id), WORDING_FR)

    def test_an_erasure_blanks_address_and_statement_and_keeps_the_proof(self):
        customer = self.behalf()
        email = "%s@ledgera.test" % self.tag
        self.assertEqual(self.entry(customer, "ip, statement"),
                         [["127.0.0.3", "Formulaire papier signé le 3 mars 2026 au marché"]])
        page = self.browser.get("/admin/customers/%s/delete" % customer)
        answer = self.browser.post("/admin/customers/%s/delete" % customer,
                                   {"csrf": page.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(one("SELECT email IS NULL AND erased_at IS NOT NULL FROM customer"
                             " WHERE id = %s" % customer), "1")
        self.assertEqual(
            self.entry(customer, "purpose, granted, source, actor, admin_id, ip, statement,"
                       " HEX(email_hash) = UPPER(SHA2('%s', 256)), text_id IS NOT NULL" % email),
            [["creation", "1", "admin", "admin", self.owner, "NULL", "", "1", "1"]])

    def test_the_programs_user_may_blank_as_an_erasure_does(self):
        customer = self.behalf()
        # only once the customer's row says erased, as the erasure does
        # it (a living customer's entry: test_signup_data_fixes.py)
        sql("UPDATE customer SET erased_at = NOW() WHERE id = %s" % customer)
        code, error = as_programs("UPDATE consent SET ip = NULL, statement = ''"
                                  " WHERE customer_id = %s" % customer)
        self.assertEqual(code, 0, error)
        self.assertEqual(self.entry(customer, "ip, statement, email_hash IS NOT NULL"),
                         [["NULL", "", "1"]])

    # --- what the customer page says ----------------------------------------------

    def add_entry(self, customer, purpose, granted, source, actor, when, shop=None):
        sql("INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor,"
            " statement, created_at) VALUES (%s, %s, '%s', %d, '%s', '%s', '', '%s')"
            % (shop or self.shop, customer, purpose, granted, source, actor, when))

    def may_mail(self, page):
        block = re.search(r'<dl class="facts may-mail" id="may-mail">(.*?)</dl>', page.body,
                          re.S).group(1)
        return web.Response(200, [], block).text()

    def test_the_page_says_yes_and_why_from_the_newest_entry(self):
        customer = self.behalf(email="%s-yes@ledgera.test" % self.tag)
        self.add_entry(customer, "marketing", 1, "signup", "customer", "2026-03-03 09:00:00")
        self.add_entry(customer, "marketing", 1, "confirm", "customer", "2026-03-03 09:05:00")
        self.assertIn("Nouvelles et offres Oui — inscription confirmée par lien le 03/03/2026",
                      self.may_mail(self.page(customer)))

    def test_the_page_says_no_after_an_unsubscribe(self):
        customer = self.behalf(email="%s-no@ledgera.test" % self.tag)
        self.add_entry(customer, "marketing", 1, "confirm", "customer", "2026-03-03 09:05:00")
        self.add_entry(customer, "marketing", 0, "unsubscribe", "customer", "2026-04-12 18:00:00")
        self.assertIn("Nouvelles et offres Non — désabonné par le lien d'un e-mail le 12/04/2026",
                      self.may_mail(self.page(customer)))

    def test_the_page_says_no_without_any_entry(self):
        customer = self.behalf(email="%s-none@ledgera.test" % self.tag)
        said = self.may_mail(self.page(customer))
        self.assertIn("Nouvelles et offres Non — aucun consentement enregistré", said)
        # the shop's announcements: the customer's flag (on by default),
        # with no proof in the ledger, and the page says so
        self.assertIn("Annonces de la boutique Oui — d'après sa fiche, sans entrée au registre"
                      " des consentements", said)

    def test_the_timeline_shows_each_entry_in_words_with_its_wording(self):
        customer = self.behalf(email="%s-words@ledgera.test" % self.tag)
        self.add_entry(customer, "marketing", 0, "unsubscribe", "customer", "2026-04-12 18:00:00")
        page = self.page(customer)
        timeline = re.search(r'<section class="card" id="events">(.*?)</section>', page.body,
                             re.S).group(1)
        text = web.Response(200, [], timeline).text()
        self.assertIn("Registre des consentements : Création du compte pour la personne"
                      " — consentement donné · attestation d'un administrateur · par owner@ledgera.test"
                      " · « Formulaire papier signé le 3 mars 2026 au marché »"
                      " Texte affiché, version 1 " + WORDING_FR, text)
        self.assertIn("Registre des consentements : Nouvelles et offres — consentement retiré"
                      " · lien de désabonnement · par le client", text)
        self.assertIn("<details class=\"wording\"><summary>Texte affiché, version 1</summary>",
                      timeline)
        # the entry takes the place of its less telling event
        self.assertNotIn("Consentement enregistré", text)
        self.assertEqual(page.body.count('class="ledger-entry"'), 2)

    # --- two shops ----------------------------------------------------------------

    def test_another_shop_never_sees_the_entries(self):
        customer = self.behalf(email="%s-mine@ledgera.test" % self.tag)
        beta = web.Browser(HOST_B)
        self.assertEqual(beta.sign_in(*OWNER_B).status, 303)
        self.assertEqual(beta.get("/admin/customers/%s" % customer).status, 404)
        # an entry of the other shop naming this customer's id (a forged or
        # buggy row) is not this customer's
        other = one("SELECT id FROM shop WHERE slug = 'ledgerb'")
        self.add_entry(customer, "marketing", 1, "signup", "customer", "2026-05-01 10:00:00",
                       shop=other)
        said = self.may_mail(self.page(customer))
        self.assertIn("Nouvelles et offres Non — aucun consentement enregistré", said)
        self.assertEqual(self.page(customer).body.count('class="ledger-entry"'), 1)
        # and the other shop's own customers' pages show nothing of this one
        beta_customer = beta.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "%s@ledgerb.test" % self.tag, "language": "en"})
        self.assertEqual(beta_customer.status, 303)
        page = beta.get(beta_customer.header("Location"))
        self.assertNotIn("Formulaire papier", page.text())
        self.assertIn("News and offers No — no consent recorded", page.text())


class ImportEntries(test_import_job.ImportJob):
    """The import's batch of entries (fcgi/import-run.c) is written as
    consent_record writes one: marketing, channel and actor import, the
    admin who attested, and the hash of the address."""

    def test_the_import_writes_purpose_actor_and_address_hash(self):
        content = ("email,first_name\n%s,Nina\n%s,Olga\n"
                   % (self.address("nina"), self.address("olga"))).encode()
        import_id = self.make_import(content, "email,first_name", subscribe=1)
        self.assertEqual(self.run_import(import_id), [2, 0, 0, 0, 0])
        ledger = [list(r) for r in sql(
            "SELECT c.email, k.purpose, k.granted, k.source, k.actor, k.admin_id, k.ip,"
            " HEX(k.email_hash) = UPPER(SHA2(c.email, 256)), k.text_id"
            " FROM consent k JOIN customer c ON c.id = k.customer_id"
            " WHERE k.import_id = %s ORDER BY c.email" % import_id)]
        self.assertEqual(ledger, [[self.address(name), "marketing", "1", "import", "import",
                                   self.alpha_owner, "NULL", "1", "NULL"]
                                  for name in ("nina", "olga")])
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE import_id = %s" % import_id),
                         "2")

    def test_a_withdrawal_stays_whatever_other_purpose_came_after(self):
        """The import never subscribes again who withdrew marketing, even
        when the newest entry is of another purpose (an account created on
        their behalf, the shop's announcements)."""
        self.run_import(self.make_import(("email\n%s\n" % self.address("later")).encode(),
                                         "email"))
        customer = self.customer("later", "id")[0]
        sql("INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor)"
            " VALUES (%s, %s, 'marketing', 0, 'unsubscribe', 'customer'),"
            " (%s, %s, 'creation', 1, 'admin', 'admin'),"
            " (%s, %s, 'system_mail', 1, 'profile', 'customer')"
            % (self.alpha, customer, self.alpha, customer, self.alpha, customer))
        import_id = self.make_import(("email,first_name\n%s,Lou\n" % self.address("later"))
                                     .encode(), "email,first_name", subscribe=1)
        self.run_import(import_id)
        self.assertEqual(self.customer("later", "marketing_consent, first_name"), ["0", "Lou"])
        self.assertEqual(one("SELECT COUNT(*) FROM consent WHERE import_id = %s" % import_id),
                         "0")

    def test_a_row_without_address_never_matches_a_customer_without_one(self):
        """Customers without an address (issue 15) have e-mail NULL: the
        import matches by address, and a row without one is refused, never
        taken for them."""
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
            " VALUES (%s, NULL, 'Sansmail', '%s', 'active', 'admin')" % (self.alpha, self.tag))
        customer = one("SELECT id FROM customer WHERE shop_id = %s AND last_name = '%s'"
                       % (self.alpha, self.tag))
        content = ("email,first_name,last_name\n,Autre,%s\n" % self.tag).encode()
        import_id = self.make_import(content, "email,first_name,last_name", subscribe=1)
        self.assertEqual(self.run_import(import_id), [0, 0, 0, 1, 0])
        self.assertEqual(self.errors(import_id), [["2", "no_email", ",Autre,%s" % self.tag]])
        self.assertEqual(sql("SELECT first_name, import_id, marketing_consent FROM customer"
                             " WHERE id = %s" % customer), [["Sansmail", "NULL", "0"]])
        sql("UPDATE customer SET erased_at = NOW() WHERE id = %s" % customer)


def load_tests(loader, tests, pattern):
    """This file's tests, not those ImportEntries inherits from the import's
    own test case (test_import_job.py runs them)."""
    suite = unittest.TestSuite()
    suite.addTests(loader.loadTestsFromTestCase(Ledger))
    suite.addTest(ImportEntries("test_the_import_writes_purpose_actor_and_address_hash"))
    suite.addTest(ImportEntries("test_a_withdrawal_stays_whatever_other_purpose_came_after"))
    suite.addTest(ImportEntries("test_a_row_without_address_never_matches_a_customer_without_one"))
    return suite


if __name__ == "__main__":
    unittest.main()
