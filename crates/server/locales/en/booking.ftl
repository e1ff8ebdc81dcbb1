# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada and Grace", "Ada, Grace and Alan".
names-separator = {", "}
names-and = { $first } and { $last }

## Meeting list (/) and a host's page (/with/…)
home-title = Book a time
host-title = Book a time with { $host }
host-intro = Book a time with { $host } at { $org }.
home-choose = Choose a meeting
event-with = with { $names }
home-empty = There are no meetings to book just now.
host-empty = { $host } has no meetings to book just now.
home-routing = Not sure which?
home-fallback = Can't find what you need?
home-fallback-link = Send us a message

## Booking page
book-with = With { $names }
book-request-mode = The host confirms each request
tz-label = Times are shown in
tz-change = Change
tz-host-hint = The host's time zone is { $zone }.
days-heading = 1. Pick a day
day-no-times = (no times)
no-times-window = { $days ->
    [one] No times are free in the next day.
   *[other] No times are free in the next { $days } days.
  }
no-times-booking-window = No times are free in this booking window.
contact-find-time = Contact us to find a time
times-legend = 2. Pick a time
times-legend-on = 2. Pick a time on { $day }
times-empty = No times left on this day. Pick another day.
time-host-title = { $time } host time ({ $zone })
details-legend = 3. Your details
field-name = Name
field-email = Email
field-notes = Anything we should know?
field-optional = (optional)
field-choose = Choose…
field-honeypot = Leave this field empty
submit-book = Confirm booking
submit-request = Request this time
book-fallback = None of these times work?
book-fallback-link = Send us a message with times that suit you
# Times in the day buttons' accessible names: "Tuesday, December 1, 3 times".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = , { $count ->
    [one] { $count } time
   *[other] { $count } times
  }

## Status line of the booking page
status-loading = Loading available times…
status-taken-refreshing = Sorry — that time was just taken by someone else. Refreshing the times…
status-taken = Sorry — that time was just taken by someone else. Please pick another time.
status-taken-kept = Sorry — that time was just taken by someone else. Please pick another time; your details are kept.
status-gone-refreshing = That time is no longer available. Refreshing the times…
status-gone = That time is no longer available. Please pick another time.
status-load-failed = We couldn't load the available times. Check your connection and try again.
status-try-again = Try again
status-fix-fields = Please fix the highlighted fields.
status-pick-time-first = Pick a time first.
status-sending-request = Sending your request…
status-booking = Booking…
status-rate-limited = { $seconds ->
    [one] Too many attempts from your connection. Please wait { $seconds } second and try again.
   *[other] Too many attempts from your connection. Please wait { $seconds } seconds and try again.
  }
status-rate-limited-moment = Too many attempts from your connection. Please wait a moment and try again.
status-failed = Something went wrong. Your details are still here; please try again.
status-unreachable = We couldn't reach the booking service. Your details are still here; please try again.
status-expired-form = This form had expired or did not come from this site, so nothing was booked. Please check your details and send it again.
status-cannot-book = That time can't be booked. Please pick another time.

## Field errors (the form's own checks and the server's)
field-error-required = is required
field-error-email = must be an email address such as name@example.com
field-error-timezone = must be an IANA time zone such as Europe/London
field-error-too-long = { $max ->
    [one] must be at most { $max } character
   *[other] must be at most { $max } characters
  }
field-error-control = must not contain control characters
field-error-choice = must be one of the listed choices
field-error-phone = must be a phone number such as +44 20 7946 0958
field-error-start = Pick one of the offered times.
field-error-invalid = is not valid

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = Confirmed
outcome-confirmed = Your booking is confirmed. A confirmation is on its way by email.
outcome-requested-heading = Request received
outcome-requested = Request received — you will get a confirmation by email once the host accepts.
outcome-cancelled-heading = Cancelled
outcome-cancelled = This booking has been cancelled.
outcome-declined-heading = Not accepted
outcome-declined = The host could not accept this request. Please pick another time.
outcome-expired-heading = Request expired
outcome-expired = This request was not confirmed in time. Please pick another time.

## Confirmation page
summary-what = What
summary-what-value = { $title } ({ $duration })
summary-with = With
summary-when-yours = When (your time, { $zone })
summary-when-host = When (host's time, { $zone })
summary-where = Where
summary-name = Name
summary-email = E-mail
summary-notes = Notes
summary-reference = Reference
confirmation-manage-link = Change or cancel this booking
confirmation-manage-hint = Keep this link; it is also in your email.
confirmation-book-another = Book another time
confirmation-book = Book a meeting
contact-us = Contact us
neutral-heading = Your booking
neutral-message = For your privacy this page shows a booking's details only through the link you were given when you booked. Open the link in your confirmation e-mail to see, change or cancel it.

## Error pages
error-back = Back to booking
error-not-found = Not found
error-no-event = There is no such meeting type. Pick one from the list of meetings.
error-no-host = There is no one to book with at this address. Pick a meeting from the list of meetings.
error-booking-not-found-heading = Booking not found
error-booking-not-found = We could not find that booking. Check the link, or contact us.
error-try-again-heading = Please try again
error-unavailable = We could not load this page just now. Please try again in a moment.
error-form-unreadable = Could not read the form
error-not-sent = Not sent
error-automated = This submission looked automated, so it was not accepted. If you are a person, please try again or contact us.

## Embed script (embed.js, on the embedding site)
embed-title = Book a time
embed-close = Close
