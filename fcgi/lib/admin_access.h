/*
 * A shop's admins disabled and enabled again, or made owner or staff: the
 * one writer, for the owners' team page (customers-team.c) and the
 * provider's CLI (fidele-admin-access.c). A disable ends the admin's
 * sessions and mailed links at once and keeps what they did in the shop's
 * history; the shop's last enabled owner stays one, and enabled.
 */
#ifndef FIDELE_ADMIN_ACCESS_H
#define FIDELE_ADMIN_ACCESS_H

#include "db.h"

enum admin_access {
	ADMIN_ACCESS_CHANGED,
	ADMIN_ACCESS_ALREADY,		/* it was so already: nothing written */
	ADMIN_ACCESS_NOT_FOUND,		/* no such admin in this shop */
	ADMIN_ACCESS_LAST_OWNER,	/* the last enabled owner disabled or made staff */
	ADMIN_ACCESS_FAILED		/* the database */
};

/* Disables (disable 1) or enables admin id of shop, in the caller's
 * transaction, which commits only ADMIN_ACCESS_CHANGED: the admin's row
 * and the shop's other enabled owners stay locked until it ends, so that
 * two owners who disable each other at once leave one (the second waits,
 * or the server ends it as a deadlock). */
enum admin_access admin_access_change(struct db *db, long long shop, long long id,
    int disable);

/* Makes admin id of shop an owner (owner 1) or staff, in the caller's
 * transaction as admin_access_change, which locks the same rows: an
 * owner made staff must leave another enabled owner. Their sessions stay:
 * each request reads the role afresh. */
enum admin_access admin_access_role(struct db *db, long long shop, long long id, int owner);

#endif
