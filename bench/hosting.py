"""1,000 shops on one server (issue 17, point 5). One install (the stack of
tests/lib/stack.py: MariaDB, nginx, the programs' pools, the worker, an SMTP
server) with --shops shops of --customers customers each (fidele-admin
seed-demo: multi-row inserts, the search index filled), every shop with a
host name, an owner and an API key, made with fidele-admin as a provider
would (the owners share one password: its scrypt hash is copied, it would
be the longest step); the pools have the shipped units' default of
processes per program (nginx-conf/fidele@.service: FIDELE_PROCESSES=4),
MariaDB the buffer pool the README's sizing asks for. Before the measures
the first owner signs in through the form, the others get a session as the
form makes one (1,000 password hashes, one at a time, would take minutes).
Then, in order:

  1. each program's memory (VmRSS of /proc/PID/status; Pss and Anonymous
     of smaps_rollup) idle after start, no request served yet;
  2. each program's cold start as plain CGI (the binary run once per
     request, as Apache's mod_cgid does), N times: median and p95 wall time,
     against /bin/true started the same way (the floor);
  3. the customer list's p95 for a random shop: sequential signed-in
     requests for the first page, each for another shop picked at random;
  4. --minutes of mixed traffic over random shops (--mixed-clients clients:
     sign-in pages, the list, searches, customer pages, an edit, link
     requests that queue mail, the groups, import, export and signup pages,
     a small export, the storefront API), memory sampled each minute, then
     memory again after --idle seconds without traffic;
  5. --minutes at saturation (--clients clients, the same mix) with memory
     sampled each minute; MariaDB stopped and started at a fifth of it,
     the SMTP server stopped at two fifths for two minutes (a fifth of the
     time, if shorter). No request may fail once the database is back;
     every mail queued during the run must reach the SMTP server, once
     (the worker is given --drain seconds after the traffic; its retry
     delay grows to a minute at most, Mail.RetryMaxSeconds = 60).
  6. a summary of the figures, then "problems: none" or what went wrong
     (the exit status is 1 then).

    bench/hosting  (or: python3 bench/hosting.py [--shops N] [--customers N]
                    [--minutes M] [--keep] ...)

--keep keeps the data (build/bench-hosting-var) and the owners' sessions
for the next run with --keep, which only seeds the shops that are missing
(--seed-only seeds and stops).

Reading the figures: RSS counts the shared libraries' pages in each copy,
Pss shares them out, Anon is the copy's own heap. A 409 of the small export
is the shop's one export at a time (the clients share each owner's
session); a 429 of a link request, an address asked for too often. The
clients (Python threads) run on the same machine as the server and take
their share of it: the load average printed says how busy it was.
"""

import argparse
import collections
import html.parser
import importlib.util
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack, wait_for, web_programs  # noqa: E402


def bench_module(name):
    """bench/<name>.py, whose name is no Python identifier."""
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"),
                                                  os.path.join(ROOT, "bench", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


API = bench_module("api-1m")        # signed(): a request signed with a shop's key
p95, uptime = API.p95, API.uptime

PASSWORD = "hosting-bench-owner-password"
PROCESSES = 4           # nginx-conf/fidele@.service's FIDELE_PROCESSES
# the searches an admin types (names the seed gives)
SEARCHES = ["martin", "elodie", "dubois", "smith", "sophie", "wright", "lea", "vincent",
            "mar", "julien martin"]
MIB = 1024.0


def slug(n):
    return "shop%04d" % n


def host(n):
    return "shop%04d.hosting.test" % n


def owner(n):
    return "owner@shop%04d.hosting.test" % n


# --- seeding ------------------------------------------------------------------

def seed_shop(stack, n, customers, spent):
    """One shop through the provider's CLI, as a provider makes one; returns
    its API key (id, secret). spent: seconds per command, added to."""
    def admin(what, *args, **kwargs):
        started = time.time()
        result = stack.admin(*args, **kwargs)
        spent[what] += time.time() - started
        return result

    admin("shop add", "shop", "add", "--slug", slug(n), "--name", "Boutique %d" % n,
          "--language", "fr" if n % 3 else "en")
    admin("shop host add", "shop", "host", "add", "--shop", slug(n), "--host", host(n))
    if n == 0:
        admin("admin add (scrypt)", "admin", "add", "--shop", slug(n), "--email", owner(n),
              input=PASSWORD + "\n")
    else:
        # the same password as the first shop's owner: its hash, copied
        # (an scrypt hash costs a third of a second; admin add only
        # inserts the row)
        # (read apart: an INSERT ... SELECT from admin itself, two seeding
        # jobs at a time, deadlocked on the table's auto-increment lock)
        password_hash = stack.sql("SELECT password_hash FROM admin WHERE email = '%s'"
                                  % owner(0))[0][0].replace("'", "''")
        stack.sql("INSERT INTO admin (shop_id, email, name, role, password_hash)"
                  " SELECT s.id, '%s', '', 'owner', '%s' FROM shop s WHERE s.slug = '%s'"
                  % (owner(n), password_hash, slug(n)))
    admin("seed-demo", "seed-demo", "--shop", slug(n), "--customers", str(customers))
    created = admin("api-key create", "api-key", "create", "--shop", slug(n), "--name",
                    "storefront")
    values = dict(line.split(": ", 1) for line in created.stdout.splitlines() if ": " in line)
    return values["key"], values["secret"]


def wait_for_status(stack, variable, below, what):
    """Waits up to 5 minutes for a server status variable to fall below
    a bound, and says how long it took; goes on either way (it is a
    measure's quiet start, not a condition)."""
    def value():
        return int(stack.sql("SELECT variable_value FROM information_schema.global_status"
                             " WHERE variable_name = '%s'" % variable)[0][0])
    first, started = value(), time.time()
    try:
        wait_for(lambda: value() < below, what, 300)
        print("  %s: %s %d, under %d after %.0f s" % (what, variable.lower(), first, below,
                                                      time.time() - started))
    except RuntimeError:
        print("  %s: %s %d, still %d after 5 minutes; measuring anyway" % (
            what, variable.lower(), first, value()))


def seed(stack, shops, customers, jobs):
    """The shops not there yet, jobs at a time; their keys kept in
    api-keys.json beside the data. Returns {shop number: key}."""
    keys_file = os.path.join(stack.var, "api-keys.json")
    keys = {}
    if os.path.exists(keys_file):
        with open(keys_file) as f:
            keys = {int(n): tuple(key) for n, key in json.load(f).items()}
    # a shop whose seeding an earlier run did not finish: made again
    existing = {row[0] for row in stack.sql("SELECT slug FROM shop")}
    stale = ["'%s'" % slug(n) for n in range(shops) if slug(n) in existing and n not in keys]
    if stale:
        stack.sql("DELETE FROM shop WHERE slug IN (%s)" % ",".join(stale))
    missing = [n for n in range(shops) if n not in keys]
    started = time.time()
    lock = threading.Lock()
    queue = list(missing)
    problems = []
    spent = collections.defaultdict(float)

    def work():
        while True:
            with lock:
                if not queue or problems:
                    return
                n = queue.pop(0)
            try:
                key = seed_shop(stack, n, customers, spent)
            except Exception as e:      # noqa: BLE001 (said once, the rest stops)
                problems.append(e)
                return
            with lock:
                keys[n] = key
                done = sum(1 for m in missing if m in keys)
                if done % 50 == 0:
                    with open(keys_file, "w") as f:
                        json.dump(keys, f)
                    print("  seeded %d of %d shops in %.0f s" % (done, len(missing),
                                                                 time.time() - started))
                    sys.stdout.flush()

    if 0 in queue:     # the owner whose password hash the others copy
        queue.remove(0)
        keys[0] = seed_shop(stack, 0, customers, spent)
    threads = [threading.Thread(target=work) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(keys_file, "w") as f:
        json.dump(keys, f)
    if problems:
        raise problems[0]
    if missing:
        print("seeded %d shops x %d customers in %.0f s (%d at a time); per command,"
              " summed over the shops: %s" % (
                  len(missing), customers, time.time() - started, jobs,
                  ", ".join("%s %.0f s" % kv for kv in spent.items())))
        started = time.time()
        stack.sql("ANALYZE TABLE customer, customer_search")
        # measure the steady state, not the server writing the seed's pages
        stack.sql("SET GLOBAL innodb_max_dirty_pages_pct = 0")
        wait_for_status(stack, "INNODB_BUFFER_POOL_PAGES_DIRTY", 100, "the seed's pages")
        stack.sql("SET GLOBAL innodb_max_dirty_pages_pct = 90")
        # and its undo purged: the full run's cold starts, taken right
        # after the seed, cost the programs a third more CPU than the
        # small run's (the history length printed says whether the purge
        # was still going on)
        wait_for_status(stack, "INNODB_HISTORY_LIST_LENGTH", 1000, "the seed's undo purged")
        print("analyzed and flushed in %.0f s" % (time.time() - started))
    return keys


class Shop:
    def __init__(self, n, key):
        self.n, self.host, self.key = n, host(n), key
        self.customers = []         # (id, e-mail) of active customers
        self.admin = None           # a signed-in web.Browser
        self.lock = threading.Lock()


def load_shops(stack, shops, keys, sample):
    """The shops with a sample of their active customers."""
    found = {}
    ids = dict((row[1], int(row[0])) for row in stack.sql(
        "SELECT id, slug FROM shop WHERE slug LIKE 'shop%'"))
    for n in range(shops):
        found[ids[slug(n)]] = Shop(n, keys[n])
    for shop_id, customer_id, email in stack.sql(
            "SELECT shop_id, id, email FROM (SELECT shop_id, id, email, ROW_NUMBER() OVER"
            " (PARTITION BY shop_id ORDER BY id) AS number FROM customer"
            " WHERE status = 'active' AND email IS NOT NULL AND erased_at IS NULL) AS c"
            " WHERE number <= %d" % sample):
        if int(shop_id) in found:
            found[int(shop_id)].customers.append((int(customer_id), email))
    return [found[key] for key in sorted(found, key=lambda k: found[k].n)]


# --- memory ---------------------------------------------------------------------

def memory_of(pid):
    """(VmRSS, Pss, Anonymous) in KiB: Pss shares each page among the
    processes that map it (the libraries), Anonymous is the copy's own
    (its heap); None when smaps_rollup is not readable."""
    rss = pss = anon = None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Anonymous:"):
                    anon = int(line.split()[1])
    except OSError:
        pass
    return rss, pss, anon


def programs(stack):
    """The web programs, the worker, and its SMTP client (running only while
    there is mail to send: nan when it was not)."""
    return [name + ".fcgi" for name in web_programs(stack.builddir)] + ["fidele-worker",
                                                                       "fidele-mailer"]


def memory(stack):
    """{program: [(pid, rss, pss)]} of every program's running copies."""
    return {name: [(pid,) + memory_of(pid) for pid in stack.program_pids(name)]
            for name in programs(stack)}


def largest(sample, name, field):
    values = [copy[field] for copy in sample[name] if copy[field] is not None]
    return max(values) / MIB if values else float("nan")


def print_memory(stack, samples, target=True):
    """samples: [(label, memory())]: the largest copy's RSS and Pss of each
    program at each sample; the growth of its RSS from the first sample to
    the second (with target: the warm-up, from idle to the first minute of
    traffic), and from the second to the last."""
    print("%-16s %6s" % ("program", "copies") + "".join(
        " %18s" % label[:18] for label, _ in samples) + "   growth of RSS, MiB")
    print("%-16s %6s" % ("", "") + " %18s" % "RSS/Pss/Anon MiB" * len(samples)
          + "   %s, then" % ("warm-up" if target else "1st"))
    for name in programs(stack):
        rss = [largest(s, name, 1) for _, s in samples]
        cells = "".join(" %6.1f/%5.1f/%5.1f" % tuple(largest(s, name, field)
                                                     for field in (1, 2, 3))
                        for _, s in samples)
        print("%-16s %6d%s   %+5.1f, %+5.1f%s" % (
            name, len(samples[-1][1][name]), cells, rss[1] - rss[0], rss[-1] - rss[1],
            "   <- target: <= 8 MiB idle, then no growth"
            if target and name == programs(stack)[0] else ""))
    print("%-23s" % "all copies, Pss summed" + "".join(
        " %18.1f" % (sum(copy[2] or 0 for copies in sample.values() for copy in copies) / MIB)
        for _, sample in samples))


def pids_of(sample):
    return {name: sorted(copy[0] for copy in copies) for name, copies in sample.items()}


# --- pages ----------------------------------------------------------------------

class FormReader(html.parser.HTMLParser):
    """The fields a browser would send for the form posting to action:
    inputs with their values, checked boxes, each select's chosen option."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self.select, self.first_option, self.textarea = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside or not a.get("name") and tag != "option":
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.fields.append((self.select, a.get("value", "")))
                self.select = None
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            self.fields.append((self.select, self.first_option or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def form_fields(body, action):
    reader = FormReader(action)
    reader.feed(body)
    return reader.fields


class Traffic:
    """Clients that each pick an action and a shop at random, again and
    again; every request's start, end, kind and status are kept."""

    # (weight, action): one visit, one or a few requests
    def __init__(self, stack, shops, seed_value):
        self.stack, self.shops = stack, shops
        self.records = []           # (started, ended, kind, status)
        self.resigned = 0
        self.rng = random.Random(seed_value)
        self.mix = [(8, self.admin_login_page), (4, self.account_login_page),
                    (6, self.link_request), (20, self.list_page), (15, self.search),
                    (15, self.customer_page), (5, self.edit), (4, self.groups_page),
                    (6, self.api_read), (3, self.import_page), (3, self.export_page),
                    (2, self.export_small), (3, self.signup_page), (2, self.admin_signup)]

    def record(self, kind, call):
        started = time.time()
        try:
            answer = call()
            status = answer.status
        except Exception as e:      # noqa: BLE001 (a refused or cut connection is a result)
            answer, status = None, "%s" % type(e).__name__
        self.records.append((started, time.time(), kind, status))
        return answer

    def signed_in(self, shop):
        """The shop's owner, signed in (once, or again when the session
        ended)."""
        with shop.lock:
            if shop.admin is None:
                browser = web.Browser(shop.host)
                answer = self.record("admin sign-in POST",
                                     lambda: browser.sign_in(owner(shop.n), PASSWORD))
                if answer is None or answer.status != 303:
                    return browser
                shop.admin = browser
            return shop.admin

    def sign_in(self, shop):
        """The owner signed in through the form: one password hash at a
        time for an unknown browser (503 while the installation's slot is
        taken)."""
        for _ in range(20):
            if self.signed_in(shop) is shop.admin:
                return
            time.sleep(1)

    def sign_in_all(self, path):
        """Every shop's owner signed in, untimed: the first through the
        form; the others get a session as the form makes one (a random id,
        its SHA-256 in the session table), if the list takes it, else
        through the form too (minutes for 1,000 shops). The sessions are
        kept in path for a later run."""
        saved = {}
        if os.path.exists(path):
            with open(path) as f:
                saved = {int(n): cookies for n, cookies in json.load(f).items()}
        started, minted = time.time(), 0
        for shop in self.shops:
            if shop.n in saved and shop.admin is None:
                shop.admin = web.Browser(shop.host)
                shop.admin.cookies = dict(saved[shop.n])
        fresh = [shop for shop in self.shops if shop.admin is None]
        if fresh:
            self.sign_in(fresh[0])
        if fresh[1:]:
            tokens = {shop.n: os.urandom(32).hex() for shop in fresh[1:]}
            self.stack.sql(
                "INSERT INTO session (id_hash, shop_id, admin_id, expires_at, ip)"
                " SELECT UNHEX(SHA2(UNHEX(t.token), 256)), s.id, a.id,"
                " NOW() + INTERVAL 12 HOUR, '127.0.0.1' FROM (%s) t"
                " JOIN shop s ON s.slug = t.slug JOIN admin a ON a.shop_id = s.id"
                " AND a.email = t.email" % " UNION ALL ".join(
                    "SELECT '%s' AS slug, '%s' AS email, '%s' AS token"
                    % (slug(shop.n), owner(shop.n), tokens[shop.n]) for shop in fresh[1:]))
            browsers = {shop.n: web.Browser(shop.host) for shop in fresh[1:]}
            for shop in fresh[1:]:
                browsers[shop.n].cookies = {"fidele_session": tokens[shop.n]}
            if browsers[fresh[-1].n].get("/admin/customers").status == 200:
                for shop in fresh[1:]:
                    shop.admin = browsers[shop.n]
                    minted += 1
        for shop in fresh:
            if shop.admin is None:
                self.sign_in(shop)
        with open(path, "w") as f:
            json.dump({shop.n: shop.admin.cookies for shop in self.shops if shop.admin}, f)
        print("owners signed in, in %.1f s: %d through the form, %d with a session made as the"
              " form makes one, %d kept from an earlier run" % (
                  time.time() - started, len(fresh) - minted, minted,
                  len(self.shops) - len(fresh)))

    def admin_get(self, kind, shop, path):
        browser = self.signed_in(shop)
        answer = self.record(kind, lambda: browser.get(path))
        if answer is not None and answer.status == 303 and \
                "/admin/login" in (answer.header("Location") or ""):
            with shop.lock:
                if shop.admin is browser:
                    shop.admin = None
                    self.resigned += 1
        return answer

    def customer(self, shop, rng):
        return rng.choice(shop.customers)

    def admin_login_page(self, shop, rng):
        self.record("sign-in page", lambda: web.Browser(shop.host).get("/admin/login"))

    def account_login_page(self, shop, rng):
        self.record("customer sign-in page",
                    lambda: web.Browser(shop.host).get("/account/login"))

    def link_request(self, shop, rng):
        # from one of many addresses: customers are many people (the limit
        # of link requests per address holds per address)
        browser = web.Browser(shop.host, source="127.0.%d.%d" % (rng.randint(1, 200),
                                                                  rng.randint(1, 250)))
        page = self.record("customer sign-in page", lambda: browser.get("/account/login"))
        if page is not None and page.csrf():
            email = self.customer(shop, rng)[1]
            self.record("link request POST (mail)", lambda: browser.post(
                "/account/login", {"email": email, "csrf": page.csrf()}))

    def list_page(self, shop, rng):
        self.admin_get("list", shop, "/admin/customers")

    def search(self, shop, rng):
        self.admin_get("search", shop, "/admin/customers?q=" + urllib.parse.quote_plus(
            rng.choice(SEARCHES)))

    def customer_page(self, shop, rng):
        self.admin_get("customer page", shop, "/admin/customers/%d" % self.customer(shop, rng)[0])

    def edit(self, shop, rng):
        path = "/admin/customers/%d/edit" % self.customer(shop, rng)[0]
        page = self.admin_get("edit form", shop, path)
        if page is None or page.status != 200:
            return
        fields = dict(form_fields(page.body, path))
        fields["phone"] = "06 %02d %02d %02d %02d" % tuple(rng.randint(0, 99) for _ in range(4))
        browser = self.signed_in(shop)
        self.record("edit POST", lambda: browser.post(path, fields))

    def groups_page(self, shop, rng):
        self.admin_get("groups page", shop, "/admin/groups")

    def api_read(self, shop, rng):
        email = self.customer(shop, rng)[1]
        self.record("API customer read", lambda: API.signed(
            web.Browser(shop.host), shop.key, "GET", "/api/v1/customers",
            urllib.parse.urlencode({"email": email}))[1])

    def import_page(self, shop, rng):
        self.admin_get("import page", shop, "/admin/import")

    def export_page(self, shop, rng):
        self.admin_get("export page", shop, "/admin/export")

    def export_small(self, shop, rng):
        view = {"q": rng.choice(SEARCHES[:6])}
        page = self.admin_get("export page", shop, "/admin/export?" + urllib.parse.urlencode(view))
        if page is None or not page.csrf():
            return
        browser = self.signed_in(shop)
        self.record("small export POST (CSV)", lambda: browser.post(
            "/admin/export/download", dict(view, columns="first_name,last_name,email,phone",
                                           format="csv", csrf=page.csrf())))

    def signup_page(self, shop, rng):
        self.record("signup page", lambda: web.Browser(shop.host).get("/account/signup"))

    def admin_signup(self, shop, rng):
        self.admin_get("signup settings page", shop, "/admin/signup")

    def visit(self, rng):
        shop = rng.choice(self.shops)
        pick = rng.uniform(0, sum(weight for weight, _ in self.mix))
        for weight, action in self.mix:
            pick -= weight
            if pick <= 0:
                break
        action(shop, rng)

    def run(self, clients, seconds, events=()):
        """clients threads for seconds; events: [(at second, function)] run
        from this thread meanwhile. Returns {event name: (start, end)}."""
        stop = threading.Event()
        seeds = [self.rng.random() for _ in range(clients)]

        def client(number):
            rng = random.Random(seeds[number])
            while not stop.is_set():
                self.visit(rng)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        started = time.time()
        for thread in threads:
            thread.start()
        times = {}
        for at, name, function in sorted(events, key=lambda e: e[0]):
            time.sleep(max(0.0, started + at - time.time()))
            begun = time.time()
            function()
            times[name] = (begun, time.time())
            print("  %5.0f s  %s (%.1f s)" % (begun - started, name, times[name][1] - begun))
            sys.stdout.flush()
        time.sleep(max(0.0, started + seconds - time.time()))
        stop.set()
        for thread in threads:
            thread.join(60)
        return times


def failed(status):
    return not isinstance(status, int) or status >= 500


def print_requests(records, seconds):
    """Per kind: count, p50, p95, max, the statuses."""
    kinds = collections.defaultdict(list)
    for started, ended, kind, status in records:
        kinds[kind].append(((ended - started) * 1000, status))
    print("%-26s %7s %8s %8s %8s  %s" % ("request", "count", "p50 ms", "p95 ms", "max ms",
                                         "statuses"))
    for kind in sorted(kinds):
        times = sorted(t for t, _ in kinds[kind])
        statuses = collections.Counter(s for _, s in kinds[kind])
        print("%-26s %7d %8.1f %8.1f %8.1f  %s" % (
            kind, len(times), times[len(times) // 2], p95(times), times[-1],
            " ".join("%s:%d" % (s, c) for s, c in sorted(statuses.items(), key=str))))
    print("%-26s %7d   (%.0f requests/s)" % ("all", len(records), len(records) / seconds))


# --- the measures ---------------------------------------------------------------

# each web program's page for the cold start: (program, path, signed in)
CGI_PAGES = [("login", "/admin/login", False), ("customers", "/admin/customers", True),
             ("groups", "/admin/groups", True), ("import", "/admin/import", True),
             ("export", "/admin/export", True), ("signup", "/account/signup", False)]


def cold_starts(stack, shop, runs):  # -> {program: (p50, p95, CPU)}
    """Each web program run as plain CGI runs times for a page it serves
    (web.run_cgi: the environment Apache's mod_cgid gives it)."""
    def timed(call):
        """Sorted wall times in ms, and the median CPU time of the child."""
        times, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                       * 1000)
        return sorted(times), statistics.median(cpu)

    floor, cpu = timed(lambda: subprocess.run(["/bin/true"], env={"PATH": "/usr/bin:/bin"}))
    print("%-34s %8s %8s %8s %8s" % ("program as plain CGI (%d runs)" % runs, "p50 ms", "p95 ms",
                                     "max ms", "CPU ms"))
    print("%-34s %8.2f %8.2f %8.2f %8.2f" % ("(floor: /bin/true, started alike)",
                                            floor[len(floor) // 2], p95(floor), floor[-1], cpu))
    cookies = shop.admin.cookies if shop.admin else None
    found = {}
    for name, path, signed in CGI_PAGES:
        if name not in web_programs(stack.builddir):
            continue
        answer = web.run_cgi(name + ".fcgi", "GET", path, shop.host,
                             cookies=cookies if signed else None)
        if answer.status != 200:
            print("%-34s answered %s (%s)" % (name + ".fcgi " + path, answer.status,
                                             answer.stderr.strip()[-200:]))
            continue
        times, cpu = timed(lambda: web.run_cgi(name + ".fcgi", "GET", path, shop.host,
                                               cookies=cookies if signed else None))
        print("%-34s %8.2f %8.2f %8.2f %8.2f%s" % (
            name + ".fcgi " + path, times[len(times) // 2], p95(times), times[-1], cpu,
            "   <- target: <= 10 ms" if name == "login" else ""))
        found[name] = (times[len(times) // 2], p95(times), cpu)
    print("(CPU: the program's own, user + system, the median; the wall time adds the"
          " database's work and the machine's load)")
    return found


def list_p95(traffic, shops, requests, rng):
    """The first page of the list, signed in, of a shop picked at random
    for each request, one request at a time."""
    picked = [rng.choice(shops) for _ in range(requests)]
    for shop in set(picked):        # the sign-ins are not timed
        traffic.signed_in(shop)
    times, statuses = [], collections.Counter()
    for shop in picked:
        started = time.perf_counter()
        answer = shop.admin.get("/admin/customers")
        times.append((time.perf_counter() - started) * 1000)
        statuses[answer.status] += 1
    times.sort()
    print("list, first page, a random shop each (%d requests over %d shops, sequential):"
          % (requests, len(set(picked))))
    print("  p50 %.1f ms   p95 %.1f ms   max %.1f ms   statuses %s" % (
        times[len(times) // 2], p95(times), times[-1], dict(statuses)))
    return p95(times)


def outbox_state(stack, first_id):
    return dict((row[0], int(row[1])) for row in stack.sql(
        "SELECT status, COUNT(*) FROM outbox WHERE id >= %d GROUP BY status" % first_id))


def delivered_ids(stack):
    ids = collections.Counter()
    for message in stack.messages():
        ids[(message["Message-ID"] or "").strip()] += 1
    return ids


class Backlog:
    """The mail queued while the SMTP server was down: marked when it
    stops and when it is back, then watched (from a thread) until all of
    it is sent."""

    def __init__(self, stack):
        self.stack = stack
        self.first = self.last = None
        self.back = self.sent_after = None

    def stop(self):
        self.first = int(self.stack.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM outbox")[0][0])
        self.stack.stop_smtp()

    def start(self):
        self.stack.start_smtp()
        self.back = time.time()
        self.last = int(self.stack.sql("SELECT COALESCE(MAX(id), 0) FROM outbox")[0][0])
        threading.Thread(target=self.watch, daemon=True).start()

    def watch(self):
        try:
            wait_for(lambda: self.stack.sql(
                "SELECT COUNT(*) FROM outbox WHERE id BETWEEN %d AND %d AND status <> 'sent'"
                % (self.first, self.last)) == [["0"]], "the backlog", 900)
            self.sent_after = time.time() - self.back
        except RuntimeError:
            pass

    def report(self):
        if self.back is None:
            return
        count, attempts = self.stack.sql(
            "SELECT COUNT(*), COALESCE(SUM(attempts), 0) FROM outbox WHERE id BETWEEN %d AND %d"
            % (self.first, self.last))[0]
        print("mail queued while the SMTP server was down: %s (%s attempts in all); %s" % (
            count, attempts, "the last of it sent %.0f s after the server was back"
            % self.sent_after if self.sent_after is not None else "NOT all sent yet"))


def mail_check(stack, first_id, drain):
    """Waits up to drain seconds for the worker to send every mail queued
    since first_id; prints queued, sent, delivered (by Message-ID), lost,
    delivered twice. Returns the number lost or sent twice."""
    started = time.time()
    try:
        wait_for(lambda: not ({"queued", "sending"} & set(outbox_state(stack, first_id))),
                 "the outbox", drain)
    except RuntimeError:
        pass
    waited = time.time() - started
    state = outbox_state(stack, first_id)
    ids = [row[0] for row in stack.sql(
        "SELECT message_id FROM outbox WHERE id >= %d AND status = 'sent'" % first_id)]
    arrived = delivered_ids(stack)
    queued = sum(state.values())
    delivered = sum(1 for i in ids if arrived[i] >= 1)
    twice = sum(1 for i in ids if arrived[i] > 1)
    lost = queued - delivered
    mail_check.figures = (queued, delivered, lost, twice)
    print("mail queued during the run %d; after %.0f s of draining: %s" % (
        queued, waited, ", ".join("%s %d" % kv for kv in sorted(state.items()))))
    print("  delivered to the SMTP server (Message-ID found): %d   not delivered: %d"
          "   delivered more than once: %d   <- target: none lost" % (delivered, lost, twice))
    return lost + twice


def summary(args, stack, lines, idle, mixed, saturated):
    """The figures in a few lines, to paste."""
    def rss(sample):
        return ", ".join("%s %.1f" % (name.split(".")[0], largest(sample, name, 1))
                         for name in programs(stack))
    print("\n=== summary: %d shops x %d customers, %d copies of each web program"
          " (nginx, spawn-fcgi) + 1 worker, %g min per phase"
          % (args.shops, args.customers, args.processes, args.minutes))
    print("RSS MiB of the largest copy (target <= 8 idle, no growth):")
    print("  idle at start:           " + rss(idle[0][1]))
    print("  mixed traffic, %-10s" % (mixed[-2][0] + ":") + rss(mixed[-2][1]))
    print("  idle after:              " + rss(mixed[-1][1]))
    print("  saturation, %-13s" % (saturated[-2][0] + ":") + rss(saturated[-2][1]))
    for line in lines:
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16, help="at saturation")
    parser.add_argument("--mixed-clients", type=int, default=4)
    parser.add_argument("--processes", type=int, default=PROCESSES,
                        help="copies per program (default: the shipped unit's)")
    parser.add_argument("--requests", type=int, default=300, help="for the list's p95")
    parser.add_argument("--cgi-runs", type=int, default=100)
    parser.add_argument("--idle", type=int, default=60, help="seconds idle before the last sample")
    parser.add_argument("--drain", type=int, default=300, help="seconds for the mail to leave")
    parser.add_argument("--seed-jobs", type=int, default=2)
    parser.add_argument("--buffer-pool", default="4G",
                        help="MariaDB's, as the README's sizing says for 1M customers")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed (with --keep: for later)")
    parser.add_argument("--builddir", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    seconds = int(args.minutes * 60)
    # a run without --keep has a folder of its own: it never removes the
    # data an earlier run kept
    var = os.path.join(ROOT, "build", "bench-hosting-var" if args.keep else "bench-hosting-tmp")
    if not args.keep and os.path.isdir(var):
        shutil.rmtree(var)
    # the retry delay of mail grows to a minute at most (the shipped
    # default: an hour, which a two-minute outage would not reach); the
    # storefront key is not held to a shop's rate, nor the owners' first
    # sign-ins (one a shop, before the measures) to the installation's
    # password hashes per minute
    stack = Stack(var, srcdir=ROOT, builddir=args.builddir, buffer_pool=args.buffer_pool,
                  processes=args.processes, persistent=args.keep,
                  config_extra="Mail.RetryMaxSeconds = 60\nLimits.ApiRequests = 100000000\n"
                               "Limits.PasswordHashPerMinute = 100000\n")
    print("load at start: " + uptime())
    load_at_start = uptime().split("load average: ")[-1]
    stack.start()
    web.STACK = stack
    problems = []
    try:
        keys = seed(stack, args.shops, args.customers, args.seed_jobs)
        if args.seed_only:
            return 0
        shops = load_shops(stack, args.shops, keys, 200)
        print("%d shops, %s customers, %s search terms; %d copies of each of %d programs,"
              " 1 worker" % (len(shops), stack.sql("SELECT COUNT(*) FROM customer")[0][0],
                             stack.sql("SELECT COUNT(*) FROM customer_search")[0][0],
                             args.processes, len(web_programs(stack.builddir))))
        idle_start = memory(stack)
        pids_start = pids_of(idle_start)
        traffic = Traffic(stack, shops, 17)
        rng = random.Random(5)

        traffic.sign_in_all(os.path.join(var, "sessions.json"))
        print("\n--- cold start as plain CGI")
        cold = cold_starts(stack, shops[0], args.cgi_runs)
        lines = ["cold start as plain CGI, p50 / p95 / CPU ms (target <= 10): " + ", ".join(
            "%s %.1f / %.1f / %.1f" % ((name,) + figures) for name, figures in cold.items())]


        print("\n--- the list for a random shop")
        lines.append("list, first page, random shop: p95 %.1f ms (%d sequential requests)"
                     % (list_p95(traffic, shops, args.requests, rng), args.requests))

        print("\n--- %d min of mixed traffic, %d clients, random shops" % (args.minutes,
                                                                         args.mixed_clients))
        print("load: " + uptime())
        first_mail = int(stack.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM outbox")[0][0])
        samples = [("idle at start", idle_start)]
        events = [(60 * m, "memory sampled", lambda m=m: samples.append(
            ("after %d min" % m, memory(stack)))) for m in range(1, int(args.minutes) + 1)]
        began = len(traffic.records)
        traffic.run(args.mixed_clients, seconds, events)
        mixed = traffic.records[began:]
        print_requests(mixed, seconds)
        if [r for r in mixed if failed(r[3])]:
            problems.append("mixed traffic: %d requests failed" % len([r for r in mixed
                                                                       if failed(r[3])]))
        time.sleep(args.idle)
        samples.append(("idle %d s after" % args.idle, memory(stack)))
        print("load: " + uptime())
        print()
        print_memory(stack, samples)

        print("\n--- %d min at saturation, %d clients: MariaDB restarted, SMTP stopped"
              % (args.minutes, args.clients))
        outage = min(120, seconds // 5)
        saturated = [("start", memory(stack))]
        events = [(60 * m, "memory sampled", lambda m=m: saturated.append(
            ("after %d min" % m, memory(stack)))) for m in range(1, int(args.minutes) + 1)]
        backlog = Backlog(stack)
        events += [(seconds // 5, "MariaDB stopped and started", stack.restart_mariadb),
                   (2 * seconds // 5, "SMTP server stopped", backlog.stop),
                   (2 * seconds // 5 + outage, "SMTP server started", backlog.start)]
        began = len(traffic.records)
        times = traffic.run(args.clients, seconds, events)
        records = traffic.records[began:]
        down, back = times["MariaDB stopped and started"]
        print_requests(records, seconds)
        during = [r for r in records if r[0] < back and r[1] > down]
        after = [r for r in records if r[0] >= back]
        before = [r for r in records if r[1] <= down]
        print("requests during the restart (%.1f s): %d, of them failed: %s" % (
            back - down, len(during), dict(collections.Counter(
                r[3] for r in during if failed(r[3])))))
        for label, part in (("before the restart", before), ("after the database is back",
                                                             after)):
            bad = [r for r in part if failed(r[3])]
            print("requests %s: %d, failed: %d %s%s" % (
                label, len(part), len(bad), dict(collections.Counter((r[2], r[3]) for r in bad)),
                "   <- target: 0" if part is after else ""))
            if bad:
                problems.append("%d requests failed %s" % (len(bad), label))
        print("sessions signed in again: %d" % traffic.resigned)
        time.sleep(args.idle)
        saturated.append(("idle %d s after" % args.idle, memory(stack)))
        print()
        print_memory(stack, saturated, target=False)
        pids_end = pids_of(saturated[-1][1])
        for name in programs(stack):
            # the mailer comes and goes with the mail, by design
            if name != "fidele-mailer" and pids_end[name] != pids_start[name]:
                print("%s: its copies changed (died and started again?): %s -> %s" % (
                    name, pids_start[name], pids_end[name]))
                problems.append(name + "'s copies changed")
        print()
        backlog.report()
        if mail_check(stack, first_mail, args.drain):
            problems.append("mail lost or sent twice")
        lines.append("saturation: %d requests (%.0f/s), %d clients; failed during the %.1f s"
                     " of the restart: %d; failed after the database was back: %d (target 0)"
                     % (len(records), len(records) / seconds, args.clients, back - down,
                        len([r for r in during if failed(r[3])]),
                        len([r for r in after if failed(r[3])])))
        lines.append("mail: %d queued, %d delivered, %d lost, %d delivered twice (target: 0 lost)"
                     % mail_check.figures)
        lines.append("load average at start %s, at end %s" % (
            load_at_start, uptime().split("load average: ")[-1]))
        summary(args, stack, lines, [("idle", idle_start)], samples, saturated)
        print("\nload at end: " + uptime())
        print("\nproblems: " + ("; ".join(problems) if problems else "none"))
        if args.keep:
            print("kept: %s (next run with --keep reuses it)" % var)
    finally:
        stack.stop()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
