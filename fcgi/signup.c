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
	{ "GET", "/account/signup", ACCESS_PUBLIC, NULL, signup_form, NULL, 0 },
	{ "POST", "/account/signup", ACCESS_PUBLIC, signup_fields, signup_submit, signup_invalid, 0 },
	{ "GET", "/account/signup/confirm", ACCESS_PUBLIC, signup_confirm_fields,
	    signup_confirm_form, signup_token_invalid, 0 },
	{ "POST", "/account/signup/confirm", ACCESS_PUBLIC, signup_confirm_fields, signup_confirm,
	    signup_token_invalid, 0 },
	/* unsubscribe (signup-unsubscribe.c) */
	/* the shop's door and queue (signup-admin.c): staff see the door
	 * read-only and choose their own notices; any admin decides */
	{ "GET", "/admin/signup", ACCESS_ADMIN, NULL, signup_admin_page, NULL, 0 },
	{ "POST", "/admin/signup/mode", ACCESS_OWNER, signup_mode_fields, signup_admin_mode,
	    signup_admin_mode_invalid, 0 },
	{ "POST", "/admin/signup/text", ACCESS_OWNER, signup_text_fields, signup_admin_text,
	    signup_admin_text_invalid, 0 },
	{ "POST", "/admin/signup/notify", ACCESS_ADMIN, signup_notify_fields, signup_admin_notify,
	    NULL, 0 },
	{ "GET", "/admin/signup/queue", ACCESS_ADMIN, NULL, signup_admin_queue, NULL, 0 },
	{ "POST", "/admin/signup/queue", ACCESS_ADMIN, signup_decide_fields, signup_admin_decide,
	    signup_admin_decide_invalid, 0 },
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
