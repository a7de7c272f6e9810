/*
 * A view of the customer list (its filters, and its order) in words, in
 * the admin's language: the export page says what it exports, the
 * segments page what each saved segment holds, the list which import it
 * shows. Linked into customers.fcgi, export.fcgi and groups.fcgi, which
 * read Lang's View, Customers and Source.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "view-words.h"

/* Adds one line of the view in words under node: label (a Lang key) and
 * value (shown as is). */
static void
view_line(struct request *req, HDF *node, int *n, const char *label, const char *value)
{
	char name[16];

	snprintf(name, sizeof(name), "%d.Label", *n);
	hdf_set_value(node, name, request_text(req, label));
	snprintf(name, sizeof(name), "%d.Value", *n);
	hdf_set_value(node, name, value);
	(*n)++;
}

/* "from 01/02/2024 to 31/12/2024", "from …", "until …" of a range of dates
 * or numbers (already written) into out. */
static void
view_range(struct request *req, const char *from, const char *to, char *out, size_t size)
{
	if (*from != '\0' && *to != '\0')
		snprintf(out, size, "%s %s %s %s", request_text(req, "View.From"), from,
		    request_text(req, "View.To"), to);
	else if (*from != '\0')
		snprintf(out, size, "%s %s", request_text(req, "View.AtLeast"), from);
	else
		snprintf(out, size, "%s %s", request_text(req, "View.AtMost"), to);
}

int
view_import_words(struct request *req, const struct customer_query *query, char *out,
    size_t size)
{
	char file[256], when[32], day[32];
	int missing = customer_query_import_name(query, &req->app->db, file, sizeof(file), when,
	    sizeof(when));

	out[0] = '\0';
	if (missing < 0 || query->import_id <= 0)
		return missing;
	if (missing) {
		snprintf(out, size, "%s", request_text(req, "View.Gone"));
		return 1;
	}
	format_local_date(when, req->shop.time_zone, req->lang, day, sizeof(day));
	if (file[0] == '\0')
		snprintf(out, size, "%s %s %s", request_text(req, "View.Pasted"),
		    request_text(req, "View.Of"), day);
	else
		snprintf(out, size, "%s%s%s %s %s", request_text(req, "Typo.Open"), file,
		    request_text(req, "Typo.Close"), request_text(req, "View.Of"), day);
	return 0;
}

/* Issue 16's filters in words: the group's and the tag's names (or that
 * they no longer exist), and "first order in the last N days". */
static void
view_slices(struct request *req, HDF *node, int *n, const struct customer_query *query)
{
	char group[128], tag[128], text[160];
	int missing = customer_query_slice_names(query, &req->app->db, group, sizeof(group), tag,
	    sizeof(tag));

	if (query->group_id > 0)
		view_line(req, node, n, "View.Group", missing != 0 && group[0] == '\0' ?
		    request_text(req, "View.Gone") : group);
	if (query->tag_id > 0)
		view_line(req, node, n, "View.Tag", missing != 0 && tag[0] == '\0' ?
		    request_text(req, "View.Gone") : tag);
	if (query->first_days > 0) {
		snprintf(text, sizeof(text), "%lld %s", query->first_days,
		    request_text(req, "View.Days"));
		view_line(req, node, n, "View.FirstOrder", text);
	}
	if (query->import_id > 0) {
		char import[400];

		view_import_words(req, query, import, sizeof(import));
		view_line(req, node, n, "View.Import", import);
	}
}

void
view_words(struct request *req, const struct customer_query *query, HDF *node, int with_order)
{
	static const struct {
		enum customer_key from, to;
		const char *label;
		int dates;	/* 0 numbers, 1 dates, 2 amounts */
	} ranges[] = {
		{ CUSTOMER_KEY_FROM, CUSTOMER_KEY_TO, "View.SignedUp", 1 },
		{ CUSTOMER_KEY_ORDERS_MIN, CUSTOMER_KEY_ORDERS_MAX, "View.Orders", 0 },
		{ CUSTOMER_KEY_SPENT_MIN, CUSTOMER_KEY_SPENT_MAX, "View.Spent", 2 },
		{ CUSTOMER_KEY_LAST_FROM, CUSTOMER_KEY_LAST_TO, "View.LastOrder", 1 },
	};
	char key[96], from[64], to[64], text[512];
	int n = 0;
	size_t r;

	if (query->search[0] != '\0') {
		snprintf(text, sizeof(text), "%s%s%s", request_text(req, "Typo.Open"),
		    query->search, request_text(req, "Typo.Close"));
		view_line(req, node, &n, "View.Search", text);
	}
	snprintf(key, sizeof(key), "Customers.StatusChoice.%s",
	    customer_query_keys[CUSTOMER_KEY_STATUS].field.choices[query->status]);
	view_line(req, node, &n, "View.Status", request_text(req, key));
	if (query->source != CUSTOMER_SOURCE_ANY) {
		snprintf(key, sizeof(key), "Source.%s",
		    customer_query_keys[CUSTOMER_KEY_SOURCE].field.choices[query->source]);
		view_line(req, node, &n, "View.Source", request_text(req, key));
	}
	if (query->consent != CUSTOMER_CONSENT_ANY)
		view_line(req, node, &n, "View.Consent", request_text(req,
		    query->consent == CUSTOMER_CONSENT_YES ? "View.Yes" : "View.No"));
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		customer_query_value(query, ranges[r].from, from, sizeof(from));
		customer_query_value(query, ranges[r].to, to, sizeof(to));
		if (from[0] == '\0' && to[0] == '\0')
			continue;
		if (ranges[r].dates == 1) {
			char written[64];

			format_date(from, req->lang, written, sizeof(written));
			snprintf(from, sizeof(from), "%s", written);
			format_date(to, req->lang, written, sizeof(written));
			snprintf(to, sizeof(to), "%s", written);
		} else if (ranges[r].dates == 2) {
			/* whole units of the shop's currency */
			if (from[0] != '\0')
				format_money(atoll(from) * 100, req->shop.currency, req->lang, from,
				    sizeof(from));
			if (to[0] != '\0')
				format_money(atoll(to) * 100, req->shop.currency, req->lang, to,
				    sizeof(to));
		}
		view_range(req, from, to, text, sizeof(text));
		view_line(req, node, &n, ranges[r].label, text);
	}
	view_slices(req, node, &n, query);
	if (!with_order)
		return;
	snprintf(key, sizeof(key), "View.Sort.%s",
	    customer_query_keys[CUSTOMER_KEY_SORT].field.choices[query->sort]);
	snprintf(text, sizeof(text), "%s, %s", request_text(req, key),
	    request_text(req, query->descending ? "View.Sort.Down" : "View.Sort.Up"));
	view_line(req, node, &n, "View.Order", text);
}
