-- The name order as bytes: the collation's weights of the last name, two
-- zero bytes, the weights of the first name (the order of ORDER BY
-- last_name, first_name), cut to 64 bytes (about 30 letters). The server
-- computes it, so no writer can forget it.
--
-- customer_search keeps a copy beside each term, so that a search sorted
-- by name sorts its matches without reading their rows: "martin" on a
-- shop of a million reads 17,000 index entries instead of 17,000 customers
-- (fcgi/customers.c, PLAN_SORTED). The copy is taken when the terms are
-- written; migrate fills the emptied table again, after this migration
-- whatever was written meanwhile. The names stay at the
-- end of the name index for the searches by initial ("Sophie O").
--
-- Each statement can run again if a later one failed. The copy has no
-- default: a program from before this migration, still running while it is
-- applied, fails to add terms rather than add them without the order.
ALTER TABLE customer
  ADD COLUMN IF NOT EXISTS name_key VARBINARY(64) AS
    (LEFT(CONCAT(WEIGHT_STRING(last_name), 0x0000, WEIGHT_STRING(first_name)), 64)) STORED
    AFTER last_name,
  DROP KEY IF EXISTS customer_shop_name,
  ADD KEY customer_shop_name (shop_id, name_key, id, erased_at, status, marketing_consent, source,
    created_at, order_count, total_spent_cents, last_order_at, last_name, first_name);

TRUNCATE TABLE customer_search;
ALTER TABLE customer_search ADD COLUMN IF NOT EXISTS name_key VARBINARY(64) NOT NULL;
