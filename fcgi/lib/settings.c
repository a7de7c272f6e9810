/*
 * Configuration loading: one HDF file, read once per process.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "settings.h"

#ifndef FIDELE_SYSCONFDIR
#define FIDELE_SYSCONFDIR "/etc/fidele"
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

HDF *
settings_load(void)
{
	const char *path = getenv("FIDELE_CONFIG");
	HDF *config = NULL;
	NEOERR *err;

	if (path == NULL || *path == '\0')
		path = FIDELE_SYSCONFDIR "/fidele.hdf";
	err = hdf_init(&config);
	if (err == STATUS_OK)
		err = hdf_read_file(config, path);
	if (err != STATUS_OK) {
		log_err("cannot read configuration %s", path);
		cs_log_error("config", err);
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
