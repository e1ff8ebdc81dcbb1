-- Google and Microsoft calendars over OAuth (issue 14). An OAuth account is one sign-in of
-- one host and holds its tokens; every calendar picked from it is an ordinary calendar
-- connection of kind 'google' or 'microsoft' pointing at the account.
--
-- Widening the CHECK on calendar_connections.kind needs a table rebuild in SQLite: this
-- migration runs with foreign keys off (SQLite's 12-step generalized ALTER TABLE procedure;
-- the runner checks `PRAGMA foreign_key_check` before it commits), so dropping the old table
-- cascades to nothing and the rows referring to it find the new one by name.

CREATE TABLE oauth_accounts (
    id                   TEXT PRIMARY KEY,
    host_id              TEXT NOT NULL,
    provider             TEXT NOT NULL CHECK (provider IN ('google', 'microsoft')),
    email                TEXT NOT NULL,
    -- sealed by the server (AES-256-GCM); never the plain text
    refresh_token_enc    TEXT NOT NULL,
    access_token_enc     TEXT,
    access_expires_at    INTEGER,
    status               TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_reconnect')),
    status_detail        TEXT,
    -- the worker refreshing the access token now, until refresh_lease_until
    refresh_locked_by    TEXT,
    refresh_lease_until  INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (host_id, provider, email)
);

-- Authorization requests on their way through the provider, by the hash of their `state`.
CREATE TABLE oauth_pending (
    state_hash    TEXT PRIMARY KEY,
    provider      TEXT NOT NULL CHECK (provider IN ('google', 'microsoft')),
    host_id       TEXT NOT NULL,
    -- hash of the signed-in session that started it
    session_hash  TEXT NOT NULL,
    -- the PKCE verifier, sealed by the server
    verifier_enc  TEXT NOT NULL,
    -- set when reconnecting this account
    account_id    TEXT REFERENCES oauth_accounts (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX oauth_pending_expiry ON oauth_pending (expires_at);
CREATE INDEX oauth_pending_by_account ON oauth_pending (account_id);

CREATE TABLE calendar_connections_new (
    id               TEXT PRIMARY KEY,
    host_id          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('caldav', 'ics', 'google', 'microsoft')),
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
    updated_at       INTEGER NOT NULL,
    -- the OAuth account a google/microsoft calendar is read through
    account_id       TEXT REFERENCES oauth_accounts (id) ON DELETE CASCADE
);
INSERT INTO calendar_connections_new (id, host_id, kind, url, username, password_env,
    password_enc, busy, write_events, refresh_minutes, all_day_busy, origin, sync_cursor,
    last_attempt_at, last_success_at, last_error, failing_since, alerted, events_imported,
    next_run_at, busy_version, locked_by, lease_until, sync_requested, created_at, updated_at)
SELECT id, host_id, kind, url, username, password_env, password_enc, busy, write_events,
    refresh_minutes, all_day_busy, origin, sync_cursor, last_attempt_at, last_success_at,
    last_error, failing_since, alerted, events_imported, next_run_at, busy_version, locked_by,
    lease_until, sync_requested, created_at, updated_at
FROM calendar_connections;
DROP TABLE calendar_connections;
ALTER TABLE calendar_connections_new RENAME TO calendar_connections;
-- The indexes of 0010 went with the old table.
CREATE INDEX calendar_connections_due ON calendar_connections (next_run_at);
CREATE INDEX calendar_connections_by_host ON calendar_connections (host_id, created_at, id);
CREATE INDEX calendar_connections_by_account ON calendar_connections (account_id);

-- The Meet / Teams join URL the write-back got for a booking.
ALTER TABLE bookings ADD COLUMN meeting_url TEXT;
