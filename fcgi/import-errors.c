/*
 * errors.csv (import.fcgi, /admin/import/#/errors.csv): the rows an import
 * could not take, ready to be fixed in Excel and imported again.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/page.h"
#include "import.h"

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
	dry_run = import_errors_of_preview(&view);
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
