/*
 * What an admin writes about or to a customer (customers.fcgi): a message
 * mailed to them, and internal notes; the forms that must not work twice.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/format.h"
#include "lib/form_once.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-list.h"

/* --- forms that must not work twice ------------------------------------------------ */

/* The message's and the notes' forms carry a one-time key (form_once.h):
 * sent again, they only show the customer again. 1 to go on, 0 when the
 * form was done already (answered), -1 (answered). */
static int
form_once(struct request *req)
{
	/* the message's and the notes' forms declare it alike */
	int status = form_once_take(req, request_field_shared(req, &note_fields[NOTE_ONCE]));
	char path[64];

	if (status == 0) {
		snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
		page_redirect(req, path);
	}
	return status;
}

/* --- a message to the customer --------------------------------------------------- */

const struct field message_fields[MESSAGE__MAX + 1] = {
	[MESSAGE_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
	[MESSAGE_SUBJECT] = { "subject", FIELD_TEXT, 1, 200, 0, 0, NULL },
	[MESSAGE_TEXT] = { "text", FIELD_MULTILINE, 1, 5000, 0, 0, NULL },
	[MESSAGE_ONCE] = { "once", FIELD_TOKEN, 0, 64, 0, 0, NULL },
	/* ticked to send a message again that went a moment ago */
	[MESSAGE_AGAIN] = { "again", FIELD_INT, 0, 1, 1, 1, NULL },
};

/* The customer's page with the message form holding what was sent. */
static void
customers_message_again(struct request *req, int status)
{
	const char *subject = request_field(req, &message_fields[MESSAGE_SUBJECT]);
	const char *text = request_field(req, &message_fields[MESSAGE_TEXT]);

	hdf_set_value(req->hdf, "Page.Form.subject", subject ? subject : "");
	hdf_set_value(req->hdf, "Page.Form.text", text ? text : "");
	req->status = status;
	customers_show(req);
}

/* When the message just queued (in the caller's transaction) is the same
 * as one the customer was sent in the last day, the time of that one,
 * written the shop's way, into when; "" when it is new. 0, or -1. Back,
 * then send again, makes a new form: its one-time key cannot tell. */
static int
message_twin(struct request *req, char *when, size_t size)
{
	struct db_query *twin = &customers_sql[SQL_MESSAGE_TWIN];
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(req->path_id),
		DB_INT(req->shop.id), DB_INT(req->path_id) };

	when[0] = '\0';
	if (db_exec(&req->app->db, twin, params, 4) < 0)
		return -1;
	if (db_fetch(twin) == 1 && db_text(twin, 0) != NULL)
		format_local_when(db_text(twin, 0), req->shop.time_zone, req->lang, when, size);
	db_done(twin);
	return 0;
}

void
customers_message(struct request *req)
{
	struct current current;
	struct mail mail = { "customer-message", NULL, 0, 0 };
	char when[64];

	if (lock_customer(req, &current) != 1)
		return;
	/* nobody to write to: a customer reached by phone or post */
	if (current.email[0] == '\0') {
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.NoEmailToWrite"));
		req->status = 400;
		customers_show(req);
		return;
	}
	if (form_once(req) != 1)
		return;
	mail.recipient = current.email;
	mail.customer_id = req->path_id;
	hdf_set_value(req->hdf, "Mail.Subject", request_field(req, &message_fields[MESSAGE_SUBJECT]));
	hdf_set_value(req->hdf, "Mail.Text", request_field(req, &message_fields[MESSAGE_TEXT]));
	if (mail_queue_in(&req->context, &mail, current.language) != 0 ||
	    message_twin(req, when, sizeof(when)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (when[0] != '\0' && request_field(req, &message_fields[MESSAGE_AGAIN]) == NULL) {
		/* nothing queued, the one-time key not spent: the form again */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.MessageTwin", when);
		customers_message_again(req, 409);
		return;
	}
	finish_change(req, "customer.messaged", request_field(req, &message_fields[MESSAGE_SUBJECT]));
}

void
customers_message_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.MessageInvalid"));
	customers_message_again(req, 400);
}

/* --- internal notes ------------------------------------------------------------- */

const struct field note_fields[NOTE__MAX + 1] = {
	[NOTE_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
	[NOTE_BODY] = { "body", FIELD_MULTILINE, 1, 5000, 0, 0, NULL },
	[NOTE_ONCE] = { "once", FIELD_TOKEN, 0, 64, 0, 0, NULL },
};

void
customers_note_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.NoteInvalid"));
	customers_show(req);
}

void
customers_note_add(struct request *req)
{
	struct current current;
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(req->path_id),
		DB_INT(req->session.admin_id), DB_TEXT(request_field(req, &note_fields[NOTE_BODY])) };

	if (lock_customer(req, &current) != 1 || form_once(req) != 1)
		return;
	if (db_exec(&req->app->db, &customers_sql[SQL_NOTE_ADD], params, 4) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.note_added", NULL);
}

/* Edits (body given) or deletes (body NULL) note path_id2 of the customer. */
static void
change_note(struct request *req, const char *body, const char *event)
{
	struct current current;
	struct db_param params[4] = { DB_TEXT(body), DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	rows = body != NULL ? db_exec(&req->app->db, &customers_sql[SQL_NOTE_EDIT], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_NOTE_DELETE], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, event, NULL);
}

void
customers_note_edit(struct request *req)
{
	change_note(req, request_field(req, &note_fields[NOTE_BODY]), "customer.note_edited");
}

/* Asks first: the note, and the button that deletes it. */
void
customers_note_delete_form(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_NOTE_ONE];
	struct db_param params[3] = { DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	char text[64];
	int found;

	if (db_exec(&req->app->db, query, params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(query);
	if (found == 1) {
		hdf_set_value(req->hdf, "Page.Note.body", db_text(query, 0));
		format_local_when(db_text(query, 1), req->shop.time_zone, req->lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Page.Note.created_at", text);
	}
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	hdf_set_int_value(req->hdf, "Page.NoteId", (int)req->path_id2);
	back_to_page(req);
	page_render(req, 200, "customers/note-delete.cs");
}

void
customers_note_delete(struct request *req)
{
	change_note(req, NULL, "customer.note_deleted");
}
