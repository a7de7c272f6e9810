/*
 * An import's undo (import-job.h): removes the customers an import
 * created to whom nothing happened since, so that a wrong file can be
 * taken back whole. The worker's import job runs it (action "undo").
 *
 * A customer the import created (customer.import_id) goes when nothing
 * happened to them: no order, never signed in, and nothing on their
 * timeline but what the import wrote (their creation, customer.imported,
 * and the welcome mail it queued and its sending); no mail but that
 * welcome, no consent row but the import's. Anything else (an edit, a
 * later import's update, a change of status, a message, an admin's note,
 * an unsubscribe, an order, a sign-in, an admin's erasure) keeps them:
 * someone has worked with that customer. The notes the import brought
 * (the file's notes column) are its own; an admin's note is on the
 * timeline (customer.note_added), so the timeline is what tells them
 * apart.
 *
 * The removal is a real deletion through the customer writer
 * (customer_delete_selection): the rows, their search terms, timeline,
 * consent rows and mails go, as if the import had never brought them. It
 * walks the import's customers in id order, UNDO_BATCH a transaction,
 * each batch committed with the count removed so far; the rows of a batch
 * are locked while they are judged, so a sign-in, an order or an edit
 * that comes at the same moment either lands first (and the customer
 * stays) or finds the customer gone. An undo stopped in the middle (a
 * killed worker) goes on where it was: the customers removed are gone,
 * the count of removed is committed with them, and the count kept is that
 * of the import's customers still there at the end.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/log.h"
#include "import-job.h"
#include "import-undo.h"

#define UNDO_BATCH 1000

enum undo_sql {
	UNDO_STATE,
	UNDO_START,
	UNDO_WINDOW,
	UNDO_CHOOSE,
	UNDO_STEP,
	UNDO_LEFT,
	UNDO_END,
	UNDO_EVENT,
	UNDO_SQL__MAX
};

static struct db_query undo_sql[UNDO_SQL__MAX] = {
	[UNDO_STATE] = { .sql =
	    "SELECT state, undo_removed, undo_kept FROM import WHERE id = ? AND shop_id = ?" },
	/* an import that wrote what it was going to write (also one
	 * cancelled or failed half way); "undoing" when the job queued it */
	[UNDO_START] = { .sql =
	    "UPDATE import SET state = 'undoing'"
	    " WHERE id = ? AND shop_id = ? AND state IN ('done', 'cancelled', 'failed')" },
	/* the next batch of the import's customers (customer_import, sql/015),
	 * locked while they are judged */
	[UNDO_WINDOW] = { .sql =
	    "SELECT id FROM customer WHERE shop_id = ? AND import_id = ? AND id > ?"
	    " ORDER BY id LIMIT ? FOR UPDATE" },
	/* those of the batch to whom nothing happened since the import; each
	 * check reads the customer's own rows through its index (named: in an
	 * INSERT … SELECT, on tables the import has just filled, MariaDB read
	 * every event of the shop for each customer, 2 million rows and 2 s a
	 * batch of 1,000) */
	[UNDO_CHOOSE] = { .sql =
	    "INSERT INTO bulk_selection (selection_id, customer_id)"
	    " SELECT ?, c.id FROM customer c"
	    "  WHERE c.shop_id = ? AND c.import_id = ? AND c.id > ? AND c.id <= ?"
	    "    AND c.erased_at IS NULL AND c.last_sign_in_at IS NULL"
	    "    AND NOT EXISTS (SELECT 1 FROM orders o FORCE INDEX (orders_customer)"
	    "                     WHERE o.shop_id = c.shop_id AND o.customer_id = c.id)"
	    "    AND NOT EXISTS (SELECT 1 FROM event e FORCE INDEX (event_customer)"
	    "                     WHERE e.shop_id = c.shop_id AND e.customer_id = c.id"
	    "                       AND e.kind NOT IN ('customer.created', 'customer.imported',"
	    "                                          'mail.queued', 'mail.sent'))"
	    "    AND NOT EXISTS (SELECT 1 FROM outbox m FORCE INDEX (outbox_customer)"
	    "                     WHERE m.shop_id = c.shop_id AND m.customer_id = c.id"
	    "                       AND m.kind <> 'customer-welcome')"
	    "    AND NOT EXISTS (SELECT 1 FROM consent k FORCE INDEX (consent_customer)"
	    "                     WHERE k.shop_id = c.shop_id AND k.customer_id = c.id"
	    "                       AND NOT (k.import_id <=> c.import_id))" },
	/* committed with the batch; no row: the undo is no longer under way */
	[UNDO_STEP] = { .sql =
	    "UPDATE import SET undo_removed = undo_removed + ?"
	    " WHERE id = ? AND shop_id = ? AND state = 'undoing'" },
	/* every customer still carrying the import was kept */
	[UNDO_LEFT] = { .sql =
	    "SELECT COUNT(*) FROM customer WHERE shop_id = ? AND import_id = ?" },
	[UNDO_END] = { .sql =
	    "UPDATE import SET state = 'undone', undone_at = NOW(), undo_kept = ?"
	    " WHERE id = ? AND shop_id = ? AND state = 'undoing'" },
	/* who undid which import, for the shop's audit trail (no customer) */
	[UNDO_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail)"
	    " VALUES (?, NULL, ?, 'import.undone', ?)" },
};

/* Registers the statements on db the first time. 0 or -1. */
static int
undo_ready(struct db *db)
{
	return db_register(db, undo_sql, UNDO_SQL__MAX);
}

/* The import's state and counts. 1 found, 0 not, -1 (database). */
static int
undo_state(struct db *db, long long shop_id, long long import_id, char *state, size_t size,
    long long *removed, long long *kept)
{
	struct db_query *query = &undo_sql[UNDO_STATE];
	struct db_param params[2] = { DB_INT(import_id), DB_INT(shop_id) };
	int found;

	if (db_exec(db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		snprintf(state, size, "%s", db_text(query, 0));
		*removed = db_int(query, 1);
		*kept = db_int(query, 2);
	}
	db_done(query);
	return found;
}

/* One batch: the import's next customers after *after, those to whom
 * nothing happened deleted, in one transaction with the count. Returns
 * how many customers it judged (0: none left), or -1 (database, or the
 * undo is no longer under way). */
static long long
undo_batch(struct shop_context *ctx, long long import_id, long long *after)
{
	struct db_query *window = &undo_sql[UNDO_WINDOW];
	struct db_param params[5];
	unsigned char selection[16];
	long long judged = 0, last = 0, chosen, rows;

	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(ctx->db) != 0)
		return -1;
	params[0] = DB_INT(ctx->shop_id);
	params[1] = DB_INT(import_id);
	params[2] = DB_INT(*after);
	params[3] = DB_INT(UNDO_BATCH);
	if (db_exec(ctx->db, window, params, 4) < 0)
		goto error;
	while (db_fetch(window) == 1) {
		judged++;
		last = db_int(window, 0);
	}
	db_done(window);
	if (judged == 0) {
		db_rollback(ctx->db);
		return 0;
	}
	params[0] = DB_BLOB(selection, 16);
	params[1] = DB_INT(ctx->shop_id);
	params[2] = DB_INT(import_id);
	params[3] = DB_INT(*after);
	params[4] = DB_INT(last);
	if (db_exec(ctx->db, &undo_sql[UNDO_CHOOSE], params, 5) < 0 ||
	    (chosen = customer_selection_count(ctx, selection)) < 0 ||
	    (chosen > 0 && customer_delete_selection(ctx, selection) != CUSTOMER_OK))
		goto error;
	params[0] = DB_INT(chosen);
	params[1] = DB_INT(import_id);
	params[2] = DB_INT(ctx->shop_id);
	rows = db_exec(ctx->db, &undo_sql[UNDO_STEP], params, 3);
	if (rows != 1 || db_commit(ctx->db) != 0)
		goto error;
	*after = last;
	return judged;
error:
	db_rollback(ctx->db);
	return -1;
}

/* Marks the import undone with the count of its customers still there,
 * and notes who undid it. 0 or -1. */
static int
undo_end(struct shop_context *ctx, long long import_id)
{
	struct db_query *left = &undo_sql[UNDO_LEFT];
	struct db_param params[3] = { DB_INT(ctx->shop_id), DB_INT(import_id) };
	long long kept = -1;
	char detail[32];

	if (db_begin(ctx->db) != 0)
		return -1;
	if (db_exec(ctx->db, left, params, 2) < 0)
		goto error;
	if (db_fetch(left) == 1)
		kept = db_int(left, 0);
	db_done(left);
	if (kept < 0)
		goto error;
	params[0] = DB_INT(kept);
	params[1] = DB_INT(import_id);
	params[2] = DB_INT(ctx->shop_id);
	if (db_exec(ctx->db, &undo_sql[UNDO_END], params, 3) != 1)
		goto error;
	snprintf(detail, sizeof(detail), "%lld", import_id);
	params[0] = DB_INT(ctx->shop_id);
	params[1] = ctx->actor_id != 0 ? DB_INT(ctx->actor_id) : DB_NULL;
	params[2] = DB_TEXT(detail);
	if (db_exec(ctx->db, &undo_sql[UNDO_EVENT], params, 3) < 0 || db_commit(ctx->db) != 0)
		goto error;
	return 0;
error:
	db_rollback(ctx->db);
	return -1;
}

int
import_undo(struct db *db, long long shop_id, long long admin_id, long long import_id,
    long long *removed, long long *kept)
{
	return import_undo_beating(db, NULL, shop_id, admin_id, import_id, NULL, NULL, removed,
	    kept) == 0 ? 0 : -1;
}

int
import_undo_beating(struct db *db, HDF *lang, long long shop_id, long long admin_id,
    long long import_id, int (*beat)(void *data, long long progress), void *data,
    long long *removed, long long *kept)
{
	struct db_param params[2] = { DB_INT(import_id), DB_INT(shop_id) };
	struct shop_context ctx;
	char state[16] = "";
	long long after = 0, judged = 0, done = 0;
	int going = 1;

	*removed = 0;
	*kept = 0;
	if (undo_ready(db) != 0 || undo_state(db, shop_id, import_id, state, sizeof(state), removed,
	    kept) != 1)
		return -1;
	if (strcmp(state, "undone") == 0)
		return 0;
	if (strcmp(state, "undoing") != 0 && db_exec(db, &undo_sql[UNDO_START], params, 2) != 1) {
		log_warn("import %lld of shop %lld cannot be undone: it is %s", import_id, shop_id,
		    state);
		return -1;
	}
	/* the customer writer needs only the shop and who acts (no mail; the
	 * language, for what the ledger's withdrawals say): the worker, for
	 * the admin who asked */
	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.hdf = lang;
	ctx.shop_id = shop_id;
	ctx.actor = ACTOR_WORKER;
	ctx.actor_id = admin_id;
	for (;;) {
		if (beat != NULL && (going = beat(data, done)) != 1)
			break;
		judged = undo_batch(&ctx, import_id, &after);
		if (judged <= 0)
			break;
		done += judged;
	}
	/* stopped between two batches: what they committed stays, and the
	 * next call goes on from there */
	if (going == 0 || going == 2)
		return going == 0 ? -2 : -3;
	if (going < 0 || judged < 0 || undo_end(&ctx, import_id) != 0 ||
	    undo_state(db, shop_id, import_id, state, sizeof(state), removed, kept) != 1) {
		log_err("the undo of import %lld of shop %lld stopped on a database error", import_id,
		    shop_id);
		return -1;
	}
	return 0;
}
