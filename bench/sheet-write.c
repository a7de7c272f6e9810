/*
 * Writes rows of the export's 21 columns through the spreadsheet writer
 * (fcgi/lib/sheet_out.c) to a sink that only counts the bytes, and prints
 * rows/s, MB/s and the peak RSS (run by bench/sheet-out). The cells vary
 * from row to row as a shop's do: accents, a phone, money, dates.
 *   sheet-write FORMAT ROWS [FOLDER]   (FOLDER: where an .xlsx is built)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fcgi/lib/sheet_out.h"

static int
count_sink(void *ctx, const char *buf, size_t len)
{
	(void)buf;
	*(unsigned long long *)ctx += len;
	return 0;
}

static long
peak_kib(void)
{
	FILE *status = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;

	while (status != NULL && fgets(line, sizeof(line), status) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = atol(line + 6);
	if (status != NULL)
		fclose(status);
	return kib;
}

static void
text(struct sheet_out *out, const char *value)
{
	sheet_out_text(out, value, strlen(value));
}

int
main(int argc, char **argv)
{
	static const enum sheet_out_type types[21] = { SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT,
		SHEET_OUT_DATE, SHEET_OUT_INTEGER, SHEET_OUT_MONEY, SHEET_OUT_MONEY, SHEET_OUT_DATE,
		SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT, SHEET_OUT_TEXT };
	static const char *const firsts[] = { "Élodie", "Paul", "Zoë", "Jean-Noël" };
	static const char *const lasts[] = { "Martin", "Lefèvre", "O'Brien", "Dupont; fils" };
	unsigned long long bytes = 0;
	struct timespec start, closing, end;
	struct sheet_out *out;
	enum sheet_out_format format;
	long long rows, i;
	long kib_start;
	double seconds;
	char email[64];

	if (argc < 3 || (format = sheet_out_find(argv[1])) == SHEET_OUT__MAX) {
		fprintf(stderr, "usage: sheet-write xlsx|csv-excel|csv ROWS [FOLDER]\n");
		return 2;
	}
	rows = atoll(argv[2]);
	kib_start = peak_kib();
	clock_gettime(CLOCK_MONOTONIC, &start);
	out = sheet_out_open(format, "fr", types, 21, argc > 3 ? argv[3] : "/tmp", count_sink,
	    &bytes);
	if (out == NULL)
		return 1;
	for (i = 0; i < 21; i++)
		text(out, "En-tête de colonne");
	sheet_out_row_end(out);
	for (i = 0; i < rows; i++) {
		snprintf(email, sizeof(email), "client%lld@exemple.fr", i);
		text(out, firsts[i % 4]);
		text(out, lasts[i % 4]);
		text(out, email);
		text(out, i % 3 ? "06 12 34 56 78" : "+33 6 12 34 56 78");
		text(out, i % 5 ? "" : "Épicerie du coin");
		text(out, "12 rue des Lilas");
		text(out, "69003");
		text(out, "Lyon");
		text(out, "FR");
		text(out, "fr");
		text(out, "Actif");
		text(out, "Import");
		sheet_out_date(out, 2020 + (int)(i % 6), 1 + (int)(i % 12), 1 + (int)(i % 28));
		sheet_out_integer(out, i % 40);
		sheet_out_money(out, i * 37 % 1000000);
		if (i % 40)
			sheet_out_money(out, i * 37 % 1000000 / (i % 40));
		else
			sheet_out_empty(out);
		sheet_out_date(out, 2025, 1 + (int)(i % 12), 1 + (int)(i % 28));
		text(out, i % 2 ? "Oui" : "Non");
		text(out, "Oui");
		text(out, "Non");
		text(out, i % 7 ? "" : "FR12345678901");
		if (sheet_out_row_end(out) != 0)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &closing);
	if (sheet_out_close(out) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &end);
	seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	printf("%s: %lld rows of 21 columns, %.1f MB in %.2f s (close %.2f s): %.0f rows/s, "
	    "%.1f MB/s; peak RSS %ld KiB (%ld KiB before the writer)\n", argv[1], rows,
	    (double)bytes / 1e6, seconds, (double)(end.tv_sec - closing.tv_sec) +
	    (double)(end.tv_nsec - closing.tv_nsec) / 1e9, (double)rows / seconds,
	    (double)bytes / 1e6 / seconds, peak_kib(), kib_start);
	return 0;
}
