"""What the browser tests share: the stack and the browser tests/browser/run
started, addresses on the stack, mail as the SMTP server received it, and a
test case that opens tabs and fails when a page it visited logged an
error."""

import re
import time
import unittest

STACK = None       # set by tests/browser/run
CHROMIUM = None    # set by tests/browser/run


def url(host, path):
    """The address of path on a shop, as a person's browser would use it."""
    return "http://%s:%d%s" % (host, STACK.port, path)


def mails_to(address):
    return [m for m in STACK.messages() if address in m["To"]]


def drain_outbox(timeout=20):
    """Waits until the worker has sent what is queued, so that counting mails
    before a request is not fooled by an earlier one."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if STACK.sql("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')"
                     " AND next_attempt_at <= NOW()") == [["0"]]:
            return
        time.sleep(0.05)


def wait_for_mail(address, count, timeout=20):
    """The count-th mail to address (waits for it)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = mails_to(address)
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.1)
    raise AssertionError("no mail number %d to %s after %ss" % (count, address, timeout))


def mail_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_path(message, path):
    """The path and query of the link to path in a mail (the host in the
    mail is the one the request came on)."""
    match = re.search(r"https?://[^/\s]+(%s\?token=[0-9a-f]{64})" % re.escape(path),
                      mail_text(message))
    assert match, "no %s link in the mail:\n%s" % (path, mail_text(message))
    return match.group(1)


def mail_code(message):
    match = re.search(r"\b(\d{6})\b", mail_text(message))
    assert match, "no code in the mail"
    return match.group(1)


class BrowserTest(unittest.TestCase):
    """Opens tabs with tab(); after the test, fails if any page they showed
    logged a console error, an uncaught exception or a refused load."""

    def setUp(self):
        self.tabs = []
        STACK.sql("DELETE FROM rate_limit")

    def tab(self):
        """A tab in a browser context of its own: a device of its own."""
        tab = CHROMIUM.new_tab()
        self.tabs.append(tab)
        return tab

    def tab_beside(self, other):
        """Another tab of the same browser as other (same cookies)."""
        tab = CHROMIUM.new_tab_beside(other)
        self.tabs.append(tab)
        return tab

    def tearDown(self):
        errors = []
        for tab in self.tabs:
            errors += tab.take_errors()
            tab.close()
        self.assertEqual(errors, [], "pages logged errors")

    def sign_in_admin(self, host, email, password):
        """A tab of its own where this admin signed in with the form."""
        tab = self.tab()
        tab.goto(url(host, "/admin/login"))
        tab.fill("#email", email)
        tab.fill("#password", password)
        tab.click_and_wait("form[action='/admin/login'] button[type=submit]")
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/customers", tab.text())
        return tab
