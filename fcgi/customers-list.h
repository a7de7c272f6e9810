/*
 * The customer list (/admin/customers) of customers.fcgi: its route fields
 * and handler, and the list's links for the pages that lead back to it.
 */
#ifndef FIDELE_CUSTOMERS_LIST_H
#define FIDELE_CUSTOMERS_LIST_H

#include "lib/request.h"
#include "lib/customer_query.h"

/* The longest list address a customer's pages carry back to (back=). */
#define BACK_MAX 2000

/* The list's fields: the customer query's keys, paging included, each at
 * its key (customers_list_fields[CUSTOMER_KEY_PAGE]); filled by
 * customers_list_setup. */
extern struct field customers_list_fields[CUSTOMER_KEY__MAX + 1];

/* Builds customers_list_fields. 0, or -1 when they do not fit. */
int customers_list_setup(void);

/* GET: one page of the list. */
void customers_list(struct request *req);

/* The request's filters as the list's links and form values (Page.Filters,
 * Page.Filter.*), for the pages that send the admin back to the list. */
void customers_list_links(struct request *req);

/* The list's columns and its group and tag filters (customers-columns.c,
 * issue 16). */
#define COLUMNS_FIELDS_MAX 20
extern struct field columns_fields[COLUMNS_FIELDS_MAX];
/* Builds columns_fields. 0 or -1. */
int customers_columns_setup(void);
/* The admin's columns (Page.Col.<name>, Page.Chosen) and the shop's
 * groups and tags for the filter form; Page.SliceMissing when the query's
 * group or tag is not the shop's. 0 or -1. */
int customers_columns_load(struct request *req, const struct customer_query *query);
/* The data of the optional columns shown, for the page's rows. 0 or -1. */
int customers_columns_rows(struct request *req, const struct customer_query *query);
/* POST /admin/customers/columns: saves the admin's choice. */
void customers_columns_save(struct request *req);

#endif
