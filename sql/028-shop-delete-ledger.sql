-- A shop the provider deletes (fidele-admin shop delete) takes its consent
-- ledger and the wordings it points to with it: the ledger is append-only
-- for everything else (sql/017), and was for the shop's delete too, which
-- then stopped at the first entry of any shop that ever took a consent.
-- The delete names the shop it deletes in @fidele_shop_delete, for its own
-- connection; only that shop's rows may then go, in the delete's batches.
-- A program or a person deleting an entry otherwise is refused as before,
-- root too.
DROP TRIGGER IF EXISTS consent_append_only_delete;
CREATE TRIGGER consent_append_only_delete BEFORE DELETE ON consent FOR EACH ROW
BEGIN
  IF NOT (@fidele_shop_delete <=> OLD.shop_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent is append-only: no row is ever deleted';
  END IF;
END;

DROP TRIGGER IF EXISTS consent_text_append_only_delete;
CREATE TRIGGER consent_text_append_only_delete BEFORE DELETE ON consent_text FOR EACH ROW
BEGIN
  IF NOT (@fidele_shop_delete <=> OLD.shop_id) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'consent_text is append-only: no row is ever deleted';
  END IF;
END;
