# Alles nach der Buchung und die anderen öffentlichen Formulare: die Verwaltungsseite des Gastes
# (/manage/…: ansehen, verschieben, stornieren), die Zusage-/Absage-Seite des Gastgebers
# (/host/…), das Kontaktformular (/contact) und die Auswahlformulare (/route/…), mit den
# Formularfehlern dieser Seiten.
# Text innerhalb von <a …> … </a> ist ein Link: das Tag behalten, die Wörter dazwischen übersetzen.

## Gemeinsam für die Verwaltungs- und Gastgeberseiten
manage-optional = (optional)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Was
manage-label-status = Status
manage-status-requested = Angefragt – wartet auf Bestätigung durch den Gastgeber
manage-status-confirmed = Bestätigt
manage-status-cancelled = Storniert
manage-status-declined = Vom Gastgeber nicht angenommen
manage-status-expired = Unbeantwortet abgelaufen

## Die Verwaltungsseite des Gastes
manage-title = Ihre Buchung
manage-label-with = Mit
manage-label-when-yours = Wann (Ihre Zeit, { $zone })
manage-label-when-host = Wann (Zeit des Gastgebers, { $zone })
manage-label-where = Wo
manage-label-reference = Referenz
manage-move-heading = Auf eine andere Zeit verschieben
manage-day-no-times = (keine Zeiten)
manage-pick-time = Neue Zeit wählen
manage-pick-time-on = Neue Zeit am { $day } wählen
manage-no-times = An diesem Tag gibt es keine anderen Zeiten. Wählen Sie einen anderen Tag.
manage-move-submit = Meine Buchung verschieben
manage-cancel-heading = Stornieren
manage-cancel-reason = Grund
manage-cancel-submit = Meine Buchung stornieren
# $reason ist manage-cutoff-hours oder manage-cutoff-started.
manage-too-late = Diese Buchung kann nicht mehr online geändert werden ({ $reason }). Bitte <a href="/contact">kontaktieren Sie uns</a>, wir helfen Ihnen gern.
manage-cutoff-hours = { $count ->
    [one] Änderungen sind bis { $count } Stunde vor Beginn möglich
   *[other] Änderungen sind bis { $count } Stunden vor Beginn möglich
  }
manage-cutoff-started = der Termin hat bereits begonnen
manage-book-again = Weiteren Termin buchen
manage-questions = Fragen? <a href="/contact">Kontaktieren Sie uns</a>.
manage-done-cancelled = Ihre Buchung ist storniert. Eine Bestätigung ist per E-Mail unterwegs.
manage-done-rescheduled = Ihre Buchung wurde verschoben. Eine aktualisierte Einladung ist per E-Mail unterwegs.
manage-slot-taken = Leider wurde diese Zeit gerade von jemand anderem gebucht. Ihre Buchung ist unverändert; bitte wählen Sie eine andere Zeit.
# $problem ist einer der manage-problem-*-Sätze unten.
manage-not-changed = { $problem } Ihre Buchung ist unverändert.
manage-problem-change-window-closed = Diese Buchung kann nicht mehr online geändert werden; bitte kontaktieren Sie uns.
manage-problem-not-active = Diese Buchung kann nicht mehr geändert werden.
manage-problem-slot-unavailable = Diese Zeit wird nicht mehr angeboten; wählen Sie eine der angebotenen Zeiten.
manage-problem-host-unavailable = Der Gastgeber kann zu dieser Zeit nicht; wählen Sie eine andere Zeit.
manage-problem-event-withdrawn = Diese Terminart wird nicht mehr angeboten; bitte kontaktieren Sie uns.
manage-problem-no-time = Wählen Sie eine neue Zeit.
manage-problem-generic = Das hat nicht funktioniert.

## Fehlerseiten der signierten Links (Verwaltung und Gastgeber)
link-error-not-found = Buchung nicht gefunden
link-error-not-found-text = Diese Buchung gibt es nicht.
link-error-expired = Dieser Link ist abgelaufen
link-error-expired-text = Dieser Link ist abgelaufen; kontaktieren Sie uns, wenn Sie Ihre Buchung ändern möchten.
link-error-invalid = Dieser Link funktioniert nicht
link-error-invalid-text = Dieser Link ist ungültig; vielleicht wurde er falsch eingegeben oder verändert.
link-error-wrong-scope-text = Dieser Link kann für diese Aktion nicht verwendet werden.
link-error-failed = Das hat nicht funktioniert
link-error-busy-text = Das war gerade nicht möglich. Es wurde nichts geändert; bitte versuchen Sie es in einem Moment erneut.
link-error-form-text = Das Formular konnte nicht gelesen werden. Bitte gehen Sie zurück und versuchen Sie es erneut.
link-error-generic-text = Etwas ist schiefgelaufen. Bitte versuchen Sie es in einem Moment erneut.

## Die Zusage-/Absage-Seite des Gastgebers
host-answer-approve-heading = Diese Anfrage annehmen?
host-answer-decline-heading = Diese Anfrage ablehnen?
host-answer-label-host = Gastgeber
host-answer-label-when = Wann ({ $zone })
host-answer-label-who = Wer
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, Zeitzone { $zone }
host-answer-label-notes = Anmerkungen
host-answer-message = Nachricht an { $name }
host-answer-approve-submit = Anfrage annehmen
host-answer-decline-submit = Anfrage ablehnen
host-answer-approved = Angenommen. Der Gast erhält eine Bestätigung mit einer Kalendereinladung.
host-answer-already-approved = Diese Anfrage wurde bereits angenommen.
host-answer-declined = Abgelehnt. Der Gast wurde benachrichtigt und gebeten, eine andere Zeit zu wählen.
host-answer-already-declined = Diese Anfrage wurde bereits abgelehnt.

## Die Kontaktseite
contact-title = Kontakt
contact-heading = Kontaktieren Sie uns
contact-intro = Keine passende Zeit gefunden? Teilen Sie uns mit, wann es Ihnen passt, und wir melden uns per E-Mail bei Ihnen.
contact-name = Name
contact-email = E-Mail
contact-message = Nachricht
contact-preferred-times = Zeiten, die Ihnen passen
contact-honeypot = Dieses Feld bitte leer lassen
contact-submit = Nachricht senden
contact-sent-heading = Nachricht gesendet
contact-sent-text = Vielen Dank – wir haben Ihre Nachricht erhalten und antworten per E-Mail.
contact-back = Zurück zur Buchung
contact-expired = Dieses Formular war abgelaufen oder stammte nicht von dieser Website und wurde daher nicht gesendet. Bitte senden Sie es erneut.

## Auswahlformulare
routing-choose = Bitte wählen…
routing-submit = Weiter
routing-contact = Schreiben Sie uns lieber? <a href="/contact">Senden Sie uns eine Nachricht</a>.
routing-expired = Dieses Formular war abgelaufen oder stammte nicht von dieser Website. Bitte prüfen Sie Ihre Antworten und senden Sie es erneut.

## Formularübermittlungen dieser Seiten
form-fix-fields = Bitte korrigieren Sie die markierten Felder.
form-invalid = Ein Teil der gesendeten Angaben fehlt oder ist ungültig. Bitte gehen Sie zurück und prüfen Sie sie.
form-not-found = Nicht gefunden
form-not-found-routing = Dieses Formular gibt es nicht. Wählen Sie stattdessen einen Termin aus der Liste.
form-unreadable = Das Formular konnte nicht gelesen werden
form-not-sent = Nicht gesendet
form-automated = Diese Eingabe sah automatisiert aus und wurde daher nicht angenommen. Wenn Sie ein Mensch sind, versuchen Sie es bitte erneut.
form-try-again = Bitte versuchen Sie es erneut
form-too-many = Zu viele Versuche
form-too-many-text = { $seconds ->
    [one] Zu viele Versuche von Ihrer Verbindung. Bitte warten Sie { $seconds } Sekunde und versuchen Sie es erneut.
   *[other] Zu viele Versuche von Ihrer Verbindung. Bitte warten Sie { $seconds } Sekunden und versuchen Sie es erneut.
  }

## Was an einem Feld falsch ist (darunter angezeigt)
field-problem-required = ist erforderlich
field-problem-too-long = { $max ->
    [one] darf höchstens { $max } Zeichen lang sein
   *[other] darf höchstens { $max } Zeichen lang sein
  }
field-problem-control-characters = darf keine Steuerzeichen enthalten
field-problem-not-text = muss ein Text sein
field-problem-email = muss eine E-Mail-Adresse sein, z. B. name@example.com
field-problem-timezone = muss eine IANA-Zeitzone sein, z. B. Europe/Berlin
field-problem-choice = muss eine der aufgeführten Optionen sein
field-problem-phone = muss eine Telefonnummer sein, z. B. +44 20 7946 0958
