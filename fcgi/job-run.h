/*
 * What fidele-worker hands a job that works in committed batches (a bulk
 * action on customers: customers-bulkjob.h; an import: import-job.h), so
 * that every such job is started, kept alive, stopped and told to take
 * turns the same way.
 */
#ifndef FIDELE_JOB_RUN_H
#define FIDELE_JOB_RUN_H

#include "lib/db.h"

struct job_run {
	struct db *db;
	HDF *config;
	long long job_id, shop_id, admin_id;
	const char *worker_id;
	/* says the job and its worker are alive, between batches: 1 go on,
	 * 0 cancelled (or no longer this worker's), 2 stop here, the job's
	 * turn is over (other shops' jobs wait: it is queued again), -1
	 * (database) */
	int (*beat)(void *data, long long progress);
	void *data;
	/* why it failed, for job.last_error and the job's page: a key of the
	 * job's Lang section (Customers.Job.Failure, ImportJob.Failure) or a
	 * sheet_status_names name (an import's file) */
	char error[64];
};

/* Ends a batch: step, a statement of the caller's registered table,
 *   UPDATE job SET progress = progress + ?, changed = changed + ?,
 *                  resume_after = ?, heartbeat_at = NOW()
 *    WHERE id = ? AND shop_id = ? AND worker_id = ? AND state = 'running'
 * writes what the batch went through (chosen), what it changed and the
 * id the next batch starts after (last) on the job, and the batch's
 * transaction is committed. 0; -2 when the job is no longer this
 * worker's running one (cancelled meanwhile: the batch is undone); -1 on
 * a database error (undone, unless the commit itself failed). */
int job_run_step(struct job_run *run, struct db_query *step, long long chosen, long long changed,
    long long last);

/* Whether the admin who started the job is an enabled owner of its shop
 * now, for a job only an owner may run (an erase, a mailing), before its
 * first batch and each next one: 1, 0 (made staff, disabled, deleted, or
 * none), or -1 (database). */
int job_run_admin_is_owner(struct job_run *run);

/* What a job's run returns besides the rows it went through (>= 0). */
#define JOB_RUN_FAILED -1	/* run->error says why */
#define JOB_RUN_CANCELLED -2
#define JOB_RUN_YIELDED -3	/* the beat said 2, after the batches it committed */

#endif
