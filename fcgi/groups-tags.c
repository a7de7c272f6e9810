/*
 * Tags (/admin/tags): free words the shop's admins type on a customer's
 * page (the names already used are suggested), at most GROUPING_TAGS_MAX a
 * shop; renamed, merged and deleted here, with their counts. Tags are the
 * admins' everyday notes on customers: every admin, staff too, may change
 * them.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/grouping.h"
#include "lib/page.h"
#include "groups.h"

enum tags_sql {
	SQL_TAGS,
	SQL_TAG_LOCK,
	SQL_TAG_NAME_TAKEN,
	SQL_TAG_RENAME,
	SQL_TAG_MERGE,
	SQL_TAG_DELETE,
	SQL_TAG_MEMBERS,
	SQL_TAG_CUSTOMER,
	TAGS_SQL__MAX
};

static struct db_query tags_sql[TAGS_SQL__MAX] = {
	[SQL_TAGS] = { .sql =
	    "SELECT t.id, t.name, (SELECT COUNT(*) FROM customer_tag ct"
	    "                       WHERE ct.tag_id = t.id AND ct.shop_id = t.shop_id)"
	    "  FROM tag t WHERE t.shop_id = ? ORDER BY t.name, t.id" },
	/* request_lock_path_row and the merge: an id, the shop */
	[SQL_TAG_LOCK] = { .sql =
	    "SELECT id, name FROM tag WHERE id = ? AND shop_id = ? FOR UPDATE" },
	[SQL_TAG_NAME_TAKEN] = { .sql =
	    "SELECT id, name FROM tag WHERE shop_id = ? AND name = ? AND id <> ?" },
	[SQL_TAG_RENAME] = { .sql =
	    "UPDATE tag SET name = ? WHERE id = ? AND shop_id = ?" },
	/* the customers of the tag merged away get the other one (those
	 * who have both keep it once) */
	[SQL_TAG_MERGE] = { .sql =
	    "INSERT IGNORE INTO customer_tag (shop_id, tag_id, customer_id)"
	    " SELECT shop_id, ?, customer_id FROM customer_tag WHERE shop_id = ? AND tag_id = ?" },
	/* its customers lose it (ON DELETE CASCADE) */
	[SQL_TAG_DELETE] = { .sql =
	    "DELETE FROM tag WHERE id = ? AND shop_id = ?" },
	[SQL_TAG_MEMBERS] = { .sql =
	    "SELECT COUNT(*) FROM customer_tag WHERE shop_id = ? AND tag_id = ?" },
	/* the customer whose tag form is shown again */
	[SQL_TAG_CUSTOMER] = { .sql =
	    "SELECT first_name, last_name, email FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
};

const struct field tag_rename_fields[TAG_RENAME__MAX + 1] = {
	[TAG_RENAME_NAME] = { "name", FIELD_TEXT, 0, 50, 0, 0, NULL },
};

const struct field tag_merge_fields[TAG_MERGE__MAX + 1] = {
	[TAG_MERGE_FROM] = { "from", FIELD_INT, 1, 20, 1, 9223372036854775807LL, NULL },
	[TAG_MERGE_INTO] = { "into", FIELD_INT, 1, 20, 1, 9223372036854775807LL, NULL },
};

const struct field tag_customer_fields[TAG_CUSTOMER__MAX + 1] = {
	[TAG_CUSTOMER_NAME] = { "tag", FIELD_TEXT, 0, 50, 0, 0, NULL },
};

const struct field tag_remove_fields[TAG_REMOVE__MAX + 1] = {
	[TAG_REMOVE_TAG] = { "tag", FIELD_INT, 1, 20, 1, 9223372036854775807LL, NULL },
};

static int
tags_ready(struct request *req)
{
	return db_register(&req->app->db, tags_sql, TAGS_SQL__MAX);
}

/* Page.Tags with counts, Page.Count and Page.Max. 0 or -1. */
static int
tags_list(struct request *req)
{
	struct db_query *query = &tags_sql[SQL_TAGS];
	struct db_param param = DB_INT(req->shop.id);
	char name[32];
	HDF *node;
	int count = 0;

	if (tags_ready(req) != 0 || db_exec(&req->app->db, query, &param, 1) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Tags.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		hdf_set_value(node, "id", db_text(query, 0));
		hdf_set_value(node, "name", db_text(query, 1));
		hdf_set_value(node, "members", db_text(query, 2));
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	hdf_set_int_value(req->hdf, "Page.Max", GROUPING_TAGS_MAX);
	return 0;
}

void
tags_page(struct request *req)
{
	if (tags_list(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_render(req, 200, "groups/tags.cs");
}

/* The list again with a message (nothing changed). */
static void
tags_refused(struct request *req, const char *message_key)
{
	db_rollback(&req->app->db);
	if (tags_list(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
	page_render(req, 400, "groups/tags.cs");
}

/* Locks the shop's tag id; its name into name. 1, 0 (not the shop's), -1. */
static int
tag_lock(struct request *req, long long id, char *name, size_t size)
{
	struct db_query *query = &tags_sql[SQL_TAG_LOCK];
	struct db_param params[2] = { DB_INT(id), DB_INT(req->shop.id) };
	int found;

	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		snprintf(name, size, "%s", db_text(query, 1) ? db_text(query, 1) : "");
	db_done(query);
	return found;
}

void
tags_rename(struct request *req)
{
	const char *name = request_field(req, &tag_rename_fields[TAG_RENAME_NAME]);
	struct db_query *taken = &tags_sql[SQL_TAG_NAME_TAKEN];
	struct db_param params[3];
	char old[404], detail[900];
	int found;

	if (tags_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (name == NULL || *name == '\0') {
		tags_refused(req, "Tags.NameNeeded");
		return;
	}
	if (!groups_lock_path_name(req, &tags_sql[SQL_TAG_LOCK], old, sizeof(old)))
		return;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(name);
	params[2] = DB_INT(req->path_id);
	if (db_exec(&req->app->db, taken, params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(taken);
	db_done(taken);
	if (found != 0) {
		if (found < 0)
			page_error(req, 500, NULL);
		else
			tags_refused(req, "Tags.NameTaken");
		return;
	}
	params[0] = DB_TEXT(name);
	params[1] = DB_INT(req->path_id);
	params[2] = DB_INT(req->shop.id);
	snprintf(detail, sizeof(detail), "%s → %s", old, name);
	if (db_exec(&req->app->db, &tags_sql[SQL_TAG_RENAME], params, 3) < 0 ||
	    grouping_members_event(&req->context, GROUPING_TAG, req->path_id, "customer.tag_renamed",
	    detail) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "tag_renamed");
	page_redirect(req, "/admin/tags");
}

void
tags_merge(struct request *req)
{
	long long from = request_field_int(req, &tag_merge_fields[TAG_MERGE_FROM], 0);
	long long into = request_field_int(req, &tag_merge_fields[TAG_MERGE_INTO], 0);
	struct db_param params[3];
	char from_name[404], into_name[404], detail[900];
	int found_from, found_into;

	if (tags_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (from == into) {
		tags_refused(req, "Tags.MergeSelf");
		return;
	}
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* in id order, so that two merges at once wait rather than deadlock */
	if (from < into) {
		found_from = tag_lock(req, from, from_name, sizeof(from_name));
		found_into = found_from == 1 ? tag_lock(req, into, into_name, sizeof(into_name)) : 0;
	} else {
		found_into = tag_lock(req, into, into_name, sizeof(into_name));
		found_from = found_into == 1 ? tag_lock(req, from, from_name, sizeof(from_name)) : 0;
	}
	if (found_from != 1 || found_into != 1) {
		db_rollback(&req->app->db);
		page_error(req, found_from < 0 || found_into < 0 ? 500 : 404, "Tags.NotFound");
		return;
	}
	snprintf(detail, sizeof(detail), "%s → %s", from_name, into_name);
	params[0] = DB_INT(into);
	params[1] = DB_INT(req->shop.id);
	params[2] = DB_INT(from);
	if (grouping_members_event(&req->context, GROUPING_TAG, from, "customer.tag_merged",
	    detail) != 0 ||
	    db_exec(&req->app->db, &tags_sql[SQL_TAG_MERGE], params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	params[0] = DB_INT(from);
	params[1] = DB_INT(req->shop.id);
	if (db_exec(&req->app->db, &tags_sql[SQL_TAG_DELETE], params, 2) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "tag_merged");
	page_redirect(req, "/admin/tags");
}

void
tags_delete_form(struct request *req)
{
	struct db_query *query = &tags_sql[SQL_TAG_MEMBERS];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(req->path_id) };
	char name[404];
	int found;

	if (tags_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = grouping_name(&req->context, GROUPING_TAG, req->path_id, name, sizeof(name));
	if (found != GROUPING_OK) {
		page_error(req, found == GROUPING_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (db_fetch(query) == 1)
		hdf_set_value(req->hdf, "Page.Tag.members", db_text(query, 0));
	db_done(query);
	if (groups_segments_using(req, GROUPING_TAG) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Tag.id", (int)req->path_id);
	hdf_set_value(req->hdf, "Page.Tag.name", name);
	page_render(req, 200, "groups/tag-delete.cs");
}

void
tags_delete(struct request *req)
{
	const struct groups_deletion what = {
		.kind = GROUPING_TAG,
		.lock = &tags_sql[SQL_TAG_LOCK],
		.remove = &tags_sql[SQL_TAG_DELETE],
		.event = "customer.tag_removed",
		.notice = "tag_deleted",
		.back = "/admin/tags",
	};

	if (tags_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	groups_delete_row(req, &what);
}

/* The customer's groups and tags form again (as on the customer's page),
 * the tag typed kept and the message under it, nothing changed: a refused
 * tag must not lose the admin the page they were on. */
static void
tags_customer_refused(struct request *req, const char *typed, const char *message_key)
{
	struct db_query *query = &tags_sql[SQL_TAG_CUSTOMER];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	db_rollback(&req->app->db);
	if (tags_ready(req) != 0 || db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(query);
	if (found == 1) {
		hdf_set_valuef(req->hdf, "Customer.id=%lld", req->path_id);
		hdf_set_value(req->hdf, "Customer.first_name", db_text(query, 0));
		hdf_set_value(req->hdf, "Customer.last_name", db_text(query, 1));
		hdf_set_value(req->hdf, "Customer.email", db_text(query, 2));
	}
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (grouping_to_hdf(&req->context, req->path_id, req->hdf) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.NewTag", typed != NULL ? typed : "");
	hdf_set_value(req->hdf, "Page.TagMessage", request_text(req, message_key));
	page_render(req, 400, "groups/customer-tags.cs");
}

void
tags_customer_add(struct request *req)
{
	const char *name = request_field(req, &tag_customer_fields[TAG_CUSTOMER_NAME]);
	char stored[404];
	long long tag_id = 0;
	int result;

	if (name == NULL || *name == '\0') {
		tags_customer_refused(req, name, "Tags.NameNeeded");
		return;
	}
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = grouping_lock_customer(&req->context, req->path_id);
	if (result == GROUPING_OK)
		result = grouping_tag_find_or_create(&req->context, name, &tag_id, stored,
		    sizeof(stored));
	if (result == GROUPING_TAG_LIMIT) {
		tags_customer_refused(req, name, "Tags.Limit");
		return;
	}
	if (result == GROUPING_OK)
		result = grouping_tag_customer(&req->context, req->path_id, tag_id, 1);
	groups_customer_done(req, result, NULL, "customer_tag_added");
}

void
tags_customer_remove(struct request *req)
{
	long long tag_id = request_field_int(req, &tag_remove_fields[TAG_REMOVE_TAG], 0);
	int result;

	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = grouping_lock_customer(&req->context, req->path_id);
	if (result == GROUPING_OK)
		result = grouping_tag_customer(&req->context, req->path_id, tag_id, 0);
	groups_customer_done(req, result, "Tags.NotFound", "customer_tag_removed");
}
