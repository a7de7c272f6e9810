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

#include "lib/format.h"
#include "lib/page.h"
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
/* the cells shown of each (the refused one too, if further on) */
#define IMPORT_ERROR_CELLS_SHOWN 8

const struct field show_fields[SHOW__MAX + 1] = {
	[SHOW_EDIT] = { "edit", FIELD_INT, 0, 0, 0, 1, NULL },
};

/* --- helpers ------------------------------------------------------------------ */

int
import_state_is(const struct import_view *view, const char *state)
{
	return strcmp(view->state, state) == 0;
}

int
import_errors_of_preview(const struct import_view *view)
{
	return import_state_is(view, "new") || import_state_is(view, "previewing") ||
	    import_state_is(view, "previewed") || import_state_is(view, "queued") ||
	    view->preview_failed;
}

static int
under_way(const struct import_view *view)
{
	return import_state_is(view, "previewing") || import_state_is(view, "queued") ||
	    import_state_is(view, "importing") || import_state_is(view, "undoing");
}

/* Whether the admin may stop or undo the import: an owner, or who began it. */
int
import_may_change(struct request *req, const struct import_view *view)
{
	return req->session.admin_is_owner || view->admin_id == req->session.admin_id;
}

/* How the file of view is read, as stored. */
void
import_view_options(const struct import_view *view, struct sheet_options *options)
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
void
import_view_map(const struct import_view *view, enum import_field *map)
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

	import_view_options(view, &options);
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
void
import_mapping_render(struct request *req, const struct import_view *view, const enum import_field *map,
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
errors_to_hdf(struct request *req, const struct import_view *view, int dry_run)
{
	struct db_query *query = &import_sql[SQL_IMPORT_ERRORS];
	struct db_param params[4] = { DB_INT(req->path_id), DB_INT(req->shop.id), DB_INT(dry_run),
		DB_INT(IMPORT_ERRORS_SHOWN) };
	int n = 0;

	char *headers[SHEET_COLUMNS_MAX];
	int header_count;

	if (db_exec(&req->app->db, query, params, 4) < 0)
		return;
	header_count = split_values(view->headers, headers, SHEET_COLUMNS_MAX);
	while (db_fetch(query) == 1) {
		char *cells[SHEET_COLUMNS_MAX], column_name[256];
		int count = split_csv_line(db_text(query, 2), cells, SHEET_COLUMNS_MAX), i;
		int at = db_text(query, 3) != NULL ? (int)db_int(query, 3) : -1;
		char name[48];
		HDF *node;

		snprintf(name, sizeof(name), "Page.Errors.%d", n++);
		if (hdf_get_node(req->hdf, name, &node) == STATUS_OK) {
			hdf_set_value(node, "Line", db_text(query, 0));
			hdf_set_value(node, "Reason", db_text(query, 1));
			for (i = 0; i < count && i < IMPORT_ERROR_CELLS_SHOWN; i++) {
				snprintf(name, sizeof(name), "Cells.%d", i);
				hdf_set_value(node, name, cells[i]);
			}
			/* the refused cell, named, and shown even past those */
			if (at >= 0) {
				import_column_name(req, headers, header_count, at, column_name,
				    sizeof(column_name));
				hdf_set_value(node, "Column", column_name);
				hdf_set_value(node, "Value", at < count ? cells[at] : "");
				if (at < IMPORT_ERROR_CELLS_SHOWN && at < count) {
					snprintf(name, sizeof(name), "Cells.%d.Refused", at);
					hdf_set_value(node, name, "1");
				} else
					hdf_set_value(node, "Far", "1");
			}
		}
		free_values(cells, count);
	}
	free_values(headers, header_count);
	db_done(query);
	{
		/* what the list leaves out, so that the first ones are not
		 * taken for all of them */
		const long long *counts = view->counts[dry_run ? 0 : 1];
		long long more = counts[3] + counts[4] - n;

		if (n > 0 && more > 0) {
			char text[32];

			format_count(more, req->lang, text, sizeof(text));
			hdf_set_value(req->hdf, "Page.ErrorsMore.Text", text);
			hdf_set_int_value(req->hdf, "Page.ErrorsMore.Count",
			    (int)(more > 1000000 ? 1000000 : more));
		}
	}
}

/* The job under way: how far, how fast, what it waits for. */
static void
job_render(struct request *req, const struct import_view *view)
{
	long long total = view->row_count, progress = view->job_progress;
	const char *action = import_state_is(view, "previewing") ? "preview"
	    : import_state_is(view, "undoing") ? "undo" : "run";

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
		format_count(progress, req->lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Page.Import.ProgressText", text);
		hdf_set_int_value(req->hdf, "Page.Import.Percent", (int)(progress * 100 / total));
		/* the pace of the run so far, from when it started */
		if (strcmp(action, "run") == 0 && view->elapsed > 0 && progress > 0) {
			long long left = (total - progress) * view->elapsed / progress;

			if (progress / view->elapsed >= 1) {
				format_count(progress / view->elapsed, req->lang, text, sizeof(text));
				hdf_set_value(req->hdf, "Page.Import.Rate", text);
			}
			hdf_set_valuef(req->hdf, "Page.Import.LeftMinutes=%lld", (left + 59) / 60);
		}
	}
	if (strcmp(action, "undo") != 0 && import_may_change(req, view))
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

	import_view_map(view, map);
	columns_to_hdf(req, view, map);
}

static void
preview_render(struct request *req, const struct import_view *view)
{
	summary_to_hdf(req, view);
	errors_to_hdf(req, view, 1);
	page_render(req, 200, "import/preview.cs");
}

/* 1 when the admin may undo the import now: it has ended, made customers,
 * and the admin is an owner or the one who started it. */
static int
may_undo(struct request *req, const struct import_view *view)
{
	return (import_state_is(view, "done") || import_state_is(view, "cancelled") ||
	    import_state_is(view, "failed")) && view->counts[1][0] > 0 &&
	    import_may_change(req, view);
}

static void
report_render(struct request *req, const struct import_view *view)
{
	summary_to_hdf(req, view);
	errors_to_hdf(req, view, 0);
	if (may_undo(req, view))
		hdf_set_value(req->hdf, "Page.Import.MayUndo", "1");
	page_render(req, 200, "import/report.cs");
}

/* GET /admin/import/N/undo: what the undo deletes, asked before it does
 * (its form posts to the same path, import_undo_queue). An import that
 * cannot be undone now goes back to its page, which says why. */
void
import_undo_confirm(struct request *req)
{
	struct import_view view;
	char path[64];

	if (import_load(req, &view) != 1)
		return;
	import_view_free(&view);
	if (!may_undo(req, &view)) {
		snprintf(path, sizeof(path), "/admin/import/%lld", req->path_id);
		page_redirect(req, path);
		return;
	}
	page_render(req, 200, "import/undo.cs");
}

void
import_show(struct request *req)
{
	struct import_view view;
	enum import_field map[SHEET_COLUMNS_MAX];

	if (import_load(req, &view) != 1)
		return;
	if (view.preview_failed && view.spool_path[0] == '\0') {
		/* nothing left to map: the page says why, and to send it again */
		hdf_set_value(req->hdf, "Page.Import.PreviewFailed", "1");
		report_render(req, &view);
	} else if (import_state_is(&view, "new") || view.preview_failed ||
	    (import_state_is(&view, "previewed") && request_field_int(req, &show_fields[SHOW_EDIT], 0))) {
		import_view_map(&view, map);
		import_mapping_render(req, &view, map, 200, NULL);
	} else if (under_way(&view))
		job_render(req, &view);
	else if (import_state_is(&view, "previewed"))
		preview_render(req, &view);
	else
		report_render(req, &view);
	import_view_free(&view);
}
