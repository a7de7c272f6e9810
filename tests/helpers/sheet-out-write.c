/*
 * Writes a file with the spreadsheet writer (fcgi/lib/sheet_out.c) for
 * tests/web/test_sheet_out.py, which reads it back (the .xlsx with
 * tests/lib/xlsx.py, the CSV with Python's csv module):
 *
 *   sheet-out-write FORMAT LANGUAGE CASE FILE
 *     FORMAT    xlsx, csv-excel or csv
 *     CASE      customers  a header and rows of every type, with accents,
 *                          emoji, a right-to-left mark, line breaks,
 *                          formulas, quotes and separators
 *               header     the header alone
 *               invalid    one text column of bytes that are not UTF-8 or
 *                          not XML: invalid sequences, surrogates, U+FFFF,
 *                          NUL, control characters, "_x0041_", and a text
 *                          longer than Excel keeps
 *
 * The .xlsx is built in a folder of its own under /tmp; the helper prints
 * "left N", the files that folder still holds after close (0).
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/sheet_out.h"

static int
file_sink(void *ctx, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

static void
text(struct sheet_out *out, const char *value)
{
	sheet_out_text(out, value, strlen(value));
}

static void
customers(struct sheet_out *out)
{
	static const char *const headers[] = { "Prénom", "Nom", "Téléphone", "Commandes",
		"Total dépensé", "Client depuis" };
	size_t i;

	sheet_out_sheet_name(out, "Clients");
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		text(out, headers[i]);
	sheet_out_row_end(out);

	text(out, "Élodie");
	text(out, "Martin");
	text(out, "+33 6 12 34 56 78");
	sheet_out_integer(out, 3);
	sheet_out_money(out, 123456);
	sheet_out_date(out, 2024, 12, 31);
	sheet_out_row_end(out);

	text(out, "=1+1");
	text(out, "O'Brien; \"Jo\", fils");
	text(out, "-");
	sheet_out_integer(out, 0);
	sheet_out_money(out, -500);
	sheet_out_date(out, 1999, 1, 1);
	sheet_out_row_end(out);

	text(out, "Zoë \xf0\x9f\x98\x80");
	text(out, "\xe2\x80\x8f\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85");
	text(out, "ligne 1\nligne 2\r\nligne 3");
	sheet_out_integer(out, 12345678);
	sheet_out_money(out, 5);
	sheet_out_empty(out);
	sheet_out_row_end(out);

	text(out, "@SUM(A1)");
	text(out, "  espaces  ");
	sheet_out_empty(out);
	sheet_out_integer(out, -7);
	sheet_out_money(out, 0);
	sheet_out_date(out, 1899, 12, 31);
	sheet_out_row_end(out);
}

static void
invalid(struct sheet_out *out)
{
	static const struct {
		const char *bytes;
		size_t length;
	} cells[] = {
		{ "ok\xff\xfe", 4 },
		{ "\xc3\x28", 2 },
		{ "a\x01" "b\x1f" "c\x0b" "d", 7 },
		{ "_x0041_", 7 },
		{ "\xef\xbf\xbf", 3 },
		{ "\xed\xa0\x80", 3 },
		{ "x\0y", 3 },
		{ "\xc0\xaf", 2 },
		{ "a\rb", 3 },
	};
	size_t i;
	char *long_text;

	text(out, "Texte");
	sheet_out_row_end(out);
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		sheet_out_text(out, cells[i].bytes, cells[i].length);
		sheet_out_row_end(out);
	}
	long_text = malloc(80000);
	for (i = 0; i < 80000; i += 2)
		memcpy(long_text + i, "é", 2);
	sheet_out_text(out, long_text, 80000);
	sheet_out_row_end(out);
	free(long_text);
}

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

int
main(int argc, char **argv)
{
	static const enum sheet_out_type customer_types[] = { SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_TEXT, SHEET_OUT_INTEGER, SHEET_OUT_MONEY, SHEET_OUT_DATE };
	static const enum sheet_out_type text_type[] = { SHEET_OUT_TEXT };
	char folder[] = "/tmp/sheet-out-write-XXXXXX";
	enum sheet_out_format format;
	struct sheet_out *out;
	FILE *file;
	int invalid_case, status, left;

	if (argc != 5 || (format = sheet_out_find(argv[1])) == SHEET_OUT__MAX) {
		fprintf(stderr, "usage: sheet-out-write xlsx|csv-excel|csv fr|en customers|header|invalid FILE\n");
		return 2;
	}
	invalid_case = strcmp(argv[3], "invalid") == 0;
	if (mkdtemp(folder) == NULL || (file = fopen(argv[4], "wb")) == NULL) {
		perror(argv[4]);
		return 2;
	}
	out = sheet_out_open(format, argv[2], invalid_case ? text_type : customer_types,
	    invalid_case ? 1 : 6, folder, file_sink, file);
	if (out == NULL) {
		fprintf(stderr, "sheet_out_open failed\n");
		return 1;
	}
	if (invalid_case)
		invalid(out);
	else if (strcmp(argv[3], "customers") == 0)
		customers(out);
	else {
		text(out, "Prénom");
		text(out, "Nom");
		sheet_out_row_end(out);
	}
	status = sheet_out_close(out);
	if (fclose(file) != 0)
		status = -1;
	left = folder_entries(folder);
	rmdir(folder);
	printf("left %d\n", left);
	return status == 0 ? 0 : 1;
}
