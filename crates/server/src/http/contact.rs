//! `POST /contact`: the fallback for people who cannot find a time.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequest, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use openslot_store::NewContact;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    body::JsonObject,
    error::{ApiError, ErrorBody},
};
use crate::{http::state::AppState, validate::Fields, web::forms::is_form};

/// `POST /contact`, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_contact))
}

/// A message for someone who could not find a time.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Grace Hopper", "email": "grace@example.com",
    "message": "None of the times work for me; could we meet on a Saturday?",
    "preferred_times": "Saturday mornings", "event": "intro-call"}))]
pub struct ContactRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub message: String,
    #[schema(max_length = 1000)]
    pub preferred_times: Option<String>,
    /// The event type the invitee was looking at (unknown slugs are ignored).
    pub event: Option<String>,
}

/// The contact page's form post: the JSON fields plus its anti-forgery fields.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub message: String,
    pub preferred_times: Option<String>,
    pub event: Option<String>,
    /// The signed form token the contact page carries.
    pub csrf: String,
    /// Honeypot: must be empty.
    pub website: Option<String>,
}

/// What became of a contact message.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContactStatus {
    /// Stored; the host is told by e-mail.
    Received,
}

/// A contact message was stored.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", "status": "received"}))]
pub struct ContactReceived {
    pub id: String,
    pub status: ContactStatus,
}

/// Sends the host a message.
///
/// For invitees who cannot find a time. JSON answers 202; the contact page's form post
/// answers `303 See Other` to `/contact?sent=1`, or the page again (HTML) with what went
/// wrong.
#[utoipa::path(
    post,
    path = "/contact",
    operation_id = "sendContactMessage",
    tag = "public",
    request_body(
        description = "The message: JSON for the API, or the contact page's form.",
        content(
            (ContactRequest = "application/json"),
            (ContactForm = "application/x-www-form-urlencoded"),
        )
    ),
    responses(
        (status = 202, description = "Stored; the host will be told.", body = ContactReceived),
        (status = 303, description = "Form post stored: back to the contact page.",
            headers(("Location" = String, description = "`/contact?sent=1`"))),
        (status = 400, description = "`malformed_json` (not a JSON object); form posts: `malformed_form`, or the honeypot was filled (HTML).",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 403, description = "Form posts only: the form's token expired or the post came from another site (HTML, nothing sent).",
            content((String = "text/html"))),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 415, description = "`unsupported_media_type`: send `application/json` (or a form).", body = ErrorBody),
        (status = 422, description = "`validation_failed`: `fields` names each missing or invalid field.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"message": "is required"}}})),
        (status = 429, description = "`rate_limited`: too many posts from this address; see `Retry-After`.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            headers(("Retry-After" = String, description = "Seconds to wait"))),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was stored, retry.",
            content((ErrorBody = "application/json"), (String = "text/html")),
            headers(("Retry-After" = String, description = "Seconds to wait"))),
    )
)]
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
            Json(ContactReceived {
                id,
                status: ContactStatus::Received,
            }),
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
    // An unknown slug is ignored (the message still matters), a value that is no slug
    // at all is a mistake worth reporting.
    if !matches!(
        object.get("event"),
        None | Some(Value::Null) | Some(Value::String(_))
    ) {
        fields.reject("event", "must be a string");
    }
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
