"""Steps the storefront API's tests share (test_api_customers.py,
test_api_orders.py, test_api_keys_page.py and the browser test): keys made
with the real CLI, requests signed by tests/lib/keyauth.py (a second
implementation of the README's "Signed requests"), and SQL ground truth."""

import json
import subprocess

from fixtures import ALPHA_HOST
import keyauth
import web

# the API tests talk from an address of their own, so that the refusals
# they provoke never count against the suite's other clients
SOURCE = "127.0.0.150"


def sql(statement):
    return web.STACK.sql(statement)


def one(statement):
    """The first column of the first row, or None."""
    found = sql(statement)
    return found[0][0] if found else None


def create_key(shop, name):
    """Makes a key with the real CLI; returns (key id, secret)."""
    result = subprocess.run([web.STACK.program("fidele-admin"), "api-key", "create",
                             "--shop", shop, "--name", name], env=web.STACK.env(),
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError("api-key create failed: " + result.stderr)
    values = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    return values["key"], values["secret"]


def call(method, path, key, query="", body=b"", host=ALPHA_HOST, content_type=None,
         headers=None, source=SOURCE, **signing):
    """Sends a request signed with key = (id, secret) (None: unsigned).
    Returns the response, .json parsed (None when not JSON)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    all_headers = {}
    if key is not None:
        all_headers.update(keyauth.authorization(key[0], key[1], method, path, query=query,
                                                 body=body, **signing))
    if content_type:
        all_headers["Content-Type"] = content_type
    all_headers.update(headers or {})
    browser = web.Browser(host, source=source)
    response = browser.request(method, path + ("?" + query if query else ""),
                               headers=all_headers,
                               body=body if body or method == "POST" else None)
    try:
        response.json = json.loads(response.body)
    except ValueError:
        response.json = None
    return response


def customer(key, email, host=ALPHA_HOST, **kwargs):
    """GET /api/v1/customers?email=..."""
    return call("GET", "/api/v1/customers", key,
                query=web.urllib.parse.urlencode({"email": email}), host=host, **kwargs)


def order(key, payload, host=ALPHA_HOST, **kwargs):
    """POST /api/v1/orders with payload (a dict, or a str/bytes sent as it is)."""
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return call("POST", "/api/v1/orders", key, body=body, host=host,
                content_type="application/json", **kwargs)


def shop_id(slug):
    return int(one("SELECT id FROM shop WHERE slug = '%s'" % slug))


def clear_key_limits():
    """Forgets the refusals counted against the tests' address and the
    keys' request counts."""
    sql("DELETE FROM rate_limit WHERE bucket IN ('api-key', 'api-key-failure-ip')")


def forget_customers(email_like):
    """Takes the tests' customers out of the lists the other tests read
    (they count the shop's customers): erased, as the other tests do it."""
    sql("DELETE FROM customer_search WHERE customer_id IN"
        " (SELECT id FROM customer WHERE email LIKE '%s');"
        "UPDATE customer SET erased_at = NOW(), email = NULL WHERE email LIKE '%s'"
        % (email_like, email_like))
