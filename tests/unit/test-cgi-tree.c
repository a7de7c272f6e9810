/*
 * Unit tests for fcgi/lib/cgi_tree.c: what the door puts into the tree
 * from a request (CGI.*, HTTP.*, Cookie.*, Query.*) is what the cgi kit's
 * cgi_init puts there from the same request, node for node, for query
 * strings and Cookie headers with repeated, empty, dotted, encoded and
 * malformed names and values; and the variables cgi_init reads from
 * mod_ssl only are the ones left out.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/cgi_tree.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct request_case {
	const char *name;
	const char *query;	/* QUERY_STRING, NULL: none */
	const char *cookie;	/* HTTP_COOKIE, NULL: none */
};

static const struct request_case cases[] = {
	{ "a plain list link", "q=elodie&sort=name&dir=asc&size=50", "fidele_session=abc" },
	{ "a name given three times", "id=3&id=5&id=8", NULL },
	{ "empty pairs, empty names and a name without a value", "&&a=&=x&=y&c&", NULL },
	{ "a name starting with a dot", ".b=3&.=4", NULL },
	{ "encoded names and values, plus as space", "q=%C3%A9lodie+o&a%2Eb=1&%61=2", NULL },
	{ "broken and partial percent escapes", "x=%zz%4&y=%41%42+&z=%", NULL },
	{ "a dotted name and its parent given after", "a.b=1&a=2&a=3", NULL },
	{ "a child given by hand among repeats", "a=1&a.0=z&a=4", NULL },
	{ "a NUL escaped in a name and a value", "%00k=v&k2=%00v", NULL },
	{ "an equals sign in a value", "a==b&c=d=e", NULL },
	{ "a semicolon in a query string", "p=1;q=2", NULL },
	{ "a name the tree refuses", "a..b=1&b=2", NULL },
	{ "cookies with spaces and empty sides", NULL, " a = 1 ;b=;c; =d;e=f=g;;" },
	{ "a cookie given twice", NULL, "a=1; a=2" },
	{ "a cookie without a value", NULL, "x" },
	{ "a dotted cookie and its parent", NULL, "a.b=1; a=2" },
	{ "an empty Cookie header", NULL, "" },
	{ "a query string and cookies together", "csrf=1&id=2&id=3",
	  "fidele_session=s; fidele_notice=created.0123" },
	{ "neither", NULL, NULL },
};

/* The request's other variables: some cgi_init knows, one it does not. */
static const char *const variables[][2] = {
	{ "REQUEST_METHOD", "GET" }, { "CONTENT_TYPE", "text/plain" },
	{ "CONTENT_LENGTH", "12" }, { "REMOTE_ADDR", "192.0.2.1" },
	{ "SERVER_PORT", "8080" }, { "HTTPS", "on" }, { "SCRIPT_NAME", "/admin/customers" },
	{ "REQUEST_URI", "/admin/customers?q=x" }, { "HTTP_HOST", "alpha.test" },
	{ "HTTP_USER_AGENT", "test <agent>" }, { "HTTP_REFERER", "http://alpha.test/" },
	{ "HTTP_ACCEPT_LANGUAGE", "fr" }, { "HTTP_SOAPACTION", "x" },
	{ "FIDELE_SHOP", "alpha" },
};

static const char *
from_environment(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* The node's dump (its name, value and children) into out. */
static void
dump(HDF *tree, const char *name, STRING *out)
{
	HDF *node = hdf_get_obj(tree, name);
	NEOERR *err;

	if (node == NULL)
		return;
	string_appendf(out, "%s = %s\n", name, hdf_obj_value(node) ? hdf_obj_value(node) : "(none)");
	err = hdf_dump_str(node, name, 0, out);
	nerr_ignore(&err);
}

/* The request's nodes made by cgi_init (kit) and by cgi_tree (ours). */
static void
both_trees(const struct request_case *c, STRING *kit, STRING *ours)
{
	static const char *const nodes[] = { "CGI", "HTTP", "Cookie", "Query" };
	HDF *kit_tree = NULL, *our_tree = NULL;
	CGI *cgi = NULL;
	NEOERR *err;
	size_t i;

	if (c->query != NULL)
		setenv("QUERY_STRING", c->query, 1);
	else
		unsetenv("QUERY_STRING");
	if (c->cookie != NULL)
		setenv("HTTP_COOKIE", c->cookie, 1);
	else
		unsetenv("HTTP_COOKIE");
	err = hdf_init(&kit_tree);
	if (err == STATUS_OK)
		err = cgi_init(&cgi, kit_tree);
	if (err == STATUS_OK)
		err = hdf_init(&our_tree);
	if (err == STATUS_OK)
		err = cgi_tree_variables(our_tree, from_environment, NULL);
	if (err == STATUS_OK)
		err = cgi_tree_cookies(our_tree, hdf_get_value(our_tree, "HTTP.Cookie", NULL));
	if (err == STATUS_OK)
		err = cgi_tree_query(our_tree, c->query, 0);
	if (err != STATUS_OK) {
		string_append(ours, "error");
		nerr_ignore(&err);
	}
	for (i = 0; i < N(nodes); i++) {
		dump(kit_tree, nodes[i], kit);
		dump(our_tree, nodes[i], ours);
	}
	cgi_destroy(&cgi);	/* and kit_tree with it */
	hdf_destroy(&our_tree);
}

int
main(void)
{
	char name[160];
	size_t i;

	for (i = 0; i < N(variables); i++)
		setenv(variables[i][0], variables[i][1], 1);
	/* a variable only mod_ssl sets: the cgi kit imports it, the door not */
	unsetenv("SSL_PROTOCOL");
	for (i = 0; i < N(cases); i++) {
		STRING kit, ours;

		string_init(&kit);
		string_init(&ours);
		both_trees(&cases[i], &kit, &ours);
		snprintf(name, sizeof(name), "%s: the tree cgi_init makes", cases[i].name);
		is_str(ours.buf ? ours.buf : "", kit.buf ? kit.buf : "", name);
		string_clear(&kit);
		string_clear(&ours);
	}
	return tap_done();
}
