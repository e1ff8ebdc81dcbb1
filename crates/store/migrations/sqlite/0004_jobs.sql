-- Durable side effects (mail now; calendar writes and webhooks later). A job is written in
-- the same transaction as the change that causes it, claimed by a worker under a lease,
-- retried with backoff, and marked dead (kept, visible) after its last attempt.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead', 'cancelled')),
    run_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    last_error    TEXT,
    locked_by     TEXT,
    lease_until   INTEGER,
    booking_id    TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_by_booking ON jobs (booking_id) WHERE booking_id IS NOT NULL;

-- iCalendar SEQUENCE of the booking's invite: bumped on every change.
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
