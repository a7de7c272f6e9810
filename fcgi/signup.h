/*
 * signup.fcgi (issue 15): how customers arrive and what they agreed to.
 * signup.c holds the route table and main; each part has its files:
 *
 *   signup-public.c    the public signup page, its double opt-in link,
 *                      the waiting list's application (/account/signup...)
 *   signup-admin.c     the shop's door, capacity, share URL and QR code,
 *                      consent wordings, the waiting-list queue
 *                      (/admin/signup...)
 *   signup-unsubscribe.c  one-click unsubscribe (/account/unsubscribe)
 *   account-*.c        the customer's own space (/account/...): profile,
 *                      preferences, orders, their data, deleting the
 *                      account
 *
 * Each file keeps its SQL in a table of its own, registered on first use
 * (as fcgi/lib/customer.c does), so that the parts do not share one enum.
 */
#ifndef FIDELE_SIGNUP_H
#define FIDELE_SIGNUP_H

#include "lib/app.h"

/* the customer's own space (account-*.c; account.h: what they share) */
void account_home(struct request *req);

/* the public signup and the waiting list's application (signup-public.c) */
void signup_form(struct request *req);
void signup_submit(struct request *req);
void signup_invalid(struct request *req);
void signup_confirm_form(struct request *req);
void signup_confirm(struct request *req);
void signup_token_invalid(struct request *req);
extern const struct field signup_fields[];
extern const struct field signup_confirm_fields[];

/* The door a visitor finds now: the shop's mode, an open shop whose
 * capacity is reached counting as a waiting list. */
enum signup_door { SIGNUP_OPEN, SIGNUP_WAITLIST, SIGNUP_CLOSED, SIGNUP_DOOR__MAX };
extern const char *const signup_door_names[SIGNUP_DOOR__MAX + 1];

/* The request's shop's door, its capacity (0: none) and how many current
 * customers (invited or active) it has, counted only when it has a
 * capacity (else 0). Returns the door, or -1 on a database error. */
int signup_door_now(struct request *req, long long *capacity, long long *current);

/* The same inside the caller's transaction, with the shop row locked
 * until it ends (SELECT ... FOR UPDATE), so that two confirmations or
 * acceptances at once cannot both take the last place: call it first in
 * the transaction, before any other read. */
int signup_door_locked(struct request *req, long long *capacity, long long *current);

/* The place (1 = next) of the shop's customer customer_id in the waiting
 * list, 0 when they are not waiting, -1 on a database error. For the
 * customer's home (account-home.c) and the signup page. */
long long signup_queue_place(struct request *req, long long customer_id);

/* the shop's door, consent wordings, notices and the queue (signup-admin.c) */
void signup_admin_page(struct request *req);
void signup_admin_mode(struct request *req);
void signup_admin_mode_invalid(struct request *req);
void signup_admin_text(struct request *req);
void signup_admin_text_invalid(struct request *req);
void signup_admin_notify(struct request *req);
void signup_admin_queue(struct request *req);
void signup_admin_decide(struct request *req);
void signup_admin_decide_invalid(struct request *req);
extern const struct field signup_mode_fields[];
extern const struct field signup_text_fields[];
extern const struct field signup_notify_fields[];
extern const struct field signup_decide_fields[];
enum profile_field { PROFILE_FIRST_NAME, PROFILE_LAST_NAME, PROFILE_PHONE, PROFILE_COUNTRY,
	PROFILE_LANGUAGE, PROFILE_COMPANY, PROFILE_ADDRESS, PROFILE_POSTAL_CODE, PROFILE_CITY,
	PROFILE_VAT_NUMBER, PROFILE__MAX };
enum email_field { EMAIL_NEW, EMAIL__MAX };
enum email_confirm_field { EMAIL_CONFIRM_TOKEN, EMAIL_CONFIRM__MAX };
extern const struct field profile_fields[PROFILE__MAX + 1], email_fields[EMAIL__MAX + 1],
    email_confirm_fields[EMAIL_CONFIRM__MAX + 1];
void account_profile_form(struct request *req);
void account_profile_invalid(struct request *req);
void account_profile_save(struct request *req);
void account_email_request(struct request *req);
void account_email_invalid(struct request *req);
void account_email_confirm_form(struct request *req);
void account_email_confirm(struct request *req);
void account_email_token_invalid(struct request *req);

enum preferences_field { PREFERENCES_MARKETING, PREFERENCES_TEXT, PREFERENCES__MAX };
extern const struct field preferences_fields[PREFERENCES__MAX + 1];
void account_preferences_form(struct request *req);
void account_preferences_save(struct request *req);
void account_preferences_invalid(struct request *req);

void account_orders(struct request *req);
void account_order(struct request *req);

void account_data_page(struct request *req);
void account_data_download(struct request *req);

enum delete_confirm_field { DELETE_CONFIRM_TOKEN, DELETE_CONFIRM__MAX };
enum delete_code_field { DELETE_CODE_HANDLE, DELETE_CODE_CODE, DELETE_CODE__MAX };
extern const struct field delete_confirm_fields[DELETE_CONFIRM__MAX + 1],
    delete_code_fields[DELETE_CODE__MAX + 1];
void account_delete_page(struct request *req);
void account_delete_request(struct request *req);
void account_delete_confirm_form(struct request *req);
void account_delete_confirm(struct request *req);
void account_delete_token_invalid(struct request *req);
void account_delete_code(struct request *req);
void account_delete_code_invalid(struct request *req);

/* one-click unsubscribe (signup-unsubscribe.c) */
enum unsubscribe_form_field { UNSUBSCRIBE_FORM_TOKEN, UNSUBSCRIBE_FORM__MAX };
extern const struct field unsubscribe_form_fields[UNSUBSCRIBE_FORM__MAX + 1];
enum unsubscribe_field { UNSUBSCRIBE_TOKEN, UNSUBSCRIBE_ONE_CLICK, UNSUBSCRIBE__MAX };
extern const struct field unsubscribe_fields[UNSUBSCRIBE__MAX + 1];
void unsubscribe_form(struct request *req);
void unsubscribe_submit(struct request *req);
void unsubscribe_invalid(struct request *req);

#endif
