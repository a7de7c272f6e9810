"""The shop's team page (/admin/team): an owner invites someone by mail,
who chooses a password and signs in; disables one who left (signed out at
once, their links dead) and enables them again; without the provider.
Staff, another shop and bad input change nothing."""

import re
import threading
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import web
from inbox import clear_limits, mails_to, text_part, html_part, wait_for_mail


def admin_row(email):
    rows = web.STACK.sql("SELECT a.id, a.role, a.name, a.disabled_at IS NOT NULL,"
                         " a.password_hash IS NULL, s.slug FROM admin a"
                         " JOIN shop s ON s.id = a.shop_id WHERE a.email = '%s'" % email)
    return rows[0] if rows else None


def invite_link(message):
    return re.search(r"https?://\S+(/admin/login/reset\?token=([0-9a-f]{64}))",
                     text_part(message))


class Team(unittest.TestCase):
    def setUp(self):
        clear_limits()
        self.owner = web.Browser(ALPHA_HOST)
        self.assertEqual(self.owner.sign_in(*ALPHA_OWNER).status, 303)

    def invite(self, browser, fields):
        return browser.submit("/admin/team", "/admin/team", fields)

    def test_the_page_lists_the_team_to_owners_only(self):
        page = self.owner.get("/admin/team")
        self.assertEqual(page.status, 200)
        text = page.text()
        self.assertIn("Équipe", text)
        self.assertIn(ALPHA_OWNER[0] + " (vous)", text)
        self.assertIn(ALPHA_STAFF[0], text)
        self.assertIn("%s<wbr>@%s" % tuple(ALPHA_STAFF[0].split("@")), page.body)
        # no button disables the owner who reads the page
        self.assertNotIn('aria-label="Désactiver %s"' % ALPHA_OWNER[0], page.body)
        self.assertIn('aria-label="Désactiver %s"' % ALPHA_STAFF[0], page.body)
        # reached from the settings
        self.assertIn('href="/admin/team"', self.owner.get("/admin/settings").body)
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        self.assertEqual(staff.get("/admin/team").status, 403)
        token = staff.get("/admin/customers").csrf()
        answer = staff.post("/admin/team", {"email": "sneaky@alpha.test", "role": "owner",
                                            "csrf": token})
        self.assertEqual(answer.status, 403)
        self.assertIsNone(admin_row("sneaky@alpha.test"))
        staff_id = admin_row(ALPHA_STAFF[0])[0]
        self.assertEqual(staff.post("/admin/team/%s/disable" % staff_id, {"csrf": token}).status,
                         403)
        # signed out: to the sign-in page
        self.assertEqual(web.Browser(ALPHA_HOST).get("/admin/team").status, 303)

    def test_an_invited_admin_chooses_a_password_and_signs_in(self):
        address = "new.seller@alpha.test"
        answer = self.invite(self.owner, {"email": " New.Seller@Alpha.test ", "name": "Léa <b>",
                                          "role": "staff"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/team")
        page = self.owner.get("/admin/team")
        self.assertIn("Invitation envoyée.", page.text())
        self.assertIn("Léa &lt;b&gt;", page.body)
        self.assertIn("Invitation envoyée, pas encore de connexion", page.text())
        row = admin_row(address)
        self.assertEqual(row[1:], ["staff", "Léa <b>", "0", "1", "alpha"])
        message = wait_for_mail(address, 1)[-1]
        self.assertIn("Invitation à gérer les clients de", message["Subject"])
        self.assertIn("Alpha", message["Subject"])
        body = text_part(message)
        self.assertIn(ALPHA_OWNER[0] + " vous invite à gérer les clients", body)
        self.assertIn("valable 3 jours", body)
        self.assertIn("Choisir mon mot de passe", html_part(message))
        # the link lasts three days, not the ten minutes of a reset
        left = web.STACK.sql("SELECT TIMESTAMPDIFF(HOUR, NOW(), expires_at) FROM login_token"
                             " WHERE admin_id = %s AND used_at IS NULL" % row[0])
        self.assertIn(left, ([["71"]], [["72"]]))
        first = invite_link(message).group(1)
        # inviting them again says where the button is
        answer = self.invite(self.owner, {"email": address, "role": "staff"})
        self.assertEqual(answer.status, 409)
        self.assertIn("a déjà reçu une invitation, pas encore acceptée", answer.text())
        self.assertEqual(len(mails_to(address)), 1)
        # "I never got it": the owner sends it again, a new link
        self.assertIn('aria-label="Renvoyer l&#39;invitation %s"' % address, page.body)
        answer = self.owner.post("/admin/team/%s/invite" % row[0], {"csrf": page.csrf()})
        self.assertEqual(answer.status, 303)
        again = wait_for_mail(address, 2)[-1]
        self.assertIn("Invitation à gérer les clients de", again["Subject"])
        path, token = invite_link(again).groups()
        self.assertNotEqual(path, first)
        browser = web.Browser(ALPHA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        chosen = browser.post("/admin/login/reset", {"token": token, "csrf": form.csrf(),
                                                     "password": "three unrelated words"})
        self.assertEqual(chosen.status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        # the invitation is accepted: signed in by the link, on this day
        self.assertEqual(admin_row(address)[4], "0")
        self.assertEqual(web.STACK.sql("SELECT last_sign_in_at > NOW() - INTERVAL 1 MINUTE"
                                       " FROM admin WHERE id = %s" % row[0]), [["1"]])
        # staff: not the team page
        self.assertEqual(browser.get("/admin/team").status, 403)
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(address, "three unrelated words").status,
                         303)
        page = self.owner.get("/admin/team")
        self.assertNotIn("pas encore de connexion", page.text())
        # the first link died with the second's use; nothing to send again
        self.assertEqual(web.Browser(ALPHA_HOST).get(first).status, 400)
        self.assertEqual(self.owner.post("/admin/team/%s/invite" % row[0],
                                         {"csrf": page.csrf()}).status, 404)
        self.assertEqual(len(mails_to(address)), 2)

    def test_an_invitation_in_the_language_the_owner_chose_for_them(self):
        page = self.owner.get("/admin/team")
        # the shop's language, named, unless the owner picks another
        self.assertRegex(page.body, r'<option value="shop" selected>Celle de la boutique'
                                    r' \(Français\)</option>')
        address = "english.seller@alpha.test"
        answer = self.invite(self.owner, {"email": address, "role": "staff", "language": "en"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT language FROM admin WHERE email = '%s'" % address),
                         [["en"]])
        message = wait_for_mail(address, 1)[-1]
        self.assertIn("Invitation to manage the customers of", message["Subject"])
        self.assertIn("invites you to manage the shop's customers", text_part(message))
        # sent again, still in English
        row = admin_row(address)
        answer = self.owner.post("/admin/team/%s/invite" % row[0], {"csrf": page.csrf()})
        self.assertEqual(answer.status, 303)
        again = wait_for_mail(address, 2)[-1]
        self.assertIn("Invitation to manage the customers of", again["Subject"])
        # the page its link opens, and the admin pages after it, in English
        path, token = invite_link(again).groups()
        browser = web.Browser(ALPHA_HOST)
        form = browser.get(path)
        self.assertIn('<html lang="en">', form.body)
        self.assertEqual(browser.post("/admin/login/reset", {"token": token, "csrf": form.csrf(),
                                                             "password": "three unrelated words"}
                                      ).status, 303)
        self.assertIn("<h1>Customers</h1>", browser.get("/admin/customers").body)
        # the owner's own pages stay in the shop's language
        self.assertIn("<h1>Équipe</h1>", self.owner.get("/admin/team").body)

    def test_an_owner_can_be_invited(self):
        answer = self.invite(self.owner, {"email": "co-owner@alpha.test", "role": "owner"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(admin_row("co-owner@alpha.test")[1], "owner")

    def test_bad_invitations_change_nothing(self):
        before = web.STACK.sql("SELECT COUNT(*) FROM admin")
        outbox = web.STACK.sql("SELECT COUNT(*) FROM outbox")
        for fields, status, said in (
                ({"email": "", "role": "staff"}, 400, "Corrigez les champs signalés"),
                ({"email": "not-an-address", "role": "staff"}, 400, "Corrigez les champs"),
                ({"email": "x@alpha.test", "role": "boss"}, 400, "Corrigez les champs"),
                ({"email": "x@alpha.test", "role": "staff", "name": "n" * 201}, 400,
                 "Corrigez les champs"),
                ({"email": "x" * 250 + "@a.test", "role": "staff"}, 400, "Corrigez les champs"),
                # a name from a sheet saved in Windows-1252, a name on two lines
                ({"email": "x@alpha.test", "role": "staff", "name": "H\xe9l\xe8ne".encode("cp1252")},
                 400, "Corrigez les champs"),
                ({"email": "x@alpha.test", "role": "staff", "name": "Léa\nMartin"}, 400,
                 "Corrigez les champs"),
                ({"email": "x@alpha.test", "role": "staff", "language": "de"}, 400,
                 "Corrigez les champs"),
                ({"email": "x@alpha.test", "role": "staff", "language": "en" * 3}, 400,
                 "Corrigez les champs"),
                ({"email": ALPHA_STAFF[0].upper(), "role": "owner"}, 409,
                 "Cette adresse fait déjà partie de l'équipe")):
            answer = self.invite(self.owner, fields)
            self.assertEqual(answer.status, status, fields)
            self.assertIn(said, answer.text(), fields)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM admin"), before)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM outbox"), outbox)
        # without the form's token
        answer = self.owner.post("/admin/team", {"email": "y@alpha.test", "role": "staff"})
        self.assertEqual(answer.status, 403)
        self.assertIsNone(admin_row("y@alpha.test"))
        # the same address on another shop's team is that shop's business
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        self.assertEqual(self.invite(beta, {"email": "helper@alpha.test", "role": "staff"}).status,
                         303)
        self.assertEqual(self.invite(self.owner, {"email": "helper@alpha.test",
                                                  "role": "staff"}).status, 303)
        self.assertEqual(web.STACK.sql("SELECT s.slug FROM admin a JOIN shop s ON s.id = a.shop_id"
                                       " WHERE a.email = 'helper@alpha.test' ORDER BY s.slug"),
                         [["alpha"], ["beta"]])

    def test_a_disabled_admin_is_signed_out_at_once_and_can_come_back(self):
        address = "seasonal@alpha.test"
        self.assertEqual(self.invite(self.owner, {"email": address, "role": "staff"}).status, 303)
        path, token = invite_link(wait_for_mail(address, 1)[-1]).groups()
        worker = web.Browser(ALPHA_HOST)
        form = worker.get(path)
        self.assertEqual(worker.post("/admin/login/reset", {
            "token": token, "csrf": form.csrf(), "password": "summer season stall"}).status, 303)
        self.assertEqual(worker.get("/admin/customers").status, 200)
        admin_id = admin_row(address)[0]
        # a mailed link they still hold dies with the access
        web.Browser(ALPHA_HOST).submit("/admin/login/forgot", "/admin/login/forgot",
                                       {"email": address})
        reset = invite_link(wait_for_mail(address, 2)[-1]).group(1)
        team = self.owner.get("/admin/team")
        answer = self.owner.post("/admin/team/%s/disable" % admin_id, {"csrf": team.csrf()})
        self.assertEqual(answer.status, 303)
        page = self.owner.get("/admin/team")
        self.assertIn("Accès désactivé : la personne est déconnectée partout.", page.text())
        self.assertIn('aria-label="Réactiver %s"' % address, page.body)
        self.assertEqual(admin_row(address)[3], "1")
        self.assertEqual(worker.get("/admin/customers").status, 303)
        self.assertEqual(web.Browser(ALPHA_HOST).get(reset).status, 400)
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(address, "summer season stall").status,
                         400)
        # inviting the address again says where to look
        answer = self.invite(self.owner, {"email": address, "role": "staff"})
        self.assertEqual(answer.status, 409)
        self.assertIn("son accès est désactivé : réactivez-le dans la liste", answer.text())
        # a second disable changes nothing more
        self.assertEqual(self.owner.post("/admin/team/%s/disable" % admin_id,
                                         {"csrf": team.csrf()}).status, 303)
        answer = self.owner.post("/admin/team/%s/enable" % admin_id, {"csrf": team.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertIn("Accès réactivé.", self.owner.get("/admin/team").text())
        self.assertEqual(web.Browser(ALPHA_HOST).sign_in(address, "summer season stall").status,
                         303)
        kinds = web.STACK.sql("SELECT kind, detail FROM event WHERE kind LIKE 'admin.%%abled'"
                              " AND detail = '%s' ORDER BY id" % address)
        self.assertEqual(kinds, [["admin.disabled", address], ["admin.enabled", address]])

    def test_a_seller_made_owner_sees_the_team_and_goes_back_to_staff(self):
        """the owner leaving hands the shop to a seller already on the team"""
        address = "future.owner@alpha.test"
        self.assertEqual(self.invite(self.owner, {"email": address, "role": "staff"}).status, 303)
        path, token = invite_link(wait_for_mail(address, 1)[-1]).groups()
        seller = web.Browser(ALPHA_HOST)
        form = seller.get(path)
        self.assertEqual(seller.post("/admin/login/reset", {
            "token": token, "csrf": form.csrf(), "password": "taking over the shop"}).status, 303)
        self.assertEqual(seller.get("/admin/team").status, 403)
        admin_id = admin_row(address)[0]
        team = self.owner.get("/admin/team")
        self.assertIn('aria-label="Nommer propriétaire %s"' % address, team.body)
        for role in ("boss", ""):
            self.assertEqual(self.owner.post("/admin/team/%s/role" % admin_id,
                                             {"csrf": team.csrf(), "role": role}).status, 400)
        self.assertEqual(admin_row(address)[1], "staff")
        answer = self.owner.post("/admin/team/%s/role" % admin_id,
                                 {"csrf": team.csrf(), "role": "owner"})
        self.assertEqual(answer.status, 303)
        self.assertIn("Rôle changé.", self.owner.get("/admin/team").text())
        self.assertEqual(admin_row(address)[1], "owner")
        # at once, in the session they have
        self.assertEqual(seller.get("/admin/team").status, 200)
        self.assertIn('aria-label="Passer en personnel %s"' % address,
                      self.owner.get("/admin/team").body)
        # nobody changes their own role: another owner does
        own = seller.get("/admin/team")
        answer = seller.post("/admin/team/%s/role" % admin_id, {"csrf": own.csrf(),
                                                                "role": "staff"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Vous ne pouvez pas", answer.text())
        answer = self.owner.post("/admin/team/%s/role" % admin_id,
                                 {"csrf": team.csrf(), "role": "staff"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(seller.get("/admin/team").status, 403)
        self.assertEqual(web.STACK.sql("SELECT detail FROM event WHERE kind = 'admin.role_changed'"
                                       " AND detail LIKE '%s%%' ORDER BY id" % address),
                         [[address + ": owner"], [address + ": staff"]])
        beta_id = admin_row(BETA_OWNER[0])[0]
        self.assertEqual(self.owner.post("/admin/team/%s/role" % beta_id,
                                         {"csrf": team.csrf(), "role": "staff"}).status, 404)
        self.assertEqual(admin_row(BETA_OWNER[0])[1], "owner")

    def test_two_owners_who_demote_or_disable_each_other_at_once_leave_one(self):
        """the last-owner check locks the owners until the change commits:
        two owners leaving the shop to each other at the same moment must
        not leave it without one"""
        host = "two-owners.test"
        if not web.STACK.sql("SELECT id FROM shop WHERE slug = 'two-owners'"):
            web.STACK.admin("shop", "add", "--slug", "two-owners", "--name", "Deux",
                            "--language", "fr")
            web.STACK.admin("shop", "host", "add", "--shop", "two-owners", "--host", host)
        for action in ("role", "disable"):
            owners = []
            for n in (1, 2):
                address = "owner%d.%s@%s" % (n, action, host)
                web.STACK.admin("admin", "add", "--shop", "two-owners", "--email", address,
                                "--role", "owner", input="owner-password-%d\n" % n)
                browser = web.Browser(host)
                self.assertEqual(browser.sign_in(address, "owner-password-%d" % n).status, 303)
                owners.append((browser, admin_row(address)[0], browser.get("/admin/team").csrf()))
            # everyone else of the shop: no longer an enabled owner
            web.STACK.sql("UPDATE admin SET disabled_at = NOW() WHERE shop_id = (SELECT id FROM"
                          " shop WHERE slug = 'two-owners') AND email NOT LIKE '%%.%s@%%'"
                          % action)
            answers = [None, None]

            def send(me, other):
                browser, _, token = owners[me]
                form = {"csrf": token, "role": "staff"} if action == "role" else {"csrf": token}
                answers[me] = browser.post("/admin/team/%s/%s" % (owners[other][1], action), form)

            threads = [threading.Thread(target=send, args=(0, 1)),
                       threading.Thread(target=send, args=(1, 0))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            statuses = sorted(answer.status for answer in answers)
            left = web.STACK.sql("SELECT COUNT(*) FROM admin WHERE shop_id = (SELECT id FROM shop"
                                 " WHERE slug = 'two-owners') AND role = 'owner'"
                                 " AND disabled_at IS NULL")
            self.assertEqual(left, [["1"]], (action, statuses))
            # one passed; the other was told (or, when the server ended it
            # as a deadlock, answered an error and changed nothing)
            self.assertEqual(statuses[0], 303, statuses)
            self.assertIn(statuses[1], (303, 403, 409, 500), statuses)

    def test_an_owner_cannot_disable_themselves_nor_another_shops_admin(self):
        team = self.owner.get("/admin/team")
        own_id = admin_row(ALPHA_OWNER[0])[0]
        answer = self.owner.post("/admin/team/%s/disable" % own_id, {"csrf": team.csrf()})
        self.assertEqual(answer.status, 400)
        self.assertIn("Vous ne pouvez pas vous désactiver vous-même", answer.text())
        self.assertEqual(admin_row(ALPHA_OWNER[0])[3], "0")
        beta_id = admin_row(BETA_OWNER[0])[0]
        for action in ("disable", "enable"):
            answer = self.owner.post("/admin/team/%s/%s" % (beta_id, action),
                                     {"csrf": team.csrf()})
            self.assertEqual(answer.status, 404)
        beta_invited = web.Browser(BETA_HOST)
        self.assertEqual(beta_invited.sign_in(*BETA_OWNER).status, 303)
        self.assertEqual(self.invite(beta_invited, {"email": "beta.helper@beta.test",
                                                    "role": "staff"}).status, 303)
        self.assertEqual(self.owner.post("/admin/team/%s/invite" % admin_row(
            "beta.helper@beta.test")[0], {"csrf": team.csrf()}).status, 404)
        self.assertEqual(self.owner.post("/admin/team/999999999/disable",
                                         {"csrf": team.csrf()}).status, 404)
        self.assertEqual(admin_row(BETA_OWNER[0])[3], "0")
        beta = web.Browser(BETA_HOST)
        self.assertEqual(beta.sign_in(*BETA_OWNER).status, 303)
        self.assertNotIn(ALPHA_STAFF[0], beta.get("/admin/team").text())


if __name__ == "__main__":
    unittest.main()
