-- The worker (issue 11, point 7): mail claimed fairly across shops with
-- sign-in mail first, retry by time, a stable Message-ID per mail, claims
-- released as soon as their worker stops beating.
--
-- 1. A mail's priority follows from its kind, whoever queues it (the web
--    programs, the CLI, a future importer or a bulk INSERT): 0 for what a
--    person is waiting for (sign-in links and codes, the answer to an
--    unknown address, an admin's password link), 1 for the rest. The worker
--    takes the lowest number first within a shop, and takes shops in turn.
--    A new urgent kind is added here, by a migration.
ALTER TABLE outbox
  ADD COLUMN priority TINYINT UNSIGNED AS
    (IF(kind IN ('customer-login', 'customer-unknown', 'admin-reset'), 0, 1)) STORED AFTER kind,
  -- when the current series of attempts began: a mail is given up
  -- Mail.GiveUpHours after it (an admin's "send again" sets attempts to 0,
  -- which starts a new series)
  ADD COLUMN first_attempt_at DATETIME NULL AFTER attempts,
  -- which shops have due mail, and each shop's due mail in the order it goes
  ADD KEY outbox_due_shop (status, next_attempt_at, shop_id, priority),
  ADD KEY outbox_claim (shop_id, status, priority, id),
  -- housekeeping blanks the bodies of old sent mail
  ADD KEY outbox_sent (status, sent_at);

-- 2. Workers alive: each beats every few seconds; a mail claimed by a
--    worker whose beat is older than the dead limit is free again.
CREATE TABLE worker (
  id            VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  host          VARCHAR(255) NOT NULL DEFAULT '',
  pid           INT UNSIGNED NOT NULL,
  started_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  heartbeat_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY worker_heartbeat (heartbeat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 3. Long work run by fidele-worker (housekeeping now; imports and bulk
--    actions next). shop_id is NULL for work over the whole installation.
--    A running job whose worker stopped beating is taken again and resumes
--    from progress.
CREATE TABLE job (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  shop_id       BIGINT UNSIGNED NULL,
  kind          VARCHAR(40) CHARACTER SET ascii NOT NULL,
  state         ENUM('queued', 'running', 'done', 'failed', 'cancelled') NOT NULL DEFAULT 'queued',
  progress      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  total         BIGINT UNSIGNED NULL,
  worker_id     VARCHAR(64) CHARACTER SET ascii NULL,
  heartbeat_at  DATETIME NULL,
  attempts      INT UNSIGNED NOT NULL DEFAULT 0,
  last_error    VARCHAR(500) NULL,
  payload       TEXT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  finished_at   DATETIME NULL,
  KEY job_state (state, id),
  KEY job_shop (shop_id, id),
  CONSTRAINT fk_job_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
