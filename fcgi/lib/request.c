/*
 * What a handler asks of its request (request.h): its parameters, its
 * validated fields, its language and its area. The door that validates
 * the fields is form.c; the accept loop that runs a request is app.c. The
 * base of the shop's mailed links is the shop context's (context.h).
 */
#include <config.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "request.h"

/* The cgi kit asks for ~160 names a request among ~35 parameters:
 * FCGX_GetParam's strncmp on each would cost 100,000 instructions; the
 * first byte tells most of them apart. */
const char *
request_param(struct request *req, const char *name)
{
	size_t length;
	char **param;

	if (req->fcgx == NULL)
		return getenv(name);
	if (name == NULL || req->envp == NULL)
		return NULL;
	length = strlen(name);
	for (param = req->envp; *param != NULL; param++)
		if ((*param)[0] == name[0] && strncmp(*param, name, length) == 0 &&
		    (*param)[length] == '=')
			return *param + length + 1;
	return NULL;
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

/* A handler asked for a field its route does not declare as asked: a bug
 * of the program. Logs it (the program's name says which), and stops at
 * the assertion in a build that has them (the tests'). */
static void
field_refused(struct request *req, const struct field *field, const char *why)
{
	log_err("field %s refused on %s %s: %s",
	    field != NULL && field->name != NULL ? field->name : "(none)", req->method,
	    req->route != NULL ? req->route->path : req->path, why);
	assert(!"a handler read a field its route does not declare so");
}

/* 1 when field is an entry of the current route's table; else refused. */
static int
field_of_route(struct request *req, const struct field *field)
{
	const struct field *own;

	if (req->route != NULL && req->route->fields != NULL && field != NULL)
		for (own = req->route->fields; own->name != NULL; own++)
			if (own == field)
				return 1;
	field_refused(req, field, "not one of the route's fields");
	return 0;
}

/* The node of a declared field under Query.*, or NULL. A page reads some
 * twenty fields: each is looked up under Query's node, not by a dotted
 * name built and walked from the root. */
static HDF *
field_node(struct request *req, const struct field *field)
{
	HDF *query = hdf_get_obj(req->hdf, "Query");

	return query != NULL ? hdf_get_obj(query, field->name) : NULL;
}

/* The value of a declared field under Query.*, or NULL. */
static const char *
field_value(struct request *req, const struct field *field)
{
	HDF *node = field_node(req, field);

	return node != NULL ? hdf_obj_value(node) : NULL;
}

const char *
request_field(struct request *req, const struct field *field)
{
	return field_of_route(req, field) ? field_value(req, field) : NULL;
}

const char *
request_field_shared(struct request *req, const struct field *shared)
{
	const struct field *own = route_field(req->route, shared->name);

	if (own == NULL)
		return NULL;
	if (own->kind != shared->kind) {
		field_refused(req, shared, "the route declares it of another kind");
		return NULL;
	}
	return field_value(req, own);
}

HDF *
request_fields_sent(struct request *req)
{
	HDF *query = hdf_get_obj(req->hdf, "Query");

	return query != NULL ? hdf_obj_child(query) : NULL;
}

size_t
request_field_ids(struct request *req, const struct field *field, long long *out, size_t max)
{
	HDF *node, *child;
	size_t count = 0;

	if (!field_of_route(req, field))
		return 0;
	node = field_node(req, field);
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
request_field_int(struct request *req, const struct field *field, long long fallback)
{
	const char *value = request_field(req, field);

	return value && *value ? strtoll(value, NULL, 10) : fallback;
}

int
request_field_choice(struct request *req, const struct field *field, int fallback)
{
	const char *value = request_field(req, field);
	int index;

	if (value == NULL || *value == '\0')
		return fallback;
	index = field_choice(field, value);
	if (index < 0) {
		/* the door checks every choice: this one is not a choice */
		field_refused(req, field, "not a FIELD_CHOICE");
		return fallback;
	}
	return index;
}

void
request_link_lang(struct request *req)
{
	lang_link(req->hdf, req->lang);
}

void
request_speak(struct request *req, int lang)
{
	if (lang < 0 || lang >= LANG__MAX)
		return;
	req->lang = lang;
	req->context.page_lang = lang;
	request_link_lang(req);
	hdf_set_value(req->hdf, "Page.Lang", lang_codes[lang]);
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

const char *
request_body(struct request *req, size_t *len)
{
	*len = req->body != NULL ? req->body_len : 0;
	return req->body != NULL && req->body_len > 0 ? req->body : NULL;
}

int
request_lock_path_row(struct request *req, struct db_query *query)
{
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	if (db_begin(&req->app->db) != 0 || db_exec(&req->app->db, query, params, 2) < 0 ||
	    (found = db_fetch(query)) < 0)
		found = -1;
	if (found != 1)
		db_done(query);
	return found;
}
