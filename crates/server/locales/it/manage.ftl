# Tutto ciò che segue la prenotazione e gli altri moduli pubblici: la pagina di gestione
# dell'invitato (/manage/…: vedere, spostare, annullare), la pagina dell'organizzatore per
# accettare o rifiutare (/host/…), il modulo di contatto (/contact) e i moduli di indirizzamento
# (/route/…), con gli errori dei moduli che queste pagine mostrano.
# Il testo dentro <a …> … </a> è un link: mantenere il tag, tradurre le parole al suo interno.

## Comune alle pagine di gestione e dell'organizzatore
manage-optional = (facoltativo)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Cosa
manage-label-status = Stato
manage-status-requested = Richiesta: in attesa di conferma da parte dell'organizzatore
manage-status-confirmed = Confermata
manage-status-cancelled = Annullata
manage-status-declined = Non accettata dall'organizzatore
manage-status-expired = Scaduta senza risposta

## La pagina di gestione dell'invitato
manage-title = La sua prenotazione
manage-label-with = Con
manage-label-when-yours = Quando (suo orario, { $zone })
manage-label-when-host = Quando (orario dell'organizzatore, { $zone })
manage-label-where = Dove
manage-label-reference = Riferimento
manage-move-heading = Sposta a un altro orario
manage-day-no-times = (nessun orario)
manage-pick-time = Scelga un nuovo orario
manage-pick-time-on = Scelga un nuovo orario per { $day }
manage-no-times = Non ci sono altri orari in questo giorno. Scelga un altro giorno.
manage-move-submit = Sposta la mia prenotazione
manage-cancel-heading = Annulla
manage-cancel-reason = Motivo
manage-cancel-submit = Annulla la mia prenotazione
# $reason è manage-cutoff-hours o manage-cutoff-started.
manage-too-late = Non è più possibile modificare questa prenotazione online ({ $reason }). <a href="/contact">Ci contatti</a> e la aiuteremo.
manage-cutoff-hours = { $count ->
    [one] le modifiche si chiudono { $count } ora prima dell'inizio
   *[other] le modifiche si chiudono { $count } ore prima dell'inizio
  }
manage-cutoff-started = l'appuntamento è già iniziato
manage-book-again = Prenota un altro orario
manage-questions = Domande? <a href="/contact">Ci contatti</a>.
manage-done-cancelled = La sua prenotazione è stata annullata. Riceverà una conferma via e-mail.
manage-done-rescheduled = La sua prenotazione è stata spostata. Riceverà un invito aggiornato via e-mail.
manage-slot-taken = Spiacenti, quell'orario è appena stato prenotato da qualcun altro. La sua prenotazione non è cambiata; scelga un altro orario.
# $problem è una delle frasi manage-problem-* qui sotto.
manage-not-changed = { $problem } La sua prenotazione non è cambiata.
manage-problem-change-window-closed = Non è più possibile modificare questa prenotazione online; ci contatti.
manage-problem-not-active = Questa prenotazione non può più essere modificata.
manage-problem-slot-unavailable = Quell'orario non è più disponibile; scelga uno degli orari proposti.
manage-problem-host-unavailable = L'organizzatore non è disponibile in quell'orario; scelga un altro orario.
manage-problem-event-withdrawn = Questo tipo di appuntamento non è più disponibile; ci contatti.
manage-problem-no-time = Scelga un nuovo orario.
manage-problem-generic = Non ha funzionato.

## Pagine di errore dei link firmati (gestione e organizzatore)
link-error-not-found = Prenotazione non trovata
link-error-not-found-text = Questa prenotazione non esiste.
link-error-expired = Questo link è scaduto
link-error-expired-text = Questo link è scaduto; ci contatti se deve modificare la sua prenotazione.
link-error-invalid = Questo link non funziona
link-error-invalid-text = Questo link non è valido; potrebbe essere stato digitato male o alterato.
link-error-wrong-scope-text = Questo link non può essere usato per questa azione.
link-error-failed = Non ha funzionato
link-error-busy-text = Al momento non è stato possibile farlo. Non è cambiato nulla; riprovi tra poco.
link-error-form-text = Impossibile leggere il modulo. Torni indietro e riprovi.
link-error-generic-text = Si è verificato un errore. Riprovi tra poco.

## La pagina dell'organizzatore per accettare o rifiutare
host-answer-approve-heading = Accettare questa richiesta?
host-answer-decline-heading = Rifiutare questa richiesta?
host-answer-label-host = Organizzatore
host-answer-label-when = Quando ({ $zone })
host-answer-label-who = Chi
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, fuso orario { $zone }
host-answer-label-notes = Note
host-answer-message = Messaggio per { $name }
host-answer-approve-submit = Accetta questa richiesta
host-answer-decline-submit = Rifiuta questa richiesta
host-answer-approved = Accettata. L'invitato riceverà una conferma con un invito del calendario.
host-answer-already-approved = Questa richiesta era già stata accettata.
host-answer-declined = Rifiutata. L'invitato è stato avvisato e gli è stato chiesto di scegliere un altro orario.
host-answer-already-declined = Questa richiesta era già stata rifiutata.

## La pagina di contatto
contact-title = Contatti
contact-heading = Ci contatti
contact-intro = Non trova un orario adatto? Ci dica quando le è comodo e le risponderemo via e-mail.
contact-name = Nome
contact-email = E-mail
contact-message = Messaggio
contact-preferred-times = Orari che le vanno bene
contact-honeypot = Lasciare vuoto questo campo
contact-submit = Invia messaggio
contact-sent-heading = Messaggio inviato
contact-sent-text = Grazie, abbiamo ricevuto il suo messaggio e le risponderemo via e-mail.
contact-back = Torna alla prenotazione
contact-expired = Questo modulo era scaduto o non proveniva da questo sito, quindi non è stato inviato. Lo invii di nuovo.

## Moduli di indirizzamento
routing-choose = Selezionare…
routing-submit = Continua
routing-contact = Preferisce scriverci? <a href="/contact">Ci invii un messaggio</a>.
routing-expired = Questo modulo era scaduto o non proveniva da questo sito. Controlli le risposte e lo invii di nuovo.

## Invii dei moduli di queste pagine
form-fix-fields = Corregga i campi evidenziati.
form-invalid = Parte di ciò che è stato inviato manca o non è valido. Torni indietro e controlli.
form-not-found = Non trovato
form-not-found-routing = Questo modulo non esiste. Scelga invece un appuntamento dall'elenco.
form-unreadable = Impossibile leggere il modulo
form-not-sent = Non inviato
form-automated = Questo invio sembrava automatico, quindi non è stato accettato. Se è una persona, riprovi.
form-try-again = Riprovare
form-too-many = Troppi tentativi
form-too-many-text = { $seconds ->
    [one] Troppi tentativi dalla sua connessione. Attenda { $seconds } secondo e riprovi.
   *[other] Troppi tentativi dalla sua connessione. Attenda { $seconds } secondi e riprovi.
  }

## Cosa non va in un campo (mostrato sotto il campo)
field-problem-required = è obbligatorio
field-problem-too-long = { $max ->
    [one] deve contenere al massimo { $max } carattere
   *[other] deve contenere al massimo { $max } caratteri
  }
field-problem-control-characters = non deve contenere caratteri di controllo
field-problem-not-text = deve essere un testo
field-problem-email = deve essere un indirizzo e-mail, ad esempio nome@example.com
field-problem-timezone = deve essere un fuso orario IANA, ad esempio Europe/Rome
field-problem-choice = deve essere una delle opzioni elencate
field-problem-phone = deve essere un numero di telefono, ad esempio +44 20 7946 0958
