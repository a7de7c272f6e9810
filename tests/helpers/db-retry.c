/*
 * A small client of the database layer for tests/web/test_retry_db.py, run
 * against the test stack's database (FIDELE_CONFIG): when may a request run
 * again after its connection died (db_request_repeatable)? Each case kills
 * its own connection from a second one, as a MariaDB restart would, at a
 * chosen point, and prints what the layer concluded:
 *
 *   lost: a transaction that had changed nothing durable yet
 *   committed: a COMMIT succeeded before the next transaction was lost
 *   autocommit: a change outside a transaction came first
 *   read: a read outside a transaction came first (changes nothing)
 *   commit_lost: the connection died as the COMMIT was sent
 *
 * as "<case>.repeatable: 0|1", "<case>.wrote: 0|1" and the rows a case
 * left ("<case>.rows: N"), then "after: 1" when the layer works again.
 *
 * "db-retry killed-twice" runs one statement outside a transaction (a
 * procedure) that kills its own connection the first two times it runs (a
 * Galera node that answers the reconnect and then refuses the next
 * statement, 1047), and prints "killed_twice.value: N" (3: the third try
 * ran it, -1: the layer gave up) for tests/web/test_galera_reconnect.py.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../fcgi/lib/db.h"
#include "../../fcgi/lib/settings.h"

enum retry_sql { Q_CLEAR, Q_CONNECTION, Q_INSERT, Q_COUNT, Q__MAX };

/* registered, so that a reconnect prepares them again */
static struct db_query retry_sql[Q__MAX] = {
	[Q_CLEAR] = { .sql = "DELETE FROM retry_scratch" },
	[Q_CONNECTION] = { .sql = "SELECT CONNECTION_ID()" },
	[Q_INSERT] = { .sql = "INSERT INTO retry_scratch (label) VALUES (?)" },
	[Q_COUNT] = { .sql = "SELECT COUNT(*) FROM retry_scratch WHERE label = ?" },
};

enum killer_sql { K_ALIVE, K__MAX };

static struct db_query killer_sql[K__MAX] = {
	[K_ALIVE] = { .sql = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?" },
};

static long long
single(struct db *db, struct db_query *query, const struct db_param *params, size_t n)
{
	long long value = -1;

	if (db_exec(db, query, params, n) == 0 && db_fetch(query) == 1)
		value = db_int(query, 0);
	db_done(query);
	return value;
}

/* Kills db's connection from killer's and waits until the server let it go. */
static int
kill_connection(struct db *db, struct db *killer)
{
	long long id = single(db, &retry_sql[Q_CONNECTION], NULL, 0);
	struct db_param param = DB_INT(id);
	struct timespec pause = { 0, 20 * 1000000L };
	char kill[64];
	int tries;

	if (id <= 0)
		return -1;
	/* KILL takes no placeholder */
	snprintf(kill, sizeof(kill), "KILL CONNECTION %lld", id);
	if (mysql_real_query(killer->conn, kill, strlen(kill)) != 0)
		return -1;
	for (tries = 0; tries < 500; tries++) {
		if (single(killer, &killer_sql[K_ALIVE], &param, 1) == 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}

static void
report(struct db *db, const char *name)
{
	struct db_param param = DB_TEXT(name);

	printf("%s.repeatable: %d\n", name, db_request_repeatable(db));
	printf("%s.wrote: %d\n", name, db->wrote);
	db_rollback(db);
	if (db_ensure_connection(db) == DB_OK)
		printf("%s.rows: %lld\n", name, single(db, &retry_sql[Q_COUNT], &param, 1));
}

/* Starts a request, runs what comes before the transaction (before: 0
 * nothing, 1 a COMMIT, 2 a change outside a transaction, 3 a read), then
 * begins, inserts a row, loses the connection and tries one more insert. */
static int
lose_transaction(struct db *db, struct db *killer, const char *name, int before)
{
	struct db_param param = DB_TEXT(name);

	db_request_start(db);
	if (before == 1 && (db_begin(db) != 0 ||
	    db_exec(db, &retry_sql[Q_INSERT], &param, 1) != 1 || db_commit(db) != 0))
		return 1;
	if (before == 2 && db_exec(db, &retry_sql[Q_INSERT], &param, 1) != 1)
		return 1;
	if (before == 3 && single(db, &retry_sql[Q_COUNT], &param, 1) < 0)
		return 1;
	if (db_begin(db) != 0 || db_exec(db, &retry_sql[Q_INSERT], &param, 1) != 1 ||
	    kill_connection(db, killer) != 0)
		return 1;
	printf("%s.insert: %lld\n", name, db_exec(db, &retry_sql[Q_INSERT], &param, 1));
	report(db, name);
	return 0;
}

/* The connection dies just before the COMMIT goes out: the client cannot
 * tell that from a COMMIT whose answer was lost. */
static int
lose_commit(struct db *db, struct db *killer)
{
	struct db_param param = DB_TEXT("commit_lost");

	db_request_start(db);
	if (db_begin(db) != 0 || db_exec(db, &retry_sql[Q_INSERT], &param, 1) != 1 ||
	    kill_connection(db, killer) != 0)
		return 1;
	printf("commit_lost.commit: %d\n", db_commit(db));
	report(db, "commit_lost");
	return 0;
}

/* Runs one statement of no table (the scratch table's making and
 * dropping: a temporary table would not outlive a lost connection). */
static int
run_once(struct db *db, const char *sql)
{
	struct db_query query = { .sql = sql };
	long long done;

	if (db_prepare(db, &query) != 0)
		return -1;
	done = db_exec(db, &query, NULL, 0);
	db_release(&query);
	return done < 0 ? -1 : 0;
}

/* The statement dies with its connection on its first two runs: a
 * procedure (in a function, KILL is an implicit commit on Galera) and a
 * non-transactional counter (MyISAM: the kill does not roll it back). */
static int
killed_twice(struct db *db)
{
	static struct db_query die[2] = {
		{ .sql = "CALL retry_die_twice()" },
		{ .sql = "SELECT n FROM retry_kills WHERE id = 1" },
	};
	long long value = -1;

	if (run_once(db, "DROP TABLE IF EXISTS retry_kills") != 0 ||
	    run_once(db, "DROP PROCEDURE IF EXISTS retry_die_twice") != 0 ||
	    run_once(db, "CREATE TABLE retry_kills (id INT PRIMARY KEY, n INT NOT NULL)"
	    " ENGINE=MyISAM") != 0 ||
	    run_once(db, "INSERT INTO retry_kills VALUES (1, 0)") != 0 ||
	    run_once(db, "CREATE PROCEDURE retry_die_twice() MODIFIES SQL DATA BEGIN"
	    " UPDATE retry_kills SET n = n + 1 WHERE id = 1;"
	    " IF (SELECT n FROM retry_kills WHERE id = 1) <= 2 THEN"
	    " KILL CONNECTION CONNECTION_ID(); END IF; END") != 0 ||
	    /* registered: a reconnect prepares them again */
	    db_register(db, die, 2) != 0)
		return 1;
	db_request_start(db);
	/* the third run of the procedure leaves the counter at 3 */
	if (db_exec(db, &die[0], NULL, 0) >= 0 && db_exec(db, &die[1], NULL, 0) >= 0 &&
	    db_fetch(&die[1]) == 1)
		value = db_int(&die[1], 0);
	db_done(&die[1]);
	printf("killed_twice.value: %lld\n", value);
	if (db_ensure_connection(db) == DB_OK) {
		run_once(db, "DROP PROCEDURE IF EXISTS retry_die_twice");
		run_once(db, "DROP TABLE IF EXISTS retry_kills");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	HDF *config = settings_load();
	struct db db, killer;
	int status = 1;

	if (config == NULL)
		return 1;
	if (argc > 1 && strcmp(argv[1], "killed-twice") == 0) {
		if (db_connect(&db, config) == 0)
			status = killed_twice(&db);
		db_close(&db);
		hdf_destroy(&config);
		return status;
	}
	if (db_connect(&db, config) == 0 && db_connect(&killer, config) == 0 &&
	    run_once(&db, "CREATE TABLE IF NOT EXISTS retry_scratch"
	    " (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(40) NOT NULL)") == 0 &&
	    db_register(&db, retry_sql, Q__MAX) == 0 &&
	    db_register(&killer, killer_sql, K__MAX) == 0 &&
	    db_exec(&db, &retry_sql[Q_CLEAR], NULL, 0) >= 0)
		status = lose_transaction(&db, &killer, "lost", 0) ||
		    lose_transaction(&db, &killer, "committed", 1) ||
		    lose_transaction(&db, &killer, "autocommit", 2) ||
		    lose_transaction(&db, &killer, "read", 3) ||
		    lose_commit(&db, &killer);
	if (status == 0)
		printf("after: %lld\n", single(&db, &retry_sql[Q_CONNECTION], NULL, 0) > 0 ? 1LL : 0LL);
	if (db_ensure_connection(&db) == DB_OK)
		run_once(&db, "DROP TABLE IF EXISTS retry_scratch");
	db_close(&db);
	db_close(&killer);
	hdf_destroy(&config);
	return status;
}
