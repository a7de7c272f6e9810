/*
 * What the groups and the tags pages share (groups.h): a group and a tag
 * are deleted the same way (their row locked, each member's timeline told,
 * the row gone), and a change of a customer's groups or tags ends the same
 * way (committed and back to the customer's page, or undone with the
 * error page).
 * The statements stay in each page's own table; these take them.
 */
#include <config.h>

#include <stdio.h>

#include "lib/page.h"
#include "groups.h"

enum shared_sql { SQL_SEGMENTS_USING, SHARED_SQL__MAX };

static struct db_query shared_sql[SHARED_SQL__MAX] = {
	/* the saved views that filter on a group or a tag: their query
	 * strings are written the one way (customer_query_filters_text), so
	 * "group=12" is a whole pair between '&'s (shop, key, id) */
	[SQL_SEGMENTS_USING] = { .sql =
	    "SELECT name FROM segment WHERE shop_id = ?"
	    "   AND CONCAT('&', view_query, '&') LIKE CONCAT('%&', ?, '=', ?, '&%')"
	    " ORDER BY name LIMIT 50" },
};

int
groups_segments_using(struct request *req, enum grouping_kind kind)
{
	struct db_query *query = &shared_sql[SQL_SEGMENTS_USING];
	struct db_param params[3] = { DB_INT(req->shop.id),
		DB_TEXT(kind == GROUPING_GROUP ? "group" : "tag"), DB_INT(req->path_id) };
	char name[32];
	int count = 0;

	if (db_register(&req->app->db, shared_sql, SHARED_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, params, 3) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Segments.%d", count++);
		hdf_set_value(req->hdf, name, db_text(query, 0));
	}
	db_done(query);
	return 0;
}

int
groups_lock_path_name(struct request *req, struct db_query *lock, char *name, size_t size)
{
	int found = request_lock_path_row(req, lock);

	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return 0;
	}
	snprintf(name, size, "%s", db_text(lock, 1) ? db_text(lock, 1) : "");
	db_done(lock);
	return 1;
}

void
groups_delete_row(struct request *req, const struct groups_deletion *what)
{
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char name[404];

	if (!groups_lock_path_name(req, what->lock, name, sizeof(name)))
		return;
	/* each member's timeline says they left the group or lost the tag */
	if (grouping_members_event(&req->context, what->kind, req->path_id, what->event,
	    name) != 0 ||
	    db_exec(&req->app->db, what->remove, params, 2) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, what->notice);
	page_redirect(req, what->back);
}

void
groups_customer_done(struct request *req, int result, const char *not_found,
    const char *notice)
{
	char path[64];

	if (result != GROUPING_OK) {
		db_rollback(&req->app->db);
		if (result == GROUPING_TAG_LIMIT)
			page_error(req, 400, "Tags.Limit");
		else if (result == GROUPING_NOT_FOUND)
			page_error(req, 404, not_found);
		else
			page_error(req, 500, NULL);
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, notice);
	snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
	page_redirect(req, path);
}
