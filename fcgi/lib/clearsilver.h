/*
 * The one way into ClearSilver. Its cs_config.h defines autoconf's PACKAGE_*
 * macros as empty strings, clashing with our config.h: they are dropped on
 * both sides of the include, and Fidèle's code does not use them.
 */
#ifndef FIDELE_CLEARSILVER_H
#define FIDELE_CLEARSILVER_H

#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION

#include <ClearSilver.h>

#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION

/* Logs a ClearSilver error chain to stderr with a context word and frees it
 * (in settings.c, which every program links). */
void cs_log_error(const char *context, NEOERR *err);

#endif
