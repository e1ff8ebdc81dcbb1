# O fluxo de agendamento: lista de reuniões, página de um anfitrião, página de agendamento (e seu
# script), confirmação, páginas de erro. Variáveis: $org a organização, $host / $names nomes dos
# anfitriões, $zone um nome de fuso horário IANA (ex.: America/Sao_Paulo), $day um dia por
# extenso, $count / $days / $seconds números.

## Nomes numa frase: "Ada e Grace", "Ada, Grace e Alan".
names-separator = {", "}
names-and = { $first } e { $last }

## Lista de reuniões (/) e página de um anfitrião (/with/…)
home-title = Agendar um horário
host-title = Agendar um horário com { $host }
host-intro = Agende um horário com { $host } em { $org }.
home-choose = Escolha uma reunião
event-with = com { $names }
home-empty = No momento, não há reuniões disponíveis para agendar.
host-empty = No momento, { $host } não tem reuniões disponíveis para agendar.
home-routing = Não sabe qual escolher?
home-fallback = Não encontrou o que precisa?
home-fallback-link = Envie uma mensagem para nós

## Página de agendamento
book-with = Com { $names }
book-request-mode = O anfitrião confirma cada solicitação
tz-label = Horários exibidos em
tz-change = Alterar
tz-host-hint = O fuso horário do anfitrião é { $zone }.
days-heading = 1. Escolha um dia
day-no-times = (sem horários)
no-times-window = { $days ->
    [one] Não há horários livres no próximo dia.
   *[other] Não há horários livres nos próximos { $days } dias.
  }
no-times-booking-window = Não há horários livres neste período de agendamento.
contact-find-time = Fale conosco para encontrar um horário
times-legend = 2. Escolha um horário
times-legend-on = 2. Escolha um horário em { $day }
times-empty = Não há mais horários neste dia. Escolha outro dia.
time-host-title = { $time }, horário do anfitrião ({ $zone })
details-legend = 3. Seus dados
field-name = Nome
field-email = E-mail
field-notes = Algo que devemos saber?
field-optional = (opcional)
field-choose = Escolha…
field-honeypot = Deixe este campo em branco
submit-book = Confirmar agendamento
submit-request = Solicitar este horário
book-fallback = Nenhum destes horários serve?
book-fallback-link = Envie uma mensagem com os horários que funcionam para você
# Horários no nome acessível dos botões de dia: "terça-feira, 1 de dezembro, 3 horários".
# Lido pelos leitores de tela depois do texto visível de um botão de dia (o nome do botão deve
# conter o que ele mostra), por isso começa com o próprio separador.
day-times-count = , { $count ->
    [one] { $count } horário
   *[other] { $count } horários
  }

## Linha de status da página de agendamento
status-loading = Carregando horários disponíveis…
status-taken-refreshing = Desculpe, esse horário acabou de ser reservado por outra pessoa. Atualizando os horários…
status-taken = Desculpe, esse horário acabou de ser reservado por outra pessoa. Escolha outro horário.
status-taken-kept = Desculpe, esse horário acabou de ser reservado por outra pessoa. Escolha outro horário; seus dados foram mantidos.
status-gone-refreshing = Esse horário não está mais disponível. Atualizando os horários…
status-gone = Esse horário não está mais disponível. Escolha outro horário.
status-load-failed = Não foi possível carregar os horários disponíveis. Verifique sua conexão e tente novamente.
status-try-again = Tentar novamente
status-fix-fields = Corrija os campos destacados.
status-pick-time-first = Escolha um horário primeiro.
status-sending-request = Enviando sua solicitação…
status-booking = Agendando…
status-rate-limited = { $seconds ->
    [one] Muitas tentativas a partir da sua conexão. Aguarde { $seconds } segundo e tente novamente.
   *[other] Muitas tentativas a partir da sua conexão. Aguarde { $seconds } segundos e tente novamente.
  }
status-rate-limited-moment = Muitas tentativas a partir da sua conexão. Aguarde um momento e tente novamente.
status-failed = Algo deu errado. Seus dados continuam aqui; tente novamente.
status-unreachable = Não foi possível acessar o serviço de agendamento. Seus dados continuam aqui; tente novamente.
status-expired-form = Este formulário expirou ou não veio deste site, então nada foi agendado. Confira seus dados e envie novamente.
status-cannot-book = Esse horário não pode ser agendado. Escolha outro horário.

## Erros de campo (verificações do próprio formulário e do servidor)
field-error-required = é obrigatório
field-error-email = deve ser um endereço de e-mail como nome@example.com
field-error-timezone = deve ser um fuso horário IANA como America/Sao_Paulo
field-error-too-long = { $max ->
    [one] deve ter no máximo { $max } caractere
   *[other] deve ter no máximo { $max } caracteres
  }
field-error-control = não pode conter caracteres de controle
field-error-choice = deve ser uma das opções listadas
field-error-phone = deve ser um número de telefone como +44 20 7946 0958
field-error-start = Escolha um dos horários oferecidos.
field-error-invalid = não é válido

## Resultado (página de confirmação e página de agendamento após agendar com o script)
outcome-confirmed-heading = Confirmado
outcome-confirmed = Seu agendamento está confirmado. Uma confirmação está a caminho por e-mail.
outcome-requested-heading = Solicitação recebida
outcome-requested = Solicitação recebida: você receberá uma confirmação por e-mail quando o anfitrião aceitar.
outcome-cancelled-heading = Cancelado
outcome-cancelled = Este agendamento foi cancelado.
outcome-declined-heading = Não aceita
outcome-declined = O anfitrião não pôde aceitar esta solicitação. Escolha outro horário.
outcome-expired-heading = Solicitação expirada
outcome-expired = Esta solicitação não foi confirmada a tempo. Escolha outro horário.

## Página de confirmação
summary-what = O quê
summary-what-value = { $title } ({ $duration })
summary-with = Com
summary-when-yours = Quando (seu horário, { $zone })
summary-when-host = Quando (horário do anfitrião, { $zone })
summary-where = Onde
summary-name = Nome
summary-email = E-mail
summary-notes = Observações
summary-reference = Referência
confirmation-manage-link = Alterar ou cancelar este agendamento
confirmation-manage-hint = Guarde este link; ele também está no seu e-mail.
confirmation-book-another = Agendar outro horário
confirmation-book = Agendar uma reunião
contact-us = Fale conosco
neutral-heading = Seu agendamento
neutral-message = Para proteger sua privacidade, esta página mostra os detalhes de um agendamento somente pelo link que você recebeu ao agendar. Abra o link do seu e-mail de confirmação para ver, alterar ou cancelar o agendamento.

## Páginas de erro
error-back = Voltar ao agendamento
error-not-found = Não encontrado
error-no-event = Esse tipo de reunião não existe. Escolha um na lista de reuniões.
error-no-host = Não há ninguém para agendar neste endereço. Escolha uma reunião na lista de reuniões.
error-booking-not-found-heading = Agendamento não encontrado
error-booking-not-found = Não encontramos esse agendamento. Verifique o link ou fale conosco.
error-try-again-heading = Tente novamente
error-unavailable = Não foi possível carregar esta página agora. Tente novamente em instantes.
error-form-unreadable = Não foi possível ler o formulário
error-not-sent = Não enviado
error-automated = Este envio parecia automatizado, por isso não foi aceito. Se você é uma pessoa, tente novamente ou fale conosco.

## Script de incorporação (embed.js, no site que incorpora a página)
embed-title = Agendar um horário
embed-close = Fechar
