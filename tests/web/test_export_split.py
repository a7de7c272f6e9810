"""A big CSV export read in two halves at once (export-file.c): the rows
before a boundary row streamed to the client while a thread reads the rest
on a connection of its own into the spool, copied after them. Through
nginx, on a stack of its own whose threshold is lowered to 2 customers
(Export.SplitMinCustomers, 50,000 by default) so that a small shop is
split, and whose search reads along the order's index from 10 matches on
(Limits.SearchCandidates) so that a search is split too.

What a person gets must not change: for every order the list offers, up
and down, with customers who never ordered (no last order), ties on the
first key across the boundary, filters and a search, in both CSV
profiles, the file split in two is byte for byte the file read in one pass
(the export page's count posted below the threshold). The count the page
posts only moves the boundary: a count that lies gives the same file. A
client that goes away half-way leaves no spool file and no second
connection behind, and its admin exports again at once. The program's log
says when an export was split ("read in two halves"), which tells the two
kinds of file apart here."""

import csv
import http.client
import io
import os
import socket
import time
import unittest
import urllib.parse

from fixtures import stack_of_its_own
import web

HOST = "split.test"
OWNER = ("owner@split.test", "split-owner-password")
# the big shop of the client that goes away (its halves take a while)
HOST_BIG = "splitbig.test"
OWNER_BIG = ("owner@splitbig.test", "splitbig-owner-password")
BIG_CUSTOMERS = 100000

COLUMNS = ("first_name,last_name,email,phone,company,city,status,source,signup_date,"
           "order_count,total_spent,average_order,last_order_date,marketing,vat_number")
SORTS = ("name", "email", "created", "last_order", "orders", "spent")
FORMATS = ("csv", "csv-excel")
SPLIT_LINE = "read in two halves"

# the shop: 200 current customers (and a few the default view leaves out)
CUSTOMERS = 200
# 55 % never ordered: the last-order order's boundary falls among them
# going up and going down (NULL first going up, last going down), and
# among those who did with a count that moves it
NEVER_ORDERED = 110


def customer_rows(shop):
    """The shop's customers as SQL values: names that tie (60 times "Marie
    Dupont" from the 50th customer in name order on, across the middle),
    days, counts and amounts that tie, cells that need quoting."""
    rows = []
    for i in range(CUSTOMERS):
        if i < 50:
            first, last = "Éloïse %d" % i, "Bernard"
        elif i < 110:
            first, last = "Marie", "Dupont"
        elif i < 140:
            first, last = "Jean %d" % i, "Lefebvre"
        elif i < 170:
            first, last = 'Zoé "la %d"; ok' % i, "Moreau"
        else:
            first, last = "Luc\n%d" % i, "Petit"
        ordered = (i * 7) % CUSTOMERS >= NEVER_ORDERED
        status = ("active", "active", "invited", "blocked")[i % 4]
        rows.append("(%s, 'c%03d@split.test', %s, %s, '+33 6 %02d', %s, %s, '%s', '%s', %d,"
                    " '2024-01-0%d 10:00:00', %d, %d, %s, %s)" % (
                        shop, i, quote(first), quote(last), i % 100,
                        quote("=Société %d" % (i % 3) if i % 5 == 0 else ""),
                        quote("Paris" if i % 2 else "Lyon"), status,
                        ("self", "admin", "import", "order")[i % 4], i % 2, 1 + i % 3,
                        1 + i % 4 if ordered else 0, (i % 6) * 1000 if ordered else 0,
                        "'2024-05-0%d 12:00:00'" % (1 + i % 3) if ordered else "NULL",
                        quote("FR%02d" % (i % 10) if i % 9 == 0 else "")))
    return rows


def quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''").replace("\n", "\\n") + "'"


class Split(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = stack_of_its_own(
            "split", [(slug, "Épicerie Coupée", "fr", host, owner) for slug, host, owner in
                      (("split", HOST, OWNER), ("splitbig", HOST_BIG, OWNER_BIG))],
            config_extra="Export.SplitMinCustomers = 2\nLimits.SearchCandidates = 10\n")
        try:
            shop = cls.shop_id("split")
            cls.sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, company,"
                    " city, status, source, marketing_consent, created_at, order_count,"
                    " total_spent_cents, last_order_at, vat_number) VALUES "
                    + ",\n".join(customer_rows(shop)))
            cls.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                    " VALUES (%s, 'gone@split.test', 'Ancien', 'Dupont', 'inactive', 'admin')"
                    % shop)
            cls.stack.admin("search-reindex", "--shop", "split")
            cls.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
                    " order_count, total_spent_cents, created_at)"
                    " SELECT %s, CONCAT('c', seq, '@splitbig.test'), 'Prénom', CONCAT('Nom', seq),"
                    " 'active', 'import', seq MOD 7, seq * 10, '2024-01-01 00:00:00'"
                    " FROM seq_1_to_%d" % (cls.shop_id("splitbig"), BIG_CUSTOMERS))
            cls.sql("ANALYZE TABLE customer, customer_search")
        except BaseException:
            cls.stack.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        reports = cls.stack.sanitizer_reports()
        cls.stack.stop()
        if reports:
            raise AssertionError("sanitizer reports:\n" + "\n".join(reports))

    @classmethod
    def sql(cls, statement):
        return cls.stack.sql("SET NAMES utf8mb4;\n" + statement)

    @classmethod
    def shop_id(cls, slug):
        return cls.sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]

    def setUp(self):
        self.browser = web.Browser(HOST, port=self.stack.port)
        self.assertEqual(self.browser.sign_in(*OWNER).status, 303)

    def log(self):
        with open(os.path.join(self.stack.log_dir, "export.log"), errors="replace") as f:
            return f.read()

    def export(self, view, format="csv", count=None, browser=None):
        """The file of the view through the export page's form, posted with
        count (None: the form's own, the page's exact count; "absent": no
        count at all). Returns (body, whether the program split it)."""
        browser = browser or self.browser
        page = browser.get("/admin/export?" + urllib.parse.urlencode(view))
        self.assertEqual(page.status, 200, page.text()[:300])
        form = dict(view, columns=COLUMNS, format=format, csrf=page.csrf())
        shown = web.re.search(r'name="count" value="(\d+)"', page.body)
        self.assertIsNotNone(shown, "the page's form posts its count")
        form["count"] = shown.group(1)
        if count == "absent":
            del form["count"]
        elif count is not None:
            form["count"] = count
        before = self.log().count(SPLIT_LINE)
        status, body = self.post(browser, form)
        self.assertEqual(status, 200, body[:300])
        return body, self.log().count(SPLIT_LINE) > before

    def post(self, browser, form):
        """POSTs the download: (status, the body's bytes); a broken
        download raises http.client.IncompleteRead."""
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=120)
        connection.request("POST", "/admin/export/download", body=urllib.parse.urlencode(form),
                           headers={"Host": browser.host,
                                    "Content-Type": "application/x-www-form-urlencoded",
                                    "Cookie": "; ".join("%s=%s" % kv for kv in
                                                        browser.cookies.items())})
        answer = connection.getresponse()
        body = answer.read()
        connection.close()
        return answer.status, body

    def whole(self, view, format="csv"):
        """The file read in one pass: the page's count posted as 1, below
        the threshold."""
        body, split = self.export(view, format, count="1")
        self.assertFalse(split, "a count below the threshold is read in one pass")
        return body

    def rows(self, body, format):
        text = body.decode("utf-8")
        if format == "csv-excel":
            self.assertTrue(text.startswith("\ufeff"))
            text = text[1:]
        return list(csv.reader(io.StringIO(text, newline=""),
                               delimiter=";" if format == "csv-excel" else ","))

    def assert_same_split(self, view, format, count=None, expect_split=True):
        whole = self.whole(view, format)
        body, split = self.export(view, format, count)
        self.assertEqual(split, expect_split, "split as expected (%r)" % (count,))
        if body != whole:
            mine, theirs = self.rows(body, format), self.rows(whole, format)
            self.fail("the split file differs: %d rows against %d; first difference at row %s"
                      % (len(mine), len(theirs),
                         next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b),
                              min(len(mine), len(theirs)))))
        return self.rows(body, format)

    def test_every_order_up_and_down_gives_the_file_of_one_pass(self):
        for sort in SORTS:
            for direction in ("asc", "desc"):
                for format in FORMATS:
                    with self.subTest(sort=sort, dir=direction, format=format):
                        rows = self.assert_same_split({"sort": sort, "dir": direction}, format)
                        # the view's customers, each once, header first
                        self.assertEqual(len(rows), 1 + CUSTOMERS)
                        self.assertEqual(len({r[2] for r in rows[1:]}), CUSTOMERS)

    def test_the_boundary_anywhere_among_ties_and_customers_who_never_ordered(self):
        """The page's count moves the boundary (to half of it): 2 puts it
        at the 2nd row, 20 at the 11th, 300 at the 151st, 398 at the
        last; with 55 % who never ordered, the last-order order is cut
        among them and among the others, going up and down; by name, 120,
        140 and 201 cut it among the 60 "Marie Dupont"."""
        for count in ("2", "20", "120", "140", "201", "300", "398"):
            for sort in ("last_order", "name", "orders", "created", "spent"):
                for direction in ("asc", "desc"):
                    with self.subTest(count=count, sort=sort, dir=direction):
                        self.assert_same_split({"sort": sort, "dir": direction}, "csv", count)

    def test_filters_and_a_search_give_the_file_of_one_pass(self):
        views = (
            {"status": "all"},
            {"status": "active", "sort": "last_order"},
            {"consent": "yes", "sort": "created", "dir": "desc"},
            {"source": "import", "sort": "email"},
            {"orders_min": "1", "orders_max": "3", "sort": "orders", "dir": "desc"},
            {"spent_min": "10", "spent_max": "40", "sort": "spent"},
            {"from": "2024-01-02", "to": "2024-01-03", "sort": "name", "dir": "desc"},
            {"last_from": "2024-05-02", "sort": "last_order", "dir": "desc"},
            {"q": "lefebvre", "sort": "created"},
            {"q": "lefebvre", "status": "all", "sort": "name", "dir": "desc"},
        )
        for view in views:
            for format in FORMATS:
                with self.subTest(view=view, format=format):
                    self.assert_same_split(view, format)

    def test_a_count_that_lies_gives_the_right_file(self):
        view = {"sort": "last_order", "dir": "desc"}
        whole = self.whole(view, "csv-excel")
        # garbage is ignored (the program counts), 0 and past the view
        # read in one pass, absent counted
        for count, split in (("0", False), ("-5", True), ("1000000000000", False),
                             ("deux cents", True), ("", True), ("absent", True),
                             ("199", True), ("3", True)):
            with self.subTest(count=count):
                body, was_split = self.export(view, "csv-excel", count)
                self.assertEqual(body, whole)
                self.assertEqual(was_split, split)

    def test_the_log_counts_both_halves(self):
        self.export({"sort": "name"}, "csv")
        self.assertEqual(self.sql("SELECT row_count FROM export_log WHERE shop_id = %s"
                                  " ORDER BY id DESC LIMIT 1" % self.shop_id("split")),
                         [[str(CUSTOMERS)]])

    def test_an_xlsx_is_read_in_one_pass(self):
        body, split = self.export({"sort": "name"}, "xlsx")
        self.assertFalse(split)
        self.assertTrue(body.startswith(b"PK"))

    def test_a_search_of_single_letters_is_read_in_one_pass(self):
        """Its plan reads index ranges merged, not one order's index."""
        body, split = self.export({"q": "m"}, "csv")
        self.assertFalse(split)
        self.assertEqual(body, self.whole({"q": "m"}))

    def connections(self):
        return int(self.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                            " WHERE USER = 'fidele'")[0][0])

    def spool_files(self):
        found = []
        for folder, _, names in os.walk(self.stack.spool_dir):
            found += [os.path.join(folder, n) for n in names if n.startswith("sheet-out-")]
        return found

    def test_a_client_that_goes_away_leaves_nothing_behind(self):
        browser = web.Browser(HOST_BIG, port=self.stack.port)
        self.assertEqual(browser.sign_in(*OWNER_BIG).status, 303)
        # the programs' own connections, before
        browser.get("/admin/export")
        self.browser.get("/admin/export")
        before = self.connections()
        page = browser.get("/admin/export")
        count = web.re.search(r'name="count" value="(\d+)"', page.body).group(1)
        self.assertEqual(count, str(BIG_CUSTOMERS))
        body = urllib.parse.urlencode({"columns": COLUMNS, "format": "csv", "count": count,
                                       "csrf": page.csrf()}).encode()
        request = (b"POST /admin/export/download HTTP/1.1\r\nHost: " + HOST_BIG.encode() +
                   b"\r\nCookie: " + "; ".join("%s=%s" % kv for kv in
                                               browser.cookies.items()).encode() +
                   b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                   str(len(body)).encode() + b"\r\n\r\n" + body)
        splits = self.log().count(SPLIT_LINE)
        client = socket.create_connection(("127.0.0.1", self.stack.port), timeout=30)
        client.sendall(request)
        first = client.recv(4096)
        self.assertTrue(first.startswith(b"HTTP/1.1 200"), first[:200])
        client.close()
        lock = "fidele.fidele.export.%s" % self.sql(
            "SELECT id FROM admin WHERE email = '%s'" % OWNER_BIG[0])[0][0]
        self.assertTrue(web.wait_until(
            lambda: self.sql("SELECT IS_FREE_LOCK('%s')" % lock) == [["1"]], 30))
        log = self.log()
        self.assertEqual(log.count(SPLIT_LINE), splits + 1, "the export was split")
        # under Apache the file is made whole before its first byte
        # (FIDELE_SPOOL_DOWNLOADS): the client is found gone as it is sent
        self.assertIn("the export stopped after" if web.STACK.web_server == "nginx" else
                      "the export was not finished at the end of", log[log.rindex(SPLIT_LINE):])
        # the second half's connection is gone (and the first one's, which
        # the next request opens again), and no spool file is left
        # (under Apache the rows were all read before the client was found
        # gone: the first one's stays, and none is left over)
        fewer = 1 if web.STACK.web_server == "nginx" else 0
        self.assertTrue(web.wait_until(lambda: self.connections() <= before - fewer, 30),
                        "%d connections, %d before" % (self.connections(), before))
        self.assertEqual(self.spool_files(), [])
        # the admin exports again at once, split again, whole
        page = browser.get("/admin/export?spent_min=1&spent_max=10")
        status, again = self.post(browser, {
            "columns": "email", "format": "csv", "csrf": page.csrf(), "spent_min": "1",
            "spent_max": "10"})
        self.assertEqual(status, 200)
        # 10 to 100: the customers who spent 1 to 10 EUR, each once
        self.assertEqual(sorted(again.split(b"\r\n")[1:-1]),
                         sorted(b"c%d@splitbig.test" % n for n in range(10, 101)))
        self.assertEqual(self.log().count(SPLIT_LINE), splits + 2)
        self.assertEqual(self.spool_files(), [])
        self.assertTrue(web.wait_until(lambda: self.connections() <= before, 30))

    def test_a_second_half_that_fails_gives_a_broken_download(self):
        """The second half's statement killed while it runs: the client
        gets the first half and then a broken download, never a file that
        looks whole; the log row stays unfinished."""
        browser = web.Browser(HOST_BIG, port=self.stack.port)
        self.assertEqual(browser.sign_in(*OWNER_BIG).status, 303)
        shop = self.shop_id("splitbig")
        for attempt in range(5):
            page = browser.get("/admin/export")
            connection = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=120)
            connection.request("POST", "/admin/export/download", body=urllib.parse.urlencode({
                "columns": COLUMNS, "format": "csv", "csrf": page.csrf(),
                "count": str(BIG_CUSTOMERS)}), headers={
                    "Host": HOST_BIG, "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": "; ".join("%s=%s" % kv for kv in browser.cookies.items())})
            spooled = web.STACK.web_server != "nginx"
            if spooled:
                # under Apache the file is made whole before its first
                # byte (FIDELE_SPOOL_DOWNLOADS): killed before the head,
                # the answer is an error page
                killed, deadline = "0", time.monotonic() + 20
                while killed == "0" and time.monotonic() < deadline:
                    killed = self.sql(KILL_THE_SECOND_HALF)[0][0]
                answer = connection.getresponse()
                body = answer.read()
                connection.close()
                if killed != "0" and answer.status == 200:
                    # the kill came as the statement ended (a slow,
                    # sanitized build): the file is whole, as it may be,
                    # and the next attempt tries again
                    self.assertEqual(body.count(b"\r\n"), BIG_CUSTOMERS + 1)
                    killed = "0"
                    continue
                if killed != "0":
                    self.assertEqual(answer.status, 500)
                    self.assertNotRegex(body, rb"c\d+@splitbig\.test")
                    break
                continue
            answer = connection.getresponse()
            self.assertEqual(answer.status, 200)
            # the second half's statement: the one that takes its
            # boundary row in (">="), the first half's does not
            killed = self.sql(KILL_THE_SECOND_HALF)[0][0]
            try:
                body, broken = answer.read(), None
            except http.client.IncompleteRead as error:
                body, broken = error.partial, error
            connection.close()
            if killed != "0":
                break
        self.assertNotEqual(killed, "0", "the second half was never caught running")
        if not spooled:
            self.assertIsNotNone(broken, "a file without its second half arrived as a whole one")
            self.assertLess(body.count(b"\r\n"), BIG_CUSTOMERS + 1)
        self.assertIn("the export's second half failed", self.log())
        self.assertEqual(self.sql("SELECT finished_at IS NULL FROM export_log WHERE shop_id = %s"
                                  " ORDER BY id DESC LIMIT 1" % shop), [["1"]])
        self.assertEqual(self.spool_files(), [])
        # the admin exports again at once
        page = browser.get("/admin/export?spent_min=1&spent_max=10")
        status, again = self.post(browser, {"columns": "email", "format": "csv",
                                            "csrf": page.csrf(), "spent_min": "1",
                                            "spent_max": "10"})
        self.assertEqual((status, again.count(b"\r\n")), (200, 1 + 91))


# Kills the running statement of an export's second half, if one runs;
# says which connection (0: none ran). A prepared statement shows in the
# process list with its values.
KILL_THE_SECOND_HALF = """DELIMITER //
BEGIN NOT ATOMIC
  DECLARE target BIGINT DEFAULT NULL;
  SELECT MAX(id) INTO target FROM information_schema.processlist
   WHERE info LIKE 'SELECT c.first_name%' AND info LIKE '%c.id >= %' AND id <> CONNECTION_ID();
  IF target IS NOT NULL THEN
    SET @kill = CONCAT('KILL QUERY ', target);
    PREPARE killing FROM @kill;
    EXECUTE killing;
  END IF;
  SELECT COALESCE(target, 0);
END//
"""


if __name__ == "__main__":
    unittest.main()
