//! Mail for openslot: composing messages (plain text + HTML, with an iCalendar invite),
//! and delivering them over SMTP or into an outbox folder. Knows nothing about HTTP or
//! bookings beyond the invite fields it is given.

mod ical;
mod message;
mod transport;

pub use ical::{Invite, InviteMethod, Person};
pub use message::{compose, Composed, Outgoing};
pub use transport::{MailError, Mailer};

/// Whether `text` is a mailbox lettre can send to or from: `Name <a@b>` or `a@b`.
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<lettre::message::Mailbox>().is_ok()
}
