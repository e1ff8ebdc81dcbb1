//! `POST /booking`: validate, check the rules, let the store decide the conflict, answer.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequest, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use jiff::Timestamp;
use openslot_store::{Booking, BookingStatus};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    body::JsonObject,
    error::{ApiError, ErrorBody},
};
use crate::web::forms::is_form;
use crate::{
    catalog::EventType,
    domain::{bookings::find_event, BookingError, HostId, NewBookingRequest, Placed},
    hosts::HostDirectory,
    http::state::AppState,
    i18n::Locale,
    validate::Fields,
};

/// `POST /booking`, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_booking))
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
    /// The language the invitee asked for (`None`: the request's own preference decides).
    pub locale: Option<Locale>,
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
    let locale = match object.get("locale") {
        None | Some(Value::Null) => None,
        Some(Value::String(tag)) if tag.trim().is_empty() => None,
        Some(Value::String(tag)) => {
            let locale = Locale::parse(tag);
            if locale.is_none() {
                fields.reject("locale", unsupported_locale_message());
            }
            locale
        }
        Some(_) => {
            fields.reject("locale", unsupported_locale_message());
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
            locale,
        }),
        // A missing value always comes with its field's error.
        _ => Err(BookingError::Invalid(fields.errors)),
    }
}

/// The field error of a `locale` the server has no messages for (the API's messages are
/// English; the pages show their own text for it).
fn unsupported_locale_message() -> String {
    let tags: Vec<&str> = Locale::ALL.iter().map(|locale| locale.tag()).collect();
    format!(
        "must be a supported language tag (one of: {})",
        tags.join(", ")
    )
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
    let (host, held) = booking_hosts(hosts, booking);
    (json!(host), json!(held))
}

fn booking_hosts(hosts: &HostDirectory, booking: &Booking) -> (BookingHost, Vec<BookingHost>) {
    let named = |id: &str| BookingHost {
        id: id.to_string(),
        name: hosts
            .get(id)
            .map_or(id, |host| host.name.as_str())
            .to_string(),
    };
    let held = if booking.hosts.is_empty() {
        vec![named(&booking.host_id)]
    } else {
        booking.hosts.iter().map(|id| named(id)).collect()
    };
    (named(&booking.host_id), held)
}

/// A host a booking is with.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "ada", "name": "Ada Lovelace"}))]
pub struct BookingHost {
    /// The host's id (`[[hosts]] id`; `host` when the install has no `[[hosts]]`).
    pub id: String,
    /// The host's display name.
    pub name: String,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PublicBookingStatus {
    /// Waiting for the host to approve (event types with `mode = "request"`).
    Requested,
    Confirmed,
    Cancelled,
    /// The host declined the request.
    Declined,
    /// The request was not answered in time.
    Expired,
}

impl From<BookingStatus> for PublicBookingStatus {
    fn from(status: BookingStatus) -> Self {
        match status {
            BookingStatus::Requested => PublicBookingStatus::Requested,
            BookingStatus::Confirmed => PublicBookingStatus::Confirmed,
            BookingStatus::Cancelled => PublicBookingStatus::Cancelled,
            BookingStatus::Declined => PublicBookingStatus::Declined,
            BookingStatus::Expired => PublicBookingStatus::Expired,
        }
    }
}

/// A booking as the public API shows it to the invitee who made it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!(PublicBooking::example()))]
pub struct PublicBooking {
    /// The assigned host.
    pub host: BookingHost,
    /// Every host the booking holds, the assigned one first.
    pub hosts: Vec<BookingHost>,
    /// The invitee's signed link to view, cancel or reschedule the booking.
    pub manage_url: String,
    /// The signed token inside `manage_url`: the `{token}` of `/manage/{token}`.
    pub manage_token: String,
    /// The confirmation page with the signed token that shows the booking's details.
    pub confirmation_url: String,
    /// The Meet / Teams link the host's calendar made for it, once it has one.
    pub location: Option<String>,
    pub id: String,
    pub status: PublicBookingStatus,
    /// The event type's slug.
    pub event: String,
    #[schema(value_type = String, format = DateTime)]
    pub start: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub end: Timestamp,
    pub name: String,
    pub email: String,
    /// The invitee's IANA time zone, as given when booking.
    pub timezone: Option<String>,
    /// The invitee's language (BCP 47 tag): their e-mails and invites are written in it.
    #[schema(example = "de")]
    pub locale: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl PublicBooking {
    pub fn new(state: &AppState, booking: &Booking) -> Self {
        let (host, hosts) = booking_hosts(state.catalog.load().hosts(), booking);
        PublicBooking {
            host,
            hosts,
            manage_url: state.manage_url(booking),
            manage_token: crate::links::manage_token(&state.signer, booking),
            confirmation_url: state.confirmation_url(booking),
            location: booking.meeting_url.clone(),
            id: booking.id.clone(),
            status: booking.status.into(),
            event: booking.event_slug.clone(),
            start: booking.start,
            end: booking.end,
            name: booking.name.clone(),
            email: booking.email.clone(),
            timezone: booking.timezone.clone(),
            locale: crate::notify::invitee_locale(booking, state.config.branding.default_locale)
                .tag()
                .to_string(),
            created_at: booking.created_at,
        }
    }

    fn example() -> Value {
        json!({
            "host": {"id": "ada", "name": "Ada Lovelace"},
            "hosts": [{"id": "ada", "name": "Ada Lovelace"}],
            "manage_url": "https://book.example.com/manage/bWFuYWdl.c2lnbmF0dXJl",
            "manage_token": "bWFuYWdl.c2lnbmF0dXJl",
            "confirmation_url": "https://book.example.com/booking/0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b?t=dmlldw.c2ln",
            "location": null,
            "id": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",
            "status": "confirmed",
            "event": "intro-call",
            "start": "2027-01-04T09:30:00Z",
            "end": "2027-01-04T10:00:00Z",
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "timezone": "Europe/London",
            "locale": "en",
            "created_at": "2026-12-01T15:02:11Z"
        })
    }
}

/// The JSON shape of a booking in API answers, with the invitee's manage link and the
/// confirmation page's signed link.
pub fn booking_body(state: &AppState, booking: &Booking) -> Value {
    json!(PublicBooking::new(state, booking))
}

/// The JSON body of `POST /booking` (the handler reads it field by field, to report every
/// problem at once; this is its documented shape).
#[derive(Debug, serde::Deserialize, ToSchema)]
#[schema(example = json!({"event": "intro-call", "start": "2027-01-04T09:30:00Z",
    "name": "Grace Hopper", "email": "grace@example.com", "timezone": "Europe/London",
    "notes": "About the compiler"}))]
pub struct BookingRequestBody {
    /// The event type's slug; the default event type when absent.
    pub event: Option<String>,
    /// One of the `start`s `GET /availability` offers.
    #[schema(value_type = String, format = DateTime)]
    pub start: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The invitee's IANA time zone (used in their e-mails).
    pub timezone: Option<String>,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    /// Answers to the event type's questions, by question id.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<serde_json::Map<String, Value>>,
    /// A host to book with (team event types); any host that can take the time when
    /// absent.
    pub host: Option<String>,
    /// The invitee's language, a BCP 47 tag (`de`, `pt-BR`; `de-AT` means German): their
    /// e-mails and invites are written in it. When absent, the request's `Accept-Language`
    /// decides, else the server's `[branding] default_locale`. A language the server does
    /// not offer is 422 `validation_failed` with a `locale` field error.
    #[schema(example = "de", max_length = 35)]
    pub locale: Option<String>,
}

/// The booking page's form post (`application/x-www-form-urlencoded`): the JSON fields,
/// question answers as `answer_{id}`, and the page's anti-forgery fields.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct BookingForm {
    /// The event type's slug.
    pub event: String,
    #[schema(value_type = String, format = DateTime)]
    pub start: String,
    pub name: String,
    pub email: String,
    pub timezone: Option<String>,
    pub notes: Option<String>,
    pub host: Option<String>,
    /// The language the page was shown in (BCP 47 tag); the request's own preference when
    /// empty or absent.
    pub locale: Option<String>,
    /// The signed form token the booking page carries.
    pub csrf: String,
    /// Honeypot: must be empty.
    pub website: Option<String>,
    /// `1` when the page is embedded.
    pub embed: Option<String>,
    /// The embedding page's origin.
    pub origin: Option<String>,
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

/// Books a time.
///
/// Takes a JSON body (the API) or the booking page's form post. A JSON request answers
/// 201 with the booking (or the first booking made with the same `Idempotency-Key`,
/// marked `Idempotent-Replayed: true`); a form post answers `303 See Other` to the
/// confirmation page, or the page again (HTML) with what went wrong.
#[utoipa::path(
    post,
    path = "/booking",
    operation_id = "createBooking",
    tag = "public",
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "1 to 255 visible ASCII characters. A retry with the same key and body answers the booking made the first time; the same key with a different body is 422 `idempotency_key_reused`."),
    ),
    request_body(
        description = "The booking to make: JSON for the API, or the booking page's form.",
        content(
            (BookingRequestBody = "application/json"),
            (BookingForm = "application/x-www-form-urlencoded"),
        )
    ),
    responses(
        (status = 201, description = "Booked (or, with `mode = \"request\"`, requested: `status` is `requested` until the host answers).",
            body = PublicBooking,
            headers(("Idempotent-Replayed" = String, description = "`true` when this answers an earlier request with the same Idempotency-Key")),
            links(
                ("manage" = (operation_id = "getManagedBooking", parameters(("token" = "$response.body#/manage_token")),
                    description = "The invitee's view of the new booking.")),
                ("cancel" = (operation_id = "cancelManagedBooking", parameters(("token" = "$response.body#/manage_token")),
                    description = "Cancel the new booking.")),
                ("reschedule" = (operation_id = "rescheduleManagedBooking", parameters(("token" = "$response.body#/manage_token")),
                    description = "Move the new booking.")),
            )),
        (status = 303, description = "Form post booked: see the confirmation page.",
            headers(("Location" = String, description = "The confirmation page, with its signed view token"))),
        (status = 400, description = "`malformed_json` (not a JSON object), `invalid_idempotency_key`; form posts: `malformed_form`, or the honeypot was filled (HTML).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "Form posts only: the form's token expired or the post came from another site (HTML, nothing booked).",
            content((String = "text/html"))),
        (status = 404, description = "`event_not_found`: no such event type (or none configured).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "event_not_found", "message": "there is no event type \"nope\""}})),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 409, description = "`slot_taken`: someone else has just booked that time; `event_not_found`: the event type was withdrawn while booking.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "slot_taken", "message": "that time has just been booked by someone else; please pick another"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` (or a form).", body = ErrorBody,
            example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed` (with `fields`; an unsupported `locale` is a `locale` field error), `slot_unavailable` (not an offered time: too soon, outside hours, day full…), `host_unavailable` (the asked-for host cannot take it), `idempotency_key_reused`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"email": "must be an e-mail address"}}})),
        (status = 429, description = "`rate_limited`: too many booking attempts from this address; see `Retry-After`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            headers(("Retry-After" = String, description = "Seconds to wait")),
            example = json!({"error": {"code": "rate_limited", "message": "too many requests from your address; try again in 12 seconds"}})),
        (status = 503, description = "`store_unavailable` (the database cannot be reached) or `busy` (its connections are all in use); nothing was booked, retry.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            headers(("Retry-After" = String, description = "Seconds to wait")),
            example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    )
)]
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
    let result = place_booking(&state, &headers, &object, key).await;
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
/// domain make it. Without a `locale` field the booking is in the language `headers`
/// prefer (language cookie, `Accept-Language`), else the default locale.
pub async fn place_booking(
    state: &AppState,
    headers: &HeaderMap,
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
    let locale = request.locale.unwrap_or_else(|| {
        crate::web::lang::choose(headers, &[], state.config.branding.default_locale)
    });
    state
        .domain
        .create(NewBookingRequest {
            event: slug.clone(),
            start: request.start,
            name: request.name,
            email: request.email,
            timezone: request.timezone,
            locale,
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
