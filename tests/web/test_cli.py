"""fidele-admin: clear errors and a non-zero exit on bad arguments."""

import unittest

import web


class Cli(unittest.TestCase):
    def run_admin(self, *args, input=None):
        return web.STACK.admin(*args, input=input, check=False)

    def test_migrate_twice_applies_nothing_the_second_time(self):
        answer = self.run_admin("migrate")
        self.assertEqual(answer.returncode, 0, answer.stderr)
        self.assertIn("0 applied now", answer.stdout)
        import glob
        import os
        files = glob.glob(os.path.join(web.STACK.srcdir, "sql", "[0-9]*.sql"))
        versions = web.STACK.sql("SELECT version FROM schema_version ORDER BY version")
        self.assertEqual(versions, [[str(n)] for n in range(1, len(files) + 1)])

    def test_unknown_command_and_option(self):
        for args in (["frobnicate"], ["shop", "add", "--slug", "x", "--nmae", "y"], []):
            answer = self.run_admin(*args)
            self.assertEqual(answer.returncode, 2, args)
            self.assertIn("usage" if not args or args == ["frobnicate"] else "unknown option",
                          answer.stderr)

    def test_a_missing_or_unreadable_configuration_says_what_to_do(self):
        """one line a provider can act on, not the library's traceback"""
        import os
        import subprocess
        import tempfile
        missing = os.path.join(tempfile.gettempdir(), "fidele-no-such-%d.hdf" % os.getpid())
        env = dict(web.STACK.env(), FIDELE_CONFIG=missing)
        answer = subprocess.run([web.STACK.program("fidele-admin"), "doctor"], env=env,
                                capture_output=True, text=True)
        self.assertEqual(answer.returncode, 1)
        self.assertEqual(answer.stderr.strip().splitlines(), [
            "fidele-admin: cannot read configuration %s: No such file or directory"
            " (FIDELE_CONFIG names another file; fidele.hdf.example shows what it holds)"
            % missing])
        with tempfile.NamedTemporaryFile("w", suffix=".hdf") as config:
            os.chmod(config.name, 0o600)
            answer = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                                     "--clear-groups", web.STACK.program("fidele-admin"),
                                     "doctor"], env=dict(env, FIDELE_CONFIG=config.name),
                                    capture_output=True, text=True)
            self.assertEqual(answer.returncode, 1)
            self.assertIn("cannot read configuration %s: Permission denied (it is root's,"
                          " group fidele, mode 0640: run this as root or as a member of group"
                          " fidele)" % config.name, answer.stderr)
            self.assertNotIn("Traceback", answer.stderr)

    def test_missing_value_and_required_option(self):
        self.assertIn("needs a value", self.run_admin("shop", "add", "--slug").stderr)
        answer = self.run_admin("shop", "add", "--slug", "gamma")
        self.assertEqual(answer.returncode, 2)
        self.assertIn("--name is required", answer.stderr)

    def test_admin_add_at_a_terminal_asks_without_showing_the_password(self):
        import os
        import pty
        import select
        import subprocess
        import time
        email, password = "typed@alpha.test", "verger-pommes-tracteur"
        main, terminal = pty.openpty()
        process = subprocess.Popen(
            [web.STACK.program("fidele-admin"), "admin", "add", "--shop", "alpha", "--email",
             email, "--role", "staff"], stdin=terminal, stdout=terminal, stderr=terminal,
            env=web.STACK.env())
        os.close(terminal)
        seen, deadline = b"", time.time() + 30

        def read():
            """what the terminal shows next, waiting a moment at most"""
            if select.select([main], [], [], 0.2)[0]:
                try:
                    return os.read(main, 1024)
                except OSError:      # the program ended and closed it
                    pass
            return b""

        try:
            while b"(10 characters or more): " not in seen and time.time() < deadline:
                seen += read()
            self.assertIn(b"Password for typed@alpha.test (10 characters or more): ", seen)
            os.write(main, password.encode() + b"\n")
            while process.poll() is None and time.time() < deadline:
                seen += read()
            seen += read()
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            os.close(main)
        self.assertEqual(process.returncode, 0, seen)
        self.assertNotIn(password.encode(), seen)
        self.addCleanup(web.STACK.sql, "DELETE FROM admin WHERE email = '%s'" % email)
        self.assertEqual(web.Browser("alpha.test").sign_in(email, password).status, 303)

    def test_bad_shop_values(self):
        cases = [(["--slug", "Bad Slug", "--name", "x"], "--slug"),
                 (["--slug", "ok", "--name", "x", "--language", "de"], "--language"),
                 (["--slug", "ok", "--name", "x", "--currency", "EURO"], "--currency"),
                 (["--slug", "ok", "--name", "x", "--sender-email", "nope"], "--sender-email")]
        for args, word in cases:
            answer = self.run_admin("shop", "add", *args)
            self.assertEqual(answer.returncode, 2, args)
            self.assertIn(word, answer.stderr)

    def test_duplicate_shop_and_host(self):
        answer = self.run_admin("shop", "add", "--slug", "alpha", "--name", "Again")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("already exists", answer.stderr)
        answer = self.run_admin("shop", "host", "add", "--shop", "beta", "--host", "ALPHA.test")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("already belongs", answer.stderr)

    def test_admin_needs_a_real_password_and_shop(self):
        answer = self.run_admin("admin", "add", "--shop", "alpha", "--email", "new@alpha.test",
                                input="short\n")
        self.assertEqual(answer.returncode, 2)
        self.assertIn("password of 10", answer.stderr)
        for guessable in ("1234567890", "azertyuiop", "Motdepasse2026!"):
            answer = self.run_admin("admin", "add", "--shop", "alpha", "--email",
                                    "new@alpha.test", input=guessable + "\n")
            self.assertEqual(answer.returncode, 2, guessable)
            self.assertIn("this password is among the first an attacker tries", answer.stderr)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM admin WHERE email = 'new@alpha.test'"),
                         [["0"]])
        answer = self.run_admin("admin", "add", "--shop", "nope", "--email", "new@alpha.test",
                                input="long-enough-password\n")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("no shop named nope", answer.stderr)
        answer = self.run_admin("admin", "add", "--shop", "alpha", "--email", "bad", input="x" * 12 + "\n")
        self.assertEqual(answer.returncode, 2)
        answer = self.run_admin("admin", "add", "--shop", "alpha", "--email", "owner@alpha.test",
                                input="long-enough-password\n")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("already an admin", answer.stderr)

    def test_seed_demo_refuses_a_shop_with_customers_and_bad_counts(self):
        answer = self.run_admin("seed-demo", "--shop", "alpha", "--customers", "10")
        self.assertEqual(answer.returncode, 1)
        self.assertIn("already has", answer.stderr)
        for count in ("0", "-5", "ten", "99999999999"):
            self.assertEqual(self.run_admin("seed-demo", "--shop", "alpha", "--customers", count)
                             .returncode, 2, count)

    def test_seed_demo_is_deterministic_and_keeps_totals_right(self):
        self.assertEqual(self.run_admin("shop", "add", "--slug", "seed-one", "--name", "S1").returncode, 0)
        self.assertEqual(self.run_admin("shop", "add", "--slug", "seed-two", "--name", "S2").returncode, 0)
        for slug in ("seed-one", "seed-two"):
            answer = self.run_admin("seed-demo", "--shop", slug, "--customers", "700")
            self.assertEqual(answer.returncode, 0, answer.stderr)
        fingerprint = ("SELECT COUNT(*), SUM(CRC32(CONCAT(c.email, c.first_name, c.last_name,"
                       " c.order_count, c.total_spent_cents))) FROM customer c JOIN shop s"
                       " ON s.id = c.shop_id WHERE s.slug = '%s'")
        one = web.STACK.sql(fingerprint % "seed-one")
        two = web.STACK.sql(fingerprint % "seed-two")
        self.assertEqual(one[0][0], "700")
        self.assertEqual(one, two)
        # the totals seed-demo wrote match what the orders say
        wrong = web.STACK.sql(
            "SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
            " WHERE s.slug = 'seed-one' AND (c.order_count, c.total_spent_cents) <>"
            " (SELECT COUNT(*), COALESCE(SUM(o.total_cents), 0) FROM orders o"
            "   WHERE o.customer_id = c.id AND o.status <> 'cancelled')")
        self.assertEqual(wrong[0][0], "0")

    def test_order_triggers_keep_customer_totals(self):
        customer = web.STACK.sql("SELECT c.id, c.shop_id FROM customer c JOIN shop s ON s.id = c.shop_id"
                                 " WHERE s.slug = 'beta' AND c.email = 'gwen@beta.test'")[0]
        web.STACK.sql(
            "INSERT INTO orders (shop_id, customer_id, reference, status, total_cents, ordered_at) VALUES"
            " (%s, %s, 'T-1', 'paid', 1250, '2026-01-02'), (%s, %s, 'T-2', 'paid', 750, '2026-03-04');"
            "UPDATE orders SET status = 'cancelled' WHERE reference = 'T-2' AND shop_id = %s;"
            % (customer[1], customer[0], customer[1], customer[0], customer[1]))
        totals = web.STACK.sql("SELECT order_count, total_spent_cents, last_order_at FROM customer"
                               " WHERE id = %s" % customer[0])
        self.assertEqual(totals, [["1", "1250", "2026-01-02 00:00:00"]])
        web.STACK.sql("DELETE FROM orders WHERE shop_id = %s AND reference IN ('T-1', 'T-2')" % customer[1])
        totals = web.STACK.sql("SELECT order_count, total_spent_cents, last_order_at FROM customer"
                               " WHERE id = %s" % customer[0])
        self.assertEqual(totals, [["0", "0", "NULL"]])
