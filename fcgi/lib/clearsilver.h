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

#include <string.h>

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

/* Appends length bytes of text to out, kept NUL-terminated, for the many
 * short pieces of a page (a list page: some 2,000): each is copied straight
 * into the room out already has (string_appendn's checks cost more than
 * the copy), and out grows through string_appendn when it has none.
 * 0, or -1 when out of memory. */
static inline int
cs_string_add(STRING *out, const char *text, size_t length)
{
	NEOERR *err;

	if (out->buf != NULL && out->len >= 0 && length < (size_t)(out->max - out->len)) {
		memcpy(out->buf + out->len, text, length);
		out->len += (int)length;
		out->buf[out->len] = '\0';
		return 0;
	}
	err = string_appendn(out, text, (int)length);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		return -1;
	}
	return 0;
}

#endif
