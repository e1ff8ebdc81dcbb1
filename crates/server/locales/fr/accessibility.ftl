# La déclaration d'accessibilité (GET /accessibility).
accessibility-title = Déclaration d'accessibilité
accessibility-intro = { $organisation } souhaite que chacun puisse réserver un créneau avec nous, quelles que soient sa langue et ses capacités. Cette déclaration porte sur les pages publiques de ce site de réservation : la liste des rendez-vous, la page de réservation, la confirmation, les pages de modification ou d'annulation d'une réservation, le formulaire de contact et les formulaires d'orientation.
accessibility-standard-heading = La norme visée
accessibility-standard = Ces pages visent la conformité aux Règles pour l'accessibilité des contenus Web (WCAG) 2.1, niveau AA.
accessibility-features-heading = Ce à quoi vous pouvez vous attendre
accessibility-feature-keyboard = Chaque étape de la réservation fonctionne au clavier seul, et l'élément qui a le focus est toujours clairement signalé.
accessibility-feature-screen-reader = Chaque commande porte un nom annoncé par les lecteurs d'écran, et les changements tels que « créneaux chargés » ou « ce créneau vient d'être réservé » sont annoncés dans votre langue.
accessibility-feature-languages = { $count ->
    [one] Les pages sont disponibles en { $count } langue.
   *[other] Les pages sont disponibles en { $count } langues, dont l'arabe, qui s'écrit de droite à gauche.
  }
accessibility-feature-no-script = La réservation fonctionne aussi sans JavaScript.
accessibility-feature-zoom = Le texte peut être agrandi jusqu'à 200 % et la mise en page s'adapte aux écrans étroits sans défilement horizontal.
accessibility-testing-heading = Comment nous testons
accessibility-testing-automated = Chaque état de chaque page publique (la liste des rendez-vous, les listes de jours et d'heures, le formulaire avec et sans erreurs, un créneau pris par quelqu'un d'autre, la confirmation, la modification et l'annulation d'une réservation, le formulaire de contact et les formulaires d'orientation) est vérifié avec axe-core dans un navigateur Chromium sans interface, en anglais et en arabe, à chaque modification du logiciel. Une modification n'est pas acceptée tant qu'axe-core signale une infraction aux règles WCAG 2.1 de niveau A ou AA.
accessibility-testing-keyboard = Des tests automatisés réservent aussi un créneau uniquement au clavier, vérifient que chaque élément interactif affiche un indicateur de focus visible et contrôlent les noms annoncés par les lecteurs d'écran.
accessibility-limitations-heading = Limites connues
accessibility-limitation-automated = Les tests automatisés détectent de nombreux obstacles, mais pas tous. Ces pages n'ont pas encore fait l'objet d'un audit indépendant avec des personnes qui utilisent des technologies d'assistance au quotidien.
accessibility-limitation-embedded = Lorsque la page de réservation est intégrée à un autre site web, l'accessibilité de la page qui l'entoure ne dépend pas de nous.
accessibility-limitation-admin = Les pages d'administration destinées aux personnes qui gèrent ce site sont disponibles en anglais uniquement.
accessibility-contact-heading = Signalez-nous un obstacle
accessibility-contact = Si quelque chose sur ces pages ne fonctionne pas pour vous, ou si vous avez besoin d'aide pour réserver un créneau, dites-le-nous. Nous vous répondrons et vous aiderons à réserver autrement.
accessibility-contact-form = Écrivez-nous via le formulaire de contact
accessibility-contact-email = Écrivez-nous par e-mail : { $address }
