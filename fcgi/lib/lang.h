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

/* The language of a code ("fr"), or -1 for NULL or a code it is not. */
int lang_from_code(const char *code);

/* The top-level sections of a language file that the core's pages,
 * mails and messages use (layout.cs, error.cs, macros.cs, fcgi/lib/),
 * read for every program. A web program reads these and the sections
 * its fcgi/<program>.site.hdf names (Lang): the whole files were 530 KB
 * of tree per language, 1.2 of the 14.4 ms of login's plain-CGI start.
 * tests/web/test_lang.py checks both lists against the code. */
#define LANG_CORE_SECTIONS "Plural Typo Nav Error Notice Mail Consent Unsubscribe"

/* Reads lang/<code>.hdf of data_dir into a new tree *base (the caller's:
 * hdf_destroy) as Lang_<code>, for every language Fidèle speaks: the
 * whole files when sections is NULL, else LANG_CORE_SECTIONS and the
 * space-separated sections named. Returns 0, or -1 after logging. */
int lang_load(HDF **base, const char *data_dir, const char *sections);

/* Makes *base, a new tree (the caller's: hdf_destroy), where each
 * language is read from data_dir at its first use (lang_tree), with
 * sections as for lang_load: a program run as plain CGI answers one
 * request, in one language mostly, and reading both files cost a quarter
 * of its start. Returns 0 or -1. */
int lang_load_on_use(HDF **base, const char *data_dir, const char *sections);

/* Lang_<code> of base, read first if base was made by lang_load_on_use
 * and the language is not read yet; NULL (logged) if its file is not
 * readable. */
HDF *lang_tree(HDF *base, int lang);

/* Reads every language of base now that lang_load_on_use would read at
 * its first use: for an answer that must take as long whatever language
 * its mail is in (an address must not be told from another by its
 * owner's language). Nothing to do after lang_load. */
void lang_read_all(HDF *base);

/* Links Lang of base to Lang_<code>, read first if need be (lang_tree). */
void lang_link(HDF *base, int lang);

#endif
