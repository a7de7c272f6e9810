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
	int name;		/* name:, written as it is */
	int if_;		/* if: */
	int elif;		/* elif: (an if: in its if:'s case_1) */
	int elseif;		/* elseif:, the same */
	int each;		/* each: */
	int with;		/* with: */
};

static struct fold_commands commands;

/* The command of the last command of text parsed alone (the last node of
 * its top-level list that is not text, or the text when all of it is), or
 * when in_case_1 of the first command in that command's case_1 (an elif:
 * or elseif:); -1 on failure. */
static int
command_in(HDF *hdf, const char *text, int literal, int in_case_1)
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
			cmd = !in_case_1 ? node->cmd : node->case_1 != NULL ? node->case_1->cmd : -1;
	nerr_ignore(&err);
	cs_destroy(&cs);
	return cmd;
}

static int
command_of(HDF *hdf, const char *text, int literal)
{
	return command_in(hdf, text, literal, 0);
}

/* Whether the n commands are all known and none is another's. */
static int
all_different(const int *cmd, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (cmd[i] < 0)
			return 0;
		for (j = 0; j < i; j++)
			if (cmd[i] == cmd[j])
				return 0;
	}
	return 1;
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
	commands.name = command_of(hdf, "<?cs name:name ?>", commands.literal);
	commands.if_ = command_of(hdf, "<?cs if:1 ?><?cs /if ?>", commands.literal);
	commands.elif = command_in(hdf, "<?cs if:1 ?><?cs elif:2 ?><?cs /if ?>",
	    commands.literal, 1);
	commands.elseif = command_in(hdf, "<?cs if:1 ?><?cs elseif:2 ?><?cs /if ?>",
	    commands.literal, 1);
	commands.each = command_of(hdf, "<?cs each:x = name ?><?cs /each ?>", commands.literal);
	commands.with = command_of(hdf, "<?cs with:x = name ?><?cs /with ?>", commands.literal);
	hdf_destroy(&hdf);
	if (all_different((const int[]){ commands.literal, commands.var, commands.call,
	    commands.set, commands.name, commands.if_, commands.elif, commands.each,
	    commands.with }, 9) && commands.elseif >= 0 && commands.elseif != commands.if_)
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
	char *run_block;
	char **run_texts;	/* one per run of texts, into run_block */
};

/* Texts side by side in a list of nodes, folded words among them, written
 * as one (merge_runs, below): a part of a run is a site's text or the
 * parse's own. */
struct run_part {
	long site;		/* the site's index, -1 for the parse's text */
	const char *text;	/* the parse's text */
};

struct literal_run {
	CSTREE *first;		/* writes the run; the others are in its case_0 */
	size_t part, parts;	/* its parts in template_words' */
};

/* An each: over a list of words written out (unroll_each, below). */
struct unrolled_loop {
	CSTREE *node;		/* an if:1 while written out, the each: again after */
	CSARG local;		/* the each:'s arg1 (its local's name), as parsed */
	CSTREE *body;		/* the each:'s own */
	CSTREE *copies;		/* the body once per word, end to end */
	const char *list;	/* "Lang.…", in the parse's text */
	const char **keys;	/* the words' names when written out, owned by the parse */
	size_t key_count;
	int looped;		/* turned back into the each: for good */
};

struct template_words {
	struct fold_site *sites;
	size_t count, room;
	struct fold_language languages[TEMPLATE_WORDS_LANGUAGES];
	size_t language_count;
	int current;		/* the language the nodes write, -1 before any */
	struct unrolled_loop *loops;
	size_t loop_count, loop_room;
	struct literal_run *runs;
	size_t run_count, run_room;
	struct run_part *parts;
	size_t part_count, part_room;
};

/* Each: over a list of words (each:o = Lang.Customers.StatusChoice), written
 * out at the kept parse: the body once per word of the parse's language,
 * where name:o and name(o) are the word's key and o (o.x) is the word's
 * name under Lang, whose var: are then folded as any word's. ClearSilver
 * spent 2.5 to 3 k instructions on an iteration (the local, name(), the
 * lookups): 69 k of a list page's million. The each: node becomes an if:
 * of 1 whose case_0 is the copies, its body kept in case_1; it turns back
 * into the each: for good (case_0 the body again) when a language's list
 * has other keys than the parse's, or the same in another order
 * (template_words_use). A body is written out only where that gives the
 * same bytes: its commands text, var:, name:, if:, elif:, each:, with:,
 * call: and set: (nothing parsed or looked up by name at render: no
 * include, lvar:, evar:, loop:, def: or escape:); no each: or with:
 * naming its own local o again; no set: of o; no first(o) or last(o),
 * which read the loop; no macro it calls naming o (a macro sees its
 * caller's locals); and the words' keys of letters, digits and _. */

/* Whether name is the local or under it: "o", "o.Name". */
static int
names_local(const char *name, const char *local)
{
	size_t n = strlen(local);

	return name != NULL && strncmp(name, local, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/* Whether an argument list names the local anywhere. */
static int
arg_mentions(const CSARG *arg, const char *local)
{
	for (; arg != NULL; arg = arg->next) {
		if ((arg->op_type & CS_TYPES_VAR) && names_local(arg->s, local))
			return 1;
		if (arg_mentions(arg->expr1, local) || arg_mentions(arg->expr2, local))
			return 1;
	}
	return 0;
}

/* Whether an argument list asks first() or last() of the local. */
static int
arg_reads_loop(const CSARG *arg, const char *local)
{
	for (; arg != NULL; arg = arg->next) {
		if (arg->op_type == CS_TYPE_FUNCTION && arg->function != NULL &&
		    (strcmp(arg->function->name, "first") == 0 ||
		    strcmp(arg->function->name, "last") == 0) && arg_mentions(arg->expr1, local))
			return 1;
		if (arg_reads_loop(arg->expr1, local) || arg_reads_loop(arg->expr2, local))
			return 1;
	}
	return 0;
}

/* Whether nodes, or a macro they call, name the local; calls deeper than
 * eight count as naming it. */
static int
tree_mentions(const CSTREE *node, const char *local, int depth)
{
	if (depth > 8)
		return 1;
	for (; node != NULL; node = node->next) {
		if (arg_mentions(&node->arg1, local) || arg_mentions(&node->arg2, local) ||
		    arg_mentions(node->vargs, local))
			return 1;
		if (node->cmd == commands.call && (node->arg1.macro == NULL ||
		    node->arg1.macro->tree == NULL ||
		    tree_mentions(node->arg1.macro->tree->case_0, local, depth + 1)))
			return 1;
		if (tree_mentions(node->case_0, local, depth) ||
		    tree_mentions(node->case_1, local, depth))
			return 1;
	}
	return 0;
}

/* Whether an each: body of local may be written out (see above). */
static int
body_unrollable(const CSTREE *node, const char *local)
{
	for (; node != NULL; node = node->next) {
		int cmd = node->cmd;

		if (cmd != commands.literal && cmd != commands.var && cmd != commands.name &&
		    cmd != commands.if_ && cmd != commands.elif && cmd != commands.elseif &&
		    cmd != commands.each && cmd != commands.with && cmd != commands.call &&
		    cmd != commands.set)
			return 0;
		if ((cmd == commands.each || cmd == commands.with) && node->arg1.s != NULL &&
		    strcmp(node->arg1.s, local) == 0)
			return 0;
		if (cmd == commands.set && arg_mentions(&node->arg1, local))
			return 0;
		if (arg_reads_loop(&node->arg1, local) || arg_reads_loop(&node->arg2, local) ||
		    arg_reads_loop(node->vargs, local))
			return 0;
		if (cmd == commands.call && (node->arg1.macro == NULL ||
		    node->arg1.macro->tree == NULL ||
		    tree_mentions(node->arg1.macro->tree->case_0, local, 1)))
			return 0;
		if (!body_unrollable(node->case_0, local) || !body_unrollable(node->case_1, local))
			return 0;
	}
	return 1;
}

/* Gives text to the parse, which frees it with itself; text, or NULL
 * (text freed) when out of memory. */
static char *
parse_owns(CSPARSE *cs, char *text)
{
	NEOERR *err;

	if (text == NULL)
		return NULL;
	err = uListAppend(cs->alloc, text);
	if (err != STATUS_OK) {
		nerr_ignore(&err);
		free(text);
		return NULL;
	}
	return text;
}

/* One copy of a body: the loop's local, and the word it stands for. */
struct unroll {
	CSPARSE *cs;
	const char *local;
	const char *list;	/* "Lang.…" */
	const char *key;	/* the word's name, owned by the parse */
	int failed;		/* out of memory */
};

/* Whether arg is the local itself, alone. */
static int
is_local(const struct unroll *u, const CSARG *arg)
{
	return arg != NULL && (arg->op_type & CS_TYPES_VAR) && arg->s != NULL &&
	    strcmp(arg->s, u->local) == 0 && arg->expr1 == NULL && arg->expr2 == NULL &&
	    arg->next == NULL;
}

static CSARG *args_copy(struct unroll *u, const CSARG *from);

/* Copies from into to, the local's name made the word's: name(o) the
 * word's key as a string, o and o.x the word's name under Lang. */
static void
arg_copy(struct unroll *u, CSARG *to, const CSARG *from)
{
	*to = *from;
	to->argexpr = NULL;
	to->alloc = 0;
	to->expr1 = to->expr2 = to->next = NULL;
	if (from->op_type == CS_TYPE_FUNCTION && from->function != NULL &&
	    strcmp(from->function->name, "name") == 0 && is_local(u, from->expr1)) {
		to->op_type = CS_TYPE_STRING;
		to->s = (char *)u->key;
		to->n = 0;
		to->function = NULL;
	} else {
		if ((from->op_type & CS_TYPES_VAR) && names_local(from->s, u->local)) {
			const char *rest = from->s + strlen(u->local);
			size_t size = strlen(u->list) + strlen(u->key) + strlen(rest) + 2;
			char *name = malloc(size);

			if (name != NULL)
				snprintf(name, size, "%s.%s%s", u->list, u->key, rest);
			if ((to->s = parse_owns(u->cs, name)) == NULL)
				u->failed = 1;
		}
		to->expr1 = args_copy(u, from->expr1);
		to->expr2 = args_copy(u, from->expr2);
	}
	to->next = args_copy(u, from->next);
}

static CSARG *
args_copy(struct unroll *u, const CSARG *from)
{
	CSARG *to;

	if (from == NULL || u->failed)
		return NULL;
	if ((to = calloc(1, sizeof(*to))) == NULL) {
		u->failed = 1;
		return NULL;
	}
	arg_copy(u, to, from);
	return to;
}

/* Frees what args_copy and nodes_copy made (the strings are the parse's). */
static void
args_free(CSARG *arg)
{
	CSARG *next;

	for (; arg != NULL; arg = next) {
		next = arg->next;
		args_free(arg->expr1);
		args_free(arg->expr2);
		free(arg);
	}
}

static void
nodes_free(CSTREE *node)
{
	CSTREE *next;

	for (; node != NULL; node = next) {
		next = node->next;
		nodes_free(node->case_0);
		nodes_free(node->case_1);
		args_free(node->vargs);
		args_free(node->arg1.expr1);
		args_free(node->arg1.expr2);
		args_free(node->arg1.next);
		args_free(node->arg2.expr1);
		args_free(node->arg2.expr2);
		args_free(node->arg2.next);
		free(node);
	}
}

/* A copy of the list of nodes, for one word; name:o becomes its key as
 * text. Everything made is linked into the copy as it is made, so that
 * nodes_free frees it after a failure. */
static CSTREE *
nodes_copy(struct unroll *u, const CSTREE *from)
{
	CSTREE *first = NULL, **at = &first, *to;

	for (; from != NULL && !u->failed; from = from->next) {
		if ((to = calloc(1, sizeof(*to))) == NULL) {
			u->failed = 1;
			break;
		}
		to->node_num = from->node_num;
		to->cmd = from->cmd;
		to->flags = from->flags;
		to->escape = from->escape;
		to->linenum = from->linenum;
		to->colnum = from->colnum;
		*at = to;
		at = &to->next;
		if (from->cmd == commands.name && is_local(u, &from->arg1)) {
			to->cmd = commands.literal;
			to->arg1.op_type = CS_TYPE_STRING;
			to->arg1.s = (char *)u->key;
		} else
			arg_copy(u, &to->arg1, &from->arg1);
		arg_copy(u, &to->arg2, &from->arg2);
		to->vargs = args_copy(u, from->vargs);
		to->case_0 = nodes_copy(u, from->case_0);
		to->case_1 = nodes_copy(u, from->case_1);
	}
	return first;
}

/* Turns the loop's node into its written-out form or back into the each:. */
static void
loop_form(struct unrolled_loop *loop, int written_out)
{
	CSTREE *node = loop->node;

	if (written_out) {
		node->cmd = commands.if_;
		memset(&node->arg1, 0, sizeof(node->arg1));
		node->arg1.op_type = CS_TYPE_NUM;
		node->arg1.n = 1;
		node->case_0 = loop->copies;
		node->case_1 = loop->body;
	} else {
		node->cmd = commands.each;
		node->arg1 = loop->local;
		node->case_0 = loop->body;
		node->case_1 = loop->copies;
	}
}

/* Whether the words under name are letters, digits and _ each (NULL when
 * there are none, or another name is among them); their count in *count. */
static HDF *
list_words(HDF *hdf, const char *name, size_t *count)
{
	HDF *list = hdf_get_obj(hdf, name), *child;
	const char *key;

	*count = 0;
	for (child = list != NULL ? hdf_obj_child(list) : NULL; child != NULL;
	    child = hdf_obj_next(child), (*count)++)
		if ((key = hdf_obj_name(child)) == NULL || *key == '\0' ||
		    strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(key))
			return NULL;
	return *count > 0 ? list : NULL;
}

/* Writes out the each: node if it goes over a list of words of the parse's
 * language and its body may be; left as it was when it may not be or
 * when out of memory. */
static void
unroll_each(struct template_words *words, CSPARSE *cs, CSTREE *node)
{
	struct unroll u = { .cs = cs };
	struct unrolled_loop *loop;
	CSTREE *copies = NULL, **end = &copies;
	const char **keys;
	size_t count, k;
	HDF *list, *child;

	if (node->arg1.op_type != CS_TYPE_VAR || node->arg1.s == NULL ||
	    node->arg1.argexpr != NULL || node->arg1.expr1 != NULL || node->arg1.expr2 != NULL ||
	    node->arg1.next != NULL || node->case_1 != NULL ||
	    node->arg2.op_type != CS_TYPE_VAR || node->arg2.expr1 != NULL ||
	    node->arg2.expr2 != NULL || node->arg2.next != NULL || !is_word_name(node->arg2.s) ||
	    !body_unrollable(node->case_0, node->arg1.s) ||
	    (list = list_words(cs->hdf, node->arg2.s, &count)) == NULL)
		return;
	if (words->loop_count == words->loop_room) {
		size_t room = words->loop_room ? 2 * words->loop_room : 16;
		struct unrolled_loop *grown = realloc(words->loops, room * sizeof(*grown));

		if (grown == NULL)
			return;
		words->loops = grown;
		words->loop_room = room;
	}
	if ((keys = calloc(count, sizeof(*keys))) == NULL)
		return;
	u.local = node->arg1.s;
	u.list = node->arg2.s;
	for (child = hdf_obj_child(list), k = 0; child != NULL && k < count && !u.failed;
	    child = hdf_obj_next(child), k++) {
		if ((keys[k] = parse_owns(cs, strdup(hdf_obj_name(child)))) == NULL) {
			u.failed = 1;
			break;
		}
		u.key = keys[k];
		*end = nodes_copy(&u, node->case_0);
		while (*end != NULL)
			end = &(*end)->next;
	}
	if (u.failed || k != count) {
		nodes_free(copies);
		free(keys);
		return;
	}
	loop = &words->loops[words->loop_count++];
	memset(loop, 0, sizeof(*loop));
	loop->node = node;
	loop->local = node->arg1;
	loop->body = node->case_0;
	loop->copies = copies;
	loop->list = node->arg2.s;
	loop->keys = keys;
	loop->key_count = count;
	loop_form(loop, 1);
}

/* Writes out every each: of the tree that may be, the ones inside those
 * written out too. Walks next iteratively. */
static void
unroll_all(struct template_words *words, CSPARSE *cs, CSTREE *node)
{
	for (; node != NULL; node = node->next) {
		if (node->cmd == commands.each)
			unroll_each(words, cs, node);
		unroll_all(words, cs, node->case_0);
		unroll_all(words, cs, node->case_1);
	}
}

/* Before the first render in another language: a loop written out with
 * other keys than this language's turns back into the each: for good. */
static void
loops_check(struct template_words *words, HDF *hdf)
{
	struct unrolled_loop *loop;
	HDF *list, *child;
	size_t l, k;

	for (l = 0; l < words->loop_count; l++) {
		loop = &words->loops[l];
		if (loop->looped)
			continue;
		list = hdf_get_obj(hdf, loop->list);
		child = list != NULL ? hdf_obj_child(list) : NULL;
		for (k = 0; k < loop->key_count && child != NULL &&
		    strcmp(hdf_obj_name(child), loop->keys[k]) == 0; k++)
			child = hdf_obj_next(child);
		if (k != loop->key_count || child != NULL) {
			loop_form(loop, 0);
			loop->looped = 1;
		}
	}
}

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

static void
language_free(struct fold_language *language)
{
	free(language->block);
	free(language->texts);
	free(language->run_block);
	free(language->run_texts);
	language->block = language->run_block = NULL;
	language->texts = language->run_texts = NULL;
}

/* The runs' texts in a language whose sites' texts are made: each run's
 * parts end to end. 0, or -1 when out of memory (none made). */
static int
run_texts(const struct template_words *words, struct fold_language *language)
{
	size_t r, p, total = 0, at = 0;
	const char *text;

	for (p = 0; p < words->part_count; p++) {
		text = words->parts[p].site >= 0 ? language->texts[words->parts[p].site] :
		    words->parts[p].text;
		total += strlen(text);
	}
	total += words->run_count;
	language->run_block = malloc(total ? total : 1);
	language->run_texts = calloc(words->run_count ? words->run_count : 1, sizeof(char *));
	if (language->run_block == NULL || language->run_texts == NULL) {
		free(language->run_block);
		free(language->run_texts);
		language->run_block = NULL;
		language->run_texts = NULL;
		return -1;
	}
	for (r = 0; r < words->run_count; r++) {
		language->run_texts[r] = language->run_block + at;
		for (p = words->runs[r].part; p < words->runs[r].part + words->runs[r].parts; p++) {
			size_t length;

			text = words->parts[p].site >= 0 ? language->texts[words->parts[p].site] :
			    words->parts[p].text;
			length = strlen(text);
			memcpy(language->run_block + at, text, length);
			at += length;
		}
		language->run_block[at++] = '\0';
	}
	return 0;
}

/* A site's node and index, sorted by node for site_index. */
struct site_key {
	const CSTREE *node;
	long site;
};

static int
site_key_compare(const void *a, const void *b)
{
	const CSTREE *x = ((const struct site_key *)a)->node, *y = ((const struct site_key *)b)->node;

	return x < y ? -1 : x > y;
}

/* The index of the site whose node this is, -1 for none. */
static long
site_index(const struct site_key *keys, size_t count, const CSTREE *node)
{
	struct site_key key = { node, -1 }, *found;

	found = bsearch(&key, keys, count, sizeof(*keys), site_key_compare);
	return found != NULL ? found->site : -1;
}

static int
is_text(const CSTREE *node)
{
	return node != NULL && node->cmd == commands.literal && node->arg1.s != NULL &&
	    node->case_0 == NULL && node->case_1 == NULL;
}

/* Notes the runs of two texts or more side by side in the tree's lists
 * (their nodes left as they are). 0, or -1 when out of memory. */
static int
find_runs(struct template_words *words, CSTREE *node, const struct site_key *keys, size_t count)
{
	CSTREE *start;
	size_t length;

	while (node != NULL) {
		if (!is_text(node)) {
			if (find_runs(words, node->case_0, keys, count) < 0 ||
			    find_runs(words, node->case_1, keys, count) < 0)
				return -1;
			node = node->next;
			continue;
		}
		for (start = node, length = 0; is_text(node); node = node->next)
			length++;
		if (length < 2)
			continue;
		if (words->run_count == words->run_room) {
			size_t room = words->run_room ? 2 * words->run_room : 64;
			struct literal_run *grown = realloc(words->runs, room * sizeof(*grown));

			if (grown == NULL)
				return -1;
			words->runs = grown;
			words->run_room = room;
		}
		if (words->part_count + length > words->part_room) {
			size_t room = words->part_room ? 2 * words->part_room : 256;
			struct run_part *grown;

			while (room < words->part_count + length)
				room *= 2;
			if ((grown = realloc(words->parts, room * sizeof(*grown))) == NULL)
				return -1;
			words->parts = grown;
			words->part_room = room;
		}
		words->runs[words->run_count].first = start;
		words->runs[words->run_count].part = words->part_count;
		words->runs[words->run_count].parts = length;
		words->run_count++;
		for (; start != node; start = start->next) {
			struct run_part *part = &words->parts[words->part_count++];

			part->site = site_index(keys, count, start);
			part->text = start->arg1.s;
		}
	}
	return 0;
}

/* Writes each run of texts of the tree as its first node, the others
 * moved into that node's case_0 (where cs_destroy still frees them and
 * nothing renders them): a list page wrote 600 texts a request, one
 * output call each, many of them a folded word between two texts. Runs
 * are found once every word is folded into the parse's language, whose
 * texts they then write. 0, or -1 when out of memory (nothing merged). */
static int
merge_runs(struct template_words *words, CSPARSE *cs)
{
	struct site_key *keys = malloc((words->count ? words->count : 1) * sizeof(*keys));
	size_t i, r;

	if (keys == NULL)
		return -1;
	for (i = 0; i < words->count; i++) {
		keys[i].node = words->sites[i].node;
		keys[i].site = (long)i;
	}
	qsort(keys, words->count, sizeof(*keys), site_key_compare);
	if (find_runs(words, cs->tree, keys, words->count) < 0 ||
	    run_texts(words, &words->languages[0]) < 0) {
		free(keys);
		words->run_count = words->part_count = 0;
		return -1;
	}
	free(keys);
	for (r = 0; r < words->run_count; r++) {
		CSTREE *first = words->runs[r].first, *last = first;

		for (i = 1; i < words->runs[r].parts; i++)
			last = last->next;
		first->case_0 = first->next;
		first->next = last->next;
		last->next = NULL;
		first->arg1.s = words->languages[0].run_texts[r];
	}
	return 0;
}

int
template_words_use(struct template_words *words, HDF *hdf)
{
	char name[32];
	size_t i, l;

	if (words == NULL)
		return 0;
	language_of(hdf, name, sizeof(name));
	for (l = 0; l < words->language_count; l++)
		if (strcmp(words->languages[l].name, name) == 0)
			break;
	if (l == words->language_count) {
		if (l == TEMPLATE_WORDS_LANGUAGES ||
		    language_texts(words, hdf, &words->languages[l]) != 0)
			return -1;
		if (run_texts(words, &words->languages[l]) != 0) {
			language_free(&words->languages[l]);
			return -1;
		}
		snprintf(words->languages[l].name, sizeof(words->languages[l].name), "%s", name);
		words->language_count++;
		loops_check(words, hdf);
	}
	if (words->current == (int)l)
		return 0;
	for (i = 0; i < words->count; i++)
		words->sites[i].node->arg1.s = words->languages[l].texts[i];
	for (i = 0; i < words->run_count; i++)
		words->runs[i].first->arg1.s = words->languages[l].run_texts[i];
	words->current = (int)l;
	return 0;
}

void
template_words_free(struct template_words **words)
{
	size_t l;

	if (*words == NULL)
		return;
	for (l = 0; l < (*words)->language_count; l++)
		language_free(&(*words)->languages[l]);
	free((*words)->runs);
	free((*words)->parts);
	for (l = 0; l < (*words)->loop_count; l++)
		free((*words)->loops[l].keys);
	free((*words)->loops);
	free((*words)->sites);
	free(*words);
	*words = NULL;
}

/* After a failure: the loops written out turn back into their each: (the
 * copies stay in case_1, freed with the parse), and words is freed. */
static void
words_abandon(struct template_words **words)
{
	size_t l;

	for (l = 0; l < (*words)->loop_count; l++)
		loop_form(&(*words)->loops[l], 0);
	template_words_free(words);
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
	unroll_all(words, cs, cs->tree);
	/* a var: in a def: is escaped as its call: says (UNDEF when none
	 * may be known here); the nodes change only once every text of the
	 * tree's language is made */
	if (find_sites(words, cs->tree, calls_agree ? parse_escape : NEOS_ESCAPE_UNDEF) < 0) {
		words_abandon(&words);
		return -1;
	}
	if (words->count == 0 && words->loop_count == 0) {
		template_words_free(&words);
		return 0;
	}
	if (language_texts(words, cs->hdf, &words->languages[0]) < 0) {
		words_abandon(&words);
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
	/* out of memory: the texts stay apart, as they were */
	(void)merge_runs(words, cs);
	words->current = 0;
	*out = words;
	return (int)words->count;
}

size_t
template_words_unrolled(const struct template_words *words)
{
	size_t l, unrolled = 0;

	for (l = 0; words != NULL && l < words->loop_count; l++)
		unrolled += !words->loops[l].looped;
	return unrolled;
}

size_t
template_words_runs(const struct template_words *words)
{
	return words != NULL ? words->run_count : 0;
}
