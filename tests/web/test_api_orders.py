"""POST /api/v1/orders (issue 16, point 7): the shop's site creates,
updates, cancels and refunds its orders by its own reference. The same
request twice changes nothing, a retry after a timeout is safe, an older
change arriving after a newer one is left out ("stale"); an order for a
new address creates the customer (source order, no marketing consent
unless the checkout's consent and its wording come with it, which go to
the consent ledger through the API channel); a blocked customer's new
order is refused; the customer's totals stay right under concurrent
feeds; the customer page shows the last shipping and billing details.
Every bad request is one clear JSON error and changes nothing."""

import glob
import json
import os
import threading
import unittest

from fixtures import ALPHA_OWNER, BETA_HOST
from api_steps import (call, clear_key_limits, create_key, forget_customers, one, order,
                       shop_id, sql)
import keyauth
from test_retry_db import InBackground, Locker, Watcher
import web


def totals(email):
    """(order_count, total_spent_cents, last_order_at) of alpha's customer."""
    found = sql("SELECT c.order_count, c.total_spent_cents, c.last_order_at FROM customer c"
                " JOIN shop s ON s.id = c.shop_id"
                " WHERE s.slug = 'alpha' AND c.email = '%s'" % email)
    return tuple(found[0]) if found else None


def truth(email):
    """The same, counted from the orders themselves."""
    found = sql("SELECT COUNT(o.id), COALESCE(SUM(o.total_cents), 0), COALESCE(MAX(o.ordered_at), 'NULL')"
                "  FROM customer c JOIN shop s ON s.id = c.shop_id"
                "  LEFT JOIN orders o ON o.customer_id = c.id"
                "   AND o.status NOT IN ('cancelled', 'refunded')"
                " WHERE s.slug = 'alpha' AND c.email = '%s'" % email)
    return tuple(found[0])


def state():
    """Everything an order request may change, to check a refusal left it."""
    return (sql("SELECT id, reference, status, total_cents, currency, ordered_at, updated_at,"
                " shipping_name, billing_name FROM orders ORDER BY id"),
            sql("SELECT id, email, order_count, total_spent_cents, marketing_consent"
                " FROM customer ORDER BY id"),
            one("SELECT COUNT(*) FROM consent"))


def new_order(reference, email, total="10.00", **extra):
    payload = {"reference": reference, "email": email, "total": total, "currency": "EUR",
               "ordered_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
    payload.update(extra)
    return payload


class ApiOrders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clear_key_limits()
        cls.key = create_key("alpha", "Site alpha (orders)")
        cls.beta_key = create_key("beta", "Beta site (orders)")
        cls.alpha = shop_id("alpha")
        sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
VALUES (%(s)d, 'ord-known@alpha.test', 'Katia', 'Connue', 'active', 'admin'),
       (%(s)d, 'ord-busy@alpha.test', 'Bastien', 'Occupé', 'active', 'admin'),
       (%(s)d, 'ord-blocked@alpha.test', 'Blaise', 'Bloqué', 'blocked', 'admin');
""" % {"s": cls.alpha})
        web.STACK.admin("search-reindex")

    @classmethod
    def tearDownClass(cls):
        forget_customers("ord-%@alpha.test")

    def setUp(self):
        clear_key_limits()

    def assertJsonError(self, response, status, code, field=None):
        self.assertEqual(response.status, status, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        self.assertIsNotNone(response.json, response.body)
        self.assertEqual(response.json["error"], code, response.body)
        self.assertTrue(response.json["message"])
        if field is not None:
            self.assertEqual(response.json.get("field"), field, response.body)

    # --- create, retry, update, cancel, refund --------------------------------

    def test_an_order_fed_twice_is_counted_once(self):
        payload = new_order("ORD-TWICE", "ord-twice@alpha.test", "42.50")
        first = order(self.key, payload)
        self.assertEqual(first.status, 201, first.body)
        self.assertEqual(first.json["result"], "created")
        self.assertEqual(totals("ord-twice@alpha.test")[:2], ("1", "4250"))
        # the same order again, as a retry after a timeout (a new signature)
        again = order(self.key, payload)
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(again.json["result"], "unchanged")
        self.assertEqual(one("SELECT COUNT(*) FROM orders WHERE shop_id = %d"
                             " AND reference = 'ORD-TWICE'" % self.alpha), "1")
        self.assertEqual(totals("ord-twice@alpha.test")[:2], ("1", "4250"))
        self.assertEqual(totals("ord-twice@alpha.test"), truth("ord-twice@alpha.test"))

    def test_an_update_cancel_and_refund_keep_the_totals_right(self):
        email = "ord-life@alpha.test"
        self.assertEqual(order(self.key, new_order("ORD-L1", email, "10.00")).status, 201)
        self.assertEqual(order(self.key, new_order("ORD-L2", email, "30.00",
                                                   ordered_at="2026-11-25T09:00:00Z")).status, 201)
        self.assertEqual(totals(email), ("2", "4000", "2026-11-25 09:00:00"))
        update = order(self.key, {"action": "update", "reference": "ORD-L1", "total": "15.00",
                                  "status": "shipped", "updated_at": "2026-11-21T08:00:00Z"})
        self.assertEqual(update.json["result"], "updated", update.body)
        self.assertEqual(totals(email), ("2", "4500", "2026-11-25 09:00:00"))
        cancel = order(self.key, {"action": "cancel", "reference": "ORD-L2",
                                  "updated_at": "2026-11-26T08:00:00Z"})
        self.assertEqual(cancel.json["result"], "updated", cancel.body)
        self.assertEqual(one("SELECT status FROM orders WHERE reference = 'ORD-L2'"), "cancelled")
        self.assertEqual(totals(email), ("1", "1500", "2026-11-20 10:00:00"))
        refund = order(self.key, {"action": "refund", "reference": "ORD-L1",
                                  "updated_at": "2026-11-27T08:00:00Z"})
        self.assertEqual(refund.json["result"], "updated", refund.body)
        self.assertEqual(one("SELECT status FROM orders WHERE reference = 'ORD-L1'"), "refunded")
        self.assertEqual(totals(email), ("0", "0", "NULL"))
        # the refund sent again changes nothing
        again = order(self.key, {"action": "refund", "reference": "ORD-L1",
                                 "updated_at": "2026-11-27T08:00:00Z"})
        self.assertEqual(again.json["result"], "unchanged", again.body)

    def test_an_older_update_after_a_newer_one_changes_nothing(self):
        self.assertEqual(order(self.key, new_order("ORD-OLD", "ord-known@alpha.test")).status, 201)
        newer = order(self.key, {"action": "update", "reference": "ORD-OLD", "total": "20.00",
                                 "updated_at": "2026-11-22T12:00:00Z"})
        self.assertEqual(newer.json["result"], "updated", newer.body)
        older = order(self.key, {"action": "update", "reference": "ORD-OLD", "total": "12.00",
                                 "updated_at": "2026-11-21T12:00:00+01:00"})
        self.assertEqual(older.status, 200, older.body)
        self.assertEqual(older.json["result"], "stale")
        self.assertEqual(sql("SELECT total_cents, updated_at FROM orders"
                             " WHERE reference = 'ORD-OLD'"), [["2000", "2026-11-22 12:00:00"]])

    def test_an_update_of_an_unknown_order_is_refused(self):
        before = state()
        self.assertJsonError(order(self.key, {"action": "update", "reference": "ORD-NOPE",
                                              "total": "1.00"}), 404, "unknown_order", "reference")
        self.assertEqual(state(), before)

    def test_an_order_cannot_move_to_another_customer(self):
        self.assertEqual(order(self.key, new_order("ORD-MINE", "ord-known@alpha.test")).status, 201)
        before = state()
        response = order(self.key, new_order("ORD-MINE", "ord-busy@alpha.test"))
        self.assertJsonError(response, 409, "customer_mismatch", "email")
        self.assertEqual(state(), before)

    def test_an_order_created_meanwhile_for_another_customer_is_not_taken_over(self):
        """Two feeds create one reference for two customers at once. The one
        that waits for its customer's row finds the other's order there, and
        is refused as it would be one after the other."""
        busy = one("SELECT id FROM customer WHERE shop_id = %d"
                   " AND email = 'ord-busy@alpha.test'" % self.alpha)
        locker, watcher = Locker(), Watcher()
        try:
            locker.lock("customer", busy)
            late = InBackground(lambda: order(self.key, new_order(
                "ORD-RACE", "ord-busy@alpha.test", "99.00")))
            watcher.waiting("SELECT id, status FROM customer")
            first = order(self.key, new_order("ORD-RACE", "ord-known@alpha.test", "10.00"))
            self.assertEqual(first.status, 201, first.body)
        finally:
            locker.release()
            watcher.close()
        self.assertJsonError(late.answer(), 409, "customer_mismatch", "email")
        self.assertEqual(sql("SELECT c.email, o.total_cents FROM orders o"
                             " JOIN customer c ON c.id = o.customer_id"
                             " WHERE o.shop_id = %d AND o.reference = 'ORD-RACE'" % self.alpha),
                         [["ord-known@alpha.test", "1000"]])
        for email in ("ord-known@alpha.test", "ord-busy@alpha.test"):
            self.assertEqual(totals(email), truth(email))

    def test_a_long_address_in_any_alphabet_goes_through_a_status_update(self):
        """An address of 500 characters, half of them two bytes long: a
        status update keeps it whole, and the same update again changes
        nothing."""
        address = "a" * 250 + "é" * 250
        created = order(self.key, new_order("ORD-LONG", "ord-long@alpha.test",
                                            shipping={"name": "Élise Longue", "address": address}))
        self.assertEqual(created.status, 201, created.body)
        update = {"action": "update", "reference": "ORD-LONG", "status": "shipped",
                  "updated_at": "2026-11-21T10:00:00Z"}
        first = order(self.key, update)
        self.assertEqual((first.status, (first.json or {}).get("result")), (200, "updated"),
                         first.body)
        again = order(self.key, update)
        self.assertEqual((again.status, (again.json or {}).get("result")), (200, "unchanged"),
                         again.body)
        self.assertEqual(sql("SELECT status, shipping_address FROM orders WHERE shop_id = %d"
                             " AND reference = 'ORD-LONG'" % self.alpha), [["shipped", address]])

    # --- customers made by orders --------------------------------------------------

    def test_a_new_address_becomes_a_customer_without_marketing_consent(self):
        response = order(self.key, new_order("ORD-NEW1", "Ord-New@Alpha.test", "9.90",
                                             first_name="Nina", last_name="Nouvelle"))
        self.assertEqual(response.status, 201, response.body)
        self.assertTrue(response.json["customer_created"])
        self.assertEqual(sql("SELECT first_name, last_name, source, marketing_consent, order_count,"
                             " total_spent_cents FROM customer WHERE email = 'ord-new@alpha.test'"),
                         [["Nina", "Nouvelle", "order", "0", "1", "990"]])
        self.assertEqual(one("SELECT COUNT(*) FROM consent c JOIN customer u ON u.id = c.customer_id"
                             " WHERE u.email = 'ord-new@alpha.test'"), "0")
        # found by the list's search like any customer
        browser = web.Browser("alpha.test")
        browser.sign_in(*ALPHA_OWNER)
        self.assertIn("ord-new@alpha.test", browser.get("/admin/customers?q=Nouvelle").text())

    def test_consent_given_at_checkout_goes_to_the_ledger_with_its_wording(self):
        wording = "J’accepte de recevoir la lettre de la boutique."
        response = order(self.key, new_order("ORD-NEW2", "ord-consent@alpha.test",
                                             consent={"marketing": True, "wording": wording}))
        self.assertEqual(response.status, 201, response.body)
        self.assertEqual(one("SELECT marketing_consent FROM customer"
                             " WHERE email = 'ord-consent@alpha.test'"), "1")
        ledger = sql("SELECT c.purpose, c.granted, c.source, c.statement FROM consent c"
                     " JOIN customer u ON u.id = c.customer_id"
                     " WHERE u.email = 'ord-consent@alpha.test'")
        self.assertEqual(ledger, [["marketing", "1", "api", wording]])
        # a retry records nothing more
        order(self.key, new_order("ORD-NEW2", "ord-consent@alpha.test",
                                  consent={"marketing": True, "wording": wording}))
        self.assertEqual(one("SELECT COUNT(*) FROM consent c JOIN customer u ON u.id = c.customer_id"
                             " WHERE u.email = 'ord-consent@alpha.test'"), "1")

    def test_consent_without_its_wording_is_refused(self):
        before = state()
        response = order(self.key, new_order("ORD-NEW3", "ord-nowording@alpha.test",
                                             consent={"marketing": True}))
        self.assertJsonError(response, 400, "wrong_type", "consent")
        self.assertEqual(state(), before)

    def test_a_blocked_customers_order_is_refused(self):
        before = state()
        response = order(self.key, new_order("ORD-BLOCKED", "ord-blocked@alpha.test"))
        self.assertJsonError(response, 403, "customer_blocked", "email")
        self.assertEqual(state(), before)

    # --- the customer page ------------------------------------------------------

    def test_the_customer_page_shows_the_last_shipping_and_billing_used(self):
        email = "ord-ship@alpha.test"
        order(self.key, new_order("ORD-S1", email, ordered_at="2026-11-01T10:00:00Z",
                                  shipping={"name": "Ancien Nom", "address": "1 rue Vieille",
                                            "phone": "01 00 00 00 00"}))
        order(self.key, new_order("ORD-S2", email, ordered_at="2026-11-28T10:00:00Z",
                                  shipping={"name": "Sam Expédié", "address": "12 rue des Lilas, 75011 Paris",
                                            "phone": "+33 6 11 22 33 44"},
                                  billing={"name": "Société <Factures>", "address": "3 place du Marché",
                                           "phone": "01.23.45.67.89"}))
        customer_id = one("SELECT id FROM customer WHERE email = '%s'" % email)
        browser = web.Browser("alpha.test")
        browser.sign_in(*ALPHA_OWNER)
        page = browser.get("/admin/customers/%s" % customer_id)
        self.assertEqual(page.status, 200)
        text = page.text()
        # a phone the site sent with dots reads with spaces, as the customer's own
        for shown in ("Sam Expédié", "12 rue des Lilas, 75011 Paris", "+33 6 11 22 33 44",
                      "Société <Factures>", "3 place du Marché", "01 23 45 67 89"):
            self.assertIn(shown, text)
        self.assertNotIn("1 rue Vieille", text)
        self.assertIn("Société &lt;Factures&gt;", page.body)

    # --- bad input ------------------------------------------------------------------

    def test_an_order_is_in_the_shops_currency(self):
        """a shop in pounds: an order that names no currency is in pounds
        (it was in euros, and the customer's total in pounds added them);
        one in euros is refused, in the shop's language"""
        sql("UPDATE shop SET currency = 'GBP' WHERE slug = 'beta'")
        try:
            payload = new_order("GBP-1", "gbp@beta.test", "20.00")
            del payload["currency"]
            self.assertEqual(order(self.beta_key, payload, host=BETA_HOST).status, 201)
            self.assertEqual(sql("SELECT currency, total_cents FROM orders WHERE reference = 'GBP-1'"
                                 " AND shop_id = %d" % shop_id("beta")), [["GBP", "2000"]])
            answer = order(self.beta_key, new_order("GBP-2", "gbp@beta.test", "5.00"),
                           host=BETA_HOST)
            self.assertJsonError(answer, 400, "other_currency", "currency")
            self.assertIn("not in the shop's currency", answer.json["message"])
            self.assertEqual(sql("SELECT COUNT(*) FROM orders WHERE reference = 'GBP-2'"), [["0"]])
            self.assertEqual(order(self.beta_key, new_order("GBP-3", "gbp@beta.test", "5.00",
                                                            currency="GBP"),
                                   host=BETA_HOST).status, 201)
        finally:
            sql("UPDATE shop SET currency = 'EUR' WHERE slug = 'beta'")
        answer = order(self.key, new_order("EUR-USD", "ord-usd@alpha.test", currency="USD"))
        self.assertIn("pas dans la devise de la boutique", answer.json["message"])

    def test_bad_input_is_refused_clearly_and_changes_nothing(self):
        base = new_order("ORD-BAD", "ord-bad@alpha.test")
        cases = [
            ("{not json", 400, "malformed_json", None),
            ("[1, 2]", 400, "wrong_type", None),
            ('{"reference": "A", "reference": "B"}', 400, "malformed_json", None),
            (dict(base, total=12.5), 400, "wrong_type", "total"),
            (dict(base, total="-5.00"), 400, "negative_total", "total"),
            (dict(base, total="12.345"), 400, "invalid_field", "total"),
            (dict(base, total="abc"), 400, "invalid_field", "total"),
            (dict(base, currency="XYZ"), 400, "unknown_currency", "currency"),
            (dict(base, currency="eur"), 400, "unknown_currency", "currency"),
            # a known currency, not the shop's (EUR): the customer's totals
            # would add dollars to euros
            (dict(base, currency="USD"), 400, "other_currency", "currency"),
            (dict(base, ordered_at="yesterday"), 400, "invalid_field", "ordered_at"),
            (dict(base, ordered_at="2026-02-30T10:00:00Z"), 400, "invalid_field", "ordered_at"),
            (dict(base, email="not an address"), 400, "invalid_field", "email"),
            (dict(base, email=["a@b.c"]), 400, "wrong_type", "email"),
            (dict(base, reference=""), 400, "missing_field", "reference"),
            (dict(base, reference="x" * 65), 400, "invalid_field", "reference"),
            (dict(base, status="lost"), 400, "invalid_field", "status"),
            (dict(base, action="delete"), 400, "invalid_field", "action"),
            (dict(base, coupon="FREE"), 400, "unknown_field", "coupon"),
            (dict(base, shipping="12 rue"), 400, "wrong_type", "shipping"),
            (dict(base, shipping={"phone": "call me"}), 400, "invalid_field", "shipping"),
            ({k: v for k, v in base.items() if k != "total"}, 400, "missing_field", "total"),
        ]
        before = state()
        for payload, status, code, field in cases:
            with self.subTest(payload=payload):
                self.assertJsonError(order(self.key, payload), status, code, field)
        self.assertEqual(state(), before)

    def test_a_huge_body_is_refused(self):
        before = state()
        payload = json.dumps(new_order("ORD-HUGE", "ord-huge@alpha.test",
                                       first_name="x" * 200000))
        response = order(self.key, payload)
        self.assertEqual(response.status, 413, response.body)
        self.assertEqual(state(), before)

    def test_another_shops_key_or_a_bad_signature_changes_nothing(self):
        payload = new_order("ORD-SIGNED", "ord-known@alpha.test")
        before = state()
        self.assertJsonError(order(self.beta_key, payload), 403, "wrong_shop")
        self.assertJsonError(order(None, payload), 401, "missing_signature")
        self.assertJsonError(order((self.key[0], "f" * 64), payload), 401, "bad_signature")
        self.assertJsonError(order(self.key, payload, ts=1000000000), 401, "stale_timestamp")
        revoked = create_key("alpha", "Site alpha (revoked orders)")
        sql("UPDATE api_key SET revoked_at = NOW() WHERE public_id = '%s'" % revoked[0])
        self.assertJsonError(order(revoked, payload), 401, "revoked_key")
        # a body changed after signing
        signed = json.dumps(payload)
        tampered = call("POST", "/api/v1/orders", None, body=signed.replace("10.00", "1.00"),
                        content_type="application/json",
                        headers=keyauth.authorization(self.key[0], self.key[1], "POST",
                                                      "/api/v1/orders", body=signed))
        self.assertJsonError(tampered, 401, "bad_signature")
        self.assertEqual(state(), before)
        # beta's key on beta's host makes beta's order, never alpha's
        response = order(self.beta_key, new_order("ORD-SIGNED", "ord-known@alpha.test"),
                         host=BETA_HOST)
        self.assertEqual(response.status, 201, response.body)
        self.assertEqual(sql("SELECT s.slug FROM orders o JOIN shop s ON s.id = o.shop_id"
                             " WHERE o.reference = 'ORD-SIGNED'"), [["beta"]])
        self.assertEqual(totals("ord-known@alpha.test"), truth("ord-known@alpha.test"))

    def test_a_replayed_request_is_refused(self):
        payload = new_order("ORD-REPLAY", "ord-known@alpha.test")
        nonce = "cd" * 16
        self.assertEqual(order(self.key, payload, nonce=nonce).status, 201)
        before = state()
        self.assertJsonError(order(self.key, payload, nonce=nonce), 401, "replayed_nonce")
        self.assertEqual(state(), before)

    # --- concurrency --------------------------------------------------------------

    def test_totals_stay_right_under_concurrent_feeds(self):
        """Eight feeds at once: each sends its own orders for one busy
        customer and for one new address, every order twice, and updates
        and cancels some; the totals are the orders' own."""
        errors = []

        def feed(worker):
            try:
                for n in range(6):
                    reference = "ORD-C%d-%d" % (worker, n)
                    email = "ord-busy@alpha.test" if n % 2 else "ord-crowd@alpha.test"
                    payload = new_order(reference, email, "%d.%02d" % (worker + 1, n),
                                        ordered_at="2026-11-%02dT10:00:00Z" % (worker + n + 1))
                    for _ in range(2):
                        response = order(self.key, payload)
                        if response.status not in (200, 201):
                            errors.append(response.body)
                    if n == 2:
                        response = order(self.key, {"action": "cancel", "reference": reference,
                                                    "updated_at": "2026-11-29T00:00:00Z"})
                        if response.status != 200:
                            errors.append(response.body)
                    if n == 3:
                        response = order(self.key, {"action": "update", "reference": reference,
                                                    "total": "100.00",
                                                    "updated_at": "2026-11-29T00:00:00Z"})
                        if response.status != 200:
                            errors.append(response.body)
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(repr(error))

        threads = [threading.Thread(target=feed, args=(worker,)) for worker in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            # the program's log says why (a deadlock, a lost connection)
            logs = ""
            for path in glob.glob(os.path.join(web.STACK.log_dir, "*groups*")):
                # its lines other than the requests' own
                logs += "".join(line for line in open(path, errors="replace")
                                if " /api/v1/orders " not in line)[-3000:]
            self.fail("%s\n%s" % (errors, logs))
        self.assertEqual(one("SELECT COUNT(*) FROM orders WHERE reference LIKE 'ORD-C%'"), "48")
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE email = 'ord-crowd@alpha.test'"),
                         "1")
        for email in ("ord-busy@alpha.test", "ord-crowd@alpha.test"):
            self.assertEqual(totals(email), truth(email))
        # busy: odd n, 1 3 5 for each worker, n = 3 updated to 100.00
        expected = sum((w + 1) * 100 + 1 + 10000 + (w + 1) * 100 + 5 for w in range(8))
        self.assertEqual(totals("ord-busy@alpha.test")[:2], ("24", str(expected)))


if __name__ == "__main__":
    unittest.main()
