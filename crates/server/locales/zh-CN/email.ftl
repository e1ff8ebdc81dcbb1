# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = This message was sent automatically by { $org }'s booking service.
email-greeting = Hello { $name },
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts } ({ $org })
# How a list of names is joined: "Ada, Grace and Alan".
email-names-separator = {", "}
email-names-last = { $rest } and { $last }
# A duration made of two units: "1 hour 30 minutes" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger } { $smaller }
email-manage-link = Change or cancel
email-book-again-link = Book another time
email-open-booking-link = Open the booking
email-booking-page = Booking page
email-previously = Previously
email-message-label = Message
email-reason-label = Reason given

## The booking's details table
email-detail-what = What
email-detail-what-value = { $event } ({ $duration })
email-detail-with = With
email-detail-when = When
email-detail-where = Where
email-detail-host-time = Host's time
email-detail-who = Who
email-detail-who-zone = { $who }, time zone { $zone }
email-detail-notes = Notes
email-detail-reference = Reference

## Invitee: confirmed (with the invite)
email-confirmed-subject = Confirmed: { $event }, { $when }
email-confirmed-headline = Confirmed
email-confirmed-body = Your booking with { $party } is confirmed. The attached invitation adds it to your calendar.

## Invitee: request received (the host still has to accept it)
email-request-received-subject = Request received: { $event }, { $when }
email-request-received-headline = Request received
email-request-received-body = Thank you — we have received your request. You will get a confirmation by email once { $org } accepts it.

## Invitee: reminder ($duration: "24 hours", "1 day")
email-reminder-subject = Reminder: { $event }, { $when }
email-reminder-headline = Reminder
email-reminder-body = This is a reminder of your booking with { $party }, starting in { $duration }.
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = in { $duration }

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Cancelled
email-cancelled-body = Your booking has been cancelled. The time is free again.
email-rescheduled-headline = Rescheduled
email-rescheduled-body = Your booking has moved to the new time below.
email-declined-headline = Request not accepted
email-declined-body = Unfortunately { $org } cannot make this time. We are sorry — please pick another time that suits you.
email-expired-headline = Request expired
email-expired-body = Your request was not confirmed in time, so it has lapsed. Please pick another time.

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event } with { $party }
email-invite-description =
    Booked through { $org }. Reference { $reference }.
    Change or cancel: { $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] New booking request
   *[no] New booking
  }: { $event } with { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] New booking request
   *[no] New booking
  }
email-ops-booking-body = { $requested ->
    [yes] A new booking request is waiting for confirmation.
   *[no] A new booking was confirmed.
  }
email-ops-approve = Approve
email-ops-decline = Decline

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }: { $event } with { $name }, { $when }
email-ops-cancelled-body = { $name } cancelled their booking.
email-ops-rescheduled-body = { $name } moved their booking.
email-ops-expired-body = This request was not answered in time and has expired; the time is free again.

## Ops inbox: a contact-form message
email-contact-subject = Contact form: message from { $name }
email-contact-headline = Contact form message
email-contact-intro = { $has_event ->
    [yes] { $sender } sent a message through the contact form (about { $event }):
   *[no] { $sender } sent a message through the contact form:
  }
email-contact-preferred-times = Times that suit them
email-contact-reply = Reply to this email to answer them.

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "1 hour 30 minutes")
email-calendar-label = Calendar
email-calendar-connection-label = Connection
email-calendar-account-label = Account
email-calendar-last-error-label = Last error
email-calendar-failing-subject = Calendar failing for { $host }: { $url }
email-calendar-failing-headline = Calendar failing
email-calendar-failing-body = A calendar of { $host } has not been read successfully since { $since } (for { $duration }).
email-calendar-failing-stale = Until then times are offered from the busy time last read, which may miss new events (with [calendars] on_stale = "close": no times for { $host } once that is older than stale_after_minutes).
email-calendar-failing-check = Check the connection in the admin's calendar page. You will get one more message when it works again.
email-calendar-recovered-subject = Calendar working again for { $host }: { $url }
email-calendar-recovered-headline = Calendar working again
email-calendar-recovered-body = A calendar of { $host } is read successfully again. It had been failing since { $since } (for { $duration }).
email-calendar-recovered-last-error-label = Last error before it recovered
email-calendar-recovered-fresh = Its busy time is up to date again.
email-calendar-reconnect-subject = Calendar needs reconnecting for { $host }: { $url }
email-calendar-reconnect-headline = Calendar needs reconnecting
email-calendar-reconnect-body = { $host }'s { $url } no longer lets openslot in: the provider refused its sign-in on { $since }.
email-calendar-reconnect-answer-label = Provider's answer
email-calendar-reconnect-stale = Until someone reconnects it, its calendars are not read and bookings are not written into them; times are offered from the busy time last read (with [calendars] on_stale = "close": no times for { $host } once that is older than stale_after_minutes).
email-calendar-reconnect-fix = To fix it, { $host } or an admin opens the admin's calendar page and chooses "Reconnect" next to the account. This message is sent once.
