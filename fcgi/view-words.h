/*
 * A view of the customer list in words (view-words.c).
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

#endif
