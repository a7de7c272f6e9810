-- Login links and codes (login-links issue).
--
-- A customer who asks for a link gets a page where the mailed 6-digit code
-- can be typed. That page carries an opaque handle, not the e-mail
-- address, so it looks the same whether or not the address is known; only
-- the handle's HMAC is stored.
ALTER TABLE login_token
  ADD COLUMN handle_hash BINARY(32) NULL AFTER code_tries,
  ADD UNIQUE KEY login_token_handle (handle_hash);

-- Where a shop's mailed links point (https://clients.example.fr). When it
-- is empty, links use the host the request came on, which was checked
-- against shop_host; a shop pinned by FIDELE_SHOP must set it.
ALTER TABLE shop
  ADD COLUMN public_url VARCHAR(255) NULL AFTER currency;

-- Mails that could not be sent are shown to the shop's admins.
ALTER TABLE outbox
  ADD KEY outbox_shop_status (shop_id, status);
