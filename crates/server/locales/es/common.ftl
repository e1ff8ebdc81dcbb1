# Shared by every visitor-facing page.
skip-to-content = Saltar al contenido
language-menu = Idioma
footer-nav = Pie de página
footer-powered = Agenda gestionada con openslot
footer-accessibility = Accesibilidad
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
  }
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
  }
duration-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
  }
