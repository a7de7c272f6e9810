"""The worker against real TLS SMTP servers (STARTTLS on smtp://, implicit
TLS on smtps://, AUTH on both) with a throwaway CA, its retry schedule,
and the settings it refuses to start with: no Mail.Smtp (mail waits in the
database), a bad Mail.StartTls, a placeholder Security.Secret (the web
programs and fidele-admin refuse that one too).

The stack's own worker is paused meanwhile, so that each mail here is
taken only by the worker a test runs (fidele-worker --once)."""

import email.utils
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from inbox import mails_to
import web

USER = "relay-user"
PASSWORD = "relay-password-ü"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def make_certificates(folder):
    """A CA of its own and a server certificate it signed for 127.0.0.1 and
    localhost: ca.pem, server.pem, server.key."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Fidele test CA", cwd=folder)
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=folder)
    with open(os.path.join(folder, "server.ext"), "w") as f:
        f.write("basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
                "subjectAltName = IP:127.0.0.1, DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            cwd=folder)


def stack_config_without_mail():
    """The stack's configuration with every Mail setting taken out."""
    with open(web.STACK.config) as f:
        text = re.sub(r"Mail \{.*?\}\n", "", f.read(), flags=re.S)
    return re.sub(r"^Mail\.\w+ = .*\n", "", text, flags=re.M)


class WorkerCase(unittest.TestCase):
    """Pauses the stack's worker for the class; helpers to queue a mail and
    run a worker of its own on it."""

    @classmethod
    def setUpClass(cls):
        worker = web.STACK.worker
        worker.terminate()
        worker.wait(timeout=30)
        web.STACK.children.remove(worker)
        cls.folder = tempfile.mkdtemp(dir=web.STACK.var)
        # mail the earlier tests left waiting (due, or due again after a
        # retry) would go to this class's workers and their stalling
        # servers: set aside for the class, given back after it
        cls.set_aside = [row[0] for row in web.STACK.sql(
            "SELECT id FROM outbox WHERE status IN ('queued', 'sending')")]
        if cls.set_aside:
            web.STACK.sql("UPDATE outbox SET next_attempt_at = next_attempt_at + INTERVAL 1 DAY"
                          " WHERE id IN (%s)" % ",".join(cls.set_aside))

    @classmethod
    def tearDownClass(cls):
        if cls.set_aside:
            web.STACK.sql("UPDATE outbox SET next_attempt_at = next_attempt_at - INTERVAL 1 DAY"
                          " WHERE id IN (%s)" % ",".join(cls.set_aside))
        web.STACK.worker = web.STACK.start_worker()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def setUp(self):
        self.queued = []

    def tearDown(self):
        # a mail left waiting here would be taken by the next worker
        for address in self.queued:
            web.STACK.sql("DELETE FROM outbox WHERE recipient = '%s'" % address)

    def config(self, text, secret=None):
        """Writes a configuration (the stack's, Mail replaced by text);
        returns the environment that points the programs at it."""
        base = stack_config_without_mail()
        if secret is not None:
            base = re.sub(r"^Security\.Secret = .*$", "Security.Secret = " + secret, base,
                          flags=re.M)
        handle, path = tempfile.mkstemp(suffix=".hdf", dir=self.folder)
        with os.fdopen(handle, "w") as f:
            f.write(base + text)
        return dict(web.STACK.env(), FIDELE_CONFIG=path)

    def queue(self, address):
        """Queues a mail for later (the stack's worker must not take it)."""
        self.queued.append(address)
        web.STACK.sql("DELETE FROM outbox WHERE recipient = '%s';"
                      "INSERT INTO outbox (shop_id, kind, recipient, subject, body_text,"
                      " next_attempt_at) SELECT id, 'test', '%s', 'Essai TLS', 'corps',"
                      " NOW() + INTERVAL 1 HOUR FROM shop WHERE slug = 'alpha'"
                      % (address, address))

    def run_once(self, env, address):
        """Makes the mail due, runs fidele-worker --once."""
        web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'" % address)
        return subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                              capture_output=True, text=True, timeout=120)

    def row(self, address):
        return web.STACK.sql("SELECT status, attempts, COALESCE(last_error, '') FROM outbox"
                             " WHERE recipient = '%s'" % address)[0]


class SenderAddress(WorkerCase):
    """A shop's owner types any address as the shop's sender: the relay
    sends as it only for the domains the provider lists
    (Mail.SenderDomains); otherwise the mail comes from Mail.From, in the
    shop's name, and replies go to the shop."""

    def setUp(self):
        super().setUp()
        self.addCleanup(web.STACK.sql, "UPDATE shop SET sender_email = '' WHERE slug = 'alpha'")

    def sent(self, shop_address, domains=None):
        """The mail a worker with Mail.SenderDomains = domains (None: not
        set) sends for alpha, whose sender is shop_address."""
        web.STACK.sql("UPDATE shop SET sender_email = '%s' WHERE slug = 'alpha'" % shop_address)
        address = "sender-%d@alpha.test" % len(self.queued)
        self.queue(address)
        env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:%d\n  From = fidele@localhost\n%s}\n"
                          % (web.STACK.smtp_port, "" if domains is None else
                             "  SenderDomains = %s\n" % domains))
        result = self.run_once(env, address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[0], "sent")
        return mails_to(address)[-1]

    def assertFrom(self, message, sender, reply_to):
        self.assertEqual(str(message["From"]), "Épicerie Alpha <%s>" % sender)
        self.assertEqual(message["X-MailFrom"], sender)          # the envelope's
        self.assertEqual(message["Reply-To"], reply_to)

    def test_an_address_of_a_domain_not_listed_replies_to_the_shop(self):
        self.assertFrom(self.sent("contact@alpha.test"), "fidele@localhost", "contact@alpha.test")
        self.assertFrom(self.sent("ceo@bank.example", "alpha.test"), "fidele@localhost",
                        "ceo@bank.example")
        # the domain itself, not one that ends like it
        self.assertFrom(self.sent("x@notalpha.test", "alpha.test"), "fidele@localhost",
                        "x@notalpha.test")

    def test_an_address_of_a_listed_domain_is_the_sender(self):
        self.assertFrom(self.sent("contact@alpha.test", "beta.test, ALPHA.test"),
                        "contact@alpha.test", None)
        self.assertFrom(self.sent("contact@alpha.test", "*"), "contact@alpha.test", None)

    def test_a_shop_without_an_address_sends_from_the_installations(self):
        self.assertFrom(self.sent("", "*"), "fidele@localhost", None)

    def test_a_sender_name_with_a_comma_or_brackets_is_one_name(self):
        """"Dupont, Fils" would read as two addresses, and a name holding
        <boss@bank.example> as another sender: the name is quoted."""
        self.addCleanup(web.STACK.sql, "UPDATE shop SET sender_name = '' WHERE slug = 'alpha'")
        for name in ("Dupont, Fils", "Dupont, Fils <boss@bank.example>", "J. Dupont \\ Fils"):
            web.STACK.sql("UPDATE shop SET sender_name = '%s' WHERE slug = 'alpha'"
                          % name.replace("\\", "\\\\"))
            message = self.sent("", "*")
            self.assertEqual(email.utils.getaddresses([str(message["From"])]),
                             [(name, "fidele@localhost")], name)
            self.assertFalse(message["From"].defects, name)


class TlsServers(WorkerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_certificates(cls.folder)
        cls.servers = {}
        for mode in ("starttls", "smtps"):
            port = free_port()
            maildir = os.path.join(cls.folder, mode + "-inbox")
            log_path = os.path.join(web.STACK.log_dir, "smtp-%s.log" % mode)
            with open(log_path, "ab") as log:
                process = subprocess.Popen(
                    ["/usr/bin/python3",
                     os.path.join(web.STACK.srcdir, "tests", "lib", "smtpd_tls.py"),
                     mode, str(port), os.path.join(cls.folder, "server.pem"),
                     os.path.join(cls.folder, "server.key"), USER, PASSWORD, maildir],
                    stdout=subprocess.PIPE, stderr=log, text=True)
            cls.servers[mode] = (port, maildir, process)
            # the server prints one line once it accepts connections, or
            # ends (an empty read) when it cannot start
            if "listening" not in process.stdout.readline():
                with open(log_path, errors="replace") as log:
                    raise RuntimeError("the %s server did not start: %s" % (mode, log.read()))

    @classmethod
    def tearDownClass(cls):
        for _, _, process in cls.servers.values():
            process.terminate()
            process.wait(timeout=30)
            process.stdout.close()
        super().tearDownClass()

    def url(self, mode):
        scheme = "smtps" if mode == "smtps" else "smtp"
        return "%s://127.0.0.1:%d" % (scheme, self.servers[mode][0])

    def mail_config(self, mode, password=PASSWORD, ca=True, starttls=None):
        text = "Mail {\n  Smtp = %s\n  User = %s\n  Password = %s\n" % (
            self.url(mode), USER, password)
        if ca:
            text += "  CaFile = %s\n" % os.path.join(self.folder, "ca.pem")
        if starttls:
            text += "  StartTls = %s\n" % starttls
        return self.config(text + "  RetrySeconds = 600\n}\n")

    def delivered(self, mode, address):
        """Subjects of the mails the server of mode accepted for address."""
        import email
        import email.policy
        folder = os.path.join(self.servers[mode][1], "new")
        subjects = []
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, name), "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if message["To"] == address:
                subjects.append(message["Subject"])
        return subjects

    def test_starttls_required_with_auth_delivers_the_mail(self):
        address = "starttls@alpha.test"
        self.queue(address)
        result = self.run_once(self.mail_config("starttls", starttls="required"), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[:2], ["sent", "1"])
        self.assertEqual(self.delivered("starttls", address), ["Essai TLS"])

    def test_starttls_is_used_by_default_when_the_server_offers_it(self):
        address = "opportunistic@alpha.test"
        self.queue(address)
        # the server takes neither AUTH nor MAIL before STARTTLS
        result = self.run_once(self.mail_config("starttls"), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[:2], ["sent", "1"])
        self.assertEqual(self.delivered("starttls", address), ["Essai TLS"])

    def test_smtps_with_auth_delivers_the_mail(self):
        address = "smtps@alpha.test"
        self.queue(address)
        result = self.run_once(self.mail_config("smtps"), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[:2], ["sent", "1"])
        self.assertEqual(self.delivered("smtps", address), ["Essai TLS"])

    def test_a_wrong_password_keeps_the_mail_waiting_and_says_why(self):
        for mode in ("starttls", "smtps"):
            address = "denied-%s@alpha.test" % mode
            self.queue(address)
            result = self.run_once(self.mail_config(mode, password="wrong"), address)
            status, attempts, error = self.row(address)
            self.assertEqual((status, attempts), ("queued", "1"), mode)
            self.assertIn("Login denied", error)
            self.assertIn("to %s: Login denied" % address, result.stderr)
            self.assertEqual(self.delivered(mode, address), [])

    def test_an_untrusted_certificate_keeps_the_mail_waiting_and_says_why(self):
        for mode in ("starttls", "smtps"):
            address = "untrusted-%s@alpha.test" % mode
            self.queue(address)
            # without Mail.CaFile the system's CAs do not know this one
            result = self.run_once(self.mail_config(mode, ca=False), address)
            status, attempts, error = self.row(address)
            self.assertEqual((status, attempts), ("queued", "1"), mode)
            self.assertIn("certificate", error.lower())
            self.assertIn("to " + address, result.stderr)
            self.assertEqual(self.delivered(mode, address), [])

    def test_an_unreadable_ca_file_stops_the_worker(self):
        address = "no-ca@alpha.test"
        self.queue(address)
        env = self.config("Mail {\n  Smtp = %s\n  CaFile = %s\n}\n"
                          % (self.url("smtps"), os.path.join(self.folder, "missing.pem")))
        result = self.run_once(env, address)
        self.assertEqual(result.returncode, 3)
        self.assertIn("cannot read Mail.CaFile", result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "0"])


class RetrySchedule(WorkerCase):
    def test_each_failure_waits_twice_as_long_up_to_an_hour(self):
        address = "backoff@alpha.test"
        self.queue(address)
        # nothing listens on port 9 (discard): every attempt fails
        env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:9\n  RetrySeconds = 600\n"
                          "  RetryMaxSeconds = 3600\n}\n")
        for attempt, delay in enumerate((600, 1200, 2400, 3600, 3600), start=1):
            before = web.STACK.sql("SELECT UNIX_TIMESTAMP(NOW())")[0][0]
            self.run_once(env, address)
            after, due, status, attempts = web.STACK.sql(
                "SELECT UNIX_TIMESTAMP(NOW()), UNIX_TIMESTAMP(next_attempt_at), status, attempts"
                " FROM outbox WHERE recipient = '%s'" % address)[0]
            self.assertEqual((status, attempts), ("queued", str(attempt)))
            # the attempt happened between before and after: its next one
            # is due exactly delay seconds after it
            self.assertGreaterEqual(int(due), int(before) + delay, attempt)
            self.assertLessEqual(int(due), int(after) + delay, attempt)

    def test_a_mail_is_not_tried_again_before_it_is_due(self):
        address = "not-yet@alpha.test"
        self.queue(address)
        env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:9\n  RetrySeconds = 600\n}\n")
        self.run_once(env, address)
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "1"])


def children_named(pid, name):
    """The PIDs of pid's children whose command is name."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/comm" % entry) as f:
                command = f.read().strip()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and command == name:
            found.append(int(entry))
    return found


def sockets(pid):
    """The sockets pid has open ("socket:[inode]")."""
    found = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


class Stalling:
    """An SMTP server that takes a mail's envelope and body and then never
    answers: a worker stays inside that mail (for up to its 60 s timeout),
    holding the claims of its round. With answer_after, it takes the mail
    that many seconds after its body instead. bodies counts the bodies it
    was given."""

    def __init__(self, answer_after=None):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.held = []
        self.answer_after = answer_after
        self.bodies = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)
            threading.Thread(target=self.talk, args=(connection,), daemon=True).start()

    def talk(self, connection):
        try:
            stream = connection.makefile("rwb")
            stream.write(b"220 stalling ESMTP\r\n")
            stream.flush()
            for line in stream:
                command = line[:4].upper()
                if command in (b"EHLO", b"HELO"):
                    stream.write(b"250 stalling\r\n")
                elif command == b"DATA":
                    stream.write(b"354 go on\r\n")
                    stream.flush()
                    for body_line in stream:
                        if body_line == b".\r\n":
                            break
                    self.bodies += 1
                    if self.answer_after is None:
                        return  # and never say 250
                    time.sleep(self.answer_after)
                    stream.write(b"250 taken\r\n")
                elif command == b"QUIT":
                    stream.write(b"221 bye\r\n")
                    stream.flush()
                    return
                else:
                    stream.write(b"250 ok\r\n")
                stream.flush()
        except OSError:
            return

    def close(self):
        self.socket.close()
        for connection in self.held:
            connection.close()


class Mailer(WorkerCase):
    """The SMTP conversation is fidele-mailer's, a process the worker starts
    while it has mail to send: the worker itself loads no libcurl."""

    def wait(self, condition, what, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.1)
        self.fail("waited %d s for %s" % (seconds, what))

    def test_the_worker_sends_through_its_mailer_and_loads_no_libcurl(self):
        address = "through-mailer@alpha.test"
        self.queue(address)
        worker = subprocess.Popen([web.STACK.program("fidele-worker")], env=web.STACK.env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'"
                          % address)
            self.wait(lambda: self.row(address)[0] == "sent", "the mail to be sent")
            self.assertEqual(len(mails_to(address)), 1, "the SMTP server has the mail")
            with open("/proc/%d/maps" % worker.pid) as f:
                maps = f.read()
            self.assertNotIn("libcurl", maps)
            self.assertNotIn("libgnutls", maps)
            # a round without mail ends the mailer, and with it its libraries
            self.wait(lambda: not children_named(worker.pid, "fidele-mailer"),
                      "the mailer to leave once the outbox is empty")
        finally:
            worker.terminate()
            _, errors = worker.communicate(timeout=30)
        self.assertEqual(worker.returncode, 0, errors)

    def test_a_mailer_that_dies_during_a_mail_leaves_it_for_the_next_round(self):
        address = "mailer-died@alpha.test"
        self.queue(address)
        stalling = Stalling()
        try:
            env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:%d\n  RetrySeconds = 600\n}\n"
                              % stalling.port)
            web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'"
                          % address)
            worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
            self.wait(lambda: children_named(worker.pid, "fidele-mailer"), "the mailer to start")
            self.wait(lambda: stalling.held, "the mailer to reach the SMTP server")
            mailers = children_named(worker.pid, "fidele-mailer")
            # it holds none of the worker's sockets: not its database connection
            self.assertTrue(sockets(worker.pid))
            for pid in mailers:
                self.assertFalse(sockets(pid) & sockets(worker.pid))
            for pid in mailers:
                os.kill(pid, signal.SIGKILL)
            _, errors = worker.communicate(timeout=60)
        finally:
            stalling.close()
        self.assertIn("fidele-mailer stopped", errors)
        status, attempts, error = self.row(address)
        self.assertEqual((status, attempts), ("queued", "1"), errors)
        self.assertIn("fidele-mailer", error)
        # the next round, with a server that answers, sends it once
        result = self.run_once(web.STACK.env(), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[:2], ["sent", "2"])
        self.assertEqual(len(mails_to(address)), 1)

    def test_a_stop_during_a_mail_waits_for_the_server_and_marks_it_sent(self):
        address = "stopped-during@alpha.test"
        self.queue(address)
        slow = Stalling(answer_after=3)
        try:
            env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:%d\n  RetrySeconds = 600\n}\n"
                              % slow.port)
            web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'"
                          % address)
            # in a process group of its own, as a systemd unit: its stop
            # (SIGTERM to the group) reaches the mailer too
            worker = subprocess.Popen([web.STACK.program("fidele-worker")], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True, start_new_session=True)
            self.wait(lambda: slow.bodies == 1, "the SMTP server to have the mail's body")
            os.killpg(worker.pid, signal.SIGTERM)
            _, errors = worker.communicate(timeout=60)
        finally:
            slow.close()
        self.assertEqual(worker.returncode, 0, errors)
        self.assertNotIn("fidele-mailer stopped", errors)
        self.assertEqual(self.row(address)[:2], ["sent", "1"], errors)

    def test_without_its_mailer_the_worker_does_not_start(self):
        address = "no-mailer@alpha.test"
        self.queue(address)
        alone = os.path.join(self.folder, "bin")
        os.makedirs(alone, exist_ok=True)
        shutil.copy(web.STACK.program("fidele-worker"), alone)
        web.STACK.sql("UPDATE outbox SET next_attempt_at = NOW() WHERE recipient = '%s'" % address)
        result = subprocess.run([os.path.join(alone, "fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("fidele-mailer, which sends the mail, is neither beside fidele-worker",
                      result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "0"])


class Settings(WorkerCase):
    def test_without_smtp_the_worker_does_not_start_and_mail_waits(self):
        address = "waiting@alpha.test"
        self.queue(address)
        result = self.run_once(self.config(""), address)
        self.assertEqual(result.returncode, 3)
        self.assertIn("Mail.Smtp is not set", result.stderr)
        self.assertIn("waits in the database", result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "0"])

    def test_the_mail_directory_is_created_when_missing(self):
        address = "eml-new-folder@alpha.test"
        self.queue(address)
        folder = os.path.join(self.folder, "not-yet-made")
        result = self.run_once(self.config("Mail.Directory = %s\n" % folder), address)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.row(address)[0], "sent")
        # the one mail to this address (the worker also writes any other
        # mail an earlier test left queued, such as the one whose SMTP URL
        # stopped the worker)
        written = []
        for name in os.listdir(folder):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), errors="replace") as f:
                    written.append(f.read())
        self.assertEqual(len([mail for mail in written if address in mail]), 1)

    def test_an_unknown_starttls_value_stops_the_worker(self):
        address = "bad-starttls@alpha.test"
        self.queue(address)
        env = self.config("Mail {\n  Smtp = smtp://127.0.0.1:9\n  StartTls = yes\n}\n")
        result = self.run_once(env, address)
        self.assertEqual(result.returncode, 3)
        self.assertIn("Mail.StartTls is optional, required or never", result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "0"])


    def test_a_url_that_is_not_smtp_stops_the_worker(self):
        address = "bad-url@alpha.test"
        self.queue(address)
        env = self.config("Mail.Smtp = http://127.0.0.1:9\n")
        result = self.run_once(env, address)
        self.assertEqual(result.returncode, 3)
        self.assertIn("Mail.Smtp is smtp://host:port or smtps://host:port", result.stderr)
        self.assertEqual(self.row(address)[:2], ["queued", "0"])


class Secret(WorkerCase):
    """Every program refuses to start on a missing, short or placeholder
    Security.Secret: a missed edit must not run an installation on a key
    that is public."""

    BAD = {
        "empty": ("", "is not set"),
        "short": ("0123456789abcdef", "is shorter than 32 characters"),
        "placeholder": ("change-me-to-a-long-random-string-of-64-hex-chars",
                        "is still the example's placeholder"),
    }

    def test_the_worker_refuses_a_bad_secret(self):
        for name, (secret, why) in self.BAD.items():
            env = self.config("Mail.Smtp = smtp://127.0.0.1:9\n", secret=secret)
            result = subprocess.run([web.STACK.program("fidele-worker"), "--once"], env=env,
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 3, name)
            self.assertIn("Security.Secret " + why, result.stderr)
            self.assertIn("openssl rand -hex 32", result.stderr)

    def test_fidele_admin_refuses_a_bad_secret(self):
        for name, (secret, why) in self.BAD.items():
            env = self.config("", secret=secret)
            result = subprocess.run([web.STACK.program("fidele-admin"), "migrate"], env=env,
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 1, name)
            self.assertIn("fidele-admin: Security.Secret " + why, result.stderr)

    def test_the_web_programs_refuse_a_bad_secret(self):
        for program in ("login", "customers"):
            for name, (secret, why) in self.BAD.items():
                env = dict(self.config("", secret=secret), REQUEST_METHOD="GET",
                           REQUEST_URI="/admin/login", SCRIPT_NAME="/admin/login",
                           HTTP_HOST="alpha.test")
                result = subprocess.run([web.STACK.program(program + ".fcgi")], env=env,
                                        stdin=subprocess.DEVNULL, capture_output=True,
                                        text=True, timeout=60)
                self.assertEqual(result.returncode, 1, (program, name))
                self.assertIn("Security.Secret " + why, result.stderr)
                self.assertEqual(result.stdout, "")

    def test_a_good_secret_is_taken(self):
        env = self.config("Mail.Smtp = smtp://127.0.0.1:9\n", secret=os.urandom(32).hex())
        result = subprocess.run([web.STACK.program("fidele-admin"), "migrate"], env=env,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
