-- Durable side effects (mail now; calendar writes and webhooks later). A job is written in
-- the same transaction as the change that causes it, claimed by one worker (of any
-- instance) under a lease with FOR UPDATE SKIP LOCKED, retried with backoff, and marked
-- dead (kept, visible) after its last attempt.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       JSONB NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead', 'cancelled')),
    run_at        BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    max_attempts  BIGINT NOT NULL,
    last_error    TEXT,
    locked_by     TEXT,
    lease_until   BIGINT,
    booking_id    TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
-- due work: queued jobs by run_at (the partial index stays as small as the backlog)
CREATE INDEX jobs_due ON jobs (state, run_at) WHERE state IN ('queued', 'running');
-- running jobs whose lease may have expired
CREATE INDEX jobs_lease ON jobs (lease_until) WHERE state = 'running';
-- a booking's pending jobs (to drop its reminders)
CREATE INDEX jobs_by_booking ON jobs (booking_id) WHERE booking_id IS NOT NULL;
