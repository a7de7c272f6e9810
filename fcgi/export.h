/*
 * export.fcgi's pages share this: the program's SQL (export.c), the
 * columns an export may hold, the fields of its two routes, and what both
 * pages ask before anything else (may this admin export at all).
 *
 *   export.c        route table, SQL, the columns, the right to export
 *   export-page.c   /admin/export: what the view is, how many customers,
 *                   the columns and format, and (owners) the recent exports
 *   export-file.c   /admin/export/download: the file, streamed
 *
 * The customers are the list's own query (fcgi/lib/customer_query.h), the
 * file is written by fcgi/lib/sheet_out.h, and the columns' names and
 * headers are the importer's table (import-map.h: import_export_columns),
 * so that what is exported imports again.
 */
#ifndef FIDELE_EXPORT_H
#define FIDELE_EXPORT_H

#include "lib/customer_query.h"
#include "lib/request.h"
#include "lib/sheet_out.h"

enum export_sql {
	SQL_EXPORT_CHOICE,	/* the admin's remembered columns and format */
	SQL_EXPORT_REMEMBER,
	SQL_EXPORT_LOCK,
	SQL_EXPORT_UNLOCK,
	SQL_EXPORT_LOG_START,
	SQL_EXPORT_LOG_FINISH,
	SQL_EXPORT_LOG_RECENT,
	EXPORT_SQL__MAX
};

extern struct db_query export_sql[EXPORT_SQL__MAX];

/* What a column's values are, beyond the sheet's cell type. */
enum export_value {
	EXPORT_TEXT,		/* as stored */
	EXPORT_NUMBER,		/* a whole number */
	EXPORT_MONEY,		/* cents; SQL NULL is an empty cell */
	EXPORT_DAY,		/* a UTC datetime, written as its day in the shop's zone */
	EXPORT_STATUS,		/* Lang.Status.<value> */
	EXPORT_SOURCE,		/* Lang.Source.<value> */
	EXPORT_YES_NO		/* 0/1 as Lang.Export.Yes / No */
};

/* A column the export may write: its name (import_export_columns'),
 * its SQL over customer c, and how its values are written. */
struct export_column {
	const char *name;
	const char *sql;
	enum export_value value;
	enum sheet_out_type type;
	int by_default;		/* chosen when the admin never chose */
};

#define EXPORT_COLUMNS 23
extern const struct export_column export_columns[EXPORT_COLUMNS];

/* The header of column (an index of export_columns) in lang: the
 * importer's (import_export_columns), which it reads back. */
const char *export_header(int column, enum lang lang);

/* The format's name as a Lang key ("csv-excel" is csv_excel) into out. */
void export_format_key(enum sheet_out_format format, char *out, size_t size);

/* The column named name (its length len), or -1. */
int export_column_find(const char *name, size_t len);

/* A choice of columns: indexes into export_columns, in the admin's order. */
struct export_choice {
	int column[EXPORT_COLUMNS];
	int count;
};

/* Reads a comma-separated list of column names into choice. Returns NULL,
 * or the Lang key of what is wrong (an unknown name, one named twice, none
 * at all). */
const char *export_choice_read(const char *text, struct export_choice *choice);

/* Writes choice as names, comma-separated, into out. */
void export_choice_text(const struct export_choice *choice, char *out, size_t size);

/* The columns chosen when an admin never chose. */
void export_choice_default(struct export_choice *choice);

/* 1 when the signed-in admin may export (an owner, or staff when an owner
 * allowed it), 0 when not (answered 403), -1 (answered 500). */
int export_allowed(struct request *req);

/* The fields of both routes: the list's filters and order, then these. */
enum export_key {
	EXPORT_KEY_COLUMNS,
	EXPORT_KEY_FORMAT,
	EXPORT_KEY_COUNT,	/* the page's count of the view, posted back: a hint
				 * for where a big export is cut in two (export-file.c);
				 * anything but digits is ignored */
	EXPORT_KEY__MAX
};
extern const struct field export_own_fields[EXPORT_KEY__MAX + 1];
extern struct field export_fields[CUSTOMER_KEY__MAX + EXPORT_KEY__MAX + 1];

/* The view (filters and order) as a query string without paging:
 * "q=martin&status=active&sort=name&dir=asc". */
void export_view_text(const struct customer_query *query, char *out, size_t size);


/* export-page.c */
void export_page(struct request *req);

/* export-file.c */
void export_download(struct request *req);

#endif
