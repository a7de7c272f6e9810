"""An import clicked through in Chromium: the button on the customer list,
a file chosen in the real file input (a Windows-1252 CSV with semicolons,
as Excel writes one on a French Windows), the mapping screen, the preview
the worker makes while the page reloads itself, the import, the report,
the customers found by the search with their accents, and the undo. Every
page is looked at 1280 and 390 pixels wide: none may scroll sideways, and
each is saved as a PNG under the stack's folder (shots/, or the folder
FIDELE_SHOTS names) to look at."""

import os
import re
import tempfile

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url

ROWS = [("zelie.navigateur@exemple.fr", "Zélie", "Navigateur", "Besançon"),
        ("noel.navigateur@exemple.fr", "Noël", "Navigateur", "Orléans"),
        ("agathe.navigateur@exemple.fr", "Agathe", "Navigateur", "Sète"),
        ("pas-une-adresse", "Jean", "Navigateur", "Paris"),
        ("zelie.navigateur@exemple.fr", "Zélie", "Navigateur", "Besançon")]


def excel_csv():
    text = "Courriel;Prénom;Nom;Ville\r\n" + "".join(";".join(r) + "\r\n" for r in ROWS)
    return text.encode("cp1252")


class ImportInTheBrowser(BrowserTest):
    shot_prefix = "import-"

    def wait_for_text(self, tab, text):
        """Waits while the page reloads itself until it shows text."""
        def shown():
            try:
                return text in tab.text()
            except Exception:   # between two loads
                return False
        browsing.CHROMIUM.wait(shown, "a page that says " + text, timeout=60)

    def upload(self, tab, content):
        """Chooses a file of content in the start page's real file input and
        sends it; returns the file's path (to unlink)."""
        with tempfile.NamedTemporaryFile(suffix=".csv", dir=browsing.STACK.var,
                                         delete=False) as f:
            f.write(content)
            path = f.name
        node = tab.send("Runtime.evaluate", {"expression": "document.querySelector('#import-file')"})
        tab.send("DOM.setFileInputFiles", {"files": [path], "objectId": node["result"]["objectId"]})
        self.assertEqual(tab.click_and_wait("form[action='/admin/import/upload'] button[type=submit]"),
                         200)
        return path

    def test_a_file_chosen_in_the_browser_is_mapped_previewed_imported_and_undone(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.click_and_wait("a[href='/admin/import']"), 200)
        self.look(tab, "start")

        path = self.upload(tab, excel_csv())
        self.assertRegex(tab.path(), r"^/admin/import/\d+$")
        number = tab.path().rsplit("/", 1)[1]
        self.assertIn("Windows-1252, séparateur point-virgule, 5 lignes", tab.text())
        self.assertIn("Zélie · Noël · Agathe", tab.text())
        self.assertEqual(tab.evaluate("document.querySelector('#map-c0').value"), "email")
        self.look(tab, "mapping")

        tab.click_and_wait("form.import-mapping button[type=submit]")
        self.wait_for_text(tab, "Rien n'a encore été enregistré")
        counts = tab.evaluate("document.querySelector('#preview-counts').innerText")
        self.assertIn("3\nnouveaux clients", counts)
        self.assertIn("1\nligne refusée", counts)
        self.assertIn("1\nligne en double dans le fichier", counts)
        self.assertIn("Ligne 5", tab.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT COUNT(*) FROM customer WHERE email LIKE '%.navigateur@exemple.fr'"), [["0"]])
        self.look(tab, "preview")

        tab.click_and_wait("form[action='/admin/import/%s/run'] button[type=submit]" % number)
        self.wait_for_text(tab, "Import terminé.")
        self.assertIn("3\nclients créés", tab.evaluate(
            "document.querySelector('#run-counts').innerText"))
        self.look(tab, "report")

        # the report's button lists the customers it created, and them alone
        tab.click_and_wait("#see-new")
        self.assertEqual(tab.path(), "/admin/customers?import=%s" % number)
        self.assertIn("Clients créés par l'import «\xa0", tab.text())
        shown = tab.evaluate("Array.from(document.querySelectorAll('table.list tbody tr'))"
                             ".map(r => r.querySelector('.sub').textContent).join(' ')")
        created = [r[0] for r in browsing.STACK.sql(
            "SELECT email FROM customer WHERE import_id = %s" % number)]
        self.assertEqual(len(created), 3)
        self.assertEqual(sorted(shown.split()), sorted(created))
        self.look(tab, "imported-customers")
        # a filter applied keeps the import
        tab.evaluate("document.querySelector('details.filters').open = true")
        tab.evaluate("document.querySelector('select[name=consent]').value = 'no'")
        tab.click_and_wait("form.filter-form button[type=submit]")
        self.assertIn("import=%s" % number, tab.evaluate("location.search"))
        self.assertIn("Clients créés par l'import «\xa0", tab.text())

        tab.goto(url(ALPHA_HOST, "/admin/customers?q=zelie+navigateur"))
        self.assertIn("Zélie", tab.text())
        tab.goto(url(ALPHA_HOST, "/admin/import/%s" % number))

        # the undo asks first, on a page of its own that deletes nothing
        tab.click_and_wait("#undo-link")
        self.assertEqual(tab.path(), "/admin/import/%s/undo" % number)
        self.assertIn("Cet import a créé 3 nouveaux clients", tab.text())
        self.look(tab, "undo-confirm")
        self.assertEqual(browsing.STACK.sql(
            "SELECT COUNT(*) FROM customer WHERE email LIKE '%.navigateur@exemple.fr'"
            " AND erased_at IS NULL"), [["3"]])
        # one of them edited since the import: kept, and the report leads to them
        browsing.STACK.sql(
            "INSERT INTO event (shop_id, customer_id, kind) SELECT shop_id, id,"
            " 'customer.updated' FROM customer WHERE email = 'noel.navigateur@exemple.fr'")
        tab.click_and_wait("form[action='/admin/import/%s/undo'] button[type=submit]" % number)
        self.wait_for_text(tab, "Import annulé.")
        counts = tab.evaluate("document.querySelector('#undo-counts').innerText")
        self.assertIn("2\nclients supprimés", counts)
        self.assertIn("1\nclient gardé", counts)
        self.look(tab, "undone")
        self.assertEqual(browsing.STACK.sql(
            "SELECT email FROM customer WHERE email LIKE '%.navigateur@exemple.fr'"
            " AND erased_at IS NULL"), [["noel.navigateur@exemple.fr"]])
        tab.click_and_wait("#see-kept")
        self.assertEqual(tab.path(), "/admin/customers?import=%s" % number)
        self.assertEqual(tab.evaluate(
            "Array.from(document.querySelectorAll('table.list tbody tr'))"
            ".map(r => r.querySelector('.sub').textContent).join(' ')"),
            "noel.navigateur@exemple.fr")
        # the shop as the next walks expect it
        browsing.STACK.sql("UPDATE customer SET erased_at = NOW()"
                           " WHERE email = 'noel.navigateur@exemple.fr'")
        tab.goto(url(ALPHA_HOST, "/admin/import"))
        self.assertTrue(re.search(r"Annulé", tab.text()))
        os.unlink(path)

    def test_a_consent_column_is_taken_once_the_attestation_is_ticked(self):
        """A "Newsletter" column says who accepted the shop's e-mails: the
        mapping asks the admin to attest it, then previews."""
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.goto(url(ALPHA_HOST, "/admin/import"))
        text = "Courriel;Prénom;Newsletter\r\nnina.lettre@exemple.fr;Nina;oui\r\n"
        path = self.upload(tab, text.encode("cp1252"))
        self.assertEqual(tab.evaluate("document.querySelector('#map-c2').value"), "marketing")
        self.assertEqual(tab.click_and_wait("form.import-mapping button[type=submit]"), 422)
        self.assertIn("Une colonne du fichier dit qui accepte les e-mails marketing", tab.text())
        tab.take_errors()    # the refused form's 422
        self.assertEqual(tab.evaluate("document.querySelector('#map-c2').value"), "marketing")
        tab.click("input[name=attest]")
        tab.click_and_wait("form.import-mapping button[type=submit]")
        self.wait_for_text(tab, "Rien n'a encore été enregistré")
        self.assertIn("1\nnouveau client", tab.evaluate(
            "document.querySelector('#preview-counts').innerText"))
        os.unlink(path)

    def test_a_field_chosen_for_two_columns_is_named_and_its_columns_marked(self):
        """Two columns both read as "Prénom": the screen names the field
        and marks both selects, and choosing "Ne pas importer" for one
        lets the preview start."""
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.goto(url(ALPHA_HOST, "/admin/import"))
        text = "Courriel;Prénom;Surnom\r\nodile.double@exemple.fr;Odile;Odi\r\n"
        path = self.upload(tab, text.encode("cp1252"))
        tab.choose("#map-c2", "first_name")
        self.assertEqual(tab.click_and_wait("form.import-mapping button[type=submit]"), 422)
        tab.take_errors()    # the refused form's 422
        self.assertIn("Le champ «\u00a0Prénom\u00a0» est choisi pour plusieurs colonnes",
                      tab.text())
        self.assertEqual(tab.evaluate(
            "[...document.querySelectorAll('select[aria-invalid=true]')].map(s => s.id).join()"),
            "map-c1,map-c2")
        self.look(tab, "mapping-twice")
        tab.choose("#map-c2", "ignore")
        tab.click_and_wait("form.import-mapping button[type=submit]")
        self.wait_for_text(tab, "Rien n'a encore été enregistré")
        os.unlink(path)
