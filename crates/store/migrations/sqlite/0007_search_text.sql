-- Name and e-mail folded to lower case by the store (Unicode-aware, unlike SQLite's ASCII-only
-- lower()), for searching bookings. Filled for existing rows by the store after migrating.
ALTER TABLE bookings ADD COLUMN search_text TEXT;
