/*
 * The shop's settings page: its name, the language of its pages and
 * mails, the sender of its mails, and the time zone its times are shown
 * in (they stay stored in UTC), and whether staff may export the
 * customers (export.fcgi; off until an owner ticks it), and after how many
 * months without a sign-in or an order a customer is warned, then
 * forgotten (retention.h; off when empty). Only owners reach it. A save is one
 * UPDATE of the shop's row and an event naming the settings changed, in
 * one transaction.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "customers-settings.h"
#include "lib/page.h"

#ifndef FIDELE_ZONEINFO
#define FIDELE_ZONEINFO "/usr/share/zoneinfo"
#endif

/* The time zone is not a FIELD_CHOICE: the zones offered are those of
 * zones[] that the system also knows, and one missing gets a message of
 * its own on the form (zone_known). */
const struct field settings_fields[SETTINGS__MAX + 1] = {
	[SETTINGS_NAME] = { "name", FIELD_TEXT, 1, 200, 0, 0, NULL },
	[SETTINGS_LANGUAGE] = { "language", FIELD_LANG, 1, 0, 0, 0, NULL },
	[SETTINGS_SENDER_NAME] = { "sender_name", FIELD_TEXT, 0, 200, 0, 0, NULL },
	[SETTINGS_SENDER_EMAIL] = { "sender_email", FIELD_EMAIL, 0, 254, 0, 0, NULL },
	[SETTINGS_TIME_ZONE] = { "time_zone", FIELD_TEXT, 1, 64, 0, 0, NULL },
	/* a checkbox: 1 when ticked, absent when not */
	[SETTINGS_STAFF_EXPORT] = { "staff_may_export", FIELD_INT, 0, 1, 0, 1, NULL },
	/* empty: never; at least six months, so that a season's customers
	 * are not warned between two seasons */
	[SETTINGS_RETENTION] = { "retention_months", FIELD_INT, 0, 3, 6, 120, NULL },
};

/* The zones offered: where the shops that use Fidèle are (France and its
 * overseas departments, its neighbours, Europe, a few more). Each must
 * also be in the system's tzdata to be chosen. */
static const char *const zones[] = {
	"Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Monaco", "Europe/Zurich",
	"Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Lisbon", "Europe/Amsterdam",
	"Europe/London", "Europe/Dublin", "Europe/Vienna", "Europe/Copenhagen", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
	"Europe/Bucharest", "Europe/Athens", "Atlantic/Canary", "Atlantic/Madeira",
	"Atlantic/Azores", "Africa/Casablanca", "Africa/Algiers", "Africa/Tunis", "Africa/Dakar",
	"Africa/Abidjan", "Indian/Reunion", "Indian/Mayotte", "Indian/Mauritius",
	"America/Guadeloupe", "America/Martinique", "America/Cayenne", "America/Miquelon",
	"America/Toronto", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Vancouver", "Pacific/Noumea", "Pacific/Tahiti",
	"Pacific/Wallis", "Asia/Tokyo", "Australia/Sydney", "UTC", NULL
};

/* The settings' statement, as text a reader can copy into a shell. */
static const char settings_update_sql[] =
    "UPDATE shop SET name = ?, language = ?, sender_name = ?, sender_email = ?, time_zone = ?,"
    "       staff_may_export = ?, retention_months = ?"
    " WHERE id = ?";
static const char settings_staff_export_sql[] =
    "SELECT staff_may_export, retention_months FROM shop WHERE id = ?";

/* The shop's staff_may_export now ("0" or "1") and retention_months (""
 * when off), not among the shop's facts every request reads: only this
 * page, export.fcgi and the retention job ask. */
static char staff_export_now[2] = "0";
static char retention_now[8] = "";

static int
staff_export_read(struct request *req)
{
	struct db_param params[1] = { DB_INT(req->shop.id) };
	struct db_query *query = db_cached(&req->app->db, settings_staff_export_sql);

	if (query == NULL || db_exec(&req->app->db, query, params, 1) < 0)
		return -1;
	retention_now[0] = '\0';
	if (db_fetch(query) == 1) {
		snprintf(staff_export_now, sizeof(staff_export_now), "%s",
		    db_int(query, 0) == 1 ? "1" : "0");
		if (db_text(query, 1) != NULL)
			snprintf(retention_now, sizeof(retention_now), "%s", db_text(query, 1));
	} else
		snprintf(staff_export_now, sizeof(staff_export_now), "0");
	db_done(query);
	return 0;
}

/* The checkbox as sent: "1" ticked, "0" not. */
static const char *
staff_export_sent(struct request *req)
{
	return request_field_int(req, &settings_fields[SETTINGS_STAFF_EXPORT], 0) == 1 ? "1" : "0";
}

/* 1 when zone is offered and the system knows it. */
static int
zone_known(const char *zone)
{
	char path[256];
	size_t i;

	for (i = 0; zones[i] != NULL; i++)
		if (strcmp(zones[i], zone) == 0)
			break;
	if (zones[i] == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", FIDELE_ZONEINFO, zone);
	return access(path, R_OK) == 0;
}

/* The zones under Page.Zones.N, the chosen one included even when it is
 * not offered (set by hand), so that the form never changes it silently. */
static void
zones_to_page(struct request *req, const char *chosen)
{
	char name[32];
	int n = 0;
	size_t i;

	for (i = 0; zones[i] != NULL; i++) {
		if (!zone_known(zones[i]))
			continue;
		snprintf(name, sizeof(name), "Page.Zones.%d", n++);
		hdf_set_value(req->hdf, name, zones[i]);
	}
	for (i = 0; zones[i] != NULL && strcmp(zones[i], chosen) != 0; i++)
		;
	if (zones[i] == NULL && *chosen != '\0') {
		snprintf(name, sizeof(name), "Page.Zones.%d", n);
		hdf_set_value(req->hdf, name, chosen);
	}
}

/* The shop's settings now, in the order of settings_fields. */
static void
settings_now(struct request *req, const char *now[SETTINGS__MAX])
{
	now[SETTINGS_NAME] = req->shop.name;
	now[SETTINGS_LANGUAGE] = lang_codes[req->shop.lang];
	now[SETTINGS_SENDER_NAME] = req->shop.sender_name;
	now[SETTINGS_SENDER_EMAIL] = req->shop.sender_email;
	now[SETTINGS_TIME_ZONE] = req->shop.time_zone;
	now[SETTINGS_STAFF_EXPORT] = staff_export_now;
	now[SETTINGS_RETENTION] = retention_now;
}

/* The form: values from form (the request) when given, else the shop's. */
static void
settings_render(struct request *req, int from_request)
{
	const char *now[SETTINGS__MAX];
	char name[64];
	int i;

	if (staff_export_read(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	settings_now(req, now);
	for (i = 0; i < SETTINGS__MAX; i++) {
		const char *value = from_request ? request_field(req, &settings_fields[i]) : now[i];

		if (from_request && i == SETTINGS_STAFF_EXPORT)
			value = staff_export_sent(req);

		snprintf(name, sizeof(name), "Page.Form.%s", settings_fields[i].name);
		hdf_set_value(req->hdf, name, value ? value : "");
	}
	zones_to_page(req, hdf_get_value(req->hdf, "Page.Form.time_zone", ""));
	page_render(req, req->status, "customers/settings.cs");
}

void
customers_settings_form(struct request *req)
{
	settings_render(req, 0);
}

void
customers_settings_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Settings.Fix"));
	/* the door's "a number" says less than the range does */
	if (hdf_get_value(req->hdf, "Page.Errors.retention_months", NULL) != NULL)
		hdf_set_value(req->hdf, "Page.Errors.retention_months",
		    request_text(req, "Retention.Invalid"));
	settings_render(req, 1);
}

/* The names of the settings that change, comma separated, into out. */
static void
settings_changed(struct request *req, char *out, size_t size)
{
	const char *now[SETTINGS__MAX];
	size_t used = 0;
	int i;

	settings_now(req, now);
	out[0] = '\0';
	for (i = 0; i < SETTINGS__MAX; i++) {
		const char *value = i == SETTINGS_STAFF_EXPORT ? staff_export_sent(req) :
		    request_field(req, &settings_fields[i]);
		const char *name = settings_fields[i].name;

		if (strcmp(value ? value : "", now[i]) != 0 && used + strlen(name) + 3 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
			    name);
	}
}

void
customers_settings_save(struct request *req)
{
	const char *sender_name = request_field(req, &settings_fields[SETTINGS_SENDER_NAME]);
	const char *sender_email = request_field(req, &settings_fields[SETTINGS_SENDER_EMAIL]);
	const char *time_zone = request_field(req, &settings_fields[SETTINGS_TIME_ZONE]);
	long long retention = request_field_int(req, &settings_fields[SETTINGS_RETENTION], 0);
	struct db_query *update;
	char changed[128];

	if (!zone_known(time_zone)) {
		hdf_set_value(req->hdf, "Page.Errors.time_zone", request_text(req, "Settings.ZoneUnknown"));
		req->status = 400;
		customers_settings_invalid(req);
		return;
	}
	if (staff_export_read(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	settings_changed(req, changed, sizeof(changed));
	{
		struct db_param params[8] = {
			DB_TEXT(request_field(req, &settings_fields[SETTINGS_NAME])),
			DB_TEXT(request_field(req, &settings_fields[SETTINGS_LANGUAGE])),
			DB_TEXT(sender_name ? sender_name : ""), DB_TEXT(sender_email ? sender_email : ""),
			DB_TEXT(time_zone), DB_INT(strcmp(staff_export_sent(req), "1") == 0),
			retention > 0 ? DB_INT(retention) : DB_NULL,
			DB_INT(req->shop.id)
		};

		if (db_begin(&req->app->db) != 0 ||
		    (update = db_cached(&req->app->db, settings_update_sql)) == NULL ||
		    db_exec(&req->app->db, update, params, 8) < 0 ||
		    (changed[0] != '\0' && event_add(&req->context, 0, req->session.admin_id,
		    "shop.settings_changed", changed) != 0) ||
		    db_commit(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
	}
	page_notice(req, "settings_saved");
	page_redirect(req, "/admin/settings");
}
