# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = (optional)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = What
manage-label-status = Status
manage-status-requested = Requested — waiting for the host to confirm
manage-status-confirmed = Confirmed
manage-status-cancelled = Cancelled
manage-status-declined = Not accepted by the host
manage-status-expired = Expired unanswered

## The invitee's manage page
manage-title = Your booking
manage-label-with = With
manage-label-when-yours = When (your time, { $zone })
manage-label-when-host = When (host's time, { $zone })
manage-label-where = Where
manage-label-reference = Reference
manage-move-heading = Move to another time
manage-day-no-times = (no times)
manage-pick-time = Pick a new time
manage-pick-time-on = Pick a new time on { $day }
manage-no-times = No other times on this day. Pick another day.
manage-move-submit = Move my booking
manage-cancel-heading = Cancel
manage-cancel-reason = Reason
manage-cancel-submit = Cancel my booking
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = It is too late to change this booking online ({ $reason }). Please <a href="/contact">contact us</a> and we will help.
manage-cutoff-hours = { $count ->
    [one] changes close { $count } hour before the start
   *[other] changes close { $count } hours before the start
  }
manage-cutoff-started = the meeting has started
manage-book-again = Book another time
manage-questions = Questions? <a href="/contact">Contact us</a>.
manage-done-cancelled = Your booking is cancelled. A confirmation is on its way by email.
manage-done-rescheduled = Your booking has moved. An updated invitation is on its way by email.
manage-slot-taken = Sorry — that time was just taken by someone else. Your booking has not changed; please pick another time.
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem } Your booking has not changed.
manage-problem-change-window-closed = It is too late to change this booking online; please contact us.
manage-problem-not-active = This booking can no longer be changed.
manage-problem-slot-unavailable = That time is not offered any more; pick one of the offered times.
manage-problem-host-unavailable = The host cannot take that time; pick another time.
manage-problem-event-withdrawn = This meeting type is no longer offered; please contact us.
manage-problem-no-time = Pick a new time.
manage-problem-generic = That did not work.

## Error pages of the signed links (manage and host)
link-error-not-found = Booking not found
link-error-not-found-text = There is no such booking.
link-error-expired = This link has expired
link-error-expired-text = This link has expired; contact us if you need to change your booking.
link-error-invalid = This link does not work
link-error-invalid-text = This link is not valid; it may have been mistyped or altered.
link-error-wrong-scope-text = This link cannot be used for that action.
link-error-failed = That did not work
link-error-busy-text = We could not do that just now. Nothing has changed; please try again in a moment.
link-error-form-text = The form could not be read. Please go back and try again.
link-error-generic-text = Something went wrong. Please try again in a moment.

## The host's approve / decline page
host-answer-approve-heading = Approve this request?
host-answer-decline-heading = Decline this request?
host-answer-label-host = Host
host-answer-label-when = When ({ $zone })
host-answer-label-who = Who
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, time zone { $zone }
host-answer-label-notes = Notes
host-answer-message = Message to { $name }
host-answer-approve-submit = Approve this request
host-answer-decline-submit = Decline this request
host-answer-approved = Approved. The invitee is getting a confirmation with a calendar invitation.
host-answer-already-approved = This request was already approved.
host-answer-declined = Declined. The invitee has been told and invited to pick another time.
host-answer-already-declined = This request was already declined.

## The contact page
contact-title = Contact
contact-heading = Contact us
contact-intro = Can't find a time that works? Tell us when suits you and we will get back to you by email.
contact-name = Name
contact-email = Email
contact-message = Message
contact-preferred-times = Times that suit you
contact-honeypot = Leave this field empty
contact-submit = Send message
contact-sent-heading = Message sent
contact-sent-text = Thank you — we have your message and will reply by email.
contact-back = Back to booking
contact-expired = This form had expired or did not come from this site, so it was not sent. Please send it again.

## Routing forms
routing-choose = Choose…
routing-submit = Continue
routing-contact = Rather write to us? <a href="/contact">Send us a message</a>.
routing-expired = This form had expired or did not come from this site. Please check your answers and send it again.

## Form posts of these pages
form-fix-fields = Please fix the highlighted fields.
form-invalid = Some of what was sent is missing or not valid. Please go back and check it.
form-not-found = Not found
form-not-found-routing = There is no such form. Pick a meeting from the list instead.
form-unreadable = Could not read the form
form-not-sent = Not sent
form-automated = This submission looked automated, so it was not accepted. If you are a person, please try again.
form-try-again = Please try again
form-too-many = Too many attempts
form-too-many-text = { $seconds ->
    [one] Too many attempts from your connection. Please wait { $seconds } second and try again.
   *[other] Too many attempts from your connection. Please wait { $seconds } seconds and try again.
  }

## What is wrong with one field (shown under it)
field-problem-required = is required
field-problem-too-long = { $max ->
    [one] must be at most { $max } character
   *[other] must be at most { $max } characters
  }
field-problem-control-characters = must not contain control characters
field-problem-not-text = must be a string
field-problem-email = must be an email address such as name@example.com
field-problem-timezone = must be an IANA time zone such as Europe/London
field-problem-choice = must be one of the listed choices
field-problem-phone = must be a phone number such as +44 20 7946 0958
