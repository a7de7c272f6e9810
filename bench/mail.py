"""Link request -> mail accepted by the SMTP server: latency at 20 requests
per second through nginx, login.fcgi, the outbox, fidele-worker and
aiosmtpd (the harness's stack). Prints p50, p95 and the worst.

    bench/run            (runs this after the list benchmark)
    python3 bench/mail.py [--rate 20] [--seconds 30]
"""

import argparse
import os
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

HOST = "mail.bench.test"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    total = args.rate * args.seconds

    stack = Stack(os.path.join(ROOT, "build", "bench-mail-var"), srcdir=ROOT,
                  builddir=os.path.join(ROOT, "build"))
    stack.start()
    web.STACK = stack
    try:
        stack.admin("shop", "add", "--slug", "mailbench", "--name", "Mail Bench", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "mailbench", "--host", HOST)
        stack.admin("seed-demo", "--shop", "mailbench", "--customers", str(total))
        stack.sql("UPDATE customer SET status = 'active'")
        addresses = [row[0] for row in stack.sql("SELECT email FROM customer ORDER BY id")]

        sent_at, seen_at = {}, {}
        inbox_new = os.path.join(stack.inbox, "new")
        done = threading.Event()

        def watch():
            import email
            known = set()
            while not done.is_set():
                if os.path.isdir(inbox_new):
                    for name in os.listdir(inbox_new):
                        if name in known:
                            continue
                        known.add(name)
                        now = time.time()
                        with open(os.path.join(inbox_new, name), "rb") as f:
                            to = email.message_from_binary_file(f)["To"]
                        seen_at.setdefault(to.strip("<> "), now)
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        browser = web.Browser(HOST)
        token = browser.get("/account/login").csrf()
        started = time.time()
        for i, address in enumerate(addresses):
            # the benchmark is one client: lift the per-address and per-IP
            # limits that would otherwise (rightly) stop it
            if i % args.rate == 0:
                stack.sql("DELETE FROM rate_limit")
            due = started + i / args.rate
            time.sleep(max(0.0, due - time.time()))
            sent_at[address] = time.time()
            page = browser.post("/account/login", {"email": address, "csrf": token})
            assert page.status == 200, page.status
        deadline = time.time() + 30
        while len(seen_at) < len(addresses) and time.time() < deadline:
            time.sleep(0.1)
        done.set()
        watcher.join()
        latencies = sorted(seen_at[a] - sent_at[a] for a in addresses if a in seen_at)
        missing = len(addresses) - len(latencies)
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
        print("link request -> mail accepted, %d requests at %d/s:" % (len(addresses), args.rate))
        print("  p50 %.0f ms   p95 %.0f ms   worst %.0f ms   not arrived %d"
              % (pick(0.5) * 1000, pick(0.95) * 1000, latencies[-1] * 1000, missing))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
