-- Import (issue 13): files and pasted lists brought into a shop's
-- customers by a worker job, previewed first, resumable, undoable.

-- 1. What a customer record holds beyond a name and an address: the columns
--    shop files carry (and the export will write). '' when unknown.
--    import_id: the import that created the customer (its undo removes
--    only those), NULL for everyone else.
ALTER TABLE customer
  ADD COLUMN company      VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN address      VARCHAR(255) NOT NULL DEFAULT '',
  ADD COLUMN postal_code  VARCHAR(20)  NOT NULL DEFAULT '',
  ADD COLUMN city         VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN vat_number   VARCHAR(32)  NOT NULL DEFAULT '',
  ADD COLUMN import_id    BIGINT UNSIGNED NULL,
  ALGORITHM=INSTANT;

-- 2. One import: the file as it was brought (spooled under Spool.Dir/<shop>/kept/),
--    what was found in it and what the admin chose, the counts of its
--    preview (dry run) and of the real run. A job (job.kind import.*) does
--    the long work; job_id is the newest.
CREATE TABLE import (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id          BIGINT UNSIGNED NOT NULL,
  admin_id         BIGINT UNSIGNED NULL,
  job_id           BIGINT UNSIGNED NULL,
  source           ENUM('file', 'paste') NOT NULL,
  file_name        VARCHAR(255) NOT NULL DEFAULT '',
  file_size        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- the spooled file; '' once deleted (after the import, or its undo)
  spool_path       VARCHAR(1024) NOT NULL DEFAULT '',
  -- as found, then as the admin corrected them (sheet.h's names)
  format           VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT 'csv',
  encoding         VARCHAR(20) CHARACTER SET ascii NOT NULL DEFAULT 'utf-8',
  field_separator  VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT ',',
  has_header       TINYINT(1) NOT NULL DEFAULT 1,
  -- data rows (without the header), counted when the file came in
  row_count        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  column_count     INT UNSIGNED NOT NULL DEFAULT 0,
  -- the headers, and the field of each column (import-map.h's names),
  -- both as one line of comma-separated, url-escaped values
  headers          TEXT NOT NULL,
  mapping          TEXT NOT NULL,
  mode             ENUM('fill', 'overwrite', 'keep') NOT NULL DEFAULT 'fill',
  subscribe        TINYINT(1) NOT NULL DEFAULT 0,
  -- who ticked "I have these people's consent", and when: the consent
  -- rows of the run name them (NULL once that admin is gone)
  subscribe_admin_id     BIGINT UNSIGNED NULL,
  subscribe_attested_at  DATETIME NULL,
  welcome          TINYINT(1) NOT NULL DEFAULT 0,
  state            ENUM('new', 'previewing', 'previewed', 'queued', 'importing', 'done',
                        'failed', 'cancelled', 'undoing', 'undone') NOT NULL DEFAULT 'new',
  -- the preview's counts (nothing written), then the run's
  preview_new        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  preview_updated    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  preview_unchanged  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  preview_invalid    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  preview_duplicate  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_new        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_updated    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_unchanged  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_invalid    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_duplicate  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- why the last job of the import failed: a key of Lang.Import.Failure
  -- (sheet.h's statuses, "error", ...); '' otherwise
  error            VARCHAR(40) CHARACTER SET ascii NOT NULL DEFAULT '',
  undo_removed     BIGINT UNSIGNED NOT NULL DEFAULT 0,
  undo_kept        BIGINT UNSIGNED NOT NULL DEFAULT 0,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  started_at       DATETIME NULL,
  finished_at      DATETIME NULL,
  undone_at        DATETIME NULL,
  KEY import_shop (shop_id, id),
  CONSTRAINT fk_import_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_import_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL,
  CONSTRAINT fk_import_subscribe_admin_id FOREIGN KEY (subscribe_admin_id) REFERENCES admin (id)
    ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 3. The rows an import (or its preview: dry_run = 1) could not take, with
--    their line in the file, the reason (import-map.h's names) and the row
--    as it was, for errors.csv.
CREATE TABLE import_error (
  import_id   BIGINT UNSIGNED NOT NULL,
  dry_run     TINYINT(1) NOT NULL,
  line        BIGINT UNSIGNED NOT NULL,
  shop_id     BIGINT UNSIGNED NOT NULL,
  reason      VARCHAR(40) CHARACTER SET ascii NOT NULL,
  row_text    MEDIUMTEXT NOT NULL,
  PRIMARY KEY (import_id, dry_run, line),
  CONSTRAINT fk_import_error_import_id FOREIGN KEY (import_id) REFERENCES import (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 4. The consent ledger: append-only, one row per marketing consent given or
--    withdrawn, with where it came from and who attested it. An address
--    whose newest row withdrew consent is never subscribed again by an
--    import. (The signup issue adds its own sources.)
CREATE TABLE consent (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id      BIGINT UNSIGNED NOT NULL,
  customer_id  BIGINT UNSIGNED NULL,
  purpose      ENUM('marketing') NOT NULL DEFAULT 'marketing',
  granted      TINYINT(1) NOT NULL,
  source       ENUM('import', 'admin', 'signup', 'unsubscribe', 'profile', 'api') NOT NULL,
  admin_id     BIGINT UNSIGNED NULL,
  import_id    BIGINT UNSIGNED NULL,
  -- what the person agreed to, or how the admin says it was obtained
  statement    VARCHAR(2000) NOT NULL DEFAULT '',
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY consent_customer (shop_id, customer_id, id),
  CONSTRAINT fk_consent_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE,
  CONSTRAINT fk_consent_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
