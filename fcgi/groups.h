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

/* saved segments (groups-segments.c) */
extern const struct field segment_fields[];
extern const struct field segment_rename_fields[];
void segments_page(struct request *req);
void segments_create(struct request *req);
void segments_open(struct request *req);
void segments_open_new(struct request *req);
void segments_open_returning(struct request *req);
void segments_rename(struct request *req);
void segments_delete(struct request *req);
/* The customer query of a segment of the request's shop, for a mailing:
 * which is a saved segment's id ("12") or a built-in's word ("new",
 * "returning"); its name into name. Returns 0, 1 when its filters no
 * longer exist (a deleted group or tag: query then matches nobody, or an
 * unreadable view: query is not to be used), 404 when the shop has no
 * such segment, -1 on a database error. */
struct customer_query;
int segments_target_query(struct request *req, const char *which, struct customer_query *query,
    char *name, size_t size);
/* mailings (groups-mailing.c) */
extern const struct field mailing_compose_fields[];
extern const struct field mailing_send_fields[];
void mailing_compose(struct request *req);
void mailing_send(struct request *req);
void mailings_page(struct request *req);

#endif
