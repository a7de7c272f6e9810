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

/* Gives the cgi kit the query string of a GET with only the route's fields
 * in it (req->query); a refused one sets req->form_problem. */
void form_query_prepare(struct request *req);

/* Reads, checks and parses a POST's form. Returns 0, or the status of the
 * error page that has been sent. */
int form_parse(struct request *req);

/* Validates every declared field; messages go to Page.Errors.<name>.
 * Returns the first message key, or NULL when all are fine. */
const char *form_validate(struct request *req);

#endif
