/*
 * The customer's own space (/account/, signup.fcgi): what its pages
 * (account-*.c) share. Every page reads the signed-in customer afresh
 * (account_load) and speaks their language: the one they chose for their
 * mails, else the shop's (account_render), messages included.
 */
#ifndef FIDELE_ACCOUNT_H
#define FIDELE_ACCOUNT_H

#include <stddef.h>

#include "lib/request.h"

/* The signed-in customer as the database has them now. */
struct account_me {
	long long id;
	char email[256];
	char first_name[404], last_name[404];
	char phone[132];
	char country[4], language[4];
	char company[404], address[1024], postal_code[84], city[404], vat_number[132];
	int tax_exempt;
	int marketing_consent;
	char status[16];
	char created_at[32];
	enum lang lang;		/* the pages' and mails' language */
};

/* Registers table (n statements) on db the first time it is used, as the
 * core's services do (customer.c), so that each page keeps its SQL in a
 * table of its own. Returns 0 or -1. */
int account_sql_ready(struct db *db, struct db_query *table, size_t n);

/* Reads the shop's customer customer_id (not erased, not blocked) into me
 * and points the page's language at theirs. Returns 1 found, 0 not, -1 on
 * a database error (logged). */
int account_read(struct request *req, long long customer_id, struct account_me *me);

/* Reads the request's signed-in customer into me and points the page's
 * language at theirs. Returns 1, or answers (500; the sign-in page when
 * they are no longer there) and returns 0. */
int account_load(struct request *req, struct account_me *me);

/* Renders template in the customer's language (a mail queued since spoke
 * the recipient's and gave the shop's back). */
void account_render(struct request *req, const struct account_me *me, int status,
    const char *template);

/* The messages the door wrote for the route's fields (Page.Errors.<name>,
 * in the shop's language) written again in the customer's. */
void account_errors_again(struct request *req, const struct account_me *me);

/* The customer's name for mails and pages ("Marie Curie"), or their
 * address when they gave none, into out. */
void account_display_name(const struct account_me *me, char *out, size_t size);

#endif
