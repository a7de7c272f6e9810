"""Groups clicked through in Chromium: an owner creates a group with a
discount and a CSS class, searches the list, ticks a row, chooses "every
customer that matches", sends them to "Groupes et étiquettes…", picks the
group, confirms the count, follows the job that gives it to them (its
page), and sees the group ticked on a customer's page,
where a tag is typed too (its name suggested by the page's datalist). The
pages are looked at 1280 and 390 pixels wide: none may scroll sideways,
and each is saved as a PNG under the stack's folder (shots/, or the folder
FIDELE_SHOTS names) to look at."""

import json
import os
import re

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url
import web

MEMBERS = ("groupe.un@alpha.test", "groupe.deux@alpha.test", "groupe.trois@alpha.test")


def setUpModule():
    browsing.STACK.sql("".join(
        "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT id, '%s', 'Client', 'Zgroupement', 'active', 'admin' FROM shop"
        " WHERE slug = 'alpha';" % email for email in MEMBERS))
    browsing.STACK.admin("search-reindex")


def tearDownModule():
    browsing.STACK.sql(
        "DELETE FROM customer_group WHERE name = 'Restaurateurs';"
        "DELETE FROM segment WHERE name = 'Restaurateurs à relancer';"
        "DELETE FROM tag WHERE name = 'Livraison mardi';"
        "DELETE FROM customer_search WHERE customer_id IN"
        " (SELECT id FROM customer WHERE last_name = 'Zgroupement');"
        "UPDATE customer SET erased_at = NOW(), email = NULL WHERE last_name = 'Zgroupement'")


def customer_id(email):
    return browsing.STACK.sql("SELECT id FROM customer WHERE email = '%s'" % email)[0][0]


class GroupsInTheBrowser(BrowserTest):
    def setUp(self):
        super().setUp()

    def look(self, tab, name, at=None):
        """Saves the page at 1280 and 390 wide (scrolled to the element the
        selector at names); fails if it scrolls sideways on the phone."""
        for width, height in (browsing.DESKTOP, browsing.PHONE):
            tab.set_viewport(width, height, mobile=width < 500)
            if at is not None:
                tab.evaluate("document.querySelector(%s).scrollIntoView()" % json.dumps(at))
            tab.screenshot(os.path.join(self.shots, "groups-%s-%d.png" % (name, width)))
            if width < 500:
                width_seen = tab.evaluate("Math.max(document.documentElement.scrollWidth,"
                                          " innerWidth)")
                wide = tab.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e =>"
                    " e.getBoundingClientRect().right > innerWidth).slice(0, 5)"
                    ".map(e => e.tagName + '.' + e.className + ' ' +"
                    " Math.round(e.getBoundingClientRect().right))")
                self.assertLessEqual(width_seen, width,
                                     "the %s page scrolls sideways on a phone: %s" % (name, wide))
        tab.set_viewport(*browsing.DESKTOP)

    def test_a_group_with_a_discount_and_a_class_given_in_bulk_from_a_search(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        # the group, from the navigation bar
        tab.click_and_wait("nav a[href='/admin/groups']")
        tab.fill("#name", "Restaurateurs")
        tab.fill("#description", "Les restaurants du quartier")
        tab.fill("#discount", "12,5")
        tab.fill("#css_class", "client-resto")
        self.assertEqual(tab.click_and_wait("form[action='/admin/groups'] button[type=submit]"), 200)
        self.assertEqual(tab.path(), "/admin/groups")
        self.assertIn("Groupe créé.", tab.text())
        self.assertIn("12,5 %", tab.text())
        self.assertIn("client-resto", tab.text())
        self.look(tab, "list")
        group = browsing.STACK.sql("SELECT id, discount_bp, css_class FROM customer_group"
                                   " WHERE name = 'Restaurateurs'")[0]
        self.assertEqual(group[1:], ["1250", "client-resto"])

        # the search, a row ticked, "every customer that matches"
        tab.goto(url(ALPHA_HOST, "/admin/customers"))
        tab.fill("#q", "zgroupement")
        tab.click_and_wait("form[role=search] button[type=submit]")
        tab.click("table.list tbody input[name=id]")
        tab.click("input[name=scope][value=all]")
        self.assertEqual(tab.click_and_wait("#bulk-groups"), 200)
        self.assertEqual(tab.path(), "/admin/groups/bulk")
        self.assertIn("3 clients choisis", tab.text())
        self.look(tab, "bulk-choose")
        tab.choose("#bulk-group", group[0])
        tab.click_and_wait("button[name=op][value=group_add]")
        self.assertIn("Ajouter au groupe «\u00a0Restaurateurs\u00a0»\u00a0: 3 clients\u00a0?", tab.text())
        self.look(tab, "bulk-confirm")
        self.assertEqual(browsing.STACK.sql("SELECT COUNT(*) FROM customer_group_member"
                                            " WHERE group_id = %s" % group[0]), [["0"]],
                         "nothing changes before confirming")
        # everything that matches: a job of the (stack's) worker, followed
        # on its page, which reloads itself until it is over
        self.assertEqual(tab.click_and_wait("form.actions button[type=submit]"), 200)
        self.assertRegex(tab.path(), r"^/admin/customers/jobs/\d+$")
        job = tab.path().rsplit("/", 1)[1]
        self.assertTrue(web.wait_until(lambda: browsing.STACK.sql(
            "SELECT state FROM job WHERE id = %s" % job) == [["done"]], 60))
        tab.goto(url(ALPHA_HOST, "/admin/customers/jobs/%s" % job))
        self.assertIn("Groupe « Restaurateurs » ajouté à 3 clients",
                      re.sub(r"[\u00a0\u202f]", " ", tab.text()))
        self.look(tab, "job")
        self.assertEqual(browsing.STACK.sql("SELECT COUNT(*) FROM customer_group_member"
                                            " WHERE group_id = %s" % group[0]), [["3"]])

        # on a customer's page: the group ticked, the change in the timeline
        member = customer_id(MEMBERS[0])
        tab.goto(url(ALPHA_HOST, "/admin/customers/%s" % member))
        self.assertTrue(tab.evaluate("document.querySelector("
                                     "\"#groups input[name=group][value='%s']\").checked" % group[0]))
        self.assertIn("Ajouté au groupe · Restaurateurs", tab.text())
        # a tag typed, then suggested on another customer's page
        tab.fill("#new-tag", "Livraison mardi")
        tab.click_and_wait("form[action='/admin/tags/customer/%s'] button[type=submit]" % member)
        self.assertIn("Livraison mardi", tab.evaluate("document.querySelector('ul.tags').textContent"))
        self.look(tab, "customer", at="#groups")
        tab.goto(url(ALPHA_HOST, "/admin/customers/%s" % customer_id(MEMBERS[1])))
        self.assertEqual(tab.evaluate("[...document.querySelectorAll('#tag-names option')]"
                                      ".map(o => o.value).includes('Livraison mardi')"), True)
        # the tags page
        tab.goto(url(ALPHA_HOST, "/admin/tags"))
        self.assertIn("Livraison mardi", tab.text())
        self.look(tab, "tags")
        # the group's own pages, and the new customer form with the groups
        tab.goto(url(ALPHA_HOST, "/admin/groups/%s" % group[0]))
        self.assertEqual(tab.evaluate("document.querySelector('#discount').value"), "12,5")
        self.look(tab, "edit")
        # its delete page, which names the saved segment that filters on it
        browsing.STACK.sql("INSERT INTO segment (shop_id, name, view_query) SELECT id,"
                           " 'Restaurateurs à relancer', 'group=%s' FROM shop WHERE slug = 'alpha'"
                           % group[0])
        tab.goto(url(ALPHA_HOST, "/admin/groups/%s/delete" % group[0]))
        self.assertIn("3 clients perdront ce groupe", tab.text())
        self.assertIn("Ces segments enregistrés filtrent sur ce groupe", tab.text())
        self.assertEqual(tab.evaluate("document.querySelector('#segments-using a').innerText"),
                         "Restaurateurs à relancer")
        self.look(tab, "delete")
        tab.goto(url(ALPHA_HOST, "/admin/customers/new"))
        self.look(tab, "new-customer", at=".group-choices")
