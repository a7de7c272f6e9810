"""A real browser for the tests: Debian's chromium, headless, driven through
the DevTools protocol over a pipe (--remote-debugging-pipe: the browser reads
commands on its fd 3 and writes answers and events on its fd 4, JSON
messages ended by a NUL byte), with nothing but Python's standard library.

    with Chromium(hosts=["alpha.test"]) as chromium:
        tab = chromium.new_tab()              # a tab in a fresh profile
        tab.goto("http://alpha.test:8080/admin/login")
        tab.fill("input[name=email]", "owner@alpha.test")
        tab.click_and_wait("form[action='/admin/login'] button[type=submit]")
        tab.url(), tab.status, tab.text(), tab.errors

Every wait has a timeout, and the browser (its whole process group) is
killed when the `with` block ends, the test run ends or the process is
signalled. Each new_tab() may open its own browser context: cookies and
storage are then its own, as on another device.
"""

import atexit
import base64
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 30.0


class BrowserError(Exception):
    pass


class Chromium:
    def __init__(self, hosts=(), timeout=TIMEOUT, binary=CHROMIUM):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="fidele-chromium-")
        self.next_id = 0
        self.answers = {}               # command id -> message
        self.sessions = {}              # session id -> Tab
        # tabs given back (Tab.release) to serve as the next new_tab(): a
        # new tab in a new context costs its renderer 2 to 3 s of CPU on the
        # CI's machine, a page loaded in a running one 0.1 s
        self.spare = []
        self.shared = set()             # contexts a test changed beyond a reset
        self.lock = threading.Condition()
        self.closed = False
        commands_read, self.commands = os.pipe()
        self.events, events_write = os.pipe()
        rules = ", ".join("MAP %s 127.0.0.1" % host for host in hosts)
        argv = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-default-browser-check", "--no-proxy-server",
                "--disable-features=HttpsUpgrades,Translate,MediaRouter",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile]
        if rules:
            argv.append("--host-resolver-rules=" + rules)

        def pipes_to_3_and_4():
            # in the child: move the pipe ends out of the way, then onto 3 and
            # 4, and close everything else the test runner had open
            read_end = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(events_write, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
            os.closerange(5, 4096)

        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        self.process = subprocess.Popen(argv + ["about:blank"], stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=pipes_to_3_and_4, close_fds=False,
                                        start_new_session=True)
        os.close(commands_read)
        os.close(events_write)
        atexit.register(self.close)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.version = self.send("Browser.getVersion")["product"]   # it answers

    # --- the pipe -------------------------------------------------------------
    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self.events, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                self._dispatch(json.loads(raw))
        with self.lock:
            self.closed = True
            self.lock.notify_all()

    def _dispatch(self, message):
        with self.lock:
            if "id" in message:
                self.answers[message["id"]] = message
            else:
                tab = self.sessions.get(message.get("sessionId"))
                if tab is not None:
                    tab._event(message["method"], message.get("params", {}))
            self.lock.notify_all()

    def send(self, method, params=None, session=None, timeout=None):
        """Sends one command and returns its result; raises BrowserError on an
        error answer or when no answer comes in time."""
        with self.lock:
            self.next_id += 1
            number = self.next_id
        if method in UNRECYCLABLE and params and params.get("browserContextId"):
            self.shared.add(params["browserContextId"])
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.commands, data):]
        except OSError as error:
            raise BrowserError("%s: the browser is gone (%s)" % (method, error))
        answer = self.wait(lambda: self.answers.pop(number, None), method, timeout)
        if "error" in answer:
            raise BrowserError("%s: %s" % (method, answer["error"].get("message")))
        return answer.get("result", {})

    def wait(self, check, what, timeout=None):
        """Waits until check() (called under the lock) returns something true."""
        deadline = time.time() + (timeout or self.timeout)
        with self.lock:
            while True:
                value = check()
                if value:
                    return value
                if self.closed:
                    raise BrowserError("the browser went away while waiting for " + what)
                left = deadline - time.time()
                if left <= 0:
                    raise BrowserError("timed out waiting for " + what)
                self.lock.wait(min(left, 0.5))

    # --- tabs -----------------------------------------------------------------
    def new_tab(self, own_context=True):
        """A new tab; with own_context it shares no cookies with other tabs
        (another device, or a private window). A tab given back with
        release() serves again as one: its context's cookies and cache
        emptied, its history and screen size forgotten."""
        if own_context and self.spare:
            return self.spare.pop()
        context = None
        if own_context:
            context = self.send("Target.createBrowserContext")["browserContextId"]
        tab = self._open(context)
        tab.context = context
        return tab

    def new_tab_beside(self, tab):
        """A new tab in the same context as tab: same cookies, same device."""
        info = self.send("Target.getTargetInfo", {"targetId": tab.target})["targetInfo"]
        # two tabs of one context: neither serves again as a device of its own
        self.shared.add(info["browserContextId"])
        return self._open(info["browserContextId"])

    def _open(self, context):
        params = {"url": "about:blank"}
        if context:
            params["browserContextId"] = context
        target = self.send("Target.createTarget", params)["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, target, session)
        with self.lock:
            self.sessions[session] = tab
        for domain in ("Page", "Runtime", "Log", "Network"):
            tab.send(domain + ".enable")
        return tab

    # --- the end --------------------------------------------------------------
    def close(self):
        if self.process is None:
            return
        try:
            if self.process.poll() is None and not self.closed:
                self.send("Browser.close", timeout=5)
        except BrowserError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        # the browser's helpers (renderers, zygote) share its process group
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None
        for fd in (self.commands, self.events):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# commands after which a tab is not handed out again as a fresh device
UNRECYCLABLE = ("Emulation.setScriptExecutionDisabled", "Browser.setDownloadBehavior")


class Tab:
    """One page target. status is the HTTP status of the last document
    loaded; errors collects console errors, uncaught exceptions and the
    browser's own error log entries (CSP refusals, failed loads)."""

    def __init__(self, browser, target, session):
        self.browser = browser
        self.target = target
        self.session = session
        self.loads = 0
        self.status = None
        self.errors = []
        self.frame = None
        self.context = None             # the context it opened, when its own

    def _event(self, method, params):
        # called by the reader thread, under the browser's lock
        if method == "Page.loadEventFired":
            self.loads += 1
        elif method == "Page.frameNavigated" and not params["frame"].get("parentId"):
            self.frame = params["frame"]["id"]
        elif method == "Network.responseReceived" and params.get("type") == "Document":
            self.status = params["response"]["status"]
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            self.errors.append("console.%s: %s" % (params["type"], " ".join(
                str(arg.get("value", arg.get("description", ""))) for arg in params["args"])))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append("exception: %s" % details.get("exception", {}).get(
                "description", details.get("text")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.errors.append("%s: %s (%s)" % (entry["source"], entry["text"], entry.get("url", "")))

    def send(self, method, params=None, timeout=None):
        if method in UNRECYCLABLE and self.context:
            self.browser.shared.add(self.context)
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def release(self):
        """Done with the tab: it serves the next new_tab() when it is the only
        tab of its own context and nothing beyond a reset changed it (no
        script turned off, no download folder set, no tab beside it), as a
        fresh device would: no cookie, nothing cached, no history behind the
        page it shows (left there: its renderer then serves the next test's
        pages, where about:blank would start another), desktop size, no
        errors. Closed otherwise."""
        if self.context is None or self.context in self.browser.shared or self.browser.closed:
            self.close()
            return
        try:
            self.browser.send("Storage.clearCookies", {"browserContextId": self.context})
            self.send("Network.clearBrowserCache")
            self.send("Page.resetNavigationHistory")
            self.send("Emulation.clearDeviceMetricsOverride")
        except BrowserError:
            self.close()
            return
        with self.browser.lock:
            self.status = None
            self.errors = []
        self.browser.spare.append(self)

    def _after_load(self, action, what):
        """Runs action, then waits for the next load of the page."""
        with self.browser.lock:
            before = self.loads
        action()
        self.browser.wait(lambda: self.loads > before, what)

    def goto(self, url):
        """Loads url and waits for its load event; returns the HTTP status."""
        def navigate():
            answer = self.send("Page.navigate", {"url": url})
            if answer.get("errorText"):
                raise BrowserError("%s: %s" % (url, answer["errorText"]))
        self._after_load(navigate, "the load of " + url)
        return self.status

    def back(self):
        """The browser's Back button: loads the previous history entry and
        waits for it; returns the HTTP status. (history.back() run as a
        script races the navigation it starts: the script's own answer can
        come back as "target navigated".)"""
        def navigate():
            history = self.send("Page.getNavigationHistory")
            entry = history["entries"][history["currentIndex"] - 1]
            self.send("Page.navigateToHistoryEntry", {"entryId": entry["id"]})
        self._after_load(navigate, "the page before")
        return self.status

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (awaited)."""
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in answer:
            raise BrowserError("script failed: %s\n%s" % (
                answer["exceptionDetails"].get("exception", {}).get("description"), expression))
        return answer["result"].get("value")

    def exists(self, selector):
        return self.evaluate("document.querySelector(%s) !== null" % json.dumps(selector))

    def _center(self, selector):
        box = self.evaluate("""(() => {
            const e = document.querySelector(%s);
            if (!e) return null;
            e.scrollIntoView({block: 'center'});
            const r = e.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height};
        })()""" % json.dumps(selector))
        if box is None:
            raise BrowserError("nothing on %s matches %s" % (self.url(), selector))
        if box["w"] == 0 or box["h"] == 0:
            raise BrowserError("%s is not visible on %s" % (selector, self.url()))
        return box

    def click(self, selector):
        """Clicks the middle of the element as a mouse would."""
        box = self._center(selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"],
                                                   "button": "left", "clickCount": 1})

    def click_and_wait(self, selector):
        """Clicks (a link, a submit button) and waits for the page it loads."""
        self._after_load(lambda: self.click(selector), "the page after clicking " + selector)
        return self.status

    def fill(self, selector, text):
        """Empties a field and types text into it."""
        self.click(selector)
        self.evaluate("(() => { const e = document.querySelector(%s); e.value = ''; e.focus(); })()"
                      % json.dumps(selector))
        self.send("Input.insertText", {"text": text})

    def choose(self, selector, value):
        """Picks the option of a <select> whose value is value."""
        self.evaluate("""(() => {
            const e = document.querySelector(%s);
            e.value = %s;
            if (e.value !== %s) throw new Error('no option ' + %s);
            e.dispatchEvent(new Event('change', {bubbles: true}));
        })()""" % (json.dumps(selector), json.dumps(value), json.dumps(value), json.dumps(value)))

    def url(self):
        return self.evaluate("location.href")

    def path(self):
        return self.evaluate("location.pathname + location.search")

    def text(self):
        """The visible text of the page."""
        return self.evaluate("document.body ? document.body.innerText : ''")

    def set_viewport(self, width, height, mobile=False):
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def take_errors(self):
        """The errors collected so far; starts a new list."""
        with self.browser.lock:
            errors, self.errors = self.errors, []
        return errors

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=5)
        with self.browser.lock:
            self.browser.sessions.pop(self.session, None)
