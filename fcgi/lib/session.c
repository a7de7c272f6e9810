/*
 * Admin sessions. The cookie holds 32 random bytes in hex; the database
 * holds their SHA-256, so a leaked table does not sign anyone in. CSRF
 * tokens are HMAC(secret, "csrf:" + cookie): nothing to store, and they
 * change with every new session.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "page.h"
#include "session.h"

#define SESSION_TOUCH_AFTER 300	/* seconds of idleness before last_seen moves */

static int
cookie_value(struct request *req, const char *name, char *out)
{
	char key[64];
	const char *value;
	unsigned char raw[CRYPTO_TOKEN_BYTES];

	snprintf(key, sizeof(key), "Cookie.%s", name);
	value = hdf_get_value(req->hdf, key, NULL);
	if (value == NULL || crypto_unhex(value, raw, sizeof(raw)) != 0)
		return 0;
	crypto_hex(raw, sizeof(raw), out);
	return 1;
}

static void
hash_cookie(const char *hex, unsigned char *out)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];

	crypto_unhex(hex, raw, sizeof(raw));
	crypto_sha256(raw, sizeof(raw), out);
}

/* Makes sure an anonymous visitor has a CSRF basis of its own. */
static int
anon_basis(struct request *req)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];

	if (cookie_value(req, SESSION_ANON_COOKIE, req->session.csrf_basis))
		return 0;
	if (crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_hex(raw, sizeof(raw), req->session.csrf_basis);
	req->session.set_anon_cookie = 1;
	return 0;
}

int
session_load(struct request *req)
{
	struct db *db = &req->app->db;
	struct db_query *load = &core_sql[CORE_SESSION_LOAD];
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[2];
	int found;

	if (!cookie_value(req, SESSION_COOKIE, req->session.cookie))
		return anon_basis(req);
	hash_cookie(req->session.cookie, hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	if (db_exec(db, load, params, 2) < 0)
		return -1;
	found = db_fetch(load);
	if (found == 1) {
		req->session.valid = 1;
		req->session.admin_id = db_int(load, 0);
		req->session.admin_is_owner = strcmp(db_text(load, 1), "owner") == 0;
		snprintf(req->session.admin_email, sizeof(req->session.admin_email), "%s", db_text(load, 2));
		snprintf(req->session.admin_name, sizeof(req->session.admin_name), "%s", db_text(load, 3));
		strcpy(req->session.csrf_basis, req->session.cookie);
		if (db_int(load, 4) > SESSION_TOUCH_AFTER) {
			db_done(load);
			if (db_exec(db, &core_sql[CORE_SESSION_TOUCH], params, 1) < 0)
				return -1;
		}
	}
	db_done(load);
	if (found < 0)
		return -1;
	if (!req->session.valid)
		return anon_basis(req);
	return 0;
}

/* Deletes the session the request came with, if any. Returns 0 or -1. */
static int
drop_current(struct request *req)
{
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[2];

	if (req->session.cookie[0] == '\0')
		return 0;
	hash_cookie(req->session.cookie, hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	return db_exec(&req->app->db, &core_sql[CORE_SESSION_DELETE], params, 2) < 0 ? -1 : 0;
}

int
session_start_admin(struct request *req, long long admin_id)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	const char *ip = request_param(req, "REMOTE_ADDR");
	const char *agent = request_param(req, "HTTP_USER_AGENT");
	struct db_param params[5];
	char hex[2 * CRYPTO_TOKEN_BYTES + 1];

	if (drop_current(req) != 0 || crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_sha256(raw, sizeof(raw), hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	params[2] = DB_INT(admin_id);
	params[3] = DB_TEXT(ip ? ip : "");
	params[4] = DB_TEXT(agent ? agent : "");
	if (db_exec(&req->app->db, &core_sql[CORE_SESSION_INSERT], params, 5) < 0)
		return -1;
	crypto_hex(raw, sizeof(raw), hex);
	page_cookie(req, SESSION_COOKIE, hex, -1);
	strcpy(req->session.cookie, hex);
	strcpy(req->session.csrf_basis, hex);
	req->session.valid = 1;
	req->session.admin_id = admin_id;
	return 0;
}

int
session_end(struct request *req)
{
	if (drop_current(req) != 0)
		return -1;
	page_cookie(req, SESSION_COOKIE, "", 0);
	req->session.valid = 0;
	req->session.cookie[0] = '\0';
	return 0;
}

void
session_csrf_token(struct request *req, char *out)
{
	char message[80];
	unsigned char mac[CRYPTO_HASH_BYTES];

	snprintf(message, sizeof(message), "csrf:%s", req->session.csrf_basis);
	crypto_hmac(req->app->secret, message, strlen(message), mac);
	crypto_hex(mac, sizeof(mac), out);
}

int
session_csrf_ok(struct request *req)
{
	const char *sent = hdf_get_value(req->hdf, "Query.csrf", NULL);
	char expected[2 * CRYPTO_HASH_BYTES + 1];

	if (sent == NULL || req->session.set_anon_cookie || req->session.csrf_basis[0] == '\0')
		return 0;
	session_csrf_token(req, expected);
	return strlen(sent) == strlen(expected) && crypto_equal(sent, expected, strlen(expected));
}
