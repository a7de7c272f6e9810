"""An export clicked through in Chromium: the list filtered and sorted,
its "Exporter" button, the export page (a column taken out, another moved
up, the format chosen), the download as Chromium saves it, and the file
holding the list's customers in the list's order. The export page is
looked at 1280 and 390 pixels wide: it may not scroll sideways, and each
is saved as a PNG under the stack's folder (shots/, or the folder
FIDELE_SHOTS names) to look at."""

import csv
import io
import os
import re
import shutil
import tempfile
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF
import browsing
from browsing import BrowserTest, url
import web

VIEW = "status=all&sort=spent&dir=desc&size=200"


class ExportInTheBrowser(BrowserTest):
    shot_prefix = "export-"

    def setUp(self):
        super().setUp()
        self.downloads = tempfile.mkdtemp(dir=browsing.STACK.var)

    def tearDown(self):
        shutil.rmtree(self.downloads, ignore_errors=True)
        super().tearDown()

    def downloaded(self):
        """The file Chromium saved, once whole: while it downloads into a
        .crdownload file, Chromium keeps the final name as an empty file (a
        full run once read that placeholder)."""
        def done():
            names = os.listdir(self.downloads)
            if any(n.endswith(".crdownload") for n in names):
                return None
            whole = [n for n in names
                     if os.path.getsize(os.path.join(self.downloads, n)) > 0]
            return whole[0] if whole else None
        browsing.CHROMIUM.wait(done, "the download", timeout=60)
        return os.path.join(self.downloads, done())

    def list_emails(self):
        http = web.Browser(ALPHA_HOST, port=browsing.STACK.port)
        http.sign_in(*ALPHA_OWNER)
        page = http.get("/admin/customers?" + VIEW)
        # each row's e-mail cell (which may break before its @), empty for
        # a customer without one
        return [cell.replace("<wbr>", "") for cell in re.findall(
            r'<td class="name">.*?</td><td>([^<]*(?:<wbr>[^<]*)?)</td>', page.body)]

    def test_the_lists_view_is_exported_from_its_button(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers?" + VIEW)), 200)
        self.look(tab, "list")
        self.assertEqual(tab.click_and_wait("#export-button"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/export")
        self.assertIn("Tri\u00a0: par total dépensé, décroissant", tab.text())
        self.look(tab, "page")

        # the phone column out, the e-mail first: links, no script needed
        self.assertEqual(tab.click_and_wait("a[aria-label='Retirer\u00a0: Téléphone']"), 200)
        self.assertEqual(tab.click_and_wait("a[aria-label='Monter\u00a0: E-mail']"), 200)
        self.assertEqual(tab.click_and_wait("a[aria-label='Monter\u00a0: E-mail']"), 200)
        columns = tab.evaluate("document.querySelector('input[name=columns]').value")
        self.assertTrue(columns.startswith("email,first_name,last_name,company,"), columns)
        self.assertNotIn("phone", columns)
        self.look(tab, "columns")

        # the radio is clicked in the page (a mouse click at its place was
        # once lost in a full run, after the phone-width shot re-laid the
        # page out), and checked before the download
        tab.evaluate("document.querySelector(\"input[name=format][value='csv-excel']\").click()")
        self.assertTrue(tab.evaluate(
            "document.querySelector(\"input[name=format][value='csv-excel']\").checked"))
        info = browsing.CHROMIUM.send("Target.getTargetInfo", {"targetId": tab.target})
        browsing.CHROMIUM.send("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads,
            "browserContextId": info["targetInfo"]["browserContextId"]})
        tab.click("#export-download button[type=submit]")
        path = self.downloaded()
        self.assertRegex(os.path.basename(path), r"^Épicerie Alpha-clients-\d{4}-\d\d-\d\d\.csv$")
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
        self.assertEqual(rows[0][:3], ["E-mail", "Prénom", "Nom"])
        self.assertEqual([r[0] for r in rows[1:]], self.list_emails())
        # the page is still there, and remembers the choice next time
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/export")), 200)
        self.assertEqual(tab.evaluate("document.querySelector('input[name=columns]').value"),
                         columns)
        self.assertTrue(tab.evaluate(
            "document.querySelector('input[name=format][value=\"csv-excel\"]').checked"))
        self.look(tab, "history", at="#export-history")

    def test_an_owner_lets_staff_export_from_the_settings(self):
        staff = self.sign_in_admin(ALPHA_HOST, *ALPHA_STAFF)
        self.assertEqual(staff.evaluate("document.querySelector('#export-button') === null"), True)
        owner = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        try:
            self.assertEqual(owner.goto(url(ALPHA_HOST, "/admin/settings")), 200)
            self.assertFalse(owner.evaluate("document.querySelector('#staff_may_export').checked"))
            owner.click("#staff_may_export")
            self.look(owner, "settings", at="#staff_may_export")
            owner.click_and_wait("form button[type=submit].primary")
            self.assertEqual(owner.goto(url(ALPHA_HOST, "/admin/settings")), 200)
            self.assertTrue(owner.evaluate("document.querySelector('#staff_may_export').checked"))
            # the staff member's list now has the button, and it leads to the page
            self.assertEqual(staff.goto(url(ALPHA_HOST, "/admin/customers")), 200)
            self.assertEqual(staff.click_and_wait("#export-button"), 200)
            self.assertEqual(staff.evaluate("location.pathname"), "/admin/export")
            self.assertIn("Le fichier contiendra", staff.text())
        finally:
            browsing.STACK.sql("UPDATE shop SET staff_may_export = 0 WHERE slug = 'alpha'")
