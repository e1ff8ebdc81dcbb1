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
use openslot_engine::{check_lookup, check_start, Rejection};
use openslot_store::{
    Booking, BookingStatus, CreateOutcome, IdempotencyClaim, NewBooking, StoreError,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{
    availability::{busy_within, find_event},
    body::JsonObject,
    error::ApiError,
};
use crate::web::forms::is_form;
use crate::{
    catalog::{EventType, Mode},
    state::AppState,
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
}

/// Validates the fields of a booking request (JSON API or form) for `event`, collecting
/// every field problem into one 422; whether the time is free is checked later. Public
/// for the fuzz targets.
pub fn parse_request(
    event: &EventType,
    object: &serde_json::Map<String, Value>,
) -> Result<BookingRequest, ApiError> {
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
    if !fields.errors.is_empty() {
        return Err(ApiError::validation(fields.errors));
    }
    match (start, name, email) {
        (Some(start), Some(name), Some(email)) => Ok(BookingRequest {
            start,
            name,
            email,
            timezone,
            notes,
            answers,
        }),
        _ => Err(ApiError::internal()),
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

fn fingerprint(event: &str, request: &BookingRequest) -> String {
    let canonical = json!([
        event,
        request.start.as_second(),
        request.name,
        request.email.to_lowercase(),
        request.timezone,
        request.notes,
        request.answers,
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unavailable(rejection: Rejection) -> ApiError {
    match rejection {
        Rejection::Busy => StoreError::Overlap.into(),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slot_unavailable",
            format!("{other}; pick one of the times GET /availability offers"),
        ),
    }
}

/// The JSON shape of a booking in API answers, with the invitee's manage link and the
/// confirmation page's signed link.
pub fn booking_body(state: &AppState, booking: &Booking) -> Value {
    json!({
        "manage_url": state.manage_url(booking),
        "confirmation_url": state.confirmation_url(booking),
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
        Ok((booking, replayed)) => Ok(created(&state, &booking, replayed)),
        Err(err) => Err(err.into_response()),
    }
}

/// Counts a booking attempt by event type (known ones only) and outcome.
pub fn record_attempt(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
    result: &Result<(Booking, bool), ApiError>,
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
        Ok((_, false)) => "created",
        Ok((_, true)) => "replayed",
        Err(err) => match err.code {
            "slot_taken" => "slot_taken",
            "slot_unavailable" => "slot_unavailable",
            "rate_limited" => "rate_limited",
            _ => "invalid",
        },
    };
    state.metrics.record_attempt(event, outcome);
    if outcome != "replayed" {
        if let Some(event) = catalog.get(event) {
            state.count_funnel(crate::funnel::ATTEMPT, event);
        }
    }
}

/// Validates and stores a booking described by a JSON object (from the API or a form).
/// Returns the booking and whether it is the replay of an earlier idempotent request.
pub async fn place_booking(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
    key: Option<String>,
) -> Result<(Booking, bool), ApiError> {
    let catalog = state.catalog.load();
    let event = match object.get("event") {
        Some(Value::String(slug)) => find_event(&catalog, Some(slug.trim()))?,
        _ => find_event(&catalog, None)?,
    };
    let request = parse_request(event, object)?;
    let claim = key.map(|key| IdempotencyClaim {
        fingerprint: fingerprint(&event.slug, &request),
        key,
    });
    if let Some(claim) = &claim {
        if let Some(original) = state.store.find_idempotent(claim).await? {
            return Ok((original, true));
        }
    }
    let now = state.clock.now();
    let lookup = check_lookup(&event.rules, request.start);
    let (busy, counts) = busy_within(state, event, &lookup, None);
    let slot = check_start(
        &event.schedule,
        &event.rules,
        &busy,
        &counts,
        request.start,
        now,
    )
    .map_err(unavailable)?;

    let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
    let day_cap = event.day_cap(slot.start);
    let id = uuid::Uuid::now_v7().to_string();
    let status = match event.mode {
        Mode::Request => BookingStatus::Requested,
        Mode::Instant => BookingStatus::Confirmed,
    };
    let expires_at = (event.request_expiry_hours > 0).then(|| {
        (now.as_second() + i64::from(event.request_expiry_hours) * 3600).min(slot.start.as_second())
    });
    let jobs = state
        .notifier
        .jobs_for_new_booking_expiring(&id, status, slot.start, now, expires_at);
    let new = NewBooking {
        id,
        assign: openslot_store::Assign::single(state.host_id.to_string()),
        event_slug: event.slug.clone(),
        status,
        start: slot.start,
        end: slot.end,
        blocked_start,
        blocked_end,
        name: request.name,
        email: request.email,
        timezone: request.timezone,
        notes: request.notes,
        answers: Value::Object(request.answers),
        created_at: now,
        day_cap,
        jobs,
    };
    match state.store.create_booking(new, claim.clone()).await {
        Ok(CreateOutcome::Created(booking)) => {
            state.jobs_wake.notify_one();
            state.busy.apply(&booking);
            tracing::info!(
                booking_id = %booking.id,
                event = %booking.event_slug,
                status = booking.status.as_str(),
                "booking created"
            );
            Ok((booking, false))
        }
        Ok(CreateOutcome::Replayed(booking)) => Ok((booking, true)),
        Err(StoreError::Overlap) => {
            // Our cached busy time was behind; a concurrent retry of the same key may have won.
            if let Some(claim) = &claim {
                if let Some(original) = state.store.find_idempotent(claim).await? {
                    return Ok((original, true));
                }
            }
            state.refresh_busy().await;
            Err(StoreError::Overlap.into())
        }
        Err(err) => Err(err.into()),
    }
}
