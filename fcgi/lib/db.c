/*
 * MariaDB Connector/C with prepared statements only. Every result column is
 * fetched as text into per-statement buffers that grow when a value is
 * longer than the column's declared size.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"

static void
query_free_result_binds(struct db_query *query)
{
	unsigned int i;

	for (i = 0; i < query->columns; i++) {
		free(query->buffers[i]);
		free(query->names[i]);
	}
	free(query->buffers);
	free(query->names);
	free(query->result);
	free(query->sizes);
	free(query->lengths);
	free(query->nulls);
	free(query->truncated);
	query->buffers = query->names = NULL;
	query->result = NULL;
	query->sizes = query->lengths = NULL;
	query->nulls = query->truncated = NULL;
	query->columns = 0;
}

static void
query_close(struct db_query *query)
{
	if (query->stmt != NULL)
		mysql_stmt_close(query->stmt);
	query->stmt = NULL;
	query->has_result = 0;
	query_free_result_binds(query);
}

/* Prepares one statement and sets up text buffers for its result columns. */
static int
query_prepare(struct db *db, struct db_query *query)
{
	MYSQL_RES *meta;
	unsigned int i;

	log_debug("db: prepare: %s", query->sql);
	query->stmt = mysql_stmt_init(db->conn);
	if (query->stmt == NULL)
		return -1;
	if (mysql_stmt_prepare(query->stmt, query->sql, strlen(query->sql)) != 0) {
		log_err("db: cannot prepare: %s in: %s",
		    mysql_stmt_error(query->stmt), query->sql);
		query_close(query);
		return -1;
	}
	meta = mysql_stmt_result_metadata(query->stmt);
	if (meta == NULL)
		return 0;
	query->columns = mysql_num_fields(meta);
	query->names = calloc(query->columns, sizeof(char *));
	query->buffers = calloc(query->columns, sizeof(char *));
	query->result = calloc(query->columns, sizeof(MYSQL_BIND));
	query->sizes = calloc(query->columns, sizeof(unsigned long));
	query->lengths = calloc(query->columns, sizeof(unsigned long));
	query->nulls = calloc(query->columns, sizeof(my_bool));
	query->truncated = calloc(query->columns, sizeof(my_bool));
	if (!query->names || !query->buffers || !query->result || !query->sizes ||
	    !query->lengths || !query->nulls || !query->truncated) {
		mysql_free_result(meta);
		query_close(query);
		return -1;
	}
	for (i = 0; i < query->columns; i++) {
		MYSQL_FIELD *field = mysql_fetch_field_direct(meta, i);
		unsigned long size = field->length + 1;

		if (size < 32)
			size = 32;
		if (size > 4096)
			size = 4096;
		query->names[i] = strdup(field->name);
		query->buffers[i] = malloc(size);
		query->sizes[i] = size;
		if (query->names[i] == NULL || query->buffers[i] == NULL) {
			mysql_free_result(meta);
			query_close(query);
			return -1;
		}
		query->result[i].buffer_type = MYSQL_TYPE_STRING;
		query->result[i].buffer = query->buffers[i];
		query->result[i].buffer_length = size - 1;
		query->result[i].length = &query->lengths[i];
		query->result[i].is_null = &query->nulls[i];
		query->result[i].error = &query->truncated[i];
	}
	mysql_free_result(meta);
	return 0;
}

static int
prepare_all(struct db *db)
{
	int t;
	size_t i;

	for (t = 0; t < db->table_count; t++)
		for (i = 0; i < db->table_sizes[t]; i++)
			if (query_prepare(db, &db->tables[t][i]) != 0)
				return -1;
	/* a cached statement that no longer prepares is dropped, not fatal:
	 * it is prepared again, or its error reported, when next asked for */
	for (i = 0; i < DB_CACHE_SIZE; i++)
		if (db->cache[i].sql != NULL && query_prepare(db, &db->cache[i]) != 0) {
			free((char *)db->cache[i].sql);
			memset(&db->cache[i], 0, sizeof(db->cache[i]));
			db->cache_used[i] = 0;
		}
	return 0;
}

static void
close_all(struct db *db)
{
	int t;
	size_t i;

	for (t = 0; t < db->table_count; t++)
		for (i = 0; i < db->table_sizes[t]; i++)
			query_close(&db->tables[t][i]);
	for (i = 0; i < DB_CACHE_SIZE; i++)
		query_close(&db->cache[i]);
}

static int
open_connection(struct db *db)
{
	HDF *c = db->config;
	const char *socket = hdf_get_value(c, "Database.Socket", NULL);
	const char *host = hdf_get_value(c, "Database.Host", NULL);
	unsigned int port = (unsigned int)hdf_get_int_value(c, "Database.Port", 0);
	my_bool off = 0;
	unsigned int timeout = 5;

	db->conn = mysql_init(NULL);
	if (db->conn == NULL)
		return -1;
	mysql_optionsv(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(db->conn, MYSQL_OPT_LOCAL_INFILE, &off);
	mysql_optionsv(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(db->conn, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'");
	if (mysql_real_connect(db->conn, socket ? NULL : host,
	    hdf_get_value(c, "Database.User", NULL),
	    hdf_get_value(c, "Database.Password", NULL),
	    hdf_get_value(c, "Database.Name", "fidele"), port, socket,
	    CLIENT_MULTI_STATEMENTS) == NULL) {
		log_err("db: cannot connect: %s", mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	return 0;
}

int
db_connect(struct db *db, HDF *config)
{
	memset(db, 0, sizeof(*db));
	db->config = config;
	return open_connection(db);
}

int
db_register(struct db *db, struct db_query *table, size_t n)
{
	size_t i;

	if (db->table_count == DB_MAX_TABLES)
		return -1;
	db->tables[db->table_count] = table;
	db->table_sizes[db->table_count] = n;
	db->table_count++;
	if (db->conn == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (query_prepare(db, &table[i]) != 0)
			return -1;
	return 0;
}

int
db_prepare(struct db *db, struct db_query *query)
{
	if (db->conn == NULL)
		return -1;
	return query_prepare(db, query);
}

void
db_release(struct db_query *query)
{
	query_close(query);
}

struct db_query *
db_cached(struct db *db, const char *sql)
{
	struct db_query *query;
	size_t i, oldest = 0;

	for (i = 0; i < DB_CACHE_SIZE; i++) {
		if (db->cache[i].sql != NULL && strcmp(db->cache[i].sql, sql) == 0) {
			db->cache_used[i] = ++db->cache_clock;
			return &db->cache[i];
		}
		if (db->cache_used[i] < db->cache_used[oldest])
			oldest = i;
	}
	query = &db->cache[oldest];
	query_close(query);
	free((char *)query->sql);
	memset(query, 0, sizeof(*query));
	db->cache_used[oldest] = 0;
	if (db->conn == NULL || (query->sql = strdup(sql)) == NULL)
		return NULL;
	if (query_prepare(db, query) != 0) {
		free((char *)query->sql);
		query->sql = NULL;
		return NULL;
	}
	db->cache_used[oldest] = ++db->cache_clock;
	return query;
}

/* Is this error one that a fresh connection cures? */
static int
connection_lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == CR_CONNECTION_ERROR || code == ER_CONNECTION_KILLED ||
	    code == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */ ||
	    code == ER_UNKNOWN_STMT_HANDLER;
}

static int
reconnect(struct db *db)
{
	close_all(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	if (open_connection(db) != 0)
		return -1;
	log_warn("db: reconnected");
	return prepare_all(db);
}

/* Binds, executes and buffers. Returns affected rows or -1; *code gets the
 * server's error number. */
static long long
exec_once(struct db_query *query, const struct db_param *params, size_t n,
    unsigned int *code)
{
	MYSQL_BIND small[32], *binds = small;
	size_t i;
	long long rows;

	*code = 0;
	if (query->stmt == NULL) {
		*code = CR_SERVER_GONE_ERROR;
		return -1;
	}
	if (query->has_result)
		db_done(query);
	if (n != mysql_stmt_param_count(query->stmt)) {
		log_err("db: %zu parameters for %lu in: %s", n,
		    mysql_stmt_param_count(query->stmt), query->sql);
		return -1;
	}
	/* bulk statements (seed-demo, imports) bind thousands */
	if (n > 32 && (binds = calloc(n, sizeof(MYSQL_BIND))) == NULL)
		return -1;
	if (n <= 32)
		memset(small, 0, sizeof(small));
	for (i = 0; i < n; i++) {
		switch (params[i].type) {
		case DB_PARAM_NULL:
			binds[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_PARAM_INT:
			binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
			binds[i].buffer = (void *)&params[i].number;
			break;
		case DB_PARAM_TEXT:
			binds[i].buffer_type = MYSQL_TYPE_STRING;
			binds[i].buffer = (void *)params[i].text;
			binds[i].buffer_length = strlen(params[i].text);
			break;
		case DB_PARAM_BLOB:
			binds[i].buffer_type = MYSQL_TYPE_BLOB;
			binds[i].buffer = (void *)params[i].text;
			binds[i].buffer_length = params[i].length;
			break;
		}
	}
	rows = (n > 0 && mysql_stmt_bind_param(query->stmt, binds) != 0) ||
	    mysql_stmt_execute(query->stmt) != 0 ? -1 : 0;
	if (binds != small)
		free(binds);
	if (rows < 0) {
		*code = mysql_stmt_errno(query->stmt);
		return -1;
	}
	if (query->columns > 0) {
		if (mysql_stmt_bind_result(query->stmt, query->result) != 0 ||
		    mysql_stmt_store_result(query->stmt) != 0) {
			*code = mysql_stmt_errno(query->stmt);
			return -1;
		}
		query->has_result = 1;
		return 0;
	}
	return (long long)mysql_stmt_affected_rows(query->stmt);
}

long long
db_exec(struct db *db, struct db_query *query, const struct db_param *params, size_t n)
{
	unsigned int code;
	long long rows = exec_once(query, params, n, &code);

	if (rows < 0 && connection_lost(code) && !db->in_transaction) {
		if (reconnect(db) == 0)
			rows = exec_once(query, params, n, &code);
	}
	if (rows < 0) {
		if (code == ER_DUP_ENTRY)
			return -2;
		log_err("db: error %u: %s in: %s", code,
		    query->stmt ? mysql_stmt_error(query->stmt) : "no connection",
		    query->sql ? query->sql : "(a statement that no longer prepares)");
		if (code == ER_FILSORT_ABORT)
			return -3;
	}
	return rows;
}

int
db_fetch(struct db_query *query)
{
	int status;
	unsigned int i;

	if (!query->has_result)
		return 0;
	status = mysql_stmt_fetch(query->stmt);
	if (status == MYSQL_NO_DATA)
		return 0;
	if (status == 1) {
		log_err("db: fetch: %s", mysql_stmt_error(query->stmt));
		return -1;
	}
	for (i = 0; i < query->columns; i++) {
		if (query->nulls[i]) {
			continue;
		}
		if (query->lengths[i] >= query->sizes[i]) {
			/* longer than the declared size: grow and fetch that column again */
			char *bigger = realloc(query->buffers[i], query->lengths[i] + 1);

			if (bigger == NULL)
				return -1;
			query->buffers[i] = bigger;
			query->sizes[i] = query->lengths[i] + 1;
			query->result[i].buffer = bigger;
			query->result[i].buffer_length = query->lengths[i];
			if (mysql_stmt_fetch_column(query->stmt, &query->result[i], i, 0) != 0)
				return -1;
			mysql_stmt_bind_result(query->stmt, query->result);
		}
		query->buffers[i][query->lengths[i]] = '\0';
	}
	return 1;
}

const char *
db_text(struct db_query *query, unsigned int col)
{
	if (col >= query->columns || query->nulls[col])
		return NULL;
	return query->buffers[col];
}

unsigned long
db_length(struct db_query *query, unsigned int col)
{
	if (col >= query->columns || query->nulls[col])
		return 0;
	return query->lengths[col];
}

long long
db_int(struct db_query *query, unsigned int col)
{
	const char *text = db_text(query, col);

	return text ? strtoll(text, NULL, 10) : 0;
}

unsigned int
db_warnings(struct db *db)
{
	return db->conn != NULL ? mysql_warning_count(db->conn) : 0;
}

unsigned long long
db_row_count(struct db_query *query)
{
	return query->has_result ? (unsigned long long)mysql_stmt_num_rows(query->stmt) : 0;
}

void
db_seek(struct db_query *query, unsigned long long row)
{
	if (query->has_result)
		mysql_stmt_data_seek(query->stmt, row);
}

void
db_done(struct db_query *query)
{
	if (query->has_result && query->stmt != NULL) {
		mysql_stmt_free_result(query->stmt);
	}
	query->has_result = 0;
}

unsigned long long
db_insert_id(struct db_query *query)
{
	return query->stmt ? mysql_stmt_insert_id(query->stmt) : 0;
}

int
db_rows_to_hdf(struct db_query *query, HDF *hdf, const char *prefix)
{
	int rows = 0, status;
	unsigned int i;
	char name[256];
	HDF *row;

	while ((status = db_fetch(query)) == 1) {
		snprintf(name, sizeof(name), "%s.%d", prefix, rows);
		if (hdf_get_node(hdf, name, &row) != STATUS_OK) {
			db_done(query);
			return -1;
		}
		for (i = 0; i < query->columns; i++) {
			const char *value = db_text(query, i);

			if (value != NULL && hdf_set_value(row, query->names[i], value) != STATUS_OK) {
				db_done(query);
				return -1;
			}
		}
		rows++;
	}
	db_done(query);
	return status < 0 ? -1 : rows;
}

static int
simple_command(struct db *db, const char *sql)
{
	if (db->conn == NULL || mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
		log_err("db: %s: %s", sql,
		    db->conn ? mysql_error(db->conn) : "no connection");
		return -1;
	}
	return 0;
}

int
db_begin(struct db *db)
{
	if (db->conn == NULL || mysql_ping(db->conn) != 0) {
		/* a transaction must start on a live connection: retrying inside
		 * one would silently lose its first half */
		if (reconnect(db) != 0)
			return -1;
	}
	if (simple_command(db, "START TRANSACTION") != 0)
		return -1;
	db->in_transaction = 1;
	return 0;
}

int
db_commit(struct db *db)
{
	int status = simple_command(db, "COMMIT");

	db->in_transaction = 0;
	return status;
}

int
db_rollback(struct db *db)
{
	if (!db->in_transaction)
		return 0;
	db->in_transaction = 0;
	return simple_command(db, "ROLLBACK");
}

int
db_run_script(struct db *db, const char *sql)
{
	int status;

	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
		log_err("db: %s", mysql_error(db->conn));
		return -1;
	}
	do {
		MYSQL_RES *result = mysql_store_result(db->conn);

		if (result != NULL)
			mysql_free_result(result);
		status = mysql_next_result(db->conn);
		if (status > 0) {
			log_err("db: %s", mysql_error(db->conn));
			return -1;
		}
	} while (status == 0);
	return 0;
}

void
db_close(struct db *db)
{
	size_t i;

	close_all(db);
	for (i = 0; i < DB_CACHE_SIZE; i++) {
		free((char *)db->cache[i].sql);
		db->cache[i].sql = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
}
