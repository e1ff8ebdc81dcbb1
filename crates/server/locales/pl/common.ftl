# Shared by every visitor-facing page.
skip-to-content = Przejdź do treści
language-menu = Język
footer-nav = Stopka
footer-powered = Planowanie dzięki openslot
footer-accessibility = Dostępność
duration-minutes = { $count ->
    [one] { $count } minuta
    [few] { $count } minuty
   *[many] { $count } minut
  }
duration-hours = { $count ->
    [one] { $count } godzina
    [few] { $count } godziny
   *[many] { $count } godzin
  }
duration-days = { $count ->
    [one] { $count } dzień
   *[other] { $count } dni
  }
