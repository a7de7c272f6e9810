-- Mailing a group, a tag or a segment (issue 16, point 5): the mails of a
-- mailing (outbox kinds 'mailing-marketing' and 'mailing-system', queued
-- by fidele-worker in batches, outbox.mailing_id set) go after every other
-- mail of their shop: a shop's 10,000 newsletters never delay its own
-- sign-in links (priority 0) nor the mails its customers' own actions
-- cause (1). Other shops are served in turn whatever their priority
-- (sql/009, the worker's claim), so they never wait for this one.
ALTER TABLE outbox
  MODIFY COLUMN priority TINYINT UNSIGNED AS
    (IF(kind IN ('customer-login', 'customer-unknown', 'admin-reset'), 0,
        IF(kind IN ('mailing-marketing', 'mailing-system'), 2, 1))) STORED;

-- The built-in segments (new customers, returning customers) are not rows
-- of segment: a mailing to one names it apart, so that its number is never
-- taken for a saved segment's id.
ALTER TABLE mailing
  MODIFY COLUMN target_kind ENUM('group', 'tag', 'segment', 'builtin') NOT NULL;
