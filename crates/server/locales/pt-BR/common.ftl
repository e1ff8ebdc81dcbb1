# Shared by every visitor-facing page.
skip-to-content = Pular para o conteúdo
language-menu = Idioma
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
