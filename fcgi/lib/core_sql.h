/*
 * The statements the shared core needs in every program (shop, session,
 * rate limits). Their text is in core_sql.c.
 */
#ifndef FIDELE_CORE_SQL_H
#define FIDELE_CORE_SQL_H

#include "db.h"

enum core_sql {
	CORE_DOOR_BY_SLUG,
	CORE_DOOR_BY_HOST,
	CORE_DOOR_PLAIN_BY_SLUG,
	CORE_DOOR_PLAIN_BY_HOST,
	CORE_SHOP_BY_ID,
	CORE_SESSION_LOAD_CUSTOMER,
	CORE_SESSION_TOUCH,
	CORE_SESSION_INSERT,
	CORE_SESSION_DELETE,
	CORE_RATE_HIT,
	CORE_RATE_TAKE,
	CORE_RATE_READ,
	CORE_OUTBOX_INSERT,
	CORE_EVENT_INSERT,
	CORE_TOKEN_INSERT,
	CORE_TOKEN_BY_HASH,
	CORE_TOKEN_BY_HANDLE,
	CORE_TOKEN_USE,
	CORE_TOKEN_VOID_OTHERS,
	CORE_TOKEN_CODE_TRY,
	CORE_HASH_SLOT_TAKE,
	CORE_HASH_SLOT_GIVE,
	CORE_TOKEN_BY_ADDRESS,
	CORE_TOKEN_CODE_TRY_BY_ADDRESS,
	CORE_FORM_ONCE,
	CORE_ADMIN_LOCK,
	CORE_ADMIN_OWNERS_LEFT,
	CORE_ADMIN_DISABLE,
	CORE_ADMIN_SESSIONS_END,
	CORE_ADMIN_TOKENS_END,
	CORE_ADMIN_ENABLE,
	CORE_ADMIN_ROLE,
	CORE_SQL__MAX
};

/* The columns of CORE_DOOR_BY_*: the shop's as CORE_SHOP_BY_ID's first
 * ones, then the admin's session and what the admin is told. */
enum door_column {
	DOOR_COL_ADMIN = 10,	/* id, role, email, name, seconds idle */
	DOOR_COL_FAILED_MAILS = 15,
	DOOR_COL_JOB = 16,	/* the newest queued or running job of app.job_kind */
	DOOR_COL_DISABLED = 17,	/* 1: the provider disabled the shop */
	DOOR_COL_UPLOAD_MB = 18,	/* the shop's upload limit in MiB, or NULL */
	DOOR_COL_LABELS = 19,	/* the version of its groups and tags (sql/027) */
	DOOR_COL_LIST_COLUMNS = 20,	/* the admin's chosen list columns, or NULL */
	DOOR_COL_ADMIN_LANG = 21	/* the admin's own language, or NULL: the shop's */
};

extern struct db_query core_sql[CORE_SQL__MAX];

#endif
