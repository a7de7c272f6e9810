/*
 * Sessions of admins and of customers, each in its own cookie so that a
 * shop owner can try the customer side in the same browser. A cookie holds
 * 32 random bytes in hex; the database holds their SHA-256, so a leaked
 * table signs nobody in. CSRF tokens are HMAC(secret, "csrf:" + cookie):
 * nothing to store, and they change with every new session.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core_sql.h"
#include "crypto.h"
#include "page.h"
#include "session.h"
#include "text.h"

#define SESSION_TOUCH_AFTER 300	/* seconds of idleness before last_seen moves */

enum session_kind {
	KIND_ADMIN,	/* SESSION_COOKIE */
	KIND_CUSTOMER,	/* SESSION_ACCOUNT_COOKIE */
	KIND__MAX
};

static const char *const kind_cookies[KIND__MAX] = {
	SESSION_COOKIE,		/* KIND_ADMIN */
	SESSION_ACCOUNT_COOKIE,	/* KIND_CUSTOMER */
};

/* The request's hex cookie of a kind (writable, 65 bytes). */
static char *
kind_cookie(struct request *req, enum session_kind kind)
{
	return kind == KIND_ADMIN ? req->session.cookie : req->session.account_cookie;
}

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

const unsigned char *
session_door_hash(struct request *req, unsigned char hash[CRYPTO_HASH_BYTES])
{
	if (req->route == NULL || (req->route->flags & ROUTE_KEY) ||
	    !cookie_value(req, SESSION_COOKIE, req->session.cookie)) {
		/* a machine's request reads no session */
		req->session.cookie[0] = '\0';
		return NULL;
	}
	hash_cookie(req->session.cookie, hash);
	return hash;
}

void
session_door_read(struct request *req, struct db_query *door)
{
	struct session *session = &req->session;

	session->admin_idle = session->customer_idle = -1;
	session->admin_lang = -1;
	if (db_text(door, DOOR_COL_ADMIN) == NULL) {
		session->cookie[0] = '\0';	/* expired or unknown: nothing to drop later */
		return;
	}
	session->valid = 1;
	session->admin_id = db_int(door, DOOR_COL_ADMIN);
	session->admin_is_owner = strcmp(db_text(door, DOOR_COL_ADMIN + 1), "owner") == 0;
	text_copy_utf8(session->admin_email, sizeof(session->admin_email),
	    db_text_or(door, DOOR_COL_ADMIN + 2, ""));
	text_copy_utf8(session->admin_name, sizeof(session->admin_name),
	    db_text_or(door, DOOR_COL_ADMIN + 3, ""));
	session->admin_idle = db_int(door, DOOR_COL_ADMIN + 4);
	session->failed_mails = db_int(door, DOOR_COL_FAILED_MAILS);
	session->job_id = db_text(door, DOOR_COL_JOB) != NULL ? db_int(door, DOOR_COL_JOB) : 0;
	text_copy_utf8(session->list_columns, sizeof(session->list_columns),
	    db_text_or(door, DOOR_COL_LIST_COLUMNS, ""));
	session->admin_lang = lang_from_code(db_text(door, DOOR_COL_ADMIN_LANG));
}

/* Loads the customer's session from its cookie, if any. Returns 0, or -1
 * on a database error. */
static int
load_customer(struct request *req)
{
	struct db_query *load = &core_sql[CORE_SESSION_LOAD_CUSTOMER];
	char *cookie = req->session.account_cookie;
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[2];
	int found;

	if (!cookie_value(req, SESSION_ACCOUNT_COOKIE, cookie))
		return 0;
	hash_cookie(cookie, hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	if (db_exec(&req->app->db, load, params, 2) < 0)
		return -1;
	found = db_fetch(load);
	if (found == 1) {
		req->session.customer_id = db_int(load, 0);
		text_copy_utf8(req->session.customer_email, sizeof(req->session.customer_email),
		    db_text_or(load, 1, ""));
		text_copy_utf8(req->session.customer_name, sizeof(req->session.customer_name),
		    db_text_or(load, 2, ""));
		req->session.customer_idle = db_int(load, 3);
	} else
		cookie[0] = '\0';	/* expired or unknown: nothing to drop later */
	db_done(load);
	return found < 0 ? -1 : 0;
}

/* Moves the end of a session idle for a while (SESSION_TOUCH_AFTER), so
 * that it lasts 12 hours from now. Returns 0 or -1. */
static int
touch_kind(struct request *req, enum session_kind kind, long long idle)
{
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param param;

	if (idle <= SESSION_TOUCH_AFTER)
		return 0;
	hash_cookie(kind_cookie(req, kind), hash);
	param = DB_BLOB(hash, sizeof(hash));
	return db_exec(&req->app->db, &core_sql[CORE_SESSION_TOUCH], &param, 1) < 0 ? -1 : 0;
}

/* The CSRF token of the session's basis, as hex into out (65 bytes). */
static void
csrf_token(struct request *req, char *out)
{
	char message[80];
	unsigned char mac[CRYPTO_HASH_BYTES];

	snprintf(message, sizeof(message), "csrf:%s", req->session.csrf_basis);
	crypto_hmac(req->app->secret, message, strlen(message), mac);
	crypto_hex(mac, sizeof(mac), out);
}

/* Makes sure an anonymous visitor has a CSRF basis of its own. */
static int
anon_basis(struct request *req)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];

	if (cookie_value(req, SESSION_ANON_COOKIE, req->session.csrf_basis)) {
		csrf_token(req, req->session.csrf_token);
		return 0;
	}
	if (crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_hex(raw, sizeof(raw), req->session.csrf_basis);
	req->session.set_anon_cookie = 1;
	csrf_token(req, req->session.csrf_token);
	return 0;
}

int
session_load(struct request *req)
{
	if (load_customer(req) != 0)
		return -1;
	if ((req->session.valid && touch_kind(req, KIND_ADMIN, req->session.admin_idle) != 0) ||
	    (req->session.customer_id != 0 &&
	    touch_kind(req, KIND_CUSTOMER, req->session.customer_idle) != 0))
		return -1;
	if (req->session.valid)
		strcpy(req->session.csrf_basis, req->session.cookie);
	else if (req->session.customer_id != 0)
		strcpy(req->session.csrf_basis, req->session.account_cookie);
	else
		return anon_basis(req);
	csrf_token(req, req->session.csrf_token);
	return 0;
}

/* Deletes the request's session of a kind, if any. Returns 0 or -1. */
static int
drop_current(struct request *req, enum session_kind kind)
{
	char *cookie = kind_cookie(req, kind);
	unsigned char hash[CRYPTO_HASH_BYTES];
	struct db_param params[2];

	if (cookie[0] == '\0')
		return 0;
	hash_cookie(cookie, hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	cookie[0] = '\0';
	return db_exec(&req->app->db, &core_sql[CORE_SESSION_DELETE], params, 2) < 0 ? -1 : 0;
}

/* Starts a session of a kind with a brand new id. Returns 0 or -1. */
static int
start_kind(struct request *req, enum session_kind kind, long long admin_id, long long customer_id)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	const char *ip = request_param(req, "REMOTE_ADDR");
	const char *agent = request_param(req, "HTTP_USER_AGENT");
	char *cookie = kind_cookie(req, kind);
	struct db_param params[6];

	if (drop_current(req, kind) != 0 || crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_sha256(raw, sizeof(raw), hash);
	params[0] = DB_BLOB(hash, sizeof(hash));
	params[1] = DB_INT(req->shop.id);
	params[2] = admin_id ? DB_INT(admin_id) : DB_NULL;
	params[3] = customer_id ? DB_INT(customer_id) : DB_NULL;
	params[4] = DB_TEXT(ip ? ip : "");
	params[5] = DB_TEXT(agent ? agent : "");
	if (db_exec(&req->app->db, &core_sql[CORE_SESSION_INSERT], params, 6) < 0)
		return -1;
	crypto_hex(raw, sizeof(raw), cookie);
	page_cookie(req, kind_cookies[kind], cookie, -1);
	strcpy(req->session.csrf_basis, cookie);
	csrf_token(req, req->session.csrf_token);
	/* the anonymous CSRF basis seen before signing in dies here, so a token
	 * learnt then is worth nothing after (and after signing out) */
	req->session.set_anon_cookie = 0;
	if (hdf_get_value(req->hdf, "Cookie." SESSION_ANON_COOKIE, NULL) != NULL)
		page_cookie(req, SESSION_ANON_COOKIE, "", 0);
	return 0;
}

int
session_start_admin(struct request *req, long long admin_id)
{
	if (start_kind(req, KIND_ADMIN, admin_id, 0) != 0)
		return -1;
	req->session.valid = 1;
	req->session.admin_id = admin_id;
	return 0;
}

int
session_start_customer(struct request *req, long long customer_id)
{
	if (start_kind(req, KIND_CUSTOMER, 0, customer_id) != 0)
		return -1;
	req->session.customer_id = customer_id;
	return 0;
}

int
session_end(struct request *req)
{
	if (drop_current(req, KIND_ADMIN) != 0)
		return -1;
	page_cookie(req, SESSION_COOKIE, "", 0);
	req->session.valid = 0;
	return 0;
}

int
session_end_customer(struct request *req)
{
	if (drop_current(req, KIND_CUSTOMER) != 0)
		return -1;
	page_cookie(req, SESSION_ACCOUNT_COOKIE, "", 0);
	req->session.customer_id = 0;
	return 0;
}

int
session_csrf_ok(struct request *req)
{
	const char *sent = hdf_get_value(req->hdf, "Query.csrf", NULL);
	char expected[2 * CRYPTO_HASH_BYTES + 1];

	if (sent == NULL || req->session.set_anon_cookie || req->session.csrf_basis[0] == '\0')
		return 0;
	csrf_token(req, expected);
	return strlen(sent) == strlen(expected) && crypto_equal(sent, expected, strlen(expected));
}

int
session_may_export(struct request *req)
{
	static const char right_sql[] = "SELECT staff_may_export FROM shop WHERE id = ?";
	struct db_param params[1] = { DB_INT(req->shop.id) };
	struct db_query *query;
	int allowed;

	if (req->session.admin_is_owner)
		return 1;
	query = db_cached(&req->app->db, right_sql);
	if (query == NULL || db_exec(&req->app->db, query, params, 1) < 0)
		return -1;
	allowed = db_fetch(query) == 1 && db_int(query, 0) == 1;
	db_done(query);
	return allowed;
}
