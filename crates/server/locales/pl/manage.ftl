# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = (opcjonalnie)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Co
manage-label-status = Status
manage-status-requested = Prośba wysłana — czeka na potwierdzenie organizatora
manage-status-confirmed = Potwierdzona
manage-status-cancelled = Anulowana
manage-status-declined = Niezaakceptowana przez organizatora
manage-status-expired = Wygasła bez odpowiedzi

## The invitee's manage page
manage-title = Rezerwacja
manage-label-with = Z udziałem
manage-label-when-yours = Kiedy (czas lokalny, { $zone })
manage-label-when-host = Kiedy (czas organizatora, { $zone })
manage-label-where = Gdzie
manage-label-reference = Numer referencyjny
manage-move-heading = Przenieś na inny termin
manage-day-no-times = (brak terminów)
manage-pick-time = Wybierz nowy termin
manage-pick-time-on = Wybierz nowy termin: { $day }
manage-no-times = Brak innych terminów w tym dniu. Prosimy wybrać inny dzień.
manage-move-submit = Przenieś rezerwację
manage-cancel-heading = Anulowanie
manage-cancel-reason = Powód
manage-cancel-submit = Anuluj rezerwację
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = Na zmianę tej rezerwacji online jest już za późno ({ $reason }). Prosimy <a href="/contact">skontaktować się z nami</a> — chętnie pomożemy.
manage-cutoff-hours = { $count ->
    [one] zmiany są możliwe najpóźniej { $count } godzinę przed rozpoczęciem
    [few] zmiany są możliwe najpóźniej { $count } godziny przed rozpoczęciem
    [many] zmiany są możliwe najpóźniej { $count } godzin przed rozpoczęciem
   *[other] zmiany są możliwe najpóźniej { $count } godziny przed rozpoczęciem
  }
manage-cutoff-started = spotkanie już się rozpoczęło
manage-book-again = Zarezerwuj inny termin
manage-questions = Pytania? <a href="/contact">Skontaktuj się z nami</a>.
manage-done-cancelled = Rezerwacja została anulowana. Potwierdzenie zostało wysłane e-mailem.
manage-done-rescheduled = Rezerwacja została przeniesiona. Zaktualizowane zaproszenie zostało wysłane e-mailem.
manage-slot-taken = Przepraszamy — ten termin został właśnie zajęty przez kogoś innego. Rezerwacja nie została zmieniona; prosimy wybrać inny termin.
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem } Rezerwacja nie została zmieniona.
manage-problem-change-window-closed = Na zmianę tej rezerwacji online jest już za późno; prosimy o kontakt.
manage-problem-not-active = Tej rezerwacji nie można już zmienić.
manage-problem-slot-unavailable = Ten termin nie jest już oferowany; prosimy wybrać jeden z proponowanych terminów.
manage-problem-host-unavailable = Organizator nie może przyjąć tego terminu; prosimy wybrać inny termin.
manage-problem-event-withdrawn = Ten rodzaj spotkania nie jest już oferowany; prosimy o kontakt.
manage-problem-no-time = Prosimy wybrać nowy termin.
manage-problem-generic = To się nie udało.

## Error pages of the signed links (manage and host)
link-error-not-found = Nie znaleziono rezerwacji
link-error-not-found-text = Taka rezerwacja nie istnieje.
link-error-expired = Ten link wygasł
link-error-expired-text = Ten link wygasł; w razie potrzeby zmiany rezerwacji prosimy o kontakt.
link-error-invalid = Ten link nie działa
link-error-invalid-text = Ten link jest nieprawidłowy; mógł zostać błędnie wpisany lub zmieniony.
link-error-wrong-scope-text = Tego linku nie można użyć do tej czynności.
link-error-failed = To się nie udało
link-error-busy-text = Nie udało się tego teraz wykonać. Nic nie zostało zmienione; prosimy spróbować ponownie za chwilę.
link-error-form-text = Nie udało się odczytać formularza. Prosimy wrócić i spróbować ponownie.
link-error-generic-text = Coś poszło nie tak. Prosimy spróbować ponownie za chwilę.

## The host's approve / decline page
host-answer-approve-heading = Zaakceptować tę prośbę?
host-answer-decline-heading = Odrzucić tę prośbę?
host-answer-label-host = Organizator
host-answer-label-when = Kiedy ({ $zone })
host-answer-label-who = Kto
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, strefa czasowa { $zone }
host-answer-label-notes = Uwagi
host-answer-message = Wiadomość do: { $name }
host-answer-approve-submit = Zaakceptuj tę prośbę
host-answer-decline-submit = Odrzuć tę prośbę
host-answer-approved = Zaakceptowano. Osoba zapraszana otrzyma potwierdzenie z zaproszeniem do kalendarza.
host-answer-already-approved = Ta prośba została już zaakceptowana.
host-answer-declined = Odrzucono. Osoba zapraszana została o tym poinformowana i poproszona o wybranie innego terminu.
host-answer-already-declined = Ta prośba została już odrzucona.

## The contact page
contact-title = Kontakt
contact-heading = Skontaktuj się z nami
contact-intro = Nie ma odpowiedniego terminu? Prosimy napisać, jaki termin pasuje, a odpowiemy e-mailem.
contact-name = Imię i nazwisko
contact-email = E-mail
contact-message = Wiadomość
contact-preferred-times = Dogodne terminy
contact-honeypot = Pozostaw to pole puste
contact-submit = Wyślij wiadomość
contact-sent-heading = Wiadomość wysłana
contact-sent-text = Dziękujemy — otrzymaliśmy wiadomość i odpowiemy e-mailem.
contact-back = Powrót do rezerwacji
contact-expired = Formularz wygasł lub nie pochodzi z tej witryny, więc nie został wysłany. Prosimy wysłać go ponownie.

## Routing forms
routing-choose = Wybierz…
routing-submit = Dalej
routing-contact = Można też do nas napisać: <a href="/contact">wyślij nam wiadomość</a>.
routing-expired = Formularz wygasł lub nie pochodzi z tej witryny. Prosimy sprawdzić odpowiedzi i wysłać go ponownie.

## Form posts of these pages
form-fix-fields = Prosimy poprawić zaznaczone pola.
form-invalid = Część przesłanych danych jest niekompletna lub nieprawidłowa. Prosimy wrócić i je sprawdzić.
form-not-found = Nie znaleziono
form-not-found-routing = Taki formularz nie istnieje. Prosimy wybrać spotkanie z listy.
form-unreadable = Nie udało się odczytać formularza
form-not-sent = Nie wysłano
form-automated = To zgłoszenie wyglądało na automatyczne, więc nie zostało przyjęte. Jeśli nie jest to działanie automatu, prosimy spróbować ponownie.
form-try-again = Prosimy spróbować ponownie
form-too-many = Zbyt wiele prób
form-too-many-text = { $seconds ->
    [one] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundę i spróbować ponownie.
    [few] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundy i spróbować ponownie.
    [many] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekund i spróbować ponownie.
   *[other] Zbyt wiele prób z tego połączenia. Prosimy odczekać { $seconds } sekundy i spróbować ponownie.
  }

## What is wrong with one field (shown under it)
field-problem-required = to pole jest wymagane
field-problem-too-long = { $max ->
    [one] może mieć najwyżej { $max } znak
    [few] może mieć najwyżej { $max } znaki
    [many] może mieć najwyżej { $max } znaków
   *[other] może mieć najwyżej { $max } znaku
  }
field-problem-control-characters = nie może zawierać znaków sterujących
field-problem-not-text = musi być tekstem
field-problem-email = należy podać adres e-mail, np. name@example.com
field-problem-timezone = należy podać strefę czasową IANA, np. Europe/Warsaw
field-problem-choice = należy wybrać jedną z podanych opcji
field-problem-phone = należy podać numer telefonu, np. +48 22 123 45 67
