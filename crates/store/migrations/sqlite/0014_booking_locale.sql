-- The invitee's language (BCP 47 tag), chosen when they booked: every later e-mail to them
-- uses it. Bookings made before it was kept have none and get the default locale.
ALTER TABLE bookings ADD COLUMN locale TEXT;
