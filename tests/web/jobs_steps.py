"""A worker run with Jobs settings of the test's own, shared by the test
files of bulk jobs (test_bulkjob.py, test_groups_bulk_job.py): mixed into
a WorkerCase, whose self.folder holds the configuration written; and the
rows of the shop's list of bulk actions (/admin/customers/jobs)."""

import html
import os
import re
import subprocess
import tempfile

import web


class JobsWorker:
    def jobs_rows(self, page):
        """The jobs list's rows: (job id, the cells' texts)."""
        found = []
        for row in re.findall(r"<tr><td.*?</tr>", page.body, re.S):
            job = re.search(r'href="/admin/customers/jobs/(\d+)"', row).group(1)
            cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                     for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            found.append((job, cells))
        return found

    def worker_env(self, **jobs):
        """The stack's configuration with Jobs settings (MailAfterSeconds 0
        unless given: every end is mailed)."""
        jobs.setdefault("MailAfterSeconds", 0)
        with open(web.STACK.config) as f:
            text = f.read()
        text += "Jobs {\n" + "".join("  %s = %s\n" % kv for kv in jobs.items()) + "}\n"
        handle, path = tempfile.mkstemp(suffix=".hdf", dir=self.folder)
        with os.fdopen(handle, "w") as f:
            f.write(text)
        os.chmod(path, 0o640)
        return dict(web.STACK.env(), FIDELE_CONFIG=path)

    def run_worker(self, **jobs):
        """One pass of fidele-worker (--once) with those settings."""
        result = subprocess.run([web.STACK.program("fidele-worker"), "--once"],
                                env=self.worker_env(**jobs), capture_output=True, text=True,
                                timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result
