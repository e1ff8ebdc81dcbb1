# Het boekingsproces: lijst van afspraken, pagina van een gastheer, boekingspagina (en het script
# ervan), bevestiging, foutpagina's. Variabelen: $org de organisatie, $host / $names namen van
# gastheren, $zone een IANA-tijdzonenaam (bijv. Europe/Amsterdam), $day een uitgeschreven dag,
# $count / $days / $seconds getallen.

## Namen in een zin: 'Ada en Grace', 'Ada, Grace en Alan'.
names-separator = {", "}
names-and = { $first } en { $last }

## Lijst van afspraken (/) en de pagina van een gastheer (/with/…)
home-title = Een tijd boeken
host-title = Een tijd boeken met { $host }
host-intro = Boek een tijd met { $host } bij { $org }.
home-choose = Kies een afspraak
event-with = met { $names }
home-empty = Er zijn op dit moment geen afspraken te boeken.
host-empty = { $host } heeft op dit moment geen afspraken te boeken.
home-routing = Weet u niet welke?
home-fallback = Vindt u niet wat u zoekt?
home-fallback-link = Stuur ons een bericht

## Boekingspagina
book-with = Met { $names }
book-request-mode = De gastheer bevestigt elk verzoek
tz-label = Tijden worden getoond in
tz-change = Wijzigen
tz-host-hint = De tijdzone van de gastheer is { $zone }.
days-heading = 1. Kies een dag
day-no-times = (geen tijden)
no-times-window = { $days ->
    [one] Er zijn de komende dag geen tijden vrij.
   *[other] Er zijn de komende { $days } dagen geen tijden vrij.
  }
no-times-booking-window = Er zijn in deze boekingsperiode geen tijden vrij.
contact-find-time = Neem contact op om een tijd te vinden
times-legend = 2. Kies een tijd
times-legend-on = 2. Kies een tijd op { $day }
times-empty = Er zijn op deze dag geen tijden meer. Kies een andere dag.
time-host-title = { $time } tijd van de gastheer ({ $zone })
details-legend = 3. Uw gegevens
field-name = Naam
field-email = E-mail
field-notes = Is er iets wat wij moeten weten?
field-optional = (optioneel)
field-choose = Kies…
field-honeypot = Laat dit veld leeg
submit-book = Boeking bevestigen
submit-request = Deze tijd aanvragen
book-fallback = Komt geen van deze tijden uit?
book-fallback-link = Stuur ons een bericht met tijden die u schikken
# Tijden in de toegankelijke naam van de dagknoppen: 'dinsdag 1 december, 3 tijden'.
# Wordt door schermlezers voorgelezen na de zichtbare tekst van een dagknop (de naam van de knop
# moet bevatten wat hij toont), en begint daarom met een eigen scheidingsteken.
day-times-count = , { $count ->
    [one] { $count } tijd
   *[other] { $count } tijden
  }

## Statusregel van de boekingspagina
status-loading = Beschikbare tijden laden…
status-taken-refreshing = Sorry, die tijd is zojuist door iemand anders geboekt. De tijden worden vernieuwd…
status-taken = Sorry, die tijd is zojuist door iemand anders geboekt. Kies een andere tijd.
status-taken-kept = Sorry, die tijd is zojuist door iemand anders geboekt. Kies een andere tijd; uw gegevens blijven bewaard.
status-gone-refreshing = Die tijd is niet meer beschikbaar. De tijden worden vernieuwd…
status-gone = Die tijd is niet meer beschikbaar. Kies een andere tijd.
status-load-failed = De beschikbare tijden konden niet worden geladen. Controleer uw verbinding en probeer het opnieuw.
status-try-again = Opnieuw proberen
status-fix-fields = Corrigeer de gemarkeerde velden.
status-pick-time-first = Kies eerst een tijd.
status-sending-request = Uw verzoek wordt verstuurd…
status-booking = Bezig met boeken…
status-rate-limited = { $seconds ->
    [one] Te veel pogingen vanaf uw verbinding. Wacht { $seconds } seconde en probeer het opnieuw.
   *[other] Te veel pogingen vanaf uw verbinding. Wacht { $seconds } seconden en probeer het opnieuw.
  }
status-rate-limited-moment = Te veel pogingen vanaf uw verbinding. Wacht even en probeer het opnieuw.
status-failed = Er is iets misgegaan. Uw gegevens staan er nog; probeer het opnieuw.
status-unreachable = De boekingsdienst was niet bereikbaar. Uw gegevens staan er nog; probeer het opnieuw.
status-expired-form = Dit formulier was verlopen of kwam niet van deze website, dus er is niets geboekt. Controleer uw gegevens en verstuur het opnieuw.
status-cannot-book = Die tijd kan niet worden geboekt. Kies een andere tijd.

## Veldfouten (controles van het formulier zelf en van de server)
field-error-required = is verplicht
field-error-email = moet een e-mailadres zijn, zoals naam@example.com
field-error-timezone = moet een IANA-tijdzone zijn, zoals Europe/Amsterdam
field-error-too-long = { $max ->
    [one] mag maximaal { $max } teken lang zijn
   *[other] mag maximaal { $max } tekens lang zijn
  }
field-error-control = mag geen stuurtekens bevatten
field-error-choice = moet een van de vermelde keuzes zijn
field-error-phone = moet een telefoonnummer zijn, zoals +44 20 7946 0958
field-error-start = Kies een van de aangeboden tijden.
field-error-invalid = is ongeldig

## Resultaat (bevestigingspagina en de boekingspagina na boeken met het script)
outcome-confirmed-heading = Bevestigd
outcome-confirmed = Uw boeking is bevestigd. U ontvangt een bevestiging per e-mail.
outcome-requested-heading = Verzoek ontvangen
outcome-requested = Verzoek ontvangen — u ontvangt een bevestiging per e-mail zodra de gastheer het accepteert.
outcome-cancelled-heading = Geannuleerd
outcome-cancelled = Deze boeking is geannuleerd.
outcome-declined-heading = Niet geaccepteerd
outcome-declined = De gastheer kon dit verzoek niet accepteren. Kies een andere tijd.
outcome-expired-heading = Verzoek verlopen
outcome-expired = Dit verzoek is niet op tijd bevestigd. Kies een andere tijd.

## Bevestigingspagina
summary-what = Wat
summary-what-value = { $title } ({ $duration })
summary-with = Met
summary-when-yours = Wanneer (uw tijd, { $zone })
summary-when-host = Wanneer (tijd van de gastheer, { $zone })
summary-where = Waar
summary-name = Naam
summary-email = E-mail
summary-notes = Opmerkingen
summary-reference = Referentie
confirmation-manage-link = Deze boeking wijzigen of annuleren
confirmation-manage-hint = Bewaar deze link; hij staat ook in uw e-mail.
confirmation-book-another = Nog een tijd boeken
confirmation-book = Een afspraak boeken
contact-us = Contact opnemen
neutral-heading = Uw boeking
neutral-message = Om uw privacy te beschermen, toont deze pagina de gegevens van een boeking alleen via de link die u bij het boeken hebt gekregen. Open de link in uw bevestigingsmail om de boeking te bekijken, te wijzigen of te annuleren.

## Foutpagina's
error-back = Terug naar boeken
error-not-found = Niet gevonden
error-no-event = Dit type afspraak bestaat niet. Kies er een uit de lijst van afspraken.
error-no-host = Op dit adres is niemand te boeken. Kies een afspraak uit de lijst van afspraken.
error-booking-not-found-heading = Boeking niet gevonden
error-booking-not-found = We konden die boeking niet vinden. Controleer de link of neem contact met ons op.
error-try-again-heading = Probeer het opnieuw
error-unavailable = Deze pagina kon op dit moment niet worden geladen. Probeer het zo opnieuw.
error-form-unreadable = Het formulier kon niet worden gelezen
error-not-sent = Niet verstuurd
error-automated = Deze inzending leek geautomatiseerd en is daarom niet geaccepteerd. Bent u een mens, probeer het dan opnieuw of neem contact met ons op.

## Insluitscript (embed.js, op de website die de pagina insluit)
embed-title = Een tijd boeken
embed-close = Sluiten
