/*
 * login.fcgi: admin sign-in by e-mail and password, customer sign-in by a
 * mailed link or code, and sign-out for both.
 *
 * Unknown e-mail and wrong password get the same answer, and take the same
 * time: an unknown address still pays for one scrypt. Failed attempts are
 * limited per account and per IP address, in the database; a browser that
 * signed in to the account before has an allowance of its own, so that
 * strangers cannot lock the owner out. Password hashing has a budget for
 * the whole installation (ratelimit_hash_take).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/crypto.h"
#include "lib/lang.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/session.h"
#include "lib/text.h"
#include "lib/token.h"
#include "site.h"

enum login_sql {
	SQL_ADMIN_BY_EMAIL,
	SQL_ADMIN_SIGNED_IN,
	SQL_CUSTOMER_BY_EMAIL,
	SQL_CUSTOMER_SIGNED_IN,
	SQL_ADMIN_SET_PASSWORD,
	SQL_ADMIN_END_SESSIONS,
	SQL_ADMIN_LANGUAGE,
	SQL_PAD_BEGIN,
	SQL_PAD_UNDO,
	LOGIN_SQL__MAX
};

static struct db_query login_sql[LOGIN_SQL__MAX] = {
	[SQL_ADMIN_BY_EMAIL] = { .sql =
	    "SELECT id, password_hash, language FROM admin"
	    " WHERE shop_id = ? AND email = ? AND disabled_at IS NULL" },
	[SQL_ADMIN_SIGNED_IN] = { .sql =
	    "UPDATE admin SET last_sign_in_at = NOW() WHERE id = ? AND shop_id = ?" },
	[SQL_CUSTOMER_BY_EMAIL] = { .sql =
	    "SELECT id, status, language FROM customer"
	    " WHERE shop_id = ? AND email = ? AND erased_at IS NULL" },
	/* following a link proves the address: a customer the shop invited
	 * is active. Not a self-signup still unconfirmed (invited, source
	 * self): only its own confirmation link lets them in, through the
	 * shop's door (capacity, waiting list) and with what they agreed to
	 * (signup-public.c) */
	[SQL_CUSTOMER_SIGNED_IN] = { .sql =
	    "UPDATE customer SET last_sign_in_at = NOW(),"
	    "       status = IF(status = 'invited' AND source <> 'self', 'active', status)"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_ADMIN_SET_PASSWORD] = { .sql =
	    "UPDATE admin SET password_hash = ? WHERE id = ? AND shop_id = ? AND disabled_at IS NULL" },
	/* a new password signs every other browser out */
	[SQL_ADMIN_END_SESSIONS] = { .sql =
	    "DELETE FROM session WHERE admin_id = ? AND shop_id = ?" },
	[SQL_ADMIN_LANGUAGE] = { .sql =
	    "SELECT language FROM admin WHERE id = ? AND shop_id = ?" },
	/* work done only so that an unknown address takes as long as a known
	 * one, then undone (see pad_begin) */
	[SQL_PAD_BEGIN] = { .sql = "SAVEPOINT fidele_pad" },
	[SQL_PAD_UNDO] = { .sql = "ROLLBACK TO SAVEPOINT fidele_pad" },
};

/* Strangers: ten wrong passwords per account and fifty per IP address in
 * 15 minutes. A known browser (see known_browser) has ten of its own
 * instead, and is held by neither: the owner still signs in while strangers
 * are refused. */
static const struct ratelimit limit_account = { "admin-login-account", 10, 900 };
static const struct ratelimit limit_address = { "admin-login-ip", 50, 900 };
static const struct ratelimit limit_known = { "admin-login-known", 10, 900 };

/* The "known browser" cookie: random.HMAC(secret, shop:admin:random), set
 * at every sign-in of an admin, for a year. Only a sign-in can make one. */
#define KNOWN_COOKIE "fidele_known"
#define KNOWN_MAX_AGE (365L * 24 * 3600)

/* A well-formed hash of no one's password: unknown addresses are checked
 * against it so that they cost as much as known ones. */
static const char decoy_hash[] =
    "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA"
    "$yX1hZ8d3m4oQbm1Jr2nU6pV0s9cL7tE5wK3fH8gA2Bc";

enum login_form_field { LOGIN_FORM_NEXT, LOGIN_FORM__MAX };
static const struct field login_form_fields[LOGIN_FORM__MAX + 1] = {
	[LOGIN_FORM_NEXT] = { "next", FIELD_PATH, 0, 500, 0, 0, NULL },
};

/* Its e-mail is read alike (request_field_shared) by every form shown
 * again with it, its next by the form's GET too. */
enum login_field { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN_NEXT, LOGIN__MAX };
static const struct field login_fields[LOGIN__MAX + 1] = {
	[LOGIN_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
	[LOGIN_PASSWORD] = { "password", FIELD_PASSWORD, 1, 1024, 0, 0, NULL },
	[LOGIN_NEXT] = { "next", FIELD_PATH, 0, 500, 0, 0, NULL },
};

#define CLIENT_KEY_SIZE 64

/* Where a request comes from, as the per-address limits count it: an IPv6
 * client by its /64 (text_client_key). Writes into out, returns it. */
static const char *
client_key(struct request *req, char *out)
{
	return text_client_key(request_param(req, "REMOTE_ADDR"), out, CLIENT_KEY_SIZE);
}

static void
login_form(struct request *req)
{
	const char *next = request_field_shared(req, &login_fields[LOGIN_NEXT]);

	if (next != NULL && strncmp(next, "/admin/", 7) == 0)
		hdf_set_value(req->hdf, "Page.Next", next);
	page_render(req, req->status, "login/admin.cs");
}

/* Shows a form again with a message and the typed e-mail kept. */
static void
form_again(struct request *req, int status, const char *message_key, route_handler form)
{
	const char *email = request_field_shared(req, &login_fields[LOGIN_EMAIL]);

	if (email != NULL)
		hdf_set_value(req->hdf, "Page.Email", email);
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	req->status = status;
	form(req);
}

static void
login_refuse(struct request *req, int status, const char *message_key)
{
	form_again(req, status, message_key, login_form);
}

static void
login_invalid(struct request *req)
{
	login_refuse(req, 400, "Login.Invalid");
}

/* The hashing budget is spent: "try again in a moment", at once. */
static void
login_busy(struct request *req, int retry_after, route_handler form)
{
	char seconds[16];

	snprintf(seconds, sizeof(seconds), "%d", retry_after);
	page_header(req, "Retry-After", seconds);
	form_again(req, 503, "Login.Busy", form);
}

/* The hex MAC of a known-browser cookie for admin_id of this shop. */
static void
known_mac(struct request *req, long long admin_id, const char *random_hex, char *out)
{
	char message[128];
	unsigned char mac[CRYPTO_HASH_BYTES];

	snprintf(message, sizeof(message), "known:%lld:%lld:%s", req->shop.id, admin_id, random_hex);
	crypto_hmac(req->app->secret, message, strlen(message), mac);
	crypto_hex(mac, sizeof(mac), out);
}

/* Marks this browser as one admin_id signed in with. Returns 0 or -1. */
static int
known_browser_set(struct request *req, long long admin_id)
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];
	char random_hex[2 * CRYPTO_TOKEN_BYTES + 1], mac[2 * CRYPTO_HASH_BYTES + 1];
	char value[sizeof(random_hex) + sizeof(mac)];

	if (crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	crypto_hex(raw, sizeof(raw), random_hex);
	known_mac(req, admin_id, random_hex, mac);
	snprintf(value, sizeof(value), "%s.%s", random_hex, mac);
	page_cookie(req, KNOWN_COOKIE, value, KNOWN_MAX_AGE);
	return 0;
}

/* 1 when the request carries a known-browser cookie made by a sign-in of
 * admin_id here; key then gets the key of that browser's own allowance.
 * 0 otherwise. */
static int
known_browser(struct request *req, long long admin_id, char *key, size_t size)
{
	const char *value = hdf_get_value(req->hdf, "Cookie." KNOWN_COOKIE, NULL);
	char random_hex[2 * CRYPTO_TOKEN_BYTES + 1], mac[2 * CRYPTO_HASH_BYTES + 1];
	const size_t random_len = 2 * CRYPTO_TOKEN_BYTES, mac_len = 2 * CRYPTO_HASH_BYTES;

	if (admin_id == 0 || value == NULL || strlen(value) != random_len + 1 + mac_len ||
	    value[random_len] != '.' || strspn(value, "0123456789abcdef") != random_len)
		return 0;
	memcpy(random_hex, value, random_len);
	random_hex[random_len] = '\0';
	known_mac(req, admin_id, random_hex, mac);
	if (!crypto_equal(mac, value + random_len + 1, mac_len))
		return 0;
	snprintf(key, size, "%lld:%lld:%s", req->shop.id, admin_id, random_hex);
	return 1;
}

/* Checks a password within the installation's hashing budget: 1 right, 0
 * wrong, or answers (busy, error) and returns -1. */
static int
password_check(struct request *req, int known, const char *password, const char *phc)
{
	int slot, retry_after, right;

	switch (ratelimit_hash_take(&req->context, known, &slot, &retry_after)) {
	case HASH_BUDGET_OK:
		break;
	case HASH_BUDGET_BUSY:
		login_busy(req, retry_after, login_form);
		return -1;
	case HASH_BUDGET_ERROR:
		page_error(req, 500, NULL);
		return -1;
	}
	right = crypto_password_verify(password, phc);
	ratelimit_hash_give(&req->context, slot);
	return right;
}

static void
login_submit(struct request *req)
{
	struct db_query *find = &login_sql[SQL_ADMIN_BY_EMAIL];
	const char *email = request_field(req, &login_fields[LOGIN_EMAIL]);
	const char *password = request_field(req, &login_fields[LOGIN_PASSWORD]);
	const char *next = request_field(req, &login_fields[LOGIN_NEXT]);
	char ip[CLIENT_KEY_SIZE];
	char account_key[300], known_key[200];
	struct db_param params[2];
	char stored[256] = "";
	long long admin_id = 0;
	struct ratelimit_use limits[2] = {
		{ &limit_account, account_key }, { &limit_address, client_key(req, ip) }
	};
	size_t limit_count = 2;
	int over, found, known, right;

	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(email);
	if (db_exec(&req->app->db, find, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(find);
	if (found == 1 && db_text(find, 1) != NULL) {
		admin_id = db_int(find, 0);
		snprintf(stored, sizeof(stored), "%s", db_text(find, 1));
	}
	db_done(find);

	known = known_browser(req, admin_id, known_key, sizeof(known_key));
	if (known) {
		limits[0].rule = &limit_known;
		limits[0].key = known_key;
		limit_count = 1;
	} else
		snprintf(account_key, sizeof(account_key), "%lld:%s", req->shop.id, email);
	over = ratelimit_any_exceeded(&req->context, limits, limit_count);
	if (over < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		login_refuse(req, 429, "Login.TooMany");
		return;
	}

	/* an unknown address pays for one scrypt too */
	right = password_check(req, known, password, admin_id ? stored : decoy_hash);
	if (right < 0)
		return;
	if (!right || admin_id == 0) {
		if (ratelimit_hit_all(&req->context, limits, limit_count) != 0 ||
		    event_add(&req->context, 0, admin_id, "admin.sign_in_failed", NULL) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		login_refuse(req, 400, "Login.Wrong");
		return;
	}

	params[0] = DB_INT(admin_id);
	params[1] = DB_INT(req->shop.id);
	if (db_begin(&req->app->db) != 0 ||
	    session_start_admin(req, admin_id) != 0 ||
	    known_browser_set(req, admin_id) != 0 ||
	    db_exec(&req->app->db, &login_sql[SQL_ADMIN_SIGNED_IN], params, 2) < 0 ||
	    event_add(&req->context, 0, admin_id, "admin.signed_in", NULL) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, next != NULL && strncmp(next, "/admin/", 7) == 0 ? next : "/admin/customers");
}

static void
logout_submit(struct request *req)
{
	if (session_end(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, "/admin/login");
}

/* --- customers: sign-in by link or code ------------------------------------ */

/* Link requests: five per address and twenty per IP address in 15
 * minutes; wrong codes: fifty per IP address, and ten per address typed
 * beside a code (each token also dies after five wrong codes). */
static const struct ratelimit limit_link_address = { "link-email", 5, 900 };
static const struct ratelimit limit_link_ip = { "link-ip", 20, 900 };
static const struct ratelimit limit_code_ip = { "code-ip", 50, 900 };
static const struct ratelimit limit_code_address = { "code-email", 10, 900 };

/* "No account here" mails go to addresses nobody proved are theirs, at the
 * request of anyone: with many IPs the per-IP limit does not hold, and the
 * shop's sender reputation pays. So: at most one such mail per address per
 * day (for the whole installation, whose mail relay they share) and twenty
 * per shop per hour whatever the IPs. Past either, the page is the same and
 * no mail leaves: one notice a day is all a person needs, and a shop whose
 * customers mistype their address sees far fewer than twenty an hour. */
static const struct ratelimit limit_unknown_address = { "unknown-mail-address", 1, 86400 };
static const struct ratelimit limit_unknown_shop = { "unknown-mail-shop", 20, 3600 };

enum account_form_field { ACCOUNT_FORM_NEXT, ACCOUNT_FORM__MAX };
static const struct field account_form_fields[ACCOUNT_FORM__MAX + 1] = {
	[ACCOUNT_FORM_NEXT] = { "next", FIELD_PATH, 0, 500, 0, 0, NULL },
};

enum account_request_field { ACCOUNT_REQUEST_EMAIL, ACCOUNT_REQUEST_NEXT, ACCOUNT_REQUEST__MAX };
static const struct field account_request_fields[ACCOUNT_REQUEST__MAX + 1] = {
	[ACCOUNT_REQUEST_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
	[ACCOUNT_REQUEST_NEXT] = { "next", FIELD_PATH, 0, 500, 0, 0, NULL },
};

/* A code comes either from the page that asked for it (with that page's
 * handle) or from the code page, typed beside the address on any device. */
enum account_code_field { ACCOUNT_CODE_HANDLE, ACCOUNT_CODE_EMAIL, ACCOUNT_CODE_CODE,
	ACCOUNT_CODE__MAX };
static const struct field account_code_fields[ACCOUNT_CODE__MAX + 1] = {
	[ACCOUNT_CODE_HANDLE] = { "handle", FIELD_TOKEN, 0, 64, 0, 0, NULL },
	[ACCOUNT_CODE_EMAIL] = { "email", FIELD_EMAIL, 0, 254, 0, 0, NULL },
	[ACCOUNT_CODE_CODE] = { "code", FIELD_DIGITS, 1, 6, 0, 0, NULL },
};

enum account_confirm_field { ACCOUNT_CONFIRM_TOKEN, ACCOUNT_CONFIRM__MAX };
static const struct field account_confirm_fields[ACCOUNT_CONFIRM__MAX + 1] = {
	[ACCOUNT_CONFIRM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
};

/* Only paths of the customer's side may be returned to. */
static const char *
account_next(const char *next)
{
	return next != NULL && strncmp(next, "/account/", 9) == 0 ? next : "/account/";
}

static void
account_form(struct request *req)
{
	const char *next = request_field_shared(req, &account_request_fields[ACCOUNT_REQUEST_NEXT]);

	if (req->session.customer_id != 0 && req->status == 200) {
		page_redirect(req, account_next(next));
		return;
	}
	if (next != NULL)
		hdf_set_value(req->hdf, "Page.Next", account_next(next));
	page_render(req, req->status, "login/account.cs");
}

static void
account_refuse(struct request *req, int status, const char *message_key)
{
	form_again(req, status, message_key, account_form);
}

static void
account_invalid(struct request *req)
{
	account_refuse(req, 400, "Account.Invalid");
}

/* Queues the mail for a known, not blocked customer: link and code, in
 * their own language when they chose one. */
static int
mail_link(struct request *req, long long customer_id, const char *email, const char *language,
    const char *next, const char *link_base, struct token_new *token)
{
	struct mail mail = { "customer-login", email, customer_id, 0 };

	if (token_create(&req->context, "customer_login", customer_id, 0, 1, account_next(next),
	    TOKEN_MINUTES, token) != 0)
		return -1;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login/confirm?token=%s", link_base, token->token);
	hdf_set_valuef(req->hdf, "Mail.CodeLink=%s/account/login/code", link_base);
	hdf_set_value(req->hdf, "Mail.Code", token->code);
	return mail_queue_in(&req->context, &mail, language) != 0 ||
	    event_add(&req->context, customer_id, 0, "customer.link_requested", NULL) != 0 ? -1 : 0;
}

/* Begins work that is done only to take the same time as the real thing,
 * inside the caller's transaction; pad_end(req, 1) undoes it. 0 or -1. */
static int
pad_begin(struct request *req)
{
	return db_exec(&req->app->db, &login_sql[SQL_PAD_BEGIN], NULL, 0) < 0 ? -1 : 0;
}

/* Keeps (undo = 0) or undoes (undo = 1) the work since pad_begin. */
static int
pad_end(struct request *req, int undo)
{
	return undo && db_exec(&req->app->db, &login_sql[SQL_PAD_UNDO], NULL, 0) < 0 ? -1 : 0;
}

/* Queues the mail that tells an address it has no account here, within
 * the limits above; past them the mail is made and undone, so that the
 * answer takes as long. A customer's token is made and undone too. There
 * is no signup page yet: the mail links to nothing (a link to
 * /account/signup was a 404). */
static int
mail_unknown(struct request *req, const char *email)
{
	struct mail mail = { "customer-unknown", email, 0, 0 };
	struct token_new token;
	char shop_key[32];
	struct ratelimit_use limits[2] = {
		{ &limit_unknown_address, email }, { &limit_unknown_shop, shop_key }
	};
	int over;

	snprintf(shop_key, sizeof(shop_key), "%lld", req->shop.id);
	over = ratelimit_any_exceeded(&req->context, limits, 2);
	if (over < 0 || pad_begin(req) != 0 ||
	    token_create(&req->context, "customer_login", 0, 0, 1, "/account/", TOKEN_MINUTES,
	    &token) != 0 || pad_end(req, 1) != 0 ||
	    pad_begin(req) != 0 || mail_queue(&req->context, &mail) != 0)
		return -1;
	if (over)
		return pad_end(req, 1);
	return ratelimit_hit_all(&req->context, limits, 2);
}

/* The same answer whatever the address: a mail may be on its way, type
 * the code or follow the link. */
static void
account_request(struct request *req)
{
	struct db_query *find = &login_sql[SQL_CUSTOMER_BY_EMAIL];
	const char *email = request_field(req, &account_request_fields[ACCOUNT_REQUEST_EMAIL]);
	const char *next = request_field(req, &account_request_fields[ACCOUNT_REQUEST_NEXT]);
	char ip[CLIENT_KEY_SIZE];
	char address_key[300], link_base[300], language[3] = "";
	struct db_param params[2];
	struct token_new token;
	long long customer_id = 0;
	struct ratelimit_use limits[2] = {
		{ &limit_link_address, address_key }, { &limit_link_ip, client_key(req, ip) }
	};
	int blocked = 0, over, status;

	snprintf(address_key, sizeof(address_key), "%lld:%s", req->shop.id, email);
	over = ratelimit_any_exceeded(&req->context, limits, 2);
	if (over < 0 || context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		account_refuse(req, 429, "Account.TooMany");
		return;
	}
	/* the mail is in the customer's language or the shop's: as plain CGI
	 * reads a language at its first use, both are read whoever asks */
	lang_read_all(req->hdf);
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(email);
	if (db_exec(&req->app->db, find, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (db_fetch(find) == 1) {
		customer_id = db_int(find, 0);
		blocked = strcmp(db_text(find, 1), "blocked") == 0;
		snprintf(language, sizeof(language), "%s", db_text(find, 2) ? db_text(find, 2) : "");
	}
	db_done(find);

	status = db_begin(&req->app->db);
	if (status == 0)
		status = ratelimit_hit_all(&req->context, limits, 2);
	if (status == 0 && customer_id != 0 && !blocked)
		status = mail_link(req, customer_id, email, language, next, link_base, &token);
	else if (status == 0 && customer_id != 0) {
		/* a blocked customer gets no link, in the time one takes */
		status = pad_begin(req);
		if (status == 0)
			status = mail_link(req, customer_id, email, language, next, link_base, &token);
		if (status == 0)
			status = pad_end(req, 1);
		if (status == 0)
			status = event_add(&req->context, customer_id, 0, "customer.link_refused_blocked",
			    NULL);
	} else if (status == 0)
		status = mail_unknown(req, email);
	if (status != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (customer_id == 0 || blocked)
		token_decoy_handle(&token);
	hdf_set_value(req->hdf, "Page.Email", email);
	hdf_set_value(req->hdf, "Page.Handle", token.handle);
	page_render(req, 200, "login/sent.cs");
}

/* Uses the token and signs its customer in, then returns to where they
 * were going. */
static void
account_sign_in(struct request *req, const struct token_found *token)
{
	struct db_param params[2] = { DB_INT(token->customer_id), DB_INT(req->shop.id) };
	int used;

	if (db_begin(&req->app->db) != 0 || (used = token_consume(&req->context, token)) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (used == 0) {
		db_rollback(&req->app->db);
		page_render(req, 400, "login/expired.cs");
		return;
	}
	if (session_start_customer(req, token->customer_id) != 0 ||
	    db_exec(&req->app->db, &login_sql[SQL_CUSTOMER_SIGNED_IN], params, 2) < 0 ||
	    event_add(&req->context, token->customer_id, 0, "customer.signed_in", NULL) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, account_next(token->return_path));
}

static void
account_code_refuse(struct request *req, int status, const char *message_key)
{
	hdf_set_value(req->hdf, "Page.Handle",
	    request_field(req, &account_code_fields[ACCOUNT_CODE_HANDLE]));
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	page_render(req, status, "login/sent.cs");
}

/* The code page: address and code, for a mail read on another device. */
static void
account_code_form(struct request *req)
{
	if (req->session.customer_id != 0 && req->status == 200) {
		page_redirect(req, "/account/");
		return;
	}
	page_render(req, req->status, "login/code.cs");
}

static void
account_code_form_refuse(struct request *req, int status, const char *message_key)
{
	form_again(req, status, message_key, account_code_form);
}

/* A field that was sent and is not empty. */
static const char *
field_given(struct request *req, const struct field *field)
{
	const char *value = request_field(req, field);

	return value != NULL && *value != '\0' ? value : NULL;
}

static void
account_code_invalid(struct request *req)
{
	const char *handle = field_given(req, &account_code_fields[ACCOUNT_CODE_HANDLE]);

	if (handle == NULL) {
		account_code_form_refuse(req, 400, "Account.CodeInvalid");
		return;
	}
	if (strlen(handle) != 64 || strspn(handle, "0123456789abcdef") != 64) {
		page_render(req, 400, "login/expired.cs");
		return;
	}
	account_code_refuse(req, 400, "Account.CodeWrong");
}

/* Counts a wrong code against its customer (none when capped already);
 * for no customer (customer_id 0) the same write is made and undone. Inside
 * the caller's transaction. 0 or -1. */
static int
code_wrong_counted(struct request *req, long long customer_id, int capped)
{
	if (customer_id != 0)
		return capped ? 0 : ratelimit_code_wrong(&req->context, customer_id);
	return pad_begin(req) != 0 || ratelimit_code_wrong(&req->context, 0) != 0 ||
	    pad_end(req, 1) != 0 ? -1 : 0;
}

/* A code typed on the page that asked for it, which knows its token by
 * the handle. */
static void
account_code_by_handle(struct request *req)
{
	const char *handle = request_field(req, &account_code_fields[ACCOUNT_CODE_HANDLE]);
	char ip[CLIENT_KEY_SIZE];
	struct token_found token;
	int found, right, over, capped;

	over = ratelimit_exceeded(&req->context, &limit_code_ip, client_key(req, ip));
	if (over < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		account_code_refuse(req, 429, "Account.TooMany");
		return;
	}
	/* one transaction, and a handle of no token (the page an unknown
	 * address got) reads and writes what a customer's wrong code does,
	 * its writes undone: the time taken tells no customer's address */
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = token_find(&req->context, "customer_login", handle, 1, &token);
	/* past the customer's wrong codes of the day every code is wrong, the
	 * right one too, with the same answer (see ratelimit_code_exceeded) */
	capped = ratelimit_code_exceeded(&req->context, found == 1 ? token.customer_id : 0);
	right = found == 1 && capped == 0 ?
	    token_check_code(&req->context, &token, request_field(req, &account_code_fields[ACCOUNT_CODE_CODE]))
	    : 0;
	if (found < 0 || capped < 0 || right < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (!right) {
		if (ratelimit_hit(&req->context, &limit_code_ip, client_key(req, ip)) != 0 ||
		    code_wrong_counted(req, found == 1 ? token.customer_id : 0, capped) != 0 ||
		    db_commit(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		account_code_refuse(req, 400, "Account.CodeWrong");
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	account_sign_in(req, &token);
}

/* A code typed beside the address, in any browser: the address's live
 * codes are looked up. An unknown address takes the same steps and gets
 * the same answers as a known one, limits included. */
static void
account_code_by_address(struct request *req)
{
	const char *email = request_field(req, &account_code_fields[ACCOUNT_CODE_EMAIL]);
	const char *code = request_field(req, &account_code_fields[ACCOUNT_CODE_CODE]);
	char ip[CLIENT_KEY_SIZE];
	char address_key[300];
	struct token_found token;
	struct ratelimit_use limits[2] = {
		{ &limit_code_address, address_key }, { &limit_code_ip, client_key(req, ip) }
	};
	int found, over, capped;

	snprintf(address_key, sizeof(address_key), "%lld:%s", req->shop.id, email);
	over = ratelimit_any_exceeded(&req->context, limits, 2);
	if (over < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		account_code_form_refuse(req, 429, "Account.CodeTooMany");
		return;
	}
	/* one transaction, the same reads and writes for an unknown address
	 * as for a customer's wrong code (see account_code_by_handle) */
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = token_find_by_code(&req->context, email, code, &token);
	/* past the customer's wrong codes of the day every code is wrong, the
	 * right one too, with the same answer (see ratelimit_code_exceeded) */
	capped = found < 0 ? 0 : ratelimit_code_exceeded(&req->context, token.customer_id);
	if (found < 0 || capped < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0 || capped) {
		if (ratelimit_hit_all(&req->context, limits, 2) != 0 ||
		    code_wrong_counted(req, token.customer_id, capped) != 0 ||
		    db_commit(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		account_code_form_refuse(req, 400, "Account.CodeWrong");
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	account_sign_in(req, &token);
}

static void
account_code(struct request *req)
{
	if (field_given(req, &account_code_fields[ACCOUNT_CODE_HANDLE]) != NULL)
		account_code_by_handle(req);
	else if (field_given(req, &account_code_fields[ACCOUNT_CODE_EMAIL]) != NULL)
		account_code_by_address(req);
	else {
		hdf_set_value(req->hdf, "Page.Errors.email",
		    request_text(req, "Error.Field.Required"));
		account_code_form_refuse(req, 400, "Account.CodeInvalid");
	}
}

/* The customer's mailed sign-in link of the request, still good: 1, or 0
 * with the expired-link page (or the error page) answered. */
static int
account_link(struct request *req, const char **mailed, struct token_found *token)
{
	int found;

	req->token_page = 1;
	*mailed = request_field(req, &account_confirm_fields[ACCOUNT_CONFIRM_TOKEN]);
	found = token_find(&req->context, "customer_login", *mailed, 0, token);
	if (found < 0)
		page_error(req, 500, NULL);
	else if (found == 0)
		page_render(req, 400, "login/expired.cs");
	return found == 1;
}

/* GET of a mailed link: mail scanners fetch links, so this only asks. */
static void
account_confirm_form(struct request *req)
{
	const char *mailed;
	struct token_found token;

	if (!account_link(req, &mailed, &token))
		return;
	hdf_set_value(req->hdf, "Page.Token", mailed);
	page_render(req, 200, "login/confirm.cs");
}

static void
account_confirm(struct request *req)
{
	const char *mailed;
	struct token_found token;

	if (account_link(req, &mailed, &token))
		account_sign_in(req, &token);
}

static void
account_token_invalid(struct request *req)
{
	req->token_page = 1;
	page_render(req, 400, "login/expired.cs");
}

static void
account_logout(struct request *req)
{
	if (session_end_customer(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, "/account/login");
}

/* --- admins: forgotten password ---------------------------------------------- */

enum forgot_field { FORGOT_EMAIL, FORGOT__MAX };
static const struct field forgot_fields[FORGOT__MAX + 1] = {
	[FORGOT_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
};

enum reset_form_field { RESET_FORM_TOKEN, RESET_FORM__MAX };
static const struct field reset_form_fields[RESET_FORM__MAX + 1] = {
	[RESET_FORM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
};

/* Its token is read alike (request_field_shared) by the form's GET. */
enum reset_field { RESET_TOKEN, RESET_PASSWORD, RESET__MAX };
static const struct field reset_fields[RESET__MAX + 1] = {
	[RESET_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
	[RESET_PASSWORD] = { "password", FIELD_PASSWORD, 1, 1024, 0, 0, NULL },
};

static void
forgot_form(struct request *req)
{
	page_render(req, req->status, "login/forgot.cs");
}

static void
forgot_refuse(struct request *req, int status, const char *message_key)
{
	form_again(req, status, message_key, forgot_form);
}

static void
forgot_invalid(struct request *req)
{
	forgot_refuse(req, 400, "Account.Invalid");
}

/* Same answer whether or not the address is an admin's. */
static void
forgot_submit(struct request *req)
{
	struct db_query *find = &login_sql[SQL_ADMIN_BY_EMAIL];
	const char *email = request_field(req, &forgot_fields[FORGOT_EMAIL]);
	char ip[CLIENT_KEY_SIZE];
	char address_key[300], link_base[300];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_TEXT(email) };
	struct token_new token;
	long long admin_id = 0;
	char language[3] = "";
	struct ratelimit_use limits[2] = {
		{ &limit_link_address, address_key }, { &limit_link_ip, client_key(req, ip) }
	};
	int over, status;

	snprintf(address_key, sizeof(address_key), "admin:%lld:%s", req->shop.id, email);
	over = ratelimit_any_exceeded(&req->context, limits, 2);
	if (over < 0 || context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		forgot_refuse(req, 429, "Account.TooMany");
		return;
	}
	lang_read_all(req->hdf);	/* as account_request */
	if (db_exec(&req->app->db, find, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (db_fetch(find) == 1) {
		admin_id = db_int(find, 0);
		/* in the admin's own language (sql/034), else the shop's */
		snprintf(language, sizeof(language), "%s", db_text(find, 2) ? db_text(find, 2) : "");
	}
	db_done(find);
	/* An admin's address must not be told from another by the time the
	 * answer takes, so every address gets the same work (the token, the
	 * mail), undone before the commit when no admin has it. Padding rather
	 * than moving the work out of the request: the worker renders no mail
	 * and runs no jobs yet, and the answer would still wait for the rest. */
	status = db_begin(&req->app->db);
	if (status == 0)
		status = ratelimit_hit_all(&req->context, limits, 2);
	if (status == 0)
		status = pad_begin(req);
	if (status == 0) {
		struct mail mail = { "admin-reset", email, 0, admin_id };

		status = token_create(&req->context, "admin_password", 0, admin_id, 0, NULL, TOKEN_MINUTES, &token);
		if (status == 0) {
			hdf_set_valuef(req->hdf, "Mail.Link=%s/admin/login/reset?token=%s", link_base,
			    token.token);
			status = mail_queue_in(&req->context, &mail, language);
		}
	}
	if (status == 0)
		status = pad_end(req, admin_id == 0);
	if (status != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Email", email);
	hdf_set_value(req->hdf, "Page.Sent", "1");
	page_render(req, 200, "login/forgot.cs");
}

static void
reset_expired(struct request *req)
{
	req->token_page = 1;
	hdf_set_value(req->hdf, "Page.Again", "/admin/login/forgot");
	page_render(req, 400, "login/expired.cs");
}

/* The password link's token (token_find's 1, 0 or -1); when it is
 * found, the page speaks the language its admin chose, as the mail that
 * brought them did. */
static int
reset_token(struct request *req, const char *mailed, struct token_found *token)
{
	struct db_query *query = &login_sql[SQL_ADMIN_LANGUAGE];
	struct db_param params[2];
	int found = token_find(&req->context, "admin_password", mailed, 0, token);

	if (found != 1)
		return found;
	params[0] = DB_INT(token->admin_id);
	params[1] = DB_INT(req->shop.id);
	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	if ((found = db_fetch(query)) == 1)
		request_speak(req, lang_from_code(db_text(query, 0)));
	db_done(query);
	return found < 0 ? -1 : 1;
}

/* The password form for the mailed token, found already. */
static void
reset_show(struct request *req, const char *mailed)
{
	hdf_set_value(req->hdf, "Page.Token", mailed);
	page_render(req, req->status, "login/reset.cs");
}

static void
reset_form(struct request *req)
{
	/* shown by the GET, and again by a POST refused while hashing is busy */
	const char *mailed = request_field_shared(req, &reset_fields[RESET_TOKEN]);
	struct token_found token;
	int found;

	req->token_page = 1;
	found = reset_token(req, mailed, &token);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		reset_expired(req);
		return;
	}
	reset_show(req, mailed);
}

static void
reset_submit(struct request *req)
{
	const char *password = request_field(req, &reset_fields[RESET_PASSWORD]);
	const char *mailed = request_field(req, &reset_fields[RESET_TOKEN]);
	struct token_found token;
	struct db_param params[3];
	char *hash;
	int found, used, slot, retry_after;

	req->token_page = 1;
	found = reset_token(req, mailed, &token);
	if (found <= 0) {
		if (found < 0)
			page_error(req, 500, NULL);
		else
			reset_expired(req);
		return;
	}
	if (text_length(password) < 10 || crypto_password_guessable(password)) {
		hdf_set_value(req->hdf, "Page.Message", request_text(req,
		    text_length(password) < 10 ? "Reset.TooShort" : "Reset.Guessable"));
		req->status = 400;
		reset_show(req, mailed);
		return;
	}
	/* a mailed token was needed to get here: counted as a known browser
	 * (any slot, not against the anonymous rate) */
	switch (ratelimit_hash_take(&req->context, 1, &slot, &retry_after)) {
	case HASH_BUDGET_OK:
		break;
	case HASH_BUDGET_BUSY:
		login_busy(req, retry_after, reset_form);
		return;
	case HASH_BUDGET_ERROR:
		page_error(req, 500, NULL);
		return;
	}
	hash = crypto_password_hash(password);
	ratelimit_hash_give(&req->context, slot);
	if (hash == NULL || db_begin(&req->app->db) != 0 ||
	    (used = token_consume(&req->context, &token)) < 0) {
		free(hash);
		page_error(req, 500, NULL);
		return;
	}
	if (used == 0) {
		free(hash);
		db_rollback(&req->app->db);
		reset_expired(req);
		return;
	}
	params[0] = DB_TEXT(hash);
	params[1] = DB_INT(token.admin_id);
	params[2] = DB_INT(req->shop.id);
	if (db_exec(&req->app->db, &login_sql[SQL_ADMIN_SET_PASSWORD], params, 3) < 0 ||
	    db_exec(&req->app->db, &login_sql[SQL_ADMIN_END_SESSIONS], params + 1, 2) < 0 ||
	    /* signed in by the link: the team page tells it (an invitation
	     * accepted) */
	    db_exec(&req->app->db, &login_sql[SQL_ADMIN_SIGNED_IN], params + 1, 2) < 0 ||
	    session_start_admin(req, token.admin_id) != 0 ||
	    known_browser_set(req, token.admin_id) != 0 ||
	    event_add(&req->context, 0, token.admin_id, "admin.password_set", NULL) != 0 ||
	    db_commit(&req->app->db) != 0) {
		free(hash);
		page_error(req, 500, NULL);
		return;
	}
	free(hash);
	page_redirect(req, "/admin/customers");
}

static void
reset_invalid(struct request *req)
{
	const char *mailed = request_field(req, &reset_fields[RESET_TOKEN]);
	struct token_found token;
	int found;

	if (mailed == NULL || strlen(mailed) != 64) {
		reset_expired(req);
		return;
	}
	/* the message in the language the form speaks */
	if ((found = reset_token(req, mailed, &token)) <= 0) {
		if (found < 0)
			page_error(req, 500, NULL);
		else
			reset_expired(req);
		return;
	}
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Reset.TooShort"));
	reset_show(req, mailed);
}

static const struct route routes[] = {
	{ "GET", "/admin/login/forgot", ACCESS_PUBLIC, NULL, forgot_form, NULL, 0 },
	{ "POST", "/admin/login/forgot", ACCESS_PUBLIC, forgot_fields, forgot_submit, forgot_invalid, 0 },
	{ "GET", "/admin/login/reset", ACCESS_PUBLIC, reset_form_fields, reset_form, reset_expired, 0 },
	{ "POST", "/admin/login/reset", ACCESS_PUBLIC, reset_fields, reset_submit, reset_invalid, 0 },
	{ "GET", "/admin/login", ACCESS_PUBLIC, login_form_fields, login_form, NULL, 0 },
	{ "POST", "/admin/login", ACCESS_PUBLIC, login_fields, login_submit, login_invalid, 0 },
	{ "POST", "/admin/logout", ACCESS_ADMIN, NULL, logout_submit, NULL, 0 },
	{ "GET", "/account/login", ACCESS_PUBLIC, account_form_fields, account_form, NULL, 0 },
	{ "POST", "/account/login", ACCESS_PUBLIC, account_request_fields, account_request,
	    account_invalid, 0 },
	{ "GET", "/account/login/code", ACCESS_PUBLIC, NULL, account_code_form, NULL, 0 },
	{ "POST", "/account/login/code", ACCESS_PUBLIC, account_code_fields, account_code,
	    account_code_invalid, 0 },
	{ "GET", "/account/login/confirm", ACCESS_PUBLIC, account_confirm_fields,
	    account_confirm_form, account_token_invalid, 0 },
	{ "POST", "/account/login/confirm", ACCESS_PUBLIC, account_confirm_fields, account_confirm,
	    account_token_invalid, 0 },
	{ "POST", "/account/logout", ACCESS_CUSTOMER, NULL, account_logout, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "login",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = login_sql,
		.sql_count = LOGIN_SQL__MAX,
		.areas = site_areas,
		.nav = site_nav,
		.lang = site_lang,
	};

	return app_main(&app, argc, argv);
}
