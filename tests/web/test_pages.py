"""What a shop admin sees on the customer pages (admin pages issue, part 4):
one-time notices after an action, where a list page is ("51–100 sur 948"),
names that say which is the last name, the way back to the list view the
admin came from, a confirmation before a note goes, the country a French
shop starts from, mail subjects in the history, contact links, and times in
the shop's time zone."""

import html
import re
import subprocess
import unittest
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import web


def alpha_count(where="c.status NOT IN ('inactive', 'waiting')"):
    """How many customers alpha has; by default those the list shows unfiltered
    (not inactive, not on the waiting list: other tests leave applicants there)."""
    return int(web.STACK.sql("SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
                             " WHERE s.slug = 'alpha' AND c.erased_at IS NULL AND " + where)[0][0])


def customer_id(email, shop="alpha"):
    return web.STACK.sql("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                         " WHERE s.slug = '%s' AND c.email = '%s'" % (shop, email))[0][0]


def notices(page):
    return [html.unescape(n) for n in re.findall(r'<p class="notice" role="status">(.*?)</p>', page.body)]


def tidy_problems(body):
    known = ('proprietary attribute "aria-current"', 'proprietary attribute "inputmode"')
    result = subprocess.run(["tidy", "-q", "-e"], input=body.encode(), capture_output=True)
    return [line for line in result.stderr.decode().splitlines()
            if line.strip() and not any(k in line for k in known)]


class Pages(unittest.TestCase):
    counter = 0

    def setUp(self):
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)
        Pages.counter += 1
        self.email = "pages%d@alpha.test" % Pages.counter

    def create(self, browser=None, host_form="/admin/customers/new", **fields):
        browser = browser or self.browser
        form = {"email": self.email, "first_name": "Amélie", "last_name": "André",
                "phone": "+33 6 12 34 56 78", "language": "fr"}
        form.update(fields)
        answer = browser.submit(host_form, "/admin/customers/new", form)
        self.assertEqual(answer.status, 303, answer.text())
        return answer.header("Location")


class Notices(Pages):
    def test_a_notice_says_the_customer_was_created_once(self):
        page = self.browser.get(self.create())
        self.assertEqual(notices(page), ["Client créé, invitation envoyée."])
        self.assertEqual(notices(self.browser.get(page_path(page))), [])

    def test_message_sent_and_customer_deleted_are_said(self):
        path = self.create()
        page = self.browser.get(path)
        answer = self.browser.post(path + "/message", {"csrf": page.csrf(), "subject": "Bonjour",
                                                        "text": "Votre commande est prête."})
        self.assertEqual(answer.status, 303)
        self.assertEqual(notices(self.browser.get(answer.header("Location"))), ["Message envoyé."])
        answer = self.browser.submit(path + "/delete", path + "/delete", {})
        self.assertEqual(answer.status, 303)
        listing = self.browser.get(answer.header("Location"))
        self.assertEqual(notices(listing), ["Client supprimé."])

    def test_an_english_shop_says_it_in_english(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        path = self.create(browser=beta, email="notice%d@beta.test" % Pages.counter, language="en")
        self.assertEqual(notices(beta.get(path)), ["Customer created, invitation sent."])

    def test_a_forged_notice_is_not_shown(self):
        self.browser.cookies["fidele_notice"] = "customer_erased." + "0" * 32
        self.assertEqual(notices(self.browser.get("/admin/customers")), [])
        self.assertNotIn("fidele_notice", self.browser.cookies)


def page_path(page):
    """The path of a customer's page from its own links (edit link)."""
    return re.search(r'href="(/admin/customers/\d+)/edit', page.body).group(1)


class Position(Pages):
    def test_page_two_says_where_it_is_and_of_how_many(self):
        path = self.browser.page_url("/admin/customers", 2)
        text = self.browser.get(path).text()
        self.assertIn("51–100 sur %d clients" % alpha_count(), text)

    def test_the_first_page_says_it_too(self):
        self.assertIn("1–50 sur %d clients" % alpha_count(), self.browser.get("/admin/customers").text())

    def test_a_big_shop_says_more_than_the_cap_on_later_pages(self):
        browser = Big.browser()
        page = browser.get(browser.page_url("/admin/customers", 2))
        self.assertIn("51–100 sur plus de 1 000 clients", page.text())
        # thousands grouped the French way, with a narrow no-break space
        self.assertIn("plus de 1\u202f000 clients", page.body)
        self.assertIn("1–50 sur plus de 1 000 clients", browser.get("/admin/customers").text())

    def test_a_search_that_is_not_counted_says_only_where_it_is(self):
        browser = Big.browser()
        text = browser.get(browser.page_url("/admin/customers?q=grandmagasin", 2)).text()
        self.assertIn("Clients 51–100", text)
        self.assertNotIn("51–100 sur", text)


class Big:
    """Shop pages-big: 1,100 customers, more than the list counts."""
    host, owner = "pages-big.test", ("owner@pages-big.test", "zeta-owner-password")

    @classmethod
    def browser(cls):
        stack = web.STACK
        if stack.sql("SELECT COUNT(*) FROM shop WHERE slug = 'pages-big'") != [["1"]]:
            stack.admin("shop", "add", "--slug", "pages-big", "--name", "Grand Magasin", "--language", "fr")
            stack.admin("shop", "host", "add", "--shop", "pages-big", "--host", cls.host)
            stack.admin("admin", "add", "--shop", "pages-big", "--email", cls.owner[0], "--role",
                        "owner", input=cls.owner[1] + "\n")
            stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
SELECT s.id, CONCAT('client', a.i + 40 * b.i, '@pages-big.test'), CONCAT('Prénom', a.i + 40 * b.i),
       'Grandmagasin', 'active', 'admin'
  FROM n a, n b, shop s WHERE s.slug = 'pages-big' AND b.i <= 28;""")
            stack.admin("search-reindex", "--shop", "pages-big")
        browser = web.Browser(cls.host)
        browser.sign_in(*cls.owner)
        return browser


class Names(Pages):
    def test_the_last_name_is_marked_and_comes_first_with_a_comma(self):
        path = self.create()
        listing = self.browser.get("/admin/customers?q=" + urllib.parse.quote(self.email))
        self.assertIn('<span class="family-name">André</span>, Amélie</a>', listing.body)
        self.assertIn('aria-label="André, Amélie"', listing.body)
        self.assertIn(">Nom, prénom", listing.body)
        page = self.browser.get(path)
        self.assertIn("<title>André, Amélie · Épicerie Alpha</title>", page.body)
        self.assertIn('<h1><span class="family-name">André</span>, Amélie</h1>', page.body)


class Sorting(Pages):
    def test_aria_sort_is_on_the_header_cell_not_the_link(self):
        page = self.browser.get("/admin/customers?sort=spent&dir=desc")
        self.assertRegex(page.body, r'<th scope="col" aria-sort="descending"><a href="[^"]*sort=spent&amp;dir=asc')
        self.assertNotRegex(page.body, r"<a [^>]*aria-sort")
        self.assertEqual(page.body.count("aria-sort="), 1)


class BackLink(Pages):
    def test_all_customers_goes_back_to_the_view_the_admin_came_from(self):
        view = "/admin/customers?status=all&sort=created&dir=desc&size=25"
        path = self.browser.page_url(view, 2)
        listing = self.browser.get(path)
        link = html.unescape(re.search(r'<td class="name"><a href="([^"]+)"', listing.body).group(1))
        page = self.browser.get(link)
        self.assertEqual(page.status, 200)
        back = html.unescape(re.search(r'<p class="crumbs"><a href="([^"]+)">', page.body).group(1))
        self.assertEqual(urllib.parse.urlsplit(back).path, "/admin/customers")
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(back).query),
                         urllib.parse.parse_qs(urllib.parse.urlsplit(path).query))
        self.assertIn("page", urllib.parse.parse_qs(urllib.parse.urlsplit(back).query))
        # and it is still there after an action on the page
        answer = self.browser.post(urllib.parse.urlsplit(link).path + "/notes",
                                   {"csrf": page.csrf(), "body": "Rappeler lundi",
                                    "back": back})
        self.assertEqual(answer.status, 303)
        again = self.browser.get(answer.header("Location"))
        self.assertIn('<p class="crumbs"><a href="%s">' % html.escape(back, quote=True), again.body)

    def test_a_search_with_accents_and_spaces_comes_back_whole(self):
        """the rows' way back is escaped twice (the search in the view's
        link, then the link in back=): an accent, a space and a filter
        come back as they were typed"""
        path = self.create(first_name="Zoé", last_name="Dupré-Ozanne")
        view = "/admin/customers?" + urllib.parse.urlencode(
            {"q": "zoé dupré-ozanne", "status": "all", "sort": "email", "dir": "desc"})
        listing = self.browser.get(view)
        link = html.unescape(re.search(r'<td class="name"><a href="(%s\?back=[^"]+)"' % path,
                                       listing.body).group(1))
        page = self.browser.get(link)
        self.assertEqual(page.status, 200)
        back = html.unescape(re.search(r'<p class="crumbs"><a href="([^"]+)">', page.body).group(1))
        self.assertEqual(urllib.parse.urlsplit(back).path, "/admin/customers")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)
        self.assertEqual(query["q"], ["zoé dupré-ozanne"])
        self.assertEqual((query["status"], query["sort"], query["dir"]), (["all"], ["email"], ["desc"]))
        self.assertIn("Zoé", self.browser.get(back).text())

    def test_a_back_link_that_leaves_the_list_is_ignored(self):
        cid = customer_id("xss@alpha.test")
        for back in ("https://evil.test/admin/customers", "/admin/customersX", "//evil.test",
                     "/admin/customers?q=\"><script>"):
            page = self.browser.get("/admin/customers/%s?back=%s" % (cid, urllib.parse.quote(back)))
            self.assertEqual(page.status, 200, back)
            self.assertIn('<p class="crumbs"><a href="/admin/customers">', page.body, back)


class NoteDelete(Pages):
    def test_a_note_is_deleted_only_after_a_confirmation(self):
        path = self.create()
        page = self.browser.get(path)
        self.browser.post(path + "/notes", {"csrf": page.csrf(), "body": "Allergique aux noix"})
        note = web.STACK.sql("SELECT id FROM note WHERE customer_id = %s" % path.rsplit("/", 1)[1])[0][0]
        page = self.browser.get(path)
        self.assertNotIn('action="%s/notes/%s/delete"' % (path, note), page.body)
        ask = re.search(r'href="(%s/notes/%s/delete[^"]*)"' % (path, note), page.body).group(1)
        confirm = self.browser.get(html.unescape(ask))
        self.assertEqual(confirm.status, 200)
        self.assertIn("Supprimer cette note ?", confirm.text())
        self.assertIn("Allergique aux noix", confirm.text())
        self.assertEqual(tidy_problems(confirm.body), [])
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM note WHERE id = %s" % note), [["1"]])
        answer = self.browser.post("%s/notes/%s/delete" % (path, note), {"csrf": confirm.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM note WHERE id = %s" % note), [["0"]])
        self.assertEqual(notices(self.browser.get(answer.header("Location"))), ["Note supprimée."])

    def test_another_customers_note_has_no_confirmation_page(self):
        path = self.create()
        page = self.browser.get(path)
        self.browser.post(path + "/notes", {"csrf": page.csrf(), "body": "Privée"})
        note = web.STACK.sql("SELECT id FROM note WHERE customer_id = %s" % path.rsplit("/", 1)[1])[0][0]
        other = customer_id("xss@alpha.test")
        self.assertEqual(self.browser.get("/admin/customers/%s/notes/%s/delete" % (other, note)).status, 404)


class Country(Pages):
    def test_a_french_shop_starts_new_customers_in_france(self):
        page = self.browser.get("/admin/customers/new")
        self.assertIn('<option value="FR" selected>France</option>', page.body)

    def test_an_english_shop_chooses_no_country(self):
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        self.assertNotIn(" selected>", re.search(r'<select id="country".*?</select>',
                                                  beta.get("/admin/customers/new").body, re.S).group(0))

    def test_the_country_chosen_is_kept(self):
        path = self.create()
        self.assertEqual(web.STACK.sql("SELECT IFNULL(country, '') FROM customer WHERE id = %s"
                                       % path.rsplit("/", 1)[1]), [[""]])
        self.email = "fr-" + self.email
        path = self.create(country="FR")
        self.assertIn("France", self.browser.get(path).text())


class History(Pages):
    def test_a_queued_mail_is_named_by_its_subject(self):
        page = self.browser.get(self.create())
        self.assertIn("E-mail préparé · Bienvenue chez Épicerie Alpha", page.text())
        self.assertNotIn("customer-welcome", page.text())

    def test_email_and_phone_are_links(self):
        """the address may break before its "@" on a phone's narrow
        column, the phone reads with spaces; the links dial and mail"""
        page = self.browser.get(self.create(phone="+33 (0)6 12.34.56-78"))
        user, domain = self.email.rsplit("@", 1)
        self.assertIn('<a href="mailto:%s">%s<wbr>@%s</a>' % (self.email, user, domain), page.body)
        self.assertIn('<a href="tel:+330612345678">+33 (0)6 12 34 56 78</a>', page.body)


class TimeZone(Pages):
    def test_times_are_shown_in_the_shops_zone(self):
        path = self.create()
        cid = path.rsplit("/", 1)[1]
        web.STACK.sql("INSERT INTO event (shop_id, customer_id, kind, detail, created_at)"
                      " SELECT shop_id, id, 'customer.edited', '', '2026-07-14 21:30:00'"
                      " FROM customer WHERE id = %s;"
                      "INSERT INTO note (shop_id, customer_id, body, created_at)"
                      " SELECT shop_id, id, 'Heure d''été', '2026-01-31 23:15:00'"
                      " FROM customer WHERE id = %s" % (cid, cid))
        text = self.browser.get(path).text()
        # Paris: UTC+2 in July, UTC+1 in January (past midnight: the next day)
        self.assertIn("14/07/2026 23:30 Fiche modifiée", text)
        self.assertNotIn("21:30", text)
        self.assertIn("01/02/2026 00:15", text)

    def test_an_english_shop_shows_london_time(self):
        cid = customer_id("gwen@beta.test", shop="beta")
        web.STACK.sql("INSERT INTO event (shop_id, customer_id, kind, detail, created_at)"
                      " SELECT shop_id, id, 'customer.edited', '', '2026-07-14 21:31:00'"
                      " FROM customer WHERE id = %s" % cid)
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        self.assertIn("14 Jul 2026 22:31", beta.get("/admin/customers/" + cid).text())


class Bulk(Pages):
    def setUp(self):
        super().setUp()
        self.tag = "lot%d" % Pages.counter
        self.ids = []
        for i in range(12):
            self.email = "%s-%02d@alpha.test" % (self.tag, i)
            path = self.create(last_name="Lot%s" % self.tag, first_name="Prénom%02d" % i)
            self.ids.append(path.rsplit("/", 1)[1])

    def post(self, fields):
        token = self.browser.get("/admin/customers").csrf()
        return self.browser.post("/admin/customers/bulk", fields + [("csrf", token)])

    def test_no_action_is_chosen_for_the_admin(self):
        page = self.browser.get("/admin/customers")
        select = re.search(r'<select id="bulk-action" name="action" required>(.*?)</select>', page.body, re.S).group(1)
        self.assertRegex(select.strip(), r'^<option value="" selected>Choisir une action…</option>')
        self.assertEqual(select.count(" selected"), 1)
        self.assertIn('<script src="/static/fidele.js" defer></script>', page.body)

    def test_the_choose_placeholder_is_refused_with_a_message(self):
        answer = self.post([("action", ""), ("scope", "ticked"), ("id", self.ids[0])])
        self.assertEqual(answer.status, 400)
        self.assertIn("Choisissez une action dans la liste", answer.text())
        self.assertEqual(web.STACK.sql("SELECT status FROM customer WHERE id = %s" % self.ids[0]),
                         [["invited"]])

    def test_the_confirmation_names_the_first_ten_and_counts_the_others(self):
        page = self.post([("action", "deactivate"), ("scope", "ticked")] + [("id", i) for i in self.ids])
        self.assertEqual(page.status, 200)
        names = re.findall(r'<li><span class="family-name">Lot%s</span>, (Prénom\d+)</li>' % self.tag,
                           page.body)
        self.assertEqual(names, ["Prénom%02d" % i for i in range(10)])
        self.assertIn("et 2 autres", page.text())
        self.assertEqual(tidy_problems(page.body), [])


class Script(unittest.TestCase):
    def test_the_script_is_served_from_static(self):
        answer = web.Browser(ALPHA_HOST).get("/static/fidele.js")
        self.assertEqual(answer.status, 200)
        self.assertIn("bulk-bar", answer.body)


class Valid(Pages):
    def test_the_changed_pages_are_valid_html(self):
        path = self.create()
        pages = {"customer": self.browser.get(path), "new": self.browser.get("/admin/customers/new"),
                 "list page 2": self.browser.get(self.browser.page_url("/admin/customers", 2)),
                 "staff list": None}
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        pages["staff list"] = staff.get("/admin/customers")
        for name, page in pages.items():
            self.assertEqual(page.status, 200, name)
            self.assertEqual(tidy_problems(page.body), [], name)


def contrast(first, second):
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class FocusRing(unittest.TestCase):
    """Read from the stylesheet the pages use (the browser tests see it
    drawn): one solid ring for every focusable element, 3:1 or more against
    the page behind it."""

    def setUp(self):
        self.css = web.Browser(ALPHA_HOST).get("/static/fidele.css").body
        self.colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", self.css))

    def colour(self, value):
        named = re.match(r"var\(--([a-z-]+)\)", value)
        return self.colours[named.group(1)] if named else value

    def test_every_focusable_element_gets_a_ring_of_three_to_one(self):
        rule = re.search(r"(?m)^:focus-visible\s*\{([^}]*)\}", self.css)
        self.assertIsNotNone(rule, "a :focus-visible rule for every element")
        outline = re.search(r"outline:\s*(\d+)px solid ([^;]+);", rule.group(1))
        self.assertGreaterEqual(int(outline.group(1)), 2)
        ring = self.colour(outline.group(2).strip())
        for background in (self.colours["paper"], self.colours["ground"]):
            self.assertGreaterEqual(contrast(ring, background), 3.0, background)

    def test_no_element_takes_the_ring_away(self):
        self.assertNotRegex(self.css, r"outline:\s*(none|0)\b")
        self.assertNotRegex(self.css, r"(a|button|input|select|textarea|summary)[^{,]*:focus[^-][^{]*\{[^}]*outline")


class InChromium(Pages):
    """Runs headless Chromium on a page the server sent (stylesheet and
    script read from this tree) and gives the DOM it ends with."""

    def dom(self, body, width=1280):
        import os
        import tempfile
        src = web.STACK.srcdir
        body = body.replace('href="/static/', 'href="file://%s/static/' % src)
        body = body.replace('src="/static/', 'src="file://%s/static/' % src)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "list.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            result = subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--allow-file-access-from-files", "--user-data-dir=" + os.path.join(folder, "profile"),
                 "--window-size=%d,900" % width, "--virtual-time-budget=3000", "--dump-dom",
                 "file://" + path],
                capture_output=True, text=True, timeout=120)
        return result.stdout


class BulkBarScript(InChromium):
    """The list's script: the bar stays hidden until a row is ticked."""

    def test_the_bar_is_hidden_until_a_row_is_ticked(self):
        body = self.browser.get("/admin/customers").body
        self.assertRegex(body, r'<div class="bulk-bar" id="bulk-bar">')
        dom = self.dom(body)
        self.assertRegex(dom, r'<div class="bulk-bar" id="bulk-bar" hidden="">')
        self.assertRegex(dom, r'<input type="checkbox" id="tick-all" aria-label="[^"]+">')
        ticked = re.sub(r'(<input type="checkbox" name="id" value="\d+")', r"\1 checked", body, count=1)
        dom = self.dom(ticked)
        self.assertRegex(dom, r'<div class="bulk-bar" id="bulk-bar">')


class Layout(InChromium):
    """Measured by Chromium at 1280 px wide: the phone column shows and the
    table fits (a measuring script is added to the copy of the page)."""

    measure = ('<script>window.addEventListener("load", function () {'
               ' var wrap = document.querySelector(".table-wrap");'
               ' var phone = document.querySelectorAll(".list th")[3];'
               ' document.body.setAttribute("data-measured", phone.textContent.trim() + "/" +'
               ' phone.offsetWidth + "/" + (wrap.scrollWidth - wrap.clientWidth)); });</script>')

    def test_the_phone_column_shows_at_1280_and_the_table_fits(self):
        # the fixture's customers only (a family name of theirs): what other
        # test files leave in the shop before this one changes with the
        # files the suite's part holds
        body = self.browser.get("/admin/customers?q=davies").body.replace(
            "</body>", self.measure + "</body>")
        self.assertIn("Davies", body)
        measured = re.search(r'data-measured="([^"]*)"', self.dom(body, 1280)).group(1).split("/")
        self.assertEqual(measured[0], "Téléphone")
        self.assertGreater(int(measured[1]), 0)
        self.assertLessEqual(int(measured[2]), 0, "the table scrolls sideways at 1280 px")
