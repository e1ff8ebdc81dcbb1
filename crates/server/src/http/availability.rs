//! `GET /availability`: free slots of one event type between two dates.

use axum::{
    extract::{rejection::QueryRejection, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use jiff::{civil::Date, tz::TimeZone, Timestamp};
use openslot_engine::window_end;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ErrorBody};
use crate::{
    catalog::{Catalog, EventType},
    http::state::AppState,
    validate::FieldErrors,
};

/// `GET /availability`, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(availability))
}

/// One bookable time.
#[derive(Serialize, ToSchema)]
#[schema(as = Slot, example = json!({"start": "2027-01-04T09:30:00Z", "end": "2027-01-04T10:00:00Z"}))]
pub struct SlotBody {
    /// What to send as `start` to `POST /booking`.
    #[serde(serialize_with = "instant")]
    #[schema(value_type = String, format = DateTime)]
    start: Timestamp,
    #[serde(serialize_with = "instant")]
    #[schema(value_type = String, format = DateTime)]
    end: Timestamp,
}

/// Writes `at` as jiff does (`2027-01-04T09:30:00Z`). A window's answer holds a thousand
/// slots or more, and formatting their instants was most of its cost: whole seconds in
/// years 1970-9999 (every slot) are written directly, anything else by jiff.
fn instant<S: serde::Serializer>(at: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    match rfc3339_utc(*at) {
        Some(text) => serializer.serialize_str(std::str::from_utf8(&text).expect("ASCII digits")),
        None => serializer.collect_str(at),
    }
}

/// `at` as `YYYY-MM-DDTHH:MM:SSZ` when it is a whole second in years 1970 to 9999.
fn rfc3339_utc(at: Timestamp) -> Option<[u8; 20]> {
    thread_local! {
        /// The date part of the last day written: an answer's slots come day by day.
        static LAST_DAY: std::cell::Cell<(i64, [u8; 10])> =
            const { std::cell::Cell::new((-1, [0; 10])) };
    }
    let second = at.as_second();
    if at.subsec_nanosecond() != 0 || !(0..253_402_300_800).contains(&second) {
        return None;
    }
    let (days, time) = (second / 86_400, second % 86_400);
    let mut out = *b"0000-00-00T00:00:00Z";
    let date = LAST_DAY.with(|last| {
        let (cached_days, cached) = last.get();
        if cached_days == days {
            return cached;
        }
        let date = civil_date(days);
        last.set((days, date));
        date
    });
    out[..10].copy_from_slice(&date);
    let two = |out: &mut [u8; 20], at: usize, value: i64| {
        out[at] = b'0' + (value / 10) as u8;
        out[at + 1] = b'0' + (value % 10) as u8;
    };
    two(&mut out, 11, time / 3_600);
    two(&mut out, 14, time / 60 % 60);
    two(&mut out, 17, time % 60);
    Some(out)
}

/// `YYYY-MM-DD` of `days` since 1970-01-01 (H. Hinnant's civil-from-days algorithm).
fn civil_date(days: i64) -> [u8; 10] {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let mut out = *b"0000-00-00";
    let mut put = |at: usize, width: usize, mut value: i64| {
        for index in (at..at + width).rev() {
            out[index] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    out
}

/// The free times of one event type between two dates.
#[derive(Serialize, ToSchema)]
#[schema(as = Availability, example = json!({
    "event": "intro-call", "title": "Intro call", "duration_minutes": 30,
    "timezone": "Europe/London", "host_timezone": "Europe/Berlin",
    "from": "2027-01-04", "to": "2027-01-04",
    "slots": [{"start": "2027-01-04T09:30:00Z", "end": "2027-01-04T10:00:00Z"}]}))]
pub struct AvailabilityBody<'a> {
    /// The event type's slug.
    event: &'a str,
    title: &'a str,
    duration_minutes: u32,
    /// The zone `from` and `to` were read in.
    timezone: &'a str,
    /// The zone the host's hours are in.
    host_timezone: &'a str,
    #[schema(value_type = String, format = Date)]
    from: Date,
    #[schema(value_type = String, format = Date)]
    to: Date,
    /// Every bookable time, earliest first.
    slots: Vec<SlotBody>,
}

fn bad(code: &'static str, field: &str, message: String) -> ApiError {
    let mut fields = FieldErrors::new();
    fields.insert(field.to_string(), message.clone());
    ApiError::new(StatusCode::BAD_REQUEST, code, message).with_fields(fields)
}

fn parse_date(field: &str, text: &str) -> Result<Date, ApiError> {
    let valid = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match text.parse::<Date>() {
        Ok(date) if valid => Ok(date),
        _ => Err(bad(
            "invalid_date",
            field,
            format!("{field} must be a date written YYYY-MM-DD, got {text:?}"),
        )),
    }
}

fn start_of(date: Date, zone: &TimeZone) -> Result<Timestamp, ApiError> {
    date.to_zoned_datetime(zone.clone())
        .map(|zoned| zoned.timestamp())
        .map_err(|_| bad("invalid_date", "from", format!("{date} is out of range")))
}

/// Looks up an event type by slug, or the default one.
pub fn find_event<'a>(catalog: &'a Catalog, slug: Option<&str>) -> Result<&'a EventType, ApiError> {
    Ok(crate::domain::bookings::find_event(catalog, slug)?)
}

/// Free times of an event type.
///
/// Every time between `from` and `to` (whole days in `tz`) at which the event type can be
/// booked now: working hours, buffers, notice, daily caps, the host's calendars and other
/// bookings are already taken into account.
#[utoipa::path(
    get,
    path = "/availability",
    operation_id = "getAvailability",
    tag = "public",
    params(
        ("event" = Option<String>, Query, description = "Event type slug; the default event type when absent.", example = "intro-call"),
        ("tz" = Option<String>, Query, description = "IANA time zone `from` and `to` are read in (default `UTC`).", example = "Europe/London"),
        ("from" = Option<String>, Query, description = "First day, `YYYY-MM-DD` (default, also when empty: today in `tz`).", pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", example = "2027-01-04"),
        ("to" = Option<String>, Query, description = "Last day, `YYYY-MM-DD` (default, also when empty: the end of the booking window).", pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", example = "2027-01-08"),
        ("host" = Option<String>, Query, description = "Only the times this host (by id) can take.", example = "ada"),
    ),
    responses(
        (status = 200, description = "The free times.", body = AvailabilityBody,
            links(("book" = (operation_id = "createBooking",
                request_body = json!({"event": "$response.body#/event", "start": "$response.body#/slots/0/start"}),
                description = "Book the first free time.")))),
        (status = 400, description = "`invalid_query` (the query string cannot be read), `invalid_date` (`from`/`to` not `YYYY-MM-DD`, out of range, or `to` before `from`), `invalid_timezone`, `invalid_host` (not a host of this event type); `fields` names the parameter.",
            body = ErrorBody,
            example = json!({"error": {"code": "invalid_date", "message": "from must be a date written YYYY-MM-DD, got \"tomorrow\"", "fields": {"from": "from must be a date written YYYY-MM-DD, got \"tomorrow\""}}})),
        (status = 404, description = "`event_not_found`: no such event type, or none is configured.", body = ErrorBody,
            example = json!({"error": {"code": "event_not_found", "message": "there is no event type \"nope\""}})),
    )
)]
async fn availability(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query
        .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", err.body_text()))?;
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let catalog = state.catalog.load();
    let event = find_event(&catalog, param("event"))?;
    let zone_name = param("tz").filter(|tz| !tz.is_empty()).unwrap_or("UTC");
    let zone = crate::tzdb::zone(zone_name).map_err(|_| {
        bad(
            "invalid_timezone",
            "tz",
            format!("tz must be an IANA time zone such as Europe/London, got {zone_name:?}"),
        )
    })?;
    let now = state.clock.now();
    let from = match param("from").filter(|text| !text.is_empty()) {
        Some(text) => parse_date("from", text)?,
        None => now.to_zoned_datetime(zone.clone()).date(),
    };
    let to = match param("to").filter(|text| !text.is_empty()) {
        Some(text) => parse_date("to", text)?,
        None => window_end(&event.rules, now)
            .to_zoned_datetime(zone.clone())
            .date(),
    };
    if to < from {
        return Err(bad(
            "invalid_date",
            "to",
            format!("to ({to}) must not be before from ({from})"),
        ));
    }
    let range_start = start_of(from, &zone)?;
    let range_end = match to.tomorrow() {
        Ok(next) => start_of(next, &zone)?,
        Err(_) => Timestamp::MAX,
    };
    // `host`: only the times that host can take (the booking page of a pinned host).
    let pinned = param("host").filter(|host| !host.is_empty());
    if let Some(host) = pinned {
        if !state.domain.serves(event, host) {
            return Err(bad(
                "invalid_host",
                "host",
                format!("host {host:?} is not one of the hosts of {:?}", event.slug),
            ));
        }
    }
    let offered = state
        .domain
        .team_slots_pinned(event, range_start, range_end, now, pinned);
    state
        .metrics
        .record_availability(&event.slug, offered.len());
    state.count_funnel(crate::funnel::AVAILABILITY, event);
    let body = AvailabilityBody {
        event: &event.slug,
        title: &event.title,
        duration_minutes: event.rules.duration_minutes,
        timezone: zone_name,
        host_timezone: &event.timezone_name,
        from,
        to,
        slots: offered
            .into_iter()
            .map(|slot| SlotBody {
                start: slot.start,
                end: slot.end,
            })
            .collect(),
    };
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn instants_are_written_as_jiff_writes_them(second in -1_000_000i64..253_402_400_000) {
            let at = Timestamp::from_second(second).unwrap();
            let written = serde_json::to_value(SlotBody { start: at, end: at }).unwrap();
            prop_assert_eq!(written["start"].as_str().unwrap(), at.to_string());
        }
    }

    #[test]
    fn fractions_of_seconds_are_left_to_jiff() {
        let at = Timestamp::new(1_800_000_000, 500_000_000).unwrap();
        let written = serde_json::to_value(SlotBody { start: at, end: at }).unwrap();
        assert_eq!(written["end"].as_str().unwrap(), at.to_string());
        assert!(rfc3339_utc(at).is_none());
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T12:34:56Z",
            "2100-03-01T00:00:00Z",
            "9999-12-30T12:00:00Z",
        ] {
            let at: Timestamp = text.parse().unwrap();
            assert_eq!(
                rfc3339_utc(at).map(|out| out.to_vec()),
                Some(text.as_bytes().to_vec())
            );
        }
    }
}
