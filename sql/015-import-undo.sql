-- An import's undo (fcgi/import-undo.c) walks the customers that import
-- created, a batch at a time, in id order: without this key each batch
-- would read the whole shop.
ALTER TABLE customer
  ADD KEY customer_import (shop_id, import_id, id);
