-- Issue 12: the door (fcgi/lib/core_sql.c) tells a signed-in admin how many
-- of the shop's mails failed and which of its jobs is queued or running.
-- It counted them with two subqueries on every admin request of every
-- program: 0.17 ms of the server's time each time on empty tables (half
-- the door), and a shop with 5,000 failed mails counted 5,000 index entries
-- each time. The server now keeps both, a count per shop and a row per
-- queued or running job, and the door reads them on their primary keys.
--
-- Kept by triggers, in the writer's own transaction, so that no writer can
-- forget: the worker, the retry and purge of failed mails, the import, the
-- jobs' pages, fidele-admin and plain SQL. A foreign key's cascade (a shop
-- deleted whole) fires no trigger: these rows cascade with it.
CREATE TABLE IF NOT EXISTS mail_failed (
  shop_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  failed   BIGINT NOT NULL,
  CONSTRAINT fk_mail_failed_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- one row per queued or running job of a shop: the door reads the newest
-- of its kind, the last entry of (shop_id, kind)
CREATE TABLE IF NOT EXISTS job_active (
  shop_id  BIGINT UNSIGNED NOT NULL,
  kind     VARCHAR(40) CHARACTER SET ascii NOT NULL,
  job_id   BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (shop_id, kind, job_id),
  CONSTRAINT fk_job_active_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- A mail that becomes failed adds one, one that stops being failed (sent
-- again, deleted) takes one away; a mail that stays as it was writes
-- nothing, so that sending mail never waits on the shop's row.
CREATE OR REPLACE PROCEDURE mail_failed_add(IN shop BIGINT UNSIGNED, IN added INT)
  INSERT INTO mail_failed (shop_id, failed) VALUES (shop, GREATEST(added, 0))
  ON DUPLICATE KEY UPDATE failed = GREATEST(failed + added, 0);

CREATE OR REPLACE TRIGGER outbox_failed_insert AFTER INSERT ON outbox FOR EACH ROW
BEGIN
  IF NEW.status = 'failed' THEN
    CALL mail_failed_add(NEW.shop_id, 1);
  END IF;
END;

CREATE OR REPLACE TRIGGER outbox_failed_update AFTER UPDATE ON outbox FOR EACH ROW
BEGIN
  IF OLD.status = 'failed' AND NOT (NEW.status = 'failed' AND NEW.shop_id = OLD.shop_id) THEN
    CALL mail_failed_add(OLD.shop_id, -1);
  END IF;
  IF NEW.status = 'failed' AND NOT (OLD.status = 'failed' AND NEW.shop_id = OLD.shop_id) THEN
    CALL mail_failed_add(NEW.shop_id, 1);
  END IF;
END;

CREATE OR REPLACE TRIGGER outbox_failed_delete AFTER DELETE ON outbox FOR EACH ROW
BEGIN
  IF OLD.status = 'failed' THEN
    CALL mail_failed_add(OLD.shop_id, -1);
  END IF;
END;

-- A job that becomes queued or running adds its own row, one that stops
-- (done, failed, cancelled, deleted) takes it away: each trigger writes
-- only its own job's row and reads nothing, so that two jobs ending at
-- once never wait on each other. Work over the whole installation (no
-- shop) is no shop's.
CREATE OR REPLACE TRIGGER job_active_insert AFTER INSERT ON job FOR EACH ROW
BEGIN
  IF NEW.shop_id IS NOT NULL AND NEW.state IN ('queued', 'running') THEN
    INSERT IGNORE INTO job_active (shop_id, kind, job_id) VALUES (NEW.shop_id, NEW.kind, NEW.id);
  END IF;
END;

-- (a job's progress and heartbeat, written every few seconds, change
-- nothing here)
CREATE OR REPLACE TRIGGER job_active_update AFTER UPDATE ON job FOR EACH ROW
BEGIN
  DECLARE was BOOLEAN DEFAULT OLD.shop_id IS NOT NULL AND OLD.state IN ('queued', 'running');
  DECLARE is_now BOOLEAN DEFAULT NEW.shop_id IS NOT NULL AND NEW.state IN ('queued', 'running');
  DECLARE same BOOLEAN DEFAULT OLD.id = NEW.id AND OLD.shop_id <=> NEW.shop_id
                               AND OLD.kind = NEW.kind;

  IF was AND NOT (is_now AND same) THEN
    DELETE FROM job_active WHERE shop_id = OLD.shop_id AND kind = OLD.kind AND job_id = OLD.id;
  END IF;
  IF is_now AND NOT (was AND same) THEN
    INSERT IGNORE INTO job_active (shop_id, kind, job_id) VALUES (NEW.shop_id, NEW.kind, NEW.id);
  END IF;
END;

CREATE OR REPLACE TRIGGER job_active_delete AFTER DELETE ON job FOR EACH ROW
BEGIN
  IF OLD.shop_id IS NOT NULL AND OLD.state IN ('queued', 'running') THEN
    DELETE FROM job_active WHERE shop_id = OLD.shop_id AND kind = OLD.kind AND job_id = OLD.id;
  END IF;
END;

-- what was there before, counted for every shop (after the triggers, and
-- again on a second run: a change the triggers missed is set right here)
INSERT INTO mail_failed (shop_id, failed)
SELECT s.id, (SELECT COUNT(*) FROM outbox o WHERE o.shop_id = s.id AND o.status = 'failed')
  FROM shop s
ON DUPLICATE KEY UPDATE failed = VALUES(failed);
DELETE ja FROM job_active ja LEFT JOIN job j ON j.id = ja.job_id
 WHERE j.id IS NULL OR NOT (j.shop_id <=> ja.shop_id AND j.kind = ja.kind)
    OR j.state NOT IN ('queued', 'running');
INSERT IGNORE INTO job_active (shop_id, kind, job_id)
SELECT shop_id, kind, id FROM job WHERE shop_id IS NOT NULL AND state IN ('queued', 'running');
