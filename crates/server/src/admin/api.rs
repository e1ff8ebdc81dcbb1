//! `/api/v1`: the admin actions as JSON for automation, authorised by an API token
//! (`Authorization: Bearer TOKEN`, created under `/admin/tokens` or with
//! `openslot admin create-token NAME --scope ...`). Each handler first checks the scope it
//! needs (before reading a body), then its caller's role. Errors use the standard
//! `{"error": {...}}` shape. Every route is registered through [`api`] from its
//! `#[utoipa::path]`, so the served OpenAPI document describes exactly the routes that
//! exist, with the scope each checks.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Json,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::ApiCaller,
    bookings::{self, BookingView, Filter, HistoryEntry},
    calendars::{self, CalendarView, NewCalendar},
    dashboard::{self, Dashboard, Range},
    event_types::{self, EventTypeView},
    hosts::{self, HostView},
    system::{self, AuditEntryView, AuditQuery, JobView},
};
use crate::{
    config::{EventTypeConfig, HostEntryConfig},
    http::state::AppState,
    http::{
        body::JsonObject,
        error::{ApiError, ErrorBody},
    },
    scopes::Scope,
    validate::FieldErrors,
};

/// The documented `/api/v1` routes (the calendar-account ones come from
/// [`super::oauth::api`]). The generic `{action}` routes stay, undocumented, so an unknown
/// action keeps its `unknown_action` answer.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bookings))
        .routes(routes!(export_bookings))
        .routes(routes!(get_booking))
        .routes(routes!(approve_booking))
        .routes(routes!(decline_booking))
        .routes(routes!(cancel_booking))
        .routes(routes!(reschedule_booking))
        .route("/api/v1/bookings/{id}/{action}", post(act_on_booking))
        .routes(routes!(list_event_types, create_event_type))
        .routes(routes!(
            get_event_type,
            update_event_type,
            update_event_type_by_post
        ))
        .routes(routes!(enable_event_type))
        .routes(routes!(disable_event_type))
        .route(
            "/api/v1/event-types/{slug}/{action}",
            post(toggle_event_type),
        )
        .routes(routes!(list_hosts, create_host))
        .routes(routes!(get_host, update_host, update_host_by_post))
        .routes(routes!(list_calendars, add_calendar))
        .routes(routes!(enable_host))
        .routes(routes!(disable_host))
        .route("/api/v1/hosts/{id}/{action}", post(toggle_host))
        .routes(routes!(get_calendar, delete_calendar))
        .routes(routes!(sync_calendar))
        .routes(routes!(get_dashboard))
        .routes(routes!(list_failed_jobs))
        .routes(routes!(retry_job))
        .routes(routes!(list_audit))
        .merge(super::oauth::api())
}

/// A page of bookings.
#[derive(Serialize, ToSchema)]
pub struct BookingList {
    pub bookings: Vec<BookingView>,
    /// How many bookings match the filter in all.
    pub total: i64,
    /// This page's number (50 bookings a page, from 0).
    pub page: u32,
}

/// A booking with its history.
#[derive(Serialize, ToSchema)]
pub struct BookingDetail {
    #[serde(flatten)]
    pub booking: BookingView,
    /// What happened to it, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// The body of approve, decline and cancel: an optional message for the invitee (`reason`
/// is read when `message` is absent). The body may be left out.
#[derive(serde::Deserialize, ToSchema)]
#[schema(example = json!({"message": "Sorry, that day no longer works for us."}))]
pub struct BookingMessageBody {
    /// At most 1000 characters of text; shown to the invitee.
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub message: Option<String>,
    /// The same as `message` (its older name).
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub reason: Option<String>,
}

/// The body of a reschedule.
#[derive(serde::Deserialize, ToSchema)]
#[schema(example = json!({"start": "2026-12-15T14:00:00Z"}))]
pub struct RescheduleBody {
    /// The new start, one of the times availability offers.
    #[schema(format = DateTime)]
    pub start: String,
}

/// Event types.
#[derive(Serialize, ToSchema)]
pub struct EventTypeList {
    pub event_types: Vec<EventTypeView>,
}

/// An event type to create or replace: the configuration-file keys plus `enabled`.
#[derive(serde::Deserialize, ToSchema)]
#[schema(example = json!({"slug": "intro", "title": "Intro call", "duration_minutes": 20, "hours": ["09:00-12:00"], "enabled": true}))]
pub struct EventTypeBody {
    #[serde(flatten)]
    pub definition: EventTypeConfig,
    /// Whether it is bookable (default true).
    pub enabled: Option<bool>,
}

/// Hosts.
#[derive(Serialize, ToSchema)]
pub struct HostList {
    pub hosts: Vec<HostView>,
}

/// A host to create or replace: the configuration-file keys (no `calendars`) plus
/// `enabled`. A host user's changes to `name`, `email`, `max_per_day` and `enabled` are
/// ignored.
#[derive(serde::Deserialize, ToSchema)]
#[schema(example = json!({"id": "grace", "name": "Grace Hopper", "email": "grace@example.com", "timezone": "America/New_York", "hours": ["09:00-17:00"], "enabled": true}))]
pub struct HostBody {
    #[serde(flatten)]
    pub definition: HostEntryConfig,
    /// Whether it takes new bookings (default: as stored, true for a new host).
    pub enabled: Option<bool>,
}

/// Changes to a host: the keys sent replace the stored ones, the others stay.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"hours": ["10:00-16:00"], "time_off": [{"from": "2026-12-24", "to": "2026-12-31"}]}))]
pub struct HostUpdateBody {
    /// The host's id; cannot change.
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// Weekly hours, e.g. `09:00-17:00`.
    pub hours: Option<Vec<String>>,
    /// `mon` to `sun`.
    pub weekdays: Option<Vec<String>>,
    /// Bookings per day in the host's zone, across all event types.
    pub max_per_day: Option<u32>,
    pub overrides: Option<Vec<crate::config::OverrideConfig>>,
    pub time_off: Option<Vec<crate::config::TimeOffConfig>>,
    pub enabled: Option<bool>,
}

/// A host's calendar connections.
#[derive(Serialize, ToSchema)]
pub struct CalendarList {
    pub calendars: Vec<CalendarView>,
}

/// A CalDAV calendar or ICS feed to connect.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "caldav", "url": "https://dav.example.com/calendars/ada/work/", "username": "ada", "password": "app-password", "busy": true, "write": false}))]
pub struct CalendarBody {
    /// `caldav` or `ics`.
    #[schema(pattern = "^\\s*(caldav|ics)\\s*$")]
    pub kind: String,
    #[schema(format = "uri")]
    pub url: String,
    pub username: Option<String>,
    /// Stored sealed; never shown again.
    pub password: Option<String>,
    /// Read busy time from it (default true).
    pub busy: Option<bool>,
    /// Write confirmed bookings into it (default false; one per host).
    pub write: Option<bool>,
    /// Minutes between syncs (default: the kind's).
    #[schema(minimum = 1, maximum = 1440)]
    pub refresh_minutes: Option<u32>,
    /// All-day events block their day (default true).
    pub all_day_busy: Option<bool>,
}

/// A queued piece of work.
#[derive(Serialize, ToSchema)]
pub struct Queued {
    pub id: String,
    /// `queued` (a job) or `due` (a calendar sync).
    pub state: &'static str,
}

/// Failed jobs (at most 100).
#[derive(Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<JobView>,
}

/// Audit entries, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditEntryView>,
}

type ApiResult = Result<Response, ApiError>;

fn ok(value: impl Serialize) -> ApiResult {
    Ok(Json(value).into_response())
}

fn query<T: Default>(
    query: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    match query {
        Ok(Query(value)) => Ok(value),
        Err(err) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            err.body_text(),
        )),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/bookings",
    operation_id = "listBookings",
    tag = "bookings",
    summary = "List bookings",
    params(Filter),
    responses(
        (status = 200, description = "Bookings matching the filter, newest start first, 50 a page.", body = BookingList),
        (status = 400, description = "`invalid_query`: the query string could not be read.", body = ErrorBody, example = json!({"error": {"code": "invalid_query", "message": "Failed to deserialize query string: page: invalid digit found in string"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:read`"}})),
        (status = 422, description = "`validation_failed`: a filter is wrong (`fields` names it).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"status": "one of requested, confirmed, cancelled, declined, expired"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:read"]))
)]
async fn list_bookings(
    State(state): State<AppState>,
    caller: ApiCaller,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::BookingsRead)?;
    let filter = query(filter)?;
    let (found, total) = bookings::find(&state, &filter, &caller.role).await?;
    ok(BookingList {
        bookings: found
            .iter()
            .map(|b| bookings::booking_view(&state, b))
            .collect(),
        total,
        page: filter.page.unwrap_or(0),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/bookings.csv",
    operation_id = "exportBookings",
    tag = "bookings",
    summary = "Export bookings as CSV",
    params(Filter),
    responses(
        (status = 200, description = "Every booking matching the filter (`page` is ignored) as CSV, formula-safe.", content_type = "text/csv", body = String, example = "id,status,event,start,end,name,email,timezone,notes,answers,created_at,confirmed_at,reason\r\n"),
        (status = 400, description = "`invalid_query`: the query string could not be read.", body = ErrorBody, example = json!({"error": {"code": "invalid_query", "message": "Failed to deserialize query string: page: invalid digit found in string"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:read`"}})),
        (status = 422, description = "`validation_failed`: a filter is wrong.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"from": "a date such as 2026-12-01"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:read"]))
)]
async fn export_bookings(
    State(state): State<AppState>,
    caller: ApiCaller,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::BookingsRead)?;
    let filter = query(filter)?;
    let text = bookings::csv_text(&state, &filter, &caller.role).await?;
    state
        .domain
        .audit(
            &caller.actor,
            "booking.export",
            "bookings".into(),
            None,
            Some(json!(filter)),
        )
        .await;
    Ok(bookings::csv_response(text))
}

#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}",
    operation_id = "getBooking",
    tag = "bookings",
    summary = "Read a booking",
    params(("id" = String, Path, description = "The booking id")),
    responses(
        (status = 200, description = "The booking and its history.", body = BookingDetail, links(("cancelBooking" = (operation_id = "cancelBooking", parameters(("id" = "$response.body#/id")))), ("rescheduleBooking" = (operation_id = "rescheduleBooking", parameters(("id" = "$response.body#/id")))))),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:read`"}})),
        (status = 404, description = "`booking_not_found`: there is no such booking", body = ErrorBody, example = json!({"error": {"code": "booking_not_found", "message": "there is no such booking"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:read"]))
)]
async fn get_booking(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::BookingsRead)?;
    let (booking, history) = bookings::with_history(&state, &id, &caller.role).await?;
    ok(BookingDetail {
        booking: bookings::booking_view(&state, &booking),
        history,
    })
}

fn optional_string(
    object: &Map<String, Value>,
    names: &[&str],
) -> Result<Option<String>, ApiError> {
    // Every alias given is checked like the message itself (a bad value under an alias is
    // still an error); the first non-empty one wins.
    let mut fields = crate::validate::Fields::new(object);
    let texts: Vec<Option<String>> = names
        .iter()
        .map(|name| fields.optional_text(name, 1000, true))
        .collect();
    if !fields.errors.is_empty() {
        return Err(ApiError::validation(fields.errors));
    }
    Ok(texts.into_iter().flatten().next())
}

async fn act_on_booking(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, action)): Path<(String, String)>,
    request: axum::extract::Request,
) -> ApiResult {
    caller.require(Scope::BookingsWrite)?;
    let empty = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .is_some_and(|length| length == "0")
        || request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_none();
    let object = if empty {
        Map::new()
    } else {
        use axum::extract::FromRequest;
        JsonObject::from_request(request, &()).await?.0
    };
    let message = optional_string(&object, &["message", "reason"])?;
    let booking = bookings::apply(
        &state,
        &id,
        &action,
        message,
        object.get("start"),
        &caller.actor,
        &caller.role,
    )
    .await?;
    ok(bookings::booking_view(&state, &booking))
}

#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/approve",
    operation_id = "approveBooking",
    tag = "bookings",
    summary = "Approve a requested booking",
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = Option<BookingMessageBody>, description = "Optional; `message` (or `reason`) is passed to the invitee."),
    responses(
        (status = 200, description = "The booking after the change.", body = BookingView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:write`"}})),
        (status = 404, description = "`booking_not_found`: there is no such booking", body = ErrorBody, example = json!({"error": {"code": "booking_not_found", "message": "there is no such booking"}})),
        (status = 409, description = "`booking_not_active`: the booking is not in a state this action applies to.", body = ErrorBody, example = json!({"error": {"code": "booking_not_active", "message": "the booking is cancelled"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: `message` is too long or not text.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"message": "at most 1000 characters of text"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:write"]))
)]
async fn approve_booking(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult {
    act_on_booking(state, caller, Path((id, "approve".into())), request).await
}

#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/decline",
    operation_id = "declineBooking",
    tag = "bookings",
    summary = "Decline a requested booking",
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = Option<BookingMessageBody>, description = "Optional; `message` (or `reason`) is passed to the invitee."),
    responses(
        (status = 200, description = "The booking after the change.", body = BookingView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:write`"}})),
        (status = 404, description = "`booking_not_found`: there is no such booking", body = ErrorBody, example = json!({"error": {"code": "booking_not_found", "message": "there is no such booking"}})),
        (status = 409, description = "`booking_not_active`: the booking is not in a state this action applies to.", body = ErrorBody, example = json!({"error": {"code": "booking_not_active", "message": "the booking is cancelled"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: `message` is too long or not text.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"message": "at most 1000 characters of text"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:write"]))
)]
async fn decline_booking(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult {
    act_on_booking(state, caller, Path((id, "decline".into())), request).await
}

#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/cancel",
    operation_id = "cancelBooking",
    tag = "bookings",
    summary = "Cancel a booking",
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = Option<BookingMessageBody>, description = "Optional; `message` (or `reason`) is passed to the invitee."),
    responses(
        (status = 200, description = "The booking after the change.", body = BookingView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:write`"}})),
        (status = 404, description = "`booking_not_found`: there is no such booking", body = ErrorBody, example = json!({"error": {"code": "booking_not_found", "message": "there is no such booking"}})),
        (status = 409, description = "`booking_not_active`: the booking is not in a state this action applies to.", body = ErrorBody, example = json!({"error": {"code": "booking_not_active", "message": "the booking is cancelled"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: `message` is too long or not text.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"message": "at most 1000 characters of text"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:write"]))
)]
async fn cancel_booking(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult {
    act_on_booking(state, caller, Path((id, "cancel".into())), request).await
}

#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/reschedule",
    operation_id = "rescheduleBooking",
    tag = "bookings",
    summary = "Move a booking to another time",
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = RescheduleBody),
    responses(
        (status = 200, description = "The booking at its new time.", body = BookingView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `bookings:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `bookings:write`"}})),
        (status = 404, description = "`booking_not_found`: there is no such booking", body = ErrorBody, example = json!({"error": {"code": "booking_not_found", "message": "there is no such booking"}})),
        (status = 409, description = "`booking_not_active`: the booking is no longer active. `slot_taken`: the new time was just taken. `event_not_found`: the event type was withdrawn.", body = ErrorBody, example = json!({"error": {"code": "slot_taken", "message": "that time has just been booked by someone else; please pick another"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: `start` is missing or not an RFC 3339 date-time. `slot_unavailable`: the time is not offered. `host_unavailable`: the host cannot take it. `change_window_closed`: too close to the meeting to change it.", body = ErrorBody, examples(("validation_failed" = (value = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"start": "pick a new time (an RFC 3339 date-time)"}}}))), ("slot_unavailable" = (value = json!({"error": {"code": "slot_unavailable", "message": "that time is not offered; pick one of the offered times"}}))))),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["bookings:write"]))
)]
async fn reschedule_booking(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult {
    act_on_booking(state, caller, Path((id, "reschedule".into())), request).await
}

#[utoipa::path(
    get,
    path = "/api/v1/event-types",
    operation_id = "listEventTypes",
    tag = "event-types",
    summary = "List event types",
    responses(
        (status = 200, description = "Every stored event type, in order.", body = EventTypeList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:read"]))
)]
async fn list_event_types(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::EventTypesRead)?;
    caller.role.require_admin()?;
    ok(EventTypeList {
        event_types: event_types::listing(&state).await?,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/event-types/{slug}",
    operation_id = "getEventType",
    tag = "event-types",
    summary = "Read an event type",
    params(("slug" = String, Path, description = "The event type's slug")),
    responses(
        (status = 200, description = "The event type.", body = EventTypeView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`event_type_not_found`: there is no event type \"intro\"", body = ErrorBody, example = json!({"error": {"code": "event_type_not_found", "message": "there is no event type \"intro\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:read"]))
)]
async fn get_event_type(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult {
    caller.require(Scope::EventTypesRead)?;
    caller.role.require_admin()?;
    let listing = event_types::listing(&state).await?;
    listing
        .into_iter()
        .find(|row| row.slug == slug)
        .map(Json)
        .map(IntoResponse::into_response)
        .ok_or_else(|| {
            ApiError::not_found(
                "event_type_not_found",
                format!("there is no event type {slug:?}"),
            )
        })
}

/// Reads an event type definition: the config-file keys, plus `enabled`.
fn definition(
    mut object: Map<String, Value>,
    slug: Option<&str>,
) -> Result<(EventTypeConfig, bool), ApiError> {
    let enabled = match object.remove("enabled") {
        None => true,
        Some(Value::Bool(enabled)) => enabled,
        Some(_) => {
            let mut errors = FieldErrors::new();
            errors.insert("enabled".into(), "must be true or false".into());
            return Err(ApiError::validation(errors));
        }
    };
    if let Some(slug) = slug {
        match object.get("slug") {
            None => {
                object.insert("slug".into(), json!(slug));
            }
            Some(Value::String(given)) if given == slug => {}
            Some(_) => {
                let mut errors = FieldErrors::new();
                errors.insert(
                    "slug".into(),
                    "the slug of an event type cannot change".into(),
                );
                return Err(ApiError::validation(errors));
            }
        }
    }
    let entry: EventTypeConfig = serde_json::from_value(Value::Object(object)).map_err(|err| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("the event type is not valid: {err}"),
        )
    })?;
    Ok((entry, enabled))
}

fn saved(row: openslot_store::StoredEventType, status: StatusCode) -> ApiResult {
    Ok((status, Json(event_types::event_type_view(&row))).into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/event-types",
    operation_id = "createEventType",
    tag = "event-types",
    summary = "Create an event type",
    request_body(content = EventTypeBody),
    responses(
        (status = 201, description = "The stored event type.", body = EventTypeView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 409, description = "`event_type_exists`: the slug is taken.", body = ErrorBody, example = json!({"error": {"code": "event_type_exists", "message": "there is already an event type \"intro\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key when it can).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"slug": "1-64 of a-z, 0-9 and '-'"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:write"]))
)]
async fn create_event_type(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::EventTypesWrite)?;
    let JsonObject(object) = body?;
    caller.role.require_admin()?;
    let (entry, enabled) = definition(object, None)?;
    let row = event_types::save(&state, entry, enabled, true, &caller.actor).await?;
    saved(row, StatusCode::CREATED)
}

#[utoipa::path(
    put,
    path = "/api/v1/event-types/{slug}",
    operation_id = "updateEventType",
    tag = "event-types",
    summary = "Replace an event type",
    params(("slug" = String, Path, description = "The event type's slug")),
    request_body(content = EventTypeBody, description = "The whole definition; `slug` may be left out but cannot change."),
    responses(
        (status = 200, description = "The stored event type.", body = EventTypeView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`event_type_not_found`: there is no event type \"intro\"", body = ErrorBody, example = json!({"error": {"code": "event_type_not_found", "message": "there is no event type \"intro\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key when it can).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"slug": "1-64 of a-z, 0-9 and '-'"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:write"]))
)]
async fn update_event_type(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::EventTypesWrite)?;
    let JsonObject(object) = body?;
    caller.role.require_admin()?;
    let (entry, enabled) = definition(object, Some(&slug))?;
    let row = event_types::save(&state, entry, enabled, false, &caller.actor).await?;
    saved(row, StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/api/v1/event-types/{slug}",
    operation_id = "updateEventTypeByPost",
    tag = "event-types",
    summary = "Replace an event type (POST, for clients without PUT)",
    params(("slug" = String, Path, description = "The event type's slug")),
    request_body(content = EventTypeBody, description = "The whole definition; `slug` may be left out but cannot change."),
    responses(
        (status = 200, description = "The stored event type.", body = EventTypeView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`event_type_not_found`: there is no event type \"intro\"", body = ErrorBody, example = json!({"error": {"code": "event_type_not_found", "message": "there is no event type \"intro\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key when it can).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"slug": "1-64 of a-z, 0-9 and '-'"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:write"]))
)]
async fn update_event_type_by_post(
    state: State<AppState>,
    caller: ApiCaller,
    slug: Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    update_event_type(state, caller, slug, body).await
}

async fn toggle_event_type(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((slug, action)): Path<(String, String)>,
) -> ApiResult {
    caller.require(Scope::EventTypesWrite)?;
    caller.role.require_admin()?;
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => {
            return Err(ApiError::not_found(
                "unknown_action",
                "the action must be enable or disable",
            ))
        }
    };
    let row = event_types::set_enabled(&state, &slug, enabled, &caller.actor).await?;
    saved(row, StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/api/v1/event-types/{slug}/enable",
    operation_id = "enableEventType",
    tag = "event-types",
    summary = "Make an event type bookable",
    params(("slug" = String, Path, description = "The event type's slug")),
    responses(
        (status = 200, description = "The stored event type.", body = EventTypeView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`event_type_not_found`: there is no event type \"intro\"", body = ErrorBody, example = json!({"error": {"code": "event_type_not_found", "message": "there is no event type \"intro\""}})),
        (status = 422, description = "`validation_failed`: the stored definition no longer validates.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"hours": "a range such as 09:00-17:00"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:write"]))
)]
async fn enable_event_type(
    state: State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult {
    toggle_event_type(state, caller, Path((slug, "enable".into()))).await
}

#[utoipa::path(
    post,
    path = "/api/v1/event-types/{slug}/disable",
    operation_id = "disableEventType",
    tag = "event-types",
    summary = "Stop offering an event type",
    params(("slug" = String, Path, description = "The event type's slug")),
    responses(
        (status = 200, description = "The stored event type.", body = EventTypeView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `event_types:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `event_types:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`event_type_not_found`: there is no event type \"intro\"", body = ErrorBody, example = json!({"error": {"code": "event_type_not_found", "message": "there is no event type \"intro\""}})),
        (status = 422, description = "`validation_failed`: the stored definition no longer validates.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"hours": "a range such as 09:00-17:00"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["event_types:write"]))
)]
async fn disable_event_type(
    state: State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult {
    toggle_event_type(state, caller, Path((slug, "disable".into()))).await
}

#[utoipa::path(
    get,
    path = "/api/v1/hosts",
    operation_id = "listHosts",
    tag = "hosts",
    summary = "List hosts",
    responses(
        (status = 200, description = "Every host the token may see (a host user: their own).", body = HostList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn list_hosts(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    ok(HostList {
        hosts: hosts::listing(&state, &caller.role).await?,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/hosts/{id}",
    operation_id = "getHost",
    tag = "hosts",
    summary = "Read a host",
    params(("id" = String, Path, description = "The host's id")),
    responses(
        (status = 200, description = "The host.", body = HostView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn get_host(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let row = hosts::stored(&state, &id, &caller.role).await?;
    ok(hosts::host_view(&row))
}

fn saved_host(row: openslot_store::StoredHost, status: StatusCode) -> ApiResult {
    Ok((status, Json(hosts::host_view(&row))).into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/hosts",
    operation_id = "createHost",
    tag = "hosts",
    summary = "Create a host",
    request_body(content = HostBody),
    responses(
        (status = 201, description = "The stored host.", body = HostView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 409, description = "`host_exists`: the id is taken.", body = ErrorBody, example = json!({"error": {"code": "host_exists", "message": "there is already a host \"grace\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"timezone": "an IANA time zone such as Europe/London"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn create_host(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let JsonObject(object) = body?;
    caller.role.require_admin()?;
    let (entry, enabled) = hosts::definition_from_json(object, None, None)?;
    let row = hosts::save(&state, entry, enabled, true, &caller.actor, &caller.role).await?;
    saved_host(row, StatusCode::CREATED)
}

#[utoipa::path(
    put,
    path = "/api/v1/hosts/{id}",
    operation_id = "updateHost",
    tag = "hosts",
    summary = "Replace a host",
    params(("id" = String, Path, description = "The host's id")),
    request_body(content = HostUpdateBody, description = "The keys to change; `id` may be left out but cannot change."),
    responses(
        (status = 200, description = "The stored host.", body = HostView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"timezone": "an IANA time zone such as Europe/London"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn update_host(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let JsonObject(object) = body?;
    let stored = hosts::stored(&state, &id, &caller.role).await?;
    let (entry, enabled) = hosts::definition_from_json(object, Some(&id), Some(&stored))?;
    let row = hosts::save(&state, entry, enabled, false, &caller.actor, &caller.role).await?;
    saved_host(row, StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/api/v1/hosts/{id}",
    operation_id = "updateHostByPost",
    tag = "hosts",
    summary = "Replace a host (POST, for clients without PUT)",
    params(("id" = String, Path, description = "The host's id")),
    request_body(content = HostUpdateBody, description = "The keys to change; `id` may be left out but cannot change."),
    responses(
        (status = 200, description = "The stored host.", body = HostView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: the definition is not valid (`fields` names the key).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"timezone": "an IANA time zone such as Europe/London"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn update_host_by_post(
    state: State<AppState>,
    caller: ApiCaller,
    id: Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    update_host(state, caller, id, body).await
}

async fn toggle_host(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, action)): Path<(String, String)>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => {
            return Err(ApiError::not_found(
                "unknown_action",
                "the action must be enable or disable",
            ))
        }
    };
    let row = hosts::set_enabled(&state, &id, enabled, &caller.actor, &caller.role).await?;
    saved_host(row, StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/api/v1/hosts/{id}/enable",
    operation_id = "enableHost",
    tag = "hosts",
    summary = "Let a host take new bookings",
    params(("id" = String, Path, description = "The host's id")),
    responses(
        (status = 200, description = "The stored host.", body = HostView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 422, description = "`validation_failed`: the stored definition no longer validates.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"hours": "a range such as 09:00-17:00"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn enable_host(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    toggle_host(state, caller, Path((id, "enable".into()))).await
}

#[utoipa::path(
    post,
    path = "/api/v1/hosts/{id}/disable",
    operation_id = "disableHost",
    tag = "hosts",
    summary = "Stop new bookings with a host",
    params(("id" = String, Path, description = "The host's id")),
    responses(
        (status = 200, description = "The stored host.", body = HostView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 422, description = "`validation_failed`: the stored definition no longer validates.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"hours": "a range such as 09:00-17:00"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn disable_host(
    state: State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    toggle_host(state, caller, Path((id, "disable".into()))).await
}

#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    operation_id = "getDashboard",
    tag = "operations",
    summary = "Dashboard numbers",
    params(Range),
    responses(
        (status = 200, description = "The dashboard's numbers over the range (default: the last 30 days).", body = Dashboard),
        (status = 400, description = "`invalid_query`: the query string could not be read.", body = ErrorBody, example = json!({"error": {"code": "invalid_query", "message": "Failed to deserialize query string: page: invalid digit found in string"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `admin` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `admin`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 422, description = "`validation_failed`: a date is wrong or the range is over 366 days.", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"from": "must not be after `to`"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["admin"]))
)]
async fn get_dashboard(
    State(state): State<AppState>,
    caller: ApiCaller,
    range: Result<Query<Range>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    let range = query(range)?;
    let body = dashboard::data(&state, &range).await?;
    ok(Dashboard {
        charts: None,
        ..body
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/jobs/failed",
    operation_id = "listFailedJobs",
    tag = "operations",
    summary = "List failed jobs",
    responses(
        (status = 200, description = "Jobs that failed (retrying or dead), at most 100.", body = JobList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `admin` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `admin`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["admin"]))
)]
async fn list_failed_jobs(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    ok(JobList {
        jobs: system::failed_jobs(&state).await?,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/retry",
    operation_id = "retryJob",
    tag = "operations",
    summary = "Retry a dead job",
    params(("id" = String, Path, description = "The job id")),
    responses(
        (status = 200, description = "The job is queued again.", body = Queued, example = json!({"id": "0190c8d2-0000-7000-8000-000000000002", "state": "queued"})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `admin` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `admin`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 409, description = "`job_not_dead`: only a dead job can be retried (also the answer for an unknown id).", body = ErrorBody, example = json!({"error": {"code": "job_not_dead", "message": "only a dead job can be retried (it may be queued already)"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["admin"]))
)]
async fn retry_job(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    system::retry(&state, &id, &caller.actor).await?;
    ok(Queued {
        id,
        state: "queued",
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "listAudit",
    tag = "operations",
    summary = "Read the audit log",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries, newest first.", body = AuditList),
        (status = 400, description = "`invalid_query`: the query string could not be read.", body = ErrorBody, example = json!({"error": {"code": "invalid_query", "message": "Failed to deserialize query string: page: invalid digit found in string"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `audit:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `audit:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["audit:read"]))
)]
async fn list_audit(
    State(state): State<AppState>,
    caller: ApiCaller,
    audit: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::AuditRead)?;
    caller.role.require_admin()?;
    let audit = query(audit)?;
    ok(AuditList {
        entries: system::audit_entries(&state, &audit).await?,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/hosts/{id}/calendars",
    operation_id = "listCalendars",
    tag = "hosts",
    summary = "List a host's calendars",
    params(("id" = String, Path, description = "The host's id")),
    responses(
        (status = 200, description = "The host's calendar connections.", body = CalendarList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn list_calendars(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    calendars::check_host(&state, &id, &caller.role)?;
    let rows = calendars::connections(&state, &caller.role, Some(&id)).await?;
    let now = state.clock.now().as_second();
    ok(CalendarList {
        calendars: rows
            .iter()
            .map(|row| calendars::connection_view(&state, row, now))
            .collect(),
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/hosts/{id}/calendars",
    operation_id = "addCalendar",
    tag = "hosts",
    summary = "Connect a CalDAV calendar or ICS feed",
    params(("id" = String, Path, description = "The host's id")),
    request_body(content = CalendarBody),
    responses(
        (status = 201, description = "The new connection; its first sync is under way.", body = CalendarView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 409, description = "`calendar_exists`: this calendar is already connected for this host (`fields.url`).", body = ErrorBody, example = json!({"error": {"code": "calendar_exists", "message": "this calendar is already connected for this host"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: a setting is wrong, the address is not allowed, or another calendar already takes bookings (`fields` names it).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"url": "is required"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn add_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let JsonObject(object) = body?;
    calendars::check_host(&state, &id, &caller.role)?;
    let new = NewCalendar::from_json(&object)?;
    let row = calendars::add(&state, &id, &new, &caller.actor, &caller.role).await?;
    let now = state.clock.now().as_second();
    Ok((
        StatusCode::CREATED,
        Json(calendars::connection_view(&state, &row, now)),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/calendars/{id}",
    operation_id = "getCalendar",
    tag = "hosts",
    summary = "Read a calendar connection",
    params(("id" = String, Path, description = "The calendar connection id")),
    responses(
        (status = 200, description = "The connection and its sync health.", body = CalendarView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}})),
        (status = 404, description = "`calendar_not_found`: there is no calendar connection \"ID\"", body = ErrorBody, example = json!({"error": {"code": "calendar_not_found", "message": "there is no calendar connection \"ID\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn get_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let row = calendars::connection(&state, &id, &caller.role).await?;
    ok(calendars::connection_view(
        &state,
        &row,
        state.clock.now().as_second(),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/calendars/{id}",
    operation_id = "deleteCalendar",
    tag = "hosts",
    summary = "Remove a calendar connection",
    params(("id" = String, Path, description = "The calendar connection id")),
    responses(
        (status = 204, description = "Removed, with the busy time imported from it."),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}})),
        (status = 404, description = "`calendar_not_found`: there is no calendar connection \"ID\"", body = ErrorBody, example = json!({"error": {"code": "calendar_not_found", "message": "there is no calendar connection \"ID\""}})),
        (status = 409, description = "`config_managed`: the connection comes from the configuration file.", body = ErrorBody, example = json!({"error": {"code": "config_managed", "message": "this calendar comes from the configuration file; remove it there"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn delete_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    calendars::remove(&state, &id, &caller.actor, &caller.role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/calendars/{id}/sync",
    operation_id = "syncCalendar",
    tag = "hosts",
    summary = "Sync a calendar now",
    params(("id" = String, Path, description = "The calendar connection id")),
    responses(
        (status = 202, description = "A sync is due now.", body = Queued, example = json!({"id": "0190c8d2-0000-7000-8000-000000000001", "state": "due"})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}})),
        (status = 404, description = "`calendar_not_found`: there is no calendar connection \"ID\"", body = ErrorBody, example = json!({"error": {"code": "calendar_not_found", "message": "there is no calendar connection \"ID\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
async fn sync_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    calendars::sync(&state, &id, &caller.actor, &caller.role).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { id, state: "due" })).into_response())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use utoipa::openapi::path::Operation;

    fn operations() -> Vec<(String, String, Operation)> {
        let spec = super::api().into_openapi();
        let mut found = Vec::new();
        for (path, item) in spec.paths.paths {
            for (method, operation) in [
                ("get", item.get),
                ("put", item.put),
                ("post", item.post),
                ("delete", item.delete),
                ("patch", item.patch),
            ] {
                if let Some(operation) = operation {
                    found.push((method.to_string(), path.clone(), operation));
                }
            }
        }
        found
    }

    /// Each operation names exactly one scope of the bearer scheme, has a unique id, and
    /// documents 401 and 403.
    #[test]
    fn every_operation_declares_one_scope_and_its_auth_errors() {
        let operations = operations();
        assert!(operations.len() >= 35, "{}", operations.len());
        let mut ids = HashSet::new();
        for (method, path, operation) in operations {
            let shown = format!("{method} {path}");
            assert!(path.starts_with("/api/v1/"), "{shown}");
            let id = operation.operation_id.clone().expect(&shown);
            assert!(ids.insert(id.clone()), "{shown}: duplicate id {id}");
            let security =
                serde_json::to_value(operation.security.as_ref().expect(&shown)).unwrap();
            let scopes = security[0]["api_token"].as_array().expect(&shown);
            assert_eq!(security.as_array().unwrap().len(), 1, "{shown}");
            assert_eq!(scopes.len(), 1, "{shown}");
            let scope = scopes[0].as_str().unwrap();
            let expected = match path.as_str() {
                p if p.starts_with("/api/v1/bookings") => {
                    if method == "get" {
                        "bookings:read"
                    } else {
                        "bookings:write"
                    }
                }
                p if p.starts_with("/api/v1/event-types") => {
                    if method == "get" {
                        "event_types:read"
                    } else {
                        "event_types:write"
                    }
                }
                p if p.starts_with("/api/v1/hosts")
                    || p.starts_with("/api/v1/calendars")
                    || p.starts_with("/api/v1/calendar-accounts") =>
                {
                    if method == "get" {
                        "hosts:read"
                    } else {
                        "hosts:write"
                    }
                }
                "/api/v1/audit" => "audit:read",
                _ => "admin",
            };
            assert_eq!(scope, expected, "{shown}");
            for status in ["401", "403", "503"] {
                assert!(
                    operation.responses.responses.contains_key(status),
                    "{shown} lacks {status}"
                );
            }
        }
    }
}
