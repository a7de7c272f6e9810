/*
 * Groups (/admin/groups): a discount and a CSS class that the shop's own
 * site gives their members (read through the storefront API), and many
 * groups per customer. Every admin sees the groups and puts customers in
 * them; only owners create, change and delete groups, since a group's
 * discount is a price the shop's site applies (as the shop's settings
 * are owners').
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "lib/grouping.h"
#include "lib/page.h"
#include "groups.h"

enum groups_sql {
	SQL_GROUPS,
	SQL_GROUP_ONE,
	SQL_GROUP_LOCK,
	SQL_NAME_TAKEN,
	SQL_CLASS_TAKEN,
	SQL_GROUP_INSERT,
	SQL_GROUP_UPDATE,
	SQL_GROUP_DELETE,
	SQL_SHOP_LOCK,
	SQL_GROUP_COUNT,
	GROUPS_SQL__MAX
};

static struct db_query groups_sql[GROUPS_SQL__MAX] = {
	[SQL_GROUPS] = { .sql =
	    "SELECT g.id, g.name, g.description, g.discount_bp, g.css_class,"
	    "       (SELECT COUNT(*) FROM customer_group_member m"
	    "         WHERE m.group_id = g.id AND m.shop_id = g.shop_id)"
	    "  FROM customer_group g WHERE g.shop_id = ? ORDER BY g.name, g.id" },
	[SQL_GROUP_ONE] = { .sql =
	    "SELECT g.id, g.name, g.description, g.discount_bp, g.css_class,"
	    "       (SELECT COUNT(*) FROM customer_group_member m"
	    "         WHERE m.group_id = g.id AND m.shop_id = g.shop_id)"
	    "  FROM customer_group g WHERE g.id = ? AND g.shop_id = ?" },
	/* request_lock_path_row: the path's id, the shop */
	[SQL_GROUP_LOCK] = { .sql =
	    "SELECT id, name FROM customer_group WHERE id = ? AND shop_id = ? FOR UPDATE" },
	/* another group of the shop with this name, case and accents folded
	 * by the column's collation */
	[SQL_NAME_TAKEN] = { .sql =
	    "SELECT COUNT(*) FROM customer_group WHERE shop_id = ? AND name = ? AND id <> ?" },
	[SQL_CLASS_TAKEN] = { .sql =
	    "SELECT COUNT(*) FROM customer_group WHERE shop_id = ? AND css_class = ? AND id <> ?" },
	[SQL_GROUP_INSERT] = { .sql =
	    "INSERT INTO customer_group (shop_id, name, description, discount_bp, css_class)"
	    " VALUES (?, ?, ?, ?, ?)" },
	[SQL_GROUP_UPDATE] = { .sql =
	    "UPDATE customer_group SET name = ?, description = ?, discount_bp = ?, css_class = ?"
	    " WHERE id = ? AND shop_id = ?" },
	/* the members go with it (ON DELETE CASCADE); they stay customers */
	[SQL_GROUP_DELETE] = { .sql =
	    "DELETE FROM customer_group WHERE id = ? AND shop_id = ?" },
	/* the shop's groups, after SQL_SHOP_LOCK (a locking read: two
	 * creations at once count each other) */
	[SQL_SHOP_LOCK] = { .sql = "SELECT id FROM shop WHERE id = ? FOR UPDATE" },
	[SQL_GROUP_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM customer_group WHERE shop_id = ? AND id <> ? LOCK IN SHARE MODE" },
};

const struct field group_fields[GROUP_FIELD__MAX + 1] = {
	/* checked by the handler, so that the form comes back with its
	 * message (groups_save) */
	[GROUP_FIELD_NAME] = { "name", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[GROUP_FIELD_DESCRIPTION] = { "description", FIELD_MULTILINE, 0, 1000, 0, 0, NULL },
	[GROUP_FIELD_DISCOUNT] = { "discount", FIELD_TEXT, 0, 20, 0, 0, NULL },
	[GROUP_FIELD_CSS_CLASS] = { "css_class", FIELD_TEXT, 0, 64, 0, 0, NULL },
};

const struct field group_member_fields[GROUP_MEMBER__MAX + 1] = {
	[GROUP_MEMBER_GROUP] = { "group", FIELD_IDS, 0, 0, 0, GROUPING_GROUPS_MAX, NULL },
};

static int
groups_ready(struct request *req)
{
	return db_register(&req->app->db, groups_sql, GROUPS_SQL__MAX);
}

int
groups_discount_parse(const char *text, long long *out)
{
	long long whole = 0, hundredths = 0;
	int digits = 0, decimals = 0;
	const char *p = text;

	*out = 0;
	if (text == NULL || *text == '\0')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (++digits > 3)
			return -1;
	}
	/* "12,5" as French writes it, or "12.5" */
	if (*p == ',' || *p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++decimals > 2)
				return -1;
			hundredths = hundredths * 10 + (*p - '0');
		}
		if (decimals == 1)
			hundredths *= 10;
	}
	if (*p == ' ')
		p++;
	if (*p == '%')
		p++;
	if (*p != '\0' || (digits == 0 && decimals == 0))
		return -1;
	*out = whole * 100 + hundredths;
	return *out <= 10000 ? 0 : -1;
}

void
groups_discount_text(long long bp, enum lang lang, char *out, size_t size)
{
	const char *point = lang == LANG_FR ? "," : ".";

	if (bp % 100 == 0)
		snprintf(out, size, "%lld", bp / 100);
	else if (bp % 10 == 0)
		snprintf(out, size, "%lld%s%lld", bp / 100, point, (bp % 100) / 10);
	else
		snprintf(out, size, "%lld%s%02lld", bp / 100, point, bp % 100);
}

/* An identifier a stylesheet can name: a letter or '_', then letters,
 * digits, '_' and '-'. Nothing else, so no markup either. */
static int
css_class_valid(const char *text)
{
	const char *p = text;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return 0;
	for (p++; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* A group's row (SQL_GROUPS, SQL_GROUP_ONE) into node. */
static void
group_to_hdf(struct request *req, struct db_query *query, HDF *node)
{
	char text[32];

	hdf_set_value(node, "id", db_text(query, 0));
	hdf_set_value(node, "name", db_text(query, 1));
	hdf_set_value(node, "description", db_text(query, 2));
	groups_discount_text(db_int(query, 3), req->lang, text, sizeof(text));
	hdf_set_value(node, "discount", text);
	hdf_set_value(node, "discount_bp", db_text(query, 3));
	hdf_set_value(node, "css_class", db_text(query, 4));
	hdf_set_value(node, "members", db_text(query, 5));
}

/* The list of groups under Page.Groups. 0 or -1. */
static int
groups_list(struct request *req)
{
	struct db_query *query = &groups_sql[SQL_GROUPS];
	struct db_param param = DB_INT(req->shop.id);
	char name[32];
	HDF *node;
	int count = 0;

	if (groups_ready(req) != 0 || db_exec(&req->app->db, query, &param, 1) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Groups.%d", count++);
		if (hdf_get_node(req->hdf, name, &node) != STATUS_OK)
			break;
		group_to_hdf(req, query, node);
	}
	db_done(query);
	hdf_set_int_value(req->hdf, "Page.Count", count);
	return 0;
}

void
groups_page(struct request *req)
{
	if (groups_list(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_render(req, 200, "groups/list.cs");
}

/* One number of a statement that counts. -1 on error. */
static long long
count_of(struct request *req, enum groups_sql which, struct db_param *params, size_t n)
{
	struct db_query *query = &groups_sql[which];
	long long count = -1;

	if (db_exec(&req->app->db, query, params, n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		count = db_int(query, 0);
	db_done(query);
	return count;
}

/* The form's values back under Page.Form, and the message, for the page
 * shown again (the list for a new group, the group's page else). */
static void
form_again(struct request *req, const char *message_key)
{
	size_t i;
	char name[64];

	for (i = 0; i < GROUP_FIELD__MAX; i++) {
		const char *value = request_field(req, &group_fields[i]);

		snprintf(name, sizeof(name), "Page.Form.%s", group_fields[i].name);
		if (value != NULL)
			hdf_set_value(req->hdf, name, value);
	}
	hdf_set_value(req->hdf, "Page.Message", request_text(req, message_key));
}

/* Checks the form and writes the group (id 0: a new one). Returns NULL
 * when written (not committed), else the Lang key of what is wrong
 * (nothing written), or "" on a database error. */
static const char *
group_write(struct request *req, long long id)
{
	const char *name = request_field(req, &group_fields[GROUP_FIELD_NAME]);
	const char *description = request_field(req, &group_fields[GROUP_FIELD_DESCRIPTION]);
	const char *discount = request_field(req, &group_fields[GROUP_FIELD_DISCOUNT]);
	const char *css = request_field(req, &group_fields[GROUP_FIELD_CSS_CLASS]);
	struct db_param params[6];
	long long bp, rows;

	if (name == NULL || *name == '\0')
		return "Groups.NameNeeded";
	if (groups_discount_parse(discount, &bp) != 0)
		return "Groups.BadDiscount";
	if (css != NULL && *css == '\0')
		css = NULL;
	if (css != NULL && !css_class_valid(css))
		return "Groups.BadClass";
	params[0] = DB_INT(req->shop.id);
	/* the customer's forms offer GROUPING_GROUPS_MAX */
	if (id == 0) {
		params[1] = DB_INT(0);
		if (db_exec(&req->app->db, &groups_sql[SQL_SHOP_LOCK], params, 1) < 0)
			return "";
		db_done(&groups_sql[SQL_SHOP_LOCK]);
		rows = count_of(req, SQL_GROUP_COUNT, params, 2);
		if (rows < 0 || rows >= GROUPING_GROUPS_MAX)
			return rows < 0 ? "" : "Groups.TooMany";
	}
	params[1] = DB_TEXT(name);
	params[2] = DB_INT(id);
	rows = count_of(req, SQL_NAME_TAKEN, params, 3);
	if (rows != 0)
		return rows < 0 ? "" : "Groups.NameTaken";
	if (css != NULL) {
		params[1] = DB_TEXT(css);
		rows = count_of(req, SQL_CLASS_TAKEN, params, 3);
		if (rows != 0)
			return rows < 0 ? "" : "Groups.ClassTaken";
	}
	if (id == 0) {
		params[0] = DB_INT(req->shop.id);
		params[1] = DB_TEXT(name);
		params[2] = DB_TEXT(description != NULL ? description : "");
		params[3] = DB_INT(bp);
		params[4] = DB_TEXT(css);
		rows = db_exec(&req->app->db, &groups_sql[SQL_GROUP_INSERT], params, 5);
	} else {
		params[0] = DB_TEXT(name);
		params[1] = DB_TEXT(description != NULL ? description : "");
		params[2] = DB_INT(bp);
		params[3] = DB_TEXT(css);
		params[4] = DB_INT(id);
		params[5] = DB_INT(req->shop.id);
		rows = db_exec(&req->app->db, &groups_sql[SQL_GROUP_UPDATE], params, 6);
	}
	/* two admins at once: the unique keys had the last word */
	if (rows == DB_DUPLICATE)
		return "Groups.NameTaken";
	return rows < 0 ? "" : NULL;
}

void
groups_create(struct request *req)
{
	const char *problem;

	if (groups_ready(req) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	problem = group_write(req, 0);
	if (problem != NULL) {
		db_rollback(&req->app->db);
		if (*problem == '\0' || groups_list(req) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		form_again(req, problem);
		page_render(req, 400, "groups/list.cs");
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "group_created");
	page_redirect(req, "/admin/groups");
}

/* The group of the path under Page.Group. 1, 0 (not the shop's), -1. */
static int
group_read(struct request *req)
{
	struct db_query *query = &groups_sql[SQL_GROUP_ONE];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	HDF *node;
	int found;

	if (groups_ready(req) != 0 || db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1 && hdf_get_node(req->hdf, "Page.Group", &node) == STATUS_OK)
		group_to_hdf(req, query, node);
	db_done(query);
	return found;
}

void
groups_edit_form(struct request *req)
{
	int found = group_read(req);

	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Form.name", hdf_get_value(req->hdf, "Page.Group.name", ""));
	hdf_set_value(req->hdf, "Page.Form.description",
	    hdf_get_value(req->hdf, "Page.Group.description", ""));
	hdf_set_value(req->hdf, "Page.Form.discount",
	    hdf_get_value(req->hdf, "Page.Group.discount", ""));
	hdf_set_value(req->hdf, "Page.Form.css_class",
	    hdf_get_value(req->hdf, "Page.Group.css_class", ""));
	page_render(req, 200, "groups/edit.cs");
}

void
groups_update(struct request *req)
{
	const char *problem;
	int found;

	if (groups_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = request_lock_path_row(req, &groups_sql[SQL_GROUP_LOCK]);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	db_done(&groups_sql[SQL_GROUP_LOCK]);
	problem = group_write(req, req->path_id);
	if (problem != NULL) {
		db_rollback(&req->app->db);
		if (*problem == '\0' || group_read(req) != 1) {
			page_error(req, 500, NULL);
			return;
		}
		form_again(req, problem);
		page_render(req, 400, "groups/edit.cs");
		return;
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "group_saved");
	page_redirect(req, "/admin/groups");
}

void
groups_delete_form(struct request *req)
{
	int found = group_read(req);

	if (found != 1 || groups_segments_using(req, GROUPING_GROUP) != 0) {
		page_error(req, found == 0 ? 404 : 500, NULL);
		return;
	}
	page_render(req, 200, "groups/delete.cs");
}

void
groups_delete(struct request *req)
{
	const struct groups_deletion what = {
		.kind = GROUPING_GROUP,
		.lock = &groups_sql[SQL_GROUP_LOCK],
		.remove = &groups_sql[SQL_GROUP_DELETE],
		.event = "customer.group_removed",
		.notice = "group_deleted",
		.back = "/admin/groups",
	};

	if (groups_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	groups_delete_row(req, &what);
}

void
groups_customer_set(struct request *req)
{
	long long ids[GROUPING_GROUPS_MAX];
	size_t n = request_field_ids(req, &group_member_fields[GROUP_MEMBER_GROUP], ids,
	    GROUPING_GROUPS_MAX);
	int result;

	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = grouping_lock_customer(&req->context, req->path_id);
	if (result == GROUPING_OK)
		result = grouping_set_groups(&req->context, req->path_id, ids, n);
	groups_customer_done(req, result, "Groups.NotFound", "customer_groups_saved");
}
