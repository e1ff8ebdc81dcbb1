//! `POST /booking`: validate, check the rules, let the store decide the conflict, answer.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequest, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use jiff::Timestamp;
use openslot_store::Booking;
use serde_json::{json, Value};

use super::{body::JsonObject, error::ApiError};
use crate::web::forms::is_form;
use crate::{
    catalog::EventType,
    domain::{bookings::find_event, BookingError, HostId, NewBookingRequest, Placed},
    hosts::HostDirectory,
    http::state::AppState,
    validate::Fields,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/booking", post(create_booking))
}

/// Reads the `Idempotency-Key` header, if any.
pub fn idempotency_key_header(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    idempotency_key(headers)
}

/// A booking request that passed field validation.
#[derive(Debug)]
pub struct BookingRequest {
    pub start: Timestamp,
    pub name: String,
    pub email: String,
    pub timezone: Option<String>,
    pub notes: Option<String>,
    pub answers: serde_json::Map<String, Value>,
    /// A host the invitee asked for.
    pub host: Option<HostId>,
}

/// Validates the fields of a booking request (JSON API or form) for `event`, collecting
/// every field problem into one 422; whether the time is free is checked later. Public
/// for the fuzz targets.
pub fn parse_request(
    event: &EventType,
    object: &serde_json::Map<String, Value>,
) -> Result<BookingRequest, ApiError> {
    parse_fields(event, object).map_err(ApiError::from)
}

fn parse_fields(
    event: &EventType,
    object: &serde_json::Map<String, Value>,
) -> Result<BookingRequest, BookingError> {
    let mut fields = Fields::new(object);
    let start = match object.get("start") {
        Some(Value::String(text)) => match text.trim().parse::<Timestamp>() {
            Ok(start) => Some(start),
            Err(_) => {
                fields.reject(
                    "start",
                    "must be an RFC 3339 date-time such as 2026-11-25T09:00:00Z",
                );
                None
            }
        },
        None | Some(Value::Null) => {
            fields.reject("start", "is required");
            None
        }
        Some(_) => {
            fields.reject("start", "must be a string");
            None
        }
    };
    let name = fields.required_text("name", 200, false);
    let email = fields.email("email");
    let timezone = fields.timezone("timezone");
    let notes = fields.optional_text("notes", 5000, true);
    let answers = fields.answers(&event.questions);
    if let Some(Value::String(_)) | None | Some(Value::Null) = object.get("event") {
    } else {
        fields.reject("event", "must be a string");
    }
    let host = match object.get("host") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if crate::catalog::valid_slug(id.trim()) => {
            Some(HostId::new(id.trim()))
        }
        Some(_) => {
            fields.reject("host", "must be a host id (a-z, 0-9 and '-')");
            None
        }
    };
    match (start, name, email) {
        (Some(start), Some(name), Some(email)) if fields.errors.is_empty() => Ok(BookingRequest {
            start,
            name,
            email,
            timezone,
            notes,
            answers,
            host,
        }),
        // A missing value always comes with its field's error.
        _ => Err(BookingError::Invalid(fields.errors)),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().ok().map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_string()))
}

/// Who a booking is with: `"host"` (the assigned host) and `"hosts"` (every host it
/// holds, the assigned one first), each `{"id", "name"}`. A host no longer known is named
/// by its id.
pub fn host_fields(hosts: &HostDirectory, booking: &Booking) -> (Value, Value) {
    let named = |id: &str| {
        let name = hosts.get(id).map_or(id, |host| host.name.as_str());
        json!({"id": id, "name": name})
    };
    let held: Vec<Value> = if booking.hosts.is_empty() {
        vec![named(&booking.host_id)]
    } else {
        booking.hosts.iter().map(|id| named(id)).collect()
    };
    (named(&booking.host_id), Value::Array(held))
}

/// The JSON shape of a booking in API answers, with the invitee's manage link and the
/// confirmation page's signed link.
pub fn booking_body(state: &AppState, booking: &Booking) -> Value {
    let (host, hosts) = host_fields(state.catalog.load().hosts(), booking);
    json!({
        "host": host,
        "hosts": hosts,
        "manage_url": state.manage_url(booking),
        "confirmation_url": state.confirmation_url(booking),
        // The Meet / Teams link the host's calendar made for it, once it has one.
        "location": booking.meeting_url,
        "id": booking.id,
        "status": booking.status.as_str(),
        "event": booking.event_slug,
        "start": booking.start,
        "end": booking.end,
        "name": booking.name,
        "email": booking.email,
        "timezone": booking.timezone,
        "created_at": booking.created_at,
    })
}

fn created(state: &AppState, booking: &Booking, replayed: bool) -> Response {
    let mut response = (StatusCode::CREATED, Json(booking_body(state, booking))).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

async fn create_booking(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, Response> {
    if is_form(&headers) {
        return Ok(crate::web::forms::booking_form(state, peer, headers, request).await);
    }
    if let Err(err) = state.check_rate(peer, &headers) {
        state.metrics.record_attempt("unknown", "rate_limited");
        return Err(err.into_response());
    }
    let JsonObject(object) = match JsonObject::from_request(request, &state).await {
        Ok(object) => object,
        Err(err) => {
            state.metrics.record_attempt("unknown", "invalid");
            return Err(err.into_response());
        }
    };
    let key = idempotency_key(&headers).map_err(IntoResponse::into_response)?;
    let result = place_booking(&state, &object, key).await;
    record_attempt(&state, &object, &result);
    match result {
        Ok(placed) => Ok(created(&state, &placed.booking, placed.replayed)),
        Err(err) => Err(ApiError::from(err).into_response()),
    }
}

/// Counts a booking attempt by event type (known ones only) and outcome.
pub fn record_attempt(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
    result: &Result<Placed, BookingError>,
) {
    let catalog = state.catalog.load();
    let event = match object.get("event").and_then(Value::as_str) {
        Some(slug) if catalog.get(slug.trim()).is_some() => slug.trim(),
        Some(_) => "unknown",
        None => catalog
            .default_type()
            .map_or("unknown", |event| event.slug.as_str()),
    };
    let outcome = match result {
        Ok(Placed {
            replayed: false, ..
        }) => "created",
        Ok(Placed { replayed: true, .. }) => "replayed",
        Err(BookingError::SlotTaken) => "slot_taken",
        Err(
            BookingError::SlotUnavailable { .. }
            | BookingError::DayFull
            | BookingError::HostUnavailable(_),
        ) => "slot_unavailable",
        Err(_) => "invalid",
    };
    state.metrics.record_attempt(event, outcome);
    if outcome != "replayed" {
        if let Some(event) = catalog.get(event) {
            state.count_funnel(crate::funnel::ATTEMPT, event);
        }
    }
}

/// Validates a booking described by a JSON object (from the API or a form) and has the
/// domain make it.
pub async fn place_booking(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
    key: Option<String>,
) -> Result<Placed, BookingError> {
    let slug = match object.get("event") {
        Some(Value::String(slug)) => Some(slug.trim().to_string()),
        _ => None,
    };
    let catalog = state.catalog.load();
    let event = find_event(&catalog, slug.as_deref())?;
    let request = parse_fields(event, object)?;
    state
        .domain
        .create(NewBookingRequest {
            event: slug.clone(),
            start: request.start,
            name: request.name,
            email: request.email,
            timezone: request.timezone,
            notes: request.notes,
            answers: request.answers,
            host: request.host,
            idempotency: key,
        })
        .await
}

/// Parses the `start` of a reschedule request.
pub fn parse_start(value: Option<&Value>) -> Result<Timestamp, ApiError> {
    match value {
        Some(Value::String(text)) => text.trim().parse::<Timestamp>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        let mut errors = crate::validate::FieldErrors::new();
        errors.insert(
            "start".into(),
            "pick a new time (an RFC 3339 date-time)".into(),
        );
        ApiError::validation(errors)
    })
}
