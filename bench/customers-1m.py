"""The customer list on a shop of 1,000,000 customers (the customer admin
issue's target: p95 under 20 ms for a page with a search, a filter and a
deep page). Seeds the shop with fidele-admin seed-demo, times each view
with sequential requests through nginx, and prints EXPLAIN for the list
statement so the indexes used are on record.

    bench/run-1m        (or: python3 bench/customers-1m.py [--customers N] [--requests N])
"""

import argparse
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

HOST = "million.bench.test"
OWNER = ("owner@million.test", "million-owner-password")

VIEWS = [
    ("first page, by name", "/admin/customers"),
    ("search 'elodie'", "/admin/customers?q=elodie"),
    ("search 'elodie' + consent + page 20", "/admin/customers?q=elodie&consent=yes&page=20"),
    ("filter spent >= 500 €, by spent desc", "/admin/customers?spent_min=500&sort=spent&dir=desc"),
    ("rare search 'zzqx'", "/admin/customers?q=zzqx"),
    ("deep page 2000 (offset 100k)", "/admin/customers?page=2000"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    stack = Stack(os.path.join(ROOT, "build", "bench-1m-var"), srcdir=ROOT,
                  builddir=os.path.join(ROOT, "build"), buffer_pool="3G", smtp=False)
    stack.start()
    web.STACK = stack
    try:
        stack.admin("shop", "add", "--slug", "million", "--name", "Million")
        stack.admin("shop", "host", "add", "--shop", "million", "--host", HOST)
        stack.admin("admin", "add", "--shop", "million", "--email", OWNER[0], input=OWNER[1] + "\n")
        started = time.time()
        stack.admin("seed-demo", "--shop", "million", "--customers", str(args.customers))
        print("seed-demo: %d customers in %.0f s" % (args.customers, time.time() - started))
        stack.sql("ANALYZE TABLE customer")
        browser = web.Browser(HOST)
        assert browser.sign_in(*OWNER).status == 303
        print("\n%-40s %8s %8s %8s" % ("view", "p50 ms", "p95 ms", "max ms"))
        for name, path in VIEWS:
            assert browser.get(path).status == 200, path
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                browser.get(path)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print("%-40s %8.1f %8.1f %8.1f" % (name, times[len(times) // 2],
                                                times[int(len(times) * 0.95) - 1], times[-1]))
        print("\nEXPLAIN of the list by name with a search (the statement customers.fcgi prepares):")
        for row in stack.sql(
                "EXPLAIN SELECT c.id FROM customer c WHERE c.shop_id = 1 AND c.erased_at IS NULL"
                " AND (c.status = 'current' OR ('current' = 'current' AND c.status <> 'inactive'))"
                " AND (c.last_name LIKE '%elodie%' OR c.first_name LIKE '%elodie%'"
                " OR c.email LIKE '%elodie%' OR c.phone_digits LIKE '-')"
                " ORDER BY c.last_name, c.first_name, c.id LIMIT 51 OFFSET 950"):
            print("  " + " | ".join(row))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
