/*
 * The shop's API keys (/admin/api-keys, owners only): what the shop's own
 * site signs its requests to /api/v1/ with (keyauth.h). A key is made with
 * a name, its secret shown once on the page that answers the creation
 * (never stored: keyauth_secret derives it from the installation's secret),
 * listed with when it was made and last used, and revoked. The same table
 * as `fidele-admin api-key`; every change goes to the shop's audit trail.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/form_once.h"
#include "lib/format.h"
#include "lib/keyauth.h"
#include "lib/log.h"
#include "lib/page.h"
#include "groups.h"

enum keys_sql { SQL_KEYS_LIST, SQL_KEYS_ADD, SQL_KEYS_LIVE, SQL_KEYS_REVOKE, SQL_KEYS_ONE,
	KEYS_SQL__MAX };

static struct db_query keys_sql[KEYS_SQL__MAX] = {
	[SQL_KEYS_LIST] = { .sql =
	    "SELECT id, public_id, name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'),"
	    "       COALESCE(DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s'), ''),"
	    "       COALESCE(DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i:%s'), '')"
	    "  FROM api_key WHERE shop_id = ? ORDER BY revoked_at IS NOT NULL, id DESC" },
	[SQL_KEYS_ADD] = { .sql =
	    "INSERT INTO api_key (shop_id, public_id, name) VALUES (?, ?, ?)" },
	[SQL_KEYS_LIVE] = { .sql =
	    "SELECT public_id FROM api_key"
	    " WHERE id = ? AND shop_id = ? AND revoked_at IS NULL FOR UPDATE" },
	[SQL_KEYS_REVOKE] = { .sql =
	    "UPDATE api_key SET revoked_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND revoked_at IS NULL" },
	/* a live key, for its revocation's confirmation */
	[SQL_KEYS_ONE] = { .sql =
	    "SELECT public_id, name, COALESCE(DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s'), '')"
	    "  FROM api_key WHERE id = ? AND shop_id = ? AND revoked_at IS NULL" },
};

const struct field keys_new_fields[KEYS__MAX + 1] = {
	[KEYS_NAME] = { "name", FIELD_TEXT, 1, 200, 0, 0, NULL },
	/* a reload of the answer that showed the secret makes no second key */
	[KEYS_ONCE] = { "once", FIELD_TOKEN, 0, 64, 0, 0, NULL },
};

/* Fills Page.Keys with the shop's keys, live ones first. Returns 0 or -1. */
static int
keys_list(struct request *req)
{
	struct db_query *query = &keys_sql[SQL_KEYS_LIST];
	struct db_param param = DB_INT(req->shop.id);
	char name[32], when[64];
	HDF *node;
	int count = 0;

	if (db_exec(&req->app->db, query, &param, 1) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Keys.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		hdf_set_value(node, "id", db_text(query, 0));
		hdf_set_value(node, "public_id", db_text(query, 1));
		hdf_set_value(node, "name", db_text(query, 2));
		format_local_when(db_text(query, 3), req->shop.time_zone, req->lang, when,
		    sizeof(when));
		hdf_set_value(node, "created", when);
		if (*db_text(query, 4) != '\0') {
			format_local_when(db_text(query, 4), req->shop.time_zone, req->lang,
			    when, sizeof(when));
			hdf_set_value(node, "last_used", when);
		}
		if (*db_text(query, 5) != '\0') {
			format_local_when(db_text(query, 5), req->shop.time_zone, req->lang,
			    when, sizeof(when));
			hdf_set_value(node, "revoked", when);
		}
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.KeyCount", count);
	return 0;
}

/* The page, with status: the list and the form to make a key. */
static void
keys_render(struct request *req, int status)
{
	if (db_register(&req->app->db, keys_sql, KEYS_SQL__MAX) != 0 || keys_list(req) != 0 ||
	    form_once_new(req, "Page.Once") != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* the secret may be on it: every page is already sent "no-store" */
	page_render(req, status, "groups/keys.cs");
}

void
keys_page(struct request *req)
{
	keys_render(req, 200);
}

void
keys_create_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Api.Keys.Fix"));
	keys_render(req, 400);
}

void
keys_create(struct request *req)
{
	struct db *db = &req->app->db;
	const char *name = request_field(req, &keys_new_fields[KEYS_NAME]);
	char key_id[KEYAUTH_ID_LENGTH + 1], secret[KEYAUTH_SECRET_HEX + 1];
	char detail[KEYAUTH_ID_LENGTH + 1 + 1024];
	struct db_param params[3];

	if (db_register(db, keys_sql, KEYS_SQL__MAX) != 0 || keyauth_id_new(key_id) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(key_id);
	params[2] = DB_TEXT(name);
	snprintf(detail, sizeof(detail), "%s %s", key_id, name);
	if (db_begin(db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	switch (form_once_take(req, request_field(req, &keys_new_fields[KEYS_ONCE]))) {
	case 1:
		break;
	case 0:
		/* made by the first one: its secret was shown then, never again */
		page_notice(req, "api_key_made_already");
		page_redirect(req, "/admin/api-keys");
		return;
	default:
		return;
	}
	if (db_exec(db, &keys_sql[SQL_KEYS_ADD], params, 3) != 1 ||
	    event_add(&req->context, 0, req->session.admin_id, "api_key_created", detail) != 0 ||
	    db_commit(db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* shown on this answer only: a reload of the list does not have it */
	keyauth_secret(req->app->secret, key_id, secret);
	hdf_set_value(req->hdf, "Page.New.public_id", key_id);
	hdf_set_value(req->hdf, "Page.New.secret", secret);
	hdf_set_value(req->hdf, "Page.New.name", name);
	keys_render(req, 200);
}

/* What revoking a key will do, and the button that does it (a key the
 * shop's site still uses: one click broke the site). */
void
keys_revoke_form(struct request *req)
{
	struct db_query *one = &keys_sql[SQL_KEYS_ONE];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char when[64];
	int found;

	if (db_register(&req->app->db, keys_sql, KEYS_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, one, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(one);
	if (found == 1) {
		hdf_set_int_value(req->hdf, "Page.Key.id", (int)req->path_id);
		hdf_set_value(req->hdf, "Page.Key.public_id", db_text(one, 0));
		hdf_set_value(req->hdf, "Page.Key.name", db_text(one, 1));
		if (db_text(one, 2) != NULL && *db_text(one, 2) != '\0') {
			format_local_when(db_text(one, 2), req->shop.time_zone, req->lang, when,
			    sizeof(when));
			hdf_set_value(req->hdf, "Page.Key.last_used", when);
		}
	}
	db_done(one);
	/* another shop's key, an unknown one or one revoked already */
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	page_render(req, 200, "groups/key-revoke.cs");
}

void
keys_revoke(struct request *req)
{
	struct db *db = &req->app->db;
	struct db_query *live = &keys_sql[SQL_KEYS_LIVE];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char public_id[KEYAUTH_ID_LENGTH + 1] = "";
	int found;

	if (db_register(db, keys_sql, KEYS_SQL__MAX) != 0 || db_begin(db) != 0 ||
	    db_exec(db, live, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(live);
	if (found == 1)
		snprintf(public_id, sizeof(public_id), "%s", db_text(live, 0));
	db_done(live);
	/* another shop's key, an unknown one or one revoked already */
	if (found == 0) {
		page_error(req, 404, NULL);
		return;
	}
	if (found < 0 || db_exec(db, &keys_sql[SQL_KEYS_REVOKE], params, 2) != 1 ||
	    event_add(&req->context, 0, req->session.admin_id, "api_key_revoked", public_id) != 0 ||
	    db_commit(db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "api_key_revoked");
	page_redirect(req, "/admin/api-keys");
}
