"""The signup's double opt-in made safe (review of issue 15, findings 1,
2, 9, 11 and the capacity race of 15):

1. each form sent for an address makes its own request, and a link
   confirms its own form: a stranger's form sent earlier decides nothing
   (neither the marketing consent nor the names); the confirmation page
   shows the names and the marketing box, and the person who clicks
   decides;
2. the shop's door is decided again when the link is followed (capacity,
   waiting list, closed), and a sign-in link does not make an
   unconfirmed self-signup active;
9. the link confirms for a day but signs in only while a sign-in link
   would (10 minutes); later it sends the person to the sign-in page;
11. unconfirmed self-signups show as such to admins and expire (the
   worker's housekeeping), after which the address signs up again;
15. two admins accepting the last place at once do not both get it.
"""

import re
import subprocess
import threading
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF
import signup_steps as steps
import stack as stack_module
import web


def tearDownModule():
    steps.set_door("alpha", "open")
    steps.clear_limits()
    web.STACK.sql("UPDATE admin SET notify_signups = 0")


def current_customers():
    """What the capacity counts (signup-public.c SQL_CURRENT)."""
    return int(web.STACK.sql(
        "SELECT COUNT(*) FROM customer c JOIN shop s ON s.id = c.shop_id"
        " WHERE s.slug = 'alpha' AND c.erased_at IS NULL AND c.status IN ('invited', 'active')"
        "   AND NOT (c.status = 'invited' AND c.source = 'self')")[0][0])


def admin(who=ALPHA_OWNER):
    browser = web.Browser(ALPHA_HOST)
    answer = browser.sign_in(*who)
    assert answer.status == 303, answer.status
    return browser


def customer_names(email):
    return web.STACK.sql("SELECT c.first_name, c.last_name, c.phone FROM customer c"
                         " JOIN shop s ON s.id = c.shop_id"
                         " WHERE s.slug = 'alpha' AND c.email = '%s'" % email)[0]


def marketing_grants(customer_id):
    return web.STACK.sql("SELECT COUNT(*) FROM consent WHERE customer_id = %s"
                         " AND purpose = 'marketing' AND granted = 1" % customer_id)[0][0]


def signed_in(browser):
    return browser.get("/account/").status == 200


def mailed_link(email, count):
    return steps.confirm_token(steps.wait_for_mail(email, count)[-1])


class SecondSignupOfOneAddress(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "open")

    def test_the_person_who_confirms_gets_what_they_chose_not_what_a_stranger_ticked(self):
        """A stranger signs the victim's address up with marketing ticked;
        the victim later signs up themselves, box unticked, and follows
        the link of their own mail: no marketing, no consent in the
        ledger, and their own names."""
        victim = "victime.revue@example.org"
        stranger = web.Browser(ALPHA_HOST, source="127.0.3.1")
        self.assertEqual(steps.sign_up(stranger, victim, first_name="Mallory",
                                       last_name="Intrus", marketing=True,
                                       phone="0600000000").status, 200)
        strangers_link = mailed_link(victim, 1)
        own = web.Browser(ALPHA_HOST, source="127.0.3.2")
        self.assertEqual(steps.sign_up(own, victim, first_name="Victor", last_name="Victime",
                                       marketing=False).status, 200)
        own_link = mailed_link(victim, 2)
        self.assertNotEqual(own_link, strangers_link)
        # each link's page shows its own form: names, and the box as it left it
        page = web.Browser(ALPHA_HOST).get("/account/signup/confirm?token=" + own_link)
        self.assertIn("Victor Victime", page.text())
        self.assertNotIn("Mallory", page.text())
        self.assertNotRegex(page.body, r'name="marketing" value="1" checked')
        page = web.Browser(ALPHA_HOST).get("/account/signup/confirm?token=" + strangers_link)
        self.assertIn("Mallory Intrus", page.text())
        self.assertRegex(page.body, r'name="marketing" value="1" checked')

        self.assertEqual(steps.confirm(own, own_link).status, 303)
        customer_id, status, _, marketing = steps.customer_row(victim)
        self.assertEqual(status, "active")
        self.assertEqual(marketing, "0")
        self.assertEqual(marketing_grants(customer_id), "0")
        self.assertEqual(customer_names(victim), ["Victor", "Victime", ""])
        # the stranger's link died with the victim's confirmation
        late = web.Browser(ALPHA_HOST, source="127.0.3.1")
        self.assertEqual(late.get("/account/signup/confirm?token=" + strangers_link).status, 400)
        self.assertEqual(marketing_grants(customer_id), "0")
        # one request is left: the confirmed one, without a copy of the names
        self.assertEqual([r[1:3] for r in steps.request_rows(customer_id)], [["accepted", "0"]])

    def test_the_box_on_the_confirmation_page_decides(self):
        """The form ticked marketing, but whoever follows the link unticks
        it on the confirmation page: nothing is subscribed."""
        email = "decide.au.clic@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email, marketing=True).status, 200)
        link = mailed_link(email, 1)
        self.assertEqual(steps.confirm(browser, link, marketing=False).status, 303)
        customer_id, status, _, marketing = steps.customer_row(email)
        self.assertEqual((status, marketing), ("active", "0"))
        self.assertEqual(marketing_grants(customer_id), "0")

    def test_a_box_ticked_on_the_confirmation_page_is_recorded_with_its_wording(self):
        email = "sf.coche@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email, marketing=False).status, 200)
        link = mailed_link(email, 1)
        page = browser.get("/account/signup/confirm?token=" + link)
        shown = re.search(r'name="text" value="([0-9]+)"', page.body).group(1)
        self.assertEqual(steps.confirm(browser, link, marketing=True).status, 303)
        customer_id, _, _, marketing = steps.customer_row(email)
        self.assertEqual(marketing, "1")
        self.assertEqual(web.STACK.sql(
            "SELECT source, text_id FROM consent WHERE customer_id = %s AND purpose = 'marketing'"
            " AND granted = 1" % customer_id), [["confirm", shown]])

    def test_a_wording_changed_under_the_confirmation_page_is_shown_again(self):
        email = "sf.texte@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email, marketing=True).status, 200)
        link = mailed_link(email, 1)
        page = browser.get("/account/signup/confirm?token=" + link)
        answer = browser.post("/account/signup/confirm", {
            "token": link, "csrf": page.csrf(), "marketing": "1", "text": "999999999"})
        self.assertEqual(answer.status, 409)
        self.assertIn("Le texte de la case d'abonnement vient de changer", answer.text())
        self.assertNotRegex(answer.body, r'name="marketing" value="1" checked')
        self.assertEqual(steps.customer_row(email)[1], "invited")
        # nothing was used up: the link still confirms
        self.assertEqual(steps.confirm(browser, link).status, 303)
        self.assertEqual(steps.customer_row(email)[1], "active")


class DoorAtConfirmation(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()

    def tearDown(self):
        steps.set_door("alpha", "open")
        steps.clear_limits()
        web.STACK.sql("UPDATE admin SET notify_signups = 0")

    def test_confirmations_do_not_go_past_the_capacity(self):
        """One place left: two visitors sign up (both see the open form,
        rightly: unconfirmed signups hold no place), then both follow their
        links. One becomes a customer; the other must wait."""
        steps.set_door("alpha", "open", capacity=current_customers() + 1)
        first, second = "place.une@example.org", "place.deux@example.org"
        browsers = {}
        for n, email in enumerate((first, second)):
            browsers[email] = web.Browser(ALPHA_HOST, source="127.0.4.%d" % (n + 1))
            self.assertEqual(steps.sign_up(browsers[email], email).status, 200)
        capacity = int(web.STACK.sql("SELECT signup_capacity FROM shop WHERE slug = 'alpha'")[0][0])
        for email in (first, second):
            steps.confirm(browsers[email], mailed_link(email, 1))
        self.assertLessEqual(current_customers(), capacity)
        self.assertEqual([steps.customer_row(first)[1], steps.customer_row(second)[1]],
                         ["active", "waiting"])
        self.assertIn("Vous êtes sur la liste d'attente", browsers[second].get("/account/signup").text())

    def test_a_waiting_list_chosen_since_the_form_puts_the_person_in_the_queue(self):
        web.STACK.sql("UPDATE admin SET notify_signups = 1 WHERE email = '%s'" % ALPHA_OWNER[0])
        steps.set_door("alpha", "open")
        email = "liste.depuis@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email, last_name="Zzdepuis").status, 200)
        link = mailed_link(email, 1)
        steps.set_door("alpha", "waitlist")
        steps.drain_outbox()
        subject = "Nouvelle demande sur la liste d'attente"
        before = len(steps.mails_to(ALPHA_OWNER[0], subject))
        answer = steps.confirm(browser, link)
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/account/signup")
        customer_id = steps.customer_row(email)[0]
        self.assertEqual(steps.customer_row(email)[1], "waiting")
        self.assertEqual(steps.request_rows(customer_id)[-1][1], "waiting")
        mails = steps.wait_for_mail(ALPHA_OWNER[0], before + 1, subject)
        self.assertIn("Zzdepuis", steps.text_part(mails[-1]))

    def test_a_shop_closed_since_the_form_refuses_and_changes_nothing(self):
        steps.set_door("alpha", "open")
        web.STACK.sql("UPDATE shop SET sender_email = 'contact@alpha.test' WHERE slug = 'alpha'")
        self.addCleanup(web.STACK.sql, "UPDATE shop SET sender_email = '' WHERE slug = 'alpha'")
        email = "ferme.depuis@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email).status, 200)
        link = mailed_link(email, 1)
        steps.set_door("alpha", "closed")
        answer = steps.confirm(browser, link)
        self.assertEqual(answer.status, 409)
        self.assertIn("La boutique a fermé les inscriptions depuis votre demande", answer.text())
        self.assertIn("contact@alpha.test", answer.text())
        customer_id, status, _, marketing = steps.customer_row(email)
        self.assertEqual((status, marketing), ("invited", "0"))
        self.assertEqual(steps.request_rows(customer_id)[-1][1], "unconfirmed")
        self.assertEqual(marketing_grants(customer_id), "0")
        self.assertFalse(signed_in(browser))
        # the link was not used up: once the shop reopens, it works
        steps.set_door("alpha", "open")
        self.assertEqual(steps.confirm(browser, link).status, 303)
        self.assertEqual(steps.customer_row(email)[1], "active")


class SignInBeforeConfirmation(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "open")

    def sign_in_by_link(self, email):
        browser = web.Browser(ALPHA_HOST)
        before = len(steps.mails_to(email))
        page = browser.submit("/account/login", "/account/login", {"email": email})
        self.assertEqual(page.status, 200)
        mail = steps.wait_for_mail(email, before + 1)[-1]
        token = re.search(r"/account/login/confirm\?token=([0-9a-f]{64})",
                          steps.text_part(mail)).group(1)
        confirm = browser.get("/account/login/confirm?token=" + token)
        return browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})

    def test_a_sign_in_link_does_not_make_an_unconfirmed_signup_active(self):
        """Full shop: the signup's own link would put them on the waiting
        list; a sign-in link must not let them in by the side door."""
        email = "porte.de.cote@example.org"
        self.assertEqual(steps.sign_up(web.Browser(ALPHA_HOST), email).status, 200)
        steps.wait_for_mail(email, 1)
        steps.set_door("alpha", "open", capacity=current_customers())
        self.addCleanup(steps.set_door, "alpha", "open")
        self.sign_in_by_link(email)
        self.assertEqual(steps.customer_row(email)[1], "invited")
        self.assertEqual(steps.customer_row(email)[1:3], ["invited", "self"])

    def test_a_customer_the_shop_invited_is_active_after_signing_in(self):
        email = "sf.invitee@example.org"
        web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                      " SELECT id, '%s', 'Invitée', 'Boutique', 'invited', 'admin' FROM shop"
                      " WHERE slug = 'alpha'" % email)
        self.assertEqual(self.sign_in_by_link(email).status, 303)
        self.assertEqual(steps.customer_row(email)[1], "active")


class LinkAge(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "open")

    def age_links(self, email, minutes):
        web.STACK.sql("UPDATE login_token t JOIN customer c ON c.id = t.customer_id"
                      " SET t.created_at = NOW() - INTERVAL %d MINUTE"
                      " WHERE c.email = '%s' AND t.purpose = 'signup_confirm'" % (minutes, email))

    def test_an_old_link_confirms_but_does_not_sign_in(self):
        email = "lien.ancien@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email).status, 200)
        link = mailed_link(email, 1)
        self.age_links(email, 11)
        answer = steps.confirm(browser, link)
        self.assertEqual(answer.status, 303)
        self.assertEqual(answer.header("Location"), "/account/login")
        self.assertEqual(steps.customer_row(email)[1], "active")
        self.assertFalse(signed_in(browser))
        page = browser.get("/account/login")
        self.assertIn("Votre adresse est confirmée", page.text())
        self.assertIn('name="email"', page.body)
        # and it was used up
        self.assertEqual(browser.get("/account/signup/confirm?token=" + link).status, 400)

    def test_a_young_link_signs_in(self):
        email = "lien.jeune@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email).status, 200)
        link = mailed_link(email, 1)
        self.age_links(email, 9)
        answer = steps.confirm(browser, link)
        self.assertEqual(answer.header("Location"), "/account/")
        self.assertTrue(signed_in(browser))

    def test_a_day_old_link_still_confirms(self):
        email = "sf.veille@example.org"
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email).status, 200)
        link = mailed_link(email, 1)
        self.age_links(email, 23 * 60)
        self.assertEqual(steps.confirm(browser, link).header("Location"), "/account/login")
        self.assertEqual(steps.customer_row(email)[1], "active")


def run_housekeeping():
    """Queues a housekeeping job and waits until the worker ran it."""
    result = web.STACK.admin("job", "add", "--kind", "housekeeping")
    job_id = result.stdout.split()[1]
    stack_module.wait_for(lambda: web.STACK.sql("SELECT state FROM job WHERE id = %s" % job_id)
                          in ([["done"]], [["failed"]]), "housekeeping", 60)
    return web.STACK.sql("SELECT state FROM job WHERE id = %s" % job_id)[0][0]


class Unconfirmed(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "open")

    def age(self, email, hours):
        web.STACK.sql(
            "UPDATE customer SET created_at = NOW() - INTERVAL %d HOUR WHERE email = '%s';"
            "UPDATE signup_request r JOIN customer c ON c.id = r.customer_id"
            "   SET r.created_at = NOW() - INTERVAL %d HOUR WHERE c.email = '%s';"
            "UPDATE login_token t JOIN customer c ON c.id = t.customer_id"
            "   SET t.created_at = NOW() - INTERVAL %d HOUR, t.expires_at = NOW() - INTERVAL %d HOUR"
            " WHERE c.email = '%s'"
            % (hours, email, hours, email, hours, hours - 24, email))

    def test_admins_see_an_unconfirmed_signup_as_unconfirmed_not_invited(self):
        email = "pas.confirme@example.org"
        self.assertEqual(steps.sign_up(web.Browser(ALPHA_HOST), email,
                                       last_name="Zznonconfirme").status, 200)
        owner = admin()
        listed = owner.get("/admin/customers?q=Zznonconfirme")
        row = listed.body[listed.body.index('<span class="family-name">Zznonconfirme'):]
        row = row[:row.index("</tr>")]
        self.assertIn("Non confirmé", row)
        self.assertNotIn("Invité", row)
        detail = owner.get("/admin/customers/%s" % steps.customer_row(email)[0])
        self.assertIn("Non confirmé", detail.text())
        self.assertNotIn(">Invité<", detail.body)
        # once confirmed, the label goes
        steps.confirm(web.Browser(ALPHA_HOST), mailed_link(email, 1))
        listed = owner.get("/admin/customers?q=Zznonconfirme")
        row = listed.body[listed.body.index('<span class="family-name">Zznonconfirme'):]
        self.assertNotIn("Non confirmé", row[:row.index("</tr>")])

    def test_an_unconfirmed_signup_expires_and_the_address_signs_up_again(self):
        email = "sf.revient@example.org"
        self.assertEqual(steps.sign_up(web.Browser(ALPHA_HOST), email,
                                       first_name="Ancienne").status, 200)
        old_link = mailed_link(email, 1)
        old_id = steps.customer_row(email)[0]
        self.age(email, 50)
        self.assertEqual(run_housekeeping(), "done")
        self.assertIsNone(steps.customer_row(email))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM signup_request WHERE customer_id = %s"
                                       " OR (customer_id IS NULL AND first_name = 'Ancienne')"
                                       % old_id), [["0"]])
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM customer_search WHERE customer_id = %s"
                                       % old_id), [["0"]])
        self.assertEqual(web.Browser(ALPHA_HOST).get(
            "/account/signup/confirm?token=" + old_link).status, 400)
        # the same address signs up again, and it works
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(steps.sign_up(browser, email, first_name="Nouvelle").status, 200)
        link = mailed_link(email, 2)
        self.assertEqual(steps.confirm(browser, link).status, 303)
        self.assertEqual(steps.customer_row(email)[1], "active")
        self.assertEqual(customer_names(email)[0], "Nouvelle")

    def test_young_or_noted_or_confirmed_signups_are_kept(self):
        young, noted, confirmed = ("jeune.garde@example.org", "note.garde@example.org",
                                   "confirme.garde@example.org")
        for email in (young, noted, confirmed):
            browser = web.Browser(ALPHA_HOST)
            self.assertEqual(steps.sign_up(browser, email).status, 200)
            link = mailed_link(email, 1)
            if email == confirmed:
                steps.confirm(browser, link)
        self.age(young, 30)
        self.age(noted, 50)
        self.age(confirmed, 50)
        owner = admin()
        noted_id = steps.customer_row(noted)[0]
        page = owner.get("/admin/customers/%s" % noted_id)
        answer = owner.post("/admin/customers/%s/notes" % noted_id,
                            {"csrf": page.csrf(), "body": "Appelée au téléphone"})
        self.assertIn(answer.status, (200, 303))
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM note WHERE customer_id = %s"
                                       % noted_id), [["1"]])
        self.assertEqual(run_housekeeping(), "done")
        for email in (young, noted, confirmed):
            self.assertIsNotNone(steps.customer_row(email), email)


class TwoAdminsAccept(unittest.TestCase):
    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "waitlist")

    def tearDown(self):
        steps.set_door("alpha", "open")

    def test_two_admins_accepting_the_last_place_at_once_do_not_both_get_it(self):
        emails = ["course.une@example.org", "course.deux@example.org"]
        ids = []
        for email in emails:
            answer = steps.sign_up_and_confirm(web.Browser(ALPHA_HOST), email)
            self.assertEqual(answer.status, 303)
            ids.append(steps.request_rows(steps.customer_row(email)[0])[-1][0])
        capacity = current_customers() + 1
        steps.set_door("alpha", "waitlist", capacity)
        admins = [admin(ALPHA_OWNER), admin(ALPHA_STAFF)]
        forms = [a.get("/admin/signup/queue").csrf() for a in admins]
        # Both requests are held at their applicant's row (another session
        # holds both rows a moment), so that each has read what it reads
        # before it writes: two admins clicking at the same instant.
        holder = subprocess.Popen(
            ["mariadb", "--no-defaults", "--socket=" + web.STACK.db_socket, "-u", "root",
             "-N", "-B", "-n", "fidele"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        holder.stdin.write("BEGIN; SELECT id FROM signup_request WHERE id IN (%s, %s) FOR UPDATE;"
                           " SELECT 'held'; SELECT SLEEP(3); COMMIT;\n" % tuple(ids))
        holder.stdin.flush()
        while holder.stdout.readline().strip() != "held":
            pass
        answers = [None, None]

        def accept(n):
            body = web.urllib.parse.urlencode([("csrf", forms[n]), ("action", "accept"),
                                               ("id", ids[n])])
            answers[n] = admins[n].request("POST", "/admin/signup/queue", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})

        threads = [threading.Thread(target=accept, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        holder.stdin.close()
        holder.wait(30)
        self.assertLessEqual(current_customers(), capacity)
        statuses = sorted(steps.customer_row(e)[1] for e in emails)
        self.assertEqual(statuses, ["active", "waiting"])
        # the one who came second was asked first, as the capacity says
        asked = [a for a in answers if a.status == 200]
        self.assertEqual(len(asked), 1, [a.status for a in answers])
        self.assertIn("Accepter quand même", asked[0].text())


if __name__ == "__main__":
    unittest.main()
