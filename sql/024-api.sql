-- Orders from the shop's site (issue 16, point 7): a refunded order is
-- money given back, so it no longer counts in a customer's totals (order
-- count, total spent, hence the average, and the last order), as a
-- cancelled one already did not. The procedure and the insert trigger
-- that keep the totals learn it; the update and delete triggers call the
-- procedure and follow. Customers with refunded orders are counted again.

DROP PROCEDURE IF EXISTS customer_order_totals_refresh;
CREATE PROCEDURE customer_order_totals_refresh(IN refreshed_id BIGINT UNSIGNED)
  UPDATE customer c
     SET c.order_count = (SELECT COUNT(*) FROM orders o
                           WHERE o.customer_id = c.id
                             AND o.status NOT IN ('cancelled', 'refunded')),
         c.total_spent_cents = (SELECT COALESCE(SUM(o.total_cents), 0) FROM orders o
                                 WHERE o.customer_id = c.id
                                   AND o.status NOT IN ('cancelled', 'refunded')),
         c.last_order_at = (SELECT MAX(o.ordered_at) FROM orders o
                             WHERE o.customer_id = c.id
                               AND o.status NOT IN ('cancelled', 'refunded'))
   WHERE c.id = refreshed_id;

DROP TRIGGER IF EXISTS orders_after_insert;
CREATE TRIGGER orders_after_insert AFTER INSERT ON orders FOR EACH ROW
  UPDATE customer
     SET order_count = order_count + 1,
         total_spent_cents = total_spent_cents + NEW.total_cents,
         last_order_at = GREATEST(COALESCE(last_order_at, NEW.ordered_at), NEW.ordered_at)
   WHERE id = NEW.customer_id AND NEW.status NOT IN ('cancelled', 'refunded')
     AND @fidele_bulk_orders IS NULL;

UPDATE customer c
   SET c.order_count = (SELECT COUNT(*) FROM orders o
                         WHERE o.customer_id = c.id
                           AND o.status NOT IN ('cancelled', 'refunded')),
       c.total_spent_cents = (SELECT COALESCE(SUM(o.total_cents), 0) FROM orders o
                               WHERE o.customer_id = c.id
                                 AND o.status NOT IN ('cancelled', 'refunded')),
       c.last_order_at = (SELECT MAX(o.ordered_at) FROM orders o
                           WHERE o.customer_id = c.id
                             AND o.status NOT IN ('cancelled', 'refunded'))
 WHERE c.id IN (SELECT customer_id FROM orders WHERE status = 'refunded');
