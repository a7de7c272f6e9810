/*
 * The customer query and its planner (see customer_query.h).
 *
 * A statement is built for each query from the filters in use: a filter
 * that is not chosen is not in the statement, so that the index the list
 * walks can answer alone. Each distinct statement is prepared once per
 * process (db_cached).
 *
 * Paging is by keyset: a page link carries the sort values of the row it
 * continues from (after=) or goes back from (before=), so page 2,000 costs
 * what page 1 costs, and ties are broken by the id.
 * The same keyset cuts a big export in two (customer_query_export_split):
 * the rows before a boundary row and the rows from it on, read at once on
 * two connections by export.fcgi.
 *
 * Search goes through customer_search (search.h). The server estimates how
 * many entries each word has (EXPLAIN) and how many customers the shop has;
 * from those the planner guesses how many customers match all the words.
 * Few (candidates_cheaper, at most Limits.SearchCandidates): the matches
 * are found in the index first, intersected there, and only they are read
 * and sorted. Many: the list
 * walks its sort index and keeps the customers found in each word's
 * matches. When they sit far along the walk, the walk stops after
 * Limits.SearchWalk rows and the page is read from the matches after all:
 * sorted by name, from the rarest word's entries, which carry the name
 * order (sql/006): its own term's read along that order as far as the
 * page goes (sql/029), the longer terms it starts sorted without reading
 * a row (PLAN_SORTED); otherwise by reading and sorting every match. A
 * word whose entries are mostly its own term ("elodie") goes to
 * PLAN_SORTED at once. A surname far ahead in
 * the name order ("vincent" on page 1) goes to PLAN_SORTED at once. From a
 * page link among customers whose last or first name starts with a word
 * ("elodie martin", page 5, among the Martins), the list walks, and tells
 * those names on the index (their name order starts with the word's
 * weights) before looking the word up. A word found in more than a quarter
 * of the shop ("gmail") is not looked up at all but checked on the rows
 * read. So is a word beside an initial ("sophie o"), which goes to
 * PLAN_SORTED at once. A bulk selection, a count and an export want every
 * match once: they are planned without the page's choices.
 *
 * A search of single letters or digits ("m", "6") does not use the search
 * entries (PLAN_LETTERS): the customers whose last name, first name or
 * (a digit) phone starts with it are ranges of indexes, the names' in
 * name order (sql/006, sql/012), and the page is the start of each range
 * merged; such a search is always listed by name.
 *
 * The server's estimates are kept per process for a minute per shop and
 * question (customer_estimator_cached): a repeated search or the next page
 * of one runs its page statement alone.
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customer_query.h"
#include "text.h"

/* --- the keys -------------------------------------------------------------------- */

static const char *const status_choices[] = { "current", "all", "active", "invited",
	"unconfirmed", "blocked", "inactive", "waiting", NULL };
static const char *const source_choices[] = { "", "self", "admin", "import", "order", NULL };
static const char *const consent_choices[] = { "", "yes", "no", NULL };
static const char *const sort_choices[] = { "name", "email", "created", "last_order", "orders",
	"spent", NULL };
static const char *const dir_choices[] = { "asc", "desc", NULL };
static const char *const size_choices[] = { "50", "25", "100", "200", NULL };

const struct customer_key_def customer_query_keys[CUSTOMER_KEY__MAX] = {
	[CUSTOMER_KEY_Q] = { { "q", FIELD_TEXT, 0, 100, 0, 0, NULL }, CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_STATUS] = { { "status", FIELD_CHOICE, 0, 11, 0, 0, status_choices },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_SOURCE] = { { "source", FIELD_CHOICE, 0, 10, 0, 0, source_choices },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_CONSENT] = { { "consent", FIELD_CHOICE, 0, 10, 0, 0, consent_choices },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_FROM] = { { "from", FIELD_DATE, 0, 0, 0, 0, NULL }, CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_TO] = { { "to", FIELD_DATE, 0, 0, 0, 0, NULL }, CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_ORDERS_MIN] = { { "orders_min", FIELD_INT, 0, 10, 0, 1000000, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_ORDERS_MAX] = { { "orders_max", FIELD_INT, 0, 10, 0, 1000000, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_SPENT_MIN] = { { "spent_min", FIELD_INT, 0, 10, 0, 100000000, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_SPENT_MAX] = { { "spent_max", FIELD_INT, 0, 10, 0, 100000000, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_LAST_FROM] = { { "last_from", FIELD_DATE, 0, 0, 0, 0, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_LAST_TO] = { { "last_to", FIELD_DATE, 0, 0, 0, 0, NULL }, CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_GROUP] = { { "group", FIELD_INT, 0, 19, 1, LLONG_MAX, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_TAG] = { { "tag", FIELD_INT, 0, 19, 1, LLONG_MAX, NULL }, CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_FIRST_DAYS] = { { "first_days", FIELD_INT, 0, 4, 1, 3650, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_IMPORT] = { { "import", FIELD_INT, 0, 19, 1, LLONG_MAX, NULL },
	    CUSTOMER_USE_FILTER },
	[CUSTOMER_KEY_SORT] = { { "sort", FIELD_CHOICE, 0, 12, 0, 0, sort_choices },
	    CUSTOMER_USE_ORDER },
	[CUSTOMER_KEY_DIR] = { { "dir", FIELD_CHOICE, 0, 4, 0, 0, dir_choices },
	    CUSTOMER_USE_ORDER },
	[CUSTOMER_KEY_SIZE] = { { "size", FIELD_CHOICE, 0, 3, 0, 0, size_choices },
	    CUSTOMER_USE_ORDER },
	[CUSTOMER_KEY_PAGE] = { { "page", FIELD_INT, 0, 20, 1, 100000, NULL }, CUSTOMER_USE_PAGING },
	[CUSTOMER_KEY_AFTER] = { { "after", FIELD_TEXT, 0, CUSTOMER_CURSOR_LINK_MAX, 0, 0, NULL },
	    CUSTOMER_USE_PAGING },
	[CUSTOMER_KEY_BEFORE] = { { "before", FIELD_TEXT, 0, CUSTOMER_CURSOR_LINK_MAX, 0, 0, NULL },
	    CUSTOMER_USE_PAGING },
	/* how many matched, as page 1 counted it: the page links carry it so
	 * that later pages say where they are without counting again */
	[CUSTOMER_KEY_TOTAL] = { { "total", FIELD_INT, 0, 10, 0, CUSTOMER_COUNT_CAP + 1, NULL },
	    CUSTOMER_USE_PAGING },
};

/* The range filters, in the order the statement tests them, each with its
 * condition. */
static const struct {
	enum customer_key key;
	const char *condition;
} ranges[] = {
	{ CUSTOMER_KEY_FROM, " AND c.created_at >= ?" },
	{ CUSTOMER_KEY_TO, " AND c.created_at < ? + INTERVAL 1 DAY" },
	{ CUSTOMER_KEY_LAST_FROM, " AND c.last_order_at >= ?" },
	{ CUSTOMER_KEY_LAST_TO, " AND c.last_order_at < ? + INTERVAL 1 DAY" },
	{ CUSTOMER_KEY_ORDERS_MIN, " AND c.order_count >= ?" },
	{ CUSTOMER_KEY_ORDERS_MAX, " AND c.order_count <= ?" },
	{ CUSTOMER_KEY_SPENT_MIN, " AND c.total_spent_cents >= ?" },
	{ CUSTOMER_KEY_SPENT_MAX, " AND c.total_spent_cents <= ?" },
};

size_t
customer_query_fields(struct field *out, size_t room, const struct field *own,
    enum customer_key_use widest)
{
	size_t n = 0;
	int k;

	for (; own != NULL && own->name != NULL; own++) {
		if (n + 1 >= room)
			return 0;
		out[n++] = *own;
	}
	for (k = 0; k < CUSTOMER_KEY__MAX; k++) {
		if (customer_query_keys[k].use > widest)
			continue;
		if (n + 1 >= room)
			return 0;
		out[n++] = customer_query_keys[k].field;
	}
	memset(&out[n], 0, sizeof(out[n]));
	return n;
}

/* --- sorts ---------------------------------------------------------------------- */

/* name_key (sql/006) is bytes; a page link carries it in hex */
enum cursor_kind { CURSOR_TEXT, CURSOR_DATETIME, CURSOR_INT, CURSOR_HEX };

/* A self-signup not yet confirmed (invited, source self) shows as
 * "unconfirmed": the shop did not invite them. The name_key comes as its
 * bytes: only a page's first and last rows' go into a link, in hex
 * (customer_query_cursor_link), and HEX() on every row cost the server
 * time and doubled the key's bytes on the wire. */
#define LIST_COLUMNS \
	"c.id, c.first_name, c.last_name, c.email, c.phone," \
	" IF(c.status = 'invited' AND c.source = 'self', 'unconfirmed', c.status)," \
	" c.created_at, c.order_count, c.total_spent_cents, c.last_order_at, c.name_key, c.company"

/* Sort keys: the index walked, the columns of the order (the id last, to
 * break ties) and where each is in LIST_COLUMNS. The index must give that
 * order by itself, or a walk would read everything to sort it. Only
 * last_order and the e-mail may be NULL: customers who never ordered (who
 * have no address) sort first going up, last going down. */
static const struct {
	const char *index;
	int keys;
	const char *column[3];
	int result[3];
	enum cursor_kind kind;	/* of the first column */
	int nullable;
} sorts[CUSTOMER_SORT__MAX] = {
	/* CUSTOMER_SORT_NAME: the order of last_name, first_name (sql/006) */
	{ "customer_shop_name", 2, { "c.name_key", "c.id" }, { 10, 0 }, CURSOR_HEX, 0 },
	/* CUSTOMER_SORT_EMAIL: one address per customer of a shop; the
	 * customers without one (reached by phone or post) in id order (the
	 * unique key is not the one walked: it has no filter column, sql/012) */
	{ "customer_shop_email_order", 2, { "c.email", "c.id" }, { 3, 0 }, CURSOR_TEXT, 1 },
	/* CUSTOMER_SORT_CREATED */
	{ "customer_shop_created", 2, { "c.created_at", "c.id" }, { 6, 0 }, CURSOR_DATETIME, 0 },
	/* CUSTOMER_SORT_LAST_ORDER */
	{ "customer_shop_last_order", 2, { "c.last_order_at", "c.id" }, { 9, 0 }, CURSOR_DATETIME,
	    1 },
	/* CUSTOMER_SORT_ORDERS */
	{ "customer_shop_orders", 2, { "c.order_count", "c.id" }, { 7, 0 }, CURSOR_INT, 0 },
	/* CUSTOMER_SORT_SPENT */
	{ "customer_shop_spent", 2, { "c.total_spent_cents", "c.id" }, { 8, 0 }, CURSOR_INT, 0 },
};

/* --- the planner's statements ---------------------------------------------------- */

struct db_query customer_query_sql[CQ_SQL__MAX] = {
	/* the server's estimate of a search word's index entries, and of the
	 * shop's customers (EXPLAIN reads a few index pages, not the rows).
	 * The terms' entries always on the same index: each of the three
	 * estimates the same range differently ("martin" on 1,000,000
	 * customers: 35,206, 31,556 or 28,570 entries), and a word's own term
	 * estimated on one against all its terms on another would see longer
	 * terms that are not there (sorted_entries) */
	[CQ_SEARCH_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer_search FORCE INDEX (PRIMARY)"
	    " WHERE shop_id = ? AND term LIKE ?" },
	[CQ_SHOP_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ? AND name_key >= ''" },
	/* in the name order (sql/006): the customers whose last name starts
	 * with a word, and those between a page link (hex) and them, going
	 * up or down */
	[CQ_NAME_PREFIX_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ?"
	    " AND name_key >= WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)"
	    " AND name_key < CONCAT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0xFFFF)" },
	[CQ_NAME_BEFORE_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ? AND name_key >= UNHEX(?)"
	    " AND name_key < WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)" },
	[CQ_NAME_AFTER_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ?"
	    " AND name_key >= CONCAT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0xFFFF)"
	    " AND name_key < UNHEX(?)" },
	[CQ_WEIGHTS] = { .sql = "SELECT HEX(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci))" },
	/* the customers whose phone starts with a digit */
	[CQ_PHONE_PREFIX_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer c FORCE INDEX (customer_shop_phone)"
	    " WHERE c.shop_id = ? AND c.phone_digits LIKE ?" },
	[CQ_SLICE_NAMES] = { .sql =
	    "SELECT (SELECT name FROM customer_group WHERE id = ? AND shop_id = ?),"
	    "       (SELECT name FROM tag WHERE id = ? AND shop_id = ?)" },
	/* the server's estimate of a group's or a tag's members: a range of
	 * the membership's primary key */
	[CQ_GROUP_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer_group_member gm FORCE INDEX (PRIMARY)"
	    " WHERE gm.group_id = ? AND gm.shop_id = ?" },
	[CQ_TAG_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer_tag ct FORCE INDEX (PRIMARY)"
	    " WHERE ct.tag_id = ? AND ct.shop_id = ?" },
	/* the server's estimate of the customers an import created: a range
	 * of their index (sql/015) */
	[CQ_IMPORT_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer c FORCE INDEX (customer_import)"
	    " WHERE c.shop_id = ? AND c.import_id = ?" },
	/* its shop's import only: another's says nothing */
	[CQ_IMPORT_NAME] = { .sql =
	    "SELECT file_name, source, created_at FROM import WHERE id = ? AND shop_id = ?" },
};

/* The parts of a search of one letter (enum customer_letter_part): the
 * index that holds each range, the range on it (conditions on the letter),
 * and the condition the part's customers meet (on the pattern "m%"). The
 * names' ranges are in name order; the phones' range is not (estimate:
 * how the planner sizes it). */
static const struct {
	const char *index;
	const char *range[2];
	const char *condition;
	enum customer_query_sql estimate;
	int digits_only;
} letter_parts[CUSTOMER_LETTER__MAX] = {
	/* CUSTOMER_LETTER_LAST: the last name's weights start the name
	 * order (sql/006) */
	{ "customer_shop_name",
	    { " AND c.name_key >= WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)",
	    " AND c.name_key < CONCAT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0xFFFF)" },
	    " AND c.last_name LIKE ?", CQ_SQL__MAX, 0 },
	/* CUSTOMER_LETTER_FIRST: the weight of the first name's first letter
	 * (sql/012) */
	{ "customer_shop_first_initial",
	    { " AND c.first_initial = LEFT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 2)",
	    NULL }, " AND c.first_name LIKE ?", CQ_SQL__MAX, 0 },
	/* CUSTOMER_LETTER_PHONE: digits only, as typed */
	{ "customer_shop_phone", { NULL, NULL }, " AND c.phone_digits LIKE ?",
	    CQ_PHONE_PREFIX_ESTIMATE, 1 },
};

/* Registers the planner's table with db the first time. 0 or -1. */
static int
sql_ready(struct db *db)
{
	return db_register(db, customer_query_sql, CQ_SQL__MAX);
}

/* The rows column of an EXPLAIN of one table: the server's estimate. */
static long long
explain_rows(struct db *db, enum customer_query_sql which, struct db_param *params, size_t n)
{
	struct db_query *query = &customer_query_sql[which];
	long long rows = -1;
	unsigned int col;

	if (db_exec(db, query, params, n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		for (col = 0; col < query->columns; col++)
			if (strcmp(query->names[col], "rows") == 0)
				rows = db_int(query, col);
	db_done(query);
	return rows;
}

static long long
db_shop(void *ctx, long long shop_id)
{
	struct db_param params[1] = { DB_INT(shop_id) };

	return explain_rows(ctx, CQ_SHOP_ESTIMATE, params, 1);
}

static long long
db_word(void *ctx, long long shop_id, const char *pattern)
{
	struct db_param params[2] = { DB_INT(shop_id), DB_TEXT(pattern) };

	return explain_rows(ctx, CQ_SEARCH_ESTIMATE, params, 2);
}

static long long
db_surname(void *ctx, long long shop_id, const char *word)
{
	struct db_param params[3] = { DB_INT(shop_id), DB_TEXT(word), DB_TEXT(word) };

	return explain_rows(ctx, CQ_NAME_PREFIX_ESTIMATE, params, 3);
}

static long long
db_crossed(void *ctx, long long shop_id, const char *word, const char *from, int reading_down)
{
	struct db_param params[3] = { DB_INT(shop_id), DB_TEXT(reading_down ? word : from),
		DB_TEXT(reading_down ? from : word) };

	return explain_rows(ctx, reading_down ? CQ_NAME_AFTER_ESTIMATE : CQ_NAME_BEFORE_ESTIMATE,
	    params, 3);
}

static int
db_weights(void *ctx, const char *word, char *out, size_t size)
{
	struct db_query *query = &customer_query_sql[CQ_WEIGHTS];
	struct db_param param = DB_TEXT(word);
	const char *weights;
	int found = 0;

	if (db_exec(ctx, query, &param, 1) < 0)
		return -1;
	weights = db_fetch(query) == 1 ? db_text(query, 0) : NULL;
	if (weights != NULL && *weights != '\0' && strlen(weights) < size) {
		snprintf(out, size, "%s", weights);
		found = 1;
	}
	db_done(query);
	return found;
}

static long long
db_starting(void *ctx, long long shop_id, enum customer_letter_part part, const char *pattern)
{
	struct db_param params[2] = { DB_INT(shop_id), DB_TEXT(pattern) };

	if (letter_parts[part].estimate == CQ_SQL__MAX)
		return -1;
	return explain_rows(ctx, letter_parts[part].estimate, params, 2);
}

/* --- the estimates kept ------------------------------------------------------------ */

/* One answer of the server, to one question (its kind and words, as text)
 * about one shop (0: about no shop, the weights of a word). */
struct kept_estimate {
	long long shop_id;
	long long at;		/* 0: empty */
	long long value;
	char question[200];
	char answer[2 * SEARCH_NAME_KEY_MAX + 1];	/* weights in hex */
};

static struct kept_estimate kept[CUSTOMER_ESTIMATES_KEPT];

void
customer_estimates_forget(void)
{
	memset(kept, 0, sizeof(kept));
}

/* The fresh answer to question, or NULL. */
static struct kept_estimate *
kept_find(long long now, long long shop_id, const char *question)
{
	size_t i;

	for (i = 0; i < CUSTOMER_ESTIMATES_KEPT; i++)
		if (kept[i].at != 0 && kept[i].shop_id == shop_id && now >= kept[i].at &&
		    now - kept[i].at < CUSTOMER_ESTIMATE_SECONDS &&
		    strcmp(kept[i].question, question) == 0)
			return &kept[i];
	return NULL;
}

/* Keeps an answer in place of the oldest one. */
static void
kept_put(long long now, long long shop_id, const char *question, long long value,
    const char *answer)
{
	size_t i, oldest = 0;

	for (i = 1; i < CUSTOMER_ESTIMATES_KEPT; i++)
		if (kept[i].at < kept[oldest].at)
			oldest = i;
	kept[oldest].shop_id = shop_id;
	kept[oldest].at = now;
	kept[oldest].value = value;
	snprintf(kept[oldest].question, sizeof(kept[oldest].question), "%s", question);
	snprintf(kept[oldest].answer, sizeof(kept[oldest].answer), "%s", answer ? answer : "");
}

/* Writes a question; 0, or -1 when it is too long to keep (then the
 * server is asked every time). */
static int
question(char *out, size_t size, const char *kind, const char *a, const char *b, int c)
{
	int written = snprintf(out, size, "%s\x1f%s\x1f%s\x1f%d", kind, a, b, c);

	return written > 0 && (size_t)written < size ? 0 : -1;
}

/* The answer of the cache's inner estimator for a numeric estimate,
 * kept; ask is how to ask it. */
static long long
kept_number(struct customer_estimate_cache *cache, long long shop_id, const char *text,
    long long (*ask)(const struct customer_estimator *, long long, const char *, const char *,
    int), const char *a, const char *b, int c)
{
	char q[sizeof(kept[0].question)];
	struct kept_estimate *found;
	long long value;

	if (question(q, sizeof(q), text, a, b, c) != 0)
		return ask(cache->inner, shop_id, a, b, c);
	if ((found = kept_find(cache->now, shop_id, q)) != NULL)
		return found->value;
	value = ask(cache->inner, shop_id, a, b, c);
	if (value >= 0)
		kept_put(cache->now, shop_id, q, value, NULL);
	return value;
}

static long long
ask_shop(const struct customer_estimator *e, long long shop_id, const char *a, const char *b,
    int c)
{
	(void)a, (void)b, (void)c;
	return e->shop(e->ctx, shop_id);
}

static long long
ask_word(const struct customer_estimator *e, long long shop_id, const char *a, const char *b,
    int c)
{
	(void)b, (void)c;
	return e->word(e->ctx, shop_id, a);
}

static long long
ask_surname(const struct customer_estimator *e, long long shop_id, const char *a, const char *b,
    int c)
{
	(void)b, (void)c;
	return e->surname(e->ctx, shop_id, a);
}

static long long
ask_crossed(const struct customer_estimator *e, long long shop_id, const char *a, const char *b,
    int c)
{
	return e->crossed(e->ctx, shop_id, a, b, c);
}

static long long
ask_starting(const struct customer_estimator *e, long long shop_id, const char *a,
    const char *b, int c)
{
	(void)b;
	return e->starting(e->ctx, shop_id, (enum customer_letter_part)c, a);
}

static long long
kept_shop(void *ctx, long long shop_id)
{
	return kept_number(ctx, shop_id, "shop", ask_shop, "", "", 0);
}

static long long
kept_word(void *ctx, long long shop_id, const char *pattern)
{
	return kept_number(ctx, shop_id, "word", ask_word, pattern, "", 0);
}

static long long
kept_surname(void *ctx, long long shop_id, const char *word)
{
	return kept_number(ctx, shop_id, "surname", ask_surname, word, "", 0);
}

static long long
kept_crossed(void *ctx, long long shop_id, const char *word, const char *from, int reading_down)
{
	return kept_number(ctx, shop_id, "crossed", ask_crossed, word, from, reading_down);
}

static long long
kept_starting(void *ctx, long long shop_id, enum customer_letter_part part, const char *pattern)
{
	return kept_number(ctx, shop_id, "starting", ask_starting, pattern, "", (int)part);
}

static int
kept_weights(void *ctx, const char *word, char *out, size_t size)
{
	struct customer_estimate_cache *cache = ctx;
	char q[sizeof(kept[0].question)];
	struct kept_estimate *found;
	int value;

	if (question(q, sizeof(q), "weights", word, "", 0) != 0)
		return cache->inner->weights(cache->inner->ctx, word, out, size);
	if ((found = kept_find(cache->now, 0, q)) != NULL) {
		if (found->value && strlen(found->answer) >= size)
			return 0;
		snprintf(out, size, "%s", found->value ? found->answer : "");
		return (int)found->value;
	}
	value = cache->inner->weights(cache->inner->ctx, word, out, size);
	if (value >= 0)
		kept_put(cache->now, 0, q, value, value ? out : "");
	return value;
}

void
customer_estimator_cached(struct customer_estimator *out, struct customer_estimate_cache *cache)
{
	out->shop = kept_shop;
	out->word = kept_word;
	out->surname = kept_surname;
	out->crossed = kept_crossed;
	out->weights = kept_weights;
	out->starting = kept_starting;
	out->ctx = cache;
}

/* --- reading a query --------------------------------------------------------------- */

void
customer_query_init(struct customer_query *query, long long shop_id, HDF *config)
{
	memset(query, 0, sizeof(*query));
	query->shop_id = shop_id;
	query->candidates_max = config ? hdf_get_int_value(config, "Limits.SearchCandidates",
	    CUSTOMER_CANDIDATES_MAX) : CUSTOMER_CANDIDATES_MAX;
	query->walk_max = config ? hdf_get_int_value(config, "Limits.SearchWalk",
	    CUSTOMER_WALK_EXAMINED_MAX) : CUSTOMER_WALK_EXAMINED_MAX;
	query->orders_min = query->orders_max = -1;
	query->spent_min = query->spent_max = -1;
	query->group_id = query->tag_id = query->first_days = query->import_id = -1;
	query->sort = CUSTOMER_SORT_NAME;
	query->size = 50;
	query->page = 1;
	query->total = -1;
	query->matching = -1;
}

/* Where a date or number key is kept. */
static char *
date_of(struct customer_query *query, enum customer_key key)
{
	switch (key) {
	case CUSTOMER_KEY_FROM:
		return query->created_from;
	case CUSTOMER_KEY_TO:
		return query->created_to;
	case CUSTOMER_KEY_LAST_FROM:
		return query->last_order_from;
	case CUSTOMER_KEY_LAST_TO:
		return query->last_order_to;
	default:
		return NULL;
	}
}

static long long *
number_of(struct customer_query *query, enum customer_key key)
{
	switch (key) {
	case CUSTOMER_KEY_ORDERS_MIN:
		return &query->orders_min;
	case CUSTOMER_KEY_ORDERS_MAX:
		return &query->orders_max;
	case CUSTOMER_KEY_SPENT_MIN:
		return &query->spent_min;
	case CUSTOMER_KEY_SPENT_MAX:
		return &query->spent_max;
	case CUSTOMER_KEY_GROUP:
		return &query->group_id;
	case CUSTOMER_KEY_TAG:
		return &query->tag_id;
	case CUSTOMER_KEY_FIRST_DAYS:
		return &query->first_days;
	case CUSTOMER_KEY_IMPORT:
		return &query->import_id;
	case CUSTOMER_KEY_PAGE:
		return &query->page;
	case CUSTOMER_KEY_TOTAL:
		return &query->total;
	default:
		return NULL;
	}
}

/* Sets one key from its text, checked as the door checks it (NULL: not
 * sent). The page link is only kept here, and read once the order is
 * known. Returns NULL, or the Lang key of a choice not offered when the
 * text was not checked. */
static const char *
set_key(struct customer_query *query, enum customer_key key, const char *value,
    const char **after, const char **before)
{
	const struct customer_key_def *def = &customer_query_keys[key];
	int index;

	if (key == CUSTOMER_KEY_AFTER || key == CUSTOMER_KEY_BEFORE) {
		*(key == CUSTOMER_KEY_AFTER ? after : before) = value;
		return NULL;
	}
	if (value == NULL || *value == '\0')
		return NULL;
	if (key < CUSTOMER_FILTER__MAX)
		query->given[key] = 1;
	if (def->field.kind == FIELD_CHOICE) {
		index = field_choice(&def->field, value);
		if (index < 0)
			return "Error.Field.Choice";
		switch (key) {
		case CUSTOMER_KEY_STATUS:
			query->status = (enum customer_status_filter)index;
			break;
		case CUSTOMER_KEY_SOURCE:
			query->source = (enum customer_source_filter)index;
			break;
		case CUSTOMER_KEY_CONSENT:
			query->consent = (enum customer_consent_filter)index;
			break;
		case CUSTOMER_KEY_SORT:
			query->sort = (enum customer_sort)index;
			break;
		case CUSTOMER_KEY_DIR:
			query->descending = index;
			break;
		case CUSTOMER_KEY_SIZE:
			query->size = atoi(size_choices[index]);
			break;
		default:
			break;
		}
		return NULL;
	}
	if (key == CUSTOMER_KEY_Q)
		snprintf(query->search, sizeof(query->search), "%s", value);
	else if (date_of(query, key) != NULL)
		snprintf(date_of(query, key), sizeof(query->created_from), "%s", value);
	else if (number_of(query, key) != NULL)
		*number_of(query, key) = strtoll(value, NULL, 10);
	return NULL;
}

/* Reads and checks the page link against the sort: one value per column,
 * each of the column's kind. Returns 0 or -1. */
static int
cursor_read(struct customer_query *query, const char *text)
{
	long length = text_base64url_decode(text, (unsigned char *)query->cursor_raw,
	    sizeof(query->cursor_raw));
	char *p = query->cursor_raw;
	int k, keys = sorts[query->sort].keys;

	snprintf(query->cursor_link, sizeof(query->cursor_link), "%s", text);
	if (length < 0 || (size_t)length != strlen(query->cursor_raw))
		return -1;
	for (k = 0; k < keys; k++) {
		char *end = strchr(p, '\x1f');
		int is_id = strcmp(sorts[query->sort].column[k], "c.id") == 0;
		enum cursor_kind kind = is_id ? CURSOR_INT : sorts[query->sort].kind;

		if ((end == NULL) != (k == keys - 1))
			return -1;
		if (end != NULL)
			*end = '\0';
		if (!text_is_clean_utf8(p, 0))
			return -1;
		query->cursor_value[k] = p;
		if (k == 0 && sorts[query->sort].nullable && *p == '\0')
			query->cursor_value[k] = NULL;
		else if (kind == CURSOR_INT && (p[*p == '-'] == '\0' || strlen(p) > 19 ||
		    strspn(p + (*p == '-'), "0123456789") != strlen(p + (*p == '-')) ||
		    (*p == '-' && is_id)))
			return -1;
		else if (kind == CURSOR_DATETIME && (strlen(p) != 19 ||
		    strspn(p, "0123456789-: ") != 19 || p[4] != '-' || p[10] != ' '))
			return -1;
		else if (kind == CURSOR_HEX && (strlen(p) % 2 != 0 || strlen(p) > 128 ||
		    strspn(p, "0123456789ABCDEF") != strlen(p)))
			return -1;
		p = end ? end + 1 : p + strlen(p);
	}
	return 0;
}

/* What every reader does once the keys are set: the search words, then
 * the page link. Returns NULL or a Lang key. */
static const char *
finish_reading(struct customer_query *query, const char *after, const char *before,
    long long page_given)
{
	if (query->search[0] != '\0') {
		int t, words = 0;

		query->tokens = search_tokens(query->search, query->token);
		for (t = 0; t < query->tokens; t++) {
			query->initial[t] = text_length(query->token[t]) == 1;
			words += !query->initial[t];
		}
		/* nothing to look for: a clear word rather than every customer */
		if (query->tokens == 0)
			return "Error.Field.SearchShort";
		/* single letters: read in name order from the ranges of the
		 * names (see the planner), whatever the order asked */
		if (words == 0)
			query->sort = CUSTOMER_SORT_NAME;
	}
	if (after != NULL && before != NULL)
		return "Error.Field.PageLink";
	if (after != NULL || before != NULL) {
		query->cursor = 1;
		query->backwards = before != NULL;
		if (cursor_read(query, after ? after : before) != 0)
			return "Error.Field.PageLink";
		query->page = page_given > 0 ? page_given : query->backwards ? 1 : 2;
	} else
		query->page = 1;
	return NULL;
}

const char *
customer_query_from_request(struct customer_query *query, struct request *req)
{
	const char *after = NULL, *before = NULL, *problem = NULL, *found;
	int sent[CUSTOMER_KEY__MAX] = { 0 }, k;
	HDF *node;

	customer_query_init(query, req->shop.id, req->app->config);
	query->page = -1;
	/* the keys sent, read in the keys' order (a key not sent changes
	 * nothing): a list opened from the menu sends none */
	for (node = request_fields_sent(req); node != NULL; node = hdf_obj_next(node))
		for (k = 0; k < CUSTOMER_KEY__MAX; k++)
			if (strcmp(customer_query_keys[k].field.name, hdf_obj_name(node)) == 0) {
				sent[k] = 1;
				break;
			}
	for (k = 0; k < CUSTOMER_KEY__MAX; k++) {
		if (!sent[k])
			continue;
		found = set_key(query, (enum customer_key)k,
		    request_field_shared(req, &customer_query_keys[k].field), &after, &before);
		if (problem == NULL)
			problem = found;
	}
	if (problem != NULL)
		return problem;
	return finish_reading(query, after, before, query->page);
}

const char *
customer_query_from_text(struct customer_query *query, long long shop_id, HDF *config,
    const char *text)
{
	char copy[2048], *pair, *next;
	int seen[CUSTOMER_KEY__MAX] = { 0 };
	const char *after = NULL, *before = NULL;

	customer_query_init(query, shop_id, config);
	if (strlen(text) >= sizeof(copy))
		return "Error.Field.TooLong";
	snprintf(copy, sizeof(copy), "%s", text);
	for (pair = copy; pair != NULL && *pair != '\0'; pair = next) {
		char *value = strchr(pair, '=');
		const char *problem;
		int k;

		next = strchr(pair, '&');
		if (next != NULL)
			*next++ = '\0';
		if (*pair == '\0')
			continue;
		if (value != NULL)
			*value++ = '\0';
		for (k = 0; k < CUSTOMER_KEY__MAX &&
		    strcmp(customer_query_keys[k].field.name, pair) != 0; k++)
			;
		if (k == CUSTOMER_KEY__MAX || customer_query_keys[k].use == CUSTOMER_USE_PAGING)
			return "Error.BadForm";
		if (seen[k]++)
			return "Error.Field.Repeated";
		if (value == NULL)
			continue;
		cgi_url_unescape(value);
		problem = field_value_check(&customer_query_keys[k].field, value);
		if (problem == NULL)
			problem = set_key(query, (enum customer_key)k, text_trim(value), &after, &before);
		if (problem != NULL)
			return problem;
	}
	return finish_reading(query, NULL, NULL, 1);
}

const char *
customer_query_value(const struct customer_query *query, enum customer_key key, char *out,
    size_t size)
{
	const struct customer_key_def *def = &customer_query_keys[key];
	long long number = -1;

	out[0] = '\0';
	switch (key) {
	case CUSTOMER_KEY_Q:
		text_copy_utf8(out, size, query->search);
		return out;
	case CUSTOMER_KEY_STATUS:
		if (query->given[key] || query->status != CUSTOMER_STATUS_CURRENT)
			text_copy_utf8(out, size, def->field.choices[query->status]);
		return out;
	case CUSTOMER_KEY_SOURCE:
		text_copy_utf8(out, size, def->field.choices[query->source]);
		return out;
	case CUSTOMER_KEY_CONSENT:
		text_copy_utf8(out, size, def->field.choices[query->consent]);
		return out;
	case CUSTOMER_KEY_SORT:
		text_copy_utf8(out, size, def->field.choices[query->sort]);
		return out;
	case CUSTOMER_KEY_DIR:
		text_copy_utf8(out, size, def->field.choices[query->descending]);
		return out;
	case CUSTOMER_KEY_SIZE:
		snprintf(out, size, "%d", query->size);
		return out;
	case CUSTOMER_KEY_AFTER:
	case CUSTOMER_KEY_BEFORE:
		if (query->cursor && query->backwards == (key == CUSTOMER_KEY_BEFORE))
			text_copy_utf8(out, size, query->cursor_link);
		return out;
	default:
		break;
	}
	if (date_of((struct customer_query *)query, key) != NULL) {
		text_copy_utf8(out, size, date_of((struct customer_query *)query, key));
		return out;
	}
	if (number_of((struct customer_query *)query, key) != NULL)
		number = *number_of((struct customer_query *)query, key);
	if (number >= 0)
		snprintf(out, size, "%lld", number);
	return out;
}

void
customer_query_filters_hdf(const struct customer_query *query, HDF *hdf, const char *prefix)
{
	char value[sizeof(query->search)], key[96];
	int k;

	for (k = 0; k < CUSTOMER_FILTER__MAX; k++) {
		customer_query_value(query, (enum customer_key)k, value, sizeof(value));
		if (value[0] == '\0')
			continue;
		snprintf(key, sizeof(key), "%s.%s", prefix, customer_query_keys[k].field.name);
		hdf_set_value(hdf, key, value);
	}
}

int
customer_query_filters_text(const struct customer_query *query, char *out, size_t size)
{
	char value[sizeof(query->search)];
	size_t used = 0;
	int k, status = 0;

	out[0] = '\0';
	for (k = 0; k < CUSTOMER_FILTER__MAX; k++) {
		char escaped[3 * sizeof(value)];
		int written;

		customer_query_value(query, (enum customer_key)k, value, sizeof(value));
		if (value[0] == '\0' || text_url_escape(value, escaped, sizeof(escaped)) < 0)
			continue;
		written = snprintf(out + used, size - used, "%s=%s&",
		    customer_query_keys[k].field.name, escaped);
		if (written > 0 && used + (size_t)written < size)
			used += (size_t)written;
		else {
			out[used] = '\0';
			status = -1;
		}
	}
	return status;
}

int
customer_query_slice_names(const struct customer_query *query, struct db *db,
    char *group_name, size_t group_size, char *tag_name, size_t tag_size)
{
	struct db_query *names = &customer_query_sql[CQ_SLICE_NAMES];
	struct db_param params[4] = { DB_INT(query->group_id), DB_INT(query->shop_id),
		DB_INT(query->tag_id), DB_INT(query->shop_id) };
	const char *group, *tag;
	int missing = 0;

	group_name[0] = tag_name[0] = '\0';
	if (query->group_id <= 0 && query->tag_id <= 0)
		return 0;
	if (sql_ready(db) != 0 || db_exec(db, names, params, 4) < 0)
		return -1;
	if (db_fetch(names) != 1) {
		db_done(names);
		return -1;
	}
	group = db_text(names, 0);
	tag = db_text(names, 1);
	if (query->group_id > 0 && group == NULL)
		missing = 1;
	else if (group != NULL)
		snprintf(group_name, group_size, "%s", group);
	if (query->tag_id > 0 && tag == NULL)
		missing = 1;
	else if (tag != NULL)
		snprintf(tag_name, tag_size, "%s", tag);
	db_done(names);
	return missing;
}

int
customer_query_import_name(const struct customer_query *query, struct db *db, char *file,
    size_t file_size, char *when, size_t when_size)
{
	struct db_query *found = &customer_query_sql[CQ_IMPORT_NAME];
	struct db_param params[2] = { DB_INT(query->import_id), DB_INT(query->shop_id) };
	int missing = 1;

	file[0] = when[0] = '\0';
	if (query->import_id <= 0)
		return 0;
	if (sql_ready(db) != 0 || db_exec(db, found, params, 2) < 0)
		return -1;
	if (db_fetch(found) == 1) {
		/* a pasted list has no file name: "" */
		if (strcmp(db_text(found, 1), "file") == 0)
			snprintf(file, file_size, "%s", db_text(found, 0));
		snprintf(when, when_size, "%s", db_text(found, 2));
		missing = 0;
	}
	db_done(found);
	return missing;
}

/* --- the planner ------------------------------------------------------------------ */

/* Whether the page can be read from the rarest word's entries in their
 * copy of the order (PLAN_SORTED): sorted by name (sql/029) or by e-mail
 * (sql/031), with a word looked up. It reads every entry of the word but
 * only the rows it shows (and those the filters leave out), so it always
 * beats reading and sorting every match. */
static int
sorted_possible(const struct customer_query *query)
{
	return (query->sort == CUSTOMER_SORT_NAME || query->sort == CUSTOMER_SORT_EMAIL) &&
	    query->tokens > 0 && !query->common[0] && !query->initial[0];
}

/* Whether the rarest word is mostly a surname whose customers lie far
 * ahead along the name order ("vincent" near the end of the alphabet): a
 * walk would cross many customers to reach them, while sorting the word's
 * entries finds them at once. Going the other way, or from a page link
 * inside them, the walk finds them at once. 1, 0, or -1 on error. */
static int
surname_ahead(const struct customer_estimator *estimator, const struct customer_query *query)
{
	/* past every name_key, in hex */
	static char end[2 * (SEARCH_NAME_KEY_MAX + 1) + 1];
	int reading_down = query->descending != query->backwards;
	const char *from = query->cursor ? query->cursor_value[0] : reading_down ? end : "";
	long long surname, crossed;

	if (end[0] == '\0')
		memset(end, 'F', sizeof(end) - 1);
	surname = estimator->surname(estimator->ctx, query->shop_id, query->token[0]);
	if (surname < 0 || surname * 4 < query->estimate[0])
		return surname < 0 ? -1 : 0;
	crossed = estimator->crossed(estimator->ctx, query->shop_id, query->token[0], from,
	    reading_down);
	if (crossed < 0)
		return -1;
	return crossed >= query->walk_max / 4;
}

/* For a page sorted by name that starts from a page link: notes the
 * weights of each word looked up that the link's last or first name starts
 * with (query->weights). Returns how many the last name starts with (the
 * page is then among them, side by side in the name order), or -1. */
static int
words_named(const struct customer_estimator *estimator, struct customer_query *query)
{
	const char *key = query->cursor_value[0], *first = "";
	size_t i, length = strlen(key);
	int t, named = 0;

	/* weights are 4 hex digits; 0000 ends the last name */
	for (i = 0; i + 4 <= length; i += 4)
		if (strncmp(key + i, "0000", 4) == 0) {
			first = key + i + 4;
			break;
		}
	for (t = 0; t < query->tokens; t++) {
		char weights[sizeof(query->weights[t])];
		int found;

		query->weights[t][0] = '\0';
		if (query->common[t] || query->initial[t])
			continue;
		found = estimator->weights(estimator->ctx, query->token[t], weights, sizeof(weights));
		if (found < 0)
			return -1;
		if (found && (strncmp(key, weights, strlen(weights)) == 0 ||
		    strncmp(first, weights, strlen(weights)) == 0)) {
			snprintf(query->weights[t], sizeof(query->weights[t]), "%s", weights);
			named += strncmp(key, weights, strlen(weights)) == 0;
		}
	}
	return named;
}

/* Whether reading and sorting every match beats walking the list's order
 * for the page. Each match read costs a row (about 4.5 µs); a walk reads
 * about shop × page / matching entries of an index that carries the
 * filters, with one look into the word's matches each, about nine for the
 * cost of a row. Measured on "elodie" (1,796 entries in 100,000
 * customers): 8.1 ms read and sorted, 2.5 ms walked; on a million, 59 ms
 * against 7.4. A few hundred matches are read whatever the shop: the page
 * then says how many there are. Never more than Limits.SearchCandidates. */
#define CANDIDATES_ALWAYS 300
#define WALKED_PER_ROW 9

static int
candidates_cheaper(const struct customer_query *query, double shop, double matching)
{
	if (matching > query->candidates_max)
		return 0;
	return matching <= CANDIDATES_ALWAYS ||
	    matching * matching * WALKED_PER_ROW <= shop * (query->size + 1);
}

/* Puts the words in the order of their estimates, rarest first. */
static void
words_by_estimate(struct customer_query *query)
{
	int t, u;

	for (t = 1; t < query->tokens; t++)
		for (u = t; u > 0 && query->estimate[u] < query->estimate[u - 1]; u--) {
			char word[SEARCH_TERM_MAX + 1];
			long long estimate = query->estimate[u];
			int common = query->common[u], initial = query->initial[u];

			memcpy(word, query->token[u], sizeof(word));
			memcpy(query->token[u], query->token[u - 1], sizeof(word));
			memcpy(query->token[u - 1], word, sizeof(word));
			query->estimate[u] = query->estimate[u - 1];
			query->estimate[u - 1] = estimate;
			query->common[u] = query->common[u - 1];
			query->common[u - 1] = common;
			query->initial[u] = query->initial[u - 1];
			query->initial[u - 1] = initial;
		}
}

/* Whether the search is made of single letters or digits only. */
static int
letters_only(const struct customer_query *query)
{
	int t;

	for (t = 0; t < query->tokens; t++)
		if (!query->initial[t])
			return 0;
	return query->tokens > 0;
}

/* Entries PLAN_SORTED reads for a page (see sql_sorted_part): the rarest
 * word's own term along the index until the page is full (a page's worth
 * of entries, more when the other words and filters leave some out), and
 * every entry of the longer terms it starts ("elodie" of "elodiee"), read
 * and sorted; never more than all the word's entries. -1 on error. */
static double
sorted_entries(const struct customer_estimator *estimator, const struct customer_query *query,
    double matching, int *longer_terms)
{
	char pattern[SEARCH_TERM_MAX * 2 + 4];
	double all = (double)query->estimate[0], own, along;

	/* the word's own term: the pattern without its '%' */
	text_like_prefix(query->token[0], pattern, sizeof(pattern));
	pattern[strlen(pattern) - 1] = '\0';
	own = (double)estimator->word(estimator->ctx, query->shop_id, pattern);
	if (own < 0)
		return -1;
	*longer_terms = own < all;
	along = matching > 0 ? (double)(query->size + 1) * all / matching : all;
	if (own > all)
		own = all;
	return along + (all - own) < all ? along + (all - own) : all;
}

/* Rows the page's statement reads: a page and one more, to know whether
 * another follows (each customer once: PLAN_SORTED reads a customer's
 * several terms once, see sql_sorted_part). */
static int
page_limit(const struct customer_query *query)
{
	return query->size + 1;
}

/* A search of single letters ("m", "6", "m o"): the first one's parts
 * (enum customer_letter_part) are ranges of their own indexes. The names'
 * ranges are in name order: the page reads the start of each. The phones
 * of a digit are either read whole from their index and sorted (estimate
 * rows), or found by walking the name order (about shop × page / estimate
 * rows): the page takes the cheaper, a walk when estimate² > shop × page. */
static int
plan_letters(struct customer_query *query, const struct customer_estimator *estimator,
    double shop)
{
	char pattern[SEARCH_TERM_MAX * 2 + 4];
	int part, digit = query->token[0][0] >= '0' && query->token[0][0] <= '9';

	text_like_prefix(query->token[0], pattern, sizeof(pattern));
	for (part = 0; part < CUSTOMER_LETTER__MAX; part++) {
		long long estimate;

		query->letter_walk[part] = 0;
		if (letter_parts[part].range[0] != NULL ||
		    (letter_parts[part].digits_only && !digit))
			continue;
		estimate = estimator->starting(estimator->ctx, query->shop_id,
		    (enum customer_letter_part)part, pattern);
		if (estimate < 0)
			return -1;
		query->letter_walk[part] = (double)estimate * (double)estimate >
		    shop * (double)page_limit(query);
	}
	return 0;
}

/* Whether the members' own copy of the list's order serves it (sql/026):
 * the name order and the e-mail order. */
static int
slice_ordered_sort(const struct customer_query *query)
{
	return query->sort == CUSTOMER_SORT_NAME || query->sort == CUSTOMER_SORT_EMAIL;
}

/* A list of a group's or a tag's members without a search (issue 16):
 * walking the list's order finds a page of members after about
 * (size + 1) × shop / members customers, each with a lookup of its
 * membership; reading the members first costs a row each, then a sort.
 * The second wins below about the square root of (size + 1) × shop
 * (7,000 of 1,000,000 for a page of 50), where both cost a few thousand
 * lookups. A whole view in the list's order (an export) reads every
 * customer of the shop when it walks: the members first win below a third
 * of the shop. A count, a bulk selection or a batch wants no order: they
 * read the members first whatever their number (sql_filters). 0 or -1. */
static int
plan_slice(struct customer_query *query, struct db *db, const struct customer_estimator *estimator,
    int for_page)
{
	struct db_param params[2] = { DB_INT(query->group_id), DB_INT(query->shop_id) };
	double members = -1, tagged = -1, shop, walk, cost;

	query->slice_first = query->slice_by_tag = query->slice_ordered = 0;
	query->slice_walk_max = 0;
	if (query->group_id <= 0 && query->tag_id <= 0)
		return 0;
	/* a page in name or e-mail order without a search: the members'
	 * copy of the order (sql/026) gives them in order, and the page
	 * stops after its 50 (a group of 1 %: 51 entries and rows, where the
	 * walk of the shop's order read 5,000 and reading the members first
	 * read 10,000 and sorted them). With a group and a tag, the fewer
	 * are walked and each looked up among the others on their index:
	 * never more than reading the fewer first did, and it stops */
	if (for_page && query->tokens == 0 && slice_ordered_sort(query)) {
		query->slice_ordered = 1;
		query->slice_by_tag = query->group_id <= 0;
		if (query->group_id <= 0 || query->tag_id <= 0)
			return 0;
	}
	/* a search's page among few members (a group of 20 and "martin"):
	 * the members first, each checked for the words, rather than the
	 * word's matches each checked for the group */
	if (query->plan != CUSTOMER_PLAN_FILTERS && (!for_page || query->tokens == 0 ||
	    query->plan == CUSTOMER_PLAN_LETTERS))
		return 0;
	if (query->group_id > 0 && (members = (double)explain_rows(db, CQ_GROUP_ESTIMATE, params,
	    2)) < 0)
		return -1;
	params[0] = DB_INT(query->tag_id);
	if (query->tag_id > 0 && (tagged = (double)explain_rows(db, CQ_TAG_ESTIMATE, params, 2)) < 0)
		return -1;
	/* both: the fewer are read first */
	if (members < 0 || (tagged >= 0 && tagged < members)) {
		members = tagged;
		query->slice_by_tag = 1;
	}
	if (query->slice_ordered)
		return 0;
	shop = (double)estimator->shop(estimator->ctx, query->shop_id);
	if (shop < 0)
		return -1;
	if (members < 1)
		members = 1;
	query->slice_first = for_page ? members * members < (double)(query->size + 1) * shop :
	    members * 3 < shop;
	/* a walk finds a page after about (size + 1) × shop / members
	 * customers, more when other filters leave members out (a group and
	 * a tag that few share): past eight times that, the members are read
	 * first after all (customer_query_page). Both estimates err, in
	 * opposite ways (InnoDB caps a range's at half the table and gave
	 * twice a group of 10,000 of 1,000,000), so the walk also goes on
	 * for three rows examined a member, about what reading the members
	 * first costs (a customer's row each, four times an entry walked
	 * with its membership looked up): giving up then costs at most twice
	 * the better way ("1 %" and marketing consent: 13,700 rows examined,
	 * 9 ms, where the members first took 84). With a group and a tag,
	 * the members first are looked up among the others on the indexes
	 * alone (sql_filters), cheaper than a walk's entry each: the walk
	 * stops at its own estimate (a tag of 50,000 and a group sharing
	 * none: 230 ms when it went on for 50,000 rows, 90 now) */
	walk = 8.0 * (query->size + 1) * shop / members;
	cost = query->group_id > 0 && query->tag_id > 0 ? 0 : 3.0 * members;
	query->slice_walk_max = (long long)(walk > cost ? walk : cost) + 1000;
	if (query->slice_first && query->plan != CUSTOMER_PLAN_FILTERS)
		query->plan = CUSTOMER_PLAN_WALK;
	return 0;
}

/* Whether the import's customers are read in name order from their own
 * copy of it (sql/035): the list's default order, without a search, a
 * group or a tag, which lead the statement then. */
static int
import_ordered(const struct customer_query *query)
{
	return query->import_id > 0 && query->plan == CUSTOMER_PLAN_FILTERS &&
	    query->group_id <= 0 && query->tag_id <= 0 && query->sort == CUSTOMER_SORT_NAME;
}

/* A list of an import's customers (its report links to it). By name, its
 * own copy of the name order gives a page at once (import_ordered). In
 * another order: its few customers read first on their index (sql/015)
 * and sorted, a row each, or the list's order walked, which tells the
 * import on its entries (sql/036) and finds a page after about
 * (size + 1) × shop / created of them. A row read cost as much as 17
 * entries walked (an import of 5,000 among 1,000,000 by e-mail: its rows
 * read and sorted 35 ms, the walk of 10,200 entries 4 ms): the walk wins
 * above about 1,700 of 1,000,000 for a page of 50, where both cost about
 * 12 ms. A whole view in the order (an export) reads each of the import's
 * rows either way: the walk wins only for most of the shop. 0 or -1. */
static int
plan_import(struct customer_query *query, struct db *db, const struct customer_estimator *estimator,
    int for_page)
{
	struct db_param params[2] = { DB_INT(query->shop_id), DB_INT(query->import_id) };
	double created, shop;

	query->import_first = 0;
	if (query->import_id <= 0 || query->plan != CUSTOMER_PLAN_FILTERS ||
	    query->group_id > 0 || query->tag_id > 0 || import_ordered(query))
		return 0;
	if ((created = (double)explain_rows(db, CQ_IMPORT_ESTIMATE, params, 2)) < 0)
		return -1;
	shop = (double)estimator->shop(estimator->ctx, query->shop_id);
	if (shop < 0)
		return -1;
	if (created < 1)
		created = 1;
	query->import_first = for_page ? created * created * 17 < (double)(query->size + 1) * shop :
	    created * 3 < shop;
	return 0;
}

int
customer_query_plan_with(struct customer_query *query,
    const struct customer_estimator *estimator, int for_page)
{
	char pattern[SEARCH_TERM_MAX * 2 + 4];
	double shop, matching;
	int t, looked_up = 0, initials = 0, among_surnames = 0;

	query->planned = 1;
	query->plan = CUSTOMER_PLAN_FILTERS;
	query->longer_terms = 1;
	if (query->tokens == 0)
		return 0;
	if (letters_only(query)) {
		query->plan = CUSTOMER_PLAN_LETTERS;
		memset(query->letter_walk, 0, sizeof(query->letter_walk));
		if (!for_page)
			return 0;
	}
	shop = (double)estimator->shop(estimator->ctx, query->shop_id);
	if (shop < 0)
		return -1;
	if (shop < 1)
		shop = 1;
	if (query->plan == CUSTOMER_PLAN_LETTERS)
		return plan_letters(query, estimator, shop);
	matching = shop;
	for (t = 0; t < query->tokens; t++) {
		if (query->initial[t]) {
			/* checked on the rows, after the words */
			query->estimate[t] = LLONG_MAX;
			continue;
		}
		text_like_prefix(query->token[t], pattern, sizeof(pattern));
		query->estimate[t] = estimator->word(estimator->ctx, query->shop_id, pattern);
		if (query->estimate[t] < 0)
			return -1;
		query->common[t] = (double)query->estimate[t] > shop / 4;
		looked_up += !query->common[t];
		matching *= (double)query->estimate[t] < shop ? (double)query->estimate[t] / shop : 1;
	}
	words_by_estimate(query);
	/* a word and an initial ("sophie o"): the walk would read every
	 * match of the word first and then, in name order, only one in
	 * dozens would do; the word's entries in name order tell the
	 * initial on their copy of the order before anything is sorted */
	for (t = 0; t < query->tokens; t++)
		initials += query->initial[t];
	query->plan = looked_up > 0 && candidates_cheaper(query, shop, matching)
	    ? CUSTOMER_PLAN_CANDIDATES : CUSTOMER_PLAN_WALK;
	if (for_page && query->sort == CUSTOMER_SORT_NAME && query->cursor) {
		among_surnames = words_named(estimator, query);
		if (among_surnames < 0)
			return -1;
		/* "elodie martin", page 5, among the Martins: walking on
		 * finds the page at once; intersecting reads both words */
		if (among_surnames > 0)
			query->plan = CUSTOMER_PLAN_WALK;
	}
	/* from a link among the word's surnames the walk is there already;
	 * otherwise the word's entries read in the list's order (about
	 * estimate entries at most, see sorted_entries) may cost less than
	 * the walk (about shop × page / matching): "elodie" in 100,000, page
	 * 20, 2 ms against 5; page 1, 0.6 ms against 2. By e-mail the walk
	 * is often longer than that: addresses written first.last@ put a
	 * surname's customers in the middle of each first name ("martin" in
	 * 1,000,000: 10,966 addresses walked for a page, 15 ms, where its
	 * entries in e-mail order read 54, 1 ms) */
	if (for_page && query->plan == CUSTOMER_PLAN_WALK && sorted_possible(query) &&
	    !among_surnames) {
		double sorted = sorted_entries(estimator, query, matching, &query->longer_terms);
		int ahead = sorted < 0 ? -1 : initials > 0 || sorted * matching <
		    shop * (query->size + 1) ? 1 : query->sort == CUSTOMER_SORT_EMAIL ||
		    query->weights[0][0] != '\0' ? 0 : surname_ahead(estimator, query);

		if (ahead < 0)
			return -1;
		if (ahead)
			query->plan = CUSTOMER_PLAN_SORTED;
	}
	return 0;
}

int
customer_query_plan(struct customer_query *query, struct db *db, int for_page)
{
	struct customer_estimator server = { db_shop, db_word, db_surname, db_crossed,
		db_weights, db_starting, db }, kept_estimator;
	struct customer_estimate_cache cache = { &server, (long long)time(NULL) };

	if ((query->tokens > 0 || query->group_id > 0 || query->tag_id > 0 ||
	    query->import_id > 0) && sql_ready(db) != 0)
		return -1;
	customer_estimator_cached(&kept_estimator, &cache);
	if (customer_query_plan_with(query, &kept_estimator, for_page) != 0 ||
	    plan_slice(query, db, &kept_estimator, for_page) != 0)
		return -1;
	return plan_import(query, db, &kept_estimator, for_page);
}

/* --- building the statements -------------------------------------------------------- */

static void
sql_add(struct customer_sql *sql, const char *text)
{
	size_t len = strlen(text);

	if (sql->length + len >= sizeof(sql->text)) {
		sql->overflow = 1;
		return;
	}
	memcpy(sql->text + sql->length, text, len + 1);
	sql->length += len;
}

static void
sql_param(struct customer_sql *sql, const char *text, struct db_param param)
{
	sql_add(sql, text);
	if (sql->n == sizeof(sql->params) / sizeof(sql->params[0])) {
		sql->overflow = 1;
		return;
	}
	sql->params[sql->n++] = param;
}

/* Column k of the sort in the statement that finds the page's ids: the
 * terms' copy of the order when the page is read from them. */
static const char *
sort_column(const struct customer_query *query, int k, int finding)
{
	const char *column = sorts[query->sort].column[k];

	if (finding && query->plan == CUSTOMER_PLAN_SORTED)
		return strcmp(column, "c.id") == 0 ? "s0.customer_id" :
		    query->sort == CUSTOMER_SORT_EMAIL ? "s0.email" : "s0.name_key";
	if (finding && query->slice_ordered)
		return strcmp(column, "c.id") == 0 ? "sm.customer_id" :
		    query->sort == CUSTOMER_SORT_EMAIL ? "sm.email" : "sm.name_key";
	return column;
}

/* "(k1 > ? OR (k1 = ? AND id > ?))" from key k on, in the direction the
 * rows are read, the values those of a row (a page link's, or where an
 * export is cut in two); inclusive makes the last comparison ">=" ("<="),
 * so that the row itself is in. */
static void
sql_after(struct customer_sql *sql, const struct customer_query *query,
    const char *const *values, int k, const char *op, int inclusive)
{
	const char *column = sort_column(query, k, 1);
	const char *value = values[k];
	int last = k == sorts[query->sort].keys - 1;
	int is_id = strcmp(sorts[query->sort].column[k], "c.id") == 0;
	struct db_param param = is_id || sorts[query->sort].kind == CURSOR_INT ?
	    DB_INT(strtoll(value, NULL, 10)) : DB_TEXT(value);
	const char *placeholder = !is_id && sorts[query->sort].kind == CURSOR_HEX ? "UNHEX(?)" : "?";
	char text[96];

	snprintf(text, sizeof(text), last ? "%s %s%s %s" : "(%s %s%s %s", column, op,
	    last && inclusive ? "=" : "", placeholder);
	sql_param(sql, text, param);
	if (last)
		return;
	snprintf(text, sizeof(text), " OR (%s = %s AND ", column, placeholder);
	sql_param(sql, text, param);
	sql_after(sql, query, values, k + 1, op, inclusive);
	sql_add(sql, "))");
}

/* Where the rows start: after the row of values (a page link's: the
 * query's cursor) in the order rows are read, or from it on (inclusive).
 * The NULL last orders sort first going up. */
static void
sql_keyset_from(struct customer_sql *sql, const struct customer_query *query,
    const char *const *values, int reading_down, int inclusive)
{
	const char *op = reading_down ? "<" : ">";
	const char *first = sort_column(query, 0, 1);
	char text[160];

	sql_add(sql, " AND ");
	if (!sorts[query->sort].nullable || values[0] != NULL) {
		if (sorts[query->sort].nullable && reading_down) {
			sql_add(sql, "(");
			sql_after(sql, query, values, 0, op, inclusive);
			snprintf(text, sizeof(text), " OR %s IS NULL)", first);
			sql_add(sql, text);
		} else
			sql_after(sql, query, values, 0, op, inclusive);
		return;
	}
	/* from a customer who never ordered */
	snprintf(text, sizeof(text), reading_down ? "(%s IS NULL AND %s %s ?)"
	    : "((%s IS NULL AND %s %s ?) OR %s IS NOT NULL)", first, sort_column(query, 1, 1),
	    reading_down ? (inclusive ? "<=" : "<") : (inclusive ? ">=" : ">"), first);
	sql_param(sql, text, DB_INT(strtoll(values[1], NULL, 10)));
}

/* Where a page starts: after its link's row. */
static void
sql_keyset(struct customer_sql *sql, const struct customer_query *query, int reading_down)
{
	sql_keyset_from(sql, query, query->cursor_value, reading_down, 0);
}

/* "<lead> c.id IN (the customers with a term starting with word t)" */
static void
sql_search_in(struct customer_sql *sql, const struct customer_query *query, int t,
    const char *lead, const char *column)
{
	char text[160];

	text_like_prefix(query->token[t], sql->pattern[t], sizeof(sql->pattern[t]));
	snprintf(text, sizeof(text), "%s %s IN (SELECT s%d.customer_id FROM customer_search s%d"
	    " WHERE s%d.shop_id = ?", lead, column, t, t, t);
	sql_param(sql, text, DB_INT(query->shop_id));
	snprintf(text, sizeof(text), " AND s%d.term LIKE ?)", t);
	sql_param(sql, text, DB_TEXT(sql->pattern[t]));
}

/* A range filter's parameter, when it is set. */
static int
range_param(const struct customer_query *query, enum customer_key key, struct db_param *param)
{
	struct customer_query *q = (struct customer_query *)query;
	const char *date = date_of(q, key);
	long long number;

	if (date != NULL) {
		*param = DB_TEXT(date);
		return *date != '\0';
	}
	number = *number_of(q, key);
	if (number < 0)
		return 0;
	*param = DB_INT(key == CUSTOMER_KEY_SPENT_MIN || key == CUSTOMER_KEY_SPENT_MAX ?
	    number * 100 : number);
	return 1;
}

/* The search words' conditions from word first on (see the top of this
 * file). */
static void
sql_words(struct customer_sql *sql, const struct customer_query *query, int first)
{
	int t;

	for (t = first; t < query->tokens; t++) {
		char *pattern = sql->pattern[t];

		if (t == 0 && query->plan == CUSTOMER_PLAN_LETTERS) {
			/* every match once, in any order: the parts at once */
			text_like_prefix(query->token[t], pattern, sizeof(sql->pattern[t]));
			sql_param(sql, " AND (c.last_name LIKE ?", DB_TEXT(pattern));
			sql_param(sql, " OR c.first_name LIKE ?", DB_TEXT(pattern));
			if (pattern[0] >= '0' && pattern[0] <= '9')
				sql_param(sql, " OR c.phone_digits LIKE ?", DB_TEXT(pattern));
			sql_add(sql, ")");
		} else if (query->initial[t] && query->plan == CUSTOMER_PLAN_SORTED) {
			/* on the entry's copy of the name order, so that only
			 * the customers shown are read: the last name starts
			 * with the letter, or the first name does (after the
			 * two zero bytes no letter's weight has) */
			sql_param(sql, " AND (LEFT(s0.name_key, LENGTH(WEIGHT_STRING(? COLLATE "
			    "utf8mb4_unicode_520_ci)))", DB_TEXT(query->token[t]));
			sql_param(sql, " = WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)",
			    DB_TEXT(query->token[t]));
			sql_param(sql, " OR LOCATE(CONCAT(0x0000, WEIGHT_STRING(? COLLATE "
			    "utf8mb4_unicode_520_ci)), s0.name_key) > 0", DB_TEXT(query->token[t]));
			/* a long last name can leave the first name out of
			 * the 64 bytes: then the row tells */
			text_like_prefix(query->token[t], pattern, sizeof(sql->pattern[t]));
			sql_param(sql, " OR (LENGTH(s0.name_key) = 64 AND (c.first_name LIKE ?",
			    DB_TEXT(pattern));
			sql_param(sql, " OR c.last_name LIKE ?)))", DB_TEXT(pattern));
		} else if (query->initial[t]) {
			text_like_prefix(query->token[t], pattern, sizeof(sql->pattern[t]));
			sql_param(sql, " AND (c.first_name LIKE ?", DB_TEXT(pattern));
			sql_param(sql, " OR c.last_name LIKE ?)", DB_TEXT(pattern));
		} else if (query->plan == CUSTOMER_PLAN_WALK && !query->common[t] &&
		    query->weights[t][0]) {
			/* the page starts among customers named so: a last or
			 * first name starting with the word is told on the
			 * index; only the others are looked up */
			sql_param(sql, " AND (LEFT(c.name_key, ?)", DB_INT(strlen(query->weights[t]) / 2));
			sql_param(sql, " = UNHEX(?)", DB_TEXT(query->weights[t]));
			sql_param(sql, " OR LOCATE(CONCAT(0x0000, UNHEX(?)), c.name_key) > 0 OR",
			    DB_TEXT(query->weights[t]));
			sql_search_in(sql, query, t, "", "c.id");
			sql_add(sql, ")");
		} else if (query->plan == CUSTOMER_PLAN_WALK && !query->common[t])
			sql_search_in(sql, query, t, " AND", "c.id");
		else if (query->plan == CUSTOMER_PLAN_SORTED && t > 0 && !query->common[t])
			sql_search_in(sql, query, t, " AND", "s0.customer_id");
		else if (query->common[t]) {
			/* in a quarter of the shop or more: found on the rows read */
			char *other = sql->other[t];

			pattern[0] = '%';
			text_like_prefix(query->token[t], pattern + 1, sizeof(sql->pattern[t]) - 1);
			sql_param(sql, " AND (c.first_name LIKE ?", DB_TEXT(pattern));
			sql_param(sql, " OR c.last_name LIKE ?", DB_TEXT(pattern));
			sql_param(sql, " OR c.email LIKE ?", DB_TEXT(pattern));
			sql_param(sql, " OR c.phone_digits LIKE ?", DB_TEXT(pattern));
			/* phone_digits holds a number as typed: "06…" is also
			 * looked for as "33…" and the other way round */
			other[0] = '%';
			if (search_phone_other_form(query->token[t], other + 1, sizeof(sql->other[t]) - 2)) {
				strcat(other, "%");
				sql_param(sql, " OR c.phone_digits LIKE ?", DB_TEXT(other));
			}
			sql_add(sql, ")");
		}
	}
}

/* How sql_filters reads the customer table when no search word leads. */
enum sql_read {
	READ_ANY,	/* as the server likes */
	READ_WALK,	/* the page's statement: the index of the list's order */
	READ_COUNT,	/* the count without a search: the same index, which
			 * carries every filter column (the unique key of the
			 * e-mail, which the server likes, carries none) */
	READ_BY_ID,	/* a batch of a long walk in id order: the primary key, so
			 * that each batch starts where the last one ended instead
			 * of reading and sorting the whole shop again */
	READ_STREAM	/* an export, every row in the list's order: the order's
			 * index, so that the first row comes at once instead of
			 * after a sort of the whole view (0.57 s on 1,000,000
			 * customers, and 0.5 s more of the server's CPU) */
};

/* Issue 16's filters: a group's or a tag's members (looked up on the
 * membership's primary key from each customer the statement reads; the
 * membership's shop must be the customer's, so another shop's id matches
 * nobody), and the customers whose first order (cancelled ones do not
 * count, as in order_count) is in the last first_days days: their last
 * order is, and none is older. */
static void
sql_slices(struct customer_sql *sql, const struct customer_query *query)
{
	/* the members' walk in order joins them already: looked up again,
	 * the server read a small group's every member for each (a group of
	 * 20: 400 entries for a page of 20) */
	if (query->group_id > 0 && !sql->slices_joined)
		sql_param(sql, " AND EXISTS (SELECT 1 FROM customer_group_member gm"
		    " WHERE gm.group_id = ? AND gm.customer_id = c.id AND gm.shop_id = c.shop_id)",
		    DB_INT(query->group_id));
	if (query->tag_id > 0 && !sql->slices_joined)
		sql_param(sql, " AND EXISTS (SELECT 1 FROM customer_tag ct"
		    " WHERE ct.tag_id = ? AND ct.customer_id = c.id AND ct.shop_id = c.shop_id)",
		    DB_INT(query->tag_id));
	if (query->first_days > 0) {
		sql_param(sql, " AND c.last_order_at >= NOW() - INTERVAL ? DAY",
		    DB_INT(query->first_days));
		sql_param(sql, " AND NOT EXISTS (SELECT 1 FROM orders fo WHERE fo.shop_id = c.shop_id"
		    " AND fo.customer_id = c.id AND fo.status <> 'cancelled'"
		    " AND fo.ordered_at < NOW() - INTERVAL ? DAY)", DB_INT(query->first_days));
	}
}

/* " WHERE …" with the chosen filters, and the search from word first
 * on. */
static void
sql_where(struct customer_sql *sql, const struct customer_query *query, int first)
{
	struct db_param param;
	size_t r;

	sql_param(sql, " WHERE c.shop_id = ? AND c.erased_at IS NULL", DB_INT(query->shop_id));
	/* invited by the shop, apart from those who signed up themselves and
	 * never confirmed (both are status invited, the list shows them apart) */
	if (query->status == CUSTOMER_STATUS_CURRENT)
		sql_add(sql, " AND c.status NOT IN ('inactive', 'waiting')");
	else if (query->status == CUSTOMER_STATUS_INVITED)
		sql_add(sql, " AND c.status = 'invited' AND c.source <> 'self'");
	else if (query->status == CUSTOMER_STATUS_UNCONFIRMED)
		sql_add(sql, " AND c.status = 'invited' AND c.source = 'self'");
	else if (query->status != CUSTOMER_STATUS_ALL)
		sql_param(sql, " AND c.status = ?", DB_TEXT(status_choices[query->status]));
	if (query->source != CUSTOMER_SOURCE_ANY)
		sql_param(sql, " AND c.source = ?", DB_TEXT(source_choices[query->source]));
	if (query->consent != CUSTOMER_CONSENT_ANY)
		sql_param(sql, " AND c.marketing_consent = ?",
		    DB_INT(query->consent == CUSTOMER_CONSENT_YES));
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		if (range_param(query, ranges[r].key, &param))
			sql_param(sql, ranges[r].condition, param);
	if (query->import_id > 0)
		sql_param(sql, " AND c.import_id = ?", DB_INT(query->import_id));
	sql_slices(sql, query);
	sql_words(sql, query, first);
}

/* Whether a statement of a group's or a tag's list without a search reads
 * the members first (see plan_slice): a page or an export of few members,
 * and whatever their number a count, a bulk selection or its batches. */
static int
slice_read_first(const struct customer_query *query, enum sql_read read)
{
	if (query->group_id <= 0 && query->tag_id <= 0)
		return 0;
	if (query->plan == CUSTOMER_PLAN_WALK)
		return query->slice_first && read == READ_WALK;
	if (query->plan != CUSTOMER_PLAN_FILTERS)
		return 0;
	return read == READ_COUNT || read == READ_ANY || read == READ_BY_ID || query->slice_first;
}

/* " FROM customer c WHERE …" with the chosen filters and search, read as
 * read says. */
static void
sql_filters(struct customer_sql *sql, const struct customer_query *query, enum sql_read read)
{
	int t;

	if (query->plan == CUSTOMER_PLAN_CANDIDATES) {
		/* the matches of every looked-up word, intersected in the index */
		sql_param(sql, " FROM (SELECT DISTINCT s.customer_id FROM customer_search s"
		    " WHERE s.shop_id = ?", DB_INT(query->shop_id));
		text_like_prefix(query->token[0], sql->pattern[0], sizeof(sql->pattern[0]));
		sql_param(sql, " AND s.term LIKE ?", DB_TEXT(sql->pattern[0]));
		for (t = 1; t < query->tokens; t++)
			if (!query->common[t] && !query->initial[t])
				sql_search_in(sql, query, t, " AND", "s.customer_id");
		sql_add(sql, ") m STRAIGHT_JOIN customer c FORCE INDEX (PRIMARY) ON c.id = m.customer_id");
	} else if (read == READ_WALK && query->slice_ordered) {
		/* the walked members' entries in the list's order (sql/026),
		 * each looked up among the other slice's on its index, and a
		 * row read only for those that are left */
		int by_tag = query->slice_by_tag;

		sql_add(sql, by_tag ? " FROM customer_tag sm FORCE INDEX (customer_tag_" :
		    " FROM customer_group_member sm FORCE INDEX (customer_group_member_");
		sql_add(sql, query->sort == CUSTOMER_SORT_EMAIL ? "email)" : "name)");
		if (!by_tag && query->tag_id > 0)
			sql_param(sql, " STRAIGHT_JOIN customer_tag sx ON sx.tag_id = ?"
			    " AND sx.customer_id = sm.customer_id AND sx.shop_id = sm.shop_id",
			    DB_INT(query->tag_id));
		else if (by_tag && query->group_id > 0)
			sql_param(sql, " STRAIGHT_JOIN customer_group_member sx ON sx.group_id = ?"
			    " AND sx.customer_id = sm.customer_id AND sx.shop_id = sm.shop_id",
			    DB_INT(query->group_id));
		/* the memberships' shop is the customer's: another shop's
		 * group or tag id matches nobody */
		sql_param(sql, " STRAIGHT_JOIN customer c FORCE INDEX (PRIMARY)"
		    " ON c.id = sm.customer_id AND sm.shop_id = ?",
		    DB_INT(query->shop_id));
		sql_param(sql, by_tag ? " AND sm.tag_id = ?" : " AND sm.group_id = ?",
		    DB_INT(by_tag ? query->tag_id : query->group_id));
		sql->slices_joined = 1;
	} else if (slice_read_first(query, read)) {
		/* a group's or a tag's members, then their rows; with both,
		 * the fewer members are looked up among the others first, on
		 * the two indexes alone, and a row is read only for those they
		 * share (a tag of 50,000 and a group sharing none of them: 50,000
		 * entries looked up, 45 ms, against 150 ms reading their rows) */
		int by_group = query->group_id > 0 && !(query->slice_by_tag && query->tag_id > 0);

		if (by_group)
			sql_add(sql, " FROM customer_group_member sm");
		else
			sql_add(sql, " FROM customer_tag sm");
		if (by_group && query->tag_id > 0)
			sql_param(sql, " STRAIGHT_JOIN customer_tag sx ON sx.tag_id = ?"
			    " AND sx.customer_id = sm.customer_id", DB_INT(query->tag_id));
		else if (!by_group && query->group_id > 0)
			sql_param(sql, " STRAIGHT_JOIN customer_group_member sx ON sx.group_id = ?"
			    " AND sx.customer_id = sm.customer_id", DB_INT(query->group_id));
		sql_add(sql, " STRAIGHT_JOIN customer c FORCE INDEX (PRIMARY) ON c.id = sm.customer_id"
		    " AND sm.");
		sql_param(sql, by_group ? "group_id = ?" : "tag_id = ?",
		    DB_INT(by_group ? query->group_id : query->tag_id));
		sql_param(sql, " AND sm.shop_id = ?", DB_INT(query->shop_id));
	} else {
		sql_add(sql, " FROM customer c");
		/* an import's customers: in name order from their copy of
		 * it; few, or counted or taken in id order, from their index,
		 * which gives them alone, in id order */
		if (import_ordered(query) && (read == READ_WALK || read == READ_STREAM))
			sql_add(sql, " FORCE INDEX (customer_import_name)");
		else if (query->import_id > 0 && query->plan == CUSTOMER_PLAN_FILTERS &&
		    query->group_id <= 0 && query->tag_id <= 0 && (query->import_first ||
		    read == READ_COUNT || read == READ_ANY || read == READ_BY_ID))
			sql_add(sql, " FORCE INDEX (customer_import)");
		else if ((read == READ_WALK && query->plan == CUSTOMER_PLAN_WALK) ||
		    (read == READ_WALK && query->plan == CUSTOMER_PLAN_FILTERS &&
		    (query->group_id > 0 || query->tag_id > 0 || query->import_id > 0)) ||
		    (read == READ_COUNT && query->plan == CUSTOMER_PLAN_FILTERS) ||
		    (read == READ_STREAM && (query->plan == CUSTOMER_PLAN_FILTERS ||
		    query->plan == CUSTOMER_PLAN_WALK))) {
			sql_add(sql, " FORCE INDEX (");
			sql_add(sql, sorts[query->sort].index);
			sql_add(sql, ")");
		} else if (read == READ_BY_ID)
			sql_add(sql, " FORCE INDEX (PRIMARY)");
	}
	sql_where(sql, query, 0);
}

/* One part of a search of single letters (see plan_letters): for the page
 * (counting 0), the part's next customers in name order from the page
 * link, "c.id, c.name_key"; for the count, up to the cap of its matches in
 * any order. part is CUSTOMER_LETTER__MAX for the walk of every part
 * that walks. */
static void
sql_letter_part(struct customer_sql *sql, const struct customer_query *query, int part,
    int counting)
{
	int reading_down = query->descending != query->backwards, p, or = 0;
	char *pattern = sql->pattern[0];

	text_like_prefix(query->token[0], pattern, sizeof(sql->pattern[0]));
	sql_add(sql, counting ? "(SELECT c.id" : "(SELECT c.id, c.name_key");
	sql_add(sql, " FROM customer c FORCE INDEX (");
	sql_add(sql, letter_parts[part < CUSTOMER_LETTER__MAX ? part : CUSTOMER_LETTER_LAST].index);
	sql_add(sql, ")");
	sql_where(sql, query, 1);
	/* the range on the index, then the letter's own condition: the
	 * same customers but where a weight and LIKE disagree */
	for (p = 0; part < CUSTOMER_LETTER__MAX && p < 2; p++)
		if (letter_parts[part].range[p] != NULL)
			sql_param(sql, letter_parts[part].range[p], DB_TEXT(query->token[0]));
	if (part < CUSTOMER_LETTER__MAX)
		sql_param(sql, letter_parts[part].condition, DB_TEXT(pattern));
	else {
		for (p = 0; p < CUSTOMER_LETTER__MAX; p++)
			if (query->letter_walk[p]) {
				/* " AND c.x LIKE ?" as " AND (c.x LIKE ? OR c.y LIKE ?)" */
				sql_add(sql, or++ ? " OR " : " AND (");
				sql_param(sql, letter_parts[p].condition + 5, DB_TEXT(pattern));
			}
		sql_add(sql, ")");
	}
	if (counting) {
		sql_param(sql, " LIMIT ?)", DB_INT(CUSTOMER_COUNT_CAP + 1));
		return;
	}
	if (query->cursor)
		sql_keyset(sql, query, reading_down);
	sql_add(sql, reading_down ? " ORDER BY c.name_key DESC, c.id DESC" :
	    " ORDER BY c.name_key, c.id");
	sql_param(sql, " LIMIT ?)", DB_INT(page_limit(query)));
}

/* The parts of a search of single letters, joined: " (…) UNION (…)". */
static void
sql_letter_parts(struct customer_sql *sql, const struct customer_query *query, int counting)
{
	int part, walk = 0, digit = query->token[0][0] >= '0' && query->token[0][0] <= '9';

	for (part = 0; part < CUSTOMER_LETTER__MAX; part++) {
		if (letter_parts[part].digits_only && !digit)
			continue;
		if (!counting && query->letter_walk[part]) {
			walk = 1;
			continue;
		}
		if (part > 0)
			sql_add(sql, " UNION ");
		sql_letter_part(sql, query, part, counting);
	}
	if (walk) {
		sql_add(sql, " UNION ");
		sql_letter_part(sql, query, CUSTOMER_LETTER__MAX, 0);
	}
}

/* The count of a search of single letters, up to past the cap: one part
 * past the cap is enough to be past it, so the last names are asked
 * first, and the union of the parts only when they are not enough. */
static void
sql_letter_count(struct customer_sql *sql, const struct customer_query *query)
{
	sql_add(sql, "IF((SELECT COUNT(*) FROM ");
	sql_letter_part(sql, query, CUSTOMER_LETTER_LAST, 1);
	sql_param(sql, " last) > ?", DB_INT(CUSTOMER_COUNT_CAP));
	sql_param(sql, ", ?, (SELECT COUNT(*) FROM (", DB_INT(CUSTOMER_COUNT_CAP + 1));
	sql_letter_parts(sql, query, 1);
	sql_add(sql, ") capped))");
}

/* " ORDER BY …" in the direction rows are read. */
static void
sql_order(struct customer_sql *sql, const struct customer_query *query, int reading_down,
    int finding)
{
	int k;

	sql_add(sql, " ORDER BY ");
	for (k = 0; k < sorts[query->sort].keys; k++) {
		if (k)
			sql_add(sql, ", ");
		sql_add(sql, sort_column(query, k, finding));
		if (reading_down)
			sql_add(sql, " DESC");
	}
}

int
customer_query_counted(const struct customer_query *query)
{
	return (query->plan == CUSTOMER_PLAN_CANDIDATES || query->plan == CUSTOMER_PLAN_LETTERS) &&
	    !query->gave_up;
}

/* A walk that may give up: when a word is looked up, the page can be read
 * from its matches instead. */
static int
walk_bounded(const struct customer_query *query)
{
	return query->plan == CUSTOMER_PLAN_WALK && query->tokens > 0 && !query->common[0] &&
	    !query->initial[0];
}

/* A walk of the list's order among a group's or a tag's members that may
 * give up and read the members first (plan_slice). */
static int
slice_walk_bounded(const struct customer_query *query)
{
	return query->plan == CUSTOMER_PLAN_FILTERS && (query->group_id > 0 || query->tag_id > 0) &&
	    !query->slice_first && query->slice_walk_max > 0;
}

/* Rows a walk may examine before it gives up (LIMIT ROWS EXAMINED counts
 * the word's entries twice as the server gathers them, then each entry
 * walked). Sorted by name, giving up is cheap: the page is read from the
 * word's entries in name order (PLAN_SORTED). In another order it is read
 * from every match, a row each, the cost of six entries walked: the walk
 * may go on that far ("martin" by e-mail, going down: 15,600 entries
 * walked, 30 ms, against 100 ms for its 17,000 matches read and sorted). */
static long long
walk_limit(const struct customer_query *query)
{
	if (sorted_possible(query) || query->estimate[0] <= 0)
		return query->walk_max;
	return query->walk_max + 8 * query->estimate[0];
}

/* Whether a filter that can leave many customers out is chosen: all but
 * the status left at its default (or "all"), which leaves out few. */
static int
filters_chosen(const struct customer_query *query)
{
	struct db_param param;
	size_t r;

	if ((query->status != CUSTOMER_STATUS_CURRENT && query->status != CUSTOMER_STATUS_ALL) ||
	    query->source != CUSTOMER_SOURCE_ANY || query->consent != CUSTOMER_CONSENT_ANY ||
	    query->group_id > 0 || query->tag_id > 0 || query->first_days > 0 ||
	    query->import_id > 0)
		return 1;
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		if (range_param(query, ranges[r].key, &param))
			return 1;
	return 0;
}

/* 1 when the page is read from the customer table alone, along the
 * order's index (the plain list, customer_query_page_sql): each customer
 * once, by construction. */
static int
page_from_customers_alone(const struct customer_query *query)
{
	return query->plan == CUSTOMER_PLAN_FILTERS && !filters_chosen(query);
}

/* The end of a page of ids and name orders merged from parts (" u",
 * their columns named with prefix): the first of them in name
 * order, one more than the page to know whether another follows, then
 * their rows. */
static void
sql_page_by_name(struct customer_sql *sql, const struct customer_query *query,
    const char *prefix, int reading_down)
{
	sql_add(sql, " ORDER BY ");
	sql_add(sql, prefix);
	sql_add(sql, reading_down ? "name_key DESC, " : "name_key, ");
	sql_add(sql, prefix);
	sql_add(sql, reading_down ? "id DESC" : "id");
	sql_param(sql, " LIMIT ?) page STRAIGHT_JOIN customer c ON c.id = page.id",
	    DB_INT(page_limit(query)));
	sql_order(sql, query, reading_down, 0);
}

/* One part of a page read from the rarest word's entries in their copy of
 * the list's order (PLAN_SORTED), "(SELECT <the page's columns>, sort_key …)":
 * the word's own term (longer 0) along the index of the terms in name
 * order (sql/029) or e-mail order (sql/031), as far as the page goes; or
 * the longer terms the word starts ("elodiee" for "elodie", longer 1),
 * each customer once, read and sorted. A customer's row is read once, to
 * tell the filters and fill the page: the parts give the page's rows
 * themselves, where their ids first and their rows read again after the
 * merge (51 more row reads and a derived table) cost 0.64 ms of the
 * server against 0.58 ("elodie" on 100,000 customers, one client). A
 * customer in both parts is the same row twice, side by side in the merged
 * order, which distinct_rows keeps once: merged by UNION ALL, each part's
 * LIMIT bounding the rows sorted, where a UNION's temporary table keyed
 * on every column made the server's whole statement 2.51 M instructions
 * against 2.05 M ("elodie" on 100,000 customers, callgrind on mariadbd). */
static void
sql_sorted_part(struct customer_sql *sql, const struct customer_query *query, int longer,
    int reading_down)
{
	sql_add(sql, longer ? "(SELECT DISTINCT " LIST_COLUMNS ", NULL AS matching, " :
	    "(SELECT " LIST_COLUMNS ", NULL AS matching, ");
	sql_add(sql, sort_column(query, 0, 1));
	sql_add(sql, " AS sort_key");
	text_like_prefix(query->token[0], sql->pattern[0], sizeof(sql->pattern[0]));
	if (!longer && !query->longer_terms) {
		/* read alone (CUSTOMER_COL_LONGER): the server looks once, on
		 * the terms' primary key, whether the word starts longer terms */
		sql_param(sql, ", EXISTS (SELECT 1 FROM customer_search x WHERE x.shop_id = ?",
		    DB_INT(query->shop_id));
		sql_param(sql, " AND x.term LIKE ?", DB_TEXT(sql->pattern[0]));
		sql_param(sql, " AND x.term > ?) AS longer", DB_TEXT(query->token[0]));
	}
	sql_add(sql, query->sort == CUSTOMER_SORT_EMAIL ?
	    " FROM customer_search s0 FORCE INDEX (customer_search_term_email)" :
	    " FROM customer_search s0 FORCE INDEX (customer_search_term_name)");
	sql_param(sql, " STRAIGHT_JOIN customer c FORCE INDEX (PRIMARY)"
	    " ON c.id = s0.customer_id AND s0.shop_id = ?", DB_INT(query->shop_id));
	if (longer) {
		sql_param(sql, " AND s0.term LIKE ?", DB_TEXT(sql->pattern[0]));
		sql_param(sql, " AND s0.term > ?", DB_TEXT(query->token[0]));
	} else
		sql_param(sql, " AND s0.term = ?", DB_TEXT(query->token[0]));
	sql_where(sql, query, 0);
	if (query->cursor)
		sql_keyset(sql, query, reading_down);
	sql_order(sql, query, reading_down, 1);
	sql_param(sql, " LIMIT ?)", DB_INT(page_limit(query)));
}

void
customer_query_page_sql(struct customer_query *query, struct customer_sql *sql)
{
	int reading_down = query->descending != query->backwards;

	memset(sql, 0, sizeof(*sql));
	if (page_from_customers_alone(query)) {
		/* the plain list: its rows read straight along the order's
		 * index (0.26 ms against 0.41 through a derived table of ids
		 * on 100,000 and 1,000,000 customers, one client). A chosen
		 * filter keeps the ids first: the index then tells it on
		 * entries alone, where a row would be read for each entry
		 * left out (status=blocked: 3,567 rows, 17 ms against 2.5) */
		sql_add(sql, "SELECT " LIST_COLUMNS ", NULL AS matching FROM customer c FORCE INDEX (");
		sql_add(sql, sorts[query->sort].index);
		sql_add(sql, ")");
		sql_where(sql, query, 0);
		if (query->cursor)
			sql_keyset(sql, query, reading_down);
		sql_order(sql, query, reading_down, 0);
		sql_param(sql, " LIMIT ?", DB_INT(page_limit(query)));
		return;
	}
	if (query->plan == CUSTOMER_PLAN_LETTERS) {
		/* the page from its parts; the first page counts up to the
		 * cap (sql_letter_count) */
		sql_add(sql, "SELECT " LIST_COLUMNS ", page.matching FROM (SELECT u.id, ");
		if (!query->cursor) {
			sql_letter_count(sql, query);
			sql_add(sql, " AS matching FROM (");
		} else
			sql_add(sql, "NULL AS matching FROM (");
		sql_letter_parts(sql, query, 0);
		sql_add(sql, ") u");
		sql_page_by_name(sql, query, "u.", reading_down);
		return;
	}
	if (query->plan == CUSTOMER_PLAN_SORTED && !query->longer_terms) {
		/* the word's own term alone, in the list's order: merging it
		 * with its longer terms' page, even one found empty, made the
		 * server fill and sort a temporary table of the page's rows
		 * (0.63 ms of its time against 0.34 for "elodie" on 100,000
		 * customers, one client) */
		sql_sorted_part(sql, query, 0, reading_down);
		return;
	}
	if (query->plan == CUSTOMER_PLAN_SORTED) {
		/* the word's own term and its longer terms, merged in the list's
		 * order, at most a page of each: a customer in both twice,
		 * side by side (distinct_rows) */
		sql_sorted_part(sql, query, 0, reading_down);
		sql_add(sql, " UNION ALL ");
		sql_sorted_part(sql, query, 1, reading_down);
		sql_add(sql, reading_down ? " ORDER BY sort_key DESC, id DESC" :
		    " ORDER BY sort_key, id");
		return;
	}
	/* a search's few matches are all read to be sorted: counting them
	 * there costs nothing more */
	sql_add(sql, "SELECT " LIST_COLUMNS ", page.matching FROM (SELECT c.id");
	sql_add(sql, customer_query_counted(query) && !query->cursor ?
	    ", COUNT(*) OVER () AS matching" : ", NULL AS matching");
	sql_filters(sql, query, READ_WALK);
	if (query->cursor)
		sql_keyset(sql, query, reading_down);
	sql_order(sql, query, reading_down, 1);
	/* the page's ids first, then their rows: never the other way round */
	sql_param(sql, " LIMIT ?) page STRAIGHT_JOIN customer c ON c.id = page.id",
	    DB_INT(page_limit(query)));
	sql_order(sql, query, reading_down, 0);
	if (walk_bounded(query))
		sql_param(sql, " LIMIT 1000 ROWS EXAMINED ?", DB_INT(walk_limit(query)));
	else if (slice_walk_bounded(query))
		sql_param(sql, " LIMIT 1000 ROWS EXAMINED ?", DB_INT(query->slice_walk_max));
}

/* The plan of a statement that wants every match once: one word's terms
 * may hold a customer twice, the matches of the words hold them once. */
static enum customer_plan
plan_for_all(struct customer_query *query)
{
	enum customer_plan plan = query->plan;

	if (plan == CUSTOMER_PLAN_SORTED)
		query->plan = CUSTOMER_PLAN_CANDIDATES;
	return plan;
}

void
customer_query_count_sql(struct customer_query *query, struct customer_sql *sql)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	if (query->plan == CUSTOMER_PLAN_LETTERS) {
		sql_add(sql, "SELECT ");
		sql_letter_count(sql, query);
		return;
	}
	sql_add(sql, "SELECT COUNT(*) FROM (SELECT 1");
	sql_filters(sql, query, READ_COUNT);
	sql_param(sql, " LIMIT ?) matching", DB_INT(CUSTOMER_COUNT_CAP + 1));
	query->plan = plan;
}

void
customer_query_select_sql(struct customer_query *query, struct customer_sql *sql,
    const unsigned char *selection)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	sql_param(sql, "INSERT INTO bulk_selection SELECT ?, c.id", DB_BLOB(selection, 16));
	sql_filters(sql, query, READ_ANY);
	query->plan = plan;
}

void
customer_query_select_batch_sql(struct customer_query *query, struct customer_sql *sql,
    const unsigned char *selection, long long after_id, long long limit)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	sql_param(sql, "INSERT INTO bulk_selection SELECT ?, c.id", DB_BLOB(selection, 16));
	sql_filters(sql, query, READ_BY_ID);
	sql_param(sql, " AND c.id > ?", DB_INT(after_id));
	sql_param(sql, " ORDER BY c.id LIMIT ?", DB_INT(limit));
	query->plan = plan;
}

void
customer_query_count_exact_sql(struct customer_query *query, struct customer_sql *sql)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	sql_add(sql, "SELECT COUNT(*)");
	sql_filters(sql, query, READ_COUNT);
	query->plan = plan;
}

void
customer_query_export_sql(struct customer_query *query, struct customer_sql *sql)
{
	customer_query_export_columns_sql(query, sql, LIST_COLUMNS);
}

void
customer_query_export_columns_sql(struct customer_query *query, struct customer_sql *sql,
    const char *columns)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	sql_add(sql, "SELECT ");
	sql_add(sql, columns);
	sql_filters(sql, query, READ_STREAM);
	sql_order(sql, query, query->descending, 0);
	query->plan = plan;
}

/* --- an export in two halves ----------------------------------------------------------- */

/* Whether every condition of the query is told on the order's index, so
 * that the boundary's statement reads entries and no row: not a search
 * word checked on the rows (one found in a quarter of the shop, an
 * initial), and not a plan that reads the matches first. */
static int
split_possible(const struct customer_query *query)
{
	int t;

	if (query->plan != CUSTOMER_PLAN_FILTERS && query->plan != CUSTOMER_PLAN_WALK)
		return 0;
	/* a membership or an order is looked up for each entry; an import's
	 * customers are read from their own index, or told on the name
	 * order's rows */
	if (query->group_id > 0 || query->tag_id > 0 || query->first_days > 0 ||
	    query->import_id > 0)
		return 0;
	for (t = 0; t < query->tokens; t++)
		if (query->common[t] || query->initial[t])
			return 0;
	return 1;
}

void
customer_query_split_sql(struct customer_query *query, long long offset,
    struct customer_sql *sql)
{
	int k;

	memset(sql, 0, sizeof(*sql));
	sql_add(sql, "SELECT ");
	for (k = 0; k < sorts[query->sort].keys; k++) {
		int hex = strcmp(sorts[query->sort].column[k], "c.id") != 0 &&
		    sorts[query->sort].kind == CURSOR_HEX;

		if (k)
			sql_add(sql, ", ");
		sql_add(sql, hex ? "HEX(" : "");
		sql_add(sql, sorts[query->sort].column[k]);
		sql_add(sql, hex ? ")" : "");
	}
	sql_filters(sql, query, READ_STREAM);
	sql_order(sql, query, query->descending, 0);
	sql_param(sql, " LIMIT 1 OFFSET ?", DB_INT(offset));
}

void
customer_query_export_half_sql(struct customer_query *query, const struct customer_split *split,
    int second, const char *columns, struct customer_sql *sql)
{
	enum customer_plan plan = plan_for_all(query);

	memset(sql, 0, sizeof(*sql));
	sql_add(sql, "SELECT ");
	sql_add(sql, columns);
	sql_filters(sql, query, READ_STREAM);
	/* the first half: the rows before the boundary's, which are those
	 * after it going the other way; the second: from it on */
	sql_keyset_from(sql, query, split->value, second ? query->descending : !query->descending,
	    second);
	sql_order(sql, query, query->descending, 0);
	query->plan = plan;
}

/* --- running them ---------------------------------------------------------------------- */

/* Prepares (once per text) and runs a built statement. Returns the query
 * or NULL; *rows gets db_exec's answer. */
static struct db_query *
run(struct db *db, const struct customer_sql *sql, long long *rows)
{
	struct db_query *query;

	*rows = -1;
	if (sql->overflow || (query = db_cached(db, sql->text)) == NULL)
		return NULL;
	*rows = db_exec(db, query, sql->params, sql->n);
	return query;
}

/* Notes the rows of a page read backwards (each customer once: a row that
 * is the customer of the row before is skipped), which the list turns round
 * and so counts first. Returns how many. A page of the customer table
 * alone holds each customer once: its ids are not read (reading them was a
 * second pass over the rows, 5 % of a list page's instructions); nor are a
 * page's read forwards, whose repeats the list skips as it shows them
 * (customers-list.c, rows_to_page). */
static int
distinct_rows(struct customer_query *query, struct db_query *rows)
{
	unsigned long long count = db_row_count(rows), r;
	const size_t most = sizeof(query->row) / sizeof(query->row[0]);
	long long previous = 0, id;

	query->distinct = 0;
	if (!query->repeats) {
		for (r = 0; r < count && (size_t)query->distinct < most; r++)
			query->row[query->distinct++] = r;
		return query->distinct;
	}
	db_seek(rows, 0);
	for (r = 0; r < count && (size_t)query->distinct < most; r++) {
		/* only the id: the rows shown are read again in their order */
		if (db_fetch_key(rows, 0, &id) != 1)
			break;
		if (id != previous)
			query->row[query->distinct++] = r;
		previous = id;
	}
	return query->distinct;
}

struct db_query *
customer_query_page(struct customer_query *query, struct db *db)
{
	static struct customer_sql sql;
	struct db_query *result;
	long long rows;

	if (!query->planned && customer_query_plan(query, db, 1) != 0)
		return NULL;
	customer_query_page_sql(query, &sql);
	result = run(db, &sql, &rows);
	if (result == NULL)
		return NULL;
	if (query->plan == CUSTOMER_PLAN_SORTED && !query->longer_terms && rows >= 0) {
		if (db_fetch(result) != 1 || db_int(result, CUSTOMER_COL_LONGER) != 0) {
			/* the estimates saw no longer terms, the server does (or
			 * the word's own has no row to say so): the page merges
			 * both */
			db_done(result);
			query->longer_terms = 1;
			return customer_query_page(query, db);
		}
		db_seek(result, 0);
	}
	if (walk_bounded(query) && (rows == DB_SORT_ABORTED || (rows >= 0 && db_warnings(db) > 0))) {
		/* the walk gave up (while walking: a warning; while sorting the
		 * page it found: an error): read the page from the matches */
		db_done(result);
		query->plan = sorted_possible(query) ? CUSTOMER_PLAN_SORTED : CUSTOMER_PLAN_CANDIDATES;
		query->gave_up = 1;
		return customer_query_page(query, db);
	}
	if (slice_walk_bounded(query) &&
	    (rows == DB_SORT_ABORTED || (rows >= 0 && db_warnings(db) > 0))) {
		/* few members among those walked: read them first */
		db_done(result);
		query->slice_first = 1;
		return customer_query_page(query, db);
	}
	if (rows < 0)
		return NULL;
	query->repeats = !page_from_customers_alone(query);
	if (query->backwards)
		distinct_rows(query, result);
	return result;
}

/* Runs the count statement build makes (capped or exact). */
static long long
count_with(struct customer_query *query, struct db *db,
    void (*build)(struct customer_query *, struct customer_sql *))
{
	static struct customer_sql sql;
	struct db_query *result;
	long long rows, count = -1;

	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return -1;
	build(query, &sql);
	result = run(db, &sql, &rows);
	if (result == NULL || rows < 0)
		return -1;
	if (db_fetch(result) == 1)
		count = db_int(result, 0);
	db_done(result);
	return count;
}

long long
customer_query_count(struct customer_query *query, struct db *db)
{
	return count_with(query, db, customer_query_count_sql);
}

long long
customer_query_count_exact(struct customer_query *query, struct db *db)
{
	return count_with(query, db, customer_query_count_exact_sql);
}

int
customer_query_select(struct customer_query *query, struct db *db,
    const unsigned char *selection)
{
	static struct customer_sql sql;
	long long rows;

	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return -1;
	customer_query_select_sql(query, &sql, selection);
	return run(db, &sql, &rows) == NULL || rows < 0 ? -1 : 0;
}

int
customer_query_select_batch(struct customer_query *query, struct db *db,
    const unsigned char *selection, long long after_id, long long limit)
{
	static struct customer_sql sql;
	long long rows;

	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return -1;
	customer_query_select_batch_sql(query, &sql, selection, after_id, limit);
	return run(db, &sql, &rows) == NULL || rows < 0 ? -1 : 0;
}

struct db_query *
customer_query_export(struct customer_query *query, struct db *db)
{
	static struct customer_sql sql;
	struct db_query *result;
	long long rows;

	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return NULL;
	customer_query_export_sql(query, &sql);
	result = run(db, &sql, &rows);
	return rows < 0 ? NULL : result;
}

struct db_query *
customer_query_export_stream(struct customer_query *query, struct db *db, const char *columns)
{
	static struct customer_sql sql;
	struct db_query *result;

	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return NULL;
	customer_query_export_columns_sql(query, &sql, columns);
	if (sql.overflow || (result = db_cached(db, sql.text)) == NULL)
		return NULL;
	return db_stream_open(db, result, sql.params, sql.n) == DB_OK ? result : NULL;
}

int
customer_query_export_split(struct customer_query *query, struct db *db, long long count,
    double fraction, struct customer_split *split)
{
	static struct customer_sql sql;
	struct db_query *result;
	long long rows, offset;
	size_t used = 0;
	int k, found = 0;

	memset(split, 0, sizeof(*split));
	split->offset = -1;
	if (!query->planned && customer_query_plan(query, db, 0) != 0)
		return -1;
	if (!split_possible(query) || count < 2 || !(fraction > 0 && fraction < 1))
		return 0;
	offset = (long long)((double)count * fraction);
	offset = offset < 1 ? 1 : offset > count - 1 ? count - 1 : offset;
	customer_query_split_sql(query, offset, &sql);
	result = run(db, &sql, &rows);
	if (result == NULL || rows < 0)
		return -1;
	if (db_fetch(result) == 1) {
		found = 1;
		for (k = 0; k < sorts[query->sort].keys; k++) {
			const char *value = db_text(result, (unsigned int)k);
			size_t length = value ? strlen(value) : 0;

			if (used + length + 1 > sizeof(split->raw) ||
			    (value == NULL && (k > 0 || !sorts[query->sort].nullable))) {
				/* nothing a sort key holds: read it in one pass */
				found = 0;
				break;
			}
			split->value[k] = value ? memcpy(split->raw + used, value, length + 1) : NULL;
			used += length + 1;
		}
	}
	db_done(result);
	split->offset = found ? offset : -1;
	return found;
}

void
customer_query_cursor_link(const struct customer_query *query, struct db_query *rows, char *out,
    size_t size)
{
	static const char digits[] = "0123456789ABCDEF";
	char raw[CUSTOMER_CURSOR_RAW_MAX];
	size_t used = 0;
	int k;

	for (k = 0; k < sorts[query->sort].keys; k++) {
		unsigned int col = (unsigned int)sorts[query->sort].result[k];
		const char *value = db_text(rows, col);
		size_t length = value != NULL ? db_length(rows, col) : 0, i;
		/* the name_key's bytes as hex, as UNHEX() reads them back */
		int hex = k == 0 && sorts[query->sort].kind == CURSOR_HEX;

		if (used + (k ? 1 : 0) + (hex ? 2 * length : length) >= sizeof(raw)) {
			out[0] = '\0';
			return;
		}
		if (k)
			raw[used++] = '\x1f';
		for (i = 0; i < length; i++) {
			unsigned char byte = (unsigned char)value[i];

			if (hex) {
				raw[used++] = digits[byte >> 4];
				raw[used++] = digits[byte & 15];
			} else
				raw[used++] = (char)byte;
		}
	}
	if (text_base64url_encode((const unsigned char *)raw, used, out, size) != 0)
		out[0] = '\0';
}
