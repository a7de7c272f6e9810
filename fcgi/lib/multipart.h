/*
 * A streaming parser of multipart/form-data bodies (RFC 7578, over the
 * multipart syntax of RFC 2046). The body is fed in pieces of any size, as
 * it is read; the parser holds no more than one part header line and a few
 * fixed fields, so its memory does not grow with the body. What a part
 * carries goes to the caller's callbacks as it comes: its headers once
 * parsed (begin), its content in runs of bytes (data), its end (end).
 *
 * It knows nothing of routes, fields or files: the door (upload.c) decides
 * what a part may be. Unit-tested on its own (tests/unit/test-multipart.c).
 */
#ifndef FIDELE_MULTIPART_H
#define FIDELE_MULTIPART_H

#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70	/* RFC 2046 */
#define MULTIPART_LINE_MAX 4096	/* one part header line, CRLF excluded */
#define MULTIPART_HEADERS_MAX 8	/* header lines of one part */
#define MULTIPART_NAME_MAX 64	/* a field name (ours are shorter) */
/* a filename as sent, in bytes: 255 characters of up to 4 bytes, and
 * filename*= sends each as %XX */
#define MULTIPART_FILENAME_MAX 1024
#define MULTIPART_TYPE_MAX 128	/* a part's Content-Type */

/* Why the parser stopped. A callback's own non-zero result stops it too
 * and is returned as it is (callers use values from MULTIPART__MAX up). */
enum multipart_status {
	MULTIPART_OK,		/* all fine so far (or, from multipart_finish, complete) */
	MULTIPART_BAD,		/* not multipart as RFC 7578 says: bad delimiter, headers */
	MULTIPART_HEADER_LONG,	/* a part header line over MULTIPART_LINE_MAX, or too many */
	MULTIPART_NO_NAME,	/* a part without Content-Disposition: form-data; name= */
	MULTIPART_TRUNCATED,	/* the body ended before the closing delimiter */
	MULTIPART__MAX
};

/* A part's headers, as begin() sees them. */
struct multipart_part {
	char name[MULTIPART_NAME_MAX + 1];
	int has_filename;	/* a file part: filename= or filename*= was sent */
	/* as sent (filename*= decoded), no path taken off yet: see
	 * multipart_filename_clean */
	char filename[MULTIPART_FILENAME_MAX + 1];
	char content_type[MULTIPART_TYPE_MAX + 1];	/* lowercased type/subtype, or "" */
};

struct multipart_callbacks {
	int (*begin)(void *data, const struct multipart_part *part);
	int (*data)(void *data, const char *bytes, size_t len);
	int (*end)(void *data);
};

enum multipart_state {
	MP_PREAMBLE,	/* before the first delimiter */
	MP_AFTER_DELIMITER,	/* "--" (the last) or padding and CRLF */
	MP_HEADERS,
	MP_BODY,
	MP_DONE		/* after the closing delimiter: the epilogue is ignored */
};

struct multipart {
	const struct multipart_callbacks *callbacks;
	void *data;
	enum multipart_state state;
	/* "\r\n--" + boundary: a body is read as if it started with CRLF, so
	 * that the first delimiter looks like every other one */
	char delimiter[4 + MULTIPART_BOUNDARY_MAX + 1];
	size_t delimiter_len;
	size_t matched;		/* bytes of the delimiter matched so far */
	int after_dashes;	/* MP_AFTER_DELIMITER: "-" seen */
	int after_cr;		/* a CR seen where a line may end */
	char line[MULTIPART_LINE_MAX + 1];
	size_t line_len;
	int header_count;
	struct multipart_part part;
	int status;		/* sticky: once not OK, every feed returns it */
};

/* Copies the boundary parameter of a multipart/form-data Content-Type
 * (token or quoted string) into out (MULTIPART_BOUNDARY_MAX + 1).
 * Returns 0, or -1 when type is not multipart/form-data with a valid
 * boundary. */
int multipart_boundary(const char *content_type, char *out);

/* Starts a parse of a body with this boundary (from multipart_boundary). */
void multipart_init(struct multipart *mp, const char *boundary,
    const struct multipart_callbacks *callbacks, void *data);

/* Feeds the next len bytes of the body. Returns MULTIPART_OK, or why it
 * stopped (then every later call returns the same). */
int multipart_feed(struct multipart *mp, const char *bytes, size_t len);

/* Says the body ended. Returns MULTIPART_OK when the closing delimiter was
 * seen, else why not. */
int multipart_finish(struct multipart *mp);

/* Makes a client's filename fit to show: what follows the last '/' or
 * '\', at most max_chars characters (cut at a character's start), in place.
 * Returns 0, or -1 when it is not clean one-line UTF-8. */
int multipart_filename_clean(char *filename, size_t max_chars);

#endif
