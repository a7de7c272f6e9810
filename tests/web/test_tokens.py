"""Customer sign-in tokens under attack: the daily cap on wrong codes per
customer, links voided at sign-in and at block, tokens kept only as HMACs,
the "no account here" mail (rare, and linking to no 404), and the per-IP
limits (requests sent from other loopback addresses, which nginx passes
as REMOTE_ADDR)."""

import hashlib
import hmac
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web
from test_account import (clear_limits, drain_outbox, link_and_code, request_link, text_part,
                          wait_for_mail)

CAPPED = "capped@alpha.test"
OTHER = "uncapped@alpha.test"
TWO_LINKS = "two.links@alpha.test"
TO_BLOCK = "to.block@alpha.test"
STORED = "stored@alpha.test"


def setUpModule():
    web.STACK.sql("".join(
        "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT id, '%s', 'Test', 'Jetons', 'active', 'admin' FROM shop WHERE slug = 'alpha';"
        % address for address in (CAPPED, OTHER, TWO_LINKS, TO_BLOCK, STORED)))


def secret():
    with open(web.STACK.config) as f:
        return re.search(r"^Security\.Secret = (\S+)$", f.read(), re.M).group(1)


def keyed(message):
    return hmac.new(secret().encode(), message.encode(), hashlib.sha256).hexdigest()


def ask(address, source):
    """Asks for a link from source; returns the page, the link's token and
    the code of the mail it sent, and the handle of the page's code form."""
    browser = web.Browser(ALPHA_HOST, source=source)
    page, before = request_link(browser, address)
    _, token, code = link_and_code(wait_for_mail(address, before + 1)[-1])
    handle = re.search(r'name="handle" value="([0-9a-f]{64})"', page.body).group(1)
    return browser, page, token, code, handle


def type_code(browser, page, handle, code):
    return browser.post("/account/login/code", {"handle": handle, "code": code,
                                                "csrf": page.csrf()})


def follow_link(browser, token):
    confirm = browser.get("/account/login/confirm?token=" + token)
    if confirm.status != 200:
        return confirm
    return browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})


def wrong(code):
    return "%06d" % ((int(code) + 1) % 1000000)


def queued_to(address):
    return int(web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE recipient = '%s'" % address)[0][0])


class WrongCodesPerCustomer(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_ten_wrong_codes_a_day_refuse_even_the_right_code_but_not_the_link(self):
        """wrong codes spread over tokens and IPs are capped per customer"""
        for n in range(2):
            browser, page, _, code, handle = ask(CAPPED, "127.0.0.%d" % (21 + n))
            for _ in range(5):
                answer = type_code(browser, page, handle, wrong(code))
                self.assertEqual(answer.status, 400)
        browser, page, token, code, handle = ask(CAPPED, "127.0.0.23")
        answer = type_code(browser, page, handle, code)
        self.assertEqual(answer.status, 400)
        # the same answer as a wrong code: nothing tells a guesser the address is known
        self.assertIn("Ce code est incorrect ou a expiré.", answer.text())
        self.assertNotIn("fidele_account", browser.cookies)
        # the link in the same mail still signs the customer in
        clicker = web.Browser(ALPHA_HOST, source="127.0.0.24")
        self.assertEqual(follow_link(clicker, token).status, 303)
        self.assertIn(CAPPED, clicker.get("/account/").text())

    def test_codes_typed_with_the_address_count_and_are_capped_too(self):
        """the code page of another device feeds the same daily cap"""
        _, _, _, code, _ = ask(CAPPED, "127.0.0.31")
        anywhere = web.Browser(ALPHA_HOST, source="127.0.0.32")
        for _ in range(5):
            form = anywhere.get("/account/login/code")
            answer = anywhere.post("/account/login/code", {"email": CAPPED, "code": wrong(code),
                                                           "csrf": form.csrf()})
            self.assertEqual(answer.status, 400)
        browser, page, _, code, handle = ask(CAPPED, "127.0.0.33")
        for _ in range(5):
            self.assertEqual(type_code(browser, page, handle, wrong(code)).status, 400)
        # ten wrong codes in all: the right one is refused on either page
        browser, page, _, code, handle = ask(CAPPED, "127.0.0.34")
        form = anywhere.get("/account/login/code")
        answer = anywhere.post("/account/login/code", {"email": CAPPED, "code": code,
                                                       "csrf": form.csrf()})
        self.assertEqual(answer.status, 400)
        self.assertIn("Ce code est incorrect ou a expiré.", answer.text())
        self.assertNotIn("fidele_account", anywhere.cookies)
        self.assertEqual(type_code(browser, page, handle, code).status, 400)

    def test_another_customers_wrong_codes_do_not_count(self):
        browser, page, _, code, handle = ask(CAPPED, "127.0.0.25")
        for _ in range(5):
            type_code(browser, page, handle, wrong(code))
        browser, page, _, code, handle = ask(CAPPED, "127.0.0.25")
        for _ in range(5):
            type_code(browser, page, handle, wrong(code))
        browser, page, _, code, handle = ask(OTHER, "127.0.0.26")
        self.assertEqual(type_code(browser, page, handle, code).status, 303)


class LinksVoided(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_signing_in_voids_the_customers_other_links_and_codes(self):
        first, first_page, first_token, first_code, first_handle = ask(TWO_LINKS, "127.0.0.1")
        second, _, second_token, _, _ = ask(TWO_LINKS, "127.0.0.1")
        self.assertEqual(follow_link(second, second_token).status, 303)
        late = web.Browser(ALPHA_HOST)
        page = late.get("/account/login/confirm?token=" + first_token)
        self.assertEqual(page.status, 400)
        self.assertIn("Lien expiré", page.text())
        answer = type_code(first, first_page, first_handle, first_code)
        self.assertEqual(answer.status, 400)
        self.assertNotIn("fidele_account", first.cookies)

    def test_blocking_a_customer_voids_their_links(self):
        customer, page, token, code, handle = ask(TO_BLOCK, "127.0.0.1")
        customer_id = web.STACK.sql("SELECT id FROM customer WHERE email = '%s'" % TO_BLOCK)[0][0]
        admin = web.Browser(ALPHA_HOST)
        admin.sign_in(*ALPHA_OWNER)
        answer = admin.submit("/admin/customers/%s" % customer_id,
                              "/admin/customers/%s/block" % customer_id, {"reason": "essai"})
        self.assertEqual(answer.status, 303)
        link = web.Browser(ALPHA_HOST).get("/account/login/confirm?token=" + token)
        self.assertEqual(link.status, 400)
        self.assertIn("Lien expiré", link.text())
        self.assertEqual(type_code(customer, page, handle, code).status, 400)
        self.assertNotIn("fidele_account", customer.cookies)


class StoredAsHmacOnly(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_the_table_holds_no_token_handle_or_code_in_clear(self):
        _, _, token, code, handle = ask(STORED, "127.0.0.1")
        # the row behind this mail: its link and its handle, keyed by the secret
        rows = web.STACK.sql("SELECT LOWER(HEX(token_hash)), LOWER(HEX(handle_hash)),"
                             " LOWER(HEX(code_hash)) FROM login_token"
                             " WHERE token_hash = UNHEX('%s')" % keyed("link:" + token))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], keyed("handle:" + handle))
        code_hash = rows[0][2]
        self.assertEqual(len(code_hash), 64)
        sha = lambda text: hashlib.sha256(text.encode()).hexdigest()
        for unkeyed in (code, handle + code, handle + ":" + code, "code:%s:%s" % (handle, code)):
            self.assertNotEqual(code_hash, sha(unkeyed))
        self.assertNotIn(code.encode().hex(), code_hash)
        # nowhere in the table, in clear or as a plain SHA-256
        table = "\n".join("|".join(row) for row in web.STACK.sql(
            "SELECT LOWER(HEX(token_hash)), IFNULL(LOWER(HEX(code_hash)), ''),"
            " IFNULL(LOWER(HEX(handle_hash)), ''), IFNULL(return_path, '') FROM login_token"))
        for secret_text in (token, handle):
            self.assertNotIn(secret_text, table)
            self.assertNotIn(sha(secret_text), table)
            self.assertNotIn(hashlib.sha256(bytes.fromhex(secret_text)).hexdigest(), table)


class NoAccountMail(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_an_unknown_address_is_told_once_a_day(self):
        address = "once.a.day@alpha.test"
        first, before = request_link(web.Browser(ALPHA_HOST, source="127.0.0.41"), address)
        message = wait_for_mail(address, before + 1)[-1]
        self.assertIn("aucun compte client", text_part(message))
        second, _ = request_link(web.Browser(ALPHA_HOST, source="127.0.0.42"), address)
        self.assertEqual(second.status, 200)
        self.assertEqual(second.text(), first.text())
        drain_outbox()
        self.assertEqual(queued_to(address), 1)

    def test_the_mail_links_to_no_missing_page(self):
        address = "no.signup.yet@alpha.test"
        _, before = request_link(web.Browser(ALPHA_HOST), address)
        message = wait_for_mail(address, before + 1)[-1]
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertNotIn("/account/signup", text_part(message) + html)
        for url in re.findall(r"https?://[^\s\"<>]+", text_part(message) + html):
            path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
            self.assertNotEqual(web.Browser(ALPHA_HOST).get("/" + path).status, 404, url)

    def test_a_shop_sends_at_most_twenty_an_hour_whatever_the_ips(self):
        addresses = ["nobody%02d@alpha.test" % n for n in range(21)]
        for n, address in enumerate(addresses):
            page, _ = request_link(web.Browser(ALPHA_HOST, source="127.0.1.%d" % (n + 1)), address)
            self.assertEqual(page.status, 200)
        drain_outbox()
        self.assertEqual([queued_to(a) for a in addresses], [1] * 20 + [0])


class PerIpLimits(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def test_link_requests_are_limited_per_ip_address(self):
        """twenty requests per IP in 15 minutes, whatever the addresses"""
        browser = web.Browser(ALPHA_HOST, source="127.0.0.31")
        for n in range(20):
            page, _ = request_link(browser, "per.ip%02d@alpha.test" % n)
            self.assertEqual(page.status, 200)
        page, _ = request_link(browser, "per.ip.last@alpha.test")
        self.assertEqual(page.status, 429)
        self.assertIn("Trop de demandes", page.text())
        page, _ = request_link(web.Browser(ALPHA_HOST, source="127.0.0.32"), "per.ip.last@alpha.test")
        self.assertEqual(page.status, 200)

    def test_code_tries_are_limited_per_ip_address(self):
        """fifty wrong codes per IP in 15 minutes, whatever the tokens"""
        browser = web.Browser(ALPHA_HOST, source="127.0.0.33")
        page = browser.get("/account/login")
        for n in range(50):
            answer = type_code(browser, page, "%064x" % (n + 1), "123456")
            self.assertEqual(answer.status, 400)
        self.assertEqual(type_code(browser, page, "%064x" % 99, "123456").status, 429)
        other = web.Browser(ALPHA_HOST, source="127.0.0.34")
        self.assertEqual(type_code(other, other.get("/account/login"), "%064x" % 99, "123456").status,
                         400)
