/*
 * The customer writer (see customer.h). Its statements are registered on
 * first use with whichever connection the caller has, so that a program, the
 * CLI and the worker need not remember to.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "customer.h"
#include "log.h"
#include "search.h"

enum customer_sql {
	SQL_LOCK,
	SQL_UPDATE,
	SQL_VOID_TOKENS,
	SQL_NAME_KEYS,
	SQL_CREATED_EVENTS,
	SQL_SELECT_ID,
	SQL_SELECTION_COUNT,
	SQL_SELECTION_EVENT,
	SQL_SELECTION_APPLICABLE,
	SQL_SELECTION_DEACTIVATE,
	SQL_SELECTION_REACTIVATE,
	SQL_SELECTION_BLOCK,
	SQL_SELECTION_UNBLOCK,
	SQL_SELECTION_HOLD_REQUESTS,
	SQL_SELECTION_RESUME_REQUESTS,
	SQL_SELECTION_END_SESSIONS,
	SQL_SELECTION_VOID_TOKENS,
	SQL_SELECTION_DETACH_ORDERS,
	SQL_SELECTION_DROP_MAILS,
	SQL_SELECTION_SCRUB_EVENTS,
	SQL_SELECTION_DROP_NOTES,
	SQL_SELECTION_BLANK_CONSENT,
	SQL_SELECTION_BLANK_SIGNUPS,
	SQL_SELECTION_BLANK_ABOUT_MAILS,
	SQL_SELECTION_SEARCH_TERMS,
	SQL_SELECTION_ERASE,
	SQL_SELECTION_CLEAR,
	SQL_DELETE_EVENTS,
	SQL_UNDO_CONSENT,
	SQL_DELETE_MAILS,
	SQL_DELETE_CUSTOMERS,
	SQL_REINDEX_EMPTY,
	SQL_REINDEX_CLEAR,
	SQL_REINDEX_NEXT,
	SQL_OVER_LIMIT,
	CUSTOMER_SQL__MAX
};

static struct db_query customer_sql[CUSTOMER_SQL__MAX] = {
	/* locks the row for the rest of the change */
	[SQL_LOCK] = { .sql =
	    "SELECT email, first_name, last_name, phone_digits FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	[SQL_UPDATE] = { .sql =
	    "UPDATE customer SET email = ?, first_name = ?, last_name = ?, phone = ?,"
	    "       phone_digits = ?, country = ?, language = ?, tax_exempt = ?,"
	    "       company = ?, address = ?, postal_code = ?, city = ?, vat_number = ?"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_VOID_TOKENS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND customer_id = ? AND used_at IS NULL" },
	/* the name order the server computed (sql/006), which the search
	 * terms carry */
	[SQL_NAME_KEYS] = { .sql =
	    "SELECT name_key FROM customer WHERE shop_id = ? AND id BETWEEN ? AND ?"
	    " AND MOD(id - ?, ?) = 0 ORDER BY id" },
	[SQL_CREATED_EVENTS] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail, ip)"
	    " SELECT shop_id, id, ?, ?, '', ? FROM customer"
	    " WHERE shop_id = ? AND id BETWEEN ? AND ? AND MOD(id - ?, ?) = 0 ORDER BY id" },

	/* A selection is the ids in bulk_selection under one random
	 * selection id, so that every statement of one change sees the same
	 * customers. Its rows never outlive the change's transaction. */
	/* an id counts only if it is a customer of this shop */
	[SQL_SELECT_ID] = { .sql =
	    "INSERT IGNORE INTO bulk_selection SELECT ?, id FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_SELECTION_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?" },
	[SQL_SELECTION_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " SELECT ?, customer_id, ?, ?, ?, ?, ? FROM bulk_selection WHERE selection_id = ?" },
	/* leaves only the customers whose status is in the list */
	[SQL_SELECTION_APPLICABLE] = { .sql =
	    "DELETE b FROM bulk_selection b JOIN customer c ON c.id = b.customer_id"
	    " WHERE b.selection_id = ? AND c.shop_id = ? AND NOT FIND_IN_SET(c.status, ?)" },
	/* Each change notes the status it leaves (sql/008) and its undo goes
	 * back to it; the assignments run left to right, so the old status
	 * is noted before it changes. An undo with nothing noted (changed
	 * before sql/008) goes to active, or invited for someone who never
	 * signed in, and so does an "invited" who has signed in since. */
	[SQL_SELECTION_DEACTIVATE] = { .sql =
	    "UPDATE customer SET inactive_from = status, status = 'inactive'"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_SELECTION_REACTIVATE] = { .sql =
	    "UPDATE customer SET status = IF(inactive_from = 'active' OR last_sign_in_at IS NOT NULL,"
	    "       'active', 'invited'), inactive_from = NULL"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	/* blocking again only changes the reason */
	[SQL_SELECTION_BLOCK] = { .sql =
	    "UPDATE customer SET blocked_from = IF(status = 'blocked', blocked_from, status),"
	    "       status = 'blocked', status_reason = ?"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	/* an applicant goes back to the waiting list, where they were */
	[SQL_SELECTION_UNBLOCK] = { .sql =
	    "UPDATE customer SET status = IF(blocked_from IN ('inactive', 'waiting'), blocked_from,"
	    "       IF(blocked_from = 'active' OR last_sign_in_at IS NOT NULL, 'active', 'invited')),"
	    "       blocked_from = NULL, status_reason = ''"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	/* These statements (and the erasure's below) join from the
	 * selection, so that each reads and locks only the chosen customers'
	 * rows through their (shop_id, customer_id) keys: written as
	 * "customer_id IN (subquery)", MariaDB may scan (and lock) a whole
	 * table once one shop holds much of it, and a retention run erasing
	 * thousands of a big shop's customers then deadlocked with another
	 * shop's sign-in link (tests/web/test_signup_data_fixes.py). */
	/* a blocked applicant's request leaves the queue (and the places
	 * counted in it) and its link confirms nothing; unblocking puts it
	 * back with its place, confirmed or not as it was */
	[SQL_SELECTION_HOLD_REQUESTS] = { .sql =
	    "UPDATE bulk_selection b JOIN signup_request r ON r.shop_id = ? AND r.customer_id = b.customer_id"
	    "   SET r.status = 'blocked'"
	    " WHERE b.selection_id = ? AND r.status IN ('unconfirmed', 'waiting')" },
	[SQL_SELECTION_RESUME_REQUESTS] = { .sql =
	    "UPDATE bulk_selection b JOIN signup_request r ON r.shop_id = ? AND r.customer_id = b.customer_id"
	    "   SET r.status = IF(r.confirmed_at IS NULL, 'unconfirmed', 'waiting')"
	    " WHERE b.selection_id = ? AND r.status = 'blocked'" },
	[SQL_SELECTION_END_SESSIONS] = { .sql =
	    "DELETE s FROM bulk_selection b JOIN session s ON s.shop_id = ? AND s.customer_id = b.customer_id"
	    " WHERE b.selection_id = ?" },
	[SQL_SELECTION_VOID_TOKENS] = { .sql =
	    "UPDATE bulk_selection b JOIN login_token t ON t.shop_id = ? AND t.customer_id = b.customer_id"
	    "   SET t.used_at = NOW()"
	    " WHERE b.selection_id = ? AND t.used_at IS NULL" },
	/* the orders stay for the shop's figures, with nothing left that
	 * names the customer: not the link, nor who they shipped and billed
	 * to (sql/019) */
	[SQL_SELECTION_DETACH_ORDERS] = { .sql =
	    "UPDATE bulk_selection b JOIN orders o ON o.shop_id = ? AND o.customer_id = b.customer_id"
	    "   SET o.customer_id = NULL, o.shipping_name = '', o.shipping_address = '',"
	    "       o.shipping_phone = '', o.billing_name = '', o.billing_address = '',"
	    "       o.billing_phone = ''"
	    " WHERE b.selection_id = ?" },
	[SQL_SELECTION_DROP_MAILS] = { .sql =
	    "DELETE m FROM bulk_selection b JOIN outbox m ON m.shop_id = ? AND m.customer_id = b.customer_id"
	    " WHERE b.selection_id = ?" },
	[SQL_SELECTION_SCRUB_EVENTS] = { .sql =
	    "UPDATE bulk_selection b JOIN event e ON e.shop_id = ? AND e.customer_id = b.customer_id"
	    "   SET e.detail = '', e.ip = NULL"
	    " WHERE b.selection_id = ?" },
	[SQL_SELECTION_DROP_NOTES] = { .sql =
	    "DELETE n FROM bulk_selection b JOIN note n ON n.shop_id = ? AND n.customer_id = b.customer_id"
	    " WHERE b.selection_id = ?" },
	/* the ledger keeps its proof of an erased customer (the address's
	 * hash, the wording, when, through which door) but no personal data:
	 * the one change its trigger allows, and only once the customer's row
	 * says erased (sql/022) */
	[SQL_SELECTION_BLANK_CONSENT] = { .sql =
	    "UPDATE bulk_selection b JOIN consent k ON k.shop_id = ? AND k.customer_id = b.customer_id"
	    "   SET k.ip = NULL, k.statement = ''"
	    " WHERE b.selection_id = ?" },
	/* the waiting list's record keeps its status and dates, not what
	 * the person wrote (names and phone of a form never confirmed, their
	 * message), from where, nor why they were refused */
	[SQL_SELECTION_BLANK_SIGNUPS] = { .sql =
	    "UPDATE bulk_selection b JOIN signup_request r ON r.shop_id = ? AND r.customer_id = b.customer_id"
	    "   SET r.message = '', r.ip = NULL, r.reason = '', r.first_name = '', r.last_name = '',"
	    "       r.phone = ''"
	    " WHERE b.selection_id = ?" },
	/* The mails about them that were not theirs (mail_queue_about: to
	 * the admins about their signup or deletion, their refusal) keep
	 * their row, not their bodies nor, when they went to the person,
	 * the address. One still to leave is left whole: the worker blanks
	 * it once it has left. A failed one will not be sent again. */
	[SQL_SELECTION_BLANK_ABOUT_MAILS] = { .sql =
	    "UPDATE bulk_selection b JOIN outbox m ON m.shop_id = ? AND m.about_customer_id = b.customer_id"
	    "   SET m.body_text = '', m.body_html = NULL,"
	    "       m.recipient = IF(m.admin_id IS NULL, '', m.recipient),"
	    "       m.status = IF(m.status = 'failed', 'dismissed', m.status)"
	    " WHERE b.selection_id = ? AND m.status IN ('sent', 'failed', 'dismissed')" },
	/* what the customers to erase are found by, so that it goes too */
	[SQL_SELECTION_SEARCH_TERMS] = { .sql =
	    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone_digits FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL"
	    "   AND c.id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_SELECTION_ERASE] = { .sql =
	    "UPDATE bulk_selection b JOIN customer c ON c.shop_id = ? AND c.id = b.customer_id"
	    "   SET c.email = NULL, c.first_name = '', c.last_name = '', c.phone = '',"
	    "       c.phone_digits = '', c.country = NULL, c.language = NULL, c.company = '',"
	    "       c.address = '', c.postal_code = '', c.city = '', c.vat_number = '',"
	    "       c.status = 'inactive', c.status_reason = '', c.blocked_from = NULL,"
	    "       c.inactive_from = NULL, c.marketing_consent = 0, c.tax_exempt = 0,"
	    "       c.erased_at = NOW()"
	    " WHERE b.selection_id = ? AND c.erased_at IS NULL" },
	[SQL_SELECTION_CLEAR] = { .sql = "DELETE FROM bulk_selection WHERE selection_id = ?" },

	/* A deletion leaves nothing of the customers (customer_delete_selection):
	 * joins from the selection, so that each statement reads only the
	 * chosen customers' rows through their (shop_id, customer_id) keys.
	 * Sessions, sign-in links and notes go with the customer rows (ON
	 * DELETE CASCADE). The consent ledger is append-only (sql/017): its
	 * rows stay, unlinked (ON DELETE SET NULL), and each consent still
	 * given gets its withdrawal first, so that the ledger says the
	 * import's consent ended with the undo (admin, statement; the hash
	 * of the address, from the entry or the customer). */
	[SQL_DELETE_EVENTS] = { .sql =
	    "DELETE e FROM bulk_selection b JOIN event e ON e.shop_id = ? AND e.customer_id = b.customer_id"
	    " WHERE b.selection_id = ?" },
	[SQL_UNDO_CONSENT] = { .sql =
	    "INSERT INTO consent (shop_id, customer_id, purpose, granted, source, actor, admin_id,"
	    "                     import_id, email_hash, statement)"
	    " SELECT k.shop_id, k.customer_id, k.purpose, 0, 'import', 'import', ?, k.import_id,"
	    "        COALESCE(k.email_hash, UNHEX(SHA2(c.email, 256))), ?"
	    "   FROM bulk_selection b"
	    "   JOIN customer c ON c.shop_id = ? AND c.id = b.customer_id"
	    "   JOIN consent k ON k.shop_id = c.shop_id AND k.customer_id = c.id"
	    "  WHERE b.selection_id = ? AND k.granted = 1"
	    "    AND k.id = (SELECT MAX(n.id) FROM consent n WHERE n.shop_id = k.shop_id"
	    "                  AND n.customer_id = k.customer_id AND n.purpose = k.purpose)" },
	[SQL_DELETE_MAILS] = { .sql =
	    "DELETE m FROM bulk_selection b JOIN outbox m ON m.shop_id = ? AND m.customer_id = b.customer_id"
	    " WHERE b.selection_id = ?" },
	[SQL_DELETE_CUSTOMERS] = { .sql =
	    "DELETE c FROM bulk_selection b JOIN customer c ON c.shop_id = ? AND c.id = b.customer_id"
	    " WHERE b.selection_id = ?" },

	/* the index is rebuilt only when it is empty while customers exist,
	 * unless forced */
	[SQL_REINDEX_EMPTY] = { .sql =
	    "SELECT EXISTS (SELECT 1 FROM customer WHERE erased_at IS NULL)"
	    " AND NOT EXISTS (SELECT 1 FROM customer_search)" },
	/* shop 0: every shop (the CLI's maintenance, the only caller) */
	[SQL_REINDEX_CLEAR] = { .sql = "DELETE FROM customer_search WHERE ? = 0 OR shop_id = ?" },
	[SQL_REINDEX_NEXT] = { .sql =
	    "SELECT id, shop_id, first_name, last_name, email, phone_digits, name_key"
	    "  FROM customer WHERE id > ? AND erased_at IS NULL AND (? = 0 OR shop_id = ?)"
	    " ORDER BY id LIMIT 1000" },
	/* 1 when ? more customers would take the shop past the limit its
	 * hosting provider set (fidele-admin limits; sql/025); counted only
	 * for a shop with a limit. Not locked: two creations at the same
	 * moment may pass it by one batch, which a provider's quota allows */
	[SQL_OVER_LIMIT] = { .sql =
	    "SELECT IF(s.customer_limit IS NULL, 0,"
	    "          (SELECT COUNT(*) FROM customer c"
	    "            WHERE c.shop_id = s.id AND c.erased_at IS NULL) + ? > s.customer_limit)"
	    "  FROM shop s WHERE s.id = ?" },
};

/* What each change applies to, and what it is called on the timeline. */
static const struct {
	const char *from;	/* the statuses it applies to, for FIND_IN_SET */
	enum customer_sql statement;	/* CUSTOMER_SQL__MAX: erase */
	const char *event;
} changes[CUSTOMER_CHANGE__MAX] = {
	/* CUSTOMER_DEACTIVATE */ { "invited,active", SQL_SELECTION_DEACTIVATE,
	    "customer.deactivated" },
	/* CUSTOMER_REACTIVATE */ { "inactive", SQL_SELECTION_REACTIVATE, "customer.reactivated" },
	/* CUSTOMER_BLOCK */ { "invited,active,inactive,blocked,waiting", SQL_SELECTION_BLOCK,
	    "customer.blocked" },
	/* CUSTOMER_UNBLOCK */ { "blocked", SQL_SELECTION_UNBLOCK, "customer.unblocked" },
	/* CUSTOMER_ERASE */ { "invited,active,inactive,blocked,waiting", CUSTOMER_SQL__MAX,
	    "customer.erased" },
};

static const char customer_insert_head[] =
    "INSERT INTO customer (shop_id, email, first_name, last_name, phone, phone_digits,"
    " country, language, status, source, marketing_consent, order_count,"
    " total_spent_cents, last_order_at, created_at, company, address, postal_code, city,"
    " vat_number, tax_exempt, import_id)";
#define CUSTOMER_INSERT_COLUMNS 22
/* one row of it: status and created_at have defaults when NULL */
static const char customer_insert_row[] =
    "(?,?,?,?,?,?,?,?,COALESCE(?,'invited'),?,?,?,?,?,COALESCE(?,NOW()),?,?,?,?,?,?,?)";

/* Registers the writer's statements on db the first time it is used. */
static int
customer_ready(struct db *db)
{
	return db_register(db, customer_sql, CUSTOMER_SQL__MAX);
}

static long long
run(struct shop_context *ctx, enum customer_sql which, const struct db_param *params, size_t n)
{
	return db_exec(ctx->db, &customer_sql[which], params, n);
}

/* The acting admin for an event: the admin, or the one a worker's job
 * acts for; else SQL NULL (the CLI, a customer). */
static struct db_param
acting_admin(const struct shop_context *ctx)
{
	return (ctx->actor == ACTOR_ADMIN || ctx->actor == ACTOR_WORKER) && ctx->actor_id != 0 ?
	    DB_INT(ctx->actor_id) : DB_NULL;
}

void
customer_phone_digits(const char *phone, char *out, size_t size)
{
	size_t o = 0;

	for (; phone != NULL && *phone && o + 1 < size; phone++)
		if (*phone >= '0' && *phone <= '9')
			out[o++] = *phone;
	out[o] = '\0';
}

static const char *
or_empty(const char *text)
{
	return text != NULL ? text : "";
}

/* Indexes the new customers ids[0 .. count - 1] (ids[0], ids[0] + step,
 * …: the rows of other nodes of a cluster may sit between them) for
 * search, with the name_key the server computed for each. 0 or -1. */
static int
index_new(struct shop_context *ctx, const struct customer_fields *rows, int count,
    const long long *ids, long long step)
{
	static struct search_batch search;
	static unsigned char key[CUSTOMER_BATCH_MAX][SEARCH_NAME_KEY_MAX];
	static unsigned long key_length[CUSTOMER_BATCH_MAX];
	struct db_query *keys = &customer_sql[SQL_NAME_KEYS];
	struct db_param range[5] = { DB_INT(ctx->shop_id), DB_INT(ids[0]),
		DB_INT(ids[count - 1]), DB_INT(ids[0]), DB_INT(step) };
	char digits[40];
	int i, status = 0;

	if (run(ctx, SQL_NAME_KEYS, range, 5) < 0)
		return -1;
	for (i = 0; status == 0 && i < count; i++) {
		status = db_fetch(keys) == 1 && db_length(keys, 0) <= SEARCH_NAME_KEY_MAX ? 0 : -1;
		if (status == 0) {
			key_length[i] = db_length(keys, 0);
			memcpy(key[i], db_text(keys, 0), key_length[i]);
		}
	}
	db_done(keys);
	search_batch_init(&search, ctx->db, ctx->shop_id, SEARCH_ADD);
	for (i = 0; status == 0 && i < count; i++) {
		customer_phone_digits(rows[i].phone, digits, sizeof(digits));
		status = search_batch_add(&search, ids[i], key[i], key_length[i],
		    or_empty(rows[i].first_name), or_empty(rows[i].last_name), rows[i].email, digits);
	}
	return status == 0 ? search_batch_flush(&search) : -1;
}

/* 1 when count new customers would take the shop past its customer
 * limit, 0 when not, -1 on a database error. */
static int
over_limit(struct shop_context *ctx, int count)
{
	struct db_query *query = &customer_sql[SQL_OVER_LIMIT];
	struct db_param params[2] = { DB_INT(count), DB_INT(ctx->shop_id) };
	int found, over = 0;

	if (db_exec(ctx->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		over = db_int(query, 0) != 0;
	db_done(query);
	return found < 0 ? -1 : over;
}

int
customer_create_batch(struct shop_context *ctx, const struct customer_fields *rows,
    int count, const char *kind, long long *ids)
{
	static struct db_param params[CUSTOMER_BATCH_MAX * CUSTOMER_INSERT_COLUMNS];
	static char digits[CUSTOMER_BATCH_MAX][40];
	unsigned long long first;
	long long rows_written, step = 1;
	int i, p = 0;

	ids[0] = 0;
	if (count < 1 || count > CUSTOMER_BATCH_MAX || customer_ready(ctx->db) != 0)
		return CUSTOMER_ERROR;
	switch (over_limit(ctx, count)) {
	case 0:
		break;
	case 1:
		return CUSTOMER_LIMIT;
	default:
		return CUSTOMER_ERROR;
	}
	for (i = 0; i < count; i++) {
		const struct customer_fields *row = &rows[i];

		customer_phone_digits(row->phone, digits[i], sizeof(digits[i]));
		params[p++] = DB_INT(ctx->shop_id);
		params[p++] = DB_TEXT(row->email);
		params[p++] = DB_TEXT(or_empty(row->first_name));
		params[p++] = DB_TEXT(or_empty(row->last_name));
		params[p++] = DB_TEXT(or_empty(row->phone));
		params[p++] = DB_TEXT(digits[i]);
		params[p++] = DB_TEXT(row->country);
		params[p++] = DB_TEXT(row->language);
		params[p++] = DB_TEXT(row->status);
		params[p++] = DB_TEXT(row->source);
		params[p++] = DB_INT(row->marketing_consent);
		params[p++] = DB_INT(row->order_count);
		params[p++] = DB_INT(row->total_spent_cents);
		params[p++] = DB_TEXT(row->last_order_at);
		params[p++] = DB_TEXT(row->created_at);
		params[p++] = DB_TEXT(or_empty(row->company));
		params[p++] = DB_TEXT(or_empty(row->address));
		params[p++] = DB_TEXT(or_empty(row->postal_code));
		params[p++] = DB_TEXT(or_empty(row->city));
		params[p++] = DB_TEXT(or_empty(row->vat_number));
		params[p++] = DB_INT(row->tax_exempt != 0);
		params[p++] = row->import_id > 0 ? DB_INT(row->import_id) : DB_NULL;
	}
	/* one statement (CUSTOMER_BATCH_MAX is DB_INSERT_BATCH), whose ids
	 * are reserved at once, step apart; the statement of each row count
	 * is kept */
	rows_written = db_insert_rows_as(ctx->db, customer_insert_head, customer_insert_row,
	    CUSTOMER_INSERT_COLUMNS, params, (size_t)count, &first);
	if (rows_written == DB_DUPLICATE)
		return CUSTOMER_DUPLICATE;	/* the unique key (shop, e-mail) decides */
	if (rows_written != count)
		return CUSTOMER_ERROR;
	if (first == 0 || (count > 1 && (step = db_insert_id_step(ctx->db)) < 1))
		return CUSTOMER_ERROR;
	for (i = 0; i < count; i++)
		ids[i] = (long long)first + i * step;
	if (index_new(ctx, rows, count, ids, step) != 0)
		return CUSTOMER_ERROR;
	if (kind != NULL) {
		struct db_param event[8] = { acting_admin(ctx), DB_TEXT(kind), DB_TEXT(ctx->ip),
			DB_INT(ctx->shop_id), DB_INT(ids[0]), DB_INT(ids[count - 1]), DB_INT(ids[0]),
			DB_INT(step) };

		if (run(ctx, SQL_CREATED_EVENTS, event, 8) < 0)
			return CUSTOMER_ERROR;
	}
	return CUSTOMER_OK;
}

int
customer_create(struct shop_context *ctx, const struct customer_fields *fields, long long *id)
{
	return customer_create_batch(ctx, fields, 1, "customer.created", id);
}

int
customer_update(struct shop_context *ctx, long long customer_id,
    const struct customer_fields *fields)
{
	struct db_query *lock = &customer_sql[SQL_LOCK];
	struct db_param params[15] = { DB_INT(customer_id), DB_INT(ctx->shop_id) };
	char old_email[256], old_first[404], old_last[404], old_digits[40], digits[40];
	long long rows;
	int found;

	if (customer_ready(ctx->db) != 0 || run(ctx, SQL_LOCK, params, 2) < 0)
		return CUSTOMER_ERROR;
	found = db_fetch(lock);
	if (found == 1) {
		/* NULL: a customer without an address (reached by phone or post) */
		snprintf(old_email, sizeof(old_email), "%s", or_empty(db_text(lock, 0)));
		snprintf(old_first, sizeof(old_first), "%s", db_text(lock, 1));
		snprintf(old_last, sizeof(old_last), "%s", db_text(lock, 2));
		snprintf(old_digits, sizeof(old_digits), "%s", db_text(lock, 3));
	}
	db_done(lock);
	if (found != 1)
		return found < 0 ? CUSTOMER_ERROR : CUSTOMER_NOT_FOUND;
	customer_phone_digits(fields->phone, digits, sizeof(digits));
	params[0] = DB_TEXT(fields->email);
	params[1] = DB_TEXT(or_empty(fields->first_name));
	params[2] = DB_TEXT(or_empty(fields->last_name));
	params[3] = DB_TEXT(or_empty(fields->phone));
	params[4] = DB_TEXT(digits);
	params[5] = DB_TEXT(fields->country);
	params[6] = DB_TEXT(fields->language);
	params[7] = DB_INT(fields->tax_exempt);
	params[8] = DB_TEXT(or_empty(fields->company));
	params[9] = DB_TEXT(or_empty(fields->address));
	params[10] = DB_TEXT(or_empty(fields->postal_code));
	params[11] = DB_TEXT(or_empty(fields->city));
	params[12] = DB_TEXT(or_empty(fields->vat_number));
	params[13] = DB_INT(customer_id);
	params[14] = DB_INT(ctx->shop_id);
	rows = run(ctx, SQL_UPDATE, params, 15);
	if (rows == DB_DUPLICATE)
		return CUSTOMER_DUPLICATE;
	if (rows < 0 ||
	    search_forget(ctx->db, ctx->shop_id, customer_id, old_first, old_last,
	    old_email[0] ? old_email : NULL, old_digits) != 0 ||
	    search_add(ctx->db, ctx->shop_id, customer_id, or_empty(fields->first_name),
	    or_empty(fields->last_name), fields->email, digits) != 0)
		return CUSTOMER_ERROR;
	/* a link mailed to the old address must not sign anyone in any more */
	if (strcmp(old_email, or_empty(fields->email)) != 0) {
		params[0] = DB_INT(ctx->shop_id);
		params[1] = DB_INT(customer_id);
		if (run(ctx, SQL_VOID_TOKENS, params, 2) < 0 ||
		    event_add(ctx, customer_id, ctx->actor == ACTOR_ADMIN ? ctx->actor_id : 0,
		    "customer.email_changed", NULL) != 0)
			return CUSTOMER_ERROR;
	}
	return event_add(ctx, customer_id, ctx->actor == ACTOR_ADMIN ? ctx->actor_id : 0,
	    "customer.edited", NULL) != 0 ? CUSTOMER_ERROR : CUSTOMER_OK;
}

const char *
customer_change_event(enum customer_change change)
{
	return changes[change].event;
}

int
customer_select(struct shop_context *ctx, const unsigned char *selection, long long customer_id)
{
	struct db_param params[3] = { DB_BLOB(selection, 16), DB_INT(customer_id),
		DB_INT(ctx->shop_id) };

	if (customer_ready(ctx->db) != 0)
		return CUSTOMER_ERROR;
	return run(ctx, SQL_SELECT_ID, params, 3) < 0 ? CUSTOMER_ERROR : CUSTOMER_OK;
}

long long
customer_selection_count(struct shop_context *ctx, const unsigned char *selection)
{
	struct db_query *query = &customer_sql[SQL_SELECTION_COUNT];
	struct db_param param = DB_BLOB(selection, 16);
	long long count = -1;

	if (customer_ready(ctx->db) != 0 || run(ctx, SQL_SELECTION_COUNT, &param, 1) < 0)
		return -1;
	if (db_fetch(query) == 1)
		count = db_int(query, 0);
	db_done(query);
	return count;
}

long long
customer_selection_keep(struct shop_context *ctx, enum customer_change change,
    const unsigned char *selection)
{
	struct db_param params[3] = { DB_BLOB(selection, 16), DB_INT(ctx->shop_id),
		DB_TEXT(changes[change].from) };

	if (customer_ready(ctx->db) != 0 || run(ctx, SQL_SELECTION_APPLICABLE, params, 3) < 0)
		return -1;
	return customer_selection_count(ctx, selection);
}

/* Runs a statement taking (shop, selection). 0 or -1. */
static int
for_selection(struct shop_context *ctx, enum customer_sql which, const unsigned char *selection)
{
	struct db_param params[2] = { DB_INT(ctx->shop_id), DB_BLOB(selection, 16) };

	return run(ctx, which, params, 2) < 0 ? -1 : 0;
}

/* Removes the search terms of the customers of the selection, by the
 * index's key, a few hundred a statement (an import's undo removes
 * thousands of customers a batch). 0 or -1. */
static int
forget_selection(struct shop_context *ctx, const unsigned char *selection)
{
	static struct search_batch drop;
	struct db_query *query = &customer_sql[SQL_SELECTION_SEARCH_TERMS];
	struct db_param params[2] = { DB_INT(ctx->shop_id), DB_BLOB(selection, 16) };
	int status = 0;

	if (run(ctx, SQL_SELECTION_SEARCH_TERMS, params, 2) < 0)
		return -1;
	search_batch_init(&drop, ctx->db, ctx->shop_id, SEARCH_DROP);
	while (status == 0 && db_fetch(query) == 1)
		status = search_batch_add(&drop, db_int(query, 0), NULL, 0, db_text(query, 1),
		    db_text(query, 2), db_text(query, 3), db_text(query, 4));
	db_done(query);
	return status == 0 ? search_batch_flush(&drop) : -1;
}

/* The timeline rows go first, while the customers still match what was
 * chosen; the selection is emptied last. */
int
customer_change_selection(struct shop_context *ctx, enum customer_change change,
    const char *reason, const unsigned char *selection)
{
	struct db_param params[7];

	if (customer_ready(ctx->db) != 0)
		return CUSTOMER_ERROR;
	/* an erased customer's timeline keeps "erased by", not what was said */
	if (change == CUSTOMER_ERASE && for_selection(ctx, SQL_SELECTION_SCRUB_EVENTS, selection) != 0)
		return CUSTOMER_ERROR;
	params[0] = DB_INT(ctx->shop_id);
	params[1] = acting_admin(ctx);
	/* as event_add writes it: a key's change says which key */
	params[2] = ctx->actor == ACTOR_KEY ? DB_INT(ctx->actor_id) : DB_NULL;
	params[3] = DB_TEXT(changes[change].event);
	params[4] = DB_TEXT(change == CUSTOMER_BLOCK ? or_empty(reason) : "");
	params[5] = change == CUSTOMER_ERASE ? DB_NULL : DB_TEXT(ctx->ip);
	params[6] = DB_BLOB(selection, 16);
	if (run(ctx, SQL_SELECTION_EVENT, params, 7) < 0)
		return CUSTOMER_ERROR;
	/* a blocked or erased customer cannot sign in: sessions and links end */
	if ((change == CUSTOMER_BLOCK || change == CUSTOMER_ERASE) &&
	    (for_selection(ctx, SQL_SELECTION_END_SESSIONS, selection) != 0 ||
	    for_selection(ctx, SQL_SELECTION_VOID_TOKENS, selection) != 0))
		return CUSTOMER_ERROR;
	if (change == CUSTOMER_ERASE) {
		if (forget_selection(ctx, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_DETACH_ORDERS, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_DROP_MAILS, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_DROP_NOTES, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_BLANK_SIGNUPS, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_BLANK_ABOUT_MAILS, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_ERASE, selection) != 0 ||
		    /* after the row says erased: the ledger's trigger asks */
		    for_selection(ctx, SQL_SELECTION_BLANK_CONSENT, selection) != 0)
			return CUSTOMER_ERROR;
	} else if (change == CUSTOMER_BLOCK) {
		params[0] = DB_TEXT(or_empty(reason));
		params[1] = DB_INT(ctx->shop_id);
		params[2] = DB_BLOB(selection, 16);
		if (run(ctx, SQL_SELECTION_BLOCK, params, 3) < 0 ||
		    for_selection(ctx, SQL_SELECTION_HOLD_REQUESTS, selection) != 0)
			return CUSTOMER_ERROR;
	} else if (change == CUSTOMER_UNBLOCK) {
		if (for_selection(ctx, SQL_SELECTION_UNBLOCK, selection) != 0 ||
		    for_selection(ctx, SQL_SELECTION_RESUME_REQUESTS, selection) != 0)
			return CUSTOMER_ERROR;
	} else if (for_selection(ctx, changes[change].statement, selection) != 0)
		return CUSTOMER_ERROR;
	params[0] = DB_BLOB(selection, 16);
	return run(ctx, SQL_SELECTION_CLEAR, params, 1) < 0 ? CUSTOMER_ERROR : CUSTOMER_OK;
}

int
customer_delete_selection(struct shop_context *ctx, const unsigned char *selection)
{
	static const enum customer_sql steps[] = {
		SQL_DELETE_EVENTS, SQL_DELETE_MAILS, SQL_DELETE_CUSTOMERS,
	};
	struct db_param param = DB_BLOB(selection, 16);
	struct db_param withdraw[4];
	size_t i;

	/* said in the language Lang links to, when the context has one */
	withdraw[0] = acting_admin(ctx);
	withdraw[1] = DB_TEXT(ctx->hdf != NULL ?
	    hdf_get_value(ctx->hdf, "Lang.Consent.ImportUndone", "") : "");
	withdraw[2] = DB_INT(ctx->shop_id);
	withdraw[3] = DB_BLOB(selection, 16);
	if (customer_ready(ctx->db) != 0 || forget_selection(ctx, selection) != 0 ||
	    run(ctx, SQL_UNDO_CONSENT, withdraw, 4) < 0)
		return CUSTOMER_ERROR;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (for_selection(ctx, steps[i], selection) != 0)
			return CUSTOMER_ERROR;
	return run(ctx, SQL_SELECTION_CLEAR, &param, 1) < 0 ? CUSTOMER_ERROR : CUSTOMER_OK;
}

int
customer_change_one(struct shop_context *ctx, long long customer_id,
    enum customer_change change, const char *reason)
{
	struct db_query *lock = &customer_sql[SQL_LOCK];
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(ctx->shop_id) };
	unsigned char selection[16];
	int found;

	if (customer_ready(ctx->db) != 0 || run(ctx, SQL_LOCK, params, 2) < 0)
		return CUSTOMER_ERROR;
	found = db_fetch(lock);
	db_done(lock);
	if (found != 1)
		return found < 0 ? CUSTOMER_ERROR : CUSTOMER_NOT_FOUND;
	if (crypto_random(selection, sizeof(selection)) != 0 ||
	    customer_select(ctx, selection, customer_id) != CUSTOMER_OK ||
	    customer_selection_keep(ctx, change, selection) < 0)
		return CUSTOMER_ERROR;
	return customer_change_selection(ctx, change, reason, selection);
}

long long
customer_reindex(struct db *db, long long shop_id, int force)
{
	static struct search_batch batch;
	struct db_query *empty = &customer_sql[SQL_REINDEX_EMPTY];
	struct db_query *next = &customer_sql[SQL_REINDEX_NEXT];
	struct db_param params[3] = { DB_INT(shop_id), DB_INT(shop_id), DB_INT(shop_id) };
	long long last = 0, done = 0;
	int needed = force, rows;

	if (customer_ready(db) != 0)
		return -1;
	if (!force) {
		if (db_exec(db, empty, NULL, 0) < 0)
			return -1;
		if (db_fetch(empty) == 1)
			needed = db_int(empty, 0) == 1;
		db_done(empty);
	} else if (db_exec(db, &customer_sql[SQL_REINDEX_CLEAR], params, 2) < 0)
		return -1;
	if (!needed)
		return 0;
	search_batch_init(&batch, db, 0, SEARCH_ADD);
	do {
		params[0] = DB_INT(last);
		if (db_begin(db) != 0 || db_exec(db, next, params, 3) < 0)
			goto failed;
		for (rows = 0; db_fetch(next) == 1; rows++) {
			long long row_shop = db_int(next, 1);

			if (row_shop != batch.shop_id && search_batch_flush(&batch) != 0)
				goto failed;
			batch.shop_id = row_shop;
			last = db_int(next, 0);
			if (search_batch_add(&batch, last, db_text(next, 6), db_length(next, 6),
			    db_text(next, 2), db_text(next, 3), db_text(next, 4), db_text(next, 5)) != 0)
				goto failed;
		}
		db_done(next);
		if (search_batch_flush(&batch) != 0 || db_commit(db) != 0)
			goto failed;
		done += rows;
	} while (rows > 0);
	return done;
failed:
	db_done(next);
	db_rollback(db);
	return -1;
}

/* customer_update_batch sends its rows in statements of UPDATE_CHUNK rows
 * and fewer in powers of two, so that whatever the count, at most eight
 * statement texts are prepared (and kept in db_cached's cache). */
#define UPDATE_CHUNK 128
#define UPDATE_COLUMNS 16

/* The statement that writes count customers (a power of two up to
 * UPDATE_CHUNK) by their primary key: every row exists and is locked,
 * so each "insert" is an update. NULL on error (logged). */
static struct db_query *
update_statement(struct db *db, int count)
{
	static const char head[] =
	    "INSERT INTO customer (id, shop_id, email, source, first_name, last_name, phone,"
	    " phone_digits, company, address, postal_code, city, country, language, vat_number,"
	    " tax_exempt, marketing_consent) VALUES ";
	static const char group[] = "(?,?,?,'import',?,?,?,?,?,?,?,?,?,?,?,?,?)";
	static const char tail[] =
	    " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name),"
	    " last_name = VALUES(last_name), phone = VALUES(phone),"
	    " phone_digits = VALUES(phone_digits), company = VALUES(company),"
	    " address = VALUES(address), postal_code = VALUES(postal_code), city = VALUES(city),"
	    " country = VALUES(country), language = VALUES(language),"
	    " vat_number = VALUES(vat_number), tax_exempt = VALUES(tax_exempt),"
	    " marketing_consent = VALUES(marketing_consent)";
	struct db_query *query;
	char *sql = db_sql_repeat(head, group, (size_t)count, tail);

	if (sql == NULL)
		return NULL;
	query = db_cached(db, sql);
	free(sql);
	return query;
}

/* A statement over the shop's customers whose ids are listed: sql is its
 * text up to "IN (", which gets UPDATE_CHUNK places (unused ones NULL).
 * NULL on error. */
static struct db_query *
ids_statement(struct db *db, const char *head, const char *tail)
{
	struct db_query *query;
	char *sql = db_sql_repeat(head, "?", UPDATE_CHUNK, tail);

	if (sql == NULL)
		return NULL;
	query = db_cached(db, sql);
	free(sql);
	return query;
}

/* Queues into drop and put what the new values of the customers of rows
 * whose reindex is set (count at most UPDATE_CHUNK) change in their search
 * terms: the terms their old values gave and the new ones do not go, by
 * the index's key (a DELETE by customer id alone would read every term of
 * the shop, the key being (shop_id, term, customer_id)); the new terms
 * come with the name_key the server computed, and the terms both give are
 * written again only when the names changed (the name_key they carry
 * changed with them). 0 or -1. */
static int
reindex_chunk(struct shop_context *ctx, const struct customer_update_row *rows, int count,
    struct search_batch *drop, struct search_batch *put)
{
	static struct search_terms old;
	static unsigned char key[UPDATE_CHUNK][SEARCH_NAME_KEY_MAX];
	static unsigned long key_length[UPDATE_CHUNK];
	static int key_row[UPDATE_CHUNK];
	struct db_param params[1 + UPDATE_CHUNK];
	struct db_query *query;
	char digits[40];
	int i, k, keys = 0, n = 0, status = 0;

	params[n++] = DB_INT(ctx->shop_id);
	for (i = 0; i < count; i++)
		if (rows[i].reindex)
			params[n++] = DB_INT(rows[i].id);
	if (n == 1)
		return 0;
	while (n < 1 + UPDATE_CHUNK)
		params[n++] = DB_NULL;
	query = ids_statement(ctx->db,
	    "SELECT id, name_key FROM customer WHERE shop_id = ? AND id IN (", ")");
	if (query == NULL || db_exec(ctx->db, query, params, n) < 0)
		return -1;
	/* read whole before the batches send anything (the cached statement
	 * is another's after the next db_cached) */
	while (keys < count && db_fetch(query) == 1) {
		long long id = db_int(query, 0);

		for (i = 0; i < count && (rows[i].id != id || !rows[i].reindex); i++)
			;
		if (i == count || db_length(query, 1) > SEARCH_NAME_KEY_MAX)
			continue;
		key_row[keys] = i;
		key_length[keys] = db_length(query, 1);
		memcpy(key[keys++], db_text(query, 1), db_length(query, 1));
	}
	db_done(query);
	for (k = 0; status == 0 && k < keys; k++) {
		const struct customer_update_row *row = &rows[key_row[k]];

		customer_phone_digits(row->old_phone, digits, sizeof(digits));
		search_terms(or_empty(row->old_first_name), or_empty(row->old_last_name),
		    row->fields.email, digits, &old);
		customer_phone_digits(row->fields.phone, digits, sizeof(digits));
		status = search_batch_change(drop, put, row->id, key[k], key_length[k],
		    strcmp(or_empty(row->old_first_name), or_empty(row->fields.first_name)) != 0 ||
		    strcmp(or_empty(row->old_last_name), or_empty(row->fields.last_name)) != 0,
		    &old, or_empty(row->fields.first_name), or_empty(row->fields.last_name),
		    row->fields.email, digits);
	}
	return status;
}

/* The same for count rows (at most CUSTOMER_BATCH_MAX), their terms sent
 * together, sorted by the index's key. 0 or -1. */
static int
reindex_rows(struct shop_context *ctx, const struct customer_update_row *rows, int count)
{
	static struct search_batch drop, put;
	int from, status = 0;

	search_batch_init(&drop, ctx->db, ctx->shop_id, SEARCH_DROP);
	search_batch_init(&put, ctx->db, ctx->shop_id, SEARCH_PUT);
	for (from = 0; status == 0 && from < count; from += UPDATE_CHUNK)
		status = reindex_chunk(ctx, rows + from,
		    count - from < UPDATE_CHUNK ? count - from : UPDATE_CHUNK, &drop, &put);
	return status == 0 && search_batch_flush(&drop) == 0 && search_batch_flush(&put) == 0 ?
	    0 : -1;
}

int
customer_update_batch(struct shop_context *ctx, const struct customer_update_row *rows,
    int count, const char *kind)
{
	static struct db_param params[UPDATE_CHUNK * UPDATE_COLUMNS];
	static struct db_param events[CUSTOMER_BATCH_MAX * 6];
	static char digits[UPDATE_CHUNK][40];
	int from, size, i, p;

	if (count < 1 || count > CUSTOMER_BATCH_MAX || customer_ready(ctx->db) != 0)
		return CUSTOMER_ERROR;
	for (from = 0; from < count; from += size) {
		struct db_query *query;

		for (size = UPDATE_CHUNK; size > count - from; size /= 2)
			;
		for (i = 0, p = 0; i < size; i++) {
			const struct customer_update_row *row = &rows[from + i];
			const struct customer_fields *f = &row->fields;

			customer_phone_digits(f->phone, digits[i], sizeof(digits[i]));
			params[p++] = DB_INT(row->id);
			params[p++] = DB_INT(ctx->shop_id);
			params[p++] = DB_TEXT(f->email);
			params[p++] = DB_TEXT(or_empty(f->first_name));
			params[p++] = DB_TEXT(or_empty(f->last_name));
			params[p++] = DB_TEXT(or_empty(f->phone));
			params[p++] = DB_TEXT(digits[i]);
			params[p++] = DB_TEXT(or_empty(f->company));
			params[p++] = DB_TEXT(or_empty(f->address));
			params[p++] = DB_TEXT(or_empty(f->postal_code));
			params[p++] = DB_TEXT(or_empty(f->city));
			params[p++] = DB_TEXT(f->country);
			params[p++] = DB_TEXT(f->language);
			params[p++] = DB_TEXT(or_empty(f->vat_number));
			params[p++] = DB_INT(f->tax_exempt);
			params[p++] = DB_INT(f->marketing_consent);
		}
		query = update_statement(ctx->db, size);
		if (query == NULL || db_exec(ctx->db, query, params, (size_t)p) < 0)
			return CUSTOMER_ERROR;
	}
	if (reindex_rows(ctx, rows, count) != 0)
		return CUSTOMER_ERROR;
	if (kind == NULL)
		return CUSTOMER_OK;
	for (i = 0, p = 0; i < count; i++) {
		events[p++] = DB_INT(ctx->shop_id);
		events[p++] = DB_INT(rows[i].id);
		events[p++] = acting_admin(ctx);
		events[p++] = DB_TEXT(kind);
		events[p++] = DB_TEXT("");
		events[p++] = DB_TEXT(ctx->ip);
	}
	return db_insert_rows(ctx->db,
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail, ip)", 6, events,
	    (size_t)count) == count ? CUSTOMER_OK : CUSTOMER_ERROR;
}
