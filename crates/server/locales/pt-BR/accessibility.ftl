# A declaração de acessibilidade (GET /accessibility).
accessibility-title = Declaração de acessibilidade
accessibility-intro = { $organisation } quer que todas as pessoas possam agendar um horário conosco, qualquer que seja o seu idioma e quaisquer que sejam as suas habilidades. Esta declaração abrange as páginas públicas deste site de agendamento: a lista de reuniões, a página de agendamento, a confirmação, as páginas para alterar ou cancelar um agendamento, o formulário de contato e os formulários de direcionamento.
accessibility-standard-heading = O padrão que buscamos
accessibility-standard = Estas páginas buscam estar em conformidade com as Diretrizes de Acessibilidade para Conteúdo Web (WCAG) 2.1, nível AA.
accessibility-features-heading = O que você pode esperar
accessibility-feature-keyboard = Todas as etapas do agendamento funcionam só com o teclado, e o elemento em foco está sempre bem destacado.
accessibility-feature-screen-reader = Todo controle tem um nome anunciado pelos leitores de tela, e mudanças como "horários carregados" ou "este horário acabou de ser reservado" são anunciadas no seu idioma.
accessibility-feature-languages = { $count ->
    [one] As páginas estão disponíveis em { $count } idioma.
   *[other] As páginas estão disponíveis em { $count } idiomas, incluindo o árabe, escrito da direita para a esquerda.
  }
accessibility-feature-no-script = O agendamento também funciona sem JavaScript.
accessibility-feature-zoom = O texto pode ser ampliado até 200% e o layout se adapta a telas estreitas sem rolagem horizontal.
accessibility-testing-heading = Como testamos
accessibility-testing-automated = Cada estado de cada página pública (a lista de reuniões, as listas de dias e horários, o formulário com e sem erros, um horário reservado por outra pessoa, a confirmação, a alteração e o cancelamento de um agendamento, o formulário de contato e os formulários de direcionamento) é verificado com o axe-core em um navegador Chromium sem interface gráfica, em inglês e em árabe, a cada mudança no software. Nenhuma mudança é aceita enquanto o axe-core apontar qualquer violação das regras de nível A ou AA da WCAG 2.1.
accessibility-testing-keyboard = Testes automatizados também agendam um horário usando apenas o teclado, verificam se cada elemento interativo mostra um indicador de foco visível e conferem os nomes anunciados pelos leitores de tela.
accessibility-limitations-heading = Limitações conhecidas
accessibility-limitation-automated = Testes automatizados encontram muitas barreiras, mas não todas. Estas páginas ainda não passaram por uma auditoria independente com pessoas que usam tecnologias assistivas no dia a dia.
accessibility-limitation-embedded = Quando a página de agendamento está incorporada em outro site, a acessibilidade da página ao redor está fora do nosso controle.
accessibility-limitation-admin = As páginas de administração, para quem gerencia este site, estão disponíveis apenas em inglês.
accessibility-contact-heading = Informe-nos sobre uma barreira
accessibility-contact = Se algo nestas páginas não funcionar para você, ou se precisar de ajuda para agendar um horário, avise-nos. Vamos responder e ajudar você a agendar de outra forma.
accessibility-contact-form = Escreva para nós pelo formulário de contato
accessibility-contact-email = Escreva para nós por e-mail: { $address }
