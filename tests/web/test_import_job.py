"""The import's worker job (issue 13): a preview (dry run) that counts and
writes nothing else, and a run in committed batches through the customer
writer (customers, search index, events, consent rows, notes, welcome
mails, errors), resumable after kill -9, confined to its shop.

The import rows and their spooled files are made here directly (SQL and
files under the stack's Spool.Dir/<shop>/kept/, as the import pages leave
them), and queued as import_job_queue does. The stack's own worker is
paused meanwhile (WorkerCase): each job is run by a worker a test starts,
with a configuration of its own (small batches, a pause between them)."""

import io
import os
import secrets
import signal
import subprocess
import tempfile
import zipfile

from fixtures import ALPHA_HOST, ALPHA_OWNER, BETA_OWNER
from test_worker_smtp import WorkerCase
import web


def rows(statement):
    return web.STACK.sql(statement)


def forget_imports(like, imports):
    """Ends a test that imported: its customers (e-mail LIKE like) out of the
    lists the other tests read (erased, as the product does it, with their
    search rows, notes and mails), and its imports with their jobs and
    spooled files."""
    rows("DELETE FROM outbox WHERE recipient LIKE '%s';"
         "DELETE FROM customer_search WHERE customer_id IN"
         " (SELECT id FROM customer WHERE email LIKE '%s');"
         "DELETE FROM note WHERE customer_id IN (SELECT id FROM customer WHERE email LIKE '%s');"
         "UPDATE customer SET erased_at = NOW(), email = NULL, import_id = NULL"
         " WHERE email LIKE '%s'" % (like, like, like, like))
    for import_id in imports:
        left = rows("SELECT spool_path FROM import WHERE id = %s AND spool_path <> ''"
                    % import_id)
        if left and os.path.exists(left[0][0]):
            os.unlink(left[0][0])
        rows("DELETE FROM job WHERE kind = 'import' AND payload LIKE 'import=%s&%%';"
             "DELETE FROM import WHERE id = %s" % (import_id, import_id))


def one(statement):
    return rows(statement)[0]


def admin(*args):
    return subprocess.run([web.STACK.program("fidele-admin")] + list(args), env=web.STACK.env(),
                          capture_output=True, text=True, timeout=60)


def shop_id(slug):
    return one("SELECT id FROM shop WHERE slug = '%s'" % slug)[0]


def admin_id(slug, email):
    return one("SELECT a.id FROM admin a JOIN shop s ON s.id = a.shop_id"
               " WHERE s.slug = '%s' AND a.email = '%s'" % (slug, email))[0]


COUNTS = "count_new, count_updated, count_unchanged, count_invalid, count_duplicate"
PREVIEW = "preview_new, preview_updated, preview_unchanged, preview_invalid, preview_duplicate"


class ImportJob(WorkerCase):
    counter = 0

    def setUp(self):
        super().setUp()
        ImportJob.counter += 1
        # every address of a test starts with its tag: tearDown finds them
        self.tag = "impjob%d" % ImportJob.counter
        self.alpha = shop_id("alpha")
        self.beta = shop_id("beta")
        self.alpha_owner = admin_id("alpha", ALPHA_OWNER[0])
        self.beta_owner = admin_id("beta", BETA_OWNER[0])
        self.imports = []

    def tearDown(self):
        forget_imports("%s%%" % self.tag, self.imports)
        super().tearDown()

    # --- making imports as the pages do ------------------------------------

    def address(self, name):
        return "%s-%s@example.test" % (self.tag, name)

    def make_import(self, content, mapping, shop=None, admin=None, encoding="utf-8",
                    separator=",", has_header=1, mode="fill", subscribe=0, welcome=0,
                    file_name="clients.csv", file_format="csv", row_count=None):
        """Spools content (bytes) and makes its import row; returns its id."""
        shop = shop or self.alpha
        admin = admin or (self.alpha_owner if shop == self.alpha else self.beta_owner)
        folder = web.STACK.spool_folder(shop)
        path = os.path.join(folder, secrets.token_hex(16))
        with open(path, "wb") as f:
            f.write(content)
        if row_count is None:
            row_count = len([line for line in content.splitlines() if line.strip()]) - has_header
        rows("INSERT INTO import (shop_id, admin_id, source, file_name, file_size, spool_path,"
             " format, encoding, field_separator, has_header, row_count, column_count, headers,"
             " mapping, mode, subscribe, welcome, state)"
             " VALUES (%s, %s, 'file', '%s', %d, '%s', '%s', '%s', '%s', %d, %d, %d, '', '%s',"
             " '%s', %d, %d, 'new')"
             % (shop, admin, file_name, len(content), path, file_format, encoding, separator,
                has_header, row_count, len(mapping.split(",")), mapping, mode, subscribe,
                welcome))
        import_id = one("SELECT MAX(id) FROM import WHERE shop_id = %s" % shop)[0]
        self.imports.append(import_id)
        return import_id

    def queue(self, import_id, action):
        """Queues the job as the import pages do, through import_job_queue
        (here by the provider's command line); returns the job's id."""
        slug = one("SELECT s.slug FROM shop s JOIN import i ON i.shop_id = s.id WHERE i.id = %s"
                   % import_id)[0]
        result = admin("import", "queue", "--shop", slug, "--id", import_id, "--action", action)
        self.assertEqual(result.returncode, 0, result.stderr)
        job_id = result.stdout.split()[1]
        self.assertEqual(result.stdout, "job %s queued\n" % job_id)
        state = {"preview": "previewing", "run": "queued", "undo": "undoing"}[action]
        self.assertEqual(one("SELECT state, job_id FROM import WHERE id = %s" % import_id),
                         [state, job_id])
        self.assertEqual(one("SELECT kind, payload, state, total = (SELECT row_count FROM import"
                             " WHERE id = %s) FROM job WHERE id = %s" % (import_id, job_id)),
                         ["import", "import=%s&action=%s" % (import_id, action), "queued", "1"])
        return job_id

    def worker_env(self, **jobs):
        with open(web.STACK.config) as f:
            text = f.read()
        text += "Jobs {\n" + "".join("  %s = %s\n" % kv for kv in jobs.items()) + "}\n"
        handle, path = tempfile.mkstemp(suffix=".hdf", dir=self.folder)
        with os.fdopen(handle, "w") as f:
            f.write(text)
        os.chmod(path, 0o640)
        return dict(web.STACK.env(), FIDELE_CONFIG=path)

    def run_worker(self, **jobs):
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=self.worker_env(**jobs), capture_output=True, text=True,
                                timeout=600)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def preview(self, import_id, **jobs):
        job_id = self.queue(import_id, "preview")
        self.run_worker(**jobs)
        self.assertEqual(one("SELECT state, error FROM import WHERE id = %s" % import_id),
                         ["previewed", ""])
        self.assertEqual(one("SELECT state FROM job WHERE id = %s" % job_id), ["done"])
        return [int(n) for n in one("SELECT %s FROM import WHERE id = %s" % (PREVIEW, import_id))]

    def run_import(self, import_id, **jobs):
        job_id = self.queue(import_id, "run")
        self.run_worker(**jobs)
        self.assertEqual(one("SELECT state, error FROM import WHERE id = %s" % import_id),
                         ["done", ""])
        self.assertEqual(one("SELECT state FROM job WHERE id = %s" % job_id), ["done"])
        return [int(n) for n in one("SELECT %s FROM import WHERE id = %s" % (COUNTS, import_id))]

    def customer(self, name, columns="first_name, last_name, city", shop=None):
        found = rows("SELECT %s FROM customer WHERE shop_id = %s AND email = '%s'"
                     % (columns, shop or self.alpha, self.address(name)))
        return found[0] if found else None

    def shop_totals(self, shop=None):
        """What a run writes, counted for the shop."""
        shop = shop or self.alpha
        return [one("SELECT COUNT(*) FROM %s WHERE shop_id = %s" % (table, shop))[0]
                for table in ("customer", "event", "consent", "outbox", "customer_search",
                              "note")] + \
            [one("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', first_name, last_name, city,"
                 " marketing_consent))), 0) FROM customer WHERE shop_id = %s" % shop)[0]]

    def errors(self, import_id, dry_run=0):
        return rows("SELECT line, reason, row_text FROM import_error WHERE import_id = %s"
                    " AND dry_run = %d ORDER BY line" % (import_id, dry_run))

    # --- the tests -----------------------------------------------------------

    def sample(self):
        """A file with accents, an invalid row, a duplicate and a note."""
        return ("email,first_name,last_name,city,note\n"
                "%s,Élodie,Martin,Besançon,Cliente fidèle\n"
                "%s,Zoë,Müller,Orléans,\n"
                "pas-une-adresse,Jean,Dupont,Paris,\n"
                "\n"
                "%s,Élo,Doublon,Ailleurs,\n"
                "%s,\"Anne, Marie\",Œuvre,Saint-Étienne,\n"
                % (self.address("elodie"), self.address("zoe"), self.address("elodie").upper(),
                   self.address("anne"))).encode("utf-8")

    def test_a_utf8_csv_is_imported_with_accents_intact_and_the_right_counts(self):
        import_id = self.make_import(self.sample(), "email,first_name,last_name,city,note")
        spooled = one("SELECT spool_path FROM import WHERE id = %s" % import_id)[0]
        self.assertTrue(os.path.exists(spooled))
        self.assertEqual(self.run_import(import_id), [3, 0, 0, 1, 1])
        self.assertEqual(self.customer("elodie"), ["Élodie", "Martin", "Besançon"])
        self.assertEqual(self.customer("zoe"), ["Zoë", "Müller", "Orléans"])
        self.assertEqual(self.customer("anne"), ["Anne, Marie", "Œuvre", "Saint-Étienne"])
        elodie = self.customer("elodie", "id, source, import_id, status, marketing_consent")
        self.assertEqual(elodie[1:], ["import", import_id, "invited", "0"])
        # searchable at once, accents folded
        self.assertEqual(rows("SELECT COUNT(*) FROM customer_search WHERE shop_id = %s"
                              " AND term = 'elodie' AND customer_id = %s"
                              % (self.alpha, elodie[0])), [["1"]])
        # an event each, by the admin who started the import
        self.assertEqual(rows("SELECT kind, admin_id FROM event WHERE customer_id = %s" % elodie[0]),
                         [["customer.imported", self.alpha_owner]])
        self.assertEqual(rows("SELECT body, admin_id FROM note WHERE customer_id = %s" % elodie[0]),
                         [["Cliente fidèle", self.alpha_owner]])
        # the rows it could not take, with their line and the row as it was
        self.assertEqual(self.errors(import_id),
                         [["4", "bad_email", "pas-une-adresse,Jean,Dupont,Paris"],
                          ["6", "duplicate", "%s,Élo,Doublon,Ailleurs" % self.address("elodie").upper()]])
        # the file is gone once imported
        path = one("SELECT spool_path, finished_at IS NOT NULL FROM import WHERE id = %s" % import_id)
        self.assertEqual(path, ["", "1"])
        self.assertFalse(os.path.exists(spooled))

    def test_a_windows_1252_semicolon_file_keeps_its_accents(self):
        content = ("E-mail;Prénom;Nom;Ville\r\n"
                   "%s;Hélène;Lefèvre;Besançon\r\n"
                   "%s;François;Cœur;Évry\r\n"
                   % (self.address("helene"), self.address("francois"))).encode("cp1252")
        import_id = self.make_import(content, "email,first_name,last_name,city",
                                     encoding="windows-1252", separator=";")
        self.assertEqual(self.preview(import_id), [2, 0, 0, 0, 0])
        self.assertEqual(self.run_import(import_id), [2, 0, 0, 0, 0])
        self.assertEqual(self.customer("helene"), ["Hélène", "Lefèvre", "Besançon"])
        self.assertEqual(self.customer("francois"), ["François", "Cœur", "Évry"])

    def test_every_kind_of_file_is_read_with_its_accents(self):
        def rows_of(name):
            return [(self.address("%s-1" % name), "Hélène", "Lefèvre"),
                    (self.address("%s-2" % name), "Œdipe", "Nuñez")]

        def text(name, separator, end):
            return end.join([separator.join(["Courriel", "Prénom", "Nom"])] +
                            [separator.join(row) for row in rows_of(name)]) + end

        kinds = {
            # Excel's "Unicode text": UTF-16 LE with its BOM, tabs
            "utf16": (b"\xff\xfe" + text("utf16", "\t", "\r\n").encode("utf-16-le"),
                      dict(encoding="utf-16le", separator="tab")),
            "latin9": (text("latin9", "|", "\n").encode("iso-8859-15"),
                       dict(encoding="iso-8859-15", separator="|")),
            # a BOM and old Mac line ends
            "bom": (b"\xef\xbb\xbf" + text("bom", ",", "\r").encode(), dict()),
            "xlsx": (self.xlsx([["Courriel", "Prénom", "Nom"]] + [list(r) for r in rows_of("xlsx")]),
                     dict(file_format="xlsx", file_name="clients.xlsx")),
        }
        for name, (content, options) in kinds.items():
            import_id = self.make_import(content, "email,first_name,last_name", row_count=2,
                                         **options)
            self.assertEqual(self.run_import(import_id), [2, 0, 0, 0, 0], name)
            for email, first, last in rows_of(name):
                self.assertEqual(rows("SELECT first_name, last_name FROM customer"
                                      " WHERE shop_id = %s AND email = '%s'" % (self.alpha, email)),
                                 [[first, last]], name)

    @staticmethod
    def xlsx(table):
        """A workbook of one sheet of inline strings, as spreadsheet
        programs write it."""
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        cells = "".join(
            '<row r="%d">%s</row>' % (r + 1, "".join(
                '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % ("ABC"[c], r + 1, value)
                for c, value in enumerate(row)))
            for r, row in enumerate(table))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml",
                       '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                       'openxmlformats.org/package/2006/content-types"><Default Extension="xml"'
                       ' ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
                       ' ContentType="application/vnd.openxmlformats-officedocument.'
                       'spreadsheetml.sheet.main+xml"/></Types>')
            z.writestr("xl/workbook.xml",
                       '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Clients"'
                       ' sheetId="1" r:id="rId1"/></sheets></workbook>' % (main, rels))
            z.writestr("xl/_rels/workbook.xml.rels",
                       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId1" Type="%s/worksheet"'
                       ' Target="worksheets/sheet1.xml"/></Relationships>' % rels)
            z.writestr("xl/worksheets/sheet1.xml",
                       '<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>'
                       % (main, cells))
        return buffer.getvalue()

    def test_the_preview_writes_nothing_and_counts_what_the_run_does(self):
        # an existing customer the file changes, and one it leaves as is
        first = self.make_import(("email,first_name,last_name\n%s,Paul,\n%s,Rémi,Roux\n"
                                  % (self.address("paul"), self.address("remi"))).encode(),
                                 "email,first_name,last_name")
        self.run_import(first)
        import_id = self.make_import(self.sample() + ("%s,Paul,Durand,,\n%s,Rémi,Roux,,\n"
                                     % (self.address("paul"), self.address("remi"))).encode(),
                                     "email,first_name,last_name,city,note", welcome=1)
        before = self.shop_totals()
        preview = self.preview(import_id)
        self.assertEqual(preview, [3, 1, 1, 1, 1])
        self.assertEqual(self.shop_totals(), before)
        self.assertIsNone(self.customer("elodie"))
        # what it shows: the first invalid rows, kept apart from the run's
        self.assertEqual([r[:2] for r in self.errors(import_id, dry_run=1)],
                         [["4", "bad_email"], ["6", "duplicate"]])
        # the spooled file stays for the run
        self.assertTrue(os.path.exists(one("SELECT spool_path FROM import WHERE id = %s"
                                           % import_id)[0]))
        self.assertEqual(self.run_import(import_id), preview)
        self.assertEqual(self.customer("paul"), ["Paul", "Durand", ""])

    def test_each_mode_treats_existing_customers_as_it_says(self):
        base = ("email,first_name,last_name,city\n%s,Anne,,Lyon\n" % self.address("c")).encode()
        change = ("email,first_name,last_name,city\n%s,Annie,Martin,\n"
                  % self.address("c")).encode()
        self.run_import(self.make_import(base, "email,first_name,last_name,city"))
        anne = self.customer("c", "id")[0]

        self.assertEqual(self.run_import(self.make_import(change, "email,first_name,last_name,city",
                                                          mode="keep")), [0, 0, 1, 0, 0])
        self.assertEqual(self.customer("c"), ["Anne", "", "Lyon"])

        # fill: only what the customer has empty
        self.assertEqual(self.run_import(self.make_import(change, "email,first_name,last_name,city",
                                                          mode="fill")), [0, 1, 0, 0, 0])
        self.assertEqual(self.customer("c"), ["Anne", "Martin", "Lyon"])

        # overwrite: every value the file has (an empty cell erases nothing)
        self.assertEqual(self.run_import(self.make_import(change, "email,first_name,last_name,city",
                                                          mode="overwrite")), [0, 1, 0, 0, 0])
        self.assertEqual(self.customer("c"), ["Annie", "Martin", "Lyon"])
        terms = [r[0] for r in rows("SELECT term FROM customer_search WHERE shop_id = %s"
                                    " AND customer_id = %s" % (self.alpha, anne))]
        self.assertIn("annie", terms)
        self.assertNotIn("anne", terms)
        self.assertIn("martin", terms)
        # the same file again changes nothing more
        self.assertEqual(self.run_import(self.make_import(change, "email,first_name,last_name,city",
                                                          mode="overwrite")), [0, 0, 1, 0, 0])
        self.assertEqual(sorted(rows("SELECT kind, COUNT(*), MIN(admin_id) FROM event"
                                     " WHERE customer_id = %s GROUP BY kind" % anne)),
                         [["customer.import_updated", "2", self.alpha_owner],
                          ["customer.imported", "1", self.alpha_owner]])
        # the customer's history says updated, whichever mode: "completed"
        # said fill's, after an overwrite too
        owner = web.Browser(ALPHA_HOST)
        self.assertEqual(owner.sign_in(*ALPHA_OWNER).status, 303)
        history = owner.get("/admin/customers/%s" % anne).text()
        self.assertEqual(history.count("Fiche mise à jour par un import"), 2)
        self.assertEqual(history.count("Fiche créée par un import"), 1)

    def test_consent_is_recorded_and_never_given_back_to_who_withdrew_it(self):
        existing = ("email,first_name\n%s,Ugo\n%s,Bea\n%s,Olga\n"
                    % (self.address("unsub"), self.address("blocked"),
                       self.address("open"))).encode()
        self.run_import(self.make_import(existing, "email,first_name"))
        unsub = self.customer("unsub", "id")[0]
        rows("INSERT INTO consent (shop_id, customer_id, granted, source, statement)"
             " VALUES (%s, %s, 1, 'signup', 'oui'), (%s, %s, 0, 'unsubscribe', '');"
             "UPDATE customer SET status = 'blocked' WHERE email = '%s'"
             % (self.alpha, unsub, self.alpha, unsub, self.address("blocked")))
        content = ("email,first_name,marketing\n%s,Ugo,\n%s,Bea,\n%s,Olga,\n%s,Nina,\n%s,Noé,non\n"
                   % (self.address("unsub"), self.address("blocked"), self.address("open"),
                      self.address("nina"), self.address("noe"))).encode()
        import_id = self.make_import(content, "email,first_name,marketing", subscribe=1,
                                     file_name="abonnés.csv")
        self.assertEqual(self.preview(import_id), [2, 1, 2, 0, 0])
        self.assertEqual(self.run_import(import_id), [2, 1, 2, 0, 0])
        subscribed = {name: self.customer(name, "marketing_consent")[0]
                      for name in ("unsub", "blocked", "open", "nina", "noe")}
        self.assertEqual(subscribed, {"unsub": "0", "blocked": "0", "open": "1", "nina": "1",
                                      "noe": "0"})
        ledger = rows("SELECT c.email, k.granted, k.source, k.admin_id, k.import_id, k.statement"
                      " FROM consent k JOIN customer c ON c.id = k.customer_id"
                      " WHERE k.import_id = %s ORDER BY c.email" % import_id)
        statement = "Consentement attesté par la boutique lors de l'import n° %s (abonnés.csv)" \
            % import_id
        self.assertEqual(ledger, [[self.address(name), "1", "import", self.alpha_owner, import_id,
                                   statement] for name in ("nina", "open")])

    def test_a_files_yes_subscribes_only_when_an_admin_attested_it(self):
        """An import mapped before the mapping asked for the attestation of
        a consent column: its "oui"s subscribe nobody, its "non"s still
        unsubscribe; attested, they subscribe in the admin's name."""
        self.run_import(self.make_import(("email\n%s\n" % self.address("was-in")).encode(),
                                         "email", subscribe=1))
        self.assertEqual(self.customer("was-in", "marketing_consent"), ["1"])
        content = ("email,marketing\n%s,oui\n%s,non\n"
                   % (self.address("said-yes"), self.address("was-in"))).encode()
        unattested = self.make_import(content, "email,marketing", mode="overwrite")
        self.run_import(unattested)
        self.assertEqual(self.customer("said-yes", "marketing_consent"), ["0"])
        self.assertEqual(self.customer("was-in", "marketing_consent"), ["0"])
        self.assertEqual(rows("SELECT COUNT(*) FROM consent WHERE import_id = %s AND granted = 1"
                              % unattested), [["0"]])
        content = ("email,marketing\n%s,oui\n" % self.address("said-yes-too")).encode()
        attested = self.make_import(content, "email,marketing")
        rows("UPDATE import SET subscribe_admin_id = %s, subscribe_attested_at = NOW()"
             " WHERE id = %s" % (self.alpha_owner, attested))
        self.run_import(attested)
        self.assertEqual(self.customer("said-yes-too", "marketing_consent"), ["1"])
        self.assertEqual(rows("SELECT granted, admin_id FROM consent WHERE import_id = %s"
                              % attested), [["1", self.alpha_owner]])

    def test_welcome_mails_only_when_asked(self):
        quiet = self.make_import(("email\n%s\n" % self.address("quiet")).encode(), "email")
        self.run_import(quiet)
        self.assertEqual(rows("SELECT COUNT(*) FROM outbox WHERE recipient = '%s'"
                              % self.address("quiet")), [["0"]])
        welcomed = self.make_import(("email,language\n%s,en\n%s,\n"
                                     % (self.address("hello"), self.address("bonjour"))).encode(),
                                    "email,language", welcome=1)
        self.run_import(welcomed)
        mails = rows("SELECT o.recipient, o.kind, o.subject, o.customer_id = c.id,"
                     " o.body_text LIKE '%%/account/login%%'"
                     " FROM outbox o JOIN customer c ON c.email = o.recipient AND c.shop_id = o.shop_id"
                     " WHERE o.recipient LIKE '%s%%' ORDER BY o.recipient" % self.tag)
        self.assertEqual(mails, [
            [self.address("bonjour"), "customer-welcome", "Bienvenue chez Épicerie Alpha", "1", "1"],
            [self.address("hello"), "customer-welcome", "Welcome to Épicerie Alpha", "1", "1"],
        ])

    def test_a_worker_killed_mid_import_resumes_without_losing_or_doubling_a_row(self):
        count = 30000
        lines = ["email,first_name,last_name"]
        for i in range(count):
            lines.append("%s,Prénom%d,Nom%d" % (self.address("k%05d" % i), i, i))
            if i % 1000 == 999:
                lines.append("pas-une-adresse-%d,X,Y" % i)
                lines.append("%s,Doublon,Z" % self.address("k%05d" % (i - 500)))
        import_id = self.make_import(("\n".join(lines) + "\n").encode(), "email,first_name,last_name")
        job_id = self.queue(import_id, "run")
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=self.worker_env(ImportBatch=300, ImportPauseMilliseconds=400),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        done = lambda: int(one("SELECT progress FROM job WHERE id = %s" % job_id)[0])
        self.assertTrue(web.wait_until(lambda: done() >= 1500, 120))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        stopped_at = done()
        self.assertLess(stopped_at, count)
        self.assertEqual(one("SELECT state FROM import WHERE id = %s" % import_id), ["importing"])
        committed = one("SELECT count_new + count_invalid + count_duplicate, resume_after"
                        " FROM import i JOIN job j ON j.id = i.job_id WHERE i.id = %s" % import_id)
        self.assertEqual(committed[0], committed[1])
        # its heartbeat stops: taken for dead, and resumed by another worker
        rows("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 1 MINUTE"
             " WHERE id = (SELECT worker_id FROM job WHERE id = %s)" % job_id)
        self.run_worker(ImportBatch=2000)
        self.assertEqual(one("SELECT state, progress, attempts FROM job WHERE id = %s" % job_id),
                         ["done", str(count + 60), "2"])
        self.assertEqual([int(n) for n in one("SELECT %s FROM import WHERE id = %s"
                                             % (COUNTS, import_id))], [count, 0, 0, 30, 30])
        self.assertEqual(one("SELECT COUNT(*), COUNT(DISTINCT email), MIN(first_name = CONCAT("
                             "'Prénom', CAST(SUBSTRING(email, LOCATE('-k', email) + 2, 5) AS UNSIGNED)))"
                             " FROM customer WHERE shop_id = %s AND import_id = %s"
                             % (self.alpha, import_id)), [str(count), str(count), "1"])
        self.assertEqual(one("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM event"
                             " WHERE kind = 'customer.imported' AND customer_id IN"
                             " (SELECT id FROM customer WHERE import_id = %s)" % import_id),
                         [str(count), str(count)])
        self.assertEqual(one("SELECT COUNT(*), SUM(reason = 'duplicate') FROM import_error"
                             " WHERE import_id = %s AND dry_run = 0" % import_id), ["60", "30"])

    def test_two_shops_importing_the_same_addresses_never_touch_each_other(self):
        content = ("email,first_name,city\n%s,Alpha,Annecy\n%s,Alpha,Arles\n"
                   % (self.address("shared"), self.address("alphaonly"))).encode()
        beta_first = self.make_import(("email,first_name,city\n%s,Beta,Bath\n"
                                       % self.address("shared")).encode(),
                                      "email,first_name,city", shop=self.beta)
        self.run_import(beta_first)
        beta_before = self.shop_totals(self.beta)
        alpha_import = self.make_import(content, "email,first_name,city", mode="overwrite",
                                        subscribe=1)
        self.assertEqual(self.run_import(alpha_import), [2, 0, 0, 0, 0])
        self.assertEqual(self.shop_totals(self.beta), beta_before)
        self.assertEqual(self.customer("shared", "first_name, city, marketing_consent",
                                       shop=self.beta), ["Beta", "Bath", "0"])
        self.assertEqual(self.customer("shared", "first_name, city, marketing_consent"),
                         ["Alpha", "Annecy", "1"])
        # an import row of another shop is not the job's to run
        alpha_again = self.make_import(content, "email,first_name,city")
        refused = admin("import", "queue", "--shop", "beta", "--id", alpha_again, "--action", "run")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("the shop has no import %s" % alpha_again, refused.stderr)
        self.assertEqual(rows("SELECT COUNT(*) FROM job WHERE payload LIKE 'import=%s&%%'"
                              % alpha_again), [["0"]])
        rows("UPDATE job SET shop_id = %s WHERE id = %s" % (self.beta, self.queue(alpha_again, "run")))
        self.run_worker()
        self.assertEqual(self.shop_totals(self.beta), beta_before)
        self.assertEqual(one("SELECT state FROM import WHERE id = %s" % alpha_again), ["queued"])

    def test_the_command_line_refuses_what_is_not_an_import_job(self):
        import_id = self.make_import(b"email\n", "email")
        for args, status, message in (
                (["--shop", "alpha", "--id", import_id, "--action", "delete"], 2,
                 "--action is preview, run or undo"),
                (["--shop", "alpha", "--id", "12abc", "--action", "run"], 2,
                 "--id is an import number"),
                (["--shop", "alpha", "--id", "999999999", "--action", "run"], 1,
                 "the shop has no import 999999999"),
                (["--shop", "alpha", "--id", import_id], 2, "--action")):
            result = admin("import", "queue", *args)
            self.assertEqual(result.returncode, status, result.stderr)
            self.assertIn(message, result.stderr)
        self.assertEqual(one("SELECT state, job_id IS NULL FROM import WHERE id = %s" % import_id),
                         ["new", "1"])

    def start_slow_import(self, count):
        """A run of count rows by a worker with batches of 100 and a pause
        after each; returns (import id, job id, worker)."""
        lines = ["email,first_name"] + ["%s,N%d" % (self.address("s%05d" % i), i)
                                        for i in range(count)]
        import_id = self.make_import(("\n".join(lines) + "\n").encode(), "email,first_name")
        job_id = self.queue(import_id, "run")
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=self.worker_env(ImportBatch=100, ImportPauseMilliseconds=600),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        self.assertTrue(web.wait_until(lambda: int(one("SELECT progress FROM job WHERE id = %s"
                                                       % job_id)[0]) >= 200, 120))
        return import_id, job_id, worker

    def test_a_cancelled_import_keeps_the_batches_it_committed(self):
        import_id, job_id, worker = self.start_slow_import(3000)
        # as the import page's cancel button does
        rows("UPDATE job SET state = 'cancelled', finished_at = NOW() WHERE id = %s" % job_id)
        worker.wait(timeout=60)
        self.assertEqual(worker.returncode, 0, worker.stderr.read())
        state = one("SELECT state, spool_path, count_new FROM import WHERE id = %s" % import_id)
        self.assertEqual(state[:2], ["cancelled", ""])
        self.assertLess(int(state[2]), 3000)
        self.assertEqual(one("SELECT COUNT(*) FROM customer WHERE import_id = %s" % import_id),
                         [state[2]])
        self.assertEqual(int(state[2]) % 100, 0)

    def test_a_mariadb_restart_mid_import_costs_no_row(self):
        import_id, job_id, worker = self.start_slow_import(1500)
        web.STACK.restart_mariadb()
        worker.wait(timeout=300)
        self.assertEqual(worker.returncode, 0, worker.stderr.read())
        self.assertEqual(one("SELECT state, %s FROM import WHERE id = %s" % (COUNTS, import_id)),
                         ["done", "1500", "0", "0", "0", "0"])
        self.assertEqual(one("SELECT COUNT(*), COUNT(DISTINCT email) FROM customer"
                             " WHERE import_id = %s" % import_id), ["1500", "1500"])
        self.assertEqual(one("SELECT state, progress FROM job WHERE id = %s" % job_id),
                         ["done", "1500"])

    def test_a_file_that_is_not_a_sheet_or_is_gone_fails_the_import_and_changes_nothing(self):
        # the format left to the reader to find (what the pages found)
        png = self.make_import(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "email",
                               row_count=0, file_format="", encoding="")
        gone = self.make_import(("email\n%s\n" % self.address("gone")).encode(), "email")
        os.unlink(one("SELECT spool_path FROM import WHERE id = %s" % gone)[0])
        before = self.shop_totals()
        for import_id, reason in ((png, "not_a_sheet"), (gone, "no_file")):
            job_id = self.queue(import_id, "run")
            self.run_worker()
            self.assertEqual(one("SELECT state, error, spool_path, finished_at IS NOT NULL"
                                 " FROM import WHERE id = %s" % import_id),
                             ["failed", reason, "", "1"])
            self.assertEqual(one("SELECT state, last_error FROM job WHERE id = %s" % job_id),
                             ["failed", reason])
        self.assertEqual(self.shop_totals(), before)

    def test_a_preview_killed_midway_resumes_with_the_same_counts_and_first_errors(self):
        lines = ["email,first_name"]
        for i in range(6000):
            lines.append("%s,P%d" % (self.address("p%05d" % i), i))
            if i % 30 == 29:
                lines.append("faux-%d,X" % i)
        import_id = self.make_import(("\n".join(lines) + "\n").encode(), "email,first_name")
        job_id = self.queue(import_id, "preview")
        before = self.shop_totals()
        worker = subprocess.Popen([web.STACK.program("fidele-worker"), "--once"],
                                  env=self.worker_env(ImportBatch=500, ImportPauseMilliseconds=400),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        self.assertTrue(web.wait_until(lambda: int(one("SELECT progress FROM job WHERE id = %s"
                                                       % job_id)[0]) >= 1000, 120))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        self.assertLess(int(one("SELECT progress FROM job WHERE id = %s" % job_id)[0]), 6200)
        rows("UPDATE worker SET heartbeat_at = NOW() - INTERVAL 1 MINUTE"
             " WHERE id = (SELECT worker_id FROM job WHERE id = %s)" % job_id)
        self.run_worker()
        self.assertEqual(one("SELECT state, %s FROM import WHERE id = %s" % (PREVIEW, import_id)),
                         ["previewed", "6000", "0", "0", "200", "0"])
        kept = self.errors(import_id, dry_run=1)
        self.assertEqual(len(kept), 100)
        self.assertEqual([r[2] for r in kept], ["faux-%d,X" % (30 * k + 29) for k in range(100)])
        self.assertEqual(self.shop_totals(), before)
