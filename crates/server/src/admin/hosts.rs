//! Hosts for operators: list, create, edit (hours, overrides, time off, cap), enable and
//! disable. Changes are validated exactly as `[[hosts]]` in the config file are (and the
//! event types are checked against the result), stored with their audit entry in one
//! transaction, and the new catalog is swapped in at once. A host user may open and edit
//! only their own host, and only its hours, days, zone, overrides and time off.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use openslot_store::{AuditEntry, StoredHost};
use serde_json::{json, Map, Value};

use super::{
    auth::{forbidden, Role},
    event_form, page, see_other, AdminForm, AdminSession, Form,
};
use crate::{
    config::{ConfigError, HostEntryConfig, TimeOffConfig},
    domain::Actor,
    event_types::{catalog_from_rows, host_row_of, hosts_from_rows},
    hosts::entry_of,
    http::error::ApiError,
    http::state::AppState,
    validate::FieldErrors,
};

/// A validation error of the host directory as a form field error: `hosts[3].hours[0]`
/// becomes `hours`.
fn field_error(err: &ConfigError) -> ApiError {
    let key = err
        .key
        .split_once("].")
        .map(|(_, rest)| rest)
        .unwrap_or(&err.key);
    let field = key.split(['[', '.']).next().unwrap_or(key);
    let field = match field {
        "" | "hosts" | "event_types" | "defaults" => "definition",
        field => field,
    };
    let mut errors = FieldErrors::new();
    errors.insert(field.to_string(), err.message.clone());
    ApiError::validation(errors)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("host_not_found", format!("there is no host {id:?}"))
}

/// A stored host as operators see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "ada", "enabled": true, "position": 0, "definition": {"id": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "timezone": "Europe/London", "hours": ["09:00-17:00"], "weekdays": ["mon", "tue", "wed", "thu", "fri"], "overrides": [], "time_off": []}, "updated_at": "2026-12-01T09:00:00Z"}))]
pub struct HostView {
    pub id: String,
    /// Disabled hosts get no new bookings but keep theirs.
    pub enabled: bool,
    /// Order in lists (ascending).
    pub position: i64,
    /// The host's definition: the configuration-file keys of a `[[hosts]]` entry, every
    /// default written out (see `HostDefinition`).
    #[schema(value_type = Object)]
    pub definition: Value,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A stored host as operators see it.
pub fn host_view(row: &StoredHost) -> HostView {
    HostView {
        id: row.id.clone(),
        enabled: row.enabled,
        position: row.position,
        definition: row.definition.clone(),
        updated_at: jiff::Timestamp::from_second(row.updated_at)
            .map(|at| at.to_string())
            .unwrap_or_default(),
    }
}

/// Every stored host `role` may see (a host user: only their own).
pub async fn listing(state: &AppState, role: &Role) -> Result<Vec<HostView>, ApiError> {
    let rows = state.store.hosts().await?;
    Ok(rows
        .iter()
        .filter(|row| role.may_edit_host(&row.id))
        .map(host_view)
        .collect())
}

/// The stored host `id`, if `role` may see it (another host's is a 403 for a host user).
pub async fn stored(state: &AppState, id: &str, role: &Role) -> Result<StoredHost, ApiError> {
    let rows = state.store.hosts().await?;
    let row = rows
        .into_iter()
        .find(|row| row.id == id)
        .ok_or_else(|| not_found(id))?;
    if !role.may_edit_host(id) {
        return Err(forbidden());
    }
    Ok(row)
}

/// Creates (`creating`) or replaces a host on behalf of `actor` with `role`; returns the
/// stored row. A host user may replace only their own host, and its name, e-mail, daily
/// cap and enabled state stay as stored whatever they send.
pub async fn save(
    state: &AppState,
    mut entry: HostEntryConfig,
    mut enabled: bool,
    creating: bool,
    actor: &Actor,
    role: &Role,
) -> Result<StoredHost, ApiError> {
    if creating {
        role.require_admin()?;
    } else if !role.may_edit_host(&entry.id) {
        // Checked before existence, so a host user learns nothing about other ids.
        return Err(forbidden());
    }
    if !crate::catalog::valid_slug(&entry.id) {
        let mut errors = FieldErrors::new();
        errors.insert("id".into(), "1-64 of a-z, 0-9 and '-'".into());
        return Err(ApiError::validation(errors));
    }
    let mut rows = state.store.hosts().await?;
    let existing = rows.iter().position(|row| row.id == entry.id);
    let before = match (existing, creating) {
        (Some(_), true) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "host_exists",
                format!("there is already a host {:?}", entry.id),
            ))
        }
        (None, false) => return Err(not_found(&entry.id)),
        (Some(index), false) => Some(rows[index].clone()),
        (None, true) => None,
    };
    if let (Role::Host(_), Some(row)) = (role, &before) {
        let kept = entry_of(&row.id, &row.definition).map_err(|err| field_error(&err))?;
        entry.name = kept.name;
        entry.email = kept.email;
        entry.max_per_day = kept.max_per_day;
        enabled = row.enabled;
    }
    let now = state.clock.now().as_second();
    let position = match &before {
        Some(row) => row.position,
        None => rows.iter().map(|row| row.position + 1).max().unwrap_or(0),
    };
    let draft = StoredHost {
        id: entry.id.clone(),
        position,
        definition: serde_json::to_value(&entry).map_err(|_| ApiError::internal())?,
        enabled,
        updated_at: now,
    };
    match existing {
        Some(index) => rows[index] = draft,
        None => rows.push(draft),
    }
    let directory = hosts_from_rows(&state.config, &rows).map_err(|err| field_error(&err))?;
    // The event types must still hold with the changed hosts (they always do today, as a
    // host is never removed; this keeps it so if that changes).
    let event_rows = state.store.event_types().await?;
    catalog_from_rows(&state.config, &event_rows, &rows).map_err(|err| field_error(&err))?;
    let host = directory.get(&entry.id).ok_or_else(ApiError::internal)?;
    let row = host_row_of(host, position, now);
    let snapshot = |row: &StoredHost| json!({"enabled": row.enabled, "definition": row.definition});
    let action = match (&before, creating) {
        (_, true) => "host.create",
        (Some(old), false) if old.enabled && !row.enabled => "host.disable",
        (Some(old), false) if !old.enabled && row.enabled => "host.enable",
        _ => "host.update",
    };
    let audit = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: now,
        actor: actor.label(),
        action: action.into(),
        target: format!("host:{}", row.id),
        before: before.as_ref().map(snapshot),
        after: Some(snapshot(&row)),
    };
    state.store.save_host(&row, &audit).await?;
    // Re-read rather than install what was built: another admin may have saved meanwhile.
    state
        .catalog
        .refresh(state.store.as_ref(), &state.config)
        .await?;
    tracing::info!(host = %row.id, by = actor.kind(), action, "host saved");
    Ok(row)
}

/// Enables or disables a host (admins only). A disabled host gets no new bookings; the
/// bookings it has stay.
pub async fn set_enabled(
    state: &AppState,
    id: &str,
    enabled: bool,
    actor: &Actor,
    role: &Role,
) -> Result<StoredHost, ApiError> {
    role.require_admin()?;
    let row = stored(state, id, role).await?;
    let entry = entry_of(&row.id, &row.definition).map_err(|err| field_error(&err))?;
    save(state, entry, enabled, false, actor, role).await
}

/// Reads a host definition sent to the API: the config-file keys, plus `enabled`. When
/// `base` (the stored host) is given, keys left out keep their stored value.
pub fn definition_from_json(
    mut object: Map<String, Value>,
    id: Option<&str>,
    base: Option<&StoredHost>,
) -> Result<(HostEntryConfig, bool), ApiError> {
    let invalid = |field: &str, message: &str| {
        let mut errors = FieldErrors::new();
        errors.insert(field.into(), message.into());
        ApiError::validation(errors)
    };
    let enabled = match object.remove("enabled") {
        None => base.is_none_or(|row| row.enabled),
        Some(Value::Bool(enabled)) => enabled,
        Some(_) => return Err(invalid("enabled", "must be true or false")),
    };
    if let Some(id) = id {
        match object.get("id") {
            None => {
                object.insert("id".into(), json!(id));
            }
            Some(Value::String(given)) if given == id => {}
            Some(_) => return Err(invalid("id", "the id of a host cannot change")),
        }
    }
    // The entry type reads `calendars` (from the config file) but never stores it: taken
    // here, it would be accepted and silently dropped.
    if object.contains_key("calendars") {
        return Err(invalid(
            "calendars",
            "connected calendars are not part of a host's definition",
        ));
    }
    let mut merged = match base.map(|row| &row.definition) {
        Some(Value::Object(stored)) => stored.clone(),
        _ => Map::new(),
    };
    for (key, value) in object {
        merged.insert(key, value);
    }
    let entry: HostEntryConfig = serde_json::from_value(Value::Object(merged)).map_err(|err| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("the host is not valid: {err}"),
        )
    })?;
    Ok((entry, enabled))
}

/// Time off, one range per line: `2027-02-01 to 2027-02-05` or a single day.
fn time_off(text: &str) -> Vec<TimeOffConfig> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (from, to) = line
                .split_once(" to ")
                .map(|(from, to)| (from.trim(), to.trim()))
                .unwrap_or((line, line));
            TimeOffConfig {
                from: from.to_string(),
                to: to.to_string(),
            }
        })
        .collect()
}

/// Reads the posted form into an entry for `id` and whether it is enabled.
fn entry_from_form(form: &Form, id: String) -> Result<(HostEntryConfig, bool), FieldErrors> {
    let mut errors = FieldErrors::new();
    let entry = HostEntryConfig {
        id,
        name: form.text("name").unwrap_or_default(),
        email: form.text("email").unwrap_or_default(),
        timezone: form.text("timezone"),
        hours: Some(event_form::ranges(form.get("hours").unwrap_or_default())),
        weekdays: Some(
            form.all("weekdays")
                .iter()
                .map(|day| day.to_string())
                .collect(),
        ),
        max_per_day: event_form::number(form, "max_per_day", &mut errors),
        locale: match form.text("locale") {
            Some(tag) => {
                let locale = crate::i18n::Locale::parse(&tag);
                if locale.is_none() {
                    errors.insert(
                        "locale".into(),
                        format!("{tag:?} is not a supported language"),
                    );
                }
                locale
            }
            None => None,
        },
        overrides: event_form::overrides(form.get("overrides").unwrap_or_default(), &mut errors),
        time_off: time_off(form.get("time_off").unwrap_or_default()),
        calendars: Vec::new(),
    };
    if errors.is_empty() {
        Ok((entry, form.get("enabled").is_some()))
    } else {
        Err(errors)
    }
}

/// The form's field values for an entry.
fn form_values(entry: &HostEntryConfig, enabled: bool) -> Value {
    let weekdays = entry.weekdays.clone().unwrap_or_default();
    let overrides: Vec<String> = entry
        .overrides
        .iter()
        .map(|o| {
            let hours = if o.hours.is_empty() {
                "closed".to_string()
            } else {
                o.hours.join(", ")
            };
            format!("{}: {hours}", o.date)
        })
        .collect();
    let time_off: Vec<String> = entry
        .time_off
        .iter()
        .map(|off| {
            if off.from == off.to {
                off.from.clone()
            } else {
                format!("{} to {}", off.from, off.to)
            }
        })
        .collect();
    json!({
        "id": entry.id,
        "name": entry.name,
        "email": entry.email,
        "timezone": entry.timezone.clone().unwrap_or_default(),
        "hours": entry.hours.clone().unwrap_or_default().join(", "),
        "weekdays": event_form::WEEKDAYS.iter().map(|day| json!({"day": day, "checked": weekdays.iter().any(|w| w.get(..3).is_some_and(|w| w.eq_ignore_ascii_case(day)))})).collect::<Vec<_>>(),
        "max_per_day": entry.max_per_day.map(|cap| cap.to_string()).unwrap_or_default(),
        "overrides": overrides.join("\n"),
        "time_off": time_off.join("\n"),
        "enabled": enabled,
    })
}

/// `GET /admin/hosts`.
pub async fn list(State(state): State<AppState>, session: AdminSession) -> Response {
    match listing(&state, &session.role).await {
        Ok(hosts) => page(
            &state,
            &session,
            "admin_hosts.html",
            "hosts",
            json!({"hosts": hosts}),
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
    saved: bool,
) -> Response {
    let mut response = page(
        state,
        session,
        "admin_host.html",
        "hosts",
        json!({
            "values": values,
            "creating": creating,
            "saved": saved,
            "errors": errors.unwrap_or_default(),
            "zones": crate::web::timezones::COMMON,
        }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /admin/hosts/new`: a form with the defaults filled in (admins only).
pub async fn new_form(State(state): State<AppState>, session: AdminSession) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let defaults = &state.config.defaults;
    let entry = HostEntryConfig {
        id: String::new(),
        name: String::new(),
        email: String::new(),
        timezone: Some(defaults.timezone.clone()),
        hours: Some(defaults.hours.clone()),
        weekdays: Some(defaults.weekdays.clone()),
        max_per_day: None,
        locale: None,
        overrides: Vec::new(),
        time_off: Vec::new(),
        calendars: Vec::new(),
    };
    form_page(
        &state,
        &session,
        form_values(&entry, true),
        true,
        None,
        StatusCode::OK,
        false,
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct EditQuery {
    saved: Option<String>,
}

/// `GET /admin/hosts/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    session: AdminSession,
    Path(id): Path<String>,
    query: Result<Query<EditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let saved = query.ok().and_then(|Query(query)| query.saved).is_some();
    let row = match stored(&state, &id, &session.role).await {
        Ok(row) => row,
        Err(err) => return super::error(&state, &session, err),
    };
    match entry_of(&row.id, &row.definition) {
        Ok(entry) => form_page(
            &state,
            &session,
            form_values(&entry, row.enabled),
            false,
            None,
            StatusCode::OK,
            saved,
        ),
        Err(err) => super::error(&state, &session, field_error(&err)),
    }
}

async fn submit(
    state: AppState,
    session: AdminSession,
    id: Option<String>,
    form: Form,
) -> Response {
    let creating = id.is_none();
    let id = id.unwrap_or_else(|| form.text("id").unwrap_or_default());
    let result = match entry_from_form(&form, id.clone()) {
        Ok((mut entry, enabled)) => {
            // The form has no language field (the configuration file sets it): an edit
            // keeps the language the host has.
            if !creating && form.get("locale").is_none() {
                entry.locale = state
                    .catalog
                    .load()
                    .hosts()
                    .get(&id)
                    .and_then(|host| host.locale);
            }
            save(
                &state,
                entry,
                enabled,
                creating,
                &session.actor(),
                &session.role,
            )
            .await
        }
        Err(errors) => Err(ApiError::validation(errors)),
    };
    match result {
        Ok(row) => see_other(&format!("/admin/hosts/{}?saved=1", row.id)),
        Err(err) if err.status == StatusCode::FORBIDDEN || err.status == StatusCode::NOT_FOUND => {
            super::error(&state, &session, err)
        }
        Err(err) => {
            // Show the form again with what was typed and the errors.
            let mut values = json!({});
            for (key, value) in &form.0 {
                if key != "weekdays" && key != "csrf" {
                    values[key] = json!(value);
                }
            }
            let checked = form.all("weekdays");
            values["weekdays"] = json!(event_form::WEEKDAYS
                .iter()
                .map(|day| json!({"day": day, "checked": checked.contains(day)}))
                .collect::<Vec<_>>());
            values["enabled"] = json!(form.get("enabled").is_some());
            values["id"] = json!(id);
            let mut errors = err.fields.clone().unwrap_or_default();
            if errors.is_empty() {
                errors.insert("definition".into(), err.message.clone());
            }
            form_page(
                &state,
                &session,
                values,
                creating,
                Some(errors),
                err.status,
                false,
            )
        }
    }
}

/// `POST /admin/hosts`: create.
pub async fn create(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    submit(state, session, None, form).await
}

/// `POST /admin/hosts/{id}`: update.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    submit(state, session, Some(id), form).await
}

/// `POST /admin/hosts/{id}/enable|disable`.
pub async fn toggle(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
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
    match set_enabled(&state, &id, enabled, &session.actor(), &session.role).await {
        Ok(_) => see_other("/admin/hosts"),
        Err(err) => super::error(&state, &session, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_off_lines_are_ranges_or_single_days() {
        let parsed = time_off("2027-02-01 to 2027-02-05\n\n 2027-03-01 \n");
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            (parsed[0].from.as_str(), parsed[0].to.as_str()),
            ("2027-02-01", "2027-02-05")
        );
        assert_eq!(
            (parsed[1].from.as_str(), parsed[1].to.as_str()),
            ("2027-03-01", "2027-03-01")
        );
    }

    #[test]
    fn api_definitions_keep_stored_keys_left_out() {
        let stored = StoredHost {
            id: "ada".into(),
            position: 0,
            definition: json!({"id": "ada", "name": "Ada", "email": "ada@example.com", "hours": ["09:00-17:00"]}),
            enabled: false,
            updated_at: 0,
        };
        let sent = json!({"hours": ["10:00-12:00"]});
        let (entry, enabled) = definition_from_json(
            sent.as_object().unwrap().clone(),
            Some("ada"),
            Some(&stored),
        )
        .unwrap();
        assert_eq!(entry.name, "Ada");
        assert_eq!(entry.hours, Some(vec!["10:00-12:00".to_string()]));
        assert!(!enabled, "enabled stays as stored when not sent");
        let renamed = json!({"id": "bob"});
        let err = definition_from_json(renamed.as_object().unwrap().clone(), Some("ada"), None)
            .unwrap_err();
        assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err.fields.unwrap().contains_key("id"));
        // The entry type reads `calendars` from the config file; the API must not accept
        // it only to drop it.
        let calendars = json!({"calendars": [{"kind": "ics", "url": "https://example.com/a.ics"}]});
        let err = definition_from_json(
            calendars.as_object().unwrap().clone(),
            Some("ada"),
            Some(&stored),
        )
        .unwrap_err();
        assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err.fields.unwrap().contains_key("calendars"));
    }
}
