-- Customer admin fixes (issue 10, part d).
--
-- 1. An action and its undo give back the status that was there: the
--    status a customer had before being blocked, and before being made
--    inactive (one can be blocked while inactive: unblocking gives
--    inactive again, reactivating then gives what came before). NULL for
--    customers changed before this migration: their undo falls back to
--    active, or invited for someone who never signed in, as before.
ALTER TABLE customer
  ADD COLUMN IF NOT EXISTS blocked_from ENUM('invited', 'active', 'inactive') NULL AFTER status_reason,
  ADD COLUMN IF NOT EXISTS inactive_from ENUM('invited', 'active') NULL AFTER blocked_from;

-- 2. A form sent twice (a double click, a reload of the answer) does its
--    work once: the customer page's "send a message" and "add a note"
--    forms carry a random key, written here in the transaction that does
--    the work; the second POST finds it and does nothing. Keys older than
--    a day are removed as new ones arrive.
CREATE TABLE IF NOT EXISTS form_once (
  shop_id     BIGINT UNSIGNED NOT NULL,
  once_key    BINARY(32) NOT NULL,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (shop_id, once_key),
  KEY form_once_created (created_at),
  CONSTRAINT fk_form_once_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 3. A failed mail an admin has dealt with without sending it again: no
--    longer counted in the list's banner. (Sending it again puts it back
--    to 'queued'.) A value added at the end of an ENUM changes no row.
ALTER TABLE outbox
  MODIFY COLUMN status ENUM('queued', 'sending', 'sent', 'failed', 'dismissed') NOT NULL DEFAULT 'queued';

-- 4. Phone search finds a French number written either way: the search
--    index (fcgi/lib/search.c, search_terms) now holds both the national
--    form (0612345678) and the international one (33612345678) of a
--    number whose digits are 0, 33, 330, 0033 or 00330 then nine digits,
--    with their suffixes of three digits or more. This adds the terms of
--    both forms for the customers already indexed (those already there
--    are kept by IGNORE), so no refill is needed.
INSERT IGNORE INTO customer_search (shop_id, term, customer_id, name_key)
SELECT c.shop_id, SUBSTRING(CONCAT(f.prefix, RIGHT(c.phone_digits, 9)), p.n), c.id, c.name_key
  FROM customer c
  JOIN (SELECT '0' AS prefix UNION ALL SELECT '33') f
  JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
        UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) p
    ON p.n <= LENGTH(f.prefix) + 7
 WHERE c.erased_at IS NULL
   AND c.phone_digits REGEXP '^(0|33|330|0033|00330)[1-9][0-9]{8}$';
