# Shared by every visitor-facing page.
skip-to-content = Vai al contenuto
language-menu = Lingua
footer-nav = Piè di pagina
footer-powered = Prenotazioni con openslot
footer-accessibility = Accessibilità
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minuti
  }
duration-hours = { $count ->
    [one] { $count } ora
   *[other] { $count } ore
  }
duration-days = { $count ->
    [one] { $count } giorno
   *[other] { $count } giorni
  }
