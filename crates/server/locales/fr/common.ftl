# Shared by every visitor-facing page.
skip-to-content = Aller au contenu
language-menu = Langue
footer-nav = Pied de page
footer-powered = Planification par openslot
footer-accessibility = Accessibilité
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  }
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
  }
duration-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
  }
