/*
 * Groups (/admin/groups): a discount and a CSS class that the shop's own
 * site gives their members (read through the storefront API), and many
 * groups per customer.
 */
#include <config.h>

#include <stdio.h>

#include "lib/format.h"
#include "lib/page.h"
#include "groups.h"

enum groups_sql { SQL_GROUPS, GROUPS_SQL__MAX };

static struct db_query groups_sql[GROUPS_SQL__MAX] = {
	[SQL_GROUPS] = { .sql =
	    "SELECT g.id, g.name, g.description, g.discount_bp, g.css_class,"
	    "       (SELECT COUNT(*) FROM customer_group_member m"
	    "         WHERE m.group_id = g.id AND m.shop_id = g.shop_id)"
	    "  FROM customer_group g WHERE g.shop_id = ? ORDER BY g.name, g.id" },
};

void
groups_page(struct request *req)
{
	struct db_query *query = &groups_sql[SQL_GROUPS];
	struct db_param param = DB_INT(req->shop.id);
	char name[32];
	HDF *node;
	int count = 0;

	if (db_register(&req->app->db, groups_sql, GROUPS_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, &param, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Groups.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		hdf_set_value(node, "id", db_text(query, 0));
		hdf_set_value(node, "name", db_text(query, 1));
		hdf_set_value(node, "description", db_text(query, 2));
		hdf_set_value(node, "discount_bp", db_text(query, 3));
		hdf_set_value(node, "css_class", db_text(query, 4));
		hdf_set_value(node, "members", db_text(query, 5));
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	page_render(req, 200, "groups/list.cs");
}
