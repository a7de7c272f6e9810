/*
 * The customer's home (/account/): who is signed in, and the way out.
 */
#include <config.h>

#include "lib/page.h"
#include "signup.h"

void
account_home(struct request *req)
{
	page_render(req, 200, "account/home.cs");
}
