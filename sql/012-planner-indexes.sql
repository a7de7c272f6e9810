-- Two indexes for the list's search planner (issue 12).
--
-- A search of one letter ("m") lists the customers whose last name or first
-- name starts with it, in name order (fcgi/lib/customer_query.c,
-- PLAN_LETTERS). The last names are a range of the name order already
-- (customer_shop_name, sql/006). The first names get the same: the weight
-- of the first name's first letter, and an index that holds, for each
-- letter, its customers in name order with every column a filter reads,
-- so that a page reads its 50 entries and no row, whatever the letter and
-- however the first names fall along the last names.
ALTER TABLE customer
  ADD COLUMN IF NOT EXISTS first_initial VARBINARY(4) AS (LEFT(WEIGHT_STRING(first_name), 2)) STORED
    AFTER name_key,
  ADD KEY IF NOT EXISTS customer_shop_first_initial (shop_id, first_initial, name_key, id, erased_at,
    status, marketing_consent, source, created_at, order_count, total_spent_cents, last_order_at,
    first_name);

-- The e-mail order gets what every other order has (sql/005): an index
-- that carries every column a filter reads. The unique key has none, so
-- that a walk in e-mail order read each customer's row to tell its status:
-- "martin" sorted by e-mail on a shop of a million read 17,000 rows to find
-- its first page.
ALTER TABLE customer
  ADD KEY IF NOT EXISTS customer_shop_email_order (shop_id, email, id, erased_at, status,
    marketing_consent, source, created_at, order_count, total_spent_cents, last_order_at);
