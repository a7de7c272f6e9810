/*
 * The customer search index (see search.h): folding, terms, and the rows of
 * customer_search.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

/* U+0100..U+017F (Latin Extended-A) without their accents; '*' marks the
 * two ligatures, written out below. */
static const char latin_extended_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* The plain letters for code point cp, or NULL when it is not a Latin letter
 * we fold. */
static const char *
latin_base(unsigned int cp)
{
	/* U+00C0..U+00FF, 'x' for the two signs (multiplication, division) */
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
	};
	/* U+01CD..U+01DC: the Pinyin vowels with a caron */
	static const char pinyin[] = "aaiioouuuuuuuuuu";
	/* U+1E00..U+1E95 and U+1EA0..U+1EF9 (Vietnamese): capital and small
	 * letter pairs */
	static const char additional[] =
	    "abbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrssssstttt" "uuuuuvvwwwwwxxyzzz";
	static const char vietnamese[] = "aaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyy";
	static const char *const after_z[] = { "h", "t", "w", "y", "a", "s", "s", "s", "ss" };
	static char one[2];

	one[1] = '\0';
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp == 0x1a0 || cp == 0x1a1 || cp == 0x1fe || cp == 0x1ff)
		return "o";	/* Vietnamese ơ, Danish ǿ */
	if (cp == 0x1af || cp == 0x1b0)
		return "u";	/* Vietnamese ư */
	if (cp == 0x1fa || cp == 0x1fb)
		return "a";
	if (cp >= 0x1cd && cp <= 0x1dc) {
		one[0] = pinyin[cp - 0x1cd];
		return one;
	}
	if (cp >= 0x1e00 && cp < 0x1e96) {
		one[0] = additional[(cp - 0x1e00) / 2];
		return one;
	}
	if (cp >= 0x1e96 && cp <= 0x1e9e)
		return after_z[cp - 0x1e96];
	if (cp >= 0x1ea0 && cp <= 0x1ef9) {
		one[0] = vietnamese[(cp - 0x1ea0) / 2];
		return one;
	}
	if (cp == 0x132 || cp == 0x133)
		return "ij";
	if (cp == 0x152 || cp == 0x153)
		return "oe";
	if (cp == 0x218 || cp == 0x219)
		return "s";	/* Romanian comma-below letters */
	if (cp == 0x21a || cp == 0x21b)
		return "t";
	if (cp >= 0x100 && cp <= 0x17f) {
		one[0] = latin_extended_a[cp - 0x100];
		return one;
	}
	return NULL;
}

/* A small Greek or Cyrillic letter without its accent (ά -> α, ё -> е),
 * and the final sigma as any sigma, as the collation compares them. */
static unsigned int
greek_cyrillic_base(unsigned int cp)
{
	/* U+03AC..U+03B0 and U+03CA..U+03CE */
	static const unsigned short greek[] = { 0x3b1, 0x3b5, 0x3b7, 0x3b9, 0x3c5 };
	static const unsigned short greek_end[] = { 0x3b9, 0x3c5, 0x3bf, 0x3c5, 0x3c9 };

	if (cp >= 0x3ac && cp <= 0x3b0)
		return cp == 0x3b0 ? 0x3c5 : greek[cp - 0x3ac];
	if (cp >= 0x3ca && cp <= 0x3ce)
		return greek_end[cp - 0x3ca];
	if (cp == 0x390)
		return 0x3b9;
	if (cp == 0x3c2)
		return 0x3c3;
	if (cp == 0x451)
		return 0x435;
	return cp;
}

/* Marks written apart from their letter: Latin accents, Cyrillic signs,
 * Hebrew points, Arabic vowels. The collation ignores them. */
static int
is_mark(unsigned int cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x483 && cp <= 0x489) ||
	    (cp >= 0x591 && cp <= 0x5c7) || (cp >= 0x610 && cp <= 0x61a) ||
	    (cp >= 0x64b && cp <= 0x65f) || cp == 0x670 || (cp >= 0x6d6 && cp <= 0x6ed);
}

/* Decodes one UTF-8 sequence at *p (input already checked or not: a bad
 * byte reads as itself). Returns the code point and advances *p. */
static unsigned int
next_code_point(const unsigned char **p, size_t *bytes)
{
	const unsigned char *s = *p;
	unsigned int cp = s[0];
	size_t need = 0, i;

	if (cp >= 0xc0 && cp <= 0xdf)
		need = 1, cp &= 0x1f;
	else if (cp >= 0xe0 && cp <= 0xef)
		need = 2, cp &= 0x0f;
	else if (cp >= 0xf0 && cp <= 0xf4)
		need = 3, cp &= 0x07;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			need = 0;
			cp = s[0];
			break;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*bytes = need + 1;
	*p = s + need + 1;
	return cp;
}

void
search_fold(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	if (size == 0)
		return;
	while (*p && o + 1 < size) {
		const unsigned char *start = p;
		size_t bytes;
		unsigned int cp = next_code_point(&p, &bytes);
		const char *base = NULL;
		char ascii[2] = { 0, 0 };

		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			ascii[0] = (char)cp, base = ascii;
		else if (cp >= 'A' && cp <= 'Z')
			ascii[0] = (char)(cp - 'A' + 'a'), base = ascii;
		else if (cp == '\'' || cp == 0x2019 || cp == 0x2bc)
			continue;	/* apostrophes join: d'Artagnan, O'Brien */
		else if (is_mark(cp))
			continue;
		else if (cp >= 0x80)
			base = latin_base(cp);
		/* Cyrillic and Greek capitals to small letters */
		if (cp >= 0x410 && cp <= 0x42f)
			cp += 0x20;
		else if (cp >= 0x400 && cp <= 0x40f)
			cp += 0x50;
		else if (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2)
			cp += 0x20;
		else if (cp >= 0x386 && cp <= 0x38f)
			cp = cp == 0x386 ? 0x3ac : cp == 0x38c ? 0x3cc : cp >= 0x38e ? cp + 0x3f : cp + 0x25;
		cp = greek_cyrillic_base(cp);
		if (base == NULL && cp >= 0x370 && cp < 0x800 && o + 2 < size) {
			out[o++] = (char)(0xc0 | cp >> 6);
			out[o++] = (char)(0x80 | (cp & 0x3f));
			continue;
		}
		if (base == NULL && cp >= 0x800 && !(cp >= 0x2000 && cp <= 0x2bff) &&
		    !(cp >= 0x3000 && cp <= 0x303f)) {
			/* a letter of another script: kept as written */
			if (o + bytes >= size)
				break;
			memcpy(out + o, start, bytes);
			o += bytes;
			continue;
		}
		if (base == NULL) {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		if (o + strlen(base) >= size)
			break;
		memcpy(out + o, base, strlen(base));
		o += strlen(base);
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* Length of the first n bytes of s that does not cut a UTF-8 sequence. */
static size_t
whole_chars(const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static void
terms_add(struct search_terms *terms, const char *s, size_t len)
{
	int i;

	len = whole_chars(s, len < SEARCH_TERM_MAX ? len : SEARCH_TERM_MAX);
	if (len == 0 || terms->count == SEARCH_TERMS_MAX)
		return;
	/* the end first: most terms differ in length (the bytes past a
	 * shorter term's end are in its array, whatever they hold) */
	for (i = 0; i < terms->count; i++)
		if (terms->term[i][len] == '\0' && memcmp(terms->term[i], s, len) == 0)
			return;
	memcpy(terms->term[terms->count], s, len);
	terms->term[terms->count][len] = '\0';
	terms->count++;
}

/* Adds a word and its suffixes of three characters or more. */
static void
terms_add_word(struct search_terms *terms, const char *word, size_t len)
{
	size_t i, chars = 0, from_end;

	for (i = 0; i < len; i++)
		if (((unsigned char)word[i] & 0xc0) != 0x80)
			chars++;
	terms_add(terms, word, len);
	from_end = chars;
	for (i = 1; i < len; i++) {
		if (((unsigned char)word[i] & 0xc0) == 0x80)
			continue;
		from_end--;
		if (from_end < 3)
			break;
		terms_add(terms, word + i, len - i);
	}
}

/* The nine digits after a French prefix (0, 33, 330 as in "+33 (0)6…",
 * 0033 or 00330) when digits is exactly such a number, else NULL. */
static const char *
french_number(const char *digits)
{
	static const char *const prefixes[] = { "00330", "0033", "330", "33", "0" };
	size_t i, length = strlen(digits);

	if (strspn(digits, "0123456789") != length)
		return NULL;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t prefix = strlen(prefixes[i]);

		if (length == prefix + 9 && strncmp(digits, prefixes[i], prefix) == 0 &&
		    digits[prefix] != '0')
			return digits + prefix;
	}
	return NULL;
}

void
search_terms(const char *first_name, const char *last_name, const char *email,
    const char *phone_digits, struct search_terms *terms)
{
	const char *fields[4];
	char folded[1024];
	int f;

	fields[0] = first_name;
	fields[1] = last_name;
	fields[2] = email;
	fields[3] = phone_digits;
	terms->count = 0;
	for (f = 0; f < 4; f++) {
		const char *p = folded;

		if (fields[f] == NULL)
			continue;
		search_fold(fields[f], folded, sizeof(folded));
		while (*p) {
			size_t len = strcspn(p, " ");

			terms_add_word(terms, p, len);
			p += len;
			p += strspn(p, " ");
		}
	}
	/* a French number as it is written at home and from abroad, so that
	 * "06 12" and "+33 6 12" both find it (sql/007 adds them to older
	 * rows) */
	if (phone_digits != NULL && french_number(phone_digits) != NULL) {
		char word[16];

		snprintf(word, sizeof(word), "0%s", french_number(phone_digits));
		terms_add_word(terms, word, strlen(word));
		snprintf(word, sizeof(word), "33%s", french_number(phone_digits));
		terms_add_word(terms, word, strlen(word));
	}
}

int
search_phone_other_form(const char *token, char *out, size_t size)
{
	int written;

	if (token[0] == '\0' || strspn(token, "0123456789") != strlen(token))
		return 0;
	if (token[0] == '0' && token[1] != '0' && token[1] != '\0')
		written = snprintf(out, size, "33%s", token + 1);
	else if (strncmp(token, "33", 2) == 0 && token[2] != '\0' && token[2] != '0')
		written = snprintf(out, size, "0%s", token + 2);
	else
		return 0;
	return written > 0 && (size_t)written < size;
}

int
search_tokens(const char *query, char tokens[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 1])
{
	char folded[1024];
	const char *p = folded;
	int count = 0;

	if (*query != '\0' && strspn(query, "0123456789 +-.()") == strlen(query)) {
		/* a phone number, whatever its spaces and dots: "06 12" and
		 * "+33 6 12" both find "06 12 34 56 78" (search_terms keeps
		 * both forms); "+" or "00" starts an international number,
		 * whose "(0)" after 33 is dropped */
		const char *d = query + strspn(query, " -.()");
		int international = *d == '+';
		size_t o = 0;

		for (; *d && o < SEARCH_TERM_MAX; d++)
			if (*d >= '0' && *d <= '9')
				tokens[0][o++] = *d;
		tokens[0][o] = '\0';
		if (strncmp(tokens[0], "00", 2) == 0) {
			international = 1;
			memmove(tokens[0], tokens[0] + 2, o - 1);
			o -= 2;
		}
		if (international && strncmp(tokens[0], "330", 3) == 0 && o > 3) {
			memmove(tokens[0] + 2, tokens[0] + 3, o - 2);
			o--;
		}
		return o >= 1 ? 1 : 0;
	}
	search_fold(query, folded, sizeof(folded));
	while (*p && count < SEARCH_TOKENS_MAX) {
		size_t len = strcspn(p, " "), chars = 0, i;

		for (i = 0; i < len; i++)
			if (((unsigned char)p[i] & 0xc0) != 0x80)
				chars++;
		if (chars >= 1) {
			size_t keep = whole_chars(p, len < SEARCH_TERM_MAX ? len : SEARCH_TERM_MAX);

			memcpy(tokens[count], p, keep);
			tokens[count][keep] = '\0';
			count++;
		}
		p += len;
		p += strspn(p, " ");
	}
	return count;
}

/* --- the rows ------------------------------------------------------------ */

/* A batch's rows go in statements of STATEMENT_ROWS rows; its last
 * statement takes the next power of two from STATEMENT_MIN up, padded by
 * repeating its last row (a repeat adds, puts or drops nothing more), so
 * that each kind of batch prepares at most six statement texts. */
#define STATEMENT_ROWS 512
#define STATEMENT_MIN 16

static const struct {
	const char *head, *group, *tail;
	int most;	/* rows a statement takes, a power of two up to STATEMENT_ROWS */
} search_writes[SEARCH_WRITE__MAX] = {
	[SEARCH_ADD] = { "INSERT IGNORE INTO customer_search (shop_id, term, customer_id, name_key,"
	    " email) VALUES ", "(?,?,?,?,?)", "", STATEMENT_ROWS },
	[SEARCH_PUT] = { "INSERT INTO customer_search (shop_id, term, customer_id, name_key, email)"
	    " VALUES ", "(?,?,?,?,?)",
	    " ON DUPLICATE KEY UPDATE name_key = VALUES(name_key), email = VALUES(email)",
	    STATEMENT_ROWS },
	/* MariaDB reads each (term, customer_id) pair as a point of the
	 * primary key (EXPLAIN: range on PRIMARY, one read per pair), but
	 * its planning of the list grows faster than its length: 512 pairs
	 * took 0.14 s to plan and 5 ms to delete (an import's undo of 3,000
	 * customers spent 16 of its 22 s there). An undo of 20,000 spent
	 * 20 s on these deletes at 64 a statement, 13.7 s at 32, 10.3 s at
	 * 16 (bench/undo) */
	[SEARCH_DROP] = { "DELETE FROM customer_search WHERE shop_id = ? AND (term, customer_id) IN (",
	    "(?,?)", ")", STATEMENT_MIN },
};

void
search_batch_init(struct search_batch *batch, struct db *db, long long shop_id,
    enum search_write write)
{
	batch->db = db;
	batch->shop_id = shop_id;
	batch->write = write;
	batch->rows = 0;
	batch->emails_used = 0;
}

/* The batch qsort is ordering (the processes are single-threaded). */
static const struct search_batch *sorting;

/* The index's order: term (bytes, as VARBINARY compares), then customer. */
static int
row_order(const void *a, const void *b)
{
	const struct search_row *x = &sorting->row[*(const int *)a];
	const struct search_row *y = &sorting->row[*(const int *)b];
	int order = strcmp(x->term, y->term);

	if (order != 0)
		return order;
	return x->customer < y->customer ? -1 : x->customer > y->customer;
}

/* The prepared statement of write for places rows (a power of two from
 * STATEMENT_MIN to STATEMENT_ROWS), its text built once. NULL on error. */
static struct db_query *
statement(struct db *db, enum search_write write, size_t places)
{
	static char *texts[SEARCH_WRITE__MAX][8];
	size_t size = 0;

	while ((size_t)STATEMENT_MIN << size < places)
		size++;
	if (texts[write][size] == NULL)
		texts[write][size] = db_sql_repeat(search_writes[write].head,
		    search_writes[write].group, places, search_writes[write].tail);
	if (texts[write][size] == NULL)
		return NULL;
	return db_cached(db, texts[write][size]);
}

int
search_batch_flush(struct search_batch *batch)
{
	static struct db_param params[1 + STATEMENT_ROWS * 5];
	static int order[SEARCH_BATCH_ROWS];
	int rows = batch->rows, from, size, r;

	batch->rows = 0;
	if (rows == 0)
		return 0;
	/* the addresses are read below, before anything is queued again */
	batch->emails_used = 0;
	for (r = 0; r < rows; r++)
		order[r] = r;
	sorting = batch;
	qsort(order, (size_t)rows, sizeof(order[0]), row_order);
	for (from = 0; from < rows; from += size) {
		struct db_query *query;
		size_t places, n = 0;

		for (places = STATEMENT_MIN; places < (size_t)(rows - from) &&
		    places < (size_t)search_writes[batch->write].most; places *= 2)
			;
		size = rows - from < (int)places ? rows - from : (int)places;
		if (batch->write == SEARCH_DROP)
			params[n++] = DB_INT(batch->shop_id);
		for (r = 0; r < (int)places; r++) {
			const struct search_row *row = &batch->row[order[from + (r < size ? r : size - 1)]];

			if (batch->write != SEARCH_DROP)
				params[n++] = DB_INT(batch->shop_id);
			params[n++] = DB_TEXT(row->term);
			params[n++] = DB_INT(row->customer);
			if (batch->write != SEARCH_DROP) {
				params[n++] = DB_BLOB(row->name_key, row->name_key_length);
				params[n++] = row->email >= 0 ? DB_TEXT(batch->emails + row->email) :
				    DB_NULL;
			}
		}
		query = statement(batch->db, batch->write, places);
		if (query == NULL || db_exec(batch->db, query, params, n) < 0)
			return -1;
	}
	return 0;
}

/* Room for one more row in batch: its rows grow, doubling, up to
 * SEARCH_BATCH_ROWS; a batch that cannot grow is sent first. 0 or -1. */
static int
make_room(struct search_batch *batch)
{
	struct search_row *grown;
	int capacity;

	if (batch->rows < batch->capacity)
		return 0;
	capacity = batch->capacity == 0 ? 64 : batch->capacity * 2;
	if (capacity > SEARCH_BATCH_ROWS)
		capacity = SEARCH_BATCH_ROWS;
	grown = capacity > batch->capacity ?
	    realloc(batch->row, (size_t)capacity * sizeof(*grown)) : NULL;
	if (grown != NULL) {
		batch->row = grown;
		batch->capacity = capacity;
		return 0;
	}
	return batch->rows > 0 ? search_batch_flush(batch) : -1;
}

/* Where email is kept in batch: the last row's when it carries the same,
 * else added after it; -1 when the emails cannot grow. */
static int
keep_email(struct search_batch *batch, const char *email)
{
	size_t length = strlen(email) + 1, size;
	const struct search_row *last = batch->rows > 0 ? &batch->row[batch->rows - 1] : NULL;
	char *grown;

	if (last != NULL && last->email >= 0 && strcmp(batch->emails + last->email, email) == 0)
		return last->email;
	if (batch->emails_used + length > batch->emails_size) {
		size = batch->emails_size == 0 ? 4096 : batch->emails_size * 2;
		grown = realloc(batch->emails, size);
		if (grown == NULL)
			return -1;
		batch->emails = grown;
		batch->emails_size = size;
	}
	memcpy(batch->emails + batch->emails_used, email, length);
	batch->emails_used += length;
	return (int)(batch->emails_used - length);
}

/* Queues one row (name_key and email unused by a SEARCH_DROP batch);
 * sends a full batch first. 0 or -1. */
static int
queue_row(struct search_batch *batch, long long customer_id, const char *term,
    const void *name_key, unsigned long length, const char *email)
{
	struct search_row *row;
	int kept = -1;

	if (make_room(batch) != 0)
		return -1;
	if (batch->write != SEARCH_DROP && email != NULL && (kept = keep_email(batch, email)) < 0)
		return -1;
	row = &batch->row[batch->rows++];
	row->customer = customer_id;
	memcpy(row->term, term, strlen(term) + 1);	/* terms are cut to SEARCH_TERM_MAX */
	row->name_key_length = batch->write == SEARCH_DROP ? 0 : length;
	if (row->name_key_length > 0)
		memcpy(row->name_key, name_key, length);
	row->email = kept;
	return 0;
}

int
search_batch_add(struct search_batch *batch, long long customer_id,
    const void *name_key, unsigned long length, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits)
{
	static struct search_terms terms;
	int i;

	if (length > SEARCH_NAME_KEY_MAX)
		return -1;
	search_terms(first_name, last_name, email, phone_digits, &terms);
	for (i = 0; i < terms.count; i++)
		if (queue_row(batch, customer_id, terms.term[i], name_key, length, email) != 0)
			return -1;
	return 0;
}

/* Whether terms holds term. */
static int
has_term(const struct search_terms *terms, const char *term)
{
	int i;

	for (i = 0; i < terms->count; i++)
		if (strcmp(terms->term[i], term) == 0)
			return 1;
	return 0;
}

int
search_batch_change(struct search_batch *drop, struct search_batch *put,
    long long customer_id, const void *name_key, unsigned long length, int rekey,
    const struct search_terms *old, const char *first_name, const char *last_name,
    const char *email, const char *phone_digits)
{
	static struct search_terms now;
	int i;

	if (length > SEARCH_NAME_KEY_MAX)
		return -1;
	search_terms(first_name, last_name, email, phone_digits, &now);
	for (i = 0; i < old->count; i++)
		if (!has_term(&now, old->term[i]) &&
		    queue_row(drop, customer_id, old->term[i], NULL, 0, NULL) != 0)
			return -1;
	for (i = 0; i < now.count; i++)
		if ((rekey || !has_term(old, now.term[i])) &&
		    queue_row(put, customer_id, now.term[i], name_key, length, email) != 0)
			return -1;
	return 0;
}

int
search_add(struct db *db, long long shop_id, long long customer_id, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits)
{
	static struct search_batch batch;
	struct db_param params[2] = { DB_INT(customer_id), DB_INT(shop_id) };
	struct db_query *query = db_cached(db, "SELECT name_key FROM customer WHERE id = ? AND shop_id = ?");
	int status = -1;

	if (query == NULL || db_exec(db, query, params, 2) < 0)
		return -1;
	search_batch_init(&batch, db, shop_id, SEARCH_ADD);
	if (db_fetch(query) == 1)
		status = search_batch_add(&batch, customer_id, db_text(query, 0), db_length(query, 0),
		    first_name, last_name, email, phone_digits);
	db_done(query);
	return status == 0 ? search_batch_flush(&batch) : -1;
}

/* Deletes up to FORGET_ROWS terms of one customer per statement, the list
 * padded by repeating its last term. */
#define FORGET_ROWS 32

int
search_forget(struct db *db, long long shop_id, long long customer_id, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits)
{
	static struct search_terms terms;
	static char *sql;	/* built once per process */
	struct db_param params[2 + FORGET_ROWS];
	struct db_query *query;
	int from, r;

	if (sql == NULL && (sql = db_sql_repeat("DELETE FROM customer_search"
	    " WHERE shop_id = ? AND customer_id = ? AND term IN (", "?", FORGET_ROWS, ")")) == NULL)
		return -1;
	search_terms(first_name, last_name, email, phone_digits, &terms);
	for (from = 0; from < terms.count; from += FORGET_ROWS) {
		params[0] = DB_INT(shop_id);
		params[1] = DB_INT(customer_id);
		for (r = 0; r < FORGET_ROWS; r++) {
			int i = from + r < terms.count ? from + r : terms.count - 1;

			params[2 + r] = DB_TEXT(terms.term[i]);
		}
		query = db_cached(db, sql);
		if (query == NULL || db_exec(db, query, params, 2 + FORGET_ROWS) < 0)
			return -1;
	}
	return 0;
}
