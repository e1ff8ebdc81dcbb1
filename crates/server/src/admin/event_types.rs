//! Event types for operators: list, create, edit, enable/disable. Changes are validated by
//! the catalog (exactly as the config file is), stored with their audit entry in one
//! transaction, and the new catalog is swapped in at once.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use openslot_store::{AuditEntry, StoredEventType};
use serde_json::{json, Value};

use super::{event_form, page, see_other, AdminForm, AdminSession, Form};
use crate::{
    config::{ConfigError, EventTypeConfig},
    domain::Actor,
    event_types::{catalog_from_rows, entry_of, row_of},
    http::error::ApiError,
    http::state::AppState,
    validate::FieldErrors,
};

/// A validation error of the catalog as a form field error: `event_types[3].hours[0]`
/// becomes `hours`.
fn field_error(err: &ConfigError) -> ApiError {
    let key = err
        .key
        .split_once("].")
        .map(|(_, rest)| rest)
        .unwrap_or(&err.key);
    let field = key.split(['[', '.']).next().unwrap_or(key);
    let mut errors = FieldErrors::new();
    errors.insert(
        if field.is_empty() {
            "definition".into()
        } else {
            field.to_string()
        },
        err.message.clone(),
    );
    ApiError::validation(errors)
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A stored event type as operators see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"slug": "discovery-call", "enabled": true, "position": 0, "definition": {"slug": "discovery-call", "title": "Discovery call", "duration_minutes": 30, "overrides": [], "questions": []}, "updated_at": "2026-12-01T09:00:00Z"}))]
pub struct EventTypeView {
    pub slug: String,
    /// Disabled types are not bookable but keep their bookings.
    pub enabled: bool,
    /// Order on the booking page (ascending).
    pub position: i64,
    /// The definition: the configuration-file keys of an `[[event_types]]` entry (see
    /// `EventTypeDefinition`).
    #[schema(value_type = Object)]
    pub definition: Value,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A stored event type as operators see it.
pub fn event_type_view(row: &StoredEventType) -> EventTypeView {
    EventTypeView {
        slug: row.slug.clone(),
        enabled: row.enabled,
        position: row.position,
        definition: row.definition.clone(),
        updated_at: jiff::Timestamp::from_second(row.updated_at)
            .map(|at| at.to_string())
            .unwrap_or_default(),
    }
}

/// Every stored event type, in order.
pub async fn listing(state: &AppState) -> Result<Vec<EventTypeView>, ApiError> {
    let rows = state.store.event_types().await?;
    Ok(rows.iter().map(event_type_view).collect())
}

/// Creates (`creating`) or replaces an event type; returns its stored definition.
pub async fn save(
    state: &AppState,
    entry: EventTypeConfig,
    enabled: bool,
    creating: bool,
    actor: &Actor,
) -> Result<StoredEventType, ApiError> {
    let rows = state.store.event_types().await?;
    save_among(state, rows, entry, enabled, creating, actor).await
}

/// [`save`] given every stored row as just read.
async fn save_among(
    state: &AppState,
    mut rows: Vec<StoredEventType>,
    entry: EventTypeConfig,
    enabled: bool,
    creating: bool,
    actor: &Actor,
) -> Result<StoredEventType, ApiError> {
    if !valid_slug(&entry.slug) {
        let mut errors = FieldErrors::new();
        errors.insert("slug".into(), "1-64 of a-z, 0-9 and '-'".into());
        return Err(ApiError::validation(errors));
    }
    let existing = rows.iter().position(|row| row.slug == entry.slug);
    let now = state.clock.now().as_second();
    let before = match (existing, creating) {
        (Some(_), true) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "event_type_exists",
                format!("there is already an event type {:?}", entry.slug),
            ))
        }
        (None, false) => {
            return Err(ApiError::not_found(
                "event_type_not_found",
                format!("there is no event type {:?}", entry.slug),
            ))
        }
        (Some(index), false) => Some(rows[index].clone()),
        (None, true) => None,
    };
    let position = match &before {
        Some(row) => row.position,
        None => rows.iter().map(|row| row.position + 1).max().unwrap_or(0),
    };
    let draft = StoredEventType {
        slug: entry.slug.clone(),
        position,
        definition: serde_json::to_value(&entry).map_err(|_| ApiError::internal())?,
        enabled,
        updated_at: now,
    };
    match existing {
        Some(index) => rows[index] = draft,
        None => rows.push(draft),
    }
    let hosts = state.store.hosts().await?;
    let catalog =
        catalog_from_rows(&state.config, &rows, &hosts).map_err(|err| field_error(&err))?;
    let event = catalog.get(&entry.slug).ok_or_else(ApiError::internal)?;
    let row = row_of(event, position, now);
    let snapshot =
        |row: &StoredEventType| json!({"enabled": row.enabled, "definition": row.definition});
    let audit = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: now,
        actor: actor.label(),
        action: if creating {
            "event_type.create".into()
        } else {
            "event_type.update".into()
        },
        target: format!("event_type:{}", row.slug),
        before: before.as_ref().map(snapshot),
        after: Some(snapshot(&row)),
    };
    state.store.save_event_type(&row, &audit).await?;
    // Re-read rather than install `catalog`: another admin may have saved meanwhile.
    state
        .catalog
        .refresh(state.store.as_ref(), &state.config)
        .await?;
    tracing::info!(event_type = %row.slug, by = actor.kind(), action = %audit.action, "event type saved");
    Ok(row)
}

/// The form has no host fields: an edit keeps the stored hosts, assignment, weights and
/// fairness window instead of resetting them to the defaults.
async fn keep_stored_team(
    state: &AppState,
    entry: &mut EventTypeConfig,
    creating: bool,
) -> Result<(), ApiError> {
    if creating {
        return Ok(());
    }
    let rows = state.store.event_types().await?;
    if let Some(row) = rows.iter().find(|row| row.slug == entry.slug) {
        let stored = entry_of(row).map_err(|err| field_error(&err))?;
        entry.hosts = stored.hosts;
        entry.assignment = stored.assignment;
        entry.weights = stored.weights;
        entry.fairness_window_days = stored.fairness_window_days;
    }
    Ok(())
}

/// Enables or disables an event type.
pub async fn set_enabled(
    state: &AppState,
    slug: &str,
    enabled: bool,
    actor: &Actor,
) -> Result<StoredEventType, ApiError> {
    let rows = state.store.event_types().await?;
    let row = rows.iter().find(|row| row.slug == slug).ok_or_else(|| {
        ApiError::not_found(
            "event_type_not_found",
            format!("there is no event type {slug:?}"),
        )
    })?;
    let entry = entry_of(row).map_err(|err| field_error(&err))?;
    save_among(state, rows, entry, enabled, false, actor).await
}

/// `GET /admin/event-types`.
pub async fn list(State(state): State<AppState>, session: AdminSession) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    match listing(&state).await {
        Ok(types) => page(
            &state,
            &session,
            "admin_event_types.html",
            "event-types",
            json!({"types": types}),
        ),
        Err(err) => super::error(&state, &session, err),
    }
}

fn form_page(
    state: &AppState,
    session: &AdminSession,
    values: Value,
    creating: bool,
    errors: Option<FieldErrors>,
    status: StatusCode,
) -> Response {
    let mut response = page(
        state,
        session,
        "admin_event_type.html",
        "event-types",
        json!({
            "values": values,
            "creating": creating,
            "errors": errors.unwrap_or_default(),
            "zones": crate::web::timezones::COMMON,
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /admin/event-types/new`: a form with the defaults filled in.
pub async fn new_form(State(state): State<AppState>, session: AdminSession) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let defaults = &state.config.defaults;
    let entry = EventTypeConfig {
        slug: String::new(),
        title: String::new(),
        duration_minutes: 30,
        description: None,
        slot_step_minutes: None,
        buffer_before_minutes: Some(0),
        buffer_after_minutes: Some(0),
        max_per_day: None,
        timezone: Some(defaults.timezone.clone()),
        hours: Some(defaults.hours.clone()),
        weekdays: Some(defaults.weekdays.clone()),
        lookahead_days: Some(defaults.lookahead_days),
        min_lead_minutes: Some(defaults.min_lead_minutes),
        mode: Some(defaults.mode.clone()),
        change_cutoff_hours: Some(defaults.change_cutoff_hours),
        request_expiry_hours: Some(defaults.request_expiry_hours),
        overrides: Vec::new(),
        questions: Vec::new(),
        hosts: None,
        assignment: None,
        weights: Default::default(),
        fairness_window_days: None,
    };
    form_page(
        &state,
        &session,
        event_form::form_values(&entry, true),
        true,
        None,
        StatusCode::OK,
    )
}

/// `GET /admin/event-types/{slug}`.
pub async fn edit_form(
    State(state): State<AppState>,
    session: AdminSession,
    Path(slug): Path<String>,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let rows = match state.store.event_types().await {
        Ok(rows) => rows,
        Err(err) => return super::error(&state, &session, err.into()),
    };
    let Some(row) = rows.iter().find(|row| row.slug == slug) else {
        return super::error(
            &state,
            &session,
            ApiError::not_found("event_type_not_found", "there is no such event type"),
        );
    };
    match entry_of(row) {
        Ok(entry) => form_page(
            &state,
            &session,
            event_form::form_values(&entry, row.enabled),
            false,
            None,
            StatusCode::OK,
        ),
        Err(err) => super::error(&state, &session, field_error(&err)),
    }
}

async fn submit(
    state: AppState,
    session: AdminSession,
    slug: Option<String>,
    form: Form,
) -> Response {
    let creating = slug.is_none();
    let slug = slug.unwrap_or_else(|| form.text("slug").unwrap_or_default());
    let result = match event_form::entry_from_form(&form, slug.clone()) {
        Ok((mut entry, enabled)) => match keep_stored_team(&state, &mut entry, creating).await {
            Ok(()) => save(&state, entry, enabled, creating, &session.actor()).await,
            Err(err) => Err(err),
        },
        Err(errors) => Err(ApiError::validation(errors)),
    };
    match result {
        Ok(row) => see_other(&format!("/admin/event-types/{}?saved=1", row.slug)),
        Err(err) => {
            // Show the form again with what was typed and the errors.
            let mut values = json!({});
            for (key, value) in &form.0 {
                if key != "weekdays" && key != "csrf" {
                    values[key] = json!(value);
                }
            }
            let checked = form.all("weekdays");
            values["weekdays"] = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .map(|day| json!({"day": day, "checked": checked.contains(day)}))
                .collect::<Vec<_>>());
            values["enabled"] = json!(form.get("enabled").is_some());
            values["slug"] = json!(slug);
            let mut errors = err.fields.clone().unwrap_or_default();
            if errors.is_empty() {
                errors.insert("definition".into(), err.message.clone());
            }
            form_page(&state, &session, values, creating, Some(errors), err.status)
        }
    }
}

/// `POST /admin/event-types`: create.
pub async fn create(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    submit(state, session, None, form).await
}

/// `POST /admin/event-types/{slug}`: update.
pub async fn update(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    submit(state, session, Some(slug), form).await
}

/// `POST /admin/event-types/{slug}/enable|disable`.
pub async fn toggle(
    State(state): State<AppState>,
    Path((slug, action)): Path<(String, String)>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => {
            return super::error(
                &state,
                &session,
                ApiError::not_found("unknown_action", "the action must be enable or disable"),
            )
        }
    };
    match set_enabled(&state, &slug, enabled, &session.actor()).await {
        Ok(_) => see_other("/admin/event-types"),
        Err(err) => super::error(&state, &session, err),
    }
}
