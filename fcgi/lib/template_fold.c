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

/* Folds one var: node into text; 1 when folded, 0 when left, -1 when out
 * of memory. */
static int
fold_node(CSPARSE *cs, CSTREE *node, NEOS_ESCAPE undef_escape)
{
	NEOS_ESCAPE escape = node->escape == NEOS_ESCAPE_UNDEF ? undef_escape : node->escape;
	const char *value;
	char *text = NULL;
	NEOERR *err;

	if (node->cmd != commands.var || node->flags != 0 || escape == NEOS_ESCAPE_UNDEF ||
	    node->arg1.op_type != CS_TYPE_VAR || node->arg1.expr1 != NULL ||
	    node->arg1.expr2 != NULL || node->arg1.next != NULL ||
	    node->arg1.function != NULL || node->arg1.macro != NULL ||
	    !is_word_name(node->arg1.s))
		return 0;
	/* what var: writes: nothing for a missing word, else its escaped value */
	value = hdf_get_value(cs->hdf, node->arg1.s, NULL);
	err = neos_var_escape(escape, value != NULL ? value : "", &text);
	if (err == STATUS_OK)
		err = uListAppend(cs->alloc, text);	/* freed with the parse */
	else
		text = NULL;
	if (err != STATUS_OK) {
		free(text);
		nerr_ignore(&err);
		return -1;
	}
	/* the node's own argument (argexpr, never set outside audit mode) is
	 * still freed by cs_destroy; its name pointed into the parsed text */
	node->cmd = commands.literal;
	node->arg1.op_type = CS_TYPE_STRING;
	node->arg1.s = text;
	return 1;
}

static int
fold_tree(CSPARSE *cs, CSTREE *node, NEOS_ESCAPE undef_escape)
{
	int folded = 0, in_node, in_case_0, in_case_1;

	for (; node != NULL; node = node->next) {
		in_node = fold_node(cs, node, undef_escape);
		in_case_0 = fold_tree(cs, node->case_0, undef_escape);
		in_case_1 = fold_tree(cs, node->case_1, undef_escape);
		if (in_node < 0 || in_case_0 < 0 || in_case_1 < 0)
			return -1;
		folded += in_node + in_case_0 + in_case_1;
	}
	return folded;
}

int
template_fold_lang(CSPARSE *cs)
{
	NEOS_ESCAPE parse_escape = cs->escaping.global_ctx;
	int lang_shadowed = 0, calls_agree = 1;
	const CS_MACRO *macro;
	const CSARG *arg;

	if (cs->hdf == NULL || hdf_get_obj(cs->hdf, "Lang") == NULL || learn_commands() < 0)
		return 0;
	survey(cs->tree, parse_escape, &lang_shadowed, &calls_agree);
	for (macro = cs->macros; macro != NULL; macro = macro->next)
		for (arg = macro->args; arg != NULL; arg = arg->next)
			if (names_lang(arg))
				lang_shadowed = 1;
	if (lang_shadowed)
		return 0;
	/* a var: in a def: is escaped as its call: says (UNDEF when none
	 * may be known here) */
	return fold_tree(cs, cs->tree, calls_agree ? parse_escape : NEOS_ESCAPE_UNDEF);
}
