/*
 * import.fcgi: the pages under /admin/import where a shop's admin brings
 * customers in from a spreadsheet or a pasted list (issue 13). This file
 * holds the program's route table, its SQL and what its pages share; the
 * pages are in import-start.c and import-show.c (see import.h).
 *
 * A file is spooled as it arrives (the core's upload door), read once here
 * to say what it is (format, encoding, separator, header, rows) and to
 * guess what each column holds; everything longer (the preview, the run,
 * the undo) is a job of fidele-worker that the import's page follows.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/text.h"
#include "import.h"
#include "import-job.h"
#include "site.h"

struct db_query import_sql[IMPORT_SQL__MAX] = {
	[SQL_IMPORT_ADD] = { .sql =
	    "INSERT INTO import (shop_id, admin_id, source, file_name, file_size, spool_path,"
	    "       format, encoding, field_separator, has_header, row_count, column_count,"
	    "       headers, mapping)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
	/* the import of the path, its admin and its newest job */
	[SQL_IMPORT_ONE] = { .sql =
	    "SELECT i.id, i.admin_id, i.job_id, i.source, i.file_name, i.file_size, i.spool_path,"
	    "       i.format, i.encoding, i.field_separator, i.has_header, i.row_count,"
	    "       i.column_count, i.headers, i.mapping, i.mode, i.subscribe, i.welcome, i.state,"
	    "       i.preview_new, i.preview_updated, i.preview_unchanged, i.preview_invalid,"
	    "       i.preview_duplicate, i.count_new, i.count_updated, i.count_unchanged,"
	    "       i.count_invalid, i.count_duplicate, i.undo_removed, i.undo_kept,"
	    "       i.created_at, i.started_at, i.finished_at, i.undone_at, a.email,"
	    "       j.state, j.progress,"
	    "       IF(i.started_at IS NULL, -1, TIMESTAMPDIFF(SECOND, i.started_at, NOW())),"
	    "       IF(j.heartbeat_at IS NULL, -1, TIMESTAMPDIFF(SECOND, j.heartbeat_at, NOW())),"
	    "       i.error, j.payload LIKE '%action=preview'"
	    "  FROM import i"
	    "  LEFT JOIN admin a ON a.id = i.admin_id AND a.shop_id = i.shop_id"
	    "  LEFT JOIN job j ON j.id = i.job_id AND j.shop_id = i.shop_id"
	    " WHERE i.id = ? AND i.shop_id = ?" },
	/* what a change of the import is made against, held to its end */
	[SQL_IMPORT_LOCK] = { .sql =
	    "SELECT state, admin_id, spool_path FROM import WHERE id = ? AND shop_id = ? FOR UPDATE" },
	/* an import given up before it ran: its row and refused rows go */
	[SQL_IMPORT_DELETE] = { .sql =
	    "DELETE FROM import WHERE id = ? AND shop_id = ? AND state IN ('new', 'previewed')" },
	/* the shop's history, newest first (import_shop) */
	/* "Refusées": the lines not taken, the file's duplicates with them
	 * (the report counts the two apart) */
	[SQL_IMPORT_HISTORY] = { .sql =
	    "SELECT i.id, i.created_at, a.email, i.source, i.file_name, i.state, i.row_count,"
	    "       i.count_new, i.count_updated, i.count_invalid + i.count_duplicate, i.undo_removed"
	    "  FROM import i LEFT JOIN admin a ON a.id = i.admin_id AND a.shop_id = i.shop_id"
	    " WHERE i.shop_id = ? ORDER BY i.id DESC LIMIT 50" },
	/* "the last mapping used is offered again": that of the shop's newest
	 * import of a file with the same headers which got past its mapping */
	[SQL_IMPORT_LAST_MAPPING] = { .sql =
	    "SELECT mapping FROM import"
	    " WHERE shop_id = ? AND headers = ? AND column_count = ? AND has_header = 1"
	    "   AND state <> 'new'"
	    " ORDER BY id DESC LIMIT 1" },
	/* the file read again another way: what the preview found is stale */
	[SQL_IMPORT_READ_SET] = { .sql =
	    "UPDATE import SET encoding = ?, field_separator = ?, has_header = ?, row_count = ?,"
	    "       column_count = ?, headers = ?, mapping = ?, state = 'new'"
	    " WHERE id = ? AND shop_id = ?" },
	/* the run's start is its own, not its preview's (the job keeps the
	 * first start it sees, so that a resumed run keeps its pace) */
	[SQL_IMPORT_RUN_RESET] = { .sql =
	    "UPDATE import SET started_at = NULL, finished_at = NULL WHERE id = ? AND shop_id = ?" },
	/* the admin who attested the consent: to subscribe everyone, or the
	 * file's column of who accepted the e-mails (NULL: no attestation) */
	[SQL_IMPORT_MAPPING_SET] = { .sql =
	    "UPDATE import SET mapping = ?, mode = ?, subscribe = ?, welcome = ?,"
	    "       subscribe_admin_id = ?,"
	    "       subscribe_attested_at = IF(? IS NULL, NULL, NOW())"
	    " WHERE id = ? AND shop_id = ?" },
	/* the first rows the preview (dry_run 1) or the run could not take */
	[SQL_IMPORT_ERRORS] = { .sql =
	    "SELECT line, reason, row_text, reason_column FROM import_error"
	    " WHERE import_id = ? AND shop_id = ? AND dry_run = ? ORDER BY line LIMIT ?" },
	/* all of them, streamed into errors.csv */
	[SQL_IMPORT_ERRORS_ALL] = { .sql =
	    "SELECT line, reason, row_text, reason_column FROM import_error"
	    " WHERE import_id = ? AND shop_id = ? AND dry_run = ? ORDER BY line" },
	/* the shop's import job that runs before this one (one at a time) */
	[SQL_IMPORT_AHEAD] = { .sql =
	    "SELECT i.id, i.file_name FROM job j"
	    "  JOIN import i ON i.job_id = j.id AND i.shop_id = j.shop_id"
	    " WHERE j.shop_id = ? AND j.kind = '" IMPORT_JOB_KIND "'"
	    "   AND j.state IN ('queued', 'running') AND j.id < ?"
	    " ORDER BY j.id LIMIT 1" },
	/* a running job stops at its next batch; the batches done stay */
	[SQL_IMPORT_JOB_CANCEL] = { .sql =
	    "UPDATE job SET state = 'cancelled', finished_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND kind = '" IMPORT_JOB_KIND "'"
	    "   AND state IN ('queued', 'running')" },
	/* a preview stopped: back to the mapping; a run that had not begun:
	 * back to its preview; a run under way: cancelled, what it wrote stays
	 * (finished_at is set first: SET reads the columns as they change) */
	[SQL_IMPORT_CANCELLED] = { .sql =
	    "UPDATE import SET finished_at = IF(state = 'importing', NOW(), finished_at),"
	    "       state = CASE state WHEN 'previewing' THEN 'new' WHEN 'queued' THEN 'previewed'"
	    "                          ELSE 'cancelled' END"
	    " WHERE id = ? AND shop_id = ? AND state IN ('previewing', 'queued', 'importing')" },
};

/* --- what the pages share --------------------------------------------------- */

const char *const import_separator_names[] = { "comma", "semicolon", "tab", "pipe", NULL };

const char *import_field_choices[IMPORT_FIELD__MAX + 1];
const char *import_encoding_choices[SHEET_ENCODING__MAX];
const char *import_mode_choices[IMPORT_MODE__MAX + 1];

void
import_fields_setup(void)
{
	int i;

	for (i = 0; i < IMPORT_FIELD__MAX; i++)
		import_field_choices[i] = import_field_names[i];
	import_field_choices[IMPORT_FIELD__MAX] = NULL;
	for (i = 1; i < SHEET_ENCODING__MAX; i++)
		import_encoding_choices[i - 1] = sheet_encoding_names[i];
	import_encoding_choices[SHEET_ENCODING__MAX - 1] = NULL;
	for (i = 0; i < IMPORT_MODE__MAX; i++)
		import_mode_choices[i] = import_mode_names[i];
	import_mode_choices[IMPORT_MODE__MAX] = NULL;
}

int
split_values(const char *text, char **out, int max)
{
	int count = 0;
	const char *start = text;

	if (text == NULL || *text == '\0')
		return 0;
	while (count < max) {
		const char *end = strchr(start, ',');
		size_t len = end ? (size_t)(end - start) : strlen(start);
		char *value = malloc(len + 1);

		if (value == NULL)
			break;
		memcpy(value, start, len);
		value[len] = '\0';
		cgi_url_unescape(value);
		out[count++] = value;
		if (end == NULL)
			break;
		start = end + 1;
	}
	return count;
}

int
split_csv_line(const char *text, char **out, int max)
{
	size_t len = text ? strlen(text) : 0;
	const char *p = text;
	int count = 0;

	if (len == 0)
		return 0;
	while (count < max) {
		char *value = malloc(len + 1), *w = value;

		if (value == NULL)
			break;
		if (*p == '"') {
			/* quoted: "" is a quote; the value ends at a lone quote (or
			 * at the end of a text cut short) */
			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] == '"')
					*w++ = *p++;
				else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p;
			}
			while (*p != '\0' && *p != ',')
				p++;
		} else
			while (*p != '\0' && *p != ',')
				*w++ = *p++;
		*w = '\0';
		out[count++] = value;
		if (*p != ',')
			break;
		p++;
	}
	return count;
}

void
free_values(char **values, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(values[i]);
}

void
import_column_name(struct request *req, char **headers, int header_count, int column,
    char *out, size_t size)
{
	if (column < header_count && headers[column][0] != '\0')
		snprintf(out, size, "%s", headers[column]);
	else
		snprintf(out, size, "%s %d", request_text(req, "Import.Mapping.Column"), column + 1);
}

const char *
lang_key_of(const char *name, char *out, size_t size)
{
	size_t i;

	snprintf(out, size, "%s", name);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '-')
			out[i] = '_';
	return out;
}

void
import_view_free(struct import_view *view)
{
	free(view->headers);
	free(view->mapping);
	view->headers = view->mapping = NULL;
}

/* Sets a count under name, and name + "Text" written the local way. */
static void
set_count(struct request *req, HDF *node, const char *name, long long value)
{
	char text[64], key[64];

	hdf_set_valuef(node, "%s=%lld", name, value);
	format_count(value, req->lang, text, sizeof(text));
	snprintf(key, sizeof(key), "%sText", name);
	hdf_set_value(node, key, text);
}

static void
set_when(struct request *req, HDF *node, const char *name, const char *sql_utc)
{
	char text[64];

	if (sql_utc == NULL)
		return;
	format_local_when(sql_utc, req->shop.time_zone, req->lang, text, sizeof(text));
	hdf_set_value(node, name, text);
}

static const char *
text_or_empty(struct db_query *query, unsigned int col)
{
	const char *text = db_text(query, col);

	return text ? text : "";
}

int
import_load(struct request *req, struct import_view *view)
{
	static const char *const count_names[5] = { "New", "Updated", "Unchanged", "Invalid",
		"Duplicate" };
	struct db_query *query = &import_sql[SQL_IMPORT_ONE];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	HDF *node;
	char key[32];
	int found, kind, i;

	memset(view, 0, sizeof(*view));
	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(query);
	if (found == 1 && hdf_get_node(req->hdf, "Page.Import", &node) == STATUS_OK) {
		view->id = db_int(query, 0);
		view->admin_id = db_text(query, 1) ? db_int(query, 1) : 0;
		view->job_id = db_text(query, 2) ? db_int(query, 2) : 0;
		snprintf(view->source, sizeof(view->source), "%s", text_or_empty(query, 3));
		snprintf(view->file_name, sizeof(view->file_name), "%s", text_or_empty(query, 4));
		view->file_size = db_int(query, 5);
		snprintf(view->spool_path, sizeof(view->spool_path), "%s", text_or_empty(query, 6));
		snprintf(view->format, sizeof(view->format), "%s", text_or_empty(query, 7));
		snprintf(view->encoding, sizeof(view->encoding), "%s", text_or_empty(query, 8));
		snprintf(view->separator, sizeof(view->separator), "%s", text_or_empty(query, 9));
		view->has_header = (int)db_int(query, 10);
		view->row_count = db_int(query, 11);
		view->column_count = (int)db_int(query, 12);
		view->headers = strdup(text_or_empty(query, 13));
		view->mapping = strdup(text_or_empty(query, 14));
		snprintf(view->mode, sizeof(view->mode), "%s", text_or_empty(query, 15));
		view->subscribe = (int)db_int(query, 16);
		view->welcome = (int)db_int(query, 17);
		snprintf(view->state, sizeof(view->state), "%s", text_or_empty(query, 18));
		for (kind = 0; kind < 2; kind++)
			for (i = 0; i < 5; i++)
				view->counts[kind][i] = db_int(query, 19 + kind * 5 + i);
		view->undo_removed = db_int(query, 29);
		view->undo_kept = db_int(query, 30);
		set_when(req, node, "Created", db_text(query, 31));
		set_when(req, node, "Started", db_text(query, 32));
		set_when(req, node, "Finished", db_text(query, 33));
		set_when(req, node, "Undone", db_text(query, 34));
		if (db_text(query, 35) != NULL)
			hdf_set_value(node, "By", db_text(query, 35));
		snprintf(view->job_state, sizeof(view->job_state), "%s", text_or_empty(query, 36));
		view->job_progress = db_int(query, 37);
		view->elapsed = db_int(query, 38);
		view->silent = db_int(query, 39);
		view->preview_failed = strcmp(view->state, "failed") == 0 && db_int(query, 41) == 1;
		/* why its last job failed: a key of Lang.ImportJob.Failure */
		if (db_text(query, 40) != NULL && db_text(query, 40)[0] != '\0')
			hdf_set_value(node, "Error", db_text(query, 40));

		hdf_set_valuef(node, "Id=%lld", view->id);
		hdf_set_value(node, "Source", view->source);
		hdf_set_value(node, "FileName", view->file_name);
		hdf_set_value(node, "State", view->state);
		hdf_set_value(node, "Format", view->format);
		hdf_set_value(node, "Encoding", view->encoding);
		hdf_set_value(node, "EncodingKey", lang_key_of(view->encoding, key, sizeof(key)));
		hdf_set_value(node, "Mode", view->mode);
		hdf_set_int_value(node, "HasHeader", view->has_header);
		hdf_set_int_value(node, "Subscribe", view->subscribe);
		hdf_set_int_value(node, "Welcome", view->welcome);
		hdf_set_int_value(node, "Columns", view->column_count);
		set_count(req, node, "Rows", view->row_count);
		for (i = 0; SHEET_SEPARATORS[i] != '\0'; i++)
			if (view->separator[0] == SHEET_SEPARATORS[i])
				hdf_set_value(node, "Separator", import_separator_names[i]);
		for (kind = 0; kind < 2; kind++)
			for (i = 0; i < 5; i++) {
				char name[32];

				snprintf(name, sizeof(name), "%s.%s", kind ? "Count" : "Preview",
				    count_names[i]);
				set_count(req, node, name, view->counts[kind][i]);
			}
		set_count(req, node, "Undo.Removed", view->undo_removed);
		set_count(req, node, "Undo.Kept", view->undo_kept);
	}
	db_done(query);
	if (found == 1 && (view->headers == NULL || view->mapping == NULL))
		found = -1;
	if (found != 1) {
		import_view_free(view);
		page_error(req, found < 0 ? 500 : 404, NULL);
		return found < 0 ? -1 : 0;
	}
	return 1;
}

/* --- reading a file once through --------------------------------------------- */

/* Appends value url-escaped (commas too) to text, after a comma unless
 * first. Returns 0 or -1. */
static int
append_value(STRING *text, const char *value, int first)
{
	size_t room = 3 * strlen(value) + 1;
	char *escaped = malloc(room);
	NEOERR *err;

	if (escaped == NULL || text_url_escape(value, escaped, room) < 0) {
		free(escaped);
		return -1;
	}
	err = string_appendf(text, "%s%s", first ? "" : ",", escaped);
	free(escaped);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		return -1;
	}
	return 0;
}

/* Whether value looks like an address, for a file without a header. */
static int
looks_like_email(const char *value)
{
	const char *at = strchr(value, '@');

	return at != NULL && at != value && strchr(at, '.') != NULL && strchr(value, ' ') == NULL;
}

void
import_analysis_free(struct import_analysis *analysis)
{
	free(analysis->headers);
	free(analysis->mapping);
	analysis->headers = analysis->mapping = NULL;
}

enum sheet_status
import_analyse(const char *path, const struct sheet_options *options, int header,
    struct import_analysis *out)
{
	enum import_field map[SHEET_COLUMNS_MAX];
	char mapping[IMPORT_MAPPING_MAX];
	struct sheet *sheet = NULL;
	struct sheet_row row;
	STRING headers;
	enum sheet_status status;
	int next, i;

	memset(out, 0, sizeof(*out));
	memset(map, 0, sizeof(map));
	string_init(&headers);
	status = sheet_open(path, options, &sheet, &out->found);
	if (status != SHEET_OK)
		return status;
	while ((next = sheet_next(sheet, &row)) == 1) {
		if (row.number == 1) {
			out->has_header = header >= 0 ? header : import_is_header(&row);
			if (out->has_header) {
				const char *names[SHEET_COLUMNS_MAX];

				for (i = 0; i < row.count && i < SHEET_COLUMNS_MAX; i++) {
					names[i] = row.fields[i];
					if (headers.len < IMPORT_HEADERS_MAX &&
					    append_value(&headers, row.fields[i], i == 0) != 0)
						status = SHEET_IO_ERROR;
				}
				out->has_email = import_guess_columns(names, i, map);
			} else {
				for (i = 0; i < row.count && i < SHEET_COLUMNS_MAX; i++)
					if (looks_like_email(row.fields[i])) {
						map[i] = IMPORT_EMAIL;
						out->has_email = 1;
						break;
					}
			}
		}
		if (row.count > out->column_count)
			out->column_count = row.count > SHEET_COLUMNS_MAX ? SHEET_COLUMNS_MAX : row.count;
		if (row.number > 1 || !out->has_header)
			out->row_count++;
	}
	if (next < 0)
		status = sheet_status(sheet);
	sheet_close(sheet);
	if (status == SHEET_OK && out->column_count == 0)
		status = SHEET_EMPTY;
	if (status == SHEET_OK && import_mapping_write(map, out->column_count, mapping,
	    sizeof(mapping)) != 0)
		status = SHEET_IO_ERROR;
	if (status == SHEET_OK) {
		out->headers = strdup(headers.buf ? headers.buf : "");
		out->mapping = strdup(mapping);
		if (out->headers == NULL || out->mapping == NULL) {
			import_analysis_free(out);
			status = SHEET_IO_ERROR;
		}
	}
	string_clear(&headers);
	return status;
}

static void
import_home(struct request *req)
{
	page_redirect(req, "/admin/import");
}

/*
 * Who may import: every admin of the shop, staff too, as staff may add
 * customers one by one; an import is previewed before it writes, and its
 * undo removes only the customers it made. Stopping a job and undoing an
 * import are for an owner or the admin who started it (import-show.c).
 */
static const struct route routes[] = {
	{ "GET", "/admin/import", ACCESS_ADMIN, NULL, import_start, NULL, 0 },
	{ "GET", "/admin/import/", ACCESS_ADMIN, NULL, import_home, NULL, 0 },
	{ "POST", "/admin/import/upload", ACCESS_ADMIN, upload_fields, import_upload, NULL,
	    ROUTE_UPLOAD },
	{ "POST", "/admin/import/paste", ACCESS_ADMIN, paste_fields, import_paste, NULL,
	    ROUTE_UPLOAD },
	{ "GET", "/admin/import/sample.csv", ACCESS_ADMIN, NULL, import_sample, NULL, 0 },
	{ "GET", "/admin/import/#", ACCESS_ADMIN, show_fields, import_show, NULL, 0 },
	{ "POST", "/admin/import/#/read", ACCESS_ADMIN, read_fields, import_reread, NULL, 0 },
	{ "POST", "/admin/import/#/mapping", ACCESS_ADMIN, map_fields, import_map, NULL, 0 },
	{ "POST", "/admin/import/#/run", ACCESS_ADMIN, NULL, import_run, NULL, 0 },
	/* the mapping form's other button: its fields come along */
	{ "POST", "/admin/import/#/delete", ACCESS_ADMIN, map_fields, import_delete, NULL, 0 },
	{ "POST", "/admin/import/#/cancel", ACCESS_ADMIN, NULL, import_cancel, NULL, 0 },
	/* asked first on its own page: it deletes customers */
	{ "GET", "/admin/import/#/undo", ACCESS_ADMIN, NULL, import_undo_confirm, NULL, 0 },
	{ "POST", "/admin/import/#/undo", ACCESS_ADMIN, NULL, import_undo_queue, NULL, 0 },
	{ "GET", "/admin/import/#/errors.csv", ACCESS_ADMIN, NULL, import_errors, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "import",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = import_sql,
		.sql_count = IMPORT_SQL__MAX,
		.areas = site_areas,
		.nav = site_nav,
		.lang = site_lang,
	};

	import_fields_setup();
	return app_main(&app, argc, argv);
}
