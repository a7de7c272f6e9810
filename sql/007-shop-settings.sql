-- The shop's time zone, set by its owner on /admin/settings (admin pages
-- issue). Times stay stored in UTC (every connection sets time_zone =
-- '+00:00'); the programs show them in this zone (fcgi/lib/format.c). An
-- IANA name from tzdata; English shops start in London, the others in
-- Paris. The statements can run again if a later one failed.
ALTER TABLE shop
  ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64) CHARACTER SET ascii NOT NULL
    DEFAULT 'Europe/Paris' AFTER currency;

UPDATE shop SET time_zone = 'Europe/London' WHERE language = 'en' AND time_zone = 'Europe/Paris';
