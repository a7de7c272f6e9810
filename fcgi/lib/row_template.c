/*
 * Row templates (row_template.h): a restricted ClearSilver template read
 * into a list of steps (text, a value, a test and where it jumps when
 * false), written for each row of a list.
 */
#include <config.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "row_template.h"

#define ROW_NAME_MAX 64
#define ROW_PAGE_NAMES_MAX 8

enum row_step_kind {
	ROW_STEP_TEXT,		/* text[start, start + length) */
	ROW_STEP_VAR,		/* the value, escaped */
	ROW_STEP_IF,		/* when the value is false (true with negate), go to jump */
	ROW_STEP_END_IF		/* nothing: where an if's jump lands */
};

struct row_step {
	enum row_step_kind kind;
	int page;		/* the value is the page's (page_values[index]), else the row's */
	int index;
	int negate;
	size_t start, length;
	size_t jump;
};

struct row_template {
	const char *const *fields;
	int field_count;
	char *text;		/* the file, which the text steps point into */
	struct row_step *steps;
	size_t step_count;
	char *page_names[ROW_PAGE_NAMES_MAX];
	char *page_values[ROW_PAGE_NAMES_MAX];	/* as in the page's tree */
	char *page_escaped[ROW_PAGE_NAMES_MAX];	/* the same escaped once, for every row */
	int page_count;
};

/* The file's content, NUL-terminated, malloc'd; NULL when unreadable. */
static char *
file_text(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (file == NULL)
		return NULL;
	if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && size < 1024 * 1024 &&
	    fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
		if (fread(text, 1, (size_t)size, file) == (size_t)size)
			text[size] = '\0';
		else {
			free(text);
			text = NULL;
		}
	}
	fclose(file);
	return text;
}

static int
add_step(struct row_template *template, const struct row_step *step)
{
	struct row_step *steps = realloc(template->steps,
	    (template->step_count + 1) * sizeof(*steps));

	if (steps == NULL)
		return -1;
	template->steps = steps;
	steps[template->step_count++] = *step;
	return 0;
}

/* Where a name's value comes from, into step: a field of the row (c.*) or
 * a value of the page. -1 for a c.* name that is not a field, or a name
 * that is not letters, digits, '_' and '.'. */
static int
name_source(struct row_template *template, const char *name, struct row_step *step)
{
	int i;

	if (*name == '\0' || strlen(name) >= ROW_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") !=
	    strlen(name))
		return -1;
	if (strncmp(name, "c.", 2) == 0) {
		for (i = 0; i < template->field_count; i++)
			if (strcmp(template->fields[i], name + 2) == 0) {
				step->page = 0;
				step->index = i;
				return 0;
			}
		return -1;
	}
	for (i = 0; i < template->page_count; i++)
		if (strcmp(template->page_names[i], name) == 0)
			break;
	if (i == template->page_count) {
		if (i == ROW_PAGE_NAMES_MAX || (template->page_names[i] = strdup(name)) == NULL)
			return -1;
		template->page_count++;
	}
	step->page = 1;
	step->index = i;
	return 0;
}

/* The line of text at p, for messages. */
static int
line_of(const char *text, const char *p)
{
	int line = 1;

	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

/* Reads the template's text into steps; -1 (logged) when it holds
 * anything but text, var:, if:, /if and comments. */
static int
compile(struct row_template *template, const char *path)
{
	size_t open_ifs[16], depth = 0;
	char *p = template->text, *command, *end, *name;
	struct row_step step;

	for (;;) {
		command = strstr(p, "<?cs");
		memset(&step, 0, sizeof(step));
		step.kind = ROW_STEP_TEXT;
		step.start = (size_t)(p - template->text);
		step.length = command != NULL ? (size_t)(command - p) : strlen(p);
		if (step.length > 0 && add_step(template, &step) != 0)
			return -1;
		if (command == NULL)
			break;
		end = strstr(command, "?>");
		if (end == NULL) {
			log_err("%s:%d: a <?cs without its ?>", path, line_of(template->text, command));
			return -1;
		}
		*end = '\0';
		p = end + 2;
		command += 4;
		while (*command == ' ' || *command == '\t' || *command == '\n')
			command++;
		for (name = end; name > command && (name[-1] == ' ' || name[-1] == '\t' ||
		    name[-1] == '\n'); name--)
			name[-1] = '\0';
		if (*command == '#')
			continue;
		memset(&step, 0, sizeof(step));
		if (strncmp(command, "var:", 4) == 0) {
			step.kind = ROW_STEP_VAR;
			name = command + 4;
		} else if (strncmp(command, "if:", 3) == 0) {
			step.kind = ROW_STEP_IF;
			name = command + 3;
			if (*name == '!') {
				step.negate = 1;
				name++;
			}
		} else if (strcmp(command, "/if") == 0) {
			if (depth == 0) {
				log_err("%s:%d: /if without its if:", path,
				    line_of(template->text, command));
				return -1;
			}
			template->steps[open_ifs[--depth]].jump = template->step_count;
			step.kind = ROW_STEP_END_IF;
			if (add_step(template, &step) != 0)
				return -1;
			continue;
		} else {
			log_err("%s:%d: a row template knows only var:, if:, /if and comments, not "
			    "'%.40s'", path, line_of(template->text, command), command);
			return -1;
		}
		while (*name == ' ')
			name++;
		if (name_source(template, name, &step) != 0) {
			log_err("%s:%d: '%.64s' is not a name this row template can read", path,
			    line_of(template->text, command), name);
			return -1;
		}
		if (step.kind == ROW_STEP_IF) {
			if (depth == sizeof(open_ifs) / sizeof(open_ifs[0])) {
				log_err("%s:%d: if: nested too deep", path,
				    line_of(template->text, command));
				return -1;
			}
			open_ifs[depth++] = template->step_count;
		}
		if (add_step(template, &step) != 0)
			return -1;
	}
	if (depth > 0) {
		log_err("%s: an if: without its /if", path);
		return -1;
	}
	return 0;
}

struct row_template *
row_template_load(const char *path, const char *const *fields, int field_count)
{
	struct row_template *template = calloc(1, sizeof(*template));

	if (template == NULL)
		return NULL;
	template->fields = fields;
	template->field_count = field_count;
	template->text = file_text(path);
	if (template->text == NULL) {
		log_err("cannot read the row template %s", path);
		row_template_free(template);
		return NULL;
	}
	if (compile(template, path) != 0) {
		row_template_free(template);
		return NULL;
	}
	return template;
}

int
row_template_page(struct row_template *template, HDF *hdf)
{
	const char *value;
	NEOERR *err;
	int i;

	for (i = 0; i < template->page_count; i++) {
		free(template->page_values[i]);
		free(template->page_escaped[i]);
		template->page_values[i] = template->page_escaped[i] = NULL;
		value = hdf_get_value(hdf, template->page_names[i], NULL);
		if (value == NULL)
			continue;
		if ((template->page_values[i] = strdup(value)) == NULL)
			return -1;
		err = neos_var_escape(NEOS_ESCAPE_HTML, value, &template->page_escaped[i]);
		if (err != STATUS_OK) {
			nerr_ignore(&err);
			return -1;
		}
	}
	return 0;
}

/* ClearSilver's if: of a value: set, not empty, and not a number that is 0
 * (a text that is not all a number is true). */
static int
value_true(const char *value)
{
	char *rest;
	long number;

	if (value == NULL || *value == '\0')
		return 0;
	/* a name: what strtol would not read as a number at all */
	if (!isdigit((unsigned char)*value) && *value != '-' && *value != '+' &&
	    !isspace((unsigned char)*value))
		return 1;
	number = strtol(value, &rest, 0);
	return *rest != '\0' || number != 0;
}

/* value escaped as html by ClearSilver (malloc'd), NULL when out of
 * memory. */
static char *
html(const char *value)
{
	char *escaped = NULL;
	NEOERR *err = neos_var_escape(NEOS_ESCAPE_HTML, value, &escaped);

	if (err != STATUS_OK) {
		nerr_ignore(&err);
		return NULL;
	}
	return escaped;
}

/* Makes room in out for length more bytes and the NUL after them, growing
 * it the way ClearSilver's own appends do (doubling; realloc, as the
 * buffer is ClearSilver's malloc'd one). 0, or -1 when out of memory. */
static int
grow(STRING *out, size_t length)
{
	size_t max;
	char *buf;

	if (length > INT_MAX / 4 || out->len < 0 || (size_t)out->len > INT_MAX / 4)
		return -1;
	max = out->buf != NULL && out->max > 0 ? (size_t)out->max : 256;
	while (max <= (size_t)out->len + length)
		max *= 2;
	buf = realloc(out->buf, max);
	if (buf == NULL)
		return -1;
	if (out->buf == NULL)
		out->len = 0;
	out->buf = buf;
	out->max = (int)max;
	return 0;
}

/* Where to write length more bytes of out, from to (out's end, its len not
 * yet updated), *end the last byte its buffer holds: to itself when they
 * fit before *end (the NUL's place), else the same place in the grown
 * buffer with *end moved; NULL when out of memory. */
static inline char *
room(STRING *out, char *to, char **end, size_t length)
{
	if ((size_t)(*end - to) > length)
		return to;
	out->len = (int)(to - out->buf);
	if (grow(out, length) != 0)
		return NULL;
	*end = out->buf + out->max - 1;
	return out->buf + out->len;
}

/* Each step makes room for what it writes and writes straight into the
 * buffer, its end kept aside: a row is some forty steps of a few bytes
 * each, and a call per step to append cost more than the bytes. */
int
row_template_write(const struct row_template *template, const char *const *values,
    STRING *out)
{
	const struct row_step *step;
	const char *value;
	size_t i = 0, length;
	char *to, *end, *escaped = NULL;

	/* a buffer string_init left empty gets its first bytes */
	if (out->buf == NULL && grow(out, 0) != 0)
		return -1;
	to = out->buf + out->len;
	end = out->buf + out->max - 1;
	while (i < template->step_count) {
		step = &template->steps[i];
		switch (step->kind) {
		case ROW_STEP_TEXT:
			if ((to = room(out, to, &end, step->length)) == NULL)
				return -1;
			memcpy(to, template->text + step->start, step->length);
			to += step->length;
			break;
		case ROW_STEP_VAR:
			value = step->page ? template->page_escaped[step->index] : values[step->index];
			if (value == NULL)
				break;
			/* most values have nothing to escape (found 16 bytes at a
			 * time); the others are escaped by ClearSilver, as var: is */
			length = step->page ? strlen(value) : strcspn(value, "&<>\"'\r");
			if (value[length] != '\0') {
				if ((escaped = html(value)) == NULL)
					return -1;
				value = escaped;
				length = strlen(value);
			}
			to = room(out, to, &end, length);
			if (to != NULL)
				memcpy(to, value, length);
			if (escaped != NULL) {
				free(escaped);
				escaped = NULL;
			}
			if (to == NULL)
				return -1;
			to += length;
			break;
		case ROW_STEP_IF:
			value = step->page ? template->page_values[step->index] : values[step->index];
			if (value_true(value) == step->negate) {
				i = step->jump;
				continue;
			}
			break;
		case ROW_STEP_END_IF:
			break;
		}
		i++;
	}
	*to = '\0';
	out->len = (int)(to - out->buf);
	return 0;
}

void
row_template_free(struct row_template *template)
{
	int i;

	if (template == NULL)
		return;
	for (i = 0; i < template->page_count; i++) {
		free(template->page_names[i]);
		free(template->page_values[i]);
		free(template->page_escaped[i]);
	}
	free(template->steps);
	free(template->text);
	free(template);
}
