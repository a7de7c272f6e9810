/*
 * login.fcgi: admin sign-in by e-mail and password, and sign-out.
 * (Customer sign-in by link joins this program with the login-links issue.)
 *
 * Unknown e-mail and wrong password get the same answer, and take the same
 * time: an unknown address still pays for one scrypt. Failed attempts are
 * limited per account and per IP address, in the database.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/app.h"
#include "lib/crypto.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/session.h"

enum login_sql {
	SQL_ADMIN_BY_EMAIL,
	SQL_ADMIN_SIGNED_IN,
	SQL_EVENT,
	LOGIN_SQL__MAX
};

static struct db_query login_sql[LOGIN_SQL__MAX] = {
	[SQL_ADMIN_BY_EMAIL] = { .sql =
	    "SELECT id, password_hash FROM admin"
	    " WHERE shop_id = ? AND email = ? AND disabled_at IS NULL" },
	[SQL_ADMIN_SIGNED_IN] = { .sql =
	    "UPDATE admin SET last_sign_in_at = NOW() WHERE id = ? AND shop_id = ?" },
	[SQL_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, admin_id, kind, ip) VALUES (?, ?, ?, ?)" },
};

/* Ten wrong passwords per account and fifty per address in 15 minutes. */
static const struct ratelimit limit_account = { "admin-login-account", 10, 900 };
static const struct ratelimit limit_address = { "admin-login-ip", 50, 900 };

/* A well-formed hash of no one's password: unknown addresses are checked
 * against it so that they cost as much as known ones. */
static const char decoy_hash[] =
    "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA"
    "$yX1hZ8d3m4oQbm1Jr2nU6pV0s9cL7tE5wK3fH8gA2Bc";

static const struct field login_form_fields[] = {
	{ "next", FIELD_PATH, 0, 500, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct field login_fields[] = {
	{ "email", FIELD_EMAIL, 1, 254, 0, 0 },
	{ "password", FIELD_PASSWORD, 1, 1024, 0, 0 },
	{ "next", FIELD_PATH, 0, 500, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
login_form(struct request *req)
{
	const char *next = request_field(req, "next");

	if (next != NULL && strncmp(next, "/admin/", 7) == 0)
		hdf_set_value(req->hdf, "Page.Next", next);
	page_render(req, req->status, "login/admin.cs");
}

/* Shows the form again with a message and the e-mail kept. */
static void
login_refuse(struct request *req, int status, const char *message_key)
{
	const char *email = request_field(req, "email");

	if (email != NULL)
		hdf_set_value(req->hdf, "Page.Email", email);
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	req->status = status;
	login_form(req);
}

static void
login_invalid(struct request *req)
{
	login_refuse(req, 400, "Login.Invalid");
}

static int
record_event(struct request *req, long long admin_id, const char *kind)
{
	const char *ip = request_param(req, "REMOTE_ADDR");
	struct db_param params[4] = {
		DB_INT(req->shop.id), admin_id ? DB_INT(admin_id) : DB_NULL,
		DB_TEXT(kind), DB_TEXT(ip)
	};

	return db_exec(&req->app->db, &login_sql[SQL_EVENT], params, 4) < 0 ? -1 : 0;
}

static void
login_submit(struct request *req)
{
	struct db_query *find = &login_sql[SQL_ADMIN_BY_EMAIL];
	const char *email = request_field(req, "email");
	const char *password = request_field(req, "password");
	const char *next = request_field(req, "next");
	const char *ip = request_param(req, "REMOTE_ADDR");
	char account_key[300];
	struct db_param params[2];
	char stored[256] = "";
	long long admin_id = 0;
	int over_account, over_address, found;

	snprintf(account_key, sizeof(account_key), "%lld:%s", req->shop.id, email);
	over_account = ratelimit_exceeded(req, &limit_account, account_key);
	over_address = ratelimit_exceeded(req, &limit_address, ip ? ip : "");
	if (over_account < 0 || over_address < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over_account || over_address) {
		login_refuse(req, 429, "Login.TooMany");
		return;
	}

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

	/* an unknown address pays for one scrypt too */
	if (!crypto_password_verify(password, admin_id ? stored : decoy_hash) || admin_id == 0) {
		if (ratelimit_hit(req, &limit_account, account_key) != 0 ||
		    ratelimit_hit(req, &limit_address, ip ? ip : "") != 0 ||
		    record_event(req, admin_id, "admin.sign_in_failed") != 0) {
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
	    db_exec(&req->app->db, &login_sql[SQL_ADMIN_SIGNED_IN], params, 2) < 0 ||
	    record_event(req, admin_id, "admin.signed_in") != 0 ||
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

static const struct route routes[] = {
	{ "GET", "/admin/login", ACCESS_PUBLIC, login_form_fields, login_form, NULL },
	{ "POST", "/admin/login", ACCESS_PUBLIC, login_fields, login_submit, login_invalid },
	{ "POST", "/admin/logout", ACCESS_ADMIN, NULL, logout_submit, NULL },
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
	};

	return app_main(&app, argc, argv);
}
