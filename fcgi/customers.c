/*
 * customers.fcgi: the shop admin's customer pages under /admin/customers
 * and the shop's settings. This file holds the program's route table, its
 * SQL and what its pages share; the pages are in customers-*.c (the list
 * of them is in customers.h).
 *
 * Every change to a customer's names, e-mail or phone also changes their
 * rows in customer_search (fcgi/lib/search.h), in the same transaction.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/page.h"
#include "lib/text.h"
#include "customers.h"
#include "customers-bulkjob.h"
#include "customers-list.h"
#include "customers-settings.h"
#include "customers-me.h"
#include "customers-team.h"
#include "site.h"

struct db_query customers_sql[CUSTOMERS_SQL__MAX] = {
	[SQL_DETAIL] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, country, language, status,"
	    "       status_reason, source, tax_exempt, order_count, total_spent_cents,"
	    "       last_order_at, created_at, last_sign_in_at,"
	    "       IF(order_count > 0, ROUND(total_spent_cents / order_count), 0),"
	    "       company, address, postal_code, city, vat_number, marketing_consent, system_mail"
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_RECENT_ORDERS] = { .sql =
	    "SELECT reference, status, total_cents, ordered_at, currency FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY ordered_at DESC, id DESC LIMIT ? OFFSET ?" },
	/* the customer's events and their consent ledger's entries (sql/017)
	 * in one time order; an entry's "customer.consent" event says less
	 * than the entry, which takes its place */
	[SQL_TIMELINE] = { .sql =
	    "SELECT kind, detail, created_at, email, purpose, granted, channel, actor, version,"
	    "       wording, import_id FROM ("
	    "  SELECT REPLACE(e.kind, '.', '_') AS kind, e.detail AS detail, e.created_at AS created_at,"
	    "         a.email AS email, NULL AS purpose, NULL AS granted, NULL AS channel,"
	    "         NULL AS actor, NULL AS version, NULL AS wording, NULL AS import_id,"
	    "         0 AS ledger, e.id AS row_id"
	    "    FROM event e LEFT JOIN admin a ON a.id = e.admin_id AND a.shop_id = e.shop_id"
	    "   WHERE e.shop_id = ? AND e.customer_id = ? AND e.kind <> 'customer.consent'"
	    "  UNION ALL"
	    "  SELECT 'ledger', k.statement, k.created_at, a.email, k.purpose, k.granted, k.source,"
	    "         k.actor, t.version, t.body, k.import_id, 1, k.id"
	    "    FROM consent k LEFT JOIN admin a ON a.id = k.admin_id AND a.shop_id = k.shop_id"
	    "    LEFT JOIN consent_text t ON t.id = k.text_id AND t.shop_id = k.shop_id"
	    "   WHERE k.shop_id = ? AND k.customer_id = ?) timeline"
	    " ORDER BY created_at DESC, ledger DESC, row_id DESC LIMIT ? OFFSET ?" },
	[SQL_MAILS] = { .sql =
	    "SELECT id, subject, status, created_at, sent_at, last_error FROM outbox"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY id DESC LIMIT ? OFFSET ?" },
	/* how many rows each part of the customer's page has, for "see all" */
	[SQL_SECTION_COUNTS] = { .sql =
	    "SELECT (SELECT COUNT(*) FROM orders WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM event WHERE shop_id = ? AND customer_id = ?"
	    "          AND kind <> 'customer.consent')"
	    "       + (SELECT COUNT(*) FROM consent WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM note WHERE shop_id = ? AND customer_id = ?)" },
	/* a failed (or set aside) mail of this customer goes out again, from
	 * scratch, to the customer's address of now (it may have been
	 * corrected since) */
	[SQL_MAIL_RETRY] = { .sql =
	    "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NOW(),"
	    "       last_error = NULL, recipient = ?"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status IN ('failed', 'dismissed')" },
	/* dealt with without sending: no longer in the list's banner */
	[SQL_MAIL_DISMISS] = { .sql =
	    "UPDATE outbox SET status = 'dismissed'"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status = 'failed'" },
	/* the shop's failed mails, newest first (outbox_shop_status holds
	 * them in id order) */
	[SQL_FAILED_LIST] = { .sql =
	    "SELECT o.id, o.customer_id, o.recipient, o.subject, o.last_error, o.created_at"
	    "  FROM outbox o WHERE o.shop_id = ? AND o.status = 'failed'"
	    " ORDER BY o.id DESC LIMIT 200" },
	/* every failed mail of the shop out again, a customer's to their
	 * address of now; the timeline rows first, while they are failed */
	[SQL_FAILED_EVENTS] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
	    " SELECT shop_id, customer_id, ?, 'mail.retried' FROM outbox"
	    " WHERE shop_id = ? AND status = 'failed' AND customer_id IS NOT NULL" },
	[SQL_FAILED_RETRY_ALL] = { .sql =
	    "UPDATE outbox o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    "   SET o.status = 'queued', o.attempts = 0, o.next_attempt_at = NOW(), o.last_error = NULL,"
	    "       o.recipient = COALESCE(c.email, o.recipient)"
	    " WHERE o.shop_id = ? AND o.status = 'failed'" },
	/* locks the row for the rest of the change */
	[SQL_CURRENT] = { .sql =
	    "SELECT email, status, last_sign_in_at IS NOT NULL, first_name, last_name, phone_digits,"
	    "       language"
	    "  FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	/* the same message (subject and text as mailed) queued for this
	 * customer in the last day, before the one just queued: when it was */
	[SQL_MESSAGE_TWIN] = { .sql =
	    "SELECT MAX(o.created_at) FROM outbox o"
	    "  JOIN (SELECT id, subject, body_text FROM outbox"
	    "         WHERE shop_id = ? AND customer_id = ? AND kind = 'customer-message'"
	    "         ORDER BY id DESC LIMIT 1) n"
	    "    ON o.id < n.id AND o.subject = n.subject AND o.body_text = n.body_text"
	    " WHERE o.shop_id = ? AND o.customer_id = ? AND o.kind = 'customer-message'"
	    "   AND o.created_at >= NOW() - INTERVAL 1 DAY" },
	/* customers who may be the one typed without an address: the same
	 * phone digits, or the same names as the list orders them (name_key,
	 * sql/006), each by its index; parameters: shop, digits, shop,
	 * whether a name was given, last and first names */
	[SQL_NEW_TWINS] = { .sql =
	    "(SELECT id, first_name, last_name, COALESCE(email, ''), phone FROM customer"
	    "  WHERE shop_id = ? AND phone_digits = ? AND phone_digits <> '' AND erased_at IS NULL"
	    "  LIMIT 5)"
	    " UNION"
	    " (SELECT id, first_name, last_name, COALESCE(email, ''), phone FROM customer"
	    "  WHERE shop_id = ? AND ? = 1 AND erased_at IS NULL AND name_key = LEFT(CONCAT("
	    "        WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0x0000,"
	    "        WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)), 64)"
	    "  LIMIT 5)"
	    " ORDER BY 1 LIMIT 5" },
	[SQL_NOTES] = { .sql =
	    "SELECT n.id, n.body, n.created_at, n.updated_at, a.email FROM note n"
	    "  LEFT JOIN admin a ON a.id = n.admin_id"
	    " WHERE n.shop_id = ? AND n.customer_id = ? ORDER BY n.id DESC LIMIT ? OFFSET ?" },
	[SQL_NOTE_ADD] = { .sql =
	    "INSERT INTO note (shop_id, customer_id, admin_id, body) VALUES (?, ?, ?, ?)" },
	/* the note must belong to this customer of this shop */
	[SQL_NOTE_EDIT] = { .sql =
	    "UPDATE note SET body = ?, updated_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ?" },
	[SQL_NOTE_DELETE] = { .sql =
	    "DELETE FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },

	/* the note whose deletion is asked, of this customer of this shop */
	[SQL_NOTE_ONE] = { .sql =
	    "SELECT body, created_at FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },

	/* Bulk actions on everything that matches run as worker jobs
	 * (customers-bulkjob.h, which queues them) */
	[SQL_JOB] = { .sql =
	    "SELECT j.state, j.progress, j.total, j.changed, j.admin_id, j.last_error, j.payload,"
	    "       j.created_at, j.finished_at, a.email"
	    "  FROM job j LEFT JOIN admin a ON a.id = j.admin_id AND a.shop_id = j.shop_id"
	    " WHERE j.id = ? AND j.shop_id = ? AND j.kind = '" BULK_JOB_KIND "'" },
	/* the shop's bulk actions, newest first (JOBS_SHOWN of them, and one
	 * more to say there are older ones) */
	[SQL_JOBS] = { .sql =
	    "SELECT j.id, j.state, j.progress, j.changed, j.payload, j.created_at, a.email"
	    "  FROM job j FORCE INDEX (job_shop)"
	    "  LEFT JOIN admin a ON a.id = j.admin_id AND a.shop_id = j.shop_id"
	    " WHERE j.shop_id = ? AND j.kind = '" BULK_JOB_KIND "'"
	    " ORDER BY j.id DESC LIMIT 101" },
	/* a running job stops at its next batch; the batches done stay */
	[SQL_JOB_CANCEL] = { .sql =
	    "UPDATE job SET state = 'cancelled', finished_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND kind = '" BULK_JOB_KIND "'"
	    "   AND state IN ('queued', 'running')" },
};

/* --- shared by the pages below ------------------------------------------------ */

static void
customers_home(struct request *req)
{
	page_redirect(req, "/admin/customers");
}

/* --- the way back to the list -------------------------------------------------- */

/* The list address the admin came from (back=), when it is one: a path
 * under /admin/customers with a plain query string. NULL otherwise. */
const char *
back_link(struct request *req)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%&=+?/";
	/* every route that carries it declares it as back_fields does */
	const char *back = request_field_shared(req, &back_fields[BACK_FIELD_BACK]);

	if (back == NULL || strncmp(back, "/admin/customers", 16) != 0 ||
	    (back[16] != '\0' && back[16] != '?') || strspn(back, safe) != strlen(back))
		return NULL;
	return back;
}

/* The customer's page, keeping back=, into out. */
void
customer_path(struct request *req, long long customer_id, char *out, size_t size)
{
	const char *back = back_link(req);
	char escaped[3 * BACK_MAX + 1];

	if (back != NULL && text_url_escape(back, escaped, sizeof(escaped)) >= 0 &&
	    strlen(escaped) + 64 < size)
		snprintf(out, size, "/admin/customers/%lld?back=%s", customer_id, escaped);
	else
		snprintf(out, size, "/admin/customers/%lld", customer_id);
}

/* The way back to the list under Page.Back (the address) and
 * Page.BackParam (the same URL-escaped, for links that carry it on). */
void
back_to_page(struct request *req)
{
	const char *back = back_link(req);
	char escaped[3 * BACK_MAX + 1];

	if (back == NULL)
		return;
	hdf_set_value(req->hdf, "Page.Back", back);
	if (text_url_escape(back, escaped, sizeof(escaped)) >= 0)
		hdf_set_value(req->hdf, "Page.BackParam", escaped);
}

/* --- changing a customer ------------------------------------------------------ */

/* Starts a transaction and locks the customer of the path. Returns 1 when
 * found, 0 when not (answered with a 404), -1 on error (answered). */
int
lock_customer(struct request *req, struct current *current)
{
	struct db_query *query = &customers_sql[SQL_CURRENT];
	int found = request_lock_path_row(req, query);

	if (found == 1) {
		/* "" for a customer without an address */
		snprintf(current->email, sizeof(current->email), "%s",
		    db_text(query, 0) ? db_text(query, 0) : "");
		snprintf(current->status, sizeof(current->status), "%s", db_text(query, 1));
		current->has_signed_in = db_int(query, 2) != 0;
		snprintf(current->first_name, sizeof(current->first_name), "%s", db_text(query, 3));
		snprintf(current->last_name, sizeof(current->last_name), "%s", db_text(query, 4));
		snprintf(current->phone_digits, sizeof(current->phone_digits), "%s", db_text(query, 5));
		snprintf(current->language, sizeof(current->language), "%s",
		    db_text(query, 6) ? db_text(query, 6) : "");
		db_done(query);
	} else {
		page_error(req, found < 0 ? 500 : 404, NULL);
	}
	return found;
}

/* Says on the next page that the change is done: the notice of an event
 * is named after it (customer.note_added: Lang.Notice.customer_note_added). */
void
notice_of_event(struct request *req, const char *event)
{
	char key[48];
	size_t i;

	snprintf(key, sizeof(key), "%s", event);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '.')
			key[i] = '_';
	page_notice(req, key);
}

/* Commits a change whose event is written, and shows the customer again
 * with the notice of event. */
void
finish_written(struct request *req, const char *event)
{
	char path[3 * BACK_MAX + 64];

	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	customer_path(req, req->path_id, path, sizeof(path));
	notice_of_event(req, event);
	page_redirect(req, path);
}

/* Records the change, commits, and shows the customer again. */
void
finish_change(struct request *req, const char *event, const char *detail)
{
	if (event_add(&req->context, req->path_id, req->session.admin_id, event, detail) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_written(req, event);
}

/* For the pages and actions that only carry the way back to the list. */
const struct field back_fields[BACK_FIELD__MAX + 1] = {
	[BACK_FIELD_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
};

static const struct route routes[] = {
	{ "GET", "/admin", ACCESS_ADMIN, NULL, customers_home, NULL, 0 },
	{ "GET", "/admin/", ACCESS_ADMIN, NULL, customers_home, NULL, 0 },
	{ "GET", "/admin/customers", ACCESS_ADMIN, customers_list_fields, customers_list, NULL, 0 },
	{ "GET", "/admin/customers/new", ACCESS_ADMIN, NULL, customers_new_form, NULL, 0 },
	{ "GET", "/admin/customers/mails", ACCESS_ADMIN, NULL, customers_failed_mails, NULL, 0 },
	{ "POST", "/admin/customers/mails/retry", ACCESS_ADMIN, NULL, customers_failed_retry_all,
	    NULL, 0 },
	{ "POST", "/admin/customers/bulk", ACCESS_ADMIN, bulk_fields, customers_bulk, NULL, 0 },
	{ "POST", "/admin/customers/columns", ACCESS_ADMIN, columns_fields, customers_columns_save,
	    NULL, 0 },
	{ "GET", "/admin/customers/jobs", ACCESS_ADMIN, NULL, customers_jobs, NULL, 0 },
	{ "GET", "/admin/customers/jobs/#", ACCESS_ADMIN, NULL, customers_job, NULL, 0 },
	{ "POST", "/admin/customers/jobs/#/cancel", ACCESS_ADMIN, NULL, customers_job_cancel, NULL,
	    0 },
	{ "POST", "/admin/customers/new", ACCESS_ADMIN, new_fields, customers_create,
	    customers_new_invalid, 0 },
	{ "GET", "/admin/customers/#", ACCESS_ADMIN, show_fields, customers_show, NULL, 0 },
	{ "GET", "/admin/customers/#/edit", ACCESS_ADMIN, back_fields, customers_edit_form, NULL, 0 },
	{ "POST", "/admin/customers/#/edit", ACCESS_ADMIN, edit_fields, customers_update,
	    customers_edit_invalid, 0 },
	{ "POST", "/admin/customers/#/block", ACCESS_ADMIN, block_fields, customers_block,
	    customers_block_invalid, 0 },
	{ "POST", "/admin/customers/#/unblock", ACCESS_ADMIN, back_fields, customers_unblock, NULL, 0 },
	{ "POST", "/admin/customers/#/deactivate", ACCESS_ADMIN, back_fields, customers_deactivate,
	    NULL, 0 },
	{ "POST", "/admin/customers/#/reactivate", ACCESS_ADMIN, back_fields, customers_reactivate,
	    NULL, 0 },
	{ "POST", "/admin/customers/#/message", ACCESS_ADMIN, message_fields, customers_message,
	    customers_message_invalid, 0 },
	{ "POST", "/admin/customers/#/notes", ACCESS_ADMIN, note_fields, customers_note_add,
	    customers_note_invalid, 0 },
	{ "POST", "/admin/customers/#/notes/#/edit", ACCESS_ADMIN, note_fields, customers_note_edit,
	    customers_note_invalid, 0 },
	{ "GET", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete_form, NULL, 0 },
	{ "POST", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete, NULL, 0 },
	{ "POST", "/admin/customers/#/mails/#/retry", ACCESS_ADMIN, NULL, customers_mail_retry, NULL, 0 },
	{ "POST", "/admin/customers/#/mails/#/dismiss", ACCESS_ADMIN, NULL, customers_mail_dismiss,
	    NULL, 0 },
	{ "GET", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_delete_form, NULL, 0 },
	{ "POST", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_erase, NULL, 0 },
	{ "GET", "/admin/settings", ACCESS_OWNER, NULL, customers_settings_form, NULL, 0 },
	{ "POST", "/admin/settings", ACCESS_OWNER, settings_fields, customers_settings_save,
	    customers_settings_invalid, 0 },
	{ "GET", "/admin/me", ACCESS_ADMIN, NULL, customers_me, NULL, 0 },
	{ "POST", "/admin/me", ACCESS_ADMIN, me_fields, customers_me_save, customers_me_invalid, 0 },
	{ "GET", "/admin/team", ACCESS_OWNER, NULL, customers_team, NULL, 0 },
	{ "POST", "/admin/team", ACCESS_OWNER, team_fields, customers_team_invite,
	    customers_team_invalid, 0 },
	{ "POST", "/admin/team/#/invite", ACCESS_OWNER, NULL, customers_team_invite_again, NULL,
	    0 },
	{ "POST", "/admin/team/#/disable", ACCESS_OWNER, NULL, customers_team_disable, NULL, 0 },
	{ "POST", "/admin/team/#/enable", ACCESS_OWNER, NULL, customers_team_enable, NULL, 0 },
	{ "POST", "/admin/team/#/role", ACCESS_OWNER, team_role_fields, customers_team_role, NULL,
	    0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "customers",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = customers_sql,
		.sql_count = CUSTOMERS_SQL__MAX,
		.areas = site_areas,
		.nav = site_nav,
		.lang = site_lang,
		.job_kind = BULK_JOB_KIND,	/* its progress is shown on the list */
		.door_alerts = 1,	/* the list's banners and its groups and tags */
	};

	if (customers_list_setup() != 0 || customers_bulk_setup() != 0 ||
	    customers_columns_setup() != 0)
		return 1;

	return app_main(&app, argc, argv);
}
