-- An erased customer's orders stay for the shop's figures, detached from
-- the customer (customer_id NULL) and, since this version, without who
-- they shipped and billed to (sql/019's columns): the erasure blanks
-- those with the link (fcgi/lib/customer.c, SQL_SELECTION_DETACH_ORDERS),
-- as the customer's deletion page and the retention setting promise.
-- Erasures made before it left them; this blanks them on every order
-- already detached. An order has no customer only when its customer was
-- erased or deleted (the API refuses an order without one). Safe to run
-- again.
UPDATE orders
   SET shipping_name = '', shipping_address = '', shipping_phone = '',
       billing_name = '', billing_address = '', billing_phone = ''
 WHERE customer_id IS NULL
   AND (shipping_name <> '' OR shipping_address <> '' OR shipping_phone <> ''
        OR billing_name <> '' OR billing_address <> '' OR billing_phone <> '');
