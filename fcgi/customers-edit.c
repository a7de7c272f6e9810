/*
 * Changing one customer (customers.fcgi): a new customer (invited by
 * mail, or without any address: reached by phone or post), the edit form,
 * block and unblock, inactive and active again, and erasing, each through
 * the customer writer (fcgi/lib/customer.h).
 *
 * A new customer may be created on the person's behalf (seed 000's "Mode
 * Création", for people without a computer): the admin then gives both
 * names and attests, with the shop's wording in the ledger
 * (fcgi/lib/consent.h), that they have the person's consent and how it
 * was obtained; the customer and that entry are written together.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/customer.h"
#include "lib/customer_fields.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "customers.h"
#include "customers-list.h"
#include "lib/grouping.h"

/* The shop's groups under Page.AllGroups for a form, those of customer_id
 * ticked, or those a refused form had ticked (ticked: its field, NULL when
 * the page is not a form's POST). 0 or -1. */
static int
form_groups(struct request *req, long long customer_id, const struct field *ticked)
{
	long long ids[GROUPING_GROUPS_MAX];
	size_t n;

	if (grouping_to_hdf(&req->context, customer_id, req->hdf) != 0)
		return -1;
	if (ticked != NULL) {
		n = request_field_ids(req, ticked, ids, GROUPING_GROUPS_MAX);
		grouping_ticked_to_hdf(req->hdf, ids, n);
	}
	return 0;
}

/* Gives the customer (locked) the groups ticked in the form. 0, or -1
 * (answered: another shop's group is a 404). */
static int
save_groups(struct request *req, long long customer_id, const struct field *ticked)
{
	long long ids[GROUPING_GROUPS_MAX];
	size_t n = request_field_ids(req, ticked, ids, GROUPING_GROUPS_MAX);
	int result = grouping_set_groups(&req->context, customer_id, ids, n);

	if (result == GROUPING_OK)
		return 0;
	db_rollback(&req->app->db);
	page_error(req, result == GROUPING_NOT_FOUND ? 404 : 500,
	    result == GROUPING_NOT_FOUND ? "Groups.NotFound" : NULL);
	return -1;
}

/* --- new customer ----------------------------------------------------------- */

const struct field new_fields[NEW__MAX + 1] = {
	/* not required: a phone or a postal address will do (checked with
	 * the others in customers_create) */
	[NEW_EMAIL] = { "email", FIELD_EMAIL, 0, 254, 0, 0, NULL },
	[NEW_FIRST_NAME] = { "first_name", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[NEW_LAST_NAME] = { "last_name", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[NEW_PHONE] = { "phone", FIELD_PHONE, 0, 32, 0, 0, NULL },
	[NEW_COUNTRY] = { "country", FIELD_COUNTRY, 0, 0, 0, 0, NULL },
	[NEW_LANGUAGE] = { "language", FIELD_LANG, 0, 0, 0, 0, NULL },
	/* as long as their columns (sql/013) */
	[NEW_COMPANY] = { "company", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[NEW_ADDRESS] = { "address", FIELD_TEXT, 0, 255, 0, 0, NULL },
	[NEW_POSTAL_CODE] = { "postal_code", FIELD_TEXT, 0, 20, 0, 0, NULL },
	[NEW_CITY] = { "city", FIELD_TEXT, 0, 100, 0, 0, NULL },
	[NEW_VAT_NUMBER] = { "vat_number", FIELD_TEXT, 0, 32, 0, 0, NULL },
	/* on the person's behalf: the switch, the attestation box and how
	 * the consent was obtained (a ledger statement) */
	[NEW_BEHALF] = { "behalf", FIELD_INT, 0, 1, 0, 1, NULL },
	[NEW_ATTEST] = { "attest", FIELD_INT, 0, 1, 0, 1, NULL },
	[NEW_HOW] = { "how", FIELD_MULTILINE, 0, NEW_HOW_MAX, 0, 0, NULL },
	/* the groups ticked (lib/grouping.h) */
	[NEW_GROUP] = { "group", FIELD_IDS, 0, 0, 0, GROUPING_GROUPS_MAX, NULL },
	[NEW_GROUPS_SHOWN] = { "groups_shown", FIELD_INT, 0, 1, 1, 1, NULL },
	/* ticked when the form showed customers who may be the same person */
	[NEW_ANYWAY] = { "anyway", FIELD_INT, 0, 1, 1, 1, NULL },
};

/* The shop's wording of the attestation, under Page.Attestation: in the
 * shop's language whatever the admin reads, as it is the version recorded
 * with the customer. 0, or -1. */
static int
attestation_text(struct request *req)
{
	static char body[CONSENT_TEXT_MAX + 1];

	if (consent_text_current(&req->context, CONSENT_CREATION, lang_codes[req->shop.lang], body,
	    sizeof(body)) < 0)
		return -1;
	hdf_set_value(req->hdf, "Page.Attestation", body);
	return 0;
}

/* The language a form chose for the customer's mails: NULL for "the
 * shop's" (the empty option), which follows the shop's language. */
static const char *
own_language(const char *chosen)
{
	return chosen != NULL && *chosen != '\0' ? chosen : NULL;
}

/* The form, empty or with what was typed and what is wrong with it. */
void
customers_new_form(struct request *req)
{
	const struct field *field;
	char name[64];

	for (field = new_fields; field->name != NULL; field++) {
		/* the GET declares none: only a refused POST shows values */
		const char *value = req->route->fields == new_fields ? request_field(req, field) : NULL;

		snprintf(name, sizeof(name), "Page.Form.%s", field->name);
		if (value != NULL)
			hdf_set_value(req->hdf, name, value);
	}
	hdf_set_value(req->hdf, "Page.ShopLanguage", lang_codes[req->shop.lang]);
	/* a French shop's customers live in France, mostly */
	if (strcmp(req->method, "GET") == 0 && req->shop.lang == LANG_FR)
		hdf_set_value(req->hdf, "Page.Form.country", "FR");
	if (attestation_text(req) != 0 || form_groups(req, 0, req->route->fields == new_fields ?
	    &new_fields[NEW_GROUP] : NULL) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_render(req, req->status, "customers/new.cs");
}

void
customers_new_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_new_form(req);
}

static int
has_text(struct request *req, enum new_field field)
{
	const char *value = request_field(req, &new_fields[field]);

	return value != NULL && *value != '\0';
}

/* Whether what was typed can make a customer: someone to reach (an
 * e-mail, a phone or a postal address), and on the person's behalf, both
 * names, the box ticked and how the consent was obtained. Sets the
 * messages of what is missing. Returns 1 when it can. */
static int
new_is_complete(struct request *req, const char *email)
{
	static const struct {
		enum new_field field;
		const char *message;
	} behalf_needs[] = {
		{ NEW_FIRST_NAME, "Customers.Behalf.NameNeeded" },
		{ NEW_LAST_NAME, "Customers.Behalf.NameNeeded" },
		{ NEW_ATTEST, "Customers.Behalf.AttestNeeded" },
		{ NEW_HOW, "Customers.Behalf.HowNeeded" },
	};
	char name[64];
	size_t i;
	int complete = 1;

	if (email == NULL && !has_text(req, NEW_PHONE) && !has_text(req, NEW_ADDRESS)) {
		hdf_set_value(req->hdf, "Page.Errors.email",
		    request_text(req, "Customers.ContactNeeded"));
		complete = 0;
	}
	/* the list shows a customer by name, else by address */
	if (email == NULL && !has_text(req, NEW_FIRST_NAME) && !has_text(req, NEW_LAST_NAME)) {
		hdf_set_value(req->hdf, "Page.Errors.last_name",
		    request_text(req, "Customers.NameNeeded"));
		complete = 0;
	}
	if (request_field_int(req, &new_fields[NEW_BEHALF], 0) != 1)
		return complete;
	for (i = 0; i < sizeof(behalf_needs) / sizeof(behalf_needs[0]); i++) {
		if (behalf_needs[i].field == NEW_ATTEST ?
		    request_field_int(req, &new_fields[NEW_ATTEST], 0) == 1 :
		    has_text(req, behalf_needs[i].field))
			continue;
		snprintf(name, sizeof(name), "Page.Errors.%s", new_fields[behalf_needs[i].field].name);
		hdf_set_value(req->hdf, name, request_text(req, behalf_needs[i].message));
		complete = 0;
	}
	return complete;
}

/* The attestation of a creation on the person's behalf, in the ledger:
 * the wording the admin's form showed (the current one) and how. 0 or -1. */
static int
record_behalf(struct request *req, long long customer_id)
{
	struct consent_entry entry = { CONSENT_CREATION, 1, CONSENT_VIA_ADMIN, 0,
		request_field(req, &new_fields[NEW_HOW]), 0 };

	entry.text_id = consent_text_current(&req->context, CONSENT_CREATION,
	    lang_codes[req->shop.lang], NULL, 0);
	return entry.text_id > 0 && consent_record(&req->context, customer_id, &entry) == 0 ? 0 : -1;
}

/* A customer typed without an address can only be told from one already
 * here by a person: those with the same phone digits or the same names go
 * to Page.Twins for the form to show, with a box to tick to create anyway.
 * Their number (up to five), or -1. */
static int
new_twins(struct request *req, const struct customer_fields *fields)
{
	struct db_query *twins = &customers_sql[SQL_NEW_TWINS];
	const char *last = fields->last_name != NULL ? fields->last_name : "";
	const char *first = fields->first_name != NULL ? fields->first_name : "";
	char digits[40], name[48], phone[64];
	int n = 0;
	struct db_param params[6];

	customer_phone_digits(fields->phone, digits, sizeof(digits));
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_TEXT(digits);
	params[2] = DB_INT(req->shop.id);
	/* without a name, by the phone alone */
	params[3] = DB_INT(*last != '\0' || *first != '\0');
	params[4] = DB_TEXT(last);
	params[5] = DB_TEXT(first);
	if (db_exec(&req->app->db, twins, params, 6) < 0)
		return -1;
	while (db_fetch(twins) == 1) {
		HDF *twin;

		snprintf(name, sizeof(name), "Page.Twins.%d", n++);
		hdf_set_value(req->hdf, name, db_text(twins, 0));
		if ((twin = hdf_get_obj(req->hdf, name)) == NULL)
			break;
		hdf_set_value(twin, "first_name", db_text(twins, 1));
		hdf_set_value(twin, "last_name", db_text(twins, 2));
		hdf_set_value(twin, "email", db_text(twins, 3));
		hdf_set_value(twin, "phone", format_phone(db_text(twins, 4), phone, sizeof(phone)));
	}
	db_done(twins);
	return n;
}

/* Creates a customer and, when they have an address, queues the welcome
 * mail (an invited customer); without one they are active at once, reached
 * by phone or post. On the person's behalf, the ledger's entry too; all of
 * it together. */
void
customers_create(struct request *req)
{
	const char *typed = request_field(req, &new_fields[NEW_EMAIL]);
	const char *email = typed != NULL && *typed != '\0' ? typed : NULL;
	struct customer_fields fields = {
		.email = email, .first_name = request_field(req, &new_fields[NEW_FIRST_NAME]),
		.last_name = request_field(req, &new_fields[NEW_LAST_NAME]),
		.phone = request_field(req, &new_fields[NEW_PHONE]),
		.country = request_field(req, &new_fields[NEW_COUNTRY]),
		.language = own_language(request_field(req, &new_fields[NEW_LANGUAGE])),
		.company = request_field(req, &new_fields[NEW_COMPANY]),
		.address = request_field(req, &new_fields[NEW_ADDRESS]),
		.postal_code = request_field(req, &new_fields[NEW_POSTAL_CODE]),
		.city = request_field(req, &new_fields[NEW_CITY]),
		.vat_number = request_field(req, &new_fields[NEW_VAT_NUMBER]),
		.source = "admin", .status = email == NULL ? "active" : NULL
	};
	struct mail mail = { "customer-welcome", email, 0, 0 };
	char link_base[300], path[64];
	long long customer_id;
	int result;

	if (!new_is_complete(req, email)) {
		req->status = 400;
		customers_new_invalid(req);
		return;
	}
	if (email == NULL && request_field(req, &new_fields[NEW_ANYWAY]) == NULL) {
		int twins = new_twins(req, &fields);

		if (twins != 0) {
			if (twins < 0) {
				page_error(req, 500, NULL);
				return;
			}
			req->status = 409;
			customers_new_form(req);
			return;
		}
	}
	if (context_link_base(&req->context, link_base, sizeof(link_base)) != 0 ||
	    db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_create(&req->context, &fields, &customer_id);
	if (result == CUSTOMER_LIMIT) {
		page_error(req, 403, "Error.CustomerLimit");
		return;
	}
	if (result == CUSTOMER_DUPLICATE) {
		/* the unique key on (shop, normalised e-mail) decides, race-free */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_new_invalid(req);
		return;
	}
	if (result == CUSTOMER_OK && save_groups(req, customer_id, &new_fields[NEW_GROUP]) != 0)
		return;
	mail.customer_id = customer_id;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
	if (result != CUSTOMER_OK ||
	    (request_field_int(req, &new_fields[NEW_BEHALF], 0) == 1 &&
	    record_behalf(req, customer_id) != 0) ||
	    (email != NULL &&
	    mail_queue_in(&req->context, &mail, request_field(req, &new_fields[NEW_LANGUAGE])) != 0) ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	page_notice(req, email != NULL ? "customer_created" : "customer_created_no_email");
	page_redirect(req, path);
}

const struct field edit_fields[EDIT__MAX + 1] = {
	[EDIT_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
	/* not required: a customer may have none (customers_create) */
	[EDIT_EMAIL] = { "email", FIELD_EMAIL, 0, 254, 0, 0, NULL },
	[EDIT_FIRST_NAME] = CUSTOMER_FIELD_FIRST_NAME,
	[EDIT_LAST_NAME] = CUSTOMER_FIELD_LAST_NAME,
	[EDIT_PHONE] = CUSTOMER_FIELD_PHONE,
	[EDIT_COUNTRY] = CUSTOMER_FIELD_COUNTRY,
	[EDIT_LANGUAGE] = CUSTOMER_FIELD_LANGUAGE,
	[EDIT_TAX_EXEMPT] = { "tax_exempt", FIELD_INT, 0, 1, 0, 1, NULL },
	[EDIT_COMPANY] = CUSTOMER_FIELD_COMPANY,
	[EDIT_ADDRESS] = CUSTOMER_FIELD_ADDRESS,
	[EDIT_POSTAL_CODE] = CUSTOMER_FIELD_POSTAL_CODE,
	[EDIT_CITY] = CUSTOMER_FIELD_CITY,
	[EDIT_VAT_NUMBER] = CUSTOMER_FIELD_VAT_NUMBER,
	/* the groups ticked, and that the form showed them (none ticked
	 * then means none) */
	[EDIT_GROUP] = { "group", FIELD_IDS, 0, 0, 0, GROUPING_GROUPS_MAX, NULL },
	[EDIT_GROUPS_SHOWN] = { "groups_shown", FIELD_INT, 0, 1, 1, 1, NULL },
};


/* The edit form: from the database on GET, from what was typed on a
 * refused POST. */
void
customers_edit_form(struct request *req)
{
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	static const char *const columns[] = { "id", "email", "first_name", "last_name", "phone",
		"country", "language" };
	/* SQL_DETAIL's last columns, from DETAIL_COMPANY on */
	static const char *const address_columns[] = { "company", "address", "postal_code", "city",
		"vat_number" };
	const struct field *field;
	char name[64];
	size_t i;
	int found;

	if (db_exec(&req->app->db, detail, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(detail);
	for (i = 0; found == 1 && i < sizeof(columns) / sizeof(columns[0]); i++) {
		snprintf(name, sizeof(name), "Page.Form.%s", columns[i]);
		hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)i));
	}
	for (i = 0; found == 1 && i < sizeof(address_columns) / sizeof(address_columns[0]); i++) {
		snprintf(name, sizeof(name), "Page.Form.%s", address_columns[i]);
		hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)(DETAIL_COMPANY + i)));
	}
	if (found == 1)
		hdf_set_value(req->hdf, "Page.Form.tax_exempt", db_text(detail, 10));
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (strcmp(req->method, "POST") == 0) {
		for (field = edit_fields; field->name != NULL; field++) {
			snprintf(name, sizeof(name), "Page.Form.%s", field->name);
			hdf_set_value(req->hdf, name, request_field(req, field) ?
			    request_field(req, field) : "");
		}
	}
	/* a customer without a language of their own gets the shop's mails,
	 * in whatever language the shop speaks then: the form offers that
	 * first ("the shop's (Français)"), chosen, so that an edit of
	 * anything else keeps it so */
	hdf_set_value(req->hdf, "Page.ShopLanguage", lang_codes[req->shop.lang]);
	if (form_groups(req, req->path_id, strcmp(req->method, "POST") == 0 ?
	    &edit_fields[EDIT_GROUP] : NULL) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	back_to_page(req);
	page_render(req, req->status, "customers/edit.cs");
}

void
customers_edit_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_edit_form(req);
}

/* Through the customer writer: the search terms follow, and a new address
 * voids the links mailed to the old one. */
void
customers_update(struct request *req)
{
	const char *typed = request_field(req, &edit_fields[EDIT_EMAIL]);
	const char *phone = request_field(req, &edit_fields[EDIT_PHONE]);
	const char *address = request_field(req, &edit_fields[EDIT_ADDRESS]);
	struct customer_fields fields = {
		.email = typed != NULL && *typed != '\0' ? typed : NULL,
		.first_name = request_field(req, &edit_fields[EDIT_FIRST_NAME]),
		.last_name = request_field(req, &edit_fields[EDIT_LAST_NAME]),
		.phone = request_field(req, &edit_fields[EDIT_PHONE]),
		.country = request_field(req, &edit_fields[EDIT_COUNTRY]),
		.language = own_language(request_field(req, &edit_fields[EDIT_LANGUAGE])),
		.tax_exempt = (int)request_field_int(req, &edit_fields[EDIT_TAX_EXEMPT], 0),
		.company = request_field(req, &edit_fields[EDIT_COMPANY]),
		.address = request_field(req, &edit_fields[EDIT_ADDRESS]),
		.postal_code = request_field(req, &edit_fields[EDIT_POSTAL_CODE]),
		.city = request_field(req, &edit_fields[EDIT_CITY]),
		.vat_number = request_field(req, &edit_fields[EDIT_VAT_NUMBER])
	};
	int result;

	/* someone to reach stays: an e-mail, a phone or a postal address;
	 * and, as for a new customer, without an e-mail a name to list them by */
	if (fields.email == NULL && (phone == NULL || *phone == '\0') &&
	    (address == NULL || *address == '\0'))
		hdf_set_value(req->hdf, "Page.Errors.email",
		    request_text(req, "Customers.ContactNeeded"));
	if (fields.email == NULL && (fields.first_name == NULL || *fields.first_name == '\0') &&
	    (fields.last_name == NULL || *fields.last_name == '\0'))
		hdf_set_value(req->hdf, "Page.Errors.last_name",
		    request_text(req, "Customers.NameNeeded"));
	if (hdf_get_obj(req->hdf, "Page.Errors") != NULL) {
		req->status = 400;
		customers_edit_invalid(req);
		return;
	}
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_update(&req->context, req->path_id, &fields);
	if (result == CUSTOMER_DUPLICATE) {
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_edit_invalid(req);
		return;
	}
	if (result != CUSTOMER_OK) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	/* a form that showed the groups says which: none ticked is none */
	if (request_field(req, &edit_fields[EDIT_GROUPS_SHOWN]) != NULL &&
	    save_groups(req, req->path_id, &edit_fields[EDIT_GROUP]) != 0)
		return;
	finish_written(req, "customer.edited");
}

const struct field block_fields[BLOCK__MAX + 1] = {
	[BLOCK_BACK] = { "back", FIELD_TEXT, 0, BACK_MAX, 0, 0, NULL },
	[BLOCK_REASON] = { "reason", FIELD_TEXT, 1, 500, 0, 0, NULL },
};

/* One customer, from their page, through the same writer as a bulk action
 * (404 for another shop's or an erased customer). */
static void
change_one(struct request *req, enum customer_change change, const char *reason, const char *then)
{
	char path[3 * BACK_MAX + 64];
	int result;

	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_change_one(&req->context, req->path_id, change, reason);
	if (result != CUSTOMER_OK || db_commit(&req->app->db) != 0) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	if (then == NULL) {
		customer_path(req, req->path_id, path, sizeof(path));
		then = path;
	} else if (back_link(req) != NULL)
		then = back_link(req);
	notice_of_event(req, customer_change_event(change));
	page_redirect(req, then);
}

/* A blocked customer cannot sign in: their sessions and links end now. */
void
customers_block(struct request *req)
{
	change_one(req, CUSTOMER_BLOCK, request_field(req, &block_fields[BLOCK_REASON]), NULL);
}

/* Back to active, or to invited for someone who never signed in. */
void
customers_unblock(struct request *req)
{
	change_one(req, CUSTOMER_UNBLOCK, "", NULL);
}

void
customers_deactivate(struct request *req)
{
	change_one(req, CUSTOMER_DEACTIVATE, "", NULL);
}

void
customers_reactivate(struct request *req)
{
	change_one(req, CUSTOMER_REACTIVATE, "", NULL);
}

/* Irreversible: the person's data goes, orders stay for the accounts
 * without pointing to anyone, the audit log keeps "#id erased by". */
void
customers_erase(struct request *req)
{
	change_one(req, CUSTOMER_ERASE, "", "/admin/customers");
}

void
customers_block_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.ReasonNeeded"));
	customers_show(req);
}

/* --- erasing a customer -------------------------------------------------------- */

void
customers_delete_form(struct request *req)
{
	struct current current;

	if (lock_customer(req, &current) != 1)
		return;
	db_rollback(&req->app->db);
	/* who, however they are known: a name, an address, a phone */
	hdf_set_value(req->hdf, "Page.Email", current.email);
	hdf_set_value(req->hdf, "Page.FirstName", current.first_name);
	hdf_set_value(req->hdf, "Page.LastName", current.last_name);
	hdf_set_value(req->hdf, "Page.Phone", current.phone_digits);
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	back_to_page(req);
	page_render(req, 200, "customers/delete.cs");
}
