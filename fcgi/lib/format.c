/*
 * Local formatting of money and dates. Kept in C rather than in the
 * templates so that every page and every mail writes them the same way.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"

/* Digits of value grouped by three with sep between groups. Money is
 * written on every row of the list: no snprintf here or in format_money. */
static void
group_digits(unsigned long long value, const char *sep, char *out, size_t size)
{
	char digits[32];
	size_t len = 0, i, o = 0, sep_len = strlen(sep);

	do {
		digits[len++] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	for (i = 0; i < len / 2; i++) {
		char digit = digits[i];

		digits[i] = digits[len - 1 - i];
		digits[len - 1 - i] = digit;
	}
	for (i = 0; i < len && o + sep_len + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(out + o, sep, sep_len);
			o += sep_len;
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

const char *
format_currency_symbol(const char *currency)
{
	if (currency == NULL || strcmp(currency, "EUR") == 0)
		return "€";
	if (strcmp(currency, "GBP") == 0)
		return "£";
	if (strcmp(currency, "USD") == 0)
		return "$";
	if (strcmp(currency, "CHF") == 0)
		return "CHF";
	return currency;
}

/* Appends the texts to out as snprintf would: cut to size, always ended. */
static void
put_texts(char *out, size_t size, const char *const *texts, size_t count)
{
	size_t used = 0, length, i;

	if (size == 0)
		return;
	for (i = 0; i < count; i++) {
		length = strlen(texts[i]);
		if (length > size - 1 - used)
			length = size - 1 - used;
		memcpy(out + used, texts[i], length);
		used += length;
	}
	out[used] = '\0';
}

void
format_money(long long cents, const char *currency, enum lang lang, char *out, size_t size)
{
	char whole[48], hundredths[3];
	unsigned long long magnitude = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	const char *sign = cents < 0 ? "-" : "";
	const char *symbol = format_currency_symbol(currency);

	hundredths[0] = (char)('0' + magnitude % 100 / 10);
	hundredths[1] = (char)('0' + magnitude % 10);
	hundredths[2] = '\0';
	if (lang == LANG_FR) {
		/* narrow no-break space between thousands, no-break space before € */
		const char *texts[] = { sign, whole, ",", hundredths, "\xc2\xa0", symbol };

		group_digits(magnitude / 100, "\xe2\x80\xaf", whole, sizeof(whole));
		put_texts(out, size, texts, sizeof(texts) / sizeof(texts[0]));
	} else {
		const char *texts[] = { sign, symbol, whole, ".", hundredths };

		group_digits(magnitude / 100, ",", whole, sizeof(whole));
		put_texts(out, size, texts, sizeof(texts) / sizeof(texts[0]));
	}
}

/* The value of n digits at s, or -1 if they are not all digits. */
static int
digits(const char *s, int n)
{
	int value = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		value = value * 10 + (*s++ - '0');
	}
	return value;
}

/* Writes value (0 <= value < 10^n) as n digits at out, zeros first. */
static void
put_digits(char *out, int value, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* The day (year 0-9999, month 1-12, day 1-31) the shop's way into out (at
 * least 16 bytes, else empty): 23/11/2026, 23 Nov 2026. Called for every
 * date of every list row: no sscanf/snprintf here, they cost more than the
 * query that fetched the date. */
static void
format_day(int year, int month, int day, enum lang lang, char *out, size_t size)
{
	static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char *p = out;

	if (size < 16 || year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > 31) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	if (lang == LANG_FR) {
		put_digits(p, day, 2);
		p[2] = '/';
		put_digits(p + 3, month, 2);
		p[5] = '/';
		put_digits(p + 6, year, 4);
		p[10] = '\0';
		return;
	}
	if (day >= 10)
		*p++ = (char)('0' + day / 10);
	*p++ = (char)('0' + day % 10);
	*p++ = ' ';
	memcpy(p, months[month - 1], 3);
	p += 3;
	*p++ = ' ';
	put_digits(p, year, 4);
	p[4] = '\0';
}

void
format_date(const char *sql_date, enum lang lang, char *out, size_t size)
{
	if (sql_date == NULL || strlen(sql_date) < 10 || sql_date[4] != '-' ||
	    sql_date[7] != '-') {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	format_day(digits(sql_date, 4), digits(sql_date + 5, 2), digits(sql_date + 8, 2), lang,
	    out, size);
}

const char *
format_email_user(const char *email, char *user, size_t size, const char **domain)
{
	const char *at = email != NULL ? strrchr(email, '@') : NULL;

	*domain = "";
	if (at == NULL || (size_t)(at - email) >= size)
		return email;
	memcpy(user, email, (size_t)(at - email));
	user[at - email] = '\0';
	*domain = at + 1;
	return user;
}

/* What format_phone does with each byte of a phone: a separator is
 * written as one space, a kept character as it is; any other byte makes
 * the phone words ("poste 12"), shown as typed. A table rather than tests:
 * a list page formats fifty phones. */
enum { PHONE_WORDS, PHONE_SEPARATOR, PHONE_KEPT };

static const unsigned char phone_class[256] = {
	[' '] = PHONE_SEPARATOR, ['.'] = PHONE_SEPARATOR, ['-'] = PHONE_SEPARATOR,
	['/'] = PHONE_SEPARATOR,
	['0'] = PHONE_KEPT, ['1'] = PHONE_KEPT, ['2'] = PHONE_KEPT, ['3'] = PHONE_KEPT,
	['4'] = PHONE_KEPT, ['5'] = PHONE_KEPT, ['6'] = PHONE_KEPT, ['7'] = PHONE_KEPT,
	['8'] = PHONE_KEPT, ['9'] = PHONE_KEPT, ['+'] = PHONE_KEPT, ['('] = PHONE_KEPT,
	[')'] = PHONE_KEPT
};

const char *
format_phone(const char *typed, char *out, size_t size)
{
	const unsigned char *c;
	size_t o = 0;
	int gap = 0;

	if (size == 0)
		return "";
	out[0] = '\0';
	if (typed == NULL)
		return out;
	for (c = (const unsigned char *)typed; *c != '\0'; c++) {
		if (phone_class[*c] == PHONE_SEPARATOR) {
			gap = o > 0;
			continue;
		}
		if (phone_class[*c] != PHONE_KEPT || o + (size_t)gap + 2 > size) {
			snprintf(out, size, "%s", typed);
			return out;
		}
		if (gap)
			out[o++] = ' ';
		out[o++] = (char)*c;
		gap = 0;
	}
	out[o] = '\0';
	return out;
}

void
format_count(long long value, enum lang lang, char *out, size_t size)
{
	char digits[48];
	unsigned long long magnitude = value < 0 ? (unsigned long long)-value : (unsigned long long)value;

	group_digits(magnitude, lang == LANG_FR ? "\xe2\x80\xaf" : ",", digits, sizeof(digits));
	snprintf(out, size, "%s%s", value < 0 ? "-" : "", digits);
}

/* The current zone's offset from UTC over whole UTC days, kept per
 * thread: localtime_r for each date of a list page was 8 % of the page's
 * instructions, and the export converts dates in two threads at once. A
 * day whose first and last seconds have one offset is kept with it (no
 * zone changes its offset twice within a day); a day when the offset
 * changes is read from localtime_r for each time. By day, direct-mapped;
 * a day kept under another zone (zone_use counts the changes) is read
 * again. */
#define DAY_OFFSETS 1024
enum { DAY_UNKNOWN, DAY_ONE_OFFSET, DAY_CHANGES };
struct day_offset {
	long day;
	long offset;
	unsigned long zone;
	int state;
};
static __thread struct day_offset day_offsets[DAY_OFFSETS];
/* changed only while one thread converts (format.h) */
static unsigned long zone_changes;

/* Makes zone the process's local time zone, when it is not already: one
 * request at a time per process, so the global TZ is the request's. A
 * name that is not a plain tzdata name gives UTC. */
static void
zone_use(const char *zone)
{
	static char current[64];

	if (zone != NULL && strcmp(current, zone) == 0)
		return;	/* checked when it became current */
	if (zone == NULL || *zone == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL ||
	    strlen(zone) >= sizeof(current) ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
	    strlen(zone))
		zone = "UTC";
	if (strcmp(current, zone) == 0)
		return;
	snprintf(current, sizeof(current), "%s", zone);
	setenv("TZ", current, 1);
	tzset();
	zone_changes++;
}

/* Division rounded down, for times before 1970. */
static long
floor_div(long long a, long b)
{
	return (long)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

/* The offset from UTC of the current zone at when, in seconds: from the
 * kept day when its offset is one all day, else from localtime_r. */
static int
utc_offset(time_t when, long *offset)
{
	long day = floor_div(when, 86400);
	struct day_offset *kept = &day_offsets[(unsigned long)day % DAY_OFFSETS];
	struct tm first, last;
	time_t start, end;

	if (kept->state == DAY_UNKNOWN || kept->day != day || kept->zone != zone_changes) {
		start = (time_t)day * 86400;
		end = start + 86399;
		if (localtime_r(&start, &first) == NULL || localtime_r(&end, &last) == NULL)
			return -1;
		kept->day = day;
		kept->zone = zone_changes;
		kept->offset = first.tm_gmtoff;
		kept->state = first.tm_gmtoff == last.tm_gmtoff ? DAY_ONE_OFFSET : DAY_CHANGES;
	}
	if (kept->state == DAY_CHANGES) {
		if (localtime_r(&when, &first) == NULL)
			return -1;
		*offset = first.tm_gmtoff;
		return 0;
	}
	*offset = kept->offset;
	return 0;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil): timegm's answer without its
 * normalising, for every date of a list. */
static long
days_from_civil(int year, int month, int day)
{
	long era, yoe, doy, doe;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	yoe = year - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
format_civil_from_days(long days, int *year, int *month, int *day)
{
	long era, doe, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*month <= 2));
}

/* The UTC datetime (year, month, day, hour, minute, second) converted to
 * zone: local gets its year, month, day, hour and minute. Returns 0, or -1
 * when it is not a datetime. */
static int
local_time_of(const int utc[6], const char *zone, int local[5])
{
	long long when_local;
	long offset, days, seconds;
	time_t when;
	int year = utc[0], month = utc[1], day = utc[2];

	if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
	    utc[3] < 0 || utc[3] > 23 || utc[4] < 0 || utc[4] > 59 || utc[5] < 0 || utc[5] > 60)
		return -1;
	when = (time_t)days_from_civil(year, month, day) * 86400 + utc[3] * 3600 + utc[4] * 60 +
	    utc[5];
	zone_use(zone);
	if (utc_offset(when, &offset) != 0)
		return -1;
	seconds = utc[3] * 3600L + utc[4] * 60L + utc[5] + offset;
	if (seconds >= 0 && seconds < 86400) {
		/* the same day as in UTC, as most times of a list are */
		local[0] = year;
		local[1] = month;
		local[2] = day;
	} else {
		when_local = (long long)when + offset;
		days = floor_div(when_local, 86400);
		seconds = (long)(when_local - (long long)days * 86400);
		format_civil_from_days(days, &local[0], &local[1], &local[2]);
		if (local[0] < 0 || local[0] > 9999)
			return -1;
	}
	local[3] = (int)(seconds / 3600);
	local[4] = (int)(seconds % 3600 / 60);
	return 0;
}

/* local_time_of as "YYYY-MM-DD HH:MM" into out (LOCAL_MAX bytes). */
#define LOCAL_MAX 48
static int
local_datetime_of(const int utc[6], const char *zone, char *out)
{
	int local[5];

	if (local_time_of(utc, zone, local) != 0)
		return -1;
	/* by hand, as in format_day */
	put_digits(out, local[0], 4);
	out[4] = '-';
	put_digits(out + 5, local[1], 2);
	out[7] = '-';
	put_digits(out + 8, local[2], 2);
	out[10] = ' ';
	put_digits(out + 11, local[3], 2);
	out[13] = ':';
	put_digits(out + 14, local[4], 2);
	out[16] = '\0';
	return 0;
}

/* local_datetime_of for an SQL UTC datetime's text. */
static int
local_datetime(const char *sql_utc, const char *zone, char *out)
{
	int utc[6];

	if (sql_utc == NULL || strlen(sql_utc) < 19 || sql_utc[4] != '-' || sql_utc[7] != '-' ||
	    sql_utc[10] != ' ' || sql_utc[13] != ':' || sql_utc[16] != ':' ||
	    (utc[0] = digits(sql_utc, 4)) < 0 || (utc[1] = digits(sql_utc + 5, 2)) < 0 ||
	    (utc[2] = digits(sql_utc + 8, 2)) < 0 || (utc[3] = digits(sql_utc + 11, 2)) < 0 ||
	    (utc[4] = digits(sql_utc + 14, 2)) < 0 || (utc[5] = digits(sql_utc + 17, 2)) < 0)
		return -1;
	return local_datetime_of(utc, zone, out);
}

/* The date of sql_utc in zone, the shop's way, and its time after it when
 * with_time: one conversion for both. */
static void
format_local(const char *sql_utc, const char *zone, enum lang lang, int with_time, char *out,
    size_t size)
{
	char local[LOCAL_MAX];

	if (local_datetime(sql_utc, zone, local) != 0) {
		format_date(sql_utc, lang, out, size);
		return;
	}
	format_date(local, lang, out, size);
	if (with_time && out[0] != '\0' && strlen(out) + 7 < size) {
		strcat(out, " ");
		strcat(out, local + 11);
	}
}

void
format_local_date(const char *sql_utc, const char *zone, enum lang lang, char *out, size_t size)
{
	format_local(sql_utc, zone, lang, 0, out, size);
}

void
format_local_date_of(const int utc[6], const char *zone, enum lang lang, char *out, size_t size)
{
	int local[5];

	if (local_time_of(utc, zone, local) != 0) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	/* a list's hundred dates: from the numbers, not through their text */
	format_day(local[0], local[1], local[2], lang, out, size);
}

void
format_local_when(const char *sql_utc, const char *zone, enum lang lang, char *out, size_t size)
{
	format_local(sql_utc, zone, lang, 1, out, size);
}

int
format_local_day(const char *sql_utc, const char *zone, int *year, int *month, int *day)
{
	char local[LOCAL_MAX];

	if (local_datetime(sql_utc, zone, local) != 0)
		return -1;
	*year = digits(local, 4);
	*month = digits(local + 5, 2);
	*day = digits(local + 8, 2);
	return 0;
}
