-- The customers one bulk action works on (customer admin issue). Rows are
-- written and removed inside the action's own transaction, under a random
-- selection id, so no other request ever sees them; every statement of
-- the action then works on the same customers.
CREATE TABLE bulk_selection (
  selection_id  BINARY(16) NOT NULL,
  customer_id   BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (selection_id, customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
