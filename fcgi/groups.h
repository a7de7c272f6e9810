/*
 * groups.fcgi (issue 16): ways of slicing a shop's customers, and the
 * shop's own site talking to us. groups.c holds the route table and main;
 * each part has its files:
 *
 *   groups-groups.c    groups: discount, CSS class, members (/admin/groups...)
 *   groups-tags.c      free tags, at most 250 a shop (/admin/tags...)
 *   groups-segments.c  saved list views, two built in (/admin/segments...)
 *   groups-mailing.c   mailing a group, a tag or a segment
 *                      (/admin/segments/mailings...)
 *   groups-api.c       the storefront API: customers out, orders in
 *                      (/api/v1/..., signed with the shop's keys)
 *
 * The schema is sql/019-groups.sql. Each file keeps its SQL in a table of
 * its own, registered on first use (db_register), so that the parts do not
 * share one enum.
 */
#ifndef FIDELE_GROUPS_H
#define FIDELE_GROUPS_H

#include "lib/app.h"

/* groups (groups-groups.c) */
void groups_page(struct request *req);

/* the storefront API and its keys (groups-api.c, groups-keys.c) */
enum { API_CUSTOMER_EMAIL, API_CUSTOMER__MAX };
extern const struct field api_customer_fields[API_CUSTOMER__MAX + 1];
void api_customer(struct request *req);
void api_orders(struct request *req);
enum { KEYS_NAME, KEYS__MAX };
extern const struct field keys_new_fields[KEYS__MAX + 1];
void keys_page(struct request *req);
void keys_create(struct request *req);
void keys_create_invalid(struct request *req);
void keys_revoke(struct request *req);

#endif
