# Tudo o que vem depois do agendamento e os outros formulários públicos: a página de gerenciamento
# do convidado (/manage/…: ver, remarcar, cancelar), a página do anfitrião para aceitar ou recusar
# (/host/…), o formulário de contato (/contact) e os formulários de direcionamento (/route/…),
# com os erros de formulário que essas páginas mostram.
# O texto dentro de <a …> … </a> é um link: mantenha a tag e traduza as palavras entre elas.

## Comum às páginas de gerenciamento e do anfitrião
manage-optional = (opcional)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = O quê
manage-label-status = Status
manage-status-requested = Solicitado: aguardando a confirmação do anfitrião
manage-status-confirmed = Confirmado
manage-status-cancelled = Cancelado
manage-status-declined = Não aceito pelo anfitrião
manage-status-expired = Expirado sem resposta

## A página de gerenciamento do convidado
manage-title = Seu agendamento
manage-label-with = Com
manage-label-when-yours = Quando (seu horário, { $zone })
manage-label-when-host = Quando (horário do anfitrião, { $zone })
manage-label-where = Onde
manage-label-reference = Referência
manage-move-heading = Remarcar para outro horário
manage-day-no-times = (sem horários)
manage-pick-time = Escolha um novo horário
manage-pick-time-on = Escolha um novo horário em { $day }
manage-no-times = Não há outros horários neste dia. Escolha outro dia.
manage-move-submit = Remarcar meu agendamento
manage-cancel-heading = Cancelar
manage-cancel-reason = Motivo
manage-cancel-submit = Cancelar meu agendamento
# $reason é manage-cutoff-hours ou manage-cutoff-started.
manage-too-late = Não é mais possível alterar este agendamento on-line ({ $reason }). <a href="/contact">Fale conosco</a> e vamos ajudar você.
manage-cutoff-hours = { $count ->
    [one] as alterações se encerram { $count } hora antes do início
   *[other] as alterações se encerram { $count } horas antes do início
  }
manage-cutoff-started = a reunião já começou
manage-book-again = Agendar outro horário
manage-questions = Dúvidas? <a href="/contact">Fale conosco</a>.
manage-done-cancelled = Seu agendamento foi cancelado. Uma confirmação está a caminho por e-mail.
manage-done-rescheduled = Seu agendamento foi remarcado. Um convite atualizado está a caminho por e-mail.
manage-slot-taken = Desculpe, esse horário acabou de ser reservado por outra pessoa. Seu agendamento não mudou; escolha outro horário.
# $problem é uma das frases manage-problem-* abaixo.
manage-not-changed = { $problem } Seu agendamento não mudou.
manage-problem-change-window-closed = Não é mais possível alterar este agendamento on-line; fale conosco.
manage-problem-not-active = Este agendamento não pode mais ser alterado.
manage-problem-slot-unavailable = Esse horário não é mais oferecido; escolha um dos horários oferecidos.
manage-problem-host-unavailable = O anfitrião não pode nesse horário; escolha outro horário.
manage-problem-event-withdrawn = Este tipo de reunião não é mais oferecido; fale conosco.
manage-problem-no-time = Escolha um novo horário.
manage-problem-generic = Não deu certo.

## Páginas de erro dos links assinados (gerenciamento e anfitrião)
link-error-not-found = Agendamento não encontrado
link-error-not-found-text = Esse agendamento não existe.
link-error-expired = Este link expirou
link-error-expired-text = Este link expirou; fale conosco se precisar alterar seu agendamento.
link-error-invalid = Este link não funciona
link-error-invalid-text = Este link não é válido; talvez tenha sido digitado errado ou alterado.
link-error-wrong-scope-text = Este link não pode ser usado para essa ação.
link-error-failed = Não deu certo
link-error-busy-text = Não foi possível fazer isso agora. Nada foi alterado; tente novamente em instantes.
link-error-form-text = Não foi possível ler o formulário. Volte e tente novamente.
link-error-generic-text = Algo deu errado. Tente novamente em instantes.

## A página do anfitrião para aceitar ou recusar
host-answer-approve-heading = Aceitar esta solicitação?
host-answer-decline-heading = Recusar esta solicitação?
host-answer-label-host = Anfitrião
host-answer-label-when = Quando ({ $zone })
host-answer-label-who = Quem
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, fuso horário { $zone }
host-answer-label-notes = Observações
host-answer-message = Mensagem para { $name }
host-answer-approve-submit = Aceitar esta solicitação
host-answer-decline-submit = Recusar esta solicitação
host-answer-approved = Aceita. O convidado está recebendo uma confirmação com um convite de calendário.
host-answer-already-approved = Esta solicitação já foi aceita.
host-answer-declined = Recusada. O convidado foi avisado e chamado a escolher outro horário.
host-answer-already-declined = Esta solicitação já foi recusada.

## A página de contato
contact-title = Contato
contact-heading = Fale conosco
contact-intro = Não encontrou um horário que funcione? Diga quando é melhor para você e responderemos por e-mail.
contact-name = Nome
contact-email = E-mail
contact-message = Mensagem
contact-preferred-times = Horários que funcionam para você
contact-honeypot = Deixe este campo em branco
contact-submit = Enviar mensagem
contact-sent-heading = Mensagem enviada
contact-sent-text = Obrigado! Recebemos sua mensagem e responderemos por e-mail.
contact-back = Voltar ao agendamento
contact-expired = Este formulário expirou ou não veio deste site, por isso não foi enviado. Envie-o novamente.

## Formulários de direcionamento
routing-choose = Escolha…
routing-submit = Continuar
routing-contact = Prefere escrever para nós? <a href="/contact">Envie uma mensagem</a>.
routing-expired = Este formulário expirou ou não veio deste site. Confira suas respostas e envie-o novamente.

## Envios de formulário destas páginas
form-fix-fields = Corrija os campos destacados.
form-invalid = Parte do que foi enviado está faltando ou não é válida. Volte e confira.
form-not-found = Não encontrado
form-not-found-routing = Esse formulário não existe. Em vez disso, escolha uma reunião na lista.
form-unreadable = Não foi possível ler o formulário
form-not-sent = Não enviado
form-automated = Este envio parecia automatizado, por isso não foi aceito. Se você é uma pessoa, tente novamente.
form-try-again = Tente novamente
form-too-many = Muitas tentativas
form-too-many-text = { $seconds ->
    [one] Muitas tentativas a partir da sua conexão. Aguarde { $seconds } segundo e tente novamente.
   *[other] Muitas tentativas a partir da sua conexão. Aguarde { $seconds } segundos e tente novamente.
  }

## O que está errado em um campo (mostrado abaixo dele)
field-problem-required = é obrigatório
field-problem-too-long = { $max ->
    [one] deve ter no máximo { $max } caractere
   *[other] deve ter no máximo { $max } caracteres
  }
field-problem-control-characters = não pode conter caracteres de controle
field-problem-not-text = deve ser um texto
field-problem-email = deve ser um endereço de e-mail como nome@example.com
field-problem-timezone = deve ser um fuso horário IANA como America/Sao_Paulo
field-problem-choice = deve ser uma das opções listadas
field-problem-phone = deve ser um número de telefone como +44 20 7946 0958
