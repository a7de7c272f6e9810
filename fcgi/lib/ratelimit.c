/*
 * Database-backed fixed-window rate limits. Keys are hashed so that the
 * table holds no addresses in clear.
 */
#include <config.h>

#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "ratelimit.h"

int
ratelimit_exceeded(struct request *req, const struct ratelimit *rule, const char *key)
{
	struct db_query *read = &core_sql[CORE_RATE_READ];
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[3];
	int found, exceeded = 0;

	crypto_sha256(key, strlen(key), hash);
	params[0] = DB_TEXT(rule->bucket);
	params[1] = DB_BLOB(hash, sizeof(hash));
	params[2] = DB_INT(rule->window);
	if (db_exec(&req->app->db, read, params, 3) < 0)
		return -1;
	found = db_fetch(read);
	if (found == 1)
		exceeded = db_int(read, 0) >= rule->limit;
	db_done(read);
	return found < 0 ? -1 : exceeded;
}

int
ratelimit_hit(struct request *req, const struct ratelimit *rule, const char *key)
{
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[4];

	crypto_sha256(key, strlen(key), hash);
	params[0] = DB_TEXT(rule->bucket);
	params[1] = DB_BLOB(hash, sizeof(hash));
	params[2] = DB_INT(rule->window);
	params[3] = DB_INT(rule->window);
	return db_exec(&req->app->db, &core_sql[CORE_RATE_HIT], params, 4) < 0 ? -1 : 0;
}

int
ratelimit_any_exceeded(struct request *req, const struct ratelimit_use *uses, size_t n)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		int exceeded = ratelimit_exceeded(req, uses[i].rule, uses[i].key);

		if (exceeded < 0)
			return -1;
		any |= exceeded;
	}
	return any;
}

int
ratelimit_hit_all(struct request *req, const struct ratelimit_use *uses, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ratelimit_hit(req, uses[i].rule, uses[i].key) != 0)
			return -1;
	return 0;
}
