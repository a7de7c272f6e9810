/* libFuzzer harness for fcgi/lib/sheet.c: each input is written to a file
 * and read to its end three ways (as the importer does with a file nobody
 * described, as a CSV in the encoding the input's length picks, and as an
 * xlsx), so detection, conversion, libcsv's bounds and the zip and XML
 * paths all see it. Every row given is checked against the contract:
 * fields within the limits, lengths true. Built and run by tests/fuzz/run. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-sheet-XXXXXX";

static void
read_all(const struct sheet_options *options)
{
	struct sheet *sheet;
	struct sheet_row row;
	long long number = 0;

	if (sheet_open(path, options, &sheet, NULL) != SHEET_OK)
		return;
	while (sheet_next(sheet, &row) == 1) {
		int i;

		if (row.count <= 0 || row.count > SHEET_COLUMNS_MAX || row.number != ++number)
			abort();
		for (i = 0; i < row.count; i++)
			if (row.lengths[i] > SHEET_FIELD_MAX || strlen(row.fields[i]) != row.lengths[i])
				abort();
		if (row.lengths[row.count - 1] == 0)
			abort();	/* trailing empty fields are dropped */
	}
	sheet_close(sheet);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct sheet_options options = { 0 };

	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	/* a bomb need not unpack a gigabyte to show it is one */
	options.unpacked_max = 16 * 1024 * 1024;
	read_all(&options);
	options.format = SHEET_CSV;
	options.encoding = (enum sheet_encoding)(size % SHEET_ENCODING__MAX);
	read_all(&options);
	options.format = SHEET_XLSX;
	read_all(&options);
	return 0;
}
