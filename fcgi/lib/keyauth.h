/*
 * Signed requests from a shop's web store (ROUTE_KEY routes): the shop's
 * API keys, the signature and the check the accept loop runs before such a
 * route's body is parsed. The README's "Signed requests" section is the
 * contract a web developer implements; this file is its reference.
 *
 * A request carries
 *
 *   Authorization: Fidele-HMAC key=<key id>, ts=<unix seconds>,
 *                  nonce=<16-64 lowercase hex>, sig=<64 hex>
 *
 * where sig is the hex of HMAC-SHA256 under the key's secret of
 *
 *   METHOD "\n" PATH "\n" QUERY "\n" ts "\n" nonce "\n" hex(SHA-256(body))
 *
 * METHOD as sent ("GET", "POST"), PATH the path as sent without the query,
 * QUERY the query string as sent without its "?" ("" when none), body the
 * bytes sent (none for a GET: the hash of nothing).
 *
 * A key's secret is never stored: it is the hex of HMAC-SHA256 under the
 * installation's secret of "api-key:" and the key id (keyauth_secret), so
 * the server can recompute it and a copy of the database signs nothing.
 */
#ifndef FIDELE_KEYAUTH_H
#define FIDELE_KEYAUTH_H

#include <stddef.h>

#include "crypto.h"
#include "db.h"
#include "request.h"

#define KEYAUTH_ID_PREFIX "fk_"
#define KEYAUTH_ID_DIGITS 24	/* random hex digits after the prefix: 96 bits */
#define KEYAUTH_ID_LENGTH (3 + KEYAUTH_ID_DIGITS)
#define KEYAUTH_SECRET_HEX (2 * CRYPTO_HASH_BYTES)
#define KEYAUTH_NONCE_MIN 16
#define KEYAUTH_NONCE_MAX 64
/* How far a request's ts may be from the server's clock, either way. */
#define KEYAUTH_WINDOW_SECONDS 300

/* An Authorization header, taken apart. */
struct keyauth_header {
	char key[KEYAUTH_ID_LENGTH + 1];
	char ts[16];		/* as sent: the signed text */
	long long ts_value;
	char nonce[KEYAUTH_NONCE_MAX + 1];
	unsigned char sig[CRYPTO_HASH_BYTES];
};

/* Takes a header apart: the scheme Fidele-HMAC (any letter case), then
 * key, ts, nonce and sig, each once, in any order, separated by commas and
 * optional spaces, nothing else. Returns 0, or -1 when it is malformed. */
int keyauth_header_parse(const char *header, struct keyauth_header *out);

/* 1 when text is a well-formed key id ("fk_" and 24 lowercase hex). */
int keyauth_id_ok(const char *text);

/* A new random key id into out (KEYAUTH_ID_LENGTH + 1). Returns 0 or -1. */
int keyauth_id_new(char *out);

/* The secret of key id under the installation's secret: 64 hex
 * characters and a NUL into out (KEYAUTH_SECRET_HEX + 1). */
void keyauth_secret(const char *install_secret, const char *key_id, char *out);

/* The signature of a request into out (CRYPTO_HASH_BYTES) under secret
 * (the 64 hex characters, used as they are as the HMAC key). Returns 0,
 * or -1 when out of memory. */
int keyauth_sign(const char *secret, const char *method, const char *path, const char *query,
    const char *ts, const char *nonce, const void *body, size_t body_len, unsigned char *out);

/* The statements of the check, registered by app_main for a program with
 * a ROUTE_KEY route (other programs need not prepare them). */
enum keyauth_sql {
	KEYAUTH_KEY_BY_ID,
	KEYAUTH_NONCE_TAKE,
	KEYAUTH_TOUCH,
	KEYAUTH_SQL__MAX
};

extern struct db_query keyauth_sql[KEYAUTH_SQL__MAX];

/* Failed checks a client address may make per Limits.KeyFailureWindow
 * seconds (default 600) before every request of it that is not rightly
 * signed is refused with 429 until the window ends (a signed one is still
 * answered): Limits.KeyFailures, default 30. */
#define KEYAUTH_FAILURES 30
#define KEYAUTH_FAILURE_WINDOW 600

/* Checks the signature of a ROUTE_KEY request, once its shop is known:
 * reads the body (Limits.MaxBody), finds the key, checks the time, the
 * signature, that the key is live and the shop's, and takes the nonce.
 * On success fills req->key and returns 0; else answers the JSON error
 * (400, 401, 403, 413, 429, 500) and returns its status. */
int keyauth_check(struct request *req);

#endif
