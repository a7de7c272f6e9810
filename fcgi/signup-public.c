/*
 * The public signup (/account/signup) and its double opt-in link
 * (/account/signup/confirm), in the shop's language.
 *
 * The page follows the shop's door: open, waiting list (chosen, or an
 * open shop whose capacity is reached), closed. A visitor's form makes a
 * customer row (source self; status invited, or waiting on a waiting
 * list, so that a sign-in link cannot skip the queue) and a
 * signup_request holding what they asked for (marketing mail, with the
 * wording shown); nothing is subscribed until the mailed link is
 * followed. The link's GET only shows a button (mail scanners fetch
 * links); its POST confirms: an open shop's customer becomes active, is
 * welcomed and signed in; a waiting-list applicant is told their place
 * and every admin who asked is mailed.
 *
 * Whatever the address (new, already a customer here, blocked), the
 * answer is the same "check your mail" page: a customer gets a sign-in
 * link instead, a blocked address gets nothing. Requests are limited per
 * client address, per address and per shop, so a bot makes no mail storm.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/customer.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/session.h"
#include "lib/text.h"
#include "lib/token.h"
#include "signup.h"

/* A double opt-in link lives a day: people confirm from a mail read
 * later, and it is used once; sign-in links keep their ten minutes. */
#define SIGNUP_CONFIRM_MINUTES (24 * 60)

/* Admins told of one application at most (a shop has a few). */
#define SIGNUP_NOTIFY_MAX 50

enum signup_public_sql {
	SQL_DOOR,
	SQL_CURRENT,
	SQL_CUSTOMER_BY_EMAIL,
	SQL_REQUEST_INSERT,
	SQL_REQUEST_LOCK,
	SQL_REQUEST_ACCEPTED,
	SQL_REQUEST_WAITING,
	SQL_CUSTOMER_ACTIVATE,
	SQL_CUSTOMER_SEEN,
	SQL_NOTIFY_ADMINS,
	SQL_QUEUE_PLACE,
	SQL_PAD_BEGIN,
	SQL_PAD_UNDO,
	SIGNUP_PUBLIC_SQL__MAX
};

static struct db_query signup_public_sql[SIGNUP_PUBLIC_SQL__MAX] = {
	[SQL_DOOR] = { .sql = "SELECT mode, signup_capacity FROM shop WHERE id = ?" },
	/* the customers a capacity counts: invited by the shop or active
	 * (an unconfirmed signup is invited with source self: not yet) */
	[SQL_CURRENT] = { .sql =
	    "SELECT COUNT(*) FROM customer"
	    " WHERE shop_id = ? AND erased_at IS NULL AND status IN ('invited', 'active')"
	    "   AND NOT (status = 'invited' AND source = 'self')" },
	/* and the newest signup still waiting for its confirmation */
	[SQL_CUSTOMER_BY_EMAIL] = { .sql =
	    "SELECT c.id, c.status, c.language,"
	    "       (SELECT r.id FROM signup_request r WHERE r.shop_id = c.shop_id"
	    "           AND r.customer_id = c.id AND r.status = 'unconfirmed'"
	    "         ORDER BY r.id DESC LIMIT 1)"
	    "  FROM customer c WHERE c.shop_id = ? AND c.email = ? AND c.erased_at IS NULL" },
	[SQL_REQUEST_INSERT] = { .sql =
	    "INSERT INTO signup_request (shop_id, customer_id, status, message, marketing_wanted,"
	    "       text_id, ip)"
	    " VALUES (?, ?, 'unconfirmed', ?, ?, ?, ?)" },
	[SQL_REQUEST_LOCK] = { .sql =
	    "SELECT r.id, r.marketing_wanted, r.text_id, c.status, c.email, c.first_name,"
	    "       c.last_name, c.language, r.message"
	    "  FROM signup_request r JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id"
	    " WHERE r.shop_id = ? AND r.customer_id = ? AND r.status = 'unconfirmed'"
	    "   AND c.erased_at IS NULL"
	    " ORDER BY r.id DESC LIMIT 1 FOR UPDATE" },
	[SQL_REQUEST_ACCEPTED] = { .sql =
	    "UPDATE signup_request SET status = 'accepted', confirmed_at = NOW(), decided_at = NOW()"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_REQUEST_WAITING] = { .sql =
	    "UPDATE signup_request SET status = 'waiting', confirmed_at = NOW()"
	    " WHERE id = ? AND shop_id = ?" },
	/* following the link proves the address */
	[SQL_CUSTOMER_ACTIVATE] = { .sql =
	    "UPDATE customer SET status = IF(status = 'invited', 'active', status),"
	    "       last_sign_in_at = NOW()"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_CUSTOMER_SEEN] = { .sql =
	    "UPDATE customer SET last_sign_in_at = NOW() WHERE id = ? AND shop_id = ?" },
	[SQL_NOTIFY_ADMINS] = { .sql =
	    "SELECT id, email FROM admin"
	    " WHERE shop_id = ? AND notify_signups = 1 AND disabled_at IS NULL ORDER BY id" },
	/* the waiting requests up to and including the customer's own */
	[SQL_QUEUE_PLACE] = { .sql =
	    "SELECT COUNT(*) FROM signup_request w"
	    "  JOIN signup_request me ON me.shop_id = w.shop_id AND me.status = 'waiting'"
	    "   AND me.customer_id = ?"
	    "  JOIN customer c ON c.id = w.customer_id AND c.shop_id = w.shop_id"
	    " WHERE w.shop_id = ? AND w.status = 'waiting' AND w.id <= me.id"
	    "   AND c.erased_at IS NULL" },
	/* work done only so that a blocked address takes as long as a
	 * customer's, then undone (see signup_known) */
	[SQL_PAD_BEGIN] = { .sql = "SAVEPOINT signup_pad" },
	[SQL_PAD_UNDO] = { .sql = "ROLLBACK TO SAVEPOINT signup_pad" },
};

static int
public_ready(struct db *db)
{
	return db_register(db, signup_public_sql, SIGNUP_PUBLIC_SQL__MAX);
}

static long long
run(struct request *req, enum signup_public_sql which, const struct db_param *params, size_t n)
{
	if (public_ready(&req->app->db) != 0)
		return -1;
	return db_exec(&req->app->db, &signup_public_sql[which], params, n);
}

const char *const signup_door_names[SIGNUP_DOOR__MAX + 1] = {
	[SIGNUP_OPEN] = "open", [SIGNUP_WAITLIST] = "waitlist", [SIGNUP_CLOSED] = "closed",
};

/* Ten forms per client address and three per address an hour, and two
 * hundred per shop whatever the addresses: past them nothing is written
 * nor mailed, and the visitor is told to try later. */
static const struct ratelimit limit_signup_ip = { "signup-ip", 10, 3600 };
static const struct ratelimit limit_signup_address = { "signup-address", 3, 3600 };
static const struct ratelimit limit_signup_shop = { "signup-shop", 200, 3600 };

enum signup_field { SIGNUP_FIRST_NAME, SIGNUP_LAST_NAME, SIGNUP_EMAIL, SIGNUP_PHONE,
	SIGNUP_MARKETING, SIGNUP_MESSAGE, SIGNUP_TEXT, SIGNUP_DOOR, SIGNUP__MAX };
enum signup_confirm_field { SIGNUP_CONFIRM_TOKEN, SIGNUP_CONFIRM__MAX };

/* the door the form was shown for: a POST to another door is refused */
static const char *const shown_door_names[] = { "open", "waitlist", NULL };

const struct field signup_fields[SIGNUP__MAX + 1] = {
	[SIGNUP_FIRST_NAME] = { "first_name", FIELD_TEXT, 1, 100, 0, 0, NULL },
	[SIGNUP_LAST_NAME] = { "last_name", FIELD_TEXT, 1, 100, 0, 0, NULL },
	[SIGNUP_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
	[SIGNUP_PHONE] = { "phone", FIELD_PHONE, 0, 40, 0, 0, NULL },
	/* a checkbox: 1 when ticked, absent when not */
	[SIGNUP_MARKETING] = { "marketing", FIELD_INT, 0, 1, 1, 1, NULL },
	[SIGNUP_MESSAGE] = { "message", FIELD_MULTILINE, 0, 2000, 0, 0, NULL },
	[SIGNUP_TEXT] = { "text", FIELD_INT, 0, 20, 1, 9007199254740991LL, NULL },
	[SIGNUP_DOOR] = { "door", FIELD_CHOICE, 1, 10, 0, 0, shown_door_names },
};

const struct field signup_confirm_fields[SIGNUP_CONFIRM__MAX + 1] = {
	[SIGNUP_CONFIRM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
};

#define CLIENT_KEY_SIZE 64

int
signup_door_now(struct request *req, long long *capacity, long long *current)
{
	struct db_query *door = &signup_public_sql[SQL_DOOR];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	char mode[16] = "closed";
	int found, which;

	*capacity = 0;
	*current = 0;
	if (run(req, SQL_DOOR, params, 1) < 0)
		return -1;
	found = db_fetch(door);
	if (found == 1) {
		snprintf(mode, sizeof(mode), "%s", db_text(door, 0) ? db_text(door, 0) : "closed");
		*capacity = db_int(door, 1);
	}
	db_done(door);
	if (found != 1)
		return -1;
	for (which = 0; which < SIGNUP_DOOR__MAX; which++)
		if (strcmp(mode, signup_door_names[which]) == 0)
			break;
	if (which == SIGNUP_DOOR__MAX)
		which = SIGNUP_CLOSED;
	if (*capacity > 0) {
		struct db_query *count = &signup_public_sql[SQL_CURRENT];

		if (run(req, SQL_CURRENT, params, 1) < 0)
			return -1;
		if (db_fetch(count) == 1)
			*current = db_int(count, 0);
		db_done(count);
		if (which == SIGNUP_OPEN && *current >= *capacity)
			which = SIGNUP_WAITLIST;
	}
	return which;
}

long long
signup_queue_place(struct request *req, long long customer_id)
{
	struct db_query *place = &signup_public_sql[SQL_QUEUE_PLACE];
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(req->shop.id) };
	long long n = 0;

	if (run(req, SQL_QUEUE_PLACE, params, 2) < 0)
		return -1;
	if (db_fetch(place) == 1)
		n = db_int(place, 0);
	db_done(place);
	return n;
}

/* The form, in the door it has now, with message_key (or none) and the
 * visitor's values when from_request. */
static void
form_render(struct request *req, int status, int door, const char *message_key, int from_request)
{
	char body[CONSENT_TEXT_MAX + 1];
	long long text_id;
	int i;

	hdf_set_value(req->hdf, "Page.Door", signup_door_names[door]);
	hdf_set_value(req->hdf, "Page.Contact", req->shop.sender_email);
	if (message_key != NULL)
		hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	if (door != SIGNUP_CLOSED) {
		text_id = consent_text_current(&req->context, CONSENT_MARKETING,
		    lang_codes[req->shop.lang], body, sizeof(body));
		if (text_id < 0) {
			page_error(req, 500, NULL);
			return;
		}
		hdf_set_int_value(req->hdf, "Page.TextId", (int)text_id);
		hdf_set_value(req->hdf, "Page.ConsentText", body);
	}
	for (i = 0; from_request && i < SIGNUP__MAX; i++) {
		const char *value = request_field(req, &signup_fields[i]);
		char name[64];

		if (i == SIGNUP_TEXT || i == SIGNUP_DOOR || value == NULL)
			continue;
		snprintf(name, sizeof(name), "Page.Form.%s", signup_fields[i].name);
		hdf_set_value(req->hdf, name, value);
	}
	page_render(req, status, "signup/form.cs");
}

void
signup_form(struct request *req)
{
	long long capacity, current, place;
	int door;

	if (req->session.customer_id != 0) {
		/* a signed-in applicant sees their place; a customer, their home */
		place = signup_queue_place(req, req->session.customer_id);
		if (place < 0) {
			page_error(req, 500, NULL);
			return;
		}
		if (place == 0) {
			page_redirect(req, "/account/");
			return;
		}
		hdf_set_int_value(req->hdf, "Page.Place", (int)place);
		page_render(req, 200, "signup/waiting.cs");
		return;
	}
	door = signup_door_now(req, &capacity, &current);
	if (door < 0) {
		page_error(req, 500, NULL);
		return;
	}
	form_render(req, 200, door, NULL, 0);
}

void
signup_invalid(struct request *req)
{
	long long capacity, current;
	int door = signup_door_now(req, &capacity, &current);

	if (door < 0) {
		page_error(req, 500, NULL);
		return;
	}
	form_render(req, 400, door, "Signup.Fix", 1);
}

/* Queues the confirmation mail of customer_id's signup. 0 or -1. */
static int
mail_confirm(struct request *req, long long customer_id, const char *email, const char *language,
    int waitlist, const char *link_base)
{
	struct mail mail = { "signup-confirm", email, customer_id, 0 };
	struct token_new token;

	if (token_create(&req->context, "signup_confirm", customer_id, 0, 0, "/account/",
	    SIGNUP_CONFIRM_MINUTES, &token) != 0)
		return -1;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/signup/confirm?token=%s", link_base,
	    token.token);
	if (waitlist)
		hdf_set_value(req->hdf, "Mail.Waitlist", "1");
	return mail_queue_in(&req->context, &mail, language);
}

/* Queues a sign-in link (link and code) for a customer who signs up
 * again, as /account/login would. 0 or -1. */
static int
mail_sign_in(struct request *req, long long customer_id, const char *email, const char *language,
    const char *link_base)
{
	struct mail mail = { "customer-login", email, customer_id, 0 };
	struct token_new token;

	if (token_create(&req->context, "customer_login", customer_id, 0, 1, "/account/",
	    TOKEN_MINUTES, &token) != 0)
		return -1;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login/confirm?token=%s", link_base,
	    token.token);
	hdf_set_valuef(req->hdf, "Mail.CodeLink=%s/account/login/code", link_base);
	hdf_set_value(req->hdf, "Mail.Code", token.code);
	return mail_queue_in(&req->context, &mail, language) != 0 ||
	    event_add(&req->context, customer_id, 0, "customer.link_requested", NULL) != 0 ? -1 : 0;
}

/* A new customer and their signup request, and the confirmation mail.
 * Returns CUSTOMER_OK, CUSTOMER_DUPLICATE (someone else's request made
 * the row first: nothing written) or CUSTOMER_ERROR. */
static int
signup_new(struct request *req, int door, long long text_id, const char *link_base)
{
	const char *email = request_field(req, &signup_fields[SIGNUP_EMAIL]);
	const char *message = request_field(req, &signup_fields[SIGNUP_MESSAGE]);
	int marketing = request_field_int(req, &signup_fields[SIGNUP_MARKETING], 0) == 1;
	struct customer_fields fields;
	struct db_param params[6];
	long long customer_id;
	int result;

	memset(&fields, 0, sizeof(fields));
	fields.email = email;
	fields.first_name = request_field(req, &signup_fields[SIGNUP_FIRST_NAME]);
	fields.last_name = request_field(req, &signup_fields[SIGNUP_LAST_NAME]);
	fields.phone = request_field(req, &signup_fields[SIGNUP_PHONE]);
	fields.language = lang_codes[req->shop.lang];
	fields.status = door == SIGNUP_WAITLIST ? "waiting" : "invited";
	fields.source = "self";
	result = customer_create(&req->context, &fields, &customer_id);
	if (result != CUSTOMER_OK)
		return result;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(customer_id);
	params[2] = DB_TEXT(door == SIGNUP_WAITLIST && message != NULL ? message : "");
	params[3] = DB_INT(marketing);
	params[4] = marketing ? DB_INT(text_id) : DB_NULL;
	params[5] = DB_TEXT(req->context.ip);
	if (run(req, SQL_REQUEST_INSERT, params, 6) < 0 ||
	    event_add(&req->context, customer_id, 0, "customer.signup_requested", NULL) != 0 ||
	    mail_confirm(req, customer_id, email, fields.language, door == SIGNUP_WAITLIST,
	    link_base) != 0)
		return CUSTOMER_ERROR;
	return CUSTOMER_OK;
}

/* Someone who is already a customer here signs up: a blocked one gets
 * nothing, an unconfirmed one their confirmation again, anyone else a
 * sign-in link. 0 or -1. */
static int
signup_known(struct request *req, long long customer_id, const char *status,
    const char *language, long long unconfirmed, const char *link_base)
{
	const char *email = request_field(req, &signup_fields[SIGNUP_EMAIL]);

	/* a blocked address gets a customer's sign-in mail made and undone,
	 * so that the answer takes as long */
	if (strcmp(status, "blocked") == 0)
		return run(req, SQL_PAD_BEGIN, NULL, 0) < 0 ||
		    mail_sign_in(req, customer_id, email, language, link_base) != 0 ||
		    run(req, SQL_PAD_UNDO, NULL, 0) < 0 ||
		    event_add(&req->context, customer_id, 0, "customer.signup_refused_blocked",
		    NULL) != 0 ? -1 : 0;
	if (unconfirmed != 0 && (strcmp(status, "invited") == 0 || strcmp(status, "waiting") == 0))
		return mail_confirm(req, customer_id, email, language,
		    strcmp(status, "waiting") == 0, link_base);
	return mail_sign_in(req, customer_id, email, language, link_base);
}

void
signup_submit(struct request *req)
{
	struct db_query *find = &signup_public_sql[SQL_CUSTOMER_BY_EMAIL];
	const char *email = request_field(req, &signup_fields[SIGNUP_EMAIL]);
	int marketing = request_field_int(req, &signup_fields[SIGNUP_MARKETING], 0) == 1;
	char ip[CLIENT_KEY_SIZE], address_key[300], shop_key[32], link_base[300];
	char status[16] = "", language[3] = "";
	long long capacity, current, text_id, customer_id = 0, unconfirmed = 0;
	struct ratelimit_use limits[3] = {
		{ &limit_signup_ip, ip }, { &limit_signup_address, address_key },
		{ &limit_signup_shop, shop_key }
	};
	struct db_param params[2];
	int door, shown, over, result;

	door = signup_door_now(req, &capacity, &current);
	if (door < 0 || context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	shown = request_field_choice(req, &signup_fields[SIGNUP_DOOR], -1);
	if (door == SIGNUP_CLOSED) {
		form_render(req, 409, door, "Signup.NowClosed", 0);
		return;
	}
	if (shown != door) {
		form_render(req, 409, door, door == SIGNUP_WAITLIST ? "Signup.NowWaitlist" :
		    "Signup.NowOpen", 1);
		return;
	}
	text_id = consent_text_current(&req->context, CONSENT_MARKETING, lang_codes[req->shop.lang],
	    NULL, 0);
	if (text_id < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (marketing && request_field_int(req, &signup_fields[SIGNUP_TEXT], 0) != text_id) {
		form_render(req, 409, door, "Signup.TextChanged", 1);
		return;
	}

	text_client_key(request_param(req, "REMOTE_ADDR"), ip, sizeof(ip));
	snprintf(address_key, sizeof(address_key), "%lld:%s", req->shop.id, email);
	snprintf(shop_key, sizeof(shop_key), "%lld", req->shop.id);
	over = ratelimit_any_exceeded(&req->context, limits, 3);
	if (over < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (over) {
		form_render(req, 429, door, "Signup.TooMany", 1);
		return;
	}

	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(email);
	if (run(req, SQL_CUSTOMER_BY_EMAIL, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (db_fetch(find) == 1) {
		customer_id = db_int(find, 0);
		snprintf(status, sizeof(status), "%s", db_text(find, 1));
		snprintf(language, sizeof(language), "%s", db_text(find, 2) ? db_text(find, 2) : "");
		unconfirmed = db_int(find, 3);
	}
	db_done(find);

	if (db_begin(&req->app->db) != 0 || ratelimit_hit_all(&req->context, limits, 3) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (customer_id == 0) {
		result = signup_new(req, door, text_id, link_base);
		if (result == CUSTOMER_DUPLICATE) {
			/* the same form sent twice at once: the other one mails */
			db_rollback(&req->app->db);
			hdf_set_value(req->hdf, "Page.Email", email);
			page_render(req, 200, "signup/sent.cs");
			return;
		}
	} else
		result = signup_known(req, customer_id, status, language, unconfirmed, link_base);
	if (result != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Email", email);
	page_render(req, 200, "signup/sent.cs");
}

/* --- the double opt-in link -------------------------------------------------- */

static void
confirm_expired(struct request *req)
{
	req->token_page = 1;
	page_render(req, 400, "signup/expired.cs");
}

void
signup_token_invalid(struct request *req)
{
	confirm_expired(req);
}

void
signup_confirm_form(struct request *req)
{
	const char *mailed = request_field(req, &signup_confirm_fields[SIGNUP_CONFIRM_TOKEN]);
	struct token_found token;
	int found;

	req->token_page = 1;
	found = token_find(&req->context, "signup_confirm", mailed, 0, &token);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		confirm_expired(req);
		return;
	}
	hdf_set_value(req->hdf, "Page.Token", mailed);
	page_render(req, 200, "signup/confirm.cs");
}

/* What the locked request says (SQL_REQUEST_LOCK's row). */
struct confirmed {
	long long request_id, text_id;
	int marketing;
	char status[16];
	char email[256], first_name[256], last_name[256], language[3];
	char message[2001];
};

/* Mails every admin who asked about a new applicant (customer_id: the
 * mails are about them, mail_queue_about). 0 or -1. */
static int
notify_admins(struct request *req, long long customer_id, const struct confirmed *who,
    const char *link_base)
{
	struct db_query *admins = &signup_public_sql[SQL_NOTIFY_ADMINS];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	long long ids[SIGNUP_NOTIFY_MAX];
	char emails[SIGNUP_NOTIFY_MAX][256];
	int n = 0, i;

	if (run(req, SQL_NOTIFY_ADMINS, params, 1) < 0)
		return -1;
	while (n < SIGNUP_NOTIFY_MAX && db_fetch(admins) == 1) {
		ids[n] = db_int(admins, 0);
		snprintf(emails[n], sizeof(emails[n]), "%s", db_text(admins, 1));
		n++;
	}
	db_done(admins);
	hdf_set_value(req->hdf, "Mail.FirstName", who->first_name);
	hdf_set_value(req->hdf, "Mail.LastName", who->last_name);
	hdf_set_value(req->hdf, "Mail.Email", who->email);
	hdf_set_value(req->hdf, "Mail.Message", who->message);
	hdf_set_valuef(req->hdf, "Mail.Link=%s/admin/signup/queue", link_base);
	for (i = 0; i < n; i++) {
		struct mail mail = { "signup-admin-waiting", emails[i], 0, ids[i] };

		if (mail_queue_about(&req->context, &mail, NULL, customer_id) != 0)
			return -1;
	}
	return 0;
}

/* Confirms the locked request of token's customer. 0 done, 1 nothing to
 * confirm (the request is gone or decided), -1 on an error. */
static int
confirm_request(struct request *req, const struct token_found *token, const struct confirmed *who,
    const char *link_base)
{
	struct db_param request[2] = { DB_INT(who->request_id), DB_INT(req->shop.id) };
	struct db_param customer[2] = { DB_INT(token->customer_id), DB_INT(req->shop.id) };
	int waiting = strcmp(who->status, "waiting") == 0;

	if (strcmp(who->status, "blocked") == 0)
		return 1;
	if (run(req, waiting ? SQL_REQUEST_WAITING : SQL_REQUEST_ACCEPTED, request, 2) < 0 ||
	    run(req, waiting ? SQL_CUSTOMER_SEEN : SQL_CUSTOMER_ACTIVATE, customer, 2) < 0)
		return -1;
	if (who->marketing) {
		struct consent_entry entry = {
			CONSENT_MARKETING, 1, CONSENT_VIA_CONFIRM, who->text_id, NULL, 0
		};

		if (consent_record(&req->context, token->customer_id, &entry) != 0)
			return -1;
	}
	if (event_add(&req->context, token->customer_id, 0,
	    waiting ? "customer.signup_waiting" : "customer.signup_confirmed", NULL) != 0)
		return -1;
	if (waiting)
		return notify_admins(req, token->customer_id, who, link_base);
	{
		struct mail mail = { "signup-welcome", who->email, token->customer_id, 0 };

		hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
		return mail_queue_in(&req->context, &mail, who->language);
	}
}

void
signup_confirm(struct request *req)
{
	const char *mailed = request_field(req, &signup_confirm_fields[SIGNUP_CONFIRM_TOKEN]);
	struct db_query *lock = &signup_public_sql[SQL_REQUEST_LOCK];
	struct token_found token;
	struct confirmed who;
	struct db_param params[2];
	char link_base[300];
	int found, used, done;

	req->token_page = 1;
	found = token_find(&req->context, "signup_confirm", mailed, 0, &token);
	if (found < 0 || context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		confirm_expired(req);
		return;
	}
	if (db_begin(&req->app->db) != 0 || (used = token_consume(&req->context, &token)) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(token.customer_id);
	memset(&who, 0, sizeof(who));
	if (used == 1 && run(req, SQL_REQUEST_LOCK, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (used == 1 && db_fetch(lock) == 1) {
		who.request_id = db_int(lock, 0);
		who.marketing = db_int(lock, 1) == 1;
		who.text_id = db_int(lock, 2);
		snprintf(who.status, sizeof(who.status), "%s", db_text(lock, 3));
		snprintf(who.email, sizeof(who.email), "%s", db_text(lock, 4) ? db_text(lock, 4) : "");
		snprintf(who.first_name, sizeof(who.first_name), "%s", db_text(lock, 5));
		snprintf(who.last_name, sizeof(who.last_name), "%s", db_text(lock, 6));
		snprintf(who.language, sizeof(who.language), "%s", db_text(lock, 7) ? db_text(lock, 7) : "");
		snprintf(who.message, sizeof(who.message), "%s", db_text(lock, 8));
	}
	if (used == 1)
		db_done(lock);
	done = who.request_id != 0 && who.email[0] != '\0' ?
	    confirm_request(req, &token, &who, link_base) : 1;
	if (done < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (done == 1) {
		/* used already, or the customer was erased or blocked meanwhile */
		db_rollback(&req->app->db);
		confirm_expired(req);
		return;
	}
	if (session_start_customer(req, token.customer_id) != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, strcmp(who.status, "waiting") == 0 ? "/account/signup" : "/account/");
}
