/* Unit tests for fcgi/lib/sheet.c: the files a shop really has, written
 * to a scratch folder and read back through sheet_open/sheet_next, each
 * row compared as "line:field|field|..." (with "!flags" after the line
 * when the row is flagged); the .xlsx fixtures come from
 * tests/fixtures/import/make-xlsx.py; pasted lists through
 * sheet_paste_write. */
#include <config.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/sheet.h"
#include "tap.h"

static char folder[] = "/tmp/test-sheet-XXXXXX";
static char path[256];
static const char *srcdir = ".";

static void
write_file(const char *bytes, size_t length)
{
	FILE *file = fopen(path, "wb");

	if (file == NULL || fwrite(bytes, 1, length, file) != length || fclose(file) != 0) {
		perror(path);
		exit(2);
	}
}

/* Every row of the file at file_path as text (malloc'd), or NULL when
 * sheet_open refused it (its status in *status). A read that fails
 * half-way ends the text with "error:<status>". */
static char *
read_rows(const char *file_path, const struct sheet_options *options, enum sheet_status *status,
    struct sheet_options *found)
{
	struct sheet *sheet;
	struct sheet_row row;
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int result;

	*status = sheet_open(file_path, options, &sheet, found);
	if (*status != SHEET_OK)
		return NULL;
	out = open_memstream(&text, &size);
	while ((result = sheet_next(sheet, &row)) == 1) {
		int i;

		fprintf(out, "%lld", row.line);
		if (row.flags)
			fprintf(out, "!%u", row.flags);
		fputc(':', out);
		for (i = 0; i < row.count; i++) {
			fprintf(out, "%s%s", i ? "|" : "", row.fields[i]);
			if (strlen(row.fields[i]) != row.lengths[i])
				fputs("<length>", out);
		}
		fputc('\n', out);
	}
	if (result < 0)
		fprintf(out, "error:%s\n", sheet_status_names[sheet_status(sheet)]);
	fclose(out);
	sheet_close(sheet);
	return text;
}

/* --- CSV: a table of small files ------------------------------------------ */

struct csv_case {
	const char *name;
	const char *bytes;
	size_t length;			/* 0: strlen(bytes) */
	struct sheet_options options;
	enum sheet_status status;
	const char *rows;		/* when SHEET_OK */
	char separator;			/* found, when not 0 */
	enum sheet_encoding encoding;	/* found, when not DETECT */
};

#define PADDING "name,email,notes,city,country\nalice,alice@example.com,first customer of the shop,Lyon,France\n"

static const struct csv_case csv_cases[] = {
	{ "quoted fields keep separators, doubled quotes and line breaks",
	  "a,\"b,c\",\"say \"\"hi\"\"\",\"multi\nline\"\nx,y\n", 0, { 0 }, SHEET_OK,
	  "1:a|b,c|say \"hi\"|multi\nline\n2:x|y\n", ',', SHEET_UTF8 },
	{ "CRLF line ends", "a,b\r\nc,d\r\n", 0, { 0 }, SHEET_OK, "1:a|b\n2:c|d\n", 0, 0 },
	{ "CR line ends", "a,b\rc,d\r", 0, { 0 }, SHEET_OK, "1:a|b\n2:c|d\n", 0, 0 },
	{ "mixed line ends, no end at the end", "a,b\r\nc,d\ne,f\rg,h", 0, { 0 }, SHEET_OK,
	  "1:a|b\n2:c|d\n3:e|f\n4:g|h\n", 0, 0 },
	{ "a CR inside quotes is text, and starts no row", "\"a\rb\",c\r\nd,e\r\n", 0, { 0 }, SHEET_OK,
	  "1:a\rb|c\n2:d|e\n", 0, 0 },
	{ "line breaks in a cell are its text: the rows are numbered as a spreadsheet shows them",
	  "a,b\n\"1 rue\nBât. B\r\n2e étage\",x\n\nc,d\n", 0, { 0 }, SHEET_OK,
	  "1:a|b\n2:1 rue\nBât. B\r\n2e étage|x\n4:c|d\n", 0, SHEET_UTF8 },
	{ "blank lines skipped, line numbers kept", "\n\na,b\n\n\r\n  \nc,d\n", 0, { 0 }, SHEET_OK,
	  "3:a|b\n7:c|d\n", 0, 0 },
	{ "trailing empty fields dropped, inner ones kept", "a,b,,,\nc,,d,,\n", 0, { 0 }, SHEET_OK,
	  "1:a|b\n2:c||d\n", 0, 0 },
	{ "a line of separators only is blank", "a;b\n;;;\nc;d\n", 0, { 0 }, SHEET_OK,
	  "1:a|b\n3:c|d\n", ';', 0 },
	{ "spaces around unquoted fields trimmed", "  a  ,  b c  \n", 0, { 0 }, SHEET_OK, "1:a|b c\n", 0, 0 },
	{ "header only", "Nom,E-mail\n", 0, { 0 }, SHEET_OK, "1:Nom|E-mail\n", 0, 0 },
	{ "empty file", "", 0, { 0 }, SHEET_EMPTY, NULL, 0, 0 },
	{ "blank lines only", "\n\r\n \n", 0, { 0 }, SHEET_EMPTY, NULL, 0, 0 },
	{ "a BOM alone", "\xef\xbb\xbf", 0, { 0 }, SHEET_EMPTY, NULL, 0, 0 },
	{ "a UTF-16 BOM alone", "\xff\xfe", 2, { 0 }, SHEET_EMPTY, NULL, 0, 0 },
	{ "a stray NUL byte is dropped and flags its row",
	  PADDING "b\0ob,bob@example.com,x,Paris,France\n", sizeof(PADDING "b\0ob,bob@example.com,x,Paris,France\n") - 1,
	  { 0 }, SHEET_OK,
	  "1:name|email|notes|city|country\n2:alice|alice@example.com|first customer of the shop|Lyon|France\n"
	  "3!4:bob|bob@example.com|x|Paris|France\n", ',', SHEET_UTF8 },
	{ "a NUL at the very end flags the last row", PADDING "zoe,z@b.fr\0", sizeof(PADDING "zoe,z@b.fr\0") - 1,
	  { 0 }, SHEET_OK,
	  "1:name|email|notes|city|country\n2:alice|alice@example.com|first customer of the shop|Lyon|France\n"
	  "3!4:zoe|z@b.fr\n", ',', 0 },
	{ "NUL-filled bytes are not a sheet", "\0\0\0\0a,b\0\0", 10, { 0 }, SHEET_NOT_A_SHEET, NULL, 0, 0 },
	{ "a PNG is not a sheet", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, { 0 }, SHEET_NOT_A_SHEET, NULL, 0, 0 },
	{ "a PDF is not a sheet", "%PDF-1.4\n", 0, { 0 }, SHEET_NOT_A_SHEET, NULL, 0, 0 },
	{ "invalid UTF-8 said to be UTF-8: U+FFFD and the row flagged", "a,b\nc\xff,d\n\xc3\xa9,e\n", 0,
	  { SHEET_FORMAT_DETECT, SHEET_UTF8, 0, 0 }, SHEET_OK,
	  "1:a|b\n2!4:c\xef\xbf\xbd|d\n3:\xc3\xa9|e\n",
	  ',', SHEET_UTF8 },
	{ "a cut UTF-8 sequence at the end said to be UTF-8", "a,b\xc3", 0,
	  { SHEET_FORMAT_DETECT, SHEET_UTF8, 0, 0 }, SHEET_OK, "1!4:a|b\xef\xbf\xbd\n", 0, 0 },
	{ "invalid UTF-8 with nothing said: read as Windows-1252", "a,b\nc\xff,d\n", 0, { 0 }, SHEET_OK,
	  "1:a|b\n2:c\xc3\xbf|d\n", ',', SHEET_WINDOWS_1252 },
	{ "bytes Windows-1252 leaves undefined: U+FFFD and the row flagged", "a,b\n\x81x,d\n", 0, { 0 }, SHEET_OK,
	  "1:a|b\n2!4:\xef\xbf\xbdx|d\n", ',', SHEET_WINDOWS_1252 },
	{ "pipe separator", "a|b|c\nd|e|f\n", 0, { 0 }, SHEET_OK, "1:a|b|c\n2:d|e|f\n", '|', 0 },
	{ "tab separator", "a\tb\tc\nd\te\tf\n", 0, { 0 }, SHEET_OK, "1:a|b|c\n2:d|e|f\n", '\t', 0 },
	{ "separator: the count most lines share wins over a bigger one",
	  "nom;mail;note\nx;y;a,b,c,d\nz;w;e\nq;r;f,g\n", 0, { 0 }, SHEET_OK,
	  "1:nom|mail|note\n2:x|y|a,b,c,d\n3:z|w|e\n4:q|r|f,g\n", ';', 0 },
	{ "separator: a tie goes to the first of the list", "a,b;c\n", 0, { 0 }, SHEET_OK, "1:a|b;c\n", ',', 0 },
	{ "separator: those inside quotes do not count", "\"a;b;c\",d\n\"e;f;g\",h\n", 0, { 0 }, SHEET_OK,
	  "1:a;b;c|d\n2:e;f;g|h\n", ',', 0 },
	{ "separator: none found means a comma (one column)", "a@b.fr\nc@d.fr\n", 0, { 0 }, SHEET_OK,
	  "1:a@b.fr\n2:c@d.fr\n", ',', 0 },
	{ "separator: a file of one line without its end", "a;b;c", 0, { 0 }, SHEET_OK, "1:a|b|c\n", ';', 0 },
	{ "a forced separator wins", "a,b;c\n", 0, { SHEET_FORMAT_DETECT, SHEET_ENCODING_DETECT, ';', 0 },
	  SHEET_OK, "1:a,b|c\n", ';', 0 },
	{ "UTF-16LE without a BOM when said", "a\0,\0b\0\n\0", 8, { SHEET_FORMAT_DETECT, SHEET_UTF16LE, 0, 0 },
	  SHEET_OK, "1:a|b\n", ',', SHEET_UTF16LE },
	{ "UTF-16LE with an odd byte at the end", "\xff\xfe" "a\0,\0b\0c", 9, { 0 }, SHEET_OK,
	  "1!4:a|b\xef\xbf\xbd\n", ',', SHEET_UTF16LE },
	{ "UTF-16BE with a lone surrogate", "\xfe\xff" "\0a\0,\xd8\0\0b\0\n", 12, { 0 }, SHEET_OK,
	  "1!4:a|\xef\xbf\xbd" "b\n", ',', SHEET_UTF16BE },
	{ "an unclosed quote runs to the end", "a,\"bc\nd", 0, { 0 }, SHEET_OK, "1:a|bc\nd\n", 0, 0 },
	{ "a zip read as CSV when said so", "PK\x03\x04,x\n", 0, { SHEET_CSV, SHEET_ENCODING_DETECT, 0, 0 },
	  SHEET_OK, "1:PK\x03\x04|x\n", 0, 0 },
	{ "a stray quote inside an unquoted field is text", "a\"b,c\n", 0, { 0 }, SHEET_OK, "1:a\"b|c\n", 0, 0 },
};

static void
test_csv_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
		const struct csv_case *c = &csv_cases[i];
		struct sheet_options found = { 0 };
		enum sheet_status status;
		char *rows;
		char name[256];

		write_file(c->bytes, c->length ? c->length : strlen(c->bytes));
		rows = read_rows(path, &c->options, &status, &found);
		snprintf(name, sizeof(name), "%s: status %s", c->name, sheet_status_names[c->status]);
		ok(status == c->status, name);
		if (status != c->status)
			printf("#   got %s\n", sheet_status_names[status]);
		if (c->status == SHEET_OK) {
			snprintf(name, sizeof(name), "%s: rows", c->name);
			is_str(rows, c->rows, name);
			ok(found.format == SHEET_CSV, "a CSV is found to be a CSV");
		}
		if (c->separator) {
			snprintf(name, sizeof(name), "%s: separator '%c'", c->name, c->separator);
			ok(found.separator == c->separator, name);
		}
		if (c->encoding) {
			snprintf(name, sizeof(name), "%s: encoding %s", c->name, sheet_encoding_names[c->encoding]);
			ok(found.encoding == c->encoding, name);
		}
		free(rows);
	}
}

/* --- every encoding with every separator, accents intact ------------------ */

static const struct {
	const char *name;
	enum sheet_encoding encoding;	/* iconv writes the file in it */
	const char *bom;
	size_t bom_length;
	int forced;			/* ISO-8859-15 is never guessed */
} encoding_cases[] = {
	{ "UTF-8", SHEET_UTF8, "", 0, 0 },
	{ "UTF-8 with BOM", SHEET_UTF8, "\xef\xbb\xbf", 3, 0 },
	{ "UTF-16LE with BOM", SHEET_UTF16LE, "\xff\xfe", 2, 0 },
	{ "UTF-16BE with BOM", SHEET_UTF16BE, "\xfe\xff", 2, 0 },
	{ "Windows-1252", SHEET_WINDOWS_1252, "", 0, 0 },
	{ "ISO-8859-15 (said)", SHEET_ISO_8859_15, "", 0, 1 },
};

static const char *const iconv_names[SHEET_ENCODING__MAX] = {
	NULL, "UTF-8", "UTF-16LE", "UTF-16BE", "WINDOWS-1252", "ISO-8859-15", "MACINTOSH",
};

/* text (UTF-8) in encoding, after bom; returns the length. */
static size_t
encode(const char *text, enum sheet_encoding encoding, const char *bom, size_t bom_length, char *out,
    size_t size)
{
	iconv_t cd = iconv_open(iconv_names[encoding], "UTF-8");
	char *in = (char *)text, *to = out + bom_length;
	size_t in_left = strlen(text), out_left = size - bom_length;

	memcpy(out, bom, bom_length);
	if (cd == (iconv_t)-1 || iconv(cd, &in, &in_left, &to, &out_left) == (size_t)-1) {
		perror("iconv");
		exit(2);
	}
	iconv_close(cd);
	return (size_t)(to - out);
}

static void
test_encodings_and_separators(void)
{
	static const char separators[] = SHEET_SEPARATORS;
	size_t e, s;

	for (e = 0; e < sizeof(encoding_cases) / sizeof(encoding_cases[0]); e++)
		for (s = 0; s < sizeof(separators) - 1; s++) {
			/* ’ has no place in ISO-8859-15: an apostrophe there */
			const char *quote = encoding_cases[e].encoding == SHEET_ISO_8859_15 ? "'" : "\xe2\x80\x99";
			char text[512], want[512], bytes[2048], name[256];
			struct sheet_options options = { 0 }, found = { 0 };
			enum sheet_status status;
			char sep = separators[s];
			size_t length;
			char *rows;

			snprintf(text, sizeof(text),
			    "Pr\xc3\xa9nom%cNom%cE-mail%cNotes\r\n"
			    "\xc3\x89lodie%cMartin%ce.martin@b.fr%c\"fran\xc3\xa7" "aise, 12 \xe2\x82\xac%cl%s\xc5\x93uvre\"\r\n"
			    "H\xc3\xa9l\xc3\xa8ne%cL%sHerm\xc3\xa8s%ch@b.fr%c\xc5\x92uf\r\n",
			    sep, sep, sep, sep, sep, sep, sep, quote, sep, quote, sep, sep);
			snprintf(want, sizeof(want),
			    "1:Pr\xc3\xa9nom|Nom|E-mail|Notes\n"
			    "2:\xc3\x89lodie|Martin|e.martin@b.fr|fran\xc3\xa7" "aise, 12 \xe2\x82\xac%cl%s\xc5\x93uvre\n"
			    "3:H\xc3\xa9l\xc3\xa8ne|L%sHerm\xc3\xa8s|h@b.fr|\xc5\x92uf\n", sep, quote, quote);
			length = encode(text, encoding_cases[e].encoding, encoding_cases[e].bom,
			    encoding_cases[e].bom_length, bytes, sizeof(bytes));
			write_file(bytes, length);
			if (encoding_cases[e].forced)
				options.encoding = encoding_cases[e].encoding;
			rows = read_rows(path, &options, &status, &found);
			snprintf(name, sizeof(name), "%s, separator 0x%02x: accents intact", encoding_cases[e].name,
			    (unsigned)sep);
			is_str(rows, want, name);
			snprintf(name, sizeof(name), "%s, separator 0x%02x: found as such", encoding_cases[e].name,
			    (unsigned)sep);
			ok(found.encoding == encoding_cases[e].encoding && found.separator == sep, name);
			free(rows);
		}
}

/* Excel's "CSV (Macintosh)": Mac Roman, lines ended by CR alone, found as
 * such; the same bytes ended by CR LF are Windows-1252's as before, and
 * Mac Roman said reads them right. */
static void
test_mac_roman(void)
{
	const char *text = "Pr\xc3\xa9nom;Nom;E-mail\r\xc3\x89lodie;No\xc3\xabl;e@b.fr\r"
	    "H\xc3\xa9l\xc3\xa8ne;Dupr\xc3\xa9 \xe2\x80\x99\xc5\x93uvre \xe2\x82\xac;h@b.fr\r";
	const char *want = "1:Pr\xc3\xa9nom|Nom|E-mail\n2:\xc3\x89lodie|No\xc3\xabl|e@b.fr\n"
	    "3:H\xc3\xa9l\xc3\xa8ne|Dupr\xc3\xa9 \xe2\x80\x99\xc5\x93uvre \xe2\x82\xac|h@b.fr\n";
	struct sheet_options options = { 0 }, found = { 0 };
	enum sheet_status status;
	char bytes[512];
	size_t length, i;
	char *rows;

	length = encode(text, SHEET_MAC_ROMAN, "", 0, bytes, sizeof(bytes));
	write_file(bytes, length);
	rows = read_rows(path, NULL, &status, &found);
	is_str(rows, want, "Mac Roman, lines ended by CR: accents intact (\xc3\x89, \xc3\xa8, \xc5\x93, \xe2\x82\xac)");
	ok(found.encoding == SHEET_MAC_ROMAN, "Mac Roman, lines ended by CR: found as such");
	free(rows);

	/* the same bytes with CR LF: no longer a Mac's, Windows-1252 is guessed */
	{
		char crlf[600];
		size_t n = 0;

		for (i = 0; i < length; i++) {
			crlf[n++] = bytes[i];
			if (bytes[i] == '\r')
				crlf[n++] = '\n';
		}
		write_file(crlf, n);
		rows = read_rows(path, NULL, &status, &found);
		ok(found.encoding == SHEET_WINDOWS_1252, "Mac Roman bytes, lines ended by CR LF: Windows-1252 guessed");
		free(rows);
		options.encoding = SHEET_MAC_ROMAN;
		rows = read_rows(path, &options, &status, &found);
		is_str(rows, want, "Mac Roman said, lines ended by CR LF: accents intact");
		free(rows);
	}
}

/* --- sizes: many columns, a huge field ------------------------------------ */

static void
test_many_columns(void)
{
	FILE *file = fopen(path, "wb");
	struct sheet *sheet;
	struct sheet_row row;
	int i;

	for (i = 0; i < 100000; i++)
		fprintf(file, "%sc%d", i ? "," : "", i);
	fputs("\nx,y\n", file);
	fclose(file);
	ok(sheet_open(path, NULL, &sheet, NULL) == SHEET_OK, "100,000 columns: opened");
	ok(sheet_next(sheet, &row) == 1 && row.count == SHEET_COLUMNS_MAX &&
	    (row.flags & SHEET_ROW_TOO_MANY_COLUMNS) && strcmp(row.fields[SHEET_COLUMNS_MAX - 1], "c255") == 0,
	    "100,000 columns: the first SHEET_COLUMNS_MAX kept, the row flagged");
	ok(sheet_next(sheet, &row) == 1 && row.line == 2 && row.count == 2 && row.flags == 0 &&
	    strcmp(row.fields[1], "y") == 0, "100,000 columns: the next row is whole");
	ok(sheet_next(sheet, &row) == 0, "100,000 columns: then the end");
	sheet_close(sheet);
}

/* Trailing empty columns past the limit are no lost data. */
static void
test_trailing_separators(void)
{
	FILE *file = fopen(path, "wb");
	struct sheet *sheet;
	struct sheet_row row;
	int i;

	fputs("a,b", file);
	for (i = 0; i < 1000; i++)
		fputc(',', file);
	fputs("\n", file);
	fclose(file);
	ok(sheet_open(path, NULL, &sheet, NULL) == SHEET_OK && sheet_next(sheet, &row) == 1 && row.count == 2 &&
	    row.flags == 0, "1,000 trailing separators: two fields, the row not flagged");
	ok(sheet_next(sheet, &row) == 0 && sheet_next(sheet, &row) == 0 && sheet_status(sheet) == SHEET_OK,
	    "at the end, the end again, and no error");
	sheet_close(sheet);
}

/* The reader works in blocks of 64 KiB: a CR and its LF in two blocks
 * still end one line. */
static void
test_crlf_across_blocks(void)
{
	FILE *file = fopen(path, "wb");
	enum sheet_status status;
	char *rows;
	int i;

	fputs("a,", file);
	for (i = 2; i < 65535; i++)
		fputc('b', file);
	fputs("\r\nx,y\r\n", file);
	fclose(file);
	rows = read_rows(path, NULL, &status, NULL);
	ok(rows != NULL && strstr(rows, "\n2:x|y\n") != NULL, "a CRLF cut between two blocks ends one line");
	free(rows);
}

/* Whether text[0..length) is valid UTF-8 (as glibc reads it). */
static int
valid_utf8(const char *text, size_t length)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-8");
	char buffer[4096], *in = (char *)text;
	size_t in_left = length;
	int valid = 1;

	while (in_left > 0) {
		char *out = buffer;
		size_t out_left = sizeof(buffer);

		if (iconv(cd, &in, &in_left, &out, &out_left) == (size_t)-1 && errno != E2BIG) {
			valid = 0;
			break;
		}
	}
	iconv_close(cd);
	return valid;
}

static void
test_huge_fields(void)
{
	FILE *file = fopen(path, "wb");
	struct sheet *sheet;
	struct sheet_row row;
	long i;

	/* unquoted: 10 MB of "é"; quoted: 10 MB with doubled quotes and line breaks */
	/* line 1 */
	fputs("a,", file);
	for (i = 0; i < 5 * 1024 * 1024; i++)
		fputs("\xc3\xa9", file);
	fputs(",b\nc,\"", file);	/* line 2, then one line break per piece */
	for (i = 0; i < 1024 * 1024; i++)
		fputs("x\"\"y\nzzzz", file);
	fputs("\",d\ne,f\n", file);
	fclose(file);
	ok(sheet_open(path, NULL, &sheet, NULL) == SHEET_OK, "10 MB fields: opened");
	ok(sheet_next(sheet, &row) == 1 && row.count == 3 && (row.flags & SHEET_ROW_FIELD_TOO_LONG) &&
	    row.lengths[1] <= SHEET_FIELD_MAX && row.lengths[1] > SHEET_FIELD_MAX - 4 &&
	    valid_utf8(row.fields[1], row.lengths[1]) && strcmp(row.fields[2], "b") == 0,
	    "a 10 MB field is cut at SHEET_FIELD_MAX on a character, the row flagged, the next field kept");
	ok(sheet_next(sheet, &row) == 1 && row.line == 2 && row.count == 3 &&
	    (row.flags & SHEET_ROW_FIELD_TOO_LONG) && row.lengths[1] <= SHEET_FIELD_MAX &&
	    strncmp(row.fields[1], "x\"y\nzzzzx\"y\n", 12) == 0 && strcmp(row.fields[2], "d") == 0,
	    "a 10 MB quoted field with quotes and line breaks is cut, the next field kept");
	ok(sheet_next(sheet, &row) == 1 && row.line == 3 && row.flags == 0 &&
	    strcmp(row.fields[0], "e") == 0, "after 10 MB fields the next row is whole, its row right");
	sheet_close(sheet);
}

/* --- xlsx ------------------------------------------------------------------ */

static char *
fixture(const char *name)
{
	static char fixture_path[512];

	snprintf(fixture_path, sizeof(fixture_path), "%s/tests/fixtures/import/%s", srcdir, name);
	return fixture_path;
}

static void
test_xlsx(void)
{
	struct sheet_options found = { 0 }, options = { 0 };
	enum sheet_status status;
	struct sheet *sheet;
	struct sheet_row row;
	char *rows;

	rows = read_rows(fixture("basic.xlsx"), NULL, &status, &found);
	ok(status == SHEET_OK && found.format == SHEET_XLSX, "xlsx: found to be an xlsx");
	is_str(rows,
	    "1:Pr\xc3\xa9nom|Nom|E-mail|Inscrit le|Points|Actif\n"
	    "2:\xc3\x89lodie|Martin|e.martin@b.fr|2024-01-01|12|1\n"
	    "4:\xc5\x92" "dipe \xe2\x80\x99\xc3\xa7" "a\xe2\x80\x99 \xe2\x82\xac||e.martin@b.fr|2024-01-01 12:00:00|3.25|0|#N/A\n"
	    "6:Pr\xc3\xa9nom|sans ref|2024-03-10 08:30:00|ligne 1\r\nligne 2 _x0041_ \xc3\xa9\n",
	    "xlsx: the first sheet of the workbook, shared and inline strings, numbers, booleans, dates, gaps, escapes");
	free(rows);

	rows = read_rows(fixture("prefixed.xlsx"), NULL, &status, &found);
	is_str(rows, "1:E-mail\n2:a@b.fr||7\n", "xlsx: prefixed names, no relations: sheet1.xml is read");
	free(rows);

	rows = read_rows(fixture("date1904.xlsx"), NULL, &status, &found);
	is_str(rows, "1:1904-01-01|2024-01-01\n", "xlsx: dates of a workbook in the 1904 system");
	free(rows);

	rows = read_rows(fixture("numbers.xlsx"), NULL, &status, &found);
	is_str(rows, "1:595.44|99.24|0.3|-7.1|12|3.25|123456789012.346|12345678901234567890|1.5E-05|"
	    "0.123456789012346\n",
	    "xlsx: numbers as Excel shows them, to 15 significant digits (a double's 16th and 17th "
	    "digits dropped: 595.4400000000001 is 595.44); whole numbers and exponents as written");
	free(rows);

	/* what Excel shows: 01000 and 06 12 34 56 78 typed into cells of
	 * those formats are stored as 1000 and 612345678; 10,13 € is stored
	 * 10.125 (a price with VAT), which the import's money reading would
	 * take for ten thousand */
	rows = read_rows(fixture("formats.xlsx"), NULL, &status, &found);
	is_str(rows, "1:01000|06 12 34 56 78|10.13|10.13|-10.13|2.5|10|10|1234567|0.125|123456|"
	    "00013|10.125|0|336 12 34 56 78|1234.5|5551234\n",
	    "xlsx: numbers as their formats show them: zeros a format writes first, decimals "
	    "rounded half away from zero; a thousands' scaling, a percentage, a condition and "
	    "General as written");
	free(rows);

	rows = read_rows(fixture("entities.xlsx"), NULL, &status, &found);
	ok(status == SHEET_XLSX_BROKEN && rows == NULL, "xlsx: a sheet with a DTD (nested entities) is refused");

	rows = read_rows(fixture("long-token.xlsx"), NULL, &status, &found);
	is_str(rows, "1:E-mail\nerror:xlsx_broken\n", "xlsx: an attribute of 8 MiB stops the reading as broken");
	free(rows);

	rows = read_rows(fixture("not-xlsx.zip"), NULL, &status, &found);
	ok(status == SHEET_NOT_A_SHEET && rows == NULL, "a zip that is no xlsx is not a sheet");

	rows = read_rows(fixture("broken.xlsx"), NULL, &status, &found);
	is_str(rows, "1:E-mail\nerror:xlsx_broken\n", "xlsx: a sheet whose XML breaks: its rows, then broken");
	free(rows);

	options.unpacked_max = 1024 * 1024;
	rows = read_rows(fixture("bomb.xlsx"), &options, &status, &found);
	ok(status == SHEET_TOO_LARGE && rows == NULL, "zip bomb: refused at once from its declared size");

	rows = read_rows(fixture("bomb-lying.xlsx"), &options, &status, &found);
	is_str(rows, "1:E-mail\nerror:too_large\n", "zip bomb lying about its size: stopped as it unpacks");
	free(rows);

	ok(sheet_open(fixture("bomb.xlsx"), NULL, &sheet, NULL) == SHEET_OK && sheet_next(sheet, &row) == 1 &&
	    sheet_next(sheet, &row) == 1 && row.lengths[0] == SHEET_FIELD_MAX &&
	    row.flags == SHEET_ROW_FIELD_TOO_LONG && sheet_next(sheet, &row) == 0,
	    "the same sheet under the default limit is read, its 4 MiB cell cut and flagged");
	sheet_close(sheet);

	ok(sheet_open(fixture("basic.xlsx"), NULL, &sheet, NULL) == SHEET_OK && sheet_next(sheet, &row) == 1 &&
	    row.number == 1 && sheet_next(sheet, &row) == 1 && row.number == 2 && row.line == 2,
	    "xlsx: rows are numbered as given, lines are the sheet's");
	sheet_close(sheet);

	/* a zip cut short is a broken xlsx, not "not a sheet" */
	{
		FILE *file = fopen(fixture("basic.xlsx"), "rb");
		char bytes[8192];
		size_t length = fread(bytes, 1, sizeof(bytes), file);

		fclose(file);
		write_file(bytes, length / 2);
		rows = read_rows(path, NULL, &status, &found);
		ok(status == SHEET_XLSX_BROKEN, "an xlsx cut in half is broken");
	}
}

/* --- pasted lists ----------------------------------------------------------- */

static const struct {
	const char *name;
	const char *text;
	long long rows;
	const char *csv;	/* after the header */
} paste_cases[] = {
	{ "bare", "a@b.fr", 1, "\"\",\"a@b.fr\"\n" },
	{ "named", "\xc3\x89lodie Martin <e.martin@b.fr>", 1, "\"\xc3\x89lodie Martin\",\"e.martin@b.fr\"\n" },
	{ "quoted name with a comma", "\"Martin, \xc3\x89lodie\" <e.martin@b.fr>", 1,
	  "\"Martin, \xc3\x89lodie\",\"e.martin@b.fr\"\n" },
	{ "separated by , ; spaces and lines",
	  "a@b.fr, b@c.fr;c@d.fr\nd@e.fr  e@f.fr\r\n\tf@g.fr", 6,
	  "\"\",\"a@b.fr\"\n\"\",\"b@c.fr\"\n\"\",\"c@d.fr\"\n\"\",\"d@e.fr\"\n\"\",\"e@f.fr\"\n\"\",\"f@g.fr\"\n" },
	{ "a mail program's To: line",
	  "\"Martin, \xc3\x89lodie\" <e.martin@b.fr>, Jean Dupont <jean@d.fr>; <nu@x.fr>", 3,
	  "\"Martin, \xc3\x89lodie\",\"e.martin@b.fr\"\n\"Jean Dupont\",\"jean@d.fr\"\n\"\",\"nu@x.fr\"\n" },
	{ "a name before a bare address", "Jean Dupont jean@d.fr", 1, "\"Jean Dupont\",\"jean@d.fr\"\n" },
	{ "garbage becomes a row without an address", "bonjour, a@b.fr, @ foo@", 3,
	  "\"bonjour\",\"\"\n\"\",\"a@b.fr\"\n\"@ foo@\",\"\"\n" },
	{ "not an address between brackets", "<pas une adresse>", 1, "\"pas une adresse\",\"\"\n" },
	{ "mailto: dropped", "<mailto:a@b.fr>", 1, "\"\",\"a@b.fr\"\n" },
	{ "escaped quotes in a name", "\"Le \\\"Chef\\\"\" <c@d.fr>", 1, "\"Le \"\"Chef\"\"\",\"c@d.fr\"\n" },
	{ "a formula-like name stays text", "=SUM(A1) <s@d.fr>", 1, "\"=SUM(A1)\",\"s@d.fr\"\n" },
	{ "nothing", " \n ,; ", 0, "" },
	{ "an unclosed quote", "\"Martin <m@d.fr>", 1, "\"Martin <m@d.fr>\",\"\"\n" },
};

static void
test_paste(void)
{
	size_t i;

	for (i = 0; i < sizeof(paste_cases) / sizeof(paste_cases[0]); i++) {
		char *text = NULL, want[1024], name[256];
		size_t size = 0;
		FILE *out = open_memstream(&text, &size);
		long long rows = sheet_paste_write(paste_cases[i].text, "Name", "E-mail", out);

		fclose(out);
		snprintf(want, sizeof(want), "\"Name\",\"E-mail\"\n%s", paste_cases[i].csv);
		snprintf(name, sizeof(name), "paste, %s: the CSV", paste_cases[i].name);
		is_str(text, want, name);
		snprintf(name, sizeof(name), "paste, %s: %lld rows", paste_cases[i].name, paste_cases[i].rows);
		ok(rows == paste_cases[i].rows, name);
		free(text);
	}
}

static void
test_paste_read_back(void)
{
	FILE *out = fopen(path, "wb");
	enum sheet_status status;
	char *rows;

	sheet_paste_write("\"Martin, \xc3\x89lodie\" <e.martin@b.fr>\nbonjour", "Nom complet",
	    "Adresse e-mail", out);
	fclose(out);
	rows = read_rows(path, NULL, &status, NULL);
	is_str(rows, "1:Nom complet|Adresse e-mail\n2:Martin, \xc3\x89lodie|e.martin@b.fr\n3:bonjour\n",
	    "a pasted list is read back by the reader like any file");
	free(rows);
}

int
main(void)
{
	if (getenv("FIDELE_SRCDIR"))
		srcdir = getenv("FIDELE_SRCDIR");
	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/file", folder);
	test_csv_cases();
	test_encodings_and_separators();
	test_mac_roman();
	test_many_columns();
	test_trailing_separators();
	test_crlf_across_blocks();
	test_huge_fields();
	test_xlsx();
	test_paste();
	test_paste_read_back();
	unlink(path);
	rmdir(folder);
	return tap_done();
}
