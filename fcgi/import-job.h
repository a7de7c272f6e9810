/*
 * Import, part 2 of 3: the long work of an import as worker jobs (kind
 * "import"), shared by the import pages (import.fcgi queues and follows
 * them), fidele-admin (import queue) and the worker (fidele-worker runs
 * them). import-job.c has the names and the queue, which need nothing but
 * the database; import-run.c the run, which only the worker links.
 *
 * One import row (sql/013) goes through: a preview (a dry run: every row
 * read, checked, matched by normalised e-mail against the shop's customers
 * and counted as new, updated, unchanged, invalid or duplicated in the
 * file; nothing written but the counts and the first invalid rows), the
 * run (the same reading, written in committed batches through the customer
 * writer: customers, search index, events, consent rows, notes, welcome
 * mails in the outbox), and maybe an undo (removes the customers the import
 * created to whom nothing happened since). The job's payload is
 * "import=<id>&action=<preview|run|undo>".
 *
 * Each batch of the run commits with the import's counts and the number of
 * data rows done (job.resume_after), so a worker killed in the middle
 * resumes after the last batch that committed: no row lost or written
 * twice. A cancel is seen between batches. Jobs of one shop's imports run
 * one after the other; a long import lets other shops' jobs through
 * between its time slices.
 */
#ifndef FIDELE_IMPORT_JOB_H
#define FIDELE_IMPORT_JOB_H

#include "lib/db.h"
#include "job-run.h"

#define IMPORT_JOB_KIND "import"

enum import_action { IMPORT_PREVIEW, IMPORT_RUN, IMPORT_UNDO, IMPORT_ACTION__MAX };

/* "preview", "run", "undo" */
extern const char *const import_action_names[IMPORT_ACTION__MAX];

/* How an import treats a customer the shop already has (import.mode). */
enum import_mode {
	IMPORT_FILL_EMPTY,	/* "fill": only the fields the customer has empty */
	IMPORT_OVERWRITE,	/* "overwrite": every field the file has a value for */
	IMPORT_KEEP,		/* "keep": existing customers are left alone */
	IMPORT_MODE__MAX
};

extern const char *const import_mode_names[IMPORT_MODE__MAX];

/* Queues action for the shop's import import_id, started by admin_id,
 * inside the caller's transaction: a job row, and the import's state
 * (previewing, queued or undoing) and job_id. Returns the job's id, 0 when
 * the shop has no such import, or -1 (database). */
long long import_job_queue(struct db *db, long long shop_id, long long admin_id,
    long long import_id, enum import_action action);

/* Rows of a run's batch (Jobs.ImportBatch): one transaction each. */
#define IMPORT_JOB_BATCH 1000

/* Runs (or resumes) the job: a preview, a run or an undo. Returns the
 * data rows gone through (job.progress), -1 failed (run->error says why;
 * the import is failed too, or back to done when its undo failed), -2
 * cancelled (a preview's import goes back to new, a run's is cancelled
 * with the counts of the batches that committed), -3 when the beat said
 * yield (the import stays as it is; the job resumes where it stopped when
 * it runs again). */
long long import_job_run(struct job_run *run);

/* Removes the customers import_id created to whom nothing happened since,
 * in batches of its own (fcgi/import-undo.c): *removed and *kept get how
 * many. Returns 0 or -1. */
int import_undo(struct db *db, long long shop_id, long long admin_id, long long import_id,
    long long *removed, long long *kept);

#endif
