"""Issue 16's list part clicked through in Chromium: the list filtered by a
group with its filter form, the view saved as a segment from the list,
the segments page, the segment reopened into the same list; the columns
chosen on a phone, shown without the page scrolling sideways. Each page
is saved as a PNG at 1280 and 390 pixels wide under the stack's folder
(shots/, or the folder FIDELE_SHOTS names) to look at."""

import os
import re

from browsing import BrowserTest, url
import segments_data as data
from segments_data import HOST_A, OWNER_A, STAFF_A


def setUpModule():
    data.load()


class SegmentsInTheBrowser(BrowserTest):
    shot_prefix = "segments-"
    look_accessible = True

    def setUp(self):
        super().setUp()
        self.shop = data.shop_id("segments")

    def rows(self, tab):
        return sorted(tab.evaluate(
            "[...document.querySelectorAll('table.list tbody tr')]"
            ".map(r => r.querySelector('td.name a').textContent.trim())"))

    def test_a_view_is_saved_and_reopened(self):
        data.sql("DELETE FROM segment WHERE shop_id = %s AND name = 'Adhérents bio'" % self.shop)
        group = data.group_id(self.shop, "Adhérents")
        tab = self.sign_in_admin(HOST_A, *OWNER_A)
        tab.click("details.filters summary")
        self.assertTrue(tab.evaluate("document.querySelector('details.filters').open"))
        tab.choose("select[name=group]", group)
        self.assertEqual(tab.click_and_wait("form.filter-form button[type=submit]"), 200)
        self.assertIn("group=%s" % group, tab.path())
        self.assertEqual(self.rows(tab), ["Abeille, Anne", "Blé, Bruno", "Châtaigne, Chloé"])
        self.look(tab, "list-group")

        tab.click("details.save-view summary")
        self.assertTrue(tab.evaluate("document.querySelector('details.save-view').open"))
        tab.fill("details.save-view input[name=name]", "Adhérents bio")
        self.assertEqual(tab.click_and_wait("details.save-view button[type=submit]"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/segments")
        self.assertIn("Segment enregistré.", tab.text())
        item = tab.evaluate("[...document.querySelectorAll('li.segment')]"
                            ".find(li => li.textContent.includes('Adhérents bio')).innerText")
        self.assertIn("3 clients", item)
        self.look(tab, "page")

        segment_id = data.sql("SELECT id FROM segment WHERE shop_id = %s AND name = 'Adhérents bio'"
                              % self.shop)[0][0]
        self.assertEqual(tab.click_and_wait("#segment-%s .segment-links a" % segment_id), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/customers")
        self.assertEqual(tab.evaluate("document.querySelector('select[name=group]').value"),
                         group)
        self.assertEqual(self.rows(tab), ["Abeille, Anne", "Blé, Bruno", "Châtaigne, Chloé"])

        # another admin of the shop sees it and opens it the same way
        staff = self.sign_in_admin(HOST_A, *STAFF_A)
        staff.goto(url(HOST_A, "/admin/segments"))
        self.assertEqual(staff.click_and_wait("#segment-%s .segment-links a" % segment_id), 200)
        self.assertEqual(self.rows(staff), ["Abeille, Anne", "Blé, Bruno", "Châtaigne, Chloé"])

    def test_columns_are_chosen_on_a_phone(self):
        data.sql("UPDATE admin SET list_columns = NULL WHERE email = '%s'" % OWNER_A[0])
        tab = self.sign_in_admin(HOST_A, *OWNER_A)
        tab.set_viewport(390, 844, mobile=True)
        tab.goto(url(HOST_A, "/admin/customers"))
        tab.click("details.columns-choice summary")
        self.assertTrue(tab.evaluate("document.querySelector('details.columns-choice').open"))
        for name in ("country", "groups", "tags", "tax_exempt", "marketing"):
            tab.click("input[name=col_%s]" % name)
        for name in ("orders", "spent", "last_order"):
            tab.click("input[name=col_%s]" % name)
        tab.screenshot(os.path.join(self.shots, "segments-columns-form-390.png"))
        self.assertEqual(tab.click_and_wait("details.columns-choice button.primary"), 200)
        self.assertIn("Colonnes de la liste enregistrées.", tab.text())
        self.assertEqual(data.sql("SELECT list_columns FROM admin WHERE email = '%s'"
                                  % OWNER_A[0])[0][0],
                         "email,phone,status,created,country,marketing,tax_exempt,groups,tags")
        # each customer is a card of labelled lines on the phone
        anne = tab.evaluate("[...document.querySelectorAll('table.list tbody tr')]"
                            ".find(r => r.textContent.includes('Abeille')).innerText")
        self.assertIn("Adhérents", anne)
        self.assertIn("marché du samedi", anne)
        self.assertIn("FR", anne)
        self.look(tab, "list-columns")
        data.sql("UPDATE admin SET list_columns = NULL WHERE email = '%s'" % OWNER_A[0])
