//! `POST /contact`: the fallback for people who cannot find a time.

use axum::{extract::State, http::StatusCode, routing::post, Json, Router};
use openslot_store::NewContact;
use serde_json::{json, Value};

use super::{body::JsonObject, error::ApiError};
use crate::{state::AppState, validate::Fields};

pub fn router() -> Router<AppState> {
    Router::new().route("/contact", post(create_contact))
}

async fn create_contact(
    State(state): State<AppState>,
    JsonObject(object): JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut fields = Fields::new(&object);
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
    let stored = state
        .store
        .create_contact(NewContact {
            id: uuid::Uuid::now_v7().to_string(),
            host_id: state.host_id.to_string(),
            name,
            email,
            message,
            preferred_times,
            created_at: state.clock.now(),
        })
        .await?;
    tracing::info!(contact_id = %stored.id, "contact message received");
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"id": stored.id, "status": "received"})),
    ))
}
