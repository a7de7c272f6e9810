/*
 * Reads a file through the import's reader (fcgi/lib/sheet.c) to its end,
 * as the import job does, and prints what it found, the rows, the bytes of
 * their fields and the flags seen (run by bench/sheet, which times it and
 * reads its peak RSS).
 */
#include <config.h>

#include <stdio.h>

#include "../fcgi/lib/sheet.h"

int
main(int argc, char **argv)
{
	struct sheet_options found;
	struct sheet_row row;
	struct sheet *sheet;
	enum sheet_status status;
	long long rows = 0, bytes = 0;
	unsigned flags = 0;
	int result, i;

	if (argc != 2) {
		fprintf(stderr, "usage: sheet-read FILE\n");
		return 2;
	}
	if ((status = sheet_open(argv[1], NULL, &sheet, &found)) != SHEET_OK) {
		printf("refused: %s\n", sheet_status_names[status]);
		return 1;
	}
	while ((result = sheet_next(sheet, &row)) == 1) {
		rows++;
		flags |= row.flags;
		for (i = 0; i < row.count; i++)
			bytes += (long long)row.lengths[i];
	}
	printf("%s %s separator 0x%02x: %lld rows, %lld bytes of fields, flags 0x%x%s%s\n",
	    sheet_format_names[found.format], sheet_encoding_names[found.encoding],
	    (unsigned)(unsigned char)found.separator, rows, bytes, flags,
	    result < 0 ? ", stopped: " : "", result < 0 ? sheet_status_names[sheet_status(sheet)] : "");
	sheet_close(sheet);
	return result < 0;
}
