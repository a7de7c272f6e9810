-- A group's or a tag's list in name or e-mail order (issue 16: p95 under
-- 20 ms on a shop of a million): each membership keeps a copy of its
-- customer's name order (sql/006) and address, and an index holds a
-- group's (a tag's) members in each order, so that a page reads its 50
-- members in order and their rows, and stops (fcgi/lib/customer_query.c,
-- slice_ordered). Without it a page walked the shop's order and looked up
-- each customer's membership: a group of 1 % read 5,000 customers for a
-- page, and reading the 10,000 members first read 10,000 rows and sorted
-- them.
--
-- The server keeps the copies, so no writer can forget them: a membership
-- takes its customer's when it is added (read with a shared lock, the one
-- the foreign key takes anyway: a name changed by a transaction not yet
-- committed is waited for, not copied stale), and a customer whose name or
-- address changes passes it to their memberships. Orders, sign-ins and
-- consent change neither and cost one comparison.
--
-- Each statement can run again if a later one failed; the copies are
-- filled last, once the triggers keep them, so a membership added while
-- this runs is right either way. On a Galera cluster the two ALTERs stop
-- the cluster's writes while they run (a few seconds for a million
-- memberships), and the fill is one transaction of every membership.
ALTER TABLE customer_group_member
  ADD COLUMN IF NOT EXISTS name_key VARBINARY(64) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD KEY IF NOT EXISTS customer_group_member_name (shop_id, group_id, name_key, customer_id),
  ADD KEY IF NOT EXISTS customer_group_member_email (shop_id, group_id, email, customer_id);

ALTER TABLE customer_tag
  ADD COLUMN IF NOT EXISTS name_key VARBINARY(64) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD KEY IF NOT EXISTS customer_tag_name (shop_id, tag_id, name_key, customer_id),
  ADD KEY IF NOT EXISTS customer_tag_email (shop_id, tag_id, email, customer_id);

CREATE TRIGGER IF NOT EXISTS customer_group_member_order BEFORE INSERT ON customer_group_member
FOR EACH ROW
BEGIN
  DECLARE copied_key VARBINARY(64) DEFAULT '';
  DECLARE copied_email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SELECT name_key, email INTO copied_key, copied_email FROM customer
   WHERE id = NEW.customer_id LOCK IN SHARE MODE;
  SET NEW.name_key = copied_key, NEW.email = copied_email;
END;

CREATE TRIGGER IF NOT EXISTS customer_tag_order BEFORE INSERT ON customer_tag
FOR EACH ROW
BEGIN
  DECLARE copied_key VARBINARY(64) DEFAULT '';
  DECLARE copied_email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SELECT name_key, email INTO copied_key, copied_email FROM customer
   WHERE id = NEW.customer_id LOCK IN SHARE MODE;
  SET NEW.name_key = copied_key, NEW.email = copied_email;
END;

CREATE TRIGGER IF NOT EXISTS customer_slice_order AFTER UPDATE ON customer FOR EACH ROW
BEGIN
  IF NOT (NEW.name_key <=> OLD.name_key AND NEW.email <=> OLD.email) THEN
    UPDATE customer_group_member SET name_key = NEW.name_key, email = NEW.email
     WHERE shop_id = NEW.shop_id AND customer_id = NEW.id;
    UPDATE customer_tag SET name_key = NEW.name_key, email = NEW.email
     WHERE shop_id = NEW.shop_id AND customer_id = NEW.id;
  END IF;
END;

UPDATE customer_group_member m JOIN customer c ON c.id = m.customer_id
   SET m.name_key = c.name_key, m.email = c.email
 WHERE NOT (m.name_key <=> c.name_key AND m.email <=> c.email);

UPDATE customer_tag t JOIN customer c ON c.id = t.customer_id
   SET t.name_key = c.name_key, t.email = c.email
 WHERE NOT (t.name_key <=> c.name_key AND t.email <=> c.email);
