"""The database layer against the real server: streams read with flat memory
and own their connection, the batched insert, named results, multi-statement
scripts only on the connection made for them, and pages that keep working
while MariaDB restarts under them."""

import os
import subprocess
import threading
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


def helper(*args):
    """Runs tests/helpers/db-stream (built by make check) against the
    stack's database; returns its output as {name: value} and its lines."""
    program = os.path.join(web.STACK.builddir, "tests", "helpers", "db-stream")
    if not os.path.exists(program):
        raise AssertionError("build the helper first: make tests/helpers/db-stream")
    result = subprocess.run([program] + [str(a) for a in args], env=web.STACK.env(),
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError("db-stream %s failed: %s" % (" ".join(map(str, args)), result.stderr))
    lines = result.stdout.splitlines()
    values = dict(line.split(": ", 1) for line in lines if ": " in line)
    return values, lines, result.stderr


class TypedColumns(unittest.TestCase):
    def test_integers_and_dates_read_as_the_server_writes_them(self):
        # the layer fetches them as numbers and times and writes the text
        # itself: it must be the server's text, byte for byte
        values, lines, _ = helper("typed")
        self.assertEqual(
            [line.split(": ", 1)[1] for line in lines if line[:1].isdigit()],
            ["-9223372036854775808", "18446744073709551615", "0", "-7", "255", "-32768",
             "2026-12-01", "2026-12-01 09:05:03", "2026-02-28 23:59:59.123456",
             "1999-01-02 03:04:05.500", "NULL", "0000-00-00", "12.50"])
        self.assertEqual((values["int 0"], values["int 3"], values["int 4"]),
                         ("-9223372036854775808", "-7", "255"))


class ColumnTypes(unittest.TestCase):
    """Most statements' rows are read by db.c itself from libmariadb's
    (read_column); a statement with a float, a time of day, a year or
    bits is bound and libmariadb writes their text. Either way db_text is
    the server's own text of every type, width and sign."""

    def setUp(self):
        web.STACK.sql(
            "DROP TABLE IF EXISTS typed_wire, typed_wire_bound;"
            "CREATE TABLE typed_wire (id INT PRIMARY KEY, t TINYINT, tu TINYINT UNSIGNED,"
            " s SMALLINT, su SMALLINT UNSIGNED, m MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT,"
            " iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, d DATE, dt DATETIME,"
            " d6 DATETIME(6), ts TIMESTAMP NULL, v VARCHAR(400), c CHAR(3), tx MEDIUMTEXT,"
            " bl MEDIUMBLOB, dc DECIMAL(12,3), e ENUM('un', 'deux'), st SET('a', 'b', 'c'));"
            "INSERT INTO typed_wire VALUES"
            " (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            "  '1000-01-01', '1000-01-01 00:00:00', '2026-02-28 23:59:59.000001',"
            "  '1970-01-02 00:00:00', '', '', '', '', -999999999.999, 'un', ''),"
            " (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
            "  9223372036854775807, 18446744073709551615, '9999-12-31', '9999-12-31 23:59:59',"
            "  '2026-12-06 10:00:00', '2038-01-19 03:14:07', REPEAT('é', 300), 'abc',"
            "  REPEAT('x', 70000), REPEAT('y', 251), 0.5, 'deux', 'a,c'),"
            " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
            " (4, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, '2026-12-06', '2026-12-06 09:05:03',"
            "  '2026-12-06 09:05:03.5', '2026-12-06 09:05:03', 'Zoë <b>&', 'é', REPEAT('z', 250),"
            "  REPEAT('w', 65536), 1234.5, 'un', 'b');"
            "CREATE TABLE typed_wire_bound (id INT PRIMARY KEY, f FLOAT, db DOUBLE, tm TIME,"
            " y YEAR, bt BIT(8), v VARCHAR(10));"
            "INSERT INTO typed_wire_bound VALUES (1, 1.5, -2.25, '-01:02:03', 2026, b'01000001',"
            " 'là'), (2, NULL, NULL, NULL, NULL, NULL, NULL)")

    def tearDown(self):
        web.STACK.sql("DROP TABLE IF EXISTS typed_wire, typed_wire_bound")

    def test_every_type_reads_as_the_server_writes_it(self):
        values, lines, _ = helper("types")
        self.assertEqual((values["read rows"], values["bound rows"]), ("1", "0"))
        for name, sql in (("read", "SELECT t, tu, s, su, m, mu, i, iu, b, bu, d, dt, d6, ts, v,"
                                   " c, tx, bl, dc, e, st, NULL FROM typed_wire ORDER BY id"),
                          ("bound", "SELECT f, db, tm, y, bt, v FROM typed_wire_bound"
                                    " ORDER BY id")):
            expected = ["%s %d %d: %s" % (name, row, column, value)
                        for row, values_of_row in enumerate(web.STACK.sql(sql))
                        for column, value in enumerate(values_of_row)]
            got = [line for line in lines if line.startswith(name + " ") and ": " in line
                   and not line.startswith(name + " rows")]
            self.assertEqual(len(got), len(expected))
            for a, b in zip(got, expected):
                self.assertEqual(a, b)
        # the widths of the values' lengths (one byte, two, three) were all met
        self.assertIn("read 1 16: " + "x" * 70000, lines)
        self.assertIn("read 3 17: " + "w" * 65536, lines)


class KeyPass(unittest.TestCase):
    def test_a_pass_over_the_ids_alone_leaves_every_row_whole(self):
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        expected = web.STACK.sql(
            "SELECT id, IFNULL(email, 'NULL'), IF(id % 2 = 0, 'NULL', CONCAT('note ', id)),"
            " DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')"
            " FROM customer WHERE shop_id = " + str(shop_id) + " ORDER BY id")
        values, lines, _ = helper("keys", shop_id)
        self.assertGreater(len(expected), 100)
        self.assertEqual([line[len("key: "):] for line in lines if line.startswith("key: ")],
                         [row[0] for row in expected])
        rows = [line.split("\t") for line in lines if "\t" in line]
        self.assertEqual(rows, [list(row) for row in reversed(expected)])

    def test_a_null_key_reads_0_and_a_text_key_its_number(self):
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        _, lines, _ = helper("keys", shop_id)
        self.assertEqual([line for line in lines if line.startswith(("null key", "text key"))],
                         ["null key: 0", "null key: 7", "text key: 42 z"])

    def test_two_long_values_of_one_row_are_both_read_whole(self):
        # each is longer than the buffer its column was given: the second
        # once read as NULL
        _, lines, _ = helper("keys", 0)
        self.assertIn("long: 5000 6000 after b", lines)

    def test_an_empty_result_reads_nothing_and_the_next_statement_runs(self):
        # a search that matched no one once left the connection waiting
        # forever on its next statement (libmariadb's seek on no rows)
        _, lines, _ = helper("keys", 0)
        self.assertIn("empty: 0 0", lines)
        self.assertIn("text key: 42 z", lines)


class LazyConnection(unittest.TestCase):
    """A program run as plain CGI prepares each statement as it first runs
    it, in the same round trip as its execution: the same results and the
    same errors as prepared statements, and the connection goes on after
    each error, and after the server closed it."""

    def test_statements_run_unprepared_give_their_results_and_errors(self):
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        count, first = web.STACK.sql("SELECT COUNT(*), MIN(email) FROM customer"
                                     " WHERE shop_id = %s AND email LIKE '%%@%%'" % shop_id)[0]
        rows = web.STACK.sql("SELECT id, IFNULL(email, 'NULL') FROM customer WHERE shop_id = %s"
                             " ORDER BY id LIMIT 3" % shop_id)
        values, lines, stderr = helper("lazy", shop_id)
        self.assertGreater(int(count), 100)
        # the first run unprepared, the second as prepared
        self.assertEqual(values["count 1"], "%s %s" % (count, first))
        self.assertEqual(values["count 2"], values["count 1"])
        # a statement that does not prepare fails with the server's words,
        # and the next one runs
        self.assertEqual(values["broken"], "-1")
        self.assertIn("SQL syntax", stderr)
        self.assertEqual(values["too many"], "-1")
        self.assertRegex(stderr, r"error \d+: \w.* in: SELECT \?\n")
        self.assertEqual(values["one"], str(shop_id))
        self.assertEqual((values["make"], values["insert"], values["again"], values["another"]),
                         ("0", "1", "DB_DUPLICATE", "1"))
        self.assertEqual([line.split("\t") for line in lines if line.startswith("stream: ")],
                         [["stream: " + row[0], row[1]] for row in rows])
        self.assertEqual(values["cached"], "42")
        # the server closed the connection (its wait_timeout) before the
        # next statement: the program connected again and ran it
        self.assertEqual(values["after the server closed"], "42")
        self.assertIn("db: reconnected", stderr)


class Stream(unittest.TestCase):
    def test_a_stream_returns_every_row_of_the_query(self):
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        expected = web.STACK.sql(
            "SELECT id, email FROM customer WHERE shop_id = %s ORDER BY id" % shop_id)
        values, lines, _ = helper("customers", shop_id)
        rows = [line.split("\t") for line in lines if "\t" in line]
        self.assertGreater(len(expected), 100)
        self.assertEqual(rows, expected)

    def test_no_other_statement_runs_while_a_stream_is_open(self):
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        count = web.STACK.sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % shop_id)[0][0]
        values, _, errors = helper("customers", shop_id)
        self.assertEqual(values["during"], "-1")       # DB_ERROR, said in the log
        self.assertEqual(values["begin during"], "-1")
        self.assertIn("while a stream is open", errors)
        self.assertEqual(values["after"], count)       # the connection works again

    def test_the_end_of_a_request_closes_a_stream_left_open(self):
        # db_rollback, which ends every request, gives the connection back
        shop_id = web.STACK.sql("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        count = web.STACK.sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % shop_id)[0][0]
        values, _, _ = helper("customers", shop_id)
        self.assertEqual(values["after rollback"], count)

    def test_a_stream_reads_values_longer_than_its_buffers(self):
        _, lines, _ = helper("customers", 1)
        self.assertEqual([line for line in lines if line.startswith("wide: ")],
                         ["wide: 5006 -----1", "wide: 10006 -----2", "wide: 15006 -----3"])

    def test_a_stream_keeps_memory_flat_where_a_buffered_read_grows(self):
        rows = 300000   # of 200 bytes each: about 60 MB if held
        streamed, _, _ = helper("rows", rows, "stream")
        buffered, _, _ = helper("rows", rows, "buffered")
        self.assertEqual(streamed["rows"], str(rows))
        self.assertEqual(buffered["rows"], str(rows))
        self.assertLess(int(streamed["growth_kib"]), 16 * 1024)
        # the same measure sees the buffered read hold the rows
        self.assertGreater(int(buffered["growth_kib"]), 32 * 1024)


class BatchedInsert(unittest.TestCase):
    def test_rows_over_several_statements_all_arrive_with_their_nulls(self):
        rows = 1234     # four full statements of 250 rows and a shorter one
        values, _, _ = helper("insert", rows)
        self.assertEqual(values["inserted"], str(rows))
        self.assertEqual(values["count"], str(rows))
        self.assertEqual(values["sum"], str(rows * (rows + 1) // 2))
        self.assertEqual(values["max"], "row %06d" % rows)
        self.assertEqual(values["notes"], str((rows + 1) // 2))

    def test_a_row_refused_by_a_unique_key_is_a_duplicate(self):
        values, _, _ = helper("insert", 3)
        self.assertEqual(values["again"], "DB_DUPLICATE")
        self.assertEqual(values["count"], "3")


class Scripts(unittest.TestCase):
    def test_only_a_connection_made_for_scripts_runs_several_statements(self):
        values, _, errors = helper("multi")
        self.assertEqual(values["plain"], "-1")
        self.assertEqual(values["scripts"], "0")
        self.assertIn("needs db_connect_for_scripts", errors)

class RestartUnderLoad(unittest.TestCase):
    def test_no_page_fails_while_the_database_restarts(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        statuses = []
        asking = threading.Event()
        restarted = threading.Event()

        def ask_continuously(browser):
            # a few rounds before the restart, through it, and 20 rounds after
            after = 0
            while after < 20 and len(statuses) < 20000:
                for path in ("/admin/customers", "/admin/customers?q=dupont",
                             "/admin/login"):
                    page = browser.get(path)
                    statuses.append((path, page.status))
                if len(statuses) >= 30:
                    asking.set()
                if restarted.is_set():
                    after += 1

        # as many clients as the pool has processes and more, so that every
        # process has requests in flight when the server goes
        askers = []
        for _ in range(4):
            client = web.Browser(ALPHA_HOST)
            client.cookies = dict(browser.cookies)
            askers.append(threading.Thread(target=ask_continuously, args=(client,)))
        for asker in askers:
            asker.start()
        try:
            self.assertTrue(asking.wait(timeout=60))
            web.STACK.restart_mariadb()
        finally:
            restarted.set()
            for asker in askers:
                asker.join(timeout=300)
        failed = [s for s in statuses if s[1] != 200]
        # every client made its 20 rounds after the restart (a round under
        # way when it ended counts as after, so the 30 before may overlap)
        self.assertGreaterEqual(len(statuses), 4 * 60)
        self.assertEqual(failed, [])
