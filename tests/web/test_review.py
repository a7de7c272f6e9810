"""What a second review of issue 10 found, each with the test that would have
caught it: a stranger who knows an address could kill the customer's mailed
sign-in link by typing wrong codes with it; the text part of the sign-in
and reset mails spoke of a button that only the HTML part has."""

import re
import unittest

from fixtures import ALPHA_HOST, BETA_HOST
import web
from test_account import (clear_limits, drain_outbox, link_and_code, mails_to, request_link,
                          text_part, wait_for_mail)

CUSTOMER = "review.victim@alpha.test"
BETA_CUSTOMER = "review.victim@beta.test"


def setUpModule():
    web.STACK.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, '%s', 'Victime', 'Revue', 'active', 'admin' FROM shop WHERE slug = 'alpha';
INSERT INTO customer (shop_id, email, first_name, last_name, status, language, source)
SELECT id, '%s', 'Victim', 'Review', 'active', 'en', 'admin' FROM shop WHERE slug = 'beta';
""" % (CUSTOMER, BETA_CUSTOMER))


def ask(address, host=ALPHA_HOST):
    """Asks for a link as the customer would; returns the mail."""
    _, before = request_link(web.Browser(host), address)
    return wait_for_mail(address, before + 1)[-1]


def stranger_types(address, code):
    """A stranger's browser types the address and a code on the code page."""
    browser = web.Browser(ALPHA_HOST)
    page = browser.get("/account/login/code")
    return browser.post("/account/login/code", {"email": address, "code": code,
                                                "csrf": page.csrf()})


class StrangerCannotKillTheLink(unittest.TestCase):
    """ratelimit.h promises that "the link in the mail still works, so a
    stranger cannot lock anyone out"; the code typed with the address
    (anyone can type any address) used to count its fifth wrong try against
    the whole token, link included."""

    def setUp(self):
        clear_limits()

    def test_five_wrong_codes_typed_with_the_address_leave_the_link_working(self):
        customer = web.Browser(ALPHA_HOST)
        sent, before = request_link(customer, CUSTOMER)
        handle = re.search(r'name="handle" value="([0-9a-f]{64})"', sent.body).group(1)
        _, token, code = link_and_code(wait_for_mail(CUSTOMER, before + 1)[-1])
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for _ in range(5):
            self.assertEqual(stranger_types(CUSTOMER, wrong).status, 400)
        # the code is dead: the right one no longer signs the stranger in
        refused = stranger_types(CUSTOMER, code)
        self.assertEqual(refused.status, 400)
        self.assertNotIn("fidele_account", refused.header("Set-Cookie") or "")
        # nor the customer, on the page that asked; typing it there (more
        # than once) does not end the link either
        for _ in range(2):
            mine = customer.post("/account/login/code", {"handle": handle, "code": code,
                                                         "csrf": sent.csrf()})
            self.assertEqual(mine.status, 400)
        # the customer's link still signs them in
        confirm = customer.get("/account/login/confirm?token=" + token)
        self.assertEqual(confirm.status, 200)
        answer = customer.post("/account/login/confirm", {"token": token,
                                                          "csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertIn("fidele_account", customer.cookies)


class MailTexts(unittest.TestCase):
    """A mail client that shows the text part shows no button: the text
    must not ask to click one."""

    def setUp(self):
        clear_limits()

    def test_sign_in_mail_text_part_speaks_of_a_link(self):
        for host, address, link_word, button_word in (
                (ALPHA_HOST, CUSTOMER, "ouvrez le lien ci-dessous", "bouton"),
                (BETA_HOST, BETA_CUSTOMER, "open the link below", "button")):
            message = ask(address, host)
            text = text_part(message)
            self.assertIn(link_word, text)
            self.assertNotIn(button_word, text.lower())
            html = message.get_body(preferencelist=("html",)).get_content()
            self.assertIn(button_word, html.lower(), "the HTML part has its button")

    def test_reset_mail_text_part_speaks_of_a_link(self):
        drain_outbox()
        address = "owner@alpha.test"
        before = len(mails_to(address))
        web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                       {"email": address})
        text = text_part(wait_for_mail(address, before + 1)[-1])
        self.assertIn("ouvrez le lien ci-dessous", text)
        self.assertNotIn("bouton", text.lower())


class EditKeepsTheShopsLanguage(unittest.TestCase):
    """The edit form offered only Français and English, with neither chosen
    for a customer without a language of their own: a browser then sends
    the first, so any edit in the English shop made that customer's mails
    French. Then it chose the shop's language, and saving any other change
    fixed the customer to it: the page said "the shop's" before the edit
    and "English" after, and a later change of the shop's language left
    them behind. The form offers "the shop's (English)" first, chosen."""

    def language(self):
        return web.STACK.sql("SELECT COALESCE(language, 'NULL') FROM customer WHERE email = '%s'"
                             % BETA_CUSTOMER)[0][0]

    def test_editing_a_customer_without_a_language_keeps_the_shops(self):
        clear_limits()
        web.STACK.sql("UPDATE customer SET language = NULL WHERE email = '%s'" % BETA_CUSTOMER)
        customer_id = web.STACK.sql("SELECT id FROM customer WHERE email = '%s'"
                                    % BETA_CUSTOMER)[0][0]
        from fixtures import BETA_OWNER
        admin = web.Browser(BETA_HOST)
        admin.sign_in(*BETA_OWNER)
        path = "/admin/customers/%s/edit" % customer_id

        def save(form, language):
            """What a browser sends back with that option chosen."""
            return admin.post(path, {
                "csrf": form.csrf(), "email": BETA_CUSTOMER, "first_name": "Victim",
                "last_name": "Review", "phone": "", "country": "", "language": language})

        form = admin.get(path)
        self.assertEqual(form.status, 200)
        self.assertRegex(form.body, r'<option value="" selected>The shop&#39;s \(English\)</option>')
        self.assertNotRegex(form.body, r'<option value="(fr|en)" selected>')
        self.assertEqual(save(form, "").status, 303)
        self.assertEqual(self.language(), "NULL")
        self.assertIn("The shop's", admin.get("/admin/customers/%s" % customer_id).text())
        # one chosen is kept, and shown chosen; the shop's again clears it
        self.assertEqual(save(form, "fr").status, 303)
        self.assertEqual(self.language(), "fr")
        again = admin.get(path)
        self.assertRegex(again.body, r'<option value="fr" selected>Français</option>')
        self.assertNotRegex(again.body, r'<option value="" selected>')
        self.assertEqual(save(again, "").status, 303)
        self.assertEqual(self.language(), "NULL")
        # a language that is none of them changes nothing
        self.assertEqual(save(again, "de").status, 400)
        self.assertEqual(self.language(), "NULL")

    def test_the_customer_page_says_a_customer_without_a_language_gets_the_shops(self):
        web.STACK.sql("UPDATE customer SET language = NULL WHERE email = '%s'" % CUSTOMER)
        customer_id = web.STACK.sql("SELECT id FROM customer WHERE email = '%s'" % CUSTOMER)[0][0]
        from fixtures import ALPHA_OWNER
        admin = web.Browser(ALPHA_HOST)
        admin.sign_in(*ALPHA_OWNER)
        page = admin.get("/admin/customers/%s" % customer_id)
        self.assertRegex(page.text(), r"Langue des e-mails\s*Celle de la boutique")
