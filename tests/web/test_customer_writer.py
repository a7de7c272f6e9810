"""Services without a request (issue 11, point 3) and the one customer
writer (point 1): the CLI mails through the same outbox, token and event
functions as the pages, and every way of changing a customer keeps the
search index, the timeline and the login tokens right."""

import re
import unittest

from fixtures import BETA_HOST
import web
from test_account import drain_outbox, wait_for_mail, mails_to, text_part

SENT_ADMIN = ("mailed-owner@beta.test", "mailed-owner-password")


def setUpModule():
    web.STACK.admin("admin", "add", "--shop", "beta", "--email", SENT_ADMIN[0], "--role", "owner",
                    input=SENT_ADMIN[1] + "\n")


class LoginLinkSend(unittest.TestCase):
    def test_send_mails_the_link_in_the_shops_language_instead_of_printing_it(self):
        drain_outbox()
        before = len(mails_to(SENT_ADMIN[0]))
        result = web.STACK.admin("login-link", "--shop", "beta", "--email", SENT_ADMIN[0], "--send")
        self.assertNotIn("token=", result.stdout)
        self.assertIn(SENT_ADMIN[0], result.stdout)
        message = wait_for_mail(SENT_ADMIN[0], before + 1)[-1]
        # beta speaks English: the CLI loaded the language files itself
        self.assertIn("new password", message["Subject"].lower())
        self.assertIn("Beta", message["Subject"])
        link = re.search(r"https://beta\.test(/admin/login/reset\?token=([0-9a-f]{64}))",
                         text_part(message))
        self.assertIsNotNone(link)
        path, token = link.groups()
        browser = web.Browser(BETA_HOST)
        form = browser.get(path)
        self.assertEqual(form.status, 200)
        answer = browser.post("/admin/login/reset", {"token": token, "password": "mailed-new-password",
                                                     "csrf": form.csrf()})
        self.assertEqual(answer.status, 303)
        self.assertEqual(browser.get("/admin/customers").status, 200)
        self.assertEqual(web.STACK.sql(
            "SELECT COUNT(*) FROM event e JOIN admin a ON a.id = e.admin_id"
            " WHERE a.email = '%s' AND e.kind = 'admin.link_mailed'" % SENT_ADMIN[0]), [["1"]])

    def test_send_to_someone_who_is_not_an_admin_queues_nothing(self):
        before = web.STACK.sql("SELECT COUNT(*) FROM outbox")
        result = web.STACK.admin("login-link", "--shop", "beta", "--email", "ghost@beta.test", "--send",
                                 check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not an admin", result.stderr)
        self.assertEqual(web.STACK.sql("SELECT COUNT(*) FROM outbox"), before)
