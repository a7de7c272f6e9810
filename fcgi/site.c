/*
 * The site's areas and navigation bar (site.h). A program that adds pages
 * to the admin bar adds its entry here.
 */
#include <config.h>

#include <stddef.h>

#include "site.h"

const struct area site_areas[] = {
	{ "/admin", "/admin/", "/admin/login", ACCESS_ADMIN },
	{ "/account", "/account/", "/account/login", ACCESS_CUSTOMER },
	{ NULL, NULL, NULL, 0 }
};

const struct nav_entry site_nav[] = {
	{ "/admin/customers", "Nav.Customers", "customers", 0 },
	{ "/admin/settings", "Nav.Settings", "settings", 1 },
	{ NULL, NULL, NULL, 0 }
};
