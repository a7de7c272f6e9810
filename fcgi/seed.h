/*
 * Demo data for fidele-admin seed-demo.
 */
#ifndef FIDELE_SEED_H
#define FIDELE_SEED_H

#include "lib/db.h"

/* Adds count deterministic fake customers (French and English names, with
 * accents) and their orders to shop, in committed batches; the customers'
 * order totals are computed here, so the caller must have set
 * @fidele_bulk_orders. Returns 0, or -1 after printing why. */
int seed_demo(struct db *db, long long shop_id, long count);

#endif
