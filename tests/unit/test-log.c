/* Unit tests for fcgi/lib/log.c: nothing a request carries can start a
 * log line of its own. */
#include <config.h>

#include <string.h>

#include "../../fcgi/lib/log.h"
#include "tap.h"

static const struct {
	const char *input;
	const char *expected;
	const char *what;
} cases[] = {
	{ "/admin/customers/12", "/admin/customers/12", "a plain path is kept as it is" },
	{ "/x\nshop-a POST /admin/customers/1/delete 303",
	    "/x\\nshop-a POST /admin/customers/1/delete 303", "a line feed cannot start a forged line" },
	{ "a\rb\tc", "a\\rb\\tc", "carriage return and tab are escaped" },
	{ "\x1b[31mred", "\\x1b[31mred", "a terminal escape sequence is defused" },
	{ "a\x01z\x7f", "a\\x01z\\x7f", "other control bytes and DEL are escaped in hex" },
	{ "C:\\n", "C:\\\\n", "a backslash is doubled so an escape cannot be faked" },
	{ "Élodie Lefèvre", "Élodie Lefèvre", "UTF-8 text is kept" },
};

int
main(void)
{
	char out[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_escape(cases[i].input, out, sizeof(out));
		is_str(out, cases[i].expected, cases[i].what);
	}
	ok(log_escape("ab\ncd", out, 4) == 2 && strcmp(out, "ab") == 0,
	    "an escape that does not fit whole is left out");
	ok(log_escape("abcdef", out, 4) == 3 && strcmp(out, "abc") == 0,
	    "text longer than the buffer is cut and terminated");
	return tap_done();
}
