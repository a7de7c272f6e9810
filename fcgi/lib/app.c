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
#include "cgi_tree.h"
#include "settings.h"
#include "core_sql.h"
#include "crypto.h"
#include "form.h"
#include "keyauth.h"
#include "log.h"
#include "page.h"
#include "session.h"
#include "text.h"
#include "upload.h"

extern char **environ;

static struct request *current;	/* the request the cgi kit callbacks serve */
/* as plain CGI, the trees the process ends with (app_main), for leak
 * checkers to find them; volatile, or the compiler drops the stores to an
 * array nothing reads (LeakSanitizer then reported both trees) */
static HDF *volatile cgi_trees_at_exit[2];

static double
now_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* --- ClearSilver cgiwrap callbacks ------------------------------------- */

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
	if (current->fcgx != NULL) {
		page_send_held(current);	/* what page.c holds goes first */
		return FCGX_VFPrintF(current->fcgx->out, fmt, ap);
	}
	return vprintf(fmt, ap);
}

static int
wrap_write(void *data, const char *buf, int len)
{
	(void)data;
	if (current->fcgx != NULL) {
		page_send_held(current);
		return FCGX_PutStr(buf, len, current->fcgx->out);
	}
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

/* A variable of the current request for cgi_tree_variables: the query
 * string as the door left it (wrap_getenv). */
static const char *
request_variable(void *ctx, const char *name)
{
	struct request *req = ctx;

	return strcmp(name, "QUERY_STRING") == 0 ? req->query : request_param(req, name);
}

NEOERR *
request_cgi_variables(struct request *req)
{
	return cgi_tree_variables(req->hdf, request_variable, req);
}

/* The cgi kit's CGI for req, over *base: what cgi_init makes, at a tenth of
 * its cost (cgi_tree.h). The process's first request goes through cgi_init
 * itself, which sets up the cgi kit's error types (cgi_parse's multipart
 * reader needs them), and when it fails has destroyed the tree: *base is
 * then NULL. */
static NEOERR *
request_cgi_init(struct request *req, HDF **base, CGI **cgi)
{
	static int kit_ready;
	HDF *tree = *base;
	CGI *made;
	NEOERR *err;

	if (!kit_ready) {
		kit_ready = 1;
		err = cgi_init(cgi, tree);
		if (err != STATUS_OK)
			*base = NULL;	/* cgi_init destroyed the tree it was given */
		return err;
	}
	*cgi = NULL;
	if ((made = calloc(1, sizeof(*made))) == NULL)
		return nerr_raise(NERR_NOMEM, "no memory for the request");
	made->time_start = ne_timef();
	made->ignore_empty_form_vars = IgnoreEmptyFormVars;
	made->hdf = tree;
	/* CGI.* and HTTP.*, which only the cgi kit's form parser reads, when
	 * a form is parsed (request_cgi_variables) */
	err = cgi_tree_cookies(tree, request_variable(req, "HTTP_COOKIE"));
	if (err == STATUS_OK)
		err = cgi_tree_query(tree, req->query, made->ignore_empty_form_vars);
	if (err != STATUS_OK) {
		made->hdf = NULL;	/* the tree is the process's */
		cgi_destroy(&made);
		return err;
	}
	*cgi = made;
	return STATUS_OK;
}

/* As plain CGI, what the answer left unread of the request's body is read
 * and dropped before the process ends: a server that hands the body over
 * a socket (Apache's mod_cgid) sees input left unread as a connection
 * reset, and loses the answer with it (a body refused at once, a 404...).
 * The server's limit bounds it (LimitRequestBody, apache-conf/). */
static void
cgi_drain_input(void)
{
	char piece[65536];

	while (fread(piece, 1, sizeof(piece), stdin) > 0)
		;
}

/* --- shop ------------------------------------------------------------------ */

/* Finds the shop (FIDELE_SHOP from the vhost, else the Host header) and,
 * in the same statement, the admin signed in by the request's cookie with
 * what an admin is told (session.h). Returns 1 when found, 0 when
 * unknown, -1 on a database error. */
static int
shop_resolve(struct request *req)
{
	const char *slug = request_param(req, "FIDELE_SHOP");
	unsigned char hash[CRYPTO_HASH_BYTES];
	const unsigned char *admin = session_door_hash(req, hash);
	struct db_param params[3];
	struct db_query *query;
	char host[254];
	int found, alerts = req->app->door_alerts, n = 0;

	/* the alerts' door takes the job kind first (core_sql.c) */
	if (alerts)
		params[n++] = req->app->job_kind != NULL ? DB_TEXT(req->app->job_kind) : DB_NULL;
	params[n++] = admin != NULL ? DB_BLOB(admin, CRYPTO_HASH_BYTES) : DB_NULL;
	if (slug != NULL && *slug != '\0') {
		query = &core_sql[alerts ? CORE_DOOR_BY_SLUG : CORE_DOOR_PLAIN_BY_SLUG];
		params[n++] = DB_TEXT(slug);
	} else {
		if (text_host_split(request_param(req, "HTTP_HOST"), host, sizeof(host)) == NULL)
			return 0;
		text_lower_ascii(host);
		query = &core_sql[alerts ? CORE_DOOR_BY_HOST : CORE_DOOR_PLAIN_BY_HOST];
		params[n++] = DB_TEXT(host);
	}
	if (db_exec(&req->app->db, query, params, (size_t)n) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		shop_from_row(query, &req->shop);
		req->shop.disabled = db_int(query, DOOR_COL_DISABLED) != 0;
		req->shop.upload_limit = db_int(query, DOOR_COL_UPLOAD_MB) * 1024 * 1024;
		req->shop.labels_version = db_int(query, DOOR_COL_LABELS);
		session_door_read(req, query);
	}
	/* the admin pages in the admin's own language; the customers' pages
	 * in the shop's (an admin signed in on the same browser reads them
	 * as its customers do) */
	req->lang = found == 1 && req->session.admin_lang >= 0 &&
	    request_area(req)->visitor == ACCESS_ADMIN ?
	    (enum lang)req->session.admin_lang : req->shop.lang;
	db_done(query);
	req->shop.found_by_host = found == 1 && (query == &core_sql[CORE_DOOR_BY_HOST] ||
	    query == &core_sql[CORE_DOOR_PLAIN_BY_HOST]);
	if (req->shop.found_by_host)
		snprintf(req->shop.host, sizeof(req->shop.host), "%s", host);
	return found;
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

/* 1 when the routes that serve the request's path are all ROUTE_KEY ones
 * (there is one at least): a machine's path, whose 404 and 405 are JSON. */
static int
route_path_is_key(struct request *req)
{
	size_t i;
	long long ids[2];
	int any = 0;

	for (i = 0; i < req->app->route_count; i++) {
		const struct route *route = &req->app->routes[i];

		if (!route_matches(route->path, req->path, ids))
			continue;
		if (!(route->flags & ROUTE_KEY))
			return 0;
		any = 1;
	}
	return any;
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

/* Whether the browser reached us over HTTPS: the web server says so
 * (HTTPS=on), or, when the provider set Security.TrustForwardedProto, the
 * proxy or load balancer in front that ended TLS does (X-Forwarded-Proto:
 * https). Without that, a site behind such a proxy would expect
 * "http://host" as every form's Origin and refuse them all, and send its
 * cookies without Secure. */
static int
request_is_https(struct request *req)
{
	const char *https = request_param(req, "HTTPS"), *forwarded;

	if (https != NULL && strcmp(https, "on") == 0)
		return 1;
	if (!req->app->trust_forwarded_proto)
		return 0;
	forwarded = request_param(req, "HTTP_X_FORWARDED_PROTO");
	return forwarded != NULL && strcasecmp(forwarded, "https") == 0;
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

/* The request's shop context, once its shop and session are loaded. Its
 * mailed links start with the shop's public URL, else with the host as
 * shop_host registered it (not what the client wrote after it), with the
 * Host header's port only when the request came in on that port; a shop
 * reached by a pinned vhost (FIDELE_SHOP) must have a public URL. */
static void
request_context(struct request *req)
{
	struct shop_context *ctx = &req->context;
	const char *server_port = request_param(req, "SERVER_PORT");
	const char *port;
	char host[254];

	ctx->db = &req->app->db;
	ctx->shop_id = req->shop.id;
	ctx->shop = &req->shop;
	ctx->page_lang = req->lang;
	ctx->config = req->app->config;
	ctx->hdf = req->hdf;
	ctx->secret = req->app->secret;
	ctx->data_dir = req->app->data_dir;
	ctx->ip = request_param(req, "REMOTE_ADDR");
	if (req->key.id != 0) {
		ctx->actor = ACTOR_KEY;
		ctx->actor_id = req->key.id;
	} else if (req->session.valid) {
		ctx->actor = ACTOR_ADMIN;
		ctx->actor_id = req->session.admin_id;
	} else if (req->session.customer_id != 0) {
		ctx->actor = ACTOR_CUSTOMER;
		ctx->actor_id = req->session.customer_id;
	} else
		ctx->actor = ACTOR_VISITOR;
	port = text_host_split(request_param(req, "HTTP_HOST"), host, sizeof(host));
	if (port != NULL && (server_port == NULL || strcmp(port, server_port) != 0))
		port = NULL;
	context_set_link_base(ctx, req->https ? "https" : "http",
	    req->shop.found_by_host ? req->shop.host : NULL, port);
}

/* What the door put into the tree for the handler: the pages' language
 * and the shop's name. */
static void
request_tree_door(struct request *req)
{
	request_link_lang(req);
	hdf_set_value(req->hdf, "Page.Lang", lang_codes[req->lang]);
	hdf_set_value(req->hdf, "Shop.Name", req->shop.name);
}

static void tree_empty(HDF *tree, int keep_request);

/* The request as its handler found it, to run the handler again from it. */
struct request_door {
	struct shop shop;
	struct session session;
	enum lang lang;
	int status;
	int token_page;
	int headers_len;
};

static void
request_door_keep(struct request *req, struct request_door *door)
{
	door->shop = req->shop;
	door->session = req->session;
	door->lang = req->lang;
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
	req->lang = door->lang;
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

/* Checks the declared fields and runs the route's handler. When its
 * database connection died inside a transaction before anything of the
 * request was written or sent (request_hold_answer held its answer back),
 * the server rolled the transaction back: the handler runs again, once, on
 * a new connection, from the request as the door gave it, so that a
 * MariaDB restart or a killed connection costs no page. A loss in the
 * second run, or during a COMMIT (which may have happened), answers the
 * error page. */
static void
handler_run(struct request *req)
{
	struct db *db = &req->app->db;
	struct request_door door;
	const char *problem = form_validate(req);

	if (problem != NULL) {
		if (req->route->invalid != NULL) {
			req->status = 400;
			req->route->invalid(req);
		} else
			page_error(req, 400, problem);
		return;
	}
	request_door_keep(req, &door);
	db_request_start(db);
	req->rerun_allowed = 1;
	req->route->handler(req);
	req->rerun_allowed = 0;
	/* still nothing durable: a handler that went on after its answer was
	 * held and wrote something is not run twice */
	if (req->rerun && !db_request_repeatable(db)) {
		log_err("%s %s: wrote after losing its connection: not run again", req->method,
		    req->path);
		req->answered = 0;
		page_error(req, 500, NULL);
	} else if (req->rerun) {
		log_warn("%s %s: the database connection was lost, or the server rolled back "
		    "(deadlock, cluster conflict), a transaction that wrote nothing: running the "
		    "request again", req->method, req->path);
		db_rollback(db);
		request_door_back(req, &door);
		db_request_start(db);
		if (db_ensure_connection(db) != DB_OK)
			page_error(req, 500, NULL);
		else
			req->route->handler(req);
	}
	if (!req->answered) {
		log_err("handler for %s gave no answer", req->path);
		page_error(req, 500, NULL);
	}
	db_rollback(db);	/* a handler that failed half way leaves nothing */
}

/* A ROUTE_KEY route, once its shop is known: the signature is checked on
 * the body as sent before anything of it is parsed; no session is read
 * (so no cookie is ever set) and no CSRF token or Origin is asked for:
 * the signature is the proof that the shop's web store sent it. */
static void
machine_dispatch(struct request *req)
{
	if (req->route->access != ACCESS_PUBLIC) {
		/* a key is who may call it: a route asking for a session as well
		 * could never be called, so it is a mistake of its table */
		log_err("route %s %s has ROUTE_KEY and an access other than ACCESS_PUBLIC",
		    req->route->method, req->route->path);
		page_error(req, 500, NULL);
		return;
	}
	request_context(req);	/* the shop's, for the key check's rate limits */
	if (keyauth_check(req) != 0)
		return;
	if (strcmp(req->method, "POST") == 0 && form_parse(req) != 0)
		return;
	req->context.actor = ACTOR_KEY;	/* the key that signed it acts */
	req->context.actor_id = req->key.id;
	handler_run(req);
}

static void
dispatch(struct request *req)
{
	const char *length = request_param(req, "CONTENT_LENGTH");
	const char *too_large = request_param(req, "FIDELE_TOO_LARGE");
	int path_known, found, post_checked = 0;
	int post = strcmp(req->method, "POST") == 0;
	/* an upload's body is read once its sender is known (see below) */
	int upload = post && req->route != NULL && (req->route->flags & ROUTE_UPLOAD);

	/* through a cluster, what the user's last request wrote through
	 * another node is there before anything is read (db.h) */
	db_catch_up(&req->app->db);
	found = shop_resolve(req);
	if (found <= 0) {
		page_error(req, found < 0 ? 500 : 404, found < 0 ? NULL : "Error.UnknownShop");
		return;
	}
	request_tree_door(req);

	/* a shop the provider disabled (fidele-admin shop disable) is closed on
	 * every page of every program, its signed links and its API too,
	 * before anything of the request is read */
	if (req->shop.disabled) {
		page_header(req, "Retry-After", "3600");
		if (req->answer_json)
			page_json_error(req, 503, "shop_closed", "Error.ShopClosed");
		else
			page_error(req, 503, "Error.ShopClosed");
		return;
	}

	/* nginx's error_page for a body over client_max_body_size, announced
	 * or chunked, or a length over ours (an upload route's is
	 * Limits.MaxUpload, or the shop's smaller one): refused before
	 * anything is read */
	if ((too_large != NULL && *too_large != '\0') ||
	    (length != NULL && (strlen(length) > 15 ||
	    strtoll(length, NULL, 10) > upload_body_limit(req, req->route)))) {
		/* the shop's own limit (fidele-admin limits) names the provider;
		 * a file (a multipart body: nginx's refusal reaches the fallback
		 * program, which has not the upload's route) is told how to make
		 * it lighter, a form's text to be shortened */
		const char *type = request_param(req, "CONTENT_TYPE");
		int file = upload || (type != NULL &&
		    strncasecmp(type, "multipart/form-data", 19) == 0);

		page_error(req, 413, upload && (too_large == NULL || *too_large == '\0') &&
		    req->shop.upload_limit > 0 &&
		    upload_body_limit(req, req->route) == req->shop.upload_limit ?
		    "Error.UploadLimit" : file ? "Error.TooLarge" : "Error.FormTooLarge");
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
	if (req->route->flags & ROUTE_KEY) {
		machine_dispatch(req);
		return;
	}
	if (post && !upload && form_parse(req) != 0)
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
	/* a signed link (ROUTE_SIGNED_URL) is posted from anywhere, by a
	 * mailbox provider's servers too: its signature is the proof */
	if (req->route->flags & ROUTE_SIGNED_URL)
		post_checked = 1;
	if (post && !post_checked && !origin_ok(req)) {
		page_error(req, 403, "Error.Csrf");
		return;
	}
	/* a stranger's or another site's upload is refused before a byte of
	 * it is read; its csrf part is checked before its first file */
	if (upload && upload_parse(req) != 0)
		return;
	if (post && !post_checked && !session_csrf_ok(req)) {
		page_error(req, 403, "Error.Csrf");
		return;
	}
	handler_run(req);
}

/* The language trees, of the sections the program's pages use: both read
 * at start by a FastCGI copy, which serves shops of both; as plain CGI,
 * the one the request needs, at its first use (lang_load_on_use). */
static int
app_lang_load(struct app *app)
{
	const struct program_lang *own = app->lang;
	const char *sections = NULL;

	while (own != NULL && own->program != NULL && strcmp(own->program, app->name) != 0)
		own++;
	if (own != NULL && own->program == NULL) {
		log_err("%s is not in fcgi/site.h's language sections", app->name);
		return -1;
	}
	if (own != NULL)
		sections = own->sections;
	if (FCGX_IsCGI())
		return lang_load_on_use(&app->base, app->data_dir, sections);
	return lang_load(&app->base, app->data_dir, sections);
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
	req.https = request_is_https(&req);
	/* the route first: the cgi kit then sees only what the route reads */
	req.route = route_find(&req, &path_known);
	req.answer_json = req.route != NULL ? (req.route->flags & ROUTE_KEY) != 0
	    : route_path_is_key(&req);
	form_query_prepare(&req);

	err = request_cgi_init(&req, &app->base, &req.cgi);
	if (err != STATUS_OK) {
		cs_log_error("request", err);
		/* a tree cgi_init destroyed: start a new one */
		if (app->base == NULL && app_lang_load(app) != 0)
			exit(1);
		req.hdf = app->base;
		page_error(&req, 400, NULL);
	} else {
		req.hdf = req.cgi->hdf;
		dispatch(&req);
	}
	page_send_held(&req);
	request_log(&req);
	if (req.cgi != NULL) {
		req.cgi->hdf = NULL;	/* the tree is the process's, not the request's */
		cgi_destroy(&req.cgi);
	}
	upload_end(&req);	/* the files no handler kept are deleted */
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

	/* the same in every request of the process: the words of each
	 * language, the navigation in each (page.c) and the template
	 * settings */
	if ((strncmp(name, "Lang_", 5) == 0 || strncmp(name, "Site_", 5) == 0) &&
	    strlen(name) == 7)
		return 1;
	if (strcmp(name, "Config") == 0 || strcmp(name, "hdf") == 0)
		return 1;
	for (i = 0; keep_request && i < sizeof(request_nodes) / sizeof(request_nodes[0]); i++)
		if (strcmp(name, request_nodes[i]) == 0)
			return 1;
	return 0;
}

/* Removes every top-level node of tree but those the same in every request
 * (tree_node_kept), and but the request's own values when keep_request is
 * set. With it unset, at
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
	/* ClearSilver's lookup cache (neo_hdf.h) may still point at a node
	 * just removed: the next request's first hdf_set_* read it, freed
	 * (valgrind) */
	tree->last_hp = NULL;
	tree->last_hs = NULL;
	if (node != NULL)
		tree_empty(tree, keep_request);	/* more than 64 top-level names: go again */
}

/* 1 when a route of the program is a machine's (ROUTE_KEY). */
static int
app_has_key_routes(const struct app *app)
{
	size_t i;

	for (i = 0; i < app->route_count; i++)
		if (app->routes[i].flags & ROUTE_KEY)
			return 1;
	return 0;
}

int
app_main(struct app *app, int argc, char **argv)
{
	FCGX_Request fcgx;

	(void)argc;
	(void)argv;
	log_program(app->name);
	crypto_start_lean();
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
	app->trust_forwarded_proto =
	    hdf_get_int_value(app->config, "Security.TrustForwardedProto", 0) == 1;
	if (app->secret == NULL) {
		hdf_destroy(&app->config);
		return 1;
	}
	if (app_lang_load(app) != 0)
		return 1;
	/* a database that is down at start is retried at the first request */
	if (db_connect(&app->db, app->config) != 0)
		log_err("starting without a database connection");
	/* statements are prepared as they are first used: as plain CGI the
	 * process answers one request, and a FastCGI copy that prepared all
	 * of its tables' statements (135 for customers, 8 KB each in
	 * libmariadb) would hold a megabyte for the few a page runs */
	app->db.lazy = 1;
	db_register(&app->db, core_sql, CORE_SQL__MAX);
	if (app_has_key_routes(app))
		db_register(&app->db, keyauth_sql, KEYAUTH_SQL__MAX);
	if (app->sql != NULL)
		db_register(&app->db, app->sql, app->sql_count);
	cgiwrap_init_emu(NULL, wrap_read, wrap_writef, wrap_write, wrap_getenv,
	    wrap_putenv, wrap_iterenv);

	if (FCGX_IsCGI()) {
		request_run(app, NULL);
		fflush(stdout);
		cgi_drain_input();
	} else {
		FCGX_Init();
		FCGX_InitRequest(&fcgx, 0, 0);
		while (FCGX_Accept_r(&fcgx) >= 0) {
			request_run(app, &fcgx);
			FCGX_Finish_r(&fcgx);
		}
	}
	db_close(&app->db);
	if (FCGX_IsCGI()) {
		/* the process ends: its memory goes back at once, where
		 * hdf_destroy, node by node, cost 7 % of a plain-CGI run
		 * (callgrind); the trees stay reachable for leak checkers */
		cgi_trees_at_exit[0] = app->base;
		cgi_trees_at_exit[1] = app->config;
		return 0;
	}
	hdf_destroy(&app->base);
	hdf_destroy(&app->config);
	return 0;
}
