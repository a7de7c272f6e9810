"""A small browser for the web tests: cookies, forms with their CSRF token,
redirects left for the test to see. Talks to the nginx of the running
stack, naming the shop through the Host header."""

import html
import http.client
import re
import time
import urllib.parse  # noqa: F401 (tests use web.urllib.parse)

STACK = None   # set by tests/web/run before the tests load


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def csrf(self):
        match = re.search(r'name="csrf" value="([0-9a-f]+)"', self.body)
        return match.group(1) if match else None

    def text(self):
        """The page's visible text, tags removed, spaces collapsed (a line
        break opportunity, <wbr>, is no space)."""
        no_tags = re.sub(r"<[^>]+>", " ", self.body.replace("<wbr>", ""))
        return re.sub(r"\s+", " ", html.unescape(no_tags)).strip()

    def listed_emails(self):
        """The e-mail addresses of a customer list's rows, in order: the
        list's own table or the table of the columns an admin chose, both
        letting an address break before its "@" (<wbr>)."""
        return [html.unescape(a.replace("<wbr>", "")) for a in re.findall(
            r'<td(?: data-label="[^"]*" class="email")?>([^<@]+(?:<wbr>@[^<]+)?)</td>',
            self.body) if "@" in a]


class Browser:
    def __init__(self, host, port=None, source=None):
        self.host = host
        self.port = port or STACK.port
        self.cookies = {}
        # another loopback address (127.0.0.2 ...) to talk from: nginx then
        # passes it as REMOTE_ADDR, as it would a distant client's
        self.source = source

    def request(self, method, path, form=None, headers=None, body=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30,
            source_address=(self.source, 0) if self.source else None)
        all_headers = {"Host": self.host}
        if self.cookies:
            all_headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        raw = connection.getresponse()
        response = Response(raw.status, raw.getheaders(),
                            raw.read().decode("utf-8", errors="replace"))
        connection.close()
        for line in response.headers_named("Set-Cookie"):
            name, _, rest = line.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in line:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs):
        return self.request("POST", path, form=form, **kwargs)

    def submit(self, form_path, action, fields, **kwargs):
        """GETs the page with the form, then POSTs fields with its token."""
        page = self.get(form_path)
        token = page.csrf()
        assert token, "no CSRF token on " + form_path
        return self.post(action, dict(fields, csrf=token), **kwargs)

    def page_url(self, path, number):
        """The URL of page `number` of a list, reached from path by its "next"
        links as a person would (page links carry where the last page ended)."""
        page = self.get(path)
        for _ in range(number - 1):
            link = re.search(r'rel="next" href="([^"]+)"', page.body)
            if not link:
                break
            path = html.unescape(link.group(1))
            page = self.get(path)
        return path

    def sign_in(self, email, password):
        return self.submit("/admin/login", "/admin/login",
                           {"email": email, "password": password})


def run_cgi(program, method, path, host, query="", cookies=None, form=None, extra_env=None):
    """Runs a program as plain CGI (no web server, no FastCGI), as Apache's
    mod_cgi would. Returns a Response built from its output."""
    import os
    import subprocess
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FIDELE_CONFIG": STACK.config,
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": path,
        "QUERY_STRING": query,
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
    }
    if cookies:
        env["HTTP_COOKIE"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    if form is not None:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(body))
    env.update(STACK.env_sanitizer())
    env.update(extra_env or {})
    result = subprocess.run([STACK.program(program)], input=body, env=env,
                            capture_output=True, timeout=60)
    head, _, content = result.stdout.partition(b"\r\n\r\n")
    headers = []
    status = 0
    for line in head.decode("utf-8", errors="replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        headers.append((name.strip(), value.strip()))
    response = Response(status, headers, content.decode("utf-8", errors="replace"))
    response.returncode = result.returncode
    response.stderr = result.stderr.decode("utf-8", errors="replace")
    return response


def prepared_statements(response, program):
    """The statements a program run with FIDELE_LOG_DEBUG=1 prepared, as its
    log names them: "prepare" alone (kept for the next request) or "prepare
    and execute" (plain CGI: one round trip, kept for nothing)."""
    return re.findall(r"^%s: debug: db: prepare(?: and execute)?: (.*)$" % program,
                      response.stderr, re.M)


def wait_until(check, bound, pause=0.1):
    """Polls check until it is true or bound seconds passed (a liveness
    bound, not a measure). Returns check's last answer."""
    deadline = time.time() + bound
    while time.time() < deadline:
        if check():
            return True
        time.sleep(pause)
    return check()
