-- Operating the service: admin users and their sessions and API tokens, event types kept
-- in the database, the audit log and daily funnel counters. Instants are Unix seconds
-- (BIGINT); JSON documents are JSONB (read back as text).
CREATE TABLE admin_users (
    id             TEXT PRIMARY KEY,
    -- lower-case
    email          TEXT NOT NULL UNIQUE,
    -- PHC string (argon2id)
    password_hash  TEXT NOT NULL,
    -- failed sign-ins since the last success or lockout
    failed_logins  BIGINT NOT NULL DEFAULT 0,
    locked_until   BIGINT,
    created_at     BIGINT NOT NULL
);

-- Sessions and API tokens; only a hash of the secret is stored.
CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'api_token')),
    token_hash  TEXT NOT NULL UNIQUE,
    user_email  TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    csrf        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX credentials_by_kind ON credentials (kind, created_at);

-- Event types; `definition` is the configuration entry as JSON.
CREATE TABLE event_types (
    slug        TEXT PRIMARY KEY,
    position    BIGINT NOT NULL,
    definition  JSONB NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    before_json  JSONB,
    after_json   JSONB
);
CREATE INDEX audit_log_by_target ON audit_log (target, at);
CREATE INDEX audit_log_by_at ON audit_log (at);

-- Funnel counters per day (YYYY-MM-DD in the host's zone), event type and metric.
CREATE TABLE daily_counters (
    day         TEXT NOT NULL,
    event_slug  TEXT NOT NULL,
    metric      TEXT NOT NULL,
    count       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, event_slug, metric)
);

-- When a booking became confirmed (kept after a later cancellation). Bookings confirmed
-- before this migration are taken to have been confirmed at their last change.
ALTER TABLE bookings ADD COLUMN confirmed_at BIGINT;
UPDATE bookings SET confirmed_at = updated_at WHERE status = 'confirmed';
