/*
 * Rate limits kept in the database, so every process of every program
 * shares them. A limit is a bucket name, a key (an address, an account) and
 * at most `limit` hits per `window` seconds, in fixed windows.
 */
#ifndef FIDELE_RATELIMIT_H
#define FIDELE_RATELIMIT_H

#include "app.h"

struct ratelimit {
	const char *bucket;	/* e.g. "admin-login-ip" */
	int limit;
	int window;	/* seconds */
};

/* 1 when key has already used up the limit in the current window, 0 when
 * not, -1 on a database error. Does not count a hit. */
int ratelimit_exceeded(struct request *req, const struct ratelimit *rule, const char *key);

/* Counts one hit for key. Returns 0 or -1. */
int ratelimit_hit(struct request *req, const struct ratelimit *rule, const char *key);

/* One limit applied to one key. */
struct ratelimit_use {
	const struct ratelimit *rule;
	const char *key;
};

/* 1 when any of the n limits is used up, 0 when none, -1 on an error. */
int ratelimit_any_exceeded(struct request *req, const struct ratelimit_use *uses, size_t n);

/* Counts one hit on each of the n limits. Returns 0 or -1. */
int ratelimit_hit_all(struct request *req, const struct ratelimit_use *uses, size_t n);

#endif
