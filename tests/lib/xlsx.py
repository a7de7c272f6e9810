"""A small .xlsx reader for the tests, Python's standard library only
(zipfile + xml.etree): what a person opening the file would see in its
first sheet. Every function takes the file's bytes.

    read_rows(data)          -> list of rows, each a list of values:
                                str (text), int or float (numbers),
                                datetime.date (a number with a date format),
                                bool, None (no cell); a row is as long as
                                its last cell, a missing row is []
    cell_types(data)         -> the same shape, each "text", "number",
                                "date", "bool", "error" or None; a cell
                                holding a formula is "formula"
    number_formats(data)     -> the same shape, each cell's number format
                                code ("General", '#,##0.00\\ "€"', ...)
    wrapped(data)            -> the same shape, True where the cell's text
                                wraps (a line break then shows)
    header_is_bold_and_frozen(data) -> row 1's cells all bold and the
                                sheet frozen below row 1
    column_widths(data)      -> {column number from 1: width}
    sheet_names(data)        -> the sheets' names, in order

The XML is parsed strictly (expat): a file that is not well-formed raises
xml.etree.ElementTree.ParseError, as Excel would refuse it.
"""

import datetime
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Excel's built-in number formats that show dates (ECMA-376 18.8.30)
BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
                   9: "0%", 10: "0.00%", 14: "mm-dd-yy", 49: "@"}
ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text):
    """Excel's _xHHHH_ escapes decoded (_x005F_ is the underscore)."""
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _text(element):
    """The text of a <si> or <is>: its <t>, or its rich-text runs' <t>
    joined (phonetic runs left out)."""
    t = element.find(MAIN + "t")
    if t is not None:
        return _unescape(t.text or "")
    return _unescape("".join(run.findtext(MAIN + "t") or "" for run in element.findall(MAIN + "r")))


def _column(ref):
    """'C12' -> 3."""
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - ord("A") + 1
    return number


def _is_date_format(code):
    """A custom format code that shows a date: d, m or y outside quotes,
    brackets and escapes, and no digit placeholder."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0])
    return bool(re.search(r"[dmy]", code, re.I)) and not re.search(r"[0#?]", code)


class _Book:
    def __init__(self, data):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        workbook = ET.fromstring(self.zip.read("xl/workbook.xml"))
        rels = ET.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(PACKAGE_REL + "Relationship")}
        self.sheets = []
        for sheet in workbook.iter(MAIN + "sheet"):
            target = targets[sheet.get(REL + "id")]
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            self.sheets.append((sheet.get("name"), path))
        self.shared = []
        if "xl/sharedStrings.xml" in self.zip.namelist():
            strings = ET.fromstring(self.zip.read("xl/sharedStrings.xml"))
            self.shared = [_text(si) for si in strings.iter(MAIN + "si")]
        self.formats, self.bold, self.wrap = [], [], []
        if "xl/styles.xml" in self.zip.namelist():
            self._styles(ET.fromstring(self.zip.read("xl/styles.xml")))
        self.sheet = ET.fromstring(self.zip.read(self.sheets[0][1]))

    def _styles(self, styles):
        codes = dict(BUILTIN_FORMATS)
        for fmt in styles.iter(MAIN + "numFmt"):
            codes[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
        fonts = styles.find(MAIN + "fonts")
        bold_fonts = []
        for font in (fonts if fonts is not None else []):
            b = font.find(MAIN + "b")
            bold_fonts.append(b is not None and b.get("val", "1") not in ("0", "false"))
        xfs = styles.find(MAIN + "cellXfs")
        for xf in (xfs if xfs is not None else []):
            number = int(xf.get("numFmtId", "0"))
            code = codes.get(number, "General")
            is_date = number in BUILTIN_DATES or (number >= 164 and _is_date_format(code))
            self.formats.append((code, is_date))
            font = int(xf.get("fontId", "0"))
            self.bold.append(font < len(bold_fonts) and bold_fonts[font])
            alignment = xf.find(MAIN + "alignment")
            self.wrap.append(alignment is not None and
                             alignment.get("wrapText", "0") in ("1", "true"))

    def cells(self):
        """Rows of (value, type, format code) by position."""
        rows = []
        for row in self.sheet.iter(MAIN + "row"):
            number = int(row.get("r", len(rows) + 1))
            while len(rows) < number - 1:
                rows.append([])
            cells = []
            for c in row.findall(MAIN + "c"):
                column = _column(c.get("r")) if c.get("r") else len(cells) + 1
                while len(cells) < column - 1:
                    cells.append((None, None, None, False, False))
                cells.append(self._cell(c))
            rows.append(cells)
        return rows

    def _cell(self, c):
        style = int(c.get("s", "0"))
        code, is_date = self.formats[style] if style < len(self.formats) else ("General", False)
        bold = style < len(self.bold) and self.bold[style]
        cell = self._value(c, code, is_date)
        return cell + (bold, style < len(self.wrap) and self.wrap[style])

    def _value(self, c, code, is_date):
        kind = c.get("t", "n")
        v = c.find(MAIN + "v")
        if c.find(MAIN + "f") is not None:
            return (v.text if v is not None else None, "formula", code)
        if kind == "inlineStr":
            return (_text(c.find(MAIN + "is")), "text", code)
        if v is None:
            return (None, None, code)
        if kind == "s":
            return (self.shared[int(v.text)], "text", code)
        if kind == "str":
            return (_unescape(v.text or ""), "text", code)
        if kind == "b":
            return (v.text == "1", "bool", code)
        if kind == "e":
            return (v.text, "error", code)
        number = float(v.text)
        if is_date:
            # the 1900 system: serial 60 is Excel's 29/02/1900 that never was
            days = int(number) - (1 if number > 60 else 0)
            return (datetime.date(1899, 12, 31) + datetime.timedelta(days=days), "date",
                    code)
        return (int(number) if number.is_integer() else number, "number", code)


def read_rows(data):
    return [[cell[0] for cell in row] for row in _Book(data).cells()]


def cell_types(data):
    return [[cell[1] for cell in row] for row in _Book(data).cells()]


def number_formats(data):
    return [[cell[2] for cell in row] for row in _Book(data).cells()]


def wrapped(data):
    return [[cell[4] for cell in row] for row in _Book(data).cells()]


def header_is_bold_and_frozen(data):
    book = _Book(data)
    rows = book.cells()
    bold = bool(rows) and bool(rows[0]) and all(cell[3] for cell in rows[0])
    pane = book.sheet.find("%ssheetViews/%ssheetView/%spane" % (MAIN, MAIN, MAIN))
    frozen = (pane is not None and pane.get("state") in ("frozen", "frozenSplit")
              and pane.get("ySplit") == "1")
    return bold and frozen


def column_widths(data):
    widths = {}
    for col in _Book(data).sheet.iter(MAIN + "col"):
        for number in range(int(col.get("min")), int(col.get("max")) + 1):
            widths[number] = float(col.get("width"))
    return widths


def sheet_names(data):
    return [name for name, _ in _Book(data).sheets]
