//! `/api/v1/webhooks`: webhook subscriptions as JSON (scopes `webhooks:read` and
//! `webhooks:write`), documented from these handlers. The work is done in
//! [`super::webhooks`], which `/admin/webhooks` shares.

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::Map;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::ApiCaller,
    webhooks::{
        self, DeliveryList, Redelivery, RotateInput, WebhookInput, WebhookList, WebhookPatch,
        WebhookView, WebhookWithSecret,
    },
};
use crate::{
    http::{
        body::JsonObject,
        error::{ApiError, ErrorBody},
        state::AppState,
    },
    scopes::Scope,
};

/// The documented `/api/v1/webhooks` routes.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(
            get_webhook,
            replace_webhook,
            patch_webhook,
            delete_webhook
        ))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(redeliver_webhook_message))
}

type ApiResult<T> = Result<T, ApiError>;

/// Subscriptions are the whole service's, so a host user's token may not touch them
/// whatever its scopes.
fn allow(caller: &ApiCaller, scope: Scope) -> ApiResult<()> {
    caller.require(scope)?;
    caller.role.require_admin()
}

/// A JSON object body, or an empty object when no body (or `null`) was sent: rotation
/// takes one optionally.
async fn optional_object(
    request: axum::extract::Request,
) -> ApiResult<Map<String, serde_json::Value>> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(request.into_body(), crate::http::body::MAX_BODY_BYTES)
        .await
        .map_err(|err| {
            crate::http::body::unreadable(
                &err,
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the request body must be at most 64 KiB",
                ),
            )
        })?;
    // No body at all means "the defaults"; anything sent must be an object (the document
    // says so: `null` is refused like any other non-object).
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    Ok(JsonObject::parse(content_type.as_deref().unwrap_or(""), &bytes)?.0)
}

/// Lists the webhook subscriptions, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    operation_id = "listWebhooks",
    tag = "webhooks",
    security(("api_token" = ["webhooks:read"])),
    responses(
        (status = 200, description = "Every subscription (secrets are never shown again).", body = WebhookList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody,
            example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:read`; `forbidden`: a host user's token.", body = ErrorBody,
            example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `webhooks:read`"}})),
        (status = 503, description = "`store_unavailable` or `busy`: retry.", body = ErrorBody,
            example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    )
)]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<WebhookList>> {
    allow(&caller, Scope::WebhooksRead)?;
    let now = state.clock.now().as_second();
    let all = webhooks::listing(&state).await?;
    Ok(Json(WebhookList {
        webhooks: all.iter().map(|s| webhooks::view(s, now)).collect(),
    }))
}

/// Subscribes a URL to events. The answer is the only one that shows the signing secret.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    operation_id = "createWebhook",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "Subscribed; `secret` (`whsec_…`) verifies the Standard Webhooks signatures and is not shown again.", body = WebhookWithSecret,
            headers(("Location" = String, description = "The subscription"))),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody,
            example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody,
            example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `webhooks:write`"}})),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send `application/json`.", body = ErrorBody),
        (status = 422, description = "`validation_failed` (with `fields`: `url`, `events`, `active`, `description`); `target_not_allowed`: the URL points to a loopback, private, link-local or metadata address (allowed only with `[webhooks] allow_private_targets = true`).", body = ErrorBody,
            example = json!({"error": {"code": "target_not_allowed", "message": "127.0.0.1 points to an internal address (127.0.0.1); webhooks may only go to public addresses", "fields": {"url": "127.0.0.1 points to an internal address (127.0.0.1); webhooks may only go to public addresses"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was created, retry.", body = ErrorBody),
    )
)]
async fn create_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    JsonObject(object): JsonObject,
) -> ApiResult<Response> {
    allow(&caller, Scope::WebhooksWrite)?;
    let draft = webhooks::read_draft(&object, None)?;
    let (subscription, secret) = webhooks::create(&state, draft, &caller.actor).await?;
    let now = state.clock.now().as_second();
    let location = format!("/api/v1/webhooks/{}", subscription.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(WebhookWithSecret {
            webhook: webhooks::view(&subscription, now),
            secret,
        }),
    )
        .into_response())
}

/// Reads one subscription.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    operation_id = "getWebhook",
    tag = "webhooks",
    security(("api_token" = ["webhooks:read"])),
    params(("id" = String, Path, description = "The subscription id")),
    responses(
        (status = 200, description = "The subscription.", body = WebhookView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:read`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody,
            example = json!({"error": {"code": "webhook_not_found", "message": "there is no webhook subscription \"0193\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: retry.", body = ErrorBody),
    )
)]
async fn get_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookView>> {
    allow(&caller, Scope::WebhooksRead)?;
    let subscription = webhooks::stored(&state, &id).await?;
    Ok(Json(webhooks::view(
        &subscription,
        state.clock.now().as_second(),
    )))
}

/// Replaces a subscription's URL, events, state and description (its secret stays).
#[utoipa::path(
    put,
    path = "/api/v1/webhooks/{id}",
    operation_id = "replaceWebhook",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body = WebhookInput,
    responses(
        (status = 200, description = "Changed.", body = WebhookView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send `application/json`.", body = ErrorBody),
        (status = 422, description = "`validation_failed` (with `fields`); `target_not_allowed`: the new URL points to an internal address.", body = ErrorBody,
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"events": "choose at least one event"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was changed, retry.", body = ErrorBody),
    )
)]
async fn replace_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    JsonObject(object): JsonObject,
) -> ApiResult<Json<WebhookView>> {
    allow(&caller, Scope::WebhooksWrite)?;
    let subscription = webhooks::update(&state, &id, &object, true, &caller.actor).await?;
    Ok(Json(webhooks::view(
        &subscription,
        state.clock.now().as_second(),
    )))
}

/// Changes some of a subscription's URL, events, state and description; keys left out
/// keep their value.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    operation_id = "updateWebhook",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body = WebhookPatch,
    responses(
        (status = 200, description = "Changed.", body = WebhookView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send `application/json`.", body = ErrorBody),
        (status = 422, description = "`validation_failed` (with `fields`); `target_not_allowed`: the new URL points to an internal address.", body = ErrorBody,
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"url": "must start with https:// or http://"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was changed, retry.", body = ErrorBody),
    )
)]
async fn patch_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    JsonObject(object): JsonObject,
) -> ApiResult<Json<WebhookView>> {
    allow(&caller, Scope::WebhooksWrite)?;
    let subscription = webhooks::update(&state, &id, &object, false, &caller.actor).await?;
    Ok(Json(webhooks::view(
        &subscription,
        state.clock.now().as_second(),
    )))
}

/// Deletes a subscription; its queued deliveries are dropped.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    operation_id = "deleteWebhook",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    params(("id" = String, Path, description = "The subscription id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was deleted, retry.", body = ErrorBody),
    )
)]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    allow(&caller, Scope::WebhooksWrite)?;
    webhooks::remove(&state, &id, &caller.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a subscription a new signing secret, shown this once. The secret it replaces
/// keeps signing beside it (two `v1,` signatures per message) for `grace_hours`.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/rotate",
    operation_id = "rotateWebhookSecret",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body(content = Option<RotateInput>, description = "Optional; without it the old secret signs for 24 hours."),
    responses(
        (status = 200, description = "Rotated; `secret` is the new one, `previous_secret_expires_at` when the old one stops signing.", body = WebhookWithSecret),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody),
        (status = 408, description = "`request_timeout`: the body was not received in time.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send `application/json`.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: `grace_hours` is not a whole number from 0 to 168.", body = ErrorBody,
            example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"grace_hours": "a whole number of hours from 0 to 168"}}})),
        (status = 503, description = "`store_unavailable` or `busy`: the secret is unchanged, retry.", body = ErrorBody),
    )
)]
async fn rotate_webhook_secret(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult<Json<WebhookWithSecret>> {
    allow(&caller, Scope::WebhooksWrite)?;
    let object = optional_object(request).await?;
    let hours = webhooks::grace_hours(&object)?;
    let (subscription, secret) = webhooks::rotate(&state, &id, hours, &caller.actor).await?;
    Ok(Json(WebhookWithSecret {
        webhook: webhooks::view(&subscription, state.clock.now().as_second()),
        secret,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeliveryQuery {
    /// How many messages, newest first (1 to 200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The delivery log of a subscription: each message with its state, attempts, last
/// status code, latency and error, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    security(("api_token" = ["webhooks:read"])),
    params(("id" = String, Path, description = "The subscription id"), DeliveryQuery),
    responses(
        (status = 200, description = "The messages, newest first.", body = DeliveryList),
        (status = 400, description = "`invalid_query`: `limit` is not a number from 1 to 200.", body = ErrorBody,
            example = json!({"error": {"code": "invalid_query", "message": "Failed to deserialize query string: limit: invalid digit found in string"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:read`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`.", body = ErrorBody),
        (status = 503, description = "`store_unavailable` or `busy`: retry.", body = ErrorBody),
    )
)]
async fn list_webhook_deliveries(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    query: Result<Query<DeliveryQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<DeliveryList>> {
    allow(&caller, Scope::WebhooksRead)?;
    let Query(query) = query
        .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", err.body_text()))?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "limit must be from 1 to 200",
        ));
    }
    let deliveries = webhooks::deliveries(&state, &id, limit).await?;
    Ok(Json(DeliveryList { deliveries }))
}

/// Sends a message again: a dead one is queued again with its attempts reset; a
/// delivered one is queued anew with the same body and `webhook-id`.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{job_id}/redeliver",
    operation_id = "redeliverWebhookMessage",
    tag = "webhooks",
    security(("api_token" = ["webhooks:write"])),
    params(
        ("id" = String, Path, description = "The subscription id"),
        ("job_id" = String, Path, description = "The delivery's `id` from the delivery log"),
    ),
    responses(
        (status = 202, description = "Queued; it is sent within seconds.", body = Redelivery),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the token lacks `webhooks:write`; `forbidden`: a host user's token.", body = ErrorBody),
        (status = 404, description = "`webhook_not_found`, `delivery_not_found`.", body = ErrorBody,
            example = json!({"error": {"code": "delivery_not_found", "message": "subscription \"0193\" has no delivery \"0194\""}})),
        (status = 409, description = "`delivery_pending`: the message is still queued or being sent.", body = ErrorBody,
            example = json!({"error": {"code": "delivery_pending", "message": "this message is still being delivered; wait for it to succeed or die"}})),
        (status = 503, description = "`store_unavailable` or `busy`: nothing was queued, retry.", body = ErrorBody),
    )
)]
async fn redeliver_webhook_message(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, job_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    allow(&caller, Scope::WebhooksWrite)?;
    let queued = webhooks::redeliver(&state, &id, &job_id, &caller.actor).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each route is documented with its scope, and the secret appears only in the
    /// answers that show it.
    #[test]
    fn the_spec_documents_every_route_with_its_scope() {
        let (_, spec) = api().split_for_parts();
        let spec = serde_json::to_value(&spec).unwrap();
        let expected = [
            ("/api/v1/webhooks", "get", "listWebhooks", "webhooks:read"),
            (
                "/api/v1/webhooks",
                "post",
                "createWebhook",
                "webhooks:write",
            ),
            (
                "/api/v1/webhooks/{id}",
                "get",
                "getWebhook",
                "webhooks:read",
            ),
            (
                "/api/v1/webhooks/{id}",
                "put",
                "replaceWebhook",
                "webhooks:write",
            ),
            (
                "/api/v1/webhooks/{id}",
                "patch",
                "updateWebhook",
                "webhooks:write",
            ),
            (
                "/api/v1/webhooks/{id}",
                "delete",
                "deleteWebhook",
                "webhooks:write",
            ),
            (
                "/api/v1/webhooks/{id}/rotate",
                "post",
                "rotateWebhookSecret",
                "webhooks:write",
            ),
            (
                "/api/v1/webhooks/{id}/deliveries",
                "get",
                "listWebhookDeliveries",
                "webhooks:read",
            ),
            (
                "/api/v1/webhooks/{id}/deliveries/{job_id}/redeliver",
                "post",
                "redeliverWebhookMessage",
                "webhooks:write",
            ),
        ];
        for (path, method, operation_id, scope) in expected {
            let operation = &spec["paths"][path][method];
            assert_eq!(operation["operationId"], operation_id, "{method} {path}");
            assert_eq!(
                operation["security"],
                serde_json::json!([{"api_token": [scope]}]),
                "{method} {path}"
            );
            for status in ["401", "403"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
        let schemas = &spec["components"]["schemas"];
        assert!(schemas["WebhookWithSecret"].to_string().contains("secret"));
        assert!(!schemas["WebhookView"].to_string().contains("\"secret\""));
        let events = schemas["WebhookEventName"].to_string();
        for event in crate::webhooks::WebhookEvent::ALL {
            assert!(events.contains(event.as_str()), "{event:?}");
        }
    }
}
