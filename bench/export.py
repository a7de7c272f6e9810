"""Export benchmark (bench/export, issue 14): one stack, one MariaDB (4G
buffer pool), one run.

1. A shop of --rows customers (1,000,000 by default) made by fidele-admin
   seed-demo (French and English names with their accents, phones, money,
   signup and last-order dates, consent), then given companies, street
   addresses, postal codes, cities, VAT numbers and tax exemptions with one
   UPDATE, so that every column of the export has realistic values.
2. A warm-up export (CSV, all columns) with the server's general log on:
   the statement export.fcgi ran is taken from the log (the baseline runs
   that very text), and the buffer pool holds the rows for what follows.
   Its form is posted with a count of 1, below the split's threshold, so
   that the program runs the view's one statement (a split export runs
   two, each a half of it); the timed exports post the page's count.
3. Baseline: `mariadb --batch --quick` of that statement, its output to a
   file (tab-separated, one line a customer): rows/s. A second baseline
   runs the same FROM ... WHERE ... ORDER BY with the values formatted by
   the server as the CSV writes them (labels, days, money with two
   decimals, Oui/Non): the same columns as a person would have mariadb
   write them. The table gives the export's ratio to each.
4. The export through nginx with the shipped snippet, as a person makes
   it: GET /admin/export (the export page of the list's default view:
   every current customer by name), then its form posted as it stands
   (its hidden fields: the view, the token and the count the page shows,
   which tells the download where to cut a big CSV export in two without
   counting again) with every column and the format (csv, csv-excel, then
   xlsx) to /admin/export/download, the answer written to a file by curl:
   rows/s, the ratio to 3 (target >= 1.2 for CSV), and the peak RSS of the
   export.fcgi process(es) during the export (VmHWM, reset before each
   export through /proc/<pid>/clear_refs, and VmRSS sampled every 20 ms;
   target <= 16 MiB). Only the POST is timed: the seconds run from the
   request sent to the last byte written by curl. The note says whether
   the program read the export in two halves (its log's "read in two
   halves"; export-file.c: from Export.SplitMinCustomers customers on,
   50,000 by default, the CSV profiles only). The CSV once more with the
   form's count set to 1, below the threshold ("csv, one pass"): the
   export as it was before the split, in the same run.
5. Steps 3 and 4 run --repeat times (3 by default) in turns, every other
   turn in the reverse order, and the table shows each step's median run
   (all runs listed under it): on 2 shared cores a single run measures the
   neighbours as much as the export. Beside the wall time, the CPU seconds
   each side used (export.fcgi, nginx's workers, mariadbd, and curl or the
   mariadb client), which a busy machine disturbs less.
6. Every file is checked before a figure is printed: HTTP 200, the
   header row in the admin's language, as many customer rows as the view
   has (the CSVs are read back with Python's csv module, the .xlsx's sheet
   is counted row by row), and export_log's row count.

Prints one table, with the load average (uptime) at the start and the end:
on a machine busy with other work the figures mean little.

    bench/export [--rows N] [--repeat R] [--keep]     (python3 bench/export.py ...)

A quick run while working: bench/export --rows 100000. --keep keeps the
stack's folder (build/bench-export-var-<rows>) and its seeded shop: the
next run with the same --rows starts at the warm-up (remove the folder for
a fresh one).

Figures, 2026-12-01 10:11-10:13 (main at aa99ecc: a big CSV read in two
halves at once), 1,000,000 customers (949,919 in the view), medians of 3,
load average 1.3 at the start and 1.6 at the end (nothing else running but
the bench):

    mariadb --batch --quick        4.96 s  191,472 rows/s  runs 3.73, 5.87, 4.96 s
                                   mariadbd 5.0 s CPU, client 2.2
    mariadb, formatted in SQL      5.51 s  172,439 rows/s  runs 4.29, 5.51, 6.08 s
    export csv (two halves)        2.96 s  320,853 rows/s  1.68 / 1.86  RSS 11.8 MiB
                                   runs 2.75, 3.15, 2.96 s; export.fcgi 1.1 s CPU,
                                   nginx 0.2, mariadbd 4.6, curl 0.2; first byte at
                                   0.19 s (the boundary), last row at 2.96 s
    export csv, one pass           4.00 s  237,776 rows/s  1.24 / 1.38  RSS 11.8 MiB
                                   runs 3.93, 4.00, 4.09 s
    export csv-excel (two halves)  2.91 s  326,448 rows/s  1.70 / 1.89  RSS 11.8 MiB
    export xlsx                   19.38 s   49,015 rows/s  0.26 / 0.28  RSS 12.2 MiB
                                   export.fcgi 18.9 s CPU (libxlsxwriter); the first
                                   byte at the end, by design (a zip is closed last)

The baseline's runs spread (3.73 to 5.87 s) where the export's do not: even
against its fastest run, the split CSV's median is 1.26x (its fastest,
1.36x); the one pass is 1.07x. An earlier run the same morning, before the
split, at load 0.7: baseline 4.00 s, one pass 3.76 s (1.06x).

Why the split: both sides wait on the same server. mariadbd spends 3.8 to
5 s of CPU on the statement, the whole wall time, while export.fcgi spends
1.1 s on the same rows on the other core; against the very statement the
program runs, one pass can only win what the binary protocol saves the
server. So a big CSV export is read in two halves at once (export-file.c):
the rows before a boundary row are streamed on the program's connection
while a thread reads the others on a second one into the spool, copied
after them; the server's work then runs on both cores.
"""

import argparse
import csv
import html
import http.client
import os
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402
from addresses import CITIES, STREETS  # noqa: E402

HOST = "export.bench.test"
OWNER = ("owner@export.bench.test", "export-bench-owner-password")
# every column of the export, in the contract's order (EXPORT-CONTRACT.md)
COLUMNS = ("first_name", "last_name", "email", "phone", "company", "address", "postal_code",
           "city", "country", "language", "status", "source", "signup_date", "order_count",
           "total_spent", "average_order", "last_order_date", "marketing", "system_mail",
           "tax_exempt", "vat_number")
# their French headers (import_export_columns, fcgi/import-map.c): the shop is French
HEADERS_FR = ("Prénom", "Nom", "E-mail", "Téléphone", "Société", "Adresse", "Code postal",
              "Ville", "Pays", "Langue", "Statut", "Origine", "Client depuis", "Commandes",
              "Total dépensé", "Panier moyen", "Dernière commande", "Accepte le marketing",
              "E-mails de service", "Exonéré de TVA", "N° de TVA")
FORMATS = ("csv", "csv-excel", "xlsx")
# the CSV once more, its form posted with a count of 1 (below the split's
# threshold): read in one pass, as before the split, in the same run
ONE_PASS = "csv-one-pass"
RSS_TARGET_KIB = 16 * 1024

# The baseline when the general log gave no statement: the list's default
# view as customer_query.c writes it (sql_where, the name order), with the
# export's columns formatted in SQL.
FALLBACK = ("SELECT c.first_name, c.last_name, c.email, c.phone, c.company, c.address,"
            " c.postal_code, c.city, c.country, c.language, c.status, c.source,"
            " DATE(c.created_at), c.order_count, c.total_spent_cents / 100,"
            " IF(c.order_count > 0, c.total_spent_cents / c.order_count / 100, NULL),"
            " DATE(c.last_order_at), c.marketing_consent, c.system_mail, c.tax_exempt,"
            " c.vat_number FROM customer c WHERE c.shop_id = %s AND c.erased_at IS NULL"
            " AND c.status <> 'inactive' ORDER BY c.name_key, c.id")

# The second baseline: the same rows, from the same FROM ... WHERE ... ORDER
# BY as the program's statement, each value written by the server as the
# plain CSV writes it (labels in French, ISO days, money with two
# decimals, Oui/Non): mariadb writing "the same columns" as a person would
# have it do. The days are UTC ones (the stack's server has no zone tables).
FORMATTED = ("SELECT c.first_name, c.last_name, c.email, c.phone, c.company, c.address,"
             " c.postal_code, c.city, c.country, c.language,"
             " ELT(FIELD(c.status, 'invited', 'active', 'inactive', 'blocked'),"
             "  'Invité', 'Actif', 'Inactif', 'Bloqué'),"
             " ELT(FIELD(c.source, 'self', 'admin', 'import', 'order'),"
             "  'Inscription', 'Ajouté par la boutique', 'Import', 'Commande'),"
             " DATE_FORMAT(c.created_at, '%Y-%m-%d'), c.order_count,"
             " CAST(c.total_spent_cents / 100 AS DECIMAL(16, 2)),"
             " IF(c.order_count > 0, CAST(ROUND(c.total_spent_cents / c.order_count) / 100"
             "  AS DECIMAL(16, 2)), NULL),"
             " DATE_FORMAT(c.last_order_at, '%Y-%m-%d'), IF(c.marketing_consent, 'Oui', 'Non'),"
             " IF(c.system_mail, 'Oui', 'Non'), IF(c.tax_exempt, 'Oui', 'Non'), c.vat_number")

UK = (("SW1A 1AA", "London", "10 Downing Street"), ("LS1 4DY", "Leeds", "2 Park Row"),
      ("BS1 5TR", "Bristol", "14 Queen Square"), ("YO1 7HH", "York", "3 Stonegate"))
COMPANIES = ("", "", "", "Boulangerie L'Épi d'Or", "Fromagerie du Marché", "Épicerie Fine Léa",
             "Ferme des Trois Chênes", "Café de la Gare", "", "SARL Crémerie Bénard")


def elt(expression, values):
    return "ELT(1 + %s, %s)" % (expression, ", ".join("'%s'" % v.replace("'", "''")
                                                         for v in values))


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def status_kib(pid, name):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def program_pids(path):
    """The processes running the program at path (the pool's copies)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        if argv0 == path:
            pids.append(int(name))
    return pids


class Sampler(threading.Thread):
    """Samples VmRSS of pids every 20 ms until stopped; VmHWM is reset
    first and read at the end (it catches what falls between samples)."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0
        self.before = 0
        self.done = threading.Event()
        for pid in pids:
            try:
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")
            except OSError:
                pass
            self.before = max(self.before, status_kib(pid, "VmRSS"))

    def run(self):
        while not self.done.wait(0.02):
            for pid in self.pids:
                self.peak = max(self.peak, status_kib(pid, "VmRSS"))

    def stop(self):
        self.done.set()
        self.join()
        for pid in self.pids:
            self.peak = max(self.peak, status_kib(pid, "VmHWM"))
        return self.peak


def count_csv(path, delimiter):
    """(header, data rows) of a CSV file, read as a spreadsheet would."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        rows = sum(1 for _ in reader)
    return header, rows


def count_xlsx(path):
    """(header, data rows) of the first sheet of an .xlsx: its rows counted
    on the stream, the header's inline or shared strings read."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheet = next(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        shared = []
        if "xl/sharedStrings.xml" in names:
            text = z.read("xl/sharedStrings.xml").decode()
            shared = [re.sub(r"<[^>]+>", "", s) for s in
                      re.findall(r"<si>(.*?)</si>", text, re.S)]
        rows, tail, first = 0, b"", None
        with z.open(sheet) as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                data = tail + block
                rows += data.count(b"<row ") + data.count(b"<row>")
                if first is None and b"</row>" in data:
                    first = data[data.index(b"<row"):data.index(b"</row>")].decode()
                # a tag cut between two blocks is counted in the next
                cut = data.rfind(b"<")
                tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
                if tail:
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")
    header = []
    for cell in re.findall(r"<c [^>]*>.*?</c>", first or "", re.S):
        value = re.search(r"<t[^>]*>(.*?)</t>", cell, re.S) or re.search(r"<v>(.*?)</v>", cell)
        text = value.group(1) if value else ""
        if 't="s"' in cell:
            text = shared[int(text)]
        header.append(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    return header, rows - 1


class Bench:
    def __init__(self, stack, rows):
        self.stack = stack
        self.rows = rows
        self.files = os.path.join(stack.var, "files")
        os.makedirs(self.files, exist_ok=True)

    def sql(self, statement):
        return self.stack.sql(statement)

    # --- the shop ---------------------------------------------------------------
    def shop(self):
        found = self.sql("SELECT id, (SELECT COUNT(*) FROM customer c WHERE c.shop_id = s.id)"
                         " FROM shop s WHERE slug = 'exportbench'")
        if found and int(found[0][1]) == self.rows:
            # --keep: the shop of an earlier run, as it was
            self.shop_id = found[0][0]
            self.expected = int(self.sql(
                "SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
                " AND status <> 'inactive'" % self.shop_id)[0][0])
            print("# the shop of an earlier run: %d customers, %d in the default view"
                  % (self.rows, self.expected), flush=True)
            return
        if found:
            raise SystemExit("%s holds a shop of %s customers, not %d: remove it"
                             % (self.stack.var, found[0][1], self.rows))
        self.stack.admin("shop", "add", "--slug", "exportbench", "--name", "Épicerie Export",
                         "--language", "fr")
        self.stack.admin("shop", "host", "add", "--shop", "exportbench", "--host", HOST)
        self.stack.admin("admin", "add", "--shop", "exportbench", "--email", OWNER[0],
                         "--role", "owner", input=OWNER[1] + "\n")
        self.shop_id = self.sql("SELECT id FROM shop WHERE slug = 'exportbench'")[0][0]
        started = time.time()
        self.stack.admin("seed-demo", "--shop", "exportbench", "--customers", str(self.rows))
        seeded = time.time() - started
        started = time.time()
        # the columns seed-demo leaves empty, varied by the id
        self.sql("UPDATE customer SET"
                 " company = %s,"
                 " address = IF(country = 'GB', %s, CONCAT(1 + id %% 180, IF(id %% 7 = 0, ' bis', ''),"
                 "   ', ', %s)),"
                 " postal_code = IF(country = 'GB', %s, %s),"
                 " city = IF(country = 'GB', %s, %s),"
                 " vat_number = IF(id %% 9 = 0, CONCAT('FR', LPAD(id %% 97, 2, '0'),"
                 "   LPAD(id, 9, '0')), ''),"
                 " tax_exempt = (id %% 23 = 0)"
                 " WHERE shop_id = %s"
                 % (elt("id % 10", COMPANIES), elt("id % 4", [u[2] for u in UK]),
                    elt("id % 20", STREETS), elt("id % 4", [u[0] for u in UK]),
                    elt("(id DIV 3) % 20", [c[0] for c in CITIES]),
                    elt("id % 4", [u[1] for u in UK]),
                    elt("(id DIV 3) % 20", [c[1] for c in CITIES]), self.shop_id))
        filled = time.time() - started
        self.sql("ANALYZE TABLE customer")
        self.expected = int(self.sql(
            "SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
            " AND status <> 'inactive'" % self.shop_id)[0][0])
        print("# seed-demo: %d customers in %.0f s; addresses filled in %.0f s; %d in the"
              " default view (the inactive ones are not)" % (self.rows, seeded, filled,
                                                             self.expected), flush=True)
        self.settle()

    def settle(self):
        """Waits (up to 5 minutes) for the seed's pages to reach the disk:
        the figures are then the export's, not the server's flushing."""
        started = time.time()
        self.sql("SET GLOBAL innodb_max_dirty_pages_pct = 0")
        while time.time() - started < 300:
            dirty = int(self.sql("SELECT variable_value FROM information_schema.global_status"
                                 " WHERE variable_name = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")[0][0])
            if dirty < 100:
                break
            time.sleep(2)
        self.sql("SET GLOBAL innodb_max_dirty_pages_pct = 90")
        print("# waited %.0f s for the seed's pages to reach the disk" % (time.time() - started),
              flush=True)

    # --- the export -----------------------------------------------------------------
    def sign_in(self):
        self.browser = web.Browser(HOST)
        answer = self.browser.sign_in(*OWNER)
        assert answer.status == 303, "sign-in: %d %s" % (answer.status, answer.text()[:300])
        page = self.browser.get("/admin/export")
        if page.status != 200 or not page.csrf():
            raise SystemExit("GET /admin/export answered %d: is export.fcgi in this build?\n%s"
                             % (page.status, page.text()[:500]))

    def form(self):
        """The export page's download form for the list's default view, as
        the page gives it: its hidden fields (the token, the view, the
        count of customers it shows)."""
        page = self.browser.get("/admin/export")
        if page.status != 200:
            raise SystemExit("GET /admin/export answered %d" % page.status)
        form = re.search(r'<form method="post" action="/admin/export/download".*?</form>',
                         page.body, re.S)
        if not form:
            raise SystemExit("no download form on the export page")
        fields = {}
        for tag in re.findall(r'<input type="hidden"[^>]*>', form.group(0)):
            name = re.search(r'name="([^"]*)"', tag).group(1)
            fields[name] = html.unescape(re.search(r'value="([^"]*)"', tag).group(1))
        return fields

    def download(self, fmt, path, count=None):
        """The export page's form posted (count, when given, in place of the
        page's), curl writing the answer to path. Returns (HTTP status,
        seconds from the request to the last byte, bytes, seconds to the
        first byte, the time curl was started, whether the program read it
        in two halves). Only the POST is timed."""
        fields = self.form()
        fields.update({"format": fmt, "columns": ",".join(COLUMNS)})
        if count is not None:
            fields["count"] = str(count)
        body = urllib.parse.urlencode(fields)
        halves = self.halves()
        cookie = "; ".join("%s=%s" % kv for kv in self.browser.cookies.items())
        started = time.time()
        result = subprocess.run(
            ["curl", "-sS", "-o", path, "-w",
             "%{http_code} %{time_total} %{size_download} %{time_starttransfer}",
             "-H", "Host: " + HOST, "-H", "Cookie: " + cookie,
             "-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", body,
             "http://127.0.0.1:%d/admin/export/download" % self.stack.port],
            capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            raise SystemExit("curl: " + result.stderr)
        code, seconds, size, first = result.stdout.split()
        return (int(code), float(seconds), int(size), float(first), started,
                self.halves() > halves)

    def halves(self):
        """How many exports the program read in two halves so far."""
        try:
            with open(os.path.join(self.stack.log_dir, "export.log"), errors="replace") as f:
                return f.read().count("read in two halves")
        except OSError:
            return 0

    def last_log(self):
        row = self.sql("SET time_zone = '+00:00'; SELECT format, COALESCE(row_count, 'NULL'),"
                       " finished_at IS NOT NULL, UNIX_TIMESTAMP(started_at),"
                       " COALESCE(UNIX_TIMESTAMP(finished_at), 0)"
                       " FROM export_log WHERE shop_id = %s ORDER BY id DESC LIMIT 1"
                       % self.shop_id)
        return row[0] if row else None

    def check(self, fmt, path, code):
        """Why the file is not the view's customers, or None."""
        if code != 200:
            with open(path, "rb") as f:
                return "HTTP %d: %s" % (code, f.read(300).decode(errors="replace"))
        try:
            if fmt == "xlsx":
                header, rows = count_xlsx(path)
            else:
                header, rows = count_csv(path, ";" if fmt == "csv-excel" else ",")
        except Exception as error:    # noqa: BLE001 (a broken file is the finding)
            return "unreadable %s: %r" % (fmt, error)
        if list(header or []) != list(HEADERS_FR):
            return "header %r, not %r" % (header, HEADERS_FR)
        if rows != self.expected:
            return "%d rows, not %d" % (rows, self.expected)
        log = self.last_log()
        if log is None or log[0] != fmt or log[1] != str(self.expected) or log[2] != "1":
            return "export_log says %r" % (log,)
        return None

    def warm_up(self):
        """A first CSV export with the general log on: the statement the
        program ran, for the baseline; and the rows in the buffer pool."""
        log = os.path.join(self.stack.log_dir, "general.log")
        self.sql("SET GLOBAL log_output = 'FILE'; SET GLOBAL general_log_file = '%s';"
                 " SET GLOBAL general_log = 1" % log)
        path = os.path.join(self.files, "warm-up.csv")
        try:
            # a count below the split's threshold: the view's one statement
            code, seconds, size, _, _, _ = self.download("csv", path, count=1)
        finally:
            self.sql("SET GLOBAL general_log = 0")
        problem = self.check("csv", path, code)
        if problem:
            raise SystemExit("the warm-up export is not the view's customers: " + problem)
        print("# warm-up export: %.1f s, %.1f MB" % (seconds, size / 1e6), flush=True)
        os.unlink(path)
        statements = []
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                match = re.search(r"\s(?:Execute|Query)\t(SELECT .*)$", line)
                if match and " FROM customer c" in match.group(1) and \
                        " ORDER BY " in match.group(1) and " LIMIT " not in match.group(1) and \
                        "COUNT(" not in match.group(1):
                    statements.append(match.group(1))
        if statements:
            self.statement, self.statement_from = statements[-1], "the program's, general log"
        else:
            self.statement, self.statement_from = FALLBACK % self.shop_id, "hand-written"
        print("# baseline statement (%s):\n#   %s" % (self.statement_from, self.statement),
              flush=True)
        self.formatted = FORMATTED + self.statement[self.statement.index(" FROM customer c"):]
        print("# the second baseline, values formatted by the server:\n#   %s"
              % self.formatted, flush=True)
        # the plan both sides get: walking the name index streams the first
        # row at once; a filesort reads every row before the first
        for row in self.sql("EXPLAIN " + self.statement):
            print("# EXPLAIN: " + " | ".join(row), flush=True)

    def cpu(self, pids):
        """CPU seconds pids have used so far (user + system)."""
        total = 0
        for pid in pids:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / os.sysconf("SC_CLK_TCK")

    def server_pids(self):
        """mariadbd's and the nginx workers' (the children of the stack's
        nginx: other stacks run nginx too)."""
        with open(os.path.join(self.stack.run_dir, "mariadb.pid")) as f:
            server = [int(f.read().strip())]
        workers = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/status" % entry) as f:
                        if "\nPPid:\t%d\n" % self.stack.nginx.pid in f.read():
                            workers.append(int(entry))
                except OSError:
                    pass
        return server, workers

    def cpu_now(self, program):
        server, workers = self.server_pids()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (self.cpu(program), self.cpu(workers), self.cpu(server),
                usage.ru_utime + usage.ru_stime)

    @staticmethod
    def cpu_text(before, after):
        used = [b - a for a, b in zip(before, after)]
        return "%.1f/%.1f/%.1f/%.1f" % tuple(used)

    def baseline(self, statement):
        path = os.path.join(self.files, "baseline.tsv")
        load = os.getloadavg()[0]
        cpu = self.cpu_now([])
        with open(path, "wb") as out:
            started = time.time()
            result = subprocess.run(
                ["mariadb", "--no-defaults", "--socket=" + self.stack.db_socket, "-u", "root",
                 "--batch", "--quick", "fidele", "-e", statement],
                stdout=out, stderr=subprocess.PIPE, timeout=3600)
            seconds = time.time() - started
        cpu = self.cpu_text(cpu, self.cpu_now([]))
        if result.returncode != 0:
            raise SystemExit("mariadb: " + result.stderr.decode(errors="replace"))
        with open(path, "rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
        problem = None if lines - 1 == self.expected else "%d rows, not %d" % (lines - 1,
                                                                              self.expected)
        size = os.path.getsize(path)
        os.unlink(path)
        return {"seconds": seconds, "size": size, "problem": problem, "load": load, "cpu": cpu}

    def export(self, step):
        fmt = "csv" if step == ONE_PASS else step
        path = os.path.join(self.files, "export." + ("xlsx" if fmt == "xlsx" else fmt + ".csv"))
        pids = program_pids(self.stack.program("export.fcgi"))
        if not pids:
            raise SystemExit("no export.fcgi process found")
        load = os.getloadavg()[0]
        cpu = self.cpu_now(pids)
        sampler = Sampler(pids)
        sampler.start()
        code, seconds, size, first, started, split = self.download(
            fmt, path, count=1 if step == ONE_PASS else None)
        peak = sampler.stop()
        cpu = self.cpu_text(cpu, self.cpu_now(pids))
        problem = self.check(fmt, path, code)
        os.unlink(path)
        found = {"seconds": seconds, "size": size, "problem": problem, "load": load, "cpu": cpu,
                 "peak": peak, "before": sampler.before, "processes": len(pids),
                 "split": split}
        if not problem:
            # streamed: the first bytes reach curl long before the program
            # has written its last row (export_log.finished_at)
            found["first"] = first
            found["last"] = float(self.last_log()[4]) - started
        return found

    def run(self, repeat):
        """Each step repeat times, in turns (every other turn in the other
        order), so that a busy moment of the machine falls on all."""
        steps = ["baseline", "formatted"] + list(FORMATS[:1]) + [ONE_PASS] + list(FORMATS[1:])
        self.runs = {step: [] for step in steps}
        for turn in range(repeat):
            for step in (steps if turn % 2 == 0 else steps[::-1]):
                if step in ("baseline", "formatted"):
                    found = self.baseline(self.statement if step == "baseline" else
                                          self.formatted)
                else:
                    found = self.export(step)
                self.runs[step].append(found)
                print("# turn %d, %-10s %6.2f s%s" % (turn + 1, step, found["seconds"],
                                                      "  " + found["problem"] if found["problem"]
                                                      else ""), flush=True)

    def table(self):
        print("\n%d customers in the view, each step run %d times in turns: the median run"
              " (CPU s: export.fcgi / nginx / mariadbd / curl or the mariadb client)"
              % (self.expected, len(self.runs["baseline"])))
        print("(ratio: to the first baseline, the program's own statement; ratio 2: to the"
              " second, its values formatted by the server)")
        print("%-38s %8s %10s %6s %7s %7s %9s %5s %17s  %s" % (
            "step", "seconds", "rows/s", "ratio", "ratio 2", "MB", "peak RSS", "load", "CPU s",
            "note"))
        base = second = None
        for step, runs in self.runs.items():
            bad = [r["problem"] for r in runs if r["problem"]]
            middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            rate = self.expected / middle["seconds"]
            if step == "baseline":
                base = rate
                what = "mariadb --batch --quick > file"
            elif step == "formatted":
                second = rate
                what = "mariadb ... formatted in SQL > file"
            else:
                what = "export %s (nginx, curl > file)" % (
                    "csv, one pass" if step == ONE_PASS else step)
            peak = max(r.get("peak", 0) for r in runs)
            note = []
            if bad:
                note.append("NOT the view's customers: " + bad[0])
            elif step not in ("baseline", "formatted"):
                if step != "xlsx":
                    note.append("target ratio >= 1.2: %s" % ("met" if rate / base >= 1.2
                                                            else "NOT met"))
                note.append("RSS %s (%.1f MiB idle)" % (
                    "<= 16 MiB" if peak <= RSS_TARGET_KIB else "OVER 16 MiB",
                    middle["before"] / 1024))
                note.append("first byte at %.2f s, last row written at %.2f s"
                            % (middle["first"], middle["last"]))
                note.append("read in two halves" if middle["split"] else "one pass")
            exported = step not in ("baseline", "formatted")
            print("%-38s %8.2f %10.0f %6s %7s %7.1f %9s %5.2f %17s  %s" % (
                what, middle["seconds"], rate, "%.2f" % (rate / base) if exported else "-",
                "%.2f" % (rate / second) if exported else "-", middle["size"] / 1e6,
                "%.1f MiB" % (peak / 1024) if peak else "-", middle["load"], middle["cpu"],
                "; ".join(note)))
            print("%-38s %s" % ("", "runs: " + ", ".join("%.2f s" % r["seconds"] for r in runs)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000000,
                        help="customers in the shop (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each step, in turns; the median is shown (default 3)")
    parser.add_argument("--keep", action="store_true",
                        help="keep build/bench-export-var-<rows> (the seeded shop) for the next run")
    args = parser.parse_args()
    build = os.path.join(ROOT, "build")
    # one copy of each program: the export's PID is the one to watch; the
    # buffer pool of bench/import and bench/run-1m (1M customers, their
    # indexes and search terms fit)
    stack = Stack(os.path.join(build, "bench-export-var-%d" % args.rows), srcdir=ROOT,
                  builddir=build,
                  processes=1, buffer_pool="4G", smtp=False, persistent=args.keep)
    print("load at start: " + uptime(), flush=True)
    stack.start()
    web.STACK = stack
    try:
        bench = Bench(stack, args.rows)
        bench.shop()
        bench.sign_in()
        bench.warm_up()
        print("load before the timed steps: " + uptime(), flush=True)
        bench.run(args.repeat)
        bench.table()
        print("targets: CSV rows/s >= 1.2 x the baseline's; export.fcgi peak RSS <= 16 MiB"
              " in every format")
        print("load at end: " + uptime())
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
