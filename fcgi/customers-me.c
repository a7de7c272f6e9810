/*
 * "My account" (customers-me.h): one admin's own row, read and written by
 * its id and the shop.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "customers-me.h"
#include "lib/page.h"

/* an owner who changes the shop's language changes it for "shop" too */
const char *const admin_languages[] = { "shop", "fr", "en", NULL };

const char *
admin_language_column(const char *choice)
{
	return choice == NULL || *choice == '\0' || strcmp(choice, "shop") == 0 ? NULL : choice;
}

const struct field me_fields[ME__MAX + 1] = {
	[ME_NAME] = { "name", FIELD_TEXT, 0, 200, 0, 0, NULL },
	[ME_LANGUAGE] = { "language", FIELD_CHOICE, 1, 4, 0, 0, admin_languages },
};

static const char me_read_sql[] =
    "SELECT email, name, role, language FROM admin WHERE id = ? AND shop_id = ?";
static const char me_update_sql[] =
    "UPDATE admin SET name = ?, language = ?"
    " WHERE id = ? AND shop_id = ? AND disabled_at IS NULL";

/* The page, with the form as typed (from_request) or as saved. */
static void
me_render(struct request *req, int from_request)
{
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };
	struct db_query *read = db_cached(&req->app->db, me_read_sql);
	int found;

	if (read == NULL || db_exec(&req->app->db, read, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(read);
	if (found == 1) {
		hdf_set_value(req->hdf, "Page.Me.email", db_text(read, 0));
		hdf_set_value(req->hdf, "Page.Me.role", db_text(read, 2));
		hdf_set_value(req->hdf, "Page.Form.name", db_text(read, 1));
		hdf_set_value(req->hdf, "Page.Form.language",
		    db_text(read, 3) != NULL ? db_text(read, 3) : "shop");
	}
	db_done(read);
	/* deleted since the door let the session in: no empty form */
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.ShopLanguage", lang_codes[req->shop.lang]);
	if (from_request) {
		const char *name = request_field(req, &me_fields[ME_NAME]);
		const char *language = request_field(req, &me_fields[ME_LANGUAGE]);

		hdf_set_value(req->hdf, "Page.Form.name", name != NULL ? name : "");
		if (language != NULL)
			hdf_set_value(req->hdf, "Page.Form.language", language);
	}
	page_render(req, req->status, "customers/me.cs");
}

void
customers_me(struct request *req)
{
	me_render(req, 0);
}

void
customers_me_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Me.Fix"));
	me_render(req, 1);
}

void
customers_me_save(struct request *req)
{
	const char *name = request_field(req, &me_fields[ME_NAME]);
	const char *language = request_field(req, &me_fields[ME_LANGUAGE]);
	struct db_param params[4] = {
		DB_TEXT(name != NULL ? name : ""),
		admin_language_column(language) == NULL ? DB_NULL : DB_TEXT(language),
		DB_INT(req->session.admin_id), DB_INT(req->shop.id)
	};
	struct db_query *update = db_cached(&req->app->db, me_update_sql);

	if (update == NULL || db_exec(&req->app->db, update, params, 4) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "me_saved");
	page_redirect(req, "/admin/me");
}
