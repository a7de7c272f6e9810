/*
 * The customer's profile (/account/profile): names, phone, postal
 * address, company and VAT number, the language of their mails, written
 * through the customer writer with the admin's edit form's checks
 * (lib/customer_fields.h); and a change of address, which waits in a
 * token until the link mailed to the new address is followed
 * (/account/email/confirm: the GET shows a button, the POST applies), the
 * old address being told once it is done.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/customer.h"
#include "lib/customer_fields.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/ratelimit.h"
#include "lib/text.h"
#include "lib/token.h"
#include "account.h"
#include "signup.h"

/* A link to confirm a new address lives an hour: the new mailbox may be
 * one its owner reads later than the page that asked. */
#define EMAIL_CHANGE_MINUTES 60

/* Each confirmation mail goes to an address nobody proved yet, so three
 * limits hold it (issue 15's review, finding 13): five per customer an
 * hour; ten per client address an hour (an IPv6 client's /64), whatever
 * the accounts it signs in to, even in several shops; and three an hour to
 * one target address, whoever asks from whichever shop of the
 * installation, so that no one is mailed a storm of links they did not
 * ask for. Past any of them nothing is sent and the page says why. */
static const struct ratelimit limit_email_change = { "account-email", 5, 3600 };
static const struct ratelimit limit_email_change_ip = { "account-email-ip", 10, 3600 };
static const struct ratelimit limit_email_change_target = { "account-email-to", 3, 3600 };

/* The keys of one request's three limits. */
struct email_limits {
	char customer[64];
	char ip[64];
	struct ratelimit_use uses[3];
};

/* Fills the keys of the limits of customer_id asking for a link to
 * new_email, and says which is used up: 0 none, 1 the customer's or the
 * client's (Account.TooMany), 2 the target address's
 * (Account.EmailTargetTooMany), -1 on an error. */
static int
email_limits_check(struct request *req, long long customer_id, const char *new_email,
    struct email_limits *limits)
{
	int mine, target;

	snprintf(limits->customer, sizeof(limits->customer), "%lld:%lld", req->shop.id,
	    customer_id);
	text_client_key(request_param(req, "REMOTE_ADDR"), limits->ip, sizeof(limits->ip));
	limits->uses[0] = (struct ratelimit_use){ &limit_email_change, limits->customer };
	limits->uses[1] = (struct ratelimit_use){ &limit_email_change_ip, limits->ip };
	limits->uses[2] = (struct ratelimit_use){ &limit_email_change_target, new_email };
	mine = ratelimit_any_exceeded(&req->context, limits->uses, 2);
	target = ratelimit_exceeded(&req->context, &limit_email_change_target, new_email);
	if (mine < 0 || target < 0)
		return -1;
	return mine ? 1 : target ? 2 : 0;
}

enum account_profile_sql { SQL_ADDRESS_TAKEN, ACCOUNT_PROFILE_SQL__MAX };

static struct db_query account_profile_sql[ACCOUNT_PROFILE_SQL__MAX] = {
	/* an erased customer's address is NULL and takes nothing */
	[SQL_ADDRESS_TAKEN] = { .sql =
	    "SELECT id FROM customer WHERE shop_id = ? AND email = ? AND id <> ?" },
};

const struct field profile_fields[PROFILE__MAX + 1] = {
	[PROFILE_FIRST_NAME] = CUSTOMER_FIELD_FIRST_NAME_AS(1),
	[PROFILE_LAST_NAME] = CUSTOMER_FIELD_LAST_NAME_AS(1),
	[PROFILE_PHONE] = CUSTOMER_FIELD_PHONE,
	[PROFILE_COUNTRY] = CUSTOMER_FIELD_COUNTRY,
	[PROFILE_LANGUAGE] = CUSTOMER_FIELD_LANGUAGE,
	[PROFILE_COMPANY] = CUSTOMER_FIELD_COMPANY,
	[PROFILE_ADDRESS] = CUSTOMER_FIELD_ADDRESS,
	[PROFILE_POSTAL_CODE] = CUSTOMER_FIELD_POSTAL_CODE,
	[PROFILE_CITY] = CUSTOMER_FIELD_CITY,
	[PROFILE_VAT_NUMBER] = CUSTOMER_FIELD_VAT_NUMBER,
};

const struct field email_fields[EMAIL__MAX + 1] = {
	[EMAIL_NEW] = { "new_email", FIELD_EMAIL, 1, 254, 0, 0, NULL },
};

const struct field email_confirm_fields[EMAIL_CONFIRM__MAX + 1] = {
	[EMAIL_CONFIRM_TOKEN] = { "token", FIELD_TOKEN, 1, 64, 0, 0, NULL },
};

/* The form's values: the customer's, or what was typed (a refused POST
 * of the profile form). */
static void
profile_values(struct request *req, const struct account_me *me)
{
	const struct field *field;
	char name[64];

	hdf_set_value(req->hdf, "Page.Form.first_name", me->first_name);
	hdf_set_value(req->hdf, "Page.Form.last_name", me->last_name);
	hdf_set_value(req->hdf, "Page.Form.phone", me->phone);
	hdf_set_value(req->hdf, "Page.Form.country", me->country);
	hdf_set_value(req->hdf, "Page.Form.language", lang_codes[me->lang]);
	hdf_set_value(req->hdf, "Page.Form.company", me->company);
	hdf_set_value(req->hdf, "Page.Form.address", me->address);
	hdf_set_value(req->hdf, "Page.Form.postal_code", me->postal_code);
	hdf_set_value(req->hdf, "Page.Form.city", me->city);
	hdf_set_value(req->hdf, "Page.Form.vat_number", me->vat_number);
	hdf_set_value(req->hdf, "Page.Email", me->email);
	if (req->route->fields != profile_fields)
		return;
	for (field = profile_fields; field->name != NULL; field++) {
		const char *value = request_field(req, field);

		snprintf(name, sizeof(name), "Page.Form.%s", field->name);
		hdf_set_value(req->hdf, name, value != NULL ? value : "");
	}
}

void
account_profile_form(struct request *req)
{
	struct account_me me;

	if (!account_load(req, &me))
		return;
	profile_values(req, &me);
	account_render(req, &me, 200, "account/profile.cs");
}

void
account_profile_invalid(struct request *req)
{
	struct account_me me;

	if (!account_load(req, &me))
		return;
	account_errors_again(req, &me);
	profile_values(req, &me);
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Account.Fix"));
	account_render(req, &me, 400, "account/profile.cs");
}

/* An empty choice is no choice: SQL NULL, as the writer says. */
static const char *
given(const char *value)
{
	return value != NULL && *value != '\0' ? value : NULL;
}

void
account_profile_save(struct request *req)
{
	struct account_me me;
	struct customer_fields fields;
	int result;

	if (!account_load(req, &me))
		return;
	memset(&fields, 0, sizeof(fields));
	/* what the customer does not edit stays as it is */
	fields.email = me.email;
	fields.tax_exempt = me.tax_exempt;
	fields.first_name = request_field(req, &profile_fields[PROFILE_FIRST_NAME]);
	fields.last_name = request_field(req, &profile_fields[PROFILE_LAST_NAME]);
	fields.phone = request_field(req, &profile_fields[PROFILE_PHONE]);
	fields.country = given(request_field(req, &profile_fields[PROFILE_COUNTRY]));
	fields.language = given(request_field(req, &profile_fields[PROFILE_LANGUAGE]));
	fields.company = request_field(req, &profile_fields[PROFILE_COMPANY]);
	fields.address = request_field(req, &profile_fields[PROFILE_ADDRESS]);
	fields.postal_code = request_field(req, &profile_fields[PROFILE_POSTAL_CODE]);
	fields.city = request_field(req, &profile_fields[PROFILE_CITY]);
	fields.vat_number = request_field(req, &profile_fields[PROFILE_VAT_NUMBER]);
	if (db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	result = customer_update(&req->context, me.id, &fields);
	if (result != CUSTOMER_OK || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "account_profile_saved");
	page_redirect(req, "/account/profile");
}

/* The profile page again with a message under the new address's field
 * (message_key NULL: the door's). */
static void
email_refuse(struct request *req, struct account_me *me, int status, const char *message_key)
{
	const char *typed = request_field(req, &email_fields[EMAIL_NEW]);

	context_link_lang(&req->context, lang_codes[me->lang]);
	if (message_key != NULL)
		hdf_set_value(req->hdf, "Page.Errors.new_email", request_text(req, message_key));
	hdf_set_value(req->hdf, "Page.Form.new_email", typed != NULL ? typed : "");
	profile_values(req, me);
	account_render(req, me, status, "account/profile.cs");
}

void
account_email_invalid(struct request *req)
{
	struct account_me me;

	if (!account_load(req, &me))
		return;
	account_errors_again(req, &me);
	email_refuse(req, &me, 400, NULL);
}

/* 1 when another customer of the shop has the address (*owner: that
 * customer), 0 not, -1. */
static int
address_taken(struct request *req, const char *email, long long customer_id, long long *owner)
{
	struct db_query *query = &account_profile_sql[SQL_ADDRESS_TAKEN];
	struct db_param params[3] = { DB_INT(req->shop.id), DB_TEXT(email), DB_INT(customer_id) };
	int found;

	if (account_sql_ready(&req->app->db, account_profile_sql, ACCOUNT_PROFILE_SQL__MAX) != 0 ||
	    db_exec(&req->app->db, query, params, 3) < 0)
		return -1;
	found = db_fetch(query);
	if (found == 1)
		*owner = db_int(query, 0);
	db_done(query);
	return found;
}

/* Mails a link to the new address; the address changes when it is
 * followed. An address that is another customer's of the shop gets,
 * instead, a mail saying it already has an account and how to sign in
 * with it; the page answers the same either way, so that a signed-in
 * customer learns nothing of who else is a customer (as sign-in and
 * signup answer), while someone who owns both accounts is told where to
 * go. */
void
account_email_request(struct request *req)
{
	const char *email = request_field(req, &email_fields[EMAIL_NEW]);
	struct account_me me;
	struct token_new token;
	struct mail mail = { "account-email-confirm", email, 0, 0 };
	struct email_limits limits;
	char link_base[300];
	long long owner = 0;
	int taken, over;

	if (!account_load(req, &me))
		return;
	if (strcmp(email, me.email) == 0) {
		email_refuse(req, &me, 400, "Account.EmailSame");
		return;
	}
	taken = address_taken(req, email, me.id, &owner);
	over = email_limits_check(req, me.id, email, &limits);
	if (taken < 0 || over < 0 ||
	    context_link_base(&req->context, link_base, sizeof(link_base)) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	/* a mail to the address either way, counted alike */
	if (over) {
		email_refuse(req, &me, 429, over == 2 ? "Account.EmailTargetTooMany" :
		    "Account.TooMany");
		return;
	}
	if (db_begin(&req->app->db) != 0 ||
	    ratelimit_hit_all(&req->context, limits.uses, 3) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (taken) {
		/* to the address's own customer, in the shop's language */
		mail.name = "account-email-taken";
		mail.customer_id = owner;
		hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
	} else {
		mail.customer_id = me.id;
		if (token_create(&req->context, "email_change", me.id, 0, 0, "/account/profile",
		    EMAIL_CHANGE_MINUTES, &token) != 0 ||
		    token_set_new_email(&req->context, &token, email) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		hdf_set_valuef(req->hdf, "Mail.Link=%s/account/email/confirm?token=%s", link_base,
		    token.token);
	}
	hdf_set_value(req->hdf, "Mail.NewEmail", email);
	if (mail_queue_in(&req->context, &mail, lang_codes[taken ? req->shop.lang : me.lang]) != 0 ||
	    event_add(&req->context, me.id, 0, "customer.email_change_asked", NULL) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, "account_email_sent");
	page_redirect(req, "/account/profile");
}

/* A link that has served, expired, or is another shop's. */
static void
email_expired(struct request *req)
{
	req->token_page = 1;
	hdf_set_value(req->hdf, "Page.ExpiredText", request_text(req, "Account.EmailExpired"));
	page_render(req, 400, "account/expired.cs");
}

void
account_email_token_invalid(struct request *req)
{
	email_expired(req);
}

/* Finds the live token of the link and the customer it is for (their
 * language for the page). Returns 1, or answers and returns 0. */
static int
email_token(struct request *req, struct token_found *token, struct account_me *me,
    char *new_email, size_t size)
{
	const char *mailed = request_field(req, &email_confirm_fields[EMAIL_CONFIRM_TOKEN]);
	int found;

	req->token_page = 1;
	found = token_find(&req->context, "email_change", mailed, 0, token);
	if (found == 1)
		found = account_read(req, token->customer_id, me);
	if (found == 1 && token_new_email(&req->context, token, new_email, size) != 0)
		found = -1;
	if (found < 0) {
		page_error(req, 500, NULL);
		return 0;
	}
	if (found == 0) {
		email_expired(req);
		return 0;
	}
	return 1;
}

/* GET of the mailed link: mail scanners fetch links, so this only asks. */
void
account_email_confirm_form(struct request *req)
{
	struct token_found token;
	struct account_me me;
	char new_email[256];

	if (!email_token(req, &token, &me, new_email, sizeof(new_email)))
		return;
	hdf_set_value(req->hdf, "Page.Token",
	    request_field(req, &email_confirm_fields[EMAIL_CONFIRM_TOKEN]));
	hdf_set_value(req->hdf, "Page.NewEmail", new_email);
	account_render(req, &me, 200, "account/email-confirm.cs");
}

void
account_email_confirm(struct request *req)
{
	struct token_found token;
	struct account_me me;
	struct customer_fields fields;
	struct mail notice = { "account-email-changed", NULL, 0, 0 };
	char new_email[256];
	int used, result;

	if (!email_token(req, &token, &me, new_email, sizeof(new_email)))
		return;
	if (db_begin(&req->app->db) != 0 || (used = token_consume(&req->context, &token)) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (used == 0) {
		db_rollback(&req->app->db);
		email_expired(req);
		return;
	}
	memset(&fields, 0, sizeof(fields));
	fields.email = new_email;
	fields.first_name = me.first_name;
	fields.last_name = me.last_name;
	fields.phone = me.phone;
	fields.country = given(me.country);
	fields.language = given(me.language);
	fields.tax_exempt = me.tax_exempt;
	fields.company = me.company;
	fields.address = me.address;
	fields.postal_code = me.postal_code;
	fields.city = me.city;
	fields.vat_number = me.vat_number;
	result = customer_update(&req->context, me.id, &fields);
	if (result == CUSTOMER_DUPLICATE) {
		/* taken since the link was sent: nothing changes */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.NewEmail", new_email);
		hdf_set_value(req->hdf, "Page.Message", request_text(req, "Account.EmailTaken"));
		account_render(req, &me, 409, "account/email-confirm.cs");
		return;
	}
	notice.recipient = me.email;
	notice.customer_id = me.id;
	hdf_set_value(req->hdf, "Mail.NewEmail", new_email);
	/* a reply reaches the shop only from its own sender address (else the
	 * mail leaves from the installation's Mail.From, which nobody reads) */
	if (req->shop.sender_email[0] != '\0')
		hdf_set_value(req->hdf, "Mail.ShopReads", "1");
	if (result != CUSTOMER_OK ||
	    mail_queue_in(&req->context, &notice, lang_codes[me.lang]) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, result == CUSTOMER_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	if (req->session.customer_id == me.id) {
		page_notice(req, "account_email_changed");
		page_redirect(req, "/account/profile");
		return;
	}
	hdf_set_value(req->hdf, "Page.NewEmail", new_email);
	hdf_set_value(req->hdf, "Page.Done", "1");
	account_render(req, &me, 200, "account/email-confirm.cs");
}
