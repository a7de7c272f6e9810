"""The import's pages through nginx (import.fcgi, /admin/import*): a file
sent through the real upload door or a list pasted, what was found in it
said in words, the columns mapped for the admin, the preview and the run
queued as worker jobs and followed on the import's page, the report,
errors.csv and the undo; every bad input answered with a page in the
admin's language that changes nothing; another shop's imports out of
reach on every route.

Two shops of their own (imports change the customers other tests count):
importa.test in French, importb.test in English. The stack's worker is
paused for these tests (WorkerCase): a job stays queued until a test runs
a worker itself, so what the page says of a queued job is what it says
when the worker is down."""

import codecs
import csv
import datetime
import html
import http.client
import io
import os
import re
import subprocess
import unittest
import urllib.parse
import zipfile
import zoneinfo

from test_pages import tidy_problems
from test_worker_smtp import WorkerCase
import web

HOST_A = "importa.test"
OWNER_A = ("owner@importa.test", "importa-owner-password")
STAFF_A = ("staff@importa.test", "importa-staff-password")
HOST_B = "importb.test"
OWNER_B = ("owner@importb.test", "importb-owner-password")
BOUNDARY = "----FideleImportBoundary5Xq2"


def sql(statement):
    return web.STACK.sql(statement)


def setUpModule():
    stack = web.STACK
    if sql("SELECT COUNT(*) FROM shop WHERE slug = 'importa'") == [["1"]]:
        return
    stack.admin("shop", "add", "--slug", "importa", "--name", "Ferme des Imports",
                "--language", "fr")
    stack.admin("shop", "host", "add", "--shop", "importa", "--host", HOST_A)
    stack.admin("admin", "add", "--shop", "importa", "--email", OWNER_A[0], "--role", "owner",
                input=OWNER_A[1] + "\n")
    stack.admin("admin", "add", "--shop", "importa", "--email", STAFF_A[0], "--role", "staff",
                input=STAFF_A[1] + "\n")
    stack.admin("shop", "add", "--slug", "importb", "--name", "Import Farm", "--language", "en")
    stack.admin("shop", "host", "add", "--shop", "importb", "--host", HOST_B)
    stack.admin("admin", "add", "--shop", "importb", "--email", OWNER_B[0], "--role", "owner",
                input=OWNER_B[1] + "\n")


def shop_id(slug):
    return sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]


# --- files as people have them ------------------------------------------------

ROWS = [("elodie.martin@exemple.fr", "Élodie", "Martin", "Lyon"),
        ("francois.lefevre@exemple.fr", "François", "Lefèvre", "Besançon"),
        ("zoe.noel@exemple.fr", "Zoé", "Noël", "Orléans")]


def utf8_csv(rows=ROWS, bom=False):
    text = "E-mail,Prénom,Nom,Ville\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def windows_csv(rows=ROWS):
    text = "Courriel;Prénom;Nom;Ville\r\n" + "".join(";".join(r) + "\r\n" for r in rows)
    return text.encode("cp1252")


def utf16_tsv(rows=ROWS):
    text = "Email\tFirst name\tLast name\tCity\r\n" + "".join("\t".join(r) + "\r\n" for r in rows)
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def xlsx(rows, formats=()):
    """A workbook as Excel writes one, small: its first sheet's cells as
    inline strings, and a cell given as (number, n) as a number in the
    n-th of formats (custom number format codes)."""
    def cell(ref, value):
        if isinstance(value, tuple):
            return '<c r="%s" s="%d"><v>%s</v></c>' % (ref, value[1] + 1, value[0])
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, html.escape(value))
    sheet_rows = "".join(
        '<row r="%d">%s</row>' % (n + 1, "".join(cell("%s%d" % ("ABCDEFGH"[i], n + 1), v)
                                                for i, v in enumerate(row)))
        for n, row in enumerate(rows))
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData>' + sheet_rows + '</sheetData></worksheet>',
    }
    if formats:
        files["xl/styles.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<numFmts count="%d">%s</numFmts><cellXfs count="%d"><xf numFmtId="0"/>%s</cellXfs></styleSheet>'
            % (len(formats), "".join('<numFmt numFmtId="%d" formatCode="%s"/>' % (164 + n, html.escape(code))
                                     for n, code in enumerate(formats)),
               len(formats) + 1, "".join('<xf numFmtId="%d" applyNumberFormat="1"/>' % (164 + n)
                                         for n in range(len(formats)))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def zip_bomb():
    """A workbook whose sheet unpacks to 2 GB (deflate's limit of about
    1:1000 makes the file 2 MB): a row, then spaces."""
    small = zipfile.ZipFile(io.BytesIO(xlsx([("E-mail",)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in small.namelist():
            if not name.endswith("sheet1.xml"):
                z.writestr(name, small.read(name))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                         b'<is><t>')
            block = b" " * (1024 * 1024)
            for _ in range(2048):
                member.write(block)
    return out.getvalue()


def fixture(name):
    with open(os.path.join(web.STACK.srcdir, "tests", "fixtures", "import", name), "rb") as f:
        return f.read()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


# --- an admin at the import pages ------------------------------------------------

def part(name, value, filename=None, content_type="application/octet-stream"):
    if isinstance(value, str):
        value = value.encode()
    head = 'Content-Disposition: form-data; name="%s"' % name
    if filename is not None:
        head += '; filename="%s"\r\nContent-Type: %s' % (filename, content_type)
    return b"--" + BOUNDARY.encode() + b"\r\n" + head.encode() + b"\r\n\r\n" + value + b"\r\n"


class Admin:
    def __init__(self, host, account):
        self.browser = web.Browser(host)
        answer = self.browser.sign_in(*account)
        assert answer.status == 303, answer.body[:300]

    def get(self, path):
        return self.browser.get(path)

    def token(self):
        token = self.browser.get("/admin/import").csrf()
        assert token
        return token

    def multipart(self, path, parts, token=True):
        if token:
            parts = [part("csrf", self.token())] + parts
        body = b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=120)
        connection.request("POST", path, body=body, headers={
            "Host": self.browser.host,
            "Cookie": "; ".join("%s=%s" % kv for kv in self.browser.cookies.items()),
            "Content-Type": "multipart/form-data; boundary=" + BOUNDARY})
        raw = connection.getresponse()
        response = web.Response(raw.status, raw.getheaders(),
                                raw.read().decode("utf-8", errors="replace"))
        connection.close()
        return response

    def upload(self, content, filename="clients.csv", **kwargs):
        return self.multipart("/admin/import/upload", [part("file", content, filename=filename)],
                              **kwargs)

    def paste(self, text, **kwargs):
        return self.multipart("/admin/import/paste", [part("text", text)], **kwargs)

    def post(self, path, fields, token=True):
        if token:
            fields = dict(fields, csrf=self.token())
        return self.browser.post(path, fields)


def import_id(answer):
    assert answer.status == 303, "%d %s" % (answer.status, answer.text()[:400])
    match = re.fullmatch(r"/admin/import/(\d+)", answer.header("Location"))
    assert match, answer.header("Location")
    return match.group(1)


def selects(page):
    """The mapping screen's column selects: {name: chosen field}."""
    chosen = {}
    for name, options in re.findall(r'<select id="map-(c\d+)" name="c\d+"[^>]*>(.*?)</select>',
                                    page.body, re.S):
        selected = re.search(r'<option value="([^"]+)" selected>', options)
        chosen[name] = selected.group(1) if selected else None
    return chosen


def column_headers(page):
    return [html.unescape(h) for h in
            re.findall(r'<label for="map-c\d+"><strong>([^<]*)</strong></label>', page.body)]


def column_values(page):
    return [html.unescape(v) for v in
            re.findall(r'<span class="map-values muted">(.*?)</span>', page.body, re.S)]


def import_row(number, *columns):
    return sql("SELECT %s FROM import WHERE id = %s" % (", ".join(columns), number))[0]


class ImportCase(WorkerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = Admin(HOST_A, OWNER_A)
        cls.shop = shop_id("importa")

    def tearDown(self):
        # what a test queued is not left for the next test, nor for the
        # stack's worker when it comes back
        sql("UPDATE job SET state = 'cancelled' WHERE kind = 'import' AND state = 'queued'"
            " AND shop_id IN (SELECT id FROM shop WHERE slug IN ('importa', 'importb'))")
        super().tearDown()

    def assertValid(self, page):
        self.assertEqual(page.status, 200, page.text()[:300])
        self.assertEqual(tidy_problems(page.body), [])

    def imports(self):
        return int(sql("SELECT COUNT(*) FROM import WHERE shop_id = %s" % self.shop)[0][0])

    def kept_files(self):
        folder = os.path.join(web.STACK.spool_dir, self.shop, "kept")
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def map_and_preview(self, number, admin=None, **changes):
        admin = admin or self.owner
        page = admin.get("/admin/import/%s" % number)
        fields = dict(selects(page), mode="fill")
        fields.update(changes)
        return admin.post("/admin/import/%s/mapping" % number, fields)


class StartPage(ImportCase):
    def test_the_customer_list_has_an_import_button(self):
        page = self.owner.get("/admin/customers")
        self.assertIn('<a class="button" href="/admin/import">Importer</a>', page.body)

    def test_the_start_page_offers_a_file_a_pasted_list_and_the_sample(self):
        page = self.owner.get("/admin/import")
        self.assertValid(page)
        self.assertIn('enctype="multipart/form-data"', page.body)
        self.assertIn('<input id="import-file" name="file" type="file"', page.body)
        self.assertIn('<textarea id="import-text" name="text"', page.body)
        self.assertIn('href="/admin/import/sample.csv"', page.body)
        self.assertIn("Taille maximale : 50 Mo", page.text())

    def test_the_sample_is_an_excel_csv_in_the_admins_language(self):
        # CSV for Excel as sheet_out writes it: ';' in French, ',' in
        # English (a UK Excel's list separator)
        for host, account, header, separator in (
                (HOST_A, OWNER_A, "E-mail;Prénom;Nom;Téléphone", ";"),
                (HOST_B, OWNER_B, "E-mail,First name,Last name,Phone", ",")):
            admin = Admin(host, account)
            connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=30)
            connection.request("GET", "/admin/import/sample.csv", headers={
                "Host": host,
                "Cookie": "; ".join("%s=%s" % kv for kv in admin.browser.cookies.items())})
            raw = connection.getresponse()
            body = raw.read()
            self.assertEqual(raw.status, 200)
            self.assertEqual(raw.getheader("Content-Type"), "text/csv; charset=utf-8")
            self.assertIn("attachment", raw.getheader("Content-Disposition"))
            self.assertTrue(body.startswith(b"\xef\xbb\xbf"), body[:10])
            lines = body[3:].decode("utf-8").split("\r\n")
            self.assertEqual(lines[-1], "")
            self.assertEqual(len(lines), 4, lines)
            self.assertTrue(lines[0].startswith(header), lines[0])
            self.assertEqual([len(row) for row in csv.reader(lines[:3], delimiter=separator)],
                             [12, 12, 12])

    def test_the_sample_sent_back_maps_every_column(self):
        sample = self.owner.get("/admin/import/sample.csv")
        number = import_id(self.owner.upload(sample.body.encode("utf-8"), "exemple.csv"))
        page = self.owner.get("/admin/import/%s" % number)
        chosen = selects(page)
        self.assertEqual(len(chosen), 12)
        self.assertNotIn("ignore", chosen.values(), chosen)
        self.assertIn("UTF-8, séparateur point-virgule, 2 lignes", page.text())

    def test_the_history_lists_the_shops_imports_with_a_link(self):
        number = import_id(self.owner.upload(utf8_csv(), "historique.csv"))
        page = self.owner.get("/admin/import")
        self.assertIn('<a href="/admin/import/%s">historique.csv</a>' % number, page.body)
        row = re.search(r'<a href="/admin/import/%s">historique.csv</a>.*?</tr>' % number,
                        page.body, re.S).group(0)
        self.assertIn(OWNER_A[0], row)
        self.assertIn("À vérifier", row)


class Analysis(ImportCase):
    def test_a_utf8_csv_is_described_and_its_columns_guessed(self):
        answer = self.owner.upload(utf8_csv(), "clients été.csv")
        number = import_id(answer)
        self.assertEqual(import_row(number, "state", "source", "file_name", "row_count",
                                    "column_count", "encoding", "field_separator", "has_header"),
                         ["new", "file", "clients été.csv", "3", "4", "utf-8", ",", "1"])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertValid(page)
        self.assertIn("UTF-8, séparateur virgule, 3 lignes", page.text())
        self.assertEqual(column_headers(page), ["E-mail", "Prénom", "Nom", "Ville"])
        self.assertEqual(selects(page), {"c0": "email", "c1": "first_name", "c2": "last_name",
                                         "c3": "city"})
        values = column_values(page)
        self.assertIn("Élodie", values[1])
        self.assertIn("Orléans", values[3])
        self.assertNotIn('id="no-email"', page.body)

    def test_a_windows_1252_csv_with_semicolons_keeps_its_accents(self):
        number = import_id(self.owner.upload(windows_csv(), "excel.csv"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("Windows-1252, séparateur point-virgule, 3 lignes", page.text())
        self.assertEqual(column_headers(page), ["Courriel", "Prénom", "Nom", "Ville"])
        self.assertIn("François", column_values(page)[1])
        self.assertIn("Besançon", column_values(page)[3])
        self.assertEqual(selects(page)["c0"], "email")

    def test_a_utf16_tsv_is_read(self):
        number = import_id(self.owner.upload(utf16_tsv(), "unicode.txt"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("UTF-16 (Texte Unicode), séparateur tabulation, 3 lignes", page.text())
        self.assertIn("Noël", column_values(page)[2])
        self.assertEqual(selects(page)["c0"], "email")

    def test_an_xlsx_is_read(self):
        rows = [("E-mail", "Prénom", "Nom", "Ville")] + ROWS
        number = import_id(self.owner.upload(xlsx(rows), "clients.xlsx"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("Classeur Excel (.xlsx), 3 lignes", page.text())
        self.assertIn("Zoé", column_values(page)[1])
        # no encoding or separator to choose for a workbook
        self.assertNotIn('name="separator"', page.body)

    def test_an_xlsx_shows_numbers_as_excel_shows_them(self):
        """A postal code and a phone typed with their leading zero into
        cells formatted to show it are stored without it; a price with VAT
        is stored with three decimals. The import reads what Excel shows."""
        formats = ("00000", '0#" "##" "##" "##" "##', '#,##0.00\\ "€"')
        rows = [("E-mail", "Code postal", "Téléphone", "Total dépensé"),
                ("zero@exemple.fr", ("1000", 0), ("612345678", 1), ("10.125", 2))]
        number = import_id(self.owner.upload(xlsx(rows, formats), "zeros.xlsx"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertEqual(page.status, 200)
        values = column_values(page)
        self.assertIn("01000", values[1])
        self.assertIn("06 12 34 56 78", values[2])
        self.assertIn("10.13", values[3])
        self.assertNotIn("10.125", values[3])

    def test_a_pasted_list_becomes_an_import_with_its_addresses(self):
        answer = self.owner.paste('Élodie Martin <e.martin@exemple.fr>, "Noël, Zoé" <zoe@exemple.fr>;'
                                  "\npaul@exemple.fr")
        number = import_id(answer)
        self.assertEqual(import_row(number, "source", "row_count", "has_header"),
                         ["paste", "3", "1"])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("Liste collée", page.text())
        # its two columns in the admin's words, each read as what it holds
        self.assertEqual(column_headers(page), ["Nom complet", "Adresse e-mail"])
        self.assertEqual(selects(page), {"c0": "full_name", "c1": "email"})

    def test_the_last_mapping_used_is_offered_again_for_the_same_headers(self):
        # headers of their own: the other tests' files keep their guess
        content = "E-mail,Prénom,Nom,Ville,Remarque\r\na@exemple.fr,Ana,Lopez,Nantes,x\r\n".encode()
        first = import_id(self.owner.upload(content, "premier.csv"))
        self.assertEqual(selects(self.owner.get("/admin/import/%s" % first))["c3"], "city")
        # the admin says the city column is not to be imported
        answer = self.map_and_preview(first, c3="ignore")
        self.assertEqual(answer.status, 303, answer.text()[:300])
        second = import_id(self.owner.upload(content, "second.csv"))
        self.assertEqual(selects(self.owner.get("/admin/import/%s" % second))["c3"], "ignore")
        # a file with other headers gets its own guess
        third = import_id(self.owner.upload(utf8_csv(), "troisieme.csv"))
        self.assertEqual(selects(self.owner.get("/admin/import/%s" % third))["c3"], "city")

    def test_reading_the_file_another_way_reads_it_again(self):
        number = import_id(self.owner.upload(windows_csv(), "relu.csv"))
        answer = self.owner.post("/admin/import/%s/read" % number,
                                 {"encoding": "utf-8", "separator": "comma", "header": "no"})
        self.assertEqual(answer.status, 303, answer.text()[:300])
        self.assertEqual(import_row(number, "field_separator", "has_header", "row_count",
                                    "column_count"), [",", "0", "4", "1"])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("séparateur virgule, 4 lignes", page.text())
        self.assertIn('id="no-email"', page.body)

    def test_a_reading_that_finds_no_rows_keeps_its_form_open(self):
        """One line read as a header leaves no customer: the screen says
        so with the reading's form open, to try another way."""
        number = import_id(self.owner.upload(b"seule.ligne@exemple.fr\r\n", "une-ligne.csv"))
        answer = self.owner.post("/admin/import/%s/read" % number,
                                 {"encoding": "utf-8", "separator": "comma", "header": "yes"})
        self.assertEqual(answer.status, 422)
        self.assertIn("ne contient qu'une ligne d'en-tête", answer.text())
        self.assertIn('<details class="reread" open>', answer.body)


class Mapping(ImportCase):
    def test_saving_the_mapping_queues_the_preview(self):
        number = import_id(self.owner.upload(utf8_csv(), "apercu.csv"))
        answer = self.map_and_preview(number, mode="overwrite", welcome="1")
        self.assertEqual(answer.status, 303, answer.text()[:300])
        self.assertEqual(answer.header("Location"), "/admin/import/%s" % number)
        state, job, mapping, mode, welcome, subscribe = import_row(
            number, "state", "job_id", "mapping", "mode", "welcome", "subscribe")
        self.assertEqual((state, mapping, mode, welcome, subscribe),
                         ("previewing", "email,first_name,last_name,city", "overwrite", "1", "0"))
        self.assertEqual(sql("SELECT kind, state, shop_id FROM job WHERE id = %s" % job),
                         [["import", "queued", self.shop]])

    def test_while_the_worker_is_down_the_page_says_it_waits_for_it(self):
        number = import_id(self.owner.upload(utf8_csv(), "attente.csv"))
        self.map_and_preview(number)
        page = self.owner.get("/admin/import/%s" % number)
        self.assertValid(page)
        self.assertIn('<meta http-equiv="refresh" content="2">', page.body)
        self.assertIn("En attente du service d'import.", page.text())
        self.assertIn("prévenez votre hébergeur", page.text())
        self.assertIn("/admin/import/%s/cancel" % number, page.body)

    def test_a_job_whose_worker_stopped_answering_says_it_will_resume(self):
        number = import_id(self.owner.upload(utf8_csv(), "muet.csv"))
        self.map_and_preview(number)
        job = import_row(number, "job_id")[0]
        # taken by a worker that then went silent (killed, or its machine down)
        sql("UPDATE job SET state = 'running', worker_id = 'gone', progress = 1,"
            " heartbeat_at = NOW() - INTERVAL 10 MINUTE WHERE id = %s" % job)
        try:
            page = self.owner.get("/admin/import/%s" % number)
            self.assertIn("Le service d'import ne répond plus", page.text())
            self.assertIn("reprendra là où il s'est arrêté", page.text())
            self.assertIn('<progress id="import-progress" max="3" value="1">', page.body)
        finally:
            sql("UPDATE job SET state = 'cancelled' WHERE id = %s" % job)

    def test_a_run_under_way_shows_its_pace_and_time_left(self):
        number = import_id(self.owner.upload(utf8_csv(), "allure.csv"))
        self.map_and_preview(number)
        job = import_row(number, "job_id")[0]
        # as a worker leaves it an hour into a run of 100,000 rows
        sql("UPDATE job SET state = 'running', worker_id = 'w', progress = 36000,"
            " heartbeat_at = NOW() WHERE id = %s;"
            "UPDATE import SET state = 'importing', row_count = 100000,"
            " started_at = NOW() - INTERVAL 1 HOUR WHERE id = %s" % (job, number))
        try:
            page = self.owner.get("/admin/import/%s" % number)
            self.assertValid(page)
            self.assertIn('<progress id="import-progress" max="100000" value="36000">', page.body)
            self.assertIn("36 000 sur 100 000 lignes", page.text().replace("\u202f", " "))
            self.assertRegex(page.text(), r"(9|10) lignes par seconde · environ (10[67]|11\d) min restantes")
            self.assertIn("/admin/import/%s/cancel" % number, page.body)
        finally:
            sql("UPDATE job SET state = 'cancelled' WHERE id = %s" % job)

    def test_a_second_import_waits_for_the_first_and_says_so(self):
        first = import_id(self.owner.upload(utf8_csv(), "premier-en-cours.csv"))
        self.map_and_preview(first)
        second = import_id(self.owner.upload(windows_csv(), "deuxieme.csv"))
        self.assertEqual(self.map_and_preview(second).status, 303)
        page = self.owner.get("/admin/import/%s" % second)
        self.assertIn("En attente de la fin d'un autre import : premier-en-cours.csv",
                      page.text())
        self.assertIn('href="/admin/import/%s"' % first, page.body)

    def test_cancelling_a_queued_preview_goes_back_to_the_mapping(self):
        number = import_id(self.owner.upload(utf8_csv(), "arret.csv"))
        self.map_and_preview(number)
        job = import_row(number, "job_id")[0]
        answer = self.owner.post("/admin/import/%s/cancel" % number, {})
        self.assertEqual(answer.status, 303, answer.text()[:300])
        self.assertEqual(import_row(number, "state"), ["new"])
        self.assertEqual(sql("SELECT state FROM job WHERE id = %s" % job), [["cancelled"]])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("Vérifier les colonnes", page.text())
        # once stopped, a second stop changes nothing and says so
        again = self.owner.post("/admin/import/%s/cancel" % number, {})
        self.assertEqual(again.status, 409)
        self.assertIn("Cet import a changé entre-temps", again.text())

    def test_no_email_column_is_refused_on_the_mapping_screen(self):
        number = import_id(self.owner.upload(utf8_csv(), "sans-email.csv"))
        answer = self.map_and_preview(number, c0="ignore")
        self.assertEqual(answer.status, 422)
        self.assertIn("Choisissez la colonne qui contient l'adresse e-mail", answer.text())
        self.assertEqual(import_row(number, "state", "job_id"), ["new", "NULL"])

    def test_one_field_for_two_columns_is_refused(self):
        number = import_id(self.owner.upload(utf8_csv(), "deux-fois.csv"))
        answer = self.map_and_preview(number, c2="first_name")
        self.assertEqual(answer.status, 422)
        # it says which field, and marks its columns
        self.assertIn("Le champ « Prénom » est choisi pour plusieurs colonnes, signalées"
                      " ci-dessous : gardez-le pour une seule", answer.text())
        marked = re.findall(r'<select id="map-(c\d+)"[^>]* aria-invalid="true"', answer.body)
        self.assertEqual(marked, ["c1", "c2"])
        # the file was read right: how to read it again stays folded
        self.assertIn('<details class="reread">', answer.body)
        # the screen shows what was sent, to correct
        self.assertEqual(selects(answer)["c2"], "first_name")
        self.assertEqual(import_row(number, "state", "mapping"),
                         ["new", "email,first_name,last_name,city"])

    def test_subscribing_needs_the_attestation_of_consent(self):
        number = import_id(self.owner.upload(utf8_csv(), "abonnes.csv"))
        answer = self.map_and_preview(number, subscribe="1")
        self.assertEqual(answer.status, 422)
        self.assertIn("cochez la case qui atteste de leur consentement", answer.text())
        self.assertEqual(import_row(number, "state", "subscribe"), ["new", "0"])
        answer = self.map_and_preview(number, subscribe="1", attest="1")
        self.assertEqual(answer.status, 303)
        self.assertEqual(import_row(number, "state", "subscribe"), ["previewing", "1"])

    def test_a_column_of_who_accepts_the_mails_needs_the_attestation_too(self):
        """A "Newsletter" column subscribes its "oui"s as "subscribe
        everyone" does, and the ledger says the shop attested it: an admin
        must tick the attestation, or not import the column."""
        text = "E-mail,Prénom,Newsletter\r\nnina.lettre@flux.test,Nina,oui\r\n"
        number = import_id(self.owner.upload(text.encode("utf-8"), "lettre.csv"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertEqual(selects(page)["c2"], "marketing")
        answer = self.map_and_preview(number)
        self.assertEqual(answer.status, 422)
        self.assertIn("Une colonne du fichier dit qui accepte les e-mails marketing : cochez la case",
                      answer.text())
        self.assertEqual(import_row(number, "state", "subscribe_admin_id"), ["new", "NULL"])
        # the column not imported: no attestation needed
        self.assertEqual(self.map_and_preview(number, c2="ignore").status, 303)
        self.assertEqual(import_row(number, "state", "subscribe_admin_id"), ["previewing", "NULL"])
        sql("UPDATE import SET state = 'new' WHERE id = %s" % number)
        answer = self.map_and_preview(number, c2="marketing", attest="1")
        self.assertEqual(answer.status, 303)
        owner = sql("SELECT id FROM admin WHERE email = '%s'" % OWNER_A[0])[0][0]
        self.assertEqual(import_row(number, "state", "subscribe", "subscribe_admin_id",
                                    "subscribe_attested_at IS NOT NULL"),
                         ["previewing", "0", owner, "1"])

    def test_welcome_mails_are_off_unless_ticked(self):
        number = import_id(self.owner.upload(utf8_csv(), "bienvenue.csv"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn('<input type="checkbox" name="welcome" value="1">', page.body)
        self.map_and_preview(number)
        self.assertEqual(import_row(number, "welcome"), ["0"])

    def test_a_password_column_is_said_never_to_be_stored(self):
        content = "Nom,E-mail,Mot de passe\r\nMartin,e.martin@exemple.fr,secret1\r\n".encode()
        number = import_id(self.owner.upload(content, "mycommerce.csv"))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("elle ne sera jamais enregistrée", page.text())

    def test_giving_up_an_import_deletes_it_and_its_file(self):
        before = self.kept_files()
        number = import_id(self.owner.upload(utf8_csv(), "abandon.csv"))
        spool = import_row(number, "spool_path")[0]
        self.assertTrue(os.path.exists(spool))
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn('formaction="/admin/import/%s/delete"' % number, page.body)
        answer = self.owner.post("/admin/import/%s/delete" % number, dict(selects(page), mode="fill"))
        self.assertEqual(answer.status, 303, answer.text()[:300])
        self.assertEqual(answer.header("Location"), "/admin/import")
        self.assertEqual(sql("SELECT COUNT(*) FROM import WHERE id = %s" % number), [["0"]])
        self.assertFalse(os.path.exists(spool))
        self.assertEqual(self.kept_files(), before)
        self.assertIn("Import abandonné", self.owner.get("/admin/import").text())

    def test_an_import_under_way_cannot_be_given_up(self):
        number = import_id(self.owner.upload(utf8_csv(), "pas-abandon.csv"))
        self.map_and_preview(number)
        self.assertEqual(self.owner.post("/admin/import/%s/delete" % number, {}).status, 409)
        self.assertEqual(import_row(number, "state"), ["previewing"])

    def test_a_run_or_an_undo_before_its_time_changes_nothing(self):
        number = import_id(self.owner.upload(utf8_csv(), "trop-tot.csv"))
        for action in ("run", "undo"):
            answer = self.owner.post("/admin/import/%s/%s" % (number, action), {})
            self.assertEqual(answer.status, 409, action)
        self.assertEqual(import_row(number, "state", "job_id"), ["new", "NULL"])


class BadInput(ImportCase):
    def assertRefused(self, answer, status, message):
        self.assertEqual(answer.status, status, answer.text()[:400])
        self.assertIn(message, answer.text())

    def assertNothingLeft(self, before_imports, before_files):
        self.assertEqual(self.imports(), before_imports)
        self.assertEqual(self.kept_files(), before_files)

    def test_each_unusable_file_gets_the_start_page_with_why(self):
        cases = [
            ("no file chosen", b"", "", 400, "Choisissez un fichier à envoyer."),
            ("an empty file", b"", "vide.csv", 422, "Ce fichier est vide"),
            ("blank lines only", b"\r\n\r\n  \r\n", "blanc.csv", 422, "Ce fichier est vide"),
            ("a header alone", "E-mail;Prénom\r\n".encode(), "entete.csv", 422,
             "qu'une ligne d'en-tête"),
            ("a picture named .csv", PNG, "photo.csv", 422, "n'est pas un tableau lisible"),
            ("a picture named .xlsx", PNG, "photo.xlsx", 422, "n'est pas un tableau lisible"),
        ]
        for what, content, filename, status, message in cases:
            with self.subTest(what):
                before = (self.imports(), self.kept_files())
                answer = self.owner.upload(content, filename)
                self.assertRefused(answer, status, message)
                self.assertIn('id="import-file"', answer.body)   # the start page again
                self.assertNothingLeft(*before)

    def test_a_zip_bomb_named_xlsx_is_refused(self):
        before = (self.imports(), self.kept_files())
        answer = self.owner.upload(zip_bomb(), "bombe.xlsx")
        self.assertRefused(answer, 422, "Ce classeur se décompresse en plus d'1 Go")
        self.assertNothingLeft(*before)

    def test_a_broken_workbook_and_a_zip_that_is_no_workbook_are_refused(self):
        for name, message in (("broken.xlsx", "Ce classeur Excel est abîmé"),
                              ("not-xlsx.zip", "n'est pas un tableau lisible")):
            with self.subTest(name):
                before = (self.imports(), self.kept_files())
                answer = self.owner.upload(fixture(name), name.replace(".zip", ".xlsx"))
                self.assertRefused(answer, 422, message)
                self.assertNothingLeft(*before)

    def test_an_empty_paste_is_refused(self):
        before = (self.imports(), self.kept_files())
        self.assertRefused(self.owner.paste("   \n"), 400, "Collez au moins une adresse e-mail.")
        self.assertNothingLeft(*before)

    def test_a_file_over_the_limit_gets_the_413_page_in_french(self):
        before = (self.imports(), self.kept_files())
        answer = self.owner.upload(b"a" * (50 * 1024 * 1024 + 4096), "gros.csv")
        self.assertRefused(answer, 413, "Envoi trop volumineux")
        self.assertIn("enregistré en CSV", answer.text())
        self.assertNothingLeft(*before)

    def test_every_post_without_its_csrf_token_is_refused(self):
        number = import_id(self.owner.upload(utf8_csv(), "csrf.csv"))
        before = (self.imports(), self.kept_files())
        self.assertRefused(self.owner.upload(utf8_csv(), token=False), 403, "Ce formulaire a expiré")
        self.assertRefused(self.owner.paste("a@exemple.fr", token=False), 403,
                           "Ce formulaire a expiré")
        for action, fields in (("read", {"header": "no"}), ("mapping", {"mode": "fill", "c0": "email"}),
                               ("run", {}), ("cancel", {}), ("undo", {}), ("delete", {})):
            with self.subTest(action):
                answer = self.owner.post("/admin/import/%s/%s" % (number, action), fields,
                                         token=False)
                self.assertRefused(answer, 403, "Ce formulaire a expiré")
        self.assertNothingLeft(*before)
        self.assertEqual(import_row(number, "state", "has_header", "job_id"), ["new", "1", "NULL"])


class Flow(ImportCase):
    """The whole way, with a worker run by the test (fidele-worker --once)
    after each step that queues a job."""

    def setUp(self):
        super().setUp()
        # every address of these tests ends so: tearDown finds them
        sql("UPDATE customer SET erased_at = NOW(), email = NULL, import_id = NULL"
            " WHERE email LIKE '%%@flux.test' AND shop_id = %s" % self.shop)

    def work(self):
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)

    def customers(self):
        return sql("SELECT email, first_name, last_name, city FROM customer"
                   " WHERE shop_id = %s AND email LIKE '%%@flux.test' AND erased_at IS NULL"
                   " ORDER BY email" % self.shop)

    def preview(self, number, **changes):
        self.assertEqual(self.map_and_preview(number, **changes).status, 303)
        self.work()
        page = self.owner.get("/admin/import/%s" % number)
        self.assertEqual(import_row(number, "state"), ["previewed"], page.text()[:500])
        return page

    def run_import(self, number):
        answer = self.owner.post("/admin/import/%s/run" % number, {})
        self.assertEqual(answer.status, 303, answer.text()[:300])
        # the run's pace is counted from its own start, not its preview's
        self.assertEqual(import_row(number, "state", "started_at"), ["queued", "NULL"])
        self.work()
        self.assertEqual(import_row(number, "state"), ["done"])
        return self.owner.get("/admin/import/%s" % number)

    def listed(self, page):
        """The e-mail addresses of the list's rows, in their order."""
        self.assertEqual(page.status, 200, page.text()[:300])
        return page.listed_emails()

    def counts(self, page, counts_id):
        block = re.search(r'<ul class="import-counts" id="%s">(.*?)</ul>' % counts_id,
                          page.body, re.S).group(1)
        return [int(n.replace("\u202f", "").replace(" ", "").replace("\xa0", ""))
                for n in re.findall(r"<strong>([^<]+)</strong>", block)]

    def test_a_file_previewed_imported_reported_and_undone(self):
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
            " VALUES (%s, 'deja@flux.test', 'Déjà', 'Là', 'active', 'admin')" % self.shop)
        # brought in by an earlier import, and newer than this one's
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " created_at) VALUES (%s, 'avant@plus-tot.test', 'Avant', 'Importé', 'active',"
            " 'import', NOW() + INTERVAL 1 DAY)" % self.shop)
        rows = [("zelie@flux.test", "Zélie", "Fabrègues", "Besançon"),
                ("noel@flux.test", "Noël", "Ozanne", "Orléans"),
                ("agathe@flux.test", "Agathe", "Sète", "Sète"),
                ("deja@flux.test", "Déjà", "Là", "Nîmes"),
                ("pas-une-adresse", "Jean", "Formule", "=HYPERLINK(\"http://x\")"),
                ("zelie@flux.test", "Zélie", "Fabrègues", "Besançon")]
        text = "Courriel;Prénom;Nom;Ville\r\n" + "".join(";".join(r) + "\r\n" for r in rows)
        number = import_id(self.owner.upload(text.encode("cp1252"), "marché.csv"))
        before = sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % self.shop)

        page = self.preview(number)
        self.assertValid(page)
        # new, updated, unchanged, invalid, duplicated
        self.assertEqual(self.counts(page, "preview-counts"), [3, 1, 0, 1, 1])
        self.assertIn("Ligne 6", page.text())
        self.assertEqual(sql("SELECT COUNT(*) FROM customer WHERE shop_id = %s" % self.shop),
                         before, "the preview wrote customers")
        preview_errors = self.owner.get("/admin/import/%s/errors.csv" % number)
        self.assertIn("\r\n6;", preview_errors.body)

        page = self.run_import(number)
        self.assertValid(page)
        self.assertEqual(self.counts(page, "run-counts"), [3, 1, 0, 1, 1])
        self.assertIn("Import terminé.", page.text())
        self.assertIn("marché.csv", page.text())
        self.assertIn(OWNER_A[0], page.text())
        self.assertIn("Courriel → Adresse e-mail", page.text())
        self.assertEqual(self.customers(), [
            ["agathe@flux.test", "Agathe", "Sète", "Sète"],
            ["deja@flux.test", "Déjà", "Là", "Nîmes"],
            ["noel@flux.test", "Noël", "Ozanne", "Orléans"],
            ["zelie@flux.test", "Zélie", "Fabrègues", "Besançon"]])
        # searchable at once, accents folded
        found = self.owner.get("/admin/customers?q=fabregues")
        self.assertIn("zelie@flux.test", found.text())
        # the history counts as refused the line refused and the duplicate
        row = re.search(r'>marché.csv</a></td>(.*?)</tr>', self.owner.get("/admin/import").body,
                        re.S).group(1)
        self.assertEqual(re.findall(r'<td class="num hide-narrow">([^<]*)</td>', row),
                         ["6", "3", "1", "2"])
        # the report leads to the customers it created, and to them alone:
        # not the one it updated, nor one an earlier import brought in
        self.assertIn("Voir les clients créés par cet import", page.text())
        link = html.unescape(re.search(r'id="see-new" href="([^"]+)"', page.body).group(1))
        listing = self.owner.get(link)
        self.assertValid(listing)
        # by name: Fabrègues, Ozanne, Sète
        self.assertEqual(self.listed(listing), ["zelie@flux.test", "noel@flux.test",
                                                "agathe@flux.test"])
        self.assertIn("3 sur 3 clients", listing.text())
        came, zone = sql("SELECT i.created_at, s.time_zone FROM import i JOIN shop s"
                         " ON s.id = i.shop_id WHERE i.id = %s" % number)[0]
        day = datetime.datetime.strptime(came, "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo(zone)).strftime("%d/%m/%Y")
        self.assertIn("Clients créés par l'import « marché.csv » du %s · Voir tous les clients"
                      % day, listing.text())
        # the filter form and the sort links keep it, the bulk form sends it
        self.assertIn('<input type="hidden" name="import" value="%s">' % number, listing.body)
        self.assertNotIn('<details class="filters" open>', listing.body)
        self.assertIn('href="/admin/customers?import=%s&amp;sort=email&amp;dir=asc' % number,
                      listing.body)
        by_email = self.owner.get(link + "&sort=email&dir=asc")
        self.assertEqual(self.listed(by_email), ["agathe@flux.test", "noel@flux.test",
                                                 "zelie@flux.test"])
        self.assertEqual(self.listed(self.owner.get(link + "&q=fabregues")), ["zelie@flux.test"])
        # "see all customers" drops the import alone
        everyone = re.search(r'id="import-filter">.*?<a href="([^"]+)"', listing.body).group(1)
        self.assertNotIn("import=", everyone)
        self.assertIn("avant@plus-tot.test", self.listed(self.owner.get(html.unescape(everyone))))
        # the export of that view says which import it holds
        export = self.owner.get("/admin/export?import=%s" % number)
        self.assertEqual(export.status, 200)
        self.assertIn("Import : « marché.csv » du %s" % day, export.text())

        errors = self.owner.get("/admin/import/%s/errors.csv" % number)
        self.assertEqual(errors.status, 200)
        self.assertEqual(errors.header("Content-Type"), "text/csv; charset=utf-8")
        self.assertTrue(errors.body.startswith("\ufeff"))
        lines = errors.body[1:].split("\r\n")
        # quoted only where needed (sheet_out.h), a formula neutralised
        self.assertEqual(lines[0], "Ligne;Motif;Courriel;Prénom;Nom;Ville")
        self.assertTrue(lines[1].startswith("6;"), lines[1])
        self.assertIn(';pas-une-adresse;Jean;Formule;"\'=HYPERLINK(""http://x"")"', lines[1])
        # the duplicate too, with its own reason, then the end
        self.assertEqual(lines[2:], ["7;Adresse e-mail déjà présente plus haut dans le fichier;"
                                     "zelie@flux.test;Zélie;Fabrègues;Besançon", ""])

        # the undo deletes customers: the report leads to a page that says
        # what it will delete and asks; that page changes nothing
        report = self.owner.get("/admin/import/%s" % number)
        self.assertIn('id="undo-link" href="/admin/import/%s/undo"' % number, report.body)
        self.assertNotIn('action="/admin/import/%s/undo"' % number, report.body)
        confirm = self.owner.get("/admin/import/%s/undo" % number)
        self.assertEqual(confirm.status, 200)
        self.assertValid(confirm)
        self.assertIn("Retirer les clients créés par cet import ?", confirm.text())
        self.assertIn("Cet import a créé 3 nouveaux clients (marché.csv).", confirm.text())
        self.assertIn('action="/admin/import/%s/undo"' % number, confirm.body)
        self.assertIn('<a href="/admin/import/%s">Garder l&#39;import</a>' % number, confirm.body)
        self.assertEqual(len(self.customers()), 4)
        self.assertEqual(import_row(number, "state"), ["done"])

        # one of them edited since: kept
        sql("INSERT INTO event (shop_id, customer_id, kind) SELECT shop_id, id, 'customer.updated'"
            " FROM customer WHERE shop_id = %s AND email = 'noel@flux.test'" % self.shop)
        answer = self.owner.post("/admin/import/%s/undo" % number, {"csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303, answer.text()[:300])
        self.work()
        page = self.owner.get("/admin/import/%s" % number)
        self.assertValid(page)
        self.assertIn("Import annulé.", page.text())
        self.assertEqual(self.counts(page, "undo-counts"), [2, 1])
        self.assertIn("1 client gardé", page.text())
        self.assertIn("Ce client a été gardé parce qu'il s'est passé quelque chose", page.text())
        # the customer the import only updated stays, and the one kept
        self.assertEqual([c[0] for c in self.customers()], ["deja@flux.test", "noel@flux.test"])
        # the report leads to the one kept, in the singular
        self.assertRegex(page.body, r'id="see-kept" href="[^"]+">Voir le client gardé</a>')
        link = html.unescape(re.search(r'id="see-kept" href="([^"]+)"', page.body).group(1))
        self.assertEqual(self.listed(self.owner.get(link)), ["noel@flux.test"])
        # undone: nothing left to confirm, the page says so
        again = self.owner.get("/admin/import/%s/undo" % number)
        self.assertEqual(again.status, 303)
        self.assertEqual(again.header("Location"), "/admin/import/%s" % number)
        self.assertNotIn("undo-link", page.body)

    def test_a_refused_line_is_numbered_as_the_spreadsheet_shows_it(self):
        # a cell with line breaks (Alt+Entrée in Excel) is one row, not three
        text = ("E-mail,Prénom,Nom,Adresse\r\n"
                "ligne@flux.test,Line,Breton,\"12 rue des Lilas\r\nBâtiment B\r\n2e étage\"\r\n"
                "pas-une-adresse,Jean,Après,Lyon\r\n")
        number = import_id(self.owner.upload(text.encode("utf-8"), "cellules.csv"))
        page = self.preview(number)
        self.assertIn("Ligne 3", page.text())
        self.assertNotIn("Ligne 5", page.text())

    def test_a_refused_cell_is_named_and_shown_even_far_right(self):
        """"Date invalide" among twelve columns: the page and errors.csv
        say which column, and the page shows that cell (marked), also when
        it is past the eight cells a line shows."""
        extra = ["Col%d" % n for n in range(1, 6)]
        text = ("E-mail;Prénom;Nom;Ville;%s;Inscrit le\r\n" % ";".join(extra) +
                "bonne@flux.test;Bonne;Ligne;Lyon;a;b;c;d;e;2024-03-01\r\n"
                "datee@flux.test;Mal;Datée;Lyon;a;b;c;d;e;31/02/2024\r\n"
                "ville@flux.test;Trop;Longue;%s;a;b;c;d;e;\r\n" % ("V" * 101))
        number = import_id(self.owner.upload(text.encode("utf-8"), "colonnes.csv"))
        page = self.preview(number)
        self.assertValid(page)
        self.assertIn("Ligne 3 Date invalide, colonne « Inscrit le » datee@flux.test · Mal ·"
                      " Datée · Lyon · a · b · c · d · … · 31/02/2024", page.text())
        self.assertIn("<mark>31/02/2024</mark>", page.body)
        self.assertIn("Ligne 4 Valeur trop longue, colonne « Ville »", page.text())
        self.assertIn("<mark>%s</mark>" % ("V" * 101), page.body)
        lines = self.owner.get("/admin/import/%s/errors.csv" % number).body[1:].split("\r\n")
        # (quoted for its comma, as sheet_out.h quotes either separator)
        self.assertTrue(lines[1].startswith('3;"Date invalide, colonne «\u00a0Inscrit le\u00a0»";'
                                            "datee@flux.test;"), lines[1])
        self.assertTrue(lines[2].startswith('4;"Valeur trop longue, colonne «\u00a0Ville\u00a0»";'),
                        lines[2])

    def test_the_refused_lines_past_the_first_twenty_are_counted(self):
        rows = [("pas-une-adresse-%02d" % n, "Refus", "Numéro%02d" % n, "Lyon") for n in range(25)]
        rows += [("double@flux.test", "Double", "Un", "Lyon"), ("double@flux.test", "Double", "Deux", "Lyon")]
        number = import_id(self.owner.upload(utf8_csv(rows), "refus.csv"))
        page = self.preview(number)
        self.assertValid(page)
        # 25 invalid, 1 duplicate: the first 20 listed, the 6 others said
        self.assertEqual(len(re.findall(r'<span class="error-line">', page.body)), 20)
        self.assertIn("6 autres lignes refusées ne sont pas montrées ici.", page.text())
        # a list that shows them all says nothing more
        number = import_id(self.owner.upload(utf8_csv(rows[:3]), "peu.csv"))
        page = self.preview(number)
        self.assertEqual(len(re.findall(r'<span class="error-line">', page.body)), 3)
        self.assertNotIn("errors-more", page.body)

    def test_a_preview_that_failed_goes_back_to_the_mapping_and_says_why(self):
        number = import_id(self.owner.upload(utf8_csv(), "perdu.csv"))
        os.unlink(import_row(number, "spool_path")[0])
        self.assertEqual(self.map_and_preview(number).status, 303)
        self.work()
        self.assertEqual(import_row(number, "state"), ["failed"])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertValid(page)
        self.assertIn("L'aperçu n'a pas pu se faire : Le fichier de l'import n'est plus disponible",
                      page.text())
        self.assertIn('<a class="button primary" href="/admin/import">Envoyer un fichier</a>',
                      page.body)
        self.assertNotIn("clients créés", page.text())

    def test_a_file_that_no_longer_reads_says_so_not_a_database_error(self):
        """A workbook read whole at its upload is read again by the worker:
        spoiled on the disk in between, the page says the file no longer
        reads, not that the database failed."""
        rows = [("E-mail", "Prénom", "Nom", "Ville")] + ROWS
        content = xlsx(rows)
        number = import_id(self.owner.upload(content, "abime.xlsx"))
        with open(import_row(number, "spool_path")[0], "r+b") as spooled:
            spooled.truncate(len(content) // 2)
        self.assertEqual(self.map_and_preview(number).status, 303)
        self.work()
        self.assertEqual(import_row(number, "state"), ["failed"])
        page = self.owner.get("/admin/import/%s" % number)
        self.assertValid(page)
        self.assertNotIn("base de données", page.text())
        self.assertRegex(page.text(), r"L'aperçu n'a pas pu se faire : Le (fichier|classeur) de "
                                      r"l'import ne se lit plus")

    def test_a_run_stopped_midway_keeps_its_batches_and_says_so(self):
        rows = [("stop-%02d@flux.test" % n, "Arrêt", "Numéro%02d" % n, "Lyon") for n in range(60)]
        number = import_id(self.owner.upload(utf8_csv(rows), "arret-en-cours.csv"))
        self.preview(number)
        self.assertEqual(self.owner.post("/admin/import/%s/run" % number, {}).status, 303)
        with open(web.STACK.config) as f:
            config = f.read() + "Jobs {\n  ImportBatch = 5\n  ImportPauseMilliseconds = 300\n}\n"
        path = os.path.join(self.folder, "slow.hdf")
        with open(path, "w") as f:
            f.write(config)
        os.chmod(path, 0o640)
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=dict(web.STACK.env(), FIDELE_CONFIG=path),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            job = import_row(number, "job_id")[0]
            self.assertTrue(web.wait_until(lambda: int(sql(
                "SELECT progress FROM job WHERE id = %s" % job)[0][0]) > 0, 60))
            page = self.owner.get("/admin/import/%s" % number)
            self.assertIn('<progress id="import-progress" max="60"', page.body)
            answer = self.owner.post("/admin/import/%s/cancel" % number, {})
            self.assertEqual(answer.status, 303, answer.text()[:300])
        finally:
            worker.wait(timeout=120)
        self.assertEqual(import_row(number, "state"), ["cancelled"])
        created = int(import_row(number, "count_new")[0])
        self.assertTrue(0 < created < 60, created)
        self.assertEqual(len(self.customers()), created)
        page = self.owner.get("/admin/import/%s" % number)
        self.assertIn("Import arrêté : les clients déjà importés le restent.", page.text())

    def test_each_kind_of_file_is_imported_with_its_accents(self):
        rows = [("ana-%d@flux.test", "Anaïs", "Lefèvre", "Besançon"),
                ("bo-%d@flux.test", "Bérénice", "Noël", "Orléans")]
        for n, (name, make) in enumerate((("utf8.csv", lambda r: utf8_csv(r, bom=True)),
                                          ("excel.csv", windows_csv),
                                          ("unicode.txt", utf16_tsv),
                                          ("classeur.xlsx", lambda r: xlsx(
                                              [("E-mail", "Prénom", "Nom", "Ville")] + r)))):
            with self.subTest(name):
                numbered = [(r[0] % n,) + r[1:] for r in rows]
                number = import_id(self.owner.upload(make(numbered), name))
                self.preview(number)
                self.run_import(number)
                got = sql("SELECT first_name, last_name, city FROM customer WHERE shop_id = %s"
                          " AND email IN ('%s', '%s') ORDER BY email"
                          % (self.shop, numbered[0][0], numbered[1][0]))
                self.assertEqual(got, [["Anaïs", "Lefèvre", "Besançon"],
                                       ["Bérénice", "Noël", "Orléans"]])

    def test_the_consent_rows_name_the_admin_who_attested_it_and_when(self):
        # staff ticks the attestation on the mapping screen, the owner starts
        # the run: the ledger names staff, with the time of the attestation
        staff = Admin(HOST_A, STAFF_A)
        number = import_id(staff.upload(utf8_csv([("cons@flux.test", "Léa", "Roux", "Nîmes")]),
                                        "abonnes.csv"))
        self.assertEqual(self.map_and_preview(number, admin=staff, subscribe="1",
                                              attest="1").status, 303)
        self.work()
        self.run_import(number)
        staff_id = sql("SELECT id FROM admin WHERE email = '%s'" % STAFF_A[0])[0][0]
        attested = sql("SELECT DATE_FORMAT(subscribe_attested_at, '%%Y-%%m-%%d %%H:%%i')"
                       " FROM import WHERE id = %s" % number)[0][0]
        ledger = sql("SELECT k.granted, k.source, k.admin_id, k.statement FROM consent k"
                     " JOIN customer c ON c.id = k.customer_id"
                     " WHERE c.email = 'cons@flux.test' AND c.shop_id = %s" % self.shop)
        self.assertEqual(ledger, [["1", "import", staff_id,
                                   "Consentement attesté par la boutique lors de l'import n° %s"
                                   " (abonnes.csv), %s" % (number, attested)]])

    def test_a_pasted_list_is_imported(self):
        number = import_id(self.owner.paste(
            'Élodie Martin <elodie@flux.test>, "Noël, Zoé" <zoe@flux.test>; paul@flux.test'))
        page = self.preview(number)
        self.assertEqual(self.counts(page, "preview-counts"), [3, 0, 0, 0, 0])
        self.run_import(number)
        self.assertEqual(self.customers(), [["elodie@flux.test", "Élodie", "Martin", ""],
                                            ["paul@flux.test", "", "", ""],
                                            ["zoe@flux.test", "Zoé", "Noël", ""]])


class OtherShop(ImportCase):
    def test_another_shops_import_is_not_found_on_any_route(self):
        number = import_id(self.owner.upload(utf8_csv(), "secret-a.csv"))
        self.map_and_preview(number)
        other = Admin(HOST_B, OWNER_B)
        for path in ("/admin/import/%s", "/admin/import/%s?edit=1", "/admin/import/%s/errors.csv",
                     "/admin/import/%s/undo"):
            with self.subTest(path):
                answer = other.get(path % number)
                self.assertEqual(answer.status, 404)
                self.assertNotIn("secret-a.csv", answer.body)
        for action, fields in (("read", {"header": "no"}),
                               ("mapping", {"mode": "fill", "c0": "email"}),
                               ("run", {}), ("cancel", {}), ("undo", {}), ("delete", {})):
            with self.subTest(action):
                answer = other.post("/admin/import/%s/%s" % (number, action), fields)
                self.assertEqual(answer.status, 404)
        self.assertEqual(import_row(number, "state", "has_header"), ["previewing", "1"])
        self.assertEqual(sql("SELECT state FROM job WHERE id = (SELECT job_id FROM import"
                             " WHERE id = %s)" % number), [["queued"]])
        self.assertNotIn("secret-a.csv", other.get("/admin/import").body)
        # nor on the customer list: nobody, and said so
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " import_id) VALUES (%s, 'secret@flux-a.test', 'Secret', 'A', 'active', 'import', %s)"
            % (self.shop, number))
        try:
            listing = other.get("/admin/customers?import=%s" % number)
            self.assertEqual(listing.status, 200)
            self.assertNotIn("secret-a.csv", listing.body)
            self.assertIn("This import does not exist in this shop, so the list shows nobody.",
                          listing.text())
            self.assertNotIn('<span class="sub">', listing.body)
            self.assertIn("Import: (no longer exists: nobody)",
                          other.get("/admin/export?import=%s" % number).text())
        finally:
            sql("DELETE FROM customer WHERE email = 'secret@flux-a.test'")
        # a number, one at most
        for bad in ("abc", "0", "-3", "1.5", "9" * 25):
            with self.subTest(bad):
                self.assertEqual(other.get("/admin/customers?import=" + bad).status, 400)

    def test_pages_of_a_shop_in_english_are_in_english(self):
        other = Admin(HOST_B, OWNER_B)
        number = import_id(other.upload(utf8_csv(bom=True), "farm.csv"))
        page = other.get("/admin/import/%s" % number)
        self.assertIn("UTF-8, comma-separated, 3 rows", page.text())
        self.assertIn("Check the columns", page.text())
        answer = other.upload(b"", "empty.csv")
        self.assertEqual(answer.status, 422)
        self.assertIn("This file is empty", answer.text())


class Staff(ImportCase):
    def test_staff_may_import_but_not_stop_or_undo_the_owners_import(self):
        staff = Admin(HOST_A, STAFF_A)
        mine = import_id(staff.upload(utf8_csv(), "equipe.csv"))
        self.assertEqual(self.map_and_preview(mine, admin=staff).status, 303)
        owners = import_id(self.owner.upload(utf8_csv(), "patron.csv"))
        self.map_and_preview(owners)
        answer = staff.post("/admin/import/%s/cancel" % owners, {})
        self.assertEqual(answer.status, 403)
        self.assertIn("l'administrateur qui a lancé cet import", answer.text())
        self.assertEqual(import_row(owners, "state"), ["previewing"])
        self.assertNotIn("/admin/import/%s/cancel" % owners,
                         staff.get("/admin/import/%s" % owners).body)
        # their own they may stop
        self.assertEqual(staff.post("/admin/import/%s/cancel" % mine, {}).status, 303)
        # nor be asked to undo the owner's once it has made customers (the
        # page goes back to the import, which offers no undo)
        sql("UPDATE import SET state = 'done', count_new = 2 WHERE id = %s" % owners)
        self.assertEqual(staff.get("/admin/import/%s/undo" % owners).status, 303)
        self.assertNotIn("undo-link", staff.get("/admin/import/%s" % owners).body)
        self.assertEqual(self.owner.get("/admin/import/%s/undo" % owners).status, 200)


if __name__ == "__main__":
    unittest.main()
