/*
 * "Delete my account" (/account/delete): the customer asks, a link and a
 * code are mailed to them (token purpose account_delete), and following
 * the link (its GET shows a button, its POST acts: mail scanners fetch
 * links) or typing the code on the page that asked erases them as an
 * admin's erase does (customer_change_one CUSTOMER_ERASE: personal data,
 * notes, mails, sessions and links go; orders stay, no longer pointing to
 * anyone). They are signed out, and every admin of the shop who chose to
 * be told (admin.notify_deletions) gets a mail, in the same transaction.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/customer.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/session.h"
#include "lib/token.h"
#include "account.h"
#include "signup.h"

/* Five confirmation mails per customer an hour. */
static const struct ratelimit limit_delete_mail = { "account-delete", 5, 3600 };

enum account_delete_sql { SQL_ADMINS_TOLD, ACCOUNT_DELETE_SQL__MAX };

static struct db_query account_delete_sql[ACCOUNT_DELETE_SQL__MAX] = {
	[SQL_ADMINS_TOLD] = { .sql =
	    "SELECT id, email, language FROM admin"
	    " WHERE shop_id = ? AND notify_deletions = 1 AND disabled_at IS NULL ORDER BY id" },
};

const struct field delete_confirm_fields[DELETE_CONFIRM__MAX + 1] = {
	[DELETE_CONFIRM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
};

const struct field delete_code_fields[DELETE_CODE__MAX + 1] = {
	[DELETE_CODE_HANDLE] = { "handle", FIELD_TOKEN, 1, 64, 0, 0, NULL },
	[DELETE_CODE_CODE] = { "code", FIELD_DIGITS, 1, 6, 0, 0, NULL },
};

void
account_delete_page(struct request *req)
{
	struct account_me me;

	if (account_load(req, &me))
		account_render(req, &me, 200, "account/delete.cs");
}

/* Mails the link and the code, and shows the page to type the code. */
void
account_delete_request(struct request *req)
{
	struct account_me me;
	struct token_new token;
	struct mail mail = { "account-delete", NULL, 0, 0 };
	char key[64], link_base[300];
	int over;

	if (!account_load(req, &me))
		return;
	snprintf(key, sizeof(key), "%lld:%lld", req->shop.id, me.id);
	over = ratelimit_exceeded(&req->context, &limit_delete_mail, key);
	if (over < 0 || context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Account.TooMany"));
		account_render(req, &me, 429, "account/delete.cs");
		return;
	}
	mail.recipient = me.email;
	mail.customer_id = me.id;
	if (db_begin(&req->app->db) != 0 ||
	    ratelimit_hit(&req->context, &limit_delete_mail, key) != 0 ||
	    token_create(&req->context, "account_delete", me.id, 0, 1, NULL, TOKEN_MINUTES,
	    &token) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/delete/confirm?token=%s", link_base,
	    token.token);
	hdf_set_value(req->hdf, "Mail.Code", token.code);
	if (mail_queue_in(&req->context, &mail, lang_codes[me.lang]) != 0 ||
	    event_add(&req->context, me.id, 0, "customer.delete_asked", NULL) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Handle", token.handle);
	hdf_set_value(req->hdf, "Page.Email", me.email);
	account_render(req, &me, 200, "account/delete-sent.cs");
}

/* A link or code that served, expired, or is another shop's. */
static void
delete_expired(struct request *req)
{
	req->token_page = 1;
	hdf_set_value(req->hdf, "Page.ExpiredText", request_text(req, "Account.DeleteExpired"));
	hdf_set_value(req->hdf, "Page.Again", "/account/delete");
	page_render(req, 400, "account/expired.cs");
}

void
account_delete_token_invalid(struct request *req)
{
	delete_expired(req);
}

/* Tells every admin who chose to be told, each in their own language
 * (My account), else the shop's. 0 or -1. */
static int
tell_admins(struct request *req, const struct account_me *me)
{
	struct db_query *admins = &account_delete_sql[SQL_ADMINS_TOLD];
	struct db_param param = DB_INT(req->shop.id);
	char name[1024], when[64], now[32];
	long long ids[64];
	char emails[64][256];
	int langs[64];
	int count = 0, i;
	time_t clock = time(NULL);
	struct tm utc;

	if (db_exec(&req->app->db, admins, &param, 1) < 0)
		return -1;
	while (count < 64 && db_fetch(admins) == 1) {
		ids[count] = db_int(admins, 0);
		/* each in their own language (sql/034), else the shop's */
		langs[count] = lang_from_code(db_text(admins, 2));
		if (langs[count] < 0)
			langs[count] = (int)req->shop.lang;
		snprintf(emails[count++], sizeof(emails[0]), "%s", db_text(admins, 1));
	}
	db_done(admins);
	gmtime_r(&clock, &utc);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &utc);
	snprintf(name, sizeof(name), "%s%s%s", me->first_name,
	    me->first_name[0] != '\0' && me->last_name[0] != '\0' ? " " : "", me->last_name);
	hdf_set_value(req->hdf, "Mail.CustomerName", name);
	hdf_set_value(req->hdf, "Mail.CustomerEmail", me->email);
	hdf_set_valuef(req->hdf, "Mail.CustomerId=%lld", me->id);
	for (i = 0; i < count; i++) {
		struct mail mail = { "account-deleted", emails[i], 0, ids[i] };

		format_local_when(now, req->shop.time_zone, (enum lang)langs[i], when, sizeof(when));
		hdf_set_value(req->hdf, "Mail.When", when);
		if (mail_queue_about(&req->context, &mail, lang_codes[langs[i]], me->id) != 0)
			return -1;
	}
	return 0;
}

/* Erases the token's customer, once. */
static void
delete_now(struct request *req, const struct token_found *token)
{
	struct account_me me;
	int found, used, result;

	found = account_read(req, token->customer_id, &me);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		delete_expired(req);
		return;
	}
	if (account_sql_ready(&req->app->db, account_delete_sql, ACCOUNT_DELETE_SQL__MAX) != 0 ||
	    db_begin(&req->app->db) != 0 || (used = token_consume(&req->context, token)) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (used == 0) {
		db_rollback(&req->app->db);
		delete_expired(req);
		return;
	}
	/* the erasure acts as the customer: the timeline says so */
	req->context.actor = ACTOR_CUSTOMER;
	req->context.actor_id = me.id;
	result = customer_change_one(&req->context, me.id, CUSTOMER_ERASE, "");
	if (result != CUSTOMER_OK || tell_admins(req, &me) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	/* the erasure ended their sessions; this browser forgets its cookie */
	if (req->session.customer_id == me.id && session_end_customer(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	account_render(req, &me, 200, "account/deleted.cs");
}

/* GET of the mailed link: only asks. */
void
account_delete_confirm_form(struct request *req)
{
	const char *mailed = request_field(req, &delete_confirm_fields[DELETE_CONFIRM_TOKEN]);
	struct token_found token;
	struct account_me me;
	int found;

	req->token_page = 1;
	found = token_find(&req->context, "account_delete", mailed, 0, &token);
	if (found == 1)
		found = account_read(req, token.customer_id, &me);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		delete_expired(req);
		return;
	}
	hdf_set_value(req->hdf, "Page.Token", mailed);
	hdf_set_value(req->hdf, "Page.Email", me.email);
	account_render(req, &me, 200, "account/delete-confirm.cs");
}

void
account_delete_confirm(struct request *req)
{
	const char *mailed = request_field(req, &delete_confirm_fields[DELETE_CONFIRM_TOKEN]);
	struct token_found token;
	int found;

	req->token_page = 1;
	found = token_find(&req->context, "account_delete", mailed, 0, &token);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		delete_expired(req);
		return;
	}
	delete_now(req, &token);
}

/* The code page again with a message. */
static void
code_refuse(struct request *req, int status, const char *message_key)
{
	struct account_me me;
	const char *handle = request_field(req, &delete_code_fields[DELETE_CODE_HANDLE]);

	if (!account_load(req, &me))
		return;
	hdf_set_value(req->hdf, "Page.Handle", handle != NULL ? handle : "");
	hdf_set_value(req->hdf, "Page.Email", me.email);
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	account_render(req, &me, status, "account/delete-sent.cs");
}

void
account_delete_code_invalid(struct request *req)
{
	const char *handle = request_field(req, &delete_code_fields[DELETE_CODE_HANDLE]);

	if (handle == NULL || strlen(handle) != 64 || strspn(handle, "0123456789abcdef") != 64) {
		delete_expired(req);
		return;
	}
	code_refuse(req, 400, "Account.CodeWrong");
}

/* The code typed on the page that asked, which knows its token by the
 * handle: only the signed-in customer's own token counts, and five wrong
 * codes kill it. */
void
account_delete_code(struct request *req)
{
	const char *handle = request_field(req, &delete_code_fields[DELETE_CODE_HANDLE]);
	const char *code = request_field(req, &delete_code_fields[DELETE_CODE_CODE]);
	struct token_found token;
	int found, right = 0;

	found = token_find(&req->context, "account_delete", handle, 1, &token);
	if (found == 1 && token.customer_id != req->session.customer_id)
		found = 0;
	if (found == 1)
		right = token_check_code(&req->context, &token, code);
	if (found < 0 || right < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		delete_expired(req);
		return;
	}
	if (!right) {
		code_refuse(req, 400, "Account.CodeWrong");
		return;
	}
	delete_now(req, &token);
}
