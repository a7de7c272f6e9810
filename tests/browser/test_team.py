"""The shop's team in Chromium: from the settings an owner invites a
seller and sends the invitation again; the seller opens the newer mailed
link in a browser of their own, chooses a password and lands on the
customers; the owner then disables them (their next click goes to the
sign-in page), enables them again and makes them an owner. Each page is
looked at 1280 and 390 pixels wide and judged by axe-core."""

import re

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_HOST, BETA_OWNER
import browsing
from browsing import BrowserTest, mail_text, url, wait_for_mail


class TeamInTheBrowser(BrowserTest):
    shot_prefix = "team-"
    look_accessible = True

    def test_an_owner_invites_a_seller_disables_enables_and_makes_them_owner(self):
        address = "stall.seller@alpha.test"
        owner = self.sign_in_admin(ALPHA_HOST, *ALPHA_OWNER)
        self.assertEqual(owner.goto(url(ALPHA_HOST, "/admin/settings")), 200)
        self.look(owner, "settings", at="a[href='/admin/team']")
        self.assertEqual(owner.click_and_wait("a[href='/admin/team']"), 200)
        self.assertIn(ALPHA_OWNER[0] + " (vous)", owner.text())
        owner.fill("#email", address)
        owner.fill("#name", "Camille Martin")
        owner.evaluate("document.querySelector('#role').value = 'staff'")
        # the seller reads English: the owner says so as they invite them
        owner.choose("#language", "en")
        self.look(owner, "invite-form", at="#language")
        self.assertEqual(owner.click_and_wait("form[action='/admin/team'] button[type=submit]"),
                         200)
        self.assertEqual(owner.evaluate("location.pathname"), "/admin/team")
        self.assertIn("Invitation envoyée.", owner.text())
        self.assertIn("Camille Martin", owner.text())
        self.look(owner, "invited")

        first = re.search(r"https?://\S+(/admin/login/reset\?token=[0-9a-f]{64})",
                          mail_text(wait_for_mail(address, 1)))
        self.assertIsNotNone(first)
        # "I never got it": the owner sends it again; the seller uses the new one
        admin_id = browsing.STACK.sql("SELECT id FROM admin WHERE email = '%s'" % address)[0][0]
        self.assertEqual(owner.click_and_wait(
            "form[action='/admin/team/%s/invite'] button" % admin_id), 200)
        self.assertIn("Invitation envoyée.", owner.text())
        link = re.search(r"https?://\S+(/admin/login/reset\?token=[0-9a-f]{64})",
                         mail_text(wait_for_mail(address, 2)))
        self.assertNotEqual(link.group(1), first.group(1))
        self.assertIsNotNone(link)
        seller = self.tab()
        self.assertEqual(seller.goto(url(ALPHA_HOST, link.group(1))), 200)
        self.assertEqual(seller.evaluate("document.documentElement.lang"), "en")
        self.look(seller, "choose-password-english")
        seller.fill("#password", "marché du samedi matin")
        seller.click_and_wait("form[action='/admin/login/reset'] button[type=submit]")
        self.assertEqual(seller.evaluate("location.pathname"), "/admin/customers")
        self.assertEqual(seller.evaluate("document.querySelector('h1').textContent"), "Customers")

        self.assertEqual(owner.goto(url(ALPHA_HOST, "/admin/team")), 200)
        self.assertNotIn("pas encore de connexion", owner.text())
        self.assertNotIn("Jamais", owner.evaluate(
            "document.querySelector(\"form[action='/admin/team/%s/disable']\")"
            ".closest('tr').textContent" % admin_id))
        self.assertEqual(owner.click_and_wait(
            "form[action='/admin/team/%s/disable'] button" % admin_id), 200)
        self.assertIn("Accès désactivé", owner.text())
        self.look(owner, "disabled")
        self.assertEqual(seller.goto(url(ALPHA_HOST, "/admin/customers")), 200)
        self.assertEqual(seller.evaluate("location.pathname"), "/admin/login")

        self.assertEqual(owner.click_and_wait(
            "form[action='/admin/team/%s/enable'] button" % admin_id), 200)
        self.assertIn("Accès réactivé.", owner.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT disabled_at IS NULL FROM admin WHERE id = %s" % admin_id), [["1"]])

        # the owner hands the shop over: the seller becomes an owner
        self.assertEqual(owner.click_and_wait(
            "form[action='/admin/team/%s/role'] button" % admin_id), 200)
        self.assertIn("Rôle changé.", owner.text())
        self.assertEqual(browsing.STACK.sql(
            "SELECT role FROM admin WHERE id = %s" % admin_id), [["owner"]])
        self.look(owner, "owner")

    def test_the_team_page_in_english(self):
        owner = self.sign_in_admin(BETA_HOST, *BETA_OWNER)
        self.assertEqual(owner.goto(url(BETA_HOST, "/admin/team")), 200)
        text = owner.text()
        for words in ("Team", BETA_OWNER[0] + " (you)", "Invite someone", "Send the invitation",
                      "staff manage the customers"):
            self.assertIn(words, text)
        self.look(owner, "english")
