/*
 * The request cycle every program shares. A program is a route table plus
 * a table of SQL; app_main() does the rest: accept (FastCGI or plain CGI),
 * parse through ClearSilver's cgi kit, resolve the shop, load the session,
 * find the route, check access, CSRF and the declared fields, call the
 * handler, and log one line. Handlers only see validated values.
 *
 * Everything a request allocates hangs off struct request and is freed in
 * request_end(); nothing outlives a request but struct app.
 */
#ifndef FIDELE_APP_H
#define FIDELE_APP_H

#include "request.h"

/* Runs the program: the accept loop under FastCGI, one request under CGI.
 * Returns the process exit status. */
int app_main(struct app *app, int argc, char **argv);

#endif
