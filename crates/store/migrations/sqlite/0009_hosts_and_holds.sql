-- Hosts and the time each booking holds of them. A booking holds one host (single, round
-- robin) or several (collective); the per-host overlap rule moves from `bookings` to
-- `booking_holds`, so a booking assigned to Ada blocks Ada and nobody else.
CREATE TABLE hosts (
    id          TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    -- the configuration entry as JSON
    definition  TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    updated_at  INTEGER NOT NULL
);

-- A host user sees only this host's bookings; NULL: an admin.
ALTER TABLE admin_users ADD COLUMN host_id TEXT;

-- The foreign key is checked at commit, so a booking's holds can be taken before its row
-- is written (the row names the host that was free).
CREATE TABLE booking_holds (
    booking_id     TEXT NOT NULL REFERENCES bookings (id) DEFERRABLE INITIALLY DEFERRED,
    host_id        TEXT NOT NULL,
    -- order of the hosts in the booking (0: the assigned host)
    position       INTEGER NOT NULL,
    start_at       INTEGER NOT NULL,
    blocked_start  INTEGER NOT NULL,
    blocked_end    INTEGER NOT NULL,
    active         INTEGER NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (booking_id, host_id),
    CHECK (blocked_start < blocked_end)
);
-- overlap checks (the nearest neighbour) and availability reads
CREATE INDEX booking_holds_active_by_start ON booking_holds (host_id, blocked_start)
    WHERE active = 1;
CREATE INDEX booking_holds_active_by_end ON booking_holds (host_id, blocked_end)
    WHERE active = 1;
-- day caps: a host's active holds starting within a day
CREATE INDEX booking_holds_active_by_day ON booking_holds (host_id, start_at)
    WHERE active = 1;
-- every booking of a host (lists filtered by host, changes since)
CREATE INDEX booking_holds_by_host ON booking_holds (host_id, booking_id);
CREATE INDEX bookings_by_updated ON bookings (updated_at);

-- Every existing booking holds its one host, in its status.
INSERT INTO booking_holds (booking_id, host_id, position, start_at, blocked_start, blocked_end,
        active)
    SELECT id, host_id, 0, start_at, blocked_start, blocked_end,
           status IN ('requested', 'confirmed')
    FROM bookings;

DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;

-- As in 0003: active holds of a host never overlap, so ordered by start they are ordered by
-- end, and the only one that can overlap a new range is the one starting last before it ends.
CREATE TRIGGER booking_holds_no_overlap_insert
BEFORE INSERT ON booking_holds
WHEN NEW.active = 1
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE (
        SELECT blocked_end FROM booking_holds
        WHERE host_id = NEW.host_id
          AND active = 1
          AND blocked_start < NEW.blocked_end
        ORDER BY blocked_start DESC
        LIMIT 1
    ) > NEW.blocked_start;
END;

CREATE TRIGGER booking_holds_no_overlap_update
BEFORE UPDATE OF active, blocked_start, blocked_end, host_id ON booking_holds
WHEN NEW.active = 1
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE (
        SELECT blocked_end FROM booking_holds
        WHERE host_id = NEW.host_id
          AND rowid <> OLD.rowid
          AND active = 1
          AND blocked_start < NEW.blocked_end
        ORDER BY blocked_start DESC
        LIMIT 1
    ) > NEW.blocked_start;
END;
