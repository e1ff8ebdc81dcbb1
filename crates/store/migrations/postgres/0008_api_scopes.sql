-- Scoped API tokens (issue 15): what a token may do, as space-separated scope names
-- (`bookings:read`, ..., `admin`). Tokens made before scopes existed keep full rights:
-- the default makes them `admin`. Sessions have no scopes (their user's role decides).

ALTER TABLE credentials ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
UPDATE credentials SET scopes = '' WHERE kind = 'session';
