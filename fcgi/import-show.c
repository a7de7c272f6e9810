/*
 * One import (import.fcgi, /admin/import/#), one page whose content follows
 * the import's state:
 *
 *   new          the mapping screen: what was found in the file (format,
 *                encoding, separator, header, rows, each a select to
 *                correct), each column with its header, its first values
 *                and a select of fields; what to do with customers the shop
 *                has; automatic subscription (with the admin's attestation
 *                of consent); welcome mails. Saving queues the preview.
 *   previewing, queued, importing, undoing
 *                the job under way: a progress bar, rows per second and
 *                time left, who it waits for (another import of the shop,
 *                or the worker), a cancel button; the page reloads itself.
 *   previewed    what the import would do (new, updated, unchanged,
 *                invalid, duplicated in the file), the first invalid rows
 *                and why, then "Import" or "Change the mapping".
 *   done, failed, cancelled, undone
 *                the report: counts, who, when, the file, the mapping, the
 *                rows not taken (errors.csv), and the undo and its result.
 *
 * Another shop's import is a 404 on every route, read or write.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/format.h"
#include "lib/log.h"
#include "lib/page.h"
#include "lib/settings.h"
#include "import.h"
#include "import-job.h"

/* How often the page of a job under way reloads itself, in seconds. */
#define IMPORT_REFRESH_SECONDS 2
/* A running job whose worker has not beaten for this long is said to wait
 * for its worker (it resumes after its last batch when one comes back). */
#define IMPORT_SILENT_SECONDS 120
/* Values of each column shown on the mapping screen, rows not taken shown
 * on the preview and the report. */
#define IMPORT_SAMPLE_ROWS 3
#define IMPORT_ERRORS_SHOWN 20

static const char *const header_choices[] = { "yes", "no", NULL };

const struct field show_fields[SHOW__MAX + 1] = {
	[SHOW_EDIT] = { "edit", FIELD_INT, 0, 0, 0, 1, NULL },
};

const struct field read_fields[READ__MAX + 1] = {
	[READ_ENCODING] = { "encoding", FIELD_CHOICE, 0, 0, 0, 0, import_encoding_choices },
	[READ_SEPARATOR] = { "separator", FIELD_CHOICE, 0, 0, 0, 0, import_separator_names },
	[READ_HEADER] = { "header", FIELD_CHOICE, 1, 0, 0, 0, header_choices },
};

#define COLUMN(n) [MAP_COLUMN0 + (n)] = { "c" #n, FIELD_CHOICE, 0, 0, 0, 0, import_field_choices }
#define COLUMNS8(t) COLUMN(t##0), COLUMN(t##1), COLUMN(t##2), COLUMN(t##3), COLUMN(t##4), \
	COLUMN(t##5), COLUMN(t##6), COLUMN(t##7)

const struct field map_fields[MAP__MAX + 1] = {
	/* not required: the abandon button of the preview sends none */
	[MAP_MODE] = { "mode", FIELD_CHOICE, 0, 0, 0, 0, import_mode_choices },
	[MAP_SUBSCRIBE] = { "subscribe", FIELD_INT, 0, 0, 0, 1, NULL },
	[MAP_ATTEST] = { "attest", FIELD_INT, 0, 0, 0, 1, NULL },
	[MAP_WELCOME] = { "welcome", FIELD_INT, 0, 0, 0, 1, NULL },
	COLUMN(0), COLUMN(1), COLUMN(2), COLUMN(3), COLUMN(4), COLUMN(5), COLUMN(6), COLUMN(7),
	COLUMN(8), COLUMN(9),
	COLUMNS8(1), COLUMN(18), COLUMN(19),
	COLUMNS8(2), COLUMN(28), COLUMN(29),
	COLUMNS8(3), COLUMN(38), COLUMN(39),
	COLUMNS8(4), COLUMN(48), COLUMN(49),
	COLUMN(50), COLUMN(51), COLUMN(52), COLUMN(53), COLUMN(54), COLUMN(55),
};

/* --- helpers ------------------------------------------------------------------ */

static int
state_is(const struct import_view *view, const char *state)
{
	return strcmp(view->state, state) == 0;
}

static int
under_way(const struct import_view *view)
{
	return state_is(view, "previewing") || state_is(view, "queued") ||
	    state_is(view, "importing") || state_is(view, "undoing");
}

/* Whether the admin may stop or undo the import: an owner, or who began it. */
static int
may_change(struct request *req, const struct import_view *view)
{
	return req->session.admin_is_owner || view->admin_id == req->session.admin_id;
}

/* How the file of view is read, as stored. */
static void
view_options(const struct import_view *view, struct sheet_options *options)
{
	int i;

	memset(options, 0, sizeof(*options));
	for (i = 1; i < SHEET_FORMAT__MAX; i++)
		if (strcmp(view->format, sheet_format_names[i]) == 0)
			options->format = (enum sheet_format)i;
	for (i = 1; i < SHEET_ENCODING__MAX; i++)
		if (strcmp(view->encoding, sheet_encoding_names[i]) == 0)
			options->encoding = (enum sheet_encoding)i;
	options->separator = view->separator[0];
}

/* The mapping of view into map (SHEET_COLUMNS_MAX); columns it lacks are
 * ignored. */
static void
view_map(const struct import_view *view, enum import_field *map)
{
	memset(map, 0, sizeof(*map) * SHEET_COLUMNS_MAX);
	if (import_mapping_read(view->mapping, map, SHEET_COLUMNS_MAX) < 0)
		memset(map, 0, sizeof(*map) * SHEET_COLUMNS_MAX);
}

/* The columns under Page.Columns: header, field, and whether its select is
 * offered; Page.HasEmail, Page.HasPassword. */
static void
columns_to_hdf(struct request *req, const struct import_view *view, const enum import_field *map)
{
	char *headers[SHEET_COLUMNS_MAX];
	int count = split_values(view->headers, headers, SHEET_COLUMNS_MAX);
	int i;

	for (i = 0; i < view->column_count && i < SHEET_COLUMNS_MAX; i++) {
		HDF *node;
		char name[32];

		snprintf(name, sizeof(name), "Page.Columns.%d", i);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		hdf_set_int_value(node, "Number", i + 1);
		hdf_set_valuef(node, "Name=c%d", i);
		if (i < count && headers[i][0] != '\0')
			hdf_set_value(node, "Header", headers[i]);
		hdf_set_value(node, "Field", import_field_names[map[i]]);
		if (i < IMPORT_FORM_COLUMNS)
			hdf_set_value(node, "Editable", "1");
		if (map[i] == IMPORT_EMAIL)
			hdf_set_value(req->hdf, "Page.HasEmail", "1");
		if (map[i] == IMPORT_PASSWORD)
			hdf_set_value(req->hdf, "Page.HasPassword", "1");
	}
	free_values(headers, count);
}

/* The first data rows' values under Page.Columns.<i>.Values. */
static void
samples_to_hdf(struct request *req, const struct import_view *view)
{
	struct sheet_options options;
	struct sheet *sheet = NULL;
	struct sheet_row row;
	int shown = 0, i;

	view_options(view, &options);
	if (sheet_open(view->spool_path, &options, &sheet, NULL) != SHEET_OK)
		return;
	while (shown < IMPORT_SAMPLE_ROWS && sheet_next(sheet, &row) == 1) {
		if (row.number == 1 && view->has_header)
			continue;
		for (i = 0; i < row.count && i < view->column_count; i++) {
			char name[64];

			snprintf(name, sizeof(name), "Page.Columns.%d.Values.%d", i, shown);
			hdf_set_value(req->hdf, name, row.fields[i]);
		}
		shown++;
	}
	sheet_close(sheet);
}

static void
fields_to_hdf(struct request *req)
{
	int i;

	for (i = 0; i < IMPORT_FIELD__MAX; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Page.Fields.%d", i);
		hdf_set_value(req->hdf, name, import_field_names[i]);
	}
	for (i = 1; i < SHEET_ENCODING__MAX; i++) {
		char name[32], key[32];

		snprintf(name, sizeof(name), "Page.Encodings.%d.Name", i);
		hdf_set_value(req->hdf, name, sheet_encoding_names[i]);
		snprintf(name, sizeof(name), "Page.Encodings.%d.Key", i);
		hdf_set_value(req->hdf, name, lang_key_of(sheet_encoding_names[i], key, sizeof(key)));
	}
	for (i = 0; import_separator_names[i] != NULL; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Page.Separators.%d", i);
		hdf_set_value(req->hdf, name, import_separator_names[i]);
	}
	for (i = 0; i < IMPORT_MODE__MAX; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Page.Modes.%d", i);
		hdf_set_value(req->hdf, name, import_mode_names[i]);
	}
}

/* The mapping screen of view with map, status, and message (a Lang key)
 * when what was sent could not be taken. */
static void
mapping_render(struct request *req, const struct import_view *view, const enum import_field *map,
    int status, const char *message)
{
	if (view->spool_path[0] == '\0') {
		page_error(req, 409, "Import.Bad.FileGone");
		return;
	}
	fields_to_hdf(req);
	columns_to_hdf(req, view, map);
	samples_to_hdf(req, view);
	if (view->column_count > IMPORT_FORM_COLUMNS)
		hdf_set_int_value(req->hdf, "Page.FormColumns", IMPORT_FORM_COLUMNS);
	if (message != NULL)
		hdf_set_value(req->hdf, "Page.Message", request_text(req, message));
	page_render(req, status, "import/mapping.cs");
}

/* The first rows not taken (of the preview: dry_run 1, or of the run)
 * under Page.Errors. */
static void
errors_to_hdf(struct request *req, int dry_run)
{
	struct db_query *query = &import_sql[SQL_IMPORT_ERRORS];
	struct db_param params[4] = { DB_INT(req->path_id), DB_INT(req->shop.id), DB_INT(dry_run),
		DB_INT(IMPORT_ERRORS_SHOWN) };
	int n = 0;

	if (db_exec(&req->app->db, query, params, 4) < 0)
		return;
	while (db_fetch(query) == 1) {
		char *cells[SHEET_COLUMNS_MAX];
		int count = split_csv_line(db_text(query, 2), cells, SHEET_COLUMNS_MAX), i;
		char name[48];
		HDF *node;

		snprintf(name, sizeof(name), "Page.Errors.%d", n++);
		if (hdf_get_node(req->hdf, name, &node) == STATUS_OK) {
			hdf_set_value(node, "Line", db_text(query, 0));
			hdf_set_value(node, "Reason", db_text(query, 1));
			for (i = 0; i < count && i < 8; i++) {
				snprintf(name, sizeof(name), "Cells.%d", i);
				hdf_set_value(node, name, cells[i]);
			}
		}
		free_values(cells, count);
	}
	db_done(query);
}

/* The job under way: how far, how fast, what it waits for. */
static void
job_render(struct request *req, const struct import_view *view)
{
	long long total = view->row_count, progress = view->job_progress;
	const char *action = state_is(view, "previewing") ? "preview"
	    : state_is(view, "undoing") ? "undo" : "run";

	hdf_set_value(req->hdf, "Page.Import.Action", action);
	hdf_set_value(req->hdf, "Page.Import.JobState", view->job_state);
	if (strcmp(view->job_state, "queued") == 0) {
		struct db_query *query = &import_sql[SQL_IMPORT_AHEAD];
		struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(view->job_id) };

		if (db_exec(&req->app->db, query, params, 2) >= 0) {
			if (db_fetch(query) == 1) {
				hdf_set_value(req->hdf, "Page.Import.Ahead.Id", db_text(query, 0));
				hdf_set_value(req->hdf, "Page.Import.Ahead.FileName", db_text(query, 1));
			}
			db_done(query);
		}
	}
	if (strcmp(view->job_state, "running") == 0 && view->silent > IMPORT_SILENT_SECONDS)
		hdf_set_value(req->hdf, "Page.Import.Silent", "1");
	if (strcmp(view->job_state, "failed") == 0)
		hdf_set_value(req->hdf, "Page.Import.JobFailed", "1");
	if (strcmp(action, "undo") != 0 && total > 0 && strcmp(view->job_state, "running") == 0) {
		char text[64];

		if (progress > total)
			progress = total;
		hdf_set_valuef(req->hdf, "Page.Import.Progress=%lld", progress);
		hdf_set_valuef(req->hdf, "Page.Import.Total=%lld", total);
		format_count(progress, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Page.Import.ProgressText", text);
		hdf_set_int_value(req->hdf, "Page.Import.Percent", (int)(progress * 100 / total));
		/* the pace of the run so far, from when it started */
		if (strcmp(action, "run") == 0 && view->elapsed > 0 && progress > 0) {
			long long rate = progress / view->elapsed;
			long long left = rate > 0 ? (total - progress + rate - 1) / rate
			    : (total - progress) * view->elapsed / progress;

			format_count(progress / view->elapsed, req->shop.lang, text, sizeof(text));
			hdf_set_value(req->hdf, "Page.Import.Rate", text);
			hdf_set_valuef(req->hdf, "Page.Import.LeftMinutes=%lld", (left + 59) / 60);
		}
	}
	if (strcmp(action, "undo") != 0 && may_change(req, view))
		hdf_set_value(req->hdf, "Page.Import.MayCancel", "1");
	hdf_set_int_value(req->hdf, "Page.Refresh", IMPORT_REFRESH_SECONDS);
	page_render(req, 200, "import/job.cs");
}

/* The mapping in words, for the preview and the report: each column used
 * and the field it went to, under Page.Columns. */
static void
summary_to_hdf(struct request *req, const struct import_view *view)
{
	enum import_field map[SHEET_COLUMNS_MAX];

	view_map(view, map);
	columns_to_hdf(req, view, map);
}

static void
preview_render(struct request *req, const struct import_view *view)
{
	summary_to_hdf(req, view);
	errors_to_hdf(req, 1);
	page_render(req, 200, "import/preview.cs");
}

static void
report_render(struct request *req, const struct import_view *view)
{
	summary_to_hdf(req, view);
	errors_to_hdf(req, 0);
	if ((state_is(view, "done") || state_is(view, "cancelled") || state_is(view, "failed")) &&
	    view->counts[1][0] > 0 && may_change(req, view))
		hdf_set_value(req->hdf, "Page.Import.MayUndo", "1");
	page_render(req, 200, "import/report.cs");
}

void
import_show(struct request *req)
{
	struct import_view view;
	enum import_field map[SHEET_COLUMNS_MAX];

	if (import_load(req, &view) != 1)
		return;
	if (state_is(&view, "new") ||
	    (state_is(&view, "previewed") && request_field_int(req, &show_fields[SHOW_EDIT], 0))) {
		view_map(&view, map);
		mapping_render(req, &view, map, 200, NULL);
	} else if (under_way(&view))
		job_render(req, &view);
	else if (state_is(&view, "previewed"))
		preview_render(req, &view);
	else
		report_render(req, &view);
	import_view_free(&view);
}

/* --- changes --------------------------------------------------------------- */

/* Starts a transaction and locks the import of the path; its state into
 * state, who began it into *admin_id, its file into spool (when not NULL:
 * room for 1024). 1 found, 0 not (answered 404), -1 (answered 500). */
static int
import_lock(struct request *req, char *state, size_t size, long long *admin_id, char *spool)
{
	struct db_query *query = &import_sql[SQL_IMPORT_LOCK];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	if (db_begin(&req->app->db) != 0 || db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(query);
	if (found == 1) {
		snprintf(state, size, "%s", db_text(query, 0));
		*admin_id = db_text(query, 1) ? db_int(query, 1) : 0;
		if (spool != NULL)
			snprintf(spool, 1024, "%s", db_text(query, 2) ? db_text(query, 2) : "");
	}
	db_done(query);
	if (found != 1) {
		db_rollback(&req->app->db);
		page_error(req, found < 0 ? 500 : 404, NULL);
	}
	return found;
}

/* Queues action for the import of the path, inside the transaction
 * import_lock began, commits and shows the import. */
static void
queue_and_show(struct request *req, enum import_action action)
{
	char where[64];

	/* 0: no such import of the shop, which import_lock has just found */
	if (import_job_queue(&req->app->db, req->shop.id, req->session.admin_id, req->path_id,
	    action) <= 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}

/* Says that the import is no longer where the form was (another tab, or
 * another admin, moved it on), showing it as it is now. */
static void
not_now(struct request *req)
{
	db_rollback(&req->app->db);
	page_error(req, 409, "Import.Bad.NotNow");
}

void
import_reread(struct request *req)
{
	struct import_view view;
	struct import_analysis found;
	struct sheet_options options;
	enum import_field map[SHEET_COLUMNS_MAX];
	enum sheet_status status;
	char separator[2] = { 0, 0 }, where[64];
	int encoding, sep, header;

	if (import_load(req, &view) != 1)
		return;
	if (!state_is(&view, "new") && !state_is(&view, "previewed")) {
		import_view_free(&view);
		not_now(req);
		return;
	}
	view_options(&view, &options);
	encoding = request_field_choice(req, &read_fields[READ_ENCODING], -1);
	sep = request_field_choice(req, &read_fields[READ_SEPARATOR], -1);
	header = request_field_choice(req, &read_fields[READ_HEADER], 0) == 0;
	if (options.format == SHEET_CSV) {
		if (encoding >= 0)
			options.encoding = (enum sheet_encoding)(encoding + 1);
		if (sep >= 0)
			options.separator = SHEET_SEPARATORS[sep];
	}
	status = import_analyse(view.spool_path, &options, header, &found);
	if (status != SHEET_OK || found.row_count == 0) {
		const char *message = status == SHEET_OK ? "Import.Bad.HeaderOnly"
		    : status == SHEET_EMPTY ? "Import.Bad.Empty" : "Import.Bad.Unreadable";

		if (status == SHEET_OK)
			import_analysis_free(&found);
		view_map(&view, map);
		mapping_render(req, &view, map, 422, message);
		import_view_free(&view);
		return;
	}
	separator[0] = found.found.separator;
	{
		struct db_param params[9] = {
			DB_TEXT(sheet_encoding_names[found.found.encoding]),
			DB_TEXT(found.found.format == SHEET_CSV ? separator : ""),
			DB_INT(found.has_header), DB_INT(found.row_count), DB_INT(found.column_count),
			DB_TEXT(found.headers), DB_TEXT(found.mapping),
			DB_INT(req->path_id), DB_INT(req->shop.id),
		};

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_READ_SET], params, 9) < 0) {
			import_analysis_free(&found);
			import_view_free(&view);
			page_error(req, 500, NULL);
			return;
		}
	}
	import_analysis_free(&found);
	import_view_free(&view);
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}

void
import_map(struct request *req)
{
	struct import_view view;
	enum import_field map[SHEET_COLUMNS_MAX];
	char mapping[IMPORT_MAPPING_MAX], state[16];
	const char *message = NULL;
	int seen[IMPORT_FIELD__MAX] = { 0 };
	int subscribe, i;
	long long admin_id;

	if (import_load(req, &view) != 1)
		return;
	view_map(&view, map);
	for (i = 0; i < view.column_count && i < IMPORT_FORM_COLUMNS; i++) {
		int choice = request_field_choice(req, &map_fields[MAP_COLUMN0 + i], -1);

		if (choice >= 0)
			map[i] = (enum import_field)choice;
	}
	for (i = 0; i < view.column_count && i < SHEET_COLUMNS_MAX; i++)
		if (map[i] != IMPORT_IGNORE && seen[map[i]]++ > 0)
			message = "Import.Bad.Twice";
	if (message == NULL && !seen[IMPORT_EMAIL])
		message = "Import.Bad.NoEmail";
	subscribe = (int)request_field_int(req, &map_fields[MAP_SUBSCRIBE], 0);
	if (message == NULL && subscribe && !request_field_int(req, &map_fields[MAP_ATTEST], 0))
		message = "Import.Bad.Attest";
	if (message != NULL) {
		/* the form as sent, with what is wrong */
		hdf_set_value(req->hdf, "Page.Import.Mode",
		    import_mode_choices[request_field_choice(req, &map_fields[MAP_MODE], 0)]);
		hdf_set_int_value(req->hdf, "Page.Import.Subscribe", subscribe);
		hdf_set_int_value(req->hdf, "Page.Import.Welcome",
		    (int)request_field_int(req, &map_fields[MAP_WELCOME], 0));
		mapping_render(req, &view, map, 422, message);
		import_view_free(&view);
		return;
	}
	if (import_mapping_write(map, view.column_count, mapping, sizeof(mapping)) != 0) {
		import_view_free(&view);
		page_error(req, 500, NULL);
		return;
	}
	import_view_free(&view);
	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (strcmp(state, "new") != 0 && strcmp(state, "previewed") != 0) {
		not_now(req);
		return;
	}
	{
		struct db_param params[6] = {
			DB_TEXT(mapping),
			DB_TEXT(import_mode_choices[request_field_choice(req, &map_fields[MAP_MODE], 0)]),
			DB_INT(subscribe), DB_INT(request_field_int(req, &map_fields[MAP_WELCOME], 0)),
			DB_INT(req->path_id), DB_INT(req->shop.id),
		};

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_MAPPING_SET], params, 6) < 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	queue_and_show(req, IMPORT_PREVIEW);
}

void
import_run(struct request *req)
{
	char state[16];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (strcmp(state, "previewed") != 0) {
		not_now(req);
		return;
	}
	queue_and_show(req, IMPORT_RUN);
}

/* Gives up an import that has not run: its row goes, and its file, when
 * it is where the pages keep files (the shop's kept/ folder). */
void
import_delete(struct request *req)
{
	char state[16], spool[1024], kept[1024];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, spool) != 1)
		return;
	if (strcmp(state, "new") != 0 && strcmp(state, "previewed") != 0) {
		not_now(req);
		return;
	}
	{
		struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };

		if (db_exec(&req->app->db, &import_sql[SQL_IMPORT_DELETE], params, 2) < 0 ||
		    db_commit(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	snprintf(kept, sizeof(kept), "%s/%lld/kept/", settings_spool_dir(req->app->config),
	    req->shop.id);
	if (spool[0] != '\0' && strncmp(spool, kept, strlen(kept)) == 0 &&
	    strchr(spool + strlen(kept), '/') == NULL && unlink(spool) != 0)
		log_warn("cannot delete the import's file %s", spool);
	page_notice(req, "import_deleted");
	page_redirect(req, "/admin/import");
}

void
import_undo(struct request *req)
{
	char state[16];
	long long admin_id;

	if (import_lock(req, state, sizeof(state), &admin_id, NULL) != 1)
		return;
	if (!req->session.admin_is_owner && admin_id != req->session.admin_id) {
		db_rollback(&req->app->db);
		page_error(req, 403, "Import.Bad.NotYours");
		return;
	}
	if (strcmp(state, "done") != 0 && strcmp(state, "cancelled") != 0 &&
	    strcmp(state, "failed") != 0) {
		not_now(req);
		return;
	}
	queue_and_show(req, IMPORT_UNDO);
}

/* Stops the import's job: a preview goes back to its mapping, a run that
 * had not begun back to its preview, a run under way stops at its next
 * batch (what it wrote stays, and can be undone). */
void
import_cancel(struct request *req)
{
	struct import_view view;
	char where[64];
	long long rows;

	if (import_load(req, &view) != 1)
		return;
	import_view_free(&view);
	if (!may_change(req, &view)) {
		page_error(req, 403, "Import.Bad.NotYours");
		return;
	}
	{
		struct db_param job[2] = { DB_INT(view.job_id), DB_INT(req->shop.id) };
		struct db_param import[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };

		if (db_begin(&req->app->db) != 0 ||
		    db_exec(&req->app->db, &import_sql[SQL_IMPORT_JOB_CANCEL], job, 2) < 0 ||
		    (rows = db_exec(&req->app->db, &import_sql[SQL_IMPORT_CANCELLED], import, 2)) < 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	if (rows == 0) {
		not_now(req);
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "import_cancelled");
	snprintf(where, sizeof(where), "/admin/import/%lld", req->path_id);
	page_redirect(req, where);
}

/* --- errors.csv -------------------------------------------------------------- */

/* Appends one cell to line as Excel reads it: quoted, quotes doubled, and
 * a value that Excel or LibreOffice would take for a formula (= + - @, a
 * tab or a CR first) made text by a leading ' (OWASP, CSV injection). */
static void
csv_cell(STRING *line, const char *value, int first)
{
	const char *p;

	if (!first)
		string_append_char(line, ';');
	string_append_char(line, '"');
	if (value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL)
		string_append_char(line, '\'');
	for (p = value; *p != '\0'; p++) {
		if (*p == '"')
			string_append_char(line, '"');
		string_append_char(line, *p);
	}
	string_append_char(line, '"');
}

/* The rows the import (or its preview, before the run) could not take, as
 * a CSV for Excel (UTF-8 with a BOM, ';', CRLF): the line in the file, the
 * reason in the admin's language, then the row's cells as they were, under
 * the file's headers; streamed, however many. */
void
import_errors(struct request *req)
{
	struct import_view view;
	struct db_query *query = &import_sql[SQL_IMPORT_ERRORS_ALL];
	char *cells[SHEET_COLUMNS_MAX];
	char disposition[128], key[96];
	STRING line;
	int count, i, dry_run;

	if (import_load(req, &view) != 1)
		return;
	dry_run = hdf_get_value(req->hdf, "Page.Import.Started", NULL) == NULL;
	string_init(&line);
	csv_cell(&line, request_text(req, "Import.Errors.Line"), 1);
	csv_cell(&line, request_text(req, "Import.Errors.Reason"), 0);
	count = split_values(view.headers, cells, SHEET_COLUMNS_MAX);
	for (i = 0; i < count; i++)
		csv_cell(&line, cells[i], 0);
	free_values(cells, count);
	import_view_free(&view);
	string_append(&line, "\r\n");
	{
		struct db_param params[3] = { DB_INT(req->path_id), DB_INT(req->shop.id),
			DB_INT(dry_run) };

		if (db_stream_open(&req->app->db, query, params, 3) != 0) {
			string_clear(&line);
			page_error(req, 500, NULL);
			return;
		}
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld.csv\"",
	    request_text(req, "Import.Errors.FileName"), req->path_id);
	page_header(req, "Content-Disposition", disposition);
	page_header(req, "Cache-Control", "no-store");
	if (page_begin(req, "text/csv; charset=utf-8") != 0) {
		db_stream_close(&req->app->db, query);
		string_clear(&line);
		return;
	}
	page_write(req, "\xef\xbb\xbf", 3);
	page_write(req, line.buf, (size_t)line.len);
	while (db_fetch(query) == 1) {
		line.len = 0;
		line.buf[0] = '\0';
		csv_cell(&line, db_text(query, 0), 1);
		snprintf(key, sizeof(key), "Import.Reason.%s", db_text(query, 1));
		csv_cell(&line, request_text(req, key), 0);
		count = split_csv_line(db_text(query, 2), cells, SHEET_COLUMNS_MAX);
		for (i = 0; i < count; i++)
			csv_cell(&line, cells[i], 0);
		free_values(cells, count);
		string_append(&line, "\r\n");
		page_write(req, line.buf, (size_t)line.len);
	}
	db_stream_close(&req->app->db, query);
	string_clear(&line);
}
