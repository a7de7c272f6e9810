/*
 * fidele-admin's commands on who reaches a shop and where, for the hosting
 * provider: the host names it answers on (one moves to a new domain: add
 * the new, then remove the old) and its admins (list them; disable one who
 * left, which ends their sessions and mailed links at once; enable them
 * again). Adding either is in fidele-admin.c (shop host add, admin add).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fidele-admin.h"
#include "lib/admin_access.h"
#include "lib/log.h"
#include "lib/text.h"

enum access_sql {
	SQL_HOST_COUNT,
	SQL_HOST_REMOVE,
	SQL_ADMIN_LIST,
	SQL_ADMIN_FIND,
	ACCESS_SQL__MAX
};

static struct db_query access_sql[ACCESS_SQL__MAX] = {
	/* the shop's hosts, and whether this one is among them */
	[SQL_HOST_COUNT] = { .sql =
	    "SELECT COUNT(*), COALESCE(SUM(host = ?), 0) FROM shop_host WHERE shop_id = ?" },
	[SQL_HOST_REMOVE] = { .sql = "DELETE FROM shop_host WHERE host = ? AND shop_id = ?" },
	[SQL_ADMIN_LIST] = { .sql =
	    "SELECT email, role, IF(disabled_at IS NULL, 'enabled', 'disabled'),"
	    "       COALESCE(last_sign_in_at, '-'), created_at, name"
	    "  FROM admin WHERE shop_id = ? ORDER BY role, email" },
	[SQL_ADMIN_FIND] = { .sql = "SELECT id FROM admin WHERE shop_id = ? AND email = ?" },
};

int
cmd_host_remove(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--host", NULL };
	struct db_query *count = &access_sql[SQL_HOST_COUNT];
	const char *host_arg = option(opts, "--host", NULL);
	struct db_param params[2];
	char host[254];
	long long id, hosts, found;
	int status;

	(void)config;
	if ((id = shop_option(db, opts, allowed, access_sql, ACCESS_SQL__MAX, &status)) <= 0)
		return status;
	if (host_arg == NULL || strlen(host_arg) >= sizeof(host)) {
		log_err(host_arg == NULL ? "--host is required" : "--host is a host name");
		return ADMIN_EXIT_USAGE;
	}
	snprintf(host, sizeof(host), "%s", host_arg);
	text_lower_ascii(host);
	params[0] = DB_TEXT(host);
	params[1] = DB_INT(id);
	if (db_exec(db, count, params, 2) < 0 || db_fetch(count) != 1) {
		db_done(count);
		return ADMIN_EXIT_FAILED;
	}
	hosts = db_int(count, 0);
	found = db_int(count, 1);
	db_done(count);
	if (!found) {
		log_err("shop %s does not answer on %s (fidele-admin shop show lists its hosts)",
		    option(opts, "--shop", ""), host);
		return ADMIN_EXIT_FAILED;
	}
	/* a shop on no host has no pages and no links: the new one first */
	if (hosts == 1) {
		log_err("%s is the only host of shop %s: add the new one first (fidele-admin shop"
		    " host add), then remove this one", host, option(opts, "--shop", ""));
		return ADMIN_EXIT_FAILED;
	}
	if (db_exec(db, &access_sql[SQL_HOST_REMOVE], params, 2) < 0)
		return ADMIN_EXIT_FAILED;
	printf("host %s no longer serves shop %s; remove it from the web server's"
	    " configuration too\n", host, option(opts, "--shop", ""));
	return ADMIN_EXIT_OK;
}

int
cmd_admin_list(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	struct db_query *list = &access_sql[SQL_ADMIN_LIST];
	struct db_param param;
	long long id;
	int status;

	(void)config;
	if ((id = shop_option(db, opts, allowed, access_sql, ACCESS_SQL__MAX, &status)) <= 0)
		return status;
	param = DB_INT(id);
	if (db_exec(db, list, &param, 1) < 0)
		return ADMIN_EXIT_FAILED;
	printf("email\trole\tstate\tlast sign-in\tadded\tname\n");
	while (db_fetch(list) == 1)
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", db_text(list, 0), db_text(list, 1),
		    db_text(list, 2), db_text(list, 3), db_text(list, 4), db_text(list, 5));
	db_done(list);
	return ADMIN_EXIT_OK;
}

/* The admin --email names in the shop: their id; 0 after saying there is
 * none, -1 on an error, -2 for a bad --email. */
static long long
access_admin(struct db *db, long long shop, struct options *opts)
{
	struct db_query *find = &access_sql[SQL_ADMIN_FIND];
	const char *email_arg = option(opts, "--email", NULL);
	struct db_param params[2];
	char email[256];
	long long id = 0;

	if (email_arg == NULL || strlen(email_arg) >= sizeof(email)) {
		log_err("--email is required: the admin's address");
		return -2;
	}
	snprintf(email, sizeof(email), "%s", email_arg);
	if (!text_email_normalise(email)) {
		log_err("--email is not an e-mail address");
		return -2;
	}
	params[0] = DB_INT(shop);
	params[1] = DB_TEXT(email);
	if (db_exec(db, find, params, 2) < 0)
		return -1;
	if (db_fetch(find) == 1)
		id = db_int(find, 0);
	db_done(find);
	if (id == 0)
		log_err("%s is not an admin of shop %s (fidele-admin admin list --shop %s)", email,
		    option(opts, "--shop", ""), option(opts, "--shop", ""));
	return id;
}

/* What admin disable, admin enable and admin role change. */
enum access_command { ACCESS_DISABLE, ACCESS_ENABLE, ACCESS_ROLE };

/* admin disable, admin enable and admin role (lib/admin_access.c, the
 * owners' team page's writer too) */
static int
admin_access_command(struct db *db, struct options *opts, enum access_command command)
{
	static const char *const state_allowed[] = { "--shop", "--email", NULL };
	static const char *const role_allowed[] = { "--shop", "--email", "--role", NULL };
	static const char *const done[] = {
		[ACCESS_DISABLE] = "disabled", [ACCESS_ENABLE] = "enabled" };
	const char *email = option(opts, "--email", "");
	const char *role = option(opts, "--role", "");
	int owner = strcmp(role, "owner") == 0;
	long long shop, id;
	int status;
	enum admin_access changed;

	if ((shop = shop_option(db, opts, command == ACCESS_ROLE ? role_allowed : state_allowed,
	    access_sql, ACCESS_SQL__MAX, &status)) <= 0)
		return status;
	if (command == ACCESS_ROLE && !owner && strcmp(role, "staff") != 0) {
		log_err("--role is owner or staff");
		return ADMIN_EXIT_USAGE;
	}
	id = access_admin(db, shop, opts);
	if (id <= 0)
		return id == -2 ? ADMIN_EXIT_USAGE : ADMIN_EXIT_FAILED;
	if (db_begin(db) != 0)
		return ADMIN_EXIT_FAILED;
	changed = command == ACCESS_ROLE ? admin_access_role(db, shop, id, owner) :
	    admin_access_change(db, shop, id, command == ACCESS_DISABLE);
	if (changed != ADMIN_ACCESS_CHANGED || db_commit(db) != 0) {
		db_rollback(db);
		if (changed == ADMIN_ACCESS_CHANGED)
			changed = ADMIN_ACCESS_FAILED;
	}
	switch (changed) {
	case ADMIN_ACCESS_CHANGED:
		if (command == ACCESS_DISABLE)
			printf("%s disabled: signed out everywhere, their mailed links dead; what"
			    " they did stays in the shop's history\n", email);
		else if (command == ACCESS_ENABLE)
			printf("%s enabled: they sign in again with their password\n", email);
		else if (owner)
			printf("%s is now an owner, from their next page on: the owners' pages"
			    " (team, settings, mailings, API keys) are open to them\n", email);
		else
			printf("%s is now staff, from their next page on: the owners' pages"
			    " (team, settings, mailings, API keys) are closed to them\n", email);
		return ADMIN_EXIT_OK;
	case ADMIN_ACCESS_ALREADY:
		printf("%s was already %s\n", email, command == ACCESS_ROLE ? role : done[command]);
		return ADMIN_EXIT_OK;
	case ADMIN_ACCESS_LAST_OWNER:
		log_err("%s is the shop's only owner: make another admin owner first"
		    " (fidele-admin admin role --role owner, or admin add --role owner),"
		    " then %s this one", email, command == ACCESS_ROLE ? "make staff" : "disable");
		return ADMIN_EXIT_FAILED;
	case ADMIN_ACCESS_NOT_FOUND:
	case ADMIN_ACCESS_FAILED:
		break;
	}
	return ADMIN_EXIT_FAILED;
}

int
cmd_admin_disable(struct db *db, HDF *config, struct options *opts)
{
	(void)config;
	return admin_access_command(db, opts, ACCESS_DISABLE);
}

int
cmd_admin_enable(struct db *db, HDF *config, struct options *opts)
{
	(void)config;
	return admin_access_command(db, opts, ACCESS_ENABLE);
}

int
cmd_admin_role(struct db *db, HDF *config, struct options *opts)
{
	(void)config;
	return admin_access_command(db, opts, ACCESS_ROLE);
}
