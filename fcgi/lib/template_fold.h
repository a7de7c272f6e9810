/*
 * A kept parse (page.c) made cheaper to render, once for the life of the
 * process, by writing at the parse what ClearSilver would otherwise work
 * out again on every request the same way. In order:
 *
 * 1. A call: whose arguments are strings or words gets the macro's body in
 *    its place, its arguments written where the body names them (the
 *    list's six sort links).
 * 2. An each: over a list of words (each:o = Lang.Customers.Sizes) is
 *    written out, its body once per word with o made that word; a loop
 *    whose words have other keys in another language turns back into the
 *    each: at that language's first render.
 * 3. A var: of a string (an argument written in place) becomes its text,
 *    and in the copies an X[key] whose key became a string is the name
 *    X.key (the column chooser's Page.Col[name(c)]).
 * 4. Every var: of a word (<?cs var:Lang.… ?>) becomes the text it writes,
 *    escaped once: a list page spent a tenth of its instructions on its
 *    hundred words. The words of a language never change in a process
 *    (lang/<code>.hdf is read once). One parse serves every language: each
 *    language's texts are made at its first render and kept beside the
 *    parse, and a render in another language than the last first points
 *    the folded nodes at that language's texts (a few hundred pointers).
 * 5. Texts side by side (the parse's own and the words folded between
 *    them) are written as one text, in each language.
 *
 * Only what gives the same bytes is written: a word's var: whose whole
 * expression is one name under Lang (no function, no [index], no var!),
 * escaped as ClearSilver would escape it there; a var: inside a def: is
 * escaped the way its call: says, so it is folded, and calls are written in
 * place, only when no call: of the parse asks for another escaping than the
 * parse's own. Nothing is done when a local (a def:'s argument, an each:,
 * with: or loop: name) is called Lang, since it would hide the tree's Lang,
 * or when a set: writes under Lang. Which bodies may be copied is said in
 * template_fold.c.
 *
 * tests/unit/test-template-fold.c renders written and plain parses of the
 * same templates, in one language and then another, and compares the
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

/* Writes cs's calls and loops out and folds its words with those of its
 * tree's Lang (cs->hdf), as said above; *words (NULL when nothing was
 * written) is to be kept with the parse and freed after it.
 * Returns how many words were folded (0 when there is no Lang), or -1 when
 * out of memory: the parse then writes what it wrote before. */
int template_fold_lang(CSPARSE *cs, struct template_words **words);

/* Before a render of the parse against hdf: its folded words write hdf's
 * language. 0, or -1 when out of memory: the parse then writes another
 * language and must not be rendered. words may be NULL (nothing to do). */
int template_words_use(struct template_words *words, HDF *hdf);

void template_words_free(struct template_words **words);

/* What the fold wrote once for all requests (for the tests). */
struct template_fold_counts {
	size_t unrolled;	/* each: over words written out, and still so */
	size_t inlined;		/* call: with the macro's body in its place */
	size_t strings;		/* var: of a string (an argument's) made text */
	size_t names;		/* X[key] in a copy, key a string there, made X.key */
	size_t runs;		/* runs of texts side by side written as one */
};

void template_words_counts(const struct template_words *words,
    struct template_fold_counts *counts);

#endif
