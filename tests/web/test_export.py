"""The customer export through nginx (export.fcgi, /admin/export*): the
list's "Exporter" button, the export page (the view in words, the exact
count, the columns and their order, the format, the recent exports), and
the file in each format holding the same customers as the list shows for
the same view, in its order, with accents, money and dates intact; names
that would be formulas neutralised; the staff right, the tenancy, the
audit log, one export at a time per admin, every bad input answered with a
page in the admin's language that writes nothing; a client that goes away
frees the program at once.

Shops of their own (exports read every customer of a shop):
exporta.test in French, exportb.test in English, exportbig.test with
100,000 customers for the count and the client that goes away."""

import csv
import datetime
import io
import os
import re
import socket
import subprocess
import unittest
import urllib.parse
import zipfile

from test_pages import tidy_problems
import web
import xlsx

HOST_A = "exporta.test"
OWNER_A = ("owner@exporta.test", "exporta-owner-password")
STAFF_A = ("staff@exporta.test", "exporta-staff-password")
HOST_B = "exportb.test"
OWNER_B = ("owner@exportb.test", "exportb-owner-password")
OTHER_B = ("other@exportb.test", "exportb-other-password")
HOST_BIG = "exportbig.test"
OWNER_BIG = ("owner@exportbig.test", "exportbig-owner-password")
BIG_CUSTOMERS = 100000

ALL_COLUMNS = ("first_name,last_name,email,phone,company,address,postal_code,city,country,"
               "language,status,source,signup_date,order_count,total_spent,average_order,"
               "last_order_date,marketing,system_mail,tax_exempt,vat_number")
HEADERS_FR = ["Prénom", "Nom", "E-mail", "Téléphone", "Société", "Adresse", "Code postal",
              "Ville", "Pays", "Langue", "Statut", "Origine", "Client depuis", "Commandes",
              "Total dépensé", "Panier moyen", "Dernière commande", "Accepte le marketing",
              "E-mails de service", "Exonéré de TVA", "N° de TVA"]

HOSTILE_FIRST = 'Ana; "la Grande"\r\nDeux 😀'
HOSTILE_LAST = "Lévy\u200fשלום"
FORMULAS = ('=HYPERLINK("http://evil.test","clic")', "+33612345678", "@SUM(A1:A2)", "-2+3")


def sql(statement):
    # emoji need the client to speak utf8mb4 (the command line's default is 3 bytes)
    return web.STACK.sql("SET NAMES utf8mb4;\n" + statement)


def quoted(text):
    """text as an SQL string, line breaks written as escapes (the command
    line would drop a CR)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''").replace(
        "\r", "\\r").replace("\n", "\\n") + "'"


def shop_id(slug):
    return sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]


def admin_id(email):
    return sql("SELECT id FROM admin WHERE email = '%s'" % email)[0][0]


def add_customer(shop, email, first, last, **columns):
    values = {"shop_id": shop, "email": email, "first_name": first, "last_name": last,
              "status": "active", "source": "admin"}
    values.update(columns)
    names = ", ".join(values)
    data = ", ".join("NULL" if v is None else str(v) if isinstance(v, int) else quoted(v)
                     for v in values.values())
    sql("INSERT INTO customer (%s) VALUES (%s)" % (names, data))


def setUpModule():
    stack = web.STACK
    if sql("SELECT COUNT(*) FROM shop WHERE slug = 'exporta'") == [["1"]]:
        return
    stack.admin("shop", "add", "--slug", "exporta", "--name", "Épicerie d'Export",
                "--language", "fr")
    stack.admin("shop", "host", "add", "--shop", "exporta", "--host", HOST_A)
    stack.admin("admin", "add", "--shop", "exporta", "--email", OWNER_A[0], "--role", "owner",
                input=OWNER_A[1] + "\n")
    stack.admin("admin", "add", "--shop", "exporta", "--email", STAFF_A[0], "--role", "staff",
                input=STAFF_A[1] + "\n")
    sql("UPDATE admin SET name = 'Odile Propriétaire' WHERE email = '%s'" % OWNER_A[0])
    stack.admin("shop", "add", "--slug", "exportb", "--name", "Export Farm", "--language", "en")
    stack.admin("shop", "host", "add", "--shop", "exportb", "--host", HOST_B)
    stack.admin("admin", "add", "--shop", "exportb", "--email", OWNER_B[0], "--role", "owner",
                input=OWNER_B[1] + "\n")
    stack.admin("admin", "add", "--shop", "exportb", "--email", OTHER_B[0], "--role", "owner",
                input=OTHER_B[1] + "\n")
    stack.admin("shop", "add", "--slug", "exportbig", "--name", "Big Export", "--language", "fr")
    stack.admin("shop", "host", "add", "--shop", "exportbig", "--host", HOST_BIG)
    stack.admin("admin", "add", "--shop", "exportbig", "--email", OWNER_BIG[0], "--role",
                "owner", input=OWNER_BIG[1] + "\n")
    a, b = shop_id("exporta"), shop_id("exportb")
    # late on 30 June and 31 December in UTC: already the next day in Paris
    add_customer(a, "amelie@exporta.test", "Amélie", "André", phone="+33 6 12 34 56 78",
                 company="Ferme André", address="12 rue de l'Église", postal_code="75011",
                 city="Paris", country="FR", language="fr", marketing_consent=1,
                 order_count=3, total_spent_cents=123450,
                 last_order_at="2024-06-30 22:30:00", created_at="2023-12-31 23:30:00")
    add_customer(a, "zoe@exporta.test", "Zoé", "Ørsted", status="invited", source="import",
                 country="BE", language="en", tax_exempt=1, vat_number="BE0123456789",
                 system_mail=0, created_at="2024-03-05 10:00:00")
    add_customer(a, "hostile@exporta.test", HOSTILE_FIRST, HOSTILE_LAST, order_count=1,
                 total_spent_cents=999, last_order_at="2024-02-01 12:00:00",
                 created_at="2024-01-15 09:00:00")
    add_customer(a, "formula@exporta.test", FORMULAS[0], FORMULAS[1], company=FORMULAS[2],
                 city=FORMULAS[3], created_at="2024-04-01 08:00:00")
    for n, (first, last, orders, cents) in enumerate((
            ("Bruno", "Bernard", 5, 50000), ("Chloé", "Colin", 2, 4550),
            ("Denis", "Durand", 1, 1999), ("Émile", "Étienne", 7, 210000))):
        add_customer(a, "client%d@exporta.test" % n, first, last, order_count=orders,
                     total_spent_cents=cents, last_order_at="2024-05-0%d 10:00:00" % (n + 1),
                     created_at="2024-02-0%d 10:00:00" % (n + 1))
    add_customer(a, "dormant@exporta.test", "Dormant", "Inactif", status="inactive")
    add_customer(a, None, "", "", status="inactive", erased_at="2024-05-01 00:00:00")
    add_customer(b, "secret@exportb.test", "Gwen", "Betasecret", order_count=1,
                 total_spent_cents=1000, created_at="2024-01-01 12:00:00")
    stack.admin("search-reindex", "--shop", "exporta")
    stack.admin("search-reindex", "--shop", "exportb")
    sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
        " order_count, total_spent_cents, created_at)"
        " SELECT %s, CONCAT('c', seq, '@big.test'), 'Prénom', CONCAT('Nom', seq), 'active',"
        " 'import', seq MOD 7, seq * 10, '2024-01-01 00:00:00' FROM seq_1_to_%d"
        % (shop_id("exportbig"), BIG_CUSTOMERS))


# --- reading the files ------------------------------------------------------

def read_csv(data, excel, delimiter=None):
    """The rows of a CSV file: for Excel (a BOM, ';' in French) or plain."""
    text = data.decode("utf-8")
    if excel:
        assert text.startswith("\ufeff"), "no BOM"
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline=""),
                           delimiter=delimiter or (";" if excel else ",")))


def read_xlsx(data):
    """The first sheet's rows as a person opening it sees them
    (tests/lib/xlsx.py); fails on a cell holding a formula."""
    types = xlsx.cell_types(data)
    for row in types:
        assert "formula" not in row, "a formula in the workbook"
    return [["" if value is None else value for value in row] for row in xlsx.read_rows(data)]


def disposition_names(header):
    plain = re.search(r'filename="([^"]*)"', header).group(1)
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", header).group(1)
    return plain, urllib.parse.unquote(star)


# --- the cases ----------------------------------------------------------------

class Export(unittest.TestCase):
    host, owner = HOST_A, OWNER_A

    def setUp(self):
        self.browser = web.Browser(self.host)
        self.assertEqual(self.browser.sign_in(*self.owner).status, 303)

    def page(self, browser=None, **view):
        return (browser or self.browser).get("/admin/export?" + urllib.parse.urlencode(view))

    def download(self, columns=ALL_COLUMNS, format="csv", browser=None, view=None, extra=None,
                 raw=False):
        browser = browser or self.browser
        view = dict(view or {})
        page = browser.get("/admin/export?" + urllib.parse.urlencode(view))
        token = page.csrf() or browser.get("/admin/customers").csrf()
        form = dict(view, columns=columns, format=format, csrf=token)
        form.update(extra or {})
        if raw:
            return self.raw_post(browser, form)
        return browser.post("/admin/export/download", form)

    def raw_post(self, browser, form):
        """POSTs the download and returns (status, headers, body bytes)."""
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=60)
        body = urllib.parse.urlencode(form)
        connection.request("POST", "/admin/export/download", body=body, headers={
            "Host": browser.host, "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join("%s=%s" % kv for kv in browser.cookies.items())})
        answer = connection.getresponse()
        result = (answer.status, dict((k.lower(), v) for k, v in answer.getheaders()),
                  answer.read())
        connection.close()
        return result

    def list_emails(self, **view):
        """The e-mail addresses the customer list shows for the view, in its order."""
        page = self.browser.get("/admin/customers?" + urllib.parse.urlencode(dict(view, size="200")))
        self.assertEqual(page.status, 200)
        ids = re.findall(r'name="id" value="(\d+)"', page.body)
        emails = dict(sql("SELECT id, email FROM customer WHERE id IN (%s)" % ",".join(ids))) \
            if ids else {}
        return [emails[i] for i in ids]

    def log_count(self):
        return int(sql("SELECT COUNT(*) FROM export_log WHERE shop_id = %s"
                       % shop_id("exporta"))[0][0])


class SameAsTheList(Export):
    VIEW = {"status": "all", "orders_min": "1", "sort": "spent", "dir": "desc"}

    def test_the_three_formats_hold_the_lists_customers_in_its_order(self):
        expected = self.list_emails(**self.VIEW)
        self.assertEqual(len(expected), 6)
        for format in ("xlsx", "csv-excel", "csv"):
            with self.subTest(format=format):
                status, headers, body = self.download(format=format, view=self.VIEW, raw=True)
                self.assertEqual(status, 200, body[:300])
                rows = read_xlsx(body) if format == "xlsx" else read_csv(body, format == "csv-excel")
                self.assertEqual(rows[0], HEADERS_FR)
                self.assertEqual([r[2] for r in rows[1:]], expected)

    def test_another_order_and_a_search_give_the_lists_order(self):
        for view in ({"q": "exporta", "sort": "name", "dir": "asc"},
                     {"sort": "created", "dir": "desc"}, {"q": "é", "sort": "email"}):
            with self.subTest(view=view):
                status, _, body = self.download(columns="email", view=view, raw=True)
                self.assertEqual(status, 200)
                self.assertEqual([r[0] for r in read_csv(body, False)[1:]],
                                 self.list_emails(**view))

    def test_accents_money_and_dates_are_intact_in_each_format(self):
        view = {"q": "amelie"}
        status, _, body = self.download(format="xlsx", view=view, raw=True)
        row = dict(zip(HEADERS_FR, read_xlsx(body)[1]))
        self.assertEqual((row["Prénom"], row["Nom"], row["Adresse"]),
                         ("Amélie", "André", "12 rue de l'Église"))
        self.assertEqual(row["Total dépensé"], 1234.5)
        self.assertEqual(row["Panier moyen"], 411.5)
        self.assertEqual(row["Commandes"], 3)
        # stored in UTC the evening before: the shop's day in Paris
        self.assertEqual(row["Client depuis"], datetime.date(2024, 1, 1))
        self.assertEqual(row["Dernière commande"], datetime.date(2024, 7, 1))
        self.assertEqual((row["Statut"], row["Accepte le marketing"], row["Pays"]),
                         ("Actif", "Oui", "FR"))
        status, _, body = self.download(format="csv-excel", view=view, raw=True)
        row = dict(zip(HEADERS_FR, read_csv(body, True)[1]))
        self.assertEqual((row["Prénom"], row["Total dépensé"], row["Panier moyen"]),
                         ("Amélie", "1234,50", "411,50"))
        self.assertEqual((row["Client depuis"], row["Dernière commande"]),
                         ("01/01/2024", "01/07/2024"))
        status, _, body = self.download(format="csv", view=view, raw=True)
        row = dict(zip(HEADERS_FR, read_csv(body, False)[1]))
        self.assertEqual((row["Total dépensé"], row["Client depuis"]), ("1234.50", "2024-01-01"))

    def test_a_customer_without_orders_has_empty_average_and_last_order(self):
        status, _, body = self.download(format="csv", view={"q": "zoe", "status": "all"},
                                        raw=True)
        row = dict(zip(HEADERS_FR, read_csv(body, False)[1]))
        self.assertEqual((row["Commandes"], row["Total dépensé"], row["Panier moyen"],
                          row["Dernière commande"]), ("0", "0.00", "", ""))
        self.assertEqual((row["Statut"], row["Origine"], row["Exonéré de TVA"],
                          row["E-mails de service"], row["N° de TVA"]),
                         ("Invité", "Import", "Oui", "Non", "BE0123456789"))

    def test_inactive_and_erased_customers_are_left_out_as_the_list_does(self):
        status, _, body = self.download(columns="email", raw=True)
        emails = [r[0] for r in read_csv(body, False)[1:]]
        self.assertNotIn("dormant@exporta.test", emails)
        self.assertNotIn("", emails)
        self.assertEqual(emails, self.list_emails())
        status, _, body = self.download(columns="email", view={"status": "all"}, raw=True)
        emails = [r[0] for r in read_csv(body, False)[1:]]
        self.assertIn("dormant@exporta.test", emails)
        self.assertEqual(len(emails), int(sql(
            "SELECT COUNT(*) FROM customer WHERE shop_id = %s AND erased_at IS NULL"
            % shop_id("exporta"))[0][0]))

    def test_the_columns_come_in_the_order_chosen(self):
        status, _, body = self.download(columns="total_spent,email,first_name", format="csv",
                                        view={"q": "amelie"}, raw=True)
        self.assertEqual(read_csv(body, False), [["Total dépensé", "E-mail", "Prénom"],
                                                 ["1234.50", "amelie@exporta.test", "Amélie"]])

    def test_groups_and_tags_are_there_to_be_picked(self):
        """A shop moving out takes its groups and tags: each customer's
        names, in name order; another shop's never."""
        a, b = shop_id("exporta"), shop_id("exportb")
        amelie = sql("SELECT id FROM customer WHERE email = 'amelie@exporta.test'")[0][0]
        secret = sql("SELECT id FROM customer WHERE email = 'secret@exportb.test'")[0][0]
        sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Voisins'), (%s, 'Amap'),"
            " (%s, 'Autre boutique')" % (a, a, b))
        sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'fidèle'), (%s, 'bio')" % (a, a))
        self.addCleanup(sql, "DELETE FROM customer_group WHERE name IN ('Voisins', 'Amap',"
                             " 'Autre boutique'); DELETE FROM tag WHERE name IN ('fidèle', 'bio')")
        sql("INSERT INTO customer_group_member (shop_id, group_id, customer_id)"
            " SELECT shop_id, id, %s FROM customer_group WHERE shop_id = %s AND name IN"
            " ('Voisins', 'Amap')" % (amelie, a))
        # a row naming a customer of this shop from another shop's group
        sql("INSERT INTO customer_group_member (shop_id, group_id, customer_id)"
            " SELECT %s, id, %s FROM customer_group WHERE name = 'Autre boutique'" % (b, secret))
        sql("INSERT INTO customer_tag (shop_id, tag_id, customer_id)"
            " SELECT shop_id, id, %s FROM tag WHERE shop_id = %s" % (amelie, a))
        page = self.page()
        self.assertIn("Groupes", page.text())
        self.assertIn("Étiquettes", page.text())
        status, _, body = self.download(columns="email,groups,tags", format="csv",
                                        view={"q": "amelie"}, raw=True)
        self.assertEqual(read_csv(body, False), [["E-mail", "Groupes", "Étiquettes"],
                                                 ["amelie@exporta.test", "Amap, Voisins",
                                                  "bio, fidèle"]])
        status, _, body = self.download(columns="email,groups,tags", format="xlsx",
                                        view={"q": "zoe"}, raw=True)
        self.assertEqual(read_xlsx(body)[1][0], "zoe@exporta.test")
        self.assertEqual([cell for cell in read_xlsx(body)[1][1:] if cell], [])

    def test_an_english_shop_gets_english_headers_and_words(self):
        browser = web.Browser(HOST_B)
        browser.sign_in(*OWNER_B)
        status, _, body = self.download(columns="first_name,email,status,marketing,total_spent",
                                        format="csv-excel", browser=browser, raw=True)
        # a UK Excel's separator and decimal point
        self.assertEqual(read_csv(body, True, ","), [
            ["First name", "Email", "Status", "Accepts marketing", "Total spent"],
            ["Gwen", "secret@exportb.test", "Active", "No", "10.00"]])


class Formats(Export):
    def test_csv_for_excel_has_a_bom_semicolons_crlf_and_a_decimal_comma(self):
        status, headers, body = self.download(format="csv-excel", view={"q": "amelie"},
                                              columns="first_name,total_spent", raw=True)
        self.assertEqual(headers["content-type"], "text/csv; charset=utf-8")
        self.assertEqual(body, "\ufeffPrénom;Total dépensé\r\nAmélie;1234,50\r\n".encode())

    def test_plain_csv_is_rfc_4180(self):
        status, headers, body = self.download(format="csv", view={"q": "amelie"},
                                              columns="first_name,total_spent,signup_date",
                                              raw=True)
        self.assertEqual(body, "Prénom,Total dépensé,Client depuis\r\n"
                               "Amélie,1234.50,2024-01-01\r\n".encode())

    def test_xlsx_is_a_workbook(self):
        status, headers, body = self.download(format="xlsx", view={"q": "amelie"}, raw=True)
        self.assertEqual(headers["content-type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertTrue(body.startswith(b"PK"))
        self.assertIn("xl/worksheets/sheet1.xml", zipfile.ZipFile(io.BytesIO(body)).namelist())
        self.assertEqual(xlsx.sheet_names(body), ["Clients"])
        self.assertTrue(xlsx.header_is_bold_and_frozen(body))
        types = dict(zip(HEADERS_FR, xlsx.cell_types(body)[1]))
        self.assertEqual((types["Prénom"], types["Total dépensé"], types["Client depuis"],
                          types["Commandes"]), ("text", "number", "date", "number"))
        formats = dict(zip(HEADERS_FR, xlsx.number_formats(body)[1]))
        self.assertIn("€", formats["Total dépensé"])

    def test_the_file_is_named_after_the_shop_and_the_day(self):
        today = sql("SELECT UTC_DATE()")[0][0]
        for format, extension in (("xlsx", "xlsx"), ("csv-excel", "csv"), ("csv", "csv")):
            status, headers, body = self.download(format=format, columns="email", raw=True)
            plain, star = disposition_names(headers["content-disposition"])
            self.assertTrue(headers["content-disposition"].startswith("attachment;"))
            day = re.search(r"(\d{4}-\d\d-\d\d)", plain).group(1)
            # the shop's day (Paris), one day at most from UTC's
            self.assertLessEqual(abs((datetime.date.fromisoformat(day) -
                                      datetime.date.fromisoformat(today)).days), 1)
            self.assertEqual(plain, "exporta-clients-%s.%s" % (day, extension))
            self.assertEqual(star, "Épicerie d'Export-clients-%s.%s" % (day, extension))
            self.assertIn("filename*=UTF-8''%C3%89picerie%20d%27Export-clients-",
                          headers["content-disposition"])

    def test_an_empty_selection_is_a_file_with_only_the_header(self):
        for format in ("xlsx", "csv-excel", "csv"):
            with self.subTest(format=format):
                status, _, body = self.download(format=format, columns="first_name,email",
                                                view={"q": "personne-nulle-part"}, raw=True)
                self.assertEqual(status, 200)
                rows = read_xlsx(body) if format == "xlsx" else read_csv(body,
                                                                         format == "csv-excel")
                self.assertEqual(rows, [["Prénom", "E-mail"]])


class Safe(Export):
    def test_formulas_are_neutralised_in_csv_and_strings_in_xlsx(self):
        view = {"q": "formula"}
        columns = "first_name,last_name,company,city"
        for format in ("csv-excel", "csv"):
            status, _, body = self.download(format=format, view=view, columns=columns, raw=True)
            row = read_csv(body, format == "csv-excel")[1]
            self.assertEqual(row, ["'" + value for value in FORMULAS])
        status, _, body = self.download(format="xlsx", view=view, columns=columns, raw=True)
        self.assertEqual(read_xlsx(body)[1], list(FORMULAS))    # read_xlsx refuses <f>

    def test_hostile_names_come_back_whole(self):
        for format in ("xlsx", "csv-excel", "csv"):
            with self.subTest(format=format):
                status, _, body = self.download(format=format, view={"q": "hostile"},
                                                columns="first_name,last_name,email", raw=True)
                rows = read_xlsx(body) if format == "xlsx" else read_csv(body,
                                                                         format == "csv-excel")
                expected_first = HOSTILE_FIRST
                if format == "xlsx":
                    # a spreadsheet cell keeps the line break; XML reads CR LF as LF
                    expected_first = expected_first.replace("\r\n", "\n")
                    rows[1][0] = rows[1][0].replace("\r\n", "\n")
                self.assertEqual(rows[1], [expected_first, HOSTILE_LAST, "hostile@exporta.test"])


class Tenancy(Export):
    def test_another_shops_admin_never_gets_these_customers(self):
        browser = web.Browser(HOST_B)
        browser.sign_in(*OWNER_B)
        status, _, body = self.download(browser=browser, columns="email", format="csv",
                                        view={"status": "all"}, raw=True)
        self.assertEqual(status, 200)
        self.assertEqual([r[0] for r in read_csv(body, False)[1:]], ["secret@exportb.test"])

    def test_this_shops_session_on_another_shops_host_exports_nothing(self):
        token = self.browser.get("/admin/export").csrf()
        stranger = web.Browser(HOST_B)
        stranger.cookies = dict(self.browser.cookies)
        answer = stranger.post("/admin/export/download",
                               {"columns": "email", "format": "csv", "csrf": token})
        self.assertNotEqual(answer.status, 200)
        self.assertNotIn("exporta.test", answer.body)
        self.assertNotIn("secret@exportb.test", answer.body)

    def test_a_search_for_another_shops_customer_exports_only_the_header(self):
        for view in ({"q": "secret@exportb.test"}, {"q": "Betasecret", "status": "all"},
                     {"q": "exportb", "status": "all"}):
            for format in ("xlsx", "csv-excel", "csv"):
                with self.subTest(view=view, format=format):
                    status, _, body = self.download(columns="email,last_name", format=format,
                                                    view=view, raw=True)
                    self.assertEqual(status, 200)
                    rows = read_xlsx(body) if format == "xlsx" else read_csv(
                        body, format == "csv-excel")
                    self.assertEqual(rows, [["E-mail", "Nom"]])

    def test_another_shops_customer_id_is_refused_at_the_door(self):
        """No export form sends an id: the field is refused before the
        export runs, with a page that says the form could not be read."""
        other = sql("SELECT id FROM customer WHERE email = 'secret@exportb.test'")[0][0]
        before = self.log_count()
        status, _, body = self.download(columns="email", extra={"id": other}, raw=True)
        self.assertEqual(status, 400)
        self.assertIn("Le formulaire envoyé n&#39;a pas pu être lu", body.decode())
        self.assertNotIn(b"secret@exportb.test", body)
        self.assertNotIn(b"amelie@exporta.test", body)
        self.assertEqual(self.log_count(), before)


class StaffRight(Export):
    def setUp(self):
        super().setUp()
        sql("UPDATE shop SET staff_may_export = 0 WHERE slug = 'exporta'")
        self.staff = web.Browser(HOST_A)
        self.assertEqual(self.staff.sign_in(*STAFF_A).status, 303)

    def tearDown(self):
        sql("UPDATE shop SET staff_may_export = 0 WHERE slug = 'exporta'")

    def test_staff_without_the_right_see_no_button_and_get_403(self):
        self.assertNotIn('id="export-button"', self.staff.get("/admin/customers").body)
        self.assertIn('id="export-button"', self.browser.get("/admin/customers").body)
        page = self.staff.get("/admin/export")
        self.assertEqual(page.status, 403)
        self.assertIn("Un propriétaire peut le permettre aux employés", page.text())
        before = self.log_count()
        token = self.staff.get("/admin/customers").csrf()
        answer = self.staff.post("/admin/export/download",
                                 {"columns": "email", "format": "csv", "csrf": token})
        self.assertEqual(answer.status, 403)
        self.assertNotIn("amelie@exporta.test", answer.body)
        self.assertEqual(self.log_count(), before)

    def test_an_owner_allows_staff_in_the_settings(self):
        settings = self.browser.get("/admin/settings")
        self.assertIn('name="staff_may_export"', settings.body)
        self.assertNotIn('name="staff_may_export" value="1" checked', settings.body)
        form = {"name": "Épicerie d'Export", "language": "fr", "time_zone": "Europe/Paris",
                "staff_may_export": "1", "csrf": settings.csrf()}
        self.assertEqual(self.browser.post("/admin/settings", form).status, 303)
        self.assertEqual(sql("SELECT staff_may_export FROM shop WHERE slug = 'exporta'"),
                         [["1"]])
        self.assertIn('checked', re.search(r'<input[^>]*name="staff_may_export"[^>]*>',
                                           self.browser.get("/admin/settings").body).group(0))
        self.assertIn('id="export-button"', self.staff.get("/admin/customers").body)
        status, _, body = self.download(browser=self.staff, columns="email", raw=True)
        self.assertEqual(status, 200)
        self.assertIn(b"amelie@exporta.test", body)
        # staff do not read the log
        self.assertNotIn('id="export-history"', self.staff.get("/admin/export").body)
        # unticked: staff lose it again
        form = dict(form, csrf=self.browser.get("/admin/settings").csrf())
        del form["staff_may_export"]
        self.assertEqual(self.browser.post("/admin/settings", form).status, 303)
        self.assertEqual(sql("SELECT staff_may_export FROM shop WHERE slug = 'exporta'"),
                         [["0"]])
        self.assertEqual(self.staff.get("/admin/export").status, 403)

    def test_staff_may_not_change_the_setting(self):
        token = self.staff.get("/admin/customers").csrf()
        answer = self.staff.post("/admin/settings", {
            "name": "x", "language": "fr", "time_zone": "Europe/Paris",
            "staff_may_export": "1", "csrf": token})
        self.assertEqual(answer.status, 403)
        self.assertEqual(sql("SELECT staff_may_export FROM shop WHERE slug = 'exporta'"),
                         [["0"]])


class Audit(Export):
    def test_each_export_is_logged_and_listed_for_owners(self):
        view = {"q": "amelie", "status": "all", "sort": "spent", "dir": "desc"}
        status, _, body = self.download(format="csv-excel", view=view,
                                        columns="email,total_spent", raw=True)
        self.assertEqual(status, 200)
        row = sql("SELECT admin_id, query, columns, format, row_count, finished_at IS NOT NULL"
                  " FROM export_log WHERE shop_id = %s ORDER BY id DESC LIMIT 1"
                  % shop_id("exporta"))[0]
        self.assertEqual(row, [admin_id(OWNER_A[0]), "q=amelie&status=all&sort=spent&dir=desc",
                               "email,total_spent", "csv-excel", "1", "1"])
        page = self.browser.get("/admin/export")
        history = page.body[page.body.index('id="export-history"'):]
        first = history[:history.index("</li>")]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", first))
        self.assertIn("Odile Propriétaire", text)
        self.assertIn("CSV pour Excel", text)
        self.assertIn("1 client", text)
        self.assertIn("« amelie »", text)
        self.assertIn("E-mail, Total dépensé", text)
        self.assertIn("par total dépensé, décroissant", text)

    def test_an_export_that_never_finished_says_so(self):
        sql("INSERT INTO export_log (shop_id, admin_id, started_at, query, columns, format)"
            " VALUES (%s, %s, NOW(3) + INTERVAL 1 DAY, 'status=blocked&sort=name&dir=asc',"
            " 'email', 'xlsx')" % (shop_id("exporta"), admin_id(OWNER_A[0])))
        page = self.browser.get("/admin/export")
        history = page.body[page.body.index('id="export-history"'):]
        self.assertIn("non terminé", history[:history.index("</li>")])
        self.assertIn("Bloqués", history[:history.index("</li>")])
        sql("DELETE FROM export_log WHERE started_at > NOW(3)")


class OneAtATime(Export):
    def test_a_second_export_of_the_same_admin_gets_409_and_writes_nothing(self):
        # the lock of this installation's database, as the program names it
        lock = "fidele.fidele.export.%s" % admin_id(OWNER_A[0])
        holder = subprocess.Popen(
            ["mariadb", "--no-defaults", "--socket=" + web.STACK.db_socket, "-u", "root",
             "-N", "-B", "--unbuffered"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            holder.stdin.write("SELECT GET_LOCK('%s', 0);\n" % lock)
            holder.stdin.flush()
            self.assertEqual(holder.stdout.readline().strip(), "1")
            before = self.log_count()
            remembered = sql("SELECT export_columns, export_format FROM admin WHERE email = '%s'"
                             % OWNER_A[0])
            answer = self.download(columns="phone", format="xlsx")
            self.assertEqual(answer.status, 409)
            self.assertIn("Un de vos exports est déjà en cours", answer.text())
            self.assertEqual(self.log_count(), before)
            self.assertEqual(sql("SELECT export_columns, export_format FROM admin WHERE"
                                 " email = '%s'" % OWNER_A[0]), remembered)
            # another admin of the shop is not held up
            sql("UPDATE shop SET staff_may_export = 1 WHERE slug = 'exporta'")
            staff = web.Browser(HOST_A)
            staff.sign_in(*STAFF_A)
            self.assertEqual(self.download(browser=staff, columns="email").status, 200)
        finally:
            sql("UPDATE shop SET staff_may_export = 0 WHERE slug = 'exporta'")
            # let go before the client ends: the server frees a closed
            # session's locks a moment after the client has gone, and a CI
            # run's next export came in that moment (409)
            holder.stdin.write("SELECT RELEASE_LOCK('%s');\n" % lock)
            holder.stdin.flush()
            released = holder.stdout.readline().strip()
            holder.stdin.close()
            holder.wait(timeout=30)
        self.assertEqual(released, "1")
        self.assertEqual(self.download(columns="email").status, 200)


class BadInput(Export):
    def refused(self, answer, status, message):
        self.assertEqual(answer.status, status, answer.text()[:300])
        self.assertIn(message, answer.text())
        self.assertNotIn("amelie@exporta.test", answer.body)

    def test_bad_columns_and_formats_get_a_400_page_that_says_what_is_wrong(self):
        before = self.log_count()
        cases = (
            ({"columns": "email,notes"}, "Une des colonnes demandées n'existe pas"),
            ({"columns": "email,password_hash"}, "Une des colonnes demandées n'existe pas"),
            ({"columns": "segments"}, "Une des colonnes demandées n'existe pas"),
            ({"columns": "email,"}, "Une des colonnes demandées n'existe pas"),
            ({"columns": ""}, "Choisissez au moins une colonne"),
            ({"columns": "email,phone,email"}, "Une colonne est demandée deux fois"),
            ({"format": "pdf"}, "Choisissez un format de fichier proposé"),
            ({"format": ""}, "Choisissez un format de fichier proposé"),
        )
        for fields, message in cases:
            with self.subTest(fields=fields):
                form = {"columns": "email", "format": "csv"}
                form.update(fields)
                answer = self.download(columns=form["columns"], format=form["format"])
                self.refused(answer, 400, message)
        self.assertEqual(self.log_count(), before)

    def test_impossible_filter_values_get_the_lists_answer(self):
        before = self.log_count()
        for view in ({"orders_min": "abc"}, {"status": "everyone"}, {"from": "2024-13-45"},
                     {"spent_max": "-5"}, {"sort": "password"}, {"q": "%%%"}):
            with self.subTest(view=view):
                listed = self.browser.get("/admin/customers?" + urllib.parse.urlencode(view))
                page = self.page(**view)
                self.assertEqual(page.status, listed.status)
                self.assertEqual(page.status, 400)
                token = self.browser.get("/admin/export").csrf()
                answer = self.browser.post("/admin/export/download", dict(
                    view, columns="email", format="csv", csrf=token))
                self.assertEqual(answer.status, 400)
                self.assertNotIn("amelie@exporta.test", answer.body)
        self.assertEqual(self.log_count(), before)

    def test_the_export_page_refuses_a_hand_made_column_list(self):
        self.refused(self.page(columns="email,secret"), 400,
                     "Une des colonnes demandées n'existe pas")
        self.refused(self.page(format="docx"), 400, "Choisissez un format de fichier proposé")

    def test_a_download_without_its_token_is_refused(self):
        before = self.log_count()
        answer = self.browser.post("/admin/export/download", {"columns": "email", "format": "csv"})
        self.assertEqual(answer.status, 403)
        self.assertEqual(self.log_count(), before)

    def test_a_visitor_is_sent_to_sign_in(self):
        answer = web.Browser(HOST_A).get("/admin/export")
        self.assertEqual(answer.status, 303)
        self.assertIn("/admin/login", answer.header("Location"))


class ThePage(Export):
    def test_the_lists_button_carries_its_view_to_the_export_page(self):
        listed = self.browser.get("/admin/customers?q=exporta&status=all&sort=spent&dir=desc")
        link = re.search(r'id="export-button" href="([^"]+)"', listed.body).group(1)
        link = link.replace("&amp;", "&")
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlparse(link).query),
                         {"q": ["exporta"], "status": ["all"], "sort": ["spent"],
                          "dir": ["desc"]})
        page = self.browser.get(link)
        self.assertEqual(page.status, 200)
        self.assertEqual(tidy_problems(page.body), [])
        text = page.text()
        self.assertIn("Recherche : « exporta »", text)
        self.assertIn("Statut : Tous, inactifs compris", text)
        self.assertIn("Tri : par total dépensé, décroissant", text)
        count = len(self.list_emails(q="exporta", status="all"))
        self.assertIn("Le fichier contiendra %d clients." % count, text)
        # the download form carries the same view
        form = page.body[page.body.index('action="/admin/export/download"'):]
        for name, value in (("q", "exporta"), ("status", "all"), ("sort", "spent"),
                            ("dir", "desc")):
            self.assertIn('name="%s" value="%s"' % (name, value), form)

    def test_the_count_is_exact_past_the_lists_cap(self):
        browser = web.Browser(HOST_BIG)
        browser.sign_in(*OWNER_BIG)
        page = self.page(browser=browser)
        # text() writes the narrow no-break space between thousands as a space
        self.assertIn("Le fichier contiendra 100 000 clients.", page.text())
        page = self.page(browser=browser, orders_min="6")
        expected = len([n for n in range(1, BIG_CUSTOMERS + 1) if n % 7 >= 6])
        self.assertIn("Le fichier contiendra %s clients." % format(expected, ",").replace(
            ",", " "), page.text())

    def test_an_empty_view_says_the_file_will_hold_only_the_header(self):
        page = self.page(q="personne-nulle-part")
        self.assertIn("Aucun client ne correspond", page.text())

    def test_columns_are_moved_removed_and_added_with_links(self):
        page = self.page(columns="email,first_name,last_name", format="csv")
        self.assertIn('name="columns" value="email,first_name,last_name"', page.body)
        link = re.search(r'href="([^"]+)#columns"[^>]*aria-label="Monter\u00a0: Prénom"',
                         page.body).group(1).replace("&amp;", "&")
        page = self.browser.get(link)
        self.assertIn('name="columns" value="first_name,email,last_name"', page.body)
        link = re.search(r'href="([^"]+)#columns"[^>]*aria-label="Retirer\u00a0: E-mail"',
                         page.body).group(1).replace("&amp;", "&")
        page = self.browser.get(link)
        self.assertIn('name="columns" value="first_name,last_name"', page.body)
        link = re.search(r'href="([^"]+)#columns"[^>]*aria-label="Ajouter\u00a0: Ville"',
                         page.body).group(1).replace("&amp;", "&")
        page = self.browser.get(link)
        self.assertIn('name="columns" value="first_name,last_name,city"', page.body)
        self.assertRegex(page.body, r'value="csv" checked')
        self.assertIn("Les notes internes ne sont jamais exportées", page.text())

    def test_the_admins_columns_and_format_are_remembered(self):
        status, _, _ = self.download(columns="city,email", format="csv-excel", raw=True)
        self.assertEqual(status, 200)
        page = self.browser.get("/admin/export")
        self.assertIn('name="columns" value="city,email"', page.body)
        self.assertRegex(page.body, r'value="csv-excel" checked')
        # each admin their own: another owner, who never exported, has the default
        other = web.Browser(HOST_B)
        other.sign_in(*OTHER_B)
        page = other.get("/admin/export")
        self.assertIn('name="columns" value="first_name,last_name,email,phone,company,',
                      page.body)
        self.assertRegex(page.body, r'value="xlsx" checked')


def export_pids():
    return web.STACK.program_pids("export.fcgi")


class ClientGoesAway(Export):
    host, owner = HOST_BIG, OWNER_BIG

    def test_a_client_that_goes_away_frees_the_program_at_once(self):
        # the pool's two copies (nginx), the copies Apache started
        # (mod_fcgid); as plain CGI a copy lives as long as its request
        pooled = web.STACK.web_server != "cgi"
        if web.STACK.web_server == "apache":
            self.assertEqual(self.browser.get("/admin/export").status, 200)
        pids = export_pids()
        self.assertEqual(len(pids) if pooled else 0,
                         {"nginx": 2, "apache-proxy": 2}.get(web.STACK.web_server, len(pids)))
        self.assertTrue(pids or not pooled)
        token = self.browser.get("/admin/export").csrf()
        body = urllib.parse.urlencode({"columns": ALL_COLUMNS, "format": "csv",
                                       "csrf": token}).encode()
        request = (b"POST /admin/export/download HTTP/1.1\r\nHost: " + HOST_BIG.encode() +
                   b"\r\nCookie: " + "; ".join("%s=%s" % kv for kv in
                                               self.browser.cookies.items()).encode() +
                   b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                   str(len(body)).encode() + b"\r\n\r\n" + body)
        started = int(sql("SELECT COALESCE(MAX(id), 0) FROM export_log")[0][0])
        client = socket.create_connection(("127.0.0.1", web.STACK.port), timeout=30)
        client.sendall(request)
        first = client.recv(4096)
        self.assertTrue(first.startswith(b"HTTP/1.1 200"), first[:200])
        client.close()
        lock = "fidele.fidele.export.%s" % admin_id(OWNER_BIG[0])
        # the abandoned export let its lock go with its connection
        self.assertTrue(web.wait_until(
            lambda: sql("SELECT IS_FREE_LOCK('%s')" % lock) == [["1"]], 30))
        row = sql("SELECT finished_at IS NULL, row_count IS NULL FROM export_log"
                  " WHERE id > %d" % started)
        self.assertEqual(row, [["1", "1"]])
        # the next requests are answered, by the same processes
        for _ in range(4):
            self.assertEqual(self.browser.get("/admin/export").status, 200)
        status, _, small = self.download(columns="email", view={"spent_min": "1234",
                                                                "spent_max": "1234"}, raw=True)
        self.assertEqual((status, read_csv(small, False)), (200, [["E-mail"],
                                                                 ["c12340@big.test"]]))
        if web.STACK.web_server == "apache":
            # mod_fcgid may have started more: those it had are still there
            self.assertLessEqual(set(pids), set(export_pids()))
        else:
            self.assertEqual(export_pids(), pids)
        with open(os.path.join(web.STACK.log_dir, "export.log"), errors="replace") as f:
            log = f.read()
        self.assertNotIn("ended with status", log)
        # the rows left were not read and dropped: the stream's connection
        # was closed with them (and opened again for the next request; as
        # plain CGI the next request is another process)
        # Apache has the file made whole first (FIDELE_SPOOL_DOWNLOADS, see
        # apache-conf/): the client is found gone when it is sent
        if web.STACK.web_server == "nginx":
            stopped = log.rindex("the export stopped after")
            self.assertIn("db: reconnected", log[stopped:])
        else:
            self.assertIn("the export was not finished at the end of", log)


class NginxLocation(unittest.TestCase):
    def test_the_export_location_keeps_a_whole_file_and_waits_for_an_xlsx(self):
        with open(os.path.join(web.STACK.builddir, "nginx-conf", "fidele.conf")) as f:
            snippet = f.read()
        block = re.search(r"location \^~ /admin/export \{(.*?)\}", snippet, re.S).group(1)
        # past nginx's default of 1024m the program would wait for the client
        self.assertIn("fastcgi_max_temp_file_size 16384m;", block)
        self.assertIn("fastcgi_read_timeout 600s;", block)
        self.assertEqual(snippet.count("fastcgi_max_temp_file_size"), 1)
        # every other location keeps the server's 60 s
        self.assertRegex(snippet, r"(?m)^fastcgi_read_timeout 60s;")
        with open(os.path.join(web.STACK.srcdir, "nginx-conf", "fidele-fastcgi.conf")) as f:
            self.assertNotRegex(f.read(), r"(?m)^fastcgi_(read_timeout|buffering off)")
