/*
 * What a handler asks of its request (request.h): its parameters, its
 * validated fields, its language and its area. The door that validates
 * the fields is form.c; the accept loop that runs a request is app.c. The
 * base of the shop's mailed links is the shop context's (context.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "request.h"

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
