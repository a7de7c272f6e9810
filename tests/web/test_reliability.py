"""The programs survive a database restart: the next request reconnects."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


class DatabaseRestart(unittest.TestCase):
    def test_pages_work_again_after_the_database_restarts(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        web.STACK.restart_mariadb()
        # both processes of the pool hold a dead connection: ask several times
        for _ in range(4):
            page = browser.get("/admin/customers")
            self.assertEqual(page.status, 200)
            self.assertIn("Clients", page.text())
