/* libFuzzer harness for the spreadsheet writer's CSV profiles
 * (fcgi/lib/sheet_out.c): any bytes, cut into cells at 0x1f and into rows
 * at 0x1e, written with the profile the first byte picks, read back by an
 * RFC 4180 reader give the same cells, but for the ' before a cell a
 * spreadsheet would take for a formula; no piece is over twice
 * SHEET_OUT_CHUNK. Built and run by tests/fuzz/run. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/sheet_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct buffer {
	char *bytes;
	size_t length, size;
};

static void
append(struct buffer *buffer, const char *bytes, size_t length)
{
	if (buffer->length + length + 1 > buffer->size) {
		buffer->size = (buffer->length + length + 1) * 2;
		buffer->bytes = realloc(buffer->bytes, buffer->size);
		if (buffer->bytes == NULL)
			abort();
	}
	memcpy(buffer->bytes + buffer->length, bytes, length);
	buffer->length += length;
}

static int
sink(void *ctx, const char *buf, size_t len)
{
	if (len > 2 * SHEET_OUT_CHUNK)
		abort();
	append(ctx, buf, len);
	return 0;
}

/* The cells of an RFC 4180 text, each ended by 0x1f, each row by 0x1e. */
static void
csv_read(const char *text, size_t length, char separator, struct buffer *cells)
{
	size_t i = 0;

	while (i < length) {
		if (text[i] == '"') {
			for (i++; i < length; i++) {
				if (text[i] == '"' && i + 1 < length && text[i + 1] == '"')
					append(cells, text + i++, 1);
				else if (text[i] == '"')
					break;
				else
					append(cells, text + i, 1);
			}
			if (i++ >= length)
				abort();	/* no closing quote */
		} else {
			for (; i < length && text[i] != separator && text[i] != '\r'; i++) {
				if (text[i] == '"' || text[i] == '\n')
					abort();	/* unquoted */
				append(cells, text + i, 1);
			}
		}
		if (i < length && text[i] == separator) {
			append(cells, "\x1f", 1);
			i++;
		} else if (i + 1 < length && text[i] == '\r' && text[i + 1] == '\n') {
			append(cells, "\x1f\x1e", 2);
			i += 2;
		} else {
			abort();	/* a cell ended by neither */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sheet_out_type types[64];
	struct buffer written = { 0 }, expected = { 0 }, got = { 0 };
	enum sheet_out_format format;
	const char *language;
	struct sheet_out *out;
	size_t i, start, skip;
	char separator;
	int cells = 0;

	if (size < 1)
		return 0;
	format = data[0] % 2 ? SHEET_OUT_CSV : SHEET_OUT_CSV_EXCEL;
	language = data[0] & 2 ? "en" : "fr";
	separator = format == SHEET_OUT_CSV_EXCEL && data[0] % 4 == 0 ? ';' : ',';
	skip = format == SHEET_OUT_CSV_EXCEL ? 3 : 0;
	out = sheet_out_open(format, language, types, 64, NULL, sink, &written);
	if (out == NULL)
		abort();
	for (i = start = 1; i <= size; i++) {
		if (i < size && data[i] != 0x1f && data[i] != 0x1e)
			continue;
		if (cells < 64) {
			const char *cell = (const char *)data + start;
			size_t length = i - start;

			if (sheet_out_text(out, cell, length) != 0)
				abort();
			if (length > 0 && strchr("=+-@\t\r", cell[0]) != NULL)
				append(&expected, "'", 1);
			append(&expected, cell, length);
			append(&expected, "\x1f", 1);
			cells++;
		}
		if (i == size || data[i] == 0x1e) {
			if (sheet_out_row_end(out) != 0)
				abort();
			/* a row without a cell (CRLF alone) reads back as one empty cell */
			append(&expected, cells == 0 ? "\x1f\x1e" : "\x1e", cells == 0 ? 2 : 1);
			cells = 0;
		}
		start = i + 1;
	}
	if (sheet_out_close(out) != 0 || written.length < skip ||
	    (skip && memcmp(written.bytes, "\xef\xbb\xbf", 3) != 0))
		abort();
	csv_read(written.bytes + skip, written.length - skip, separator, &got);
	if (got.length != expected.length || memcmp(got.bytes, expected.bytes, got.length) != 0)
		abort();
	free(written.bytes);
	free(expected.bytes);
	free(got.bytes);
	return 0;
}
