/*
 * The database layer: one connection per process, statements prepared once
 * per process from tables the programs declare, bound parameters only.
 *
 * A program declares its SQL as a table of struct db_query indexed by an enum
 * and registers it with db_register(); db_exec() runs one with parameters.
 * Results come back as text (NULL for SQL NULL) owned by the query until the
 * next db_exec or db_done on it. When the server went away (restart, timeout)
 * db_exec reconnects, prepares every table again and retries once, unless a
 * transaction was open: then it fails, the connection is dropped and the
 * loss remembered (lost_in_transaction), and the core runs the request
 * again when nothing of it was written (app.c, handler_run). A transaction
 * the server rolled back whole (error 1213: an InnoDB deadlock, or on a
 * Galera cluster a certification conflict with another node's commit,
 * reported at the statement or at COMMIT) counts the same: nothing more of
 * it runs, its COMMIT fails, and the core runs the request again; a
 * statement outside a transaction that meets one is run again here.
 * A reconnect keeps trying for DB_RECONNECT_MS (a restarting server refuses
 * connections for a few tenths of a second), so a restart costs no page.
 *
 * Failures are the negative values of enum db_status: a caller that only
 * needs "did it work" tests < 0, one that must tell a duplicate from a
 * failure compares with the names.
 */
#ifndef FIDELE_DB_H
#define FIDELE_DB_H

#include <stddef.h>

#include <mysql.h>

#include "clearsilver.h"

/* What a database call returns when it did not simply work. Every failure
 * is negative, so "< 0" still means failed. */
enum db_status {
	DB_OK = 0,
	DB_ERROR = -1,		/* logged: server error, lost connection, bad call */
	DB_DUPLICATE = -2,	/* a unique key refused the row (not logged) */
	DB_SORT_ABORTED = -3	/* a sort cut short by LIMIT ROWS EXAMINED or for
				 * want of room (logged): a caller that set the
				 * limit can fall back */
};

/* How long a lost connection is retried before a call fails: a MariaDB
 * restart refuses connections for 0.3-0.4 s. Database.ReconnectMilliseconds
 * changes it (a Galera node that restarts takes some seconds to rejoin:
 * README, "Several web servers (Galera)"). */
#define DB_RECONNECT_MS 2000

struct db_query {
	const char *sql;
	/* filled by db_register / db_exec */
	MYSQL_STMT *stmt;
	unsigned int columns;
	char **names;
	MYSQL_BIND *result;
	char **buffers;
	unsigned long *sizes;
	unsigned long *lengths;
	my_bool *nulls;
	my_bool *truncated;
	/* integer and date columns are fetched as numbers and times (struct
	 * db_typed, in db.c) and written out as text by db_fetch */
	struct db_typed *typed;
	/* the binds of db_fetch_key: every column but one left unread */
	MYSQL_BIND *key_binds;
	unsigned int key_bound;	/* bound for column key_bound - 1; 0: not */
	/* rows read column by column from libmariadb's own (db.c, read_column)
	 * rather than converted into the binds, when every column's type
	 * allows it */
	int reads_rows;
	unsigned int reading_key;	/* db_fetch_key's column + 1: only it read */
	int read_failed;		/* a value found no memory */
	int has_result;
	int streaming;		/* rows come from the server as fetched */
};

enum db_param_type { DB_PARAM_NULL, DB_PARAM_INT, DB_PARAM_TEXT, DB_PARAM_BLOB };

struct db_param {
	enum db_param_type type;
	long long number;
	const char *text;
	unsigned long length;	/* for BLOB; TEXT uses strlen */
};

#define DB_NULL ((struct db_param){ DB_PARAM_NULL, 0, NULL, 0 })
#define DB_INT(v) ((struct db_param){ DB_PARAM_INT, (long long)(v), NULL, 0 })
#define DB_TEXT(s) db_text_param(s)
#define DB_BLOB(p, n) ((struct db_param){ DB_PARAM_BLOB, 0, (const char *)(p), (n) })

/* Text, or SQL NULL when s is NULL. */
static inline struct db_param
db_text_param(const char *s)
{
	struct db_param param = { s ? DB_PARAM_TEXT : DB_PARAM_NULL, 0, s, 0 };

	return param;
}

#define DB_MAX_TABLES 16
/* Statements whose text is built at run time (the customer list's filters)
 * are prepared once per distinct text and kept, the least recently used
 * going first when the cache is full. */
#define DB_CACHE_SIZE 48
/* and the statements of db_insert_rows, one per row count, in a cache of
 * their own */
#define DB_INSERT_CACHE_SIZE 8

struct db {
	MYSQL *conn;
	HDF *config;
	struct db_query *tables[DB_MAX_TABLES];
	size_t table_sizes[DB_MAX_TABLES];
	int table_count;
	int in_transaction;
	/* Since db_request_start, for the core to decide whether a request may
	 * run again: a transaction died with its connection (the server rolls
	 * it back: nothing of it was written), and something may be durable (a
	 * COMMIT was sent, or a statement outside a transaction changed rows). */
	int lost_in_transaction;
	int wrote;
	/* the open transaction was ended by the server (lost with its
	 * connection, or rolled back by a deadlock or a cluster conflict): no
	 * statement of it may run on its own, nor its COMMIT succeed */
	int aborted;
	unsigned long client_flags;	/* CLIENT_MULTI_STATEMENTS for scripts */
	int reconnect_ms;		/* Database.ReconnectMilliseconds */
	/* statements prepared at their first use, and executed in the same
	 * round trip, not at db_register and each reconnect: a web program
	 * runs a few of its tables' statements (one request as plain CGI, the
	 * pages asked of a FastCGI copy) and each prepared one holds memory */
	int lazy;
	char direct_error[MYSQL_ERRMSG_SIZE];	/* why the last such run failed */
	unsigned int connect_errno;	/* the last failed connection's error */
	/* the server is a Galera node (wsrep_on): db_catch_up waits for it */
	int cluster_node;
	struct db_query *stream;	/* the open stream, which owns the connection */
	struct db_query cache[DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE];
	unsigned long cache_used[DB_CACHE_SIZE + DB_INSERT_CACHE_SIZE];
	unsigned long cache_clock;
};

/* Connects with the Database.* settings of config (kept, not owned),
 * trying for the reconnect window when the server does not answer.
 * Returns DB_OK, or DB_ERROR after logging why. One statement per call:
 * a text holding several statements is refused by the server. */
int db_connect(struct db *db, HDF *config);

/* The same, with multi-statements allowed, for db_run_script (fidele-admin
 * migrate) and nothing else: a connection that accepts "a; b" turns any
 * SQL-injection slip into arbitrary statements. */
int db_connect_for_scripts(struct db *db, HDF *config);

/* Prepares every statement of a table (size n), unless db->lazy, and
 * remembers it for reconnects. A table already registered is left as it is, so a module
 * calls this before each use of its statements and pays for it once.
 * Returns 0, or -1 naming the bad statement on stderr. */
int db_register(struct db *db, struct db_query *table, size_t n);

/* Prepares one statement that is not part of a registered table (bulk
 * statements built for a row count). It is not prepared again after a
 * reconnect. Returns 0 or -1. Release it with db_release. */
int db_prepare(struct db *db, struct db_query *query);

/* Closes a statement from db_prepare and frees its buffers. */
void db_release(struct db_query *query);

/* The prepared statement for sql (copied), from the cache or prepared now.
 * Valid until the next db_cached call. NULL on error (logged). */
struct db_query *db_cached(struct db *db, const char *sql);

/* Runs a statement with n parameters. For a SELECT the whole result is
 * buffered and read with db_fetch. Returns affected rows (0 for a SELECT),
 * or DB_ERROR (logged), DB_DUPLICATE (not logged: callers say so to the
 * user) or DB_SORT_ABORTED (logged). */
long long db_exec(struct db *db, struct db_query *query,
    const struct db_param *params, size_t n);

/* Runs a SELECT whose rows are read from the server as db_fetch asks for
 * them, never buffered here, so memory stays flat however many rows come
 * (exports). Until db_stream_close the stream owns the connection: any
 * other db_exec, db_begin... on db fails with DB_ERROR (logged), because
 * the protocol cannot interleave statements with an unread result. A
 * program that must write while it streams (an export log, progress) opens
 * a second struct db for the stream. A lost connection is not retried once
 * rows were read (they would come twice). db_row_count is 0 and db_seek
 * does nothing on a stream. Returns DB_OK or DB_ERROR. */
int db_stream_open(struct db *db, struct db_query *query,
    const struct db_param *params, size_t n);

/* Ends a stream (the rows not read are read and dropped by the client
 * library) and gives the connection back. Safe to call twice. */
void db_stream_close(struct db *db, struct db_query *query);

/* Ends a stream without reading the rows left (the client of an export
 * went away): the connection is closed, which also ends whatever the
 * connection held (GET_LOCK locks, a transaction), and the next call opens
 * a fresh one. Use it when the rest of the rows is not wanted and may be
 * many; db_stream_close reads them all first. */
void db_stream_abandon(struct db *db, struct db_query *query);

/* Inserts rows rows of columns values each (params holds them row after
 * row) with one "head VALUES (?,...),(?,...)..." statement per
 * DB_INSERT_BATCH rows, head being "INSERT [IGNORE] INTO t (a, b, ...)"
 * (the VALUES and the groups are added here).
 * The statement for each row count is prepared once and kept, in a cache
 * of its own.
 * Returns the affected rows in total, or a db_status (DB_DUPLICATE when a
 * unique key refused a row: the rows of earlier statements stay). */
long long db_insert_rows(struct db *db, const char *head, unsigned int columns,
    const struct db_param *params, size_t rows);

/* The same with group, the text of one row ("(?, ?, COALESCE(?, NOW()))":
 * columns placeholders, SQL around them as a row needs), instead of
 * "(?,...)" (group NULL). *first_id (when not NULL) gets the
 * AUTO_INCREMENT value of the first row of the first statement, 0 when
 * none. The rows of one statement (at most DB_INSERT_BATCH) get ids
 * db_insert_id_step apart: InnoDB reserves them at once for an INSERT
 * whose row count is known (a "simple insert", in lock modes 1, MariaDB's
 * default, and 2, which Galera asks for); the step is 1 on one server and
 * the cluster's size on Galera. */
long long db_insert_rows_as(struct db *db, const char *head, const char *group,
    unsigned int columns, const struct db_param *params, size_t rows,
    unsigned long long *first_id);

/* "head" + count copies of group separated by commas + "tail", malloc'd
 * (NULL when out of memory): the "(?, ?), (?, ?)..." and "IN (?, ?...)"
 * of statements built for a row count. */
char *db_sql_repeat(const char *head, const char *group, size_t count, const char *tail);

/* Rows per statement in db_insert_rows: bench/db-insert.py found 250-row
 * statements as fast as bigger ones (figures in db.c). */
#ifndef DB_INSERT_BATCH
#define DB_INSERT_BATCH 250
#endif

/* Advances to the next row: 1 when there is one, 0 at the end, -1 on error. */
int db_fetch(struct db_query *query);

/* Advances to the next row of a buffered result reading only column col,
 * an integer, into *value (0 for NULL), for a pass that needs one value of
 * each row (the customer list notes its rows' ids before reading them):
 * the other columns are left as they are in the result (libmariadb's dummy
 * binds), which costs a row a tenth of db_fetch. The row's other columns
 * (db_text, db_int) are not read until db_fetch. 1 when there is a row, 0
 * at the end, -1 on error. */
int db_fetch_key(struct db_query *query, unsigned int col, long long *value);

/* Column col of the current row as text, NULL for SQL NULL. */
const char *db_text(struct db_query *query, unsigned int col);

/* db_text, or fallback for SQL NULL. */
const char *db_text_or(struct db_query *query, unsigned int col, const char *fallback);

/* Bytes in column col of the current row (binary columns may hold zeros). */
unsigned long db_length(struct db_query *query, unsigned int col);

/* Column col as an integer (0 for NULL). */
long long db_int(struct db_query *query, unsigned int col);

/* Column col of a DATETIME or TIMESTAMP type as its year, month, day,
 * hour, minute and second, without writing its text: 0, or -1 for SQL
 * NULL and for a column of another type (a DATE too: a day, not a time). */
int db_datetime(struct db_query *query, unsigned int col, int utc[6]);

/* Warnings the server gave for the last statement (LIMIT ROWS EXAMINED
 * reached is one). */
unsigned int db_warnings(struct db *db);

/* Rows in the buffered result of query. */
unsigned long long db_row_count(struct db_query *query);

/* Moves to row (counted from 0) of the buffered result: the next db_fetch
 * returns it. */
void db_seek(struct db_query *query, unsigned long long row);

/* Releases the buffered result of query. */
void db_done(struct db_query *query);

/* The AUTO_INCREMENT value of the last INSERT through query. */
unsigned long long db_insert_id(struct db_query *query);

/* The step between the AUTO_INCREMENT ids of one multi-row INSERT on this
 * connection (@@auto_increment_increment): 1 on one server, the cluster's
 * size on Galera (wsrep_auto_increment_control gives each node its own
 * offset), so the rows of one statement are first, first + step, ...
 * Read on the connection that inserted, right after the INSERT (a node
 * changes it when the cluster grows or shrinks). DB_ERROR (logged) when
 * it cannot be read. */
long long db_insert_id_step(struct db *db);

/* Copies every remaining row into hdf as prefix.<row>.<column> = value
 * (NULL columns are left out), then db_done. Returns the row count or -1. */
int db_rows_to_hdf(struct db_query *query, HDF *hdf, const char *prefix);

/* Transactions. Each returns 0 or -1. db_rollback is safe to call twice;
 * it also closes a stream left open (the end of every request calls it). */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Forgets what the previous request did (lost_in_transaction, wrote):
 * called before each run of a handler. */
void db_request_start(struct db *db);

/* 1 when the work since db_request_start can run again as if it had never
 * run: a transaction was lost with its connection and nothing was
 * written. A COMMIT whose answer was lost counts as written (it may have
 * happened). */
int db_request_repeatable(const struct db *db);

/* On a Galera node, waits until the node has applied every transaction
 * the cluster committed before now (one causal read: wsrep_sync_wait for
 * one statement), so that what follows sees what the user's previous
 * request wrote through another node, which the other nodes apply a
 * moment after its COMMIT returned. Called as each request starts (and by
 * fidele-admin once): later statements need no wait of their own, a node
 * applies the cluster's transactions in their order. Does nothing on a
 * single server, in a transaction or with a stream open; a failure is
 * logged and left to the next statement (a lost connection, a node that
 * is not ready), and a reconnect catches up again. */
void db_catch_up(struct db *db);

/* Opens the connection again if it was lost (trying for DB_RECONNECT_MS).
 * Returns DB_OK or DB_ERROR (logged). */
int db_ensure_connection(struct db *db);

/* Runs a whole SQL text (several statements, no parameters), for
 * migrations, on a connection from db_connect_for_scripts. Returns 0 or -1
 * after printing the server's message. */
int db_run_script(struct db *db, const char *sql);

/* Closes the connection and frees every prepared statement. */
void db_close(struct db *db);

#endif
