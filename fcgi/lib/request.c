/*
 * What a handler asks of its request (request.h): its parameters, its
 * validated fields, its language, its area and the base of its shop's
 * mailed links. The door that validates the fields is form.c; the accept
 * loop that runs a request is app.c.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "request.h"
#include "text.h"

const char *
request_param(struct request *req, const char *name)
{
	if (req->fcgx != NULL)
		return FCGX_GetParam(name, req->envp);
	return getenv(name);
}

/* The request body as the client sent it (read once, at the door). */
int
request_read(struct request *req, char *buf, int len)
{
	if (req->fcgx != NULL)
		return FCGX_GetStr(buf, len, req->fcgx->in);
	return (int)fread(buf, 1, (size_t)len, stdin);
}

const struct field *
route_field(const struct route *route, const char *name)
{
	const struct field *field;

	if (route == NULL || route->fields == NULL)
		return NULL;
	for (field = route->fields; field->name != NULL; field++)
		if (strcmp(field->name, name) == 0)
			return field;
	return NULL;
}

const char *
request_field(struct request *req, const char *name)
{
	char key[128];

	if (route_field(req->route, name) == NULL)
		return NULL;
	snprintf(key, sizeof(key), "Query.%s", name);
	return hdf_get_value(req->hdf, key, NULL);
}

size_t
request_field_ids(struct request *req, const char *name, long long *out, size_t max)
{
	char key[128];
	HDF *node, *child;
	size_t count = 0;

	if (route_field(req->route, name) == NULL)
		return 0;
	snprintf(key, sizeof(key), "Query.%s", name);
	node = hdf_get_obj(req->hdf, key);
	if (node == NULL)
		return 0;
	child = hdf_obj_child(node);
	if (child == NULL && hdf_obj_value(node) != NULL && max > 0) {
		out[0] = strtoll(hdf_obj_value(node), NULL, 10);
		return 1;
	}
	for (; child != NULL && count < max; child = hdf_obj_next(child))
		out[count++] = strtoll(hdf_obj_value(child), NULL, 10);
	return count;
}

long long
request_field_int(struct request *req, const char *name, long long fallback)
{
	const char *value = request_field(req, name);

	return value && *value ? strtoll(value, NULL, 10) : fallback;
}

void
request_link_lang(struct request *req)
{
	char target[16];

	snprintf(target, sizeof(target), "Lang_%s", lang_codes[req->shop.lang]);
	hdf_set_symlink(req->hdf, "Lang", target);
}

const char *
request_text(struct request *req, const char *key)
{
	char name[256];

	snprintf(name, sizeof(name), "Lang.%s", key);
	return hdf_get_value(req->hdf, name, key);
}

const struct area *
request_area(struct request *req)
{
	const struct area *area;

	for (area = req->app->areas; area->prefix != NULL; area++)
		if (strncmp(req->path, area->prefix, strlen(area->prefix)) == 0)
			return area;
	return req->app->areas;
}

const struct area *
request_area_of(struct request *req, enum access access)
{
	const struct area *area;

	if (access == ACCESS_OWNER)
		access = ACCESS_ADMIN;
	for (area = req->app->areas; area->prefix != NULL; area++)
		if (area->visitor == access)
			return area;
	return req->app->areas;
}

int
shop_link_base(struct request *req, char *out, size_t size)
{
	const char *server_port = request_param(req, "SERVER_PORT");
	const char *port;
	char host[254];
	size_t len;

	if (req->shop.public_url[0] != '\0') {
		snprintf(out, size, "%s", req->shop.public_url);
		len = strlen(out);
		while (len > 0 && out[len - 1] == '/')
			out[--len] = '\0';
		return 0;
	}
	/* only the host as shop_host registered it goes into a mailed link, not
	 * what the client wrote after it; its port only when the request came
	 * in on that port */
	if (!req->shop.found_by_host || req->shop.host[0] == '\0') {
		log_err("shop %s needs a public URL for mailed links (fidele-admin shop set-url)",
		    req->shop.slug);
		return -1;
	}
	port = text_host_split(request_param(req, "HTTP_HOST"), host, sizeof(host));
	if (port != NULL && *port != '\0' && server_port != NULL && strcmp(port, server_port) == 0)
		snprintf(out, size, "%s://%s:%s", req->https ? "https" : "http", req->shop.host, port);
	else
		snprintf(out, size, "%s://%s", req->https ? "https" : "http", req->shop.host);
	return 0;
}

const char *
request_body(struct request *req, size_t *len)
{
	*len = req->body != NULL ? req->body_len : 0;
	return req->body != NULL && req->body_len > 0 ? req->body : NULL;
}
