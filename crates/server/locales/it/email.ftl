# E-mail agli invitati (nella lingua della prenotazione) e agli organizzatori e alla casella
# operativa (nella lingua dell'organizzatore). $event è il titolo del tipo di appuntamento, $when
# una data e un'ora già scritte secondo la lingua, $name il nome dell'invitato, $org
# l'organizzazione.

## Comune a tutti i messaggi
email-footer = Questo messaggio è stato inviato automaticamente dal servizio di prenotazione di { $org }.
email-greeting = Gentile { $name },
# «Ada Lovelace (Acme Consulting)»: gli organizzatori di una prenotazione e la loro organizzazione.
email-party = { $hosts } ({ $org })
# Come si unisce un elenco di nomi: «Ada, Grace e Alan».
email-names-separator = {", "}
email-names-last = { $rest } e { $last }
# Una durata composta da due unità: «1 ora e 30 minuti» ($larger e $smaller vengono dai
# messaggi duration-*).
email-duration-pair = { $larger } e { $smaller }
email-manage-link = Modifica o annulla
email-book-again-link = Prenota un altro orario
email-open-booking-link = Apri la prenotazione
email-booking-page = Pagina di prenotazione
email-previously = In precedenza
email-message-label = Messaggio
email-reason-label = Motivo indicato

## La tabella dei dettagli della prenotazione
email-detail-what = Cosa
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Con
email-detail-when = Quando
email-detail-where = Dove
email-detail-host-time = Orario dell'organizzatore
email-detail-who = Chi
email-detail-who-zone = { $who }, fuso orario { $zone }
email-detail-notes = Note
email-detail-reference = Riferimento

## Invitato: confermata (con l'invito)
email-confirmed-subject = Confermata: { $event }, { $when }
email-confirmed-headline = Confermata
email-confirmed-body = La sua prenotazione con { $party } è confermata. L'invito allegato la aggiunge al suo calendario.

## Invitato: richiesta ricevuta (l'organizzatore deve ancora accettarla)
email-request-received-subject = Richiesta ricevuta: { $event }, { $when }
email-request-received-headline = Richiesta ricevuta
email-request-received-body = Grazie, abbiamo ricevuto la sua richiesta. Riceverà una conferma via e-mail non appena { $org } l'avrà accettata.

## Invitato: promemoria ($duration: «24 ore», «1 giorno»)
email-reminder-subject = Promemoria: { $event }, { $when }
email-reminder-headline = Promemoria
email-reminder-body = Le ricordiamo la sua prenotazione con { $party }, che inizia tra { $duration }.
# Tra quanto inizia la prenotazione, per i modelli che lo indicano da soli («tra 1 giorno»).
email-reminder-lead = tra { $duration }

## Invitato: la prenotazione è cambiata ($headline è uno dei titoli qui sotto)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Annullata
email-cancelled-body = La sua prenotazione è stata annullata. L'orario è di nuovo libero.
email-rescheduled-headline = Spostata
email-rescheduled-body = La sua prenotazione è stata spostata al nuovo orario indicato qui sotto.
email-declined-headline = Richiesta non accettata
email-declined-body = Purtroppo { $org } non è disponibile in questo orario. Ci dispiace; scelga un altro orario che le vada bene.
email-expired-headline = Richiesta scaduta
email-expired-body = La sua richiesta non è stata confermata in tempo, quindi è scaduta. Scelga un altro orario.

## Invito (evento del calendario) allegato all'e-mail dell'invitato
email-invite-summary = { $event } con { $party }
email-invite-description =
    Prenotato tramite { $org }. Riferimento { $reference }.
    Modifica o annulla: { $url }

## Organizzatori e casella operativa: una nuova prenotazione
email-ops-booking-subject = { $requested ->
    [yes] Nuova richiesta di prenotazione
   *[no] Nuova prenotazione
  }: { $event } con { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nuova richiesta di prenotazione
   *[no] Nuova prenotazione
  }
email-ops-booking-body = { $requested ->
    [yes] Una nuova richiesta di prenotazione è in attesa di conferma.
   *[no] È stata confermata una nuova prenotazione.
  }
email-ops-approve = Accetta
email-ops-decline = Rifiuta

## Organizzatori e casella operativa: la prenotazione è cambiata
email-ops-update-subject = { $headline }: { $event } con { $name }, { $when }
email-ops-cancelled-body = { $name } ha annullato la prenotazione.
email-ops-rescheduled-body = { $name } ha spostato la prenotazione.
email-ops-expired-body = Questa richiesta non ha ricevuto risposta in tempo ed è scaduta; l'orario è di nuovo libero.

## Casella operativa: un messaggio dal modulo di contatto
email-contact-subject = Modulo di contatto: messaggio da { $name }
email-contact-headline = Messaggio dal modulo di contatto
email-contact-intro = { $has_event ->
    [yes] { $sender } ha inviato un messaggio tramite il modulo di contatto (riguardo a { $event }):
   *[no] { $sender } ha inviato un messaggio tramite il modulo di contatto:
  }
email-contact-preferred-times = Orari che vanno bene a questa persona
email-contact-reply = Per rispondere a questa persona, risponda a questa e-mail.

## Organizzatori e casella operativa: una connessione al calendario ($host: il nome
## dell'organizzatore; $url: l'indirizzo del calendario; $since: da quando non funziona;
## $duration: per quanto tempo, «1 ora e 30 minuti»)
email-calendar-label = Calendario
email-calendar-connection-label = Connessione
email-calendar-account-label = Account
email-calendar-last-error-label = Ultimo errore
email-calendar-failing-subject = Calendario non funzionante per { $host }: { $url }
email-calendar-failing-headline = Calendario non funzionante
email-calendar-failing-body = Un calendario di { $host } non viene letto correttamente dal { $since } (da { $duration }).
email-calendar-failing-stale = Nel frattempo gli orari vengono proposti in base agli orari occupati letti per ultimi, che potrebbero non includere nuovi eventi (con [calendars] on_stale = "close": nessun orario per { $host } quando quella lettura supera stale_after_minutes).
email-calendar-failing-check = Controlli la connessione nella pagina dei calendari dell'amministrazione. Riceverà un altro messaggio quando funzionerà di nuovo.
email-calendar-recovered-subject = Calendario di nuovo funzionante per { $host }: { $url }
email-calendar-recovered-headline = Calendario di nuovo funzionante
email-calendar-recovered-body = Un calendario di { $host } viene di nuovo letto correttamente. Non funzionava dal { $since } (per { $duration }).
email-calendar-recovered-last-error-label = Ultimo errore prima del ripristino
email-calendar-recovered-fresh = I suoi orari occupati sono di nuovo aggiornati.
email-calendar-reconnect-subject = Calendario da ricollegare per { $host }: { $url }
email-calendar-reconnect-headline = Calendario da ricollegare
email-calendar-reconnect-body = { $url } di { $host } non consente più l'accesso a openslot: il fornitore ha rifiutato l'accesso il { $since }.
email-calendar-reconnect-answer-label = Risposta del fornitore
email-calendar-reconnect-stale = Finché qualcuno non lo ricollega, i suoi calendari non vengono letti e le prenotazioni non vi vengono scritte; gli orari vengono proposti in base agli orari occupati letti per ultimi (con [calendars] on_stale = "close": nessun orario per { $host } quando quella lettura supera stale_after_minutes).
email-calendar-reconnect-fix = Per risolvere, { $host } o un amministratore apre la pagina dei calendari dell'amministrazione e sceglie «Reconnect» accanto all'account. Questo messaggio viene inviato una sola volta.
