# Shared by every visitor-facing page.
skip-to-content = Pular para o conteúdo
language-menu = Idioma
language-menu-current = Idioma atual: { $language }
footer-nav = Rodapé
footer-powered = Agendamento por openslot
footer-accessibility = Acessibilidade
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
  }
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
  }
duration-days = { $count ->
    [one] { $count } dia
   *[other] { $count } dias
  }
