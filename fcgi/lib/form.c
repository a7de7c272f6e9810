/*
 * The door (form.h): what a request may send, checked before anything of
 * it is parsed, and the declared fields' values checked before a handler
 * sees them.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "multipart.h"
#include "page.h"
#include "text.h"

int
field_choice(const struct field *field, const char *value)
{
	int i;

	if (field->kind != FIELD_CHOICE || field->choices == NULL || value == NULL)
		return -1;
	for (i = 0; field->choices[i] != NULL; i++)
		if (strcmp(field->choices[i], value) == 0)
			return i;
	return -1;
}

/* Takes out of a typed code what people put between its digits: spaces,
 * no-break spaces (U+00A0, U+202F), dashes and dots ("607 688", as the
 * mail shows it spaced). */
static void
digits_compact(char *value)
{
	char *to = value;
	const char *from = value;

	while (*from != '\0') {
		if (*from == ' ' || *from == '\t' || *from == '-' || *from == '.')
			from++;
		else if ((unsigned char)from[0] == 0xc2 && (unsigned char)from[1] == 0xa0)
			from += 2;
		else if ((unsigned char)from[0] == 0xe2 && (unsigned char)from[1] == 0x80 &&
		    (unsigned char)from[2] == 0xaf)
			from += 3;
		else
			*to++ = *from++;
	}
	*to = '\0';
}

const char *
field_value_check(const struct field *field, char *value)
{
	char *end;
	long long number;

	if (value == NULL || (field->kind != FIELD_PASSWORD && *text_trim(value) == '\0')
	    || *value == '\0')
		return field->required ? "Error.Field.Required" : NULL;
	if (!text_is_clean_utf8(value, field->kind == FIELD_MULTILINE))
		return "Error.Field.Charset";
	if (field->kind == FIELD_DIGITS)
		digits_compact(value);
	if (field->max_length && text_length(value) > field->max_length)
		return "Error.Field.TooLong";
	switch (field->kind) {
	case FIELD_TEXT:
	case FIELD_MULTILINE:
	case FIELD_PASSWORD:
	case FIELD_UPLOAD:	/* the client's filename: its file is upload.c's */
		return NULL;
	case FIELD_EMAIL:
		switch (text_email_check(value)) {
		case TEXT_EMAIL_OK:
			return NULL;
		case TEXT_EMAIL_NOT_ASCII:
			return "Error.Field.EmailAscii";
		case TEXT_EMAIL_INVALID:
			break;
		}
		return "Error.Field.Email";
	case FIELD_INT:
		errno = 0;
		number = strtoll(value, &end, 10);
		if (errno != 0 || *end != '\0' || end == value ||
		    number < field->min || number > field->max)
			return "Error.Field.Number";
		return NULL;
	case FIELD_PATH:
		if (value[0] != '/' || value[1] == '/' || value[1] == '\\' ||
		    strchr(value, '\\') != NULL)
			return "Error.Field.Path";
		return NULL;
	case FIELD_TOKEN:
		return strlen(value) == 64 && strspn(value, "0123456789abcdef") == 64
		    ? NULL : "Error.Field.Token";
	case FIELD_DIGITS:
		return strlen(value) == field->max_length &&
		    strspn(value, "0123456789") == field->max_length ? NULL : "Error.Field.Digits";
	case FIELD_PHONE: {
		const char *p;
		int digit_count = 0;

		for (p = value; *p; p++)
			digit_count += *p >= '0' && *p <= '9';
		return strspn(value, "0123456789 +-.()") == strlen(value) && digit_count >= 6
		    ? NULL : "Error.Field.Phone";
	}
	case FIELD_COUNTRY:
		if (strlen(value) != 2 || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != 2)
			return "Error.Field.Country";
		value[0] = (char)(value[0] & ~0x20);
		value[1] = (char)(value[1] & ~0x20);
		return NULL;
	case FIELD_CHOICE:
		return field_choice(field, value) >= 0 ? NULL : "Error.Field.Choice";
	case FIELD_LANG:
		return lang_from_code(value) >= 0 ? NULL : "Error.Field.Lang";
	case FIELD_IDS:
		return *value >= '1' && *value <= '9' && strlen(value) <= 18 &&
		    strspn(value, "0123456789") == strlen(value) ? NULL : "Error.Field.Number";
	case FIELD_DATE: {
		static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int year, month, day;

		if (strlen(value) != 10 || value[4] != '-' || value[7] != '-' ||
		    strspn(value, "0123456789-") != 10 ||
		    sscanf(value, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
		    year < 1900 || month < 1 || month > 12 || day < 1 || day > days[month - 1] ||
		    (month == 2 && day == 29 && (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0))))
			return "Error.Field.Date";
		return NULL;
	}
	}
	return NULL;
}

/* Checks and normalises one field of the request in place (its node under
 * Query.*). Returns NULL when it is fine, else the Lang key of the message. */
static const char *
field_check(const struct field *field, HDF *node)
{
	if (field->kind == FIELD_IDS && node != NULL) {
		HDF *child = hdf_obj_child(node);
		long long count = 0;

		/* ?id=3&id=5 arrives as Query.id = 5 with children 0 = 3, 1 = 5 */
		for (; child != NULL; child = hdf_obj_next(child), count++) {
			const char *item = hdf_obj_value(child);

			if (item == NULL || *item < '1' || *item > '9' || strlen(item) > 18 ||
			    strspn(item, "0123456789") != strlen(item))
				return "Error.Field.Number";
		}
		if (count > field->max)
			return "Error.Field.TooMany";
		if (count > 0)
			return NULL;
	}
	if (node != NULL && hdf_obj_child(node) != NULL)
		return "Error.Field.Repeated";
	return field_value_check(field, node ? hdf_obj_value(node) : NULL);
}

/* Validates every declared field; messages go to Page.Errors.<name>.
 * Returns the first message key, or NULL when all are fine. */
const char *
form_validate(struct request *req)
{
	const struct field *field;
	const char *first = NULL;
	char name[160];
	HDF *query;

	if (req->route->fields == NULL)
		return NULL;
	query = hdf_get_obj(req->hdf, "Query");
	for (field = req->route->fields; field->name != NULL; field++) {
		const char *problem;

		problem = field_check(field, query != NULL ? hdf_get_obj(query, field->name) : NULL);
		if (problem == NULL)
			continue;
		snprintf(name, sizeof(name), "Page.Errors.%s", field->name);
		hdf_set_value(req->hdf, name, request_text(req, problem));
		if (first == NULL)
			first = problem;
	}
	return first;
}

/* --- the door: what the cgi kit may parse -------------------------------------- */

/*
 * ClearSilver's form parser is quadratic in the values of one name and slow
 * on deep dotted names (a 1 MB body of "a=1&a=1..." held a program 80 s).
 * So nothing reaches it that no form of ours sends: a text is walked once,
 * here, against the route's declared fields, and only then parsed.
 */

/* The declared field of a raw (not decoded) name, or NULL. Our names are
 * letters, digits and '_', which no browser encodes. */
static const struct field *
form_field(const struct route *route, const char *name, size_t len)
{
	const struct field *field;

	if (route == NULL || route->fields == NULL)
		return NULL;
	for (field = route->fields; field->name != NULL; field++)
		if (strlen(field->name) == len && memcmp(field->name, name, len) == 0)
			return field;
	return NULL;
}

#define FORM_FIELDS_MAX 64	/* fields a route may declare (and have counted) */

long long
form_quota(const struct field *field)
{
	return field->kind == FIELD_IDS ? field->max + 1 : 1;
}

/*
 * Walks the pairs of an urlencoded text of len bytes ("a=1&b=2") in one
 * pass. In a body (is_body) every name must be a declared field or csrf; in
 * a query string other names are left out (links may carry a tracker's
 * tags). No name may come more often than its quota. kept, when not NULL
 * (room for len + 1), gets the pairs that stay, for the cgi kit.
 * Returns NULL when the text may be parsed, else the Lang key that says why
 * not.
 */
/* Whether text up to end holds "%00", which decodes to a NUL byte: every
 * value is a C string from then on, so the rest would be silently lost
 * ("columns=email%00,phone" would read "email"). */
static int
has_escaped_nul(const char *text, const char *end)
{
	const char *p;

	for (p = text; p + 2 < end; p++)
		if (p[0] == '%' && p[1] == '0' && p[2] == '0')
			return 1;
	return 0;
}

static const char *
form_check(const struct route *route, const char *text, size_t len, int is_body, char *kept)
{
	const char *end = text + len, *piece, *next;
	long long counts[FORM_FIELDS_MAX] = { 0 }, csrf_count = 0;
	size_t kept_len = 0;

	if (kept != NULL)
		kept[0] = '\0';	/* a refused text leaves nothing kept */
	if (memchr(text, '\0', len) != NULL)
		return "Error.BadForm";	/* a browser sends %00, never a raw NUL */
	for (piece = text; piece < end; piece = next + 1) {
		const char *equals;
		const struct field *field;
		size_t name_len;
		long long *count;

		next = memchr(piece, '&', (size_t)(end - piece));
		if (next == NULL)
			next = end;
		if (next == piece)
			continue;	/* "&&": the cgi kit skips it too */
		equals = memchr(piece, '=', (size_t)(next - piece));
		name_len = (size_t)((equals ? equals : next) - piece);
		field = form_field(route, piece, name_len);
		if (field != NULL && field - route->fields < FORM_FIELDS_MAX)
			count = &counts[field - route->fields];
		else if (is_body && name_len == 4 && memcmp(piece, "csrf", 4) == 0)
			count = &csrf_count;
		else if (is_body)
			return "Error.BadForm";
		else
			continue;
		if (has_escaped_nul(piece, next))
			return "Error.BadForm";	/* the cgi kit would cut the value there */
		if (++*count > (field ? form_quota(field) : 1))
			return field && field->kind == FIELD_IDS ? "Error.Field.TooMany"
			    : "Error.Field.Repeated";
		if (kept != NULL) {
			if (kept_len > 0)
				kept[kept_len++] = '&';
			memcpy(kept + kept_len, piece, (size_t)(next - piece));
			kept_len += (size_t)(next - piece);
			kept[kept_len] = '\0';
		}
	}
	return NULL;
}

/* Gives the cgi kit the query string of a GET, with only the route's
 * fields in it; a POST's fields come from its body alone, so that secrets
 * never need a URL (and the access logs that keep them), but for a
 * ROUTE_SIGNED_URL route's, whose signed link is its authority. */
void
form_query_prepare(struct request *req)
{
	const char *query = request_param(req, "QUERY_STRING");
	size_t len;

	if (query == NULL || req->route == NULL ||
	    (strcmp(req->method, "GET") != 0 && !(req->route->flags & ROUTE_SIGNED_URL)))
		return;
	len = strlen(query);
	req->query = malloc(len + 1);
	if (req->query == NULL) {
		req->form_problem = "Error.BadForm";
		return;
	}
	req->form_problem = form_check(req->route, query, len, 0, req->query);
}

/* 1 when a Content-Type is media_type, parameters (such as
 * "; charset=utf-8") and letter case aside. */
static int
type_is(const char *type, const char *media_type)
{
	size_t len = strlen(media_type);

	if (type == NULL)
		return 0;
	type += strspn(type, " \t");
	if (strncasecmp(type, media_type, len) != 0)
		return 0;
	type += len;
	type += strspn(type, " \t");
	return *type == '\0' || *type == ';';
}

/* 1 when a Content-Type names an urlencoded form. */
static int
form_type_ok(const char *type)
{
	return type_is(type, "application/x-www-form-urlencoded");
}

/* 1 when a Content-Type names JSON, which only ROUTE_KEY routes take. */
static int
json_type_ok(const char *type)
{
	return type_is(type, "application/json");
}

int
form_body_read(struct request *req)
{
	const char *length = request_param(req, "CONTENT_LENGTH");
	size_t limit = (size_t)req->app->max_body, want, got = 0;
	int exact = length != NULL && *length != '\0';

	if (req->body != NULL)
		return 0;	/* read already (a signed request's, to hash it) */
	if (exact) {
		if (strspn(length, "0123456789") != strlen(length))
			return 400;
		if (strlen(length) > 15 || strtoll(length, NULL, 10) > (long long)limit)
			return 413;
		want = (size_t)strtoll(length, NULL, 10);
	} else
		/* no length: a chunked body, read to its end, never past the
		 * limit (Apache's mod_cgid passes one to a CGI so, and closes
		 * its input after it) */
		want = limit + 1;
	req->body = malloc(want + 1);
	if (req->body == NULL)
		return 413;
	while (got < want) {
		int n = request_read(req, req->body + got, (int)(want - got > 65536 ? 65536 : want - got));

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (exact && got != want)
		return 400;
	if (got > limit)
		return 413;
	req->body[got] = '\0';
	req->body_len = got;
	return 0;
}

/* A small multipart/form-data form (RFC 7578) for a ROUTE_SIGNED_URL
 * route: RFC 8058 asks mailbox providers to post "List-Unsubscribe=
 * One-Click" that way, and lets them use an urlencoded body instead. Only
 * the route's declared fields, each once, no file, no NUL byte. */
struct small_form {
	const struct route *route;
	const struct field *field;	/* of the part being read */
	int seen[FORM_FIELDS_MAX];
	char value[512];
	size_t len;
	HDF *hdf;
	int bad;
};

static int
small_begin(void *data, const struct multipart_part *part)
{
	struct small_form *form = data;

	form->field = part->has_filename ? NULL : form_field(form->route, part->name,
	    strlen(part->name));
	if (form->field == NULL || form->field - form->route->fields >= FORM_FIELDS_MAX ||
	    form->seen[form->field - form->route->fields]++ > 0) {
		form->bad = 1;
		return MULTIPART__MAX;
	}
	form->len = 0;
	return 0;
}

static int
small_data(void *data, const char *bytes, size_t len)
{
	struct small_form *form = data;

	if (form->len + len >= sizeof(form->value) || memchr(bytes, '\0', len) != NULL) {
		form->bad = 1;
		return MULTIPART__MAX;
	}
	memcpy(form->value + form->len, bytes, len);
	form->len += len;
	return 0;
}

static int
small_end(void *data)
{
	struct small_form *form = data;
	char name[160];

	form->value[form->len] = '\0';
	snprintf(name, sizeof(name), "Query.%s", form->field->name);
	hdf_set_value(form->hdf, name, form->value);
	return 0;
}

/* Reads and parses a ROUTE_SIGNED_URL route's multipart body into
 * Query.*. Returns 0, or the status of the error page sent. */
static int
form_parse_small_multipart(struct request *req, const char *boundary)
{
	static const struct multipart_callbacks callbacks = { small_begin, small_data, small_end };
	struct small_form form;
	struct multipart mp;
	int status = form_body_read(req);

	if (status != 0) {
		page_error(req, status, status == 413 ? NULL : "Error.BadForm");
		return status;
	}
	memset(&form, 0, sizeof(form));
	form.route = req->route;
	form.hdf = req->hdf;
	multipart_init(&mp, boundary, &callbacks, &form);
	if (multipart_feed(&mp, req->body, req->body_len) != MULTIPART_OK ||
	    multipart_finish(&mp) != MULTIPART_OK || form.bad) {
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	return 0;
}

/* Reads, checks and parses a POST's form. Returns 0, or the status of the
 * error page that has been sent. */
int
form_parse(struct request *req)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	const char *problem;
	int status;
	NEOERR *err;

	if (!form_type_ok(request_param(req, "CONTENT_TYPE"))) {
		/* a machine may post JSON, which the handler reads
		 * (request_body), or nothing at all */
		if ((req->route->flags & ROUTE_KEY) &&
		    (json_type_ok(request_param(req, "CONTENT_TYPE")) ||
		    (req->body != NULL && req->body_len == 0)))
			return 0;
		if ((req->route->flags & ROUTE_SIGNED_URL) &&
		    multipart_boundary(request_param(req, "CONTENT_TYPE"), boundary) == 0)
			return form_parse_small_multipart(req, boundary);
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	status = form_body_read(req);
	if (status != 0) {
		page_error(req, status, status == 413 ? NULL : "Error.BadForm");
		return status;
	}
	problem = form_check(req->route, req->body, req->body_len, 1, NULL);
	if (problem != NULL) {
		page_error(req, 400, problem);
		return 400;
	}
	/* the cgi kit compares the type whole and trusts the length it is told */
	err = request_cgi_variables(req);
	if (err == STATUS_OK)
		err = hdf_set_value(req->hdf, "CGI.ContentType", "application/x-www-form-urlencoded");
	if (err == STATUS_OK)
		err = hdf_set_int_value(req->hdf, "CGI.ContentLength", (int)req->body_len);
	if (err == STATUS_OK)
		err = cgi_parse(req->cgi);
	if (err != STATUS_OK) {
		cs_log_error("parse", err);
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	return 0;
}
