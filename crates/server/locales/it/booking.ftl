# Il percorso di prenotazione: elenco degli appuntamenti, pagina di un organizzatore, pagina di
# prenotazione (e il suo script), conferma, pagine di errore. Variabili: $org l'organizzazione,
# $host / $names i nomi degli organizzatori, $zone un nome di fuso orario IANA (ad es.
# Europe/Rome), $day un giorno scritto per esteso, $count / $days / $seconds numeri.

## Nomi in una frase: «Ada e Grace», «Ada, Grace e Alan».
names-separator = {", "}
names-and = { $first } e { $last }

## Elenco degli appuntamenti (/) e pagina di un organizzatore (/with/…)
home-title = Prenota un appuntamento
host-title = Prenota un appuntamento con { $host }
host-intro = Prenoti un appuntamento con { $host } presso { $org }.
home-choose = Scelga un appuntamento
event-with = con { $names }
home-empty = Al momento non ci sono appuntamenti prenotabili.
host-empty = Al momento { $host } non ha appuntamenti prenotabili.
home-routing = Non sa quale scegliere?
home-fallback = Non trova quello che cerca?
home-fallback-link = Ci scriva un messaggio

## Pagina di prenotazione
book-with = Con { $names }
book-request-mode = L'organizzatore conferma ogni richiesta
tz-label = Orari mostrati nel fuso
tz-change = Cambia
tz-host-hint = Il fuso orario dell'organizzatore è { $zone }.
days-heading = 1. Scelga un giorno
day-no-times = (nessun orario)
no-times-window = { $days ->
    [one] Nessun orario libero nel prossimo giorno.
   *[other] Nessun orario libero nei prossimi { $days } giorni.
  }
no-times-booking-window = Nessun orario libero in questo periodo di prenotazione.
contact-find-time = Ci contatti per trovare un orario
times-legend = 2. Scelga un orario
times-legend-on = 2. Scelga un orario per { $day }
times-empty = Non ci sono più orari in questo giorno. Scelga un altro giorno.
time-host-title = { $time }, ora dell'organizzatore ({ $zone })
details-legend = 3. I suoi dati
field-name = Nome
field-email = E-mail
field-notes = C'è qualcosa che dovremmo sapere?
field-optional = (facoltativo)
field-choose = Selezionare…
field-honeypot = Lasciare vuoto questo campo
submit-book = Conferma la prenotazione
submit-request = Richiedi questo orario
book-fallback = Nessuno di questi orari va bene?
book-fallback-link = Ci scriva un messaggio con gli orari che preferisce
# Orari nel nome accessibile dei pulsanti dei giorni: «martedì 1 dicembre, 3 orari».
# Letto dagli screen reader dopo il testo visibile di un pulsante del giorno (il nome del pulsante
# deve contenere ciò che mostra), quindi inizia con il proprio separatore.
day-times-count = , { $count ->
    [one] { $count } orario
   *[other] { $count } orari
  }

## Riga di stato della pagina di prenotazione
status-loading = Caricamento degli orari disponibili…
status-taken-refreshing = Spiacenti, quell'orario è appena stato prenotato da qualcun altro. Aggiornamento degli orari…
status-taken = Spiacenti, quell'orario è appena stato prenotato da qualcun altro. Scelga un altro orario.
status-taken-kept = Spiacenti, quell'orario è appena stato prenotato da qualcun altro. Scelga un altro orario; i suoi dati sono stati conservati.
status-gone-refreshing = Quell'orario non è più disponibile. Aggiornamento degli orari…
status-gone = Quell'orario non è più disponibile. Scelga un altro orario.
status-load-failed = Impossibile caricare gli orari disponibili. Controlli la connessione e riprovi.
status-try-again = Riprova
status-fix-fields = Corregga i campi evidenziati.
status-pick-time-first = Scelga prima un orario.
status-sending-request = Invio della richiesta…
status-booking = Prenotazione in corso…
status-rate-limited = { $seconds ->
    [one] Troppi tentativi dalla sua connessione. Attenda { $seconds } secondo e riprovi.
   *[other] Troppi tentativi dalla sua connessione. Attenda { $seconds } secondi e riprovi.
  }
status-rate-limited-moment = Troppi tentativi dalla sua connessione. Attenda un momento e riprovi.
status-failed = Si è verificato un errore. I suoi dati sono ancora qui; riprovi.
status-unreachable = Impossibile raggiungere il servizio di prenotazione. I suoi dati sono ancora qui; riprovi.
status-expired-form = Questo modulo era scaduto o non proveniva da questo sito, quindi non è stato prenotato nulla. Controlli i suoi dati e lo invii di nuovo.
status-cannot-book = Quell'orario non può essere prenotato. Scelga un altro orario.

## Errori dei campi (controlli del modulo stesso e del server)
field-error-required = è obbligatorio
field-error-email = deve essere un indirizzo e-mail, ad esempio nome@example.com
field-error-timezone = deve essere un fuso orario IANA, ad esempio Europe/Rome
field-error-too-long = { $max ->
    [one] deve contenere al massimo { $max } carattere
   *[other] deve contenere al massimo { $max } caratteri
  }
field-error-control = non deve contenere caratteri di controllo
field-error-choice = deve essere una delle opzioni elencate
field-error-phone = deve essere un numero di telefono, ad esempio +44 20 7946 0958
field-error-start = Scelga uno degli orari proposti.
field-error-invalid = non è valido

## Esito (pagina di conferma e pagina di prenotazione dopo la prenotazione con lo script)
outcome-confirmed-heading = Confermato
outcome-confirmed = La sua prenotazione è confermata. Riceverà una conferma via e-mail.
outcome-requested-heading = Richiesta ricevuta
outcome-requested = Richiesta ricevuta: riceverà una conferma via e-mail quando l'organizzatore l'avrà accettata.
outcome-cancelled-heading = Annullato
outcome-cancelled = Questa prenotazione è stata annullata.
outcome-declined-heading = Non accettata
outcome-declined = L'organizzatore non ha potuto accettare questa richiesta. Scelga un altro orario.
outcome-expired-heading = Richiesta scaduta
outcome-expired = Questa richiesta non è stata confermata in tempo. Scelga un altro orario.

## Pagina di conferma
summary-what = Cosa
summary-what-value = { $title } ({ $duration })
summary-with = Con
summary-when-yours = Quando (suo orario, { $zone })
summary-when-host = Quando (orario dell'organizzatore, { $zone })
summary-where = Dove
summary-name = Nome
summary-email = E-mail
summary-notes = Note
summary-reference = Riferimento
confirmation-manage-link = Modifica o annulla questa prenotazione
confirmation-manage-hint = Conservi questo link: lo trova anche nella sua e-mail.
confirmation-book-another = Prenota un altro orario
confirmation-book = Prenota un appuntamento
contact-us = Contatti
neutral-heading = La sua prenotazione
neutral-message = Per tutelare la sua privacy, questa pagina mostra i dettagli di una prenotazione solo tramite il link ricevuto al momento della prenotazione. Apra il link nella sua e-mail di conferma per vederla, modificarla o annullarla.

## Pagine di errore
error-back = Torna alla prenotazione
error-not-found = Non trovato
error-no-event = Questo tipo di appuntamento non esiste. Ne scelga uno dall'elenco degli appuntamenti.
error-no-host = A questo indirizzo non c'è nessuno da prenotare. Scelga un appuntamento dall'elenco degli appuntamenti.
error-booking-not-found-heading = Prenotazione non trovata
error-booking-not-found = Non abbiamo trovato questa prenotazione. Controlli il link o ci contatti.
error-try-again-heading = Riprovare
error-unavailable = Al momento non è stato possibile caricare questa pagina. Riprovi tra poco.
error-form-unreadable = Impossibile leggere il modulo
error-not-sent = Non inviato
error-automated = Questo invio sembrava automatico, quindi non è stato accettato. Se è una persona, riprovi o ci contatti.

## Script di incorporamento (embed.js, sul sito che incorpora la pagina)
embed-title = Prenota un appuntamento
embed-close = Chiudi
