/*
 * The public signup (/account/signup) and its double opt-in link
 * (/account/signup/confirm), in the shop's language.
 *
 * The page follows the shop's door: open, waiting list (chosen, or an
 * open shop whose capacity is reached), closed. A visitor's form makes a
 * customer row (source self, status invited: "unconfirmed" while it is
 * so; a sign-in link does not make it active, login.c) and, for each form
 * sent, a signup_request holding what that form said (names, phone,
 * message, marketing mail with the wording shown); its confirmation link
 * is bound to that request (login_token.signup_request_id), so that a
 * stranger's form sent earlier for the same address decides nothing.
 * Nothing is subscribed until the link is followed. The link's GET only
 * shows the names and the marketing box with its wording (mail scanners
 * fetch links; the person who clicks decides); its POST confirms, with
 * the shop row locked and its door decided again: open, the customer
 * becomes active and is welcomed; a waiting list (or the capacity
 * reached), they wait and every admin who asked is mailed; closed, they
 * are told so and nothing changes. The link lives a day, but signs in
 * only within TOKEN_MINUTES of being mailed, as a sign-in link would;
 * later it confirms and sends the person to the sign-in page.
 *
 * Whatever the address (new, already a customer here, blocked), the
 * answer is the same "check your mail" page: a customer gets a sign-in
 * link instead, a blocked address gets nothing, and the work done is the
 * same (signup_equal_known). Requests are limited per client address and
 * per address from one network, so a bot makes no mail storm; past the
 * shop's hourly number, signups are taken and their mail held and sent at
 * a bounded rate, so no one can shut the door (signup_limits_check).
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/core_sql.h"
#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/customer_fields.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/session.h"
#include "lib/text.h"
#include "lib/token.h"
#include "account.h"
#include "signup.h"

/* A double opt-in link lives a day: people confirm from a mail read
 * later, and it is used once; it signs in only while a sign-in link would
 * (TOKEN_MINUTES). */
#define SIGNUP_CONFIRM_MINUTES (24 * 60)

/* Admins told of one application at most (a shop has a few). */
#define SIGNUP_NOTIFY_MAX 50

enum signup_public_sql {
	SQL_DOOR,
	SQL_DOOR_LOCK,
	SQL_CURRENT,
	SQL_CUSTOMER_BY_EMAIL,
	SQL_REQUEST_SAME,
	SQL_REQUEST_INSERT,
	SQL_TOKEN_BIND,
	SQL_REQUEST_SHOW,
	SQL_REQUEST_LOCK,
	SQL_REQUEST_ACCEPTED,
	SQL_REQUEST_WAITING,
	SQL_REQUEST_DROP_OTHERS,
	SQL_CUSTOMER_DOOR,
	SQL_NOTIFY_ADMINS,
	SQL_QUEUE_PLACE,
	SQL_PAD_BEGIN,
	SQL_PAD_UNDO,
	SIGNUP_PUBLIC_SQL__MAX
};

/* What a confirmation link's request said, and its customer as they are:
 * the columns of SQL_REQUEST_SHOW and SQL_REQUEST_LOCK (see confirmed). */
#define REQUEST_OF_TOKEN \
	"SELECT r.id, r.marketing_wanted, r.text_id, c.status, c.email, r.first_name," \
	"       r.last_name, r.phone, c.language, r.message," \
	"       t.created_at > NOW() - INTERVAL ? MINUTE" \
	"  FROM login_token t" \
	"  JOIN signup_request r ON r.id = t.signup_request_id AND r.shop_id = t.shop_id" \
	"  JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id" \
	" WHERE t.id = ? AND t.shop_id = ? AND r.status = 'unconfirmed' AND c.erased_at IS NULL"

static struct db_query signup_public_sql[SIGNUP_PUBLIC_SQL__MAX] = {
	[SQL_DOOR] = { .sql = "SELECT mode, signup_capacity FROM shop WHERE id = ?" },
	/* a confirmation or an admin's acceptance decides the door with the
	 * shop row locked: two of them at once take turns, and the second
	 * counts the customer the first one let in */
	[SQL_DOOR_LOCK] = { .sql = "SELECT mode, signup_capacity FROM shop WHERE id = ? FOR UPDATE" },
	/* the customers a capacity counts: invited by the shop or active
	 * (an unconfirmed signup is invited with source self: not yet) */
	[SQL_CURRENT] = { .sql =
	    "SELECT COUNT(*) FROM customer"
	    " WHERE shop_id = ? AND erased_at IS NULL AND status IN ('invited', 'active')"
	    "   AND NOT (status = 'invited' AND source = 'self')" },
	/* and whether a signup of theirs still waits for its confirmation */
	[SQL_CUSTOMER_BY_EMAIL] = { .sql =
	    "SELECT c.id, c.status, c.language,"
	    "       (SELECT r.id FROM signup_request r WHERE r.shop_id = c.shop_id"
	    "           AND r.customer_id = c.id AND r.status = 'unconfirmed'"
	    "         ORDER BY r.id DESC LIMIT 1)"
	    "  FROM customer c WHERE c.shop_id = ? AND c.email = ? AND c.erased_at IS NULL" },
	/* the same form sent again (a double submit, "send it again"): its
	 * request serves, compared byte for byte (the names are written as
	 * typed) */
	[SQL_REQUEST_SAME] = { .sql =
	    "SELECT id FROM signup_request"
	    " WHERE shop_id = ? AND customer_id = ? AND status = 'unconfirmed'"
	    "   AND BINARY first_name = BINARY ? AND BINARY last_name = BINARY ?"
	    "   AND BINARY phone = BINARY ? AND BINARY message = BINARY ?"
	    "   AND marketing_wanted = ? AND text_id <=> ?"
	    " ORDER BY id DESC LIMIT 1" },
	[SQL_REQUEST_INSERT] = { .sql =
	    "INSERT INTO signup_request (shop_id, customer_id, status, first_name, last_name, phone,"
	    "       message, marketing_wanted, text_id, ip)"
	    " VALUES (?, ?, 'unconfirmed', ?, ?, ?, ?, ?, ?, ?)" },
	/* the link just made (token_create's INSERT, the connection's last)
	 * confirms this request and no other */
	[SQL_TOKEN_BIND] = { .sql =
	    "UPDATE login_token SET signup_request_id = ?"
	    " WHERE id = LAST_INSERT_ID() AND shop_id = ? AND purpose = 'signup_confirm'" },
	[SQL_REQUEST_SHOW] = { .sql = REQUEST_OF_TOKEN },
	[SQL_REQUEST_LOCK] = { .sql = REQUEST_OF_TOKEN " FOR UPDATE" },
	/* the names and phone are the customer's from now on: the request
	 * keeps the decision, not a second copy of them */
	[SQL_REQUEST_ACCEPTED] = { .sql =
	    "UPDATE signup_request SET status = 'accepted', confirmed_at = NOW(), decided_at = NOW(),"
	    "       first_name = '', last_name = '', phone = ''"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_REQUEST_WAITING] = { .sql =
	    "UPDATE signup_request SET status = 'waiting', confirmed_at = NOW(),"
	    "       first_name = '', last_name = '', phone = ''"
	    " WHERE id = ? AND shop_id = ?" },
	/* the other forms sent for the address: their links died with this
	 * one (token_consume), and what they said is nobody's business */
	[SQL_REQUEST_DROP_OTHERS] = { .sql =
	    "DELETE FROM signup_request"
	    " WHERE shop_id = ? AND customer_id = ? AND status = 'unconfirmed' AND id <> ?" },
	/* following the link proves the address; the door says what the
	 * customer becomes (an active one stays so); signed in or not */
	[SQL_CUSTOMER_DOOR] = { .sql =
	    "UPDATE customer SET status = IF(status IN ('invited', 'waiting'), ?, status),"
	    "       last_sign_in_at = IF(? = 1, NOW(), last_sign_in_at)"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_NOTIFY_ADMINS] = { .sql =
	    "SELECT id, email, language FROM admin"
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

/* The limits of the form (issue 15's review, finding 7), none of which
 * a stranger can use to shut the door on someone else:
 * - ten forms an hour per client address (an IPv6 client's /64): one
 *   bot's storm stops there;
 * - three forms an hour per address *and client network* (its /24, an
 *   IPv6 client's /48): a stranger elsewhere cannot use up the person's
 *   own three, and one network cannot mail one person more than that;
 * - two hundred an hour per shop, past which signups are still taken but
 *   their mail is held (signup_hold): it leaves at one every
 *   SIGNUP_HOLD_SECONDS, so a flood becomes a queue sent at a bounded
 *   rate, never a refusal.
 * Past the first two nothing is written nor mailed and the visitor is
 * told to try again later. */
static const struct ratelimit limit_signup_ip = { "signup-ip", 10, 3600 };
static const struct ratelimit limit_signup_address = { "signup-address", 3, 3600 };
static const struct ratelimit limit_signup_shop = { "signup-shop", 200, 3600 };
#define SIGNUP_HOLD_SECONDS (3600 / 200)

enum signup_field { SIGNUP_FIRST_NAME, SIGNUP_LAST_NAME, SIGNUP_EMAIL, SIGNUP_PHONE,
	SIGNUP_MARKETING, SIGNUP_MESSAGE, SIGNUP_TEXT, SIGNUP_DOOR, SIGNUP__MAX };
enum signup_confirm_field { SIGNUP_CONFIRM_TOKEN, SIGNUP_CONFIRM_MARKETING, SIGNUP_CONFIRM_TEXT,
	SIGNUP_CONFIRM__MAX };

/* the door the form was shown for: a POST to another door is refused */
static const char *const shown_door_names[] = { "open", "waitlist", NULL };

const struct field signup_fields[SIGNUP__MAX + 1] = {
	/* what becomes the customer's own, checked as her profile checks it */
	[SIGNUP_FIRST_NAME] = CUSTOMER_FIELD_FIRST_NAME_AS(1),
	[SIGNUP_LAST_NAME] = CUSTOMER_FIELD_LAST_NAME_AS(1),
	[SIGNUP_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
	[SIGNUP_PHONE] = CUSTOMER_FIELD_PHONE,
	/* a checkbox: 1 when ticked, absent when not */
	[SIGNUP_MARKETING] = { "marketing", FIELD_INT, 0, 1, 1, 1, NULL },
	[SIGNUP_MESSAGE] = { "message", FIELD_MULTILINE, 0, 2000, 0, 0, NULL },
	[SIGNUP_TEXT] = { "text", FIELD_INT, 0, 20, 1, 9007199254740991LL, NULL },
	[SIGNUP_DOOR] = { "door", FIELD_CHOICE, 1, 10, 0, 0, shown_door_names },
};

const struct field signup_confirm_fields[SIGNUP_CONFIRM__MAX + 1] = {
	[SIGNUP_CONFIRM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
	/* the confirmation page's marketing box (absent when not ticked) and
	 * the wording shown beside it */
	[SIGNUP_CONFIRM_MARKETING] = { "marketing", FIELD_INT, 0, 1, 1, 1, NULL },
	[SIGNUP_CONFIRM_TEXT] = { "text", FIELD_INT, 0, 20, 1, 9007199254740991LL, NULL },
};

#define CLIENT_KEY_SIZE 64

/* The door, read (lock = 0) or with the shop row locked for the rest of
 * the transaction (lock = 1): see signup_door_now. */
static int
door_read(struct request *req, int lock, long long *capacity, long long *current)
{
	enum signup_public_sql which_sql = lock ? SQL_DOOR_LOCK : SQL_DOOR;
	struct db_query *door = &signup_public_sql[which_sql];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	char mode[16] = "closed";
	int found, which;

	*capacity = 0;
	*current = 0;
	if (run(req, which_sql, params, 1) < 0)
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

		/* with the lock, this is the transaction's first plain read
		 * (callers make sure of it): its snapshot is taken now, after
		 * the commit of whoever held the lock before */
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

int
signup_door_now(struct request *req, long long *capacity, long long *current)
{
	return door_read(req, 0, capacity, current);
}

int
signup_door_locked(struct request *req, long long *capacity, long long *current)
{
	return door_read(req, 1, capacity, current);
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

/* Writes what this form says as a new signup request of customer_id (or
 * takes the one the same form made before) and queues its confirmation
 * mail, whose link confirms that request only. 0 or -1. */
static int
request_and_mail(struct request *req, long long customer_id, const char *email,
    const char *language, int door, long long text_id, const char *link_base)
{
	const char *message = request_field(req, &signup_fields[SIGNUP_MESSAGE]);
	const char *phone = request_field(req, &signup_fields[SIGNUP_PHONE]);
	int marketing = request_field_int(req, &signup_fields[SIGNUP_MARKETING], 0) == 1;
	struct mail mail = { "signup-confirm", email, customer_id, 0 };
	struct db_query *same = &signup_public_sql[SQL_REQUEST_SAME];
	struct db_param params[9];
	struct token_new token;
	long long request_id;

	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(customer_id);
	params[2] = DB_TEXT(request_field(req, &signup_fields[SIGNUP_FIRST_NAME]));
	params[3] = DB_TEXT(request_field(req, &signup_fields[SIGNUP_LAST_NAME]));
	params[4] = DB_TEXT(phone != NULL ? phone : "");
	params[5] = DB_TEXT(door == SIGNUP_WAITLIST && message != NULL ? message : "");
	params[6] = DB_INT(marketing);
	params[7] = marketing ? DB_INT(text_id) : DB_NULL;
	params[8] = DB_TEXT(req->context.ip);
	if (run(req, SQL_REQUEST_SAME, params, 8) < 0)
		return -1;
	request_id = db_fetch(same) == 1 ? db_int(same, 0) : 0;
	db_done(same);
	if (request_id == 0) {
		if (run(req, SQL_REQUEST_INSERT, params, 9) != 1)
			return -1;
		request_id = (long long)db_insert_id(&signup_public_sql[SQL_REQUEST_INSERT]);
	}
	if (token_create(&req->context, "signup_confirm", customer_id, 0, 0, "/account/",
	    SIGNUP_CONFIRM_MINUTES, &token) != 0)
		return -1;
	params[0] = DB_INT(request_id);
	params[1] = DB_INT(req->shop.id);
	if (run(req, SQL_TOKEN_BIND, params, 2) != 1)
		return -1;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/signup/confirm?token=%s", link_base,
	    token.token);
	if (door == SIGNUP_WAITLIST)
		hdf_set_value(req->hdf, "Mail.Waitlist", "1");
	return event_add(&req->context, customer_id, 0, "customer.signup_requested", NULL) != 0 ||
	    mail_queue_in(&req->context, &mail, language) != 0 ? -1 : 0;
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
 * The customer is unconfirmed (invited, source self) whatever the door:
 * the door is decided again when the link is followed. Returns
 * CUSTOMER_OK, CUSTOMER_DUPLICATE (someone else's request made the row
 * first: nothing written) or CUSTOMER_ERROR. */
static int
signup_new(struct request *req, int door, long long text_id, const char *link_base)
{
	const char *email = request_field(req, &signup_fields[SIGNUP_EMAIL]);
	struct customer_fields fields;
	long long customer_id;
	int result;

	memset(&fields, 0, sizeof(fields));
	fields.email = email;
	fields.first_name = request_field(req, &signup_fields[SIGNUP_FIRST_NAME]);
	fields.last_name = request_field(req, &signup_fields[SIGNUP_LAST_NAME]);
	fields.phone = request_field(req, &signup_fields[SIGNUP_PHONE]);
	fields.language = lang_codes[req->shop.lang];
	fields.status = "invited";
	fields.source = "self";
	result = customer_create(&req->context, &fields, &customer_id);
	if (result != CUSTOMER_OK)
		return result;
	return request_and_mail(req, customer_id, email, fields.language, door, text_id,
	    link_base) != 0 ? CUSTOMER_ERROR : CUSTOMER_OK;
}

/* Someone who is already a customer here signs up: a blocked one gets
 * nothing, an unconfirmed one a new request of what this form says and
 * its own link (the first form's stays as it was, and whichever link is
 * followed confirms its own form), anyone else a sign-in link. 0 or -1. */
static int
signup_known(struct request *req, long long customer_id, const char *status,
    const char *language, long long unconfirmed, int door, long long text_id,
    const char *link_base)
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
		return request_and_mail(req, customer_id, email, language, door, text_id,
		    link_base);
	return mail_sign_in(req, customer_id, email, language, link_base);
}

/* --- the limits and the equal work (issue 15's review, findings 7 and 15) --- */

enum signup_limits_sql {
	SQL_HOLD_TAKE,
	SQL_HOLD_READ,
	SQL_HOLD_MAIL,
	SQL_HOLD_TOKEN,
	SQL_EQUAL_BEGIN,
	SQL_EQUAL_UNDO,
	SQL_EQUAL_KEEP,
	SIGNUP_LIMITS_SQL__MAX
};

static struct db_query signup_limits_sql[SIGNUP_LIMITS_SQL__MAX] = {
	/* the shop's next free slot for a held mail; the row's lock orders
	 * the signups of one shop that hold at the same time */
	[SQL_HOLD_TAKE] = { .sql =
	    "INSERT INTO signup_hold (shop_id, next_slot) VALUES (?, NOW() + INTERVAL ? SECOND)"
	    " ON DUPLICATE KEY UPDATE next_slot = GREATEST(next_slot, NOW()) + INTERVAL ? SECOND" },
	[SQL_HOLD_READ] = { .sql =
	    "SELECT GREATEST(TIMESTAMPDIFF(SECOND, NOW(), next_slot), 0) FROM signup_hold"
	    " WHERE shop_id = ?" },
	[SQL_HOLD_MAIL] = { .sql =
	    "UPDATE outbox SET next_attempt_at = NOW() + INTERVAL ? SECOND"
	    " WHERE id = ? AND shop_id = ? AND status = 'queued'" },
	/* the mailed link lives as long from when it leaves as any other */
	[SQL_HOLD_TOKEN] = { .sql =
	    "UPDATE login_token SET expires_at = expires_at + INTERVAL ? SECOND"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_EQUAL_BEGIN] = { .sql = "SAVEPOINT signup_equal" },
	[SQL_EQUAL_UNDO] = { .sql = "ROLLBACK TO SAVEPOINT signup_equal" },
	[SQL_EQUAL_KEEP] = { .sql = "RELEASE SAVEPOINT signup_equal" },
};

static long long
run_limits(struct request *req, enum signup_limits_sql which, const struct db_param *params,
    size_t n)
{
	if (db_register(&req->app->db, signup_limits_sql, SIGNUP_LIMITS_SQL__MAX) != 0)
		return -1;
	return db_exec(&req->app->db, &signup_limits_sql[which], params, n);
}

/* The network a client address is in, as the per-address limit keys it:
 * an IPv4 address's /24, an IPv6 address's /48 (what one home, office or
 * provider's customer usually holds). Anything else is kept as it is. */
static void
signup_network(const char *ip, char *out, size_t size)
{
	unsigned char bytes[16];
	char text[INET6_ADDRSTRLEN];

	if (ip != NULL && inet_pton(AF_INET, ip, bytes) == 1) {
		snprintf(out, size, "%u.%u.%u.0/24", bytes[0], bytes[1], bytes[2]);
		return;
	}
	if (ip != NULL && inet_pton(AF_INET6, ip, bytes) == 1) {
		memset(bytes + 6, 0, 10);
		if (inet_ntop(AF_INET6, bytes, text, sizeof(text)) != NULL) {
			snprintf(out, size, "%s/48", text);
			return;
		}
	}
	snprintf(out, size, "%s", ip != NULL ? ip : "");
}

/* The keys of one form's limits. */
struct signup_limits {
	char ip[CLIENT_KEY_SIZE];
	char address[400];
	char shop[32];
	struct ratelimit_use uses[3];
};

enum signup_verdict {
	SIGNUP_TAKEN,	/* under every limit */
	SIGNUP_HELD,	/* taken, its mail held: the shop's hour is full */
	SIGNUP_REFUSED,	/* this client, or this address from this network: try later */
	SIGNUP_LIMIT_ERROR
};

/* What the limits say of the form for email (nothing counted yet). */
static enum signup_verdict
signup_limits_check(struct request *req, const char *email, struct signup_limits *limits)
{
	const char *client = request_param(req, "REMOTE_ADDR");
	char network[CLIENT_KEY_SIZE];
	int over, full;

	text_client_key(client, limits->ip, sizeof(limits->ip));
	signup_network(client, network, sizeof(network));
	snprintf(limits->address, sizeof(limits->address), "%lld:%s:%s", req->shop.id, email,
	    network);
	snprintf(limits->shop, sizeof(limits->shop), "%lld", req->shop.id);
	limits->uses[0] = (struct ratelimit_use){ &limit_signup_ip, limits->ip };
	limits->uses[1] = (struct ratelimit_use){ &limit_signup_address, limits->address };
	limits->uses[2] = (struct ratelimit_use){ &limit_signup_shop, limits->shop };
	over = ratelimit_any_exceeded(&req->context, limits->uses, 2);
	full = ratelimit_exceeded(&req->context, &limit_signup_shop, limits->shop);
	if (over < 0 || full < 0)
		return SIGNUP_LIMIT_ERROR;
	return over ? SIGNUP_REFUSED : full ? SIGNUP_HELD : SIGNUP_TAKEN;
}

/* Holds the mail (and stretches the life of its link) queued since
 * outbox_before / token_before, the insert ids read before the form's
 * work: it leaves at the shop's next free slot. Nothing queued (a
 * blocked address's work was undone): nothing to hold, but the slot is
 * taken all the same, as for anyone. 0 or -1. */
static int
signup_hold(struct request *req, unsigned long long outbox_before,
    unsigned long long token_before)
{
	struct db_query *read = &signup_limits_sql[SQL_HOLD_READ];
	unsigned long long outbox_id = db_insert_id(&core_sql[CORE_OUTBOX_INSERT]);
	unsigned long long token_id = db_insert_id(&core_sql[CORE_TOKEN_INSERT]);
	struct db_param params[3] = { DB_INT(req->shop.id), DB_INT(SIGNUP_HOLD_SECONDS),
		DB_INT(SIGNUP_HOLD_SECONDS) };
	long long delay = -1;

	if (run_limits(req, SQL_HOLD_TAKE, params, 3) < 0 ||
	    run_limits(req, SQL_HOLD_READ, params, 1) < 0)
		return -1;
	if (db_fetch(read) == 1)
		delay = db_int(read, 0);
	db_done(read);
	if (delay < 0)
		return -1;
	params[0] = DB_INT(delay);
	params[2] = DB_INT(req->shop.id);
	params[1] = DB_INT((long long)outbox_id);
	if (outbox_id != outbox_before && run_limits(req, SQL_HOLD_MAIL, params, 3) < 0)
		return -1;
	params[1] = DB_INT((long long)token_id);
	if (token_id != token_before && run_limits(req, SQL_HOLD_TOKEN, params, 3) < 0)
		return -1;
	return 0;
}

/*
 * The same work for an address already known here as for a new one
 * (finding 15: the answer must not tell them apart, by its page nor by
 * its time). The page is the same "check your mail" whatever the address.
 * The time: a new address costs a customer row with its search terms and
 * timeline entry, a signup request and its event, then one mail (a link,
 * an outbox row, an event); a known one costs one mail (the same
 * statements, a sign-in link instead of a confirmation) and its event.
 * So a known address makes the new address's rows too, for a throwaway
 * address that cannot exist (".invalid", RFC 2606), in a savepoint that
 * is undone; a new address's work runs inside the same savepoint
 * statements, kept. Both answers then run the same statements over the
 * same tables in the same order, each touching rows no other request
 * holds, and end with one COMMIT (the fsync, the largest single cost, is
 * the same); what is left is a single-row INSERT of an event (the sign-in
 * link's "asked"), a fraction of the run-to-run spread of one commit.
 * The limits run before and count the same for both. No test times this
 * (timed assertions are flaky): tests/web/test_signup_limits.py checks the
 * answers are identical and that the undone rows leave no trace; bench/
 * is where a timing comparison belongs.
 */
static int
signup_equal_known(struct request *req, int door, long long text_id)
{
	const char *message = request_field(req, &signup_fields[SIGNUP_MESSAGE]);
	int marketing = request_field_int(req, &signup_fields[SIGNUP_MARKETING], 0) == 1;
	const char *phone = request_field(req, &signup_fields[SIGNUP_PHONE]);
	struct customer_fields fields;
	struct db_param params[9];
	unsigned char random[8];
	char email[64], hex[17];
	long long customer_id;
	int result;

	if (crypto_random(random, sizeof(random)) != 0)
		return -1;
	crypto_hex(random, sizeof(random), hex);
	snprintf(email, sizeof(email), "equal-%s@signup.invalid", hex);
	memset(&fields, 0, sizeof(fields));
	fields.email = email;
	fields.first_name = request_field(req, &signup_fields[SIGNUP_FIRST_NAME]);
	fields.last_name = request_field(req, &signup_fields[SIGNUP_LAST_NAME]);
	fields.phone = request_field(req, &signup_fields[SIGNUP_PHONE]);
	fields.language = lang_codes[req->shop.lang];
	fields.status = door == SIGNUP_WAITLIST ? "waiting" : "invited";
	fields.source = "self";
	if (run_limits(req, SQL_EQUAL_BEGIN, NULL, 0) < 0)
		return -1;
	result = customer_create(&req->context, &fields, &customer_id);
	/* a shop at its customer limit refuses new addresses at once: there
	 * is no new customer's work to match */
	if (result == CUSTOMER_LIMIT)
		return run_limits(req, SQL_EQUAL_UNDO, NULL, 0) < 0 ? -1 : 0;
	if (result != CUSTOMER_OK)
		return -1;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(customer_id);
	params[2] = DB_TEXT(fields.first_name);
	params[3] = DB_TEXT(fields.last_name);
	params[4] = DB_TEXT(phone != NULL ? phone : "");
	params[5] = DB_TEXT(door == SIGNUP_WAITLIST && message != NULL ? message : "");
	params[6] = DB_INT(marketing);
	params[7] = marketing ? DB_INT(text_id) : DB_NULL;
	params[8] = DB_TEXT(req->context.ip);
	return run(req, SQL_REQUEST_INSERT, params, 9) < 0 ||
	    event_add(&req->context, customer_id, 0, "customer.signup_requested", NULL) != 0 ||
	    run_limits(req, SQL_EQUAL_UNDO, NULL, 0) < 0 ? -1 : 0;
}

void
signup_submit(struct request *req)
{
	struct db_query *find = &signup_public_sql[SQL_CUSTOMER_BY_EMAIL];
	const char *email = request_field(req, &signup_fields[SIGNUP_EMAIL]);
	int marketing = request_field_int(req, &signup_fields[SIGNUP_MARKETING], 0) == 1;
	char link_base[300];
	char status[16] = "", language[3] = "";
	long long capacity, current, text_id, customer_id = 0, unconfirmed = 0;
	unsigned long long outbox_before, token_before;
	struct signup_limits limits;
	enum signup_verdict verdict;
	struct db_param params[2];
	int door, shown, result;

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

	verdict = signup_limits_check(req, email, &limits);
	if (verdict == SIGNUP_LIMIT_ERROR) {
		page_error(req, 500, NULL);
		return;
	}
	if (verdict == SIGNUP_REFUSED) {
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

	if (db_begin(&req->app->db) != 0 ||
	    ratelimit_hit_all(&req->context, limits.uses, 3) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	outbox_before = db_insert_id(&core_sql[CORE_OUTBOX_INSERT]);
	token_before = db_insert_id(&core_sql[CORE_TOKEN_INSERT]);
	if (customer_id == 0) {
		result = run_limits(req, SQL_EQUAL_BEGIN, NULL, 0) < 0 ? CUSTOMER_ERROR :
		    signup_new(req, door, text_id, link_base);
		if (result == CUSTOMER_LIMIT) {
			page_error(req, 403, "Error.CustomerLimit");
			return;
		}
		if (result == CUSTOMER_DUPLICATE) {
			/* the same form sent twice at once: the other one mails */
			db_rollback(&req->app->db);
			hdf_set_value(req->hdf, "Page.Email", email);
			page_render(req, 200, "signup/sent.cs");
			return;
		}
		if (result == CUSTOMER_OK && run_limits(req, SQL_EQUAL_KEEP, NULL, 0) < 0)
			result = CUSTOMER_ERROR;
	} else
		result = signup_equal_known(req, door, text_id) != 0 ? -1 :
		    signup_known(req, customer_id, status, language, unconfirmed, door, text_id,
		    link_base);
	if (result == 0 && verdict == SIGNUP_HELD && signup_hold(req, outbox_before, token_before) != 0)
		result = -1;
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

/* What a link's request says (REQUEST_OF_TOKEN's row). */
struct confirmed {
	long long request_id, text_id;
	int marketing;	/* the form's box */
	int fresh;	/* the link is young enough to sign in */
	char status[16];
	char email[256], first_name[404], last_name[404], phone[164], language[3];
	char message[2001];
};

/* Reads the unconfirmed request token confirms into who, locking it and
 * its customer when lock. Returns 1, 0 (gone: confirmed, expired, erased)
 * or -1. */
static int
confirmed_read(struct request *req, const struct token_found *token, int lock,
    struct confirmed *who)
{
	enum signup_public_sql which = lock ? SQL_REQUEST_LOCK : SQL_REQUEST_SHOW;
	struct db_query *row = &signup_public_sql[which];
	struct db_param params[3] = {
		DB_INT(TOKEN_MINUTES), DB_INT(token->id), DB_INT(req->shop.id)
	};
	int found;

	memset(who, 0, sizeof(*who));
	if (run(req, which, params, 3) < 0)
		return -1;
	found = db_fetch(row);
	if (found == 1) {
		who->request_id = db_int(row, 0);
		who->marketing = db_int(row, 1) == 1;
		who->text_id = db_int(row, 2);
		snprintf(who->status, sizeof(who->status), "%s", db_text(row, 3));
		snprintf(who->email, sizeof(who->email), "%s", db_text(row, 4) ? db_text(row, 4) : "");
		snprintf(who->first_name, sizeof(who->first_name), "%s", db_text(row, 5));
		snprintf(who->last_name, sizeof(who->last_name), "%s", db_text(row, 6));
		snprintf(who->phone, sizeof(who->phone), "%s", db_text(row, 7));
		snprintf(who->language, sizeof(who->language), "%s", db_text(row, 8) ? db_text(row, 8) : "");
		snprintf(who->message, sizeof(who->message), "%s", db_text(row, 9));
		who->fresh = db_int(row, 10) == 1;
	}
	db_done(row);
	if (found == 1 && who->email[0] == '\0')
		found = 0;
	return found;
}

/* The confirmation page: the names the form gave, and the marketing box
 * beside the shop's wording, ticked as the form left it unless the
 * wording changed since (then the person reads it and ticks anew); the
 * one who clicks decides. status 200, or 409 with message_key. */
static void
confirm_page(struct request *req, const char *mailed, const struct confirmed *who, int status,
    const char *message_key)
{
	char body[CONSENT_TEXT_MAX + 1];
	long long text_id;

	req->token_page = 1;
	text_id = consent_text_current(&req->context, CONSENT_MARKETING,
	    lang_codes[req->shop.lang], body, sizeof(body));
	if (text_id < 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Token", mailed);
	hdf_set_value(req->hdf, "Page.FirstName", who->first_name);
	hdf_set_value(req->hdf, "Page.LastName", who->last_name);
	hdf_set_value(req->hdf, "Page.Email", who->email);
	hdf_set_int_value(req->hdf, "Page.TextId", (int)text_id);
	hdf_set_value(req->hdf, "Page.ConsentText", body);
	if (who->marketing && who->text_id == text_id && message_key == NULL)
		hdf_set_value(req->hdf, "Page.Marketing", "1");
	if (message_key != NULL)
		hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	page_render(req, status, "signup/confirm.cs");
}

void
signup_confirm_form(struct request *req)
{
	const char *mailed = request_field(req, &signup_confirm_fields[SIGNUP_CONFIRM_TOKEN]);
	struct token_found token;
	struct confirmed who;
	int found;

	req->token_page = 1;
	found = token_find(&req->context, "signup_confirm", mailed, 0, &token);
	if (found == 1)
		found = confirmed_read(req, &token, 0, &who);
	if (found < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (found == 0) {
		confirm_expired(req);
		return;
	}
	confirm_page(req, mailed, &who, 200, NULL);
}

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
	char languages[SIGNUP_NOTIFY_MAX][3];	/* "" for the shop's (sql/034) */
	int n = 0, i;

	if (run(req, SQL_NOTIFY_ADMINS, params, 1) < 0)
		return -1;
	while (n < SIGNUP_NOTIFY_MAX && db_fetch(admins) == 1) {
		ids[n] = db_int(admins, 0);
		snprintf(emails[n], sizeof(emails[n]), "%s", db_text(admins, 1));
		snprintf(languages[n], sizeof(languages[n]), "%s",
		    db_text(admins, 2) != NULL ? db_text(admins, 2) : "");
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

		if (mail_queue_about(&req->context, &mail, languages[i], customer_id) != 0)
			return -1;
	}
	return 0;
}

/* The customer's names and phone as the confirmed form gave them (a
 * request written before sql/020 has none: the row keeps its own). The
 * rest of the row stays as it is. 0 or -1. */
static int
names_from_request(struct request *req, long long customer_id, const struct confirmed *who)
{
	struct customer_fields fields;
	struct account_me me;
	int found;

	if (who->first_name[0] == '\0' && who->last_name[0] == '\0')
		return 0;
	found = account_read(req, customer_id, &me);
	if (found <= 0)
		return found < 0 ? -1 : 0;
	if (strcmp(me.first_name, who->first_name) == 0 &&
	    strcmp(me.last_name, who->last_name) == 0 && strcmp(me.phone, who->phone) == 0)
		return 0;
	memset(&fields, 0, sizeof(fields));
	fields.email = me.email;
	fields.first_name = who->first_name;
	fields.last_name = who->last_name;
	fields.phone = who->phone;
	fields.country = me.country[0] != '\0' ? me.country : NULL;
	fields.language = me.language[0] != '\0' ? me.language : NULL;
	fields.company = me.company;
	fields.address = me.address;
	fields.postal_code = me.postal_code;
	fields.city = me.city;
	fields.vat_number = me.vat_number;
	fields.tax_exempt = me.tax_exempt;
	return customer_update(&req->context, customer_id, &fields) == CUSTOMER_OK ? 0 : -1;
}

/* Confirms who's request (locked) through the door: SIGNUP_OPEN makes the
 * customer active (one already active stays so) and welcomes them,
 * SIGNUP_WAITLIST puts them in the queue and tells the admins who asked.
 * marketing and text_id: the confirmation page's box and wording. 0 or
 * -1. */
static int
confirm_request(struct request *req, const struct token_found *token, const struct confirmed *who,
    int door, int marketing, long long text_id, const char *link_base)
{
	struct db_param request[2] = { DB_INT(who->request_id), DB_INT(req->shop.id) };
	struct db_param params[4];
	int waiting = door == SIGNUP_WAITLIST && strcmp(who->status, "active") != 0;

	params[0] = DB_TEXT(waiting ? "waiting" : "active");
	params[1] = DB_INT(who->fresh);
	params[2] = DB_INT(token->customer_id);
	params[3] = DB_INT(req->shop.id);
	if (run(req, waiting ? SQL_REQUEST_WAITING : SQL_REQUEST_ACCEPTED, request, 2) < 0 ||
	    run(req, SQL_CUSTOMER_DOOR, params, 4) < 0 ||
	    names_from_request(req, token->customer_id, who) != 0)
		return -1;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(token->customer_id);
	params[2] = DB_INT(who->request_id);
	if (run(req, SQL_REQUEST_DROP_OTHERS, params, 3) < 0)
		return -1;
	if (marketing) {
		struct consent_entry entry = {
			CONSENT_MARKETING, 1, CONSENT_VIA_CONFIRM, text_id, NULL, 0
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
	int marketing = request_field_int(req, &signup_confirm_fields[SIGNUP_CONFIRM_MARKETING],
	    0) == 1;
	long long shown_text = request_field_int(req, &signup_confirm_fields[SIGNUP_CONFIRM_TEXT], 0);
	long long capacity, current, text_id;
	struct token_found token;
	struct confirmed who;
	char link_base[300];
	int found, used = 0, door, waiting;

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
	/* the shop row first, so that every confirmation and acceptance
	 * takes its locks in one order */
	if (db_begin(&req->app->db) != 0 ||
	    (door = signup_door_locked(req, &capacity, &current)) < 0 ||
	    (used = token_consume(&req->context, &token)) < 0 ||
	    (used == 1 && (found = confirmed_read(req, &token, 1, &who)) < 0)) {
		page_error(req, 500, NULL);
		return;
	}
	/* used already, or the customer was erased, blocked or made
	 * inactive meanwhile */
	if (used != 1 || found != 1 || (strcmp(who.status, "invited") != 0 &&
	    strcmp(who.status, "waiting") != 0 && strcmp(who.status, "active") != 0)) {
		db_rollback(&req->app->db);
		confirm_expired(req);
		return;
	}
	text_id = consent_text_current(&req->context, CONSENT_MARKETING, lang_codes[req->shop.lang],
	    NULL, 0);
	if (text_id < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (marketing && shown_text != text_id) {
		/* the wording changed under the person's eyes: they read it
		 * again; the link still works */
		db_rollback(&req->app->db);
		confirm_page(req, mailed, &who, 409, "Signup.TextChanged");
		return;
	}
	if (door == SIGNUP_CLOSED && strcmp(who.status, "active") != 0) {
		/* nothing changes: the link works again if the shop reopens */
		db_rollback(&req->app->db);
		req->token_page = 1;
		form_render(req, 409, door, "Signup.ConfirmClosed", 0);
		return;
	}
	waiting = door == SIGNUP_WAITLIST && strcmp(who.status, "active") != 0;
	if (confirm_request(req, &token, &who, door, marketing, text_id, link_base) != 0 ||
	    (who.fresh && session_start_customer(req, token.customer_id) != 0) ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (!who.fresh) {
		/* a link mailed long ago proves the address, not who holds it
		 * now: the person signs in as anyone does */
		page_notice(req, waiting ? "signup_confirmed_waiting" : "signup_confirmed_sign_in");
		page_redirect(req, "/account/login");
		return;
	}
	page_redirect(req, waiting ? "/account/signup" : "/account/");
}
