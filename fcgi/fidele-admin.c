/*
 * fidele-admin: the hosting provider's command line. It reads the same
 * configuration file as the programs.
 *
 *   fidele-admin migrate
 *   fidele-admin shop add --slug S --name NAME [--language fr|en] [--currency EUR]
 *   fidele-admin shop host add --shop S --host HOST
 *   fidele-admin admin add --shop S --email E [--name NAME] [--role owner|staff]
 *                          (the password is read from standard input)
 *   fidele-admin shop set-url --shop S --url https://clients.example.fr
 *   fidele-admin login-link --shop S --email E [--minutes N]
 *   fidele-admin seed-demo --shop S --customers N
 *   fidele-admin search-reindex [--shop S]
 *
 * Exit status: 0 done, 1 failed (database, files), 2 bad arguments.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/settings.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/core_sql.h"
#include "lib/search.h"
#include "lib/text.h"
#include "lib/token.h"
#include "seed.h"

/* Prepared only once the version table exists (see cmd_migrate). */
enum migrate_sql {
	SQL_VERSIONS,
	SQL_VERSION_ADD,
	MIGRATE_SQL__MAX
};

static const char version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  version INT UNSIGNED NOT NULL PRIMARY KEY,"
    "  name VARCHAR(200) NOT NULL,"
    "  applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static struct db_query migrate_sql[MIGRATE_SQL__MAX] = {
	[SQL_VERSIONS] = { .sql = "SELECT version FROM schema_version ORDER BY version" },
	[SQL_VERSION_ADD] = { .sql = "INSERT INTO schema_version (version, name) VALUES (?, ?)" },
};

/* Prepared for every command but migrate: they need the schema. */
enum admin_sql {
	SQL_SHOP_ADD,
	SQL_SHOP_ID,
	SQL_HOST_ADD,
	SQL_ADMIN_ADD,
	SQL_CUSTOMER_COUNT,
	SQL_BULK_ORDERS_ON,
	SQL_SHOP_URL_SET,
	SQL_SHOP_LINK_BASE,
	SQL_ADMIN_ID,
	ADMIN_SQL__MAX
};

static struct db_query admin_sql[ADMIN_SQL__MAX] = {
	[SQL_SHOP_ADD] = { .sql =
	/* the time zone follows the language until the owner sets it */
	    "INSERT INTO shop (slug, name, language, currency, sender_name, sender_email, time_zone)"
	    " VALUES (?, ?, ?, ?, ?, ?, IF(language = 'en', 'Europe/London', 'Europe/Paris'))" },
	[SQL_SHOP_ID] = { .sql = "SELECT id FROM shop WHERE slug = ?" },
	[SQL_HOST_ADD] = { .sql = "INSERT INTO shop_host (host, shop_id) VALUES (?, ?)" },
	[SQL_ADMIN_ADD] = { .sql =
	    "INSERT INTO admin (shop_id, email, name, role, password_hash) VALUES (?, ?, ?, ?, ?)" },
	[SQL_CUSTOMER_COUNT] = { .sql = "SELECT COUNT(*) FROM customer WHERE shop_id = ?" },
	/* seed-demo computes customer totals itself; see the orders triggers */
	[SQL_BULK_ORDERS_ON] = { .sql = "SET @fidele_bulk_orders = 1" },
	[SQL_SHOP_URL_SET] = { .sql = "UPDATE shop SET public_url = ? WHERE id = ?" },
	/* the public URL, else the first host the shop answers on */
	[SQL_SHOP_LINK_BASE] = { .sql =
	    "SELECT COALESCE(s.public_url, (SELECT CONCAT('https://', MIN(h.host))"
	    "                                 FROM shop_host h WHERE h.shop_id = s.id))"
	    "  FROM shop s WHERE s.id = ?" },
	[SQL_ADMIN_ID] = { .sql =
	    "SELECT id FROM admin WHERE shop_id = ? AND email = ? AND disabled_at IS NULL" },
};

struct options {
	int count;
	char **argv;
};

static void
usage(void)
{
	fputs("usage:\n"
	    "  fidele-admin migrate\n"
	    "  fidele-admin shop add --slug SLUG --name NAME [--language fr|en] [--currency EUR]\n"
	    "                        [--sender-name NAME] [--sender-email ADDRESS]\n"
	    "  fidele-admin shop host add --shop SLUG --host HOST\n"
	    "  fidele-admin admin add --shop SLUG --email ADDRESS [--name NAME] [--role owner|staff]\n"
	    "                         (reads the password from standard input)\n"
	    "  fidele-admin shop set-url --shop SLUG --url https://HOST\n"
	    "  fidele-admin login-link --shop SLUG --email ADDRESS [--minutes N]\n"
	    "  fidele-admin seed-demo --shop SLUG --customers N\n"
	    "  fidele-admin search-reindex [--shop SLUG]   (after changing customers with SQL)\n", stderr);
}

/* Checks that every --option is one of allowed (a NULL-ended list) and has
 * a value. Returns 0, or -1 after saying what is wrong. */
static int
options_check(struct options *opts, const char *const *allowed)
{
	int i;

	for (i = 0; i < opts->count; i += 2) {
		const char *const *name;

		for (name = allowed; *name != NULL; name++)
			if (strcmp(opts->argv[i], *name) == 0)
				break;
		if (*name == NULL) {
			fprintf(stderr, "fidele-admin: unknown option %s\n", opts->argv[i]);
			return -1;
		}
		if (i + 1 >= opts->count) {
			fprintf(stderr, "fidele-admin: %s needs a value\n", opts->argv[i]);
			return -1;
		}
	}
	return 0;
}

static const char *
option(struct options *opts, const char *name, const char *fallback)
{
	int i;

	for (i = 0; i + 1 < opts->count; i += 2)
		if (strcmp(opts->argv[i], name) == 0)
			return opts->argv[i + 1];
	return fallback;
}

static const char *
required(struct options *opts, const char *name)
{
	const char *value = option(opts, name, NULL);

	if (value == NULL || *value == '\0')
		fprintf(stderr, "fidele-admin: %s is required\n", name);
	return value && *value ? value : NULL;
}

/* --- migrate ----------------------------------------------------------- */

static int
version_applied(struct db *db, long version)
{
	struct db_query *query = &migrate_sql[SQL_VERSIONS];
	int applied = 0;

	if (db_exec(db, query, NULL, 0) < 0)
		return -1;
	while (db_fetch(query) == 1)
		if (db_int(query, 0) == version)
			applied = 1;
	db_done(query);
	return applied;
}

static char *
read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text;
	long size;

	if (file == NULL)
		return NULL;
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	text = malloc((size_t)size + 1);
	if (text != NULL && fread(text, 1, (size_t)size, file) != (size_t)size) {
		free(text);
		text = NULL;
	}
	if (text != NULL)
		text[size] = '\0';
	fclose(file);
	return text;
}

static int
name_sort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_migration(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && len > 4 &&
	    strcmp(entry->d_name + len - 4, ".sql") == 0;
}

/* Fills customer_search with the terms of the customers of shop (all shops
 * when 0). Unless forced, only when the table is empty but customers exist:
 * after the migration that created it, or after someone emptied it. Forced,
 * it first removes the shop's terms. Reads the customers a thousand at a
 * time, in id order. Returns 0 or 1. */
static int
search_fill(struct db *db, long long shop, int force)
{
	struct db_query empty = { .sql = "SELECT EXISTS (SELECT 1 FROM customer WHERE erased_at IS NULL)"
	    " AND NOT EXISTS (SELECT 1 FROM customer_search)" };
	struct db_query clear = { .sql = "DELETE FROM customer_search WHERE ? = 0 OR shop_id = ?" };
	struct db_query next = { .sql = "SELECT id, shop_id, first_name, last_name, email, phone_digits,"
	    " name_key"
	    " FROM customer WHERE id > ? AND erased_at IS NULL AND (? = 0 OR shop_id = ?)"
	    " ORDER BY id LIMIT 1000" };
	static struct search_batch batch;
	struct db_param params[3] = { DB_INT(shop), DB_INT(shop), DB_INT(shop) };
	long long last = 0, done = 0;
	int needed = force, rows, status = 1;

	if (db_prepare(db, &empty) != 0 || db_prepare(db, &clear) != 0 || db_prepare(db, &next) != 0)
		goto out;
	if (!force) {
		if (db_exec(db, &empty, NULL, 0) < 0)
			goto out;
		if (db_fetch(&empty) == 1)
			needed = db_int(&empty, 0) == 1;
		db_done(&empty);
	} else if (db_exec(db, &clear, params, 2) < 0)
		goto out;
	if (!needed) {
		status = 0;
		goto out;
	}
	printf("filling the customer search index\n");
	search_batch_init(&batch, db, 0);
	do {
		params[0] = DB_INT(last);
		if (db_begin(db) != 0 || db_exec(db, &next, params, 3) < 0)
			goto out;
		for (rows = 0; db_fetch(&next) == 1; rows++) {
			long long row_shop = db_int(&next, 1);

			if (row_shop != batch.shop_id && search_batch_flush(&batch) != 0)
				goto out;
			batch.shop_id = row_shop;
			last = db_int(&next, 0);
			if (search_batch_add(&batch, last, db_text(&next, 6), db_length(&next, 6),
			    db_text(&next, 2), db_text(&next, 3), db_text(&next, 4), db_text(&next, 5)) != 0)
				goto out;
		}
		db_done(&next);
		if (search_batch_flush(&batch) != 0 || db_commit(db) != 0)
			goto out;
		done += rows;
	} while (rows > 0);
	printf("customer search index: %lld customers\n", done);
	status = 0;
out:
	if (status != 0) {
		db_rollback(db);
		fprintf(stderr, "fidele-admin: cannot fill the customer search index\n");
	}
	db_release(&empty);
	db_release(&clear);
	db_release(&next);
	return status;
}

static int
cmd_migrate(struct db *db, HDF *config)
{
	char dir[1024], path[1400];
	struct dirent **entries;
	int count, i, status = 0, applied_now = 0, refill = 0;

	snprintf(dir, sizeof(dir), "%s/sql", settings_data_dir(config));
	if (db_run_script(db, version_table) != 0 ||
	    db_register(db, migrate_sql, MIGRATE_SQL__MAX) != 0)
		return 1;
	count = scandir(dir, &entries, is_migration, name_sort);
	if (count < 0) {
		fprintf(stderr, "fidele-admin: cannot read %s\n", dir);
		return 1;
	}
	for (i = 0; i < count; i++) {
		long version = strtol(entries[i]->d_name, NULL, 10);
		int applied;
		char *sql;
		struct db_param params[2];

		if (status != 0)
			break;
		applied = version_applied(db, version);
		if (applied != 0) {
			status = applied < 0;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
		sql = read_file(path);
		if (sql == NULL) {
			fprintf(stderr, "fidele-admin: cannot read %s\n", path);
			status = 1;
			continue;
		}
		printf("applying %s\n", entries[i]->d_name);
		params[0] = DB_INT(version);
		params[1] = DB_TEXT(entries[i]->d_name);
		if (db_run_script(db, sql) != 0 ||
		    db_exec(db, &migrate_sql[SQL_VERSION_ADD], params, 2) < 0) {
			fprintf(stderr, "fidele-admin: migration %s failed\n", entries[i]->d_name);
			status = 1;
		} else {
			applied_now++;
			/* 006 gave the terms a copy of the name order and
			 * emptied the table: fill it again even if a program
			 * wrote terms meanwhile */
			refill |= version == 6;
		}
		free(sql);
	}
	for (i = 0; i < count; i++)
		free(entries[i]);
	free(entries);
	if (status == 0)
		status = search_fill(db, 0, refill);
	if (status == 0)
		printf("schema up to date (%d applied now)\n", applied_now);
	return status;
}

/* --- shops and admins -------------------------------------------------- */

static long long
shop_id(struct db *db, const char *slug)
{
	struct db_query *query = &admin_sql[SQL_SHOP_ID];
	struct db_param param = DB_TEXT(slug);
	long long id = 0;

	if (db_exec(db, query, &param, 1) < 0)
		return -1;
	if (db_fetch(query) == 1)
		id = db_int(query, 0);
	db_done(query);
	if (id == 0)
		fprintf(stderr, "fidele-admin: no shop named %s\n", slug);
	return id;
}

static int
slug_ok(const char *slug)
{
	const char *p;

	if (*slug == '\0' || strlen(slug) > 63)
		return 0;
	for (p = slug; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static int
cmd_shop_add(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--slug", "--name", "--language", "--currency",
		"--sender-name", "--sender-email", NULL };
	const char *slug, *name, *language, *currency;
	char sender_email[256];
	struct db_param params[6];
	long long rows;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--slug");
	name = required(opts, "--name");
	language = option(opts, "--language", "fr");
	currency = option(opts, "--currency", "EUR");
	snprintf(sender_email, sizeof(sender_email), "%s", option(opts, "--sender-email", ""));
	if (slug == NULL || name == NULL)
		return 2;
	if (!slug_ok(slug)) {
		fprintf(stderr, "fidele-admin: --slug takes lowercase letters, digits and '-'\n");
		return 2;
	}
	if (strcmp(language, "fr") != 0 && strcmp(language, "en") != 0) {
		fprintf(stderr, "fidele-admin: --language is fr or en\n");
		return 2;
	}
	if (strlen(currency) != 3) {
		fprintf(stderr, "fidele-admin: --currency is a three-letter code such as EUR\n");
		return 2;
	}
	if (!text_is_clean_utf8(name, 0) || text_length(name) > 200) {
		fprintf(stderr, "fidele-admin: --name must be UTF-8, at most 200 characters\n");
		return 2;
	}
	if (sender_email[0] != '\0' && !text_email_normalise(sender_email)) {
		fprintf(stderr, "fidele-admin: --sender-email is not an e-mail address\n");
		return 2;
	}
	params[0] = DB_TEXT(slug);
	params[1] = DB_TEXT(name);
	params[2] = DB_TEXT(language);
	params[3] = DB_TEXT(currency);
	params[4] = DB_TEXT(option(opts, "--sender-name", name));
	params[5] = DB_TEXT(sender_email);
	rows = db_exec(db, &admin_sql[SQL_SHOP_ADD], params, 6);
	if (rows == DB_DUPLICATE) {
		fprintf(stderr, "fidele-admin: a shop named %s already exists\n", slug);
		return 1;
	}
	if (rows < 0)
		return 1;
	printf("shop %s added\n", slug);
	return 0;
}

static int
cmd_host_add(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--host", NULL };
	const char *slug, *host_arg;
	char host[254];
	struct db_param params[2];
	long long id, rows;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	host_arg = required(opts, "--host");
	if (slug == NULL || host_arg == NULL)
		return 2;
	if (strlen(host_arg) >= sizeof(host) || strpbrk(host_arg, " /:@\t") != NULL) {
		fprintf(stderr, "fidele-admin: --host is a host name such as shop.example.org\n");
		return 2;
	}
	snprintf(host, sizeof(host), "%s", host_arg);
	text_lower_ascii(host);
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	params[0] = DB_TEXT(host);
	params[1] = DB_INT(id);
	rows = db_exec(db, &admin_sql[SQL_HOST_ADD], params, 2);
	if (rows == DB_DUPLICATE) {
		fprintf(stderr, "fidele-admin: host %s already belongs to a shop\n", host);
		return 1;
	}
	if (rows < 0)
		return 1;
	printf("host %s now serves shop %s\n", host, slug);
	return 0;
}

/* Reads one line from stdin without its newline. Returns 0 or -1. */
static int
read_password(char *out, size_t size)
{
	size_t len;

	if (fgets(out, (int)size, stdin) == NULL)
		return -1;
	len = strlen(out);
	if (len > 0 && out[len - 1] == '\n')
		out[--len] = '\0';
	if (len > 0 && out[len - 1] == '\r')
		out[--len] = '\0';
	return 0;
}

static int
cmd_admin_add(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--email", "--name", "--role", NULL };
	const char *slug, *email_arg, *role;
	char email[256], password[1100];
	struct db_param params[5];
	long long id, rows;
	char *hash;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	email_arg = required(opts, "--email");
	role = option(opts, "--role", "owner");
	if (slug == NULL || email_arg == NULL)
		return 2;
	snprintf(email, sizeof(email), "%s", email_arg);
	if (!text_email_normalise(email)) {
		fprintf(stderr, "fidele-admin: --email is not an e-mail address\n");
		return 2;
	}
	if (strcmp(role, "owner") != 0 && strcmp(role, "staff") != 0) {
		fprintf(stderr, "fidele-admin: --role is owner or staff\n");
		return 2;
	}
	if (read_password(password, sizeof(password)) != 0 || text_length(password) < 10 ||
	    strlen(password) > 1024 || !text_is_clean_utf8(password, 0)) {
		fprintf(stderr, "fidele-admin: give a password of 10 to 1024 characters on standard input\n");
		return 2;
	}
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	hash = crypto_password_hash(password);
	if (hash == NULL) {
		fprintf(stderr, "fidele-admin: cannot hash the password\n");
		return 1;
	}
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(email);
	params[2] = DB_TEXT(option(opts, "--name", ""));
	params[3] = DB_TEXT(role);
	params[4] = DB_TEXT(hash);
	rows = db_exec(db, &admin_sql[SQL_ADMIN_ADD], params, 5);
	free(hash);
	if (rows == DB_DUPLICATE) {
		fprintf(stderr, "fidele-admin: %s is already an admin of %s\n", email, slug);
		return 1;
	}
	if (rows < 0)
		return 1;
	printf("admin %s added to %s as %s\n", email, slug, role);
	return 0;
}

static int
cmd_set_url(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--url", NULL };
	const char *slug, *url;
	struct db_param params[2];
	long long id;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	url = required(opts, "--url");
	if (slug == NULL || url == NULL)
		return 2;
	if ((strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
	    strlen(url) > 255 || strpbrk(url, " \t\r\n\"'<>\\?#") != NULL) {
		fprintf(stderr, "fidele-admin: --url is a site address such as https://clients.example.fr\n");
		return 2;
	}
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	params[0] = DB_TEXT(url);
	params[1] = DB_INT(id);
	if (db_exec(db, &admin_sql[SQL_SHOP_URL_SET], params, 2) < 0)
		return 1;
	printf("shop %s: links point to %s\n", slug, url);
	return 0;
}

/* Prints a one-time link with which an admin chooses a password and signs
 * in: how a hosting provider hands a new shop to its owner. */
static int
cmd_login_link(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--email", "--minutes", NULL };
	struct db_query *query;
	/* checked by main, as for every command */
	const char *slug, *email_arg, *secret = hdf_get_value(config, "Security.Secret", "");
	char email[256], base[300] = "";
	struct db_param params[2];
	struct token_new token;
	long long id, admin_id = 0;
	long minutes;
	char *end;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	email_arg = required(opts, "--email");
	if (slug == NULL || email_arg == NULL)
		return 2;
	minutes = strtol(option(opts, "--minutes", "10"), &end, 10);
	if (*end != '\0' || minutes < 1 || minutes > 4320) {
		fprintf(stderr, "fidele-admin: --minutes is from 1 to 4320 (three days)\n");
		return 2;
	}
	snprintf(email, sizeof(email), "%s", email_arg);
	if (!text_email_normalise(email)) {
		fprintf(stderr, "fidele-admin: --email is not an e-mail address\n");
		return 2;
	}
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(email);
	query = &admin_sql[SQL_ADMIN_ID];
	if (db_exec(db, query, params, 2) < 0)
		return 1;
	if (db_fetch(query) == 1)
		admin_id = db_int(query, 0);
	db_done(query);
	if (admin_id == 0) {
		fprintf(stderr, "fidele-admin: %s is not an admin of %s (fidele-admin admin add)\n", email, slug);
		return 1;
	}
	query = &admin_sql[SQL_SHOP_LINK_BASE];
	if (db_exec(db, query, params, 1) < 0)
		return 1;
	if (db_fetch(query) == 1 && db_text(query, 0) != NULL)
		snprintf(base, sizeof(base), "%s", db_text(query, 0));
	db_done(query);
	if (base[0] == '\0') {
		fprintf(stderr, "fidele-admin: shop %s has no host nor URL yet"
		    " (fidele-admin shop host add / shop set-url)\n", slug);
		return 1;
	}
	if (token_create_for(db, secret, id, "admin_password", 0, admin_id, 0, NULL, (int)minutes,
	    &token) != 0)
		return 1;
	printf("%s/admin/login/reset?token=%s\n", base, token.token);
	fprintf(stderr, "valid for %ld minutes, once\n", minutes);
	return 0;
}

/* --- seed-demo ----------------------------------------------------------- */


static int
cmd_seed_demo(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--customers", NULL };
	const char *slug, *count_text;
	struct db_query *query = &admin_sql[SQL_CUSTOMER_COUNT];
	struct db_param param;
	long long id, existing;
	char *end;
	long count;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	count_text = required(opts, "--customers");
	if (slug == NULL || count_text == NULL)
		return 2;
	count = strtol(count_text, &end, 10);
	if (*end != '\0' || count < 1 || count > 10000000) {
		fprintf(stderr, "fidele-admin: --customers is a number from 1 to 10000000\n");
		return 2;
	}
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	param = DB_INT(id);
	if (db_exec(db, query, &param, 1) < 0 || db_fetch(query) != 1)
		return 1;
	existing = db_int(query, 0);
	db_done(query);
	if (existing > 0) {
		fprintf(stderr, "fidele-admin: shop %s already has %lld customers; "
		    "seed-demo fills an empty shop\n", slug, existing);
		return 1;
	}
	if (db_exec(db, &admin_sql[SQL_BULK_ORDERS_ON], NULL, 0) < 0)
		return 1;
	if (seed_demo(db, id, count) != 0)
		return 1;
	printf("shop %s: %ld demo customers added\n", slug, count);
	return 0;
}

/* --- search-reindex --------------------------------------------------------- */

/* Rebuilds the search index of one shop, or of all: for customers changed
 * with SQL behind the programs' back. */
static int
cmd_search_reindex(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	const char *slug;
	long long id = 0;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = option(opts, "--shop", NULL);
	if (slug != NULL && (id = shop_id(db, slug)) <= 0)
		return 1;
	return search_fill(db, id, 1);
}

/* --- main ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	struct options opts = { 0, NULL };
	struct db db;
	HDF *config;
	int status, skip;

	log_program("fidele-admin");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "migrate") == 0)
		skip = 2;
	else if (argc >= 3 && strcmp(argv[1], "shop") == 0 && strcmp(argv[2], "add") == 0)
		skip = 3;
	else if (argc >= 4 && strcmp(argv[1], "shop") == 0 && strcmp(argv[2], "host") == 0 &&
	    strcmp(argv[3], "add") == 0)
		skip = 4;
	else if (argc >= 3 && strcmp(argv[1], "admin") == 0 && strcmp(argv[2], "add") == 0)
		skip = 3;
	else if (argc >= 3 && strcmp(argv[1], "shop") == 0 && strcmp(argv[2], "set-url") == 0)
		skip = 3;
	else if (strcmp(argv[1], "seed-demo") == 0 || strcmp(argv[1], "login-link") == 0 ||
	    strcmp(argv[1], "search-reindex") == 0)
		skip = 2;
	else {
		fprintf(stderr, "fidele-admin: unknown command\n");
		usage();
		return 2;
	}
	opts.count = argc - skip;
	opts.argv = argv + skip;
	if (skip == 2 && strcmp(argv[1], "migrate") == 0 && opts.count > 0) {
		fprintf(stderr, "fidele-admin: migrate takes no options\n");
		return 2;
	}

	config = settings_load();
	if (config == NULL)
		return 1;
	if (settings_secret(config) == NULL) {
		hdf_destroy(&config);
		return 1;
	}
	/* only migrate runs multi-statement scripts */
	if ((strcmp(argv[1], "migrate") == 0 ? db_connect_for_scripts(&db, config) :
	    db_connect(&db, config)) != 0) {
		hdf_destroy(&config);
		return 1;
	}
	if (strcmp(argv[1], "migrate") != 0 &&
	    (db_register(&db, admin_sql, ADMIN_SQL__MAX) != 0 ||
	    db_register(&db, core_sql, CORE_SQL__MAX) != 0)) {
		fprintf(stderr, "fidele-admin: the schema is missing or old: run fidele-admin migrate\n");
		db_close(&db);
		hdf_destroy(&config);
		return 1;
	}
	if (strcmp(argv[1], "migrate") == 0)
		status = cmd_migrate(&db, config);
	else if (skip == 4)
		status = cmd_host_add(&db, &opts);
	else if (strcmp(argv[1], "shop") == 0 && strcmp(argv[2], "set-url") == 0)
		status = cmd_set_url(&db, &opts);
	else if (strcmp(argv[1], "shop") == 0)
		status = cmd_shop_add(&db, &opts);
	else if (strcmp(argv[1], "login-link") == 0)
		status = cmd_login_link(&db, config, &opts);
	else if (strcmp(argv[1], "admin") == 0)
		status = cmd_admin_add(&db, &opts);
	else if (strcmp(argv[1], "search-reindex") == 0)
		status = cmd_search_reindex(&db, &opts);
	else
		status = cmd_seed_demo(&db, &opts);
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
