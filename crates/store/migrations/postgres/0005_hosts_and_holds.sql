-- Hosts and the time each booking holds of them. A booking holds one host (single, round
-- robin) or several (collective); the exclusion constraint `booking_holds_no_overlap`
-- keeps the active holds of a host apart, so a booking assigned to Ada blocks Ada and
-- nobody else. `bookings_no_overlap` stays: every booking's assigned host has a hold with
-- the same range, so it never refuses what the holds allow, and it keeps refusing
-- conflicts with bookings an older instance writes (without holds) during an upgrade.
CREATE TABLE hosts (
    id          TEXT PRIMARY KEY,
    position    BIGINT NOT NULL,
    -- the configuration entry as JSON
    definition  JSONB NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  BIGINT NOT NULL
);

-- A host user sees only this host's bookings; NULL: an admin.
ALTER TABLE admin_users ADD COLUMN host_id TEXT;

-- The foreign key is checked at commit, so a booking's holds can be taken before its row
-- is written (the row names the host that was free).
CREATE TABLE booking_holds (
    booking_id     TEXT NOT NULL REFERENCES bookings (id) DEFERRABLE INITIALLY DEFERRED,
    host_id        TEXT NOT NULL,
    -- order of the hosts in the booking (0: the assigned host)
    position       BIGINT NOT NULL,
    start_at       BIGINT NOT NULL,
    blocked_start  BIGINT NOT NULL,
    blocked_end    BIGINT NOT NULL,
    active         BOOLEAN NOT NULL,
    PRIMARY KEY (booking_id, host_id),
    CHECK (blocked_start < blocked_end),
    CONSTRAINT booking_holds_no_overlap EXCLUDE USING gist (
        host_id WITH =,
        int8range(blocked_start, blocked_end) WITH &&
    ) WHERE (active)
);
-- availability: the active holds of a host ending after an instant
CREATE INDEX booking_holds_active_by_end ON booking_holds (host_id, blocked_end) WHERE active;
-- day caps: a host's active holds starting within a day
CREATE INDEX booking_holds_active_by_day ON booking_holds (host_id, start_at) WHERE active;
-- every booking of a host (lists filtered by host, changes since)
CREATE INDEX booking_holds_by_host ON booking_holds (host_id, booking_id);
CREATE INDEX bookings_by_updated ON bookings (updated_at);

-- Every existing booking holds its one host, in its status.
INSERT INTO booking_holds (booking_id, host_id, position, start_at, blocked_start, blocked_end,
        active)
    SELECT id, host_id, 0, start_at, blocked_start, blocked_end,
           status IN ('requested', 'confirmed')
    FROM bookings;
