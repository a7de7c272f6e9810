"""The change of address (issue 15, point 8) and what it tells: "this
address is another customer's" says whether an address is a customer of
the shop, so those answers count against the page's limit (five an hour)
like the mails it sends, and past it nothing more is told. Found by the
review of issue 15."""

import re
import time
import unittest

from fixtures import ALPHA_HOST
import signup_steps as steps
import web

SIGNED_IN = "probe.espace@alpha.test"
TAKEN = ["probe.pris%d@alpha.test" % n for n in range(8)]


def setUpModule():
    statements = []
    for email in [SIGNED_IN] + TAKEN:
        statements.append(
            "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
            " SELECT id, '%s', 'Revue', 'Client', 'active', 'admin' FROM shop"
            " WHERE slug = 'alpha';" % email)
    web.STACK.sql("\n".join(statements))


def tearDownModule():
    """The shop's customers as they were: later files count alpha's
    customers (test_customer_list reads 200 of them in one page)."""
    steps.clear_limits()
    web.STACK.sql("DELETE c FROM customer c JOIN shop s ON s.id = c.shop_id"
                  " WHERE s.slug = 'alpha' AND c.email IN (%s)"
                  % ", ".join("'%s'" % email for email in [SIGNED_IN] + TAKEN))


def exact_mails_to(address):
    return [m for m in web.STACK.messages() if address == m["To"].addresses[0].addr_spec]


def sign_in(email):
    """A browser signed in as email by the mailed link, as a person does."""
    steps.clear_limits()
    browser = web.Browser(ALPHA_HOST)
    before = len(exact_mails_to(email))
    page = browser.submit("/account/login", "/account/login", {"email": email})
    assert page.status == 200, page.status
    deadline = time.time() + 20
    while len(exact_mails_to(email)) <= before and time.time() < deadline:
        time.sleep(0.1)
    text = steps.text_part(exact_mails_to(email)[-1])
    token = re.search(r"/account/login/confirm\?token=([0-9a-f]{64})", text).group(1)
    confirm = browser.get("/account/login/confirm?token=" + token)
    answer = browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
    assert answer.status == 303, answer.status
    return browser


class AddressChangeProbes(unittest.TestCase):
    def test_probing_other_customers_addresses_is_rate_limited(self):
        """The page answers another customer's address as any other (a
        mail goes to it) and allows five such mails an hour: past them it
        answers nothing more, whatever the address."""
        browser = sign_in(SIGNED_IN)
        statuses = []
        for address in TAKEN:
            answer = browser.submit("/account/profile", "/account/email",
                                    {"new_email": address})
            statuses.append(answer.status)
        answered = [s for s in statuses if s != 429]
        self.assertLessEqual(len(answered), 5, statuses)


if __name__ == "__main__":
    unittest.main()
