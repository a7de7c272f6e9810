#!/usr/bin/python3
"""Rows/s of each way to send many rows to MariaDB, against LOAD DATA INFILE
of the same rows, on one private server (the test harness's): chooses the
way db_insert_rows works. Run from the top of a built tree:

    python3 bench/db-insert.py [--rows 200000]

Each way inserts the rows into a fresh scratch table (auto-increment key,
unique (shop_id, email), as customer has), committing every 10,000 rows."""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from stack import Stack  # noqa: E402

TABLE = """
DROP TABLE IF EXISTS bench_insert;
CREATE TABLE bench_insert (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id     BIGINT UNSIGNED NOT NULL,
  email       VARCHAR(190) NOT NULL,
  first_name  VARCHAR(100) NOT NULL,
  last_name   VARCHAR(100) NOT NULL,
  phone       VARCHAR(40) NOT NULL,
  UNIQUE KEY bench_insert_email (shop_id, email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""

FIRSTS = ["Élodie", "Jean", "Camille", "Léa", "Hugo", "Chloé"]
LASTS = ["Dupont", "Martin", "Lefèvre", "Bernard", "Moreau"]


def build(build_dir, batch):
    """The bench program, with db.c compiled for this many rows per statement."""
    out = os.path.join(build_dir, "bench", "db-insert-%d" % batch)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmariadb", "libcrypto"],
                           capture_output=True, text=True, check=True).stdout.split()
    cs = ["-I/usr/include/ClearSilver"]
    subprocess.run(["cc", "-O2", "-Wall", "-I" + build_dir, "-DDB_INSERT_BATCH=%d" % batch] + cs +
                   ["-o", out, os.path.join(ROOT, "bench", "db-insert.c"),
                    os.path.join(ROOT, "fcgi", "lib", "db.c"),
                    os.path.join(build_dir, "fcgi", "lib", "libfidele.a"),
                    "-lneo_cgi", "-lneo_cs", "-lneo_utl", "-lz"] + flags, check=True)
    return out


def load_data(stack, rows):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, dir="/tmp") as f:
        for i in range(rows):
            f.write("1\tclient%07d@example.test\t%s\t%s\t06%08d\n"
                    % (i, FIRSTS[i % 6], LASTS[i % 5], i))
        path = f.name
    os.chmod(path, 0o644)
    stack.sql(TABLE)
    started = time.time()
    stack.sql("LOAD DATA INFILE '%s' INTO TABLE bench_insert CHARACTER SET utf8mb4"
              " (shop_id, email, first_name, last_name, phone)" % path)
    elapsed = time.time() - started
    os.unlink(path)
    return rows / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    build_dir = os.path.join(ROOT, "build")
    stack = Stack(os.path.join(build_dir, "bench-insert-var"), srcdir=ROOT, builddir=build_dir,
                  buffer_pool="1G", processes=1, smtp=False)
    stack.start()
    try:
        programs = {batch: build(build_dir, batch) for batch in (100, 250, 1000)}
        ways = [("LOAD DATA INFILE", None)]
        for batch in (100, 250, 1000):
            ways.append(("multi-row, %d rows/statement" % batch, [programs[batch], "multi", args.rows, batch]))
        for batch in (100, 250, 1000):
            ways.append(("array binding, %d rows/execute" % batch, [programs[250], "array", args.rows, batch]))
        ways.append(("one row per execute", [programs[250], "single", min(args.rows, 20000)]))
        # the machine is shared: every way runs --repeat times, interleaved,
        # and its median is kept
        runs = {name: [] for name, _ in ways}
        for _ in range(args.repeat):
            for name, command in ways:
                if command is None:
                    rate = load_data(stack, args.rows)
                else:
                    stack.sql(TABLE)
                    out = subprocess.run([str(c) for c in command], env=stack.env(),
                                         capture_output=True, text=True)
                    match = re.search(r"rows_per_s: (\d+)", out.stdout)
                    if not match:
                        raise RuntimeError("%s: %s" % (name, out.stderr))
                    rate = float(match.group(1))
                    count = stack.sql("SELECT COUNT(*) FROM bench_insert")[0][0]
                    assert int(count) == int(command[2]), (name, count)
                runs[name].append(rate)
        results = [(name, statistics.median(runs[name])) for name, _ in ways]
        reference = results[0][1]
        print("%d rows, median of %d runs, %s" % (args.rows, args.repeat, time.strftime("%Y-%m-%d %H:%M")))
        print("%-34s %10s %8s" % ("way", "rows/s", "× LOAD"))
        for name, rate in results:
            print("%-34s %10.0f %8.2f" % (name, rate, rate / reference))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
