# Alles na het boeken en de andere openbare formulieren: de beheerpagina van de gast
# (/manage/…: bekijken, verplaatsen, annuleren), de pagina waarop de gastheer accepteert of
# afwijst (/host/…), het contactformulier (/contact) en de verwijsformulieren (/route/…), met de
# formulierfouten die deze pagina's tonen.
# Tekst binnen <a …> … </a> is een link: behoud de tag, vertaal de woorden ertussen.

## Gedeeld door de beheer- en gastheerpagina's
manage-optional = (optioneel)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Wat
manage-label-status = Status
manage-status-requested = Aangevraagd — wacht op bevestiging door de gastheer
manage-status-confirmed = Bevestigd
manage-status-cancelled = Geannuleerd
manage-status-declined = Niet geaccepteerd door de gastheer
manage-status-expired = Verlopen zonder antwoord

## De beheerpagina van de gast
manage-title = Uw boeking
manage-label-with = Met
manage-label-when-yours = Wanneer (uw tijd, { $zone })
manage-label-when-host = Wanneer (tijd van de gastheer, { $zone })
manage-label-where = Waar
manage-label-reference = Referentie
manage-move-heading = Naar een andere tijd verplaatsen
manage-day-no-times = (geen tijden)
manage-pick-time = Kies een nieuwe tijd
manage-pick-time-on = Kies een nieuwe tijd op { $day }
manage-no-times = Geen andere tijden op deze dag. Kies een andere dag.
manage-move-submit = Mijn boeking verplaatsen
manage-cancel-heading = Annuleren
manage-cancel-reason = Reden
manage-cancel-submit = Mijn boeking annuleren
# $reason is manage-cutoff-hours of manage-cutoff-started.
manage-too-late = Deze boeking kan niet meer online worden gewijzigd ({ $reason }). <a href="/contact">Neem contact met ons op</a>, dan helpen we u verder.
manage-cutoff-hours = { $count ->
    [one] wijzigen kan tot { $count } uur voor aanvang
   *[other] wijzigen kan tot { $count } uur voor aanvang
  }
manage-cutoff-started = de afspraak is al begonnen
manage-book-again = Nog een tijd boeken
manage-questions = Vragen? <a href="/contact">Neem contact met ons op</a>.
manage-done-cancelled = Uw boeking is geannuleerd. U ontvangt een bevestiging per e-mail.
manage-done-rescheduled = Uw boeking is verplaatst. U ontvangt een bijgewerkte uitnodiging per e-mail.
manage-slot-taken = Sorry, die tijd is zojuist door iemand anders geboekt. Uw boeking is niet gewijzigd; kies een andere tijd.
# $problem is een van de manage-problem-*-zinnen hieronder.
manage-not-changed = { $problem } Uw boeking is niet gewijzigd.
manage-problem-change-window-closed = Deze boeking kan niet meer online worden gewijzigd; neem contact met ons op.
manage-problem-not-active = Deze boeking kan niet meer worden gewijzigd.
manage-problem-slot-unavailable = Die tijd wordt niet meer aangeboden; kies een van de aangeboden tijden.
manage-problem-host-unavailable = De gastheer kan niet op die tijd; kies een andere tijd.
manage-problem-event-withdrawn = Dit type afspraak wordt niet meer aangeboden; neem contact met ons op.
manage-problem-no-time = Kies een nieuwe tijd.
manage-problem-generic = Dat is niet gelukt.

## Foutpagina's van de ondertekende links (beheer en gastheer)
link-error-not-found = Boeking niet gevonden
link-error-not-found-text = Deze boeking bestaat niet.
link-error-expired = Deze link is verlopen
link-error-expired-text = Deze link is verlopen; neem contact met ons op als u uw boeking wilt wijzigen.
link-error-invalid = Deze link werkt niet
link-error-invalid-text = Deze link is ongeldig; hij is misschien verkeerd overgenomen of gewijzigd.
link-error-wrong-scope-text = Deze link kan niet voor die actie worden gebruikt.
link-error-failed = Dat is niet gelukt
link-error-busy-text = Dat lukte op dit moment niet. Er is niets gewijzigd; probeer het zo opnieuw.
link-error-form-text = Het formulier kon niet worden gelezen. Ga terug en probeer het opnieuw.
link-error-generic-text = Er is iets misgegaan. Probeer het zo opnieuw.

## De pagina waarop de gastheer accepteert of afwijst
host-answer-approve-heading = Dit verzoek accepteren?
host-answer-decline-heading = Dit verzoek afwijzen?
host-answer-label-host = Gastheer
host-answer-label-when = Wanneer ({ $zone })
host-answer-label-who = Wie
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, tijdzone { $zone }
host-answer-label-notes = Opmerkingen
host-answer-message = Bericht aan { $name }
host-answer-approve-submit = Dit verzoek accepteren
host-answer-decline-submit = Dit verzoek afwijzen
host-answer-approved = Geaccepteerd. De gast ontvangt een bevestiging met een agenda-uitnodiging.
host-answer-already-approved = Dit verzoek was al geaccepteerd.
host-answer-declined = Afgewezen. De gast is op de hoogte gebracht en gevraagd een andere tijd te kiezen.
host-answer-already-declined = Dit verzoek was al afgewezen.

## De contactpagina
contact-title = Contact
contact-heading = Neem contact met ons op
contact-intro = Geen geschikte tijd gevonden? Laat ons weten wanneer het u uitkomt, dan reageren we per e-mail.
contact-name = Naam
contact-email = E-mail
contact-message = Bericht
contact-preferred-times = Tijden die u schikken
contact-honeypot = Laat dit veld leeg
contact-submit = Bericht versturen
contact-sent-heading = Bericht verstuurd
contact-sent-text = Bedankt, we hebben uw bericht ontvangen en antwoorden per e-mail.
contact-back = Terug naar boeken
contact-expired = Dit formulier was verlopen of kwam niet van deze website en is daarom niet verstuurd. Verstuur het opnieuw.

## Verwijsformulieren
routing-choose = Kies…
routing-submit = Doorgaan
routing-contact = Schrijft u ons liever? <a href="/contact">Stuur ons een bericht</a>.
routing-expired = Dit formulier was verlopen of kwam niet van deze website. Controleer uw antwoorden en verstuur het opnieuw.

## Formulierverzendingen van deze pagina's
form-fix-fields = Corrigeer de gemarkeerde velden.
form-invalid = Een deel van wat is verstuurd ontbreekt of is ongeldig. Ga terug en controleer het.
form-not-found = Niet gevonden
form-not-found-routing = Dit formulier bestaat niet. Kies in plaats daarvan een afspraak uit de lijst.
form-unreadable = Het formulier kon niet worden gelezen
form-not-sent = Niet verstuurd
form-automated = Deze inzending leek geautomatiseerd en is daarom niet geaccepteerd. Bent u een mens, probeer het dan opnieuw.
form-try-again = Probeer het opnieuw
form-too-many = Te veel pogingen
form-too-many-text = { $seconds ->
    [one] Te veel pogingen vanaf uw verbinding. Wacht { $seconds } seconde en probeer het opnieuw.
   *[other] Te veel pogingen vanaf uw verbinding. Wacht { $seconds } seconden en probeer het opnieuw.
  }

## Wat er mis is met een veld (eronder getoond)
field-problem-required = is verplicht
field-problem-too-long = { $max ->
    [one] mag maximaal { $max } teken lang zijn
   *[other] mag maximaal { $max } tekens lang zijn
  }
field-problem-control-characters = mag geen stuurtekens bevatten
field-problem-not-text = moet tekst zijn
field-problem-email = moet een e-mailadres zijn, zoals naam@example.com
field-problem-timezone = moet een IANA-tijdzone zijn, zoals Europe/Amsterdam
field-problem-choice = moet een van de vermelde keuzes zijn
field-problem-phone = moet een telefoonnummer zijn, zoals +44 20 7946 0958
