/*
 * What a request is and what a handler may ask of it: the route table's
 * types (who may call a route, the fields it declares), the program a
 * request belongs to (struct app: its routes, its SQL and what its process
 * set up once), the shop, the session, the request itself, and the
 * functions that read a request's validated fields and parameters.
 *
 * Every part of the core that serves a request (page, session, mail,
 * token, ratelimit) includes this and not app.h, so that the accept loop
 * (app.h, app.c), which calls them all, is called by none of them.
 * The functions declared here are defined in request.c, except
 * field_value_check, which is the door's (form.c).
 */
#ifndef FIDELE_REQUEST_H
#define FIDELE_REQUEST_H

#include <stddef.h>

#include <fcgiapp.h>

#include "clearsilver.h"
#include "context.h"
#include "db.h"
#include "lang.h"

/* Who may call a route. */
enum access {
	ACCESS_PUBLIC,	/* anyone */
	ACCESS_ADMIN,	/* a signed-in admin of this shop, owner or staff */
	ACCESS_OWNER,	/* a signed-in owner of this shop */
	ACCESS_CUSTOMER	/* a signed-in customer of this shop */
};

/* How a declared field is checked before the handler runs. */
enum field_kind {
	FIELD_TEXT,	/* one line of clean UTF-8, trimmed */
	FIELD_MULTILINE,	/* clean UTF-8 with line breaks, trimmed */
	FIELD_EMAIL,	/* an address, trimmed and lowercased */
	FIELD_PASSWORD,	/* clean UTF-8, not trimmed */
	FIELD_INT,	/* a decimal number within min..max */
	FIELD_PATH,	/* a local path to return to: starts with one '/' */
	FIELD_TOKEN,	/* 64 hex characters (a mailed token, a code form's handle) */
	FIELD_DIGITS,	/* digits only, exactly max_length of them (a mailed code) */
	FIELD_PHONE,	/* digits, spaces and + - . ( ), at least six digits */
	FIELD_COUNTRY,	/* two letters (ISO 3166), uppercased */
	FIELD_LANG,	/* a language Fidèle speaks: fr or en */
	FIELD_DATE,	/* a calendar date, YYYY-MM-DD */
	FIELD_IDS	/* one or more positive ids (ticked rows), at most max of them */
};

struct field {
	const char *name;	/* form or query name */
	enum field_kind kind;
	int required;
	size_t max_length;	/* in characters */
	long long min, max;	/* FIELD_INT only */
};

struct request;

/* Returns nothing: a handler always answers (page, redirect or error). */
typedef void (*route_handler)(struct request *req);

struct route {
	const char *method;	/* "GET" or "POST" */
	const char *path;	/* exact path; a "#" segment matches an id */
	enum access access;
	/* ends with an entry whose name is NULL; at most 64 before it. A POST
	 * may send these and csrf, nothing else (see form_check in app.c). */
	const struct field *fields;
	route_handler handler;
	/* Called instead of an error page when a field is invalid, so a form can
	 * be shown again with its message; it must not touch the database. */
	route_handler invalid;
};

/* The largest body a form of ours sends, in bytes: the default of
 * Limits.MaxBody, and nginx's client_max_body_size in nginx-conf/. The
 * largest form is a message to a customer: 200 + 5,000 characters, which a
 * browser may send as 12 bytes each (%XX for each of four UTF-8 bytes),
 * 62,400 bytes and its names; the bulk form with 200 ticked ids is under
 * 5 KB. Uploads get a limit of their own. */
#define APP_MAX_BODY 65536

/* A part of the site with visitors of its own (the admin pages, the
 * customers' pages). The site gives the table (fcgi/site.c); the core knows
 * no URL but looks paths and visitors up in it. */
struct area {
	const char *prefix;	/* its paths start with it: "/admin" */
	const char *home;	/* its home page, the brand link of its pages */
	const char *sign_in;	/* where a stranger to a route of its visitors goes, with ?next= */
	enum access visitor;	/* ACCESS_ADMIN (owners too) or ACCESS_CUSTOMER */
};

/* An entry of the admin pages' navigation bar (layout.cs, Site.Nav). */
struct nav_entry {
	const char *path;
	const char *label;	/* a Lang key */
	const char *section;	/* the Page.Section that marks it current */
	int owner_only;
};

struct app {
	const char *name;	/* program name, for logs */
	const struct route *routes;
	size_t route_count;
	struct db_query *sql;	/* the program's statements, may be NULL */
	size_t sql_count;
	/* the site's areas, ending with a NULL prefix; the first is the
	 * default (a path of no area, an unsafe redirect); and its navigation
	 * bar, ending with a NULL path */
	const struct area *areas;
	const struct nav_entry *nav;
	/* set up by app_main */
	HDF *config;
	/* The one HDF tree every request of this process fills and empties:
	 * it keeps only the language trees (Lang_fr, Lang_en) between
	 * requests, and a request's Lang is a link to its shop's one, so the
	 * strings are read once per process instead of copied per request. */
	HDF *base;
	struct db db;
	const char *data_dir;
	const char *secret;
	long max_body;
};

/* The cookies a session is read from (session.c) and that page.c sends
 * with the head when the session says so (set_anon_cookie). */
#define SESSION_COOKIE "fidele_session"
#define SESSION_ACCOUNT_COOKIE "fidele_account"
#define SESSION_ANON_COOKIE "fidele_anon"

/* Filled by session.c; page.c reads it to render and to send cookies. */
struct session {
	char cookie[2 * 32 + 1];	/* hex admin session id from its cookie, "" if none */
	int valid;		/* an admin is signed in */
	long long admin_id;
	int admin_is_owner;
	char admin_email[256];
	char admin_name[256];
	char account_cookie[2 * 32 + 1];	/* hex customer session id, "" if none */
	long long customer_id;	/* a customer is signed in when not 0 */
	char customer_email[256];
	char customer_name[256];
	char csrf_basis[2 * 32 + 1];	/* what the CSRF token is derived from */
	char csrf_token[2 * 32 + 1];	/* the forms' token, of csrf_basis; "" if none */
	int set_anon_cookie;	/* a new anonymous CSRF cookie must be sent */
};

struct request {
	struct app *app;
	FCGX_Request *fcgx;	/* NULL under plain CGI */
	char **envp;
	CGI *cgi;
	HDF *hdf;	/* the whole request + page data; owned by cgi */
	const char *method;	/* how the route is found: a HEAD is a GET */
	int head;		/* a HEAD: answered as its GET, without the body */
	int head_sent;		/* the status line and headers are written */
	char path[512];
	long long path_id;	/* the first "#" segment of the route, or 0 */
	long long path_id2;	/* the second one, or 0 */
	const struct route *route;
	/* What ClearSilver is given to parse, checked at the door against the
	 * route's fields: the query string of a GET (undeclared names left
	 * out; a POST's is not read at all) and the body of a POST. */
	char *query;
	char *body;
	size_t body_len, body_pos;
	const char *form_problem;	/* a Lang key when the query was refused */
	struct shop shop;
	struct session session;
	/* what services (mail, events, tokens, the customer writer) act
	 * with: this shop, this database, this tree, the signed-in actor */
	struct shop_context context;
	int https;
	int status;
	STRING headers;	/* extra response headers, each ending in \r\n */
	int answered;
	int token_page;	/* carries a secret token: Referrer-Policy strict-origin */
	double started;
};

/* The area of the request's path (the first one when no area has it). */
const struct area *request_area(struct request *req);

/* The area whose visitors a route of this access kind is for. */
const struct area *request_area_of(struct request *req, enum access access);

/* Checks one value as the door checks a declared field of that kind, and
 * normalises it in place (trimmed, an address lowercased, a country
 * uppercased). Returns NULL when it is fine, else the Lang key of the
 * message. For values that come another way than the request: a saved
 * query (customer_query.c). */
const char *field_value_check(const struct field *field, char *value);

/* A request parameter (environment) or NULL. */
const char *request_param(struct request *req, const char *name);

/* Reads up to len bytes of the body as the client sent it (the door reads
 * it once). Returns the count, 0 at the end, -1 on an error. */
int request_read(struct request *req, char *buf, int len);

/* The validated value of a declared field of the current route, or NULL
 * when absent. Undeclared names always give NULL. */
const char *request_field(struct request *req, const char *name);

/* The ids of a declared FIELD_IDS into out (room for max). Returns how many. */
size_t request_field_ids(struct request *req, const char *name, long long *out, size_t max);

/* The validated integer of a declared FIELD_INT, or fallback when absent. */
long long request_field_int(struct request *req, const char *name, long long fallback);

/* Points the request's Lang at its shop's language tree. */
void request_link_lang(struct request *req);

/* The language tree of the request's shop, for strings built in C. */
const char *request_text(struct request *req, const char *key);

#endif
