/*
 * A bulk action on "everything that matches" as a worker job (kind
 * customers.bulk), shared by the page that queues it and follows it
 * (customers.fcgi: customers-bulk.c, customers-jobs.c) and the worker that
 * runs it (fidele-worker).
 *
 * The actions are the list's changes of status (customers-bulk.c) and the
 * groups and tags given or taken from the bulk form of groups.fcgi
 * (groups-bulk.c): one table, one payload, one job page and one mail.
 *
 * The job's payload is a query string: the action, the block's reason, the
 * group or tag given or taken (its id, and its name as confirmed, for the
 * page and the mail), the count the confirmation showed, the shop's address
 * as the admin used it (for the link in the mail at the end) and the list's
 * filters as the list writes them (customer_query_filters_text), which the
 * worker reads back with customer_query_from_text: the same checks as the
 * list's door. Who started it is the job row's admin_id.
 *
 * The worker walks the matching customers in id order, BULK_JOB_BATCH (or
 * Jobs.BulkBatch) a transaction, through the customer writer with a
 * worker's shop context acting for that admin. Each batch commits with the
 * job's counts and the last id it finished (job.resume_after), so a worker
 * killed in the middle resumes after the last batch that committed and
 * nobody is changed twice. A cancel is seen between batches: the batches
 * done stay done.
 */
#ifndef FIDELE_CUSTOMERS_BULKJOB_H
#define FIDELE_CUSTOMERS_BULKJOB_H

#include "lib/customer.h"
#include "lib/customer_query.h"
#include "lib/grouping.h"
#include "lib/request.h"
#include "job-run.h"

#define BULK_JOB_KIND "customers.bulk"
#define BULK_JOB_BATCH 500

enum bulk_action { BULK_DEACTIVATE, BULK_REACTIVATE, BULK_BLOCK, BULK_UNBLOCK, BULK_DELETE,
	BULK_GROUP_ADD, BULK_GROUP_REMOVE, BULK_TAG_ADD, BULK_TAG_REMOVE, BULK__MAX };

/* The actions of the list's form, each a change of the customer writer
 * (customer.h), which knows the statuses it applies to: the others chosen
 * are left as they are (reactivating never unblocks anyone, making
 * inactive never unblocks a blocked customer). Then those of the groups
 * and tags form (grouping, through grouping.h): a group or tag given
 * (adding) or taken, which leaves those who have it (or have it not) as
 * they are. */
struct bulk_action_def {
	enum customer_change change;
	int owner_only;
	int grouping;		/* 1: a group or tag, not a change of status */
	enum grouping_kind kind;
	int adding;
};

extern const struct bulk_action_def bulk_actions[BULK__MAX];

/* The actions' names in the form (the choices of its "action") and the
 * payload, ending with NULL. */
extern const char *const bulk_action_names[BULK__MAX + 1];

/* The action named name, or BULK__MAX. */
enum bulk_action bulk_action_find(const char *name);

struct bulk_payload {
	enum bulk_action action;
	long long count;	/* what the confirmation showed */
	char reason[4 * 500 + 1];	/* 500 characters of up to 4 bytes */
	long long target_id;	/* the group or tag given or taken, else 0 */
	char target[404];	/* its name when confirmed (100 characters) */
	char link[300];		/* "https://host[:port]", "" when unknown */
	char query[1700];	/* the list's filters as a query string */
};

/* Writes payload as the job's text into out. 0, or -1 when it does not fit. */
int bulk_payload_write(const struct bulk_payload *payload, char *out, size_t size);

/* Reads a job's text back. 0, or -1 when it is not one. */
int bulk_payload_read(const char *text, struct bulk_payload *out);

/* Queues payload (its action, reason, target and count set by the
 * caller; the link and the filters of query set here) as a job of the
 * request's shop started by its admin, total the customers matching now,
 * in the caller's transaction, which it commits; then sends the admin to
 * the job's page. 0, or -1 (rolled back and answered). */
int bulk_job_queue(struct request *req, struct bulk_payload *payload,
    const struct customer_query *query, long long total);

/* Runs (or resumes) the job. Returns how many customers it went through,
 * -1 when it failed (run->error says why), -2 when it was cancelled, -3
 * when its turn was over (the beat said 2) after the batches it
 * committed. */
long long bulk_job_run(struct job_run *run);

/* At the job's end (done or failed), inside the transaction that marks it:
 * queues the mail to the admin who started it when the job failed or took
 * longer than Jobs.MailAfterSeconds. 0 or -1. */
int bulk_job_end(struct job_run *run, int failed);

#endif
