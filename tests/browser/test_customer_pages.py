"""The admin's customer pages in Chromium: a new customer through the form,
the search, a bulk action with its confirmation, and the list and a
customer's page on a phone-sized screen, which must not scroll sideways."""

import os
import time

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, url

LONG_EMAIL = ("marie-charlotte.de-la-tour-dauvergne.sans-espace-aucune@"
              "une-tres-longue-adresse-de-messagerie-associative.example.fr")
BULK_CUSTOMERS = ("bulk.one@alpha.test", "bulk.two@alpha.test")
JOB_CUSTOMERS = ("job.one@alpha.test", "job.two@alpha.test", "job.three@alpha.test")
ERASED_CUSTOMERS = tuple("efface.%d@alpha.test" % i for i in range(11))
INACTIVE_CUSTOMER = "zailleurs@alpha.test"
MESSAGED_CUSTOMER = "zmessage@alpha.test"


def setUpModule():
    # two more Élodies whose addresses sort the other way round from their names
    rows = [(LONG_EMAIL, "Marie-Charlotte", "Zlongaddress"),
            ("zz.elodie@alpha.test", "Élodie", "Aabord"), ("aa.elodie@alpha.test", "Élodie", "Zzbout")] + \
        [(email, "Client", "Zbulkaction") for email in BULK_CUSTOMERS] + \
        [(email, "Client", "Zbulkjob") for email in JOB_CUSTOMERS] + \
        [(email, "Client", "Zeffacement") for email in ERASED_CUSTOMERS] + \
        [(INACTIVE_CUSTOMER, "Inès", "Zailleurs"), (MESSAGED_CUSTOMER, "Mona", "Zmessage")]
    browsing.STACK.sql("".join(
        "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT id, '%s', '%s', '%s', 'active', 'admin' FROM shop WHERE slug = 'alpha';" % row
        for row in rows))
    browsing.STACK.sql("UPDATE customer SET status = 'inactive' WHERE email = '%s'"
                       % INACTIVE_CUSTOMER)
    browsing.STACK.admin("search-reindex")


def customer_id(email):
    return browsing.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                              " WHERE s.slug = 'alpha' AND c.email = '%s'" % email)[0][0]


def listed_names(tab):
    return tab.evaluate("[...document.querySelectorAll('table.list tbody td.name a')]"
                        ".map(a => a.textContent.trim())")


class CustomerPages(BrowserTest):
    look_accessible = True

    def setUp(self):
        super().setUp()
        self.admin = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)

    def search(self, words):
        self.admin.fill("#q", words)
        self.assertEqual(self.admin.click_and_wait("form[role=search] button[type=submit]"), 200)

    def test_new_customer_through_the_form(self):
        tab = self.admin
        tab.click_and_wait("a[href='/admin/customers/new']")
        tab.fill("#email", "Nouvelle.Cliente@alpha.test")
        tab.fill("#first_name", "Noémie")
        tab.fill("#last_name", "Formulaire")
        tab.fill("#phone", "06 12 34 56 78")
        tab.choose("#country", "FR")
        self.assertEqual(tab.click_and_wait("form[action='/admin/customers/new'] button[type=submit]"), 200)
        self.assertEqual(tab.evaluate("location.pathname"),
                         "/admin/customers/" + customer_id("nouvelle.cliente@alpha.test"))
        self.assertIn("Formulaire", tab.text())
        self.assertIn("nouvelle.cliente@alpha.test", tab.text())
        row = browsing.STACK.sql("SELECT first_name, source FROM customer"
                                 " WHERE email = 'nouvelle.cliente@alpha.test'")
        self.assertEqual(row, [["Noémie", "admin"]])

    def test_search_elodie_shows_every_elodie_of_the_shop_and_no_one_else(self):
        expected = browsing.STACK.sql(
            "SELECT CONCAT(c.last_name, ', ', c.first_name) FROM customer c"
            "  JOIN shop s ON s.id = c.shop_id"
            " WHERE s.slug = 'alpha' AND c.status <> 'inactive' AND c.erased_at IS NULL"
            "   AND (c.first_name = 'elodie' OR c.last_name = 'elodie' OR c.email LIKE 'elodie%')")
        expected = sorted(row[0] for row in expected)
        self.assertGreater(len(expected), 1)
        self.assertLessEqual(len(expected), 50, "the test expects one page of results")
        self.search("elodie")
        names = listed_names(self.admin)
        self.assertEqual(sorted(names), expected)
        self.assertNotIn("Betasecret", self.admin.text())
        self.assertEqual(self.admin.evaluate("document.querySelector('#q').value"), "elodie")

    def test_a_search_sorted_by_email_both_ways_by_its_column_header(self):
        def elodies(order):
            return [row[0] for row in browsing.STACK.sql(
                "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                " WHERE s.slug = 'alpha' AND c.status <> 'inactive' AND c.erased_at IS NULL"
                "   AND (c.first_name = 'elodie' OR c.last_name = 'elodie'"
                "        OR c.email LIKE 'elodie%') ORDER BY " + order)]
        expected = elodies("c.email, c.id")
        self.assertGreater(len(expected), 1)
        self.assertNotEqual(expected, elodies("c.name_key, c.id"), "the orders must differ")
        self.search("elodie")
        shown = "[...document.querySelectorAll('table.list tbody input[name=id]')].map(i => i.value)"
        self.assertEqual(self.admin.click_and_wait("th a[href*='sort=email']"), 200)
        self.assertEqual(self.admin.evaluate(shown), expected)
        self.assertEqual(self.admin.click_and_wait("th[aria-sort=ascending] a"), 200)
        self.assertEqual(self.admin.evaluate(shown), expected[::-1])
        self.assertEqual(self.admin.evaluate("document.querySelector('#q').value"), "elodie")

    def test_bulk_action_on_ticked_customers_after_a_confirmation(self):
        tab = self.admin
        self.search("zbulkaction")
        self.assertEqual(len(listed_names(tab)), 2)
        for email in BULK_CUSTOMERS:
            tab.click("input[name=id][value='%s']" % customer_id(email))
        tab.choose("#bulk-action", "deactivate")
        tab.click_and_wait("form.bulk-form .bulk-bar button[type=submit]")
        self.assertIn("2", tab.text())
        statuses = browsing.STACK.sql("SELECT status FROM customer WHERE email IN ('%s', '%s')"
                                      % BULK_CUSTOMERS)
        self.assertEqual(statuses, [["active"], ["active"]], "nothing changes before confirming")
        tab.click_and_wait("form.actions button[type=submit]")
        self.assertEqual(tab.status, 200, tab.text())
        statuses = browsing.STACK.sql("SELECT status FROM customer WHERE email IN ('%s', '%s')"
                                      % BULK_CUSTOMERS)
        self.assertEqual(statuses, [["inactive"], ["inactive"]])

    def test_bulk_action_on_everything_matching_ends_on_its_job_page(self):
        """confirmed, the action is queued: the job page shows it, and once
        the worker ran it, what it did"""
        tab = self.admin
        self.search("zbulkjob")
        self.assertEqual(len(listed_names(tab)), 3)
        # the bar shows once a row is ticked; then "all of the list"
        tab.click("table.list tbody input[name=id]")
        tab.click("input[name=scope][value=all]")
        tab.choose("#bulk-action", "deactivate")
        tab.click_and_wait("form.bulk-form .bulk-bar button[type=submit]")
        self.assertIn("Marquer inactifs 3 clients\u00a0?", tab.text())
        self.assertIn("Le nombre peut varier légèrement", tab.text())
        self.assertEqual(tab.click_and_wait("form.actions button[type=submit]"), 200)
        self.assertRegex(tab.path(), r"^/admin/customers/jobs/\d+$")
        self.assertIn("Action groupée\u00a0: Marquer inactifs", tab.text())
        job_id = tab.path().rsplit("/", 1)[1]
        emails = "', '".join(JOB_CUSTOMERS)
        # the stack's worker runs it; the page reloads itself meanwhile
        deadline = time.time() + 60
        while (browsing.STACK.sql("SELECT state FROM job WHERE id = %s" % job_id) != [["done"]]
               and time.time() < deadline):
            time.sleep(0.2)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers/jobs/" + job_id)), 200)
        self.assertIn("Terminée", tab.text())
        self.assertIn("Marqués inactifs\u00a0: 3 clients", tab.text())
        self.assertEqual(browsing.STACK.sql("SELECT DISTINCT status FROM customer WHERE email IN ('%s')"
                                            % emails), [["inactive"]])
        # back to the list as it was
        tab.click_and_wait("a.button.primary")
        self.assertEqual(tab.path(), "/admin/customers?q=zbulkjob&status=current&")
        self.assertNotIn("Une action groupée est en cours", tab.text())
        # later, from the list: the shop's bulk actions, this one first, to its page
        tab.click_and_wait("a.list-tools-link")
        self.assertEqual(tab.path(), "/admin/customers/jobs")
        first = tab.evaluate("[...document.querySelectorAll('table.jobs tbody tr')[0].cells]"
                             ".map(c => c.innerText.trim())")
        self.assertEqual(first[1:4], ["Marquer inactifs", "3 sur 3", "Terminée"])
        tab.click_and_wait("table.jobs tbody tr a")
        self.assertEqual(tab.path(), "/admin/customers/jobs/" + job_id)

    def test_erasing_more_than_ten_asks_for_their_number(self):
        tab = self.admin
        self.search("zeffacement")
        # a row ticked far down the page: the bar is in view, with the count
        for width, height in (browsing.PHONE, browsing.DESKTOP):
            tab.set_viewport(width, height, mobile=width < 600)
            tab.evaluate("document.querySelector('table.list tbody tr:last-child')"
                         ".scrollIntoView({block: 'end'})")
            tab.click("table.list tbody tr:last-child input[name=id]")
            top = tab.evaluate("document.getElementById('bulk-bar').getBoundingClientRect().top")
            self.assertTrue(0 <= top < height / 2, "the bar is out of view at %d px: %s"
                            % (width, top))
            self.assertEqual(tab.evaluate("document.getElementById('bulk-count').textContent"),
                             "1 client coché")
            tab.screenshot(os.path.join(self.shots, "bulk-ticked-deep-%d.png" % width))
            tab.click("table.list tbody tr:last-child input[name=id]")
            self.assertTrue(tab.evaluate("document.getElementById('bulk-bar').hidden"))
        tab.evaluate("scrollTo(0, 0)")
        tab.click("table.list tbody input[name=id]")
        tab.click("input[name=scope][value=all]")
        # no action chosen: the browser asks for one, the ticks stay
        tab.click("form.bulk-form .bulk-bar button[type=submit]")
        time.sleep(0.5)
        self.assertEqual(tab.path(), "/admin/customers?q=zeffacement")
        self.assertTrue(tab.evaluate("document.querySelector('table.list tbody input[name=id]')"
                                     ".checked"))
        tab.choose("#bulk-action", "delete")
        self.assertEqual(tab.click_and_wait("form.bulk-form .bulk-bar button[type=submit]"), 200)
        self.assertIn("tapez le nombre de clients à supprimer (11)", tab.text())
        self.look(tab, "bulk-erase")
        # the field is required: the button alone sends nothing
        tab.click("form.actions button[type=submit]")
        time.sleep(0.5)
        self.assertEqual(tab.path(), "/admin/customers/bulk")
        self.assertEqual(browsing.STACK.sql("SELECT COUNT(*) FROM customer WHERE email LIKE"
                                            " 'efface.%%' AND erased_at IS NULL"), [["11"]])
        tab.fill("#bulk-typed", "10")
        self.assertEqual(tab.click_and_wait("form.actions button[type=submit]"), 400)
        self.assertIn("Le nombre tapé n'est pas celui des clients à supprimer", tab.text())
        tab.take_errors()    # the refused form's 400
        tab.fill("#bulk-typed", "11")
        self.assertEqual(tab.click_and_wait("form.actions button[type=submit]"), 200)
        self.assertRegex(tab.path(), r"^/admin/customers/jobs/\d+$")

    def test_back_then_send_again_asks_before_the_same_message_goes_twice(self):
        tab = self.admin
        customer = customer_id(MESSAGED_CUSTOMER)
        page = url(ALPHA_HOST, "/admin/customers/%s" % customer)

        def messages():
            return browsing.STACK.sql("SELECT COUNT(*) FROM outbox WHERE customer_id = %s"
                                      " AND kind = 'customer-message'" % customer)[0][0]

        self.assertEqual(tab.goto(page), 200)
        tab.fill("#subject", "Votre panier du samedi")
        tab.fill("#text", "Il vous attend au marché.")
        self.assertEqual(tab.click_and_wait("form.message-form button[type=submit]"), 200)
        self.assertEqual(messages(), "1")
        # the browser's Back: the page is fetched again (no-store), with
        # what was typed given back to the form by the browser or typed
        # again by the admin
        self.assertEqual(tab.back(), 200)
        if tab.evaluate("document.querySelector('#text').value") != "Il vous attend au marché.":
            tab.fill("#subject", "Votre panier du samedi")
            tab.fill("#text", "Il vous attend au marché.")
        self.assertEqual(tab.click_and_wait("form.message-form button[type=submit]"), 409)
        tab.take_errors()
        self.assertIn("Ce même message (objet et texte) est déjà parti pour ce client le",
                      tab.text())
        self.assertEqual(messages(), "1")
        self.look(tab, "message-twin", at="#mails")
        # the box is required: the browser will not send without it
        tab.click("form.message-form button[type=submit]")
        time.sleep(0.5)
        self.assertEqual(messages(), "1")
        tab.click("input[name=again]")
        self.assertEqual(tab.click_and_wait("form.message-form button[type=submit]"), 200)
        self.assertEqual(messages(), "2")

    def test_a_customer_without_address_like_one_here_leads_to_them_or_is_made_anyway(self):
        browsing.STACK.sql("INSERT INTO customer (shop_id, first_name, last_name, phone,"
                           " phone_digits, status, source) SELECT id, 'Paul', 'Zlefermier',"
                           " '06 11 22 33 44', '0611223344', 'active', 'admin' FROM shop"
                           " WHERE slug = 'alpha'")
        paul = browsing.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                                  " WHERE s.slug = 'alpha' AND c.last_name = 'Zlefermier'")[0][0]
        tab = self.admin
        submit = "form[action='/admin/customers/new'] button[type=submit]"

        def typed(first, last, phone):
            """the new customer's form filled and sent: its answer's status"""
            self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers/new")), 200)
            for field, value in (("#first_name", first), ("#last_name", last), ("#phone", phone)):
                tab.fill(field, value)
            status = tab.click_and_wait(submit)
            tab.take_errors()
            return status

        self.assertEqual(typed("Pauline", "Zlefermier", "06.11.22.33.44"), 409)
        self.assertIn("Ce client existe peut-être déjà.", tab.text())
        self.look(tab, "new-twin")
        # what was typed is still there; the box is needed to go on
        self.assertEqual(tab.evaluate("document.querySelector('#first_name').value"), "Pauline")
        tab.click(submit)
        time.sleep(0.5)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/customers/new")
        tab.click("input[name=anyway]")
        self.assertEqual(tab.click_and_wait(submit), 200)
        self.assertRegex(tab.evaluate("location.pathname"), r"^/admin/customers/\d+$")
        self.assertNotEqual(tab.evaluate("location.pathname"), "/admin/customers/%s" % paul)
        # the next one typed is Paul himself: his page is one click away
        self.assertEqual(typed("Paul", "ZLEFERMIER", "07 00 00 00 09"), 409)
        self.assertEqual(tab.click_and_wait(".twins a[href='/admin/customers/%s']" % paul), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/customers/%s" % paul)

    def test_a_search_that_finds_only_an_inactive_customer_leads_to_her(self):
        tab = self.admin
        self.search("zailleurs")
        self.assertEqual(listed_names(tab), [])
        self.assertIn("1 client inactif ou en liste d'attente correspond", tab.text())
        self.look(tab, "list-elsewhere")
        self.assertEqual(tab.click_and_wait("#elsewhere a"), 200)
        self.assertEqual(len(listed_names(tab)), 1)
        self.assertIn("Zailleurs", listed_names(tab)[0])
        # her delete page says whom it erases, her address gone too
        browsing.STACK.sql("UPDATE customer SET email = NULL WHERE email = '%s'"
                           % INACTIVE_CUSTOMER)
        who = browsing.STACK.sql("SELECT id FROM customer WHERE last_name = 'Zailleurs'")[0][0]
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers/%s/delete" % who)), 200)
        self.assertIn("Inès", tab.evaluate("document.getElementById('who').innerText"))
        self.look(tab, "customer-delete")


class PhoneWidth(BrowserTest):
    """390 × 844, a common phone: nothing may scroll sideways."""

    def assert_no_sideways_scroll(self, tab, what):
        # a phone shrinks a page that is too wide to fit (innerWidth then
        # grows past 390): compare with the width of the phone itself
        width = tab.evaluate("Math.max(document.documentElement.scrollWidth, innerWidth)")
        self.assertLessEqual(width, 390, "%s is wider than the phone: %s" % (what, tab.url()))

    def test_list_and_customer_page_fit_a_phone(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.set_viewport(390, 844, mobile=True)
        tab.goto(url(ALPHA_HOST, "/admin/customers"))
        self.assertEqual(tab.evaluate("innerWidth"), 390)
        self.assert_no_sideways_scroll(tab, "the customer list")
        tab.goto(url(ALPHA_HOST, "/admin/customers?q=zlongaddress"))
        self.assertIn(LONG_EMAIL, tab.text())
        self.assert_no_sideways_scroll(tab, "a list with a long address")
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers/" + customer_id(LONG_EMAIL))), 200)
        self.assertIn(LONG_EMAIL, tab.text())
        self.assert_no_sideways_scroll(tab, "the page of a customer with a long address")
        tab.goto(url(ALPHA_HOST, "/admin/customers/jobs"))
        self.assert_no_sideways_scroll(tab, "the bulk actions")

    def test_customer_sign_in_pages_fit_a_phone(self):
        tab = self.tab()
        tab.set_viewport(390, 844, mobile=True)
        for path in ("/account/login", "/account/login/code", "/admin/login"):
            self.assertEqual(tab.goto(url(ALPHA_HOST, path)), 200)
            self.assert_no_sideways_scroll(tab, path)
