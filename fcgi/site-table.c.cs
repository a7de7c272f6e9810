/*
 * The site's areas, navigation bar and language sections (fcgi/site.h), made by make from
 * fcgi/site-table.c.cs and each program's fcgi/<program>.site.hdf: change
 * those, not this file.
 */
#include <config.h>

#include <stddef.h>

#include "fcgi/site.h"

const struct area site_areas[] = {
<?cs each:area = Area ?>	{ "<?cs var:area.Prefix ?>", "<?cs var:area.Home ?>", "<?cs var:area.SignIn ?>", <?cs if:area.Visitor == "admin" ?>ACCESS_ADMIN<?cs else ?>ACCESS_CUSTOMER<?cs /if ?> },	/* <?cs var:area.Program ?> */
<?cs /each ?>	{ NULL, NULL, NULL, 0 }
};

const struct nav_entry site_nav[] = {
<?cs each:nav = Nav ?>	{ "<?cs var:nav.Path ?>", "<?cs var:nav.Label ?>", "<?cs var:nav.Section ?>", <?cs var:nav.OwnerOnly ?> },	/* <?cs var:nav.Program ?> */
<?cs /each ?>	{ NULL, NULL, NULL, 0 }
};

const struct program_lang site_lang[] = {
<?cs each:program = Program ?>	{ "<?cs var:program.Name ?>", "<?cs var:program.Lang ?>" },
<?cs /each ?>	{ NULL, NULL }
};
