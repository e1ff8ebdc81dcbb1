# The accessibility statement (GET /accessibility).
accessibility-title = Deklaracja dostępności
accessibility-intro = { $organisation } chce, aby każdy mógł zarezerwować u nas termin — niezależnie od języka i możliwości. Niniejsza deklaracja dotyczy publicznych stron tej witryny rezerwacji: listy spotkań, strony rezerwacji, potwierdzenia, stron zmiany lub anulowania rezerwacji, formularza kontaktowego i formularzy wyboru spotkania.
accessibility-standard-heading = Standard, do którego dążymy
accessibility-standard = Strony te mają być zgodne z Wytycznymi dla dostępności treści internetowych (WCAG) 2.1 na poziomie AA.
accessibility-features-heading = Czego można się spodziewać
accessibility-feature-keyboard = Każdy krok rezerwacji można wykonać wyłącznie za pomocą klawiatury, a element z fokusem jest zawsze wyraźnie oznaczony.
accessibility-feature-screen-reader = Każdy element sterujący ma nazwę odczytywaną przez czytniki ekranu, a zmiany takie jak „wczytano terminy” czy „ten termin został właśnie zajęty” są ogłaszane w wybranym języku.
accessibility-feature-languages = { $count ->
    [one] Strony są dostępne w { $count } języku.
    [few] Strony są dostępne w { $count } językach, w tym po arabsku, czyli w języku zapisywanym od prawej do lewej.
    [many] Strony są dostępne w { $count } językach, w tym po arabsku, czyli w języku zapisywanym od prawej do lewej.
   *[other] Strony są dostępne w { $count } językach, w tym po arabsku, czyli w języku zapisywanym od prawej do lewej.
  }
accessibility-feature-no-script = Rezerwacja działa również bez JavaScriptu.
accessibility-feature-zoom = Tekst można powiększyć do 200%, a układ dostosowuje się do wąskich ekranów bez konieczności przewijania w poziomie.
accessibility-testing-heading = Jak testujemy
accessibility-testing-automated = Każdy stan każdej strony publicznej — lista spotkań, listy dni i godzin, formularz z błędami i bez nich, termin zajęty przez kogoś innego, potwierdzenie, zmiana i anulowanie rezerwacji, formularz kontaktowy i formularze wyboru spotkania — jest sprawdzany narzędziem axe-core w przeglądarce Chromium działającej bez interfejsu graficznego, po angielsku i po arabsku, przy każdej zmianie oprogramowania. Zmiana nie zostanie przyjęta, dopóki axe-core zgłasza jakiekolwiek naruszenie reguł WCAG 2.1 na poziomie A lub AA.
accessibility-testing-keyboard = Testy automatyczne rezerwują też termin wyłącznie za pomocą klawiatury, sprawdzają, czy każdy element interaktywny ma widoczny wskaźnik fokusu, oraz weryfikują nazwy odczytywane przez czytniki ekranu.
accessibility-limitations-heading = Znane ograniczenia
accessibility-limitation-automated = Testy automatyczne wykrywają wiele barier, ale nie wszystkie. Strony te nie zostały jeszcze sprawdzone w niezależnym audycie z udziałem osób, które na co dzień korzystają z technologii wspomagających.
accessibility-limitation-embedded = Gdy strona rezerwacji jest osadzona w innej witrynie, nie mamy wpływu na dostępność otaczającej ją strony.
accessibility-limitation-admin = Strony administracyjne dla osób prowadzących tę witrynę są dostępne tylko po angielsku.
accessibility-contact-heading = Zgłoś barierę
accessibility-contact = Jeśli coś na tych stronach nie działa lub potrzebna jest pomoc w rezerwacji terminu, prosimy o informację. Odpowiemy i pomożemy zarezerwować termin w inny sposób.
accessibility-contact-form = Napisz do nas przez formularz kontaktowy
accessibility-contact-email = Napisz do nas e-mailem: { $address }
