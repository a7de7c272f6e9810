/*
 * The languages Fidèle speaks (lang.h): their codes, and their files.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "log.h"

const char *const lang_codes[LANG__MAX] = {
	[LANG_FR] = "fr",
	[LANG_EN] = "en",
};

int
lang_from_code(const char *code)
{
	int i;

	for (i = 0; code != NULL && i < LANG__MAX; i++)
		if (strcmp(code, lang_codes[i]) == 0)
			return i;
	return -1;
}

/* The folder of lang/ and the sections read for the languages read at
 * their first use (set by lang_load_on_use: one per process, from its
 * configuration and its program). */
static const char *on_use_dir;
static const char *on_use_sections;

/* Whether the top-level line of a language file, "Name {", begins a
 * section named in the space-separated list of sections or in
 * LANG_CORE_SECTIONS. */
static int
section_wanted(const char *line, const char *sections)
{
	const char *lists[2] = { LANG_CORE_SECTIONS, sections };
	size_t name_len = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");
	int i;

	for (i = 0; i < 2; i++) {
		const char *word = lists[i];

		while (word != NULL && *word != '\0') {
			size_t word_len = strcspn(word, " ");

			if (word_len == name_len && strncmp(word, line, name_len) == 0)
				return 1;
			word += word_len;
			word += strspn(word, " ");
		}
	}
	return 0;
}

/* Keeps, in place, the lines of text (a language file) outside any
 * top-level block "Name {" ... "}" and those of the blocks that
 * section_wanted. Every other line of a language file is indented. */
static void
keep_sections(char *text, const char *sections)
{
	char *in = text, *out = text;
	int keep = 1;

	while (*in != '\0') {
		size_t len = strcspn(in, "\n");
		int top_open = in[0] != ' ' && in[0] != '\t' && len > 0 && in[len - 1] == '{' &&
		    in[0] != '#';

		if (top_open)
			keep = section_wanted(in, sections);
		if (keep) {
			memmove(out, in, len);
			out += len;
			if (in[len] == '\n')
				*out++ = '\n';
		}
		if (!top_open && in[0] == '}')
			keep = 1;
		in += len + (in[len] == '\n');
	}
	*out = '\0';
}

/* Reads lang/<code>.hdf of data_dir into base as Lang_<code>: the whole
 * file when sections is NULL, else its sections named there and in
 * LANG_CORE_SECTIONS. */
static int
lang_read(HDF *base, int lang, const char *data_dir, const char *sections)
{
	char path[1024], name[16];
	char *text = NULL;
	HDF *node;
	NEOERR *err;

	snprintf(path, sizeof(path), "%s/lang/%s.hdf", data_dir, lang_codes[lang]);
	snprintf(name, sizeof(name), "Lang_%s", lang_codes[lang]);
	log_debug("lang: read %s", path);
	err = hdf_get_node(base, name, &node);
	if (err == STATUS_OK && sections == NULL)
		err = hdf_read_file(node, path);
	else if (err == STATUS_OK && (err = ne_load_file(path, &text)) == STATUS_OK) {
		keep_sections(text, sections);
		err = hdf_read_string(node, text);
	}
	free(text);
	if (err != STATUS_OK) {
		cs_log_error(path, err);
		return -1;
	}
	return 0;
}

int
lang_load(HDF **base, const char *data_dir, const char *sections)
{
	int i;

	if (hdf_init(base) != STATUS_OK)
		return -1;
	for (i = 0; i < LANG__MAX; i++)
		if (lang_read(*base, i, data_dir, sections) != 0)
			return -1;
	return 0;
}

int
lang_load_on_use(HDF **base, const char *data_dir, const char *sections)
{
	on_use_dir = data_dir;
	on_use_sections = sections;
	return hdf_init(base) == STATUS_OK ? 0 : -1;
}

HDF *
lang_tree(HDF *base, int lang)
{
	char name[16];
	HDF *node;

	snprintf(name, sizeof(name), "Lang_%s", lang_codes[lang]);
	node = hdf_get_obj(base, name);
	if (node == NULL && on_use_dir != NULL && lang_read(base, lang, on_use_dir, on_use_sections) == 0)
		node = hdf_get_obj(base, name);
	return node;
}

void
lang_read_all(HDF *base)
{
	int i;

	for (i = 0; i < LANG__MAX; i++)
		lang_tree(base, i);
}

void
lang_link(HDF *base, int lang)
{
	char target[16];

	lang_tree(base, lang);
	snprintf(target, sizeof(target), "Lang_%s", lang_codes[lang]);
	hdf_set_symlink(base, "Lang", target);
}
