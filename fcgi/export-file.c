/*
 * The download (export.fcgi, POST /admin/export/download): the customers
 * of the list's view, in its order, as a spreadsheet, streamed.
 *
 * Rows come from the database in one unbuffered pass (db_stream_open) and
 * go through the writer (sheet_out.h) to the client as they are read: the
 * CSV profiles in pieces of 64 KB, the .xlsx once built in the shop's
 * spool folder. Memory stays the same whatever the row count.
 *
 * Before the first byte: the right to export, the view, the columns and
 * the format are checked, the admin's lock is taken (one export at a time
 * per admin), the admin's choice is remembered and the export_log row
 * written. When the client goes away (page_write fails), the export stops
 * at once: the stream is abandoned with its connection, which releases the
 * lock, and the log row stays unfinished.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/format.h"
#include "lib/log.h"
#include "lib/page.h"
#include "export.h"

#ifndef FIDELE_SPOOLDIR
#define FIDELE_SPOOLDIR "/var/spool/fidele"
#endif

/* What the writer's bytes go through: the head is sent with the first
 * of them, so that an error before any byte is still an error page. */
struct download {
	struct request *req;
	enum sheet_out_format format;
	int begun;
};

static void disposition(struct request *req, enum sheet_out_format format);

static int
download_sink(void *ctx, const char *buf, size_t len)
{
	struct download *download = ctx;

	if (!download->begun) {
		disposition(download->req, download->format);
		page_header(download->req, "Cache-Control", "no-store");
		if (page_begin(download->req, sheet_out_content_types[download->format]) != 0)
			return -1;
		download->begun = 1;
	}
	return page_write(download->req, buf, len);
}

/* Appends to out the bytes of text percent-encoded as RFC 5987's
 * attr-char allows (letters, digits and !#$&+-.^_`|~ stay). */
static void
percent_encode(const char *text, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t used = strlen(out);

	for (p = (const unsigned char *)text; *p != '\0' && used + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p) != NULL)
			out[used++] = (char)*p;
		else {
			out[used++] = '%';
			out[used++] = hex[*p >> 4];
			out[used++] = hex[*p & 15];
		}
	}
	out[used] = '\0';
}

/* Content-Disposition: attachment; filename="<slug>-clients-<day>.<ext>";
 * filename*=UTF-8''<the shop's name>-clients-<day>.<ext>, the day today's
 * in the shop's zone. The ASCII name keeps only what is safe in a quoted
 * string and a file name; the UTF-8 one loses only path separators and
 * control characters. */
static void
disposition(struct request *req, enum sheet_out_format format)
{
	char today[24], utc[32], ascii[128], name[512], header[2048];
	int year, month, day;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(utc, sizeof(utc), "%Y-%m-%d %H:%M:%S", &tm);
	if (format_local_day(utc, req->shop.time_zone, &year, &month, &day) != 0) {
		year = tm.tm_year + 1900;
		month = tm.tm_mon + 1;
		day = tm.tm_mday;
	}
	snprintf(today, sizeof(today), "%04d-%02d-%02d", year, month, day);
	snprintf(ascii, sizeof(ascii), "%s-clients-%s.%s", req->shop.slug, today,
	    sheet_out_extensions[format]);
	for (i = 0; ascii[i] != '\0'; i++)
		if ((unsigned char)ascii[i] < 0x20 || (unsigned char)ascii[i] >= 0x7f ||
		    strchr("\"\\/;%", ascii[i]) != NULL)
			ascii[i] = '_';
	snprintf(name, sizeof(name), "%s-clients-%s.%s", req->shop.name, today,
	    sheet_out_extensions[format]);
	for (i = 0; name[i] != '\0'; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == '/' ||
		    name[i] == '\\')
			name[i] = '_';
	snprintf(header, sizeof(header), "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
	percent_encode(name, header, sizeof(header));
	page_header(req, "Content-Disposition", header);
}

/* The shop's spool folder (Spool.Dir/<shop_id>/), made if missing, where
 * an .xlsx is built. Returns 0 or -1 (logged). */
static int
spool_folder(struct request *req, char *out, size_t size)
{
	const char *spool = hdf_get_value(req->app->config, "Spool.Dir", FIDELE_SPOOLDIR);

	snprintf(out, size, "%s/%lld", spool, req->shop.id);
	if ((mkdir(spool, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(out, 0700) != 0 && errno != EEXIST)) {
		log_err("export: cannot make the spool folder %s: %s", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* The SQL select list of choice. Returns 0, or -1 when it does not fit. */
static int
select_list(const struct export_choice *choice, char *out, size_t size)
{
	size_t used = 0;
	int i, written;

	out[0] = '\0';
	for (i = 0; i < choice->count; i++) {
		written = snprintf(out + used, size - used, "%s%s", i ? ", " : "",
		    export_columns[choice->column[i]].sql);
		if (written < 0 || used + (size_t)written >= size)
			return -1;
		used += (size_t)written;
	}
	return 0;
}

/* The words of the columns written in words (status, source, yes/no),
 * looked up once per export rather than once per cell. */
static const char *const status_names[] = { "invited", "active", "inactive", "blocked" };
static const char *const source_names[] = { "self", "admin", "import", "order" };
#define WORDS 4

struct words {
	const char *status[WORDS], *source[WORDS], *yes, *no;
};

static void
words_read(struct request *req, struct words *words)
{
	char key[64];
	int i;

	for (i = 0; i < WORDS; i++) {
		snprintf(key, sizeof(key), "Status.%s", status_names[i]);
		words->status[i] = request_text(req, key);
		snprintf(key, sizeof(key), "Source.%s", source_names[i]);
		words->source[i] = request_text(req, key);
	}
	words->yes = request_text(req, "Export.Yes");
	words->no = request_text(req, "Export.No");
}

/* The word of value among names (its own text when none). */
static const char *
word_of(const char *value, const char *const *names, const char *const *said)
{
	int i;

	for (i = 0; i < WORDS; i++)
		if (strcmp(value, names[i]) == 0)
			return said[i];
	return value;
}

/* Writes the cell of column (export_columns' index) from the row's value
 * col. Returns 0 or -1. */
static int
write_cell(struct request *req, const struct words *words, struct sheet_out *out,
    struct db_query *rows, unsigned int col, int column)
{
	const char *value = db_text(rows, col);
	int year, month, day;

	if (value == NULL)
		return sheet_out_empty(out);
	switch (export_columns[column].value) {
	case EXPORT_NUMBER:
		return sheet_out_integer(out, db_int(rows, col));
	case EXPORT_MONEY:
		return sheet_out_money(out, db_int(rows, col));
	case EXPORT_DAY:
		if (format_local_day(value, req->shop.time_zone, &year, &month, &day) != 0)
			return sheet_out_empty(out);
		return sheet_out_date(out, year, month, day);
	case EXPORT_STATUS:
		value = word_of(value, status_names, words->status);
		return sheet_out_text(out, value, strlen(value));
	case EXPORT_SOURCE:
		value = word_of(value, source_names, words->source);
		return sheet_out_text(out, value, strlen(value));
	case EXPORT_YES_NO:
		value = db_int(rows, col) ? words->yes : words->no;
		return sheet_out_text(out, value, strlen(value));
	case EXPORT_TEXT:
		break;
	}
	return sheet_out_text(out, value, db_length(rows, col));
}

/* The rows of the stream into out, the header first. Returns the
 * customers written, or -1 when the client went away, the writer or the
 * database failed. */
static long long
write_rows(struct request *req, struct sheet_out *out, struct db_query *rows,
    const struct export_choice *choice)
{
	long long written = 0;
	struct words words;
	int i, fetched;

	words_read(req, &words);

	for (i = 0; i < choice->count; i++) {
		const char *header = export_header(choice->column[i], req->shop.lang);

		if (sheet_out_text(out, header, strlen(header)) != 0)
			return -1;
	}
	if (sheet_out_row_end(out) != 0)
		return -1;
	while ((fetched = db_fetch(rows)) == 1) {
		for (i = 0; i < choice->count; i++)
			if (write_cell(req, &words, out, rows, (unsigned int)i, choice->column[i]) != 0)
				return -1;
		if (sheet_out_row_end(out) != 0)
			return -1;
		written++;
	}
	return fetched < 0 ? -1 : written;
}

/* Writes the export_log row (and remembers the admin's choice). Returns
 * its id, or -1. */
static long long
log_start(struct request *req, const char *view, const char *columns, const char *format)
{
	struct db_param remember[4] = { DB_TEXT(columns), DB_TEXT(format),
		DB_INT(req->session.admin_id), DB_INT(req->shop.id) };
	struct db_param start[5] = { DB_INT(req->shop.id), DB_INT(req->session.admin_id),
		DB_TEXT(view), DB_TEXT(columns), DB_TEXT(format) };

	if (db_exec(&req->app->db, &export_sql[SQL_EXPORT_REMEMBER], remember, 4) < 0 ||
	    db_exec(&req->app->db, &export_sql[SQL_EXPORT_LOG_START], start, 5) < 0)
		return -1;
	return (long long)db_insert_id(&export_sql[SQL_EXPORT_LOG_START]);
}

/* Takes the admin's export lock: 1, 0 when another export holds it, -1. */
static int
lock_take(struct request *req)
{
	struct db_query *query = &export_sql[SQL_EXPORT_LOCK];
	struct db_param params[1] = { DB_INT(req->session.admin_id) };
	int got;

	if (db_exec(&req->app->db, query, params, 1) < 0)
		return -1;
	got = db_fetch(query) == 1 && db_int(query, 0) == 1;
	db_done(query);
	return got;
}

static void
lock_release(struct request *req)
{
	struct db_query *query = &export_sql[SQL_EXPORT_UNLOCK];
	struct db_param params[1] = { DB_INT(req->session.admin_id) };

	if (db_exec(&req->app->db, query, params, 1) >= 0)
		db_done(query);
}

/* The file, once everything was checked and the lock taken. */
static void
download_locked(struct request *req, struct customer_query *query,
    const struct export_choice *choice, enum sheet_out_format format)
{
	enum sheet_out_type types[EXPORT_COLUMNS];
	struct download download = { req, format, 0 };
	char view[2048], columns[1024], select[4096], folder[1100];
	struct sheet_out *out;
	struct db_query *rows;
	long long log_id, written;
	int i;

	export_view_text(query, view, sizeof(view));
	export_choice_text(choice, columns, sizeof(columns));
	if (select_list(choice, select, sizeof(select)) != 0 ||
	    spool_folder(req, folder, sizeof(folder)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	for (i = 0; i < choice->count; i++)
		types[i] = export_columns[choice->column[i]].type;
	if ((log_id = log_start(req, view, columns, sheet_out_names[format])) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	out = sheet_out_open(format, lang_codes[req->shop.lang], types, choice->count, folder,
	    download_sink, &download);
	if (out == NULL) {
		page_error(req, 500, NULL);
		return;
	}
	sheet_out_sheet_name(out, request_text(req, "Export.SheetName"));
	sheet_out_currency(out, req->shop.currency);
	for (i = 0; i < choice->count; i++)
		if (strcmp(export_columns[choice->column[i]].name, "email") == 0)
			sheet_out_width(out, i, 32);
	rows = customer_query_export_stream(query, &req->app->db, select);
	if (rows == NULL) {
		sheet_out_abandon(out);
		page_error(req, 500, NULL);
		return;
	}
	written = write_rows(req, out, rows, choice);
	if (written < 0) {
		/* the client went away (or a write or the database failed):
		 * nothing more of this export, and nothing of the rows left */
		long long made = sheet_out_rows(out);

		log_info("the export stopped after %lld rows", made);
		sheet_out_abandon(out);
		db_stream_abandon(&req->app->db, rows);
		/* nothing went yet (an .xlsx goes at its end): an answer can
		 * still say why */
		if (!download.begun)
			page_error(req, format == SHEET_OUT_XLSX && made >= SHEET_OUT_XLSX_ROWS_MAX ?
			    400 : 500, format == SHEET_OUT_XLSX && made >= SHEET_OUT_XLSX_ROWS_MAX ?
			    "Export.Error.TooManyRows" : NULL);
		return;
	}
	db_stream_close(&req->app->db, rows);
	if (sheet_out_close(out) != 0) {
		/* the client went away, or the .xlsx could not be finished
		 * (logged): then nothing went, and an answer says so */
		log_info("the export was not finished at the end of %lld rows", written);
		if (!download.begun)
			page_error(req, 500, NULL);
		return;
	}
	{
		struct db_param params[3] = { DB_INT(written), DB_INT(log_id), DB_INT(req->shop.id) };

		if (db_exec(&req->app->db, &export_sql[SQL_EXPORT_LOG_FINISH], params, 3) < 0)
			log_err("export: the log of export %lld could not be completed", log_id);
	}
}

void
export_download(struct request *req)
{
	static struct customer_query query;
	struct export_choice choice;
	enum sheet_out_format format;
	const char *problem;
	int locked;

	if (export_allowed(req) != 1)
		return;
	problem = customer_query_from_request(&query, req);
	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	problem = export_choice_read(request_field(req, &export_fields[EXPORT_KEY_COLUMNS]),
	    &choice);
	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	format = sheet_out_find(request_field(req, &export_fields[EXPORT_KEY_FORMAT]) ?
	    request_field(req, &export_fields[EXPORT_KEY_FORMAT]) : "");
	if (format == SHEET_OUT__MAX) {
		page_error(req, 400, "Export.Error.Format");
		return;
	}
	locked = lock_take(req);
	if (locked != 1) {
		page_error(req, locked == 0 ? 409 : 500, locked == 0 ? "Export.Error.Running" : NULL);
		return;
	}
	download_locked(req, &query, &choice, format);
	/* a connection closed with an abandoned stream took the lock with it */
	if (req->app->db.conn != NULL)
		lock_release(req);
}
