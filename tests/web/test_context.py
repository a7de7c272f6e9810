"""Services without a request (issue 11, point 3): the base of a shop's
mailed links, its tokens and its rate limits come from the shop context,
so the CLI, the worker and the pages mail the same links and run the same
token and limit functions.

- A page request of a shop without a public URL, found by its Host, mails
  links to that host; the CLI (and the worker: tests/helpers/
  context-services, a program with a shop context and no request) to
  https:// and the first host the shop answers on; with a public URL, all
  of them to it.
- A shop with neither gets a clear error from the CLI (exit code 1, what to
  run) and nothing is written.
- Tokens and rate limits called with a context made for the worker behave
  as the sign-in pages rely on (found, single use, five wrong codes...)."""

import os
import re
import subprocess
import unittest

import web
from test_account import drain_outbox, wait_for_mail, mails_to, text_part

HOST = "context.test"
OWNER = ("owner@context.test", "context-owner-password")
LONE_OWNER = "owner@lonely.test"


def helper(*args, check=True):
    program = os.path.join(web.STACK.builddir, "tests", "helpers", "context-services")
    if not os.path.exists(program):
        raise AssertionError("build the helper first: make tests/helpers/context-services")
    result = subprocess.run([program] + list(args), env=web.STACK.env(), capture_output=True,
                            text=True)
    if check and result.returncode != 0:
        raise AssertionError("context-services %s failed: %s" % (" ".join(args), result.stderr))
    return result


def shop_count(table, slug):
    return web.STACK.sql("SELECT COUNT(*) FROM %s t JOIN shop s ON s.id = t.shop_id"
                         " WHERE s.slug = '%s'" % (table, slug))[0][0]


def setUpModule():
    web.STACK.admin("shop", "add", "--slug", "context", "--name", "Context Shop", "--language", "en")
    web.STACK.admin("shop", "host", "add", "--shop", "context", "--host", HOST)
    web.STACK.admin("admin", "add", "--shop", "context", "--email", OWNER[0], "--role", "owner",
                    input=OWNER[1] + "\n")
    web.STACK.admin("shop", "add", "--slug", "lonely", "--name", "Lonely Shop")
    web.STACK.admin("admin", "add", "--shop", "lonely", "--email", LONE_OWNER,
                    input="lonely-owner-password\n")


def reset_link(message):
    return re.search(r"(https?://[^/\s]+)/admin/login/reset\?token=([0-9a-f]{64})",
                     text_part(message)).groups()


class MailedLinks(unittest.TestCase):
    def setUp(self):
        web.STACK.sql("DELETE FROM rate_limit")
        web.STACK.sql("UPDATE shop SET public_url = NULL WHERE slug = 'context'")

    def page_mail(self, host):
        """The reset link the forgotten-password page mails, asked through host."""
        drain_outbox()
        before = len(mails_to(OWNER[0]))
        page = web.Browser(host).submit("/admin/login/forgot", "/admin/login/forgot",
                                        {"email": OWNER[0]})
        self.assertEqual(page.status, 200)
        return reset_link(wait_for_mail(OWNER[0], before + 1)[-1])

    def cli_mail(self):
        drain_outbox()
        before = len(mails_to(OWNER[0]))
        web.STACK.admin("login-link", "--shop", "context", "--email", OWNER[0], "--send")
        return reset_link(wait_for_mail(OWNER[0], before + 1)[-1])

    def test_a_page_found_by_host_mails_links_to_that_host_and_its_port(self):
        host = "%s:%d" % (HOST, web.STACK.port)
        base, token = self.page_mail(host)
        self.assertEqual(base, "http://" + host)
        # the link works: it is this shop's token
        browser = web.Browser(host)
        self.assertEqual(browser.get("/admin/login/reset?token=" + token).status, 200)

    def test_the_cli_and_the_worker_mail_links_to_the_first_host_over_https(self):
        base, token = self.cli_mail()
        self.assertEqual(base, "https://" + HOST)
        self.assertEqual(web.Browser(HOST).get("/admin/login/reset?token=" + token).status, 200)
        self.assertEqual(helper("link-base", "context").stdout.strip(), "https://" + HOST)

    def test_a_public_url_is_every_callers_link_base(self):
        web.STACK.admin("shop", "set-url", "--shop", "context", "--url",
                        "https://clients.context.example/")
        self.assertEqual(self.page_mail(HOST)[0], "https://clients.context.example")
        self.assertEqual(self.cli_mail()[0], "https://clients.context.example")
        self.assertEqual(helper("link-base", "context").stdout.strip(),
                         "https://clients.context.example")


class ShopWithoutAddress(unittest.TestCase):
    """A shop with no public URL and no host: nobody can say where its links
    should point, and the CLI says so before writing anything."""

    def test_cli_send_fails_with_what_to_run_and_writes_nothing(self):
        tokens, mails = shop_count("login_token", "lonely"), shop_count("outbox", "lonely")
        for args in ((), ("--send",)):
            result = web.STACK.admin("login-link", "--shop", "lonely", "--email", LONE_OWNER, *args,
                                     check=False)
            self.assertEqual(result.returncode, 1, args)
            self.assertIn("shop lonely has no host nor URL for mailed links", result.stderr)
            self.assertIn("fidele-admin shop set-url", result.stderr)
            self.assertEqual(result.stdout, "")
        self.assertEqual(shop_count("login_token", "lonely"), tokens)
        self.assertEqual(shop_count("outbox", "lonely"), mails)

    def test_the_worker_gets_the_same_answer(self):
        result = helper("link-base", "lonely", check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("shop lonely has no host nor URL for mailed links", result.stderr)


class ServicesWithoutRequest(unittest.TestCase):
    def test_tokens_from_a_worker_context_are_found_checked_and_used_once(self):
        lines = dict(line.split(": ") for line in
                     helper("tokens", "context", OWNER[0]).stdout.splitlines())
        self.assertEqual(lines, {
            "by link": "1", "same admin": "1", "as another purpose": "0", "by handle": "1",
            "wrong code": "0", "right code": "1", "used": "1", "used again": "0",
            "by link after use": "0"})

    def test_rate_limits_from_a_worker_context_count_as_a_pages_do(self):
        key = "context-%d" % os.getpid()
        self.assertEqual(helper("limits", "context", key).stdout.split("\n")[:4],
                         ["after 0: 0", "after 1: 0", "after 2: 1", "after 3: 1"])
        self.assertEqual(web.STACK.sql("SELECT SUM(hits) FROM rate_limit"
                                       " WHERE bucket = 'context-services'"), [["3"]])


if __name__ == "__main__":
    unittest.main()
