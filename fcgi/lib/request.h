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
 * field_value_check and field_choice, which are the door's (form.c).
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
	FIELD_DIGITS,	/* digits only, exactly max_length of them (a mailed code);
			 * spaces, dashes and dots typed between them are taken out */
	FIELD_PHONE,	/* digits, spaces and + - . ( ), at least six digits */
	FIELD_COUNTRY,	/* two letters (ISO 3166), uppercased */
	FIELD_LANG,	/* a language Fidèle speaks: fr or en */
	FIELD_DATE,	/* a calendar date, YYYY-MM-DD */
	FIELD_IDS,	/* one or more positive ids (ticked rows), at most max of them */
	/* a file of a multipart form (ROUTE_UPLOAD routes only), written to
	 * the spool as it arrives (upload.h); its value, request_field(), is
	 * the client's filename; max is its largest size in bytes (0: the
	 * request's limit, Limits.MaxUpload) */
	FIELD_UPLOAD,
	FIELD_CHOICE	/* one of choices, exactly (case counts); read as its index */
};

/*
 * A route's fields are a table indexed by an enum of the program, the
 * entry past the last key left empty (a NULL name ends the table):
 *
 *	enum { NEW_EMAIL, NEW_LANGUAGE, NEW__MAX };
 *	const struct field new_fields[NEW__MAX + 1] = {
 *		[NEW_EMAIL] = { "email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
 *		[NEW_LANGUAGE] = { "language", FIELD_LANG, 0, 0, 0, 0, NULL },
 *	};
 *
 * and a handler reads request_field(req, &new_fields[NEW_EMAIL]): a
 * misspelt key does not compile, and a field of another route's table is
 * refused (see request_field).
 */
struct field {
	const char *name;	/* form or query name */
	enum field_kind kind;
	int required;
	size_t max_length;	/* in characters */
	long long min, max;	/* FIELD_INT only */
	/* FIELD_CHOICE only: the values offered, ending with NULL; the
	 * value read is the index of the one sent */
	const char *const *choices;
};

struct request;
struct upload_state;

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
	unsigned flags;	/* ROUTE_* below, or 0 for a page */
};

/* A POST route that takes multipart/form-data (and only that), with files
 * (FIELD_UPLOAD) up to Limits.MaxUpload; no other route accepts multipart.
 * Who may call it and its Origin are checked before the body is read; its
 * form must send csrf before any file (upload.h). */
#define ROUTE_UPLOAD (1u << 0)

/* A machine endpoint (a shop's web store calling): every request is signed
 * with one of the shop's API keys (keyauth.h), the body is read and hashed
 * before it is parsed, no session is read and no cookie set, no CSRF token
 * or Origin is asked for, and every error is answered as JSON. The route's
 * access must be ACCESS_PUBLIC: the key is who may call it. */
#define ROUTE_KEY (1u << 1)
/* A POST whose authority is a signed token in its URL: a mail's one-click
 * unsubscribe (RFC 8058), which a mailbox provider posts from its own
 * servers, with no cookie, no CSRF token and no Origin of ours. Its query
 * string is checked against the route's fields and read as a GET's is,
 * beside the body; no CSRF token or Origin is asked for. The handler
 * checks the signature before it acts, and acts only in ways a replay or
 * a stranger's post cannot misuse (withdrawing, never granting). */
#define ROUTE_SIGNED_URL (1u << 2)

/* The largest body a form of ours sends, in bytes: the default of
 * Limits.MaxBody, and nginx's client_max_body_size in nginx-conf/. The
 * largest form is a message to a customer: 200 + 5,000 characters, which a
 * browser may send as 12 bytes each (%XX for each of four UTF-8 bytes),
 * 62,400 bytes and its names; the bulk form with 200 ticked ids is under
 * 5 KB. Uploads get a limit of their own. */
#define APP_MAX_BODY 65536

/* A part of the site with visitors of its own (the admin pages, the
 * customers' pages). The site gives the table (fcgi/site.h, made from the
 * programs' declarations fcgi/<program>.site.hdf); the core knows
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

/* The sections of the language files a web program reads beyond the
 * core's (lang.h, LANG_CORE_SECTIONS): its fcgi/<program>.site.hdf's
 * Lang. */
struct program_lang {
	const char *program;
	const char *sections;	/* space-separated */
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
	/* every web program's language sections, ending with a NULL program:
	 * this program reads its entry's (NULL: the whole files) */
	const struct program_lang *lang;
	/* the kind of job whose progress the program's admins are shown (the
	 * newest queued or running one: session.job_id), NULL for none */
	const char *job_kind;
	/* 1: the door also reads the shop's alerts for its admin (the failed
	 * mails, the running job of job_kind, the version of the groups and
	 * tags: session.failed_mails, session.job_id, shop.labels_version);
	 * 0: they stay 0 (core_sql.c, the door) */
	int door_alerts;
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
	/* Security.TrustForwardedProto: a proxy in front ends TLS and says
	 * so in X-Forwarded-Proto (request_is_https) */
	int trust_forwarded_proto;
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
	long long admin_idle, customer_idle;	/* seconds since last seen, -1 none */
	/* what a signed-in admin is told of the shop: the mails given up on,
	 * the newest queued or running job of app.job_kind (0 for none) */
	long long failed_mails;
	long long job_id;
	/* the signed-in admin's chosen list columns (admin.list_columns), ""
	 * for the default ones */
	char list_columns[256];
	/* the admin's own language (admin.language, sql/034), or -1: the
	 * shop's */
	int admin_lang;
};

/* The API key that signed a ROUTE_KEY request (keyauth.c). */
struct request_key {
	long long id;		/* api_key.id, 0 when no key signed the request */
	char public_id[32];	/* "fk_" and 24 hex digits */
	char name[256];
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
	struct upload_state *uploads;	/* the files of a ROUTE_UPLOAD POST (upload.c) */
	struct shop shop;
	struct session session;
	/* the language of the pages, their numbers and dates and the files
	 * an admin downloads: the signed-in admin's own, else the shop's.
	 * shop.lang stays the shop's: what its customers read, and mails. */
	enum lang lang;
	/* what services (mail, events, tokens, the customer writer) act
	 * with: this shop, this database, this tree, the signed-in actor */
	struct shop_context context;
	int https;
	int status;
	STRING headers;	/* extra response headers, each ending in \r\n */
	int answered;
	int token_page;	/* carries a secret token: Referrer-Policy strict-origin */
	/* a machine's request (a ROUTE_KEY route, or a path only such routes
	 * serve): errors are answered as JSON (page_error) */
	int answer_json;
	struct request_key key;	/* who signed a ROUTE_KEY request */
	double started;
	/* The handler's first run, whose answer waits when its transaction
	 * is lost with nothing written (request_hold_answer), and whether
	 * one did wait: the handler then runs again (handler_run in app.c). */
	int rerun_allowed;
	int rerun;
};

/* 1 when the answer the handler is giving must not be sent, because the
 * request will run again: its database connection died inside a
 * transaction, nothing of the request is durable, no byte of the answer
 * is out and this is the first run. The request then counts as answered.
 * page.c asks before every answer. */
int request_hold_answer(struct request *req);

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

/* The declared field of a route by name, or NULL. */
const struct field *route_field(const struct route *route, const char *name);

/* The index of value among a FIELD_CHOICE's choices, or -1 when it is not
 * one of them (or field is not a choice). */
int field_choice(const struct field *field, const char *value);

/* Begins a transaction and runs query, a SELECT ... FOR UPDATE of the row
 * the path names in the request's shop (its parameters: the path's id,
 * the shop's id), and fetches that row. Returns 1 with the row to read
 * (then db_done), 0 when the shop has no such row, -1 on error (logged);
 * on 0 and -1 the query is done, and the caller answers (404, 500). */
int request_lock_path_row(struct request *req, struct db_query *query);

/* The request's variables under CGI.* and HTTP.*, as the cgi kit's
 * cgi_init puts them (cgi_tree_variables), for its form parser
 * (cgi_parse), which reads them: the door does not import them, no page
 * or handler reads them (30,000 instructions and 15 nodes a request). */
NEOERR *request_cgi_variables(struct request *req);

/* A request parameter (environment) or NULL. */
const char *request_param(struct request *req, const char *name);

/* Reads up to len bytes of the body as the client sent it (the door reads
 * it once). Returns the count, 0 at the end, -1 on an error. */
int request_read(struct request *req, char *buf, int len);

/* The body of a ROUTE_KEY request as the client sent and signed it (a
 * JSON text, say: its handler parses it), *len its length in bytes; NULL
 * when it had none. The signature covered exactly these bytes. */
const char *request_body(struct request *req, size_t *len);

/*
 * The readers of a route's validated fields. field is the entry of the
 * current route's table (&new_fields[NEW_EMAIL]): a field of another table
 * is a bug of the program, logged and answered as absent (NULL, nothing,
 * fallback), and an assertion stops a build with assertions on (the
 * tests') at once.
 */

/* The value of field, or NULL when absent. */
const char *request_field(struct request *req, const struct field *field);

/* The ids of a FIELD_IDS into out (room for max). Returns how many. */
size_t request_field_ids(struct request *req, const struct field *field, long long *out,
    size_t max);

/* The integer of a FIELD_INT, or fallback when absent or empty. */
long long request_field_int(struct request *req, const struct field *field, long long fallback);

/* The index of a FIELD_CHOICE's value among its choices (checked at the
 * door), or fallback when absent or empty. */
int request_field_choice(struct request *req, const struct field *field, int fallback);

/* For code that serves several routes (the way back to the list, a form
 * shown again by its GET and its POST), each of which declares the field
 * in its own table: the value of the current route's field with the name
 * and kind of shared, an entry of any table; NULL when the route declares
 * no field of that name (a route without it), and refused as above when
 * it declares one of another kind. */
const char *request_field_shared(struct request *req, const struct field *shared);

/* The first of the fields the request sent (Query's nodes, hdf_obj_next
 * for the others), NULL when it sent none: a reader of many shared fields
 * asks only for those sent, each asking costing a scan of the route's
 * fields. */
HDF *request_fields_sent(struct request *req);

/* Points the request's Lang at its language's tree (req->lang). */
void request_link_lang(struct request *req);

/* Answers in lang (enum lang; -1: as it was) from here on: the page,
 * its strings built in C and a mail queued with no language of its own.
 * For a page that finds out whom it speaks to from what it reads (a
 * password link mailed in its admin's language). */
void request_speak(struct request *req, int lang);

/* The language tree of the request's shop, for strings built in C. */
const char *request_text(struct request *req, const char *key);

#endif
