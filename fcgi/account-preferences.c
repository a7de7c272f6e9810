/*
 * The customer's preferences (/account/preferences): marketing mail on or
 * off, written to the consent ledger (lib/consent.h, channel "profile")
 * with the shop's wording the customer was shown when they turn it on.
 * Sending the same answer twice (a double click, a reload) writes nothing
 * the second time.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "lib/consent.h"
#include "lib/format.h"
#include "lib/page.h"
#include "account.h"
#include "signup.h"

enum account_preferences_sql { SQL_FLAG_LOCK, ACCOUNT_PREFERENCES_SQL__MAX };

static struct db_query account_preferences_sql[ACCOUNT_PREFERENCES_SQL__MAX] = {
	/* the answer now, held until the entry is written: two racing
	 * submits write one entry */
	[SQL_FLAG_LOCK] = { .sql =
	    "SELECT marketing_consent FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
};

static const char *const marketing_choices[] = { "0", "1", NULL };

const struct field preferences_fields[PREFERENCES__MAX + 1] = {
	[PREFERENCES_MARKETING] = { "marketing", FIELD_CHOICE, 1, 1, 0, 0, marketing_choices },
	/* the wording shown beside the box (consent_text.id) */
	[PREFERENCES_TEXT] = { "text_id", FIELD_INT, 0, 20, 0, 9223372036854775807LL, NULL },
};

/* The page: the answer now, since when and how, and the wording. Returns
 * 0, or -1 after answering 500. */
static int
preferences_page(struct request *req, struct account_me *me, int status)
{
	static char wording[CONSENT_TEXT_MAX + 1];
	enum consent_channel channel;
	char at[32], when[64], key[64];
	long long text_id;
	int granted, found;

	text_id = consent_text_current(&req->context, CONSENT_MARKETING, lang_codes[me->lang],
	    wording, sizeof(wording));
	found = consent_latest(&req->context, me->id, CONSENT_MARKETING, &granted, &channel, at,
	    sizeof(at));
	if (text_id < 0 || found < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	hdf_set_value(req->hdf, "Page.Wording", wording);
	hdf_set_valuef(req->hdf, "Page.TextId=%lld", text_id);
	hdf_set_int_value(req->hdf, "Page.Marketing", me->marketing_consent);
	if (found == 1) {
		format_local_when(at, req->shop.time_zone, me->lang, when, sizeof(when));
		hdf_set_value(req->hdf, "Page.Since", when);
		snprintf(key, sizeof(key), "Account.Channel.%s", consent_channel_names[channel]);
		hdf_set_value(req->hdf, "Page.Channel", request_text(req, key));
	}
	account_render(req, me, status, "account/preferences.cs");
	return 0;
}

void
account_preferences_form(struct request *req)
{
	struct account_me me;

	if (account_load(req, &me))
		preferences_page(req, &me, 200);
}

void
account_preferences_invalid(struct request *req)
{
	struct account_me me;

	if (!account_load(req, &me))
		return;
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Account.ChooseMarketing"));
	preferences_page(req, &me, 400);
}

void
account_preferences_save(struct request *req)
{
	struct db_query *lock = &account_preferences_sql[SQL_FLAG_LOCK];
	struct account_me me;
	struct consent_entry entry;
	struct db_param params[2];
	long long text_id = 0;
	int wanted, now, found;

	if (!account_load(req, &me))
		return;
	wanted = request_field_choice(req, &preferences_fields[PREFERENCES_MARKETING], 0);
	params[0] = DB_INT(me.id);
	params[1] = DB_INT(req->shop.id);
	if (account_sql_ready(&req->app->db, account_preferences_sql,
	    ACCOUNT_PREFERENCES_SQL__MAX) != 0 || db_begin(&req->app->db) != 0 ||
	    db_exec(&req->app->db, lock, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(lock);
	now = found == 1 ? (int)db_int(lock, 0) : 0;
	db_done(lock);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (wanted == 1 && now == 0) {
		/* the wording on the page must be the one in force: an edit
		 * since the page was shown is shown first */
		text_id = consent_text_current(&req->context, CONSENT_MARKETING,
		    lang_codes[me.lang], NULL, 0);
		if (text_id < 0) {
			page_error(req, 500, NULL);
			return;
		}
		if (request_field_int(req, &preferences_fields[PREFERENCES_TEXT], 0) != text_id) {
			db_rollback(&req->app->db);
			hdf_set_value(req->hdf, "Page.Message",
			    request_text(req, "Account.WordingChanged"));
			preferences_page(req, &me, 409);
			return;
		}
	}
	if (wanted != now) {
		memset(&entry, 0, sizeof(entry));
		entry.purpose = CONSENT_MARKETING;
		entry.granted = wanted;
		entry.channel = CONSENT_VIA_PROFILE;
		entry.text_id = text_id;
		if (consent_record(&req->context, me.id, &entry) != 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	if (db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_notice(req, wanted ? "account_marketing_on" : "account_marketing_off");
	page_redirect(req, "/account/preferences");
}
