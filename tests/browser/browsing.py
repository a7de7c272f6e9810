"""What the browser tests share: the stack and the browser tests/browser/run
started, addresses on the stack, mail as the SMTP server received it, and a
test case that opens tabs and fails when a page it visited logged an
error."""

import hashlib
import json
import os
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


def axe_source():
    """axe-core's axe.min.js, at the version and SHA-256 scripts/setup.sh
    pins (install_axe fetches it; FIDELE_AXE says where, else the cache it
    uses by default). A missing or different file fails the test that
    asked, with what to run."""
    setup = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                         "setup.sh")
    with open(setup) as f:
        text = f.read()
    version = re.search(r"^FIDELE_AXE_VERSION=(\S+)$", text, re.M).group(1)
    pinned = re.search(r"^FIDELE_AXE_SHA256=([0-9a-f]{64})$", text, re.M).group(1)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    path = os.environ.get("FIDELE_AXE") or os.path.join(
        cache, "fidele", "axe-core-" + version, "node_modules", "axe-core", "axe.min.js")
    if not os.path.exists(path):
        raise AssertionError("no axe-core at %s: run `. scripts/setup.sh; install_axe`" % path)
    with open(path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != pinned:
        raise AssertionError("%s is not axe-core %s as scripts/setup.sh pins it" % (path, version))
    return data.decode("utf-8")


# The rules the public pages must pass: WCAG 2.1 levels A and AA, and
# axe's best practices (landmarks, one h1, headings in order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = (390, 844)
DESKTOP = (1280, 900)


class BrowserTest(unittest.TestCase):
    """Opens tabs with tab(); after the test, fails if any page they showed
    logged a console error, an uncaught exception or a refused load."""

    # look(): the screenshots' names start with it ("export-"), and
    # whether axe-core judges each page looked at
    shot_prefix = ""
    look_accessible = False

    def setUp(self):
        self.tabs = []
        STACK.sql("DELETE FROM rate_limit")
        # FIDELE_SHOTS keeps them after the stack's folder is gone
        self.shots = os.environ.get("FIDELE_SHOTS") or os.path.join(STACK.var, "shots")
        os.makedirs(self.shots, exist_ok=True)

    def look(self, tab, name, at=None):
        """Saves the page the tab shows at a desktop's and a phone's width
        (shot_prefix + name + "-1280.png", "-390.png"), scrolled to the
        element the selector at names; fails if it scrolls sideways, and
        with look_accessible if axe-core finds a violation (under nginx, as
        check_public_page). Back at desktop size."""
        for width, height in (DESKTOP, PHONE):
            tab.set_viewport(width, height, mobile=width < 600)
            if at is not None:
                tab.evaluate("document.querySelector(%s).scrollIntoView()" % json.dumps(at))
            tab.screenshot(os.path.join(self.shots, "%s%s-%d.png"
                                        % (self.shot_prefix, name, width)))
            self.assertLessEqual(tab.evaluate("document.documentElement.scrollWidth"), width,
                                 "the %s page scrolls sideways at %d px" % (name, width))
            if self.look_accessible and os.environ.get("FIDELE_WEB_SERVER", "nginx") == "nginx":
                self.assert_accessible(tab, "%s at %d px wide" % (name, width))
        tab.set_viewport(*DESKTOP)

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
            tab.release()
        self.assertEqual(errors, [], "pages logged errors")

    def assert_accessible(self, tab, what=""):
        """Runs axe-core on the page the tab shows; fails with every
        violation: its rule, its impact, what it asks and where."""
        if not tab.evaluate("typeof axe !== 'undefined'"):
            tab.evaluate(axe_source() + ";true")
        found = tab.evaluate("axe.run(document, {runOnly: {type: 'tag', values: %s},"
                             " resultTypes: ['violations']})"
                             ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
                             " help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
                             % json.dumps(AXE_TAGS))
        if found:
            self.fail("axe-core violations on %s %s:\n%s" % (
                tab.url(), what, "\n".join("%(id)s (%(impact)s): %(help)s at %(nodes)s" % v
                                           for v in found)))

    def check_public_page(self, address=None, status=200, tab=None):
        """The one call for a public page: loads address (a URL from url())
        in a tab (a new one unless given; no address: the page the tab
        shows, such as the answer to a form), expects status, and runs
        axe-core on it on a desktop screen and on a phone, where nothing
        may scroll sideways either. Returns the tab, back at desktop
        size. axe runs under nginx only: it judges the page's HTML, the
        programs' bytes, the same under every web server (and it was a
        third of the browser suite's time); the status and the sideways
        check run under each."""
        tab = tab or self.tab()
        if address is not None:
            self.assertEqual(tab.goto(address), status, address)
        for width, height in (DESKTOP, PHONE):
            tab.set_viewport(width, height, mobile=width < 600)
            if os.environ.get("FIDELE_WEB_SERVER", "nginx") == "nginx":
                self.assert_accessible(tab, "at %d px wide" % width)
            self.assertLessEqual(tab.evaluate("document.documentElement.scrollWidth"), width,
                                 "%s scrolls sideways at %d px" % (tab.url(), width))
        tab.set_viewport(*DESKTOP)
        # a page answered with an error status logs it; that is its answer
        if status >= 400:
            tab.take_errors()
        return tab

    def sign_in_admin(self, host, email, password):
        """A tab of its own where this admin signed in with the form."""
        tab = self.tab()
        tab.goto(url(host, "/admin/login"))
        tab.fill("#email", email)
        tab.fill("#password", password)
        tab.click_and_wait("form[action='/admin/login'] button[type=submit]")
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/customers", tab.text())
        return tab
