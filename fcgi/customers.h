/*
 * customers.fcgi's pages share this: the program's SQL (customers.c), the
 * way back to the list and the steps of a change to one customer, and
 * each page file's handlers and fields for the route table.
 *
 *   customers.c           route table, SQL, what the pages share
 *   customers-list.c      the list: search, filters, sort, pages
 *   customers-bulk.c      bulk actions on ticked or matching customers
 *   customers-detail.c    one customer's page
 *   customers-edit.c      new customer, edit, block, deactivate, erase
 *   customers-notes.c     a message to the customer, internal notes
 *   customers-mails.c     mails that could not be delivered
 *   customers-settings.c  the shop's settings page
 *   customers-jobs.c      the page of a bulk action run by the worker
 */
#ifndef FIDELE_CUSTOMERS_H
#define FIDELE_CUSTOMERS_H

#include "lib/request.h"

enum customers_sql {
	SQL_DETAIL,
	SQL_RECENT_ORDERS,
	SQL_TIMELINE,
	SQL_MAILS,
	SQL_CURRENT,
	SQL_SECTION_COUNTS,
	SQL_MAIL_RETRY,
	SQL_MAIL_DISMISS,
	SQL_FAILED_LIST,
	SQL_FAILED_EVENTS,
	SQL_FAILED_RETRY_ALL,
	SQL_NOTES,
	SQL_NOTE_ADD,
	SQL_NOTE_EDIT,
	SQL_NOTE_DELETE,
	SQL_NOTE_ONE,
	SQL_JOB,
	SQL_JOBS,
	SQL_JOB_CANCEL,
	SQL_MESSAGE_TWIN,
	SQL_NEW_TWINS,
	CUSTOMERS_SQL__MAX
};

/* The customer of the path, as lock_customer read it. */
struct current {
	char email[256];
	char status[16];
	int has_signed_in;
	char first_name[404], last_name[404], phone_digits[40];
	char language[3];	/* "" when not set: mails use the shop's */
};


extern struct db_query customers_sql[CUSTOMERS_SQL__MAX];

/* The list address the admin came from (back=), when it is one; NULL
 * otherwise. */
const char *back_link(struct request *req);

/* The customer's page, keeping back=, into out. */
void customer_path(struct request *req, long long customer_id, char *out, size_t size);

/* The way back to the list under Page.Back and Page.BackParam. */
void back_to_page(struct request *req);

/* Starts a transaction and locks the customer of the path. Returns 1 when
 * found, 0 when not (answered with a 404), -1 on error (answered). */
int lock_customer(struct request *req, struct current *current);

/* Says on the next page that the change named event is done. */
void notice_of_event(struct request *req, const char *event);

/* Commits a change whose event is written and shows the customer again. */
void finish_written(struct request *req, const char *event);

/* Records the change's event, commits, and shows the customer again. */
void finish_change(struct request *req, const char *event, const char *detail);

/* The fields of the pages and actions that only carry the way back. */
enum back_field { BACK_FIELD_BACK, BACK_FIELD__MAX };
extern const struct field back_fields[BACK_FIELD__MAX + 1];

/* SQL_DETAIL's column of the company; address, postal_code, city and
 * vat_number follow it */
#define DETAIL_COMPANY 17
/* SQL_DETAIL's column of marketing_consent; system_mail follows it */
#define DETAIL_MARKETING 22

/* customers-detail.c */
enum show_field { SHOW_BACK, SHOW_ALL, SHOW_PAGE, SHOW__MAX };
extern const struct field show_fields[SHOW__MAX + 1];
void customers_show(struct request *req);

/* customers-edit.c */
enum new_field { NEW_EMAIL, NEW_FIRST_NAME, NEW_LAST_NAME, NEW_PHONE, NEW_COUNTRY, NEW_LANGUAGE,
	NEW_COMPANY, NEW_ADDRESS, NEW_POSTAL_CODE, NEW_CITY, NEW_VAT_NUMBER, NEW_BEHALF, NEW_ATTEST,
	NEW_HOW, NEW_GROUP, NEW_GROUPS_SHOWN, NEW_ANYWAY, NEW__MAX };
/* longest "how the consent was obtained" (a ledger statement) */
#define NEW_HOW_MAX 500
enum edit_field { EDIT_BACK, EDIT_EMAIL, EDIT_FIRST_NAME, EDIT_LAST_NAME, EDIT_PHONE,
	EDIT_COUNTRY, EDIT_LANGUAGE, EDIT_TAX_EXEMPT, EDIT_COMPANY, EDIT_ADDRESS, EDIT_POSTAL_CODE,
	EDIT_CITY, EDIT_VAT_NUMBER, EDIT_GROUP, EDIT_GROUPS_SHOWN, EDIT__MAX };
enum block_field { BLOCK_BACK, BLOCK_REASON, BLOCK__MAX };
extern const struct field new_fields[NEW__MAX + 1], edit_fields[EDIT__MAX + 1],
    block_fields[BLOCK__MAX + 1];
void customers_new_form(struct request *req);
void customers_new_invalid(struct request *req);
void customers_create(struct request *req);
void customers_edit_form(struct request *req);
void customers_edit_invalid(struct request *req);
void customers_update(struct request *req);
void customers_block(struct request *req);
void customers_block_invalid(struct request *req);
void customers_unblock(struct request *req);
void customers_deactivate(struct request *req);
void customers_reactivate(struct request *req);
void customers_delete_form(struct request *req);
void customers_erase(struct request *req);

/* customers-notes.c */
enum message_field { MESSAGE_BACK, MESSAGE_SUBJECT, MESSAGE_TEXT, MESSAGE_ONCE, MESSAGE_AGAIN,
	MESSAGE__MAX };
enum note_field { NOTE_BACK, NOTE_BODY, NOTE_ONCE, NOTE__MAX };
extern const struct field message_fields[MESSAGE__MAX + 1], note_fields[NOTE__MAX + 1];
void customers_message(struct request *req);
void customers_message_invalid(struct request *req);
void customers_note_invalid(struct request *req);
void customers_note_add(struct request *req);
void customers_note_edit(struct request *req);
void customers_note_delete_form(struct request *req);
void customers_note_delete(struct request *req);

/* customers-mails.c */
void customers_failed_mails(struct request *req);
void customers_failed_retry_all(struct request *req);
void customers_mail_retry(struct request *req);
void customers_mail_dismiss(struct request *req);

/* customers-bulk.c */
extern struct field bulk_fields[];
/* Builds bulk_fields (its own and the list's filters). 0, or -1. */
int customers_bulk_setup(void);
void customers_bulk(struct request *req);

/* customers-jobs.c */
void customers_jobs(struct request *req);
void customers_job(struct request *req);
void customers_job_cancel(struct request *req);

#endif
