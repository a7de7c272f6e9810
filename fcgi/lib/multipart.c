/*
 * The multipart/form-data parser (multipart.h). A state machine fed in
 * pieces: the delimiter ("\r\n--" + boundary) is matched byte by byte
 * across pieces, so a boundary split between two reads is found as well
 * as a whole one, and part content is handed on as it passes, never kept.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "text.h"

/* Characters a boundary may hold (RFC 2046 bchars). */
static int
boundary_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    strchr("'()+_,-./:=? ", c) != NULL;
}

/*
 * Reads the header parameter at *p ("; name=value" or '; name="value"')
 * and moves *p past it. A browser sends a '"' in a value as %22 and a '\'
 * as it is (a Windows path): a quoted value ends at the next quote.
 * Returns 0, or -1 when it is not a parameter.
 */
static int
parameter_next(const char **at, const char **name, size_t *name_len, const char **value,
    size_t *len)
{
	const char *p = *at + 1;

	p += strspn(p, " \t");
	*name = p;
	p += strcspn(p, "=; \t");
	*name_len = (size_t)(p - *name);
	p += strspn(p, " \t");
	if (*p != '=')
		return -1;
	p++;
	p += strspn(p, " \t");
	if (*p == '"') {
		*value = ++p;
		p = strchr(p, '"');
		if (p == NULL)
			return -1;
		*len = (size_t)(p - *value);
		p++;
	} else {
		*value = p;
		p += strcspn(p, "; \t");
		*len = (size_t)(p - *value);
	}
	*at = p + strspn(p, " \t");
	return 0;
}

int
multipart_boundary(const char *content_type, char *out)
{
	static const char type[] = "multipart/form-data";
	const char *p = content_type;
	size_t len;

	if (p == NULL)
		return -1;
	p += strspn(p, " \t");
	if (strncasecmp(p, type, sizeof(type) - 1) != 0)
		return -1;
	p += sizeof(type) - 1;
	p += strspn(p, " \t");
	while (*p == ';') {
		const char *name, *value;
		size_t name_len;

		if (parameter_next(&p, &name, &name_len, &value, &len) != 0)
			return -1;
		if (name_len == 8 && strncasecmp(name, "boundary", 8) == 0) {
			size_t i;

			if (len == 0 || len > MULTIPART_BOUNDARY_MAX || value[len - 1] == ' ')
				return -1;
			for (i = 0; i < len; i++)
				if (!boundary_char((unsigned char)value[i]))
					return -1;
			memcpy(out, value, len);
			out[len] = '\0';
			return 0;
		}
	}
	return -1;
}

void
multipart_init(struct multipart *mp, const char *boundary,
    const struct multipart_callbacks *callbacks, void *data)
{
	memset(mp, 0, sizeof(*mp));
	mp->callbacks = callbacks;
	mp->data = data;
	mp->delimiter_len = (size_t)snprintf(mp->delimiter, sizeof(mp->delimiter), "\r\n--%s",
	    boundary);
	/* the body is taken as if a CRLF came before it: a first delimiter at
	 * its very start is then matched as every later one */
	mp->state = MP_PREAMBLE;
	mp->matched = 2;
}

/* Hands content bytes to the data callback (only inside a part). */
static int
emit(struct multipart *mp, const char *bytes, size_t len)
{
	if (mp->state != MP_BODY || len == 0)
		return MULTIPART_OK;
	return mp->callbacks->data(mp->data, bytes, len);
}

/*
 * Looks for the delimiter in [p, end), in the preamble or in a part's
 * content, handing content on as it goes. The delimiter holds one CR, at
 * its start, so when a partial match fails the bytes matched were content
 * (they are the delimiter's own first bytes) and the next match can only
 * start at the byte that failed. Returns where it stopped.
 */
static const char *
scan(struct multipart *mp, const char *p, const char *end)
{
	while (p < end && mp->status == MULTIPART_OK) {
		if (mp->matched == 0) {
			const char *cr = memchr(p, '\r', (size_t)(end - p));
			size_t run = (size_t)((cr ? cr : end) - p);

			mp->status = emit(mp, p, run);
			p += run;
			if (cr == NULL || mp->status != MULTIPART_OK)
				break;
			mp->matched = 1;
			p++;
			continue;
		}
		if (*p == mp->delimiter[mp->matched]) {
			p++;
			if (++mp->matched < mp->delimiter_len)
				continue;
			mp->matched = 0;
			if (mp->state == MP_BODY)
				mp->status = mp->callbacks->end(mp->data);
			mp->state = MP_AFTER_DELIMITER;
			mp->after_dashes = mp->after_cr = 0;
			break;
		}
		mp->status = emit(mp, mp->delimiter, mp->matched);
		mp->matched = 0;
	}
	return p;
}

/* Copies a parameter's value, refusing one that does not fit. */
static int
copy_value(char *out, size_t size, const char *value, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(out, value, len);
	out[len] = '\0';
	return 0;
}

/* Decodes an RFC 5987 value ("UTF-8''%C3%A9t%C3%A9.csv") into out.
 * Returns 1 when decoded, 0 for another charset (ignored), -1 when bad. */
static int
extended_value(const char *value, size_t len, char *out, size_t size)
{
	const char *end = value + len, *quote;
	size_t n = 0;

	if (len < 7 || strncasecmp(value, "utf-8'", 6) != 0)
		return 0;
	quote = memchr(value + 6, '\'', (size_t)(end - value - 6));
	if (quote == NULL)
		return -1;
	for (value = quote + 1; value < end; value++) {
		int c = (unsigned char)*value;

		if (c == '%') {
			int high, low;

			if (end - value < 3 || (high = text_hex_digit(value[1])) < 0 ||
			    (low = text_hex_digit(value[2])) < 0)
				return -1;
			c = high << 4 | low;
			value += 2;
		}
		if (c == 0 || n + 1 >= size)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 1;
}

/* Reads "form-data; name=...; filename=...; filename*=..." into mp->part. */
static int
disposition(struct multipart *mp, const char *p)
{
	char extended[MULTIPART_FILENAME_MAX + 1];
	int has_name = 0, has_extended = 0, has_plain = 0;
	size_t len = strcspn(p, "; \t");

	if (len != 9 || strncasecmp(p, "form-data", 9) != 0)
		return MULTIPART_NO_NAME;
	p += len;
	p += strspn(p, " \t");
	while (*p == ';') {
		const char *name, *value;
		size_t name_len;

		if (parameter_next(&p, &name, &name_len, &value, &len) != 0)
			return MULTIPART_BAD;
		if (name_len == 4 && strncasecmp(name, "name", 4) == 0) {
			if (has_name++ || copy_value(mp->part.name, sizeof(mp->part.name), value, len) != 0)
				return MULTIPART_BAD;
		} else if (name_len == 8 && strncasecmp(name, "filename", 8) == 0) {
			if (has_plain++ || copy_value(mp->part.filename, sizeof(mp->part.filename), value,
			    len) != 0)
				return MULTIPART_HEADER_LONG;
		} else if (name_len == 9 && strncasecmp(name, "filename*", 9) == 0) {
			int decoded = extended_value(value, len, extended, sizeof(extended));

			if (decoded < 0 || has_extended)
				return MULTIPART_BAD;
			has_extended = decoded;
		}
	}
	if (*p != '\0')
		return MULTIPART_BAD;
	if (has_extended)
		memcpy(mp->part.filename, extended, sizeof(extended));
	mp->part.has_filename = has_plain || has_extended;
	return has_name && mp->part.name[0] != '\0' ? MULTIPART_OK : MULTIPART_NO_NAME;
}

/* Keeps a part's declared type (type/subtype, lowercased), or "". */
static void
content_type(struct multipart *mp, const char *value)
{
	size_t len = strcspn(value, "; \t"), i;

	mp->part.content_type[0] = '\0';
	if (len >= sizeof(mp->part.content_type))
		return;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)value[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    strchr("!#$&^_.+-/", c) != NULL))
			return;
	}
	if (memchr(value, '/', len) == NULL)
		return;
	for (i = 0; i < len; i++)
		mp->part.content_type[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ?
		    value[i] - 'A' + 'a' : value[i]);
	mp->part.content_type[len] = '\0';
}

/* One complete header line of a part (in mp->line). */
static int
header_line(struct multipart *mp)
{
	char *line = mp->line, *colon, *value;
	static const char disposition_name[] = "content-disposition";
	static const char type_name[] = "content-type";
	size_t name_len;

	line[mp->line_len] = '\0';
	if (line[0] == ' ' || line[0] == '\t')
		return MULTIPART_BAD;	/* folded lines are obsolete (RFC 7578 4.8) */
	if (++mp->header_count > MULTIPART_HEADERS_MAX)
		return MULTIPART_HEADER_LONG;
	colon = strchr(line, ':');
	if (colon == NULL)
		return MULTIPART_BAD;
	name_len = (size_t)(colon - line);
	value = colon + 1;
	value += strspn(value, " \t");
	text_trim(value);
	if (name_len == sizeof(disposition_name) - 1 &&
	    strncasecmp(line, disposition_name, name_len) == 0) {
		if (mp->part.name[0] != '\0')
			return MULTIPART_BAD;	/* twice */
		return disposition(mp, value);
	}
	if (name_len == sizeof(type_name) - 1 && strncasecmp(line, type_name, name_len) == 0)
		content_type(mp, value);
	return MULTIPART_OK;	/* other headers (Content-Transfer-Encoding...) say nothing to us */
}

/* One byte of a part's headers. */
static int
header_byte(struct multipart *mp, int c)
{
	if (mp->after_cr) {
		if (c != '\n')
			return MULTIPART_BAD;
		mp->after_cr = 0;
		if (mp->line_len > 0) {
			int status = header_line(mp);

			mp->line_len = 0;
			return status;
		}
		/* the blank line: the content follows */
		if (mp->part.name[0] == '\0')
			return MULTIPART_NO_NAME;
		mp->state = MP_BODY;
		mp->matched = 0;
		return mp->callbacks->begin(mp->data, &mp->part);
	}
	if (c == '\r') {
		mp->after_cr = 1;
		return MULTIPART_OK;
	}
	/* a bare LF, NUL or other control byte never belongs in a header */
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return MULTIPART_BAD;
	if (mp->line_len >= MULTIPART_LINE_MAX)
		return MULTIPART_HEADER_LONG;
	mp->line[mp->line_len++] = (char)c;
	return MULTIPART_OK;
}

/* One byte after a delimiter: "--" ends the body; else optional padding
 * (spaces, tabs) and CRLF start a part's headers. */
static int
after_delimiter_byte(struct multipart *mp, int c)
{
	if (mp->after_dashes) {
		if (c != '-')
			return MULTIPART_BAD;
		mp->state = MP_DONE;
		return MULTIPART_OK;
	}
	if (mp->after_cr) {
		if (c != '\n')
			return MULTIPART_BAD;
		mp->after_cr = 0;
		mp->state = MP_HEADERS;
		mp->line_len = 0;
		mp->header_count = 0;
		memset(&mp->part, 0, sizeof(mp->part));
		return MULTIPART_OK;
	}
	if (c == '-')
		mp->after_dashes = 1;
	else if (c == '\r')
		mp->after_cr = 1;
	else if (c != ' ' && c != '\t')
		return MULTIPART_BAD;
	return MULTIPART_OK;
}

int
multipart_feed(struct multipart *mp, const char *bytes, size_t len)
{
	const char *p = bytes, *end = bytes + len;

	while (p < end && mp->status == MULTIPART_OK) {
		switch (mp->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			p = scan(mp, p, end);
			break;
		case MP_AFTER_DELIMITER:
			mp->status = after_delimiter_byte(mp, (unsigned char)*p++);
			break;
		case MP_HEADERS:
			mp->status = header_byte(mp, (unsigned char)*p++);
			break;
		case MP_DONE:
			p = end;	/* the epilogue: nothing of ours */
			break;
		}
	}
	return mp->status;
}

int
multipart_finish(struct multipart *mp)
{
	if (mp->status == MULTIPART_OK && mp->state != MP_DONE)
		mp->status = MULTIPART_TRUNCATED;
	return mp->status;
}

int
multipart_filename_clean(char *filename, size_t max_chars)
{
	char *last = strrchr(filename, '/'), *back = strrchr(filename, '\\');
	size_t chars = 0;
	char *p;

	if (back != NULL && (last == NULL || back > last))
		last = back;
	if (last != NULL)
		memmove(filename, last + 1, strlen(last + 1) + 1);
	if (!text_is_clean_utf8(filename, 0))
		return -1;
	for (p = filename; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && chars++ == max_chars) {
			*p = '\0';
			break;
		}
	return 0;
}
