-- Issue 12: the door (fcgi/lib/core_sql.c) tells a signed-in admin how many
-- of the shop's mails failed and which of its jobs is queued or running.
-- It counted them with two subqueries on every admin request of every
-- program: 0.17 ms of the server's time each time on empty tables (half
-- the door), and a shop with 5,000 failed mails counted 5,000 index entries
-- each time. The server now keeps both, one row per shop (and job kind),
-- and the door joins them on their primary keys.
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

CREATE TABLE IF NOT EXISTS job_active (
  shop_id  BIGINT UNSIGNED NOT NULL,
  kind     VARCHAR(40) CHARACTER SET ascii NOT NULL,
  job_id   BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (shop_id, kind),
  CONSTRAINT fk_job_active_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- A mail that becomes failed adds one, one that stops being failed (sent
-- again, deleted) takes one away; a mail that stays as it was writes
-- nothing, so that sending mail never waits on the shop's row.
CREATE PROCEDURE IF NOT EXISTS mail_failed_add(IN shop BIGINT UNSIGNED, IN added INT)
  INSERT INTO mail_failed (shop_id, failed) VALUES (shop, GREATEST(added, 0))
  ON DUPLICATE KEY UPDATE failed = GREATEST(failed + added, 0);

DROP TRIGGER IF EXISTS outbox_failed_insert;
CREATE TRIGGER outbox_failed_insert AFTER INSERT ON outbox FOR EACH ROW
BEGIN
  IF NEW.status = 'failed' THEN
    CALL mail_failed_add(NEW.shop_id, 1);
  END IF;
END;

DROP TRIGGER IF EXISTS outbox_failed_update;
CREATE TRIGGER outbox_failed_update AFTER UPDATE ON outbox FOR EACH ROW
BEGIN
  IF OLD.status = 'failed' AND NOT (NEW.status = 'failed' AND NEW.shop_id = OLD.shop_id) THEN
    CALL mail_failed_add(OLD.shop_id, -1);
  END IF;
  IF NEW.status = 'failed' AND NOT (OLD.status = 'failed' AND NEW.shop_id = OLD.shop_id) THEN
    CALL mail_failed_add(NEW.shop_id, 1);
  END IF;
END;

DROP TRIGGER IF EXISTS outbox_failed_delete;
CREATE TRIGGER outbox_failed_delete AFTER DELETE ON outbox FOR EACH ROW
BEGIN
  IF OLD.status = 'failed' THEN
    CALL mail_failed_add(OLD.shop_id, -1);
  END IF;
END;

-- A job that becomes queued or running is the newest of its kind unless a
-- newer one is; one that stops (done, failed, cancelled, deleted) leaves
-- the newest of the others, read with a lock so that a job queued at the
-- same moment is seen once it is committed. Work over the whole
-- installation (no shop) is no shop's.
CREATE PROCEDURE IF NOT EXISTS job_active_started(IN shop BIGINT UNSIGNED,
    IN job_kind VARCHAR(40) CHARACTER SET ascii, IN started BIGINT UNSIGNED)
  INSERT INTO job_active (shop_id, kind, job_id) VALUES (shop, job_kind, started)
  ON DUPLICATE KEY UPDATE job_id = GREATEST(job_id, started);

CREATE PROCEDURE IF NOT EXISTS job_active_stopped(IN shop BIGINT UNSIGNED,
    IN job_kind VARCHAR(40) CHARACTER SET ascii)
BEGIN
  DECLARE newest BIGINT UNSIGNED;
  SELECT MAX(id) INTO newest FROM job
   WHERE shop_id = shop AND kind = job_kind AND state IN ('queued', 'running')
   LOCK IN SHARE MODE;
  IF newest IS NULL THEN
    DELETE FROM job_active WHERE shop_id = shop AND kind = job_kind;
  ELSE
    INSERT INTO job_active (shop_id, kind, job_id) VALUES (shop, job_kind, newest)
    ON DUPLICATE KEY UPDATE job_id = newest;
  END IF;
END;

DROP TRIGGER IF EXISTS job_active_insert;
CREATE TRIGGER job_active_insert AFTER INSERT ON job FOR EACH ROW
BEGIN
  IF NEW.shop_id IS NOT NULL AND NEW.state IN ('queued', 'running') THEN
    CALL job_active_started(NEW.shop_id, NEW.kind, NEW.id);
  END IF;
END;

DROP TRIGGER IF EXISTS job_active_update;
CREATE TRIGGER job_active_update AFTER UPDATE ON job FOR EACH ROW
BEGIN
  DECLARE was BOOLEAN DEFAULT OLD.shop_id IS NOT NULL AND OLD.state IN ('queued', 'running');
  DECLARE is_now BOOLEAN DEFAULT NEW.shop_id IS NOT NULL AND NEW.state IN ('queued', 'running');
  DECLARE moved BOOLEAN DEFAULT NOT (OLD.shop_id <=> NEW.shop_id AND OLD.kind <=> NEW.kind);

  IF was AND (moved OR NOT is_now) THEN
    CALL job_active_stopped(OLD.shop_id, OLD.kind);
  END IF;
  IF is_now AND (moved OR NOT was) THEN
    CALL job_active_started(NEW.shop_id, NEW.kind, NEW.id);
  END IF;
END;

DROP TRIGGER IF EXISTS job_active_delete;
CREATE TRIGGER job_active_delete AFTER DELETE ON job FOR EACH ROW
BEGIN
  IF OLD.shop_id IS NOT NULL AND OLD.state IN ('queued', 'running') THEN
    CALL job_active_stopped(OLD.shop_id, OLD.kind);
  END IF;
END;

-- what was there before, counted once (after the triggers, so that a mail
-- failing meanwhile is counted by both and set right here)
INSERT INTO mail_failed (shop_id, failed)
SELECT shop_id, COUNT(*) FROM outbox WHERE status = 'failed' GROUP BY shop_id
ON DUPLICATE KEY UPDATE failed = VALUES(failed);
INSERT INTO job_active (shop_id, kind, job_id)
SELECT shop_id, kind, MAX(id) FROM job
 WHERE shop_id IS NOT NULL AND state IN ('queued', 'running') GROUP BY shop_id, kind
ON DUPLICATE KEY UPDATE job_id = VALUES(job_id);
