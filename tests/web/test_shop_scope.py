"""Tenancy, checked on the SQL itself: every statement a program can run
on a table that belongs to a shop (one with a shop_id column in sql/)
names that table's shop_id (as a filter, a join on it, or a column an INSERT writes), so
no statement can read or change another
shop's rows by forgetting it.

Two sources of statements are read:
- the C sources of fcgi/ (the programs' SQL tables, the core's, and every
  other statement written as a string literal; adjacent literals and
  string macros are joined as the compiler joins them);
- the statements the customer list builds at run time from the filters
  in use (fcgi/customers.c), collected from the programs' debug log
  (FIDELE_LOG_DEBUG=1 logs every statement prepared) while the list is
  asked for every sort, filter, search and page link kind.

Limit: a bare shop_id stands for every table of the statement named
without an alias; such tables are checked as one. The few statements that must not filter by shop are listed in ALLOWED,
each with its reason. A statement that is allowed but no longer exists
fails too, so the list stays true."""

import os
import pathlib
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web

SRCDIR = pathlib.Path(os.environ.get("FIDELE_SRCDIR") or
                      pathlib.Path(__file__).resolve().parent.parent.parent)

# Statements that are right without a shop_id filter on every shop-owned
# table they name: (file, a piece of the statement that finds it, why).
ALLOWED = [
    # Keyed by a row found by shop a moment before, in the same request.
    ("fcgi/lib/core_sql.c", "UPDATE session SET last_seen_at",
     "touches the session just loaded by its 256-bit hash, shop checked by the load"),
    ("fcgi/lib/core_sql.c", "UPDATE login_token SET used_at = NOW() WHERE id = ?",
     "consumes the token just found by hash and shop"),
    ("fcgi/lib/core_sql.c", "code_tries = code_tries + 1 WHERE id = ?",
     "counts a wrong code on the token just found by handle and shop"),
    ("fcgi/customers.c", "LEFT JOIN admin a ON a.id = n.admin_id",
     "names the author of the shop's own notes (note.admin_id points into the same shop)"),
    # The CLI works on the installation, not on one shop.
    ("fcgi/lib/customer.c", "SELECT EXISTS (SELECT 1 FROM customer WHERE erased_at IS NULL)",
     "migrate: whether the whole search index is still to be built"),
    ("fcgi/fidele-admin.c", "UPDATE job SET state = 'cancelled'",
     "job cancel: jobs belong to the installation, named by their number"),
    ("fcgi/fidele-admin-doctor.c", "SELECT TIMESTAMPDIFF(SECOND, MAX(heartbeat_at), NOW())",
     "doctor: counts every shop's mail and jobs waiting for the worker (numbers only)"),
    # Housekeeping of every shop's expired rows.
    # The worker sends every shop's mail.
    ("fcgi/fidele-worker.c", "WHERE id = ? AND locked_by = ?",
     "marks a mail this worker claimed (sent or failed)"),
    ("fcgi/fidele-worker.c",
     "WHERE id = ? AND (locked_by = ? OR (locked_by IS NULL AND status = 'queued'))",
     "marks sent a mail this worker sent, its claim released while the database was away"),
    ("fcgi/fidele-worker.c", "UPDATE outbox o SET o.status = 'queued', o.locked_by = NULL",
     "frees every shop's mail claimed by a worker whose heartbeat stopped"),
    ("fcgi/fidele-worker.c", "UPDATE outbox SET body_text = '', body_html = NULL",
     "housekeeping: blanks every shop's old sent bodies"),
    ("fcgi/fidele-worker.c", "DELETE FROM session WHERE expires_at < NOW()",
     "housekeeping: every shop's expired sessions"),
    ("fcgi/fidele-worker.c", "DELETE FROM login_token WHERE expires_at < NOW()",
     "housekeeping: every shop's long-expired links"),
    ("fcgi/fidele-worker.c", "DELETE FROM form_once WHERE created_at < NOW()",
     "housekeeping: every shop's day-old form keys (keys only, no data)"),
    ("fcgi/fidele-worker.c", "DELETE FROM api_nonce WHERE expires_at < NOW()",
     "housekeeping: every shop's expired nonces of signed requests (no data)"),
    # The worker runs the installation's jobs, each named by its number.
    ("fcgi/fidele-worker.c", "UPDATE job SET state = 'running', worker_id = ?",
     "claims the next job of any shop"),
    ("fcgi/fidele-worker.c", "WHERE id = ? AND worker_id = ? AND state = 'running'",
     "beats, checks and ends the job this worker claimed"),
]

STATEMENT_START = re.compile(r"\s*(EXPLAIN\s+)?(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH)\b", re.I)
TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<space>\s+)
  | (?P<other>.)
''', re.S | re.X)
STRING = re.compile(r'"(?:\\.|[^"\\])*"')
# words that may follow a table name and are not its alias
NOT_ALIAS = {"where", "set", "on", "join", "left", "right", "inner", "cross", "straight_join",
             "order", "group", "limit", "using", "values", "select", "for", "natural", "as",
             "union", "having", "ignore", "partition", "force", "use"}
TABLE_REFERENCE = re.compile(r"\b(FROM|JOIN|UPDATE|INTO)\s+`?(\w+)`?(?:\s+(?:AS\s+)?(\w+))?", re.I)


def shop_tables():
    """The tables with a shop_id column, from the migrations."""
    tables = set()
    for path in sorted((SRCDIR / "sql").glob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text())
        for match in re.finditer(r"CREATE TABLE(?: IF NOT EXISTS)?\s+(\w+)\s*\((.*?)\)\s*ENGINE",
                                 text, re.S | re.I):
            if re.search(r"^\s*shop_id\s", match.group(2), re.M):
                tables.add(match.group(1))
        for match in re.finditer(r"ALTER TABLE\s+(\w+)([^;]*);", text, re.S | re.I):
            if re.search(r"ADD COLUMN(?: IF NOT EXISTS)?\s+shop_id\b", match.group(2), re.I):
                tables.add(match.group(1))
    return tables


def _unquote(literal):
    body = literal[1:-1]
    if "\\" not in body:
        return body
    # a string of raw bytes ("\\xff") is no SQL: it only has to decode
    return body.encode("utf-8").decode("unicode_escape").encode("latin-1").decode(
        "utf-8", errors="replace")


def c_strings(text):
    """(line, text) of each run of adjacent string literals (and string
    macros) in C source text, joined as the compiler joins them."""
    macros = {}
    for match in re.finditer(r'^#define\s+(\w+)\s+((?:"(?:\\.|[^"\\])*"\s*(?:\\\n\s*)?)+)$',
                             text, re.M):
        macros[match.group(1)] = "".join(_unquote(s) for s in STRING.findall(match.group(2)))
    # preprocessor lines are not code (keep the line count)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", lambda m: "\n" * m.group().count("\n"),
                  text, flags=re.M)
    runs, parts, start, line = [], [], 0, 1
    for match in TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "string" or (kind == "ident" and value in macros):
            if not parts:
                start = line
            parts.append(_unquote(value) if kind == "string" else macros[value])
        elif kind not in ("comment", "space"):
            if parts:
                runs.append((start, "".join(parts)))
            parts = []
        line += value.count("\n")
    return runs


def source_statements():
    """(file:line, statement) of every SQL statement written in fcgi/."""
    found = []
    for path in sorted((SRCDIR / "fcgi").glob("**/*.c")):
        for line, text in c_strings(path.read_text()):
            if STATEMENT_START.match(text):
                found.append(("%s:%d" % (path.relative_to(SRCDIR), line), text))
    return found


def unscoped(statement, tables):
    """The shop-owned tables a statement names without their shop_id: a
    table with an alias needs "alias.shop_id", one without needs a bare
    shop_id; the table an INSERT writes needs shop_id in its columns."""
    sql = " ".join(statement.split())
    missing = []
    insert = re.match(r"\s*(?:INSERT|REPLACE)(?:\s+IGNORE)?\s+INTO\s+`?(\w+)`?\s*(\(([^)]*)\))?",
                      sql, re.I)
    rest = sql
    if insert:
        if insert.group(1) in tables and not re.search(r"\bshop_id\b", insert.group(3) or ""):
            missing.append(insert.group(1))
        rest = sql[insert.end():]
    for match in TABLE_REFERENCE.finditer(rest):
        table, alias = match.group(2), match.group(3)
        if table not in tables:
            continue
        if alias and alias.lower() not in NOT_ALIAS:
            scoped = re.search(r"\b%s\.shop_id\b" % re.escape(alias), sql)
        else:
            # after an INSERT's own column list, whose shop_id filters nothing
            scoped = re.search(r"(?<![.\w])shop_id\b", rest)
        if not scoped:
            missing.append(table)
    return missing


def allowed(where, statement):
    """The ALLOWED entry that covers a statement written in a file (where
    is "file:line"), or prepared by a program (where is None)."""
    sql = " ".join(statement.split())
    for entry in ALLOWED:
        if (where is None or where.split(":")[0] == entry[0]) and entry[1] in sql:
            return entry
    return None


class CheckerCases(unittest.TestCase):
    """The checker itself, on a table of cases, so that a broken checker
    cannot pass every program by finding nothing."""

    CASES = [
        ("SELECT id FROM customer WHERE id = ?", ["customer"]),
        ("SELECT id FROM customer WHERE shop_id = ? AND id = ?", []),
        ("SELECT c.id FROM customer c WHERE c.id = ?", ["customer"]),
        ("SELECT c.id FROM customer c WHERE c.shop_id = ?", []),
        ("SELECT n.body, a.email FROM note n LEFT JOIN admin a ON a.id = n.admin_id"
         " WHERE n.shop_id = ?", ["admin"]),
        ("SELECT n.body, a.email FROM note n LEFT JOIN admin a ON a.id = n.admin_id"
         " AND a.shop_id = n.shop_id WHERE n.shop_id = ?", []),
        ("UPDATE outbox SET status = 'queued' WHERE id = ?", ["outbox"]),
        ("UPDATE outbox o SET o.status = 'queued' WHERE o.shop_id = ? AND o.id = ?", []),
        ("DELETE FROM note WHERE id = ?", ["note"]),
        ("DELETE b FROM bulk_selection b JOIN customer c ON c.id = b.customer_id"
         " WHERE b.selection_id = ?", ["customer"]),
        ("INSERT INTO note (customer_id, body) VALUES (?, ?)", ["note"]),
        ("INSERT INTO note (shop_id, customer_id, body) VALUES (?, ?, ?)", []),
        ("INSERT INTO event (shop_id, customer_id, kind) SELECT ?, customer_id, ? FROM outbox"
         " WHERE id = ?", ["outbox"]),
        ("INSERT INTO event (shop_id, customer_id, kind) SELECT shop_id, customer_id, ? FROM outbox"
         " WHERE shop_id = ? AND id = ?", []),
        ("SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?", []),
        ("SELECT hits FROM rate_limit WHERE bucket = ?", []),
        ("SELECT 1 FROM customer c WHERE c.shop_id = ? AND c.id IN"
         " (SELECT s.customer_id FROM customer_search s WHERE s.term LIKE ?)", ["customer_search"]),
    ]

    def test_the_checker_finds_each_missing_shop_filter(self):
        tables = shop_tables()
        for statement, expected in self.CASES:
            with self.subTest(statement=statement):
                self.assertEqual(unscoped(statement, tables), expected)

    def test_shop_owned_tables_come_from_the_migrations(self):
        tables = shop_tables()
        for table in ("customer", "admin", "session", "login_token", "outbox", "event",
                      "note", "orders", "customer_search", "shop_host", "form_once"):
            self.assertIn(table, tables)
        for table in ("shop", "rate_limit", "bulk_selection", "schema_version"):
            self.assertNotIn(table, tables)


class ShopScopeOfTheSources(unittest.TestCase):
    def test_every_written_statement_on_a_shop_table_filters_by_shop(self):
        tables = shop_tables()
        statements = source_statements()
        # the programs' and the core's tables are all read
        files = {where.split(":")[0] for where, _ in statements}
        for name in ("fcgi/login.c", "fcgi/customers.c", "fcgi/lib/core_sql.c",
                     "fcgi/fidele-admin.c", "fcgi/fidele-worker.c"):
            self.assertIn(name, files)
        self.assertGreater(len(statements), 80)
        wrong = ["%s: %s (%s)" % (where, " ".join(sql.split()), ", ".join(missing))
                 for where, sql in statements
                 for missing in [unscoped(sql, tables)]
                 if missing and not allowed(where, sql)]
        self.maxDiff = None
        self.assertEqual(wrong, [], "statements without their shop_id filter")

    def test_every_allowed_statement_still_exists_and_still_needs_it(self):
        tables = shop_tables()
        statements = source_statements()
        for entry in ALLOWED:
            with self.subTest(entry=entry[1]):
                hits = [(where, sql) for where, sql in statements
                        if where.split(":")[0] == entry[0] and entry[1] in " ".join(sql.split())]
                self.assertTrue(hits, "allowed statement not found")
                self.assertTrue(any(unscoped(sql, tables) for _, sql in hits),
                                "allowed statement filters by shop now: drop it from ALLOWED")


# The customer list's query strings: every sort both ways, each filter,
# searches the planner answers in its different ways, page links.
LIST_QUERIES = [
    "", "sort=email&dir=asc", "sort=created&dir=desc", "sort=last_order&dir=asc",
    "sort=orders&dir=desc", "sort=spent&dir=asc", "sort=name&dir=desc",
    "status=active", "status=all", "status=blocked&consent=yes", "source=admin&consent=no",
    "from=2020-01-01&to=2030-12-31", "orders_min=1&orders_max=50", "spent_min=100&spent_max=900000",
    "last_from=2020-01-01&last_to=2030-12-31&sort=last_order", "page=2",
    "q=elodie", "q=martin", "q=el", "q=elodie+martin", "q=gmail", "q=06",
    "q=zz-nobody-zz", "q=martin&sort=email", "q=el&sort=spent&dir=desc",
    "size=25", "size=100&sort=created",
]


class ShopScopeOfTheBuiltList(unittest.TestCase):
    def test_every_statement_the_list_builds_filters_by_shop(self):
        browser = web.Browser(ALPHA_HOST)
        browser.sign_in(*ALPHA_OWNER)
        queries = list(LIST_QUERIES)
        # page links (after= / before=) of a few orders, taken from the pages
        for query in ("", "sort=email", "q=martin", "sort=last_order&dir=desc"):
            page = browser.get("/admin/customers" + ("?" + query if query else ""))
            queries += [link.split("?", 1)[1].replace("&amp;", "&")
                        for link in re.findall(r'href="(/admin/customers\?[^"]*(?:after|before)=[^"]*)"',
                                               page.body)]
        self.assertTrue(any("after=" in q for q in queries))
        tables = shop_tables()
        prepared = set()
        for query in queries:
            answer = web.run_cgi("customers.fcgi", "GET", "/admin/customers", ALPHA_HOST,
                                 query=query, cookies=browser.cookies,
                                 extra_env={"FIDELE_LOG_DEBUG": "1"})
            self.assertEqual(answer.status, 200, "?" + query)
            prepared.update(web.prepared_statements(answer, "customers"))
        built = [sql for sql in prepared if " FROM customer c" in sql or "customer_search s" in sql]
        self.assertGreater(len(built), 10, "the list's built statements were not logged")
        wrong = ["%s (%s)" % (sql, ", ".join(missing)) for sql in sorted(prepared)
                 for missing in [unscoped(sql, tables)]
                 if missing and not allowed(None, sql)]
        self.maxDiff = None
        self.assertEqual(wrong, [], "statements without their shop_id filter")


if __name__ == "__main__":
    unittest.main()
