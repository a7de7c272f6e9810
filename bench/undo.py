"""An import's undo against the import itself (bench/undo): --rows
customers (20,000 by default) imported into an empty shop by the real
import job, then the import undone by the real undo job (both queued as
the pages queue them, through fidele-admin import queue, and run by the
stack's worker): rows/s of each and the undo's rate over the import's.
The undo deletes each customer with its search terms, timeline and
consent rows, 1,000 a transaction (fcgi/import-undo.c).

    bench/undo [--rows N]

Measured on the 2-core machine (2026-12-04), 20,000 rows: before, the
import 10.95 s and its undo 428.69 s (47 rows/s; at 3,000 rows, 16 of the
undo's 22 s went to planning the search terms' deletes, 6 s to choosing
the customers); after, the import 8.26 s and the undo 27.30 s (733 rows/s).
"""

import argparse
import importlib.util
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

# bench/import.py's file, shop and queueing ("import" is a keyword: loaded by path)
spec = importlib.util.spec_from_file_location("bench_import", os.path.join(ROOT, "bench", "import.py"))
bench_import = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_import)


def wait_for_job(bench, job_id):
    while True:
        time.sleep(0.1)
        state, error = bench.sql("SELECT state, COALESCE(last_error, '') FROM job WHERE id = %s"
                                 % job_id)[0]
        if state not in ("queued", "running"):
            return state, error


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    build = os.path.join(ROOT, "build")
    var = os.path.join(build, "bench-undo-var")
    stack = Stack(var, srcdir=ROOT, builddir=build, processes=1, buffer_pool="1G")
    stack.start()
    web.STACK = stack
    try:
        bench = bench_import.Bench(stack, args.rows)
        files = os.path.join(var, "files")
        os.makedirs(files, exist_ok=True)
        path = os.path.join(files, "clients.csv")
        bench_import.write_csv(path, args.rows, False)
        bench.shop()
        print("load average at start: %s" % bench_import.load(), flush=True)
        started = time.time()
        job_id, import_id = bench.queue_import(path, "fill", args.rows)
        state, error = wait_for_job(bench, job_id)
        imported = time.time() - started
        if state != "done":
            sys.exit("bench: the import ended %s (%s)" % (state, error))
        started = time.time()
        queued = stack.admin("import", "queue", "--shop", "bench", "--id", import_id,
                             "--action", "undo")
        state, error = wait_for_job(bench, queued.stdout.split()[1])
        undone = time.time() - started
        removed, left = bench.sql("SELECT undo_removed, (SELECT COUNT(*) FROM customer"
                                  " WHERE shop_id = %s) FROM import WHERE id = %s"
                                  % (bench.shop_id, import_id))[0]
        if state != "done" or int(removed) != args.rows or left != "0":
            sys.exit("bench: the undo ended %s (%s), %s removed, %s left"
                     % (state, error, removed, left))
        print("\n%-28s %8s %9s %10s" % ("step", "rows", "seconds", "rows/s"))
        for what, seconds in (("import (new rows)", imported), ("undo of that import", undone)):
            print("%-28s %8d %9.2f %10.0f" % (what, args.rows, seconds, args.rows / seconds))
        print("undo / import rate: %.2f" % (imported / undone))
        print("load average at the end: %s" % bench_import.load())
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
