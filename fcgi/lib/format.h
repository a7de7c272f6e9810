/*
 * Numbers, money and dates the way each language writes them:
 * "1 234,56 €" and "23/11/2026" in French, "€1,234.56" and "23 Nov 2026"
 * in English. Output goes into the caller's buffer. Times are stored in
 * UTC and shown in the shop's time zone.
 */
#ifndef FIDELE_FORMAT_H
#define FIDELE_FORMAT_H

#include <stddef.h>

#include "lang.h"

/* The sign or code an amount in currency (ISO 4217; NULL: EUR) is written
 * with: "€", "£", "$", "CHF", else the code itself. */
const char *format_currency_symbol(const char *currency);

/* Formats cents of currency (ISO code, e.g. "EUR"). */
void format_money(long long cents, const char *currency, enum lang lang, char *out, size_t size);

/* Formats an SQL date or datetime ("2026-11-23[ 10:00:00]") as a date.
 * An empty or NULL input gives "". */
void format_date(const char *sql_date, enum lang lang, char *out, size_t size);

/* Formats a count: "1 234" in French (narrow no-break space), "1,234" in
 * English. */
void format_count(long long value, enum lang lang, char *out, size_t size);

/* The part of an address before its last "@" (into user, NUL-terminated)
 * and the domain after it (*domain), for a page that lets the address
 * break before its "@" (<wbr>) rather than in the middle of a word: the
 * whole address and "" when it has no "@" or the part does not fit.
 * Returns the part (user, or email). The list's rows, written by C
 * (list-row.cs), use it; a page ClearSilver writes has macros.cs's
 * email_text. */
const char *format_email_user(const char *email, char *user, size_t size, const char **domain);

/* A phone number as shown: its digits grouped as it was typed, one space
 * between groups, whatever separated them ("06.23.45.67.89" and
 * "06-23-45-67-89" read "06 23 45 67 89", "+33 (0)6 23" stays). A number
 * with anything else in it ("poste 12"), or that does not fit out, is
 * shown as typed; NULL gives "". Returns out. */
const char *format_phone(const char *typed, char *out, size_t size);

/* Formats an SQL UTC datetime ("2026-11-23 22:30:00[.123]") as the date in
 * time zone (an IANA name such as "Europe/Paris"): "24/11/2026". A date
 * without a time is shown as it is. Empty or NULL gives "". */
void format_local_date(const char *sql_utc, const char *zone, enum lang lang, char *out,
    size_t size);

/* format_local_date of a UTC datetime given as its year, month, day,
 * hour, minute and second (db_datetime's): the list's dates, without
 * their text. An impossible datetime gives "". */
void format_local_date_of(const int utc[6], const char *zone, enum lang lang, char *out,
    size_t size);

/* The same with the time: "24/11/2026 23:30". */
void format_local_when(const char *sql_utc, const char *zone, enum lang lang, char *out,
    size_t size);

/* The day of an SQL UTC datetime in time zone, as numbers (a spreadsheet's
 * date cell). Returns 0, or -1 when sql_utc is not a datetime.
 * The format_local_* functions make zone the process's (TZ) when it is not
 * already: two threads may call them at once only with the zone one of
 * them made the process's before (the export's two halves). */
int format_local_day(const char *sql_utc, const char *zone, int *year, int *month, int *day);

/* The date of a day count from 1970-01-01, negative before (Howard
 * Hinnant's civil_from_days): the local dates of a list, the import's
 * spreadsheet serial dates. */
void format_civil_from_days(long days, int *year, int *month, int *day);

#endif
