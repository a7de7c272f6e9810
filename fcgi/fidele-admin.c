/*
 * fidele-admin: the hosting provider's command line. It reads the same
 * configuration file as the programs. Its commands are the table at the
 * end of this file (words, handler, what it needs, help): "fidele-admin
 * --help" lists them, "fidele-admin COMMAND --help" tells one. The
 * provider's hold on a shop (shops, show, disable, enable, delete, limits)
 * is in fidele-admin-shops.c, the installation's check-up in
 * fidele-admin-doctor.c.
 *
 * Exit status (fidele-admin.h): 0 done, 1 failed (database, files, a
 * delete not confirmed, a doctor check not OK), 2 bad arguments.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fidele-admin.h"
#include "lib/settings.h"
#include "lib/context.h"
#include "lib/crypto.h"
#include "lib/customer.h"
#include "lib/db.h"
#include "lib/keyauth.h"
#include "lib/log.h"
#include "lib/mail.h"
#include "lib/core_sql.h"
#include "lib/text.h"
#include "lib/token.h"
#include "import-job.h"
#include "retention.h"
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
	SQL_ADMIN_ID,
	SQL_CUSTOMER_ID,
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
	/* with the admin's own language, for their mails (sql/034) */
	[SQL_ADMIN_ID] = { .sql =
	    "SELECT id, language FROM admin WHERE shop_id = ? AND email = ? AND disabled_at IS NULL" },
	[SQL_CUSTOMER_ID] = { .sql =
	    "SELECT id FROM customer WHERE shop_id = ? AND email = ? AND erased_at IS NULL" },
};

/* The worker's jobs (fidele-worker runs them). */
enum job_sql {
	SQL_JOB_ADD,
	SQL_JOB_LIST,
	SQL_JOB_CANCEL,
	SQL_IMPORT_ADMIN,
	JOB_SQL__MAX
};

static struct db_query job_sql[JOB_SQL__MAX] = {
	[SQL_JOB_ADD] = { .sql = "INSERT INTO job (shop_id, kind) VALUES (?, ?)" },
	/* the provider's view: every shop's jobs, newest first */
	[SQL_JOB_LIST] = { .sql =
	    "SELECT j.id, j.kind, COALESCE(s.slug, '-'), j.state, j.progress,"
	    "       COALESCE(j.total, '-'), j.attempts, j.created_at"
	    "  FROM job j LEFT JOIN shop s ON s.id = j.shop_id"
	    " WHERE ? = '' OR j.state = ?"
	    " ORDER BY j.id DESC LIMIT 100" },
	/* a running job stops at its next heartbeat */
	[SQL_JOB_CANCEL] = { .sql =
	    "UPDATE job SET state = 'cancelled', finished_at = NOW()"
	    " WHERE id = ? AND state IN ('queued', 'running')" },
	/* an import's job acts for the admin who brought the file in */
	[SQL_IMPORT_ADMIN] = { .sql =
	    "SELECT COALESCE(admin_id, 0) FROM import WHERE id = ? AND shop_id = ?" },
};

/* A shop's API keys (the web store's signed requests, lib/keyauth.h). */
enum key_sql {
	SQL_KEY_ADD,
	SQL_KEY_LIST,
	SQL_KEY_REVOKE,
	KEY_SQL__MAX
};

static struct db_query key_sql[KEY_SQL__MAX] = {
	[SQL_KEY_ADD] = { .sql =
	    "INSERT INTO api_key (shop_id, public_id, name) VALUES (?, ?, ?)" },
	[SQL_KEY_LIST] = { .sql =
	    "SELECT public_id, IF(revoked_at IS NULL, 'live', 'revoked'), created_at,"
	    "       COALESCE(last_used_at, '-'), COALESCE(revoked_at, '-'), name"
	    "  FROM api_key WHERE shop_id = ? ORDER BY id" },
	/* the nonces go with the key's requests: nothing of it is kept */
	[SQL_KEY_REVOKE] = { .sql =
	    "UPDATE api_key SET revoked_at = NOW()"
	    " WHERE shop_id = ? AND public_id = ? AND revoked_at IS NULL" },
};

/* The kinds fidele-worker knows (its job_kinds table). */
static const char *const job_kinds[] = { "housekeeping", RETENTION_JOB_KIND, NULL };
static const char *const job_states[] = { "queued", "running", "done", "failed", "cancelled", NULL };

int
options_check(struct options *opts, const char *const *allowed)
{
	int i;

	for (i = 0; i < opts->count; i += 2) {
		const char *const *name;

		for (name = allowed; *name != NULL; name++)
			if (strcmp(opts->argv[i], *name) == 0)
				break;
		if (*name == NULL) {
			log_err("unknown option %s", opts->argv[i]);
			return -1;
		}
		if (i + 1 >= opts->count) {
			log_err("%s needs a value", opts->argv[i]);
			return -1;
		}
	}
	return 0;
}

int
flag_take(struct options *opts, const char *name)
{
	int i, given = 0;

	for (i = 0; i < opts->count; i++)
		if (strcmp(opts->argv[i], name) == 0) {
			memmove(&opts->argv[i], &opts->argv[i + 1],
			    (size_t)(opts->count - i - 1) * sizeof(*opts->argv));
			opts->count--;
			given = 1;
			i--;
		}
	return given;
}

const char *
option(struct options *opts, const char *name, const char *fallback)
{
	int i;

	for (i = 0; i + 1 < opts->count; i += 2)
		if (strcmp(opts->argv[i], name) == 0)
			return opts->argv[i + 1];
	return fallback;
}

const char *
required(struct options *opts, const char *name)
{
	const char *value = option(opts, name, NULL);

	if (value == NULL || *value == '\0')
		log_err("%s is required", name);
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

/* Fills customer_search from the customer rows of shop (all shops when 0)
 * through the customer writer's reindex: forced, at once; else only when
 * the index is empty while customers exist. Returns 0 or 1. */
static int
search_fill(struct db *db, long long shop, int force)
{
	long long done = customer_reindex(db, shop, force);

	if (done < 0) {
		log_err("cannot fill the customer search index");
		return 1;
	}
	if (done > 0 || force)
		printf("customer search index: %lld customers\n", done);
	return 0;
}

int
migrations_pending(struct db *db, HDF *config, const char *prefix)
{
	char dir[1024];
	struct dirent **entries;
	int count, i, pending = 0;

	snprintf(dir, sizeof(dir), "%s/sql", settings_data_dir(config));
	if (db_register(db, migrate_sql, MIGRATE_SQL__MAX) != 0)
		return -1;
	count = scandir(dir, &entries, is_migration, name_sort);
	if (count < 0) {
		log_err("cannot read %s", dir);
		return -1;
	}
	for (i = 0; i < count; i++) {
		int applied = pending < 0 ? 1 :
		    version_applied(db, strtol(entries[i]->d_name, NULL, 10));

		if (applied < 0)
			pending = -1;
		else if (applied == 0) {
			printf("%s%s\n", prefix, entries[i]->d_name);
			pending++;
		}
		free(entries[i]);
	}
	free(entries);
	return pending;
}

static int
cmd_migrate(struct db *db, HDF *config, struct options *opts)
{
	char dir[1024], path[1400];
	struct dirent **entries;
	int count, i, status = 0, applied_now = 0, refill = 0;

	if (opts->count > 0) {
		log_err("migrate takes no options");
		return ADMIN_EXIT_USAGE;
	}
	snprintf(dir, sizeof(dir), "%s/sql", settings_data_dir(config));
	if (db_run_script(db, version_table) != 0 ||
	    db_register(db, migrate_sql, MIGRATE_SQL__MAX) != 0)
		return 1;
	count = scandir(dir, &entries, is_migration, name_sort);
	if (count < 0) {
		log_err("cannot read %s", dir);
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
			log_err("cannot read %s", path);
			status = 1;
			continue;
		}
		printf("applying %s\n", entries[i]->d_name);
		params[0] = DB_INT(version);
		params[1] = DB_TEXT(entries[i]->d_name);
		if (db_run_script(db, sql) != 0 ||
		    db_exec(db, &migrate_sql[SQL_VERSION_ADD], params, 2) < 0) {
			log_err("migration %s failed", entries[i]->d_name);
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

long long
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
		log_err("no shop named %s", slug);
	return id;
}

long long
shop_option(struct db *db, struct options *opts, const char *const *allowed,
    struct db_query *table, size_t n, int *status)
{
	const char *slug;
	long long id;

	*status = ADMIN_EXIT_USAGE;
	if (options_check(opts, allowed) != 0 || (slug = required(opts, "--shop")) == NULL)
		return 0;
	*status = ADMIN_EXIT_FAILED;
	if (db_register(db, table, n) != 0 || (id = shop_id(db, slug)) <= 0)
		return 0;
	*status = ADMIN_EXIT_OK;
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
		log_err("--slug takes lowercase letters, digits and '-'");
		return 2;
	}
	if (strcmp(language, "fr") != 0 && strcmp(language, "en") != 0) {
		log_err("--language is fr or en");
		return 2;
	}
	if (strlen(currency) != 3) {
		log_err("--currency is a three-letter code such as EUR");
		return 2;
	}
	if (!text_is_clean_utf8(name, 0) || text_length(name) > 200) {
		log_err("--name must be UTF-8, at most 200 characters");
		return 2;
	}
	if (sender_email[0] != '\0' && !text_email_normalise(sender_email)) {
		log_err("--sender-email is not an e-mail address");
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
		log_err("a shop named %s already exists", slug);
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
		log_err("--host is a host name such as shop.example.org");
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
		log_err("host %s already belongs to a shop", host);
		return 1;
	}
	if (rows < 0)
		return 1;
	printf("host %s now serves shop %s\n", host, slug);
	return 0;
}

/* Reads one line from stdin without its newline. Returns 0 or -1. At a
 * terminal it asks for it, for whom, without showing what is typed. */
static int
read_password(const char *email, char *out, size_t size)
{
	struct termios before, quiet;
	int terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &before) == 0;
	char *line;
	size_t len;

	if (terminal) {
		/* quiet before the question: what is typed after it is kept */
		quiet = before;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fprintf(stderr, "Password for %s (10 characters or more): ", email);
		fflush(stderr);
	}
	line = fgets(out, (int)size, stdin);
	if (terminal) {
		tcsetattr(STDIN_FILENO, TCSANOW, &before);
		fputc('\n', stderr);
	}
	if (line == NULL)
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
		log_err("--email is not an e-mail address");
		return 2;
	}
	if (strcmp(role, "owner") != 0 && strcmp(role, "staff") != 0) {
		log_err("--role is owner or staff");
		return 2;
	}
	if (read_password(email, password, sizeof(password)) != 0 ||
	    text_length(password) < 10 || strlen(password) > 1024 ||
	    !text_is_clean_utf8(password, 0)) {
		log_err("give a password of 10 to 1024 characters on standard input");
		return 2;
	}
	if (crypto_password_guessable(password)) {
		log_err("this password is among the first an attacker tries (a run, a keyboard"
		    " row, a common word, a character repeated): choose another, for instance"
		    " three words that have nothing to do with each other");
		return 2;
	}
	id = shop_id(db, slug);
	if (id <= 0)
		return 1;
	hash = crypto_password_hash(password);
	if (hash == NULL) {
		log_err("cannot hash the password");
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
		log_err("%s is already an admin of %s", email, slug);
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
		log_err("--url is a site address such as https://clients.example.fr");
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

/* Reads --shop and --email (normalised into email, size bytes) and finds
 * the shop (*id, *slug). Returns 0, 2 for bad options or 1 for no such
 * shop, after saying why. */
static int
shop_and_email(struct db *db, struct options *opts, const char **slug, char *email, size_t size,
    long long *id)
{
	const char *email_arg;

	*slug = required(opts, "--shop");
	email_arg = required(opts, "--email");
	if (*slug == NULL || email_arg == NULL)
		return 2;
	snprintf(email, size, "%s", email_arg);
	if (!text_email_normalise(email)) {
		log_err("--email is not an e-mail address");
		return 2;
	}
	*id = shop_id(db, *slug);
	return *id <= 0 ? 1 : 0;
}

/* Prints a one-time link with which an admin chooses a password and signs
 * in: how a hosting provider hands a new shop to its owner. With --send
 * the link is mailed to the admin instead, through the outbox, as the
 * "forgot password" page does: the same token and mail functions, with a
 * shop context of the CLI's. */
static int
cmd_login_link(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--email", "--minutes", NULL };
	struct db_query *query;
	const char *slug;
	struct shop_context ctx;
	int send = flag_take(opts, "--send"), status;
	char email[256], base[300] = "", language[3] = "";
	struct db_param params[2];
	struct token_new token;
	long long id, admin_id = 0;
	long minutes;
	char *end;

	if (options_check(opts, allowed) != 0)
		return 2;
	minutes = strtol(option(opts, "--minutes", "10"), &end, 10);
	if (*end != '\0' || minutes < 1 || minutes > 4320) {
		log_err("--minutes is from 1 to 4320 (three days)");
		return 2;
	}
	if ((status = shop_and_email(db, opts, &slug, email, sizeof(email), &id)) != 0)
		return status;
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(email);
	query = &admin_sql[SQL_ADMIN_ID];
	if (db_exec(db, query, params, 2) < 0)
		return 1;
	if (db_fetch(query) == 1) {
		admin_id = db_int(query, 0);
		snprintf(language, sizeof(language), "%s", db_text(query, 1) ? db_text(query, 1) : "");
	}
	db_done(query);
	if (admin_id == 0) {
		log_err("%s is not an admin of %s (fidele-admin admin add)", email, slug);
		return 1;
	}
	/* the links start with the public URL, else the first host the shop
	 * answers on (context_for_shop) */
	if (context_for_shop(&ctx, db, config, id, ACTOR_CLI) != 1 ||
	    context_link_base(&ctx, base, sizeof(base)) != 0) {
		context_end(&ctx);
		return 1;
	}
	status = db_begin(db) != 0 ||
	    token_create(&ctx, "admin_password", 0, admin_id, 0, NULL, (int)minutes, &token) != 0;
	if (status == 0 && send) {
		struct mail mail = { "admin-reset", email, 0, admin_id };

		hdf_set_valuef(ctx.hdf, "Mail.Link=%s/admin/login/reset?token=%s", base, token.token);
		status = mail_queue_in(&ctx, &mail, language) != 0 ||
		    event_add(&ctx, 0, admin_id, "admin.link_mailed", "fidele-admin") != 0;
	}
	if (status == 0)
		status = db_commit(db) != 0;
	context_end(&ctx);
	if (status != 0) {
		db_rollback(db);
		return 1;
	}
	if (send)
		printf("login link mailed to %s\n", email);
	else
		printf("%s/admin/login/reset?token=%s\n", base, token.token);
	log_info("link valid for %ld minutes, once", minutes);
	return 0;
}

/* --- customers ---------------------------------------------------------- */

/* The customer --shop and --email name, and the shop's context to change
 * them in, for the commands about one customer. 0, or the exit status
 * (the reason said); ctx needs context_end only on 0. */
static int
cli_customer(struct db *db, HDF *config, struct options *opts, struct shop_context *ctx,
    const char **slug, char *email, size_t size, long long *customer_id)
{
	static const char *const allowed[] = { "--shop", "--email", NULL };
	struct db_query *query = &admin_sql[SQL_CUSTOMER_ID];
	struct db_param params[2];
	long long id;
	int status;

	if (options_check(opts, allowed) != 0)
		return 2;
	if ((status = shop_and_email(db, opts, slug, email, size, &id)) != 0)
		return status;
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(email);
	if (db_exec(db, query, params, 2) < 0)
		return 1;
	*customer_id = db_fetch(query) == 1 ? db_int(query, 0) : 0;
	db_done(query);
	if (*customer_id == 0) {
		log_err("%s is not a customer of %s", email, *slug);
		return 1;
	}
	if (context_for_shop(ctx, db, config, id, ACTOR_CLI) != 1) {
		context_end(ctx);
		return 1;
	}
	return 0;
}

/* Erases a customer as the owner's "delete" does, through the same customer
 * writer: for a hosting provider who receives a person's request to be
 * forgotten. The timeline keeps "erased", by no admin. */
static int
cmd_customer_erase(struct db *db, HDF *config, struct options *opts)
{
	const char *slug;
	struct shop_context ctx;
	char email[256];
	long long customer_id;
	int status;

	if ((status = cli_customer(db, config, opts, &ctx, &slug, email, sizeof(email),
	    &customer_id)) != 0)
		return status;
	status = db_begin(db) != 0 ||
	    customer_change_one(&ctx, customer_id, CUSTOMER_ERASE, NULL) != CUSTOMER_OK ||
	    db_commit(db) != 0;
	context_end(&ctx);
	if (status != 0) {
		db_rollback(db);
		return 1;
	}
	printf("customer #%lld of %s erased\n", customer_id, slug);
	return 0;
}

/* Queues a test marketing mail (templates/mail/marketing-test.*) to a
 * customer, through mail_queue_marketing like every marketing mail: only
 * when they agreed to it, with List-Unsubscribe and the visible link. */
static int
cmd_marketing_test(struct db *db, HDF *config, struct options *opts)
{
	const char *slug;
	struct shop_context ctx;
	char email[256];
	long long customer_id;
	int status, queued = -1;

	if ((status = cli_customer(db, config, opts, &ctx, &slug, email, sizeof(email),
	    &customer_id)) != 0)
		return status;
	if (db_begin(db) == 0) {
		struct mail mail = { "marketing-test", email, customer_id, 0 };

		queued = mail_queue_marketing(&ctx, &mail);
	}
	status = queued == 0 ? db_commit(db) != 0 : 1;
	context_end(&ctx);
	if (status != 0) {
		db_rollback(db);
		if (queued == MAIL_NO_CONSENT)
			log_err("%s has not agreed to marketing mail: nothing queued", email);
		return 1;
	}
	printf("marketing test mail queued for %s\n", email);
	return 0;
}

/* --- retention ------------------------------------------------------------ */

static void
retention_print(void *data, const char *action, long long customer_id, const char *email,
    const char *last_active)
{
	(void)data;
	printf("%s #%lld %s (last active %s UTC)\n", action, customer_id, email, last_active);
}

/* Runs a shop's retention now, as the worker does every hour; a dry run
 * says who would be warned and who erased, and how many, changing
 * nothing. */
static int
cmd_retention(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	int dry_run = flag_take(opts, "--dry-run");
	struct retention_counts counts;
	struct shop_context ctx;
	const char *slug;
	long long id;
	int status;

	if (options_check(opts, allowed) != 0 || (slug = required(opts, "--shop")) == NULL)
		return 2;
	if ((id = shop_id(db, slug)) <= 0)
		return 1;
	if (context_for_shop(&ctx, db, config, id, ACTOR_CLI) != 1) {
		context_end(&ctx);
		return 1;
	}
	status = retention_run(&ctx, dry_run, retention_print, NULL, &counts) != 0;
	context_end(&ctx);
	if (status != 0)
		return 1;
	if (dry_run)
		printf("shop %s (dry run, nothing changed): %lld to erase, %lld to warn\n", slug,
		    counts.erased, counts.warned);
	else
		printf("shop %s: %lld erased, %lld warned, %lld came back\n", slug, counts.erased,
		    counts.warned, counts.cancelled);
	return 0;
}

/* --- seed-demo ----------------------------------------------------------- */


static int
cmd_seed_demo(struct db *db, HDF *config, struct options *opts)
{
	struct shop_context ctx;
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
		log_err("--customers is a number from 1 to 10000000");
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
		log_err("shop %s already has %lld customers; "
		    "seed-demo fills an empty shop", slug, existing);
		return 1;
	}
	if (db_exec(db, &admin_sql[SQL_BULK_ORDERS_ON], NULL, 0) < 0)
		return 1;
	if (context_for_shop(&ctx, db, config, id, ACTOR_CLI) != 1 || seed_demo(&ctx, count) != 0) {
		context_end(&ctx);
		return 1;
	}
	context_end(&ctx);
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

/* --- job ------------------------------------------------------------------ */

/* Whether word is one of list (NULL-ended). */
static int
one_of(const char *word, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/* Queues a job for fidele-worker. */
static int
cmd_job_add(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--kind", "--shop", NULL };
	struct db_param params[2];
	const char *kind, *slug;
	long long id = 0;

	if (options_check(opts, allowed) != 0)
		return 2;
	kind = required(opts, "--kind");
	if (kind == NULL)
		return 2;
	if (!one_of(kind, job_kinds)) {
		log_err("--kind is housekeeping or retention, not \"%s\"", kind);
		return 2;
	}
	slug = option(opts, "--shop", NULL);
	if (slug != NULL && (id = shop_id(db, slug)) <= 0)
		return 1;
	params[0] = id > 0 ? DB_INT(id) : DB_NULL;
	params[1] = DB_TEXT(kind);
	if (db_exec(db, &job_sql[SQL_JOB_ADD], params, 2) < 0)
		return 1;
	printf("job %llu queued\n", db_insert_id(&job_sql[SQL_JOB_ADD]));
	return 0;
}

/* Lists the newest jobs, one a line: id kind shop state progress/total
 * attempts created. */
static int
cmd_job_list(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--state", NULL };
	struct db_query *list = &job_sql[SQL_JOB_LIST];
	struct db_param params[2];
	const char *state;

	if (options_check(opts, allowed) != 0)
		return 2;
	state = option(opts, "--state", "");
	if (*state != '\0' && !one_of(state, job_states)) {
		log_err("--state is queued, running, done, failed or cancelled");
		return 2;
	}
	params[0] = DB_TEXT(state);
	params[1] = DB_TEXT(state);
	if (db_exec(db, list, params, 2) < 0)
		return 1;
	while (db_fetch(list) == 1)
		printf("%s\t%s\t%s\t%s\t%s/%s\t%s\t%s\n", db_text(list, 0), db_text(list, 1),
		    db_text(list, 2), db_text(list, 3), db_text(list, 4), db_text(list, 5),
		    db_text(list, 6), db_text(list, 7));
	db_done(list);
	return 0;
}

/* Cancels a queued job, or stops a running one at its next heartbeat. */
static int
cmd_job_cancel(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--id", NULL };
	const char *text;
	char *end;
	long long id, rows;
	struct db_param param;

	if (options_check(opts, allowed) != 0)
		return 2;
	text = required(opts, "--id");
	if (text == NULL)
		return 2;
	id = strtoll(text, &end, 10);
	if (*text == '\0' || *end != '\0' || id <= 0) {
		log_err("--id is a job number, as job list shows");
		return 2;
	}
	param = DB_INT(id);
	rows = db_exec(db, &job_sql[SQL_JOB_CANCEL], &param, 1);
	if (rows < 0)
		return 1;
	if (rows == 0) {
		log_err("no queued or running job %lld", id);
		return 1;
	}
	printf("job %lld cancelled\n", id);
	return 0;
}

/* --- api-key -------------------------------------------------------------- */

/* Runs change (n params) and, when it changed a row, writes the event kind
 * with detail to the shop's audit trail, by the CLI, in one transaction.
 * Returns the rows changed (0: no event), or -1. */
static long long
key_event(struct db *db, HDF *config, long long shop, const char *kind, const char *detail,
    struct db_query *change, const struct db_param *params, size_t n)
{
	struct shop_context ctx;
	long long rows = -1;

	if (context_for_shop(&ctx, db, config, shop, ACTOR_CLI) == 1 && db_begin(db) == 0) {
		rows = db_exec(db, change, params, n);
		if (rows > 0 && (event_add(&ctx, 0, 0, kind, detail) != 0 || db_commit(db) != 0))
			rows = -1;
	}
	db_rollback(db);
	context_end(&ctx);
	return rows;
}

/* Makes an API key for a shop's web store and prints its id and secret.
 * The secret is derived from the installation's secret and the id
 * (keyauth_secret), never stored: it is shown here once. */
static int
cmd_key_create(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--name", NULL };
	char key_id[KEYAUTH_ID_LENGTH + 1], secret[KEYAUTH_SECRET_HEX + 1];
	char detail[KEYAUTH_ID_LENGTH + 1 + 1024];
	const char *slug, *name;
	struct db_param params[3];
	long long id;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	name = required(opts, "--name");
	if (slug == NULL || name == NULL)
		return 2;
	if (!text_is_clean_utf8(name, 0) || text_length(name) > 200) {
		log_err("--name must be one line of UTF-8, at most 200 characters");
		return 2;
	}
	if ((id = shop_id(db, slug)) <= 0)
		return 1;
	if (keyauth_id_new(key_id) != 0) {
		log_err("no random bytes for a key id");
		return 1;
	}
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(key_id);
	params[2] = DB_TEXT(name);
	snprintf(detail, sizeof(detail), "%s %s", key_id, name);
	if (key_event(db, config, id, "api_key_created", detail,
	    &key_sql[SQL_KEY_ADD], params, 3) != 1)
		return 1;
	keyauth_secret(settings_secret(config), key_id, secret);
	printf("key: %s\nsecret: %s\n", key_id, secret);
	log_info("API key \"%s\" of %s made: give the web store its key and secret; the"
	    " secret is not shown again", name, slug);
	return 0;
}

/* Lists a shop's keys, one a line: id state created last-used revoked name. */
static int
cmd_key_list(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", NULL };
	struct db_query *list = &key_sql[SQL_KEY_LIST];
	struct db_param param;
	const char *slug;
	long long id;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	if (slug == NULL)
		return 2;
	if ((id = shop_id(db, slug)) <= 0)
		return 1;
	param = DB_INT(id);
	if (db_exec(db, list, &param, 1) < 0)
		return 1;
	while (db_fetch(list) == 1)
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", db_text(list, 0), db_text(list, 1),
		    db_text(list, 2), db_text(list, 3), db_text(list, 4), db_text(list, 5));
	db_done(list);
	return 0;
}

/* Revokes a key of a shop: its next request gets 401. */
static int
cmd_key_revoke(struct db *db, HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--key", NULL };
	struct db_param params[2];
	const char *slug, *key_id;
	long long id, rows;

	if (options_check(opts, allowed) != 0)
		return 2;
	slug = required(opts, "--shop");
	key_id = required(opts, "--key");
	if (slug == NULL || key_id == NULL)
		return 2;
	if (!keyauth_id_ok(key_id)) {
		log_err("--key is a key id such as fk_0123456789abcdef01234567 (api-key list)");
		return 2;
	}
	if ((id = shop_id(db, slug)) <= 0)
		return 1;
	params[0] = DB_INT(id);
	params[1] = DB_TEXT(key_id);
	rows = key_event(db, config, id, "api_key_revoked", key_id, &key_sql[SQL_KEY_REVOKE],
	    params, 2);
	if (rows < 0)
		return 1;
	if (rows == 0) {
		log_err("%s is not a live key of %s (api-key list)", key_id, slug);
		return 1;
	}
	printf("key %s of %s revoked\n", key_id, slug);
	return 0;
}

/* --- main ------------------------------------------------------------------ */

/* Queues a preview, run or undo of a shop's import (the import pages do it
 * for the admin; a provider may need to start one again). */
static int
cmd_import_queue(struct db *db, struct options *opts)
{
	static const char *const allowed[] = { "--shop", "--id", "--action", NULL };
	struct db_query *query = &job_sql[SQL_IMPORT_ADMIN];
	struct db_param params[2];
	const char *slug, *text, *action_name;
	long long shop, id, admin = 0, job_id;
	int action, found;
	char *end;

	if (options_check(opts, allowed) != 0 || (slug = required(opts, "--shop")) == NULL ||
	    (text = required(opts, "--id")) == NULL ||
	    (action_name = required(opts, "--action")) == NULL)
		return 2;
	id = strtoll(text, &end, 10);
	if (*text == '\0' || *end != '\0' || id <= 0) {
		log_err("--id is an import number");
		return 2;
	}
	for (action = 0; action < IMPORT_ACTION__MAX; action++)
		if (strcmp(action_name, import_action_names[action]) == 0)
			break;
	if (action == IMPORT_ACTION__MAX) {
		log_err("--action is preview, run or undo");
		return 2;
	}
	if ((shop = shop_id(db, slug)) <= 0)
		return 1;
	params[0] = DB_INT(id);
	params[1] = DB_INT(shop);
	if (db_exec(db, query, params, 2) < 0)
		return 1;
	found = db_fetch(query);
	if (found == 1)
		admin = db_int(query, 0);
	db_done(query);
	if (found != 1) {
		log_err(found < 0 ? "database error" : "the shop has no import %lld", id);
		return 1;
	}
	if (db_begin(db) != 0 ||
	    (job_id = import_job_queue(db, shop, admin, id, (enum import_action)action)) <= 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return 1;
	}
	printf("job %lld queued\n", job_id);
	return 0;
}

/* --- the command table ------------------------------------------------------ */

/* What a command needs before it runs. */
enum command_needs {
	NEEDS_SCHEMA,	/* a connection with the statements of this file prepared */
	NEEDS_SCRIPTS,	/* a connection that runs multi-statement scripts (migrate) */
	NEEDS_CONFIG	/* the configuration only (doctor connects by itself) */
};

struct command {
	const char *words;	/* "shop host add": the words that name it */
	/* one of the three, by what the command reads */
	int (*run)(struct db *, HDF *, struct options *);
	int (*run_db)(struct db *, struct options *);
	int (*run_config)(HDF *, struct options *);	/* NEEDS_CONFIG */
	enum command_needs needs;
	const char *synopsis;	/* its options */
	const char *help;	/* what it does */
};

static const struct command commands[] = {
	{ "migrate", cmd_migrate, NULL, NULL, NEEDS_SCRIPTS, "",
	    "applies the migrations in sql/ not applied yet" },
	{ "doctor", NULL, NULL, cmd_doctor, NEEDS_CONFIG, "[--sockets DIR | --no-pools]",
	    "checks the installation, one line each: OK, or what to do (exit 1 when one is not OK);\n"
	    "the pools' sockets are looked for in DIR, else Pools.SocketDir, else /run/fidele,\n"
	    "and each is tried: a pool that died leaves its socket, that nobody answers;\n"
	    "--no-pools when Apache's mod_fcgid or plain CGI starts the programs" },
	{ "shops", cmd_shops, NULL, NULL, NEEDS_SCHEMA, "",
	    "lists the shops: customers, admins, hosts, mails waiting and failed, open or disabled" },
	{ "shop show", cmd_shop_show, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG",
	    "shows one shop: hosts, counts, state, limits" },
	{ "shop add", NULL, cmd_shop_add, NULL, NEEDS_SCHEMA,
	    "--slug SLUG --name NAME [--language fr|en] [--currency EUR]"
	    " [--sender-name NAME] [--sender-email ADDRESS]",
	    "creates a shop" },
	{ "shop host add", NULL, cmd_host_add, NULL, NEEDS_SCHEMA, "--shop SLUG --host HOST",
	    "makes the shop answer on a host name" },
	{ "shop host remove", cmd_host_remove, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --host HOST",
	    "stops the shop answering on a host name (not its last: add the new one first)" },
	{ "shop set-url", NULL, cmd_set_url, NULL, NEEDS_SCHEMA, "--shop SLUG --url https://HOST",
	    "sets where the shop's mailed links point" },
	{ "shop disable", cmd_shop_disable, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG",
	    "closes the shop: every page of it (and its API) answers \"temporarily closed\"\n"
	    "(503), its mail and jobs wait" },
	{ "shop enable", cmd_shop_enable, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG",
	    "opens a disabled shop again: its waiting mail leaves, its jobs run" },
	{ "shop delete", cmd_shop_delete, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG [--yes]",
	    "deletes the shop and all its data, in batches; says what it deletes, then asks\n"
	    "for the slug again on standard input (--yes: no question, for scripts)" },
	{ "limits", cmd_limits, NULL, NULL, NEEDS_SCHEMA,
	    "--shop SLUG [--customers N|none] [--mails-per-day N|none] [--upload-mb N|none]",
	    "sets the shop's limits: most customers (new ones are refused past it), mails a\n"
	    "day (past it, mail but sign-in links waits until the next day), largest import\n"
	    "upload in MiB; none removes one" },
	{ "admin add", NULL, cmd_admin_add, NULL, NEEDS_SCHEMA,
	    "--shop SLUG --email ADDRESS [--name NAME] [--role owner|staff]",
	    "adds an admin to a shop (reads the password from standard input)" },
	{ "admin list", cmd_admin_list, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG",
	    "lists a shop's admins: role, enabled or disabled, last sign-in" },
	{ "admin disable", cmd_admin_disable, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --email ADDRESS",
	    "disables an admin who left: signed out everywhere, mailed links dead, history kept\n"
	    "(not the shop's last owner: make or add another owner first)" },
	{ "admin enable", cmd_admin_enable, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --email ADDRESS",
	    "enables a disabled admin again" },
	{ "admin role", cmd_admin_role, NULL, NULL, NEEDS_SCHEMA,
	    "--shop SLUG --email ADDRESS --role owner|staff",
	    "makes an admin an owner (the owners' pages: team, settings, mailings, API keys)\n"
	    "or staff (not the shop's last owner: make another owner first)" },
	{ "login-link", cmd_login_link, NULL, NULL, NEEDS_SCHEMA,
	    "--shop SLUG --email ADDRESS [--minutes N] [--send]",
	    "prints an admin's sign-in link (--send mails it to the admin instead)" },
	{ "customer erase", cmd_customer_erase, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --email ADDRESS",
	    "forgets a customer (a person's request to be forgotten)" },
	{ "mail marketing-test", cmd_marketing_test, NULL, NULL, NEEDS_SCHEMA,
	    "--shop SLUG --email ADDRESS",
	    "a test of the shop's marketing mail, with its unsubscribe link, to a customer\n"
	    "who agreed to marketing mail" },
	{ "retention", cmd_retention, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG [--dry-run]",
	    "warns, then forgets, the customers inactive for the shop's retention months;\n"
	    "--dry-run says who, changing nothing" },
	{ "seed-demo", cmd_seed_demo, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --customers N",
	    "adds N demo customers" },
	{ "search-reindex", NULL, cmd_search_reindex, NULL, NEEDS_SCHEMA, "[--shop SLUG]",
	    "rebuilds the customer search index (after changing customers with SQL)" },
	{ "job add", NULL, cmd_job_add, NULL, NEEDS_SCHEMA, "--kind housekeeping|retention [--shop SLUG]",
	    "queues a job for fidele-worker" },
	{ "job list", NULL, cmd_job_list, NULL, NEEDS_SCHEMA,
	    "[--state queued|running|done|failed|cancelled]", "lists the newest jobs" },
	{ "job cancel", NULL, cmd_job_cancel, NULL, NEEDS_SCHEMA, "--id N", "cancels a job" },
	{ "import queue", NULL, cmd_import_queue, NULL, NEEDS_SCHEMA,
	    "--shop SLUG --id N --action preview|run|undo",
	    "queues an import's preview, run or undo (for the admin who brought the file in)" },
	{ "api-key create", cmd_key_create, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --name NAME",
	    "makes an API key: prints it and its secret, once" },
	{ "api-key list", NULL, cmd_key_list, NULL, NEEDS_SCHEMA, "--shop SLUG", "lists a shop's API keys" },
	{ "api-key revoke", cmd_key_revoke, NULL, NULL, NEEDS_SCHEMA, "--shop SLUG --key ID",
	    "revokes an API key" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static const char exit_codes[] =
    "exit status: 0 done, 1 failed (database, files, a delete not confirmed,\n"
    "             a doctor check not OK), 2 bad arguments\n";

/* How many of argv's words (from argv[1]) name command, or 0. */
static int
command_matches(const struct command *command, int argc, char **argv)
{
	const char *word = command->words;
	int used = 0;

	while (*word != '\0') {
		size_t len = strcspn(word, " ");

		if (used + 1 >= argc || strlen(argv[used + 1]) != len ||
		    strncmp(argv[used + 1], word, len) != 0)
			return 0;
		used++;
		word += len;
		word += *word == ' ';
	}
	return used;
}

/* The command argv names (the one that takes most words), or NULL; *used
 * gets how many words. */
static const struct command *
command_find(int argc, char **argv, int *used)
{
	const struct command *found = NULL;
	size_t i;

	*used = 0;
	for (i = 0; i < COMMAND_COUNT; i++) {
		int words = command_matches(&commands[i], argc, argv);

		if (words > *used) {
			*used = words;
			found = &commands[i];
		}
	}
	return found;
}

static void
command_usage(const struct command *command, FILE *out)
{
	fprintf(out, "usage: fidele-admin %s%s%s\n\n%s\n\n%s", command->words,
	    *command->synopsis ? " " : "", command->synopsis, command->help, exit_codes);
}

static void
usage(FILE *out)
{
	size_t i;

	fputs("usage: fidele-admin COMMAND [OPTIONS]   (fidele-admin COMMAND --help tells one)\n\n"
	    "commands:\n", out);
	for (i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-20s %s\n", commands[i].words, commands[i].synopsis);
	fprintf(out, "\n%s", exit_codes);
}

int
main(int argc, char **argv)
{
	struct options opts = { 0, NULL };
	const struct command *command;
	struct db db;
	HDF *config;
	int status, used, i;

	log_program("fidele-admin");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? ADMIN_EXIT_USAGE : ADMIN_EXIT_OK;
	}
	command = command_find(argc, argv, &used);
	if (command == NULL) {
		log_err("unknown command %s", argv[1]);
		usage(stderr);
		return ADMIN_EXIT_USAGE;
	}
	opts.count = argc - 1 - used;
	opts.argv = argv + 1 + used;
	for (i = 0; i < opts.count; i++)
		if (strcmp(opts.argv[i], "--help") == 0 || strcmp(opts.argv[i], "-h") == 0) {
			command_usage(command, stdout);
			return ADMIN_EXIT_OK;
		}

	config = settings_load();
	if (config == NULL)
		return ADMIN_EXIT_FAILED;
	if (command->needs == NEEDS_CONFIG) {
		status = command->run_config(config, &opts);
		hdf_destroy(&config);
		return status;
	}
	if (settings_secret(config) == NULL) {
		hdf_destroy(&config);
		return ADMIN_EXIT_FAILED;
	}
	/* only migrate runs multi-statement scripts */
	if ((command->needs == NEEDS_SCRIPTS ? db_connect_for_scripts(&db, config) :
	    db_connect(&db, config)) != 0) {
		hdf_destroy(&config);
		return ADMIN_EXIT_FAILED;
	}
	if (command->needs == NEEDS_SCHEMA &&
	    (db_register(&db, admin_sql, ADMIN_SQL__MAX) != 0 ||
	    db_register(&db, core_sql, CORE_SQL__MAX) != 0 ||
	    db_register(&db, job_sql, JOB_SQL__MAX) != 0 ||
	    db_register(&db, key_sql, KEY_SQL__MAX) != 0)) {
		log_err("the schema is missing or old: run fidele-admin migrate");
		db_close(&db);
		hdf_destroy(&config);
		return ADMIN_EXIT_FAILED;
	}
	/* on a cluster, the command sees what the web servers wrote through
	 * other nodes until now */
	db_catch_up(&db);
	status = command->run != NULL ? command->run(&db, config, &opts) :
	    command->run_db(&db, &opts);
	db_close(&db);
	hdf_destroy(&config);
	return status;
}
