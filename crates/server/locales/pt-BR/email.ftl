# E-mails aos convidados (no idioma do agendamento) e aos anfitriões e à caixa de operações (no
# idioma do anfitrião). $event é o título do tipo de reunião, $when uma data e hora já escritas à
# maneira do idioma, $name o nome do convidado, $org a organização.

## Comum a todas as mensagens
email-footer = Esta mensagem foi enviada automaticamente pelo serviço de agendamento de { $org }.
email-greeting = Olá, { $name },
# "Ada Lovelace (Acme Consulting)": os anfitriões de um agendamento e a organização deles.
email-party = { $hosts } ({ $org })
# Como uma lista de nomes é unida: "Ada, Grace e Alan".
email-names-separator = {", "}
email-names-last = { $rest } e { $last }
# Uma duração com duas unidades: "1 hora e 30 minutos" ($larger e $smaller vêm das mensagens
# duration-*).
email-duration-pair = { $larger } e { $smaller }
email-manage-link = Alterar ou cancelar
email-book-again-link = Agendar outro horário
email-open-booking-link = Abrir o agendamento
email-booking-page = Página de agendamento
email-previously = Antes
email-message-label = Mensagem
email-reason-label = Motivo informado

## A tabela de detalhes do agendamento
email-detail-what = O quê
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Com
email-detail-when = Quando
email-detail-where = Onde
email-detail-host-time = Horário do anfitrião
email-detail-who = Quem
email-detail-who-zone = { $who }, fuso horário { $zone }
email-detail-notes = Observações
email-detail-reference = Referência

## Convidado: confirmado (com o convite)
email-confirmed-subject = Confirmado: { $event }, { $when }
email-confirmed-headline = Confirmado
email-confirmed-body = Seu agendamento com { $party } está confirmado. O convite anexo adiciona o compromisso à sua agenda.

## Convidado: solicitação recebida (o anfitrião ainda precisa aceitá-la)
email-request-received-subject = Solicitação recebida: { $event }, { $when }
email-request-received-headline = Solicitação recebida
email-request-received-body = Obrigado! Recebemos sua solicitação. Você receberá uma confirmação por e-mail assim que { $org } aceitá-la.

## Convidado: lembrete ($duration: "24 horas", "1 dia")
email-reminder-subject = Lembrete: { $event }, { $when }
email-reminder-headline = Lembrete
email-reminder-body = Este é um lembrete do seu agendamento com { $party }, que começa em { $duration }.
# Quanto falta para o agendamento começar, para modelos que dizem isso sozinhos ("em 1 dia").
email-reminder-lead = em { $duration }

## Convidado: o agendamento mudou ($headline é um dos títulos abaixo)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Cancelado
email-cancelled-body = Seu agendamento foi cancelado. O horário está livre novamente.
email-rescheduled-headline = Remarcado
email-rescheduled-body = Seu agendamento foi remarcado para o novo horário abaixo.
email-declined-headline = Solicitação não aceita
email-declined-body = Infelizmente, { $org } não pode nesse horário. Sentimos muito; escolha outro horário que funcione para você.
email-expired-headline = Solicitação expirada
email-expired-body = Sua solicitação não foi confirmada a tempo e, por isso, expirou. Escolha outro horário.

## Convite (evento de agenda) anexado ao e-mail do convidado
email-invite-summary = { $event } com { $party }
email-invite-description =
    Agendado por meio de { $org }. Referência { $reference }.
    Alterar ou cancelar: { $url }

## Anfitriões e caixa de operações: um novo agendamento
email-ops-booking-subject = { $requested ->
    [yes] Nova solicitação de agendamento
   *[no] Novo agendamento
  }: { $event } com { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nova solicitação de agendamento
   *[no] Novo agendamento
  }
email-ops-booking-body = { $requested ->
    [yes] Uma nova solicitação de agendamento está aguardando confirmação.
   *[no] Um novo agendamento foi confirmado.
  }
email-ops-approve = Aceitar
email-ops-decline = Recusar

## Anfitriões e caixa de operações: o agendamento mudou
email-ops-update-subject = { $headline }: { $event } com { $name }, { $when }
email-ops-cancelled-body = { $name } cancelou o agendamento.
email-ops-rescheduled-body = { $name } remarcou o agendamento.
email-ops-expired-body = Esta solicitação não foi respondida a tempo e expirou; o horário está livre novamente.

## Caixa de operações: uma mensagem do formulário de contato
email-contact-subject = Formulário de contato: mensagem de { $name }
email-contact-headline = Mensagem do formulário de contato
email-contact-intro = { $has_event ->
    [yes] { $sender } enviou uma mensagem pelo formulário de contato (sobre { $event }):
   *[no] { $sender } enviou uma mensagem pelo formulário de contato:
  }
email-contact-preferred-times = Horários que funcionam para a pessoa
email-contact-reply = Responda a este e-mail para responder à pessoa.

## Anfitriões e caixa de operações: uma conexão de agenda ($host: o nome do anfitrião; $url: o
## endereço da agenda; $since: desde quando ela falha; $duration: por quanto tempo,
## "1 hora e 30 minutos")
email-calendar-label = Agenda
email-calendar-connection-label = Conexão
email-calendar-account-label = Conta
email-calendar-last-error-label = Último erro
email-calendar-failing-subject = Agenda com falha para { $host }: { $url }
email-calendar-failing-headline = Agenda com falha
email-calendar-failing-body = Uma agenda de { $host } não é lida com sucesso desde { $since } (há { $duration }).
email-calendar-failing-stale = Até lá, os horários são oferecidos com base nos horários ocupados lidos por último, que podem não incluir eventos novos (com [calendars] on_stale = "close": nenhum horário para { $host } quando essa leitura tiver mais de stale_after_minutes).
email-calendar-failing-check = Verifique a conexão na página de agendas da administração. Você receberá mais uma mensagem quando ela voltar a funcionar.
email-calendar-recovered-subject = Agenda funcionando novamente para { $host }: { $url }
email-calendar-recovered-headline = Agenda funcionando novamente
email-calendar-recovered-body = Uma agenda de { $host } voltou a ser lida com sucesso. Ela estava com falha desde { $since } (por { $duration }).
email-calendar-recovered-last-error-label = Último erro antes da recuperação
email-calendar-recovered-fresh = Seus horários ocupados estão atualizados novamente.
email-calendar-reconnect-subject = Agenda precisa ser reconectada para { $host }: { $url }
email-calendar-reconnect-headline = Agenda precisa ser reconectada
email-calendar-reconnect-body = { $url } de { $host } não permite mais o acesso do openslot: o provedor recusou o login em { $since }.
email-calendar-reconnect-answer-label = Resposta do provedor
email-calendar-reconnect-stale = Até que alguém a reconecte, suas agendas não são lidas e os agendamentos não são gravados nelas; os horários são oferecidos com base nos horários ocupados lidos por último (com [calendars] on_stale = "close": nenhum horário para { $host } quando essa leitura tiver mais de stale_after_minutes).
email-calendar-reconnect-fix = Para corrigir, { $host } ou um administrador abre a página de agendas da administração e escolhe "Reconnect" ao lado da conta. Esta mensagem é enviada uma única vez.
