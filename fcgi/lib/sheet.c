/*
 * The spreadsheet reader (see sheet.h for the contract). A CSV goes
 * through three stages, each in fixed memory: the file's bytes are read in
 * blocks, converted to UTF-8 by iconv into a text buffer (bytes that are
 * not text become U+FFFD, NUL bytes are dropped, both marked so the row
 * that holds them is flagged), and the text is fed to libcsv one physical
 * line at a time, so that the row a spreadsheet would show it on is known
 * (a line break inside a quoted cell starts no row) and a row ends
 * exactly at the end of a piece fed. An .xlsx is opened with libzip, its
 * small parts (workbook, relations, styles, shared strings) parsed whole by
 * expat, and its first sheet streamed through expat, which is suspended at
 * each row's end so the caller takes rows one by one. Every byte unpacked
 * from the zip is counted against the limit: a bomb stops there, whatever
 * its headers declared.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>
#include <expat.h>
#include <zip.h>

#include "log.h"
#include "sheet.h"

const char *const sheet_format_names[SHEET_FORMAT__MAX] = {
	"",		/* SHEET_FORMAT_DETECT */
	"csv",		/* SHEET_CSV */
	"xlsx",		/* SHEET_XLSX */
};

const char *const sheet_encoding_names[SHEET_ENCODING__MAX] = {
	"",		/* SHEET_ENCODING_DETECT */
	"utf-8",	/* SHEET_UTF8 */
	"utf-16le",	/* SHEET_UTF16LE */
	"utf-16be",	/* SHEET_UTF16BE */
	"windows-1252",	/* SHEET_WINDOWS_1252 */
	"iso-8859-15",	/* SHEET_ISO_8859_15 */
	"mac-roman",	/* SHEET_MAC_ROMAN */
};

const char *const sheet_status_names[SHEET_STATUS__MAX] = {
	"ok",		/* SHEET_OK */
	"empty",	/* SHEET_EMPTY */
	"not_a_sheet",	/* SHEET_NOT_A_SHEET */
	"xlsx_broken",	/* SHEET_XLSX_BROKEN */
	"too_large",	/* SHEET_TOO_LARGE */
	"io_error",	/* SHEET_IO_ERROR */
};

/* What each encoding is called by iconv, and how many bytes make the
 * smallest unit skipped over when a byte is not text. */
static const struct {
	const char *iconv_name;
	size_t unit;
} encodings[SHEET_ENCODING__MAX] = {
	{ NULL, 1 },		/* SHEET_ENCODING_DETECT */
	{ "UTF-8", 1 },		/* SHEET_UTF8 */
	{ "UTF-16LE", 2 },	/* SHEET_UTF16LE */
	{ "UTF-16BE", 2 },	/* SHEET_UTF16BE */
	{ "WINDOWS-1252", 1 },	/* SHEET_WINDOWS_1252 */
	{ "ISO-8859-15", 1 },	/* SHEET_ISO_8859_15 */
	{ "MACINTOSH", 1 },	/* SHEET_MAC_ROMAN */
};

/* Byte order marks: found first, they name the encoding; with a forced
 * encoding, its own mark is skipped. */
static const struct {
	enum sheet_encoding encoding;
	const char *bytes;
	size_t length;
} boms[] = {
	{ SHEET_UTF8, "\xef\xbb\xbf", 3 },
	{ SHEET_UTF16LE, "\xff\xfe", 2 },
	{ SHEET_UTF16BE, "\xfe\xff", 2 },
};

/* Files people rename .csv or .xlsx that are no spreadsheet. */
static const struct {
	const char *bytes;
	size_t length;
} binary_magics[] = {
	{ "\x89PNG", 4 },
	{ "\xff\xd8\xff", 3 },		/* JPEG */
	{ "GIF8", 4 },
	{ "%PDF", 4 },
	{ "\x1f\x8b", 2 },		/* gzip */
	{ "\x7f" "ELF", 4 },
	{ "\xd0\xcf\x11\xe0", 4 },	/* OLE2: an old .xls, which is not read */
	{ "Rar!", 4 },
	{ "7z\xbc\xaf", 4 },
};

#define ZIP_MAGIC "PK\x03\x04"
#define ZIP_EMPTY_MAGIC "PK\x05\x06"

/* Blocks read from a CSV; the text buffer holds one block converted, which
 * is at most three times as long (a byte of Windows-1252 or a U+FFFD for a
 * byte that is not text is 3 bytes of UTF-8, two bytes of UTF-16 at most 3). */
#define RAW_SIZE 65536
#define TEXT_SIZE (3 * RAW_SIZE + 16)
/* Lines looked at to find the separator. */
#define SEPARATOR_LINES 30
/* A text is binary when NUL bytes are more than 1 in 100 of its first
 * block; a few stray NULs only cost their rows. */
#define BINARY_NUL_PER 100

/* libcsv's parser states (libcsv.c keeps them private; struct csv_parser
 * is public and its pstate holds one of these). */
enum { CSV_ROW_NOT_BEGUN = 0, CSV_FIELD_NOT_BEGUN, CSV_FIELD_BEGUN, CSV_FIELD_MIGHT_HAVE_ENDED };

/* Blocks read from a zip entry, and how many bytes expat may hold without
 * ending a token (an attribute of many MiB is no spreadsheet). */
#define XML_BLOCK 65536
#define XML_PENDING_MAX (4 * 1024 * 1024)
/* Deflate cannot pack more than 1032 bytes into one: a header that says
 * more lies, and is refused before anything is unpacked. */
#define ZIP_RATIO_MAX 1100
#define ZIP_RATIO_FROM (1024 * 1024)
/* Styles kept from an xlsx (cellXfs entries). */
#define XLSX_STYLES_MAX 65536
#define XLSX_FIRST_SHEET "xl/worksheets/sheet1.xml"

/* The row being built: fields by column in one growing block of bytes. */
struct row_build {
	char *bytes;
	size_t used, size;
	size_t offsets[SHEET_COLUMNS_MAX];
	size_t lengths[SHEET_COLUMNS_MAX];
	unsigned char set[SHEET_COLUMNS_MAX];
	const char *fields[SHEET_COLUMNS_MAX];
	int count;		/* highest column set, plus one */
	long long next_column;	/* CSV: fields given so far in this row */
	unsigned flags;
};

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_STRING, CELL_BOOLEAN, CELL_ERROR, CELL_DATE };

static const struct {
	const char *name;
	enum cell_type type;
} cell_types[] = {
	{ "n", CELL_NUMBER }, { "s", CELL_SHARED }, { "inlineStr", CELL_INLINE },
	{ "str", CELL_STRING }, { "b", CELL_BOOLEAN }, { "e", CELL_ERROR }, { "d", CELL_DATE },
};

/* How a number format shows a number, as far as an import reads it:
 * decimals, the most it shows; layout, for a whole number, where its
 * digits go among the format's own text: '0' a digit always shown (0 when
 * the number has none left), '#' one shown when there is one, anything
 * else written as it is ("0#\" \"##" is "0# ##"). Empty when the format
 * does not lay digits out so (a point, thousands, a single 0). */
#define NUMBER_LAYOUT_MAX 40
#define NUMBER_FORMATS_MAX 1024

struct number_format {
	unsigned id;
	int decimals;
	char layout[NUMBER_LAYOUT_MAX + 1];
};

struct xlsx {
	zip_t *zip;
	zip_file_t *entry;	/* the sheet, streamed */
	XML_Parser xml;		/* the parser at work (a part, or the sheet) */
	long long fed;		/* bytes given to that parser */
	long long parsed;	/* where its last callback was */
	long long unpacked;
	int suspended, finished;
	/* workbook and relations */
	char sheet_rid[128];
	char sheet_target[512];
	int sheet_found, date1904;
	/* styles: each cellXfs entry's number format, and which custom formats are dates */
	unsigned *style_formats;
	size_t style_count;
	unsigned char custom_dates[65536 / 8];
	struct number_format *number_formats;	/* the custom ones understood */
	size_t number_format_count;
	int in_cell_xfs;
	/* shared strings: NUL-terminated, one after the other */
	char *strings;
	size_t strings_used, strings_size;
	size_t *string_offsets;
	size_t string_count, string_slots;
	int in_si;
	/* the cell being read */
	char *text;		/* SHEET_FIELD_MAX + 1 bytes */
	size_t text_len;
	int text_cut;
	int in_data, in_v, in_is, in_t, phonetic_depth;
	long long row_line;
	long long column, next_column;
	enum cell_type type;
	unsigned long style;
};

struct sheet {
	struct sheet_options options;
	enum sheet_status status;	/* why sheet_next returned -1 */
	struct row_build build;
	struct sheet_row current;
	int have_current;		/* the first row, read by sheet_open */
	int row_done;
	long long number;
	/* CSV */
	int fd;
	iconv_t iconv;
	size_t unit;
	struct csv_parser parser;
	int parser_ready;
	unsigned char raw[RAW_SIZE];
	size_t raw_len;
	int raw_eof, csv_finished;
	char *text;			/* TEXT_SIZE bytes */
	unsigned char *bad;		/* TEXT_SIZE: 1 where a byte that was not text (or a NUL) was */
	size_t text_len, text_pos;
	int bad_any, bad_carry;
	size_t field_cut;		/* where the field in libcsv's buffer was cut, 0: not */
	long long line, row_line;
	int last_cr;
	/* xlsx */
	struct xlsx x;
};

static const char empty_field[] = "";

/* The longest prefix of text[0..cut) that ends on a character's end
 * (text has more than cut bytes). */
static size_t
utf8_boundary(const char *text, size_t cut)
{
	while (cut > 0 && ((unsigned char)text[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

/* How long the UTF-8 sequence starting at b is (1 to 4), 0 when it is
 * not valid, -1 when the n bytes there are a valid beginning of one. */
static int
utf8_sequence(const unsigned char *b, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int length, i;

	if (b[0] < 0x80)
		return 1;
	if (b[0] >= 0xc2 && b[0] <= 0xdf)
		length = 2;
	else if (b[0] >= 0xe0 && b[0] <= 0xef) {
		length = 3;
		if (b[0] == 0xe0)
			lo = 0xa0;
		else if (b[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (b[0] >= 0xf0 && b[0] <= 0xf4) {
		length = 4;
		if (b[0] == 0xf0)
			lo = 0x90;
		else if (b[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (i = 1; i < length; i++) {
		if ((size_t)i >= n)
			return -1;
		if (b[i] < lo || b[i] > hi)
			return 0;
		lo = 0x80, hi = 0xbf;
	}
	return length;
}

/* Whether the whole file from fd's start is valid UTF-8: 1, 0, or -1
 * (read error). Reads it once in blocks, into buffer (RAW_SIZE bytes or
 * more). */
static int
file_is_utf8(int fd, unsigned char *buffer)
{
	size_t kept = 0;
	off_t offset = 0;

	for (;;) {
		ssize_t n = pread(fd, buffer + kept, RAW_SIZE - kept, offset);
		size_t length, at = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return kept == 0;	/* a sequence cut by the end is not text */
		offset += n;
		length = kept + (size_t)n;
		while (at < length) {
			int sequence = utf8_sequence(buffer + at, length - at);

			if (sequence == 0)
				return 0;
			if (sequence < 0)
				break;
			at += (size_t)sequence;
		}
		kept = length - at;
		memmove(buffer, buffer + at, kept);
	}
}

/* --- the row being built --------------------------------------------------- */

static void
row_reset(struct row_build *build)
{
	memset(build->set, 0, (size_t)build->count);
	build->count = 0;
	build->used = 0;
	build->next_column = 0;
	build->flags = 0;
}

/* Puts a field at column (from 0). A column past SHEET_COLUMNS_MAX is
 * dropped (the row flagged if it held something), a column given twice
 * keeps its first value. Returns 0, or -1 (out of memory). */
static int
row_put(struct row_build *build, long long column, const char *bytes, size_t length)
{
	if (column >= SHEET_COLUMNS_MAX) {
		if (length > 0)
			build->flags |= SHEET_ROW_TOO_MANY_COLUMNS;
		return 0;
	}
	if (build->set[column])
		return 0;
	if (length > SHEET_FIELD_MAX) {
		length = utf8_boundary(bytes, SHEET_FIELD_MAX);
		build->flags |= SHEET_ROW_FIELD_TOO_LONG;
	}
	if (build->used + length + 1 > build->size) {
		size_t size = build->size ? build->size : 4096;
		char *grown;

		while (size < build->used + length + 1)
			size *= 2;
		grown = realloc(build->bytes, size);
		if (grown == NULL)
			return -1;
		build->bytes = grown;
		build->size = size;
	}
	memcpy(build->bytes + build->used, bytes, length);
	build->bytes[build->used + length] = '\0';
	build->offsets[column] = build->used;
	build->lengths[column] = length;
	build->set[column] = 1;
	build->used += length + 1;
	if (column + 1 > build->count)
		build->count = (int)column + 1;
	return 0;
}

/* Makes the built row the current one, trailing empty fields dropped.
 * Returns 1, or 0 when every field is empty (the row is skipped and the
 * build emptied). */
static int
row_finish(struct sheet *sheet, long long line)
{
	struct row_build *build = &sheet->build;
	int count = build->count, column;

	while (count > 0 && (!build->set[count - 1] || build->lengths[count - 1] == 0))
		count--;
	if (count == 0) {
		row_reset(build);
		return 0;
	}
	for (column = 0; column < count; column++) {
		if (build->set[column]) {
			build->fields[column] = build->bytes + build->offsets[column];
		} else {
			build->fields[column] = empty_field;
			build->lengths[column] = 0;
		}
	}
	sheet->current.line = line;
	sheet->current.number = ++sheet->number;
	sheet->current.count = count;
	sheet->current.fields = build->fields;
	sheet->current.lengths = build->lengths;
	sheet->current.flags = build->flags;
	return 1;
}

/* --- CSV --------------------------------------------------------------------- */

static void
csv_on_field(void *bytes, size_t length, void *data)
{
	struct sheet *sheet = data;

	if (sheet->field_cut && length > sheet->field_cut)
		length = sheet->field_cut;
	sheet->field_cut = 0;
	if (row_put(&sheet->build, sheet->build.next_column++, bytes ? bytes : "", length) < 0) {
		log_err("sheet: out of memory for a row");
		sheet->status = SHEET_IO_ERROR;
	}
}

static void
csv_on_row(int terminator, void *data)
{
	struct sheet *sheet = data;

	(void)terminator;
	if (row_finish(sheet, sheet->row_line))
		sheet->row_done = 1;
}

/* Keeps the field libcsv is building within SHEET_FIELD_MAX: once it is
 * longer, it is cut there (on a character's end) and what comes after is
 * dropped as it arrives, so a field of any size takes fixed memory. After
 * a closing quote libcsv holds the quote and the spaces after it, which
 * are kept (one space is enough for what it decides next). */
static void
csv_bound_field(struct sheet *sheet)
{
	struct csv_parser *parser = &sheet->parser;
	size_t tail, content, keep;

	if (parser->pstate == CSV_FIELD_BEGUN)
		tail = 0;
	else if (parser->pstate == CSV_FIELD_MIGHT_HAVE_ENDED)
		tail = parser->spaces + 1;
	else
		return;
	content = parser->entry_pos - tail;
	if (!sheet->field_cut && content > SHEET_FIELD_MAX) {
		sheet->field_cut = utf8_boundary((const char *)parser->entry_buf, SHEET_FIELD_MAX);
		sheet->build.flags |= SHEET_ROW_FIELD_TOO_LONG;
	}
	if (sheet->field_cut && content > sheet->field_cut)
		content = sheet->field_cut;
	keep = tail > 2 ? 2 : tail;
	if (content + keep == parser->entry_pos)
		return;
	memmove(parser->entry_buf + content, parser->entry_buf + parser->entry_pos - tail, keep);
	parser->entry_pos = content + keep;
	parser->spaces = keep ? keep - 1 : 0;
}

/* Converts what raw holds into the text buffer (empty on entry). A byte
 * that is not text becomes U+FFFD; a sequence cut by the block's end waits
 * for the next block (at the file's end, it is not text). Returns 0 or -1. */
static int
csv_convert(struct sheet *sheet)
{
	char *in = (char *)sheet->raw, *out = sheet->text;
	size_t in_left = sheet->raw_len, out_left = TEXT_SIZE, at, written;
	int nul_pending = 0;

	while (in_left > 0) {
		size_t skip;

		if (iconv(sheet->iconv, &in, &in_left, &out, &out_left) != (size_t)-1)
			break;
		if ((errno == EINVAL && !sheet->raw_eof) || errno == E2BIG || out_left < 3)
			break;	/* the rest waits for more bytes, or for room */
		if (errno != EILSEQ && errno != EINVAL) {
			log_err("sheet: iconv: %s", strerror(errno));
			sheet->status = SHEET_IO_ERROR;
			return -1;
		}
		sheet->bad[out - sheet->text] = 1;
		sheet->bad_any = 1;
		memcpy(out, "\xef\xbf\xbd", 3);
		out += 3, out_left -= 3;
		skip = in_left < sheet->unit ? in_left : sheet->unit;
		in += skip, in_left -= skip;
	}
	memmove(sheet->raw, in, in_left);
	sheet->raw_len = in_left;
	sheet->text_len = (size_t)(out - sheet->text);
	if (memchr(sheet->text, '\0', sheet->text_len) == NULL)
		return 0;
	/* NUL bytes go (nothing downstream keeps them), marked on what follows */
	for (at = 0, written = 0; at < sheet->text_len; at++) {
		if (sheet->text[at] == '\0') {
			nul_pending = 1;
			continue;
		}
		sheet->text[written] = sheet->text[at];
		sheet->bad[written] = sheet->bad[at] | (unsigned char)nul_pending;
		nul_pending = 0;
		written++;
	}
	memset(sheet->bad + written, 0, sheet->text_len - written);
	sheet->text_len = written;
	sheet->bad_any = 1;
	if (nul_pending)
		sheet->bad_carry = 1;
	return 0;
}

/* Fills the text buffer with the next converted block. Returns 1, 0 (end
 * of file: the buffer stays empty) or -1. */
static int
csv_refill(struct sheet *sheet)
{
	int carried = sheet->bad_carry;	/* a NUL that ended the previous block */

	sheet->bad_carry = 0;
	if (sheet->bad_any) {
		memset(sheet->bad, 0, sheet->text_len);
		sheet->bad_any = 0;
	}
	sheet->text_pos = sheet->text_len = 0;
	while (sheet->text_len == 0) {
		if (!sheet->raw_eof) {
			ssize_t n = read(sheet->fd, sheet->raw + sheet->raw_len, RAW_SIZE - sheet->raw_len);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				log_err("sheet: read: %s", strerror(errno));
				sheet->status = SHEET_IO_ERROR;
				return -1;
			}
			if (n == 0)
				sheet->raw_eof = 1;
			sheet->raw_len += (size_t)n;
		}
		if (sheet->raw_len == 0 && sheet->raw_eof) {
			sheet->bad_carry = carried;
			return 0;
		}
		if (csv_convert(sheet) < 0)
			return -1;
	}
	if (carried) {
		sheet->bad[0] = 1;
		sheet->bad_any = 1;
	}
	return 1;
}

/* Reads the next row into sheet->current: 1, 0 (end) or -1. */
static int
csv_next(struct sheet *sheet)
{
	row_reset(&sheet->build);
	sheet->row_done = 0;
	while (!sheet->row_done) {
		const char *start;
		size_t avail, length;
		char last;

		if (sheet->status != SHEET_OK)
			return -1;
		if (sheet->text_pos == sheet->text_len) {
			int filled;

			if (sheet->csv_finished)
				return 0;
			filled = csv_refill(sheet);
			if (filled < 0)
				return -1;
			if (filled == 0) {
				if (sheet->bad_carry && sheet->parser.pstate != CSV_ROW_NOT_BEGUN)
					sheet->build.flags |= SHEET_ROW_BAD_TEXT;
				csv_fini(&sheet->parser, csv_on_field, csv_on_row, sheet);
				sheet->csv_finished = 1;
				continue;
			}
		}
		/* one physical line (or what of it the buffer holds) at a time */
		start = sheet->text + sheet->text_pos;
		avail = sheet->text_len - sheet->text_pos;
		for (length = 0; length < avail; length++)
			if (start[length] == '\n' || start[length] == '\r') {
				length++;
				break;
			}
		if (sheet->parser.pstate == CSV_ROW_NOT_BEGUN) {
			sheet->build.flags = 0;
			sheet->row_line = sheet->line;
		}
		if (sheet->bad_any && memchr(sheet->bad + sheet->text_pos, 1, length))
			sheet->build.flags |= SHEET_ROW_BAD_TEXT;
		if (csv_parse(&sheet->parser, start, length, csv_on_field, csv_on_row, sheet) != length) {
			log_err("sheet: csv: %s", csv_strerror(csv_error(&sheet->parser)));
			sheet->status = SHEET_IO_ERROR;
			return -1;
		}
		csv_bound_field(sheet);
		last = start[length - 1];
		/* a line end counts unless it is text inside a quoted cell (the
		 * parser is then still in that cell): a spreadsheet shows such a
		 * cell on one row, and the import's "line 7" is its row 7 */
		if ((last == '\r' || (last == '\n' && !(sheet->last_cr && length == 1))) &&
		    sheet->parser.pstate == CSV_ROW_NOT_BEGUN)
			sheet->line++;
		sheet->last_cr = last == '\r';
		sheet->text_pos += length;
	}
	return sheet->status == SHEET_OK ? 1 : -1;
}

/* The separator of text (the file's first block): among SHEET_SEPARATORS,
 * the one counted (outside quotes) the same number of times, not zero, on
 * the most lines; on a tie, the first of the list; none: a comma. */
static char
csv_find_separator(const char *text, size_t length, int whole)
{
	static const char separators[] = SHEET_SEPARATORS;
	enum { COUNT = sizeof(separators) - 1 };
	long counts[SEPARATOR_LINES][COUNT];
	int lines = 0, best = -1, best_lines = 0, s;
	size_t at = 0;

	while (at < length && lines < SEPARATOR_LINES) {
		long line_counts[COUNT] = { 0 };
		int quoted = 0, blank = 1;
		size_t from = at;

		for (; at < length; at++) {
			char c = text[at];
			const char *found;

			if (c == '"')
				quoted = !quoted;
			else if (!quoted && (c == '\n' || c == '\r'))
				break;
			else if (!quoted && c != '\0' && (found = strchr(separators, c)) != NULL)
				line_counts[found - separators]++;
			if (c != ' ')
				blank = 0;
		}
		if (at == length && !whole)
			break;	/* a line the block cut: its counts would be wrong */
		at++;
		if (blank || at - 1 == from)
			continue;
		memcpy(counts[lines++], line_counts, sizeof(line_counts));
	}
	for (s = 0; s < COUNT; s++) {
		int line, other, most = 0;

		/* the count most lines agree on, and on how many */
		for (line = 0; line < lines; line++) {
			int agree = 0;

			if (counts[line][s] == 0)
				continue;
			for (other = 0; other < lines; other++)
				agree += counts[other][s] == counts[line][s];
			if (agree > most)
				most = agree;
		}
		if (most > best_lines) {
			best_lines = most;
			best = s;
		}
	}
	return best < 0 ? ',' : separators[best];
}

/* Sets a CSV up from fd: the encoding (given, or from a BOM, or UTF-8 when
 * the whole file is, else Windows-1252), the converter, the first block,
 * the separator and libcsv. sample holds the file's first bytes (in raw,
 * which the first block then takes over). */
static enum sheet_status
csv_open(struct sheet *sheet, const unsigned char *sample, size_t sample_length, int detected)
{
	size_t skip = 0, i;

	sheet->text = malloc(TEXT_SIZE);
	sheet->bad = calloc(TEXT_SIZE, 1);
	if (sheet->text == NULL || sheet->bad == NULL) {
		log_err("sheet: out of memory");
		return SHEET_IO_ERROR;
	}
	if (sheet->options.encoding == SHEET_ENCODING_DETECT) {
		for (i = 0; i < sizeof(boms) / sizeof(boms[0]); i++)
			if (sample_length >= boms[i].length && memcmp(sample, boms[i].bytes, boms[i].length) == 0) {
				sheet->options.encoding = boms[i].encoding;
				break;
			}
	}
	if (detected && encodings[sheet->options.encoding].unit == 1) {
		size_t nuls = 0;

		for (i = 0; i < sample_length; i++)
			nuls += sample[i] == 0;
		if (nuls * BINARY_NUL_PER > sample_length)
			return SHEET_NOT_A_SHEET;
	}
	if (sheet->options.encoding == SHEET_ENCODING_DETECT) {
		/* the text buffer is free until the first block is converted */
		int utf8 = file_is_utf8(sheet->fd, (unsigned char *)sheet->text);

		if (utf8 < 0) {
			log_err("sheet: read: %s", strerror(errno));
			return SHEET_IO_ERROR;
		}
		/* lines ended by CR alone: a Mac's, whose Excel writes "CSV
		 * (Macintosh)" in Mac Roman */
		sheet->options.encoding = utf8 ? SHEET_UTF8
		    : memchr(sample, '\r', sample_length) != NULL &&
		    memchr(sample, '\n', sample_length) == NULL ? SHEET_MAC_ROMAN : SHEET_WINDOWS_1252;
	}
	for (i = 0; i < sizeof(boms) / sizeof(boms[0]); i++)
		if (boms[i].encoding == sheet->options.encoding && sample_length >= boms[i].length &&
		    memcmp(sample, boms[i].bytes, boms[i].length) == 0)
			skip = boms[i].length;
	if (lseek(sheet->fd, (off_t)skip, SEEK_SET) < 0) {
		log_err("sheet: seek: %s", strerror(errno));
		return SHEET_IO_ERROR;
	}
	sheet->unit = encodings[sheet->options.encoding].unit;
	sheet->iconv = iconv_open("UTF-8", encodings[sheet->options.encoding].iconv_name);
	if (sheet->iconv == (iconv_t)-1) {
		log_err("sheet: iconv_open %s: %s", encodings[sheet->options.encoding].iconv_name,
		    strerror(errno));
		return SHEET_IO_ERROR;
	}
	sheet->raw_len = 0;
	if (csv_refill(sheet) < 0)
		return sheet->status;
	/* a file shorter than a block is whole in the first: its last line counts */
	if (sheet->options.separator == 0)
		sheet->options.separator = csv_find_separator(sheet->text, sheet->text_len,
		    sample_length < RAW_SIZE);
	if (csv_init(&sheet->parser, CSV_APPEND_NULL) != 0) {
		log_err("sheet: csv_init failed");
		return SHEET_IO_ERROR;
	}
	sheet->parser_ready = 1;
	csv_set_delim(&sheet->parser, (unsigned char)sheet->options.separator);
	csv_set_blk_size(&sheet->parser, 4096);
	sheet->line = 1;
	return SHEET_OK;
}

/* --- xlsx: common -------------------------------------------------------- */

/* The name without its namespace (expat gives "uri\x01name"). */
static const char *
xml_local(const XML_Char *name)
{
	const char *local = strrchr(name, '\x01');

	return local ? local + 1 : name;
}

/* The value of the attribute named local, or NULL: when namespaced, one
 * in a namespace (r:id), else one without (r, t, s). */
static const char *
xml_attribute(const XML_Char **attributes, const char *local, int namespaced)
{
	for (; attributes[0] != NULL; attributes += 2) {
		int has_namespace = strchr(attributes[0], '\x01') != NULL;

		if (has_namespace == namespaced && strcmp(xml_local(attributes[0]), local) == 0)
			return attributes[1];
	}
	return NULL;
}

/* Notes where the parser last called back: bytes fed far past that are
 * one token that does not end (see XML_PENDING_MAX). */
static void
xml_seen(struct sheet *sheet)
{
	sheet->x.parsed = XML_GetCurrentByteIndex(sheet->x.xml);
}

/* Stops the parser for good with a status. */
static void
xml_fail(struct sheet *sheet, enum sheet_status status)
{
	if (sheet->status == SHEET_OK)
		sheet->status = status;
	XML_StopParser(sheet->x.xml, XML_FALSE);
}

/* No part of an xlsx has a DTD: one would only bring entities. */
static void
xml_on_doctype(void *data, const XML_Char *name, const XML_Char *system_id,
    const XML_Char *public_id, int has_internal_subset)
{
	(void)name, (void)system_id, (void)public_id, (void)has_internal_subset;
	xml_fail(data, SHEET_XLSX_BROKEN);
}

static XML_Parser
xml_create(struct sheet *sheet, XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text)
{
	XML_Parser xml = XML_ParserCreateNS(NULL, '\x01');

	if (xml == NULL)
		return NULL;
	XML_SetUserData(xml, sheet);
	XML_SetElementHandler(xml, start, end);
	XML_SetCharacterDataHandler(xml, text);
	XML_SetStartDoctypeDeclHandler(xml, xml_on_doctype);
	sheet->x.xml = xml;
	sheet->x.fed = sheet->x.parsed = 0;
	return xml;
}

/* Reads from a zip entry, counting against the limit. Returns the bytes
 * read (0 at the end) or -1 with the status set. */
static zip_int64_t
xlsx_read(struct sheet *sheet, zip_file_t *file, void *buffer, zip_uint64_t length)
{
	zip_int64_t n = zip_fread(file, buffer, length);

	if (n < 0) {
		sheet->status = SHEET_XLSX_BROKEN;
		return -1;
	}
	sheet->x.unpacked += n;
	if (sheet->x.unpacked > sheet->options.unpacked_max) {
		sheet->status = SHEET_TOO_LARGE;
		return -1;
	}
	return n;
}

/* Feeds the parser the next block of file: an XML_Status, with the
 * status set on an error. */
static enum XML_Status
xlsx_feed(struct sheet *sheet, zip_file_t *file, int *end)
{
	void *buffer;
	zip_int64_t n;
	enum XML_Status status;

	if (sheet->x.fed - sheet->x.parsed > XML_PENDING_MAX) {
		sheet->status = SHEET_XLSX_BROKEN;
		return XML_STATUS_ERROR;
	}
	buffer = XML_GetBuffer(sheet->x.xml, XML_BLOCK);
	if (buffer == NULL) {
		sheet->status = SHEET_XLSX_BROKEN;
		return XML_STATUS_ERROR;
	}
	n = xlsx_read(sheet, file, buffer, XML_BLOCK);
	if (n < 0)
		return XML_STATUS_ERROR;
	sheet->x.fed += n;
	*end = n == 0;
	status = XML_ParseBuffer(sheet->x.xml, (int)n, *end);
	if (status == XML_STATUS_ERROR && sheet->status == SHEET_OK)
		sheet->status = SHEET_XLSX_BROKEN;
	return status;
}

/* Parses a whole part of the zip with the handlers given. A part that is
 * not there is SHEET_OK unless required. */
static enum sheet_status
xlsx_parse_part(struct sheet *sheet, const char *name, int required, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	zip_file_t *file = zip_fopen(sheet->x.zip, name, 0);
	int at_end = 0;

	if (file == NULL)
		return required ? SHEET_XLSX_BROKEN : SHEET_OK;
	if (xml_create(sheet, start, end, text) == NULL) {
		zip_fclose(file);
		return SHEET_IO_ERROR;
	}
	while (!at_end && xlsx_feed(sheet, file, &at_end) != XML_STATUS_ERROR)
		;
	XML_ParserFree(sheet->x.xml);
	sheet->x.xml = NULL;
	zip_fclose(file);
	return sheet->status;
}

/* Adds text to the cell (or shared string) being read, cut at
 * SHEET_FIELD_MAX. */
static void
xlsx_on_text(void *data, const XML_Char *text, int length)
{
	struct sheet *sheet = data;
	struct xlsx *x = &sheet->x;
	size_t room = SHEET_FIELD_MAX + 1 - x->text_len;

	xml_seen(sheet);
	if (!(x->in_v || (x->in_t && x->phonetic_depth == 0)))
		return;
	if ((size_t)length > room) {
		length = (int)room;
		x->text_cut = 1;
	}
	memcpy(x->text + x->text_len, text, (size_t)length);
	x->text_len += (size_t)length;
}

/* The text read, cut on a character's end when it was too long. */
static size_t
xlsx_text_length(struct xlsx *x)
{
	if (x->text_len > SHEET_FIELD_MAX) {
		x->text_cut = 1;
		return utf8_boundary(x->text, SHEET_FIELD_MAX);
	}
	return x->text_len;
}

/* Excel writes characters XML cannot carry as is (a CR, for one) as
 * "_xHHHH_" in strings, and a literal "_x" as "_x005F_x": they are read
 * back here, in place (never longer). U+0000 and surrogates stay as written.
 * Returns the new length. */
static size_t
ooxml_unescape(char *text, size_t length)
{
	size_t read = 0, written = 0;

	while (read < length) {
		unsigned code = 0;
		size_t i;

		if (read + 7 <= length && text[read] == '_' && text[read + 1] == 'x' && text[read + 6] == '_') {
			for (i = 2; i < 6; i++) {
				char c = text[read + i];
				unsigned digit = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
				    (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (unsigned)((c | 0x20) - 'a' + 10) : 16;

				if (digit == 16)
					break;
				code = code * 16 + digit;
			}
			if (i == 6 && code != 0 && (code < 0xd800 || code > 0xdfff)) {
				if (code < 0x80)
					text[written++] = (char)code;
				else if (code < 0x800) {
					text[written++] = (char)(0xc0 | code >> 6);
					text[written++] = (char)(0x80 | (code & 0x3f));
				} else {
					text[written++] = (char)(0xe0 | code >> 12);
					text[written++] = (char)(0x80 | ((code >> 6) & 0x3f));
					text[written++] = (char)(0x80 | (code & 0x3f));
				}
				read += 7;
				continue;
			}
		}
		text[written++] = text[read++];
	}
	return written;
}

/* --- xlsx: workbook, relations, styles, shared strings -------------------- */

static void
workbook_on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sheet *sheet = data;
	const char *local = xml_local(name), *value;

	xml_seen(sheet);
	if (strcmp(local, "workbookPr") == 0) {
		value = xml_attribute(attributes, "date1904", 0);
		sheet->x.date1904 = value && (strcmp(value, "1") == 0 || strcmp(value, "true") == 0);
	} else if (strcmp(local, "sheet") == 0 && !sheet->x.sheet_found) {
		value = xml_attribute(attributes, "id", 1);
		if (value && strlen(value) < sizeof(sheet->x.sheet_rid)) {
			strcpy(sheet->x.sheet_rid, value);
			sheet->x.sheet_found = 1;
		}
	}
}

static void
xml_on_end_seen(void *data, const XML_Char *name)
{
	(void)name;
	xml_seen(data);
}

static void
xml_on_text_seen(void *data, const XML_Char *text, int length)
{
	(void)text, (void)length;
	xml_seen(data);
}

static void
relations_on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sheet *sheet = data;
	const char *id, *target;

	xml_seen(sheet);
	if (strcmp(xml_local(name), "Relationship") != 0 || !sheet->x.sheet_found)
		return;
	id = xml_attribute(attributes, "Id", 0);
	target = xml_attribute(attributes, "Target", 0);
	if (id == NULL || target == NULL || strcmp(id, sheet->x.sheet_rid) != 0)
		return;
	/* targets are relative to xl/, or absolute in the package */
	if (target[0] == '/')
		snprintf(sheet->x.sheet_target, sizeof(sheet->x.sheet_target), "%s", target + 1);
	else
		snprintf(sheet->x.sheet_target, sizeof(sheet->x.sheet_target), "xl/%s", target);
}

/* Whether a number format code shows a date or a time: a d, m, y or h
 * outside quoted text, [brackets] and escaped characters. */
static int
format_is_date(const char *code)
{
	for (; *code; code++) {
		switch (*code) {
		case '"':
			code = strchr(code + 1, '"');
			if (code == NULL)
				return 0;
			break;
		case '[':
			code = strchr(code + 1, ']');
			if (code == NULL)
				return 0;
			break;
		case '\\': case '_': case '*':
			if (code[1] == '\0')
				return 0;
			code++;
			break;
		case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y': case 'h': case 'H':
			return 1;
		default:
			break;
		}
	}
	return 0;
}

/* Excel's built-in number formats that are dates or times. */
static int
builtin_format_is_date(unsigned id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

/* Reads the first section of a number format code (up to a ';') into
 * *out, as struct number_format says. Returns 0, or -1 when the format
 * shows a number otherwise than with plain digits, a point and text
 * (General, %, E+, fractions, a thousands' scaling ",", ?, @): such a
 * number is then taken as written. */
static int
number_format_read(const char *code, struct number_format *out)
{
	size_t used = 0, placeholders = 0;
	int point = 0, grouped = 0, decimals = 0;
	const char *p, *end;

	out->layout[0] = '\0';
	for (p = code; *p != '\0' && *p != ';'; p++) {
		const char *literal = NULL;
		size_t literal_len = 0;

		switch (*p) {
		case '"':
			end = strchr(p + 1, '"');
			if (end == NULL)
				return -1;
			literal = p + 1, literal_len = (size_t)(end - p - 1);
			p = end;
			break;
		case '\\':
			if (p[1] == '\0')
				return -1;
			literal = ++p, literal_len = 1;
			break;
		case '[':	/* a colour or a currency's locale; a condition ([<100])
				 * leaves the first section to some numbers only */
			end = strchr(p + 1, ']');
			if (end == NULL || strchr("<>=", p[1]) != NULL)
				return -1;
			p = end;
			break;
		case '_': case '*':	/* a space as wide as, a fill of, the next */
			if (p[1] == '\0')
				return -1;
			p++;
			break;
		case '0': case '#':
			placeholders++;
			if (point)
				decimals++;
			else if (used < NUMBER_LAYOUT_MAX)
				out->layout[used++] = *p;
			else
				return -1;
			break;
		case '.':
			if (point)
				return -1;
			point = 1;
			break;
		case ',':
			/* between digits thousands, after them a scaling by 1000 */
			if (placeholders == 0 || (p[1] != '0' && p[1] != '#'))
				return -1;
			grouped = 1;
			break;
		case '%': case 'E': case 'e': case '/': case '?': case '@': case 'G': case 'g':
			return -1;
		default:
			literal = p, literal_len = 1;
			break;
		}
		if (literal != NULL && !point) {
			if (used + literal_len > NUMBER_LAYOUT_MAX)
				return -1;
			memcpy(out->layout + used, literal, literal_len);
			used += literal_len;
		}
	}
	if (placeholders == 0)
		return -1;
	out->decimals = decimals;
	out->layout[used] = '\0';
	/* a layout only where it shows more than the plain number */
	if (point || grouped || placeholders < 2 || strchr(out->layout, '0') == NULL ||
	    strcspn(out->layout, "0#") != strcspn(out->layout, "0"))
		out->layout[0] = '\0';
	return 0;
}

/* Keeps a custom number format that changes how a number reads (decimals
 * or a layout). 0, or -1 when out of memory. */
static int
number_format_keep(struct xlsx *x, unsigned id, const char *code)
{
	struct number_format format;

	if (number_format_read(code, &format) != 0 || x->number_format_count >= NUMBER_FORMATS_MAX)
		return 0;
	if (x->number_formats == NULL) {
		x->number_formats = calloc(NUMBER_FORMATS_MAX, sizeof(*x->number_formats));
		if (x->number_formats == NULL)
			return -1;
	}
	format.id = id;
	x->number_formats[x->number_format_count++] = format;
	return 0;
}

/* The number format of a cell's style, when it changes how the number
 * reads; NULL for a number taken as written. Excel's built-in formats
 * with digits: 1 "0", 2 "0.00", 3 "#,##0", 4 "#,##0.00", 37 to 40 the
 * same with negatives in brackets. */
static const struct number_format *
style_number_format(const struct xlsx *x, unsigned long style)
{
	static const struct number_format builtin[] = {
		{ 1, 0, "" }, { 2, 2, "" }, { 3, 0, "" }, { 4, 2, "" },
		{ 37, 0, "" }, { 38, 0, "" }, { 39, 2, "" }, { 40, 2, "" },
	};
	unsigned id;
	size_t i;

	if (style >= x->style_count)
		return NULL;
	id = x->style_formats[style];
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (builtin[i].id == id)
			return &builtin[i];
	for (i = 0; i < x->number_format_count; i++)
		if (x->number_formats[i].id == id)
			return &x->number_formats[i];
	return NULL;
}

static void
styles_on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sheet *sheet = data;
	struct xlsx *x = &sheet->x;
	const char *local = xml_local(name), *id, *code;

	xml_seen(sheet);
	if (strcmp(local, "cellXfs") == 0)
		x->in_cell_xfs = 1;
	else if (strcmp(local, "numFmt") == 0) {
		unsigned long number;

		id = xml_attribute(attributes, "numFmtId", 0);
		code = xml_attribute(attributes, "formatCode", 0);
		if (id == NULL || code == NULL)
			return;
		number = strtoul(id, NULL, 10);
		if (number < 65536 && format_is_date(code))
			x->custom_dates[number / 8] |= (unsigned char)(1u << (number % 8));
		else if (number < 65536 && number_format_keep(x, (unsigned)number, code) != 0)
			xml_fail(sheet, SHEET_IO_ERROR);
	} else if (strcmp(local, "xf") == 0 && x->in_cell_xfs && x->style_count < XLSX_STYLES_MAX) {
		if (x->style_formats == NULL) {
			x->style_formats = calloc(XLSX_STYLES_MAX, sizeof(*x->style_formats));
			if (x->style_formats == NULL) {
				xml_fail(sheet, SHEET_IO_ERROR);
				return;
			}
		}
		id = xml_attribute(attributes, "numFmtId", 0);
		x->style_formats[x->style_count++] = id ? (unsigned)strtoul(id, NULL, 10) : 0;
	}
}

static void
styles_on_end(void *data, const XML_Char *name)
{
	struct sheet *sheet = data;

	xml_seen(sheet);
	if (strcmp(xml_local(name), "cellXfs") == 0)
		sheet->x.in_cell_xfs = 0;
}

static int
style_is_date(const struct xlsx *x, unsigned long style)
{
	unsigned format;

	if (style >= x->style_count)
		return 0;
	format = x->style_formats[style];
	return builtin_format_is_date(format) ||
	    (format < 65536 && (x->custom_dates[format / 8] & (1u << (format % 8))));
}

/* Tags inside a string's text that are not its text: phonetic runs. */
static int
is_phonetic(const char *local)
{
	return strcmp(local, "rPh") == 0;
}

static void
strings_on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sheet *sheet = data;
	struct xlsx *x = &sheet->x;
	const char *local = xml_local(name);

	(void)attributes;
	xml_seen(sheet);
	if (strcmp(local, "si") == 0) {
		x->in_si = 1;
		x->text_len = 0;
		x->text_cut = 0;
	} else if (strcmp(local, "t") == 0 && x->in_si)
		x->in_t = 1;
	else if (is_phonetic(local))
		x->phonetic_depth++;
}

/* Keeps a shared string, counting its bytes and slot against the limit. */
static void
strings_on_end(void *data, const XML_Char *name)
{
	struct sheet *sheet = data;
	struct xlsx *x = &sheet->x;
	const char *local = xml_local(name);
	size_t length;

	xml_seen(sheet);
	if (strcmp(local, "t") == 0)
		x->in_t = 0;
	else if (is_phonetic(local) && x->phonetic_depth > 0)
		x->phonetic_depth--;
	if (strcmp(local, "si") != 0 || !x->in_si)
		return;
	x->in_si = 0;
	length = ooxml_unescape(x->text, xlsx_text_length(x));
	if (x->strings_used + length + 1 + (x->string_count + 1) * sizeof(size_t) >
	    (size_t)SHEET_SHARED_STRINGS_MAX) {
		xml_fail(sheet, SHEET_TOO_LARGE);
		return;
	}
	if (x->strings_used + length + 1 > x->strings_size) {
		size_t size = x->strings_size ? x->strings_size : 65536;
		char *grown;

		while (size < x->strings_used + length + 1)
			size *= 2;
		if ((grown = realloc(x->strings, size)) == NULL) {
			xml_fail(sheet, SHEET_IO_ERROR);
			return;
		}
		x->strings = grown;
		x->strings_size = size;
	}
	if (x->string_count == x->string_slots) {
		size_t slots = x->string_slots ? x->string_slots * 2 : 1024;
		size_t *grown = realloc(x->string_offsets, slots * sizeof(*grown));

		if (grown == NULL) {
			xml_fail(sheet, SHEET_IO_ERROR);
			return;
		}
		x->string_offsets = grown;
		x->string_slots = slots;
	}
	memcpy(x->strings + x->strings_used, x->text, length);
	x->strings[x->strings_used + length] = '\0';
	x->string_offsets[x->string_count++] = x->strings_used;
	x->strings_used += length + 1;
}

/* --- xlsx: the sheet ------------------------------------------------------ */

/* The column of a cell reference ("C5" is 2), or -1 without letters. */
static long long
reference_column(const char *reference)
{
	long long column = 0;
	int letters = 0;

	for (; (*reference >= 'A' && *reference <= 'Z') || (*reference >= 'a' && *reference <= 'z');
	    reference++) {
		if (column < 1000000)
			column = column * 26 + ((*reference | 0x20) - 'a' + 1);
		letters++;
	}
	return letters ? column - 1 : -1;
}

/* Writes the days since 1970-01-01 as a civil date (H. Hinnant's
 * days_from_civil inverse, exact for the proleptic Gregorian calendar). */
static void
civil_from_days(long long days, long long *year, unsigned *month, unsigned *day)
{
	long long era;
	unsigned day_of_era, year_of_era, day_of_year, shifted_month;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	shifted_month = (5 * day_of_year + 2) / 153;
	*day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
	*month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
	*year = (long long)year_of_era + era * 400 + (*month <= 2);
}

/* Days from 1970-01-01 to Excel's day 0: 1899-12-30 (serials from 61,
 * after the 29 February 1900 that Excel counts and that never was),
 * 1899-12-31 (before), 1904-01-01 (the 1904 system). */
#define EXCEL_EPOCH_1900 (-25569LL)
#define EXCEL_EPOCH_1900_EARLY (-25568LL)
#define EXCEL_EPOCH_1904 (-24107LL)
#define EXCEL_SERIAL_MAX 2958466.0	/* 10000-01-01 */

/* Writes an Excel date serial as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" with a
 * time of day, or "HH:MM:SS" for a time alone. Returns the length, or 0 if
 * number is no date. */
static size_t
excel_date(const char *number, int date1904, char *out, size_t size)
{
	char *end;
	double serial = strtod(number, &end);
	long long days, seconds, epoch;
	long long year;
	unsigned month, day;
	int length;

	if (end == number || *end != '\0' || !(serial >= 0 && serial < EXCEL_SERIAL_MAX))
		return 0;
	days = (long long)serial;	/* serial >= 0: the cast is floor */
	seconds = (long long)((serial - (double)days) * 86400.0 + 0.5);
	if (seconds >= 86400) {
		days++;
		seconds -= 86400;
	}
	if (days == 0 && !date1904)
		length = snprintf(out, size, "%02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60,
		    seconds % 60);
	else {
		epoch = date1904 ? EXCEL_EPOCH_1904 : days >= 61 ? EXCEL_EPOCH_1900 : EXCEL_EPOCH_1900_EARLY;
		civil_from_days(epoch + days, &year, &month, &day);
		if (seconds == 0)
			length = snprintf(out, size, "%04lld-%02u-%02u", year, month, day);
		else
			length = snprintf(out, size, "%04lld-%02u-%02u %02lld:%02lld:%02lld", year, month, day,
			    seconds / 3600, seconds / 60 % 60, seconds % 60);
	}
	return length > 0 && (size_t)length < size ? (size_t)length : 0;
}

/* Excel's precision: the significant digits it shows and keeps. */
#define EXCEL_DIGITS 15

/* A number as the sheet has it, but an integer written "12.0" as "12",
 * and a fraction written with more than Excel's 15 significant digits as
 * Excel shows it: a program that prints a double with 16 or 17 digits
 * (libxlsxwriter, Fidèle's own export; Excel for a computed cell) writes
 * 595.44 as "595.4400000000001" and 99.24 as "99.23999999999999", which
 * a person reads, and the import must take, as 595.44 and 99.24. Rewrites
 * text in place (shorter); returns its length. */
static size_t
number_length(char *text, size_t length)
{
	size_t at = text[0] == '-' ? 1 : 0, digits = at, dot, i;
	int significant = 0, written;
	char shown[64];

	while (digits < length && text[digits] >= '0' && text[digits] <= '9')
		digits++;
	if (digits == at || digits == length || text[digits] != '.')
		return length;
	for (dot = digits + 1; dot < length && text[dot] == '0'; dot++)
		;
	if (dot == length)
		return digits;
	for (i = digits + 1; i < length && text[i] >= '0' && text[i] <= '9'; i++)
		;
	if (i != length)
		return length;		/* an exponent, or not a number: as written */
	for (i = at; i < length; i++)
		if ((text[i] >= '1' && text[i] <= '9') || (significant > 0 && text[i] == '0'))
			significant++;
	if (significant <= EXCEL_DIGITS)
		return length;
	/* the C locale's decimal point: the programs never call setlocale */
	written = snprintf(shown, sizeof(shown), "%.*G", EXCEL_DIGITS, strtod(text, NULL));
	if (written <= 0 || (size_t)written > length || strchr(shown, 'E') != NULL)
		return length;
	memcpy(text, shown, (size_t)written + 1);
	return (size_t)written;
}

/* Rounds the number text (digits, a point, digits; a minus first) to
 * decimals digits after its point at most, half away from zero as Excel
 * shows it, and drops the zeros that end its fraction. In place: text
 * has room for one more digit (9.995 to 2 decimals is 10). Returns its
 * length; a number written otherwise is left as it is. */
static size_t
number_round(char *text, size_t length, int decimals)
{
	size_t at = text[0] == '-' ? 1 : 0, dot, cut, i;
	int carry;

	if (length > 64)
		return length;		/* no number Excel writes */
	dot = at + strspn(text + at, "0123456789");
	if (dot == at || dot >= length || text[dot] != '.' ||
	    dot + 1 + strspn(text + dot + 1, "0123456789") != length)
		return length;
	cut = dot + 1 + (size_t)decimals;
	if (cut >= length)
		return length;
	carry = text[cut] >= '5';
	length = decimals > 0 ? cut : dot;
	for (i = length; carry && i > at; i--) {
		if (text[i - 1] == '.')
			continue;
		carry = text[i - 1] == '9';
		text[i - 1] = carry ? '0' : (char)(text[i - 1] + 1);
	}
	if (carry) {
		memmove(text + at + 1, text + at, length - at);
		text[at] = '1';
		length++;
		dot++;
	}
	if (decimals > 0) {
		while (length > dot + 1 && text[length - 1] == '0')
			length--;
		if (length == dot + 1)
			length = dot;
	}
	text[length] = '\0';
	if (at == 1 && strspn(text + 1, "0") == length - 1) {
		memmove(text, text + 1, length);	/* -0.001 shown to 2 places is 0 */
		length--;
	}
	return length;
}

/* Writes the whole number digits (no sign) into out by layout, as Excel
 * shows it: the digits fill the layout's places from the right, a place
 * of 0 left without one shows 0, one of # nothing, digits more than the
 * places go before the first place, and the layout's text is written as
 * it is. Returns the length, 0 when out is too small. */
static size_t
number_lay_out(const char *digits, const char *layout, char *out, size_t size)
{
	size_t left = strlen(digits), first = strcspn(layout, "0#"), i, w;

	if (size == 0)
		return 0;
	w = size - 1;		/* written from the right, then moved to the front */
	out[w] = '\0';
#define PUT(c) do { if (w == 0) return 0; out[--w] = (c); } while (0)
	for (i = strlen(layout); i > 0; i--) {
		char c = layout[i - 1];

		if (c != '0' && c != '#')
			PUT(c);
		else {
			if (left > 0)
				PUT(digits[--left]);
			else if (c == '0')
				PUT('0');
			if (i - 1 == first)
				while (left > 0)
					PUT(digits[--left]);
		}
	}
#undef PUT
	memmove(out, out + w, size - w);
	return size - 1 - w;
}

/* Puts the cell read into the row, as the text its type says. */
static void
sheet_put_cell(struct sheet *sheet)
{
	struct xlsx *x = &sheet->x;
	const char *value = x->text;
	size_t length = xlsx_text_length(x);
	const struct number_format *format;
	char date[32], shown[2 * NUMBER_LAYOUT_MAX + 24];

	x->text[length] = '\0';
	switch (x->type) {
	case CELL_SHARED: {
		char *end;
		unsigned long long index = strtoull(x->text, &end, 10);

		if (length == 0 || *end != '\0' || index >= x->string_count) {
			value = "", length = 0;
			sheet->build.flags |= SHEET_ROW_BAD_TEXT;
		} else {
			value = x->strings + x->string_offsets[index];
			length = strlen(value);
		}
		break;
	}
	case CELL_INLINE:
	case CELL_STRING:
		length = ooxml_unescape(x->text, length);
		break;
	case CELL_BOOLEAN:
		if (length > 0)
			value = strcmp(x->text, "1") == 0 || strcmp(x->text, "true") == 0 ? "1" : "0", length = 1;
		break;
	case CELL_NUMBER:
		if (length == 0)
			break;
		if (style_is_date(x, x->style)) {
			size_t date_length = excel_date(x->text, x->date1904, date, sizeof(date));

			if (date_length > 0) {
				value = date, length = date_length;
				break;
			}
		}
		length = number_length(x->text, length);
		if ((format = style_number_format(x, x->style)) != NULL) {
			length = number_round(x->text, length, format->decimals);
			if (format->layout[0] != '\0' && x->text[0] != '-' &&
			    strspn(x->text, "0123456789") == length && length <= 20 &&
			    number_lay_out(x->text, format->layout, shown, sizeof(shown)) > 0)
				value = shown, length = strlen(shown);
		}
		break;
	default:
		break;
	}
	if (x->text_cut)
		sheet->build.flags |= SHEET_ROW_FIELD_TOO_LONG;
	if (row_put(&sheet->build, x->column, value, length) < 0)
		xml_fail(sheet, SHEET_IO_ERROR);
}

/* What the sheet's elements do as they open and close (the elements are
 * only looked at inside sheetData). */
static void
data_start(struct sheet *sheet, const XML_Char **attributes)
{
	(void)attributes;
	sheet->x.in_data = 1;
}

static void
data_end(struct sheet *sheet)
{
	sheet->x.in_data = 0;
}

static void
row_start(struct sheet *sheet, const XML_Char **attributes)
{
	const char *line = xml_attribute(attributes, "r", 0);

	sheet->x.row_line = line ? strtoll(line, NULL, 10) : sheet->x.row_line + 1;
	sheet->x.next_column = 0;
	row_reset(&sheet->build);
}

/* A row with something in it is given: the parser stops there until the
 * caller asks for the next one. */
static void
row_end(struct sheet *sheet)
{
	if (sheet->status == SHEET_OK && row_finish(sheet, sheet->x.row_line)) {
		sheet->row_done = 1;
		XML_StopParser(sheet->x.xml, XML_TRUE);
	}
}

static void
cell_start(struct sheet *sheet, const XML_Char **attributes)
{
	struct xlsx *x = &sheet->x;
	const char *value = xml_attribute(attributes, "r", 0);
	size_t i;

	/* a cell without a reference follows the one before */
	x->column = value ? reference_column(value) : -1;
	if (x->column < 0)
		x->column = x->next_column;
	x->next_column = x->column + 1;
	value = xml_attribute(attributes, "t", 0);
	x->type = CELL_NUMBER;
	for (i = 0; value && i < sizeof(cell_types) / sizeof(cell_types[0]); i++)
		if (strcmp(value, cell_types[i].name) == 0)
			x->type = cell_types[i].type;
	value = xml_attribute(attributes, "s", 0);
	x->style = value ? strtoul(value, NULL, 10) : 0;
	x->text_len = 0;
	x->text_cut = 0;
}

static void
value_start(struct sheet *sheet, const XML_Char **attributes)
{
	(void)attributes;
	sheet->x.in_v = 1;
}

static void
value_end(struct sheet *sheet)
{
	sheet->x.in_v = 0;
}

static void
inline_start(struct sheet *sheet, const XML_Char **attributes)
{
	(void)attributes;
	sheet->x.in_is = 1;
}

static void
inline_end(struct sheet *sheet)
{
	sheet->x.in_is = 0;
}

/* <t> is text only inside an inline string (<is>) */
static void
text_start(struct sheet *sheet, const XML_Char **attributes)
{
	(void)attributes;
	sheet->x.in_t = sheet->x.in_is;
}

static void
text_end(struct sheet *sheet)
{
	sheet->x.in_t = 0;
}

static void
phonetic_start(struct sheet *sheet, const XML_Char **attributes)
{
	(void)attributes;
	sheet->x.phonetic_depth++;
}

static void
phonetic_end(struct sheet *sheet)
{
	if (sheet->x.phonetic_depth > 0)
		sheet->x.phonetic_depth--;
}

static const struct {
	const char *name;
	void (*start)(struct sheet *sheet, const XML_Char **attributes);
	void (*end)(struct sheet *sheet);
} sheet_elements[] = {
	{ "sheetData", data_start, data_end },
	{ "row", row_start, row_end },
	{ "c", cell_start, sheet_put_cell },
	{ "v", value_start, value_end },
	{ "is", inline_start, inline_end },
	{ "t", text_start, text_end },
	{ "rPh", phonetic_start, phonetic_end },	/* a phonetic reading, not the text */
};

/* The entry of sheet_elements for an element inside sheetData (or
 * sheetData itself), or -1. */
static int
sheet_element(const struct sheet *sheet, const XML_Char *name)
{
	const char *local = xml_local(name);
	size_t i;

	for (i = 0; i < sizeof(sheet_elements) / sizeof(sheet_elements[0]); i++)
		if (strcmp(local, sheet_elements[i].name) == 0)
			return i == 0 || sheet->x.in_data ? (int)i : -1;
	return -1;
}

static void
sheet_on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sheet *sheet = data;
	int element = sheet_element(sheet, name);

	xml_seen(sheet);
	if (element >= 0)
		sheet_elements[element].start(sheet, attributes);
}

static void
sheet_on_end(void *data, const XML_Char *name)
{
	struct sheet *sheet = data;
	int element = sheet_element(sheet, name);

	xml_seen(sheet);
	if (element >= 0)
		sheet_elements[element].end(sheet);
}

/* Reads the next row of the sheet into sheet->current: 1, 0 (end) or -1. */
static int
xlsx_next(struct sheet *sheet)
{
	struct xlsx *x = &sheet->x;

	sheet->row_done = 0;
	for (;;) {
		enum XML_Status status;
		int at_end = 0;

		if (sheet->status != SHEET_OK)
			return -1;
		if (x->suspended) {
			x->suspended = 0;
			status = XML_ResumeParser(x->xml);
			if (status == XML_STATUS_ERROR && sheet->status == SHEET_OK)
				sheet->status = SHEET_XLSX_BROKEN;
		} else {
			if (x->finished)
				return 0;
			status = xlsx_feed(sheet, x->entry, &at_end);
			if (at_end)
				x->finished = 1;
		}
		if (status == XML_STATUS_ERROR)
			return -1;
		if (status == XML_STATUS_SUSPENDED) {
			x->suspended = 1;
			return 1;
		}
	}
}

/* Refuses a zip whose headers already say it unpacks past the limit, or
 * by more than deflate can. */
static enum sheet_status
xlsx_check_sizes(struct sheet *sheet)
{
	zip_int64_t entries = zip_get_num_entries(sheet->x.zip, 0), i;
	zip_uint64_t total = 0;

	for (i = 0; i < entries; i++) {
		zip_stat_t stat;

		if (zip_stat_index(sheet->x.zip, (zip_uint64_t)i, 0, &stat) != 0)
			return SHEET_XLSX_BROKEN;
		if (!(stat.valid & ZIP_STAT_SIZE))
			continue;
		total += stat.size;
		if (total > (zip_uint64_t)sheet->options.unpacked_max)
			return SHEET_TOO_LARGE;
		if ((stat.valid & ZIP_STAT_COMP_SIZE) && stat.size > ZIP_RATIO_FROM &&
		    stat.size / (stat.comp_size ? stat.comp_size : 1) > ZIP_RATIO_MAX)
			return SHEET_TOO_LARGE;
	}
	return SHEET_OK;
}

/* Opens the xlsx at path and its first sheet. */
static enum sheet_status
xlsx_open(struct sheet *sheet, const char *path, int zip_magic)
{
	struct xlsx *x = &sheet->x;
	enum sheet_status status;
	int error = 0;

	x->zip = zip_open(path, ZIP_RDONLY, &error);
	if (x->zip == NULL) {
		if (error == ZIP_ER_OPEN || error == ZIP_ER_READ || error == ZIP_ER_MEMORY) {
			log_err("sheet: zip_open: error %d", error);
			return SHEET_IO_ERROR;
		}
		/* bytes that start as a zip but are none: a zip cut short */
		return error == ZIP_ER_NOZIP && !zip_magic ? SHEET_NOT_A_SHEET : SHEET_XLSX_BROKEN;
	}
	if (zip_name_locate(x->zip, "[Content_Types].xml", 0) < 0 ||
	    zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
		return SHEET_NOT_A_SHEET;
	if ((status = xlsx_check_sizes(sheet)) != SHEET_OK)
		return status;
	x->text = malloc(SHEET_FIELD_MAX + 1);
	if (x->text == NULL)
		return SHEET_IO_ERROR;
	if ((status = xlsx_parse_part(sheet, "xl/workbook.xml", 1, workbook_on_start, xml_on_end_seen,
	    xml_on_text_seen)) != SHEET_OK)
		return status;
	if (x->sheet_found && (status = xlsx_parse_part(sheet, "xl/_rels/workbook.xml.rels", 0,
	    relations_on_start, xml_on_end_seen, xml_on_text_seen)) != SHEET_OK)
		return status;
	if ((status = xlsx_parse_part(sheet, "xl/styles.xml", 0, styles_on_start, styles_on_end,
	    xml_on_text_seen)) != SHEET_OK)
		return status;
	if ((status = xlsx_parse_part(sheet, "xl/sharedStrings.xml", 0, strings_on_start, strings_on_end,
	    xlsx_on_text)) != SHEET_OK)
		return status;
	x->in_t = x->phonetic_depth = 0;
	if (x->sheet_target[0] != '\0')
		x->entry = zip_fopen(x->zip, x->sheet_target, 0);
	if (x->entry == NULL)
		x->entry = zip_fopen(x->zip, XLSX_FIRST_SHEET, 0);
	if (x->entry == NULL)
		return SHEET_XLSX_BROKEN;
	if (xml_create(sheet, sheet_on_start, sheet_on_end, xlsx_on_text) == NULL)
		return SHEET_IO_ERROR;
	sheet->options.encoding = SHEET_ENCODING_DETECT;
	sheet->options.separator = 0;
	return SHEET_OK;
}

/* --- the reader ----------------------------------------------------------- */

static int
read_row(struct sheet *sheet)
{
	return sheet->options.format == SHEET_XLSX ? xlsx_next(sheet) : csv_next(sheet);
}

/* The format the first bytes say, or SHEET_FORMAT_DETECT for no sheet. */
static enum sheet_format
sniff_format(const unsigned char *sample, size_t length)
{
	size_t i;

	if (length >= 4 && (memcmp(sample, ZIP_MAGIC, 4) == 0 || memcmp(sample, ZIP_EMPTY_MAGIC, 4) == 0))
		return SHEET_XLSX;
	for (i = 0; i < sizeof(binary_magics) / sizeof(binary_magics[0]); i++)
		if (length >= binary_magics[i].length &&
		    memcmp(sample, binary_magics[i].bytes, binary_magics[i].length) == 0)
			return SHEET_FORMAT_DETECT;
	return SHEET_CSV;
}

enum sheet_status
sheet_open(const char *path, const struct sheet_options *options, struct sheet **out,
    struct sheet_options *found)
{
	struct sheet *sheet;
	enum sheet_status status;
	int detected;
	ssize_t sample_length;

	*out = NULL;
	sheet = calloc(1, sizeof(*sheet));
	if (sheet == NULL) {
		log_err("sheet: out of memory");
		return SHEET_IO_ERROR;
	}
	if (options != NULL)
		sheet->options = *options;
	if (sheet->options.unpacked_max <= 0)
		sheet->options.unpacked_max = SHEET_UNPACKED_MAX;
	if ((unsigned)sheet->options.format >= SHEET_FORMAT__MAX)
		sheet->options.format = SHEET_FORMAT_DETECT;
	if ((unsigned)sheet->options.encoding >= SHEET_ENCODING__MAX)
		sheet->options.encoding = SHEET_ENCODING_DETECT;
	if (sheet->options.separator != 0 && strchr(SHEET_SEPARATORS, sheet->options.separator) == NULL)
		sheet->options.separator = 0;
	sheet->iconv = (iconv_t)-1;
	sheet->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sheet->fd < 0) {
		log_err("sheet: open %s: %s", path, strerror(errno));
		free(sheet);
		return SHEET_IO_ERROR;
	}
	do
		sample_length = pread(sheet->fd, sheet->raw, RAW_SIZE, 0);
	while (sample_length < 0 && errno == EINTR);
	if (sample_length < 0) {
		log_err("sheet: read %s: %s", path, strerror(errno));
		status = SHEET_IO_ERROR;
		goto fail;
	}
	if (sample_length == 0) {
		status = SHEET_EMPTY;
		goto fail;
	}
	detected = sheet->options.format == SHEET_FORMAT_DETECT;
	if (detected) {
		sheet->options.format = sniff_format(sheet->raw, (size_t)sample_length);
		if (sheet->options.format == SHEET_FORMAT_DETECT) {
			status = SHEET_NOT_A_SHEET;
			goto fail;
		}
	}
	if (sheet->options.format == SHEET_XLSX) {
		close(sheet->fd);
		sheet->fd = -1;
		status = xlsx_open(sheet, path, sample_length >= 4 && memcmp(sheet->raw, ZIP_MAGIC, 4) == 0);
	} else
		status = csv_open(sheet, sheet->raw, (size_t)sample_length, detected);
	if (status != SHEET_OK)
		goto fail;
	switch (read_row(sheet)) {
	case 1:
		sheet->have_current = 1;
		break;
	case 0:
		status = SHEET_EMPTY;
		goto fail;
	default:
		status = sheet->status;
		goto fail;
	}
	if (found != NULL)
		*found = sheet->options;
	*out = sheet;
	return SHEET_OK;
fail:
	sheet_close(sheet);
	return status;
}

int
sheet_next(struct sheet *sheet, struct sheet_row *row)
{
	int result;

	if (sheet->have_current) {
		sheet->have_current = 0;
		*row = sheet->current;
		return 1;
	}
	result = read_row(sheet);
	if (result == 1)
		*row = sheet->current;
	return result;
}

enum sheet_status
sheet_status(const struct sheet *sheet)
{
	return sheet->status;
}

void
sheet_close(struct sheet *sheet)
{
	if (sheet == NULL)
		return;
	if (sheet->fd >= 0)
		close(sheet->fd);
	if (sheet->iconv != (iconv_t)-1)
		iconv_close(sheet->iconv);
	if (sheet->parser_ready)
		csv_free(&sheet->parser);
	if (sheet->x.xml != NULL)
		XML_ParserFree(sheet->x.xml);
	if (sheet->x.entry != NULL)
		zip_fclose(sheet->x.entry);
	if (sheet->x.zip != NULL)
		zip_discard(sheet->x.zip);
	free(sheet->x.style_formats);
	free(sheet->x.number_formats);
	free(sheet->x.strings);
	free(sheet->x.string_offsets);
	free(sheet->x.text);
	free(sheet->build.bytes);
	free(sheet->text);
	free(sheet->bad);
	free(sheet);
}

/* --- pasted addresses ------------------------------------------------------ */

/* Separators between addresses that also end a name: a name cut by one
 * of them stands alone (and is reported). Spaces only separate words. */
static int
paste_is_hard(char c)
{
	return c == ',' || c == ';' || c == '\n' || c == '\r';
}

static int
paste_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Whether text[0..length) looks like an address: something@something. The
 * import checks it for real; here it only tells a name from an address. */
static int
paste_is_address(const char *text, size_t length)
{
	const char *at = memchr(text, '@', length);

	return at != NULL && at > text && at < text + length - 1;
}

/* A pasted entry being gathered: the words of its name. */
struct paste_entry {
	char *name;
	size_t length, size;
};

static int
paste_add_name(struct paste_entry *entry, const char *text, size_t length)
{
	if (length == 0)
		return 0;
	if (entry->length + length + 2 > entry->size) {
		size_t size = entry->size ? entry->size : 256;
		char *grown;

		while (size < entry->length + length + 2)
			size *= 2;
		if ((grown = realloc(entry->name, size)) == NULL)
			return -1;
		entry->name = grown;
		entry->size = size;
	}
	if (entry->length > 0)
		entry->name[entry->length++] = ' ';
	memcpy(entry->name + entry->length, text, length);
	entry->length += length;
	return 0;
}

/* Writes a row "name,address" (both quoted by libcsv) and empties the entry.
 * Returns 0 or -1. */
static int
paste_write_row(FILE *out, struct paste_entry *entry, const char *address, size_t address_length,
    long long *rows)
{
	static const char mailto[] = "mailto:";

	if (address_length > sizeof(mailto) - 1 && strncasecmp(address, mailto, sizeof(mailto) - 1) == 0)
		address += sizeof(mailto) - 1, address_length -= sizeof(mailto) - 1;
	if (csv_fwrite(out, entry->length ? entry->name : "", entry->length) != 0 || fputc(',', out) == EOF ||
	    csv_fwrite(out, address, address_length) != 0 || fputc('\n', out) == EOF)
		return -1;
	entry->length = 0;
	(*rows)++;
	return 0;
}

/* Trims spaces around text[0..*length), returning where it starts. */
static const char *
paste_trim(const char *text, size_t *length)
{
	while (*length > 0 && paste_is_space(text[0]))
		text++, (*length)--;
	while (*length > 0 && paste_is_space(text[*length - 1]))
		(*length)--;
	return text;
}

long long
sheet_paste_write(const char *text, const char *name_header, const char *email_header, FILE *out)
{
	struct paste_entry entry = { NULL, 0, 0 };
	long long rows = 0;
	int failed = 0;

	if (csv_fwrite(out, name_header, strlen(name_header)) != 0 || fputc(',', out) == EOF ||
	    csv_fwrite(out, email_header, strlen(email_header)) != 0 || fputc('\n', out) == EOF)
		return -1;
	while (!failed) {
		const char *start;
		size_t length;

		while (paste_is_space(*text))
			text++;
		if (*text == '\0' || paste_is_hard(*text)) {
			/* a name with no address: a row of its own, for the import to report */
			if (entry.length > 0)
				failed = paste_write_row(out, &entry, "", 0, &rows) < 0;
			if (*text == '\0')
				break;
			text++;
		} else if (*text == '"') {
			/* a quoted name: commas inside belong to it */
			char *unquoted;
			size_t used = 0;

			start = ++text;
			while (*text && *text != '"')
				text += text[0] == '\\' && text[1] ? 2 : 1;
			length = (size_t)(text - start);
			if (*text == '"')
				text++;
			if ((unquoted = malloc(length + 1)) == NULL) {
				failed = 1;
				break;
			}
			for (; start < text && *start && *start != '"'; start++) {
				if (*start == '\\' && start[1])
					start++;
				unquoted[used++] = *start;
			}
			start = paste_trim(unquoted, &used);
			failed = paste_add_name(&entry, start, used) < 0;
			free(unquoted);
		} else if (*text == '<') {
			/* <address>: the name gathered so far is its */
			start = ++text;
			while (*text && *text != '>' && !paste_is_hard(*text))
				text++;
			length = (size_t)(text - start);
			if (*text == '>')
				text++;
			start = paste_trim(start, &length);
			if (paste_is_address(start, length))
				failed = paste_write_row(out, &entry, start, length, &rows) < 0;
			else
				failed = paste_add_name(&entry, start, length) < 0;
		} else {
			start = text;
			while (*text && !paste_is_space(*text) && !paste_is_hard(*text) && *text != '<' &&
			    *text != '"')
				text++;
			length = (size_t)(text - start);
			if (paste_is_address(start, length))
				failed = paste_write_row(out, &entry, start, length, &rows) < 0;
			else
				failed = paste_add_name(&entry, start, length) < 0;
		}
	}
	free(entry.name);
	if (failed || fflush(out) == EOF || ferror(out))
		return -1;
	return rows;
}
