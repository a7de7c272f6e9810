/*
 * Rows per second into a scratch table through each way of sending many
 * rows, to choose db_insert_rows' way (run by bench/db-insert.py, which
 * also times LOAD DATA INFILE for the same rows):
 *
 *   db-insert multi <rows> <batch>   db_insert_rows: "VALUES (?,...),(?,...)"
 *                                    of <batch> rows per statement
 *   db-insert array <rows> <batch>   one "VALUES (?,...)" statement executed
 *                                    with STMT_ATTR_ARRAY_SIZE = <batch>
 *                                    (column-wise array binding)
 *   db-insert single <rows>          one row per execute (the reference)
 *
 * Every mode commits every 10,000 rows, as an importer's batches would.
 * Prints "rows_per_s: N". The figures and the choice: db.c, above
 * db_insert_rows.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fcgi/lib/db.h"
#include "../fcgi/lib/settings.h"

#define COLUMNS 5
#define COMMIT_ROWS 10000

struct row {
	long long shop_id;
	char email[48];
	char first_name[24];
	char last_name[24];
	char phone[16];
};

static const char *head =
    "INSERT INTO bench_insert (shop_id, email, first_name, last_name, phone)";

static void
make_row(struct row *row, long i)
{
	static const char *firsts[] = { "Élodie", "Jean", "Camille", "Léa", "Hugo", "Chloé" };
	static const char *lasts[] = { "Dupont", "Martin", "Lefèvre", "Bernard", "Moreau" };

	row->shop_id = 1;
	snprintf(row->email, sizeof(row->email), "client%07ld@example.test", i);
	snprintf(row->first_name, sizeof(row->first_name), "%s", firsts[i % 6]);
	snprintf(row->last_name, sizeof(row->last_name), "%s", lasts[i % 5]);
	snprintf(row->phone, sizeof(row->phone), "06%08ld", i);
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
run_multi(struct db *db, long rows, long batch)
{
	struct row *chunk = calloc((size_t)batch, sizeof(*chunk));
	struct db_param *params = calloc((size_t)batch * COLUMNS, sizeof(*params));
	long done = 0, since_commit = 0, n, i;

	if (chunk == NULL || params == NULL || db_begin(db) != 0)
		return 1;
	while (done < rows) {
		n = rows - done < batch ? rows - done : batch;
		for (i = 0; i < n; i++) {
			make_row(&chunk[i], done + i);
			params[i * COLUMNS] = DB_INT(chunk[i].shop_id);
			params[i * COLUMNS + 1] = DB_TEXT(chunk[i].email);
			params[i * COLUMNS + 2] = DB_TEXT(chunk[i].first_name);
			params[i * COLUMNS + 3] = DB_TEXT(chunk[i].last_name);
			params[i * COLUMNS + 4] = DB_TEXT(chunk[i].phone);
		}
		if (db_insert_rows(db, head, COLUMNS, params, (size_t)n) != n)
			return 1;
		done += n;
		since_commit += n;
		if (since_commit >= COMMIT_ROWS && (db_commit(db) != 0 || db_begin(db) != 0))
			return 1;
		if (since_commit >= COMMIT_ROWS)
			since_commit = 0;
	}
	free(chunk);
	free(params);
	return db_commit(db);
}

static int
run_array(struct db *db, long rows, long batch)
{
	struct row *chunk = calloc((size_t)batch, sizeof(*chunk));
	long long *shops = calloc((size_t)batch, sizeof(long long));
	char **texts[COLUMNS - 1];
	unsigned long *lengths[COLUMNS - 1];
	MYSQL_BIND binds[COLUMNS];
	MYSQL_STMT *stmt;
	char sql[256];
	long done = 0, since_commit = 0, n, i;
	int c;

	snprintf(sql, sizeof(sql), "%s VALUES (?,?,?,?,?)", head);
	stmt = mysql_stmt_init(db->conn);
	if (chunk == NULL || shops == NULL || stmt == NULL ||
	    mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		fprintf(stderr, "array: %s\n", stmt ? mysql_stmt_error(stmt) : "no memory");
		return 1;
	}
	for (c = 0; c < COLUMNS - 1; c++) {
		texts[c] = calloc((size_t)batch, sizeof(char *));
		lengths[c] = calloc((size_t)batch, sizeof(unsigned long));
		if (texts[c] == NULL || lengths[c] == NULL)
			return 1;
	}
	memset(binds, 0, sizeof(binds));
	binds[0].buffer_type = MYSQL_TYPE_LONGLONG;
	binds[0].buffer = shops;
	for (c = 1; c < COLUMNS; c++) {
		binds[c].buffer_type = MYSQL_TYPE_STRING;
		binds[c].buffer = texts[c - 1];
		binds[c].length = lengths[c - 1];
	}
	if (db_begin(db) != 0)
		return 1;
	while (done < rows) {
		unsigned int size;

		n = rows - done < batch ? rows - done : batch;
		for (i = 0; i < n; i++) {
			make_row(&chunk[i], done + i);
			shops[i] = chunk[i].shop_id;
			texts[0][i] = chunk[i].email;
			texts[1][i] = chunk[i].first_name;
			texts[2][i] = chunk[i].last_name;
			texts[3][i] = chunk[i].phone;
			for (c = 0; c < COLUMNS - 1; c++)
				lengths[c][i] = strlen(texts[c][i]);
		}
		size = (unsigned int)n;
		if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
		    mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0) {
			fprintf(stderr, "array: %s\n", mysql_stmt_error(stmt));
			return 1;
		}
		done += n;
		since_commit += n;
		if (since_commit >= COMMIT_ROWS) {
			if (db_commit(db) != 0 || db_begin(db) != 0)
				return 1;
			since_commit = 0;
		}
	}
	mysql_stmt_close(stmt);
	for (c = 0; c < COLUMNS - 1; c++) {
		free(texts[c]);
		free(lengths[c]);
	}
	free(chunk);
	free(shops);
	return db_commit(db);
}

static int
run_single(struct db *db, long rows)
{
	return run_multi(db, rows, 1);
}

int
main(int argc, char **argv)
{
	HDF *config;
	struct db db;
	long rows, batch;
	double started;
	int status;

	if (argc < 3)
		return 2;
	rows = strtol(argv[2], NULL, 10);
	batch = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
	config = settings_load();
	if (config == NULL || db_connect(&db, config) != 0)
		return 1;
	started = now();
	if (strcmp(argv[1], "multi") == 0)
		status = run_multi(&db, rows, batch);
	else if (strcmp(argv[1], "array") == 0)
		status = run_array(&db, rows, batch);
	else
		status = run_single(&db, rows);
	if (status == 0)
		printf("rows_per_s: %.0f\n", (double)rows / (now() - started));
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
