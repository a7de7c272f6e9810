/* libFuzzer harness for the import's mapping (fcgi/import-map.c): the
 * input is a small sheet, cells split by tabs and rows by line ends. Its
 * first row is taken as headers (guessed, and asked whether it is one),
 * every row is read through the guessed mapping and through one that
 * gives every field a column, and the whole input is read as a mapping
 * text. What comes out must hold what the customer writer relies on:
 * a known reason; on IMPORT_OK a normalised address, an ISO country,
 * fr or en, a well-formed date, lengths within the columns'; a mapping
 * read back writes the same text.
 *
 * Built with clang's libFuzzer, ASan and UBSan (from the tree's root):
 *   mkdir -p build-fuzz/include && : > build-fuzz/include/config.h
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     -Ibuild-fuzz/include -o build-fuzz/fuzz-import-map tests/fuzz/fuzz-import-map.c \
 *     fcgi/import-map.c fcgi/lib/text.c
 *   build-fuzz/fuzz-import-map -max_total_time=60 build-fuzz/corpus-import-map \
 *     tests/fuzz/corpus/import-map
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/import-map.h"
#include "../../fcgi/lib/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CELLS_MAX 64

static struct import_record record;

static void
check(int condition)
{
	if (!condition)
		abort();
}

/* The record of an accepted row holds what the writer relies on. */
static void
check_record(void)
{
	char address[IMPORT_EMAIL_MAX + 1];

	check(record.has[IMPORT_EMAIL] && record.email[0] != '\0');
	memcpy(address, record.email, sizeof(address));
	check(text_email_check(address) == TEXT_EMAIL_OK && strcmp(address, record.email) == 0);
	check(record.country[0] == '\0' || (strlen(record.country) == 2 &&
	    strspn(record.country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2));
	check(record.language[0] == '\0' || strcmp(record.language, "fr") == 0 ||
	    strcmp(record.language, "en") == 0);
	check(record.signup_date[0] == '\0' || strlen(record.signup_date) == 19);
	check(text_is_clean_utf8(record.first_name, 0) && text_length(record.first_name) <= 100);
	check(text_is_clean_utf8(record.last_name, 0) && text_length(record.last_name) <= 100);
	check(text_is_clean_utf8(record.company, 0) && text_length(record.company) <= 100);
	check(text_is_clean_utf8(record.address, 0) && text_length(record.address) <= 255);
	check(text_is_clean_utf8(record.postal_code, 0) && text_length(record.postal_code) <= 20);
	check(text_is_clean_utf8(record.city, 0) && text_length(record.city) <= 100);
	check(strlen(record.phone) <= IMPORT_PHONE_MAX && strlen(record.vat_number) <= IMPORT_VAT_MAX);
	check(text_is_clean_utf8(record.note, 1) && text_length(record.note) <= 10000);
	check(record.order_count >= 0 && record.order_count <= 4294967295LL && record.total_spent_cents >= 0);
	check((record.marketing == 0 || record.marketing == 1) && (record.tax_exempt == 0 || record.tax_exempt == 1));
	check(record.has[IMPORT_FIRST_NAME] || record.first_name[0] == '\0');
	check(record.has[IMPORT_COUNTRY] || record.country[0] == '\0');
}

static void
read_through(const struct sheet_row *row, const enum import_field *map, int count)
{
	enum import_reason reason = import_record_read(row, map, count, &record);

	check(reason < IMPORT_REASON__MAX && reason != IMPORT_DUPLICATE);
	if (reason == IMPORT_OK)
		check_record();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *next, mapping[4096];
	const char *cells[CELLS_MAX];
	size_t lengths[CELLS_MAX];
	enum import_field guessed[CELLS_MAX], every[CELLS_MAX], back[CELLS_MAX];
	int rows = 0, column, count;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	/* the whole input as a mapping text: read back, it writes the same */
	if (strlen(text) == size && (count = import_mapping_read(text, back, CELLS_MAX)) >= 0) {
		check(import_mapping_write(back, count, mapping, sizeof(mapping)) == 0);
		check(strcmp(mapping, text) == 0);
	}

	for (column = 0; column < CELLS_MAX; column++)
		every[column] = (enum import_field)(column % IMPORT_FIELD__MAX);
	for (line = text; line != NULL && line <= text + size; line = next) {
		struct sheet_row row = { rows + 1, rows + 1, 0, cells, lengths, 0 };
		char *end = memchr(line, '\n', (size_t)(text + size - line));
		char *cell = line;

		next = end != NULL ? end + 1 : NULL;
		if (end == NULL)
			end = text + size;
		*end = '\0';
		/* a cell may hold NUL bytes: its length says where it ends */
		while (row.count < CELLS_MAX) {
			char *tab = memchr(cell, '\t', (size_t)(end - cell));

			cells[row.count] = cell;
			lengths[row.count] = (size_t)((tab != NULL ? tab : end) - cell);
			row.count++;
			if (tab == NULL)
				break;
			*tab = '\0';
			cell = tab + 1;
		}
		if (rows == 0) {
			int has_email = import_guess_columns(cells, row.count, guessed);

			check(has_email == 0 || has_email == 1);
			check(import_is_header(&row) == 0 || import_is_header(&row) == 1);
			for (column = 0; column < row.count; column++)
				check(guessed[column] < IMPORT_FIELD__MAX);
		} else {
			read_through(&row, guessed, row.count);
			read_through(&row, every, row.count);
			row.flags = (unsigned)(rows & 7);
			read_through(&row, every, row.count);
		}
		rows++;
	}
	free(text);
	return 0;
}
