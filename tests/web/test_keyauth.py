"""Machine endpoints (ROUTE_KEY routes): a shop's web store calls them with
requests signed by one of the shop's API keys, made with fidele-admin
api-key. They need no session and no CSRF token, never set a cookie, and
answer every error as JSON in the shop's language; every bad request is
refused and changes nothing.

There is no API route in the product yet: tests/helpers/api-probe serves
two under /api-probe/ (tests/web/run). The requests are signed by
tests/lib/keyauth.py, a second implementation of the README's "Signed
requests" section."""

import json
import os
import subprocess
import time
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, BETA_HOST
import keyauth
import web

PROBE = os.path.join("tests", "helpers", "api-probe")
# Limits.KeyFailures and Limits.KeyFailureWindow left at their defaults
# (fcgi/lib/keyauth.h): 30 refusals per address in 10 minutes
KEY_FAILURES = 30
# every refusal below comes from this address, so that the suite's other
# clients never meet the limit (and it, well under the limit)
SOURCE = "127.0.0.140"


def admin(*args):
    return subprocess.run([web.STACK.program("fidele-admin")] + list(args), env=web.STACK.env(),
                          capture_output=True, text=True, timeout=60)


def rows(statement):
    return web.STACK.sql(statement)


def create_key(shop, name):
    """Makes a key with the real CLI; returns (key id, secret)."""
    result = admin("api-key", "create", "--shop", shop, "--name", name)
    if result.returncode != 0:
        raise AssertionError("api-key create failed: " + result.stderr)
    values = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    return values["key"], values["secret"]


def call(method, path, key, query="", body=b"", host=ALPHA_HOST, content_type=None,
         headers=None, source=SOURCE, sign=None, **signing):
    """Sends a request signed with key = (id, secret); sign, when given,
    names what was signed instead of what is sent: a dict with any of
    method, path, query, body. Returns the response, .json parsed."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    signed = dict(method=method, path=path, query=query, body=body)
    signed.update(sign or {})
    all_headers = {}
    if key is not None:
        all_headers.update(keyauth.authorization(key[0], key[1], signed["method"],
                                                 signed["path"], query=signed["query"],
                                                 body=signed["body"], **signing))
    if content_type:
        all_headers["Content-Type"] = content_type
    all_headers.update(headers or {})
    browser = web.Browser(host, source=source)
    response = browser.request(method, path + ("?" + query if query else ""),
                               headers=all_headers, body=body if body or method == "POST" else None)
    try:
        response.json = json.loads(response.body)
    except ValueError:
        response.json = None
    return response


def form(**fields):
    return urllib.parse.urlencode(fields)


class KeyCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(web.STACK.builddir, PROBE)):
            raise AssertionError("build the helper first: make tests/helpers/api-probe")
        cls.alpha_id = rows("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        cls.key = create_key("alpha", "Boutique en ligne")
        cls.beta_key = create_key("beta", "Web store")

    def assertNoCookie(self, response):
        self.assertEqual(response.headers_named("Set-Cookie"), [])

    def assertJsonError(self, response, status, code):
        """A JSON error with its status and code, a message, no cookie."""
        self.assertEqual(response.status, status, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        self.assertIsNotNone(response.json, response.body)
        self.assertEqual(response.json["error"], code)
        self.assertTrue(response.json["message"])
        self.assertNoCookie(response)

    def events(self):
        return rows("SELECT COUNT(*) FROM event WHERE kind = 'api.probe'")[0][0]

    def nonces(self):
        return rows("SELECT COUNT(*) FROM api_nonce")[0][0]


class SignedRequests(KeyCase):
    def test_a_signed_get_is_answered_with_the_shop_and_the_key(self):
        response = call("GET", "/api-probe/whoami", self.key, query="q=bonjour")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        self.assertEqual(response.json, {"shop": "alpha", "key": "Boutique en ligne",
                                         "key_id": self.key[0], "actor": "key", "q": "bonjour"})
        self.assertNoCookie(response)

    def test_a_signed_post_needs_no_session_nor_csrf_and_its_event_names_the_key(self):
        body = form(note="commande 42")
        response = call("POST", "/api-probe/orders", self.key, body=body,
                        content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["note"], "commande 42")
        self.assertEqual(response.json["body_length"], len(body))
        self.assertEqual(response.json["actor"], "key")
        self.assertNoCookie(response)
        key_row = rows("SELECT id FROM api_key WHERE public_id = '%s'" % self.key[0])[0][0]
        event = rows("SELECT shop_id, api_key_id, admin_id, detail FROM event"
                     " WHERE kind = 'api.probe' ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(event, [self.alpha_id, key_row, "NULL", "%d bytes" % len(body)])

    def test_a_json_body_is_signed_as_sent_and_left_to_the_handler(self):
        body = '{"email": "ana@example.org", "total": "12.50"}'
        response = call("POST", "/api-probe/orders", self.key, body=body,
                        content_type="application/json")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["body"], body)
        self.assertEqual(response.json["note"], "")

    def test_an_empty_signed_post_needs_no_content_type(self):
        response = call("POST", "/api-probe/orders", self.key)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["body_length"], 0)

    def test_the_query_is_signed_as_sent(self):
        query = "q=caf%C3%A9+cr%C3%A8me&utm_source=x"
        response = call("GET", "/api-probe/whoami", self.key, query=query)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["q"], "café crème")

    def test_a_message_is_in_the_shops_language(self):
        french = call("GET", "/api-probe/whoami", None)
        english = call("GET", "/api-probe/whoami", None, host=BETA_HOST)
        self.assertJsonError(french, 401, "missing_signature")
        self.assertJsonError(english, 401, "missing_signature")
        self.assertIn("signée", french.json["message"])
        self.assertIn("not signed", english.json["message"])
        self.assertEqual(french.header("WWW-Authenticate"), "Fidele-HMAC")

    def test_last_use_is_noted_and_listed(self):
        key = create_key("alpha", "Caisse")
        self.assertEqual(rows("SELECT last_used_at IS NULL FROM api_key WHERE public_id = '%s'"
                              % key[0]), [["1"]])
        self.assertEqual(call("GET", "/api-probe/whoami", key).status, 200)
        self.assertEqual(rows("SELECT last_used_at IS NOT NULL FROM api_key WHERE public_id = '%s'"
                              % key[0]), [["1"]])
        listed = admin("api-key", "list", "--shop", "alpha")
        line = [l for l in listed.stdout.splitlines() if l.startswith(key[0])][0]
        fields = line.split("\t")
        self.assertEqual((fields[1], fields[5]), ("live", "Caisse"))
        self.assertNotEqual(fields[3], "-")


class RefusedRequests(KeyCase):
    """Each bad request gets its JSON error, and writes no event."""

    def setUp(self):
        self.events_before = self.events()

    def tearDown(self):
        self.assertEqual(self.events(), self.events_before, "a refused request wrote an event")

    def post(self, key, body=None, **kwargs):
        return call("POST", "/api-probe/orders", key,
                    body=form(note="x") if body is None else body,
                    content_type="application/x-www-form-urlencoded", **kwargs)

    def test_a_request_without_signature_is_refused(self):
        self.assertJsonError(self.post(None), 401, "missing_signature")

    def test_a_malformed_header_is_refused(self):
        for header in ("Fidele-HMAC key=%s" % self.key[0], "Bearer abc",
                       "Fidele-HMAC key=%s, ts=now, nonce=0123456789abcdef, sig=00"
                       % self.key[0]):
            self.assertJsonError(self.post(None, headers={"Authorization": header}),
                                 400, "malformed_signature")

    def test_an_unknown_key_is_refused(self):
        unknown = ("fk_" + os.urandom(12).hex(), self.key[1])
        self.assertJsonError(self.post(unknown), 401, "unknown_key")

    def test_a_wrong_signature_is_refused(self):
        self.assertJsonError(self.post((self.key[0], "0" * 64)), 401, "bad_signature")

    def test_a_body_changed_after_signing_is_refused(self):
        response = self.post(self.key, body=form(note="y"), sign={"body": form(note="x").encode()})
        self.assertJsonError(response, 401, "bad_signature")

    def test_a_query_changed_after_signing_is_refused(self):
        response = call("GET", "/api-probe/whoami", self.key, query="q=2", sign={"query": "q=1"})
        self.assertJsonError(response, 401, "bad_signature")

    def test_another_path_or_method_than_signed_is_refused(self):
        response = self.post(self.key, sign={"path": "/api-probe/other"})
        self.assertJsonError(response, 401, "bad_signature")
        response = self.post(self.key, sign={"method": "PUT"})
        self.assertJsonError(response, 401, "bad_signature")

    def test_an_old_or_future_timestamp_is_refused(self):
        now = int(time.time())
        self.assertJsonError(self.post(self.key, ts=now - 400), 401, "stale_timestamp")
        self.assertJsonError(self.post(self.key, ts=now + 400), 401, "stale_timestamp")

    def test_a_replayed_request_is_refused(self):
        nonce = keyauth.new_nonce()
        ts = int(time.time())
        first = self.post(self.key, nonce=nonce, ts=ts)
        self.assertEqual(first.status, 200, first.body)
        self.events_before = self.events()     # the first one counts, once
        again = self.post(self.key, nonce=nonce, ts=ts)
        self.assertJsonError(again, 401, "replayed_nonce")
        # signed anew with a later time: the nonce alone is refused
        resigned = self.post(self.key, nonce=nonce, ts=ts + 1)
        self.assertJsonError(resigned, 401, "replayed_nonce")
        self.assertEqual(self.events(), self.events_before)

    def test_a_key_of_another_shop_is_refused(self):
        self.assertJsonError(self.post(self.beta_key), 403, "wrong_shop")
        # and without its secret, nothing says the key exists elsewhere
        self.assertJsonError(self.post((self.beta_key[0], self.key[1])), 401, "bad_signature")

    def test_a_revoked_key_is_refused(self):
        key = create_key("alpha", "Ancienne boutique")
        self.assertEqual(call("GET", "/api-probe/whoami", key).status, 200)
        result = admin("api-key", "revoke", "--shop", "alpha", "--key", key[0])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertJsonError(self.post(key), 401, "revoked_key")
        listed = admin("api-key", "list", "--shop", "alpha").stdout
        self.assertIn(key[0] + "\trevoked\t", listed)

    def test_an_over_long_body_is_refused(self):
        body = form(note="x" * 70000)
        response = self.post(self.key, body=body)
        self.assertJsonError(response, 413, "too_large")

    def test_an_invalid_field_is_refused_after_the_signature(self):
        nonces = self.nonces()
        response = self.post(self.key, body=form(note="x" * 201))
        self.assertJsonError(response, 400, "bad_request")
        self.assertEqual(int(self.nonces()), int(nonces) + 1)

    def test_another_method_gets_a_json_405(self):
        response = call("GET", "/api-probe/orders", self.key)
        self.assertJsonError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "POST")

    def test_a_refused_request_keeps_no_nonce(self):
        nonces = self.nonces()
        self.post((self.key[0], "0" * 64))
        self.post(self.key, ts=int(time.time()) - 400)
        self.assertEqual(self.nonces(), nonces)


class PagesStayPages(KeyCase):
    """The flag is per route: a signature stands for no session or CSRF
    token anywhere else."""

    def test_a_signed_post_to_an_ordinary_public_form_still_needs_its_csrf_token(self):
        response = call("POST", "/api-probe/form", self.key, body=form(note="x"),
                        content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status, 403)
        self.assertIn("text/html", response.header("Content-Type"))

    def test_a_signed_post_to_an_admin_page_is_sent_to_sign_in_and_changes_nothing(self):
        before = rows("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % self.alpha_id)
        response = call("POST", "/admin/customers/new", self.key,
                        body=form(email="api-made@alpha.test", first_name="Api"),
                        content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status, 303)
        self.assertTrue(response.header("Location").startswith("/admin/login"))
        self.assertEqual(rows("SELECT COUNT(*) FROM customer WHERE shop_id = %s"
                              % self.alpha_id), before)

    def test_json_is_refused_by_an_ordinary_form(self):
        response = call("POST", "/api-probe/form", self.key, body='{"note": "x"}',
                        content_type="application/json")
        self.assertEqual(response.status, 400)
        self.assertIn("text/html", response.header("Content-Type"))


class FailureLimit(KeyCase):
    def test_an_address_that_failed_too_often_gets_only_its_signed_requests_answered(self):
        """A neighbour on the shop site's shared host (or behind its NAT)
        fails thirty times on purpose: what is not rightly signed is then
        refused with 429 whatever is wrong with it, and the site's own
        signed requests from that address are still served."""
        source = "127.0.0.141"
        for _ in range(KEY_FAILURES):
            self.assertJsonError(call("GET", "/api-probe/whoami", None, source=source),
                                 401, "missing_signature")
        for unsigned in (call("GET", "/api-probe/whoami", None, source=source),
                         call("GET", "/api-probe/whoami", (self.key[0], "0" * 64),
                              source=source),
                         call("GET", "/api-probe/whoami", ("fk_" + "0" * 24, "0" * 64),
                              source=source)):
            self.assertJsonError(unsigned, 429, "too_many_failures")
        signed = call("GET", "/api-probe/whoami", self.key, source=source)
        self.assertEqual(signed.status, 200, signed.body)
        self.assertEqual(signed.json["key"], "Boutique en ligne")
        elsewhere = call("GET", "/api-probe/whoami", self.key, source="127.0.0.142")
        self.assertEqual(elsewhere.status, 200, elsewhere.body)
        # another shop's store on the same shared host is not held out
        other_shop = call("GET", "/api-probe/whoami", self.beta_key, host=BETA_HOST,
                          source=source)
        self.assertEqual(other_shop.status, 200, other_shop.body)


class Housekeeping(KeyCase):
    def test_expired_nonces_are_deleted_and_live_ones_kept(self):
        self.assertEqual(call("GET", "/api-probe/whoami", self.key, nonce="ab" * 10).status, 200)
        self.assertEqual(call("GET", "/api-probe/whoami", self.key, nonce="cd" * 10).status, 200)
        rows("UPDATE api_nonce SET expires_at = NOW() - INTERVAL 1 SECOND"
             " WHERE nonce = '%s'" % ("ab" * 10))
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        left = rows("SELECT nonce FROM api_nonce WHERE nonce IN ('%s', '%s') ORDER BY nonce"
                    % ("ab" * 10, "cd" * 10))
        self.assertEqual(left, [["cd" * 10]])


class Cli(KeyCase):
    def test_create_prints_a_key_and_its_secret_once(self):
        result = admin("api-key", "create", "--shop", "beta", "--name", "Shop front")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^key: fk_[0-9a-f]{24}\nsecret: [0-9a-f]{64}\n$")
        key_id = result.stdout.split()[1]
        secret = result.stdout.split()[3]
        # the database holds no secret
        stored = rows("SELECT * FROM api_key WHERE public_id = '%s'" % key_id)[0]
        self.assertNotIn(secret, "\t".join(stored))
        self.assertEqual(call("GET", "/api-probe/whoami", (key_id, secret), host=BETA_HOST)
                         .json["key"], "Shop front")

    def test_making_and_revoking_a_key_are_in_the_shops_audit_trail(self):
        key = create_key("beta", "Till")
        self.assertEqual(admin("api-key", "revoke", "--shop", "beta", "--key", key[0]).returncode, 0)
        trail = rows("SELECT e.kind, e.detail, e.admin_id, e.api_key_id FROM event e"
                     " JOIN shop s ON s.id = e.shop_id AND s.slug = 'beta'"
                     " WHERE e.detail LIKE '%s%%' ORDER BY e.id" % key[0])
        self.assertEqual(trail, [["api_key_created", key[0] + " Till", "NULL", "NULL"],
                                 ["api_key_revoked", key[0], "NULL", "NULL"]])

    def test_bad_arguments_are_refused_and_change_nothing(self):
        before = rows("SELECT COUNT(*) FROM api_key")
        for args, status, message in (
                (("api-key", "create", "--shop", "alpha"), 2, "--name is required"),
                (("api-key", "create", "--shop", "nowhere", "--name", "x"), 1, "nowhere"),
                (("api-key", "create", "--shop", "alpha", "--name", "a" * 201), 2, "--name"),
                (("api-key", "create", "--shop", "alpha", "--name", "x", "--role", "y"), 2,
                 "unknown option"),
                (("api-key", "revoke", "--shop", "alpha", "--key", "nope"), 2, "--key is a key id"),
                (("api-key", "revoke", "--shop", "alpha", "--key", "fk_" + "0" * 24), 1,
                 "not a live key"),
                # a key of beta cannot be revoked through alpha
                (("api-key", "revoke", "--shop", "alpha", "--key", self.beta_key[0]), 1,
                 "not a live key"),
                (("api-key", "list"), 2, "--shop is required")):
            result = admin(*args)
            self.assertEqual(result.returncode, status, (args, result.stderr))
            self.assertIn(message, result.stderr, args)
        self.assertEqual(rows("SELECT COUNT(*) FROM api_key"), before)
        self.assertEqual(call("GET", "/api-probe/whoami", self.beta_key, host=BETA_HOST).status,
                         200)

    def test_a_list_shows_only_the_shops_keys(self):
        listed = admin("api-key", "list", "--shop", "beta")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(self.beta_key[0], listed.stdout)
        self.assertNotIn(self.key[0], listed.stdout)
