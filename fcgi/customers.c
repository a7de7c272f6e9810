/*
 * customers.fcgi: the shop admin's customer pages under /admin/customers:
 * the list (50 a page, searched by name or e-mail), a new customer (invited
 * by mail), and one customer's page (contact, orders, timeline, mails).
 *
 * Search runs one index range per column (last name, first name, e-mail)
 * joined by UNION, because an OR across columns defeats every index. Names
 * use an accent- and case-insensitive collation, so "elodie" finds
 * "Élodie" through the index; e-mail addresses are stored lowercased.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/crypto.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/text.h"

enum customers_sql {
	SQL_COUNT,
	SQL_FAILED_MAILS,
	SQL_INSERT,
	SQL_DETAIL,
	SQL_RECENT_ORDERS,
	SQL_TIMELINE,
	SQL_MAILS,
	SQL_CURRENT,
	SQL_UPDATE,
	SQL_VOID_TOKENS,
	SQL_NOTES,
	SQL_NOTE_ADD,
	SQL_NOTE_EDIT,
	SQL_NOTE_DELETE,
	SQL_BULK_CLEAR,
	SQL_BULK_ADD_ID,
	SQL_BULK_ADD_MATCHING,
	SQL_BULK_COUNT,
	SQL_BULK_EVENT,
	SQL_BULK_STATUS,
	SQL_BULK_END_SESSIONS,
	SQL_BULK_VOID_TOKENS,
	SQL_BULK_DETACH_ORDERS,
	SQL_BULK_DROP_MAILS,
	SQL_BULK_SCRUB_EVENTS,
	SQL_BULK_DROP_NOTES,
	SQL_BULK_ERASE,
	SQL_LIST_FIRST,	/* then one list statement per sort key and direction */
	CUSTOMERS_SQL__MAX = SQL_LIST_FIRST + 2 * 6
};

#define LIST_COLUMNS \
	"c.id, c.first_name, c.last_name, c.email, c.phone, c.status," \
	" c.created_at, c.order_count, c.total_spent_cents, c.last_order_at"

/* The list's filters, shared by the list statements and the count; every
 * filter is always there, set to let everything through when not chosen.
 * Parameters: shop; status x3; source x2; consent x2; signed up from, to;
 * orders min, max; spent min, max; last order from, to, chosen (0/1); search:
 * first word x4 (contains; the fourth for the phone's digits), the other
 * words x2 (the start of a name, '%' when none: "elodie m"). */
#define LIST_FILTERS \
	" FROM customer c" \
	" WHERE c.shop_id = ? AND c.erased_at IS NULL" \
	"   AND (c.status = ? OR (? = 'current' AND c.status <> 'inactive') OR ? = 'all')" \
	"   AND (? = '' OR c.source = ?)" \
	"   AND (? < 0 OR c.marketing_consent = ?)" \
	"   AND c.created_at >= ? AND c.created_at < ? + INTERVAL 1 DAY" \
	"   AND c.order_count BETWEEN ? AND ?" \
	"   AND c.total_spent_cents BETWEEN ? AND ?" \
	"   AND (c.last_order_at >= ? AND c.last_order_at < ? + INTERVAL 1 DAY OR ? = 0)" \
	"   AND (c.last_name LIKE ? OR c.first_name LIKE ? OR c.email LIKE ? OR c.phone_digits LIKE ?)" \
	"   AND (c.last_name LIKE ? OR c.first_name LIKE ?)"

#define LIST_PARAMS 23

static struct db_query customers_sql[CUSTOMERS_SQL__MAX] = {
	/* how many match, counted up to COUNT_CAP + 1 so that a big shop pays
	 * for a thousand rows, not for all of them */
	[SQL_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM (SELECT 1" LIST_FILTERS " LIMIT 1001) matching" },
	/* mails fidele-worker gave up on, shown to the shop's admins */
	[SQL_FAILED_MAILS] = { .sql =
	    "SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND status = 'failed'" },
	[SQL_INSERT] = { .sql =
	    "INSERT INTO customer (shop_id, email, first_name, last_name, phone, phone_digits,"
	    "                      country, language, status, source)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'invited', 'admin')" },
	[SQL_DETAIL] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, country, language, status,"
	    "       status_reason, source, tax_exempt, order_count, total_spent_cents,"
	    "       last_order_at, created_at, last_sign_in_at,"
	    "       IF(order_count > 0, ROUND(total_spent_cents / order_count), 0)"
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_RECENT_ORDERS] = { .sql =
	    "SELECT reference, status, total_cents, ordered_at FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY ordered_at DESC, id DESC LIMIT 10" },
	[SQL_TIMELINE] = { .sql =
	    "SELECT REPLACE(e.kind, '.', '_') AS kind, e.detail, e.created_at, a.email FROM event e"
	    "  LEFT JOIN admin a ON a.id = e.admin_id AND a.shop_id = e.shop_id"
	    " WHERE e.shop_id = ? AND e.customer_id = ?"
	    " ORDER BY e.id DESC LIMIT 50" },
	[SQL_MAILS] = { .sql =
	    "SELECT subject, status, created_at, sent_at FROM outbox"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY id DESC LIMIT 20" },
	/* locks the row for the rest of the change */
	[SQL_CURRENT] = { .sql =
	    "SELECT email, status, last_sign_in_at IS NOT NULL FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	[SQL_UPDATE] = { .sql =
	    "UPDATE customer SET email = ?, first_name = ?, last_name = ?, phone = ?,"
	    "       phone_digits = ?, country = ?, language = ?, tax_exempt = ?"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_VOID_TOKENS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND customer_id = ? AND used_at IS NULL" },
	[SQL_NOTES] = { .sql =
	    "SELECT n.id, n.body, n.created_at, n.updated_at, a.email FROM note n"
	    "  LEFT JOIN admin a ON a.id = n.admin_id"
	    " WHERE n.shop_id = ? AND n.customer_id = ? ORDER BY n.id DESC LIMIT 100" },
	[SQL_NOTE_ADD] = { .sql =
	    "INSERT INTO note (shop_id, customer_id, admin_id, body) VALUES (?, ?, ?, ?)" },
	/* the note must belong to this customer of this shop */
	[SQL_NOTE_EDIT] = { .sql =
	    "UPDATE note SET body = ?, updated_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ?" },
	[SQL_NOTE_DELETE] = { .sql =
	    "DELETE FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },

	/* Bulk actions work on the ids in bulk_selection under this request's
	 * random selection id, filled from the ticked rows or from the list's
	 * filters, so that every statement of one action sees the same
	 * customers. The rows never outlive the action's transaction. */
	[SQL_BULK_CLEAR] = { .sql = "DELETE FROM bulk_selection WHERE selection_id = ?" },
	/* a ticked id counts only if it is a customer of this shop */
	[SQL_BULK_ADD_ID] = { .sql =
	    "INSERT IGNORE INTO bulk_selection SELECT ?, id FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_BULK_ADD_MATCHING] = { .sql =
	    "INSERT INTO bulk_selection SELECT ?, c.id" LIST_FILTERS },
	[SQL_BULK_COUNT] = { .sql = "SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?" },
	[SQL_BULK_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail)"
	    " SELECT ?, customer_id, ?, ?, ? FROM bulk_selection WHERE selection_id = ?" },
	/* an empty status means "back": active, or invited if never signed in */
	[SQL_BULK_STATUS] = { .sql =
	    "UPDATE customer SET status = IF(? = '', IF(last_sign_in_at IS NULL, 'invited', 'active'), ?),"
	    "       status_reason = ?"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_END_SESSIONS] = { .sql =
	    "DELETE FROM session WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_VOID_TOKENS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND used_at IS NULL AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DETACH_ORDERS] = { .sql =
	    "UPDATE orders SET customer_id = NULL"
	    " WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DROP_MAILS] = { .sql =
	    "DELETE FROM outbox WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_SCRUB_EVENTS] = { .sql =
	    "UPDATE event SET detail = '', ip = NULL"
	    " WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DROP_NOTES] = { .sql =
	    "DELETE FROM note WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_ERASE] = { .sql =
	    "UPDATE customer SET email = NULL, first_name = '', last_name = '', phone = '',"
	    "       phone_digits = '', country = NULL, language = NULL, status = 'inactive',"
	    "       status_reason = '', marketing_consent = 0, tax_exempt = 0, erased_at = NOW()"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?) AND erased_at IS NULL" },
};

/* --- the list ------------------------------------------------------------------ */

#define COUNT_CAP 1000

/* Sort keys: the URL's name, then the ORDER BY for each direction. Every
 * order ends with the id, so that ties page correctly. */
enum sort_key { SORT_NAME, SORT_EMAIL, SORT_CREATED, SORT_LAST_ORDER, SORT_ORDERS, SORT_SPENT,
	SORT__MAX };

static const struct {
	const char *name;
	const char *ascending;
	const char *descending;
} sorts[SORT__MAX] = {
	/* SORT_NAME */
	{ "name", "c.last_name, c.first_name, c.id", "c.last_name DESC, c.first_name DESC, c.id DESC" },
	/* SORT_EMAIL */
	{ "email", "c.email, c.id", "c.email DESC, c.id DESC" },
	/* SORT_CREATED */
	{ "created", "c.created_at, c.id", "c.created_at DESC, c.id DESC" },
	/* SORT_LAST_ORDER: customers without orders come last either way */
	{ "last_order", "c.last_order_at IS NULL, c.last_order_at, c.id",
	    "c.last_order_at IS NULL, c.last_order_at DESC, c.id DESC" },
	/* SORT_ORDERS */
	{ "orders", "c.order_count, c.id", "c.order_count DESC, c.id DESC" },
	/* SORT_SPENT */
	{ "spent", "c.total_spent_cents, c.id", "c.total_spent_cents DESC, c.id DESC" },
};

static char list_sql_text[SORT__MAX * 2][1600];

/* Writes the list statements (placeholders only) before they are prepared. */
static void
list_sql_build(void)
{
	int key, descending;

	for (key = 0; key < SORT__MAX; key++)
		for (descending = 0; descending < 2; descending++) {
			char *text = list_sql_text[key * 2 + descending];

			snprintf(text, sizeof(list_sql_text[0]), "SELECT " LIST_COLUMNS LIST_FILTERS
			    " ORDER BY %s LIMIT ? OFFSET ?",
			    descending ? sorts[key].descending : sorts[key].ascending);
			customers_sql[SQL_LIST_FIRST + key * 2 + descending].sql = text;
		}
}

static const char *const status_choices[] = { "current", "all", "active", "invited", "blocked",
	"inactive", NULL };
static const char *const source_choices[] = { "", "self", "admin", "import", "order", NULL };
static const char *const consent_choices[] = { "", "yes", "no", NULL };
static const char *const dir_choices[] = { "asc", "desc", NULL };
static const char *const size_choices[] = { "50", "25", "100", "200", NULL };

static const struct field list_fields[] = {
	{ "q", FIELD_TEXT, 0, 100, 0, 0 },
	{ "page", FIELD_INT, 0, 20, 1, 100000 },
	{ "status", FIELD_TEXT, 0, 10, 0, 0 },
	{ "source", FIELD_TEXT, 0, 10, 0, 0 },
	{ "consent", FIELD_TEXT, 0, 10, 0, 0 },
	{ "from", FIELD_DATE, 0, 0, 0, 0 },
	{ "to", FIELD_DATE, 0, 0, 0, 0 },
	{ "orders_min", FIELD_INT, 0, 10, 0, 1000000 },
	{ "orders_max", FIELD_INT, 0, 10, 0, 1000000 },
	{ "spent_min", FIELD_INT, 0, 10, 0, 100000000 },
	{ "spent_max", FIELD_INT, 0, 10, 0, 100000000 },
	{ "last_from", FIELD_DATE, 0, 0, 0, 0 },
	{ "last_to", FIELD_DATE, 0, 0, 0, 0 },
	{ "sort", FIELD_TEXT, 0, 12, 0, 0 },
	{ "dir", FIELD_TEXT, 0, 4, 0, 0 },
	{ "size", FIELD_TEXT, 0, 3, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The filter fields that every link of the list carries. */
static const char *const filter_names[] = { "q", "status", "source", "consent", "from", "to",
	"orders_min", "orders_max", "spent_min", "spent_max", "last_from", "last_to", NULL };

/* Index of value in choices (the first when value is absent), or -1. */
static int
choice(const char *value, const char *const *choices)
{
	int i;

	if (value == NULL || *value == '\0')
		return 0;
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(value, choices[i]) == 0)
			return i;
	return -1;
}

struct list_view {
	int status, source, consent, sort, descending, size;
	long long page;
	char first[420];	/* search: the first word, anywhere */
	char rest[420];		/* search: the other words, at the start of a name */
	char digits[40];		/* search: the phone digits it holds, as a pattern */
	char query[1600];		/* the filters as a query string, for links */
};

/* Reads the choices that the field table cannot check (closed lists) and
 * makes the search patterns. Returns NULL, or the Lang key of the problem. */
static const char *
list_view_read(struct request *req, struct list_view *view)
{
	const char *search = request_field(req, "q");
	const char *sort = request_field(req, "sort");
	int i;

	memset(view, 0, sizeof(*view));
	view->status = choice(request_field(req, "status"), status_choices);
	view->source = choice(request_field(req, "source"), source_choices);
	view->consent = choice(request_field(req, "consent"), consent_choices);
	view->descending = choice(request_field(req, "dir"), dir_choices);
	view->size = choice(request_field(req, "size"), size_choices);
	view->sort = SORT_NAME;
	if (sort != NULL && *sort != '\0') {
		for (view->sort = 0; view->sort < SORT__MAX && strcmp(sorts[view->sort].name, sort) != 0;
		    view->sort++)
			;
		if (view->sort == SORT__MAX)
			return "Error.Field.Choice";
	}
	if (view->status < 0 || view->source < 0 || view->consent < 0 || view->descending < 0 ||
	    view->size < 0)
		return "Error.Field.Choice";
	view->size = atoi(size_choices[view->size]);
	view->page = request_field_int(req, "page", 1);

	/* the first word anywhere in a name, the e-mail or the phone's
	 * digits; the other words at the start of a name */
	strcpy(view->first, "%");
	strcpy(view->rest, "%");
	strcpy(view->digits, "-");
	if (search != NULL && *search != '\0') {
		/* a phone number is one search, whatever its spaces */
		int is_phone = strspn(search, "0123456789 +-.()") == strlen(search);
		const char *space = is_phone ? NULL : strchr(search, ' ');
		size_t first_len = space ? (size_t)(space - search) : strlen(search);
		char word[420], *o = view->digits;

		snprintf(word, sizeof(word), "%.*s", (int)first_len, search);
		if (text_like_prefix(word, view->first + 1, sizeof(view->first) - 1) != 0)
			return "Error.Field.TooLong";
		while (space != NULL && *space == ' ')
			space++;
		if (space != NULL && *space != '\0' &&
		    text_like_prefix(space, view->rest, sizeof(view->rest)) != 0)
			return "Error.Field.TooLong";
		/* e-mail addresses are stored lowercased */
		text_lower_ascii(view->first);
		/* "06 12 34" finds "+33 6 12 34…": digits only, without the
		 * national 0; fewer than three digits find nothing by phone */
		*o++ = '%';
		for (i = 0; search[i] && o < view->digits + sizeof(view->digits) - 2; i++)
			if (search[i] >= '0' && search[i] <= '9' && !(o == view->digits + 1 && search[i] == '0'))
				*o++ = search[i];
		*o++ = '%';
		*o = '\0';
		if (strlen(view->digits) < 5)
			strcpy(view->digits, "-");
	}
	return NULL;
}

/* Binds the filters (LIST_PARAMS values) into params; the text they point
 * to lives in view or in the request. */
static void
list_view_bind(struct request *req, struct list_view *view, struct db_param *params)
{
	static const int consent_values[] = { -1, 1, 0 };
	const char *from = request_field(req, "from");
	const char *to = request_field(req, "to");
	const char *last_from = request_field(req, "last_from");
	const char *last_to = request_field(req, "last_to");
	const char *status = status_choices[view->status];
	int p = 0;

	params[p++] = DB_INT(req->shop.id);
	params[p++] = DB_TEXT(status);
	params[p++] = DB_TEXT(status);
	params[p++] = DB_TEXT(status);
	params[p++] = DB_TEXT(source_choices[view->source]);
	params[p++] = DB_TEXT(source_choices[view->source]);
	params[p++] = DB_INT(consent_values[view->consent]);
	params[p++] = DB_INT(consent_values[view->consent]);
	params[p++] = DB_TEXT(from ? from : "1000-01-01");
	params[p++] = DB_TEXT(to ? to : "9999-12-30");
	params[p++] = DB_INT(request_field_int(req, "orders_min", 0));
	params[p++] = DB_INT(request_field_int(req, "orders_max", 1LL << 40));
	params[p++] = DB_INT(request_field_int(req, "spent_min", 0) * 100);
	params[p++] = DB_INT(request_field_int(req, "spent_max", 1LL << 40) * 100);
	params[p++] = DB_TEXT(last_from ? last_from : "1000-01-01");
	params[p++] = DB_TEXT(last_to ? last_to : "9999-12-30");
	params[p++] = DB_INT(last_from != NULL || last_to != NULL);
	params[p++] = DB_TEXT(view->first);
	params[p++] = DB_TEXT(view->first);
	params[p++] = DB_TEXT(view->first);
	params[p++] = DB_TEXT(view->digits);
	params[p++] = DB_TEXT(view->rest);
	params[p++] = DB_TEXT(view->rest);
}

/* The filters as a query string (values URL-escaped) for the pager and the
 * sort links, and each value back under Page.Filter.* for the form. */
static void
list_view_links(struct request *req, struct list_view *view)
{
	const char *const *name;
	size_t used = 0;
	char key[64];

	view->query[0] = '\0';
	for (name = filter_names; *name != NULL; name++) {
		const char *value = request_field(req, *name);
		char *escaped = NULL;
		int written;

		if (value == NULL || *value == '\0' || cgi_url_escape(value, &escaped) != STATUS_OK)
			continue;
		written = snprintf(view->query + used, sizeof(view->query) - used, "%s=%s&", *name, escaped);
		free(escaped);
		if (written > 0 && used + (size_t)written < sizeof(view->query))
			used += (size_t)written;
		else
			view->query[used] = '\0';
		snprintf(key, sizeof(key), "Page.Filter.%s", *name);
		hdf_set_value(req->hdf, key, value);
	}
	hdf_set_value(req->hdf, "Page.Filters", view->query);
	hdf_set_value(req->hdf, "Page.Sort", sorts[view->sort].name);
	hdf_set_value(req->hdf, "Page.Dir", dir_choices[view->descending]);
	hdf_set_int_value(req->hdf, "Page.Size", view->size);
	hdf_set_value(req->hdf, "Page.Filter.status", status_choices[view->status]);
}

/* The filters as links and form values, without sort or paging (the bulk
 * pages send them back to the list). */
static void
list_view_links_only(struct request *req)
{
	struct list_view view;

	if (list_view_read(req, &view) == NULL)
		list_view_links(req, &view);
}

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

/* Copies up to size rows into Customers.N.*, with money and dates written
 * the shop's way. Returns the number of rows seen (up to size + 1). */
static int
rows_to_page(struct request *req, struct db_query *query, int size)
{
	HDF *row;
	char name[32], text[64];
	int rows = 0;

	while (db_fetch(query) == 1) {
		if (++rows > size)
			break;
		snprintf(name, sizeof(name), "Customers.%d", rows - 1);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "id", db_text(query, 0));
		hdf_set_value(row, "first_name", db_text(query, 1));
		hdf_set_value(row, "last_name", db_text(query, 2));
		hdf_set_value(row, "email", db_text(query, 3));
		hdf_set_value(row, "phone", db_text(query, 4));
		hdf_set_value(row, "status", db_text(query, 5));
		format_date(db_text(query, 6), req->shop.lang, text, sizeof(text));
		hdf_set_value(row, "created", text);
		hdf_set_value(row, "orders", db_text(query, 7));
		format_money(db_int(query, 8), req->shop.currency, req->shop.lang, text, sizeof(text));
		hdf_set_value(row, "spent", text);
		format_date(db_text(query, 9), req->shop.lang, text, sizeof(text));
		hdf_set_value(row, "last_order", text);
	}
	db_done(query);
	return rows;
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
customers_list(struct request *req)
{
	struct list_view view;
	struct db_param params[LIST_PARAMS + 2];
	struct db_query *query;
	const char *problem = list_view_read(req, &view);
	long long matching, failed;
	int rows, shown;

	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	list_view_bind(req, &view, params);
	params[LIST_PARAMS] = DB_INT(view.size + 1);
	params[LIST_PARAMS + 1] = DB_INT((view.page - 1) * view.size);
	query = &customers_sql[SQL_LIST_FIRST + view.sort * 2 + view.descending];
	if (db_exec(&req->app->db, query, params, LIST_PARAMS + 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	rows = rows_to_page(req, query, view.size);
	/* a search finds rows by reading them: counting all of its matches
	 * would read the whole shop, so a search that fills the page says
	 * "more than" what it showed */
	if (rows > view.size && request_field(req, "q") != NULL)
		matching = COUNT_CAP + 1;
	else if (rows <= view.size)
		matching = (view.page - 1) * view.size + rows;
	else
		matching = single_number(req, SQL_COUNT, params, LIST_PARAMS);
	params[0] = DB_INT(req->shop.id);
	failed = single_number(req, SQL_FAILED_MAILS, params, 1);
	if (matching < 0 || failed < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (failed > 0)
		hdf_set_int_value(req->hdf, "Page.FailedMails", (int)failed);
	if (matching > COUNT_CAP && request_field(req, "q") != NULL && rows > view.size)
		hdf_set_int_value(req->hdf, "Page.MoreThan", (int)(view.page * view.size));
	else if (matching > COUNT_CAP)
		hdf_set_int_value(req->hdf, "Page.MoreThan", COUNT_CAP);
	else
		hdf_set_int_value(req->hdf, "Page.Matching", (int)matching);
	list_view_links(req, &view);
	if (request_field(req, "q") != NULL)
		hdf_set_value(req->hdf, "Page.Query", request_field(req, "q"));
	shown = rows > view.size ? view.size : rows;
	hdf_set_int_value(req->hdf, "Page.Number", (int)view.page);
	hdf_set_int_value(req->hdf, "Page.Shown", shown);
	hdf_set_int_value(req->hdf, "Page.First", (int)((view.page - 1) * view.size + 1));
	hdf_set_int_value(req->hdf, "Page.Last", (int)((view.page - 1) * view.size) + shown);
	if (view.page > 1)
		hdf_set_int_value(req->hdf, "Page.Previous", (int)view.page - 1);
	if (rows > view.size)
		hdf_set_int_value(req->hdf, "Page.Next", (int)view.page + 1);
	page_render(req, 200, "customers/list.cs");
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
	page_render(req, req->status, "customers/new.cs");
}

static void
customers_new_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_new_form(req);
}

/* The phone's digits, for search ("+33 6 12" -> "33612"). */
static void
phone_digits(const char *phone, char *out, size_t size)
{
	size_t o = 0;

	for (; phone != NULL && *phone && o + 1 < size; phone++)
		if (*phone >= '0' && *phone <= '9')
			out[o++] = *phone;
	out[o] = '\0';
}

/* Creates an invited customer and queues the welcome mail, together. */
static void
customers_create(struct request *req)
{
	struct db_query *insert = &customers_sql[SQL_INSERT];
	const char *email = request_field(req, "email");
	const char *phone = request_field(req, "phone");
	char digits[33], link_base[300], path[64];
	long long rows, customer_id;
	struct mail mail = { "customer-welcome", email, 0, 0 };

	phone_digits(phone, digits, sizeof(digits));
	{
		struct db_param params[8] = {
			DB_INT(req->shop.id), DB_TEXT(email),
			DB_TEXT(request_field(req, "first_name") ? request_field(req, "first_name") : ""),
			DB_TEXT(request_field(req, "last_name") ? request_field(req, "last_name") : ""),
			DB_TEXT(phone ? phone : ""), DB_TEXT(digits),
			DB_TEXT(request_field(req, "country")), DB_TEXT(request_field(req, "language"))
		};

		if (shop_link_base(req, link_base, sizeof(link_base)) != 0 || db_begin(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		rows = db_exec(&req->app->db, insert, params, 8);
	}
	if (rows == -2) {
		/* the unique key on (shop, normalised e-mail) decides, race-free */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_new_invalid(req);
		return;
	}
	customer_id = rows == 1 ? (long long)db_insert_id(insert) : 0;
	mail.customer_id = customer_id;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
	if (customer_id == 0 ||
	    request_event(req, customer_id, req->session.admin_id, "customer.created", NULL) != 0 ||
	    mail_queue(req, &mail) != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	page_redirect(req, path);
}

/* --- one customer ------------------------------------------------------------ */

/* Date and time, the shop's way, of an SQL datetime. */
static void
format_when(const char *sql, enum lang lang, char *out, size_t size)
{
	format_date(sql, lang, out, size);
	if (out[0] != '\0' && sql != NULL && strlen(sql) >= 16 && strlen(out) + 7 < size) {
		strcat(out, " ");
		strncat(out, sql + 11, 5);
	}
}

/* Runs a per-customer list query and copies its rows under prefix, with
 * the columns named in dates formatted as dates and in money as amounts. */
static int
customer_rows(struct request *req, enum customers_sql which, long long customer_id,
    const char *prefix, const char *const *dates, const char *money)
{
	struct db_query *query = &customers_sql[which];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(customer_id) };
	char name[64], text[64];
	HDF *row;
	int count = 0;
	unsigned int col;

	if (db_exec(&req->app->db, query, params, 2) < 0)
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
				format_when(value, req->shop.lang, text, sizeof(text));
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

static void
customers_show(struct request *req)
{
	static const char *const detail_columns[] = { "id", "email", "first_name", "last_name",
		"phone", "country", "language", "status", "status_reason", "source", "tax_exempt",
		"order_count" };
	static const char *const order_dates[] = { "ordered_at", NULL };
	static const char *const event_dates[] = { "created_at", NULL };
	static const char *const mail_dates[] = { "created_at", "sent_at", NULL };
	static const char *const note_dates[] = { "created_at", "updated_at", NULL };
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char text[64], name[64];
	size_t i;
	int found;

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
		format_date(db_text(detail, 13), req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_order", text);
		format_date(db_text(detail, 14), req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.created", text);
		format_when(db_text(detail, 15), req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_sign_in", text);
	}
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (customer_rows(req, SQL_RECENT_ORDERS, req->path_id, "Orders", order_dates, "total_cents") < 0 ||
	    customer_rows(req, SQL_TIMELINE, req->path_id, "Timeline", event_dates, NULL) < 0 ||
	    customer_rows(req, SQL_MAILS, req->path_id, "Mails", mail_dates, NULL) < 0 ||
	    customer_rows(req, SQL_NOTES, req->path_id, "Notes", note_dates, NULL) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_render(req, req->status, "customers/detail.cs");
}

/* --- changing a customer ------------------------------------------------------ */

struct current {
	char email[256];
	char status[16];
	int has_signed_in;
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
	}
	db_done(query);
	if (found != 1)
		page_error(req, found < 0 ? 500 : 404, NULL);
	return found;
}

/* Runs a statement taking (shop, customer of the path). 0 or -1. */
static int
for_customer(struct request *req, enum customers_sql which)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(req->path_id) };

	return db_exec(&req->app->db, &customers_sql[which], params, 2) < 0 ? -1 : 0;
}

/* Records the change, commits, and shows the customer again. */
static void
finish_change(struct request *req, const char *event, const char *detail)
{
	char path[64];

	if (request_event(req, req->path_id, req->session.admin_id, event, detail) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
	page_redirect(req, path);
}

static const struct field edit_fields[] = {
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
	page_render(req, req->status, "customers/edit.cs");
}

static void
customers_edit_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_edit_form(req);
}

static void
customers_update(struct request *req)
{
	const char *email = request_field(req, "email");
	const char *phone = request_field(req, "phone");
	const char *first = request_field(req, "first_name");
	const char *last = request_field(req, "last_name");
	struct current current;
	char digits[33];
	long long rows;
	int email_changed;

	if (lock_customer(req, &current) != 1)
		return;
	email_changed = strcmp(current.email, email) != 0;
	phone_digits(phone, digits, sizeof(digits));
	{
		struct db_param params[10] = {
			DB_TEXT(email), DB_TEXT(first ? first : ""), DB_TEXT(last ? last : ""),
			DB_TEXT(phone ? phone : ""), DB_TEXT(digits), DB_TEXT(request_field(req, "country")),
			DB_TEXT(request_field(req, "language")),
			DB_INT(request_field_int(req, "tax_exempt", 0)),
			DB_INT(req->path_id), DB_INT(req->shop.id)
		};

		rows = db_exec(&req->app->db, &customers_sql[SQL_UPDATE], params, 10);
	}
	if (rows == -2) {
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_edit_invalid(req);
		return;
	}
	/* a link mailed to the old address must not sign anyone in any more */
	if (rows < 0 || (email_changed && (for_customer(req, SQL_VOID_TOKENS) != 0 ||
	    request_event(req, req->path_id, req->session.admin_id, "customer.email_changed", NULL) != 0))) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.edited", NULL);
}

static const struct field block_fields[] = {
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
	page_render(req, 200, "customers/delete.cs");
}

/* --- a message to the customer --------------------------------------------------- */

static const struct field message_fields[] = {
	{ "subject", FIELD_TEXT, 1, 200, 0, 0 },
	{ "text", FIELD_MULTILINE, 1, 5000, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
customers_message(struct request *req)
{
	struct current current;
	struct mail mail = { "customer-message", NULL, 0, 0 };

	if (lock_customer(req, &current) != 1)
		return;
	mail.recipient = current.email;
	mail.customer_id = req->path_id;
	hdf_set_value(req->hdf, "Mail.Subject", request_field(req, "subject"));
	hdf_set_value(req->hdf, "Mail.Text", request_field(req, "text"));
	if (mail_queue(req, &mail) != 0) {
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
	{ "body", FIELD_MULTILINE, 1, 5000, 0, 0 },
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

	if (lock_customer(req, &current) != 1)
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

static void
customers_note_delete(struct request *req)
{
	change_note(req, NULL, "customer.note_deleted");
}

/* --- bulk actions ---------------------------------------------------------------- */

#define BULK_MAX_TICKED 200

enum bulk_action { BULK_DEACTIVATE, BULK_REACTIVATE, BULK_BLOCK, BULK_UNBLOCK, BULK_DELETE,
	BULK__MAX };

static const struct {
	const char *name;	/* in the form */
	const char *status;	/* new status, "" = back to active or invited, NULL = erase */
	const char *event;
	int owner_only;
} bulk_actions[BULK__MAX] = {
	/* BULK_DEACTIVATE */ { "deactivate", "inactive", "customer.deactivated", 0 },
	/* BULK_REACTIVATE */ { "reactivate", "", "customer.reactivated", 0 },
	/* BULK_BLOCK */ { "block", "blocked", "customer.blocked", 0 },
	/* BULK_UNBLOCK */ { "unblock", "", "customer.unblocked", 0 },
	/* BULK_DELETE */ { "delete", NULL, "customer.erased", 1 },
};

static const struct field bulk_fields[] = {
	{ "action", FIELD_TEXT, 1, 12, 0, 0 },
	{ "scope", FIELD_TEXT, 0, 8, 0, 0 },
	{ "id", FIELD_IDS, 0, 0, 0, BULK_MAX_TICKED },
	{ "reason", FIELD_TEXT, 0, 500, 0, 0 },
	{ "confirm", FIELD_INT, 0, 1, 1, 1 },
	/* the list's view, for "everything that matches" and the way back */
	{ "q", FIELD_TEXT, 0, 100, 0, 0 },
	{ "status", FIELD_TEXT, 0, 10, 0, 0 },
	{ "source", FIELD_TEXT, 0, 10, 0, 0 },
	{ "consent", FIELD_TEXT, 0, 10, 0, 0 },
	{ "from", FIELD_DATE, 0, 0, 0, 0 },
	{ "to", FIELD_DATE, 0, 0, 0, 0 },
	{ "orders_min", FIELD_INT, 0, 10, 0, 1000000 },
	{ "orders_max", FIELD_INT, 0, 10, 0, 1000000 },
	{ "spent_min", FIELD_INT, 0, 10, 0, 100000000 },
	{ "spent_max", FIELD_INT, 0, 10, 0, 100000000 },
	{ "last_from", FIELD_DATE, 0, 0, 0, 0 },
	{ "last_to", FIELD_DATE, 0, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* Runs a bulk statement on (shop, selection). 0 or -1. */
static int
bulk_for_shop(struct request *req, enum customers_sql which, const unsigned char *selection)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };

	return db_exec(&req->app->db, &customers_sql[which], params, 2) < 0 ? -1 : 0;
}

/* Fills the selection from the ticked rows or the filters. Returns how many
 * customers it holds, or -1 (answered). */
static long long
bulk_select(struct request *req, int everything, const unsigned char *selection)
{
	struct db *db = &req->app->db;
	struct list_view view;
	struct db_param params[LIST_PARAMS + 1];
	long long ids[BULK_MAX_TICKED];
	size_t count, i;
	const char *problem;

	params[0] = DB_BLOB(selection, 16);
	if (everything) {
		problem = list_view_read(req, &view);
		if (problem != NULL) {
			page_error(req, 400, problem);
			return -1;
		}
		list_view_bind(req, &view, params + 1);
		if (db_exec(db, &customers_sql[SQL_BULK_ADD_MATCHING], params, LIST_PARAMS + 1) < 0) {
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

/* Applies the action to every customer of the selection, inside the
 * caller's transaction. The timeline rows go first, while the customers
 * still match what was chosen; the selection is emptied last. 0 or -1. */
static int
bulk_apply(struct request *req, enum bulk_action action, const char *reason,
    const unsigned char *selection)
{
	struct db *db = &req->app->db;
	struct db_param params[5];
	const char *status = bulk_actions[action].status;

	if (action == BULK_DELETE && bulk_for_shop(req, SQL_BULK_SCRUB_EVENTS, selection) != 0)
		return -1;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_TEXT(bulk_actions[action].event);
	params[3] = DB_TEXT(action == BULK_BLOCK ? reason : "");
	params[4] = DB_BLOB(selection, 16);
	if (db_exec(db, &customers_sql[SQL_BULK_EVENT], params, 5) < 0)
		return -1;
	if ((action == BULK_BLOCK || action == BULK_DELETE) &&
	    (bulk_for_shop(req, SQL_BULK_END_SESSIONS, selection) != 0 ||
	    bulk_for_shop(req, SQL_BULK_VOID_TOKENS, selection) != 0))
		return -1;
	if (status == NULL) {
		if (bulk_for_shop(req, SQL_BULK_DETACH_ORDERS, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_DROP_MAILS, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_DROP_NOTES, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_ERASE, selection) != 0)
			return -1;
	} else {
		params[0] = DB_TEXT(status);
		params[1] = DB_TEXT(status);
		params[2] = DB_TEXT(action == BULK_BLOCK ? reason : "");
		params[3] = DB_INT(req->shop.id);
		params[4] = DB_BLOB(selection, 16);
		if (db_exec(db, &customers_sql[SQL_BULK_STATUS], params, 5) < 0)
			return -1;
	}
	params[0] = DB_BLOB(selection, 16);
	return db_exec(db, &customers_sql[SQL_BULK_CLEAR], params, 1) < 0 ? -1 : 0;
}

/* One customer, from their page: the same statements as a bulk action on a
 * selection of one, after the row is locked (404 for another shop's or an
 * erased customer). */
static void
change_one(struct request *req, enum bulk_action action, const char *reason, const char *then)
{
	struct current current;
	unsigned char selection[16];
	struct db_param params[3];
	char path[64];

	if (lock_customer(req, &current) != 1)
		return;
	params[0] = DB_BLOB(selection, sizeof(selection));
	params[1] = DB_INT(req->path_id);
	params[2] = DB_INT(req->shop.id);
	if (crypto_random(selection, sizeof(selection)) != 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_BULK_ADD_ID], params, 3) < 0 ||
	    bulk_apply(req, action, reason, selection) != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (then == NULL) {
		snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
		then = path;
	}
	page_redirect(req, then);
}

/* A blocked customer cannot sign in: their sessions and links end now. */
static void
customers_block(struct request *req)
{
	change_one(req, BULK_BLOCK, request_field(req, "reason"), NULL);
}

/* Back to active, or to invited for someone who never signed in. */
static void
customers_unblock(struct request *req)
{
	change_one(req, BULK_UNBLOCK, "", NULL);
}

static void
customers_deactivate(struct request *req)
{
	change_one(req, BULK_DEACTIVATE, "", NULL);
}

static void
customers_reactivate(struct request *req)
{
	change_one(req, BULK_REACTIVATE, "", NULL);
}

/* Irreversible: the person's data goes, orders stay for the accounts
 * without pointing to anyone, the audit log keeps "#id erased by". */
static void
customers_erase(struct request *req)
{
	change_one(req, BULK_DELETE, "", "/admin/customers");
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
	long long count;
	int action;

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
	if (action == BULK_BLOCK && reason == NULL) {
		page_error(req, 400, "Customers.ReasonNeeded");
		return;
	}
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	count = bulk_select(req, everything, selection);
	if (count < 0)
		return;
	list_view_links_only(req);
	hdf_set_value(req->hdf, "Page.Action", bulk_actions[action].name);
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	if (count == 0 || request_field(req, "confirm") == NULL) {
		db_rollback(&req->app->db);
		if (reason != NULL)
			hdf_set_value(req->hdf, "Page.Reason", reason);
		hdf_set_value(req->hdf, "Page.Scope", everything ? "all" : "ticked");
		bulk_keep_ids(req);
		page_render(req, count == 0 ? 400 : 200, "customers/bulk.cs");
		return;
	}
	if (bulk_apply(req, action, reason ? reason : "", selection) != 0 ||
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
	{ "GET", "/admin/customers", ACCESS_ADMIN, list_fields, customers_list, NULL },
	{ "GET", "/admin/customers/new", ACCESS_ADMIN, NULL, customers_new_form, NULL },
	{ "POST", "/admin/customers/bulk", ACCESS_ADMIN, bulk_fields, customers_bulk, NULL },
	{ "POST", "/admin/customers/new", ACCESS_ADMIN, new_fields, customers_create,
	    customers_new_invalid },
	{ "GET", "/admin/customers/#", ACCESS_ADMIN, NULL, customers_show, NULL },
	{ "GET", "/admin/customers/#/edit", ACCESS_ADMIN, NULL, customers_edit_form, NULL },
	{ "POST", "/admin/customers/#/edit", ACCESS_ADMIN, edit_fields, customers_update,
	    customers_edit_invalid },
	{ "POST", "/admin/customers/#/block", ACCESS_ADMIN, block_fields, customers_block,
	    customers_block_invalid },
	{ "POST", "/admin/customers/#/unblock", ACCESS_ADMIN, NULL, customers_unblock, NULL },
	{ "POST", "/admin/customers/#/deactivate", ACCESS_ADMIN, NULL, customers_deactivate, NULL },
	{ "POST", "/admin/customers/#/reactivate", ACCESS_ADMIN, NULL, customers_reactivate, NULL },
	{ "POST", "/admin/customers/#/message", ACCESS_ADMIN, message_fields, customers_message,
	    customers_message_invalid },
	{ "POST", "/admin/customers/#/notes", ACCESS_ADMIN, note_fields, customers_note_add,
	    customers_note_invalid },
	{ "POST", "/admin/customers/#/notes/#/edit", ACCESS_ADMIN, note_fields, customers_note_edit,
	    customers_note_invalid },
	{ "POST", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, NULL, customers_note_delete, NULL },
	{ "GET", "/admin/customers/#/delete", ACCESS_OWNER, NULL, customers_delete_form, NULL },
	{ "POST", "/admin/customers/#/delete", ACCESS_OWNER, NULL, customers_erase, NULL },
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
	};

	list_sql_build();
	return app_main(&app, argc, argv);
}
