/*
 * customers.fcgi: the shop admin's customer pages under /admin/customers:
 * the list (customers-list.c: search, filters, sort, keyset pages), bulk
 * actions on the customers ticked or matching, a new
 * customer (invited by mail), and one customer's page (contact, orders,
 * timeline, notes, mails) with its actions.
 *
 * Every change to a customer's names, e-mail or phone also changes their
 * rows in customer_search (fcgi/lib/search.h), in the same transaction.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/crypto.h"
#include "lib/customer_query.h"
#include "lib/customer.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/search.h"
#include "lib/text.h"
#include "customers-list.h"
#include "customers-settings.h"
#include "site.h"

enum customers_sql {
	SQL_DETAIL,
	SQL_RECENT_ORDERS,
	SQL_TIMELINE,
	SQL_MAILS,
	SQL_CURRENT,
	SQL_SECTION_COUNTS,
	SQL_MAIL_RETRY,
	SQL_MAIL_DISMISS,
	SQL_FAILED_LIST,
	SQL_FAILED_EVENTS,
	SQL_FAILED_RETRY_ALL,
	SQL_ONCE_ADD,
	SQL_NOTES,
	SQL_NOTE_ADD,
	SQL_NOTE_EDIT,
	SQL_NOTE_DELETE,
	SQL_BULK_ADD_ID,
	SQL_BULK_COUNT,
	SQL_BULK_NAMES,
	SQL_NOTE_ONE,
	CUSTOMERS_SQL__MAX
};

static struct db_query customers_sql[CUSTOMERS_SQL__MAX] = {
	[SQL_DETAIL] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, country, language, status,"
	    "       status_reason, source, tax_exempt, order_count, total_spent_cents,"
	    "       last_order_at, created_at, last_sign_in_at,"
	    "       IF(order_count > 0, ROUND(total_spent_cents / order_count), 0)"
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_RECENT_ORDERS] = { .sql =
	    "SELECT reference, status, total_cents, ordered_at FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY ordered_at DESC, id DESC LIMIT ? OFFSET ?" },
	[SQL_TIMELINE] = { .sql =
	    "SELECT REPLACE(e.kind, '.', '_') AS kind, e.detail, e.created_at, a.email FROM event e"
	    "  LEFT JOIN admin a ON a.id = e.admin_id AND a.shop_id = e.shop_id"
	    " WHERE e.shop_id = ? AND e.customer_id = ?"
	    " ORDER BY e.id DESC LIMIT ? OFFSET ?" },
	[SQL_MAILS] = { .sql =
	    "SELECT id, subject, status, created_at, sent_at, last_error FROM outbox"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY id DESC LIMIT ? OFFSET ?" },
	/* how many rows each part of the customer's page has, for "see all" */
	[SQL_SECTION_COUNTS] = { .sql =
	    "SELECT (SELECT COUNT(*) FROM orders WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM event WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM note WHERE shop_id = ? AND customer_id = ?)" },
	/* a failed (or set aside) mail of this customer goes out again, from
	 * scratch, to the customer's address of now (it may have been
	 * corrected since) */
	[SQL_MAIL_RETRY] = { .sql =
	    "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NOW(),"
	    "       last_error = NULL, recipient = ?"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status IN ('failed', 'dismissed')" },
	/* dealt with without sending: no longer in the list's banner */
	[SQL_MAIL_DISMISS] = { .sql =
	    "UPDATE outbox SET status = 'dismissed'"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status = 'failed'" },
	/* the shop's failed mails, newest first (outbox_shop_status holds
	 * them in id order) */
	[SQL_FAILED_LIST] = { .sql =
	    "SELECT o.id, o.customer_id, o.recipient, o.subject, o.last_error, o.created_at"
	    "  FROM outbox o WHERE o.shop_id = ? AND o.status = 'failed'"
	    " ORDER BY o.id DESC LIMIT 200" },
	/* every failed mail of the shop out again, a customer's to their
	 * address of now; the timeline rows first, while they are failed */
	[SQL_FAILED_EVENTS] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
	    " SELECT shop_id, customer_id, ?, 'mail.retried' FROM outbox"
	    " WHERE shop_id = ? AND status = 'failed' AND customer_id IS NOT NULL" },
	[SQL_FAILED_RETRY_ALL] = { .sql =
	    "UPDATE outbox o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    "   SET o.status = 'queued', o.attempts = 0, o.next_attempt_at = NOW(), o.last_error = NULL,"
	    "       o.recipient = COALESCE(c.email, o.recipient)"
	    " WHERE o.shop_id = ? AND o.status = 'failed'" },
	/* a form's one-time key (sql/007): a duplicate means it was sent already */
	[SQL_ONCE_ADD] = { .sql = "INSERT INTO form_once (shop_id, once_key) VALUES (?, ?)" },
	/* locks the row for the rest of the change */
	[SQL_CURRENT] = { .sql =
	    "SELECT email, status, last_sign_in_at IS NOT NULL, first_name, last_name, phone_digits,"
	    "       language"
	    "  FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	[SQL_NOTES] = { .sql =
	    "SELECT n.id, n.body, n.created_at, n.updated_at, a.email FROM note n"
	    "  LEFT JOIN admin a ON a.id = n.admin_id"
	    " WHERE n.shop_id = ? AND n.customer_id = ? ORDER BY n.id DESC LIMIT ? OFFSET ?" },
	[SQL_NOTE_ADD] = { .sql =
	    "INSERT INTO note (shop_id, customer_id, admin_id, body) VALUES (?, ?, ?, ?)" },
	/* the note must belong to this customer of this shop */
	[SQL_NOTE_EDIT] = { .sql =
	    "UPDATE note SET body = ?, updated_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ?" },
	[SQL_NOTE_DELETE] = { .sql =
	    "DELETE FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },

	/* Bulk actions work on the ids in bulk_selection under this request's
	 * random selection id, filled here from the ticked rows or from the
	 * list's filters; the customer writer (fcgi/lib/customer.c) applies
	 * the change to them. The rows never outlive the action's transaction.
	 * A ticked id counts only if it is a customer of this shop. */
	[SQL_BULK_ADD_ID] = { .sql =
	    "INSERT IGNORE INTO bulk_selection SELECT ?, id FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_BULK_COUNT] = { .sql = "SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?" },
	/* who the confirmation names: the first few in the list's order */
	[SQL_BULK_NAMES] = { .sql =
	    "SELECT c.first_name, c.last_name, c.email FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL"
	    "   AND c.id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)"
	    " ORDER BY c.name_key, c.id LIMIT 10" },
	/* the note whose deletion is asked, of this customer of this shop */
	[SQL_NOTE_ONE] = { .sql =
	    "SELECT body, created_at FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },
};

/* --- shared by the pages below ------------------------------------------------ */

/* The ticked ids again under Page.Ids.N, for the confirmation form. */
static void
bulk_keep_ids(struct request *req)
{
	long long ids[200];
	size_t count = request_field_ids(req, "id", ids, 200), i;
	char name[32];

	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "Page.Ids.%zu", i);
		hdf_set_int_value(req->hdf, name, (int)ids[i]);
	}
}

/* Runs a statement that returns one number. -1 on error. */
static long long
single_number(struct request *req, enum customers_sql which, struct db_param *params, size_t n)
{
	struct db_query *query = &customers_sql[which];
	long long value = -1;

	if (db_exec(&req->app->db, query, params, n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		value = db_int(query, 0);
	db_done(query);
	return value;
}


static void
customers_home(struct request *req)
{
	page_redirect(req, "/admin/customers");
}

/* --- new customer ----------------------------------------------------------- */

static const struct field new_fields[] = {
	{ "email", FIELD_EMAIL, 1, 254, 0, 0 },
	{ "first_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "last_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "phone", FIELD_PHONE, 0, 32, 0, 0 },
	{ "country", FIELD_COUNTRY, 0, 0, 0, 0 },
	{ "language", FIELD_LANG, 0, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The form, empty or with what was typed and what is wrong with it. */
static void
customers_new_form(struct request *req)
{
	const struct field *field;
	char name[64];

	for (field = new_fields; field->name != NULL; field++) {
		const char *value = request_field(req, field->name);

		snprintf(name, sizeof(name), "Page.Form.%s", field->name);
		if (value != NULL)
			hdf_set_value(req->hdf, name, value);
	}
	if (request_field(req, "language") == NULL)
		hdf_set_value(req->hdf, "Page.Form.language", lang_codes[req->shop.lang]);
	/* a French shop's customers live in France, mostly */
	if (strcmp(req->method, "GET") == 0 && req->shop.lang == LANG_FR)
		hdf_set_value(req->hdf, "Page.Form.country", "FR");
	page_render(req, req->status, "customers/new.cs");
}

static void
customers_new_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_new_form(req);
}

/* Creates an invited customer and queues the welcome mail, together. */
static void
customers_create(struct request *req)
{
	const char *email = request_field(req, "email");
	struct customer_fields fields = {
		.email = email, .first_name = request_field(req, "first_name"),
		.last_name = request_field(req, "last_name"), .phone = request_field(req, "phone"),
		.country = request_field(req, "country"), .language = request_field(req, "language"),
		.source = "admin"
	};
	struct mail mail = { "customer-welcome", email, 0, 0 };
	char link_base[300], path[64];
	long long customer_id;
	int result;

	if (context_link_base(&req->context, link_base, sizeof(link_base)) != 0 ||
	    db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_create(&req->context, &fields, &customer_id);
	if (result == CUSTOMER_DUPLICATE) {
		/* the unique key on (shop, normalised e-mail) decides, race-free */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_new_invalid(req);
		return;
	}
	mail.customer_id = customer_id;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
	if (result != CUSTOMER_OK ||
	    mail_queue_in(&req->context, &mail, request_field(req, "language")) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	page_notice(req, "customer_created");
	page_redirect(req, path);
}

/* --- one customer ------------------------------------------------------------ */

/* The list address the admin came from (back=), when it is one: a path
 * under /admin/customers with a plain query string. NULL otherwise. */
static const char *
back_link(struct request *req)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%&=+?/";
	const char *back = request_field(req, "back");

	if (back == NULL || strncmp(back, "/admin/customers", 16) != 0 ||
	    (back[16] != '\0' && back[16] != '?') || strspn(back, safe) != strlen(back))
		return NULL;
	return back;
}

/* The customer's page, keeping back=, into out. */
static void
customer_path(struct request *req, long long customer_id, char *out, size_t size)
{
	const char *back = back_link(req);
	char *escaped = NULL;

	if (back != NULL && cgi_url_escape(back, &escaped) == STATUS_OK &&
	    strlen(escaped) + 64 < size)
		snprintf(out, size, "/admin/customers/%lld?back=%s", customer_id, escaped);
	else
		snprintf(out, size, "/admin/customers/%lld", customer_id);
	free(escaped);
}

/* The way back to the list under Page.Back (the address) and
 * Page.BackParam (the same URL-escaped, for links that carry it on). */
static void
back_to_page(struct request *req)
{
	const char *back = back_link(req);
	char *escaped = NULL;

	if (back == NULL)
		return;
	hdf_set_value(req->hdf, "Page.Back", back);
	if (cgi_url_escape(back, &escaped) == STATUS_OK)
		hdf_set_value(req->hdf, "Page.BackParam", escaped);
	free(escaped);
}

/* scheme + value for a link (mailto:, tel:): in a tel: link only the
 * digits and a leading +; in others the bytes outside keep are
 * percent-encoded. */
static void
contact_uri(const char *scheme, const char *value, const char *keep, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(out, size, "%s", scheme);
	int tel = strcmp(scheme, "tel:") == 0;
	const char *p;

	for (p = value; *p != '\0' && o + 4 < size; p++) {
		unsigned char c = (unsigned char)*p;

		if (tel) {
			if ((c >= '0' && c <= '9') || (c == '+' && o == strlen(scheme)))
				out[o++] = (char)c;
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    strchr(keep, c) != NULL) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* Runs a per-customer list query (limit rows from offset) and copies its
 * rows under prefix, with the columns named in dates formatted as dates
 * and in money as amounts. */
static int
customer_rows(struct request *req, enum customers_sql which, long long customer_id,
    long long limit, long long offset, const char *prefix, const char *const *dates,
    const char *money)
{
	struct db_query *query = &customers_sql[which];
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(customer_id), DB_INT(limit),
		DB_INT(offset) };
	char name[64], text[64];
	HDF *row;
	int count = 0;
	unsigned int col;

	if (db_exec(&req->app->db, query, params, 4) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "%s.%d", prefix, count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		for (col = 0; col < query->columns; col++) {
			const char *value = db_text(query, col);
			const char *const *date;
			int is_date = 0;

			for (date = dates; date && *date; date++)
				is_date |= strcmp(*date, query->names[col]) == 0;
			if (value == NULL)
				continue;
			if (is_date) {
				format_local_when(value, req->shop.time_zone, req->shop.lang, text,
				    sizeof(text));
				value = text;
			} else if (money && strcmp(money, query->names[col]) == 0) {
				format_money(strtoll(value, NULL, 10), req->shop.currency, req->shop.lang,
				    text, sizeof(text));
				value = text;
			}
			hdf_set_value(row, query->names[col], value);
		}
	}
	db_done(query);
	return count;
}

/* The customer's name as the page title says it ("André, Amélie", or the
 * address when there is no name), and their mailto: and tel: links. */
static void
customer_links(struct request *req, const char *email, const char *phone, const char *first,
    const char *last)
{
	char text[1024];

	if (last != NULL && *last != '\0')
		snprintf(text, sizeof(text), "%s%s%s", last, first != NULL && *first ? ", " : "",
		    first != NULL ? first : "");
	else
		snprintf(text, sizeof(text), "%s", first != NULL && *first ? first : email ? email : "");
	hdf_set_value(req->hdf, "Customer.display_name", text);
	if (email != NULL && *email != '\0') {
		contact_uri("mailto:", email, "@.-_+", text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.mailto", text);
	}
	if (phone != NULL && *phone != '\0') {
		contact_uri("tel:", phone, "", text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.tel", text);
	}
}

static const char *const order_dates[] = { "ordered_at", NULL };
static const char *const event_dates[] = { "created_at", NULL };
static const char *const mail_dates[] = { "created_at", "sent_at", NULL };
static const char *const note_dates[] = { "created_at", "updated_at", NULL };

/* The parts of a customer's page that list rows. Each shows its newest
 * few and says how many there are; "?all=<name>" shows one part whole,
 * SECTION_PAGE rows a page ("&page=2"). */
enum section { SECTION_ORDERS, SECTION_EVENTS, SECTION_MAILS, SECTION_NOTES, SECTION__MAX };

#define SECTION_PAGE 200

static const struct {
	const char *name;	/* in ?all= and Page.Counts */
	enum customers_sql sql;
	const char *hdf;	/* where its rows go */
	int shown;		/* rows on the customer's page */
	const char *const *dates;
	const char *money;
} sections[SECTION__MAX] = {
	/* SECTION_ORDERS */ { "orders", SQL_RECENT_ORDERS, "Orders", 10, order_dates, "total_cents" },
	/* SECTION_EVENTS */ { "events", SQL_TIMELINE, "Timeline", 50, event_dates, NULL },
	/* SECTION_MAILS */ { "mails", SQL_MAILS, "Mails", 20, mail_dates, NULL },
	/* SECTION_NOTES */ { "notes", SQL_NOTES, "Notes", 100, note_dates, NULL },
};

static const struct field show_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "all", FIELD_TEXT, 0, 10, 0, 0 },
	{ "page", FIELD_INT, 0, 10, 1, 100000 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* Fills every part of the customer's page, one of them whole when asked
 * (request_field "all", "page"). Returns 0, 1 when "all" names no part
 * (answered with a 400), or -1. */
static int
customer_sections(struct request *req)
{
	struct db_query *counts = &customers_sql[SQL_SECTION_COUNTS];
	struct db_param params[2 * SECTION__MAX];
	const char *all = request_field(req, "all");
	long long count[SECTION__MAX], page = request_field_int(req, "page", 1);
	char name[64];
	int s, whole = -1;

	for (s = 0; all != NULL && *all != '\0' && s < SECTION__MAX; s++)
		if (strcmp(all, sections[s].name) == 0)
			whole = s;
	if (all != NULL && *all != '\0' && whole < 0) {
		page_error(req, 400, "Error.Field.Choice");
		return 1;
	}
	for (s = 0; s < SECTION__MAX; s++) {
		params[2 * s] = DB_INT(req->shop.id);
		params[2 * s + 1] = DB_INT(req->path_id);
	}
	if (db_exec(&req->app->db, counts, params, 2 * SECTION__MAX) < 0)
		return -1;
	if (db_fetch(counts) != 1) {
		db_done(counts);
		return -1;
	}
	for (s = 0; s < SECTION__MAX; s++) {
		count[s] = db_int(counts, (unsigned int)s);
		snprintf(name, sizeof(name), "Page.Counts.%s", sections[s].name);
		hdf_set_int_value(req->hdf, name, (int)count[s]);
	}
	db_done(counts);
	for (s = 0; s < SECTION__MAX; s++) {
		long long limit = s == whole ? SECTION_PAGE : sections[s].shown;
		long long offset = s == whole ? (page - 1) * SECTION_PAGE : 0;

		if (customer_rows(req, sections[s].sql, req->path_id, limit, offset, sections[s].hdf,
		    sections[s].dates, sections[s].money) < 0)
			return -1;
	}
	if (whole >= 0) {
		hdf_set_value(req->hdf, "Page.All", sections[whole].name);
		hdf_set_int_value(req->hdf, "Page.AllPage", (int)page);
		if (page > 1)
			hdf_set_int_value(req->hdf, "Page.AllPrevious", (int)page - 1);
		if (count[whole] > page * SECTION_PAGE)
			hdf_set_int_value(req->hdf, "Page.AllNext", (int)page + 1);
	}
	return 0;
}

/* A random one-time key (hex) for each form of the page that must not
 * do its work twice (form_once). */
static int
once_keys(struct request *req)
{
	static const char *const forms[] = { "Page.Once.message", "Page.Once.note" };
	unsigned char key[32];
	char hex[2 * sizeof(key) + 1];
	size_t f;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (crypto_random(key, sizeof(key)) != 0)
			return -1;
		crypto_hex(key, sizeof(key), hex);
		hdf_set_value(req->hdf, forms[f], hex);
	}
	return 0;
}

static void
customers_show(struct request *req)
{
	static const char *const detail_columns[] = { "id", "email", "first_name", "last_name",
		"phone", "country", "language", "status", "status_reason", "source", "tax_exempt",
		"order_count" };
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char text[64], name[64];
	size_t i;
	int found, sections_status;

	if (db_exec(&req->app->db, detail, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(detail);
	if (found == 1) {
		for (i = 0; i < sizeof(detail_columns) / sizeof(detail_columns[0]); i++) {
			snprintf(name, sizeof(name), "Customer.%s", detail_columns[i]);
			if (db_text(detail, (unsigned int)i) != NULL)
				hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)i));
		}
		format_money(db_int(detail, 12), req->shop.currency, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.spent", text);
		format_money(db_int(detail, 16), req->shop.currency, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.average", text);
		format_local_date(db_text(detail, 13), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_order", text);
		format_local_date(db_text(detail, 14), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.created", text);
		format_local_when(db_text(detail, 15), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_sign_in", text);
		customer_links(req, db_text(detail, 1), db_text(detail, 4), db_text(detail, 2),
		    db_text(detail, 3));
	}
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	sections_status = customer_sections(req);
	if (sections_status == 1)
		return;
	if (sections_status < 0 || once_keys(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	back_to_page(req);
	page_render(req, req->status, "customers/detail.cs");
}

/* --- changing a customer ------------------------------------------------------ */

struct current {
	char email[256];
	char status[16];
	int has_signed_in;
	char first_name[404], last_name[404], phone_digits[40];
	char language[3];	/* "" when not set: mails use the shop's */
};

/* Starts a transaction and locks the customer of the path. Returns 1 when
 * found, 0 when not (answered with a 404), -1 on error (answered). */
static int
lock_customer(struct request *req, struct current *current)
{
	struct db_query *query = &customers_sql[SQL_CURRENT];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	if (db_begin(&req->app->db) != 0 || db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(query);
	if (found == 1) {
		snprintf(current->email, sizeof(current->email), "%s", db_text(query, 0));
		snprintf(current->status, sizeof(current->status), "%s", db_text(query, 1));
		current->has_signed_in = db_int(query, 2) != 0;
		snprintf(current->first_name, sizeof(current->first_name), "%s", db_text(query, 3));
		snprintf(current->last_name, sizeof(current->last_name), "%s", db_text(query, 4));
		snprintf(current->phone_digits, sizeof(current->phone_digits), "%s", db_text(query, 5));
		snprintf(current->language, sizeof(current->language), "%s",
		    db_text(query, 6) ? db_text(query, 6) : "");
	}
	db_done(query);
	if (found != 1)
		page_error(req, found < 0 ? 500 : 404, NULL);
	return found;
}

/* Says on the next page that the change is done: the notice of an event
 * is named after it (customer.note_added: Lang.Notice.customer_note_added). */
static void
notice_of_event(struct request *req, const char *event)
{
	char key[48];
	size_t i;

	snprintf(key, sizeof(key), "%s", event);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '.')
			key[i] = '_';
	page_notice(req, key);
}

/* Commits a change whose event is written, and shows the customer again
 * with the notice of event. */
static void
finish_written(struct request *req, const char *event)
{
	char path[3 * BACK_MAX + 64];

	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	customer_path(req, req->path_id, path, sizeof(path));
	notice_of_event(req, event);
	page_redirect(req, path);
}

/* Records the change, commits, and shows the customer again. */
static void
finish_change(struct request *req, const char *event, const char *detail)
{
	if (event_add(&req->context, req->path_id, req->session.admin_id, event, detail) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_written(req, event);
}

/* For the pages and actions that only carry the way back to the list. */
static const struct field back_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct field edit_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "email", FIELD_EMAIL, 1, 254, 0, 0 },
	{ "first_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "last_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "phone", FIELD_PHONE, 0, 32, 0, 0 },
	{ "country", FIELD_COUNTRY, 0, 0, 0, 0 },
	{ "language", FIELD_LANG, 0, 0, 0, 0 },
	{ "tax_exempt", FIELD_INT, 0, 1, 0, 1 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The edit form: from the database on GET, from what was typed on a
 * refused POST. */
static void
customers_edit_form(struct request *req)
{
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	static const char *const columns[] = { "id", "email", "first_name", "last_name", "phone",
		"country", "language" };
	const struct field *field;
	char name[64];
	size_t i;
	int found;

	if (db_exec(&req->app->db, detail, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(detail);
	for (i = 0; found == 1 && i < sizeof(columns) / sizeof(columns[0]); i++) {
		snprintf(name, sizeof(name), "Page.Form.%s", columns[i]);
		hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)i));
	}
	if (found == 1)
		hdf_set_value(req->hdf, "Page.Form.tax_exempt", db_text(detail, 10));
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (strcmp(req->method, "POST") == 0) {
		for (field = edit_fields; field->name != NULL; field++) {
			snprintf(name, sizeof(name), "Page.Form.%s", field->name);
			hdf_set_value(req->hdf, name, request_field(req, field->name) ?
			    request_field(req, field->name) : "");
		}
	}
	/* a customer without a language of their own gets the shop's mails:
	 * the form shows the shop's language chosen, else the first option
	 * (Français) was saved with any edit, in an English shop too */
	if (*hdf_get_value(req->hdf, "Page.Form.language", "") == '\0')
		hdf_set_value(req->hdf, "Page.Form.language", lang_codes[req->shop.lang]);
	back_to_page(req);
	page_render(req, req->status, "customers/edit.cs");
}

static void
customers_edit_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_edit_form(req);
}

/* Through the customer writer: the search terms follow, and a new address
 * voids the links mailed to the old one. */
static void
customers_update(struct request *req)
{
	struct customer_fields fields = {
		.email = request_field(req, "email"), .first_name = request_field(req, "first_name"),
		.last_name = request_field(req, "last_name"), .phone = request_field(req, "phone"),
		.country = request_field(req, "country"), .language = request_field(req, "language"),
		.tax_exempt = (int)request_field_int(req, "tax_exempt", 0)
	};
	int result;

	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_update(&req->context, req->path_id, &fields);
	if (result == CUSTOMER_DUPLICATE) {
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_edit_invalid(req);
		return;
	}
	if (result != CUSTOMER_OK) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	finish_written(req, "customer.edited");
}

static const struct field block_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "reason", FIELD_TEXT, 1, 500, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* --- erasing a customer -------------------------------------------------------- */

static void
customers_delete_form(struct request *req)
{
	struct current current;

	if (lock_customer(req, &current) != 1)
		return;
	db_rollback(&req->app->db);
	hdf_set_value(req->hdf, "Page.Email", current.email);
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	back_to_page(req);
	page_render(req, 200, "customers/delete.cs");
}

/* --- forms that must not work twice ------------------------------------------------ */

/* A double click or a reload of the answer sends a form again. The forms
 * that would then send a second mail or store a second note carry a random
 * one-time key ("once", once_keys); it is written in the transaction that
 * does the work, and a second POST with it finds it there (the unique key
 * decides, even for two at once: the second waits on the customer's row,
 * then on the key) and only shows the customer again. A form without the
 * key (sent by a script) is done every time. Returns 1 to go on, 0 when the
 * form was done already (answered), -1 on error (answered). */
static int
form_once(struct request *req)
{
	const char *once = request_field(req, "once");
	unsigned char key[32];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(key, sizeof(key)) };
	char path[64];
	long long rows;

	if (once == NULL || *once == '\0')
		return 1;
	if (crypto_unhex(once, key, sizeof(key)) != 0) {
		page_error(req, 400, "Error.Field.Token");
		return -1;
	}
	rows = db_exec(&req->app->db, &customers_sql[SQL_ONCE_ADD], params, 2);
	if (rows == DB_DUPLICATE) {
		db_rollback(&req->app->db);
		snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
		page_redirect(req, path);
		return 0;
	}
	if (rows < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	return 1;
}

/* --- a message to the customer --------------------------------------------------- */

static const struct field message_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "subject", FIELD_TEXT, 1, 200, 0, 0 },
	{ "text", FIELD_MULTILINE, 1, 5000, 0, 0 },
	{ "once", FIELD_TOKEN, 0, 64, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
customers_message(struct request *req)
{
	struct current current;
	struct mail mail = { "customer-message", NULL, 0, 0 };

	if (lock_customer(req, &current) != 1 || form_once(req) != 1)
		return;
	mail.recipient = current.email;
	mail.customer_id = req->path_id;
	hdf_set_value(req->hdf, "Mail.Subject", request_field(req, "subject"));
	hdf_set_value(req->hdf, "Mail.Text", request_field(req, "text"));
	if (mail_queue_in(&req->context, &mail, current.language) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.messaged", request_field(req, "subject"));
}

static void
customers_message_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.MessageInvalid"));
	hdf_set_value(req->hdf, "Page.Form.subject", request_field(req, "subject") ?
	    request_field(req, "subject") : "");
	hdf_set_value(req->hdf, "Page.Form.text", request_field(req, "text") ?
	    request_field(req, "text") : "");
	customers_show(req);
}

static void
customers_block_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.ReasonNeeded"));
	customers_show(req);
}

/* --- internal notes ------------------------------------------------------------- */

static const struct field note_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "body", FIELD_MULTILINE, 1, 5000, 0, 0 },
	{ "once", FIELD_TOKEN, 0, 64, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
customers_note_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.NoteInvalid"));
	customers_show(req);
}

static void
customers_note_add(struct request *req)
{
	struct current current;
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(req->path_id),
		DB_INT(req->session.admin_id), DB_TEXT(request_field(req, "body")) };

	if (lock_customer(req, &current) != 1 || form_once(req) != 1)
		return;
	if (db_exec(&req->app->db, &customers_sql[SQL_NOTE_ADD], params, 4) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.note_added", NULL);
}

/* Edits (body given) or deletes (body NULL) note path_id2 of the customer. */
static void
change_note(struct request *req, const char *body, const char *event)
{
	struct current current;
	struct db_param params[4] = { DB_TEXT(body), DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	rows = body != NULL ? db_exec(&req->app->db, &customers_sql[SQL_NOTE_EDIT], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_NOTE_DELETE], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, event, NULL);
}

static void
customers_note_edit(struct request *req)
{
	change_note(req, request_field(req, "body"), "customer.note_edited");
}

/* Asks first: the note, and the button that deletes it. */
static void
customers_note_delete_form(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_NOTE_ONE];
	struct db_param params[3] = { DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	char text[64];
	int found;

	if (db_exec(&req->app->db, query, params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(query);
	if (found == 1) {
		hdf_set_value(req->hdf, "Page.Note.body", db_text(query, 0));
		format_local_when(db_text(query, 1), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Page.Note.created_at", text);
	}
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	hdf_set_int_value(req->hdf, "Page.NoteId", (int)req->path_id2);
	back_to_page(req);
	page_render(req, 200, "customers/note-delete.cs");
}

static void
customers_note_delete(struct request *req)
{
	change_note(req, NULL, "customer.note_deleted");
}

/* --- a failed mail ---------------------------------------------------------------- */

/* Sends mail path_id2 of the customer again (retry) or sets it aside
 * (dismiss); either way it leaves the list's banner. A mail that is not
 * the customer's, or not failed, is a 404. */
static void
change_mail(struct request *req, int retry)
{
	struct current current;
	struct db_param params[4];
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	params[0] = DB_TEXT(current.email);
	params[1] = DB_INT(req->path_id2);
	params[2] = DB_INT(req->shop.id);
	params[3] = DB_INT(req->path_id);
	rows = retry ? db_exec(&req->app->db, &customers_sql[SQL_MAIL_RETRY], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_MAIL_DISMISS], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, retry ? "mail.retried" : "mail.dismissed", NULL);
}

static void
customers_mail_retry(struct request *req)
{
	change_mail(req, 1);
}

/* The shop's failed mails, where the list's banner leads: whom, what, why,
 * each with its customer's page, and one button to send them all again
 * (after the mail server was down, say). */
static void
customers_failed_mails(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_FAILED_LIST];
	struct db_param shop = DB_INT(req->shop.id);
	char name[32], text[64];
	HDF *row;
	int count = 0;

	if (db_exec(&req->app->db, query, &shop, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Mails.%d", count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "id", db_text(query, 0));
		if (db_text(query, 1) != NULL)
			hdf_set_value(row, "customer_id", db_text(query, 1));
		hdf_set_value(row, "recipient", db_text(query, 2));
		hdf_set_value(row, "subject", db_text(query, 3));
		if (db_text(query, 4) != NULL)
			hdf_set_value(row, "last_error", db_text(query, 4));
		format_local_when(db_text(query, 5), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(row, "created_at", text);
	}
	db_done(query);
	page_render(req, 200, "customers/mails.cs");
}

static void
customers_failed_retry_all(struct request *req)
{
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };

	if (db_begin(&req->app->db) != 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_EVENTS], params, 2) < 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_RETRY_ALL], params + 1, 1) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, "/admin/customers/mails");
}

static void
customers_mail_dismiss(struct request *req)
{
	change_mail(req, 0);
}

/* --- bulk actions ---------------------------------------------------------------- */

#define BULK_MAX_TICKED 200

enum bulk_action { BULK_DEACTIVATE, BULK_REACTIVATE, BULK_BLOCK, BULK_UNBLOCK, BULK_DELETE,
	BULK__MAX };

/* The actions of the list's form, each a change of the customer writer
 * (customer.h), which knows the statuses it applies to: the others chosen
 * are left as they are (reactivating never unblocks anyone, making
 * inactive never unblocks a blocked customer). */
static const struct {
	const char *name;	/* in the form */
	enum customer_change change;
	int owner_only;
} bulk_actions[BULK__MAX] = {
	/* BULK_DEACTIVATE */ { "deactivate", CUSTOMER_DEACTIVATE, 0 },
	/* BULK_REACTIVATE */ { "reactivate", CUSTOMER_REACTIVATE, 0 },
	/* BULK_BLOCK */ { "block", CUSTOMER_BLOCK, 0 },
	/* BULK_UNBLOCK */ { "unblock", CUSTOMER_UNBLOCK, 0 },
	/* BULK_DELETE */ { "delete", CUSTOMER_ERASE, 1 },
};

/* The bulk form's own fields; the list's filters follow (main). */
static const struct field bulk_own_fields[] = {
	/* empty: the list's "choose an action" (the page works without
	 * script, so nothing is chosen for the admin) */
	{ "action", FIELD_TEXT, 0, 12, 0, 0 },
	{ "scope", FIELD_TEXT, 0, 8, 0, 0 },
	{ "id", FIELD_IDS, 0, 0, 0, BULK_MAX_TICKED },
	{ "reason", FIELD_TEXT, 0, 500, 0, 0 },
	{ "confirm", FIELD_INT, 0, 1, 1, 1 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* bulk_own_fields and the list's filters, for "everything that matches"
 * and the way back */
static struct field bulk_fields[sizeof(bulk_own_fields) / sizeof(bulk_own_fields[0]) +
    CUSTOMER_FILTER__MAX];

/* Fills the selection from the ticked rows or the filters. Returns how many
 * customers it holds, or -1 (answered). */
static long long
bulk_select(struct request *req, int everything, const unsigned char *selection)
{
	struct db *db = &req->app->db;
	static struct customer_query query;
	struct db_param params[3];
	long long ids[BULK_MAX_TICKED];
	size_t count, i;
	const char *problem;

	params[0] = DB_BLOB(selection, 16);
	if (everything) {
		problem = customer_query_from_request(&query, req);
		if (problem != NULL) {
			page_error(req, 400, problem);
			return -1;
		}
		if (customer_query_select(&query, db, selection) != 0) {
			page_error(req, 500, NULL);
			return -1;
		}
	} else {
		count = request_field_ids(req, "id", ids, BULK_MAX_TICKED);
		for (i = 0; i < count; i++) {
			params[1] = DB_INT(ids[i]);
			params[2] = DB_INT(req->shop.id);
			if (db_exec(db, &customers_sql[SQL_BULK_ADD_ID], params, 3) < 0) {
				page_error(req, 500, NULL);
				return -1;
			}
		}
	}
	return single_number(req, SQL_BULK_COUNT, params, 1);
}

/* One customer, from their page, through the same writer as a bulk action
 * (404 for another shop's or an erased customer). */
static void
change_one(struct request *req, enum customer_change change, const char *reason, const char *then)
{
	char path[3 * BACK_MAX + 64];
	int result;

	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_change_one(&req->context, req->path_id, change, reason);
	if (result != CUSTOMER_OK || db_commit(&req->app->db) != 0) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	if (then == NULL) {
		customer_path(req, req->path_id, path, sizeof(path));
		then = path;
	} else if (back_link(req) != NULL)
		then = back_link(req);
	notice_of_event(req, customer_change_event(change));
	page_redirect(req, then);
}

/* A blocked customer cannot sign in: their sessions and links end now. */
static void
customers_block(struct request *req)
{
	change_one(req, CUSTOMER_BLOCK, request_field(req, "reason"), NULL);
}

/* Back to active, or to invited for someone who never signed in. */
static void
customers_unblock(struct request *req)
{
	change_one(req, CUSTOMER_UNBLOCK, "", NULL);
}

static void
customers_deactivate(struct request *req)
{
	change_one(req, CUSTOMER_DEACTIVATE, "", NULL);
}

static void
customers_reactivate(struct request *req)
{
	change_one(req, CUSTOMER_REACTIVATE, "", NULL);
}

/* Irreversible: the person's data goes, orders stay for the accounts
 * without pointing to anyone, the audit log keeps "#id erased by". */
static void
customers_erase(struct request *req)
{
	change_one(req, CUSTOMER_ERASE, "", "/admin/customers");
}

/* The first customers of the selection under Page.Names.N, and how many
 * others there are (Page.Others), for the confirmation. 0, or -1
 * (answered). */
static int
bulk_names(struct request *req, const unsigned char *selection, long long count)
{
	struct db_query *query = &customers_sql[SQL_BULK_NAMES];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };
	char name[32];
	HDF *row;
	int shown = 0;

	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Names.%d", shown++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "first_name", db_text(query, 0));
		hdf_set_value(row, "last_name", db_text(query, 1));
		hdf_set_value(row, "email", db_text(query, 2));
	}
	db_done(query);
	if (count > shown)
		hdf_set_int_value(req->hdf, "Page.Others", (int)(count - shown));
	return 0;
}

/* First a page that says what will happen to how many customers; its
 * button sends the same form again with confirm=1, which does it. */
static void
customers_bulk(struct request *req)
{
	const char *action_name = request_field(req, "action");
	const char *scope = request_field(req, "scope");
	const char *reason = request_field(req, "reason");
	int everything = scope != NULL && strcmp(scope, "all") == 0;
	unsigned char selection[16];
	long long chosen, count;
	int action, need_reason;

	if (action_name == NULL || *action_name == '\0') {
		page_error(req, 400, "Customers.Bulk.NoAction");
		return;
	}
	for (action = 0; action < BULK__MAX && strcmp(bulk_actions[action].name, action_name) != 0;
	    action++)
		;
	if (action == BULK__MAX || (scope != NULL && !everything && strcmp(scope, "ticked") != 0)) {
		page_error(req, 400, "Error.Field.Choice");
		return;
	}
	if (bulk_actions[action].owner_only && !req->session.admin_is_owner) {
		page_error(req, 403, "Error.OwnerOnly");
		return;
	}
	/* a block without its reason asks for it on the confirmation page,
	 * which keeps the customers chosen (an error page lost them) */
	need_reason = bulk_actions[action].change == CUSTOMER_BLOCK &&
	    (reason == NULL || *reason == '\0');
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	chosen = bulk_select(req, everything, selection);
	if (chosen < 0)
		return;
	count = chosen > 0 ?
	    customer_selection_keep(&req->context, bulk_actions[action].change, selection) : 0;
	if (count < 0) {
		page_error(req, 500, NULL);
		return;
	}
	customers_list_links(req);
	/* chosen, but none the action applies to ("reactivate" on blocked
	 * customers): said as such */
	if (chosen > 0 && count == 0)
		hdf_set_value(req->hdf, "Page.NoneApplicable", "1");
	else if (chosen > count)
		hdf_set_int_value(req->hdf, "Page.LeftAsTheyAre", (int)(chosen - count));
	hdf_set_value(req->hdf, "Page.Action", bulk_actions[action].name);
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	if (count == 0 || request_field(req, "confirm") == NULL || need_reason) {
		if (bulk_names(req, selection, count) != 0)
			return;
		db_rollback(&req->app->db);
		if (need_reason) {
			hdf_set_value(req->hdf, "Page.NeedReason", "1");
			hdf_set_value(req->hdf, "Page.Message",
			    request_text(req, "Customers.ReasonNeeded"));
		} else if (reason != NULL)
			hdf_set_value(req->hdf, "Page.Reason", reason);
		hdf_set_value(req->hdf, "Page.Scope", everything ? "all" : "ticked");
		bulk_keep_ids(req);
		page_render(req, count == 0 || need_reason ? 400 : 200, "customers/bulk.cs");
		return;
	}
	if (customer_change_selection(&req->context, bulk_actions[action].change, reason,
	    selection) != CUSTOMER_OK ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Done", "1");
	page_render(req, 200, "customers/bulk.cs");
}

static const struct route routes[] = {
	{ "GET", "/admin", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/customers", ACCESS_ADMIN, customers_list_fields, customers_list, NULL },
	{ "GET", "/admin/customers/new", ACCESS_ADMIN, NULL, customers_new_form, NULL },
	{ "GET", "/admin/customers/mails", ACCESS_ADMIN, NULL, customers_failed_mails, NULL },
	{ "POST", "/admin/customers/mails/retry", ACCESS_ADMIN, NULL, customers_failed_retry_all,
	    NULL },
	{ "POST", "/admin/customers/bulk", ACCESS_ADMIN, bulk_fields, customers_bulk, NULL },
	{ "POST", "/admin/customers/new", ACCESS_ADMIN, new_fields, customers_create,
	    customers_new_invalid },
	{ "GET", "/admin/customers/#", ACCESS_ADMIN, show_fields, customers_show, NULL },
	{ "GET", "/admin/customers/#/edit", ACCESS_ADMIN, back_fields, customers_edit_form, NULL },
	{ "POST", "/admin/customers/#/edit", ACCESS_ADMIN, edit_fields, customers_update,
	    customers_edit_invalid },
	{ "POST", "/admin/customers/#/block", ACCESS_ADMIN, block_fields, customers_block,
	    customers_block_invalid },
	{ "POST", "/admin/customers/#/unblock", ACCESS_ADMIN, back_fields, customers_unblock, NULL },
	{ "POST", "/admin/customers/#/deactivate", ACCESS_ADMIN, back_fields, customers_deactivate,
	    NULL },
	{ "POST", "/admin/customers/#/reactivate", ACCESS_ADMIN, back_fields, customers_reactivate,
	    NULL },
	{ "POST", "/admin/customers/#/message", ACCESS_ADMIN, message_fields, customers_message,
	    customers_message_invalid },
	{ "POST", "/admin/customers/#/notes", ACCESS_ADMIN, note_fields, customers_note_add,
	    customers_note_invalid },
	{ "POST", "/admin/customers/#/notes/#/edit", ACCESS_ADMIN, note_fields, customers_note_edit,
	    customers_note_invalid },
	{ "GET", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete_form, NULL },
	{ "POST", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete, NULL },
	{ "POST", "/admin/customers/#/mails/#/retry", ACCESS_ADMIN, NULL, customers_mail_retry, NULL },
	{ "POST", "/admin/customers/#/mails/#/dismiss", ACCESS_ADMIN, NULL, customers_mail_dismiss,
	    NULL },
	{ "GET", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_delete_form, NULL },
	{ "POST", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_erase, NULL },
	{ "GET", "/admin/settings", ACCESS_OWNER, NULL, customers_settings_form, NULL },
	{ "POST", "/admin/settings", ACCESS_OWNER, settings_fields, customers_settings_save,
	    customers_settings_invalid },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "customers",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = customers_sql,
		.sql_count = CUSTOMERS_SQL__MAX,
		.areas = site_areas,
		.nav = site_nav,
	};

	if (customers_list_setup() != 0 ||
	    customer_query_fields(bulk_fields, sizeof(bulk_fields) / sizeof(bulk_fields[0]),
	    bulk_own_fields, CUSTOMER_USE_FILTER) == 0)
		return 1;

	return app_main(&app, argc, argv);
}
