/*
 * The languages Fidèle speaks, and their codes ("fr", "en"): the name of
 * each lang/<code>.hdf and of the HTML lang attribute.
 */
#ifndef FIDELE_LANG_H
#define FIDELE_LANG_H

enum lang {
	LANG_FR,	/* lang/fr.hdf, the default */
	LANG_EN,	/* lang/en.hdf */
	LANG__MAX
};

/* The code of each language, indexed by enum lang. */
extern const char *const lang_codes[LANG__MAX];

#endif
