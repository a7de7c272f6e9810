"""Tags (issue 16, point 2): free words typed on a customer's page with
the shop's existing tags suggested (a datalist), at most 250 a shop (the
251st refused with a clear message, also when two requests add at once),
renamed, merged (never into itself) and deleted on /admin/tags with their
counts, added and removed in bulk. Each change is in the customer's
timeline; another shop's tag or customer ids change nothing."""

import re
import threading
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
from grouping_steps import GroupingBase, beta_customer, events, one, shop_id
import web


def tag_id(slug, name):
    return one("SELECT id FROM tag WHERE shop_id = %s AND name = '%s'" % (shop_id(slug), name))


def tagged(tid):
    return sorted(r[0] for r in web.STACK.sql(
        "SELECT customer_id FROM customer_tag WHERE tag_id = %s" % tid))


class TagsBase(GroupingBase):
    prefix = "tg"
    class_letters = 5
    table = "tag"
    last_name = "Etiq"
    token_page = "/admin/tags"

    def add(self, customer_id, name, browser=None):
        return self.post_form("/admin/tags/customer/%s" % customer_id, [("tag", name)],
                              browser=browser)


class CustomerTags(TagsBase):
    def test_typed_on_the_customer_page_with_suggestions(self):
        first, second = self.customers(2)
        answer = self.add(first, "Bio %s" % self.tag)
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/admin/customers/%s" % first)
        tid = tag_id("alpha", "Bio %s" % self.tag)
        self.assertEqual(tagged(tid), [first])
        page = self.browser.get("/admin/customers/%s" % first)
        self.assertIn('<span class="tag">Bio %s</span>' % self.tag, page.body)
        self.assertIn("Étiquette ajoutée · Bio %s" % self.tag, page.text())
        # the other customer's page suggests it, without script
        page = self.browser.get("/admin/customers/%s" % second)
        self.assertIn('list="tag-names"', page.body)
        datalist = re.search(r'<datalist id="tag-names">(.*?)</datalist>', page.body, re.S).group(1)
        self.assertIn('<option value="Bio %s">' % self.tag, datalist)
        self.assertNotIn("<script", page.body.split("<datalist")[1].split("</datalist>")[0])

    def test_the_same_name_with_other_capitals_and_accents_is_the_same_tag(self):
        first, second = self.customers(2)
        self.add(first, "Épicé %s" % self.tag)
        self.add(second, "epice %s" % self.tag.upper())
        self.assertEqual(one("SELECT COUNT(*) FROM tag WHERE name LIKE '%%%s'" % self.tag), "1")
        self.assertEqual(tagged(tag_id("alpha", "Épicé %s" % self.tag)), sorted([first, second]))
        # twice on one customer: once, one timeline row
        self.add(first, "ÉPICÉ %s" % self.tag)
        self.assertEqual(events(first, "customer.tag_added"), ["Épicé %s" % self.tag])

    def test_removed_from_the_customer_page(self):
        cid = self.customers(1)[0]
        self.add(cid, "Ôter %s" % self.tag)
        tid = tag_id("alpha", "Ôter %s" % self.tag)
        answer = self.post_form("/admin/tags/customer/%s/remove" % cid, [("tag", tid)])
        self.assertEqual(answer.status, 303)
        self.assertEqual(tagged(tid), [])
        self.assertEqual(events(cid, "customer.tag_removed"), ["Ôter %s" % self.tag])
        # the tag stays in the shop's list
        self.assertIsNotNone(tag_id("alpha", "Ôter %s" % self.tag))

    def test_bad_names_refused(self):
        cid = self.customers(1)[0]
        answer = self.add(cid, "   ")
        self.assertEqual(answer.status, 400)
        self.assertIn("Écrivez le nom de l'étiquette", answer.text())
        answer = self.add(cid, "x" * 51)
        self.assertEqual(answer.status, 400)
        self.assertEqual(one("SELECT COUNT(*) FROM customer_tag WHERE customer_id = %s" % cid), "0")

    def test_staff_tag_customers_and_manage_tags(self):
        cid = self.customers(1)[0]
        staff = web.Browser(ALPHA_HOST)
        self.assertEqual(staff.sign_in(*ALPHA_STAFF).status, 303)
        self.assertEqual(self.add(cid, "Staff %s" % self.tag, browser=staff).status, 303)
        tid = tag_id("alpha", "Staff %s" % self.tag)
        self.assertEqual(staff.get("/admin/tags").status, 200)
        answer = self.post_form("/admin/tags/%s/rename" % tid, [("name", "Staff2 %s" % self.tag)],
                                browser=staff)
        self.assertEqual(answer.status, 303)


class Limit(TagsBase):
    def fill(self, total):
        """Gives alpha tags of this test up to total (through SQL: the
        limit is what is tested, not 250 requests)."""
        have = int(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")))
        web.STACK.sql("INSERT INTO tag (shop_id, name) SELECT %s, CONCAT('Lot %s ', seq)"
                      " FROM seq_1_to_%d" % (shop_id("alpha"), self.tag, total - have))

    def test_the_251st_tag_is_refused_clearly(self):
        cid = self.customers(1)[0]
        self.fill(249)
        self.assertEqual(self.add(cid, "Deux-cent-cinquantième %s" % self.tag).status, 303)
        answer = self.add(cid, "De trop %s" % self.tag)
        self.assertEqual(answer.status, 400)
        self.assertIn("La boutique a déjà 250 étiquettes, le maximum", answer.text())
        self.assertIsNone(tag_id("alpha", "De trop %s" % self.tag))
        self.assertEqual(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")), "250")
        # an existing one is still given
        self.assertEqual(self.add(cid, "lot %s 7" % self.tag).status, 303)
        self.assertIn("250 / 250", self.browser.get("/admin/tags").text())
        # and in bulk, a new one is refused the same way
        page = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", cid),
                                                     ("op", "tag_add"), ("to_tag", "Encore %s" % self.tag),
                                                     ("confirm", "1")])
        self.assertEqual(page.status, 400)
        self.assertIn("La boutique a déjà 250 étiquettes", page.text())
        self.assertIsNone(tag_id("alpha", "Encore %s" % self.tag))
        # other shops have their own 250
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        gwen = beta_customer(self.tag)
        self.assertEqual(self.add(gwen, "Beta %s" % self.tag, browser=beta).status, 303)

    def test_two_adds_at_once_cannot_pass_the_limit(self):
        ids = self.customers(2)
        self.fill(249)
        browsers = []
        for _ in ids:
            browser = web.Browser(ALPHA_HOST)
            browser.sign_in(*ALPHA_OWNER)
            browsers.append((browser, browser.get("/admin/tags").csrf()))
        results = []
        start = threading.Barrier(len(ids))

        def add(index):
            browser, token = browsers[index]
            start.wait()
            body = web.urllib.parse.urlencode([("tag", "Course %s %d" % (self.tag, index)),
                                               ("csrf", token)])
            results.append(browser.request(
                "POST", "/admin/tags/customer/%s" % ids[index], body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"}).status)

        threads = [threading.Thread(target=add, args=(i,)) for i in range(len(ids))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), [303, 400])
        self.assertEqual(one("SELECT COUNT(*) FROM tag WHERE shop_id = %s" % shop_id("alpha")), "250")


class TagPage(TagsBase):
    def test_counts_rename_and_a_name_taken(self):
        ids = self.customers(2)
        for cid in ids:
            self.add(cid, "Vieux %s" % self.tag)
        self.add(ids[0], "Autre %s" % self.tag)
        tid = tag_id("alpha", "Vieux %s" % self.tag)
        row = re.search(r"Vieux %s</span></td><td class=\"num\"[^>]*>(\d+)</td>" % self.tag,
                        self.browser.get("/admin/tags").body)
        self.assertEqual(row.group(1), "2")
        answer = self.post_form("/admin/tags/%s/rename" % tid, [("name", "Neuf %s" % self.tag)])
        self.assertEqual(answer.status, 303)
        self.assertEqual(one("SELECT name FROM tag WHERE id = %s" % tid), "Neuf %s" % self.tag)
        self.assertEqual(tagged(tid), sorted(ids))
        self.assertEqual(events(ids[0], "customer.tag_renamed"),
                         ["Vieux %s → Neuf %s" % (self.tag, self.tag)])
        answer = self.post_form("/admin/tags/%s/rename" % tid, [("name", "AUTRE %s" % self.tag)])
        self.assertEqual(answer.status, 400)
        self.assertIn("Une autre étiquette porte déjà ce nom", answer.text())
        self.assertEqual(one("SELECT name FROM tag WHERE id = %s" % tid), "Neuf %s" % self.tag)
        answer = self.post_form("/admin/tags/%s/rename" % tid, [("name", "")])
        self.assertEqual(answer.status, 400)
        self.assertEqual(one("SELECT name FROM tag WHERE id = %s" % tid), "Neuf %s" % self.tag)

    def test_merge_two_tags_into_one(self):
        a, b, c = self.customers(3)
        self.add(a, "Fromage %s" % self.tag)
        self.add(b, "Fromage %s" % self.tag)
        self.add(b, "Fromages %s" % self.tag)
        self.add(c, "Fromages %s" % self.tag)
        # nothing is chosen for the admin: a first click cannot merge a tag
        # into itself, nor an unseen default into another
        page = self.browser.get("/admin/tags")
        for name in ("from", "into"):
            self.assertRegex(page.body, r'<select id="merge-%s" name="%s" required><option value="">'
                             % (name, name))
        source, target = tag_id("alpha", "Fromage %s" % self.tag), tag_id("alpha", "Fromages %s" % self.tag)
        answer = self.post_form("/admin/tags/merge", [("from", source), ("into", target)])
        self.assertEqual(answer.status, 303)
        self.assertIsNone(tag_id("alpha", "Fromage %s" % self.tag))
        self.assertEqual(tagged(target), sorted([a, b, c]))
        self.assertEqual(events(a, "customer.tag_merged"),
                         ["Fromage %s → Fromages %s" % (self.tag, self.tag)])

    def test_merging_a_tag_into_itself_is_refused(self):
        cid = self.customers(1)[0]
        self.add(cid, "Seul %s" % self.tag)
        tid = tag_id("alpha", "Seul %s" % self.tag)
        answer = self.post_form("/admin/tags/merge", [("from", tid), ("into", tid)])
        self.assertEqual(answer.status, 400)
        self.assertIn("une étiquette ne se fusionne pas dans elle-même", answer.text())
        self.assertEqual(tagged(tid), [cid])

    def test_bad_merge_inputs(self):
        for fields in ([("from", "abc"), ("into", "1")], [("into", "1")], [("from", "0"), ("into", "1")]):
            with self.subTest(fields=fields):
                self.assertEqual(self.post_form("/admin/tags/merge", fields).status, 400)

    def test_delete_says_how_many_lose_it(self):
        ids = self.customers(2)
        for cid in ids:
            self.add(cid, "Adieu %s" % self.tag)
        tid = tag_id("alpha", "Adieu %s" % self.tag)
        page = self.browser.get("/admin/tags/%s/delete" % tid)
        self.assertIn("2 clients perdront cette étiquette", page.text())
        answer = self.post_form("/admin/tags/%s/delete" % tid, [])
        self.assertEqual(answer.status, 303)
        self.assertIsNone(tag_id("alpha", "Adieu %s" % self.tag))
        self.assertEqual(one("SELECT COUNT(*) FROM customer_tag WHERE tag_id = %s" % tid), "0")
        self.assertEqual(events(ids[1], "customer.tag_removed"), ["Adieu %s" % self.tag])

    def test_delete_names_the_saved_segments_that_filter_on_the_tag(self):
        cid = self.customers(1)[0]
        self.add(cid, "Filtre %s" % self.tag)
        tid = tag_id("alpha", "Filtre %s" % self.tag)
        web.STACK.sql("INSERT INTO segment (shop_id, name, view_query) VALUES"
                      " (%s, 'Seg T %s', 'tag=%s&status=all'), (%s, 'Seg G %s', 'group=%s')"
                      % (shop_id("alpha"), self.tag, tid, shop_id("alpha"), self.tag, tid))
        self.addCleanup(web.STACK.sql, "DELETE FROM segment WHERE name LIKE 'Seg _ %s'" % self.tag)
        page = self.browser.get("/admin/tags/%s/delete" % tid)
        self.assertIn("Ces segments enregistrés filtrent sur cette étiquette", page.text())
        self.assertIn("Seg T %s" % self.tag, page.text())
        self.assertNotIn("Seg G %s" % self.tag, page.text())


class BulkTags(TagsBase):
    def test_bulk_add_a_new_tag_to_a_search_then_remove_it(self):
        ids = self.customers(3)
        query = [("scope", "all"), ("q", "Etiq%s" % self.tag)]
        chooser = self.post_form("/admin/groups/bulk", query)
        self.assertIn('list="tag-names"', chooser.body)
        page = self.post_form("/admin/groups/bulk", query + [("op", "tag_add"),
                                                             ("to_tag", "Marché %s" % self.tag)])
        self.assertIn("Ajouter l'étiquette « Marché %s » : 3 clients ?" % self.tag, page.text())
        # nothing made before the confirmation, the new tag neither
        self.assertIsNone(tag_id("alpha", "Marché %s" % self.tag))
        # everything that matches: the tag made at the confirmation, given
        # by a job of the worker (the stack's own here, see
        # test_groups_bulk_job.py)
        done = self.confirm(page)
        self.assertEqual(done.status, 303)
        job = done.header("Location")
        self.assertTrue(web.wait_until(
            lambda: one("SELECT state FROM job WHERE id = %s" % job.rsplit("/", 1)[1]) == "done", 60))
        self.assertIn("Étiquette « Marché %s » ajoutée à 3 clients" % self.tag,
                      self.browser.get(job).text())
        tid = tag_id("alpha", "Marché %s" % self.tag)
        self.assertEqual(tagged(tid), sorted(ids))
        page = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", ids[0]),
                                                     ("op", "tag_remove"),
                                                     ("to_tag", "marche %s" % self.tag)])
        self.assertIn("Retirer l'étiquette « Marché %s » : 1 client ?" % self.tag, page.text())
        self.confirm(page)
        self.assertEqual(tagged(tid), sorted(ids[1:]))
        self.assertEqual(events(ids[0], "customer.tag_removed"), ["Marché %s" % self.tag])

    def test_removing_a_tag_nobody_has_heard_of(self):
        cid = self.customers(1)[0]
        answer = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", cid),
                                                       ("op", "tag_remove"), ("to_tag", "Inconnu %s" % self.tag)])
        self.assertEqual(answer.status, 404)
        self.assertIsNone(tag_id("alpha", "Inconnu %s" % self.tag))
        # a typo loses nothing: the choice again, saying why, with the
        # customers chosen and the name typed
        self.assertIn("Cette étiquette n'existe pas dans cette boutique.", answer.text())
        self.assertIn('<input type="hidden" name="id" value="%s">' % cid, answer.body)
        self.assertIn('value="Inconnu %s"' % self.tag, answer.body)


class Tenancy(TagsBase):
    def setUp(self):
        super().setUp()
        self.beta = web.Browser(BETA_HOST)
        self.assertEqual(self.beta.sign_in(*BETA_OWNER).status, 303)
        self.gwen = beta_customer(self.tag)
        self.assertEqual(self.add(self.gwen, "Secret %s" % self.tag, browser=self.beta).status, 303)
        self.beta_tag = tag_id("beta", "Secret %s" % self.tag)

    def tearDown(self):
        self.assertEqual(one("SELECT name FROM tag WHERE id = %s" % self.beta_tag),
                         "Secret %s" % self.tag)
        self.assertEqual(tagged(self.beta_tag), [self.gwen])
        web.STACK.sql("DELETE FROM customer_tag WHERE tag_id = %s" % self.beta_tag)
        super().tearDown()

    def test_another_shops_tag_in_every_url_and_form(self):
        cid = self.customers(1)[0]
        self.add(cid, "Mien %s" % self.tag)
        mine = tag_id("alpha", "Mien %s" % self.tag)
        page = self.browser.get("/admin/tags")
        self.assertNotIn("Secret %s" % self.tag, page.text())
        self.assertNotIn("Secret %s" % self.tag, self.browser.get("/admin/customers/%s" % cid).body)
        self.assertEqual(self.browser.get("/admin/tags/%s/delete" % self.beta_tag).status, 404)
        self.assertEqual(self.post_form("/admin/tags/%s/delete" % self.beta_tag, []).status, 404)
        self.assertEqual(self.post_form("/admin/tags/%s/rename" % self.beta_tag,
                                        [("name", "Pris")]).status, 404)
        for fields in ([("from", self.beta_tag), ("into", mine)],
                       [("from", mine), ("into", self.beta_tag)]):
            with self.subTest(fields=fields):
                self.assertEqual(self.post_form("/admin/tags/merge", fields).status, 404)
        self.assertEqual(tagged(mine), [cid])
        answer = self.post_form("/admin/tags/customer/%s/remove" % self.gwen, [("tag", self.beta_tag)])
        self.assertEqual(answer.status, 404)
        answer = self.post_form("/admin/tags/customer/%s/remove" % cid, [("tag", self.beta_tag)])
        self.assertEqual(answer.status, 404)
        # a name is the shop's own: alpha's "Secret" is a new alpha tag
        self.assertEqual(self.add(cid, "Secret %s" % self.tag).status, 303)
        self.assertNotEqual(tag_id("alpha", "Secret %s" % self.tag), self.beta_tag)

    def test_another_shops_customer(self):
        self.add(self.customers(1)[0], "Mien %s" % self.tag)
        self.assertEqual(self.add(self.gwen, "Mien %s" % self.tag).status, 404)
        answer = self.post_form("/admin/groups/bulk", [("scope", "ticked"), ("id", self.gwen),
                                                       ("op", "tag_add"), ("to_tag", "Mien %s" % self.tag),
                                                       ("confirm", "1")])
        self.assertEqual(answer.status, 400)
        self.assertEqual(one("SELECT COUNT(*) FROM customer_tag WHERE customer_id = %s" % self.gwen),
                         "1")


if __name__ == "__main__":
    unittest.main()
