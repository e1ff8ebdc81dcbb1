# Le parcours de réservation : liste des rendez-vous, page d'un hôte, page de réservation (et son
# script), confirmation, pages d'erreur. Variables : $org l'organisation, $host / $names les noms
# des hôtes, $zone un nom de fuseau horaire IANA (p. ex. Europe/Paris), $day un jour écrit en
# toutes lettres, $count / $days / $seconds des nombres.

## Des noms dans une phrase : « Ada et Grace », « Ada, Grace et Alan ».
names-separator = {", "}
names-and = { $first } et { $last }

## Liste des rendez-vous (/) et page d'un hôte (/with/…)
home-title = Réserver un créneau
host-title = Réserver un créneau avec { $host }
host-intro = Réservez un créneau avec { $host } chez { $org }.
home-choose = Choisissez un rendez-vous
event-with = avec { $names }
home-empty = Aucun rendez-vous n'est réservable pour le moment.
host-empty = { $host } n'a aucun rendez-vous réservable pour le moment.
home-routing = Vous hésitez ?
home-fallback = Vous ne trouvez pas ce qu'il vous faut ?
home-fallback-link = Envoyez-nous un message

## Page de réservation
book-with = Avec { $names }
book-request-mode = L'hôte confirme chaque demande
tz-label = Heures affichées dans le fuseau
tz-change = Modifier
tz-host-hint = Le fuseau horaire de l'hôte est { $zone }.
days-heading = 1. Choisissez un jour
day-no-times = (aucun créneau)
no-times-window = { $days ->
    [one] Aucun créneau n'est libre dans la journée à venir.
   *[other] Aucun créneau n'est libre dans les { $days } prochains jours.
  }
no-times-booking-window = Aucun créneau n'est libre dans cette période de réservation.
contact-find-time = Contactez-nous pour trouver un créneau
times-legend = 2. Choisissez une heure
times-legend-on = 2. Choisissez une heure le { $day }
times-empty = Plus aucun créneau ce jour-là. Choisissez un autre jour.
time-host-title = { $time }, heure de l'hôte ({ $zone })
details-legend = 3. Vos coordonnées
field-name = Nom
field-email = E-mail
field-notes = Souhaitez-vous nous préciser quelque chose ?
field-optional = (facultatif)
field-choose = Choisissez…
field-honeypot = Laissez ce champ vide
submit-book = Confirmer la réservation
submit-request = Demander ce créneau
book-fallback = Aucun de ces créneaux ne vous convient ?
book-fallback-link = Envoyez-nous un message avec les horaires qui vous conviennent
# Créneaux dans le nom accessible des boutons de jour : « mardi 1 décembre, 3 créneaux ».
# Lu par les lecteurs d'écran après le texte visible d'un bouton de jour (le nom du bouton doit
# contenir ce qu'il affiche) ; il commence donc par son propre séparateur.
day-times-count = , { $count ->
    [one] { $count } créneau
   *[other] { $count } créneaux
  }

## Ligne d'état de la page de réservation
status-loading = Chargement des créneaux disponibles…
status-taken-refreshing = Désolé, ce créneau vient d'être réservé par quelqu'un d'autre. Actualisation des créneaux…
status-taken = Désolé, ce créneau vient d'être réservé par quelqu'un d'autre. Veuillez choisir un autre créneau.
status-taken-kept = Désolé, ce créneau vient d'être réservé par quelqu'un d'autre. Veuillez choisir un autre créneau ; vos coordonnées sont conservées.
status-gone-refreshing = Ce créneau n'est plus disponible. Actualisation des créneaux…
status-gone = Ce créneau n'est plus disponible. Veuillez choisir un autre créneau.
status-load-failed = Impossible de charger les créneaux disponibles. Vérifiez votre connexion et réessayez.
status-try-again = Réessayer
status-fix-fields = Veuillez corriger les champs signalés.
status-pick-time-first = Choisissez d'abord un créneau.
status-sending-request = Envoi de votre demande…
status-booking = Réservation en cours…
status-rate-limited = { $seconds ->
    [one] Trop de tentatives depuis votre connexion. Veuillez patienter { $seconds } seconde et réessayer.
   *[other] Trop de tentatives depuis votre connexion. Veuillez patienter { $seconds } secondes et réessayer.
  }
status-rate-limited-moment = Trop de tentatives depuis votre connexion. Veuillez patienter un instant et réessayer.
status-failed = Une erreur s'est produite. Vos coordonnées sont conservées ; veuillez réessayer.
status-unreachable = Impossible de joindre le service de réservation. Vos coordonnées sont conservées ; veuillez réessayer.
status-expired-form = Ce formulaire avait expiré ou ne provenait pas de ce site : rien n'a été réservé. Veuillez vérifier vos coordonnées et l'envoyer à nouveau.
status-cannot-book = Ce créneau ne peut pas être réservé. Veuillez choisir un autre créneau.

## Erreurs de champ (contrôles du formulaire et du serveur)
field-error-required = est obligatoire
field-error-email = doit être une adresse e-mail, par exemple nom@example.com
field-error-timezone = doit être un fuseau horaire IANA, par exemple Europe/Paris
field-error-too-long = { $max ->
    [one] ne doit pas dépasser { $max } caractère
   *[other] ne doit pas dépasser { $max } caractères
  }
field-error-control = ne doit pas contenir de caractères de contrôle
field-error-choice = doit être l'un des choix proposés
field-error-phone = doit être un numéro de téléphone, par exemple +44 20 7946 0958
field-error-start = Choisissez l'un des créneaux proposés.
field-error-invalid = n'est pas valide

## Résultat (page de confirmation et page de réservation après une réservation avec le script)
outcome-confirmed-heading = Confirmé
outcome-confirmed = Votre réservation est confirmée. Une confirmation vous est envoyée par e-mail.
outcome-requested-heading = Demande reçue
outcome-requested = Demande reçue : vous recevrez une confirmation par e-mail dès que l'hôte l'aura acceptée.
outcome-cancelled-heading = Annulé
outcome-cancelled = Cette réservation a été annulée.
outcome-declined-heading = Non acceptée
outcome-declined = L'hôte n'a pas pu accepter cette demande. Veuillez choisir un autre créneau.
outcome-expired-heading = Demande expirée
outcome-expired = Cette demande n'a pas été confirmée à temps. Veuillez choisir un autre créneau.

## Page de confirmation
summary-what = Quoi
summary-what-value = { $title } ({ $duration })
summary-with = Avec
summary-when-yours = Quand (votre heure, { $zone })
summary-when-host = Quand (heure de l'hôte, { $zone })
summary-where = Où
summary-name = Nom
summary-email = E-mail
summary-notes = Remarques
summary-reference = Référence
confirmation-manage-link = Modifier ou annuler cette réservation
confirmation-manage-hint = Conservez ce lien ; il figure aussi dans votre e-mail.
confirmation-book-another = Réserver un autre créneau
confirmation-book = Réserver un rendez-vous
contact-us = Nous contacter
neutral-heading = Votre réservation
neutral-message = Pour protéger votre vie privée, cette page n'affiche les détails d'une réservation que via le lien reçu lors de la réservation. Ouvrez le lien de votre e-mail de confirmation pour la consulter, la modifier ou l'annuler.

## Pages d'erreur
error-back = Retour à la réservation
error-not-found = Introuvable
error-no-event = Ce type de rendez-vous n'existe pas. Choisissez-en un dans la liste des rendez-vous.
error-no-host = Personne n'est réservable à cette adresse. Choisissez un rendez-vous dans la liste des rendez-vous.
error-booking-not-found-heading = Réservation introuvable
error-booking-not-found = Nous n'avons pas trouvé cette réservation. Vérifiez le lien ou contactez-nous.
error-try-again-heading = Veuillez réessayer
error-unavailable = Impossible de charger cette page pour le moment. Veuillez réessayer dans un instant.
error-form-unreadable = Impossible de lire le formulaire
error-not-sent = Non envoyé
error-automated = Cet envoi semblait automatisé et n'a donc pas été accepté. Si vous êtes une personne, veuillez réessayer ou nous contacter.

## Script d'intégration (embed.js, sur le site qui intègre la page)
embed-title = Réserver un créneau
embed-close = Fermer
