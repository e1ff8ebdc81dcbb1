# Shared by every visitor-facing page.
skip-to-content = Zum Inhalt springen
language-menu = Sprache
footer-nav = Fußzeile
footer-powered = Terminplanung mit openslot
footer-accessibility = Barrierefreiheit
duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
  }
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
  }
duration-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
  }
