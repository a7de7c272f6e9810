/*
 * How the door checks a customer's own columns (struct field entries, see
 * request.h): one definition of each column's kind and length, the
 * column's own (sql/001, sql/013), for the forms that write them — the
 * admin's edit form (customers-edit.c) and the customer's own profile
 * (account-profile.c) — so that a limit changed here changes for both.
 * Each is an initializer:
 *
 *	[EDIT_CITY] = CUSTOMER_FIELD_CITY,
 *
 * The names are optional for an admin (an address alone makes a customer)
 * and required of the customer herself, at signup and in her profile:
 * CUSTOMER_FIELD_FIRST_NAME_AS(1).
 */
#ifndef FIDELE_CUSTOMER_FIELDS_H
#define FIDELE_CUSTOMER_FIELDS_H

#include "request.h"

#define CUSTOMER_FIELD_FIRST_NAME_AS(required) { "first_name", FIELD_TEXT, required, 100, 0, 0, NULL }
#define CUSTOMER_FIELD_LAST_NAME_AS(required) { "last_name", FIELD_TEXT, required, 100, 0, 0, NULL }
#define CUSTOMER_FIELD_FIRST_NAME CUSTOMER_FIELD_FIRST_NAME_AS(0)
#define CUSTOMER_FIELD_LAST_NAME CUSTOMER_FIELD_LAST_NAME_AS(0)
#define CUSTOMER_FIELD_PHONE { "phone", FIELD_PHONE, 0, 32, 0, 0, NULL }
#define CUSTOMER_FIELD_COUNTRY { "country", FIELD_COUNTRY, 0, 0, 0, 0, NULL }
#define CUSTOMER_FIELD_LANGUAGE { "language", FIELD_LANG, 0, 0, 0, 0, NULL }
#define CUSTOMER_FIELD_COMPANY { "company", FIELD_TEXT, 0, 100, 0, 0, NULL }
#define CUSTOMER_FIELD_ADDRESS { "address", FIELD_TEXT, 0, 255, 0, 0, NULL }
#define CUSTOMER_FIELD_POSTAL_CODE { "postal_code", FIELD_TEXT, 0, 20, 0, 0, NULL }
#define CUSTOMER_FIELD_CITY { "city", FIELD_TEXT, 0, 100, 0, 0, NULL }
#define CUSTOMER_FIELD_VAT_NUMBER { "vat_number", FIELD_TEXT, 0, 32, 0, 0, NULL }

#endif
