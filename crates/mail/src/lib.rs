//! Mail for openslot: composing messages (plain text + HTML, with an iCalendar invite),
//! and delivering them over SMTP or into an outbox folder. Knows nothing about HTTP or
//! bookings beyond the invite fields it is given.

mod ical;
mod message;
pub mod outbox;
mod transport;

pub use ical::{Invite, InviteMethod, Person};
pub use lettre::message::Mailbox;
pub use message::{compose, display_name, mailbox, parse_mailbox, Composed, Outgoing};
pub use transport::{MailError, Mailer};

/// Whether `text` is a mailbox lettre can send to or from: `Name <a@b>` or `a@b`.
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<lettre::message::Mailbox>().is_ok()
}

/// Checks an `smtp_url` the way [`Mailer::smtp`] reads it, without building a transport
/// (which needs a running async runtime) or opening a connection.
pub fn check_smtp_url(url: &str) -> Result<(), MailError> {
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|err| MailError::permanent(format!("invalid smtp_url: {err}")))
}
