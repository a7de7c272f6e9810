-- The version of a shop's groups and tags (issue 12: the list in two
-- statements). The customer list shows the shop's groups and tags in its
-- filter; each copy of customers.fcgi keeps them per shop
-- (fcgi/customers-columns.c) and the door reads this version with the shop
-- (fcgi/lib/core_sql.c): a kept list is used while its version is the
-- shop's, read again as soon as it is not.
--
-- The server bumps it, so no writer can forget: every insert, update and
-- delete of a group or a tag, in the writer's own transaction, so that the
-- change and the new version are seen together. A table of its own rather
-- than a column of shop: the bump locks one row no other statement
-- writes, and a statement that reads shop while it adds a tag still may
-- (a trigger cannot write a table its statement reads, error 1442).
-- A version is never taken twice by a shop, even when its row goes and
-- comes back (a shop delete that stopped half-way, a shop id taken again
-- after a restore): a bump is the current time in microseconds, or one
-- more than the row's version when that is ahead. A shop without a row is
-- at version 0, which no bump gives.
CREATE TABLE IF NOT EXISTS label_version (
  shop_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  version  BIGINT UNSIGNED NOT NULL,
  CONSTRAINT fk_label_version_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- the bump, one for every trigger below
CREATE PROCEDURE IF NOT EXISTS label_version_bump(IN bumped BIGINT UNSIGNED)
  INSERT INTO label_version (shop_id, version)
  VALUES (bumped, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS UNSIGNED))
  ON DUPLICATE KEY UPDATE version = GREATEST(version + 1, VALUES(version));

CREATE TRIGGER IF NOT EXISTS tag_label_insert AFTER INSERT ON tag FOR EACH ROW
  CALL label_version_bump(NEW.shop_id);
CREATE TRIGGER IF NOT EXISTS tag_label_update AFTER UPDATE ON tag FOR EACH ROW
  CALL label_version_bump(NEW.shop_id);
CREATE TRIGGER IF NOT EXISTS tag_label_delete AFTER DELETE ON tag FOR EACH ROW
  CALL label_version_bump(OLD.shop_id);

CREATE TRIGGER IF NOT EXISTS customer_group_label_insert AFTER INSERT ON customer_group
  FOR EACH ROW CALL label_version_bump(NEW.shop_id);
CREATE TRIGGER IF NOT EXISTS customer_group_label_update AFTER UPDATE ON customer_group
  FOR EACH ROW CALL label_version_bump(NEW.shop_id);
CREATE TRIGGER IF NOT EXISTS customer_group_label_delete AFTER DELETE ON customer_group
  FOR EACH ROW CALL label_version_bump(OLD.shop_id);
