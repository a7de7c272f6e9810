/*
 * The shop's bulk actions (customers.fcgi, /admin/customers/jobs): the
 * latest first, each with what it did, who started it and its state, to
 * its own page. Every admin of the shop sees them all, as each page.
 *
 * The page of a bulk action run by the worker (customers.fcgi,
 * /admin/customers/jobs/#, see customers-bulkjob.h): what it does, how far
 * it got, its state in words, a button that stops it while it is queued
 * or running (the owners' and that of the admin who started it), and what
 * it did once over. While it runs the page reloads itself (a meta refresh:
 * no script needed). The list shows a banner that leads here while a job
 * of the shop is under way.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-bulkjob.h"

/* How often the page of a job under way reloads itself, in seconds. */
#define JOB_REFRESH_SECONDS 2

/* The job of the path as the page shows it. */
struct job_view {
	char state[16];
	long long progress, total, changed, admin_id;
	char error[64];
	struct bulk_payload payload;
};

/* Reads the shop's job of the path into view and the HDF. 1 found, 0 not
 * (answered 404), -1 (answered 500). */
static int
job_load(struct request *req, struct job_view *view)
{
	struct db_query *query = &customers_sql[SQL_JOB];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char text[64];
	int found;

	memset(view, 0, sizeof(*view));
	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(query);
	if (found == 1) {
		snprintf(view->state, sizeof(view->state), "%s", db_text(query, 0));
		view->progress = db_int(query, 1);
		view->total = db_int(query, 2);
		view->changed = db_int(query, 3);
		view->admin_id = db_int(query, 4);
		snprintf(view->error, sizeof(view->error), "%s", db_text(query, 5) ? db_text(query, 5) : "");
		if (bulk_payload_read(db_text(query, 6), &view->payload) != 0)
			view->payload.action = BULK_DEACTIVATE;
		format_local_when(db_text(query, 7), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Page.Job.Created", text);
		if (db_text(query, 8) != NULL) {
			format_local_when(db_text(query, 8), req->shop.time_zone, req->lang, text,
			    sizeof(text));
			hdf_set_value(req->hdf, "Page.Job.Finished", text);
		}
		if (db_text(query, 9) != NULL)
			hdf_set_value(req->hdf, "Page.Job.By", db_text(query, 9));
	}
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return found < 0 ? -1 : 0;
	}
	return 1;
}

/* How many of the latest bulk actions the list shows (SQL_JOBS reads one
 * more). */
#define JOBS_SHOWN 100

void
customers_jobs(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_JOBS];
	struct db_param param = DB_INT(req->shop.id);
	struct bulk_payload payload;
	char name[32], text[64];
	int n = 0, status;
	HDF *row;

	if (db_exec(&req->app->db, query, &param, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while ((status = db_fetch(query)) == 1) {
		const char *state = db_text(query, 1);

		if (n == JOBS_SHOWN) {
			hdf_set_value(req->hdf, "Page.Older", "1");
			break;
		}
		snprintf(name, sizeof(name), "Page.Jobs.%d", n++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "Id", db_text(query, 0));
		/* a job not yet begun again after other shops' turns is paused */
		hdf_set_value(row, "State", strcmp(state, "queued") == 0 && db_int(query, 2) > 0 ?
		    "paused" : state);
		if (bulk_payload_read(db_text(query, 4), &payload) != 0)
			payload.action = BULK_DEACTIVATE;
		hdf_set_value(row, "Action", bulk_action_names[payload.action]);
		if (bulk_actions[payload.action].grouping)
			hdf_set_value(row, "Target", payload.target);
		format_count(db_int(query, 3), req->lang, text, sizeof(text));
		hdf_set_value(row, "ChangedText", text);
		hdf_set_int_value(row, "Changed", (int)db_int(query, 3));
		format_count(payload.count, req->lang, text, sizeof(text));
		hdf_set_value(row, "CountText", text);
		hdf_set_int_value(row, "Count", (int)payload.count);
		format_local_when(db_text(query, 5), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(row, "Created", text);
		if (db_text(query, 6) != NULL)
			hdf_set_value(row, "By", db_text(query, 6));
	}
	db_done(query);
	if (status < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_render(req, 200, "customers/jobs.cs");
}

/* Whether the admin may stop the job: an owner, or who started it. */
static int
job_may_cancel(struct request *req, const struct job_view *view)
{
	return req->session.admin_is_owner || view->admin_id == req->session.admin_id;
}

static int
job_under_way(const struct job_view *view)
{
	return strcmp(view->state, "queued") == 0 || strcmp(view->state, "running") == 0;
}

/* Sets a count under name, and name + "Text" written the local way. */
static void
set_count(struct request *req, const char *name, long long value)
{
	char text[64], key[64];

	hdf_set_int_value(req->hdf, name, (int)value);
	format_count(value, req->lang, text, sizeof(text));
	snprintf(key, sizeof(key), "%sText", name);
	hdf_set_value(req->hdf, key, text);
}

/* Renders the job page of view with status. */
static void
job_render(struct request *req, const struct job_view *view, int status)
{
	/* more may match when it runs than when it was confirmed */
	long long total = view->total > view->progress ? view->total : view->progress;

	hdf_set_int_value(req->hdf, "Page.Job.Id", (int)req->path_id);
	hdf_set_value(req->hdf, "Page.Job.State", view->state);
	hdf_set_value(req->hdf, "Page.Job.Action", bulk_action_names[view->payload.action]);
	if (view->payload.reason[0] != '\0')
		hdf_set_value(req->hdf, "Page.Job.Reason", view->payload.reason);
	/* the group or tag given or taken, by its name when confirmed */
	if (bulk_actions[view->payload.action].grouping)
		hdf_set_value(req->hdf, "Page.Job.Target", view->payload.target);
	set_count(req, "Page.Job.Count", view->payload.count);
	set_count(req, "Page.Job.Progress", view->progress);
	set_count(req, "Page.Job.Total", total);
	set_count(req, "Page.Job.Changed", view->changed);
	set_count(req, "Page.Job.Left", view->progress - view->changed);
	hdf_set_int_value(req->hdf, "Page.Job.Percent",
	    total > 0 ? (int)(view->progress * 100 / total) : 0);
	if (view->error[0] != '\0')
		hdf_set_value(req->hdf, "Page.Job.Error", view->error);
	/* the way back to the list as it was when the action was chosen */
	hdf_set_value(req->hdf, "Page.Filters", view->payload.query);
	if (job_under_way(view)) {
		hdf_set_int_value(req->hdf, "Page.Refresh", JOB_REFRESH_SECONDS);
		if (job_may_cancel(req, view))
			hdf_set_value(req->hdf, "Page.Job.MayCancel", "1");
	}
	page_render(req, status, "customers/job.cs");
}

void
customers_job(struct request *req)
{
	struct job_view view;

	if (job_load(req, &view) == 1)
		job_render(req, &view, 200);
}

/* Stops a queued or running job: a running one stops between two batches
 * (the batches done stay done). A job that is over says so and changes
 * nothing. */
void
customers_job_cancel(struct request *req)
{
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	struct job_view view;
	long long rows;
	char path[64];

	if (job_load(req, &view) != 1)
		return;
	if (!job_may_cancel(req, &view)) {
		page_error(req, 403, "Customers.Job.NotYours");
		return;
	}
	rows = db_exec(&req->app->db, &customers_sql[SQL_JOB_CANCEL], params, 2);
	if (rows < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (rows == 0) {
		/* over meanwhile, or already stopped: shown as it is now */
		if (job_load(req, &view) != 1)
			return;
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Job.AlreadyOver"));
		job_render(req, &view, 409);
		return;
	}
	page_notice(req, "job_cancelled");
	snprintf(path, sizeof(path), "/admin/customers/jobs/%lld", req->path_id);
	page_redirect(req, path);
}
