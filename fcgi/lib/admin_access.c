/*
 * A shop's admins disabled and enabled again (admin_access.h).
 */
#include <config.h>

#include <string.h>

#include "admin_access.h"
#include "core_sql.h"

/* The admin's role (owner 1) and state (disabled 1), their row locked:
 * ADMIN_ACCESS_CHANGED when found, else NOT_FOUND or FAILED. */
static enum admin_access
admin_locked(struct db *db, long long shop, long long id, int *owner, int *disabled)
{
	struct db_query *admin = &core_sql[CORE_ADMIN_LOCK];
	struct db_param params[2] = { DB_INT(id), DB_INT(shop) };

	if (db_exec(db, admin, params, 2) < 0)
		return ADMIN_ACCESS_FAILED;
	if (db_fetch(admin) != 1) {
		db_done(admin);
		return ADMIN_ACCESS_NOT_FOUND;
	}
	*owner = db_text(admin, 0) != NULL && strcmp(db_text(admin, 0), "owner") == 0;
	*disabled = db_int(admin, 1) != 0;
	db_done(admin);
	return ADMIN_ACCESS_CHANGED;
}

/* Whether the shop keeps an enabled owner once admin id stops being one:
 * ADMIN_ACCESS_CHANGED when it does (the other owners locked), else
 * LAST_OWNER or FAILED. */
static enum admin_access
owner_left(struct db *db, long long shop, long long id)
{
	struct db_query *left = &core_sql[CORE_ADMIN_OWNERS_LEFT];
	struct db_param params[2] = { DB_INT(shop), DB_INT(id) };
	long long owners;

	if (db_exec(db, left, params, 2) < 0 || db_fetch(left) != 1) {
		db_done(left);
		return ADMIN_ACCESS_FAILED;
	}
	owners = db_int(left, 0);
	db_done(left);
	return owners > 0 ? ADMIN_ACCESS_CHANGED : ADMIN_ACCESS_LAST_OWNER;
}

/* Each statement filters by the shop as well as the admin. */
enum admin_access
admin_access_change(struct db *db, long long shop, long long id, int disable)
{
	struct db_param params[2] = { DB_INT(id), DB_INT(shop) };
	enum admin_access found;
	int owner, disabled;

	if ((found = admin_locked(db, shop, id, &owner, &disabled)) != ADMIN_ACCESS_CHANGED)
		return found;
	if (disabled == disable)
		return ADMIN_ACCESS_ALREADY;
	if (!disable)
		return db_exec(db, &core_sql[CORE_ADMIN_ENABLE], params, 2) < 0 ?
		    ADMIN_ACCESS_FAILED : ADMIN_ACCESS_CHANGED;
	if (owner && (found = owner_left(db, shop, id)) != ADMIN_ACCESS_CHANGED)
		return found;
	if (db_exec(db, &core_sql[CORE_ADMIN_DISABLE], params, 2) < 0 ||
	    db_exec(db, &core_sql[CORE_ADMIN_SESSIONS_END], params, 2) < 0 ||
	    db_exec(db, &core_sql[CORE_ADMIN_TOKENS_END], params, 2) < 0)
		return ADMIN_ACCESS_FAILED;
	return ADMIN_ACCESS_CHANGED;
}

enum admin_access
admin_access_role(struct db *db, long long shop, long long id, int make_owner)
{
	struct db_param params[3] = { DB_TEXT(make_owner ? "owner" : "staff"), DB_INT(id),
		DB_INT(shop) };
	enum admin_access found;
	int owner, disabled;

	if ((found = admin_locked(db, shop, id, &owner, &disabled)) != ADMIN_ACCESS_CHANGED)
		return found;
	if (owner == make_owner)
		return ADMIN_ACCESS_ALREADY;
	if (owner && !disabled && (found = owner_left(db, shop, id)) != ADMIN_ACCESS_CHANGED)
		return found;
	return db_exec(db, &core_sql[CORE_ADMIN_ROLE], params, 3) < 0 ?
	    ADMIN_ACCESS_FAILED : ADMIN_ACCESS_CHANGED;
}
