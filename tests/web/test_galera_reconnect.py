"""A statement whose connection is lost keeps reconnecting and trying for
the reconnect window (Database.ReconnectMilliseconds), not once: a Galera
node that is leaving the cluster answers the reconnect's first statement
and refuses the next one (1047, "WSREP has not yet prepared node"), and a
page then answered 500 while the node restarted (tests/galera/run,
test_db's restart under load). Here a statement kills its own connection
the first two times it runs (tests/helpers/db-retry.c, killed-twice)."""

import os
import subprocess
import unittest

import web


class LostTwice(unittest.TestCase):
    def test_a_statement_lost_twice_runs_on_the_third_connection(self):
        program = os.path.join(web.STACK.builddir, "tests", "helpers", "db-retry")
        if not os.path.exists(program):
            raise AssertionError("build the helper first: make tests/helpers/db-retry")
        result = subprocess.run([program, "killed-twice"], env=web.STACK.env(),
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # -1 when the layer gave up after one reconnect
        self.assertIn("killed_twice.value: 3", result.stdout.splitlines(), result.stderr)
        # and it left nothing behind
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM information_schema.TABLES"
                                       " WHERE TABLE_SCHEMA = 'fidele'"
                                       " AND TABLE_NAME = 'retry_kills'"), [["0"]])
