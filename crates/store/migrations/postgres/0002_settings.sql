-- Values the service generates once and shares between restarts and instances, such as
-- the signing key for links and form tokens.
CREATE TABLE settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
