/*
 * fidele-admin's hold on a shop, for the hosting provider: list the shops,
 * show one, disable and enable it (the door in lib/app.c closes every page
 * of a disabled shop; fidele-worker leaves its mail and jobs waiting), set
 * its limits (customers: lib/customer.c; mails a day: fidele-worker;
 * upload size: lib/upload.c), and delete it with all its data.
 *
 * A delete goes table by table, children before parents, a batch of
 * DELETE_BATCH rows a transaction, so that no statement holds locks for
 * long and no other shop's rows are ever locked (every statement filters
 * on shop_id, which each table's foreign key indexes).
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <config.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fidele-admin.h"
#include "lib/log.h"
#include "lib/settings.h"

/* Rows a delete's transaction takes (customers and their dependants). */
#define DELETE_BATCH 2000
#define DELETE_BATCH_TEXT "2000"

enum shops_sql {
	SQL_SHOPS_LIST,
	SQL_SHOP_SHOW,
	SQL_SHOP_HOSTS,
	SQL_SHOP_DISABLE,
	SQL_SHOP_ENABLE,
	SQL_SHOP_LIMITS,
	SQL_SHOP_TABLES,
	SQL_SHOP_DELETING,
	SQL_SHOP_DELETE,
	SHOPS_SQL__MAX
};

#define SHOP_COUNTS \
    "(SELECT COUNT(*) FROM customer c WHERE c.shop_id = s.id AND c.erased_at IS NULL)," \
    " (SELECT COUNT(*) FROM admin a WHERE a.shop_id = s.id AND a.disabled_at IS NULL)," \
    " (SELECT COUNT(*) FROM shop_host h WHERE h.shop_id = s.id)," \
    " (SELECT COUNT(*) FROM outbox o WHERE o.shop_id = s.id" \
    "                                  AND o.status IN ('queued', 'sending'))"

static struct db_query shops_sql[SHOPS_SQL__MAX] = {
	[SQL_SHOPS_LIST] = { .sql =
	    "SELECT s.slug, " SHOP_COUNTS ","
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.shop_id = s.id AND o.status = 'failed'),"
	    "       IF(s.disabled_at IS NULL, 'open', 'disabled'), s.name"
	    "  FROM shop s ORDER BY s.slug" },
	[SQL_SHOP_SHOW] = { .sql =
	    "SELECT s.slug, " SHOP_COUNTS ", COALESCE(s.disabled_at, ''), s.name, s.language,"
	    "       s.mode, COALESCE(s.public_url, ''),"
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.shop_id = s.id AND o.status = 'failed'),"
	    "       (SELECT COUNT(*) FROM outbox o WHERE o.shop_id = s.id AND o.status = 'sent'"
	    "                                        AND o.sent_at >= CURDATE()),"
	    "       (SELECT COUNT(*) FROM job j WHERE j.shop_id = s.id"
	    "                                     AND j.state IN ('queued', 'running')),"
	    "       COALESCE(s.customer_limit, 'none'), COALESCE(s.mail_limit_per_day, 'none'),"
	    "       COALESCE(CONCAT(s.upload_limit_mb, ' MiB'), 'none')"
	    "  FROM shop s WHERE s.id = ?" },
	[SQL_SHOP_HOSTS] = { .sql = "SELECT host FROM shop_host WHERE shop_id = ? ORDER BY host" },
	[SQL_SHOP_DISABLE] = { .sql =
	    "UPDATE shop SET disabled_at = NOW() WHERE id = ? AND disabled_at IS NULL" },
	[SQL_SHOP_ENABLE] = { .sql =
	    "UPDATE shop SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL" },
	/* a NULL parameter keeps the limit as it is; -1 removes it */
	[SQL_SHOP_LIMITS] = { .sql =
	    "UPDATE shop SET"
	    " customer_limit = IF(? IS NULL, customer_limit, NULLIF(?, -1)),"
	    " mail_limit_per_day = IF(? IS NULL, mail_limit_per_day, NULLIF(?, -1)),"
	    " upload_limit_mb = IF(? IS NULL, upload_limit_mb, NULLIF(?, -1))"
	    " WHERE id = ?" },
	/* the tables that hold a shop's rows, as this database has them: a
	 * table the delete below does not know stops it */
	[SQL_SHOP_TABLES] = { .sql =
	    "SELECT c.table_name FROM information_schema.columns c"
	    "  JOIN information_schema.tables t ON t.table_schema = c.table_schema"
	    "                                  AND t.table_name = c.table_name"
	    " WHERE c.table_schema = DATABASE() AND c.column_name = 'shop_id'"
	    "   AND t.table_type = 'BASE TABLE'"
	    " ORDER BY c.table_name" },
	/* the shop this connection deletes: its consent ledger and wordings,
	 * append-only for everything else, may go too (sql/028) */
	[SQL_SHOP_DELETING] = { .sql = "SET @fidele_shop_delete = ?" },
	[SQL_SHOP_DELETE] = { .sql = "DELETE FROM shop WHERE id = ?" },
};

/* The tables of a shop's data, in delete order: a table before the tables
 * its rows point to (customer after everything about a customer, admin
 * after the rows that name an admin; label_version after the groups and
 * tags, mail_failed after the mails and job_active after the jobs, whose
 * deletes write them), so that no foreign key refuses a batch. For each, how many rows the shop has in it (shop_counts) and one
 * batch of them deleted (shop_deletes), at the same index. */
#define SHOP_TABLES(X) \
	X("customer_tag") \
	X("customer_group_member") \
	X("note") \
	X("consent") \
	X("retention_notice") \
	X("signup_hold") \
	X("signup_request") \
	X("orders") \
	X("customer_search") \
	X("session") \
	X("login_token") \
	X("form_once") \
	X("event") \
	X("outbox") \
	X("mail_failed") \
	X("import_error") \
	X("export_log") \
	X("api_nonce") \
	X("job") \
	X("job_active") \
	X("mailing") \
	X("segment") \
	X("customer") \
	X("import") \
	X("customer_group") \
	X("tag") \
	X("label_version") \
	X("consent_text") \
	X("api_key") \
	X("admin") \
	X("shop_host")

#define SHOP_TABLE_NAME(table) table,
#define SHOP_TABLE_COUNT_SQL(table) { .sql = "SELECT COUNT(*) FROM " table " WHERE shop_id = ?" },
#define SHOP_TABLE_DELETE_SQL(table) \
	{ .sql = "DELETE FROM " table " WHERE shop_id = ? LIMIT " DELETE_BATCH_TEXT },

static const char *const shop_table_names[] = { SHOP_TABLES(SHOP_TABLE_NAME) };
static struct db_query shop_counts[] = { SHOP_TABLES(SHOP_TABLE_COUNT_SQL) };
static struct db_query shop_deletes[] = { SHOP_TABLES(SHOP_TABLE_DELETE_SQL) };

#define SHOP_TABLE_COUNT (sizeof(shop_table_names) / sizeof(shop_table_names[0]))

static int
shops_ready(struct db *db)
{
	return db_register(db, shops_sql, SHOPS_SQL__MAX);
}

int
cmd_shops(struct db *db, HDF *config, struct options *opts)
{
	struct db_query *list = &shops_sql[SQL_SHOPS_LIST];

	(void)config;
	if (options_check(opts, (const char *const[]){ NULL }) != 0)
		return ADMIN_EXIT_USAGE;
	if (shops_ready(db) != 0 || db_exec(db, list, NULL, 0) < 0)
		return ADMIN_EXIT_FAILED;
	printf("shop\tcustomers\tadmins\thosts\tmails waiting\tmails failed\tstate\tname\n");
	while (db_fetch(list) == 1)
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", db_text(list, 0), db_text(list, 1),
		    db_text(list, 2), db_text(list, 3), db_text(list, 4), db_text(list, 5),
		    db_text(list, 6), db_text(list, 7));
	db_done(list);
	return ADMIN_EXIT_OK;
}

/* Prints what shop show tells of the shop. Returns an exit status. */
static int
shop_print(struct db *db, HDF *config, long long id)
{
	struct db_query *show = &shops_sql[SQL_SHOP_SHOW], *hosts = &shops_sql[SQL_SHOP_HOSTS];
	struct db_param param = DB_INT(id);
	int first = 1;

	if (db_exec(db, show, &param, 1) < 0 || db_fetch(show) != 1) {
		db_done(show);
		return ADMIN_EXIT_FAILED;
	}
	printf("shop: %s\nname: %s\nlanguage: %s\nsignup: %s\n", db_text(show, 0),
	    db_text(show, 6), db_text(show, 7), db_text(show, 8));
	if (*db_text(show, 5) != '\0')
		printf("state: disabled since %s\n", db_text(show, 5));
	else
		printf("state: open\n");
	printf("public url: %s\n", *db_text(show, 9) ? db_text(show, 9) : "-");
	printf("customers: %s (limit: %s)\n", db_text(show, 1), db_text(show, 13));
	printf("admins: %s\n", db_text(show, 2));
	printf("mails waiting: %s, failed: %s, sent today: %s (limit a day: %s)\n",
	    db_text(show, 4), db_text(show, 10), db_text(show, 11), db_text(show, 14));
	printf("upload limit: %s (installation: %d MiB)\n", db_text(show, 15),
	    hdf_get_int_value(config, "Limits.MaxUpload", 52428800) / (1024 * 1024));
	printf("jobs queued or running: %s\n", db_text(show, 12));
	db_done(show);
	if (db_exec(db, hosts, &param, 1) < 0)
		return ADMIN_EXIT_FAILED;
	printf("hosts:");
	while (db_fetch(hosts) == 1) {
		printf("%s%s", first ? " " : ", ", db_text(hosts, 0));
		first = 0;
	}
	printf("%s\n", first ? " -" : "");
	db_done(hosts);
	return ADMIN_EXIT_OK;
}

int
cmd_shop_show(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	long long id;
	int status;

	if ((id = shop_option(db, opts, allowed, shops_sql, SHOPS_SQL__MAX, &status)) <= 0)
		return status;
	return shop_print(db, config, id);
}

/* disable or enable, by statement. */
static int
shop_state(struct db *db, struct options *opts, enum shops_sql which)
{
	static const char *const allowed[] = { "--shop", NULL };
	const char *slug = option(opts, "--shop", "");
	struct db_param param;
	long long id, rows;
	int status;

	if ((id = shop_option(db, opts, allowed, shops_sql, SHOPS_SQL__MAX, &status)) <= 0)
		return status;
	param = DB_INT(id);
	rows = db_exec(db, &shops_sql[which], &param, 1);
	if (rows < 0)
		return ADMIN_EXIT_FAILED;
	if (which == SQL_SHOP_DISABLE)
		printf(rows > 0 ? "shop %s disabled: its pages answer \"temporarily closed\","
		    " its mail and jobs wait\n" : "shop %s was already disabled\n", slug);
	else
		printf(rows > 0 ? "shop %s enabled: its pages open, its waiting mail leaves\n" :
		    "shop %s was not disabled\n", slug);
	return ADMIN_EXIT_OK;
}

int
cmd_shop_disable(struct db *db, HDF *config, struct options *opts)
{
	(void)config;
	return shop_state(db, opts, SQL_SHOP_DISABLE);
}

int
cmd_shop_enable(struct db *db, HDF *config, struct options *opts)
{
	(void)config;
	return shop_state(db, opts, SQL_SHOP_ENABLE);
}

/* A limit's value: *out gets N (0 or more), -1 for "none", and the
 * parameter stays NULL when the option is not given. Returns 0 or -1
 * after saying what is wrong. */
static int
limit_value(struct options *opts, const char *name, long long minimum, long long *out,
    struct db_param *param)
{
	const char *text = option(opts, name, NULL);
	char *end;

	*param = DB_NULL;
	if (text == NULL)
		return 0;
	if (strcmp(text, "none") == 0)
		*out = -1;
	else {
		*out = strtoll(text, &end, 10);
		if (*text < '0' || *text > '9' || *end != '\0' || *out < minimum || *out > 4000000000LL) {
			log_err("%s is a number from %lld, or none", name, minimum);
			return -1;
		}
	}
	*param = DB_INT(*out);
	return 0;
}

int
cmd_limits(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--customers", "--mails-per-day",
		"--upload-mb", NULL };
	long long values[3], id;
	struct db_param params[7];
	int status;

	if (options_check(opts, allowed) != 0 ||
	    limit_value(opts, "--customers", 0, &values[0], &params[0]) != 0 ||
	    limit_value(opts, "--mails-per-day", 0, &values[1], &params[2]) != 0 ||
	    limit_value(opts, "--upload-mb", 1, &values[2], &params[4]) != 0)
		return ADMIN_EXIT_USAGE;
	if ((id = shop_option(db, opts, allowed, shops_sql, SHOPS_SQL__MAX, &status)) <= 0)
		return status;
	params[1] = params[0];
	params[3] = params[2];
	params[5] = params[4];
	params[6] = DB_INT(id);
	if (db_exec(db, &shops_sql[SQL_SHOP_LIMITS], params, 7) < 0)
		return ADMIN_EXIT_FAILED;
	if (params[4].type != DB_PARAM_NULL && values[2] > 0 && values[2] * 1024 * 1024 >
	    hdf_get_int_value(config, "Limits.MaxUpload", 52428800))
		printf("note: the installation's Limits.MaxUpload is smaller and applies\n");
	return shop_print(db, config, id);
}

/* Says what the delete of shop takes: the rows of each table. Returns 0,
 * or -1 (the database, or a table with a shop_id the list does not know:
 * a newer schema than this program). */
static int
delete_plan(struct db *db, long long shop)
{
	struct db_query *tables = &shops_sql[SQL_SHOP_TABLES];
	struct db_param param = DB_INT(shop);
	size_t i;
	int unknown = 0;

	if (db_exec(db, tables, NULL, 0) < 0)
		return -1;
	while (db_fetch(tables) == 1) {
		for (i = 0; i < SHOP_TABLE_COUNT; i++)
			if (strcmp(shop_table_names[i], db_text(tables, 0)) == 0)
				break;
		if (i == SHOP_TABLE_COUNT && strcmp(db_text(tables, 0), "shop") != 0) {
			log_err("table %s holds shop rows this fidele-admin does not know:"
			    " nothing deleted (run the fidele-admin of the same version)",
			    db_text(tables, 0));
			unknown = 1;
		}
	}
	db_done(tables);
	if (unknown)
		return -1;
	printf("deleting it deletes:\n");
	for (i = 0; i < SHOP_TABLE_COUNT; i++) {
		struct db_query *count = &shop_counts[i];

		if (db_exec(db, count, &param, 1) < 0 || db_fetch(count) != 1) {
			db_done(count);
			return -1;
		}
		if (db_int(count, 0) > 0)
			printf("  %-22s %s rows\n", shop_table_names[i], db_text(count, 0));
		db_done(count);
	}
	printf("  %-22s the shop itself, and its files in the spool\n", "shop");
	return 0;
}

/* Deletes the shop's rows of every table, a batch a transaction, then the
 * shop. Returns 0 or -1 (what was deleted stays deleted: run it again). */
static int
delete_rows(struct db *db, long long shop)
{
	struct db_param param = DB_INT(shop);
	long long rows, total;
	size_t i;

	for (i = 0; i < SHOP_TABLE_COUNT; i++) {
		total = 0;
		do {
			/* said in each batch's transaction: a connection the
			 * server dropped between two batches is a new one */
			if (db_begin(db) != 0)
				return -1;
			rows = db_exec(db, &shops_sql[SQL_SHOP_DELETING], &param, 1);
			if (rows >= 0)
				rows = db_exec(db, &shop_deletes[i], &param, 1);
			if (rows < 0 || db_commit(db) != 0) {
				db_rollback(db);
				log_err("deleting the rows of %s failed; what was deleted stays"
				    " deleted: run the delete again", shop_table_names[i]);
				return -1;
			}
			total += rows;
		} while (rows == DELETE_BATCH);
		if (total > 0)
			printf("  %s: %lld rows deleted\n", shop_table_names[i], total);
	}
	return db_exec(db, &shops_sql[SQL_SHOP_DELETE], &param, 1) == 1 ? 0 : -1;
}

static int
spool_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0) {
		log_err("cannot remove %s", path);
		return -1;
	}
	return 0;
}

/* Removes the shop's folder of the spool (its kept import files, made by
 * lib/upload.c as Spool.Dir/<shop id>). Returns 0 or -1. */
static int
delete_spool(HDF *config, long long shop)
{
	char path[1100];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%lld", settings_spool_dir(config), shop);
	if (lstat(path, &st) != 0)
		return 0;
	if (nftw(path, spool_remove, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return -1;
	printf("  %s: removed\n", path);
	return 0;
}

int
cmd_shop_delete(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	int yes = flag_take(opts, "--yes"), status;
	const char *slug = option(opts, "--shop", "");
	char typed[100];
	long long id;

	if ((id = shop_option(db, opts, allowed, shops_sql, SHOPS_SQL__MAX, &status)) <= 0)
		return status;
	if (db_register(db, shop_counts, SHOP_TABLE_COUNT) != 0 ||
	    db_register(db, shop_deletes, SHOP_TABLE_COUNT) != 0)
		return ADMIN_EXIT_FAILED;
	printf("shop %s: ", slug);
	if (delete_plan(db, id) != 0)
		return ADMIN_EXIT_FAILED;
	if (!yes) {
		printf("this cannot be undone. Type the shop's slug (%s) to delete it: ", slug);
		fflush(stdout);
		if (fgets(typed, sizeof(typed), stdin) == NULL)
			typed[0] = '\0';
		typed[strcspn(typed, "\r\n")] = '\0';
		if (strcmp(typed, slug) != 0) {
			printf("\n");
			log_err("not confirmed: shop %s is not deleted", slug);
			return ADMIN_EXIT_FAILED;
		}
	}
	if (delete_rows(db, id) != 0 || delete_spool(config, id) != 0)
		return ADMIN_EXIT_FAILED;
	printf("shop %s deleted\n", slug);
	return ADMIN_EXIT_OK;
}
