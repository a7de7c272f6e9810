/*
 * What every job that works in committed batches ends a batch with
 * (job-run.h): its counts on the job row, under this worker's claim, and
 * the commit, so that a bulk action and a mailing lose a job cancelled
 * or taken over meanwhile the same way.
 */
#include <config.h>

#include "job-run.h"

int
job_run_step(struct job_run *run, struct db_query *step, long long chosen, long long changed,
    long long last)
{
	struct db_param params[6] = { DB_INT(chosen), DB_INT(changed), DB_INT(last),
		DB_INT(run->job_id), DB_INT(run->shop_id), DB_TEXT(run->worker_id) };
	long long rows = db_exec(run->db, step, params, 6);

	if (rows <= 0) {
		db_rollback(run->db);
		return rows < 0 ? -1 : -2;
	}
	return db_commit(run->db) != 0 ? -1 : 0;
}
