-- The customer export (export.fcgi, issue 14).
--
-- Every export of personal data is recorded: who, when, which customers
-- (the list's query as its query string), which columns in which order,
-- the format and how many customers the file held. A row is written when
-- the file starts (finished_at NULL, row_count NULL) and completed when it
-- ends; one that never completes is an export the client gave up or that
-- failed. Owners see them on /admin/export.
CREATE TABLE IF NOT EXISTS export_log (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  admin_id     BIGINT UNSIGNED NULL,
  started_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  finished_at  DATETIME(3) NULL,
  query        VARCHAR(2000) NOT NULL DEFAULT '',
  columns      VARCHAR(1000) CHARACTER SET ascii NOT NULL,
  format       ENUM('xlsx', 'csv-excel', 'csv') NOT NULL,
  row_count    BIGINT UNSIGNED NULL,
  KEY export_log_shop (shop_id, started_at),
  CONSTRAINT fk_export_log_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_export_log_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Each admin's last choice of columns (names in order, comma-separated)
-- and format, offered again next time; NULL: the default columns.
ALTER TABLE admin
  ADD COLUMN IF NOT EXISTS export_columns VARCHAR(1000) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS export_format ENUM('xlsx', 'csv-excel', 'csv') NULL;

-- Staff may export the shop's customers only when an owner allows it.
ALTER TABLE shop
  ADD COLUMN IF NOT EXISTS staff_may_export TINYINT(1) NOT NULL DEFAULT 0;
