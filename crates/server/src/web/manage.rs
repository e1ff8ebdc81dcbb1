//! Signed-link pages and actions: the invitee's `/manage/{token}` (view, cancel,
//! reschedule) and the host's `/host/{token}/approve|decline`. GET only shows a page (mail
//! scanners follow links); changes happen on POST. Each answers HTML or JSON.

use axum::{
    extract::{rejection::QueryRejection, Path, Query, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use jiff::{civil::Date, tz::TimeZone};
use openslot_store::{Booking, BookingStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    lang::PageLang,
    localised::{error_page_in, keep_language, language_to_keep, link_error_text},
    pages::{html, query_escape, see_other},
    picker::Picker,
};
use crate::{
    display::long_time_in,
    display::{answer_rows, booking_zones},
    domain::{can_change, Actor, Answered, BookingError},
    http::state::AppState,
    http::{
        body::{Form, MAX_BODY_BYTES},
        booking::{parse_start, PublicBooking},
        error::{ApiError, ErrorBody},
    },
    i18n::{self, Locale},
    links,
    signing::TokenError,
    validate::Fields,
};

/// The signed-link routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show))
        .routes(routes!(cancel))
        .routes(routes!(reschedule))
        .routes(routes!(approve_page, approve))
        .routes(routes!(decline_page, decline))
}

/// A booking as its invitee (or, through the host's link, its host) sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedBooking {
    #[serde(flatten)]
    pub booking: PublicBooking,
    /// Whether the invitee can still cancel or reschedule it online.
    pub can_change: bool,
    /// The invitee's reason for cancelling, or the host's message when declining.
    pub reason: Option<String>,
}

/// `POST /manage/{token}/cancel` (every field optional; an empty body is fine).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "Something came up"}))]
pub struct CancelRequest {
    /// Told to the host.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// `POST /manage/{token}/reschedule`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"start": "2027-01-05T14:00:00Z", "timezone": "Europe/London"}))]
pub struct RescheduleRequest {
    /// The new start: one of the times `GET /availability` offers.
    #[schema(value_type = String, format = DateTime)]
    pub start: String,
    /// The invitee's IANA time zone (the page's redirect shows times in it).
    pub timezone: Option<String>,
}

/// The manage page's cancel form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelForm {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The manage page's reschedule form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleForm {
    /// The picked time.
    #[schema(value_type = String, format = DateTime)]
    pub start: String,
    pub timezone: Option<String>,
}

/// The host page's approve or decline form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HostAnswerForm {
    #[schema(max_length = 1000)]
    pub message: Option<String>,
}

/// `POST /host/{token}/approve|decline` (every field optional; an empty body is fine).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"message": "Sorry, I am travelling that week."}))]
pub struct HostAnswerRequest {
    /// Declining: told to the invitee.
    #[schema(max_length = 1000)]
    pub message: Option<String>,
}

/// How the caller wants the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Html,
    Json,
}

fn format_of(headers: &HeaderMap, body_is_json: bool) -> Format {
    let accepts_json = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"));
    if accepts_json || body_is_json {
        Format::Json
    } else {
        Format::Html
    }
}

fn error(format: Format, state: &AppState, lang: &PageLang, error: ApiError) -> Response {
    match format {
        Format::Json => error.into_response(),
        Format::Html => {
            let (heading, message) = link_error_text(lang.locale, &error);
            error_page_in(state, lang, error.status, &heading, &message)
        }
    }
}

/// The `lang` field of a posted form: the language of the page it was sent from.
fn posted_language(fields: &Map<String, Value>) -> Option<&str> {
    fields
        .get(super::lang::PARAM)
        .and_then(Value::as_str)
        .filter(|tag| !tag.is_empty())
}

fn token_error(err: TokenError) -> ApiError {
    match err {
        TokenError::Invalid => ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_token",
            "this link is not valid; it may have been mistyped or altered",
        ),
        TokenError::Expired => ApiError::new(
            StatusCode::GONE,
            "token_expired",
            "this link has expired; contact us if you need to change your booking",
        ),
        TokenError::WrongScope => ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_token_scope",
            "this link cannot be used for that action",
        ),
    }
}

/// The booking a token grants `scope` on.
async fn resolve(state: &AppState, token: &str, scope: &str) -> Result<Booking, ApiError> {
    let id = links::verify(&state.signer, token, scope, state.clock.now()).map_err(token_error)?;
    match state.store.booking(&id).await? {
        Some(booking) => Ok(booking),
        _ => Err(ApiError::not_found(
            "booking_not_found",
            "there is no such booking",
        )),
    }
}

/// Reads an optional body: JSON object, form fields, or nothing.
async fn read_body(request: Request) -> Result<(Map<String, Value>, bool), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_json = content_type.starts_with("application/json");
    let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .map_err(|err| {
            crate::http::body::unreadable(
                &err,
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the request body is too large",
                ),
            )
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((Map::new(), is_json));
    }
    if is_json {
        return match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(object)) => Ok((object, true)),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "the request body must be a JSON object",
            )),
        };
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((Form::parse(&bytes)?.first_values(), false));
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send application/json or a form",
    ))
}

/// An optional free-text field (reason, message), checked like every other text field.
fn optional_text(
    fields: &Map<String, Value>,
    name: &str,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let mut checked = Fields::new(fields);
    let text = checked.optional_text(name, max, true);
    if checked.errors.is_empty() {
        Ok(text)
    } else {
        Err(ApiError::validation(checked.errors))
    }
}

fn status_label(locale: Locale, status: BookingStatus) -> String {
    let id = match status {
        BookingStatus::Requested => "manage-status-requested",
        BookingStatus::Confirmed => "manage-status-confirmed",
        BookingStatus::Cancelled => "manage-status-cancelled",
        BookingStatus::Declined => "manage-status-declined",
        BookingStatus::Expired => "manage-status-expired",
    };
    i18n::text(locale, id, &[])
}

/// "Intro call (30 minutes)".
fn event_with_duration(locale: Locale, title: &str, booking: &Booking) -> String {
    let minutes = booking.end.duration_since(booking.start).as_mins();
    let duration = i18n::text(locale, "duration-minutes", &[("count", minutes.into())]);
    i18n::text(
        locale,
        "manage-event-with-duration",
        &[
            ("event", title.to_string().into()),
            ("duration", duration.into()),
        ],
    )
}

fn json_booking(state: &AppState, booking: &Booking) -> ManagedBooking {
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    ManagedBooking {
        booking: PublicBooking::new(state, booking),
        can_change: booking.status.is_active() && can_change(event, booking, state.clock.now()),
        reason: booking.status_reason.clone(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct ManageQuery {
    date: Option<String>,
    tz: Option<String>,
    done: Option<String>,
    /// Kept on the page's own day links (a frame may not keep the cookie).
    lang: Option<String>,
}

fn render_manage(
    state: &AppState,
    lang: &PageLang,
    token: &str,
    booking: &Booking,
    query: &ManageQuery,
    status: Option<(&'static str, String)>,
) -> String {
    let locale = lang.locale;
    let say = |id: &str| i18n::text(locale, id, &[]);
    let now = state.clock.now();
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    let (visitor_tz, host_tz) =
        booking_zones(event, query.tz.as_deref(), booking.timezone.as_deref());
    let zone = crate::tzdb::zone(&visitor_tz).unwrap_or(TimeZone::UTC);
    let host_zone = crate::tzdb::zone(&host_tz).unwrap_or(TimeZone::UTC);
    let changeable = booking.status.is_active() && can_change(event, booking, now);
    let mut days = Vec::new();
    let mut times = Vec::new();
    let mut selected_label = None;
    if let (true, Some(event)) = (changeable, event) {
        let offered = state.domain.offered_in_window(event, now, Some(booking));
        let wanted = query.date.as_deref().and_then(|d| d.parse::<Date>().ok());
        let picker =
            Picker::new(event, &offered, &zone, now, wanted, Some(booking.start)).in_locale(locale);
        days = picker.days(|day| {
            keep_language(
                &format!(
                    "/manage/{token}?date={day}&tz={}",
                    query_escape(&visitor_tz)
                ),
                query.lang.as_deref(),
            )
        });
        times = picker.times(None);
        selected_label = picker.selected_label();
    }
    let status = status.or_else(|| match query.done.as_deref() {
        Some("cancelled") => Some(("success", say("manage-done-cancelled"))),
        Some("rescheduled") => Some(("success", say("manage-done-rescheduled"))),
        _ => None,
    });
    let (status_kind, status_message) = status.unwrap_or(("", String::new()));
    let cutoff_hours = event.map_or(0, |e| e.change_cutoff_hours);
    let cutoff_text = if cutoff_hours > 0 {
        i18n::text(
            locale,
            "manage-cutoff-hours",
            &[("count", i64::from(cutoff_hours).into())],
        )
    } else {
        say("manage-cutoff-started")
    };
    let title = event.map_or(booking.event_slug.as_str(), |e| e.title.as_str());
    state.web.render_in(
        "manage.html",
        lang,
        json!({
            "token": token,
            "booking_id": booking.id,
            "event_slug": booking.event_slug,
            "what": event_with_duration(locale, title, booking),
            "visitor_tz": visitor_tz,
            "host_tz": host_tz,
            "visitor_time": long_time_in(locale, booking.start, &zone),
            "host_time": long_time_in(locale, booking.start, &host_zone),
            "status_label": status_label(locale, booking.status),
            "location": booking.status.is_active().then(|| booking.meeting_url.clone()).flatten(),
            "with": super::pages::join_names_in(locale, &super::pages::booking_host_names(&catalog, booking)),
            "active": booking.status.is_active(),
            "can_change": changeable,
            "cutoff_text": cutoff_text,
            "days": days,
            "times": times,
            "selected_label": selected_label,
            "status_kind": status_kind,
            "status_message": status_message,
            "embed": false,
        }),
    )
}

/// Shows a booking through its manage link.
///
/// JSON when the request accepts `application/json` (and not `text/html`), else the manage
/// page (HTML) with times to move it to.
#[utoipa::path(
    get,
    path = "/manage/{token}",
    operation_id = "getManagedBooking",
    tag = "links",
    params(
        ("token" = String, Path, description = "The signed token of the invitee's manage link (`manage_token` of the booking)."),
        ("date" = Option<String>, Query, description = "HTML only: the day (`YYYY-MM-DD`) the time picker shows; anything else shows the first day with times."),
        ("tz" = Option<String>, Query, description = "HTML only: the IANA zone the page shows times in."),
        ("done" = Option<String>, Query, description = "HTML only: `cancelled` or `rescheduled` shows that confirmation."),
    ),
    responses(
        (status = 200, description = "The booking.",
            content((ManagedBooking = "application/json"), (String = "text/html"))),
        (status = 403, description = "`invalid_token` (mistyped or altered link), `wrong_token_scope` (a host link).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "invalid_token", "message": "this link is not valid; it may have been mistyped or altered"}})),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`: the link is older than the booking's start plus 90 days.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "`store_unavailable` or `busy`: retry.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn show(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    query: Result<Query<ManageQuery>, QueryRejection>,
) -> Response {
    let format = format_of(&headers, false);
    let query = query.map(|Query(q)| q).unwrap_or_default();
    match resolve(&state, &token, links::MANAGE).await {
        Ok(booking) => match format {
            Format::Json => Json(json_booking(&state, &booking)).into_response(),
            Format::Html => html(
                StatusCode::OK,
                render_manage(&state, &lang, &token, &booking, &query, None),
            ),
        },
        Err(err) => error(format, &state, &lang, err),
    }
}

/// Cancels a booking through its manage link.
///
/// A second cancel answers the booking unchanged. JSON in (or `Accept: application/json`)
/// answers JSON; a form post answers `303 See Other` to the manage page.
#[utoipa::path(
    post,
    path = "/manage/{token}/cancel",
    operation_id = "cancelManagedBooking",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the invitee's manage link.")),
    request_body(
        description = "Optional: the reason.",
        content((Option<CancelRequest> = "application/json"), (Option<CancelForm> = "application/x-www-form-urlencoded"))
    ),
    responses(
        (status = 200, description = "Cancelled (or already over): the booking.", body = ManagedBooking),
        (status = 303, description = "Form post cancelled: back to the manage page.",
            headers(("Location" = String, description = "`/manage/{token}?done=cancelled`"))),
        (status = 400, description = "`malformed_json` (the body is not a JSON object), `malformed_form`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "`invalid_token` (mistyped or altered link), `wrong_token_scope` (a link for another action).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "invalid_token", "message": "this link is not valid; it may have been mistyped or altered"}})),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 408, description = "`request_timeout`: the body was not received in time.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` or a form.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 422, description = "`validation_failed` (`reason` too long), `change_window_closed` (too close to the start to change online).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "change_window_closed", "message": "it is too late to change this booking online; please contact us"}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing changed, retry.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn cancel(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (fields, is_json) = match read_body(request).await {
        Ok(body) => body,
        Err(err) => return error(format_of(&headers, true), &state, &lang, err),
    };
    let explicit = language_to_keep(posted_language(&fields), lang.locale);
    let lang = lang.with_explicit(posted_language(&fields));
    let format = format_of(&headers, is_json);
    let booking = match resolve(&state, &token, links::MANAGE).await {
        Ok(booking) => booking,
        Err(err) => return error(format, &state, &lang, err),
    };
    let reason = match optional_text(&fields, "reason", 1000) {
        Ok(reason) => reason,
        Err(err) => return error(format, &state, &lang, err),
    };
    let result = state.domain.cancel(booking, reason, &Actor::Invitee).await;
    match (result, format) {
        (Ok(booking), Format::Json) => Json(json_booking(&state, &booking)).into_response(),
        (Ok(_), Format::Html) => see_other(&keep_language(
            &format!("/manage/{token}?done=cancelled"),
            explicit,
        )),
        (Err(BookingError::ChangeWindowClosed), Format::Html) => {
            let err = ApiError::from(BookingError::ChangeWindowClosed);
            let query = ManageQuery {
                lang: explicit.map(str::to_string),
                ..ManageQuery::default()
            };
            let message = i18n::text(lang.locale, "manage-problem-change-window-closed", &[]);
            match resolve(&state, &token, links::MANAGE).await {
                Ok(booking) => html(
                    err.status,
                    render_manage(
                        &state,
                        &lang,
                        &token,
                        &booking,
                        &query,
                        Some(("error", message)),
                    ),
                ),
                Err(err) => error(format, &state, &lang, err),
            }
        }
        (Err(err), format) => error(format, &state, &lang, err.into()),
    }
}

/// Moves a booking through its manage link.
///
/// JSON in (or `Accept: application/json`) answers JSON; a form post answers
/// `303 See Other` to the manage page, or the page again (HTML) with what went wrong.
#[utoipa::path(
    post,
    path = "/manage/{token}/reschedule",
    operation_id = "rescheduleManagedBooking",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the invitee's manage link.")),
    request_body(
        description = "The new time.",
        content((RescheduleRequest = "application/json"), (RescheduleForm = "application/x-www-form-urlencoded"))
    ),
    responses(
        (status = 200, description = "Moved: the booking at its new time.", body = ManagedBooking),
        (status = 303, description = "Form post moved it: back to the manage page.",
            headers(("Location" = String, description = "`/manage/{token}?done=rescheduled&tz=…`"))),
        (status = 400, description = "`malformed_json` (the body is not a JSON object), `malformed_form`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "`invalid_token` (mistyped or altered link), `wrong_token_scope` (a link for another action).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "invalid_token", "message": "this link is not valid; it may have been mistyped or altered"}})),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 408, description = "`request_timeout`: the body was not received in time.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` or a form.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 409, description = "`booking_not_active` (cancelled, declined or expired), `slot_taken` (someone else has that time), `event_not_found` (its event type was withdrawn).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "booking_not_active", "message": "this booking is cancelled"}})),
        (status = 422, description = "`validation_failed` (`start` missing or not a date-time), `slot_unavailable` (not an offered time), `host_unavailable`, `change_window_closed`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"start": "pick a new time (an RFC 3339 date-time)"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing changed, retry.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn reschedule(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (fields, is_json) = match read_body(request).await {
        Ok(body) => body,
        Err(err) => return error(format_of(&headers, true), &state, &lang, err),
    };
    let explicit = language_to_keep(posted_language(&fields), lang.locale);
    let lang = lang.with_explicit(posted_language(&fields));
    let format = format_of(&headers, is_json);
    let visitor_tz = fields
        .get("timezone")
        .and_then(Value::as_str)
        .map(str::to_string);
    let booking = match resolve(&state, &token, links::MANAGE).await {
        Ok(booking) => booking,
        Err(err) => return error(format, &state, &lang, err),
    };
    // A problem with the new time (or the booking's state) re-renders the manage page
    // with the booking unchanged; one with the link or the booking's existence does not.
    let result = if !booking.status.is_active() {
        Err(BookingError::NotActive(booking.status).into())
    } else {
        match parse_start(fields.get("start")) {
            Ok(start) => state
                .domain
                .reschedule(booking, start, &Actor::Invitee)
                .await
                .map_err(Refused::from),
            Err(err) => Err(Refused::Request(err)),
        }
    };
    match (result, format) {
        (Ok(booking), Format::Json) => Json(json_booking(&state, &booking)).into_response(),
        (Ok(booking), Format::Html) => {
            let tz = visitor_tz.or(booking.timezone).unwrap_or_default();
            see_other(&keep_language(
                &format!("/manage/{token}?done=rescheduled&tz={}", query_escape(&tz)),
                explicit,
            ))
        }
        (Err(Refused::Domain(BookingError::NotFound)), format) => {
            error(format, &state, &lang, BookingError::NotFound.into())
        }
        (Err(refused), Format::Html) => match resolve(&state, &token, links::MANAGE).await {
            Ok(booking) => {
                let message = refused.sentence(lang.locale);
                let err = refused.into_api();
                let query = ManageQuery {
                    tz: visitor_tz,
                    lang: explicit.map(str::to_string),
                    ..ManageQuery::default()
                };
                html(
                    err.status,
                    render_manage(
                        &state,
                        &lang,
                        &token,
                        &booking,
                        &query,
                        Some(("error", message)),
                    ),
                )
            }
            Err(err) => error(format, &state, &lang, err),
        },
        (Err(refused), format) => error(format, &state, &lang, refused.into_api()),
    }
}

/// Why a reschedule did not happen: the request could not be read, or the domain said no.
enum Refused {
    Request(ApiError),
    Domain(BookingError),
}

impl From<BookingError> for Refused {
    fn from(err: BookingError) -> Self {
        Refused::Domain(err)
    }
}

impl Refused {
    /// What the manage page says about it: the booking stayed as it was, and why.
    fn sentence(&self, locale: Locale) -> String {
        let problem = match self {
            Refused::Domain(BookingError::SlotTaken) => {
                return i18n::text(locale, "manage-slot-taken", &[])
            }
            Refused::Request(_) => "manage-problem-no-time",
            Refused::Domain(BookingError::ChangeWindowClosed) => {
                "manage-problem-change-window-closed"
            }
            Refused::Domain(BookingError::NotActive(_)) => "manage-problem-not-active",
            Refused::Domain(BookingError::SlotUnavailable { .. } | BookingError::DayFull) => {
                "manage-problem-slot-unavailable"
            }
            Refused::Domain(BookingError::HostUnavailable(_)) => "manage-problem-host-unavailable",
            Refused::Domain(
                BookingError::EventTypeWithdrawn
                | BookingError::UnknownEventType(_)
                | BookingError::NoEventType,
            ) => "manage-problem-event-withdrawn",
            Refused::Domain(_) => "manage-problem-generic",
        };
        let problem = i18n::text(locale, problem, &[]);
        i18n::text(locale, "manage-not-changed", &[("problem", problem.into())])
    }

    fn into_api(self) -> ApiError {
        match self {
            Refused::Request(err) => err,
            Refused::Domain(err) => err.into(),
        }
    }
}

fn render_host(
    state: &AppState,
    lang: &PageLang,
    token: &str,
    booking: &Booking,
    action: &str,
    status: Option<(&'static str, String)>,
) -> String {
    let locale = lang.locale;
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    let host_tz = event
        .map(|e| e.timezone_name.clone())
        .unwrap_or_else(|| "UTC".into());
    let zone = crate::tzdb::zone(&host_tz).unwrap_or(TimeZone::UTC);
    let answers = answer_rows(event, &booking.answers);
    let (status_kind, status_message) = status.unwrap_or(("", String::new()));
    let heading = if action == "decline" {
        "host-answer-decline-heading"
    } else {
        "host-answer-approve-heading"
    };
    let title = event.map_or(booking.event_slug.as_str(), |e| e.title.as_str());
    state.web.render_in(
        "host.html",
        lang,
        json!({
            "heading": i18n::text(locale, heading, &[]),
            "token": token,
            "action": action,
            "pending": booking.status == BookingStatus::Requested,
            "what": event_with_duration(locale, title, booking),
            // For a template that writes the pair itself.
            "event_title": title,
            "duration": booking.end.duration_since(booking.start).as_mins(),
            "host_tz": host_tz,
            "host_time": long_time_in(locale, booking.start, &zone),
            "name": booking.name,
            "email": booking.email,
            "invitee_tz": booking.timezone,
            "notes": booking.notes,
            "answers": answers,
            "with": super::pages::join_names_in(locale, &super::pages::booking_host_names(&catalog, booking)),
            "status_label": status_label(locale, booking.status),
            "status_kind": status_kind,
            "status_message": status_message,
            "embed": false,
        }),
    )
}

async fn host_page(
    state: AppState,
    lang: PageLang,
    token: String,
    headers: HeaderMap,
    action: &str,
) -> Response {
    let format = format_of(&headers, false);
    match resolve(&state, &token, links::HOST).await {
        Ok(booking) => match format {
            Format::Json => Json(json_booking(&state, &booking)).into_response(),
            Format::Html => html(
                StatusCode::OK,
                render_host(&state, &lang, &token, &booking, action, None),
            ),
        },
        Err(err) => error(format, &state, &lang, err),
    }
}

/// Shows the host a request to approve (the link in the host's e-mail).
///
/// GET only shows it: mail scanners follow links. JSON when the request accepts
/// `application/json` (and not `text/html`), else the page with a button.
#[utoipa::path(
    get,
    path = "/host/{token}/approve",
    operation_id = "getApprovalRequest",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the host's link.")),
    responses(
        (status = 200, description = "The booking.",
            content((ManagedBooking = "application/json"), (String = "text/html"))),
        (status = 403, description = "`invalid_token`, `wrong_token_scope` (an invitee's link).",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`: the meeting has started.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "`store_unavailable` or `busy`: retry.", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn approve_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    host_page(state, lang, token, headers, "approve").await
}

/// Shows the host a request to decline (the link in the host's e-mail).
///
/// GET only shows it: mail scanners follow links. JSON when the request accepts
/// `application/json` (and not `text/html`), else the page with a button.
#[utoipa::path(
    get,
    path = "/host/{token}/decline",
    operation_id = "getDeclineRequest",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the host's link.")),
    responses(
        (status = 200, description = "The booking.",
            content((ManagedBooking = "application/json"), (String = "text/html"))),
        (status = 403, description = "`invalid_token`, `wrong_token_scope` (an invitee's link).",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`: the meeting has started.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "`store_unavailable` or `busy`: retry.", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn decline_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    host_page(state, lang, token, headers, "decline").await
}

async fn host_action(
    state: AppState,
    lang: PageLang,
    token: String,
    headers: HeaderMap,
    request: Request,
    action: &'static str,
) -> Response {
    let (fields, is_json) = match read_body(request).await {
        Ok(body) => body,
        Err(err) => return error(format_of(&headers, true), &state, &lang, err),
    };
    let lang = lang.with_explicit(posted_language(&fields));
    let format = format_of(&headers, is_json);
    let result = async {
        let booking = resolve(&state, &token, links::HOST).await?;
        let message = optional_text(&fields, "message", 1000)?;
        let answered = if action == "approve" {
            state.domain.approve(booking, &Actor::HostLink).await
        } else {
            state
                .domain
                .decline(booking, message, &Actor::HostLink)
                .await
        };
        Ok::<Answered, ApiError>(answered?)
    }
    .await;
    match (result, format) {
        (Ok(Answered { booking, .. }), Format::Json) => {
            Json(json_booking(&state, &booking)).into_response()
        }
        (Ok(Answered { booking, changed }), Format::Html) => {
            let message = match (action, changed) {
                ("approve", true) => "host-answer-approved",
                ("approve", false) => "host-answer-already-approved",
                (_, true) => "host-answer-declined",
                (_, false) => "host-answer-already-declined",
            };
            let message = i18n::text(lang.locale, message, &[]);
            html(
                StatusCode::OK,
                render_host(
                    &state,
                    &lang,
                    &token,
                    &booking,
                    action,
                    Some(("success", message)),
                ),
            )
        }
        (Err(err), format) => error(format, &state, &lang, err),
    }
}

/// Approves a booking request through the host's link.
///
/// Answering twice is harmless (`200` with the booking unchanged, or the page says so).
/// JSON in (or `Accept: application/json`) answers JSON, else the page (HTML).
#[utoipa::path(
    post,
    path = "/host/{token}/approve",
    operation_id = "approveBookingRequest",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the host's link.")),
    request_body(
        description = "Optional: a message for the invitee (declining).",
        content((Option<HostAnswerRequest> = "application/json"), (Option<HostAnswerForm> = "application/x-www-form-urlencoded"))
    ),
    responses(
        (status = 200, description = "Answered: the booking.",
            content((ManagedBooking = "application/json"), (String = "text/html"))),
        (status = 400, description = "`malformed_json` (the body is not a JSON object), `malformed_form`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "`invalid_token` (mistyped or altered link), `wrong_token_scope` (a link for another action).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "invalid_token", "message": "this link is not valid; it may have been mistyped or altered"}})),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 408, description = "`request_timeout`: the body was not received in time.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` or a form.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 409, description = "`booking_not_active`: the request is no longer waiting for an answer (cancelled, expired, or answered the other way).",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 422, description = "`validation_failed`: `message` too long.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "`store_unavailable` or `busy`: nothing changed, retry.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn approve(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    host_action(state, lang, token, headers, request, "approve").await
}

/// Declines a booking request through the host's link.
///
/// Answering twice is harmless (`200` with the booking unchanged, or the page says so).
/// JSON in (or `Accept: application/json`) answers JSON, else the page (HTML).
#[utoipa::path(
    post,
    path = "/host/{token}/decline",
    operation_id = "declineBookingRequest",
    tag = "links",
    params(("token" = String, Path, description = "The signed token of the host's link.")),
    request_body(
        description = "Optional: a message for the invitee (declining).",
        content((Option<HostAnswerRequest> = "application/json"), (Option<HostAnswerForm> = "application/x-www-form-urlencoded"))
    ),
    responses(
        (status = 200, description = "Answered: the booking.",
            content((ManagedBooking = "application/json"), (String = "text/html"))),
        (status = 400, description = "`malformed_json` (the body is not a JSON object), `malformed_form`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "`invalid_token` (mistyped or altered link), `wrong_token_scope` (a link for another action).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "invalid_token", "message": "this link is not valid; it may have been mistyped or altered"}})),
        (status = 404, description = "`booking_not_found`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 408, description = "`request_timeout`: the body was not received in time.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 410, description = "`token_expired`.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` or a form.", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 409, description = "`booking_not_active`: the request is no longer waiting for an answer (cancelled, expired, or answered the other way).",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 422, description = "`validation_failed`: `message` too long.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "`store_unavailable` or `busy`: nothing changed, retry.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
async fn decline(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    host_action(state, lang, token, headers, request, "decline").await
}
