/*
 * "My account" (/admin/me), served by customers.fcgi: what a signed-in
 * admin, owner or staff, sets for themselves: the name the team page
 * shows and the language of the admin pages they read (sql/034).
 */
#ifndef FIDELE_CUSTOMERS_ME_H
#define FIDELE_CUSTOMERS_ME_H

#include "lib/request.h"

/* The languages an admin may read: "shop" (none of their own: the
 * shop's, whichever it is then), "fr", "en". My account chooses one, and
 * an owner inviting someone (customers-team.c). */
extern const char *const admin_languages[];

/* The value of admin.language for one of admin_languages: NULL for
 * "shop" or nothing chosen. */
const char *admin_language_column(const char *choice);

enum me_field { ME_NAME, ME_LANGUAGE, ME__MAX };
extern const struct field me_fields[ME__MAX + 1];

/* GET: the admin's address, role, name and language. */
void customers_me(struct request *req);

/* POST: saves the name and the language ("shop": the shop's), then the
 * page again, already in the language chosen. */
void customers_me_save(struct request *req);

/* A field the route refused: the page again with what was typed. */
void customers_me_invalid(struct request *req);

#endif
