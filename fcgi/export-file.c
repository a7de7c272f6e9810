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
 * lock, and the log row stays unfinished. When the database fails after
 * the first bytes went, page_abort makes the client see a broken download,
 * never a short file that looks whole.
 *
 * A big CSV export is read in two halves at once (export_split): the
 * server's walk of the order's index and its reads of the rows are the
 * whole time of an export, on one of its cores. From a boundary row (the
 * row at about half of the view, found on the index alone), the rows
 * before it stream to the client as above while a thread reads the rows
 * from it on, on a connection of its own, into a file in the shop's spool
 * folder (unlinked at once: memory stays flat, nothing is left behind);
 * once the first half is written the thread is joined and its file copied
 * after it. The two statements are sent back to back, right after the
 * boundary is read, but each reads the table as it is when it starts: a
 * customer changed in between (a millisecond) that moves across the
 * boundary could be in both halves or in neither, where one statement
 * would have seen it once. An export is a snapshot of a moving table
 * either way; that window is the price of reading it twice as fast.
 *
 * Behind a server that passes the answer on as it comes and cannot show
 * the client a broken one (Apache's mod_fcgid, plain CGI: its
 * configuration says so with FIDELE_SPOOL_DOWNLOADS on the download's
 * location), the whole file is first written to the shop's spool folder
 * (unlinked at once), then sent with its Content-Length: a slow client
 * never holds the database's stream, and a short file is never taken for
 * a whole one; a failure before the end is an error page.
 * When the client goes away the thread is told to stop (it looks before
 * each row), abandons its connection and is joined before the request
 * ends; when the second half fails (database, disk) the client gets a
 * broken download, never a file without it.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/format.h"
#include "lib/log.h"
#include "lib/page.h"
#include "lib/text.h"
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
	int file;		/* FIDELE_SPOOL_DOWNLOADS: the file made first, or -1 */
};

/* The longest file name most file systems keep, in bytes. */
#define FILE_NAME_MAX 255

static void disposition(struct request *req, enum sheet_out_format format);

static int
download_sink(void *ctx, const char *buf, size_t len)
{
	struct download *download = ctx;

	while (download->file >= 0 && len > 0) {
		ssize_t put = write(download->file, buf, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0) {
			log_err("export: cannot write the download's spool file: %s", strerror(errno));
			return -1;
		}
		buf += put;
		len -= (size_t)put;
	}
	if (download->file >= 0)
		return 0;
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
	char today[24], utc[32], ascii[128], suffix[64], name[FILE_NAME_MAX + 1], header[2048];
	int year, month, day;
	time_t now = time(NULL);
	struct tm tm;
	size_t i, used;

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
	/* a file name holds at most 255 bytes: the shop's name gives way,
	 * cut between characters so that filename* stays valid UTF-8 */
	snprintf(suffix, sizeof(suffix), "-clients-%s.%s", today, sheet_out_extensions[format]);
	used = text_copy_utf8(name, FILE_NAME_MAX + 1 - strlen(suffix), req->shop.name);
	snprintf(name + used, sizeof(name) - used, "%s", suffix);
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
write_cell(const char *zone, const struct words *words, struct sheet_out *out,
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
		if (format_local_day(value, zone, &year, &month, &day) != 0)
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

/* The header row of choice into out. 0 or -1. */
static int
write_header(struct request *req, struct sheet_out *out, const struct export_choice *choice)
{
	int i;

	for (i = 0; i < choice->count; i++) {
		const char *header = export_header(choice->column[i], req->lang);

		if (sheet_out_text(out, header, strlen(header)) != 0)
			return -1;
	}
	return sheet_out_row_end(out);
}

/* The rows of the stream into out (its days in zone). stop, when not
 * NULL, is looked at before each row: set, the rows stop. Returns the
 * customers written, or -1 when stopped, when the client went away, the
 * writer or the database failed. Runs in the second half's thread too:
 * it asks nothing of the request. */
static long long
write_rows(const char *zone, const struct words *words, struct sheet_out *out,
    struct db_query *rows, const struct export_choice *choice, atomic_int *stop)
{
	long long written = 0;
	int i, fetched;

	while ((fetched = db_fetch(rows)) == 1) {
		if (stop != NULL && atomic_load_explicit(stop, memory_order_relaxed))
			return -1;
		for (i = 0; i < choice->count; i++)
			if (write_cell(zone, words, out, rows, (unsigned int)i, choice->column[i]) != 0)
				return -1;
		if (sheet_out_row_end(out) != 0)
			return -1;
		written++;
	}
	return fetched < 0 ? -1 : written;
}

/* --- the second half -------------------------------------------------------- */

/* The rows from the boundary on, read by a thread on a connection of its
 * own into a spool file. Set up by the request's thread before the thread
 * starts, read-only while it runs but for stop (the request's word) and
 * the thread's results, read once it is joined. */
struct second_half {
	struct customer_split split;	/* the boundary: its values are parameters */
	struct customer_sql sql;	/* the statement: its parameters point here */
	struct db db;			/* the thread's connection */
	struct db_query *rows;		/* its stream, open before the thread starts */
	struct sheet_out *out;		/* the thread's writer (no header, no BOM) */
	int spool;			/* the spool file (unlinked), or -1 */
	const char *zone;
	const struct words *words;
	const struct export_choice *choice;
	pthread_t thread;
	int running;			/* a thread to join */
	int ended;			/* second_half_end ran */
	atomic_int stop;		/* the client went away: stop now */
	/* the thread's results */
	long long written;
	int failed;			/* the database or the disk failed (logged) */
};

/* The second half's writer's sink: the spool file. */
static int
spool_sink(void *ctx, const char *buf, size_t len)
{
	struct second_half *half = ctx;

	while (len > 0) {
		ssize_t put = write(half->spool, buf, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0) {
			log_err("export: cannot write the second half's spool file: %s",
			    put < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		buf += put;
		len -= (size_t)put;
	}
	return 0;
}

static void *
second_half_run(void *arg)
{
	struct second_half *half = arg;
	long long written;

	mysql_thread_init();
	written = write_rows(half->zone, half->words, half->out, half->rows, half->choice,
	    &half->stop);
	if (written < 0) {
		/* told to stop, or failed: the rows left are not wanted (a
		 * closed connection makes the server stop sending them) */
		db_stream_abandon(&half->db, half->rows);
		sheet_out_abandon(half->out);
		half->failed = !atomic_load(&half->stop);
	} else {
		db_stream_close(&half->db, half->rows);
		half->failed = sheet_out_close(half->out) != 0;
		half->written = written;
	}
	half->out = NULL;
	half->rows = NULL;
	mysql_thread_end();
	return NULL;
}

/* Stops (stop set) or waits for the thread, then frees what the second
 * half held but its spool file. Returns 0 when its rows are all in the
 * spool file, or -1 (and when called again). */
static int
second_half_end(struct second_half *half, int stop)
{
	int status = 0;

	if (half->ended)
		return -1;
	half->ended = 1;
	if (half->running) {
		if (stop)
			atomic_store(&half->stop, 1);
		pthread_join(half->thread, NULL);
		half->running = 0;
		status = half->failed ? -1 : 0;
	} else {
		/* never started: what was set up for it */
		if (half->rows != NULL)
			db_stream_abandon(&half->db, half->rows);
		if (half->out != NULL)
			sheet_out_abandon(half->out);
		half->rows = NULL;
		half->out = NULL;
		status = -1;
	}
	db_close(&half->db);
	return stop ? -1 : status;
}

/* Copies the spool file after what went, through the download's sink.
 * Returns 0, or -1 (the client went away, or the file could not be read:
 * logged). */
static int
second_half_copy(struct second_half *half, struct download *download)
{
	char piece[SHEET_OUT_CHUNK];
	ssize_t got;

	if (lseek(half->spool, 0, SEEK_SET) != 0) {
		log_err("export: cannot read the second half's spool file: %s", strerror(errno));
		return -1;
	}
	while ((got = read(half->spool, piece, sizeof(piece))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			log_err("export: cannot read the second half's spool file: %s",
			    strerror(errno));
			return -1;
		}
		if (download_sink(download, piece, (size_t)got) != 0)
			return -1;
	}
	return 0;
}

/* FIDELE_SPOOL_DOWNLOADS: the spool file made whole, sent with its
 * length. Returns 0, or -1 (the client went away, or the file could not
 * be read: logged). */
static int
download_send_spooled(struct download *download)
{
	char piece[SHEET_OUT_CHUNK], length[32];
	struct stat st;
	int file = download->file;
	ssize_t got;

	download->file = -1;	/* the sink now sends */
	if (fstat(file, &st) != 0 || lseek(file, 0, SEEK_SET) != 0) {
		log_err("export: cannot read the download's spool file: %s", strerror(errno));
		download->file = file;
		return -1;
	}
	snprintf(length, sizeof(length), "%lld", (long long)st.st_size);
	page_header(download->req, "Content-Length", length);
	while ((got = read(file, piece, sizeof(piece))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			log_err("export: cannot read the download's spool file: %s", strerror(errno));
			break;
		}
		if (download_sink(download, piece, (size_t)got) != 0)
			break;
	}
	download->file = file;
	return got == 0 ? 0 : -1;
}

/* How many customers the view holds, for the boundary: the export page's
 * count, which its form posts (a hint: what else it says changes where
 * the view is cut, never which rows are written), or counted now. -1 on a
 * database error. */
#define SPLIT_HINT_MAX 1000000000LL
static long long
split_count(struct request *req, struct customer_query *query)
{
	const char *hint = request_field(req, &export_fields[EXPORT_KEY_COUNT]);
	long long count;

	if (hint != NULL && *hint != '\0' && strlen(hint) <= 18 &&
	    strspn(hint, "0123456789") == strlen(hint)) {
		count = strtoll(hint, NULL, 10);
		return count > SPLIT_HINT_MAX ? SPLIT_HINT_MAX : count;
	}
	return customer_query_count_exact(query, &req->app->db);
}

/* Whether to read the export in two halves (a CSV profile, a view of
 * Export.SplitMinCustomers customers or more whose plan reads along the
 * order's index, see customer_query_export_split), and then the boundary
 * (at Export.SplitFirstPercent of the view), the second half's
 * connection, statement, spool file and writer, and the first half's
 * statement into first. Returns 1 (all set; neither statement started),
 * 0 (one pass), -1 (a database error or no memory: logged). */
static int
second_half_prepare(struct request *req, struct customer_query *query, const char *select,
    const enum sheet_out_type *types, enum sheet_out_format format, const char *folder,
    struct second_half *half, struct customer_sql *first)
{
	long long least = hdf_get_int_value(req->app->config, "Export.SplitMinCustomers", 50000);
	long long first_percent = hdf_get_int_value(req->app->config, "Export.SplitFirstPercent",
	    50);
	long long count;
	char path[1200];
	int found;

	if (format == SHEET_OUT_XLSX)
		return 0;
	count = split_count(req, query);
	if (count < 0)
		return -1;
	if (count < least || count < 2)
		return 0;
	if (first_percent < 10 || first_percent > 90)
		first_percent = 50;
	found = customer_query_export_split(query, &req->app->db, count,
	    (double)first_percent / 100, &half->split);
	if (found <= 0)
		return found;
	customer_query_export_half_sql(query, &half->split, 0, select, first);
	customer_query_export_half_sql(query, &half->split, 1, select, &half->sql);
	snprintf(path, sizeof(path), "%s/" SHEET_OUT_FILE_PREFIX "XXXXXX", folder);
	if (db_connect(&half->db, req->app->config) != DB_OK ||
	    (half->spool = mkstemp(path)) < 0) {
		/* a server at its max_connections, a full disk: the export is
		 * still made, in one pass (the spool's error logged here, the
		 * connection's by db_connect) */
		if (half->db.conn != NULL)
			log_err("export: cannot make a spool file in %s: %s", folder,
			    strerror(errno));
		log_warn("export: read in one pass, the second half could not be set up");
		db_close(&half->db);
		return 0;
	}
	/* the file is the open descriptor's alone: nothing is left behind,
	 * whatever happens to the process */
	unlink(path);
	half->out = sheet_out_open(format, lang_codes[req->lang], types,
	    half->choice->count, folder, spool_sink, half);
	if (half->out == NULL || sheet_out_continue(half->out) != 0)
		return -1;
	log_info("export: read in two halves, the second from row %lld of %lld",
	    half->split.offset + 1, count);
	return 1;
}

/* Starts both halves' statements, back to back, and the second half's
 * thread. Returns the first half's stream, or NULL (logged; what was
 * started is stopped by second_half_end). Each statement reads the table
 * as it is when it starts: a customer whose sort value changes across the
 * boundary between the two starts (the time of one round trip) would be
 * in both halves or in neither, hence nothing between them, not even the
 * thread's start. */
static struct db_query *
halves_start(struct request *req, struct second_half *half, const struct customer_sql *first)
{
	struct db_query *second_query, *first_query;
	sigset_t all, before;
	int year, month, day, started;

	second_query = db_cached(&half->db, half->sql.text);
	first_query = half->sql.overflow || first->overflow ? NULL :
	    db_cached(&req->app->db, first->text);
	if (second_query == NULL || first_query == NULL ||
	    db_stream_open(&half->db, second_query, half->sql.params, half->sql.n) != DB_OK)
		return NULL;
	half->rows = second_query;
	if (db_stream_open(&req->app->db, first_query, first->params, first->n) != DB_OK)
		return NULL;
	/* the shop's zone made the process's now, by this thread: both
	 * threads then only read it (format.c sets TZ when it changes) */
	format_local_day("2000-01-01 00:00:00", half->zone, &year, &month, &day);
	/* signals (libfcgi's SIGTERM and SIGUSR1: finish, then stop) stay
	 * the request's thread's: the new thread starts with them blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	started = pthread_create(&half->thread, NULL, second_half_run, half);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (started != 0) {
		log_err("export: cannot start the second half's thread");
		db_stream_abandon(&req->app->db, first_query);
		return NULL;
	}
	half->running = 1;
	return first_query;
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

/* Whether the view holds more customers than an .xlsx takes (Excel's
 * last row less the header's; Export.XlsxMaxCustomers lowers it, for the
 * tests): 1 too many, 0 not, -1 on a database error. Counted before any
 * work, so that a file Excel could not hold is refused at once rather
 * than after a million rows. */
static int
xlsx_too_many(struct request *req, struct customer_query *query)
{
	long long limit = hdf_get_int_value(req->app->config, "Export.XlsxMaxCustomers",
	    SHEET_OUT_XLSX_ROWS_MAX - 1);
	long long count;

	if (limit < 1 || limit > SHEET_OUT_XLSX_ROWS_MAX - 1)
		limit = SHEET_OUT_XLSX_ROWS_MAX - 1;
	count = customer_query_count_exact(query, &req->app->db);
	if (count < 0)
		return -1;
	return count > limit;
}

/* The file, once everything was checked and the lock taken. */
static void
download_locked(struct request *req, struct customer_query *query,
    const struct export_choice *choice, enum sheet_out_format format)
{
	/* one request at a time per process; the second half's thread reads
	 * them until it is joined, before this returns */
	static struct second_half half;
	static struct customer_sql first;
	enum sheet_out_type types[EXPORT_COLUMNS];
	struct download download = { req, format, 0, -1 };
	char view[2048], columns[1024], select[4096], folder[1100];
	struct sheet_out *out;
	struct db_query *rows;
	struct words words;
	long long log_id, written;
	int i, split;

	memset(&half, 0, sizeof(half));
	half.spool = -1;
	half.zone = req->shop.time_zone;
	half.words = &words;
	half.choice = choice;
	words_read(req, &words);
	export_view_text(query, view, sizeof(view));
	export_choice_text(choice, columns, sizeof(columns));
	if (select_list(choice, select, sizeof(select)) != 0 ||
	    spool_folder(req, folder, sizeof(folder)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	for (i = 0; i < choice->count; i++)
		types[i] = export_columns[choice->column[i]].type;
	if (request_param(req, "FIDELE_SPOOL_DOWNLOADS") != NULL &&
	    *request_param(req, "FIDELE_SPOOL_DOWNLOADS") != '\0') {
		char path[1200];

		snprintf(path, sizeof(path), "%s/download-XXXXXX", folder);
		if ((download.file = mkstemp(path)) < 0) {
			log_err("export: cannot make a spool file in %s: %s", folder, strerror(errno));
			page_error(req, 500, NULL);
			return;
		}
		unlink(path);
	}
	split = second_half_prepare(req, query, select, types, format, folder, &half, &first);
	if (split < 0 || (log_id = log_start(req, view, columns, sheet_out_names[format])) < 0) {
		page_error(req, 500, NULL);
		goto done;
	}
	out = sheet_out_open(format, lang_codes[req->lang], types, choice->count, folder,
	    download_sink, &download);
	if (out == NULL) {
		page_error(req, 500, NULL);
		goto done;
	}
	sheet_out_sheet_name(out, request_text(req, "Export.SheetName"));
	sheet_out_currency(out, req->shop.currency);
	for (i = 0; i < choice->count; i++)
		if (strcmp(export_columns[choice->column[i]].name, "email") == 0)
			sheet_out_width(out, i, 32);
	rows = split ? halves_start(req, &half, &first) :
	    customer_query_export_stream(query, &req->app->db, select);
	if (rows == NULL) {
		sheet_out_abandon(out);
		page_error(req, 500, NULL);
		goto done;
	}
	written = write_header(req, out, choice) != 0 ? -1 :
	    write_rows(req->shop.time_zone, &words, out, rows, choice, NULL);
	if (written < 0) {
		/* the client went away (or a write or the database failed):
		 * nothing more of this export, and nothing of the rows left */
		long long made = sheet_out_rows(out);

		log_info("the export stopped after %lld rows", made);
		if (split)
			second_half_end(&half, 1);
		sheet_out_abandon(out);
		db_stream_abandon(&req->app->db, rows);
		/* bytes went already: the client must not take what it got for
		 * the whole file */
		if (download.begun)
			page_abort(req);
		/* nothing went yet (an .xlsx goes at its end): an answer can
		 * still say why */
		else
			page_error(req, format == SHEET_OUT_XLSX && made >= SHEET_OUT_XLSX_ROWS_MAX ?
			    400 : 500, format == SHEET_OUT_XLSX && made >= SHEET_OUT_XLSX_ROWS_MAX ?
			    "Export.Error.TooManyRows" : NULL);
		goto done;
	}
	db_stream_close(&req->app->db, rows);
	if (split) {
		/* the second half's rows, all of them in its file, or none of
		 * the file: a broken download */
		if (second_half_end(&half, 0) != 0) {
			log_info("the export's second half failed after %lld rows of the first",
			    written);
			sheet_out_abandon(out);
			if (download.begun)
				page_abort(req);
			else
				page_error(req, 500, NULL);
			goto done;
		}
		written += half.written;
	}
	if (sheet_out_close(out) != 0 || (split && second_half_copy(&half, &download) != 0) ||
	    (download.file >= 0 && download_send_spooled(&download) != 0)) {
		/* the client went away, or the .xlsx could not be finished
		 * (logged): then nothing went, and an answer says so */
		log_info("the export was not finished at the end of %lld rows", written);
		if (download.begun)
			page_abort(req);
		else
			page_error(req, 500, NULL);
		goto done;
	}
	{
		struct db_param params[3] = { DB_INT(written), DB_INT(log_id), DB_INT(req->shop.id) };

		if (db_exec(&req->app->db, &export_sql[SQL_EXPORT_LOG_FINISH], params, 3) < 0)
			log_err("export: the log of export %lld could not be completed", log_id);
	}
done:
	if (split != 0)
		second_half_end(&half, 1);
	if (half.spool >= 0)
		close(half.spool);
	if (download.file >= 0)
		close(download.file);
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
	if (format == SHEET_OUT_XLSX) {
		int too_many = xlsx_too_many(req, &query);

		if (too_many != 0) {
			page_error(req, too_many == 1 ? 400 : 500,
			    too_many == 1 ? "Export.Error.TooManyRows" : NULL);
			return;
		}
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
