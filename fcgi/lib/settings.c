/*
 * Configuration loading: one HDF file, read once per process, and the
 * checks every program makes on it before it starts.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "settings.h"

#ifndef FIDELE_SYSCONFDIR
#define FIDELE_SYSCONFDIR "/etc/fidele"
#endif
#ifndef FIDELE_SPOOLDIR
#define FIDELE_SPOOLDIR "/var/spool/fidele"
#endif
#ifndef FIDELE_DATADIR
#define FIDELE_DATADIR "/usr/share/fidele"
#endif

void
cs_log_error(const char *context, NEOERR *err)
{
	STRING text;

	string_init(&text);
	nerr_error_traceback(err, &text);
	log_err("%s: %s", context, text.buf ? text.buf : "?");
	string_clear(&text);
	nerr_ignore(&err);
}

const char *
settings_path(void)
{
	const char *path = getenv("FIDELE_CONFIG");

	return path != NULL && *path != '\0' ? path : FIDELE_SYSCONFDIR "/fidele.hdf";
}

HDF *
settings_load(void)
{
	const char *path = settings_path();
	HDF *config = NULL;
	struct stat st;
	NEOERR *err;

	/* it holds the database password and the secret (fidele-admin doctor
	 * says the same) */
	if (stat(path, &st) == 0 && (st.st_mode & S_IROTH))
		log_warn("configuration %s is readable by every user of the server:"
		    " chmod o-rwx %s", path, path);
	/* what a provider can act on, not the library's traceback: the file
	 * missing or unreadable (and which variable names it), or the line
	 * it cannot parse */
	if (access(path, R_OK) != 0) {
		int missing = errno == ENOENT;

		log_err("cannot read configuration %s: %s (%s)", path, strerror(errno), missing ?
		    "FIDELE_CONFIG names another file; fidele.hdf.example shows what it holds" :
		    "it is root's, group fidele, mode 0640: run this as root or as a member of"
		    " group fidele");
		return NULL;
	}
	err = hdf_init(&config);
	if (err == STATUS_OK)
		err = hdf_read_file(config, path);
	if (err != STATUS_OK) {
		STRING text;

		string_init(&text);
		nerr_error_string(err, &text);
		log_err("cannot read configuration %s: %s", path, text.buf ? text.buf : "?");
		string_clear(&text);
		nerr_ignore(&err);
		hdf_destroy(&config);
		return NULL;
	}
	return config;
}

const char *
settings_data_dir(HDF *config)
{
	return hdf_get_value(config, "Paths.Data", FIDELE_DATADIR);
}

const char *
settings_spool_dir(HDF *config)
{
	return hdf_get_value(config, "Spool.Dir", FIDELE_SPOOLDIR);
}

/* Values shipped in fidele.hdf.example and the README over time: an
 * installation that kept one signs its tokens with a key anyone can read,
 * the same as every other installation that kept it. Any value starting
 * with one of these counts. */
static const char *const secret_placeholders[] = {
	"change-me",
	"changeme",
	"replace-me",
	"your-secret",
};

#define SECRET_MIN 32

static int
secret_is_placeholder(const char *secret)
{
	size_t i;

	for (i = 0; i < sizeof(secret_placeholders) / sizeof(secret_placeholders[0]); i++)
		if (strncasecmp(secret, secret_placeholders[i], strlen(secret_placeholders[i])) == 0)
			return 1;
	return 0;
}

const char *
settings_secret_problem(HDF *config)
{
	const char *secret = hdf_get_value(config, "Security.Secret", NULL);

	if (secret == NULL || *secret == '\0')
		return "is not set";
	if (secret_is_placeholder(secret))
		return "is still the example's placeholder";
	if (strlen(secret) < SECRET_MIN)
		return "is shorter than 32 characters";
	return NULL;
}

const char *
settings_secret(HDF *config)
{
	const char *secret = hdf_get_value(config, "Security.Secret", NULL);
	const char *why = settings_secret_problem(config);

	if (why != NULL) {
		log_err("Security.Secret %s in the configuration: set it to the"
		    " output of \"openssl rand -hex 32\"", why);
		return NULL;
	}
	return secret;
}
