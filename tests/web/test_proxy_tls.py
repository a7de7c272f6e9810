"""A proxy or load balancer that ends TLS in front of nginx (README: "Behind
a proxy that ends TLS"). The browser posts its forms with "Origin:
https://host"; the proxy passes them on over plain HTTP with
"X-Forwarded-Proto: https". Without Security.TrustForwardedProto the
programs cannot know the browser used HTTPS and refuse every form (the
shared stack): a provider reading the README sets it, and then (a stack of
its own) the admin signs in and works, the cookies are Secure, and the
Origin is still checked against the scheme the proxy gives."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, stack_of_its_own
import web

PROXY = {"X-Forwarded-Proto": "https"}


def sign_in(browser, owner, origin, headers):
    token = browser.get("/admin/login", headers=headers).csrf()
    return browser.post("/admin/login", {"email": owner[0], "password": owner[1], "csrf": token},
                        headers=dict(headers, Origin=origin))


def session_cookie(answer):
    return [line for line in answer.headers_named("Set-Cookie")
            if line.startswith("fidele_session=")]


class NotTrusted(unittest.TestCase):
    def test_without_the_setting_a_form_through_the_proxy_is_refused(self):
        browser = web.Browser(ALPHA_HOST)
        answer = sign_in(browser, ALPHA_OWNER, "https://" + ALPHA_HOST, PROXY)
        self.assertEqual(answer.status, 403)
        self.assertNotIn("fidele_session", browser.cookies)


class Trusted(unittest.TestCase):
    HOST = "proxied.test"
    OWNER = ("owner@proxied.test", "proxied-owner-password")

    @classmethod
    def setUpClass(cls):
        cls.stack = stack_of_its_own(
            "proxied", [("proxied", "Derrière le proxy", "fr", cls.HOST, cls.OWNER)],
            config_extra="Security.TrustForwardedProto = 1\n")

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def browser(self):
        return web.Browser(self.HOST, port=self.stack.port)

    def test_an_admin_signs_in_and_works_through_the_proxy(self):
        browser = self.browser()
        answer = sign_in(browser, self.OWNER, "https://" + self.HOST, PROXY)
        self.assertEqual(answer.status, 303)
        cookie = session_cookie(answer)
        self.assertEqual(len(cookie), 1)
        self.assertIn("; Secure", cookie[0])
        # a form of the signed-in pages: a new customer
        page = browser.get("/admin/customers/new", headers=PROXY)
        self.assertEqual(page.status, 200)
        answer = browser.post("/admin/customers/new",
                              {"csrf": page.csrf(), "email": "proxied@example.fr",
                               "first_name": "Paula", "last_name": "Proxy", "language": "fr"},
                              headers=dict(PROXY, Origin="https://" + self.HOST))
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.stack.sql("SELECT first_name FROM customer"
                                        " WHERE email = 'proxied@example.fr'"), [["Paula"]])

    def test_the_origin_must_still_match_the_scheme_the_proxy_gives(self):
        # the proxy says HTTPS: a page of http://host, or another site,
        # is not where the form came from
        for origin in ("http://" + self.HOST, "https://evil.example"):
            browser = self.browser()
            answer = sign_in(browser, self.OWNER, origin, PROXY)
            self.assertEqual(answer.status, 403, origin)
            self.assertNotIn("fidele_session", browser.cookies)

    def test_plain_http_without_the_header_still_works_without_secure(self):
        browser = self.browser()
        answer = sign_in(browser, self.OWNER, "http://" + self.HOST, {})
        self.assertEqual(answer.status, 303)
        self.assertNotIn("Secure", session_cookie(answer)[0])
        answer = sign_in(self.browser(), self.OWNER, "https://" + self.HOST, {})
        self.assertEqual(answer.status, 403)
        # only "https" means HTTPS
        answer = sign_in(self.browser(), self.OWNER, "https://" + self.HOST,
                         {"X-Forwarded-Proto": "http"})
        self.assertEqual(answer.status, 403)


if __name__ == "__main__":
    unittest.main()
