/*
 * What the files of fidele-admin share: the options of a command (the
 * words after it, as --name value pairs), the shop a --shop names, and
 * the commands that live in their own files (fidele-admin-shops.c for
 * the provider's hold on a shop, fidele-admin-doctor.c for doctor).
 *
 * Exit status of every command: ADMIN_EXIT_*.
 */
#ifndef FIDELE_ADMIN_H
#define FIDELE_ADMIN_H

#include "lib/clearsilver.h"
#include "lib/db.h"

enum admin_exit {
	ADMIN_EXIT_OK = 0,	/* done (doctor: every check is OK) */
	ADMIN_EXIT_FAILED = 1,	/* failed: database, files, not confirmed; doctor: a check is not OK */
	ADMIN_EXIT_USAGE = 2	/* bad arguments: unknown command or option, missing value */
};

struct options {
	int count;
	char **argv;
};

/* Checks that every --option is one of allowed (a NULL-ended list) and has
 * a value. Returns 0, or -1 after saying what is wrong. */
int options_check(struct options *opts, const char *const *allowed);

/* Takes a flag without a value (such as --send) out of opts, so that the
 * rest is checked as name-value pairs. Returns 1 when it was given. */
int flag_take(struct options *opts, const char *name);

/* The value of --name, or fallback. */
const char *option(struct options *opts, const char *name, const char *fallback);

/* The value of --name, or NULL after saying it is required. */
const char *required(struct options *opts, const char *name);

/* The id of the shop named slug; 0 after saying there is none, -1 on a
 * database error. */
long long shop_id(struct db *db, const char *slug);

/* The shop --shop names, after checking opts has only allowed and
 * preparing the command's n statements of table: its id, or 0 after
 * saying why not (*status: 2 arguments, 1 no such shop or a database
 * error). */
long long shop_option(struct db *db, struct options *opts, const char *const *allowed,
    struct db_query *table, size_t n, int *status);

/* The migrations in the data directory not applied to db yet: their
 * number, each file name printed after prefix; -1 when it cannot tell
 * (no schema_version table: nothing applied, or a database error). */
int migrations_pending(struct db *db, HDF *config, const char *prefix);

/* fidele-admin-shops.c */
int cmd_shops(struct db *db, HDF *config, struct options *opts);
int cmd_shop_show(struct db *db, HDF *config, struct options *opts);
int cmd_shop_disable(struct db *db, HDF *config, struct options *opts);
int cmd_shop_enable(struct db *db, HDF *config, struct options *opts);
int cmd_shop_delete(struct db *db, HDF *config, struct options *opts);
int cmd_limits(struct db *db, HDF *config, struct options *opts);

/* fidele-admin-access.c */
int cmd_host_remove(struct db *db, HDF *config, struct options *opts);
int cmd_admin_list(struct db *db, HDF *config, struct options *opts);
int cmd_admin_disable(struct db *db, HDF *config, struct options *opts);
int cmd_admin_enable(struct db *db, HDF *config, struct options *opts);
int cmd_admin_role(struct db *db, HDF *config, struct options *opts);

/* fidele-admin-doctor.c: runs without a database connection of the
 * caller's (checking it is one of its checks) */
int cmd_doctor(HDF *config, struct options *opts);

#endif
