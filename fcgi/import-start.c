/*
 * The start of an import (import.fcgi, /admin/import): a file sent
 * (spooled by the core's upload door as it arrives, then kept) or a list
 * of addresses pasted (written to a kept file as a CSV by the reader, so
 * both take one path), read once through to say what it is, stored as an
 * import in state "new" with a guessed mapping, and the admin sent to its
 * mapping screen. Also the sample file, and the shop's import history.
 *
 * What cannot be imported at all (no file, an empty one, a header alone,
 * a picture or a zip bomb named .csv) is said on the start page again, in
 * the admin's language, and leaves nothing behind: no import row, no file.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/format.h"
#include "lib/log.h"
#include "lib/page.h"
#include "lib/sheet_out.h"
#include "lib/upload.h"
#include "import.h"

const struct field upload_fields[UPLOAD__MAX + 1] = {
	/* not required: no file chosen gets the start page's own message */
	[UPLOAD_FILE] = { "file", FIELD_UPLOAD, 0, 0, 0, 0, NULL },
};

const struct field paste_fields[PASTE__MAX + 1] = {
	/* texts of a multipart form share Limits.MaxBody (64 KB): some
	 * two thousand addresses */
	[PASTE_TEXT] = { "text", FIELD_MULTILINE, 0, 60000, 0, 0, NULL },
};

/* The shop's imports, newest first, under Page.History. 0 or -1. */
static int
history_to_hdf(struct request *req)
{
	struct db_query *query = &import_sql[SQL_IMPORT_HISTORY];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	char text[64];
	HDF *row;
	int n = 0, fetched;

	if (db_exec(&req->app->db, query, params, 1) < 0)
		return -1;
	while ((fetched = db_fetch(query)) == 1) {
		char name[32];

		snprintf(name, sizeof(name), "Page.History.%d", n++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "Id", db_text(query, 0));
		format_local_when(db_text(query, 1), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(row, "When", text);
		hdf_set_value(row, "By", db_text(query, 2) ? db_text(query, 2) : "");
		hdf_set_value(row, "Source", db_text(query, 3));
		hdf_set_value(row, "FileName", db_text(query, 4));
		hdf_set_value(row, "State", db_text(query, 5));
		format_count(db_int(query, 6), req->lang, text, sizeof(text));
		hdf_set_value(row, "Rows", text);
		format_count(db_int(query, 7), req->lang, text, sizeof(text));
		hdf_set_value(row, "New", text);
		format_count(db_int(query, 8), req->lang, text, sizeof(text));
		hdf_set_value(row, "Updated", text);
		format_count(db_int(query, 9), req->lang, text, sizeof(text));
		hdf_set_value(row, "Invalid", text);
		format_count(db_int(query, 10), req->lang, text, sizeof(text));
		hdf_set_value(row, "Removed", text);
	}
	db_done(query);
	return fetched < 0 ? -1 : 0;
}

/* The start page with status; message, when not NULL, a Lang key that
 * says why what was sent could not be taken. */
static void
start_render(struct request *req, int status, const char *message)
{
	long long limit = hdf_get_int_value(req->app->config, "Limits.MaxUpload",
	    UPLOAD_LIMIT_DEFAULT);

	if (history_to_hdf(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_valuef(req->hdf, "Page.MaxUpload=%lld", (limit + 1024 * 1024 - 1) / (1024 * 1024));
	if (message != NULL)
		hdf_set_value(req->hdf, "Page.Message", request_text(req, message));
	page_render(req, status, "import/start.cs");
}

void
import_start(struct request *req)
{
	start_render(req, 200, NULL);
}

/* The Lang key that says why a whole file cannot be read. */
static const char *
status_message(enum sheet_status status)
{
	static const char *const keys[SHEET_STATUS__MAX] = {
		[SHEET_OK] = "Import.Bad.Unreadable",
		[SHEET_EMPTY] = "Import.Bad.Empty",
		[SHEET_NOT_A_SHEET] = "Import.Bad.NotASheet",
		[SHEET_XLSX_BROKEN] = "Import.Bad.XlsxBroken",
		[SHEET_TOO_LARGE] = "Import.Bad.TooLarge",
		[SHEET_IO_ERROR] = "Import.Bad.Unreadable",
	};

	return status < SHEET_STATUS__MAX ? keys[status] : keys[SHEET_IO_ERROR];
}

/* Reads the kept file at path, stores it as a new import of the shop and
 * sends the admin to its mapping screen; a file that cannot be imported is
 * deleted and said on the start page. */
static void
start_import(struct request *req, const char *source, const char *file_name, long long size,
    const char *path)
{
	struct db_query *query;
	struct import_analysis found;
	enum sheet_status status;
	char separator[2] = { 0, 0 }, where[64];
	const char *mapping;
	char *last_mapping = NULL;
	long long import_id;

	status = import_analyse(path, NULL, -1, &found);
	if (status == SHEET_OK && found.row_count == 0) {
		import_analysis_free(&found);
		unlink(path);
		start_render(req, 422, "Import.Bad.HeaderOnly");
		return;
	}
	if (status != SHEET_OK) {
		unlink(path);
		start_render(req, status == SHEET_IO_ERROR ? 500 : 422, status_message(status));
		return;
	}
	mapping = found.mapping;
	if (found.has_header) {
		struct db_param params[3] = { DB_INT(req->shop.id), DB_TEXT(found.headers),
			DB_INT(found.column_count) };

		query = &import_sql[SQL_IMPORT_LAST_MAPPING];
		if (db_exec(&req->app->db, query, params, 3) < 0)
			goto failed;
		if (db_fetch(query) == 1) {
			last_mapping = strdup(db_text(query, 0));
		}
		db_done(query);
		if (last_mapping != NULL)
			mapping = last_mapping;
	}
	separator[0] = found.found.separator;
	{
		struct db_param params[14] = {
			DB_INT(req->shop.id), DB_INT(req->session.admin_id), DB_TEXT(source),
			DB_TEXT(file_name), DB_INT(size), DB_TEXT(path),
			DB_TEXT(sheet_format_names[found.found.format]),
			DB_TEXT(sheet_encoding_names[found.found.encoding]),
			DB_TEXT(found.found.format == SHEET_CSV ? separator : ""),
			DB_INT(found.has_header), DB_INT(found.row_count), DB_INT(found.column_count),
			DB_TEXT(found.headers), DB_TEXT(mapping),
		};

		query = &import_sql[SQL_IMPORT_ADD];
		if (db_exec(&req->app->db, query, params, 14) < 0)
			goto failed;
		import_id = (long long)db_insert_id(query);
	}
	free(last_mapping);
	import_analysis_free(&found);
	snprintf(where, sizeof(where), "/admin/import/%lld", import_id);
	page_redirect(req, where);
	return;
failed:
	free(last_mapping);
	import_analysis_free(&found);
	unlink(path);
	page_error(req, 500, NULL);
}

void
import_upload(struct request *req)
{
	const struct upload *file = request_upload(req, &upload_fields[UPLOAD_FILE]);
	char path[1100];

	if (file == NULL || file->path[0] == '\0') {
		start_render(req, 400, "Import.Bad.NoFile");
		return;
	}
	if (request_upload_keep(req, &upload_fields[UPLOAD_FILE], path, sizeof(path)) != 0) {
		page_error(req, 503, "Error.Upload.Spool");
		return;
	}
	start_import(req, "file", file->filename, file->size, path);
}

void
import_paste(struct request *req)
{
	const char *text = request_field(req, &paste_fields[PASTE_TEXT]);
	char path[1100];
	long long rows, size;
	FILE *out;
	int fd;

	if (text == NULL || *text == '\0') {
		start_render(req, 400, "Import.Bad.NoText");
		return;
	}
	fd = upload_kept_create(req, path, sizeof(path));
	if (fd < 0) {
		page_error(req, 503, "Error.Upload.Spool");
		return;
	}
	out = fdopen(fd, "w");
	if (out == NULL) {
		close(fd);
		unlink(path);
		page_error(req, 503, "Error.Upload.Spool");
		return;
	}
	rows = sheet_paste_write(text, request_text(req, "Import.Start.PasteName"),
	    request_text(req, "Import.Start.PasteEmail"), out);
	size = ftell(out);
	if (fclose(out) != 0 || rows < 0) {
		log_err("cannot write pasted list %s", path);
		unlink(path);
		page_error(req, 503, "Error.Upload.Spool");
		return;
	}
	start_import(req, "paste", "", size, path);
}

/* --- the sample file --------------------------------------------------------- */

/* The sample's bytes go to the client. */
static int
sample_sink(void *ctx, const char *buf, size_t len)
{
	return page_write(ctx, buf, len);
}

/* The sample, in the admin's language, as a CSV for Excel (sheet_out.h:
 * UTF-8 with a BOM, without which Excel reads Windows-1252; CRLF; ';' in
 * French, whose decimal mark is ','). Its headers are the ones the mapping
 * recognises; the language file keeps each line's cells joined by ';'. */
void
import_sample(struct request *req)
{
	static const char *const lines[] = { "Import.Sample.Header", "Import.Sample.Row1",
		"Import.Sample.Row2" };
	/* every column text (SHEET_OUT_TEXT is 0) */
	static const enum sheet_out_type types[SHEET_COLUMNS_MAX];
	struct sheet_out *out;
	char disposition[128];
	size_t i;
	int status = 0;

	out = sheet_out_open(SHEET_OUT_CSV_EXCEL, lang_codes[req->lang], types,
	    SHEET_COLUMNS_MAX, NULL, sample_sink, req);
	if (out == NULL) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
	    request_text(req, "Import.Sample.FileName"));
	page_header(req, "Content-Disposition", disposition);
	page_header(req, "Cache-Control", "no-store");
	if (page_begin(req, sheet_out_content_types[SHEET_OUT_CSV_EXCEL]) != 0) {
		sheet_out_abandon(out);
		return;
	}
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]) && status == 0; i++) {
		const char *cell = request_text(req, lines[i]), *end;

		do {
			end = strchr(cell, ';');
			if (end == NULL)
				end = cell + strlen(cell);
			status = sheet_out_text(out, cell, (size_t)(end - cell));
			cell = end + 1;
		} while (status == 0 && *end != '\0');
		if (status == 0)
			status = sheet_out_row_end(out);
	}
	if (status == 0)
		sheet_out_close(out);
	else
		sheet_out_abandon(out);
}
