"""A mailing clicked through in Chromium: the shop's mailings page, a
group chosen in its list, the compose page (kind, subject, text), the
preview as the customer will see it, a test to the owner's address, a
send refused because the subject changed after the preview, the send,
and the mail arriving at the SMTP server, then counted on the mailings
page and shown on its own page, from which a new mailing starts. The pages are looked
at 1280 and 390 pixels wide (no sideways scroll, axe-core) and saved as
PNGs under the stack's folder (shots/, or the folder FIDELE_SHOTS names),
with the HTML mail as received (mailing-mail.html) and its screenshot."""

import os
import re

from fixtures import ALPHA_HOST, ALPHA_OWNER
import browsing
from browsing import BrowserTest, DESKTOP, PHONE, url


def rows(statement):
    return browsing.STACK.sql(statement)


class MailingInTheBrowser(BrowserTest):
    shot_prefix = "mailing-"
    look_accessible = True

    def setUp(self):
        super().setUp()
        alpha = rows("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        self.ids = []
        for name, marketing in (("oui", 1), ("non", 0)):
            rows("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
                 " marketing_consent) VALUES (%s, 'navmail-%s@alpha.test', '%s', 'Navmail',"
                 " 'active', 'admin', %d)" % (alpha, name, name, marketing))
            self.ids.append(rows("SELECT id FROM customer WHERE email = 'navmail-%s@alpha.test'"
                                 % name)[0][0])
        rows("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Marché du samedi');"
             "SET @g = LAST_INSERT_ID();"
             "INSERT INTO customer_group_member (shop_id, group_id, customer_id) VALUES %s"
             % (alpha, ",".join("(%s, @g, %s)" % (alpha, i) for i in self.ids)))
        self.group = rows("SELECT id FROM customer_group WHERE name = 'Marché du samedi'")[0][0]

    def tearDown(self):
        ids = ",".join(self.ids)
        rows("DELETE FROM customer_group WHERE id = %s;"
             "UPDATE customer SET erased_at = NOW(), email = NULL WHERE id IN (%s)"
             % (self.group, ids))
        super().tearDown()

    def mail_shots(self, message, name):
        """The HTML mail as a mail client shows it, saved with its
        screenshots (its inline styles are allowed on a file of its own)."""
        path = os.path.join(self.shots, name + ".html")
        with open(path, "w") as f:
            f.write(message.get_body(preferencelist=("html",)).get_content())
        mail_tab = self.tab()
        mail_tab.goto("file://" + path)
        for width, height in (DESKTOP, PHONE):
            mail_tab.set_viewport(width, height)
            mail_tab.screenshot(os.path.join(self.shots, "%s-%d.png" % (name, width)))

    def test_a_group_is_written_to_previewed_and_sent(self):
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/segments/mailings")), 200)
        self.look(tab, "list-before")
        tab.evaluate("document.querySelector('#target').value = 'group:%s'" % self.group)
        self.assertEqual(tab.click_and_wait("form[action='/admin/segments/mail'] button"), 200)
        self.assertIn("Groupe «\u00a0Marché du samedi\u00a0» — 2 clients", tab.text())
        self.look(tab, "compose")

        tab.click("input[name=kind][value=system]")
        tab.fill("#subject", "La vente est ouverte")
        tab.evaluate("document.querySelector('#text').value = 'Bonjour,\\n\\nLa vente de la"
                     " semaine est ouverte jusqu\\'à jeudi :\\n[commander](https://alpha.test/vente)"
                     "\\n\\nÀ samedi !'")
        self.assertEqual(tab.click_and_wait("button[value=preview]"), 200)
        text = tab.text()
        self.assertIn("Aperçu, tel que le client le verra", text)
        self.assertIn("Ce message partira à 2 clients", text)
        self.assertEqual(tab.evaluate("document.querySelector('.mail-preview-body a').href"),
                         "https://alpha.test/vente")
        self.assertTrue(tab.evaluate("document.querySelector('input[value=system]').checked"))
        self.look(tab, "preview")

        # a test to the owner's own address first: it arrives as the
        # customers will get it, and nobody else gets anything
        browsing.drain_outbox(60)
        tests_before = len(browsing.mails_to(ALPHA_OWNER[0]))
        self.assertEqual(tab.click_and_wait("button[value=test]"), 200)
        self.assertIn("Essai envoyé à %s" % ALPHA_OWNER[0], tab.text())
        test = browsing.wait_for_mail(ALPHA_OWNER[0], tests_before + 1, timeout=60)
        self.assertEqual(str(test["Subject"]), "[Essai] La vente est ouverte")
        self.assertEqual(browsing.mails_to("navmail-oui@alpha.test"), [])
        self.look(tab, "tested")
        self.mail_shots(test, "mailing-test-mail")

        # a word changed after the preview: the send shows it again, sends nothing
        tab.fill("#subject", "La vente est ouverte !")
        self.assertEqual(tab.click_and_wait("button[value=send]"), 409)
        self.assertIn("Le message a changé depuis le dernier aperçu", tab.text())
        self.assertEqual(len(tab.take_errors()), 1)    # the refused send's 409
        self.assertEqual(tab.evaluate("document.querySelector('.mail-preview-subject').innerText"),
                         "La vente est ouverte !")
        tab.fill("#subject", "La vente est ouverte")
        self.assertEqual(tab.click_and_wait("button[value=preview]"), 200)
        self.assertEqual(rows("SELECT COUNT(*) FROM mailing WHERE subject LIKE 'La vente%'"),
                         [["0"]])

        self.assertEqual(tab.click_and_wait("button[value=send]"), 200)
        self.assertEqual(tab.evaluate("location.pathname"), "/admin/segments/mailings")
        self.assertIn("Envoi programmé", tab.text())
        first = browsing.wait_for_mail("navmail-oui@alpha.test", 1, timeout=60)
        browsing.wait_for_mail("navmail-non@alpha.test", 1, timeout=60)
        self.assertEqual(str(first["Subject"]), "La vente est ouverte")
        mail = first.get_body(preferencelist=("html",)).get_content()
        self.assertIn('<a href="https://alpha.test/vente" style="color:#1d4f91;">commander</a>', mail)
        self.mail_shots(first, "mailing-mail")
        browsing.drain_outbox(60)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/segments/mailings")), 200)
        row = tab.evaluate("document.querySelector('table.mailings tbody tr').innerText")
        self.assertIn("La vente est ouverte", row)
        self.assertTrue(re.search(r"\b0\s+2\s+0\s*$", row), row)
        self.look(tab, "list-after")

        # the mailing's own page, from its subject: its text and counts
        self.assertEqual(tab.click_and_wait("table.mailings tbody tr a"), 200)
        self.assertEqual(tab.evaluate("document.querySelector('h1').innerText"),
                         "La vente est ouverte")
        self.assertEqual(tab.evaluate("document.querySelector('[data-count=sent]').innerText"), "2")
        self.assertIn("La vente de la semaine est ouverte", tab.text())
        self.look(tab, "page")
        # and a new mailing from it, to the same group, with the same text
        self.assertEqual(tab.click_and_wait(".mailing-reuse button"), 200)
        self.assertEqual(tab.evaluate("document.querySelector('#subject').value"),
                         "La vente est ouverte")
        self.assertIn("Marché du samedi", tab.text())


    def test_a_mail_set_aside_for_want_of_consent_says_so_on_the_customers_page(self):
        """A marketing mail the worker set aside because the customer no
        longer wanted one: their page says so, with no "send again"."""
        alpha = rows("SELECT id FROM shop WHERE slug = 'alpha'")[0][0]
        rows("INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text,"
             " list_unsubscribe, status, last_error) VALUES (%s, %s, 'mailing-marketing',"
             " 'navmail-oui@alpha.test', 'Les fraises sont là', 'corps', '<https://x/>',"
             " 'dismissed', 'no_consent')" % (alpha, self.ids[0]))
        tab = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(tab.goto(url(ALPHA_HOST, "/admin/customers/%s" % self.ids[0])), 200)
        line = tab.evaluate("[...document.querySelectorAll('#mails li')]"
                            ".find(li => li.innerText.includes('Les fraises sont là')).innerText")
        self.assertIn("pas envoyé\u00a0: le client ne voulait plus d'e-mails commerciaux", line)
        self.assertNotIn("Renvoyer", line)
        self.assertNotIn("échec", line)
        self.look(tab, "set-aside", at="#mails")
