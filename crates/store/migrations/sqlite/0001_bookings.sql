-- Bookings, idempotency keys and contact messages. Instants are Unix seconds, UTC.
CREATE TABLE bookings (
    id             TEXT PRIMARY KEY,
    host_id        TEXT NOT NULL,
    event_slug     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'cancelled', 'declined', 'expired')),
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL,
    -- the time the booking occupies, buffers included: no two active bookings of a host overlap here
    blocked_start  INTEGER NOT NULL,
    blocked_end    INTEGER NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    timezone       TEXT,
    notes          TEXT,
    answers        TEXT NOT NULL DEFAULT '{}',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (start_at < end_at),
    CHECK (blocked_start <= start_at AND end_at <= blocked_end)
);

CREATE INDEX bookings_active_by_end ON bookings (host_id, blocked_end)
    WHERE status IN ('requested', 'confirmed');
CREATE INDEX bookings_by_start ON bookings (start_at);

-- The database itself refuses overlapping active bookings of one host, whatever the caller.
CREATE TRIGGER bookings_no_overlap_insert
BEFORE INSERT ON bookings
WHEN NEW.status IN ('requested', 'confirmed')
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings
        WHERE host_id = NEW.host_id
          AND status IN ('requested', 'confirmed')
          AND blocked_end > NEW.blocked_start
          AND blocked_start < NEW.blocked_end
    );
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF status, blocked_start, blocked_end, host_id ON bookings
WHEN NEW.status IN ('requested', 'confirmed')
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings
        WHERE host_id = NEW.host_id
          AND id <> NEW.id
          AND status IN ('requested', 'confirmed')
          AND blocked_end > NEW.blocked_start
          AND blocked_start < NEW.blocked_end
    );
END;

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    booking_id   TEXT NOT NULL REFERENCES bookings (id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE contact_messages (
    id               TEXT PRIMARY KEY,
    host_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    message          TEXT NOT NULL,
    preferred_times  TEXT,
    created_at       INTEGER NOT NULL
);
