/*
 * Database-backed fixed-window rate limits. Keys are hashed so that the
 * table holds no addresses in clear.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "ratelimit.h"

int
ratelimit_exceeded(struct shop_context *ctx, const struct ratelimit *rule, const char *key)
{
	struct db_query *read = &core_sql[CORE_RATE_READ];
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[3];
	int found, exceeded = 0;

	crypto_sha256(key, strlen(key), hash);
	params[0] = DB_TEXT(rule->bucket);
	params[1] = DB_BLOB(hash, sizeof(hash));
	params[2] = DB_INT(rule->window);
	if (db_exec(ctx->db, read, params, 3) < 0)
		return -1;
	found = db_fetch(read);
	if (found == 1)
		exceeded = db_int(read, 0) >= rule->limit;
	db_done(read);
	return found < 0 ? -1 : exceeded;
}

/* Runs one of the two counting statements (CORE_RATE_HIT, CORE_RATE_TAKE)
 * for key under rule. 0 or -1. */
static int
rate_count(struct shop_context *ctx, struct db_query *query, const struct ratelimit *rule,
    const char *key)
{
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[4];

	crypto_sha256(key, strlen(key), hash);
	params[0] = DB_TEXT(rule->bucket);
	params[1] = DB_BLOB(hash, sizeof(hash));
	params[2] = DB_INT(rule->window);
	params[3] = DB_INT(rule->window);
	return db_exec(ctx->db, query, params, 4) < 0 ? -1 : 0;
}

int
ratelimit_hit(struct shop_context *ctx, const struct ratelimit *rule, const char *key)
{
	return rate_count(ctx, &core_sql[CORE_RATE_HIT], rule, key);
}

int
ratelimit_take(struct shop_context *ctx, const struct ratelimit *rule, const char *key)
{
	struct db_query *take = &core_sql[CORE_RATE_TAKE];

	if (rate_count(ctx, take, rule, key) != 0)
		return -1;
	return db_insert_id(take) > (unsigned long long)rule->limit;
}

int
ratelimit_any_exceeded(struct shop_context *ctx, const struct ratelimit_use *uses, size_t n)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		int exceeded = ratelimit_exceeded(ctx, uses[i].rule, uses[i].key);

		if (exceeded < 0)
			return -1;
		any |= exceeded;
	}
	return any;
}

int
ratelimit_hit_all(struct shop_context *ctx, const struct ratelimit_use *uses, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ratelimit_hit(ctx, uses[i].rule, uses[i].key) != 0)
			return -1;
	return 0;
}

static const struct ratelimit limit_code_customer = { "code-customer", RATELIMIT_CODE_DAILY, 86400 };

/* "shop:customer", the key of a customer's wrong codes. */
static void
code_key(struct shop_context *ctx, long long customer_id, char *out, size_t size)
{
	snprintf(out, size, "%lld:%lld", ctx->shop_id, customer_id);
}

int
ratelimit_code_exceeded(struct shop_context *ctx, long long customer_id)
{
	char key[48];

	code_key(ctx, customer_id, key, sizeof(key));
	return ratelimit_exceeded(ctx, &limit_code_customer, key);
}

int
ratelimit_code_wrong(struct shop_context *ctx, long long customer_id)
{
	char key[48];

	code_key(ctx, customer_id, key, sizeof(key));
	return ratelimit_hit(ctx, &limit_code_customer, key);
}

#define HASH_DEFAULT_CONCURRENCY 2
#define HASH_DEFAULT_PER_MINUTE 120
#define HASH_RETRY_BUSY 5	/* seconds: one hash takes about 0.3 s */
#define HASH_RETRY_RATE 60	/* seconds: the rate's window */

enum hash_budget
ratelimit_hash_take(struct shop_context *ctx, int known, int *slot, int *retry_after)
{
	struct db_query *take = &core_sql[CORE_HASH_SLOT_TAKE];
	long long slots = hdf_get_int_value(ctx->config, "Limits.PasswordHashConcurrency",
	    HASH_DEFAULT_CONCURRENCY);
	struct ratelimit rate = { "password-hash", hdf_get_int_value(ctx->config,
	    "Limits.PasswordHashPerMinute", HASH_DEFAULT_PER_MINUTE), 60 };
	struct db_param param;
	long long n, open;
	int over, got;

	*slot = -1;
	*retry_after = HASH_RETRY_BUSY;
	if (rate.limit < 1)
		rate.limit = 1;
	if (!known) {
		over = ratelimit_exceeded(ctx, &rate, "all");
		if (over != 0) {
			*retry_after = HASH_RETRY_RATE;
			return over < 0 ? HASH_BUDGET_ERROR : HASH_BUDGET_BUSY;
		}
	}
	if (slots < 1)
		slots = 1;
	open = known || slots == 1 ? slots : slots - 1;
	for (n = 0; n < open; n++) {
		param = DB_INT(n);
		if (db_exec(ctx->db, take, &param, 1) < 0)
			return HASH_BUDGET_ERROR;
		got = db_fetch(take) == 1 && db_text(take, 0) != NULL && db_int(take, 0) == 1;
		db_done(take);
		if (got) {
			*slot = (int)n;
			break;
		}
	}
	if (*slot < 0)
		return HASH_BUDGET_BUSY;
	if (!known && ratelimit_hit(ctx, &rate, "all") != 0) {
		ratelimit_hash_give(ctx, *slot);
		*slot = -1;
		return HASH_BUDGET_ERROR;
	}
	return HASH_BUDGET_OK;
}

void
ratelimit_hash_give(struct shop_context *ctx, int slot)
{
	struct db_query *give = &core_sql[CORE_HASH_SLOT_GIVE];
	struct db_param param = DB_INT(slot);

	if (slot < 0)
		return;
	if (db_exec(ctx->db, give, &param, 1) >= 0)
		db_done(give);
}
