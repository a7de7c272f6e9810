/* Unit tests for fcgi/lib/format.c: money and dates the local way. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../fcgi/lib/format.h"
#include "tap.h"

/* Counts in wrong when format_local_when does not show when (UTC) in zone
 * as localtime_r does; the first such time is printed. */
static void
as_the_c_library_says(time_t when, const char *zone, char *out, size_t size, int *wrong)
{
	struct tm utc, local;
	char sql[32], expected[32];

	gmtime_r(&when, &utc);
	strftime(sql, sizeof(sql), "%Y-%m-%d %H:%M:%S", &utc);
	format_local_when(sql, zone, LANG_FR, out, size);
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&when, &local);
	strftime(expected, sizeof(expected), "%d/%m/%Y %H:%M", &local);
	if (strcmp(out, expected) != 0 && (*wrong)++ == 0)
		fprintf(stderr, "# %s UTC in %s: %s, expected %s\n", sql, zone, out, expected);
}

/* Every day from 1901 to 2200 at 23:59:30 UTC, shown in Paris, is what
 * timegm and localtime_r make of it (format.c counts the days itself). */
static void
every_day_as_the_c_library_says(char *out, size_t size)
{
	time_t when;
	int wrong = 0, days = 0;

	for (when = -2177452800 + 86399 - 30; when < 7258118400; when += 86400, days++)
		as_the_c_library_says(when, "Europe/Paris", out, size, &wrong);
	ok(wrong == 0 && days > 100000, "every day of three centuries is converted as the C library does");
}

/* format_local_date_of (the list's dates, from the row's time) gives what
 * format_local_date gives for the same datetime's text, every six hours
 * and 17 minutes over 2026 to 2028 in Paris, New York and Lord Howe (the
 * changes of offset fall between the times, on either side). */
static void
dates_of_parts_as_of_text(char *out, size_t size)
{
	static const char *const zones[] = { "Europe/Paris", "America/New_York",
		"Australia/Lord_Howe" };
	time_t when, start = 1767225600;	/* 2026-01-01 00:00:00 UTC */
	char sql[32], expected[32];
	struct tm utc;
	size_t z;
	int parts[6], wrong = 0, times = 0;

	for (when = start; when < start + 3 * 365 * 86400; when += 6 * 3600 + 17 * 60)
		for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++, times++) {
			gmtime_r(&when, &utc);
			strftime(sql, sizeof(sql), "%Y-%m-%d %H:%M:%S", &utc);
			format_local_date(sql, zones[z], z % 2 ? LANG_EN : LANG_FR, expected,
			    sizeof(expected));
			parts[0] = utc.tm_year + 1900;
			parts[1] = utc.tm_mon + 1;
			parts[2] = utc.tm_mday;
			parts[3] = utc.tm_hour;
			parts[4] = utc.tm_min;
			parts[5] = utc.tm_sec;
			format_local_date_of(parts, zones[z], z % 2 ? LANG_EN : LANG_FR, out, size);
			if (strcmp(out, expected) != 0 && wrong++ == 0)
				fprintf(stderr, "# %s UTC in %s: %s, expected %s\n", sql, zones[z], out,
				    expected);
		}
	ok(wrong == 0 && times > 10000, "a date from its parts is the date from its text");
}

/* Every quarter of an hour of 2026 and 2027 in zones whose offsets change
 * by an hour, half an hour (Lord Howe), in the south (Sydney), or never
 * (Kathmandu, +5:45), with the zones taken in turn, is what localtime_r
 * makes of it: format.c keeps each day's offset, and converts a day when
 * the offset changes time by time. Then two days that share a kept slot
 * (1,024 days apart) in turn. */
static void
every_quarter_hour_in_several_zones(char *out, size_t size)
{
	static const char *const zones[] = { "Europe/Paris", "America/New_York",
		"Australia/Lord_Howe", "Australia/Sydney", "Asia/Kathmandu", "Pacific/Chatham" };
	time_t when, start = 1767225600;	/* 2026-01-01 00:00:00 UTC */
	size_t z;
	int wrong = 0, times = 0, turn;

	for (when = start; when < start + 2 * 365 * 86400; when += 900)
		for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
			/* every zone now and then, Paris every time */
			if ((when / 900) % 97 == 0 || z == 0) {
				as_the_c_library_says(when, zones[z], out, size, &wrong);
				times++;
			}
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
		for (turn = 0; turn < 8; turn++, times++)
			/* 2026-03-29 01:30 UTC, Paris's change, and 1,024 days later */
			as_the_c_library_says(1774747800 + (turn % 2) * 1024L * 86400, zones[z], out,
			    size, &wrong);
	ok(wrong == 0 && times > 70000,
	    "every quarter of an hour of two years, in six zones taken in turn, is converted as the C library does");
}

/* Phones: the groups as typed, one space between them. */
static void
phones(void)
{
	static const struct {
		const char *typed, *shown, *why;
	} cases[] = {
		{ "06.23.45.67.89", "06 23 45 67 89", "a phone typed with dots reads with spaces" },
		{ "06-23-45-67-89", "06 23 45 67 89", "a phone typed with dashes reads with spaces" },
		{ " 06 / 23  45.67 89 ", "06 23 45 67 89",
		    "runs of separators are one space, none at the ends" },
		{ "+33 (0)6 23 45 67 89", "+33 (0)6 23 45 67 89",
		    "a number from abroad keeps its parentheses" },
		{ "+33.6.91.00.00.00", "+33 6 91 00 00 00", "the country code is a group too" },
		{ "0623456789", "0623456789",
		    "digits typed together stay together (their grouping is the country's)" },
		{ "079.123.45.67", "079 123 45 67", "a Swiss grouping stays Swiss" },
		{ "06 23 45 67 89 poste 12", "06 23 45 67 89 poste 12",
		    "a phone with words in it is shown as typed" },
		{ "06\xc2\xa0" "23 45 67 89", "06\xc2\xa0" "23 45 67 89",
		    "a byte beyond ASCII (a no-break space) makes it shown as typed" },
		{ NULL, "", "no phone gives an empty text" },
	};
	char out[64], small[8];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(format_phone(cases[i].typed, out, sizeof(out)), cases[i].shown, cases[i].why);
	is_str(format_phone("06.23.45.67.89", small, sizeof(small)), "06.23.4",
	    "a phone that does not fit is cut as typed");
}

int
main(void)
{
	char out[64];

	format_money(123456, "EUR", LANG_FR, out, sizeof(out));
	is_str(out, "1\xe2\x80\xaf" "234,56\xc2\xa0€", "French money: 1 234,56 €");
	format_money(123456, "EUR", LANG_EN, out, sizeof(out));
	is_str(out, "€1,234.56", "English money: €1,234.56");
	format_money(5, "EUR", LANG_FR, out, sizeof(out));
	is_str(out, "0,05\xc2\xa0€", "cents below one euro keep two digits");
	format_money(-1999, "GBP", LANG_EN, out, sizeof(out));
	is_str(out, "-£19.99", "negative amounts keep their sign");
	format_money(100000000, "EUR", LANG_EN, out, sizeof(out));
	is_str(out, "€1,000,000.00", "millions are grouped by three");

	format_date("2026-11-23 10:04:00", LANG_FR, out, sizeof(out));
	is_str(out, "23/11/2026", "French dates are day/month/year");
	format_date("2026-11-23", LANG_EN, out, sizeof(out));
	is_str(out, "23 Nov 2026", "English dates name the month");
	format_date("2026-03-04 00:00:00", LANG_EN, out, sizeof(out));
	is_str(out, "4 Mar 2026", "English dates have no leading zero");
	format_date("2026-13-04", LANG_FR, out, sizeof(out));
	is_str(out, "", "a month 13 gives an empty text");
	format_date(NULL, LANG_FR, out, sizeof(out));
	is_str(out, "", "no date gives an empty text");
	format_date("garbage", LANG_EN, out, sizeof(out));
	is_str(out, "", "a malformed date gives an empty text");

	format_count(1234, LANG_FR, out, sizeof(out));
	is_str(out, "1\xe2\x80\xaf" "234", "French counts group thousands with a narrow space");
	format_count(948, LANG_EN, out, sizeof(out));
	is_str(out, "948", "counts under a thousand are not grouped");
	format_count(1001, LANG_EN, out, sizeof(out));
	is_str(out, "1,001", "English counts group with a comma");

	phones();

	format_local_when("2026-07-14 21:30:00", "Europe/Paris", LANG_FR, out, sizeof(out));
	is_str(out, "14/07/2026 23:30", "a summer UTC time is two hours later in Paris");
	format_local_when("2026-12-31 23:30:00.123", "Europe/Paris", LANG_FR, out, sizeof(out));
	is_str(out, "01/01/2027 00:30", "a winter UTC time crosses midnight into Paris's new year");
	format_local_date("2026-12-31 23:30:00", "Europe/Paris", LANG_EN, out, sizeof(out));
	is_str(out, "1 Jan 2027", "the date is the shop's date, not UTC's");
	format_local_when("2026-07-14 21:30:00", "Europe/London", LANG_EN, out, sizeof(out));
	is_str(out, "14 Jul 2026 22:30", "London summer time is one hour ahead of UTC");
	format_local_when("2026-07-14 21:30:00", "../etc/passwd", LANG_FR, out, sizeof(out));
	is_str(out, "14/07/2026 21:30", "a zone that is not a tzdata name shows UTC");
	format_local_date("2026-07-14", "Europe/Paris", LANG_FR, out, sizeof(out));
	is_str(out, "14/07/2026", "a date without a time is shown as it is");
	format_local_when(NULL, "Europe/Paris", LANG_FR, out, sizeof(out));
	is_str(out, "", "no datetime gives an empty text");
	every_day_as_the_c_library_says(out, sizeof(out));
	dates_of_parts_as_of_text(out, sizeof(out));
	{
		int evening[6] = { 2026, 12, 31, 23, 30, 0 }, impossible[6] = { 2026, 13, 1, 0, 0, 0 };
		int zero[6] = { 0, 0, 0, 0, 0, 0 };

		format_local_date_of(evening, "Europe/Paris", LANG_EN, out, sizeof(out));
		is_str(out, "1 Jan 2027", "from its parts too, the date is the shop's, not UTC's");
		format_local_date_of(impossible, "Europe/Paris", LANG_FR, out, sizeof(out));
		is_str(out, "", "an impossible month gives an empty text");
		format_local_date_of(zero, "Europe/Paris", LANG_FR, out, sizeof(out));
		is_str(out, "", "a zero date gives an empty text");
	}
	every_quarter_hour_in_several_zones(out, sizeof(out));
	format_local_when("2024-02-29 12:00:00", "UTC", LANG_FR, out, sizeof(out));
	is_str(out, "29/02/2024 12:00", "a leap day is kept");
	format_local_when("2100-03-01 00:00:00", "Asia/Tokyo", LANG_FR, out, sizeof(out));
	is_str(out, "01/03/2100 09:00", "2100 is not a leap year, and Tokyo is nine hours ahead");
	return tap_done();
}
