/*
 * Writing responses. Every HTML page goes through page_render(): the layout
 * (templates/layout.cs) includes the page template named by Page.Template
 * first, which defines the content() macro and sets Page.Title, then lays
 * out the page around it. Escaping is on for every
 * variable (Config.VarEscapeMode = html); templates never see Config.* from
 * users because the request's own values live under Query.*, Cookie.* and
 * HTTP.* only.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto.h"
#include "log.h"
#include "page.h"
#include "template_fold.h"

#define NOTICE_COOKIE "fidele_notice"
#define NOTICE_KEY_MAX 32
#define NOTICE_MAC_HEX 32	/* the first 16 bytes of the HMAC, in hex */
#define PAGE_MARK_SIZE (2 + 2 * 16 + 1)	/* a mark (mark_make) and its NUL */

/* Sent with every response. No inline script or style anywhere. */
static const char *const security_headers =
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cache-Control: private, no-store\r\n";

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/*
 * The answer's bytes not yet sent, after the 8-byte header of the FastCGI
 * stdout record that will carry them. libfcgi's stream sends a record for
 * every 8 KB it fills: a list page of 33 KB went out in five writes, each
 * waking the web server. Kept here, the whole page goes in one record and
 * one write (a record holds up to 65,535 bytes: a longer answer, such as a
 * download, goes out a record at a time). libfcgi still writes the records
 * that end the request, after these, when the request is finished. One
 * process answers one request at a time: one buffer serves them all.
 */
#define RECORD_HEADER 8
#define RECORD_CONTENT_MAX 65535
#define FCGI_STDOUT_TYPE 6
static unsigned char answer[RECORD_HEADER + RECORD_CONTENT_MAX];
static size_t answer_held;

int
page_send_held(struct request *req)
{
	unsigned char *next = answer;
	size_t held = answer_held, left = RECORD_HEADER + held;
	int id;
	ssize_t sent;

	if (held == 0 || req->fcgx == NULL)
		return 0;
	answer_held = 0;	/* sent or lost, never part of the next request's answer */
	/* whatever libfcgi's stream holds was written before */
	if (FCGX_FFlush(req->fcgx->out) != 0)
		return -1;
	id = req->fcgx->requestId;
	answer[0] = 1;	/* FCGI_VERSION_1 */
	answer[1] = FCGI_STDOUT_TYPE;
	answer[2] = (unsigned char)(id >> 8 & 0xff);
	answer[3] = (unsigned char)(id & 0xff);
	answer[4] = (unsigned char)(held >> 8 & 0xff);
	answer[5] = (unsigned char)(held & 0xff);
	answer[6] = 0;	/* no padding */
	answer[7] = 0;
	while (left > 0) {
		sent = write(req->fcgx->ipcFd, next, left);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent <= 0)
			return -1;	/* the web server is gone: the rest is lost */
		next += sent;
		left -= (size_t)sent;
	}
	return 0;
}

/* Adds to the answer held for the web server, sending a full record. */
static int
hold(struct request *req, const char *buf, size_t len)
{
	size_t room;

	while (len > 0) {
		room = RECORD_CONTENT_MAX - answer_held;
		if (room == 0) {
			if (page_send_held(req) != 0)
				return -1;
			room = RECORD_CONTENT_MAX;
		}
		if (room > len)
			room = len;
		memcpy(answer + RECORD_HEADER + answer_held, buf, room);
		answer_held += room;
		buf += room;
		len -= room;
	}
	return 0;
}

/* Writes to the client; after the head of a HEAD request, nothing. */
static void
out(struct request *req, const char *buf, size_t len)
{
	if (req->head && req->head_sent)
		return;
	if (req->fcgx != NULL)
		hold(req, buf, len);
	else
		fwrite(buf, 1, len, stdout);
}

static int
has_crlf(const char *s)
{
	return strchr(s, '\r') != NULL || strchr(s, '\n') != NULL;
}

void
page_header(struct request *req, const char *name, const char *value)
{
	if (has_crlf(name) || has_crlf(value)) {
		log_err("dropped a header with CR/LF: %s", name);
		return;
	}
	string_appendf(&req->headers, "%s: %s\r\n", name, value);
}

void
page_cookie(struct request *req, const char *name, const char *value, long max_age)
{
	char line[512];

	if (max_age >= 0)
		snprintf(line, sizeof(line), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
		    name, value, max_age, req->https ? "; Secure" : "");
	else
		snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
		    name, value, req->https ? "; Secure" : "");
	page_header(req, "Set-Cookie", line);
}

/* Status line and headers, then the blank line. */
static void
write_head(struct request *req, int status, const char *content_type)
{
	char line[128];
	int n;

	req->status = status;
	req->answered = 1;
	if (req->session.set_anon_cookie) {
		page_cookie(req, SESSION_ANON_COOKIE, req->session.csrf_basis, -1);
		req->session.set_anon_cookie = 0;
	}
	n = snprintf(line, sizeof(line), "Status: %d %s\r\n", status, status_text(status));
	out(req, line, (size_t)n);
	out(req, security_headers, strlen(security_headers));
	/* A page whose URL holds a token must not send it on in a Referer,
	 * not even to this site (it would land in access logs): strict-origin
	 * sends the origin only. no-referrer would do as much for the Referer
	 * but makes browsers post the page's forms with "Origin: null", which
	 * the Origin check cannot tell from a sandboxed frame's (see
	 * origin_ok() in app.c). */
	if (req->token_page)
		out(req, "Referrer-Policy: strict-origin\r\n", 32);
	else
		out(req, "Referrer-Policy: same-origin\r\n", 30);
	if (req->headers.len > 0)
		out(req, req->headers.buf, (size_t)req->headers.len);
	if (content_type != NULL) {
		n = snprintf(line, sizeof(line), "Content-Type: %s\r\n", content_type);
		out(req, line, (size_t)n);
	}
	out(req, "\r\n", 2);
	req->head_sent = 1;
}

/* The page as rendered, kept for the next one: a 30 KB page freed and
 * allocated again costs malloc a consolidation each time. */
static STRING rendered;

/* The part of the next page written by C (page_part): its text, the mark
 * the tree holds in its place, and where the mark was rendered (-1: not
 * yet). Kept for the next page, as the page is. */
static struct {
	STRING text;
	char mark[PAGE_MARK_SIZE];
	int pending;
	long at;
} part = { .at = -1 };

/* The admin pages' navigation bar (templates/nav.cs), rendered once per
 * process for each language, section and role and kept: the layout writes
 * Page.Nav, which holds a mark as the part's does, and the kept bar goes
 * in its place. Its loop over the bar's entries cost a list page 4 % of
 * its instructions. request is the page being rendered. */
#define NAV_KEPT_MAX 32
static struct {
	char mark[PAGE_MARK_SIZE];
	struct request *request;
	size_t count;
	struct {
		char key[96];
		char *html;
	} kept[NAV_KEPT_MAX];
} nav_bar;

static NEOERR *render_unkept(HDF *hdf, const char *data_dir, const char *entry, STRING *out);

/* Makes mark (PAGE_MARK_SIZE bytes) once: \x01, 32 random hex digits,
 * \x01, what no value of a tree holds, by chance or by design. 0, or -1. */
static int
mark_make(char *mark)
{
	unsigned char random[16];

	if (mark[0] != '\0')
		return 0;
	if (crypto_random(random, sizeof(random)) != 0)
		return -1;
	mark[0] = '\x01';
	crypto_hex(random, sizeof(random), mark + 1);
	strcat(mark, "\x01");
	return 0;
}

/* Appends the navigation bar of req's page to out: the kept one for what
 * nav.cs reads (the language Lang is linked to, with Site; Page.Section as
 * the page set it; Admin.IsOwner), else nav.cs rendered now, and kept. */
static NEOERR *
nav_write(struct request *req, STRING *out)
{
	HDF *words = hdf_get_obj(req->hdf, "Lang");
	const char *language = words != NULL ? hdf_obj_name(words) : NULL;
	char key[sizeof(nav_bar.kept[0].key)];
	STRING made;
	NEOERR *err;
	size_t i;
	int n;

	n = snprintf(key, sizeof(key), "%s|%s|%s", language != NULL ? language : "",
	    hdf_get_value(req->hdf, "Page.Section", ""),
	    hdf_get_value(req->hdf, "Admin.IsOwner", ""));
	for (i = 0; i < nav_bar.count; i++)
		if (strcmp(nav_bar.kept[i].key, key) == 0)
			return string_append(out, nav_bar.kept[i].html);
	string_init(&made);
	err = render_unkept(req->hdf, req->app->data_dir, "nav.cs", &made);
	if (err == STATUS_OK)
		err = string_append(out, made.buf != NULL ? made.buf : "");
	/* kept unless the key was cut or the bar is not all there (no Site:
	 * out of memory when it was linked) */
	if (err == STATUS_OK && made.buf != NULL && n > 0 && (size_t)n < sizeof(key) &&
	    nav_bar.count < NAV_KEPT_MAX && hdf_get_obj(req->hdf, "Site.Nav") != NULL) {
		memcpy(nav_bar.kept[nav_bar.count].key, key, (size_t)n + 1);
		nav_bar.kept[nav_bar.count++].html = made.buf;
		return STATUS_OK;
	}
	string_clear(&made);
	return err;
}

static NEOERR *
render_append(void *ctx, char *text)
{
	if (ctx == &rendered && text[0] == '\x01') {
		if (part.pending && strcmp(text, part.mark) == 0) {
			/* the part goes here when the page is written */
			part.at = rendered.len;
			return STATUS_OK;
		}
		if (nav_bar.request != NULL && strcmp(text, nav_bar.mark) == 0)
			return nav_write(nav_bar.request, &rendered);
	}
	return cs_string_add((STRING *)ctx, text, strlen(text)) == 0 ? STATUS_OK :
	    nerr_raise(NERR_NOMEM, "no memory for the page");
}

STRING *
page_part(struct request *req, const char *name)
{
	NEOERR *err;

	if (mark_make(part.mark) != 0)
		return NULL;
	if ((err = hdf_set_value(req->hdf, name, part.mark)) != STATUS_OK) {
		nerr_ignore(&err);
		return NULL;
	}
	part.text.len = 0;
	if (part.text.buf != NULL)
		part.text.buf[0] = '\0';
	part.pending = 1;
	part.at = -1;
	return &part.text;
}

/* Parsed templates are kept for the life of the process, one per entry
 * template, page template (the layout's include is resolved while parsing)
 * and escape mode, and rendered against each request's tree: a parse tree
 * holds the templates' text and names, never values, and reads the tree
 * at cs->hdf, set before each render (keeping the parse with its pointer
 * to the first request's tree is what crashed when parses were first
 * kept). A render that fails drops its parse. Templates are read once per
 * process: restart the programs after changing them. A kept parse has its
 * words folded into its text (template_fold.h), in the language of each
 * render; not as plain CGI, where it is rendered once. */
#define KEPT_PARSES_MAX 128

static struct kept_parse {
	char key[160];
	CSPARSE *cs;
	struct template_words *words;
} kept_parses[KEPT_PARSES_MAX];
static size_t kept_count;

/* Parses templates/<entry> with hdf (whose Page.Template the layout
 * includes). NULL with *err set on failure. */
static CSPARSE *
parse_file(HDF *hdf, const char *data_dir, const char *entry, NEOERR **err)
{
	CSPARSE *cs = NULL;
	char path[1024];

	*err = cs_init(&cs, hdf);
	if (*err == STATUS_OK)
		*err = cgi_register_strfuncs(cs);
	if (*err == STATUS_OK) {
		snprintf(path, sizeof(path), "%s/templates/%s", data_dir, entry);
		*err = cs_parse_file(cs, path);
	}
	if (*err != STATUS_OK)
		cs_destroy(&cs);
	return cs;
}

/* Parses and renders templates/<entry> once, keeping nothing. */
static NEOERR *
render_unkept(HDF *hdf, const char *data_dir, const char *entry, STRING *out)
{
	NEOERR *err;
	CSPARSE *cs = parse_file(hdf, data_dir, entry, &err);

	if (cs == NULL)
		return err;
	err = cs_render(cs, out, render_append);
	cs_destroy(&cs);
	return err;
}

static void
kept_drop(struct kept_parse *slot)
{
	cs_destroy(&slot->cs);
	template_words_free(&slot->words);
	*slot = kept_parses[--kept_count];
	memset(&kept_parses[kept_count], 0, sizeof(kept_parses[kept_count]));
}

/* Renders templates/<entry> into out from its kept parse; page is the page
 * template the layout includes (NULL for a template on its own). */
static NEOERR *
render_file(HDF *hdf, const char *data_dir, const char *entry, const char *page, STRING *out)
{
	struct kept_parse *slot = NULL;
	char key[160];
	int key_length;
	NEOERR *err = STATUS_OK;
	size_t i;

	key_length = snprintf(key, sizeof(key), "%s|%s|%s", entry, page != NULL ? page : "",
	    hdf_get_value(hdf, "Config.VarEscapeMode", ""));
	for (i = 0; i < kept_count && slot == NULL; i++)
		if (strcmp(kept_parses[i].key, key) == 0)
			slot = &kept_parses[i];
	if (slot == NULL) {
		struct template_words *words = NULL;
		CSPARSE *cs;

		if (kept_count == KEPT_PARSES_MAX || key_length < 0 ||
		    (size_t)key_length >= sizeof(key))
			/* never with the templates we ship */
			return render_unkept(hdf, data_dir, entry, out);
		if ((cs = parse_file(hdf, data_dir, entry, &err)) == NULL)
			return err;
		cs->hdf = hdf;
		/* as plain CGI the parse serves one render: folding would
		 * only cost (0.4 M instructions for the list) */
		if (!FCGX_IsCGI() && template_fold_lang(cs, &words) < 0) {
			/* out of memory: the same bytes, not kept */
			err = cs_render(cs, out, render_append);
			cs_destroy(&cs);
			return err;
		}
		slot = &kept_parses[kept_count++];
		snprintf(slot->key, sizeof(slot->key), "%s", key);
		slot->cs = cs;
		slot->words = words;
	}
	if (template_words_use(slot->words, hdf) != 0)
		/* out of memory for this language's words */
		return render_unkept(hdf, data_dir, entry, out);
	slot->cs->hdf = hdf;
	err = cs_render(slot->cs, out, render_append);
	slot->cs->hdf = NULL;	/* the request's tree, not the parse's */
	if (err != STATUS_OK)
		/* its state after a failure is not trusted: parsed again next time */
		kept_drop(slot);
	return err;
}

/* The layout includes the page named by Page.Template. */
static NEOERR *
render(struct request *req, const char *template, STRING *html)
{
	NEOERR *err = hdf_set_value(req->hdf, "Page.Template", template);

	return err != STATUS_OK ? err : render_file(req->hdf, req->app->data_dir, "layout.cs",
	    template, html);
}

int
page_render_text(HDF *hdf, const char *data_dir, const char *template, const char *escape,
    STRING *out)
{
	NEOERR *err;

	hdf_set_value(hdf, "Config.VarEscapeMode", escape);
	hdf_set_valuef(hdf, "hdf.loadpaths.0=%s/templates", data_dir);
	err = render_file(hdf, data_dir, template, NULL, out);
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	if (err != STATUS_OK) {
		cs_log_error(template, err);
		return -1;
	}
	return 0;
}

/* The signature of a notice key: HMAC(secret, "notice:" + key), cut. */
static void
notice_mac(struct request *req, const char *key, char *out)
{
	unsigned char mac[CRYPTO_HASH_BYTES];
	char data[16 + NOTICE_KEY_MAX];

	snprintf(data, sizeof(data), "notice:%s", key);
	crypto_hmac(req->app->secret, data, strlen(data), mac);
	crypto_hex(mac, NOTICE_MAC_HEX / 2, out);
}

void
page_notice(struct request *req, const char *key)
{
	char value[NOTICE_KEY_MAX + 1 + NOTICE_MAC_HEX + 1], mac[NOTICE_MAC_HEX + 1];

	if (strlen(key) > NOTICE_KEY_MAX || strspn(key, "abcdefghijklmnopqrstuvwxyz_") != strlen(key))
		return;
	notice_mac(req, key, mac);
	snprintf(value, sizeof(value), "%s.%s", key, mac);
	page_cookie(req, NOTICE_COOKIE, value, 120);
}

/* Shows the notice the previous answer left, if it is ours and names a
 * known string, and clears it so that it is shown once. */
static void
notice_take(struct request *req)
{
	const char *cookie = hdf_get_value(req->hdf, "Cookie." NOTICE_COOKIE, NULL);
	char key[NOTICE_KEY_MAX + 1], mac[NOTICE_MAC_HEX + 1], name[64];
	const char *dot, *text;

	if (cookie == NULL)
		return;
	page_cookie(req, NOTICE_COOKIE, "", 0);
	dot = strchr(cookie, '.');
	if (dot == NULL || (size_t)(dot - cookie) > NOTICE_KEY_MAX ||
	    strlen(dot + 1) != NOTICE_MAC_HEX)
		return;
	memcpy(key, cookie, (size_t)(dot - cookie));
	key[dot - cookie] = '\0';
	if (strspn(key, "abcdefghijklmnopqrstuvwxyz_") != strlen(key))
		return;
	notice_mac(req, key, mac);
	if (!crypto_equal(mac, dot + 1, NOTICE_MAC_HEX))
		return;
	snprintf(name, sizeof(name), "Lang.Notice.%s", key);
	text = hdf_get_value(req->hdf, name, NULL);
	if (text != NULL)
		hdf_set_value(req->hdf, "Page.Notice", text);
}

/* The site's navigation bar (layout.cs's Site.Nav), made once per process
 * and language under Site_<code> of the tree, which app.c keeps between
 * requests as it keeps Lang_<code>, and linked as Site for each page: its
 * entries and their labels never change in a process, and setting them
 * for every page cost a list page 3 % of its instructions. The language
 * is the one Lang is linked to. */
static void
nav_link(struct request *req)
{
	static const char *const parts[] = { "Path", "Label", "Section", "OwnerOnly" };
	static const char *const numbers[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
	HDF *words = hdf_get_obj(req->hdf, "Lang"), *site, *entry;
	const struct nav_entry *nav;
	const char *code;
	NEOERR *err;
	char name[16], number[16], path[32];
	size_t i;

	code = words != NULL ? hdf_obj_name(words) : NULL;
	if (code == NULL || strncmp(code, "Lang_", 5) != 0)
		return;
	snprintf(name, sizeof(name), "Site_%s", code + 5);
	if (hdf_get_obj(req->hdf, name) == NULL) {
		snprintf(path, sizeof(path), "%s.Nav", name);
		if ((err = hdf_get_node(req->hdf, path, &site)) != STATUS_OK) {
			nerr_ignore(&err);
			return;
		}
		for (nav = req->app->nav; nav->path != NULL; nav++) {
			const char *values[] = { nav->path, request_text(req, nav->label),
				nav->section, nav->owner_only ? "1" : "0" };
			int n = (int)(nav - req->app->nav);

			if (n >= 10)
				snprintf(number, sizeof(number), "%d", n);
			err = hdf_get_node(site, n < 10 ? numbers[n] : number, &entry);
			for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && err == STATUS_OK; i++)
				err = hdf_set_value(entry, parts[i], values[i]);
			if (err != STATUS_OK) {
				/* out of memory: no half-made bar kept, made again next time */
				nerr_ignore(&err);
				hdf_remove_tree(req->hdf, name);
				return;
			}
		}
	}
	hdf_set_symlink(req->hdf, "Site", name);
}

/* Fills what the layout needs: language, CSRF token, signed-in admin. */
static void
page_context(struct request *req)
{
	/* set once, kept between requests (app.c) */
	if (hdf_get_obj(req->hdf, "Config.DebugEnabled") == NULL) {
		hdf_set_value(req->hdf, "Config.VarEscapeMode", "html");
		hdf_set_value(req->hdf, "Config.TimeFooter", "0");
		hdf_set_value(req->hdf, "Config.DebugEnabled", "0");
		hdf_set_valuef(req->hdf, "hdf.loadpaths.0=%s/templates", req->app->data_dir);
	}
	if (hdf_get_obj(req->hdf, "Lang") == NULL)
		request_link_lang(req);
	if (hdf_get_obj(req->hdf, "Page.Lang") == NULL)
		hdf_set_value(req->hdf, "Page.Lang", lang_codes[req->lang]);
	hdf_set_value(req->hdf, "Page.Path", req->path);
	if (hdf_get_obj(req->hdf, "Page.Home") == NULL)
		hdf_set_value(req->hdf, "Page.Home", request_area(req)->home);
	if (hdf_get_obj(req->hdf, "Site") == NULL)
		nav_link(req);
	if (req->session.customer_id != 0) {
		hdf_set_value(req->hdf, "Customer.Email", req->session.customer_email);
		hdf_set_value(req->hdf, "Customer.Name", req->session.customer_name);
	}
	if (req->session.csrf_token[0] != '\0')
		hdf_set_value(req->hdf, "Page.Csrf", req->session.csrf_token);
	if (req->session.valid) {
		hdf_set_value(req->hdf, "Admin.Email", req->session.admin_email);
		hdf_set_value(req->hdf, "Admin.Name", req->session.admin_name);
		hdf_set_int_value(req->hdf, "Admin.IsOwner", req->session.admin_is_owner);
		if (mark_make(nav_bar.mark) == 0)
			hdf_set_value(req->hdf, "Page.Nav", nav_bar.mark);
	}
}

/* The page's part (page_part), written once by the page, and then
 * forgotten: a large one (a 200-row list) is not kept. */
static void
part_done(void)
{
	part.pending = 0;
	part.at = -1;
	if (part.text.max > 256 * 1024)
		string_clear(&part.text);
}

static void
render_or_fail(struct request *req, int status, const char *template, int is_error_page)
{
	NEOERR *err;

	rendered.len = 0;
	if (rendered.buf != NULL)
		rendered.buf[0] = '\0';
	page_context(req);
	if (!is_error_page)
		notice_take(req);
	nav_bar.request = req;
	err = render(req, template, &rendered);
	nav_bar.request = NULL;
	if (err != STATUS_OK) {
		part_done();
		cs_log_error(template, err);
		if (!is_error_page) {
			page_error(req, 500, NULL);
			return;
		}
		write_head(req, 500, "text/plain; charset=utf-8");
		out(req, "Internal Server Error\n", 22);
		return;
	}
	write_head(req, status, "text/html; charset=utf-8");
	if (part.at >= 0) {
		out(req, rendered.buf, (size_t)part.at);
		out(req, part.text.buf != NULL ? part.text.buf : "", (size_t)part.text.len);
		out(req, rendered.buf + part.at, (size_t)(rendered.len - part.at));
	} else
		out(req, rendered.buf, (size_t)rendered.len);
	part_done();
	/* one uncommon page (a 200-row list) does not keep a large buffer */
	if (rendered.max > 256 * 1024)
		string_clear(&rendered);
}

void
page_render(struct request *req, int status, const char *template)
{
	if (req->answered || request_hold_answer(req))
		return;
	render_or_fail(req, status, template, 0);
}

void
page_redirect(struct request *req, const char *path)
{
	if (req->answered || request_hold_answer(req))
		return;
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\' || has_crlf(path))
		path = req->app->areas[0].home;
	page_header(req, "Location", path);
	write_head(req, 303, NULL);
}

int
page_begin(struct request *req, const char *content_type)
{
	if (req->answered || request_hold_answer(req))
		return -1;
	write_head(req, 200, content_type);
	return 0;
}

int
page_write(struct request *req, const char *buf, size_t len)
{
	if (!req->head_sent)
		return -1;
	if (req->head)
		return 0;
	if (req->fcgx != NULL)
		return hold(req, buf, len);
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

void
page_abort(struct request *req)
{
	if (req->fcgx != NULL && req->fcgx->ipcFd >= 0) {
		page_send_held(req);
		FCGX_FFlush(req->fcgx->out);
		if (shutdown(req->fcgx->ipcFd, SHUT_RDWR) != 0)
			log_err("cannot shut the connection of a broken download: %s",
			    strerror(errno));
	}
	req->answered = 1;
}

void
page_json(struct request *req, int status, const char *json)
{
	if (req->answered || request_hold_answer(req))
		return;
	write_head(req, status, "application/json");
	out(req, json, strlen(json));
}

void
page_json_string(STRING *json, const char *text)
{
	const unsigned char *p;

	string_append_char(json, '"');
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			string_appendf(json, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '&')
			string_appendf(json, "\\u%04x", *p);
		else
			string_append_char(json, (char)*p);
	}
	string_append_char(json, '"');
}

/* The code of a machine's error that no caller named, by status. */
static const char *
json_error_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 413: return "too_large";
	case 429: return "too_many_requests";
	case 503: return "unavailable";
	default: return "internal_error";
	}
}

void
page_json_error(struct request *req, int status, const char *code, const char *message_key)
{
	STRING json;
	char key[64];

	if (req->answered)
		return;
	db_rollback(&req->app->db);
	if (hdf_get_obj(req->hdf, "Lang") == NULL)
		request_link_lang(req);
	if (message_key != NULL)
		snprintf(key, sizeof(key), "Lang.%s", message_key);
	else
		snprintf(key, sizeof(key), "Lang.Error.Http.%d", status);
	string_init(&json);
	string_append(&json, "{\"error\": ");
	page_json_string(&json, code);
	string_append(&json, ", \"message\": ");
	page_json_string(&json, hdf_get_value(req->hdf, key, ""));
	string_append(&json, "}\n");
	if (status == 401)
		page_header(req, "WWW-Authenticate", "Fidele-HMAC");
	page_json(req, status, json.buf ? json.buf : "{}");
	string_clear(&json);
}

void
page_error(struct request *req, int status, const char *message_key)
{
	char key[64];

	if (req->answered || request_hold_answer(req))
		return;
	if (req->answer_json) {
		page_json_error(req, status, json_error_code(status), message_key);
		return;
	}
	db_rollback(&req->app->db);
	/* the strings are needed now; the rest of the context comes with the render */
	if (hdf_get_obj(req->hdf, "Lang") == NULL)
		request_link_lang(req);
	hdf_set_int_value(req->hdf, "Page.Error.Status", status);
	snprintf(key, sizeof(key), "Lang.Error.Http.%d", status);
	hdf_set_value(req->hdf, "Page.Error.Title", hdf_get_value(req->hdf, key, ""));
	if (message_key != NULL) {
		snprintf(key, sizeof(key), "Lang.%s", message_key);
		hdf_set_value(req->hdf, "Page.Error.Message", hdf_get_value(req->hdf, key, ""));
	}
	render_or_fail(req, status, "error.cs", 1);
}
