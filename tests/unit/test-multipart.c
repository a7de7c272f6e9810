/* Unit tests for fcgi/lib/multipart.c: the multipart/form-data parser the
 * upload door streams bodies through. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "../../fcgi/lib/multipart.h"
#include "tap.h"

/* What the callbacks saw, as "name|filename|type|content\n" per part. */
static char seen[8192];
static size_t seen_len;

static void
record(const char *bytes, size_t len)
{
	if (seen_len + len < sizeof(seen)) {
		memcpy(seen + seen_len, bytes, len);
		seen_len += len;
		seen[seen_len] = '\0';
	}
}

static int
on_begin(void *data, const struct multipart_part *part)
{
	(void)data;
	record(part->name, strlen(part->name));
	record("|", 1);
	if (part->has_filename)
		record(part->filename, strlen(part->filename));
	record("|", 1);
	record(part->content_type, strlen(part->content_type));
	record("|", 1);
	return MULTIPART_OK;
}

static int
on_data(void *data, const char *bytes, size_t len)
{
	(void)data;
	record(bytes, len);
	return MULTIPART_OK;
}

static int
on_end(void *data)
{
	(void)data;
	record("\n", 1);
	return MULTIPART_OK;
}

static const struct multipart_callbacks callbacks = { on_begin, on_data, on_end };

/* Parses body in pieces cut at the given offsets (ascending, ending with
 * len); returns the status of multipart_finish, or the first failure. */
static int
parse_cut(const char *boundary, const char *body, const size_t *cuts, size_t cut_count)
{
	struct multipart mp;
	size_t from = 0, i;
	int status = MULTIPART_OK;

	seen_len = 0;
	seen[0] = '\0';
	multipart_init(&mp, boundary, &callbacks, NULL);
	for (i = 0; i < cut_count && status == MULTIPART_OK; i++) {
		status = multipart_feed(&mp, body + from, cuts[i] - from);
		from = cuts[i];
	}
	return status == MULTIPART_OK ? multipart_finish(&mp) : status;
}

static int
parse(const char *boundary, const char *body)
{
	size_t len = strlen(body);

	return parse_cut(boundary, body, &len, 1);
}

#define B "----Fid3le"

/* A body as a browser sends it: a token, a note, and a file whose bytes
 * hold CRLFs and pieces of the delimiter that are not the delimiter. */
static const char form[] =
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n"
    "\r\n"
    "abc123\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n"
    "\r\n"
    "Crème brûlée\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"clients.csv\"\r\n"
    "Content-Type: Text/CSV; charset=utf-8\r\n"
    "\r\n"
    "a;b\r\n\r\nx--" B "--\r\r\n--" "----Fid3l\r\n-\r\n--\r\n" "\r\n--" "----Fid3lE\r"
    "\r\n"
    "--" B "--\r\n";

static const char form_seen[] =
    "csrf|||abc123\n"
    "note|||Crème brûlée\n"
    "file|clients.csv|text/csv|a;b\r\n\r\nx--" B "--\r\r\n--" "----Fid3l\r\n-\r\n--\r\n"
    "\r\n--" "----Fid3lE\r\n";

int
main(void)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1], name[600], body[8192];
	size_t len = strlen(form), split, cuts[2];
	int all_splits = 1, status;

	/* --- the boundary, from Content-Type ------------------------------- */
	ok(multipart_boundary("multipart/form-data; boundary=" B, boundary) == 0 &&
	    strcmp(boundary, B) == 0, "a plain boundary is read");
	ok(multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c=d\"", boundary) == 0 &&
	    strcmp(boundary, "a b:c=d") == 0, "a quoted boundary after another parameter is read");
	ok(multipart_boundary("multipart/form-data", boundary) != 0, "no boundary is refused");
	ok(multipart_boundary("multipart/mixed; boundary=x", boundary) != 0,
	    "another multipart type is refused");
	ok(multipart_boundary("application/x-www-form-urlencoded", boundary) != 0,
	    "a urlencoded type is refused");
	ok(multipart_boundary("multipart/form-data; boundary="
	    "12345678901234567890123456789012345678901234567890123456789012345678901", boundary) != 0,
	    "a boundary over 70 characters is refused");
	ok(multipart_boundary("multipart/form-data; boundary=\"a\r\nb\"", boundary) != 0,
	    "a boundary with CR LF is refused");
	ok(multipart_boundary(NULL, boundary) != 0, "no Content-Type is refused");

	/* --- whole bodies ---------------------------------------------------- */
	ok(parse(B, form) == MULTIPART_OK, "a browser's body parses");
	is_str(seen, form_seen, "its parts, type and bytes (CRLF and delimiter-like bytes inside) arrive");

	/* the boundary cut at every offset of a read */
	for (split = 0; split <= len; split++) {
		cuts[0] = split;
		cuts[1] = len;
		status = parse_cut(B, form, cuts, 2);
		if (status != MULTIPART_OK || strcmp(seen, form_seen) != 0) {
			printf("#   cut at %zu: status %d\n", split, status);
			all_splits = 0;
		}
	}
	ok(all_splits, "a body cut in two at any offset parses the same");
	{
		size_t bytes[sizeof(form)], i;

		for (i = 0; i < len; i++)
			bytes[i] = i + 1;
		status = parse_cut(B, form, bytes, len);
		ok(status == MULTIPART_OK && strcmp(seen, form_seen) == 0,
		    "a body fed one byte at a time parses the same");
	}

	ok(parse(B, "preamble text\r\n--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--"
	    B "--") == MULTIPART_OK && strcmp(seen, "a|||1\n") == 0,
	    "a preamble is skipped and an unquoted name read; no CRLF needed after the end");
	ok(parse(B, "--" B "--\r\n") == MULTIPART_OK && seen_len == 0, "a body of no parts parses");
	ok(parse(B, "--" B "  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--" B "--")
	    == MULTIPART_OK && strcmp(seen, "a|||\n") == 0,
	    "padding after a delimiter is allowed, an empty part is empty");

	/* --- filenames ------------------------------------------------------- */
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.csv\";"
	    " filename*=UTF-8''%C3%A9t%C3%A9%20%222026%22.csv\r\n\r\nz\r\n--" B "--") == MULTIPART_OK,
	    "filename*= parses");
	is_str(seen, "f|été \"2026\".csv||z\n", "filename*= (UTF-8) is decoded and wins over filename=");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--"
	    B "--") == MULTIPART_OK && strcmp(seen, "f|||\n") == 0,
	    "an empty filename (no file chosen) is a file part");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%C3%0\r\n\r\n"
	    "\r\n--" B "--") == MULTIPART_BAD, "a broken percent escape is refused");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''a%00b\r\n\r\n"
	    "\r\n--" B "--") == MULTIPART_BAD, "an escaped NUL in a filename is refused");

	snprintf(name, sizeof(name), "C:\\Users\\Zoé\\Documents\\clients été.xlsx");
	ok(multipart_filename_clean(name, 255) == 0 && strcmp(name, "clients été.xlsx") == 0,
	    "a Windows path is taken off a filename");
	snprintf(name, sizeof(name), "../../etc/passwd");
	ok(multipart_filename_clean(name, 255) == 0 && strcmp(name, "passwd") == 0,
	    "a relative path is taken off a filename");
	snprintf(name, sizeof(name), "a/b\\");
	ok(multipart_filename_clean(name, 255) == 0 && strcmp(name, "") == 0,
	    "a filename of only a path is empty");
	snprintf(name, sizeof(name), "caf\xe9.csv");
	ok(multipart_filename_clean(name, 255) != 0, "a Latin-1 filename is refused");
	snprintf(name, sizeof(name), "a\x1b[2Jb.csv");
	ok(multipart_filename_clean(name, 255) != 0, "a control byte in a filename is refused");
	{
		size_t i;

		for (i = 0; i < 300; i++)
			memcpy(name + 2 * i, "é", 2);
		name[600 - 1] = '\0';
		name[598] = '\0';
		ok(multipart_filename_clean(name, 255) == 0 && strlen(name) == 510,
		    "a long filename is cut to 255 characters, not inside one");
	}

	/* --- what is refused ----------------------------------------------- */
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" B "\r\n")
	    == MULTIPART_TRUNCATED, "a body without its closing delimiter is truncated");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345")
	    == MULTIPART_TRUNCATED, "a body cut inside a part is truncated");
	ok(parse(B, "") == MULTIPART_TRUNCATED, "an empty body is truncated");
	ok(parse(B, "--" B "\r\nContent-Type: text/plain\r\n\r\n1\r\n--" B "--") == MULTIPART_NO_NAME,
	    "a part without Content-Disposition has no name");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n1\r\n--" B "--")
	    == MULTIPART_NO_NAME, "a part without name= has no name");
	ok(parse(B, "--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--" B "--")
	    == MULTIPART_NO_NAME, "a part that is not form-data has no name");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"a\"\nX: y\r\n\r\n1\r\n--" B "--")
	    == MULTIPART_BAD, "a bare LF in part headers is refused");
	ok(parse_cut(B, "--" B "\r\nContent-Disposition: form-data; name=\"a\0\"\r\n\r\n1\r\n--" B "--",
	    (size_t[]){ strlen(B) * 2 + 60 }, 1) == MULTIPART_BAD,
	    "a NUL in part headers is refused");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\n1\r\n--" B "--")
	    == MULTIPART_BAD, "a folded header line is refused");
	ok(parse(B, "--" B "x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" B "--")
	    == MULTIPART_BAD, "a delimiter followed by other bytes is refused");
	ok(parse(B, "--" B "\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n1\r\n--"
	    B "--") == MULTIPART_BAD, "two names for one part are refused");
	snprintf(body, sizeof(body), "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: %0*d"
	    "\r\n\r\n1\r\n--" B "--", MULTIPART_LINE_MAX, 7);
	ok(parse(B, body) == MULTIPART_HEADER_LONG, "a header line over the cap is refused");
	snprintf(body, sizeof(body), "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n%s\r\n1\r\n--"
	    B "--", "A: 1\r\nA: 2\r\nA: 3\r\nA: 4\r\nA: 5\r\nA: 6\r\nA: 7\r\nA: 8\r\n");
	ok(parse(B, body) == MULTIPART_HEADER_LONG, "more header lines than the cap are refused");
	return tap_done();
}
