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

/* the customer's home (account-home.c) */
void account_home(struct request *req);

/* one-click unsubscribe (signup-unsubscribe.c) */
enum unsubscribe_form_field { UNSUBSCRIBE_FORM_TOKEN, UNSUBSCRIBE_FORM__MAX };
extern const struct field unsubscribe_form_fields[UNSUBSCRIBE_FORM__MAX + 1];
enum unsubscribe_field { UNSUBSCRIBE_TOKEN, UNSUBSCRIBE_ONE_CLICK, UNSUBSCRIBE__MAX };
extern const struct field unsubscribe_fields[UNSUBSCRIBE__MAX + 1];
void unsubscribe_form(struct request *req);
void unsubscribe_submit(struct request *req);
void unsubscribe_invalid(struct request *req);

#endif
