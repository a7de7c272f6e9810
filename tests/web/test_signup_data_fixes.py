"""What the review of issue 15 found about the data signup and retention
keep (points 4, 5, 6, 10, 14 and the data ZIP of 15): an erasure leaves
nothing of what a signup said nor of the mails about the person; retention
notices drop with a change of the setting and go stale; the waiting list
and people without an address are never erased by retention; a large
shop's retention runs a slice at a time so sign-in links keep leaving;
the ledger is blanked only for an erased customer; the data ZIP leaves out
the bodies of mails whose links act. Every check reads the database or the
mails, as an auditor would."""

import io
import json
import re
import subprocess
import unittest
import zipfile

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST
import signup_steps as steps
import test_retention as retention
import web


def sql(statement):
    return web.STACK.sql("SET NAMES utf8mb4;\n" + statement)


def one(statement):
    rows = sql(statement)
    return rows[0][0] if rows else None


def as_programs(statement):
    """Runs statement as the programs' database user. (exit code, error)."""
    result = subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + web.STACK.db_socket, "-u", "fidele",
         "-p" + web.STACK.db_password, "-N", "-B", "fidele"],
        input="SET NAMES utf8mb4;\n" + statement, capture_output=True, text=True)
    return result.returncode, result.stderr


def admin(host, who):
    browser = web.Browser(host)
    assert browser.sign_in(*who).status == 303
    return browser


def mails_to(address, subject_word=None):
    return [m for m in web.STACK.messages()
            if m["To"] and address == m["To"].addresses[0].addr_spec
            and (subject_word is None or subject_word in m["Subject"])]


def wait_for_mail(address, count, subject_word=None):
    assert web.wait_until(lambda: len(mails_to(address, subject_word)) >= count, 20), \
        "no mail to %s" % address
    return mails_to(address, subject_word)


def sign_in(email, host=ALPHA_HOST):
    """A browser signed in as email by the mailed link; and that mail."""
    steps.clear_limits()
    browser = web.Browser(host)
    before = len(mails_to(email))
    page = browser.submit("/account/login", "/account/login", {"email": email})
    assert page.status == 200, page.status
    mail = wait_for_mail(email, before + 1)[-1]
    token = re.search(r"/account/login/confirm\?token=([0-9a-f]{64})",
                      steps.text_part(mail)).group(1)
    confirm = browser.get("/account/login/confirm?token=" + token)
    answer = browser.post("/account/login/confirm", {"token": token, "csrf": confirm.csrf()})
    assert answer.status == 303, answer.status
    return browser, mail


def add_customer(email, slug="alpha", **columns):
    values = dict(first_name="'Cliente'", last_name="'Essai'", status="'active'",
                  source="'admin'")
    values.update(columns)
    sql("INSERT INTO customer (shop_id, email, %s) SELECT id, '%s', %s FROM shop"
        " WHERE slug = '%s'" % (", ".join(values), email, ", ".join(values.values()), slug))
    return one("SELECT id FROM customer WHERE email = '%s'" % email)


def traces(needle):
    """Rows of the database that still hold needle where a person's data
    was: a signup's message or reason, a mail's address or bodies."""
    like = "'%%%s%%'" % needle
    return int(one(
        "SELECT (SELECT COUNT(*) FROM signup_request WHERE message LIKE %s OR reason LIKE %s)"
        " + (SELECT COUNT(*) FROM outbox WHERE recipient LIKE %s OR body_text LIKE %s"
        "        OR body_html LIKE %s)" % ((like,) * 5)))


def erased_ids(slug):
    return [row[0] for row in sql(
        "SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
        " WHERE s.slug = '%s' AND c.erased_at IS NOT NULL ORDER BY c.id" % slug)]


class ErasureLeavesNothing(unittest.TestCase):
    """Point 4: an erasure blanks what the signup said and the mails about
    the person that were not theirs (to the admins, their refusal)."""

    def setUp(self):
        steps.clear_limits()
        steps.set_door("alpha", "waitlist")
        sql("UPDATE admin SET notify_signups = 1, notify_deletions = 1"
            " WHERE email = '%s'" % ALPHA_OWNER[0])

    def tearDown(self):
        steps.set_door("alpha", "open")
        sql("UPDATE admin SET notify_signups = 0, notify_deletions = 0 WHERE email = '%s'"
            % ALPHA_OWNER[0])

    def test_an_unconfirmed_form_leaves_no_names_nor_phone(self):
        """A form never confirmed keeps its names and phone on its request
        (they reach the customer only at confirmation): erasing the
        customer blanks them there too."""
        email = "unconfirmed.names@example.org"
        browser = web.Browser(ALPHA_HOST, source="127.0.0.8")
        self.assertEqual(steps.sign_up(browser, email, first_name="Zzprenomsecret",
                                       last_name="Zznomsecret", phone="06 99 88 77 66").status,
                         200)
        customer = steps.customer_row(email)[0]
        names = "SELECT first_name, last_name, phone FROM signup_request WHERE customer_id = %s"
        self.assertEqual(sql(names % customer)[-1], ["Zzprenomsecret", "Zznomsecret",
                                                    "06 99 88 77 66"])
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/customers/%s" % customer)
        self.assertEqual(owner.post("/admin/customers/%s/delete" % customer,
                                    {"csrf": page.csrf()}).status, 303)
        self.assertEqual(sql(names % customer), [["", "", ""]] * len(sql(names % customer)))

    def test_a_refused_applicant_leaves_no_message_address_reason_nor_mail(self):
        email = "refused.traces@example.org"
        message = "Message-secret-de-Lise au marché du samedi"
        reason = "Motif-secret pour Lise"
        steps.drain_outbox()
        told = len(mails_to(ALPHA_OWNER[0]))
        browser = web.Browser(ALPHA_HOST, source="127.0.0.7")
        answer = steps.sign_up_and_confirm(browser, email, message=message,
                                           first_name="Lise", last_name="Zzrefusée")
        self.assertEqual(answer.status, 303)
        customer = steps.customer_row(email)[0]
        self.assertEqual(sql("SELECT message, ip FROM signup_request WHERE customer_id = %s"
                             % customer)[-1], [message, "127.0.0.7"])
        # the admins' mail went out with the message and the address
        notice = wait_for_mail(ALPHA_OWNER[0], told + 1)[-1]
        self.assertIn(message, steps.text_part(notice))
        steps.drain_outbox()
        self.assertGreater(traces(email), 0)
        request = sql("SELECT id FROM signup_request WHERE customer_id = %s" % customer)[-1][0]
        staff = admin(ALPHA_HOST, ALPHA_STAFF)
        page = staff.get("/admin/signup/queue")
        answer = staff.post("/admin/signup/queue", {"csrf": page.csrf(), "action": "refuse",
                                                    "id": request, "reason": reason})
        self.assertEqual(answer.status, 303)
        # the refusal still reaches them, reason included
        refusal = wait_for_mail(email, 1, "Votre demande auprès")[-1]
        self.assertIn(reason, steps.text_part(refusal))
        steps.drain_outbox()
        # and then nothing of them is left: not in the request, not in any mail
        self.assertTrue(web.wait_until(
            lambda: traces(email) == 0 and traces(message) == 0 and traces(reason) == 0, 10),
            sql("SELECT id, kind, status, recipient FROM outbox WHERE recipient LIKE '%%%s%%'"
                " OR body_text LIKE '%%secret%%'" % email))
        self.assertEqual(sql("SELECT status, message, ip IS NULL, reason, decided_at IS NOT NULL"
                             " FROM signup_request WHERE id = %s" % request),
                         [["refused", "", "1", "", "1"]])
        # the rows stay: the queue's counts, the admins' mail history
        self.assertEqual(one("SELECT COUNT(*) FROM outbox WHERE about_customer_id = %s"
                             " AND kind IN ('signup-admin-waiting', 'signup-refused')"
                             % customer), "2")

    def test_a_deleted_account_leaves_nothing_in_the_admins_mail_once_sent(self):
        steps.set_door("alpha", "open")
        email = "deleted.traces@alpha.test"
        customer = add_customer(email, first_name="'Gaston'", last_name="'Zzparti'")
        browser, _ = sign_in(email)
        told = len(mails_to(ALPHA_OWNER[0]))
        page = browser.get("/account/delete")
        self.assertEqual(browser.post("/account/delete", {"csrf": page.csrf()}).status, 200)
        mail = wait_for_mail(email, 2)[-1]
        token = re.search(r"/account/delete/confirm\?token=([0-9a-f]{64})",
                          steps.text_part(mail)).group(1)
        confirm = browser.get("/account/delete/confirm?token=" + token)
        done = browser.post("/account/delete/confirm", {"token": token, "csrf": confirm.csrf()})
        self.assertEqual(done.status, 200)
        notice = wait_for_mail(ALPHA_OWNER[0], told + 1)[-1]
        self.assertIn(email, steps.text_part(notice))
        steps.drain_outbox()
        self.assertTrue(web.wait_until(lambda: traces(email) == 0 and traces("Zzparti") == 0,
                                       10))
        # (other admins who asked to be told, from other files, got the same)
        self.assertEqual(sql("SELECT kind, status, recipient, body_text, body_html IS NULL"
                             " FROM outbox WHERE about_customer_id = %s AND recipient = '%s'"
                             % (customer, ALPHA_OWNER[0])),
                         [["account-deleted", "sent", ALPHA_OWNER[0], "", "1"]])

    def test_housekeeping_blanks_the_address_of_old_mail_to_a_stranger(self):
        stranger = "never.customer@example.org"
        steps.clear_limits()
        browser = web.Browser(ALPHA_HOST)
        self.assertEqual(browser.submit("/account/login", "/account/login",
                                        {"email": stranger}).status, 200)
        wait_for_mail(stranger, 1)
        steps.drain_outbox()
        self.assertTrue(web.wait_until(lambda: one(
            "SELECT COUNT(*) FROM outbox WHERE recipient = '%s' AND status = 'sent'"
            % stranger) == "1", 10))
        # a customer's and an admin's mail keep their address; the
        # stranger's goes with the bodies once Mail.KeepBodiesDays passed
        sql("UPDATE outbox SET sent_at = NOW() - INTERVAL 31 DAY WHERE recipient = '%s'"
            % stranger)
        kept = sql("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND recipient <> ''"
                   " AND (customer_id IS NOT NULL OR admin_id IS NOT NULL)")
        job = web.STACK.admin("job", "add", "--kind", "housekeeping").stdout
        job_id = re.search(r"job (\d+) queued", job).group(1)
        self.assertTrue(web.wait_until(
            lambda: one("SELECT state FROM job WHERE id = %s" % job_id) == "done", 30))
        self.assertEqual(traces(stranger), 0)
        self.assertEqual(sql("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"
                             " AND recipient <> ''"
                             " AND (customer_id IS NOT NULL OR admin_id IS NOT NULL)"), kept)


class RetentionNotices(unittest.TestCase):
    """Point 5: a notice holds only under the setting it was sent under,
    and only for a while."""

    def owner(self, slug):
        email = "owner@%s.test" % slug
        web.STACK.admin("admin", "add", "--shop", slug, "--email", email, "--role", "owner",
                        input="a-long-enough-password\n")
        return admin(slug + ".test", (email, "a-long-enough-password"))

    def settings(self, browser, slug, months):
        return browser.submit("/admin/settings", "/admin/settings", {
            "name": "Marché " + slug, "language": "fr", "sender_name": "",
            "sender_email": "", "time_zone": "Europe/Paris", "retention_months": months})

    def test_a_change_of_the_setting_on_its_page_drops_the_notices(self):
        slug = "ret-change"
        retention.make_shop(slug)
        browser = self.owner(slug)
        retention.run(slug)
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        # a bad value is refused with its message and drops nothing
        answer = self.settings(browser, slug, "3")
        self.assertEqual(answer.status, 400)
        self.assertIn("entre 6 et 120", answer.text())
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        self.assertEqual(one("SELECT retention_months FROM shop WHERE slug = '%s'" % slug), "12")
        # saving the same months keeps them
        self.assertEqual(self.settings(browser, slug, "12").status, 303)
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        # raised to two years: the notices of one year no longer hold
        self.assertEqual(self.settings(browser, slug, "24").status, 303)
        self.assertEqual(retention.notices(slug), [])
        retention.backdate_notice("old", slug, 40)
        self.assertIn("0 erased", retention.run(slug))
        self.assertEqual(retention.erased(slug), [])
        # under the new setting, only who is due now is warned again
        self.assertEqual(retention.notices(slug), ["old"])
        # switched off: no notice is left waiting for a setting that is gone
        self.assertEqual(self.settings(browser, slug, "").status, 303)
        self.assertEqual(retention.notices(slug), [])

    def test_any_program_that_switches_it_off_drops_the_notices(self):
        slug = "ret-off-sql"
        retention.make_shop(slug)
        retention.run(slug)
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        sql("UPDATE shop SET name = 'Autre nom' WHERE slug = '%s'" % slug)
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        sql("UPDATE shop SET retention_months = NULL WHERE slug = '%s'" % slug)
        self.assertEqual(retention.notices(slug), [])

    def test_an_old_notice_is_sent_again_not_acted_on(self):
        slug = "ret-stale"
        retention.make_shop(slug)
        retention.run(slug)
        address = retention.email("old", slug)
        wait_for_mail(address, 1)
        # the worker was down for two months: the warning is too old
        retention.backdate_notice("old", slug, 61)
        out = retention.run(slug)
        self.assertIn("0 erased, 1 warned", out)
        self.assertEqual(retention.erased(slug), [])
        self.assertEqual(one("SELECT warned_at > NOW() - INTERVAL 1 HOUR FROM retention_notice"
                             " WHERE customer_id = %s" % retention.customer_id("old", slug)), "1")
        wait_for_mail(address, 2)
        # a fresh one, 30 to 60 days old, is acted on
        old = retention.customer_id("old", slug)
        retention.backdate_notice("old", slug, 45)
        self.assertIn("1 erased", retention.run(slug))
        self.assertEqual(erased_ids(slug), [old])

    def test_the_dry_run_counts_an_old_notice_as_a_warning_to_send(self):
        slug = "ret-stale-dry"
        retention.make_shop(slug)
        retention.run(slug)
        retention.backdate_notice("old", slug, 61)
        out = retention.run(slug, "--dry-run")
        self.assertIn("0 to erase, 1 to warn", out)
        # the stale notice would be warned again by the next worker's
        # hourly run, whichever test's worker it is (one that talks to a
        # stalling SMTP server waited on it): made fresh again
        retention.backdate_notice("old", slug, 0)


class RetentionScope(unittest.TestCase):
    """Point 14: the waiting list is not inactivity, and who has no
    address cannot be warned: neither is ever erased by retention."""

    def test_waiting_and_addressless_customers_are_never_warned_nor_erased(self):
        slug = "ret-scope"
        retention.make_shop(slug)
        waiting = add_customer("waiting@%s.test" % slug, slug=slug, status="'waiting'",
                               last_name="'Attente'", created_at="NOW() - INTERVAL 2 YEAR")
        no_address = one("SELECT c.id FROM customer c JOIN shop s ON s.id = c.shop_id"
                         " WHERE s.slug = '%s' AND c.email IS NULL" % slug)
        retention.run(slug)
        self.assertEqual(retention.notices(slug), ["nearly", "old"])
        # even with a notice of the right age (left from before, or
        # written by hand), neither is erased; the notice is dropped
        for customer in (waiting, no_address):
            sql("INSERT INTO retention_notice (shop_id, customer_id, warned_at)"
                " SELECT shop_id, id, NOW() - INTERVAL 40 DAY FROM customer WHERE id = %s"
                % customer)
        old = retention.customer_id("old", slug)
        retention.backdate_notice("old", slug, 40)
        self.assertIn("1 erased", retention.run(slug))
        self.assertEqual(erased_ids(slug), [old])
        self.assertEqual(retention.notices(slug), ["nearly"])
        self.assertEqual(sql("SELECT status, email IS NOT NULL, erased_at IS NULL FROM customer"
                             " WHERE id IN (%s, %s) ORDER BY FIELD(id, %s, %s)"
                             % (waiting, no_address, waiting, no_address)),
                         [["waiting", "1", "1"], ["active", "0", "1"]])


def worker_log(name="worker.log"):
    import os
    path = os.path.join(web.STACK.log_dir, name)
    with open(path, errors="replace") as f:
        return f.read()[-3000:]


class RetentionSlices(unittest.TestCase):
    """Point 6: a shop of thousands of customers due for erasure is worked
    through a slice at a time, with rounds of mail between: a sign-in link
    of another shop leaves while most of the work is still to do."""

    CUSTOMERS = 2000

    def test_a_sign_in_link_leaves_while_a_large_retention_run_goes_on(self):
        slug = "ret-big"
        web.STACK.admin("shop", "add", "--slug", slug, "--name", "Grand marché",
                        "--language", "fr")
        web.STACK.admin("shop", "host", "add", "--shop", slug, "--host", slug + ".test")
        sql("UPDATE shop SET retention_months = 12 WHERE slug = '%s'" % slug)
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source,"
            " created_at, language)"
            " SELECT s.id, CONCAT('big', q.seq, '@%s.test'), 'Client', CONCAT('Big', q.seq),"
            " 'active', 'admin', NOW() - INTERVAL 2 YEAR, 'fr'"
            " FROM shop s JOIN seq_1_to_%d q WHERE s.slug = '%s'" % (slug, self.CUSTOMERS, slug))
        # all warned 40 days ago: all due for erasure (no mail to send)
        sql("INSERT INTO retention_notice (shop_id, customer_id, warned_at)"
            " SELECT c.shop_id, c.id, NOW() - INTERVAL 40 DAY FROM customer c"
            " JOIN shop s ON s.id = c.shop_id WHERE s.slug = '%s'" % slug)
        erased = lambda: int(one("SELECT COUNT(*) FROM customer c JOIN shop s"
                                 " ON s.id = c.shop_id WHERE s.slug = '%s'"
                                 " AND c.erased_at IS NOT NULL" % slug))
        job = web.STACK.admin("job", "add", "--kind", "retention", "--shop", slug).stdout
        job_id = re.search(r"job (\d+) queued", job).group(1)
        self.assertTrue(web.wait_until(lambda: erased() > 0, 60, pause=0.02),
                        (sql("SELECT state, progress, last_error, attempts FROM job"
                             " WHERE id = %s" % job_id), worker_log()))
        # the run is under way: someone of another shop asks for a link
        steps.clear_limits()
        address = "gwen@beta.test"
        before = len(mails_to(address))
        page = web.Browser(BETA_HOST).submit("/account/login", "/account/login",
                                             {"email": address})
        self.assertEqual(page.status, 200, worker_log("login.log")[-600:] + "\n".join(
            "\t".join(row) for row in web.STACK.sql("SHOW ENGINE INNODB STATUS")).replace(
                "\\n", "\n")[:6000])
        wait_for_mail(address, before + 1)
        # the link left while most of the shop was still to do
        self.assertLess(erased(), self.CUSTOMERS)
        self.assertTrue(web.wait_until(
            lambda: one("SELECT state FROM job WHERE id = %s" % job_id) == "done", 300))
        self.assertEqual(erased(), self.CUSTOMERS)
        self.assertEqual(one("SELECT progress FROM job WHERE id = %s" % job_id),
                         str(self.CUSTOMERS))
        self.assertEqual(retention.notices(slug), [])


class LedgerBlanking(unittest.TestCase):
    """Point 10: the ledger's free text and address are blanked only by
    an erasure."""

    def test_a_living_customers_entry_cannot_be_blanked(self):
        email = "ledger.living@alpha.test"
        customer = add_customer(email)
        sql("INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor,"
            " statement, ip, email_hash) SELECT shop_id, id, 'marketing', 1, 'admin', 'admin',"
            " 'Accord donné au marché', '127.0.0.9', UNHEX(SHA2(email, 256)) FROM customer"
            " WHERE id = %s" % customer)
        before = sql("SELECT statement, ip FROM consent WHERE customer_id = %s" % customer)
        for statement in ("UPDATE consent SET ip = NULL, statement = '' WHERE customer_id = %s",
                          "UPDATE consent SET ip = NULL WHERE customer_id = %s",
                          "UPDATE consent SET statement = '' WHERE customer_id = %s"):
            code, error = as_programs(statement % customer)
            self.assertNotEqual(code, 0, statement)
            self.assertIn("only an erased customer's entries may be blanked", error)
        self.assertEqual(sql("SELECT statement, ip FROM consent WHERE customer_id = %s"
                             % customer), before)
        # the erasure, from the customer's page, still blanks them
        owner = admin(ALPHA_HOST, ALPHA_OWNER)
        page = owner.get("/admin/customers/%s/delete" % customer)
        self.assertEqual(owner.post("/admin/customers/%s/delete" % customer,
                                    {"csrf": page.csrf()}).status, 303)
        self.assertEqual(sql("SELECT statement, ip, HEX(email_hash) = UPPER(SHA2('%s', 256))"
                             " FROM consent WHERE customer_id = %s" % (email, customer)),
                         [["", "NULL", "1"]])


class DataZip(unittest.TestCase):
    """Point 15: the ZIP does not carry links that still act."""

    def download(self, browser):
        import http.client
        import urllib.parse
        token = browser.get("/account/data").csrf()
        connection = http.client.HTTPConnection("127.0.0.1", web.STACK.port, timeout=30)
        connection.request("POST", "/account/data", body=urllib.parse.urlencode({"csrf": token}),
                           headers={"Host": browser.host,
                                    "Cookie": "; ".join("%s=%s" % kv
                                                        for kv in browser.cookies.items()),
                                    "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        body = answer.read()
        connection.close()
        self.assertEqual(answer.status, 200)
        return zipfile.ZipFile(io.BytesIO(body))

    def test_mails_with_a_live_link_or_code_show_subject_and_dates_only(self):
        email = "zip.links@alpha.test"
        customer = add_customer(email, first_name="'Zélie'", last_name="'Liens'")
        browser, login_mail = sign_in(email)
        login_token = re.search(r"token=([0-9a-f]{64})", steps.text_part(login_mail)).group(1)
        # the deletion's link and code, asked and left unused
        page = browser.get("/account/delete")
        self.assertEqual(browser.post("/account/delete", {"csrf": page.csrf()}).status, 200)
        delete_mail = wait_for_mail(email, 2)[-1]
        delete_token = re.search(r"token=([0-9a-f]{64})",
                                 steps.text_part(delete_mail)).group(1)
        code = re.search(r"\b(\d{6})\b", steps.text_part(delete_mail)).group(1)
        # a mail of a kind added later, whose link carries a token
        sql("INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text,"
            " status, sent_at) SELECT shop_id, id, 'some-new-kind', email, 'Un nouveau mail',"
            " 'Suivez https://alpha.test/account/new?token=feedface0123&x=1 puis merci', 'sent',"
            " NOW() FROM customer WHERE id = %s" % customer)
        steps.drain_outbox()
        archive = self.download(browser)
        everything = b"".join(archive.read(name) for name in archive.namelist())
        for secret in (login_token, delete_token, code, "feedface0123"):
            self.assertNotIn(secret.encode(), everything, secret)
        mails = json.loads(archive.read("mails.json"))
        kinds = dict((m["kind"], m) for m in mails)
        for kind in ("customer-login", "account-delete"):
            self.assertIsNone(kinds[kind]["body"], kind)
            self.assertTrue(kinds[kind]["subject"])
            self.assertTrue(kinds[kind]["queued_at"])
        self.assertIn("Votre lien de connexion", kinds["customer-login"]["subject"])
        self.assertEqual(kinds["some-new-kind"]["body"],
                         "Suivez https://alpha.test/account/new?token=[...]&x=1 puis merci")
        # what acts is still the customer's: the link to delete still works
        confirm = browser.get("/account/delete/confirm?token=" + delete_token)
        self.assertEqual(confirm.status, 200)


if __name__ == "__main__":
    unittest.main()
