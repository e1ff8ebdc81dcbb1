//! `/api/v1`: the admin actions as JSON for automation, authorised by an API token
//! (`Authorization: Bearer TOKEN`, created under `/admin/tokens` or with
//! `openslot admin create-token NAME --scope ...`). Each handler first checks the scope it
//! needs (before reading a body), then its caller's role. Errors use the standard
//! `{"error": {...}}` shape.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::{
    auth::ApiCaller,
    bookings::{self, booking_json, Filter},
    calendars::{self, NewCalendar},
    dashboard::{self, Range},
    event_types, hosts,
    system::{self, AuditQuery},
};
use crate::{
    config::EventTypeConfig,
    http::state::AppState,
    http::{body::JsonObject, error::ApiError},
    scopes::Scope,
    validate::FieldErrors,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/bookings", get(list_bookings))
        .route("/api/v1/bookings.csv", get(export_bookings))
        .route("/api/v1/bookings/{id}", get(get_booking))
        .route("/api/v1/bookings/{id}/{action}", post(act_on_booking))
        .route(
            "/api/v1/event-types",
            get(list_event_types).post(create_event_type),
        )
        .route(
            "/api/v1/event-types/{slug}",
            get(get_event_type)
                .put(update_event_type)
                .post(update_event_type),
        )
        .route(
            "/api/v1/event-types/{slug}/{action}",
            post(toggle_event_type),
        )
        .route("/api/v1/hosts", get(list_hosts).post(create_host))
        .route(
            "/api/v1/hosts/{id}",
            get(get_host).put(update_host).post(update_host),
        )
        .route(
            "/api/v1/hosts/{id}/calendars",
            get(list_calendars).post(add_calendar),
        )
        .route("/api/v1/hosts/{id}/{action}", post(toggle_host))
        .route(
            "/api/v1/calendars/{id}",
            get(get_calendar).delete(delete_calendar),
        )
        .route("/api/v1/calendars/{id}/sync", post(sync_calendar))
        .route("/api/v1/dashboard", get(get_dashboard))
        .route("/api/v1/jobs/failed", get(list_failed_jobs))
        .route("/api/v1/jobs/{id}/retry", post(retry_job))
        .route("/api/v1/audit", get(list_audit))
}

type ApiResult = Result<Response, ApiError>;

fn ok(value: Value) -> ApiResult {
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

async fn list_bookings(
    State(state): State<AppState>,
    caller: ApiCaller,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::BookingsRead)?;
    let filter = query(filter)?;
    let (found, total) = bookings::find(&state, &filter, &caller.role).await?;
    ok(json!({
        "bookings": found.iter().map(|b| booking_json(&state, b)).collect::<Vec<_>>(),
        "total": total,
        "page": filter.page.unwrap_or(0),
    }))
}

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

async fn get_booking(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::BookingsRead)?;
    let (booking, history) = bookings::with_history(&state, &id, &caller.role).await?;
    let mut body = booking_json(&state, &booking);
    body["history"] = json!(history);
    ok(body)
}

fn optional_string(
    object: &Map<String, Value>,
    names: &[&str],
) -> Result<Option<String>, ApiError> {
    for name in names {
        match object.get(*name) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) => {
                let text = text.trim();
                return Ok((!text.is_empty()).then(|| text.to_string()));
            }
            Some(_) => {
                let mut errors = FieldErrors::new();
                errors.insert((*name).into(), "must be a string".into());
                return Err(ApiError::validation(errors));
            }
        }
    }
    Ok(None)
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
    ok(booking_json(&state, &booking))
}

async fn list_event_types(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::EventTypesRead)?;
    caller.role.require_admin()?;
    ok(json!({"event_types": event_types::listing(&state).await?}))
}

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
        .find(|row| row["slug"] == slug.as_str())
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
    Ok((status, Json(json!({"slug": row.slug, "enabled": row.enabled, "position": row.position, "definition": row.definition}))).into_response())
}

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

async fn list_hosts(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    ok(json!({"hosts": hosts::listing(&state, &caller.role).await?}))
}

async fn get_host(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let row = hosts::stored(&state, &id, &caller.role).await?;
    ok(hosts::host_json(&row))
}

fn saved_host(row: openslot_store::StoredHost, status: StatusCode) -> ApiResult {
    Ok((status, Json(hosts::host_json(&row))).into_response())
}

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

async fn get_dashboard(
    State(state): State<AppState>,
    caller: ApiCaller,
    range: Result<Query<Range>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    let range = query(range)?;
    let mut body = dashboard::data(&state, &range).await?;
    if let Some(object) = body.as_object_mut() {
        object.remove("charts");
    }
    ok(body)
}

async fn list_failed_jobs(State(state): State<AppState>, caller: ApiCaller) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    ok(json!({"jobs": system::failed_jobs(&state).await?}))
}

async fn retry_job(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::Admin)?;
    caller.role.require_admin()?;
    system::retry(&state, &id, &caller.actor).await?;
    ok(json!({"id": id, "state": "queued"}))
}

async fn list_audit(
    State(state): State<AppState>,
    caller: ApiCaller,
    audit: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    caller.require(Scope::AuditRead)?;
    caller.role.require_admin()?;
    let audit = query(audit)?;
    ok(json!({"entries": system::audit_entries(&state, &audit).await?}))
}

async fn list_calendars(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    calendars::check_host(&state, &id, &caller.role)?;
    let rows = calendars::connections(&state, &caller.role, Some(&id)).await?;
    let now = state.clock.now().as_second();
    ok(json!({
        "calendars": rows.iter().map(|row| calendars::connection_json(&state, row, now)).collect::<Vec<_>>(),
    }))
}

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
        Json(calendars::connection_json(&state, &row, now)),
    )
        .into_response())
}

async fn get_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let row = calendars::connection(&state, &id, &caller.role).await?;
    ok(calendars::connection_json(
        &state,
        &row,
        state.clock.now().as_second(),
    ))
}

async fn delete_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    calendars::remove(&state, &id, &caller.actor, &caller.role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn sync_calendar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    calendars::sync(&state, &id, &caller.actor, &caller.role).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "state": "due"})),
    )
        .into_response())
}
