"""The Fidèle stack on one machine, for tests, the demo and benchmarks.

The web server is chosen by web_server= or, by default, by the environment
variable FIDELE_WEB_SERVER (tests/web/run-apache and run-cgi set it):

    nginx         the programs under spawn-fcgi, nginx with nginx-conf/ (default)
    apache        a private Apache 2.4 (mpm_event) with the build's
                  apache-conf/fidele.conf: mod_fcgid starts the programs
    cgi           the same file, the programs as plain CGI under mod_cgid
    apache-proxy  the programs under spawn-fcgi as for nginx, Apache with
                  apache-conf/fidele-proxy.conf (mod_proxy_fcgi)

Apache is started as nginx is: by root, its workers (and the programs it
starts) running as www-data, on its own ServerRoot, pid file and ports.

Starts, on loopback and on free ports, a private MariaDB (its own datadir,
unix socket only), applies the migrations, an SMTP server (aiosmtpd), every
FastCGI program under spawn-fcgi, and nginx with the shipped snippet (the
build's nginx-conf/fidele.conf, made from the programs' declarations). stop() tears all of it down, and is also run at exit and on
SIGINT/SIGTERM, so a failing test never leaves servers behind.

    stack = Stack(var_dir, srcdir=..., builddir=...)
    stack.start()
    stack.admin("shop", "add", "--slug", "a", "--name", "Shop A")
    stack.sql("SELECT COUNT(*) FROM customer")
    stack.stop()

With database=ExternalDatabase(...) the stack starts no MariaDB of its own
and uses a running server (tests/galera/run: a Galera node per web node);
with shared=another_stack it also starts no SMTP server and takes the
other's SMTP server, mail folder, upload spool and secret, as a second web
node behind the same load balancer would (the spool must be shared between
web nodes: the worker reads the uploads and writes the exports there).
"""

import atexit
import base64
import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

def web_programs(builddir):
    """The web programs, as the build lists them (Makefile.am,
    fideleprog_PROGRAMS, written to the file "programs" by make)."""
    with open(os.path.join(builddir, "programs")) as f:
        return tuple(line.strip() for line in f if line.strip())

WEB_USER = "www-data"
WEB_SERVERS = ("nginx", "apache", "cgi", "apache-proxy")
APACHE_MODULES = "/usr/lib/apache2/modules"


def scrypt_phc(password, log2_n):
    """A password hash as fcgi/lib/crypto.c writes one: a PHC string in
    unpadded base64, r=8, p=1, 16 bytes of salt, a key of 32."""
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=2 ** log2_n, r=8, p=1, dklen=32)
    text = lambda raw: base64.b64encode(raw).decode().rstrip("=")
    return "$scrypt$ln=%d,r=8,p=1$%s$%s" % (log2_n, text(salt), text(key))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for " + what)


def can_connect(address):
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family) as s:
        try:
            s.connect(address)
            return True
        except OSError:
            return False


class ExternalDatabase:
    """A MariaDB server the stack does not own: its unix socket (root may
    sign in through it), the password of the 'fidele'@'localhost' user the
    caller made, and how to restart it (restart_mariadb), if one can."""

    def __init__(self, socket_path, password, restart=None):
        self.socket = socket_path
        self.password = password
        self.restart = restart


class Stack:
    def __init__(self, var_dir, srcdir, builddir, port=None, persistent=False,
                 buffer_pool="256M", processes=2, sanitizer_logs=False,
                 extra_programs=None, extra_nginx="", smtp=True, config_extra="",
                 web_server=None, extra_routes=None, pinned_shop=None,
                 database=None, shared=None, password_log2_n=None):
        self.var = os.path.abspath(var_dir)
        self.web_server = web_server or os.environ.get("FIDELE_WEB_SERVER") or "nginx"
        if self.web_server not in WEB_SERVERS:
            raise ValueError("FIDELE_WEB_SERVER is one of " + ", ".join(WEB_SERVERS))
        # extra_routes: what extra_nginx says, for Apache: [(regex, name)],
        # a path (an anchored regular expression) -> an extra program, tried
        # before the shipped file's routes; the program answers a body too
        # large itself
        self.extra_routes = extra_routes or []
        # a second vhost on pinned_port, pinned to this shop's slug as a
        # provider pins one (FIDELE_SHOP): the Host header then finds nothing
        self.pinned_shop = pinned_shop
        self.pinned_port = free_port() if pinned_shop else None
        self.srcdir = os.path.abspath(srcdir)
        self.builddir = os.path.abspath(builddir)
        self.port = port or free_port()
        self.database = database
        self.shared = shared
        # the suites sign admins in a thousand times, and a sign-in at the
        # programs' scrypt cost (2^17, 128 MiB) takes half a second of CPU:
        # with password_log2_n, the admins admin() adds get their passwords
        # hashed at that cost instead. The programs read a hash's cost from
        # its string (as for a hash made before the cost was raised): a
        # sign-in still runs the whole check, and every hash the programs
        # make themselves (a password set or reset through the pages, the
        # stand-in an unknown address pays for) has their own cost
        self.password_log2_n = password_log2_n
        self.smtp_port = shared.smtp_port if shared else free_port()
        self.persistent = persistent
        self.buffer_pool = buffer_pool
        self.processes = processes
        self.config_extra = config_extra
        self.sanitizer_logs = sanitizer_logs
        # benchmarks add programs of their own: {name: path}, served by
        # extra_nginx locations through $fidele_sockets/<name>.sock
        self.extra_programs = extra_programs or {}
        self.extra_nginx = extra_nginx
        # with smtp=False (the demo) the worker writes .eml files instead
        self.smtp = smtp
        self.smtp_process = None
        self.parsed_mail = {}       # messages(): path -> (mtime, message)
        self.children = []          # Popen objects we wait on
        self.running = False
        self.datadir = os.path.join(self.var, "mariadb")
        self.run_dir = os.path.join(self.var, "run")
        self.log_dir = os.path.join(self.var, "log")
        self.mail_dir = shared.mail_dir if shared else os.path.join(self.var, "mail")
        # uploads (Spool.Dir)
        self.spool_dir = shared.spool_dir if shared else os.path.join(self.var, "spool")
        self.inbox = os.path.join(self.mail_dir, "inbox")
        self.db_socket = database.socket if database else os.path.join(self.run_dir, "mariadb.sock")
        self.config = os.path.join(self.var, "fidele.hdf")
        self.base_url = "http://127.0.0.1:%d" % self.port
        # sql(): the kept client, the calls it served, its input's lines
        self.sql_lock = threading.Lock()
        self.sql_client = None
        self.sql_errors = None
        self.sql_calls = 0
        self.sql_lines = 0
        self.sql_marker = "fidele-sql-" + os.urandom(8).hex()

    # --- helpers ----------------------------------------------------------
    def env_sanitizer(self):
        """Where sanitizer builds of the programs write their reports."""
        if not self.sanitizer_logs:
            return {}
        return {"ASAN_OPTIONS": "log_path=%s/asan" % self.log_dir,
                "UBSAN_OPTIONS": "print_stacktrace=1:log_path=%s/ubsan" % self.log_dir}

    def env(self):
        env = dict(os.environ)
        env["FIDELE_CONFIG"] = self.config
        env.update(self.env_sanitizer())
        return env

    def program(self, name):
        return os.path.join(self.builddir, "fcgi", name)

    def program_pids(self, name):
        """PIDs of this stack's running copies of a program: those of another
        stack from the same build (make -j check runs several) have another
        FIDELE_CONFIG."""
        program, mine = self.program(name).encode(), b"FIDELE_CONFIG=" + self.config.encode()
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/cmdline" % entry, "rb") as f:
                        if f.read().split(b"\0")[0] != program:
                            continue
                    with open("/proc/%s/environ" % entry, "rb") as f:
                        if mine in f.read().split(b"\0"):
                            found.append(int(entry))
                except OSError:
                    pass
        return sorted(found)

    def admin(self, *args, input=None, check=True):
        """Runs fidele-admin; returns the CompletedProcess. With
        password_log2_n set, an admin it adds gets the password it was
        given hashed at that scrypt cost instead (see __init__); and an
        admin added as a test's setting (check=True) is written as
        fidele-admin's "admin add" writes it, without running it: its hash
        at the programs' cost, thrown away at once, was an eighth of the
        check's CPU. The command itself is tested through check=False
        (test_cli.py: added, unknown shop, bad address, twice)."""
        if (self.password_log2_n and args[:2] == ("admin", "add") and input and check):
            return self._admin_add(args[2:], input.split("\n")[0])
        result = subprocess.run([self.program("fidele-admin")] + list(args),
                                input=input, env=self.env(), capture_output=True,
                                text=True)
        if check and result.returncode != 0:
            raise RuntimeError("fidele-admin %s failed: %s" % (" ".join(args), result.stderr))
        if (self.password_log2_n and args[:2] == ("admin", "add") and input
                and result.returncode == 0):
            option = lambda name: args[args.index(name) + 1].replace("'", "''")
            self.sql("UPDATE admin SET password_hash = '%s' WHERE email = '%s' AND shop_id ="
                     " (SELECT id FROM shop WHERE slug = '%s')"
                     % (scrypt_phc(input.split("\n")[0], self.password_log2_n),
                        option("--email"), option("--shop")))
        return result

    def _admin_add(self, options, password):
        """fidele-admin admin add --shop S --email E [--name N] [--role R]
        with the password hashed at password_log2_n (see admin())."""
        given = dict(zip(options[::2], options[1::2]))
        if len(options) % 2 or not set(given) <= {"--shop", "--email", "--name", "--role"}:
            raise ValueError("admin add: %r" % (options,))
        quote = lambda text: "'%s'" % text.replace("\\", "\\\\").replace("'", "''")
        email, role = given["--email"].strip().lower(), given.get("--role", "owner")
        added = self.sql("INSERT INTO admin (shop_id, email, name, role, password_hash)"
                         " SELECT id, %s, %s, %s, %s FROM shop WHERE slug = %s; SELECT ROW_COUNT()"
                         % (quote(email), quote(given.get("--name", "")), quote(role),
                            quote(scrypt_phc(password, self.password_log2_n)),
                            quote(given["--shop"])))
        if added != [["1"]]:
            raise RuntimeError("admin add: no shop %s" % given["--shop"])
        return subprocess.CompletedProcess(
            ["fidele-admin", "admin", "add"] + list(options), 0,
            "admin %s added to %s as %s\n" % (email, given["--shop"], role), "")

    def sql(self, statement, database="fidele"):
        """Runs SQL as root through the socket, in a session of its own as a
        `mariadb` client run for it would; returns rows as lists of str.
        One client kept running serves the calls (it reconnects for each:
        a new session), as starting one per call cost 13 ms of CPU and the
        suites make thousands, many of them polling; a call made while
        another thread's is running, or SQL that changes the delimiter,
        gets a client of its own as before."""
        if "delimiter" in statement.lower() or not self.sql_lock.acquire(blocking=False):
            return self._sql_alone(statement, database)
        try:
            return self._sql_kept(statement, database)
        finally:
            self.sql_lock.release()

    def _sql_alone(self, statement, database):
        result = subprocess.run(
            ["mariadb", "--no-defaults", "--socket=" + self.db_socket, "-u", "root",
             "-N", "-B", database], input=statement, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError("SQL failed: %s\n%s" % (result.stderr, statement))
        return [line.split("\t") for line in result.stdout.splitlines()]

    def _sql_kept(self, statement, database):
        if self.sql_client is None or self.sql_client.poll() is not None:
            self._sql_client_end()
            self.sql_errors = tempfile.TemporaryFile(mode="w+")  # what it says on an error
            # -n: its answers are written out as each statement ends
            self.sql_client = subprocess.Popen(
                ["mariadb", "--no-defaults", "--socket=" + self.db_socket, "-u", "root",
                 "-N", "-B", "-n"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self.sql_errors, text=True)
            self.sql_lines = 0
        self.sql_calls += 1
        begin = "%s-%d-begin" % (self.sql_marker, self.sql_calls)
        end = "%s-%d-end" % (self.sql_marker, self.sql_calls)
        # the statement's first line is the client's line `first` (its
        # errors say "at line N" counting from its first input); the lone
        # ";" ends a last statement written without one
        first = self.sql_lines + 3
        text = "connect %s;\nSELECT '%s';\n%s\n;\nSELECT '%s';\n" % (database, begin,
                                                                     statement, end)
        self.sql_lines += text.count("\n")
        client = self.sql_client
        # a long input is written beside the reading: the client answers
        # statement by statement, and both pipes could fill up
        writer = threading.Thread(target=self._sql_write, args=(client, text), daemon=True)
        if len(text) > 32768:
            writer.start()
        else:
            self._sql_write(client, text)
        rows, started = [], False
        for line in client.stdout:
            line = line.rstrip("\n")
            if line == end:
                if writer.is_alive():
                    writer.join()
                return rows
            if started:
                rows.append(line.split("\t"))
            elif line == begin:
                started = True
        # the client ended, on an error: it said why, as one run for this
        # statement alone would have
        if writer.is_alive():
            writer.join()
        client.wait()
        self.sql_errors.seek(0)
        errors = re.sub(r"at line (\d+)", lambda m: "at line %d" % (int(m.group(1)) - first + 1),
                        self.sql_errors.read())
        self._sql_client_end()
        raise RuntimeError("SQL failed: %s\n%s" % (errors, statement))

    @staticmethod
    def _sql_write(client, text):
        try:
            client.stdin.write(text)
            client.stdin.flush()
        except (BrokenPipeError, OSError):
            pass    # it ended: the reading says why

    def _sql_client_end(self):
        client, self.sql_client = self.sql_client, None
        if self.sql_errors is not None:
            self.sql_errors.close()
            self.sql_errors = None
        if client is None:
            return
        for pipe in (client.stdin, client.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        if client.poll() is None:
            client.kill()
        client.wait()

    # --- start ----------------------------------------------------------------
    def start(self):
        for d in (self.var, self.run_dir, self.log_dir, self.mail_dir):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.var, 0o755)
        os.chmod(self.run_dir, 0o755)
        atexit.register(self.stop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        self.running = True
        self._start_mariadb()
        self._write_config()
        self.admin("migrate")
        if self.smtp and self.shared is None:
            self.start_smtp()
        if self.web_server in ("nginx", "apache-proxy"):
            self._start_programs()
        if self.web_server == "nginx":
            self._start_nginx()
        else:
            self._start_apache()
        self.worker = self.start_worker()

    def _on_signal(self, signum, frame):
        self.stop()
        sys.exit(128 + signum)

    def _spawn(self, argv, log_name, env=None):
        log = open(os.path.join(self.log_dir, log_name), "ab")
        child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                 env=env or self.env(), start_new_session=True)
        log.close()
        self.children.append(child)
        return child

    def _start_mariadb(self):
        if self.database is not None:
            wait_for(lambda: can_connect(self.db_socket), "MariaDB at " + self.db_socket, 60)
            self.db_password = self.database.password
            return
        fresh = not os.path.isdir(os.path.join(self.datadir, "mysql"))
        # a temporary folder of its own: servers set up at the same time in
        # the shared /tmp (make -j check starts several stacks) take each
        # other's temporary tables and fail
        tmpdir = os.path.join(self.var, "mariadb-tmp")
        os.makedirs(tmpdir, mode=0o700, exist_ok=True)
        if fresh:
            result = subprocess.run(
                ["mariadb-install-db", "--no-defaults", "--datadir=" + self.datadir,
                 "--tmpdir=" + tmpdir, "--user=root", "--auth-root-authentication-method=socket",
                 "--skip-test-db"], capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError("mariadb-install-db failed:\n" + result.stdout[-2000:] +
                                   result.stderr[-2000:])
        self.mariadb = self._spawn(
            ["/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + self.datadir,
             "--tmpdir=" + tmpdir,
             "--socket=" + self.db_socket, "--pid-file=" + os.path.join(self.run_dir, "mariadb.pid"),
             "--skip-networking", "--user=root",
             "--innodb-buffer-pool-size=" + self.buffer_pool,
             # a test server is stopped cleanly (terminate) or thrown away:
             # no doublewrite, the log written once a second, not at each
             # commit (a tenth less of MariaDB's CPU in the web suite)
             "--innodb-doublewrite=0", "--innodb-flush-log-at-trx-commit=0",
             "--innodb-log-file-size=256M",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_520_ci",
             "--max-connections=500", "--log-error=" + os.path.join(self.log_dir, "mariadb.err")],
            "mariadb.log")
        wait_for(lambda: self.mariadb.poll() is None and can_connect(self.db_socket),
                 "MariaDB", 60)
        if self.mariadb.poll() is not None:
            raise RuntimeError("MariaDB did not start; see " + self.log_dir)
        password_file = os.path.join(self.var, "db-password")
        if fresh or not os.path.exists(password_file):
            password = os.urandom(18).hex()
            self.sql("CREATE DATABASE IF NOT EXISTS fidele CHARACTER SET utf8mb4"
                     " COLLATE utf8mb4_unicode_520_ci;\n"
                     "CREATE OR REPLACE USER 'fidele'@'localhost' IDENTIFIED BY '%s';\n"
                     "GRANT ALL ON fidele.* TO 'fidele'@'localhost';\n" % password,
                     database="mysql")
            with open(password_file, "w") as f:
                f.write(password)
            os.chmod(password_file, 0o600)
        with open(password_file) as f:
            self.db_password = f.read().strip()

    def _write_config(self):
        secret_file = os.path.join((self.shared or self).var, "secret")
        if not os.path.exists(secret_file):
            with open(secret_file, "w") as f:
                f.write(os.urandom(32).hex())
            os.chmod(secret_file, 0o600)
        with open(secret_file) as f:
            secret = f.read().strip()
        with open(self.config, "w") as f:
            f.write("Database {\n  Socket = %s\n  User = fidele\n  Password = %s\n"
                    "  Name = fidele\n}\n" % (self.db_socket, self.db_password))
            f.write("Security.Secret = %s\n" % secret)
            if self.smtp:
                f.write("Mail {\n  Smtp = smtp://127.0.0.1:%d\n  RetrySeconds = 1\n"
                        "  PollMilliseconds = 100\n  From = fidele@localhost\n}\n" % self.smtp_port)
            f.write("Mail.Directory = %s\n" % self.mail_dir)
            f.write("Spool.Dir = %s\n" % self.spool_dir)
            f.write("Site.BaseUrl = %s\n" % self.base_url)
            f.write("Paths.Data = %s\n" % self.srcdir)
            # doctor looks for PHP on this server there: none in a test
            # stack, whatever the machine runs (tests/web/test_provider_cli.py
            # gives it some)
            f.write("Doctor.PhpPools = %s/php-pools/*.conf\n" % self.var)
            f.write("Doctor.ApacheDir = %s/no-apache\n" % self.var)
            f.write(self.config_extra)
        os.chmod(self.config, 0o640)
        if self.apache_runs_programs():
            # the programs run as Apache's user, who reads the file through
            # its group, as an installed /etc/fidele/fidele.hdf would be
            shutil.chown(self.config, group=WEB_USER)

    def start_worker(self):
        """Starts one more fidele-worker daemon; returns its process."""
        return self._spawn([self.program("fidele-worker")], "worker.log")

    def start_smtp(self):
        if self.shared is not None:
            return self.shared.start_smtp()
        self.smtp_process = self._spawn(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % self.smtp_port,
             "-c", "aiosmtpd.handlers.Mailbox", os.path.join(self.mail_dir, "inbox")],
            "smtp.log")
        wait_for(lambda: can_connect(("127.0.0.1", self.smtp_port)), "the SMTP server")

    def stop_smtp(self):
        """Stops the SMTP server, as an outage would."""
        if self.shared is not None:
            return self.shared.stop_smtp()
        self.smtp_process.terminate()
        self.smtp_process.wait(timeout=30)
        self.children.remove(self.smtp_process)
        self.smtp_process = None

    def messages(self):
        """Every mail the SMTP server accepted, as email.message objects."""
        import email
        import email.policy
        paths = []
        for sub in ("new", "cur"):
            folder = os.path.join(self.inbox, sub)
            if os.path.isdir(folder):
                paths += [os.path.join(folder, name) for name in os.listdir(folder)]
        # each file read once: a delivered mail never changes, and the inbox
        # holds every mail of the run (parsing all of it again on each poll
        # of a test waiting for one mail took seconds by the end)
        for path in paths:
            if path not in self.parsed_mail:
                with open(path, "rb") as f:
                    self.parsed_mail[path] = (os.fstat(f.fileno()).st_mtime_ns,
                                              email.message_from_binary_file(
                                                  f, policy=email.policy.default))
        # oldest first: maildir names do not sort by arrival
        paths.sort(key=lambda path: (self.parsed_mail[path][0], path))
        return [self.parsed_mail[path][1] for path in paths]

    def _start_programs(self):
        """Each program as a pool of processes behind one socket, the way
        nginx-conf/fidele@.service starts them: spawn-fcgi -n makes the
        socket (owned by the web server's user) and hands it to the shipped
        fidele-pool.sh, which keeps stderr, so the one-line-per-request log
        lands in log/<program>.log."""
        programs = [(name, self.program(name + ".fcgi")) for name in web_programs(self.builddir)]
        for name, path in programs + list(self.extra_programs.items()):
            sock = os.path.join(self.run_dir, name + ".sock")
            if os.path.exists(sock):
                os.unlink(sock)
            self._spawn(["spawn-fcgi", "-n", "-s", sock, "-M", "0660", "-U", WEB_USER,
                         "-G", WEB_USER, "--", os.path.join(self.srcdir, "nginx-conf", "fidele-pool.sh"),
                         path, str(self.processes)], name + ".log")
            wait_for(lambda: os.path.exists(sock), name + "'s socket")

    def apache_runs_programs(self):
        return self.web_server in ("apache", "cgi")

    def spool_folder(self, shop, sub="kept"):
        """A shop's spool folder (and its sub-folder, unless sub is None),
        made as the programs make it, for a test that puts a file there
        itself: theirs, mode 0700. Under Apache they run as www-data, and
        a folder the test (root) made first would refuse their next file."""
        folder = os.path.join(self.spool_dir, str(shop))
        path = os.path.join(folder, sub) if sub else folder
        for level in (folder, path):
            if not os.path.isdir(level):
                os.makedirs(level, mode=0o700, exist_ok=True)
                if self.apache_runs_programs():
                    shutil.chown(level, WEB_USER, WEB_USER)
        return path

    def _wrap_programs(self, folder):
        """The folder FIDELE_PROGRAMS names: each program (<name>.fcgi) as a
        script that sends its stderr (the one-line-per-request log) to
        log/<name>.log, as the pools do, with this stack's FIDELE_CONFIG,
        then execs the build's program (its pid and command line are the
        program's own: program_pids finds it)."""
        os.makedirs(folder, exist_ok=True)
        programs = [(name, self.program(name + ".fcgi")) for name in web_programs(self.builddir)]
        environment = dict(self.env_sanitizer(), FIDELE_CONFIG=self.config)
        for name, path in programs + list(self.extra_programs.items()):
            log = os.path.join(self.log_dir, name + ".log")
            open(log, "a").close()
            shutil.chown(log, WEB_USER, WEB_USER)
            wrapper = os.path.join(folder, name + ".fcgi")
            with open(wrapper, "w") as f:
                f.write("#!/bin/sh\nexec 2>>'%s'\n" % log)
                for key, value in sorted(environment.items()):
                    f.write("%s='%s'; export %s\n" % (key, value, key))
                f.write("exec '%s' \"$@\"\n" % path)
            os.chmod(wrapper, 0o755)

    def _start_apache(self):
        prefix = os.path.join(self.var, "apache")
        for sub in ("run", "fcgid", "htdocs"):
            os.makedirs(os.path.join(prefix, sub), exist_ok=True)
        shutil.chown(os.path.join(prefix, "fcgid"), WEB_USER, WEB_USER)
        proxy = self.web_server == "apache-proxy"
        modules = ["mpm_event", "authz_core", "mime", "alias", "rewrite", "headers", "env",
                   "reqtimeout"]
        if proxy:
            modules += ["proxy", "proxy_fcgi"]
            include = os.path.join(self.builddir, "apache-conf", "fidele-proxy.conf")
            where = "Define FIDELE_SOCKETS %s" % self.run_dir
        else:
            # plain CGI: no FastCGI module at all, as on such a server
            modules += ["cgid"] if self.web_server == "cgi" else ["fcgid"]
            include = os.path.join(self.builddir, "apache-conf", "fidele.conf")
            programs = os.path.join(self.var, "programs")
            self._wrap_programs(programs)
            where = "Define FIDELE_PROGRAMS %s" % programs
            # the programs under www-data write their logs (and sanitizer
            # reports) here and their uploads in the spool
            shutil.chown(self.log_dir, WEB_USER, WEB_USER)
            os.makedirs(self.spool_dir, exist_ok=True)
            shutil.chown(self.spool_dir, WEB_USER, WEB_USER)
        extra = "RewriteEngine On\n" + "".join(
            "    RewriteRule %s %s\n" % (regex, "- [H=proxy:unix:%s/%s.sock|fcgi://localhost/,L]"
                                         % (self.run_dir, name) if proxy else
                                         '"%s/%s.fcgi" [L]' % (programs, name))
            for regex, name in self.extra_routes)
        vhosts = ""
        for port, pin in ((self.port, None), (self.pinned_port, self.pinned_shop)):
            if port is None:
                continue
            vhosts += APACHE_VHOST % {
                "port": port, "where": where, "data": self.srcdir, "include": include,
                "log": self.log_dir, "extra": extra,
                "pin": "SetEnv FIDELE_SHOP %s" % pin if pin else "",
            }
        conf = os.path.join(prefix, "apache2.conf")
        with open(conf, "w") as f:
            f.write(APACHE_CONF % {
                "prefix": prefix, "user": WEB_USER, "log": self.log_dir,
                "modules": "".join("LoadModule %s_module %s/mod_%s.so\n" % (m, APACHE_MODULES, m)
                                   for m in modules),
                "listen": "".join("Listen 127.0.0.1:%d\n" % port
                                  for port in (self.port, self.pinned_port) if port),
                "vhosts": vhosts,
            })
        self.apache = self._spawn(["/usr/sbin/apache2", "-d", prefix, "-f", conf, "-DFOREGROUND"],
                                  "apache.log")
        wait_for(lambda: self.apache.poll() is not None or
                 can_connect(("127.0.0.1", self.port)), "Apache")
        if self.apache.poll() is not None:
            with open(os.path.join(self.log_dir, "apache.log"), errors="replace") as f:
                raise RuntimeError("Apache did not start: " + f.read()[-2000:])

    def _start_nginx(self):
        prefix = os.path.join(self.var, "nginx")
        for sub in ("body", "fastcgi", "proxy", "uwsgi", "scgi"):
            path = os.path.join(prefix, sub)
            os.makedirs(path, exist_ok=True)
            shutil.chown(path, WEB_USER, WEB_USER)
        # the vhost includes snippets/fidele.conf as an installed one would:
        # here snippets/ holds the build's fidele.conf (made from the
        # programs' declarations) and the source tree's fidele-fastcgi.conf
        snippets = os.path.join(prefix, "snippets")
        if os.path.islink(snippets):    # a persistent stack of an older tree
            os.unlink(snippets)
        os.makedirs(snippets, exist_ok=True)
        for name, tree in (("fidele.conf", self.builddir), ("fidele-fastcgi.conf", self.srcdir)):
            link = os.path.join(snippets, name)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink(os.path.join(tree, "nginx-conf", name), link)
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF % {
                "user": WEB_USER, "prefix": prefix, "log": self.log_dir, "port": self.port,
                "run": self.run_dir, "data": self.srcdir, "extra": self.extra_nginx,
                "pinned": NGINX_PINNED % {
                    "port": self.pinned_port, "run": self.run_dir, "data": self.srcdir,
                    "shop": self.pinned_shop, "extra": self.extra_nginx,
                } if self.pinned_shop else "",
            })
        self.nginx = self._spawn(["nginx", "-p", prefix, "-c", conf, "-e",
                                  os.path.join(self.log_dir, "nginx-error.log")], "nginx.log")
        wait_for(lambda: can_connect(("127.0.0.1", self.port)), "nginx")

    def restart_mariadb(self, while_down=None):
        """Stops and starts the database server, as a crash or an upgrade
        would; the programs keep running. while_down, if given, is called
        while the server is stopped (not for a server the stack does not
        own)."""
        if self.database is not None:
            return self.database.restart()
        self.mariadb.terminate()
        self.mariadb.wait(timeout=60)
        self.children.remove(self.mariadb)
        if while_down is not None:
            while_down()
        self._start_mariadb()

    # --- stop -------------------------------------------------------------------
    def stop(self):
        if not self.running:
            return
        self.running = False
        self._sql_client_end()
        # each child leads its own process group (a pool's shell and its
        # programs, say): signal the whole group
        for child in reversed(self.children):
            if child.poll() is None:
                try:
                    os.killpg(child.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for child in reversed(self.children):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.children = []
        if not self.persistent:
            shutil.rmtree(self.var, ignore_errors=True)

    def sanitizer_reports(self):
        """Texts of AddressSanitizer/UBSan reports the programs wrote."""
        reports = []
        for path in glob.glob(os.path.join(self.log_dir, "asan*")) + \
                glob.glob(os.path.join(self.log_dir, "ubsan*")):
            with open(path, errors="replace") as f:
                reports.append(f.read())
        return reports


# The test and demo server: the shipped snippet inside a plain server block.
NGINX_CONF = """\
user %(user)s;
worker_processes 1;
pid %(prefix)s/nginx.pid;
daemon off;
error_log %(log)s/nginx-error.log warn;
events { worker_connections 512; }
http {
    types {
        text/html html;
        text/css css;
        application/javascript js;
        image/png png;
        image/svg+xml svg;
    }
    default_type application/octet-stream;
    access_log %(log)s/nginx-access.log;
    client_body_temp_path %(prefix)s/body;
    fastcgi_temp_path %(prefix)s/fastcgi;
    proxy_temp_path %(prefix)s/proxy;
    uwsgi_temp_path %(prefix)s/uwsgi;
    scgi_temp_path %(prefix)s/scgi;
    server {
        listen 127.0.0.1:%(port)d default_server;
        server_name _;
        set $fidele_sockets %(run)s;
        set $fidele_data %(data)s;
        set $fidele_shop "";
        %(extra)s
        include snippets/fidele.conf;
    }
%(pinned)s}
"""

# a second server block, pinned to a shop as a provider pins one
NGINX_PINNED = """\
    server {
        listen 127.0.0.1:%(port)d;
        server_name _;
        set $fidele_sockets %(run)s;
        set $fidele_data %(data)s;
        set $fidele_shop %(shop)s;
        %(extra)s
        include snippets/fidele.conf;
    }
"""

# The test and demo server under Apache: the shipped apache-conf/ file
# inside a plain <VirtualHost>, with the CustomLog its comment asks for.
APACHE_CONF = """\
ServerRoot %(prefix)s
ServerName 127.0.0.1
%(listen)sPidFile %(prefix)s/run/apache2.pid
DefaultRuntimeDir %(prefix)s/run
Mutex file:%(prefix)s/run default
User %(user)s
Group %(user)s
ErrorLog %(log)s/apache-error.log
LogLevel warn
%(modules)s
StartServers 1
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
ServerTokens Prod
TypesConfig /dev/null
AddType text/html .html
AddType text/css .css
AddType application/javascript .js
AddType image/png .png
AddType image/svg+xml .svg
DocumentRoot %(prefix)s/htdocs
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<IfModule mod_fcgid.c>
    FcgidIPCDir %(prefix)s/fcgid
    FcgidProcessTableFile %(prefix)s/fcgid/shm
</IfModule>
<IfModule mod_cgid.c>
    ScriptSock %(prefix)s/run/cgid.sock
</IfModule>
%(vhosts)s"""

APACHE_VHOST = """\
<VirtualHost 127.0.0.1:%(port)d>
    ServerName 127.0.0.1
    %(where)s
    Define FIDELE_DATA %(data)s
    %(pin)s
    %(extra)s
    Include %(include)s
    CustomLog %(log)s/apache-access.log fidele
</VirtualHost>
"""
