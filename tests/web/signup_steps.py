"""Steps the signup tests share (test_signup.py, test_signup_queue.py,
and the browser test): the shop's door set with SQL, the public form
filled as a visitor would, the mails read from the harness's SMTP
server."""

import re

from inbox import clear_limits, mails_to, wait_for_mail, drain_outbox, text_part, html_part
import web


def set_door(slug, mode, capacity=None):
    web.STACK.sql("UPDATE shop SET mode = '%s', signup_capacity = %s WHERE slug = '%s'"
                  % (mode, "NULL" if capacity is None else int(capacity), slug))


def confirm_token(message):
    match = re.search(r"https?://\S+/account/signup/confirm\?token=([0-9a-f]{64})",
                      text_part(message))
    assert match, "no confirmation link in: " + text_part(message)
    return match.group(1)


def form_values(page):
    """The hidden values of the signup form: its door and wording id."""
    door = re.search(r'name="door" value="([a-z]*)"', page.body)
    text = re.search(r'name="text" value="([0-9]*)"', page.body)
    return {"door": door.group(1) if door else "",
            "text": text.group(1) if text else "",
            "csrf": page.csrf()}


def sign_up(browser, email, first_name="Jeanne", last_name="Martin", marketing=True,
            **extra):
    """Fills the public form as a visitor would. Returns the answer."""
    page = browser.get("/account/signup")
    assert page.status == 200, page.status
    form = dict(form_values(page), first_name=first_name, last_name=last_name, email=email)
    if marketing:
        form["marketing"] = "1"
    form.update(extra)
    return browser.post("/account/signup", form)


def confirm(browser, token, marketing=None):
    """Follows a confirmation link as a person does: the GET, then its
    button, with the page's marketing box as the page shows it (ticked or
    not, as the form left it) unless marketing says otherwise."""
    page = browser.get("/account/signup/confirm?token=" + token)
    assert page.status == 200, page.status
    form = {"token": token, "csrf": page.csrf()}
    text = re.search(r'name="text" value="([0-9]*)"', page.body)
    if text:
        form["text"] = text.group(1)
    ticked = re.search(r'name="marketing" value="1" checked', page.body) is not None
    if ticked if marketing is None else marketing:
        form["marketing"] = "1"
    return browser.post("/account/signup/confirm", form)


def sign_up_and_confirm(browser, email, **fields):
    """A whole signup: form, mail, link. Returns the answer to the link's POST."""
    drain_outbox()
    before = len(mails_to(email))
    answer = sign_up(browser, email, **fields)
    assert answer.status == 200, (answer.status, answer.text())
    message = wait_for_mail(email, before + 1)[-1]
    return confirm(browser, confirm_token(message))


def customer_row(email, slug="alpha"):
    rows = web.STACK.sql("SELECT c.id, c.status, c.source, c.marketing_consent FROM customer c"
                         " JOIN shop s ON s.id = c.shop_id"
                         " WHERE s.slug = '%s' AND c.email = '%s'" % (slug, email))
    return rows[0] if rows else None


def request_rows(customer_id):
    return web.STACK.sql("SELECT id, status, marketing_wanted, IFNULL(text_id, 0), message, reason"
                         " FROM signup_request WHERE customer_id = %s ORDER BY id" % customer_id)
