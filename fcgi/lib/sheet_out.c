/*
 * The spreadsheet writer (sheet_out.h): one writer, three profiles. The
 * two CSV profiles write into one buffer that goes to the sink in pieces
 * of about SHEET_OUT_CHUNK bytes; a cell costs a table scan and a memcpy
 * (numbers and dates are written digit by digit, no printf), so the
 * export goes as fast as the database gives rows. The .xlsx is
 * libxlsxwriter's, in its constant-memory mode, into a file under the
 * spool that close hands to the sink and deletes.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "log.h"
#include "sheet_out.h"

const char *const sheet_out_names[SHEET_OUT__MAX] = {
	"xlsx",		/* SHEET_OUT_XLSX */
	"csv-excel",	/* SHEET_OUT_CSV_EXCEL */
	"csv"		/* SHEET_OUT_CSV */
};

const char *const sheet_out_extensions[SHEET_OUT__MAX] = {
	"xlsx",		/* SHEET_OUT_XLSX */
	"csv",		/* SHEET_OUT_CSV_EXCEL */
	"csv"		/* SHEET_OUT_CSV */
};

const char *const sheet_out_content_types[SHEET_OUT__MAX] = {
	/* SHEET_OUT_XLSX */
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"text/csv; charset=utf-8",	/* SHEET_OUT_CSV_EXCEL */
	"text/csv; charset=utf-8"	/* SHEET_OUT_CSV */
};

/* The longest text Excel keeps in a cell, in UTF-16 units. */
#define XLSX_TEXT_MAX 32767

/* Room for the biggest cell that is not text: a separator, a sign, 20
 * digits, a decimal mark and two decimals. */
#define CSV_NUMBER_MAX 32

/* The CSV buffer: rows go out once it holds SHEET_OUT_CHUNK bytes, and a
 * cell that does not fit sends what is there first. */
#define CSV_BUFFER_SIZE (2 * SHEET_OUT_CHUNK)

/* What a byte asks of a CSV text cell (csv_byte_class). */
#define CSV_QUOTE_CELL 0x1u	/* the cell must be quoted */
#define CSV_DOUBLE 0x2u		/* a quote: doubled */

struct sheet_out {
	enum sheet_out_format format;
	sheet_out_sink sink;
	void *ctx;
	enum sheet_out_type *types;
	int columns;
	int column;		/* cells written in the current row */
	long long rows;		/* rows ended, the header included */
	int failed;		/* a call failed: every later one returns -1 */
	int english;		/* language "en" (else French) */

	/* CSV */
	char separator;		/* ',' or ';' */
	char decimal;		/* '.' or ',' */
	int day_first;		/* dates dd/mm/yyyy, else ISO yyyy-mm-dd */
	char *buffer;		/* CSV_BUFFER_SIZE bytes (also the xlsx's read buffer) */
	size_t length;

	/* xlsx */
	lxw_workbook *workbook;
	lxw_worksheet *worksheet;	/* made at the first cell (the name may be set before) */
	lxw_format *header_format, *money_format, *date_format, *wrap_format;
	double *widths;		/* per column, 0 = from the header */
	char *path;		/* the file under tmp_dir, deleted when done */
	char sheet_name[LXW_SHEETNAME_MAX * 4 + 1];
	char currency[4];
	char *text;		/* a text cell made safe for the XML */
	size_t text_size;
};

enum sheet_out_format
sheet_out_find(const char *name)
{
	int format;

	for (format = 0; name != NULL && format < SHEET_OUT__MAX; format++)
		if (strcmp(name, sheet_out_names[format]) == 0)
			return (enum sheet_out_format)format;
	return SHEET_OUT__MAX;
}

/* --- CSV ----------------------------------------------------------------- */

/* Bytes that make a cell quoted: both separators whatever the profile (a
 * program that guesses the separator, our importer among them, then reads
 * the same cells), tab (a guess of TSV), quotes and line breaks. */
static unsigned char csv_byte_class[256] = {
	['\t'] = CSV_QUOTE_CELL, ['\n'] = CSV_QUOTE_CELL, ['\r'] = CSV_QUOTE_CELL,
	[','] = CSV_QUOTE_CELL, [';'] = CSV_QUOTE_CELL, ['"'] = CSV_QUOTE_CELL | CSV_DOUBLE
};

/* The first bytes that make a spreadsheet read a cell as a formula (OWASP,
 * "CSV injection"; ASVS 1.2.10 adds NUL). */
static int
csv_formula_start(unsigned char first)
{
	return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
	    first == '\r' || first == '\0';
}

/* Hands the buffer to the sink; a failed sink fails the writer. */
static int
csv_flush(struct sheet_out *out)
{
	if (out->failed)
		return -1;
	if (out->length > 0 && out->sink(out->ctx, out->buffer, out->length) != 0) {
		out->failed = 1;
		return -1;
	}
	out->length = 0;
	return 0;
}

/* Makes room for needed more bytes (needed <= CSV_BUFFER_SIZE). */
static int
csv_room(struct sheet_out *out, size_t needed)
{
	if (out->length + needed > CSV_BUFFER_SIZE)
		return csv_flush(out);
	return 0;
}

/* Appends bytes of any length, sending full buffers on the way. */
static int
csv_put(struct sheet_out *out, const char *bytes, size_t length)
{
	while (length > 0) {
		size_t part = CSV_BUFFER_SIZE - out->length;

		if (part == 0) {
			if (csv_flush(out) != 0)
				return -1;
			continue;
		}
		if (part > length)
			part = length;
		memcpy(out->buffer + out->length, bytes, part);
		out->length += part;
		bytes += part;
		length -= part;
	}
	return 0;
}

/* The separator before every cell but a row's first. */
static void
csv_separator(struct sheet_out *out)
{
	if (out->column > 0)
		out->buffer[out->length++] = out->separator;
}

/* A text cell whose worst case does not fit in the buffer, a piece at a
 * time (a cell of over 64 KiB: never from the database's columns). */
static int
csv_text_long(struct sheet_out *out, const unsigned char *text, size_t length, int quoted,
    int neutralised)
{
	size_t i, start = 0;

	if (csv_room(out, 3) != 0)
		return -1;
	csv_separator(out);
	if (quoted)
		out->buffer[out->length++] = '"';
	if (neutralised)
		out->buffer[out->length++] = '\'';
	for (i = 0; i < length; i++)
		if (text[i] == '"') {
			if (csv_put(out, (const char *)text + start, i + 1 - start) != 0)
				return -1;
			start = i;	/* the quote again: doubled */
		}
	if (csv_put(out, (const char *)text + start, length - start) != 0)
		return -1;
	return quoted ? csv_put(out, "\"", 1) : 0;
}

static int
csv_text(struct sheet_out *out, const unsigned char *text, size_t length)
{
	unsigned int found = 0;
	size_t i, worst;
	int neutralised = length > 0 && csv_formula_start(text[0]);
	char *p;

	for (i = 0; i < length; i++)
		found |= csv_byte_class[text[i]];
	if (neutralised)
		found |= CSV_QUOTE_CELL;
	worst = 4 + ((found & CSV_DOUBLE) ? 2 * length : length);
	if (worst > CSV_BUFFER_SIZE)
		return csv_text_long(out, text, length, found != 0, neutralised);
	if (csv_room(out, worst) != 0)
		return -1;
	csv_separator(out);
	p = out->buffer + out->length;
	if (found == 0) {
		memcpy(p, text, length);
		out->length += length;
		return 0;
	}
	*p++ = '"';
	if (neutralised)
		*p++ = '\'';
	if (found & CSV_DOUBLE) {
		for (i = 0; i < length; i++) {
			if (text[i] == '"')
				*p++ = '"';
			*p++ = (char)text[i];
		}
	} else {
		memcpy(p, text, length);
		p += length;
	}
	*p++ = '"';
	out->length = (size_t)(p - out->buffer);
	return 0;
}

/* Writes the digits of value at the end of a buffer ending at end; returns
 * where they begin. */
static char *
digits_before(char *end, unsigned long long value)
{
	do {
		*--end = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	return end;
}

static int
csv_integer(struct sheet_out *out, long long value)
{
	char digits[24], *end = digits + sizeof(digits), *start;
	unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value :
	    (unsigned long long)value;

	if (csv_room(out, CSV_NUMBER_MAX) != 0)
		return -1;
	csv_separator(out);
	start = digits_before(end, magnitude);
	if (value < 0)
		*--start = '-';
	memcpy(out->buffer + out->length, start, (size_t)(end - start));
	out->length += (size_t)(end - start);
	return 0;
}

/* Cents as units, the profile's decimal mark and two decimals: -1234 is
 * -12.34 or -12,34; no thousands separator and no currency sign, so a
 * spreadsheet reads a number. */
static int
csv_money(struct sheet_out *out, long long cents)
{
	char digits[32], *end = digits + sizeof(digits), *start;
	unsigned long long magnitude = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;

	if (csv_room(out, CSV_NUMBER_MAX) != 0)
		return -1;
	csv_separator(out);
	*--end = (char)('0' + magnitude % 10);
	*--end = (char)('0' + magnitude / 10 % 10);
	*--end = out->decimal;
	start = digits_before(end, magnitude / 100);
	if (cents < 0)
		*--start = '-';
	end = digits + sizeof(digits);
	memcpy(out->buffer + out->length, start, (size_t)(end - start));
	out->length += (size_t)(end - start);
	return 0;
}

static void
put_digits(char *at, int value, int count)
{
	while (count-- > 0) {
		at[count] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* A day that exists, years 1 to 9999. */
static int
date_valid(int year, int month, int day)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days[month - 1])
		return 0;
	return !(month == 2 && day == 29 && (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0)));
}

/* dd/mm/yyyy or yyyy-mm-dd at out (10 bytes). */
static void
date_text(char *at, int day_first, int year, int month, int day)
{
	if (day_first) {
		put_digits(at, day, 2);
		at[2] = '/';
		put_digits(at + 3, month, 2);
		at[5] = '/';
		put_digits(at + 6, year, 4);
	} else {
		put_digits(at, year, 4);
		at[4] = '-';
		put_digits(at + 5, month, 2);
		at[7] = '-';
		put_digits(at + 8, day, 2);
	}
}

static int
csv_date(struct sheet_out *out, int year, int month, int day)
{
	if (csv_room(out, CSV_NUMBER_MAX) != 0)
		return -1;
	csv_separator(out);
	if (date_valid(year, month, day)) {
		date_text(out->buffer + out->length, out->day_first, year, month, day);
		out->length += 10;
	}
	return 0;
}

static int
csv_empty(struct sheet_out *out)
{
	if (csv_room(out, 1) != 0)
		return -1;
	csv_separator(out);
	return 0;
}

static int
csv_row_end(struct sheet_out *out)
{
	if (csv_room(out, 2) != 0)
		return -1;
	out->buffer[out->length++] = '\r';
	out->buffer[out->length++] = '\n';
	if (out->length >= SHEET_OUT_CHUNK)
		return csv_flush(out);
	return 0;
}

/* --- xlsx ------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s (at most left bytes), or 0:
 * no overlong forms, no surrogates, nothing over U+10FFFF. */
static size_t
utf8_valid(const unsigned char *s, size_t left, unsigned int *code)
{
	unsigned int c = s[0];

	if (c < 0x80) {
		*code = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && left >= 2 && (s[1] & 0xc0) == 0x80) {
		*code = (c & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && left >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*code = (c & 0x0f) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3f);
		return *code >= 0x800 && (*code < 0xd800 || *code > 0xdfff) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4 && left >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*code = (c & 0x07) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3f);
		return *code >= 0x10000 && *code <= 0x10ffff ? 4 : 0;
	}
	return 0;
}

/* "_x" and four hex digits and "_": how Excel writes a character XML
 * cannot hold, which it would decode from the text as it is. */
static int
escape_like(const unsigned char *s, size_t left)
{
	size_t i;

	if (left < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return 0;
	for (i = 2; i < 6; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* text as a C string a valid .xlsx can hold (in out->text): invalid UTF-8,
 * NUL, U+FFFE and U+FFFF (not XML characters) become U+FFFD; a "_xHHHH_"
 * in the text keeps its underscore as "_x005F_" (else Excel reads it as an
 * escape); cut to what Excel keeps. Control characters are left to
 * libxlsxwriter, which writes them as _xHHHH_. NULL when out of memory. */
static const char *
xlsx_clean(struct sheet_out *out, const unsigned char *text, size_t length)
{
	static const char replacement[] = "\xef\xbf\xbd";
	size_t i = 0, o = 0, units = 0, needed = length * 7 + 1;
	unsigned int code;

	if (needed > out->text_size) {
		char *bigger = realloc(out->text, needed);

		if (bigger == NULL)
			return NULL;
		out->text = bigger;
		out->text_size = needed;
	}
	while (i < length) {
		size_t n = utf8_valid(text + i, length - i, &code);

		units += code >= 0x10000 && n > 0 ? 2 : 1;
		if (units > XLSX_TEXT_MAX)
			break;
		if (n == 0 || code == 0 || code == 0xfffe || code == 0xffff) {
			memcpy(out->text + o, replacement, 3);
			o += 3;
			i += n > 0 ? n : 1;
		} else if (escape_like(text + i, length - i)) {
			memcpy(out->text + o, "_x005F_", 7);
			o += 7;
			i++;
		} else {
			memcpy(out->text + o, text + i, n);
			o += n;
			i += n;
		}
	}
	out->text[o] = '\0';
	return out->text;
}

/* The worksheet, made at the first cell so that sheet_out_sheet_name can
 * name it; then its column widths and the frozen header. */
static lxw_worksheet *
xlsx_worksheet(struct sheet_out *out)
{
	const char *name = out->sheet_name[0] ? out->sheet_name : NULL;

	if (out->worksheet != NULL)
		return out->worksheet;
	if (name != NULL && workbook_validate_sheet_name(out->workbook, name) != LXW_NO_ERROR)
		name = NULL;
	out->worksheet = workbook_add_worksheet(out->workbook, name);
	if (out->worksheet == NULL) {
		log_err("sheet_out: cannot add a worksheet");
		out->failed = 1;
		return NULL;
	}
	worksheet_freeze_panes(out->worksheet, 1, 0);
	return out->worksheet;
}

/* The width a column gets from its header and its type, in characters. */
static double
xlsx_width(enum sheet_out_type type, const char *header)
{
	static const double least[] = {
		12,	/* SHEET_OUT_TEXT */
		8,	/* SHEET_OUT_INTEGER */
		12,	/* SHEET_OUT_MONEY */
		11	/* SHEET_OUT_DATE */
	};
	double width = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)header; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			width++;
	width += 3;	/* the bold header and the filter arrow a person adds */
	if (width < least[type])
		width = least[type];
	return width > 50 ? 50 : width;
}

static int
xlsx_error(struct sheet_out *out, lxw_error error, const char *what)
{
	if (error == LXW_NO_ERROR)
		return 0;
	log_err("sheet_out: cannot write %s at row %lld: %s", what, out->rows + 1,
	    lxw_strerror(error));
	out->failed = 1;
	return -1;
}

/* The cell's place, or -1 when the sheet is full (Excel's last row). */
static int
xlsx_place(struct sheet_out *out)
{
	if (xlsx_worksheet(out) == NULL)
		return -1;
	if (out->rows >= LXW_ROW_MAX) {
		log_err("sheet_out: more rows than an .xlsx holds (%d)", LXW_ROW_MAX);
		out->failed = 1;
		return -1;
	}
	return 0;
}

static int
xlsx_text(struct sheet_out *out, const unsigned char *text, size_t length)
{
	const char *clean;
	lxw_format *format = out->rows == 0 ? out->header_format : NULL;

	if (xlsx_place(out) != 0)
		return -1;
	if (out->rows == 0 && out->column < out->columns && out->widths[out->column] == 0) {
		clean = xlsx_clean(out, text, length);
		if (clean == NULL)
			return xlsx_error(out, LXW_ERROR_MEMORY_MALLOC_FAILED, "a header");
		out->widths[out->column] = xlsx_width(out->types[out->column], clean);
	}
	if (length == 0)
		return 0;
	clean = xlsx_clean(out, text, length);
	if (clean == NULL)
		return xlsx_error(out, LXW_ERROR_MEMORY_MALLOC_FAILED, "a text");
	/* a line break shows only in a cell that wraps */
	if (format == NULL && memchr(text, '\n', length) != NULL)
		format = out->wrap_format;
	return xlsx_error(out, worksheet_write_string(out->worksheet, (lxw_row_t)out->rows,
	    (lxw_col_t)out->column, clean, format), "a text");
}

static int
xlsx_number(struct sheet_out *out, double value, lxw_format *format)
{
	if (xlsx_place(out) != 0)
		return -1;
	return xlsx_error(out, worksheet_write_number(out->worksheet, (lxw_row_t)out->rows,
	    (lxw_col_t)out->column, value, format), "a number");
}

/* A day as an Excel date; one before 1900 (which Excel cannot show) as
 * the text dd/mm/yyyy. */
static int
xlsx_date(struct sheet_out *out, int year, int month, int day)
{
	lxw_datetime date = { year, month, day, 0, 0, 0 };
	char text[11];

	if (!date_valid(year, month, day))
		return xlsx_place(out);
	if (year < 1900) {
		date_text(text, 1, year, month, day);
		return xlsx_text(out, (const unsigned char *)text, 10);
	}
	if (xlsx_place(out) != 0)
		return -1;
	return xlsx_error(out, worksheet_write_datetime(out->worksheet, (lxw_row_t)out->rows,
	    (lxw_col_t)out->column, &date, out->date_format), "a date");
}

/* The euro format as each language writes it: 1 234,56 € and €1,234.56
 * (Excel puts the reader's own separators for the , and the .). */
static void
xlsx_money_format(struct sheet_out *out)
{
	static const struct {
		const char *code, *symbol;
	} symbols[] = { { "EUR", "€" }, { "GBP", "£" }, { "USD", "$" }, { "CHF", "CHF" } };
	const char *symbol = out->currency;
	char code[64];
	size_t i;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (strcmp(out->currency, symbols[i].code) == 0)
			symbol = symbols[i].symbol;
	if (out->english)
		snprintf(code, sizeof(code), "\"%s\"#,##0.00", symbol);
	else
		snprintf(code, sizeof(code), "#,##0.00\\ \"%s\"", symbol);
	format_set_num_format(out->money_format, code);
}

/* Closes the worksheet's row file that libxlsxwriter closes only in
 * workbook_close: without this an abandoned export keeps its descriptor
 * and its (deleted) file's disk space until the process ends. */
static void
xlsx_forget(struct sheet_out *out)
{
	if (out->worksheet != NULL && out->worksheet->optimize_tmpfile != NULL) {
		fclose(out->worksheet->optimize_tmpfile);
		out->worksheet->optimize_tmpfile = NULL;
		out->worksheet->file = NULL;
	}
	lxw_workbook_free(out->workbook);
	out->workbook = NULL;
}

static int
xlsx_open(struct sheet_out *out, const char *tmp_dir)
{
	lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL,
		.use_zip64 = LXW_FALSE };
	size_t size = strlen(tmp_dir) + sizeof("/" SHEET_OUT_FILE_PREFIX "XXXXXX");
	int fd;

	out->path = malloc(size);
	out->widths = calloc((size_t)out->columns, sizeof(double));
	if (out->path == NULL || out->widths == NULL)
		return -1;
	snprintf(out->path, size, "%s/" SHEET_OUT_FILE_PREFIX "XXXXXX", tmp_dir);
	fd = mkstemp(out->path);
	if (fd < 0) {
		log_err("sheet_out: cannot create a file in %s: %s", tmp_dir, strerror(errno));
		free(out->path);
		out->path = NULL;
		return -1;
	}
	close(fd);
	options.tmpdir = (char *)tmp_dir;
	out->workbook = workbook_new_opt(out->path, &options);
	if (out->workbook == NULL) {
		log_err("sheet_out: cannot start the workbook %s", out->path);
		return -1;
	}
	out->header_format = workbook_add_format(out->workbook);
	out->money_format = workbook_add_format(out->workbook);
	out->date_format = workbook_add_format(out->workbook);
	out->wrap_format = workbook_add_format(out->workbook);
	if (out->header_format == NULL || out->money_format == NULL || out->date_format == NULL ||
	    out->wrap_format == NULL)
		return -1;
	format_set_bold(out->header_format);
	format_set_text_wrap(out->wrap_format);
	format_set_num_format(out->date_format, "dd/mm/yyyy");
	xlsx_money_format(out);
	return 0;
}

/* Finishes the file and hands it to the sink. */
static int
xlsx_close(struct sheet_out *out)
{
	lxw_error error;
	ssize_t got;
	int fd, status = 0, column;

	if (xlsx_worksheet(out) == NULL)
		return -1;
	for (column = 0; column < out->columns; column++)
		worksheet_set_column(out->worksheet, (lxw_col_t)column, (lxw_col_t)column,
		    out->widths[column] > 0 ? out->widths[column] :
		    xlsx_width(out->types[column], ""), NULL);
	if (out->worksheet->optimize_tmpfile != NULL &&
	    ferror(out->worksheet->optimize_tmpfile)) {
		log_err("sheet_out: cannot write the rows under %s", out->path);
		return -1;
	}
	error = workbook_close(out->workbook);
	out->workbook = NULL;
	out->worksheet = NULL;
	if (error != LXW_NO_ERROR) {
		log_err("sheet_out: cannot finish %s: %s", out->path, lxw_strerror(error));
		return -1;
	}
	fd = open(out->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_err("sheet_out: cannot read %s: %s", out->path, strerror(errno));
		return -1;
	}
	/* gone from the spool at once: whatever happens next (a client that
	 * leaves, a killed process), the file dies with its descriptor */
	unlink(out->path);
	while ((got = read(fd, out->buffer, CSV_BUFFER_SIZE)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			log_err("sheet_out: cannot read %s: %s", out->path, strerror(errno));
			status = -1;
			break;
		}
		if (out->sink(out->ctx, out->buffer, (size_t)got) != 0) {
			status = -1;
			break;
		}
	}
	close(fd);
	return status;
}

/* --- the writer -------------------------------------------------------------- */

static void
sheet_out_free(struct sheet_out *out)
{
	if (out->workbook != NULL)
		xlsx_forget(out);
	if (out->path != NULL)
		unlink(out->path);
	free(out->path);
	free(out->widths);
	free(out->text);
	free(out->buffer);
	free(out->types);
	free(out);
}

struct sheet_out *
sheet_out_open(enum sheet_out_format format, const char *language,
    const enum sheet_out_type *types, int columns, const char *tmp_dir,
    sheet_out_sink sink, void *ctx)
{
	struct sheet_out *out;

	if (format >= SHEET_OUT__MAX || columns < 1 || columns > LXW_COL_MAX || sink == NULL ||
	    (format == SHEET_OUT_XLSX && tmp_dir == NULL))
		return NULL;
	out = calloc(1, sizeof(*out));
	if (out == NULL)
		return NULL;
	out->format = format;
	out->sink = sink;
	out->ctx = ctx;
	out->columns = columns;
	out->english = language != NULL && strcmp(language, "en") == 0;
	out->separator = format == SHEET_OUT_CSV_EXCEL && !out->english ? ';' : ',';
	out->decimal = format == SHEET_OUT_CSV_EXCEL && !out->english ? ',' : '.';
	out->day_first = format == SHEET_OUT_CSV_EXCEL;
	memcpy(out->currency, "EUR", 4);
	out->types = malloc((size_t)columns * sizeof(*types));
	out->buffer = malloc(CSV_BUFFER_SIZE);
	if (out->types == NULL || out->buffer == NULL) {
		sheet_out_free(out);
		return NULL;
	}
	memcpy(out->types, types, (size_t)columns * sizeof(*types));
	if (format == SHEET_OUT_XLSX && xlsx_open(out, tmp_dir) != 0) {
		sheet_out_free(out);
		return NULL;
	}
	if (format == SHEET_OUT_CSV_EXCEL) {
		/* the BOM: without it Excel reads the file as Windows-1252 */
		memcpy(out->buffer, "\xef\xbb\xbf", 3);
		out->length = 3;
	}
	return out;
}

int
sheet_out_continue(struct sheet_out *out)
{
	if (out->format == SHEET_OUT_XLSX || out->rows > 0 || out->column > 0)
		return -1;
	/* the BOM is the file's first bytes: the other writer's */
	out->length = 0;
	/* counted as the header, for sheet_out_rows */
	out->rows = 1;
	return 0;
}

void
sheet_out_sheet_name(struct sheet_out *out, const char *name)
{
	size_t i = 0, o = 0, characters = 0;

	if (out->format != SHEET_OUT_XLSX || out->worksheet != NULL || name == NULL)
		return;
	/* Excel refuses []:*?/\ in a sheet's name and more than 31 characters */
	while (name[i] != '\0' && o + 4 < sizeof(out->sheet_name)) {
		unsigned int code;
		size_t n = utf8_valid((const unsigned char *)name + i, strlen(name + i), &code);

		if (n == 0 || characters == LXW_SHEETNAME_MAX)
			break;
		if (code < 0x20 || (code < 0x80 && strchr("[]:*?/\\", (int)code) != NULL)) {
			out->sheet_name[o++] = ' ';
		} else {
			memcpy(out->sheet_name + o, name + i, n);
			o += n;
		}
		i += n;
		characters++;
	}
	out->sheet_name[o] = '\0';
}

void
sheet_out_currency(struct sheet_out *out, const char *currency)
{
	size_t i;

	if (currency == NULL || strlen(currency) != 3)
		return;
	for (i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z')
			return;
	memcpy(out->currency, currency, 4);
	if (out->format == SHEET_OUT_XLSX && out->money_format != NULL)
		xlsx_money_format(out);
}

/* Whether a cell may be written now; a cell past the row's last column is
 * a mistake of the caller's. */
static int
cell_begin(struct sheet_out *out)
{
	if (out->failed)
		return -1;
	if (out->column >= out->columns) {
		log_err("sheet_out: a row of more than %d cells", out->columns);
		out->failed = 1;
		return -1;
	}
	return 0;
}

/* Counts the cell written (status 0). */
static int
cell_end(struct sheet_out *out, int status)
{
	if (status == 0)
		out->column++;
	return status;
}

int
sheet_out_text(struct sheet_out *out, const char *text, size_t length)
{
	if (cell_begin(out) != 0)
		return -1;
	if (text == NULL) {
		text = "";
		length = 0;
	}
	if (out->format == SHEET_OUT_XLSX)
		return cell_end(out, xlsx_text(out, (const unsigned char *)text, length));
	return cell_end(out, csv_text(out, (const unsigned char *)text, length));
}

int
sheet_out_integer(struct sheet_out *out, long long value)
{
	if (cell_begin(out) != 0)
		return -1;
	if (out->format == SHEET_OUT_XLSX)
		return cell_end(out, xlsx_number(out, (double)value, NULL));
	return cell_end(out, csv_integer(out, value));
}

int
sheet_out_money(struct sheet_out *out, long long cents)
{
	if (cell_begin(out) != 0)
		return -1;
	if (out->format == SHEET_OUT_XLSX)
		return cell_end(out, xlsx_number(out, (double)cents / 100.0, out->money_format));
	return cell_end(out, csv_money(out, cents));
}

int
sheet_out_date(struct sheet_out *out, int year, int month, int day)
{
	if (cell_begin(out) != 0)
		return -1;
	if (out->format == SHEET_OUT_XLSX)
		return cell_end(out, xlsx_date(out, year, month, day));
	return cell_end(out, csv_date(out, year, month, day));
}

int
sheet_out_empty(struct sheet_out *out)
{
	if (cell_begin(out) != 0)
		return -1;
	if (out->format == SHEET_OUT_XLSX)
		return cell_end(out, xlsx_text(out, (const unsigned char *)"", 0));
	return cell_end(out, csv_empty(out));
}

int
sheet_out_row_end(struct sheet_out *out)
{
	if (out->failed)
		return -1;
	if (out->format == SHEET_OUT_XLSX) {
		if (out->worksheet != NULL && out->worksheet->optimize_tmpfile != NULL &&
		    ferror(out->worksheet->optimize_tmpfile)) {
			log_err("sheet_out: cannot write the rows under %s", out->path);
			out->failed = 1;
			return -1;
		}
	} else if (csv_row_end(out) != 0) {
		return -1;
	}
	out->column = 0;
	out->rows++;
	return 0;
}

void
sheet_out_width(struct sheet_out *out, int column, double width)
{
	if (out->format == SHEET_OUT_XLSX && column >= 0 && column < out->columns && width > 0)
		out->widths[column] = width > 255 ? 255 : width;
}

int
sheet_out_close(struct sheet_out *out)
{
	int status = out->failed ? -1 : 0;

	if (status == 0 && out->column > 0)
		status = sheet_out_row_end(out);
	if (status == 0)
		status = out->format == SHEET_OUT_XLSX ? xlsx_close(out) : csv_flush(out);
	sheet_out_free(out);
	return status;
}

void
sheet_out_abandon(struct sheet_out *out)
{
	if (out != NULL)
		sheet_out_free(out);
}

long long
sheet_out_rows(const struct sheet_out *out)
{
	return out->rows;
}
