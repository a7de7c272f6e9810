"""Services without a request (issue 11, point 3) and the one customer
writer (point 1): the CLI mails through the same outbox, token and event
functions as the pages, and every way of changing a customer keeps the
search index, the timeline and the login tokens right."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST
import web
from test_account import drain_outbox, wait_for_mail, mails_to, text_part

SENT_ADMIN = ("mailed-owner@beta.test", "mailed-owner-password")


def setUpModule():
    web.STACK.admin("admin", "add", "--shop", "beta", "--email", SENT_ADMIN[0], "--role", "owner",
                    input=SENT_ADMIN[1] + "\n")


class LoginLinkSend(unittest.TestCase):
    def test_send_mails_the_link_in_the_shops_language_instead_of_printing_it(self):
        drain_outbox()
        before = len(mails_to(SENT_ADMIN[0]))
        result = web.STACK.admin("login-link", "--shop", "beta", "--email", SENT_ADMIN[0], "--send")
        self.assertNotIn("token=", result.stdout)
        self.assertIn(SENT_ADMIN[0], result.stdout)
        message = wait_for_mail(SENT_ADMIN[0], before + 1)[-1]
        # beta speaks English: the CLI loaded the language files itself
        self.assertIn("new password", message["Subject"].lower())
        self.assertIn("Beta", message["Subject"])
        link = re.search(r"https://beta\.test(/admin/login/reset\?token=([0-9a-f]{64}))",
                         text_part(message))
        self.assertIsNotNone(link)
        path, token = link.groups()
        browser = web.Browser(BETA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        answer = browser.post("/admin/login/reset", {"token": token, "password": "mailed-new-password",
                                                     "csrf": form.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM event e JOIN admin a ON a.id = e.admin_id"
            " WHERE a.email = '%s' AND e.kind = 'admin.link_mailed'" % SENT_ADMIN[0]), [["1"]])

    def test_send_to_someone_who_is_not_an_admin_queues_nothing(self):
        before = web.STACK.sql("SELECT COUNT(*) FROM outbox")
        result = web.STACK.admin("login-link", "--shop", "beta", "--email", "ghost@beta.test", "--send",
                                 check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not an admin", result.stderr)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM outbox"), before)


def terms_of(ids):
    """The search index rows of these customers, as the list reads them."""
    if not ids:
        return []
    return web.STACK.sql("SELECT customer_id, term, HEX(name_key), email FROM customer_search"
                         " WHERE customer_id IN (%s) ORDER BY customer_id, term" % ",".join(ids))


def found_by_search(browser, words, email):
    page = browser.get("/admin/customers?q=" + web.urllib.parse.quote(words))
    return email in page.text()


class SearchFollowsEveryWriter(unittest.TestCase):
    """Whatever writes a customer, the index says what a rebuild from the
    rows would say, and the list's search finds the customer by what they
    are called now."""

    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def create(self, email, first, last):
        answer = self.browser.submit("/admin/customers/new", "/admin/customers/new",
                                     {"email": email, "first_name": first, "last_name": last,
                                      "phone": "06 11 22 33 44"})
        self.assertEqual(answer.status, 303)
        return answer.header("Location").rsplit("/", 1)[1]

    def assertIndexAsRebuilt(self, ids):
        written = terms_of(ids)
        self.assertTrue(written)
        web.STACK.admin("search-reindex", "--shop", "alpha")
        self.assertEqual(terms_of(ids), written)

    def test_create_edit_block_unblock_keep_the_index_right(self):
        customer = self.create("quillard@alpha.test", "Zéphyrin", "Quillard")
        self.assertTrue(found_by_search(self.browser, "quillard", "quillard@alpha.test"))
        path = "/admin/customers/" + customer
        answer = self.browser.submit(path + "/edit", path + "/edit",
                                     {"email": "tremblay@alpha.test", "first_name": "Zéphyrin",
                                      "last_name": "Tremblay"})
        self.assertEqual(answer.status, 303)
        self.assertFalse(found_by_search(self.browser, "quillard", "tremblay@alpha.test"))
        self.assertTrue(found_by_search(self.browser, "tremblay", "tremblay@alpha.test"))
        self.assertIndexAsRebuilt([customer])
        token = self.browser.get(path).csrf()
        self.assertEqual(self.browser.post(path + "/block", {"reason": "Impayés", "csrf": token}).status, 303)
        token = self.browser.get(path).csrf()
        self.assertEqual(self.browser.post(path + "/unblock", {"csrf": token}).status, 303)
        self.assertEqual(web.STACK.sql("SELECT status FROM customer WHERE id = " + customer), [["invited"]])
        kinds = web.STACK.sql("SELECT kind FROM event WHERE customer_id = %s ORDER BY id" % customer)
        self.assertEqual([k[0] for k in kinds if k[0].startswith("customer.")],
                         ["customer.created", "customer.email_changed", "customer.edited",
                          "customer.blocked", "customer.unblocked"])
        self.assertIndexAsRebuilt([customer])

    def test_erase_leaves_nothing_to_find(self):
        customer = self.create("oubliette@alpha.test", "Ondine", "Oubliette")
        path = "/admin/customers/" + customer
        token = self.browser.get(path).csrf()
        self.assertEqual(self.browser.post(path + "/delete", {"csrf": token}).status, 303)
        self.assertFalse(found_by_search(self.browser, "oubliette", "oubliette@alpha.test"))
        self.assertEqual(terms_of([customer]), [])

    def test_seeded_customers_are_indexed_as_a_rebuild_would(self):
        web.STACK.admin("shop", "add", "--slug", "wseed", "--name", "Writer Seed")
        web.STACK.admin("seed-demo", "--shop", "wseed", "--customers", "7")
        ids = [r[0] for r in web.STACK.sql(
            "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'wseed'"
            " ORDER BY c.id")]
        self.assertEqual(len(ids), 7)
        written = terms_of(ids)
        self.assertEqual(len({r[0] for r in written}), 7)
        web.STACK.admin("search-reindex", "--shop", "wseed")
        self.assertEqual(terms_of(ids), written)


class CliErase(unittest.TestCase):
    """fidele-admin customer erase goes through the same writer as the
    owner's "delete": data, index, links and sessions go, the timeline
    keeps "erased" by no admin."""

    def test_erase_from_the_command_line(self):
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(browser.sign_in(*ALPHA_OWNER).status, 303)
        answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                {"email": "forget-me@alpha.test", "first_name": "Félicie",
                                 "last_name": "Oublieuse"})
        customer = answer.header("Location").rsplit("/", 1)[1]
        web.STACK.sql("INSERT INTO login_token (shop_id, customer_id, purpose, token_hash, expires_at)"
                      " SELECT shop_id, id, 'customer_login', UNHEX(SHA2(RAND(), 256)),"
                      " NOW() + INTERVAL 10 MINUTE FROM customer WHERE id = " + customer)
        self.assertTrue(found_by_search(browser, "oublieuse", "forget-me@alpha.test"))
        result = web.STACK.admin("customer", "erase", "--shop", "alpha", "--email", "Forget-Me@alpha.test")
        self.assertIn("erased", result.stdout)
        self.assertEqual(web.STACK.sql("SELECT email, first_name, erased_at IS NOT NULL FROM customer"
                                       " WHERE id = " + customer), [["NULL", "", "1"]])
        self.assertEqual(browser.get("/admin/customers/" + customer).status, 404)
        self.assertFalse(found_by_search(browser, "oublieuse", "forget-me@alpha.test"))
        self.assertEqual(terms_of([customer]), [])
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM login_token WHERE used_at IS NULL"
                                       " AND customer_id = " + customer), [["0"]])
        self.assertEqual(web.STACK.sql("SELECT admin_id FROM event WHERE kind = 'customer.erased'"
                                       " AND customer_id = " + customer), [["NULL"]])

    def test_unknown_customer_changes_nothing(self):
        web.STACK.sql("INSERT INTO customer (shop_id, email, status, source)"
                      " SELECT id, 'writer-alpha-only@alpha.test', 'active', 'admin' FROM shop"
                      " WHERE slug = 'alpha'")
        before = web.STACK.sql("SELECT COUNT(*) FROM customer WHERE erased_at IS NULL")
        for args, code, word in (
                (["--shop", "alpha", "--email", "nobody-here@alpha.test"], 1, "not a customer"),
                (["--shop", "beta", "--email", "writer-alpha-only@alpha.test"], 1, "not a customer"),
                (["--shop", "alpha", "--email", "not-an-address"], 2, "--email"),
                (["--shop", "nope", "--email", "writer-alpha-only@alpha.test"], 1, "no shop")):
            result = web.STACK.admin("customer", "erase", *args, check=False)
            self.assertEqual(result.returncode, code, args)
            self.assertIn(word, result.stderr)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM customer WHERE erased_at IS NULL"), before)
