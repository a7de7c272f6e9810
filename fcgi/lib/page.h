/*
 * Answers: pages rendered through templates/layout.cs, redirects, error
 * pages, cookies and the security headers every response carries.
 * Each answering function may be called once per request.
 */
#ifndef FIDELE_PAGE_H
#define FIDELE_PAGE_H

#include "request.h"

/* Renders templates/<template> (which defines content()) inside the layout,
 * with the given HTTP status. */
void page_render(struct request *req, int status, const char *template);

/* A part of the next page written by C rather than by its template (the
 * customer list's rows, each value escaped by row_template.c): the buffer
 * returned, emptied, to append it to. The tree's name holds a mark in its
 * place (\x01, 32 random hex digits, \x01: no value of a tree holds it by
 * chance or by design), which page_render replaces with the part when it
 * writes the page; a page whose template does not write name leaves the
 * part out. The part is not copied through the tree, ClearSilver's
 * escaping and the rendered page (three copies of 20 KB of rows). NULL
 * when out of memory. */
STRING *page_part(struct request *req, const char *name);

/* Renders templates/<template> of data_dir on its own (no layout) from hdf
 * (which needs its Lang) into out, escaping variables for escape ("html"
 * or "none"), for mail bodies: a request's tree or a shop context's.
 * Returns 0, or -1 after logging the template error. */
int page_render_text(HDF *hdf, const char *data_dir, const char *template, const char *escape,
    STRING *out);

/* Answers a machine's request (a ROUTE_KEY route) with a JSON text, as
 * application/json with the security headers; no cookie is ever set. */
void page_json(struct request *req, int status, const char *json);

/* The JSON error of a machine's request: {"error": code, "message": the
 * Lang string message_key, else the status's title, in the shop's
 * language}. A 401 also says WWW-Authenticate: Fidele-HMAC. */
void page_json_error(struct request *req, int status, const char *code,
    const char *message_key);

/* Appends text to out as a JSON string, quotes included (text is UTF-8;
 * quotes, backslashes, control bytes and < > & are escaped). */
void page_json_string(STRING *out, const char *text);

/* Starts a download (a CSV file): the head of a 200 with content_type and
 * the headers given so far (page_header: Content-Disposition). The body
 * follows in pieces with page_write, streamed as it is made. Returns 0, or
 * -1 when nothing may be written (answered already, or the request will
 * run again). */
int page_begin(struct request *req, const char *content_type);

/* A piece of a download's body, after page_begin. Returns 0, or -1 when
 * it could not be written (the client went away: the web server closed
 * the connection): the caller stops making the rest. */
int page_write(struct request *req, const char *buf, size_t len);

/* The download begun with page_begin cannot be finished (the database
 * failed half-way): makes the client see it broken rather than complete.
 * The bytes written so far are flushed and the connection to the web
 * server is shut before the end of the request is said, so that nginx
 * (fastcgi_keep_conn on in the download's location: a connection closed
 * then is an error, not the end) drops the client without the last chunk,
 * and a browser marks the download failed. Under plain CGI there is no
 * such signal: the answer just ends. Nothing more may be written. */
void page_abort(struct request *req);

/* Sends the answer written so far and held back to be sent in one piece
 * (request_run calls it when the request is done; it is there for what
 * writes to the web server by another way). 0, or -1 when the web server
 * is gone. */
int page_send_held(struct request *req);

/* 303 See Other to a local path (must start with '/'). */
void page_redirect(struct request *req, const char *path);

/* The error page for status (400, 401, 403, 404, 405, 413, 429, 500, 503) in the
 * shop's language; message_key, if not NULL, names a Lang string that says
 * more (for example "Error.Field.TooLong"). A machine's request
 * (req->answer_json) gets page_json_error instead. */
void page_error(struct request *req, int status, const char *message_key);

/* Adds a response header line; name and value must not hold CR or LF
 * (the header is dropped and logged if they do). */
void page_header(struct request *req, const char *name, const char *value);

/* Sets a cookie with HttpOnly, SameSite=Lax, Path=/ and Secure over HTTPS;
 * max_age < 0 makes it a browser-session cookie, 0 deletes it. */
void page_cookie(struct request *req, const char *name, const char *value, long max_age);

/* Leaves a one-time notice ("Client créé, invitation envoyée") for the
 * next page this browser is shown, after a redirect: key names
 * Lang.Notice.<key>, never user text. It travels in a short-lived cookie
 * signed with the install secret; the next rendered page shows it once in
 * the layout (Page.Notice) and clears it. */
void page_notice(struct request *req, const char *key);

#endif
