"""What a second review of issue 10 found in a real browser: "Bloquer" chosen
in the list's bulk bar without a reason led to a bare "400 Demande
incorrecte" page whose only link went to the start, and the customers
ticked were lost. The confirmation page now asks for the reason."""

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest

REVIEW_CUSTOMERS = ("review.block.one@alpha.test", "review.block.two@alpha.test")


def setUpModule():
    browsing.STACK.sql("".join(
        "INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT id, '%s', 'Client', 'Zreviewblock', 'active', 'admin' FROM shop"
        " WHERE slug = 'alpha';" % email for email in REVIEW_CUSTOMERS))
    browsing.STACK.admin("search-reindex")


def customer_id(email):
    return browsing.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                              " WHERE s.slug = 'alpha' AND c.email = '%s'" % email)[0][0]


def statuses():
    return browsing.STACK.sql("SELECT status, COALESCE(status_reason, '') FROM customer"
                              " WHERE email IN ('%s', '%s') ORDER BY email" % REVIEW_CUSTOMERS)


class BulkBlockReason(BrowserTest):
    def test_bulk_block_without_a_reason_asks_for_it_and_keeps_the_choice(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.fill("#q", "zreviewblock")
        self.assertEqual(tab.click_and_wait("form[role=search] button[type=submit]"), 200)
        for email in REVIEW_CUSTOMERS:
            tab.click("input[name=id][value='%s']" % customer_id(email))
        tab.choose("#bulk-action", "block")
        self.assertEqual(tab.click_and_wait("form.bulk-form .bulk-bar button[type=submit]"), 400)
        # the one load error expected: the 400 of the page that asks
        self.assertEqual([error for error in tab.take_errors() if "/admin/customers/bulk" not in error
                          or "400" not in error], [])
        text = tab.text()
        self.assertIn("Indiquez le motif du blocage.", text)
        self.assertNotIn("Demande incorrecte", text)
        self.assertIn("Zreviewblock", text, "the customers chosen are named")
        self.assertEqual(statuses(), [["active", ""], ["active", ""]])
        self.assertTrue(tab.exists("form.actions input[name=reason]"), tab.text())
        tab.fill("form.actions input[name=reason]", "Impayés")
        tab.click_and_wait("form.actions button[type=submit]")
        self.assertEqual(tab.status, 200, tab.text())
        self.assertEqual(statuses(), [["blocked", "Impayés"], ["blocked", "Impayés"]])


class FailedMailsOnAPhone(BrowserTest):
    """The failed mails' table scrolls inside its card on a phone; its
    subject column had shrunk to one word a line."""

    def test_subject_and_error_stay_readable_at_390_px(self):
        browsing.STACK.sql(
            "INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text,"
            "                    status, next_attempt_at, last_error)"
            " SELECT shop_id, id, 'customer-message', email,"
            "        'Votre commande de printemps est prête à être retirée', 'x', 'failed',"
            "        NOW() + INTERVAL 1 DAY, '550 5.1.1 Recipient address rejected: User unknown'"
            "   FROM customer WHERE email = '%s'" % REVIEW_CUSTOMERS[0])
        try:
            tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
            tab.set_viewport(390, 844, mobile=True)
            tab.goto(browsing.url(ALPHA_HOST, "/admin/customers/mails"))
            self.assertIn("Votre commande de printemps", tab.text())
            widths = tab.evaluate(
                "[...document.querySelectorAll('table.list tbody tr')].filter(tr =>"
                " tr.textContent.includes('printemps')).map(tr => [...tr.cells].slice(2)"
                ".map(td => td.getBoundingClientRect().width))[0]")
            subject, reason = widths
            self.assertGreaterEqual(subject, 150, "the subject column is %dpx wide" % subject)
            self.assertGreaterEqual(reason, 150, "the error column is %dpx wide" % reason)
        finally:
            browsing.STACK.sql("DELETE FROM outbox WHERE subject LIKE 'Votre commande de printemps%'")


class EditKeepsTheShopsLanguage(BrowserTest):
    """A customer without a language of their own edited in the browser:
    the form shows "the shop's" chosen, and saving another change sends it
    back, so the customer still gets the shop's language (the form used to
    send Français, then the shop's language, and fixed the customer to
    it)."""

    shot_prefix = "review-"

    def test_saving_a_customer_in_the_browser_keeps_the_shops_language(self):
        email = REVIEW_CUSTOMERS[1]
        browsing.STACK.sql("UPDATE customer SET language = NULL WHERE email = '%s'" % email)
        cid = customer_id(email)
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        tab.goto(browsing.url(ALPHA_HOST, "/admin/customers/%s/edit" % cid))
        self.assertEqual(tab.evaluate("document.querySelector('#language').value"), "")
        self.assertEqual(tab.evaluate(
            "document.querySelector('#language').selectedOptions[0].textContent"),
            "Celle de la boutique (Français)")
        self.look(tab, "edit-language", at="#language")
        tab.fill("#first_name", "Clientèle")
        self.assertEqual(tab.click_and_wait("form.form button[type=submit].primary"), 200)
        self.assertEqual(browsing.STACK.sql(
            "SELECT first_name, COALESCE(language, 'NULL') FROM customer WHERE email = '%s'"
            % email), [["Clientèle", "NULL"]])
        self.assertIn("Celle de la boutique", tab.text())
