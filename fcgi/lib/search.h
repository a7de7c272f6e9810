/*
 * Customer search: the customer_search table holds, for every customer,
 * each word of the names, the e-mail address and the phone's digits,
 * folded (lowercase, no accents), and every suffix of those words that is
 * three characters or longer. "lodi" then finds "Élodie" with one index
 * range (term LIKE 'lodi%') instead of reading the whole shop.
 *
 * Every writer of those four columns keeps the table in step, in the same
 * transaction: search_batch_add after an INSERT, search_forget (or a
 * SEARCH_DROP batch) with the old values before an UPDATE or an erasure,
 * or search_batch_change for what an UPDATE changes. Each term also
 * carries a copy of the customer's name_key (sql/006: the name order,
 * computed by the server), so the customer row is written first, and of
 * its e-mail address (sql/031: the e-mail order).
 */
#ifndef FIDELE_SEARCH_H
#define FIDELE_SEARCH_H

#include <stddef.h>

#include "db.h"

/* Longest term stored; longer words are cut (a search cuts them the same way). */
#define SEARCH_TERM_MAX 24
/* At most this many terms for one customer (the rest are dropped). */
#define SEARCH_TERMS_MAX 160
/* Search words kept from what an admin types. */
#define SEARCH_TOKENS_MAX 8

struct search_terms {
	int count;
	char term[SEARCH_TERMS_MAX][SEARCH_TERM_MAX + 1];
};

/* Folds UTF-8 text for search into out (size bytes, always terminated):
 * ASCII letters lowercased, Latin accents dropped ("Œ" -> "oe", "ß" -> "ss"),
 * apostrophes and separate accents removed ("O'Brien" -> "obrien"),
 * Cyrillic and Greek lowercased, anything else that is not a letter or a
 * digit turned into one space. Letters of other scripts are kept as they
 * are (Vietnamese letters keep their accents). */
void search_fold(const char *in, char *out, size_t size);

/* The distinct terms of one customer; a French phone number gives its
 * national (0…) and international (33…) forms. */
void search_terms(const char *first_name, const char *last_name, const char *email,
    const char *phone_digits, struct search_terms *terms);

/* Splits what an admin typed into at most SEARCH_TOKENS_MAX folded words,
 * each cut to SEARCH_TERM_MAX bytes (one letter is an initial: the start of
 * a name). A search made only of digits and phone punctuation ("06 12 34")
 * is one word of its digits ("061234"; one digit, "6", is an initial too);
 * written from abroad ("+33 6 12", "0033 6 12", "+33 (0)6 12") it starts
 * with the country code ("33612"). A French number's terms hold both
 * forms. Returns the number of words. */
int search_tokens(const char *query, char tokens[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 1]);

/* For a phone search word: the same digits in the other French form
 * ("0612" -> "33612", "33612" -> "0612") into out, for the searches that
 * read phone_digits (which holds the number as typed) instead of the
 * terms. Returns 1, or 0 when the word has no other form. */
int search_phone_other_form(const char *token, char *out, size_t size);

/* Rows for customer_search, kept in a batch and sent sorted by the
 * index's key (shop_id, term, customer_id) in multi-row statements: an
 * import's batch then goes through the index in its order rather than
 * jumping about it, a few hundred rows a round trip. */
#define SEARCH_BATCH_ROWS 16384
/* customer.name_key's size */
#define SEARCH_NAME_KEY_MAX 64

/* What a batch does with its rows. */
enum search_write {
	SEARCH_ADD,	/* terms of new customers (INSERT IGNORE) */
	SEARCH_PUT,	/* terms that may be there with an old name_key or address (an upsert) */
	SEARCH_DROP,	/* terms that go (DELETE by the key; no name_key, no address) */
	SEARCH_WRITE__MAX
};

struct search_row {
	long long customer;
	unsigned long name_key_length;
	char term[SEARCH_TERM_MAX + 1];
	unsigned char name_key[SEARCH_NAME_KEY_MAX];
	int email;		/* where its address starts in the batch's emails; -1: none (NULL) */
};

/* A batch's rows grow as they are queued, up to SEARCH_BATCH_ROWS (1.8
 * MB), and are kept for its next use: give each batch static storage (it
 * starts empty). A process that never writes the index has no rows at
 * all: as a static array they were 11 MB of every program's bss, which
 * the sanitizer build's leak check read through at each process's exit.
 * The addresses the rows carry are kept once a customer, one after
 * another in emails (a customer's some 28 terms share one). */
struct search_batch {
	struct db *db;
	long long shop_id;
	enum search_write write;
	int rows;
	int capacity;
	struct search_row *row;
	char *emails;
	size_t emails_used, emails_size;
};

void search_batch_init(struct search_batch *batch, struct db *db, long long shop_id,
    enum search_write write);

/* Queues the terms of one customer, whose name_key (read back from the
 * customer row) is name_key, length bytes, and whose address is email as
 * written in the row (NULL: none), each term with a copy of both (a
 * SEARCH_DROP batch: every term of these values goes; no name_key, NULL
 * and 0); sends a full batch. Returns 0 or -1. */
int search_batch_add(struct search_batch *batch, long long customer_id,
    const void *name_key, unsigned long length, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits);

/* Queues what new values change in one customer's terms, old being the
 * terms of the values it had (search_terms): the terms only the old
 * values gave go into drop (a SEARCH_DROP batch); into put (SEARCH_PUT)
 * the terms only the new values give, or all of them when rekey is set
 * (the names or the address changed, and with them the copies every term
 * carries). Terms both give, under the same copies, are not written at
 * all: a changed phone costs no row of the index it does not change.
 * Returns 0 or -1. */
int search_batch_change(struct search_batch *drop, struct search_batch *put,
    long long customer_id, const void *name_key, unsigned long length, int rekey,
    const struct search_terms *old, const char *first_name, const char *last_name,
    const char *email, const char *phone_digits);

/* Sends what is queued. Returns 0 or -1. */
int search_batch_flush(struct search_batch *batch);

/* Indexes one customer at once, reading its name_key. Returns 0 or -1. */
int search_add(struct db *db, long long shop_id, long long customer_id, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits);

/* Removes the terms that these (old) values gave. Returns 0 or -1. */
int search_forget(struct db *db, long long shop_id, long long customer_id, const char *first_name,
    const char *last_name, const char *email, const char *phone_digits);

#endif
