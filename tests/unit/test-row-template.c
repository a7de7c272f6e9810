/*
 * Unit tests for fcgi/lib/row_template.c: the customer list's line
 * (templates/customers/list-row.cs) written by the row template is what
 * ClearSilver writes from the same file, byte for byte, for rows with every
 * character html escaping changes, empty and missing values and values
 * ClearSilver's if: reads as numbers; its name is what macros.cs's
 * person_name writes; files outside the subset are refused.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fcgi/lib/row_template.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The list's fields (customers-list.c, row_fields) */
static const char *const fields[] = { "id", "first_name", "last_name", "email", "label", "phone",
	"status", "status_label", "created", "orders", "spent", "last_order", "email_user",
	"email_domain" };

struct row_case {
	const char *name;
	const char *values[N(fields)];	/* NULL: not set */
	const char *row_back;		/* Page.RowBack, NULL: not set */
};

static const struct row_case cases[] = {
	{ "a plain row", { "844", "Élodie", "Martin", "elodie@example.fr", "Martin, Élodie",
	    "+33 6 12 34 56 78", "active", "Actif", "23/11/2026", "3", "1 234,56 €",
	    "24/11/2026", "elodie", "example.fr" }, NULL },
	{ "every character html escaping changes", { "12", "Zoë \"Jo\" & <b>", "'<Aa>' O'Brien",
	    "o.brien+<x>@example.fr", "'<Aa>' O'Brien, Zoë \"Jo\" & <b>", "+33\r6", "blocked",
	    "Bloqué <b>", "01/01/2026", "12", "1 234 567,89 €", "01/07/2026", "o.brien+<x>",
	    "example.fr" },
	    "?back=%2Fadmin%2Fcustomers%3Fq%3D%3Cx%3E&\"'" },
	{ "no name at all", { "13", "", "", "nameless@example.fr", "nameless@example.fr", "",
	    "invited", "Invité", "29/03/2026", "0", "0,00 €", "" }, NULL },
	{ "only a first name", { "14", "Anne", "", "anne@example.fr", "Anne", NULL, "active",
	    "Actif", NULL, NULL, NULL, NULL }, "?back=x" },
	{ "only a last name", { "15", "", "Durand", "d@example.fr", "Durand", "", "inactive",
	    "Inactif", "", "", "", "" }, NULL },
	{ "names ClearSilver's if: reads as numbers", { "16", "0", "0x0", "zero@example.fr",
	    "0x0, 0", "0", "active", "Actif", "", "0", "", "" }, NULL },
	{ "names that are numbers not 0", { "17", " 7", "-1", "n@example.fr", "-1,  7", "1",
	    "active", "Actif", "", "", "", "" }, NULL },
	{ "names that are almost numbers", { "18", "0 ", "0a", "a@example.fr", "0a, 0 ", "",
	    "active", "Actif", "", "", "", "" }, NULL },
	{ "zeros behind a space or a sign", { "20", " 0", "+0", "z@example.fr", "+0,  0", "",
	    "active", "Actif", "", "", "", "" }, NULL },
	{ "more zeros, and names that start with no digit", { "21", "\t0", "-0", "t@example.fr",
	    "-0, \t0", "", "active", "Actif", "", "", "", "" }, NULL },
	{ "names that start with a letter or an accent", { "22", "\xc3\x89lodie", "x0",
	    "e@example.fr", "x0, \xc3\x89lodie", "", "active", "Actif", "", "", "", "" }, NULL },
	{ "missing names", { "19", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL }, NULL },
};

static NEOERR *
append_render(void *ctx, char *text)
{
	return string_append((STRING *)ctx, text);
}

static char srcdir[1024];

/* What ClearSilver renders from the template text (html escaping, macros
 * from templates/) with hdf; malloc'd, NULL on error. */
static char *
clearsilver_render(HDF *hdf, const char *file, const char *text)
{
	CSPARSE *cs = NULL;
	STRING out;
	NEOERR *err;
	char path[2048], *copy = NULL;

	string_init(&out);
	snprintf(path, sizeof(path), "%s/templates", srcdir);
	hdf_set_value(hdf, "hdf.loadpaths.0", path);
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	err = cs_init(&cs, hdf);
	if (err == STATUS_OK) {
		if (file != NULL) {
			snprintf(path, sizeof(path), "%s/templates/%s", srcdir, file);
			err = cs_parse_file(cs, path);
		} else if ((copy = strdup(text)) != NULL)
			err = cs_parse_string(cs, copy, strlen(copy));
	}
	if (err == STATUS_OK)
		err = cs_render(cs, &out, append_render);
	cs_destroy(&cs);
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		string_clear(&out);
		return NULL;
	}
	return out.buf != NULL ? out.buf : strdup("");
}

static HDF *
case_tree(const struct row_case *row)
{
	HDF *hdf = NULL;
	char name[64];
	size_t i;

	if (hdf_init(&hdf) != STATUS_OK)
		return NULL;
	for (i = 0; i < N(fields); i++)
		if (row->values[i] != NULL) {
			snprintf(name, sizeof(name), "c.%s", fields[i]);
			hdf_set_value(hdf, name, row->values[i]);
		}
	if (row->row_back != NULL)
		hdf_set_value(hdf, "Page.RowBack", row->row_back);
	return hdf;
}

/* Each case's line from the row template is ClearSilver's from the file. */
static void
test_rows_as_clearsilver_writes_them(struct row_template *template)
{
	size_t i;

	for (i = 0; i < N(cases); i++) {
		HDF *hdf = case_tree(&cases[i]);
		char *expected = hdf != NULL ?
		    clearsilver_render(hdf, "customers/list-row.cs", NULL) : NULL;
		STRING out;
		char name[160];

		string_init(&out);
		snprintf(name, sizeof(name), "a line with %s is written", cases[i].name);
		ok(expected != NULL && row_template_page(template, hdf) == 0 &&
		    row_template_write(template, cases[i].values, &out) == 0, name);
		snprintf(name, sizeof(name), "a line with %s is what ClearSilver writes",
		    cases[i].name);
		is_str(out.buf != NULL ? out.buf : "", expected != NULL ? expected : "(error)", name);
		string_clear(&out);
		free(expected);
		hdf_destroy(&hdf);
	}
}

/* The list appends its rows one after another to the page's buffer: a
 * page of rows, one of them with values thousands of bytes long made of
 * what escaping makes six times longer, written after the page's own text,
 * is that text and ClearSilver's rows in order (the buffer grows many
 * times on the way, and keeps what it held). */
static void
test_rows_follow_each_other(struct row_template *template)
{
	struct row_case long_row = cases[1];
	char *long_name = malloc(3001), *expected = strdup("<table>"), *line;
	STRING out;
	size_t i, n, length;
	int written = 1;

	if (long_name == NULL || expected == NULL) {
		ok(0, "a page of rows is written");
		return;
	}
	for (i = 0; i < 3000; i++)
		long_name[i] = "\"&'<x>\r"[i % 7];
	long_name[3000] = '\0';
	long_row.name = "a long name";
	long_row.values[1] = long_row.values[2] = long_row.values[4] = long_name;
	string_init(&out);
	string_append(&out, "<table>");
	for (n = 0; n < 3 * N(cases); n++) {
		const struct row_case *row = n == N(cases) ? &long_row : &cases[n % N(cases)];
		HDF *hdf = case_tree(row);

		line = hdf != NULL ? clearsilver_render(hdf, "customers/list-row.cs", NULL) : NULL;
		length = strlen(expected);
		expected = line != NULL ? realloc(expected, length + strlen(line) + 1) : NULL;
		if (expected == NULL || row_template_page(template, hdf) != 0 ||
		    row_template_write(template, row->values, &out) != 0)
			written = 0;
		if (expected != NULL)
			strcpy(expected + length, line);
		free(line);
		hdf_destroy(&hdf);
		if (expected == NULL)
			break;
	}
	ok(written && expected != NULL, "a page of rows with a long one is written");
	is_str(out.buf != NULL ? out.buf : "", expected != NULL ? expected : "(error)",
	    "a page of rows with a long one is the page's text and ClearSilver's rows");
	ok(out.buf != NULL && (size_t)out.len == strlen(out.buf) && out.len < out.max,
	    "the buffer's length is what it holds, within what it has");
	string_clear(&out);
	free(expected);
	free(long_name);
}

/* A narrow column breaks the address before its "@", and both of the
 * row's copies of it are written so. */
static void
test_address_breaks_before_its_at(struct row_template *template)
{
	HDF *hdf = case_tree(&cases[0]);
	STRING out;
	const char *first;

	string_init(&out);
	ok(hdf != NULL && row_template_page(template, hdf) == 0 &&
	    row_template_write(template, cases[0].values, &out) == 0 && out.buf != NULL &&
	    (first = strstr(out.buf, "<span class=\"sub\">elodie<wbr>@example.fr</span>")) != NULL &&
	    strstr(first + 1, "<td>elodie<wbr>@example.fr</td>") != NULL,
	    "the address may break before its @, in the name's cell and its own");
	string_clear(&out);
	hdf_destroy(&hdf);
}

/* The name cell holds what person_name(c.last_name, c.first_name, "—")
 * writes, for every case. */
static void
test_name_as_person_name_writes_it(struct row_template *template)
{
	size_t i;

	for (i = 0; i < N(cases); i++) {
		HDF *hdf = case_tree(&cases[i]);
		char *name = hdf != NULL ? clearsilver_render(hdf, NULL,
		    "<?cs include:\"macros.cs\" ?><a><?cs call:person_name(c.last_name, c.first_name, "
		    "\"—\") ?></a>") : NULL;
		char *cell = NULL, title[160];
		STRING out;

		string_init(&out);
		if (name != NULL && row_template_page(template, hdf) == 0 &&
		    row_template_write(template, cases[i].values, &out) == 0 && out.buf != NULL) {
			/* from the link's end of tag to its </a> */
			char *link = strstr(out.buf, "<td class=\"name\"><a href=");

			cell = link != NULL ? strchr(link + 17, '>') : NULL;
			if (cell != NULL) {
				char *end = strstr(cell, "</a>");

				if (end != NULL)
					end[4] = '\0';
			}
		}
		snprintf(title, sizeof(title), "the name of a line with %s is person_name's",
		    cases[i].name);
		is_str(cell != NULL ? cell : "(no name cell)",
		    name != NULL ? strchr(name, '>') : "(error)", title);
		string_clear(&out);
		free(name);
		hdf_destroy(&hdf);
	}
}

/* A template outside the subset, or with an unknown row field, is refused. */
static void
test_refused_templates(void)
{
	static const struct {
		const char *name, *text;
	} refused[] = {
		{ "an each: loop", "<?cs each:x = Customers ?>a<?cs /each ?>" },
		{ "a call: of a macro", "<?cs call:person_name(c.last_name, c.first_name, \"-\") ?>" },
		{ "an expression", "<?cs if:c.last_name && c.first_name ?>,<?cs /if ?>" },
		{ "an if: without its /if", "<?cs if:c.last_name ?>," },
		{ "a /if without its if:", "a<?cs /if ?>" },
		{ "a field the row does not have", "<?cs var:c.password ?>" },
		{ "a lookup by a computed name", "<?cs var:Lang.Status[c.status] ?>" },
		{ "a <?cs without its ?>", "<td><?cs var:c.id" },
	};
	char path[] = "/tmp/test-row-template-XXXXXX";
	size_t i;

	for (i = 0; i < N(refused); i++) {
		int fd = mkstemp(path);
		struct row_template *template = NULL;
		char name[120];

		if (fd >= 0 && write(fd, refused[i].text, strlen(refused[i].text)) ==
		    (ssize_t)strlen(refused[i].text)) {
			close(fd);
			template = row_template_load(path, fields, (int)N(fields));
		}
		snprintf(name, sizeof(name), "a row template with %s is refused", refused[i].name);
		ok(fd >= 0 && template == NULL, name);
		row_template_free(template);
		unlink(path);
		strcpy(path, "/tmp/test-row-template-XXXXXX");
	}
}

/* macros.cs's email_text, the pages' way of writing an address that may
 * break before its "@" (the list's row template splits it in C): escaped
 * as every var:, whatever the address. */
static void
test_email_text(void)
{
	static const struct {
		const char *address, *written, *why;
	} addresses[] = {
		{ "agathe.navigateur@exemple.fr", "agathe.navigateur<wbr>@exemple.fr",
		    "an address breaks before its @" },
		{ "<b>&x@y.fr", "&lt;b&gt;&amp;x<wbr>@y.fr", "both parts are escaped" },
		{ "élodie@müller.fr", "élodie<wbr>@müller.fr", "accented parts stay whole" },
		{ "no-at-here", "no-at-here", "a text without @ is written as it is" },
		{ "@alone", "@alone", "an @ first is not split" },
		{ "", "", "an empty address writes nothing" },
	};
	size_t i;

	for (i = 0; i < N(addresses); i++) {
		HDF *hdf = NULL;
		char *out = NULL;

		if (hdf_init(&hdf) == STATUS_OK) {
			hdf_set_value(hdf, "c.email", addresses[i].address);
			out = clearsilver_render(hdf, NULL, "<?cs include:\"macros.cs\" ?>"
			    "<?cs call:email_text(c.email) ?>");
		}
		/* macros.cs ends with its file's line break */
		is_str(out == NULL ? "(render failed)" : out + (out[0] == '\n'), addresses[i].written,
		    addresses[i].why);
		free(out);
		hdf_destroy(&hdf);
	}
}

int
main(void)
{
	const char *from_environment = getenv("FIDELE_SRCDIR");
	struct row_template *template;
	char path[2048];

	if (from_environment != NULL)
		snprintf(srcdir, sizeof(srcdir), "%s", from_environment);
	else {
		/* run by hand or by make check: the tree this file is in */
		snprintf(srcdir, sizeof(srcdir), "%s", __FILE__);
		srcdir[strlen(srcdir) - strlen("tests/unit/test-row-template.c")] = '\0';
		strcat(srcdir, ".");
	}
	snprintf(path, sizeof(path), "%s/templates/customers/list-row.cs", srcdir);
	template = row_template_load(path, fields, (int)N(fields));
	ok(template != NULL, "the list's row template is read");
	if (template != NULL) {
		test_rows_as_clearsilver_writes_them(template);
		test_name_as_person_name_writes_it(template);
		test_address_breaks_before_its_at(template);
		test_rows_follow_each_other(template);
	}
	row_template_free(template);
	test_refused_templates();
	test_email_text();
	return tap_done();
}
