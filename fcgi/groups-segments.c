/*
 * Saved segments (/admin/segments, issue 16): a customer list view
 * (search, filters, order) saved by name from the list page and shared by
 * the shop's admins, listed with how many customers each holds, renamed,
 * deleted; and two built in, defined here rather than stored: new
 * customers (first order in the last 30 days) and returning customers (2
 * orders or more). Each opens the list with its view, can be exported and
 * mailed (groups-mailing.c reads a segment through segments_target_query).
 *
 * A view is the list's own query string, checked by the customer query's
 * reader (customer_query_from_text) when it is saved and each time it is
 * read: a view whose filters no longer exist (a deleted group or tag, a
 * name the list no longer knows) opens on a page that says so, with the
 * list of what is left of it.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/customer_query.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/session.h"
#include "groups.h"
#include "view-words.h"

enum segments_sql { SQL_SEGMENTS, SQL_SEGMENT, SQL_SEGMENT_ADD, SQL_SEGMENT_RENAME,
	SQL_SEGMENT_DELETE, SEGMENTS_SQL__MAX };

static struct db_query segments_sql[SEGMENTS_SQL__MAX] = {
	[SQL_SEGMENTS] = { .sql =
	    "SELECT id, name, view_query FROM segment WHERE shop_id = ? ORDER BY name, id LIMIT 100" },
	[SQL_SEGMENT] = { .sql =
	    "SELECT id, name, view_query FROM segment WHERE id = ? AND shop_id = ?" },
	[SQL_SEGMENT_ADD] = { .sql =
	    "INSERT INTO segment (shop_id, name, view_query, admin_id) VALUES (?, ?, ?, ?)" },
	[SQL_SEGMENT_RENAME] = { .sql =
	    "UPDATE segment SET name = ? WHERE id = ? AND shop_id = ?" },
	[SQL_SEGMENT_DELETE] = { .sql =
	    "DELETE FROM segment WHERE id = ? AND shop_id = ?" },
};

/* The built-in segments: their word in URLs and mail targets, their Lang
 * name and description, and their view. */
static const struct {
	const char *word;
	const char *label;
	const char *view;
} builtins[] = {
	/* by last order: the count and the page read the recent range of
	 * that index, whatever the size of the shop */
	{ "new", "Segments.Builtin.New", "first_days=30&sort=last_order&dir=desc" },
	{ "returning", "Segments.Builtin.Returning", "orders_min=2&sort=orders&dir=desc" },
};

#define BUILTIN_COUNT (sizeof(builtins) / sizeof(builtins[0]))
/* the most the page lists (SQL_SEGMENTS' LIMIT) */
#define SEGMENTS_SHOWN 100

const struct field segment_fields[] = {
	{ "name", FIELD_TEXT, 1, 100, 0, 0, NULL },
	{ "view", FIELD_TEXT, 0, 2000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

const struct field segment_rename_fields[] = {
	{ "name", FIELD_TEXT, 1, 100, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

static int
sql_ready(struct request *req)
{
	return db_register(&req->app->db, segments_sql, SEGMENTS_SQL__MAX);
}

/* Reads view into query and tells whether its group and tag are the
 * shop's: 0, 1 when a filter no longer exists (or the view does not read),
 * -1 on a database error. */
static int
view_query(struct request *req, const char *view, struct customer_query *query)
{
	char group[128], tag[128];

	if (customer_query_from_text(query, req->shop.id, req->app->config, view) != NULL)
		return 1;
	return customer_query_slice_names(query, &req->app->db, group, sizeof(group), tag,
	    sizeof(tag));
}

/* What is left of view once the pairs that no longer read are dropped
 * (each pair read alone; a group or tag the shop no longer has dropped
 * too), into out as a query string without a final '&'. -1 on a database
 * error. */
static int
view_cleaned(struct request *req, const char *view, char *out, size_t size)
{
	static struct customer_query one;
	char copy[2048], *pair, *next;
	size_t used = 0;

	out[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", view);
	for (pair = copy; pair != NULL && *pair != '\0'; pair = next) {
		int status;

		next = strchr(pair, '&');
		if (next != NULL)
			*next++ = '\0';
		if (*pair == '\0')
			continue;
		status = view_query(req, pair, &one);
		if (status < 0)
			return -1;
		if (status == 0 && used + strlen(pair) + 2 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "&" : "",
			    pair);
	}
	return 0;
}

/* The count of a view as the list says it: "948", "plus de 1 000". */
static int
count_to_hdf(struct request *req, HDF *node, struct customer_query *query)
{
	long long count = customer_query_count(query, &req->app->db);
	char text[48];

	if (count < 0)
		return -1;
	format_count(count > CUSTOMER_COUNT_CAP ? CUSTOMER_COUNT_CAP : count, req->lang, text,
	    sizeof(text));
	hdf_set_value(node, "count", text);
	hdf_set_int_value(node, "number", count > CUSTOMER_COUNT_CAP ? CUSTOMER_COUNT_CAP + 1 :
	    (int)count);
	if (count > CUSTOMER_COUNT_CAP)
		hdf_set_value(node, "more", "1");
	return 0;
}

/* One segment under node: its name, view, count (or "missing") and its
 * filters in words (Words). */
static int
segment_to_hdf(struct request *req, HDF *node, const char *id, const char *name,
    const char *view)
{
	static struct customer_query query;
	int status = view_query(req, view, &query);
	HDF *words;

	if (status < 0)
		return -1;
	hdf_set_value(node, "id", id);
	hdf_set_value(node, "name", name);
	hdf_set_value(node, "view", view);
	if (status == 1) {
		hdf_set_value(node, "missing", "1");
		return 0;
	}
	if (hdf_get_node(node, "Words", &words) != STATUS_OK)
		return -1;
	view_words(req, &query, words, 0);
	return count_to_hdf(req, node, &query);
}

/* The segments page, with message (a Lang key, or NULL) said above it. */
static void
segments_render(struct request *req, int status, const char *message)
{
	struct db_query *list = &segments_sql[SQL_SEGMENTS];
	struct db_param param = DB_INT(req->shop.id);
	static char ids[SEGMENTS_SHOWN][24], names[SEGMENTS_SHOWN][104], views[SEGMENTS_SHOWN][2001];
	char key[48];
	HDF *node;
	size_t i, n = 0;

	if (message != NULL)
		hdf_set_value(req->hdf, "Page.Message", request_text(req, message));
	if (sql_ready(req) != 0 || db_exec(&req->app->db, list, &param, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* read first, counted after: one statement open at a time */
	while (db_fetch(list) == 1 && n < SEGMENTS_SHOWN) {
		snprintf(ids[n], sizeof(ids[n]), "%s", db_text(list, 0));
		snprintf(names[n], sizeof(names[n]), "%s", db_text(list, 1));
		snprintf(views[n], sizeof(views[n]), "%s", db_text(list, 2));
		n++;
	}
	db_done(list);
	for (i = 0; i < BUILTIN_COUNT; i++) {
		snprintf(key, sizeof(key), "Page.Builtins.%zu", i);
		if (hdf_get_node(req->hdf, key, &node) != STATUS_OK ||
		    segment_to_hdf(req, node, builtins[i].word,
		    request_text(req, builtins[i].label), builtins[i].view) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		snprintf(key, sizeof(key), "%s.About", builtins[i].label);
		hdf_set_value(node, "about", request_text(req, key));
	}
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Page.Segments.%zu", i);
		if (hdf_get_node(req->hdf, key, &node) != STATUS_OK ||
		    segment_to_hdf(req, node, ids[i], names[i], views[i]) != 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	hdf_set_int_value(req->hdf, "Page.Count", (int)n);
	/* the links a staff member may follow (writing is the owners') */
	if (session_may_export(req) == 1)
		hdf_set_value(req->hdf, "Page.MayExport", "1");
	page_render(req, status, "groups/segments.cs");
}

void
segments_page(struct request *req)
{
	segments_render(req, 200, NULL);
}

/* The view a form sent, written back in the reader's own words (filters,
 * then the order): a saved view never holds a page link or a name the
 * list does not know. Returns NULL or a Lang key. */
static const char *
view_canonical(struct request *req, const char *view, char *out, size_t size)
{
	static struct customer_query query;
	char filters[1800], value[16];
	const char *problem = customer_query_from_text(&query, req->shop.id, req->app->config,
	    view != NULL ? view : "");

	if (problem != NULL)
		return "Segments.Error.View";
	if (customer_query_filters_text(&query, filters, sizeof(filters)) != 0)
		return "Segments.Error.View";
	snprintf(out, size, "%ssort=%s&dir=%s", filters,
	    customer_query_value(&query, CUSTOMER_KEY_SORT, value, sizeof(value)),
	    customer_query_keys[CUSTOMER_KEY_DIR].field.choices[query.descending]);
	return strlen(out) + 1 >= size ? "Segments.Error.View" : NULL;
}

void
segments_invalid(struct request *req)
{
	/* the door's message per field is in Page.Errors */
	segments_render(req, 400, hdf_get_value(req->hdf, "Page.Errors.view", NULL) != NULL ?
	    "Segments.Error.View" : "Segments.Error.Name");
}

void
segments_create(struct request *req)
{
	const char *name = request_field(req, &segment_fields[0]);
	const char *view = request_field(req, &segment_fields[1]);
	const char *problem;
	char canonical[2001];
	struct db_param params[4];
	long long rows;

	problem = view_canonical(req, view, canonical, sizeof(canonical));
	if (problem != NULL) {
		segments_render(req, 400, problem);
		return;
	}
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(name);
	params[2] = DB_TEXT(canonical);
	params[3] = DB_INT(req->session.admin_id);
	if (sql_ready(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	rows = db_exec(&req->app->db, &segments_sql[SQL_SEGMENT_ADD], params, 4);
	if (rows == DB_DUPLICATE) {
		segments_render(req, 400, "Segments.Error.Duplicate");
		return;
	}
	if (rows < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "segment_saved");
	page_redirect(req, "/admin/segments");
}

/* The segment of the path (this shop's), its name and view into name and
 * view: 1, 0 when there is none (404 sent), -1 on error (500 sent). */
static int
path_segment(struct request *req, char *name, size_t name_size, char *view, size_t view_size)
{
	struct db_query *one = &segments_sql[SQL_SEGMENT];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	if (sql_ready(req) != 0 || db_exec(&req->app->db, one, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(one) == 1;
	if (found) {
		snprintf(name, name_size, "%s", db_text(one, 1));
		snprintf(view, view_size, "%s", db_text(one, 2));
	}
	db_done(one);
	if (!found)
		page_error(req, 404, NULL);
	return found;
}

/* Opens a view: the list with it, or (a filter no longer exists) a page
 * that says so and offers what is left of it. */
static void
segment_open(struct request *req, const char *id, const char *name, const char *view)
{
	static struct customer_query query;
	char path[2100], cleaned[2001];
	int status = view_query(req, view, &query);

	if (status < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (status == 0) {
		snprintf(path, sizeof(path), "/admin/customers?%s", view);
		page_redirect(req, path);
		return;
	}
	if (view_cleaned(req, view, cleaned, sizeof(cleaned)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Segment.id", id);
	hdf_set_value(req->hdf, "Page.Segment.name", name);
	hdf_set_value(req->hdf, "Page.Segment.cleaned", cleaned);
	page_render(req, 200, "groups/segment-missing.cs");
}

void
segments_open(struct request *req)
{
	char name[104], view[2001], id[24];

	if (path_segment(req, name, sizeof(name), view, sizeof(view)) != 1)
		return;
	snprintf(id, sizeof(id), "%lld", req->path_id);
	segment_open(req, id, name, view);
}

/* GET /admin/segments/new and /admin/segments/returning */
static void
builtin_open(struct request *req, size_t which)
{
	segment_open(req, builtins[which].word, request_text(req, builtins[which].label),
	    builtins[which].view);
}

void
segments_open_new(struct request *req)
{
	builtin_open(req, 0);
}

void
segments_open_returning(struct request *req)
{
	builtin_open(req, 1);
}

void
segments_rename(struct request *req)
{
	struct db_param params[3] = { DB_TEXT(request_field(req, &segment_rename_fields[0])),
		DB_INT(req->path_id), DB_INT(req->shop.id) };
	char name[104], view[2001];
	long long rows;

	if (path_segment(req, name, sizeof(name), view, sizeof(view)) != 1)
		return;
	rows = db_exec(&req->app->db, &segments_sql[SQL_SEGMENT_RENAME], params, 3);
	if (rows == DB_DUPLICATE) {
		segments_render(req, 400, "Segments.Error.Duplicate");
		return;
	}
	if (rows < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "segment_renamed");
	page_redirect(req, "/admin/segments");
}

void
segments_delete(struct request *req)
{
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char name[104], view[2001];

	if (path_segment(req, name, sizeof(name), view, sizeof(view)) != 1)
		return;
	if (db_exec(&req->app->db, &segments_sql[SQL_SEGMENT_DELETE], params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "segment_deleted");
	page_redirect(req, "/admin/segments");
}

int
segments_target_query(struct request *req, const char *which, struct customer_query *query,
    char *name, size_t size)
{
	struct db_query *one = &segments_sql[SQL_SEGMENT];
	struct db_param params[2];
	char view[2001], *end;
	long long id;
	size_t i;
	int found;

	for (i = 0; i < BUILTIN_COUNT; i++)
		if (strcmp(which, builtins[i].word) == 0) {
			snprintf(name, size, "%s", request_text(req, builtins[i].label));
			return view_query(req, builtins[i].view, query);
		}
	id = strtoll(which, &end, 10);
	if (*which < '1' || *which > '9' || *end != '\0' || id <= 0)
		return 404;
	params[0] = DB_INT(id);
	params[1] = DB_INT(req->shop.id);
	if (sql_ready(req) != 0 || db_exec(&req->app->db, one, params, 2) < 0)
		return -1;
	found = db_fetch(one) == 1;
	if (found) {
		snprintf(name, size, "%s", db_text(one, 1));
		snprintf(view, sizeof(view), "%s", db_text(one, 2));
	}
	db_done(one);
	return found ? view_query(req, view, query) : 404;
}
