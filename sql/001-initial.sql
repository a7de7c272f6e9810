-- Fidèle initial schema: shops, their hosts and admins, customers, orders,
-- sessions, login tokens, the mail outbox, the per-customer event timeline
-- and rate limits. Every row that belongs to a shop carries shop_id, and
-- every query filters on it. Times are UTC (each connection sets
-- time_zone = '+00:00').
--
-- Text that people search (names) uses utf8mb4_unicode_520_ci, so that
-- "elodie" finds "Élodie" through the index with LIKE 'elodie%'. E-mail
-- addresses are stored normalised (trimmed, lowercased) and compared
-- byte for byte.

CREATE TABLE shop (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug          VARCHAR(63) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  name          VARCHAR(200) NOT NULL,
  language      CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'fr',
  mode          ENUM('open', 'waitlist', 'closed') NOT NULL DEFAULT 'open',
  sender_name   VARCHAR(200) NOT NULL DEFAULT '',
  sender_email  VARCHAR(254) NOT NULL DEFAULT '',
  currency      CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT 'EUR',
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY shop_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The host names a shop answers on, when the vhost does not set FIDELE_SHOP.
CREATE TABLE shop_host (
  host     VARCHAR(253) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL PRIMARY KEY,
  shop_id  BIGINT UNSIGNED NOT NULL,
  KEY shop_host_shop (shop_id),
  CONSTRAINT fk_shop_host_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE admin (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id          BIGINT UNSIGNED NOT NULL,
  email            VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  name             VARCHAR(200) NOT NULL DEFAULT '',
  role             ENUM('owner', 'staff') NOT NULL DEFAULT 'staff',
  -- PHC string ($scrypt$ln=17,r=8,p=1$salt$hash); NULL until one is set by link
  password_hash    VARCHAR(255) CHARACTER SET ascii NULL,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_sign_in_at  DATETIME NULL,
  disabled_at      DATETIME NULL,
  UNIQUE KEY admin_shop_email (shop_id, email),
  CONSTRAINT fk_admin_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE customer (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id            BIGINT UNSIGNED NOT NULL,
  -- NULL once the customer's personal data has been erased
  email              VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  first_name         VARCHAR(100) NOT NULL DEFAULT '',
  last_name          VARCHAR(100) NOT NULL DEFAULT '',
  phone              VARCHAR(32) NOT NULL DEFAULT '',
  -- the phone's digits only ("+33 6 12…" -> "33612…"), for search
  phone_digits       VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  country            CHAR(2) CHARACTER SET ascii NULL,
  language           CHAR(2) CHARACTER SET ascii NULL,
  status             ENUM('invited', 'active', 'inactive', 'blocked') NOT NULL DEFAULT 'invited',
  status_reason      VARCHAR(500) NOT NULL DEFAULT '',
  source             ENUM('self', 'admin', 'import', 'order') NOT NULL,
  marketing_consent  TINYINT(1) NOT NULL DEFAULT 0,
  system_mail        TINYINT(1) NOT NULL DEFAULT 1,
  tax_exempt         TINYINT(1) NOT NULL DEFAULT 0,
  -- kept by the triggers on orders; cancelled orders do not count
  order_count        INT UNSIGNED NOT NULL DEFAULT 0,
  total_spent_cents  BIGINT NOT NULL DEFAULT 0,
  last_order_at      DATETIME NULL,
  created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  last_sign_in_at    DATETIME NULL,
  erased_at          DATETIME NULL,
  UNIQUE KEY customer_shop_email (shop_id, email),
  KEY customer_shop_name (shop_id, last_name, first_name, id),
  KEY customer_shop_first_name (shop_id, first_name),
  KEY customer_shop_phone (shop_id, phone_digits),
  KEY customer_shop_created (shop_id, created_at),
  KEY customer_shop_last_order (shop_id, last_order_at),
  KEY customer_shop_spent (shop_id, total_spent_cents),
  CONSTRAINT fk_customer_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Written by the shop; read here for totals. Orders outlive an erased
-- customer (customer_id becomes NULL) for the shop's accounts.
CREATE TABLE orders (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NULL,
  reference    VARCHAR(64) NOT NULL,
  status       ENUM('pending', 'paid', 'shipped', 'completed', 'cancelled', 'refunded') NOT NULL DEFAULT 'paid',
  total_cents  BIGINT NOT NULL,
  currency     CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT 'EUR',
  ordered_at   DATETIME NOT NULL,
  UNIQUE KEY orders_shop_reference (shop_id, reference),
  KEY orders_customer (shop_id, customer_id, ordered_at),
  CONSTRAINT fk_orders_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_orders_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Browser sessions of admins and customers. Only SHA-256(id) is stored.
CREATE TABLE session (
  id_hash       BINARY(32) NOT NULL PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NOT NULL,
  admin_id      BIGINT UNSIGNED NULL,
  customer_id   BIGINT UNSIGNED NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_seen_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at    DATETIME NOT NULL,
  ip            VARCHAR(45) CHARACTER SET ascii NOT NULL DEFAULT '',
  user_agent    VARCHAR(255) NOT NULL DEFAULT '',
  KEY session_expires (expires_at),
  KEY session_admin (shop_id, admin_id),
  KEY session_customer (shop_id, customer_id),
  CONSTRAINT fk_session_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_session_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE CASCADE,
  CONSTRAINT fk_session_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Sign-in links and codes, admin password links. Only HMACs are stored.
CREATE TABLE login_token (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NULL,
  admin_id     BIGINT UNSIGNED NULL,
  purpose      ENUM('customer_login', 'admin_login', 'admin_password') NOT NULL,
  token_hash   BINARY(32) NOT NULL,
  code_hash    BINARY(32) NULL,
  code_tries   TINYINT UNSIGNED NOT NULL DEFAULT 0,
  return_path  VARCHAR(500) NULL,
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at   DATETIME NOT NULL,
  used_at      DATETIME NULL,
  UNIQUE KEY login_token_hash (token_hash),
  KEY login_token_customer (shop_id, customer_id),
  KEY login_token_admin (shop_id, admin_id),
  KEY login_token_expires (expires_at),
  CONSTRAINT fk_login_token_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_login_token_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
  CONSTRAINT fk_login_token_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Every mail leaves through here, written in the same transaction as the
-- change that causes it; fidele-worker sends it.
CREATE TABLE outbox (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id          BIGINT UNSIGNED NOT NULL,
  customer_id      BIGINT UNSIGNED NULL,
  admin_id         BIGINT UNSIGNED NULL,
  kind             VARCHAR(40) CHARACTER SET ascii NOT NULL,
  recipient        VARCHAR(254) NOT NULL,
  subject          VARCHAR(255) NOT NULL,
  body_text        MEDIUMTEXT NOT NULL,
  body_html        MEDIUMTEXT NULL,
  status           ENUM('queued', 'sending', 'sent', 'failed') NOT NULL DEFAULT 'queued',
  attempts         INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  locked_by        VARCHAR(64) NULL,
  locked_until     DATETIME NULL,
  last_error       VARCHAR(500) NULL,
  message_id       VARCHAR(255) NULL,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  sent_at          DATETIME NULL,
  KEY outbox_due (status, next_attempt_at),
  KEY outbox_customer (shop_id, customer_id, id),
  CONSTRAINT fk_outbox_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- The per-customer timeline and the shop's audit log. customer_id has no
-- foreign key on purpose: "customer #N erased by …" outlives the customer.
CREATE TABLE event (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NULL,
  admin_id     BIGINT UNSIGNED NULL,
  kind         VARCHAR(40) CHARACTER SET ascii NOT NULL,
  detail       VARCHAR(1000) NOT NULL DEFAULT '',
  ip           VARCHAR(45) CHARACTER SET ascii NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY event_customer (shop_id, customer_id, id),
  KEY event_shop (shop_id, id),
  CONSTRAINT fk_event_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Fixed-window counters shared by every process (sign-in attempts, link
-- requests). key_hash is SHA-256 of the limited key (address, account).
CREATE TABLE rate_limit (
  bucket        VARCHAR(32) CHARACTER SET ascii NOT NULL,
  key_hash      BINARY(32) NOT NULL,
  window_start  DATETIME NOT NULL,
  hits          INT UNSIGNED NOT NULL,
  PRIMARY KEY (bucket, key_hash),
  KEY rate_limit_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- Customer order totals follow the orders table. Bulk loaders that compute
-- the totals themselves (fidele-admin seed-demo) set @fidele_bulk_orders = 1
-- in their own session to skip this per-row work.
CREATE TRIGGER orders_after_insert AFTER INSERT ON orders FOR EACH ROW
  UPDATE customer
     SET order_count = order_count + 1,
         total_spent_cents = total_spent_cents + NEW.total_cents,
         last_order_at = GREATEST(COALESCE(last_order_at, NEW.ordered_at), NEW.ordered_at)
   WHERE id = NEW.customer_id AND NEW.status <> 'cancelled' AND @fidele_bulk_orders IS NULL;

-- Recounts one customer's totals from the orders table.
CREATE PROCEDURE customer_order_totals_refresh(IN refreshed_id BIGINT UNSIGNED)
  UPDATE customer c
     SET c.order_count = (SELECT COUNT(*) FROM orders o
                           WHERE o.customer_id = c.id AND o.status <> 'cancelled'),
         c.total_spent_cents = (SELECT COALESCE(SUM(o.total_cents), 0) FROM orders o
                                 WHERE o.customer_id = c.id AND o.status <> 'cancelled'),
         c.last_order_at = (SELECT MAX(o.ordered_at) FROM orders o
                             WHERE o.customer_id = c.id AND o.status <> 'cancelled')
   WHERE c.id = refreshed_id;

CREATE TRIGGER orders_after_update AFTER UPDATE ON orders FOR EACH ROW
BEGIN
  CALL customer_order_totals_refresh(OLD.customer_id);
  IF NOT (NEW.customer_id <=> OLD.customer_id) THEN
    CALL customer_order_totals_refresh(NEW.customer_id);
  END IF;
END;

CREATE TRIGGER orders_after_delete AFTER DELETE ON orders FOR EACH ROW
  CALL customer_order_totals_refresh(OLD.customer_id);
