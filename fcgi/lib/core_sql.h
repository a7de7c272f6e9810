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
	CORE_SESSION_LOAD_ADMIN,
	CORE_SESSION_LOAD_CUSTOMER,
	CORE_SESSION_TOUCH,
	CORE_SESSION_INSERT,
	CORE_SESSION_DELETE,
	CORE_RATE_HIT,
	CORE_RATE_READ,
	CORE_OUTBOX_INSERT,
	CORE_EVENT_INSERT,
	CORE_TOKEN_INSERT,
	CORE_TOKEN_BY_HASH,
	CORE_TOKEN_BY_HANDLE,
	CORE_TOKEN_USE,
	CORE_TOKEN_VOID_OTHERS,
	CORE_TOKEN_CODE_TRY,
	CORE_SQL__MAX
};

extern struct db_query core_sql[CORE_SQL__MAX];

#endif
