/*
 * Unconfirmed self-signups expire (signup-expire.h).
 */
#include <config.h>

#include <stdio.h>

#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/log.h"
#include "signup-expire.h"

/* Shops and customers taken at a time. */
#define EXPIRE_SHOPS 100
#define EXPIRE_BATCH 100
#define EXPIRE_BATCHES 100	/* per shop and run: the next run goes on */

/* An unconfirmed self-signup with nothing else, whose every form is
 * SIGNUP_EXPIRE_HOURS old (the hours are the first parameter). */
#define EXPIRED \
	" c.erased_at IS NULL AND c.status = 'invited' AND c.source = 'self'" \
	" AND c.last_sign_in_at IS NULL AND c.order_count = 0" \
	" AND c.created_at < NOW() - INTERVAL ? HOUR" \
	" AND NOT EXISTS (SELECT 1 FROM signup_request r WHERE r.shop_id = c.shop_id" \
	"                   AND r.customer_id = c.id" \
	"                   AND (r.status <> 'unconfirmed' OR r.created_at >= NOW() - INTERVAL ? HOUR))" \
	" AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shop_id = c.shop_id AND o.customer_id = c.id)" \
	" AND NOT EXISTS (SELECT 1 FROM note n WHERE n.shop_id = c.shop_id AND n.customer_id = c.id)" \
	" AND NOT EXISTS (SELECT 1 FROM consent k WHERE k.shop_id = c.shop_id AND k.customer_id = c.id)" \
	" AND NOT EXISTS (SELECT 1 FROM event e WHERE e.shop_id = c.shop_id AND e.customer_id = c.id" \
	"                   AND (e.admin_id IS NOT NULL OR e.api_key_id IS NOT NULL))"

enum expire_sql {
	SQL_SHOPS,
	SQL_CUSTOMERS,
	SQL_DROP_REQUESTS,
	EXPIRE_SQL__MAX
};

static struct db_query expire_sql[EXPIRE_SQL__MAX] = {
	/* every shop, on purpose: the shops with an old unconfirmed form */
	[SQL_SHOPS] = { .sql =
	    "SELECT DISTINCT shop_id FROM signup_request"
	    " WHERE status = 'unconfirmed' AND created_at < NOW() - INTERVAL ? HOUR"
	    " ORDER BY shop_id LIMIT 100" },
	/* locked: a confirmation or a new form for them waits, then finds
	 * nothing (a new form then makes a new customer) */
	[SQL_CUSTOMERS] = { .sql =
	    "SELECT c.id FROM customer c WHERE c.shop_id = ? AND" EXPIRED
	    " ORDER BY c.id LIMIT 100 FOR UPDATE" },
	[SQL_DROP_REQUESTS] = { .sql =
	    "DELETE FROM signup_request WHERE shop_id = ? AND status = 'unconfirmed'"
	    "   AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
};

/* One committed batch of the context's shop. Returns how many customers
 * went (fewer than EXPIRE_BATCH: the shop is done), or -1. */
static long long
expire_batch(struct shop_context *ctx)
{
	struct db_query *query = &expire_sql[SQL_CUSTOMERS];
	struct db_param params[3] = {
		DB_INT(ctx->shop_id), DB_INT(SIGNUP_EXPIRE_HOURS), DB_INT(SIGNUP_EXPIRE_HOURS)
	};
	long long ids[EXPIRE_BATCH], count = 0, i;
	unsigned char selection[16];

	if (db_begin(ctx->db) != 0)
		return -1;
	if (db_exec(ctx->db, query, params, 3) < 0)
		goto fail;
	while (count < EXPIRE_BATCH && db_fetch(query) == 1)
		ids[count++] = db_int(query, 0);
	db_done(query);
	if (count == 0) {
		db_rollback(ctx->db);
		return 0;
	}
	if (crypto_random(selection, sizeof(selection)) != 0)
		goto fail;
	for (i = 0; i < count; i++)
		if (customer_select(ctx, selection, ids[i]) != CUSTOMER_OK)
			goto fail;
	params[1] = DB_BLOB(selection, 16);
	if (db_exec(ctx->db, &expire_sql[SQL_DROP_REQUESTS], params, 2) < 0 ||
	    customer_delete_selection(ctx, selection) != CUSTOMER_OK || db_commit(ctx->db) != 0)
		goto fail;
	return count;
fail:
	db_rollback(ctx->db);
	return -1;
}

long long
signup_expire_all(struct db *db, HDF *config)
{
	struct db_query *shops = &expire_sql[SQL_SHOPS];
	struct db_param param = DB_INT(SIGNUP_EXPIRE_HOURS);
	long long ids[EXPIRE_SHOPS], total = 0, done;
	int count = 0, i, failed = 0;

	if (db_register(db, expire_sql, EXPIRE_SQL__MAX) != 0 || db_exec(db, shops, &param, 1) < 0)
		return -1;
	while (count < EXPIRE_SHOPS && db_fetch(shops) == 1)
		ids[count++] = db_int(shops, 0);
	db_done(shops);
	for (i = 0; i < count; i++) {
		struct shop_context ctx;
		int made = context_for_shop(&ctx, db, config, ids[i], ACTOR_WORKER), batches = 0;

		done = made;
		while (made == 1 && (done = expire_batch(&ctx)) > 0) {
			total += done;
			if (done < EXPIRE_BATCH || ++batches == EXPIRE_BATCHES)
				break;
		}
		if (done < 0) {
			log_err("expiring the unconfirmed signups of shop %lld failed", ids[i]);
			failed = 1;
		}
		context_end(&ctx);
	}
	return failed ? -1 : total;
}
