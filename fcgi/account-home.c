/*
 * The customer's home (/account/): who is signed in, the parts of their
 * space (profile, preferences, orders, their data, deleting the account)
 * and the way out; an applicant on the waiting list sees that too.
 */
#include <config.h>

#include <string.h>

#include "lib/page.h"
#include "account.h"
#include "signup.h"

void
account_home(struct request *req)
{
	struct account_me me;
	char name[1024];

	if (!account_load(req, &me))
		return;
	account_display_name(&me, name, sizeof(name));
	hdf_set_value(req->hdf, "Page.Name", name);
	hdf_set_value(req->hdf, "Page.Email", me.email);
	hdf_set_value(req->hdf, "Page.Status", me.status);
	hdf_set_int_value(req->hdf, "Page.Marketing", me.marketing_consent);
	/* an applicant's place in the waiting list (signup-public.c) */
	if (strcmp(me.status, "waiting") == 0) {
		long long place = signup_queue_place(req, me.id);

		if (place < 0) {
			page_error(req, 500, NULL);
			return;
		}
		if (place > 0)
			hdf_set_int_value(req->hdf, "Page.WaitingPlace", (int)place);
	}
	account_render(req, &me, 200, "account/home.cs");
}
