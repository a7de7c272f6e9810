-- Groups, tags, segments, mailings and the storefront API (issue 16):
-- ways of slicing a shop's customers, and orders fed by the shop's site.
-- Names are unique per shop with case and accents folded: the tables'
-- collation (utf8mb4_unicode_520_ci) compares 'Épicerie' and 'epicerie'
-- as equal, so the unique keys refuse the second one.

-- A group gives its members a discount and a CSS class on the shop's own
-- site (read through GET /api/v1/customers). A customer is in any number.
CREATE TABLE IF NOT EXISTS customer_group (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(100) NOT NULL,
  description   VARCHAR(1000) NOT NULL DEFAULT '',
  -- hundredths of a percent: 0 to 10000 (0 % to 100.00 %)
  discount_bp   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  -- an identifier ([A-Za-z_][A-Za-z0-9_-]*), NULL when none; unique per shop
  css_class     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY customer_group_name (shop_id, name),
  UNIQUE KEY customer_group_css (shop_id, css_class),
  CONSTRAINT fk_customer_group_shop FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT customer_group_discount CHECK (discount_bp <= 10000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Membership. shop_id is repeated so every read names the shop and the
-- list's filter can walk (shop, group) without touching customer_group.
CREATE TABLE IF NOT EXISTS customer_group_member (
  shop_id       BIGINT UNSIGNED NOT NULL,
  group_id      BIGINT UNSIGNED NOT NULL,
  customer_id   BIGINT UNSIGNED NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (group_id, customer_id),
  KEY customer_group_member_customer (shop_id, customer_id, group_id),
  CONSTRAINT fk_cgm_group FOREIGN KEY (group_id) REFERENCES customer_group (id) ON DELETE CASCADE,
  CONSTRAINT fk_cgm_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Free tags, at most 250 per shop (counted by the program, in the
-- transaction that adds one, with the shop row locked).
CREATE TABLE IF NOT EXISTS tag (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(50) NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY tag_name (shop_id, name),
  CONSTRAINT fk_tag_shop FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS customer_tag (
  shop_id       BIGINT UNSIGNED NOT NULL,
  tag_id        BIGINT UNSIGNED NOT NULL,
  customer_id   BIGINT UNSIGNED NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (tag_id, customer_id),
  KEY customer_tag_customer (shop_id, customer_id, tag_id),
  CONSTRAINT fk_customer_tag_tag FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE,
  CONSTRAINT fk_customer_tag_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A saved list view: the list's own query string (search, filters, sort),
-- shared by the shop's admins. The two built-in ones (new customers,
-- returning customers) are not rows: the program defines them.
CREATE TABLE IF NOT EXISTS segment (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(100) NOT NULL,
  view_query    VARCHAR(2000) CHARACTER SET ascii NOT NULL,
  admin_id      BIGINT UNSIGNED NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY segment_name (shop_id, name),
  CONSTRAINT fk_segment_shop FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_segment_admin FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The list's columns each admin chose (names separated by commas, in
-- order); NULL for the default set.
ALTER TABLE admin
  ADD COLUMN IF NOT EXISTS list_columns VARCHAR(255) CHARACTER SET ascii NULL;

-- A mail to a group, a tag or a segment. Its recipients are chosen when it
-- is sent (the consent rules of its kind applied then) and queued through
-- the outbox in batches by the worker; the counts come from the outbox.
CREATE TABLE IF NOT EXISTS mailing (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id          BIGINT UNSIGNED NOT NULL,
  admin_id         BIGINT UNSIGNED NULL,
  -- marketing: only customers whose consent allows it; system: every
  -- customer not blocked who has system mail on
  kind             ENUM('marketing', 'system') NOT NULL,
  target_kind      ENUM('group', 'tag', 'segment') NOT NULL,
  -- a group, tag or segment id, or a built-in segment's number
  target_id        BIGINT UNSIGNED NOT NULL,
  -- the target's name when it was sent, kept if the target is deleted
  target_label     VARCHAR(100) NOT NULL DEFAULT '',
  subject          VARCHAR(200) NOT NULL,
  body             MEDIUMTEXT NOT NULL,
  state            ENUM('queued', 'sending', 'sent', 'cancelled') NOT NULL DEFAULT 'queued',
  recipient_count  INT UNSIGNED NOT NULL DEFAULT 0,
  -- the last customer id queued, so a batch resumes after a restart
  cursor_id        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  finished_at      DATETIME NULL,
  KEY mailing_shop (shop_id, id),
  KEY mailing_state (state, id),
  CONSTRAINT fk_mailing_shop FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_mailing_admin FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

ALTER TABLE outbox
  ADD COLUMN IF NOT EXISTS mailing_id BIGINT UNSIGNED NULL,
  ADD KEY IF NOT EXISTS outbox_mailing (mailing_id, status);

-- Orders fed by the shop's site (POST /api/v1/orders): who it ships and
-- bills to (the customer page shows the last ones used), and when the shop
-- last changed it (a retry of an older change is taken once).
ALTER TABLE orders
  ADD COLUMN IF NOT EXISTS updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
    ON UPDATE CURRENT_TIMESTAMP,
  ADD COLUMN IF NOT EXISTS shipping_name VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS shipping_address VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS shipping_phone VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS billing_name VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS billing_address VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS billing_phone VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS api_key_id BIGINT UNSIGNED NULL;
