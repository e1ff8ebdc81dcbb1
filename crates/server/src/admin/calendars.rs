//! Connected calendars for operators: each connection's health (`/admin/calendars`,
//! `GET /api/v1/hosts/{id}/calendars`), "sync now", and connections added or removed
//! in `/admin` or `/api/v1` (those from the configuration file are read only here).
//! A connection added here is checked exactly as `[[hosts.calendars]]` is; its password
//! is sealed before it reaches the store and is never shown again. A host user sees and
//! manages only their own host's connections.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use openslot_store::{AuditEntry, CalendarConnection, CalendarSettings};
use serde_json::{json, Map, Value};

use super::{auth::forbidden, auth::Role, page, see_other, AdminForm, AdminSession, Form};
use crate::{
    calendars::{check_calendar, connection_id, display_url},
    config::{CalendarConfig, CalendarKind},
    display::long_time,
    domain::Actor,
    http::error::ApiError,
    http::state::AppState,
    validate::FieldErrors,
};

/// A connection to add, as sent by the form or the API.
#[derive(Clone, Default)]
pub struct NewCalendar {
    pub kind: String,
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub busy: bool,
    pub write: bool,
    pub refresh_minutes: Option<u32>,
    pub all_day_busy: bool,
}

impl std::fmt::Debug for NewCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCalendar")
            .field("kind", &self.kind)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.insert(field.into(), message.into());
    ApiError::validation(errors)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "calendar_not_found",
        format!("there is no calendar connection {id:?}"),
    )
}

impl NewCalendar {
    /// Reads an API body: `kind` and `url` required; `busy` and `all_day_busy` default to
    /// true, `write` to false, `refresh_minutes` to the kind's default. `password_env` is
    /// refused: naming a variable of the server's environment would let whoever adds a
    /// connection send any of the server's secrets to a calendar server of their choice.
    pub fn from_json(object: &Map<String, Value>) -> Result<NewCalendar, ApiError> {
        const KNOWN: [&str; 8] = [
            "kind",
            "url",
            "username",
            "password",
            "busy",
            "write",
            "refresh_minutes",
            "all_day_busy",
        ];
        if object.contains_key("password_env") {
            return Err(invalid(
                "password_env",
                "only the configuration file may name an environment variable; send `password`",
            ));
        }
        if let Some(unknown) = object.keys().find(|key| !KNOWN.contains(&key.as_str())) {
            return Err(invalid(unknown, "is not a calendar setting"));
        }
        let text = |name: &str, required: bool| -> Result<Option<String>, ApiError> {
            match object.get(name) {
                None | Some(Value::Null) if required => Err(invalid(name, "is required")),
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => {
                    // A password is taken as typed; other values trimmed.
                    let text = if name == "password" {
                        text.as_str()
                    } else {
                        text.trim()
                    };
                    if text.is_empty() && required {
                        Err(invalid(name, "is required"))
                    } else {
                        Ok((!text.is_empty()).then(|| text.to_string()))
                    }
                }
                Some(_) => Err(invalid(name, "must be a string")),
            }
        };
        let flag = |name: &str, default: bool| -> Result<bool, ApiError> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::Bool(value)) => Ok(*value),
                Some(_) => Err(invalid(name, "must be true or false")),
            }
        };
        let refresh_minutes = match object.get("refresh_minutes") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .and_then(|minutes| u32::try_from(minutes).ok())
                    .ok_or_else(|| invalid("refresh_minutes", "must be a whole number"))?,
            ),
        };
        Ok(NewCalendar {
            kind: text("kind", true)?.unwrap_or_default(),
            url: text("url", true)?.unwrap_or_default(),
            username: text("username", false)?,
            password: text("password", false)?,
            busy: flag("busy", true)?,
            write: flag("write", false)?,
            refresh_minutes,
            all_day_busy: flag("all_day_busy", true)?,
        })
    }

    /// Reads the form (unticked boxes are false, as browsers send nothing for them).
    fn from_form(form: &Form) -> Result<NewCalendar, FieldErrors> {
        let mut errors = FieldErrors::new();
        let refresh_minutes = match form.text("refresh_minutes") {
            None => None,
            Some(text) => match text.parse::<u32>() {
                Ok(minutes) => Some(minutes),
                Err(_) => {
                    errors.insert("refresh_minutes".into(), "must be a whole number".into());
                    None
                }
            },
        };
        let calendar = NewCalendar {
            kind: form.text("kind").unwrap_or_default(),
            url: form.text("url").unwrap_or_default(),
            username: form.text("username"),
            password: form
                .get("password")
                .filter(|password| !password.is_empty())
                .map(str::to_string),
            busy: form.get("busy").is_some(),
            write: form.get("write").is_some(),
            refresh_minutes,
            all_day_busy: form.get("all_day_busy").is_some(),
        };
        if errors.is_empty() {
            Ok(calendar)
        } else {
            Err(errors)
        }
    }

    /// The entry as the configuration file would have it.
    fn config(&self) -> Result<CalendarConfig, ApiError> {
        if self.url.is_empty() {
            return Err(invalid("url", "is required"));
        }
        let kind = CalendarKind::parse(&self.kind)
            .ok_or_else(|| invalid("kind", "must be \"caldav\" or \"ics\""))?;
        Ok(CalendarConfig {
            kind,
            url: self.url.clone(),
            username: self.username.clone(),
            password_env: None,
            password: self.password.clone(),
            busy: self.busy,
            write: self.write,
            refresh_minutes: self.refresh_minutes,
            all_day_busy: self.all_day_busy,
        })
    }
}

/// `seconds` ago (or ahead) in words: "just now", "4 min ago", "in 2 h".
pub fn relative(seconds: i64) -> String {
    let ahead = seconds < 0;
    let span = seconds.unsigned_abs();
    let amount = match span {
        0..=59 => {
            return if ahead {
                "now".into()
            } else {
                "just now".into()
            }
        }
        60..=3599 => format!("{} min", span / 60),
        3600..=172_799 => format!("{} h", span / 3600),
        _ => format!("{} days", span / 86_400),
    };
    if ahead {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// Whether a connection's busy time counts as stale now (as the busy loader decides it:
/// a connection never synced counts from when it was added).
fn is_stale(state: &AppState, connection: &CalendarConnection, now: i64) -> bool {
    let fresh_since = connection.last_success_at.unwrap_or(connection.created_at);
    now - fresh_since > i64::from(state.config.calendars.stale_after_minutes) * 60
}

/// A connection's address as it may be shown. A Google or Microsoft calendar's `url` is
/// the provider's calendar id, no secret.
fn shown_url(settings: &CalendarSettings) -> String {
    match settings.kind.as_str() {
        "google" | "microsoft" => settings.url.clone(),
        kind => display_url(
            CalendarKind::parse(kind).unwrap_or(CalendarKind::Caldav),
            &settings.url,
        ),
    }
}

/// A calendar connection as operators see it (never a password, sealed or not).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "id": "0190c8d2-0000-7000-8000-000000000001", "host_id": "ada", "kind": "caldav",
    "url": "https://dav.example.com/calendars/ada/work/", "username": "ada",
    "password_env": null, "has_password": true, "busy": true, "write": false,
    "refresh_minutes": 5, "all_day_busy": true, "origin": "admin", "account_id": null,
    "last_attempt_at": "2026-12-02T10:00:00Z", "last_success_at": "2026-12-02T10:00:00Z",
    "last_error": null, "failing_since": null, "events_imported": 12,
    "next_run_at": "2026-12-02T10:05:00Z", "stale": false, "created_at": "2026-12-01T09:00:00Z"
}))]
pub struct CalendarView {
    pub id: String,
    pub host_id: String,
    /// `caldav`, `ics`, `google` or `microsoft`.
    pub kind: String,
    /// The address: an ICS feed's (its secret) only as its host; the provider's calendar
    /// id for `google` and `microsoft`.
    pub url: String,
    pub username: Option<String>,
    /// The environment variable the password is read from (configuration-file connections).
    pub password_env: Option<String>,
    pub has_password: bool,
    /// Busy time is read from it.
    pub busy: bool,
    /// Confirmed bookings are written into it.
    pub write: bool,
    pub refresh_minutes: u32,
    /// All-day events block their day.
    pub all_day_busy: bool,
    /// `config` (from the configuration file) or `admin`.
    pub origin: String,
    /// The Google or Microsoft account it is read through.
    pub account_id: Option<String>,
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    /// Start of the current run of failures.
    #[schema(format = DateTime)]
    pub failing_since: Option<String>,
    /// Busy intervals imported from it now.
    pub events_imported: i64,
    #[schema(format = DateTime)]
    pub next_run_at: Option<String>,
    /// No successful sync for longer than `[calendars] stale_after_minutes`.
    pub stale: bool,
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
}

fn instant(second: Option<i64>) -> Option<String> {
    second
        .and_then(|second| jiff::Timestamp::from_second(second).ok())
        .map(|at| at.to_string())
}

/// A connection as the API shows it.
pub fn connection_view(
    state: &AppState,
    connection: &CalendarConnection,
    now: i64,
) -> CalendarView {
    let settings = &connection.settings;
    let shown = shown_url(settings);
    // Errors may quote the address they failed on.
    let last_error = connection
        .last_error
        .as_ref()
        .map(|error| error.replace(&settings.url, &shown));
    CalendarView {
        id: settings.id.clone(),
        host_id: settings.host_id.clone(),
        kind: settings.kind.clone(),
        url: shown,
        username: settings.username.clone(),
        password_env: settings.password_env.clone(),
        has_password: settings.password_enc.is_some() || settings.password_env.is_some(),
        busy: settings.busy,
        write: settings.write,
        refresh_minutes: settings.refresh_minutes,
        all_day_busy: settings.all_day_busy,
        origin: settings.origin.clone(),
        account_id: settings.account_id.clone(),
        last_attempt_at: instant(connection.last_attempt_at),
        last_success_at: instant(connection.last_success_at),
        last_error,
        failing_since: instant(connection.failing_since),
        events_imported: connection.events_imported,
        next_run_at: instant(Some(connection.next_run_at)),
        stale: is_stale(state, connection, now),
        created_at: instant(Some(connection.created_at)),
    }
}

/// [`connection_view`] as JSON, for pages that add to it.
pub fn connection_json(state: &AppState, connection: &CalendarConnection, now: i64) -> Value {
    json!(connection_view(state, connection, now))
}

/// The connections `role` may see, all hosts' or `host`'s only.
pub async fn connections(
    state: &AppState,
    role: &Role,
    host: Option<&str>,
) -> Result<Vec<CalendarConnection>, ApiError> {
    let rows = state.store.calendar_connections().await?;
    Ok(rows
        .into_iter()
        .filter(|row| role.may_edit_host(&row.settings.host_id))
        .filter(|row| host.is_none_or(|host| row.settings.host_id == host))
        .collect())
}

/// 404 for a host that does not exist, 403 for another host's (a host user).
pub fn check_host(state: &AppState, host: &str, role: &Role) -> Result<(), ApiError> {
    if state.catalog.load().hosts().get(host).is_none() {
        return Err(ApiError::not_found(
            "host_not_found",
            format!("there is no host {host:?}"),
        ));
    }
    if !role.may_edit_host(host) {
        return Err(forbidden());
    }
    Ok(())
}

/// The connection `id`, if `role` may see it.
pub async fn connection(
    state: &AppState,
    id: &str,
    role: &Role,
) -> Result<CalendarConnection, ApiError> {
    let row = state
        .store
        .calendar_connection(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !role.may_edit_host(&row.settings.host_id) {
        // As if it did not exist: a host user learns nothing of other hosts' calendars.
        return Err(not_found(id));
    }
    Ok(row)
}

/// The settings of a connection for the audit log (where passwords never go).
fn audited(settings: &CalendarSettings) -> Value {
    json!({
        "host_id": settings.host_id,
        "kind": settings.kind,
        "url": shown_url(settings),
        "username": settings.username,
        "has_password": settings.password_enc.is_some(),
        "busy": settings.busy,
        "write": settings.write,
        "refresh_minutes": settings.refresh_minutes,
        "all_day_busy": settings.all_day_busy,
    })
}

/// Checks and stores a new connection of `host` for `actor`, then loads it and asks for
/// its first sync. Errors name the field.
pub async fn add(
    state: &AppState,
    host: &str,
    new: &NewCalendar,
    actor: &Actor,
    role: &Role,
) -> Result<CalendarConnection, ApiError> {
    check_host(state, host, role)?;
    let calendar = new.config()?;
    // No environment is read: `password_env` never comes from here.
    check_calendar(&calendar, &state.config.calendars, &|_| None)
        .map_err(|(field, message)| invalid(field, message))?;
    if !state.config.calendars.allow_private_targets {
        crate::egress::check_public(&calendar.url)
            .await
            .map_err(|err| invalid("url", err.to_string()))?;
    }
    let id = connection_id(host, &calendar.url);
    let existing = state.store.calendar_connections().await?;
    let mine: Vec<&CalendarConnection> = existing
        .iter()
        .filter(|row| row.settings.host_id == host)
        .collect();
    if mine
        .iter()
        .any(|row| row.settings.id == id || row.settings.url == calendar.url)
    {
        let mut errors = FieldErrors::new();
        errors.insert(
            "url".into(),
            "this calendar is already connected for this host".into(),
        );
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "calendar_exists",
            "this calendar is already connected for this host",
        )
        .with_fields(errors));
    }
    if calendar.write {
        if let Some(writer) = mine.iter().find(|row| row.settings.write) {
            return Err(invalid(
                "write",
                format!(
                    "only one calendar per host takes bookings; {} already does",
                    shown_url(&writer.settings)
                ),
            ));
        }
    }
    let password_enc = calendar
        .password
        .as_ref()
        .map(|password| state.calendars.credentials.seal(password));
    let settings = CalendarSettings {
        id: id.clone(),
        host_id: host.to_string(),
        kind: calendar.kind.as_str().to_string(),
        url: calendar.url.clone(),
        username: calendar.username.clone(),
        password_env: None,
        password_enc,
        busy: calendar.busy,
        write: calendar.write,
        refresh_minutes: calendar.refresh_minutes(),
        all_day_busy: calendar.all_day_busy,
        origin: "admin".into(),
        account_id: None,
    };
    let now = state.clock.now().as_second();
    let audit = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: now,
        actor: actor.label(),
        action: "calendar.create".into(),
        target: format!("calendar:{id}"),
        before: None,
        after: Some(audited(&settings)),
    };
    state
        .store
        .save_calendar_connection(&settings, &audit, now)
        .await?;
    reload(state).await;
    state.calendars.sync_now(&id).await?;
    tracing::info!(connection = %id, host, by = actor.kind(), "calendar connection added");
    state
        .store
        .calendar_connection(&id)
        .await?
        .ok_or_else(ApiError::internal)
}

/// Brings a change of the connections into memory at once (busy time, stale hosts,
/// which hosts take write-back); the periodic reload would otherwise pick it up later.
async fn reload(state: &AppState) {
    if let Err(err) = state.calendars.load_busy().await {
        tracing::warn!(error = %err, "calendar connections not reloaded");
    }
}

/// Removes an admin-added connection with what was imported from it. One from the
/// configuration file is refused (409 `config_managed`): it would come back on start.
pub async fn remove(
    state: &AppState,
    id: &str,
    actor: &Actor,
    role: &Role,
) -> Result<(), ApiError> {
    let row = connection(state, id, role).await?;
    if row.settings.origin != "admin" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "config_managed",
            "this calendar comes from the configuration file; remove it there",
        ));
    }
    let audit = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: state.clock.now().as_second(),
        actor: actor.label(),
        action: "calendar.delete".into(),
        target: format!("calendar:{id}"),
        before: Some(audited(&row.settings)),
        after: None,
    };
    if !state.store.delete_calendar_connection(id, &audit).await? {
        return Err(not_found(id));
    }
    reload(state).await;
    // The busy loader updates only the connections there are: a removed one's gauge
    // would otherwise report its last age forever.
    state
        .metrics
        .set_calendar_age(id, &row.settings.host_id, None);
    tracing::info!(connection = %id, host = %row.settings.host_id, by = actor.kind(), "calendar connection removed");
    Ok(())
}

/// "Sync now" for a connection `role` may see.
pub async fn sync(state: &AppState, id: &str, actor: &Actor, role: &Role) -> Result<(), ApiError> {
    connection(state, id, role).await?;
    if !state.calendars.sync_now(id).await? {
        return Err(not_found(id));
    }
    tracing::info!(connection = %id, by = actor.kind(), "calendar sync requested");
    Ok(())
}

/// A summary for the dashboard: how many connections, failing, stale, and how many
/// Google or Microsoft accounts need reconnecting.
pub async fn health(state: &AppState) -> Result<CalendarHealth, ApiError> {
    let rows = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    let needs_reconnect = state
        .store
        .oauth_accounts(None)
        .await?
        .iter()
        .filter(|account| account.status == crate::calendars::tokens::STATUS_NEEDS_RECONNECT)
        .count();
    Ok(CalendarHealth {
        total: rows.len(),
        needs_reconnect,
        failing: rows
            .iter()
            .filter(|row| row.failing_since.is_some())
            .count(),
        stale: rows
            .iter()
            .filter(|row| row.settings.busy && is_stale(state, row, now))
            .count(),
    })
}

/// How the calendar connections are doing, in counts.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CalendarHealth {
    pub total: usize,
    /// Google or Microsoft accounts whose grant the provider refused.
    pub needs_reconnect: usize,
    pub failing: usize,
    /// Busy-time connections without a recent successful sync.
    pub stale: usize,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    host: Option<String>,
    done: Option<String>,
}

/// One table row: the API's fields plus times in words and in the operator's zone.
fn row_view(state: &AppState, connection: &CalendarConnection, now: i64) -> Value {
    let zone = state.host_zone();
    let at = |second: Option<i64>| -> Value {
        match second.and_then(|second| jiff::Timestamp::from_second(second).ok()) {
            Some(instant) => json!({
                "relative": relative(now - instant.as_second()),
                "absolute": long_time(instant, &zone),
            }),
            None => Value::Null,
        }
    };
    let mut view = connection_json(state, connection, now);
    view["last_success"] = at(connection.last_success_at);
    view["failing"] = at(connection.failing_since);
    view["next_run"] = at(Some(connection.next_run_at));
    view
}

fn host_choices(state: &AppState, role: &Role) -> Vec<Value> {
    let catalog = state.catalog.load();
    catalog
        .hosts()
        .iter()
        .filter(|host| role.may_edit_host(&host.id))
        .map(|host| json!({"id": host.id, "name": host.name}))
        .collect()
}

/// `GET /admin/calendars`.
pub async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let rows = match connections(&state, &session.role, query.host.as_deref()).await {
        Ok(rows) => rows,
        Err(err) => return super::error(&state, &session, err),
    };
    let oauth = match super::oauth::list_context(&state, &session.role, query.host.as_deref()).await
    {
        Ok(oauth) => oauth,
        Err(err) => return super::error(&state, &session, err),
    };
    let now = state.clock.now().as_second();
    let rows: Vec<Value> = rows.iter().map(|row| row_view(&state, row, now)).collect();
    let response = page(
        &state,
        &session,
        "admin_calendars.html",
        "calendars",
        json!({
            "connections": rows,
            "done": query.done,
            "stale_after_minutes": state.config.calendars.stale_after_minutes,
            "on_stale": state.config.calendars.on_stale.as_str(),
            "accounts": oauth["accounts"],
            "providers": oauth["providers"],
            "hosts": host_choices(&state, &session.role),
            "selected_host": query.host,
        }),
    );
    super::oauth::allow_sign_in_forms(&state, response)
}

fn form_page(
    state: &AppState,
    session: &AdminSession,
    values: Value,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let mut response = page(
        state,
        session,
        "admin_calendar.html",
        "calendars",
        json!({
            "values": values,
            "errors": errors,
            "hosts": host_choices(state, &session.role),
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /admin/calendars/new`.
pub async fn new_form(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let host = query
        .ok()
        .and_then(|Query(query)| query.host)
        .or_else(|| session.role.host().map(str::to_string))
        .unwrap_or_default();
    let values = json!({
        "host": host, "kind": "caldav", "url": "", "username": "",
        "busy": true, "write": false, "refresh_minutes": "", "all_day_busy": true,
    });
    form_page(&state, &session, values, FieldErrors::new(), StatusCode::OK)
}

/// `POST /admin/calendars`: add a connection.
pub async fn create(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    let host = form
        .text("host")
        .or_else(|| session.role.host().map(str::to_string))
        .unwrap_or_default();
    let result = match NewCalendar::from_form(&form) {
        Ok(new) => add(&state, &host, &new, &session.actor(), &session.role).await,
        Err(errors) => Err(ApiError::validation(errors)),
    };
    match result {
        Ok(_) => see_other("/admin/calendars?done=added"),
        Err(err) if err.status == StatusCode::FORBIDDEN => super::error(&state, &session, err),
        Err(err) => {
            // The form again with what was typed, except the password.
            let values = json!({
                "host": host,
                "kind": form.text("kind").unwrap_or_default(),
                "url": form.text("url").unwrap_or_default(),
                "username": form.text("username").unwrap_or_default(),
                "busy": form.get("busy").is_some(),
                "write": form.get("write").is_some(),
                "refresh_minutes": form.text("refresh_minutes").unwrap_or_default(),
                "all_day_busy": form.get("all_day_busy").is_some(),
            });
            let mut errors = err.fields.clone().unwrap_or_default();
            if errors.is_empty() {
                let field = if err.code == "host_not_found" {
                    "host"
                } else {
                    "form"
                };
                errors.insert(field.into(), err.message.clone());
            }
            let status = if err.status == StatusCode::NOT_FOUND {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                err.status
            };
            form_page(&state, &session, values, errors, status)
        }
    }
}

/// `POST /admin/calendars/{id}/sync|delete`.
pub async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    let actor = session.actor();
    let result = match action.as_str() {
        "sync" => sync(&state, &id, &actor, &session.role)
            .await
            .map(|()| "sync"),
        "delete" => remove(&state, &id, &actor, &session.role)
            .await
            .map(|()| "removed"),
        _ => Err(ApiError::not_found(
            "unknown_action",
            "the action must be sync or delete",
        )),
    };
    match result {
        Ok(done) => see_other(&format!("/admin/calendars?done={done}")),
        Err(err) => super::error(&state, &session, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(5), "just now");
        assert_eq!(relative(-5), "now");
        assert_eq!(relative(240), "4 min ago");
        assert_eq!(relative(-7200), "in 2 h");
        assert_eq!(relative(3 * 86_400), "3 days ago");
    }

    #[test]
    fn api_bodies_refuse_environment_variables_and_unknown_keys() {
        let body = |value: Value| value.as_object().unwrap().clone();
        let err = NewCalendar::from_json(&body(json!({
            "kind": "caldav", "url": "https://dav.example.com/", "username": "ada",
            "password_env": "OPENSLOT_SECRET"
        })))
        .unwrap_err();
        assert!(err.fields.unwrap().contains_key("password_env"));
        let err = NewCalendar::from_json(&body(
            json!({"kind": "ics", "url": "https://x.example/a.ics", "color": "red"}),
        ))
        .unwrap_err();
        assert!(err.fields.unwrap().contains_key("color"));
        let err = NewCalendar::from_json(&body(json!({"kind": "ics"}))).unwrap_err();
        assert!(err.fields.unwrap().contains_key("url"));
        let new = NewCalendar::from_json(&body(
            json!({"kind": "ics", "url": " https://x.example/a.ics "}),
        ))
        .unwrap();
        assert_eq!(new.url, "https://x.example/a.ics");
        assert!(new.busy && new.all_day_busy && !new.write);
        assert_eq!(new.refresh_minutes, None);
        let shown = format!(
            "{:?}",
            NewCalendar {
                password: Some("hunter2".into()),
                ..new
            }
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
