/*
 * export.fcgi: the shop's customers out as a spreadsheet (issue 14), under
 * /admin/export. This file holds the program's route table, its SQL, the
 * columns an export may write and what its two pages share; the pages are
 * export-page.c and export-file.c (see export.h).
 *
 * An export is the customer list's own query (the same keys, read by the
 * same code), so the file holds what the list showed, in its order. Every
 * export of personal data is written to export_log when its file starts
 * and completed when it ends; owners read the log on the export page.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/session.h"
#include "export.h"
#include "import-map.h"
#include "site.h"

struct db_query export_sql[EXPORT_SQL__MAX] = {
	[SQL_EXPORT_CHOICE] = { .sql =
	    "SELECT export_columns, export_format FROM admin WHERE id = ? AND shop_id = ?" },
	[SQL_EXPORT_REMEMBER] = { .sql =
	    "UPDATE admin SET export_columns = ?, export_format = ? WHERE id = ? AND shop_id = ?" },
	/* one export at a time per admin: a lock of the connection, which the
	 * server releases by itself when the connection goes (a client gone
	 * away, a program killed); timeout 0, the second export is refused.
	 * Lock names are the server's: the database's name keeps two
	 * installations on one server (admin ids of their own) apart */
	[SQL_EXPORT_LOCK] = { .sql =
	    "SELECT GET_LOCK(CONCAT(DATABASE(), '.fidele.export.', ?), 0)" },
	[SQL_EXPORT_UNLOCK] = { .sql =
	    "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.fidele.export.', ?))" },
	[SQL_EXPORT_LOG_START] = { .sql =
	    "INSERT INTO export_log (shop_id, admin_id, query, columns, format)"
	    " VALUES (?, ?, ?, ?, ?)" },
	[SQL_EXPORT_LOG_FINISH] = { .sql =
	    "UPDATE export_log SET finished_at = NOW(3), row_count = ?"
	    " WHERE id = ? AND shop_id = ?" },
	/* the owners' view of the log, newest first */
	[SQL_EXPORT_LOG_RECENT] = { .sql =
	    "SELECT l.started_at, l.finished_at, a.name, a.email, l.query, l.columns, l.format,"
	    "       l.row_count"
	    "  FROM export_log l LEFT JOIN admin a ON a.id = l.admin_id AND a.shop_id = l.shop_id"
	    " WHERE l.shop_id = ? ORDER BY l.id DESC LIMIT 50" },
};

/* --- the columns ---------------------------------------------------------- */

/*
 * In import_export_columns' order and with its names, whose headers the
 * file gets and the importer reads back. Notes are never exported. The
 * internal columns (the source, the service e-mail flag), and the
 * customer's groups and tags (their names, in name order, ", " between
 * them; two lookups a row), are left out until an admin picks them.
 */
const struct export_column export_columns[EXPORT_COLUMNS] = {
	{ "first_name", "c.first_name", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "last_name", "c.last_name", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "email", "c.email", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "phone", "c.phone", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "company", "c.company", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "address", "c.address", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "postal_code", "c.postal_code", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "city", "c.city", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "country", "c.country", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "language", "c.language", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "status", "c.status", EXPORT_STATUS, SHEET_OUT_TEXT, 1 },
	{ "source", "c.source", EXPORT_SOURCE, SHEET_OUT_TEXT, 0 },
	{ "signup_date", "c.created_at", EXPORT_DAY, SHEET_OUT_DATE, 1 },
	{ "order_count", "c.order_count", EXPORT_NUMBER, SHEET_OUT_INTEGER, 1 },
	{ "total_spent", "c.total_spent_cents", EXPORT_MONEY, SHEET_OUT_MONEY, 1 },
	{ "average_order",
	    "IF(c.order_count > 0, ROUND(c.total_spent_cents / c.order_count), NULL)",
	    EXPORT_MONEY, SHEET_OUT_MONEY, 1 },
	{ "last_order_date", "c.last_order_at", EXPORT_DAY, SHEET_OUT_DATE, 1 },
	{ "marketing", "c.marketing_consent", EXPORT_YES_NO, SHEET_OUT_TEXT, 1 },
	{ "system_mail", "c.system_mail", EXPORT_YES_NO, SHEET_OUT_TEXT, 0 },
	{ "tax_exempt", "c.tax_exempt", EXPORT_YES_NO, SHEET_OUT_TEXT, 1 },
	{ "vat_number", "c.vat_number", EXPORT_TEXT, SHEET_OUT_TEXT, 1 },
	{ "groups",
	    "(SELECT GROUP_CONCAT(g.name ORDER BY g.name SEPARATOR ', ')"
	    "   FROM customer_group_member m JOIN customer_group g"
	    "     ON g.id = m.group_id AND g.shop_id = m.shop_id"
	    "  WHERE m.shop_id = c.shop_id AND m.customer_id = c.id)",
	    EXPORT_TEXT, SHEET_OUT_TEXT, 0 },
	{ "tags",
	    "(SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR ', ')"
	    "   FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id AND t.shop_id = ct.shop_id"
	    "  WHERE ct.shop_id = c.shop_id AND ct.customer_id = c.id)",
	    EXPORT_TEXT, SHEET_OUT_TEXT, 0 },
};

const char *
export_header(int column, enum lang lang)
{
	int i;

	for (i = 0; i < IMPORT_EXPORT_COLUMNS; i++)
		if (strcmp(import_export_columns[i].name, export_columns[column].name) == 0)
			return lang == LANG_EN ? import_export_columns[i].header_en :
			    import_export_columns[i].header_fr;
	return export_columns[column].name;
}

void
export_format_key(enum sheet_out_format format, char *out, size_t size)
{
	size_t i;

	snprintf(out, size, "%s", format < SHEET_OUT__MAX ? sheet_out_names[format] : "");
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '-')
			out[i] = '_';
}

int
export_column_find(const char *name, size_t len)
{
	int i;

	for (i = 0; i < EXPORT_COLUMNS; i++)
		if (strlen(export_columns[i].name) == len &&
		    memcmp(export_columns[i].name, name, len) == 0)
			return i;
	return -1;
}

const char *
export_choice_read(const char *text, struct export_choice *choice)
{
	const char *p = text ? text : "";
	int seen[EXPORT_COLUMNS] = { 0 };

	choice->count = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int column = export_column_find(p, len);

		if (column < 0)
			return "Export.Error.UnknownColumn";
		if (seen[column]++)
			return "Export.Error.ColumnTwice";
		choice->column[choice->count++] = column;
		p += len;
		if (*p == ',' && *++p == '\0')
			return "Export.Error.UnknownColumn";
	}
	return choice->count == 0 ? "Export.Error.NoColumns" : NULL;
}

void
export_choice_text(const struct export_choice *choice, char *out, size_t size)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < choice->count && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : "",
		    export_columns[choice->column[i]].name);
}

void
export_choice_default(struct export_choice *choice)
{
	int i;

	choice->count = 0;
	for (i = 0; i < EXPORT_COLUMNS; i++)
		if (export_columns[i].by_default)
			choice->column[choice->count++] = i;
}

int
export_allowed(struct request *req)
{
	int allowed = session_may_export(req);

	if (allowed < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	if (!allowed)
		page_error(req, 403, "Export.Error.NotAllowed");
	return allowed;
}

/* --- the view ------------------------------------------------------------- */

void
export_view_text(const struct customer_query *query, char *out, size_t size)
{
	char value[16];
	size_t used;

	customer_query_filters_text(query, out, size);
	used = strlen(out);
	snprintf(out + used, size - used, "sort=%s&dir=%s",
	    customer_query_value(query, CUSTOMER_KEY_SORT, value, sizeof(value)),
	    customer_query_keys[CUSTOMER_KEY_DIR].field.choices[query->descending]);
}

/* --- the routes ----------------------------------------------------------- */

/* columns: names, comma-separated (23 names fit with room to spare);
 * format: checked by the handlers, with a message of their own */
const struct field export_own_fields[EXPORT_KEY__MAX + 1] = {
	[EXPORT_KEY_COLUMNS] = { "columns", FIELD_TEXT, 0, 1000, 0, 0, NULL },
	[EXPORT_KEY_FORMAT] = { "format", FIELD_TEXT, 0, 16, 0, 0, NULL },
	[EXPORT_KEY_COUNT] = { "count", FIELD_TEXT, 0, 32, 0, 0, NULL },
};

struct field export_fields[CUSTOMER_KEY__MAX + EXPORT_KEY__MAX + 1];

static void
export_home(struct request *req)
{
	page_redirect(req, "/admin/export");
}

/*
 * Who may export: owners, and staff when an owner allowed it in the
 * settings (export_allowed, asked by each page first).
 */
static const struct route routes[] = {
	{ "GET", "/admin/export", ACCESS_ADMIN, export_fields, export_page, NULL, 0 },
	{ "GET", "/admin/export/", ACCESS_ADMIN, NULL, export_home, NULL, 0 },
	{ "POST", "/admin/export/download", ACCESS_ADMIN, export_fields, export_download, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "export",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = export_sql,
		.sql_count = EXPORT_SQL__MAX,
		.areas = site_areas,
		.nav = site_nav,
		.lang = site_lang,
	};

	if (customer_query_fields(export_fields, sizeof(export_fields) / sizeof(export_fields[0]),
	    export_own_fields, CUSTOMER_USE_ORDER) == 0)
		return 1;
	return app_main(&app, argc, argv);
}
