-- The signup's double opt-in, made safe (review of issue 15, findings 1
-- and 11). Each form sent makes its own signup_request, holding what
-- that form said (names, phone, the marketing box), and its confirmation
-- link is bound to that request: following a link confirms what its own
-- form said, never another form sent for the same address. The
-- statements can run again if a later one failed.

ALTER TABLE signup_request
  ADD COLUMN IF NOT EXISTS first_name VARCHAR(100) NOT NULL DEFAULT '' AFTER status,
  ADD COLUMN IF NOT EXISTS last_name VARCHAR(100) NOT NULL DEFAULT '' AFTER first_name,
  ADD COLUMN IF NOT EXISTS phone VARCHAR(40) NOT NULL DEFAULT '' AFTER last_name;

-- The request a signup_confirm link confirms (NULL for every other kind
-- of link). A request deleted (an unconfirmed signup that expired) takes
-- its links along.
ALTER TABLE login_token
  ADD COLUMN IF NOT EXISTS signup_request_id BIGINT UNSIGNED NULL AFTER new_email;

ALTER TABLE login_token
  ADD CONSTRAINT fk_login_token_signup_request_id FOREIGN KEY IF NOT EXISTS (signup_request_id)
    REFERENCES signup_request (id) ON DELETE CASCADE;

-- Links mailed before this file confirm what they confirmed then: the
-- customer's newest unconfirmed request.
UPDATE login_token t
   SET t.signup_request_id = (SELECT MAX(r.id) FROM signup_request r
                               WHERE r.shop_id = t.shop_id AND r.customer_id = t.customer_id
                                 AND r.status = 'unconfirmed')
 WHERE t.purpose = 'signup_confirm' AND t.signup_request_id IS NULL AND t.used_at IS NULL;
