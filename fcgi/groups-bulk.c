/*
 * Groups and tags in bulk (/admin/groups/bulk): the customer list's bulk
 * form sends its ticked rows, or its search and filters for "everything
 * that matches", here (its "Groups and tags..." button). The customers are
 * chosen as the list's other bulk actions choose them (bulk_selection.h),
 * then three steps: which group or tag and whether to add or remove, then
 * a confirmation saying how many customers it changes, then the change.
 * The ticked rows (at most BULK_SELECTION_TICKED) change in the request,
 * in one transaction. Everything that matches may be a whole shop: it is
 * queued as the list's bulk actions are, a customers.bulk job of the
 * worker (customers-bulkjob.h) that gives or takes the group or tag in
 * batches, and the admin follows it on its page (/admin/customers/jobs/N).
 * A tag to add that does not exist yet is made at the confirmation, with
 * the job: the 251st is refused there, while the admin is on the page,
 * rather than failing the job later.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/bulk_selection.h"
#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/customer_query.h"
#include "lib/grouping.h"
#include "lib/page.h"
#include "customers-bulkjob.h"
#include "groups.h"

static const char *const scope_names[] = { "ticked", "all", NULL };

/* The bulk form's fields as the list sends them (its action and reason
 * are the list's other actions', read by nobody here), then ours: the
 * group or tag to give or take is to_group / to_tag, since group and tag
 * are the list's filters, which the form carries with the rest of its view. */
enum groups_bulk_field { GB_ACTION, GB_REASON, GB_SCOPE, GB_ID, GB_OP, GB_GROUP, GB_TAG,
	GB_CONFIRM, GB__MAX };
static const struct field bulk_own_fields[GB__MAX + 1] = {
	[GB_ACTION] = { "action", FIELD_TEXT, 0, 12, 0, 0, NULL },
	[GB_REASON] = { "reason", FIELD_TEXT, 0, 500, 0, 0, NULL },
	[GB_SCOPE] = { "scope", FIELD_CHOICE, 0, 8, 0, 0, scope_names },
	[GB_ID] = { "id", FIELD_IDS, 0, 0, 0, BULK_SELECTION_TICKED, NULL },
	/* what is done: the job's actions (customers-bulkjob.h), of which
	 * only a group or tag given or taken is this form's */
	[GB_OP] = { "op", FIELD_CHOICE, 0, 12, 0, 0, bulk_action_names },
	[GB_GROUP] = { "to_group", FIELD_INT, 0, 20, 1, 9223372036854775807LL, NULL },
	[GB_TAG] = { "to_tag", FIELD_TEXT, 0, 50, 0, 0, NULL },
	[GB_CONFIRM] = { "confirm", FIELD_INT, 0, 1, 1, 1, NULL },
};

struct field groups_bulk_fields[GB__MAX + CUSTOMER_FILTER__MAX + 1];

int
groups_bulk_setup(void)
{
	return customer_query_fields(groups_bulk_fields,
	    sizeof(groups_bulk_fields) / sizeof(groups_bulk_fields[0]), bulk_own_fields,
	    CUSTOMER_USE_FILTER) == 0 ? -1 : 0;
}

/* What the pages carry back: the scope, the ticked ids, the filters. */
static void
bulk_carry(struct request *req, struct customer_query *query, int everything)
{
	long long ids[BULK_SELECTION_TICKED];
	size_t n = request_field_ids(req, &groups_bulk_fields[GB_ID], ids, BULK_SELECTION_TICKED),
	    i;
	char name[32], filters[1600];

	hdf_set_value(req->hdf, "Page.Scope", everything ? "all" : "ticked");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "Page.Ids.%zu", i);
		hdf_set_valuef(req->hdf, "%s=%lld", name, ids[i]);
	}
	if (customer_query_from_request(query, req) == NULL) {
		customer_query_filters_hdf(query, req->hdf, "Page.Filter");
		if (customer_query_filters_text(query, filters, sizeof(filters)) == 0)
			hdf_set_value(req->hdf, "Page.Filters", filters);
	}
}

/* The group or tag the form names: its id and name. For a tag to add
 * that does not exist yet, *id is 0 (made when confirmed). Returns 0; the
 * status (400, 404) when the admin's choice cannot be used (*problem: a
 * Lang key, for the choice page again, the selection kept); or -1
 * (answered). */
static int
bulk_target(struct request *req, enum bulk_action op, long long *id, char *name, size_t size,
    const char **problem)
{
	enum grouping_kind kind = bulk_actions[op].kind;
	const char *tag = request_field(req, &groups_bulk_fields[GB_TAG]);
	struct db_query *query;
	int found;

	*id = 0;
	if (kind == GROUPING_GROUP) {
		*id = request_field_int(req, &groups_bulk_fields[GB_GROUP], 0);
		if (*id == 0) {
			*problem = "Groups.Bulk.NoGroup";
			return 400;
		}
		found = grouping_name(&req->context, GROUPING_GROUP, *id, name, size);
		if (found == GROUPING_NOT_FOUND) {
			*problem = "Groups.NotFound";
			return 404;
		}
		if (found != GROUPING_OK) {
			page_error(req, 500, NULL);
			return -1;
		}
		return 0;
	}
	if (tag == NULL || *tag == '\0') {
		*problem = "Tags.NameNeeded";
		return 400;
	}
	query = db_cached(&req->app->db, "SELECT id, name FROM tag WHERE shop_id = ? AND name = ?");
	if (query == NULL) {
		page_error(req, 500, NULL);
		return -1;
	}
	{
		struct db_param params[2] = { DB_INT(req->shop.id), DB_TEXT(tag) };

		if (db_exec(&req->app->db, query, params, 2) < 0) {
			page_error(req, 500, NULL);
			return -1;
		}
	}
	found = db_fetch(query);
	if (found == 1) {
		*id = db_int(query, 0);
		snprintf(name, size, "%s", db_text(query, 1) ? db_text(query, 1) : "");
	}
	db_done(query);
	if (found < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	if (found == 0) {
		if (!bulk_actions[op].adding) {
			*problem = "Tags.NotFound";
			return 404;
		}
		snprintf(name, size, "%s", tag);
	}
	return 0;
}

/* The confirmed change on everything that matches, queued as a job: the
 * confirmation's selection is undone, a new tag made (or the limit said),
 * and the job added in one transaction. chosen: the customers matching
 * now, count: those it applies to (what the confirmation said). */
static void
bulk_queue(struct request *req, struct customer_query *query, enum bulk_action op, long long id,
    const char *name, long long chosen, long long count)
{
	static struct bulk_payload payload;
	int result = GROUPING_OK;

	db_rollback(&req->app->db);
	memset(&payload, 0, sizeof(payload));
	payload.action = op;
	payload.count = count;
	payload.target_id = id;
	snprintf(payload.target, sizeof(payload.target), "%s", name);
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (id == 0)
		result = grouping_tag_find_or_create(&req->context, name, &payload.target_id,
		    payload.target, sizeof(payload.target));
	if (result != GROUPING_OK) {
		db_rollback(&req->app->db);
		page_error(req, result == GROUPING_TAG_LIMIT ? 400 : 500,
		    result == GROUPING_TAG_LIMIT ? "Tags.Limit" : NULL);
		return;
	}
	bulk_job_queue(req, &payload, query, chosen);
}

void
groups_bulk(struct request *req)
{
	static struct customer_query query;
	int everything = request_field_choice(req, &groups_bulk_fields[GB_SCOPE], 0) == 1;
	int op = request_field_choice(req, &groups_bulk_fields[GB_OP], -1);
	const struct bulk_action_def *def;
	const char *problem = NULL;
	unsigned char selection[16];
	char name[404], stored[404];
	long long chosen, count, id = 0;
	int result, refused = 0;

	/* the list's changes of status are not this form's */
	if (op >= 0 && !bulk_actions[op].grouping) {
		page_error(req, 400, "Customers.Bulk.NoAction");
		return;
	}
	def = op >= 0 ? &bulk_actions[op] : NULL;
	if (op >= 0) {
		result = bulk_target(req, (enum bulk_action)op, &id, name, sizeof(name), &problem);
		if (result < 0)
			return;
		if (result > 0) {
			refused = result;
			def = NULL;	/* the choice again, saying why */
		}
	}
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	chosen = bulk_selection_fill(req, &query, everything, &groups_bulk_fields[GB_ID],
	    selection);
	if (chosen < 0)
		return;
	bulk_carry(req, &query, everything);
	hdf_set_int_value(req->hdf, "Page.Chosen", (int)chosen);
	/* first: which group or tag, and add or remove */
	if (def == NULL || chosen == 0) {
		if (bulk_selection_names(req, selection, chosen) != 0)
			return;
		if (grouping_to_hdf(&req->context, 0, req->hdf) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		db_rollback(&req->app->db);
		if (problem != NULL) {
			const char *typed = request_field(req, &groups_bulk_fields[GB_TAG]);

			hdf_set_value(req->hdf, "Page.Message", request_text(req, problem));
			hdf_set_value(req->hdf, "Page.TypedTag", typed != NULL ? typed : "");
		}
		page_render(req, refused ? refused : chosen == 0 ? 400 : 200, "groups/bulk.cs");
		return;
	}
	hdf_set_value(req->hdf, "Page.Op", bulk_action_names[op]);
	hdf_set_value(req->hdf, "Page.TargetName", name);
	if (def->kind == GROUPING_GROUP)
		hdf_set_valuef(req->hdf, "Page.Group=%lld", id);
	else
		hdf_set_value(req->hdf, "Page.Tag", name);
	/* a new tag has nobody yet: every customer chosen gets it */
	count = id == 0 ? chosen :
	    grouping_selection_keep(&req->context, selection, def->kind, id, def->adding);
	if (count < 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	if (chosen > count)
		hdf_set_int_value(req->hdf, "Page.LeftAsTheyAre", (int)(chosen - count));
	/* then: the confirmation, saying how many */
	if (count == 0 || request_field(req, &groups_bulk_fields[GB_CONFIRM]) == NULL) {
		if (bulk_selection_names(req, selection, count) != 0)
			return;
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Confirming", "1");
		page_render(req, count == 0 ? 400 : 200, "groups/bulk.cs");
		return;
	}
	if (everything) {
		bulk_queue(req, &query, (enum bulk_action)op, id, name, chosen, count);
		return;
	}
	result = GROUPING_OK;
	snprintf(stored, sizeof(stored), "%s", name);
	if (id == 0)
		result = grouping_tag_find_or_create(&req->context, name, &id, stored, sizeof(stored));
	if (result == GROUPING_OK)
		result = grouping_change_selection(&req->context, selection, def->kind, id,
		    def->adding, stored);
	if (result != GROUPING_OK || db_commit(&req->app->db) != 0) {
		db_rollback(&req->app->db);
		if (result == GROUPING_TAG_LIMIT)
			page_error(req, 400, "Tags.Limit");
		else
			page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Done", "1");
	page_render(req, 200, "groups/bulk.cs");
}
