"""Closed choices (the bulk form's action and scope, the customer page's
all=, the list's filters and order) are checked once, at the door, and read
as their index: a value that is not offered gets a 400 with a clear message
in the shop's language and changes nothing; one that is offered does what
it names."""

import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import web

CHOICE = {"fr": "Cette valeur ne fait pas partie des choix proposés.",
          "en": "This value is not one of the choices offered."}
NO_ACTION = {"fr": "Choisissez une action dans la liste avant de continuer.",
             "en": "Choose an action from the list before continuing."}


def status_of(customer_id):
    return web.STACK.sql("SELECT status FROM customer WHERE id = %s" % customer_id)[0][0]


class Choices(unittest.TestCase):
    def setUp(self):
        self.alpha = web.Browser(ALPHA_HOST)
        self.assertEqual(self.alpha.sign_in(*ALPHA_OWNER).status, 303)
        self.beta = web.Browser(BETA_HOST)
        self.assertEqual(self.beta.sign_in(*BETA_OWNER).status, 303)
        Choices.counter = getattr(Choices, "counter", 0) + 1
        self.shops = (("fr", self.alpha, self.new_customer(self.alpha, "alpha")),
                      ("en", self.beta, self.new_customer(self.beta, "beta")))

    def new_customer(self, browser, shop):
        answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                {"email": "fields%d@%s.test" % (Choices.counter, shop)})
        self.assertEqual(answer.status, 303)
        return answer.header("Location").rsplit("/", 1)[1]

    def bulk(self, browser, fields):
        token = browser.get("/admin/customers").csrf()
        body = "&".join("%s=%s" % (k, web.urllib.parse.quote(v)) for k, v in fields)
        return browser.request("POST", "/admin/customers/bulk", body=body + "&csrf=" + token,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_bulk_action_not_offered_is_refused_in_the_shops_language(self):
        for lang, browser, customer_id in self.shops:
            before = status_of(customer_id)
            for action in ("explode", "Block", "deactivated", "delete;"):
                page = self.bulk(browser, [("action", action), ("scope", "ticked"),
                                           ("id", customer_id), ("confirm", "1")])
                self.assertEqual(page.status, 400, (lang, action))
                self.assertIn(CHOICE[lang], page.text(), (lang, action))
            self.assertEqual(status_of(customer_id), before)

    def test_bulk_scope_not_offered_is_refused(self):
        for lang, browser, customer_id in self.shops:
            page = self.bulk(browser, [("action", "deactivate"), ("scope", "some"),
                                       ("id", customer_id), ("confirm", "1")])
            self.assertEqual(page.status, 400, lang)
            self.assertIn(CHOICE[lang], page.text(), lang)
            self.assertEqual(status_of(customer_id), "invited")

    def test_bulk_without_an_action_asks_for_one(self):
        for lang, browser, customer_id in self.shops:
            page = self.bulk(browser, [("action", ""), ("id", customer_id)])
            self.assertEqual(page.status, 400, lang)
            self.assertIn(NO_ACTION[lang], page.text(), lang)

    def test_bulk_action_offered_is_the_one_done(self):
        """The action read as an index names the same action on the
        confirmation, in both shops' words, and the scope's default is the
        ticked rows."""
        for lang, browser, customer_id, words, mark in (
                ("fr", self.alpha, self.shops[0][2], "Marquer inactifs 1 client ?", " client\u00a0?<"),
                ("en", self.beta, self.shops[1][2], "Mark inactive 1 customer?", " customer?<")):
            page = self.bulk(browser, [("action", "deactivate"), ("id", customer_id)])
            self.assertEqual(page.status, 200, lang)
            self.assertIn(words, page.text(), lang)
            self.assertIn(mark, page.body, lang)  # French's no-break space, English's none
            self.assertIn('name="scope" value="ticked"', page.body)
            self.assertEqual(status_of(customer_id), "invited")
            done = self.bulk(browser, [("action", "deactivate"), ("id", customer_id),
                                       ("confirm", "1")])
            self.assertEqual(done.status, 200, lang)
            self.assertEqual(status_of(customer_id), "inactive", lang)
            self.bulk(browser, [("action", "reactivate"), ("id", customer_id), ("confirm", "1")])
            self.assertEqual(status_of(customer_id), "invited", lang)

    def test_customer_page_part_not_offered_is_refused(self):
        for lang, browser, customer_id in self.shops:
            path = "/admin/customers/%s" % customer_id
            for value in ("bogus", "ORDERS", "order"):
                page = browser.get(path + "?all=" + value)
                self.assertEqual(page.status, 400, (lang, value))
                self.assertIn(CHOICE[lang], page.text(), (lang, value))
            self.assertEqual(browser.get(path + "?all=notes").status, 200)
            self.assertEqual(browser.get(path + "?all=").status, 200)

    def test_list_filter_or_order_not_offered_is_refused(self):
        for lang, browser, _ in self.shops:
            for query in ("status=bogus", "status=Active", "source=shop", "consent=maybe",
                          "sort=phone", "dir=up", "size=7", "size=500"):
                page = browser.get("/admin/customers?" + query)
                self.assertEqual(page.status, 400, (lang, query))
                self.assertIn(CHOICE[lang], page.text(), (lang, query))

    def test_list_choices_offered_are_read(self):
        """Each choice is read as the filter it names: the inactive customer
        is found among the inactive ones, not among the blocked ones."""
        query = "/admin/customers?q=zzinactive&sort=email&dir=desc&size=25&status="
        page = self.alpha.get(query + "inactive")
        self.assertEqual(page.status, 200)
        self.assertIn("dormant@alpha.test", page.text())
        page = self.alpha.get(query + "blocked")
        self.assertEqual(page.status, 200)
        self.assertNotIn("dormant@alpha.test", page.text())


if __name__ == "__main__":
    unittest.main()
