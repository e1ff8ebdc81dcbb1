# E-mails aan gasten (in de taal van de boeking) en aan gastheren en de beheermailbox (in de
# taal van de gastheer). $event is de titel van het afspraaktype, $when een datum en tijd die al
# op de manier van de taal zijn geschreven, $name de naam van de gast, $org de organisatie.

## Gedeeld door alle berichten
email-footer = Dit bericht is automatisch verstuurd door de boekingsdienst van { $org }.
email-greeting = Beste { $name },
# 'Ada Lovelace (Acme Consulting)': de gastheren van een boeking en hun organisatie.
email-party = { $hosts } ({ $org })
# Hoe een lijst van namen wordt samengevoegd: 'Ada, Grace en Alan'.
email-names-separator = {", "}
email-names-last = { $rest } en { $last }
# Een duur uit twee eenheden: '1 uur en 30 minuten' ($larger en $smaller komen uit de
# duration-*-berichten).
email-duration-pair = { $larger } en { $smaller }
email-manage-link = Wijzigen of annuleren
email-book-again-link = Nog een tijd boeken
email-open-booking-link = Boeking openen
email-booking-page = Boekingspagina
email-previously = Eerder
email-message-label = Bericht
email-reason-label = Opgegeven reden

## De tabel met de gegevens van de boeking
email-detail-what = Wat
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Met
email-detail-when = Wanneer
email-detail-where = Waar
email-detail-host-time = Tijd van de gastheer
email-detail-who = Wie
email-detail-who-zone = { $who }, tijdzone { $zone }
email-detail-notes = Opmerkingen
email-detail-reference = Referentie

## Gast: bevestigd (met de uitnodiging)
email-confirmed-subject = Bevestigd: { $event }, { $when }
email-confirmed-headline = Bevestigd
email-confirmed-body = Uw boeking met { $party } is bevestigd. Met de bijgevoegde uitnodiging zet u de afspraak in uw agenda.

## Gast: verzoek ontvangen (de gastheer moet het nog accepteren)
email-request-received-subject = Verzoek ontvangen: { $event }, { $when }
email-request-received-headline = Verzoek ontvangen
email-request-received-body = Bedankt, we hebben uw verzoek ontvangen. U ontvangt een bevestiging per e-mail zodra { $org } het accepteert.

## Gast: herinnering ($duration: '24 uur', '1 dag')
email-reminder-subject = Herinnering: { $event }, { $when }
email-reminder-headline = Herinnering
email-reminder-body = Dit is een herinnering aan uw boeking met { $party }, die over { $duration } begint.
# Hoe snel de boeking begint, voor sjablonen die dat los vermelden ('over 1 dag').
email-reminder-lead = over { $duration }

## Gast: de boeking is gewijzigd ($headline is een van de koppen hieronder)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Geannuleerd
email-cancelled-body = Uw boeking is geannuleerd. De tijd is weer vrij.
email-rescheduled-headline = Verplaatst
email-rescheduled-body = Uw boeking is verplaatst naar de nieuwe tijd hieronder.
email-declined-headline = Verzoek niet geaccepteerd
email-declined-body = Helaas kan { $org } niet op deze tijd. Het spijt ons; kies een andere tijd die u schikt.
email-expired-headline = Verzoek verlopen
email-expired-body = Uw verzoek is niet op tijd bevestigd en is daarom vervallen. Kies een andere tijd.

## Uitnodiging (agenda-afspraak) bij de e-mail aan de gast
email-invite-summary = { $event } met { $party }
email-invite-description =
    Geboekt via { $org }. Referentie { $reference }.
    Wijzigen of annuleren: { $url }

## Gastheren en beheermailbox: een nieuwe boeking
email-ops-booking-subject = { $requested ->
    [yes] Nieuw boekingsverzoek
   *[no] Nieuwe boeking
  }: { $event } met { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nieuw boekingsverzoek
   *[no] Nieuwe boeking
  }
email-ops-booking-body = { $requested ->
    [yes] Er wacht een nieuw boekingsverzoek op bevestiging.
   *[no] Er is een nieuwe boeking bevestigd.
  }
email-ops-approve = Accepteren
email-ops-decline = Afwijzen

## Gastheren en beheermailbox: de boeking is gewijzigd
email-ops-update-subject = { $headline }: { $event } met { $name }, { $when }
email-ops-cancelled-body = { $name } heeft de boeking geannuleerd.
email-ops-rescheduled-body = { $name } heeft de boeking verplaatst.
email-ops-expired-body = Dit verzoek is niet op tijd beantwoord en is verlopen; de tijd is weer vrij.

## Beheermailbox: een bericht via het contactformulier
email-contact-subject = Contactformulier: bericht van { $name }
email-contact-headline = Bericht via het contactformulier
email-contact-intro = { $has_event ->
    [yes] { $sender } heeft een bericht gestuurd via het contactformulier (over { $event }):
   *[no] { $sender } heeft een bericht gestuurd via het contactformulier:
  }
email-contact-preferred-times = Tijden die schikken
email-contact-reply = Beantwoord deze e-mail om te reageren.

## Gastheren en beheermailbox: een agendakoppeling ($host: de naam van de gastheer; $url: het
## adres van de agenda; $since: sinds wanneer het misgaat; $duration: hoe lang al, '1 uur en 30 minuten')
email-calendar-label = Agenda
email-calendar-connection-label = Koppeling
email-calendar-account-label = Account
email-calendar-last-error-label = Laatste fout
email-calendar-failing-subject = Agenda werkt niet voor { $host }: { $url }
email-calendar-failing-headline = Agenda werkt niet
email-calendar-failing-body = Een agenda van { $host } is sinds { $since } niet goed gelezen (al { $duration }).
email-calendar-failing-stale = Tot dan worden tijden aangeboden op basis van de laatst gelezen bezette tijden, waarin nieuwe afspraken kunnen ontbreken (met [calendars] on_stale = "close": geen tijden voor { $host } zodra die ouder zijn dan stale_after_minutes).
email-calendar-failing-check = Controleer de koppeling op de agendapagina van het beheer. U ontvangt nog een bericht zodra het weer werkt.
email-calendar-recovered-subject = Agenda werkt weer voor { $host }: { $url }
email-calendar-recovered-headline = Agenda werkt weer
email-calendar-recovered-body = Een agenda van { $host } wordt weer goed gelezen. Het ging mis sinds { $since } (gedurende { $duration }).
email-calendar-recovered-last-error-label = Laatste fout voor het herstel
email-calendar-recovered-fresh = De bezette tijden zijn weer actueel.
email-calendar-reconnect-subject = Agenda moet opnieuw worden gekoppeld voor { $host }: { $url }
email-calendar-reconnect-headline = Agenda moet opnieuw worden gekoppeld
email-calendar-reconnect-body = { $url } van { $host } laat openslot niet meer toe: de aanbieder heeft de aanmelding op { $since } geweigerd.
email-calendar-reconnect-answer-label = Antwoord van de aanbieder
email-calendar-reconnect-stale = Tot iemand de koppeling herstelt, worden de agenda's niet gelezen en worden boekingen er niet in gezet; tijden worden aangeboden op basis van de laatst gelezen bezette tijden (met [calendars] on_stale = "close": geen tijden voor { $host } zodra die ouder zijn dan stale_after_minutes).
email-calendar-reconnect-fix = Om dit op te lossen, opent { $host } of een beheerder de agendapagina van het beheer en kiest 'Reconnect' naast het account. Dit bericht wordt maar één keer verstuurd.
