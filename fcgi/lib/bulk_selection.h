/*
 * The customers a bulk form chose, read the same way by every bulk page
 * (the list's actions in customers.fcgi, groups and tags in groups.fcgi):
 * the ticked rows (at most BULK_SELECTION_TICKED of the shop's customers)
 * or everything the list's search and filters match, put in
 * bulk_selection under a random selection id inside the caller's
 * transaction (customer.h), and the first few of them named for the
 * confirmation.
 */
#ifndef FIDELE_BULK_SELECTION_H
#define FIDELE_BULK_SELECTION_H

#include "customer_query.h"
#include "request.h"

/* The most rows a bulk form may tick (a page of the list and then some). */
#define BULK_SELECTION_TICKED 200

/* Fills selection (16 bytes) with the ticked ids of ids_field, each only
 * when it is one of the shop's customers, or, when everything, with what
 * the request's filters match (read into query, which the caller keeps for
 * the job). Returns how many customers it holds, or -1 (answered: 400 for
 * filters that are not valid, 500). */
long long bulk_selection_fill(struct request *req, struct customer_query *query,
    int everything, const struct field *ids_field, const unsigned char *selection);

/* The first customers of selection in the list's order under
 * Page.Names.N (first_name, last_name, email), and how many others there
 * are of count under Page.Others. 0, or -1 (answered 500). */
int bulk_selection_names(struct request *req, const unsigned char *selection, long long count);

#endif
