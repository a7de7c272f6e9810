/*
 * Bulk actions on the customer list (customers.fcgi,
 * /admin/customers/bulk): on the rows ticked or on everything the list's
 * search and filters match, confirmed first, through the customer writer.
 *
 * The ticked rows (at most BULK_SELECTION_TICKED) change in the request: a
 * bounded, quick change the admin sees done at once. Everything that
 * matches may be a whole shop: once confirmed, it is queued as a worker job
 * (customers-bulkjob.h) and the admin follows it on its page
 * (customers-jobs.c).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bulk_selection.h"
#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/customer_query.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-bulkjob.h"
#include "customers-list.h"

/* --- bulk actions ---------------------------------------------------------------- */

/* the query of "everything that matches", for the selection and the job */
static struct customer_query bulk_query;

/* the rows ticked (the default), or everything the filters match */
enum bulk_scope { BULK_SCOPE_TICKED, BULK_SCOPE_ALL, BULK_SCOPE__MAX };
static const char *const bulk_scope_names[BULK_SCOPE__MAX + 1] = {
	[BULK_SCOPE_TICKED] = "ticked", [BULK_SCOPE_ALL] = "all",
};

/* The bulk form's own fields; the list's filters follow (main), so that
 * bulk_fields[BULK_FIELD_ACTION] is its action too. */
enum bulk_field { BULK_FIELD_ACTION, BULK_FIELD_SCOPE, BULK_FIELD_ID, BULK_FIELD_REASON,
	BULK_FIELD_CONFIRM, BULK_FIELD_TYPED, BULK_FIELD__MAX };

/* Erasing more customers than this at once asks for their number to be
 * typed: one red button was all that stood between a shop and an empty
 * list (it cannot be undone). */
#define BULK_DELETE_TYPED 10
static const struct field bulk_own_fields[BULK_FIELD__MAX + 1] = {
	/* empty: the list's "choose an action" (the page works without
	 * script, so nothing is chosen for the admin) */
	[BULK_FIELD_ACTION] = { "action", FIELD_CHOICE, 0, 12, 0, 0, bulk_action_names },
	[BULK_FIELD_SCOPE] = { "scope", FIELD_CHOICE, 0, 8, 0, 0, bulk_scope_names },
	[BULK_FIELD_ID] = { "id", FIELD_IDS, 0, 0, 0, BULK_SELECTION_TICKED, NULL },
	[BULK_FIELD_REASON] = { "reason", FIELD_TEXT, 0, 500, 0, 0, NULL },
	[BULK_FIELD_CONFIRM] = { "confirm", FIELD_INT, 0, 1, 1, 1, NULL },
	/* the number of customers to erase, as the admin typed it */
	[BULK_FIELD_TYPED] = { "typed", FIELD_TEXT, 0, 40, 0, 0, NULL },
};

/* Whether text, with its spaces and separators taken out, is count. */
static int
typed_is(const char *text, long long count)
{
	long long value = 0;
	int digits = 0;

	for (; text != NULL && *text != '\0'; text++) {
		if (*text >= '0' && *text <= '9') {
			if (value > 100000000LL)
				return 0;
			value = value * 10 + (*text - '0');
			digits++;
		} else if (*text != ' ' && *text != '.' && *text != ',' && *text != '\'' &&
		    (unsigned char)*text < 0x80) {
			return 0;
		}
	}
	return digits > 0 && value == count;
}

/* bulk_own_fields and the list's filters, for "everything that matches"
 * and the way back */
struct field bulk_fields[BULK_FIELD__MAX + CUSTOMER_FILTER__MAX + 1];

int
customers_bulk_setup(void)
{
	return customer_query_fields(bulk_fields, sizeof(bulk_fields) / sizeof(bulk_fields[0]),
	    bulk_own_fields, CUSTOMER_USE_FILTER) == 0 ? -1 : 0;
}

/* The ticked ids again under Page.Ids.N, for the confirmation form. */
static void
bulk_keep_ids(struct request *req)
{
	long long ids[BULK_SELECTION_TICKED];
	size_t count = request_field_ids(req, &bulk_fields[BULK_FIELD_ID], ids,
	    BULK_SELECTION_TICKED), i;
	char name[32];

	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "Page.Ids.%zu", i);
		hdf_set_int_value(req->hdf, name, (int)ids[i]);
	}
}

/* Queues the confirmed action on everything that matches as a job of the
 * worker, outside the transaction of the confirmation (rolled back), and
 * sends the admin to its page. chosen: the customers matching now (the
 * progress counts them), count: those it applies to (what the
 * confirmation said). */
static void
bulk_queue(struct request *req, enum bulk_action action, const char *reason, long long chosen,
    long long count)
{
	static struct bulk_payload payload;

	db_rollback(&req->app->db);
	memset(&payload, 0, sizeof(payload));
	payload.action = action;
	payload.count = count;
	snprintf(payload.reason, sizeof(payload.reason), "%s", reason != NULL ? reason : "");
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	bulk_job_queue(req, &payload, &bulk_query, chosen);
}

/* First a page that says what will happen to how many customers; its
 * button sends the same form again with confirm=1, which does it. */
void
customers_bulk(struct request *req)
{
	int action = request_field_choice(req, &bulk_fields[BULK_FIELD_ACTION], -1);
	int everything = request_field_choice(req, &bulk_fields[BULK_FIELD_SCOPE],
	    BULK_SCOPE_TICKED) == BULK_SCOPE_ALL;
	const char *reason = request_field(req, &bulk_fields[BULK_FIELD_REASON]);
	unsigned char selection[16];
	long long chosen, count;
	int need_reason, refused = 0;

	/* groups and tags have their own form (groups.fcgi) */
	if (action < 0 || bulk_actions[action].grouping) {
		page_error(req, 400, "Customers.Bulk.NoAction");
		return;
	}
	if (bulk_actions[action].owner_only && !req->session.admin_is_owner) {
		page_error(req, 403, "Error.OwnerOnly");
		return;
	}
	/* a block without its reason asks for it on the confirmation page,
	 * which keeps the customers chosen (an error page lost them) */
	need_reason = bulk_actions[action].change == CUSTOMER_BLOCK &&
	    (reason == NULL || *reason == '\0');
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	chosen = bulk_selection_fill(req, &bulk_query, everything, &bulk_fields[BULK_FIELD_ID],
	    selection);
	if (chosen < 0)
		return;
	count = chosen > 0 ?
	    customer_selection_keep(&req->context, bulk_actions[action].change, selection) : 0;
	if (count < 0) {
		page_error(req, 500, NULL);
		return;
	}
	customers_list_links(req);
	/* chosen, but none the action applies to ("reactivate" on blocked
	 * customers): said as such */
	if (chosen > 0 && count == 0)
		hdf_set_value(req->hdf, "Page.NoneApplicable", "1");
	else if (chosen > count)
		hdf_set_int_value(req->hdf, "Page.LeftAsTheyAre", (int)(chosen - count));
	hdf_set_value(req->hdf, "Page.Action", bulk_action_names[action]);
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	if (bulk_actions[action].change == CUSTOMER_ERASE && count > BULK_DELETE_TYPED) {
		hdf_set_value(req->hdf, "Page.TypeCount", "1");
		if (request_field(req, &bulk_fields[BULK_FIELD_CONFIRM]) != NULL &&
		    !typed_is(request_field(req, &bulk_fields[BULK_FIELD_TYPED]), count)) {
			hdf_set_value(req->hdf, "Page.Message",
			    request_text(req, "Customers.Bulk.TypeCountWrong"));
			refused = 1;
		}
	}
	if (count == 0 || request_field(req, &bulk_fields[BULK_FIELD_CONFIRM]) == NULL ||
	    need_reason || refused) {
		if (bulk_selection_names(req, selection, count) != 0)
			return;
		db_rollback(&req->app->db);
		if (need_reason) {
			hdf_set_value(req->hdf, "Page.NeedReason", "1");
			hdf_set_value(req->hdf, "Page.Message",
			    request_text(req, "Customers.ReasonNeeded"));
		} else if (reason != NULL)
			hdf_set_value(req->hdf, "Page.Reason", reason);
		hdf_set_value(req->hdf, "Page.Scope", everything ? "all" : "ticked");
		bulk_keep_ids(req);
		page_render(req, count == 0 || need_reason || refused ? 400 : 200, "customers/bulk.cs");
		return;
	}
	if (everything) {
		bulk_queue(req, action, reason, chosen, count);
		return;
	}
	if (customer_change_selection(&req->context, bulk_actions[action].change, reason,
	    selection) != CUSTOMER_OK ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Done", "1");
	page_render(req, 200, "customers/bulk.cs");
}
