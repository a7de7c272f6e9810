"""Customer list throughput: /admin/customers on a 100,000-customer shop,
the same page hand-written without a template engine (bench/reference.c),
and a hello-world FastCGI program, all behind the same nginx, measured with
wrk (16 connections) in one run. Prints req/s, p99 and the ratios.

    bench/run [--customers N] [--seconds S]
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

HOST = "bench.test"
OWNER = ("owner@bench.test", "bench-owner-password")

EXTRA_NGINX = """
        location = /bench/hello { set $fidele_program hello; include snippets/fidele-fastcgi.conf; }
        location = /bench/reference { set $fidele_program reference; include snippets/fidele-fastcgi.conf; }
"""


def wrk(url, cookie, seconds):
    result = subprocess.run(
        ["wrk", "-t2", "-c16", "-d%ds" % seconds, "--latency", "-H", "Host: " + HOST,
         "-H", "Cookie: fidele_session=" + cookie, url],
        capture_output=True, text=True, check=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    build = os.path.join(ROOT, "build")
    var = os.path.join(build, "bench-var")
    os.environ.update({"BENCH_DB_USER": "root", "BENCH_DB_PASSWORD": "", "BENCH_DB_NAME": "fidele"})
    stack = Stack(var, srcdir=ROOT, builddir=build, buffer_pool="1G", processes=2,
                  extra_programs={name: os.path.join(build, "bench", name + ".fcgi")
                                  for name in ("hello", "reference")},
                  extra_nginx=EXTRA_NGINX)
    os.environ["BENCH_DB_SOCKET"] = stack.db_socket
    stack.start()
    web.STACK = stack
    try:
        stack.admin("shop", "add", "--slug", "bench", "--name", "Bench", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "bench", "--host", HOST)
        stack.admin("admin", "add", "--shop", "bench", "--email", OWNER[0], input=OWNER[1] + "\n")
        started = time.time()
        stack.admin("seed-demo", "--shop", "bench", "--customers", str(args.customers))
        print("seed-demo: %d customers in %.1f s" % (args.customers, time.time() - started))
        browser = web.Browser(HOST)
        assert browser.sign_in(*OWNER).status == 303
        cookie = browser.cookies["fidele_session"]
        pages = [("customer list (Fidèle)", "/admin/customers"),
                 ("customer search 'elodie'", "/admin/customers?q=elodie"),
                 ("customer list page 100", browser.page_url("/admin/customers", 100)),
                 ("same list hand-written", "/bench/reference"),
                 ("hello-world FastCGI", "/bench/hello")]
        for _, path in pages:
            page = browser.get(path)
            assert page.status == 200, (path, page.status)
        results = {}
        print("\n%-28s %10s %10s" % ("page", "req/s", "p99 ms"))
        for name, path in pages:
            rate, p99, errors = wrk(stack.base_url + path, cookie, args.seconds)
            results[path] = rate
            print("%-28s %10.0f %10.2f%s" % (name, rate, p99, "  (%d errors)" % errors if errors else ""))
        print("\nlist / hello-world:   %.2f" % (results["/admin/customers"] / results["/bench/hello"]))
        print("list / hand-written:  %.2f" % (results["/admin/customers"] / results["/bench/reference"]))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
