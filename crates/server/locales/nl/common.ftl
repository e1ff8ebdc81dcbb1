# Shared by every visitor-facing page.
skip-to-content = Naar de inhoud
language-menu = Taal
footer-nav = Voettekst
footer-powered = Planning door openslot
footer-accessibility = Toegankelijkheid
duration-minutes = { $count ->
    [one] { $count } minuut
   *[other] { $count } minuten
  }
duration-hours = { $count ->
    [one] { $count } uur
   *[other] { $count } uur
  }
duration-days = { $count ->
    [one] { $count } dag
   *[other] { $count } dagen
  }
