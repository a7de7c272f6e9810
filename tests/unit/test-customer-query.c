/* Unit tests for fcgi/lib/customer_query.c: saved query strings read into
 * typed values (and refused when a value is not one the form offers), the
 * filters written back for links, the planner's choices with a fake
 * estimator in place of the server's EXPLAIN, and the SQL each output
 * builds. */
#include <config.h>

#include <string.h>

#include "../../fcgi/lib/customer_query.h"
#include "tap.h"

/* --- reading ------------------------------------------------------------------ */

static const struct {
	const char *text;
	const char *problem;	/* NULL: read */
	const char *filters;	/* written back, when read */
} readings[] = {
	{ "", NULL, "" },
	{ "q=martin&status=active", NULL, "q=martin&status=active&" },
	{ "status=current", NULL, "status=current&" },
	{ "q=%C3%89lodie+Martin&sort=spent&dir=desc", NULL, "q=%C3%89lodie+Martin&" },
	{ "source=import&consent=no&from=2024-01-01&to=2024-12-31", NULL,
	    "source=import&consent=no&from=2024-01-01&to=2024-12-31&" },
	{ "orders_min=2&orders_max=10&spent_min=50&spent_max=900", NULL,
	    "orders_min=2&orders_max=10&spent_min=50&spent_max=900&" },
	{ "last_from=2024-02-29&last_to=", NULL, "last_from=2024-02-29&" },
	{ "status=gone", "Error.Field.Choice", NULL },
	{ "sort=phone", "Error.Field.Choice", NULL },
	{ "size=7", "Error.Field.Choice", NULL },
	{ "q=a", NULL, "q=a&" },
	{ "q=%2B+-", "Error.Field.SearchShort", NULL },
	{ "q=%21%3F", "Error.Field.SearchShort", NULL },
	{ "from=2023-02-29", "Error.Field.Date", NULL },
	{ "to=31/12/2024", "Error.Field.Date", NULL },
	{ "orders_min=-1", "Error.Field.Number", NULL },
	{ "spent_max=100000001", "Error.Field.Number", NULL },
	{ "q=martin&q=dupont", "Error.Field.Repeated", NULL },
	{ "page=2", "Error.BadForm", NULL },
	{ "after=abc", "Error.BadForm", NULL },
	{ "colour=red", "Error.BadForm", NULL },
	{ "q=%FF%FE", "Error.Field.Charset", NULL },
	/* issue 16: a group, a tag, first order in the last N days */
	{ "group=12&tag=3&first_days=30&sort=created", NULL, "group=12&tag=3&first_days=30&" },
	{ "group=0", "Error.Field.Number", NULL },
	{ "tag=abc", "Error.Field.Number", NULL },
	{ "first_days=3651", "Error.Field.Number", NULL },
	/* the customers an import created */
	{ "import=12&tag=3&sort=email", NULL, "tag=3&import=12&" },
	{ "import=0", "Error.Field.Number", NULL },
	{ "import=x", "Error.Field.Number", NULL },
};

static void
test_reading(void)
{
	struct customer_query query;
	char filters[1600], name[160];
	size_t i;

	for (i = 0; i < sizeof(readings) / sizeof(readings[0]); i++) {
		const char *problem = customer_query_from_text(&query, 7, NULL, readings[i].text);

		snprintf(name, sizeof(name), "'%s' reads as %s", readings[i].text,
		    readings[i].problem ? readings[i].problem : "a query");
		is_str(problem ? problem : "(read)", readings[i].problem ? readings[i].problem : "(read)",
		    name);
		if (readings[i].problem != NULL || problem != NULL)
			continue;
		customer_query_filters_text(&query, filters, sizeof(filters));
		snprintf(name, sizeof(name), "'%s' is written back as '%s'", readings[i].text,
		    readings[i].filters);
		is_str(filters, readings[i].filters, name);
	}

	customer_query_from_text(&query, 7, NULL,
	    "q=%C3%89lodie+Martin&status=blocked&spent_min=50&sort=last_order&dir=desc&size=200");
	ok(query.shop_id == 7, "the query belongs to the shop it was read for");
	is_str(query.search, "Élodie Martin", "the search is kept as typed");
	ok(query.tokens == 2 && strcmp(query.token[0], "elodie") == 0 &&
	    strcmp(query.token[1], "martin") == 0, "the search is split into folded words");
	ok(query.status == CUSTOMER_STATUS_BLOCKED, "the status is a typed choice");
	ok(query.spent_min == 50 && query.spent_max == -1, "an amount is a number, unset is -1");
	ok(query.sort == CUSTOMER_SORT_LAST_ORDER && query.descending && query.size == 200,
	    "the order and the page size are typed");
	ok(query.page == 1 && !query.cursor, "a saved query starts at the first page");
}

/* --- the route fields ------------------------------------------------------------ */

static void
test_fields(void)
{
	static const struct field own[] = {
		{ "action", FIELD_TEXT, 0, 12, 0, 0, NULL },
		{ NULL, 0, 0, 0, 0, 0, NULL }
	};
	struct field fields[CUSTOMER_KEY__MAX + 2], tiny[4];
	size_t n;

	n = customer_query_fields(fields, CUSTOMER_KEY__MAX + 2, NULL, CUSTOMER_USE_PAGING);
	ok(n == CUSTOMER_KEY__MAX && fields[n].name == NULL,
	    "the list's fields are every key, then the closing entry");
	n = customer_query_fields(fields, CUSTOMER_KEY__MAX + 2, own, CUSTOMER_USE_FILTER);
	ok(n == 1 + CUSTOMER_FILTER__MAX && strcmp(fields[0].name, "action") == 0 &&
	    strcmp(fields[1].name, "q") == 0 && strcmp(fields[n - 1].name, "import") == 0 &&
	    fields[n].name == NULL, "the bulk form's fields are its own, then the filters");
	ok(customer_query_fields(tiny, 4, own, CUSTOMER_USE_FILTER) == 0,
	    "a field list without room is refused, not cut");
}

/* --- the planner ------------------------------------------------------------------ */

struct fake {
	long long shop;
	const char *word[4];	/* LIKE patterns */
	long long entries[4];
	long long surname, crossed;
	const char *weights;	/* of every word, or NULL */
	int asked_crossed;
	long long starting[CUSTOMER_LETTER__MAX];	/* by part */
	int asked;		/* questions the server was asked */
};

static long long
fake_shop(void *ctx, long long shop_id)
{
	(void)shop_id;
	((struct fake *)ctx)->asked++;
	return ((struct fake *)ctx)->shop;
}

static long long
fake_word(void *ctx, long long shop_id, const char *pattern)
{
	struct fake *fake = ctx;
	int i;

	(void)shop_id;
	fake->asked++;
	for (i = 0; i < 4 && fake->word[i] != NULL; i++)
		if (strcmp(fake->word[i], pattern) == 0)
			return fake->entries[i];
	return 0;
}

static long long
fake_surname(void *ctx, long long shop_id, const char *word)
{
	(void)shop_id;
	(void)word;
	return ((struct fake *)ctx)->surname;
}

static long long
fake_crossed(void *ctx, long long shop_id, const char *word, const char *from, int reading_down)
{
	(void)shop_id;
	(void)word;
	(void)from;
	(void)reading_down;
	((struct fake *)ctx)->asked_crossed = 1;
	return ((struct fake *)ctx)->crossed;
}

static int
fake_weights(void *ctx, const char *word, char *out, size_t size)
{
	struct fake *fake = ctx;

	(void)word;
	if (fake->weights == NULL)
		return 0;
	snprintf(out, size, "%s", fake->weights);
	return 1;
}

static long long
fake_starting(void *ctx, long long shop_id, enum customer_letter_part part, const char *pattern)
{
	(void)shop_id;
	(void)pattern;
	((struct fake *)ctx)->asked++;
	return ((struct fake *)ctx)->starting[part];
}

static const struct {
	const char *name;
	const char *text;
	int for_page;
	struct fake fake;
	enum customer_plan plan;
	const char *first_word;	/* looked up first */
} plans[] = {
	{ "no search: the filters alone", "status=active", 1, { 100000, { NULL }, { 0 }, 0, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_FILTERS, NULL },
	{ "a rare word: its matches are read and sorted", "q=elodie", 1,
	    { 100000, { "elodie%" }, { 120 }, 0, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_CANDIDATES, "elodie" },
	{ "a frequent first name: the list walks its index", "q=marie", 1,
	    { 100000, { "marie%" }, { 9000 }, 100, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK, "marie" },
	{ "a word of 1,800 entries in 100,000: its entries in name order, not its rows", "q=elodie", 1,
	    { 100000, { "elodie%" }, { 1800 }, 100, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_SORTED,
	    "elodie" },
	{ "a first name of 3,000 entries, all its own term: its term in name order, a page of it",
	    "q=elodie", 1, { 100000, { "elodie%", "elodie" }, { 3000, 3000 }, 100, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_SORTED, "elodie" },
	{ "the same but two thirds in longer terms (jeanne, jeannot): they are sorted, the walk is cheaper",
	    "q=jean", 1, { 100000, { "jean%", "jean" }, { 3000, 1000 }, 100, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_WALK, "jean" },
	{ "the same sorted by creation: the walk is cheaper than reading the rows",
	    "q=elodie&sort=created", 1,
	    { 100000, { "elodie%" }, { 1800 }, 100, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK,
	    "elodie" },
	{ "the same word in a shop of 1,000,000: its matches", "q=elodie", 1,
	    { 1000000, { "elodie%" }, { 1800 }, 100, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_CANDIDATES, "elodie" },
	{ "a frequent surname far ahead: the word's entries in name order", "q=vincent", 1,
	    { 100000, { "vincent%" }, { 9000 }, 8000, 90000, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_SORTED,
	    "vincent" },
	{ "a frequent surname close by: the walk", "q=abel", 1,
	    { 100000, { "abel%" }, { 9000 }, 8000, 100, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK, "abel" },
	{ "a frequent surname sorted by spending: the walk", "q=vincent&sort=spent", 1,
	    { 100000, { "vincent%" }, { 9000 }, 8000, 90000, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK, "vincent" },
	{ "a frequent surname for a bulk action: every match, the walk", "q=vincent", 0,
	    { 100000, { "vincent%" }, { 9000 }, 8000, 90000, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK, "vincent" },
	{ "two frequent words that meet rarely: their matches", "q=marie+martin", 1,
	    { 100000, { "marie%", "martin%" }, { 9000, 5000 }, 0, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_CANDIDATES, "martin" },
	{ "a word in a quarter of the shop is not looked up", "q=gmail", 1,
	    { 100000, { "gmail%" }, { 40000 }, 0, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK, "gmail" },
	{ "the rarest word goes first", "q=gmail+elodie", 1,
	    { 100000, { "gmail%", "elodie%" }, { 40000, 120 }, 0, 0, NULL, 0, { 0 }, 0 },
	    CUSTOMER_PLAN_CANDIDATES, "elodie" },
	{ "an initial is checked on the rows, after the words", "q=m+elodie", 1,
	    { 100000, { "elodie%" }, { 120 }, 0, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_CANDIDATES, "elodie" },
	{ "a frequent first name and an initial: the word's entries in name order", "q=sophie+o", 1,
	    { 100000, { "sophie%" }, { 6000 }, 100, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_SORTED,
	    "sophie" },
	{ "the same sorted by spending: the walk", "q=sophie+o&sort=spent", 1,
	    { 100000, { "sophie%" }, { 6000 }, 100, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_WALK,
	    "sophie" },
	{ "an empty shop counts as one customer", "q=elodie", 1,
	    { 0, { "elodie%" }, { 0 }, 0, 0, NULL, 0, { 0 }, 0 }, CUSTOMER_PLAN_CANDIDATES, "elodie" },
};

static void
test_planner(void)
{
	struct customer_query query;
	struct customer_estimator estimator = { fake_shop, fake_word, fake_surname, fake_crossed,
		fake_weights, fake_starting, NULL };
	struct fake fake;
	size_t i;

	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		fake = plans[i].fake;
		estimator.ctx = &fake;
		customer_query_from_text(&query, 7, NULL, plans[i].text);
		ok(customer_query_plan_with(&query, &estimator, plans[i].for_page) == 0 &&
		    query.plan == plans[i].plan && (plans[i].first_word == NULL ||
		    strcmp(query.token[0], plans[i].first_word) == 0), plans[i].name);
		if (query.plan != plans[i].plan)
			printf("#   got plan %d, want %d\n", query.plan, plans[i].plan);
	}

	/* a page link among the word's own names ("elodie martin", page 5,
	 * among the Martins): the walk is there already */
	fake = (struct fake){ 100000, { "martin%" }, { 2000 }, 8000, 90000, "4D4C", 0, { 0 }, 0 };
	estimator.ctx = &fake;
	customer_query_from_text(&query, 7, NULL, "q=martin");
	query.cursor = 1;
	query.cursor_value[0] = "4D4C0000ABCD";
	query.cursor_value[1] = "5";
	ok(customer_query_plan_with(&query, &estimator, 1) == 0 && query.plan == CUSTOMER_PLAN_WALK &&
	    strcmp(query.weights[0], "4D4C") == 0 && !fake.asked_crossed,
	    "from a page link among the word's names the list walks on, told by the index");

	fake = (struct fake){ 100000, { "elodie%" }, { 120 }, 0, 0, NULL, 0, { 0 }, 0 };
	fake.shop = -1;
	estimator.ctx = &fake;
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	ok(customer_query_plan_with(&query, &estimator, 1) == -1,
	    "an estimate the server could not give fails the plan");
}

/* --- the SQL ------------------------------------------------------------------------ */

static int
has(const char *text, const char *part)
{
	if (strstr(text, part) != NULL)
		return 1;
	printf("#   '%s' not in:\n#   %s\n", part, text);
	return 0;
}

static int
ends_with(const char *text, const char *end)
{
	size_t n = strlen(text), m = strlen(end);

	if (n >= m && strcmp(text + n - m, end) == 0)
		return 1;
	printf("#   '%s' does not end:\n#   %s\n", end, text);
	return 0;
}

static void
test_sql(void)
{
	static struct customer_sql sql;
	struct customer_query query;
	struct customer_estimator estimator = { fake_shop, fake_word, fake_surname, fake_crossed,
		fake_weights, fake_starting, NULL };
	struct fake fake = { 100000, { "vincent%" }, { 9000 }, 8000, 90000, NULL, 0, { 0 }, 0 };
	unsigned char selection[16] = { 0 };
	size_t p;
	int spent_in_cents = 0;

	customer_query_from_text(&query, 7, NULL, "status=active&spent_min=50&sort=spent&dir=desc");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " FROM customer c WHERE c.shop_id = ? AND c.erased_at IS NULL") &&
	    has(sql.text, " AND c.status = ?") && has(sql.text, " AND c.total_spent_cents >= ?") &&
	    has(sql.text, " ORDER BY c.total_spent_cents DESC, c.id DESC LIMIT ?) page") &&
	    !sql.overflow, "the page: the chosen filters, in the list's order, one page");
	for (p = 0; p < sql.n; p++)
		spent_in_cents |= sql.params[p].type == DB_PARAM_INT && sql.params[p].number == 5000;
	ok(spent_in_cents && sql.params[0].number == 7,
	    "the page's parameters: the shop first, amounts in cents");
	ok(strstr(sql.text, "c.source = ?") == NULL && strstr(sql.text, "customer_search") == NULL,
	    "a filter not chosen is not in the statement");

	customer_query_count_sql(&query, &sql);
	ok(strncmp(sql.text, "SELECT COUNT(*) FROM (SELECT 1 FROM customer c FORCE INDEX"
	    " (customer_shop_spent) WHERE", 82) == 0 &&
	    has(sql.text, " LIMIT ?) matching") &&
	    sql.params[sql.n - 1].number == CUSTOMER_COUNT_CAP + 1, "the count stops past the cap");

	customer_query_export_sql(&query, &sql);
	ok(strncmp(sql.text, "SELECT c.id, c.first_name", 25) == 0 && !strstr(sql.text, "LIMIT") &&
	    has(sql.text, " AND c.status = ?") &&
	    has(sql.text, " ORDER BY c.total_spent_cents DESC, c.id DESC"),
	    "the export: every match in the list's order, no limit");
	customer_query_export_columns_sql(&query, &sql, "c.email, c.city");
	ok(strncmp(sql.text, "SELECT c.email, c.city FROM customer c FORCE INDEX (customer_shop_spent)"
	    " WHERE c.shop_id = ?", 92) == 0 &&
	    has(sql.text, " AND c.status = ?") && has(sql.text, " AND c.total_spent_cents >= ?") &&
	    has(sql.text, " ORDER BY c.total_spent_cents DESC, c.id DESC") && !strstr(sql.text, "LIMIT"),
	    "the export of chosen columns: the list's filters and order around them, read along"
	    " the order's index (the first row at once, no sort of the whole view)");
	customer_query_count_exact_sql(&query, &sql);
	ok(strncmp(sql.text, "SELECT COUNT(*) FROM customer c FORCE INDEX (customer_shop_spent) WHERE",
	    71) == 0 && has(sql.text, " AND c.status = ?") && !strstr(sql.text, "LIMIT"),
	    "the exact count: the same filters, no cap");

	customer_query_select_sql(&query, &sql, selection);
	ok(strncmp(sql.text, "INSERT INTO bulk_selection SELECT ?, c.id FROM customer c WHERE", 63) == 0 &&
	    sql.params[0].type == DB_PARAM_BLOB && sql.params[0].length == 16,
	    "the bulk selection: the matches under the selection's id");

	customer_query_select_batch_sql(&query, &sql, selection, 4200, 500);
	ok(has(sql.text, "INSERT INTO bulk_selection SELECT ?, c.id FROM customer c"
	    " FORCE INDEX (PRIMARY) WHERE c.shop_id = ?") && has(sql.text, " AND c.status = ?") &&
	    has(sql.text, " AND c.id > ? ORDER BY c.id LIMIT ?") &&
	    sql.params[sql.n - 2].number == 4200 && sql.params[sql.n - 1].number == 500,
	    "a batch of a bulk job: the next matches after the last id, read on the primary key");

	/* a page read from one word's terms can hold a customer twice: the
	 * outputs that want every match once read the intersected matches */
	estimator.ctx = &fake;
	customer_query_from_text(&query, 7, NULL, "q=vincent");
	customer_query_plan_with(&query, &estimator, 1);
	ok(query.plan == CUSTOMER_PLAN_SORTED, "(the page of 'vincent' reads its terms in name order)");
	customer_query_page_sql(&query, &sql);
	ok(strncmp(sql.text, "(SELECT c.id, c.first_name,", 27) == 0 &&
	    has(sql.text, ", NULL AS matching, s0.name_key AS sort_key FROM customer_search s0"
	    " FORCE INDEX (customer_search_term_name) STRAIGHT_JOIN customer c") &&
	    has(sql.text, " AND s0.term = ?") &&
	    has(sql.text, " UNION ALL (SELECT DISTINCT c.id, c.first_name,") &&
	    has(sql.text, " AND s0.term LIKE ? AND s0.term > ?") &&
	    has(sql.text, "ORDER BY s0.name_key, s0.customer_id LIMIT ?)") &&
	    ends_with(sql.text, ") ORDER BY sort_key, id") && !strstr(sql.text, " page ") &&
	    sql.params[sql.n - 1].number == 51,
	    "the page of a surname far ahead reads the word's own term in name order and sorts"
	    " its longer terms, each customer once, a page of each merged, their rows read once");
	customer_query_export_sql(&query, &sql);
	ok(has(sql.text, "FROM (SELECT DISTINCT s.customer_id FROM customer_search s") &&
	    !strstr(sql.text, "s0.") && has(sql.text, " ORDER BY c.name_key, c.id") &&
	    query.plan == CUSTOMER_PLAN_SORTED,
	    "its export reads each match once, in the list's order, and leaves the page's plan");
	customer_query_count_sql(&query, &sql);
	ok(has(sql.text, "SELECT DISTINCT s.customer_id"), "its count counts each match once");
	customer_query_count_exact_sql(&query, &sql);
	ok(has(sql.text, "SELECT COUNT(*) FROM (SELECT DISTINCT s.customer_id") &&
	    query.plan == CUSTOMER_PLAN_SORTED, "so does its exact count");
	customer_query_select_batch_sql(&query, &sql, selection, 10, 500);
	ok(has(sql.text, "FROM (SELECT DISTINCT s.customer_id FROM customer_search s") &&
	    !strstr(sql.text, "FORCE INDEX (customer_") &&
	    has(sql.text, " AND c.id > ? ORDER BY c.id LIMIT ?") &&
	    query.plan == CUSTOMER_PLAN_SORTED,
	    "a batch of a search reads each match once, after the last id");

	/* a walk names its index and gives up after Limits.SearchWalk rows */
	fake = (struct fake){ 100000, { "marie%" }, { 9000 }, 100, 0, NULL, 0, { 0 }, 0 };
	customer_query_from_text(&query, 7, NULL, "q=marie");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, "FROM customer c FORCE INDEX (customer_shop_name)") &&
	    has(sql.text, " AND c.id IN (SELECT s0.customer_id FROM customer_search s0") &&
	    has(sql.text, "LIMIT 1000 ROWS EXAMINED ?") &&
	    sql.params[sql.n - 1].number == CUSTOMER_WALK_EXAMINED_MAX,
	    "a walk names its index and stops after the configured rows");
	customer_query_select_sql(&query, &sql, selection);
	ok(!strstr(sql.text, "FORCE INDEX") && !strstr(sql.text, "ROWS EXAMINED"),
	    "a bulk selection of the same search reads every match");
	customer_query_from_text(&query, 7, NULL, "q=marie&sort=created&dir=desc");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(query.plan == CUSTOMER_PLAN_WALK && has(sql.text, "LIMIT 1000 ROWS EXAMINED ?") &&
	    sql.params[sql.n - 1].number == CUSTOMER_WALK_EXAMINED_MAX + 8 * 9000,
	    "a walk in another order than the name's goes on as far as reading every match costs");

	/* by e-mail the word's entries are read in their copy of the address
	 * (sql/031), going down from a page link's row, when most are the
	 * word's own term (8,900 'marie' of 9,000 'marie%'): 151 entries
	 * against a walk of about 570 */
	fake.word[1] = "marie";
	fake.entries[1] = 8900;
	customer_query_from_text(&query, 7, NULL, "q=marie&sort=email&dir=desc");
	query.cursor = 1;
	query.cursor_value[0] = "marie.zola@example.fr";
	query.cursor_value[1] = "7001";
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(query.plan == CUSTOMER_PLAN_SORTED &&
	    has(sql.text, ", NULL AS matching, s0.email AS sort_key FROM customer_search s0"
	    " FORCE INDEX (customer_search_term_email) STRAIGHT_JOIN customer c") &&
	    has(sql.text, " AND ((s0.email < ? OR (s0.email = ? AND s0.customer_id < ?))"
	    " OR s0.email IS NULL)") &&
	    has(sql.text, "ORDER BY s0.email DESC, s0.customer_id DESC LIMIT ?)") &&
	    !strstr(sql.text, "name_key AS sort_key") &&
	    ends_with(sql.text, ") ORDER BY sort_key DESC, id DESC"),
	    "a word sorted by e-mail reads its entries in e-mail order, from the page link's"
	    " row down, the customers without an address last");

	/* a word whose entries are all its own term (3,000 'elodie' of 3,000
	 * 'elodie%') reads that term alone, and asks the server whether the
	 * word starts longer terms after all (customer_query_page merges them
	 * then) */
	fake = (struct fake){ 100000, { "elodie%", "elodie" }, { 3000, 3000 }, 100, 0, NULL, 0,
		{ 0 }, 0 };
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(query.plan == CUSTOMER_PLAN_SORTED && !query.longer_terms &&
	    strncmp(sql.text, "(SELECT c.id, c.first_name,", 27) == 0 &&
	    has(sql.text, ", NULL AS matching, s0.name_key AS sort_key, EXISTS (SELECT 1"
	    " FROM customer_search x WHERE x.shop_id = ? AND x.term LIKE ? AND x.term > ?)"
	    " AS longer FROM customer_search s0 FORCE INDEX (customer_search_term_name)") &&
	    has(sql.text, " AND s0.term = ?") && !strstr(sql.text, "UNION") &&
	    ends_with(sql.text, "ORDER BY s0.name_key, s0.customer_id LIMIT ?)") &&
	    sql.params[0].number == 7 && strcmp(sql.params[1].text, "elodie%") == 0 &&
	    strcmp(sql.params[2].text, "elodie") == 0 && sql.params[sql.n - 1].number == 51,
	    "a word without longer terms reads its own term alone, in name order, and whether"
	    " it starts longer terms");
	fake.entries[1] = 2999;
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(query.plan == CUSTOMER_PLAN_SORTED && query.longer_terms &&
	    has(sql.text, " UNION ALL (SELECT DISTINCT") && !strstr(sql.text, "AS longer"),
	    "one entry of a longer term: both merged, as the server would say");

	/* the plain list reads its rows along the order's index; a chosen
	 * filter keeps the ids first, told on the index alone */
	customer_query_from_text(&query, 7, NULL, "sort=email&status=all");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, ", NULL AS matching FROM customer c FORCE INDEX (customer_shop_email_order)"
	    " WHERE c.shop_id = ?") && has(sql.text, " ORDER BY c.email, c.id LIMIT ?") &&
	    !strstr(sql.text, ") page"), "the plain list: its rows straight along the order's index");
	customer_query_from_text(&query, 7, NULL, "sort=email&consent=yes");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " LIMIT ?) page STRAIGHT_JOIN customer c"),
	    "a chosen filter: the page's ids first, then their rows");

	/* an import's customers (its report's link), by e-mail: few, read
	 * first on their index and sorted; many, the order's index walked;
	 * counted on their index whatever their number; by name, from their
	 * own copy of the name order (sql/035) */
	customer_query_from_text(&query, 7, NULL, "import=12&sort=email");
	customer_query_plan_with(&query, &estimator, 1);
	query.import_first = 1;
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " FROM customer c FORCE INDEX (customer_import) WHERE c.shop_id = ?") &&
	    has(sql.text, " AND c.import_id = ?") && has(sql.text, " ORDER BY c.email, c.id LIMIT ?)"),
	    "a few customers of an import: read first on its index, then sorted");
	query.import_first = 0;
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " FROM customer c FORCE INDEX (customer_shop_email_order) WHERE") &&
	    has(sql.text, " AND c.import_id = ?"),
	    "many customers of an import: the order's index walked, the import told on the row");
	customer_query_count_sql(&query, &sql);
	ok(has(sql.text, " FORCE INDEX (customer_import)") && has(sql.text, " AND c.import_id = ?"),
	    "an import's customers are counted on its index");
	customer_query_from_text(&query, 7, NULL, "import=12&dir=desc");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " FROM customer c FORCE INDEX (customer_import_name) WHERE c.shop_id = ?") &&
	    has(sql.text, " AND c.import_id = ?") &&
	    has(sql.text, " ORDER BY c.name_key DESC, c.id DESC LIMIT ?)"),
	    "an import's customers by name: read in that order from their own copy of it");

	/* the e-mail order leaves out the erased, but not the customers
	 * without an address (issue 15), who come first, in id order */
	customer_query_from_text(&query, 7, NULL, "sort=email");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_export_sql(&query, &sql);
	ok(!strstr(sql.text, "c.email IS NOT NULL") && has(sql.text, " AND c.erased_at IS NULL") &&
	    has(sql.text, " AND c.status NOT IN ('inactive', 'waiting')") && has(sql.text, " ORDER BY c.email, c.id"),
	    "sorted by e-mail: the erased are left out, those without an address kept");
}

/* --- an export in two halves -------------------------------------------------------- */

/* The halves of an export cut at a boundary row: the first half the rows
 * strictly before it in the list's order (a keyset going the other way),
 * the second the row and the rows after it (the last comparison takes
 * the row in); both in the list's order, read along its index. */
static const struct {
	const char *view;
	const char *value[3];		/* the boundary's sort values */
	const char *first, *second;	/* in the halves' statements */
	const char *order;
} halves[] = {
	{ "sort=name", { "4D41", "42" },
	    " AND (c.name_key < UNHEX(?) OR (c.name_key = UNHEX(?) AND c.id < ?))",
	    " AND (c.name_key > UNHEX(?) OR (c.name_key = UNHEX(?) AND c.id >= ?))",
	    " ORDER BY c.name_key, c.id" },
	{ "sort=name&dir=desc", { "4D41", "42" },
	    " AND (c.name_key > UNHEX(?) OR (c.name_key = UNHEX(?) AND c.id > ?))",
	    " AND (c.name_key < UNHEX(?) OR (c.name_key = UNHEX(?) AND c.id <= ?))",
	    " ORDER BY c.name_key DESC, c.id DESC" },
	/* customers without an address (sql/017) come last going down */
	{ "sort=email&dir=desc", { "m@x.test", "42" },
	    " AND (c.email > ? OR (c.email = ? AND c.id > ?))",
	    " AND ((c.email < ? OR (c.email = ? AND c.id <= ?)) OR c.email IS NULL)",
	    " ORDER BY c.email DESC, c.id DESC" },
	{ "sort=created", { "2024-01-02 10:00:00", "42" },
	    " AND (c.created_at < ? OR (c.created_at = ? AND c.id < ?))",
	    " AND (c.created_at > ? OR (c.created_at = ? AND c.id >= ?))",
	    " ORDER BY c.created_at, c.id" },
	/* customers who never ordered come first going up, last going down */
	{ "sort=last_order", { NULL, "42" }, " AND (c.last_order_at IS NULL AND c.id < ?)",
	    " AND ((c.last_order_at IS NULL AND c.id >= ?) OR c.last_order_at IS NOT NULL)",
	    " ORDER BY c.last_order_at, c.id" },
	{ "sort=last_order", { "2024-05-01 12:00:00", "42" },
	    " AND ((c.last_order_at < ? OR (c.last_order_at = ? AND c.id < ?)) OR"
	    " c.last_order_at IS NULL)",
	    " AND (c.last_order_at > ? OR (c.last_order_at = ? AND c.id >= ?))",
	    " ORDER BY c.last_order_at, c.id" },
	{ "sort=last_order&dir=desc", { NULL, "42" },
	    " AND ((c.last_order_at IS NULL AND c.id > ?) OR c.last_order_at IS NOT NULL)",
	    " AND (c.last_order_at IS NULL AND c.id <= ?)",
	    " ORDER BY c.last_order_at DESC, c.id DESC" },
	{ "sort=last_order&dir=desc", { "2024-05-01 12:00:00", "42" },
	    " AND (c.last_order_at > ? OR (c.last_order_at = ? AND c.id > ?))",
	    " AND ((c.last_order_at < ? OR (c.last_order_at = ? AND c.id <= ?)) OR"
	    " c.last_order_at IS NULL)",
	    " ORDER BY c.last_order_at DESC, c.id DESC" },
	{ "sort=orders&dir=desc&status=active", { "3", "42" },
	    " AND (c.order_count > ? OR (c.order_count = ? AND c.id > ?))",
	    " AND (c.order_count < ? OR (c.order_count = ? AND c.id <= ?))",
	    " ORDER BY c.order_count DESC, c.id DESC" },
	{ "sort=spent&spent_min=5", { "50000", "42" },
	    " AND (c.total_spent_cents < ? OR (c.total_spent_cents = ? AND c.id < ?))",
	    " AND (c.total_spent_cents > ? OR (c.total_spent_cents = ? AND c.id >= ?))",
	    " ORDER BY c.total_spent_cents, c.id" },
};

static void
test_split(void)
{
	static struct customer_sql sql;
	struct customer_query query;
	struct customer_split split;
	struct customer_estimator estimator = { fake_shop, fake_word, fake_surname, fake_crossed,
		fake_weights, fake_starting, NULL };
	struct fake fake = { 100000, { "marie%", "vincent%" }, { 9000, 40000 }, 100, 0, NULL, 0,
		{ 0 }, 0 };
	char name[200];
	size_t i;
	int second;

	estimator.ctx = &fake;
	for (i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		customer_query_from_text(&query, 7, NULL, halves[i].view);
		customer_query_plan_with(&query, &estimator, 0);
		memset(&split, 0, sizeof(split));
		memcpy(split.value, halves[i].value, sizeof(split.value));
		for (second = 0; second < 2; second++) {
			customer_query_export_half_sql(&query, &split, second, "c.email", &sql);
			snprintf(name, sizeof(name), "%s, %s half: %s", halves[i].view,
			    second ? "the second" : "the first", second ? halves[i].second :
			    halves[i].first);
			ok(strncmp(sql.text, "SELECT c.email FROM customer c FORCE INDEX (customer_shop_", 58)
			    == 0 && has(sql.text, second ? halves[i].second : halves[i].first) &&
			    has(sql.text, halves[i].order) && !strstr(sql.text, "LIMIT") &&
			    !sql.overflow && sql.params[0].number == 7, name);
		}
	}
	/* the values are parameters: an id as a number, the rest as text */
	customer_query_from_text(&query, 7, NULL, "sort=created&dir=desc");
	customer_query_plan_with(&query, &estimator, 0);
	split.value[0] = "2024-01-02 10:00:00";
	split.value[1] = "42";
	customer_query_export_half_sql(&query, &split, 1, "c.email", &sql);
	ok(sql.n == 4 && sql.params[1].type == DB_PARAM_TEXT && sql.params[1].text == split.value[0] &&
	    sql.params[3].type == DB_PARAM_INT && sql.params[3].number == 42,
	    "the boundary's values are bound: the day as text, the id as a number");

	customer_query_split_sql(&query, 4999, &sql);
	ok(strncmp(sql.text, "SELECT c.created_at, c.id FROM customer c FORCE INDEX"
	    " (customer_shop_created) WHERE c.shop_id = ?", 97) == 0 &&
	    has(sql.text, " ORDER BY c.created_at DESC, c.id DESC LIMIT 1 OFFSET ?") &&
	    sql.params[sql.n - 1].number == 4999,
	    "the boundary: the sort's keys of the row at the offset, on the order's index");
	customer_query_from_text(&query, 7, NULL, "consent=no");
	customer_query_plan_with(&query, &estimator, 0);
	customer_query_split_sql(&query, 10, &sql);
	ok(strncmp(sql.text, "SELECT HEX(c.name_key), c.id FROM customer c FORCE INDEX"
	    " (customer_shop_name)", 77) == 0 && has(sql.text, " AND c.marketing_consent = ?"),
	    "the name order's bytes in hex, as a page link carries them; the filters the export's");

	/* the plans that do not read along the order's index with every
	 * condition on it are read in one pass (no statement is run: no
	 * database here) */
	customer_query_from_text(&query, 7, NULL, "q=m");
	customer_query_plan_with(&query, &estimator, 0);
	ok(customer_query_export_split(&query, NULL, 100000, 0.5, &split) == 0 &&
	    split.offset == -1, "a search of single letters is not cut");
	fake.word[0] = "rare%";
	fake.entries[0] = 20;
	customer_query_from_text(&query, 7, NULL, "q=rare");
	customer_query_plan_with(&query, &estimator, 0);
	ok(query.plan == CUSTOMER_PLAN_CANDIDATES &&
	    customer_query_export_split(&query, NULL, 100000, 0.5, &split) == 0,
	    "nor a search read from its matches");
	fake.word[0] = "vincent%";
	fake.entries[0] = 40000;
	customer_query_from_text(&query, 7, NULL, "q=vincent");
	customer_query_plan_with(&query, &estimator, 0);
	ok(query.plan == CUSTOMER_PLAN_FILTERS || query.common[0],
	    "(a word in 40 % of the shop is checked on the rows)");
	ok(customer_query_export_split(&query, NULL, 100000, 0.5, &split) == 0,
	    "nor a search whose word is checked on the rows");
	customer_query_from_text(&query, 7, NULL, "sort=spent");
	customer_query_plan_with(&query, &estimator, 0);
	ok(customer_query_export_split(&query, NULL, 1, 0.5, &split) == 0,
	    "nor a view of one customer");
}

/* --- single letters --------------------------------------------------------------- */

static void
test_letters(void)
{
	static struct customer_sql sql;
	struct customer_query query;
	struct customer_estimator estimator = { fake_shop, fake_word, fake_surname, fake_crossed,
		fake_weights, fake_starting, NULL };
	/* a million customers */
	struct fake fake = { 1000000, { NULL }, { 0 }, 0, 0, NULL, 0, { 0 }, 0 };
	unsigned char selection[16] = { 0 };

	estimator.ctx = &fake;
	ok(customer_query_from_text(&query, 7, NULL, "q=M&sort=spent&dir=desc") == NULL &&
	    query.tokens == 1 && strcmp(query.token[0], "m") == 0 && query.sort == CUSTOMER_SORT_NAME &&
	    query.descending, "one letter is a search, listed by name in the direction asked");
	ok(customer_query_plan_with(&query, &estimator, 1) == 0 &&
	    query.plan == CUSTOMER_PLAN_LETTERS && !query.letter_walk[CUSTOMER_LETTER_FIRST] &&
	    !query.letter_walk[CUSTOMER_LETTER_PHONE] && fake.asked == 1,
	    "a letter's names are ranges in name order: nothing to estimate but the shop");
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, "FORCE INDEX (customer_shop_name) WHERE c.shop_id = ?") &&
	    has(sql.text, " AND c.name_key >= WEIGHT_STRING(? COLLATE utf8mb4_unicode_520_ci)") &&
	    has(sql.text, " AND c.last_name LIKE ? ORDER BY c.name_key DESC, c.id DESC LIMIT ?)") &&
	    has(sql.text, "FORCE INDEX (customer_shop_first_initial) WHERE c.shop_id = ?") &&
	    has(sql.text, " AND c.first_initial = LEFT(WEIGHT_STRING(? COLLATE") &&
	    has(sql.text, " AND c.first_name LIKE ? ORDER BY c.name_key DESC, c.id DESC LIMIT ?)") &&
	    !strstr(sql.text, "phone_digits") && !strstr(sql.text, "email LIKE") && !sql.overflow,
	    "the page: the start of the last names' and the first names' ranges, in name order");
	ok(has(sql.text, "IF((SELECT COUNT(*) FROM (SELECT c.id FROM customer c FORCE INDEX"
	    " (customer_shop_name)") && customer_query_counted(&query),
	    "the first page counts the last names, then each part's range, up to the cap");

	query.cursor = 1;
	query.cursor_value[0] = "0E33";
	query.cursor_value[1] = "12";
	customer_query_page_sql(&query, &sql);
	ok(!strstr(sql.text, "COUNT(*)") && has(sql.text, "(c.name_key < UNHEX(?) OR"),
	    "a page link's page starts each part after the link and counts nothing");

	customer_query_count_sql(&query, &sql);
	ok(strncmp(sql.text, "SELECT IF((SELECT COUNT(*) FROM (SELECT c.id FROM customer c", 60) == 0 &&
	    has(sql.text, "LIMIT ?) UNION (SELECT c.id") && sql.params[sql.n - 1].number ==
	    CUSTOMER_COUNT_CAP + 1, "the count: each part up to past the cap, each customer once");
	customer_query_select_sql(&query, &sql, selection);
	ok(has(sql.text, " AND (c.last_name LIKE ? OR c.first_name LIKE ?)") &&
	    !strstr(sql.text, "UNION"), "a bulk selection reads every customer a part holds");

	fake = (struct fake){ 1000000, { NULL }, { 0 }, 0, 0, NULL, 0, { 0, 0, 400 }, 0 };
	customer_query_from_text(&query, 7, NULL, "q=0");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(!query.letter_walk[CUSTOMER_LETTER_PHONE] &&
	    has(sql.text, "FORCE INDEX (customer_shop_phone) WHERE c.shop_id = ?") &&
	    has(sql.text, " AND c.phone_digits LIKE ? ORDER BY c.name_key, c.id LIMIT ?)"),
	    "a digit's few phones are read from their index and sorted");

	fake = (struct fake){ 1000000, { NULL }, { 0 }, 0, 0, NULL, 0, { 0, 0, 90000 }, 0 };
	customer_query_from_text(&query, 7, NULL, "q=6&consent=yes");
	ok(query.tokens == 1 && customer_query_plan_with(&query, &estimator, 1) == 0 &&
	    query.plan == CUSTOMER_PLAN_LETTERS && query.letter_walk[CUSTOMER_LETTER_PHONE],
	    "one digit is a search, its many phones found walking the name order");
	customer_query_page_sql(&query, &sql);
	ok(has(sql.text, " AND (c.phone_digits LIKE ?) ORDER BY c.name_key, c.id LIMIT ?)") &&
	    has(sql.text, " AND c.marketing_consent = ?"), "a digit's phones are in the page");

	customer_query_from_text(&query, 7, NULL, "q=m+o");
	customer_query_plan_with(&query, &estimator, 1);
	customer_query_page_sql(&query, &sql);
	ok(query.plan == CUSTOMER_PLAN_LETTERS && has(sql.text, " AND (c.first_name LIKE ?"
	    " OR c.last_name LIKE ?) AND c.name_key >="), "a second letter is checked on the parts");
}

/* --- the estimates kept ------------------------------------------------------------- */

static void
test_estimates_kept(void)
{
	struct customer_query query;
	struct customer_estimator server = { fake_shop, fake_word, fake_surname, fake_crossed,
		fake_weights, fake_starting, NULL }, kept;
	struct fake fake = { 100000, { "elodie%" }, { 120 }, 0, 0, NULL, 0, { 0 }, 0 };
	struct customer_estimate_cache cache = { &server, 1000 };

	server.ctx = &fake;
	customer_estimates_forget();
	customer_estimator_cached(&kept, &cache);
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	customer_query_plan_with(&query, &kept, 1);
	ok(fake.asked == 2 && query.plan == CUSTOMER_PLAN_CANDIDATES,
	    "a search asks the server for the shop's and the word's estimates");
	cache.now = 1000 + CUSTOMER_ESTIMATE_SECONDS - 1;
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	customer_query_plan_with(&query, &kept, 1);
	ok(fake.asked == 2 && query.plan == CUSTOMER_PLAN_CANDIDATES,
	    "the same search within a minute asks nothing and plans the same");
	customer_query_from_text(&query, 8, NULL, "q=elodie");
	customer_query_plan_with(&query, &kept, 1);
	ok(fake.asked == 4, "another shop's search asks again");
	cache.now = 1000 + CUSTOMER_ESTIMATE_SECONDS;
	fake.entries[0] = 90000;
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	customer_query_plan_with(&query, &kept, 1);
	ok(fake.asked == 6 && query.plan == CUSTOMER_PLAN_WALK,
	    "a minute later the server is asked again, and its new estimate counts");
	fake.shop = -1;
	cache.now += 1000;
	customer_query_from_text(&query, 7, NULL, "q=elodie");
	ok(customer_query_plan_with(&query, &kept, 1) == -1, "a failed estimate is not kept");
	fake.shop = 100000;
	ok(customer_query_plan_with(&query, &kept, 1) == 0, "and asked again");
	customer_estimates_forget();
}

int
main(void)
{
	test_reading();
	test_fields();
	test_planner();
	test_sql();
	test_split();
	test_letters();
	test_estimates_kept();
	return tap_done();
}
