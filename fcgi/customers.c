/*
 * customers.fcgi: the shop admin's customer pages under /admin/customers.
 * This first slice is the list: 50 a page, searched by name or e-mail.
 *
 * Search runs one index range per column (last name, first name, e-mail)
 * joined by UNION, because an OR across columns defeats every index. Names
 * use an accent- and case-insensitive collation, so "elodie" finds
 * "Élodie" through the index; e-mail addresses are stored lowercased.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/app.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/text.h"

#define PAGE_SIZE 50

enum customers_sql {
	SQL_LIST,
	SQL_SEARCH,
	SQL_FAILED_MAILS,
	CUSTOMERS_SQL__MAX
};

#define LIST_COLUMNS \
	"c.id, c.first_name, c.last_name, c.email, c.phone, c.status," \
	" c.created_at, c.order_count, c.total_spent_cents, c.last_order_at"

static struct db_query customers_sql[CUSTOMERS_SQL__MAX] = {
	[SQL_LIST] = { .sql =
	    "SELECT " LIST_COLUMNS
	    "  FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL AND c.status <> 'inactive'"
	    " ORDER BY c.last_name, c.first_name, c.id"
	    " LIMIT 51 OFFSET ?" },
	/* parameters: shop, first word as a prefix pattern (x3, the third
	 * lowercased for e-mail), the rest of the words as a prefix pattern
	 * ('%' when none) (x3), the whole search as a prefix pattern (x2),
	 * offset */
	[SQL_SEARCH] = { .sql =
	    "SELECT " LIST_COLUMNS
	    "  FROM customer c"
	    "  JOIN (SELECT id FROM customer WHERE shop_id = ? AND last_name LIKE ?"
	    "        UNION SELECT id FROM customer WHERE shop_id = ? AND first_name LIKE ?"
	    "        UNION SELECT id FROM customer WHERE shop_id = ? AND email LIKE ?) m"
	    "    ON m.id = c.id"
	    " WHERE c.erased_at IS NULL AND c.status <> 'inactive'"
	    "   AND (c.first_name LIKE ? OR c.last_name LIKE ? OR c.email LIKE ?"
	    "        OR c.last_name LIKE ? OR c.first_name LIKE ?)"
	    " ORDER BY c.last_name, c.first_name, c.id"
	    " LIMIT 51 OFFSET ?" },
	/* mails fidele-worker gave up on, shown to the shop's admins */
	[SQL_FAILED_MAILS] = { .sql =
	    "SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND status = 'failed'" },
};

static const struct field list_fields[] = {
	{ "q", FIELD_TEXT, 0, 100, 0, 0 },
	{ "page", FIELD_INT, 0, 20, 1, 100000 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* Runs the list or the search for the page. Returns 0 or -1. */
static int
run_query(struct request *req, const char *search, long long offset, struct db_query **used)
{
	char first[420], rest[420], whole[420], first_lower[420];
	const char *space;
	size_t first_len;

	if (search == NULL || *search == '\0') {
		struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(offset) };

		*used = &customers_sql[SQL_LIST];
		return db_exec(&req->app->db, *used, params, 2) < 0 ? -1 : 0;
	}

	space = strchr(search, ' ');
	first_len = space ? (size_t)(space - search) : strlen(search);
	snprintf(whole, sizeof(whole), "%.*s", (int)first_len, search);
	if (text_like_prefix(whole, first, sizeof(first)) != 0)
		return -1;
	while (space != NULL && *space == ' ')
		space++;
	if (text_like_prefix(space ? space : "", rest, sizeof(rest)) != 0 ||
	    text_like_prefix(search, whole, sizeof(whole)) != 0)
		return -1;
	snprintf(first_lower, sizeof(first_lower), "%s", first);
	text_lower_ascii(first_lower);
	{
		struct db_param params[12] = {
			DB_INT(req->shop.id), DB_TEXT(first),
			DB_INT(req->shop.id), DB_TEXT(first),
			DB_INT(req->shop.id), DB_TEXT(first_lower),
			DB_TEXT(rest), DB_TEXT(rest), DB_TEXT(rest),
			DB_TEXT(whole), DB_TEXT(whole),
			DB_INT(offset)
		};

		*used = &customers_sql[SQL_SEARCH];
		return db_exec(&req->app->db, *used, params, 12) < 0 ? -1 : 0;
	}
}

/* Copies up to PAGE_SIZE rows into Customers.N.*, with money and dates
 * written the shop's way. Returns the number of rows seen (up to 51). */
static int
rows_to_page(struct request *req, struct db_query *query)
{
	HDF *row;
	char name[32], text[64];
	int rows = 0;

	while (db_fetch(query) == 1) {
		if (++rows > PAGE_SIZE)
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

static void
customers_list(struct request *req)
{
	const char *search = request_field(req, "q");
	long long page = request_field_int(req, "page", 1);
	struct db_query *query;
	int rows;

	if (run_query(req, search, (page - 1) * PAGE_SIZE, &query) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	rows = rows_to_page(req, query);
	{
		struct db_param shop = DB_INT(req->shop.id);
		struct db_query *failed = &customers_sql[SQL_FAILED_MAILS];

		if (db_exec(&req->app->db, failed, &shop, 1) < 0) {
			page_error(req, 500, NULL);
			return;
		}
		if (db_fetch(failed) == 1 && db_int(failed, 0) > 0)
			hdf_set_value(req->hdf, "Page.FailedMails", db_text(failed, 0));
		db_done(failed);
	}
	if (search != NULL)
		hdf_set_value(req->hdf, "Page.Query", search);
	hdf_set_int_value(req->hdf, "Page.Number", (int)page);
	hdf_set_int_value(req->hdf, "Page.Shown", rows > PAGE_SIZE ? PAGE_SIZE : rows);
	hdf_set_int_value(req->hdf, "Page.First", (int)((page - 1) * PAGE_SIZE + 1));
	hdf_set_int_value(req->hdf, "Page.Last", (int)((page - 1) * PAGE_SIZE) +
	    (rows > PAGE_SIZE ? PAGE_SIZE : rows));
	if (page > 1)
		hdf_set_int_value(req->hdf, "Page.Previous", (int)page - 1);
	if (rows > PAGE_SIZE)
		hdf_set_int_value(req->hdf, "Page.Next", (int)page + 1);
	page_render(req, 200, "customers/list.cs");
}

static void
customers_home(struct request *req)
{
	page_redirect(req, "/admin/customers");
}

static const struct route routes[] = {
	{ "GET", "/admin", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/customers", ACCESS_ADMIN, list_fields, customers_list, NULL },
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

	return app_main(&app, argc, argv);
}
