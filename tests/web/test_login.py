"""Admin sign-in and sign-out through nginx (login.fcgi)."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_LIMITED, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web


def session_count(email):
    rows = web.STACK.sql("SELECT COUNT(*) FROM session s JOIN admin a ON a.id = s.admin_id"
                         " WHERE a.email = '%s'" % email)
    return int(rows[0][0])


class SignIn(unittest.TestCase):
    def test_good_password_signs_in_and_lands_on_customers(self):
        """the right e-mail and password open the customer list"""
        browser = web.Browser(ALPHA_HOST)
        answer = browser.sign_in(*ALPHA_OWNER)
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/customers")
        page = browser.get("/admin/customers")
        self.assertEqual(page.status, 200)
        self.assertIn("Clients", page.text())
        self.assertIn(ALPHA_OWNER[0], page.text())

    def test_email_is_matched_whatever_its_case_and_spaces(self):
        """'  OWNER@Alpha.TEST ' signs in as owner@alpha.test"""
        answer = web.Browser(ALPHA_HOST).sign_in("  OWNER@Alpha.TEST ", ALPHA_OWNER[1])
        self.assertEqual(answer.status, 303)

    def test_session_cookie_is_httponly_samesite_and_not_secure_over_http(self):
        """the session cookie carries HttpOnly and SameSite=Lax"""
        answer = web.Browser(ALPHA_HOST).sign_in(*ALPHA_OWNER)
        cookie = [c for c in answer.headers_named("Set-Cookie") if c.startswith("fidele_session=")]
        self.assertEqual(len(cookie), 1)
        self.assertIn("HttpOnly", cookie[0])
        self.assertIn("SameSite=Lax", cookie[0])
        self.assertIn("Path=/", cookie[0])
        self.assertNotIn("Secure", cookie[0])
        value = cookie[0].split(";")[0].split("=")[1]
        self.assertRegex(value, r"^[0-9a-f]{64}$")

    def test_session_id_is_stored_only_as_a_hash(self):
        """the database never holds the cookie's value"""
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        cookie = browser.cookies["fidele_session"]
        hashed = web.STACK.sql("SELECT COUNT(*) FROM session WHERE id_hash = UNHEX(SHA2(UNHEX('%s'), 256))"
                               % cookie)
        self.assertEqual(hashed[0][0], "1")
        plain = web.STACK.sql("SELECT COUNT(*) FROM session WHERE id_hash = UNHEX('%s')" % cookie)
        self.assertEqual(plain[0][0], "0")

    def test_each_sign_in_gets_a_new_session_id(self):
        """signing in again replaces the session the browser came with"""
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        first = browser.cookies["fidele_session"]
        browser.sign_in(*ALPHA_OWNER)
        second = browser.cookies["fidele_session"]
        self.assertNotEqual(first, second)
        stale = web.Browser(ALPHA_HOST)
        stale.cookies["fidele_session"] = first
        self.assertEqual(stale.get("/admin/customers").status, 303)

    def test_next_page_is_followed_after_sign_in(self):
        """the page asked for before signing in is shown after it"""
        browser = web.Browser(ALPHA_HOST)
        first = browser.get("/admin/customers?q=elodie")
        self.assertEqual(first.status, 303)
        self.assertTrue(first.header("Location").startswith("/admin/login?next="))
        form = browser.get(first.header("Location"))
        self.assertIn('name="next" value="/admin/customers"', form.body)
        answer = browser.post("/admin/login", {"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1],
                                               "next": "/admin/customers", "csrf": form.csrf()})
        self.assertEqual(answer.header("Location"), "/admin/customers")

    def test_next_pointing_to_another_site_is_refused(self):
        """next=//evil.example never becomes a redirect"""
        browser = web.Browser(ALPHA_HOST)
        form = browser.get("/admin/login")
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            answer = browser.post("/admin/login", {"email": ALPHA_OWNER[0], "password": ALPHA_OWNER[1],
                                                   "next": target, "csrf": form.csrf()})
            self.assertNotIn("evil", answer.header("Location") or "")


class SignInRefused(unittest.TestCase):
    def test_wrong_password_is_refused_in_french(self):
        """a wrong password gets a clear message and no session"""
        browser = web.Browser(ALPHA_HOST)
        before = session_count(ALPHA_OWNER[0])
        answer = browser.sign_in(ALPHA_OWNER[0], "not-the-password")
        self.assertEqual(answer.status, 400)
        self.assertIn("Adresse e-mail ou mot de passe incorrect.", answer.text())
        self.assertNotIn("fidele_session", browser.cookies)
        self.assertEqual(session_count(ALPHA_OWNER[0]), before)
        self.assertIn('value="owner@alpha.test"', answer.body)

    def test_unknown_email_gets_the_same_answer_as_a_wrong_password(self):
        """an unknown address cannot be told from a wrong password"""
        wrong = web.Browser(ALPHA_HOST).sign_in(ALPHA_OWNER[0], "not-the-password")
        unknown = web.Browser(ALPHA_HOST).sign_in("nobody@alpha.test", "not-the-password")
        self.assertEqual(wrong.status, unknown.status)
        strip = lambda r: r.text().replace("owner@alpha.test", "").replace("nobody@alpha.test", "")
        self.assertEqual(strip(wrong), strip(unknown))

    def test_english_shop_answers_in_english(self):
        answer = web.Browser(BETA_HOST).sign_in(BETA_OWNER[0], "not-the-password")
        self.assertIn("Wrong e-mail address or password.", answer.text())

    def test_another_shops_admin_cannot_sign_in_here(self):
        """beta's owner, with the right password, is refused on alpha"""
        answer = web.Browser(ALPHA_HOST).sign_in(*BETA_OWNER)
        self.assertEqual(answer.status, 400)
        self.assertIn("incorrect", answer.text())

    def test_empty_and_malformed_fields_are_refused(self):
        browser = web.Browser(ALPHA_HOST)
        for fields in ({"email": "", "password": "x"}, {"email": "owner@alpha.test", "password": ""},
                       {"email": "not-an-address", "password": "x"},
                       {"email": "a" * 300 + "@alpha.test", "password": "x"}):
            answer = browser.submit("/admin/login", "/admin/login", fields)
            self.assertEqual(answer.status, 400, fields)
            self.assertIn("Saisissez une adresse e-mail valide", answer.text())
            self.assertNotIn("fidele_session", browser.cookies)

    def test_password_in_windows_1252_is_refused_cleanly(self):
        browser = web.Browser(ALPHA_HOST)
        token = browser.get("/admin/login").csrf()
        answer = browser.request("POST", "/admin/login",
                                 body="csrf=%s&email=owner%%40alpha.test&password=caf%%E9" % token,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(answer.status, 400)
        self.assertNotIn("fidele_session", browser.cookies)

    def test_failed_attempts_are_limited_per_account(self):
        """after ten wrong passwords even the right one waits"""
        browser = web.Browser(ALPHA_HOST)
        for _ in range(10):
            self.assertEqual(browser.sign_in(ALPHA_LIMITED[0], "wrong-password").status, 400)
        answer = browser.sign_in(*ALPHA_LIMITED)
        self.assertEqual(answer.status, 429)
        self.assertIn("Trop de tentatives", answer.text())
        self.assertNotIn("fidele_session", browser.cookies)
        # another account from the same address is not locked out
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(*ALPHA_OWNER).status, 303)


class SignOut(unittest.TestCase):
    def test_sign_out_ends_the_session(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        cookie = browser.cookies["fidele_session"]
        answer = browser.submit("/admin/customers", "/admin/logout", {})
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/login")
        self.assertNotIn("fidele_session", browser.cookies)
        replay = web.Browser(ALPHA_HOST)
        replay.cookies["fidele_session"] = cookie
        self.assertEqual(replay.get("/admin/customers").status, 303)

    def test_sign_out_by_get_is_not_allowed(self):
        """GET /admin/logout is 405, so a link or an image cannot sign anyone out"""
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        answer = browser.get("/admin/logout")
        self.assertEqual(answer.status, 405)
        self.assertEqual(answer.header("Allow"), "POST")
        self.assertEqual(browser.get("/admin/customers").status, 200)
