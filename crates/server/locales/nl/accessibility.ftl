# De toegankelijkheidsverklaring (GET /accessibility).
accessibility-title = Toegankelijkheidsverklaring
accessibility-intro = { $organisation } wil dat iedereen bij ons een tijd kan boeken, ongeacht taal en mogelijkheden. Deze verklaring geldt voor de openbare pagina's van deze boekingswebsite: de lijst van afspraken, de boekingspagina, de bevestiging, de pagina's om een boeking te wijzigen of te annuleren, het contactformulier en de verwijsformulieren.
accessibility-standard-heading = De norm die we nastreven
accessibility-standard = Deze pagina's streven ernaar te voldoen aan de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau AA.
accessibility-features-heading = Wat u kunt verwachten
accessibility-feature-keyboard = Elke stap van het boeken werkt met alleen het toetsenbord, en het element met de focus is altijd duidelijk gemarkeerd.
accessibility-feature-screen-reader = Elk bedieningselement heeft een naam die schermlezers voorlezen, en wijzigingen zoals 'tijden geladen' of 'deze tijd is zojuist geboekt' worden in uw taal aangekondigd.
accessibility-feature-languages = { $count ->
    [one] De pagina's zijn beschikbaar in { $count } taal.
   *[other] De pagina's zijn beschikbaar in { $count } talen, waaronder Arabisch, dat van rechts naar links wordt geschreven.
  }
accessibility-feature-no-script = Boeken werkt ook zonder JavaScript.
accessibility-feature-zoom = Tekst kan tot 200% worden vergroot en de opmaak past zich aan smalle schermen aan zonder horizontaal scrollen.
accessibility-testing-heading = Hoe we testen
accessibility-testing-automated = Elke toestand van elke openbare pagina (de lijst van afspraken, de lijsten van dagen en tijden, het formulier met en zonder fouten, een tijd die door iemand anders is geboekt, de bevestiging, het wijzigen en annuleren van een boeking, het contactformulier en de verwijsformulieren) wordt bij elke wijziging van de software gecontroleerd met axe-core in een headless Chromium-browser, in het Engels en in het Arabisch. Een wijziging wordt niet geaccepteerd zolang axe-core een overtreding van de WCAG 2.1-regels van niveau A of AA meldt.
accessibility-testing-keyboard = Geautomatiseerde tests boeken ook een tijd met alleen het toetsenbord, controleren dat elk interactief element een zichtbare focusindicator toont en controleren de namen die schermlezers voorlezen.
accessibility-limitations-heading = Bekende beperkingen
accessibility-limitation-automated = Geautomatiseerde tests vinden veel drempels, maar niet allemaal. Deze pagina's zijn nog niet onafhankelijk beoordeeld met mensen die dagelijks hulptechnologie gebruiken.
accessibility-limitation-embedded = Als de boekingspagina in een andere website is ingesloten, valt de toegankelijkheid van de omringende pagina buiten onze invloed.
accessibility-limitation-admin = De beheerpagina's voor de mensen die deze website beheren, zijn alleen in het Engels beschikbaar.
accessibility-contact-heading = Meld ons een drempel
accessibility-contact = Als iets op deze pagina's voor u niet werkt, of als u hulp nodig hebt bij het boeken van een tijd, laat het ons dan weten. We antwoorden u en helpen u op een andere manier te boeken.
accessibility-contact-form = Schrijf ons via het contactformulier
accessibility-contact-email = Schrijf ons per e-mail: { $address }
