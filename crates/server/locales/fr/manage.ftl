# Tout ce qui suit la réservation et les autres formulaires publics : la page de gestion de
# l'invité (/manage/… : consulter, déplacer, annuler), la page d'acceptation ou de refus de l'hôte
# (/host/…), le formulaire de contact (/contact) et les formulaires d'orientation (/route/…),
# avec les erreurs de formulaire de ces pages.
# Le texte entre <a …> et </a> est un lien : garder la balise, traduire les mots entre les deux.

## Commun aux pages de gestion et de l'hôte
manage-optional = (facultatif)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Quoi
manage-label-status = Statut
manage-status-requested = Demandé, en attente de confirmation par l'hôte
manage-status-confirmed = Confirmé
manage-status-cancelled = Annulé
manage-status-declined = Refusé par l'hôte
manage-status-expired = Expiré sans réponse

## La page de gestion de l'invité
manage-title = Votre réservation
manage-label-with = Avec
manage-label-when-yours = Quand (votre heure, { $zone })
manage-label-when-host = Quand (heure de l'hôte, { $zone })
manage-label-where = Où
manage-label-reference = Référence
manage-move-heading = Déplacer vers un autre créneau
manage-day-no-times = (aucun créneau)
manage-pick-time = Choisissez un nouveau créneau
manage-pick-time-on = Choisissez un nouveau créneau le { $day }
manage-no-times = Aucun autre créneau ce jour-là. Choisissez un autre jour.
manage-move-submit = Déplacer ma réservation
manage-cancel-heading = Annuler
manage-cancel-reason = Motif
manage-cancel-submit = Annuler ma réservation
# $reason est manage-cutoff-hours ou manage-cutoff-started.
manage-too-late = Il est trop tard pour modifier cette réservation en ligne ({ $reason }). Veuillez <a href="/contact">nous contacter</a> et nous vous aiderons.
manage-cutoff-hours = { $count ->
    [one] les modifications sont closes { $count } heure avant le début
   *[other] les modifications sont closes { $count } heures avant le début
  }
manage-cutoff-started = le rendez-vous a commencé
manage-book-again = Réserver un autre créneau
manage-questions = Des questions ? <a href="/contact">Contactez-nous</a>.
manage-done-cancelled = Votre réservation est annulée. Une confirmation vous est envoyée par e-mail.
manage-done-rescheduled = Votre réservation a été déplacée. Une invitation mise à jour vous est envoyée par e-mail.
manage-slot-taken = Désolé, ce créneau vient d'être réservé par quelqu'un d'autre. Votre réservation n'a pas changé ; veuillez choisir un autre créneau.
# $problem est l'une des phrases manage-problem-* ci-dessous.
manage-not-changed = { $problem } Votre réservation n'a pas changé.
manage-problem-change-window-closed = Il est trop tard pour modifier cette réservation en ligne ; veuillez nous contacter.
manage-problem-not-active = Cette réservation ne peut plus être modifiée.
manage-problem-slot-unavailable = Ce créneau n'est plus proposé ; choisissez l'un des créneaux proposés.
manage-problem-host-unavailable = L'hôte n'est pas disponible à ce moment-là ; choisissez un autre créneau.
manage-problem-event-withdrawn = Ce type de rendez-vous n'est plus proposé ; veuillez nous contacter.
manage-problem-no-time = Choisissez un nouveau créneau.
manage-problem-generic = Cela n'a pas fonctionné.

## Pages d'erreur des liens signés (gestion et hôte)
link-error-not-found = Réservation introuvable
link-error-not-found-text = Cette réservation n'existe pas.
link-error-expired = Ce lien a expiré
link-error-expired-text = Ce lien a expiré ; contactez-nous si vous devez modifier votre réservation.
link-error-invalid = Ce lien ne fonctionne pas
link-error-invalid-text = Ce lien n'est pas valide ; il a peut-être été mal saisi ou modifié.
link-error-wrong-scope-text = Ce lien ne peut pas être utilisé pour cette action.
link-error-failed = Cela n'a pas fonctionné
link-error-busy-text = Nous n'avons pas pu effectuer cette action pour le moment. Rien n'a changé ; veuillez réessayer dans un instant.
link-error-form-text = Le formulaire n'a pas pu être lu. Veuillez revenir en arrière et réessayer.
link-error-generic-text = Une erreur s'est produite. Veuillez réessayer dans un instant.

## La page d'acceptation ou de refus de l'hôte
host-answer-approve-heading = Accepter cette demande ?
host-answer-decline-heading = Refuser cette demande ?
host-answer-label-host = Hôte
host-answer-label-when = Quand ({ $zone })
host-answer-label-who = Qui
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, fuseau horaire { $zone }
host-answer-label-notes = Remarques
host-answer-message = Message pour { $name }
host-answer-approve-submit = Accepter cette demande
host-answer-decline-submit = Refuser cette demande
host-answer-approved = Acceptée. L'invité reçoit une confirmation avec une invitation d'agenda.
host-answer-already-approved = Cette demande a déjà été acceptée.
host-answer-declined = Refusée. L'invité en a été informé et invité à choisir un autre créneau.
host-answer-already-declined = Cette demande a déjà été refusée.

## La page de contact
contact-title = Contact
contact-heading = Nous contacter
contact-intro = Vous ne trouvez pas de créneau qui vous convient ? Indiquez-nous quand vous êtes disponible et nous vous répondrons par e-mail.
contact-name = Nom
contact-email = E-mail
contact-message = Message
contact-preferred-times = Horaires qui vous conviennent
contact-honeypot = Laissez ce champ vide
contact-submit = Envoyer le message
contact-sent-heading = Message envoyé
contact-sent-text = Merci, nous avons bien reçu votre message et vous répondrons par e-mail.
contact-back = Retour à la réservation
contact-expired = Ce formulaire avait expiré ou ne provenait pas de ce site : il n'a pas été envoyé. Veuillez l'envoyer à nouveau.

## Formulaires d'orientation
routing-choose = Choisissez…
routing-submit = Continuer
routing-contact = Vous préférez nous écrire ? <a href="/contact">Envoyez-nous un message</a>.
routing-expired = Ce formulaire avait expiré ou ne provenait pas de ce site. Veuillez vérifier vos réponses et l'envoyer à nouveau.

## Envois de formulaire de ces pages
form-fix-fields = Veuillez corriger les champs signalés.
form-invalid = Une partie des informations envoyées est manquante ou non valide. Veuillez revenir en arrière et les vérifier.
form-not-found = Introuvable
form-not-found-routing = Ce formulaire n'existe pas. Choisissez plutôt un rendez-vous dans la liste.
form-unreadable = Impossible de lire le formulaire
form-not-sent = Non envoyé
form-automated = Cet envoi semblait automatisé et n'a donc pas été accepté. Si vous êtes une personne, veuillez réessayer.
form-try-again = Veuillez réessayer
form-too-many = Trop de tentatives
form-too-many-text = { $seconds ->
    [one] Trop de tentatives depuis votre connexion. Veuillez patienter { $seconds } seconde et réessayer.
   *[other] Trop de tentatives depuis votre connexion. Veuillez patienter { $seconds } secondes et réessayer.
  }

## Ce qui ne va pas dans un champ (affiché en dessous)
field-problem-required = est obligatoire
field-problem-too-long = { $max ->
    [one] ne doit pas dépasser { $max } caractère
   *[other] ne doit pas dépasser { $max } caractères
  }
field-problem-control-characters = ne doit pas contenir de caractères de contrôle
field-problem-not-text = doit être du texte
field-problem-email = doit être une adresse e-mail, par exemple nom@example.com
field-problem-timezone = doit être un fuseau horaire IANA, par exemple Europe/Paris
field-problem-choice = doit être l'un des choix proposés
field-problem-phone = doit être un numéro de téléphone, par exemple +44 20 7946 0958
