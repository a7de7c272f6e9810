-- The hosting provider's hold on a shop (issue 17, point 4), set by
-- fidele-admin: a disabled shop answers "temporarily closed" on every
-- page and its mail and jobs wait; the limits are NULL when there is none.
--   disabled_at          when the provider disabled the shop (NULL: open)
--   customer_limit       most customers (not erased) the shop may have
--   mail_limit_per_day   most mails sent a day (the server's day); past
--                        it the shop's mail waits until the next day
--   upload_limit_mb      largest import upload, in MiB (below the
--                        installation's Limits.MaxUpload)
ALTER TABLE shop
  ADD COLUMN disabled_at DATETIME NULL,
  ADD COLUMN customer_limit INT UNSIGNED NULL,
  ADD COLUMN mail_limit_per_day INT UNSIGNED NULL,
  ADD COLUMN upload_limit_mb INT UNSIGNED NULL;

-- a shop's mail sent today, counted from this index alone when it has a
-- limit of mails per day
ALTER TABLE outbox
  ADD KEY outbox_shop_sent (shop_id, status, sent_at);
