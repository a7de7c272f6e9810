/*
 * Unit tests for fcgi/lib/template_fold.c: a parse with its words folded
 * into text renders the same bytes as the same parse unfolded, for every
 * template we ship in both languages and for one parse rendered in one
 * language, the other and the first again and for templates made to reach each
 * rule (words with characters html escaping changes, missing words, words
 * inside a def: called from an escape:"none" block, a local called Lang,
 * a set: of a word, expressions), and the words are really folded where
 * they may be.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/lang.h"
#include "../../fcgi/lib/template_fold.h"
#include "tap.h"

static char srcdir[1024];

static NEOERR *
append_render(void *ctx, char *text)
{
	return string_append((STRING *)ctx, text);
}

/* A parse of the file (under templates/) or of the text with hdf; NULL on
 * error. */
static CSPARSE *
parse(HDF *hdf, const char *file, const char *text)
{
	CSPARSE *cs = NULL;
	char path[2048], *copy;
	NEOERR *err = cs_init(&cs, hdf);

	if (err == STATUS_OK)
		err = cgi_register_strfuncs(cs);
	if (err == STATUS_OK && file != NULL) {
		snprintf(path, sizeof(path), "%s/templates/%s", srcdir, file);
		err = cs_parse_file(cs, path);
	} else if (err == STATUS_OK) {
		copy = strdup(text);
		err = copy != NULL ? cs_parse_string(cs, copy, strlen(copy)) :
		    nerr_raise(NERR_NOMEM, "copy");
	}
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		cs_destroy(&cs);
	}
	return cs;
}

/* What cs renders, malloc'd ("(error)" copied on error). */
static char *
render(CSPARSE *cs)
{
	STRING out;
	NEOERR *err;

	string_init(&out);
	err = cs_render(cs, &out, append_render);
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		string_clear(&out);
		return strdup("(error)");
	}
	return out.buf != NULL ? out.buf : strdup("");
}

/* Renders the file or text unfolded and folded (twice: a kept parse
 * renders again), checks the bytes are the same; returns how many words
 * were folded (-1 when the fold failed). */
static int
same_bytes(HDF *hdf, const char *file, const char *text, const char *name,
    struct template_fold_counts *counts)
{
	CSPARSE *plain = parse(hdf, file, text), *folded = parse(hdf, file, text);
	char *want = plain != NULL ? render(plain) : strdup("(no parse)");
	char *first = NULL, *second = NULL, label[512];
	struct template_words *words = NULL;
	int count = -1;

	if (folded != NULL) {
		count = template_fold_lang(folded, &words);
		if (counts != NULL)
			template_words_counts(words, counts);
		first = render(folded);
		second = render(folded);
	}
	snprintf(label, sizeof(label), "%s: the same bytes folded", name);
	is_str(first != NULL ? first : "(no parse)", want, label);
	snprintf(label, sizeof(label), "%s: the same bytes when rendered again", name);
	is_str(second != NULL ? second : "(no parse)", want, label);
	free(want);
	free(first);
	free(second);
	cs_destroy(&plain);
	cs_destroy(&folded);
	template_words_free(&words);
	return count;
}

/* What file renders unfolded against hdf, malloc'd. */
static char *
render_plain(HDF *hdf, const char *file)
{
	CSPARSE *cs = parse(hdf, file, NULL);
	char *text = cs != NULL ? render(cs) : strdup("(no parse)");

	cs_destroy(&cs);
	return text;
}

/* One folded parse of file (a page, through the layout) rendered as a
 * program renders it for shops of two languages in turn: first, second,
 * first again; each time the bytes of an unfolded parse in that
 * language. */
static void
same_bytes_in_turn(HDF *first, HDF *second, const char *page)
{
	HDF *trees[3] = { first, second, first };
	CSPARSE *folded;
	struct template_words *words = NULL;
	char label[512];
	int turn, count;

	hdf_set_value(first, "Page.Template", page);
	hdf_set_value(second, "Page.Template", page);
	folded = parse(first, "layout.cs", NULL);
	count = folded != NULL ? template_fold_lang(folded, &words) : -1;
	for (turn = 0; turn < 3; turn++) {
		char *want = render_plain(trees[turn], "layout.cs"), *got;

		snprintf(label, sizeof(label), "%s, one parse for two languages: turn %d", page,
		    turn + 1);
		if (folded == NULL || count <= 0 || template_words_use(words, trees[turn]) != 0) {
			ok(0, label);
			free(want);
			continue;
		}
		folded->hdf = trees[turn];
		got = render(folded);
		is_str(got, want, label);
		free(got);
		free(want);
	}
	cs_destroy(&folded);
	template_words_free(&words);
}

/* One folded parse of text rendered in the first language, the second and
 * the first again, each time the bytes of an unfolded parse in that
 * language; a list with other keys in the second turns back into its
 * each:, the others stay written out (unrolled after the second turn). */
static void
same_text_in_turn(HDF *first, HDF *second, const char *text, size_t unrolled)
{
	HDF *trees[3] = { first, second, first };
	CSPARSE *folded = parse(first, NULL, text);
	struct template_words *words = NULL;
	char label[512];
	int turn;

	if (folded != NULL && template_fold_lang(folded, &words) < 0)
		cs_destroy(&folded);
	for (turn = 0; turn < 3; turn++) {
		CSPARSE *plain = parse(trees[turn], NULL, text);
		char *want = plain != NULL ? render(plain) : strdup("(no parse)"), *got;

		snprintf(label, sizeof(label), "each: over words, one parse for two languages: "
		    "turn %d", turn + 1);
		if (folded == NULL || template_words_use(words, trees[turn]) != 0) {
			ok(0, label);
		} else {
			folded->hdf = trees[turn];
			got = render(folded);
			is_str(got, want, label);
			free(got);
		}
		if (turn == 1) {
			snprintf(label, sizeof(label), "each: over words with other keys in the "
			    "other language turned back: %zu still written out", unrolled);
			struct template_fold_counts counts;

			template_words_counts(words, &counts);
			ok(counts.unrolled == unrolled, label);
		}
		free(want);
		cs_destroy(&plain);
	}
	cs_destroy(&folded);
	template_words_free(&words);
}

/* Texts side by side, words folded between them, are written as one: the
 * runs of text in the parse of text. */
static void
runs_written_as_one(HDF *hdf, const char *text, size_t want, const char *name)
{
	CSPARSE *cs = parse(hdf, NULL, text);
	struct template_words *words = NULL;
	struct template_fold_counts counts;
	char label[512];

	if (cs != NULL && template_fold_lang(cs, &words) < 0)
		words = NULL;
	template_words_counts(words, &counts);
	snprintf(label, sizeof(label), "%s: %zu runs of texts written as one", name, want);
	ok(counts.runs == want, label);
	if (counts.runs != want)
		printf("#   %zu runs\n", counts.runs);
	cs_destroy(&cs);
	template_words_free(&words);
}

/* The shipped list page's loops over words (statuses, origins, page sizes,
 * bulk actions, the column chooser) are written out, and its texts side by
 * side written as one. */
static void
list_loops_written_out(HDF *hdf)
{
	CSPARSE *cs;
	struct template_words *words = NULL;
	struct template_fold_counts counts;

	hdf_set_value(hdf, "Page.Template", "customers/list.cs");
	cs = parse(hdf, "layout.cs", NULL);
	if (cs != NULL && template_fold_lang(cs, &words) < 0)
		words = NULL;
	template_words_counts(words, &counts);
	ok(counts.unrolled >= 5, "customers/list.cs: its loops over words written out");
	ok(counts.inlined >= 6, "customers/list.cs: its sort links' calls written in place");
	ok(counts.strings >= 6, "customers/list.cs: its sort links' keys made text");
	ok(counts.runs >= 100, "customers/list.cs: texts side by side written as one");
	ok(counts.names >= 10, "customers/list.cs: its column chooser's Page.Col[name(c)] made names");
	printf("#   %zu loops written out, %zu calls in place, %zu strings made text, "
	    "%zu runs of texts, %zu names made\n", counts.unrolled, counts.inlined, counts.strings,
	    counts.runs, counts.names);
	cs_destroy(&cs);
	template_words_free(&words);
}

/* A tree as a request's: the words of each language, Lang linked to one. */
static HDF *
tree(int lang)
{
	HDF *hdf = NULL;
	char path[2048];

	if (lang_load(&hdf, srcdir, NULL) != 0)
		return NULL;
	lang_link(hdf, lang);
	snprintf(path, sizeof(path), "%s/templates", srcdir);
	hdf_set_value(hdf, "hdf.loadpaths.0", path);
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	hdf_set_value(hdf, "Lang_fr.Test.Tricky", "<b>\"Élodie\" & 'Zoë'</b>");
	hdf_set_value(hdf, "Lang_fr.Test.List.a", "un & <deux>");
	hdf_set_value(hdf, "Lang_fr.Test.List.b", "trois");
	hdf_set_value(hdf, "Lang_fr.Test.Empty", "");
	hdf_set_value(hdf, "Lang_fr.Test.Scratch.a", "un");
	hdf_set_value(hdf, "Lang_fr.Test.Scratch.b", "deux");
	hdf_set_value(hdf, "Lang_fr.Test.Odd.a", "un");
	hdf_set_value(hdf, "Lang_fr.Test.Odd.b-c", "deux");
	/* the same keys in English, and a list with another key */
	hdf_set_value(hdf, "Lang_en.Test.List.a", "one & <two>");
	hdf_set_value(hdf, "Lang_en.Test.List.b", "three");
	hdf_set_value(hdf, "Lang_fr.Test.Other.a", "un");
	hdf_set_value(hdf, "Lang_fr.Test.Other.b", "deux");
	hdf_set_value(hdf, "Lang_en.Test.Other.a", "one");
	hdf_set_value(hdf, "Lang_en.Test.Other.c", "three");
	hdf_set_value(hdf, "Page.Value", "<i>page</i>");
	hdf_set_value(hdf, "Page.Pick", "b");
	hdf_set_value(hdf, "Page.List.x", "page x");
	/* choices the shipped pages' loops over words compare with */
	hdf_set_value(hdf, "Page.Filter.status", "active");
	hdf_set_value(hdf, "Page.Filter.source", "import");
	hdf_set_value(hdf, "Page.Size", "100");
	hdf_set_value(hdf, "Page.Col.phone", "1");
	hdf_set_value(hdf, "Page.Form.country", "BE");
	hdf_set_value(hdf, "Page.Form.mode", "open");
	hdf_set_value(hdf, "Page.Key", "Tricky");
	hdf_set_value(hdf, "Admin.Email", "owner@example.fr");
	hdf_set_value(hdf, "Admin.IsOwner", "1");
	hdf_set_value(hdf, "Shop.Name", "Ferme <des> Près");
	hdf_set_value(hdf, "Page.Csrf", "0123abcd");
	return hdf;
}

/* Three runs of texts: "<p>", a word, " ", a word, "!"; a word and
 * "</p>"; "<b>", a word and "</b>" in the if:. */
#define SIDE_BY_SIDE \
	"<p><?cs var:Lang.Test.Tricky ?> <?cs var:Lang.Test.Empty ?>!<?cs var:Page.Value ?>" \
	"<?cs var:Lang.Test.Tricky ?></p><?cs if:Page.Value ?><b><?cs var:Lang.Test.Tricky ?>" \
	"</b><?cs /if ?>"

struct made_case {
	const char *name;
	const char *text;
	int folded;		/* how many words the fold must fold */
	size_t unrolled;	/* how many each: it must write out */
	size_t inlined;		/* how many call: it must write in place */
	size_t names;		/* how many X[key] it must make X.key */
};

static const struct made_case made_cases[] = {
	{ "a word", "[<?cs var:Lang.Test.Tricky ?>]", 1, 0, 0, 0 },
	{ "words and texts side by side, and a page's value between", SIDE_BY_SIDE, 4, 0, 0, 0 },
	{ "a missing word and an empty one",
	  "[<?cs var:Lang.Test.Missing ?>|<?cs var:Lang.Test.Empty ?>]", 2, 0, 0, 0 },
	{ "a word in an escape:\"none\" block",
	  "<?cs escape:\"none\" ?><?cs var:Lang.Test.Tricky ?><?cs /escape ?>"
	  "<?cs var:Lang.Test.Tricky ?>", 2, 0, 0, 0 },
	{ "a word in a def: called at the top",
	  "<?cs def:m(x) ?><?cs var:Lang.Test.Tricky ?>/<?cs var:x ?><?cs /def ?>"
	  "<?cs call:m(Page.Value) ?><?cs call:m(Lang.Test.Tricky) ?>", 3, 0, 1, 0 },
	{ "a word in a def: called from an escape:\"none\" block",
	  "<?cs def:m() ?><?cs var:Lang.Test.Tricky ?><?cs /def ?>"
	  "<?cs call:m() ?><?cs escape:\"none\" ?><?cs call:m() ?><?cs /escape ?>", 0, 0, 0, 0 },
	{ "a word in a def: called from a def: in an escape:\"none\" block",
	  "<?cs def:inner() ?><?cs var:Lang.Test.Tricky ?><?cs /def ?>"
	  "<?cs def:outer() ?><?cs call:inner() ?><?cs /def ?>"
	  "<?cs call:outer() ?><?cs escape:\"none\" ?><?cs call:outer() ?><?cs /escape ?>", 0, 0, 0, 0 },
	{ "words in ifs, elses and each:",
	  "<?cs if:Page.Value ?><?cs var:Lang.Test.Tricky ?><?cs else ?>no<?cs /if ?>"
	  "<?cs if:!Page.Value ?>x<?cs elif:Page.Key ?><?cs var:Lang.Test.Empty ?><?cs /if ?>"
	  "<?cs each:o = Lang.Test.List ?>(<?cs name:o ?>=<?cs var:o ?>"
	  "<?cs var:Lang.Test.Tricky ?>)<?cs /each ?>", 7, 1, 0, 0 },
	/* the each: written out: 2 words of the copies, and 2 in the body kept */
	{ "an each: over words, its local in names, values and choices",
	  "<?cs each:o = Lang.Test.List ?><?cs name:o ?>=<?cs var:o ?>;"
	  "<?cs if:Page.Pick == name(o) ?> picked<?cs elif:o == \"trois\" ?> trois"
	  "<?cs else ?> not<?cs /if ?><?cs var:Page.Col[name(o)] ?>|<?cs /each ?>", 2, 1, 0, 2 },
	{ "an each: over words in a def:, and a macro given its local",
	  "<?cs def:show(w) ?>(<?cs var:w ?>)<?cs /def ?>"
	  "<?cs def:m() ?><?cs each:o = Lang.Test.List ?><?cs call:show(o) ?>"
	  "<?cs call:show(name(o)) ?><?cs /each ?><?cs /def ?><?cs call:m() ?>", 0, 2, 1, 0 },
	{ "nested each: over words",
	  "<?cs each:a = Lang.Test.List ?><?cs each:b = Lang.Test.List ?>"
	  "<?cs name:a ?><?cs name:b ?>=<?cs var:b ?>,<?cs /each ?><?cs /each ?>", 6, 4, 0, 0 },
	{ "an each: over words inside an each: over the page's",
	  "<?cs each:p = Page.List ?><?cs each:o = Lang.Test.List ?><?cs var:p ?>"
	  "<?cs name:o ?><?cs /each ?><?cs /each ?>", 0, 1, 0, 0 },
	{ "first() and last() of an each: over words are left",
	  "<?cs each:o = Lang.Test.List ?><?cs if:first(o) ?>[<?cs /if ?><?cs var:o ?>"
	  "<?cs if:last(o) ?>]<?cs /if ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "a macro reading the caller's local is left",
	  "<?cs def:show(p) ?><?cs var:o ?><?cs var:p ?><?cs /def ?>"
	  "<?cs each:o = Lang.Test.List ?><?cs call:show(Page.Value) ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "a macro with no arguments reading the caller's local is written in place",
	  "<?cs def:show() ?><?cs var:o ?><?cs /def ?>"
	  "<?cs each:o = Lang.Test.List ?><?cs call:show() ?><?cs /each ?>", 2, 1, 1, 0 },
	{ "a call: of strings and words written in place",
	  "<?cs def:link(key, label) ?><a href=\"?sort=<?cs var:key ?>\"<?cs if:Page.Pick == key ?>"
	  " class=\"on\"<?cs elif:key ?> class=\"<?cs var:string.length(key) ?>\"<?cs /if ?>>"
	  "<?cs var:label ?><?cs var:label.Missing ?>|<?cs var:Page.Col[key] ?></a><?cs /def ?>"
	  "<?cs call:link(\"b\", Lang.Test.Tricky) ?><?cs call:link(\"<b>&\", Lang.Test.List) ?>"
	  "<?cs call:link(Page.Pick, Lang.Test.Tricky) ?><?cs call:link(\"\", Page.Value) ?>", 4, 0, 2, 2 },
	/* Scratch.a and Scratch.b are words once named: folded in both copies */
	{ "a name made of a written-out loop's key",
	  "<?cs each:o = Lang.Test.List ?><?cs var:Lang.Test.Scratch[name(o)] ?>"
	  "<?cs if:Page.Col[name(o)] ?> on<?cs /if ?><?cs if:!Page.Col[name(o)] ?> off<?cs /if ?>"
	  ";<?cs /each ?>", 2, 1, 0, 6 },
	{ "a name made of a string argument, and of an empty one",
	  "<?cs def:m(k) ?>[<?cs var:Page.Col[k] ?>|<?cs var:Page.Filter[k] ?>]<?cs /def ?>"
	  "<?cs call:m(\"phone\") ?><?cs call:m(\"status\") ?><?cs call:m(\"\") ?>"
	  "<?cs call:m(\"nothing\") ?>", 0, 0, 4, 6 },
	{ "a name made of a page's value is left",
	  "<?cs each:o = Lang.Test.List ?><?cs var:Page.Col[Page.Pick] ?>"
	  "<?cs var:Lang.Test.Scratch[Page.Pick] ?>;<?cs /each ?>", 0, 1, 0, 0 },
	{ "name() of a string argument is left",
	  "<?cs def:m(k) ?>[<?cs var:name(k) ?>]<?cs /def ?><?cs call:m(\"a\") ?>", 0, 0, 0, 0 },
	{ "a string argument's child is left",
	  "<?cs def:m(k) ?>[<?cs var:k.x ?>]<?cs /def ?><?cs call:m(\"a\") ?>", 0, 0, 0, 0 },
	/* ClearSilver reads a macro's argument as a number with atoi() and a
	 * string with strtol(, 0): "010", "0x10" and 2^32 would change */
	{ "a string argument read as a number is written in place only when both readings agree",
	  "<?cs def:m(k) ?>[<?cs if:k == 10 ?>ten<?cs else ?>not<?cs /if ?>|<?cs var:k + 1 ?>|"
	  "<?cs if:k > 9 ?>big<?cs /if ?>]<?cs /def ?>"
	  "<?cs call:m(\"010\") ?><?cs call:m(\"0x10\") ?><?cs call:m(\"4294967296\") ?>"
	  "<?cs call:m(\" 12\") ?><?cs call:m(\"10\") ?><?cs call:m(\"ten\") ?>", 0, 0, 3, 0 },
	{ "a string argument indexed is left",
	  "<?cs def:m(k) ?>[<?cs var:k[0] ?>|<?cs var:k[\"x\"] ?>]<?cs /def ?>"
	  "<?cs call:m(\"<abc>\") ?>", 0, 0, 0, 0 },
	{ "a macro with a set: is left",
	  "<?cs def:m(k) ?><?cs set:Page.Seen = k ?><?cs var:Page.Seen ?><?cs /def ?>"
	  "<?cs call:m(\"a\") ?>", 0, 0, 0, 0 },
	{ "a macro calling itself with its argument is left",
	  "<?cs def:r(k) ?><?cs if:k == \"a\" ?><?cs call:r(\"b\") ?><?cs /if ?><?cs var:k ?>"
	  "<?cs /def ?><?cs call:r(\"a\") ?>", 0, 0, 0, 0 },
	{ "a macro calling one that reads its argument is left",
	  "<?cs def:inner(p) ?><?cs var:k ?><?cs var:p ?><?cs /def ?>"
	  "<?cs def:outer(k) ?><?cs call:inner(Page.Value) ?><?cs /def ?>"
	  "<?cs call:outer(\"a\") ?>", 0, 0, 0, 0 },
	{ "a set: of the local is left",
	  "<?cs each:o = Lang.Test.Scratch ?><?cs set:o = \"x\" ?><?cs var:o ?><?cs /each ?>",
	  0, 0, 0, 0 },
	{ "the local named again inside is left",
	  "<?cs each:o = Lang.Test.List ?><?cs each:o = Page.List ?><?cs var:o ?>"
	  "<?cs /each ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "lvar: in the body is left",
	  "<?cs each:o = Lang.Test.List ?><?cs lvar:Page.Value ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "a key that is not a word is left",
	  "<?cs each:o = Lang.Test.Odd ?><?cs name:o ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "a list named by an expression is left",
	  "<?cs each:o = Lang.Test[Page.Key] ?><?cs name:o ?><?cs /each ?>"
	  "<?cs each:o = Lang.Test.Missing ?><?cs name:o ?><?cs /each ?>", 0, 0, 0, 0 },
	{ "expressions and var! are left",
	  "<?cs var:Lang.Test.Tricky + \"!\" ?><?cs var:Lang.Test[Page.Key] ?>"
	  "<?cs var:html_escape(Lang.Test.Tricky) ?><?cs var!Lang.Test.Tricky ?>"
	  "<?cs var:Page.Value ?><?cs uvar:Lang.Test.Tricky ?>", 0, 0, 0, 0 },
	{ "a local called Lang",
	  "<?cs with:Lang = Page ?><?cs var:Lang.Value ?><?cs /with ?>"
	  "<?cs var:Lang.Test.Tricky ?>", 0, 0, 0, 0 },
	{ "a set: of a word",
	  "<?cs set:Lang.Test.Set = \"first\" ?><?cs var:Lang.Test.Set ?>"
	  "<?cs set:Lang.Test.Set = Page.Value ?><?cs var:Lang.Test.Set ?>", 0, 0, 0, 0 },
	{ "a def:'s argument called Lang",
	  "<?cs def:m(Lang) ?><?cs var:Lang.Value ?><?cs /def ?><?cs call:m(Page) ?>"
	  "<?cs var:Lang.Test.Tricky ?>", 0, 0, 0, 0 },
};

/* Whether templates/<file> holds text (on one line). */
static int
file_has(const char *file, const char *text)
{
	char path[2048], line[4096];
	FILE *in;
	int found = 0;

	snprintf(path, sizeof(path), "%s/templates/%s", srcdir, file);
	if ((in = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), in) != NULL)
		found = strstr(line, text) != NULL;
	fclose(in);
	return found;
}

/* Every template we ship, as the layout includes it (a page: it defines
 * the content() the layout calls) or alone (a mail's html and text),
 * folded: the same bytes, and its words folded (those of the layout for
 * a page); the pieces pages include are in their pages. */
static void
test_every_shipped_template(HDF *hdf, const char *language)
{
	static const char *const folders[] = { "", "account", "customers", "export", "groups",
		"import", "login", "mail", "signup" };
	int pages = 0;
	size_t i;

	for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		char path[2048], file[512], name[600];
		struct dirent *entry;
		DIR *dir;

		snprintf(path, sizeof(path), "%s/templates/%s", srcdir, folders[i]);
		if ((dir = opendir(path)) == NULL) {
			ok(0, path);
			continue;
		}
		while ((entry = readdir(dir)) != NULL) {
			size_t length = strlen(entry->d_name);
			int mail = strcmp(folders[i], "mail") == 0, count;

			if (length < 4 || strcmp(entry->d_name + length - 3, ".cs") != 0)
				continue;
			snprintf(file, sizeof(file), "%s%s%s", folders[i], *folders[i] ? "/" : "",
			    entry->d_name);
			if (!mail && !file_has(file, "def:content()"))
				continue;	/* the layout, or a piece pages include */
			snprintf(name, sizeof(name), "%s in %s", file, language);
			if (mail)
				count = same_bytes(hdf, file, NULL, name, NULL);
			else {
				hdf_set_value(hdf, "Page.Template", file);
				count = same_bytes(hdf, "layout.cs", NULL, name, NULL);
			}
			snprintf(name, sizeof(name), "%s in %s: words folded", file, language);
			if (!mail || file_has(file, "var:Lang."))
				ok(count > 0, name);
			pages++;
		}
		closedir(dir);
	}
	ok(pages > 60, "every shipped template was rendered");
}

int
main(void)
{
	const char *top = getenv("FIDELE_SRCDIR");
	HDF *hdf, *english;
	size_t i;

	snprintf(srcdir, sizeof(srcdir), "%s", top != NULL ? top : ".");
	hdf = tree(LANG_FR);
	ok(hdf != NULL, "the words are read");
	if (hdf == NULL)
		return tap_done();
	for (i = 0; i < sizeof(made_cases) / sizeof(made_cases[0]); i++) {
		char name[256];
		struct template_fold_counts counts = { 0 };
		int count = same_bytes(hdf, NULL, made_cases[i].text, made_cases[i].name,
		    &counts);

		snprintf(name, sizeof(name), "%s: %d words folded", made_cases[i].name,
		    made_cases[i].folded);
		ok(count == made_cases[i].folded, name);
		if (count != made_cases[i].folded)
			printf("#   %d folded\n", count);
		snprintf(name, sizeof(name), "%s: %zu each: written out", made_cases[i].name,
		    made_cases[i].unrolled);
		ok(counts.unrolled == made_cases[i].unrolled, name);
		if (counts.unrolled != made_cases[i].unrolled)
			printf("#   %zu written out\n", counts.unrolled);
		snprintf(name, sizeof(name), "%s: %zu call: written in place", made_cases[i].name,
		    made_cases[i].inlined);
		ok(counts.inlined == made_cases[i].inlined, name);
		if (counts.inlined != made_cases[i].inlined)
			printf("#   %zu in place\n", counts.inlined);
		snprintf(name, sizeof(name), "%s: %zu X[key] made a name", made_cases[i].name,
		    made_cases[i].names);
		ok(counts.names == made_cases[i].names, name);
		if (counts.names != made_cases[i].names)
			printf("#   %zu names\n", counts.names);
	}
	runs_written_as_one(hdf, SIDE_BY_SIDE, 3, "words and texts side by side");
	runs_written_as_one(hdf, "<p><?cs var:Page.Value ?></p>", 0, "a page's value");
	test_every_shipped_template(hdf, "French");
	list_loops_written_out(hdf);
	english = tree(LANG_EN);
	ok(english != NULL, "the English words are read");
	if (english != NULL) {
		test_every_shipped_template(english, "English");
		same_bytes_in_turn(hdf, english, "customers/list.cs");
		same_text_in_turn(hdf, english,
		    "<?cs each:o = Lang.Test.List ?><?cs name:o ?>=<?cs var:o ?>;<?cs /each ?>|"
		    "<?cs each:o = Lang.Test.Other ?><?cs name:o ?>=<?cs var:o ?>;<?cs /each ?>", 1);
		same_bytes_in_turn(english, hdf, "login/admin.cs");
	}
	hdf_destroy(&hdf);
	hdf_destroy(&english);
	return tap_done();
}
