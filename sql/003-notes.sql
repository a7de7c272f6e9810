-- Internal notes on a customer (customer admin issue): written by the
-- shop's admins, never shown to the customer. Erasing a customer deletes
-- them with the rest of the personal data.
CREATE TABLE note (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NOT NULL,
  admin_id     BIGINT UNSIGNED NULL,
  body         TEXT NOT NULL,
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at   DATETIME NULL,
  KEY note_customer (shop_id, customer_id, id),
  CONSTRAINT fk_note_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_note_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
  CONSTRAINT fk_note_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
