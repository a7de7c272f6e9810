/*
 * The export page (export.fcgi, GET /admin/export?<the list's view>): what
 * the view is in words, how many customers the file will hold (counted
 * exactly), the columns in their order and the format, and for owners the
 * shop's recent exports.
 *
 * The columns are chosen and ordered without JavaScript: each chosen
 * column has links that move it up or down or take it out, each other
 * column a link that adds it at the end; every link is this page again
 * with another columns= (a GET that changes nothing). The download form
 * carries the list as it stands; the download remembers it for the admin.
 * It carries the count the page shows too: a big CSV export is read in two
 * halves, and the download cuts the view by that count without counting
 * again (export-file.c).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/page.h"
#include "export.h"
#include "view-words.h"

/* The admin's remembered choice: columns (when they still read) and
 * format. Returns 0 or -1. */
static int
remembered(struct request *req, struct export_choice *choice, enum sheet_out_format *format)
{
	struct db_query *query = &export_sql[SQL_EXPORT_CHOICE];
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };

	export_choice_default(choice);
	*format = SHEET_OUT_XLSX;
	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	if (db_fetch(query) == 1) {
		struct export_choice kept;

		if (db_text(query, 0) != NULL && export_choice_read(db_text(query, 0), &kept) == NULL)
			*choice = kept;
		if (db_text(query, 1) != NULL && sheet_out_find(db_text(query, 1)) != SHEET_OUT__MAX)
			*format = sheet_out_find(db_text(query, 1));
	}
	db_done(query);
	return 0;
}

/* The link to this page with the view, the format and columns. */
static void
page_link(char *out, size_t size, const char *view, enum sheet_out_format format,
    const struct export_choice *columns)
{
	char names[1024];

	export_choice_text(columns, names, sizeof(names));
	snprintf(out, size, "/admin/export?%s&format=%s&columns=%s", view, sheet_out_names[format],
	    names);
}

/* Page.Columns (chosen, in order, with their up, down and remove links)
 * and Page.Others (the rest, with their add links). */
static void
columns_to_page(struct request *req, const struct export_choice *choice, const char *view,
    enum sheet_out_format format)
{
	char name[64], link[4096];
	int chosen[EXPORT_COLUMNS] = { 0 }, i, n = 0;

	for (i = 0; i < choice->count; i++) {
		struct export_choice moved = *choice;
		int column = choice->column[i], j;

		chosen[column] = 1;
		snprintf(name, sizeof(name), "Page.Columns.%d.Name", i);
		hdf_set_value(req->hdf, name, export_columns[column].name);
		snprintf(name, sizeof(name), "Page.Columns.%d.Header", i);
		hdf_set_value(req->hdf, name, export_header(column, req->lang));
		if (i > 0) {
			moved.column[i] = moved.column[i - 1];
			moved.column[i - 1] = column;
			page_link(link, sizeof(link), view, format, &moved);
			snprintf(name, sizeof(name), "Page.Columns.%d.Up", i);
			hdf_set_value(req->hdf, name, link);
			moved = *choice;
		}
		if (i < choice->count - 1) {
			moved.column[i] = moved.column[i + 1];
			moved.column[i + 1] = column;
			page_link(link, sizeof(link), view, format, &moved);
			snprintf(name, sizeof(name), "Page.Columns.%d.Down", i);
			hdf_set_value(req->hdf, name, link);
			moved = *choice;
		}
		if (choice->count > 1) {
			for (j = i; j < moved.count - 1; j++)
				moved.column[j] = moved.column[j + 1];
			moved.count--;
			page_link(link, sizeof(link), view, format, &moved);
			snprintf(name, sizeof(name), "Page.Columns.%d.Remove", i);
			hdf_set_value(req->hdf, name, link);
		}
	}
	for (i = 0; i < EXPORT_COLUMNS; i++) {
		struct export_choice added = *choice;

		if (chosen[i])
			continue;
		added.column[added.count++] = i;
		snprintf(name, sizeof(name), "Page.Others.%d.Name", n);
		hdf_set_value(req->hdf, name, export_columns[i].name);
		snprintf(name, sizeof(name), "Page.Others.%d.Header", n);
		hdf_set_value(req->hdf, name, export_header(i, req->lang));
		page_link(link, sizeof(link), view, format, &added);
		snprintf(name, sizeof(name), "Page.Others.%d.Add", n);
		hdf_set_value(req->hdf, name, link);
		n++;
	}
}

/* The view's keys back under Page.Filter.* for the download form's hidden
 * inputs (sort and dir included). */
static void
filters_to_page(struct request *req, const struct customer_query *query)
{
	char value[sizeof(query->search)];

	customer_query_filters_hdf(query, req->hdf, "Page.Filter");
	hdf_set_value(req->hdf, "Page.Filter.sort", customer_query_value(query, CUSTOMER_KEY_SORT,
	    value, sizeof(value)));
	hdf_set_value(req->hdf, "Page.Filter.dir",
	    customer_query_keys[CUSTOMER_KEY_DIR].field.choices[query->descending]);
}

/* The shop's 50 newest exports under Page.Recent (owners). Returns 0 or -1. */
static int
recent_to_page(struct request *req)
{
	struct db_query *log = &export_sql[SQL_EXPORT_LOG_RECENT];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	static struct customer_query query;
	char name[64], text[1024];
	HDF *words;
	int n = 0, fetched;

	if (db_exec(&req->app->db, log, params, 1) < 0)
		return -1;
	hdf_set_value(req->hdf, "Page.ShowRecent", "1");
	while ((fetched = db_fetch(log)) == 1) {
		struct export_choice choice;
		HDF *row;
		const char *who = db_text(log, 2);

		snprintf(name, sizeof(name), "Page.Recent.%d", n);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		format_local_when(db_text(log, 0), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(row, "When", text);
		hdf_set_value(row, "By", who != NULL && *who != '\0' ? who : db_text(log, 3));
		if (db_text(log, 1) != NULL) {
			format_count(db_int(log, 7), req->lang, text, sizeof(text));
			hdf_set_value(row, "Rows", text);
			hdf_set_valuef(row, "RowCount=%lld", db_int(log, 7));
			hdf_set_value(row, "Finished", "1");
		}
		snprintf(name, sizeof(name), "Page.Recent.%d.View", n);
		if (customer_query_from_text(&query, req->shop.id, req->app->config,
		    db_text(log, 4) ? db_text(log, 4) : "") == NULL &&
		    hdf_get_node(req->hdf, name, &words) == STATUS_OK)
			view_words(req, &query, words, 1);
		else
			hdf_set_value(row, "Query", db_text(log, 4));
		if (export_choice_read(db_text(log, 5), &choice) == NULL) {
			size_t used = 0;
			int i;

			text[0] = '\0';
			for (i = 0; i < choice.count && used < sizeof(text); i++)
				used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s",
				    i ? ", " : "", export_header(choice.column[i], req->lang));
			hdf_set_value(row, "Columns", text);
		} else
			hdf_set_value(row, "Columns", db_text(log, 5));
		export_format_key(sheet_out_find(db_text(log, 6) ? db_text(log, 6) : ""), text,
		    sizeof(text));
		hdf_set_value(row, "Format", text);
		n++;
	}
	db_done(log);
	return fetched < 0 ? -1 : 0;
}

void
export_page(struct request *req)
{
	static struct customer_query query;
	struct export_choice choice;
	enum sheet_out_format format;
	const char *problem, *given;
	char view[2048], text[1024], key[32];
	long long count;
	HDF *words;
	int i;

	if (export_allowed(req) != 1)
		return;
	problem = customer_query_from_request(&query, req);
	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	if (remembered(req, &choice, &format) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	given = request_field(req, &export_fields[EXPORT_KEY_FORMAT]);
	if (given != NULL && *given != '\0') {
		format = sheet_out_find(given);
		if (format == SHEET_OUT__MAX) {
			page_error(req, 400, "Export.Error.Format");
			return;
		}
	}
	given = request_field(req, &export_fields[EXPORT_KEY_COLUMNS]);
	if (given != NULL && *given != '\0' && (problem = export_choice_read(given, &choice)) != NULL) {
		page_error(req, 400, problem);
		return;
	}
	count = customer_query_count_exact(&query, &req->app->db);
	if (count < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if ((req->session.admin_is_owner && recent_to_page(req) != 0)) {
		page_error(req, 500, NULL);
		return;
	}
	export_view_text(&query, view, sizeof(view));
	if (hdf_get_node(req->hdf, "Page.View", &words) == STATUS_OK)
		view_words(req, &query, words, 1);
	filters_to_page(req, &query);
	columns_to_page(req, &choice, view, format);
	export_choice_text(&choice, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.ColumnsText", text);
	hdf_set_value(req->hdf, "Page.Format", sheet_out_names[format]);
	for (i = 0; i < SHEET_OUT__MAX; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Page.Formats.%d.Name", i);
		hdf_set_value(req->hdf, name, sheet_out_names[i]);
		export_format_key((enum sheet_out_format)i, key, sizeof(key));
		snprintf(name, sizeof(name), "Page.Formats.%d.Key", i);
		hdf_set_value(req->hdf, name, key);
	}
	/* an .xlsx holds Excel's rows at most, the header among them */
	if (count >= SHEET_OUT_XLSX_ROWS_MAX) {
		hdf_set_value(req->hdf, "Page.TooManyForXlsx", "1");
		if (format == SHEET_OUT_XLSX)
			hdf_set_value(req->hdf, "Page.Format", sheet_out_names[SHEET_OUT_CSV_EXCEL]);
	}
	hdf_set_valuef(req->hdf, "Page.Count=%lld", count);
	format_count(count, req->lang, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.CountText", text);
	/* the way back to the list as it was */
	hdf_set_valuef(req->hdf, "Page.Back=/admin/customers?%s", view);
	page_render(req, 200, "export/page.cs");
}
