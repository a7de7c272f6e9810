/*
 * The shop's door (/admin/signup) and its waiting-list queue
 * (/admin/signup/queue).
 *
 * Owners choose the mode (open, waiting list, closed) and a capacity
 * past which an open shop takes new people on its waiting list, and edit
 * the consent wordings of each purpose and language (consent.h keeps the
 * versions): marketing mail (the signup page's box, the customer's
 * preferences), the shop's announcements (system mail) and the admin's
 * attestation when creating an account on someone's behalf (the new
 * customer form). Staff see the page read-only. Every admin chooses for
 * themselves what they are told by mail (a new applicant, a customer who
 * deletes their account). The page shows the public signup address with
 * a copy button and a QR code for posters, drawn here as an SVG path with
 * libqrencode.
 *
 * The queue lists the confirmed applicants, oldest first, with their
 * message; any admin accepts (the customer becomes active and is mailed a
 * welcome) or refuses (a polite mail with the reason given, then the
 * customer row is erased; the request keeps the decision), one by one or
 * the ticked rows at once. Accepting past the capacity asks first.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "lib/consent.h"
#include "lib/customer.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "signup.h"

/* Rows the queue shows and decides at once. */
#define QUEUE_SHOWN 200
#define QUEUE_TICKED 200

enum signup_admin_sql {
	SQL_TEXT_INFO,
	SQL_ADMIN_NOTICES,
	SQL_SET_MODE,
	SQL_SET_NOTICES,
	SQL_COUNTS,
	SQL_QUEUE,
	SQL_WAITING_LOCK,
	SQL_CUSTOMER_ACCEPT,
	SQL_REQUEST_DECIDE,
	SQL_WAITING_COUNT,
	SIGNUP_ADMIN_SQL__MAX
};

static struct db_query signup_admin_sql[SIGNUP_ADMIN_SQL__MAX] = {
	[SQL_TEXT_INFO] = { .sql =
	    "SELECT version, created_at FROM consent_text WHERE id = ? AND shop_id = ?" },
	[SQL_ADMIN_NOTICES] = { .sql =
	    "SELECT notify_signups, notify_deletions FROM admin WHERE id = ? AND shop_id = ?" },
	[SQL_SET_MODE] = { .sql =
	    "UPDATE shop SET mode = ?, signup_capacity = ? WHERE id = ?" },
	[SQL_SET_NOTICES] = { .sql =
	    "UPDATE admin SET notify_signups = ?, notify_deletions = ? WHERE id = ? AND shop_id = ?" },
	/* an applicant erased from their customer page waits no more */
	/* people, not forms: an address sent twice is one unconfirmed */
	[SQL_COUNTS] = { .sql =
	    "SELECT r.status, COUNT(DISTINCT r.customer_id) FROM signup_request r"
	    "  JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id"
	    " WHERE r.shop_id = ? AND (r.status <> 'waiting' OR c.erased_at IS NULL)"
	    " GROUP BY r.status" },
	[SQL_QUEUE] = { .sql =
	    "SELECT r.id, c.first_name, c.last_name, c.email, c.phone, r.message, r.confirmed_at"
	    "  FROM signup_request r"
	    "  JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id"
	    " WHERE r.shop_id = ? AND r.status = 'waiting' AND c.erased_at IS NULL"
	    " ORDER BY r.id LIMIT 200" },
	[SQL_WAITING_LOCK] = { .sql =
	    "SELECT r.customer_id, c.email, c.language FROM signup_request r"
	    "  JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id"
	    " WHERE r.shop_id = ? AND r.id = ? AND r.status = 'waiting' AND c.erased_at IS NULL"
	    " FOR UPDATE" },
	[SQL_CUSTOMER_ACCEPT] = { .sql =
	    "UPDATE customer SET status = 'active'"
	    " WHERE id = ? AND shop_id = ? AND status = 'waiting'" },
	[SQL_REQUEST_DECIDE] = { .sql =
	    "UPDATE signup_request SET status = ?, reason = ?, decided_at = NOW(), decided_by = ?"
	    " WHERE id = ? AND shop_id = ? AND status = 'waiting'" },
	[SQL_WAITING_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM signup_request r"
	    "  JOIN customer c ON c.id = r.customer_id AND c.shop_id = r.shop_id"
	    " WHERE r.shop_id = ? AND r.status = 'waiting' AND c.erased_at IS NULL" },
};

static int
admin_ready(struct db *db)
{
	return db_register(db, signup_admin_sql, SIGNUP_ADMIN_SQL__MAX);
}

static long long
run(struct request *req, enum signup_admin_sql which, const struct db_param *params, size_t n)
{
	if (admin_ready(&req->app->db) != 0)
		return -1;
	return db_exec(&req->app->db, &signup_admin_sql[which], params, n);
}

enum mode_field { MODE_MODE, MODE_CAPACITY, MODE__MAX };
const struct field signup_mode_fields[MODE__MAX + 1] = {
	[MODE_MODE] = { "mode", FIELD_CHOICE, 1, 10, 0, 0, signup_door_names },
	/* empty: no capacity */
	[MODE_CAPACITY] = { "capacity", FIELD_INT, 0, 7, 1, 1000000, NULL },
};

/* the wordings an owner edits, in enum consent_purpose's order */
static const char *const text_purpose_names[CONSENT_PURPOSE__MAX + 1] = {
	"marketing", "system_mail", "creation", NULL
};

enum text_field { TEXT_PURPOSE, TEXT_LANGUAGE, TEXT_BODY, TEXT__MAX };
const struct field signup_text_fields[TEXT__MAX + 1] = {
	/* absent: the marketing wording (a page from before the others
	 * could be edited) */
	[TEXT_PURPOSE] = { "purpose", FIELD_CHOICE, 0, 12, 0, 0, text_purpose_names },
	[TEXT_LANGUAGE] = { "language", FIELD_LANG, 1, 0, 0, 0, NULL },
	/* a thousand characters fit CONSENT_TEXT_MAX bytes whatever they are */
	[TEXT_BODY] = { "body", FIELD_MULTILINE, 1, 1000, 0, 0, NULL },
};

/* checkboxes: 1 when ticked, absent when not */
enum notify_field { NOTIFY_SIGNUPS, NOTIFY_DELETIONS, NOTIFY__MAX };
const struct field signup_notify_fields[NOTIFY__MAX + 1] = {
	[NOTIFY_SIGNUPS] = { "notify_signups", FIELD_INT, 0, 1, 1, 1, NULL },
	[NOTIFY_DELETIONS] = { "notify_deletions", FIELD_INT, 0, 1, 1, 1, NULL },
};

static const char *const decide_names[] = { "accept", "refuse", NULL };
enum decide_action { DECIDE_ACCEPT, DECIDE_REFUSE };
enum decide_field { DECIDE_ID, DECIDE_ACTION, DECIDE_REASON, DECIDE_CONFIRM, DECIDE__MAX };
const struct field signup_decide_fields[DECIDE__MAX + 1] = {
	[DECIDE_ID] = { "id", FIELD_IDS, 0, 0, 0, QUEUE_TICKED, NULL },
	[DECIDE_ACTION] = { "action", FIELD_CHOICE, 1, 10, 0, 0, decide_names },
	[DECIDE_REASON] = { "reason", FIELD_TEXT, 0, 500, 0, 0, NULL },
	/* the admin saw that accepting goes past the capacity */
	[DECIDE_CONFIRM] = { "confirm", FIELD_INT, 0, 1, 1, 1, NULL },
};

/* --- the QR code ------------------------------------------------------------- */

/* The QR code of text as the "d" of one SVG path in module units, with a
 * quiet zone of four modules: Page.Qr.Path and Page.Qr.Size (the side). A
 * run of dark modules on a row is one rectangle. Returns 0 or -1. */
static int
qr_to_page(struct request *req, const char *text)
{
	QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t size, used = 0;
	char *path;
	int x, y, run_start;

	if (code == NULL)
		return -1;
	size = (size_t)code->width * (size_t)code->width * 12 + 1;
	path = malloc(size);
	if (path == NULL) {
		QRcode_free(code);
		return -1;
	}
	path[0] = '\0';
	for (y = 0; y < code->width; y++) {
		run_start = -1;
		for (x = 0; x <= code->width; x++) {
			int dark = x < code->width && (code->data[y * code->width + x] & 1);

			if (dark && run_start < 0)
				run_start = x;
			else if (!dark && run_start >= 0) {
				used += (size_t)snprintf(path + used, size - used, "M%d %dh%dv1h-%dz",
				    run_start + 4, y + 4, x - run_start, x - run_start);
				run_start = -1;
			}
		}
	}
	hdf_set_value(req->hdf, "Page.Qr.Path", path);
	hdf_set_int_value(req->hdf, "Page.Qr.Size", code->width + 8);
	free(path);
	QRcode_free(code);
	return 0;
}

/* --- the door page ------------------------------------------------------------ */

/* The wording of purpose in language under
 * Page.Texts.<purpose>.<language>: body, version, when it was saved.
 * Returns 0 or -1. */
static int
text_to_page(struct request *req, enum consent_purpose purpose, const char *language)
{
	struct db_query *info = &signup_admin_sql[SQL_TEXT_INFO];
	char body[CONSENT_TEXT_MAX + 1], name[96], when[64];
	struct db_param params[2];
	long long id;

	id = consent_text_current(&req->context, purpose, language, body, sizeof(body));
	if (id < 0)
		return -1;
	params[0] = DB_INT(id);
	params[1] = DB_INT(req->shop.id);
	if (run(req, SQL_TEXT_INFO, params, 2) < 0)
		return -1;
	snprintf(name, sizeof(name), "Page.Texts.%s.%s.Body", text_purpose_names[purpose], language);
	hdf_set_value(req->hdf, name, body);
	if (db_fetch(info) == 1) {
		snprintf(name, sizeof(name), "Page.Texts.%s.%s.Version", text_purpose_names[purpose],
		    language);
		hdf_set_value(req->hdf, name, db_text(info, 0));
		format_local_when(db_text(info, 1), req->shop.time_zone, req->lang, when,
		    sizeof(when));
		snprintf(name, sizeof(name), "Page.Texts.%s.%s.At", text_purpose_names[purpose],
		    language);
		hdf_set_value(req->hdf, name, when);
	}
	db_done(info);
	return 0;
}

/* Every wording an owner edits, each purpose in each language. 0 or -1. */
static int
texts_to_page(struct request *req)
{
	int purpose;

	for (purpose = 0; purpose < CONSENT_PURPOSE__MAX; purpose++)
		if (text_to_page(req, purpose, "fr") != 0 || text_to_page(req, purpose, "en") != 0)
			return -1;
	return 0;
}

/* Fills everything the door page shows. Returns 0 or -1. */
static int
door_to_page(struct request *req)
{
	struct db_query *notices = &signup_admin_sql[SQL_ADMIN_NOTICES];
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };
	char link_base[300], share[400];
	long long capacity, current;
	int door;

	door = signup_door_now(req, &capacity, &current);
	if (door < 0)
		return -1;
	hdf_set_value(req->hdf, "Page.Form.mode", req->shop.mode);
	if (capacity > 0) {
		hdf_set_int_value(req->hdf, "Page.Form.capacity", (int)capacity);
		hdf_set_int_value(req->hdf, "Page.Current", (int)current);
	}
	hdf_set_value(req->hdf, "Page.DoorNow", signup_door_names[door]);
	hdf_set_int_value(req->hdf, "Page.ReadOnly", !req->session.admin_is_owner);
	/* a shop without an address of its own has nothing to share */
	if (context_link_base(&req->context, link_base, sizeof(link_base)) == 0) {
		snprintf(share, sizeof(share), "%s/account/signup", link_base);
		hdf_set_value(req->hdf, "Page.ShareUrl", share);
		if (qr_to_page(req, share) != 0)
			return -1;
	}
	if (texts_to_page(req) != 0)
		return -1;
	if (run(req, SQL_WAITING_COUNT, params + 1, 1) < 0)
		return -1;
	if (db_fetch(&signup_admin_sql[SQL_WAITING_COUNT]) == 1)
		hdf_set_value(req->hdf, "Page.Waiting",
		    db_text(&signup_admin_sql[SQL_WAITING_COUNT], 0));
	db_done(&signup_admin_sql[SQL_WAITING_COUNT]);
	if (run(req, SQL_ADMIN_NOTICES, params, 2) < 0)
		return -1;
	if (db_fetch(notices) == 1) {
		hdf_set_value(req->hdf, "Page.Notify.signups", db_text(notices, 0));
		hdf_set_value(req->hdf, "Page.Notify.deletions", db_text(notices, 1));
	}
	db_done(notices);
	return 0;
}

static void
door_render(struct request *req, int status)
{
	if (door_to_page(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Script", "1");
	page_render(req, status, "signup/admin.cs");
}

void
signup_admin_page(struct request *req)
{
	door_render(req, 200);
}

void
signup_admin_mode_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Signup.Admin.ModeFix"));
	door_render(req, 400);
}

void
signup_admin_mode(struct request *req)
{
	int mode = request_field_choice(req, &signup_mode_fields[MODE_MODE], SIGNUP_CLOSED);
	long long capacity = request_field_int(req, &signup_mode_fields[MODE_CAPACITY], 0);
	struct db_param params[3] = {
		DB_TEXT(signup_door_names[mode]), capacity > 0 ? DB_INT(capacity) : DB_NULL,
		DB_INT(req->shop.id)
	};
	char detail[64];

	snprintf(detail, sizeof(detail), "mode=%s, capacity=%lld", signup_door_names[mode], capacity);
	if (db_begin(&req->app->db) != 0 || run(req, SQL_SET_MODE, params, 3) < 0 ||
	    event_add(&req->context, 0, req->session.admin_id, "shop.signup_changed", detail) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "signup_saved");
	page_redirect(req, "/admin/signup");
}

void
signup_admin_text_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Signup.Admin.TextFix"));
	door_render(req, 400);
}

void
signup_admin_text(struct request *req)
{
	int purpose = request_field_choice(req, &signup_text_fields[TEXT_PURPOSE], CONSENT_MARKETING);
	const char *language = request_field(req, &signup_text_fields[TEXT_LANGUAGE]);
	const char *body = request_field(req, &signup_text_fields[TEXT_BODY]);
	long long before, after = -1;

	if (strlen(body) > CONSENT_TEXT_MAX) {
		signup_admin_text_invalid(req);
		return;
	}
	if (db_begin(&req->app->db) != 0 ||
	    (before = consent_text_current(&req->context, purpose, language, NULL, 0)) < 0 ||
	    (after = consent_text_save(&req->context, purpose, language, body)) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* the same text again (a double submit) makes no version */
	page_notice(req, after == before ? "signup_text_unchanged" : "signup_text_saved");
	page_redirect(req, "/admin/signup");
}

void
signup_admin_notify(struct request *req)
{
	struct db_param params[4] = {
		DB_INT(request_field_int(req, &signup_notify_fields[NOTIFY_SIGNUPS], 0) == 1),
		DB_INT(request_field_int(req, &signup_notify_fields[NOTIFY_DELETIONS], 0) == 1),
		DB_INT(req->session.admin_id), DB_INT(req->shop.id)
	};

	if (run(req, SQL_SET_NOTICES, params, 4) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "signup_notify_saved");
	page_redirect(req, "/admin/signup");
}

/* --- the queue ------------------------------------------------------------------- */

/* The counts by status under Page.Counts, the capacity and the current
 * customers. Returns 0 or -1. */
static int
counts_to_page(struct request *req, long long *capacity, long long *current)
{
	struct db_query *counts = &signup_admin_sql[SQL_COUNTS];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	char name[64];

	if (signup_door_now(req, capacity, current) < 0 || run(req, SQL_COUNTS, params, 1) < 0)
		return -1;
	hdf_set_value(req->hdf, "Page.Counts.waiting", "0");
	hdf_set_value(req->hdf, "Page.Counts.accepted", "0");
	hdf_set_value(req->hdf, "Page.Counts.refused", "0");
	hdf_set_value(req->hdf, "Page.Counts.unconfirmed", "0");
	while (db_fetch(counts) == 1) {
		snprintf(name, sizeof(name), "Page.Counts.%s", db_text(counts, 0));
		hdf_set_value(req->hdf, name, db_text(counts, 1));
	}
	db_done(counts);
	if (*capacity > 0) {
		hdf_set_int_value(req->hdf, "Page.Capacity", (int)*capacity);
		hdf_set_int_value(req->hdf, "Page.Current", (int)*current);
	}
	return 0;
}

static void
queue_render(struct request *req, int status)
{
	struct db_query *queue = &signup_admin_sql[SQL_QUEUE];
	struct db_param params[1] = { DB_INT(req->shop.id) };
	long long capacity, current;
	HDF *rows;
	int n = 0;

	if (counts_to_page(req, &capacity, &current) != 0 || run(req, SQL_QUEUE, params, 1) < 0 ||
	    hdf_get_node(req->hdf, "Queue", &rows) != NULL) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(queue) == 1) {
		char key[16], when[64], phone[64];
		HDF *row;

		snprintf(key, sizeof(key), "%d", n++);
		if (hdf_get_node(rows, key, &row) != NULL)
			break;
		hdf_set_value(row, "id", db_text(queue, 0));
		hdf_set_value(row, "first_name", db_text(queue, 1));
		hdf_set_value(row, "last_name", db_text(queue, 2));
		hdf_set_value(row, "email", db_text(queue, 3));
		hdf_set_value(row, "phone", format_phone(db_text(queue, 4), phone, sizeof(phone)));
		hdf_set_value(row, "message", db_text(queue, 5));
		format_local_when(db_text(queue, 6), req->shop.time_zone, req->lang, when,
		    sizeof(when));
		hdf_set_value(row, "when", when);
	}
	db_done(queue);
	hdf_set_value(req->hdf, "Page.Script", "1");
	page_render(req, status, "signup/queue.cs");
}

void
signup_admin_queue(struct request *req)
{
	queue_render(req, 200);
}

void
signup_admin_decide_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Signup.Queue.Fix"));
	queue_render(req, 400);
}

/* Accepts or refuses the waiting request request_id. Returns 1 decided,
 * 0 when it is no longer waiting (another admin decided, a double
 * submit), -1 on an error. */
static int
decide_one(struct request *req, long long request_id, int action, const char *reason,
    const char *link_base)
{
	struct db_query *lock = &signup_admin_sql[SQL_WAITING_LOCK];
	struct db_param params[5];
	char email[256], language[3];
	long long customer_id;
	int found;

	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(request_id);
	if (run(req, SQL_WAITING_LOCK, params, 2) < 0)
		return -1;
	found = db_fetch(lock);
	if (found == 1) {
		customer_id = db_int(lock, 0);
		snprintf(email, sizeof(email), "%s", db_text(lock, 1) ? db_text(lock, 1) : "");
		snprintf(language, sizeof(language), "%s", db_text(lock, 2) ? db_text(lock, 2) : "");
	}
	db_done(lock);
	if (found != 1)
		return found < 0 ? -1 : 0;

	params[0] = DB_TEXT(action == DECIDE_ACCEPT ? "accepted" : "refused");
	params[1] = DB_TEXT(action == DECIDE_REFUSE && reason != NULL ? reason : "");
	params[2] = DB_INT(req->session.admin_id);
	params[3] = DB_INT(request_id);
	params[4] = DB_INT(req->shop.id);
	if (run(req, SQL_REQUEST_DECIDE, params, 5) < 0)
		return -1;
	hdf_remove_tree(req->hdf, "Mail");
	if (action == DECIDE_ACCEPT) {
		struct mail mail = { "signup-accepted", email, customer_id, 0 };

		params[0] = DB_INT(customer_id);
		params[1] = DB_INT(req->shop.id);
		hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
		return run(req, SQL_CUSTOMER_ACCEPT, params, 2) < 0 ||
		    event_add(&req->context, customer_id, req->session.admin_id,
		    "customer.signup_accepted", NULL) != 0 ||
		    mail_queue_in(&req->context, &mail, language) != 0 ? -1 : 1;
	}
	{
		/* not the customer's mail: erasing them must not take it away */
		struct mail mail = { "signup-refused", email, 0, 0 };

		if (reason != NULL && *reason != '\0')
			hdf_set_value(req->hdf, "Mail.Reason", reason);
		return mail_queue_about(&req->context, &mail, language, customer_id) != 0 ||
		    event_add(&req->context, customer_id, req->session.admin_id,
		    "customer.signup_refused", NULL) != 0 ||
		    customer_change_one(&req->context, customer_id, CUSTOMER_ERASE, NULL) !=
		    CUSTOMER_OK ? -1 : 1;
	}
}

/* Asks before accepting count applicants past the capacity. */
static void
decide_ask(struct request *req, const long long *ids, size_t count, long long capacity,
    long long current)
{
	char name[32];
	size_t i;

	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "Page.Ids.%zu", i);
		hdf_set_valuef(req->hdf, "%s=%lld", name, ids[i]);
	}
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	hdf_set_int_value(req->hdf, "Page.Capacity", (int)capacity);
	hdf_set_int_value(req->hdf, "Page.Current", (int)current);
	hdf_set_int_value(req->hdf, "Page.After", (int)(current + (long long)count));
	page_render(req, 200, "signup/queue-confirm.cs");
}

void
signup_admin_decide(struct request *req)
{
	long long ids[QUEUE_TICKED];
	size_t count = request_field_ids(req, &signup_decide_fields[DECIDE_ID], ids, QUEUE_TICKED);
	int action = request_field_choice(req, &signup_decide_fields[DECIDE_ACTION], DECIDE_ACCEPT);
	const char *reason = request_field(req, &signup_decide_fields[DECIDE_REASON]);
	int confirmed = request_field_int(req, &signup_decide_fields[DECIDE_CONFIRM], 0) == 1;
	char link_base[300];
	long long capacity, current;
	int decided = 0, one;
	size_t i;

	if (count == 0) {
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Signup.Queue.NoneTicked"));
		queue_render(req, 400);
		return;
	}
	/* the capacity is counted with the shop row locked, in the
	 * transaction that accepts: two admins accepting at once (or a
	 * confirmation, signup-public.c) take turns, and the second one
	 * counts whom the first let in */
	if (context_link_base(&req->context, link_base, sizeof(link_base)) != 0 ||
	    db_begin(&req->app->db) != 0 ||
	    signup_door_locked(req, &capacity, &current) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (action == DECIDE_ACCEPT && capacity > 0 && current + (long long)count > capacity &&
	    !confirmed) {
		db_rollback(&req->app->db);
		decide_ask(req, ids, count, capacity, current);
		return;
	}
	for (i = 0; i < count; i++) {
		one = decide_one(req, ids[i], action, reason, link_base);
		if (one < 0) {
			page_error(req, 500, NULL);
			return;
		}
		decided += one;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, decided == 0 ? "signup_none_decided" :
	    action == DECIDE_ACCEPT ? "signup_accepted" : "signup_refused");
	page_redirect(req, "/admin/signup/queue");
}
