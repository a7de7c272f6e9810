/*
 * One-click unsubscribe (/account/unsubscribe): the link every marketing
 * mail carries (mail_queue_marketing, lib/mail.h) in its List-Unsubscribe
 * header and its text, signed per shop and customer (lib/unsubscribe.h).
 *
 * POST withdraws the customer's marketing consent at once, through the
 * consent ledger (channel "unsubscribe"), without a session: a mailbox
 * provider posts "List-Unsubscribe=One-Click" to the URL from its own
 * servers (RFC 8058), so the route is ROUTE_SIGNED_URL and the signature
 * is the authority. A replay, or a second post, finds the consent
 * withdrawn already and writes nothing. GET only shows a page with one
 * button that posts: mail scanners follow links, and must not unsubscribe
 * anyone. System mails (sign-in links, orders) are not touched: only the
 * marketing purpose is withdrawn.
 *
 * Wrong links are counted per client address (UNSUBSCRIBE_BAD_LIMIT a
 * quarter of an hour): past it, every link from that address is refused
 * for the rest of the window, a good one too, so that no one can try
 * signatures in bulk. A mailbox provider posts only the links it found in
 * mails, which are good ones, and is never held.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/text.h"
#include "lib/unsubscribe.h"
#include "signup.h"

enum unsubscribe_sql {
	SQL_CUSTOMER,
	UNSUBSCRIBE_SQL__MAX
};

static struct db_query unsubscribe_sql[UNSUBSCRIBE_SQL__MAX] = {
	/* locked, so that two posts of one link write one ledger entry */
	[SQL_CUSTOMER] = { .sql =
	    "SELECT email, marketing_consent FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
};

static int
unsubscribe_ready(struct db *db)
{
	return db_register(db, unsubscribe_sql, UNSUBSCRIBE_SQL__MAX);
}

static const struct ratelimit limit_bad = { "unsubscribe-bad-ip", 30, 900 };

static const char *const one_click[] = { "One-Click", NULL };

const struct field unsubscribe_form_fields[UNSUBSCRIBE_FORM__MAX + 1] = {
	[UNSUBSCRIBE_FORM_TOKEN] = { "token", FIELD_TEXT, 1, UNSUBSCRIBE_TOKEN_SIZE, 0, 0, NULL },
};

const struct field unsubscribe_fields[UNSUBSCRIBE__MAX + 1] = {
	[UNSUBSCRIBE_TOKEN] = { "token", FIELD_TEXT, 1, UNSUBSCRIBE_TOKEN_SIZE, 0, 0, NULL },
	/* RFC 8058's body, exactly */
	[UNSUBSCRIBE_ONE_CLICK] = { "List-Unsubscribe", FIELD_CHOICE, 1, 20, 0, 0, one_click },
};

/* The page of a link that is not one of this shop's. */
static void
unsubscribe_refuse(struct request *req)
{
	hdf_set_value(req->hdf, "Page.State", "invalid");
	page_render(req, 400, "signup/unsubscribe.cs");
}

/* The customer of the request's token: a good signature is always
 * honoured (RFC 8058's POSTs come from a mailbox provider's shared
 * servers, and a held address must not stop a real unsubscribe); wrong
 * links are counted per client address and, past the limit, get the
 * page that says so. > 0 the customer, 0 refused (the page is sent), -1
 * on a database error (the error page is sent). */
static long long
token_customer(struct request *req, const char *token)
{
	char key[64];
	long long customer_id = unsubscribe_token_customer(&req->context, token);
	int exceeded;

	if (customer_id != 0)
		return customer_id;
	text_client_key(request_param(req, "REMOTE_ADDR"), key, sizeof(key));
	exceeded = ratelimit_exceeded(&req->context, &limit_bad, key);
	if (exceeded < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	if (exceeded) {
		hdf_set_value(req->hdf, "Page.State", "invalid");
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Unsubscribe.TooMany"));
		page_render(req, 429, "signup/unsubscribe.cs");
		return 0;
	}
	if (ratelimit_hit(&req->context, &limit_bad, key) != 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	unsubscribe_refuse(req);
	return 0;
}

void
unsubscribe_invalid(struct request *req)
{
	req->token_page = 1;
	unsubscribe_refuse(req);
}

/* Locks the customer the token names (inside a transaction the caller
 * began). Returns 1 found (email and consent filled), 0 erased or gone,
 * -1 on a database error. */
static int
customer_lock(struct request *req, long long customer_id, char *email, size_t size,
    int *consent)
{
	struct db_query *query = &unsubscribe_sql[SQL_CUSTOMER];
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(req->shop.id) };
	int found;

	if (unsubscribe_ready(&req->app->db) != 0 ||
	    db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		snprintf(email, size, "%s", db_text(query, 0) ? db_text(query, 0) : "");
		*consent = (int)db_int(query, 1);
	}
	db_done(query);
	return found;
}

void
unsubscribe_form(struct request *req)
{
	const char *token = request_field(req, &unsubscribe_form_fields[UNSUBSCRIBE_FORM_TOKEN]);
	long long customer_id;
	char email[256] = "";
	int consent = 0, found;

	req->token_page = 1;
	if ((customer_id = token_customer(req, token)) <= 0)
		return;
	if (db_begin(&req->app->db) != 0 ||
	    (found = customer_lock(req, customer_id, email, sizeof(email), &consent)) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	db_rollback(&req->app->db);
	hdf_set_value(req->hdf, "Page.Token", token);
	hdf_set_value(req->hdf, "Page.Email", email);
	/* an erased customer is sent nothing any more: done as well */
	hdf_set_value(req->hdf, "Page.State", found == 1 && consent ? "ask" : "done");
	page_render(req, 200, "signup/unsubscribe.cs");
}

void
unsubscribe_submit(struct request *req)
{
	const char *token = request_field(req, &unsubscribe_fields[UNSUBSCRIBE_TOKEN]);
	struct consent_entry entry = { CONSENT_MARKETING, 0, CONSENT_VIA_UNSUBSCRIBE, 0, NULL, 0 };
	long long customer_id;
	char email[256] = "";
	int consent = 0, found;

	req->token_page = 1;
	if ((customer_id = token_customer(req, token)) <= 0)
		return;
	if (db_begin(&req->app->db) != 0 ||
	    (found = customer_lock(req, customer_id, email, sizeof(email), &consent)) < 0 ||
	    (found == 1 && consent && consent_record(&req->context, customer_id, &entry) != 0) ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Email", email);
	hdf_set_value(req->hdf, "Page.State", "done");
	page_render(req, 200, "signup/unsubscribe.cs");
}
