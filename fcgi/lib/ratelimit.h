/*
 * Rate limits kept in the database, so every process of every program
 * shares them. A limit is a bucket name, a key (an address, an account) and
 * at most `limit` hits per `window` seconds, in fixed windows. They take
 * a shop context (context.h), as every service does: a page passes its
 * request's, and the CLI or the worker (a mail it sends for someone) count
 * against the same limits.
 */
#ifndef FIDELE_RATELIMIT_H
#define FIDELE_RATELIMIT_H

#include "context.h"

struct ratelimit {
	const char *bucket;	/* e.g. "admin-login-ip" */
	int limit;
	int window;	/* seconds */
};

/* 1 when key has already used up the limit in the current window, 0 when
 * not, -1 on a database error. Does not count a hit. */
int ratelimit_exceeded(struct shop_context *ctx, const struct ratelimit *rule, const char *key);

/* Counts one hit for key. Returns 0 or -1. */
int ratelimit_hit(struct shop_context *ctx, const struct ratelimit *rule, const char *key);

/* Counts one hit for key and says whether it went past the limit: 1
 * when it did (the hit counts, refused or not), 0 when not, -1 on a
 * database error. One statement where ratelimit_exceeded then
 * ratelimit_hit are two, for a limit checked on every request. It sets
 * the connection's LAST_INSERT_ID(): take the limit before an insert whose
 * id a later statement reads that way, not between them. */
int ratelimit_take(struct shop_context *ctx, const struct ratelimit *rule, const char *key);

/* One limit applied to one key. */
struct ratelimit_use {
	const struct ratelimit *rule;
	const char *key;
};

/* 1 when any of the n limits is used up, 0 when none, -1 on an error. */
int ratelimit_any_exceeded(struct shop_context *ctx, const struct ratelimit_use *uses, size_t n);

/* Counts one hit on each of the n limits. Returns 0 or -1. */
int ratelimit_hit_all(struct shop_context *ctx, const struct ratelimit_use *uses, size_t n);

/*
 * Wrong sign-in codes, per customer and per day.
 *
 * A mailed code has 6 digits and dies after TOKEN_CODE_TRIES (5) wrong
 * ones (typed with the address, the code only: its link lives on), but anyone may ask for new tokens for any address: 5 tokens
 * per address per 15 minutes made 25 guesses per customer per quarter hour,
 * about 2,400 a day. Counted per customer, whatever the token or the IP:
 * RATELIMIT_CODE_DAILY (10) wrong codes per customer per 24 hours give a
 * guesser a chance of 10 / 1,000,000 = 1 in 100,000 a day, about 1 in 270
 * after a whole year spent on one customer, who gets a mail for every
 * other token asked for (two a day at least). The code stays 6 digits for
 * people who type it from their phone. Past the cap every code of that
 * customer is refused until the day is over; the link in the mail still
 * works (256 bits, not guessable), so a stranger cannot lock anyone out.
 *
 * Every page that checks a typed code calls ratelimit_code_exceeded first
 * and refuses (as if the code were wrong) when it says 1, and calls
 * ratelimit_code_wrong after each wrong code of a known customer.
 */
#define RATELIMIT_CODE_DAILY 10

/* 1 when the customer of the context's shop has used up the day's wrong
 * codes, 0 when not, -1 on a database error. */
int ratelimit_code_exceeded(struct shop_context *ctx, long long customer_id);

/* Counts one wrong code for the customer. Returns 0 or -1. */
int ratelimit_code_wrong(struct shop_context *ctx, long long customer_id);

/*
 * The password hashing budget of the installation.
 *
 * One scrypt costs about 0.3 s of CPU and 130 MiB, and anyone may ask for
 * one (a wrong password, an unknown address's decoy). Per-IP limits do not
 * hold against many source addresses, so hashing has a budget shared by
 * every process of every pool: at most Limits.PasswordHashConcurrency at
 * once (MariaDB named locks, taken without waiting, freed by the server if
 * a process dies) and Limits.PasswordHashPerMinute a minute (the rate_limit
 * table). When the budget is spent the caller answers "try again in a
 * moment" (503 with Retry-After) at once instead of queueing.
 *
 * A browser that signed in to the account before (known = 1) may use every
 * slot and is not counted against the rate; strangers get every slot but
 * the last one (when there are two or more), so a flood of anonymous
 * attempts never keeps an owner out.
 */
enum hash_budget {
	HASH_BUDGET_OK,		/* a slot is held: hash, then ratelimit_hash_give */
	HASH_BUDGET_BUSY,	/* no slot, or the minute's budget is spent */
	HASH_BUDGET_ERROR	/* database error */
};

/* Takes a slot into *slot; on HASH_BUDGET_BUSY *retry_after gets the
 * seconds to tell the client. */
enum hash_budget ratelimit_hash_take(struct shop_context *ctx, int known, int *slot,
    int *retry_after);

/* Gives the slot back (the server frees it anyway if the connection dies). */
void ratelimit_hash_give(struct shop_context *ctx, int slot);

#endif
