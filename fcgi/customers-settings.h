/*
 * The shop's settings page (/admin/settings, owners only), served by
 * customers.fcgi: name, language, sender and time zone, which were only
 * set from the CLI before, and whether staff may export the customers.
 */
#ifndef FIDELE_CUSTOMERS_SETTINGS_H
#define FIDELE_CUSTOMERS_SETTINGS_H

#include "lib/request.h"

/* The form's fields, for the route table. */
enum settings_field { SETTINGS_NAME, SETTINGS_LANGUAGE, SETTINGS_SENDER_NAME,
	SETTINGS_SENDER_EMAIL, SETTINGS_TIME_ZONE, SETTINGS_STAFF_EXPORT, SETTINGS_RETENTION,
	SETTINGS__MAX };
extern const struct field settings_fields[SETTINGS__MAX + 1];

/* GET: the form with the shop's current settings. */
void customers_settings_form(struct request *req);

/* POST: checks the time zone, saves, records who changed what, and goes
 * back to the form with a notice. */
void customers_settings_save(struct request *req);

/* A field the route refused: the form again with what was typed. */
void customers_settings_invalid(struct request *req);

#endif
