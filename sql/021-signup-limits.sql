-- Signup limits that cannot be used to close the door (issue 15's review,
-- findings 7 and the blocking of applicants).

-- 1. Past the shop's hourly number of signups, signups are still taken
--    but their mail is held: each held mail gets the shop's next free
--    slot, one every few seconds (fcgi/signup-public.c, signup_hold),
--    so a flood of forms becomes a queue sent at a bounded rate instead
--    of a shut door. The row's lock orders concurrent signups of a shop.
CREATE TABLE IF NOT EXISTS signup_hold (
  shop_id    BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  next_slot  DATETIME NOT NULL,
  CONSTRAINT fk_signup_hold_shop_id FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

-- 2. Blocking an applicant takes their request out of the queue (status
--    'blocked'); unblocking puts it back where it was. A value added at the
--    end of an ENUM changes no row.
ALTER TABLE signup_request
  MODIFY status ENUM('unconfirmed', 'waiting', 'accepted', 'refused', 'blocked') NOT NULL
    DEFAULT 'unconfirmed';

-- 3. Blocking notes the status it leaves, so that unblocking goes back to
--    it: an applicant goes back to the waiting list.
ALTER TABLE customer
  MODIFY blocked_from ENUM('invited', 'active', 'inactive', 'waiting') NULL;
