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
	{ "GET", "/admin/segments", ACCESS_ADMIN, NULL, segments_page, NULL, 0 },
	{ "POST", "/admin/segments", ACCESS_ADMIN, segment_fields, segments_create, NULL, 0 },
	{ "GET", "/admin/segments/new", ACCESS_ADMIN, NULL, segments_open_new, NULL, 0 },
	{ "GET", "/admin/segments/returning", ACCESS_ADMIN, NULL, segments_open_returning, NULL, 0 },
	{ "GET", "/admin/segments/#", ACCESS_ADMIN, NULL, segments_open, NULL, 0 },
	{ "POST", "/admin/segments/#/rename", ACCESS_ADMIN, segment_rename_fields, segments_rename,
	    NULL, 0 },
	{ "POST", "/admin/segments/#/delete", ACCESS_ADMIN, NULL, segments_delete, NULL, 0 },
	/* mailings (groups-mailing.c) */
	{ "GET", "/admin/segments/mail", ACCESS_OWNER, mailing_compose_fields, mailing_compose, NULL,
	    0 },
	{ "POST", "/admin/segments/mail", ACCESS_OWNER, mailing_send_fields, mailing_send, NULL, 0 },
	{ "GET", "/admin/segments/mailings", ACCESS_ADMIN, NULL, mailings_page, NULL, 0 },
	/* the storefront API (groups-api.c) */
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
