-- Signup and consent (issue 15): how customers arrive (open, waiting
-- list, closed, created on their behalf), the consent ledger that proves
-- what each of them agreed to, and what the customer's own space and the
-- retention job need. The statements can run again if a later one failed.

-- 1. The shop's door. shop.mode (open, waitlist, closed) exists since
--    001. An open market with a capacity switches to the waiting list by
--    itself once it has that many current customers. Retention: customers
--    inactive for this many months are warned, then erased (NULL: never).
ALTER TABLE shop
  ADD COLUMN IF NOT EXISTS signup_capacity INT UNSIGNED NULL AFTER mode,
  ADD COLUMN IF NOT EXISTS retention_months SMALLINT UNSIGNED NULL AFTER signup_capacity;

-- Admins choose what they are told by mail: each waiting-list request,
-- each customer who deletes their own account (seed 002).
ALTER TABLE admin
  ADD COLUMN IF NOT EXISTS notify_signups TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS notify_deletions TINYINT(1) NOT NULL DEFAULT 0;

-- 2. Someone on the waiting list has a customer row (they can sign in and
--    see their place) with the status 'waiting' until an admin accepts
--    them. A value added at the end of an ENUM changes no row.
ALTER TABLE customer
  MODIFY status ENUM('invited', 'active', 'inactive', 'blocked', 'waiting') NOT NULL DEFAULT 'invited';

-- 3. Links mailed for the signup's double opt-in, a change of address
--    (sent to the new one, which waits here until it is confirmed) and the
--    deletion of one's own account.
ALTER TABLE login_token
  MODIFY purpose ENUM('customer_login', 'admin_login', 'admin_password', 'signup_confirm',
    'email_change', 'account_delete') NOT NULL,
  ADD COLUMN IF NOT EXISTS new_email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL
    AFTER return_path;

-- 4. A signup, from the public page until it is confirmed (double
--    opt-in) and, on a waiting list, decided. What the person asked for
--    (marketing mail, with the wording they were shown) waits here until
--    the confirmation link is followed: nothing is subscribed before.
--    The place in the queue is the number of waiting rows before one's id.
CREATE TABLE IF NOT EXISTS signup_request (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id           BIGINT UNSIGNED NOT NULL,
  customer_id       BIGINT UNSIGNED NULL,
  status            ENUM('unconfirmed', 'waiting', 'accepted', 'refused') NOT NULL
                      DEFAULT 'unconfirmed',
  message           VARCHAR(2000) NOT NULL DEFAULT '',
  marketing_wanted  TINYINT(1) NOT NULL DEFAULT 0,
  text_id           BIGINT UNSIGNED NULL,
  ip                VARCHAR(45) CHARACTER SET ascii NULL,
  reason            VARCHAR(500) NOT NULL DEFAULT '',
  created_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  confirmed_at      DATETIME NULL,
  decided_at        DATETIME NULL,
  decided_by        BIGINT UNSIGNED NULL,
  KEY signup_request_queue (shop_id, status, id),
  KEY signup_request_customer (shop_id, customer_id),
  CONSTRAINT fk_signup_request_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_signup_request_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id)
    ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 5. The wordings a consent was given to: one row per version, per shop,
--    purpose and language, stored once with its SHA-256. An edit adds a
--    version; no row ever changes, so what a ledger entry points to stays
--    what the person saw. admin_id NULL: the product's default wording.
CREATE TABLE IF NOT EXISTS consent_text (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  purpose      ENUM('marketing', 'system_mail', 'creation') NOT NULL,
  language     CHAR(2) CHARACTER SET ascii NOT NULL,
  version      INT UNSIGNED NOT NULL,
  body         TEXT NOT NULL,
  body_sha256  BINARY(32) NOT NULL,
  admin_id     BIGINT UNSIGNED NULL,
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY consent_text_version (shop_id, purpose, language, version),
  CONSTRAINT fk_consent_text_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 6. The consent ledger (013 made it for the import): every purpose, the
--    channel it came through (the column keeps its name, source: signup
--    page, confirm = the double opt-in link, admin = an admin's
--    attestation, import, unsubscribe link, profile = the customer's
--    space, api), who acted, the wording shown, the client's address, and
--    the SHA-256 of the address the consent was for, which stays when the
--    customer is erased.
ALTER TABLE consent
  MODIFY purpose ENUM('marketing', 'system_mail', 'creation') NOT NULL DEFAULT 'marketing',
  MODIFY source ENUM('import', 'admin', 'signup', 'unsubscribe', 'profile', 'api', 'confirm')
    NOT NULL,
  ADD COLUMN IF NOT EXISTS actor ENUM('customer', 'admin', 'import', 'system', 'api') NOT NULL
    DEFAULT 'system' AFTER source,
  ADD COLUMN IF NOT EXISTS text_id BIGINT UNSIGNED NULL AFTER import_id,
  ADD COLUMN IF NOT EXISTS email_hash BINARY(32) NULL AFTER text_id,
  ADD COLUMN IF NOT EXISTS ip VARCHAR(45) CHARACTER SET ascii NULL AFTER email_hash,
  ADD KEY IF NOT EXISTS consent_email (shop_id, email_hash, id);

ALTER TABLE consent
  ADD CONSTRAINT fk_consent_text_id FOREIGN KEY IF NOT EXISTS (text_id) REFERENCES consent_text (id);

-- (The triggers below are dropped while the rows of before are filled in,
-- so that this file can run again after a later statement failed.)
DROP TRIGGER IF EXISTS consent_append_only_update;
DROP TRIGGER IF EXISTS consent_append_only_delete;
DROP TRIGGER IF EXISTS consent_text_append_only_update;
DROP TRIGGER IF EXISTS consent_text_append_only_delete;

UPDATE consent
   SET actor = CASE source WHEN 'import' THEN 'import' WHEN 'admin' THEN 'admin'
                           WHEN 'api' THEN 'api' ELSE 'customer' END
 WHERE actor = 'system';

UPDATE consent k JOIN customer c ON c.id = k.customer_id
   SET k.email_hash = UNHEX(SHA2(c.email, 256))
 WHERE k.email_hash IS NULL AND c.email IS NOT NULL;

-- The ledger and its wordings are append-only, whoever connects (the
-- programs' user has every right on its database): a trigger refuses any
-- DELETE, and any UPDATE but an erasure's, which blanks the client's
-- address and the free statement (customer_change_selection) and keeps
-- the rest, the address's hash first of all. A customer deleted by an
-- import's undo leaves their rows with customer_id NULL: a foreign key's
-- action fires no trigger, nor does a shop's deletion (ON DELETE CASCADE).
CREATE TRIGGER consent_append_only_update BEFORE UPDATE ON consent FOR EACH ROW
BEGIN
  IF NOT (NEW.id <=> OLD.id AND NEW.shop_id <=> OLD.shop_id
      AND NEW.customer_id <=> OLD.customer_id AND NEW.purpose <=> OLD.purpose
      AND NEW.granted <=> OLD.granted AND NEW.source <=> OLD.source
      AND NEW.actor <=> OLD.actor AND NEW.admin_id <=> OLD.admin_id
      AND NEW.import_id <=> OLD.import_id AND NEW.text_id <=> OLD.text_id
      AND NEW.email_hash <=> OLD.email_hash AND NEW.created_at <=> OLD.created_at
      AND (NEW.ip <=> OLD.ip OR NEW.ip IS NULL)
      AND (NEW.statement <=> OLD.statement OR NEW.statement = '')) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'consent is append-only: only an erasure may blank ip and statement';
  END IF;
END;

CREATE TRIGGER consent_append_only_delete BEFORE DELETE ON consent FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent is append-only: no row is ever deleted';

CREATE TRIGGER consent_text_append_only_update BEFORE UPDATE ON consent_text FOR EACH ROW
  SIGNAL SQLSTATE '45000'
    SET MESSAGE_TEXT = 'consent_text is append-only: an edit adds a version';

CREATE TRIGGER consent_text_append_only_delete BEFORE DELETE ON consent_text FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent_text is append-only: no row is ever deleted';

-- 7. Marketing mails carry List-Unsubscribe (an HTTPS link and a mailto)
--    and List-Unsubscribe-Post (RFC 8058): the header's value is written
--    with the mail, and the worker adds both headers when it is set.
ALTER TABLE outbox
  ADD COLUMN IF NOT EXISTS list_unsubscribe VARCHAR(1000) NULL AFTER body_html;

-- 8. Retention: when a customer was warned that their data will be
--    erased for inactivity (the erasure comes 30 days later unless they
--    come back, which removes the row).
CREATE TABLE IF NOT EXISTS retention_notice (
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NOT NULL,
  warned_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (shop_id, customer_id),
  CONSTRAINT fk_retention_notice_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_retention_notice_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
