/*
 * A view of the customer list in words (view-words.c): linked into
 * customers.fcgi, export.fcgi and groups.fcgi.
 */
#ifndef FIDELE_VIEW_WORDS_H
#define FIDELE_VIEW_WORDS_H

#include "lib/customer_query.h"
#include "lib/request.h"

/* Sets node's N.Label / N.Value: the view's filters in words, in the
 * admin's language (a search, the status, a range of dates, a group that
 * no longer exists...), then its order when with_order. Label is a Lang
 * text ending with its colon; Value is shown as is. */
void view_words(struct request *req, const struct customer_query *query, HDF *node,
    int with_order);

/* The query's import in words into out: "« membres.csv » du 05/12/2026",
 * "Liste collée du …", or that it no longer exists ("" without an
 * import). Returns customer_query_import_name's 0, 1 or -1. */
int view_import_words(struct request *req, const struct customer_query *query, char *out,
    size_t size);

#endif
