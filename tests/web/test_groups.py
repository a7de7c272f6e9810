"""Groups (issue 16, point 1): created, renamed, described and deleted by
owners, with a discount in percent (two decimals) and a CSS class; put on
customers from their page, from the new and edit forms, and in bulk from
ticked rows or from everything a search matches, after a confirmation that
says how many. Each change is in the customer's timeline. Another shop's
group or customer ids change nothing."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
from grouping_steps import GroupingBase, beta_customer, events, one, shop_id
import web


def group_id(slug, name):
    return one("SELECT id FROM customer_group WHERE shop_id = %s AND name = '%s'"
               % (shop_id(slug), name))


def members(gid):
    return sorted(r[0] for r in web.STACK.sql(
        "SELECT customer_id FROM customer_group_member WHERE group_id = %s" % gid))


class GroupsBase(GroupingBase):
    prefix = "grp"
    class_letters = 6
    table = "customer_group"
    last_name = "Membre"
    token_page = "/admin/groups"

    def create(self, name, discount="", css_class="", description="", browser=None):
        browser = browser or self.browser
        return browser.submit("/admin/groups", "/admin/groups",
                              {"name": name, "discount": discount, "css_class": css_class,
                               "description": description})


class GroupPage(GroupsBase):
    def test_owner_creates_a_group_with_discount_and_class(self):
        answer = self.create("Pros %s" % self.tag, "12,5", "client-pro-%s" % self.tag,
                             "Les restaurants")
        self.assertEqual(answer.status, 303)
        gid = group_id("alpha", "Pros %s" % self.tag)
        self.assertEqual(web.STACK.sql("SELECT discount_bp, css_class, description FROM customer_group"
                                       " WHERE id = %s" % gid),
                         [["1250", "client-pro-%s" % self.tag, "Les restaurants"]])
        page = self.browser.get("/admin/groups")
        self.assertIn("Pros %s" % self.tag, page.text())
        self.assertIn("12,5 %", page.text())
        self.assertIn("client-pro-%s" % self.tag, page.text())

    def test_discounts_in_percent_with_two_decimals(self):
        for typed, stored in (("100", "10000"), ("0,05", "5"), ("12.50", "1250"), ("7 %", "700"),
                              ("", "0"), ("33,33", "3333")):
            with self.subTest(typed=typed):
                name = "Remise %s %s" % (self.tag, stored)
                self.assertEqual(self.create(name, typed).status, 303)
                self.assertEqual(one("SELECT discount_bp FROM customer_group WHERE id = %s"
                                     % group_id("alpha", name)), stored)

    def test_bad_discounts_are_refused_and_change_nothing(self):
        for typed in ("-1", "100.001", "100,01", "abc", "1e2", "12,345", ",", "1000", "12,5,"):
            with self.subTest(typed=typed):
                answer = self.create("Mauvais %s" % self.tag, typed)
                self.assertEqual(answer.status, 400)
                self.assertIn("La remise doit être un nombre de 0 à 100", answer.text())
                # the form comes back with what was typed
                self.assertIn('value="%s"' % typed, answer.body)
                self.assertIsNone(group_id("alpha", "Mauvais %s" % self.tag))

    def test_css_class_must_be_an_identifier(self):
        for typed in ("<b>gras</b>", "1abc", "a b", "-x", "x\"y", "é-accent", "a.b"):
            with self.subTest(typed=typed):
                answer = self.create("Classe %s" % self.tag, "", typed)
                self.assertEqual(answer.status, 400)
                self.assertIn("La classe CSS doit être un identifiant", answer.text())
                self.assertNotIn("<b>gras</b>", answer.body)
                self.assertIsNone(group_id("alpha", "Classe %s" % self.tag))

    def test_css_class_unique_in_the_shop_but_not_across_shops(self):
        css = "vip-%s" % self.tag
        self.assertEqual(self.create("Un %s" % self.tag, "", css).status, 303)
        answer = self.create("Deux %s" % self.tag, "", css)
        self.assertEqual(answer.status, 400)
        self.assertIn("Un autre groupe a déjà cette classe CSS", answer.text())
        self.assertIsNone(group_id("alpha", "Deux %s" % self.tag))
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        self.assertEqual(self.create("Un %s" % self.tag, "", css, browser=beta).status, 303)

    def test_duplicate_names_refused_with_case_and_accents_folded(self):
        self.assertEqual(self.create("Épicerie Fine %s" % self.tag).status, 303)
        answer = self.create("epicerie FINE %s" % self.tag)
        self.assertEqual(answer.status, 400)
        self.assertIn("Un groupe porte déjà ce nom", answer.text())
        self.assertEqual(one("SELECT COUNT(*) FROM customer_group WHERE name LIKE '%%%s'"
                             % self.tag), "1")

    def test_at_most_200_groups_a_shop(self):
        have = int(one("SELECT COUNT(*) FROM customer_group WHERE shop_id = %s" % shop_id("alpha")))
        web.STACK.sql("INSERT INTO customer_group (shop_id, name) SELECT %s, CONCAT('Lot %s ', seq)"
                      " FROM seq_1_to_%d" % (shop_id("alpha"), self.tag, 200 - have))
        answer = self.create("Encore %s" % self.tag)
        self.assertEqual(answer.status, 400)
        self.assertIn("La boutique a déjà 200 groupes", answer.text())
        self.assertIsNone(group_id("alpha", "Encore %s" % self.tag))
        # a group is still changed
        gid = group_id("alpha", "Lot %s 1" % self.tag)
        answer = self.browser.submit("/admin/groups/%s" % gid, "/admin/groups/%s" % gid,
                                     {"name": "Lot %s 1" % self.tag, "discount": "3"})
        self.assertEqual(answer.status, 303)

    def test_empty_name_refused(self):
        answer = self.create("   ", "5")
        self.assertEqual(answer.status, 400)
        self.assertIn("Donnez un nom au groupe", answer.text())

    def test_rename_and_describe(self):
        self.create("Avant %s" % self.tag, "5")
        self.create("Autre %s" % self.tag)
        gid = group_id("alpha", "Avant %s" % self.tag)
        form = self.browser.get("/admin/groups/%s" % gid)
        self.assertEqual(form.status, 200)
        self.assertIn('value="Avant %s"' % self.tag, form.body)
        self.assertIn('value="5"', form.body)
        answer = self.browser.submit("/admin/groups/%s" % gid, "/admin/groups/%s" % gid,
                                     {"name": "Après %s" % self.tag, "description": "Nouveau",
                                      "discount": "7,25", "css_class": "apres"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT name, description, discount_bp, css_class"
                                       " FROM customer_group WHERE id = %s" % gid),
                         [["Après %s" % self.tag, "Nouveau", "725", "apres"]])
        # the same name, other capitals: still this group, allowed
        answer = self.browser.submit("/admin/groups/%s" % gid, "/admin/groups/%s" % gid,
                                     {"name": "APRÈS %s" % self.tag, "discount": "7,25"})
        self.assertEqual(answer.status, 303)
        # another group's name: refused, nothing changed
        answer = self.browser.submit("/admin/groups/%s" % gid, "/admin/groups/%s" % gid,
                                     {"name": "autre %s" % self.tag, "discount": "1"})
        self.assertEqual(answer.status, 400)
        self.assertIn("Un groupe porte déjà ce nom", answer.text())
        self.assertEqual(one("SELECT discount_bp FROM customer_group WHERE id = %s" % gid), "725")

    def test_delete_says_how_many_lose_the_group_and_keeps_the_customers(self):
        self.create("Partant %s" % self.tag)
        gid = group_id("alpha", "Partant %s" % self.tag)
        ids = self.customers(2)
        for cid in ids:
            self.assertEqual(self.post_form("/admin/groups/customer/%s" % cid,
                                            [("group", gid)]).status, 303)
        page = self.browser.get("/admin/groups/%s/delete" % gid)
        self.assertIn("2 clients perdront ce groupe", page.text())
        self.assertIn("restent des clients", page.text())
        self.assertIsNotNone(group_id("alpha", "Partant %s" % self.tag))
        answer = self.browser.submit("/admin/groups/%s/delete" % gid,
                                     "/admin/groups/%s/delete" % gid, {})
        self.assertEqual(answer.status, 303)
        self.assertIsNone(group_id("alpha", "Partant %s" % self.tag))
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE id IN (%s) AND erased_at IS NULL"
                             % ",".join(ids)), "2")
        for cid in ids:
            self.assertEqual(events(cid, "customer.group_removed"), ["Partant %s" % self.tag])

    def test_delete_names_the_saved_segments_that_filter_on_the_group(self):
        self.create("Filtré %s" % self.tag)
        gid = group_id("alpha", "Filtré %s" % self.tag)
        alpha = shop_id("alpha")
        # two of the shop's segments filter on it (one among other filters);
        # a segment on group 1<gid> (a longer id) and beta's do not count
        web.STACK.sql("INSERT INTO segment (shop_id, name, view_query) VALUES"
                      " (%s, 'Seg A %s', 'group=%s'), (%s, 'Seg B %s', 'status=all&group=%s&q=x'),"
                      " (%s, 'Seg C %s', 'group=1%s'), (%s, 'Seg D %s', 'group=%s')"
                      % (alpha, self.tag, gid, alpha, self.tag, gid, alpha, self.tag, gid,
                         shop_id("beta"), self.tag, gid))
        self.addCleanup(web.STACK.sql, "DELETE FROM segment WHERE name LIKE 'Seg _ %s'" % self.tag)
        page = self.browser.get("/admin/groups/%s/delete" % gid)
        self.assertEqual(page.status, 200)
        self.assertIn("Ces segments enregistrés filtrent sur ce groupe", page.text())
        warning = re.search(r'<div class="alert segments-using" role="note" id="segments-using">.*?</div>',
                            page.body, re.S).group(0)
        self.assertEqual(re.findall(r"<li>.*?>(.*?)</a></li>", warning),
                         ["Seg A %s" % self.tag, "Seg B %s" % self.tag])
        # no segment on it: no warning
        self.create("Libre %s" % self.tag)
        free = self.browser.get("/admin/groups/%s/delete" % group_id("alpha", "Libre %s" % self.tag))
        self.assertNotIn("segments-using", free.body)

    def test_member_counts(self):
        self.create("Compte %s" % self.tag)
        gid = group_id("alpha", "Compte %s" % self.tag)
        for cid in self.customers(3):
            self.post_form("/admin/groups/customer/%s" % cid, [("group", gid)])
        row = re.search(r"Compte %s.*?</tr>" % self.tag, self.browser.get("/admin/groups").body,
                        re.S).group(0)
        self.assertIn('<td class="num" data-label="Membres">3</td>', row)


class Rights(GroupsBase):
    def test_staff_see_groups_and_assign_but_do_not_change_them(self):
        self.create("Staff %s" % self.tag, "10")
        gid = group_id("alpha", "Staff %s" % self.tag)
        cid = self.customers(1)[0]
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        page = staff.get("/admin/groups")
        self.assertEqual(page.status, 200)
        self.assertIn("Staff %s" % self.tag, page.text())
        self.assertNotIn('action="/admin/groups" ', page.body)
        self.assertEqual(self.create("Par staff %s" % self.tag, browser=staff).status, 403)
        self.assertIsNone(group_id("alpha", "Par staff %s" % self.tag))
        self.assertEqual(staff.get("/admin/groups/%s" % gid).status, 403)
        answer = self.post_form("/admin/groups/%s" % gid, [("name", "x"), ("discount", "100")],
                                browser=staff)
        self.assertEqual(answer.status, 403)
        answer = self.post_form("/admin/groups/%s/delete" % gid, [], browser=staff)
        self.assertEqual(answer.status, 403)
        self.assertEqual(one("SELECT discount_bp FROM customer_group WHERE id = %s" % gid), "1000")
        answer = self.post_form("/admin/groups/customer/%s" % cid, [("group", gid)], browser=staff)
        self.assertEqual(answer.status, 303)
        self.assertEqual(members(gid), [cid])


class CustomerGroups(GroupsBase):
    def test_customer_page_assigns_and_removes_with_the_timeline(self):
        self.create("Bio %s" % self.tag)
        self.create("Pro %s" % self.tag)
        bio, pro = group_id("alpha", "Bio %s" % self.tag), group_id("alpha", "Pro %s" % self.tag)
        cid = self.customers(1)[0]
        page = self.browser.get("/admin/customers/%s" % cid)
        self.assertIn('action="/admin/groups/customer/%s"' % cid, page.body)
        self.assertIn('name="group" value="%s">' % bio, page.body)
        answer = self.post_form("/admin/groups/customer/%s" % cid, [("group", bio), ("group", pro)])
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/customers/%s" % cid)
        self.assertEqual(members(bio), [cid])
        self.assertEqual(members(pro), [cid])
        page = self.browser.get("/admin/customers/%s" % cid)
        self.assertIn('name="group" value="%s" checked>' % bio, page.body)
        self.assertIn("Ajouté au groupe · Bio %s" % self.tag, page.text())
        answer = self.post_form("/admin/groups/customer/%s" % cid, [("group", pro)])
        self.assertEqual(members(bio), [])
        self.assertEqual(members(pro), [cid])
        self.assertEqual(events(cid, "customer.group_removed"), ["Bio %s" % self.tag])
        self.assertIn("Retiré du groupe · Bio %s" % self.tag,
                      self.browser.get("/admin/customers/%s" % cid).text())
        # the same again changes nothing and writes nothing
        self.post_form("/admin/groups/customer/%s" % cid, [("group", pro)])
        self.assertEqual(events(cid, "customer.group_added"),
                         ["Bio %s" % self.tag, "Pro %s" % self.tag])

    def test_new_and_edit_forms(self):
        self.create("Forme %s" % self.tag)
        gid = group_id("alpha", "Forme %s" % self.tag)
        form = self.browser.get("/admin/customers/new")
        self.assertIn('name="group" value="%s">' % gid, form.body)
        answer = self.post_form("/admin/customers/new",
                                [("email", "%s-new@alpha.test" % self.tag), ("groups_shown", "1"),
                                 ("group", gid)], token_page="/admin/customers/new")
        self.assertEqual(answer.status, 303)
        cid = answer.header("Location").rsplit("/", 1)[1]
        self.assertEqual(members(gid), [cid])
        edit = self.browser.get("/admin/customers/%s/edit" % cid)
        self.assertIn('name="group" value="%s" checked>' % gid, edit.body)
        # the edit form without its groups (an older page) leaves them
        answer = self.post_form("/admin/customers/%s/edit" % cid,
                                [("email", "%s-new@alpha.test" % self.tag), ("first_name", "Z")],
                                token_page="/admin/customers/%s/edit" % cid)
        self.assertEqual(answer.status, 303)
        self.assertEqual(members(gid), [cid])
        # with them and none ticked: none
        answer = self.post_form("/admin/customers/%s/edit" % cid,
                                [("email", "%s-new@alpha.test" % self.tag), ("groups_shown", "1")],
                                token_page="/admin/customers/%s/edit" % cid)
        self.assertEqual(answer.status, 303)
        self.assertEqual(members(gid), [])
        self.assertEqual(events(cid, "customer.group_removed"), ["Forme %s" % self.tag])

    def test_a_refused_new_form_keeps_the_groups_ticked(self):
        self.create("Garde %s" % self.tag)
        gid = group_id("alpha", "Garde %s" % self.tag)
        answer = self.post_form("/admin/customers/new",
                                [("email", "pas-une-adresse"), ("groups_shown", "1"),
                                 ("group", gid)], token_page="/admin/customers/new")
        self.assertEqual(answer.status, 400)
        self.assertIn('name="group" value="%s" checked>' % gid, answer.body)


class Bulk(GroupsBase):
    def test_everything_a_search_matches_after_a_confirmation(self):
        self.create("Vrac %s" % self.tag, "15")
        gid = group_id("alpha", "Vrac %s" % self.tag)
        ids = self.customers(3)
        # the list's bulk form, sent by its "Groupes et étiquettes…" button
        listing = self.browser.get("/admin/customers?q=Membre%s" % self.tag)
        self.assertIn('formaction="/admin/groups/bulk"', listing.body)
        chooser = self.post_form("/admin/groups/bulk",
                                 [("action", ""), ("reason", ""), ("scope", "all"),
                                  ("q", "Membre%s" % self.tag)])
        self.assertEqual(chooser.status, 200)
        self.assertIn("3 clients choisis", chooser.text())
        self.assertIn('<option value="%s">Vrac %s</option>' % (gid, self.tag), chooser.body)
        page = self.post_form("/admin/groups/bulk",
                              [("scope", "all"), ("q", "Membre%s" % self.tag),
                               ("op", "group_add"), ("to_group", gid)])
        self.assertEqual(page.status, 200)
        self.assertIn("Ajouter au groupe « Vrac %s » : 3 clients ?" % self.tag, page.text())
        self.assertEqual(members(gid), [])
        # everything that matches: queued as a job of the worker (the
        # stack's own here), followed on its page (test_groups_bulk_job.py)
        done = self.confirm(page)
        self.assertEqual(done.status, 303)
        job = done.header("Location")
        self.assertRegex(job, r"^/admin/customers/jobs/\d+$")
        self.assertTrue(web.wait_until(
            lambda: one("SELECT state FROM job WHERE id = %s" % job.rsplit("/", 1)[1]) == "done", 60))
        self.assertIn("Groupe « Vrac %s » ajouté à 3 clients" % self.tag,
                      self.browser.get(job).text())
        self.assertEqual(members(gid), sorted(ids))
        for cid in ids:
            self.assertEqual(events(cid, "customer.group_added"), ["Vrac %s" % self.tag])

    def test_ticked_rows_count_only_those_it_changes(self):
        self.create("Coche %s" % self.tag)
        gid = group_id("alpha", "Coche %s" % self.tag)
        ids = self.customers(3)
        self.post_form("/admin/groups/customer/%s" % ids[0], [("group", gid)])
        page = self.post_form("/admin/groups/bulk",
                              [("scope", "ticked"), ("op", "group_add"), ("to_group", gid)] +
                              [("id", i) for i in ids])
        self.assertIn(": 2 clients ?", page.text())
        self.assertIn("1 client", page.text())
        done = self.confirm(page)
        self.assertIn(": 2 clients", done.text())
        self.assertEqual(members(gid), sorted(ids))
        self.assertEqual(events(ids[0], "customer.group_added"), ["Coche %s" % self.tag])
        # removing two of them
        page = self.post_form("/admin/groups/bulk",
                              [("scope", "ticked"), ("op", "group_remove"), ("to_group", gid),
                               ("id", ids[1]), ("id", ids[2])])
        self.assertIn("Retirer du groupe « Coche %s » : 2 clients ?" % self.tag, page.text())
        self.confirm(page)
        self.assertEqual(members(gid), [ids[0]])

    def test_nobody_to_change_is_said(self):
        self.create("Vide %s" % self.tag)
        gid = group_id("alpha", "Vide %s" % self.tag)
        cid = self.customers(1)[0]
        page = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("op", "group_remove"),
                                                     ("to_group", gid), ("id", cid)])
        self.assertEqual(page.status, 400)
        self.assertIn("Aucun des clients choisis n'est dans le groupe", page.text())
        page = self.post_form("/admin/groups/bulk", [("scope", "ticked")])
        self.assertEqual(page.status, 400)
        self.assertIn("Aucun client", page.text())

    def test_bad_bulk_inputs(self):
        cid = self.customers(1)[0]
        for fields in ([("op", "group_add")], [("op", "explode"), ("to_group", "1")],
                       [("op", "group_add"), ("to_group", "abc")]):
            with self.subTest(fields=fields):
                answer = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", cid)] + fields)
                self.assertEqual(answer.status, 400)


class Tenancy(GroupsBase):
    def setUp(self):
        super().setUp()
        self.beta = web.Browser(BETA_HOST)
        self.assertEqual(self.beta.sign_in(*BETA_OWNER).status, 303)
        self.create("Secret %s" % self.tag, "50", "secret-%s" % self.tag, browser=self.beta)
        self.beta_group = group_id("beta", "Secret %s" % self.tag)
        self.beta_customer = beta_customer(self.tag)
        self.beta_snapshot = web.STACK.sql(
            "SELECT name, description, discount_bp, css_class FROM customer_group WHERE id = %s"
            % self.beta_group)

    def tearDown(self):
        self.assertEqual(web.STACK.sql(
            "SELECT name, description, discount_bp, css_class FROM customer_group WHERE id = %s"
            % self.beta_group), self.beta_snapshot)
        self.assertEqual(members(self.beta_group), [])
        super().tearDown()

    def test_another_shops_group_in_every_url(self):
        gid = self.beta_group
        self.assertNotIn("Secret %s" % self.tag, self.browser.get("/admin/groups").text())
        self.assertEqual(self.browser.get("/admin/groups/%s" % gid).status, 404)
        self.assertEqual(self.browser.get("/admin/groups/%s/delete" % gid).status, 404)
        self.assertEqual(self.post_form("/admin/groups/%s" % gid,
                                        [("name", "Pris"), ("discount", "100")]).status, 404)
        self.assertEqual(self.post_form("/admin/groups/%s/delete" % gid, []).status, 404)

    def test_another_shops_group_in_every_form(self):
        cid = self.customers(1)[0]
        answer = self.post_form("/admin/groups/customer/%s" % cid, [("group", self.beta_group)])
        self.assertEqual(answer.status, 404)
        self.assertIn("Ce groupe n'existe pas dans cette boutique", answer.text())
        answer = self.post_form("/admin/customers/new",
                                [("email", "%s-x@alpha.test" % self.tag), ("groups_shown", "1"),
                                 ("group", self.beta_group)], token_page="/admin/customers/new")
        self.assertEqual(answer.status, 404)
        self.assertIsNone(one("SELECT id FROM customer WHERE email = '%s-x@alpha.test'" % self.tag))
        answer = self.post_form("/admin/customers/%s/edit" % cid,
                                [("email", "%s-0@alpha.test" % self.tag), ("first_name", "Changé"),
                                 ("groups_shown", "1"), ("group", self.beta_group)],
                                token_page="/admin/customers/%s/edit" % cid)
        self.assertEqual(answer.status, 404)
        self.assertEqual(one("SELECT first_name FROM customer WHERE id = %s" % cid), "")
        answer = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", cid),
                                                       ("op", "group_add"),
                                                       ("to_group", self.beta_group), ("confirm", "1")])
        self.assertEqual(answer.status, 404)

    def test_another_shops_customer_is_not_changed(self):
        self.create("Mien %s" % self.tag)
        gid = group_id("alpha", "Mien %s" % self.tag)
        answer = self.post_form("/admin/groups/customer/%s" % self.beta_customer, [("group", gid)])
        self.assertEqual(answer.status, 404)
        answer = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("op", "group_add"),
                                                       ("to_group", gid), ("confirm", "1"),
                                                       ("id", self.beta_customer)])
        self.assertEqual(answer.status, 400)
        self.assertEqual(members(gid), [])


if __name__ == "__main__":
    unittest.main()
