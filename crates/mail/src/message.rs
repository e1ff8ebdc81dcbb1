//! Composing a message: plain text and HTML alternatives, an optional iCalendar invite
//! (inline `text/calendar; method=...` for calendar clients plus an `invite.ics`
//! attachment), and the headers automatic mail should carry.

use std::time::SystemTime;

use lettre::{
    message::{
        header::{ContentDisposition, ContentType, HeaderName, HeaderValue},
        Mailbox, MultiPart, SinglePart,
    },
    Message,
};

use crate::{Invite, MailError};

/// A message to send.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// `Name <address>` or a bare address.
    pub from: String,
    pub to: Vec<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub invite: Option<Invite>,
    /// Without angle brackets, e.g. `job-17@book.example.com`; stable across retries.
    pub message_id: String,
    pub date: SystemTime,
}

/// A message ready for a transport: envelope and the RFC 5322 bytes.
#[derive(Clone, Debug)]
pub struct Composed {
    pub message: Message,
    pub message_id: String,
}

impl Composed {
    /// The message as it goes on the wire.
    pub fn bytes(&self) -> Vec<u8> {
        self.message.formatted()
    }
}

fn mailbox(text: &str) -> Result<Mailbox, MailError> {
    text.parse::<Mailbox>()
        .map_err(|err| MailError::permanent(format!("invalid address {text:?}: {err}")))
}

/// Builds the MIME message.
pub fn compose(outgoing: &Outgoing) -> Result<Composed, MailError> {
    let mut builder = Message::builder()
        .from(mailbox(&outgoing.from)?)
        .subject(outgoing.subject.clone())
        .date(outgoing.date)
        .message_id(Some(format!("<{}>", outgoing.message_id)))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ));
    for to in &outgoing.to {
        builder = builder.to(mailbox(to)?);
    }
    if let Some(reply_to) = &outgoing.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    let text = SinglePart::builder()
        .content_type(ContentType::TEXT_PLAIN)
        .body(outgoing.text.clone());
    let html = SinglePart::builder()
        .content_type(ContentType::TEXT_HTML)
        .body(outgoing.html.clone());
    let body = match &outgoing.invite {
        None => MultiPart::alternative().singlepart(text).singlepart(html),
        Some(invite) => {
            let ics = invite.to_ics();
            let method = invite.method.as_str();
            let calendar_type =
                ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                    .map_err(|err| MailError::permanent(format!("calendar content type: {err}")))?;
            let attachment_type = ContentType::parse("application/ics; name=\"invite.ics\"")
                .map_err(|err| MailError::permanent(format!("attachment content type: {err}")))?;
            MultiPart::mixed()
                .multipart(
                    MultiPart::alternative()
                        .singlepart(text)
                        .singlepart(html)
                        .singlepart(
                            SinglePart::builder()
                                .content_type(calendar_type)
                                .body(ics.clone()),
                        ),
                )
                .singlepart(
                    SinglePart::builder()
                        .content_type(attachment_type)
                        .header(ContentDisposition::attachment("invite.ics"))
                        .body(ics),
                )
        }
    };
    let message = builder
        .multipart(body)
        .map_err(|err| MailError::permanent(format!("cannot build message: {err}")))?;
    Ok(Composed {
        message,
        message_id: outgoing.message_id.clone(),
    })
}
