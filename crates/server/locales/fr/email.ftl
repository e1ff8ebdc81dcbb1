# E-mails aux invités (dans la langue de la réservation) et aux hôtes et à la boîte
# d'exploitation (dans la langue de l'hôte). $event est le titre du type de rendez-vous, $when une
# date et une heure déjà écrites à la manière de la langue, $name le nom de l'invité, $org
# l'organisation.

## Commun à tous les messages
email-footer = Ce message a été envoyé automatiquement par le service de réservation de { $org }.
email-greeting = Bonjour { $name },
# « Ada Lovelace (Acme Consulting) » : les hôtes d'une réservation et leur organisation.
email-party = { $hosts } ({ $org })
# Comment une liste de noms est reliée : « Ada, Grace et Alan ».
email-names-separator = {", "}
email-names-last = { $rest } et { $last }
# Une durée composée de deux unités : « 1 heure 30 minutes » ($larger et $smaller viennent des
# messages duration-*).
email-duration-pair = { $larger } { $smaller }
email-manage-link = Modifier ou annuler
email-book-again-link = Réserver un autre créneau
email-open-booking-link = Ouvrir la réservation
email-booking-page = Page de réservation
email-previously = Auparavant
email-message-label = Message
email-reason-label = Motif indiqué

## Le tableau des détails de la réservation
email-detail-what = Quoi
email-detail-what-value = { $event } ({ $duration })
email-detail-with = Avec
email-detail-when = Quand
email-detail-where = Où
email-detail-host-time = Heure de l'hôte
email-detail-who = Qui
email-detail-who-zone = { $who }, fuseau horaire { $zone }
email-detail-notes = Remarques
email-detail-reference = Référence

## Invité : confirmé (avec l'invitation)
email-confirmed-subject = Confirmé : { $event }, { $when }
email-confirmed-headline = Confirmé
email-confirmed-body = Votre réservation avec { $party } est confirmée. L'invitation jointe permet de l'ajouter à votre agenda.

## Invité : demande reçue (l'hôte doit encore l'accepter)
email-request-received-subject = Demande reçue : { $event }, { $when }
email-request-received-headline = Demande reçue
email-request-received-body = Merci, nous avons bien reçu votre demande. Vous recevrez une confirmation par e-mail dès que { $org } l'aura acceptée.

## Invité : rappel ($duration : « 24 heures », « 1 jour »)
email-reminder-subject = Rappel : { $event }, { $when }
email-reminder-headline = Rappel
email-reminder-body = Ceci est un rappel de votre réservation avec { $party }, qui commence dans { $duration }.
# Dans combien de temps la réservation commence, pour les modèles qui l'indiquent seuls (« dans 1 jour »).
email-reminder-lead = dans { $duration }

## Invité : la réservation a changé ($headline est l'un des titres ci-dessous)
email-update-subject = { $headline } : { $event }, { $when }
email-cancelled-headline = Annulé
email-cancelled-body = Votre réservation a été annulée. Le créneau est de nouveau libre.
email-rescheduled-headline = Déplacé
email-rescheduled-body = Votre réservation a été déplacée au nouveau créneau ci-dessous.
email-declined-headline = Demande non acceptée
email-declined-body = Malheureusement, { $org } n'est pas disponible à ce moment-là. Nous en sommes désolés ; veuillez choisir un autre créneau qui vous convient.
email-expired-headline = Demande expirée
email-expired-body = Votre demande n'a pas été confirmée à temps et a donc expiré. Veuillez choisir un autre créneau.

## Invitation (événement d'agenda) jointe à l'e-mail de l'invité
email-invite-summary = { $event } avec { $party }
email-invite-description =
    Réservé via { $org }. Référence { $reference }.
    Modifier ou annuler : { $url }

## Hôtes et boîte d'exploitation : une nouvelle réservation
email-ops-booking-subject = { $requested ->
    [yes] Nouvelle demande de réservation
   *[no] Nouvelle réservation
  } : { $event } avec { $name }, { $when }
email-ops-booking-headline = { $requested ->
    [yes] Nouvelle demande de réservation
   *[no] Nouvelle réservation
  }
email-ops-booking-body = { $requested ->
    [yes] Une nouvelle demande de réservation attend une confirmation.
   *[no] Une nouvelle réservation a été confirmée.
  }
email-ops-approve = Accepter
email-ops-decline = Refuser

## Hôtes et boîte d'exploitation : la réservation a changé
email-ops-update-subject = { $headline } : { $event } avec { $name }, { $when }
email-ops-cancelled-body = { $name } a annulé sa réservation.
email-ops-rescheduled-body = { $name } a déplacé sa réservation.
email-ops-expired-body = Cette demande n'a pas reçu de réponse à temps et a expiré ; le créneau est de nouveau libre.

## Boîte d'exploitation : un message du formulaire de contact
email-contact-subject = Formulaire de contact : message de { $name }
email-contact-headline = Message du formulaire de contact
email-contact-intro = { $has_event ->
    [yes] { $sender } a envoyé un message via le formulaire de contact (au sujet de { $event }) :
   *[no] { $sender } a envoyé un message via le formulaire de contact :
  }
email-contact-preferred-times = Horaires qui lui conviennent
email-contact-reply = Répondez à cet e-mail pour lui répondre.

## Hôtes et boîte d'exploitation : une connexion d'agenda ($host : le nom de l'hôte ; $url :
## l'adresse de l'agenda ; $since : depuis quand elle échoue ; $duration : depuis combien de temps,
## « 1 heure 30 minutes »)
email-calendar-label = Agenda
email-calendar-connection-label = Connexion
email-calendar-account-label = Compte
email-calendar-last-error-label = Dernière erreur
email-calendar-failing-subject = Agenda en échec pour { $host } : { $url }
email-calendar-failing-headline = Agenda en échec
email-calendar-failing-body = Un agenda de { $host } n'a pas pu être lu correctement depuis { $since } (soit { $duration }).
email-calendar-failing-stale = En attendant, les créneaux sont proposés d'après les plages occupées lues en dernier, qui peuvent ne pas inclure de nouveaux événements (avec [calendars] on_stale = "close" : aucun créneau pour { $host } dès que cette lecture date de plus de stale_after_minutes).
email-calendar-failing-check = Vérifiez la connexion sur la page des agendas de l'administration. Vous recevrez un autre message lorsqu'elle fonctionnera de nouveau.
email-calendar-recovered-subject = Agenda de nouveau opérationnel pour { $host } : { $url }
email-calendar-recovered-headline = Agenda de nouveau opérationnel
email-calendar-recovered-body = Un agenda de { $host } est de nouveau lu correctement. Il était en échec depuis { $since } (soit { $duration }).
email-calendar-recovered-last-error-label = Dernière erreur avant le rétablissement
email-calendar-recovered-fresh = Ses plages occupées sont de nouveau à jour.
email-calendar-reconnect-subject = Agenda à reconnecter pour { $host } : { $url }
email-calendar-reconnect-headline = Agenda à reconnecter
email-calendar-reconnect-body = { $url } de { $host } n'autorise plus l'accès à openslot : le fournisseur a refusé sa connexion le { $since }.
email-calendar-reconnect-answer-label = Réponse du fournisseur
email-calendar-reconnect-stale = Tant que personne ne le reconnecte, ses agendas ne sont pas lus et les réservations n'y sont pas inscrites ; les créneaux sont proposés d'après les plages occupées lues en dernier (avec [calendars] on_stale = "close" : aucun créneau pour { $host } dès que cette lecture date de plus de stale_after_minutes).
email-calendar-reconnect-fix = Pour corriger cela, { $host } ou un administrateur ouvre la page des agendas de l'administration et choisit « Reconnect » à côté du compte. Ce message n'est envoyé qu'une fois.
