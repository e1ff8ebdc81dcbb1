# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada och Grace", "Ada, Grace och Alan".
names-separator = {", "}
names-and = { $first } och { $last }

## Meeting list (/) and a host's page (/with/…)
home-title = Boka en tid
host-title = Boka en tid med { $host }
host-intro = Boka en tid med { $host } på { $org }.
home-choose = Välj ett möte
event-with = med { $names }
home-empty = Det finns inga möten att boka just nu.
host-empty = { $host } har inga möten att boka just nu.
home-routing = Osäker på vilket du ska välja?
home-fallback = Hittar du inte det du behöver?
home-fallback-link = Skicka ett meddelande till oss

## Booking page
book-with = Med { $names }
book-request-mode = Värden bekräftar varje förfrågan
tz-label = Tiderna visas i
tz-change = Ändra
tz-host-hint = Värdens tidszon är { $zone }.
days-heading = 1. Välj en dag
day-no-times = (inga tider)
no-times-window = { $days ->
    [one] Det finns inga lediga tider det närmaste dygnet.
   *[other] Det finns inga lediga tider de närmaste { $days } dagarna.
  }
no-times-booking-window = Det finns inga lediga tider i den här bokningsperioden.
contact-find-time = Kontakta oss för att hitta en tid
times-legend = 2. Välj en tid
times-legend-on = 2. Välj en tid { $day }
times-empty = Det finns inga tider kvar den här dagen. Välj en annan dag.
time-host-title = { $time } värdens tid ({ $zone })
details-legend = 3. Dina uppgifter
field-name = Namn
field-email = E-post
field-notes = Något vi bör veta?
field-optional = (valfritt)
field-choose = Välj…
field-honeypot = Lämna det här fältet tomt
submit-book = Bekräfta bokningen
submit-request = Begär den här tiden
book-fallback = Passar ingen av tiderna?
book-fallback-link = Skicka ett meddelande till oss med tider som passar dig
# Times in the day buttons' accessible names: "tisdag 1 december, 3 tider".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = , { $count ->
    [one] { $count } tid
   *[other] { $count } tider
  }

## Status line of the booking page
status-loading = Hämtar lediga tider…
status-taken-refreshing = Tyvärr – den tiden bokades precis av någon annan. Uppdaterar tiderna…
status-taken = Tyvärr – den tiden bokades precis av någon annan. Välj en annan tid.
status-taken-kept = Tyvärr – den tiden bokades precis av någon annan. Välj en annan tid; dina uppgifter finns kvar.
status-gone-refreshing = Den tiden är inte längre tillgänglig. Uppdaterar tiderna…
status-gone = Den tiden är inte längre tillgänglig. Välj en annan tid.
status-load-failed = Vi kunde inte hämta de lediga tiderna. Kontrollera din anslutning och försök igen.
status-try-again = Försök igen
status-fix-fields = Rätta de markerade fälten.
status-pick-time-first = Välj en tid först.
status-sending-request = Skickar din förfrågan…
status-booking = Bokar…
status-rate-limited = { $seconds ->
    [one] För många försök från din anslutning. Vänta { $seconds } sekund och försök igen.
   *[other] För många försök från din anslutning. Vänta { $seconds } sekunder och försök igen.
  }
status-rate-limited-moment = För många försök från din anslutning. Vänta en stund och försök igen.
status-failed = Något gick fel. Dina uppgifter finns kvar; försök igen.
status-unreachable = Vi kunde inte nå bokningstjänsten. Dina uppgifter finns kvar; försök igen.
status-expired-form = Formuläret hade gått ut eller kom inte från den här webbplatsen, så ingenting bokades. Kontrollera dina uppgifter och skicka det igen.
status-cannot-book = Den tiden går inte att boka. Välj en annan tid.

## Field errors (the form's own checks and the server's)
field-error-required = måste fyllas i
field-error-email = måste vara en e-postadress, till exempel name@example.com
field-error-timezone = måste vara en IANA-tidszon, till exempel Europe/Stockholm
field-error-too-long = { $max ->
    [one] får vara högst { $max } tecken
   *[other] får vara högst { $max } tecken
  }
field-error-control = får inte innehålla styrtecken
field-error-choice = måste vara ett av de angivna alternativen
field-error-phone = måste vara ett telefonnummer, till exempel +46 8 123 456 78
field-error-start = Välj en av de erbjudna tiderna.
field-error-invalid = är ogiltigt

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = Bekräftad
outcome-confirmed = Din bokning är bekräftad. En bekräftelse skickas till dig via e-post.
outcome-requested-heading = Förfrågan mottagen
outcome-requested = Förfrågan mottagen – du får en bekräftelse via e-post när värden har godkänt den.
outcome-cancelled-heading = Avbokad
outcome-cancelled = Den här bokningen har avbokats.
outcome-declined-heading = Inte godkänd
outcome-declined = Värden kunde inte godkänna den här förfrågan. Välj en annan tid.
outcome-expired-heading = Förfrågan har gått ut
outcome-expired = Den här förfrågan bekräftades inte i tid. Välj en annan tid.

## Confirmation page
summary-what = Vad
summary-what-value = { $title } ({ $duration })
summary-with = Med
summary-when-yours = När (din tid, { $zone })
summary-when-host = När (värdens tid, { $zone })
summary-where = Var
summary-name = Namn
summary-email = E-post
summary-notes = Anteckningar
summary-reference = Referens
confirmation-manage-link = Ändra eller avboka den här bokningen
confirmation-manage-hint = Spara den här länken; den finns också i ditt e-postmeddelande.
confirmation-book-another = Boka en annan tid
confirmation-book = Boka ett möte
contact-us = Kontakta oss
neutral-heading = Din bokning
neutral-message = För att skydda din integritet visar den här sidan en boknings uppgifter endast via länken du fick när du bokade. Öppna länken i ditt bekräftelsemejl för att se, ändra eller avboka den.

## Error pages
error-back = Tillbaka till bokningen
error-not-found = Hittades inte
error-no-event = Det finns ingen sådan mötestyp. Välj en i listan över möten.
error-no-host = Det finns ingen att boka med på den här adressen. Välj ett möte i listan över möten.
error-booking-not-found-heading = Bokningen hittades inte
error-booking-not-found = Vi kunde inte hitta den bokningen. Kontrollera länken eller kontakta oss.
error-try-again-heading = Försök igen
error-unavailable = Vi kunde inte läsa in sidan just nu. Försök igen om en liten stund.
error-form-unreadable = Formuläret kunde inte läsas
error-not-sent = Inte skickat
error-automated = Det här såg ut att vara ett automatiskt inskick, så det togs inte emot. Om du är en människa, försök igen eller kontakta oss.

## Embed script (embed.js, on the embedding site)
embed-title = Boka en tid
embed-close = Stäng
