-- Fair jobs (issue 13, point 6): a long job (a shop's million-row import)
-- hands the worker back between its batches when another shop's job waits
-- (Jobs.SliceSeconds), and goes to the back of the queue: the claim takes
-- jobs in the order they were queued or put back, not in the order they
-- were made. queued_at is set when a job is queued and each time it is put
-- back; its committed batches (progress, resume_after) stay.
ALTER TABLE job
  ADD COLUMN queued_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) AFTER created_at,
  -- the claim's order among queued jobs
  ADD KEY job_claim (state, queued_at, id);

UPDATE job SET queued_at = created_at;
