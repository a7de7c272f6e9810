/*
 * The customer query: which customers of a shop a list page, a bulk action,
 * an export or a saved segment means, held as checked, typed values (the
 * search and its words, the status, source and consent choices, date and
 * number ranges, the order, the page size and the page link), and the
 * planner that turns it into SQL.
 *
 * Its keys are declared once, in customer_query_keys[]: the route field
 * lists of the list and of the bulk form are built from that table
 * (customer_query_fields), and a query is read from a request
 * (customer_query_from_request), from a saved query string
 * (customer_query_from_text) or set by code (customer_query_init, then the
 * typed members). It becomes the list's page (customer_query_page), its
 * capped count (customer_query_count), a bulk selection
 * (customer_query_select) or an export in the list's order with no limit
 * (customer_query_export).
 *
 * The planner's statements are a table of its own, registered with the
 * database layer the first time a query runs. The statements built for a
 * query are prepared once per distinct text (db_cached). A query is used
 * by one request at a time (the outputs share static room).
 */
#ifndef FIDELE_CUSTOMER_QUERY_H
#define FIDELE_CUSTOMER_QUERY_H

#include <stddef.h>

#include "request.h"
#include "db.h"
#include "search.h"

/* The query's keys: the filters first (every link of the list carries
 * them, the bulk form sends them, a saved query is made of them), then the
 * order, then the list's paging. */
enum customer_key {
	CUSTOMER_KEY_Q,			/* the search, as typed */
	CUSTOMER_KEY_STATUS,		/* enum customer_status_filter */
	CUSTOMER_KEY_SOURCE,		/* enum customer_source_filter */
	CUSTOMER_KEY_CONSENT,		/* enum customer_consent_filter */
	CUSTOMER_KEY_FROM,		/* created on or after, YYYY-MM-DD */
	CUSTOMER_KEY_TO,		/* created on or before */
	CUSTOMER_KEY_ORDERS_MIN,
	CUSTOMER_KEY_ORDERS_MAX,
	CUSTOMER_KEY_SPENT_MIN,		/* whole units of the shop's currency */
	CUSTOMER_KEY_SPENT_MAX,
	CUSTOMER_KEY_LAST_FROM,		/* last order on or after */
	CUSTOMER_KEY_LAST_TO,		/* last order on or before */
	CUSTOMER_KEY_GROUP,		/* a member of this group (issue 16) */
	CUSTOMER_KEY_TAG,		/* tagged with this tag (issue 16) */
	CUSTOMER_KEY_FIRST_DAYS,	/* first order in the last N days (issue 16) */
	CUSTOMER_KEY_IMPORT,		/* created by this import (its report links here) */
	CUSTOMER_KEY_SORT,		/* enum customer_sort */
	CUSTOMER_KEY_DIR,		/* asc, desc */
	CUSTOMER_KEY_SIZE,		/* rows a page */
	CUSTOMER_KEY_PAGE,		/* the page number a link says */
	CUSTOMER_KEY_AFTER,		/* a page link: after this row */
	CUSTOMER_KEY_BEFORE,		/* a page link: before this row */
	CUSTOMER_KEY_TOTAL,		/* the count page 1 found, carried on */
	CUSTOMER_KEY__MAX
};

#define CUSTOMER_FILTER__MAX (CUSTOMER_KEY_IMPORT + 1)

enum customer_key_use {
	CUSTOMER_USE_FILTER,	/* which customers */
	CUSTOMER_USE_ORDER,	/* in which order, how many a page */
	CUSTOMER_USE_PAGING	/* where in the list (links only) */
};

struct customer_key_def {
	/* how the route checks it at the door; a closed list is a
	 * FIELD_CHOICE whose first choice is the default */
	struct field field;
	enum customer_key_use use;
};

extern const struct customer_key_def customer_query_keys[CUSTOMER_KEY__MAX];

enum customer_status_filter {
	CUSTOMER_STATUS_CURRENT,	/* all but the inactive and the waiting (the default) */
	CUSTOMER_STATUS_ALL,
	CUSTOMER_STATUS_ACTIVE,
	CUSTOMER_STATUS_INVITED,	/* by the shop: not the self-signups below */
	CUSTOMER_STATUS_UNCONFIRMED,	/* signed up, never confirmed (invited, source self) */
	CUSTOMER_STATUS_BLOCKED,
	CUSTOMER_STATUS_INACTIVE,
	CUSTOMER_STATUS_WAITING	/* on the waiting list (signup.fcgi) */
};

enum customer_source_filter {
	CUSTOMER_SOURCE_ANY, CUSTOMER_SOURCE_SELF, CUSTOMER_SOURCE_ADMIN, CUSTOMER_SOURCE_IMPORT,
	CUSTOMER_SOURCE_ORDER
};

enum customer_consent_filter { CUSTOMER_CONSENT_ANY, CUSTOMER_CONSENT_YES, CUSTOMER_CONSENT_NO };

/* The orders of the list: each walks an index that gives it alone. */
enum customer_sort {
	CUSTOMER_SORT_NAME, CUSTOMER_SORT_EMAIL, CUSTOMER_SORT_CREATED, CUSTOMER_SORT_LAST_ORDER,
	CUSTOMER_SORT_ORDERS, CUSTOMER_SORT_SPENT, CUSTOMER_SORT__MAX
};

/* How the statement finds the rows: no search, from the search's matches,
 * walking the sort index, from one word's terms in name order, or, for a
 * search of single letters or digits, from the index ranges of the names
 * and phones that start with the first one. */
enum customer_plan { CUSTOMER_PLAN_FILTERS, CUSTOMER_PLAN_CANDIDATES, CUSTOMER_PLAN_WALK,
	CUSTOMER_PLAN_SORTED, CUSTOMER_PLAN_LETTERS };

/* What a search of one letter or digit ("m", "6") finds: the customers
 * whose last name or first name starts with it, or (a digit) whose phone,
 * as typed, does. The names are ranges of indexes in name order (sql/006,
 * sql/012); the phones, of an index in phone order. The e-mail address is
 * left out: it has no index in name order, and telling it would read the
 * row of every customer the page walks past. */
enum customer_letter_part { CUSTOMER_LETTER_LAST, CUSTOMER_LETTER_FIRST, CUSTOMER_LETTER_PHONE,
	CUSTOMER_LETTER__MAX };

/* The most a count says exactly: more is "more than 1,000". */
#define CUSTOMER_COUNT_CAP 1000
/* Limits.SearchCandidates and Limits.SearchWalk in the configuration */
#define CUSTOMER_CANDIDATES_MAX 3000
#define CUSTOMER_WALK_EXAMINED_MAX 60000

/* A page link's values: an address of 254 characters of up to 4 bytes, a
 * separator and an id (the e-mail sort's, since customers without an
 * address sort by id) fit; base64url makes 4 characters of 3 bytes. */
#define CUSTOMER_CURSOR_RAW_MAX 1040
#define CUSTOMER_CURSOR_LINK_MAX ((CUSTOMER_CURSOR_RAW_MAX + 2) / 3 * 4)

/* The list's columns, in this order, in every page and export row. */
enum customer_column {
	CUSTOMER_COL_ID, CUSTOMER_COL_FIRST_NAME, CUSTOMER_COL_LAST_NAME, CUSTOMER_COL_EMAIL,
	CUSTOMER_COL_PHONE, CUSTOMER_COL_STATUS, CUSTOMER_COL_CREATED, CUSTOMER_COL_ORDERS,
	CUSTOMER_COL_SPENT_CENTS, CUSTOMER_COL_LAST_ORDER, CUSTOMER_COL_NAME_KEY,
	CUSTOMER_COL_COMPANY,
	CUSTOMER_COL_MATCHING,	/* a page's count of the matches, when it has it */
	/* CUSTOMER_PLAN_SORTED's page: the order's key the rows are merged
	 * on, and (its word's own term read alone) whether the word starts
	 * longer terms, which that page then leaves out */
	CUSTOMER_COL_SORT_KEY, CUSTOMER_COL_LONGER
};

#define CUSTOMER_PAGE_SIZE_MAX 200

struct customer_query {
	long long shop_id;
	long candidates_max, walk_max;	/* from the configuration */

	/* the filters; "" and -1 for not set */
	char search[404];
	enum customer_status_filter status;
	enum customer_source_filter source;
	enum customer_consent_filter consent;
	char created_from[11], created_to[11];
	char last_order_from[11], last_order_to[11];
	long long orders_min, orders_max;
	long long spent_min, spent_max;
	/* issue 16: a group's and a tag's id (of this shop: the statement
	 * says so), and the days of "first order in the last N days" */
	long long group_id, tag_id, first_days;
	/* the import that created them (customer.import_id, of this shop:
	 * the statement says so) */
	long long import_id;
	/* set by the planner: the group's (or tag's) members are few enough
	 * to be read first and sorted, rather than the list's order walked
	 * and each customer's membership looked up */
	int slice_first;
	int slice_by_tag;		/* the tag's members, the fewer */
	long long slice_walk_max;	/* rows a walk of the list's order may
					 * examine before it reads the members */
	/* a page in name or e-mail order read from the members' own copy
	 * of that order (sql/026): their first entries, in order */
	int slice_ordered;
	/* set by the planner: the import's customers are few enough to be
	 * read first on their index (sql/015) and sorted */
	int import_first;
	/* a filter sent with its default value ("status=current") is still
	 * written back in the links */
	int given[CUSTOMER_FILTER__MAX];

	/* the order and the page */
	enum customer_sort sort;
	int descending;
	int size;
	long long page;			/* 1 without a page link */
	long long total;		/* the count a link carried, or -1 */
	int cursor, backwards;		/* a page link: after (or before) a row */
	char cursor_link[CUSTOMER_CURSOR_LINK_MAX + 1];
	char cursor_raw[CUSTOMER_CURSOR_RAW_MAX];
	const char *cursor_value[3];	/* into cursor_raw; NULL for SQL NULL */

	/* the search words and what the planner made of them */
	int planned;
	enum customer_plan plan;
	int tokens;
	char token[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 1];
	long long estimate[SEARCH_TOKENS_MAX];
	int common[SEARCH_TOKENS_MAX];	/* checked on the rows, not looked up */
	int initial[SEARCH_TOKENS_MAX];	/* one letter: the start of a name */
	/* set by the planner: CUSTOMER_PLAN_SORTED's word may start longer
	 * terms ("elodiee" for "elodie"), whose entries its page sorts and
	 * merges with the word's own (0: the estimates say it starts none,
	 * and the page reads the word's own term alone while the server says
	 * so: customer_query_page) */
	int longer_terms;
	/* a search of single letters: the parts of the page's statement
	 * that walk the name order (the others read their index range) */
	int letter_walk[CUSTOMER_LETTER__MAX];
	/* sorted by name from a page link whose last or first name starts
	 * with the word: its weights (hex), so that the walk can tell on the
	 * index that the customers around match it */
	char weights[SEARCH_TOKENS_MAX][2 * SEARCH_NAME_KEY_MAX + 1];

	/* set by customer_query_page */
	long long matching;		/* counted with the page, or -1 */
	int gave_up;			/* a walk did, the page came from the matches */
	/* a page read backwards: the result rows of distinct customers, in
	 * the order read (a customer with two words that start alike has two
	 * terms in CUSTOMER_PLAN_SORTED); a page read forwards skips them as
	 * it is shown */
	int distinct;
	unsigned long long row[4 * (CUSTOMER_PAGE_SIZE_MAX + 1)];
	/* whether the result may hold a customer in two rows (one after the
	 * other); a page of the customer table alone holds each once */
	int repeats;
};

/* A statement under construction: its text, its parameters, and the room
 * the parameters point into. */
struct customer_sql {
	char text[8000];	/* PLAN_SORTED's page has its filters twice */
	size_t length;
	struct db_param params[160];
	size_t n;
	int overflow;
	char pattern[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX * 2 + 4];
	char other[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 4];
	int slices_joined;	/* the group and tag are the statement's joins */
};

/* What the planner asks the server: estimates of index ranges (EXPLAIN),
 * and the weights of a word in the name order. Tests give a fake one. */
struct customer_estimator {
	/* the shop's customers */
	long long (*shop)(void *ctx, long long shop_id);
	/* the search entries whose term is LIKE pattern */
	long long (*word)(void *ctx, long long shop_id, const char *pattern);
	/* the customers whose name order starts with word's */
	long long (*surname)(void *ctx, long long shop_id, const char *word);
	/* the customers between from (hex name_key) and word's names, going
	 * down (reading_down) or up */
	long long (*crossed)(void *ctx, long long shop_id, const char *word, const char *from,
	    int reading_down);
	/* word's weights in hex into out: 1, 0 when none, -1 on error */
	int (*weights)(void *ctx, const char *word, char *out, size_t size);
	/* the customers whose part (the phone) is LIKE pattern */
	long long (*starting)(void *ctx, long long shop_id, enum customer_letter_part part,
	    const char *pattern);
	void *ctx;
};

/* The server's estimates are kept per process for this long, per shop and
 * question (a word, a name order range, a page link's place): a repeated
 * search or its next page runs only its page statement. An estimate only
 * chooses the plan; a stale one can make a page slower, never wrong. */
#define CUSTOMER_ESTIMATE_SECONDS 60
#define CUSTOMER_ESTIMATES_KEPT 256

/* An estimator that answers from the process's table of estimates when
 * inner was asked the same question less than CUSTOMER_ESTIMATE_SECONDS
 * before now, and asks inner (and keeps its answer) otherwise. out->ctx
 * points to cache, which the caller keeps while out is used. */
struct customer_estimate_cache {
	const struct customer_estimator *inner;
	long long now;
};
void customer_estimator_cached(struct customer_estimator *out,
    struct customer_estimate_cache *cache);
/* Forgets every kept estimate (tests). */
void customer_estimates_forget(void);

/* The planner's statements, registered with the database layer the first
 * time a search is planned. */
enum customer_query_sql {
	CQ_SEARCH_ESTIMATE,
	CQ_SHOP_ESTIMATE,
	CQ_NAME_PREFIX_ESTIMATE,
	CQ_NAME_BEFORE_ESTIMATE,
	CQ_NAME_AFTER_ESTIMATE,
	CQ_WEIGHTS,		/* of a word in the name order: no table */
	CQ_PHONE_PREFIX_ESTIMATE,
	CQ_SLICE_NAMES,		/* the names of a group and a tag (issue 16) */
	CQ_GROUP_ESTIMATE,	/* a group's members (issue 16) */
	CQ_TAG_ESTIMATE,	/* a tag's customers (issue 16) */
	CQ_IMPORT_ESTIMATE,	/* the customers an import created */
	CQ_IMPORT_NAME,		/* an import's file and day */
	CQ_SQL__MAX
};

extern struct db_query customer_query_sql[CQ_SQL__MAX];

/* Copies own (fields ending with a NULL name, may be NULL) and then the
 * query's keys of uses up to widest into out, room entries in all with the
 * closing NULL one. Returns the number of fields, or 0 when out is too
 * small. */
size_t customer_query_fields(struct field *out, size_t room, const struct field *own,
    enum customer_key_use widest);

/* An empty query of the shop: every current customer, by name, 50 a page.
 * config (may be NULL) gives Limits.SearchCandidates and Limits.SearchWalk. */
void customer_query_init(struct customer_query *query, long long shop_id, HDF *config);

/* The query of the route's fields of the request (checked at the door,
 * choices included), each read by its key's declaration
 * (request_field_shared): a route declares the keys of the uses it built
 * its fields with (customer_query_fields), the others read as not sent.
 * Returns NULL, or the Lang key of what is wrong (a search without a
 * letter or a digit, a bad page link). A search of single letters or
 * digits is listed by name, whatever the order asked. */
const char *customer_query_from_request(struct customer_query *query, struct request *req);

/* The query of a saved query string ("q=martin&status=active&sort=spent"):
 * its filters and order, each checked as the door checks it; paging keys
 * and unknown names are refused. Returns NULL or a Lang key. */
const char *customer_query_from_text(struct customer_query *query, long long shop_id,
    HDF *config, const char *text);

/* The value of key as a link writes it into out ("" when not set, or for a
 * filter left at its default and not given). Returns out. */
const char *customer_query_value(const struct customer_query *query, enum customer_key key,
    char *out, size_t size);

/* The filters that are set, as a query string with a final '&'
 * ("q=martin&status=active&"), values URL-escaped, into out. Returns 0, or
 * -1 when it does not fit. */
int customer_query_filters_text(const struct customer_query *query, char *out, size_t size);

/* Each filter that is set (as customer_query_value writes it) under
 * prefix.<its key's name> in hdf ("Page.Filter.q"): the values a page's
 * form or hidden inputs carry back. */
void customer_query_filters_hdf(const struct customer_query *query, HDF *hdf, const char *prefix);

/* The names of the query's group and tag (issue 16) into group_name and
 * tag_name ("" when not set). Returns 0, 1 when the query names a group
 * or a tag the shop does not have (deleted, or another shop's id: the
 * query then matches nobody), -1 on error. */
int customer_query_slice_names(const struct customer_query *query, struct db *db,
    char *group_name, size_t group_size, char *tag_name, size_t tag_size);

/* The file name ("" for a pasted list) and the time it came in (UTC,
 * "YYYY-MM-DD HH:MM:SS") of the query's import. Returns 0 (also when no
 * import is set: both ""), 1 when the shop has no such import (another
 * shop's id: the query matches nobody), -1 on error. */
int customer_query_import_name(const struct customer_query *query, struct db *db, char *file,
    size_t file_size, char *when, size_t when_size);

/* Plans the query (see customer_query.c): for a page (the list's order,
 * from the page link) or for all its customers once each. 0 or -1. */
int customer_query_plan(struct customer_query *query, struct db *db, int for_page);
int customer_query_plan_with(struct customer_query *query,
    const struct customer_estimator *estimator, int for_page);

/* The statements, built without running them (for tests and for callers
 * that run them their own way). Plans the query first when it is not
 * (for_page as above); the page's statement wants a plan for a page. */
void customer_query_page_sql(struct customer_query *query, struct customer_sql *sql);
void customer_query_count_sql(struct customer_query *query, struct customer_sql *sql);
void customer_query_select_sql(struct customer_query *query, struct customer_sql *sql,
    const unsigned char *selection);
void customer_query_export_sql(struct customer_query *query, struct customer_sql *sql);
/* The export with columns (SQL over customer c, "c.first_name, c.email")
 * as its select list, the filters and the order the list's own. */
void customer_query_export_columns_sql(struct customer_query *query, struct customer_sql *sql,
    const char *columns);
/* The uncapped count (the export page says how many rows its file holds). */
void customer_query_count_exact_sql(struct customer_query *query, struct customer_sql *sql);
void customer_query_select_batch_sql(struct customer_query *query, struct customer_sql *sql,
    const unsigned char *selection, long long after_id, long long limit);

/* Runs the page's statement (size + 1 customers, in the order they are
 * read, the columns of enum customer_column) and notes its rows
 * (query->distinct, query->row, query->matching). Plans for a page when
 * not planned. The result is the caller's until db_done; NULL on error. */
struct db_query *customer_query_page(struct customer_query *query, struct db *db);

/* Whether the page's statement counted the matches (query->matching). */
int customer_query_counted(const struct customer_query *query);

/* How many customers match, up to CUSTOMER_COUNT_CAP + 1. -1 on error. */
long long customer_query_count(struct customer_query *query, struct db *db);

/* How many customers match, exactly, however many (the export page: it
 * reads every match's index entry, which the list's capped count avoids).
 * -1 on error. */
long long customer_query_count_exact(struct customer_query *query, struct db *db);

/* Puts every matching customer in bulk_selection under selection (16
 * bytes), inside the caller's transaction. 0 or -1. */
int customer_query_select(struct customer_query *query, struct db *db,
    const unsigned char *selection);

/* The same for a batch of a long walk: the next limit matching customers
 * whose id is above after_id, in id order. 0 or -1. */
int customer_query_select_batch(struct customer_query *query, struct db *db,
    const unsigned char *selection, long long after_id, long long limit);

/* Runs the export: every matching customer in the list's order, the
 * columns of enum customer_column but the count. NULL on error; the rows
 * are the caller's until db_done. */
struct db_query *customer_query_export(struct customer_query *query, struct db *db);

/* Streams the export (db_stream_open): every matching customer in the
 * list's order, columns as the select list (see
 * customer_query_export_columns_sql). The stream owns the connection until
 * db_stream_close (or db_stream_abandon). NULL on error (logged). */
struct db_query *customer_query_export_stream(struct customer_query *query, struct db *db,
    const char *columns);

/* An export read in two halves at once, on two connections (export.fcgi):
 * the rows before a boundary row and the rows from it on, each in the
 * list's order, cut by the sort's keyset as a page link is. The boundary
 * is the sort values of the row at a fraction of the view, read on the
 * order's index alone. */
struct customer_split {
	long long offset;			/* the boundary row's place, from 0; -1 */
	char raw[CUSTOMER_CURSOR_RAW_MAX];
	const char *value[3];			/* into raw; NULL for SQL NULL */
};

/* Finds the boundary of an export of count customers (count: what the
 * caller believes the view holds) at fraction of it (the row at offset
 * count * fraction, kept within 1..count-1): 1 when found (split filled;
 * its values stay valid while split does), 0 when the export is to be read
 * in one pass (the view holds fewer rows than that, or its plan does not
 * read along the order's index with every condition told there: a search
 * read from its matches first, a search of single letters, a word checked
 * on the rows), -1 on a database error. Plans the query first when it is
 * not. */
int customer_query_export_split(struct customer_query *query, struct db *db, long long count,
    double fraction, struct customer_split *split);

/* The boundary's statement: the sort's key columns of the row at offset
 * (HEX for the name order's bytes). */
void customer_query_split_sql(struct customer_query *query, long long offset,
    struct customer_sql *sql);

/* One half's statement into sql (the caller's: its parameters point into
 * sql and split, which must outlive the statement's run): the columns of
 * the export (see customer_query_export_columns_sql), second 0 the rows
 * strictly before split's row in the list's order, 1 that row and the rows
 * after it. */
void customer_query_export_half_sql(struct customer_query *query,
    const struct customer_split *split, int second, const char *columns,
    struct customer_sql *sql);

/* The page link (base64url) for the current row of a page or export
 * result into out; "" when it does not fit. */
void customer_query_cursor_link(const struct customer_query *query, struct db_query *rows,
    char *out, size_t size);

#endif
