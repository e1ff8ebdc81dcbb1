//! iCalendar (RFC 5545) events for iTIP/iMIP (RFC 5546/6047): `REQUEST` to invite or update,
//! `CANCEL` to withdraw, one stable `UID` per booking and a `SEQUENCE` that grows with
//! every change. The same event is also written as a CalDAV calendar object (RFC 4791),
//! which carries no `METHOD`.

use jiff::Timestamp;

/// `REQUEST` (new or changed) or `CANCEL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteMethod {
    Request,
    Cancel,
}

impl InviteMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            InviteMethod::Request => "REQUEST",
            InviteMethod::Cancel => "CANCEL",
        }
    }
}

/// A named mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// One meeting as an iCalendar event.
#[derive(Clone, Debug)]
pub struct Invite {
    pub method: InviteMethod,
    /// Stable for the life of the booking, e.g. `booking-ID@host`.
    pub uid: String,
    pub sequence: u32,
    pub stamp: Timestamp,
    pub start: Timestamp,
    pub end: Timestamp,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub organizer: Person,
    /// The address that sends on the organizer's behalf (`SENT-BY`), when the organizer
    /// is a host and the message comes from the booking service.
    pub sent_by: Option<String>,
    /// The invitee.
    pub attendee: Person,
    /// The hosts, each also an `ATTENDEE` (one already listed, or the invitee, is skipped).
    pub hosts: Vec<Person>,
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name in `CN`), quoted when it holds characters RFC 5545 does not
/// allow bare. `"`, newline and `^` are written as RFC 6868 escapes (`^'`, `^n`, `^^`), so
/// a name keeps its quotes and a literal `^n` is not read as a line break; other control
/// characters are dropped. `None` when nothing is left.
fn param_value(text: &str) -> Option<String> {
    let mut clean = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' => clean.push_str("^^"),
            '"' => clean.push_str("^'"),
            '\n' => clean.push_str("^n"),
            c if c.is_control() => {}
            c => clean.push(c),
        }
    }
    if clean.is_empty() {
        None
    } else if clean.contains([':', ';', ',']) {
        Some(format!("\"{clean}\""))
    } else {
        Some(clean)
    }
}

/// `;CN=NAME`, or nothing for a name with nothing printable.
fn common_name(name: &str) -> String {
    param_value(name).map_or_else(String::new, |name| format!(";CN={name}"))
}

/// An address as a quoted parameter value can hold it (no quotes or control characters).
fn address_text(address: &str) -> String {
    address
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect()
}

fn utc(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Folds a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

impl Invite {
    /// The whole `VCALENDAR` with CRLF line endings.
    pub fn to_ics(&self) -> String {
        self.render(false)
    }

    /// The event as a CalDAV calendar object resource (RFC 4791 §4.1): no `METHOD`, no
    /// `SENT-BY`, and `SCHEDULE-AGENT=CLIENT` on the organizer and every attendee (RFC 6638
    /// §7.1), so a scheduling server stores it without mailing the attendees invitations
    /// of its own (openslot sends those). `STATUS` follows `method` as in [`Invite::to_ics`].
    pub fn to_calendar_object(&self) -> String {
        self.render(true)
    }

    fn render(&self, calendar_object: bool) -> String {
        let status = match self.method {
            InviteMethod::Request => "CONFIRMED",
            InviteMethod::Cancel => "CANCELLED",
        };
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_string(),
            "PRODID:-//openslot//openslot//EN".to_string(),
            "VERSION:2.0".to_string(),
            "CALSCALE:GREGORIAN".to_string(),
        ];
        if !calendar_object {
            lines.push(format!("METHOD:{}", self.method.as_str()));
        }
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", escape_text(&self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", utc(self.stamp)),
            format!("DTSTART:{}", utc(self.start)),
            format!("DTEND:{}", utc(self.end)),
            format!("SUMMARY:{}", escape_text(&self.summary)),
            format!("DESCRIPTION:{}", escape_text(&self.description)),
        ]);
        if let Some(location) = &self.location {
            lines.push(format!("LOCATION:{}", escape_text(location)));
        }
        if let Some(url) = &self.url {
            let url: String = url.chars().filter(|c| !c.is_control()).collect();
            lines.push(format!("URL:{url}"));
        }
        let schedule_agent = if calendar_object {
            ";SCHEDULE-AGENT=CLIENT"
        } else {
            ""
        };
        let sent_by = self
            .sent_by
            .as_deref()
            .filter(|_| !calendar_object)
            .map(address_text)
            .filter(|address| {
                !address.is_empty() && !address.eq_ignore_ascii_case(&self.organizer.email)
            })
            .map_or_else(String::new, |address| {
                format!(";SENT-BY=\"mailto:{address}\"")
            });
        lines.push(format!(
            "ORGANIZER{}{sent_by}{schedule_agent}:mailto:{}",
            common_name(&self.organizer.name),
            self.organizer.email
        ));
        let partstat = match self.method {
            InviteMethod::Request => "ACCEPTED",
            InviteMethod::Cancel => "DECLINED",
        };
        let mut listed: Vec<String> = Vec::new();
        for person in std::iter::once(&self.attendee).chain(&self.hosts) {
            let address = person.email.to_ascii_lowercase();
            if listed.contains(&address) {
                continue;
            }
            listed.push(address);
            lines.push(format!(
                "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=FALSE{schedule_agent}:mailto:{}",
                common_name(&person.name),
                person.email
            ));
        }
        lines.push(format!("STATUS:{status}"));
        lines.push("TRANSP:OPAQUE".to_string());
        lines.push("END:VEVENT".to_string());
        lines.push("END:VCALENDAR".to_string());
        let mut out = String::new();
        for line in lines {
            fold(&line, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(method: InviteMethod) -> Invite {
        Invite {
            method,
            uid: "booking-42@example.com".into(),
            sequence: 2,
            stamp: "2026-11-20T10:00:00Z".parse().unwrap(),
            start: "2026-11-25T09:00:00Z".parse().unwrap(),
            end: "2026-11-25T09:30:00Z".parse().unwrap(),
            summary: "Discovery call; with Ada, Inc.".into(),
            description: "Line one\nLine two with a very long sentence that will certainly need folding at seventy-five octets ü ü ü".into(),
            location: None,
            url: Some("https://book.example.com/manage/abc".into()),
            organizer: Person { name: "Acme: Bookings".into(), email: "bookings@example.com".into() },
            sent_by: None,
            attendee: Person { name: "Ada Lovelace".into(), email: "ada@example.com".into() },
            hosts: Vec::new(),
        }
    }

    #[test]
    fn request_has_the_fields_calendars_need() {
        let ics = invite(InviteMethod::Request).to_ics();
        for expected in [
            "METHOD:REQUEST\r\n",
            "UID:booking-42@example.com\r\n",
            "SEQUENCE:2\r\n",
            "DTSTART:20261125T090000Z\r\n",
            "DTEND:20261125T093000Z\r\n",
            "SUMMARY:Discovery call\\; with Ada\\, Inc.\r\n",
            "ORGANIZER;CN=\"Acme: Bookings\":mailto:bookings@example.com\r\n",
            "STATUS:CONFIRMED\r\n",
        ] {
            assert!(ics.contains(expected), "{expected:?} missing in\n{ics}");
        }
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line:?}");
        }
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }

    /// Found by fuzzing (fuzz/corpus/ical): quotes vanished from names, tabs from text,
    /// and a literal `^n` in a name reads as a line break to RFC 6868 readers.
    #[test]
    fn names_keep_quotes_and_carets_and_text_keeps_tabs() {
        let mut invite = invite(InviteMethod::Request);
        invite.attendee.name = "Smith, John \"JJ\" ^n".into();
        invite.organizer.name = "\u{7}".into();
        invite.description = "a\tb\r\nc".into();
        let ics = invite.to_ics().replace("\r\n ", "");
        assert!(
            ics.contains("ATTENDEE;CN=\"Smith, John ^'JJ^' ^^n\";ROLE="),
            "{ics}"
        );
        assert!(
            ics.contains("ORGANIZER:mailto:bookings@example.com\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DESCRIPTION:a\tb\\nc\r\n"), "{ics}");
    }

    #[test]
    fn hosts_are_attendees_and_the_organizer_is_sent_by_the_service() {
        let mut invite = invite(InviteMethod::Request);
        invite.organizer = Person {
            name: "Grace Hopper".into(),
            email: "grace@example.com".into(),
        };
        invite.sent_by = Some("bookings@example.com".into());
        invite.hosts = vec![
            invite.organizer.clone(),
            Person {
                name: "Alan Turing".into(),
                email: "alan@example.com".into(),
            },
            // The invitee booking with themselves is listed once.
            Person {
                name: "Ada".into(),
                email: "ADA@example.com".into(),
            },
        ];
        let ics = invite.to_ics().replace("\r\n ", "");
        assert!(
            ics.contains("ORGANIZER;CN=Grace Hopper;SENT-BY=\"mailto:bookings@example.com\":mailto:grace@example.com\r\n"),
            "{ics}"
        );
        let attendees: Vec<&str> = ics
            .split("\r\n")
            .filter(|line| line.starts_with("ATTENDEE"))
            .collect();
        assert_eq!(
            attendees,
            [
                "ATTENDEE;CN=Ada Lovelace;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:ada@example.com",
                "ATTENDEE;CN=Grace Hopper;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:grace@example.com",
                "ATTENDEE;CN=Alan Turing;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:alan@example.com",
            ]
        );
        // Sent by the organizer itself: no SENT-BY.
        invite.sent_by = Some("grace@example.com".into());
        assert!(invite
            .to_ics()
            .contains("ORGANIZER;CN=Grace Hopper:mailto:grace@example.com\r\n"));
    }

    #[test]
    fn cancel_keeps_the_uid() {
        let ics = invite(InviteMethod::Cancel).to_ics();
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"));
        assert!(ics.contains("UID:booking-42@example.com\r\n"));
    }

    #[test]
    fn a_calendar_object_is_the_invite_without_method_or_scheduling() {
        let mut invite = invite(InviteMethod::Request);
        invite.organizer = Person {
            name: "Grace Hopper".into(),
            email: "grace@example.com".into(),
        };
        invite.sent_by = Some("bookings@example.com".into());
        invite.hosts = vec![invite.organizer.clone()];
        let object = invite.to_calendar_object();
        let unfolded = object.replace("\r\n ", "");
        assert!(!unfolded.contains("METHOD:"), "{object}");
        assert!(!unfolded.contains("SENT-BY"), "{object}");
        for expected in [
            "UID:booking-42@example.com\r\n",
            "SEQUENCE:2\r\n",
            "STATUS:CONFIRMED\r\n",
            "ORGANIZER;CN=Grace Hopper;SCHEDULE-AGENT=CLIENT:mailto:grace@example.com\r\n",
            "ATTENDEE;CN=Ada Lovelace;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE;SCHEDULE-AGENT=CLIENT:mailto:ada@example.com\r\n",
            "ATTENDEE;CN=Grace Hopper;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE;SCHEDULE-AGENT=CLIENT:mailto:grace@example.com\r\n",
        ] {
            assert!(unfolded.contains(expected), "{expected:?} missing in\n{object}");
        }
        for line in object.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line:?}");
        }
        // Everything else is the invite's, line for line.
        let invite_lines: Vec<String> = invite
            .to_ics()
            .replace("\r\n ", "")
            .split("\r\n")
            .filter(|line| !line.starts_with("METHOD:"))
            .map(|line| line.replace(";SENT-BY=\"mailto:bookings@example.com\"", ""))
            .map(|line| line.replace(":mailto:", ";SCHEDULE-AGENT=CLIENT:mailto:"))
            .collect();
        let object_lines: Vec<&str> = unfolded.split("\r\n").collect();
        assert_eq!(object_lines, invite_lines);
    }
}
