-- Calendar connections of hosts (CalDAV collections, ICS feeds) and what their syncs
-- imported. A connection row is also its own recurring durable job: due at `next_run_at`,
-- synced by the worker named in `locked_by` until `lease_until` (one at a time, any
-- instance), like `jobs`.
CREATE TABLE calendar_connections (
    id               TEXT PRIMARY KEY,
    host_id          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('caldav', 'ics')),
    url              TEXT NOT NULL,
    username         TEXT,
    password_env     TEXT,
    -- sealed by the server (AES-256-GCM); never the plain text
    password_enc     TEXT,
    busy             INTEGER NOT NULL CHECK (busy IN (0, 1)),
    write_events     INTEGER NOT NULL CHECK (write_events IN (0, 1)),
    refresh_minutes  INTEGER NOT NULL CHECK (refresh_minutes > 0),
    all_day_busy     INTEGER NOT NULL CHECK (all_day_busy IN (0, 1)),
    origin           TEXT NOT NULL CHECK (origin IN ('config', 'admin')),
    -- provider-specific sync state as JSON ('null': none)
    sync_cursor      TEXT NOT NULL DEFAULT 'null',
    last_attempt_at  INTEGER,
    last_success_at  INTEGER,
    last_error       TEXT,
    failing_since    INTEGER,
    alerted          INTEGER NOT NULL DEFAULT 0 CHECK (alerted IN (0, 1)),
    events_imported  INTEGER NOT NULL DEFAULT 0,
    next_run_at      INTEGER NOT NULL,
    -- bumped whenever the busy time read from the connection may have changed
    busy_version     INTEGER NOT NULL DEFAULT 0,
    locked_by        TEXT,
    lease_until      INTEGER,
    -- "sync now" was asked for while a sync ran: run again right after it
    sync_requested   INTEGER NOT NULL DEFAULT 0 CHECK (sync_requested IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX calendar_connections_due ON calendar_connections (next_run_at);
CREATE INDEX calendar_connections_by_host ON calendar_connections (host_id, created_at, id);

-- Remote resources (CalDAV objects, a whole ICS feed) with their ETags, for diffing.
CREATE TABLE calendar_resources (
    connection_id  TEXT NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
    href           TEXT NOT NULL,
    etag           TEXT,
    PRIMARY KEY (connection_id, href)
);

-- Busy intervals [start_at, end_at) of each resource; host_id is the connection's, so
-- availability reads a host's busy time by one index range.
CREATE TABLE calendar_busy (
    connection_id  TEXT NOT NULL,
    href           TEXT NOT NULL,
    host_id        TEXT NOT NULL,
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL,
    CHECK (start_at < end_at),
    FOREIGN KEY (connection_id, href) REFERENCES calendar_resources (connection_id, href)
        ON DELETE CASCADE
);
CREATE INDEX calendar_busy_by_host ON calendar_busy (host_id, start_at);
CREATE INDEX calendar_busy_by_resource ON calendar_busy (connection_id, href);

-- Events written into a host's calendar for a booking (write-back bookkeeping).
CREATE TABLE calendar_writes (
    booking_id     TEXT NOT NULL,
    connection_id  TEXT NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
    href           TEXT NOT NULL,
    etag           TEXT,
    sequence       INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (booking_id, connection_id)
);
CREATE INDEX calendar_writes_by_connection ON calendar_writes (connection_id);
