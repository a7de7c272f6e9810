"""The programs survive a database restart: the next request reconnects,
and a program that starts while the server is away waits for it."""

import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
from inbox import clear_limits, wait_for_mail
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

    def test_a_worker_started_while_the_database_is_away_sends_mail_once_it_is_back(self):
        """a worker that started as the server went away (a test restarting
        the stack's worker, a machine booting with the worker before
        MariaDB) stopped at once, and no mail left until someone started it
        again: it now keeps trying for Database.ReconnectMilliseconds"""
        stack = web.STACK
        if stack.database is not None:
            self.skipTest("the server is not the stack's: it cannot be held down")
        worker = stack.worker
        worker.terminate()
        worker.wait(timeout=30)
        stack.children.remove(worker)

        def start_worker_while_down():
            stack.worker = stack.start_worker()
            time.sleep(1)

        stack.restart_mariadb(while_down=start_worker_while_down)
        self.assertIsNone(stack.worker.poll(), "the worker stopped while the server was away")
        address = "back-%d@example.org" % (time.time() * 1000 % 10 ** 8)
        clear_limits()
        answer = web.Browser(ALPHA_HOST).submit("/account/login", "/account/login",
                                                {"email": address})
        self.assertEqual(answer.status, 200)
        wait_for_mail(address, 1)
