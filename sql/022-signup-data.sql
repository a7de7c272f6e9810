-- Signup data (review of issue 15, points 4, 5, 10): what an erasure
-- leaves of a person, retention notices that outlive their setting, and
-- the consent ledger's one allowed change. The statements can run again.

-- 1. A mail about a customer that is not theirs (a mail to the admins
--    about an applicant or a deleted account, the refusal sent to someone
--    erased at once): it stays when they are erased, so that it still
--    leaves, but its bodies and, when it went to the person, its address
--    are blanked once it has (fcgi/lib/customer.c, fcgi/fidele-worker.c).
--    No foreign key: the mail outlives the customer row.
ALTER TABLE outbox
  ADD COLUMN IF NOT EXISTS about_customer_id BIGINT UNSIGNED NULL AFTER admin_id,
  ADD KEY IF NOT EXISTS outbox_about (shop_id, about_customer_id);

-- 2. The ledger's only allowed change, the blanking of the client's
--    address and the free statement, is an erasure's: the customer's row
--    must already say erased (customer_change_selection erases the row
--    first, then blanks the ledger, in one transaction). A living
--    customer's entries, or those of a row deleted by an import's undo,
--    are never blanked.
DROP TRIGGER IF EXISTS consent_append_only_update;

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
  IF NOT (NEW.ip <=> OLD.ip AND NEW.statement <=> OLD.statement)
     AND NOT EXISTS (SELECT 1 FROM customer c
                      WHERE c.id = OLD.customer_id AND c.shop_id = OLD.shop_id
                        AND c.erased_at IS NOT NULL) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'consent is append-only: only an erased customer''s entries may be blanked';
  END IF;
END;

-- 3. Retention notices announce an erasure under the setting of the day
--    they were sent: a change of shop.retention_months (another number of
--    months, or off) drops them, whichever program made it; the run warns
--    again under the new setting, if it is still on. Notices already left
--    by a shop whose retention is off go now.
DROP TRIGGER IF EXISTS shop_retention_changed;

CREATE TRIGGER shop_retention_changed AFTER UPDATE ON shop FOR EACH ROW
BEGIN
  IF NOT (NEW.retention_months <=> OLD.retention_months) THEN
    DELETE FROM retention_notice WHERE shop_id = NEW.id;
  END IF;
END;

DELETE n FROM retention_notice n JOIN shop s ON s.id = n.shop_id
 WHERE s.retention_months IS NULL;
