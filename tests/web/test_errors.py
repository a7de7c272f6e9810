"""Error pages, limits and headers, through nginx with the shipped snippet."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST
import web


class ErrorPages(unittest.TestCase):
    def test_unknown_route_is_a_404_page_in_the_shops_language(self):
        french = web.Browser(ALPHA_HOST).get("/admin/no-such-page")
        self.assertEqual(french.status, 404)
        self.assertIn("Page introuvable", french.text())
        english = web.Browser(BETA_HOST).get("/nothing/here")
        self.assertEqual(english.status, 404)
        self.assertIn("Page not found", english.text())

    def test_unknown_host_is_a_404(self):
        answer = web.Browser("unknown.test").get("/admin/login")
        self.assertEqual(answer.status, 404)
        self.assertIn("Aucune boutique", answer.text())

    def test_oversized_body_is_refused_with_413(self):
        browser = web.Browser(ALPHA_HOST)
        token = browser.get("/admin/login").csrf()
        body = "csrf=%s&email=a%%40b.fr&password=%s" % (token, "x" * (2 * 1024 * 1024))
        answer = browser.request("POST", "/admin/login", body=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(answer.status, 413)
        self.assertIn("Envoi trop volumineux", answer.text())
        # a form is told to shorten its text, not about customer files
        self.assertIn("raccourcissez le texte saisi", answer.text())
        self.assertNotIn("fichier", answer.text())

    def test_post_that_is_not_a_form_is_refused(self):
        browser = web.Browser(ALPHA_HOST)
        browser.get("/admin/login")
        answer = browser.request("POST", "/admin/login", body='{"email": "x"}',
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(answer.status, 400)

    def test_wrong_method_is_405(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        answer = browser.request("DELETE", "/admin/customers")
        self.assertEqual(answer.status, 405)
        self.assertEqual(answer.header("Allow"), "GET")


class Headers(unittest.TestCase):
    def test_every_page_carries_the_security_headers(self):
        for path in ("/admin/login", "/admin/nope"):
            answer = web.Browser(ALPHA_HOST).get(path)
            csp = answer.header("Content-Security-Policy")
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertEqual(answer.header("X-Content-Type-Options"), "nosniff")
            self.assertEqual(answer.header("Referrer-Policy"), "same-origin")
            self.assertIn("no-store", answer.header("Cache-Control"))

    def test_pages_have_no_inline_script_or_style(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        for path in ("/admin/login", "/admin/customers", "/admin/nope"):
            body = browser.get(path).body
            # a script file from /static/ only (the CSP allows nothing else)
            self.assertNotRegex(body, r"<script(?![^>]*\bsrc=\"/static/)")
            self.assertNotIn("style=", body)
            self.assertNotIn("<style", body)

    def test_stylesheet_is_served_by_the_web_server(self):
        answer = web.Browser(ALPHA_HOST).get("/static/fidele.css")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.header("Content-Type"), "text/css")
        self.assertEqual(answer.header("X-Content-Type-Options"), "nosniff")

    def test_server_version_is_not_announced(self):
        # nginx's server_tokens off, Apache's ServerTokens Prod: the name only
        answer = web.Browser(ALPHA_HOST).get("/admin/login")
        self.assertEqual(answer.header("Server"),
                         "nginx" if web.STACK.web_server == "nginx" else "Apache")


class Logging(unittest.TestCase):
    def test_each_request_is_one_line_on_the_programs_stderr(self):
        import os
        import time
        marker = "/admin/log-marker-%d" % os.getpid()
        web.Browser(ALPHA_HOST).get(marker)
        path = os.path.join(web.STACK.log_dir, "customers.log")
        deadline = time.time() + 5
        lines = []
        while time.time() < deadline and not lines:
            with open(path, errors="replace") as f:
                lines = [line for line in f if marker in line]
            time.sleep(0.05)
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^customers GET %s 404 [\d.]+ms shop=\d+ admin=0$" % marker)
