/*
 * Mails that could not be delivered (customers.fcgi): the shop's list of
 * them, and sending one or all of them again, or setting one aside.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/page.h"
#include "customers.h"

/* --- a failed mail ---------------------------------------------------------------- */

/* Sends mail path_id2 of the customer again (retry) or sets it aside
 * (dismiss); either way it leaves the list's banner. A mail that is not
 * the customer's, or not failed, is a 404. */
static void
change_mail(struct request *req, int retry)
{
	struct current current;
	struct db_param params[4];
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	params[0] = DB_TEXT(current.email);
	params[1] = DB_INT(req->path_id2);
	params[2] = DB_INT(req->shop.id);
	params[3] = DB_INT(req->path_id);
	rows = retry ? db_exec(&req->app->db, &customers_sql[SQL_MAIL_RETRY], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_MAIL_DISMISS], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, retry ? "mail.retried" : "mail.dismissed", NULL);
}

void
customers_mail_retry(struct request *req)
{
	change_mail(req, 1);
}

/* The shop's failed mails, where the list's banner leads: whom, what, why,
 * each with its customer's page, and one button to send them all again
 * (after the mail server was down, say). */
void
customers_failed_mails(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_FAILED_LIST];
	struct db_param shop = DB_INT(req->shop.id);
	char name[32], text[64];
	HDF *row;
	int count = 0;

	if (db_exec(&req->app->db, query, &shop, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Mails.%d", count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "id", db_text(query, 0));
		if (db_text(query, 1) != NULL)
			hdf_set_value(row, "customer_id", db_text(query, 1));
		hdf_set_value(row, "recipient", db_text(query, 2));
		hdf_set_value(row, "subject", db_text(query, 3));
		if (db_text(query, 4) != NULL)
			hdf_set_value(row, "last_error", db_text(query, 4));
		format_local_when(db_text(query, 5), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(row, "created_at", text);
	}
	db_done(query);
	page_render(req, 200, "customers/mails.cs");
}

void
customers_failed_retry_all(struct request *req)
{
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };

	if (db_begin(&req->app->db) != 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_EVENTS], params, 2) < 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_RETRY_ALL], params + 1, 1) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, "/admin/customers/mails");
}

void
customers_mail_dismiss(struct request *req)
{
	change_mail(req, 0);
}
