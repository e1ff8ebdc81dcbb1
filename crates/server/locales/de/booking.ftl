# Der Buchungsablauf: Terminliste, Seite eines Gastgebers, Buchungsseite (und ihr Skript),
# Bestätigung, Fehlerseiten. Platzhalter: $org Organisation, $host / $names Namen der
# Gastgeber, $zone ein IANA-Zeitzonenname (z. B. Europe/Berlin), $day ein ausgeschriebener
# Tag, $count / $days / $seconds Zahlen.

## Namen in einem Satz: „Ada und Grace“, „Ada, Grace und Alan“.
names-separator = {", "}
names-and = { $first } und { $last }

## Terminliste (/) und die Seite eines Gastgebers (/with/…)
home-title = Termin buchen
host-title = Termin mit { $host } buchen
host-intro = Buchen Sie einen Termin mit { $host } bei { $org }.
home-choose = Wählen Sie einen Termin
event-with = mit { $names }
home-empty = Derzeit können keine Termine gebucht werden.
host-empty = Bei { $host } können derzeit keine Termine gebucht werden.
home-routing = Nicht sicher, welcher passt?
home-fallback = Nicht das Richtige dabei?
home-fallback-link = Schreiben Sie uns

## Buchungsseite
book-with = Mit { $names }
book-request-mode = Der Gastgeber bestätigt jede Anfrage
tz-label = Zeiten werden angezeigt in
tz-change = Ändern
tz-host-hint = Die Zeitzone des Gastgebers ist { $zone }.
days-heading = 1. Tag wählen
day-no-times = (keine Zeiten)
no-times-window = { $days ->
    [one] Innerhalb des nächsten Tages sind keine Zeiten frei.
   *[other] In den nächsten { $days } Tagen sind keine Zeiten frei.
  }
no-times-booking-window = In diesem Buchungszeitraum sind keine Zeiten frei.
contact-find-time = Kontaktieren Sie uns, um einen Termin zu finden
times-legend = 2. Uhrzeit wählen
times-legend-on = 2. Uhrzeit am { $day } wählen
times-empty = An diesem Tag sind keine Zeiten mehr frei. Wählen Sie einen anderen Tag.
time-host-title = { $time } Ortszeit des Gastgebers ({ $zone })
details-legend = 3. Ihre Angaben
field-name = Name
field-email = E-Mail
field-notes = Möchten Sie uns noch etwas mitteilen?
field-optional = (optional)
field-choose = Bitte wählen…
field-honeypot = Dieses Feld bitte leer lassen
submit-book = Buchung bestätigen
submit-request = Diese Zeit anfragen
book-fallback = Keine dieser Zeiten passt?
book-fallback-link = Schreiben Sie uns, welche Zeiten Ihnen passen
# Zeiten im barrierefreien Namen der Tagesschaltflächen: „Dienstag, 1. Dezember, 3 Zeiten“.
# Wird von Screenreadern nach dem sichtbaren Text einer Tagesschaltfläche vorgelesen (der Name der
# Schaltfläche muss enthalten, was sie zeigt), beginnt also mit einem eigenen Trennzeichen.
day-times-count = , { $count ->
    [one] { $count } Zeit
   *[other] { $count } Zeiten
  }

## Statuszeile der Buchungsseite
status-loading = Verfügbare Zeiten werden geladen…
status-taken-refreshing = Leider wurde diese Zeit gerade von jemand anderem gebucht. Die Zeiten werden aktualisiert…
status-taken = Leider wurde diese Zeit gerade von jemand anderem gebucht. Bitte wählen Sie eine andere Zeit.
status-taken-kept = Leider wurde diese Zeit gerade von jemand anderem gebucht. Bitte wählen Sie eine andere Zeit; Ihre Angaben bleiben erhalten.
status-gone-refreshing = Diese Zeit ist nicht mehr verfügbar. Die Zeiten werden aktualisiert…
status-gone = Diese Zeit ist nicht mehr verfügbar. Bitte wählen Sie eine andere Zeit.
status-load-failed = Die verfügbaren Zeiten konnten nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
status-try-again = Erneut versuchen
status-fix-fields = Bitte korrigieren Sie die markierten Felder.
status-pick-time-first = Bitte wählen Sie zuerst eine Zeit.
status-sending-request = Ihre Anfrage wird gesendet…
status-booking = Wird gebucht…
status-rate-limited = { $seconds ->
    [one] Zu viele Versuche von Ihrer Verbindung. Bitte warten Sie { $seconds } Sekunde und versuchen Sie es erneut.
   *[other] Zu viele Versuche von Ihrer Verbindung. Bitte warten Sie { $seconds } Sekunden und versuchen Sie es erneut.
  }
status-rate-limited-moment = Zu viele Versuche von Ihrer Verbindung. Bitte warten Sie einen Moment und versuchen Sie es erneut.
status-failed = Etwas ist schiefgelaufen. Ihre Angaben sind noch da; bitte versuchen Sie es erneut.
status-unreachable = Der Buchungsdienst war nicht erreichbar. Ihre Angaben sind noch da; bitte versuchen Sie es erneut.
status-expired-form = Dieses Formular war abgelaufen oder stammte nicht von dieser Website, daher wurde nichts gebucht. Bitte prüfen Sie Ihre Angaben und senden Sie es erneut.
status-cannot-book = Diese Zeit kann nicht gebucht werden. Bitte wählen Sie eine andere Zeit.

## Feldfehler (Prüfungen des Formulars selbst und des Servers)
field-error-required = ist erforderlich
field-error-email = muss eine E-Mail-Adresse sein, z. B. name@example.com
field-error-timezone = muss eine IANA-Zeitzone sein, z. B. Europe/Berlin
field-error-too-long = { $max ->
    [one] darf höchstens { $max } Zeichen lang sein
   *[other] darf höchstens { $max } Zeichen lang sein
  }
field-error-control = darf keine Steuerzeichen enthalten
field-error-choice = muss eine der aufgeführten Optionen sein
field-error-phone = muss eine Telefonnummer sein, z. B. +44 20 7946 0958
field-error-start = Wählen Sie eine der angebotenen Zeiten.
field-error-invalid = ist ungültig

## Ergebnis (Bestätigungsseite und die Buchungsseite nach dem Buchen mit dem Skript)
outcome-confirmed-heading = Bestätigt
outcome-confirmed = Ihre Buchung ist bestätigt. Eine Bestätigung ist per E-Mail unterwegs.
outcome-requested-heading = Anfrage erhalten
outcome-requested = Anfrage erhalten — Sie erhalten eine Bestätigung per E-Mail, sobald der Gastgeber zusagt.
outcome-cancelled-heading = Storniert
outcome-cancelled = Diese Buchung wurde storniert.
outcome-declined-heading = Nicht angenommen
outcome-declined = Der Gastgeber konnte diese Anfrage nicht annehmen. Bitte wählen Sie eine andere Zeit.
outcome-expired-heading = Anfrage abgelaufen
outcome-expired = Diese Anfrage wurde nicht rechtzeitig bestätigt. Bitte wählen Sie eine andere Zeit.

## Bestätigungsseite
summary-what = Was
summary-what-value = { $title } ({ $duration })
summary-with = Mit
summary-when-yours = Wann (Ihre Zeit, { $zone })
summary-when-host = Wann (Zeit des Gastgebers, { $zone })
summary-where = Wo
summary-name = Name
summary-email = E-Mail
summary-notes = Anmerkungen
summary-reference = Referenz
confirmation-manage-link = Diese Buchung ändern oder stornieren
confirmation-manage-hint = Bewahren Sie diesen Link auf; er steht auch in Ihrer E-Mail.
confirmation-book-another = Weiteren Termin buchen
confirmation-book = Termin buchen
contact-us = Kontakt
neutral-heading = Ihre Buchung
neutral-message = Zum Schutz Ihrer Privatsphäre zeigt diese Seite die Details einer Buchung nur über den Link, den Sie bei der Buchung erhalten haben. Öffnen Sie den Link in Ihrer Bestätigungs-E-Mail, um die Buchung anzusehen, zu ändern oder zu stornieren.

## Fehlerseiten
error-back = Zurück zur Buchung
error-not-found = Nicht gefunden
error-no-event = Diese Terminart gibt es nicht. Wählen Sie einen Termin aus der Liste.
error-no-host = Unter dieser Adresse kann niemand gebucht werden. Wählen Sie einen Termin aus der Liste.
error-booking-not-found-heading = Buchung nicht gefunden
error-booking-not-found = Wir konnten diese Buchung nicht finden. Prüfen Sie den Link oder kontaktieren Sie uns.
error-try-again-heading = Bitte versuchen Sie es erneut
error-unavailable = Diese Seite konnte gerade nicht geladen werden. Bitte versuchen Sie es in einem Moment erneut.
error-form-unreadable = Das Formular konnte nicht gelesen werden
error-not-sent = Nicht gesendet
error-automated = Diese Eingabe sah automatisiert aus und wurde daher nicht angenommen. Wenn Sie ein Mensch sind, versuchen Sie es bitte erneut oder kontaktieren Sie uns.

## Einbettungsskript (embed.js, auf der einbettenden Website)
embed-title = Termin buchen
embed-close = Schließen
