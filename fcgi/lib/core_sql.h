/*
 * The statements the shared core needs in every program (shop, session,
 * rate limits). Their text is in core_sql.c.
 */
#ifndef FIDELE_CORE_SQL_H
#define FIDELE_CORE_SQL_H

#include "db.h"

enum core_sql {
	CORE_SHOP_BY_SLUG,
	CORE_SHOP_BY_HOST,
	CORE_SESSION_LOAD,
	CORE_SESSION_TOUCH,
	CORE_SESSION_INSERT,
	CORE_SESSION_DELETE,
	CORE_RATE_HIT,
	CORE_RATE_READ,
	CORE_SQL__MAX
};

extern struct db_query core_sql[CORE_SQL__MAX];

#endif
