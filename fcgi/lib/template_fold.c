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
	size_t inlined;		/* call: written in place */
	size_t strings;		/* var: of a string made text */
	size_t names;		/* X[key] of a known key made the name X.key */
	struct literal_run *runs;
	size_t run_count, run_room;
	struct run_part *parts;
	size_t part_count, part_room;
};

/*
 * Copies written at the kept parse. ClearSilver spends 2.5 to 3 k
 * instructions on an iteration of an each: (the local, name(), the
 * lookups) and as much on a call: (its locals, its arguments), on every
 * request, for loops and calls that write the same thing on every page of
 * a language. Two of them are written out once:
 *
 * - an each: over a list of words (each:o = Lang.Customers.StatusChoice):
 *   its body once per word of the parse's language, where name:o and
 *   name(o) are the word's key and o (o.x) the word's name under Lang,
 *   whose var: are then folded as any word's. The each: node becomes an
 *   if: of 1 whose case_0 is the copies, its body kept in case_1; it turns
 *   back into the each: for good (case_0 the body again) when a language's
 *   list has other keys than the parse's, or the same in another order
 *   (template_words_use);
 * - a call: whose arguments are strings or words (call:sort_link("name",
 *   Lang.Customers.NameOrder)) of a macro of at most COPY_NODES_MAX nodes:
 *   the macro's body in its place, each argument written where the body
 *   names it; the call: node becomes an if: of 1 over the copy. Copies of
 *   a call inside a copy are made COPY_DEPTH_MAX deep at most (a macro
 *   may call itself).
 *
 * Only what gives the same bytes is copied: the body's commands text,
 * var:, name:, if:, elif:, each:, with:, call: and set: (a loop's only,
 * not of its local): nothing read by name at render (include, lvar:,
 * evar:, loop:, def:, escape:); no each: or with: naming a bound name
 * again; no first() or last() of it, which read the loop; no macro called
 * from the body naming it (a macro sees its caller's locals); a string
 * argument named only whole, by var:, if:, comparisons and functions of
 * its value (not name:, name(), len(), subcount(), x.child, x[i] or #x),
 * and read as the same number whether given or written (same_number); a
 * loop's keys of letters, digits and _. Calls are copied only when every
 * call: of the parse escapes as the parse does (what a macro's body
 * leaves to its call: is then known); a copy at the top takes its call's
 * escaping.
 */
#define COPY_NODES_MAX 200
#define COPY_DEPTH_MAX 4

/* What a copy writes in place of a name: a loop's local, or a macro's
 * argument. One of path and text is set. */
struct binding {
	const char *name;
	const char *path;	/* a word's name under Lang: o.x becomes path.x */
	const char *key;	/* name(o) and name:o: a loop's word's key, or NULL */
	const char *text;	/* a string argument: the name becomes this string */
};

/* Whether name is the bound name or under it: "o", "o.Name". */
static int
names_local(const char *name, const char *local)
{
	size_t n = strlen(local);

	return name != NULL && strncmp(name, local, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/* The binding name is under, NULL for none. */
static const struct binding *
binding_of(const struct binding *bind, size_t binds, const char *name)
{
	size_t b;

	for (b = 0; b < binds; b++)
		if (names_local(name, bind[b].name))
			return &bind[b];
	return NULL;
}

/* The binding arg is, whole and alone; NULL for none. */
static const struct binding *
binding_itself(const struct binding *bind, size_t binds, const CSARG *arg)
{
	const struct binding *b;

	if (arg == NULL || !(arg->op_type & CS_TYPES_VAR) || arg->expr1 != NULL ||
	    arg->expr2 != NULL || arg->next != NULL)
		return NULL;
	b = binding_of(bind, binds, arg->s);
	return b != NULL && strcmp(arg->s, b->name) == 0 ? b : NULL;
}

/* Whether an argument list names the name anywhere. */
static int
arg_mentions(const CSARG *arg, const char *name)
{
	for (; arg != NULL; arg = arg->next) {
		if ((arg->op_type & CS_TYPES_VAR) && names_local(arg->s, name))
			return 1;
		if (arg_mentions(arg->expr1, name) || arg_mentions(arg->expr2, name))
			return 1;
	}
	return 0;
}

static int
is_function(const CSARG *arg, const char *name)
{
	return arg->op_type == CS_TYPE_FUNCTION && arg->function != NULL &&
	    strcmp(arg->function->name, name) == 0;
}

/* Whether an argument list names the bound names only as a copy may. */
static int
args_copyable(const CSARG *arg, const struct binding *bind, size_t binds)
{
	const struct binding *b;
	const CSARG *given;

	for (; arg != NULL; arg = arg->next) {
		if (arg->op_type == CS_TYPE_FUNCTION)
			for (given = arg->expr1; given != NULL; given = given->next)
				if ((given->op_type & CS_TYPES_VAR) &&
				    (b = binding_of(bind, binds, given->s)) != NULL &&
				    (is_function(arg, "first") || is_function(arg, "last") ||
				    (b->text != NULL && (is_function(arg, "name") ||
				    is_function(arg, "len") || is_function(arg, "subcount")))))
					return 0;
		if ((arg->op_type & CS_TYPES_VAR) && (b = binding_of(bind, binds, arg->s)) != NULL &&
		    b->text != NULL && (arg->op_type != CS_TYPE_VAR || strcmp(arg->s, b->name) != 0))
			return 0;
		/* k[0] of an argument reads the argument, of a string nothing */
		if ((arg->op_type == CS_OP_LBRACKET || arg->op_type == CS_OP_DOT) &&
		    (b = binding_itself(bind, binds, arg->expr1)) != NULL && b->text != NULL)
			return 0;
		if (!args_copyable(arg->expr1, bind, binds) || !args_copyable(arg->expr2, bind, binds))
			return 0;
	}
	return 1;
}

/* Whether nodes, or a macro they call, name the name; calls deeper than
 * COPY_DEPTH_MAX count as naming it. */
static int
tree_mentions(const CSTREE *node, const char *name, int depth)
{
	if (depth > COPY_DEPTH_MAX)
		return 1;
	for (; node != NULL; node = node->next) {
		if (arg_mentions(&node->arg1, name) || arg_mentions(&node->arg2, name) ||
		    arg_mentions(node->vargs, name))
			return 1;
		if (node->cmd == commands.call && (node->arg1.macro == NULL ||
		    node->arg1.macro->tree == NULL ||
		    tree_mentions(node->arg1.macro->tree->case_0, name, depth + 1)))
			return 1;
		if (tree_mentions(node->case_0, name, depth) ||
		    tree_mentions(node->case_1, name, depth))
			return 1;
	}
	return 0;
}

/* Whether a body may be copied with these names bound (see above); sets
 * when its set: may stay (a loop's). */
static int
body_copyable(const CSTREE *node, const struct binding *bind, size_t binds, int sets)
{
	const struct binding *b;
	size_t i;

	for (; node != NULL; node = node->next) {
		int cmd = node->cmd;

		if (cmd != commands.literal && cmd != commands.var && cmd != commands.name &&
		    cmd != commands.if_ && cmd != commands.elif && cmd != commands.elseif &&
		    cmd != commands.each && cmd != commands.with && cmd != commands.call &&
		    (cmd != commands.set || !sets))
			return 0;
		if ((cmd == commands.each || cmd == commands.with) &&
		    (binding_of(bind, binds, node->arg1.s) != NULL ||
		    ((b = binding_of(bind, binds, node->arg2.s)) != NULL && b->text != NULL)))
			return 0;
		if (cmd == commands.name && (b = binding_of(bind, binds, node->arg1.s)) != NULL &&
		    b->text != NULL)
			return 0;
		for (i = 0; i < binds; i++)
			if ((cmd == commands.set && arg_mentions(&node->arg1, bind[i].name)) ||
			    (cmd == commands.call && (node->arg1.macro == NULL ||
			    node->arg1.macro->tree == NULL ||
			    tree_mentions(node->arg1.macro->tree->case_0, bind[i].name, 1))))
				return 0;
		if (!args_copyable(&node->arg1, bind, binds) ||
		    !args_copyable(&node->arg2, bind, binds) || !args_copyable(node->vargs, bind, binds))
			return 0;
		if (!body_copyable(node->case_0, bind, binds, sets) ||
		    !body_copyable(node->case_1, bind, binds, sets))
			return 0;
	}
	return 1;
}

static size_t
count_nodes(const CSTREE *node)
{
	size_t count = 0;

	for (; node != NULL; node = node->next)
		count += 1 + count_nodes(node->case_0) + count_nodes(node->case_1);
	return count;
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

/* One copy being made. */
struct copying {
	CSPARSE *cs;
	const struct binding *bind;
	size_t binds;
	NEOS_ESCAPE undef_escape;	/* what an UNDEF escaping becomes, UNDEF to keep it */
	size_t names;		/* X[key] made the name X.key */
	int failed;		/* out of memory */
};

static CSARG *args_copy(struct copying *c, const CSARG *from);
static void args_free(CSARG *arg);

/* A copied X[key] whose key became a string (name(o) of a written-out
 * loop, a string argument) made the name X.key: what the render would
 * make of it on every request (eval_expr's "%s.%s" of the two, then a
 * lookup), made once. An empty key, which names nothing, is left. */
static void
bracket_name(struct copying *c, CSARG *arg)
{
	const CSARG *var = arg->expr1, *key = arg->expr2;
	size_t size;
	char *name;

	if (var == NULL || var->op_type != CS_TYPE_VAR || var->s == NULL || var->expr1 != NULL ||
	    var->expr2 != NULL || var->next != NULL || key == NULL ||
	    key->op_type != CS_TYPE_STRING || key->s == NULL || key->s[0] == '\0' ||
	    key->expr1 != NULL || key->expr2 != NULL || key->next != NULL)
		return;
	size = strlen(var->s) + strlen(key->s) + 2;
	if ((name = malloc(size)) == NULL)
		return;	/* left a bracket: it writes the same */
	snprintf(name, size, "%s.%s", var->s, key->s);
	if ((name = parse_owns(c->cs, name)) == NULL)
		return;
	args_free(arg->expr1);
	args_free(arg->expr2);
	arg->expr1 = arg->expr2 = NULL;
	arg->op_type = CS_TYPE_VAR;
	arg->s = name;
	arg->n = 0;
	arg->function = NULL;
	c->names++;
}

/* Copies from into to, the bound names written as they are bound. */
static void
arg_copy(struct copying *c, CSARG *to, const CSARG *from)
{
	const struct binding *b;

	*to = *from;
	to->argexpr = NULL;
	to->alloc = 0;
	to->expr1 = to->expr2 = to->next = NULL;
	if (is_function(from, "name") && (b = binding_itself(c->bind, c->binds, from->expr1)) != NULL &&
	    b->key != NULL) {
		to->op_type = CS_TYPE_STRING;
		to->s = (char *)b->key;
		to->n = 0;
		to->function = NULL;
	} else {
		if ((from->op_type & CS_TYPES_VAR) &&
		    (b = binding_of(c->bind, c->binds, from->s)) != NULL) {
			const char *rest = from->s + strlen(b->name);

			if (b->text != NULL) {
				to->op_type = CS_TYPE_STRING;
				to->s = (char *)b->text;
			} else if (*rest == '\0')
				to->s = (char *)b->path;
			else {
				size_t size = strlen(b->path) + strlen(rest) + 1;
				char *name = malloc(size);

				if (name != NULL)
					snprintf(name, size, "%s%s", b->path, rest);
				if ((to->s = parse_owns(c->cs, name)) == NULL)
					c->failed = 1;
			}
		}
		to->expr1 = args_copy(c, from->expr1);
		to->expr2 = args_copy(c, from->expr2);
		if (to->op_type == CS_OP_LBRACKET && !c->failed)
			bracket_name(c, to);
	}
	to->next = args_copy(c, from->next);
}

static CSARG *
args_copy(struct copying *c, const CSARG *from)
{
	CSARG *to;

	if (from == NULL || c->failed)
		return NULL;
	if ((to = calloc(1, sizeof(*to))) == NULL) {
		c->failed = 1;
		return NULL;
	}
	arg_copy(c, to, from);
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

/* Frees what a node's own argument holds (the argument is the node's). */
static void
arg_parts_free(CSARG *arg)
{
	args_free(arg->expr1);
	args_free(arg->expr2);
	args_free(arg->next);
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
		arg_parts_free(&node->arg1);
		arg_parts_free(&node->arg2);
		free(node);
	}
}

/* A copy of the list of nodes; name:o of a loop's local becomes its key as
 * text. Everything made is linked into the copy as it is made, so that
 * nodes_free frees it after a failure. */
static CSTREE *
nodes_copy(struct copying *c, const CSTREE *from)
{
	CSTREE *first = NULL, **at = &first, *to;
	const struct binding *b;

	for (; from != NULL && !c->failed; from = from->next) {
		if ((to = calloc(1, sizeof(*to))) == NULL) {
			c->failed = 1;
			break;
		}
		to->node_num = from->node_num;
		to->cmd = from->cmd;
		to->flags = from->flags;
		to->escape = from->escape == NEOS_ESCAPE_UNDEF ? c->undef_escape : from->escape;
		to->linenum = from->linenum;
		to->colnum = from->colnum;
		*at = to;
		at = &to->next;
		if (from->cmd == commands.name &&
		    (b = binding_itself(c->bind, c->binds, &from->arg1)) != NULL && b->key != NULL) {
			to->cmd = commands.literal;
			to->arg1.op_type = CS_TYPE_STRING;
			to->arg1.s = (char *)b->key;
		} else
			arg_copy(c, &to->arg1, &from->arg1);
		arg_copy(c, &to->arg2, &from->arg2);
		to->vargs = args_copy(c, from->vargs);
		to->case_0 = nodes_copy(c, from->case_0);
		to->case_1 = nodes_copy(c, from->case_1);
	}
	return first;
}

/* Makes node an if: of 1 over copies (its arg1 owns nothing: checked by
 * the callers), its case_1 set to kept. */
static void
if_one(CSTREE *node, CSTREE *copies, CSTREE *kept)
{
	node->cmd = commands.if_;
	memset(&node->arg1, 0, sizeof(node->arg1));
	node->arg1.op_type = CS_TYPE_NUM;
	node->arg1.n = 1;
	node->case_0 = copies;
	node->case_1 = kept;
}

/* Turns the loop's node into its written-out form or back into the each:. */
static void
loop_form(struct unrolled_loop *loop, int written_out)
{
	CSTREE *node = loop->node;

	if (written_out)
		if_one(node, loop->copies, loop->body);
	else {
		node->cmd = commands.each;
		node->arg1 = loop->local;
		node->case_0 = loop->body;
		node->case_1 = loop->copies;
	}
}

/* Whether arg owns nothing (a node's arg1 overwritten by if_one). */
static int
owns_nothing(const CSARG *arg)
{
	return arg->argexpr == NULL && arg->expr1 == NULL && arg->expr2 == NULL &&
	    arg->next == NULL && !arg->alloc;
}

/* The list of words under name when each is named with letters, digits
 * and _ (NULL when there are none, or another name is among them); their
 * count in *count. */
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
 * language and its body may be copied; left as it was when it may not be
 * or when out of memory. */
static void
unroll_each(struct template_words *words, CSPARSE *cs, CSTREE *node)
{
	struct binding bind = { .name = node->arg1.s, .path = "", .key = "" };
	struct copying c = { .cs = cs, .bind = &bind, .binds = 1,
		.undef_escape = NEOS_ESCAPE_UNDEF };
	struct unrolled_loop *loop;
	CSTREE *copies = NULL, **end = &copies;
	const char **keys;
	size_t count, k, size;
	HDF *list, *child;
	char *path;

	if (node->arg1.op_type != CS_TYPE_VAR || node->arg1.s == NULL ||
	    !owns_nothing(&node->arg1) || node->case_1 != NULL ||
	    node->arg2.op_type != CS_TYPE_VAR || node->arg2.expr1 != NULL ||
	    node->arg2.expr2 != NULL || node->arg2.next != NULL || !is_word_name(node->arg2.s) ||
	    !body_copyable(node->case_0, &bind, 1, 1) ||
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
	for (child = hdf_obj_child(list), k = 0; child != NULL && k < count && !c.failed;
	    child = hdf_obj_next(child), k++) {
		size = strlen(node->arg2.s) + strlen(hdf_obj_name(child)) + 2;
		if ((path = malloc(size)) != NULL)
			snprintf(path, size, "%s.%s", node->arg2.s, hdf_obj_name(child));
		/* the parse owns both, or frees what it could not take */
		keys[k] = parse_owns(cs, strdup(hdf_obj_name(child)));
		bind.path = parse_owns(cs, path);
		if (keys[k] == NULL || bind.path == NULL) {
			c.failed = 1;
			break;
		}
		bind.key = keys[k];
		*end = nodes_copy(&c, node->case_0);
		while (*end != NULL)
			end = &(*end)->next;
	}
	if (c.failed || k != count) {
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
	words->names += c.names;
}

/* Whether ClearSilver reads text as the same number as a macro's argument
 * (atoi) and as a string in the template (strtol base 0): not "010",
 * "0x10" or 4294967296, whose copies would compare and add otherwise. */
static int
same_number(const char *text)
{
	return (long)atoi(text) == strtol(text, NULL, 0);
}

/* Writes the macro's body in place of the call: node if its arguments and
 * body allow it; left as it was when they do not or when out of memory.
 * Returns the copy, NULL when none was made. */
static CSTREE *
inline_call(struct template_words *words, CSPARSE *cs, CSTREE *node)
{
	const CS_MACRO *macro = node->arg1.macro;
	struct binding bind[8];
	struct copying c = { .cs = cs, .bind = bind, .undef_escape = node->escape };
	const CSARG *given, *param;
	CSTREE *copy;

	if (macro == NULL || macro->tree == NULL || macro->n_args < 0 ||
	    (size_t)macro->n_args > sizeof(bind) / sizeof(bind[0]) || !owns_nothing(&node->arg1) ||
	    node->case_0 != NULL || node->case_1 != NULL ||
	    count_nodes(macro->tree->case_0) > COPY_NODES_MAX)
		return NULL;
	memset(bind, 0, sizeof(bind));
	for (given = node->vargs, param = macro->args; param != NULL;
	    given = given->next, param = param->next, c.binds++) {
		if (given == NULL || given->expr1 != NULL || given->expr2 != NULL ||
		    param->s == NULL)
			return NULL;
		bind[c.binds].name = param->s;
		if (given->op_type == CS_TYPE_STRING && given->s != NULL &&
		    same_number(given->s))
			bind[c.binds].text = given->s;
		else if (given->op_type == CS_TYPE_VAR && is_word_name(given->s))
			bind[c.binds].path = given->s;
		else
			return NULL;
	}
	if (given != NULL || !body_copyable(macro->tree->case_0, bind, c.binds, 0))
		return NULL;
	copy = nodes_copy(&c, macro->tree->case_0);
	if (c.failed) {
		nodes_free(copy);
		return NULL;
	}
	if_one(node, copy, NULL);
	words->inlined++;
	words->names += c.names;
	return copy;
}

/* Writes the macros' bodies in place of the tree's call: that may be
 * (in the copies too, depth deep at most). Walks next iteratively. */
static void
inline_all(struct template_words *words, CSPARSE *cs, CSTREE *node, int depth)
{
	CSTREE *copy;

	for (; node != NULL; node = node->next) {
		if (node->cmd == commands.call && (copy = inline_call(words, cs, node)) != NULL) {
			if (depth < COPY_DEPTH_MAX)
				inline_all(words, cs, copy, depth + 1);
			continue;
		}
		inline_all(words, cs, node->case_0, depth);
		inline_all(words, cs, node->case_1, depth);
	}
}

/* Makes each var: of a string (a macro's string argument, written in
 * place) the text it writes, escaped as var: would escape it there (a
 * var: in a def: as its call: says: undef_escape, UNDEF when not known).
 * Walks next iteratively. */
static void
fold_strings(struct template_words *words, CSPARSE *cs, CSTREE *node, NEOS_ESCAPE undef_escape)
{
	for (; node != NULL; node = node->next) {
		NEOS_ESCAPE escape = node->escape == NEOS_ESCAPE_UNDEF ? undef_escape : node->escape;
		char *escaped = NULL;
		NEOERR *err;

		if (node->cmd == commands.var && node->flags == 0 &&
		    node->arg1.op_type == CS_TYPE_STRING && node->arg1.s != NULL &&
		    owns_nothing(&node->arg1) && escape != NEOS_ESCAPE_UNDEF) {
			err = neos_var_escape(escape, node->arg1.s, &escaped);
			if (err != STATUS_OK)
				nerr_ignore(&err);
			else if ((escaped = parse_owns(cs, escaped)) != NULL) {
				node->cmd = commands.literal;
				node->arg1.s = escaped;
				words->strings++;
			}
		}
		fold_strings(words, cs, node->case_0, undef_escape);
		fold_strings(words, cs, node->case_1, undef_escape);
	}
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
	/* what a macro's body leaves to its call: is known when they agree */
	if (calls_agree)
		inline_all(words, cs, cs->tree, 0);
	unroll_all(words, cs, cs->tree);
	fold_strings(words, cs, cs->tree, calls_agree ? parse_escape : NEOS_ESCAPE_UNDEF);
	/* a var: in a def: is escaped as its call: says (UNDEF when none
	 * may be known here); the nodes change only once every text of the
	 * tree's language is made */
	if (find_sites(words, cs->tree, calls_agree ? parse_escape : NEOS_ESCAPE_UNDEF) < 0) {
		words_abandon(&words);
		return -1;
	}
	if (words->count == 0 && words->loop_count == 0 && words->inlined == 0 &&
	    words->strings == 0) {
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

void
template_words_counts(const struct template_words *words, struct template_fold_counts *counts)
{
	size_t l;

	memset(counts, 0, sizeof(*counts));
	if (words == NULL)
		return;
	for (l = 0; l < words->loop_count; l++)
		counts->unrolled += !words->loops[l].looped;
	counts->inlined = words->inlined;
	counts->strings = words->strings;
	counts->names = words->names;
	counts->runs = words->run_count;
}
