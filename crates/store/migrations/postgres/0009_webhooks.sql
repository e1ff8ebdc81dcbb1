-- Webhook subscriptions and their delivery log. Deliveries are jobs (kind 'webhook');
-- jobs sharing an `order_key` (one subscription's messages about one booking) run one at a
-- time in the order they were queued (`order_seq`, from one sequence: changes of one
-- booking are serialised by its row lock, so their jobs take numbers in commit order).
CREATE TABLE webhook_subscriptions (
    id                      TEXT PRIMARY KEY,
    url                     TEXT NOT NULL,
    events                  TEXT NOT NULL,
    active                  BOOLEAN NOT NULL,
    description             TEXT NOT NULL DEFAULT '',
    secret_sealed           TEXT NOT NULL,
    previous_secret_sealed  TEXT,
    previous_until          BIGINT,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);

CREATE TABLE webhook_attempts (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    job_id           TEXT NOT NULL,
    message_id       TEXT NOT NULL,
    event            TEXT NOT NULL,
    attempt          BIGINT NOT NULL,
    at               BIGINT NOT NULL,
    status_code      INTEGER,
    latency_ms       BIGINT NOT NULL,
    error            TEXT,
    delivered        BOOLEAN NOT NULL
);
CREATE INDEX webhook_attempts_by_subscription ON webhook_attempts (subscription_id, at);

CREATE SEQUENCE jobs_order_seq;
ALTER TABLE jobs ADD COLUMN order_key TEXT;
ALTER TABLE jobs ADD COLUMN order_seq BIGINT;
-- "is an earlier job of this key still pending?" for every claim candidate with a key
CREATE INDEX jobs_by_order ON jobs (order_key, order_seq) WHERE order_key IS NOT NULL;
-- a subscription's deliveries, newest first
CREATE INDEX jobs_by_webhook ON jobs ((payload->>'subscription_id'), created_at)
    WHERE kind = 'webhook';
