"""How long `fidele-admin seed-demo` takes, for one or more builds of
fidele-admin on the same database, in interleaved rounds (each round seeds
a fresh shop with each build in turn), so that two versions compare on the
same machine in one run. Every round runs the builds in the other order
than the last one, and each run starts from empty customer tables (a
table that grows from run to run slows every later run down). Prints each
run (wall time, and the CPU seconds fidele-admin and the MariaDB server
spent, which a machine shared with other work disturbs less), the median
per build and the ratio to the first build; checks that every build wrote
the same rows.

    python3 bench/seed.py [--customers N] [--rounds R] [fidele-admin ...]

With no program given, the build's own build/fcgi/fidele-admin. Copy an
older build's fidele-admin aside to compare it (the schema must be the
same: the migrations come from this tree).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from stack import Stack  # noqa: E402


def server_cpu(stack):
    """CPU seconds the MariaDB server has used so far."""
    with open(os.path.join(stack.run_dir, "mariadb.pid")) as f:
        pid = f.read().strip()
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def shop_rows(stack, slug):
    return stack.sql(
        "SELECT (SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = '%s'),"
        " (SELECT COUNT(*) FROM orders o JOIN shop s ON s.id = o.shop_id WHERE s.slug = '%s'),"
        " (SELECT COUNT(*) FROM customer_search x JOIN shop s ON s.id = x.shop_id WHERE s.slug = '%s')"
        % (slug, slug, slug))[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("programs", nargs="*")
    args = parser.parse_args()

    build = os.path.join(ROOT, "build")
    programs = args.programs or [os.path.join(build, "fcgi", "fidele-admin")]
    stack = Stack(os.path.join(build, "bench-seed-var"), srcdir=ROOT, builddir=build,
                  buffer_pool="1G", smtp=False)
    stack.start()
    times = {program: [] for program in programs}
    cpu = {program: [] for program in programs}
    rows = {}
    try:
        for round_number in range(args.rounds):
            order = list(enumerate(programs))
            for index, program in (order if round_number % 2 == 0 else order[::-1]):
                slug = "seed-%d-%d" % (round_number, index)
                stack.admin("shop", "add", "--slug", slug, "--name", slug)
                started, server, client = time.time(), server_cpu(stack), children_cpu()
                subprocess.run([program, "seed-demo", "--shop", slug, "--customers",
                                str(args.customers)], env=stack.env(), check=True,
                               capture_output=True)
                elapsed = time.time() - started
                used = server_cpu(stack) - server + children_cpu() - client
                times[program].append(elapsed)
                cpu[program].append(used)
                rows.setdefault(program, shop_rows(stack, slug))
                stack.sql("SET FOREIGN_KEY_CHECKS = 0; TRUNCATE customer_search; TRUNCATE orders;"
                          " TRUNCATE customer; SET FOREIGN_KEY_CHECKS = 1")
                print("round %d  %-44s %6.1f s  %6.1f s CPU" % (round_number + 1, program, elapsed,
                                                                used))
                sys.stdout.flush()
    finally:
        stack.stop()
    first = statistics.median(times[programs[0]])
    first_cpu = statistics.median(cpu[programs[0]])
    print("\n%-44s %8s %6s %8s %6s  %s" % ("program", "median s", "ratio", "CPU s", "ratio",
                                           "customers/orders/terms"))
    for program in programs:
        median, median_cpu = statistics.median(times[program]), statistics.median(cpu[program])
        print("%-44s %8.1f %6.2f %8.1f %6.2f  %s" % (program, median, median / first, median_cpu,
                                                  median_cpu / first_cpu, "/".join(rows[program])))
    if len({tuple(r) for r in rows.values()}) != 1:
        print("the builds wrote different rows")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
