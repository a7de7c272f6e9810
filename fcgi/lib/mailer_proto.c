/*
 * The worker's messages to fidele-mailer as netstrings, and where the
 * mailer is (mailer_proto.h).
 */
#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailer_proto.h"

const char *const mailer_starttls_modes[MAILER_STARTTLS__MAX] = {
	[MAILER_STARTTLS_OPTIONAL] = "optional",	/* when the server offers it */
	[MAILER_STARTTLS_REQUIRED] = "required",	/* else the mail waits */
	[MAILER_STARTTLS_NEVER] = "never",
};

int
mailer_write_fields(FILE *out, const char *const *fields, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		size_t length = strlen(fields[i]);

		if (fprintf(out, "%zu:", length) < 0 || fwrite(fields[i], 1, length, out) != length ||
		    putc(',', out) == EOF)
			return -1;
	}
	return fflush(out) == 0 ? 0 : -1;
}

/* One netstring into a malloc'd text. 1, 0 at the end of the input before
 * its first byte, -1 otherwise. */
static int
read_field(FILE *in, char **field)
{
	size_t length = 0;
	int c, digits = 0;

	*field = NULL;
	while ((c = getc(in)) >= '0' && c <= '9') {
		length = length * 10 + (size_t)(c - '0');
		if (++digits > 9 || length > MAILER_FIELD_MAX)
			return -1;
	}
	if (c == EOF && digits == 0)
		return 0;
	if (c != ':' || digits == 0 || (*field = malloc(length + 1)) == NULL)
		return -1;
	if (fread(*field, 1, length, in) != length || getc(in) != ',') {
		free(*field);
		*field = NULL;
		return -1;
	}
	(*field)[length] = '\0';
	return 1;
}

int
mailer_read_fields(FILE *in, char **fields, int count)
{
	int i, status;

	for (i = 0; i < count; i++) {
		status = read_field(in, &fields[i]);
		if (status != 1) {
			mailer_free_fields(fields, i);
			return status == 0 && i == 0 ? 0 : -1;
		}
	}
	return 1;
}

void
mailer_free_fields(char **fields, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		free(fields[i]);
		fields[i] = NULL;
	}
}

int
mailer_find(char *path, size_t size)
{
	char self[PATH_MAX];
	ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (length > 0) {
		self[length] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL && snprintf(path, size, "%.*s/fidele-mailer", (int)(slash - self),
		    self) < (int)size && access(path, X_OK) == 0)
			return 0;
	}
	snprintf(path, size, "%s/fidele-mailer", FIDELE_LIBEXECDIR);
	return access(path, X_OK) == 0 ? 0 : -1;
}
