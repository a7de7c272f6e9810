/*
 * Row templates: one row of a long list (the customer list's 50 to 200 rows)
 * kept as a ClearSilver template file restricted to what a row needs, read
 * once per process and written for each row without an HDF node per value.
 * ClearSilver spends ~25,000 instructions on a row of ten values (a node
 * per value, a lookup of each name through the local map and the tree, an
 * escaped copy in a fresh allocation); this writes the same row in a tenth.
 *
 * What the file may hold: text; <?cs var:NAME ?>; <?cs if:NAME ?>,
 * <?cs if:!NAME ?> and <?cs /if ?> (nested as deep as needed); <?cs # ?>
 * comments. Anything else refuses the file, with its line, when it is
 * loaded. NAME is c.<field>, a value of the row (the caller names its
 * fields when it loads the file and gives their values in that order for
 * each row), or any other HDF name, a value of the page read once a page by
 * row_template_page(). Every var: is escaped as html with ClearSilver's own
 * escaping (neos_var_escape), as every var: of our pages is
 * (Config.VarEscapeMode = html), and if: is true as ClearSilver's is (set,
 * not empty, not a number that is 0): the same file rendered by ClearSilver
 * gives the same bytes (tests/unit/test-row-template.c). The page inserts
 * the rows with <?cs escape:"none" ?>.
 */
#ifndef FIDELE_ROW_TEMPLATE_H
#define FIDELE_ROW_TEMPLATE_H

#include "clearsilver.h"

struct row_template;

/* Reads and checks the row template at path; fields are the names of the
 * row's values (without "c."), field_count of them, kept by pointer (give
 * a static table). NULL on error, which is logged with the file's line. */
struct row_template *row_template_load(const char *path, const char *const *fields,
    int field_count);

/* Reads the page's values the template names from hdf, for the rows
 * written until the next call. 0, or -1 when out of memory. */
int row_template_page(struct row_template *template, HDF *hdf);

/* Appends one row to out; values[i] is the value of fields[i] (NULL: not
 * set). 0, or -1 when out of memory. */
int row_template_write(const struct row_template *template, const char *const *values,
    STRING *out);

void row_template_free(struct row_template *template);

#endif
