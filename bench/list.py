"""Customer list throughput, in one run behind the same nginx, measured with
wrk (16 connections): /admin/customers on a 100,000-customer shop, its
search "elodie" and its page 100; the same first page hand-written in C
(bench/reference.c) and written in PHP 8.2 with PDO under php-fpm
(bench/list.php); a hello-world FastCGI program. Every program has the
same number of processes (2). Prints req/s, p99 and each page's size, the
ratios against DESIGN.md's targets, and the load average at start and end.
It also prints what one request of each page cost the server in CPU time
(µs, from the processes' schedstat): the database, the page's program and
nginx, which the machine's load moves much less than req/s.

Before timing it checks that Fidèle's list, the reference and the PHP page
show the same rows (the cells' texts of each <tbody> row, in order) and that
the reference and the PHP page are the same bytes; a mismatch stops the
bench with the difference.

    bench/run [--customers N] [--seconds S] [--rounds R]

Each page is timed R times (3), the pages in turn, and its median kept;
each ratio is the median of the rounds' own ratios (with their range).
"""

import argparse
import html.parser
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack, wait_for  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu import cpu_ns  # noqa: E402

HOST = "bench.test"
OWNER = ("owner@bench.test", "bench-owner-password")
PROCESSES = 2
PHP_FPM = "/usr/sbin/php-fpm8.2"

# each extra program and php-fpm listen on $fidele_sockets/<name>.sock and get
# the same FastCGI parameters and buffering as Fidèle's programs
EXTRA_NGINX = """
        location = /bench/hello { set $fidele_program hello; include snippets/fidele-fastcgi.conf; }
        location = /bench/reference { set $fidele_program reference; include snippets/fidele-fastcgi.conf; }
        location = /bench/php { set $fidele_program php; fastcgi_param SCRIPT_FILENAME %s;
                                include snippets/fidele-fastcgi.conf; }
""" % os.path.join(ROOT, "bench", "list.php")

# php-fpm as a provider runs it: a static pool of as many processes as each
# Fidèle program has, opcache on without checking the files' times (the
# command line sets these); as root, like the stack's other programs, so
# that the database's root account (socket authentication) lets it in
PHP_FPM_CONF = """\
[global]
pid = %(run)s/php-fpm.pid
error_log = %(log)s/php-fpm.log
daemonize = no

[bench]
user = root
group = root
listen = %(run)s/php.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = %(processes)d
pm.max_requests = 0
clear_env = yes
%(env)s
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
php_admin_value[error_log] = %(log)s/php-errors.log
"""
PHP_INI = ["opcache.enable=1", "opcache.validate_timestamps=0", "expose_php=0"]


def start_php_fpm(stack):
    """Starts php-fpm on $fidele_sockets/php.sock; returns its process
    (also one of the stack's children, so stack.stop() ends it too)."""
    env = "\n".join("env[%s] = %s" % (name, os.environ[name])
                    for name in sorted(os.environ) if name.startswith("BENCH_DB_")
                    and os.environ[name])
    conf = os.path.join(stack.var, "php-fpm.conf")
    with open(conf, "w") as f:
        f.write(PHP_FPM_CONF % {"run": stack.run_dir, "log": stack.log_dir,
                                "processes": PROCESSES, "env": env})
    argv = [PHP_FPM, "-F", "-R", "-y", conf]
    for setting in PHP_INI:
        argv += ["-d", setting]
    process = stack._spawn(argv, "php-fpm.out")
    sock = os.path.join(stack.run_dir, "php.sock")
    wait_for(lambda: process.poll() is None and os.path.exists(sock), "php-fpm")
    return process


def stop_php_fpm(stack, process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGQUIT)     # graceful stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    stack.children.remove(process)


def fetch(stack, path, cookie):
    """GETs path: (status, body as bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    connection.request("GET", path, headers={"Host": HOST, "Cookie": "fidele_session=" + cookie})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


class Rows(html.parser.HTMLParser):
    """The rows of a page's <tbody>: for each <tr>, its cells' texts (tags
    left out, entities decoded, runs of ASCII white space as one space; the
    no-break spaces of money stay what they are)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.row, self.cell, self.in_tbody = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_tbody = True
        elif self.in_tbody and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(re.sub(r"[ \t\r\n\f]+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_tbody = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows_of(body):
    parser = Rows()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    return parser.rows


def rows_difference(name_a, rows_a, name_b, rows_b):
    """What differs between two pages' rows, as lines of text (none when
    they are the same): the first few cells that differ."""
    lines, differing = [], 0
    if len(rows_a) != len(rows_b):
        lines.append("%s shows %d rows, %s %d" % (name_a, len(rows_a), name_b, len(rows_b)))
    for number, (a, b) in enumerate(zip(rows_a, rows_b), 1):
        if len(a) != len(b):
            lines.append("row %d: %d cells in %s, %d in %s" % (number, len(a), name_a, len(b), name_b))
        for cell, (x, y) in enumerate(zip(a, b), 1):
            if x != y:
                differing += 1
                if differing <= 6:
                    lines.append("row %d, cell %d:\n    %-10s %r\n    %-10s %r"
                                 % (number, cell, name_a + ":", x, name_b + ":", y))
    if differing > 6:
        lines.append("… %d cells differ in all" % differing)
    return lines


def bytes_difference(name_a, a, name_b, b):
    """Where two bodies first differ, with some bytes around."""
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return ["first difference at byte %d (of %d and %d):" % (at, len(a), len(b)),
            "    %-10s %r" % (name_a + ":", a[max(0, at - 60):at + 60]),
            "    %-10s %r" % (name_b + ":", b[max(0, at - 60):at + 60])]


def add_edge_customers(stack, shop):
    """Two customers who come first in name order, so that the first page
    shows what escaping, the name's forms, thousands and the time zone do:
    every character the escaping map changes in the name, a large amount,
    dates that are the next day in Paris; and one with no name at all."""
    stack.sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, status,"
              " source, order_count, total_spent_cents, last_order_at, created_at) VALUES"
              " (%(shop)d, 'o.brien+<x>@example.fr', 'Zoë \"Jo\" & <b>', '''<Aa>'' O''Brien',"
              "  '+33 6 00 00 00 00', 'blocked', 'admin', 12, 123456789,"
              "  '2026-06-30 22:15:00', '2025-12-31 23:30:00'),"
              " (%(shop)d, 'nameless@example.fr', '', '', '', 'invited', 'self', 0, 0,"
              "  NULL, '2026-03-29 00:30:00')" % {"shop": shop})


def check_same_rows(bodies):
    """Stops the bench when Fidèle's list, the reference and the PHP page
    do not show the same rows, or the last two are not the same bytes."""
    fidele, reference, php = (rows_of(bodies[path]) for path in
                              ("/admin/customers", "/bench/reference", "/bench/php"))
    problems = []
    if len(fidele) != 50:
        problems.append("Fidèle's list shows %d rows, not 50" % len(fidele))
    problems += rows_difference("Fidèle", fidele, "reference", reference)
    problems += rows_difference("reference", reference, "PHP", php)
    if bodies["/bench/reference"] != bodies["/bench/php"]:
        problems.append("the reference and the PHP page are not the same bytes:")
        problems += bytes_difference("reference", bodies["/bench/reference"],
                                     "PHP", bodies["/bench/php"])
    if problems:
        sys.exit("bench: the list pages do not show the same rows; nothing timed.\n"
                 + "\n".join(problems))
    print("same rows: Fidèle's list, the reference and the PHP page (%d rows, %d cells each);"
          " reference and PHP byte-identical" % (len(fidele), len(fidele[0])))


def wrk(url, cookie, seconds):
    result = subprocess.run(
        ["wrk", "-t2", "-c16", "-d%ds" % seconds, "--latency", "-H", "Host: " + HOST,
         "-H", "Cookie: fidele_session=" + cookie, url],
        capture_output=True, text=True, check=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0, requests


# whose CPU time a page costs, by process name (/proc/PID/comm): the
# database, the page's own program and the web server
PROGRAMS = {"/bench/reference": "reference.fcgi", "/bench/php": "php-fpm8.2",
            "/bench/hello": "hello.fcgi"}
SERVERS = ("mariadbd", "nginx")


def pids_named(names):
    """The running processes of each name: {name: [pid, ...]}."""
    found = {name: [] for name in names}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as f:
                    name = f.read().strip()
            except OSError:
                continue
            if name in found:
                found[name].append(int(entry))
    return found


def timed(url, path, cookie, seconds):
    """wrk on url, and the CPU µs per request of the database, the page's
    program and nginx over that run."""
    program = PROGRAMS.get(path, "customers.fcgi")
    pids = pids_named(SERVERS + (program,))
    before = {name: cpu_ns(found) for name, found in pids.items()}
    rate, p99, errors, requests = wrk(url, cookie, seconds)
    cpu = {name: (cpu_ns(found) - before[name]) / 1000.0 / max(requests, 1)
           for name, found in pids.items()}
    return rate, p99, errors, (cpu["mariadbd"], cpu[program], cpu["nginx"])


def load_average():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    print("load at start: " + load_average())
    build = os.path.join(ROOT, "build")
    var = os.path.join(build, "bench-var")
    os.environ.update({"BENCH_DB_USER": "root", "BENCH_DB_PASSWORD": "", "BENCH_DB_NAME": "fidele"})
    stack = Stack(var, srcdir=ROOT, builddir=build, buffer_pool="1G", processes=PROCESSES,
                  extra_programs={name: os.path.join(build, "bench", name + ".fcgi")
                                  for name in ("hello", "reference")},
                  extra_nginx=EXTRA_NGINX)
    os.environ["BENCH_DB_SOCKET"] = stack.db_socket
    stack.start()
    web.STACK = stack
    php_fpm = None
    try:
        php_fpm = start_php_fpm(stack)
        stack.admin("shop", "add", "--slug", "bench", "--name", "Bench", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "bench", "--host", HOST)
        stack.admin("admin", "add", "--shop", "bench", "--email", OWNER[0], input=OWNER[1] + "\n")
        started = time.time()
        stack.admin("seed-demo", "--shop", "bench", "--customers", str(args.customers))
        print("seed-demo: %d customers in %.1f s" % (args.customers, time.time() - started))
        add_edge_customers(stack, int(stack.sql("SELECT id FROM shop WHERE slug = 'bench'")[0][0]))
        browser = web.Browser(HOST)
        assert browser.sign_in(*OWNER).status == 303
        cookie = browser.cookies["fidele_session"]
        pages = [("list (Fidèle)", "/admin/customers"),
                 ("search 'elodie'", "/admin/customers?q=elodie"),
                 ("list page 100", browser.page_url("/admin/customers", 100)),
                 ("list hand-written C", "/bench/reference"),
                 ("list PHP-FPM + PDO", "/bench/php"),
                 ("hello-world FastCGI", "/bench/hello")]
        bodies = {}
        for _, path in pages:
            status, bodies[path] = fetch(stack, path, cookie)
            if status != 200:
                sys.exit("bench: %s answered %d" % (path, status))
        check_same_rows(bodies)

        # one second of each first: every process has its statements
        # prepared, php-fpm's children their compiled script
        for _, path in pages:
            wrk(stack.base_url + path, cookie, 1)
        # rounds of every page in turn, each page's median kept: on a
        # shared machine the load moves during a run, and a page timed
        # alone while others worked would carry it into the ratios
        rates = {name: [] for name, _ in pages}
        p99s = {name: [] for name, _ in pages}
        failures = {name: 0 for name, _ in pages}
        cpus = {name: [] for name, _ in pages}
        for round_number in range(1, args.rounds + 1):
            for name, path in pages:
                rate, p99, errors, cpu = timed(stack.base_url + path, path, cookie, args.seconds)
                rates[name].append(rate)
                cpus[name].append(cpu)
                p99s[name].append(p99)
                failures[name] += errors
            if args.rounds > 1:
                print("round %d req/s: %s (load average %s)" % (round_number, ", ".join(
                    "%s %.0f" % (name, rates[name][-1]) for name, _ in pages),
                    load_average().split("load average: ")[-1]))
        results = {name: statistics.median(rates[name]) for name, _ in pages}
        print("\n%-22s %9s %9s %9s" % ("page", "req/s", "p99 ms", "bytes")
              + ("   (median of %d rounds of %d s)" % (args.rounds, args.seconds)
                 if args.rounds > 1 else ""))
        for name, path in pages:
            print("%-22s %9.0f %9.2f %9d%s" % (name, results[name], statistics.median(p99s[name]),
                                               len(bodies[path]),
                                               "  (%d errors)" % failures[name]
                                               if failures[name] else ""))
        print("\n%-22s %9s %9s %9s %9s" % ("CPU µs per request", "database", "program",
                                            "nginx", "together"))
        for name, _ in pages:
            parts = [statistics.median(cpu[i] for cpu in cpus[name]) for i in range(3)]
            print("%-22s %9.0f %9.0f %9.0f %9.0f" % (name, *parts, sum(parts)))
        # each ratio from the rates of one round (its two pages timed a
        # minute apart at most), the median of the rounds' ratios kept: a
        # ratio of medians pairs one round's list with another round's
        # reference, and this machine's load moves more than the targets'
        # margins between rounds
        print()
        for label, over, under, target in (
                ("list / hand-written", "list (Fidèle)", "list hand-written C", "≥ 1.0"),
                ("list / PHP-FPM", "list (Fidèle)", "list PHP-FPM + PDO", "≥ 2.0"),
                ("search / list", "search 'elodie'", "list (Fidèle)", "≥ 0.8"),
                ("deep page / list", "list page 100", "list (Fidèle)", "≥ 0.8"),
                ("list / hello-world", "list (Fidèle)", "hello-world FastCGI", "")):
            ratios = [a / b for a, b in zip(rates[over], rates[under])]
            spread = ("   rounds %.2f–%.2f" % (min(ratios), max(ratios))
                      if len(ratios) > 1 else "")
            print("%-20s %5.2f%s%s" % (label, statistics.median(ratios),
                                       "   (target %s)" % target if target else "", spread))
        print("\nload at end:   " + load_average())
    finally:
        if php_fpm is not None:
            stop_php_fpm(stack, php_fpm)
        stack.stop()


if __name__ == "__main__":
    main()
