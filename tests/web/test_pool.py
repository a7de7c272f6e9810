"""The program pools keep running: nginx-conf/fidele-pool.sh starts a copy
that died again, stops every copy on SIGTERM under Debian's /bin/sh (dash),
and exits non-zero when a program cannot start at all, so that systemd's
Restart=on-failure can act; nginx-conf/spawn-fcgi.sh says when a pool did
not start."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web

DASH = shutil.which("dash")


def pool_script():
    return os.path.join(web.STACK.srcdir, "nginx-conf", "fidele-pool.sh")


def parent_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            # the command name in parentheses may hold spaces: read after it
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def command_of(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return ""


def gone(pid, program):
    """Whether a copy killed is gone with its sockets: a process that exits
    gives its memory back (its cmdline reads empty) before it closes its
    files, and a request sent in between waits on its listening socket
    until it is closed, then is reset (mod_fcgid answered 500 "End of script
    output before headers", 3 times in 150 kills at load 12). Only a zombie,
    or no process, has closed them."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    command = command_of(pid)
    return state in ("Z", "X") or (command != "" and command != program)


def descendants(ancestor, program):
    """PIDs of the running processes of program under ancestor."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if command_of(pid) != program:
            continue
        parent = parent_of(pid)
        while parent > 1 and parent != ancestor:
            parent = parent_of(parent)
        if parent == ancestor:
            found.append(pid)
    return sorted(found)


def wait_until(check, what, timeout=30, detail=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what + (detail() if detail else ""))


def pool_log(name):
    """The end of a stack pool's log (its copies' request lines, and the
    pool script's own), for a failure to say what the pool did."""
    try:
        with open(os.path.join(web.STACK.log_dir, name + ".log"), errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return "(no %s.log)" % name


def stack_pool(name):
    """The stack's pool of one program (spawn-fcgi -n has become the pool's
    shell) and the program's path."""
    program = web.STACK.program(name + ".fcgi")
    for child in web.STACK.children:
        if isinstance(child.args, list) and program in child.args and child.poll() is None:
            return child.pid, program
    raise AssertionError("no running pool for " + name)


class StackPool(unittest.TestCase):
    """The harness runs each program as spawn-fcgi -n ... fidele-pool.sh
    <program> 2, as fidele@.service does. Under Apache with mod_fcgid
    (FIDELE_WEB_SERVER=apache) Apache starts the programs and no pool runs:
    then its copies killed, every one, are replaced as they would be, and
    as plain CGI (cgi) no copy outlives its request."""

    def apache_keeps_the_program_running(self, name):
        program = web.STACK.program(name + ".fcgi")
        self.assertEqual(web.Browser(ALPHA_HOST).get("/admin/login").status, 200)
        copies = web.STACK.program_pids(name + ".fcgi")
        if web.STACK.web_server == "cgi":
            self.assertEqual(copies, [])
        else:
            self.assertTrue(copies)
        for pid in copies:
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: all(gone(pid, program) for pid in copies), "the copies to end")
        browser = web.Browser(ALPHA_HOST)
        page = browser.get("/admin/login")
        self.assertEqual(page.status, 200, "%s\n%s\n%s" % (
            page.text()[:300], pool_log("apache-error")[-3000:], pool_log(name)[-2000:]))
        browser.sign_in(*ALPHA_OWNER)
        for _ in range(4):
            self.assertEqual(browser.get("/admin/customers").status, 200)
            self.assertEqual(browser.get("/admin/login").status, 200)
        self.assertFalse(set(web.STACK.program_pids(name + ".fcgi")) & set(copies))

    def test_a_killed_copy_is_started_again_and_requests_keep_working(self):
        if web.STACK.web_server in ("apache", "cgi"):
            return self.apache_keeps_the_program_running("login")
        pool, program = stack_pool("login")

        def detail():
            return ": copies now %s, the pool's log ends with\n%s" % (
                descendants(pool, program), pool_log("login")[-3000:])
        copies = wait_until(lambda: len(descendants(pool, program)) == 2 and
                            descendants(pool, program), "two login copies", detail=detail)
        os.kill(copies[0], signal.SIGKILL)
        # kill() returns before the copy is gone, and a copy still waiting
        # in accept() takes a connection that comes first and dies with it
        # (nginx answered 502, at load 10): the requests are the next ones
        wait_until(lambda: gone(copies[0], program), "the killed copy to end", detail=detail)
        for _ in range(6):
            page = web.Browser(ALPHA_HOST).get("/admin/login")
            self.assertEqual(page.status, 200, detail())
        now = wait_until(lambda: len(descendants(pool, program)) == 2 and
                         descendants(pool, program), "the killed copy to be replaced",
                         detail=detail)
        self.assertNotIn(copies[0], now, detail())
        self.assertIn(copies[1], now, detail())
        self.assertIn("login.fcgi ended with status 137", pool_log("login"))

    def test_every_copy_killed_comes_back(self):
        if web.STACK.web_server in ("apache", "cgi"):
            return self.apache_keeps_the_program_running("customers")
        pool, program = stack_pool("customers")
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        copies = wait_until(lambda: len(descendants(pool, program)) == 2 and
                            descendants(pool, program), "two customers copies")
        for pid in copies:
            os.kill(pid, signal.SIGKILL)
        # a killed copy still dying reads as a copy (its cmdline is there
        # until it gives its memory back): once, beside the first copy
        # that replaced the other one, that made "two copies" too early
        for pid in copies:
            wait_until(lambda: gone(pid, program), "the killed copy %d to end" % pid)
        now = wait_until(lambda: len(descendants(pool, program)) == 2 and
                         descendants(pool, program), "both copies to be replaced")
        self.assertFalse(set(now) & set(copies))
        page = browser.get("/admin/customers")
        self.assertEqual(page.status, 200)
        self.assertIn("Clients", page.text())


class PoolScript(unittest.TestCase):
    """The script on its own, under dash as Debian's /bin/sh runs it."""

    def setUp(self):
        self.assertTrue(DASH, "dash is Debian's /bin/sh")
        self.folder = tempfile.mkdtemp(dir=web.STACK.var)
        os.chmod(self.folder, 0o755)

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def test_sigterm_stops_every_copy_and_exits_zero(self):
        program = web.STACK.program("login.fcgi")
        sock = os.path.join(self.folder, "pool.sock")
        pool = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "--", DASH, pool_script(),
                                 program, "3"], env=web.STACK.env(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            copies = wait_until(lambda: len(descendants(pool.pid, program)) == 3 and
                                descendants(pool.pid, program), "three copies")
            pool.send_signal(signal.SIGTERM)
            _, errors = pool.communicate(timeout=30)
        finally:
            if pool.poll() is None:
                os.killpg(pool.pid, signal.SIGKILL)
                pool.wait()
        self.assertEqual(pool.returncode, 0, errors)
        # every copy is gone, not left behind without its pool
        wait_until(lambda: all(gone(pid, program) for pid in copies), "the copies to end")

    def test_a_program_that_cannot_start_makes_the_pool_exit_non_zero(self):
        result = subprocess.run([DASH, pool_script(), "/bin/false", "2"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 1)
        self.assertIn("false ended with status 1", result.stderr)
        self.assertIn("giving up", result.stderr)

    def test_a_copy_that_exits_zero_is_not_started_again(self):
        result = subprocess.run([DASH, pool_script(), "/bin/true", "2"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0)
        self.assertNotIn("starting it again", result.stderr)

    def test_a_bad_count_is_refused(self):
        for count in ("0", "two", "-1"):
            result = subprocess.run([DASH, pool_script(), "/bin/true", count],
                                    stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                    timeout=60)
            self.assertEqual(result.returncode, 2, count)
            self.assertIn("usage", result.stderr)


class SpawnScript(unittest.TestCase):
    """nginx-conf/spawn-fcgi.sh, the way to start the pools without systemd."""

    FAKE = "#!/bin/sh\ntrap 'exit 0' TERM\nwhile :; do sleep 1; done\n"

    def setUp(self):
        self.folder = tempfile.mkdtemp(dir=web.STACK.var)
        os.chmod(self.folder, 0o755)
        self.libexec = os.path.join(self.folder, "libexec")
        os.makedirs(self.libexec)
        shutil.copy(pool_script(), self.libexec)
        shutil.copy(os.path.join(web.STACK.builddir, "programs"), self.libexec)
        for name in ("login", "customers", "import", "export", "signup"):
            path = os.path.join(self.libexec, name + ".fcgi")
            with open(path, "w") as f:
                f.write(self.FAKE)
            os.chmod(path, 0o755)
        self.pools = []

    def tearDown(self):
        for pid in self.pools:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in self.pools:
            wait_until(lambda: not os.path.exists("/proc/%d" % pid), "pool %d to end" % pid)
        shutil.rmtree(self.folder, ignore_errors=True)

    def run_script(self, libexec):
        env = dict(web.STACK.env(), FIDELE_LIBEXEC=libexec,
                   FIDELE_SOCKETS=os.path.join(self.folder, "run"),
                   FIDELE_LOGS=os.path.join(self.folder, "log"), FIDELE_PROCESSES="2",
                   FIDELE_USER="nobody", FIDELE_GROUP="nogroup")
        result = subprocess.run(["/bin/sh", os.path.join(web.STACK.srcdir, "nginx-conf",
                                                         "spawn-fcgi.sh")],
                                env=env, capture_output=True, text=True, timeout=60)
        self.pools += [int(pid) for pid in re.findall(r"started \(pid (\d+)\)", result.stdout)]
        return result

    def test_every_pool_started_exits_zero(self):
        result = self.run_script(self.libexec)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.pools), 6, result.stdout)
        for name in ("login", "customers", "import", "export", "signup", "groups"):
            self.assertTrue(os.path.exists(os.path.join(self.folder, "run", name + ".sock")))

    def test_a_pool_that_did_not_start_exits_non_zero(self):
        missing = os.path.join(self.folder, "missing")
        os.makedirs(missing)
        shutil.copy(os.path.join(self.libexec, "programs"), missing)
        result = self.run_script(missing)
        self.assertEqual(result.returncode, 1)
        self.assertIn("login did not start", result.stderr)
        self.assertIn("customers did not start", result.stderr)
