"""The customer's own space (signup.fcgi, /account/; issue 15, point 8):
profile, change of address by a link to the new one, marketing preferences
written to the consent ledger, orders, the data ZIP, deleting one's own
account with the admins told, and the bad inputs of each: CSRF, too long
fields, header injection, replayed / expired / another shop's links,
another customer's order, a blocked customer. Mails are read from the
harness's SMTP server, the database is the ground truth."""

import csv
import io
import json
import os
import re
import time
import unittest
import zipfile

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST
from inbox import clear_limits, mails_to, wait_for_mail, text_part, html_part
import web

PROFILE = "paulette.espace@alpha.test"
EMAILER = "remi.adresse@alpha.test"
EMAILER_NEW = "remi.nouvelle@alpha.test"
PREFS = "prune.prefs@alpha.test"
ORDERS = "oscar.commandes@alpha.test"
OTHER = "autre.voisin@alpha.test"
ZIPPER = "zoe.donnees@alpha.test"
LEAVER = "lucien.depart@alpha.test"
CODER = "coline.code@alpha.test"
BLOCKED = "basile.bloque@alpha.test"
ENGLISH = "emma.english@alpha.test"
BETA = "bert.space@beta.test"
NOTIFIED_ADMIN = "told.deletions@alpha.test"
QUIET_ADMIN = "quiet.deletions@alpha.test"


def setUpModule():
    rows = [(PROFILE, "Paulette", "Espace"), (EMAILER, "Rémi", "Adresse"),
            (PREFS, "Prune", "Préférences"), (ORDERS, "Oscar", "Commandes"),
            (OTHER, "Autre", "Voisin"), (ZIPPER, "Zoé", "Données"),
            (LEAVER, "Lucien", "Départ"), (CODER, "<i>Coline</i>", "Code"),
            (BLOCKED, "Basile", "Bloqué"), (ENGLISH, "Emma", "English")]
    statements = []
    for email, first, last in rows:
        statements.append(
            "INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " address, postal_code, city, company)"
            " SELECT id, '%s', '%s', '%s', 'active', 'self', '3 rue des Lilas', '69001', 'Lyon',"
            " 'Ferme %s' FROM shop WHERE slug = 'alpha';" % (email, first, last, last))
    statements.append(
        "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT id, '%s', 'Bert', 'Space', 'active', 'self' FROM shop WHERE slug = 'beta';"
        % BETA)
    orders = [(ORDERS, "ESP-1001", "paid", 1234, "2026-10-02 09:00:00"),
              (ORDERS, "ESP-1002", "cancelled", 5000, "2026-10-05 09:00:00"),
              (ORDERS, "ESP-1003", "shipped", 123456, "2026-11-01 15:30:00"),
              (OTHER, "ESP-2001", "paid", 999, "2026-10-03 10:00:00"),
              (ZIPPER, "ESP-3001", "paid", 4250, "2026-09-09 08:00:00"),
              # the shop's site may sell in another currency than the shop's
              (ORDERS, "ESP-1004", "paid", 2490, "2026-10-20 11:00:00", "GBP"),
              (ZIPPER, "ESP-3002", "paid", 1999, "2026-09-12 08:00:00", "GBP"),
              (LEAVER, "ESP-4001", "paid", 1500, "2026-09-10 08:00:00")]
    statements.append("UPDATE customer SET language = 'en' WHERE email = '%s';" % ENGLISH)
    orders.append((BETA, "BETA-9001", "paid", 777, "2026-10-10 10:00:00"))
    # (the orders' triggers write customer: its ids are read first)
    for email, reference, status, cents, at, *currency in orders:
        statements.append(
            "SELECT shop_id, id INTO @shop, @customer FROM customer WHERE email = '%s';"
            " INSERT INTO orders (shop_id, customer_id, reference, status, total_cents,"
            " ordered_at, currency) VALUES (@shop, @customer, '%s', '%s', %d, '%s', '%s');"
            % (email, reference, status, cents, at, (currency or ["EUR"])[0]))
    web.STACK.sql("\n".join(statements))
    web.STACK.admin("search-reindex")
    for email, role in ((NOTIFIED_ADMIN, "staff"), (QUIET_ADMIN, "owner")):
        web.STACK.admin("admin", "add", "--shop", "alpha", "--email", email, "--role", role,
                        input="a-long-enough-password\n")
    web.STACK.sql("UPDATE admin SET notify_deletions = 1 WHERE email = '%s'" % NOTIFIED_ADMIN)


# --- mail and sign-in ---------------------------------------------------------

def mailed_path(message, path):
    """The path and query of the link to path in the mail's text."""
    match = re.search(r"https?://[^/\s]+(%s\?token=[0-9a-f]{64})" % re.escape(path),
                      text_part(message))
    assert match, "no %s link in the mail" % path
    return match.group(1)


def sign_in(email, host=ALPHA_HOST):
    """A browser signed in as email, by the mailed link, as a person does."""
    clear_limits()
    browser = web.Browser(host)
    before = len(mails_to(email))
    page = browser.submit("/account/login", "/account/login", {"email": email})
    assert page.status == 200, page.status
    path = mailed_path(wait_for_mail(email, before + 1)[-1], "/account/login/confirm")
    confirm = browser.get(path)
    answer = browser.post("/account/login/confirm",
                          {"token": path.rsplit("=", 1)[1], "csrf": confirm.csrf()})
    assert answer.status == 303, answer.status
    return browser


def customer_row(email, columns):
    rows = web.STACK.sql("SELECT %s FROM customer WHERE email = '%s'" % (columns, email))
    return rows[0] if rows else None


def customer_id(email):
    return int(customer_row(email, "id")[0])


class Home(unittest.TestCase):
    def test_home_lists_every_part(self):
        browser = sign_in(PROFILE)
        page = browser.get("/account/")
        self.assertEqual(page.status, 200)
        for path in ("/account/profile", "/account/preferences", "/account/orders",
                     "/account/data", "/account/delete"):
            self.assertIn('href="%s"' % path, page.body)
        self.assertIn("Mes coordonnées", page.text())
        self.assertIn("Supprimer mon compte", page.text())

    def test_a_stranger_is_sent_to_sign_in(self):
        for path in ("/account/", "/account/profile", "/account/orders", "/account/data"):
            answer = web.Browser(ALPHA_HOST).get(path)
            self.assertEqual(answer.status, 303, path)
            self.assertTrue(answer.header("Location").startswith("/account/login?next="), path)


class Profile(unittest.TestCase):
    FORM = {"first_name": "Paulette", "last_name": "Espace-Neuve", "phone": "+33 6 12 34 56 78",
            "company": "GAEC des Prés", "vat_number": "FR12345678901",
            "address": "12 chemin du Moulin", "postal_code": "01000", "city": "Bourg-en-Bresse",
            "country": "FR", "language": "fr"}

    def setUp(self):
        self.browser = sign_in(PROFILE)

    def test_form_shows_the_customers_details(self):
        page = self.browser.get("/account/profile")
        self.assertEqual(page.status, 200)
        self.assertIn('value="Paulette"', page.body)
        address = customer_row(PROFILE, "address")[0]
        self.assertIn('value="%s"' % address, page.body)
        self.assertIn(PROFILE, page.text())

    def test_saving_writes_through_the_customer_writer(self):
        answer = self.browser.submit("/account/profile", "/account/profile", self.FORM)
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/account/profile")
        self.assertEqual(customer_row(PROFILE, "last_name, phone, company, vat_number, address,"
                                               " postal_code, city, country, language, email"),
                         ["Espace-Neuve", "+33 6 12 34 56 78", "GAEC des Prés", "FR12345678901",
                          "12 chemin du Moulin", "01000", "Bourg-en-Bresse", "FR", "fr", PROFILE])
        # the writer's timeline entry and search terms follow
        kinds = web.STACK.sql("SELECT kind FROM event WHERE customer_id = %d ORDER BY id DESC"
                              " LIMIT 1" % customer_id(PROFILE))
        self.assertEqual(kinds, [["customer.edited"]])
        self.assertIn("Coordonnées enregistrées.", self.browser.get("/account/profile").text())

    def test_choosing_english_turns_the_pages_english(self):
        answer = self.browser.submit("/account/profile", "/account/profile",
                                     dict(self.FORM, language="en"))
        self.assertEqual(answer.status, 303)
        page = self.browser.get("/account/profile")
        self.assertIn("My details", page.text())
        self.assertIn('lang="en"', page.body)
        self.browser.submit("/account/profile", "/account/profile", self.FORM)

    def test_too_long_field_is_refused_and_nothing_changes(self):
        before = customer_row(PROFILE, "first_name, last_name, city, updated_at")
        answer = self.browser.submit("/account/profile", "/account/profile",
                                     dict(self.FORM, city="x" * 101))
        self.assertEqual(answer.status, 400)
        self.assertIn("Corrigez les champs signalés", answer.text())
        self.assertIn("trop long", answer.text().lower())
        self.assertEqual(customer_row(PROFILE, "first_name, last_name, city, updated_at"), before)

    def test_her_names_are_required_as_at_signup(self):
        """Signup asks for both names; the profile cannot blank them (the
        shop's mails would greet "Bonjour ,"): refused, nothing changes."""
        page = self.browser.get("/account/profile")
        self.assertRegex(page.body, r'<input id="first_name"[^>]* required autocomplete="given-name"')
        self.assertRegex(page.body, r'<input id="last_name"[^>]* required autocomplete="family-name"')
        before = customer_row(PROFILE, "first_name, last_name, city, updated_at")
        for names in ({"first_name": ""}, {"last_name": "   "}):
            answer = self.browser.submit("/account/profile", "/account/profile",
                                         dict(self.FORM, city="Ailleurs", **names))
            self.assertEqual(answer.status, 400, names)
            self.assertIn("Corrigez les champs signalés", answer.text())
            self.assertIn("Ce champ est obligatoire.", answer.text())
            self.assertEqual(customer_row(PROFILE, "first_name, last_name, city, updated_at"),
                             before)

    def test_header_injection_in_a_name_is_refused(self):
        before = customer_row(PROFILE, "first_name, last_name, updated_at")
        answer = self.browser.submit("/account/profile", "/account/profile",
                                     dict(self.FORM, first_name="Eve\r\nBcc: evil@attacker.test"))
        self.assertEqual(answer.status, 400)
        self.assertEqual(customer_row(PROFILE, "first_name, last_name, updated_at"), before)

    def test_wrong_format_phone_is_refused(self):
        answer = self.browser.submit("/account/profile", "/account/profile",
                                     dict(self.FORM, phone="call me"))
        self.assertEqual(answer.status, 400)
        self.assertNotEqual(customer_row(PROFILE, "phone")[0], "call me")

    def test_post_without_csrf_token_changes_nothing(self):
        before = customer_row(PROFILE, "last_name, updated_at")
        answer = self.browser.post("/account/profile", dict(self.FORM, last_name="Forged"))
        self.assertEqual(answer.status, 403)
        self.assertEqual(customer_row(PROFILE, "last_name, updated_at"), before)

    def test_another_sites_form_is_refused(self):
        token = self.browser.get("/account/profile").csrf()
        answer = self.browser.post("/account/profile",
                                   dict(self.FORM, last_name="Forged", csrf=token),
                                   headers={"Origin": "https://evil.test"})
        self.assertEqual(answer.status, 403)
        self.assertNotEqual(customer_row(PROFILE, "last_name")[0], "Forged")


class EmailChange(unittest.TestCase):
    def ask(self, browser, new_email):
        return browser.submit("/account/profile", "/account/email", {"new_email": new_email})

    def test_change_is_confirmed_by_the_new_address_and_the_old_one_is_told(self):
        browser = sign_in(EMAILER)
        before_new = len(mails_to(EMAILER_NEW))
        before_old = len(mails_to(EMAILER))
        answer = self.ask(browser, EMAILER_NEW)
        self.assertEqual(answer.status, 303)
        self.assertIn("Lien de confirmation envoyé", browser.get("/account/profile").text())
        mail = wait_for_mail(EMAILER_NEW, before_new + 1)[-1]
        self.assertEqual(mail["Subject"],
                         "Confirmez votre nouvelle adresse e-mail pour Épicerie Alpha")
        path = mailed_path(mail, "/account/email/confirm")
        # nothing changes before the link is followed, nor when a scanner GETs it
        self.assertEqual(customer_row(EMAILER, "email"), [EMAILER])
        clicker = web.Browser(ALPHA_HOST)
        confirm = clicker.get(path)
        self.assertEqual(confirm.status, 200)
        self.assertEqual(confirm.header("Referrer-Policy"), "strict-origin")
        self.assertIn(EMAILER_NEW, confirm.text())
        self.assertEqual(clicker.get(path).status, 200)
        self.assertEqual(customer_row(EMAILER, "email"), [EMAILER])
        token = path.rsplit("=", 1)[1]
        done = clicker.post("/account/email/confirm", {"token": token, "csrf": confirm.csrf()})
        self.assertEqual(done.status, 200)
        self.assertIn(EMAILER_NEW, done.text())
        self.assertIsNone(customer_row(EMAILER, "email"))
        self.assertEqual(customer_row(EMAILER_NEW, "first_name"), ["Rémi"])
        notice = wait_for_mail(EMAILER, before_old + 1)[-1]
        self.assertEqual(notice["Subject"], "Votre adresse e-mail a changé chez Épicerie Alpha")
        self.assertIn(EMAILER_NEW, text_part(notice))
        # the shop has no sender address of its own: the mail leaves from
        # the installation's, which nobody reads, so it does not ask for
        # a reply
        for part in (text_part(notice), html_part(notice).replace("&#39;", "'")):
            self.assertIn("contactez la boutique sans attendre (cet e-mail part d'une adresse"
                          " qui ne reçoit pas les réponses)", part)
            self.assertNotIn("répondez", part)
        # the link served once
        replay = web.Browser(ALPHA_HOST)
        self.assertEqual(replay.get(path).status, 400)
        again = replay.post("/account/email/confirm",
                            {"token": token, "csrf": replay.get("/account/login").csrf()})
        self.assertEqual(again.status, 400)
        self.assertIn("Lien expiré", again.text())
        # and the customer signs in with the new address
        self.assertEqual(sign_in(EMAILER_NEW).get("/account/").status, 200)

    def test_the_old_address_is_asked_to_reply_when_the_shop_reads_replies(self):
        old, new = "remi.retour@alpha.test", "remi.retour.nouvelle@alpha.test"
        web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                      " SELECT id, '%s', 'Rémi', 'Retour', 'active', 'admin' FROM shop"
                      " WHERE slug = 'alpha'" % old)
        browser = sign_in(old)
        before_new, before_old = len(mails_to(new)), len(mails_to(old))
        web.STACK.sql("UPDATE shop SET sender_email = 'contact@alpha.test' WHERE slug = 'alpha'")
        try:
            self.assertEqual(self.ask(browser, new).status, 303)
            path = mailed_path(wait_for_mail(new, before_new + 1)[-1], "/account/email/confirm")
            confirm = browser.get(path)
            done = browser.post("/account/email/confirm",
                                {"token": path.rsplit("=", 1)[1], "csrf": confirm.csrf()})
            self.assertEqual(done.status, 303)
            notice = wait_for_mail(old, before_old + 1)[-1]
        finally:
            web.STACK.sql("UPDATE shop SET sender_email = '' WHERE slug = 'alpha'")
        # a reply reaches the shop (Mail.SenderDomains does not list its
        # domain here: the mail comes from the installation's address)
        self.assertEqual(notice["Reply-To"], "contact@alpha.test")
        self.assertIn("répondez à cet e-mail ou contactez la boutique sans attendre", text_part(notice))

    def test_an_address_of_another_customer_is_answered_as_any_other(self):
        """Whether an address is a customer here is not told to a signed-in
        customer (sign-in and signup do not tell it either): the page
        answers as for a free address, nothing changes, and the address's
        own customer is mailed that it already has an account, with the
        way to sign in with it."""
        browser = sign_in(PROFILE)
        tokens = web.STACK.sql("SELECT COUNT(*) FROM login_token WHERE purpose = 'email_change'")
        before = len(mails_to(OTHER))
        answer = self.ask(browser, OTHER)
        self.assertEqual((answer.status, answer.header("Location")), (303, "/account/profile"))
        self.assertIn("Lien de confirmation envoyé à la nouvelle adresse",
                      browser.get("/account/profile").text())
        mail = wait_for_mail(OTHER, before + 1)[-1]
        self.assertEqual(mail["Subject"], "Cette adresse a déjà un compte client chez Épicerie Alpha")
        self.assertIn("Elle a déjà son propre compte\u00a0: rien n'a changé.", text_part(mail))
        self.assertIn("http://alpha.test/account/login\n", text_part(mail))
        self.assertNotIn("token", text_part(mail))
        self.assertNotIn(PROFILE, text_part(mail) + html_part(mail))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM login_token"
                                       " WHERE purpose = 'email_change'"), tokens)
        self.assertEqual(customer_row(PROFILE, "email"), [PROFILE])
        self.assertEqual(customer_row(OTHER, "email"), [OTHER])
        # the mail is the other customer's, on their timeline
        self.assertEqual(web.STACK.sql(
            "SELECT c.email FROM outbox o JOIN customer c ON c.id = o.customer_id"
            " WHERE o.kind = 'account-email-taken' ORDER BY o.id DESC LIMIT 1"), [[OTHER]])

    def test_the_same_address_and_a_bad_one_are_refused(self):
        browser = sign_in(PROFILE)
        same = self.ask(browser, PROFILE)
        self.assertEqual(same.status, 400)
        self.assertIn("déjà votre adresse actuelle", same.text())
        bad = self.ask(browser, "not an address")
        self.assertEqual(bad.status, 400)
        self.assertEqual(customer_row(PROFILE, "email"), [PROFILE])

    def test_another_shops_or_an_expired_link_changes_nothing(self):
        browser = sign_in(ORDERS)
        new = "oscar.ailleurs@alpha.test"
        before = len(mails_to(new))
        self.assertEqual(self.ask(browser, new).status, 303)
        path = mailed_path(wait_for_mail(new, before + 1)[-1], "/account/email/confirm")
        token = path.rsplit("=", 1)[1]
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.get(path).status, 400)
        answer = beta.post("/account/email/confirm",
                           {"token": token, "csrf": beta.get("/account/login").csrf()})
        self.assertEqual(answer.status, 400)
        web.STACK.sql("UPDATE login_token SET expires_at = NOW() - INTERVAL 1 SECOND"
                      " WHERE purpose = 'email_change' AND new_email = '%s'" % new)
        alpha = web.Browser(ALPHA_HOST)
        self.assertEqual(alpha.get(path).status, 400)
        self.assertEqual(customer_row(ORDERS, "email"), [ORDERS])


class Preferences(unittest.TestCase):
    def ledger(self, email):
        return web.STACK.sql(
            "SELECT k.purpose, k.granted, k.source, k.actor, COALESCE(k.text_id, 0)"
            " FROM consent k JOIN customer c ON c.id = k.customer_id"
            " WHERE c.email = '%s' ORDER BY k.id" % email)

    def current_wording(self):
        return web.STACK.sql(
            "SELECT t.id, t.body FROM consent_text t JOIN shop s ON s.id = t.shop_id"
            " WHERE s.slug = 'alpha' AND t.purpose = 'marketing' AND t.language = 'fr'"
            " ORDER BY t.version DESC LIMIT 1")[0]

    def test_turning_marketing_on_and_off_writes_the_ledger(self):
        browser = sign_in(PREFS)
        page = browser.get("/account/preferences")
        self.assertEqual(page.status, 200)
        text_id, wording = self.current_wording()
        self.assertIn(wording.split("\\n")[0][:40], page.text())
        # what keeps coming whatever she chooses, service announcements too
        self.assertIn("et les annonces de service de la boutique (un changement d'horaires ou de"
                      " lieu de retrait) vous sont envoyés dans tous les cas", page.text())
        shown = re.search(r'name="text_id" value="(\d+)"', page.body).group(1)
        self.assertEqual(shown, text_id)
        on = browser.post("/account/preferences",
                          {"marketing": "1", "text_id": shown, "csrf": page.csrf()})
        self.assertEqual(on.status, 303)
        self.assertEqual(customer_row(PREFS, "marketing_consent"), ["1"])
        self.assertEqual(self.ledger(PREFS), [["marketing", "1", "profile", "customer", text_id]])
        # the same form sent twice writes one entry
        again = browser.post("/account/preferences",
                             {"marketing": "1", "text_id": shown, "csrf": page.csrf()})
        self.assertEqual(again.status, 303)
        self.assertEqual(len(self.ledger(PREFS)), 1)
        self.assertIn("vous recevrez", browser.get("/account/preferences").text())
        off = browser.submit("/account/preferences", "/account/preferences",
                             {"marketing": "0", "text_id": shown})
        self.assertEqual(off.status, 303)
        self.assertEqual(customer_row(PREFS, "marketing_consent"), ["0"])
        self.assertEqual(self.ledger(PREFS)[-1][:4], ["marketing", "0", "profile", "customer"])
        ip = web.STACK.sql("SELECT k.ip FROM consent k JOIN customer c ON c.id = k.customer_id"
                           " WHERE c.email = '%s' ORDER BY k.id DESC LIMIT 1" % PREFS)
        self.assertEqual(ip, [["127.0.0.1"]])

    def test_a_wording_changed_since_the_page_is_shown_first(self):
        browser = sign_in(PREFS)
        if customer_row(PREFS, "marketing_consent") == ["1"]:
            browser.submit("/account/preferences", "/account/preferences",
                           {"marketing": "0", "text_id": "0"})
        entries = len(self.ledger(PREFS))
        page = browser.get("/account/preferences")
        shown = re.search(r'name="text_id" value="(\d+)"', page.body).group(1)
        answer = browser.post("/account/preferences",
                              {"marketing": "1", "text_id": str(int(shown) + 1000),
                               "csrf": page.csrf()})
        self.assertEqual(answer.status, 409)
        self.assertIn("a modifié ce texte", answer.text())
        self.assertEqual(len(self.ledger(PREFS)), entries)
        self.assertEqual(customer_row(PREFS, "marketing_consent"), ["0"])

    def test_a_choice_that_is_neither_is_refused(self):
        browser = sign_in(PREFS)
        entries = len(self.ledger(PREFS))
        answer = browser.submit("/account/preferences", "/account/preferences",
                                {"marketing": "yes please"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Choisissez oui ou non", answer.text())
        self.assertEqual(len(self.ledger(PREFS)), entries)


class Orders(unittest.TestCase):
    def test_list_is_the_customers_own_with_cancelled_ones_marked(self):
        browser = sign_in(ORDERS)
        page = browser.get("/account/orders")
        self.assertEqual(page.status, 200)
        text = page.text()
        for reference in ("ESP-1001", "ESP-1002", "ESP-1003"):
            self.assertIn(reference, text)
        self.assertNotIn("ESP-2001", text)
        self.assertNotIn("BETA-9001", text)
        # newest first, money the French way in the shop's currency
        self.assertLess(text.index("ESP-1003"), text.index("ESP-1001"))
        self.assertIn("1\u202f234,56\u00a0€", page.body)
        self.assertIn("12,34\u00a0€", page.body)
        # an order in pounds says pounds
        self.assertIn("24,90\u00a0£", page.body)
        row = re.search(r'<tr class="cancelled">.*?</tr>', page.body, re.S)
        self.assertTrue(row and "ESP-1002" in row.group(0) and "Annulée" in row.group(0))

    def test_detail_of_an_own_order(self):
        browser = sign_in(ORDERS)
        order_id = web.STACK.sql("SELECT id FROM orders WHERE reference = 'ESP-1002'")[0][0]
        page = browser.get("/account/orders/%s" % order_id)
        self.assertEqual(page.status, 200)
        self.assertIn("ESP-1002", page.text())
        self.assertIn("Annulée", page.text())
        self.assertIn("50,00\u00a0€", page.body)

    def test_an_order_in_another_currency_is_shown_in_it_to_customer_and_admin(self):
        order_id = web.STACK.sql("SELECT id FROM orders WHERE reference = 'ESP-1004'")[0][0]
        page = sign_in(ORDERS).get("/account/orders/%s" % order_id)
        self.assertEqual(page.status, 200)
        self.assertIn("24,90\u00a0£", page.body)
        self.assertNotIn("24,90\u00a0€", page.body)
        admin = web.Browser(ALPHA_HOST)
        self.assertEqual(admin.sign_in(*ALPHA_OWNER).status, 303)
        customer = web.STACK.sql("SELECT id FROM customer WHERE email = '%s'" % ORDERS)[0][0]
        page = admin.get("/admin/customers/%s" % customer)
        self.assertEqual(page.status, 200)
        self.assertIn("24,90\u00a0£", page.body)
        self.assertIn("12,34\u00a0€", page.body)

    def test_another_customers_or_shops_order_is_not_found(self):
        browser = sign_in(ORDERS)
        for reference in ("ESP-2001", "BETA-9001"):
            order_id = web.STACK.sql("SELECT id FROM orders WHERE reference = '%s'"
                                     % reference)[0][0]
            page = browser.get("/account/orders/%s" % order_id)
            self.assertEqual(page.status, 404, reference)
            self.assertNotIn(reference, page.text())


class DataDownload(unittest.TestCase):
    def download(self, browser):
        page = browser.get("/account/data")
        self.assertEqual(page.status, 200)
        return browser.request("POST", "/account/data", form={"csrf": page.csrf()})

    def raw_download(self, browser):
        """The ZIP's bytes (web.Browser decodes bodies as text)."""
        import http.client
        import urllib.parse
        token = browser.get("/account/data").csrf()
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=30)
        connection.request("POST", "/account/data", body=urllib.parse.urlencode({"csrf": token}),
                           headers={"Host": browser.host,
                                    "Cookie": "; ".join("%s=%s" % kv
                                                        for kv in browser.cookies.items()),
                                    "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        body = answer.read()
        headers = dict((k.lower(), v) for k, v in answer.getheaders())
        connection.close()
        return answer.status, headers, body

    def test_zip_holds_profile_orders_consent_and_mails_as_json_and_csv(self):
        browser = sign_in(ZIPPER)
        browser.submit("/account/preferences", "/account/preferences",
                       {"marketing": "1", "text_id": re.search(
                           r'name="text_id" value="(\d+)"',
                           browser.get("/account/preferences").body).group(1)})
        status, headers, body = self.raw_download(browser)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/zip")
        self.assertIn("no-store", headers["cache-control"])
        self.assertRegex(headers["content-disposition"],
                         r'^attachment; filename="mes-donnees-alpha-\d{4}-\d{2}-\d{2}\.zip"$')
        archive = zipfile.ZipFile(io.BytesIO(body))
        self.assertIsNone(archive.testzip())
        self.assertEqual(sorted(archive.namelist()),
                         sorted("%s.%s" % (part, kind) for part in
                                ("profile", "orders", "consent", "mails")
                                for kind in ("json", "csv")))
        profile = json.loads(archive.read("profile.json"))
        self.assertEqual(profile["email"], ZIPPER)
        self.assertEqual(profile["first_name"], "Zoé")
        self.assertEqual(profile["city"], "Lyon")
        self.assertEqual(profile["marketing_consent"], 1)
        orders = json.loads(archive.read("orders.json"))
        self.assertEqual([(o["reference"], o["total_cents"], o["currency"]) for o in orders],
                         [("ESP-3001", 4250, "EUR"), ("ESP-3002", 1999, "GBP")])
        consent = json.loads(archive.read("consent.json"))
        self.assertEqual(consent[-1]["purpose"], "marketing")
        self.assertEqual(consent[-1]["granted"], 1)
        self.assertEqual(consent[-1]["channel"], "profile")
        wording = web.STACK.sql(
            "SELECT t.body FROM consent_text t JOIN shop s ON s.id = t.shop_id"
            " WHERE s.slug = 'alpha' AND t.purpose = 'marketing' AND t.language = 'fr'"
            " ORDER BY t.version DESC LIMIT 1")[0][0]
        self.assertEqual(consent[-1]["wording"].replace("\n", "\\n"), wording)
        mails = json.loads(archive.read("mails.json"))
        self.assertTrue(any("Votre lien de connexion" in m["subject"] for m in mails))
        self.assertTrue(all(m["recipient"] == ZIPPER for m in mails))
        # the CSV files say the same, with a header row, as Excel in French
        # reads them: a BOM (else "Ã©"), ';' between cells, amounts in euros
        def sheet(name):
            raw = archive.read(name)
            self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), name)
            return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""),
                                       delimiter=";"))
        rows = sheet("orders.csv")
        self.assertEqual([(r["reference"], r["status"], r["total"], r["currency"])
                          for r in rows],
                         [("ESP-3001", "paid", "42,50", "EUR"), ("ESP-3002", "paid", "19,99", "GBP")])
        rows = sheet("profile.csv")
        self.assertEqual((rows[0]["email"], rows[0]["last_name"]), (ZIPPER, "Données"))
        rows = sheet("consent.csv")
        self.assertEqual(rows[-1]["channel"], "profile")
        rows = sheet("mails.csv")
        self.assertEqual(len(rows), len(mails))
        # nothing of it stays in the spool
        spool = os.path.join(web.STACK.spool_dir,
                             web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0])
        leftovers = [name for name in os.listdir(spool) if name.startswith("sheet-out-")]
        self.assertEqual(leftovers, [])

    def test_download_needs_the_forms_token(self):
        browser = sign_in(ZIPPER)
        answer = browser.post("/account/data", {})
        self.assertEqual(answer.status, 403)
        self.assertNotEqual(answer.header("Content-Type"), "application/zip")

    def test_another_shops_customer_gets_only_their_own(self):
        browser = sign_in(BETA, BETA_HOST)
        status, headers, body = self.raw_download(browser)
        self.assertEqual(status, 200)
        self.assertIn('filename="my-data-beta-', headers["content-disposition"])
        archive = zipfile.ZipFile(io.BytesIO(body))
        everything = b"".join(archive.read(name) for name in archive.namelist())
        self.assertIn(b"BETA-9001", everything)
        self.assertNotIn(b"ESP-", everything)
        # in English, as a UK Excel reads it: ',' and a decimal point
        self.assertRegex(archive.read("orders.csv").decode("utf-8"),
                         r"^\ufeffreference,status,total,currency,ordered_at\r\nBETA-9001,\w+,\d+\.\d\d,")
        self.assertNotIn(b"alpha.test", everything)


class DeleteAccount(unittest.TestCase):
    def ask(self, browser, email):
        before = len(mails_to(email))
        page = browser.get("/account/delete")
        self.assertEqual(page.status, 200)
        sent = browser.post("/account/delete", {"csrf": page.csrf()})
        self.assertEqual(sent.status, 200)
        mail = wait_for_mail(email, before + 1)[-1]
        self.assertEqual(mail["Subject"],
                         "Confirmez la suppression de votre compte chez Épicerie Alpha")
        return sent, mail

    def assert_erased(self, customer, reference):
        self.assertEqual(web.STACK.sql(
            "SELECT email IS NULL, first_name, last_name, phone, address, postal_code, city,"
            " company, erased_at IS NOT NULL FROM customer WHERE id = %d" % customer),
            [["1", "", "", "", "", "", "", "", "1"]])
        self.assertEqual(web.STACK.sql("SELECT customer_id IS NULL FROM orders"
                                       " WHERE reference = '%s'" % reference), [["1"]])
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM session WHERE customer_id = %d"
                                       % customer), [["0"]])

    def test_delete_by_link_erases_signs_out_and_tells_the_admins_who_asked(self):
        browser = sign_in(LEAVER)
        customer = customer_id(LEAVER)
        told = len(mails_to(NOTIFIED_ADMIN))
        quiet = len(mails_to(QUIET_ADMIN))
        _, mail = self.ask(browser, LEAVER)
        path = mailed_path(mail, "/account/delete/confirm")
        code = re.search(r"\b(\d{6})\b", text_part(mail)).group(1)
        self.assertTrue(code)
        # a scanner's GET deletes nothing
        clicker = web.Browser(ALPHA_HOST)
        confirm = clicker.get(path)
        self.assertEqual(confirm.status, 200)
        self.assertEqual(confirm.header("Referrer-Policy"), "strict-origin")
        self.assertEqual(customer_row(LEAVER, "first_name"), ["Lucien"])
        token = path.rsplit("=", 1)[1]
        # the customer's own browser follows it
        confirm = browser.get(path)
        done = browser.post("/account/delete/confirm", {"token": token, "csrf": confirm.csrf()})
        self.assertEqual(done.status, 200)
        self.assertIn("Compte supprimé", done.text())
        # no word of the shop having been told: only admins who asked are
        self.assertIn("vos données personnelles effacées. Merci de votre confiance.", done.text())
        self.assertNotIn("fidele_account", browser.cookies)
        self.assert_erased(customer, "ESP-4001")
        home = browser.get("/account/")
        self.assertEqual(home.status, 303)
        # the admin who asked to be told is, the one who did not is not
        notice = wait_for_mail(NOTIFIED_ADMIN, told + 1)[-1]
        self.assertEqual(notice["Subject"], "Un client a supprimé son compte chez Épicerie Alpha")
        self.assertIn("Lucien Départ", text_part(notice))
        self.assertIn("Lucien Départ", html_part(notice))
        time.sleep(1)
        self.assertEqual(len(mails_to(QUIET_ADMIN)), quiet)
        # the link served once
        replay = web.Browser(ALPHA_HOST)
        self.assertEqual(replay.get(path).status, 400)
        answer = replay.post("/account/delete/confirm",
                             {"token": token, "csrf": replay.get("/account/login").csrf()})
        self.assertEqual(answer.status, 400)
        self.assertIn("a déjà servi, a expiré", answer.text())
        # sent twice, the deletion told the admins once
        time.sleep(1)
        self.assertEqual(len(mails_to(NOTIFIED_ADMIN)), told + 1)

    def test_delete_by_code_after_a_wrong_one(self):
        browser = sign_in(CODER)
        customer = customer_id(CODER)
        told = len(mails_to(NOTIFIED_ADMIN))
        sent, mail = self.ask(browser, CODER)
        code = re.search(r"\b(\d{6})\b", text_part(mail)).group(1)
        # the mail says where the code goes: the page that asked, which has
        # the field (the account's pages do not)
        self.assertIn("Ou saisissez ce code sur la page où vous avez demandé la suppression\u00a0:",
                      text_part(mail))
        self.assertIn('name="code"', sent.body)
        handle = re.search(r'name="handle" value="([0-9a-f]{64})"', sent.body).group(1)
        wrong = "000000" if code != "000000" else "111111"
        answer = browser.post("/account/delete/code",
                              {"handle": handle, "code": wrong, "csrf": sent.csrf()})
        self.assertEqual(answer.status, 400)
        self.assertIn("incorrect", answer.text())
        self.assertEqual(customer_row(CODER, "first_name"), ["<i>Coline</i>"])
        done = browser.post("/account/delete/code",
                            {"handle": handle, "code": code, "csrf": sent.csrf()})
        self.assertEqual(done.status, 200)
        self.assertIn("Compte supprimé", done.text())
        self.assertEqual(web.STACK.sql("SELECT erased_at IS NOT NULL FROM customer WHERE id = %d"
                                       % customer), [["1"]])
        # the name an admin reads is text, not markup
        notice = wait_for_mail(NOTIFIED_ADMIN, told + 1)[-1]
        self.assertIn("&lt;i&gt;Coline&lt;/i&gt; Code", html_part(notice))
        self.assertNotIn("<i>Coline", html_part(notice))

    def test_another_shops_or_an_expired_delete_link_deletes_nothing(self):
        browser = sign_in(OTHER)
        _, mail = self.ask(browser, OTHER)
        path = mailed_path(mail, "/account/delete/confirm")
        token = path.rsplit("=", 1)[1]
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.get(path).status, 400)
        self.assertEqual(beta.post("/account/delete/confirm",
                                   {"token": token,
                                    "csrf": beta.get("/account/login").csrf()}).status, 400)
        web.STACK.sql("UPDATE login_token SET expires_at = NOW() - INTERVAL 1 SECOND"
                      " WHERE purpose = 'account_delete' AND customer_id = %d"
                      % customer_id(OTHER))
        alpha = web.Browser(ALPHA_HOST)
        confirm_page = alpha.get(path)
        self.assertEqual(confirm_page.status, 400)
        self.assertEqual(alpha.post("/account/delete/confirm",
                                    {"token": token,
                                     "csrf": alpha.get("/account/login").csrf()}).status, 400)
        self.assertEqual(customer_row(OTHER, "first_name"), ["Autre"])


class CustomersLanguage(unittest.TestCase):
    def test_a_customer_who_chose_english_reads_english_in_a_french_shop(self):
        browser = sign_in(ENGLISH)
        self.assertIn("My account", browser.get("/account/").text())
        refused = browser.submit("/account/profile", "/account/profile", {"city": "x" * 101})
        self.assertEqual(refused.status, 400)
        self.assertIn("Please correct the fields shown", refused.text())
        self.assertIn("too long", refused.text())
        before = len(mails_to(ENGLISH))
        sent = browser.submit("/account/delete", "/account/delete", {})
        self.assertIn("Confirm by e-mail", sent.text())
        mail = wait_for_mail(ENGLISH, before + 1)[-1]
        self.assertEqual(mail["Subject"], "Confirm the deletion of your account at Épicerie Alpha")
        self.assertIn("Deleting is final", text_part(mail))
        self.assertEqual(customer_row(ENGLISH, "erased_at IS NULL"), ["1"])


class BlockedCustomer(unittest.TestCase):
    def test_a_blocked_customer_is_signed_out_and_changes_nothing(self):
        browser = sign_in(BLOCKED)
        token = browser.get("/account/profile").csrf()
        # an admin blocks them (the writer ends their sessions)
        admin = web.Browser(ALPHA_HOST)
        admin.sign_in("owner@alpha.test", "alpha-owner-password")
        page = admin.get("/admin/customers/%d" % customer_id(BLOCKED))
        blocked = admin.post("/admin/customers/%d/block" % customer_id(BLOCKED),
                             {"reason": "impayés", "csrf": page.csrf()})
        self.assertEqual(blocked.status, 303)
        self.assertEqual(customer_row(BLOCKED, "status"), ["blocked"])
        self.assertEqual(browser.get("/account/").status, 303)
        answer = browser.post("/account/profile", {"first_name": "Changed", "csrf": token})
        self.assertEqual(answer.status, 303)
        self.assertTrue(answer.header("Location").startswith("/account/login"))
        self.assertEqual(customer_row(BLOCKED, "first_name"), ["Basile"])


class TwoShops(unittest.TestCase):
    def test_a_customer_of_beta_sees_only_beta(self):
        browser = sign_in(BETA, BETA_HOST)
        home = browser.get("/account/")
        self.assertEqual(home.status, 200)
        self.assertIn("My account", home.text())
        orders = browser.get("/account/orders")
        self.assertIn("BETA-9001", orders.text())
        self.assertNotIn("ESP-", orders.text())
        self.assertIn("bert.space@beta.test", browser.get("/account/profile").text())

    def test_an_alpha_session_means_nothing_on_beta(self):
        browser = sign_in(ORDERS)
        cookie = browser.cookies["fidele_account"]
        stranger = web.Browser(BETA_HOST)
        stranger.cookies["fidele_account"] = cookie
        self.assertEqual(stranger.get("/account/orders").status, 303)


class Html(unittest.TestCase):
    # tidy 5.6 (Debian 12) predates these valid HTML attributes
    KNOWN_TO_TIDY = ('proprietary attribute "aria-current"', 'proprietary attribute "inputmode"',
                     'proprietary attribute "autocomplete"')

    def test_every_page_of_the_space_is_valid_html(self):
        import subprocess
        browser = sign_in(ORDERS)
        order_id = web.STACK.sql("SELECT id FROM orders WHERE reference = 'ESP-1002'")[0][0]
        pages = {}
        for path in ("/account/", "/account/profile", "/account/preferences", "/account/orders",
                     "/account/orders/%s" % order_id, "/account/data", "/account/delete",
                     "/account/email/confirm?token=" + "a" * 64,
                     "/account/delete/confirm?token=" + "a" * 64):
            pages[path] = browser.get(path).body
        pages["profile refused"] = browser.submit("/account/profile", "/account/profile",
                                                  {"city": "x" * 101}).body
        pages["delete sent"] = browser.submit("/account/delete", "/account/delete", {}).body
        mail = wait_for_mail(ORDERS, 1, "suppression")[-1]
        pages["delete confirm"] = web.Browser(ALPHA_HOST).get(
            mailed_path(mail, "/account/delete/confirm")).body
        clear_limits()
        for name, body in pages.items():
            result = subprocess.run(["tidy", "-q", "-e"], input=body.encode(), capture_output=True)
            problems = [line for line in result.stderr.decode().splitlines()
                        if line.strip() and not any(k in line for k in self.KNOWN_TO_TIDY)]
            self.assertEqual(problems, [], name)
