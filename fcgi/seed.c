/*
 * Deterministic demo customers: the same count always gives the same
 * people, so a demo, a benchmark and a bug report talk about the same
 * rows. Rows go in as multi-row prepared INSERTs (the customer writer's
 * batch, db_insert_rows for orders), one transaction per BATCH customers,
 * which is what makes a million customers take seconds rather than hours.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/customer.h"
#include "lib/log.h"
#include "seed.h"

/* customers per transaction: two of the customer writer's batches */
#define BATCH (2 * CUSTOMER_BATCH_MAX)
#define MAX_ORDERS 6
#define ORDER_COLUMNS 6

struct name {
	const char *text;	/* as written */
	const char *ascii;	/* for the e-mail address */
};

static const struct name french_first[] = {
	{ "Élodie", "elodie" }, { "Amélie", "amelie" }, { "Zoé", "zoe" }, { "Hélène", "helene" },
	{ "François", "francois" }, { "Jérôme", "jerome" }, { "Loïc", "loic" }, { "Maëlle", "maelle" },
	{ "Noël", "noel" }, { "Chloé", "chloe" }, { "Léa", "lea" }, { "Inès", "ines" },
	{ "Gaël", "gael" }, { "Cécile", "cecile" }, { "Anaïs", "anais" }, { "Benoît", "benoit" },
	{ "Étienne", "etienne" }, { "Océane", "oceane" }, { "Agnès", "agnes" }, { "Théo", "theo" },
	{ "Camille", "camille" }, { "Julien", "julien" }, { "Manon", "manon" }, { "Lucas", "lucas" },
	{ "Sophie", "sophie" }, { "Nicolas", "nicolas" }, { "Claire", "claire" }, { "Antoine", "antoine" },
	{ "Margaux", "margaux" }, { "Hugo", "hugo" }, { "Pauline", "pauline" }, { "Mathéo", "matheo" },
	{ "Louise", "louise" }, { "Raphaël", "raphael" }, { "Céline", "celine" }, { "Rémi", "remi" },
	{ "Solène", "solene" }, { "Grégoire", "gregoire" }, { "Bérénice", "berenice" }, { "Aurélien", "aurelien" },
};

static const struct name french_last[] = {
	{ "Martin", "martin" }, { "Bernard", "bernard" }, { "Dubois", "dubois" }, { "Thomas", "thomas" },
	{ "Robert", "robert" }, { "Richard", "richard" }, { "Petit", "petit" }, { "Durand", "durand" },
	{ "Leroy", "leroy" }, { "Moreau", "moreau" }, { "Simon", "simon" }, { "Laurent", "laurent" },
	{ "Lefèvre", "lefevre" }, { "Michel", "michel" }, { "Garcia", "garcia" }, { "David", "david" },
	{ "Bertrand", "bertrand" }, { "Roux", "roux" }, { "Vincent", "vincent" }, { "Fournier", "fournier" },
	{ "Morel", "morel" }, { "Girard", "girard" }, { "André", "andre" }, { "Mercier", "mercier" },
	{ "Dupont", "dupont" }, { "Lambert", "lambert" }, { "Bonnet", "bonnet" }, { "François", "francois" },
	{ "Chevalier", "chevalier" }, { "Gauthier", "gauthier" }, { "Perrin", "perrin" }, { "Clément", "clement" },
	{ "Benoît", "benoit" }, { "Rousseau", "rousseau" }, { "Lefèbvre", "lefebvre" }, { "Boulanger", "boulanger" },
	{ "de la Fontaine", "delafontaine" }, { "Lemaître", "lemaitre" }, { "Noël", "noel" }, { "Béranger", "beranger" },
};

static const struct name english_first[] = {
	{ "Emily", "emily" }, { "Oliver", "oliver" }, { "Charlotte", "charlotte" }, { "James", "james" },
	{ "Amelia", "amelia" }, { "Harry", "harry" }, { "Isla", "isla" }, { "George", "george" },
	{ "Grace", "grace" }, { "Jack", "jack" }, { "Sophie", "sophie" }, { "William", "william" },
	{ "Chloe", "chloe" }, { "Thomas", "thomas" }, { "Lucy", "lucy" }, { "Daniel", "daniel" },
	{ "Zoë", "zoe" }, { "Renée", "renee" }, { "Seán", "sean" }, { "Siobhán", "siobhan" },
};

static const struct name english_last[] = {
	{ "Smith", "smith" }, { "Jones", "jones" }, { "Taylor", "taylor" }, { "Brown", "brown" },
	{ "Williams", "williams" }, { "Wilson", "wilson" }, { "Johnson", "johnson" }, { "Davies", "davies" },
	{ "Robinson", "robinson" }, { "Wright", "wright" }, { "Thompson", "thompson" }, { "Evans", "evans" },
	{ "Walker", "walker" }, { "O'Brien", "obrien" }, { "Murphy", "murphy" }, { "Hughes", "hughes" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64*: fixed seed, so the demo is the same everywhere */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned long long
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int
rng_below(unsigned int n)
{
	return (unsigned int)(rng_next() % n);
}

/* All demo dates count back from this instant (2026-11-01 00:00 UTC). */
static const time_t reference_time = 1793491200;

static void
sql_datetime(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

struct customer_row {
	char email[128];
	const char *first_name, *last_name, *country, *language, *status, *source;
	char phone[32];
	char created_at[24], last_order_at[24];
	int marketing, order_count;
	long long spent;
};

struct order_row {
	long customer_index;	/* in the batch */
	char reference[48];
	const char *status;
	long long total_cents;
	char ordered_at[24];
};

struct batch {
	struct customer_row customers[BATCH];
	struct order_row orders[BATCH * MAX_ORDERS];
	int customer_count, order_count;
};

static void
make_customer(struct batch *batch, long number)
{
	struct customer_row *row = &batch->customers[batch->customer_count];
	int english = rng_below(10) < 3;
	const struct name *first = english ? &english_first[rng_below(COUNT(english_first))]
	    : &french_first[rng_below(COUNT(french_first))];
	const struct name *last = english ? &english_last[rng_below(COUNT(english_last))]
	    : &french_last[rng_below(COUNT(french_last))];
	unsigned int roll = rng_below(100), orders, k;
	time_t created = reference_time - (time_t)rng_below(3 * 365 * 86400);
	time_t latest = 0;

	row->first_name = first->text;
	row->last_name = last->text;
	snprintf(row->email, sizeof(row->email), "%s.%s.%ld@example.%s", first->ascii,
	    last->ascii, number, english ? "org" : "fr");
	if (english) {
		unsigned int line = rng_below(1000);

		snprintf(row->phone, sizeof(row->phone), "+44 7700 900%03u", line);
		row->country = "GB";
		row->language = "en";
	} else {
		unsigned int a = rng_below(100), b = rng_below(100), c = rng_below(100), d = rng_below(100);

		snprintf(row->phone, sizeof(row->phone), "+33 6 %02u %02u %02u %02u", a, b, c, d);
		row->country = rng_below(10) == 0 ? "BE" : "FR";
		row->language = "fr";
	}
	row->status = roll < 85 ? "active" : roll < 93 ? "invited" : roll < 98 ? "inactive" : "blocked";
	roll = rng_below(100);
	row->source = roll < 50 ? "self" : roll < 65 ? "admin" : roll < 90 ? "import" : "order";
	row->marketing = rng_below(10) < 6;
	sql_datetime(created, row->created_at, sizeof(row->created_at));

	orders = strcmp(row->status, "invited") == 0 ? 0 : rng_below(MAX_ORDERS + 1);
	row->order_count = 0;
	row->spent = 0;
	for (k = 0; k < orders; k++) {
		struct order_row *order = &batch->orders[batch->order_count++];
		time_t at = created + (time_t)(rng_next() % (unsigned long long)(reference_time - created + 1));

		order->customer_index = batch->customer_count;
		snprintf(order->reference, sizeof(order->reference), "D%07ld-%u", number, k + 1);
		order->status = rng_below(20) == 0 ? "cancelled" : "completed";
		order->total_cents = 500 + (long long)rng_below(24500);
		sql_datetime(at, order->ordered_at, sizeof(order->ordered_at));
		if (strcmp(order->status, "cancelled") != 0) {
			row->order_count++;
			row->spent += order->total_cents;
			if (at > latest)
				latest = at;
		}
	}
	row->last_order_at[0] = '\0';
	if (latest)
		sql_datetime(latest, row->last_order_at, sizeof(row->last_order_at));
	batch->customer_count++;
}

static const char order_head[] =
    "INSERT INTO orders (shop_id, customer_id, reference, status, total_cents, ordered_at)";

/* Creates the batch's customers through the customer writer, its batches
 * of CUSTOMER_BATCH_MAX (a multi-row INSERT each, their search terms, no
 * timeline: demo customers have no history); ids[i] gets the id of the
 * i-th customer. Returns 0 or -1. */
static int
insert_customers(struct shop_context *ctx, struct batch *batch, long long *ids)
{
	static struct customer_fields fields[BATCH];
	int i, from;

	for (i = 0; i < batch->customer_count; i++) {
		struct customer_row *row = &batch->customers[i];

		fields[i] = (struct customer_fields){
			.email = row->email, .first_name = row->first_name,
			.last_name = row->last_name, .phone = row->phone, .country = row->country,
			.language = row->language, .status = row->status, .source = row->source,
			.marketing_consent = row->marketing, .order_count = row->order_count,
			.total_spent_cents = row->spent,
			.last_order_at = row->last_order_at[0] ? row->last_order_at : NULL,
			.created_at = row->created_at
		};
	}
	for (from = 0; from < batch->customer_count; from += CUSTOMER_BATCH_MAX) {
		int count = batch->customer_count - from < CUSTOMER_BATCH_MAX ?
		    batch->customer_count - from : CUSTOMER_BATCH_MAX;

		if (customer_create_batch(ctx, fields + from, count, NULL,
		    ids + from) != CUSTOMER_OK)
			return -1;
	}
	return 0;
}

/* Inserts the batch's orders (db_insert_rows: statements of 250). */
static int
insert_orders(struct db *db, long long shop_id, struct batch *batch, const long long *ids,
    struct db_param *params)
{
	int i, p = 0;

	for (i = 0; i < batch->order_count; i++) {
		struct order_row *order = &batch->orders[i];

		params[p++] = DB_INT(shop_id);
		params[p++] = DB_INT(ids[order->customer_index]);
		params[p++] = DB_TEXT(order->reference);
		params[p++] = DB_TEXT(order->status);
		params[p++] = DB_INT(order->total_cents);
		params[p++] = DB_TEXT(order->ordered_at);
	}
	return db_insert_rows(db, order_head, ORDER_COLUMNS, params, (size_t)batch->order_count)
	    == batch->order_count ? 0 : -1;
}

/* Inserts one batch (customers, then their orders) in one transaction. */
static int
insert_batch(struct shop_context *ctx, struct batch *batch, struct db_param *params)
{
	static long long ids[BATCH];

	if (db_begin(ctx->db) == 0 && insert_customers(ctx, batch, ids) == 0 &&
	    insert_orders(ctx->db, ctx->shop_id, batch, ids, params) == 0)
		return db_commit(ctx->db);
	db_rollback(ctx->db);
	return -1;
}

int
seed_demo(struct shop_context *ctx, long count)
{
	struct batch *batch = calloc(1, sizeof(*batch));
	struct db_param *params = calloc(BATCH * MAX_ORDERS * ORDER_COLUMNS, sizeof(*params));
	long done = 0;
	int status = batch != NULL && params != NULL ? 0 : -1;

	while (done < count && status == 0) {
		batch->customer_count = batch->order_count = 0;
		while (batch->customer_count < BATCH && done + batch->customer_count < count)
			make_customer(batch, done + batch->customer_count + 1);
		status = insert_batch(ctx, batch, params);
		done += batch->customer_count;
		if (status == 0 && (done % 100000 == 0 || done == count))
			log_info("seed-demo: %ld customers", done);
	}
	free(batch);
	free(params);
	return status;
}
