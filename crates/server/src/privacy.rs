//! Keeping names and e-mail addresses out of logs. Log calls name bookings and jobs by
//! id; error texts that may echo what a person typed (an SMTP server repeating a rejected
//! recipient, an address that did not parse) go through [`scrub`] first, and every line
//! the logger writes goes through [`ScrubWriter`], which blanks anything shaped like an
//! e-mail address as a last line of defence. Panic messages are scrubbed the same way.

use std::{borrow::Cow, io};

/// What an e-mail address is replaced with.
pub const ADDRESS: &str = "[address]";
/// What a quoted text is replaced with.
pub const QUOTED: &str = "\"[redacted]\"";

fn local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-!#$&'*/=?^`{|}~".contains(c)
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// `text` with everything shaped like an e-mail address (`local@domain`) replaced by
/// [`ADDRESS`]. Borrowed when there is nothing to replace.
pub fn scrub_addresses(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        let after = &rest[at + 1..];
        let local_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| local_char(*c))
            .last()
            .map_or(before.len(), |(index, _)| index);
        let domain_end = after
            .char_indices()
            .find(|(_, c)| !domain_char(*c))
            .map_or(after.len(), |(index, _)| index);
        if local_start < before.len() && domain_end > 0 {
            out.push_str(&before[..local_start]);
            out.push_str(ADDRESS);
            rest = &after[domain_end..];
        } else {
            out.push_str(before);
            out.push('@');
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// An error text made safe to log: quoted parts (`"Smith, John <j@example.com>"`, as
/// `{:?}` writes what a person typed) and `<...>` mailboxes are blanked, then any address.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // Skip to the closing quote, honouring backslash escapes.
                let mut escaped = false;
                for inner in chars.by_ref() {
                    match (escaped, inner) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                out.push_str(QUOTED);
            }
            '<' => {
                let mut inside = String::new();
                let mut closed = false;
                for inner in chars.by_ref() {
                    if inner == '>' {
                        closed = true;
                        break;
                    }
                    inside.push(inner);
                }
                if inside.contains('@') {
                    out.push('<');
                    out.push_str(ADDRESS);
                    out.push('>');
                } else {
                    out.push('<');
                    out.push_str(&inside);
                    if closed {
                        out.push('>');
                    }
                }
            }
            other => out.push(other),
        }
    }
    scrub_addresses(&out).into_owned()
}

/// A log writer that blanks e-mail addresses in what it writes (one event per write).
pub struct ScrubWriter<W>(pub W);

impl<W: io::Write> io::Write for ScrubWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.contains(&b'@') {
            return self.0.write(buf);
        }
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(scrub_addresses(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Replaces the panic message printer with one that scrubs the message and logs it.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let location = info
            .location()
            .map(|location| format!("{}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let message = scrub(&payload);
        tracing::error!(%location, panic = %message, "panic");
        eprintln!("openslot: panic at {location}: {message}");
    }));
}

/// A database URL with any password replaced, for messages and `check-config`.
pub fn redacted_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_quoted_names_are_blanked() {
        assert_eq!(
            scrub("invalid address \"Smith, John <john.smith@example.com>\": bad"),
            "invalid address \"[redacted]\": bad"
        );
        assert_eq!(
            scrub("permanent error (550): 5.1.1 <Zoë.O'Brien+x@Example.org>: Recipient address rejected"),
            "permanent error (550): 5.1.1 <[address]>: Recipient address rejected"
        );
        assert_eq!(
            scrub("550 user ann@example.com unknown"),
            "550 user [address] unknown"
        );
        assert_eq!(scrub(r#"kind "x\"y" end"#), r#"kind "[redacted]" end"#);
        assert_eq!(
            scrub("store: database error: timeout <none>"),
            "store: database error: timeout <none>"
        );
        assert_eq!(scrub_addresses("no at sign"), "no at sign");
        assert_eq!(scrub_addresses("a @ b and @handle"), "a @ b and @handle");
        assert_eq!(
            scrub_addresses(r#"{"url":"postgres://u:secret@db.internal/x"}"#),
            r#"{"url":"postgres://u:[address]/x"}"#
        );
    }

    #[test]
    fn the_writer_scrubs_each_line() {
        use std::io::Write;
        let mut out = Vec::new();
        ScrubWriter(&mut out)
            .write_all(b"{\"error\":\"550 <ann@example.com> rejected\"}\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"error\":\"550 <[address]> rejected\"}\n"
        );
    }
}
