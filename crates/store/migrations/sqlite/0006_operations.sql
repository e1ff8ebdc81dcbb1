-- Operating the service: admin users and their sessions and API tokens, event types kept
-- in the database, the audit log and daily funnel counters. Instants are Unix seconds.
CREATE TABLE admin_users (
    id             TEXT PRIMARY KEY,
    -- lower-case
    email          TEXT NOT NULL UNIQUE,
    -- PHC string (argon2id)
    password_hash  TEXT NOT NULL,
    -- failed sign-ins since the last success or lockout
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
    created_at     INTEGER NOT NULL
);

-- Sessions and API tokens; only a hash of the secret is stored.
CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'api_token')),
    token_hash  TEXT NOT NULL UNIQUE,
    user_email  TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    csrf        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX credentials_by_kind ON credentials (kind, created_at);

-- Event types; `definition` is the configuration entry as JSON.
CREATE TABLE event_types (
    slug        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    definition  TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    updated_at  INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    -- JSON documents
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_by_target ON audit_log (target, at);
CREATE INDEX audit_log_by_at ON audit_log (at);

-- Funnel counters per day (YYYY-MM-DD in the host's zone), event type and metric.
CREATE TABLE daily_counters (
    day         TEXT NOT NULL,
    event_slug  TEXT NOT NULL,
    metric      TEXT NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, event_slug, metric)
);

-- When a booking became confirmed (kept after a later cancellation). Bookings confirmed
-- before this migration are taken to have been confirmed at their last change.
ALTER TABLE bookings ADD COLUMN confirmed_at INTEGER;
UPDATE bookings SET confirmed_at = updated_at WHERE status = 'confirmed';
