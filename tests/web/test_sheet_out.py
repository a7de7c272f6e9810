"""The spreadsheet writer (fcgi/lib/sheet_out.c) read back as a person's
program would: the .xlsx through tests/lib/xlsx.py (zipfile + a strict XML
parser, as Excel refuses a file that is not well-formed), the CSV through
Python's csv module. The files come from tests/helpers/sheet-out-write;
the byte-level CSV checks are in tests/unit/test-sheet-out.c."""

import csv
import datetime
import io
import os
import subprocess
import tempfile
import unittest
import zipfile

import web
import xlsx


def written(format_name, language, case):
    """The bytes sheet-out-write makes for format, language and case."""
    program = os.path.join(web.STACK.builddir, "tests", "helpers", "sheet-out-write")
    if not os.path.exists(program):
        raise AssertionError("build the helper first: make tests/helpers/sheet-out-write")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "out")
        result = subprocess.run([program, format_name, language, case, path],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise AssertionError("sheet-out-write failed: %s" % result.stderr)
        if result.stdout.strip() != "left 0":
            raise AssertionError("files left in the build folder: %s" % result.stdout)
        with open(path, "rb") as f:
            return f.read()


CUSTOMERS = [
    ["Prénom", "Nom", "Téléphone", "Commandes", "Total dépensé", "Client depuis"],
    ["Élodie", "Martin", "+33 6 12 34 56 78", 3, 1234.56, datetime.date(2024, 12, 31)],
    ["=1+1", 'O\'Brien; "Jo", fils', "-", 0, -5, datetime.date(1999, 1, 1)],
    ["Zoë 😀", "\u200fسلام", "ligne 1\nligne 2\r\nligne 3", 12345678, 0.05],  # ends at its last cell
    ["@SUM(A1)", "  espaces  ", None, -7, 0, "31/12/1899"],
]


class Xlsx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fr = written("xlsx", "fr", "customers")
        cls.en = written("xlsx", "en", "customers")

    def test_the_cells_read_back_with_their_types(self):
        # accents, emoji, a right-to-left mark, line breaks (CR too),
        # spaces at both ends; a day before 1900 stays as text
        self.assertEqual(xlsx.read_rows(self.fr), CUSTOMERS)
        self.assertEqual(xlsx.cell_types(self.fr)[1],
                         ["text", "text", "text", "number", "number", "date"])

    def test_a_text_with_a_line_break_wraps(self):
        # else Excel shows "ligne 1ligne 2" on one line
        wrapped = xlsx.wrapped(self.fr)
        self.assertTrue(wrapped[3][2])
        self.assertEqual([row[2] for row in wrapped[1:]], [False, False, True, False])

    def test_a_formula_stays_text(self):
        types = xlsx.cell_types(self.fr)
        self.assertEqual(types[2][0], "text")
        self.assertEqual(types[4][0], "text")
        self.assertNotIn("formula", [t for row in types for t in row])
        sheet = zipfile.ZipFile(io.BytesIO(self.fr)).read("xl/worksheets/sheet1.xml")
        self.assertNotIn(b"<f>", sheet)
        # and text cells are not neutralised in an xlsx: no ' added
        self.assertEqual(xlsx.read_rows(self.fr)[1][2], "+33 6 12 34 56 78")

    def test_money_is_a_number_with_the_currency_format(self):
        formats = xlsx.number_formats(self.fr)
        self.assertEqual(formats[1][4], '#,##0.00\\ "€"')
        self.assertEqual(xlsx.number_formats(self.en)[1][4], '"€"#,##0.00')
        self.assertEqual([row[4] for row in xlsx.read_rows(self.fr)[1:]], [1234.56, -5, 0.05, 0])

    def test_dates_are_dates_shown_day_first(self):
        self.assertEqual(xlsx.number_formats(self.fr)[1][5], "dd/mm/yyyy")
        self.assertEqual(xlsx.number_formats(self.en)[1][5], "dd/mm/yyyy")
        self.assertEqual(xlsx.cell_types(self.en)[2][5], "date")

    def test_the_header_is_bold_and_frozen_and_columns_have_widths(self):
        self.assertTrue(xlsx.header_is_bold_and_frozen(self.fr))
        widths = xlsx.column_widths(self.fr)
        self.assertEqual(sorted(widths), [1, 2, 3, 4, 5, 6])
        self.assertGreater(widths[5], widths[1], "the longer header gets the wider column")
        self.assertEqual(xlsx.sheet_names(self.fr), ["Clients"])

    def test_a_header_alone_is_a_valid_file(self):
        data = written("xlsx", "fr", "header")
        self.assertEqual(xlsx.read_rows(data), [["Prénom", "Nom"]])
        self.assertTrue(xlsx.header_is_bold_and_frozen(data))

    def test_bytes_that_are_not_utf8_or_not_xml_give_a_valid_file(self):
        data = written("xlsx", "fr", "invalid")
        rows = xlsx.read_rows(data)   # strict XML: raises on a broken file
        self.assertEqual([row[0] for row in rows[:10]], [
            "Texte",
            b"ok\xff\xfe".decode("utf-8", "replace"),
            "\ufffd(",
            "a\x01b\x1fc\x0bd",          # control characters as Excel's _xHHHH_
            "_x0041_",                   # the text itself, not an escape of "A"
            "\ufffd",                    # U+FFFF is not an XML character
            "\ufffd\ufffd\ufffd",        # a surrogate is not UTF-8
            "x\ufffdy",                  # NUL
            "\ufffd\ufffd",              # overlong
            "a\rb",
        ])
        self.assertEqual(rows[10][0], "é" * 32767, "cut to what Excel keeps")


def csv_rows(data, delimiter):
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))


class Csv(unittest.TestCase):
    def test_plain_csv_reads_back_with_pythons_csv(self):
        data = written("csv", "fr", "customers")
        self.assertFalse(data.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(csv_rows(data, ","), [
            ["Prénom", "Nom", "Téléphone", "Commandes", "Total dépensé", "Client depuis"],
            ["Élodie", "Martin", "'+33 6 12 34 56 78", "3", "1234.56", "2024-12-31"],
            ["'=1+1", 'O\'Brien; "Jo", fils', "'-", "0", "-5.00", "1999-01-01"],
            ["Zoë 😀", "\u200fسلام", "ligne 1\nligne 2\r\nligne 3", "12345678", "0.05", ""],
            ["'@SUM(A1)", "  espaces  ", "", "-7", "0.00", "1899-12-31"],
        ])

    def test_csv_for_excel_in_french_reads_back_with_a_semicolon(self):
        data = written("csv-excel", "fr", "customers")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        rows = csv_rows(data[3:], ";")
        self.assertEqual(rows[1], ["Élodie", "Martin", "'+33 6 12 34 56 78", "3", "1234,56",
                                   "31/12/2024"])
        self.assertEqual(rows[2][1], 'O\'Brien; "Jo", fils')

    def test_csv_for_excel_in_english_reads_back_with_a_comma(self):
        data = written("csv-excel", "en", "customers")
        rows = csv_rows(data[3:], ",")
        self.assertEqual(rows[1], ["Élodie", "Martin", "'+33 6 12 34 56 78", "3", "1234.56",
                                   "31/12/2024"])
