//! Checks shared by the fuzz targets: what a validated booking request must satisfy, that
//! every error answer has the standard shape, and that an iCalendar invite reads back
//! field for field with an independent parser (the `icalendar` crate).

use std::sync::OnceLock;

use axum::{http::StatusCode, response::IntoResponse};
use openslot::{
    catalog::{Catalog, EventType, QuestionKind},
    config::Config,
    http::{booking::parse_request, error::ApiError},
    validate::is_email,
};
use openslot_mail::{Invite, InviteMethod, Person};
use serde_json::{Map, Value};

/// An event type with one question of every kind, so answers are validated too.
const BOOKING_CONFIG: &str = r#"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30

[[event_types.questions]]
id = "company"
label = "Company"
required = true

[[event_types.questions]]
id = "agenda"
label = "Agenda"
kind = "textarea"

[[event_types.questions]]
id = "size"
label = "Team size"
kind = "select"
options = ["1-10", "11-50", "51+"]

[[event_types.questions]]
id = "phone"
label = "Phone"
kind = "phone"
"#;

/// The event type booking requests are validated against.
pub fn booking_event() -> &'static EventType {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let config = Config::parse(BOOKING_CONFIG, "fuzz").expect("fuzz config parses");
            Catalog::from_config(&config, "fuzz").expect("fuzz config is valid")
        })
        .get("intro")
        .expect("the fuzz event type exists")
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

/// An error answer is a 4xx with a code and a message, and its body is
/// `{"error": {"code", "message", "fields"?}}`.
pub fn check_api_error(error: ApiError, expected_status: &[StatusCode]) {
    assert!(
        expected_status.contains(&error.status),
        "unexpected status {} ({}: {})",
        error.status,
        error.code,
        error.message
    );
    assert!(error.status.is_client_error());
    assert!(!error.code.is_empty() && !error.message.is_empty());
    let code = error.code;
    let response = error.into_response();
    let body = runtime()
        .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .expect("an in-memory body");
    let body: Value = serde_json::from_slice(&body).expect("the error body is JSON");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string(), "body: {body}");
}

fn has_control(text: &str, allow_newlines: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
}

/// Validates a booking request the way `POST /booking` does and checks what was accepted
/// (or that the refusal is a 422 naming only known fields). An accepted name and address
/// must also make an invite that reads back intact.
pub fn check_booking_object(object: &Map<String, Value>) {
    let event = booking_event();
    match parse_request(event, object) {
        Ok(request) => {
            let name = &request.name;
            assert!(!name.is_empty() && name.trim() == name, "name {name:?}");
            assert!(name.chars().count() <= 200 && !has_control(name, false));
            let given = |field: &str| object.get(field).and_then(Value::as_str).map(str::trim);
            assert_eq!(given("name"), Some(name.as_str()));
            assert_eq!(given("email"), Some(request.email.as_str()));
            assert!(is_email(&request.email) && request.email.len() <= 254);
            assert!(!has_control(&request.email, false));
            if let Some(zone) = &request.timezone {
                assert!(jiff::tz::TimeZone::get(zone).is_ok(), "zone {zone:?}");
            }
            if let Some(notes) = &request.notes {
                assert!(!notes.is_empty() && notes.chars().count() <= 5000);
            }
            // A booking's language is one of the supported locales, read from the field
            // as given (and absent when the field is).
            assert_eq!(
                request.locale,
                object
                    .get("locale")
                    .and_then(Value::as_str)
                    .and_then(openslot::i18n::Locale::parse),
                "locale {:?}",
                object.get("locale")
            );
            for (id, answer) in &request.answers {
                let question = event
                    .questions
                    .iter()
                    .find(|question| &question.id == id)
                    .unwrap_or_else(|| panic!("answer to unknown question {id:?}"));
                let answer = answer.as_str().expect("answers are strings");
                assert!(!answer.is_empty() && answer.trim() == answer);
                if question.kind == QuestionKind::Select {
                    assert!(question.options.iter().any(|option| option == answer));
                }
            }
            for question in &event.questions {
                if question.required {
                    assert!(request.answers.contains_key(&question.id));
                }
            }
            // Whoever may book may be invited: the name and address survive the invite.
            let start = request.start;
            check_invite(&Invite {
                method: InviteMethod::Request,
                uid: "booking-1@example.com".into(),
                sequence: 0,
                stamp: start,
                start,
                end: start,
                summary: format!("{} with Example", event.title),
                description: request.notes.clone().unwrap_or_default(),
                location: None,
                url: None,
                organizer: Person {
                    name: "Example".into(),
                    email: "bookings@example.com".into(),
                },
                sent_by: None,
                attendee: Person {
                    name: request.name.clone(),
                    email: request.email.clone(),
                },
                hosts: Vec::new(),
            });
        }
        Err(error) => {
            let fields = error.fields.clone().unwrap_or_default();
            assert_eq!(error.code, "validation_failed");
            assert!(!fields.is_empty(), "a 422 names at least one field");
            for field in fields.keys() {
                let known = [
                    "start", "name", "email", "timezone", "notes", "answers", "event", "host",
                    "locale",
                ]
                .contains(&field.as_str())
                    || field
                        .strip_prefix("answers.")
                        .is_some_and(|id| event.questions.iter().any(|question| question.id == id));
                assert!(known, "error for unknown field {field:?}");
            }
            check_api_error(error, &[StatusCode::UNPROCESSABLE_ENTITY]);
        }
    }
}

/// What a TEXT value (summary, description, location, uid) must read back as: the
/// writer drops carriage returns and control characters other than newline and tab.
pub fn expected_text(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// What a name (`CN` parameter) must read back as, after RFC 6868 decoding: control
/// characters other than newline are dropped; `None` when nothing is left.
pub fn expected_name(name: &str) -> Option<String> {
    let kept: String = name
        .chars()
        .filter(|&c| !c.is_control() || c == '\n')
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// Decodes RFC 6868 parameter value escapes (`^n`, `^'`, `^^`), which the `icalendar`
/// crate leaves as they are.
pub fn decode_rfc6868(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\'') => out.push('"'),
            Some('^') => out.push('^'),
            Some(other) => {
                out.push('^');
                out.push(other);
            }
            None => out.push('^'),
        }
    }
    out
}

fn utc(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Writes `invite`, parses it back with the `icalendar` crate and compares every field.
pub fn check_invite(invite: &Invite) {
    use icalendar::parser::{read_calendar, unfold};

    let ics = invite.to_ics();
    assert!(ics.ends_with("\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
        assert!(!line.contains(['\r', '\n']), "bare line break in {line:?}");
    }
    let unfolded = unfold(&ics);
    let calendar = read_calendar(&unfolded)
        .unwrap_or_else(|err| panic!("the invite does not parse: {err}\n{ics}"));
    let property = |properties: &[icalendar::parser::Property], name: &str| -> String {
        let found: Vec<_> = properties
            .iter()
            .filter(|property| property.name.as_str() == name)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{name} appears {} times in\n{ics}",
            found.len()
        );
        found[0].val.as_str().to_string()
    };
    let method = match invite.method {
        InviteMethod::Request => "REQUEST",
        InviteMethod::Cancel => "CANCEL",
    };
    assert_eq!(property(&calendar.properties, "METHOD"), method);
    assert_eq!(calendar.components.len(), 1, "one component in\n{ics}");
    let event = &calendar.components[0];
    assert_eq!(event.name.as_str(), "VEVENT");
    assert!(event.components.is_empty());
    let props = &event.properties;
    assert_eq!(property(props, "UID"), expected_text(&invite.uid));
    assert_eq!(property(props, "SEQUENCE"), invite.sequence.to_string());
    assert_eq!(property(props, "DTSTAMP"), utc(invite.stamp));
    assert_eq!(property(props, "DTSTART"), utc(invite.start));
    assert_eq!(property(props, "DTEND"), utc(invite.end));
    assert_eq!(property(props, "SUMMARY"), expected_text(&invite.summary));
    assert_eq!(
        property(props, "DESCRIPTION"),
        expected_text(&invite.description)
    );
    match &invite.location {
        Some(location) => assert_eq!(property(props, "LOCATION"), expected_text(location)),
        None => assert!(props.iter().all(|p| p.name.as_str() != "LOCATION")),
    }
    match &invite.url {
        Some(url) => {
            let kept: String = url.chars().filter(|c| !c.is_control()).collect();
            assert_eq!(property(props, "URL"), kept)
        }
        None => assert!(props.iter().all(|p| p.name.as_str() != "URL")),
    }
    for (name, person) in [
        ("ORGANIZER", &invite.organizer),
        ("ATTENDEE", &invite.attendee),
    ] {
        let found: Vec<_> = props.iter().filter(|p| p.name.as_str() == name).collect();
        assert_eq!(found.len(), 1, "{name} in\n{ics}");
        assert_eq!(
            found[0].val.as_str(),
            format!("mailto:{}", person.email),
            "{name} address in\n{ics}"
        );
        let names: Vec<_> = found[0]
            .params
            .iter()
            .filter(|param| param.key.as_str() == "CN")
            .collect();
        let read = match names.as_slice() {
            [] => None,
            [param] => param.val.as_ref().map(|val| decode_rfc6868(val.as_str())),
            _ => panic!("{name} has several CN parameters in\n{ics}"),
        };
        assert_eq!(read, expected_name(&person.name), "{name} CN in\n{ics}");
    }
    let status = match invite.method {
        InviteMethod::Request => "CONFIRMED",
        InviteMethod::Cancel => "CANCELLED",
    };
    assert_eq!(property(props, "STATUS"), status);
}
