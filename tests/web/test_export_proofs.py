"""Proofs of the customer export (issue 14) through nginx with the shipped
snippet, from the outside, as a shop owner sees them:

- round trip (issue point 7): a shop's customers (accents, apostrophes,
  money, dates, phones, addresses, companies, VAT numbers, consent and
  tax-exempt flags, a customer who never ordered, one whose name, company
  and address start like formulas) exported in each of the
  three formats, and the file sent back through the importer's own pages
  (upload, the mapping it guesses, "overwrite" mode, the preview run by
  the real worker): the preview finds 0 new and 0 changed customers, every
  row unchanged, none invalid; in a French shop and in an English one
  (their headers, separators and numbers are written differently);
- the same files imported into an empty shop bring the same customers
  back, column by column (names, phone, address, country, language, VAT,
  flags, order count, money to the cent, signup day): "0 changed" alone
  compares neither dates nor money of a customer the shop has;
- streaming: 100,000 customers exported as CSV: the first bytes of the
  file reach the client before the program wrote the last row
  (export_log.finished_at, written when the last row was), and the file
  holds every customer once.

A client that goes away half-way: tests/web/test_export.py
(ClientGoesAway) has it.

Shops of their own: exportrt.test (French) and exportrten.test (English)
for the round trip, exportrt-<format>.test and exportrten-<format>.test
(empty, imported into), exportstream.test (100,000 customers, seeded with
one INSERT ... SELECT from a sequence; removed at the end)."""

import csv
import datetime
import http.client
import io
import re
import subprocess
import time
import unittest
import urllib.parse
import zipfile
import zoneinfo
from xml.etree import ElementTree

from test_import_pages import Admin, import_id, selects
from test_worker_smtp import WorkerCase
import web

# every column of the export, in the contract's order (EXPORT-CONTRACT.md)
COLUMNS = ("first_name", "last_name", "email", "phone", "company", "address", "postal_code",
           "city", "country", "language", "status", "source", "signup_date", "order_count",
           "total_spent", "average_order", "last_order_date", "marketing", "system_mail",
           "tax_exempt", "vat_number")
FORMATS = ("xlsx", "csv-excel", "csv")

ROUND_TRIP = {
    # slug: (host, shop language, owner)
    "exportrt": ("exportrt.test", "fr", ("owner@exportrt.test", "exportrt-owner-password")),
    "exportrten": ("exportrten.test", "en", ("owner@exportrten.test", "exportrten-owner-pass")),
}
BIG = ("exportstream", "exportstream.test",
       ("owner@exportstream.test", "exportstream-owner-password"))
BIG_CUSTOMERS = 100000


def sql(statement):
    return web.STACK.sql(statement)


def make_shop(slug, host, language, owner):
    if sql("SELECT COUNT(*) FROM shop WHERE slug = '%s'" % slug) == [["0"]]:
        web.STACK.admin("shop", "add", "--slug", slug, "--name", "Export %s" % slug,
                        "--language", language)
        web.STACK.admin("shop", "host", "add", "--shop", slug, "--host", host)
        web.STACK.admin("admin", "add", "--shop", slug, "--email", owner[0], "--role", "owner",
                        input=owner[1] + "\n")
    return sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]


def elt(expression, values):
    return "ELT(1 + %s, %s)" % (expression, ", ".join("'%s'" % v.replace("'", "''")
                                                      for v in values))


STREETS = ("12, rue de l'Église", "3 bis, avenue Jean-Jaurès", "27, boulevard Saint-Germain",
           "5, chemin des Écoliers", "Lieu-dit « Les Châtaigniers »", "8, rue Émile-Zola")
CITIES = (("75011", "Paris"), ("25000", "Besançon"), ("45000", "Orléans"), ("30000", "Nîmes"),
          ("42000", "Saint-Étienne"), ("97400", "Saint-Denis"))
COMPANIES = ("", "Boulangerie L'Épi d'Or", "", "Fromagerie du Marché", "Café « Le Zinc »", "")


class Exporter:
    """An admin at the export, and at the import pages (test_import_pages'
    Admin: a browser signed in, multipart uploads)."""

    def __init__(self, host, owner):
        self.host = host
        self.admin = Admin(host, owner)

    def form(self, fmt, columns=COLUMNS, **filters):
        token = self.admin.get("/admin/export").csrf()
        assert token, "no CSRF token on /admin/export"
        return urllib.parse.urlencode(dict(filters, csrf=token, format=fmt,
                                           columns=",".join(columns)))

    def headers(self):
        return {"Host": self.host,
                "Cookie": "; ".join("%s=%s" % kv for kv in self.admin.browser.cookies.items()),
                "Content-Type": "application/x-www-form-urlencoded"}

    def export(self, fmt, columns=COLUMNS, **filters):
        """POST /admin/export/download; (status, headers, bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=300)
        connection.request("POST", "/admin/export/download",
                           body=self.form(fmt, columns, **filters), headers=self.headers())
        raw = connection.getresponse()
        content = raw.read()
        connection.close()
        return raw.status, raw.getheaders(), content


def header(headers, name):
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def file_name(headers, fallback):
    match = re.search(r'filename="([^"]+)"', header(headers, "Content-Disposition") or "")
    return match.group(1) if match else fallback


def csv_rows(content, fmt):
    text = content.decode("utf-8")
    if fmt == "csv-excel":
        assert text.startswith("\ufeff"), "CSV for Excel without its BOM"
        text = text[1:]
    # CSV for Excel: ';' in French, ',' in English (a UK Excel's list
    # separator); the headers hold neither
    first_line = text.split("\r\n", 1)[0]
    separator = ";" if fmt == "csv-excel" and ";" in first_line else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def xlsx_rows(content):
    """The first sheet's rows of an .xlsx as lists of text (Python's
    zipfile + xml): inline and shared strings, numbers as written."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = ["".join(t.text or "" for t in si.iter(main + "t"))
                      for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml"))]
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(main + "row"):
        cells = []
        for cell in row.iter(main + "c"):
            column = re.match(r"[A-Z]+", cell.get("r")).group(0)
            index = 0
            for letter in column:
                index = index * 26 + ord(letter) - 64
            while len(cells) < index - 1:
                cells.append("")
            value = cell.find(main + "v")
            if cell.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter(main + "t")))
            elif cell.get("t") == "s":
                cells.append(shared[int(value.text)])
            else:
                cells.append(value.text if value is not None else "")
        rows.append(cells)
    return rows


# the columns the import compares on a customer the shop has (import-run.c,
# decide: the text columns, tax exemption, consent), by the export's name
COMPARED = ("first_name", "last_name", "phone", "company", "address", "postal_code", "city",
            "country", "vat_number")


def differences(content, fmt, shop):
    """Where the file's values differ from the shop's customers, for a
    failure's message: [(e-mail, column, in the file, in the database)]."""
    rows = xlsx_rows(content) if fmt == "xlsx" else csv_rows(content, fmt)
    found = []
    for row in rows[1:]:
        values = dict(zip(COLUMNS, row))
        db = sql("SELECT %s FROM customer WHERE shop_id = %s AND email = '%s'"
                 % (", ".join("COALESCE(%s, '')" % c for c in COMPARED), shop,
                    values.get("email", "").replace("'", "''")))
        if not db:
            found.append((values.get("email"), "email", values.get("email"), None))
            continue
        for column, now in zip(COMPARED, db[0]):
            value = values.get(column, "")
            if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                value = value[1:]
            if value != now:
                found.append((values.get("email"), column, value, now))
    return found[:20]


def preview_counts(page):
    """The preview's counts as the page says them: new, updated, unchanged,
    invalid, duplicate."""
    block = re.search(r'<ul class="import-counts" id="preview-counts">(.*?)</ul>', page.body, re.S)
    assert block, page.text()[:500]
    return [int(n.replace("\u202f", "").replace(" ", "").replace("\xa0", ""))
            for n in re.findall(r"<strong>([^<]+)</strong>", block.group(1))]


class RoundTrip(WorkerCase):
    """Each format exported and imported again gives 0 new, 0 changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shops = {}
        for slug, (host, language, owner) in ROUND_TRIP.items():
            shop = make_shop(slug, host, language, owner)
            if sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % shop) == [["0"]]:
                # French and English names with accents, phones, money,
                # signup and last-order dates, consent (seed-demo), then
                # what it leaves empty: companies, addresses, VAT numbers,
                # tax exemptions, and a customer who never ordered
                web.STACK.admin("seed-demo", "--shop", slug, "--customers", "36")
                sql("UPDATE customer SET company = %s, address = %s, postal_code = %s,"
                    " city = %s, vat_number = IF(id %% 3 = 0, CONCAT('FR', LPAD(id %% 97, 2, '0'),"
                    " LPAD(id, 9, '0')), ''), tax_exempt = (id %% 4 = 0) WHERE shop_id = %s"
                    % (elt("id % 6", COMPANIES), elt("id % 6", STREETS),
                       elt("(id DIV 2) % 6", [c[0] for c in CITIES]),
                       elt("(id DIV 2) % 6", [c[1] for c in CITIES]), shop))
                sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, country,"
                    " language, status, source, marketing_consent, system_mail, company, address,"
                    " postal_code, city, created_at) VALUES (%s, 'jamais@exportrt.test', 'Maëlys',"
                    " 'D''Aubigné-Crémieux', '06 12 34 56 78', 'BE', 'fr', 'active', 'admin', 1, 0,"
                    " 'Épicerie Fine Léa', '1, place de l''Hôtel-de-Ville', '1000', 'Bruxelles',"
                    " '2025-01-02 09:30:00')" % shop)
                # values a spreadsheet would take for formulas: the CSV
                # writes them behind a ' (OWASP), the import drops it
                sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, company,"
                    " address, postal_code, city, country, language, status, source, created_at)"
                    " VALUES (%s, 'formules@exportrt.test', '=Zoé', '-Dupont', '+33 6 98 76 54 32',"
                    " '@Épicerie', '+ de 3 km après le pont', '13006', 'Marseille', 'FR', 'fr',"
                    " 'invited', 'admin', '2024-02-29 23:30:00')" % shop)
            cls.shops[slug] = shop
        cls.exporters = {slug: Exporter(host, owner)
                         for slug, (host, _, owner) in ROUND_TRIP.items()}

    def work(self):
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)

    def view_count(self, slug):
        return int(sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
                       " AND status NOT IN ('inactive', 'waiting')" % self.shops[slug])[0][0])

    def test_each_format_exported_and_imported_again_changes_nothing(self):
        for slug in ROUND_TRIP:
            exporter = self.exporters[slug]
            customers = self.view_count(slug)
            for fmt in FORMATS:
                with self.subTest(shop=slug, format=fmt):
                    status, headers, content = exporter.export(fmt)
                    self.assertEqual(status, 200, content[:400])
                    # the file holds the view: a header and each customer
                    self.assertEqual(len(xlsx_rows(content) if fmt == "xlsx" else
                                         csv_rows(content, fmt)), customers + 1)
                    name = file_name(headers, "clients." + ("xlsx" if fmt == "xlsx" else "csv"))
                    number = import_id(exporter.admin.upload(content, name))
                    page = exporter.admin.get("/admin/import/%s" % number)
                    mapping = selects(page)
                    # the importer knows its own export's headers: every
                    # column a customer's input is taken back (the others:
                    # status, source, average, last order, service mails)
                    self.assertEqual(sorted(v for v in mapping.values() if v != "ignore"), sorted(
                        ("first_name", "last_name", "email", "phone", "company", "address",
                         "postal_code", "city", "country", "language", "signup_date",
                         "order_count", "total_spent", "marketing", "tax_exempt",
                         "vat_number")), mapping)
                    # the file says who accepted the shop's e-mails: taking
                    # that back is attested, as for any import (ed8ff46)
                    answer = exporter.admin.post("/admin/import/%s/mapping" % number,
                                                 dict(mapping, mode="overwrite", attest="1"))
                    self.assertEqual(answer.status, 303, answer.text()[:400])
                    self.work()
                    page = exporter.admin.get("/admin/import/%s" % number)
                    self.assertEqual(sql("SELECT state FROM import WHERE id = %s" % number),
                                     [["previewed"]], page.text()[:500])
                    errors = exporter.admin.get("/admin/import/%s/errors.csv" % number)
                    # new, updated, unchanged, invalid, duplicate
                    counts = preview_counts(page)
                    self.assertEqual(counts, [0, 0, customers, 0, 0], "%s\n%s" % (
                        errors.body[:1000], differences(content, fmt, self.shops[slug])))

    def customers(self, shop, zone):
        """The shop's current customers as the export and the import know
        them, by e-mail; the signup day in the shop's zone (the export
        writes a day, the import reads one)."""
        found = []
        for row in sql("SELECT email, first_name, last_name, phone, company, address,"
                       " postal_code, city, COALESCE(country, ''), COALESCE(language, ''),"
                       " vat_number, tax_exempt, marketing_consent, order_count,"
                       " total_spent_cents, created_at FROM customer WHERE shop_id = %s"
                       " AND erased_at IS NULL AND status NOT IN ('inactive', 'waiting') ORDER BY email" % shop):
            utc = datetime.datetime.strptime(row[-1], "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=datetime.timezone.utc)
            found.append(row[:-1] + [utc.astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()])
        return found

    def test_each_format_imported_into_an_empty_shop_gives_the_same_customers(self):
        """Stronger than 0 changed (which compares neither dates nor money
        of a customer the shop has): the file brings the same people, with
        the same values, into a shop that has none."""
        for slug, (_, language, _) in ROUND_TRIP.items():
            exporter = self.exporters[slug]
            zone = sql("SELECT time_zone FROM shop WHERE id = %s" % self.shops[slug])[0][0]
            for fmt in FORMATS:
                with self.subTest(shop=slug, format=fmt):
                    copy = "%s-%s" % (slug, fmt)
                    owner = ("owner@%s.test" % copy, "%s-owner-password" % copy)
                    target = make_shop(copy, copy + ".test", language, owner)
                    self.assertEqual(sql("SELECT time_zone FROM shop WHERE id = %s" % target),
                                     [[zone]])
                    importer = Admin(copy + ".test", owner)
                    status, headers, content = exporter.export(fmt)
                    self.assertEqual(status, 200, content[:400])
                    number = import_id(importer.upload(content, file_name(headers, "clients")))
                    answer = importer.post("/admin/import/%s/mapping" % number,
                                           dict(selects(importer.get("/admin/import/%s" % number)),
                                                mode="fill", attest="1"))
                    self.assertEqual(answer.status, 303, answer.text()[:400])
                    self.work()
                    self.assertEqual(importer.post("/admin/import/%s/run" % number, {}).status, 303)
                    self.work()
                    self.assertEqual(sql("SELECT state FROM import WHERE id = %s" % number),
                                     [["done"]])
                    got = self.customers(target, zone)
                    want = self.customers(self.shops[slug], zone)
                    self.assertEqual([r[0] for r in got], [r[0] for r in want])
                    names = ("email", "first_name", "last_name", "phone", "company", "address",
                             "postal_code", "city", "country", "language", "vat_number",
                             "tax_exempt", "marketing", "order_count", "total_spent_cents",
                             "signup day")
                    self.assertEqual(got, want, [(w[0], names[k], w[k], g[k])
                                                 for g, w in zip(got, want)
                                                 for k in range(len(names)) if g[k] != w[k]][:12])


class BigShop(unittest.TestCase):
    """A shop of 100,000 customers."""

    @classmethod
    def setUpClass(cls):
        slug, host, owner = BIG
        cls.shop = make_shop(slug, host, "fr", owner)
        if sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % cls.shop) == [["0"]]:
            sql("INSERT INTO customer (shop_id, email, first_name, last_name, phone, country,"
                " language, status, source, marketing_consent, order_count, total_spent_cents,"
                " last_order_at, created_at, company, address, postal_code, city)"
                " SELECT %s, CONCAT('client', seq, '@exportstream.test'), %s, %s,"
                " CONCAT('+33 6 ', LPAD(seq %% 100, 2, '0'), ' ', LPAD(seq DIV 100 %% 100, 2, '0'),"
                " ' ', LPAD(seq DIV 10000, 2, '0'), ' 00'), 'FR', 'fr', 'active', 'import',"
                " seq %% 2, seq %% 7, (seq %% 7) * 2345,"
                " IF(seq %% 7 = 0, NULL, '2026-10-01 10:00:00' - INTERVAL seq %% 300 DAY),"
                " '2024-01-01 08:00:00' + INTERVAL seq %% 600 DAY, %s, CONCAT(seq, ', ', %s), %s, %s"
                " FROM seq_1_to_%d"
                % (cls.shop,
                   elt("seq % 8", ("Élodie", "François", "Zoé", "Jérôme", "Anaïs", "Noël",
                                   "Hélène", "Loïc")),
                   elt("seq DIV 8 % 8", ("Lefèvre", "Dupré", "Bénard", "Müller", "Château",
                                         "Crémieux", "Évrard", "Quéré")),
                   elt("seq % 6", COMPANIES), elt("seq % 6", [s.split(", ")[-1] for s in STREETS]),
                   elt("seq DIV 2 % 6", [c[0] for c in CITIES]),
                   elt("seq DIV 2 % 6", [c[1] for c in CITIES]), BIG_CUSTOMERS))
        cls.exporter = Exporter(host, owner)

    @classmethod
    def tearDownClass(cls):
        # 100,000 customers are not left for the tests that come after
        sql("DELETE FROM customer WHERE shop_id = %s" % cls.shop)

    def last_export(self):
        """The shop's newest export_log row: id, finished_at (Unix time, UTC:
        the programs' sessions write UTC), row_count."""
        return sql("SET time_zone = '+00:00';"
                   " SELECT id, COALESCE(UNIX_TIMESTAMP(finished_at), 'NULL'),"
                   " COALESCE(row_count, 'NULL') FROM export_log WHERE shop_id = %s"
                   " ORDER BY id DESC LIMIT 1" % self.shop)[0]

    def test_a_csv_of_100000_customers_streams_to_the_client(self):
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=300)
        connection.request("POST", "/admin/export/download", body=self.exporter.form("csv"),
                           headers=self.exporter.headers())
        raw = connection.getresponse()
        self.assertEqual(raw.status, 200)
        # a streamed file cannot know its length beforehand; under Apache
        # it is made whole first and sent with it (FIDELE_SPOOL_DOWNLOADS)
        length = raw.getheader("Content-Length")
        if web.STACK.web_server == "nginx":
            self.assertIsNone(length)
        first = raw.read(1)
        first_at = time.time()
        content = first + raw.read()
        # (as plain CGI, and through mod_proxy_fcgi, Apache may send it in
        # chunks instead: the file was whole before its first byte all the same)
        if length is not None:
            self.assertEqual(int(length), len(content))
        connection.close()
        rows = csv_rows(content, "csv")
        self.assertEqual(len(rows), BIG_CUSTOMERS + 1)
        self.assertEqual(len({r[2] for r in rows[1:]}), BIG_CUSTOMERS)
        _, finished_at, row_count = self.last_export()
        self.assertEqual(row_count, str(BIG_CUSTOMERS))
        # the first bytes were here before the last row was written (the
        # same clock: the database server's and this test's)
        self.assertGreater(float(finished_at), first_at)


if __name__ == "__main__":
    unittest.main()
