//! `POST /contact`: the fallback for people who cannot find a time.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequest, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use openslot_store::NewContact;
use serde_json::{json, Value};

use super::{body::JsonObject, error::ApiError};
use crate::{http::state::AppState, validate::Fields, web::forms::is_form};

pub fn router() -> Router<AppState> {
    Router::new().route("/contact", post(create_contact))
}

async fn create_contact(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    if is_form(&headers) {
        return crate::web::forms::contact_form(state, peer, headers, request).await;
    }
    if let Err(err) = state.check_rate(peer, &headers) {
        return err.into_response();
    }
    let object = match JsonObject::from_request(request, &state).await {
        Ok(JsonObject(object)) => object,
        Err(err) => return err.into_response(),
    };
    match store_contact(&state, &object).await {
        Ok(id) => (
            StatusCode::ACCEPTED,
            Json(json!({"id": id, "status": "received"})),
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

/// Validates and stores a contact message given as a JSON object; returns its id.
pub async fn store_contact(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
) -> Result<String, ApiError> {
    let mut fields = Fields::new(object);
    let name = fields.required_text("name", 200, false);
    let email = fields.email("email");
    let message = fields.required_text("message", 5000, true);
    let preferred_times = fields.optional_text("preferred_times", 1000, true);
    let (Some(name), Some(email), Some(message)) = (name, email, message) else {
        return Err(ApiError::validation(fields.errors));
    };
    if !fields.errors.is_empty() {
        return Err(ApiError::validation(fields.errors));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let event = object
        .get("event")
        .and_then(Value::as_str)
        .filter(|slug| state.catalog.load().get(slug).is_some());
    let now = state.clock.now();
    let mut jobs = state.notifier.jobs_for_contact(&id, event, now);
    let data = crate::webhooks::contact_data(
        &id,
        &state.host_id,
        &name,
        &email,
        &message,
        preferred_times.as_deref(),
        event,
        now,
    );
    jobs.extend(
        crate::webhooks::jobs_for_event(
            state.store.as_ref(),
            crate::webhooks::WebhookEvent::ContactReceived,
            None,
            data,
            now,
        )
        .await?,
    );
    let stored = state
        .store
        .create_contact(NewContact {
            id,
            host_id: state.host_id.to_string(),
            name,
            email,
            message,
            preferred_times,
            created_at: now,
            jobs,
        })
        .await?;
    state.jobs_wake.notify_one();
    state.metrics.record_contact();
    tracing::info!(contact_id = %stored.id, "contact message received");
    Ok(stored.id)
}
