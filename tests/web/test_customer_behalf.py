"""Creation on someone's behalf and customers without an e-mail address
(issue 15, point 5; fcgi/customers-edit.c, templates/customers/new.cs):
the admin's new customer form has a switch (a checkbox, no JavaScript)
that makes both names required and asks for the attestation, with the
shop's wording, and how the consent was obtained, stored in the consent
ledger with the customer; a person reached by phone or post only can be
created, is listed in every order, exported with an empty address, and
can never sign in. Through nginx, on shops of their own (behalfa in
French, behalfb in English)."""

import csv
import io
import re
import unittest
import urllib.parse

import web

HOST_A = "behalfa.test"
OWNER_A = ("owner@behalfa.test", "behalfa-owner-password")
HOST_B = "behalfb.test"
OWNER_B = ("owner@behalfb.test", "behalfb-owner-password")
WORDING_FR = "J'ai le consentement de cette personne pour créer son compte."
WORDING_EN = "I have this person's consent to create their account."
HOW = "Formulaire papier signé le 3 mars 2026 au marché"
SORTS = ("name", "email", "created", "last_order", "orders", "spent")


def sql(statement):
    return web.STACK.sql("SET NAMES utf8mb4;\n" + statement)


def one(statement):
    return sql(statement)[0][0]


def setUpModule():
    stack = web.STACK
    if sql("SELECT COUNT(*) FROM shop WHERE slug = 'behalfa'") == [["1"]]:
        return
    for slug, name, language, host, (email, password) in (
            ("behalfa", "Marché de la Place", "fr", HOST_A, OWNER_A),
            ("behalfb", "Square Market", "en", HOST_B, OWNER_B)):
        stack.admin("shop", "add", "--slug", slug, "--name", name, "--language", language)
        stack.admin("shop", "host", "add", "--shop", slug, "--host", host)
        stack.admin("admin", "add", "--shop", slug, "--email", email, "--role", "owner",
                    input=password + "\n")


def ids(page):
    return re.findall(r'<td class="name"><a href="/admin/customers/(\d+)[?"]', page.body)


class Behalf(unittest.TestCase):
    counter = 0
    host, owner, slug = HOST_A, OWNER_A, "behalfa"

    def setUp(self):
        Behalf.counter += 1
        self.tag = "behalf%d" % Behalf.counter
        self.shop = one("SELECT id FROM shop WHERE slug = '%s'" % self.slug)
        self.browser = web.Browser(self.host)
        self.assertEqual(self.browser.sign_in(*self.owner).status, 303)

    def create(self, **fields):
        return self.browser.submit("/admin/customers/new", "/admin/customers/new", fields)

    def counts(self):
        """The shop's rows a creation writes. The events leave out the
        worker's "mail.sent": an earlier test's welcome mail may leave
        while a refused request is being checked (a check failed so)."""
        return [one("SELECT COUNT(*) FROM %s WHERE shop_id = %s%s"
                    % (table, self.shop, " AND kind <> 'mail.sent'" if table == "event" else ""))
                for table in ("customer", "consent", "outbox", "event")]

    def behalf_fields(self, **extra):
        fields = dict(email="%s@behalf.test" % self.tag, first_name="Odette", last_name="Martin",
                      behalf="1", attest="1", how=HOW, language="fr")
        fields.update(extra)
        return fields


class OnTheirBehalf(Behalf):
    def test_the_form_has_the_switch_and_the_shops_wording(self):
        page = self.browser.get("/admin/customers/new")
        self.assertEqual(page.status, 200)
        self.assertRegex(page.body, r'<input type="checkbox" id="behalf" name="behalf" value="1">')
        self.assertIn('name="attest" value="1"', page.body)
        self.assertIn(WORDING_FR, page.text())
        self.assertIn("Comment avez-vous obtenu son consentement ?", page.text())
        # the e-mail address is not required any more
        self.assertNotRegex(page.body, r'<input id="email"[^>]* required')

    def test_a_creation_on_their_behalf_is_attested_in_the_ledger(self):
        browser = web.Browser(self.host, source="127.0.0.4")
        self.assertEqual(browser.sign_in(*self.owner).status, 303)
        answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                self.behalf_fields())
        self.assertEqual(answer.status, 303, answer.text())
        customer = re.search(r"/admin/customers/(\d+)$", answer.header("Location")).group(1)
        owner = one("SELECT id FROM admin WHERE email = '%s'" % self.owner[0])
        self.assertEqual(
            sql("SELECT k.purpose, k.granted, k.source, k.actor, k.admin_id, k.ip, k.statement,"
                " HEX(k.email_hash) = UPPER(SHA2('%s@behalf.test', 256)), t.body, t.language,"
                " t.version, HEX(t.body_sha256) = UPPER(SHA2(t.body, 256))"
                " FROM consent k JOIN consent_text t ON t.id = k.text_id"
                " WHERE k.shop_id = %s AND k.customer_id = %s" % (self.tag, self.shop, customer)),
            [["creation", "1", "admin", "admin", owner, "127.0.0.4", HOW, "1", WORDING_FR, "fr",
              "1", "1"]])
        # the customer is invited as any other: the welcome mail is queued
        self.assertEqual(sql("SELECT c.status, c.first_name, c.last_name, o.kind FROM customer c"
                             " JOIN outbox o ON o.customer_id = c.id WHERE c.id = %s" % customer),
                         [["invited", "Odette", "Martin", "customer-welcome"]])
        page = browser.get(answer.header("Location"))
        self.assertIn("Création du compte pour la personne — consentement donné", page.text())

    def test_bad_inputs_change_nothing_and_say_what_is_wrong(self):
        cases = [
            (dict(attest=""), "Cochez la case pour attester que vous avez le consentement"),
            (dict(attest="0"), "Cochez la case pour attester que vous avez le consentement"),
            (dict(how=""), "Dites comment vous avez obtenu son consentement."),
            (dict(how="   "), "Dites comment vous avez obtenu son consentement."),
            (dict(how="x" * 501), "Ce champ est trop long."),
            (dict(first_name=""), "son prénom et son nom sont obligatoires"),
            (dict(last_name=""), "son prénom et son nom sont obligatoires"),
            (dict(attest="2"), "Corrigez les champs signalés."),
        ]
        for extra, message in cases:
            before = self.counts()
            answer = self.create(**self.behalf_fields(**extra))
            self.assertEqual(answer.status, 400, extra)
            self.assertIn(message, answer.text(), extra)
            self.assertEqual(self.counts(), before, extra)
            # what was typed is shown again, the switch still on
            self.assertRegex(answer.body, r'id="behalf" name="behalf" value="1" checked')

    def test_without_the_switch_nothing_is_asked_nor_recorded(self):
        before = int(one("SELECT COUNT(*) FROM consent WHERE shop_id = %s" % self.shop))
        answer = self.create(email="%s@behalf.test" % self.tag)
        self.assertEqual(answer.status, 303)
        self.assertEqual(int(one("SELECT COUNT(*) FROM consent WHERE shop_id = %s" % self.shop)),
                         before)


class OnTheirBehalfInEnglish(Behalf):
    host, owner, slug = HOST_B, OWNER_B, "behalfb"

    def test_the_wording_and_the_messages_are_the_shops_language(self):
        page = self.browser.get("/admin/customers/new")
        self.assertIn(WORDING_EN, page.text())
        before = self.counts()
        answer = self.create(**self.behalf_fields(attest="", how="", language="en"))
        self.assertEqual(answer.status, 400)
        self.assertIn("Tick the box to attest that you have the person's consent.", answer.text())
        self.assertIn("Say how you obtained their consent.", answer.text())
        self.assertEqual(self.counts(), before)
        answer = self.create(**self.behalf_fields(language="en"))
        self.assertEqual(answer.status, 303)
        self.assertEqual(one("SELECT t.body FROM consent k JOIN consent_text t ON t.id = k.text_id"
                             " WHERE k.shop_id = %s ORDER BY k.id DESC LIMIT 1" % self.shop),
                         WORDING_EN)


class WithoutEmail(Behalf):
    def create_without_email(self, **extra):
        # the same Gaston in every test: past the question "this customer
        # may already be here" (test_customer_new.py)
        fields = dict(first_name="Gaston", last_name="%s-Sansmail" % self.tag,
                      phone="+33 6 11 22 33 44", language="fr", anyway="1")
        fields.update(extra)
        answer = self.create(**fields)
        self.assertEqual(answer.status, 303, answer.text())
        return re.search(r"/admin/customers/(\d+)$", answer.header("Location")).group(1)

    def test_a_person_with_a_phone_only_is_created_and_gets_no_mail(self):
        before = int(one("SELECT COUNT(*) FROM outbox WHERE shop_id = %s" % self.shop))
        customer = self.create_without_email()
        self.assertEqual(sql("SELECT email, status, phone_digits FROM customer WHERE id = %s"
                             % customer), [["NULL", "active", "33611223344"]])
        self.assertEqual(int(one("SELECT COUNT(*) FROM outbox WHERE shop_id = %s" % self.shop)),
                         before)
        page = self.browser.get("/admin/customers/%s" % customer)
        self.assertEqual(page.status, 200)
        self.assertIn("E-mail Pas d'adresse e-mail", page.text())
        self.assertIn("Nouvelles et offres Non — pas d'adresse e-mail", page.text())
        self.assertNotIn('action="/admin/customers/%s/message"' % customer, page.body)
        # a message cannot be sent, and says why
        answer = self.browser.post("/admin/customers/%s/message" % customer,
                                   {"csrf": page.csrf(), "subject": "Bonjour", "text": "Salut"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Ce client n'a pas d'adresse e-mail", answer.text())

    def test_a_postal_address_is_enough_and_on_their_behalf_too(self):
        customer = self.create_without_email(phone="", address="12 rue des Lilas",
                                             postal_code="35000", city="Rennes", behalf="1",
                                             attest="1", how=HOW)
        self.assertEqual(sql("SELECT purpose, email_hash IS NULL, statement FROM consent"
                             " WHERE customer_id = %s" % customer), [["creation", "1", HOW]])

    def test_someone_to_reach_and_a_name_are_needed(self):
        for fields, message in (
                (dict(first_name="Nobody"), "Donnez au moins un moyen de joindre la personne"),
                (dict(phone="0611223344"), "Sans adresse e-mail, donnez au moins le nom"),
                (dict(city="Rennes", first_name="X"),
                 "Donnez au moins un moyen de joindre la personne")):
            before = self.counts()
            answer = self.create(**fields)
            self.assertEqual(answer.status, 400, fields)
            self.assertIn(message, answer.text(), fields)
            self.assertEqual(self.counts(), before, fields)

    def test_the_edit_form_keeps_them_without_an_address(self):
        customer = self.create_without_email()
        path = "/admin/customers/%s/edit" % customer
        answer = self.browser.submit(path, path, {"email": "", "first_name": "Gaston",
                                                  "last_name": "Sansmail", "phone": "0611223355"})
        self.assertEqual(answer.status, 303, answer.text())
        self.assertEqual(sql("SELECT email, phone_digits FROM customer WHERE id = %s" % customer),
                         [["NULL", "0611223355"]])
        answer = self.browser.submit(path, path, {"email": "", "phone": ""})
        self.assertEqual(answer.status, 400)
        self.assertIn("Donnez au moins un moyen de joindre la personne", answer.text())

    def test_they_are_listed_in_every_order_and_direction(self):
        customer = self.create_without_email()
        for sort in SORTS:
            for direction in ("asc", "desc"):
                page = self.browser.get("/admin/customers?sort=%s&dir=%s&size=200"
                                        % (sort, direction))
                self.assertEqual(page.status, 200, (sort, direction))
                self.assertIn(customer, ids(page), (sort, direction))

    def walk(self, query):
        """Every id of the list's pages, following its "next" links."""
        found, path = [], "/admin/customers?" + query
        while path:
            page = self.browser.get(path)
            self.assertEqual(page.status, 200, path)
            found += ids(page)
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            path = link.group(1).replace("&amp;", "&") if link else None
        return found

    def test_the_email_order_pages_through_those_without_one(self):
        """Without an address they come first going up, in id order, and
        last going down; pages of 25 lose and repeat no one."""
        sql("".join("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                    " VALUES (%s, %s, 'Page', '%s-%02d', 'active', 'admin');"
                    % (self.shop, "NULL" if n % 2 else "'%s-%02d@page.test'" % (self.tag, n),
                       self.tag, n) for n in range(60)))
        web.STACK.admin("search-reindex", "--shop", self.slug)
        expected_up = [r[0] for r in sql(
            "SELECT id FROM customer WHERE shop_id = %s AND erased_at IS NULL"
            " AND status <> 'inactive' ORDER BY email, id" % self.shop)]
        self.assertEqual(self.walk("sort=email&dir=asc&size=25"), expected_up)
        self.assertEqual(self.walk("sort=email&dir=desc&size=25"), expected_up[::-1])

    def test_the_export_writes_an_empty_address(self):
        customer = self.create_without_email(phone="06 11 22 33 44")
        name = one("SELECT last_name FROM customer WHERE id = %s" % customer)
        page = self.browser.get("/admin/export?q=" + urllib.parse.quote(name))
        token = page.csrf() or self.browser.get("/admin/customers").csrf()
        answer = self.browser.post("/admin/export/download",
                                   {"q": name, "columns": "first_name,last_name,email,phone",
                                    "format": "csv", "csrf": token})
        self.assertEqual(answer.status, 200, answer.text()[:300])
        rows = list(csv.reader(io.StringIO(answer.body.lstrip("\ufeff"), newline=""),
                               delimiter=","))
        self.assertEqual(rows[1:], [["Gaston", name, "", "06 11 22 33 44"]])

    def test_they_can_never_sign_in(self):
        customer = self.create_without_email()
        visitor = web.Browser(self.host)
        for address in ("", "Gaston", "%s-Sansmail" % self.tag):
            page = visitor.submit("/account/login", "/account/login", {"email": address})
            self.assertIn(page.status, (200, 303, 400), address)
        self.assertEqual(one("SELECT COUNT(*) FROM login_token WHERE customer_id = %s"
                             % customer), "0")
        self.assertEqual(one("SELECT COUNT(*) FROM outbox WHERE customer_id = %s" % customer),
                         "0")


if __name__ == "__main__":
    unittest.main()
