/*
 * The site the programs make together: its areas (where each kind of
 * visitor signs in and starts), the admin pages' navigation bar and the
 * sections of the language files each program reads. Every
 * web program gives these to the core (struct app), which knows no URL.
 * make writes them (fcgi/site-table.c) from each program's declaration,
 * fcgi/<program>.site.hdf, which the nginx snippet also comes from.
 */
#ifndef FIDELE_SITE_H
#define FIDELE_SITE_H

#include "lib/request.h"

/* Ends with a NULL prefix; the first is the default. */
extern const struct area site_areas[];

/* Ends with a NULL path. */
extern const struct nav_entry site_nav[];

/* Each program's language sections; ends with a NULL program. */
extern const struct program_lang site_lang[];

#endif
