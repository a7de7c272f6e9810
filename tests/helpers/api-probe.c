/*
 * A FastCGI program for tests/web/test_keyauth.py only (built by make
 * check, served by tests/web/run under /api-probe/): machine endpoints
 * (ROUTE_KEY) that answer JSON with what the core told them, until the
 * storefront API gives the product real ones.
 *
 *   GET  /api-probe/whoami        the shop, the key that signed, the q field
 *   POST /api-probe/orders        the same, the body's length and its note
 *                                 field (a form) or its bytes (JSON), and
 *                                 writes an event "api.probe" for the shop
 *   POST /api-probe/form          an ordinary public form (no ROUTE_KEY):
 *                                 a signature does not stand for its CSRF
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "../../fcgi/lib/app.h"
#include "../../fcgi/lib/page.h"
#include "../../fcgi/site.h"

enum whoami_field { WHOAMI_Q, WHOAMI__MAX };

static const struct field whoami_fields[WHOAMI__MAX + 1] = {
	[WHOAMI_Q] = { "q", FIELD_TEXT, 0, 100, 0, 0, NULL },
};

enum orders_field { ORDERS_NOTE, ORDERS__MAX };

static const struct field orders_fields[ORDERS__MAX + 1] = {
	[ORDERS_NOTE] = { "note", FIELD_TEXT, 0, 200, 0, 0, NULL },
};

/* {"shop": slug, "key": name, "key_id": id, "actor": "key"|"other" */
static void
probe_head(struct request *req, STRING *json)
{
	string_append(json, "{\"shop\": ");
	page_json_string(json, req->shop.slug);
	string_append(json, ", \"key\": ");
	page_json_string(json, req->key.name);
	string_append(json, ", \"key_id\": ");
	page_json_string(json, req->key.public_id);
	string_append(json, ", \"actor\": ");
	page_json_string(json, req->context.actor == ACTOR_KEY ? "key" : "other");
}

static void
probe_whoami(struct request *req)
{
	const char *q = request_field(req, &whoami_fields[WHOAMI_Q]);
	STRING json;

	string_init(&json);
	probe_head(req, &json);
	string_append(&json, ", \"q\": ");
	page_json_string(&json, q ? q : "");
	string_append(&json, "}\n");
	page_json(req, 200, json.buf);
	string_clear(&json);
}

static void
probe_orders(struct request *req)
{
	const char *note = request_field(req, &orders_fields[ORDERS_NOTE]);
	size_t length;
	const char *body = request_body(req, &length);
	char detail[64];
	STRING json;

	snprintf(detail, sizeof(detail), "%zu bytes", length);
	if (db_begin(&req->app->db) != 0 ||
	    event_add(&req->context, 0, 0, "api.probe", detail) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	string_init(&json);
	probe_head(req, &json);
	string_appendf(&json, ", \"body_length\": %zu, \"note\": ", length);
	page_json_string(&json, note ? note : "");
	/* a JSON body is the handler's to read: echo it as a string */
	string_append(&json, ", \"body\": ");
	page_json_string(&json, body != NULL && memchr(body, '\0', length) == NULL ? body : "");
	string_append(&json, "}\n");
	page_json(req, 200, json.buf);
	string_clear(&json);
}

static void
probe_form(struct request *req)
{
	page_json(req, 200, "{\"form\": \"taken\"}\n");
}

static const struct route routes[] = {
	{ "GET", "/api-probe/whoami", ACCESS_PUBLIC, whoami_fields, probe_whoami, NULL, ROUTE_KEY },
	{ "POST", "/api-probe/orders", ACCESS_PUBLIC, orders_fields, probe_orders, NULL, ROUTE_KEY },
	{ "POST", "/api-probe/form", ACCESS_PUBLIC, orders_fields, probe_form, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "api-probe",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.areas = site_areas,
		.nav = site_nav,
	};

	return app_main(&app, argc, argv);
}
