"""A program run as plain CGI answers one request and exits: it prepares
the statements that request runs, not every statement of its tables
(bench/hosting times the cold start; FIDELE_LOG_DEBUG=1 logs each
statement prepared)."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


class PlainCgiPreparesWhatItRuns(unittest.TestCase):
    def test_the_sign_in_page_prepares_none_of_the_sign_in_statements(self):
        answer = web.run_cgi("login.fcgi", "GET", "/admin/login", ALPHA_HOST,
                             extra_env={"FIDELE_LOG_DEBUG": "1"})
        self.assertEqual(answer.status, 200, answer.stderr)
        self.assertIn('name="password"', answer.body)
        statements = web.prepared_statements(answer, "login")
        # the page finds the shop: that statement was prepared, and logged
        self.assertTrue(any("FROM shop" in sql for sql in statements), answer.stderr)
        # what signing in, mailing a link or a code would run, it does not
        for unused in ("INSERT INTO outbox", "INSERT INTO login_token", "INSERT INTO session",
                       "password_hash"):
            self.assertEqual([sql for sql in statements if unused in sql], [], unused)

    def test_a_signed_in_list_still_works_and_prepares_only_its_statements(self):
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(browser.sign_in(*ALPHA_OWNER).status, 303)
        answer = web.run_cgi("customers.fcgi", "GET", "/admin/customers", ALPHA_HOST,
                             query="q=elodie", cookies=browser.cookies,
                             extra_env={"FIDELE_LOG_DEBUG": "1"})
        self.assertEqual(answer.status, 200, answer.stderr)
        self.assertIn("Élodie", answer.body)
        statements = web.prepared_statements(answer, "customers")
        self.assertTrue(any("session" in sql for sql in statements), answer.stderr)
        # a customer's notes and a bulk job's cancel are not this request's
        for unused in ("INSERT INTO note", "UPDATE note SET", "UPDATE job SET state = 'cancelled'"):
            self.assertEqual([sql for sql in statements if unused in sql], [], unused)


if __name__ == "__main__":
    unittest.main()
