# E-Mails an Gäste (in der Sprache der Buchung) und an Gastgeber und das Betriebspostfach (in
# der Sprache des Gastgebers). $event ist der Titel der Terminart, $when ein bereits
# landesüblich geschriebenes Datum mit Uhrzeit, $name der Name des Gastes, $org die Organisation.

## Gemeinsam für alle Nachrichten
email-footer = Diese Nachricht wurde automatisch vom Buchungsdienst von { $org } gesendet.
email-greeting = Hallo { $name },
# „Ada Lovelace (Acme Consulting)“: die Gastgeber einer Buchung und ihre Organisation.
email-party = { $hosts } ({ $org })
# Wie eine Liste von Namen verbunden wird: „Ada, Grace und Alan“.
email-names-separator = {", "}
email-names-last = { $rest } und { $last }
# Eine Dauer aus zwei Einheiten: „1 Stunde 30 Minuten“ ($larger und $smaller kommen aus den
# duration-*-Nachrichten).
email-duration-pair = { $larger } { $smaller }
email-manage-link = Ändern oder stornieren
email-book-again-link = Weiteren Termin buchen
email-open-booking-link = Buchung öffnen
email-booking-page = Buchungsseite
email-previously = Bisher
email-message-label = Nachricht
email-reason-label = Angegebener Grund

## Die Detailtabelle der Buchung
email-detail-what = Was
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Mit
email-detail-when = Wann
email-detail-where = Wo
email-detail-host-time = Zeit des Gastgebers
email-detail-who = Wer
email-detail-who-zone = { $who }, Zeitzone { $zone }
email-detail-notes = Anmerkungen
email-detail-reference = Referenz

## Gast: bestätigt (mit der Einladung)
email-confirmed-subject = Bestätigt: { $event }, { $when }
email-confirmed-headline = Bestätigt
email-confirmed-body = Ihre Buchung mit { $party } ist bestätigt. Mit der angehängten Einladung können Sie den Termin in Ihren Kalender übernehmen.

## Gast: Anfrage erhalten (der Gastgeber muss sie noch annehmen)
email-request-received-subject = Anfrage erhalten: { $event }, { $when }
email-request-received-headline = Anfrage erhalten
email-request-received-body = Vielen Dank – wir haben Ihre Anfrage erhalten. Sie bekommen eine Bestätigung per E-Mail, sobald { $org } sie annimmt.

## Gast: Erinnerung ($duration: „24 Stunden“, „1 Tag“)
email-reminder-subject = Erinnerung: { $event }, { $when }
email-reminder-headline = Erinnerung
email-reminder-body = Dies ist eine Erinnerung an Ihre Buchung mit { $party }, die in { $duration } beginnt.
# Wie bald die Buchung beginnt, für Vorlagen, die das eigenständig sagen („in 1 Tag“).
email-reminder-lead = in { $duration }

## Gast: die Buchung hat sich geändert ($headline ist eine der Überschriften unten)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Storniert
email-cancelled-body = Ihre Buchung wurde storniert. Die Zeit ist wieder frei.
email-rescheduled-headline = Verschoben
email-rescheduled-body = Ihre Buchung wurde auf die unten angegebene neue Zeit verschoben.
email-declined-headline = Anfrage nicht angenommen
email-declined-body = Leider kann { $org } zu dieser Zeit nicht. Das tut uns leid – bitte wählen Sie eine andere Zeit, die Ihnen passt.
email-expired-headline = Anfrage abgelaufen
email-expired-body = Ihre Anfrage wurde nicht rechtzeitig bestätigt und ist daher verfallen. Bitte wählen Sie eine andere Zeit.

## Einladung (Kalendertermin) im Anhang der E-Mail an den Gast
email-invite-summary = { $event } mit { $party }
email-invite-description =
    Gebucht über { $org }. Referenz { $reference }.
    Ändern oder stornieren: { $url }

## Gastgeber und Betriebspostfach: eine neue Buchung
email-ops-booking-subject = { $requested ->
    [yes] Neue Buchungsanfrage
   *[no] Neue Buchung
  }: { $event } mit { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Neue Buchungsanfrage
   *[no] Neue Buchung
  }
email-ops-booking-body = { $requested ->
    [yes] Eine neue Buchungsanfrage wartet auf Bestätigung.
   *[no] Eine neue Buchung wurde bestätigt.
  }
email-ops-approve = Annehmen
email-ops-decline = Ablehnen

## Gastgeber und Betriebspostfach: die Buchung hat sich geändert
email-ops-update-subject = { $headline }: { $event } mit { $name }, { $when }
email-ops-cancelled-body = { $name } hat die Buchung storniert.
email-ops-rescheduled-body = { $name } hat die Buchung verschoben.
email-ops-expired-body = Diese Anfrage wurde nicht rechtzeitig beantwortet und ist abgelaufen; die Zeit ist wieder frei.

## Betriebspostfach: eine Nachricht über das Kontaktformular
email-contact-subject = Kontaktformular: Nachricht von { $name }
email-contact-headline = Nachricht über das Kontaktformular
email-contact-intro = { $has_event ->
    [yes] { $sender } hat über das Kontaktformular eine Nachricht gesendet (zu { $event }):
   *[no] { $sender } hat über das Kontaktformular eine Nachricht gesendet:
  }
email-contact-preferred-times = Zeiten, die passen
email-contact-reply = Mit einer Antwort auf diese E-Mail erreichen Sie die Person direkt.

## Gastgeber und Betriebspostfach: eine Kalenderverbindung ($host: Name des Gastgebers; $url:
## Adresse des Kalenders; $since: seit wann sie fehlschlägt; $duration: wie lange, „1 Stunde 30 Minuten“)
email-calendar-label = Kalender
email-calendar-connection-label = Verbindung
email-calendar-account-label = Konto
email-calendar-last-error-label = Letzter Fehler
email-calendar-failing-subject = Kalenderfehler bei { $host }: { $url }
email-calendar-failing-headline = Kalender nicht erreichbar
email-calendar-failing-body = Ein Kalender von { $host } konnte seit { $since } nicht erfolgreich gelesen werden (Dauer: { $duration }).
email-calendar-failing-stale = Bis dahin werden Zeiten anhand der zuletzt gelesenen belegten Zeiten angeboten, in denen neue Termine fehlen können (mit [calendars] on_stale = "close": keine Zeiten für { $host }, sobald diese älter als stale_after_minutes sind).
email-calendar-failing-check = Prüfen Sie die Verbindung auf der Kalenderseite der Verwaltung. Sie erhalten noch eine Nachricht, sobald es wieder funktioniert.
email-calendar-recovered-subject = Kalender funktioniert wieder bei { $host }: { $url }
email-calendar-recovered-headline = Kalender funktioniert wieder
email-calendar-recovered-body = Ein Kalender von { $host } wird wieder erfolgreich gelesen. Er war seit { $since } fehlerhaft (Dauer: { $duration }).
email-calendar-recovered-last-error-label = Letzter Fehler vor der Wiederherstellung
email-calendar-recovered-fresh = Seine belegten Zeiten sind wieder aktuell.
email-calendar-reconnect-subject = Kalender muss neu verbunden werden bei { $host }: { $url }
email-calendar-reconnect-headline = Kalender muss neu verbunden werden
email-calendar-reconnect-body = { $url } von { $host } lässt openslot nicht mehr zu: Der Anbieter hat die Anmeldung am { $since } abgelehnt.
email-calendar-reconnect-answer-label = Antwort des Anbieters
email-calendar-reconnect-stale = Bis jemand die Verbindung erneuert, werden dessen Kalender nicht gelesen und Buchungen nicht darin eingetragen; Zeiten werden anhand der zuletzt gelesenen belegten Zeiten angeboten (mit [calendars] on_stale = "close": keine Zeiten für { $host }, sobald diese älter als stale_after_minutes sind).
email-calendar-reconnect-fix = Zur Behebung öffnet { $host } oder ein Administrator die Kalenderseite der Verwaltung und wählt „Reconnect“ neben dem Konto. Diese Nachricht wird nur einmal gesendet.
