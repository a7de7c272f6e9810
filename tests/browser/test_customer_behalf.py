"""Creation on someone's behalf in Chromium (issue 15, point 5): the admin's
new customer form with its switch (a checkbox: no JavaScript needed; the
attestation shows once it is ticked), a person without an e-mail address
created on their behalf, and the customer's page saying whether the shop
may mail them and showing the ledger's entry. The form and the page are
looked at 1280 and 390 pixels wide: they may not scroll sideways, and each
is saved as a PNG under the stack's folder (shots/, or the folder
FIDELE_SHOTS names)."""


from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest


class BehalfInTheBrowser(BrowserTest):
    shot_prefix = "behalf-"

    def setUp(self):
        super().setUp()
        self.admin = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)

    def visible(self, tab, selector):
        return tab.evaluate("document.querySelector(%r).offsetParent !== null" % selector)

    def test_a_person_without_email_created_on_their_behalf(self):
        tab = self.admin
        tab.click_and_wait("a[href='/admin/customers/new']")
        self.assertFalse(self.visible(tab, "#how"), "the attestation shows before the switch")
        tab.click("#behalf")
        self.assertTrue(self.visible(tab, "#how"), "the switch does not show the attestation")
        tab.fill("#first_name", "Germaine")
        tab.fill("#last_name", "Zsansordinateur")
        tab.fill("#phone", "02 99 00 11 22")
        tab.fill("#how", "Formulaire papier signé le 3 mars 2026 au marché")
        self.look(tab, "form")
        # the box left unticked: refused, said, nothing created
        self.assertEqual(tab.click_and_wait(
            "form[action='/admin/customers/new'] button[type=submit]"), 400)
        self.assertIn("Cochez la case pour attester", tab.text())
        self.look(tab, "form-refused")
        # the 400 of the refusal is the one error the console has
        self.assertEqual(len(tab.take_errors()), 1)
        tab.click("input[name=attest]")
        self.assertEqual(tab.click_and_wait(
            "form[action='/admin/customers/new'] button[type=submit]"), 200)
        row = browsing.STACK.sql(
            "SELECT c.email IS NULL, k.purpose, k.source FROM customer c"
            " JOIN consent k ON k.customer_id = c.id WHERE c.last_name = 'Zsansordinateur'")
        self.assertEqual(row, [["1", "creation", "admin"]])
        self.assertIn("Pas d'adresse e-mail", tab.text())
        self.assertIn("Création du compte pour la personne", tab.text())
        self.assertIn("Sans adresse e-mail, il ne reçoit aucune invitation.", tab.text())
        tab.evaluate("document.querySelector('details.wording').open = true")
        self.look(tab, "customer")
        self.look(tab, "timeline", at="#events")
