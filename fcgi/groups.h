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

/* mailings (groups-mailing.c) */
extern const struct field mailing_compose_fields[];
extern const struct field mailing_send_fields[];
void mailing_compose(struct request *req);
void mailing_send(struct request *req);
void mailings_page(struct request *req);

#endif
