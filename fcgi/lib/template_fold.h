/*
 * Folding a kept parse's words into its text: every <?cs var:Lang.… ?> of a
 * parsed template becomes the text it writes, escaped once, so that a page
 * kept for the life of a process (page.c) no longer looks up and escapes
 * its hundred words on every request. A list page spent a tenth of its
 * instructions on them. The words of a language never change in a process
 * (lang/<code>.hdf is read once), so a parse folded for one language is
 * kept and used for that language only.
 *
 * Only what gives the same bytes is folded: a var: whose whole expression
 * is one name under Lang (no function, no [index], no var!), escaped as
 * ClearSilver would escape it there. A var: inside a def: is escaped the
 * way its call: says; it is folded only when no call: of the parse asks
 * for another escaping than the parse's own. Nothing is folded when a
 * local (a def:'s argument, an each:, with: or loop: name) is called Lang,
 * since it would hide the tree's Lang, or when a set: writes under Lang. The folded text is owned by the
 * parse (freed by cs_destroy). tests/unit/test-template-fold.c renders
 * folded and unfolded parses of the same templates and compares the bytes.
 */
#ifndef FIDELE_TEMPLATE_FOLD_H
#define FIDELE_TEMPLATE_FOLD_H

#include "clearsilver.h"

/* Folds cs's var:Lang.… with the words of its tree's Lang (cs->hdf) into
 * text. Returns how many were folded (0 when there is no Lang), or -1 when
 * out of memory: the parse is then half folded, still renders the same
 * bytes, and the caller may keep it or drop it. */
int template_fold_lang(CSPARSE *cs);

#endif
