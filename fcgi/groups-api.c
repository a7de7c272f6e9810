/*
 * The storefront API (/api/v1/..., issue 16 points 6 and 7): the shop's
 * own site reads a customer (status, groups with their discount and CSS
 * class, tags, tax exemption) to price and dress its pages, and feeds its
 * orders in. Every request is signed with one of the shop's keys and
 * checked before it gets here (keyauth.c: signature, time, nonce, the
 * key's shop); here each key is also held to a rate, and the JSON bodies
 * are parsed with jansson and checked field by field before the database
 * is touched. Every refusal is one JSON error that names its field.
 *
 * Orders are keyed by the shop's own id (orders.reference). A request
 * carries the time the shop last changed the order (updated_at, else the
 * time it arrives): a request older than what is stored changes nothing
 * (result "stale"), and one that would write what is stored changes
 * nothing either (result "unchanged"), so a retry after a timeout, a feed
 * sent twice or out of order all leave the order as its newest version.
 * Writes of one customer's orders are serialised on the customer's row
 * (the orders' triggers keep its totals), and a transaction runs at READ
 * COMMITTED so that two new references never deadlock on a gap lock.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/consent.h"
#include "lib/customer.h"
#include "lib/log.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/text.h"
#include "groups.h"

enum api_sql {
	SQL_API_CUSTOMER,
	SQL_API_CUSTOMER_LOCK,
	SQL_API_SHOP_LOCK,
	SQL_API_ORDER_PEEK,
	SQL_API_ORDER_LOCK,
	SQL_API_ORDER_INSERT,
	SQL_API_ORDER_UPDATE,
	SQL_API_READ_COMMITTED,
	API_SQL__MAX
};

static struct db_query api_sql[API_SQL__MAX] = {
	/* the shop's customer by address (customer_shop_email): one row,
	 * with their groups ([name, discount, class], by name) and tags as
	 * JSON arrays (NULL: none), so that the read is one round trip: on
	 * the loaded test machine each statement's wait for the server cost
	 * milliseconds, where the two lists' lookups cost microseconds. A
	 * tag by its id: by the shop, the server read every tag of the shop
	 * (up to 250) for each of the customer's */
	[SQL_API_CUSTOMER] = { .sql =
	    "SELECT c.id, c.email, c.status, c.tax_exempt, c.vat_number, c.first_name,"
	    "       c.last_name,"
	    "       (SELECT JSON_ARRAYAGG(JSON_ARRAY(g.name, g.discount_bp,"
	    "                                        COALESCE(g.css_class, ''))"
	    "                             ORDER BY g.name, g.id)"
	    "          FROM customer_group_member m"
	    "          JOIN customer_group g ON g.id = m.group_id AND g.shop_id = m.shop_id"
	    "         WHERE m.shop_id = c.shop_id AND m.customer_id = c.id),"
	    "       (SELECT JSON_ARRAYAGG(t.name ORDER BY t.name, t.id)"
	    "          FROM customer_tag ct"
	    "          JOIN tag t FORCE INDEX (PRIMARY) ON t.id = ct.tag_id AND t.shop_id = ct.shop_id"
	    "         WHERE ct.shop_id = c.shop_id AND ct.customer_id = c.id)"
	    "  FROM customer c WHERE c.shop_id = ? AND c.email = ? AND c.erased_at IS NULL" },
	/* every order write of a customer holds its row: the triggers'
	 * totals of two feeds at once are counted one after the other */
	[SQL_API_CUSTOMER_LOCK] = { .sql =
	    "SELECT id, status FROM customer"
	    " WHERE shop_id = ? AND email = ? AND erased_at IS NULL FOR UPDATE" },
	/* only to create a customer: two orders of one new address at once
	 * make one customer */
	[SQL_API_SHOP_LOCK] = { .sql =
	    "SELECT id FROM shop WHERE id = ? FOR UPDATE" },
	/* whose the order is, read without a lock: the customer's row is
	 * locked first, then the order's (SQL_API_ORDER_LOCK), always in that
	 * order, so that two feeds never wait for each other in a circle */
	[SQL_API_ORDER_PEEK] = { .sql =
	    "SELECT o.id, o.customer_id, o.status, o.total_cents, o.currency,"
	    "       DATE_FORMAT(o.ordered_at, '%Y-%m-%d %H:%i:%s'),"
	    "       DATE_FORMAT(o.updated_at, '%Y-%m-%d %H:%i:%s'),"
	    "       o.shipping_name, o.shipping_address, o.shipping_phone,"
	    "       o.billing_name, o.billing_address, o.billing_phone,"
	    "       COALESCE(c.email, '')"
	    "  FROM orders o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    " WHERE o.shop_id = ? AND o.reference = ?" },
	[SQL_API_ORDER_LOCK] = { .sql =
	    "SELECT o.id, o.customer_id, o.status, o.total_cents, o.currency,"
	    "       DATE_FORMAT(o.ordered_at, '%Y-%m-%d %H:%i:%s'),"
	    "       DATE_FORMAT(o.updated_at, '%Y-%m-%d %H:%i:%s'),"
	    "       o.shipping_name, o.shipping_address, o.shipping_phone,"
	    "       o.billing_name, o.billing_address, o.billing_phone,"
	    "       COALESCE(c.email, '')"
	    "  FROM orders o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    " WHERE o.shop_id = ? AND o.reference = ? FOR UPDATE" },
	[SQL_API_ORDER_INSERT] = { .sql =
	    "INSERT INTO orders (shop_id, customer_id, reference, status, total_cents, currency,"
	    "       ordered_at, updated_at, shipping_name, shipping_address, shipping_phone,"
	    "       billing_name, billing_address, billing_phone, api_key_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
	/* updated_at is set by hand: the shop's time, not ours */
	[SQL_API_ORDER_UPDATE] = { .sql =
	    "UPDATE orders SET status = ?, total_cents = ?, currency = ?, ordered_at = ?,"
	    "       updated_at = ?, shipping_name = ?, shipping_address = ?, shipping_phone = ?,"
	    "       billing_name = ?, billing_address = ?, billing_phone = ?, api_key_id = ?"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_API_READ_COMMITTED] = { .sql =
	    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED" },
};

/* Requests one key may make per Limits.ApiWindow seconds (default 60):
 * Limits.ApiRequests, default 1200 (20 a second, a busy shop's checkout). */
#define API_REQUESTS 1200
#define API_WINDOW 60

/* The currencies an order may be in: ISO 4217 codes with two decimals,
 * those a small European shop meets. Totals are kept in cents. */
static const char *const api_currencies[] = {
	"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK",
	"RON", "BGN", "HUF", "MAD", "TND", "XOF", "XPF", NULL
};

/* The statuses a shop may set; cancel and refund set the other two. */
static const char *const api_statuses[] = {
	"pending", "paid", "shipped", "completed", NULL
};

enum api_action { ACTION_CREATE, ACTION_UPDATE, ACTION_CANCEL, ACTION_REFUND, ACTION__MAX };

static const char *const api_actions[ACTION__MAX + 1] = {
	[ACTION_CREATE] = "create",
	[ACTION_UPDATE] = "update",
	[ACTION_CANCEL] = "cancel",
	[ACTION_REFUND] = "refund",
};

/* The largest total taken: 99,999,999.99 */
#define API_TOTAL_MAX 9999999999LL

/* --- answers ---------------------------------------------------------------- */

/* Answers a JSON value (taken: freed here) with status. */
static void
api_answer(struct request *req, int status, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(value);
	if (text == NULL) {
		page_json_error(req, 500, "internal_error", NULL);
		return;
	}
	page_json(req, status, text);
	free(text);
}

/* A refusal that names the field it is about (NULL: none): {"error":
 * code, "field": field, "message": Lang.Api.Error.<key>}. Nothing was
 * written: the transaction, if any, is rolled back. */
static void
api_refuse(struct request *req, int status, const char *code, const char *field,
    const char *key)
{
	char name[128];
	json_t *value;

	db_rollback(&req->app->db);
	snprintf(name, sizeof(name), "Api.Error.%s", key);
	value = json_pack("{s:s, s:s}", "error", code, "message", request_text(req, name));
	if (value != NULL && field != NULL)
		json_object_set_new(value, "field", json_string(field));
	if (value == NULL) {
		page_json_error(req, 500, "internal_error", NULL);
		return;
	}
	api_answer(req, status, value);
}

/* Holds the signing key to its rate. Returns 0, or 1 when it answered. */
static int
api_rate(struct request *req)
{
	struct ratelimit rule = { "api-key",
		hdf_get_int_value(req->app->config, "Limits.ApiRequests", API_REQUESTS),
		hdf_get_int_value(req->app->config, "Limits.ApiWindow", API_WINDOW)
	};

	if (db_register(&req->app->db, api_sql, API_SQL__MAX) != 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return 1;
	}
	switch (ratelimit_take(&req->context, &rule, req->key.public_id)) {
	case 0:
		break;
	case 1:
		page_header(req, "Retry-After", "60");
		api_refuse(req, 429, "rate_limited", NULL, "RateLimited");
		return 1;
	default:
		page_json_error(req, 500, "internal_error", NULL);
		return 1;
	}
	return 0;
}

/* --- GET /api/v1/customers?email= --------------------------------------- */

const struct field api_customer_fields[API_CUSTOMER__MAX + 1] = {
	[API_CUSTOMER_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
};

/* "12.50" for 1250 hundredths, as a JSON number of two decimals. */
static json_t *
api_percent(long long basis_points)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld.%02lld", basis_points / 100, basis_points % 100);
	return json_real(strtod(text, NULL));
}

/* The customer's groups (objects) and tags (strings) as JSON arrays, from
 * the read's two columns (JSON text, NULL for none); *best gets the
 * largest discount. Returns 0, or -1 with both set to NULL. */
static int
api_customer_lists(const char *group_text, const char *tag_text, json_t **groups,
    json_t **tags, long long *best)
{
	json_t *read_groups = group_text ? json_loads(group_text, 0, NULL) : json_array();
	json_t *group;
	size_t i;

	*groups = json_array();
	*tags = tag_text ? json_loads(tag_text, 0, NULL) : json_array();
	if (read_groups == NULL || !json_is_array(read_groups) || *groups == NULL ||
	    *tags == NULL || !json_is_array(*tags))
		goto fail;
	json_array_foreach(read_groups, i, group) {
		json_t *name = json_array_get(group, 0), *css = json_array_get(group, 2);
		json_int_t discount = json_integer_value(json_array_get(group, 1));

		if (!json_is_string(name) || !json_is_integer(json_array_get(group, 1)) ||
		    !json_is_string(css))
			goto fail;
		if (discount > *best)
			*best = discount;
		if (json_array_append_new(*groups, json_pack("{s:O, s:o, s:O}", "name", name,
		    "discount_percent", api_percent(discount), "css_class", css)) != 0)
			goto fail;
	}
	json_decref(read_groups);
	return 0;
fail:
	json_decref(read_groups);
	json_decref(*groups);
	json_decref(*tags);
	*groups = *tags = NULL;
	return -1;
}

void
api_customer(struct request *req)
{
	struct db_query *query = &api_sql[SQL_API_CUSTOMER];
	struct db_param params[2];
	char email[256];
	json_t *value, *groups, *tags;
	long long best = 0;
	int found, listed;

	if (api_rate(req) != 0)
		return;
	snprintf(email, sizeof(email), "%s",
	    request_field(req, &api_customer_fields[API_CUSTOMER_EMAIL]));
	text_email_normalise(email);
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(email);
	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_json_error(req, 500, "internal_error", NULL);
		return;
	}
	found = db_fetch(query);
	if (found != 1) {
		db_done(query);
		if (found < 0)
			page_json_error(req, 500, "internal_error", NULL);
		else
			api_refuse(req, 404, "unknown_customer", "email", "UnknownCustomer");
		return;
	}
	value = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s, s:s}",
	    "email", db_text(query, 1),
	    "status", db_text(query, 2),
	    "blocked", strcmp(db_text(query, 2), "blocked") == 0,
	    "tax_exempt", db_int(query, 3) != 0,
	    "vat_number", db_text(query, 4),
	    "first_name", db_text(query, 5),
	    "last_name", db_text(query, 6));
	listed = api_customer_lists(db_text(query, 7), db_text(query, 8), &groups, &tags, &best);
	db_done(query);
	if (value == NULL || listed != 0) {
		json_decref(value);
		json_decref(groups);
		json_decref(tags);
		page_json_error(req, 500, "internal_error", NULL);
		return;
	}
	/* the largest of the groups' discounts: what most shops apply */
	json_object_set_new(value, "discount_percent", api_percent(best));
	json_object_set_new(value, "groups", groups);
	json_object_set_new(value, "tags", tags);
	api_answer(req, 200, value);
}

/* --- POST /api/v1/orders ---------------------------------------------------- */

/* An order as the request gives it, checked. */
struct api_order {
	enum api_action action;
	const char *reference;
	char email[256];
	const char *first_name, *last_name, *language;
	const char *status;	/* NULL: keep (update), paid (create) */
	long long total_cents;	/* -1: keep */
	char currency[4];	/* "": keep */
	char ordered_at[20];	/* "YYYY-MM-DD HH:MM:SS" UTC, "": keep */
	char updated_at[20];	/* the shop's change time, else now */
	/* NULL: keep (update), "" (create) */
	const char *ship_name, *ship_address, *ship_phone;
	const char *bill_name, *bill_address, *bill_phone;
	int consent;		/* marketing consent given at checkout */
	const char *consent_wording;
};

/* What went wrong with a field: code, field, Lang key. */
struct api_problem {
	const char *code, *field, *key;
};

#define PROBLEM(c, f, k) ((struct api_problem){ (c), (f), (k) })

/* One line of clean UTF-8 of at most max characters (0: may be empty) in
 * object's member name, or NULL when absent; problem set when wrong. */
static const char *
api_text(json_t *object, const char *name, size_t max, int required, struct api_problem *problem)
{
	json_t *member = json_object_get(object, name);
	const char *text;

	if (member == NULL || json_is_null(member)) {
		if (required)
			*problem = PROBLEM("missing_field", name, "Missing");
		return NULL;
	}
	if (!json_is_string(member)) {
		*problem = PROBLEM("wrong_type", name, "NotText");
		return NULL;
	}
	text = json_string_value(member);
	if (strlen(text) != json_string_length(member) || !text_is_clean_utf8(text, 0)) {
		*problem = PROBLEM("invalid_field", name, "BadText");
		return NULL;
	}
	if (text_length(text) > max) {
		*problem = PROBLEM("invalid_field", name, "TooLong");
		return NULL;
	}
	if (required && *text == '\0') {
		*problem = PROBLEM("missing_field", name, "Missing");
		return NULL;
	}
	return text;
}

/* A total: a string of digits with at most two decimals ("12.50").
 * Returns the cents, or -1 with problem set. */
static long long
api_total(const char *text, struct api_problem *problem)
{
	long long cents = 0;
	const char *p = text;
	int digits = 0, decimals = -1;

	if (*p == '-') {
		*problem = PROBLEM("negative_total", "total", "NegativeTotal");
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p == '.' && decimals < 0 && digits > 0) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p) || decimals >= 2 || digits >= 10)
			break;
		cents = cents * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
		else
			digits++;
	}
	if (*p != '\0' || digits == 0 || decimals == 0) {
		*problem = PROBLEM("invalid_field", "total", "BadTotal");
		return -1;
	}
	while (decimals < 2) {
		cents *= 10;
		decimals = decimals < 0 ? 1 : decimals + 1;
	}
	if (cents > API_TOTAL_MAX) {
		*problem = PROBLEM("invalid_field", "total", "BadTotal");
		return -1;
	}
	return cents;
}

/* A time as ISO 8601 with its offset ("2026-11-30T14:05:00Z",
 * "2026-11-30T15:05:00+01:00") into out as UTC "YYYY-MM-DD HH:MM:SS".
 * Returns 0, or -1 when it is not one. */
static int
api_time(const char *text, char *out, size_t size)
{
	struct tm tm;
	int year, month, day, hour, minute, second, used = 0, off_h = 0, off_m = 0;
	char sign = 0;
	time_t when;

	if (strlen(text) > 40 || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day,
	    &hour, &minute, &second, &used) != 6 || used != 19)
		return -1;
	text += used;
	if (strcmp(text, "Z") != 0) {
		used = 0;
		if (sscanf(text, "%c%2d:%2d%n", &sign, &off_h, &off_m, &used) != 3 ||
		    used != 6 || (sign != '+' && sign != '-') || off_h > 14 || off_m > 59)
			return -1;
	}
	if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour > 23 || minute > 59 || second > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	when = timegm(&tm);
	if (tm.tm_mday != day)	/* 31 April came back as 1 May */
		return -1;
	when -= (sign == '-' ? -1 : 1) * (off_h * 3600 + off_m * 60);
	if (gmtime_r(&when, &tm) == NULL)
		return -1;
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
	return 0;
}

/* One of the names of a NULL-ended list, or -1. */
static int
api_choice(const char *const *names, const char *text)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], text) == 0)
			return i;
	return -1;
}

/* An address block ("shipping", "billing"): name, address, phone, each
 * optional. Returns 0 or -1 with problem set. */
static int
api_party(json_t *body, const char *block, const char **name, const char **address,
    const char **phone, struct api_problem *problem)
{
	static const char *const allowed[] = { "name", "address", "phone", NULL };
	static const struct field phone_field = { "phone", FIELD_PHONE, 0, 32, 0, 0, NULL };
	json_t *object = json_object_get(body, block), *member;
	const char *key;

	if (object == NULL || json_is_null(object))
		return 0;
	if (!json_is_object(object)) {
		*problem = PROBLEM("wrong_type", block, "NotObject");
		return -1;
	}
	json_object_foreach(object, key, member) {
		if (api_choice(allowed, key) < 0) {
			*problem = PROBLEM("unknown_field", block, "UnknownField");
			return -1;
		}
	}
	*name = api_text(object, "name", 200, 0, problem);
	if (problem->code == NULL)
		*address = api_text(object, "address", 500, 0, problem);
	if (problem->code == NULL)
		*phone = api_text(object, "phone", 32, 0, problem);
	if (problem->code != NULL) {
		problem->field = block;
		return -1;
	}
	if (*phone != NULL && **phone != '\0') {
		char copy[64];

		snprintf(copy, sizeof(copy), "%s", *phone);
		if (field_value_check(&phone_field, copy) != NULL) {
			*problem = PROBLEM("invalid_field", block, "BadPhone");
			return -1;
		}
	}
	return 0;
}

/* Reads and checks the request's order. Returns 0, or -1 with problem. */
static int
api_order_read(json_t *body, struct api_order *order, struct api_problem *problem)
{
	static const char *const allowed[] = { "action", "reference", "email", "first_name",
		"last_name", "language", "status", "total", "currency", "ordered_at", "updated_at",
		"shipping", "billing", "consent", NULL };
	static const struct field email_field = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL };
	const char *text, *key;
	json_t *member;
	time_t now = time(NULL);
	struct tm tm;
	int choice;

	memset(order, 0, sizeof(*order));
	order->total_cents = -1;
	json_object_foreach(body, key, member) {
		if (api_choice(allowed, key) < 0) {
			*problem = PROBLEM("unknown_field", key, "UnknownField");
			return -1;
		}
	}
	text = api_text(body, "action", 10, 0, problem);
	if (problem->code != NULL)
		return -1;
	choice = text != NULL ? api_choice(api_actions, text) : ACTION_CREATE;
	if (choice < 0) {
		*problem = PROBLEM("invalid_field", "action", "BadAction");
		return -1;
	}
	order->action = (enum api_action)choice;
	order->reference = api_text(body, "reference", 64, 1, problem);
	if (problem->code != NULL)
		return -1;
	text = api_text(body, "email", 254, order->action == ACTION_CREATE, problem);
	if (problem->code != NULL)
		return -1;
	if (text != NULL) {
		snprintf(order->email, sizeof(order->email), "%s", text);
		if (field_value_check(&email_field, order->email) != NULL) {
			*problem = PROBLEM("invalid_field", "email", "BadEmail");
			return -1;
		}
		text_email_normalise(order->email);
	}
	order->first_name = api_text(body, "first_name", 100, 0, problem);
	if (problem->code == NULL)
		order->last_name = api_text(body, "last_name", 100, 0, problem);
	if (problem->code == NULL)
		order->language = api_text(body, "language", 2, 0, problem);
	if (problem->code != NULL)
		return -1;
	if (order->language != NULL && strcmp(order->language, "fr") != 0 &&
	    strcmp(order->language, "en") != 0) {
		*problem = PROBLEM("invalid_field", "language", "BadLanguage");
		return -1;
	}
	order->status = api_text(body, "status", 20, 0, problem);
	if (problem->code != NULL)
		return -1;
	if (order->status != NULL && api_choice(api_statuses, order->status) < 0) {
		*problem = PROBLEM("invalid_field", "status", "BadStatus");
		return -1;
	}
	text = api_text(body, "total", 20, order->action == ACTION_CREATE, problem);
	if (problem->code != NULL)
		return -1;
	if (text != NULL && (order->total_cents = api_total(text, problem)) < 0)
		return -1;
	text = api_text(body, "currency", 3, 0, problem);
	if (problem->code != NULL)
		return -1;
	if (text != NULL) {
		if (api_choice(api_currencies, text) < 0) {
			*problem = PROBLEM("unknown_currency", "currency", "BadCurrency");
			return -1;
		}
		snprintf(order->currency, sizeof(order->currency), "%s", text);
	}
	text = api_text(body, "ordered_at", 40, order->action == ACTION_CREATE, problem);
	if (problem->code != NULL)
		return -1;
	if (text != NULL && api_time(text, order->ordered_at, sizeof(order->ordered_at)) != 0) {
		*problem = PROBLEM("invalid_field", "ordered_at", "BadTime");
		return -1;
	}
	text = api_text(body, "updated_at", 40, 0, problem);
	if (problem->code != NULL)
		return -1;
	if (text != NULL && api_time(text, order->updated_at, sizeof(order->updated_at)) != 0) {
		*problem = PROBLEM("invalid_field", "updated_at", "BadTime");
		return -1;
	}
	if (text == NULL && gmtime_r(&now, &tm) != NULL)
		strftime(order->updated_at, sizeof(order->updated_at), "%Y-%m-%d %H:%M:%S", &tm);
	if (api_party(body, "shipping", &order->ship_name, &order->ship_address,
	    &order->ship_phone, problem) != 0 ||
	    api_party(body, "billing", &order->bill_name, &order->bill_address,
	    &order->bill_phone, problem) != 0)
		return -1;
	member = json_object_get(body, "consent");
	if (member != NULL && !json_is_null(member)) {
		json_t *marketing;

		if (!json_is_object(member) || json_object_size(member) != 2 ||
		    !json_is_boolean(marketing = json_object_get(member, "marketing"))) {
			*problem = PROBLEM("wrong_type", "consent", "BadConsent");
			return -1;
		}
		order->consent_wording = api_text(member, "wording", CONSENT_STATEMENT_MAX / 4, 1,
		    problem);
		if (problem->code != NULL) {
			*problem = PROBLEM("invalid_field", "consent", "BadConsent");
			return -1;
		}
		order->consent = json_is_true(marketing);
	}
	return 0;
}

/* What an order write did. */
enum api_result {
	RESULT_CREATED, RESULT_UPDATED, RESULT_UNCHANGED, RESULT_STALE,
	RESULT_AGAIN,		/* a unique key taken, or a deadlock, by a feed at once: run again */
	RESULT_ANSWERED		/* refused or failed: answered */
};

static const char *const api_result_names[] = {
	[RESULT_CREATED] = "created", [RESULT_UPDATED] = "updated",
	[RESULT_UNCHANGED] = "unchanged", [RESULT_STALE] = "stale",
};

/* The shop's customer of order's address, locked, created when new (with
 * the consent given at checkout, if any). *created says so. Returns the
 * id, 0 when it answered (refusal or error), -1 to run again. */
static long long
api_order_customer(struct request *req, const struct api_order *order, int *created,
    int *blocked)
{
	struct db *db = &req->app->db;
	struct db_query *query = &api_sql[SQL_API_CUSTOMER_LOCK];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_TEXT(order->email) };
	struct customer_fields fields;
	long long id = 0;
	int found, pass, status;

	*created = 0;
	/* the shop's row is locked only when the address is new, then looked
	 * up again: the first of two feeds at once creates, the second finds */
	for (pass = 0; pass < 2 && id == 0; pass++) {
		if (pass == 1) {
			struct db_query *shop = &api_sql[SQL_API_SHOP_LOCK];

			if (db_exec(db, shop, params, 1) < 0)
				goto fail;
			found = db_fetch(shop);
			db_done(shop);
			if (found != 1)
				goto fail;
		}
		if (db_exec(db, query, params, 2) < 0)
			goto fail;
		found = db_fetch(query);
		if (found == 1) {
			id = db_int(query, 0);
			*blocked = strcmp(db_text(query, 1), "blocked") == 0;
		}
		db_done(query);
		if (found < 0)
			goto fail;
	}
	if (id != 0)
		return id;
	memset(&fields, 0, sizeof(fields));
	fields.email = order->email;
	fields.first_name = order->first_name;
	fields.last_name = order->last_name;
	fields.language = order->language;
	fields.source = "order";
	fields.marketing_consent = 0;
	status = customer_create(&req->context, &fields, &id);
	if (status == CUSTOMER_DUPLICATE)
		return -1;
	if (status == CUSTOMER_LIMIT) {
		page_json_error(req, 403, "customer_limit", "Error.CustomerLimit");
		return 0;
	}
	if (status != CUSTOMER_OK)
		goto fail;
	*created = 1;
	*blocked = 0;
	return id;
fail:
	/* a deadlock with another feed (the server rolled back): again */
	if (db->aborted)
		return -1;
	page_json_error(req, 500, "internal_error", NULL);
	return 0;
}

/* Records the marketing consent given at checkout, with the wording the
 * customer was shown, unless the customer's newest entry already grants
 * it (a retry adds nothing). Returns 0 or -1. */
static int
api_order_consent(struct request *req, long long customer_id, const struct api_order *order)
{
	struct consent_entry entry = { CONSENT_MARKETING, 1, CONSENT_VIA_API, 0,
		order->consent_wording, 0 };
	enum consent_channel channel;
	char at[32];
	int granted = 0, found;

	if (!order->consent)
		return 0;
	found = consent_latest(&req->context, customer_id, CONSENT_MARKETING, &granted, &channel,
	    at, sizeof(at));
	if (found < 0)
		return -1;
	if (found == 1 && granted)
		return 0;
	return consent_record(&req->context, customer_id, &entry) == 0 ? 0 : -1;
}

/* The stored order, as read with SQL_API_ORDER_LOCK. */
struct api_stored {
	long long id, customer_id, total_cents;
	char status[16], currency[4], ordered_at[20], updated_at[20], email[256];
	/* shipping name, address, phone, billing name, address, phone: up to
	 * 500 characters (the address), each of up to 4 bytes */
	char text[6][500 * 4 + 1];
};

/* Reads the stored order of reference, locked when lock is set (its
 * customer's row must be held already). Returns 1, 0 none, -1. */
static int
api_order_stored(struct request *req, const char *reference, struct api_stored *stored,
    int lock)
{
	struct db_query *query = &api_sql[lock ? SQL_API_ORDER_LOCK : SQL_API_ORDER_PEEK];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_TEXT(reference) };
	int found, i;

	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		stored->id = db_int(query, 0);
		stored->customer_id = db_int(query, 1);
		snprintf(stored->status, sizeof(stored->status), "%s", db_text(query, 2));
		stored->total_cents = db_int(query, 3);
		snprintf(stored->currency, sizeof(stored->currency), "%s", db_text(query, 4));
		snprintf(stored->ordered_at, sizeof(stored->ordered_at), "%s", db_text(query, 5));
		snprintf(stored->updated_at, sizeof(stored->updated_at), "%s", db_text(query, 6));
		for (i = 0; i < 6; i++)
			snprintf(stored->text[i], sizeof(stored->text[i]), "%s",
			    db_text(query, 7 + (unsigned)i));
		snprintf(stored->email, sizeof(stored->email), "%s", db_text(query, 13));
	}
	db_done(query);
	return found;
}

/* Writes the order as the request says, over stored (when found). */
static enum api_result
api_order_write(struct request *req, const struct api_order *order, int found,
    const struct api_stored *stored, long long customer_id)
{
	struct db *db = &req->app->db;
	const char *given[6] = { order->ship_name, order->ship_address, order->ship_phone,
		order->bill_name, order->bill_address, order->bill_phone };
	const char *text[6];
	const char *status;
	struct db_param params[15];
	long long total, rows;
	const char *currency, *ordered_at;
	int i, same;

	status = order->action == ACTION_CANCEL ? "cancelled"
	    : order->action == ACTION_REFUND ? "refunded"
	    : order->status != NULL ? order->status : found ? stored->status : "paid";
	total = order->total_cents >= 0 ? order->total_cents : stored->total_cents;
	currency = order->currency[0] != '\0' ? order->currency : found ? stored->currency :
	    req->shop.currency;
	ordered_at = order->ordered_at[0] != '\0' ? order->ordered_at : stored->ordered_at;
	for (i = 0; i < 6; i++)
		text[i] = given[i] != NULL ? given[i] : found ? stored->text[i] : "";
	if (!found) {
		params[0] = DB_INT(req->shop.id);
		params[1] = DB_INT(customer_id);
		params[2] = DB_TEXT(order->reference);
		params[3] = DB_TEXT(status);
		params[4] = DB_INT(total);
		params[5] = DB_TEXT(currency);
		params[6] = DB_TEXT(ordered_at);
		params[7] = DB_TEXT(order->updated_at);
		for (i = 0; i < 6; i++)
			params[8 + i] = DB_TEXT(text[i]);
		params[14] = DB_INT(req->key.id);
		rows = db_exec(db, &api_sql[SQL_API_ORDER_INSERT], params, 15);
		if (rows == DB_DUPLICATE)
			return RESULT_AGAIN;
		return rows == 1 ? RESULT_CREATED : RESULT_ANSWERED;
	}
	if (strcmp(order->updated_at, stored->updated_at) < 0)
		return RESULT_STALE;
	same = strcmp(status, stored->status) == 0 && total == stored->total_cents &&
	    strcmp(currency, stored->currency) == 0 && strcmp(ordered_at, stored->ordered_at) == 0;
	for (i = 0; i < 6; i++)
		same = same && strcmp(text[i], stored->text[i]) == 0;
	if (same)
		return RESULT_UNCHANGED;
	params[0] = DB_TEXT(status);
	params[1] = DB_INT(total);
	params[2] = DB_TEXT(currency);
	params[3] = DB_TEXT(ordered_at);
	params[4] = DB_TEXT(order->updated_at);
	for (i = 0; i < 6; i++)
		params[5 + i] = DB_TEXT(text[i]);
	params[11] = DB_INT(req->key.id);
	params[12] = DB_INT(stored->id);
	params[13] = DB_INT(req->shop.id);
	rows = db_exec(db, &api_sql[SQL_API_ORDER_UPDATE], params, 14);
	return rows >= 0 ? RESULT_UPDATED : RESULT_ANSWERED;
}

/* One try of the order's transaction. Fills *customer_created. */
static enum api_result
api_order_try(struct request *req, const struct api_order *order, int *customer_created,
    struct api_stored *stored)
{
	struct db *db = &req->app->db;
	long long customer_id;
	enum api_result result;
	int found, blocked = 0;

	*customer_created = 0;
	if (db_exec(db, &api_sql[SQL_API_READ_COMMITTED], NULL, 0) < 0 || db_begin(db) != 0)
		goto fail;
	/* the order first, unlocked, to know whose it is: an update may
	 * leave the address out */
	found = api_order_stored(req, order->reference, stored, 0);
	if (found < 0)
		goto fail;
	if (!found && order->action != ACTION_CREATE) {
		api_refuse(req, 404, "unknown_order", "reference", "UnknownOrder");
		return RESULT_ANSWERED;
	}
	if (found && order->email[0] != '\0' && strcmp(order->email, stored->email) != 0) {
		api_refuse(req, 409, "customer_mismatch", "email", "CustomerMismatch");
		return RESULT_ANSWERED;
	}
	if (found && stored->customer_id == 0) {
		/* its customer was erased: the order is kept as it is */
		api_refuse(req, 409, "customer_erased", "reference", "CustomerErased");
		return RESULT_ANSWERED;
	}
	{
		struct api_order who = *order;

		if (found)
			snprintf(who.email, sizeof(who.email), "%s", stored->email);
		customer_id = api_order_customer(req, &who, customer_created, &blocked);
	}
	if (customer_id == 0)
		return RESULT_ANSWERED;
	if (customer_id < 0)
		return RESULT_AGAIN;
	if (blocked && !found) {
		api_refuse(req, 403, "customer_blocked", "email", "Blocked");
		return RESULT_ANSWERED;
	}
	/* read again now that the customer is held: a feed at once may have
	 * written it meanwhile */
	found = api_order_stored(req, order->reference, stored, 1);
	if (found < 0)
		goto fail;
	/* written meanwhile for another customer, or its customer erased: the
	 * try is run again, and its first read answers (customer_mismatch) */
	if (found && stored->customer_id != customer_id)
		return RESULT_AGAIN;
	result = api_order_write(req, order, found, stored, customer_id);
	if (result == RESULT_ANSWERED)
		goto fail;
	if (result == RESULT_AGAIN)
		return result;
	if (api_order_consent(req, customer_id, order) != 0)
		goto fail;
	if (db_commit(db) != 0)
		goto fail;
	return result;
fail:
	/* a deadlock with another feed (two new orders of one new address,
	 * each holding a gap of the customers' index): the server rolled the
	 * transaction back, and it is run again (api_orders) */
	if (db->aborted)
		return RESULT_AGAIN;
	page_json_error(req, 500, "internal_error", NULL);
	return RESULT_ANSWERED;
}

void
api_orders(struct request *req)
{
	size_t len = 0;
	const char *text = request_body(req, &len);
	struct api_problem problem = { NULL, NULL, NULL };
	struct api_order order;
	struct api_stored stored;
	enum api_result result = RESULT_AGAIN;
	json_error_t error;
	json_t *body, *value;
	int tries, customer_created = 0;

	if (api_rate(req) != 0)
		return;
	if (text == NULL || len == 0) {
		api_refuse(req, 400, "malformed_json", NULL, "Json");
		return;
	}
	body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
	if (body == NULL) {
		api_refuse(req, 400, "malformed_json", NULL, "Json");
		return;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		api_refuse(req, 400, "wrong_type", NULL, "NotObject");
		return;
	}
	if (api_order_read(body, &order, &problem) != 0) {
		api_refuse(req, 400, problem.code, problem.field, problem.key);
		json_decref(body);
		return;
	}
	/* a customer's totals add up in the shop's one currency: an order in
	 * another would be summed with the rest as if it were in it */
	if (order.currency[0] != '\0' && strcmp(order.currency, req->shop.currency) != 0) {
		api_refuse(req, 400, "other_currency", "currency", "OtherCurrency");
		json_decref(body);
		return;
	}
	/* a unique key taken by a feed at once (the same new order, the same
	 * new address) is met by trying again: it then finds the row */
	for (tries = 0; tries < 3 && result == RESULT_AGAIN; tries++) {
		memset(&stored, 0, sizeof(stored));
		result = api_order_try(req, &order, &customer_created, &stored);
		if (result == RESULT_AGAIN)
			db_rollback(&req->app->db);
	}
	if (result == RESULT_AGAIN)
		page_json_error(req, 500, "internal_error", NULL);
	if (result == RESULT_AGAIN || result == RESULT_ANSWERED) {
		json_decref(body);
		return;
	}
	value = json_pack("{s:s, s:s, s:b}", "result", api_result_names[result],
	    "reference", order.reference, "customer_created", customer_created);
	json_decref(body);
	if (value == NULL) {
		page_json_error(req, 500, "internal_error", NULL);
		return;
	}
	api_answer(req, result == RESULT_CREATED ? 201 : 200, value);
}
