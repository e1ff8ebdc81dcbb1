# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = Ta wiadomość została wysłana automatycznie przez system rezerwacji: { $org }.
email-greeting = Dzień dobry, { $name },
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts } ({ $org })
# How a list of names is joined: "Ada, Grace i Alan".
email-names-separator = {", "}
email-names-last = { $rest } i { $last }
# A duration made of two units: "1 godzina 30 minut" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger } { $smaller }
email-manage-link = Zmień lub anuluj
email-book-again-link = Zarezerwuj inny termin
email-open-booking-link = Otwórz rezerwację
email-booking-page = Strona rezerwacji
email-previously = Poprzednio
email-message-label = Wiadomość
email-reason-label = Podany powód

## The booking's details table
email-detail-what = Co
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Z udziałem
email-detail-when = Kiedy
email-detail-where = Gdzie
email-detail-host-time = Czas organizatora
email-detail-who = Kto
email-detail-who-zone = { $who }, strefa czasowa { $zone }
email-detail-notes = Uwagi
email-detail-reference = Numer referencyjny

## Invitee: confirmed (with the invite)
email-confirmed-subject = Potwierdzono: { $event }, { $when }
email-confirmed-headline = Potwierdzono
email-confirmed-body = Rezerwacja z udziałem: { $party } została potwierdzona. Załączone zaproszenie pozwala dodać ją do kalendarza.

## Invitee: request received (the host still has to accept it)
email-request-received-subject = Prośba przyjęta: { $event }, { $when }
email-request-received-headline = Prośba przyjęta
email-request-received-body = Dziękujemy — otrzymaliśmy prośbę o rezerwację. Potwierdzenie zostanie wysłane e-mailem, gdy { $org } ją zaakceptuje.

## Invitee: reminder ($duration: "24 godziny", "1 dzień")
email-reminder-subject = Przypomnienie: { $event }, { $when }
email-reminder-headline = Przypomnienie
email-reminder-body = Przypominamy o rezerwacji z udziałem: { $party }. Czas do rozpoczęcia: { $duration }.
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = czas do rozpoczęcia: { $duration }

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Anulowano
email-cancelled-body = Rezerwacja została anulowana. Termin jest znów wolny.
email-rescheduled-headline = Zmieniono termin
email-rescheduled-body = Rezerwacja została przeniesiona na nowy termin podany poniżej.
email-declined-headline = Prośba nie została zaakceptowana
email-declined-body = Niestety { $org } nie może przyjąć tego terminu. Przepraszamy — prosimy wybrać inny dogodny termin.
email-expired-headline = Prośba wygasła
email-expired-body = Prośba nie została potwierdzona na czas, więc wygasła. Prosimy wybrać inny termin.

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event } — { $party }
email-invite-description =
    Zarezerwowano przez { $org }. Numer referencyjny: { $reference }.
    Zmiana lub anulowanie: { $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] Nowa prośba o rezerwację
   *[no] Nowa rezerwacja
  }: { $event } — { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nowa prośba o rezerwację
   *[no] Nowa rezerwacja
  }
email-ops-booking-body = { $requested ->
    [yes] Nowa prośba o rezerwację czeka na potwierdzenie.
   *[no] Potwierdzono nową rezerwację.
  }
email-ops-approve = Zaakceptuj
email-ops-decline = Odrzuć

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }: { $event } — { $name }, { $when }
email-ops-cancelled-body = Osoba rezerwująca ({ $name }) anulowała rezerwację.
email-ops-rescheduled-body = Osoba rezerwująca ({ $name }) przeniosła rezerwację.
email-ops-expired-body = Ta prośba nie otrzymała odpowiedzi na czas i wygasła; termin jest znów wolny.

## Ops inbox: a contact-form message
email-contact-subject = Formularz kontaktowy: wiadomość (nadawca: { $name })
email-contact-headline = Wiadomość z formularza kontaktowego
email-contact-intro = { $has_event ->
    [yes] Wiadomość z formularza kontaktowego (nadawca: { $sender }, dotyczy: { $event }):
   *[no] Wiadomość z formularza kontaktowego (nadawca: { $sender }):
  }
email-contact-preferred-times = Dogodne terminy
email-contact-reply = Aby odpowiedzieć nadawcy, wystarczy odpowiedzieć na tę wiadomość.

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "1 godzina 30 minut")
email-calendar-label = Kalendarz
email-calendar-connection-label = Połączenie
email-calendar-account-label = Konto
email-calendar-last-error-label = Ostatni błąd
email-calendar-failing-subject = Kalendarz nie działa — { $host }: { $url }
email-calendar-failing-headline = Kalendarz nie działa
email-calendar-failing-body = Kalendarz użytkownika { $host } nie jest poprawnie odczytywany od { $since } (łącznie: { $duration }).
email-calendar-failing-stale = Do tego czasu terminy są proponowane na podstawie ostatnio odczytanych zajętych godzin, co może pomijać nowe wydarzenia (przy [calendars] on_stale = "close": brak terminów dla { $host }, gdy te dane będą starsze niż stale_after_minutes).
email-calendar-failing-check = Prosimy sprawdzić połączenie na stronie kalendarzy w panelu administracyjnym. Gdy kalendarz znów zacznie działać, zostanie wysłana jeszcze jedna wiadomość.
email-calendar-recovered-subject = Kalendarz znów działa — { $host }: { $url }
email-calendar-recovered-headline = Kalendarz znów działa
email-calendar-recovered-body = Kalendarz użytkownika { $host } jest znów poprawnie odczytywany. Nie działał od { $since } (łącznie: { $duration }).
email-calendar-recovered-last-error-label = Ostatni błąd przed przywróceniem działania
email-calendar-recovered-fresh = Informacje o zajętych godzinach są znów aktualne.
email-calendar-reconnect-subject = Kalendarz wymaga ponownego połączenia — { $host }: { $url }
email-calendar-reconnect-headline = Kalendarz wymaga ponownego połączenia
email-calendar-reconnect-body = { $url } (użytkownik: { $host }) nie wpuszcza już openslot: dostawca odrzucił logowanie w dniu { $since }.
email-calendar-reconnect-answer-label = Odpowiedź dostawcy
email-calendar-reconnect-stale = Dopóki konto nie zostanie ponownie połączone, jego kalendarze nie są odczytywane, a rezerwacje nie są w nich zapisywane; terminy są proponowane na podstawie ostatnio odczytanych zajętych godzin (przy [calendars] on_stale = "close": brak terminów dla { $host }, gdy te dane będą starsze niż stale_after_minutes).
email-calendar-reconnect-fix = Aby to naprawić, { $host } lub administrator otwiera stronę kalendarzy w panelu administracyjnym i wybiera „Reconnect” obok konta. Ta wiadomość jest wysyłana tylko raz.
