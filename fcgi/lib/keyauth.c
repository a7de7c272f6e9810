/*
 * Signed requests (keyauth.h): the header, the key's secret, the signature
 * and the check of a ROUTE_KEY request. Every refusal is one JSON error and
 * counts against the client's address; nothing a refused request sent is
 * kept (its nonce is taken only once its signature is good).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "form.h"
#include "keyauth.h"
#include "log.h"
#include "page.h"
#include "ratelimit.h"

struct db_query keyauth_sql[KEYAUTH_SQL__MAX] = {
	/* by the id the request names, over every shop on purpose: a key of
	 * another shop is told apart (403) from an unknown one (401), and
	 * only once its signature is good */
	[KEYAUTH_KEY_BY_ID] = { .sql =
	    "SELECT id, shop_id, name, revoked_at IS NOT NULL,"
	    "       last_used_at IS NULL OR last_used_at < NOW() - INTERVAL 1 MINUTE"
	    "  FROM api_key WHERE public_id = ?" },
	/* 1 row affected: a new nonce; 2: one whose time had passed (reused
	 * by chance, its request long refused); 0: a replay. Kept 660 s: as
	 * long as a ts up to 300 s ahead stays acceptable, with a minute for
	 * the database's clock and the program's to differ. */
	[KEYAUTH_NONCE_TAKE] = { .sql =
	    "INSERT INTO api_nonce (api_key_id, nonce, shop_id, expires_at)"
	    " VALUES (?, ?, ?, NOW() + INTERVAL 660 SECOND)"
	    " ON DUPLICATE KEY UPDATE"
	    "   expires_at = IF(expires_at < NOW(), VALUES(expires_at), expires_at)" },
	[KEYAUTH_TOUCH] = { .sql =
	    "UPDATE api_key SET last_used_at = NOW() WHERE id = ? AND shop_id = ?" },
};

static const char hex_digits[] = "0123456789abcdef";

int
keyauth_id_ok(const char *text)
{
	return text != NULL && strlen(text) == KEYAUTH_ID_LENGTH &&
	    strncmp(text, KEYAUTH_ID_PREFIX, 3) == 0 &&
	    strspn(text + 3, hex_digits) == KEYAUTH_ID_DIGITS;
}

int
keyauth_id_new(char *out)
{
	unsigned char bytes[KEYAUTH_ID_DIGITS / 2];

	if (crypto_random(bytes, sizeof(bytes)) != 0)
		return -1;
	memcpy(out, KEYAUTH_ID_PREFIX, 3);
	crypto_hex(bytes, sizeof(bytes), out + 3);
	return 0;
}

void
keyauth_secret(const char *install_secret, const char *key_id, char *out)
{
	unsigned char mac[CRYPTO_HASH_BYTES];
	char data[16 + KEYAUTH_ID_LENGTH + 1];

	/* the prefix keeps these HMACs apart from the install secret's others
	 * (token hashes, notices) */
	snprintf(data, sizeof(data), "api-key:%s", key_id);
	crypto_hmac(install_secret, data, strlen(data), mac);
	crypto_hex(mac, sizeof(mac), out);
}

int
keyauth_sign(const char *secret, const char *method, const char *path, const char *query,
    const char *ts, const char *nonce, const void *body, size_t body_len, unsigned char *out)
{
	unsigned char body_hash[CRYPTO_HASH_BYTES];
	char body_hex[2 * CRYPTO_HASH_BYTES + 1];
	size_t size = strlen(method) + strlen(path) + strlen(query) + strlen(ts) +
	    strlen(nonce) + sizeof(body_hex) + 5;
	char *text = malloc(size);
	int len;

	if (text == NULL)
		return -1;
	crypto_sha256(body, body_len, body_hash);
	crypto_hex(body_hash, sizeof(body_hash), body_hex);
	len = snprintf(text, size, "%s\n%s\n%s\n%s\n%s\n%s", method, path, query, ts, nonce,
	    body_hex);
	crypto_hmac(secret, text, (size_t)len, out);
	free(text);
	return 0;
}

/* Copies the value of a "name=value" parameter of len bytes into out
 * (size bytes) when it is made of allowed bytes only. Returns 0 or -1. */
static int
param_copy(const char *value, size_t len, const char *allowed, char *out, size_t size)
{
	size_t i;

	if (len == 0 || len >= size)
		return -1;
	for (i = 0; i < len; i++)
		if (strchr(allowed, value[i]) == NULL || value[i] == '\0')
			return -1;
	memcpy(out, value, len);
	out[len] = '\0';
	return 0;
}

int
keyauth_header_parse(const char *header, struct keyauth_header *out)
{
	static const char scheme[] = "Fidele-HMAC";
	char sig_hex[2 * CRYPTO_HASH_BYTES + 1] = "";
	const char *p = header;
	unsigned seen = 0;
	char *end;

	memset(out, 0, sizeof(*out));
	if (header == NULL || strncasecmp(p, scheme, sizeof(scheme) - 1) != 0 ||
	    p[sizeof(scheme) - 1] != ' ')
		return -1;
	p += sizeof(scheme) - 1;
	while (*p != '\0') {
		const char *name, *value;
		size_t name_len, value_len;
		int bit, status;

		p += strspn(p, " ");
		name = p;
		name_len = strcspn(p, "=, ");
		if (p[name_len] != '=')
			return -1;
		value = p + name_len + 1;
		value_len = strcspn(value, ", ");
		p = value + value_len;
		p += strspn(p, " ");
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
		if (name_len == 3 && strncmp(name, "key", 3) == 0) {
			bit = 1;
			status = param_copy(value, value_len, "fk_0123456789abcdef", out->key,
			    sizeof(out->key));
		} else if (name_len == 2 && strncmp(name, "ts", 2) == 0) {
			bit = 2;
			status = param_copy(value, value_len, "0123456789", out->ts,
			    sizeof(out->ts) - 4);	/* at most 11 digits */
		} else if (name_len == 5 && strncmp(name, "nonce", 5) == 0) {
			bit = 4;
			status = param_copy(value, value_len, hex_digits, out->nonce,
			    sizeof(out->nonce));
		} else if (name_len == 3 && strncmp(name, "sig", 3) == 0) {
			bit = 8;
			status = param_copy(value, value_len, "0123456789abcdefABCDEF", sig_hex,
			    sizeof(sig_hex));
		} else
			return -1;
		if (status != 0 || (seen & (unsigned)bit) != 0)
			return -1;
		seen |= (unsigned)bit;
		if (*p == '\0' && header[strlen(header) - 1] == ',')
			return -1;	/* a trailing comma */
	}
	if (seen != 15 || !keyauth_id_ok(out->key) || strlen(out->nonce) < KEYAUTH_NONCE_MIN ||
	    crypto_unhex(sig_hex, out->sig, sizeof(out->sig)) != 0)
		return -1;
	errno = 0;
	out->ts_value = strtoll(out->ts, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* --- the check of a request ------------------------------------------------ */

/* A refusal: counted against the address, then answered; once the
 * address is over its failures (over), with 429 whatever the reason, so
 * that it learns nothing more of keys and signatures. */
static int
refuse(struct request *req, const struct ratelimit *rule, const char *ip, int over,
    int status, const char *code, const char *message_key)
{
	if (ratelimit_hit(&req->context, rule, ip) != 0)
		log_err("could not count a refused signature");
	if (over) {
		page_json_error(req, 429, "too_many_failures", "Error.Key.TooMany");
		return 429;
	}
	page_json_error(req, status, code, message_key);
	return status;
}

/* The path the client sent, without the query: REQUEST_URI's, else (plain
 * CGI without it) the script path. Into out, size bytes; -1 when too long. */
static int
signed_path(struct request *req, char *out, size_t size)
{
	const char *uri = request_param(req, "REQUEST_URI");
	size_t len;

	if (uri == NULL || *uri == '\0')
		uri = req->path;
	len = strcspn(uri, "?");
	if (len >= size)
		return -1;
	memcpy(out, uri, len);
	out[len] = '\0';
	return 0;
}

int
keyauth_check(struct request *req)
{
	struct db *db = &req->app->db;
	struct db_query *query = &keyauth_sql[KEYAUTH_KEY_BY_ID];
	struct ratelimit rule = { "api-key-failure-ip",
		hdf_get_int_value(req->app->config, "Limits.KeyFailures", KEYAUTH_FAILURES),
		hdf_get_int_value(req->app->config, "Limits.KeyFailureWindow", KEYAUTH_FAILURE_WINDOW)
	};
	const char *ip = request_param(req, "REMOTE_ADDR");
	const char *header = request_param(req, "HTTP_AUTHORIZATION");
	const char *method = request_param(req, "REQUEST_METHOD");
	const char *query_string = request_param(req, "QUERY_STRING");
	const char *length = request_param(req, "CONTENT_LENGTH");
	struct keyauth_header auth;
	struct db_param params[3];
	unsigned char mac[CRYPTO_HASH_BYTES];
	char secret[KEYAUTH_SECRET_HEX + 1], path[2048], name[256], client[96];
	long long key_id, shop_id, rows;
	int found, revoked, touch, status, over;

	/* failures count per shop and address: stores of several shops on one
	 * shared host do not hold each other out. An address over them still
	 * has its rightly signed requests answered: whoever else sends from it
	 * (a neighbour on the host, a NAT) cannot hold the shop's own site out
	 * by failing on purpose; a signature cannot be guessed. */
	snprintf(client, sizeof(client), "%lld:%s", req->shop.id, ip != NULL ? ip : "");
	ip = client;
	over = ratelimit_exceeded(&req->context, &rule, ip);
	if (over < 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 500;
	}
	if (header == NULL || *header == '\0')
		return refuse(req, &rule, ip, over, 401, "missing_signature", "Error.Key.Missing");
	if (keyauth_header_parse(header, &auth) != 0)
		return refuse(req, &rule, ip, over, 400, "malformed_signature", "Error.Key.Malformed");

	params[0] = DB_TEXT(auth.key);
	if (db_exec(db, query, params, 1) < 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 500;
	}
	found = db_fetch(query);
	key_id = found == 1 ? db_int(query, 0) : 0;
	shop_id = found == 1 ? db_int(query, 1) : 0;
	snprintf(name, sizeof(name), "%s", found == 1 && db_text(query, 2) ? db_text(query, 2) : "");
	revoked = found == 1 && db_int(query, 3) != 0;
	touch = found == 1 && db_int(query, 4) != 0;
	db_done(query);
	if (found < 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 500;
	}
	if (found == 0)
		return refuse(req, &rule, ip, over, 401, "unknown_key", "Error.Key.Unknown");
	if (llabs((long long)time(NULL) - auth.ts_value) > KEYAUTH_WINDOW_SECONDS)
		return refuse(req, &rule, ip, over, 401, "stale_timestamp", "Error.Key.Time");

	/* the body is read (within Limits.MaxBody) to be hashed, not parsed;
	 * a GET without a length has none */
	status = strcmp(req->method, "GET") == 0 && (length == NULL || *length == '\0') ? 0
	    : form_body_read(req);
	if (status != 0) {
		page_json_error(req, status, status == 413 ? "too_large" : "bad_request",
		    status == 413 ? NULL : "Error.BadForm");
		return status;
	}
	if (signed_path(req, path, sizeof(path)) != 0)
		return refuse(req, &rule, ip, over, 401, "bad_signature", "Error.Key.Signature");
	keyauth_secret(req->app->secret, auth.key, secret);
	if (keyauth_sign(secret, method ? method : "GET", path, query_string ? query_string : "",
	    auth.ts, auth.nonce, req->body ? req->body : "", req->body_len, mac) != 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 500;
	}
	if (!crypto_equal(mac, auth.sig, sizeof(mac)))
		return refuse(req, &rule, ip, over, 401, "bad_signature", "Error.Key.Signature");
	if (revoked)
		return refuse(req, &rule, ip, over, 401, "revoked_key", "Error.Key.Revoked");
	if (shop_id != req->shop.id)
		return refuse(req, &rule, ip, over, 403, "wrong_shop", "Error.Key.OtherShop");

	params[0] = DB_INT(key_id);
	params[1] = DB_TEXT(auth.nonce);
	params[2] = DB_INT(shop_id);
	rows = db_exec(db, &keyauth_sql[KEYAUTH_NONCE_TAKE], params, 3);
	if (rows < 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 500;
	}
	if (rows == 0)
		return refuse(req, &rule, ip, over, 401, "replayed_nonce", "Error.Key.Replay");
	params[1] = DB_INT(shop_id);
	if (touch && db_exec(db, &keyauth_sql[KEYAUTH_TOUCH], params, 2) < 0)
		log_warn("could not note when key %s was last used", auth.key);

	req->key.id = key_id;
	snprintf(req->key.public_id, sizeof(req->key.public_id), "%s", auth.key);
	snprintf(req->key.name, sizeof(req->key.name), "%s", name);
	return 0;
}
