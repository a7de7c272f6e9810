/*
 * The request into the tree as the cgi kit's cgi_init puts it there: the
 * request's variables under CGI.* and HTTP.*, its cookies under Cookie.*,
 * its query string under Query.*. cgi_init looks up each of the 163
 * variable names it knows (most of them mod_ssl's) through a snprintf and
 * a getenv of its own: 190,000 instructions a request, a tenth of the
 * customer list's. These do the same work for the names a request can
 * have, and are what the door uses after a process's first request (app.c):
 * the cookies and the query string for every request, the variables only
 * for a form the cgi kit parses (request_cgi_variables).
 */
#ifndef FIDELE_CGI_TREE_H
#define FIDELE_CGI_TREE_H

#include "clearsilver.h"

/* CGI.<name> and HTTP.<name> for each variable of the request the cgi kit
 * imports (REQUEST_METHOD as CGI.RequestMethod, HTTP_COOKIE as HTTP.Cookie,
 * ...), mod_ssl's SSL_* left out: none of our web servers passes them and
 * nothing reads them. value_of(ctx, name) gives a variable's value, or
 * NULL when the request has none. */
NEOERR *cgi_tree_variables(HDF *tree, const char *(*value_of)(void *ctx, const char *name),
    void *ctx);

/* Cookie.<name> for each "name=value" of the Cookie header (each side
 * stripped of white space, a pair with an empty side left out, the last
 * of a name kept, a name the tree refuses left out), and Cookie itself as
 * the header is. Nothing when header is NULL. */
NEOERR *cgi_tree_cookies(HDF *tree, const char *header);

/* Query.<name> for each "name=value" of the query string, both
 * URL-decoded: a name given more than once keeps its last value and has
 * each in order as children 0, 1, ...; an empty name is "_0", "_1"...; a
 * name starting with a dot starts with "_" instead; with ignore_empty, a
 * pair with an empty value is left out. The same as cgi_parse makes of an
 * urlencoded form's body. */
NEOERR *cgi_tree_query(HDF *tree, const char *query, int ignore_empty);

#endif
