/*
 * Unit tests for fcgi/lib/lang.c: the language files read whole, or only
 * the core's sections and those a program names (its site.hdf's Lang),
 * at start or at a language's first use.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "../../fcgi/lib/lang.h"
#include "tap.h"

static int
has(HDF *hdf, const char *name)
{
	return hdf_get_obj(hdf, name) != NULL;
}

int
main(void)
{
	const char *top = getenv("FIDELE_SRCDIR");
	char srcdir[1024];
	HDF *hdf = NULL;

	snprintf(srcdir, sizeof(srcdir), "%s", top != NULL ? top : ".");

	ok(lang_load(&hdf, srcdir, NULL) == 0, "the whole files are read");
	ok(has(hdf, "Lang_en.Customers") && has(hdf, "Lang_fr.Import") &&
	    has(hdf, "Lang_fr.ImportJob"), "whole: every section, in both languages");
	hdf_destroy(&hdf);

	ok(lang_load(&hdf, srcdir, "Login Import") == 0, "two sections are read");
	is_str(hdf_get_value(hdf, "Lang_en.Login.Title", NULL), "Admin sign-in",
	    "a section named: its words");
	ok(has(hdf, "Lang_fr.Login.Title") && has(hdf, "Lang_fr.Import"),
	    "the sections named, in French too");
	is_str(hdf_get_value(hdf, "Lang_en.Plural.ZeroIsOne", NULL), "0",
	    "a core section (Plural), unnamed");
	ok(has(hdf, "Lang_en.Error") && has(hdf, "Lang_fr.Notice") && has(hdf, "Lang_en.Nav"),
	    "the other core sections");
	ok(!has(hdf, "Lang_en.Customers") && !has(hdf, "Lang_fr.Customers"),
	    "a section not named is not read");
	ok(!has(hdf, "Lang_en.ImportJob"),
	    "a section whose name begins with one named (ImportJob, Import) is not read");
	ok(!has(hdf, "Lang_en.Forgot") && !has(hdf, "Lang_en.Reset"),
	    "the sections after a named one (Forgot, Reset after Login) are not read");
	hdf_destroy(&hdf);

	ok(lang_load(&hdf, srcdir, "") == 0, "no section named: the core's are read");
	ok(has(hdf, "Lang_en.Error") && !has(hdf, "Lang_en.Login"), "only the core's");
	hdf_destroy(&hdf);

	ok(lang_load_on_use(&hdf, srcdir, "Export") == 0, "read at first use");
	ok(!has(hdf, "Lang_en"), "nothing read before the first use");
	ok(lang_tree(hdf, LANG_EN) != NULL, "English at its first use");
	ok(has(hdf, "Lang_en.Export") && has(hdf, "Lang_en.Mail") && !has(hdf, "Lang_en.Login"),
	    "at first use: the core's and the section named, no other");
	ok(!has(hdf, "Lang_fr"), "French is not read for English");
	lang_read_all(hdf);
	ok(has(hdf, "Lang_fr.Export") && has(hdf, "Lang_en.Export"),
	    "lang_read_all: every language read (a sign-in mail in either takes as long)");
	hdf_destroy(&hdf);

	return tap_done();
}
