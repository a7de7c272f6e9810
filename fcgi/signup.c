/*
 * signup.fcgi: how customers arrive (the public signup page, the waiting
 * list, the shop's door on /admin/signup), what they agreed to (the
 * consent ledger, fcgi/lib/consent.h; one-click unsubscribe) and the
 * customer's own space under /account/ (but the sign-in pages, which
 * login.fcgi keeps). See signup.h for where each page lives.
 */
#include <config.h>

#include "lib/app.h"
#include "signup.h"
#include "site.h"

static const struct route routes[] = {
	/* the customer's own space (account-*.c) */
	{ "GET", "/account/", ACCESS_CUSTOMER, NULL, account_home, NULL, 0 },
	/* the public signup (signup-public.c) */
	/* unsubscribe (signup-unsubscribe.c) */
	{ "GET", "/account/unsubscribe", ACCESS_PUBLIC, unsubscribe_form_fields, unsubscribe_form,
	    unsubscribe_invalid, 0 },
	{ "POST", "/account/unsubscribe", ACCESS_PUBLIC, unsubscribe_fields, unsubscribe_submit,
	    unsubscribe_invalid, ROUTE_SIGNED_URL },
	/* the shop's door and queue (signup-admin.c) */
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "signup",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.areas = site_areas,
		.nav = site_nav,
	};

	return app_main(&app, argc, argv);
}
