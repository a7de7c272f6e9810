/*
 * One customer's page (customers.fcgi, /admin/customers/#): contact,
 * whether the shop may mail them and why (the consent ledger's newest
 * entries), figures, orders, timeline (with each ledger entry), mails and
 * notes, each part with its count and a whole view (?all=).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/crypto.h"
#include "lib/form_once.h"
#include "lib/format.h"
#include "lib/grouping.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-list.h"

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

/* Most (shop, customer) pairs a part's query takes. */
#define PAIRS_MAX 2

/* Runs a per-customer list query (its pairs of shop and customer, then
 * limit rows from offset) and copies its rows under prefix, with the
 * columns named in dates formatted as dates and in money as amounts (in
 * the row's "currency" when it has one: an order's own, else the shop's). */
static int
customer_rows(struct request *req, enum customers_sql which, int pairs, long long customer_id,
    long long limit, long long offset, const char *prefix, const char *const *dates,
    const char *money)
{
	struct db_query *query = &customers_sql[which];
	struct db_param params[2 * PAIRS_MAX + 2];
	char name[64], text[64];
	HDF *row;
	int count = 0, p;
	unsigned int col;

	for (p = 0; p < pairs; p++) {
		params[2 * p] = DB_INT(req->shop.id);
		params[2 * p + 1] = DB_INT(customer_id);
	}
	params[2 * pairs] = DB_INT(limit);
	params[2 * pairs + 1] = DB_INT(offset);
	if (db_exec(&req->app->db, query, params, (size_t)(2 * pairs + 2)) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		const char *currency = req->shop.currency;

		snprintf(name, sizeof(name), "%s.%d", prefix, count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		for (col = 0; col < query->columns; col++)
			if (strcmp(query->names[col], "currency") == 0 && db_text(query, col) != NULL)
				currency = db_text(query, col);
		for (col = 0; col < query->columns; col++) {
			const char *value = db_text(query, col);
			const char *const *date;
			int is_date = 0;

			for (date = dates; date && *date; date++)
				is_date |= strcmp(*date, query->names[col]) == 0;
			if (value == NULL)
				continue;
			if (is_date) {
				format_local_when(value, req->shop.time_zone, req->lang, text,
				    sizeof(text));
				value = text;
			} else if (money && strcmp(money, query->names[col]) == 0) {
				format_money(strtoll(value, NULL, 10), currency, req->lang, text,
				    sizeof(text));
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

/* in ?all= (a choice of show_fields) and Page.Counts */
static const char *const section_names[SECTION__MAX + 1] = {
	[SECTION_ORDERS] = "orders", [SECTION_EVENTS] = "events", [SECTION_MAILS] = "mails",
	[SECTION_NOTES] = "notes",
};

static const struct {
	enum customers_sql sql;
	int pairs;		/* (shop, customer) pairs its query and its count take */
	const char *hdf;	/* where its rows go */
	int shown;		/* rows on the customer's page */
	const char *const *dates;
	const char *money;
} sections[SECTION__MAX] = {
	/* SECTION_ORDERS */ { SQL_RECENT_ORDERS, 1, "Orders", 10, order_dates, "total_cents" },
	/* SECTION_EVENTS: the events and the consent ledger */
	{ SQL_TIMELINE, 2, "Timeline", 50, event_dates, NULL },
	/* SECTION_MAILS */ { SQL_MAILS, 1, "Mails", 20, mail_dates, NULL },
	/* SECTION_NOTES */ { SQL_NOTES, 1, "Notes", 100, note_dates, NULL },
};

const struct field show_fields[SHOW__MAX + 1] = {
	[SHOW_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
	[SHOW_ALL] = { "all", FIELD_CHOICE, 0, 10, 0, 0, section_names },
	[SHOW_PAGE] = { "page", FIELD_INT, 0, 10, 1, 100000, NULL },
};

/* Fills every part of the customer's page, one of them whole when asked
 * (?all=, &page=; not on the page shown again by a refused note, message
 * or block, whose routes have other fields). Returns 0, or -1. */
static int
customer_sections(struct request *req)
{
	struct db_query *counts = &customers_sql[SQL_SECTION_COUNTS];
	struct db_param params[2 * PAIRS_MAX * SECTION__MAX];
	int shown = req->route->fields == show_fields;
	int whole = shown ? request_field_choice(req, &show_fields[SHOW_ALL], -1) : -1;
	long long count[SECTION__MAX];
	long long page = shown ? request_field_int(req, &show_fields[SHOW_PAGE], 1) : 1;
	char name[64];
	size_t n = 0;
	int s, p;

	for (s = 0; s < SECTION__MAX; s++)
		for (p = 0; p < sections[s].pairs; p++) {
			params[n++] = DB_INT(req->shop.id);
			params[n++] = DB_INT(req->path_id);
		}
	if (db_exec(&req->app->db, counts, params, n) < 0)
		return -1;
	if (db_fetch(counts) != 1) {
		db_done(counts);
		return -1;
	}
	for (s = 0; s < SECTION__MAX; s++) {
		count[s] = db_int(counts, (unsigned int)s);
		snprintf(name, sizeof(name), "Page.Counts.%s", section_names[s]);
		hdf_set_int_value(req->hdf, name, (int)count[s]);
	}
	db_done(counts);
	for (s = 0; s < SECTION__MAX; s++) {
		long long limit = s == whole ? SECTION_PAGE : sections[s].shown;
		long long offset = s == whole ? (page - 1) * SECTION_PAGE : 0;

		if (customer_rows(req, sections[s].sql, sections[s].pairs, req->path_id, limit, offset,
		    sections[s].hdf,
		    sections[s].dates, sections[s].money) < 0)
			return -1;
	}
	if (whole >= 0) {
		hdf_set_value(req->hdf, "Page.All", section_names[whole]);
		hdf_set_int_value(req->hdf, "Page.AllPage", (int)page);
		if (page > 1)
			hdf_set_int_value(req->hdf, "Page.AllPrevious", (int)page - 1);
		if (count[whole] > page * SECTION_PAGE)
			hdf_set_int_value(req->hdf, "Page.AllNext", (int)page + 1);
	}
	return 0;
}

/* Whether the shop may mail the customer and why, for marketing and for
 * the shop's announcements, from the ledger's newest entry of each: under
 * Customer.MayMail.<purpose>, state (yes, no; without an entry: flag, the
 * customer's flag as older data set it, or none; noaddress when there is
 * no address to write to), channel and date. 0, or -1. */
static int
may_mail(struct request *req, int has_address, const int flags[2])
{
	static const enum consent_purpose purposes[2] = { CONSENT_MARKETING, CONSENT_SYSTEM_MAIL };
	enum consent_channel channel;
	char at[32], date[64], name[80];
	int i, granted, found;
	HDF *node;

	for (i = 0; i < 2; i++) {
		const char *state;

		snprintf(name, sizeof(name), "Customer.MayMail.%s", consent_purpose_names[purposes[i]]);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			return -1;
		found = consent_latest(&req->context, req->path_id, purposes[i], &granted, &channel,
		    at, sizeof(at));
		if (found < 0)
			return -1;
		if (found == 1) {
			state = granted ? "yes" : "no";
			hdf_set_value(node, "channel", consent_channel_names[channel]);
			format_local_date(at, req->shop.time_zone, req->lang, date, sizeof(date));
			hdf_set_value(node, "date", date);
		} else
			state = flags[i] ? "flag" : "none";
		if (!has_address)
			state = "noaddress";
		hdf_set_value(node, "state", state);
	}
	return 0;
}

/* A one-time key for each form of the page that must not do its work
 * twice (form_once.h). */
static int
once_keys(struct request *req)
{
	return form_once_new(req, "Page.Once.message") != 0 ||
	    form_once_new(req, "Page.Once.note") != 0 ? -1 : 0;
}

/* The shipping and billing details of the customer's newest order that
 * has them (orders from the shop's site, issue 16): Customer.Shipping.*
 * and Customer.Billing.* (name, address, phone). Its own statements, so
 * that customers.c's table stays as it is. Returns 0 or -1. */
enum last_party_sql { SQL_LAST_SHIPPING, SQL_LAST_BILLING, LAST_PARTY_SQL__MAX };

static struct db_query last_party_sql[LAST_PARTY_SQL__MAX] = {
	[SQL_LAST_SHIPPING] = { .sql =
	    "SELECT shipping_name, shipping_address, shipping_phone FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    "   AND (shipping_name <> '' OR shipping_address <> '' OR shipping_phone <> '')"
	    " ORDER BY ordered_at DESC, id DESC LIMIT 1" },
	[SQL_LAST_BILLING] = { .sql =
	    "SELECT billing_name, billing_address, billing_phone FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    "   AND (billing_name <> '' OR billing_address <> '' OR billing_phone <> '')"
	    " ORDER BY ordered_at DESC, id DESC LIMIT 1" },
};

static int
last_parties(struct request *req)
{
	static const char *const prefixes[LAST_PARTY_SQL__MAX] = { "Customer.Shipping",
		"Customer.Billing" };
	static const char *const columns[] = { "name", "address", "phone" };
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(req->path_id) };
	char name[64], phone[64];
	size_t i, c;

	if (db_register(&req->app->db, last_party_sql, LAST_PARTY_SQL__MAX) != 0)
		return -1;
	for (i = 0; i < LAST_PARTY_SQL__MAX; i++) {
		struct db_query *query = &last_party_sql[i];
		int found;

		if (db_exec(&req->app->db, query, params, 2) < 0)
			return -1;
		found = db_fetch(query);
		for (c = 0; found == 1 && c < 3; c++) {
			snprintf(name, sizeof(name), "%s.%s", prefixes[i], columns[c]);
			hdf_set_value(req->hdf, name, c == 2 ?
			    format_phone(db_text(query, 2), phone, sizeof(phone)) :
			    db_text(query, (unsigned int)c));
		}
		db_done(query);
		if (found < 0)
			return -1;
	}
	return 0;
}

void
customers_show(struct request *req)
{
	static const char *const detail_columns[] = { "id", "email", "first_name", "last_name",
		"phone", "country", "language", "status", "status_reason", "source", "tax_exempt",
		"order_count" };
	static const char *const address_columns[] = { "company", "address", "postal_code", "city",
		"vat_number" };
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char text[64], name[64];
	size_t i;
	int found, has_address = 0, flags[2] = { 0, 0 };

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
		if (db_text(detail, 4) != NULL)	/* the phone, shown tidied (the link dials it) */
			hdf_set_value(req->hdf, "Customer.phone",
			    format_phone(db_text(detail, 4), text, sizeof(text)));
		format_money(db_int(detail, 12), req->shop.currency, req->lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.spent", text);
		format_money(db_int(detail, 16), req->shop.currency, req->lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.average", text);
		format_local_date(db_text(detail, 13), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_order", text);
		format_local_date(db_text(detail, 14), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.created", text);
		format_local_when(db_text(detail, 15), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_sign_in", text);
		for (i = 0; i < sizeof(address_columns) / sizeof(address_columns[0]); i++) {
			snprintf(name, sizeof(name), "Customer.%s", address_columns[i]);
			hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)(DETAIL_COMPANY + i)));
		}
		customer_links(req, db_text(detail, 1), db_text(detail, 4), db_text(detail, 2),
		    db_text(detail, 3));
		has_address = db_text(detail, 1) != NULL;
		flags[0] = db_int(detail, DETAIL_MARKETING) != 0;
		flags[1] = db_int(detail, DETAIL_MARKETING + 1) != 0;
	}
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (may_mail(req, has_address, flags) != 0 || customer_sections(req) != 0 ||
	    last_parties(req) != 0 || once_keys(req) != 0 ||
	    grouping_to_hdf(&req->context, req->path_id, req->hdf) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	back_to_page(req);
	page_render(req, req->status, "customers/detail.cs");
}
