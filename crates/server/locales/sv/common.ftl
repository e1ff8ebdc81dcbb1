# Shared by every visitor-facing page.
skip-to-content = Hoppa till innehållet
language-menu = Språk
footer-nav = Sidfot
footer-powered = Schemaläggning med openslot
footer-accessibility = Tillgänglighet
duration-minutes = { $count ->
    [one] { $count } minut
   *[other] { $count } minuter
  }
duration-hours = { $count ->
    [one] { $count } timme
   *[other] { $count } timmar
  }
duration-days = { $count ->
    [one] { $count } dag
   *[other] { $count } dagar
  }
