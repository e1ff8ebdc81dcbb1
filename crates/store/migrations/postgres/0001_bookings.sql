-- Bookings, idempotency keys and contact messages: the SQLite schema after all of its
-- migrations. Instants are Unix seconds (BIGINT), UTC, as in SQLite, so rows map to the
-- same model. JSON documents are JSONB (read back as text).
--
-- No two active bookings of a host may overlap in their blocked range. SQLite checks that
-- with triggers under its single writer; here an exclusion constraint does it, which also
-- holds between concurrent transactions of several instances (a second inserter waits for
-- the first and then fails with SQLSTATE 23P01 on `bookings_no_overlap`). btree_gist lets
-- the GiST index compare `host_id` with `=`; it is a trusted extension (PostgreSQL 13+),
-- so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
    id                 TEXT PRIMARY KEY,
    host_id            TEXT NOT NULL,
    event_slug         TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'cancelled', 'declined', 'expired')),
    start_at           BIGINT NOT NULL,
    end_at             BIGINT NOT NULL,
    -- the time the booking occupies, buffers included: no two active bookings of a host overlap here
    blocked_start      BIGINT NOT NULL,
    blocked_end        BIGINT NOT NULL,
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    timezone           TEXT,
    notes              TEXT,
    answers            JSONB NOT NULL DEFAULT '{}',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    -- iCalendar SEQUENCE of the booking's invite: bumped on every change.
    sequence           BIGINT NOT NULL DEFAULT 0,
    -- why a booking left the active states (the invitee's reason, the host's message)
    status_reason      TEXT,
    -- where a booking was before its last move
    previous_start_at  BIGINT,
    CHECK (start_at < end_at),
    CHECK (blocked_start <= start_at AND end_at <= blocked_end),
    -- [blocked_start, blocked_end): touching ranges do not overlap
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        host_id WITH =,
        int8range(blocked_start, blocked_end) WITH &&
    ) WHERE (status IN ('requested', 'confirmed'))
);

-- availability: the active bookings of a host ending after an instant
CREATE INDEX bookings_active_by_end ON bookings (host_id, blocked_end)
    WHERE status IN ('requested', 'confirmed');
-- day caps: the active bookings of an event type starting within a day
CREATE INDEX bookings_active_by_event_day ON bookings (host_id, event_slug, start_at)
    WHERE status IN ('requested', 'confirmed');
CREATE INDEX bookings_by_start ON bookings (start_at);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    booking_id   TEXT NOT NULL REFERENCES bookings (id),
    created_at   BIGINT NOT NULL
);

CREATE TABLE contact_messages (
    id               TEXT PRIMARY KEY,
    host_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    message          TEXT NOT NULL,
    preferred_times  TEXT,
    created_at       BIGINT NOT NULL
);
