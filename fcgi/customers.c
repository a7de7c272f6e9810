/*
 * customers.fcgi: the shop admin's customer pages under /admin/customers:
 * the list (search, filters, sort, keyset pages, bulk actions), a new
 * customer (invited by mail), and one customer's page (contact, orders,
 * timeline, notes, mails) with its actions.
 *
 * Every change to a customer's names, e-mail or phone also changes their
 * rows in customer_search (fcgi/lib/search.h), in the same transaction.
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/app.h"
#include "lib/crypto.h"
#include "lib/format.h"
#include "lib/mail.h"
#include "lib/page.h"
#include "lib/search.h"
#include "lib/text.h"
#include "customers-settings.h"

enum customers_sql {
	SQL_SEARCH_ESTIMATE,
	SQL_SHOP_ESTIMATE,
	SQL_NAME_PREFIX_ESTIMATE,
	SQL_NAME_BEFORE_ESTIMATE,
	SQL_NAME_AFTER_ESTIMATE,
	SQL_WEIGHTS,
	SQL_FAILED_MAILS,
	SQL_INSERT,
	SQL_DETAIL,
	SQL_RECENT_ORDERS,
	SQL_TIMELINE,
	SQL_MAILS,
	SQL_CURRENT,
	SQL_UPDATE,
	SQL_VOID_TOKENS,
	SQL_SECTION_COUNTS,
	SQL_MAIL_RETRY,
	SQL_MAIL_DISMISS,
	SQL_FAILED_LIST,
	SQL_FAILED_EVENTS,
	SQL_FAILED_RETRY_ALL,
	SQL_ONCE_ADD,
	SQL_ONCE_PRUNE,
	SQL_NOTES,
	SQL_NOTE_ADD,
	SQL_NOTE_EDIT,
	SQL_NOTE_DELETE,
	SQL_BULK_CLEAR,
	SQL_BULK_ADD_ID,
	SQL_BULK_COUNT,
	SQL_BULK_EVENT,
	SQL_BULK_APPLICABLE,
	SQL_BULK_DEACTIVATE,
	SQL_BULK_REACTIVATE,
	SQL_BULK_BLOCK,
	SQL_BULK_UNBLOCK,
	SQL_BULK_END_SESSIONS,
	SQL_BULK_VOID_TOKENS,
	SQL_BULK_DETACH_ORDERS,
	SQL_BULK_DROP_MAILS,
	SQL_BULK_SCRUB_EVENTS,
	SQL_BULK_DROP_NOTES,
	SQL_BULK_SEARCH_TERMS,
	SQL_BULK_ERASE,
	SQL_BULK_NAMES,
	SQL_NOTE_ONE,
	CUSTOMERS_SQL__MAX
};

static struct db_query customers_sql[CUSTOMERS_SQL__MAX] = {
	/* the server's estimate of a search word's index entries, and of the
	 * shop's customers (EXPLAIN reads a few index pages, not the rows) */
	[SQL_SEARCH_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer_search WHERE shop_id = ? AND term LIKE ?" },
	[SQL_SHOP_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ? AND name_key >= ''" },
	/* in the name order (sql/006): the customers whose last name starts
	 * with a word, and those between a page link (hex) and them, going
	 * up or down */
	[SQL_NAME_PREFIX_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ?"
	    " AND name_key >= WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)"
	    " AND name_key < CONCAT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0xFFFF)" },
	[SQL_NAME_BEFORE_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ? AND name_key >= UNHEX(?)"
	    " AND name_key < WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)" },
	[SQL_WEIGHTS] = { .sql = "SELECT HEX(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci))" },
	[SQL_NAME_AFTER_ESTIMATE] = { .sql =
	    "EXPLAIN SELECT 1 FROM customer WHERE shop_id = ?"
	    " AND name_key >= CONCAT(WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci), 0xFFFF)"
	    " AND name_key < UNHEX(?)" },
	/* mails fidele-worker gave up on, shown to the shop's admins */
	[SQL_FAILED_MAILS] = { .sql =
	    "SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND status = 'failed'" },
	[SQL_INSERT] = { .sql =
	    "INSERT INTO customer (shop_id, email, first_name, last_name, phone, phone_digits,"
	    "                      country, language, status, source)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'invited', 'admin')" },
	[SQL_DETAIL] = { .sql =
	    "SELECT id, email, first_name, last_name, phone, country, language, status,"
	    "       status_reason, source, tax_exempt, order_count, total_spent_cents,"
	    "       last_order_at, created_at, last_sign_in_at,"
	    "       IF(order_count > 0, ROUND(total_spent_cents / order_count), 0)"
	    "  FROM customer WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_RECENT_ORDERS] = { .sql =
	    "SELECT reference, status, total_cents, ordered_at FROM orders"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY ordered_at DESC, id DESC LIMIT ? OFFSET ?" },
	[SQL_TIMELINE] = { .sql =
	    "SELECT REPLACE(e.kind, '.', '_') AS kind, e.detail, e.created_at, a.email FROM event e"
	    "  LEFT JOIN admin a ON a.id = e.admin_id AND a.shop_id = e.shop_id"
	    " WHERE e.shop_id = ? AND e.customer_id = ?"
	    " ORDER BY e.id DESC LIMIT ? OFFSET ?" },
	[SQL_MAILS] = { .sql =
	    "SELECT id, subject, status, created_at, sent_at, last_error FROM outbox"
	    " WHERE shop_id = ? AND customer_id = ?"
	    " ORDER BY id DESC LIMIT ? OFFSET ?" },
	/* how many rows each part of the customer's page has, for "see all" */
	[SQL_SECTION_COUNTS] = { .sql =
	    "SELECT (SELECT COUNT(*) FROM orders WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM event WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM outbox WHERE shop_id = ? AND customer_id = ?),"
	    "       (SELECT COUNT(*) FROM note WHERE shop_id = ? AND customer_id = ?)" },
	/* a failed (or set aside) mail of this customer goes out again, from
	 * scratch, to the customer's address of now (it may have been
	 * corrected since) */
	[SQL_MAIL_RETRY] = { .sql =
	    "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NOW(),"
	    "       last_error = NULL, recipient = ?"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status IN ('failed', 'dismissed')" },
	/* dealt with without sending: no longer in the list's banner */
	[SQL_MAIL_DISMISS] = { .sql =
	    "UPDATE outbox SET status = 'dismissed'"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ? AND status = 'failed'" },
	/* the shop's failed mails, newest first (outbox_shop_status holds
	 * them in id order) */
	[SQL_FAILED_LIST] = { .sql =
	    "SELECT o.id, o.customer_id, o.recipient, o.subject, o.last_error, o.created_at"
	    "  FROM outbox o WHERE o.shop_id = ? AND o.status = 'failed'"
	    " ORDER BY o.id DESC LIMIT 200" },
	/* every failed mail of the shop out again, a customer's to their
	 * address of now; the timeline rows first, while they are failed */
	[SQL_FAILED_EVENTS] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind)"
	    " SELECT shop_id, customer_id, ?, 'mail.retried' FROM outbox"
	    " WHERE shop_id = ? AND status = 'failed' AND customer_id IS NOT NULL" },
	[SQL_FAILED_RETRY_ALL] = { .sql =
	    "UPDATE outbox o LEFT JOIN customer c ON c.id = o.customer_id AND c.shop_id = o.shop_id"
	    "   SET o.status = 'queued', o.attempts = 0, o.next_attempt_at = NOW(), o.last_error = NULL,"
	    "       o.recipient = COALESCE(c.email, o.recipient)"
	    " WHERE o.shop_id = ? AND o.status = 'failed'" },
	/* a form's one-time key (sql/007): a duplicate means it was sent already */
	[SQL_ONCE_ADD] = { .sql = "INSERT INTO form_once (shop_id, once_key) VALUES (?, ?)" },
	[SQL_ONCE_PRUNE] = { .sql =
	    "DELETE FROM form_once WHERE created_at < NOW() - INTERVAL 1 DAY LIMIT 100" },
	/* locks the row for the rest of the change */
	[SQL_CURRENT] = { .sql =
	    "SELECT email, status, last_sign_in_at IS NOT NULL, first_name, last_name, phone_digits,"
	    "       language"
	    "  FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL FOR UPDATE" },
	[SQL_UPDATE] = { .sql =
	    "UPDATE customer SET email = ?, first_name = ?, last_name = ?, phone = ?,"
	    "       phone_digits = ?, country = ?, language = ?, tax_exempt = ?"
	    " WHERE id = ? AND shop_id = ?" },
	[SQL_VOID_TOKENS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND customer_id = ? AND used_at IS NULL" },
	[SQL_NOTES] = { .sql =
	    "SELECT n.id, n.body, n.created_at, n.updated_at, a.email FROM note n"
	    "  LEFT JOIN admin a ON a.id = n.admin_id"
	    " WHERE n.shop_id = ? AND n.customer_id = ? ORDER BY n.id DESC LIMIT ? OFFSET ?" },
	[SQL_NOTE_ADD] = { .sql =
	    "INSERT INTO note (shop_id, customer_id, admin_id, body) VALUES (?, ?, ?, ?)" },
	/* the note must belong to this customer of this shop */
	[SQL_NOTE_EDIT] = { .sql =
	    "UPDATE note SET body = ?, updated_at = NOW()"
	    " WHERE id = ? AND shop_id = ? AND customer_id = ?" },
	[SQL_NOTE_DELETE] = { .sql =
	    "DELETE FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },

	/* Bulk actions work on the ids in bulk_selection under this request's
	 * random selection id, filled from the ticked rows or from the list's
	 * filters, so that every statement of one action sees the same
	 * customers. The rows never outlive the action's transaction. */
	[SQL_BULK_CLEAR] = { .sql = "DELETE FROM bulk_selection WHERE selection_id = ?" },
	/* a ticked id counts only if it is a customer of this shop */
	[SQL_BULK_ADD_ID] = { .sql =
	    "INSERT IGNORE INTO bulk_selection SELECT ?, id FROM customer"
	    " WHERE id = ? AND shop_id = ? AND erased_at IS NULL" },
	[SQL_BULK_COUNT] = { .sql = "SELECT COUNT(*) FROM bulk_selection WHERE selection_id = ?" },
	[SQL_BULK_EVENT] = { .sql =
	    "INSERT INTO event (shop_id, customer_id, admin_id, kind, detail)"
	    " SELECT ?, customer_id, ?, ?, ? FROM bulk_selection WHERE selection_id = ?" },
	/* leaves in the selection only the customers the action applies to:
	 * those whose status is in the list (bulk_actions[].from) */
	[SQL_BULK_APPLICABLE] = { .sql =
	    "DELETE b FROM bulk_selection b JOIN customer c ON c.id = b.customer_id"
	    " WHERE b.selection_id = ? AND c.shop_id = ? AND NOT FIND_IN_SET(c.status, ?)" },
	/* Each action notes the status it leaves (sql/007) and its undo goes
	 * back to it; the assignments run left to right, so the old status
	 * is noted before it changes. An undo with nothing noted (changed
	 * before sql/007) goes to active, or invited for someone who never
	 * signed in, and so does an "invited" who has signed in since. */
	[SQL_BULK_DEACTIVATE] = { .sql =
	    "UPDATE customer SET inactive_from = status, status = 'inactive'"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_REACTIVATE] = { .sql =
	    "UPDATE customer SET status = IF(inactive_from = 'active' OR last_sign_in_at IS NOT NULL,"
	    "       'active', 'invited'), inactive_from = NULL"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	/* blocking again only changes the reason */
	[SQL_BULK_BLOCK] = { .sql =
	    "UPDATE customer SET blocked_from = IF(status = 'blocked', blocked_from, status),"
	    "       status = 'blocked', status_reason = ?"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_UNBLOCK] = { .sql =
	    "UPDATE customer SET status = IF(blocked_from = 'inactive', 'inactive',"
	    "       IF(blocked_from = 'active' OR last_sign_in_at IS NOT NULL, 'active', 'invited')),"
	    "       blocked_from = NULL, status_reason = ''"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_END_SESSIONS] = { .sql =
	    "DELETE FROM session WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_VOID_TOKENS] = { .sql =
	    "UPDATE login_token SET used_at = NOW()"
	    " WHERE shop_id = ? AND used_at IS NULL AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DETACH_ORDERS] = { .sql =
	    "UPDATE orders SET customer_id = NULL"
	    " WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DROP_MAILS] = { .sql =
	    "DELETE FROM outbox WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_SCRUB_EVENTS] = { .sql =
	    "UPDATE event SET detail = '', ip = NULL"
	    " WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_DROP_NOTES] = { .sql =
	    "DELETE FROM note WHERE shop_id = ? AND customer_id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	/* what the customers to erase are found by, so that it goes too */
	[SQL_BULK_SEARCH_TERMS] = { .sql =
	    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone_digits FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL"
	    "   AND c.id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)" },
	[SQL_BULK_ERASE] = { .sql =
	    "UPDATE customer SET email = NULL, first_name = '', last_name = '', phone = '',"
	    "       phone_digits = '', country = NULL, language = NULL, status = 'inactive',"
	    "       status_reason = '', blocked_from = NULL, inactive_from = NULL,"
	    "       marketing_consent = 0, tax_exempt = 0, erased_at = NOW()"
	    " WHERE shop_id = ? AND id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?) AND erased_at IS NULL" },
	/* who the confirmation names: the first few in the list's order */
	[SQL_BULK_NAMES] = { .sql =
	    "SELECT c.first_name, c.last_name, c.email FROM customer c"
	    " WHERE c.shop_id = ? AND c.erased_at IS NULL"
	    "   AND c.id IN (SELECT customer_id FROM bulk_selection WHERE selection_id = ?)"
	    " ORDER BY c.name_key, c.id LIMIT 10" },
	/* the note whose deletion is asked, of this customer of this shop */
	[SQL_NOTE_ONE] = { .sql =
	    "SELECT body, created_at FROM note WHERE id = ? AND shop_id = ? AND customer_id = ?" },
};

/* --- the list ------------------------------------------------------------------ */

/* The list is built for each request from the filters in use: a filter that
 * is not chosen is not in the statement, so that the index the list walks
 * can answer alone. Each distinct statement is prepared once per process
 * (db_cached).
 *
 * Paging is by keyset: a page link carries the sort values of the row it
 * continues from (after=) or goes back from (before=), so page 2,000 costs
 * what page 1 costs, and ties are broken by the id.
 *
 * Search goes through customer_search (fcgi/lib/search.h). The server
 * estimates how many entries each word has (EXPLAIN) and how many customers
 * the shop has; from those the list guesses how many customers match all
 * the words. Few (Limits.SearchCandidates): the matches are found in the index
 * first, intersected there, and only they are read and sorted. Many: the
 * list walks its sort index and keeps the customers found in each word's
 * matches. When they sit far along the walk, the walk stops after
 * Limits.SearchWalk rows and the page is read from the matches after all:
 * sorted by name, from the rarest word's entries, which carry the name
 * order (sql/006) and are sorted without reading a row (PLAN_SORTED);
 * otherwise by reading and sorting every match. A surname far ahead in
 * the name order ("vincent" on page 1) goes to PLAN_SORTED at once. From a
 * page link among customers whose last or first name starts with a word
 * ("elodie martin", page 5, among the Martins), the list walks, and tells
 * those names on the index (their name order starts with the word's
 * weights) before looking the word up. A word found in more than a quarter
 * of the shop ("gmail") is not looked up at all but checked on the rows
 * read.
 */

#define COUNT_CAP 1000
/* Limits.SearchCandidates in the configuration */
#define CANDIDATES_MAX 3000
/* Limits.SearchWalk */
#define WALK_EXAMINED_MAX 60000

#define LIST_COLUMNS \
	"c.id, c.first_name, c.last_name, c.email, c.phone, c.status," \
	" c.created_at, c.order_count, c.total_spent_cents, c.last_order_at, HEX(c.name_key)"
/* the column after them: the count, when the statement gives it */
#define LIST_MATCHING 11

/* name_key (sql/006) is bytes; a page link carries it in hex */
enum cursor_kind { CURSOR_TEXT, CURSOR_DATETIME, CURSOR_INT, CURSOR_HEX };

/* A page link's values: an address of 254 characters of up to 4 bytes (the
 * e-mail sort has no id) fits; base64url makes 4 characters of 3 bytes. */
#define CURSOR_RAW_MAX 1024
#define CURSOR_LINK_MAX ((CURSOR_RAW_MAX + 2) / 3 * 4)

/* Sort keys: the URL's name, the index walked, the columns of the order
 * (the id last, to break ties) and where each is in LIST_COLUMNS. The index
 * must give that order by itself, or a walk would read everything to sort
 * it. Only last_order may be NULL: customers who never ordered sort first
 * going up, last going down. */
enum sort_key { SORT_NAME, SORT_EMAIL, SORT_CREATED, SORT_LAST_ORDER, SORT_ORDERS, SORT_SPENT,
	SORT__MAX };

static const struct {
	const char *name;
	const char *index;
	int keys;
	const char *column[3];
	int result[3];
	enum cursor_kind kind;	/* of the first column */
	int nullable;
} sorts[SORT__MAX] = {
	/* the order of last_name, first_name: see sql/006 */
	{ "name", "customer_shop_name", 2, { "c.name_key", "c.id" }, { 10, 0 }, CURSOR_HEX, 0 },
	/* one address per customer of a shop: no tie to break */
	{ "email", "customer_shop_email", 1, { "c.email" }, { 3 }, CURSOR_TEXT, 0 },
	{ "created", "customer_shop_created", 2, { "c.created_at", "c.id" }, { 6, 0 },
	    CURSOR_DATETIME, 0 },
	{ "last_order", "customer_shop_last_order", 2, { "c.last_order_at", "c.id" }, { 9, 0 },
	    CURSOR_DATETIME, 1 },
	{ "orders", "customer_shop_orders", 2, { "c.order_count", "c.id" }, { 7, 0 }, CURSOR_INT, 0 },
	{ "spent", "customer_shop_spent", 2, { "c.total_spent_cents", "c.id" }, { 8, 0 },
	    CURSOR_INT, 0 },
};

static const char *const status_choices[] = { "current", "all", "active", "invited", "blocked",
	"inactive", NULL };
static const char *const source_choices[] = { "", "self", "admin", "import", "order", NULL };
static const char *const consent_choices[] = { "", "yes", "no", NULL };
static const char *const dir_choices[] = { "asc", "desc", NULL };
static const char *const size_choices[] = { "50", "25", "100", "200", NULL };

static const struct field list_fields[] = {
	{ "q", FIELD_TEXT, 0, 100, 0, 0 },
	{ "page", FIELD_INT, 0, 20, 1, 100000 },
	{ "after", FIELD_TEXT, 0, CURSOR_LINK_MAX, 0, 0 },
	{ "before", FIELD_TEXT, 0, CURSOR_LINK_MAX, 0, 0 },
	{ "status", FIELD_TEXT, 0, 10, 0, 0 },
	{ "source", FIELD_TEXT, 0, 10, 0, 0 },
	{ "consent", FIELD_TEXT, 0, 10, 0, 0 },
	{ "from", FIELD_DATE, 0, 0, 0, 0 },
	{ "to", FIELD_DATE, 0, 0, 0, 0 },
	{ "orders_min", FIELD_INT, 0, 10, 0, 1000000 },
	{ "orders_max", FIELD_INT, 0, 10, 0, 1000000 },
	{ "spent_min", FIELD_INT, 0, 10, 0, 100000000 },
	{ "spent_max", FIELD_INT, 0, 10, 0, 100000000 },
	{ "last_from", FIELD_DATE, 0, 0, 0, 0 },
	{ "last_to", FIELD_DATE, 0, 0, 0, 0 },
	{ "sort", FIELD_TEXT, 0, 12, 0, 0 },
	{ "dir", FIELD_TEXT, 0, 4, 0, 0 },
	{ "size", FIELD_TEXT, 0, 3, 0, 0 },
	/* how many matched, as page 1 counted it: the page links carry it so
	 * that later pages say where they are without counting again */
	{ "total", FIELD_INT, 0, 10, 0, COUNT_CAP + 1 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The filter fields that every link of the list carries. */
static const char *const filter_names[] = { "q", "status", "source", "consent", "from", "to",
	"orders_min", "orders_max", "spent_min", "spent_max", "last_from", "last_to", NULL };

/* Index of value in choices (the first when value is absent), or -1. */
static int
choice(const char *value, const char *const *choices)
{
	int i;

	if (value == NULL || *value == '\0')
		return 0;
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(value, choices[i]) == 0)
			return i;
	return -1;
}

/* How the statement finds the rows: no search, from the search's matches,
 * walking the sort index, or from one word's terms in name order. */
enum list_plan { PLAN_FILTERS, PLAN_CANDIDATES, PLAN_WALK, PLAN_SORTED };

struct list_view {
	int status, source, consent, sort, descending, size;
	long long page;
	enum list_plan plan;
	int tokens;
	char token[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 1];
	long long estimate[SEARCH_TOKENS_MAX];
	int common[SEARCH_TOKENS_MAX];	/* checked on the rows, not looked up */
	int initial[SEARCH_TOKENS_MAX];	/* one letter: the start of a name */
	/* sorted by name from a page link whose last or first name starts
	 * with the word: its weights (hex), so that the walk can tell on the
	 * index that the customers around match it */
	char weights[SEARCH_TOKENS_MAX][2 * SEARCH_NAME_KEY_MAX + 1];
	long long matching;		/* counted with the page, or -1 */
	int gave_up;			/* a walk did, the page came from the matches */
	/* the result rows shown, in the order read: a customer with two
	 * words that start alike has two terms in PLAN_SORTED */
	int distinct;
	unsigned long long row[4 * (200 + 1)];
	/* the page link: after or before the row with these sort values */
	int cursor, backwards;
	char cursor_raw[CURSOR_RAW_MAX];
	const char *cursor_value[3];	/* into cursor_raw; NULL for SQL NULL */
	char query[1600];		/* the filters as a query string, for links */
};

/* The longest list address a customer's pages carry back to (back=). */
#define BACK_MAX 2000

/* Reads and checks the page link against the sort: one value per column,
 * each of the column's kind. Returns 0 or -1. */
static int
cursor_read(struct list_view *view, const char *text)
{
	long length = text_base64url_decode(text, (unsigned char *)view->cursor_raw,
	    sizeof(view->cursor_raw));
	char *p = view->cursor_raw;
	int k, keys = sorts[view->sort].keys;

	if (length < 0 || (size_t)length != strlen(view->cursor_raw))
		return -1;
	for (k = 0; k < keys; k++) {
		char *end = strchr(p, '\x1f');
		int is_id = strcmp(sorts[view->sort].column[k], "c.id") == 0;
		enum cursor_kind kind = is_id ? CURSOR_INT : sorts[view->sort].kind;

		if ((end == NULL) != (k == keys - 1))
			return -1;
		if (end != NULL)
			*end = '\0';
		if (!text_is_clean_utf8(p, 0))
			return -1;
		view->cursor_value[k] = p;
		if (k == 0 && sorts[view->sort].nullable && *p == '\0')
			view->cursor_value[k] = NULL;
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

/* The page link for the current row of query: its sort values, base64url. */
static void
cursor_write(struct list_view *view, struct db_query *query, char *out, size_t size)
{
	char raw[CURSOR_RAW_MAX];
	size_t used = 0;
	int k;

	for (k = 0; k < sorts[view->sort].keys; k++) {
		const char *value = db_text(query, (unsigned int)sorts[view->sort].result[k]);
		int written = snprintf(raw + used, sizeof(raw) - used, "%s%s", k ? "\x1f" : "",
		    value ? value : "");

		if (written < 0 || used + (size_t)written >= sizeof(raw)) {
			out[0] = '\0';
			return;
		}
		used += (size_t)written;
	}
	if (text_base64url_encode((const unsigned char *)raw, used, out, size) != 0)
		out[0] = '\0';
}

/* Reads the choices that the field table cannot check (closed lists), the
 * search words and the page link. Returns NULL, or the Lang key of the
 * problem. */
static const char *
list_view_read(struct request *req, struct list_view *view)
{
	const char *search = request_field(req, "q");
	const char *sort = request_field(req, "sort");
	const char *after = request_field(req, "after");
	const char *before = request_field(req, "before");

	memset(view, 0, sizeof(*view));
	view->matching = -1;
	view->status = choice(request_field(req, "status"), status_choices);
	view->source = choice(request_field(req, "source"), source_choices);
	view->consent = choice(request_field(req, "consent"), consent_choices);
	view->descending = choice(request_field(req, "dir"), dir_choices);
	view->size = choice(request_field(req, "size"), size_choices);
	view->sort = SORT_NAME;
	if (sort != NULL && *sort != '\0') {
		for (view->sort = 0; view->sort < SORT__MAX && strcmp(sorts[view->sort].name, sort) != 0;
		    view->sort++)
			;
		if (view->sort == SORT__MAX)
			return "Error.Field.Choice";
	}
	if (view->status < 0 || view->source < 0 || view->consent < 0 || view->descending < 0 ||
	    view->size < 0)
		return "Error.Field.Choice";
	view->size = atoi(size_choices[view->size]);
	if (search != NULL && *search != '\0') {
		int t, words = 0;

		view->tokens = search_tokens(search, view->token);
		for (t = 0; t < view->tokens; t++) {
			view->initial[t] = text_length(view->token[t]) == 1;
			words += !view->initial[t];
		}
		if (words == 0)
			return "Error.Field.SearchShort";
	}
	if (after != NULL && before != NULL)
		return "Error.Field.PageLink";
	if (after != NULL || before != NULL) {
		view->cursor = 1;
		view->backwards = before != NULL;
		if (cursor_read(view, after ? after : before) != 0)
			return "Error.Field.PageLink";
		view->page = request_field_int(req, "page", view->backwards ? 1 : 2);
	} else
		view->page = 1;
	return NULL;
}

/* A statement under construction: its text and its parameters. */
struct list_sql {
	char text[4000];
	size_t length;
	struct db_param params[80];
	size_t n;
	int overflow;
};

static void
sql_add(struct list_sql *sql, const char *text)
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
sql_param(struct list_sql *sql, const char *text, struct db_param param)
{
	sql_add(sql, text);
	if (sql->n == sizeof(sql->params) / sizeof(sql->params[0])) {
		sql->overflow = 1;
		return;
	}
	sql->params[sql->n++] = param;
}

/* Column k of the sort in the statement that finds the page's ids: the
 * terms' copy of the name order when the page is read from them. */
static const char *
sort_column(const struct list_view *view, int k, int finding)
{
	const char *column = sorts[view->sort].column[k];

	if (finding && view->plan == PLAN_SORTED)
		return strcmp(column, "c.id") == 0 ? "s0.customer_id" : "s0.name_key";
	return column;
}

/* "(k1 > ? OR (k1 = ? AND id > ?))" from key k on, in the direction the
 * rows are read. */
static void
sql_after(struct list_sql *sql, struct list_view *view, int k, const char *op)
{
	const char *column = sort_column(view, k, 1);
	const char *value = view->cursor_value[k];
	int last = k == sorts[view->sort].keys - 1;
	int is_id = strcmp(sorts[view->sort].column[k], "c.id") == 0;
	struct db_param param = is_id || sorts[view->sort].kind == CURSOR_INT ?
	    DB_INT(strtoll(value, NULL, 10)) : DB_TEXT(value);
	const char *placeholder = !is_id && sorts[view->sort].kind == CURSOR_HEX ? "UNHEX(?)" : "?";
	char text[96];

	snprintf(text, sizeof(text), last ? "%s %s %s" : "(%s %s %s", column, op, placeholder);
	sql_param(sql, text, param);
	if (last)
		return;
	snprintf(text, sizeof(text), " OR (%s = %s AND ", column, placeholder);
	sql_param(sql, text, param);
	sql_after(sql, view, k + 1, op);
	sql_add(sql, "))");
}

/* Where the page starts: after the cursor in the order rows are read. The
 * NULL last orders sort first going up. */
static void
sql_keyset(struct list_sql *sql, struct list_view *view, int reading_down)
{
	const char *op = reading_down ? "<" : ">";
	const char *first = sorts[view->sort].column[0];
	char text[160];

	sql_add(sql, " AND ");
	if (!sorts[view->sort].nullable || view->cursor_value[0] != NULL) {
		if (sorts[view->sort].nullable && reading_down) {
			sql_add(sql, "(");
			sql_after(sql, view, 0, op);
			snprintf(text, sizeof(text), " OR %s IS NULL)", first);
			sql_add(sql, text);
		} else
			sql_after(sql, view, 0, op);
		return;
	}
	/* from a customer who never ordered */
	snprintf(text, sizeof(text), reading_down ? "(%s IS NULL AND c.id < ?)"
	    : "((%s IS NULL AND c.id > ?) OR %s IS NOT NULL)", first, first);
	sql_param(sql, text, DB_INT(strtoll(view->cursor_value[1], NULL, 10)));
}

/* "<lead> c.id IN (the customers with a term starting with word t)" */
static void
sql_search_in(struct list_sql *sql, struct request *req, struct list_view *view, int t,
    const char *lead, const char *column, char *pattern, size_t size)
{
	char text[160];

	text_like_prefix(view->token[t], pattern, size);
	snprintf(text, sizeof(text), "%s %s IN (SELECT s%d.customer_id FROM customer_search s%d"
	    " WHERE s%d.shop_id = ?", lead, column, t, t, t);
	sql_param(sql, text, DB_INT(req->shop.id));
	snprintf(text, sizeof(text), " AND s%d.term LIKE ?)", t);
	sql_param(sql, text, DB_TEXT(pattern));
}

/* " FROM customer c WHERE …" with the chosen filters and search. */
static void
sql_filters(struct list_sql *sql, struct request *req, struct list_view *view, int walk)
{
	static const char *const bounds[][2] = {
		{ "from", " AND c.created_at >= ?" }, { "to", " AND c.created_at < ? + INTERVAL 1 DAY" },
		{ "last_from", " AND c.last_order_at >= ?" },
		{ "last_to", " AND c.last_order_at < ? + INTERVAL 1 DAY" },
		{ "orders_min", " AND c.order_count >= ?" }, { "orders_max", " AND c.order_count <= ?" },
		{ "spent_min", " AND c.total_spent_cents >= ?" },
		{ "spent_max", " AND c.total_spent_cents <= ?" },
	};
	static char patterns[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX * 2 + 4];
	static char others[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 4];
	size_t b;
	int t;

	if (view->plan == PLAN_CANDIDATES) {
		/* the matches of every looked-up word, intersected in the index */
		sql_param(sql, " FROM (SELECT DISTINCT s.customer_id FROM customer_search s"
		    " WHERE s.shop_id = ?", DB_INT(req->shop.id));
		text_like_prefix(view->token[0], patterns[0], sizeof(patterns[0]));
		sql_param(sql, " AND s.term LIKE ?", DB_TEXT(patterns[0]));
		for (t = 1; t < view->tokens; t++)
			if (!view->common[t] && !view->initial[t])
				sql_search_in(sql, req, view, t, " AND", "s.customer_id", patterns[t],
				    sizeof(patterns[t]));
		sql_add(sql, ") m STRAIGHT_JOIN customer c ON c.id = m.customer_id");
	} else if (view->plan == PLAN_SORTED) {
		/* the rarest word's terms, sorted by their copy of the name
		 * order; a customer's row is read only to fill the page */
		sql_param(sql, " FROM customer_search s0 STRAIGHT_JOIN customer c"
		    " ON c.id = s0.customer_id AND s0.shop_id = ?", DB_INT(req->shop.id));
		text_like_prefix(view->token[0], patterns[0], sizeof(patterns[0]));
		sql_param(sql, " AND s0.term LIKE ?", DB_TEXT(patterns[0]));
	} else {
		sql_add(sql, " FROM customer c");
		if (walk && view->plan == PLAN_WALK) {
			sql_add(sql, " FORCE INDEX (");
			sql_add(sql, sorts[view->sort].index);
			sql_add(sql, ")");
		}
	}
	sql_param(sql, " WHERE c.shop_id = ? AND c.erased_at IS NULL", DB_INT(req->shop.id));
	/* erased customers have no address: the e-mail order starts past them */
	if (view->sort == SORT_EMAIL)
		sql_add(sql, " AND c.email IS NOT NULL");
	if (view->status == 0)
		sql_add(sql, " AND c.status <> 'inactive'");
	else if (view->status > 1)
		sql_param(sql, " AND c.status = ?", DB_TEXT(status_choices[view->status]));
	if (view->source > 0)
		sql_param(sql, " AND c.source = ?", DB_TEXT(source_choices[view->source]));
	if (view->consent > 0)
		sql_param(sql, " AND c.marketing_consent = ?", DB_INT(view->consent == 1));
	for (b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
		const char *value = request_field(req, bounds[b][0]);

		/* the filter form sends every field, the unused ones empty */
		if (value == NULL || *value == '\0')
			continue;
		if (strncmp(bounds[b][0], "spent", 5) == 0)
			sql_param(sql, bounds[b][1], DB_INT(request_field_int(req, bounds[b][0], 0) * 100));
		else if (strncmp(bounds[b][0], "orders", 6) == 0)
			sql_param(sql, bounds[b][1], DB_INT(request_field_int(req, bounds[b][0], 0)));
		else
			sql_param(sql, bounds[b][1], DB_TEXT(value));
	}
	for (t = 0; t < view->tokens; t++) {
		if (view->initial[t] && view->plan == PLAN_SORTED) {
			/* on the entry's copy of the name order, so that only
			 * the customers shown are read: the last name starts
			 * with the letter, or the first name does (after the
			 * two zero bytes no letter's weight has) */
			sql_param(sql, " AND (LEFT(s0.name_key, LENGTH(WEIGHT_STRING(? COLLATE "
			    "utf8mb4_unicode_520_ci)))", DB_TEXT(view->token[t]));
			sql_param(sql, " = WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)",
			    DB_TEXT(view->token[t]));
			sql_param(sql, " OR LOCATE(CONCAT(0x0000, WEIGHT_STRING(? COLLATE "
			    "utf8mb4_unicode_520_ci)), s0.name_key) > 0", DB_TEXT(view->token[t]));
			/* a long last name can leave the first name out of
			 * the 64 bytes: then the row tells */
			text_like_prefix(view->token[t], patterns[t], sizeof(patterns[t]));
			sql_param(sql, " OR (LENGTH(s0.name_key) = 64 AND (c.first_name LIKE ?",
			    DB_TEXT(patterns[t]));
			sql_param(sql, " OR c.last_name LIKE ?)))", DB_TEXT(patterns[t]));
		} else if (view->initial[t]) {
			text_like_prefix(view->token[t], patterns[t], sizeof(patterns[t]));
			sql_param(sql, " AND (c.first_name LIKE ?", DB_TEXT(patterns[t]));
			sql_param(sql, " OR c.last_name LIKE ?)", DB_TEXT(patterns[t]));
		} else if (view->plan == PLAN_WALK && !view->common[t] && view->weights[t][0]) {
			/* the page starts among customers named so: a last or
			 * first name starting with the word is told on the
			 * index; only the others are looked up */
			sql_param(sql, " AND (LEFT(c.name_key, ?)", DB_INT(strlen(view->weights[t]) / 2));
			sql_param(sql, " = UNHEX(?)", DB_TEXT(view->weights[t]));
			sql_param(sql, " OR LOCATE(CONCAT(0x0000, UNHEX(?)), c.name_key) > 0 OR",
			    DB_TEXT(view->weights[t]));
			sql_search_in(sql, req, view, t, "", "c.id", patterns[t], sizeof(patterns[t]));
			sql_add(sql, ")");
		} else if (view->plan == PLAN_WALK && !view->common[t])
			sql_search_in(sql, req, view, t, " AND", "c.id", patterns[t], sizeof(patterns[t]));
		else if (view->plan == PLAN_SORTED && t > 0 && !view->common[t])
			sql_search_in(sql, req, view, t, " AND", "s0.customer_id", patterns[t],
			    sizeof(patterns[t]));
		else if (view->common[t]) {
			/* in a quarter of the shop or more: found on the rows read */
			patterns[t][0] = '%';
			text_like_prefix(view->token[t], patterns[t] + 1, sizeof(patterns[t]) - 1);
			sql_param(sql, " AND (c.first_name LIKE ?", DB_TEXT(patterns[t]));
			sql_param(sql, " OR c.last_name LIKE ?", DB_TEXT(patterns[t]));
			sql_param(sql, " OR c.email LIKE ?", DB_TEXT(patterns[t]));
			sql_param(sql, " OR c.phone_digits LIKE ?", DB_TEXT(patterns[t]));
			/* phone_digits holds a number as typed: "06…" is also
			 * looked for as "33…" and the other way round */
			others[t][0] = '%';
			if (search_phone_other_form(view->token[t], others[t] + 1, sizeof(others[t]) - 2)) {
				strcat(others[t], "%");
				sql_param(sql, " OR c.phone_digits LIKE ?", DB_TEXT(others[t]));
			}
			sql_add(sql, ")");
		}
	}
}

/* " ORDER BY …" in the direction rows are read. */
static void
sql_order(struct list_sql *sql, struct list_view *view, int reading_down, int finding)
{
	int k;

	sql_add(sql, " ORDER BY ");
	for (k = 0; k < sorts[view->sort].keys; k++) {
		if (k)
			sql_add(sql, ", ");
		sql_add(sql, sort_column(view, k, finding));
		if (reading_down)
			sql_add(sql, " DESC");
	}
}

/* The rows column of an EXPLAIN of one table: the server's estimate. */
static long long
explain_rows(struct request *req, enum customers_sql which, struct db_param *params, size_t n)
{
	struct db_query *query = &customers_sql[which];
	long long rows = -1;
	unsigned int col;

	if (db_exec(&req->app->db, query, params, n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		for (col = 0; col < query->columns; col++)
			if (strcmp(query->names[col], "rows") == 0)
				rows = db_int(query, col);
	db_done(query);
	return rows;
}

/* Whether the page can be read from the rarest word's entries in name
 * order (PLAN_SORTED): sorted by name, with a word looked up. It reads
 * every entry of the word but only the rows it shows (and those the
 * filters leave out), so it always beats reading and sorting every match. */
static int
sorted_possible(const struct list_view *view)
{
	return view->sort == SORT_NAME && view->tokens > 0 && !view->common[0] && !view->initial[0];
}

/* Whether the rarest word is mostly a surname whose customers lie far
 * ahead along the name order ("vincent" near the end of the alphabet): a
 * walk would cross many customers to reach them, while sorting the word's
 * entries finds them at once. Going the other way, or from a page link
 * inside them, the walk finds them at once. 1, 0, or -1 on error. */
static int
surname_ahead(struct request *req, const struct list_view *view)
{
	/* past every name_key, in hex */
	static char end[2 * (SEARCH_NAME_KEY_MAX + 1) + 1];
	int reading_down = view->descending != view->backwards;
	const char *from = view->cursor ? view->cursor_value[0] : reading_down ? end : "";
	struct db_param params[3] = { DB_INT(req->shop.id), DB_TEXT(view->token[0]),
		DB_TEXT(view->token[0]) };
	long long surname, crossed;

	if (end[0] == '\0')
		memset(end, 'F', sizeof(end) - 1);
	surname = explain_rows(req, SQL_NAME_PREFIX_ESTIMATE, params, 3);
	if (surname < 0 || surname * 4 < view->estimate[0])
		return surname < 0 ? -1 : 0;
	if (reading_down)
		params[2] = DB_TEXT(from);
	else
		params[1] = DB_TEXT(from);
	crossed = explain_rows(req, reading_down ? SQL_NAME_AFTER_ESTIMATE : SQL_NAME_BEFORE_ESTIMATE,
	    params, 3);
	if (crossed < 0)
		return -1;
	return crossed >= hdf_get_int_value(req->app->config, "Limits.SearchWalk",
	    WALK_EXAMINED_MAX) / 4;
}

/* For a page sorted by name that starts from a page link: notes the
 * weights of each word looked up that the link's last or first name starts
 * with (view->weights). Returns how many, or -1. */
static int
words_named(struct request *req, struct list_view *view)
{
	const char *key = view->cursor_value[0], *first = "";
	size_t i, length = strlen(key);
	int t, named = 0;

	/* weights are 4 hex digits; 0000 ends the last name */
	for (i = 0; i + 4 <= length; i += 4)
		if (strncmp(key + i, "0000", 4) == 0) {
			first = key + i + 4;
			break;
		}
	for (t = 0; t < view->tokens; t++) {
		struct db_query *query = &customers_sql[SQL_WEIGHTS];
		struct db_param word = DB_TEXT(view->token[t]);
		const char *weights;

		view->weights[t][0] = '\0';
		if (view->common[t] || view->initial[t])
			continue;
		if (db_exec(&req->app->db, query, &word, 1) < 0)
			return -1;
		weights = db_fetch(query) == 1 ? db_text(query, 0) : NULL;
		if (weights != NULL && *weights != '\0' && strlen(weights) < sizeof(view->weights[t]) &&
		    (strncmp(key, weights, strlen(weights)) == 0 ||
		    strncmp(first, weights, strlen(weights)) == 0)) {
			snprintf(view->weights[t], sizeof(view->weights[t]), "%s", weights);
			named++;
		}
		db_done(query);
	}
	return named;
}

/* Chooses how to find a search's matches (see the top of this section):
 * the words looked up go rarest first. A page wants them in the list's
 * order; a bulk action wants them all, once each. Returns 0 or -1. */
static int
list_plan(struct request *req, struct list_view *view, int page)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_NULL };
	char pattern[SEARCH_TERM_MAX * 2 + 4];
	double shop, matching;
	int t, u, looked_up = 0;

	view->plan = PLAN_FILTERS;
	if (view->tokens == 0)
		return 0;
	shop = (double)explain_rows(req, SQL_SHOP_ESTIMATE, params, 1);
	if (shop < 0)
		return -1;
	if (shop < 1)
		shop = 1;
	matching = shop;
	for (t = 0; t < view->tokens; t++) {
		if (view->initial[t]) {
			/* checked on the rows, after the words */
			view->estimate[t] = LLONG_MAX;
			continue;
		}
		text_like_prefix(view->token[t], pattern, sizeof(pattern));
		params[1] = DB_TEXT(pattern);
		view->estimate[t] = explain_rows(req, SQL_SEARCH_ESTIMATE, params, 2);
		if (view->estimate[t] < 0)
			return -1;
		view->common[t] = (double)view->estimate[t] > shop / 4;
		looked_up += !view->common[t];
		matching *= (double)view->estimate[t] < shop ? (double)view->estimate[t] / shop : 1;
	}
	for (t = 1; t < view->tokens; t++)
		for (u = t; u > 0 && view->estimate[u] < view->estimate[u - 1]; u--) {
			char word[SEARCH_TERM_MAX + 1];
			long long estimate = view->estimate[u];
			int common = view->common[u], initial = view->initial[u];

			memcpy(word, view->token[u], sizeof(word));
			memcpy(view->token[u], view->token[u - 1], sizeof(word));
			memcpy(view->token[u - 1], word, sizeof(word));
			view->estimate[u] = view->estimate[u - 1];
			view->estimate[u - 1] = estimate;
			view->common[u] = view->common[u - 1];
			view->common[u - 1] = common;
			view->initial[u] = view->initial[u - 1];
			view->initial[u - 1] = initial;
		}
	view->plan = looked_up > 0 &&
	    matching <= hdf_get_int_value(req->app->config, "Limits.SearchCandidates", CANDIDATES_MAX)
	    ? PLAN_CANDIDATES : PLAN_WALK;
	if (page && view->plan != PLAN_FILTERS && view->sort == SORT_NAME && view->cursor) {
		int named = words_named(req, view);

		if (named < 0)
			return -1;
		/* "elodie martin", page 5, among the Martins: walking on
		 * finds the page at once; intersecting reads both words */
		if (named > 0)
			view->plan = PLAN_WALK;
	}
	/* from a link among the word's names the walk is there already */
	if (page && view->plan == PLAN_WALK && sorted_possible(view) &&
	    view->weights[0][0] == '\0') {
		int ahead = surname_ahead(req, view);

		if (ahead < 0)
			return -1;
		if (ahead)
			view->plan = PLAN_SORTED;
	}
	return 0;
}

/* Whether the page's statement counts the matches: when the plan expected
 * few and reads them all anyway. */
static int
counted(const struct list_view *view)
{
	return view->plan == PLAN_CANDIDATES && !view->gave_up;
}

/* A walk that may give up: when a word is looked up, the page can be read
 * from its matches instead. */
static int
walk_bounded(struct list_view *view)
{
	return view->plan == PLAN_WALK && view->tokens > 0 && !view->common[0] && !view->initial[0];
}

/* Notes the rows of a page's result that are not the customer of the row
 * before. Returns how many. */
static int
distinct_rows(struct list_view *view, struct db_query *query)
{
	unsigned long long rows = db_row_count(query), r;
	long long previous = 0;

	view->distinct = 0;
	for (r = 0; r < rows && (size_t)view->distinct < sizeof(view->row) / sizeof(view->row[0]); r++) {
		db_seek(query, r);
		if (db_fetch(query) != 1)
			break;
		if (db_int(query, 0) != previous)
			view->row[view->distinct++] = r;
		previous = db_int(query, 0);
	}
	return view->distinct;
}

/* Runs the page's statement (size + 1 customers, in the order they are
 * read) and notes its rows (distinct_rows). */
static struct db_query *
list_page_query(struct request *req, struct list_view *view)
{
	static struct list_sql sql;
	int reading_down = view->descending != view->backwards;
	/* room for up to four terms each of the customers shown (Jean-Marc
	 * Jeannot, jeanmarc.jeannot@…: "jean" has three) */
	int limit = view->plan == PLAN_SORTED ? 4 * (view->size + 1) : view->size + 1;
	struct db_query *query;
	long long rows;

	memset(&sql, 0, sizeof(sql));
	/* a search's few matches are all read to be sorted: counting them
	 * there costs nothing more */
	sql_add(&sql, "SELECT " LIST_COLUMNS ", page.matching FROM (SELECT c.id");
	sql_add(&sql, counted(view) && !view->cursor ? ", COUNT(*) OVER () AS matching"
	    : ", NULL AS matching");
	sql_filters(&sql, req, view, 1);
	if (view->cursor)
		sql_keyset(&sql, view, reading_down);
	sql_order(&sql, view, reading_down, 1);
	/* the page's ids first, then their rows: never the other way round */
	sql_param(&sql, " LIMIT ?) page STRAIGHT_JOIN customer c ON c.id = page.id", DB_INT(limit));
	sql_order(&sql, view, reading_down, 0);
	if (walk_bounded(view))
		sql_param(&sql, " LIMIT 1000 ROWS EXAMINED ?", DB_INT(hdf_get_int_value(req->app->config,
		    "Limits.SearchWalk", WALK_EXAMINED_MAX)));
	if (sql.overflow || (query = db_cached(&req->app->db, sql.text)) == NULL)
		return NULL;
	rows = db_exec(&req->app->db, query, sql.params, sql.n);
	if (walk_bounded(view) && (rows == DB_SORT_ABORTED || (rows >= 0 && db_warnings(&req->app->db) > 0))) {
		/* the walk gave up (while walking: a warning; while sorting the
		 * page it found: an error): read the page from the matches */
		db_done(query);
		view->plan = sorted_possible(view) ? PLAN_SORTED : PLAN_CANDIDATES;
		view->gave_up = 1;
		return list_page_query(req, view);
	}
	if (rows < 0)
		return NULL;
	if (distinct_rows(view, query) <= view->size && db_row_count(query) == (unsigned long long)limit) {
		/* more than size repeated terms: whether more customers
		 * follow is unknown; read the page from the distinct matches */
		db_done(query);
		view->plan = PLAN_CANDIDATES;
		view->gave_up = 1;
		return list_page_query(req, view);
	}
	return query;
}

/* How many customers match, up to COUNT_CAP + 1. -1 on error. */
static long long
list_count(struct request *req, struct list_view *view)
{
	static struct list_sql sql;
	struct db_query *query;
	long long count = -1;

	memset(&sql, 0, sizeof(sql));
	sql_add(&sql, "SELECT COUNT(*) FROM (SELECT 1");
	sql_filters(&sql, req, view, 0);
	sql_param(&sql, " LIMIT ?) matching", DB_INT(COUNT_CAP + 1));
	if (sql.overflow || (query = db_cached(&req->app->db, sql.text)) == NULL ||
	    db_exec(&req->app->db, query, sql.params, sql.n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		count = db_int(query, 0);
	db_done(query);
	return count;
}

/* The filters as a query string (values URL-escaped) for the pager and the
 * sort links, and each value back under Page.Filter.* for the form. */
static void
list_view_links(struct request *req, struct list_view *view)
{
	const char *const *name;
	size_t used = 0;
	char key[64];

	view->query[0] = '\0';
	for (name = filter_names; *name != NULL; name++) {
		const char *value = request_field(req, *name);
		char *escaped = NULL;
		int written;

		if (value == NULL || *value == '\0' || cgi_url_escape(value, &escaped) != STATUS_OK)
			continue;
		written = snprintf(view->query + used, sizeof(view->query) - used, "%s=%s&", *name, escaped);
		free(escaped);
		if (written > 0 && used + (size_t)written < sizeof(view->query))
			used += (size_t)written;
		else
			view->query[used] = '\0';
		snprintf(key, sizeof(key), "Page.Filter.%s", *name);
		hdf_set_value(req->hdf, key, value);
	}
	hdf_set_value(req->hdf, "Page.Filters", view->query);
	hdf_set_value(req->hdf, "Page.Sort", sorts[view->sort].name);
	hdf_set_value(req->hdf, "Page.Dir", dir_choices[view->descending]);
	hdf_set_int_value(req->hdf, "Page.Size", view->size);
	hdf_set_value(req->hdf, "Page.Filter.status", status_choices[view->status]);
}

/* The filters as links and form values, without sort or paging (the bulk
 * pages send them back to the list). */
static void
list_view_links_only(struct request *req)
{
	struct list_view view;

	if (list_view_read(req, &view) == NULL)
		list_view_links(req, &view);
}

/* The ticked ids again under Page.Ids.N, for the confirmation form. */
static void
bulk_keep_ids(struct request *req)
{
	long long ids[200];
	size_t count = request_field_ids(req, "id", ids, 200), i;
	char name[32];

	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "Page.Ids.%zu", i);
		hdf_set_int_value(req->hdf, name, (int)ids[i]);
	}
}

/* Copies the current row of query into Customers.N, with money and dates
 * written the shop's way. */
static void
row_to_page(struct request *req, struct db_query *query, int n)
{
	HDF *row;
	char name[32], text[64];

	snprintf(name, sizeof(name), "Customers.%d", n);
	if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
		return;
	hdf_set_value(row, "id", db_text(query, 0));
	hdf_set_value(row, "first_name", db_text(query, 1));
	hdf_set_value(row, "last_name", db_text(query, 2));
	hdf_set_value(row, "email", db_text(query, 3));
	hdf_set_value(row, "phone", db_text(query, 4));
	hdf_set_value(row, "status", db_text(query, 5));
	format_local_date(db_text(query, 6), req->shop.time_zone, req->shop.lang, text, sizeof(text));
	hdf_set_value(row, "created", text);
	hdf_set_value(row, "orders", db_text(query, 7));
	format_money(db_int(query, 8), req->shop.currency, req->shop.lang, text, sizeof(text));
	hdf_set_value(row, "spent", text);
	format_local_date(db_text(query, 9), req->shop.time_zone, req->shop.lang, text, sizeof(text));
	hdf_set_value(row, "last_order", text);
}

/* Shows up to size rows of the page's result in the list's order (a page
 * read backwards is turned round) and sets the links to the pages around
 * it. Returns the number of rows shown. */
static int
rows_to_page(struct request *req, struct list_view *view, struct db_query *query)
{
	int more = view->distinct > view->size;
	int shown = more ? view->size : view->distinct, i;
	char cursor[CURSOR_LINK_MAX + 1];

	for (i = 0; i < shown; i++) {
		db_seek(query, view->row[view->backwards ? shown - 1 - i : i]);
		if (db_fetch(query) != 1)
			break;
		row_to_page(req, query, i);
		if (i == 0) {
			cursor_write(view, query, cursor, sizeof(cursor));
			hdf_set_value(req->hdf, "Page.BeforeCursor", cursor);
		}
		if (i == shown - 1) {
			cursor_write(view, query, cursor, sizeof(cursor));
			hdf_set_value(req->hdf, "Page.AfterCursor", cursor);
		}
	}
	if (shown > 0 && db_text(query, LIST_MATCHING) != NULL)
		view->matching = db_int(query, LIST_MATCHING);
	db_done(query);
	/* back at the start: this is page 1 whatever the link said */
	if (view->backwards && !more)
		view->page = 1;
	if (view->page > 1 && shown > 0)
		hdf_set_int_value(req->hdf, "Page.Previous", (int)view->page - 1);
	if ((view->backwards && shown > 0) || (!view->backwards && more))
		hdf_set_int_value(req->hdf, "Page.Next", (int)view->page + 1);
	return shown;
}

/* Runs a statement that returns one number. -1 on error. */
static long long
single_number(struct request *req, enum customers_sql which, struct db_param *params, size_t n)
{
	struct db_query *query = &customers_sql[which];
	long long value = -1;

	if (db_exec(&req->app->db, query, params, n) < 0)
		return -1;
	if (db_fetch(query) == 1)
		value = db_int(query, 0);
	db_done(query);
	return value;
}

/* Where the page is: "51–100", and of how many when that is known
 * ("sur 948", "sur plus de 1 000"), with the numbers written the shop's
 * way. A known total goes on in the page links (total=). */
static void
list_position(struct request *req, struct list_view *view, int shown, long long matching)
{
	long long first = (view->page - 1) * view->size + 1;
	char text[48];

	format_count(first, req->shop.lang, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.Position.First", text);
	format_count(first + shown - 1, req->shop.lang, text, sizeof(text));
	hdf_set_value(req->hdf, "Page.Position.Last", text);
	if ((matching >= 0 && matching <= COUNT_CAP) || (matching > COUNT_CAP &&
	    (view->plan == PLAN_FILTERS || counted(view) || request_field(req, "total") != NULL))) {
		format_count(matching > COUNT_CAP ? COUNT_CAP : matching, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Page.Position.Total", text);
		if (matching > COUNT_CAP)
			hdf_set_value(req->hdf, "Page.Position.MoreThan", "1");
		hdf_set_int_value(req->hdf, "Page.Total",
		    (int)(matching > COUNT_CAP ? COUNT_CAP + 1 : matching));
	} else if (matching > COUNT_CAP) {
		/* a search's walk: more than this page, how many is unknown */
		format_count(view->size, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Page.Position.Total", text);
		hdf_set_value(req->hdf, "Page.Position.MoreThan", "1");
	}
}

/* This page's own address, URL-escaped, for the customers' links
 * (back=): their page's "all customers" comes back here. */
static void
list_self_link(struct request *req, struct list_view *view)
{
	static const char *const paging[] = { "after", "before", "page", "total", NULL };
	char self[BACK_MAX + 1];
	char *escaped = NULL;
	size_t used;
	int i;

	used = (size_t)snprintf(self, sizeof(self), "/admin/customers?%ssort=%s&dir=%s&size=%d",
	    view->query, sorts[view->sort].name, dir_choices[view->descending], view->size);
	for (i = 0; paging[i] != NULL && used < sizeof(self); i++) {
		const char *value = request_field(req, paging[i]);

		if (value != NULL && *value != '\0')
			used += (size_t)snprintf(self + used, sizeof(self) - used, "&%s=%s", paging[i],
			    value);
	}
	if (used >= sizeof(self) || cgi_url_escape(self, &escaped) != STATUS_OK)
		return;
	hdf_set_value(req->hdf, "Page.BackLink", escaped);
	free(escaped);
}

static void
customers_list(struct request *req)
{
	struct list_view view;
	struct db_param shop = DB_INT(req->shop.id);
	struct db_query *query;
	const char *problem = list_view_read(req, &view);
	long long matching = -2, failed;
	int shown;

	if (problem != NULL && strcmp(problem, "Error.Field.SearchShort") == 0) {
		/* said above the search box, where it can be typed again */
		hdf_set_value(req->hdf, "Page.Message", request_text(req, problem));
		hdf_set_value(req->hdf, "Page.Query", request_field(req, "q"));
		list_view_links(req, &view);
		page_render(req, 400, "customers/list.cs");
		return;
	}
	if (problem != NULL) {
		page_error(req, 400, problem);
		return;
	}
	if (list_plan(req, &view, 1) != 0 || (query = list_page_query(req, &view)) == NULL) {
		page_error(req, 500, NULL);
		return;
	}
	shown = rows_to_page(req, &view, query);
	/* the count is said on the first page; the many matches of a walk,
	 * of one word's terms or of a walk that gave up are not counted (that
	 * would read them all): "more than a page" */
	if (view.page == 1 && !view.cursor) {
		if (shown < view.size)
			matching = shown;
		else if (view.matching >= 0)
			matching = view.matching;
		else if (view.plan == PLAN_FILTERS)
			matching = list_count(req, &view);
		else
			matching = COUNT_CAP + 1;
	}
	/* later pages say the count page 1 found, carried by the page links */
	if (matching == -2 && request_field(req, "total") != NULL)
		matching = request_field_int(req, "total", -2);
	failed = single_number(req, SQL_FAILED_MAILS, &shop, 1);
	if (matching == -1 || failed < 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (failed > 0)
		hdf_set_int_value(req->hdf, "Page.FailedMails", (int)failed);
	list_view_links(req, &view);
	if (request_field(req, "q") != NULL)
		hdf_set_value(req->hdf, "Page.Query", request_field(req, "q"));
	hdf_set_int_value(req->hdf, "Page.Number", (int)view.page);
	hdf_set_int_value(req->hdf, "Page.Shown", shown);
	list_position(req, &view, shown, matching);
	list_self_link(req, &view);
	page_render(req, 200, "customers/list.cs");
}

static void
customers_home(struct request *req)
{
	page_redirect(req, "/admin/customers");
}

/* --- new customer ----------------------------------------------------------- */

static const struct field new_fields[] = {
	{ "email", FIELD_EMAIL, 1, 254, 0, 0 },
	{ "first_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "last_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "phone", FIELD_PHONE, 0, 32, 0, 0 },
	{ "country", FIELD_COUNTRY, 0, 0, 0, 0 },
	{ "language", FIELD_LANG, 0, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The form, empty or with what was typed and what is wrong with it. */
static void
customers_new_form(struct request *req)
{
	const struct field *field;
	char name[64];

	for (field = new_fields; field->name != NULL; field++) {
		const char *value = request_field(req, field->name);

		snprintf(name, sizeof(name), "Page.Form.%s", field->name);
		if (value != NULL)
			hdf_set_value(req->hdf, name, value);
	}
	if (request_field(req, "language") == NULL)
		hdf_set_value(req->hdf, "Page.Form.language", lang_codes[req->shop.lang]);
	/* a French shop's customers live in France, mostly */
	if (strcmp(req->method, "GET") == 0 && req->shop.lang == LANG_FR)
		hdf_set_value(req->hdf, "Page.Form.country", "FR");
	page_render(req, req->status, "customers/new.cs");
}

static void
customers_new_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_new_form(req);
}

/* The phone's digits, for search ("+33 6 12" -> "33612"). */
static void
phone_digits(const char *phone, char *out, size_t size)
{
	size_t o = 0;

	for (; phone != NULL && *phone && o + 1 < size; phone++)
		if (*phone >= '0' && *phone <= '9')
			out[o++] = *phone;
	out[o] = '\0';
}

/* Creates an invited customer and queues the welcome mail, together. */
static void
customers_create(struct request *req)
{
	struct db_query *insert = &customers_sql[SQL_INSERT];
	const char *email = request_field(req, "email");
	const char *phone = request_field(req, "phone");
	char digits[33], link_base[300], path[64];
	long long rows, customer_id;
	struct mail mail = { "customer-welcome", email, 0, 0 };

	phone_digits(phone, digits, sizeof(digits));
	{
		struct db_param params[8] = {
			DB_INT(req->shop.id), DB_TEXT(email),
			DB_TEXT(request_field(req, "first_name") ? request_field(req, "first_name") : ""),
			DB_TEXT(request_field(req, "last_name") ? request_field(req, "last_name") : ""),
			DB_TEXT(phone ? phone : ""), DB_TEXT(digits),
			DB_TEXT(request_field(req, "country")), DB_TEXT(request_field(req, "language"))
		};

		if (shop_link_base(req, link_base, sizeof(link_base)) != 0 || db_begin(&req->app->db) != 0) {
			page_error(req, 500, NULL);
			return;
		}
		rows = db_exec(&req->app->db, insert, params, 8);
	}
	if (rows == DB_DUPLICATE) {
		/* the unique key on (shop, normalised e-mail) decides, race-free */
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_new_invalid(req);
		return;
	}
	customer_id = rows == 1 ? (long long)db_insert_id(insert) : 0;
	mail.customer_id = customer_id;
	hdf_set_valuef(req->hdf, "Mail.Link=%s/account/login", link_base);
	if (customer_id == 0 ||
	    search_add(&req->app->db, req->shop.id, customer_id, request_field(req, "first_name"),
	    request_field(req, "last_name"), email, digits) != 0 ||
	    request_event(req, customer_id, req->session.admin_id, "customer.created", NULL) != 0 ||
	    mail_queue_in(req, &mail, request_field(req, "language")) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	page_notice(req, "customer_created");
	page_redirect(req, path);
}

/* --- one customer ------------------------------------------------------------ */

/* The list address the admin came from (back=), when it is one: a path
 * under /admin/customers with a plain query string. NULL otherwise. */
static const char *
back_link(struct request *req)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%&=+?/";
	const char *back = request_field(req, "back");

	if (back == NULL || strncmp(back, "/admin/customers", 16) != 0 ||
	    (back[16] != '\0' && back[16] != '?') || strspn(back, safe) != strlen(back))
		return NULL;
	return back;
}

/* The customer's page, keeping back=, into out. */
static void
customer_path(struct request *req, long long customer_id, char *out, size_t size)
{
	const char *back = back_link(req);
	char *escaped = NULL;

	if (back != NULL && cgi_url_escape(back, &escaped) == STATUS_OK &&
	    strlen(escaped) + 64 < size)
		snprintf(out, size, "/admin/customers/%lld?back=%s", customer_id, escaped);
	else
		snprintf(out, size, "/admin/customers/%lld", customer_id);
	free(escaped);
}

/* The way back to the list under Page.Back (the address) and
 * Page.BackParam (the same URL-escaped, for links that carry it on). */
static void
back_to_page(struct request *req)
{
	const char *back = back_link(req);
	char *escaped = NULL;

	if (back == NULL)
		return;
	hdf_set_value(req->hdf, "Page.Back", back);
	if (cgi_url_escape(back, &escaped) == STATUS_OK)
		hdf_set_value(req->hdf, "Page.BackParam", escaped);
	free(escaped);
}

/* scheme + value for a link (mailto:, tel:): in a tel: link only the
 * digits and a leading +; in others the bytes outside keep are
 * percent-encoded. */
static void
contact_uri(const char *scheme, const char *value, const char *keep, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(out, size, "%s", scheme);
	int tel = strcmp(scheme, "tel:") == 0;
	const char *p;

	for (p = value; *p != '\0' && o + 4 < size; p++) {
		unsigned char c = (unsigned char)*p;

		if (tel) {
			if ((c >= '0' && c <= '9') || (c == '+' && o == strlen(scheme)))
				out[o++] = (char)c;
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    strchr(keep, c) != NULL) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* Runs a per-customer list query (limit rows from offset) and copies its
 * rows under prefix, with the columns named in dates formatted as dates
 * and in money as amounts. */
static int
customer_rows(struct request *req, enum customers_sql which, long long customer_id,
    long long limit, long long offset, const char *prefix, const char *const *dates,
    const char *money)
{
	struct db_query *query = &customers_sql[which];
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(customer_id), DB_INT(limit),
		DB_INT(offset) };
	char name[64], text[64];
	HDF *row;
	int count = 0;
	unsigned int col;

	if (db_exec(&req->app->db, query, params, 4) < 0)
		return -1;
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "%s.%d", prefix, count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		for (col = 0; col < query->columns; col++) {
			const char *value = db_text(query, col);
			const char *const *date;
			int is_date = 0;

			for (date = dates; date && *date; date++)
				is_date |= strcmp(*date, query->names[col]) == 0;
			if (value == NULL)
				continue;
			if (is_date) {
				format_local_when(value, req->shop.time_zone, req->shop.lang, text,
				    sizeof(text));
				value = text;
			} else if (money && strcmp(money, query->names[col]) == 0) {
				format_money(strtoll(value, NULL, 10), req->shop.currency, req->shop.lang,
				    text, sizeof(text));
				value = text;
			}
			hdf_set_value(row, query->names[col], value);
		}
	}
	db_done(query);
	return count;
}

/* The customer's name as the page title says it ("André, Amélie", or the
 * address when there is no name), and their mailto: and tel: links. */
static void
customer_links(struct request *req, const char *email, const char *phone, const char *first,
    const char *last)
{
	char text[1024];

	if (last != NULL && *last != '\0')
		snprintf(text, sizeof(text), "%s%s%s", last, first != NULL && *first ? ", " : "",
		    first != NULL ? first : "");
	else
		snprintf(text, sizeof(text), "%s", first != NULL && *first ? first : email ? email : "");
	hdf_set_value(req->hdf, "Customer.display_name", text);
	if (email != NULL && *email != '\0') {
		contact_uri("mailto:", email, "@.-_+", text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.mailto", text);
	}
	if (phone != NULL && *phone != '\0') {
		contact_uri("tel:", phone, "", text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.tel", text);
	}
}

static const char *const order_dates[] = { "ordered_at", NULL };
static const char *const event_dates[] = { "created_at", NULL };
static const char *const mail_dates[] = { "created_at", "sent_at", NULL };
static const char *const note_dates[] = { "created_at", "updated_at", NULL };

/* The parts of a customer's page that list rows. Each shows its newest
 * few and says how many there are; "?all=<name>" shows one part whole,
 * SECTION_PAGE rows a page ("&page=2"). */
enum section { SECTION_ORDERS, SECTION_EVENTS, SECTION_MAILS, SECTION_NOTES, SECTION__MAX };

#define SECTION_PAGE 200

static const struct {
	const char *name;	/* in ?all= and Page.Counts */
	enum customers_sql sql;
	const char *hdf;	/* where its rows go */
	int shown;		/* rows on the customer's page */
	const char *const *dates;
	const char *money;
} sections[SECTION__MAX] = {
	/* SECTION_ORDERS */ { "orders", SQL_RECENT_ORDERS, "Orders", 10, order_dates, "total_cents" },
	/* SECTION_EVENTS */ { "events", SQL_TIMELINE, "Timeline", 50, event_dates, NULL },
	/* SECTION_MAILS */ { "mails", SQL_MAILS, "Mails", 20, mail_dates, NULL },
	/* SECTION_NOTES */ { "notes", SQL_NOTES, "Notes", 100, note_dates, NULL },
};

static const struct field show_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "all", FIELD_TEXT, 0, 10, 0, 0 },
	{ "page", FIELD_INT, 0, 10, 1, 100000 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* Fills every part of the customer's page, one of them whole when asked
 * (request_field "all", "page"). Returns 0, 1 when "all" names no part
 * (answered with a 400), or -1. */
static int
customer_sections(struct request *req)
{
	struct db_query *counts = &customers_sql[SQL_SECTION_COUNTS];
	struct db_param params[2 * SECTION__MAX];
	const char *all = request_field(req, "all");
	long long count[SECTION__MAX], page = request_field_int(req, "page", 1);
	char name[64];
	int s, whole = -1;

	for (s = 0; all != NULL && *all != '\0' && s < SECTION__MAX; s++)
		if (strcmp(all, sections[s].name) == 0)
			whole = s;
	if (all != NULL && *all != '\0' && whole < 0) {
		page_error(req, 400, "Error.Field.Choice");
		return 1;
	}
	for (s = 0; s < SECTION__MAX; s++) {
		params[2 * s] = DB_INT(req->shop.id);
		params[2 * s + 1] = DB_INT(req->path_id);
	}
	if (db_exec(&req->app->db, counts, params, 2 * SECTION__MAX) < 0)
		return -1;
	if (db_fetch(counts) != 1) {
		db_done(counts);
		return -1;
	}
	for (s = 0; s < SECTION__MAX; s++) {
		count[s] = db_int(counts, (unsigned int)s);
		snprintf(name, sizeof(name), "Page.Counts.%s", sections[s].name);
		hdf_set_int_value(req->hdf, name, (int)count[s]);
	}
	db_done(counts);
	for (s = 0; s < SECTION__MAX; s++) {
		long long limit = s == whole ? SECTION_PAGE : sections[s].shown;
		long long offset = s == whole ? (page - 1) * SECTION_PAGE : 0;

		if (customer_rows(req, sections[s].sql, req->path_id, limit, offset, sections[s].hdf,
		    sections[s].dates, sections[s].money) < 0)
			return -1;
	}
	if (whole >= 0) {
		hdf_set_value(req->hdf, "Page.All", sections[whole].name);
		hdf_set_int_value(req->hdf, "Page.AllPage", (int)page);
		if (page > 1)
			hdf_set_int_value(req->hdf, "Page.AllPrevious", (int)page - 1);
		if (count[whole] > page * SECTION_PAGE)
			hdf_set_int_value(req->hdf, "Page.AllNext", (int)page + 1);
	}
	return 0;
}

/* A random one-time key (hex) for each form of the page that must not
 * do its work twice (form_once). */
static int
once_keys(struct request *req)
{
	static const char *const forms[] = { "Page.Once.message", "Page.Once.note" };
	unsigned char key[32];
	char hex[2 * sizeof(key) + 1];
	size_t f;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (crypto_random(key, sizeof(key)) != 0)
			return -1;
		crypto_hex(key, sizeof(key), hex);
		hdf_set_value(req->hdf, forms[f], hex);
	}
	return 0;
}

static void
customers_show(struct request *req)
{
	static const char *const detail_columns[] = { "id", "email", "first_name", "last_name",
		"phone", "country", "language", "status", "status_reason", "source", "tax_exempt",
		"order_count" };
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	char text[64], name[64];
	size_t i;
	int found, sections_status;

	if (db_exec(&req->app->db, detail, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(detail);
	if (found == 1) {
		for (i = 0; i < sizeof(detail_columns) / sizeof(detail_columns[0]); i++) {
			snprintf(name, sizeof(name), "Customer.%s", detail_columns[i]);
			if (db_text(detail, (unsigned int)i) != NULL)
				hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)i));
		}
		format_money(db_int(detail, 12), req->shop.currency, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.spent", text);
		format_money(db_int(detail, 16), req->shop.currency, req->shop.lang, text, sizeof(text));
		hdf_set_value(req->hdf, "Customer.average", text);
		format_local_date(db_text(detail, 13), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_order", text);
		format_local_date(db_text(detail, 14), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.created", text);
		format_local_when(db_text(detail, 15), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Customer.last_sign_in", text);
		customer_links(req, db_text(detail, 1), db_text(detail, 4), db_text(detail, 2),
		    db_text(detail, 3));
	}
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	sections_status = customer_sections(req);
	if (sections_status == 1)
		return;
	if (sections_status < 0 || once_keys(req) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	back_to_page(req);
	page_render(req, req->status, "customers/detail.cs");
}

/* --- changing a customer ------------------------------------------------------ */

struct current {
	char email[256];
	char status[16];
	int has_signed_in;
	char first_name[404], last_name[404], phone_digits[40];
	char language[3];	/* "" when not set: mails use the shop's */
};

/* Starts a transaction and locks the customer of the path. Returns 1 when
 * found, 0 when not (answered with a 404), -1 on error (answered). */
static int
lock_customer(struct request *req, struct current *current)
{
	struct db_query *query = &customers_sql[SQL_CURRENT];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	int found;

	if (db_begin(&req->app->db) != 0 || db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	found = db_fetch(query);
	if (found == 1) {
		snprintf(current->email, sizeof(current->email), "%s", db_text(query, 0));
		snprintf(current->status, sizeof(current->status), "%s", db_text(query, 1));
		current->has_signed_in = db_int(query, 2) != 0;
		snprintf(current->first_name, sizeof(current->first_name), "%s", db_text(query, 3));
		snprintf(current->last_name, sizeof(current->last_name), "%s", db_text(query, 4));
		snprintf(current->phone_digits, sizeof(current->phone_digits), "%s", db_text(query, 5));
		snprintf(current->language, sizeof(current->language), "%s",
		    db_text(query, 6) ? db_text(query, 6) : "");
	}
	db_done(query);
	if (found != 1)
		page_error(req, found < 0 ? 500 : 404, NULL);
	return found;
}

/* Runs a statement taking (shop, customer of the path). 0 or -1. */
static int
for_customer(struct request *req, enum customers_sql which)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_INT(req->path_id) };

	return db_exec(&req->app->db, &customers_sql[which], params, 2) < 0 ? -1 : 0;
}

/* Says on the next page that the change is done: the notice of an event
 * is named after it (customer.note_added: Lang.Notice.customer_note_added). */
static void
notice_of_event(struct request *req, const char *event)
{
	char key[48];
	size_t i;

	snprintf(key, sizeof(key), "%s", event);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '.')
			key[i] = '_';
	page_notice(req, key);
}

/* Records the change, commits, and shows the customer again. */
static void
finish_change(struct request *req, const char *event, const char *detail)
{
	char path[3 * BACK_MAX + 64];

	if (request_event(req, req->path_id, req->session.admin_id, event, detail) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	customer_path(req, req->path_id, path, sizeof(path));
	notice_of_event(req, event);
	page_redirect(req, path);
}

/* For the pages and actions that only carry the way back to the list. */
static const struct field back_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct field edit_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "email", FIELD_EMAIL, 1, 254, 0, 0 },
	{ "first_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "last_name", FIELD_TEXT, 0, 100, 0, 0 },
	{ "phone", FIELD_PHONE, 0, 32, 0, 0 },
	{ "country", FIELD_COUNTRY, 0, 0, 0, 0 },
	{ "language", FIELD_LANG, 0, 0, 0, 0 },
	{ "tax_exempt", FIELD_INT, 0, 1, 0, 1 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* The edit form: from the database on GET, from what was typed on a
 * refused POST. */
static void
customers_edit_form(struct request *req)
{
	struct db_query *detail = &customers_sql[SQL_DETAIL];
	struct db_param params[2] = { DB_INT(req->path_id), DB_INT(req->shop.id) };
	static const char *const columns[] = { "id", "email", "first_name", "last_name", "phone",
		"country", "language" };
	const struct field *field;
	char name[64];
	size_t i;
	int found;

	if (db_exec(&req->app->db, detail, params, 2) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(detail);
	for (i = 0; found == 1 && i < sizeof(columns) / sizeof(columns[0]); i++) {
		snprintf(name, sizeof(name), "Page.Form.%s", columns[i]);
		hdf_set_value(req->hdf, name, db_text(detail, (unsigned int)i));
	}
	if (found == 1)
		hdf_set_value(req->hdf, "Page.Form.tax_exempt", db_text(detail, 10));
	db_done(detail);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	if (strcmp(req->method, "POST") == 0) {
		for (field = edit_fields; field->name != NULL; field++) {
			snprintf(name, sizeof(name), "Page.Form.%s", field->name);
			hdf_set_value(req->hdf, name, request_field(req, field->name) ?
			    request_field(req, field->name) : "");
		}
	}
	back_to_page(req);
	page_render(req, req->status, "customers/edit.cs");
}

static void
customers_edit_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.Fix"));
	customers_edit_form(req);
}

static void
customers_update(struct request *req)
{
	const char *email = request_field(req, "email");
	const char *phone = request_field(req, "phone");
	const char *first = request_field(req, "first_name");
	const char *last = request_field(req, "last_name");
	struct current current;
	char digits[33];
	long long rows;
	int email_changed;

	if (lock_customer(req, &current) != 1)
		return;
	email_changed = strcmp(current.email, email) != 0;
	phone_digits(phone, digits, sizeof(digits));
	{
		struct db_param params[10] = {
			DB_TEXT(email), DB_TEXT(first ? first : ""), DB_TEXT(last ? last : ""),
			DB_TEXT(phone ? phone : ""), DB_TEXT(digits), DB_TEXT(request_field(req, "country")),
			DB_TEXT(request_field(req, "language")),
			DB_INT(request_field_int(req, "tax_exempt", 0)),
			DB_INT(req->path_id), DB_INT(req->shop.id)
		};

		rows = db_exec(&req->app->db, &customers_sql[SQL_UPDATE], params, 10);
	}
	if (rows == DB_DUPLICATE) {
		db_rollback(&req->app->db);
		hdf_set_value(req->hdf, "Page.Errors.email", request_text(req, "Customers.Duplicate"));
		req->status = 400;
		customers_edit_invalid(req);
		return;
	}
	/* a link mailed to the old address must not sign anyone in any more */
	if (rows < 0 ||
	    search_forget(&req->app->db, req->shop.id, req->path_id, current.first_name,
	    current.last_name, current.email, current.phone_digits) != 0 ||
	    search_add(&req->app->db, req->shop.id, req->path_id, first, last, email, digits) != 0 ||
	    (email_changed && (for_customer(req, SQL_VOID_TOKENS) != 0 ||
	    request_event(req, req->path_id, req->session.admin_id, "customer.email_changed", NULL) != 0))) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.edited", NULL);
}

static const struct field block_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "reason", FIELD_TEXT, 1, 500, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* --- erasing a customer -------------------------------------------------------- */

static void
customers_delete_form(struct request *req)
{
	struct current current;

	if (lock_customer(req, &current) != 1)
		return;
	db_rollback(&req->app->db);
	hdf_set_value(req->hdf, "Page.Email", current.email);
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	back_to_page(req);
	page_render(req, 200, "customers/delete.cs");
}

/* --- forms that must not work twice ------------------------------------------------ */

/* A double click or a reload of the answer sends a form again. The forms
 * that would then send a second mail or store a second note carry a random
 * one-time key ("once", once_keys); it is written in the transaction that
 * does the work, and a second POST with it finds it there (the unique key
 * decides, even for two at once: the second waits on the customer's row,
 * then on the key) and only shows the customer again. A form without the
 * key (sent by a script) is done every time. Returns 1 to go on, 0 when the
 * form was done already (answered), -1 on error (answered). */
static int
form_once(struct request *req)
{
	const char *once = request_field(req, "once");
	unsigned char key[32];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(key, sizeof(key)) };
	char path[64];
	long long rows;

	if (once == NULL || *once == '\0')
		return 1;
	if (crypto_unhex(once, key, sizeof(key)) != 0) {
		page_error(req, 400, "Error.Field.Token");
		return -1;
	}
	rows = db_exec(&req->app->db, &customers_sql[SQL_ONCE_ADD], params, 2);
	if (rows == DB_DUPLICATE) {
		db_rollback(&req->app->db);
		snprintf(path, sizeof(path), "/admin/customers/%lld", req->path_id);
		page_redirect(req, path);
		return 0;
	}
	if (rows < 0 || db_exec(&req->app->db, &customers_sql[SQL_ONCE_PRUNE], NULL, 0) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	return 1;
}

/* --- a message to the customer --------------------------------------------------- */

static const struct field message_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "subject", FIELD_TEXT, 1, 200, 0, 0 },
	{ "text", FIELD_MULTILINE, 1, 5000, 0, 0 },
	{ "once", FIELD_TOKEN, 0, 64, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
customers_message(struct request *req)
{
	struct current current;
	struct mail mail = { "customer-message", NULL, 0, 0 };

	if (lock_customer(req, &current) != 1 || form_once(req) != 1)
		return;
	mail.recipient = current.email;
	mail.customer_id = req->path_id;
	hdf_set_value(req->hdf, "Mail.Subject", request_field(req, "subject"));
	hdf_set_value(req->hdf, "Mail.Text", request_field(req, "text"));
	if (mail_queue_in(req, &mail, current.language) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.messaged", request_field(req, "subject"));
}

static void
customers_message_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.MessageInvalid"));
	hdf_set_value(req->hdf, "Page.Form.subject", request_field(req, "subject") ?
	    request_field(req, "subject") : "");
	hdf_set_value(req->hdf, "Page.Form.text", request_field(req, "text") ?
	    request_field(req, "text") : "");
	customers_show(req);
}

static void
customers_block_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.ReasonNeeded"));
	customers_show(req);
}

/* --- internal notes ------------------------------------------------------------- */

static const struct field note_fields[] = {
	{ "back", FIELD_TEXT, 0, BACK_MAX, 0, 0 },
	{ "body", FIELD_MULTILINE, 1, 5000, 0, 0 },
	{ "once", FIELD_TOKEN, 0, 64, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static void
customers_note_invalid(struct request *req)
{
	hdf_set_value(req->hdf, "Page.Message", request_text(req, "Customers.NoteInvalid"));
	customers_show(req);
}

static void
customers_note_add(struct request *req)
{
	struct current current;
	struct db_param params[4] = { DB_INT(req->shop.id), DB_INT(req->path_id),
		DB_INT(req->session.admin_id), DB_TEXT(request_field(req, "body")) };

	if (lock_customer(req, &current) != 1 || form_once(req) != 1)
		return;
	if (db_exec(&req->app->db, &customers_sql[SQL_NOTE_ADD], params, 4) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	finish_change(req, "customer.note_added", NULL);
}

/* Edits (body given) or deletes (body NULL) note path_id2 of the customer. */
static void
change_note(struct request *req, const char *body, const char *event)
{
	struct current current;
	struct db_param params[4] = { DB_TEXT(body), DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	rows = body != NULL ? db_exec(&req->app->db, &customers_sql[SQL_NOTE_EDIT], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_NOTE_DELETE], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, event, NULL);
}

static void
customers_note_edit(struct request *req)
{
	change_note(req, request_field(req, "body"), "customer.note_edited");
}

/* Asks first: the note, and the button that deletes it. */
static void
customers_note_delete_form(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_NOTE_ONE];
	struct db_param params[3] = { DB_INT(req->path_id2), DB_INT(req->shop.id),
		DB_INT(req->path_id) };
	char text[64];
	int found;

	if (db_exec(&req->app->db, query, params, 3) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	found = db_fetch(query);
	if (found == 1) {
		hdf_set_value(req->hdf, "Page.Note.body", db_text(query, 0));
		format_local_when(db_text(query, 1), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(req->hdf, "Page.Note.created_at", text);
	}
	db_done(query);
	if (found != 1) {
		page_error(req, found < 0 ? 500 : 404, NULL);
		return;
	}
	hdf_set_int_value(req->hdf, "Page.Id", (int)req->path_id);
	hdf_set_int_value(req->hdf, "Page.NoteId", (int)req->path_id2);
	back_to_page(req);
	page_render(req, 200, "customers/note-delete.cs");
}

static void
customers_note_delete(struct request *req)
{
	change_note(req, NULL, "customer.note_deleted");
}

/* --- a failed mail ---------------------------------------------------------------- */

/* Sends mail path_id2 of the customer again (retry) or sets it aside
 * (dismiss); either way it leaves the list's banner. A mail that is not
 * the customer's, or not failed, is a 404. */
static void
change_mail(struct request *req, int retry)
{
	struct current current;
	struct db_param params[4];
	long long rows;

	if (lock_customer(req, &current) != 1)
		return;
	params[0] = DB_TEXT(current.email);
	params[1] = DB_INT(req->path_id2);
	params[2] = DB_INT(req->shop.id);
	params[3] = DB_INT(req->path_id);
	rows = retry ? db_exec(&req->app->db, &customers_sql[SQL_MAIL_RETRY], params, 4)
	    : db_exec(&req->app->db, &customers_sql[SQL_MAIL_DISMISS], params + 1, 3);
	if (rows <= 0) {
		page_error(req, rows < 0 ? 500 : 404, NULL);
		return;
	}
	finish_change(req, retry ? "mail.retried" : "mail.dismissed", NULL);
}

static void
customers_mail_retry(struct request *req)
{
	change_mail(req, 1);
}

/* The shop's failed mails, where the list's banner leads: whom, what, why,
 * each with its customer's page, and one button to send them all again
 * (after the mail server was down, say). */
static void
customers_failed_mails(struct request *req)
{
	struct db_query *query = &customers_sql[SQL_FAILED_LIST];
	struct db_param shop = DB_INT(req->shop.id);
	char name[32], text[64];
	HDF *row;
	int count = 0;

	if (db_exec(&req->app->db, query, &shop, 1) < 0) {
		page_error(req, 500, NULL);
		return;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Mails.%d", count++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "id", db_text(query, 0));
		if (db_text(query, 1) != NULL)
			hdf_set_value(row, "customer_id", db_text(query, 1));
		hdf_set_value(row, "recipient", db_text(query, 2));
		hdf_set_value(row, "subject", db_text(query, 3));
		if (db_text(query, 4) != NULL)
			hdf_set_value(row, "last_error", db_text(query, 4));
		format_local_when(db_text(query, 5), req->shop.time_zone, req->shop.lang, text,
		    sizeof(text));
		hdf_set_value(row, "created_at", text);
	}
	db_done(query);
	page_render(req, 200, "customers/mails.cs");
}

static void
customers_failed_retry_all(struct request *req)
{
	struct db_param params[2] = { DB_INT(req->session.admin_id), DB_INT(req->shop.id) };

	if (db_begin(&req->app->db) != 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_EVENTS], params, 2) < 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_FAILED_RETRY_ALL], params + 1, 1) < 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	page_redirect(req, "/admin/customers/mails");
}

static void
customers_mail_dismiss(struct request *req)
{
	change_mail(req, 0);
}

/* --- bulk actions ---------------------------------------------------------------- */

#define BULK_MAX_TICKED 200

enum bulk_action { BULK_DEACTIVATE, BULK_REACTIVATE, BULK_BLOCK, BULK_UNBLOCK, BULK_DELETE,
	BULK__MAX };

/* An action applies to the customers whose status is in from; the others
 * chosen are left as they are (reactivating never unblocks anyone, making
 * inactive never unblocks a blocked customer). */
static const struct {
	const char *name;	/* in the form */
	const char *from;	/* the statuses it applies to, for FIND_IN_SET */
	enum customers_sql change;	/* CUSTOMERS_SQL__MAX: erase */
	const char *event;
	int owner_only;
} bulk_actions[BULK__MAX] = {
	/* BULK_DEACTIVATE */ { "deactivate", "invited,active", SQL_BULK_DEACTIVATE,
	    "customer.deactivated", 0 },
	/* BULK_REACTIVATE */ { "reactivate", "inactive", SQL_BULK_REACTIVATE,
	    "customer.reactivated", 0 },
	/* BULK_BLOCK */ { "block", "invited,active,inactive,blocked", SQL_BULK_BLOCK,
	    "customer.blocked", 0 },
	/* BULK_UNBLOCK */ { "unblock", "blocked", SQL_BULK_UNBLOCK, "customer.unblocked", 0 },
	/* BULK_DELETE */ { "delete", "invited,active,inactive,blocked", CUSTOMERS_SQL__MAX,
	    "customer.erased", 1 },
};

static const struct field bulk_fields[] = {
	/* empty: the list's "choose an action" (the page works without
	 * script, so nothing is chosen for the admin) */
	{ "action", FIELD_TEXT, 0, 12, 0, 0 },
	{ "scope", FIELD_TEXT, 0, 8, 0, 0 },
	{ "id", FIELD_IDS, 0, 0, 0, BULK_MAX_TICKED },
	{ "reason", FIELD_TEXT, 0, 500, 0, 0 },
	{ "confirm", FIELD_INT, 0, 1, 1, 1 },
	/* the list's view, for "everything that matches" and the way back */
	{ "q", FIELD_TEXT, 0, 100, 0, 0 },
	{ "status", FIELD_TEXT, 0, 10, 0, 0 },
	{ "source", FIELD_TEXT, 0, 10, 0, 0 },
	{ "consent", FIELD_TEXT, 0, 10, 0, 0 },
	{ "from", FIELD_DATE, 0, 0, 0, 0 },
	{ "to", FIELD_DATE, 0, 0, 0, 0 },
	{ "orders_min", FIELD_INT, 0, 10, 0, 1000000 },
	{ "orders_max", FIELD_INT, 0, 10, 0, 1000000 },
	{ "spent_min", FIELD_INT, 0, 10, 0, 100000000 },
	{ "spent_max", FIELD_INT, 0, 10, 0, 100000000 },
	{ "last_from", FIELD_DATE, 0, 0, 0, 0 },
	{ "last_to", FIELD_DATE, 0, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* Runs a bulk statement on (shop, selection). 0 or -1. */
static int
bulk_for_shop(struct request *req, enum customers_sql which, const unsigned char *selection)
{
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };

	return db_exec(&req->app->db, &customers_sql[which], params, 2) < 0 ? -1 : 0;
}

/* Removes the search terms of the customers of the selection. 0 or -1. */
static int
bulk_forget_search(struct request *req, const unsigned char *selection)
{
	struct db_query *query = &customers_sql[SQL_BULK_SEARCH_TERMS];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };
	int status = 0;

	if (db_exec(&req->app->db, query, params, 2) < 0)
		return -1;
	while (status == 0 && db_fetch(query) == 1)
		status = search_forget(&req->app->db, req->shop.id, db_int(query, 0), db_text(query, 1),
		    db_text(query, 2), db_text(query, 3), db_text(query, 4));
	db_done(query);
	return status;
}

/* Fills the selection from the ticked rows or the filters. Returns how many
 * customers it holds, or -1 (answered). */
static long long
bulk_select(struct request *req, int everything, const unsigned char *selection)
{
	struct db *db = &req->app->db;
	struct list_view view;
	struct db_param params[3];
	long long ids[BULK_MAX_TICKED];
	size_t count, i;
	const char *problem;

	params[0] = DB_BLOB(selection, 16);
	if (everything) {
		static struct list_sql sql;
		struct db_query *query;

		problem = list_view_read(req, &view);
		if (problem != NULL) {
			page_error(req, 400, problem);
			return -1;
		}
		memset(&sql, 0, sizeof(sql));
		if (list_plan(req, &view, 0) != 0) {
			page_error(req, 500, NULL);
			return -1;
		}
		sql_param(&sql, "INSERT INTO bulk_selection SELECT ?, c.id", params[0]);
		sql_filters(&sql, req, &view, 0);
		if (sql.overflow || (query = db_cached(db, sql.text)) == NULL ||
		    db_exec(db, query, sql.params, sql.n) < 0) {
			page_error(req, 500, NULL);
			return -1;
		}
	} else {
		count = request_field_ids(req, "id", ids, BULK_MAX_TICKED);
		for (i = 0; i < count; i++) {
			params[1] = DB_INT(ids[i]);
			params[2] = DB_INT(req->shop.id);
			if (db_exec(db, &customers_sql[SQL_BULK_ADD_ID], params, 3) < 0) {
				page_error(req, 500, NULL);
				return -1;
			}
		}
	}
	return single_number(req, SQL_BULK_COUNT, params, 1);
}

/* Leaves in the selection the customers the action applies to. Returns
 * how many, or -1. */
static long long
bulk_keep_applicable(struct request *req, enum bulk_action action, const unsigned char *selection)
{
	struct db_param params[3] = { DB_BLOB(selection, 16), DB_INT(req->shop.id),
		DB_TEXT(bulk_actions[action].from) };

	if (db_exec(&req->app->db, &customers_sql[SQL_BULK_APPLICABLE], params, 3) < 0)
		return -1;
	return single_number(req, SQL_BULK_COUNT, params, 1);
}

/* Applies the action to every customer of the selection, inside the
 * caller's transaction. The timeline rows go first, while the customers
 * still match what was chosen; the selection is emptied last. 0 or -1. */
static int
bulk_apply(struct request *req, enum bulk_action action, const char *reason,
    const unsigned char *selection)
{
	struct db *db = &req->app->db;
	struct db_param params[5];

	if (action == BULK_DELETE && bulk_for_shop(req, SQL_BULK_SCRUB_EVENTS, selection) != 0)
		return -1;
	params[0] = DB_INT(req->shop.id);
	params[1] = DB_INT(req->session.admin_id);
	params[2] = DB_TEXT(bulk_actions[action].event);
	params[3] = DB_TEXT(action == BULK_BLOCK ? reason : "");
	params[4] = DB_BLOB(selection, 16);
	if (db_exec(db, &customers_sql[SQL_BULK_EVENT], params, 5) < 0)
		return -1;
	if ((action == BULK_BLOCK || action == BULK_DELETE) &&
	    (bulk_for_shop(req, SQL_BULK_END_SESSIONS, selection) != 0 ||
	    bulk_for_shop(req, SQL_BULK_VOID_TOKENS, selection) != 0))
		return -1;
	if (action == BULK_DELETE) {
		if (bulk_forget_search(req, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_DETACH_ORDERS, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_DROP_MAILS, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_DROP_NOTES, selection) != 0 ||
		    bulk_for_shop(req, SQL_BULK_ERASE, selection) != 0)
			return -1;
	} else if (action == BULK_BLOCK) {
		params[0] = DB_TEXT(reason);
		params[1] = DB_INT(req->shop.id);
		params[2] = DB_BLOB(selection, 16);
		if (db_exec(db, &customers_sql[SQL_BULK_BLOCK], params, 3) < 0)
			return -1;
	} else if (bulk_for_shop(req, bulk_actions[action].change, selection) != 0)
		return -1;
	params[0] = DB_BLOB(selection, 16);
	return db_exec(db, &customers_sql[SQL_BULK_CLEAR], params, 1) < 0 ? -1 : 0;
}

/* One customer, from their page: the same statements as a bulk action on a
 * selection of one, after the row is locked (404 for another shop's or an
 * erased customer). */
static void
change_one(struct request *req, enum bulk_action action, const char *reason, const char *then)
{
	struct current current;
	unsigned char selection[16];
	struct db_param params[3];
	char path[3 * BACK_MAX + 64];

	if (lock_customer(req, &current) != 1)
		return;
	params[0] = DB_BLOB(selection, sizeof(selection));
	params[1] = DB_INT(req->path_id);
	params[2] = DB_INT(req->shop.id);
	if (crypto_random(selection, sizeof(selection)) != 0 ||
	    db_exec(&req->app->db, &customers_sql[SQL_BULK_ADD_ID], params, 3) < 0 ||
	    bulk_keep_applicable(req, action, selection) < 0 ||
	    bulk_apply(req, action, reason, selection) != 0 || db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	if (then == NULL) {
		customer_path(req, req->path_id, path, sizeof(path));
		then = path;
	} else if (back_link(req) != NULL)
		then = back_link(req);
	notice_of_event(req, bulk_actions[action].event);
	page_redirect(req, then);
}

/* A blocked customer cannot sign in: their sessions and links end now. */
static void
customers_block(struct request *req)
{
	change_one(req, BULK_BLOCK, request_field(req, "reason"), NULL);
}

/* Back to active, or to invited for someone who never signed in. */
static void
customers_unblock(struct request *req)
{
	change_one(req, BULK_UNBLOCK, "", NULL);
}

static void
customers_deactivate(struct request *req)
{
	change_one(req, BULK_DEACTIVATE, "", NULL);
}

static void
customers_reactivate(struct request *req)
{
	change_one(req, BULK_REACTIVATE, "", NULL);
}

/* Irreversible: the person's data goes, orders stay for the accounts
 * without pointing to anyone, the audit log keeps "#id erased by". */
static void
customers_erase(struct request *req)
{
	change_one(req, BULK_DELETE, "", "/admin/customers");
}

/* The first customers of the selection under Page.Names.N, and how many
 * others there are (Page.Others), for the confirmation. 0, or -1
 * (answered). */
static int
bulk_names(struct request *req, const unsigned char *selection, long long count)
{
	struct db_query *query = &customers_sql[SQL_BULK_NAMES];
	struct db_param params[2] = { DB_INT(req->shop.id), DB_BLOB(selection, 16) };
	char name[32];
	HDF *row;
	int shown = 0;

	if (db_exec(&req->app->db, query, params, 2) < 0) {
		page_error(req, 500, NULL);
		return -1;
	}
	while (db_fetch(query) == 1) {
		snprintf(name, sizeof(name), "Page.Names.%d", shown++);
		if (hdf_get_node(req->hdf, name, &row) != STATUS_OK)
			break;
		hdf_set_value(row, "first_name", db_text(query, 0));
		hdf_set_value(row, "last_name", db_text(query, 1));
		hdf_set_value(row, "email", db_text(query, 2));
	}
	db_done(query);
	if (count > shown)
		hdf_set_int_value(req->hdf, "Page.Others", (int)(count - shown));
	return 0;
}

/* First a page that says what will happen to how many customers; its
 * button sends the same form again with confirm=1, which does it. */
static void
customers_bulk(struct request *req)
{
	const char *action_name = request_field(req, "action");
	const char *scope = request_field(req, "scope");
	const char *reason = request_field(req, "reason");
	int everything = scope != NULL && strcmp(scope, "all") == 0;
	unsigned char selection[16];
	long long chosen, count;
	int action;

	if (action_name == NULL || *action_name == '\0') {
		page_error(req, 400, "Customers.Bulk.NoAction");
		return;
	}
	for (action = 0; action < BULK__MAX && strcmp(bulk_actions[action].name, action_name) != 0;
	    action++)
		;
	if (action == BULK__MAX || (scope != NULL && !everything && strcmp(scope, "ticked") != 0)) {
		page_error(req, 400, "Error.Field.Choice");
		return;
	}
	if (bulk_actions[action].owner_only && !req->session.admin_is_owner) {
		page_error(req, 403, "Error.OwnerOnly");
		return;
	}
	if (action == BULK_BLOCK && (reason == NULL || *reason == '\0')) {
		page_error(req, 400, "Customers.ReasonNeeded");
		return;
	}
	if (crypto_random(selection, sizeof(selection)) != 0 || db_begin(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	chosen = bulk_select(req, everything, selection);
	if (chosen < 0)
		return;
	count = chosen > 0 ? bulk_keep_applicable(req, action, selection) : 0;
	if (count < 0) {
		page_error(req, 500, NULL);
		return;
	}
	list_view_links_only(req);
	/* chosen, but none the action applies to ("reactivate" on blocked
	 * customers): said as such */
	if (chosen > 0 && count == 0)
		hdf_set_value(req->hdf, "Page.NoneApplicable", "1");
	else if (chosen > count)
		hdf_set_int_value(req->hdf, "Page.LeftAsTheyAre", (int)(chosen - count));
	hdf_set_value(req->hdf, "Page.Action", bulk_actions[action].name);
	hdf_set_int_value(req->hdf, "Page.Count", (int)count);
	if (count == 0 || request_field(req, "confirm") == NULL) {
		if (bulk_names(req, selection, count) != 0)
			return;
		db_rollback(&req->app->db);
		if (reason != NULL)
			hdf_set_value(req->hdf, "Page.Reason", reason);
		hdf_set_value(req->hdf, "Page.Scope", everything ? "all" : "ticked");
		bulk_keep_ids(req);
		page_render(req, count == 0 ? 400 : 200, "customers/bulk.cs");
		return;
	}
	if (bulk_apply(req, action, reason ? reason : "", selection) != 0 ||
	    db_commit(&req->app->db) != 0) {
		page_error(req, 500, NULL);
		return;
	}
	hdf_set_value(req->hdf, "Page.Done", "1");
	page_render(req, 200, "customers/bulk.cs");
}

static const struct route routes[] = {
	{ "GET", "/admin", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/", ACCESS_ADMIN, NULL, customers_home, NULL },
	{ "GET", "/admin/customers", ACCESS_ADMIN, list_fields, customers_list, NULL },
	{ "GET", "/admin/customers/new", ACCESS_ADMIN, NULL, customers_new_form, NULL },
	{ "GET", "/admin/customers/mails", ACCESS_ADMIN, NULL, customers_failed_mails, NULL },
	{ "POST", "/admin/customers/mails/retry", ACCESS_ADMIN, NULL, customers_failed_retry_all,
	    NULL },
	{ "POST", "/admin/customers/bulk", ACCESS_ADMIN, bulk_fields, customers_bulk, NULL },
	{ "POST", "/admin/customers/new", ACCESS_ADMIN, new_fields, customers_create,
	    customers_new_invalid },
	{ "GET", "/admin/customers/#", ACCESS_ADMIN, show_fields, customers_show, NULL },
	{ "GET", "/admin/customers/#/edit", ACCESS_ADMIN, back_fields, customers_edit_form, NULL },
	{ "POST", "/admin/customers/#/edit", ACCESS_ADMIN, edit_fields, customers_update,
	    customers_edit_invalid },
	{ "POST", "/admin/customers/#/block", ACCESS_ADMIN, block_fields, customers_block,
	    customers_block_invalid },
	{ "POST", "/admin/customers/#/unblock", ACCESS_ADMIN, back_fields, customers_unblock, NULL },
	{ "POST", "/admin/customers/#/deactivate", ACCESS_ADMIN, back_fields, customers_deactivate,
	    NULL },
	{ "POST", "/admin/customers/#/reactivate", ACCESS_ADMIN, back_fields, customers_reactivate,
	    NULL },
	{ "POST", "/admin/customers/#/message", ACCESS_ADMIN, message_fields, customers_message,
	    customers_message_invalid },
	{ "POST", "/admin/customers/#/notes", ACCESS_ADMIN, note_fields, customers_note_add,
	    customers_note_invalid },
	{ "POST", "/admin/customers/#/notes/#/edit", ACCESS_ADMIN, note_fields, customers_note_edit,
	    customers_note_invalid },
	{ "GET", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete_form, NULL },
	{ "POST", "/admin/customers/#/notes/#/delete", ACCESS_ADMIN, back_fields,
	    customers_note_delete, NULL },
	{ "POST", "/admin/customers/#/mails/#/retry", ACCESS_ADMIN, NULL, customers_mail_retry, NULL },
	{ "POST", "/admin/customers/#/mails/#/dismiss", ACCESS_ADMIN, NULL, customers_mail_dismiss,
	    NULL },
	{ "GET", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_delete_form, NULL },
	{ "POST", "/admin/customers/#/delete", ACCESS_OWNER, back_fields, customers_erase, NULL },
	{ "GET", "/admin/settings", ACCESS_OWNER, NULL, customers_settings_form, NULL },
	{ "POST", "/admin/settings", ACCESS_OWNER, settings_fields, customers_settings_save,
	    customers_settings_invalid },
};

int
main(int argc, char **argv)
{
	struct app app = {
		.name = "customers",
		.routes = routes,
		.route_count = sizeof(routes) / sizeof(routes[0]),
		.sql = customers_sql,
		.sql_count = CUSTOMERS_SQL__MAX,
	};

	return app_main(&app, argc, argv);
}
