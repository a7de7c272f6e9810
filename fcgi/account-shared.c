/*
 * What the pages of the customer's own space share (account.h): the
 * signed-in customer read afresh, and their language for the page.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/page.h"
#include "account.h"

enum account_shared_sql { SQL_ME, ACCOUNT_SHARED_SQL__MAX };

static struct db_query account_shared_sql[ACCOUNT_SHARED_SQL__MAX] = {
	/* the session already refused a blocked or erased customer */
	[SQL_ME] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, country, language, company, address,"
	    "       postal_code, city, vat_number, tax_exempt, marketing_consent, status,"
	    "       DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')"
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL"
	    "   AND status <> 'blocked'" },
};

int
account_sql_ready(struct db *db, struct db_query *table, size_t n)
{
	return db_register(db, table, n);
}

static void
copy_column(struct db_query *query, unsigned int col, char *out, size_t size)
{
	snprintf(out, size, "%s", db_text(query, col) != NULL ? db_text(query, col) : "");
}

int
account_read(struct request *req, long long customer_id, struct account_me *me)
{
	struct db_query *query = &account_shared_sql[SQL_ME];
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(req->shop.id) };
	int found, l;

	memset(me, 0, sizeof(*me));
	me->lang = req->shop.lang;
	if (account_sql_ready(&req->app->db, account_shared_sql, ACCOUNT_SHARED_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1) {
		me->id = db_int(query, 0);
		copy_column(query, 1, me->email, sizeof(me->email));
		copy_column(query, 2, me->first_name, sizeof(me->first_name));
		copy_column(query, 3, me->last_name, sizeof(me->last_name));
		copy_column(query, 4, me->phone, sizeof(me->phone));
		copy_column(query, 5, me->country, sizeof(me->country));
		copy_column(query, 6, me->language, sizeof(me->language));
		copy_column(query, 7, me->company, sizeof(me->company));
		copy_column(query, 8, me->address, sizeof(me->address));
		copy_column(query, 9, me->postal_code, sizeof(me->postal_code));
		copy_column(query, 10, me->city, sizeof(me->city));
		copy_column(query, 11, me->vat_number, sizeof(me->vat_number));
		me->tax_exempt = (int)db_int(query, 12);
		me->marketing_consent = (int)db_int(query, 13);
		copy_column(query, 14, me->status, sizeof(me->status));
		copy_column(query, 15, me->created_at, sizeof(me->created_at));
		for (l = 0; l < LANG__MAX; l++)
			if (strcmp(me->language, lang_codes[l]) == 0)
				me->lang = (enum lang)l;
		context_link_lang(&req->context, lang_codes[me->lang]);
	}
	db_done(query);
	return found;
}

int
account_load(struct request *req, struct account_me *me)
{
	int found = account_read(req, req->session.customer_id, me);

	if (found == 1)
		return 1;
	if (found < 0)
		page_error(req, 500, NULL);
	else
		page_redirect(req, "/account/login");
	return 0;
}

void
account_render(struct request *req, const struct account_me *me, int status,
    const char *template)
{
	context_link_lang(&req->context, lang_codes[me->lang]);
	hdf_set_value(req->hdf, "Page.Home", "/account/");
	page_render(req, status, template);
}

void
account_errors_again(struct request *req, const struct account_me *me)
{
	const struct field *field;
	char name[160], *value;
	const char *problem;

	context_link_lang(&req->context, lang_codes[me->lang]);
	for (field = req->route->fields; field != NULL && field->name != NULL; field++) {
		snprintf(name, sizeof(name), "Page.Errors.%s", field->name);
		if (hdf_get_obj(req->hdf, name) == NULL)
			continue;
		snprintf(name, sizeof(name), "Query.%s", field->name);
		value = hdf_get_value(req->hdf, name, NULL) != NULL ?
		    strdup(hdf_get_value(req->hdf, name, NULL)) : NULL;
		problem = field_value_check(field, value);
		free(value);
		if (problem == NULL)
			continue;
		snprintf(name, sizeof(name), "Page.Errors.%s", field->name);
		hdf_set_value(req->hdf, name, request_text(req, problem));
	}
}

void
account_display_name(const struct account_me *me, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", me->first_name,
	    me->first_name[0] != '\0' && me->last_name[0] != '\0' ? " " : "", me->last_name);
	if (out[0] == '\0')
		snprintf(out, size, "%s", me->email);
}
