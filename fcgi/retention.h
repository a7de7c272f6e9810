/*
 * Retention (issue 15, point 9): a shop that sets shop.retention_months
 * forgets the customers inactive for that long. Each is warned by mail
 * RETENTION_NOTICE_DAYS before (a retention_notice row), then erased
 * through the customer writer (customer_change_one, CUSTOMER_ERASE: the
 * personal data go, orders stay anonymised, the consent ledger keeps its
 * proof by the address's hash) if still inactive.
 *
 * Inactive: neither created, nor signed in, nor ordered (a cancelled order
 * does not count, as for the totals) for retention_months months: the
 * last of customer.created_at, last_sign_in_at and last_order_at. Coming
 * back (a sign-in, an order) cancels the notice: the trigger of
 * sql/018-retention.sql removes the row at once, and a run also drops
 * every notice whose customer came back since it was sent.
 *
 * Never warned nor erased: blocked customers (the block and its reason
 * are the shop's record of a dispute, and they cannot sign in to keep
 * their account), people on the waiting list (status 'waiting': they wait
 * for the shop, they are not inactive customers), customers without an
 * e-mail address (no one could be warned: they are never erased
 * automatically, the shop erases them by hand), erased ones. The erasure
 * never comes sooner than RETENTION_NOTICE_DAYS after the warning, even
 * when the setting is first switched on for long-inactive customers, nor
 * later than RETENTION_NOTICE_STALE_DAYS after it (an older notice is
 * dropped and the customer warned again), and not when the owner has
 * since changed the setting or switched it off: any change of
 * shop.retention_months drops the shop's notices (a trigger of
 * sql/022-signup-data.sql, whichever program changes it).
 *
 * Run by fidele-worker (every hour over every shop, and as a "retention"
 * job), a slice of customers at a time (retention_step) so that the
 * first run of a large shop never holds up the mail of the others, and by
 * `fidele-admin retention --shop S [--dry-run]` in one go.
 */
#ifndef FIDELE_RETENTION_H
#define FIDELE_RETENTION_H

#include "lib/context.h"

#define RETENTION_NOTICE_DAYS 30
#define RETENTION_NOTICE_STALE_DAYS 60	/* the SQL's NOTICE_FRESH */
#define RETENTION_JOB_KIND "retention"

struct retention_counts {
	long long cancelled;	/* notices dropped: the customer came back */
	long long warned;	/* mailed (or, in a dry run, to be mailed) */
	long long erased;	/* erased (or to be erased) */
};

/* Told of each customer a run warns or erases, or would (dry run):
 * action is "warn" or "erase", last_active the customer's last activity
 * ("YYYY-MM-DD HH:MM:SS", UTC). */
typedef void (*retention_seen)(void *data, const char *action, long long customer_id,
    const char *email, const char *last_active);

/* Runs the context's shop's retention, outside any transaction: each
 * customer's warning (notice and mail) and each erasure commits on its
 * own, so a run stopped half way leaves whole steps. A dry run changes
 * nothing and only tells seen (may be NULL). Returns 0, or -1 (database,
 * logged). counts may be NULL. */
int retention_run(struct shop_context *ctx, int dry_run, retention_seen seen, void *data,
    struct retention_counts *counts);

/* The same, a slice at a time, for the worker: handles at most *budget
 * customers (warned, erased, or found no longer due), each committed on
 * its own, and takes them off *budget. Returns 0 when the shop's run is
 * done, 1 when the budget ran out first (call again: a new call starts
 * over and finds only what is still due), or -1 (database, logged).
 * counts may be NULL. */
int retention_step(struct shop_context *ctx, long long *budget, struct retention_counts *counts);

/* The shops whose retention is on, into ids (room for max). Returns how
 * many, or -1. */
int retention_shops(struct db *db, long long *ids, int max);

#endif
