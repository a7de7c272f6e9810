"""Every page renders as valid HTML (tidy finds no errors)."""

import subprocess
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


# tidy 5.6 (Debian 12) predates these valid HTML attributes
KNOWN_TO_TIDY = ('proprietary attribute "aria-current"', 'proprietary attribute "inputmode"')


class Html(unittest.TestCase):
    def test_pages_are_valid_html(self):
        browser = web.Browser(ALPHA_HOST)
        pages = {"login": browser.get("/admin/login").body}
        pages["login refused"] = browser.sign_in(ALPHA_OWNER[0], "wrong-password").body
        browser.sign_in(*ALPHA_OWNER)
        pages["list"] = browser.get("/admin/customers").body
        pages["search"] = browser.get("/admin/customers?q=xss").body
        pages["empty search"] = browser.get("/admin/customers?q=zzzz").body
        pages["404"] = browser.get("/admin/nope").body
        pages["400"] = browser.get("/admin/customers?page=x").body
        customer = web.Browser(ALPHA_HOST)
        pages["account sign-in"] = customer.get("/account/login").body
        pages["link sent"] = customer.submit("/account/login", "/account/login",
                                             {"email": "someone@alpha.test"}).body
        pages["link expired"] = customer.get("/account/login/confirm?token=" + "a" * 64).body
        pages["forgot"] = customer.get("/admin/login/forgot").body
        web.STACK.sql("DELETE FROM rate_limit")
        for name, body in pages.items():
            result = subprocess.run(["tidy", "-q", "-e"], input=body.encode(), capture_output=True)
            problems = [line for line in result.stderr.decode().splitlines()
                        if line.strip() and not any(known in line for known in KNOWN_TO_TIDY)]
            self.assertLess(result.returncode, 2, "%s: %s" % (name, result.stderr.decode()))
            self.assertEqual(problems, [], name)
