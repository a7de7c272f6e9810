/*
 * The customer list's columns and its issue-16 filters (customers.fcgi):
 * which columns the signed-in admin chose (admin.list_columns, names from
 * list_columns[] only), the shop's groups and tags for the filter form,
 * the data of the optional columns for the rows of the page, and the form
 * that saves the choice (POST /admin/customers/columns).
 *
 * The choice comes with the door (fcgi/lib/core_sql.c), and the groups
 * and tags are kept per process and shop while the door's version of them
 * says they are the shop's (sql/027): the default view runs no statement
 * of its own. The optional columns' data is read only when they are
 * shown, for all the page's rows at once: the customers' flags in one
 * statement, their groups and tags in another.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-list.h"

/* The columns an admin may show, in the table's order; the name cell and
 * the tick box always show. by_default: the list as it opens. flags: its
 * data is read by the flags statement; member: by the groups and tags
 * one. */
static const struct {
	const char *name;
	int by_default, flags, member;
} list_columns[] = {
	{ "email", 1, 0, 0 },
	{ "phone", 1, 0, 0 },
	{ "status", 1, 0, 0 },
	{ "orders", 1, 0, 0 },
	{ "spent", 1, 0, 0 },
	{ "last_order", 1, 0, 0 },
	{ "created", 1, 0, 0 },
	{ "country", 0, 1, 0 },
	{ "source", 0, 1, 0 },
	{ "marketing", 0, 1, 0 },
	{ "system_mail", 0, 1, 0 },
	{ "tax_exempt", 0, 1, 0 },
	{ "groups", 0, 0, 1 },
	{ "tags", 0, 0, 1 },
};

#define LIST_COLUMN_COUNT (sizeof(list_columns) / sizeof(list_columns[0]))
_Static_assert(LIST_COLUMN_COUNT + 3 <= COLUMNS_FIELDS_MAX, "columns_fields holds them");

enum columns_sql { SQL_LABELS, SQL_COLUMNS_SAVE, COLUMNS_SQL__MAX };

static struct db_query columns_sql[COLUMNS_SQL__MAX] = {
	/* the shop's groups, then its tags, by name (at most 250 tags a
	 * shop; groups are few); run after the door, so that what it reads is
	 * never older than the version the door read (labels_read) */
	[SQL_LABELS] = { .sql =
	    "SELECT 'g' AS kind, id, name FROM customer_group WHERE shop_id = ?"
	    " UNION ALL SELECT 't', id, name FROM tag WHERE shop_id = ?"
	    " ORDER BY kind, name, id" },
	[SQL_COLUMNS_SAVE] = { .sql =
	    "UPDATE admin SET list_columns = ? WHERE id = ? AND shop_id = ?" },
};

/* The fields of POST /admin/customers/columns: one tick box a column
 * (col_<name>), the list to go back to, and "back to the default". */
struct field columns_fields[COLUMNS_FIELDS_MAX];

int
customers_columns_setup(void)
{
	static char names[LIST_COLUMN_COUNT][24];
	size_t i;

	for (i = 0; i < LIST_COLUMN_COUNT; i++) {
		snprintf(names[i], sizeof(names[i]), "col_%s", list_columns[i].name);
		columns_fields[i] = (struct field){ names[i], FIELD_TEXT, 0, 2, 0, 0, NULL };
	}
	columns_fields[i++] = (struct field){ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL };
	columns_fields[i++] = (struct field){ "reset", FIELD_TEXT, 0, 2, 0, 0, NULL };
	memset(&columns_fields[i], 0, sizeof(columns_fields[i]));
	return 0;
}

/* The index of column name (len bytes) in list_columns, or -1. */
static int
column_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < LIST_COLUMN_COUNT; i++)
		if (strlen(list_columns[i].name) == len && memcmp(list_columns[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Sets Page.Col.<name> for each column shown: the saved choice (names
 * separated by commas; an unknown name is skipped), or the default when
 * there is none. Page.Chosen when the choice is not the default. */
static void
columns_to_page(struct request *req, const char *saved)
{
	int shown[LIST_COLUMN_COUNT] = { 0 }, any = 0, chosen = 0;
	const char *p = saved;
	size_t i;
	HDF *columns = NULL;
	NEOERR *err;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, ",");
		int index = column_index(p, len);

		if (index >= 0)
			shown[index] = any = 1;
		p += len + (p[len] == ',');
	}
	for (i = 0; i < LIST_COLUMN_COUNT; i++) {
		if (!any)
			shown[i] = list_columns[i].by_default;
		chosen |= shown[i] != list_columns[i].by_default;
		if (!shown[i])
			continue;
		/* set under Page.Col's node, found once */
		if (columns == NULL &&
		    (err = hdf_get_node(req->hdf, "Page.Col", &columns)) != STATUS_OK) {
			nerr_ignore(&err);	/* out of memory */
			break;
		}
		hdf_set_value(columns, list_columns[i].name, "1");
	}
	if (chosen)
		hdf_set_value(req->hdf, "Page.Chosen", "1");
}

/* The groups and tags of the last shops listed, kept per process: each
 * under the version of them the door read when it was read (sql/027),
 * used while the door reads the same. The least recently used shop makes
 * room. */
#define LABELS_KEPT 8

struct label {
	char kind;		/* 'g' a group, 't' a tag */
	long long id;
	char *name;
};

static struct labels_kept {
	long long shop_id;	/* 0: an empty slot */
	long long version;
	unsigned long used;	/* when last used, in lists served */
	size_t count;
	struct label *labels;
} labels_kept[LABELS_KEPT];

static unsigned long labels_clock;

static void
labels_free(struct labels_kept *kept)
{
	size_t i;

	for (i = 0; i < kept->count; i++)
		free(kept->labels[i].name);
	free(kept->labels);
	memset(kept, 0, sizeof(*kept));
}

/* Reads the shop's groups and tags into kept, under version. 0, or -1 on
 * a database error or when memory runs out (kept is then empty). */
static int
labels_read(struct request *req, struct labels_kept *kept, long long version)
{
	struct db_query *labels = &columns_sql[SQL_LABELS];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(req->shop.id) };
	size_t room = 0;
	int ok = 1, row;

	labels_free(kept);
	if (db_exec(&req->app->db, labels, params, 2) < 0)
		return -1;
	while ((row = db_fetch(labels)) == 1) {
		const char *kind = db_text(labels, 0), *name = db_text(labels, 2);

		if (!ok || kind == NULL || name == NULL)
			continue;
		if (kept->count == room) {
			struct label *more = realloc(kept->labels,
			    (room = room ? 2 * room : 16) * sizeof(*more));

			if (more == NULL) {
				ok = 0;
				continue;
			}
			kept->labels = more;
		}
		kept->labels[kept->count] = (struct label){ kind[0], db_int(labels, 1),
			strdup(name) };
		if (kept->labels[kept->count].name == NULL) {
			ok = 0;
			continue;
		}
		kept->count++;
	}
	db_done(labels);
	if (row < 0 || !ok) {
		labels_free(kept);
		return -1;
	}
	kept->shop_id = req->shop.id;
	kept->version = version;
	return 0;
}

/* The request's shop's groups and tags: kept, or read again when the
 * door's version of them is not the kept one's. NULL on an error. */
static struct labels_kept *
labels_of_shop(struct request *req)
{
	struct labels_kept *kept = NULL;
	size_t i;

	for (i = 0; i < LABELS_KEPT; i++) {
		if (labels_kept[i].shop_id == req->shop.id) {
			kept = &labels_kept[i];
			break;
		}
		if (kept == NULL || labels_kept[i].used < kept->used)
			kept = &labels_kept[i];
	}
	if ((kept->shop_id != req->shop.id || kept->version != req->shop.labels_version) &&
	    labels_read(req, kept, req->shop.labels_version) != 0)
		return NULL;
	kept->used = ++labels_clock;
	return kept;
}

/* Page.GroupOptions.N / Page.TagOptions.N {id, name, selected}; the
 * filter's own group or tag not among them: Page.SliceMissing. */
int
customers_columns_load(struct request *req, const struct customer_query *query)
{
	struct labels_kept *kept;
	int groups = 0, tags = 0, group_found = 0, tag_found = 0;
	char key[48], id[24];
	size_t i;
	HDF *node;

	columns_to_page(req, req->session.list_columns);
	if (db_register(&req->app->db, columns_sql, COLUMNS_SQL__MAX) != 0 ||
	    (kept = labels_of_shop(req)) == NULL)
		return -1;
	for (i = 0; i < kept->count; i++) {
		const struct label *label = &kept->labels[i];

		if (label->kind == 'g')
			snprintf(key, sizeof(key), "Page.GroupOptions.%d", groups++);
		else
			snprintf(key, sizeof(key), "Page.TagOptions.%d", tags++);
		if (hdf_get_node(req->hdf, key, &node) != STATUS_OK)
			break;
		snprintf(id, sizeof(id), "%lld", label->id);
		hdf_set_value(node, "id", id);
		hdf_set_value(node, "name", label->name);
		if ((label->kind == 'g' && label->id == query->group_id) ||
		    (label->kind == 't' && label->id == query->tag_id)) {
			hdf_set_value(node, "selected", "1");
			hdf_set_value(req->hdf, label->kind == 'g' ? "Page.GroupName" :
			    "Page.TagName", label->name);
			*(label->kind == 'g' ? &group_found : &tag_found) = 1;
		}
	}
	/* a deleted group or tag, or another shop's id: said, and the list
	 * (which matches nobody then) is not mistaken for an empty group */
	if ((query->group_id > 0 && !group_found) || (query->tag_id > 0 && !tag_found))
		hdf_set_value(req->hdf, "Page.SliceMissing", "1");
	return 0;
}

/* Whether Page.Col.<name> of a column that wants data is set. */
static int
columns_wanted(struct request *req, int flags)
{
	char key[48];
	size_t i;

	for (i = 0; i < LIST_COLUMN_COUNT; i++) {
		if (!(flags ? list_columns[i].flags : list_columns[i].member))
			continue;
		snprintf(key, sizeof(key), "Page.Col.%s", list_columns[i].name);
		if (hdf_get_value(req->hdf, key, NULL) != NULL)
			return 1;
	}
	return 0;
}

/* The page's rows (Customers.N) and their ids, at most CUSTOMER_PAGE_SIZE_MAX. */
static size_t
page_rows(struct request *req, HDF **row, long long *id)
{
	HDF *node = hdf_get_obj(req->hdf, "Customers"), *child;
	size_t n = 0;

	for (child = node ? hdf_obj_child(node) : NULL; child != NULL && n < CUSTOMER_PAGE_SIZE_MAX;
	    child = hdf_obj_next(child)) {
		const char *text = hdf_get_value(child, "id", NULL);

		if (text == NULL)
			continue;
		row[n] = child;
		id[n++] = strtoll(text, NULL, 10);
	}
	return n;
}

/* The row of customer id, or NULL. */
static HDF *
row_of(HDF **row, const long long *id, size_t n, long long wanted)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (id[i] == wanted)
			return row[i];
	return NULL;
}

/* Runs a statement built for the page's rows: head, then params[0..fixed)
 * and the ids, each "IN (…)" padded to the page's size with 0 (no
 * customer) so that a page size gives one text. parts: how many IN lists
 * the statement has, each preceded by fixed parameters. */
static struct db_query *
rows_statement(struct request *req, const char *sql, const struct db_param *fixed,
    size_t fixed_n, const long long *id, size_t n, size_t size, int parts)
{
	struct db_param params[2 * (4 + CUSTOMER_PAGE_SIZE_MAX)];
	struct db_query *query;
	size_t p = 0, i;
	int part;

	for (part = 0; part < parts; part++) {
		for (i = 0; i < fixed_n; i++)
			params[p++] = fixed[i];
		for (i = 0; i < size; i++)
			params[p++] = DB_INT(i < n ? id[i] : 0);
	}
	query = db_cached(&req->app->db, sql);
	if (query == NULL || db_exec(&req->app->db, query, params, p) < 0)
		return NULL;
	return query;
}

/* The flags of the page's customers (country, source, the two mail flags,
 * tax exemption). 0 or -1. */
static int
columns_flags(struct request *req, HDF **row, const long long *id, size_t n, size_t size)
{
	struct db_param fixed[1] = { DB_INT(req->shop.id) };
	char *sql = db_sql_repeat("SELECT id, country, source, marketing_consent, system_mail,"
	    " tax_exempt FROM customer WHERE shop_id = ? AND id IN (", "?", size, ")");
	struct db_query *query;

	if (sql == NULL)
		return -1;
	query = rows_statement(req, sql, fixed, 1, id, n, size, 1);
	free(sql);
	if (query == NULL)
		return -1;
	while (db_fetch(query) == 1) {
		HDF *node = row_of(row, id, n, db_int(query, 0));

		if (node == NULL)
			continue;
		hdf_set_value(node, "country", db_text(query, 1));
		hdf_set_value(node, "source", db_text(query, 2));
		hdf_set_value(node, "marketing", db_text(query, 3));
		hdf_set_value(node, "system_mail", db_text(query, 4));
		hdf_set_value(node, "tax_exempt", db_text(query, 5));
	}
	db_done(query);
	return 0;
}

/* The groups and tags of the page's customers, by name: Customers.N.groups.K
 * and .tags.K. 0 or -1. */
static int
columns_members(struct request *req, HDF **row, const long long *id, size_t n, size_t size)
{
	struct db_param fixed[2] = { DB_INT(req->shop.id), DB_INT(req->shop.id) };
	char *groups = db_sql_repeat("SELECT gm.customer_id, 0 AS kind, g.name"
	    "  FROM customer_group_member gm JOIN customer_group g ON g.id = gm.group_id"
	    " WHERE gm.shop_id = ? AND g.shop_id = ? AND gm.customer_id IN (", "?", size,
	    ") UNION ALL SELECT ct.customer_id, 1, t.name"
	    "  FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
	    " WHERE ct.shop_id = ? AND t.shop_id = ? AND ct.customer_id IN (");
	char *sql = groups ? db_sql_repeat(groups, "?", size, ") ORDER BY 1, 2, 3") : NULL;
	struct db_query *query;
	long long last_id = -1;
	int last_kind = -1, k = 0;
	char key[24];

	free(groups);
	if (sql == NULL)
		return -1;
	query = rows_statement(req, sql, fixed, 2, id, n, size, 2);
	free(sql);
	if (query == NULL)
		return -1;
	while (db_fetch(query) == 1) {
		HDF *node = row_of(row, id, n, db_int(query, 0));
		int kind = (int)db_int(query, 1);

		if (node == NULL)
			continue;
		if (db_int(query, 0) != last_id || kind != last_kind)
			k = 0;
		last_id = db_int(query, 0);
		last_kind = kind;
		snprintf(key, sizeof(key), "%s.%d", kind ? "tags" : "groups", k++);
		hdf_set_value(node, key, db_text(query, 2));
	}
	db_done(query);
	return 0;
}

int
customers_columns_rows(struct request *req, const struct customer_query *query)
{
	HDF *row[CUSTOMER_PAGE_SIZE_MAX];
	long long id[CUSTOMER_PAGE_SIZE_MAX];
	size_t n = page_rows(req, row, id);

	if (n == 0)
		return 0;
	if (columns_wanted(req, 1) &&
	    columns_flags(req, row, id, n, (size_t)query->size) != 0)
		return -1;
	if (columns_wanted(req, 0) &&
	    columns_members(req, row, id, n, (size_t)query->size) != 0)
		return -1;
	return 0;
}

void
customers_columns_save(struct request *req)
{
	struct db_param params[3];
	char chosen[256];
	const char *back = request_field(req, &columns_fields[LIST_COLUMN_COUNT]);
	const char *reset = request_field(req, &columns_fields[LIST_COLUMN_COUNT + 1]);
	size_t i, used = 0;
	int differs = 0;

	chosen[0] = '\0';
	for (i = 0; i < LIST_COLUMN_COUNT; i++) {
		const char *value = request_field(req, &columns_fields[i]);
		int on = value != NULL && *value != '\0';

		differs |= on != list_columns[i].by_default;
		if (on)
			used += (size_t)snprintf(chosen + used, sizeof(chosen) - used, "%s%s",
			    used ? "," : "", list_columns[i].name);
	}
	if (used == 0 && !(reset != NULL && *reset != '\0')) {
		/* no column at all: said, nothing changed */
		page_error(req, 400, "Segments.Columns.NoneChosen");
		return;
	}
	/* the default set is kept as NULL: it follows the product's default */
	params[0] = (reset != NULL && *reset != '\0') || !differs ? DB_NULL : DB_TEXT(chosen);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_INT(req->shop.id);
	if (db_register(&req->app->db, columns_sql, COLUMNS_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, &columns_sql[SQL_COLUMNS_SAVE], params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "list_columns_saved");
	/* back to the list as it was: a path under /admin/customers with a
	 * plain query string (as back_link checks it) */
	if (back != NULL && strncmp(back, "/admin/customers", 16) == 0 &&
	    (back[16] == '\0' || back[16] == '?') &&
	    strspn(back, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%&=+?/") ==
	    strlen(back))
		page_redirect(req, back);
	else
		page_redirect(req, "/admin/customers");
}
