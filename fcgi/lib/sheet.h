/*
 * Reading the spreadsheet a person really has, as rows of UTF-8 text: CSV
 * and TSV in the encodings and with the separators spreadsheet programs
 * write (UTF-8 with or without BOM, UTF-16 LE/BE with BOM, Windows-1252,
 * ISO-8859-15; , ; tab |; quoted fields with separators, quotes and line
 * breaks inside; CRLF, LF or CR), parsed by libcsv and converted by iconv,
 * and .xlsx (its first sheet), read as a stream from the zip (libzip) by
 * expat. A file is read in constant memory whatever its size (xlsx's shared
 * strings excepted, which are bounded), so the importer's worker can walk a
 * million rows in a few MiB.
 *
 * What is wrong with a whole file (not a spreadsheet, a broken or bombed
 * zip, nothing in it) is a status of sheet_open; what is wrong with one row
 * (a field over SHEET_FIELD_MAX bytes, more than SHEET_COLUMNS_MAX
 * columns, bytes that are not text in the chosen encoding, NUL bytes) is a
 * flag on that row, so one bad line costs one row, not the import.
 *
 * Also: a list of addresses pasted from a mail program, written out as a
 * small CSV file (sheet_paste_write), so that pasted lists and files take
 * one path from there on.
 */
#ifndef FIDELE_SHEET_H
#define FIDELE_SHEET_H

#include <stddef.h>
#include <stdio.h>

enum sheet_format { SHEET_FORMAT_DETECT = 0, SHEET_CSV, SHEET_XLSX, SHEET_FORMAT__MAX };

enum sheet_encoding {
	SHEET_ENCODING_DETECT = 0,
	SHEET_UTF8,		/* with or without a BOM */
	SHEET_UTF16LE,		/* with a BOM: Excel's "Unicode text" */
	SHEET_UTF16BE,
	SHEET_WINDOWS_1252,	/* Excel's "CSV" on a French Windows */
	SHEET_ISO_8859_15,
	SHEET_MAC_ROMAN,	/* Excel's "CSV (Macintosh)", its lines ended by CR alone */
	SHEET_ENCODING__MAX
};

/* Names of the formats and encodings, for forms, the import row and
 * language keys: "csv", "xlsx"; "utf-8", "utf-16le", "utf-16be",
 * "windows-1252", "iso-8859-15", "mac-roman". Index 0 is "" (detect). */
extern const char *const sheet_format_names[SHEET_FORMAT__MAX];
extern const char *const sheet_encoding_names[SHEET_ENCODING__MAX];

/* The separators a CSV may use, in the order detection prefers on a tie. */
#define SHEET_SEPARATORS ",;\t|"

/* What sheet_open reports about a whole file. */
enum sheet_status {
	SHEET_OK = 0,
	SHEET_EMPTY,		/* no byte, or nothing but blank lines */
	SHEET_NOT_A_SHEET,	/* binary (PNG, PDF, NUL-filled), or a zip that is not xlsx */
	SHEET_XLSX_BROKEN,	/* a zip that says xlsx but cannot be read */
	SHEET_TOO_LARGE,	/* unpacks to more than SHEET_UNPACKED_MAX: a zip bomb */
	SHEET_IO_ERROR,		/* cannot open or read the file (logged) */
	SHEET_STATUS__MAX
};

/* Names of the statuses ("empty", "not_a_sheet", ...): language keys. */
extern const char *const sheet_status_names[SHEET_STATUS__MAX];

#define SHEET_FIELD_MAX 65536		/* bytes of one field, in UTF-8 */
#define SHEET_COLUMNS_MAX 256		/* columns of one row */
#define SHEET_UNPACKED_MAX (1024LL * 1024 * 1024)	/* bytes an xlsx may unpack to */
#define SHEET_SHARED_STRINGS_MAX (64LL * 1024 * 1024)	/* bytes of xlsx shared strings kept */

/* What is wrong with one row (bits of sheet_row.flags). The row's fields
 * are still given, cut or with U+FFFD where the bytes were not text. */
#define SHEET_ROW_FIELD_TOO_LONG 0x1u	/* a field over SHEET_FIELD_MAX: cut there */
#define SHEET_ROW_TOO_MANY_COLUMNS 0x2u	/* more than SHEET_COLUMNS_MAX: the rest dropped */
#define SHEET_ROW_BAD_TEXT 0x4u		/* bytes that are not text in the encoding, or NUL */

/* How to read a file: what sheet_open found, or what the admin chose. */
struct sheet_options {
	enum sheet_format format;	/* SHEET_FORMAT_DETECT: from the bytes, not the name */
	enum sheet_encoding encoding;	/* CSV only; DETECT: BOM, else valid UTF-8, else Mac
					 * Roman when lines end by CR alone, else Windows-1252 */
	char separator;			/* CSV only; 0: detected from the first lines */
	long long unpacked_max;		/* xlsx only; 0: SHEET_UNPACKED_MAX (tests lower it) */
};

/* One row, valid until the next sheet_next or sheet_close. Blank rows
 * (every field empty) are skipped; trailing empty fields are dropped. */
struct sheet_row {
	long long line;		/* the row a spreadsheet shows it on, from 1: the file's line,
				 * but line breaks inside quoted cells start no row
				 * (xlsx: the sheet's row number) */
	long long number;	/* rows given so far, this one included, from 1 */
	int count;		/* fields */
	const char *const *fields;	/* NUL-terminated UTF-8, without a BOM */
	const size_t *lengths;
	unsigned flags;		/* SHEET_ROW_* */
};

struct sheet;

/* Opens path with options (NULL: detect everything). On SHEET_OK *out is
 * the reader, to close with sheet_close; else *out is NULL. found, when not
 * NULL, gets the format, encoding and separator in use. */
enum sheet_status sheet_open(const char *path, const struct sheet_options *options,
    struct sheet **out, struct sheet_options *found);

/* The next row: 1 (row filled), 0 (end of file), -1 (the file could not be
 * read on: I/O, or a zip that broke or grew past its limit half-way;
 * sheet_status says which). */
int sheet_next(struct sheet *sheet, struct sheet_row *row);

/* Why sheet_next returned -1 (SHEET_OK otherwise). */
enum sheet_status sheet_status(const struct sheet *sheet);

void sheet_close(struct sheet *sheet);

/* Parses text pasted by a person: addresses separated by commas,
 * semicolons, spaces, tabs or lines, each bare (a@b.fr) or named
 * (Élodie Martin <e.martin@b.fr>, "Martin, Élodie" <e.martin@b.fr>), and
 * writes them to out as a UTF-8 CSV under the headers given, in the
 * admin's words ("Nom complet", "Adresse e-mail": names the mapping
 * recognises), one row per address, in the order pasted; what is not an
 * address becomes a row with an empty e-mail and the text as its name, so
 * that the import reports it. Returns the number of rows written, or -1
 * (write error). */
long long sheet_paste_write(const char *text, const char *name_header, const char *email_header,
    FILE *out);

#endif
