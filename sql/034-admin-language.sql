-- An admin's own language for the pages they read (the "my account" page,
-- /admin/me): NULL, the default, is the shop's. A seller who reads English
-- in a French shop sees every admin page, number and date, and the files
-- they download, in English; what the shop's customers read (pages,
-- mails, consent texts) stays in the shop's language. Safe to run again.
ALTER TABLE admin
  ADD COLUMN IF NOT EXISTS language CHAR(2) CHARACTER SET ascii NULL AFTER role;
