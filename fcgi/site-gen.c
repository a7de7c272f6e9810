/*
 * site-gen: reads what each web program serves and renders a template
 * with it. Run by make, never installed.
 *
 *     site-gen TEMPLATE fcgi/login.site.hdf fcgi/customers.site.hdf ...
 *
 * Each declaration (fcgi/<program>.site.hdf, named after its program) says
 * which URLs the program owns and which entries of the admin navigation
 * bar and which areas it brings; the declarations come in the order of
 * fideleprog_PROGRAMS. site-gen checks them all together (a misspelt key,
 * a path with a character no URL of ours has, a location two programs
 * claim, a nav entry its program does not serve... stop the build with a
 * message naming the file), then renders TEMPLATE (ClearSilver, no
 * escaping: every value was checked to be made of safe characters) on
 * standard output against this tree:
 *
 *     Program.N.Name, .Summary.K (one line each), .Fallback, .Lang (the
 *         language files' sections it reads, separated by one space)
 *     Program.N.Location.K.Name, .Match (exact|prefix), .Path, .Secret, .MaxBody,
 *         .Download
 *     Fallback        the program that answers unknown paths and the 413
 *     Route.K.Program, .Match, .Path, .Regex, .Secret, .MaxBody, .MaxBodyBytes,
 *         .Download   every location again, in the order a server that takes
 *                     the first match must try them (exact paths, then
 *                     prefixes longest first: nginx's choice); Regex is the
 *                     path as an anchored regular expression (Apache)
 *     MaxBodyBytes    the largest body any location takes, in bytes
 *     Nav.K.Path, .Label, .Section, .OwnerOnly, .Program   (by Order)
 *     Area.K.Name, .Prefix, .Home, .SignIn, .Visitor, .Program
 *
 * The templates are nginx-conf/fidele.conf.cs (the nginx snippet),
 * apache-conf/fidele.conf.cs and fidele-proxy.conf.cs (Apache's, which
 * both include apache-conf/common.cs: a template's include names a file
 * of its own folder) and
 * fcgi/site-table.c.cs (the table every program links, fcgi/site.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clearsilver.h"

#define MAX_NAV 64

/* What a declaration may say, per node; anything else is a typo. */
static const char *const program_keys[] = { "Summary", "Fallback", "Location", "Nav",
	"Area", "Lang", NULL };
static const char *const location_keys[] = { "Exact", "Prefix", "Secret", "MaxBody", "Download",
	NULL };
static const char *const nav_keys[] = { "Path", "Label", "Section", "OwnerOnly", "Order",
	NULL };
static const char *const area_keys[] = { "Prefix", "Home", "SignIn", "Visitor", NULL };

struct nav_item {
	HDF *node;
	const char *program;
	long order;
	int rank;	/* declaration order, to keep equal orders stable */
};

static const char *current_file;
static int errors;

static void
fail(const char *what, const char *name, const char *detail)
{
	fprintf(stderr, "site-gen: %s: %s%s%s%s\n", current_file, what, name ? " " : "",
	    name ? name : "", detail ? detail : "");
	errors++;
}

static void
cs_fail(const char *context, NEOERR *err)
{
	STRING text;

	string_init(&text);
	nerr_error_string(err, &text);
	fprintf(stderr, "site-gen: %s: %s\n", context, text.buf ? text.buf : "error");
	string_clear(&text);
	nerr_ignore(&err);
	errors++;
}

static int
made_of(const char *value, const char *allowed)
{
	return value[0] != '\0' && strspn(value, allowed) == strlen(value);
}

#define PATH_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-~"
#define WORD_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/* A URL path as a location, a link or a C string can hold it unquoted. */
static int
path_ok(const char *value)
{
	return value != NULL && value[0] == '/' && made_of(value, PATH_CHARS);
}

static int
flag_ok(const char *value)
{
	return value == NULL || strcmp(value, "0") == 0 || strcmp(value, "1") == 0;
}

/* An nginx size: digits, then k or m. */
static int
size_ok(const char *value)
{
	size_t digits = strspn(value, "0123456789");

	/* "0" would mean no limit at all to nginx */
	return digits > 0 && strtol(value, NULL, 10) > 0 && (value[digits] == '\0' ||
	    (strchr("kKmM", value[digits]) != NULL && value[digits + 1] == '\0'));
}

/* Whether a Lang value is names of letters and _, one space apart (it
 * becomes a C string). */
static int
sections_ok(const char *value)
{
	const char *c;

	for (c = value; *c != '\0'; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '_' ||
		    (*c == ' ' && c > value && c[-1] != ' ' && c[1] != '\0')))
			return 0;
	return 1;
}

/* Fails on a child of node whose name is none of keys (kind names the
 * node in the message: "Location", "Nav"...; NULL for the top level). */
static void
check_keys(HDF *node, const char *const *keys, const char *kind)
{
	HDF *child;
	char detail[160];
	size_t i;

	for (child = hdf_obj_child(node); child != NULL; child = hdf_obj_next(child)) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(hdf_obj_name(child), keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			snprintf(detail, sizeof(detail), ": unknown key %s", hdf_obj_name(child));
			fail(kind != NULL ? kind : "top level", kind != NULL ? hdf_obj_name(node) : NULL,
			    detail);
		}
	}
}

/* The program a request for this path reaches, as nginx chooses: an exact
 * location, else the longest prefix; NULL when only the catch-all would. */
static const char *
program_serving(HDF *site, const char *path)
{
	HDF *program, *location;
	const char *best = NULL;
	size_t best_length = 0;

	for (program = hdf_get_child(site, "Program"); program != NULL;
	    program = hdf_obj_next(program))
		for (location = hdf_get_child(program, "Location"); location != NULL;
		    location = hdf_obj_next(location)) {
			const char *match = hdf_get_value(location, "Match", "");
			const char *at = hdf_get_value(location, "Path", "");
			const char *name = hdf_get_value(program, "Name", "");

			if (strcmp(match, "exact") == 0 && strcmp(at, path) == 0)
				return name;
			if (strcmp(match, "prefix") == 0 && strncmp(at, path, strlen(at)) == 0 &&
			    strlen(at) > best_length) {
				best = name;
				best_length = strlen(at);
			}
		}
	return best;
}

/* Program.N.Summary.K: the summary's lines, for comments. */
static void
read_summary(HDF *out, const char *summary)
{
	const char *line = summary;
	char name[32];
	int count = 0;

	while (*line != '\0') {
		size_t length = strcspn(line, "\n");

		if (length > 0) {
			snprintf(name, sizeof(name), "Summary.%d", count++);
			hdf_set_buf(out, name, strndup(line, length));
		}
		line += length;
		if (*line == '\n')
			line++;
	}
}

static void
read_locations(HDF *site, HDF *out, HDF *declared)
{
	HDF *location;
	char name[64];
	int count = 0;

	for (location = hdf_get_child(declared, "Location"); location != NULL;
	    location = hdf_obj_next(location)) {
		const char *exact = hdf_get_value(location, "Exact", NULL);
		const char *prefix = hdf_get_value(location, "Prefix", NULL);
		const char *secret = hdf_get_value(location, "Secret", NULL);
		const char *max_body = hdf_get_value(location, "MaxBody", NULL);
		const char *download = hdf_get_value(location, "Download", NULL);
		const char *path = exact != NULL ? exact : prefix;
		const char *match = exact != NULL ? "exact" : "prefix";
		HDF *program;

		check_keys(location, location_keys, "Location");
		if ((exact == NULL) == (prefix == NULL) || !path_ok(path)) {
			fail("Location", hdf_obj_name(location),
			    ": needs one Exact or Prefix path, made of letters, digits and /_.-~");
			continue;
		}
		if (!flag_ok(secret))
			fail("Location", hdf_obj_name(location), ": Secret is 0 or 1");
		if (!flag_ok(download))
			fail("Location", hdf_obj_name(location), ": Download is 0 or 1");
		if (max_body != NULL && !size_ok(max_body))
			fail("Location", hdf_obj_name(location), ": MaxBody is a size like 64k or 50m");
		for (program = hdf_get_child(site, "Program"); program != NULL;
		    program = hdf_obj_next(program)) {
			HDF *other;

			for (other = hdf_get_child(program, "Location"); other != NULL;
			    other = hdf_obj_next(other))
				if (strcmp(hdf_get_value(other, "Match", ""), match) == 0 &&
				    strcmp(hdf_get_value(other, "Path", ""), path) == 0)
					fail("Location", path, ": declared twice (here or by another program)");
		}
		snprintf(name, sizeof(name), "Location.%d", count++);
		hdf_set_valuef(out, "%s.Name=%s", name, hdf_obj_name(location));
		hdf_set_valuef(out, "%s.Match=%s", name, match);
		hdf_set_valuef(out, "%s.Path=%s", name, path);
		hdf_set_valuef(out, "%s.Secret=%s", name, secret != NULL ? secret : "0");
		if (max_body != NULL)
			hdf_set_valuef(out, "%s.MaxBody=%s", name, max_body);
		hdf_set_valuef(out, "%s.Download=%s", name, download != NULL ? download : "0");
	}
	if (count == 0)
		fail("no Location", NULL, ": a program serves at least one path");
}

static void
read_areas(HDF *site, HDF *declared, const char *program)
{
	HDF *area;
	int count = 0;

	for (area = hdf_get_child(site, "Area"); area != NULL; area = hdf_obj_next(area))
		count++;
	for (area = hdf_get_child(declared, "Area"); area != NULL; area = hdf_obj_next(area)) {
		const char *visitor = hdf_get_value(area, "Visitor", "");
		const char *const paths[] = { "Prefix", "Home", "SignIn" };
		size_t i;

		check_keys(area, area_keys, "Area");
		for (i = 0; i < 3; i++) {
			if (!path_ok(hdf_get_value(area, paths[i], NULL)))
				fail("Area", hdf_obj_name(area), ": needs Prefix, Home and SignIn paths");
			else
				hdf_set_valuef(site, "Area.%d.%s=%s", count, paths[i],
				    hdf_get_value(area, paths[i], NULL));
		}
		if (strcmp(visitor, "admin") != 0 && strcmp(visitor, "customer") != 0)
			fail("Area", hdf_obj_name(area), ": Visitor is admin or customer");
		hdf_set_valuef(site, "Area.%d.Name=%s", count, hdf_obj_name(area));
		hdf_set_valuef(site, "Area.%d.Visitor=%s", count, visitor);
		hdf_set_valuef(site, "Area.%d.Program=%s", count, program);
		count++;
	}
}

static void
read_nav(HDF *declared, const char *program, struct nav_item *items, int *count)
{
	HDF *nav;

	for (nav = hdf_get_child(declared, "Nav"); nav != NULL; nav = hdf_obj_next(nav)) {
		const char *order = hdf_get_value(nav, "Order", "");
		char *end;

		check_keys(nav, nav_keys, "Nav");
		if (!path_ok(hdf_get_value(nav, "Path", NULL)) ||
		    !made_of(hdf_get_value(nav, "Label", ""), WORD_CHARS ".") ||
		    !made_of(hdf_get_value(nav, "Section", ""), WORD_CHARS) ||
		    !flag_ok(hdf_get_value(nav, "OwnerOnly", NULL))) {
			fail("Nav", hdf_obj_name(nav),
			    ": needs a Path, a Label (a Lang key), a Section word, OwnerOnly 0 or 1");
			continue;
		}
		if (*count == MAX_NAV) {
			fail("Nav", hdf_obj_name(nav), ": too many entries");
			continue;
		}
		items[*count].order = strtol(order, &end, 10);
		if (order[0] == '\0' || *end != '\0')
			fail("Nav", hdf_obj_name(nav), ": Order is a whole number");
		items[*count].node = nav;
		items[*count].program = program;
		items[*count].rank = *count;
		(*count)++;
	}
}

static int
nav_compare(const void *a, const void *b)
{
	const struct nav_item *left = a, *right = b;

	if (left->order != right->order)
		return left->order < right->order ? -1 : 1;
	return left->rank - right->rank;
}

/* Checks what only all the declarations together can show, and sorts the
 * navigation bar into Nav.K. */
static void
check_site(HDF *site, struct nav_item *items, int count)
{
	HDF *program, *area;
	int fallbacks = 0, i;

	current_file = "the declarations together";
	for (program = hdf_get_child(site, "Program"); program != NULL;
	    program = hdf_obj_next(program))
		if (hdf_get_int_value(program, "Fallback", 0)) {
			hdf_set_value(site, "Fallback", hdf_get_value(program, "Name", ""));
			fallbacks++;
		}
	if (fallbacks != 1)
		fail("exactly one program says Fallback = 1", NULL,
		    " (it answers every path no program owns, and bodies too large)");
	if (hdf_get_obj(site, "Area") == NULL)
		fail("no Area", NULL, ": the core needs at least one");
	for (area = hdf_get_child(site, "Area"); area != NULL; area = hdf_obj_next(area)) {
		const char *home = hdf_get_value(area, "Home", "");
		const char *sign_in = hdf_get_value(area, "SignIn", "");

		if (program_serving(site, home) == NULL)
			fail("Area", hdf_get_value(area, "Name", ""), ": no program declares its Home");
		if (program_serving(site, sign_in) == NULL)
			fail("Area", hdf_get_value(area, "Name", ""), ": no program declares its SignIn");
	}
	qsort(items, (size_t)count, sizeof(items[0]), nav_compare);
	for (i = 0; i < count; i++) {
		HDF *nav = items[i].node;
		const char *path = hdf_get_value(nav, "Path", "");
		const char *serving = program_serving(site, path);

		if (serving == NULL || strcmp(serving, items[i].program) != 0) {
			current_file = items[i].program;
			fail("Nav", hdf_obj_name(nav), ": its Path is not one its program serves");
		}
		hdf_set_valuef(site, "Nav.%d.Path=%s", i, path);
		hdf_set_valuef(site, "Nav.%d.Label=%s", i, hdf_get_value(nav, "Label", ""));
		hdf_set_valuef(site, "Nav.%d.Section=%s", i, hdf_get_value(nav, "Section", ""));
		hdf_set_valuef(site, "Nav.%d.OwnerOnly=%s", i, hdf_get_value(nav, "OwnerOnly", "0"));
		hdf_set_valuef(site, "Nav.%d.Program=%s", i, items[i].program);
	}
}

struct route_item {
	HDF *program, *location;
	int exact;
	size_t length;
	int rank;
};

static int
route_compare(const void *a, const void *b)
{
	const struct route_item *left = a, *right = b;

	if (left->exact != right->exact)
		return right->exact - left->exact;
	if (left->length != right->length)
		return left->length > right->length ? -1 : 1;
	return left->rank - right->rank;
}

/* Route.K: every location in first-match order (see the top). */
static void
order_routes(HDF *site)
{
	HDF *program, *location;
	struct route_item *items;
	long long largest = 64 * 1024;	/* the snippets' default body limit */
	int count = 0, i;

	for (program = hdf_get_child(site, "Program"); program != NULL;
	    program = hdf_obj_next(program))
		for (location = hdf_get_child(program, "Location"); location != NULL;
		    location = hdf_obj_next(location))
			count++;
	items = calloc((size_t)count + 1, sizeof(*items));
	if (items == NULL) {
		fail("out of memory", NULL, NULL);
		return;
	}
	count = 0;
	for (program = hdf_get_child(site, "Program"); program != NULL;
	    program = hdf_obj_next(program))
		for (location = hdf_get_child(program, "Location"); location != NULL;
		    location = hdf_obj_next(location)) {
			items[count].program = program;
			items[count].location = location;
			items[count].exact = strcmp(hdf_get_value(location, "Match", ""), "exact") == 0;
			items[count].length = strlen(hdf_get_value(location, "Path", ""));
			items[count].rank = count;
			count++;
		}
	qsort(items, (size_t)count, sizeof(items[0]), route_compare);
	for (i = 0; i < count; i++) {
		HDF *at = items[i].location;
		const char *path = hdf_get_value(at, "Path", "");
		const char *max_body = hdf_get_value(at, "MaxBody", NULL);
		char regex[2 * 256 + 3];
		size_t out = 0;

		/* the path's characters (PATH_CHARS) are literal but for "." */
		regex[out++] = '^';
		for (; *path != '\0' && out < sizeof(regex) - 4; path++) {
			if (*path == '.')
				regex[out++] = '\\';
			regex[out++] = *path;
		}
		if (items[i].exact)
			regex[out++] = '$';
		regex[out] = '\0';
		hdf_set_valuef(site, "Route.%d.Program=%s", i,
		    hdf_get_value(items[i].program, "Name", ""));
		hdf_set_valuef(site, "Route.%d.Match=%s", i, hdf_get_value(at, "Match", ""));
		hdf_set_valuef(site, "Route.%d.Path=%s", i, hdf_get_value(at, "Path", ""));
		hdf_set_valuef(site, "Route.%d.Regex=%s", i, regex);
		hdf_set_valuef(site, "Route.%d.Secret=%s", i, hdf_get_value(at, "Secret", "0"));
		hdf_set_valuef(site, "Route.%d.Download=%s", i, hdf_get_value(at, "Download", "0"));
		if (max_body != NULL) {
			long long bytes = strtoll(max_body, NULL, 10);
			char unit = max_body[strspn(max_body, "0123456789")];

			bytes *= unit == 'k' || unit == 'K' ? 1024 : unit == 'm' || unit == 'M' ?
			    1024 * 1024 : 1;
			hdf_set_valuef(site, "Route.%d.MaxBody=%s", i, max_body);
			hdf_set_valuef(site, "Route.%d.MaxBodyBytes=%lld", i, bytes);
			if (bytes > largest)
				largest = bytes;
		}
	}
	hdf_set_valuef(site, "MaxBodyBytes=%lld", largest);
	free(items);
}

/* "fcgi/login.site.hdf" -> "login" */
static char *
program_name(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *suffix = ".site.hdf";
	size_t length;

	base = base != NULL ? base + 1 : path;
	length = strlen(base);
	if (length <= strlen(suffix) || strcmp(base + length - strlen(suffix), suffix) != 0 ||
	    strspn(base, WORD_CHARS) != length - strlen(suffix))
		return NULL;
	return strndup(base, length - strlen(suffix));
}

static NEOERR *
write_out(void *context, char *text)
{
	(void)context;
	fputs(text, stdout);
	return STATUS_OK;
}

/* A template's include:"x.cs" names a file of the template's own folder
 * (apache-conf/common.cs), wherever make runs. */
static NEOERR *
template_folder(HDF *site, const char *template)
{
	const char *slash = strrchr(template, '/');

	if (slash == NULL)
		return hdf_set_value(site, "hdf.loadpaths.0", ".");
	return hdf_set_valuef(site, "hdf.loadpaths.0=%.*s", (int)(slash - template), template);
}

int
main(int argc, char **argv)
{
	static struct nav_item items[MAX_NAV];
	HDF *site = NULL, **declared;
	CSPARSE *cs = NULL;
	NEOERR *err;
	int count = 0, i;

	if (argc < 3) {
		fprintf(stderr, "usage: site-gen TEMPLATE fcgi/<program>.site.hdf...\n");
		return 2;
	}
	/* the declarations stay read until the end: the nav items point into them */
	declared = calloc((size_t)argc, sizeof(*declared));
	if (declared == NULL || (err = hdf_init(&site)) != STATUS_OK) {
		fprintf(stderr, "site-gen: out of memory\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		char *name = program_name(argv[i]);
		char node[32];
		HDF *out = NULL;

		current_file = argv[i];
		if (name == NULL) {
			fail("is not named <program>.site.hdf", NULL, NULL);
			continue;
		}
		if ((err = hdf_init(&declared[i])) != STATUS_OK ||
		    (err = hdf_read_file(declared[i], argv[i])) != STATUS_OK) {
			cs_fail(argv[i], err);
			free(name);
			continue;
		}
		check_keys(declared[i], program_keys, NULL);
		if (!flag_ok(hdf_get_value(declared[i], "Fallback", NULL)))
			fail("Fallback", NULL, " is 0 or 1");
		if (!sections_ok(hdf_get_value(declared[i], "Lang", "")))
			fail("Lang", NULL, " is names of sections (letters), one space apart");
		snprintf(node, sizeof(node), "Program.%d", i - 2);
		hdf_set_valuef(site, "%s.Name=%s", node, name);
		hdf_set_valuef(site, "%s.Lang=%s", node, hdf_get_value(declared[i], "Lang", ""));
		hdf_set_valuef(site, "%s.Fallback=%s", node,
		    hdf_get_value(declared[i], "Fallback", "0"));
		hdf_get_node(site, node, &out);
		read_summary(out, hdf_get_value(declared[i], "Summary", ""));
		read_locations(site, out, declared[i]);
		read_areas(site, declared[i], name);
		read_nav(declared[i], hdf_get_value(out, "Name", ""), items, &count);
		free(name);
	}
	if (errors == 0)
		check_site(site, items, count);
	if (errors == 0)
		order_routes(site);
	if (errors == 0) {
		if ((err = template_folder(site, argv[1])) != STATUS_OK ||
		    (err = cs_init(&cs, site)) != STATUS_OK ||
		    (err = cs_parse_file(cs, argv[1])) != STATUS_OK ||
		    (err = cs_render(cs, NULL, write_out)) != STATUS_OK)
			cs_fail(argv[1], err);
		cs_destroy(&cs);
	}
	for (i = 2; i < argc; i++)
		hdf_destroy(&declared[i]);
	free(declared);
	hdf_destroy(&site);
	if (fflush(stdout) != 0) {
		perror("site-gen: standard output");
		return 1;
	}
	return errors == 0 ? 0 : 1;
}
