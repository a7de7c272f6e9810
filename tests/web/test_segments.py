"""Issue 16, the list's slices and saved segments: the customer list's group,
tag and "first order in the last N days" filters (the customer query's, so
the bulk actions and the export take them too), a filter naming a group or
tag the shop does not have (deleted, or another shop's) said on the page;
saved segments (/admin/segments): a list view saved by name, shared by the
shop's admins, listed with its count, opened, renamed, deleted; the two
built-in ones (new customers, returning customers); a segment whose
filters no longer exist opening on a notice; export and mail links; the
tax exemption in the export; another shop's segment ids answered 404."""

import csv
import io
import html
import re
import unittest
import urllib.parse

import segments_data as data
from segments_data import HOST_A, HOST_B, OWNER_A, OWNER_B, STAFF_A, sql, quoted


def setUpModule():
    data.load()


def emails_of(page):
    return sorted(data.listed(page))


class SliceFilters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = data.signed_in(HOST_A, OWNER_A)
        cls.shop = data.shop_id("segments")
        cls.other = data.shop_id("segmentsb")

    def test_group_filter_lists_its_members_only(self):
        group = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?group=%s" % group)
        self.assertEqual(page.status, 200)
        self.assertEqual(emails_of(page), sorted(data.MEMBERS["Adhérents"]))
        self.assertIn("3 clients", page.body)
        # the filter form shows the group chosen, among the shop's groups
        self.assertRegex(page.body, r'<option value="%s" selected>Adhérents</option>' % group)
        self.assertIn(">Producteurs</option>", page.body)

    def test_tag_filter_and_group_filter_together(self):
        tag = data.tag_id(self.shop, "bio")
        page = self.browser.get("/admin/customers?tag=%s" % tag)
        self.assertEqual(emails_of(page), sorted(data.TAGGED["bio"]))
        group = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?tag=%s&group=%s" % (tag, group))
        self.assertEqual(emails_of(page), ["anne@segments.test"])

    def test_group_filter_with_a_search_and_a_sort(self):
        group = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?q=bruno&group=%s" % group)
        self.assertEqual(emails_of(page), ["bruno@segments.test"])
        page = self.browser.get("/admin/customers?group=%s&sort=email&dir=desc" % group)
        self.assertEqual(data.listed(page), sorted(data.MEMBERS["Adhérents"], reverse=True))

    def test_a_big_group_gives_every_member_once_in_the_lists_order(self):
        group = data.group_id(self.shop, "Grand groupe")
        for sort, direction, order in (("name", "asc", "c.last_name, c.first_name, c.id"),
                                       ("email", "desc", "c.email DESC"),
                                       ("created", "desc", "c.created_at DESC, c.id DESC")):
            with self.subTest(sort=sort, dir=direction):
                expected = [row[0] for row in sql(
                    "SELECT c.email FROM customer c JOIN customer_group_member m"
                    " ON m.customer_id = c.id WHERE m.group_id = %s ORDER BY %s"
                    % (group, order))]
                path = "/admin/customers?group=%s&sort=%s&dir=%s" % (group, sort, direction)
                page = self.browser.get(path)
                self.assertIn("sur %d clients" % len(expected), page.body.replace("\u202f", " "))
                seen = data.listed(page)
                while 'rel="next"' in page.body:
                    link = re.search(r'rel="next" href="([^"]+)"', page.body).group(1)
                    page = self.browser.get(link.replace("&amp;", "&"))
                    seen += data.listed(page)
                if sort in ("name", "email"):
                    self.assertEqual(seen, expected)
                else:
                    self.assertEqual(sorted(seen), sorted(expected))
                    self.assertEqual(len(seen), len(set(seen)))

    def test_a_member_renamed_or_readdressed_is_listed_in_their_new_place(self):
        """A group's or a tag's list in name or e-mail order reads the
        members' own copy of that order (sql/026), which follows a change
        of name or address made after they joined."""
        group = data.group_id(self.shop, "Grand groupe")
        members = [row[0] for row in sql(
            "SELECT c.id FROM customer c JOIN customer_group_member m ON m.customer_id = c.id"
            " WHERE m.group_id = %s ORDER BY c.id LIMIT 6" % group)]
        moved = members[0]
        before = sql("SELECT last_name, email FROM customer WHERE id = %s" % moved)[0]
        sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'déménagé')" % self.shop)
        tag = data.tag_id(self.shop, "déménagé")
        for member in members:
            sql("INSERT INTO customer_tag (shop_id, tag_id, customer_id) VALUES (%s, %s, %s)"
                % (self.shop, tag, member))
        try:
            sql("UPDATE customer SET last_name = 'Aaron', email = 'zz-moved@segments.test'"
                " WHERE id = %s" % moved)
            for view in ("group=%s" % group, "group=%s&sort=email&dir=desc" % group,
                         "tag=%s" % tag, "tag=%s&sort=email&dir=desc" % tag,
                         "tag=%s&group=%s&sort=email&dir=desc" % (tag, group)):
                with self.subTest(view=view):
                    seen = data.listed(self.browser.get("/admin/customers?" + view))
                    self.assertEqual(seen[0], "zz-moved@segments.test")
                    self.assertEqual(seen.count("zz-moved@segments.test"), 1)
            seen = data.listed(self.browser.get("/admin/customers?tag=%s&sort=email" % tag))
            self.assertEqual(seen[-1], "zz-moved@segments.test")
            self.assertEqual(len(seen), 6)
        finally:
            sql("UPDATE customer SET last_name = %s, email = %s WHERE id = %s"
                % (quoted(before[0]), quoted(before[1]), moved))
            sql("DELETE FROM tag WHERE id = %s" % tag)

    def test_a_search_within_a_big_or_a_small_group(self):
        big = data.group_id(self.shop, "Grand groupe")
        expected = sorted(row[0] for row in sql(
            "SELECT c.email FROM customer c JOIN customer_group_member m ON m.customer_id = c.id"
            " WHERE m.group_id = %s AND c.last_name LIKE 'zmembre12%%'" % big))
        self.assertTrue(0 < len(expected) < 11, expected)
        page = self.browser.get("/admin/customers?q=zmembre12&group=%s" % big)
        self.assertEqual(emails_of(page), expected)
        small = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?q=segments&group=%s&sort=spent&dir=desc"
                                % small)
        self.assertEqual(emails_of(page), sorted(data.MEMBERS["Adhérents"]))
        page = self.browser.get("/admin/customers?q=zmembre12&group=%s" % small)
        self.assertEqual(data.listed(page), [])

    def test_another_shops_group_or_tag_is_said_and_matches_nobody(self):
        for key, id_ in (("group", data.group_id(self.other, "Secret club")),
                         ("tag", data.tag_id(self.other, "secret-tag")),
                         ("group", 999999999)):
            with self.subTest(key=key, id=id_):
                page = self.browser.get("/admin/customers?%s=%s" % (key, id_))
                self.assertEqual(page.status, 200)
                self.assertIn("n'existe plus", page.text())
                self.assertEqual(data.listed(page), [])
                self.assertNotIn("Betasecret", page.body)
                self.assertNotIn("Secret club", page.body)
                self.assertNotIn("secret-tag", page.body)

    def test_the_filters_groups_and_tags_follow_every_change_at_once(self):
        """Each copy of customers.fcgi keeps a shop's groups and tags for
        the filter form (sql/027): a group or a tag added, renamed or
        deleted, by any program or by an import's or the API's statements,
        is in the next list of every copy, and each shop sees its own."""
        def options(browser, name):
            """The options' names, sorted, after checking every copy shows
            the same ones."""
            pages = [browser.get("/admin/customers") for _ in range(6)]  # both copies
            found = set()
            for page in pages:
                self.assertEqual(page.status, 200)
                select = re.search(r'<select name="%s">(.*?)</select>' % name, page.body, re.S)
                found.add(tuple(re.findall(r"<option value=\"\d+\">([^<]*)</option>",
                                           select.group(1))))
            self.assertEqual(len(found), 1, "the copies disagree: %s" % found)
            return sorted(found.pop())

        other = data.signed_in(HOST_B, OWNER_B)
        tags, groups = options(self.browser, "tag"), options(self.browser, "group")
        other_tags = options(other, "tag")
        self.addCleanup(sql, "DELETE FROM tag WHERE shop_id = %s AND name LIKE 'Tmp %%'"
                        % self.shop)
        self.addCleanup(sql, "DELETE FROM customer_group WHERE shop_id = %s AND name LIKE"
                        " 'Tmp %%'" % self.shop)
        sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'tmp légumes')" % self.shop)
        self.assertEqual(options(self.browser, "tag"), sorted(tags + ["tmp légumes"]))
        self.assertEqual(options(other, "tag"), other_tags)
        sql("UPDATE tag SET name = 'tmp fruits' WHERE shop_id = %s AND name = 'tmp légumes'"
            % self.shop)
        self.assertEqual(options(self.browser, "tag"), sorted(tags + ["tmp fruits"]))
        sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Tmp AMAP')" % self.shop)
        self.assertEqual(options(self.browser, "group"), sorted(groups + ["Tmp AMAP"]))
        # chosen in the filter, the new ones are said by name
        page = self.browser.get("/admin/customers?tag=%s" % data.tag_id(self.shop, "tmp fruits"))
        self.assertRegex(page.body, r'<option value="\d+" selected>tmp fruits</option>')
        self.assertNotIn("n'existe plus", page.text())
        sql("DELETE FROM tag WHERE shop_id = %s AND name = 'tmp fruits'" % self.shop)
        sql("DELETE FROM customer_group WHERE shop_id = %s AND name = 'Tmp AMAP'" % self.shop)
        self.assertEqual(options(self.browser, "tag"), tags)
        self.assertEqual(options(self.browser, "group"), groups)
        self.assertEqual(options(other, "tag"), other_tags)

    def test_a_shops_label_version_never_comes_back(self):
        """A copy keeps a shop's groups and tags under the version the door
        read: a version given again would show an old list. The row goes
        when a shop delete stops half-way; the next bump must still be past
        every version the shop had."""
        self.addCleanup(sql, "DELETE FROM tag WHERE shop_id = %s AND name LIKE 'tmp %%'"
                        % self.shop)

        def version():
            found = sql("SELECT version FROM label_version WHERE shop_id = %s" % self.shop)
            return int(found[0][0]) if found else 0

        sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'tmp un')" % self.shop)
        sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'tmp deux')" % self.shop)
        seen = version()
        self.assertGreater(seen, 0)
        sql("DELETE FROM label_version WHERE shop_id = %s" % self.shop)
        self.assertEqual(version(), 0)
        sql("UPDATE tag SET name = 'tmp trois' WHERE shop_id = %s AND name = 'tmp deux'"
            % self.shop)
        self.assertGreater(version(), seen)
        page = self.browser.get("/admin/customers")
        self.assertIn(">tmp trois</option>", page.body)
        self.assertNotIn(">tmp deux</option>", page.body)

    def test_bad_filter_values_are_refused(self):
        for query in ("group=abc", "group=0", "tag=-1", "first_days=0", "first_days=99999",
                      "group=1&group=2"):
            with self.subTest(query=query):
                page = self.browser.get("/admin/customers?" + query)
                self.assertEqual(page.status, 400)

    def test_first_order_in_the_last_days(self):
        page = self.browser.get("/admin/customers?first_days=30")
        self.assertEqual(emails_of(page), ["anne@segments.test", "denis@segments.test",
                                           "emma@segments.test"])
        page = self.browser.get("/admin/customers?first_days=4")
        self.assertEqual(emails_of(page), ["emma@segments.test"])

    def test_the_export_takes_the_group_filter(self):
        group = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?group=%s" % group)
        link = re.search(r'id="export-button" href="([^"]+)"', page.body).group(1)
        self.assertIn("group=%s" % group, link)
        export = self.browser.get(link.replace("&amp;", "&"))
        self.assertEqual(export.status, 200)
        self.assertIn("Adhérents", export.body)
        rows = self.export_rows({"group": group})
        self.assertEqual(sorted(row["E-mail"] for row in rows), sorted(data.MEMBERS["Adhérents"]))

    def test_the_export_writes_the_tax_exemption(self):
        rows = self.export_rows({})
        exempt = {row["E-mail"]: row["Exonéré de TVA"] for row in rows}
        self.assertEqual(exempt["bruno@segments.test"], "Oui")
        self.assertEqual(exempt["anne@segments.test"], "Non")

    def test_the_bulk_action_on_all_takes_the_group_filter(self):
        group = data.group_id(self.shop, "Producteurs")
        page = self.browser.get("/admin/customers?group=%s" % group)
        answer = self.browser.post("/admin/customers/bulk", {
            "csrf": page.csrf(), "group": group, "scope": "all", "action": "deactivate"})
        self.assertEqual(answer.status, 200)
        # the confirmation names the one member, and nobody else
        self.assertIn("Datte", answer.body)
        self.assertNotIn("Abeille", answer.body)

    def export_rows(self, view):
        page = self.browser.get("/admin/export?" + urllib.parse.urlencode(view))
        form = dict(view, columns="first_name,last_name,email,tax_exempt", format="csv",
                    csrf=page.csrf())
        answer = self.browser.post("/admin/export/download", form)
        self.assertEqual(answer.status, 200, answer.body[:500])
        return list(csv.DictReader(io.StringIO(answer.body, newline="")))


class SavedSegments(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = data.signed_in(HOST_A, OWNER_A)
        cls.staff = data.signed_in(HOST_A, STAFF_A)
        cls.stranger = data.signed_in(HOST_B, OWNER_B)
        cls.shop = data.shop_id("segments")

    def save(self, name, view, browser=None):
        browser = browser or self.browser
        page = browser.get("/admin/customers?" + view)
        return browser.post("/admin/segments", {"csrf": page.csrf(), "name": name,
                                                "view": view})

    def segment(self, name):
        rows = sql("SELECT id, view_query FROM segment WHERE shop_id = %s AND name = %s"
                   % (self.shop, quoted(name)))
        return rows[0] if rows else None

    def test_a_view_saved_from_the_list_is_listed_with_its_count_and_reopens(self):
        group = data.group_id(self.shop, "Adhérents")
        page = self.browser.get("/admin/customers?group=%s&sort=email&dir=desc" % group)
        # the list's "save this view" form carries the view
        view = re.search(r'name="view" value="([^"]+)"', page.body).group(1).replace("&amp;", "&")
        self.assertEqual(view, "group=%s&sort=email&dir=desc" % group)
        answer = self.save("Membres par e-mail", view)
        self.assertEqual(answer.status, 303)
        segment_id, stored = self.segment("Membres par e-mail")
        self.assertEqual(stored, view)
        def item(browser):
            listing = browser.get("/admin/segments")    # shared by the shop's admins
            return re.search(r'id="segment-%s">(.*?)</li>' % segment_id, listing.body,
                             re.S).group(1)
        export = 'href="/admin/export?group=%s&amp;sort=email&amp;dir=desc"' % group
        write = 'href="/admin/segments/mail?target=segment:%s"' % segment_id
        owners = item(self.browser)
        self.assertIn("Membres par e-mail", owners)
        self.assertIn("3 clients", owners)
        # what it holds, in words: its group by name
        words = re.search(r'<span class="sub segment-words">(.*?)</span>', owners, re.S).group(1)
        self.assertIn("Groupe\u00a0: Adhérents", html.unescape(words))
        self.assertIn(export, owners)
        self.assertIn(write, owners)
        # staff are offered only what they may do: writing is the owners',
        # exporting theirs when an owner allowed it
        shop = data.shop_id("segments")
        before = sql("SELECT staff_may_export FROM shop WHERE id = %s" % shop)[0][0]
        try:
            for allowed in (0, 1):
                sql("UPDATE shop SET staff_may_export = %d WHERE id = %s" % (allowed, shop))
                staff = item(self.staff)
                self.assertIn("Membres par e-mail", staff)
                self.assertEqual(export in staff, bool(allowed))
                self.assertNotIn(write, staff)
        finally:
            sql("UPDATE shop SET staff_may_export = %s WHERE id = %s" % (before, shop))
        opened = self.browser.get("/admin/segments/%s" % segment_id)
        self.assertEqual(opened.status, 303)
        self.assertEqual(opened.header("Location"), "/admin/customers?" + view)
        page = self.browser.get(opened.header("Location"))
        self.assertEqual(data.listed(page), sorted(data.MEMBERS["Adhérents"], reverse=True))

    def test_search_and_filters_are_saved_in_the_lists_own_words(self):
        answer = self.save("Recherche", "q=abeille&status=active&consent=yes&sort=name&dir=asc")
        self.assertEqual(answer.status, 303)
        self.assertEqual(self.segment("Recherche")[1],
                         "q=abeille&status=active&consent=yes&sort=name&dir=asc")
        # the segments page says them in words, without the order
        listing = self.browser.get("/admin/segments")
        item = re.search(r'id="segment-%s">(.*?)</li>' % self.segment("Recherche")[0],
                         listing.body, re.S).group(1)
        words = html.unescape(re.search(r'<span class="sub segment-words">(.*?)</span>', item,
                                        re.S).group(1)).replace("\u00a0", " ")
        self.assertEqual(words, "Recherche : « abeille » · Statut : Actifs"
                                " · Accepte le marketing : oui")

    def test_amounts_are_in_the_shops_currency(self):
        shop = data.shop_id("segments")
        before = sql("SELECT currency FROM shop WHERE id = %s" % shop)[0][0]
        sql("UPDATE shop SET currency = 'GBP' WHERE id = %s" % shop)
        try:
            page = self.browser.get("/admin/customers")
            self.assertIn("<legend>Total dépensé (£)</legend>", page.body)
            self.assertEqual(self.save("Gros paniers", "spent_min=50&sort=name&dir=asc").status,
                             303)
            listing = self.browser.get("/admin/segments")
            item = re.search(r'id="segment-%s">(.*?)</li>' % self.segment("Gros paniers")[0],
                             listing.body, re.S).group(1)
            self.assertIn("Total dépensé : à partir de 50,00 £",
                          html.unescape(item).replace("\u00a0", " ").replace("\u202f", " "))
        finally:
            sql("UPDATE shop SET currency = '%s' WHERE id = %s" % (before, shop))
        self.assertIn("<legend>Total dépensé (€)</legend>",
                      self.browser.get("/admin/customers").body)

    def test_a_bad_view_or_name_is_refused_and_nothing_saved(self):
        before = sql("SELECT COUNT(*) FROM segment")
        for name, view in (("Page", "q=a&after=abc"), ("Inconnu", "color=red"),
                           ("Filtre faux", "status=nobody"), ("", "status=active"),
                           ("x" * 101, "status=active")):
            with self.subTest(name=name[:10], view=view):
                answer = self.save(name, view)
                self.assertEqual(answer.status, 400)
        self.assertEqual(sql("SELECT COUNT(*) FROM segment"), before)
        answer = self.save("Filtre faux", "status=nobody")
        self.assertIn("ne peut pas être enregistrée", answer.body)
        # a name of spaces or too long: the segments page says why, with
        # the shop's segments still there (not a bare error page)
        for name in ("   ", "x" * 101):
            answer = self.save(name, "status=active")
            self.assertEqual(answer.status, 400)
            self.assertIn("Donnez à ce segment un nom de 1 à 100 caractères", answer.text())
            self.assertIn('id="segment-new"', answer.body)

    def test_a_duplicate_name_is_refused_with_accents_and_case_folded(self):
        self.assertEqual(self.save("Clients fidèles", "orders_min=3").status, 303)
        answer = self.save("CLIENTS FIDELES", "orders_min=4")
        self.assertEqual(answer.status, 400)
        self.assertIn("Un segment porte déjà ce nom", answer.body)
        self.assertEqual(self.segment("Clients fidèles")[1], "orders_min=3&sort=name&dir=asc")

    def test_rename_and_delete(self):
        self.save("À renommer", "source=import")
        segment_id = self.segment("À renommer")[0]
        page = self.browser.get("/admin/segments")
        answer = self.browser.post("/admin/segments/%s/rename" % segment_id,
                                   {"csrf": page.csrf(), "name": "Importés"})
        self.assertEqual(answer.status, 303)
        self.assertIsNone(self.segment("À renommer"))
        self.assertEqual(self.segment("Importés")[0], segment_id)
        self.assertIn("Importés", self.browser.get("/admin/segments").body)
        answer = self.browser.post("/admin/segments/%s/delete" % segment_id,
                                   {"csrf": page.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertIsNone(self.segment("Importés"))
        self.assertEqual(self.browser.get("/admin/segments/%s" % segment_id).status, 404)

    def test_built_in_segments_count_and_open_their_customers(self):
        listing = self.browser.get("/admin/segments")
        new = re.search(r'id="segment-new">(.*?)</li>', listing.body, re.S).group(1)
        returning = re.search(r'id="segment-returning">(.*?)</li>', listing.body, re.S).group(1)
        self.assertIn("Nouveaux clients", new)
        self.assertIn("3 clients", new)
        self.assertIn('href="/admin/segments/mail?target=segment:new"', new)
        self.assertIn("Clients réguliers", returning)
        self.assertIn("2 clients", returning)
        for word, expected in (("new", ["anne@segments.test", "denis@segments.test",
                                        "emma@segments.test"]),
                               ("returning", ["bruno@segments.test", "denis@segments.test"])):
            with self.subTest(segment=word):
                opened = self.browser.get("/admin/segments/" + word)
                self.assertEqual(opened.status, 303)
                page = self.browser.get(opened.header("Location"))
                self.assertEqual(emails_of(page), expected)

    def test_a_segment_whose_group_was_deleted_opens_with_a_notice(self):
        sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Éphémère')" % self.shop)
        group = data.group_id(self.shop, "Éphémère")
        self.save("Groupe disparu", "group=%s&consent=yes" % group)
        segment_id = self.segment("Groupe disparu")[0]
        sql("DELETE FROM customer_group WHERE id = %s" % group)
        page = self.browser.get("/admin/segments/%s" % segment_id)
        self.assertEqual(page.status, 200)
        self.assertIn("filtres qui n'existent plus", page.text())
        self.assertIn('href="/admin/customers?consent=yes&amp;sort=name&amp;dir=asc"', page.body)
        listing = self.browser.get("/admin/segments")
        item = re.search(r'id="segment-%s">(.*?)</li>' % segment_id, listing.body, re.S).group(1)
        self.assertIn("Filtres à revoir", item)

    def test_a_segment_with_an_unknown_parameter_opens_with_a_notice(self):
        sql("INSERT INTO segment (shop_id, name, view_query) VALUES (%s, 'Ancien', "
            "'status=active&colour=red&sort=name')" % self.shop)
        segment_id = self.segment("Ancien")[0]
        page = self.browser.get("/admin/segments/%s" % segment_id)
        self.assertEqual(page.status, 200)
        self.assertIn("filtres qui n'existent plus", page.text())
        self.assertIn('href="/admin/customers?status=active&amp;sort=name"', page.body)
        self.assertEqual(self.browser.get("/admin/segments").status, 200)

    def test_another_shops_segment_ids_are_not_found(self):
        self.save("Secret de l'épicerie", "status=active")
        segment_id = self.segment("Secret de l'épicerie")[0]
        page = self.stranger.get("/admin/segments")
        self.assertNotIn("Secret de l", page.body)
        self.assertEqual(self.stranger.get("/admin/segments/%s" % segment_id).status, 404)
        for action, form in (("rename", {"name": "Volé"}), ("delete", {})):
            with self.subTest(action=action):
                answer = self.stranger.post("/admin/segments/%s/%s" % (segment_id, action),
                                            dict(form, csrf=page.csrf()))
                self.assertEqual(answer.status, 404)
        self.assertEqual(self.segment("Secret de l'épicerie")[0], segment_id)

    def test_the_pages_are_valid_html(self):
        from test_pages import tidy_problems
        self.save("Valide", "status=active")
        sql("INSERT INTO segment (shop_id, name, view_query) VALUES (%s, 'Invalide', 'colour=red')"
            " ON DUPLICATE KEY UPDATE view_query = 'colour=red'" % self.shop)
        broken = self.segment("Invalide")[0]
        group = data.group_id(self.shop, "Adhérents")
        for path in ("/admin/segments", "/admin/segments/%s" % broken,
                     "/admin/customers?group=%s" % group, "/admin/customers?group=999999",
                     "/admin/export?group=%s&first_days=30" % group):
            with self.subTest(path=path):
                page = self.browser.get(path)
                self.assertEqual(page.status, 200)
                self.assertEqual(tidy_problems(page.body), [])

    def test_the_list_links_to_the_segments(self):
        page = self.browser.get("/admin/customers")
        self.assertIn('action="/admin/segments"', page.body)
        self.assertIn('href="/admin/segments"', page.body)


if __name__ == "__main__":
    unittest.main()
