"""The search index after an import that overwrites customers (issue 13's
speed work): the job changes only the terms that changed, in a few
multi-row statements per batch, so what it leaves must still be exactly
what a rebuild from the customer rows gives (every term with the name_key
of the customer's current names), and the list's search must find each
customer by what they are called now, and no longer by an old name or
phone.

Forty customers in one batch: their terms take several statements of
each kind (added, dropped, rewritten), the last one padded."""

import os
import secrets
import subprocess
import urllib.parse

from fixtures import ALPHA_HOST, ALPHA_OWNER
from test_import_job import forget_imports
from test_worker_smtp import WorkerCase
import web

COUNT = 40
MAPPING = "email,first_name,last_name,phone,address,city"


def rows(statement):
    return web.STACK.sql(statement)


def one(statement):
    return rows(statement)[0]


def letters(i):
    """Two letters for customer i ("ab"): names stay single words."""
    return chr(ord("a") + i // 26) + chr(ord("a") + i % 26)


class OverwriteKeepsTheIndex(WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        OverwriteKeepsTheIndex.counter += 1
        self.tag = "impspeed%d" % OverwriteKeepsTheIndex.counter
        self.shop = one("SELECT id FROM shop WHERE slug = 'alpha'")[0]
        self.owner = one("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
                         " WHERE s.slug = 'alpha' AND a.email = '%s'" % ALPHA_OWNER[0])[0]
        self.imports = []
        self.browser = web.Browser(ALPHA_HOST)
        self.assertEqual(self.browser.sign_in(*ALPHA_OWNER).status, 303)

    def tearDown(self):
        forget_imports("%s%%" % self.tag, self.imports)
        super().tearDown()

    def address(self, i):
        return "%s-%d@example.test" % (self.tag, i)

    def run_import(self, lines, mode):
        """Spools the file, makes its import row as the pages do, runs it
        with a worker of its own; returns the import's counts."""
        content = ("\n".join([MAPPING] + lines) + "\n").encode("utf-8")
        folder = web.STACK.spool_folder(self.shop)
        path = os.path.join(folder, secrets.token_hex(16))
        with open(path, "wb") as f:
            f.write(content)
        rows("INSERT INTO import (shop_id, admin_id, source, file_name, file_size, spool_path,"
             " format, encoding, field_separator, has_header, row_count, column_count, headers,"
             " mapping, mode, state)"
             " VALUES (%s, %s, 'file', 'clients.csv', %d, '%s', 'csv', 'utf-8', ',', 1, %d, 6,"
             " '', '%s', '%s', 'new')"
             % (self.shop, self.owner, len(content), path, len(lines), MAPPING, mode))
        import_id = one("SELECT MAX(id) FROM import WHERE shop_id = %s" % self.shop)[0]
        self.imports.append(import_id)
        queued = web.STACK.admin("import", "queue", "--shop", "alpha", "--id", import_id,
                                 "--action", "run")
        self.assertTrue(queued.stdout.startswith("job "), queued.stdout)
        worker = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=600)
        self.assertEqual(worker.returncode, 0, worker.stderr)
        self.assertEqual(one("SELECT state, error FROM import WHERE id = %s" % import_id),
                         ["done", ""])
        return [int(n) for n in one("SELECT count_new, count_updated, count_unchanged,"
                                    " count_invalid, count_duplicate FROM import WHERE id = %s"
                                    % import_id)]

    def ids(self):
        return [one("SELECT id FROM customer WHERE shop_id = %s AND email = '%s'"
                    % (self.shop, self.address(i)))[0] for i in range(COUNT)]

    def terms(self, ids):
        return rows("SELECT customer_id, term, HEX(name_key), email FROM customer_search"
                    " WHERE shop_id = %s AND customer_id IN (%s) ORDER BY customer_id, term"
                    % (self.shop, ",".join(ids)))

    def assertIndexAsRebuilt(self, ids):
        written = self.terms(ids)
        self.assertTrue(written)
        web.STACK.admin("search-reindex", "--shop", "alpha")
        self.assertEqual(self.terms(ids), written)

    def found(self, words, i):
        page = self.browser.get("/admin/customers?q=" + urllib.parse.quote(words))
        self.assertEqual(page.status, 200)
        return self.address(i) in page.text()

    def first_file(self):
        return ["%s,Amaury,Vérand%s,06 12 34 %02d %02d,%d rue des Lilas,Lyon"
                % (self.address(i), letters(i), i // 10, i % 10, i + 1) for i in range(COUNT)]

    def test_an_overwrite_changes_only_the_terms_that_changed_and_leaves_the_index_as_rebuilt(self):
        self.assertEqual(self.run_import(self.first_file(), "fill"), [COUNT, 0, 0, 0, 0])
        ids = self.ids()
        self.assertIndexAsRebuilt(ids)
        before = {row[0]: [] for row in self.terms(ids)}
        for row in self.terms(ids):
            before[row[0]].append(row)

        changed = []
        for i, line in enumerate(self.first_file()):
            email, first, last, phone, street, city = line.split(",")
            if i < 10:          # only where they live: no term changes
                street, city = "%d avenue Foch" % (i + 1), "Besançon"
            elif i < 20:        # a new name: every term gets its new name_key
                first, last = "Ophélie", "Beaulieu" + letters(i)
            elif i < 30:        # a new phone: its terms only
                phone = "07 98 76 %02d %02d" % (i // 10, i % 10)
            changed.append(",".join([email, first, last, phone, street, city]))
        self.assertEqual(self.run_import(changed, "overwrite"), [0, 30, 10, 0, 0])
        self.assertEqual(one("SELECT first_name, last_name, city FROM customer WHERE id = %s"
                             % ids[12]), ["Ophélie", "Beaulieu" + letters(12), "Lyon"])

        # a new address leaves each of its customer's terms as it was
        for i in range(10):
            self.assertEqual(self.terms([ids[i]]), before[ids[i]])
        self.assertIndexAsRebuilt(ids)

        self.assertTrue(self.found("Vérand" + letters(3), 3))
        self.assertTrue(self.found("Beaulieu" + letters(12), 12))
        self.assertTrue(self.found("Ophélie Beaulieu" + letters(12), 12))
        self.assertFalse(self.found("Vérand" + letters(12), 12))
        self.assertFalse(self.found("Amaury Vérand" + letters(12), 12))
        # by what stays: the address (the e-mail's terms, now under the new name)
        self.assertTrue(self.found(self.address(12), 12))
        self.assertTrue(self.found("07 98 76 02 05", 25))
        self.assertFalse(self.found("06 12 34 02 05", 25))
        self.assertTrue(self.found("Vérand" + letters(25), 25))
        self.assertTrue(self.found("06 12 34 03 05", 35))
