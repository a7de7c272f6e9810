/*
 * MariaDB Connector/C with prepared statements only. Every result column is
 * given as text from per-statement buffers that grow when a value is
 * longer than the column's declared size. A statement whose columns are all
 * bytes, integers and dates has its rows read here from libmariadb's own,
 * column by column (read_column); one with a float, a time of day, a year
 * or bits is bound, and libmariadb writes those as text.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"

/* How a result column is fetched: as text, or as a number or a time that
 * db_fetch writes out as the server would (libmariadb's own conversion
 * goes through sprintf, for every integer and date of every row). */
enum typed_kind { TYPED_TEXT, TYPED_SIGNED, TYPED_UNSIGNED, TYPED_DATE, TYPED_DATETIME };

/* How a column's value comes in the binary protocol's row, for
 * read_column: bytes after their length, an integer of width bytes, a
 * date's length and fields, or nothing (a NULL column: never set). */
enum wire { WIRE_BYTES, WIRE_INTEGER, WIRE_TIME, WIRE_NOTHING };

struct db_typed {
	enum typed_kind kind;
	enum wire wire;
	unsigned int width;	/* of a WIRE_INTEGER */
	unsigned int decimals;	/* of a DATETIME(n) */
	long long number;
	MYSQL_TIME time;
	int unwritten;		/* the row's value is not yet in the text buffer */
};

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
	free(query->typed);
	free(query->key_binds);
	query->typed = NULL;
	query->key_binds = NULL;
	query->key_bound = 0;
	query->buffers = query->names = NULL;
	query->result = NULL;
	query->sizes = query->lengths = NULL;
	query->nulls = query->truncated = NULL;
	query->columns = 0;
	query->reads_rows = 0;
	query->reading_key = 0;
}

static void
query_close(struct db_query *query)
{
	if (query->stmt != NULL)
		mysql_stmt_close(query->stmt);
	query->stmt = NULL;
	query->has_result = 0;
	query->streaming = 0;
	query_free_result_binds(query);
}

/* Binds a result column of an integer or date type as a number or a time
 * (its text buffer stays for db_fetch to write into); others stay text. */
static void
typed_bind(const MYSQL_FIELD *field, MYSQL_BIND *bind, struct db_typed *typed)
{
	switch (field->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
		typed->kind = (field->flags & UNSIGNED_FLAG) ? TYPED_UNSIGNED : TYPED_SIGNED;
		bind->buffer_type = MYSQL_TYPE_LONGLONG;
		bind->is_unsigned = typed->kind == TYPED_UNSIGNED;
		bind->buffer = &typed->number;
		bind->buffer_length = sizeof(typed->number);
		break;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		typed->kind = field->type == MYSQL_TYPE_DATE ? TYPED_DATE : TYPED_DATETIME;
		typed->decimals = field->decimals <= 6 ? field->decimals : 0;
		bind->buffer_type = field->type == MYSQL_TYPE_DATE ? MYSQL_TYPE_DATE :
		    MYSQL_TYPE_DATETIME;
		bind->buffer = &typed->time;
		bind->buffer_length = sizeof(typed->time);
		break;
	default:
		typed->kind = TYPED_TEXT;
	}
}

/* How the column comes on the wire when this file reads its rows itself
 * (read_column); -1 for the types libmariadb must turn into text (a float,
 * a double, a time of day, a year, bits), whose statements are bound. */
static int
wire_of(const MYSQL_FIELD *field, struct db_typed *typed)
{
	switch (field->type) {
	case MYSQL_TYPE_TINY:
		typed->width = 1;
		break;
	case MYSQL_TYPE_SHORT:
		typed->width = 2;
		break;
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
		typed->width = 4;
		break;
	case MYSQL_TYPE_LONGLONG:
		typed->width = 8;
		break;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		typed->wire = WIRE_TIME;
		return 0;
	case MYSQL_TYPE_NULL:
		typed->wire = WIRE_NOTHING;
		return 0;
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
	case MYSQL_TYPE_ENUM:
	case MYSQL_TYPE_SET:
	case MYSQL_TYPE_JSON:
		typed->wire = WIRE_BYTES;
		return 0;
	default:
		return -1;
	}
	typed->wire = WIRE_INTEGER;
	return 0;
}

/* Writes value as n digits at out, zeros first. */
static char *
put_digits(char *out, unsigned long value, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + value % 10);
		value /= 10;
	}
	return out + n;
}

/* The text of a typed column, as the server writes it, into out (at
 * least 32 bytes). Returns its length. */
static unsigned long
typed_text(const struct db_typed *typed, char *out)
{
	const MYSQL_TIME *t = &typed->time;
	unsigned long long magnitude;
	char digits[24], *p = out;
	int n = 0;

	switch (typed->kind) {
	case TYPED_SIGNED:
	case TYPED_UNSIGNED:
		magnitude = typed->kind == TYPED_UNSIGNED || typed->number >= 0 ?
		    (unsigned long long)typed->number : 0 - (unsigned long long)typed->number;
		if (typed->kind == TYPED_SIGNED && typed->number < 0)
			*p++ = '-';
		do {
			digits[n++] = (char)('0' + magnitude % 10);
			magnitude /= 10;
		} while (magnitude > 0);
		while (n > 0)
			*p++ = digits[--n];
		break;
	case TYPED_DATE:
	case TYPED_DATETIME:
		p = put_digits(p, t->year, 4);
		*p++ = '-';
		p = put_digits(p, t->month, 2);
		*p++ = '-';
		p = put_digits(p, t->day, 2);
		if (typed->kind == TYPED_DATE)
			break;
		*p++ = ' ';
		p = put_digits(p, t->hour, 2);
		*p++ = ':';
		p = put_digits(p, t->minute, 2);
		*p++ = ':';
		p = put_digits(p, t->second, 2);
		if (typed->decimals > 0) {
			char fraction[6];

			put_digits(fraction, t->second_part, 6);
			*p++ = '.';
			memcpy(p, fraction, typed->decimals);
			p += typed->decimals;
		}
		break;
	case TYPED_TEXT:
		break;
	}
	*p = '\0';
	return (unsigned long)(p - out);
}

/* The length before a value's bytes (the protocol's length-encoded
 * integer: one byte below 251, else 252, 253 or 254 and 2, 3 or 8 bytes). */
static unsigned long long
wire_length(const unsigned char **p)
{
	const unsigned char *b = *p;
	unsigned long long length = 0;
	unsigned int k;

	switch (b[0]) {
	case 252:
		length = b[1] | (unsigned long long)b[2] << 8;
		*p += 3;
		return length;
	case 253:
		length = b[1] | (unsigned long long)b[2] << 8 | (unsigned long long)b[3] << 16;
		*p += 4;
		return length;
	case 254:
		for (k = 8; k >= 1; k--)
			length = length << 8 | b[k];
		*p += 9;
		return length;
	default:
		*p += 1;
		return b[0];
	}
}

/* An integer of width bytes, least significant first, signed or not. */
static long long
wire_integer(const unsigned char *p, unsigned int width, int is_signed)
{
	uint32_t low = (uint32_t)p[0];
	uint64_t whole;

	switch (width) {
	case 1:
		return is_signed ? (int8_t)low : (long long)low;
	case 2:
		low |= (uint32_t)p[1] << 8;
		return is_signed ? (int16_t)low : (long long)low;
	case 4:
		low |= (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		return is_signed ? (int32_t)low : (long long)low;
	default:
		low |= (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		whole = (uint64_t)(p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
		    (uint32_t)p[7] << 24) << 32 | low;
		return (long long)whole;
	}
}

/* One column of a fetched row, as libmariadb hands it over (row NULL for
 * SQL NULL; else *row the value, moved past it here): bytes copied into
 * the column's buffer, grown when they do not fit; an integer or a date
 * kept as a number or a time that db_text writes when asked (typed_ready),
 * as the binds did. A row read for its key alone (db_fetch_key) copies
 * nothing else. What libmariadb would have done with binds, without a
 * conversion call and a copy per column: a list's 51 rows of 13 columns
 * were 2,300 instructions a row through binds. */
static void
read_column(void *data, unsigned int column, unsigned char **row)
{
	struct db_query *query = data;
	struct db_typed *typed;
	const unsigned char *p;
	unsigned long long length;

	if (column >= query->columns)
		return;
	typed = &query->typed[column];
	if (row == NULL) {
		query->nulls[column] = 1;
		return;
	}
	query->nulls[column] = 0;
	p = *row;
	switch (typed->wire) {
	case WIRE_INTEGER:
		typed->number = wire_integer(p, typed->width, typed->kind == TYPED_SIGNED);
		typed->unwritten = 1;
		*row += typed->width;
		return;
	case WIRE_TIME:
		length = *p++;
		memset(&typed->time, 0, sizeof(typed->time));
		if (length >= 4) {
			typed->time.year = (unsigned int)(p[0] | p[1] << 8);
			typed->time.month = p[2];
			typed->time.day = p[3];
		}
		if (length >= 7 && typed->kind == TYPED_DATETIME) {
			typed->time.hour = p[4];
			typed->time.minute = p[5];
			typed->time.second = p[6];
		}
		if (length >= 11 && typed->kind == TYPED_DATETIME)
			typed->time.second_part = (unsigned long)p[7] | (unsigned long)p[8] << 8 |
			    (unsigned long)p[9] << 16 | (unsigned long)p[10] << 24;
		typed->unwritten = 1;
		*row += 1 + length;
		return;
	case WIRE_NOTHING:
		return;
	case WIRE_BYTES:
		break;
	}
	length = wire_length(&p);
	*row = (unsigned char *)p + length;
	if (query->reading_key != 0 && column != query->reading_key - 1)
		return;
	if (length >= query->sizes[column]) {
		char *bigger = length < 0x7fffffffUL ? realloc(query->buffers[column], length + 1) : NULL;

		if (bigger == NULL) {
			query->read_failed = 1;
			query->nulls[column] = 1;
			return;
		}
		query->buffers[column] = bigger;
		query->sizes[column] = (unsigned long)length + 1;
	}
	memcpy(query->buffers[column], p, length);
	query->buffers[column][length] = '\0';
	query->lengths[column] = (unsigned long)length;
}

/* Sets up text buffers for the result columns of a prepared statement
 * (none for a statement without a result). 0, or -1 with the statement
 * closed when out of memory. */
static int
describe_result(struct db_query *query)
{
	MYSQL_RES *meta;
	unsigned int i;
	int bound = 0;

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
	query->typed = calloc(query->columns, sizeof(struct db_typed));
	if (!query->names || !query->buffers || !query->result || !query->sizes ||
	    !query->lengths || !query->nulls || !query->truncated || !query->typed) {
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
		typed_bind(field, &query->result[i], &query->typed[i]);
		if (wire_of(field, &query->typed[i]) != 0)
			bound = 1;
	}
	mysql_free_result(meta);
	/* libmariadb calls read_column for each column of each row instead of
	 * converting into binds (unless binds are set: executed leaves them) */
	query->reads_rows = !bound &&
	    mysql_stmt_attr_set(query->stmt, STMT_ATTR_CB_USER_DATA, query) == 0 &&
	    mysql_stmt_attr_set(query->stmt, STMT_ATTR_CB_RESULT, (void *)read_column) == 0;
	return 0;
}

/* Prepares one statement and sets up text buffers for its result columns. */
static int
query_prepare(struct db *db, struct db_query *query)
{
	if (query->sql == NULL) {
		/* a gap in a program's table: an enum entry without its SQL */
		log_err("db: a statement of a table has no SQL");
		return -1;
	}
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
	return describe_result(query);
}

static int
prepare_all(struct db *db)
{
	int t;
	size_t i;

	for (t = 0; t < db->table_count && !db->lazy; t++)
		for (i = 0; i < db->table_sizes[t]; i++)
			if (query_prepare(db, &db->tables[t][i]) != 0)
				return -1;
	/* a cached statement that no longer prepares is dropped, not fatal:
	 * it is prepared again, or its error reported, when next asked for.
	 * A lazy connection's are prepared as they next run, as its tables'
	 * are. */
	for (i = 0; i < DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE && !db->lazy; i++)
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
	for (i = 0; i < DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE; i++)
		query_close(&db->cache[i]);
}

/* 1 when the server is a Galera node: wsrep_on is set, or the node is
 * not ready yet (1047, which only Galera answers). A server built without
 * Galera has no wsrep_on (1193): 0. */
static int
cluster_node(MYSQL *conn)
{
	MYSQL_RES *result;
	MYSQL_ROW row;
	int on = 0;

	if (mysql_query(conn, "SELECT @@wsrep_on") != 0)
		return mysql_errno(conn) == ER_UNKNOWN_COM_ERROR;
	result = mysql_store_result(conn);
	if (result == NULL)
		return 0;
	row = mysql_fetch_row(result);
	on = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0;
	mysql_free_result(result);
	return on;
}

/* Opens the connection; quiet leaves the logging of a failure to the caller
 * (reconnect logs only its last attempt). */
static int
open_connection(struct db *db, int quiet)
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
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO',"
	    " group_concat_max_len = 1048576");	/* an export's groups: 1 KB cut them */
	if (mysql_real_connect(db->conn, socket ? NULL : host,
	    hdf_get_value(c, "Database.User", NULL),
	    hdf_get_value(c, "Database.Password", NULL),
	    hdf_get_value(c, "Database.Name", "fidele"), port, socket,
	    db->client_flags) == NULL) {
		if (!quiet)
			log_err("db: cannot connect: %s", mysql_error(db->conn));
		db->connect_errno = mysql_errno(db->conn);
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	db->cluster_node = cluster_node(db->conn);
	return 0;
}

/* Database.ReconnectMilliseconds, DB_RECONNECT_MS when unset, at most a
 * minute. */
static int
reconnect_window(HDF *config)
{
	int ms = hdf_get_int_value(config, "Database.ReconnectMilliseconds", DB_RECONNECT_MS);

	return ms < 0 ? 0 : ms > 60000 ? 60000 : ms;
}

static int connection_lost(unsigned int code);
static int reconnect(struct db *db);

/* The first connection of a program that starts while the server does not
 * answer (a server restarting, a machine booting with the pools before
 * MariaDB) keeps trying for the reconnect window, as a lost one does: a
 * worker started as the server restarted stopped at once, and no mail left
 * until someone started it again. A server that answers and refuses (a
 * wrong password, no such database) is told at once. */
static int
first_connection(struct db *db)
{
	if (open_connection(db, 1) == 0)
		return DB_OK;
	if (!connection_lost(db->connect_errno) && db->connect_errno != CR_CONN_HOST_ERROR) {
		open_connection(db, 0);		/* to log why, and in case it answers now */
		return db->conn != NULL ? DB_OK : DB_ERROR;
	}
	return reconnect(db) == 0 ? DB_OK : DB_ERROR;
}

int
db_connect(struct db *db, HDF *config)
{
	memset(db, 0, sizeof(*db));
	db->config = config;
	db->reconnect_ms = reconnect_window(config);
	return first_connection(db);
}

int
db_connect_for_scripts(struct db *db, HDF *config)
{
	memset(db, 0, sizeof(*db));
	db->config = config;
	db->reconnect_ms = reconnect_window(config);
	db->client_flags = CLIENT_MULTI_STATEMENTS;
	return first_connection(db);
}

int
db_register(struct db *db, struct db_query *table, size_t n)
{
	size_t i;
	int t;

	for (t = 0; t < db->table_count; t++)
		if (db->tables[t] == table)
			return 0;   /* registered on an earlier use: prepared, or re-prepared on reconnect */
	if (db->table_count == DB_MAX_TABLES)
		return -1;
	db->tables[db->table_count] = table;
	db->table_sizes[db->table_count] = n;
	db->table_count++;
	if (db->conn == NULL)
		return -1;
	for (i = 0; i < n && !db->lazy; i++)
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

/* The statement for sql among cache slots [from, to): found, or prepared
 * in place of the least recently used. */
static struct db_query *
cache_find(struct db *db, const char *sql, size_t from, size_t to)
{
	struct db_query *query;
	size_t i, oldest = from;

	for (i = from; i < to; i++) {
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
	/* a lazy connection's is prepared as it runs */
	if (!db->lazy && query_prepare(db, query) != 0) {
		free((char *)query->sql);
		query->sql = NULL;
		return NULL;
	}
	db->cache_used[oldest] = ++db->cache_clock;
	return query;
}

struct db_query *
db_cached(struct db *db, const char *sql)
{
	return cache_find(db, sql, 0, DB_CACHE_SIZE);
}

/* 1047, "WSREP has not yet prepared node for application use": a Galera
 * node that is starting, joining the cluster or cut off from its majority
 * takes connections but runs nothing; it will, in a few seconds. */
static int
node_not_ready(unsigned int code)
{
	return code == ER_UNKNOWN_COM_ERROR;
}

/* A node that takes connections but cannot run statements yet (Galera). */
static int
connection_not_ready(MYSQL *conn)
{
	MYSQL_RES *result;

	if (mysql_query(conn, "SELECT 1") != 0)
		return node_not_ready(mysql_errno(conn));
	result = mysql_store_result(conn);
	if (result != NULL)
		mysql_free_result(result);
	return 0;
}

/* Is this error one that a fresh connection cures? A socket that broke
 * under a statement sent in one write with its prepare (exec_direct) is
 * named by the write or the read that failed (CR_ERR_NET_WRITE: "Broken
 * pipe" when the server shut down just after the connection was made). */
static int
connection_lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == CR_ERR_NET_WRITE || code == CR_ERR_NET_READ ||
	    code == CR_CONNECTION_ERROR || code == ER_CONNECTION_KILLED ||
	    code == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */ ||
	    code == ER_UNKNOWN_STMT_HANDLER || code == ER_SERVER_SHUTDOWN ||
	    node_not_ready(code);
}

static double
monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1000 + (double)now.tv_nsec / 1e6;
}

/* Closes the connection and every statement on it; their texts stay for
 * reconnect. */
static void
disconnect(struct db *db)
{
	close_all(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->stream = NULL;
}

/* The connection died inside a transaction: the server rolls the
 * transaction back when it sees the connection gone, and a COMMIT can
 * never reach it. It is closed here, so that no later statement of the
 * transaction reconnects and runs on its own, and the loss is remembered
 * for the core (db_request_repeatable). in_transaction stays set until
 * db_rollback. */
static void
transaction_lost(struct db *db)
{
	db->lost_in_transaction = 1;
	db->aborted = 1;
	disconnect(db);
}

/* Error 1213: the server rolled the whole transaction back, to break an
 * InnoDB deadlock or, on Galera, because another node committed a change
 * to the same rows first (certification conflict, or a brute-force abort
 * of a transaction that held what a replicated one needed). Nothing of it
 * was written, and the connection is fine.
 * Error 1467 ("Failed to read auto-increment value"): InnoDB's answer to
 * an INSERT whose wait for a table's AUTO-INC lock (held to its end by an
 * INSERT ... SELECT) ended in a deadlock, the transaction rolled back as
 * for 1213 — or in a lock wait timeout, the statement alone: the caller's
 * ROLLBACK (db_rollback) undoes the rest, so both are treated alike. */
static int
rolled_back(unsigned int code)
{
	return code == ER_LOCK_DEADLOCK || code == ER_AUTOINC_READ_FAILED;
}

/* Opens a fresh connection and prepares every statement again. A server
 * that is restarting refuses connections (no socket yet, or "shutdown in
 * progress") for a few tenths of a second: keep trying, with short sleeps,
 * for DB_RECONNECT_MS before failing the request. */
static int
reconnect(struct db *db)
{
	double deadline = monotonic_ms() + db->reconnect_ms;
	long pause_ms = 20;

	disconnect(db);
	for (;;) {
		struct timespec pause;
		int last = monotonic_ms() + (double)pause_ms > deadline;

		/* only the last attempt's error is logged */
		if (open_connection(db, !last) == 0) {
			if (!connection_not_ready(db->conn))
				break;
			mysql_close(db->conn);
			db->conn = NULL;
		}
		if (last) {
			log_err("db: no usable connection for %d ms", db->reconnect_ms);
			return DB_ERROR;
		}
		pause.tv_sec = 0;
		pause.tv_nsec = pause_ms * 1000000L;
		nanosleep(&pause, NULL);
		if (pause_ms < 200)
			pause_ms *= 2;
	}
	log_warn("db: reconnected");
	if (prepare_all(db) != 0)
		return -1;
	/* another node's commits, on a node that was away */
	db_catch_up(db);
	return 0;
}

/* The stream owns the connection: anything else sent now would fail with
 * "commands out of sync" and lose the stream. */
static int
stream_in_the_way(struct db *db, const char *what)
{
	if (db->stream == NULL)
		return 0;
	log_err("db: %s while a stream is open on this connection", what);
	return 1;
}

/* The parameters as binds: into small (32) when they fit, else calloc'd;
 * NULL when out of memory. */
static MYSQL_BIND *
bind_params(const struct db_param *params, size_t n, MYSQL_BIND small[32])
{
	MYSQL_BIND *binds = small;
	size_t i;

	/* bulk statements (seed-demo, imports) bind thousands */
	if (n > 32 && (binds = calloc(n, sizeof(MYSQL_BIND))) == NULL)
		return NULL;
	if (n <= 32)	/* only those it binds: all 32 are 3.5 KB on every statement */
		memset(small, 0, n * sizeof(MYSQL_BIND));
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
	return binds;
}

/* After an execution: binds and buffers the result (or leaves it on the
 * server for a stream). Returns affected rows or -1 with *code set. */
static long long
executed(struct db_query *query, int stream, unsigned int *code)
{
	if (query->columns > 0) {
		/* a stream leaves the rows on the server side of the socket */
		query->key_bound = 0;
		if ((!query->reads_rows && mysql_stmt_bind_result(query->stmt, query->result) != 0) ||
		    (!stream && mysql_stmt_store_result(query->stmt) != 0)) {
			*code = mysql_stmt_errno(query->stmt);
			return -1;
		}
		query->has_result = 1;
		return 0;
	}
	return (long long)mysql_stmt_affected_rows(query->stmt);
}

/* Binds, executes and buffers a prepared statement. Returns affected rows
 * or -1; *code gets the server's error number. */
static long long
exec_once(struct db_query *query, const struct db_param *params, size_t n,
    int stream, unsigned int *code)
{
	MYSQL_BIND small[32], *binds;
	int failed;

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
	if ((binds = bind_params(params, n, small)) == NULL)
		return -1;
	failed = (n > 0 && mysql_stmt_bind_param(query->stmt, binds) != 0) ||
	    mysql_stmt_execute(query->stmt) != 0;
	if (binds != small)
		free(binds);
	if (failed) {
		*code = mysql_stmt_errno(query->stmt);
		return -1;
	}
	return executed(query, stream, code);
}

/* A lazy connection's statement at its first use (and after each
 * reconnect): prepared and executed in one round trip, where preparing
 * first and executing then costs two; a program started as plain CGI runs
 * a handful of statements, each once. As exec_once; a statement that does
 * not prepare is left unprepared. */
static long long
exec_direct(struct db *db, struct db_query *query, const struct db_param *params, size_t n,
    int stream, unsigned int *code)
{
	MYSQL_BIND small[32], *binds;
	unsigned int count = (unsigned int)n;
	int failed;

	*code = 0;
	if (db->conn == NULL) {
		*code = CR_SERVER_GONE_ERROR;
		return -1;
	}
	snprintf(db->direct_error, sizeof(db->direct_error), "out of memory");
	log_debug("db: prepare and execute: %s", query->sql);
	if ((binds = bind_params(params, n, small)) == NULL)
		return -1;
	if ((query->stmt = mysql_stmt_init(db->conn)) == NULL) {
		if (binds != small)
			free(binds);
		return -1;
	}
	/* the parameters are bound before the statement is known */
	failed = mysql_stmt_attr_set(query->stmt, STMT_ATTR_PREBIND_PARAMS, &count) != 0 ||
	    (n > 0 && mysql_stmt_bind_param(query->stmt, binds) != 0) ||
	    mariadb_stmt_execute_direct(query->stmt, query->sql, strlen(query->sql)) != 0;
	if (binds != small)
		free(binds);
	if (failed) {
		/* its words for exec_named, which closing the statement clears */
		*code = mysql_stmt_errno(query->stmt);
		snprintf(db->direct_error, sizeof(db->direct_error), "%s",
		    mysql_stmt_error(query->stmt));
		query_close(query);
		return -1;
	}
	if (n != mysql_stmt_param_count(query->stmt)) {
		/* as exec_once refuses it, though the server has run it */
		snprintf(db->direct_error, sizeof(db->direct_error), "%zu parameters for %lu", n,
		    mysql_stmt_param_count(query->stmt));
		query_close(query);
		return -1;
	}
	if (describe_result(query) != 0)
		return -1;
	return executed(query, stream, code);
}

/* A statement run once: directly on a lazy connection when not prepared
 * yet, else as prepared. */
static long long
run_once(struct db *db, struct db_query *query, const struct db_param *params, size_t n,
    int stream, unsigned int *code)
{
	if (query->stmt == NULL && db->lazy && query->sql != NULL)
		return exec_direct(db, query, params, n, stream, code);
	return exec_once(query, params, n, stream, code);
}

/* db_exec and db_stream_open: runs, reconnects and runs again once when the
 * connection was lost outside a transaction, names the failure. */
static long long
exec_named(struct db *db, struct db_query *query, const struct db_param *params,
    size_t n, int stream)
{
	unsigned int code;
	long long rows;

	if (stream_in_the_way(db, "a statement"))
		return DB_ERROR;
	if (db->in_transaction && db->aborted) {
		/* the rest of a rolled back transaction would run on its own */
		log_err("db: not run, its transaction was rolled back: %s",
		    query->sql ? query->sql : "(a statement)");
		return DB_ERROR;
	}
	rows = run_once(db, query, params, n, stream, &code);
	/* a Galera node that is leaving the cluster (shut down, cut off) may
	 * answer one statement and refuse the next (1047) on the connection
	 * just opened: keep trying for the reconnect window, as for a server
	 * that is not there yet */
	if (rows < 0 && connection_lost(code) && !db->in_transaction) {
		double deadline = monotonic_ms() + db->reconnect_ms;

		while (reconnect(db) == 0) {
			struct timespec pause = { 0, 50 * 1000000L };

			rows = run_once(db, query, params, n, stream, &code);
			if (rows >= 0 || !connection_lost(code) || monotonic_ms() > deadline)
				break;
			nanosleep(&pause, NULL);
		}
	}
	/* one statement on its own, rolled back whole: it can simply run
	 * again (Galera already tries wsrep_retry_autocommit times) */
	if (rows < 0 && rolled_back(code) && !db->in_transaction) {
		log_warn("db: a statement met a deadlock or a cluster conflict: running it again");
		rows = run_once(db, query, params, n, stream, &code);
	}
	if (rows < 0) {
		if (code == ER_DUP_ENTRY)
			return DB_DUPLICATE;
		if (rolled_back(code) && db->in_transaction) {
			log_warn("db: the transaction met a deadlock or a cluster conflict and was"
			    " rolled back by the server, in: %s", query->sql ? query->sql : "?");
			db->lost_in_transaction = 1;
			db->aborted = 1;
			return DB_ERROR;
		}
		log_err("db: error %u: %s in: %s", code,
		    query->stmt ? mysql_stmt_error(query->stmt) :
		    db->lazy && db->conn ? db->direct_error : "no connection",
		    query->sql ? query->sql : "(a statement that no longer prepares)");
		if (connection_lost(code) && db->in_transaction)
			transaction_lost(db);
		return code == ER_FILSORT_ABORT ? DB_SORT_ABORTED : DB_ERROR;
	}
	/* a change outside a transaction is durable at once */
	if (!db->in_transaction && query->columns == 0 && rows > 0)
		db->wrote = 1;
	return rows;
}

long long
db_exec(struct db *db, struct db_query *query, const struct db_param *params, size_t n)
{
	return exec_named(db, query, params, n, 0);
}

int
db_stream_open(struct db *db, struct db_query *query, const struct db_param *params,
    size_t n)
{
	if (exec_named(db, query, params, n, 1) < 0)
		return DB_ERROR;
	if (query->has_result) {
		query->streaming = 1;
		db->stream = query;
	}
	return DB_OK;
}

void
db_stream_close(struct db *db, struct db_query *query)
{
	db_done(query);
	if (db->stream == query)
		db->stream = NULL;
}

void
db_stream_abandon(struct db *db, struct db_query *query)
{
	if (db->stream != query) {
		db_stream_close(db, query);
		return;
	}
	/* the connection first: closing a statement with rows unread reads
	 * them all (a million of them: seconds), while a closed connection
	 * makes its statements forget the server, and the server stops
	 * sending when it sees the socket gone */
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	close_all(db);
	db->stream = NULL;
}

/* "head" + count times group (comma-separated) + "tail", malloc'd. */
char *
db_sql_repeat(const char *head, const char *group, size_t count, const char *tail)
{
	size_t head_len = strlen(head), group_len = strlen(group), i;
	char *sql = malloc(head_len + count * (group_len + 1) + strlen(tail) + 1), *p;

	if (sql == NULL)
		return NULL;
	memcpy(sql, head, head_len);
	p = sql + head_len;
	for (i = 0; i < count; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, group, group_len);
		p += group_len;
	}
	strcpy(p, tail);
	return sql;
}

/* Multi-row statements rather than array binding (STMT_ATTR_ARRAY_SIZE):
 * python3 bench/db-insert.py, 200,000 customer-like rows (5 columns, unique
 * (shop_id, email)) into a fresh InnoDB table, commit every 10,000 rows,
 * median of 5 interleaved runs on the 2 shared cores (2026-11-30, other
 * builds running), as a fraction of LOAD DATA INFILE (99,500 rows/s):
 *   multi-row    100 rows/statement 0.84, 250: 1.03, 1000: 1.06
 *   array binding 100 rows/execute 0.89, 250: 0.93, 1000: 0.95
 *   one row per execute 0.13
 * Multi-row is at least as fast, binds NULLs and mixed types per row with
 * the ordinary binding, and needs no per-column arrays; 250 rows is within
 * the noise of 1000 with statements a quarter the size (placeholders are
 * capped at 65,535 per statement). */
long long
db_insert_rows(struct db *db, const char *head, unsigned int columns,
    const struct db_param *params, size_t rows)
{
	return db_insert_rows_as(db, head, NULL, columns, params, rows, NULL);
}

long long
db_insert_rows_as(struct db *db, const char *head, const char *group, unsigned int columns,
    const struct db_param *params, size_t rows, unsigned long long *first_id)
{
	char plain[2 + 2 * 64], *sql, *head_values;
	long long total = 0, done;
	size_t from, count;
	unsigned int c;

	if (first_id != NULL)
		*first_id = 0;
	if (columns == 0 || columns > 64)
		return DB_ERROR;
	if (group == NULL) {
		for (c = 0; c < columns; c++) {
			plain[1 + 2 * c] = '?';
			plain[2 + 2 * c] = ',';
		}
		plain[0] = '(';
		plain[2 * columns] = ')';
		plain[2 * columns + 1] = '\0';
		group = plain;
	}
	head_values = db_sql_repeat(head, " VALUES ", 1, "");
	if (head_values == NULL)
		return DB_ERROR;
	for (from = 0; from < rows; from += count) {
		struct db_query *query;

		count = rows - from < DB_INSERT_BATCH ? rows - from : DB_INSERT_BATCH;
		sql = db_sql_repeat(head_values, group, count, "");
		if (sql == NULL) {
			free(head_values);
			return DB_ERROR;
		}
		/* a cache of their own: a batch's tail must not push the list's
		 * statements out */
		query = cache_find(db, sql, DB_CACHE_SIZE, DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE);
		free(sql);
		if (query == NULL) {
			free(head_values);
			return DB_ERROR;
		}
		done = db_exec(db, query, params + from * columns, count * columns);
		if (done < 0) {
			free(head_values);
			return done;
		}
		if (from == 0 && first_id != NULL)
			*first_id = db_insert_id(query);
		total += done;
	}
	free(head_values);
	return total;
}

/* Binds the result of query's statement to binds (logged on failure). */
static int
bind_results(struct db_query *query, MYSQL_BIND *binds)
{
	if (mysql_stmt_bind_result(query->stmt, binds) != 0) {
		log_err("db: bind: %s", mysql_stmt_error(query->stmt));
		return -1;
	}
	return 0;
}

/* Moves to the next row into the bound buffers: 1, 0 at the end, -1 on
 * error (logged). */
static int
fetch_next(struct db_query *query)
{
	int status = mysql_stmt_fetch(query->stmt);

	if (status == MYSQL_NO_DATA)
		return 0;
	if (status == 1) {
		log_err("db: fetch: %s", mysql_stmt_error(query->stmt));
		return -1;
	}
	return 1;
}

int
db_fetch(struct db_query *query)
{
	int status, grown = 0;
	unsigned int i;

	if (!query->has_result)
		return 0;
	if (query->reads_rows) {
		query->read_failed = 0;
		if ((status = fetch_next(query)) != 1)
			return status;
		return query->read_failed ? -1 : 1;
	}
	if (query->key_bound != 0) {
		/* after db_fetch_key: every column read again */
		if (bind_results(query, query->result) != 0)
			return -1;
		query->key_bound = 0;
	}
	if ((status = fetch_next(query)) != 1)
		return status;
	for (i = 0; i < query->columns; i++) {
		if (query->nulls[i]) {
			continue;
		}
		if (query->typed[i].kind != TYPED_TEXT) {
			/* written as text when it is asked for (typed_ready): the
			 * list reads its dates and money as numbers */
			query->typed[i].unwritten = 1;
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
			grown = 1;
		}
		query->buffers[i][query->lengths[i]] = '\0';
	}
	/* the grown buffers for the next rows, once the row is read: binding
	 * again drops the row's place in the result, and a second long
	 * column of the same row read as NULL */
	return grown && bind_results(query, query->result) != 0 ? -1 : 1;
}

int
db_fetch_key(struct db_query *query, unsigned int col, long long *value)
{
	unsigned int i;
	int status;

	*value = 0;
	if (!query->has_result || query->streaming || col >= query->columns ||
	    (query->typed[col].kind != TYPED_SIGNED && query->typed[col].kind != TYPED_UNSIGNED)) {
		status = db_fetch(query);
		if (status == 1)
			*value = db_int(query, col);
		return status;
	}
	if (query->reads_rows) {
		query->reading_key = col + 1;
		status = fetch_next(query);
		query->reading_key = 0;
		if (status == 1 && !query->nulls[col])
			*value = query->typed[col].number;
		return status;
	}
	if (query->key_bound != col + 1) {
		if (query->key_binds == NULL &&
		    (query->key_binds = calloc(query->columns, sizeof(MYSQL_BIND))) == NULL)
			return -1;
		memcpy(query->key_binds, query->result, query->columns * sizeof(MYSQL_BIND));
		for (i = 0; i < query->columns; i++)
			if (i != col)
				query->key_binds[i].flags |= MADB_BIND_DUMMY;
		if (bind_results(query, query->key_binds) != 0)
			return -1;
		query->key_bound = col + 1;
	}
	if ((status = fetch_next(query)) != 1)
		return status;
	if (!query->nulls[col])
		*value = query->typed[col].number;
	return 1;
}

/* Writes a number or a time of the current row into its text buffer, the
 * first time it is asked for. */
static void
typed_ready(struct db_query *query, unsigned int col)
{
	if (query->typed[col].unwritten) {
		query->lengths[col] = typed_text(&query->typed[col], query->buffers[col]);
		query->typed[col].unwritten = 0;
	}
}

const char *
db_text(struct db_query *query, unsigned int col)
{
	if (col >= query->columns || query->nulls[col])
		return NULL;
	typed_ready(query, col);
	return query->buffers[col];
}

const char *
db_text_or(struct db_query *query, unsigned int col, const char *fallback)
{
	const char *text = db_text(query, col);

	return text != NULL ? text : fallback;
}

unsigned long
db_length(struct db_query *query, unsigned int col)
{
	if (col >= query->columns || query->nulls[col])
		return 0;
	typed_ready(query, col);
	return query->lengths[col];
}

long long
db_int(struct db_query *query, unsigned int col)
{
	if (col >= query->columns || query->nulls[col])
		return 0;
	if (query->typed[col].kind == TYPED_SIGNED || query->typed[col].kind == TYPED_UNSIGNED)
		return query->typed[col].number;
	return strtoll(db_text(query, col), NULL, 10);
}

int
db_datetime(struct db_query *query, unsigned int col, int utc[6])
{
	const MYSQL_TIME *t;

	if (col >= query->columns || query->nulls[col] || query->typed[col].kind != TYPED_DATETIME)
		return -1;
	t = &query->typed[col].time;
	utc[0] = (int)t->year;
	utc[1] = (int)t->month;
	utc[2] = (int)t->day;
	utc[3] = (int)t->hour;
	utc[4] = (int)t->minute;
	utc[5] = (int)t->second;
	return 0;
}

unsigned int
db_warnings(struct db *db)
{
	return db->conn != NULL ? mysql_warning_count(db->conn) : 0;
}

unsigned long long
db_row_count(struct db_query *query)
{
	/* a stream does not know its rows before reading them all */
	return query->has_result && !query->streaming ?
	    (unsigned long long)mysql_stmt_num_rows(query->stmt) : 0;
}

void
db_seek(struct db_query *query, unsigned long long row)
{
	/* not on an empty result: libmariadb's seek then leaves the statement
	 * fetching nothing, and the connection's next statement waited for
	 * an answer forever */
	if (query->has_result && !query->streaming && mysql_stmt_num_rows(query->stmt) > 0)
		mysql_stmt_data_seek(query->stmt, row);
}

void
db_done(struct db_query *query)
{
	if (query->has_result && query->stmt != NULL) {
		mysql_stmt_free_result(query->stmt);
	}
	query->has_result = 0;
	query->streaming = 0;
}

unsigned long long
db_insert_id(struct db_query *query)
{
	return query->stmt ? mysql_stmt_insert_id(query->stmt) : 0;
}

long long
db_insert_id_step(struct db *db)
{
	struct db_query *query = db_cached(db, "SELECT @@auto_increment_increment");
	long long step = DB_ERROR;

	if (query == NULL || db_exec(db, query, NULL, 0) < 0)
		return DB_ERROR;
	if (db_fetch(query) == 1)
		step = db_int(query, 0);
	db_done(query);
	if (step < 1) {
		log_err("db: no auto_increment_increment");
		return DB_ERROR;
	}
	return step;
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
	if (stream_in_the_way(db, sql))
		return DB_ERROR;
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
	if (stream_in_the_way(db, "START TRANSACTION"))
		return DB_ERROR;
	if (db->conn == NULL || mysql_ping(db->conn) != 0) {
		/* a transaction must start on a live connection: retrying inside
		 * one would silently lose its first half */
		if (reconnect(db) != 0)
			return -1;
	}
	if (simple_command(db, "START TRANSACTION") != 0) {
		/* dead between the ping and here: nothing was begun */
		if (db->conn != NULL && connection_lost(mysql_errno(db->conn)))
			transaction_lost(db);
		return -1;
	}
	db->in_transaction = 1;
	db->aborted = 0;
	return 0;
}

int
db_commit(struct db *db)
{
	int status;

	if (db->conn == NULL || db->aborted) {
		/* the transaction was lost with its connection, or rolled back
		 * by the server: a COMMIT would commit nothing and say yes */
		db->in_transaction = 0;
		db->aborted = 0;
		log_err("db: COMMIT: the transaction was %s", db->conn == NULL ?
		    "lost with its connection" : "rolled back by the server");
		if (db->conn != NULL)
			simple_command(db, "ROLLBACK");
		return DB_ERROR;
	}
	status = simple_command(db, "COMMIT");
	db->in_transaction = 0;
	if (status == 0)
		db->wrote = 1;
	else if (rolled_back(mysql_errno(db->conn))) {
		/* Galera's certification refused it at COMMIT: nothing of it
		 * was written anywhere, the request may run again */
		log_warn("db: COMMIT met a cluster conflict: the transaction was rolled back");
		db->lost_in_transaction = 1;
	} else if (connection_lost(mysql_errno(db->conn))) {
		/* the server may have committed before the answer was lost:
		 * the request must not run again */
		db->wrote = 1;
		disconnect(db);
	}
	return status;
}

int
db_rollback(struct db *db)
{
	/* every request ends here: a stream its handler left open goes too */
	if (db->stream != NULL)
		db_stream_close(db, db->stream);
	if (!db->in_transaction)
		return 0;
	db->in_transaction = 0;
	db->aborted = 0;
	/* a lost transaction is rolled back by the server already */
	if (db->conn == NULL)
		return 0;
	return simple_command(db, "ROLLBACK");
}

void
db_request_start(struct db *db)
{
	db->lost_in_transaction = 0;
	db->wrote = 0;
}

int
db_request_repeatable(const struct db *db)
{
	return db->lost_in_transaction && !db->wrote;
}

void
db_catch_up(struct db *db)
{
	MYSQL_RES *result;

	if (!db->cluster_node || db->conn == NULL || db->in_transaction || db->stream != NULL)
		return;
	if (mysql_query(db->conn, "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1") != 0) {
		log_warn("db: the node did not catch up with the cluster: %s",
		    mysql_error(db->conn));
		return;
	}
	result = mysql_store_result(db->conn);
	if (result != NULL)
		mysql_free_result(result);
}

int
db_ensure_connection(struct db *db)
{
	if (db->conn != NULL)
		return DB_OK;
	return reconnect(db) == 0 ? DB_OK : DB_ERROR;
}

int
db_run_script(struct db *db, const char *sql)
{
	int status;

	if (!(db->client_flags & CLIENT_MULTI_STATEMENTS)) {
		log_err("db: a script needs db_connect_for_scripts");
		return DB_ERROR;
	}
	if (db->conn == NULL || mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
		log_err("db: %s", db->conn ? mysql_error(db->conn) : "no connection");
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
	for (i = 0; i < DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE; i++) {
		free((char *)db->cache[i].sql);
		db->cache[i].sql = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
}
