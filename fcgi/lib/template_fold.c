/*
 * Folding a kept parse's words into its text (template_fold.h). The parse
 * tree is ClearSilver 0.10.5's, as cs/cs.h declares it: a node's cmd is an
 * index into its table of commands, which this file learns by parsing a
 * small template of its own once, rather than trusting the table's order.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "template_fold.h"

/* The commands this file reads or writes, as numbered by the library. */
struct fold_commands {
	int learned;		/* 1 when known, -1 when they could not be */
	int literal;		/* text, written as it is (arg1.s) */
	int var;		/* var:, written escaped */
	int call;		/* call: */
	int set;		/* set: */
};

static struct fold_commands commands;

/* The command of the last command of text parsed alone (the last node of
 * its top-level list that is not text, or the text when all of it is);
 * -1 on failure. */
static int
command_of(HDF *hdf, const char *text, int literal)
{
	CSPARSE *cs = NULL;
	char *copy = strdup(text);
	const CSTREE *node;
	int cmd = -1;
	NEOERR *err;

	if (copy == NULL)
		return -1;
	err = cs_init(&cs, hdf);
	if (err == STATUS_OK)
		err = cs_parse_string(cs, copy, strlen(copy));	/* owns copy from here */
	else
		free(copy);
	for (node = err == STATUS_OK ? cs->tree : NULL; node != NULL; node = node->next)
		if (cmd < 0 || node->cmd != literal)
			cmd = node->cmd;
	nerr_ignore(&err);
	cs_destroy(&cs);
	return cmd;
}

static int
learn_commands(void)
{
	HDF *hdf = NULL;
	NEOERR *err;

	if (commands.learned != 0)
		return commands.learned;
	commands.learned = -1;
	err = hdf_init(&hdf);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		return -1;
	}
	commands.literal = command_of(hdf, "text", -1);
	commands.var = command_of(hdf, "<?cs var:name ?>", commands.literal);
	commands.call = command_of(hdf, "<?cs def:m() ?><?cs /def ?><?cs call:m() ?>",
	    commands.literal);
	commands.set = command_of(hdf, "<?cs set:name = 1 ?>", commands.literal);
	hdf_destroy(&hdf);
	if (commands.literal >= 0 && commands.var >= 0 && commands.call >= 0 &&
	    commands.set >= 0 && commands.literal != commands.var &&
	    commands.var != commands.call && commands.set != commands.var &&
	    commands.set != commands.call && commands.set != commands.literal)
		commands.learned = 1;
	return commands.learned;
}

/* Whether name is a word of the tree's Lang: Lang.<letters, digits, _ and
 * dots>, nothing that ClearSilver would read as more than one name. */
static int
is_word_name(const char *name)
{
	return name != NULL && strncmp(name, "Lang.", 5) == 0 && name[5] != '\0' &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") ==
	    strlen(name);
}

static int
names_lang(const CSARG *arg)
{
	return arg->s != NULL && strcmp(arg->s, "Lang") == 0;
}

/* Whether a set: writes under Lang (through the link, into the words the
 * parse would have folded). */
static int
sets_lang(const CSTREE *node)
{
	const CSARG *target = &node->arg1;

	while (target->op_type != CS_TYPE_VAR && target->expr1 != NULL)
		target = target->expr1;	/* Lang[x] or Lang.x[y]: the name comes first */
	return node->cmd == commands.set && target->s != NULL &&
	    strncmp(target->s, "Lang", 4) == 0 && (target->s[4] == '\0' || target->s[4] == '.');
}

/* What the whole tree allows: whether a local could be called Lang or a
 * set: change a word, and whether every call: escapes as the parse does
 * (or leaves it to its own caller). Walks next iteratively: a page's
 * top-level list is long. */
static void
survey(const CSTREE *node, NEOS_ESCAPE parse_escape, int *lang_shadowed, int *calls_agree)
{
	for (; node != NULL; node = node->next) {
		if (names_lang(&node->arg1) || names_lang(&node->arg2) || sets_lang(node))
			*lang_shadowed = 1;
		if (node->cmd == commands.call && node->escape != NEOS_ESCAPE_UNDEF &&
		    node->escape != parse_escape)
			*calls_agree = 0;
		survey(node->case_0, parse_escape, lang_shadowed, calls_agree);
		survey(node->case_1, parse_escape, lang_shadowed, calls_agree);
	}
}

/* A var: of the parse that writes a word: its node (a literal once
 * folded), the word's name and how it is escaped there. */
struct fold_site {
	CSTREE *node;
	const char *name;	/* "Lang.…", in the parse's text */
	NEOS_ESCAPE escape;
};

/* The sites' texts in one language: escaped, end to end in one block. */
struct fold_language {
	char name[32];		/* of the language's tree ("Lang_fr"), "" for none */
	char *block;
	char **texts;		/* one per site, into block */
};

struct template_words {
	struct fold_site *sites;
	size_t count, room;
	struct fold_language languages[TEMPLATE_WORDS_LANGUAGES];
	size_t language_count;
	int current;		/* the language the nodes write, -1 before any */
};

/* Whether the node is a var: of one word that may be folded. */
static int
foldable(const CSTREE *node, NEOS_ESCAPE escape)
{
	return node->cmd == commands.var && node->flags == 0 && escape != NEOS_ESCAPE_UNDEF &&
	    node->arg1.op_type == CS_TYPE_VAR && node->arg1.expr1 == NULL &&
	    node->arg1.expr2 == NULL && node->arg1.next == NULL &&
	    node->arg1.function == NULL && node->arg1.macro == NULL &&
	    is_word_name(node->arg1.s);
}

/* Adds the tree's foldable var: nodes to words; -1 when out of memory. */
static int
find_sites(struct template_words *words, CSTREE *node, NEOS_ESCAPE undef_escape)
{
	for (; node != NULL; node = node->next) {
		NEOS_ESCAPE escape = node->escape == NEOS_ESCAPE_UNDEF ? undef_escape : node->escape;

		if (foldable(node, escape)) {
			if (words->count == words->room) {
				size_t room = words->room ? 2 * words->room : 64;
				struct fold_site *grown = realloc(words->sites, room * sizeof(*grown));

				if (grown == NULL)
					return -1;
				words->sites = grown;
				words->room = room;
			}
			words->sites[words->count].node = node;
			words->sites[words->count].name = node->arg1.s;
			words->sites[words->count].escape = escape;
			words->count++;
		}
		if (find_sites(words, node->case_0, undef_escape) < 0 ||
		    find_sites(words, node->case_1, undef_escape) < 0)
			return -1;
	}
	return 0;
}

/* The name of hdf's Lang tree into out ("" when it has none). */
static void
language_of(HDF *hdf, char *out, size_t size)
{
	HDF *lang = hdf_get_obj(hdf, "Lang");

	snprintf(out, size, "%s", lang != NULL ? hdf_obj_name(lang) : "");
}

/* The sites' texts in hdf's language, as var: would write them there:
 * nothing for a missing word, else its escaped value. 0, or -1 when out
 * of memory (language left empty). */
static int
language_texts(const struct template_words *words, HDF *hdf, struct fold_language *language)
{
	char **escaped = calloc(words->count ? words->count : 1, sizeof(char *));
	size_t i, total = 0, at = 0;
	int failed = escaped == NULL;

	for (i = 0; i < words->count && !failed; i++) {
		const char *value = hdf_get_value(hdf, words->sites[i].name, NULL);
		NEOERR *err = neos_var_escape(words->sites[i].escape, value != NULL ? value : "",
		    &escaped[i]);

		if (err != STATUS_OK) {
			nerr_ignore(&err);
			escaped[i] = NULL;
			failed = 1;
		} else
			total += strlen(escaped[i]) + 1;
	}
	if (!failed) {
		language->block = malloc(total ? total : 1);
		language->texts = calloc(words->count ? words->count : 1, sizeof(char *));
		failed = language->block == NULL || language->texts == NULL;
	}
	for (i = 0; i < words->count && !failed; i++) {
		size_t length = strlen(escaped[i]) + 1;

		memcpy(language->block + at, escaped[i], length);
		language->texts[i] = language->block + at;
		at += length;
	}
	for (i = 0; escaped != NULL && i < words->count; i++)
		free(escaped[i]);
	free(escaped);
	if (failed) {
		free(language->block);
		free(language->texts);
		language->block = NULL;
		language->texts = NULL;
		return -1;
	}
	return 0;
}

int
template_words_use(struct template_words *words, HDF *hdf)
{
	char name[32];
	size_t i, l;

	if (words == NULL || words->count == 0)
		return 0;
	language_of(hdf, name, sizeof(name));
	for (l = 0; l < words->language_count; l++)
		if (strcmp(words->languages[l].name, name) == 0)
			break;
	if (l == words->language_count) {
		if (l == TEMPLATE_WORDS_LANGUAGES ||
		    language_texts(words, hdf, &words->languages[l]) != 0)
			return -1;
		snprintf(words->languages[l].name, sizeof(words->languages[l].name), "%s", name);
		words->language_count++;
	}
	if (words->current == (int)l)
		return 0;
	for (i = 0; i < words->count; i++)
		words->sites[i].node->arg1.s = words->languages[l].texts[i];
	words->current = (int)l;
	return 0;
}

void
template_words_free(struct template_words **words)
{
	size_t l;

	if (*words == NULL)
		return;
	for (l = 0; l < (*words)->language_count; l++) {
		free((*words)->languages[l].block);
		free((*words)->languages[l].texts);
	}
	free((*words)->sites);
	free(*words);
	*words = NULL;
}

int
template_fold_lang(CSPARSE *cs, struct template_words **out)
{
	NEOS_ESCAPE parse_escape = cs->escaping.global_ctx;
	int lang_shadowed = 0, calls_agree = 1;
	struct template_words *words;
	const CS_MACRO *macro;
	const CSARG *arg;
	size_t i;

	*out = NULL;
	if (cs->hdf == NULL || hdf_get_obj(cs->hdf, "Lang") == NULL || learn_commands() < 0)
		return 0;
	survey(cs->tree, parse_escape, &lang_shadowed, &calls_agree);
	for (macro = cs->macros; macro != NULL; macro = macro->next)
		for (arg = macro->args; arg != NULL; arg = arg->next)
			if (names_lang(arg))
				lang_shadowed = 1;
	if (lang_shadowed)
		return 0;
	if ((words = calloc(1, sizeof(*words))) == NULL)
		return -1;
	words->current = -1;
	/* a var: in a def: is escaped as its call: says (UNDEF when none
	 * may be known here); the nodes change only once every text of the
	 * tree's language is made */
	if (find_sites(words, cs->tree, calls_agree ? parse_escape : NEOS_ESCAPE_UNDEF) < 0) {
		template_words_free(&words);
		return -1;
	}
	if (words->count == 0) {
		template_words_free(&words);
		return 0;
	}
	if (language_texts(words, cs->hdf, &words->languages[0]) < 0) {
		template_words_free(&words);
		return -1;
	}
	language_of(cs->hdf, words->languages[0].name, sizeof(words->languages[0].name));
	words->language_count = 1;
	/* the node's own argument (argexpr, never set outside audit mode) is
	 * still freed by cs_destroy; its name pointed into the parsed text */
	for (i = 0; i < words->count; i++) {
		words->sites[i].node->cmd = commands.literal;
		words->sites[i].node->arg1.op_type = CS_TYPE_STRING;
		words->sites[i].node->arg1.s = words->languages[0].texts[i];
	}
	words->current = 0;
	*out = words;
	return (int)words->count;
}
