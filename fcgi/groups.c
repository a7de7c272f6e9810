/*
 * groups.fcgi: groups, tags, saved segments, mailings and the storefront
 * API. See groups.h for where each page lives.
 */
#include <config.h>

#include "lib/app.h"
#include "groups.h"
#include "site.h"

static const struct route routes[] = {
	/* groups (groups-groups.c) */
	{ "GET", "/admin/groups", ACCESS_ADMIN, NULL, groups_page, NULL, 0 },
	/* tags (groups-tags.c) */
	/* saved segments (groups-segments.c) */
	/* mailings (groups-mailing.c) */
	/* the storefront API (groups-api.c) and its keys (groups-keys.c) */
	{ "GET", "/api/v1/customers", ACCESS_PUBLIC, api_customer_fields, api_customer, NULL,
	  ROUTE_KEY },
	{ "POST", "/api/v1/orders", ACCESS_PUBLIC, NULL, api_orders, NULL, ROUTE_KEY },
	{ "GET", "/admin/api-keys", ACCESS_OWNER, NULL, keys_page, NULL, 0 },
	{ "POST", "/admin/api-keys", ACCESS_OWNER, keys_new_fields, keys_create,
	  keys_create_invalid, 0 },
	{ "POST", "/admin/api-keys/#/revoke", ACCESS_OWNER, NULL, keys_revoke, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "groups",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.areas = site_areas,
		.nav = site_nav,
	};

	return app_main(&app, argc, argv);
}
