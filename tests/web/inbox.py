"""The mail the harness's SMTP server received, as the web tests read it:
who got what, waiting for a mail the worker has yet to send, its parts."""

import time

import web


def clear_limits():
    """Forgets every rate limit, so a test's requests are not refused for
    those of the tests before it."""
    web.STACK.sql("DELETE FROM rate_limit")


# the addresses a mail is to, by the mail's id(): the stack keeps every
# mail it read for the whole run, and parsing the To header of each of
# them again on every poll of wait_for_mail cost a tenth of a second a poll
# by the end of a run
RECIPIENTS = {}


def recipients(message):
    if id(message) not in RECIPIENTS:
        RECIPIENTS[id(message)] = (message, [a.addr_spec for a in message["To"].addresses])
    return RECIPIENTS[id(message)][1]


def mails_to(address, subject_word=None):
    """The mails addressed to address (exactly), oldest first, with
    subject_word in their subject if given."""
    return [m for m in web.STACK.messages()
            if address in recipients(m)
            and (subject_word is None or subject_word in m["Subject"])]


def wait_for_mail(address, count=1, subject_word=None, timeout=20):
    """The mails to address once there are count of them (waits for the
    worker to send them)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = mails_to(address, subject_word)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError("no mail number %d to %s (%s) after %ss"
                         % (count, address, subject_word, timeout))


def drain_outbox(timeout=20):
    """Waits until the worker has sent everything queued, so that counting
    mails before a request is not fooled by an earlier one."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if web.STACK.sql("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')"
                         " AND next_attempt_at <= NOW()") == [["0"]]:
            return
        time.sleep(0.05)


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()
