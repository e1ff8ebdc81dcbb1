# El proceso de reserva: lista de reuniones, página de un anfitrión, página de reserva (y su
# script), confirmación, páginas de error. Variables: $org la organización, $host / $names los
# nombres de los anfitriones, $zone un nombre de zona horaria IANA (p. ej., Europe/Madrid), $day
# un día escrito completo, $count / $days / $seconds números.

## Nombres en una frase: «Ada y Grace», «Ada, Grace y Alan».
names-separator = {", "}
names-and = { $first } y { $last }

## Lista de reuniones (/) y página de un anfitrión (/with/…)
home-title = Reservar una cita
host-title = Reservar una cita con { $host }
host-intro = Reserve una cita con { $host } en { $org }.
home-choose = Elija una reunión
event-with = con { $names }
home-empty = No hay reuniones disponibles para reservar en este momento.
host-empty = { $host } no tiene reuniones disponibles para reservar en este momento.
home-routing = ¿No sabe cuál elegir?
home-fallback = ¿No encuentra lo que necesita?
home-fallback-link = Envíenos un mensaje

## Página de reserva
book-with = Con { $names }
book-request-mode = El anfitrión confirma cada solicitud
tz-label = Horas mostradas en
tz-change = Cambiar
tz-host-hint = La zona horaria del anfitrión es { $zone }.
days-heading = 1. Elija un día
day-no-times = (sin horarios)
no-times-window = { $days ->
    [one] No hay horarios libres en el próximo día.
   *[other] No hay horarios libres en los próximos { $days } días.
  }
no-times-booking-window = No hay horarios libres en este periodo de reserva.
contact-find-time = Contáctenos para encontrar un horario
times-legend = 2. Elija una hora
times-legend-on = 2. Elija una hora el { $day }
times-empty = No quedan horarios este día. Elija otro día.
time-host-title = { $time }, hora del anfitrión ({ $zone })
details-legend = 3. Sus datos
field-name = Nombre
field-email = Correo electrónico
field-notes = ¿Hay algo que debamos saber?
field-optional = (opcional)
field-choose = Elija…
field-honeypot = Deje este campo vacío
submit-book = Confirmar reserva
submit-request = Solicitar este horario
book-fallback = ¿Ninguno de estos horarios le viene bien?
book-fallback-link = Envíenos un mensaje con los horarios que le convengan
# Horarios en el nombre accesible de los botones de día: «martes, 1 de diciembre, 3 horarios».
# Los lectores de pantalla lo leen después del texto visible de un botón de día (el nombre del
# botón debe contener lo que muestra), así que empieza con su propio separador.
day-times-count = , { $count ->
    [one] { $count } horario
   *[other] { $count } horarios
  }

## Línea de estado de la página de reserva
status-loading = Cargando horarios disponibles…
status-taken-refreshing = Lo sentimos: otra persona acaba de reservar ese horario. Actualizando los horarios…
status-taken = Lo sentimos: otra persona acaba de reservar ese horario. Elija otro horario.
status-taken-kept = Lo sentimos: otra persona acaba de reservar ese horario. Elija otro horario; sus datos se conservan.
status-gone-refreshing = Ese horario ya no está disponible. Actualizando los horarios…
status-gone = Ese horario ya no está disponible. Elija otro horario.
status-load-failed = No se pudieron cargar los horarios disponibles. Compruebe su conexión e inténtelo de nuevo.
status-try-again = Reintentar
status-fix-fields = Corrija los campos resaltados.
status-pick-time-first = Elija primero un horario.
status-sending-request = Enviando su solicitud…
status-booking = Reservando…
status-rate-limited = { $seconds ->
    [one] Demasiados intentos desde su conexión. Espere { $seconds } segundo e inténtelo de nuevo.
   *[other] Demasiados intentos desde su conexión. Espere { $seconds } segundos e inténtelo de nuevo.
  }
status-rate-limited-moment = Demasiados intentos desde su conexión. Espere un momento e inténtelo de nuevo.
status-failed = Algo salió mal. Sus datos siguen aquí; inténtelo de nuevo.
status-unreachable = No se pudo contactar con el servicio de reservas. Sus datos siguen aquí; inténtelo de nuevo.
status-expired-form = Este formulario había caducado o no procedía de este sitio, así que no se reservó nada. Revise sus datos y envíelo de nuevo.
status-cannot-book = Ese horario no se puede reservar. Elija otro horario.

## Errores de campo (comprobaciones del propio formulario y del servidor)
field-error-required = es obligatorio
field-error-email = debe ser una dirección de correo electrónico como nombre@example.com
field-error-timezone = debe ser una zona horaria IANA como Europe/Madrid
field-error-too-long = { $max ->
    [one] debe tener como máximo { $max } carácter
   *[other] debe tener como máximo { $max } caracteres
  }
field-error-control = no debe contener caracteres de control
field-error-choice = debe ser una de las opciones de la lista
field-error-phone = debe ser un número de teléfono como +44 20 7946 0958
field-error-start = Elija uno de los horarios ofrecidos.
field-error-invalid = no es válido

## Resultado (página de confirmación y página de reserva tras reservar con el script)
outcome-confirmed-heading = Confirmada
outcome-confirmed = Su reserva está confirmada. Le enviamos una confirmación por correo electrónico.
outcome-requested-heading = Solicitud recibida
outcome-requested = Solicitud recibida: recibirá una confirmación por correo electrónico cuando el anfitrión la acepte.
outcome-cancelled-heading = Cancelada
outcome-cancelled = Esta reserva se ha cancelado.
outcome-declined-heading = No aceptada
outcome-declined = El anfitrión no pudo aceptar esta solicitud. Elija otro horario.
outcome-expired-heading = Solicitud caducada
outcome-expired = Esta solicitud no se confirmó a tiempo. Elija otro horario.

## Página de confirmación
summary-what = Qué
summary-what-value = { $title } ({ $duration })
summary-with = Con
summary-when-yours = Cuándo (su hora, { $zone })
summary-when-host = Cuándo (hora del anfitrión, { $zone })
summary-where = Dónde
summary-name = Nombre
summary-email = Correo electrónico
summary-notes = Notas
summary-reference = Referencia
confirmation-manage-link = Cambiar o cancelar esta reserva
confirmation-manage-hint = Guarde este enlace; también está en su correo electrónico.
confirmation-book-another = Reservar otra cita
confirmation-book = Reservar una reunión
contact-us = Contáctenos
neutral-heading = Su reserva
neutral-message = Para proteger su privacidad, esta página solo muestra los detalles de una reserva a través del enlace que recibió al reservar. Abra el enlace de su correo de confirmación para verla, cambiarla o cancelarla.

## Páginas de error
error-back = Volver a la reserva
error-not-found = No encontrado
error-no-event = Ese tipo de reunión no existe. Elija uno de la lista de reuniones.
error-no-host = No hay nadie con quien reservar en esta dirección. Elija una reunión de la lista de reuniones.
error-booking-not-found-heading = Reserva no encontrada
error-booking-not-found = No encontramos esa reserva. Compruebe el enlace o contáctenos.
error-try-again-heading = Inténtelo de nuevo
error-unavailable = No se pudo cargar esta página en este momento. Inténtelo de nuevo en unos instantes.
error-form-unreadable = No se pudo leer el formulario
error-not-sent = No enviado
error-automated = Este envío parecía automatizado, así que no se aceptó. Si es usted una persona, inténtelo de nuevo o contáctenos.

## Script de inserción (embed.js, en el sitio que inserta la página)
embed-title = Reservar una cita
embed-close = Cerrar
