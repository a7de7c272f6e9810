/*
 * Numbers, money and dates the way each language writes them:
 * "1 234,56 €" and "23/11/2026" in French, "€1,234.56" and "23 Nov 2026"
 * in English. Output goes into the caller's buffer.
 */
#ifndef FIDELE_FORMAT_H
#define FIDELE_FORMAT_H

#include <stddef.h>

#include "app.h"

/* Formats cents of currency (ISO code, e.g. "EUR"). */
void format_money(long long cents, const char *currency, enum lang lang, char *out, size_t size);

/* Formats an SQL date or datetime ("2026-11-23[ 10:00:00]") as a date.
 * An empty or NULL input gives "". */
void format_date(const char *sql_date, enum lang lang, char *out, size_t size);

#endif
