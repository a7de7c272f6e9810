/* libFuzzer harness for sheet_paste_write: any text pasted becomes a CSV
 * that the reader reads back with one row per row written, none with more
 * than a name and an address. Built and run by tests/fuzz/run. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-paste-XXXXXX";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct sheet_options options = { SHEET_CSV, SHEET_UTF8, ',', 0 };
	struct sheet *sheet;
	struct sheet_row row;
	char *text = malloc(size + 1);
	long long written, read = 0;
	FILE *out;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	out = fopen(path, "wb");
	written = sheet_paste_write(text, out);
	fclose(out);
	free(text);
	if (written < 0)
		abort();
	if (sheet_open(path, &options, &sheet, NULL) != SHEET_OK)
		abort();	/* the header at least */
	while (sheet_next(sheet, &row) == 1) {
		if (row.count > 2)
			abort();
		read++;
	}
	sheet_close(sheet);
	if (read != written + 1)
		abort();
	return 0;
}
