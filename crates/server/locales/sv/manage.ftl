# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = (valfritt)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = Vad
manage-label-status = Status
manage-status-requested = Begärd – väntar på att värden bekräftar
manage-status-confirmed = Bekräftad
manage-status-cancelled = Avbokad
manage-status-declined = Inte godkänd av värden
manage-status-expired = Gick ut obesvarad

## The invitee's manage page
manage-title = Din bokning
manage-label-with = Med
manage-label-when-yours = När (din tid, { $zone })
manage-label-when-host = När (värdens tid, { $zone })
manage-label-where = Var
manage-label-reference = Referens
manage-move-heading = Flytta till en annan tid
manage-day-no-times = (inga tider)
manage-pick-time = Välj en ny tid
manage-pick-time-on = Välj en ny tid { $day }
manage-no-times = Inga andra tider den här dagen. Välj en annan dag.
manage-move-submit = Flytta min bokning
manage-cancel-heading = Avboka
manage-cancel-reason = Anledning
manage-cancel-submit = Avboka min bokning
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = Det är för sent att ändra den här bokningen online ({ $reason }). <a href="/contact">Kontakta oss</a> så hjälper vi dig.
manage-cutoff-hours = { $count ->
    [one] ändringar stängs { $count } timme före start
   *[other] ändringar stängs { $count } timmar före start
  }
manage-cutoff-started = mötet har börjat
manage-book-again = Boka en annan tid
manage-questions = Frågor? <a href="/contact">Kontakta oss</a>.
manage-done-cancelled = Din bokning är avbokad. En bekräftelse skickas till dig via e-post.
manage-done-rescheduled = Din bokning har flyttats. En uppdaterad inbjudan skickas till dig via e-post.
manage-slot-taken = Tyvärr – den tiden bokades precis av någon annan. Din bokning har inte ändrats; välj en annan tid.
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem } Din bokning har inte ändrats.
manage-problem-change-window-closed = Det är för sent att ändra den här bokningen online; kontakta oss.
manage-problem-not-active = Den här bokningen kan inte längre ändras.
manage-problem-slot-unavailable = Den tiden erbjuds inte längre; välj en av de erbjudna tiderna.
manage-problem-host-unavailable = Värden kan inte ta den tiden; välj en annan tid.
manage-problem-event-withdrawn = Den här mötestypen erbjuds inte längre; kontakta oss.
manage-problem-no-time = Välj en ny tid.
manage-problem-generic = Det fungerade inte.

## Error pages of the signed links (manage and host)
link-error-not-found = Bokningen hittades inte
link-error-not-found-text = Det finns ingen sådan bokning.
link-error-expired = Länken har gått ut
link-error-expired-text = Länken har gått ut; kontakta oss om du behöver ändra din bokning.
link-error-invalid = Länken fungerar inte
link-error-invalid-text = Länken är inte giltig; den kan ha skrivits fel eller ändrats.
link-error-wrong-scope-text = Länken kan inte användas för den åtgärden.
link-error-failed = Det fungerade inte
link-error-busy-text = Vi kunde inte göra det just nu. Ingenting har ändrats; försök igen om en liten stund.
link-error-form-text = Formuläret kunde inte läsas. Gå tillbaka och försök igen.
link-error-generic-text = Något gick fel. Försök igen om en liten stund.

## The host's approve / decline page
host-answer-approve-heading = Godkänna den här förfrågan?
host-answer-decline-heading = Avböja den här förfrågan?
host-answer-label-host = Värd
host-answer-label-when = När ({ $zone })
host-answer-label-who = Vem
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>, tidszon { $zone }
host-answer-label-notes = Anteckningar
host-answer-message = Meddelande till { $name }
host-answer-approve-submit = Godkänn förfrågan
host-answer-decline-submit = Avböj förfrågan
host-answer-approved = Godkänd. Den inbjudna får en bekräftelse med en kalenderinbjudan.
host-answer-already-approved = Den här förfrågan har redan godkänts.
host-answer-declined = Avböjd. Den inbjudna har fått besked och uppmanats att välja en annan tid.
host-answer-already-declined = Den här förfrågan har redan avböjts.

## The contact page
contact-title = Kontakt
contact-heading = Kontakta oss
contact-intro = Hittar du ingen tid som passar? Berätta när det passar dig så återkommer vi via e-post.
contact-name = Namn
contact-email = E-post
contact-message = Meddelande
contact-preferred-times = Tider som passar dig
contact-honeypot = Lämna det här fältet tomt
contact-submit = Skicka meddelande
contact-sent-heading = Meddelandet har skickats
contact-sent-text = Tack – vi har tagit emot ditt meddelande och svarar via e-post.
contact-back = Tillbaka till bokningen
contact-expired = Formuläret hade gått ut eller kom inte från den här webbplatsen, så det skickades inte. Skicka det igen.

## Routing forms
routing-choose = Välj…
routing-submit = Fortsätt
routing-contact = Vill du hellre skriva till oss? <a href="/contact">Skicka ett meddelande</a>.
routing-expired = Formuläret hade gått ut eller kom inte från den här webbplatsen. Kontrollera dina svar och skicka det igen.

## Form posts of these pages
form-fix-fields = Rätta de markerade fälten.
form-invalid = En del av det som skickades saknas eller är ogiltigt. Gå tillbaka och kontrollera det.
form-not-found = Hittades inte
form-not-found-routing = Det finns inget sådant formulär. Välj ett möte i listan i stället.
form-unreadable = Formuläret kunde inte läsas
form-not-sent = Inte skickat
form-automated = Det här såg ut att vara ett automatiskt inskick, så det togs inte emot. Om du är en människa, försök igen.
form-try-again = Försök igen
form-too-many = För många försök
form-too-many-text = { $seconds ->
    [one] För många försök från din anslutning. Vänta { $seconds } sekund och försök igen.
   *[other] För många försök från din anslutning. Vänta { $seconds } sekunder och försök igen.
  }

## What is wrong with one field (shown under it)
field-problem-required = måste fyllas i
field-problem-too-long = { $max ->
    [one] får vara högst { $max } tecken
   *[other] får vara högst { $max } tecken
  }
field-problem-control-characters = får inte innehålla styrtecken
field-problem-not-text = måste vara text
field-problem-email = måste vara en e-postadress, till exempel name@example.com
field-problem-timezone = måste vara en IANA-tidszon, till exempel Europe/Stockholm
field-problem-choice = måste vara ett av de angivna alternativen
field-problem-phone = måste vara ett telefonnummer, till exempel +46 8 123 456 78
