-- Why a booking left the active states (the invitee's reason, the host's message).
ALTER TABLE bookings ADD COLUMN status_reason TEXT;
-- Where a booking was before its last move (for the notice that says what changed).
ALTER TABLE bookings ADD COLUMN previous_start_at INTEGER;
