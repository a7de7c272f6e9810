/*
 * The customers.bulk job (see customers-bulkjob.h): its payload, read by
 * the page and the worker, and its run in fidele-worker.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/customer_query.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/text.h"
#include "customers-bulkjob.h"

const char *const bulk_action_names[BULK__MAX + 1] = {
	[BULK_DEACTIVATE] = "deactivate", [BULK_REACTIVATE] = "reactivate", [BULK_BLOCK] = "block",
	[BULK_UNBLOCK] = "unblock", [BULK_DELETE] = "delete",
	/* as groups-bulk.c's form names them ("op") */
	[BULK_GROUP_ADD] = "group_add", [BULK_GROUP_REMOVE] = "group_remove",
	[BULK_TAG_ADD] = "tag_add", [BULK_TAG_REMOVE] = "tag_remove",
};

const struct bulk_action_def bulk_actions[BULK__MAX] = {
	[BULK_DEACTIVATE] = { CUSTOMER_DEACTIVATE, 0 },
	[BULK_REACTIVATE] = { CUSTOMER_REACTIVATE, 0 },
	[BULK_BLOCK] = { CUSTOMER_BLOCK, 0 },
	[BULK_UNBLOCK] = { CUSTOMER_UNBLOCK, 0 },
	[BULK_DELETE] = { CUSTOMER_ERASE, 1 },
	[BULK_GROUP_ADD] = { .grouping = 1, .kind = GROUPING_GROUP, .adding = 1 },
	[BULK_GROUP_REMOVE] = { .grouping = 1, .kind = GROUPING_GROUP, .adding = 0 },
	[BULK_TAG_ADD] = { .grouping = 1, .kind = GROUPING_TAG, .adding = 1 },
	[BULK_TAG_REMOVE] = { .grouping = 1, .kind = GROUPING_TAG, .adding = 0 },
};

enum bulk_action
bulk_action_find(const char *name)
{
	int action;

	for (action = 0; name != NULL && action < BULK__MAX; action++)
		if (strcmp(bulk_action_names[action], name) == 0)
			return (enum bulk_action)action;
	return BULK__MAX;
}

/* --- the payload ------------------------------------------------------------------ */

/* Appends "name=escaped value&" to out at *used. 0 or -1. */
static int
payload_add(char *out, size_t size, size_t *used, const char *name, const char *value)
{
	size_t n = strlen(name);
	long escaped;

	/* "name=", the value escaped in its place, "&" */
	if (*used + n + 1 >= size)
		return -1;
	memcpy(out + *used, name, n);
	out[*used + n] = '=';
	escaped = text_url_escape(value, out + *used + n + 1, size - *used - n - 1);
	if (escaped < 0 || *used + n + 1 + (size_t)escaped + 1 >= size)
		return -1;
	*used += n + 1 + (size_t)escaped;
	out[(*used)++] = '&';
	out[*used] = '\0';
	return 0;
}

int
bulk_payload_write(const struct bulk_payload *payload, char *out, size_t size)
{
	char count[32], target_id[32];
	size_t used = 0;

	out[0] = '\0';
	snprintf(count, sizeof(count), "%lld", payload->count);
	snprintf(target_id, sizeof(target_id), "%lld", payload->target_id);
	return payload_add(out, size, &used, "action", bulk_action_names[payload->action]) != 0 ||
	    payload_add(out, size, &used, "count", count) != 0 ||
	    payload_add(out, size, &used, "reason", payload->reason) != 0 ||
	    payload_add(out, size, &used, "target_id", target_id) != 0 ||
	    payload_add(out, size, &used, "target", payload->target) != 0 ||
	    payload_add(out, size, &used, "link", payload->link) != 0 ||
	    payload_add(out, size, &used, "query", payload->query) != 0 ? -1 : 0;
}

int
bulk_payload_read(const char *text, struct bulk_payload *out)
{
	char copy[8192], *pair, *next;
	int have_action = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL || strlen(text) >= sizeof(copy))
		return -1;
	snprintf(copy, sizeof(copy), "%s", text);
	for (pair = copy; pair != NULL && *pair != '\0'; pair = next) {
		char *value = strchr(pair, '=');

		next = strchr(pair, '&');
		if (next != NULL)
			*next++ = '\0';
		if (value == NULL)
			return -1;
		*value++ = '\0';
		cgi_url_unescape(value);
		if (strcmp(pair, "action") == 0) {
			out->action = bulk_action_find(value);
			have_action = out->action != BULK__MAX;
		} else if (strcmp(pair, "count") == 0)
			out->count = strtoll(value, NULL, 10);
		else if (strcmp(pair, "reason") == 0)
			snprintf(out->reason, sizeof(out->reason), "%s", value);
		else if (strcmp(pair, "target_id") == 0)
			out->target_id = strtoll(value, NULL, 10);
		else if (strcmp(pair, "target") == 0)
			snprintf(out->target, sizeof(out->target), "%s", value);
		else if (strcmp(pair, "link") == 0)
			snprintf(out->link, sizeof(out->link), "%s", value);
		else if (strcmp(pair, "query") == 0)
			snprintf(out->query, sizeof(out->query), "%s", value);
	}
	/* a group or tag action names what it gives or takes */
	if (have_action && bulk_actions[out->action].grouping && out->target_id <= 0)
		return -1;
	return have_action ? 0 : -1;
}

/* --- queued, in the web programs ------------------------------------------------- */

/* total: the customers matching when confirmed (the progress counts them) */
static struct db_query bulk_add_sql[1] = {
	{ .sql =
	    "INSERT INTO job (shop_id, admin_id, kind, total, payload)"
	    " VALUES (?, ?, '" BULK_JOB_KIND "', ?, ?)" },
};

int
bulk_job_queue(struct request *req, struct bulk_payload *payload,
    const struct customer_query *query, long long total)
{
	/* every part escaped: up to three bytes for one */
	static char text[3 * sizeof(struct bulk_payload) + 64];
	struct db_param params[4];
	char path[64];

	/* the mail at the end links to the job page as the admin reaches the
	 * shop; without an address for links the mail says it without one */
	if (context_link_base(&req->context, payload->link, sizeof(payload->link)) != 0)
		payload->link[0] = '\0';
	if (customer_query_filters_text(query, payload->query, sizeof(payload->query)) != 0 ||
	    bulk_payload_write(payload, text, sizeof(text)) != 0) {
		db_rollback(&req->app->db);
		page_error(req, 400, "Error.Field.TooLong");
		return -1;
	}
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_INT(total);
	params[3] = DB_TEXT(text);
	if (db_register(&req->app->db, bulk_add_sql, 1) != 0 ||
	    db_exec(&req->app->db, &bulk_add_sql[0], params, 4) != 1 ||
	    db_commit(&req->app->db) != 0) {
		db_rollback(&req->app->db);
		page_error(req, 500, NULL);
		return -1;
	}
	snprintf(path, sizeof(path), "/admin/customers/jobs/%llu", db_insert_id(&bulk_add_sql[0]));
	page_redirect(req, path);
	return 0;
}

/* --- the run, in fidele-worker ------------------------------------------------------- */

enum bulk_job_sql {
	BJ_JOB,
	BJ_LAST,
	BJ_STEP,
	BJ_END,
	BULK_JOB_SQL__MAX
};

static struct db_query bulk_job_sql[BULK_JOB_SQL__MAX] = {
	[BJ_JOB] = { .sql =
	    "SELECT payload, resume_after, changed, progress FROM job"
	    " WHERE id = ? AND shop_id = ? AND kind = '" BULK_JOB_KIND "'" },
	/* an erase is the owners': checked again when it runs (the admin may
	 * have been made staff, disabled or deleted since) */
	/* the batch's last customer: the next batch starts after it */
	[BJ_LAST] = { .sql =
	    "SELECT MAX(customer_id) FROM bulk_selection WHERE selection_id = ?" },
	/* job_run_step's: committed with the batch; no row: the job was
	 * cancelled (or taken by another worker) meanwhile, and the batch is
	 * undone */
	[BJ_STEP] = { .sql =
	    "UPDATE job SET progress = progress + ?, changed = changed + ?, resume_after = ?,"
	    "       heartbeat_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND worker_id = ? AND state = 'running'" },
	/* what the mail at the end says, and to whom */
	[BJ_END] = { .sql =
	    "SELECT TIMESTAMPDIFF(SECOND, j.created_at, NOW()), j.changed, j.progress, a.email,"
	    "       a.language"
	    "  FROM job j JOIN admin a ON a.id = j.admin_id AND a.shop_id = j.shop_id"
	    " WHERE j.id = ? AND j.shop_id = ? AND a.disabled_at IS NULL" },
};

static int
bulk_job_ready(struct db *db)
{
	return db_register(db, bulk_job_sql, BULK_JOB_SQL__MAX);
}

/* Fails the run with the reason key. Returns -1. */
static long long
failed(struct job_run *run, const char *reason)
{
	snprintf(run->error, sizeof(run->error), "%s", reason);
	return -1;
}

/* The job's payload and where it got to. 0, or -1 (run->error says). */
static int
job_read(struct job_run *run, struct bulk_payload *payload, long long *after,
    long long *progress)
{
	struct db_query *query = &bulk_job_sql[BJ_JOB];
	struct db_param params[2] = { DB_INT(run->job_id), DB_INT(run->shop_id) };
	int found, status = 0;

	if (db_exec(run->db, query, params, 2) < 0)
		return (int)failed(run, "error");
	found = db_fetch(query);
	if (found == 1) {
		status = bulk_payload_read(db_text(query, 0), payload);
		*after = db_int(query, 1);
		*progress = db_int(query, 3);
	}
	db_done(query);
	if (found != 1 || status != 0)
		return (int)failed(run, found < 0 ? "error" : "payload");
	return 0;
}

/* Waits Jobs.BulkPauseMilliseconds between batches (0 by default: a
 * provider may slow big jobs down so that the shop's pages stay quick),
 * beating meanwhile. Returns what the last beat said (1 go on). */
static int
pause_between(struct job_run *run, long pause_ms, long long progress)
{
	int going = 1;

	while (pause_ms > 0 && going == 1) {
		long step = pause_ms > 200 ? 200 : pause_ms;

		usleep((useconds_t)step * 1000);
		pause_ms -= step;
		going = run->beat(run->data, progress);
	}
	return going;
}

/* What a batch returns when the group or tag of the job is gone (deleted,
 * or merged into another, since it was confirmed). */
#define BATCH_TARGET_GONE -5

/* Gives or takes the job's group or tag to the customers of selection it
 * applies to, with the name the group or tag has now for their timelines.
 * Returns how many it changed, -1 (database), or BATCH_TARGET_GONE. */
static long long
batch_grouping(struct shop_context *ctx, const struct bulk_payload *payload,
    const unsigned char *selection)
{
	const struct bulk_action_def *def = &bulk_actions[payload->action];
	char name[404];
	long long kept;
	int found = grouping_name(ctx, def->kind, payload->target_id, name, sizeof(name));

	if (found != GROUPING_OK)
		return found == GROUPING_NOT_FOUND ? BATCH_TARGET_GONE : -1;
	kept = grouping_selection_keep(ctx, selection, def->kind, payload->target_id, def->adding);
	if (kept > 0 && grouping_change_selection(ctx, selection, def->kind, payload->target_id,
	    def->adding, name) != GROUPING_OK)
		return -1;
	return kept;
}

/* One batch: the next matching customers after *after, in id order, in
 * one transaction with the job's counts. Returns how many it went through
 * (0: none left), -1 (database), -2 (cancelled meanwhile: undone) or
 * BATCH_TARGET_GONE (undone). */
static long long
batch(struct job_run *run, struct shop_context *ctx, struct customer_query *query,
    const struct bulk_payload *payload, long long *after, long long size)
{
	struct db_query *last_query = &bulk_job_sql[BJ_LAST];
	enum customer_change change = bulk_actions[payload->action].change;
	unsigned char selection[16];
	struct db_param params[1];
	long long chosen, kept, last = 0;
	int ended;

	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(run->db) != 0)
		return -1;
	if (customer_query_select_batch(query, run->db, selection, *after, size) != 0 ||
	    (chosen = customer_selection_count(ctx, selection)) < 0)
		goto error;
	if (chosen == 0) {
		db_rollback(run->db);
		return 0;
	}
	params[0] = DB_BLOB(selection, 16);
	if (db_exec(run->db, last_query, params, 1) < 0)
		goto error;
	if (db_fetch(last_query) == 1)
		last = db_int(last_query, 0);
	db_done(last_query);
	if (last <= *after)
		goto error;
	if (bulk_actions[payload->action].grouping) {
		kept = batch_grouping(ctx, payload, selection);
		if (kept == BATCH_TARGET_GONE) {
			db_rollback(run->db);
			return BATCH_TARGET_GONE;
		}
		if (kept < 0)
			goto error;
	} else {
		kept = customer_selection_keep(ctx, change, selection);
		if (kept < 0 || (kept > 0 && customer_change_selection(ctx, change, payload->reason,
		    selection) != CUSTOMER_OK))
			goto error;
	}
	ended = job_run_step(run, &bulk_job_sql[BJ_STEP], chosen, kept, last);
	if (ended != 0)
		return ended;
	*after = last;
	return chosen;
error:
	db_rollback(run->db);
	return -1;
}

long long
bulk_job_run(struct job_run *run)
{
	static struct customer_query query;
	struct bulk_payload payload;
	struct shop_context ctx;
	long long after = 0, progress = 0, size, done;
	long pause_ms;
	int going;

	run->error[0] = '\0';
	size = hdf_get_int_value(run->config, "Jobs.BulkBatch", BULK_JOB_BATCH);
	pause_ms = hdf_get_int_value(run->config, "Jobs.BulkPauseMilliseconds", 0);
	if (size < 1 || size > 10000)
		size = BULK_JOB_BATCH;
	if (bulk_job_ready(run->db) != 0 || job_read(run, &payload, &after, &progress) != 0)
		return run->error[0] ? -1 : failed(run, "error");
	/* the list's filters, read as the list reads them */
	if (customer_query_from_text(&query, run->shop_id, run->config, payload.query) != NULL)
		return failed(run, "query");
	if (bulk_actions[payload.action].owner_only) {
		int owner = job_run_admin_is_owner(run);

		if (owner < 0)
			return failed(run, "error");
		if (owner == 0)
			return failed(run, "owner");
	}
	if (context_for_shop(&ctx, run->db, run->config, run->shop_id, ACTOR_WORKER) != 1) {
		context_end(&ctx);
		return failed(run, "error");
	}
	/* the worker acts, on behalf of the admin who started the job: the
	 * timeline names that admin */
	ctx.actor_id = run->admin_id;
	for (;;) {
		going = run->beat(run->data, progress);
		if (going == 1 && progress > 0)
			going = pause_between(run, pause_ms, progress);
		/* 2: the job's turn is over; the next claim resumes after
		 * the last batch committed (job.resume_after) */
		if (going != 1) {
			done = going == 0 ? -2 : going == 2 ? -3 : failed(run, "error");
			break;
		}
		/* an owner's action stops for good when its admin is no
		 * longer an enabled owner, before each batch as before the first */
		if (bulk_actions[payload.action].owner_only && progress > 0) {
			int owner = job_run_admin_is_owner(run);

			if (owner != 1) {
				done = failed(run, owner < 0 ? "error" : "owner_lost");
				break;
			}
		}
		done = batch(run, &ctx, &query, &payload, &after, size);
		if (done <= 0) {
			if (done == 0)
				done = progress;
			else if (done == BATCH_TARGET_GONE)
				done = failed(run, "gone");
			else if (done == -1)
				done = failed(run, "error");
			break;
		}
		progress += done;
	}
	context_end(&ctx);
	return done;
}

int
bulk_job_end(struct job_run *run, int failed_now)
{
	struct db_query *query = &bulk_job_sql[BJ_END];
	struct db_param params[2] = { DB_INT(run->job_id), DB_INT(run->shop_id) };
	struct bulk_payload payload;
	struct shop_context ctx;
	long long seconds = 0, changed = 0, progress = 0, after;
	long mail_after = hdf_get_int_value(run->config, "Jobs.MailAfterSeconds", 60);
	char email[256] = "", text[64];
	int found, status, lang = -1;

	if (bulk_job_ready(run->db) != 0 || db_exec(run->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		seconds = db_int(query, 0);
		changed = db_int(query, 1);
		progress = db_int(query, 2);
		snprintf(email, sizeof(email), "%s", db_text(query, 3) ? db_text(query, 3) : "");
		lang = lang_from_code(db_text(query, 4));	/* -1: the shop's */
	}
	db_done(query);
	if (found < 0)
		return -1;
	/* nobody to tell (the admin is gone), or they were watching */
	if (found == 0 || email[0] == '\0' || (!failed_now && seconds < mail_after))
		return 0;
	memset(&payload, 0, sizeof(payload));
	if (job_read(run, &payload, &after, &progress) != 0) {
		payload.link[0] = '\0';
		payload.action = BULK__MAX;	/* unknown: the mail says no action */
	}
	if (context_for_shop(&ctx, run->db, run->config, run->shop_id, ACTOR_WORKER) != 1) {
		context_end(&ctx);
		return -1;
	}
	if (lang < 0)
		lang = ctx.shop->lang;
	{
		/* to the admin who started it, in their own language */
		struct mail mail = { "customers-bulk", email, 0, run->admin_id };

		if (payload.link[0] != '\0')
			hdf_set_valuef(ctx.hdf, "Mail.Link=%s/admin/customers/jobs/%lld", payload.link,
			    run->job_id);
		if (payload.action < BULK__MAX)
			hdf_set_value(ctx.hdf, "Mail.Action", bulk_action_names[payload.action]);
		/* "Group "VIP" added to 12,345 customers" */
		if (payload.action < BULK__MAX && bulk_actions[payload.action].grouping)
			hdf_set_value(ctx.hdf, "Mail.Target", payload.target);
		hdf_set_int_value(ctx.hdf, "Mail.ChangedCount", changed > 1 ? 2 : (int)changed);
		format_count(changed, lang, text, sizeof(text));
		hdf_set_value(ctx.hdf, "Mail.Changed", text);
		format_count(progress - changed, lang, text, sizeof(text));
		hdf_set_value(ctx.hdf, "Mail.Left", progress > changed ? text : "");
		hdf_set_int_value(ctx.hdf, "Mail.LeftCount",
		    progress - changed > 1 ? 2 : (int)(progress - changed));
		if (failed_now)
			hdf_set_value(ctx.hdf, "Mail.Failed", "1");
		status = mail_queue_in(&ctx, &mail, lang_codes[lang]);
	}
	context_end(&ctx);
	return status;
}
