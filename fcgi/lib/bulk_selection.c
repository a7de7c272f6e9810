/*
 * The customers a bulk form chose: see bulk_selection.h.
 */
#include <config.h>

#include <stdio.h>

#include "bulk_selection.h"
#include "customer.h"
#include "page.h"

/* who the confirmation names: the first few in the list's order */
static struct db_query names_sql[1] = {
	{ .sql =
	    "SELECT c.first_name, c.last_name, c.email FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL"
	    "   AND c.id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)"
	    " ORDER BY c.name_key, c.id LIMIT 10" },
};

long long
bulk_selection_fill(struct request *req, struct customer_query *query, int everything,
    const struct field *ids_field, const unsigned char *selection)
{
	long long ids[BULK_SELECTION_TICKED], count;
	const char *problem;
	size_t n, i;

	if (everything) {
		problem = customer_query_from_request(query, req);
		if (problem != NULL) {
			page_error(req, 400, problem);
			return -1;
		}
		if (customer_query_select(query, &req->app->db, selection) != 0) {
			page_error(req, 500, NULL);
			return -1;
		}
	} else {
		n = request_field_ids(req, ids_field, ids, BULK_SELECTION_TICKED);
		/* another shop's customer, or an erased one, is not added */
		for (i = 0; i < n; i++)
			if (customer_select(&req->context, selection, ids[i]) != CUSTOMER_OK) {
				page_error(req, 500, NULL);
				return -1;
			}
	}
	count = customer_selection_count(&req->context, selection);
	if (count < 0)
		page_error(req, 500, NULL);
	return count;
}

int
bulk_selection_names(struct request *req, const unsigned char *selection, long long count)
{
	struct db_query *query = &names_sql[0];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };
	char name[32];
	HDF *row;
	int shown = 0;

	if (db_register(&req->app->db, names_sql, 1) != 0 ||
	    db_exec(&req->app->db, query, params, 2) < 0) {
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
