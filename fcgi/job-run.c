/*
 * What every job that works in committed batches ends a batch with
 * (job-run.h): its counts on the job row, under this worker's claim, and
 * the commit, so that a bulk action and a mailing lose a job cancelled
 * or taken over meanwhile the same way; and the check an owner's job
 * makes before each batch that its admin still is one.
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

static struct db_query job_run_sql[] = {
	{ .sql = "SELECT role = 'owner' AND disabled_at IS NULL FROM admin"
	    " WHERE id = ? AND shop_id = ?" },
};

int
job_run_admin_is_owner(struct job_run *run)
{
	struct db_query *query = &job_run_sql[0];
	struct db_param params[2] = { DB_INT(run->admin_id), DB_INT(run->shop_id) };
	int found, owner = 0;

	if (run->admin_id == 0)
		return 0;
	if (db_register(run->db, job_run_sql, sizeof(job_run_sql) / sizeof(job_run_sql[0])) != 0 ||
	    db_exec(run->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		owner = db_int(query, 0) == 1;
	db_done(query);
	return found < 0 ? -1 : owner;
}
