# La declaración de accesibilidad (GET /accessibility).
accessibility-title = Declaración de accesibilidad
accessibility-intro = { $organisation } quiere que cualquier persona pueda reservar una cita con nosotros, sean cuales sean su idioma y sus capacidades. Esta declaración abarca las páginas públicas de este sitio de reservas: la lista de reuniones, la página de reserva, la confirmación, las páginas para cambiar o cancelar una reserva, el formulario de contacto y los formularios de orientación.
accessibility-standard-heading = La norma que buscamos cumplir
accessibility-standard = Estas páginas buscan cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.1 en el nivel AA.
accessibility-features-heading = Qué puede esperar
accessibility-feature-keyboard = Cada paso de la reserva funciona solo con el teclado, y el elemento que tiene el foco siempre está claramente marcado.
accessibility-feature-screen-reader = Cada control tiene un nombre que anuncian los lectores de pantalla, y los cambios como «horarios cargados» o «otra persona acaba de reservar este horario» se anuncian en su idioma.
accessibility-feature-languages = { $count ->
    [one] Las páginas están disponibles en { $count } idioma.
   *[other] Las páginas están disponibles en { $count } idiomas, entre ellos el árabe, que se escribe de derecha a izquierda.
  }
accessibility-feature-no-script = La reserva también funciona sin JavaScript.
accessibility-feature-zoom = El texto se puede ampliar al 200 % y el diseño se adapta a pantallas estrechas sin desplazamiento horizontal.
accessibility-testing-heading = Cómo lo comprobamos
accessibility-testing-automated = Cada estado de cada página pública (la lista de reuniones, las listas de días y horas, el formulario con y sin errores, un horario que otra persona acaba de reservar, la confirmación, el cambio y la cancelación de una reserva, el formulario de contacto y los formularios de orientación) se comprueba con axe-core en un navegador Chromium sin interfaz gráfica, en inglés y en árabe, con cada cambio del software. No se acepta ningún cambio mientras axe-core informe de alguna infracción de las reglas de nivel A o AA de las WCAG 2.1.
accessibility-testing-keyboard = Las pruebas automatizadas también reservan una cita usando solo el teclado, comprueban que cada elemento interactivo muestra un indicador de foco visible y verifican los nombres que anuncian los lectores de pantalla.
accessibility-limitations-heading = Limitaciones conocidas
accessibility-limitation-automated = Las pruebas automatizadas detectan muchas barreras, pero no todas. Estas páginas aún no han pasado una auditoría independiente con personas que usan tecnologías de apoyo a diario.
accessibility-limitation-embedded = Cuando la página de reserva está insertada en otro sitio web, la accesibilidad de la página que la rodea no depende de nosotros.
accessibility-limitation-admin = Las páginas de administración para las personas que gestionan este sitio solo están disponibles en inglés.
accessibility-contact-heading = Infórmenos de una barrera
accessibility-contact = Si algo de estas páginas no le funciona o necesita ayuda para reservar una cita, díganoslo. Le responderemos y le ayudaremos a reservar de otra manera.
accessibility-contact-form = Escríbanos mediante el formulario de contacto
accessibility-contact-email = Escríbanos por correo electrónico: { $address }
