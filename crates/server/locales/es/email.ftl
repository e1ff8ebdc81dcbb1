# Correos a los invitados (en el idioma de la reserva) y a los anfitriones y al buzón de
# operaciones (en el idioma del anfitrión). $event es el título del tipo de reunión, $when una
# fecha y hora ya escritas a la manera del idioma, $name el nombre del invitado, $org la
# organización.

## Compartido por todos los mensajes
email-footer = Este mensaje lo ha enviado automáticamente el servicio de reservas de { $org }.
email-greeting = Hola, { $name }:
# «Ada Lovelace (Acme Consulting)»: los anfitriones de una reserva y su organización.
email-party = { $hosts } ({ $org })
# Cómo se une una lista de nombres: «Ada, Grace y Alan».
email-names-separator = {", "}
email-names-last = { $rest } y { $last }
# Una duración formada por dos unidades: «1 hora y 30 minutos» ($larger y $smaller vienen de los
# mensajes duration-*).
email-duration-pair = { $larger } y { $smaller }
email-manage-link = Cambiar o cancelar
email-book-again-link = Reservar otra cita
email-open-booking-link = Abrir la reserva
email-booking-page = Página de reservas
email-previously = Antes
email-message-label = Mensaje
email-reason-label = Motivo indicado

## La tabla de detalles de la reserva
email-detail-what = Qué
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Con
email-detail-when = Cuándo
email-detail-where = Dónde
email-detail-host-time = Hora del anfitrión
email-detail-who = Quién
email-detail-who-zone = { $who }, zona horaria { $zone }
email-detail-notes = Notas
email-detail-reference = Referencia

## Invitado: confirmada (con la invitación)
email-confirmed-subject = Confirmada: { $event }, { $when }
email-confirmed-headline = Confirmada
email-confirmed-body = Su reserva con { $party } está confirmada. La invitación adjunta la añade a su calendario.

## Invitado: solicitud recibida (el anfitrión aún tiene que aceptarla)
email-request-received-subject = Solicitud recibida: { $event }, { $when }
email-request-received-headline = Solicitud recibida
email-request-received-body = Gracias: hemos recibido su solicitud. Recibirá una confirmación por correo electrónico cuando { $org } la acepte.

## Invitado: recordatorio ($duration: «24 horas», «1 día»)
email-reminder-subject = Recordatorio: { $event }, { $when }
email-reminder-headline = Recordatorio
email-reminder-body = Le recordamos su reserva con { $party }, que empieza dentro de { $duration }.
# Cuánto falta para que empiece la reserva, para plantillas que lo indican por sí solas («dentro de 1 día»).
email-reminder-lead = dentro de { $duration }

## Invitado: la reserva ha cambiado ($headline es uno de los titulares de abajo)
email-update-subject = { $headline }: { $event }, { $when }
email-cancelled-headline = Cancelada
email-cancelled-body = Su reserva se ha cancelado. El horario vuelve a estar libre.
email-rescheduled-headline = Cambiada de horario
email-rescheduled-body = Su reserva se ha movido al nuevo horario que figura abajo.
email-declined-headline = Solicitud no aceptada
email-declined-body = Lamentablemente, { $org } no puede a esa hora. Lo sentimos; elija otro horario que le convenga.
email-expired-headline = Solicitud caducada
email-expired-body = Su solicitud no se confirmó a tiempo, así que ha caducado. Elija otro horario.

## Invitación (evento de calendario) adjunta al correo del invitado
email-invite-summary = { $event } con { $party }
email-invite-description =
    Reservado a través de { $org }. Referencia { $reference }.
    Cambiar o cancelar: { $url }

## Anfitriones y buzón de operaciones: una nueva reserva
email-ops-booking-subject = { $requested ->
    [yes] Nueva solicitud de reserva
   *[no] Nueva reserva
  }: { $event } con { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nueva solicitud de reserva
   *[no] Nueva reserva
  }
email-ops-booking-body = { $requested ->
    [yes] Una nueva solicitud de reserva espera confirmación.
   *[no] Se ha confirmado una nueva reserva.
  }
email-ops-approve = Aceptar
email-ops-decline = Rechazar

## Anfitriones y buzón de operaciones: la reserva ha cambiado
email-ops-update-subject = { $headline }: { $event } con { $name }, { $when }
email-ops-cancelled-body = { $name } ha cancelado su reserva.
email-ops-rescheduled-body = { $name } ha cambiado su reserva de horario.
email-ops-expired-body = Esta solicitud no se respondió a tiempo y ha caducado; el horario vuelve a estar libre.

## Buzón de operaciones: un mensaje del formulario de contacto
email-contact-subject = Formulario de contacto: mensaje de { $name }
email-contact-headline = Mensaje del formulario de contacto
email-contact-intro = { $has_event ->
    [yes] { $sender } ha enviado un mensaje a través del formulario de contacto (sobre { $event }):
   *[no] { $sender } ha enviado un mensaje a través del formulario de contacto:
  }
email-contact-preferred-times = Horarios que le convienen
email-contact-reply = Responda a este correo para contestarle.

## Anfitriones y buzón de operaciones: una conexión de calendario ($host: el nombre del
## anfitrión; $url: la dirección del calendario; $since: desde cuándo falla; $duration: durante
## cuánto tiempo, «1 hora y 30 minutos»)
email-calendar-label = Calendario
email-calendar-connection-label = Conexión
email-calendar-account-label = Cuenta
email-calendar-last-error-label = Último error
email-calendar-failing-subject = Falla el calendario de { $host }: { $url }
email-calendar-failing-headline = Falla el calendario
email-calendar-failing-body = Un calendario de { $host } no se ha podido leer correctamente desde { $since } ({ $duration }).
email-calendar-failing-stale = Mientras tanto, los horarios se ofrecen según las horas ocupadas leídas por última vez, que pueden no incluir eventos nuevos (con [calendars] on_stale = "close": ningún horario para { $host } cuando esa lectura supere stale_after_minutes).
email-calendar-failing-check = Compruebe la conexión en la página de calendarios de la administración. Recibirá otro mensaje cuando vuelva a funcionar.
email-calendar-recovered-subject = El calendario de { $host } vuelve a funcionar: { $url }
email-calendar-recovered-headline = El calendario vuelve a funcionar
email-calendar-recovered-body = Un calendario de { $host } vuelve a leerse correctamente. Fallaba desde { $since } ({ $duration }).
email-calendar-recovered-last-error-label = Último error antes de recuperarse
email-calendar-recovered-fresh = Sus horas ocupadas vuelven a estar al día.
email-calendar-reconnect-subject = Hay que volver a conectar el calendario de { $host }: { $url }
email-calendar-reconnect-headline = Hay que volver a conectar el calendario
email-calendar-reconnect-body = { $url } de { $host } ya no deja entrar a openslot: el proveedor rechazó su inicio de sesión el { $since }.
email-calendar-reconnect-answer-label = Respuesta del proveedor
email-calendar-reconnect-stale = Hasta que alguien lo vuelva a conectar, sus calendarios no se leen y las reservas no se escriben en ellos; los horarios se ofrecen según las horas ocupadas leídas por última vez (con [calendars] on_stale = "close": ningún horario para { $host } cuando esa lectura supere stale_after_minutes).
email-calendar-reconnect-fix = Para solucionarlo, { $host } o un administrador abre la página de calendarios de la administración y elige «Reconnect» junto a la cuenta. Este mensaje se envía una sola vez.
