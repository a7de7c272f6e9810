/*
 * The request into the tree (cgi_tree.h): its variables, cookies and query
 * string under CGI.*, HTTP.*, Cookie.* and Query.*, as the cgi kit's
 * cgi_init puts them there (tests/unit/test-cgi-tree.c compares the two).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_tree.h"

/* The variables cgi_init imports and their nodes, less mod_ssl's SSL_*. */
static const struct {
	const char *env;
	const char *node;
} cgi_variables[] = {
	{ "AUTH_TYPE", "CGI.AuthType" },
	{ "CONTENT_TYPE", "CGI.ContentType" },
	{ "CONTENT_LENGTH", "CGI.ContentLength" },
	{ "DOCUMENT_ROOT", "CGI.DocumentRoot" },
	{ "GATEWAY_INTERFACE", "CGI.GatewayInterface" },
	{ "PATH_INFO", "CGI.PathInfo" },
	{ "PATH_TRANSLATED", "CGI.PathTranslated" },
	{ "QUERY_STRING", "CGI.QueryString" },
	{ "REDIRECT_REQUEST", "CGI.RedirectRequest" },
	{ "REDIRECT_QUERY_STRING", "CGI.RedirectQueryString" },
	{ "REDIRECT_STATUS", "CGI.RedirectStatus" },
	{ "REDIRECT_URL", "CGI.RedirectURL" },
	{ "REMOTE_ADDR", "CGI.RemoteAddress" },
	{ "REMOTE_HOST", "CGI.RemoteHost" },
	{ "REMOTE_IDENT", "CGI.RemoteIdent" },
	{ "REMOTE_PORT", "CGI.RemotePort" },
	{ "REMOTE_USER", "CGI.RemoteUser" },
	{ "REMOTE_GROUP", "CGI.RemoteGroup" },
	{ "REQUEST_METHOD", "CGI.RequestMethod" },
	{ "REQUEST_URI", "CGI.RequestURI" },
	{ "SCRIPT_FILENAME", "CGI.ScriptFilename" },
	{ "SCRIPT_NAME", "CGI.ScriptName" },
	{ "SERVER_ADDR", "CGI.ServerAddress" },
	{ "SERVER_ADMIN", "CGI.ServerAdmin" },
	{ "SERVER_NAME", "CGI.ServerName" },
	{ "SERVER_PORT", "CGI.ServerPort" },
	{ "SERVER_ROOT", "CGI.ServerRoot" },
	{ "SERVER_PROTOCOL", "CGI.ServerProtocol" },
	{ "SERVER_SOFTWARE", "CGI.ServerSoftware" },
	{ "HTTPS", "CGI.HTTPS" },
	{ "HTTP_ACCEPT", "HTTP.Accept" },
	{ "HTTP_ACCEPT_CHARSET", "HTTP.AcceptCharset" },
	{ "HTTP_ACCEPT_ENCODING", "HTTP.AcceptEncoding" },
	{ "HTTP_ACCEPT_LANGUAGE", "HTTP.AcceptLanguage" },
	{ "HTTP_COOKIE", "HTTP.Cookie" },
	{ "HTTP_HOST", "HTTP.Host" },
	{ "HTTP_USER_AGENT", "HTTP.UserAgent" },
	{ "HTTP_IF_MODIFIED_SINCE", "HTTP.IfModifiedSince" },
	{ "HTTP_REFERER", "HTTP.Referer" },
	{ "HTTP_VIA", "HTTP.Via" },
	{ "HTTP_SOAPACTION", "HTTP.Soap.Action" },
};

/* Sets name to value in tree; a name the tree refuses (NERR_ASSERT) is
 * left out, as the cgi kit leaves it out. */
static NEOERR *
tree_set_lenient(HDF *tree, const char *name, const char *value)
{
	NEOERR *err = hdf_set_value(tree, name, value);

	if (nerr_match(err, NERR_ASSERT))
		nerr_ignore(&err);
	return err;
}

NEOERR *
cgi_tree_cookies(HDF *tree, const char *header)
{
	char *copy, *pair, *next, *value;
	HDF *cookies;
	NEOERR *err;

	if (header == NULL)
		return STATUS_OK;
	if ((err = hdf_set_value(tree, "Cookie", header)) != STATUS_OK)
		return err;
	cookies = hdf_get_obj(tree, "Cookie");
	if ((copy = strdup(header)) == NULL)
		return nerr_raise(NERR_NOMEM, "no memory for the cookies");
	for (pair = copy; *pair != '\0' && err == STATUS_OK; pair = next) {
		/* a pair ends at ';'; its name at the first '=' before that */
		next = pair + strcspn(pair, ";");
		if (*next != '\0')
			*next++ = '\0';
		value = strchr(pair, '=');
		if (value != NULL)
			*value++ = '\0';
		else
			value = "";
		pair = neos_strip(pair);
		value = neos_strip(value);
		if (*pair != '\0' && *value != '\0')
			err = tree_set_lenient(cookies, pair, value);
	}
	free(copy);
	return err;
}

NEOERR *
cgi_tree_query(HDF *tree, const char *query, int ignore_empty)
{
	char *copy, *pair, *value, *rest = NULL, unnamed[16], name[256], number[16];
	int unnamed_count = 0, children;
	NEOERR *err = STATUS_OK;
	HDF *node, *child;

	if (query == NULL || *query == '\0')
		return STATUS_OK;
	if ((copy = strdup(query)) == NULL)
		return nerr_raise(NERR_NOMEM, "no memory for the query string");
	for (pair = strtok_r(copy, "&", &rest); pair != NULL && err == STATUS_OK;
	    pair = strtok_r(NULL, "&", &rest)) {
		value = strchr(pair, '=');
		if (value != NULL)
			*value++ = '\0';
		else
			value = "";
		if (*pair == '\0') {
			snprintf(unnamed, sizeof(unnamed), "_%d", unnamed_count++);
			pair = unnamed;
		} else if (*pair == '.')
			*pair = '_';
		snprintf(name, sizeof(name), "Query.%s", cgi_url_unescape(pair));
		if (ignore_empty && *value == '\0')
			continue;
		cgi_url_unescape(value);
		node = hdf_get_obj(tree, name);
		if (node != NULL) {
			child = hdf_obj_child(node);
			children = 0;
			if (child == NULL) {
				err = hdf_set_value(node, "0", hdf_obj_value(node));
				children = 1;
			}
			for (; child != NULL; child = hdf_obj_next(child))
				children++;
			snprintf(number, sizeof(number), "%d", children);
			if (err == STATUS_OK)
				err = hdf_set_value(node, number, value);
		}
		if (err == STATUS_OK)
			err = tree_set_lenient(tree, name, value);
	}
	free(copy);
	return err;
}

NEOERR *
cgi_tree_variables(HDF *tree, const char *(*value_of)(void *ctx, const char *name), void *ctx)
{
	NEOERR *err = STATUS_OK;
	const char *value;
	size_t i;

	for (i = 0; i < sizeof(cgi_variables) / sizeof(cgi_variables[0]) && err == STATUS_OK; i++)
		if ((value = value_of(ctx, cgi_variables[i].env)) != NULL)
			err = hdf_set_value(tree, cgi_variables[i].node, value);
	return err;
}
