/*
 * The accept loop and the dispatch of one request, shared by every program.
 * ClearSilver's cgi kit reads the request through the callbacks below, which
 * point at the current request's FastCGI streams (or at stdin/environ when
 * run as plain CGI). The cgi kit keeps global state, so a process serves one
 * request at a time; scale with processes.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include "app.h"
#include "settings.h"
#include "core_sql.h"
#include "log.h"
#include "page.h"
#include "session.h"
#include "text.h"

extern char **environ;

static struct request *current;	/* the request the cgi kit callbacks serve */

static double
now_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

const char *
request_param(struct request *req, const char *name)
{
	if (req->fcgx != NULL)
		return FCGX_GetParam(name, req->envp);
	return getenv(name);
}

/* --- ClearSilver cgiwrap callbacks ------------------------------------- */

/* The request body as the client sent it (read once, at the door). */
static int
read_input(struct request *req, char *buf, int len)
{
	if (req->fcgx != NULL)
		return FCGX_GetStr(buf, len, req->fcgx->in);
	return (int)fread(buf, 1, (size_t)len, stdin);
}

/* The cgi kit reads the body that the door already read and checked. */
static int
wrap_read(void *data, char *buf, int len)
{
	size_t left = current->body_len - current->body_pos;
	size_t n = len < 0 ? 0 : (size_t)len;

	(void)data;
	if (current->body == NULL)
		return 0;
	if (n > left)
		n = left;
	memcpy(buf, current->body + current->body_pos, n);
	current->body_pos += n;
	return (int)n;
}

static int
wrap_writef(void *data, const char *fmt, va_list ap)
{
	(void)data;
	if (current->fcgx != NULL)
		return FCGX_VFPrintF(current->fcgx->out, fmt, ap);
	return vprintf(fmt, ap);
}

static int
wrap_write(void *data, const char *buf, int len)
{
	(void)data;
	if (current->fcgx != NULL)
		return FCGX_PutStr(buf, len, current->fcgx->out);
	return (int)fwrite(buf, 1, (size_t)len, stdout);
}

/* The cgi kit frees what this returns: always a malloc'd copy. It sees
 * the query string as the door left it. */
static char *
wrap_getenv(void *data, const char *name)
{
	const char *value = request_param(current, name);

	(void)data;
	if (strcmp(name, "QUERY_STRING") == 0)
		value = current->query;
	return value ? strdup(value) : NULL;
}

static int
wrap_putenv(void *data, const char *name, const char *value)
{
	(void)data;
	(void)name;
	(void)value;
	return -1;	/* requests never change their environment */
}

/* Without this the cgi kit imports no HTTP.* headers. */
static int
wrap_iterenv(void *data, int n, char **name, char **value)
{
	char **env = current->fcgx ? current->envp : environ;
	const char *entry, *eq;
	int i;

	(void)data;
	*name = *value = NULL;
	for (i = 0; i < n && env[i] != NULL; i++)
		;
	if (i < n || env[n] == NULL)
		return 0;
	entry = env[n];
	eq = strchr(entry, '=');
	if (eq == NULL)
		return 0;
	*name = strndup(entry, (size_t)(eq - entry));
	*value = strdup(eq + 1);
	return 0;
}

/* --- fields --------------------------------------------------------------- */

static const struct field *
route_field(const struct route *route, const char *name)
{
	const struct field *field;

	if (route == NULL || route->fields == NULL)
		return NULL;
	for (field = route->fields; field->name != NULL; field++)
		if (strcmp(field->name, name) == 0)
			return field;
	return NULL;
}

const char *
request_field(struct request *req, const char *name)
{
	char key[128];

	if (route_field(req->route, name) == NULL)
		return NULL;
	snprintf(key, sizeof(key), "Query.%s", name);
	return hdf_get_value(req->hdf, key, NULL);
}

size_t
request_field_ids(struct request *req, const char *name, long long *out, size_t max)
{
	char key[128];
	HDF *node, *child;
	size_t count = 0;

	if (route_field(req->route, name) == NULL)
		return 0;
	snprintf(key, sizeof(key), "Query.%s", name);
	node = hdf_get_obj(req->hdf, key);
	if (node == NULL)
		return 0;
	child = hdf_obj_child(node);
	if (child == NULL && hdf_obj_value(node) != NULL && max > 0) {
		out[0] = strtoll(hdf_obj_value(node), NULL, 10);
		return 1;
	}
	for (; child != NULL && count < max; child = hdf_obj_next(child))
		out[count++] = strtoll(hdf_obj_value(child), NULL, 10);
	return count;
}

long long
request_field_int(struct request *req, const char *name, long long fallback)
{
	const char *value = request_field(req, name);

	return value && *value ? strtoll(value, NULL, 10) : fallback;
}

void
request_link_lang(struct request *req)
{
	char target[16];

	snprintf(target, sizeof(target), "Lang_%s", lang_codes[req->shop.lang]);
	hdf_set_symlink(req->hdf, "Lang", target);
}

const char *
request_text(struct request *req, const char *key)
{
	char name[256];

	snprintf(name, sizeof(name), "Lang.%s", key);
	return hdf_get_value(req->hdf, name, key);
}

const struct area *
request_area(struct request *req)
{
	const struct area *area;

	for (area = req->app->areas; area->prefix != NULL; area++)
		if (strncmp(req->path, area->prefix, strlen(area->prefix)) == 0)
			return area;
	return req->app->areas;
}

const struct area *
request_area_of(struct request *req, enum access access)
{
	const struct area *area;

	if (access == ACCESS_OWNER)
		access = ACCESS_ADMIN;
	for (area = req->app->areas; area->prefix != NULL; area++)
		if (area->visitor == access)
			return area;
	return req->app->areas;
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
	if (field->max_length && text_length(value) > field->max_length)
		return "Error.Field.TooLong";
	switch (field->kind) {
	case FIELD_TEXT:
	case FIELD_MULTILINE:
	case FIELD_PASSWORD:
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
	case FIELD_LANG:
		return strcmp(value, "fr") == 0 || strcmp(value, "en") == 0 ? NULL : "Error.Field.Lang";
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
static const char *
validate_fields(struct request *req)
{
	const struct field *field;
	const char *first = NULL;
	char name[160];

	if (req->route->fields == NULL)
		return NULL;
	for (field = req->route->fields; field->name != NULL; field++) {
		const char *problem;

		snprintf(name, sizeof(name), "Query.%s", field->name);
		problem = field_check(field, hdf_get_obj(req->hdf, name));
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

/* How often a field may come: once, and a FIELD_IDS one more than its
 * maximum, so that the page can say how many rows may be ticked. */
static long long
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
 * never need a URL (and the access logs that keep them). */
static void
query_prepare(struct request *req)
{
	const char *query = request_param(req, "QUERY_STRING");
	size_t len;

	if (strcmp(req->method, "GET") != 0 || query == NULL || req->route == NULL)
		return;
	len = strlen(query);
	req->query = malloc(len + 1);
	if (req->query == NULL) {
		req->form_problem = "Error.BadForm";
		return;
	}
	req->form_problem = form_check(req->route, query, len, 0, req->query);
}

/* 1 when a Content-Type names an urlencoded form, parameters (such as
 * "; charset=utf-8") and letter case aside. */
static int
form_type_ok(const char *type)
{
	static const char form_type[] = "application/x-www-form-urlencoded";
	size_t len = sizeof(form_type) - 1;

	if (type == NULL)
		return 0;
	type += strspn(type, " \t");
	if (strncasecmp(type, form_type, len) != 0)
		return 0;
	type += len;
	type += strspn(type, " \t");
	return *type == '\0' || *type == ';';
}

/* Reads a POST's body into req->body: exactly CONTENT_LENGTH bytes, or
 * under FastCGI without one (a chunked request) up to the end. Returns 0,
 * 413 when it is over Limits.MaxBody, 400 when it is cut short. */
static int
body_read(struct request *req)
{
	const char *length = request_param(req, "CONTENT_LENGTH");
	size_t limit = (size_t)req->app->max_body, want, got = 0;
	int exact = length != NULL && *length != '\0';

	if (exact) {
		if (strspn(length, "0123456789") != strlen(length))
			return 400;
		if (strlen(length) > 15 || strtoll(length, NULL, 10) > (long long)limit)
			return 413;
		want = (size_t)strtoll(length, NULL, 10);
	} else
		want = req->fcgx != NULL ? limit + 1 : 0;
	req->body = malloc(want + 1);
	if (req->body == NULL)
		return 413;
	while (got < want) {
		int n = read_input(req, req->body + got, (int)(want - got > 65536 ? 65536 : want - got));

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

/* Reads, checks and parses a POST's form. Returns 0, or the status of the
 * error page that has been sent. */
static int
form_parse(struct request *req)
{
	const char *problem;
	int status;
	NEOERR *err;

	if (!form_type_ok(request_param(req, "CONTENT_TYPE"))) {
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	status = body_read(req);
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
	hdf_set_value(req->hdf, "CGI.ContentType", "application/x-www-form-urlencoded");
	hdf_set_int_value(req->hdf, "CGI.ContentLength", (int)req->body_len);
	err = cgi_parse(req->cgi);
	if (err != STATUS_OK) {
		cs_log_error("parse", err);
		page_error(req, 400, "Error.BadForm");
		return 400;
	}
	return 0;
}

/* --- shop ------------------------------------------------------------------ */

/* Splits a Host header into its host, copied into out (size bytes), and
 * its port. Returns the port's digits ("" when none, or when what follows
 * the colon is no port), or NULL when there is no header or it is too
 * long. */
static const char *
host_split(const char *header, char *out, size_t size)
{
	const char *colon;
	size_t host_len;

	if (header == NULL || strlen(header) >= size)
		return NULL;
	colon = strrchr(header, ':');
	if (colon == NULL || strchr(colon, ']') != NULL)
		colon = NULL;	/* none, or inside an IPv6 literal */
	host_len = colon ? (size_t)(colon - header) : strlen(header);
	memcpy(out, header, host_len);
	out[host_len] = '\0';
	if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return "";
	return colon + 1;
}

/* Finds the shop: FIDELE_SHOP from the vhost, else the Host header.
 * Returns 1 when found, 0 when unknown, -1 on a database error. */
static int
shop_resolve(struct request *req)
{
	const char *slug = request_param(req, "FIDELE_SHOP");
	struct db_query *query;
	char host[254];
	struct db_param param;
	int found;

	if (slug != NULL && *slug != '\0') {
		query = &core_sql[CORE_SHOP_BY_SLUG];
		param = DB_TEXT(slug);
	} else {
		if (host_split(request_param(req, "HTTP_HOST"), host, sizeof(host)) == NULL)
			return 0;
		text_lower_ascii(host);
		query = &core_sql[CORE_SHOP_BY_HOST];
		param = DB_TEXT(host);
	}
	if (db_exec(&req->app->db, query, &param, 1) < 0)
		return -1;
	found = shop_read(query, &req->shop);
	req->shop.found_by_host = found == 1 && query == &core_sql[CORE_SHOP_BY_HOST];
	if (req->shop.found_by_host)
		snprintf(req->shop.host, sizeof(req->shop.host), "%s", host);
	return found;
}

int
shop_link_base(struct request *req, char *out, size_t size)
{
	const char *server_port = request_param(req, "SERVER_PORT");
	const char *port;
	char host[254];
	size_t len;

	if (req->shop.public_url[0] != '\0') {
		snprintf(out, size, "%s", req->shop.public_url);
		len = strlen(out);
		while (len > 0 && out[len - 1] == '/')
			out[--len] = '\0';
		return 0;
	}
	/* only the host as shop_host registered it goes into a mailed link, not
	 * what the client wrote after it; its port only when the request came
	 * in on that port */
	if (!req->shop.found_by_host || req->shop.host[0] == '\0') {
		log_err("shop %s needs a public URL for mailed links (fidele-admin shop set-url)",
		    req->shop.slug);
		return -1;
	}
	port = host_split(request_param(req, "HTTP_HOST"), host, sizeof(host));
	if (port != NULL && *port != '\0' && server_port != NULL && strcmp(port, server_port) == 0)
		snprintf(out, size, "%s://%s:%s", req->https ? "https" : "http", req->shop.host, port);
	else
		snprintf(out, size, "%s://%s", req->https ? "https" : "http", req->shop.host);
	return 0;
}

/* --- routes ---------------------------------------------------------------- */

/* 1 when path matches pattern, where a "#" segment matches a positive
 * id: ids[0] gets the first, ids[1] the second ("/admin/customers/#/notes/#"). */
static int
route_matches(const char *pattern, const char *path, long long *ids)
{
	int found = 0;

	ids[0] = ids[1] = 0;
	while (*pattern && *path) {
		if (pattern[0] == '#' && (pattern[1] == '/' || pattern[1] == '\0')) {
			char *end;

			if (*path < '1' || *path > '9' || found == 2)
				return 0;
			errno = 0;
			ids[found++] = strtoll(path, &end, 10);
			if (errno != 0 || (*end != '/' && *end != '\0'))
				return 0;
			path = end;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

/* Finds the route; *path_known tells whether another method would match. */
static const struct route *
route_find(struct request *req, int *path_known)
{
	size_t i;
	long long ids[2];

	*path_known = 0;
	for (i = 0; i < req->app->route_count; i++) {
		const struct route *route = &req->app->routes[i];

		if (!route_matches(route->path, req->path, ids))
			continue;
		*path_known = 1;
		if (strcmp(route->method, req->method) == 0) {
			req->path_id = ids[0];
			req->path_id2 = ids[1];
			return route;
		}
	}
	return NULL;
}

static void
allow_header(struct request *req)
{
	char allow[64] = "";
	size_t i;
	long long ids[2];

	for (i = 0; i < req->app->route_count; i++) {
		const struct route *route = &req->app->routes[i];

		if (route_matches(route->path, req->path, ids) &&
		    strstr(allow, route->method) == NULL) {
			if (allow[0])
				strcat(allow, ", ");
			strncat(allow, route->method, sizeof(allow) - strlen(allow) - 3);
		}
	}
	page_header(req, "Allow", allow);
}

/* The Origin header, when sent, must be this site; the CSRF token is
 * checked as well in every case.
 *
 * Browsers post a form with "Origin: null" when its page was sent with
 * Referrer-Policy: no-referrer (or a privacy setting strips referrers):
 * that once broke every mailed link, whose pages now use strict-origin
 * (page.c). A null Origin is still taken when the browser's own
 * Sec-Fetch-Site says the form came from this site: Chromium, Firefox and
 * Safari send it to HTTPS sites, a page cannot set it, and an attacker's
 * sandboxed frame (the other source of a null Origin) gets "cross-site".
 * No Origin at all stays accepted for old clients, which the CSRF token
 * still guards. */
static int
origin_ok(struct request *req)
{
	const char *origin = request_param(req, "HTTP_ORIGIN");
	const char *host = request_param(req, "HTTP_HOST");
	const char *fetch_site = request_param(req, "HTTP_SEC_FETCH_SITE");
	char expected[300];

	if (origin == NULL)
		return 1;
	if (strcmp(origin, "null") == 0)
		return fetch_site != NULL && strcmp(fetch_site, "same-origin") == 0;
	if (host == NULL)
		return 0;
	snprintf(expected, sizeof(expected), "%s://%s", req->https ? "https" : "http", host);
	return strcmp(origin, expected) == 0;
}

/* --- one request ----------------------------------------------------------- */

static void
request_path(struct request *req)
{
	const char *script = request_param(req, "SCRIPT_NAME");
	const char *info = request_param(req, "PATH_INFO");

	snprintf(req->path, sizeof(req->path), "%s%s", script ? script : "", info ? info : "");
	if (req->path[0] == '\0')
		strcpy(req->path, "/");
}

static void
request_log(struct request *req)
{
	log_info("%s %s %d %.1fms shop=%lld admin=%lld", req->head ? "HEAD" : req->method,
	    req->path, req->status, (now_seconds() - req->started) * 1000,
	    req->shop.id, req->session.admin_id);
}

/* The request's shop context, once its shop and session are loaded. */
static void
request_context(struct request *req)
{
	struct shop_context *ctx = &req->context;

	ctx->db = &req->app->db;
	ctx->shop_id = req->shop.id;
	ctx->shop = &req->shop;
	ctx->config = req->app->config;
	ctx->hdf = req->hdf;
	ctx->secret = req->app->secret;
	ctx->data_dir = req->app->data_dir;
	ctx->ip = request_param(req, "REMOTE_ADDR");
	if (req->session.valid) {
		ctx->actor = ACTOR_ADMIN;
		ctx->actor_id = req->session.admin_id;
	} else if (req->session.customer_id != 0) {
		ctx->actor = ACTOR_CUSTOMER;
		ctx->actor_id = req->session.customer_id;
	} else
		ctx->actor = ACTOR_VISITOR;
}

/* What the door put into the tree for the handler: the shop's language
 * and name. */
static void
request_tree_door(struct request *req)
{
	request_link_lang(req);
	hdf_set_value(req->hdf, "Page.Lang", lang_codes[req->shop.lang]);
	hdf_set_value(req->hdf, "Shop.Name", req->shop.name);
}

static void tree_empty(HDF *tree, int keep_request);

/* The request as its handler found it, to run the handler again from it. */
struct request_door {
	struct shop shop;
	struct session session;
	int status;
	int token_page;
	int headers_len;
};

static void
request_door_keep(struct request *req, struct request_door *door)
{
	door->shop = req->shop;
	door->session = req->session;
	door->status = req->status;
	door->token_page = req->token_page;
	door->headers_len = req->headers.len;
}

/* Takes back everything a handler put into the request: its page data
 * (every node of the tree but the request's own values and the language
 * trees), its headers, cookies and notices, its status, and what it
 * changed of the shop and the session (a sign-in that did not happen). */
static void
request_door_back(struct request *req, const struct request_door *door)
{
	req->shop = door->shop;
	req->session = door->session;
	req->status = door->status;
	req->token_page = door->token_page;
	req->headers.len = door->headers_len;
	if (req->headers.buf != NULL)
		req->headers.buf[req->headers.len] = '\0';
	req->answered = 0;
	tree_empty(req->hdf, 1);
	request_tree_door(req);
	request_context(req);
}

int
request_hold_answer(struct request *req)
{
	if (!req->rerun_allowed || req->head_sent ||
	    !db_request_repeatable(&req->app->db))
		return 0;
	req->rerun = 1;
	req->answered = 1;
	return 1;
}

/* Runs the route's handler. When its database connection died inside a
 * transaction before anything of the request was written or sent
 * (request_hold_answer held its answer back), the server rolled the
 * transaction back: the handler runs again, once, on a new connection,
 * from the request as the door gave it, so that a MariaDB restart or a
 * killed connection costs no page. A loss in the second run, or during a
 * COMMIT (which may have happened), answers the error page. */
static void
handler_run(struct request *req)
{
	struct db *db = &req->app->db;
	struct request_door door;

	request_door_keep(req, &door);
	db_request_start(db);
	req->rerun_allowed = 1;
	req->route->handler(req);
	req->rerun_allowed = 0;
	if (!req->rerun)
		return;
	log_warn("%s %s: the database connection was lost in a transaction that wrote nothing: "
	    "running the request again", req->method, req->path);
	db_rollback(db);
	request_door_back(req, &door);
	db_request_start(db);
	if (db_ensure_connection(db) != DB_OK) {
		page_error(req, 500, NULL);
		return;
	}
	req->route->handler(req);
}

static void
dispatch(struct request *req)
{
	struct app *app = req->app;
	const char *length = request_param(req, "CONTENT_LENGTH");
	const char *too_large = request_param(req, "FIDELE_TOO_LARGE");
	const char *problem;
	int path_known, found;

	found = shop_resolve(req);
	if (found <= 0) {
		page_error(req, found < 0 ? 500 : 404, found < 0 ? NULL : "Error.UnknownShop");
		return;
	}
	request_tree_door(req);

	/* nginx's error_page for a body over client_max_body_size, announced
	 * or chunked, or a length over ours: refused before anything is read */
	if ((too_large != NULL && *too_large != '\0') ||
	    (length != NULL && (strlen(length) > 15 || strtoll(length, NULL, 10) > app->max_body))) {
		page_error(req, 413, NULL);
		return;
	}
	/* no body is read, no form parsed, for a path no route serves */
	if (req->route == NULL) {
		route_find(req, &path_known);
		if (path_known)
			allow_header(req);
		page_error(req, path_known ? 405 : 404, NULL);
		return;
	}
	if (req->form_problem != NULL) {
		page_error(req, 400, req->form_problem);
		return;
	}
	if (strcmp(req->method, "POST") == 0 && form_parse(req) != 0)
		return;
	if (session_load(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	request_context(req);
	if ((req->route->access == ACCESS_CUSTOMER && req->session.customer_id == 0) ||
	    ((req->route->access == ACCESS_ADMIN || req->route->access == ACCESS_OWNER) &&
	    !req->session.valid)) {
		const struct area *area = request_area_of(req, req->route->access);
		char next[600];

		snprintf(next, sizeof(next), "%s?next=%s", area->sign_in,
		    strcmp(req->method, "GET") == 0 ? req->path : area->home);
		page_redirect(req, next);
		return;
	}
	if (req->route->access == ACCESS_OWNER && !req->session.admin_is_owner) {
		page_error(req, 403, "Error.OwnerOnly");
		return;
	}
	if (strcmp(req->method, "POST") == 0 && (!origin_ok(req) || !session_csrf_ok(req))) {
		page_error(req, 403, "Error.Csrf");
		return;
	}
	problem = validate_fields(req);
	if (problem != NULL) {
		if (req->route->invalid != NULL) {
			req->status = 400;
			req->route->invalid(req);
		} else
			page_error(req, 400, problem);
		return;
	}
	handler_run(req);
	if (!req->answered) {
		log_err("handler for %s gave no answer", req->path);
		page_error(req, 500, NULL);
	}
	db_rollback(&app->db);	/* a handler that failed half way leaves nothing */
}

static void
request_run(struct app *app, FCGX_Request *fcgx)
{
	struct request req;
	NEOERR *err;
	int path_known;

	memset(&req, 0, sizeof(req));
	req.app = app;
	req.fcgx = fcgx;
	req.envp = fcgx ? fcgx->envp : environ;
	req.started = now_seconds();
	req.status = 200;
	string_init(&req.headers);
	current = &req;
	req.method = request_param(&req, "REQUEST_METHOD");
	if (req.method == NULL)
		req.method = "GET";
	req.head = strcmp(req.method, "HEAD") == 0;
	if (req.head)
		req.method = "GET";
	request_path(&req);
	req.https = request_param(&req, "HTTPS") != NULL &&
	    strcmp(request_param(&req, "HTTPS"), "on") == 0;
	/* the route first: the cgi kit then sees only what the route reads */
	req.route = route_find(&req, &path_known);
	query_prepare(&req);

	err = cgi_init(&req.cgi, app->base);
	if (err != STATUS_OK) {
		/* cgi_init destroyed the tree it was given: start a new one */
		cs_log_error("request", err);
		app->base = NULL;
		if (lang_load(&app->base, app->data_dir) != 0)
			exit(1);
		req.hdf = app->base;
		page_error(&req, 400, NULL);
	} else {
		req.hdf = req.cgi->hdf;
		dispatch(&req);
	}
	request_log(&req);
	if (req.cgi != NULL) {
		req.cgi->hdf = NULL;	/* the tree is the process's, not the request's */
		cgi_destroy(&req.cgi);
	}
	tree_empty(app->base, 0);
	string_clear(&req.headers);
	free(req.query);
	free(req.body);
	current = NULL;
}

/* What the cgi kit read from the request (tree_empty keeps it for a
 * handler that runs again). */
static const char *const request_nodes[] = { "CGI", "Query", "Cookie", "HTTP" };

static int
tree_node_kept(const char *name, int keep_request)
{
	size_t i;

	if (strncmp(name, "Lang_", 5) == 0 && strlen(name) == 7)
		return 1;
	for (i = 0; keep_request && i < sizeof(request_nodes) / sizeof(request_nodes[0]); i++)
		if (strcmp(name, request_nodes[i]) == 0)
			return 1;
	return 0;
}

/* Removes every top-level node of tree but the language trees, and but
 * the request's own values when keep_request is set. With it unset, at
 * the end of a request, nothing of one request is left for the next. */
static void
tree_empty(HDF *tree, int keep_request)
{
	HDF *node = hdf_obj_child(tree);
	char *names[64];
	int count = 0, i;

	while (node != NULL && count < 64) {
		const char *name = hdf_obj_name(node);

		if (!tree_node_kept(name, keep_request))
			names[count++] = strdup(name);
		node = hdf_obj_next(node);
	}
	for (i = 0; i < count; i++) {
		if (names[i] != NULL)
			hdf_remove_tree(tree, names[i]);
		free(names[i]);
	}
	if (node != NULL)
		tree_empty(tree, keep_request);	/* more than 64 top-level names: go again */
}

int
app_main(struct app *app, int argc, char **argv)
{
	FCGX_Request fcgx;

	(void)argc;
	(void)argv;
	log_program(app->name);
	if (app->areas == NULL || app->areas[0].prefix == NULL || app->nav == NULL) {
		log_err("the program gives no areas or navigation (fcgi/site.h)");
		return 1;
	}
	app->config = settings_load();
	if (app->config == NULL)
		return 1;
	app->data_dir = settings_data_dir(app->config);
	app->secret = settings_secret(app->config);
	app->max_body = hdf_get_int_value(app->config, "Limits.MaxBody", APP_MAX_BODY);
	if (app->secret == NULL) {
		hdf_destroy(&app->config);
		return 1;
	}
	if (lang_load(&app->base, app->data_dir) != 0)
		return 1;
	/* a database that is down at start is retried at the first request */
	if (db_connect(&app->db, app->config) != 0)
		log_err("starting without a database connection");
	db_register(&app->db, core_sql, CORE_SQL__MAX);
	if (app->sql != NULL)
		db_register(&app->db, app->sql, app->sql_count);
	cgiwrap_init_emu(NULL, wrap_read, wrap_writef, wrap_write, wrap_getenv,
	    wrap_putenv, wrap_iterenv);

	if (FCGX_IsCGI()) {
		request_run(app, NULL);
		fflush(stdout);
	} else {
		FCGX_Init();
		FCGX_InitRequest(&fcgx, 0, 0);
		while (FCGX_Accept_r(&fcgx) >= 0) {
			request_run(app, &fcgx);
			FCGX_Finish_r(&fcgx);
		}
	}
	db_close(&app->db);
	hdf_destroy(&app->base);
	hdf_destroy(&app->config);
	return 0;
}
