/*
 * A shop's admins disabled and enabled again (admin_access.h).
 */
#include <config.h>

#include <string.h>

#include "admin_access.h"
#include "core_sql.h"

/* Each statement filters by the shop as well as the admin. */
enum admin_access
admin_access_change(struct db *db, long long shop, long long id, int disable)
{
	struct db_query *admin = &core_sql[CORE_ADMIN_LOCK];
	struct db_query *left = &core_sql[CORE_ADMIN_OWNERS_LEFT];
	struct db_param params[2] = { DB_INT(id), DB_INT(shop) };
	int owner, disabled;
	long long owners;

	if (db_exec(db, admin, params, 2) < 0)
		return ADMIN_ACCESS_FAILED;
	if (db_fetch(admin) != 1) {
		db_done(admin);
		return ADMIN_ACCESS_NOT_FOUND;
	}
	owner = db_text(admin, 0) != NULL && strcmp(db_text(admin, 0), "owner") == 0;
	disabled = db_int(admin, 1) != 0;
	db_done(admin);
	if (disabled == disable)
		return ADMIN_ACCESS_ALREADY;
	if (!disable)
		return db_exec(db, &core_sql[CORE_ADMIN_ENABLE], params, 2) < 0 ?
		    ADMIN_ACCESS_FAILED : ADMIN_ACCESS_CHANGED;
	if (owner) {
		struct db_param shop_params[2] = { DB_INT(shop), DB_INT(id) };

		if (db_exec(db, left, shop_params, 2) < 0 || db_fetch(left) != 1) {
			db_done(left);
			return ADMIN_ACCESS_FAILED;
		}
		owners = db_int(left, 0);
		db_done(left);
		if (owners == 0)
			return ADMIN_ACCESS_LAST_OWNER;
	}
	if (db_exec(db, &core_sql[CORE_ADMIN_DISABLE], params, 2) < 0 ||
	    db_exec(db, &core_sql[CORE_ADMIN_SESSIONS_END], params, 2) < 0 ||
	    db_exec(db, &core_sql[CORE_ADMIN_TOKENS_END], params, 2) < 0)
		return ADMIN_ACCESS_FAILED;
	return ADMIN_ACCESS_CHANGED;
}
