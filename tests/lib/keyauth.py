"""Signs requests to Fidèle's machine endpoints (ROUTE_KEY routes) as a
shop's web store would, from the README's "Signed requests" section alone:
a second implementation, in Python's standard library, of what
fcgi/lib/keyauth.c checks.

    headers = authorization(key_id, secret, "POST", "/api/v1/orders",
                            query="dry_run=1", body=b'{"total": "12.50"}')
"""

import hashlib
import hmac
import os
import time


def signature(secret, method, path, query, ts, nonce, body):
    """The hex HMAC-SHA256, under the key's secret (its 64 hex characters,
    used as they are), of the six lines of the README."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    text = "\n".join([method, path, query, str(ts), nonce,
                      hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode("ascii"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce():
    """32 random lowercase hex digits."""
    return os.urandom(16).hex()


def authorization(key_id, secret, method, path, query="", body=b"", ts=None, nonce=None):
    """The Authorization header of a request, as a dict to send. ts
    defaults to now and nonce to a fresh random one."""
    ts = int(time.time()) if ts is None else ts
    nonce = nonce or new_nonce()
    sig = signature(secret, method, path, query, ts, nonce, body)
    return {"Authorization": "Fidele-HMAC key=%s, ts=%s, nonce=%s, sig=%s"
            % (key_id, ts, nonce, sig)}
