-- Bulk actions on "everything that matches" run as worker jobs
-- (customers.bulk, issue 11 point 7): a job started by an admin says who
-- (the job page lets them cancel it, the mail at its end goes to them;
-- NULL once that admin is gone), and a job that walks rows in id order
-- keeps, committed with each batch, the last id it finished (the next
-- batch, also after a crash, starts after it) and how many rows it
-- changed (progress counts the rows it went through).
ALTER TABLE job
  ADD COLUMN admin_id BIGINT UNSIGNED NULL AFTER shop_id,
  ADD COLUMN resume_after BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER progress,
  ADD COLUMN changed BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER resume_after,
  -- the list's "a bulk action is under way" banner
  ADD KEY job_shop_state (shop_id, kind, state),
  ADD CONSTRAINT fk_job_admin_id FOREIGN KEY (admin_id) REFERENCES admin (id) ON DELETE SET NULL;
