-- Issue 12: a search sorted by e-mail from the word's own entries in
-- e-mail order, as sql/029 did for the name order. Without it a page of
-- "martin" sorted by e-mail on a shop of a million walked the shop's
-- addresses until 51 of them were Martins' (10,966 entries: addresses
-- written first.last@ put the Martins in the middle of each first name)
-- and first read the 17,388 customers with a term starting "martin" to
-- tell them: 15 ms of the server, 18–25 ms p95 through nginx. Read from
-- the word's entries in e-mail order it reads 54 entries and their rows:
-- 1 ms of the server, 2.0 ms p95 (fcgi/lib/customer_query.c,
-- sql_sorted_part).
--
-- Each term carries a copy of its customer's address (its collation, so
-- that the copy sorts as the address does), written with the terms
-- (fcgi/lib/search.c): every writer of a customer's address rewrites its
-- terms. The price is room and writes: the index and the copy make
-- customer_search about 75 % larger (5.2 GB for a million customers
-- became 9.2 GB), and an import writes them with every term (bench/import,
-- 200,000 rows: new customers 2,343 a second before, 1,825 after; every
-- row changed, 433 before, 327 after).
--
-- Each statement can run again if a later one failed; migrate fills the
-- emptied table again (fidele-admin migrate: the customer writer's
-- reindex), as after sql/006: 13 minutes for a million customers on the
-- 2-core test machine. Searches find nothing until it has.
TRUNCATE TABLE customer_search;
ALTER TABLE customer_search
  ADD COLUMN IF NOT EXISTS email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD KEY IF NOT EXISTS customer_search_term_email (shop_id, term, email);
