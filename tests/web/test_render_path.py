"""The list page's fast path (issue 12): templates kept parsed per process
and rendered against each request's own data, the door's one statement
(shop, admin, what the admin is told) always fresh, and the counts a list
keeps between requests never standing in for an exact one."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web


def list_ids(page):
    return re.findall(r'<td class="name"><a href="/admin/customers/(\d+)[?"]', page.body)


def first_page_ids(shop):
    return web.STACK.sql(
        "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
        " WHERE s.slug = '%s' AND c.erased_at IS NULL AND c.status NOT IN ('inactive', 'waiting')"
        " ORDER BY c.name_key, c.id LIMIT 50" % shop)


class KeptTemplates(unittest.TestCase):
    def test_each_page_of_a_process_shows_its_own_shop_language_and_rows(self):
        alpha, beta = web.Browser(ALPHA_HOST), web.Browser(BETA_HOST)
        self.assertEqual(alpha.sign_in(*ALPHA_OWNER).status, 303)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        # enough turns for each of the pool's processes to render every page
        # after pages of the other shop, in the other language
        for _ in range(6):
            page = alpha.get("/admin/customers")
            self.assertIn("<title>Clients · Épicerie Alpha</title>", page.body)
            self.assertIn('<html lang="fr">', page.body)
            self.assertEqual(list_ids(page), [row[0] for row in first_page_ids("alpha")])
            missing = beta.get("/admin/customers/999999999")
            self.assertEqual(missing.status, 404)
            self.assertIn('<html lang="en">', missing.body)
            page = beta.get("/admin/customers")
            self.assertIn("<title>Customers · Beta Farm</title>", page.body)
            self.assertEqual(list_ids(page), [row[0] for row in first_page_ids("beta")])
            self.assertNotIn("Épicerie Alpha", page.body)


class FreshDoor(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        self.shop = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]

    def failed_banners(self):
        return [re.search(r'<p class="alert" role="status">(\d+) ', self.browser.get(
            "/admin/customers").body) for _ in range(4)]

    def test_a_failed_mail_shows_on_the_next_list_page_of_every_process(self):
        before = int(web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE shop_id = %s"
                                   " AND status = 'failed'" % self.shop)[0][0])
        web.STACK.sql("INSERT INTO outbox (shop_id, kind, recipient, subject, body_text,"
                      " status) VALUES (%s, 'test', 'x@alpha.test', 's', 'b', 'failed')"
                      % self.shop)
        try:
            for banner in self.failed_banners():
                self.assertIsNotNone(banner)
                self.assertEqual(int(banner.group(1)), before + 1)
        finally:
            web.STACK.sql("DELETE FROM outbox WHERE shop_id = %s AND kind = 'test'" % self.shop)
        # what the shop has now (the worker may have settled another
        # test's failed mail meanwhile)
        after = int(web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE shop_id = %s"
                                  " AND status = 'failed'" % self.shop)[0][0])
        for banner in self.failed_banners():
            self.assertEqual(banner and int(banner.group(1)), after or None)

    def test_a_count_under_a_thousand_is_exact_at_once_in_every_process(self):
        def counts():
            return {re.search(r"1–50</strong> sur (\d+) clients", self.browser.get(
                "/admin/customers").body).group(1) for _ in range(4)}
        total = int(web.STACK.sql(
            "SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
            " AND status NOT IN ('inactive', 'waiting')" % self.shop)[0][0])
        self.assertEqual(counts(), {str(total)})
        answer = self.browser.post("/admin/customers/new", {
            "csrf": self.browser.get("/admin/customers/new").csrf(),
            "email": "count-at-once@alpha.test", "first_name": "Compte", "last_name": "Exact"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(counts(), {str(total + 1)})


if __name__ == "__main__":
    unittest.main()
