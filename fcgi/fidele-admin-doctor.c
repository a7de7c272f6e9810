/*
 * fidele-admin doctor: the installation's check-up, for the provider after
 * an install or when something is wrong. One line per check, "OK ..." or
 * "PROBLEM ...: what to do"; exit 1 when one is not OK. It needs only a
 * readable configuration: the database is one of its checks.
 */
#include <config.h>

#include <curl/curl.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "fidele-admin.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/mailer_proto.h"
#include "lib/settings.h"

/* The estimated entropy below which a secret is weak: 32 random hex
 * characters ("openssl rand -hex 16") give about 110 bits by this count,
 * 64 ("openssl rand -hex 32", what the example says) about 230. */
#define SECRET_MIN_BITS 100.0

/* The pools whose sockets the web server talks to (Makefile.am's
 * fideleprog_PROGRAMS, as spawn-fcgi.sh and fidele@.service name them). */
static const char *const pools_named[] = { "login", "signup", "customers", "groups", "import",
	"export", NULL };

/* A worker heard from less than this long ago is running (it says so
 * every 2 seconds, and takes another for dead after 15: a long SMTP
 * exchange may hold it longer) */
#define WORKER_QUIET_SECONDS 60

enum doctor_sql {
	SQL_LOCAL_INFILE,
	SQL_WORKER,
	DOCTOR_SQL__MAX
};

static struct db_query doctor_sql[DOCTOR_SQL__MAX] = {
	[SQL_LOCAL_INFILE] = { .sql = "SELECT @@GLOBAL.local_infile" },
	/* the last heartbeat of any worker (NULL: none ever ran), and what
	 * waits for one: mail due now, jobs not started */
	[SQL_WORKER] = { .sql =
	    "SELECT TIMESTAMPDIFF(SECOND, MAX(heartbeat_at), NOW()),"
	    "       (SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND next_attempt_at <= NOW()),"
	    "       (SELECT COUNT(*) FROM job WHERE state = 'queued')"
	    "  FROM worker" },
};

static int problems;

static void
ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
ok(const char *fmt, ...)
{
	va_list ap;

	fputs("OK       ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void
problem(const char *fmt, ...)
{
	va_list ap;

	problems++;
	fputs("PROBLEM  ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* The configuration holds the database password and the secret. */
static void
check_config(void)
{
	const char *path = settings_path();
	struct stat st;

	if (stat(path, &st) != 0) {
		problem("configuration %s: %s", path, strerror(errno));
		return;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH))
		problem("configuration %s is %s by every user of the server (mode %04o):"
		    " chmod 640 %s (owner root, group of the programs' user)", path,
		    st.st_mode & S_IWOTH ? "writable" : "readable",
		    (unsigned)(st.st_mode & 07777), path);
	else if (st.st_mode & S_IWGRP)
		problem("configuration %s is writable by its group (mode %04o): chmod 640 %s",
		    path, (unsigned)(st.st_mode & 07777), path);
	else
		ok("configuration %s is readable and private (mode %04o)", path,
		    (unsigned)(st.st_mode & 07777));
}

/* Bits of entropy of secret by the frequency of its characters. */
static double
secret_bits(const char *secret)
{
	size_t counts[256] = { 0 }, len = strlen(secret), i;
	double bits = 0;

	for (i = 0; i < len; i++)
		counts[(unsigned char)secret[i]]++;
	for (i = 0; i < 256; i++)
		if (counts[i] > 0) {
			double p = (double)counts[i] / (double)len;

			bits -= p * log2(p);
		}
	return bits * (double)len;
}

static void
check_secret(HDF *config)
{
	const char *why = settings_secret_problem(config);
	double bits;

	if (why != NULL) {
		problem("Security.Secret %s: set it to the output of \"openssl rand -hex 32\"", why);
		return;
	}
	bits = secret_bits(hdf_get_value(config, "Security.Secret", ""));
	if (bits < SECRET_MIN_BITS)
		problem("Security.Secret is weak (about %.0f bits): set it to the output of"
		    " \"openssl rand -hex 32\"", bits);
	else
		ok("Security.Secret is strong (%zu characters, about %.0f bits)",
		    strlen(hdf_get_value(config, "Security.Secret", "")), bits);
}

/* Whether a worker runs: without one no mail leaves (sign-in links
 * included) and no import, export or bulk change starts, and no page
 * says why. */
static void
check_worker(struct db *db)
{
	struct db_query *worker = &doctor_sql[SQL_WORKER];
	long long quiet, mails, jobs;

	if (db_exec(db, worker, NULL, 0) < 0 || db_fetch(worker) != 1) {
		db_done(worker);
		problem("worker: cannot read its heartbeat (see the error above)");
		return;
	}
	quiet = db_text(worker, 0) != NULL ? db_int(worker, 0) : -1;
	mails = db_int(worker, 1);
	jobs = db_int(worker, 2);
	db_done(worker);
	if (quiet >= 0 && quiet < WORKER_QUIET_SECONDS)
		ok("worker running (heard from %lld s ago); waiting for it: %lld mail%s, %lld job%s",
		    quiet, mails, mails == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s");
	else if (quiet < 0)
		problem("worker: none has ever run, so no mail leaves (sign-in links included) and"
		    " no job starts (%lld mail%s, %lld job%s waiting): systemctl enable --now"
		    " fidele-worker", mails, mails == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s");
	else
		problem("worker: silent for %lld minute%s, so no mail leaves (sign-in links"
		    " included) and no job starts (%lld mail%s, %lld job%s waiting):"
		    " systemctl restart fidele-worker, then read journalctl -u fidele-worker",
		    quiet / 60, quiet / 60 == 1 ? "" : "s", mails, mails == 1 ? "" : "s", jobs,
		    jobs == 1 ? "" : "s");
}

static void
check_database(HDF *config)
{
	struct db db, scripts;
	struct db_query *infile = &doctor_sql[SQL_LOCAL_INFILE];
	int pending;

	if (db_connect(&db, config) != 0) {
		problem("database: cannot connect with the Database section of the configuration"
		    " (see the error above)");
		return;
	}
	ok("database reachable");
	pending = migrations_pending(&db, config, "         not applied: ");
	if (pending < 0)
		problem("migrations: the schema is missing: run fidele-admin migrate");
	else if (pending > 0)
		problem("migrations: %d not applied: run fidele-admin migrate", pending);
	else
		ok("migrations current");
	/* the code never uses LOAD DATA LOCAL (MYSQL_OPT_LOCAL_INFILE stays
	 * off: DESIGN.md): a server that refuses it is right */
	if (db_register(&db, doctor_sql, DOCTOR_SQL__MAX) == 0 &&
	    db_exec(&db, infile, NULL, 0) >= 0 && db_fetch(infile) == 1)
		ok("LOAD DATA LOCAL is not used (the server has local_infile %s: either is fine)",
		    db_int(infile, 0) ? "ON" : "OFF");
	db_done(infile);
	if (pending == 0)
		check_worker(&db);
	db_close(&db);
	/* only fidele-admin migrate sends multi-statement scripts */
	if (db_connect_for_scripts(&scripts, config) != 0 ||
	    db_run_script(&scripts, "DO 1; DO 2") != 0)
		problem("multi-statements: the database refuses them, and fidele-admin migrate"
		    " needs them (the programs do not): allow them for the migrations' user");
	else
		ok("multi-statements work (only fidele-admin migrate uses them)");
	db_close(&scripts);
}

static void
check_spool(HDF *config)
{
	const char *dir = settings_spool_dir(config);
	char path[1200], *parent;
	struct stat st;
	int fd;

	/* the programs make it (0700) on the first upload when it is missing */
	if (stat(dir, &st) != 0 && errno == ENOENT) {
		snprintf(path, sizeof(path), "%s", dir);
		parent = strrchr(path, '/');
		if (parent != NULL && parent != path)
			*parent = '\0';
		if (access(path, W_OK) == 0) {
			ok("spool %s is not made yet: the programs make it at the first upload"
			    " (%s is writable)", dir, path);
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/.doctor-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		problem("spool %s is not writable (%s): mkdir -p -m 700 %s, owned by the"
		    " programs' user (Spool.Dir)", dir, strerror(errno), dir);
		return;
	}
	close(fd);
	unlink(path);
	ok("spool %s is writable", dir);
}

static void
check_smtp(HDF *config)
{
	const char *url = hdf_get_value(config, "Mail.Smtp", "");
	const char *directory = hdf_get_value(config, "Mail.Directory", "");
	char mailer[PATH_MAX];
	CURL *curl;
	CURLcode code;

	if (*url == '\0') {
		if (*directory != '\0')
			ok("mail is written to %s (Mail.Directory: development only)", directory);
		else
			problem("Mail.Smtp is not set: mail waits in the database; set it to"
			    " smtp://HOST:587 or smtps://HOST:465");
		return;
	}
	curl = curl_easy_init();
	if (curl == NULL) {
		problem("SMTP: cannot start libcurl");
		return;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	if (hdf_get_value(config, "Mail.CaFile", NULL) != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, hdf_get_value(config, "Mail.CaFile", NULL));
	code = curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	if (code != CURLE_OK)
		problem("SMTP server %s is not reachable (%s): mail waits until it is",
		    url, curl_easy_strerror(code));
	else
		ok("SMTP server %s is reachable", url);
	if (mailer_find(mailer, sizeof(mailer)) != 0)
		problem("%s, which the worker sends the mail with, is missing: install Fidèle"
		    " again (the worker does not start without it)", mailer);
	else
		ok("%s sends the worker's mail", mailer);
}

/* Whether a pool answers on its socket: a pool that died leaves its socket
 * file behind, and only a connection tells. libfcgi takes a connection
 * closed before its first record as no request and waits for the next.
 * Returns 0 when it answers, else the errno of connect (EACCES: this user
 * may not try). */
static int
socket_answers(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	int fd, status = 0;

	if (strlen(path) >= sizeof(address.sun_path))
		return ENAMETOOLONG;
	strcpy(address.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0)
		status = errno;
	close(fd);
	return status;
}

/* A pool's socket: the web server's group reads and writes it, nobody
 * else may (any local user could send it requests as any shop: the shop
 * is a FastCGI parameter); and a pool answers on it. */
static void
check_sockets(HDF *config, const char *dir)
{
	const char *const *pool;
	char path[1200];
	struct stat st;
	int found = 0, refused;

	for (pool = pools_named; *pool != NULL; pool++) {
		snprintf(path, sizeof(path), "%s/%s.sock", dir, *pool);
		if (stat(path, &st) != 0)
			continue;
		found++;
		if (!S_ISSOCK(st.st_mode))
			problem("%s is not a socket: restart the pool fidele@%s", path, *pool);
		else if (st.st_mode & (S_IROTH | S_IWOTH))
			problem("socket %s is open to every user of the server (mode %04o):"
			    " any of them can send it requests as any shop; start the pool with"
			    " spawn-fcgi -M 0660 -G www-data (nginx-conf/fidele@.service)", path,
			    (unsigned)(st.st_mode & 07777));
		else if ((st.st_mode & (S_IRGRP | S_IWGRP)) != (S_IRGRP | S_IWGRP))
			problem("socket %s: the web server's group cannot use it (mode %04o):"
			    " start the pool with spawn-fcgi -M 0660 -G www-data", path,
			    (unsigned)(st.st_mode & 07777));
		else if ((refused = socket_answers(path)) != 0 && refused != EACCES)
			problem("socket %s: no pool answers (%s): it died; systemctl restart"
			    " fidele@%s, and see why in its log (journalctl -u fidele@%s)", path,
			    strerror(refused), *pool, *pool);
		else
			ok("socket %s (mode %04o)%s", path, (unsigned)(st.st_mode & 07777),
			    refused == EACCES ? ", not tried: run doctor as root to try it" :
			    ", a pool answers");
	}
	(void)config;
	if (found == 0) {
		problem("no pool socket in %s: start the pools (systemctl start fidele@login …),"
		    " or give their folder with --sockets DIR or Pools.SocketDir", dir);
		return;
	}
	/* some pools run: each one missing is a part of the site that answers
	 * 502 (an export, an import...) */
	for (pool = pools_named; *pool != NULL; pool++) {
		snprintf(path, sizeof(path), "%s/%s.sock", dir, *pool);
		if (stat(path, &st) != 0)
			problem("socket %s is missing: the pool of %s is not running and its pages"
			    " answer 502: systemctl start fidele@%s", path, *pool, *pool);
	}
}

/* --- PHP on the same server ------------------------------------------------------ */

/* Who a PHP process runs as: its user, its group and the user's other
 * groups (php-fpm and Apache take them all, initgroups). */
struct php_user {
	char what[1200];	/* "PHP-FPM pool [www] (/etc/php/...)", "Apache's mod_php" */
	uid_t uid;
	gid_t groups[64];
	int group_count;
};

/* Whether who may do what the bits of st allow: S_IWUSR for a socket
 * (connecting writes to it), S_IRUSR for a file to read. */
static int
php_may(const struct php_user *who, const struct stat *st, mode_t owner_bit)
{
	mode_t group_bit = owner_bit >> 3, other_bit = owner_bit >> 6;
	int i;

	if (st->st_mode & other_bit)
		return 1;
	if (who->uid == st->st_uid && (st->st_mode & owner_bit))
		return 1;
	for (i = 0; i < who->group_count; i++)
		if (who->groups[i] == st->st_gid && (st->st_mode & group_bit))
			return 1;
	return 0;
}

/* who as user (and group, NULL for the user's own): 0, or -1 when the
 * server has no such user or group (then php-fpm does not start it). */
static int
php_user_set(struct php_user *who, const char *user, const char *group)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = group != NULL && *group != '\0' ? getgrnam(group) : NULL;
	gid_t gid;

	if (pw == NULL || (group != NULL && *group != '\0' && gr == NULL))
		return -1;
	gid = gr != NULL ? gr->gr_gid : pw->pw_gid;
	who->uid = pw->pw_uid;
	who->group_count = (int)(sizeof(who->groups) / sizeof(who->groups[0]));
	if (getgrouplist(user, gid, who->groups, &who->group_count) < 0)
		who->group_count = (int)(sizeof(who->groups) / sizeof(who->groups[0]));
	return 0;
}

/* What who can reach of ours: the pools' sockets (socket, NULL without
 * pools) and the configuration (the database password and the secret).
 * Returns 1 when it reached one, with a PROBLEM line for each. */
static int
php_check(const struct php_user *who, const char *user, const char *socket,
    const struct stat *socket_st, const char *fix)
{
	const char *config = settings_path();
	struct stat st;
	int reached = 0;

	if (socket != NULL && php_may(who, socket_st, S_IWUSR)) {
		problem("%s runs as %s, who can connect to Fidèle's sockets (%s): a PHP script"
		    " on this server could send the programs requests from any address (past the"
		    " sign-in limits) and for any shop; %s", who->what, user, socket, fix);
		reached = 1;
	}
	if (stat(config, &st) == 0 && php_may(who, &st, S_IRUSR)) {
		problem("%s runs as %s, who can read the configuration %s (the database password"
		    " and the secret): a PHP script on this server could read every shop's"
		    " customers; %s", who->what, user, config, fix);
		reached = 1;
	}
	return reached;
}

/* Strips the spaces around text in place, and its quotes. */
static char *
php_trim(char *text)
{
	char *end;

	while (*text == ' ' || *text == '\t')
		text++;
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
	    end[-1] == '\r'))
		*--end = '\0';
	if (end - text >= 2 && (*text == '"' || *text == '\'') && end[-1] == *text) {
		end[-1] = '\0';
		text++;
	}
	return text;
}

/* One pool of a php-fpm pool file, ended at its next [section] or the
 * file's end: checked when it names its user. */
struct php_pool {
	char name[128], user[128], group[128];
};

static void
php_pool_end(const struct php_pool *pool, const char *path, const char *socket,
    const struct stat *socket_st, int *pools, int *reached)
{
	struct php_user who;
	const char *user = strcmp(pool->user, "$pool") == 0 ? pool->name : pool->user;
	const char *group = strcmp(pool->group, "$pool") == 0 ? pool->name : pool->group;

	if (*pool->name == '\0' || *user == '\0' || php_user_set(&who, user, group) != 0)
		return;
	(*pools)++;
	snprintf(who.what, sizeof(who.what), "PHP-FPM pool [%s] (%s)", pool->name, path);
	*reached |= php_check(&who, user, socket, socket_st, "give the pool a user of its own"
	    " (its user = and group = lines; listen.owner = www-data keeps the web server"
	    " talking to it) and restart php-fpm");
}

/* The pools of one php-fpm file. */
static void
php_pool_file(const char *path, const char *socket, const struct stat *socket_st,
    int *pools, int *reached)
{
	FILE *f = fopen(path, "r");
	struct php_pool pool = { "", "", "" };
	char line[1024], *text, *value;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		text = php_trim(line);
		if (*text == ';' || *text == '#' || *text == '\0')
			continue;
		if (*text == '[') {
			php_pool_end(&pool, path, socket, socket_st, pools, reached);
			memset(&pool, 0, sizeof(pool));
			snprintf(pool.name, sizeof(pool.name), "%.*s", (int)strcspn(text + 1, "]"),
			    text + 1);
			continue;
		}
		if ((value = strchr(text, '=')) == NULL)
			continue;
		*value++ = '\0';
		text = php_trim(text);
		value = php_trim(value);
		if (strcmp(text, "user") == 0)
			snprintf(pool.user, sizeof(pool.user), "%s", value);
		else if (strcmp(text, "group") == 0)
			snprintf(pool.group, sizeof(pool.group), "%s", value);
	}
	php_pool_end(&pool, path, socket, socket_st, pools, reached);
	fclose(f);
}

/* Apache's user, as its envvars file sets it (Debian's www-data when it
 * does not say). */
static void
apache_user(const char *dir, char *out, size_t size)
{
	char path[1200], line[512], *at;
	FILE *f;

	snprintf(out, size, "www-data");
	snprintf(path, sizeof(path), "%s/envvars", dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if ((at = strstr(line, "APACHE_RUN_USER=")) != NULL) {
			at = php_trim(at + strlen("APACHE_RUN_USER="));
			at[strcspn(at, " \t;")] = '\0';
			if (*at != '\0' && *at != '$')
				snprintf(out, size, "%s", at);
		}
	fclose(f);
}

/* PHP on the same server, the usual neighbour on a shared host: a PHP-FPM
 * pool, or Apache's mod_php, that runs as a user who can reach the pools'
 * sockets (Debian's www pool runs as www-data, the sockets' group) or read
 * the configuration (Apache's user does, when Apache starts the programs)
 * lets any PHP site on the server past Fidèle's doors. The pools' files are
 * Doctor.PhpPools (a glob), Apache's folder Doctor.ApacheDir. */
static void
check_php(HDF *config, const char *sockets)
{
	const char *pattern = hdf_get_value(config, "Doctor.PhpPools",
	    "/etc/php/*/fpm/pool.d/*.conf");
	const char *apache = hdf_get_value(config, "Doctor.ApacheDir", "/etc/apache2");
	const char *const *pool;
	char socket[1200], path[1200];
	struct stat socket_st = { 0 };
	const char *found = NULL;
	int pools = 0, reached = 0, mod_php = 0;
	glob_t files;
	size_t i;

	for (pool = pools_named; sockets != NULL && *pool != NULL && found == NULL; pool++) {
		snprintf(socket, sizeof(socket), "%s/%s.sock", sockets, *pool);
		if (stat(socket, &socket_st) == 0)
			found = socket;
	}
	if (glob(pattern, 0, NULL, &files) == 0) {
		for (i = 0; i < files.gl_pathc; i++)
			php_pool_file(files.gl_pathv[i], found, &socket_st, &pools, &reached);
		globfree(&files);
	}
	snprintf(path, sizeof(path), "%s/mods-enabled/php*.load", apache);
	if (glob(path, 0, NULL, &files) == 0) {
		struct php_user who;
		char user[128];

		mod_php = 1;
		apache_user(apache, user, sizeof(user));
		if (php_user_set(&who, user, NULL) == 0) {
			snprintf(who.what, sizeof(who.what), "Apache's mod_php (%s)", files.gl_pathv[0]);
			reached |= php_check(&who, user, found, &socket_st, "serve PHP through"
			    " PHP-FPM pools with users of their own (a2dismod php8.2; a2enconf"
			    " php8.2-fpm)");
		}
		globfree(&files);
	}
	if (reached)
		return;
	if (pools == 0 && !mod_php)
		ok("no PHP-FPM pool or mod_php found (%s, %s/mods-enabled)", pattern, apache);
	else
		ok("PHP: %d PHP-FPM pool%s%s, none can reach Fidèle's sockets or read its"
		    " configuration", pools, pools == 1 ? "" : "s", mod_php ? " and mod_php" : "");
}

int
cmd_doctor(HDF *config, struct options *opts)
{
	static const char *const allowed[] = { "--sockets", NULL };
	const char *sockets;
	/* Apache's mod_fcgid, or mod_cgid for plain CGI, starts the programs
	 * itself: there are no pools, and no socket of ours to check */
	int no_pools = flag_take(opts, "--no-pools");

	if (options_check(opts, allowed) != 0)
		return ADMIN_EXIT_USAGE;
	if (no_pools && option(opts, "--sockets", NULL) != NULL) {
		log_err("--no-pools and --sockets exclude each other");
		return ADMIN_EXIT_USAGE;
	}
	sockets = option(opts, "--sockets",
	    hdf_get_value(config, "Pools.SocketDir", "/run/fidele"));
	problems = 0;
	check_config();
	check_secret(config);
	check_database(config);
	check_spool(config);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	check_smtp(config);
	curl_global_cleanup();
	if (no_pools)
		ok("no pools to check: the web server starts the programs (--no-pools)");
	else
		check_sockets(config, sockets);
	check_php(config, no_pools ? NULL : sockets);
	if (problems > 0)
		printf("%d problem%s\n", problems, problems > 1 ? "s" : "");
	return problems > 0 ? ADMIN_EXIT_FAILED : ADMIN_EXIT_OK;
}
