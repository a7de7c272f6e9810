/* Unit tests for fcgi/lib/sheet_out.c: the CSV profiles byte for byte
 * (BOM, separators, CRLF, quoting, formula neutralisation, money, dates),
 * the sink (pieces, a sink that fails half-way), a property test that
 * reads random cells back with an RFC 4180 reader, and the .xlsx's files
 * (nothing left in the folder, no descriptor kept, abandoned or not). What
 * the .xlsx holds is read back in Python: tests/web/test_sheet_out.py. */
#include <config.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/sheet_out.h"
#include "tap.h"

/* What the sink got: every byte, how many calls, the biggest piece; it
 * fails from call fail_at on (0: never). */
struct capture {
	char *bytes;
	size_t length, size;
	int calls, fail_at;
	size_t biggest;
};

static int
capture_sink(void *ctx, const char *buf, size_t len)
{
	struct capture *capture = ctx;

	capture->calls++;
	if (capture->fail_at > 0 && capture->calls >= capture->fail_at)
		return -1;
	if (capture->length + len + 1 > capture->size) {
		capture->size = (capture->length + len + 1) * 2;
		capture->bytes = realloc(capture->bytes, capture->size);
		if (capture->bytes == NULL)
			exit(2);
	}
	memcpy(capture->bytes + capture->length, buf, len);
	capture->length += len;
	capture->bytes[capture->length] = '\0';
	if (len > capture->biggest)
		capture->biggest = len;
	return 0;
}

static const enum sheet_out_type four_types[] = { SHEET_OUT_TEXT, SHEET_OUT_INTEGER,
	SHEET_OUT_MONEY, SHEET_OUT_DATE };

/* The header "Nom|Commandes|Total|Depuis" and one row of a text, an
 * integer, a money and a date, in format and language. */
static char *
one_row(enum sheet_out_format format, const char *language, const char *text,
    long long integer, long long cents, int year, int month, int day)
{
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(format, language, four_types, 4, NULL,
	    capture_sink, &capture);

	if (out == NULL)
		return strdup("(open failed)");
	sheet_out_text(out, "Nom", 3);
	sheet_out_text(out, "Commandes", 9);
	sheet_out_text(out, "Total", 5);
	sheet_out_text(out, "Depuis", 6);
	sheet_out_row_end(out);
	sheet_out_text(out, text, strlen(text));
	sheet_out_integer(out, integer);
	sheet_out_money(out, cents);
	sheet_out_date(out, year, month, day);
	sheet_out_row_end(out);
	if (sheet_out_close(out) != 0) {
		free(capture.bytes);
		return strdup("(close failed)");
	}
	return capture.bytes;
}

static void
test_profiles(void)
{
	char *csv = one_row(SHEET_OUT_CSV, "fr", "Zoé", 3, 123456, 2024, 12, 31);
	char *excel_fr = one_row(SHEET_OUT_CSV_EXCEL, "fr", "Zoé", 3, 123456, 2024, 12, 31);
	char *excel_en = one_row(SHEET_OUT_CSV_EXCEL, "en", "Zoé", 3, 123456, 2024, 12, 31);

	is_str(csv, "Nom,Commandes,Total,Depuis\r\nZoé,3,1234.56,2024-12-31\r\n",
	    "plain CSV: no BOM, ',', CRLF, decimal point, ISO date");
	is_str(excel_fr, "\xef\xbb\xbfNom;Commandes;Total;Depuis\r\nZoé;3;1234,56;31/12/2024\r\n",
	    "CSV for Excel in French: BOM, ';', CRLF, decimal comma, dd/mm/yyyy");
	is_str(excel_en, "\xef\xbb\xbfNom,Commandes,Total,Depuis\r\nZoé,3,1234.56,31/12/2024\r\n",
	    "CSV for Excel in English: BOM, ',', CRLF, decimal point, dd/mm/yyyy (UK)");
	free(csv);
	free(excel_fr);
	free(excel_en);
}

/* One text cell alone in a row, as format writes it (without the BOM). */
static char *
text_cell(enum sheet_out_format format, const char *language, const char *text, size_t length)
{
	static const enum sheet_out_type text_type[] = { SHEET_OUT_TEXT };
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(format, language, text_type, 1, NULL,
	    capture_sink, &capture);
	char *cell;

	sheet_out_text(out, text, length);
	sheet_out_row_end(out);
	sheet_out_close(out);
	cell = strdup(capture.bytes + (format == SHEET_OUT_CSV_EXCEL ? 3 : 0));
	free(capture.bytes);
	return cell;
}

static void
test_text_cells(void)
{
	static const struct {
		const char *text, *csv, *name;
	} cases[] = {
		{ "Martin", "Martin\r\n", "a plain word is written as it is" },
		{ "", "\r\n", "an empty text is nothing" },
		{ "a;b", "\"a;b\"\r\n", "a ';' is quoted" },
		{ "a,b", "\"a,b\"\r\n", "a ',' is quoted" },
		{ "dit \"Jo\"", "\"dit \"\"Jo\"\"\"\r\n", "a quote is quoted and doubled" },
		{ "a\rb", "\"a\rb\"\r\n", "a CR is quoted" },
		{ "a\nb", "\"a\nb\"\r\n", "an LF is quoted" },
		{ "a\tb", "\"a\tb\"\r\n", "a tab inside is quoted" },
		{ " espace ", " espace \r\n", "spaces are data: not quoted" },
		{ "=1+1", "\"'=1+1\"\r\n", "'=' first is neutralised" },
		{ "+33 6 12 34 56 78", "\"'+33 6 12 34 56 78\"\r\n",
		  "'+' first is neutralised (a phone is text)" },
		{ "-2", "\"'-2\"\r\n", "'-' first is neutralised in a text cell" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"\r\n", "'@' first is neutralised" },
		{ "\tx", "\"'\tx\"\r\n", "a tab first is neutralised" },
		{ "\rx", "\"'\rx\"\r\n", "a CR first is neutralised" },
		{ "=HYPERLINK(\"http://x\";\"y\")", "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"\r\n",
		  "a formula with quotes: neutralised, quoted, quotes doubled" },
		{ "a=1", "a=1\r\n", "'=' not first: untouched" },
		{ "Alice-Marie", "Alice-Marie\r\n", "a cell beginning with a letter is untouched" },
		{ "'déjà'", "'déjà'\r\n", "a quote ' first is untouched" },
		{ "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe2\x80\x8f\xf0\x9f\x98\x80",
		  "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe2\x80\x8f\xf0\x9f\x98\x80\r\n",
		  "Arabic, a right-to-left mark and an emoji are written as given" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cell = text_cell(SHEET_OUT_CSV, "fr", cases[i].text, strlen(cases[i].text));

		is_str(cell, cases[i].csv, cases[i].name);
		free(cell);
	}
	{
		char *cell = text_cell(SHEET_OUT_CSV_EXCEL, "fr", "a,b", 3);

		is_str(cell, "\"a,b\"\r\n", "CSV for Excel (';') quotes a ',' too: a guessed separator reads the same cells");
		free(cell);
		cell = text_cell(SHEET_OUT_CSV_EXCEL, "en", "-5 €", strlen("-5 €"));
		is_str(cell, "\"'-5 €\"\r\n", "CSV for Excel neutralises too");
		free(cell);
		cell = text_cell(SHEET_OUT_CSV, "fr", "=a\0b", 4);
		ok(cell != NULL && memcmp(cell, "\"'=a", 4) == 0, "a text is taken by its length, not up to a NUL");
		free(cell);
		cell = text_cell(SHEET_OUT_CSV, "fr", NULL, 0);
		is_str(cell, "\r\n", "a NULL text of length 0 is an empty cell");
		free(cell);
	}
}

/* The money cell of one row, e.g. "1234,56". */
static char *
money_cell(enum sheet_out_format format, const char *language, long long cents)
{
	static const enum sheet_out_type money_type[] = { SHEET_OUT_MONEY };
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(format, language, money_type, 1, NULL,
	    capture_sink, &capture);
	char *cell, *end;

	sheet_out_money(out, cents);
	sheet_out_row_end(out);
	sheet_out_close(out);
	cell = strdup(capture.bytes + (format == SHEET_OUT_CSV_EXCEL ? 3 : 0));
	end = strstr(cell, "\r\n");
	if (end != NULL)
		*end = '\0';
	free(capture.bytes);
	return cell;
}

static void
test_money(void)
{
	static const struct {
		long long cents;
		const char *csv, *excel_fr;
	} cases[] = {
		{ 0, "0.00", "0,00" },
		{ 5, "0.05", "0,05" },
		{ -5, "-0.05", "-0,05" },
		{ 100, "1.00", "1,00" },
		{ -100, "-1.00", "-1,00" },
		{ 123456789, "1234567.89", "1234567,89" },
		{ LLONG_MAX, "92233720368547758.07", "92233720368547758,07" },
		{ LLONG_MIN, "-92233720368547758.08", "-92233720368547758,08" },
	};
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *csv = money_cell(SHEET_OUT_CSV, "fr", cases[i].cents);
		char *excel_fr = money_cell(SHEET_OUT_CSV_EXCEL, "fr", cases[i].cents);
		char *excel_en = money_cell(SHEET_OUT_CSV_EXCEL, "en", cases[i].cents);

		snprintf(name, sizeof(name), "%lld cents in plain CSV: a number, not neutralised",
		    cases[i].cents);
		is_str(csv, cases[i].csv, name);
		snprintf(name, sizeof(name), "%lld cents in French CSV for Excel", cases[i].cents);
		is_str(excel_fr, cases[i].excel_fr, name);
		snprintf(name, sizeof(name), "%lld cents in English CSV for Excel", cases[i].cents);
		is_str(excel_en, cases[i].csv, name);
		free(csv);
		free(excel_fr);
		free(excel_en);
	}
}

static void
test_integers_and_dates(void)
{
	static const enum sheet_out_type types[] = { SHEET_OUT_INTEGER, SHEET_OUT_INTEGER,
		SHEET_OUT_INTEGER, SHEET_OUT_DATE, SHEET_OUT_DATE, SHEET_OUT_DATE, SHEET_OUT_DATE,
		SHEET_OUT_DATE };
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 8, NULL,
	    capture_sink, &capture);

	sheet_out_integer(out, 0);
	sheet_out_integer(out, -42);
	sheet_out_integer(out, LLONG_MIN);
	sheet_out_date(out, 2024, 2, 29);
	sheet_out_date(out, 2023, 2, 29);
	sheet_out_date(out, 0, 0, 0);
	sheet_out_date(out, 5, 1, 9);
	sheet_out_date(out, 2026, 13, 1);
	sheet_out_row_end(out);
	sheet_out_close(out);
	is_str(capture.bytes, "0,-42,-9223372036854775808,2024-02-29,,,0005-01-09,\r\n",
	    "integers negative and extreme are numbers; a day that does not exist is an empty cell");
	free(capture.bytes);

	memset(&capture, 0, sizeof(capture));
	out = sheet_out_open(SHEET_OUT_CSV_EXCEL, "fr", types, 8, NULL, capture_sink, &capture);
	sheet_out_date(out, 2024, 1, 5);
	sheet_out_row_end(out);
	sheet_out_close(out);
	is_str(capture.bytes, "\xef\xbb\xbf" "05/01/2024\r\n", "CSV for Excel: the day first, two digits");
	free(capture.bytes);
}

static void
test_rows(void)
{
	static const enum sheet_out_type types[] = { SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_TEXT };
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 3, NULL,
	    capture_sink, &capture);

	ok(sheet_out_rows(out) == 0, "no row before the header");
	sheet_out_text(out, "a", 1);
	sheet_out_text(out, "b", 1);
	sheet_out_text(out, "c", 1);
	sheet_out_row_end(out);
	ok(sheet_out_rows(out) == 1, "the header is a row");
	sheet_out_row_end(out);
	sheet_out_text(out, "x", 1);
	sheet_out_row_end(out);
	sheet_out_empty(out);
	sheet_out_empty(out);
	sheet_out_text(out, "z", 1);
	sheet_out_row_end(out);
	sheet_out_text(out, "open", 4);
	ok(sheet_out_rows(out) == 4, "rows ended are counted");
	ok(capture.calls == 0, "nothing goes to the sink before a piece is full");
	ok(sheet_out_close(out) == 0, "close: 0");
	is_str(capture.bytes, "a,b,c\r\n\r\nx\r\n,,z\r\nopen\r\n",
	    "an empty row is a bare CRLF; a short row just ends; close ends the open row");
	free(capture.bytes);

	memset(&capture, 0, sizeof(capture));
	out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 3, NULL, capture_sink, &capture);
	sheet_out_text(out, "a", 1);
	sheet_out_text(out, "b", 1);
	sheet_out_text(out, "c", 1);
	ok(sheet_out_text(out, "d", 1) == -1, "a cell past the last column: -1");
	ok(sheet_out_row_end(out) == -1, "and the writer stays failed");
	ok(sheet_out_close(out) == -1, "close says so");
	ok(capture.length == 0, "nothing was sent");
	free(capture.bytes);

	memset(&capture, 0, sizeof(capture));
	out = sheet_out_open(SHEET_OUT_CSV_EXCEL, "fr", types, 3, NULL, capture_sink, &capture);
	sheet_out_text(out, "Nom", 3);
	sheet_out_row_end(out);
	ok(sheet_out_close(out) == 0 && strcmp(capture.bytes, "\xef\xbb\xbfNom\r\n") == 0,
	    "a header alone is a whole file");
	free(capture.bytes);
	ok(sheet_out_find("xlsx") == SHEET_OUT_XLSX && sheet_out_find("csv-excel") ==
	    SHEET_OUT_CSV_EXCEL && sheet_out_find("csv") == SHEET_OUT_CSV &&
	    sheet_out_find("xls") == SHEET_OUT__MAX && sheet_out_find(NULL) == SHEET_OUT__MAX,
	    "formats are found by name, an unknown one is not");
}

/* A file written in two halves (an export read at once on two
 * connections): the second writer's rows, appended to the first's, make
 * the bytes one writer makes. */
static void
test_continued(void)
{
	static const enum sheet_out_type types[] = { SHEET_OUT_TEXT, SHEET_OUT_MONEY,
		SHEET_OUT_DATE };
	struct capture whole = { 0 }, first = { 0 }, second = { 0 };
	struct sheet_out *one, *a, *b, *xlsx;
	int format, row;

	for (format = SHEET_OUT_CSV_EXCEL; format <= SHEET_OUT_CSV; format++) {
		memset(&whole, 0, sizeof(whole));
		memset(&first, 0, sizeof(first));
		memset(&second, 0, sizeof(second));
		one = sheet_out_open((enum sheet_out_format)format, "fr", types, 3, NULL,
		    capture_sink, &whole);
		a = sheet_out_open((enum sheet_out_format)format, "fr", types, 3, NULL,
		    capture_sink, &first);
		b = sheet_out_open((enum sheet_out_format)format, "fr", types, 3, NULL,
		    capture_sink, &second);
		ok(sheet_out_continue(b) == 0, "a CSV writer continues another's file");
		for (row = 0; row < 6; row++) {
			struct sheet_out *half = row < 3 ? a : b;
			const char *text = row == 0 ? "Nom" : row == 3 ? "=Dupont; \"Marie\"" : "Élodie";
			int i;

			for (i = 0; i < 2; i++) {
				struct sheet_out *out = i ? one : half;

				sheet_out_text(out, text, strlen(text));
				sheet_out_money(out, -123456 + row);
				sheet_out_date(out, 2024, 12, row + 1);
				sheet_out_row_end(out);
			}
		}
		ok(sheet_out_rows(b) == 4, "its rows are counted after the other's header");
		ok(sheet_out_close(one) == 0 && sheet_out_close(a) == 0 && sheet_out_close(b) == 0,
		    "three files closed");
		ok(first.length + second.length == whole.length &&
		    memcmp(first.bytes, whole.bytes, first.length) == 0 &&
		    memcmp(second.bytes, whole.bytes + first.length, second.length) == 0,
		    format == SHEET_OUT_CSV ? "plain CSV: the halves appended are the whole file" :
		    "CSV for Excel: the halves appended are the whole file, one BOM");
		free(whole.bytes);
		free(first.bytes);
		free(second.bytes);
	}
	memset(&whole, 0, sizeof(whole));
	a = sheet_out_open(SHEET_OUT_CSV, "fr", types, 3, NULL, capture_sink, &whole);
	sheet_out_text(a, "x", 1);
	ok(sheet_out_continue(a) == -1, "not once a cell is written");
	sheet_out_abandon(a);
	xlsx = sheet_out_open(SHEET_OUT_XLSX, "fr", types, 3, "/tmp", capture_sink, &whole);
	ok(xlsx != NULL && sheet_out_continue(xlsx) == -1, "an .xlsx is one zip: it never continues");
	sheet_out_abandon(xlsx);
	free(whole.bytes);
}

/* Many rows: pieces of about SHEET_OUT_CHUNK, never more than twice it;
 * a sink that fails at its second call stops the writer. */
static void
test_sink(void)
{
	static const enum sheet_out_type types[] = { SHEET_OUT_TEXT, SHEET_OUT_MONEY };
	struct capture capture = { 0 };
	struct sheet_out *out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 2, NULL,
	    capture_sink, &capture);
	int i, status = 0, calls;
	char *big;

	for (i = 0; i < 100000; i++) {
		sheet_out_text(out, "Élodie Martin", strlen("Élodie Martin"));
		sheet_out_money(out, i);
		sheet_out_row_end(out);
	}
	ok(sheet_out_close(out) == 0, "100,000 rows: close 0");
	ok(capture.biggest <= 2 * SHEET_OUT_CHUNK, "no piece over twice SHEET_OUT_CHUNK");
	ok((size_t)capture.calls <= capture.length / SHEET_OUT_CHUNK + 1,
	    "pieces of at least SHEET_OUT_CHUNK but the last");
	free(capture.bytes);

	memset(&capture, 0, sizeof(capture));
	capture.fail_at = 2;
	out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 2, NULL, capture_sink, &capture);
	for (i = 0; i < 100000 && status == 0; i++) {
		status = sheet_out_text(out, "Élodie Martin", strlen("Élodie Martin"));
		if (status == 0)
			status = sheet_out_money(out, i);
		if (status == 0)
			status = sheet_out_row_end(out);
	}
	ok(status == -1 && capture.calls == 2, "the sink's -1 comes back at once");
	calls = capture.calls;
	ok(sheet_out_text(out, "x", 1) == -1 && sheet_out_integer(out, 1) == -1 &&
	    sheet_out_money(out, 1) == -1 && sheet_out_date(out, 2024, 1, 1) == -1 &&
	    sheet_out_empty(out) == -1 && sheet_out_row_end(out) == -1,
	    "every later call returns -1");
	ok(sheet_out_close(out) == -1, "close returns -1");
	ok(capture.calls == calls, "nothing more goes to the sink");
	free(capture.bytes);

	/* a cell bigger than the buffer, quotes in it */
	big = malloc(300001);
	for (i = 0; i < 300000; i++)
		big[i] = i % 1000 == 0 ? '"' : 'a' + i % 26;
	big[300000] = '\0';
	memset(&capture, 0, sizeof(capture));
	out = sheet_out_open(SHEET_OUT_CSV, "fr", types, 2, NULL, capture_sink, &capture);
	sheet_out_text(out, big, 300000);
	sheet_out_money(out, 1);
	sheet_out_row_end(out);
	ok(sheet_out_close(out) == 0 && capture.length == 1 + 300000 + 300 + 1 + 7 &&
	    capture.bytes[0] == '"' && capture.bytes[1] == '"' && capture.bytes[2] == '"' &&
	    memcmp(capture.bytes + capture.length - 8, "\",0.01\r\n", 8) == 0,
	    "a cell over the buffer's size goes out whole, its quotes doubled");
	ok(capture.biggest <= 2 * SHEET_OUT_CHUNK, "in pieces");
	free(capture.bytes);
	free(big);
}

/* --- a property: random cells read back by an RFC 4180 reader ------------- */

/* Reads one CSV text (separator sep) into rows of cells joined as
 * "cell\x1fcell\x1e" (unit and record separators). */
static char *
csv_read(const char *text, size_t length, char sep)
{
	char *result = malloc(length * 2 + 2);
	size_t i = 0, o = 0;

	while (i < length) {
		/* one cell */
		if (text[i] == '"') {
			i++;
			while (i < length) {
				if (text[i] == '"' && i + 1 < length && text[i + 1] == '"') {
					result[o++] = '"';
					i += 2;
				} else if (text[i] == '"') {
					i++;
					break;
				} else {
					result[o++] = text[i++];
				}
			}
		} else {
			while (i < length && text[i] != sep && text[i] != '\r' && text[i] != '"')
				result[o++] = text[i++];
		}
		if (i < length && text[i] == sep) {
			result[o++] = '\x1f';
			i++;
		} else if (i + 1 < length && text[i] == '\r' && text[i + 1] == '\n') {
			result[o++] = '\x1e';
			i += 2;
		} else {
			result[o++] = '!';	/* not RFC 4180 */
			break;
		}
	}
	result[o] = '\0';
	return result;
}

static void
test_random_cells_read_back(void)
{
	static const char *const pieces[] = { "a", "é", ",", ";", "\"", "\r", "\n", "\t", "=",
		"+", "-", "@", "'", " ", "\xf0\x9f\x98\x80", "\xe2\x80\x8f", "0" };
	static const enum sheet_out_type types[] = { SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_TEXT };
	int round, failures = 0;

	srand(14);
	for (round = 0; round < 2000; round++) {
		enum sheet_out_format format = round % 2 ? SHEET_OUT_CSV : SHEET_OUT_CSV_EXCEL;
		struct capture capture = { 0 };
		struct sheet_out *out = sheet_out_open(format, "fr", types, 3, NULL,
		    capture_sink, &capture);
		char expected[512], *got;
		size_t e = 0, skip = format == SHEET_OUT_CSV_EXCEL ? 3 : 0;
		int row, cell;

		for (row = 0; row < 3; row++) {
			for (cell = 0; cell < 3; cell++) {
				char text[64];
				size_t t = 0;
				int n = rand() % 6, k;

				for (k = 0; k < n; k++) {
					const char *piece = pieces[rand() % 17];

					memcpy(text + t, piece, strlen(piece));
					t += strlen(piece);
				}
				sheet_out_text(out, text, t);
				if (t > 0 && strchr("=+-@\t\r", text[0]) != NULL)
					expected[e++] = '\'';
				memcpy(expected + e, text, t);
				e += t;
				expected[e++] = cell < 2 ? '\x1f' : '\x1e';
			}
			sheet_out_row_end(out);
		}
		expected[e] = '\0';
		sheet_out_close(out);
		got = csv_read(capture.bytes + skip, capture.length - skip,
		    format == SHEET_OUT_CSV ? ',' : ';');
		if (strcmp(got, expected) != 0) {
			if (failures++ == 0)
				printf("# round %d: got '%s', want '%s'\n", round, got, expected);
		}
		free(got);
		free(capture.bytes);
	}
	ok(failures == 0, "2000 files of random cells read back as written (a ' before a formula)");
}

/* --- xlsx: the files ---------------------------------------------------------- */

static int
folder_entries(const char *folder)
{
	DIR *dir = opendir(folder);
	struct dirent *entry;
	int count = 0;

	if (dir == NULL)
		return -1;
	while ((entry = readdir(dir)) != NULL)
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			count++;
	closedir(dir);
	return count;
}

static int
open_descriptors(void)
{
	return folder_entries("/proc/self/fd");
}

static void
test_xlsx_files(void)
{
	char folder[] = "/tmp/test-sheet-out-XXXXXX";
	struct capture capture = { 0 };
	struct sheet_out *out;
	int descriptors = open_descriptors(), i;

	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	out = sheet_out_open(SHEET_OUT_XLSX, "fr", four_types, 4, folder, capture_sink,
	    &capture);
	ok(out != NULL, "an xlsx writer opens");
	ok(folder_entries(folder) == 1, "while open, only its file is in the folder (libxlsxwriter's are deleted at once)");
	sheet_out_sheet_name(out, "Clients");
	sheet_out_text(out, "Nom", 3);
	sheet_out_row_end(out);
	for (i = 0; i < 1000; i++) {
		sheet_out_text(out, "Zoé", strlen("Zoé"));
		sheet_out_integer(out, i);
		sheet_out_money(out, -i);
		sheet_out_date(out, 2024, 1 + i % 12, 1 + i % 28);
		sheet_out_row_end(out);
	}
	ok(capture.calls == 0, "nothing goes to the sink before close");
	ok(sheet_out_close(out) == 0, "close: 0");
	ok(capture.length > 1000 && memcmp(capture.bytes, "PK\x03\x04", 4) == 0,
	    "the sink got a zip");
	ok(folder_entries(folder) == 0, "after close the folder is empty");
	ok(open_descriptors() == descriptors, "after close no descriptor is left");
	free(capture.bytes);

	memset(&capture, 0, sizeof(capture));
	out = sheet_out_open(SHEET_OUT_XLSX, "en", four_types, 4, folder, capture_sink,
	    &capture);
	sheet_out_text(out, "Name", 4);
	sheet_out_row_end(out);
	for (i = 0; i < 1000; i++) {
		sheet_out_text(out, "Zoé", strlen("Zoé"));
		sheet_out_row_end(out);
	}
	sheet_out_abandon(out);
	ok(capture.calls == 0, "abandoned: nothing went to the sink");
	ok(folder_entries(folder) == 0, "abandoned: the folder is empty");
	ok(open_descriptors() == descriptors,
	    "abandoned: no descriptor is left (libxlsxwriter's row file is closed)");

	memset(&capture, 0, sizeof(capture));
	capture.fail_at = 1;
	out = sheet_out_open(SHEET_OUT_XLSX, "fr", four_types, 4, folder, capture_sink,
	    &capture);
	sheet_out_text(out, "Nom", 3);
	sheet_out_row_end(out);
	ok(sheet_out_close(out) == -1 && capture.calls == 1,
	    "a sink failing at the first piece: close -1, no second try");
	ok(folder_entries(folder) == 0, "and the folder is empty");
	ok(sheet_out_open(SHEET_OUT_XLSX, "fr", four_types, 4, "/nonexistent/folder",
	    capture_sink, &capture) == NULL, "a folder that does not exist: NULL");
	rmdir(folder);
}

int
main(void)
{
	test_profiles();
	test_text_cells();
	test_money();
	test_integers_and_dates();
	test_rows();
	test_continued();
	test_sink();
	test_random_cells_read_back();
	test_xlsx_files();
	return tap_done();
}
