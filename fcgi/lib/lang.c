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

/* The folder of lang/ for the languages read at their first use (set by
 * lang_load_on_use: one per process, from its configuration). */
static const char *on_use_dir;

/* Reads lang/<code>.hdf of data_dir into base as Lang_<code>. */
static int
lang_read(HDF *base, int lang, const char *data_dir)
{
	char path[1024], name[16];
	HDF *node;
	NEOERR *err;

	snprintf(path, sizeof(path), "%s/lang/%s.hdf", data_dir, lang_codes[lang]);
	snprintf(name, sizeof(name), "Lang_%s", lang_codes[lang]);
	err = hdf_get_node(base, name, &node);
	if (err == STATUS_OK)
		err = hdf_read_file(node, path);
	if (err != STATUS_OK) {
		cs_log_error(path, err);
		return -1;
	}
	return 0;
}

int
lang_load(HDF **base, const char *data_dir)
{
	int i;

	if (hdf_init(base) != STATUS_OK)
		return -1;
	for (i = 0; i < LANG__MAX; i++)
		if (lang_read(*base, i, data_dir) != 0)
			return -1;
	return 0;
}

int
lang_load_on_use(HDF **base, const char *data_dir)
{
	on_use_dir = data_dir;
	return hdf_init(base) == STATUS_OK ? 0 : -1;
}

HDF *
lang_tree(HDF *base, int lang)
{
	char name[16];
	HDF *node;

	snprintf(name, sizeof(name), "Lang_%s", lang_codes[lang]);
	node = hdf_get_obj(base, name);
	if (node == NULL && on_use_dir != NULL && lang_read(base, lang, on_use_dir) == 0)
		node = hdf_get_obj(base, name);
	return node;
}

void
lang_link(HDF *base, int lang)
{
	char target[16];

	lang_tree(base, lang);
	snprintf(target, sizeof(target), "Lang_%s", lang_codes[lang]);
	hdf_set_symlink(base, "Lang", target);
}
