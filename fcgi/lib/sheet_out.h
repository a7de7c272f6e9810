/*
 * Writing a spreadsheet for a person to open: the customer export
 * (export.fcgi) and the import's errors.csv. The other half of sheet.h.
 *
 * Three profiles:
 *   SHEET_OUT_XLSX       an .xlsx made by libxlsxwriter in its
 *                        constant-memory mode: dates as real dates
 *                        (dd/mm/yyyy), money as numbers with the shop's
 *                        currency format (1 234,56 € / €1,234.56), a bold
 *                        frozen header row, column widths set; every text
 *                        cell a string, never a formula ("=1+1" stays
 *                        text; one with a line break wraps); invalid UTF-8 and the characters XML 1.0
 *                        cannot hold become U+FFFD (the file stays valid),
 *                        control characters are written as Excel's _xHHHH_
 *   SHEET_OUT_CSV_EXCEL  "CSV pour Excel": UTF-8 with a BOM, CRLF, dates
 *                        31/12/2024 (our English shops are in the UK);
 *                        French: ';' and a decimal comma (what Excel in a
 *                        French locale reads), English: ',' and a decimal
 *                        point (a UK Excel's list separator)
 *   SHEET_OUT_CSV        RFC 4180: UTF-8 without a BOM, ',', CRLF, decimal
 *                        point, ISO dates (2024-12-31)
 * In both CSV profiles money is written as units with two decimals, no
 * thousands separator and no currency sign (-1234 cents: -12,34 or
 * -12.34), so a spreadsheet reads a number. A text cell that a spreadsheet
 * would take for a formula (first byte = + - @, tab, CR or NUL) is
 * neutralised as OWASP describes: a leading ' and the cell quoted. That
 * goes by the cell's type, not its look: a phone "+33 6..." is text and is
 * neutralised, a negative amount is a number and is not. A cell is quoted
 * (its quotes doubled) when it holds ',' or ';' (whichever the profile's
 * separator: a program that guesses the separator reads the same cells),
 * a tab, a quote, a CR or an LF; spaces are data (RFC 4180) and quote
 * nothing. CSV text goes out as the bytes given (the database's UTF-8).
 * Rows are not padded: a row ends after its last cell.
 *
 * A writer is fed a row at a time, cell by cell, typed; memory stays the
 * same whatever the row count. The CSV profiles hand their bytes to a sink
 * in pieces of about SHEET_OUT_CHUNK bytes as rows are written (the
 * download streams as the rows come from the database). The .xlsx is a zip
 * that can only be closed at the end: libxlsxwriter writes it into a
 * temporary file under the folder given (the shop's spool), which
 * sheet_out_close then hands to the sink and deletes: nothing reaches the
 * sink before close (so a client that went away is seen only then), and
 * an .xlsx holds at most SHEET_OUT_XLSX_ROWS_MAX rows. An importer that
 * reads a CSV back takes the ' off a neutralised cell (import-map.c does
 * for phones and postal codes).
 */
#ifndef FIDELE_SHEET_OUT_H
#define FIDELE_SHEET_OUT_H

#include <stddef.h>

enum sheet_out_format { SHEET_OUT_XLSX, SHEET_OUT_CSV_EXCEL, SHEET_OUT_CSV, SHEET_OUT__MAX };

/* The formats' names, for forms and the export log ("xlsx",
 * "csv-excel", "csv"), and their files' extensions and content types. */
extern const char *const sheet_out_names[SHEET_OUT__MAX];
extern const char *const sheet_out_extensions[SHEET_OUT__MAX];
extern const char *const sheet_out_content_types[SHEET_OUT__MAX];

/* The format named name, or SHEET_OUT__MAX. */
enum sheet_out_format sheet_out_find(const char *name);

/* What a column holds; it decides how a cell is written in each profile
 * and the column's number format in an .xlsx. */
enum sheet_out_type {
	SHEET_OUT_TEXT,		/* a string */
	SHEET_OUT_INTEGER,	/* a whole number */
	SHEET_OUT_MONEY,	/* cents, written as units with two decimals (a € format in xlsx) */
	SHEET_OUT_DATE		/* a day (xlsx: a date cell shown dd/mm/yyyy) */
};

/* Bytes handed to the sink at a time (at most twice this). */
#define SHEET_OUT_CHUNK 65536

/* The rows an .xlsx holds, the header included (Excel's last row): a
 * writer refuses the next one (-1, logged). Offer CSV for more. */
#define SHEET_OUT_XLSX_ROWS_MAX 1048576

/* Where the bytes go: returns 0, or -1 when they could not go (the client
 * went away): the writer then stops and every later call returns -1. */
typedef int (*sheet_out_sink)(void *ctx, const char *buf, size_t len);

struct sheet_out;

/* How the file an .xlsx is built in is named in tmp_dir (this and six
 * characters of mkstemp): deleted once finished and opened to be sent,
 * and by the worker's spool sweep when a killed process left one. */
#define SHEET_OUT_FILE_PREFIX "sheet-out-"

/* A writer of format for columns columns of types (copied), in language
 * ("en" English, anything else French: the Excel CSV's separator and
 * decimal mark, the xlsx's money format), its bytes for sink. tmp_dir is
 * where an .xlsx is built (must exist, the spool; unused by the CSV
 * profiles): the file (mode 0600, a unique name) and libxlsxwriter's own
 * temporary files, already deleted while open. NULL when out of memory or
 * the xlsx cannot be started (logged). */
struct sheet_out *sheet_out_open(enum sheet_out_format format, const char *language,
    const enum sheet_out_type *types, int columns, const char *tmp_dir,
    sheet_out_sink sink, void *ctx);

/* The rows of this writer continue a file another writer began (an
 * export read in two halves: the second half's rows, written apart and
 * appended): no BOM, and its first row is not a header. CSV profiles
 * only, before the first cell: returns 0, or -1 (an .xlsx is one zip). */
int sheet_out_continue(struct sheet_out *out);

/* The xlsx's worksheet name (default "Sheet1"), e.g. "Clients"; before
 * the first cell. Characters Excel refuses become spaces, cut to 31
 * characters; a name Excel would still refuse is ignored. CSV: nothing. */
void sheet_out_sheet_name(struct sheet_out *out, const char *name);

/* The currency of the money cells, ISO code (default "EUR"): the xlsx's
 * money format (€, £, $, CHF, else the code). CSV: nothing. */
void sheet_out_currency(struct sheet_out *out, const char *currency);

/* The cells of one row, left to right; a row has at most the writer's
 * columns (the missing ones are left empty; one more is a mistake: -1,
 * logged). Each returns 0 or -1 (the sink failed, or the xlsx could not
 * be written: logged). text need not end with a NUL (NULL with length 0
 * is an empty cell); an xlsx cell keeps at most Excel's 32,767 characters.
 * An integer beyond 2^53 loses digits in an xlsx (Excel's numbers are
 * doubles). A day that does not exist (0000-00-00) is an empty cell; in
 * an xlsx a day before 1900 (which Excel cannot show) is the text
 * dd/mm/yyyy. */
int sheet_out_text(struct sheet_out *out, const char *text, size_t length);
int sheet_out_integer(struct sheet_out *out, long long value);
int sheet_out_money(struct sheet_out *out, long long cents);
int sheet_out_date(struct sheet_out *out, int year, int month, int day);
int sheet_out_empty(struct sheet_out *out);
/* Ends the row. The first row written is the header (text cells): bold and
 * frozen in an xlsx, and it sets the columns' widths from the header's
 * length and the column's type. */
int sheet_out_row_end(struct sheet_out *out);

/* Sets a column's width in characters (xlsx only; any time before
 * close), instead of the one from its header and type: e.g. for e-mails. */
void sheet_out_width(struct sheet_out *out, int column, double width);

/* Finishes the file, hands what is left to the sink, frees the writer
 * (always). Returns 0, or -1 when a byte did not go (or an earlier call
 * failed). */
int sheet_out_close(struct sheet_out *out);

/* Frees a writer without finishing its file (the client went away): the
 * temporary xlsx is deleted. */
void sheet_out_abandon(struct sheet_out *out);

/* Rows written so far, the header included. */
long long sheet_out_rows(const struct sheet_out *out);

#endif
