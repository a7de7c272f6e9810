"""Import benchmark (bench/import, issue 13): one stack, one MariaDB, in one
run.

1. A CSV of --rows customers (1,000,000 by default): French names with
   their accents, unique addresses and e-mails, UTF-8, ";" between fields,
   as Excel writes it on a French Windows once told UTF-8.
2. LOAD DATA INFILE (server-side, not LOCAL) of that file into a plain
   table with the same columns (and the unique e-mail key any upsert
   needs): rows/s.
3. The same file imported into an empty shop by the real import job of
   fidele-worker (an import row as the pages make it, its job queued by
   import_job_queue through fidele-admin, the stack's own worker runs it): rows/s, the ratio to 2
   (target >= 0.5), and the worker's peak RSS (VmHWM, reset before the job;
   target <= 32 MiB). Search index, events and consent rows are part of the
   import's time.
   Also, as a ceiling: the same LOAD DATA into a copy of the real customer
   table (all its keys and stored columns, no search index): what the
   schema alone allows any importer.
4. A second file where every row changed (same e-mails): LOAD DATA into a
   temporary table + INSERT ... SELECT ... ON DUPLICATE KEY UPDATE into the
   plain table, against the import in overwrite mode (target >= 0.9).
5. A 100 MB file posted through nginx to the upload door (the upload
   probe, tests/helpers/upload-probe, the core's streaming upload as
   import.fcgi uses it): MB/s, and its SHA-256 as the program read it.

Prints a table with the load average before each step.

    bench/import [--rows N] [--changed-rows N] [--upload-mb N]

--changed-rows makes the second file the first N rows of the first, all
changed (both sides of that comparison then upsert N rows into a table or
shop of --rows).
"""

import argparse
import hashlib
import http.client
import os
import re
import sys
import time
import unicodedata
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import web  # noqa: E402
from stack import Stack  # noqa: E402
from addresses import CITIES, STREETS  # noqa: E402

HOST = "bench.test"
OWNER = ("owner@bench.test", "bench-owner-password")
PROBE = "/admin/probe/upload"
BOUNDARY = "----FideleBenchImport7MA4YWxkTrZu0gW"
EXTRA_NGINX = """
        location ^~ /admin/probe/ {
            client_max_body_size 110m;
            set $fidele_program upload-probe;
            include snippets/fidele-fastcgi.conf;
        }
"""

FIRST = ("Élodie", "Amélie", "Françoise", "Jérôme", "Loïc", "Hélène", "Anaïs", "Noël", "Zoé",
         "Gaëlle", "Céline", "Stéphane", "Frédéric", "Benoît", "Maëlys", "Clément", "Léa",
         "Raphaël", "Chloé", "Thérèse", "André", "Inès", "Joël", "Mathéo", "Eugénie", "Aurélien",
         "Agnès", "Grégoire", "Océane", "Timothée", "Josué", "Héloïse", "Rémi", "Solène",
         "Gérald", "Cécile", "Jean-François", "Marie-Hélène", "Yann", "Camille")
LAST = ("Lefèvre", "Dupré", "Bénard", "Gérard", "Lemaître", "Müller", "Pérez", "Fournier",
        "Léger", "Rivière", "Château", "Béranger", "Crémieux", "Desrosiers", "Évrard", "Hébert",
        "Jégou", "Lefébure", "Mézière", "Pélissier", "Quéré", "Thébault", "Vallée", "Lacroix",
        "Bouchard", "Le Gall", "D'Aubigné", "N'Diaye", "Saint-Éloi", "Abélard", "Moreau",
        "Girard", "Rousseau", "Garnier", "Chevalier", "François", "Guérin", "Mercier",
        "Barbier", "Bréhéret", "Kerjean")
COMPANIES = ("", "", "", "Boulangerie L'Épi d'Or", "Fromagerie du Marché", "Épicerie Fine Léa",
             "Ferme des Trois Chênes", "Café de la Gare", "", "SARL Crémerie Bénard")
DOMAINS = ("exemple.fr", "courriel.fr", "poste.example", "mail.example.org")
HEADER = "E-mail;Prénom;Nom;Téléphone;Société;Adresse;Code postal;Ville"
COLUMNS = "email, first_name, last_name, phone, company, address, postal_code, city"
MAPPING = "email,first_name,last_name,phone,company,address,postal_code,city"
# the changed file's street numbers start here: none of the first file's
CHANGED_NUMBERS = 10000000


def fold(text):
    """Lower case ASCII letters only ("Lefèvre" -> "lefevre")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def write_csv(path, rows, changed):
    """The file: row i always has the same e-mail; changed=True gives every
    other column another value (names, phone, company, a new unique
    address)."""
    shift = 7 if changed else 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\r\n")
        lines = []
        for i in range(rows):
            first = FIRST[i % len(FIRST)]
            last = LAST[(i // len(FIRST)) % len(LAST)]
            email = "%s.%s%d@%s" % (fold(first), fold(last), i, DOMAINS[i % len(DOMAINS)])
            if changed:
                first = FIRST[(i + shift) % len(FIRST)]
                last = LAST[(i // len(FIRST) + shift) % len(LAST)]
            street = STREETS[(i + shift) % len(STREETS)]
            # unique: the number grows once per round of the streets
            number = i // len(STREETS) + 1 + (CHANGED_NUMBERS if changed else 0)
            postal, city = CITIES[(i // 3 + shift) % len(CITIES)]
            phone = "0%d %02d %02d %02d %02d" % (6 + (i + shift) % 2, (i // 1000000) % 100,
                                                  (i // 10000) % 100, (i // 100) % 100, i % 100)
            company = COMPANIES[(i + shift) % len(COMPANIES)]
            lines.append("%s;%s;%s;%s;%s;%d, %s;%s;%s\r\n" % (email, first, last, phone, company,
                                                              number, street, postal, city))
            if len(lines) == 10000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))


def status_kib(pid, name):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def load():
    return "%.2f" % os.getloadavg()[0]


class Bench:
    def __init__(self, stack, rows):
        self.stack = stack
        self.rows = rows
        self.results = []   # (what, rows, seconds, note, load before)

    def sql(self, statement, database="fidele"):
        return self.stack.sql(statement, database)

    def record(self, what, count, seconds, note, before):
        self.results.append((what, count, seconds, note, before))
        rate = "%.0f" % (count / seconds) if seconds else "-"
        print("# %-44s %10s rows/s  %s" % (what, rate, note), flush=True)

    # --- LOAD DATA ----------------------------------------------------------------
    def plain_table(self):
        self.sql("CREATE DATABASE IF NOT EXISTS fidele_bench CHARACTER SET utf8mb4"
                 " COLLATE utf8mb4_unicode_520_ci", "mysql")
        self.sql("DROP TABLE IF EXISTS plain_customer;"
                 "CREATE TABLE plain_customer ("
                 "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                 "  email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                 "  first_name VARCHAR(100) NOT NULL DEFAULT '',"
                 "  last_name VARCHAR(100) NOT NULL DEFAULT '',"
                 "  phone VARCHAR(32) NOT NULL DEFAULT '',"
                 "  company VARCHAR(100) NOT NULL DEFAULT '',"
                 "  address VARCHAR(255) NOT NULL DEFAULT '',"
                 "  postal_code VARCHAR(20) NOT NULL DEFAULT '',"
                 "  city VARCHAR(100) NOT NULL DEFAULT '',"
                 "  UNIQUE KEY plain_email (email)"
                 ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci",
                 "fidele_bench")

    @staticmethod
    def load_data(path, table):
        return ("LOAD DATA INFILE '%s' INTO TABLE %s CHARACTER SET utf8mb4"
                " FIELDS TERMINATED BY ';' LINES TERMINATED BY '\\r\\n' IGNORE 1 LINES (%s)"
                % (path, table, COLUMNS))

    def load_plain(self, path):
        self.plain_table()
        before = load()
        started = time.time()
        self.sql(self.load_data(path, "plain_customer"), "fidele_bench")
        seconds = time.time() - started
        count = int(self.sql("SELECT COUNT(*) FROM plain_customer", "fidele_bench")[0][0])
        self.record("LOAD DATA INFILE, plain table", count, seconds, "", before)
        return count / seconds

    def load_shaped(self, path, baseline):
        """The ceiling the schema sets: the same LOAD DATA into a copy of
        the real customer table, with every one of its keys and stored
        columns (no search index, no events, no consent rows). An import
        cannot be faster than this whatever its code."""
        self.sql("DROP TABLE IF EXISTS shaped_customer;"
                 "CREATE TABLE shaped_customer LIKE fidele.customer", "fidele_bench")
        keys = self.sql("SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics"
                        " WHERE table_schema = 'fidele_bench' AND table_name = 'shaped_customer'",
                        "fidele_bench")[0][0]
        before = load()
        started = time.time()
        self.sql(self.load_data(path, "shaped_customer")
                 + " SET shop_id = %s, source = 'import'" % self.shop_id, "fidele_bench")
        seconds = time.time() - started
        count = int(self.sql("SELECT COUNT(*) FROM shaped_customer", "fidele_bench")[0][0])
        self.record("LOAD DATA INFILE, table shaped like customer", count, seconds,
                    "ratio %.2f (%s keys; the schema's ceiling for any import)"
                    % (count / seconds / baseline, keys), before)
        self.sql("DROP TABLE shaped_customer", "fidele_bench")

    def upsert_plain(self, path, count):
        before = load()
        started = time.time()
        # one session: the temporary table lives in it
        self.sql("CREATE TEMPORARY TABLE changed_customer ("
                 "  email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                 "  first_name VARCHAR(100) NOT NULL DEFAULT '',"
                 "  last_name VARCHAR(100) NOT NULL DEFAULT '',"
                 "  phone VARCHAR(32) NOT NULL DEFAULT '',"
                 "  company VARCHAR(100) NOT NULL DEFAULT '',"
                 "  address VARCHAR(255) NOT NULL DEFAULT '',"
                 "  postal_code VARCHAR(20) NOT NULL DEFAULT '',"
                 "  city VARCHAR(100) NOT NULL DEFAULT ''"
                 ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;"
                 + self.load_data(path, "changed_customer") + ";"
                 "INSERT INTO plain_customer (%s) SELECT %s FROM changed_customer"
                 " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name),"
                 " last_name = VALUES(last_name), phone = VALUES(phone),"
                 " company = VALUES(company), address = VALUES(address),"
                 " postal_code = VALUES(postal_code), city = VALUES(city)" % (COLUMNS, COLUMNS),
                 "fidele_bench")
        seconds = time.time() - started
        changed = int(self.sql("SELECT COUNT(*) FROM plain_customer"
                               " WHERE SUBSTRING_INDEX(address, ',', 1) + 0 > %d"
                               % CHANGED_NUMBERS,
                               "fidele_bench")[0][0])
        self.record("LOAD DATA temp + INSERT ... ON DUPLICATE KEY", count, seconds,
                    "(%d rows seen changed)" % changed, before)
        return count / seconds

    # --- the import job -------------------------------------------------------------
    def shop(self):
        self.stack.admin("shop", "add", "--slug", "bench", "--name", "Bench", "--language", "fr")
        self.stack.admin("shop", "host", "add", "--shop", "bench", "--host", HOST)
        self.stack.admin("admin", "add", "--shop", "bench", "--email", OWNER[0],
                         input=OWNER[1] + "\n")
        self.shop_id = self.sql("SELECT id FROM shop WHERE slug = 'bench'")[0][0]
        self.admin_id = self.sql("SELECT id FROM admin WHERE email = '%s'" % OWNER[0])[0][0]

    def spool(self, path, name):
        """The file where an upload would have left it (Spool.Dir/<shop>/kept/)."""
        folder = os.path.join(self.stack.spool_dir, str(self.shop_id), "kept")
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, name)
        if os.path.exists(target):
            os.unlink(target)
        os.link(path, target)
        return target

    def queue_import(self, path, mode, count):
        """An import row as the pages make it, its job queued by
        import_job_queue (through fidele-admin import queue). Returns the
        job's id and the import's."""
        headers = ",".join(urllib.parse.quote(h, safe="") for h in HEADER.split(";"))
        spooled = self.spool(path, os.path.basename(path))
        self.sql("INSERT INTO import (shop_id, admin_id, source, file_name, file_size, spool_path,"
                 "  format, encoding, field_separator, has_header, row_count, column_count,"
                 "  headers, mapping, mode)"
                 " VALUES (%s, %s, 'file', '%s', %d, '%s', 'csv', 'utf-8', ';', 1, %d, 8,"
                 "  '%s', '%s', '%s')"
                 % (self.shop_id, self.admin_id, os.path.basename(path), os.path.getsize(path),
                    spooled, count, headers, MAPPING, mode))
        import_id = self.sql("SELECT MAX(id) FROM import WHERE shop_id = %s" % self.shop_id)[0][0]
        queued = self.stack.admin("import", "queue", "--shop", "bench", "--id", import_id,
                                  "--action", "run")
        return queued.stdout.split()[1], import_id

    def run_import(self, path, mode, what, baseline, count):
        pid = self.stack.worker.pid
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")    # VmHWM starts again from the RSS now
        rss_before = status_kib(pid, "VmRSS")
        before = load()
        started = time.time()
        job_id, import_id = self.queue_import(path, mode, count)
        peak = 0
        while True:
            time.sleep(0.25)
            peak = max(peak, status_kib(pid, "VmHWM"))
            state, error = self.sql("SELECT state, COALESCE(last_error, '') FROM job WHERE id = %s"
                                    % job_id)[0]
            if state not in ("queued", "running"):
                break
        seconds = time.time() - started
        peak = max(peak, status_kib(pid, "VmHWM"))
        counts = self.sql("SELECT state, count_new, count_updated, count_unchanged,"
                          " count_invalid, count_duplicate FROM import WHERE id = %s"
                          % import_id)[0]
        customers = self.sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % self.shop_id)[0][0]
        if state != "done":
            print("# %s: the job ended %s (%s): is the import job in this build?"
                  % (what, state, error), flush=True)
            self.results.append((what, 0, seconds, "job %s: %s" % (state, error), before))
            return None, peak
        note = ("ratio %.2f, worker peak RSS %.1f MiB (%.1f before); import %s new %s updated %s"
                " unchanged %s invalid %s duplicate %s; shop has %s customers"
                % (count / seconds / baseline, peak / 1024, rss_before / 1024, *counts,
                   customers))
        self.record(what, count, seconds, note, before)
        return count / seconds, peak

    # --- upload ------------------------------------------------------------------------
    def upload(self, megabytes):
        program = os.path.join(self.stack.builddir, "tests", "helpers", "upload-probe")
        browser = web.Browser(HOST)
        assert browser.sign_in(*OWNER).status == 303
        token = browser.get(PROBE).csrf()
        content = os.urandom(megabytes * 1000000)
        head = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clients.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % (BOUNDARY, token, BOUNDARY)).encode()
        body = head + content + ("\r\n--%s--\r\n" % BOUNDARY).encode()
        before = load()
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=600)
        started = time.time()
        connection.request("POST", PROBE, body=body, headers={
            "Host": HOST, "Content-Type": "multipart/form-data; boundary=" + BOUNDARY,
            "Cookie": "; ".join("%s=%s" % kv for kv in browser.cookies.items())})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        seconds = time.time() - started
        connection.close()
        digest = re.search(r'<dd id="sha256">([0-9a-f]+)</dd>', text)
        whole = response.status == 200 and digest and \
            digest.group(1) == hashlib.sha256(content).hexdigest()
        note = "%.1f MB/s through nginx to %s; %s" % (
            len(content) / 1e6 / seconds, os.path.basename(program),
            "arrived whole (same SHA-256)" if whole else
            "NOT whole: %d %s" % (response.status, text[:200]))
        self.results.append(("upload %d MB" % megabytes, 0, seconds, note, before))
        print("# upload %d MB: %.2f s, %s" % (megabytes, seconds, note), flush=True)

    def table(self):
        print("\n%-46s %10s %9s %12s %7s  %s" % ("step", "rows", "seconds", "rows/s", "load", "note"))
        for what, count, seconds, note, before in self.results:
            rate = "%.0f" % (count / seconds) if count and seconds else "-"
            print("%-46s %10s %9.2f %12s %7s  %s" % (what, count or "-", seconds, rate, before,
                                                     note))
        print("load average at the end: %s" % " ".join("%.2f" % x for x in os.getloadavg()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--changed-rows", type=int, default=None)
    parser.add_argument("--upload-mb", type=int, default=100)
    args = parser.parse_args()

    build = os.path.join(ROOT, "build")
    var = os.path.join(build, "bench-import-var")
    program = os.path.join(build, "tests", "helpers", "upload-probe")
    # a 1M-customer shop's search index is about 2.5 GB: a server with a
    # smaller buffer pool measures its disk, not the import (bench/run-1m
    # uses the same 4G); LOAD DATA runs on the same server
    stack = Stack(var, srcdir=ROOT, builddir=build, processes=1, buffer_pool="4G",
                  extra_programs={"upload-probe": program}, extra_nginx=EXTRA_NGINX,
                  config_extra="Limits.MaxUpload = %d\n" % (110 * 1000000))
    stack.start()
    web.STACK = stack
    try:
        bench = Bench(stack, args.rows)
        files = os.path.join(var, "files")
        os.makedirs(files, exist_ok=True)
        os.chmod(files, 0o755)
        first, second = os.path.join(files, "clients.csv"), os.path.join(files, "clients-2.csv")
        started = time.time()
        write_csv(first, args.rows, False)
        changed = args.changed_rows or args.rows
        write_csv(second, changed, True)
        print("# files: %d rows, %.1f MB and %.1f MB, written in %.1f s; secure_file_priv %r"
              % (args.rows, os.path.getsize(first) / 1e6, os.path.getsize(second) / 1e6,
                 time.time() - started, stack.sql("SELECT @@secure_file_priv")[0][0]), flush=True)
        bench.shop()
        load_rate = bench.load_plain(first)
        bench.load_shaped(first, load_rate)
        bench.run_import(first, "fill", "import job, new rows into an empty shop", load_rate,
                         args.rows)
        upsert_rate = bench.upsert_plain(second, changed)
        bench.run_import(second, "overwrite", "import job, every row changed (overwrite)",
                         upsert_rate, changed)
        bench.upload(args.upload_mb)
        bench.table()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
