"""Uploads through nginx into the real core: a ROUTE_UPLOAD route's
multipart body is streamed to the shop's spool folder, its text parts
checked as a form's fields are, and nothing is left in the spool by a
request that did not keep its file, whatever went wrong.

No page of the product takes a file yet, so these tests talk to a test-only
program on the real core (tests/helpers/upload-probe.c: csrf, a note, a
file, keep), on a stack of their own that serves it through an nginx
location written as an upload program's must be (client_max_body_size of its
own), with Limits.MaxUpload set low (LIMIT) to test the limit cheaply."""

import hashlib
import html
import http.client
import os
import re
import shutil
import subprocess
import time
import unittest

from fixtures import stack_of_its_own
import stack as stack_module
import web

PROBE = "/admin/probe/upload"
HOST = "alpha.test"
OWNER = ("owner@alpha.test", "alpha-owner-password")
BETA_HOST = "beta.test"                 # a shop in English
BETA_OWNER = ("owner@beta.test", "beta-owner-password")
LIMIT = 8 * 1024 * 1024          # Limits.MaxUpload of this stack
BOUNDARY = "----FideleBoundary7MA4YWxkTrZu0gW"

# What an upload program's location needs (see nginx-conf/fidele.conf): a
# body limit of its own above the global 64k (here 20m, above LIMIT so that
# the program's own limit is what a 9 MB body meets) and nginx's request
# buffering left on (the default).
PROBE_NGINX = """
        location ^~ /admin/probe/ {
            client_max_body_size 20m;
            set $fidele_program upload-probe;
            include snippets/fidele-fastcgi.conf;
        }
"""

STACK = None
SHOP_ID = None


def setUpModule():
    global STACK, SHOP_ID
    probe = os.path.join(web.STACK.builddir, "tests", "helpers", "upload-probe")
    if not os.path.exists(probe):
        raise AssertionError("build the probe first: make tests/helpers/upload-probe")
    STACK = stack_of_its_own(
        "upload", [("alpha", "Épicerie Alpha", "fr", HOST, OWNER),
                   ("beta", "Beta Farm", "en", BETA_HOST, BETA_OWNER)],
        extra_programs={"upload-probe": probe}, extra_nginx=PROBE_NGINX,
        # under Apache (FIDELE_WEB_SERVER), the probe's path goes to it first
        extra_routes=[("^/admin/probe/", "upload-probe")],
        config_extra="Limits.MaxUpload = %d\nSpool.KeepHours = 1\n" % LIMIT)
    try:
        SHOP_ID = STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
    except Exception:
        STACK.stop()
        raise


def tearDownModule():
    # the suite's last check reads sanitizer reports from the main stack's
    # logs: this stack's go there too before its folder is removed
    for number, report in enumerate(STACK.sanitizer_reports()):
        with open(os.path.join(web.STACK.log_dir, "asan.upload-stack.%d" % number), "w") as f:
            f.write(report)
    STACK.stop()


def spool_files():
    """The files left in the shops' spool folders (kept/ is the handlers')."""
    found = []
    for shop in os.listdir(STACK.spool_dir) if os.path.isdir(STACK.spool_dir) else ():
        folder = os.path.join(STACK.spool_dir, shop)
        found += [os.path.join(shop, name) for name in os.listdir(folder)
                  if not os.path.isdir(os.path.join(folder, name))]
    return found


def part(name, value, filename=None, content_type=None, disposition=None):
    """One part of a multipart body, as a browser writes it."""
    if isinstance(value, str):
        value = value.encode()
    if disposition is None:
        disposition = 'form-data; name="%s"' % name
        if filename is not None:
            disposition += '; filename="%s"' % filename
    head = "Content-Disposition: %s\r\n" % disposition
    if content_type:
        head += "Content-Type: %s\r\n" % content_type
    return b"--" + BOUNDARY.encode() + b"\r\n" + head.encode() + b"\r\n" + value + b"\r\n"


def body_of(*parts, close=True):
    return b"".join(parts) + (b"--" + BOUNDARY.encode() + b"--\r\n" if close else b"")


def answer(response, name):
    match = re.search(r'<dd id="%s">([^<]*)</dd>' % name, response.body)
    return html.unescape(match.group(1)) if match else None


class UploadClient:
    """A signed-in admin of a shop, who posts multipart bodies to the probe;
    after each test the spool must be empty."""
    HOST = HOST
    OWNER = OWNER

    @classmethod
    def setUpClass(cls):
        cls.browser = web.Browser(cls.HOST, port=STACK.port)
        signed = cls.browser.sign_in(*cls.OWNER)
        assert signed.status == 303, signed.body[:300]

    def setUp(self):
        self.token = self.browser.get(PROBE).csrf()
        self.assertTrue(self.token)

    def tearDown(self):
        self.assertEqual(spool_files(), [], "a request left a file in the spool")

    def send(self, body, path=PROBE, chunked=False, content_type=None, headers=None):
        """POSTs body (bytes) with the browser's cookies; chunked sends it
        without a length, in 64 KB chunks."""
        connection = http.client.HTTPConnection("127.0.0.1", STACK.port, timeout=120)
        all_headers = {
            "Host": self.HOST,
            "Cookie": "; ".join("%s=%s" % kv for kv in self.browser.cookies.items()),
            "Content-Type": content_type or "multipart/form-data; boundary=" + BOUNDARY,
        }
        all_headers.update(headers or {})
        if chunked:
            pieces = (body[i:i + 65536] for i in range(0, len(body), 65536))
            connection.request("POST", path, body=pieces, headers=all_headers,
                               encode_chunked=True)
        else:
            connection.request("POST", path, body=body, headers=all_headers)
        raw = connection.getresponse()
        response = web.Response(raw.status, raw.getheaders(),
                                raw.read().decode("utf-8", errors="replace"))
        connection.close()
        return response

    def upload(self, content, filename="clients.csv", note="Livraison mardi", keep=False,
               content_type="application/octet-stream"):
        parts = [part("csrf", self.token), part("note", note),
                 part("file", content, filename=filename, content_type=content_type)]
        if keep:
            parts.append(part("keep", "1"))
        return self.send(body_of(*parts))

    def assertRefused(self, response, status, message):
        self.assertEqual(response.status, status, response.text()[:300])
        self.assertIn(message, response.text())

    def cgi(self, body, length="exact"):
        """Runs the probe as plain CGI with this body on stdin."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "FIDELE_CONFIG": STACK.config, "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "POST", "SCRIPT_NAME": PROBE,
            "QUERY_STRING": "", "HTTP_HOST": self.HOST, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": "; ".join("%s=%s" % kv for kv in self.browser.cookies.items()),
            "CONTENT_TYPE": "multipart/form-data; boundary=" + BOUNDARY,
        }
        if length == "exact":
            env["CONTENT_LENGTH"] = str(len(body))
        elif length is not None:
            env["CONTENT_LENGTH"] = str(length)
        env.update(STACK.env_sanitizer())
        program = os.path.join(STACK.builddir, "tests", "helpers", "upload-probe")
        result = subprocess.run([program], input=body, env=env, capture_output=True, timeout=60)
        head, _, content = result.stdout.partition(b"\r\n\r\n")
        status = int(re.search(rb"Status: (\d+)", head).group(1))
        return web.Response(status, [], content.decode("utf-8", errors="replace"))


class Upload(UploadClient, unittest.TestCase):
    # --- what arrives ---------------------------------------------------------
    def test_a_5_mb_binary_file_arrives_intact_with_its_text_field(self):
        content = os.urandom(5 * 1024 * 1024)
        response = self.upload(content, note="Livraison mardi, côté cour")
        self.assertEqual(response.status, 200, response.text()[:300])
        self.assertEqual(answer(response, "sha256"), hashlib.sha256(content).hexdigest())
        self.assertEqual(answer(response, "size"), str(len(content)))
        self.assertEqual(answer(response, "note"), "Livraison mardi, côté cour")
        self.assertEqual(answer(response, "filename"), "clients.csv")
        self.assertEqual(answer(response, "type"), "application/octet-stream")
        self.assertEqual(answer(response, "kept"), "no")

    def test_a_french_filename_is_kept_as_text(self):
        response = self.upload(b"nom;ville\r\n", filename="Clients été 2026 – Crème.xlsx")
        self.assertEqual(response.status, 200, response.text()[:300])
        self.assertEqual(answer(response, "filename"), "Clients été 2026 – Crème.xlsx")

    def test_a_filename_given_as_filename_star_is_decoded(self):
        disposition = ("form-data; name=\"file\"; filename=\"clients.csv\"; "
                       "filename*=UTF-8''%C3%A9t%C3%A9.csv")
        response = self.send(body_of(part("csrf", self.token),
                                     part("file", b"x", disposition=disposition)))
        self.assertEqual(answer(response, "filename"), "été.csv")

    def test_a_filename_keeps_no_path(self):
        for sent, shown in (("../../etc/passwd", "passwd"),
                            ("C:\\Users\\Zoé\\Documents\\clients.csv", "clients.csv")):
            response = self.upload(b"x", filename=sent)
            self.assertEqual(response.status, 200, response.text()[:300])
            self.assertEqual(answer(response, "filename"), shown)
        # nothing was written outside the shop's own folder, however far up
        # the name pointed
        outside = [os.path.join(top, name) for top, _, names in os.walk(STACK.var)
                   for name in names if name == "passwd"]
        self.assertEqual(outside, [])

    def test_a_file_with_crlf_and_boundary_like_bytes_arrives_intact(self):
        near = BOUNDARY[:-1].encode()
        content = (b"a;b\r\n\r\n--" + near + b"\r\n--" + near + b"X--\r\n" +
                   b"x--" + BOUNDARY.encode() + b"--\r\n\r\r\n--\r\n" + os.urandom(200000) +
                   b"\r\n--" + near)
        response = self.upload(content)
        self.assertEqual(response.status, 200, response.text()[:300])
        self.assertEqual(answer(response, "sha256"), hashlib.sha256(content).hexdigest())

    def test_a_kept_file_is_moved_out_of_the_requests_hands(self):
        content = os.urandom(100000)
        response = self.upload(content, keep=True)
        self.assertEqual(response.status, 200, response.text()[:300])
        kept = answer(response, "kept")
        self.assertEqual(os.path.dirname(kept),
                         os.path.join(STACK.spool_dir, SHOP_ID, "kept"))
        with open(kept, "rb") as f:
            self.assertEqual(f.read(), content)
        self.assertEqual(os.stat(kept).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(STACK.spool_dir, SHOP_ID)).st_mode & 0o777, 0o700)
        os.unlink(kept)

    # --- the size limit --------------------------------------------------------
    def test_a_body_over_the_limit_by_its_length_gets_the_413_page_in_french(self):
        response = self.upload(os.urandom(LIMIT + 1024 * 1024))
        self.assertRefused(response, 413, "Envoi trop volumineux")

    def test_a_chunked_body_arrives_intact(self):
        content = os.urandom(3 * 1024 * 1024 + 17)
        body = body_of(part("csrf", self.token), part("file", content, filename="a.csv"))
        response = self.send(body, chunked=True)
        self.assertEqual(response.status, 200, response.text()[:300])
        self.assertEqual(answer(response, "sha256"), hashlib.sha256(content).hexdigest())

    def test_a_chunked_body_over_the_limit_gets_the_413_page_in_french(self):
        body = body_of(part("csrf", self.token),
                       part("file", os.urandom(LIMIT + 1024 * 1024), filename="big.csv"))
        response = self.send(body, chunked=True)
        self.assertRefused(response, 413, "Envoi trop volumineux")

    def test_a_body_over_the_limit_without_a_length_is_refused_while_it_is_read(self):
        # as plain CGI, with no CONTENT_LENGTH: the limit stops the reading
        body = body_of(part("csrf", self.token),
                       part("file", os.urandom(LIMIT + 1024 * 1024), filename="big.csv"))
        response = self.cgi(body, length=None)
        self.assertRefused(response, 413, "Envoi trop volumineux")

    def test_a_body_over_the_locations_limit_gets_nginxs_413_page_in_french(self):
        response = self.upload(b"x" * (21 * 1024 * 1024))
        self.assertRefused(response, 413, "Envoi trop volumineux")

    # --- what is refused, leaving nothing behind -------------------------------
    def test_a_body_shorter_than_its_length_is_refused(self):
        body = body_of(part("csrf", self.token), part("file", os.urandom(300000), filename="a.csv"))
        response = self.cgi(body[:200000], length=len(body))
        self.assertRefused(response, 400, "L'envoi s'est arrêté avant la fin")

    def test_a_body_without_its_closing_boundary_is_refused(self):
        body = body_of(part("csrf", self.token), part("file", os.urandom(300000), filename="a.csv"),
                       close=False)
        self.assertRefused(self.send(body), 400, "L'envoi s'est arrêté avant la fin")

    def test_a_part_without_a_name_is_refused(self):
        body = body_of(part("csrf", self.token),
                       part("", b"x", disposition='form-data; filename="a.csv"'))
        self.assertRefused(self.send(body), 400, "Le formulaire envoyé n'a pas pu être lu.")

    def test_an_undeclared_part_is_refused(self):
        for undeclared in (part("evil", "1"), part("evil", b"x", filename="a.csv")):
            body = body_of(part("csrf", self.token), undeclared,
                           part("file", b"x", filename="a.csv"))
            self.assertRefused(self.send(body), 400, "Le formulaire envoyé n'a pas pu être lu.")

    def test_a_text_part_over_its_length_is_refused(self):
        # over what 100 characters can take (refused as it streams) ...
        self.assertRefused(self.upload(b"x", note="é" * 300), 400, "Ce champ est trop long.")
        # ... and over 100 characters (refused as an urlencoded field is)
        self.assertRefused(self.upload(b"x", note="é" * 101), 400, "Ce champ est trop long.")

    def test_two_files_for_one_field_are_refused(self):
        body = body_of(part("csrf", self.token), part("file", b"one", filename="a.csv"),
                       part("file", b"two", filename="b.csv"))
        self.assertRefused(self.send(body), 400, "Un seul fichier")

    def test_a_text_sent_as_a_file_and_a_file_sent_as_a_text_are_refused(self):
        for body in (body_of(part("csrf", self.token), part("note", b"x", filename="a.csv"),
                             part("file", b"x", filename="a.csv")),
                     body_of(part("csrf", self.token), part("file", b"x"))):
            self.assertRefused(self.send(body), 400, "Le formulaire envoyé n'a pas pu être lu.")

    def test_no_file_chosen_is_a_missing_field(self):
        body = body_of(part("csrf", self.token), part("file", b"", filename=""))
        self.assertRefused(self.send(body), 400, "Ce champ est obligatoire.")

    def test_a_filename_not_in_utf8_is_refused(self):
        body = (part("csrf", self.token) + b"--" + BOUNDARY.encode() +
                b'\r\nContent-Disposition: form-data; name="file"; filename="caf\xe9.csv"'
                b"\r\n\r\nx\r\n--" + BOUNDARY.encode() + b"--\r\n")
        self.assertRefused(self.send(body), 400, "Le nom de ce fichier")

    def test_nul_and_bare_cr_or_lf_in_part_headers_are_refused(self):
        for bad in (b'form-data; name="file"; filename="a\x00.csv"',
                    b'form-data; name="file"; filename="a\r.csv"',
                    b'form-data; name="file";\nX-Injected: 1'):
            body = (part("csrf", self.token) + b"--" + BOUNDARY.encode() +
                    b"\r\nContent-Disposition: " + bad + b"\r\n\r\nx\r\n--" + BOUNDARY.encode() +
                    b"--\r\n")
            self.assertRefused(self.send(body), 400, "Le formulaire envoyé n'a pas pu être lu.")

    def test_a_part_header_line_of_1_mb_is_refused(self):
        body = (part("csrf", self.token) + b"--" + BOUNDARY.encode() +
                b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
                b"X-Padding: " + b"a" * (1024 * 1024) + b"\r\n\r\nx\r\n--" + BOUNDARY.encode() +
                b"--\r\n")
        self.assertRefused(self.send(body), 400, "Le formulaire envoyé n'a pas pu être lu.")

    def test_a_flood_of_tiny_parts_is_refused(self):
        body = body_of(part("csrf", self.token), *[part("note", "x")] * 20000)
        self.assertRefused(self.send(body), 400, "Ce champ a été envoyé plusieurs fois.")

    # --- CSRF and who may upload -----------------------------------------------
    def test_a_missing_or_wrong_csrf_token_is_refused(self):
        wrong = "0" * 64 if self.token != "0" * 64 else "1" * 64
        for body in (body_of(part("note", "x"), part("file", b"x" * 100000, filename="a.csv")),
                     body_of(part("csrf", wrong), part("file", b"x" * 100000, filename="a.csv")),
                     body_of(part("csrf", wrong), part("note", "x")),
                     body_of(part("note", "x"))):
            self.assertRefused(self.send(body), 403, "Ce formulaire a expiré")

    def test_a_csrf_token_after_the_file_is_refused_before_the_file_is_written(self):
        body = body_of(part("file", b"x" * 100000, filename="a.csv"), part("csrf", self.token))
        self.assertRefused(self.send(body), 403, "Ce formulaire a expiré")

    def test_an_upload_from_another_site_is_refused(self):
        body = body_of(part("csrf", self.token), part("file", b"x", filename="a.csv"))
        response = self.send(body, headers={"Origin": "https://evil.example"})
        self.assertRefused(response, 403, "Ce formulaire a expiré")

    def test_an_upload_without_a_session_is_sent_to_sign_in(self):
        body = body_of(part("csrf", self.token), part("file", b"x", filename="a.csv"))
        cookies = self.browser.cookies
        try:
            self.browser.cookies = {}
            response = self.send(body)
        finally:
            self.browser.cookies = cookies
        self.assertEqual(response.status, 303)
        self.assertTrue(response.header("Location").startswith("/admin/login"))

    # --- other routes ----------------------------------------------------------
    def test_a_multipart_post_to_an_ordinary_route_is_refused_as_before(self):
        token = self.browser.get("/admin/customers/new").csrf()
        body = body_of(part("csrf", token), part("email", "a@example.org"))
        self.assertRefused(self.send(body, path="/admin/customers/new"), 400,
                           "Le formulaire envoyé n'a pas pu être lu.")
        self.assertEqual(STACK.sql("SELECT COUNT(*) FROM customer WHERE email = 'a@example.org'"),
                         [["0"]])

    def test_an_urlencoded_post_to_an_upload_route_is_refused(self):
        response = self.send(("csrf=%s&note=x&file=..%%2F..%%2Fetc%%2Fpasswd" % self.token).encode(),
                             content_type="application/x-www-form-urlencoded")
        self.assertRefused(response, 400, "Le formulaire envoyé n'a pas pu être lu.")


class UploadInEnglish(UploadClient, unittest.TestCase):
    """The same door for a shop in English: its refusals in English."""
    HOST = BETA_HOST
    OWNER = BETA_OWNER

    def test_refusals_are_in_the_shops_language(self):
        body = body_of(part("csrf", self.token), part("file", b"x" * 1000, filename="a.csv"),
                       close=False)
        self.assertRefused(self.send(body), 400, "The upload stopped before the end")
        self.assertRefused(self.upload(os.urandom(LIMIT + 1024 * 1024)), 413, "Upload too large")
        body = body_of(part("csrf", self.token), part("file", b"one", filename="a.csv"),
                       part("file", b"two", filename="b.csv"))
        self.assertRefused(self.send(body), 400, "Only one file can be sent here")


class UploadFromARealBrowser(unittest.TestCase):
    """Chromium fills the probe's form and sends a file: what a browser
    writes (its boundary, csrf first, the filename, an Origin header) goes
    through the door."""

    def test_a_file_chosen_in_chromium_arrives_intact(self):
        import browser   # tests/lib/browser.py: Debian's chromium over DevTools
        content = os.urandom(300000) + "\r\n--€ été\r\n".encode()
        folder = os.path.join(STACK.var, "browser-files")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "Clients été 2026.csv")
        with open(path, "wb") as f:
            f.write(content)
        base = "http://%s:%d" % (HOST, STACK.port)
        with browser.Chromium(hosts=[HOST]) as chromium:
            tab = chromium.new_tab()
            tab.goto(base + "/admin/login")
            tab.fill("#email", OWNER[0])
            tab.fill("#password", OWNER[1])
            tab.click_and_wait("form[action='/admin/login'] button[type=submit]")
            self.assertEqual(tab.goto(base + PROBE), 200)
            tab.fill("input[name=note]", "Envoyé par Chromium")
            root = tab.send("DOM.getDocument")["root"]["nodeId"]
            node = tab.send("DOM.querySelector", {"nodeId": root,
                                                  "selector": "input[name=file]"})["nodeId"]
            tab.send("DOM.setFileInputFiles", {"nodeId": node, "files": [path]})
            self.assertEqual(tab.click_and_wait("form[action='%s'] button[type=submit]" % PROBE),
                             200)
            found = {name: tab.evaluate("document.getElementById(%r).textContent" % name)
                     for name in ("sha256", "size", "filename", "note", "type")}
        self.assertEqual(found["sha256"], hashlib.sha256(content).hexdigest())
        self.assertEqual(found["size"], str(len(content)))
        self.assertEqual(found["filename"], "Clients été 2026.csv")
        self.assertEqual(found["note"], "Envoyé par Chromium")
        self.assertEqual(found["type"], "text/csv")
        self.assertEqual(spool_files(), [])


class WorkerHousekeeping(unittest.TestCase):
    def test_the_worker_deletes_old_orphans_and_leaves_the_rest(self):
        folder = os.path.dirname(STACK.spool_folder(SHOP_ID))
        orphan = os.path.join(folder, "0123456789abcdef0123456789abcdef")
        recent = os.path.join(folder, "fedcba9876543210fedcba9876543210")
        kept = os.path.join(folder, "kept", "00112233445566778899aabbccddeeff")
        two_hours_ago = time.time() - 2 * 3600   # Spool.KeepHours is 1 here
        for path in (orphan, recent, kept):
            with open(path, "wb") as f:
                f.write(b"left by a killed upload")
        os.utime(orphan, (two_hours_ago, two_hours_ago))
        os.utime(kept, (two_hours_ago, two_hours_ago))
        try:
            STACK.admin("job", "add", "--kind", "housekeeping")
            stack_module.wait_for(lambda: not os.path.exists(orphan), "housekeeping", 60)
            self.assertTrue(os.path.exists(recent), "a file still being written was deleted")
            self.assertTrue(os.path.exists(kept), "a kept file was deleted")
        finally:
            for path in (orphan, recent, kept):
                if os.path.exists(path):
                    os.unlink(path)


if __name__ == "__main__":
    unittest.main()
