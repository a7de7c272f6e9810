"""The shops the tests of issue 16's list part share (test_segments.py,
test_list_columns.py): segments.test in French with groups, tags, orders
and a tax-exempt customer; segmentsb.test in English with a group and a
tag of its own (the other shop of the tenancy checks)."""

import web

HOST_A = "segments.test"
OWNER_A = ("owner@segments.test", "segments-owner-password")
STAFF_A = ("staff@segments.test", "segments-staff-password")
HOST_B = "segmentsb.test"
OWNER_B = ("owner@segmentsb.test", "segmentsb-owner-password")

# email: (first, last, country, source, marketing, system_mail, tax_exempt)
CUSTOMERS = {
    "anne@segments.test": ("Anne", "Abeille", "FR", "self", 1, 1, 0),
    "bruno@segments.test": ("Bruno", "Blé", "BE", "import", 0, 1, 1),
    "chloe@segments.test": ("Chloé", "Châtaigne", "FR", "admin", 1, 0, 0),
    "denis@segments.test": ("Denis", "Datte", "CH", "order", 0, 0, 0),
    "emma@segments.test": ("Emma", "Épeautre", "FR", "self", 1, 1, 0),
    "felix@segments.test": ("Félix", "Figue", "FR", "admin", 0, 1, 0),
}
# who is in which group and tag of segments.test
MEMBERS = {
    "Adhérents": ("anne@segments.test", "bruno@segments.test", "chloe@segments.test"),
    "Producteurs": ("denis@segments.test",),
}
BIG_SHOP = 200
TAGGED = {
    "bio": ("anne@segments.test", "emma@segments.test"),
    "marché du samedi": ("anne@segments.test", "felix@segments.test"),
}
# orders (days ago, status) per customer: new customers (first order in the
# last 30 days, cancelled ones not counted) are anne, denis and emma;
# returning customers (2 orders or more) are bruno and denis
ORDERS = {
    "anne@segments.test": ((5, "paid"),),
    "bruno@segments.test": ((60, "paid"), (3, "paid")),
    "chloe@segments.test": ((100, "paid"),),
    "denis@segments.test": ((20, "paid"), (10, "shipped")),
    "emma@segments.test": ((90, "cancelled"), (2, "paid")),
}


def sql(statement):
    return web.STACK.sql("SET NAMES utf8mb4;\n" + statement)


def quoted(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def shop_id(slug):
    return sql("SELECT id FROM shop WHERE slug = '%s'" % slug)[0][0]


def customer_id(email):
    return sql("SELECT id FROM customer WHERE email = %s" % quoted(email))[0][0]


def group_id(shop, name):
    return sql("SELECT id FROM customer_group WHERE shop_id = %s AND name = %s"
               % (shop, quoted(name)))[0][0]


def tag_id(shop, name):
    return sql("SELECT id FROM tag WHERE shop_id = %s AND name = %s" % (shop, quoted(name)))[0][0]


def load():
    stack = web.STACK
    if sql("SELECT COUNT(*) FROM shop WHERE slug = 'segments'") == [["1"]]:
        return
    stack.admin("shop", "add", "--slug", "segments", "--name", "Épicerie des Segments",
                "--language", "fr")
    stack.admin("shop", "host", "add", "--shop", "segments", "--host", HOST_A)
    stack.admin("admin", "add", "--shop", "segments", "--email", OWNER_A[0], "--role", "owner",
                input=OWNER_A[1] + "\n")
    stack.admin("admin", "add", "--shop", "segments", "--email", STAFF_A[0], "--role", "staff",
                input=STAFF_A[1] + "\n")
    stack.admin("shop", "add", "--slug", "segmentsb", "--name", "Segment Farm", "--language", "en")
    stack.admin("shop", "host", "add", "--shop", "segmentsb", "--host", HOST_B)
    stack.admin("admin", "add", "--shop", "segmentsb", "--email", OWNER_B[0], "--role", "owner",
                input=OWNER_B[1] + "\n")
    a, b = shop_id("segments"), shop_id("segmentsb")
    for email, (first, last, country, source, marketing, system, exempt) in CUSTOMERS.items():
        sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source, country,"
            " marketing_consent, system_mail, tax_exempt) VALUES (%s, %s, %s, %s, 'active', '%s',"
            " '%s', %d, %d, %d)" % (a, quoted(email), quoted(first), quoted(last), source,
                                    country, marketing, system, exempt))
    sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " VALUES (%s, 'secret@segmentsb.test', 'Gwen', 'Betasecret', 'active', 'self')" % b)
    for name, emails in MEMBERS.items():
        sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, %s)" % (a, quoted(name)))
        for email in emails:
            sql("INSERT INTO customer_group_member (shop_id, group_id, customer_id)"
                " VALUES (%s, %s, %s)" % (a, group_id(a, name), customer_id(email)))
    for name, emails in TAGGED.items():
        sql("INSERT INTO tag (shop_id, name) VALUES (%s, %s)" % (a, quoted(name)))
        for email in emails:
            sql("INSERT INTO customer_tag (shop_id, tag_id, customer_id) VALUES (%s, %s, %s)"
                % (a, tag_id(a, name), customer_id(email)))
    sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Secret club')" % b)
    sql("INSERT INTO customer_group_member (shop_id, group_id, customer_id) VALUES (%s, %s, %s)"
        % (b, group_id(b, "Secret club"), customer_id("secret@segmentsb.test")))
    sql("INSERT INTO tag (shop_id, name) VALUES (%s, 'secret-tag')" % b)
    sql("INSERT INTO customer_tag (shop_id, tag_id, customer_id) VALUES (%s, %s, %s)"
        % (b, tag_id(b, "secret-tag"), customer_id("secret@segmentsb.test")))
    # a group big enough for the list to walk its order rather than read
    # the members first (customer_query.c, plan_slice)
    sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
        " SELECT %s, CONCAT('member', seq, '@segments.test'), 'Membre', CONCAT('Zmembre', seq),"
        " 'active', 'import' FROM seq_1_to_%d" % (a, BIG_SHOP))
    sql("INSERT INTO customer_group (shop_id, name) VALUES (%s, 'Grand groupe')" % a)
    sql("INSERT INTO customer_group_member (shop_id, group_id, customer_id)"
        " SELECT %s, %s, id FROM customer WHERE shop_id = %s AND email LIKE 'member%%'"
        " AND MOD(id, 4) <> 0" % (a, group_id(a, "Grand groupe"), a))
    n = 0
    for email, orders in ORDERS.items():
        for days, status in orders:
            n += 1
            sql("INSERT INTO orders (shop_id, customer_id, reference, status, total_cents,"
                " ordered_at) VALUES (%s, %s, 'S-%d', '%s', 2500, NOW() - INTERVAL %d DAY)"
                % (a, customer_id(email), n, status, days))
    stack.admin("search-reindex", "--shop", "segments")
    stack.admin("search-reindex", "--shop", "segmentsb")


def signed_in(host, account):
    browser = web.Browser(host)
    assert browser.sign_in(*account).status == 303
    return browser


def listed(page):
    """The e-mail addresses of the customer rows of a list page, in order."""
    return page.listed_emails()
