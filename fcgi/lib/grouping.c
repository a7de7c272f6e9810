/*
 * A customer's groups and tags: see grouping.h. The membership tables
 * repeat shop_id (sql/019), and every statement here names the shop.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "grouping.h"

enum grouping_sql {
	SQL_ALL_GROUPS,
	SQL_CUSTOMER_TAGS,
	SQL_TAG_NAMES,
	SQL_LOCK_CUSTOMER,
	SQL_GROUP_NAME,
	SQL_TAG_NAME,
	SQL_GROUP_MEMBER_OF,
	SQL_GROUP_JOIN,
	SQL_GROUP_LEAVE,
	SQL_TAG_BY_NAME,
	SQL_TAG_BY_NAME_LOCKED,
	SQL_LOCK_SHOP,
	SQL_TAG_COUNT,
	SQL_TAG_INSERT,
	SQL_TAG_ADD,
	SQL_TAG_REMOVE,
	SQL_EVENT,
	SQL_SEL_KEEP_GROUP_ADD,
	SQL_SEL_KEEP_GROUP_REMOVE,
	SQL_SEL_KEEP_TAG_ADD,
	SQL_SEL_KEEP_TAG_REMOVE,
	SQL_SEL_COUNT,
	SQL_SEL_EVENT,
	SQL_SEL_GROUP_ADD,
	SQL_SEL_GROUP_REMOVE,
	SQL_SEL_TAG_ADD,
	SQL_SEL_TAG_REMOVE,
	SQL_SEL_EMPTY,
	SQL_GROUP_MEMBERS_EVENT,
	SQL_TAG_MEMBERS_EVENT,
	GROUPING_SQL__MAX
};

static struct db_query grouping_sql[GROUPING_SQL__MAX] = {
	[SQL_ALL_GROUPS] = { .sql =
	    "SELECT g.id, g.name, EXISTS (SELECT 1 FROM customer_group_member m"
	    "        WHERE m.shop_id = g.shop_id AND m.customer_id = ? AND m.group_id = g.id)"
	    "  FROM customer_group g WHERE g.shop_id = ? ORDER BY g.name, g.id LIMIT 200" },
	[SQL_CUSTOMER_TAGS] = { .sql =
	    "SELECT t.id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
	    " WHERE ct.shop_id = ? AND ct.customer_id = ? AND t.shop_id = ct.shop_id"
	    " ORDER BY t.name, t.id" },
	[SQL_TAG_NAMES] = { .sql =
	    "SELECT name FROM tag WHERE shop_id = ? ORDER BY name LIMIT 250" },
	[SQL_LOCK_CUSTOMER] = { .sql =
	    "SELECT id FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	[SQL_GROUP_NAME] = { .sql =
	    "SELECT name FROM customer_group WHERE id = ? AND shop_id = ?" },
	[SQL_TAG_NAME] = { .sql =
	    "SELECT name FROM tag WHERE id = ? AND shop_id = ?" },
	[SQL_GROUP_MEMBER_OF] = { .sql =
	    "SELECT g.id, g.name, m.customer_id IS NOT NULL FROM customer_group g"
	    "  LEFT JOIN customer_group_member m ON m.group_id = g.id AND m.shop_id = g.shop_id"
	    "       AND m.customer_id = ?"
	    " WHERE g.shop_id = ? ORDER BY g.id LIMIT 200" },
	[SQL_GROUP_JOIN] = { .sql =
	    "INSERT IGNORE INTO customer_group_member (shop_id, group_id, customer_id)"
	    " VALUES (?, ?, ?)" },
	[SQL_GROUP_LEAVE] = { .sql =
	    "DELETE FROM customer_group_member WHERE shop_id = ? AND group_id = ? AND customer_id = ?" },
	/* the collation folds case and accents: 'Été' finds 'ete' */
	[SQL_TAG_BY_NAME] = { .sql =
	    "SELECT id, name FROM tag WHERE shop_id = ? AND name = ?" },
	[SQL_LOCK_SHOP] = { .sql =
	    "SELECT id FROM shop WHERE id = ? FOR UPDATE" },
	/* locking reads (the newest rows, not the transaction's snapshot,
	 * which an earlier read may have taken before the shop row's lock
	 * was granted): what a request that held the lock just added */
	[SQL_TAG_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM tag WHERE shop_id = ? LOCK IN SHARE MODE" },
	[SQL_TAG_BY_NAME_LOCKED] = { .sql =
	    "SELECT id, name FROM tag WHERE shop_id = ? AND name = ? LOCK IN SHARE MODE" },
	[SQL_TAG_INSERT] = { .sql =
	    "INSERT INTO tag (shop_id, name) VALUES (?, ?)" },
	[SQL_TAG_ADD] = { .sql =
	    "INSERT IGNORE INTO customer_tag (shop_id, tag_id, customer_id)"
	    " SELECT shop_id, id, ? FROM tag WHERE id = ? AND shop_id = ?" },
	[SQL_TAG_REMOVE] = { .sql =
	    "DELETE FROM customer_tag WHERE customer_id = ? AND tag_id = ? AND shop_id = ?" },
	[SQL_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)" },
	[SQL_SEL_KEEP_GROUP_ADD] = { .sql =
	    "DELETE b FROM bulk_selection b JOIN customer_group_member m"
	    "    ON m.customer_id = b.customer_id AND m.group_id = ? AND m.shop_id = ?"
	    " WHERE b.selection_id = ?" },
	[SQL_SEL_KEEP_GROUP_REMOVE] = { .sql =
	    "DELETE b FROM bulk_selection b WHERE b.selection_id = ? AND NOT EXISTS"
	    " (SELECT 1 FROM customer_group_member m WHERE m.customer_id = b.customer_id"
	    "     AND m.group_id = ? AND m.shop_id = ?)" },
	[SQL_SEL_KEEP_TAG_ADD] = { .sql =
	    "DELETE b FROM bulk_selection b JOIN customer_tag t"
	    "    ON t.customer_id = b.customer_id AND t.tag_id = ? AND t.shop_id = ?"
	    " WHERE b.selection_id = ?" },
	[SQL_SEL_KEEP_TAG_REMOVE] = { .sql =
	    "DELETE b FROM bulk_selection b WHERE b.selection_id = ? AND NOT EXISTS"
	    " (SELECT 1 FROM customer_tag t WHERE t.customer_id = b.customer_id"
	    "     AND t.tag_id = ? AND t.shop_id = ?)" },
	[SQL_SEL_COUNT] = { .sql =
	    "SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?" },
	[SQL_SEL_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " SELECT ?, customer_id, ?, ?, ?, ?, ? FROM bulk_selection WHERE selection_id = ?" },
	/* the selection holds only the shop's customers (customer_select,
	 * customer_query_select); the group is checked by the caller */
	[SQL_SEL_GROUP_ADD] = { .sql =
	    "INSERT IGNORE INTO customer_group_member (shop_id, group_id, customer_id)"
	    " SELECT ?, ?, customer_id FROM bulk_selection WHERE selection_id = ?" },
	[SQL_SEL_GROUP_REMOVE] = { .sql =
	    "DELETE m FROM customer_group_member m JOIN bulk_selection b"
	    "    ON b.customer_id = m.customer_id AND b.selection_id = ?"
	    " WHERE m.shop_id = ? AND m.group_id = ?" },
	[SQL_SEL_TAG_ADD] = { .sql =
	    "INSERT IGNORE INTO customer_tag (shop_id, tag_id, customer_id)"
	    " SELECT ?, ?, customer_id FROM bulk_selection WHERE selection_id = ?" },
	[SQL_SEL_TAG_REMOVE] = { .sql =
	    "DELETE t FROM customer_tag t JOIN bulk_selection b"
	    "    ON b.customer_id = t.customer_id AND b.selection_id = ?"
	    " WHERE t.shop_id = ? AND t.tag_id = ?" },
	[SQL_SEL_EMPTY] = { .sql =
	    "DELETE FROM bulk_selection WHERE selection_id = ?" },
	[SQL_GROUP_MEMBERS_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " SELECT ?, customer_id, ?, ?, ?, ?, ? FROM customer_group_member"
	    "  WHERE shop_id = ? AND group_id = ?" },
	[SQL_TAG_MEMBERS_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, api_key_id, kind, detail, ip)"
	    " SELECT ?, customer_id, ?, ?, ?, ?, ? FROM customer_tag"
	    "  WHERE shop_id = ? AND tag_id = ?" },
};

static int
ready(struct shop_context *ctx)
{
	return db_register(ctx->db, grouping_sql, GROUPING_SQL__MAX);
}

/* The first six parameters of a timeline row after its customer: as
 * event_add writes them (the acting admin, a key's id, the address). */
static void
event_params(const struct shop_context *ctx, struct db_param *out, const char *kind,
    const char *detail)
{
	out[0] = (ctx->actor == ACTOR_ADMIN || ctx->actor == ACTOR_WORKER) && ctx->actor_id != 0 ?
	    DB_INT(ctx->actor_id) : DB_NULL;
	out[1] = ctx->actor == ACTOR_KEY ? DB_INT(ctx->actor_id) : DB_NULL;
	out[2] = DB_TEXT(kind);
	out[3] = DB_TEXT(detail != NULL ? detail : "");
	out[4] = DB_TEXT(ctx->ip);
}

static int
customer_event(struct shop_context *ctx, long long customer_id, const char *kind,
    const char *detail)
{
	struct db_param params[7];

	params[0] = DB_INT(ctx->shop_id);
	params[1] = DB_INT(customer_id);
	event_params(ctx, params + 2, kind, detail);
	return db_exec(ctx->db, &grouping_sql[SQL_EVENT], params, 7) < 0 ? -1 : 0;
}

/* Runs a SELECT and copies its first column(s) under prefix.N: one
 * column as the node's value, more as id, name (and member). */
static int
rows_to_hdf(struct shop_context *ctx, enum grouping_sql which, struct db_param *params,
    size_t n, HDF *hdf, const char *prefix)
{
	struct db_query *query = &grouping_sql[which];
	char name[64];
	HDF *row;
	int count = 0;

	if (db_exec(ctx->db, query, params, n) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "%s.%d", prefix, count++);
		if (query->columns == 1) {
			hdf_set_value(hdf, name, db_text(query, 0));
			continue;
		}
		if (hdf_get_node(hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "id", db_text(query, 0));
		hdf_set_value(row, "name", db_text(query, 1));
		if (query->columns > 2)
			hdf_set_value(row, "member", db_int(query, 2) ? "1" : "0");
	}
	db_done(query);
	return 0;
}

int
grouping_to_hdf(struct shop_context *ctx, long long customer_id, HDF *hdf)
{
	struct db_param params[2];

	if (ready(ctx) != 0)
		return -1;
	params[0] = DB_INT(customer_id);
	params[1] = DB_INT(ctx->shop_id);
	if (rows_to_hdf(ctx, SQL_ALL_GROUPS, params, 2, hdf, "Page.AllGroups") != 0)
		return -1;
	params[0] = DB_INT(ctx->shop_id);
	params[1] = DB_INT(customer_id);
	if (customer_id != 0 &&
	    rows_to_hdf(ctx, SQL_CUSTOMER_TAGS, params, 2, hdf, "Customer.Tags") != 0)
		return -1;
	return rows_to_hdf(ctx, SQL_TAG_NAMES, params, 1, hdf, "Page.TagNames");
}

void
grouping_ticked_to_hdf(HDF *hdf, const long long *ids, size_t n)
{
	HDF *group = hdf_get_obj(hdf, "Page.AllGroups");
	size_t i;

	for (group = group != NULL ? hdf_obj_child(group) : NULL; group != NULL;
	    group = hdf_obj_next(group)) {
		long long id = hdf_get_int_value(group, "id", 0);
		int member = 0;

		for (i = 0; i < n; i++)
			member |= ids[i] == id;
		hdf_set_value(group, "member", member ? "1" : "0");
	}
}

int
grouping_lock_customer(struct shop_context *ctx, long long customer_id)
{
	struct db_query *query = &grouping_sql[SQL_LOCK_CUSTOMER];
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(ctx->shop_id) };
	int found;

	if (ready(ctx) != 0 || db_exec(ctx->db, query, params, 2) < 0)
		return GROUPING_ERROR;
	found = db_fetch(query);
	db_done(query);
	return found < 0 ? GROUPING_ERROR : found == 1 ? GROUPING_OK : GROUPING_NOT_FOUND;
}

/* A group of the shop's, as SQL_GROUP_MEMBER_OF read it. */
struct group_state {
	long long id;
	char name[404];
	int member;
};

int
grouping_set_groups(struct shop_context *ctx, long long customer_id, const long long *ids,
    size_t n)
{
	static struct group_state groups[GROUPING_GROUPS_MAX];
	struct db_query *query = &grouping_sql[SQL_GROUP_MEMBER_OF];
	struct db_param params[3] = { DB_INT(customer_id), DB_INT(ctx->shop_id) };
	size_t count = 0, g, i;

	if (ready(ctx) != 0 || db_exec(ctx->db, query, params, 2) < 0)
		return GROUPING_ERROR;
	while (count < GROUPING_GROUPS_MAX && db_fetch(query) == 1) {
		groups[count].id = db_int(query, 0);
		snprintf(groups[count].name, sizeof(groups[count].name), "%s",
		    db_text(query, 1) ? db_text(query, 1) : "");
		groups[count].member = db_int(query, 2) != 0;
		count++;
	}
	db_done(query);
	/* every id sent is one of the shop's groups, or nothing changes */
	for (i = 0; i < n; i++) {
		for (g = 0; g < count && groups[g].id != ids[i]; g++)
			;
		if (g == count)
			return GROUPING_NOT_FOUND;
	}
	for (g = 0; g < count; g++) {
		int wanted = 0;

		for (i = 0; i < n; i++)
			wanted |= ids[i] == groups[g].id;
		if (wanted == groups[g].member)
			continue;
		params[0] = DB_INT(ctx->shop_id);
		params[1] = DB_INT(groups[g].id);
		params[2] = DB_INT(customer_id);
		if (db_exec(ctx->db, &grouping_sql[wanted ? SQL_GROUP_JOIN : SQL_GROUP_LEAVE], params,
		    3) < 0 ||
		    customer_event(ctx, customer_id,
		    wanted ? "customer.group_added" : "customer.group_removed", groups[g].name) != 0)
			return GROUPING_ERROR;
	}
	return GROUPING_OK;
}

/* The tag named name (locked: read as the newest rows): 1 found (id and
 * name), 0 not, -1 error. */
static int
tag_by_name(struct shop_context *ctx, const char *name, int locked, long long *tag_id,
    char *stored, size_t size)
{
	struct db_query *query = &grouping_sql[locked ? SQL_TAG_BY_NAME_LOCKED : SQL_TAG_BY_NAME];
	struct db_param params[2] = { DB_INT(ctx->shop_id), DB_TEXT(name) };
	int found;

	if (db_exec(ctx->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		*tag_id = db_int(query, 0);
		snprintf(stored, size, "%s", db_text(query, 1) ? db_text(query, 1) : "");
	}
	db_done(query);
	return found;
}

int
grouping_tag_find_or_create(struct shop_context *ctx, const char *name, long long *tag_id,
    char *stored, size_t size)
{
	struct db_query *lock = &grouping_sql[SQL_LOCK_SHOP], *count = &grouping_sql[SQL_TAG_COUNT];
	struct db_param params[2] = { DB_INT(ctx->shop_id), DB_TEXT(name) };
	long long tags = 0;
	int found;

	if (ready(ctx) != 0)
		return GROUPING_ERROR;
	found = tag_by_name(ctx, name, 0, tag_id, stored, size);
	if (found != 0)
		return found == 1 ? GROUPING_OK : GROUPING_ERROR;
	/* a new one: counted with the shop row locked, so that a request
	 * adding another at the same time waits and then counts this one */
	if (db_exec(ctx->db, lock, params, 1) < 0)
		return GROUPING_ERROR;
	db_done(lock);
	found = tag_by_name(ctx, name, 1, tag_id, stored, size);
	if (found != 0)
		return found == 1 ? GROUPING_OK : GROUPING_ERROR;
	if (db_exec(ctx->db, count, params, 1) < 0)
		return GROUPING_ERROR;
	if (db_fetch(count) == 1)
		tags = db_int(count, 0);
	db_done(count);
	if (tags >= GROUPING_TAGS_MAX)
		return GROUPING_TAG_LIMIT;
	if (db_exec(ctx->db, &grouping_sql[SQL_TAG_INSERT], params, 2) != 1)
		return GROUPING_ERROR;
	*tag_id = (long long)db_insert_id(&grouping_sql[SQL_TAG_INSERT]);
	snprintf(stored, size, "%s", name);
	return GROUPING_OK;
}

int
grouping_name(struct shop_context *ctx, enum grouping_kind kind, long long id, char *out,
    size_t size)
{
	struct db_query *query = &grouping_sql[kind == GROUPING_GROUP ? SQL_GROUP_NAME : SQL_TAG_NAME];
	struct db_param params[2] = { DB_INT(id), DB_INT(ctx->shop_id) };
	int found;

	if (ready(ctx) != 0 || db_exec(ctx->db, query, params, 2) < 0)
		return GROUPING_ERROR;
	found = db_fetch(query);
	if (found == 1)
		snprintf(out, size, "%s", db_text(query, 0) ? db_text(query, 0) : "");
	db_done(query);
	return found < 0 ? GROUPING_ERROR : found == 1 ? GROUPING_OK : GROUPING_NOT_FOUND;
}

int
grouping_tag_customer(struct shop_context *ctx, long long customer_id, long long tag_id,
    int adding)
{
	struct db_param params[3] = { DB_INT(customer_id), DB_INT(tag_id), DB_INT(ctx->shop_id) };
	char name[404];
	long long rows;
	int found = grouping_name(ctx, GROUPING_TAG, tag_id, name, sizeof(name));

	if (found != GROUPING_OK)
		return found;
	rows = db_exec(ctx->db, &grouping_sql[adding ? SQL_TAG_ADD : SQL_TAG_REMOVE], params, 3);
	if (rows < 0)
		return GROUPING_ERROR;
	if (rows > 0 && customer_event(ctx, customer_id,
	    adding ? "customer.tag_added" : "customer.tag_removed", name) != 0)
		return GROUPING_ERROR;
	return GROUPING_OK;
}

long long
grouping_selection_keep(struct shop_context *ctx, const unsigned char *selection,
    enum grouping_kind kind, long long id, int adding)
{
	struct db_query *count = &grouping_sql[SQL_SEL_COUNT];
	struct db_param params[3];
	enum grouping_sql which;
	long long kept = -1;

	if (ready(ctx) != 0)
		return -1;
	if (adding) {
		which = kind == GROUPING_GROUP ? SQL_SEL_KEEP_GROUP_ADD : SQL_SEL_KEEP_TAG_ADD;
		params[0] = DB_INT(id);
		params[1] = DB_INT(ctx->shop_id);
		params[2] = DB_BLOB(selection, 16);
	} else {
		which = kind == GROUPING_GROUP ? SQL_SEL_KEEP_GROUP_REMOVE : SQL_SEL_KEEP_TAG_REMOVE;
		params[0] = DB_BLOB(selection, 16);
		params[1] = DB_INT(id);
		params[2] = DB_INT(ctx->shop_id);
	}
	if (db_exec(ctx->db, &grouping_sql[which], params, 3) < 0)
		return -1;
	params[0] = DB_BLOB(selection, 16);
	if (db_exec(ctx->db, count, params, 1) < 0)
		return -1;
	if (db_fetch(count) == 1)
		kept = db_int(count, 0);
	db_done(count);
	return kept;
}

int
grouping_change_selection(struct shop_context *ctx, const unsigned char *selection,
    enum grouping_kind kind, long long id, int adding, const char *name)
{
	static const char *const events[2][2] = {
		{ "customer.group_removed", "customer.group_added" },
		{ "customer.tag_removed", "customer.tag_added" },
	};
	struct db_param params[7];
	enum grouping_sql which;
	int k = kind == GROUPING_GROUP ? 0 : 1;

	if (ready(ctx) != 0)
		return GROUPING_ERROR;
	params[0] = DB_INT(ctx->shop_id);
	event_params(ctx, params + 1, events[k][adding ? 1 : 0], name);
	params[6] = DB_BLOB(selection, 16);
	if (db_exec(ctx->db, &grouping_sql[SQL_SEL_EVENT], params, 7) < 0)
		return GROUPING_ERROR;
	if (adding) {
		which = kind == GROUPING_GROUP ? SQL_SEL_GROUP_ADD : SQL_SEL_TAG_ADD;
		params[0] = DB_INT(ctx->shop_id);
		params[1] = DB_INT(id);
		params[2] = DB_BLOB(selection, 16);
	} else {
		which = kind == GROUPING_GROUP ? SQL_SEL_GROUP_REMOVE : SQL_SEL_TAG_REMOVE;
		params[0] = DB_BLOB(selection, 16);
		params[1] = DB_INT(ctx->shop_id);
		params[2] = DB_INT(id);
	}
	if (db_exec(ctx->db, &grouping_sql[which], params, 3) < 0)
		return GROUPING_ERROR;
	params[0] = DB_BLOB(selection, 16);
	return db_exec(ctx->db, &grouping_sql[SQL_SEL_EMPTY], params, 1) < 0 ? GROUPING_ERROR :
	    GROUPING_OK;
}

int
grouping_members_event(struct shop_context *ctx, enum grouping_kind kind, long long id,
    const char *event, const char *detail)
{
	struct db_param params[8];

	if (ready(ctx) != 0)
		return -1;
	params[0] = DB_INT(ctx->shop_id);
	event_params(ctx, params + 1, event, detail);
	params[6] = DB_INT(ctx->shop_id);
	params[7] = DB_INT(id);
	return db_exec(ctx->db,
	    &grouping_sql[kind == GROUPING_GROUP ? SQL_GROUP_MEMBERS_EVENT : SQL_TAG_MEMBERS_EVENT],
	    params, 8) < 0 ? -1 : 0;
}
