"""POST /admin/login/forgot for an admin's address and for an unknown one,
interleaved in random order on the harness's stack: prints the median and
p90 of each and their ratio. The two should not be told apart (the unknown
address gets the same token and mail, undone before the commit). The rate
limits are emptied between requests, outside the timed part.

    python3 bench/forgot-timing.py [--rounds 200]
"""

import argparse
import os
import random
import statistics
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

HOST = "forgot.bench.test"
KNOWN = "owner@forgot.bench.test"
UNKNOWN = "nobody@forgot.bench.test"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    stack = Stack(os.path.join(ROOT, "build", "bench-forgot-var"), srcdir=ROOT,
                  builddir=os.path.join(ROOT, "build"))
    stack.start()
    web.STACK = stack
    try:
        stack.admin("shop", "add", "--slug", "forgotbench", "--name", "Forgot Bench")
        stack.admin("shop", "host", "add", "--shop", "forgotbench", "--host", HOST)
        stack.admin("admin", "add", "--shop", "forgotbench", "--email", KNOWN,
                    input="forgot-bench-password\n")
        browser = web.Browser(HOST)
        token = browser.get("/admin/login/forgot").csrf()
        times = {KNOWN: [], UNKNOWN: []}
        for _ in range(args.rounds):
            pair = [KNOWN, UNKNOWN]
            random.shuffle(pair)
            for address in pair:
                stack.sql("DELETE FROM rate_limit")
                started = time.perf_counter()
                answer = browser.post("/admin/login/forgot", {"email": address, "csrf": token})
                times[address].append(time.perf_counter() - started)
                assert answer.status == 200, answer.status
        for name, address in (("admin's address", KNOWN), ("unknown address", UNKNOWN)):
            values = sorted(times[address])
            print("%-16s median %.2f ms  p90 %.2f ms" % (
                name, statistics.median(values) * 1000, values[int(len(values) * 0.9)] * 1000))
        print("ratio of medians (admin / unknown): %.3f" % (
            statistics.median(times[KNOWN]) / statistics.median(times[UNKNOWN])))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
