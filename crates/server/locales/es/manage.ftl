# Todo lo posterior a la reserva y los demás formularios públicos: la página de gestión del
# invitado (/manage/…: ver, mover, cancelar), la página del anfitrión para aceptar o rechazar
# (/host/…), el formulario de contacto (/contact) y los formularios de orientación (/route/…),
# con los errores de formulario que muestran esas páginas.
# El texto dentro de <a …> … </a> es un enlace: se conserva la etiqueta y se traducen las palabras.

## Compartido por las páginas de gestión y del anfitrión
manage-optional = (opcional)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Qué
manage-label-status = Estado
manage-status-requested = Solicitada: a la espera de que el anfitrión la confirme
manage-status-confirmed = Confirmada
manage-status-cancelled = Cancelada
manage-status-declined = No aceptada por el anfitrión
manage-status-expired = Caducada sin respuesta

## La página de gestión del invitado
manage-title = Su reserva
manage-label-with = Con
manage-label-when-yours = Cuándo (su hora, { $zone })
manage-label-when-host = Cuándo (hora del anfitrión, { $zone })
manage-label-where = Dónde
manage-label-reference = Referencia
manage-move-heading = Mover a otro horario
manage-day-no-times = (sin horarios)
manage-pick-time = Elija un nuevo horario
manage-pick-time-on = Elija un nuevo horario el { $day }
manage-no-times = No hay otros horarios este día. Elija otro día.
manage-move-submit = Mover mi reserva
manage-cancel-heading = Cancelar
manage-cancel-reason = Motivo
manage-cancel-submit = Cancelar mi reserva
# $reason es manage-cutoff-hours o manage-cutoff-started.
manage-too-late = Ya no es posible cambiar esta reserva en línea ({ $reason }). <a href="/contact">Contáctenos</a> y le ayudaremos.
manage-cutoff-hours = { $count ->
    [one] los cambios se cierran { $count } hora antes del inicio
   *[other] los cambios se cierran { $count } horas antes del inicio
  }
manage-cutoff-started = la reunión ya ha empezado
manage-book-again = Reservar otra cita
manage-questions = ¿Tiene preguntas? <a href="/contact">Contáctenos</a>.
manage-done-cancelled = Su reserva está cancelada. Le enviamos una confirmación por correo electrónico.
manage-done-rescheduled = Su reserva se ha movido. Le enviamos una invitación actualizada por correo electrónico.
manage-slot-taken = Lo sentimos: otra persona acaba de reservar ese horario. Su reserva no ha cambiado; elija otro horario.
# $problem es una de las frases manage-problem-* de abajo.
manage-not-changed = { $problem } Su reserva no ha cambiado.
manage-problem-change-window-closed = Ya no es posible cambiar esta reserva en línea; contáctenos.
manage-problem-not-active = Esta reserva ya no se puede cambiar.
manage-problem-slot-unavailable = Ese horario ya no se ofrece; elija uno de los horarios ofrecidos.
manage-problem-host-unavailable = El anfitrión no está disponible a esa hora; elija otro horario.
manage-problem-event-withdrawn = Este tipo de reunión ya no se ofrece; contáctenos.
manage-problem-no-time = Elija un nuevo horario.
manage-problem-generic = No ha funcionado.

## Páginas de error de los enlaces firmados (gestión y anfitrión)
link-error-not-found = Reserva no encontrada
link-error-not-found-text = Esa reserva no existe.
link-error-expired = Este enlace ha caducado
link-error-expired-text = Este enlace ha caducado; contáctenos si necesita cambiar su reserva.
link-error-invalid = Este enlace no funciona
link-error-invalid-text = Este enlace no es válido; puede que se haya escrito mal o se haya modificado.
link-error-wrong-scope-text = Este enlace no se puede usar para esa acción.
link-error-failed = No ha funcionado
link-error-busy-text = No pudimos hacerlo en este momento. No ha cambiado nada; inténtelo de nuevo en unos instantes.
link-error-form-text = No se pudo leer el formulario. Vuelva atrás e inténtelo de nuevo.
link-error-generic-text = Algo salió mal. Inténtelo de nuevo en unos instantes.

## La página del anfitrión para aceptar o rechazar
host-answer-approve-heading = ¿Aceptar esta solicitud?
host-answer-decline-heading = ¿Rechazar esta solicitud?
host-answer-label-host = Anfitrión
host-answer-label-when = Cuándo ({ $zone })
host-answer-label-who = Quién
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, zona horaria { $zone }
host-answer-label-notes = Notas
host-answer-message = Mensaje para { $name }
host-answer-approve-submit = Aceptar esta solicitud
host-answer-decline-submit = Rechazar esta solicitud
host-answer-approved = Aceptada. El invitado recibirá una confirmación con una invitación de calendario.
host-answer-already-approved = Esta solicitud ya se había aceptado.
host-answer-declined = Rechazada. Se ha avisado al invitado y se le ha propuesto elegir otro horario.
host-answer-already-declined = Esta solicitud ya se había rechazado.

## La página de contacto
contact-title = Contacto
contact-heading = Contáctenos
contact-intro = ¿No encuentra un horario que le venga bien? Díganos cuándo le conviene y le responderemos por correo electrónico.
contact-name = Nombre
contact-email = Correo electrónico
contact-message = Mensaje
contact-preferred-times = Horarios que le convienen
contact-honeypot = Deje este campo vacío
contact-submit = Enviar mensaje
contact-sent-heading = Mensaje enviado
contact-sent-text = Gracias: hemos recibido su mensaje y le responderemos por correo electrónico.
contact-back = Volver a la reserva
contact-expired = Este formulario había caducado o no procedía de este sitio, así que no se envió. Envíelo de nuevo.

## Formularios de orientación
routing-choose = Elija…
routing-submit = Continuar
routing-contact = ¿Prefiere escribirnos? <a href="/contact">Envíenos un mensaje</a>.
routing-expired = Este formulario había caducado o no procedía de este sitio. Revise sus respuestas y envíelo de nuevo.

## Envíos de formulario de estas páginas
form-fix-fields = Corrija los campos resaltados.
form-invalid = Falta parte de lo enviado o no es válido. Vuelva atrás y revíselo.
form-not-found = No encontrado
form-not-found-routing = Ese formulario no existe. Elija en su lugar una reunión de la lista.
form-unreadable = No se pudo leer el formulario
form-not-sent = No enviado
form-automated = Este envío parecía automatizado, así que no se aceptó. Si es usted una persona, inténtelo de nuevo.
form-try-again = Inténtelo de nuevo
form-too-many = Demasiados intentos
form-too-many-text = { $seconds ->
    [one] Demasiados intentos desde su conexión. Espere { $seconds } segundo e inténtelo de nuevo.
   *[other] Demasiados intentos desde su conexión. Espere { $seconds } segundos e inténtelo de nuevo.
  }

## Qué falla en un campo (se muestra debajo)
field-problem-required = es obligatorio
field-problem-too-long = { $max ->
    [one] debe tener como máximo { $max } carácter
   *[other] debe tener como máximo { $max } caracteres
  }
field-problem-control-characters = no debe contener caracteres de control
field-problem-not-text = debe ser texto
field-problem-email = debe ser una dirección de correo electrónico como nombre@example.com
field-problem-timezone = debe ser una zona horaria IANA como Europe/Madrid
field-problem-choice = debe ser una de las opciones de la lista
field-problem-phone = debe ser un número de teléfono como +44 20 7946 0958
