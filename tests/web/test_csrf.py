"""CSRF: every POST needs the form's token, and a foreign Origin is refused."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


def session_total():
    return int(web.STACK.sql("SELECT COUNT(*) FROM session")[0][0])


class Csrf(unittest.TestCase):
    def test_sign_in_without_token_is_refused_and_creates_nothing(self):
        browser = web.Browser(ALPHA_HOST)
        browser.get("/admin/login")
        before = session_total()
        answer = browser.post("/admin/login", {"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1]})
        self.assertEqual(answer.status, 403)
        self.assertIn("Ce formulaire a expiré", answer.text())
        self.assertNotIn("fidele_session", browser.cookies)
        self.assertEqual(session_total(), before)

    def test_sign_in_with_a_wrong_token_is_refused(self):
        browser = web.Browser(ALPHA_HOST)
        browser.get("/admin/login")
        answer = browser.post("/admin/login", {"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1],
                                               "csrf": "0" * 64})
        self.assertEqual(answer.status, 403)
        self.assertNotIn("fidele_session", browser.cookies)

    def test_token_from_another_browser_is_refused(self):
        """a token is bound to the browser it was given to"""
        theirs = web.Browser(ALPHA_HOST).get("/admin/login").csrf()
        mine = web.Browser(ALPHA_HOST)
        mine.get("/admin/login")
        answer = mine.post("/admin/login", {"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1],
                                            "csrf": theirs})
        self.assertEqual(answer.status, 403)

    def test_sign_out_without_token_leaves_the_session(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        answer = browser.post("/admin/logout", {})
        self.assertEqual(answer.status, 403)
        self.assertEqual(browser.get("/admin/customers").status, 200)

    def test_foreign_origin_is_refused_even_with_the_token(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        token = browser.get("/admin/customers").csrf()
        answer = browser.post("/admin/logout", {"csrf": token},
                              headers={"Origin": "http://evil.example"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(browser.get("/admin/customers").status, 200)

    def test_own_origin_is_accepted(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        token = browser.get("/admin/customers").csrf()
        answer = browser.post("/admin/logout", {"csrf": token},
                              headers={"Origin": "http://" + ALPHA_HOST})
        self.assertEqual(answer.status, 303)
