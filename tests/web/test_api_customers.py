"""GET /api/v1/customers?email=... (issue 16, point 6): the shop's own
site reads one customer to price and dress its pages: status (a blocked
customer is reported as blocked), groups with their discount and CSS
class, tags, tax exemption and VAT number. Signed with the shop's key
(keyauth.c), held to a rate per key, never another shop's customer; each
bad request is one JSON error and changes nothing."""

import unittest

from fixtures import BETA_HOST
from api_steps import (call, clear_key_limits, create_key, customer, forget_customers, one,
                       shop_id, sql)


class ApiCustomers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clear_key_limits()
        cls.key = create_key("alpha", "Site alpha (customers)")
        cls.beta_key = create_key("beta", "Beta site (customers)")
        alpha = shop_id("alpha")
        cls.alpha = alpha
        sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source, tax_exempt,
                      vat_number)
VALUES (%(s)d, 'api-pro@alpha.test', 'Paule', 'Pro', 'active', 'admin', 1, 'FR12345678901'),
       (%(s)d, 'api-blocked@alpha.test', 'Bruno', 'Bloqué', 'blocked', 'admin', 0, '');
INSERT INTO customer_group (shop_id, name, discount_bp, css_class)
VALUES (%(s)d, 'API Revendeurs', 1250, 'api-resellers'),
       (%(s)d, 'API Amis', 500, NULL);
INSERT INTO customer_group_member (shop_id, group_id, customer_id)
SELECT %(s)d, g.id, c.id FROM customer_group g, customer c
 WHERE g.shop_id = %(s)d AND g.name IN ('API Revendeurs', 'API Amis')
   AND c.shop_id = %(s)d AND c.email = 'api-pro@alpha.test';
INSERT INTO tag (shop_id, name)
VALUES (%(s)d, 'api-bio'), (%(s)d, 'api-marché'), (%(s)d, 'api-"vrac"\\\\bis');
INSERT INTO customer_tag (shop_id, tag_id, customer_id)
SELECT %(s)d, t.id, c.id FROM tag t, customer c
 WHERE t.shop_id = %(s)d AND t.name IN ('api-bio', 'api-marché', 'api-"vrac"\\\\bis')
   AND c.shop_id = %(s)d AND c.email = 'api-pro@alpha.test';
""" % {"s": alpha})

    @classmethod
    def tearDownClass(cls):
        sql("DELETE FROM customer_group WHERE shop_id = %d AND name LIKE 'API %%'" % cls.alpha)
        sql("DELETE FROM tag WHERE shop_id = %d AND name LIKE 'api-%%'" % cls.alpha)
        forget_customers("api-%@alpha.test")

    def setUp(self):
        clear_key_limits()

    def assertJsonError(self, response, status, code):
        self.assertEqual(response.status, status, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        self.assertIsNotNone(response.json, response.body)
        self.assertEqual(response.json["error"], code, response.body)
        self.assertTrue(response.json["message"])
        self.assertEqual(response.headers_named("Set-Cookie"), [])

    def test_a_customer_comes_with_groups_discounts_classes_tags_and_tax_exemption(self):
        response = customer(self.key, "api-pro@alpha.test")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Content-Type"), "application/json")
        body = response.json
        self.assertEqual(body["email"], "api-pro@alpha.test")
        self.assertEqual(body["status"], "active")
        self.assertFalse(body["blocked"])
        self.assertTrue(body["tax_exempt"])
        self.assertEqual(body["vat_number"], "FR12345678901")
        self.assertEqual(body["groups"], [
            {"name": "API Amis", "discount_percent": 5.0, "css_class": ""},
            {"name": "API Revendeurs", "discount_percent": 12.5, "css_class": "api-resellers"}])
        self.assertEqual(body["discount_percent"], 12.5)
        # in name order; a name's quotes and backslash come back as typed
        self.assertEqual(sorted(body["tags"]), ["api-\"vrac\"\\bis", "api-bio", "api-marché"])
        self.assertEqual([t for t in body["tags"] if "vrac" not in t], ["api-bio", "api-marché"])

    def test_the_address_is_found_whatever_its_letter_case(self):
        response = customer(self.key, "  API-Pro@Alpha.TEST ")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["email"], "api-pro@alpha.test")

    def test_a_blocked_customer_is_reported_as_blocked(self):
        response = customer(self.key, "api-blocked@alpha.test")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["status"], "blocked")
        self.assertTrue(response.json["blocked"])
        self.assertEqual(response.json["groups"], [])
        self.assertEqual(response.json["discount_percent"], 0)

    def test_an_unknown_address_is_a_json_404(self):
        self.assertJsonError(customer(self.key, "nobody-here@alpha.test"), 404,
                             "unknown_customer")

    def test_another_shops_key_never_sees_this_shops_customers(self):
        # beta's key on alpha's host: refused as another shop's key
        self.assertJsonError(customer(self.beta_key, "api-pro@alpha.test"), 403, "wrong_shop")
        # beta's key on beta's host: alpha's customer does not exist there
        response = customer(self.beta_key, "api-pro@alpha.test", host=BETA_HOST)
        self.assertJsonError(response, 404, "unknown_customer")
        self.assertNotIn("Pro", response.body)
        # and beta's own customer is seen by beta's key
        response = customer(self.beta_key, "gwen@beta.test", host=BETA_HOST)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json["last_name"], "Hughes")

    def test_a_missing_or_malformed_address_is_refused(self):
        self.assertJsonError(call("GET", "/api/v1/customers", self.key), 400, "bad_request")
        self.assertJsonError(customer(self.key, "not an address"), 400, "bad_request")
        self.assertJsonError(customer(self.key, "a" * 300 + "@alpha.test"), 400, "bad_request")

    def test_an_unsigned_wrong_old_or_replayed_request_is_refused(self):
        query = "email=api-pro%40alpha.test"
        self.assertJsonError(call("GET", "/api/v1/customers", None, query=query), 401,
                             "missing_signature")
        wrong = (self.key[0], "0" * 64)
        self.assertJsonError(customer(wrong, "api-pro@alpha.test"), 401, "bad_signature")
        self.assertJsonError(customer(self.key, "api-pro@alpha.test", ts=1000000000), 401,
                             "stale_timestamp")
        nonce = "ab" * 16
        self.assertEqual(customer(self.key, "api-pro@alpha.test", nonce=nonce).status, 200)
        self.assertJsonError(customer(self.key, "api-pro@alpha.test", nonce=nonce), 401,
                             "replayed_nonce")

    def test_a_revoked_key_is_refused(self):
        key = create_key("alpha", "Site alpha (revoked)")
        self.assertEqual(customer(key, "api-pro@alpha.test").status, 200)
        sql("UPDATE api_key SET revoked_at = NOW() WHERE public_id = '%s'" % key[0])
        self.assertJsonError(customer(key, "api-pro@alpha.test"), 401, "revoked_key")

    def test_a_key_over_its_rate_is_refused_and_another_key_is_not(self):
        key = create_key("alpha", "Site alpha (rate)")
        other = create_key("alpha", "Site alpha (other)")
        self.assertEqual(customer(key, "api-pro@alpha.test").status, 200)
        # the minute's last request (Limits.ApiRequests, 1200 by default)
        # is answered, the next one is not
        sql("UPDATE rate_limit SET hits = 1199 WHERE bucket = 'api-key'"
            " AND key_hash = UNHEX(SHA2('%s', 256))" % key[0])
        self.assertEqual(customer(key, "api-pro@alpha.test").status, 200)
        response = customer(key, "api-pro@alpha.test")
        self.assertJsonError(response, 429, "rate_limited")
        self.assertEqual(response.header("Retry-After"), "60")
        self.assertEqual(customer(other, "api-pro@alpha.test").status, 200)

    def test_a_read_changes_nothing_but_the_keys_last_use(self):
        before = sql("SELECT status, updated_at, order_count FROM customer"
                     " WHERE email = 'api-pro@alpha.test'")
        events = one("SELECT COUNT(*) FROM event WHERE shop_id = %d" % self.alpha)
        self.assertEqual(customer(self.key, "api-pro@alpha.test").status, 200)
        self.assertEqual(sql("SELECT status, updated_at, order_count FROM customer"
                             " WHERE email = 'api-pro@alpha.test'"), before)
        self.assertEqual(one("SELECT COUNT(*) FROM event WHERE shop_id = %d" % self.alpha),
                         events)
        self.assertEqual(one("SELECT last_used_at IS NOT NULL FROM api_key"
                             " WHERE public_id = '%s'" % self.key[0]), "1")


if __name__ == "__main__":
    unittest.main()
