"""The same programs run as plain CGI: environment variables and stdin,
no web server, no FastCGI."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


class PlainCgi(unittest.TestCase):
    def test_customer_list_works_as_plain_cgi(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        answer = web.run_cgi("customers.fcgi", "GET", "/admin/customers", ALPHA_HOST,
                             query="q=elodie", cookies=browser.cookies)
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertEqual(answer.status, 200)
        self.assertIn("Élodie", answer.body)
        self.assertIn("frame-ancestors 'none'", answer.header("Content-Security-Policy"))

    def test_unknown_route_as_plain_cgi(self):
        answer = web.run_cgi("customers.fcgi", "GET", "/admin/nowhere", ALPHA_HOST)
        self.assertEqual(answer.status, 404)
        self.assertIn("Page introuvable", answer.body)

    def test_sign_in_as_plain_cgi_over_https_sets_a_secure_cookie(self):
        form_page = web.run_cgi("login.fcgi", "GET", "/admin/login", ALPHA_HOST,
                                extra_env={"HTTPS": "on"})
        anon = [c for c in form_page.headers_named("Set-Cookie") if c.startswith("fidele_anon=")]
        self.assertTrue(anon and "Secure" in anon[0])
        anon_value = anon[0].split(";")[0].split("=")[1]
        answer = web.run_cgi("login.fcgi", "POST", "/admin/login", ALPHA_HOST,
                             cookies={"fidele_anon": anon_value},
                             form={"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1],
                                   "csrf": form_page.csrf()},
                             extra_env={"HTTPS": "on"})
        self.assertEqual(answer.status, 303, answer.body + answer.stderr)
        session = [c for c in answer.headers_named("Set-Cookie") if c.startswith("fidele_session=")]
        self.assertEqual(len(session), 1)
        self.assertIn("Secure", session[0])
        self.assertIn("HttpOnly", session[0])

    def test_oversized_content_length_is_refused_before_reading(self):
        answer = web.run_cgi("login.fcgi", "POST", "/admin/login", ALPHA_HOST, form={},
                             extra_env={"CONTENT_LENGTH": str(50 * 1024 * 1024)})
        self.assertEqual(answer.status, 413)
