-- API keys (issue 11, point 5): a shop's web store calls the machine
-- endpoints (ROUTE_KEY routes, /api/v1/* next) with requests signed by one
-- of the shop's keys (README, "Signed requests").
--
-- No secret is stored: a key's secret is HMAC-SHA256 of its public id under
-- the installation's secret (Security.Secret), so the server can verify a
-- signature (which needs the secret itself, not a hash of it) while a copy
-- of the database alone signs nothing. fidele-admin api-key create prints
-- the secret once.
CREATE TABLE api_key (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NOT NULL,
  -- what a request names: "fk_" and 24 random hex digits, unique over the
  -- installation so a key is found before its shop is compared
  public_id     VARCHAR(32) CHARACTER SET ascii NOT NULL,
  name          VARCHAR(200) NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- set at most once a minute, not at every request
  last_used_at  DATETIME NULL,
  revoked_at    DATETIME NULL,
  UNIQUE KEY api_key_public (public_id),
  KEY api_key_shop (shop_id, id),
  CONSTRAINT fk_api_key_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The nonces of signed requests, kept as long as their timestamp could
-- still be accepted (300 s either way), so a request is taken once. The
-- worker's housekeeping deletes the expired ones.
CREATE TABLE api_nonce (
  api_key_id    BIGINT UNSIGNED NOT NULL,
  nonce         VARCHAR(64) CHARACTER SET ascii NOT NULL,
  shop_id       BIGINT UNSIGNED NOT NULL,
  expires_at    DATETIME NOT NULL,
  PRIMARY KEY (api_key_id, nonce),
  KEY api_nonce_expiry (expires_at),
  CONSTRAINT fk_api_nonce_key FOREIGN KEY (api_key_id) REFERENCES api_key (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- The timeline says which key acted (an API request has no admin).
ALTER TABLE event ADD COLUMN api_key_id BIGINT UNSIGNED NULL AFTER admin_id;
