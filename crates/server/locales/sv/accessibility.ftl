# The accessibility statement (GET /accessibility).
accessibility-title = Tillgänglighetsredogörelse
accessibility-intro = { $organisation } vill att alla ska kunna boka en tid hos oss, oavsett språk och oavsett förmåga. Den här redogörelsen gäller de offentliga sidorna på den här bokningswebbplatsen: listan över möten, bokningssidan, bekräftelsen, sidorna för att ändra eller avboka en bokning, kontaktformuläret och vägledningsformulären.
accessibility-standard-heading = Standarden vi strävar efter
accessibility-standard = Sidorna strävar efter att uppfylla riktlinjerna för tillgängligt webbinnehåll (WCAG) 2.1 på nivå AA.
accessibility-features-heading = Vad du kan förvänta dig
accessibility-feature-keyboard = Varje steg i bokningen fungerar med enbart tangentbordet, och det element som har fokus är alltid tydligt markerat.
accessibility-feature-screen-reader = Varje kontroll har ett namn som skärmläsare läser upp, och ändringar som ”tiderna har hämtats” eller ”den här tiden bokades precis” meddelas på ditt språk.
accessibility-feature-languages = { $count ->
    [one] Sidorna finns på { $count } språk.
   *[other] Sidorna finns på { $count } språk, bland annat arabiska, som skrivs från höger till vänster.
  }
accessibility-feature-no-script = Bokningen fungerar även utan JavaScript.
accessibility-feature-zoom = Texten kan förstoras till 200 % och layouten anpassar sig till smala skärmar utan att du behöver skrolla i sidled.
accessibility-testing-heading = Så testar vi
accessibility-testing-automated = Varje läge på varje offentlig sida – möteslistan, dag- och tidslistorna, formuläret med och utan fel, en tid som någon annan hann boka, bekräftelsen, ändring och avbokning av en bokning, kontaktformuläret och vägledningsformulären – kontrolleras med axe-core i en Chromium-webbläsare utan grafiskt gränssnitt, på engelska och på arabiska, vid varje ändring av programvaran. En ändring godtas inte så länge axe-core rapporterar någon överträdelse av WCAG 2.1-reglerna på nivå A eller AA.
accessibility-testing-keyboard = Automatiska tester bokar också en tid med enbart tangentbordet, kontrollerar att varje interaktivt element visar en synlig fokusmarkering och kontrollerar de namn som skärmläsare läser upp.
accessibility-limitations-heading = Kända begränsningar
accessibility-limitation-automated = Automatiska tester hittar många hinder, men inte alla. Sidorna har ännu inte granskats i en oberoende revision tillsammans med personer som använder hjälpmedel varje dag.
accessibility-limitation-embedded = När bokningssidan är inbäddad på en annan webbplats kan vi inte påverka tillgängligheten på den omgivande sidan.
accessibility-limitation-admin = Administrationssidorna för dem som driver den här webbplatsen finns bara på engelska.
accessibility-contact-heading = Berätta om ett hinder
accessibility-contact = Om något på de här sidorna inte fungerar för dig, eller om du behöver hjälp att boka en tid, hör av dig till oss. Vi svarar och hjälper dig att boka på ett annat sätt.
accessibility-contact-form = Skriv till oss via kontaktformuläret
accessibility-contact-email = Skriv till oss via e-post: { $address }
