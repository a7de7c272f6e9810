/*
 * The shop's team page (customers-team.h): the admins, an invitation, a
 * disable and an enable. Every statement filters by the shop.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "customers-me.h"
#include "customers-team.h"
#include "lib/admin_access.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/token.h"

/* How long an invitation's link lasts: the person invited may read their
 * mail only after a weekend. Past it, "forgot your password" sends one. */
#define INVITE_MINUTES (3 * 24 * 60)

/* An owner's invitations: enough for a market's stall holders in one
 * sitting, not a way to mail strangers through the shop's name. */
static const struct ratelimit limit_invite = { "admin-invite", 30, 3600 };

static const char *const roles[] = { "staff", "owner", NULL };

const struct field team_fields[TEAM__MAX + 1] = {
	[TEAM_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
	[TEAM_NAME] = { "name", FIELD_TEXT, 0, 200, 0, 0, NULL },
	[TEAM_ROLE] = { "role", FIELD_CHOICE, 1, 5, 0, 0, roles },
	/* the language of their pages and of the invitation (My account
	 * changes it later); none: the shop's */
	[TEAM_LANGUAGE] = { "language", FIELD_CHOICE, 0, 4, 0, 0, admin_languages },
};

/* The team, owners first, then by address; a disabled admin last. */
static const char team_list_sql[] =
    "SELECT id, email, name, role, disabled_at IS NOT NULL, last_sign_in_at,"
    "       password_hash IS NULL"
    "  FROM admin WHERE shop_id = ?"
    " ORDER BY disabled_at IS NOT NULL, role, email";
/* an address on the team: why it cannot be invited (the Lang key) */
static const char team_find_sql[] =
    "SELECT CASE WHEN disabled_at IS NOT NULL THEN 'Team.AlreadyDisabled'"
    "            WHEN password_hash IS NULL THEN 'Team.AlreadyInvited'"
    "            ELSE 'Team.Already' END"
    "  FROM admin WHERE shop_id = ? AND email = ?";
static const char team_email_sql[] =
    "SELECT email FROM admin WHERE id = ? AND shop_id = ?";
/* an invited admin who never chose a password, still enabled */
static const char team_invited_sql[] =
    "SELECT email, language FROM admin"
    " WHERE id = ? AND shop_id = ? AND password_hash IS NULL AND disabled_at IS NULL";
static const char team_insert_sql[] =
    "INSERT INTO admin (shop_id, email, name, role, language) VALUES (?, ?, ?, ?, ?)";

/* The admins under Page.Team.N. 0, or -1 on a database error. */
static int
team_to_page(struct request *req)
{
	struct db_param params[1] = { DB_INT(req->shop.id) };
	struct db_query *list = db_cached(&req->app->db, team_list_sql);
	char name[48], date[64];
	HDF *row;
	int n = 0;

	if (list == NULL || db_exec(&req->app->db, list, params, 1) < 0)
		return -1;
	while (db_fetch(list) == 1) {
		snprintf(name, sizeof(name), "Page.Team.%d", n++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			continue;
		hdf_set_value(row, "id", db_text(list, 0));
		hdf_set_value(row, "email", db_text(list, 1));
		hdf_set_value(row, "name", db_text(list, 2));
		hdf_set_value(row, "role", db_text(list, 3));
		hdf_set_value(row, "disabled", db_text(list, 4));
		if (db_text(list, 5) != NULL) {
			format_local_date(db_text(list, 5), req->shop.time_zone, req->lang, date,
			    sizeof(date));
			hdf_set_value(row, "last", date);
		}
		hdf_set_value(row, "invited", db_text(list, 6));
		hdf_set_int_value(row, "self", db_int(list, 0) == req->session.admin_id);
	}
	db_done(list);
	return 0;
}

/* The page, with the form as typed (from_request) or empty. */
static void
team_render(struct request *req, int from_request)
{
	int i;
	char name[48];

	if (team_to_page(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* "the shop's (Français)" in the language choice */
	hdf_set_value(req->hdf, "Page.ShopLanguage", lang_codes[req->shop.lang]);
	for (i = 0; from_request && i < TEAM__MAX; i++) {
		const char *value = request_field(req, &team_fields[i]);

		snprintf(name, sizeof(name), "Page.Form.%s", team_fields[i].name);
		hdf_set_value(req->hdf, name, value != NULL ? value : "");
	}
	page_render(req, req->status, "customers/team.cs");
}

void
customers_team(struct request *req)
{
	team_render(req, 0);
}

void
customers_team_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Team.Fix"));
	team_render(req, 1);
}

/* The page again with status, a message (a Lang key) about the admin at
 * email, and the form as typed when it was the form's (from_request). */
static void
team_refused(struct request *req, int status, const char *key, const char *email,
    int from_request)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, key));
	hdf_set_value(req->hdf, "Page.MessageAbout", email);
	req->status = status;
	team_render(req, from_request);
}

/* 1 when email is on the team (why not to invite it: a Lang key into
 * why), 0 when not, -1 on error. */
static int
team_has(struct request *req, const char *email, char *why, size_t size)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_TEXT(email) };
	struct db_query *find = db_cached(&req->app->db, team_find_sql);
	int found;

	if (find == NULL || db_exec(&req->app->db, find, params, 2) < 0)
		return -1;
	found = db_fetch(find) == 1;
	if (found)
		snprintf(why, size, "%s", db_text(find, 0));
	db_done(find);
	return found;
}

/* Mails admin id, at email, a link to choose their password (valid
 * INVITE_MINUTES, in language: theirs, NULL for the shop's), counts it
 * against the shop's invitations (key) and commits the caller's
 * transaction; then answers: back to the team, or 500. */
static void
invitation_send(struct request *req, long long id, const char *email, const char *language,
    const char *key, const char *link_base)
{
	struct mail mail = { "admin-invite", email, 0, id };
	struct token_new token;

	if (id <= 0 || ratelimit_hit(&req->context, &limit_invite, key) != 0 ||
	    token_create(&req->context, "admin_password", 0, id, 0, NULL, INVITE_MINUTES,
	    &token) != 0)
		goto failed;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/admin/login/reset?token=%s", link_base, token.token);
	hdf_set_value(req->hdf, "Mail.Inviter", *req->session.admin_name != '\0' ?
	    req->session.admin_name : req->session.admin_email);
	if (mail_queue_in(&req->context, &mail, language) != 0 ||
	    event_add(&req->context, 0, req->session.admin_id, "admin.invited", email) != 0 ||
	    db_commit(&req->app->db) != 0)
		goto failed;
	page_notice(req, "admin_invited");
	page_redirect(req, "/admin/team");
	return;
failed:
	db_rollback(&req->app->db);
	page_error(req, 500, NULL);
}

/* The shop's invitations' key, and whether it used them up: 1, 0, or -1
 * (then the page is answered). */
static int
invitations_used_up(struct request *req, char *key, size_t size, char *link_base,
    size_t base_size)
{
	int over;

	snprintf(key, size, "shop:%lld", req->shop.id);
	if ((over = ratelimit_exceeded(&req->context, &limit_invite, key)) < 0 ||
	    context_link_base(&req->context, link_base, base_size) != 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	return over;
}

void
customers_team_invite(struct request *req)
{
	const char *email = request_field(req, &team_fields[TEAM_EMAIL]);
	const char *name = request_field(req, &team_fields[TEAM_NAME]);
	const char *role = request_field(req, &team_fields[TEAM_ROLE]);
	const char *language = admin_language_column(request_field(req,
	    &team_fields[TEAM_LANGUAGE]));
	char key[64], link_base[300];
	struct db_query *insert;
	long long id = 0;
	int over, found;
	long long added;
	char why[32];

	if ((over = invitations_used_up(req, key, sizeof(key), link_base,
	    sizeof(link_base))) < 0)
		return;
	if ((found = team_has(req, email, why, sizeof(why))) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		team_refused(req, 429, "Team.TooMany", email, 1);
		return;
	}
	if (found) {
		team_refused(req, 409, why, email, 1);
		return;
	}
	if (db_begin(&req->app->db) != 0 ||
	    (insert = db_cached(&req->app->db, team_insert_sql)) == NULL) {
		page_error(req, 500, NULL);
		return;
	}
	{
		struct db_param params[5] = { DB_INT(req->shop.id), DB_TEXT(email),
			DB_TEXT(name != NULL ? name : ""), DB_TEXT(role),
			language != NULL ? DB_TEXT(language) : DB_NULL };

		added = db_exec(&req->app->db, insert, params, 5);
	}
	if (added == DB_DUPLICATE) {
		/* another owner invited the same address a moment ago */
		db_rollback(&req->app->db);
		team_refused(req, 409, "Team.Already", email, 1);
		return;
	}
	if (added > 0)
		id = (long long)db_insert_id(insert);
	invitation_send(req, id, email, language, key, link_base);
}

/* The address of the admin in the path, read by sql (its parameters: the
 * admin's id, the shop's), and their language into language[3] when it
 * is not NULL ("" for the shop's; sql's second column): 1, or 0 when the
 * page is answered (404 when sql finds no such admin of this shop). */
static int
path_admin(struct request *req, const char *sql, char *email, size_t size, char *language)
{
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	struct db_query *find = db_cached(&req->app->db, sql);

	*email = '\0';
	if (find == NULL || db_exec(&req->app->db, find, params, 2) < 0) {
		page_error(req, 500, NULL);
		return 0;
	}
	if (db_fetch(find) == 1) {
		snprintf(email, size, "%s", db_text(find, 0));
		if (language != NULL)
			snprintf(language, 3, "%s", db_text(find, 1) != NULL ? db_text(find, 1) : "");
	}
	db_done(find);
	if (*email == '\0') {
		page_error(req, 404, NULL);
		return 0;
	}
	return 1;
}

/* What an owner does to another admin of the team. */
enum team_action { TEAM_DISABLE, TEAM_ENABLE, TEAM_NEW_ROLE };

static const char *const action_events[] = { "admin.disabled", "admin.enabled",
	"admin.role_changed" };
static const char *const action_notices[] = { "admin_disabled", "admin_enabled",
	"admin_role_changed" };

const struct field team_role_fields[TEAM_ROLE_FIELD__MAX + 1] = {
	[TEAM_ROLE_FIELD_ROLE] = { "role", FIELD_CHOICE, 1, 5, 0, 0, roles },
};

/* action on the admin in the path (never the owner who asks), with the
 * change's event, in one transaction (lib/admin_access.c). */
static void
team_change(struct request *req, enum team_action action)
{
	const char *role = action == TEAM_NEW_ROLE ?
	    request_field(req, &team_role_fields[TEAM_ROLE_FIELD_ROLE]) : NULL;
	enum admin_access changed;
	char email[256], detail[300];

	if (!path_admin(req, team_email_sql, email, sizeof(email), NULL))
		return;
	if (action != TEAM_ENABLE && req->path_id == req->session.admin_id) {
		team_refused(req, 400, "Team.NotYourself", email, 0);
		return;
	}
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (action == TEAM_NEW_ROLE)
		changed = admin_access_role(&req->app->db, req->shop.id, req->path_id,
		    strcmp(role, "owner") == 0);
	else
		changed = admin_access_change(&req->app->db, req->shop.id, req->path_id,
		    action == TEAM_DISABLE);
	snprintf(detail, sizeof(detail), role != NULL ? "%s: %s" : "%s", email, role);
	if (changed == ADMIN_ACCESS_CHANGED &&
	    (event_add(&req->context, 0, req->session.admin_id, action_events[action],
	    detail) != 0 || db_commit(&req->app->db) != 0))
		changed = ADMIN_ACCESS_FAILED;
	if (changed != ADMIN_ACCESS_CHANGED)
		db_rollback(&req->app->db);
	switch (changed) {
	case ADMIN_ACCESS_CHANGED:
	case ADMIN_ACCESS_ALREADY:
		page_notice(req, action_notices[action]);
		page_redirect(req, "/admin/team");
		return;
	case ADMIN_ACCESS_LAST_OWNER:
		team_refused(req, 409, "Team.LastOwner", email, 0);
		return;
	case ADMIN_ACCESS_NOT_FOUND:
		page_error(req, 404, NULL);
		return;
	case ADMIN_ACCESS_FAILED:
		break;
	}
	page_error(req, 500, NULL);
}

void
customers_team_disable(struct request *req)
{
	team_change(req, TEAM_DISABLE);
}

void
customers_team_enable(struct request *req)
{
	team_change(req, TEAM_ENABLE);
}

void
customers_team_role(struct request *req)
{
	team_change(req, TEAM_NEW_ROLE);
}

void
customers_team_invite_again(struct request *req)
{
	char key[64], link_base[300], email[256], language[3];
	int over;

	/* not found: another shop's, gone, disabled, or the invitation accepted */
	if (!path_admin(req, team_invited_sql, email, sizeof(email), language))
		return;
	if ((over = invitations_used_up(req, key, sizeof(key), link_base,
	    sizeof(link_base))) < 0)
		return;
	if (over) {
		team_refused(req, 429, "Team.TooMany", email, 0);
		return;
	}
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	invitation_send(req, req->path_id, email, language, key, link_base);
}
