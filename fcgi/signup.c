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
	{ "GET", "/account/profile", ACCESS_CUSTOMER, NULL, account_profile_form, NULL, 0 },
	{ "POST", "/account/profile", ACCESS_CUSTOMER, profile_fields, account_profile_save,
	    account_profile_invalid, 0 },
	{ "POST", "/account/email", ACCESS_CUSTOMER, email_fields, account_email_request,
	    account_email_invalid, 0 },
	/* the link mailed to the new address, in whatever browser it opens */
	{ "GET", "/account/email/confirm", ACCESS_PUBLIC, email_confirm_fields,
	    account_email_confirm_form, account_email_token_invalid, 0 },
	{ "POST", "/account/email/confirm", ACCESS_PUBLIC, email_confirm_fields,
	    account_email_confirm, account_email_token_invalid, 0 },
	{ "GET", "/account/preferences", ACCESS_CUSTOMER, NULL, account_preferences_form, NULL, 0 },
	{ "POST", "/account/preferences", ACCESS_CUSTOMER, preferences_fields,
	    account_preferences_save, account_preferences_invalid, 0 },
	{ "GET", "/account/orders", ACCESS_CUSTOMER, NULL, account_orders, NULL, 0 },
	{ "GET", "/account/orders/#", ACCESS_CUSTOMER, NULL, account_order, NULL, 0 },
	{ "GET", "/account/data", ACCESS_CUSTOMER, NULL, account_data_page, NULL, 0 },
	{ "POST", "/account/data", ACCESS_CUSTOMER, NULL, account_data_download, NULL, 0 },
	{ "GET", "/account/delete", ACCESS_CUSTOMER, NULL, account_delete_page, NULL, 0 },
	{ "POST", "/account/delete", ACCESS_CUSTOMER, NULL, account_delete_request, NULL, 0 },
	{ "POST", "/account/delete/code", ACCESS_CUSTOMER, delete_code_fields, account_delete_code,
	    account_delete_code_invalid, 0 },
	/* the link mailed to confirm, in whatever browser it opens */
	{ "GET", "/account/delete/confirm", ACCESS_PUBLIC, delete_confirm_fields,
	    account_delete_confirm_form, account_delete_token_invalid, 0 },
	{ "POST", "/account/delete/confirm", ACCESS_PUBLIC, delete_confirm_fields,
	    account_delete_confirm, account_delete_token_invalid, 0 },
	/* the public signup (signup-public.c) */
	{ "GET", "/account/signup", ACCESS_PUBLIC, NULL, signup_form, NULL, 0 },
	{ "POST", "/account/signup", ACCESS_PUBLIC, signup_fields, signup_submit, signup_invalid, 0 },
	{ "GET", "/account/signup/confirm", ACCESS_PUBLIC, signup_confirm_fields,
	    signup_confirm_form, signup_token_invalid, 0 },
	{ "POST", "/account/signup/confirm", ACCESS_PUBLIC, signup_confirm_fields, signup_confirm,
	    signup_token_invalid, 0 },
	/* unsubscribe (signup-unsubscribe.c) */
	{ "GET", "/account/unsubscribe", ACCESS_PUBLIC, unsubscribe_form_fields, unsubscribe_form,
	    unsubscribe_invalid, 0 },
	{ "POST", "/account/unsubscribe", ACCESS_PUBLIC, unsubscribe_fields, unsubscribe_submit,
	    unsubscribe_invalid, ROUTE_SIGNED_URL },
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
		.lang = site_lang,
	};

	return app_main(&app, argc, argv);
}
