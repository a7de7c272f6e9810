/*
 * A customer's groups and tags (issue 16), for whoever changes them: the
 * customer's page and forms (customers.fcgi), the bulk form and the groups
 * and tags pages (groups.fcgi). Every change writes the customer's timeline
 * ("customer.group_added", "customer.tag_removed", ..., the group's or
 * tag's name as the detail) by the context's actor, inside the caller's
 * transaction; nothing here commits.
 *
 * Every function takes ids as a client sent them and checks them against
 * the context's shop: another shop's group, tag or customer is
 * GROUPING_NOT_FOUND and nothing is changed.
 */
#ifndef FIDELE_GROUPING_H
#define FIDELE_GROUPING_H

#include <stddef.h>

#include "context.h"

/* The most tags a shop has (seed 004). */
#define GROUPING_TAGS_MAX 250
/* The most groups a customer's forms offer, and a shop has. */
#define GROUPING_GROUPS_MAX 200

enum grouping_result {
	GROUPING_ERROR = -1,	/* a database error, logged */
	GROUPING_OK = 0,
	GROUPING_NOT_FOUND,	/* no such customer, group or tag in the shop */
	GROUPING_TAG_LIMIT	/* a new tag would be the shop's 251st */
};

enum grouping_kind { GROUPING_GROUP, GROUPING_TAG };

/* Every group of the shop under Page.AllGroups.N (id, name, member: 1
 * when customer_id is in it; customer_id 0 for none), the customer's tags
 * under Customer.Tags.N (id, name) and every tag's name under
 * Page.TagNames.N (the suggestions). 0 or -1. */
int grouping_to_hdf(struct shop_context *ctx, long long customer_id, HDF *hdf);

/* Marks the groups of ids (n of them) as member under Page.AllGroups, for
 * a form shown again. */
void grouping_ticked_to_hdf(HDF *hdf, const long long *ids, size_t n);

/* Locks the shop's customer (not erased) for the transaction. Returns
 * GROUPING_OK, GROUPING_NOT_FOUND or GROUPING_ERROR. */
int grouping_lock_customer(struct shop_context *ctx, long long customer_id);

/* Makes the customer's groups exactly ids (n of them, each a group of the
 * shop, else GROUPING_NOT_FOUND before anything changes), one timeline
 * row per group joined or left. The customer is locked by the caller. */
int grouping_set_groups(struct shop_context *ctx, long long customer_id, const long long *ids,
    size_t n);

/* The shop's tag named name (case and accents folded), created when there
 * is none yet: then counted with the shop row locked, so that two requests
 * at once cannot make the 251st (GROUPING_TAG_LIMIT). *tag_id is its id;
 * its name as stored goes into stored (size). */
int grouping_tag_find_or_create(struct shop_context *ctx, const char *name, long long *tag_id,
    char *stored, size_t size);

/* Adds the tag to the customer (locked by the caller), or removes it,
 * with a timeline row when it changed anything. */
int grouping_tag_customer(struct shop_context *ctx, long long customer_id, long long tag_id,
    int adding);

/* The name of the shop's group or tag id into out. GROUPING_OK,
 * GROUPING_NOT_FOUND or GROUPING_ERROR. */
int grouping_name(struct shop_context *ctx, enum grouping_kind kind, long long id, char *out,
    size_t size);

/* Leaves in the selection (customer.h's bulk_selection) only the customers
 * the change applies to: those not yet in the group or tag when adding,
 * those in it when removing. Returns how many, or -1. */
long long grouping_selection_keep(struct shop_context *ctx, const unsigned char *selection,
    enum grouping_kind kind, long long id, int adding);

/* Adds every customer of the selection to the group or tag (or removes
 * them) with a timeline row each saying name, then empties the selection.
 * GROUPING_OK or GROUPING_ERROR. */
int grouping_change_selection(struct shop_context *ctx, const unsigned char *selection,
    enum grouping_kind kind, long long id, int adding, const char *name);

/* Writes a timeline row of kind for every member of the group or tag
 * (before it is deleted or merged away), detail saying what. 0 or -1. */
int grouping_members_event(struct shop_context *ctx, enum grouping_kind kind, long long id,
    const char *event, const char *detail);

#endif
