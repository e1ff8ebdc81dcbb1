# La dichiarazione di accessibilità (GET /accessibility).
accessibility-title = Dichiarazione di accessibilità
accessibility-intro = { $organisation } vuole che chiunque possa prenotare un appuntamento con noi, qualunque siano la sua lingua e le sue capacità. Questa dichiarazione riguarda le pagine pubbliche di questo sito di prenotazione: l'elenco degli appuntamenti, la pagina di prenotazione, la conferma, le pagine per modificare o annullare una prenotazione, il modulo di contatto e i moduli di indirizzamento.
accessibility-standard-heading = Lo standard a cui miriamo
accessibility-standard = Queste pagine mirano a essere conformi alle Linee guida per l'accessibilità dei contenuti Web (WCAG) 2.1 al livello AA.
accessibility-features-heading = Cosa può aspettarsi
accessibility-feature-keyboard = Ogni passaggio della prenotazione funziona con la sola tastiera e l'elemento attivo è sempre evidenziato in modo chiaro.
accessibility-feature-screen-reader = Ogni controllo ha un nome che gli screen reader annunciano, e i cambiamenti come «orari caricati» o «questo orario è appena stato prenotato» vengono annunciati nella sua lingua.
accessibility-feature-languages = { $count ->
    [one] Le pagine sono disponibili in { $count } lingua.
   *[other] Le pagine sono disponibili in { $count } lingue, tra cui l'arabo, che si scrive da destra a sinistra.
  }
accessibility-feature-no-script = La prenotazione funziona anche senza JavaScript.
accessibility-feature-zoom = Il testo può essere ingrandito fino al 200% e il layout si adatta agli schermi stretti senza scorrimento orizzontale.
accessibility-testing-heading = Come effettuiamo i test
accessibility-testing-automated = Ogni stato di ogni pagina pubblica (l'elenco degli appuntamenti, gli elenchi dei giorni e degli orari, il modulo con e senza errori, un orario prenotato da qualcun altro, la conferma, la modifica e l'annullamento di una prenotazione, il modulo di contatto e i moduli di indirizzamento) viene verificato con axe-core in un browser Chromium headless, in inglese e in arabo, a ogni modifica del software. Una modifica non viene accettata finché axe-core segnala una qualsiasi violazione delle regole WCAG 2.1 di livello A o AA.
accessibility-testing-keyboard = I test automatici prenotano inoltre un appuntamento usando solo la tastiera, verificano che ogni elemento interattivo mostri un indicatore di focus visibile e controllano i nomi annunciati dagli screen reader.
accessibility-limitations-heading = Limiti noti
accessibility-limitation-automated = I test automatici trovano molte barriere, ma non tutte. Queste pagine non sono ancora state sottoposte a una verifica indipendente con persone che usano ogni giorno tecnologie assistive.
accessibility-limitation-embedded = Quando la pagina di prenotazione è incorporata in un altro sito web, l'accessibilità della pagina circostante non dipende da noi.
accessibility-limitation-admin = Le pagine di amministrazione per chi gestisce questo sito sono disponibili solo in inglese.
accessibility-contact-heading = Ci segnali una barriera
accessibility-contact = Se qualcosa in queste pagine non funziona per Lei, o se ha bisogno di aiuto per prenotare un appuntamento, ce lo faccia sapere. Le risponderemo e La aiuteremo a prenotare in un altro modo.
accessibility-contact-form = Ci scriva tramite il modulo di contatto
accessibility-contact-email = Ci scriva via e-mail: { $address }
