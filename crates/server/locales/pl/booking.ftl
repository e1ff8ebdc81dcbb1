# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada i Grace", "Ada, Grace i Alan".
names-separator = {", "}
names-and = { $first } i { $last }

## Meeting list (/) and a host's page (/with/…)
home-title = Zarezerwuj termin
host-title = Zarezerwuj termin — { $host }
host-intro = Tutaj można zarezerwować termin spotkania — { $host }, { $org }.
home-choose = Wybierz spotkanie
event-with = z udziałem: { $names }
home-empty = Obecnie nie ma spotkań do zarezerwowania.
host-empty = { $host } nie ma obecnie spotkań do zarezerwowania.
home-routing = Nie wiadomo, które wybrać?
home-fallback = Brak odpowiedniej opcji?
home-fallback-link = Wyślij nam wiadomość

## Booking page
book-with = Z udziałem: { $names }
book-request-mode = Każda prośba wymaga potwierdzenia przez organizatora
tz-label = Godziny podano w strefie czasowej
tz-change = Zmień
tz-host-hint = Strefa czasowa organizatora: { $zone }.
days-heading = 1. Wybierz dzień
day-no-times = (brak terminów)
no-times-window = { $days ->
    [one] W ciągu najbliższego dnia nie ma wolnych terminów.
    [few] W ciągu najbliższych { $days } dni nie ma wolnych terminów.
    [many] W ciągu najbliższych { $days } dni nie ma wolnych terminów.
   *[other] W ciągu najbliższych { $days } dnia nie ma wolnych terminów.
  }
no-times-booking-window = W tym okresie rezerwacji nie ma wolnych terminów.
contact-find-time = Skontaktuj się z nami, aby ustalić termin
times-legend = 2. Wybierz godzinę
times-legend-on = 2. Wybierz godzinę: { $day }
times-empty = Na ten dzień nie ma już wolnych godzin. Prosimy wybrać inny dzień.
time-host-title = { $time } według czasu organizatora ({ $zone })
details-legend = 3. Dane kontaktowe
field-name = Imię i nazwisko
field-email = E-mail
field-notes = Czy jest coś, o czym powinniśmy wiedzieć?
field-optional = (opcjonalnie)
field-choose = Wybierz…
field-honeypot = Pozostaw to pole puste
submit-book = Potwierdź rezerwację
submit-request = Poproś o ten termin
book-fallback = Żaden z tych terminów nie pasuje?
book-fallback-link = Wyślij nam wiadomość z dogodnymi terminami
# Times in the day buttons' accessible names: "wtorek, 1 grudnia, 3 terminy".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = , { $count ->
    [one] { $count } termin
    [few] { $count } terminy
    [many] { $count } terminów
   *[other] { $count } terminu
  }

## Status line of the booking page
status-loading = Wczytywanie dostępnych terminów…
status-taken-refreshing = Przepraszamy — ten termin został właśnie zajęty przez kogoś innego. Odświeżanie terminów…
status-taken = Przepraszamy — ten termin został właśnie zajęty przez kogoś innego. Prosimy wybrać inny termin.
status-taken-kept = Przepraszamy — ten termin został właśnie zajęty przez kogoś innego. Prosimy wybrać inny termin; wprowadzone dane zostały zachowane.
status-gone-refreshing = Ten termin nie jest już dostępny. Odświeżanie terminów…
status-gone = Ten termin nie jest już dostępny. Prosimy wybrać inny termin.
status-load-failed = Nie udało się wczytać dostępnych terminów. Prosimy sprawdzić połączenie i spróbować ponownie.
status-try-again = Spróbuj ponownie
status-fix-fields = Prosimy poprawić zaznaczone pola.
status-pick-time-first = Najpierw prosimy wybrać godzinę.
status-sending-request = Wysyłanie prośby…
status-booking = Rezerwowanie…
status-rate-limited = { $seconds ->
    [one] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundę i spróbować ponownie.
    [few] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundy i spróbować ponownie.
    [many] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekund i spróbować ponownie.
   *[other] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundy i spróbować ponownie.
  }
status-rate-limited-moment = Zbyt wiele prób z tego połączenia. Prosimy chwilę odczekać i spróbować ponownie.
status-failed = Coś poszło nie tak. Wprowadzone dane zostały zachowane; prosimy spróbować ponownie.
status-unreachable = Nie udało się połączyć z usługą rezerwacji. Wprowadzone dane zostały zachowane; prosimy spróbować ponownie.
status-expired-form = Formularz wygasł lub nie pochodzi z tej witryny, więc nic nie zostało zarezerwowane. Prosimy sprawdzić dane i wysłać formularz ponownie.
status-cannot-book = Tego terminu nie można zarezerwować. Prosimy wybrać inny termin.

## Field errors (the form's own checks and the server's)
field-error-required = to pole jest wymagane
field-error-email = należy podać adres e-mail, np. name@example.com
field-error-timezone = należy podać strefę czasową IANA, np. Europe/Warsaw
field-error-too-long = { $max ->
    [one] może mieć najwyżej { $max } znak
    [few] może mieć najwyżej { $max } znaki
    [many] może mieć najwyżej { $max } znaków
   *[other] może mieć najwyżej { $max } znaku
  }
field-error-control = nie może zawierać znaków sterujących
field-error-choice = należy wybrać jedną z podanych opcji
field-error-phone = należy podać numer telefonu, np. +48 22 123 45 67
field-error-start = Prosimy wybrać jeden z proponowanych terminów.
field-error-invalid = nieprawidłowa wartość

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = Potwierdzono
outcome-confirmed = Rezerwacja została potwierdzona. Potwierdzenie zostało wysłane e-mailem.
outcome-requested-heading = Prośba przyjęta
outcome-requested = Prośba została przyjęta — potwierdzenie zostanie wysłane e-mailem, gdy organizator ją zaakceptuje.
outcome-cancelled-heading = Anulowano
outcome-cancelled = Ta rezerwacja została anulowana.
outcome-declined-heading = Nie zaakceptowano
outcome-declined = Organizator nie może przyjąć tej prośby. Prosimy wybrać inny termin.
outcome-expired-heading = Prośba wygasła
outcome-expired = Ta prośba nie została potwierdzona na czas. Prosimy wybrać inny termin.

## Confirmation page
summary-what = Co
summary-what-value = { $title } ({ $duration })
summary-with = Z udziałem
summary-when-yours = Kiedy (czas lokalny, { $zone })
summary-when-host = Kiedy (czas organizatora, { $zone })
summary-where = Gdzie
summary-name = Imię i nazwisko
summary-email = E-mail
summary-notes = Uwagi
summary-reference = Numer referencyjny
confirmation-manage-link = Zmień lub anuluj tę rezerwację
confirmation-manage-hint = Warto zachować ten link; znajduje się on również w wiadomości e-mail.
confirmation-book-another = Zarezerwuj inny termin
confirmation-book = Zarezerwuj spotkanie
contact-us = Kontakt
neutral-heading = Rezerwacja
neutral-message = Ze względu na ochronę prywatności szczegóły rezerwacji są widoczne na tej stronie tylko po otwarciu linku otrzymanego podczas rezerwacji. Aby zobaczyć, zmienić lub anulować rezerwację, prosimy otworzyć link z wiadomości e-mail z potwierdzeniem.

## Error pages
error-back = Powrót do rezerwacji
error-not-found = Nie znaleziono
error-no-event = Nie ma takiego rodzaju spotkania. Prosimy wybrać spotkanie z listy.
error-no-host = Pod tym adresem nie ma nikogo, z kim można się umówić. Prosimy wybrać spotkanie z listy.
error-booking-not-found-heading = Nie znaleziono rezerwacji
error-booking-not-found = Nie udało się znaleźć tej rezerwacji. Prosimy sprawdzić link lub skontaktować się z nami.
error-try-again-heading = Prosimy spróbować ponownie
error-unavailable = Nie udało się teraz wczytać tej strony. Prosimy spróbować ponownie za chwilę.
error-form-unreadable = Nie udało się odczytać formularza
error-not-sent = Nie wysłano
error-automated = To zgłoszenie wyglądało na automatyczne, więc nie zostało przyjęte. Jeśli nie jest to działanie automatu, prosimy spróbować ponownie lub skontaktować się z nami.

## Embed script (embed.js, on the embedding site)
embed-title = Zarezerwuj termin
embed-close = Zamknij
