/*
 * errors.csv (import.fcgi, /admin/import/#/errors.csv): the rows an import
 * could not take, ready to be fixed in Excel and imported again.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/page.h"
#include "lib/sheet_out.h"
#include "import.h"

/* The writer's bytes go to the client; -1 when it went away. */
static int
errors_sink(void *ctx, const char *buf, size_t len)
{
	return page_write(ctx, buf, len);
}

static int
errors_cell(struct sheet_out *out, const char *value)
{
	return sheet_out_text(out, value, strlen(value));
}

/* The rows the import (or its preview, before the run) could not take, as
 * a CSV for Excel in the admin's language (sheet_out.h: UTF-8 with a BOM,
 * CRLF, ';' in French; a formula-like cell neutralised): the line in the
 * file, the reason, then the row's cells as they were, under the file's
 * headers; streamed, however many. */
void
import_errors(struct request *req)
{
	/* every column text (SHEET_OUT_TEXT is 0): the line, the reason and
	 * the file's cells, which a row may have more of than headers */
	static const enum sheet_out_type types[2 + SHEET_COLUMNS_MAX];
	struct import_view view;
	struct db_query *query = &import_sql[SQL_IMPORT_ERRORS_ALL];
	struct sheet_out *out;
	char *cells[SHEET_COLUMNS_MAX], *headers[SHEET_COLUMNS_MAX];
	char disposition[128], key[96];
	int count, header_count = 0, i, dry_run, status;

	if (import_load(req, &view) != 1)
		return;
	dry_run = import_errors_of_preview(&view);
	{
		struct db_param params[3] = { DB_INT(req->path_id), DB_INT(req->shop.id),
			DB_INT(dry_run) };

		if (db_stream_open(&req->app->db, query, params, 3) != 0) {
			import_view_free(&view);
			page_error(req, 500, NULL);
			return;
		}
	}
	out = sheet_out_open(SHEET_OUT_CSV_EXCEL, lang_codes[req->lang], types,
	    2 + SHEET_COLUMNS_MAX, NULL, errors_sink, req);
	if (out == NULL) {
		db_stream_close(&req->app->db, query);
		import_view_free(&view);
		page_error(req, 500, NULL);
		return;
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld.csv\"",
	    request_text(req, "Import.Errors.FileName"), req->path_id);
	page_header(req, "Content-Disposition", disposition);
	page_header(req, "Cache-Control", "no-store");
	if (page_begin(req, sheet_out_content_types[SHEET_OUT_CSV_EXCEL]) != 0) {
		sheet_out_abandon(out);
		db_stream_close(&req->app->db, query);
		import_view_free(&view);
		return;
	}
	status = errors_cell(out, request_text(req, "Import.Errors.Line"));
	if (status == 0)
		status = errors_cell(out, request_text(req, "Import.Errors.Reason"));
	header_count = split_values(view.headers, headers, SHEET_COLUMNS_MAX);
	for (i = 0; i < header_count && status == 0; i++)
		status = errors_cell(out, headers[i]);
	import_view_free(&view);
	if (status == 0)
		status = sheet_out_row_end(out);
	while (status == 0 && db_fetch(query) == 1) {
		char reason[512];

		status = errors_cell(out, db_text(query, 0));
		/* "Date invalide, colonne « Inscrit le »", as the page says */
		snprintf(key, sizeof(key), "Import.Reason.%s", db_text(query, 1));
		if (db_text(query, 3) != NULL) {
			char column[256];

			import_column_name(req, headers, header_count, (int)db_int(query, 3), column,
			    sizeof(column));
			snprintf(reason, sizeof(reason), "%s, %s %s%s%s", request_text(req, key),
			    request_text(req, "Import.Errors.Column"), request_text(req, "Typo.Open"),
			    column, request_text(req, "Typo.Close"));
		} else
			snprintf(reason, sizeof(reason), "%s", request_text(req, key));
		if (status == 0)
			status = errors_cell(out, reason);
		count = split_csv_line(db_text(query, 2), cells, SHEET_COLUMNS_MAX);
		for (i = 0; i < count && status == 0; i++)
			status = errors_cell(out, cells[i]);
		free_values(cells, count);
		if (status == 0)
			status = sheet_out_row_end(out);
	}
	db_stream_close(&req->app->db, query);
	free_values(headers, header_count);
	if (status == 0)
		sheet_out_close(out);
	else
		sheet_out_abandon(out);
}
