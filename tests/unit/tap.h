/*
 * A minimal TAP producer for the C unit tests: one ok/not ok line per
 * check, the plan at the end, exit status 1 if any check failed.
 */
#ifndef FIDELE_TAP_H
#define FIDELE_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

#define ok(condition, name) do { \
	tap_count++; \
	if (condition) \
		printf("ok %d - %s\n", tap_count, (name)); \
	else { \
		tap_failed++; \
		printf("not ok %d - %s\n#   at %s:%d\n", tap_count, (name), __FILE__, __LINE__); \
	} \
} while (0)

#define is_str(got, want, name) do { \
	const char *tap_got = (got), *tap_want = (want); \
	ok(tap_got != NULL && strcmp(tap_got, tap_want) == 0, (name)); \
	if (tap_got == NULL || strcmp(tap_got, tap_want) != 0) \
		printf("#   got '%s', want '%s'\n", tap_got ? tap_got : "(null)", tap_want); \
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
