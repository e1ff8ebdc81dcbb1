# Die Erklärung zur Barrierefreiheit (GET /accessibility).
accessibility-title = Erklärung zur Barrierefreiheit
accessibility-intro = { $organisation } möchte, dass alle Menschen bei uns einen Termin buchen können – unabhängig von ihrer Sprache und ihren Fähigkeiten. Diese Erklärung gilt für die öffentlichen Seiten dieser Buchungswebsite: die Terminliste, die Buchungsseite, die Bestätigung, die Seiten zum Ändern oder Stornieren einer Buchung, das Kontaktformular und die Auswahlformulare.
accessibility-standard-heading = Der angestrebte Standard
accessibility-standard = Diese Seiten sollen den Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA entsprechen.
accessibility-features-heading = Was Sie erwarten können
accessibility-feature-keyboard = Jeder Schritt der Buchung funktioniert allein mit der Tastatur, und das fokussierte Element ist immer deutlich hervorgehoben.
accessibility-feature-screen-reader = Jedes Bedienelement hat einen Namen, den Screenreader vorlesen, und Änderungen wie „Zeiten geladen“ oder „diese Zeit wurde gerade gebucht“ werden in Ihrer Sprache angesagt.
accessibility-feature-languages = { $count ->
    [one] Die Seiten sind in { $count } Sprache verfügbar.
   *[other] Die Seiten sind in { $count } Sprachen verfügbar, darunter Arabisch, das von rechts nach links geschrieben wird.
  }
accessibility-feature-no-script = Die Buchung funktioniert auch ohne JavaScript.
accessibility-feature-zoom = Text lässt sich auf 200 % vergrößern, und das Layout passt sich schmalen Bildschirmen an, ohne dass seitlich gescrollt werden muss.
accessibility-testing-heading = Wie wir testen
accessibility-testing-automated = Jeder Zustand jeder öffentlichen Seite – die Terminliste, die Tages- und Zeitlisten, das Formular mit und ohne Fehler, eine von jemand anderem gebuchte Zeit, die Bestätigung, das Ändern und Stornieren einer Buchung, das Kontaktformular und die Auswahlformulare – wird bei jeder Änderung der Software mit axe-core in einem Headless-Chromium-Browser geprüft, auf Englisch und auf Arabisch. Eine Änderung wird nicht übernommen, solange axe-core einen Verstoß gegen die Regeln der WCAG 2.1 der Stufe A oder AA meldet.
accessibility-testing-keyboard = Automatisierte Tests buchen außerdem einen Termin nur mit der Tastatur, prüfen, dass jedes interaktive Element einen sichtbaren Fokusindikator zeigt, und prüfen die Namen, die Screenreader vorlesen.
accessibility-limitations-heading = Bekannte Einschränkungen
accessibility-limitation-automated = Automatisierte Tests finden viele Barrieren, aber nicht alle. Diese Seiten wurden noch nicht in einem unabhängigen Audit mit Menschen geprüft, die täglich assistive Technologien nutzen.
accessibility-limitation-embedded = Wenn die Buchungsseite in eine andere Website eingebettet ist, liegt die Barrierefreiheit der umgebenden Seite außerhalb unseres Einflusses.
accessibility-limitation-admin = Die Verwaltungsseiten für die Betreiber dieser Website gibt es nur auf Englisch.
accessibility-contact-heading = Melden Sie uns eine Barriere
accessibility-contact = Wenn etwas auf diesen Seiten für Sie nicht funktioniert oder Sie Hilfe beim Buchen eines Termins brauchen, teilen Sie es uns bitte mit. Wir antworten Ihnen und helfen Ihnen, auf anderem Weg zu buchen.
accessibility-contact-form = Schreiben Sie uns über das Kontaktformular
accessibility-contact-email = Schreiben Sie uns eine E-Mail: { $address }
