//! Bookings for operators: a filtered list, a detail page with history, cancel /
//! reschedule / approve / decline on the invitee's behalf, and CSV export. The query and
//! action functions are shared with `/api/v1`.

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use jiff::civil::Date;
use openslot_store::{Booking, BookingQuery, BookingStatus};
use serde_json::{json, Value};

use super::{auth::Role, page, see_other, AdminForm, AdminSession};
use crate::{
    display::{answer_rows, long_time},
    domain::Actor,
    http::error::ApiError,
    http::state::AppState,
    validate::FieldErrors,
};

/// Rows per page of the list.
const PAGE_SIZE: u32 = 50;

/// Filters from the query string (the same for the page, the CSV and the API).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Statuses, comma-separated: `requested`, `confirmed`, `cancelled`, `declined`,
    /// `expired`.
    #[serde(default)]
    #[param(
        example = "requested,confirmed",
        pattern = r"^\s*((requested|confirmed|cancelled|declined|expired)\s*(,\s*(requested|confirmed|cancelled|declined|expired)\s*)*)?$"
    )]
    pub status: Option<String>,
    /// Event type slug.
    #[serde(default)]
    pub event: Option<String>,
    /// Bookings holding this host (a host user always sees only their own host's).
    #[serde(default)]
    pub host: Option<String>,
    /// First day (`YYYY-MM-DD`, host's zone) of meeting starts.
    #[serde(default)]
    #[param(pattern = r"^\s*([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?\s*$")]
    pub from: Option<String>,
    /// Last day (inclusive).
    #[serde(default)]
    #[param(pattern = r"^\s*([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?\s*$")]
    pub to: Option<String>,
    /// Name or e-mail contains (at most 200 characters).
    #[serde(default)]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page (50 bookings each), from 0.
    #[serde(default)]
    #[param(maximum = 4294967295_u64)]
    pub page: Option<u32>,
}

fn blank(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// The store query for `filter`, or the fields that are wrong.
pub fn query_of(state: &AppState, filter: &Filter) -> Result<BookingQuery, ApiError> {
    let mut errors = FieldErrors::new();
    let zone = state.host_zone();
    let mut query = BookingQuery::default();
    if let Some(status) = blank(&filter.status) {
        for part in status.split(',') {
            match BookingStatus::parse(part.trim()) {
                Some(status) => query.statuses.push(status),
                None => {
                    errors.insert(
                        "status".into(),
                        "one of requested, confirmed, cancelled, declined, expired".into(),
                    );
                }
            }
        }
    }
    query.event_slug = blank(&filter.event).map(str::to_string);
    query.host_id = blank(&filter.host).map(str::to_string);
    let mut day = |name: &str, value: &Option<String>, next: bool| -> Option<i64> {
        let text = blank(value)?;
        let parsed = text.parse::<Date>().ok().and_then(|date| {
            let date = if next { date.tomorrow().ok()? } else { date };
            date.to_zoned_datetime(zone.clone())
                .ok()
                .map(|zoned| zoned.timestamp().as_second())
        });
        if parsed.is_none() {
            errors.insert(name.into(), "a date such as 2026-12-01".into());
        }
        parsed
    };
    query.start_from = day("from", &filter.from, false);
    query.start_to = day("to", &filter.to, true);
    if let Some(search) = blank(&filter.q) {
        if search.chars().count() > 200 {
            errors.insert("q".into(), "at most 200 characters".into());
        }
        query.search = Some(search.to_string());
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    query.limit = PAGE_SIZE;
    query.offset = filter.page.unwrap_or(0).saturating_mul(PAGE_SIZE);
    Ok(query)
}

/// A host a booking holds: its id and (while it is stored) its name.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "ada", "name": "Ada Lovelace"}))]
pub struct BookingHostView {
    pub id: String,
    /// The id again when the host is no longer stored.
    pub name: String,
}

/// An answer to one of the event type's questions, labelled.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AnswerRow {
    /// The question's label (its id when the question no longer exists).
    pub label: String,
    pub value: String,
}

/// A booking as operators (and `/api/v1`, and webhooks) see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "id": "0190c8d2-6f1e-7a3b-9c4d-5e6f7a8b9c0d",
    "host": {"id": "ada", "name": "Ada Lovelace"},
    "hosts": [{"id": "ada", "name": "Ada Lovelace"}],
    "status": "confirmed",
    "event": "discovery-call",
    "event_title": "Discovery call",
    "start": "2026-12-14T10:00:00Z",
    "end": "2026-12-14T10:30:00Z",
    "start_local": "Monday 14 December 2026, 10:00",
    "name": "Grace Hopper",
    "email": "grace@example.com",
    "timezone": "Europe/London",
    "notes": "About the compiler",
    "answers": {"company": "Navy"},
    "answer_rows": [{"label": "Company", "value": "Navy"}],
    "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z",
    "confirmed_at": "2026-12-01T09:00:00Z",
    "reason": null,
    "sequence": 0,
    "manage_url": "https://book.example.com/manage/TOKEN",
    "location": null
}))]
pub struct BookingView {
    pub id: String,
    /// The assigned host (a collective booking: the first of `hosts`).
    pub host: BookingHostView,
    /// Every host the booking holds, the assigned one first.
    pub hosts: Vec<BookingHostView>,
    pub status: BookingStatusView,
    /// The event type's slug.
    pub event: String,
    /// `None` when the event type no longer exists.
    pub event_title: Option<String>,
    #[schema(format = DateTime)]
    pub start: String,
    #[schema(format = DateTime)]
    pub end: String,
    /// The start in words, in the event type's zone.
    pub start_local: String,
    pub name: String,
    pub email: String,
    /// The invitee's IANA time zone, when they gave one.
    pub timezone: Option<String>,
    /// The invitee's language (BCP 47 tag): their e-mails and invites are written in it.
    /// Bookings made before the language was kept show the default locale.
    #[schema(example = "de")]
    pub locale: String,
    pub notes: Option<String>,
    /// Answers to the event type's questions, by question id.
    #[schema(value_type = Object)]
    pub answers: Value,
    pub answer_rows: Vec<AnswerRow>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub confirmed_at: Option<String>,
    /// The invitee's reason for cancelling, or the host's message when declining.
    pub reason: Option<String>,
    /// iCalendar SEQUENCE: bumped on every change.
    pub sequence: u32,
    /// Where the invitee manages the booking.
    pub manage_url: String,
    /// The online meeting's join URL, once a calendar write made one.
    pub location: Option<String>,
}

/// A booking's state.
#[derive(Clone, Copy, Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatusView {
    Requested,
    Confirmed,
    Cancelled,
    Declined,
    Expired,
}

impl From<BookingStatus> for BookingStatusView {
    fn from(status: BookingStatus) -> Self {
        match status {
            BookingStatus::Requested => BookingStatusView::Requested,
            BookingStatus::Confirmed => BookingStatusView::Confirmed,
            BookingStatus::Cancelled => BookingStatusView::Cancelled,
            BookingStatus::Declined => BookingStatusView::Declined,
            BookingStatus::Expired => BookingStatusView::Expired,
        }
    }
}

/// A booking as operators see it.
pub fn booking_view(state: &AppState, booking: &Booking) -> BookingView {
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    let zone = event
        .map(|event| event.schedule.timezone().clone())
        .unwrap_or_else(|| state.host_zone());
    let hosts = catalog.hosts();
    let named = |id: &str| BookingHostView {
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
    BookingView {
        id: booking.id.clone(),
        host: named(&booking.host_id),
        hosts: held,
        status: booking.status.into(),
        event: booking.event_slug.clone(),
        event_title: event.map(|event| event.title.clone()),
        start: booking.start.to_string(),
        end: booking.end.to_string(),
        start_local: long_time(booking.start, &zone),
        name: booking.name.clone(),
        email: booking.email.clone(),
        timezone: booking.timezone.clone(),
        locale: crate::notify::invitee_locale(booking, state.config.branding.default_locale)
            .tag()
            .to_string(),
        notes: booking.notes.clone(),
        answers: booking.answers.clone(),
        answer_rows: answer_rows(event, &booking.answers)
            .into_iter()
            .map(|row| AnswerRow {
                label: row["label"].as_str().unwrap_or_default().to_string(),
                value: row["value"].as_str().unwrap_or_default().to_string(),
            })
            .collect(),
        created_at: booking.created_at.to_string(),
        updated_at: booking.updated_at.to_string(),
        confirmed_at: booking.confirmed_at.map(|at| at.to_string()),
        reason: booking.status_reason.clone(),
        sequence: booking.sequence,
        manage_url: state.manage_url(booking),
        location: booking.meeting_url.clone(),
    }
}

/// [`booking_view`] as JSON (what pages and webhook bodies embed).
pub fn booking_json(state: &AppState, booking: &Booking) -> Value {
    json!(booking_view(state, booking))
}

/// Bookings matching `filter` that `role` may see, and how many there are in all.
pub async fn find(
    state: &AppState,
    filter: &Filter,
    role: &Role,
) -> Result<(Vec<Booking>, i64), ApiError> {
    let mut query = query_of(state, filter)?;
    if let Some(host) = role.host() {
        query.host_id = Some(host.to_string());
    }
    let bookings = state.store.list_bookings(&query).await?;
    let total = state.store.count_bookings(&query).await?;
    Ok((bookings, total))
}

/// The booking `id` if `role` may see it. Another host's booking is answered exactly like
/// a missing one, so a host user learns nothing about bookings that are not theirs.
pub async fn visible(state: &AppState, id: &str, role: &Role) -> Result<Booking, ApiError> {
    state
        .store
        .booking(id)
        .await?
        .filter(|booking| role.may_see(booking))
        .ok_or_else(|| ApiError::not_found("booking_not_found", "there is no such booking"))
}

/// One change in a booking's history.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"at": "2026-12-02T10:00:00Z", "at_local": "Wednesday 2 December 2026, 10:00", "actor": "token:crm", "action": "booking.cancel", "before": {"status": "confirmed"}, "after": {"status": "cancelled"}}))]
pub struct HistoryEntry {
    #[schema(format = DateTime)]
    pub at: String,
    /// `at` in words, in the operators' zone.
    pub at_local: String,
    /// Who: `invitee`, `admin:EMAIL`, `token:NAME`, `host-link`, `system`.
    pub actor: String,
    /// What, e.g. `booking.create`, `booking.cancel`, `booking.reschedule`.
    pub action: String,
    /// The booking's relevant fields before the change (`null` at creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
}

/// A booking with its history (audit entries, oldest first).
pub async fn with_history(
    state: &AppState,
    id: &str,
    role: &Role,
) -> Result<(Booking, Vec<HistoryEntry>), ApiError> {
    let booking = visible(state, id, role).await?;
    let mut entries = state
        .store
        .audit_entries(Some(&format!("booking:{id}")), 500)
        .await?;
    entries.reverse();
    let zone = state.host_zone();
    let created = if booking.confirmed_at == Some(booking.created_at) {
        "confirmed"
    } else {
        "requested"
    };
    let mut history = vec![HistoryEntry {
        at: booking.created_at.to_string(),
        at_local: long_time(booking.created_at, &zone),
        actor: "invitee".into(),
        action: "booking.create".into(),
        before: None,
        after: Some(json!({ "status": created })),
    }];
    for entry in entries {
        let at = jiff::Timestamp::from_second(entry.at).unwrap_or_default();
        history.push(HistoryEntry {
            at: at.to_string(),
            at_local: long_time(at, &zone),
            actor: entry.actor,
            action: entry.action,
            before: entry.before,
            after: entry.after,
        });
    }
    Ok((booking, history))
}

/// Applies `action` (`approve`, `decline`, `cancel`, `reschedule`) to a booking `role` may
/// see, with `fields` (`message`, `reason`, `start`) on behalf of `actor`.
pub async fn apply(
    state: &AppState,
    id: &str,
    action: &str,
    message: Option<String>,
    start: Option<&Value>,
    actor: &Actor,
    role: &Role,
) -> Result<Booking, ApiError> {
    if let Some(text) = &message {
        let mut errors = FieldErrors::new();
        if text.chars().count() > 1000
            || text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errors.insert("message".into(), "at most 1000 characters of text".into());
            return Err(ApiError::validation(errors));
        }
    }
    let booking = visible(state, id, role).await?;
    match action {
        "approve" => Ok(state.domain.approve(booking, actor).await?.booking),
        "decline" => Ok(state.domain.decline(booking, message, actor).await?.booking),
        "cancel" => Ok(state.domain.cancel(booking, message, actor).await?),
        "reschedule" => {
            let start = crate::http::booking::parse_start(start)?;
            Ok(state.domain.reschedule(booking, start, actor).await?)
        }
        _ => Err(ApiError::not_found(
            "unknown_action",
            "the action must be approve, decline, cancel or reschedule",
        )),
    }
}

fn list_context(state: &AppState, filter: &Filter, bookings: &[Booking], total: i64) -> Value {
    let page = filter.page.unwrap_or(0);
    let shown = i64::from(page * PAGE_SIZE) + bookings.len() as i64;
    let catalog = state.catalog.load();
    let events: Vec<Value> = catalog
        .iter()
        .map(|event| json!({"slug": event.slug, "title": event.title}))
        .collect();
    let query_without_page = serde_urlencoded::to_string(Filter {
        page: None,
        ..filter.clone()
    })
    .unwrap_or_default();
    json!({
        "bookings": bookings.iter().map(|booking| booking_json(state, booking)).collect::<Vec<_>>(),
        "total": total,
        "filter": filter,
        "events": events,
        "hosts": catalog.hosts().iter().map(|host| json!({"id": host.id, "name": host.name})).collect::<Vec<_>>(),
        "statuses": ["requested", "confirmed", "cancelled", "declined", "expired"],
        "page": page,
        "prev_page": (page > 0).then(|| page - 1),
        "next_page": (shown < total).then_some(page + 1),
        "query": query_without_page,
        "errors": {},
    })
}

/// `GET /admin/bookings`.
pub async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let filter = filter.map(|Query(filter)| filter).unwrap_or_default();
    match find(&state, &filter, &session.role).await {
        Ok((bookings, total)) => page(
            &state,
            &session,
            "admin_bookings.html",
            "bookings",
            list_context(&state, &filter, &bookings, total),
        ),
        Err(err) => {
            let mut response = page(&state, &session, "admin_bookings.html", "bookings", {
                let mut context = list_context(&state, &filter, &[], 0);
                context["errors"] = json!(err.fields);
                context
            });
            *response.status_mut() = err.status;
            response
        }
    }
}

/// One CSV cell: quoted when needed, and never read as a formula by spreadsheets.
fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// All bookings matching `filter` that `role` may see, as CSV (no paging).
pub async fn csv_text(state: &AppState, filter: &Filter, role: &Role) -> Result<String, ApiError> {
    let mut query = query_of(state, filter)?;
    if let Some(host) = role.host() {
        query.host_id = Some(host.to_string());
    }
    query.limit = 0;
    query.offset = 0;
    let bookings = state.store.list_bookings(&query).await?;
    let mut out = String::from("id,status,event,start,end,name,email,timezone,notes,answers,created_at,confirmed_at,reason\r\n");
    for booking in &bookings {
        let row = [
            booking.id.clone(),
            booking.status.as_str().to_string(),
            booking.event_slug.clone(),
            booking.start.to_string(),
            booking.end.to_string(),
            booking.name.clone(),
            booking.email.clone(),
            booking.timezone.clone().unwrap_or_default(),
            booking.notes.clone().unwrap_or_default(),
            booking.answers.to_string(),
            booking.created_at.to_string(),
            booking
                .confirmed_at
                .map(|at| at.to_string())
                .unwrap_or_default(),
            booking.status_reason.clone().unwrap_or_default(),
        ];
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A CSV download response.
pub fn csv_response(text: String) -> Response {
    let mut response = (StatusCode::OK, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"bookings.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /admin/bookings.csv`.
pub async fn csv(
    State(state): State<AppState>,
    session: AdminSession,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let filter = filter.map(|Query(filter)| filter).unwrap_or_default();
    match csv_text(&state, &filter, &session.role).await {
        Ok(text) => {
            state
                .domain
                .audit(
                    &session.actor(),
                    "booking.export",
                    "bookings".into(),
                    None,
                    Some(json!(filter)),
                )
                .await;
            csv_response(text)
        }
        Err(err) => super::error(&state, &session, err),
    }
}

fn detail_page(
    state: &AppState,
    session: &AdminSession,
    booking: &Booking,
    history: Vec<HistoryEntry>,
    flash: Option<(&str, String)>,
) -> Response {
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    let now = state.clock.now();
    let mut times: Vec<Value> = Vec::new();
    if let (Some(event), true) = (event, booking.status.is_active()) {
        let offered = state.domain.offered_in_window(event, now, Some(booking));
        times = offered
            .iter()
            .take(400)
            .map(|slot| json!({"start": slot.start.to_string(), "label": long_time(slot.start, event.schedule.timezone())}))
            .collect();
    }
    let (flash_kind, flash_message) = flash.unwrap_or(("", String::new()));
    page(
        state,
        session,
        "admin_booking.html",
        "bookings",
        json!({
            "booking": booking_json(state, booking),
            "history": history,
            "times": times,
            "active": booking.status.is_active(),
            "requested": booking.status == BookingStatus::Requested,
            "flash_kind": flash_kind,
            "flash_message": flash_message,
        }),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
}

/// `GET /admin/bookings/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    query: Result<Query<DetailQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|Query(query)| query.done);
    match with_history(&state, &id, &session.role).await {
        Ok((booking, history)) => {
            let flash =
                done.map(|action| ("success", format!("Done: {}.", action.replace('_', " "))));
            detail_page(&state, &session, &booking, history, flash)
        }
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/bookings/{id}/{action}`.
pub async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    let message = form.text("message");
    let start = form.text("start").map(Value::String);
    match apply(
        &state,
        &id,
        &action,
        message,
        start.as_ref(),
        &session.actor(),
        &session.role,
    )
    .await
    {
        Ok(_) => see_other(&format!("/admin/bookings/{id}?done={action}")),
        Err(err) => match with_history(&state, &id, &session.role).await {
            Ok((booking, history)) => {
                let mut response = detail_page(
                    &state,
                    &session,
                    &booking,
                    history,
                    Some(("error", err.message.clone())),
                );
                *response.status_mut() = err.status;
                response
            }
            Err(_) => super::error(&state, &session, err),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formula_safe() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
