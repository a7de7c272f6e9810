-- Customer search (fcgi/lib/search.c): each word of a customer's names,
-- e-mail address and phone digits, folded to lowercase without accents, and
-- every suffix of three characters or more of those words. A contains-search
-- is then one index range: term LIKE 'lodi%' finds "Élodie". Kept by the
-- programs in the transaction that writes the customer; fidele-admin migrate
-- fills it for the customers that were there before.
CREATE TABLE customer_search (
  shop_id      BIGINT UNSIGNED NOT NULL,
  term         VARBINARY(24) NOT NULL,
  customer_id  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (shop_id, term, customer_id),
  CONSTRAINT fk_customer_search_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- The list walks these indexes in the order shown, from where the last page
-- ended (keyset paging). Each also carries every column a filter reads, so
-- that walking one, searching and filtering included, reads no rows.
ALTER TABLE customer
  DROP KEY customer_shop_name,
  DROP KEY customer_shop_created,
  DROP KEY customer_shop_last_order,
  DROP KEY customer_shop_spent,
  ADD KEY customer_shop_name (shop_id, last_name, first_name, id, erased_at, status,
    marketing_consent, source, created_at, order_count, total_spent_cents, last_order_at),
  ADD KEY customer_shop_created (shop_id, created_at, id, erased_at, status,
    marketing_consent, source, order_count, total_spent_cents, last_order_at),
  ADD KEY customer_shop_last_order (shop_id, last_order_at, id, erased_at, status,
    marketing_consent, source, created_at, order_count, total_spent_cents),
  ADD KEY customer_shop_spent (shop_id, total_spent_cents, id, erased_at, status,
    marketing_consent, source, created_at, order_count, last_order_at),
  ADD KEY customer_shop_orders (shop_id, order_count, id, erased_at, status,
    marketing_consent, source, created_at, total_spent_cents, last_order_at);
