/*
 * Log lines: formatted, escaped, and written to stderr in one call, where
 * the web server's process manager (spawn-fcgi, systemd, mod_fcgid) keeps
 * them. See log.h for why every field is escaped.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define LOG_MESSAGE_MAX 2048	/* longer messages are cut */

static const char *program_name = "fidele";
/* -1 until FIDELE_LOG_DEBUG is read, then 0 or 1 */
static int debug_enabled = -1;

void
log_program(const char *name)
{
	program_name = name;
}

size_t
log_escape(const char *text, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t len = 0;

	if (size == 0)
		return 0;
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		char escaped[5];
		size_t n = 0;

		if (*p == '\\' || *p == '\n' || *p == '\r' || *p == '\t') {
			escaped[n++] = '\\';
			escaped[n++] = *p == '\\' ? '\\' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			escaped[n++] = '\\';
			escaped[n++] = 'x';
			escaped[n++] = hex[*p >> 4];
			escaped[n++] = hex[*p & 0xf];
		} else
			escaped[n++] = (char)*p;
		if (len + n >= size)
			break;
		memcpy(out + len, escaped, n);
		len += n;
	}
	out[len] = '\0';
	return len;
}

static void
log_line(const char *separator, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
log_line(const char *separator, const char *fmt, va_list ap)
{
	char message[LOG_MESSAGE_MAX];
	char escaped[4 * LOG_MESSAGE_MAX];

	vsnprintf(message, sizeof(message), fmt, ap);
	log_escape(message, escaped, sizeof(escaped));
	fprintf(stderr, "%s%s%s\n", program_name, separator, escaped);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(": ", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(": warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(" ", fmt, ap);
	va_end(ap);
}

int
log_debug_enabled(void)
{
	if (debug_enabled < 0) {
		const char *value = getenv("FIDELE_LOG_DEBUG");

		debug_enabled = value != NULL && *value != '\0' && strcmp(value, "0") != 0;
	}
	return debug_enabled;
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_enabled())
		return;
	va_start(ap, fmt);
	log_line(": debug: ", fmt, ap);
	va_end(ap);
}
