/* Unit tests for fcgi/lib/mailer_proto.c: what fidele-worker writes to
 * fidele-mailer, read back field for field, and what is not that. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/mailer_proto.h"
#include "tap.h"

/* Reads count fields from text (length bytes). */
static int
read_text(const char *text, size_t length, char **fields, int count)
{
	FILE *in = fmemopen((void *)text, length, "r");
	int status;

	if (in == NULL)
		return -2;
	status = mailer_read_fields(in, fields, count);
	fclose(in);
	return status;
}

int
main(void)
{
	const char *mail[3] = { "Zoë <zoe@example.fr>", "line one\r\n.\r\n12:3,4,", "" };
	char *back[3], *text = NULL, huge[32];
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);
	int status;

	ok(out != NULL && mailer_write_fields(out, mail, 3) == 0 &&
	    mailer_write_fields(out, mail, 3) == 0, "two mails are written");
	fclose(out);
	is_str(text, "21:Zoë <zoe@example.fr>,20:line one\r\n.\r\n12:3,4,,0:,"
	    "21:Zoë <zoe@example.fr>,20:line one\r\n.\r\n12:3,4,,0:,", "as netstrings");

	{
		FILE *in = fmemopen(text, length, "r");

		status = mailer_read_fields(in, back, 3);
		ok(status == 1 && strcmp(back[0], mail[0]) == 0 && strcmp(back[1], mail[1]) == 0 &&
		    strcmp(back[2], "") == 0, "the first mail reads back byte for byte (an empty field too)");
		mailer_free_fields(back, 3);
		ok(mailer_read_fields(in, back, 3) == 1 && strcmp(back[1], mail[1]) == 0,
		    "so does the second");
		mailer_free_fields(back, 3);
		ok(mailer_read_fields(in, back, 3) == 0, "then the input's end is a clean end");
		fclose(in);
	}
	ok(read_text(text, 30, back, 3) == -1, "an input cut inside a field is refused");
	ok(read_text(text, 25, back, 3) == -1, "so is one cut between two fields of a mail");
	ok(read_text("5:abcde;", 8, back, 1) == -1, "a field not closed by a comma is refused");
	ok(read_text("x:abc,", 6, back, 1) == -1, "a length that is not digits is refused");
	ok(read_text(":abc,", 5, back, 1) == -1, "so is no length at all");
	snprintf(huge, sizeof(huge), "%d:", MAILER_FIELD_MAX + 1);
	ok(read_text(huge, strlen(huge), back, 1) == -1, "a field longer than 16 MiB is refused");
	ok(read_text("9999999999:", 11, back, 1) == -1, "a length of ten digits is refused");
	is_str(mailer_starttls_modes[MAILER_STARTTLS_REQUIRED], "required",
	    "Mail.StartTls's values are the worker's and the mailer's");
	free(text);
	return tap_done();
}
