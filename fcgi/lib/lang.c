/*
 * The codes of the languages Fidèle speaks (lang.h).
 */
#include <config.h>

#include "lang.h"

const char *const lang_codes[LANG__MAX] = {
	[LANG_FR] = "fr",
	[LANG_EN] = "en",
};
