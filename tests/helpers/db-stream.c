/*
 * A small client of the database layer for tests/web/test_db.py, run
 * against the test stack's database (FIDELE_CONFIG): what db.c promises
 * (streams, the batched insert, named results, multi-statements only for
 * scripts) is checked through a real server, not a fake.
 *
 *   db-stream customers <shop_id>   streams the shop's customers as
 *                                   "id<TAB>email" lines, tries a statement
 *                                   while the stream is open (refused), and
 *                                   one after it is closed (runs)
 *   db-stream rows <count> <mode>   reads count rows of 200 bytes, mode
 *                                   "stream" or "buffered", and says by how
 *                                   many KiB the peak RSS grew
 *   db-stream insert <count>        inserts count rows into a scratch
 *                                   table with db_insert_rows, then one
 *                                   again (DB_DUPLICATE) and prints counts
 *   db-stream typed                 prints the text db_text gives for integers
 *                                   and dates of every width and sign (the
 *                                   layer writes them itself), one per line,
 *                                   then db_int of the integers
 *   db-stream types                 prints every row of the tables
 *                                   typed_wire (read from libmariadb's
 *                                   rows) and typed_wire_bound (bound:
 *                                   floats, times of day, years, bits) as
 *                                   "read ROW COLUMN: text" and "bound ROW
 *                                   COLUMN: text" lines, after whether each
 *                                   statement reads rows ("read rows: 1")
 *   db-stream keys <shop_id>        reads the shop's customers' ids with
 *                                   db_fetch_key, then every row again with
 *                                   db_fetch in the other order, as
 *                                   "key: id" and "id<TAB>email<TAB>note"
 *                                   lines, then an empty result, a NULL
 *                                   key, a text key and a row with two
 *                                   values longer than their buffers
 *   db-stream lazy <shop_id>        as a program run as plain CGI: each
 *                                   statement prepared and executed in one
 *                                   go at its first use, prepared after it;
 *                                   prints results, errors and what runs
 *                                   after each error and after the server
 *                                   closed the connection, as "name: value"
 *   db-stream multi                 runs "SELECT 1; SELECT 2" as a script on
 *                                   a db_connect connection and on a
 *                                   db_connect_for_scripts one
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/db.h"
#include "../../fcgi/lib/settings.h"

/* A line "name: N kB" of /proc/self/status, in KiB. */
static long
status_kib(const char *name)
{
	FILE *status = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;
	size_t length = strlen(name);

	if (status == NULL)
		return 0;
	while (fgets(line, sizeof(line), status) != NULL)
		if (strncmp(line, name, length) == 0 && line[length] == ':')
			kib = strtol(line + length + 1, NULL, 10);
	fclose(status);
	return kib;
}

/* Starts the peak (VmHWM) again from the resident set now: the peak of the
 * start-up (reading the configuration, connecting) is not the query's. */
static void
peak_reset(void)
{
	FILE *clear = fopen("/proc/self/clear_refs", "w");

	if (clear != NULL) {
		fputs("5", clear);
		fclose(clear);
	}
}

static int
stream_customers(struct db *db, long long shop_id)
{
	struct db_query list = { .sql = "SELECT id, email FROM customer WHERE shop_id = ? ORDER BY id" };
	struct db_query other = { .sql = "SELECT COUNT(*) FROM customer WHERE shop_id = ?" };
	struct db_query wide = { .sql = "SELECT CONCAT(REPEAT('x', 5000 * seq), LPAD(seq, 6, '-'))"
	    " FROM seq_1_to_3" };
	struct db_param param = DB_INT(shop_id);
	int status;

	if (db_prepare(db, &list) != 0 || db_prepare(db, &other) != 0 || db_prepare(db, &wide) != 0)
		return 1;
	if (db_stream_open(db, &list, &param, 1) != DB_OK)
		return 1;
	while ((status = db_fetch(&list)) == 1)
		/* NULL as mariadb --batch writes it, for the test's ground truth */
		printf("%s\t%s\n", db_text(&list, 0),
		    db_text(&list, 1) ? db_text(&list, 1) : "NULL");
	/* the stream still owns the connection until it is closed */
	printf("during: %lld\n", db_exec(db, &other, &param, 1));
	printf("begin during: %d\n", db_begin(db));
	db_stream_close(db, &list);
	if (db_exec(db, &other, &param, 1) == 0 && db_fetch(&other) == 1)
		printf("after: %lld\n", db_int(&other, 0));
	db_done(&other);
	/* values longer than the column buffers (4 KiB) grow them mid-stream */
	if (db_stream_open(db, &wide, NULL, 0) != DB_OK)
		return 1;
	while ((status = db_fetch(&wide)) == 1)
		printf("wide: %lu %s\n", db_length(&wide, 0), db_text(&wide, 0) + db_length(&wide, 0) - 6);
	db_stream_close(db, &wide);
	/* a stream left open by a handler is closed where the request ends */
	if (db_stream_open(db, &wide, NULL, 0) != DB_OK || db_fetch(&wide) != 1)
		return 1;
	db_rollback(db);
	if (db_exec(db, &other, &param, 1) == 0 && db_fetch(&other) == 1)
		printf("after rollback: %lld\n", db_int(&other, 0));
	db_done(&other);
	db_release(&wide);
	db_release(&list);
	db_release(&other);
	return status < 0;
}

static int
read_rows(struct db *db, long long count, int stream)
{
	struct db_query rows = { .sql = "SELECT seq, REPEAT('x', 200) FROM seq_1_to_10000000 LIMIT ?" };
	struct db_param param = DB_INT(count);
	long before, read = 0;
	int status;

	if (db_prepare(db, &rows) != 0)
		return 1;
	peak_reset();
	before = status_kib("VmRSS");
	if ((stream ? db_stream_open(db, &rows, &param, 1) : (int)db_exec(db, &rows, &param, 1)) < 0)
		return 1;
	while ((status = db_fetch(&rows)) == 1)
		read++;
	if (stream)
		db_stream_close(db, &rows);
	else
		db_done(&rows);
	printf("rows: %ld\ngrowth_kib: %ld\n", read, status_kib("VmHWM") - before);
	db_release(&rows);
	return status < 0;
}

static int
insert_rows(struct db *db, long count)
{
	struct db_query make = { .sql = "CREATE TEMPORARY TABLE scratch (id INT PRIMARY KEY, label VARCHAR(40), note TEXT)" };
	struct db_query total = { .sql = "SELECT COUNT(*), SUM(id), MAX(label), COUNT(note) FROM scratch" };
	struct db_param *params = calloc((size_t)count * 3, sizeof(*params));
	char (*labels)[32] = calloc((size_t)count, sizeof(*labels));
	long i;
	long long inserted, again;

	if (params == NULL || labels == NULL || db_prepare(db, &make) != 0 ||
	    db_exec(db, &make, NULL, 0) < 0 || db_prepare(db, &total) != 0)
		return 1;
	for (i = 0; i < count; i++) {
		snprintf(labels[i], sizeof(labels[i]), "row %06ld", i + 1);
		params[3 * i] = DB_INT(i + 1);
		params[3 * i + 1] = DB_TEXT(labels[i]);
		/* every other note NULL, so a NULL in a batch is checked too */
		params[3 * i + 2] = i % 2 ? DB_NULL : DB_TEXT("a note");
	}
	inserted = db_insert_rows(db, "INSERT INTO scratch (id, label, note)", 3, params, (size_t)count);
	again = db_insert_rows(db, "INSERT INTO scratch (id, label, note)", 3, params, 1);
	printf("inserted: %lld\nagain: %s\n", inserted,
	    again == DB_DUPLICATE ? "DB_DUPLICATE" : again < 0 ? "DB_ERROR" : "inserted");
	if (db_exec(db, &total, NULL, 0) == 0 && db_fetch(&total) == 1)
		printf("count: %s\nsum: %s\nmax: %s\nnotes: %s\n", db_text(&total, 0),
		    db_text(&total, 1), db_text(&total, 2), db_text(&total, 3));
	db_done(&total);
	db_release(&make);
	db_release(&total);
	free(params);
	free(labels);
	return 0;
}

static const char *
or_null(const char *text)
{
	return text != NULL ? text : "NULL";
}

/* A pass over the ids alone (db_fetch_key), then the whole rows read again
 * from the last to the first (db_fetch): the columns the first pass left
 * unread are all there. */
static int
read_keys(struct db *db, long long shop_id)
{
	static struct db_query rows = { .sql =
	    "SELECT id, email, IF(id % 2 = 0, NULL, CONCAT('note ', id)), created_at"
	    " FROM customer WHERE shop_id = ? ORDER BY id" };
	static struct db_query odd = { .sql =
	    "SELECT CAST(NULL AS SIGNED), 'x' UNION ALL SELECT 7, 'y'" };
	static struct db_query text = { .sql = "SELECT '42', 'z'" };
	static struct db_query longer = { .sql =
	    "SELECT REPEAT('a', 5000), REPEAT('b', 6000), 'after'" };
	struct db_param param = DB_INT(shop_id);
	unsigned long long count, r;
	long long key;

	if (db_prepare(db, &rows) != 0 || db_prepare(db, &odd) != 0 ||
	    db_prepare(db, &text) != 0 || db_prepare(db, &longer) != 0 ||
	    db_exec(db, &rows, &param, 1) < 0)
		return 1;
	count = db_row_count(&rows);
	while (db_fetch_key(&rows, 0, &key) == 1)
		printf("key: %lld\n", key);
	for (r = count; r > 0; r--) {
		db_seek(&rows, r - 1);
		if (db_fetch(&rows) != 1)
			return 1;
		printf("%s\t%s\t%s\t%s\n", or_null(db_text(&rows, 0)), or_null(db_text(&rows, 1)),
		    or_null(db_text(&rows, 2)), or_null(db_text(&rows, 3)));
	}
	db_done(&rows);
	/* an empty result, sought and left unread (the list's first pass when
	 * no one matches), then another: nothing to read, and the next
	 * statement runs */
	param = DB_INT(-1);
	if (db_exec(db, &rows, &param, 1) < 0)
		return 1;
	db_seek(&rows, 0);
	db_done(&rows);
	if (db_exec(db, &rows, &param, 1) < 0)
		return 1;
	db_seek(&rows, 0);
	printf("empty: %d %d\n", db_fetch_key(&rows, 0, &key), db_fetch(&rows));
	db_done(&rows);
	/* a NULL key reads 0; a key that is text is read as db_int reads it */
	if (db_exec(db, &odd, NULL, 0) < 0)
		return 1;
	while (db_fetch_key(&odd, 0, &key) == 1)
		printf("null key: %lld\n", key);
	db_done(&odd);
	if (db_exec(db, &text, NULL, 0) < 0 || db_fetch_key(&text, 0, &key) != 1)
		return 1;
	printf("text key: %lld %s\n", key, db_text(&text, 1));
	db_done(&text);
	/* two values of one row longer than their buffers (4,096 bytes at
	 * most): both read whole */
	if (db_exec(db, &longer, NULL, 0) < 0 || db_fetch(&longer) != 1)
		return 1;
	printf("long: %lu %lu %s %s\n", db_length(&longer, 0), db_length(&longer, 1),
	    or_null(db_text(&longer, 2)), db_text(&longer, 1) != NULL &&
	    db_text(&longer, 1)[5999] == 'b' ? "b" : "?");
	db_done(&longer);
	db_release(&longer);
	db_release(&rows);
	db_release(&odd);
	db_release(&text);
	return 0;
}

/* The columns of typed_sql as db_text and db_int give them. */
static int
print_typed(struct db *db)
{
	static struct db_query typed = { .sql =
	    "SELECT CAST(-9223372036854775807 - 1 AS SIGNED), 18446744073709551615,"
	    "       CAST(0 AS UNSIGNED), -7, CAST(255 AS UNSIGNED), CAST(-32768 AS SIGNED),"
	    "       DATE '2026-12-01', TIMESTAMP '2026-12-01 09:05:03',"
	    "       CAST('2026-02-28 23:59:59.123456' AS DATETIME(6)),"
	    "       CAST('1999-01-02 03:04:05.5' AS DATETIME(3)), CAST(NULL AS SIGNED),"
	    "       CAST('0000-00-00' AS DATE), 12.50" };
	unsigned int i;

	if (db_prepare(db, &typed) != 0 || db_exec(db, &typed, NULL, 0) < 0 ||
	    db_fetch(&typed) != 1)
		return 1;
	for (i = 0; i < typed.columns; i++)
		printf("%u: %s\n", i, db_text(&typed, i) ? db_text(&typed, i) : "NULL");
	printf("int 0: %lld\nint 3: %lld\nint 4: %lld\n", db_int(&typed, 0), db_int(&typed, 3),
	    db_int(&typed, 4));
	db_done(&typed);
	db_release(&typed);
	return 0;
}

/* The columns of TYPED_WIRE_COLUMNS (tests/web/test_db.py) as db_text
 * gives them, each statement's rows after whether it reads them itself. */
static int
print_types(struct db *db)
{
	static struct db_query read = { .sql = "SELECT t, tu, s, su, m, mu, i, iu, b, bu, d, dt,"
	    " d6, ts, v, c, tx, bl, dc, e, st, NULL FROM typed_wire ORDER BY id" };
	static struct db_query bound = { .sql = "SELECT f, db, tm, y, bt, v FROM typed_wire_bound"
	    " ORDER BY id" };
	struct db_query *queries[] = { &read, &bound };
	static const char *const names[] = { "read", "bound" };
	unsigned int i, q;
	int row;

	for (q = 0; q < 2; q++) {
		if (db_prepare(db, queries[q]) != 0 || db_exec(db, queries[q], NULL, 0) < 0)
			return 1;
		printf("%s rows: %d\n", names[q], queries[q]->reads_rows);
		for (row = 0; db_fetch(queries[q]) == 1; row++)
			for (i = 0; i < queries[q]->columns; i++)
				printf("%s %d %u: %s\n", names[q], row, i,
				    or_null(db_text(queries[q], i)));
		db_done(queries[q]);
		db_release(queries[q]);
	}
	return 0;
}

/* A lazy connection's statements (plain CGI's): results, a statement that
 * does not prepare, one given too many parameters, a duplicate key, a
 * stream and a cached statement, each first run unprepared, and a
 * statement after each error, and a statement after the server closed
 * the connection. */
static int
run_lazy(struct db *db, long long shop_id)
{
	static struct db_query count = { .sql = "SELECT COUNT(*), MIN(email) FROM customer"
	    " WHERE shop_id = ? AND email LIKE ?" };
	static struct db_query broken = { .sql = "SELECT FROM nowhere WHERE" };
	static struct db_query one = { .sql = "SELECT ?" };
	static struct db_query make = { .sql = "CREATE TEMPORARY TABLE lazy (id INT PRIMARY KEY)" };
	static struct db_query insert = { .sql = "INSERT INTO lazy (id) VALUES (?)" };
	static struct db_query list = { .sql = "SELECT id, email FROM customer"
	    " WHERE shop_id = ? ORDER BY id LIMIT 3" };
	static struct db_query timeout = { .sql = "SET SESSION wait_timeout = 1" };
	static struct db_query twice = { .sql = "SELECT ? * 2" };
	struct db_param params[2] = { DB_INT(shop_id), DB_TEXT("%@%") };
	struct db_query *cached;
	int run;

	db->lazy = 1;
	for (run = 1; run <= 2; run++) {
		if (db_exec(db, &count, params, 2) < 0 || db_fetch(&count) != 1)
			return 1;
		printf("count %d: %s %s\n", run, db_text(&count, 0), or_null(db_text(&count, 1)));
		db_done(&count);
	}
	printf("broken: %lld\n", db_exec(db, &broken, NULL, 0));
	printf("too many: %lld\n", db_exec(db, &one, params, 2));
	if (db_exec(db, &one, params, 1) < 0 || db_fetch(&one) != 1)
		return 1;
	printf("one: %s\n", db_text(&one, 0));
	db_done(&one);
	params[1] = DB_INT(7);
	printf("make: %lld\n", db_exec(db, &make, NULL, 0));
	printf("insert: %lld\n", db_exec(db, &insert, &params[1], 1));
	printf("again: %s\n", db_exec(db, &insert, &params[1], 1) == DB_DUPLICATE ?
	    "DB_DUPLICATE" : "not refused");
	params[1] = DB_INT(8);
	printf("another: %lld\n", db_exec(db, &insert, &params[1], 1));
	if (db_stream_open(db, &list, params, 1) != DB_OK)
		return 1;
	while (db_fetch(&list) == 1)
		printf("stream: %s\t%s\n", db_text(&list, 0), or_null(db_text(&list, 1)));
	db_stream_close(db, &list);
	params[1] = DB_INT(41);
	if ((cached = db_cached(db, "SELECT ? + 1")) == NULL ||
	    db_exec(db, cached, &params[1], 1) < 0 || db_fetch(cached) != 1)
		return 1;
	printf("cached: %s\n", db_text(cached, 0));
	db_done(cached);
	/* the server closes the connection while the program waits (as when
	 * it shuts down between the connection and the first statement): the
	 * next statement finds the socket broken, connects again and runs */
	if (db_exec(db, &timeout, NULL, 0) < 0)
		return 1;
	sleep(3);
	params[1] = DB_INT(21);
	if (db_exec(db, &twice, &params[1], 1) < 0 || db_fetch(&twice) != 1)
		return 1;
	printf("after the server closed: %s\n", db_text(&twice, 0));
	db_done(&twice);
	db_release(&timeout);
	db_release(&twice);
	db_release(&count);
	db_release(&broken);
	db_release(&one);
	db_release(&make);
	db_release(&insert);
	db_release(&list);
	return 0;
}

static int
run_scripts(HDF *config)
{
	struct db plain, scripts;

	if (db_connect(&plain, config) != 0 || db_connect_for_scripts(&scripts, config) != 0)
		return 1;
	printf("plain: %d\n", db_run_script(&plain, "SELECT 1; SELECT 2"));
	printf("scripts: %d\n", db_run_script(&scripts, "SELECT 1; SELECT 2"));
	db_close(&plain);
	db_close(&scripts);
	return 0;
}

int
main(int argc, char **argv)
{
	HDF *config;
	struct db db;
	int status = 2;

	if (argc < 2)
		return 2;
	config = settings_load();
	if (config == NULL)
		return 1;
	if (strcmp(argv[1], "multi") == 0) {
		status = run_scripts(config);
		hdf_destroy(&config);
		return status;
	}
	if (db_connect(&db, config) != 0) {
		hdf_destroy(&config);
		return 1;
	}
	if (strcmp(argv[1], "customers") == 0 && argc == 3)
		status = stream_customers(&db, strtoll(argv[2], NULL, 10));
	else if (strcmp(argv[1], "rows") == 0 && argc == 4)
		status = read_rows(&db, strtoll(argv[2], NULL, 10), strcmp(argv[3], "stream") == 0);
	else if (strcmp(argv[1], "keys") == 0 && argc == 3)
		status = read_keys(&db, strtoll(argv[2], NULL, 10));
	else if (strcmp(argv[1], "typed") == 0 && argc == 2)
		status = print_typed(&db);
	else if (strcmp(argv[1], "types") == 0 && argc == 2)
		status = print_types(&db);
	else if (strcmp(argv[1], "lazy") == 0 && argc == 3)
		status = run_lazy(&db, strtoll(argv[2], NULL, 10));
	else if (strcmp(argv[1], "insert") == 0 && argc == 3)
		status = insert_rows(&db, strtol(argv[2], NULL, 10));
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
