"""What the shipped web server configurations promise a hosting provider,
checked under whichever server the stack runs (FIDELE_WEB_SERVER: nginx,
apache, cgi, apache-proxy; tests/lib/stack.py): a vhost pinned to a shop
stays that shop's whatever Host it is sent, a body over the limit gets
Fidèle's own 413 page (never a bare error), no secret token reaches the
access log, and the security headers are there."""

import http.client
import os
import pathlib
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web


def pinned(host):
    """A browser on the stack's second vhost, pinned to the shop alpha."""
    return web.Browser(host, port=web.STACK.pinned_port)


def raw_post(path, headers, body, host=ALPHA_HOST):
    """POSTs body with exactly these headers; returns (status, page text).
    The server may answer before the body is sent: that is what is checked."""
    connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=30)
    connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    try:
        connection.send(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    text = response.read().decode("utf-8", errors="replace")
    connection.close()
    return response.status, text


def access_log():
    return pathlib.Path(web.STACK.log_dir) / (
        "nginx-access.log" if web.STACK.web_server == "nginx" else "apache-access.log")


class PinnedVhost(unittest.TestCase):
    """The stack's second vhost is pinned to alpha (FIDELE_SHOP), as a
    provider pins one shop's vhost: the Host header finds nothing there."""

    def test_the_host_of_another_shop_still_gets_the_pinned_shop(self):
        page = pinned(BETA_HOST).get("/admin/login")
        self.assertEqual(page.status, 200)
        self.assertIn("Épicerie Alpha", page.body)
        self.assertNotIn("Beta Farm", page.body)
        # the same Host on the vhost that is not pinned: beta, as it should
        self.assertIn("Beta Farm", web.Browser(BETA_HOST).get("/admin/login").body)

    def test_an_unknown_host_still_gets_the_pinned_shop(self):
        page = pinned("nowhere.example").get("/admin/login")
        self.assertEqual(page.status, 200)
        self.assertIn("Épicerie Alpha", page.body)
        self.assertEqual(web.Browser("nowhere.example").get("/admin/login").status, 404)

    def test_the_other_shops_admin_cannot_sign_in_there_and_sees_nothing_of_it(self):
        intruder = pinned(BETA_HOST)
        answer = intruder.sign_in(*BETA_OWNER)
        self.assertNotEqual(answer.status, 303)
        self.assertNotIn("fidele_session", intruder.cookies)
        # alpha's own owner, sent there with beta's Host, works on alpha's data
        owner = pinned(BETA_HOST)
        self.assertEqual(owner.sign_in(*ALPHA_OWNER).status, 303)
        page = owner.get("/admin/customers?q=Betasecret")
        self.assertEqual(page.status, 200)
        self.assertNotIn("secret@beta.test", page.text())
        self.assertIn("Aucun client ne correspond", page.body)
        self.assertIn("Épicerie Alpha", page.body)

    def test_a_request_header_cannot_choose_the_shop(self):
        for name in ("FIDELE-SHOP", "Fidele_Shop"):
            page = web.Browser(ALPHA_HOST).get("/admin/login", headers={name: "beta"})
            self.assertIn("Épicerie Alpha", page.body, name)
            self.assertNotIn("Beta Farm", page.body, name)


class TooLarge(unittest.TestCase):
    """Past the form limit (64 KiB) or an upload location's (50m), the
    shop's own 413 page, in its language: the server's and the program's
    limits agree, and no server answers with a bare error of its own."""

    def assertTooLargePage(self, status, text, french=True):
        self.assertEqual(status, 413, text[:300])
        self.assertIn("Envoi trop volumineux" if french else "too large", text)
        self.assertIn("Épicerie Alpha" if french else "Beta Farm", text)

    def test_a_form_announced_over_the_limit(self):
        body = b"email=" + b"a" * 100000
        status, text = raw_post("/admin/login", {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body))}, body)
        self.assertTooLargePage(status, text)

    def test_a_form_sent_in_chunks_over_the_limit(self):
        piece = b"a" * 20000
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(5)) + b"0\r\n\r\n"
        status, text = raw_post("/admin/login", {
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked"}, chunked)
        self.assertTooLargePage(status, text)

    def test_an_upload_announced_over_the_upload_limit_is_refused_before_it_is_sent(self):
        # 60 MB announced, none of it sent: the answer comes at once
        status, text = raw_post("/admin/import", {
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(60 * 1024 * 1024)}, b"")
        self.assertTooLargePage(status, text)

    def test_in_the_shops_language(self):
        body = b"email=" + b"a" * 100000
        status, text = raw_post("/admin/login", {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body))}, body, host=BETA_HOST)
        self.assertEqual(status, 413)
        self.assertIn("Beta Farm", text)
        self.assertNotIn("Envoi trop volumineux", text)


class AccessLog(unittest.TestCase):
    def test_no_mailed_token_reaches_the_access_log(self):
        token = "secret%dtoken" % os.getpid()
        browser = web.Browser(ALPHA_HOST)
        for path in ("/account/login/confirm", "/admin/login/reset", "/account/unsubscribe",
                     "/account/signup/confirm"):
            browser.get("%s?token=%s" % (path, token))
        marker = "/admin/login?after=%d" % os.getpid()
        browser.get(marker)
        # the server writes a line after it answers: the last request's
        # line there, every earlier one's would be too
        deadline = time.monotonic() + 10
        while "/admin/login" not in access_log().read_text(errors="replace") and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        text = access_log().read_text(errors="replace")
        self.assertIn("GET /admin/login", text)
        self.assertNotIn(token, text)


class Headers(unittest.TestCase):
    def test_a_page_carries_the_security_headers(self):
        page = web.Browser(ALPHA_HOST).get("/admin/login")
        self.assertIn("frame-ancestors 'none'", page.header("Content-Security-Policy"))
        self.assertEqual(page.header("X-Frame-Options"), "DENY")
        self.assertEqual(page.header("X-Content-Type-Options"), "nosniff")
        self.assertTrue(page.header("Referrer-Policy"))
        self.assertIn("no-store", page.header("Cache-Control"))

    def test_a_static_file_is_nosniff_and_cached(self):
        answer = web.Browser(ALPHA_HOST).get("/static/fidele.js")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(answer.header("Cache-Control"), "public, max-age=3600")

    def test_the_server_names_no_version_and_lists_no_folder(self):
        answer = web.Browser(ALPHA_HOST).get("/static/")
        self.assertIn(answer.status, (403, 404))
        self.assertNotIn("Index of", answer.body)
        self.assertNotRegex(answer.header("Server") or "", r"\d")
        self.assertNotRegex(answer.body, r"(?i)(nginx|apache)/\d")

    def test_trace_is_refused(self):
        answer = web.Browser(ALPHA_HOST).request("TRACE", "/admin/login",
                                                 headers={"Cookie": "fidele_session=secret"})
        self.assertEqual(answer.status, 405)
        self.assertNotIn("fidele_session=secret", answer.body)
