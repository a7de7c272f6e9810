-- Retention (issue 15, point 9; fcgi/retention.h): a customer who comes
-- back (signs in, or orders: the orders' triggers move last_order_at)
-- is no longer to be erased, whichever program saw them come.
CREATE TRIGGER IF NOT EXISTS customer_came_back AFTER UPDATE ON customer FOR EACH ROW
BEGIN
  IF NOT (NEW.last_sign_in_at <=> OLD.last_sign_in_at)
     OR NOT (NEW.last_order_at <=> OLD.last_order_at) THEN
    DELETE FROM retention_notice WHERE shop_id = NEW.shop_id AND customer_id = NEW.id;
  END IF;
END;
