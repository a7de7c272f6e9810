/* Unit tests for fcgi/import-map.c. */
#include <config.h>

#include "../../fcgi/import-map.h"
#include "tap.h"

int
main(void)
{
	ok(import_guess("E-mail") == IMPORT_EMAIL, "e-mail");
	return tap_done();
}
