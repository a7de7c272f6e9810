/*
 * groups.fcgi (issue 16): ways of slicing a shop's customers, and the
 * shop's own site talking to us. groups.c holds the route table and main;
 * each part has its files:
 *
 *   groups-groups.c    groups: discount, CSS class, members (/admin/groups...)
 *   groups-bulk.c      groups and tags of the list's ticked rows or of
 *                      everything it matches (/admin/groups/bulk)
 *   groups-tags.c      free tags, at most 250 a shop (/admin/tags...)
 *   groups-shared.c    what the groups and tags pages share (a delete,
 *                      the end of a customer's change)
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

#include <stddef.h>

#include "lib/app.h"
#include "lib/grouping.h"

/* what the groups and the tags pages share (groups-shared.c) */

/* Locks the row of the path's group or tag with lock (its id, name; the
 * path's id, the shop: request_lock_path_row's, which begins the
 * transaction) and copies its name into name (size). 1; else the error
 * page is answered (500, or 404 when it is not the shop's) and 0. */
int groups_lock_path_name(struct request *req, struct db_query *lock, char *name, size_t size);

/* How a group or a tag is deleted: its statements, registered by the
 * caller, and what is said. */
struct groups_deletion {
	enum grouping_kind kind;
	struct db_query *lock;		/* as groups_lock_path_name's */
	struct db_query *remove;	/* the path's id, the shop */
	const char *event;		/* on each member's timeline, the name as detail */
	const char *notice;		/* page_notice's key once deleted */
	const char *back;		/* where to go then */
};
/* Deletes the path's group or tag: locks it, writes the event on each
 * member's timeline, deletes it, commits and redirects with the notice;
 * else answers the error page (nothing changed). */
void groups_delete_row(struct request *req, const struct groups_deletion *what);

/* The names of the shop's saved segments that filter on the path's group
 * or tag (kind), into Page.Segments.0, .1 ...: the delete pages warn that
 * they will find nobody once it is gone. 0 or -1. */
int groups_segments_using(struct request *req, enum grouping_kind kind);

/* Ends a change of the path's customer's groups or tags, begun in a
 * transaction: result (a grouping_result) GROUPING_OK commits and
 * redirects to the customer's page with the notice; else the change is
 * rolled back and the error page answered (404 saying not_found, may be
 * NULL; 400 for GROUPING_TAG_LIMIT; 500). */
void groups_customer_done(struct request *req, int result, const char *not_found,
    const char *notice);

/* groups (groups-groups.c, groups-bulk.c) */
enum group_field { GROUP_FIELD_NAME, GROUP_FIELD_DESCRIPTION, GROUP_FIELD_DISCOUNT,
	GROUP_FIELD_CSS_CLASS, GROUP_FIELD__MAX };
extern const struct field group_fields[GROUP_FIELD__MAX + 1];
enum group_member_field { GROUP_MEMBER_GROUP, GROUP_MEMBER__MAX };
extern const struct field group_member_fields[GROUP_MEMBER__MAX + 1];
extern struct field groups_bulk_fields[];

/* A discount as typed ("12,5", "12.50", "7 %", "" for none) into
 * hundredths of a percent. 0, or -1 when it is not a number from 0 to 100
 * with at most two decimals. */
int groups_discount_parse(const char *text, long long *out);
/* Hundredths of a percent as the shop's language writes it ("12,5"). */
void groups_discount_text(long long bp, enum lang lang, char *out, size_t size);

void groups_page(struct request *req);
void groups_create(struct request *req);
void groups_edit_form(struct request *req);
void groups_update(struct request *req);
void groups_delete_form(struct request *req);
void groups_delete(struct request *req);
void groups_customer_set(struct request *req);
int groups_bulk_setup(void);
void groups_bulk(struct request *req);

/* tags (groups-tags.c) */
enum tag_rename_field { TAG_RENAME_NAME, TAG_RENAME__MAX };
extern const struct field tag_rename_fields[TAG_RENAME__MAX + 1];
enum tag_merge_field { TAG_MERGE_FROM, TAG_MERGE_INTO, TAG_MERGE__MAX };
extern const struct field tag_merge_fields[TAG_MERGE__MAX + 1];
enum tag_customer_field { TAG_CUSTOMER_NAME, TAG_CUSTOMER__MAX };
extern const struct field tag_customer_fields[TAG_CUSTOMER__MAX + 1];
enum tag_remove_field { TAG_REMOVE_TAG, TAG_REMOVE__MAX };
extern const struct field tag_remove_fields[TAG_REMOVE__MAX + 1];

void tags_page(struct request *req);
void tags_rename(struct request *req);
void tags_merge(struct request *req);
void tags_delete_form(struct request *req);
void tags_delete(struct request *req);
void tags_customer_add(struct request *req);
void tags_customer_remove(struct request *req);

/* saved segments (groups-segments.c) */
extern const struct field segment_fields[];
extern const struct field segment_rename_fields[];
void segments_page(struct request *req);
void segments_create(struct request *req);
/* a segment's name or view the door refused (create and rename) */
void segments_invalid(struct request *req);
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
void mailing_page(struct request *req);

/* the storefront API and its keys (groups-api.c, groups-keys.c) */
enum { API_CUSTOMER_EMAIL, API_CUSTOMER__MAX };
extern const struct field api_customer_fields[API_CUSTOMER__MAX + 1];
void api_customer(struct request *req);
void api_orders(struct request *req);
enum { KEYS_NAME, KEYS_ONCE, KEYS__MAX };
extern const struct field keys_new_fields[KEYS__MAX + 1];
void keys_page(struct request *req);
void keys_create(struct request *req);
void keys_create_invalid(struct request *req);
void keys_revoke_form(struct request *req);
void keys_revoke(struct request *req);

#endif
