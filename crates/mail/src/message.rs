//! Composing a message: plain text and HTML alternatives, an optional iCalendar invite
//! (inline `text/calendar; method=...` for calendar clients plus an `invite.ics`
//! attachment), and the headers automatic mail should carry.

use std::time::SystemTime;

use lettre::{
    message::{
        header::{ContentDisposition, ContentType, HeaderName, HeaderValue},
        Mailbox, MultiPart, SinglePart,
    },
    Address, Message,
};

use email_encoding::headers::{rfc2047, writer::EmailWriter};

use crate::{Invite, MailError};

/// A message to send. Mailboxes are structured values (display name and address), never
/// text to be re-parsed: lettre encodes the name as an RFC 5322 quoted-string or RFC 2047
/// encoded-words when it writes the header.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub reply_to: Option<Mailbox>,
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

/// A mailbox from a display name (any text; blank means none) and an address.
///
/// The address must be one lettre can put in an envelope; the name is never parsed, so
/// commas, quotes, `@`, brackets or non-ASCII text in it cannot make the mailbox invalid.
pub fn mailbox(name: &str, address: &str) -> Result<Mailbox, MailError> {
    // The error names neither the address nor the name: it ends up in logs.
    let email = address
        .trim()
        .parse::<Address>()
        .map_err(|err| MailError::permanent(format!("invalid recipient address: {err}")))?;
    let name = display_name(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), email))
}

/// A display name as a header can carry it: control characters (which booking validation
/// already refuses) become spaces and outer whitespace is trimmed. Everything else,
/// including U+2028, bidirectional marks and combining characters, is kept as written.
pub fn display_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().to_string()
}

/// A mailbox written in configuration, `Name <address>` or a bare address.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, MailError> {
    text.parse::<Mailbox>()
        .map_err(|err| MailError::permanent(format!("invalid address {text:?}: {err}")))
}

/// Longest header line written where there is a choice (RFC 5322 §2.1.1).
const LINE: usize = 78;

/// Whether `text` must travel as RFC 2047 encoded-words: anything but printable ASCII, and
/// any `=?`, which readers would decode as an encoded-word even inside quotes.
fn needs_encoded_words(text: &str) -> bool {
    text.chars().any(|c| !(' '..='~').contains(&c)) || text.contains("=?")
}

/// Writes a display name as an RFC 5322 phrase. lettre writes names with any punctuation
/// as encoded-words and leaves a leading `.` bare (not a valid phrase: Python's parser
/// fails on it), so openslot writes them itself: printable ASCII as a quoted-string
/// (quotes and backslashes escaped, folded only before a space that starts a word),
/// everything else as RFC 2047 encoded-words (UTF-8, base64, at most 75 characters each).
fn write_phrase(name: &str, out: &mut String, line: &mut usize) {
    if needs_encoded_words(name) {
        let mut writer = EmailWriter::new(out, *line, 0, false);
        // Writing into a String cannot fail.
        let _ = rfc2047::encode(name, &mut writer);
        *line = writer.line_len();
        return;
    }
    out.push('"');
    *line += 1;
    let chars: Vec<char> = name.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let word = chars[index + 1..]
                .iter()
                .take_while(|next| **next != ' ')
                .count();
            // Fold before this space when the next word would overflow the line; never
            // leave a line of only white space.
            if word > 0 && *line + 1 + word + 1 > LINE && *line > 1 {
                out.push_str("\r\n");
                *line = 0;
            }
        }
        if c == '"' || c == '\\' {
            out.push('\\');
            *line += 1;
        }
        out.push(c);
        *line += 1;
    }
    out.push('"');
    *line += 1;
}

/// The encoded value of an address header (`From`, `To`, `Reply-To`).
fn encode_mailboxes(header: &str, mailboxes: &[&Mailbox]) -> String {
    let mut out = String::new();
    let mut line = header.len() + 2;
    for (index, mailbox) in mailboxes.iter().enumerate() {
        if index > 0 {
            out.push_str(",\r\n ");
            line = 1;
        }
        let address: &str = mailbox.email.as_ref();
        match mailbox.name.as_deref().filter(|name| !name.is_empty()) {
            Some(name) => {
                write_phrase(name, &mut out, &mut line);
                if line + 1 + address.len() + 2 > LINE {
                    out.push_str("\r\n ");
                    line = 1;
                } else {
                    out.push(' ');
                    line += 1;
                }
                out.push('<');
                out.push_str(address);
                out.push('>');
                line += address.len() + 2;
            }
            None => {
                out.push_str(address);
                line += address.len();
            }
        }
    }
    out
}

/// Replaces lettre's encoding of header `name` by `encoded`, keeping lettre's raw value
/// (which it reads back for the envelope) and the header's place.
fn replace_encoding(message: &mut Message, name: &'static str, encoded: String) {
    let Some(raw) = message.headers().get_raw(name).map(str::to_string) else {
        return;
    };
    message
        .headers_mut()
        .insert_raw(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str(name),
            raw,
            encoded,
        ));
}

/// Writes the address headers (and a subject holding `=?`) with openslot's encoding.
fn encode_headers(message: &mut Message, outgoing: &Outgoing) {
    replace_encoding(message, "From", encode_mailboxes("From", &[&outgoing.from]));
    let to: Vec<&Mailbox> = outgoing.to.iter().collect();
    replace_encoding(message, "To", encode_mailboxes("To", &to));
    if let Some(reply_to) = &outgoing.reply_to {
        replace_encoding(
            message,
            "Reply-To",
            encode_mailboxes("Reply-To", &[reply_to]),
        );
    }
    // lettre leaves words of printable ASCII bare, so a subject quoting an encoded-word
    // (say, from an invitee's name) would be decoded by the reader.
    if outgoing.subject.contains("=?") {
        let mut encoded = String::new();
        {
            let mut writer = EmailWriter::new(&mut encoded, "Subject: ".len(), 0, false);
            let _ = rfc2047::encode(&outgoing.subject, &mut writer);
        }
        replace_encoding(message, "Subject", encoded);
    }
}

/// Builds the MIME message.
pub fn compose(outgoing: &Outgoing) -> Result<Composed, MailError> {
    let mut builder = Message::builder()
        .from(outgoing.from.clone())
        .subject(outgoing.subject.clone())
        .date(outgoing.date)
        .message_id(Some(format!("<{}>", outgoing.message_id)))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ));
    for to in &outgoing.to {
        builder = builder.to(to.clone());
    }
    if let Some(reply_to) = &outgoing.reply_to {
        builder = builder.reply_to(reply_to.clone());
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
    let mut message = builder
        .multipart(body)
        .map_err(|err| MailError::permanent(format!("cannot build message: {err}")))?;
    encode_headers(&mut message, outgoing);
    Ok(Composed {
        message,
        message_id: outgoing.message_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        let mut names: Vec<String> = [
            "Smith, John",
            "O'Brien (Pat)",
            "a@b.c",
            "semi;colon",
            "co:lon",
            "back\\slash",
            "\"quoted\"",
            "<angle>",
            "Zoë Ærøskøbing",
            "😀 Emoji 🎉",
            "שלום עליכם",
            "e\u{301}e\u{301}",
            "a\u{2028}b",
            "=?utf-8?q?fake?=",
            "two  spaces",
            ".dot",
            "Dr. J. Smith-Jones",
            "\\\"",
            "a\"b\\c",
            "\u{202e}evil\u{202c}",
            "中文名字",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.push("x".repeat(200));
        names.push("ab ".repeat(66) + "ab");
        names.push("ü".repeat(200));
        names.push("Smith, John ".repeat(16).trim().to_string());
        names
    }

    fn compose_for(name: &str, subject: &str) -> Vec<u8> {
        let to = mailbox(name, "guest@example.com").unwrap();
        let outgoing = Outgoing {
            from: mailbox(name, "from@example.com").unwrap(),
            to: vec![to.clone(), mailbox("", "other@example.com").unwrap()],
            reply_to: Some(to),
            subject: subject.to_string(),
            text: "text".into(),
            html: "<p>html</p>".into(),
            invite: None,
            message_id: "m@example.com".into(),
            date: SystemTime::UNIX_EPOCH,
        };
        let composed = compose(&outgoing).unwrap();
        let envelope = composed.message.envelope();
        assert_eq!(envelope.from().unwrap().to_string(), "from@example.com");
        assert_eq!(envelope.to().len(), 2);
        composed.bytes()
    }

    #[test]
    fn display_names_round_trip_through_an_independent_parser() {
        for name in names() {
            let bytes = compose_for(&name, &format!("Hello {name}"));
            let head = String::from_utf8_lossy(&bytes);
            let head = head.split("\r\n\r\n").next().unwrap();
            for line in head.split("\r\n") {
                assert!(line.is_ascii(), "{line:?}");
                assert!(line.len() <= 998, "{line:?}");
                assert!(
                    !line.trim().is_empty(),
                    "a line of only white space in {head}"
                );
            }
            let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
            for (header, address) in [
                ("From", parsed.from()),
                ("To", parsed.to()),
                ("Reply-To", parsed.reply_to()),
            ] {
                let first = address.and_then(|a| a.first()).unwrap();
                assert_eq!(first.name().unwrap_or(""), name, "{header} in\n{head}");
            }
            let to = parsed.to().unwrap();
            assert_eq!(
                to.iter().nth(1).and_then(|a| a.address()),
                Some("other@example.com")
            );
            assert_eq!(
                parsed.subject(),
                Some(format!("Hello {name}").as_str()),
                "{head}"
            );
        }
    }

    #[test]
    fn printable_ascii_names_are_quoted_strings_and_encoded_word_lookalikes_are_encoded() {
        let head = String::from_utf8(compose_for("Smith, John", "s")).unwrap();
        assert!(
            head.contains("\r\nTo: \"Smith, John\" <guest@example.com>,"),
            "{head}"
        );
        let head = String::from_utf8(compose_for("a\"b\\c", "s")).unwrap();
        assert!(
            head.contains("From: \"a\\\"b\\\\c\" <from@example.com>"),
            "{head}"
        );
        let head = String::from_utf8(compose_for("=?utf-8?q?x?=", "=?utf-8?q?x?=")).unwrap();
        assert!(!head.contains("=?utf-8?q?x?="), "{head}");
    }
}
