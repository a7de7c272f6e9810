/*
 * The door every request passes before its handler (form.c): a GET's
 * query string and a POST's body are walked once against the route's
 * declared fields before ClearSilver's cgi kit parses them, and the
 * declared fields' values are then checked and normalised. Used by the
 * accept loop (app.c).
 */
#ifndef FIDELE_FORM_H
#define FIDELE_FORM_H

#include "request.h"

/* How often a field may come in a form: once, and a FIELD_IDS one more
 * than its maximum, so that the page can say how many rows may be ticked. */
long long form_quota(const struct field *field);

/* Gives the cgi kit the query string of a GET with only the route's fields
 * in it (req->query); a refused one sets req->form_problem. */
void form_query_prepare(struct request *req);

/* Reads the body into req->body (req->body_len; once: a second call does
 * nothing): exactly CONTENT_LENGTH bytes, or under FastCGI without one (a
 * chunked request) up to the end. Returns 0, 413 when it is over
 * Limits.MaxBody, 400 when it is cut short. Nothing is answered. */
int form_body_read(struct request *req);

/* Reads, checks and parses a POST's form (a ROUTE_KEY route's JSON body is
 * read and left to its handler, unparsed). Returns 0, or the status of the
 * error page that has been sent. */
int form_parse(struct request *req);

/* Validates every declared field; messages go to Page.Errors.<name>.
 * Returns the first message key, or NULL when all are fine. */
const char *form_validate(struct request *req);

#endif
