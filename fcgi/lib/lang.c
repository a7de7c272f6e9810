/*
 * The languages Fidèle speaks (lang.h): their codes, and their files.
 */
#include <config.h>

#include <stdio.h>

#include "lang.h"

const char *const lang_codes[LANG__MAX] = {
	[LANG_FR] = "fr",
	[LANG_EN] = "en",
};

int
lang_load(HDF **base, const char *data_dir)
{
	char path[1024], name[16];
	NEOERR *err = hdf_init(base);
	int i;

	for (i = 0; i < LANG__MAX && err == STATUS_OK; i++) {
		HDF *node;

		snprintf(path, sizeof(path), "%s/lang/%s.hdf", data_dir, lang_codes[i]);
		snprintf(name, sizeof(name), "Lang_%s", lang_codes[i]);
		err = hdf_get_node(*base, name, &node);
		if (err == STATUS_OK)
			err = hdf_read_file(node, path);
		if (err != STATUS_OK)
			cs_log_error(path, err);
	}
	return err == STATUS_OK ? 0 : -1;
}
