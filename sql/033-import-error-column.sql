-- A refused line says which of its cells was refused (sql/013's
-- import_error): the column's number in the file, from 0, or NULL when
-- the line as a whole is (no address, a duplicate, unreadable text). The
-- import's page names that column and shows its cell, errors.csv too.
-- Lines refused before this have NULL. Safe to run again.
ALTER TABLE import_error
  ADD COLUMN IF NOT EXISTS reason_column SMALLINT UNSIGNED NULL AFTER reason;
