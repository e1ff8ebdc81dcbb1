-- Google and Microsoft calendars over OAuth (issue 14). An OAuth account is one sign-in of
-- one host and holds its tokens; every calendar picked from it is an ordinary calendar
-- connection of kind 'google' or 'microsoft' pointing at the account. Only additions and a
-- wider CHECK: instances of the previous version keep working alongside.

CREATE TABLE oauth_accounts (
    id                   TEXT PRIMARY KEY,
    host_id              TEXT NOT NULL,
    provider             TEXT NOT NULL CHECK (provider IN ('google', 'microsoft')),
    email                TEXT NOT NULL,
    -- sealed by the server (AES-256-GCM); never the plain text
    refresh_token_enc    TEXT NOT NULL,
    access_token_enc     TEXT,
    access_expires_at    BIGINT,
    status               TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_reconnect')),
    status_detail        TEXT,
    -- the worker refreshing the access token now, until refresh_lease_until
    refresh_locked_by    TEXT,
    refresh_lease_until  BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
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
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX oauth_pending_expiry ON oauth_pending (expires_at);
CREATE INDEX oauth_pending_by_account ON oauth_pending (account_id);

-- The name PostgreSQL gave the column CHECK of 0006; dropped by name so a mismatch fails
-- loudly instead of leaving the narrow check in place.
ALTER TABLE calendar_connections DROP CONSTRAINT calendar_connections_kind_check;
ALTER TABLE calendar_connections ADD CONSTRAINT calendar_connections_kind_check
    CHECK (kind IN ('caldav', 'ics', 'google', 'microsoft'));
-- the OAuth account a google/microsoft calendar is read through
ALTER TABLE calendar_connections
    ADD COLUMN account_id TEXT REFERENCES oauth_accounts (id) ON DELETE CASCADE;
CREATE INDEX calendar_connections_by_account ON calendar_connections (account_id);

-- The Meet / Teams join URL the write-back got for a booking.
ALTER TABLE bookings ADD COLUMN meeting_url TEXT;
