"""The customer list's cost per request, independent of the machine's load:
callgrind's instructions per request of customers.fcgi (the first page, the
search "elodie", page 100 of a 100,000-customer shop, as bench/list.py
seeds it) and of the hand-written reference page (bench/reference.c, when
bench/run has built it), and the statements each page runs, with their
server time and rows examined (MariaDB's slow log at long_query_time = 0,
the worker stopped). One process under valgrind serves N requests of each
page after three of each to warm it up.

    python3 bench/list-profile.py [--build DIR] [N]     (needs valgrind)

DIR is a configured build (default build/); the stack and its seeded
database stay in DIR/profile-var for the next run, callgrind's dumps and the
pages' bodies go to DIR/profile-out.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
    sys.exit("bench/list-profile.py needs Debian's valgrind (apt-get install valgrind)")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
args = sys.argv[1:]
BUILD = os.path.join(ROOT, "build")
if args[:1] == ["--build"]:
    BUILD, args = os.path.abspath(args[1]), args[2:]
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import web
from stack import Stack, wait_for
import list as benchlist

N = int(args[0]) if args else 20
HOST = benchlist.HOST


def profile(pool, program, request_function, pages, cookie, out):
    """Serves the pages from one copy of program under callgrind in place
    of the stack's pool (its socket's name), counting the instructions
    of request_function and what it calls; prints each page's figures."""
    for c in [c for c in stack.children if c.args and pool + ".fcgi" in " ".join(c.args)]:
        os.killpg(c.pid, signal.SIGTERM)
        c.wait()
        stack.children.remove(c)
    sock = os.path.join(stack.run_dir, pool + ".sock")
    if os.path.exists(sock):
        os.unlink(sock)
    vg = stack._spawn(["spawn-fcgi", "-n", "-s", sock, "-M", "0660", "-U", "www-data",
                       "-G", "www-data", "--", "/usr/bin/valgrind", "--tool=callgrind",
                       "--collect-atstart=no",
                       "--toggle-collect=" + request_function, "--toggle-collect=FCGX_Finish_r",
                       "--callgrind-out-file=%s/cg.%%p" % out, program], pool + "-vg.log")
    wait_for(lambda: os.path.exists(sock), "socket")
    bodies = {}
    for _ in range(3):
        for name, path in pages:
            s, bodies[name] = benchlist.fetch(stack, path, cookie)
            assert s == 200, (name, s)
    for name, _ in pages:
        with open(os.path.join(out, "body-" + name + ".html"), "wb") as f:
            f.write(bodies[name])
    pid = int(subprocess.run(["pgrep", "-f", "valgrind.*" + program],
                             capture_output=True, text=True).stdout.split()[0])
    for name, path in pages:
        subprocess.run(["callgrind_control", "-z", str(pid)], capture_output=True)
        stack.sql("TRUNCATE mysql.slow_log", database="mysql")
        for _ in range(N):
            s, _b = benchlist.fetch(stack, path, cookie)
            assert s == 200
        subprocess.run(["callgrind_control", "-d", name, str(pid)], capture_output=True)
        time.sleep(1)
        dumps = sorted(glob.glob(out + "/cg.%d.*" % pid), key=os.path.getmtime)
        total = None
        with open(dumps[-1]) as f:
            for line in f:
                if line.startswith("totals:") or line.startswith("summary:"):
                    total = int(line.split()[1])
        rows = stack.sql("SELECT TIME_TO_SEC(query_time)*1000, rows_examined,"
                         " REPLACE(REPLACE(LEFT(sql_text, 110), '\\n', ' '), '\\t', ' ')"
                         " FROM mysql.slow_log", database="mysql")
        # the page's statements, not this script's (TRUNCATE, this SELECT
        # and the markers its client puts around them)
        rows = [r for r in rows if "slow_log" not in r[2] and not r[2].startswith("SELECT '")]
        stmts = {}
        for ms, examined, text in rows:
            key = re.sub(r"'[^']*'|\b\d+\b", "?", text)[:90]
            seen = stmts.setdefault(key, [0, 0.0, 0])
            seen[0] += 1
            seen[1] += float(ms)
            seen[2] += int(examined)
        print("%-9s %8.0f instructions/request, %d bytes, %.1f statements/request" % (
            name, total / N, len(bodies[name]), len(rows) / N))
        for key, (count, ms, examined) in stmts.items():
            print("    %5.2f x  %6.3f ms  %7.0f rows  %s"
                  % (count / N, ms / count, examined / count, key))
    os.killpg(vg.pid, signal.SIGTERM)
    vg.wait()
    stack.children.remove(vg)
var = os.path.join(BUILD, "profile-var")
REFERENCE = os.path.join(BUILD, "bench", "reference.fcgi")
os.environ.update({"BENCH_DB_USER": "root", "BENCH_DB_PASSWORD": "", "BENCH_DB_NAME": "fidele"})
stack = Stack(var, srcdir=ROOT, builddir=BUILD, buffer_pool="512M", processes=1, persistent=True,
              extra_programs={"reference": REFERENCE} if os.path.exists(REFERENCE) else {},
              extra_nginx=benchlist.EXTRA_NGINX)
os.environ["BENCH_DB_SOCKET"] = stack.db_socket
stack.start()
web.STACK = stack
try:
    if not stack.sql("SELECT id FROM shop WHERE slug = 'bench'"):
        stack.admin("shop", "add", "--slug", "bench", "--name", "Bench", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "bench", "--host", HOST)
        stack.admin("admin", "add", "--shop", "bench", "--email", benchlist.OWNER[0],
                    input=benchlist.OWNER[1] + "\n")
        t = time.time()
        stack.admin("seed-demo", "--shop", "bench", "--customers", "100000")
        print("seeded in %.0f s" % (time.time() - t))
        benchlist.add_edge_customers(
            stack, int(stack.sql("SELECT id FROM shop WHERE slug = 'bench'")[0][0]))
    browser = web.Browser(HOST)
    assert browser.sign_in(*benchlist.OWNER).status == 303
    cookie = browser.cookies["fidele_session"]
    pages = [("first", "/admin/customers"), ("search", "/admin/customers?q=elodie"),
             ("deep", browser.page_url("/admin/customers", 100))]
    out = os.path.join(BUILD, "profile-out")
    os.makedirs(out, exist_ok=True)
    for f in glob.glob(out + "/cg.*"):
        os.unlink(f)
    # every statement in the slow log: a connection copies these when it
    # opens, so they are set before the profiled process connects, and
    # log_slow_filter's default leaves out the plain index reads
    stack.sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL long_query_time = 0;"
              " SET GLOBAL log_slow_filter = ''; SET GLOBAL slow_query_log = 1;",
              database="mysql")
    # the worker's polling would mix its statements with the pages'
    if stack.worker is not None:
        os.killpg(stack.worker.pid, signal.SIGTERM)
        stack.worker.wait()
        stack.children.remove(stack.worker)
        stack.worker = None
    profile("customers", stack.program("customers.fcgi"), "request_run", pages, cookie, out)
    if os.path.exists(REFERENCE):
        profile("reference", REFERENCE, "serve", [("reference", "/bench/reference")], cookie, out)
    else:
        print("no %s (bench/run builds it): the reference page is not profiled" % REFERENCE)
finally:
    stack.stop()
