"""An import's undo (issue 13, point 7; fcgi/import-undo.c): it removes
the customers the import created to whom nothing happened since — no
order, no sign-in, nothing on their timeline but the import's own — with
everything of them (search terms, timeline, mails), keeps the others and
says how many of each; other imports and other shops are untouched. The
consent ledger is append-only (issue 15): the removed customers' entries
stay, no longer linked to anyone, and each consent still given gets its
withdrawal ("import undone"). Run through tests/helpers/import-undo, which calls import_undo
as the worker's import job does."""

import os
import subprocess
import tempfile
import unittest

from test_import_job import forget_imports
from test_worker_smtp import WorkerCase
import web

KINDS = ("plain", "filenote", "welcomed", "ordered", "edited", "signed", "noted",
         "unsubscribed", "blocked", "reimported")
REMOVED = ("plain", "filenote", "welcomed")


def rows(statement):
    return web.STACK.sql(statement)


def one(statement):
    return rows(statement)[0][0]


def helper():
    path = os.path.join(web.STACK.builddir, "tests", "helpers", "import-undo")
    if not os.path.exists(path):
        raise AssertionError("build the helper first: make tests/helpers/import-undo")
    return path


class ImportUndo(unittest.TestCase):
    counter = 0

    def setUp(self):
        ImportUndo.counter += 1
        self.tag = "undo%d" % ImportUndo.counter
        self.alpha = one("SELECT id FROM shop WHERE slug = 'alpha'")
        self.beta = one("SELECT id FROM shop WHERE slug = 'beta'")
        self.owner = one("SELECT id FROM admin WHERE shop_id = %s AND email = 'owner@alpha.test'"
                         % self.alpha)
        self.imports = []
        self.first = self.new_import(self.alpha)
        self.second = self.new_import(self.alpha)
        self.beta_import = self.new_import(self.beta)
        self.ids = {kind: self.customer(self.alpha, kind, self.first) for kind in KINDS}
        # what happened to some of them since the import
        self.ids_text = ",".join(self.ids.values())
        customer = self.ids
        rows("INSERT INTO outbox (shop_id, customer_id, kind, recipient, subject, body_text, status)"
             " VALUES (%(shop)s, %(welcomed)s, 'customer-welcome', '%(tag)s-welcomed@alpha.test',"
             "         'Bienvenue', 'corps', 'sent');"
             "INSERT INTO event (shop_id, customer_id, kind, detail) VALUES"
             " (%(shop)s, %(welcomed)s, 'mail.queued', 'Bienvenue'),"
             " (%(shop)s, %(welcomed)s, 'mail.sent', 'Bienvenue');"
             "INSERT INTO consent (shop_id, customer_id, granted, source, admin_id, import_id)"
             " VALUES (%(shop)s, %(welcomed)s, 1, 'import', %(owner)s, %(import_id)s);"
             "INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at)"
             " VALUES (%(shop)s, %(ordered)s, '%(tag)s-1', 1250, NOW());"
             "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
             " VALUES (%(shop)s, %(edited)s, %(owner)s, 'customer.edited');"
             "UPDATE customer SET last_sign_in_at = NOW(), status = 'active' WHERE id = %(signed)s;"
             "INSERT INTO note (shop_id, customer_id, admin_id, body)"
             " VALUES (%(shop)s, %(noted)s, %(owner)s, 'Client fidèle');"
             "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
             " VALUES (%(shop)s, %(noted)s, %(owner)s, 'customer.note_added');"
             # the file's notes column: the import's own note, no event
             "INSERT INTO note (shop_id, customer_id, admin_id, body)"
             " VALUES (%(shop)s, %(filenote)s, %(owner)s, 'Vient du marché');"
             # updated by a later import of the same address
             "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
             " VALUES (%(shop)s, %(reimported)s, %(owner)s, 'customer.import_updated');"
             "INSERT INTO consent (shop_id, customer_id, granted, source)"
             " VALUES (%(shop)s, %(unsubscribed)s, 0, 'unsubscribe');"
             "UPDATE customer SET status = 'blocked' WHERE id = %(blocked)s;"
             "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail)"
             " VALUES (%(shop)s, %(blocked)s, %(owner)s, 'customer.blocked', 'Fraude');"
             % dict(customer, shop=self.alpha, owner=self.owner, import_id=self.first, tag=self.tag))
        # the same import id on another shop's customer (as a forged or
        # buggy row would have it), another import of the shop, and a
        # customer of no import
        self.others = [self.customer(self.beta, "beta", self.first),
                       self.customer(self.beta, "betaown", self.beta_import),
                       self.customer(self.alpha, "second", self.second),
                       self.customer(self.alpha, "byhand", None)]
        web.STACK.admin("search-reindex", "--shop", "alpha")
        web.STACK.admin("search-reindex", "--shop", "beta")

    def tearDown(self):
        everyone = ",".join(list(self.ids.values()) + self.others)
        rows("DELETE FROM customer_search WHERE customer_id IN (%s);"
             "DELETE FROM orders WHERE reference LIKE '%s-%%';"
             "DELETE FROM outbox WHERE customer_id IN (%s);"
             "DELETE FROM customer WHERE id IN (%s);"
             "DELETE FROM event WHERE kind = 'import.undone';"
             "DELETE FROM import WHERE id IN (%s)"
             % (everyone, self.tag, everyone, everyone, ",".join(self.imports)))

    def new_import(self, shop):
        rows("INSERT INTO import (shop_id, admin_id, source, file_name, headers, mapping, state,"
             "                    count_new, finished_at)"
             " VALUES (%s, NULL, 'file', 'clients.csv', '', '', 'done', 9, NOW())" % shop)
        import_id = one("SELECT MAX(id) FROM import")
        self.imports.append(import_id)
        return import_id

    def customer(self, shop, kind, import_id):
        """A customer as the import writes one: its row (carrying the
        import), its creation on the timeline."""
        email = "%s-%s@alpha.test" % (self.tag, kind)
        rows("INSERT INTO customer (shop_id, email, first_name, last_name, source, import_id)"
             " VALUES (%s, '%s', 'Élodie', 'Importée%s', 'import', %s);"
             "INSERT INTO event (shop_id, customer_id, kind)"
             " SELECT shop_id, id, 'customer.imported' FROM customer WHERE shop_id = %s AND email = '%s'"
             % (shop, email, kind.capitalize(), import_id or "NULL", shop, email))
        return one("SELECT id FROM customer WHERE shop_id = %s AND email = '%s'" % (shop, email))

    def undo(self, shop, import_id, *extra):
        return subprocess.run([helper(), str(shop), str(self.owner), str(import_id)] + list(extra),
                              env=web.STACK.env(), capture_output=True, text=True, timeout=120)

    def left(self):
        """The kinds of the import's customers still there."""
        names = {v: k for k, v in self.ids.items()}
        return sorted(names[r[0]] for r in rows("SELECT id FROM customer WHERE id IN (%s)"
                                                % self.ids_text))

    def traces(self, ids):
        """Rows anywhere that still name the customers ids."""
        text = ",".join(ids)
        return [int(one("SELECT COUNT(*) FROM %s WHERE customer_id IN (%s)" % (table, text)))
                for table in ("customer_search", "event", "consent", "outbox")] + \
            [int(one("SELECT COUNT(*) FROM customer WHERE id IN (%s)" % text))]

    def test_customers_nothing_happened_to_are_removed_and_the_others_kept(self):
        removed_ids = [self.ids[k] for k in REMOVED]
        self.assertGreater(self.traces(removed_ids)[0], 0)   # they were searchable
        others_before = self.traces(self.others)
        result = self.undo(self.alpha, self.first)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "removed 3 kept 7")
        self.assertEqual(self.left(), sorted(set(KINDS) - set(REMOVED)))
        # nothing of the removed ones is left: no row, search term, event,
        # consent row linked to them or mail
        self.assertEqual(self.traces(removed_ids), [0, 0, 0, 0, 0])
        # but the ledger keeps the import's consent of the welcomed one, and
        # its withdrawal by the undo, with the hash of the address
        self.assertEqual(
            rows("SELECT granted, source, actor, admin_id, customer_id IS NULL,"
                 " HEX(email_hash) = UPPER(SHA2('%s-welcomed@alpha.test', 256)), statement"
                 " FROM consent WHERE shop_id = %s AND import_id = %s ORDER BY id"
                 % (self.tag, self.alpha, self.first)),
            [["1", "import", "system", self.owner, "1", "NULL", ""],
             ["0", "import", "import", self.owner, "1", "1",
              "Import annulé\u00a0: le client qu'il avait créé est supprimé."]])
        # the kept ones keep what happened to them
        self.assertEqual(one("SELECT COUNT(*) FROM orders WHERE customer_id = %s"
                             % self.ids["ordered"]), "1")
        self.assertEqual(one("SELECT COUNT(*) FROM note WHERE customer_id = %s"
                             % self.ids["noted"]), "1")
        self.assertEqual(one("SELECT COUNT(*) FROM note WHERE customer_id = %s"
                             % self.ids["filenote"]), "0")
        # other shops' customers, the shop's other import and its other
        # customers are untouched
        self.assertEqual(self.traces(self.others), others_before)
        self.assertEqual(rows("SELECT state, undo_removed, undo_kept, undone_at IS NOT NULL"
                              " FROM import WHERE id = %s" % self.first),
                         [["undone", "3", "7", "1"]])
        self.assertEqual(rows("SELECT state, undo_removed FROM import WHERE id IN (%s, %s)"
                              % (self.second, self.beta_import)), [["done", "0"]] * 2)
        # the shop's audit trail says who undid which import
        self.assertEqual(rows("SELECT shop_id, customer_id IS NULL, admin_id, detail FROM event"
                              " WHERE kind = 'import.undone'"),
                         [[self.alpha, "1", self.owner, self.first]])
        # and the shop's search finds the kept, not the removed
        found = rows("SELECT DISTINCT customer_id FROM customer_search WHERE shop_id = %s"
                     " AND customer_id IN (%s)" % (self.alpha, self.ids_text))
        self.assertEqual(sorted(r[0] for r in found),
                         sorted(self.ids[k] for k in set(KINDS) - set(REMOVED)))

    def test_undone_twice_removes_nothing_more(self):
        self.assertEqual(self.undo(self.alpha, self.first).returncode, 0)
        again = self.undo(self.alpha, self.first)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout.strip(), "removed 3 kept 7")
        self.assertEqual(len(self.left()), 7)

    def test_another_shops_import_id_undoes_nothing(self):
        # beta asking to undo alpha's import: no such import in beta
        result = self.undo(self.beta, self.first)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(self.left()), len(KINDS))
        self.assertEqual(one("SELECT state FROM import WHERE id = %s" % self.first), "done")
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE id = %s" % self.others[0]), "1")

    def test_an_import_still_running_is_not_undone(self):
        rows("UPDATE import SET state = 'importing' WHERE id = %s" % self.first)
        result = self.undo(self.alpha, self.first)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(self.left()), len(KINDS))
        self.assertEqual(one("SELECT state FROM import WHERE id = %s" % self.first), "importing")

    def test_a_stopped_undo_goes_on_where_it_was(self):
        stopped = self.undo(self.alpha, self.first, "stop")
        self.assertEqual(stopped.stdout.strip(), "-2")
        self.assertEqual(rows("SELECT state, undo_removed FROM import WHERE id = %s" % self.first),
                         [["undoing", "0"]])
        self.assertEqual(len(self.left()), len(KINDS))
        # as if a first batch had committed the removal of two customers
        # before the worker was killed
        rows("UPDATE import SET undo_removed = 2 WHERE id = %s" % self.first)
        result = self.undo(self.alpha, self.first)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "removed 5 kept 7")
        self.assertEqual(one("SELECT state FROM import WHERE id = %s" % self.first), "undone")


class UndoByTheWorker(WorkerCase):
    """An import run by the worker, then undone by the worker's job."""

    def setUp(self):
        super().setUp()
        self.tag = "undojob%d" % os.getpid()
        self.shop = one("SELECT id FROM shop WHERE slug = 'alpha'")
        self.imports = []

    def tearDown(self):
        rows("DELETE FROM orders WHERE reference LIKE '%s%%'" % self.tag)
        forget_imports("%s%%" % self.tag, self.imports)
        super().tearDown()

    def queue(self, import_id, action):
        result = subprocess.run([web.STACK.program("fidele-admin"), "import", "queue", "--shop",
                                 "alpha", "--id", import_id, "--action", action],
                                env=web.STACK.env(), capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        worker = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=web.STACK.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(worker.returncode, 0, worker.stderr)

    def test_the_worker_undoes_an_import_and_keeps_who_was_worked_with(self):
        folder = web.STACK.spool_folder(self.shop)
        handle, path = tempfile.mkstemp(dir=folder)
        names = ("anais", "benoit", "chloe", "denis", "eloise")
        with os.fdopen(handle, "w") as f:
            f.write("email,first_name,note\n" + "".join(
                "%s-%s@example.test,%s,Vu au marché\n" % (self.tag, n, n.capitalize())
                for n in names))
        owner = one("SELECT id FROM admin WHERE shop_id = %s AND email = 'owner@alpha.test'"
                    % self.shop)
        rows("INSERT INTO import (shop_id, admin_id, source, file_name, spool_path, row_count,"
             " column_count, headers, mapping, subscribe, welcome) VALUES (%s, %s, 'file',"
             " 'clients.csv', '%s', 5, 3, '', 'email,first_name,note', 1, 1)"
             % (self.shop, owner, path))
        import_id = one("SELECT MAX(id) FROM import WHERE shop_id = %s" % self.shop)
        self.imports.append(import_id)
        self.queue(import_id, "run")
        self.assertEqual(rows("SELECT state, count_new FROM import WHERE id = %s" % import_id),
                         [["done", "5"]])
        ids = dict(rows("SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1), id"
                        " FROM customer WHERE import_id = %s" % import_id))
        self.assertEqual(sorted(ids), sorted(names))
        # since the import: an order for one, an admin's edit of another
        rows("INSERT INTO orders (shop_id, customer_id, reference, total_cents, ordered_at)"
             " VALUES (%s, %s, '%s-1', 990, NOW());"
             "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
             " VALUES (%s, %s, %s, 'customer.edited')"
             % (self.shop, ids["anais"], self.tag, self.shop, ids["benoit"], owner))
        self.queue(import_id, "undo")
        self.assertEqual(rows("SELECT state, undo_removed, undo_kept FROM import WHERE id = %s"
                              % import_id), [["undone", "3", "2"]])
        self.assertEqual(sorted(r[0] for r in rows("SELECT id FROM customer WHERE import_id = %s"
                                                   % import_id)),
                         sorted([ids["anais"], ids["benoit"]]))
        gone = ",".join(ids[n] for n in ("chloe", "denis", "eloise"))
        for table in ("customer_search", "event", "consent", "outbox", "note"):
            self.assertEqual(one("SELECT COUNT(*) FROM %s WHERE customer_id IN (%s)"
                                 % (table, gone)), "0", table)
