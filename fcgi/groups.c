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
	{ "POST", "/admin/groups", ACCESS_OWNER, group_fields, groups_create, NULL, 0 },
	{ "POST", "/admin/groups/bulk", ACCESS_ADMIN, groups_bulk_fields, groups_bulk, NULL, 0 },
	{ "POST", "/admin/groups/customer/#", ACCESS_ADMIN, group_member_fields,
	    groups_customer_set, NULL, 0 },
	{ "GET", "/admin/groups/#", ACCESS_OWNER, NULL, groups_edit_form, NULL, 0 },
	{ "POST", "/admin/groups/#", ACCESS_OWNER, group_fields, groups_update, NULL, 0 },
	{ "GET", "/admin/groups/#/delete", ACCESS_OWNER, NULL, groups_delete_form, NULL, 0 },
	{ "POST", "/admin/groups/#/delete", ACCESS_OWNER, NULL, groups_delete, NULL, 0 },
	/* tags (groups-tags.c) */
	{ "GET", "/admin/tags", ACCESS_ADMIN, NULL, tags_page, NULL, 0 },
	{ "POST", "/admin/tags/merge", ACCESS_ADMIN, tag_merge_fields, tags_merge, NULL, 0 },
	{ "POST", "/admin/tags/customer/#", ACCESS_ADMIN, tag_customer_fields, tags_customer_add,
	    NULL, 0 },
	{ "POST", "/admin/tags/customer/#/remove", ACCESS_ADMIN, tag_remove_fields,
	    tags_customer_remove, NULL, 0 },
	{ "POST", "/admin/tags/#/rename", ACCESS_ADMIN, tag_rename_fields, tags_rename, NULL, 0 },
	{ "GET", "/admin/tags/#/delete", ACCESS_ADMIN, NULL, tags_delete_form, NULL, 0 },
	{ "POST", "/admin/tags/#/delete", ACCESS_ADMIN, NULL, tags_delete, NULL, 0 },
	/* saved segments (groups-segments.c) */
	{ "GET", "/admin/segments", ACCESS_ADMIN, NULL, segments_page, NULL, 0 },
	{ "POST", "/admin/segments", ACCESS_ADMIN, segment_fields, segments_create,
	    segments_invalid, 0 },
	{ "GET", "/admin/segments/new", ACCESS_ADMIN, NULL, segments_open_new, NULL, 0 },
	{ "GET", "/admin/segments/returning", ACCESS_ADMIN, NULL, segments_open_returning, NULL, 0 },
	{ "GET", "/admin/segments/#", ACCESS_ADMIN, NULL, segments_open, NULL, 0 },
	{ "POST", "/admin/segments/#/rename", ACCESS_ADMIN, segment_rename_fields, segments_rename,
	    segments_invalid, 0 },
	{ "POST", "/admin/segments/#/delete", ACCESS_ADMIN, NULL, segments_delete, NULL, 0 },
	/* mailings (groups-mailing.c) */
	{ "GET", "/admin/segments/mail", ACCESS_OWNER, mailing_compose_fields, mailing_compose, NULL,
	    0 },
	{ "POST", "/admin/segments/mail", ACCESS_OWNER, mailing_send_fields, mailing_send, NULL, 0 },
	{ "GET", "/admin/segments/mailings", ACCESS_ADMIN, NULL, mailings_page, NULL, 0 },
	{ "GET", "/admin/segments/mailings/#", ACCESS_ADMIN, NULL, mailing_page, NULL, 0 },
	/* the storefront API (groups-api.c) and its keys (groups-keys.c) */
	{ "GET", "/api/v1/customers", ACCESS_PUBLIC, api_customer_fields, api_customer, NULL,
	  ROUTE_KEY },
	{ "POST", "/api/v1/orders", ACCESS_PUBLIC, NULL, api_orders, NULL, ROUTE_KEY },
	{ "GET", "/admin/api-keys", ACCESS_OWNER, NULL, keys_page, NULL, 0 },
	{ "POST", "/admin/api-keys", ACCESS_OWNER, keys_new_fields, keys_create,
	  keys_create_invalid, 0 },
	{ "GET", "/admin/api-keys/#/revoke", ACCESS_OWNER, NULL, keys_revoke_form, NULL, 0 },
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
		.lang = site_lang,
	};

	if (groups_bulk_setup() != 0)
		return 1;

	return app_main(&app, argc, argv);
}
