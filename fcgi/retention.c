/*
 * Retention: warn, then forget, the customers inactive for the shop's
 * retention_months (retention.h).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/customer.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/mail.h"
#include "retention.h"

/* The customer's last activity, in UTC as stored. */
#define LAST_ACTIVE \
	"GREATEST(c.created_at, COALESCE(c.last_sign_in_at, c.created_at)," \
	" COALESCE(c.last_order_at, c.created_at))"
/* Whom retention may touch at all: not the blocked, nor those on the
 * waiting list (they wait for the shop, they are not inactive
 * customers), nor anyone without an address, who could not be warned:
 * they are never erased automatically, the shop erases them by hand. */
#define IN_SCOPE \
	" c.erased_at IS NULL AND c.status NOT IN ('blocked', 'waiting') AND c.email IS NOT NULL"
/* A notice announces an erasure RETENTION_NOTICE_DAYS later; one older
 * than RETENTION_NOTICE_STALE_DAYS (the worker stopped, say) no longer
 * counts: it is dropped and the customer warned again, never erased on
 * the strength of a mail of long ago. */
#define NOTICE_FRESH " n.warned_at > NOW() - INTERVAL 60 DAY"
/* Due for a warning: inactive for the setting's months less the notice's
 * days, and not warned yet (the months are the second parameter). */
#define WARN_DUE \
	" c.shop_id = ? AND" IN_SCOPE \
	" AND " LAST_ACTIVE " < NOW() - INTERVAL ? MONTH + INTERVAL 30 DAY" \
	" AND NOT EXISTS (SELECT 1 FROM retention_notice n" \
	"                  WHERE n.shop_id = c.shop_id AND n.customer_id = c.id AND" NOTICE_FRESH ")"
/* Due for erasure: warned RETENTION_NOTICE_DAYS ago or more but not
 * too long ago, not back since, and inactive for the setting's months
 * still. */
#define ERASE_DUE \
	" n.shop_id = ? AND n.warned_at <= NOW() - INTERVAL 30 DAY AND" NOTICE_FRESH \
	" AND" IN_SCOPE \
	" AND " LAST_ACTIVE " <= n.warned_at AND " LAST_ACTIVE " < NOW() - INTERVAL ? MONTH"

#define BATCH 100

enum retention_sql {
	SQL_MONTHS,
	SQL_SHOPS,
	SQL_CANCEL,
	SQL_CANCEL_ALL,
	SQL_WARN_LIST,
	SQL_WARN_TAKE,
	SQL_ERASE_LIST,
	SQL_ERASE_TAKE,
	RETENTION_SQL__MAX
};

static struct db_query retention_sql[RETENTION_SQL__MAX] = {
	[SQL_MONTHS] = { .sql =
	    "SELECT retention_months FROM shop WHERE id = ?" },
	/* the worker's hourly run goes over every shop that asks for it */
	[SQL_SHOPS] = { .sql =
	    "SELECT id FROM shop WHERE retention_months IS NOT NULL ORDER BY id LIMIT ?" },
	/* those who came back (or were blocked, erased, put on the waiting
	 * list) since their warning, and the notices too old to act on */
	[SQL_CANCEL] = { .sql =
	    "DELETE n FROM retention_notice n"
	    "  JOIN customer c ON c.id = n.customer_id AND c.shop_id = n.shop_id"
	    " WHERE n.shop_id = ?"
	    "   AND (NOT (" IN_SCOPE ") OR " LAST_ACTIVE " > n.warned_at OR NOT" NOTICE_FRESH ")" },
	/* retention switched off: no one is to be erased any more */
	[SQL_CANCEL_ALL] = { .sql =
	    "DELETE FROM retention_notice WHERE shop_id = ?" },
	[SQL_WARN_LIST] = { .sql =
	    "SELECT c.id, c.email, c.language, DATE_FORMAT(" LAST_ACTIVE ", '%Y-%m-%d %H:%i:%s')"
	    "  FROM customer c"
	    " WHERE" WARN_DUE " AND c.id > ?"
	    " ORDER BY c.id LIMIT 100" },
	/* the notice, if the customer is still due (checked again in the
	 * transaction that mails them: they may have signed in meanwhile) */
	[SQL_WARN_TAKE] = { .sql =
	    "INSERT INTO retention_notice (shop_id, customer_id)"
	    " SELECT c.shop_id, c.id FROM customer c"
	    "  WHERE" WARN_DUE " AND c.id = ?"
	    " ON DUPLICATE KEY UPDATE warned_at = NOW()" },
	[SQL_ERASE_LIST] = { .sql =
	    "SELECT c.id, c.email, '', DATE_FORMAT(" LAST_ACTIVE ", '%Y-%m-%d %H:%i:%s')"
	    "  FROM retention_notice n"
	    "  JOIN customer c ON c.id = n.customer_id AND c.shop_id = n.shop_id"
	    " WHERE" ERASE_DUE " AND c.id > ?"
	    " ORDER BY c.id LIMIT 100" },
	/* the notice is used up by the erasure it announced */
	[SQL_ERASE_TAKE] = { .sql =
	    "DELETE n FROM retention_notice n"
	    "  JOIN customer c ON c.id = n.customer_id AND c.shop_id = n.shop_id"
	    " WHERE" ERASE_DUE " AND n.customer_id = ?" },
};

static int
retention_ready(struct db *db)
{
	return db_register(db, retention_sql, RETENTION_SQL__MAX);
}

int
retention_shops(struct db *db, long long *ids, int max)
{
	struct db_query *query = &retention_sql[SQL_SHOPS];
	struct db_param param = DB_INT(max);
	int count = 0;

	if (retention_ready(db) != 0 || db_exec(db, query, &param, 1) < 0)
		return -1;
	while (count < max && db_fetch(query) == 1)
		ids[count++] = db_int(query, 0);
	db_done(query);
	return count;
}

/* The shop's setting: the months (> 0), 0 when off, -1 on an error. */
static long long
months_of(struct shop_context *ctx)
{
	struct db_query *query = &retention_sql[SQL_MONTHS];
	struct db_param param = DB_INT(ctx->shop_id);
	long long months = 0;

	if (db_exec(ctx->db, query, &param, 1) < 0)
		return -1;
	if (db_fetch(query) == 1 && db_text(query, 0) != NULL)
		months = db_int(query, 0);
	db_done(query);
	return months;
}

struct due {
	long long id;
	char email[256];
	char language[3];
	char last_active[20];
};

/* The next batch of list after customer id after. Returns how many, or -1. */
static int
due_batch(struct shop_context *ctx, enum retention_sql list, long long months, long long after,
    struct due *rows)
{
	struct db_query *query = &retention_sql[list];
	struct db_param params[3] = { DB_INT(ctx->shop_id), DB_INT(months), DB_INT(after) };
	int count = 0;

	if (db_exec(ctx->db, query, params, 3) < 0)
		return -1;
	while (count < BATCH && db_fetch(query) == 1) {
		struct due *row = &rows[count++];

		row->id = db_int(query, 0);
		snprintf(row->email, sizeof(row->email), "%s", db_text(query, 1) ? db_text(query, 1) : "");
		snprintf(row->language, sizeof(row->language), "%s",
		    db_text(query, 2) ? db_text(query, 2) : "");
		snprintf(row->last_active, sizeof(row->last_active), "%s",
		    db_text(query, 3) ? db_text(query, 3) : "");
	}
	db_done(query);
	return count;
}

/* The language a customer's mail is written in, as an enum. */
static enum lang
language_of(struct shop_context *ctx, const char *code)
{
	int l;

	for (l = 0; l < LANG__MAX; l++)
		if (strcmp(code, lang_codes[l]) == 0)
			return (enum lang)l;
	return ctx->shop->lang;
}

/* Warns one customer: the notice and its mail commit together. Returns
 * 1 warned, 0 no longer due, -1 on an error. */
static int
warn_one(struct shop_context *ctx, long long months, const struct due *row, const char *base)
{
	struct db_param params[3] = { DB_INT(ctx->shop_id), DB_INT(months), DB_INT(row->id) };
	struct mail mail = { "retention-notice", row->email, row->id, 0 };
	time_t when = time(NULL) + (time_t)RETENTION_NOTICE_DAYS * 86400;
	char day[16], shown[64];
	long long taken;
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	format_date(day, language_of(ctx, row->language), shown, sizeof(shown));
	if (db_begin(ctx->db) != 0)
		return -1;
	/* 2: a stale notice (NOTICE_FRESH) renewed, as a run that started
	 * before it went stale may find it */
	taken = db_exec(ctx->db, &retention_sql[SQL_WARN_TAKE], params, 3);
	if (taken == 2)
		taken = 1;
	if (taken == 1) {
		hdf_set_value(ctx->hdf, "Mail.When", shown);
		hdf_set_valuef(ctx->hdf, "Mail.Link=%s/account/login", base);
		if (mail_queue_in(ctx, &mail, row->language) != 0)
			taken = -1;
	}
	if (taken < 0 || db_commit(ctx->db) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return taken == 1;
}

/* Erases one customer whose notice is due. Returns 1 erased, 0 no
 * longer due, -1 on an error. */
static int
erase_one(struct shop_context *ctx, long long months, const struct due *row)
{
	struct db_param params[3] = { DB_INT(ctx->shop_id), DB_INT(months), DB_INT(row->id) };
	long long taken;

	if (db_begin(ctx->db) != 0)
		return -1;
	taken = db_exec(ctx->db, &retention_sql[SQL_ERASE_TAKE], params, 3);
	if (taken == 1 && customer_change_one(ctx, row->id, CUSTOMER_ERASE, NULL) != CUSTOMER_OK)
		taken = -1;
	if (taken < 0 || db_commit(ctx->db) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return taken == 1;
}

/* Goes through list (erasures or warnings) in batches, handling at most
 * *budget customers when budget is not NULL (and taking them off it).
 * Returns 0 when the list is done, 1 when the budget ran out first, or
 * -1. */
static int
run_list(struct shop_context *ctx, enum retention_sql list, long long months, int dry_run,
    const char *base, retention_seen seen, void *data, long long *count, long long *budget)
{
	static struct due rows[BATCH];
	long long after = 0;
	int n, i, done;

	do {
		n = due_batch(ctx, list, months, after, rows);
		if (n < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (budget != NULL && *budget <= 0)
				return 1;
			if (budget != NULL)
				(*budget)--;
			after = rows[i].id;
			done = 1;
			if (!dry_run)
				done = list == SQL_ERASE_LIST ? erase_one(ctx, months, &rows[i]) :
				    warn_one(ctx, months, &rows[i], base);
			if (done < 0)
				return -1;
			if (done == 0)
				continue;
			(*count)++;
			if (seen != NULL)
				seen(data, list == SQL_ERASE_LIST ? "erase" : "warn", rows[i].id,
				    rows[i].email, rows[i].last_active);
		}
	} while (n == BATCH);
	return 0;
}

/* retention_run and retention_step: budget NULL for no limit. Returns 0
 * (done), 1 (the budget ran out) or -1. */
static int
retention_go(struct shop_context *ctx, int dry_run, retention_seen seen, void *data,
    struct retention_counts *counts, long long *budget)
{
	struct retention_counts own;
	struct db_param param = DB_INT(ctx->shop_id);
	char base[300] = "";
	long long months, rows;
	int more;

	if (counts == NULL)
		counts = &own;
	memset(counts, 0, sizeof(*counts));
	if (retention_ready(ctx->db) != 0 || (months = months_of(ctx)) < 0)
		return -1;
	if (!dry_run) {
		rows = db_exec(ctx->db, &retention_sql[months == 0 ? SQL_CANCEL_ALL : SQL_CANCEL],
		    &param, 1);
		if (rows < 0)
			return -1;
		counts->cancelled = rows;
	}
	if (months == 0)
		return 0;
	/* the warning's link to sign in and keep the account */
	if (context_link_base(ctx, base, sizeof(base)) != 0)
		return -1;
	/* the erasures first: a customer is never warned and erased in one run */
	more = run_list(ctx, SQL_ERASE_LIST, months, dry_run, base, seen, data, &counts->erased,
	    budget);
	if (more == 0)
		more = run_list(ctx, SQL_WARN_LIST, months, dry_run, base, seen, data,
		    &counts->warned, budget);
	return more;
}

int
retention_run(struct shop_context *ctx, int dry_run, retention_seen seen, void *data,
    struct retention_counts *counts)
{
	return retention_go(ctx, dry_run, seen, data, counts, NULL) == 0 ? 0 : -1;
}

int
retention_step(struct shop_context *ctx, long long *budget, struct retention_counts *counts)
{
	return retention_go(ctx, 0, NULL, NULL, counts, budget);
}
