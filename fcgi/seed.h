/*
 * Demo data for fidele-admin seed-demo.
 */
#ifndef FIDELE_SEED_H
#define FIDELE_SEED_H

#include "lib/context.h"

/* Adds count deterministic fake customers (French and English names, with
 * accents) and their orders to the context's shop, in committed batches,
 * through the customer writer; the customers'
 * order totals are computed here, so the caller must have set
 * @fidele_bulk_orders. Returns 0, or -1 after printing why. */
int seed_demo(struct shop_context *ctx, long count);

#endif
