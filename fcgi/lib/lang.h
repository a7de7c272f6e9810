/*
 * The languages Fidèle speaks, and their codes ("fr", "en"): the name of
 * each lang/<code>.hdf and of the HTML lang attribute.
 */
#ifndef FIDELE_LANG_H
#define FIDELE_LANG_H

#include "clearsilver.h"

enum lang {
	LANG_FR,	/* lang/fr.hdf, the default */
	LANG_EN,	/* lang/en.hdf */
	LANG__MAX
};

/* The code of each language, indexed by enum lang. */
extern const char *const lang_codes[LANG__MAX];

/* Reads lang/<code>.hdf of data_dir into a new tree *base (the caller's:
 * hdf_destroy) as Lang_<code>, for every language Fidèle speaks.
 * Returns 0, or -1 after logging. */
int lang_load(HDF **base, const char *data_dir);

#endif
