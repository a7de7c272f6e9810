/*
 * The import's worker jobs (see import-job.h): their names, and queuing
 * them, for the import pages, fidele-admin and the worker alike. The run
 * itself, which only the worker links, is import-run.c.
 */
#include <config.h>

#include <stdio.h>

#include "import-job.h"

const char *const import_action_names[IMPORT_ACTION__MAX] = {
	[IMPORT_PREVIEW] = "preview", [IMPORT_RUN] = "run", [IMPORT_UNDO] = "undo",
};

const char *const import_mode_names[IMPORT_MODE__MAX] = {
	[IMPORT_FILL_EMPTY] = "fill", [IMPORT_OVERWRITE] = "overwrite", [IMPORT_KEEP] = "keep",
};

enum import_queue_sql {
	IQ_JOB,
	IQ_IMPORT,
	IMPORT_QUEUE_SQL__MAX
};

static struct db_query import_queue_sql[IMPORT_QUEUE_SQL__MAX] = {
	/* only for an import of the shop */
	[IQ_JOB] = { .sql =
	    "INSERT INTO job (shop_id, admin_id, kind, payload, total)"
	    " SELECT shop_id, ?, '" IMPORT_JOB_KIND "', ?, row_count FROM import"
	    " WHERE id = ? AND shop_id = ?" },
	[IQ_IMPORT] = { .sql =
	    "UPDATE import SET state = ?, job_id = ?, error = '' WHERE id = ? AND shop_id = ?" },
};

static int
import_queue_ready(struct db *db)
{
	return db_register(db, import_queue_sql, IMPORT_QUEUE_SQL__MAX);
}

long long
import_job_queue(struct db *db, long long shop_id, long long admin_id, long long import_id,
    enum import_action action)
{
	static const char *const states[IMPORT_ACTION__MAX] = {
		[IMPORT_PREVIEW] = "previewing", [IMPORT_RUN] = "queued", [IMPORT_UNDO] = "undoing",
	};
	struct db_param params[4];
	char payload[80];
	long long rows, job_id;

	if (action < 0 || action >= IMPORT_ACTION__MAX || import_queue_ready(db) != 0)
		return -1;
	snprintf(payload, sizeof(payload), "import=%lld&action=%s", import_id,
	    import_action_names[action]);
	params[0] = admin_id > 0 ? DB_INT(admin_id) : DB_NULL;
	params[1] = DB_TEXT(payload);
	params[2] = DB_INT(import_id);
	params[3] = DB_INT(shop_id);
	rows = db_exec(db, &import_queue_sql[IQ_JOB], params, 4);
	if (rows <= 0)
		return rows < 0 ? -1 : 0;
	job_id = (long long)db_insert_id(&import_queue_sql[IQ_JOB]);
	params[0] = DB_TEXT(states[action]);
	params[1] = DB_INT(job_id);
	params[2] = DB_INT(import_id);
	params[3] = DB_INT(shop_id);
	return db_exec(db, &import_queue_sql[IQ_IMPORT], params, 4) < 0 ? -1 : job_id;
}
