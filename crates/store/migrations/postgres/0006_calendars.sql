-- Calendar connections of hosts (CalDAV collections, ICS feeds) and what their syncs
-- imported. A connection row is also its own recurring durable job: due at `next_run_at`,
-- synced by the worker named in `locked_by` until `lease_until` (one at a time, any
-- instance: claimed with FOR UPDATE SKIP LOCKED, like `jobs`).
CREATE TABLE calendar_connections (
    id               TEXT PRIMARY KEY,
    host_id          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('caldav', 'ics')),
    url              TEXT NOT NULL,
    username         TEXT,
    password_env     TEXT,
    -- sealed by the server (AES-256-GCM); never the plain text
    password_enc     TEXT,
    busy             BOOLEAN NOT NULL,
    write_events     BOOLEAN NOT NULL,
    refresh_minutes  BIGINT NOT NULL CHECK (refresh_minutes > 0),
    all_day_busy     BOOLEAN NOT NULL,
    origin           TEXT NOT NULL CHECK (origin IN ('config', 'admin')),
    -- provider-specific sync state ('null': none)
    sync_cursor      JSONB NOT NULL DEFAULT 'null',
    last_attempt_at  BIGINT,
    last_success_at  BIGINT,
    last_error       TEXT,
    failing_since    BIGINT,
    alerted          BOOLEAN NOT NULL DEFAULT FALSE,
    events_imported  BIGINT NOT NULL DEFAULT 0,
    next_run_at      BIGINT NOT NULL,
    -- bumped whenever the busy time read from the connection may have changed
    busy_version     BIGINT NOT NULL DEFAULT 0,
    locked_by        TEXT,
    lease_until      BIGINT,
    -- "sync now" was asked for while a sync ran: run again right after it
    sync_requested   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
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
    start_at       BIGINT NOT NULL,
    end_at         BIGINT NOT NULL,
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
    sequence       BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (booking_id, connection_id)
);
CREATE INDEX calendar_writes_by_connection ON calendar_writes (connection_id);
