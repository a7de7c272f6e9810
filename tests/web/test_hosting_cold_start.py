"""A program run as plain CGI answers one request and exits: it prepares
the statements that request runs, not every statement of its tables
(bench/hosting times the cold start; FIDELE_LOG_DEBUG=1 logs each
statement prepared)."""

import re
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


class PlainCgiReadsEveryLanguageBeforeLookingAnAddressUp(unittest.TestCase):
    """A mail asked for (an admin's password link, a customer's sign-in
    link) is written in the language of the person found, who may read the
    other one than the shop; a program run as plain CGI reads a language
    at its first use. So both are read before the address is looked up,
    known or not: otherwise an unknown address would answer one file read
    sooner, a way to tell addresses apart by time."""

    def languages_read(self, path, email):
        # the mail an unknown customer address gets ("no account here")
        # would wait in the outbox for the next test's worker
        self.addCleanup(web.STACK.sql, "DELETE FROM outbox WHERE recipient = '%s'" % email)
        browser = web.Browser(ALPHA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        answer = web.run_cgi("login.fcgi", "POST", path, ALPHA_HOST, cookies=browser.cookies,
                             form={"email": email, "csrf": form.csrf()},
                             extra_env={"FIDELE_LOG_DEBUG": "1"})
        self.assertIn(answer.status, (200, 303), answer.stderr)
        return sorted(set(re.findall(r"lang: read \S*/lang/(\w+)\.hdf", answer.stderr)))

    def test_an_unknown_admin_address_reads_both_languages(self):
        self.assertEqual(self.languages_read("/admin/login/forgot", "cgi-nobody@alpha.test"),
                         ["en", "fr"])

    def test_an_unknown_customer_address_reads_both_languages(self):
        self.assertEqual(self.languages_read("/account/login", "cgi-nobody@alpha.test"),
                         ["en", "fr"])

    def test_the_sign_in_page_alone_reads_only_the_shops_language(self):
        answer = web.run_cgi("login.fcgi", "GET", "/admin/login", ALPHA_HOST,
                             extra_env={"FIDELE_LOG_DEBUG": "1"})
        self.assertEqual(answer.status, 200, answer.stderr)
        self.assertEqual(re.findall(r"lang: read \S*/lang/(\w+)\.hdf", answer.stderr), ["fr"])


if __name__ == "__main__":
    unittest.main()
