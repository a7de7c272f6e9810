/*
 * Import, part 1 of 3: what the columns of a file mean and what one row
 * says. Shared by the import pages (import.fcgi: the mapping screen guesses
 * each column's field from its header) and the worker (fidele-worker: the
 * import job reads every row into a record through the admin's mapping).
 *
 * Headers are recognised in French and English with their usual spellings,
 * accents, case and punctuation folded ("Prénom", "PRENOM", "First name",
 * "first_name"), and as the exports of Shopify, Squarespace, PrestaShop,
 * MyCOMMERCE ("Nom,E-mail,Mot de passe"), Cagette and Fidèle itself write
 * them: one table of synonyms (import_synonyms in import-map.c).
 *
 * A row is read into a record with every value checked and normalised as
 * the customer pages would (the e-mail lower-cased and checked, the country
 * as an ISO code from "France", "FR" or "Belgique", dates from 31/12/2023,
 * 2023-12-31 or Excel's, money from "1 234,56 €"); a row that cannot be
 * taken gets one reason, the first found, in import_reason order.
 */
#ifndef FIDELE_IMPORT_MAP_H
#define FIDELE_IMPORT_MAP_H

#include "lib/sheet.h"

/* What a column can hold. */
enum import_field {
	IMPORT_IGNORE = 0,
	IMPORT_EMAIL,
	IMPORT_FIRST_NAME,
	IMPORT_LAST_NAME,
	IMPORT_FULL_NAME,	/* split into first and last name ("Martin, Élodie" too) */
	IMPORT_PHONE,
	IMPORT_MOBILE,		/* the phone when no phone column has one */
	IMPORT_COMPANY,
	IMPORT_ADDRESS,
	IMPORT_ADDRESS2,	/* appended to the address */
	IMPORT_POSTAL_CODE,
	IMPORT_CITY,
	IMPORT_COUNTRY,
	IMPORT_LANGUAGE,
	IMPORT_VAT_NUMBER,
	IMPORT_TAX_EXEMPT,
	IMPORT_SIGNUP_DATE,
	IMPORT_MARKETING,	/* newsletter: yes / no */
	IMPORT_NOTE,		/* becomes a note on the customer */
	IMPORT_ORDER_COUNT,
	IMPORT_TOTAL_SPENT,
	IMPORT_PASSWORD,	/* recognised so that it is never stored: sign-in is by link */
	IMPORT_TAGS,		/* recognised; imported once tags exist (issue 16) */
	IMPORT_GROUPS,		/* recognised; imported once groups exist (issue 16) */
	IMPORT_FIELD__MAX
};

/* The fields' names, for forms, the import row's mapping and language keys
 * (Lang.Import.Field.<name>): "ignore", "email", "first_name", ... */
extern const char *const import_field_names[IMPORT_FIELD__MAX];

/* The field named name, or IMPORT_FIELD__MAX. */
enum import_field import_field_find(const char *name);

/* The field a header names, or IMPORT_IGNORE when it names none we know. */
enum import_field import_guess(const char *header);

/* Guesses every column's field from headers (count of them) into map;
 * each field but IMPORT_IGNORE is given to one column at most (the first
 * that names it). Returns 1 when a column is an e-mail, else 0. */
int import_guess_columns(const char *const *headers, int count, enum import_field *map);

/* Whether a first row is a header rather than data: 1 when one of its
 * cells names a field and none is an e-mail address, else 0. */
int import_is_header(const struct sheet_row *row);

/* Why a row cannot be taken, in the order they are looked for. */
enum import_reason {
	IMPORT_OK = 0,
	IMPORT_BAD_TEXT,	/* bytes that are not text, NUL bytes (SHEET_ROW_BAD_TEXT) */
	IMPORT_TOO_MANY_COLUMNS,
	IMPORT_NO_EMAIL,
	IMPORT_BAD_EMAIL,
	IMPORT_TOO_LONG,	/* a value over its column's length */
	IMPORT_BAD_COUNTRY,
	IMPORT_BAD_LANGUAGE,
	IMPORT_BAD_DATE,
	IMPORT_BAD_NUMBER,
	IMPORT_BAD_YES_NO,
	IMPORT_DUPLICATE,	/* the address came earlier in the file (set by the job) */
	IMPORT_REASON__MAX
};

/* The reasons' names ("bad_email", ...): import_error.reason and language
 * keys (Lang.Import.Reason.<name>). */
extern const char *const import_reason_names[IMPORT_REASON__MAX];

/* Sizes in bytes (UTF-8, 4 per character) of the customer columns. */
#define IMPORT_EMAIL_MAX 254
#define IMPORT_NAME_MAX (100 * 4)
#define IMPORT_PHONE_MAX 32
#define IMPORT_COMPANY_MAX (100 * 4)
#define IMPORT_ADDRESS_MAX (255 * 4)
#define IMPORT_POSTAL_CODE_MAX (20 * 4)
#define IMPORT_CITY_MAX (100 * 4)
#define IMPORT_VAT_MAX 32
#define IMPORT_NOTE_MAX (10000 * 4)

/* One row as the customer writer takes it. Text is "" when the file has no
 * value; has[f] says whether the row gave field f a value (the import's
 * "fill empty fields only" and "overwrite" tell an empty cell from a
 * missing column). An empty cell, or one holding only a placeholder ("-",
 * "N/A", Excel's "#N/A"), gives no value: has[f] stays 0. The fields read
 * through another one say so in both: a full name split sets has[] of the
 * first and last name it fills, a mobile used as the phone has[IMPORT_PHONE],
 * a second address line has[IMPORT_ADDRESS] (joined to the first with ", ").
 * A password, tags and groups set has[] only (nothing is copied). */
struct import_record {
	char email[IMPORT_EMAIL_MAX + 1];	/* normalised (text_email_normalise) */
	char first_name[IMPORT_NAME_MAX + 1];
	char last_name[IMPORT_NAME_MAX + 1];
	char phone[IMPORT_PHONE_MAX + 1];
	char company[IMPORT_COMPANY_MAX + 1];
	char address[IMPORT_ADDRESS_MAX + 1];
	char postal_code[IMPORT_POSTAL_CODE_MAX + 1];
	char city[IMPORT_CITY_MAX + 1];
	char country[3];			/* ISO 3166 alpha-2, upper case */
	char language[3];			/* "fr" or "en" */
	char vat_number[IMPORT_VAT_MAX + 1];
	char signup_date[20];			/* "YYYY-MM-DD HH:MM:SS" */
	char note[IMPORT_NOTE_MAX + 1];
	int tax_exempt;				/* 0 or 1 */
	int marketing;				/* 0 or 1 */
	long long order_count;
	long long total_spent_cents;
	int has[IMPORT_FIELD__MAX];
	int has_password;			/* a password was in the file: dropped */
	int reason_column;			/* the column whose cell is refused, or -1 */
};

/* Reads row through map (one field per column; columns past count are
 * ignored) into out. Returns IMPORT_OK or the first reason the row cannot
 * be taken (out is then partly filled: do not write it), with
 * out->reason_column the column whose cell gave it (-1: the row's, such as
 * no address at all). */
enum import_reason import_record_read(const struct sheet_row *row, const enum import_field *map,
    int count, struct import_record *out);

/* Writes map as the import row's mapping text ("email,first_name,ignore")
 * into out. Returns 0, or -1 when it does not fit or a field is out of
 * range. */
int import_mapping_write(const enum import_field *map, int count, char *out, size_t size);

/* Reads a mapping text back into map (at most max columns). Returns the
 * number of columns ("" is none), or -1 when a name is unknown or empty, a
 * field other than ignore comes twice, or there are more than max. */
int import_mapping_read(const char *text, enum import_field *map, int max);

/* Fidèle's own customer export (issue 14): the columns it writes, in
 * order, with their headers in French and English (which the export
 * writes, and the import recognises as the field given; IMPORT_IGNORE for
 * the columns that are not a customer's input: status, source, average
 * order, last order date, service e-mails). name is the column's key. */
struct import_export_column {
	const char *name;
	enum import_field field;
	const char *header_fr;
	const char *header_en;
};

#define IMPORT_EXPORT_COLUMNS 23
extern const struct import_export_column import_export_columns[IMPORT_EXPORT_COLUMNS];

#endif
