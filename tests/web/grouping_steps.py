"""Steps the groups and the tags tests share (test_groups.py,
test_tags.py): SQL ground truth, a customer of the other shop, and a base
class that signs alpha's owner in, makes customers whose e-mails carry
the test's own word, sends the bulk page's confirmation, and erases the
customers and the test's groups or tags afterwards."""

import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER
import web


def one(statement):
    rows = web.STACK.sql(statement)
    return rows[0][0] if rows else None


def shop_id(slug):
    return one("SELECT id FROM shop WHERE slug = '%s'" % slug)


def beta_customer(tag):
    """A customer of beta's own for this test (another test may have
    changed beta's fixtures)."""
    web.STACK.sql("INSERT INTO customer (shop_id, email, first_name, last_name, status, source)"
                  " SELECT id, '%s-beta@beta.test', 'Bêta', 'Autreboutique', 'active', 'admin'"
                  " FROM shop WHERE slug = 'beta'" % tag)
    return one("SELECT id FROM customer WHERE email = '%s-beta@beta.test'" % tag)


def events(customer_id, kind):
    return [r[0] for r in web.STACK.sql(
        "SELECT detail FROM event WHERE customer_id = %s AND kind = '%s' ORDER BY id"
        % (customer_id, kind))]


class GroupingBase(unittest.TestCase):
    """A subclass names its word's prefix (and how much of its class name
    follows), the table its test's groups or tags are in, its customers'
    last name and the page a form's token is read from."""
    prefix = None
    class_letters = 6
    table = None
    last_name = None
    token_page = None
    counter = 0

    def setUp(self):
        GroupingBase.counter += 1
        self.tag = "%s%d%s" % (self.prefix, GroupingBase.counter,
                               type(self).__name__.lower()[:self.class_letters])
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def tearDown(self):
        # the groups or tags, and the customers out of the lists the other
        # tests read (erased, as the other tests do it)
        like = "%s-%%" % self.tag
        web.STACK.sql("DELETE FROM %s WHERE name LIKE '%%%s%%';"
                      "DELETE FROM customer_search WHERE customer_id IN"
                      " (SELECT id FROM customer WHERE email LIKE '%s');"
                      "UPDATE customer SET erased_at = NOW(), email = NULL WHERE email LIKE '%s'"
                      % (self.table, self.tag, like, like))

    def customers(self, count, browser=None, host="alpha.test"):
        browser = browser or self.browser
        ids = []
        for i in range(count):
            answer = browser.submit("/admin/customers/new", "/admin/customers/new",
                                    {"email": "%s-%d@%s" % (self.tag, i, host),
                                     "last_name": "%s%s" % (self.last_name, self.tag)})
            self.assertEqual(answer.status, 303, answer.text())
            ids.append(answer.header("Location").rsplit("/", 1)[1])
        return ids

    def post_form(self, path, fields, browser=None, token_page=None):
        """POSTs fields (a list of pairs: names may repeat) with a token."""
        browser = browser or self.browser
        token = browser.get(token_page or self.token_page).csrf()
        body = web.urllib.parse.urlencode(list(fields) + [("csrf", token)])
        return browser.request("POST", path, body=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

    def confirm(self, page):
        """Sends the bulk page's confirmation form as its button would."""
        form = re.search(r'<form method="post" action="/admin/groups/bulk" class="actions">(.*?)</form>',
                         page.body, re.S).group(1)
        fields = [(k, web.html.unescape(v)) for k, v in
                  re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]
        return self.browser.request("POST", "/admin/groups/bulk",
                                    body=web.urllib.parse.urlencode(fields),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
