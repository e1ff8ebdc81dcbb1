//! How times and answers are written out, the same on pages and in email.

use jiff::{tz::TimeZone, Timestamp};
use serde_json::{json, Value};

use crate::{catalog::EventType, i18n::Locale};

/// "Tuesday 1 December 2026, 09:00" in `zone`.
pub fn long_time(instant: Timestamp, zone: &TimeZone) -> String {
    instant
        .to_zoned_datetime(zone.clone())
        .strftime("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// The moment `instant` in `zone`, written the way `locale` writes a long date and time
/// ("Tuesday, December 1, 2026 at 9:00 AM" / "Dienstag, 1. Dezember 2026 um 09:00").
pub fn long_time_in(locale: Locale, instant: Timestamp, zone: &TimeZone) -> String {
    crate::i18n::dates(locale).date_time_long(instant.to_zoned_datetime(zone.clone()).datetime())
}

/// A booking's answers as `{"label", "value"}` rows, labelled with the event type's
/// questions (the id when a question no longer exists).
pub fn answer_rows(event: Option<&EventType>, answers: &Value) -> Vec<Value> {
    answers
        .as_object()
        .map(|answers| {
            answers
                .iter()
                .map(|(id, value)| {
                    let label = event
                        .and_then(|event| event.questions.iter().find(|q| &q.id == id))
                        .map(|question| question.label.clone())
                        .unwrap_or_else(|| id.clone());
                    json!({"label": label, "value": value.as_str().unwrap_or("")})
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The zones a booking is shown in, as `(visitor, host)` names: the visitor's is the one
/// asked for, else the invitee's own, else the host's (when neither is a known zone); the
/// host's is the event type's (UTC when the type no longer exists).
pub fn booking_zones(
    event: Option<&EventType>,
    asked: Option<&str>,
    invitee: Option<&str>,
) -> (String, String) {
    let host = event.map_or_else(|| "UTC".to_string(), |event| event.timezone_name.clone());
    let visitor = asked
        .or(invitee)
        .filter(|name| crate::tzdb::zone(name).is_ok())
        .map_or_else(|| host.clone(), str::to_string);
    (visitor, host)
}
