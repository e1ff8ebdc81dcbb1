//! `GET /availability`: free slots of one event type between two dates.

use axum::{
    extract::{rejection::QueryRejection, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use jiff::{civil::Date, tz::TimeZone, Timestamp};
use openslot_engine::window_end;
use serde::Serialize;

use super::error::ApiError;
use crate::{
    catalog::{Catalog, EventType},
    http::state::AppState,
    validate::FieldErrors,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/availability", get(availability))
}

#[derive(Serialize)]
struct SlotBody {
    start: Timestamp,
    end: Timestamp,
}

#[derive(Serialize)]
struct AvailabilityBody<'a> {
    event: &'a str,
    title: &'a str,
    duration_minutes: u32,
    /// The zone `from` and `to` were read in.
    timezone: &'a str,
    /// The zone the host's hours are in.
    host_timezone: &'a str,
    from: Date,
    to: Date,
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
    let offered = state
        .domain
        .team_slots(event, range_start, range_end, now, None);
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
