# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = Det här meddelandet skickades automatiskt av bokningstjänsten för { $org }.
email-greeting = Hej { $name },
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts } ({ $org })
# How a list of names is joined: "Ada, Grace och Alan".
email-names-separator = {", "}
email-names-last = { $rest } och { $last }
# A duration made of two units: "1 timme 30 minuter" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger } { $smaller }
email-manage-link = Ändra eller avboka
email-book-again-link = Boka en annan tid
email-open-booking-link = Öppna bokningen
email-booking-page = Bokningssida
email-previously = Tidigare
email-message-label = Meddelande
email-reason-label = Angiven anledning

## The booking's details table
email-detail-what = Vad
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Med
email-detail-when = När
email-detail-where = Var
email-detail-host-time = Värdens tid
email-detail-who = Vem
email-detail-who-zone = { $who }, tidszon { $zone }
email-detail-notes = Anteckningar
email-detail-reference = Referens

## Invitee: confirmed (with the invite)
email-confirmed-subject = Bekräftad: { $event }, { $when }
email-confirmed-headline = Bekräftad
email-confirmed-body = Din bokning med { $party } är bekräftad. Med den bifogade inbjudan kan du lägga till den i din kalender.

## Invitee: request received (the host still has to accept it)
email-request-received-subject = Förfrågan mottagen: { $event }, { $when }
email-request-received-headline = Förfrågan mottagen
email-request-received-body = Tack – vi har tagit emot din förfrågan. Du får en bekräftelse via e-post när { $org } har godkänt den.

## Invitee: reminder ($duration: "24 timmar", "1 dag")
email-reminder-subject = Påminnelse: { $event }, { $when }
email-reminder-headline = Påminnelse
email-reminder-body = Det här är en påminnelse om din bokning med { $party }, som börjar om { $duration }.
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = om { $duration }

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Avbokad
email-cancelled-body = Din bokning har avbokats. Tiden är ledig igen.
email-rescheduled-headline = Ombokad
email-rescheduled-body = Din bokning har flyttats till den nya tiden nedan.
email-declined-headline = Förfrågan inte godkänd
email-declined-body = Tyvärr passar den här tiden inte { $org }. Vi beklagar – välj gärna en annan tid som passar dig.
email-expired-headline = Förfrågan har gått ut
email-expired-body = Din förfrågan bekräftades inte i tid och har därför gått ut. Välj en annan tid.

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event } med { $party }
email-invite-description =
    Bokad via { $org }. Referens { $reference }.
    Ändra eller avboka: { $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] Ny bokningsförfrågan
   *[no] Ny bokning
  }: { $event } med { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Ny bokningsförfrågan
   *[no] Ny bokning
  }
email-ops-booking-body = { $requested ->
    [yes] En ny bokningsförfrågan väntar på bekräftelse.
   *[no] En ny bokning har bekräftats.
  }
email-ops-approve = Godkänn
email-ops-decline = Avböj

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }: { $event } med { $name }, { $when }
email-ops-cancelled-body = { $name } har avbokat sin bokning.
email-ops-rescheduled-body = { $name } har flyttat sin bokning.
email-ops-expired-body = Den här förfrågan besvarades inte i tid och har gått ut; tiden är ledig igen.

## Ops inbox: a contact-form message
email-contact-subject = Kontaktformulär: meddelande från { $name }
email-contact-headline = Meddelande via kontaktformuläret
email-contact-intro = { $has_event ->
    [yes] { $sender } skickade ett meddelande via kontaktformuläret (om { $event }):
   *[no] { $sender } skickade ett meddelande via kontaktformuläret:
  }
email-contact-preferred-times = Tider som passar avsändaren
email-contact-reply = Svara på det här mejlet för att svara avsändaren.

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "1 timme 30 minuter")
email-calendar-label = Kalender
email-calendar-connection-label = Anslutning
email-calendar-account-label = Konto
email-calendar-last-error-label = Senaste fel
email-calendar-failing-subject = Kalendern fungerar inte för { $host }: { $url }
email-calendar-failing-headline = Kalendern fungerar inte
email-calendar-failing-body = En kalender för { $host } har inte kunnat läsas sedan { $since } (i { $duration }).
email-calendar-failing-stale = Tills vidare erbjuds tider utifrån den upptagna tid som senast lästes, vilket kan missa nya händelser (med [calendars] on_stale = "close": inga tider för { $host } när den är äldre än stale_after_minutes).
email-calendar-failing-check = Kontrollera anslutningen på kalendersidan i administrationen. Du får ett meddelande till när den fungerar igen.
email-calendar-recovered-subject = Kalendern fungerar igen för { $host }: { $url }
email-calendar-recovered-headline = Kalendern fungerar igen
email-calendar-recovered-body = En kalender för { $host } kan läsas igen. Den hade inte fungerat sedan { $since } (i { $duration }).
email-calendar-recovered-last-error-label = Senaste fel innan den fungerade igen
email-calendar-recovered-fresh = Dess upptagna tid är aktuell igen.
email-calendar-reconnect-subject = Kalendern behöver anslutas igen för { $host }: { $url }
email-calendar-reconnect-headline = Kalendern behöver anslutas igen
email-calendar-reconnect-body = { $url } för { $host } släpper inte längre in openslot: leverantören nekade inloggningen { $since }.
email-calendar-reconnect-answer-label = Leverantörens svar
email-calendar-reconnect-stale = Tills någon ansluter den igen läses dess kalendrar inte och inga bokningar skrivs in i dem; tider erbjuds utifrån den upptagna tid som senast lästes (med [calendars] on_stale = "close": inga tider för { $host } när den är äldre än stale_after_minutes).
email-calendar-reconnect-fix = För att åtgärda det öppnar { $host } eller en administratör kalendersidan i administrationen och väljer ”Reconnect” bredvid kontot. Det här meddelandet skickas bara en gång.
