"""The waiting list and the shop's door (signup.fcgi, issue 15 points 1,
3 and 5): applicants confirm and wait with their place shown, admins who
asked are mailed, the queue accepts and refuses one by one or ticked
rows, past the capacity it asks first; the door page (mode, capacity,
share address and QR code, wordings, each admin's notices); the
'waiting' status in the customer list; and two shops never see each
other's applicants."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import signup_steps as steps
import web


def setUpModule():
    web.STACK.sql("UPDATE admin SET notify_signups = 0")


def tearDownModule():
    steps.set_door("alpha", "open")
    steps.set_door("beta", "open")
    web.STACK.sql("UPDATE admin SET notify_signups = 0")


def admin(host, who):
    browser = web.Browser(host)
    answer = browser.sign_in(*who)
    assert answer.status == 303, answer.status
    return browser


def apply(email, message="", **fields):
    """A visitor applies and confirms; returns their browser, signed in."""
    browser = web.Browser(ALPHA_HOST)
    answer = steps.sign_up_and_confirm(browser, email, message=message, **fields)
    assert answer.status == 303, answer.status
    assert answer.header("Location") == "/account/signup", answer.header("Location")
    return browser


def request_id(email, slug="alpha"):
    customer_id = steps.customer_row(email, slug)[0]
    return steps.request_rows(customer_id)[-1][0]


def decide(browser, ids, action, **extra):
    page = browser.get("/admin/signup/queue")
    form = [("csrf", page.csrf()), ("action", action)] + [("id", str(i)) for i in ids]
    form += list(extra.items())
    body = web.urllib.parse.urlencode(form)
    return browser.request("POST", "/admin/signup/queue", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})


class WaitingList(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "waitlist")

    def test_apply_confirm_wait_and_admins_who_asked_are_mailed(self):
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/signup")
        answer = owner.post("/admin/signup/notify", {"csrf": page.csrf(), "notify_signups": "1"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT email, notify_signups FROM admin WHERE notify_signups = 1"),
                         [[ALPHA_OWNER[0], "1"]])
        steps.drain_outbox()
        subject = "Nouvelle demande sur la liste d'attente"
        before_owner = len(steps.mails_to(ALPHA_OWNER[0], subject))
        before_staff = len(steps.mails_to(ALPHA_STAFF[0], subject))
        form = web.Browser(ALPHA_HOST).get("/account/signup")
        self.assertIn("Demander à rejoindre la boutique", form.text())
        self.assertIn('name="message"', form.body)
        email = "waiting.one@example.org"
        applicant = apply(email, message="Je viens au marché <script>alert(1)</script>\nle samedi",
                          first_name="<b>Anna</b>", last_name="Attente")
        customer_id, status, source, _ = steps.customer_row(email)
        self.assertEqual((status, source), ("waiting", "self"))
        self.assertEqual(steps.request_rows(customer_id)[-1][1], "waiting")
        place = applicant.get("/account/signup")
        self.assertEqual(place.status, 200)
        self.assertRegex(place.text(), r"Votre place dans la file : \d+")
        number = re.search(r"Votre place dans la file : (\d+)", place.text()).group(1)
        home = applicant.get("/account/")
        self.assertEqual(home.status, 200)
        self.assertIn('<strong>%s</strong>' % number, home.body)
        notice = steps.wait_for_mail(ALPHA_OWNER[0], before_owner + 1, subject)[-1]
        self.assertIn("Je viens au marché", steps.text_part(notice))
        self.assertNotIn("<script>", steps.html_part(notice))
        self.assertIn("&lt;b&gt;Anna&lt;/b&gt;", steps.html_part(notice))
        self.assertNotIn("Anna", notice["Subject"])
        steps.drain_outbox()
        self.assertEqual(len(steps.mails_to(ALPHA_STAFF[0], subject)), before_staff)
        queue = owner.get("/admin/signup/queue")
        self.assertIn(email, queue.text())
        # an address breaks before its "@" on a narrow screen
        self.assertIn('<span class="sub">%s<wbr>@%s</span>' % tuple(email.split("@")), queue.body)
        self.assertNotIn("<script>alert", queue.body)
        self.assertIn("&lt;script&gt;", queue.body)
        # the queue's id, as its row offers it
        self.assertIn('value="%s"' % request_id(email), queue.body)
        waiting = web.STACK.sql("SELECT COUNT(*) FROM signup_request r JOIN shop s ON s.id = r.shop_id"
                                " JOIN customer c ON c.id = r.customer_id"
                                " WHERE s.slug = 'alpha' AND r.status = 'waiting'"
                                " AND c.erased_at IS NULL")[0][0]
        self.assertIn("Liste d'attente (%s)" % waiting, owner.get("/admin/signup").text())
        self.assertIn('<dd id="count-waiting">%s</dd>' % waiting, queue.body)

    def test_places_in_the_queue_follow_the_order(self):
        first = apply("place.first@example.org")
        second = apply("place.second@example.org")
        place = lambda b: int(re.search(r"Votre place dans la file : (\d+)", b.get("/account/signup").text()).group(1))
        p1, p2 = place(first), place(second)
        self.assertEqual(p2, p1 + 1)
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        self.assertEqual(decide(owner, [request_id("place.first@example.org")], "accept").status, 303)
        self.assertEqual(place(second), p2 - 1)

    def test_accept_one(self):
        email = "accept.me@example.org"
        apply(email)
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        answer = decide(owner, [request_id(email)], "accept")
        self.assertEqual(answer.status, 303)
        self.assertIn("acceptées", owner.get(answer.header("Location")).text())
        customer_id = steps.customer_row(email)[0]
        self.assertEqual(steps.customer_row(email)[1], "active")
        self.assertEqual(web.STACK.sql(
            "SELECT r.status, a.email FROM signup_request r JOIN admin a ON a.id = r.decided_by"
            " WHERE r.customer_id = %s" % customer_id), [["accepted", ALPHA_OWNER[0]]])
        mail = steps.wait_for_mail(email, 1, "acceptée")[-1]
        self.assertIn("/account/login", steps.text_part(mail))

    def test_refuse_one_with_a_reason(self):
        email = "refuse.me@example.org"
        apply(email)
        rid = request_id(email)
        customer_id = steps.customer_row(email)[0]
        staff = admin(ALPHA_HOST, ALPHA_STAFF)
        answer = decide(staff, [rid], "refuse", reason="Complet pour cette saison")
        self.assertEqual(answer.status, 303)
        mail = steps.wait_for_mail(email, 1, "Votre demande auprès")[-1]
        self.assertIn("Motif\u00a0: Complet pour cette saison", steps.text_part(mail))
        self.assertEqual(web.STACK.sql(
            "SELECT email IS NULL, erased_at IS NOT NULL FROM customer WHERE id = %s" % customer_id),
            [["1", "1"]])
        # the refusal erased them: the reason went in the mail, not kept (review 4)
        self.assertEqual(web.STACK.sql("SELECT status, reason FROM signup_request WHERE id = %s" % rid),
                         [["refused", ""]])

    def test_bulk_accept_and_refuse_of_ticked_rows(self):
        emails = ["bulk%d@example.org" % n for n in range(4)]
        for email in emails:
            apply(email)
        ids = [request_id(e) for e in emails]
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        self.assertEqual(decide(owner, ids[:2], "accept").status, 303)
        self.assertEqual(decide(owner, ids[2:], "refuse").status, 303)
        statuses = web.STACK.sql("SELECT status FROM signup_request WHERE id IN (%s) ORDER BY id"
                                 % ",".join(map(str, ids)))
        self.assertEqual(statuses, [["accepted"], ["accepted"], ["refused"], ["refused"]])
        self.assertEqual([steps.customer_row(e)[1] for e in emails[:2]], ["active", "active"])
        # a second decision on the same rows (a double submit) changes nothing
        answer = decide(owner, ids[:2], "refuse")
        self.assertEqual(answer.status, 303)
        self.assertIn("déjà reçu une réponse", owner.get("/admin/signup/queue").text())
        self.assertEqual([steps.customer_row(e)[1] for e in emails[:2]], ["active", "active"])

    def test_an_applicant_erased_from_their_customer_page_leaves_the_queue(self):
        first = "erased.applicant@example.org"
        apply(first, last_name="Zzerasedapplicant")
        second = apply("after.erased@example.org")
        place = lambda: int(re.search(r"Votre place dans la file : (\d+)",
                                      second.get("/account/signup").text()).group(1))
        before = place()
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        customer_id = steps.customer_row(first)[0]
        first_request = request_id(first)
        page = owner.get("/admin/customers/%s" % customer_id)
        self.assertEqual(owner.post("/admin/customers/%s/delete" % customer_id,
                                    {"csrf": page.csrf()}).status, 303)
        queue = owner.get("/admin/signup/queue")
        self.assertNotIn('value="%s"' % first_request, queue.body)
        self.assertEqual(place(), before - 1)

    def test_nothing_ticked_is_refused(self):
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        answer = decide(owner, [], "accept")
        self.assertEqual(answer.status, 400)
        self.assertIn("Cochez au moins une demande", answer.text())
        answer = decide(owner, [1], "maybe")
        self.assertEqual(answer.status, 400)

    def test_waiting_applicants_are_not_in_the_current_customer_list(self):
        email = "not.listed@example.org"
        apply(email, last_name="Zzwaitinglist")
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        current = owner.get("/admin/customers?q=Zzwaitinglist")
        self.assertNotIn(email, current.text())
        waiting = owner.get("/admin/customers?q=Zzwaitinglist&status=waiting")
        self.assertIn(email, waiting.text())
        self.assertIn("En attente", waiting.text())
        everyone = owner.get("/admin/customers?q=Zzwaitinglist&status=all")
        self.assertIn(email, everyone.text())
        detail = owner.get("/admin/customers/%s" % steps.customer_row(email)[0])
        self.assertIn("En attente", detail.text())


class Capacity(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()

    def tearDown(self):
        steps.set_door("alpha", "open")

    def current(self):
        return int(web.STACK.sql(
            "SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id WHERE s.slug = 'alpha'"
            " AND c.erased_at IS NULL AND c.status IN ('invited', 'active')"
            " AND NOT (c.status = 'invited' AND c.source = 'self')")[0][0])

    def test_an_open_shop_at_capacity_takes_people_on_the_waiting_list(self):
        steps.set_door("alpha", "open", self.current())
        page = web.Browser(ALPHA_HOST).get("/account/signup")
        self.assertIn('name="door" value="waitlist"', page.body)
        email = "over.capacity@example.org"
        apply(email)
        self.assertEqual(steps.customer_row(email)[1], "waiting")
        steps.set_door("alpha", "open", self.current() + 5)
        self.assertIn('name="door" value="open"', web.Browser(ALPHA_HOST).get("/account/signup").body)

    def test_accepting_past_the_capacity_asks_first(self):
        steps.set_door("alpha", "waitlist")
        email = "asks.first@example.org"
        apply(email)
        rid = request_id(email)
        steps.set_door("alpha", "waitlist", self.current())
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        ask = decide(owner, [rid], "accept")
        self.assertEqual(ask.status, 200)
        self.assertIn("Accepter quand même", ask.text())
        self.assertEqual(steps.customer_row(email)[1], "waiting")
        self.assertIn('name="confirm" value="1"', ask.body)
        done = decide(owner, [rid], "accept", confirm="1")
        self.assertEqual(done.status, 303)
        self.assertEqual(steps.customer_row(email)[1], "active")


class DoorPage(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()

    def tearDown(self):
        steps.set_door("alpha", "open")

    def test_owner_sets_mode_and_capacity(self):
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/signup")
        self.assertEqual(page.status, 200)
        answer = owner.post("/admin/signup/mode", {"csrf": page.csrf(), "mode": "waitlist",
                                                   "capacity": "250"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT mode, signup_capacity FROM shop WHERE slug = 'alpha'"),
                         [["waitlist", "250"]])
        answer = owner.post("/admin/signup/mode", {"csrf": page.csrf(), "mode": "closed",
                                                   "capacity": ""})
        self.assertEqual(web.STACK.sql("SELECT mode, signup_capacity FROM shop WHERE slug = 'alpha'"),
                         [["closed", "NULL"]])

    def test_bad_mode_or_capacity_changes_nothing(self):
        steps.set_door("alpha", "open")
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/signup")
        for form in ({"mode": "sometimes"}, {"mode": "closed", "capacity": "-3"},
                     {"mode": "closed", "capacity": "lots"}):
            answer = owner.post("/admin/signup/mode", dict(form, csrf=page.csrf()))
            self.assertEqual(answer.status, 400, form)
            self.assertIn("rien n'a été enregistré", answer.text())
        self.assertEqual(web.STACK.sql("SELECT mode FROM shop WHERE slug = 'alpha'"), [["open"]])

    def test_share_address_and_qr_code(self):
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/signup")
        self.assertRegex(page.body, r'id="share-url" href="http://alpha\.test(:\d+)?/account/signup"')
        self.assertRegex(page.body, r'<svg[^>]*viewBox="0 0 (\d+) \1"')
        self.assertRegex(page.body, r'<path fill="#000000" d="(M\d+ \d+h\d+v1h-\d+z)+"')
        # the copy button is for script only: the address is plain text
        self.assertRegex(page.body, r'<button type="button" class="copy"[^>]* hidden>')

    def test_staff_see_the_door_read_only_and_choose_their_own_notices(self):
        staff = admin(ALPHA_HOST, ALPHA_STAFF)
        page = staff.get("/admin/signup")
        self.assertEqual(page.status, 200)
        self.assertIn("Seuls les propriétaires", page.text())
        self.assertIn("disabled", page.body)
        answer = staff.post("/admin/signup/mode", {"csrf": page.csrf(), "mode": "closed"})
        self.assertEqual(answer.status, 403)
        answer = staff.post("/admin/signup/text", {"csrf": page.csrf(), "language": "fr",
                                                   "body": "Texte du personnel"})
        self.assertEqual(answer.status, 403)
        answer = staff.post("/admin/signup/notify", {"csrf": page.csrf(),
                                                     "notify_deletions": "1"})
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT notify_signups, notify_deletions FROM admin"
                                       " WHERE email = '%s'" % ALPHA_STAFF[0]), [["0", "1"]])
        self.assertEqual(web.STACK.sql("SELECT mode FROM shop WHERE slug = 'alpha'"), [["open"]])

    def test_a_new_wording_is_a_new_version_and_past_consents_keep_theirs(self):
        steps.set_door("alpha", "open")
        email = "old.wording@example.org"
        steps.sign_up_and_confirm(web.Browser(ALPHA_HOST), email)
        customer_id = steps.customer_row(email)[0]
        old = web.STACK.sql("SELECT text_id FROM consent WHERE customer_id = %s" % customer_id)
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/signup")
        answer = owner.post("/admin/signup/text", {
            "csrf": page.csrf(), "language": "fr",
            "body": "Je veux la lettre du marché <em>chaque semaine</em>."})
        self.assertEqual(answer.status, 303)
        page = owner.get("/admin/signup")
        self.assertIn("Je veux la lettre du marché &lt;em&gt;", page.body)
        self.assertRegex(page.text(), r"Version \d+, depuis le")
        public = web.Browser(ALPHA_HOST).get("/account/signup")
        self.assertIn("Je veux la lettre du marché <em>chaque semaine</em>.", public.text())
        self.assertNotEqual(steps.form_values(public)["text"], old[0][0])
        self.assertEqual(web.STACK.sql("SELECT text_id FROM consent WHERE customer_id = %s"
                                       % customer_id), old)
        # the same wording again (a double submit) makes no version
        versions = web.STACK.sql("SELECT COUNT(*) FROM consent_text")
        answer = owner.post("/admin/signup/text", {
            "csrf": page.csrf(), "language": "fr",
            "body": "Je veux la lettre du marché <em>chaque semaine</em>."})
        self.assertIn("aucune nouvelle version", owner.get(answer.header("Location")).text())
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM consent_text"), versions)
        # an empty wording is refused
        answer = owner.post("/admin/signup/text", {"csrf": page.csrf(), "language": "fr", "body": ""})
        self.assertEqual(answer.status, 400)


class TwoShops(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "waitlist")

    def test_shops_never_see_or_decide_each_others_applicants(self):
        email = "alpha.only@example.org"
        apply(email, message="Message pour Alpha seulement")
        rid = request_id(email)
        beta = admin(BETA_HOST, BETA_OWNER)
        queue = beta.get("/admin/signup/queue")
        self.assertEqual(queue.status, 200)
        self.assertNotIn(email, queue.text())
        self.assertNotIn("Message pour Alpha", queue.text())
        answer = decide(beta, [rid], "refuse")
        self.assertEqual(answer.status, 303)
        self.assertEqual(web.STACK.sql("SELECT status FROM signup_request WHERE id = %s" % rid),
                         [["waiting"]])
        self.assertEqual(steps.customer_row(email)[1], "waiting")
        # and Beta's own applicant does not show in Alpha's queue
        steps.set_door("beta", "waitlist")
        browser = web.Browser(BETA_HOST)
        steps.sign_up_and_confirm(browser, "beta.only@example.org", message="For Beta")
        alpha = admin(ALPHA_HOST, ALPHA_OWNER)
        self.assertNotIn("beta.only@example.org", alpha.get("/admin/signup/queue").text())
        self.assertIn("beta.only@example.org", beta.get("/admin/signup/queue").text())


if __name__ == "__main__":
    unittest.main()


class Html(unittest.TestCase):
    """The signup pages render as valid HTML (tidy finds no errors)."""

    KNOWN_TO_TIDY = ('proprietary attribute "aria-current"', 'proprietary attribute "inputmode"',
                     # tidy 5.6 knows no inline SVG attributes
                     'proprietary attribute "shape-rendering"', "<svg>", "<rect>", "<path>")

    def test_signup_pages_are_valid_html(self):
        import subprocess
        steps.clear_limits()
        pages = {}
        for mode in ("open", "waitlist", "closed"):
            steps.set_door("alpha", mode)
            pages["public " + mode] = web.Browser(ALPHA_HOST).get("/account/signup").body
        steps.set_door("alpha", "waitlist")
        pages["refused form"] = steps.sign_up(web.Browser(ALPHA_HOST), "bad", first_name="").body
        pages["sent"] = steps.sign_up(web.Browser(ALPHA_HOST), "html.check@example.org").body
        pages["expired"] = web.Browser(ALPHA_HOST).get("/account/signup/confirm?token=" + "a" * 64).body
        applicant = apply("html.waiting@example.org")
        pages["waiting"] = applicant.get("/account/signup").body
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        pages["door"] = owner.get("/admin/signup").body
        pages["queue"] = owner.get("/admin/signup/queue").body
        steps.set_door("alpha", "waitlist", 1)
        pages["past capacity"] = decide(owner, [request_id("html.waiting@example.org")], "accept").body
        pages["staff door"] = admin(ALPHA_HOST, ALPHA_STAFF).get("/admin/signup").body
        steps.set_door("alpha", "open")
        for name, body in pages.items():
            result = subprocess.run(["tidy", "-q", "-e"], input=body.encode(), capture_output=True)
            problems = [line for line in result.stderr.decode().splitlines()
                        if line.strip() and not any(k in line for k in self.KNOWN_TO_TIDY)]
            self.assertEqual(problems, [], name)
