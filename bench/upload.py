"""Upload benchmark (bench/upload): files of 1, 10 and 50 MB posted through
nginx to tests/helpers/upload-probe, one process, with the default
Limits.MaxUpload (50 MB) and an upload location as nginx-conf/fidele.conf
describes it (client_max_body_size 50m, request buffering on). For each
size: the time from the first byte sent to the answer (nginx buffers the
body, then the program reads it, spools it, and hashes it back), and the
program's peak RSS (VmHWM, reset before each upload), which must stay flat.

    bench/upload [--runs N]
"""

import argparse
import hashlib
import http.client
import os
import re
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402

HOST = "bench.test"
OWNER = ("owner@bench.test", "bench-owner-password")
PROBE = "/admin/probe/upload"
BOUNDARY = "----FideleBench7MA4YWxkTrZu0gW"
EXTRA_NGINX = """
        location ^~ /admin/probe/ {
            client_max_body_size 50m;
            set $fidele_program upload-probe;
            include snippets/fidele-fastcgi.conf;
        }
"""


def probe_pids(program):
    """The processes running the probe binary."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].decode(errors="replace") == program:
            pids.append(int(entry))
    return pids


def status_kib(pid, name):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def upload(browser, token, size):
    content = os.urandom(size)
    head = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" % (BOUNDARY, token, BOUNDARY)).encode()
    body = head + content + ("\r\n--%s--\r\n" % BOUNDARY).encode()
    connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=300)
    started = time.time()
    connection.request("POST", PROBE, body=body, headers={
        "Host": HOST, "Content-Type": "multipart/form-data; boundary=" + BOUNDARY,
        "Cookie": "; ".join("%s=%s" % kv for kv in browser.cookies.items())})
    response = connection.getresponse()
    text = response.read().decode()
    elapsed = time.time() - started
    connection.close()
    digest = re.search(r'<dd id="sha256">([0-9a-f]+)</dd>', text)
    if response.status != 200 or not digest or digest.group(1) != hashlib.sha256(content).hexdigest():
        raise RuntimeError("upload of %d bytes: %d %s" % (size, response.status, text[:300]))
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    build = os.path.join(ROOT, "build")
    program = os.path.join(build, "tests", "helpers", "upload-probe")
    stack = Stack(os.path.join(build, "bench-upload-var"), srcdir=ROOT, builddir=build,
                  processes=1, extra_programs={"upload-probe": program},
                  extra_nginx=EXTRA_NGINX)
    stack.start()
    web.STACK = stack
    try:
        stack.admin("shop", "add", "--slug", "bench", "--name", "Bench", "--language", "fr")
        stack.admin("shop", "host", "add", "--shop", "bench", "--host", HOST)
        stack.admin("admin", "add", "--shop", "bench", "--email", OWNER[0], input=OWNER[1] + "\n")
        browser = web.Browser(HOST)
        assert browser.sign_in(*OWNER).status == 303
        token = browser.get(PROBE).csrf()
        pids = probe_pids(program)
        assert len(pids) == 1, pids
        pid = pids[0]
        upload(browser, token, 1000)    # warm: the first request sets up its caches
        print("probe process %d, RSS after start and one small upload: %d KiB"
              % (pid, status_kib(pid, "VmRSS")))
        print("\n%-10s %12s %10s %14s" % ("file", "best time s", "MB/s", "peak RSS KiB"))
        for size in (1000000, 10000000, 50000000):
            times, peaks = [], []
            for _ in range(args.runs):
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")    # VmHWM starts again from the RSS now
                times.append(upload(browser, token, size))
                peaks.append(status_kib(pid, "VmHWM"))
            print("%-10s %12.3f %10.1f %14d" % ("%d MB" % (size // 1000000), min(times),
                                                size / 1e6 / min(times), max(peaks)))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
