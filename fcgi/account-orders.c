/*
 * The customer's orders (/account/orders, /account/orders/<id>): the list,
 * newest first, and one order; cancelled and refunded ones are marked.
 * Money in the order's own currency (the shop's site says which, with
 * the order), dates in the shop's time zone, both
 * written the customer's language's way. Only the customer's own orders
 * of this shop are found: another's id is a 404, as an unknown one.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "lib/page.h"
#include "account.h"
#include "signup.h"

/* The list shows this many; the data download has them all. */
#define ORDERS_SHOWN 200

enum account_orders_sql { SQL_ORDERS, SQL_ORDER, ACCOUNT_ORDERS_SQL__MAX };

static struct db_query account_orders_sql[ACCOUNT_ORDERS_SQL__MAX] = {
	[SQL_ORDERS] = { .sql =
	    "SELECT id, reference, status, total_cents,"
	    "       DATE_FORMAT(ordered_at, '%Y-%m-%d %H:%i:%s'), currency"
	    "  FROM orders WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY ordered_at DESC, id DESC LIMIT 201" },
	[SQL_ORDER] = { .sql =
	    "SELECT id, reference, status, total_cents,"
	    "       DATE_FORMAT(ordered_at, '%Y-%m-%d %H:%i:%s'), currency"
	    "  FROM orders WHERE id = ? AND shop_id = ? AND customer_id = ?" },
};

/* The current row of either statement into node. */
static void
order_to_hdf(struct request *req, const struct account_me *me, struct db_query *query,
    HDF *node)
{
	const char *status = db_text(query, 2);
	char text[128], key[64];

	hdf_set_value(node, "id", db_text(query, 0));
	hdf_set_value(node, "reference", db_text(query, 1));
	hdf_set_value(node, "status", status);
	snprintf(key, sizeof(key), "Account.OrderStatus.%s", status != NULL ? status : "");
	hdf_set_value(node, "status_label", request_text(req, key));
	hdf_set_int_value(node, "cancelled",
	    status != NULL && (strcmp(status, "cancelled") == 0 || strcmp(status, "refunded") == 0));
	format_money(db_int(query, 3), db_text(query, 5), me->lang, text, sizeof(text));
	hdf_set_value(node, "total", text);
	format_local_date(db_text(query, 4), req->shop.time_zone, me->lang, text, sizeof(text));
	hdf_set_value(node, "date", text);
	format_local_when(db_text(query, 4), req->shop.time_zone, me->lang, text, sizeof(text));
	hdf_set_value(node, "when", text);
}

void
account_orders(struct request *req)
{
	struct db_query *query = &account_orders_sql[SQL_ORDERS];
	struct account_me me;
	struct db_param params[2];
	char name[32];
	HDF *node;
	int count = 0;

	if (!account_load(req, &me))
		return;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(me.id);
	if (account_sql_ready(&req->app->db, account_orders_sql, ACCOUNT_ORDERS_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (count < ORDERS_SHOWN && db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Orders.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		order_to_hdf(req, &me, query, node);
	}
	hdf_set_int_value(req->hdf, "Page.More", db_row_count(query) > ORDERS_SHOWN);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	db_done(query);
	account_render(req, &me, 200, "account/orders.cs");
}

void
account_order(struct request *req)
{
	struct db_query *query = &account_orders_sql[SQL_ORDER];
	struct account_me me;
	struct db_param params[3];
	HDF *node;
	int found;

	if (!account_load(req, &me))
		return;
	params[0] = DB_INT(req->path_id);
	params[1] = DB_INT(req->shop.id);
	params[2] = DB_INT(me.id);
	if (account_sql_ready(&req->app->db, account_orders_sql, ACCOUNT_ORDERS_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(query);
	if (found == 1 && hdf_get_node(req->hdf, "Page.Order", &node) == STATUS_OK)
		order_to_hdf(req, &me, query, node);
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	account_render(req, &me, 200, "account/order.cs");
}
