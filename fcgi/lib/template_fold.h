/*
 * Folding a kept parse's words into its text: every <?cs var:Lang.… ?> of a
 * parsed template becomes the text it writes, escaped once, so that a page
 * kept for the life of a process (page.c) no longer looks up and escapes
 * its hundred words on every request. A list page spent a tenth of its
 * instructions on them. The words of a language never change in a process
 * (lang/<code>.hdf is read once). One parse serves every language: each
 * language's texts are made at its first render and kept beside the parse,
 * and a render in another language than the last first points the folded
 * nodes at that language's texts (a hundred pointers), where a parse per
 * language kept every page twice in a copy that serves shops of both.
 *
 * Only what gives the same bytes is folded: a var: whose whole expression
 * is one name under Lang (no function, no [index], no var!), escaped as
 * ClearSilver would escape it there. A var: inside a def: is escaped the
 * way its call: says; it is folded only when no call: of the parse asks
 * for another escaping than the parse's own. Nothing is folded when a
 * local (a def:'s argument, an each:, with: or loop: name) is called Lang,
 * since it would hide the tree's Lang, or when a set: writes under Lang.
 * An each: over a list of words (each:o = Lang.Customers.Sizes) is written
 * out first, its body once per word with o made that word, so that its
 * words are folded too and ClearSilver no longer runs the loop on every
 * request; where the body could write other bytes written out, it is
 * left (template_fold.c says when), and a loop whose words have other keys
 * in another language turns back into the each: at that language's first
 * render. Last, texts side by side in the parse (its own, and the words
 * folded between them) are written as one text, in each language.
 *
 * tests/unit/test-template-fold.c renders folded and unfolded parses of
 * the same templates, in one language and then another, and compares the
 * bytes.
 */
#ifndef FIDELE_TEMPLATE_FOLD_H
#define FIDELE_TEMPLATE_FOLD_H

#include "clearsilver.h"
#include "lang.h"

/* The languages one parse keeps texts for: lang.h's, and a tree without
 * Lang (whose words write nothing). */
#define TEMPLATE_WORDS_LANGUAGES (LANG__MAX + 1)

/* A folded parse's words: where they are, and their texts per language. */
struct template_words;

/* Writes out cs's each: over words and folds its var:Lang.… with the words
 * of its tree's Lang (cs->hdf) into text; *words (NULL when nothing was
 * folded or written out) is to be kept with the parse and freed after it.
 * Returns how many words were folded (0 when there is no Lang), or -1 when
 * out of memory: the parse then writes what it wrote before. */
int template_fold_lang(CSPARSE *cs, struct template_words **words);

/* Before a render of the parse against hdf: its folded words write hdf's
 * language. 0, or -1 when out of memory: the parse then writes another
 * language and must not be rendered. words may be NULL (nothing to do). */
int template_words_use(struct template_words *words, HDF *hdf);

void template_words_free(struct template_words **words);

/* How many each: loops of the parse are written out, and how many runs of
 * texts side by side are written as one (for the tests). */
size_t template_words_unrolled(const struct template_words *words);
size_t template_words_runs(const struct template_words *words);

#endif
