"""The request path every program shares (fcgi/lib/app.c, page.c, the
nginx snippet): what reaches the form parser, what the logs keep, where
mailed links point, HEAD."""

import http.client
import os
import re
import subprocess
import tempfile
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web
from test_account import clear_limits, drain_outbox, mails_to, text_part, wait_for_mail

PORT_CUSTOMER = "port.link@alpha.test"
PORT_ADMIN = ("port.admin@alpha.test", "port-admin-password")
FORM = "application/x-www-form-urlencoded"
# what the snippet and the code allow: the largest real form, with room
MAX_BODY = 64 * 1024


def setUpModule():
    web.STACK.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, '%s', 'Port', 'Lien', 'active', 'admin' FROM shop WHERE slug = 'alpha';
""" % PORT_CUSTOMER)
    web.STACK.admin("admin", "add", "--shop", "alpha", "--email", PORT_ADMIN[0], "--role", "staff",
                    input=PORT_ADMIN[1] + "\n")


def post_raw(browser, path, body, content_type=FORM, chunked=False):
    """POSTs body (bytes) as given, with the browser's cookies."""
    connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
    headers = {"Host": browser.host, "Content-Type": content_type}
    if browser.cookies:
        headers["Cookie"] = "; ".join("%s=%s" % kv for kv in browser.cookies.items())
    if chunked:
        step = 8192
        pieces = (body[i:i + step] for i in range(0, len(body), step))
        connection.request("POST", path, body=pieces, headers=headers, encode_chunked=True)
    else:
        connection.request("POST", path, body=body, headers=headers)
    raw = connection.getresponse()
    answer = web.Response(raw.status, raw.getheaders(), raw.read().decode("utf-8", "replace"))
    connection.close()
    for line in answer.headers_named("Set-Cookie"):
        name, _, rest = line.partition("=")
        browser.cookies[name] = rest.split(";")[0]
    return answer


def sign_in_body(token, extra=""):
    return ("csrf=%s&email=%s&password=%s%s" % (
        token, web.urllib.parse.quote(ALPHA_OWNER[0]), web.urllib.parse.quote(ALPHA_OWNER[1]),
        extra)).encode()


def signed_in(browser):
    return browser.get("/admin/customers").status == 200


def program_log_lines(program, marker, count=1, timeout=10):
    """The lines of log/<program>.log that hold marker, once there are
    count of them (the log line is written after the answer)."""
    path = os.path.join(web.STACK.log_dir, program + ".log")
    deadline = time.time() + timeout
    while True:
        with open(path, errors="replace") as f:
            lines = [line for line in f if marker in line]
        if len(lines) >= count or time.time() >= deadline:
            return lines
        time.sleep(0.05)


def run_cgi_raw(program, body, max_body):
    """Runs a program as plain CGI with a raw POST body and Limits.MaxBody
    raised to max_body, so that the program's own door is what is tested
    (nginx would refuse the body first)."""
    with open(web.STACK.config) as f:
        config = f.read()
    handle, path = tempfile.mkstemp(suffix=".hdf")
    with os.fdopen(handle, "w") as f:
        f.write(config + "Limits.MaxBody = %d\n" % max_body)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FIDELE_CONFIG": path,
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "/admin/login", "QUERY_STRING": "",
        "HTTP_HOST": ALPHA_HOST, "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": FORM, "CONTENT_LENGTH": str(len(body)),
    }
    env.update(web.STACK.env_sanitizer())
    try:
        # the old parser took more than a minute over such a body
        result = subprocess.run([web.STACK.program(program)], input=body, env=env,
                                capture_output=True, timeout=30)
    finally:
        os.unlink(path)
    head = result.stdout.partition(b"\r\n\r\n")[0].decode("utf-8", "replace")
    return int(re.search(r"^Status: (\d+)", head, re.M).group(1)), result.stdout.decode("utf-8", "replace")


class FormDoor(unittest.TestCase):
    """Nothing reaches ClearSilver's form parser that no form of ours sends."""

    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.token = self.browser.get("/admin/login").csrf()

    def test_a_megabyte_of_one_repeated_name_gets_the_413_page(self):
        answer = post_raw(self.browser, "/admin/login", b"a=1&" * (256 * 1024))
        self.assertEqual(answer.status, 413)
        self.assertIn("Envoi trop volumineux", answer.text())
        # and the pool is free for the next visitor
        self.assertEqual(web.Browser(ALPHA_HOST).get("/admin/login").status, 200)

    def test_the_programs_own_door_refuses_a_megabyte_of_one_name_unparsed(self):
        status, out = run_cgi_raw("login.fcgi", b"a=1&" * (256 * 1024), 2 * 1024 * 1024)
        self.assertEqual(status, 400)
        self.assertIn("pas pu être lu", out)

    def test_the_programs_own_door_refuses_a_megabyte_of_deep_dotted_names(self):
        status, _ = run_cgi_raw("login.fcgi", b"a." * (512 * 1024) + b"=1", 2 * 1024 * 1024)
        self.assertEqual(status, 400)

    def test_a_name_no_form_sends_is_refused(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token, "&a.b.c=1"))
        self.assertEqual(answer.status, 400)
        self.assertIn("Le formulaire envoyé n'a pas pu être lu.", answer.text())
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token, "&tracker=1"))
        self.assertEqual(answer.status, 400)
        self.assertFalse(signed_in(self.browser))

    def test_a_field_sent_twice_is_refused(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token, "&email=x%40y.fr"))
        self.assertEqual(answer.status, 400)
        self.assertIn("Ce champ a été envoyé plusieurs fois.", answer.text())
        self.assertFalse(signed_in(self.browser))

    def test_many_repeats_under_the_limit_are_refused(self):
        body = sign_in_body(self.token) + b"&next=/admin/" * 4000
        self.assertLess(len(body), MAX_BODY)
        answer = post_raw(self.browser, "/admin/login", body)
        self.assertEqual(answer.status, 400)
        self.assertFalse(signed_in(self.browser))

    def test_a_raw_nul_byte_is_refused(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token) + b"\0&a=1")
        self.assertEqual(answer.status, 400)
        self.assertFalse(signed_in(self.browser))

    def test_an_escaped_nul_byte_is_refused(self):
        # decoded, %00 would end the value there: "right-password%00junk"
        # must not be read as "right-password"
        body = sign_in_body(self.token) + b"%00junk"     # after the password
        self.assertTrue(body.endswith(b"%00junk"))
        answer = post_raw(self.browser, "/admin/login", body)
        self.assertEqual(answer.status, 400)
        self.assertIn("Le formulaire envoyé n'a pas pu être lu.", answer.text())
        self.assertFalse(signed_in(self.browser))
        answer = self.browser.get("/admin/login?next=/admin/customers%00x")
        self.assertEqual(answer.status, 400)

    def test_the_form_itself_still_signs_in(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token))
        self.assertEqual(answer.status, 303)

    def test_a_post_to_an_unknown_path_is_a_404_without_reading_it(self):
        answer = post_raw(self.browser, "/admin/no-such-form", b"a=1&" * 10000)
        self.assertEqual(answer.status, 404)
        self.assertIn("Page introuvable", answer.text())

    def test_a_post_to_a_page_is_a_405(self):
        self.browser.sign_in(*ALPHA_OWNER)
        answer = post_raw(self.browser, "/admin/customers", b"a=1&" * 10000)
        self.assertEqual(answer.status, 405)

    def test_the_bulk_form_with_its_most_ticked_rows_fits(self):
        """200 ticked ids of the largest size and every filter: well under
        the limit, and accepted up to the handler (which finds no such
        customers)"""
        self.browser.sign_in(*ALPHA_OWNER)
        token = self.browser.get("/admin/customers").csrf()
        fields = [("csrf", token), ("action", "deactivate"), ("scope", "ticked"),
                  ("q", "é" * 100), ("reason", "€" * 500)]
        fields += [("id", str(10 ** 17 + n)) for n in range(200)]
        body = web.urllib.parse.urlencode(fields).encode()
        self.assertLess(len(body), MAX_BODY)
        answer = post_raw(self.browser, "/admin/customers/bulk", body)
        self.assertEqual(answer.status, 400)
        self.assertNotIn("Le formulaire envoyé n'a pas pu être lu.", answer.text())
        self.assertNotIn("plusieurs fois", answer.text())


class BodyLimits(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.token = self.browser.get("/admin/login").csrf()

    def test_a_chunked_body_over_the_limit_gets_the_413_page(self):
        body = sign_in_body(self.token, "&next=/" + "x" * (2 * MAX_BODY))
        answer = post_raw(self.browser, "/admin/login", body, chunked=True)
        self.assertEqual(answer.status, 413)
        self.assertIn("Envoi trop volumineux", answer.text())

    def test_a_chunked_form_under_the_limit_signs_in(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token), chunked=True)
        self.assertEqual(answer.status, 303)
        self.assertTrue(signed_in(self.browser))

    def test_a_body_just_over_the_limit_gets_the_413_page(self):
        body = sign_in_body(self.token, "&next=/")
        body += b"x" * (MAX_BODY + 1 - len(body))
        answer = post_raw(self.browser, "/admin/login", body)
        self.assertEqual(answer.status, 413)
        self.assertIn("Envoi trop volumineux", answer.text())

    def test_the_largest_message_form_fits(self):
        """a message of 5,000 characters that each take four UTF-8 bytes:
        the largest form, and it must get through"""
        self.browser.sign_in(*ALPHA_OWNER)
        customer = web.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                                 " WHERE s.slug = 'alpha' AND c.email = '%s'" % PORT_CUSTOMER)[0][0]
        page = self.browser.get("/admin/customers/%s" % customer)
        fields = {"csrf": page.csrf(), "subject": "😀" * 200, "text": "😀" * 5000}
        body = web.urllib.parse.urlencode(fields).encode()
        self.assertLess(len(body), MAX_BODY)
        count = "SELECT COUNT(*) FROM outbox WHERE customer_id = %s" % customer
        before = int(web.STACK.sql(count)[0][0])
        answer = post_raw(self.browser, "/admin/customers/%s/message" % customer, body)
        self.assertEqual(answer.status, 303)
        self.assertEqual(int(web.STACK.sql(count)[0][0]), before + 1)


class FormEncoding(unittest.TestCase):
    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.token = self.browser.get("/admin/login").csrf()

    def test_a_form_type_with_a_charset_is_read(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token),
                          content_type="application/x-www-form-urlencoded; charset=utf-8")
        self.assertEqual(answer.status, 303)
        self.assertTrue(signed_in(self.browser))

    def test_a_form_type_in_capitals_is_read(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token),
                          content_type="Application/X-WWW-Form-Urlencoded;charset=UTF-8")
        self.assertEqual(answer.status, 303)

    def test_a_type_that_only_starts_like_a_form_is_refused(self):
        answer = post_raw(self.browser, "/admin/login", sign_in_body(self.token),
                          content_type="application/x-www-form-urlencodedx")
        self.assertEqual(answer.status, 400)

    def test_post_fields_are_not_taken_from_the_query_string(self):
        query = "?email=%s&password=%s" % (web.urllib.parse.quote(ALPHA_OWNER[0]),
                                           web.urllib.parse.quote(ALPHA_OWNER[1]))
        answer = post_raw(self.browser, "/admin/login" + query, ("csrf=%s" % self.token).encode())
        self.assertEqual(answer.status, 400)
        self.assertFalse(signed_in(self.browser))

    def test_the_csrf_token_is_not_taken_from_the_query_string(self):
        body = sign_in_body(self.token).replace(b"csrf=%s&" % self.token.encode(), b"")
        answer = post_raw(self.browser, "/admin/login?csrf=" + self.token, body)
        self.assertEqual(answer.status, 403)
        self.assertFalse(signed_in(self.browser))

    def test_a_get_ignores_names_its_page_does_not_read(self):
        answer = self.browser.get("/admin/login?utm_source=mail&a.b.c=1&next=/admin/customers")
        self.assertEqual(answer.status, 200)
        self.assertIn('value="/admin/customers"', answer.body)


class Head(unittest.TestCase):
    def head(self, browser, path):
        connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
        connection.request("HEAD", path, headers={"Host": browser.host})
        raw = connection.getresponse()
        answer = web.Response(raw.status, raw.getheaders(), raw.read().decode())
        connection.close()
        return answer

    def test_head_is_answered_like_get_without_a_body(self):
        browser = web.Browser(ALPHA_HOST)
        answer = self.head(browser, "/admin/login")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.body, "")
        self.assertEqual(answer.header("Content-Type"), "text/html; charset=utf-8")
        self.assertIn("frame-ancestors 'none'", answer.header("Content-Security-Policy"))

    def test_head_of_an_unknown_page_is_a_404(self):
        self.assertEqual(self.head(web.Browser(ALPHA_HOST), "/admin/nope").status, 404)

    def test_head_of_an_admin_page_signed_out_goes_to_sign_in(self):
        answer = self.head(web.Browser(ALPHA_HOST), "/admin/customers")
        self.assertEqual(answer.status, 303)

    def test_head_is_logged_as_head(self):
        line = "login HEAD /admin/login/forgot 200 "
        before = len(program_log_lines("login", line, timeout=0))
        self.assertEqual(self.head(web.Browser(ALPHA_HOST), "/admin/login/forgot").status, 200)
        self.assertEqual(len(program_log_lines("login", line, before + 1)), before + 1)


class LogInjection(unittest.TestCase):
    def test_a_line_feed_in_the_path_writes_one_log_line(self):
        marker = "inject-%d" % os.getpid()
        forged = "customers POST /admin/customers/1/delete 303 1.0ms shop=1 admin=1"
        path = "/admin/%s%%0a%s" % (marker, web.urllib.parse.quote(forged))
        answer = web.Browser(ALPHA_HOST).get(path)
        self.assertEqual(answer.status, 404)
        lines = program_log_lines("customers", marker)
        self.assertEqual(len(lines), 1)
        self.assertIn("\\n" + forged, lines[0])
        log = open(os.path.join(web.STACK.log_dir, "customers.log"), errors="replace").read()
        self.assertNotIn("\n" + forged, log)

    def test_other_control_bytes_in_the_path_are_escaped(self):
        marker = "escape-%d" % os.getpid()
        web.Browser(ALPHA_HOST).get("/admin/%s%%1b%%5b2J%%0d" % marker)
        lines = program_log_lines("customers", marker)
        self.assertEqual(len(lines), 1)
        self.assertIn("%s\\x1b[2J\\r 404" % marker, lines[0])


class MailedLinkHost(unittest.TestCase):
    """Links in mail name the host as registered, whatever follows it in the
    Host header; a port only when the request came in on it."""

    def setUp(self):
        clear_limits()

    def refused_by_the_server(self, host):
        """Apache (HttpProtocolOptions Strict, its default) refuses a Host
        header whose port is not a number with its own 400: no program sees
        it, no mail leaves. nginx passes it on."""
        if web.STACK.web_server == "nginx" or re.fullmatch(r"[A-Za-z.]+(:\d+)?", host):
            return False
        self.assertEqual(web.Browser(host).get("/account/login").status, 400, host)
        return True

    def customer_link(self, host):
        drain_outbox()
        before = len(mails_to(PORT_CUSTOMER))
        if self.refused_by_the_server(host):
            return "http://alpha.test/account/login/confirm?token="
        browser = web.Browser(host)
        page = browser.submit("/account/login", "/account/login", {"email": PORT_CUSTOMER})
        self.assertEqual(page.status, 200, host)
        text = text_part(wait_for_mail(PORT_CUSTOMER, before + 1)[-1])
        return re.search(r"https?://\S+/account/login/confirm\?token=", text).group(0)

    def admin_link(self, host):
        drain_outbox()
        before = len(mails_to(PORT_ADMIN[0]))
        if self.refused_by_the_server(host):
            return "http://alpha.test/admin/login/reset?token="
        page = web.Browser(host).submit("/admin/login/forgot", "/admin/login/forgot",
                                        {"email": PORT_ADMIN[0]})
        self.assertEqual(page.status, 200, host)
        text = text_part(wait_for_mail(PORT_ADMIN[0], before + 1)[-1])
        return re.search(r"https?://\S+/admin/login/reset\?token=", text).group(0)

    def test_sign_in_links_ignore_what_follows_the_host(self):
        for host in ("alpha.test:evil.com", "alpha.test:1337", "ALPHA.test:8092#x"):
            self.assertEqual(self.customer_link(host),
                             "http://alpha.test/account/login/confirm?token=", host)

    def test_reset_links_ignore_what_follows_the_host(self):
        for host in ("alpha.test:evil.com", "alpha.test:1337"):
            self.assertEqual(self.admin_link(host),
                             "http://alpha.test/admin/login/reset?token=", host)

    def test_the_port_the_request_came_in_on_is_kept(self):
        host = "alpha.test:%d" % web.STACK.port
        self.assertEqual(self.customer_link(host),
                         "http://%s/account/login/confirm?token=" % host)
        self.assertEqual(self.admin_link(host), "http://%s/admin/login/reset?token=" % host)


class TokensOutOfLogs(unittest.TestCase):
    def setUp(self):
        clear_limits()

    def logs_holding(self, secret):
        found = []
        for folder, _, names in os.walk(web.STACK.log_dir):
            for name in names:
                with open(os.path.join(folder, name), errors="replace") as f:
                    if secret in f.read():
                        found.append(name)
        return found

    def test_a_sign_in_link_leaves_its_token_in_no_log(self):
        browser = web.Browser(ALPHA_HOST)
        drain_outbox()
        before = len(mails_to(PORT_CUSTOMER))
        browser.submit("/account/login", "/account/login", {"email": PORT_CUSTOMER})
        text = text_part(wait_for_mail(PORT_CUSTOMER, before + 1)[-1])
        link = re.search(r"https?://[^/\s]+(/account/login/confirm\?token=([0-9a-f]{64}))", text)
        path, token = link.groups()
        page = browser.get(path)
        self.assertEqual(page.status, 200)
        self.assertEqual(browser.post("/account/login/confirm",
                                      {"token": token, "csrf": page.csrf()}).status, 303)
        self.assertTrue(program_log_lines("login", "POST /account/login/confirm 303"))
        self.assertEqual(self.logs_holding(token), [])

    def test_a_reset_link_leaves_its_token_in_no_log(self):
        drain_outbox()
        before = len(mails_to(PORT_ADMIN[0]))
        web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                       {"email": PORT_ADMIN[0]})
        text = text_part(wait_for_mail(PORT_ADMIN[0], before + 1)[-1])
        path, token = re.search(r"https?://[^/\s]+(/admin/login/reset\?token=([0-9a-f]{64}))",
                                text).groups()
        self.assertEqual(web.Browser(ALPHA_HOST).get(path).status, 200)
        self.assertTrue(program_log_lines("login", "GET /admin/login/reset 200"))
        self.assertEqual(self.logs_holding(token), [])
