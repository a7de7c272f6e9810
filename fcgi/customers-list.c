/*
 * The customer list of customers.fcgi (/admin/customers): one page of the
 * customers a struct customer_query means (fcgi/lib/customer_query.h),
 * where it is in the list and how many there are, the links to the pages
 * around it and to the other orders, and the filter form as it was sent.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/customer_query.h"
#include "lib/format.h"
#include "lib/page.h"
#include "lib/request.h"
#include "lib/row_template.h"
#include "lib/session.h"
#include "lib/text.h"
#include "customers-list.h"
#include "view-words.h"

struct field customers_list_fields[CUSTOMER_KEY__MAX + 1];

/* The list's banners, from what the door read for the signed-in admin
 * (session.h): how many of the shop's mails failed, and the bulk action
 * under way, whose page says how far it got. */
static void
list_banners(struct request *req)
{
	if (req->session.failed_mails > 0)
		hdf_set_int_value(req->hdf, "Page.FailedMails", (int)req->session.failed_mails);
	if (req->session.job_id > 0)
		hdf_set_int_value(req->hdf, "Page.RunningJob", (int)req->session.job_id);
}

/* Counts over the cap, kept per process: a list that matched more than
 * CUSTOMER_COUNT_CAP customers says "more than 1,000" for COUNT_KEEP_SECONDS
 * without counting again (that count reads 1,001 index entries, the most
 * expensive statement of a first page). Counts under the cap are never
 * kept: a list of 40 customers says 41 as soon as one is added. */
#define COUNT_KEEP_SECONDS 60
#define COUNTS_KEPT 32

static struct kept_count {
	long long shop_id;
	time_t at;
	char filters[1600];
} kept_counts[COUNTS_KEPT];

/* The capped count of the query's customers (page 1 of a list without a
 * search walk), kept when over the cap. -1 on error. */
static long long
list_count(struct request *req, struct customer_query *query)
{
	struct kept_count *oldest = &kept_counts[0];
	char filters[sizeof(oldest->filters)];
	time_t now = time(NULL);
	long long count;
	int i;

	if (customer_query_filters_text(query, filters, sizeof(filters)) != 0)
		return customer_query_count(query, &req->app->db);
	for (i = 0; i < COUNTS_KEPT; i++) {
		struct kept_count *kept = &kept_counts[i];

		if (kept->shop_id == query->shop_id && now - kept->at < COUNT_KEEP_SECONDS &&
		    now >= kept->at && strcmp(kept->filters, filters) == 0)
			return CUSTOMER_COUNT_CAP + 1;
		if (kept->at < oldest->at)
			oldest = kept;
	}
	count = customer_query_count(query, &req->app->db);
	if (count > CUSTOMER_COUNT_CAP) {
		oldest->shop_id = query->shop_id;
		oldest->at = now;
		snprintf(oldest->filters, sizeof(oldest->filters), "%s", filters);
	}
	return count;
}

/* The view (the filters, the order and the page size) as the query
 * string of its first page into out; its filters alone into filters. */
static void
view_text(const struct customer_query *query, char *filters, size_t filters_size, char *out,
    size_t size)
{
	char sort[16], dir[16];

	customer_query_filters_text(query, filters, filters_size);
	customer_query_value(query, CUSTOMER_KEY_SORT, sort, sizeof(sort));
	customer_query_value(query, CUSTOMER_KEY_DIR, dir, sizeof(dir));
	snprintf(out, size, "%ssort=%s&dir=%s&size=%d", filters, sort, dir, query->size);
}

/* The filters as a query string (values URL-escaped) for the pager and the
 * sort links, and each value back under Page.Filter.* for the form; the
 * view (the filters, the order and the page size) as the query string of
 * its first page; whether a filter other than the search is set (the
 * filter form opens by itself). */
static void
list_view_links(struct request *req, const struct customer_query *query)
{
	char filters[1600], sort[16], dir[16], view[sizeof(filters) + 64];
	char value[sizeof(query->search)];
	int k;

	view_text(query, filters, sizeof(filters), view, sizeof(view));
	customer_query_filters_hdf(query, req->hdf, "Page.Filter");
	hdf_set_value(req->hdf, "Page.Filters", filters);
	customer_query_value(query, CUSTOMER_KEY_SORT, sort, sizeof(sort));
	customer_query_value(query, CUSTOMER_KEY_DIR, dir, sizeof(dir));
	hdf_set_value(req->hdf, "Page.Sort", sort);
	hdf_set_value(req->hdf, "Page.Dir", dir);
	hdf_set_int_value(req->hdf, "Page.Size", query->size);
	hdf_set_value(req->hdf, "Page.View", view);
	/* the form's own filters: the search has its box, the import its
	 * line above the list (list_import) */
	for (k = 0; k < CUSTOMER_FILTER__MAX; k++)
		if (k != CUSTOMER_KEY_Q && k != CUSTOMER_KEY_IMPORT &&
		    customer_query_value(query, (enum customer_key)k, value, sizeof(value))[0] != '\0') {
			hdf_set_value(req->hdf, "Page.FiltersOpen", "1");
			break;
		}
	hdf_set_value(req->hdf, "Page.Filter.status", customer_query_keys[CUSTOMER_KEY_STATUS]
	    .field.choices[query->status]);
	/* the total spent's filter is in the shop's currency */
	hdf_set_value(req->hdf, "Page.Currency", format_currency_symbol(req->shop.currency));
}

/* Page.MayExport when the admin may export (the list's "Exporter"
 * button; export.fcgi asks again). */
static void
list_export_button(struct request *req)
{
	if (session_may_export(req) == 1)
		hdf_set_value(req->hdf, "Page.MayExport", "1");
}

void
customers_list_links(struct request *req)
{
	static struct customer_query query;

	if (customer_query_from_request(&query, req) == NULL)
		list_view_links(req, &query);
}


/* The values of a line of customers/list-row.cs, in row_fields' order. */
enum row_field {
	ROW_ID,
	ROW_FIRST_NAME,
	ROW_LAST_NAME,
	ROW_EMAIL,
	/* the address cut before its last "@", where the template lets the
	 * line break (a narrow column broke it anywhere: "exemp|le.fr") */
	ROW_EMAIL_USER,
	ROW_EMAIL_DOMAIN,
	ROW_LABEL,		/* the name as plain text for the tick box, else the address */
	ROW_PHONE,
	ROW_STATUS,
	ROW_STATUS_LABEL,	/* Lang.Status.<status> */
	ROW_CREATED,
	ROW_ORDERS,
	ROW_SPENT,
	ROW_LAST_ORDER,
	ROW__MAX
};

static const char *const row_fields[ROW__MAX] = {
	[ROW_ID] = "id",
	[ROW_FIRST_NAME] = "first_name",
	[ROW_LAST_NAME] = "last_name",
	[ROW_EMAIL] = "email",
	[ROW_EMAIL_USER] = "email_user",
	[ROW_EMAIL_DOMAIN] = "email_domain",
	[ROW_LABEL] = "label",
	[ROW_PHONE] = "phone",
	[ROW_STATUS] = "status",
	[ROW_STATUS_LABEL] = "status_label",
	[ROW_CREATED] = "created",
	[ROW_ORDERS] = "orders",
	[ROW_SPENT] = "spent",
	[ROW_LAST_ORDER] = "last_order",
};

/* customers/list-row.cs, read once per process (restart the programs
 * after changing it, as for every template: page.c). */
static struct row_template *
list_row_template(struct request *req)
{
	static struct row_template *template;
	char path[1024];

	if (template == NULL) {
		snprintf(path, sizeof(path), "%s/templates/customers/list-row.cs",
		    req->app->data_dir);
		template = row_template_load(path, row_fields, ROW__MAX);
	}
	return template;
}

/* The statuses' labels in the page's language, each looked up once a
 * page (the labels point into the language tree). */
#define STATUS_LABELS_MAX 8

struct status_labels {
	int count;
	struct {
		char status[24];
		const char *label;
	} seen[STATUS_LABELS_MAX];
};

/* Lang.Status.<status>, as the list's template said it. */
static const char *
status_label(struct request *req, const char *status, struct status_labels *labels)
{
	char key[64];
	const char *label;
	int i;

	if (status == NULL)
		return NULL;
	for (i = 0; i < labels->count; i++)
		if (strcmp(labels->seen[i].status, status) == 0)
			return labels->seen[i].label;
	snprintf(key, sizeof(key), "Lang.Status.%s", status);
	label = hdf_get_value(req->hdf, key, NULL);
	if (labels->count < STATUS_LABELS_MAX && strlen(status) < sizeof(labels->seen[0].status)) {
		snprintf(labels->seen[labels->count].status, sizeof(labels->seen[0].status), "%s",
		    status);
		labels->seen[labels->count++].label = label;
	}
	return label;
}

/* "Last, First", or the one there is, as plain text into label (cut to
 * size); returns label. Without snprintf: it is called for every row. */
static const char *
name_label(const char *last, const char *first, char *label, size_t size)
{
	const char *parts[] = { last, *last && *first ? ", " : "", first };
	size_t used = 0, length, i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		length = strlen(parts[i]);
		if (length > size - 1 - used)
			length = size - 1 - used;
		memcpy(label + used, parts[i], length);
		used += length;
	}
	label[used] = '\0';
	return label;
}

/* What the name cell shows after the family name: the first name, or for
 * a customer known only by a company (a restaurant buying from a farm),
 * the company, rather than a dash. NOT NULL columns, but not trusted. */
static const char *
shown_first_name(const char *first, const char *last, const char *company)
{
	if (first != NULL && *first != '\0')
		return first;
	if ((last == NULL || *last == '\0') && company != NULL)
		return company;
	return "";
}

/* The date of a datetime column of the current row in the shop's zone,
 * the shop's way, into out: from the time the row holds, without its text
 * (a list page has a hundred dates). */
static void
row_date(struct request *req, struct db_query *query, unsigned int col, char *out, size_t size)
{
	int utc[6];

	if (db_datetime(query, col, utc) == 0)
		format_local_date_of(utc, req->shop.time_zone, req->lang, out, size);
	else
		format_local_date(db_text(query, col), req->shop.time_zone, req->lang, out,
		    size);
}

/* Writes the current row of query as a line of the list into out, with
 * money and dates written the shop's way. 0, or -1 when out of memory. */
static int
row_to_page(struct request *req, struct db_query *query, const struct row_template *template,
    struct status_labels *labels, STRING *out)
{
	const char *values[ROW__MAX];
	char label[1024], created[64], spent[64], last_order[64], user[1024], phone[64];
	const char *first = db_text(query, 1), *last = db_text(query, 2), *email = db_text(query, 3);

	first = shown_first_name(first, last, db_text(query, CUSTOMER_COL_COMPANY));
	last = last != NULL ? last : "";
	values[ROW_ID] = db_text(query, 0);
	values[ROW_FIRST_NAME] = first;
	values[ROW_LAST_NAME] = last;
	values[ROW_EMAIL] = email;
	values[ROW_EMAIL_USER] = format_email_user(email, user, sizeof(user),
	    &values[ROW_EMAIL_DOMAIN]);
	values[ROW_LABEL] = *last != '\0' || *first != '\0' ?
	    name_label(last, first, label, sizeof(label)) : email;
	values[ROW_PHONE] = format_phone(db_text(query, 4), phone, sizeof(phone));
	values[ROW_STATUS] = db_text(query, 5);
	values[ROW_STATUS_LABEL] = status_label(req, values[ROW_STATUS], labels);
	row_date(req, query, 6, created, sizeof(created));
	values[ROW_CREATED] = created;
	values[ROW_ORDERS] = db_text(query, 7);
	format_money(db_int(query, 8), req->shop.currency, req->lang, spent, sizeof(spent));
	values[ROW_SPENT] = spent;
	row_date(req, query, 9, last_order, sizeof(last_order));
	values[ROW_LAST_ORDER] = last_order;
	return row_template_write(template, values, out);
}

/* Copies the current row of query into Customers.N, with money and dates
 * written the shop's way: the table of chosen columns (customers/columns.cs
 * and customers-columns.c, which adds each row's flags, groups and tags)
 * reads its rows from the tree; the default table has the row template. */
static void
row_to_tree(struct request *req, struct db_query *query, int n)
{
	HDF *row;
	char name[32], text[1024];
	const char *first = db_text(query, 1), *last = db_text(query, 2), *email = db_text(query, 3);

	first = shown_first_name(first, last, db_text(query, CUSTOMER_COL_COMPANY));
	last = last != NULL ? last : "";
	snprintf(name, sizeof(name), "Customers.%d", n);
	if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
		return;
	hdf_set_value(row, "id", db_text(query, 0));
	hdf_set_value(row, "first_name", first);
	hdf_set_value(row, "last_name", last);
	hdf_set_value(row, "email", email);
	/* the name as plain text for the tick box's label, else the address */
	hdf_set_value(row, "label", *last != '\0' || *first != '\0' ?
	    name_label(last, first, text, sizeof(text)) : email);
	hdf_set_value(row, "phone", format_phone(db_text(query, 4), text, sizeof(text)));
	hdf_set_value(row, "status", db_text(query, 5));
	row_date(req, query, 6, text, sizeof(text));
	hdf_set_value(row, "created", text);
	hdf_set_value(row, "orders", db_text(query, 7));
	format_money(db_int(query, 8), req->shop.currency, req->lang, text, sizeof(text));
	hdf_set_value(row, "spent", text);
	row_date(req, query, 9, text, sizeof(text));
	hdf_set_value(row, "last_order", text);
}

/* Shows the current row of the page's result as its line i: into Page.Rows
 * through the row template (lines), or into the tree for the table of
 * chosen columns (lines NULL). The first line's cursor is the link back.
 * 0, or -1 when the line cannot be written. */
static int
row_shown(struct request *req, struct customer_query *query, struct db_query *rows,
    const struct row_template *template, struct status_labels *labels, STRING *lines, int i)
{
	char cursor[CUSTOMER_CURSOR_LINK_MAX + 1];

	if (lines == NULL)
		row_to_tree(req, rows, i);
	else if (row_to_page(req, rows, template, labels, lines) != 0)
		return -1;
	if (i == 0) {
		customer_query_cursor_link(query, rows, cursor, sizeof(cursor));
		hdf_set_value(req->hdf, "Page.BeforeCursor", cursor);
	}
	return 0;
}

/* Sets the last line's cursor and the count read with the page from the
 * current row of the page's result, the last line's. */
static void
last_row_shown(struct request *req, struct customer_query *query, struct db_query *rows)
{
	char cursor[CUSTOMER_CURSOR_LINK_MAX + 1];

	customer_query_cursor_link(query, rows, cursor, sizeof(cursor));
	hdf_set_value(req->hdf, "Page.AfterCursor", cursor);
	if (db_text(rows, CUSTOMER_COL_MATCHING) != NULL)
		query->matching = db_int(rows, CUSTOMER_COL_MATCHING);
}

/* Shows up to size rows of the page's result in the list's order, each
 * customer once, as Page.Rows, written by the row template (Page.RowBack
 * must be set), and sets the links to the pages around it. A page read
 * forwards is shown as it is read, a row of the customer of the row before
 * left out (a word's terms that start alike: query->repeats); a page read
 * backwards is turned round, its distinct rows noted first
 * (customer_query_page). Returns the number of rows shown, or -1 when the
 * rows cannot be written. */
static int
rows_to_page(struct request *req, struct customer_query *query, struct db_query *rows)
{
	struct row_template *template = list_row_template(req);
	struct status_labels labels = { 0 };
	int chosen = hdf_get_int_value(req->hdf, "Page.Chosen", 0);
	int more = 0, shown = 0, i;
	unsigned long long r, last = 0;
	long long id, previous = 0;
	STRING *lines = chosen ? NULL : page_part(req, "Page.Rows");

	if (template == NULL || row_template_page(template, req->hdf) != 0 ||
	    (!chosen && lines == NULL)) {
		db_done(rows);
		return -1;
	}
	if (query->backwards) {
		more = query->distinct > query->size;
		shown = more ? query->size : query->distinct;
		for (i = 0; i < shown; i++) {
			db_seek(rows, query->row[shown - 1 - i]);
			if (db_fetch(rows) != 1)
				break;
			if (row_shown(req, query, rows, template, &labels, lines, i) != 0) {
				db_done(rows);
				return -1;
			}
		}
		/* the last line's row is the one read last */
		if (shown > 0 && i == shown)
			last_row_shown(req, query, rows);
	} else {
		for (r = 0; shown < query->size && db_fetch(rows) == 1; r++) {
			if (query->repeats) {
				id = db_int(rows, 0);
				if (r > 0 && id == previous)
					continue;
				previous = id;
			}
			if (row_shown(req, query, rows, template, &labels, lines, shown) != 0) {
				db_done(rows);
				return -1;
			}
			last = r;
			shown++;
		}
		if (shown == query->size) {
			/* the page is full: its last row is the one read; another
			 * page follows when a row of another customer does */
			last_row_shown(req, query, rows);
			if (!query->repeats)
				more = db_row_count(rows) > last + 1;
			while (query->repeats && !more && db_fetch(rows) == 1)
				more = db_int(rows, 0) != previous;
		} else if (shown > 0) {
			/* the result has ended: the last line's row read again
			 * rather than trust what an ended fetch left */
			db_seek(rows, last);
			if (db_fetch(rows) == 1)
				last_row_shown(req, query, rows);
		}
	}
	db_done(rows);
	/* back at the start: this is page 1 whatever the link said */
	if (query->backwards && !more)
		query->page = 1;
	if (query->page > 1 && shown > 0)
		hdf_set_int_value(req->hdf, "Page.Previous", (int)query->page - 1);
	if ((query->backwards && shown > 0) || (!query->backwards && more))
		hdf_set_int_value(req->hdf, "Page.Next", (int)query->page + 1);
	return shown;
}

/* Where the page is: "51–100", and of how many when that is known
 * ("sur 948", "sur plus de 1 000"), with the numbers written the shop's
 * way. A known total goes on in the page links (total=). */
static void
list_position(struct request *req, const struct customer_query *query, int shown,
    long long matching)
{
	long long first = (query->page - 1) * query->size + 1;
	char text[48];

	format_count(first, req->lang, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.Position.First", text);
	format_count(first + shown - 1, req->lang, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.Position.Last", text);
	if ((matching >= 0 && matching <= CUSTOMER_COUNT_CAP) || (matching > CUSTOMER_COUNT_CAP &&
	    (query->plan == CUSTOMER_PLAN_FILTERS || customer_query_counted(query) ||
	    query->total >= 0))) {
		format_count(matching > CUSTOMER_COUNT_CAP ? CUSTOMER_COUNT_CAP : matching,
		    req->lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Page.Position.Total", text);
		if (matching > CUSTOMER_COUNT_CAP)
			hdf_set_value(req->hdf, "Page.Position.MoreThan", "1");
		hdf_set_int_value(req->hdf, "Page.Total",
		    (int)(matching > CUSTOMER_COUNT_CAP ? CUSTOMER_COUNT_CAP + 1 : matching));
	} else if (matching > CUSTOMER_COUNT_CAP) {
		/* a search's walk: more than this page, how many is unknown */
		format_count(query->size, req->lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Page.Position.Total", text);
		hdf_set_value(req->hdf, "Page.Position.MoreThan", "1");
	}
}

/* This page's own address, URL-escaped, for the customers' links
 * (Page.RowBack, "?back=…"): their page's "all customers" comes back
 * here. */
static void
list_self_link(struct request *req, const struct customer_query *query)
{
	static const enum customer_key paging[] = { CUSTOMER_KEY_AFTER, CUSTOMER_KEY_BEFORE,
		CUSTOMER_KEY_PAGE, CUSTOMER_KEY_TOTAL };
	char self[BACK_MAX + 1], filters[1600], value[CUSTOMER_CURSOR_LINK_MAX + 1], plain[128];
	char back[sizeof("?back=") - 1 + 3 * BACK_MAX + 1];
	size_t used, i;

	customer_query_filters_text(query, filters, sizeof(filters));
	used = (size_t)snprintf(self, sizeof(self), "/admin/customers?%ssort=%s&dir=%s&size=%d",
	    filters, customer_query_keys[CUSTOMER_KEY_SORT].field.choices[query->sort],
	    customer_query_keys[CUSTOMER_KEY_DIR].field.choices[query->descending], query->size);
	for (i = 0; i < sizeof(paging) / sizeof(paging[0]) && used < sizeof(self); i++) {
		/* the page number and total as the link said them */
		const char *text = paging[i] == CUSTOMER_KEY_PAGE || paging[i] == CUSTOMER_KEY_TOTAL ?
		    request_field(req, &customers_list_fields[paging[i]]) :
		    customer_query_value(query, paging[i], value, sizeof(value));

		if (text != NULL && *text != '\0')
			used += (size_t)snprintf(self + used, sizeof(self) - used, "&%s=%s",
			    customer_query_keys[paging[i]].field.name, text);
	}
	/* from the first page of the list as it opens (every key at its
	 * default), a customer's page goes back there by itself: no link to
	 * carry on each row */
	snprintf(plain, sizeof(plain), "/admin/customers?sort=%s&dir=%s&size=%s",
	    customer_query_keys[CUSTOMER_KEY_SORT].field.choices[0],
	    customer_query_keys[CUSTOMER_KEY_DIR].field.choices[0],
	    customer_query_keys[CUSTOMER_KEY_SIZE].field.choices[0]);
	if (strcmp(self, plain) == 0)
		return;
	if (used >= sizeof(self))
		return;
	memcpy(back, "?back=", 6);
	if (text_url_escape(self, back + 6, sizeof(back) - 6) >= 0)
		hdf_set_value(req->hdf, "Page.RowBack", back);
}

/* An empty first page of the default status (active, invited, blocked):
 * whether the same view finds inactive or waiting customers, said with a
 * link to them (Page.Elsewhere, Page.ElsewhereView), so that a search for
 * someone made inactive is not answered "nobody". 0 or -1. */
static int
list_elsewhere(struct request *req, const struct customer_query *query)
{
	static struct customer_query wider;
	char filters[1600], view[sizeof(filters) + 64], text[32];
	long long count;

	if (query->status != CUSTOMER_STATUS_CURRENT || query->page != 1 || query->cursor ||
	    customer_query_from_request(&wider, req) != NULL)
		return 0;
	wider.status = CUSTOMER_STATUS_ALL;
	count = customer_query_count(&wider, &req->app->db);
	if (count <= 0)
		return count < 0 ? -1 : 0;
	view_text(&wider, filters, sizeof(filters), view, sizeof(view));
	hdf_set_value(req->hdf, "Page.ElsewhereView", view);
	format_count(count > CUSTOMER_COUNT_CAP ? CUSTOMER_COUNT_CAP : count, req->lang, text,
	    sizeof(text));
	hdf_set_value(req->hdf, "Page.Elsewhere", text);
	hdf_set_int_value(req->hdf, "Page.ElsewhereNumber", (int)count);
	if (count > CUSTOMER_COUNT_CAP)
		hdf_set_value(req->hdf, "Page.ElsewhereMore", "1");
	return 0;
}

/* The list of the customers an import created (the import's report links
 * to it): the import in words above the list (Page.Import.Words), or that
 * the shop has no such import (Page.Import.Missing), and the same view
 * without it (Page.Import.AllView). 0 or -1. */
static int
list_import(struct request *req, const struct customer_query *query)
{
	static struct customer_query all;
	char words[400], filters[1600], view[sizeof(filters) + 64];
	int missing;

	if (query->import_id <= 0)
		return 0;
	missing = view_import_words(req, query, words, sizeof(words));
	if (missing < 0)
		return -1;
	hdf_set_value(req->hdf, missing ? "Page.Import.Missing" : "Page.Import.Words", words);
	all = *query;
	all.import_id = -1;
	all.given[CUSTOMER_KEY_IMPORT] = 0;
	view_text(&all, filters, sizeof(filters), view, sizeof(view));
	hdf_set_value(req->hdf, "Page.Import.AllView", view);
	return 0;
}

void
customers_list(struct request *req)
{
	static struct customer_query query;
	struct db_query *rows;
	const char *problem = customer_query_from_request(&query, req);
	long long matching = -2;
	int shown;

	if (problem != NULL && strcmp(problem, "Error.Field.SearchShort") == 0) {
		/* said above the search box, where it can be typed again */
		hdf_set_value(req->hdf, "Page.Message", request_text(req, problem));
		hdf_set_value(req->hdf, "Page.Query", query.search);
		list_view_links(req, &query);
		customers_columns_load(req, &query);
		page_render(req, 400, "customers/list.cs");
		return;
	}
	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	rows = customer_query_page(&query, &req->app->db);
	if (rows == NULL) {
		page_error(req, 500, NULL);
		return;
	}
	/* the rows' links carry it */
	list_self_link(req, &query);
	/* the admin's columns first: they choose how the rows are written */
	if (customers_columns_load(req, &query) != 0) {
		db_done(rows);
		page_error(req, 500, NULL);
		return;
	}
	shown = rows_to_page(req, &query, rows);
	if (shown < 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* the count is said on the first page; the many matches of a walk,
	 * of one word's terms or of a walk that gave up are not counted (that
	 * would read them all): "more than a page" */
	if (query.page == 1 && !query.cursor) {
		if (shown < query.size)
			matching = shown;
		else if (query.matching >= 0)
			matching = query.matching;
		else if (query.plan == CUSTOMER_PLAN_FILTERS)
			matching = list_count(req, &query);
		else
			matching = CUSTOMER_COUNT_CAP + 1;
	}
	/* later pages say the count page 1 found, carried by the page links */
	if (matching == -2 && query.total >= 0)
		matching = query.total;
	if (matching == -1) {
		page_error(req, 500, NULL);
		return;
	}
	if (customers_columns_rows(req, &query) != 0 ||
	    (shown == 0 && list_elsewhere(req, &query) != 0) || list_import(req, &query) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	list_banners(req);
	list_export_button(req);
	list_view_links(req, &query);
	if (query.given[CUSTOMER_KEY_Q])
		hdf_set_value(req->hdf, "Page.Query", query.search);
	hdf_set_int_value(req->hdf, "Page.Number", (int)query.page);
	hdf_set_int_value(req->hdf, "Page.Shown", shown);
	list_position(req, &query, shown, matching);
	page_render(req, 200, "customers/list.cs");
}

int
customers_list_setup(void)
{
	return customer_query_fields(customers_list_fields,
	    sizeof(customers_list_fields) / sizeof(customers_list_fields[0]), NULL,
	    CUSTOMER_USE_PAGING) == 0 ? -1 : 0;
}
