//! A confirmed booking as the event written into a host's calendar (a CalDAV calendar
//! object): the same UID, SEQUENCE, organizer and attendees as the invite the invitee was
//! mailed, so clients see one meeting, and a description with what the host needs and
//! the host's link to the booking.

use jiff::Timestamp;
use openslot_mail::{Invite, InviteMethod, Person};
use openslot_store::Booking;

use crate::{catalog::EventType, display::answer_rows, hosts::Host};

/// The iCalendar UID of a booking: its invites and its written events carry it, which is
/// how a synced calendar recognises an event openslot wrote (and does not count it as
/// busy time twice). `mail_host` is the host name of the public URL.
pub fn booking_uid(booking_id: &str, mail_host: &str) -> String {
    format!("booking-{booking_id}@{mail_host}")
}

/// The host name of `public_url` that UIDs and message ids end in.
pub fn mail_host(public_url: &str) -> String {
    public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|host| !host.is_empty())
        .unwrap_or("openslot.local")
        .to_string()
}

/// Who stands behind a written event, and where its link points.
#[derive(Clone, Copy, Debug)]
pub struct EventSource<'a> {
    /// The organisation: the organizer when no host is named (the implicit host).
    pub org: &'a str,
    /// The service's own address (`[mail] from`), the organizer's address then.
    pub service_address: &'a str,
    /// Without a trailing slash.
    pub public_url: &'a str,
    /// Whether hosts are named ([`crate::hosts::HostDirectory::names_hosts`]).
    pub names_hosts: bool,
}

/// The calendar object (RFC 4791, no `METHOD`) to `PUT` into a host's calendar for
/// `booking`: `hosts` are the booking's hosts, the assigned one (the organizer) first;
/// `sequence` must grow with every rewrite of the same UID. Its time is the meeting
/// itself (buffers are the booking's business, not the calendar's).
pub fn written_event(
    booking: &Booking,
    event: Option<&EventType>,
    hosts: &[&Host],
    source: &EventSource<'_>,
    sequence: u32,
    now: Timestamp,
) -> String {
    let named: &[&Host] = if source.names_hosts { hosts } else { &[] };
    let event_title = event.map_or(booking.event_slug.as_str(), |event| event.title.as_str());
    let person = |host: &&Host| Person {
        name: host.name.clone(),
        email: host.email.clone(),
    };
    let booking_link = format!("{}/admin/bookings/{}", source.public_url, booking.id);
    Invite {
        method: InviteMethod::Request,
        uid: booking_uid(&booking.id, &mail_host(source.public_url)),
        sequence,
        stamp: now,
        start: booking.start,
        end: booking.end,
        summary: format!("{event_title} with {}", booking.name),
        description: description(booking, event, event_title, source, &booking_link),
        location: None,
        url: Some(booking_link),
        organizer: named.first().map_or_else(
            || Person {
                name: source.org.to_string(),
                email: source.service_address.to_string(),
            },
            person,
        ),
        sent_by: None,
        attendee: Person {
            name: booking.name.clone(),
            email: booking.email.clone(),
        },
        hosts: named.iter().map(person).collect(),
    }
    .to_calendar_object()
}

/// The event written into a host's Google or Microsoft calendar for `booking`: the same
/// title and description as the CalDAV object, in the assigned host's zone, with the
/// invitee and the other named hosts as attendees. The provider's own meeting (Meet,
/// Teams) and the idempotency key are the writer's business.
pub fn remote_event(
    booking: &Booking,
    event: Option<&EventType>,
    hosts: &[&Host],
    source: &EventSource<'_>,
) -> openslot_calendar::EventInput {
    let event_title = event.map_or(booking.event_slug.as_str(), |event| event.title.as_str());
    let booking_link = format!("{}/admin/bookings/{}", source.public_url, booking.id);
    let mut attendees = vec![(booking.email.clone(), booking.name.clone())];
    if source.names_hosts {
        // The first host is the calendar's owner (the organizer): only the others attend.
        attendees.extend(
            hosts
                .iter()
                .skip(1)
                .map(|host| (host.email.clone(), host.name.clone())),
        );
    }
    openslot_calendar::EventInput {
        summary: format!("{event_title} with {}", booking.name),
        description: description(booking, event, event_title, source, &booking_link),
        location: booking.meeting_url.clone(),
        start: booking.start,
        end: booking.end,
        time_zone: hosts
            .first()
            .map_or_else(|| "UTC".to_string(), |host| host.timezone_name.clone()),
        attendees,
        conference: false,
        request_id: format!("openslot-{}", booking.id),
    }
}

/// What the host reads in the event: who booked, their notes and answers, the reference
/// and the host's link to the booking (where it can be changed or cancelled).
fn description(
    booking: &Booking,
    event: Option<&EventType>,
    event_title: &str,
    source: &EventSource<'_>,
    booking_link: &str,
) -> String {
    let mut lines = vec![
        format!("{event_title}, booked through {}.", source.org),
        format!("Invitee: {} <{}>", booking.name, booking.email),
    ];
    if let Some(zone) = &booking.timezone {
        lines.push(format!("Invitee's time zone: {zone}"));
    }
    if let Some(notes) = booking
        .notes
        .as_deref()
        .filter(|notes| !notes.trim().is_empty())
    {
        lines.push(format!("Notes: {notes}"));
    }
    for row in answer_rows(event, &booking.answers) {
        let label = row["label"].as_str().unwrap_or_default();
        let value = row["value"].as_str().unwrap_or_default();
        if !value.is_empty() {
            lines.push(format!("{label}: {value}"));
        }
    }
    lines.push(format!("Reference: {}", booking.id));
    lines.push(format!("Change or cancel: {booking_link}"));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use icalendar::{Calendar, CalendarComponent, Component};
    use openslot_store::BookingStatus;

    use super::*;
    use crate::{catalog::Catalog, config::Config};

    const CONFIG: &str = r#"
[server]
public_url = "https://book.example.com/"
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[hosts]]
id = "alan"
name = "Alan Turing"
email = "alan@example.com"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30
assignment = "collective"
[[event_types.questions]]
id = "company"
label = "Company"
"#;

    fn booking() -> Booking {
        let start: Timestamp = "2027-03-14T14:00:00Z".parse().unwrap();
        Booking {
            id: "0190f5c2-aaaa-7bbb-8ccc-000000000042".into(),
            host_id: "grace".into(),
            hosts: vec!["grace".into(), "alan".into()],
            event_slug: "intro".into(),
            status: BookingStatus::Confirmed,
            start,
            end: "2027-03-14T14:30:00Z".parse().unwrap(),
            blocked_start: start.as_second(),
            blocked_end: start.as_second() + 1800,
            name: "Ada Lovelace; Countess, of \"Lovelace\"".into(),
            email: "ada@example.org".into(),
            timezone: Some("Europe/London".into()),
            notes: Some("Line one\nLine two".into()),
            answers: serde_json::json!({"company": "Analytical Engines, Ltd."}),
            created_at: start,
            updated_at: start,
            sequence: 3,
            status_reason: None,
            previous_start: None,
            confirmed_at: Some(start),
            meeting_url: None,
            locale: None,
        }
    }

    fn render(sequence: u32, names_hosts: bool) -> (String, Catalog) {
        let config = Config::parse(CONFIG, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let booking = booking();
        let hosts: Vec<&Host> = booking
            .hosts
            .iter()
            .filter_map(|id| catalog.hosts().get(id))
            .collect();
        let public_url = config.public_url();
        let source = EventSource {
            org: "Acme",
            service_address: "bookings@example.com",
            public_url: &public_url,
            names_hosts,
        };
        let ics = written_event(
            &booking,
            catalog.get("intro"),
            &hosts,
            &source,
            sequence,
            "2027-03-01T09:00:00Z".parse().unwrap(),
        );
        (ics, catalog)
    }

    fn parse(ics: &str) -> (Calendar, icalendar::Event) {
        let calendar: Calendar = ics.parse().expect("an independent parser reads it");
        let events: Vec<icalendar::Event> = calendar
            .components
            .iter()
            .filter_map(|component| match component {
                CalendarComponent::Event(event) => Some(event.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1, "{ics}");
        (calendar.clone(), events[0].clone())
    }

    #[test]
    fn the_api_event_carries_the_meeting_the_invitee_and_the_other_hosts() {
        let config = Config::parse(CONFIG, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let mut booking = booking();
        booking.meeting_url = Some("https://meet.google.com/abc-defg-hij".into());
        let hosts: Vec<&Host> = booking
            .hosts
            .iter()
            .filter_map(|id| catalog.hosts().get(id))
            .collect();
        let public_url = config.public_url();
        let source = EventSource {
            org: "Acme",
            service_address: "bookings@example.com",
            public_url: &public_url,
            names_hosts: true,
        };
        let event = remote_event(&booking, catalog.get("intro"), &hosts, &source);
        assert_eq!(event.summary, format!("Intro call with {}", booking.name));
        assert_eq!((event.start, event.end), (booking.start, booking.end));
        assert_eq!(event.time_zone, hosts[0].timezone_name);
        assert_eq!(event.location.as_deref(), booking.meeting_url.as_deref());
        // The calendar's owner (the assigned host) is not its own attendee.
        assert_eq!(
            event.attendees,
            vec![
                ("ada@example.org".to_string(), booking.name.clone()),
                ("alan@example.com".to_string(), "Alan Turing".to_string()),
            ]
        );
        assert!(event
            .description
            .contains("Company: Analytical Engines, Ltd."));
        assert!(event
            .description
            .contains(&format!("/admin/bookings/{}", booking.id)));
        // Without named hosts (the implicit host) only the invitee attends.
        let source = EventSource {
            names_hosts: false,
            ..source
        };
        let event = remote_event(&booking, catalog.get("intro"), &hosts, &source);
        assert_eq!(event.attendees.len(), 1);
    }

    #[test]
    fn the_written_event_is_the_bookings_meeting_without_a_method() {
        let (ics, _) = render(4, true);
        let (calendar, event) = parse(&ics);
        assert!(calendar.property_value("METHOD").is_none(), "{ics}");
        assert!(!ics.contains("METHOD:"));
        assert_eq!(
            event.get_uid(),
            Some("booking-0190f5c2-aaaa-7bbb-8ccc-000000000042@book.example.com")
        );
        assert_eq!(event.property_value("SEQUENCE"), Some("4"));
        assert_eq!(event.property_value("STATUS"), Some("CONFIRMED"));
        assert_eq!(event.property_value("TRANSP"), Some("OPAQUE"));
        assert_eq!(event.property_value("DTSTART"), Some("20270314T140000Z"));
        assert_eq!(event.property_value("DTEND"), Some("20270314T143000Z"));
        assert_eq!(event.property_value("DTSTAMP"), Some("20270301T090000Z"));
        assert_eq!(
            event.get_summary(),
            Some("Intro call with Ada Lovelace; Countess, of \"Lovelace\"")
        );
        let organizer = event.properties().get("ORGANIZER").expect("an organizer");
        assert_eq!(organizer.value(), "mailto:grace@example.com");
        assert_eq!(
            organizer.params().get("CN").map(|p| p.value()),
            Some("Grace Hopper")
        );
        assert_eq!(
            organizer.params().get("SCHEDULE-AGENT").map(|p| p.value()),
            Some("CLIENT")
        );
        let attendees: Vec<String> = event
            .multi_properties()
            .get("ATTENDEE")
            .expect("attendees")
            .iter()
            .map(|attendee| {
                assert_eq!(
                    attendee.params().get("SCHEDULE-AGENT").map(|p| p.value()),
                    Some("CLIENT")
                );
                attendee.value().to_string()
            })
            .collect();
        assert_eq!(
            attendees,
            [
                "mailto:ada@example.org",
                "mailto:grace@example.com",
                "mailto:alan@example.com"
            ]
        );
        let link = "https://book.example.com/admin/bookings/0190f5c2-aaaa-7bbb-8ccc-000000000042";
        assert_eq!(event.property_value("URL"), Some(link));
        let description = event.get_description().expect("a description");
        for expected in [
            "Intro call, booked through Acme.",
            "Invitee: Ada Lovelace; Countess, of \"Lovelace\" <ada@example.org>",
            "Invitee's time zone: Europe/London",
            "Notes: Line one\nLine two",
            "Company: Analytical Engines, Ltd.",
            "Reference: 0190f5c2-aaaa-7bbb-8ccc-000000000042",
            &format!("Change or cancel: {link}"),
        ] {
            assert!(
                description.contains(expected),
                "{expected:?} missing from {description:?}"
            );
        }
        // No token-bearing invitee link: a shared calendar must not hand out the
        // invitee's power to cancel.
        assert!(!ics.contains("/manage/"), "{ics}");
    }

    #[test]
    fn the_uid_is_the_invites_and_the_sequence_the_callers() {
        // The e-mailed invite's UID (notify.rs) is built by the same function.
        assert_eq!(
            booking_uid("b1", &mail_host("https://book.example.com:8443/x")),
            "booking-b1@book.example.com"
        );
        assert_eq!(mail_host("not a url"), "openslot.local");
        let (first, _) = render(0, true);
        let (moved, _) = render(7, true);
        let (_, first) = parse(&first);
        let (_, moved) = parse(&moved);
        assert_eq!(first.get_uid(), moved.get_uid());
        assert_eq!(first.property_value("SEQUENCE"), Some("0"));
        assert_eq!(moved.property_value("SEQUENCE"), Some("7"));
    }

    /// The invitee's mailed invite and the host's written event are one meeting to every
    /// calendar client: same UID, sequence, organizer and attendees.
    #[test]
    fn the_written_event_matches_the_mailed_invite() {
        let config = Config::parse(CONFIG, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let notifier = crate::notify::Notifier::new(&config, "test.toml").unwrap();
        let signer = crate::signing::Signer::new(&"k".repeat(32), &[]);
        let booking = booking();
        let now: Timestamp = "2027-03-01T09:00:00Z".parse().unwrap();
        let job = openslot_store::Job {
            id: "job-1".into(),
            kind: "mail".into(),
            payload: serde_json::json!({"message": "invitee_confirmed", "booking_id": booking.id}),
            state: openslot_store::JobState::Running,
            run_at: 0,
            attempts: 1,
            max_attempts: 3,
            last_error: None,
            booking_id: Some(booking.id.clone()),
            created_at: 0,
        };
        let mailed = notifier
            .render_booking(&job, &booking, &catalog, &signer, now)
            .unwrap()
            .expect("a confirmation")
            .invite
            .expect("with an invite");
        let written = notifier.written_event(&booking, &catalog, booking.sequence, now);
        let (_, event) = parse(&written);
        assert_eq!(event.get_uid(), Some(mailed.uid.as_str()));
        assert_eq!(
            event.property_value("SEQUENCE"),
            Some(mailed.sequence.to_string().as_str())
        );
        assert_eq!(
            event
                .properties()
                .get("ORGANIZER")
                .map(|p| p.value().to_string()),
            Some(format!("mailto:{}", mailed.organizer.email))
        );
        let attendees: Vec<&str> = event.multi_properties()["ATTENDEE"]
            .iter()
            .map(|attendee| attendee.value())
            .collect();
        let invited: Vec<String> = std::iter::once(&mailed.attendee)
            .chain(&mailed.hosts)
            .map(|person| format!("mailto:{}", person.email))
            .collect();
        assert_eq!(attendees, invited);
        assert_eq!(event.property_value("DTSTART"), Some("20270314T140000Z"));
    }

    #[test]
    fn without_named_hosts_the_organisation_organises() {
        let (ics, _) = render(1, false);
        let (_, event) = parse(&ics);
        assert_eq!(
            event.properties().get("ORGANIZER").map(|p| p.value()),
            Some("mailto:bookings@example.com")
        );
        let attendees = event.multi_properties().get("ATTENDEE").expect("attendees");
        assert_eq!(attendees.len(), 1);
        assert_eq!(attendees[0].value(), "mailto:ada@example.org");
    }
}
