//! `GET /metrics`: Prometheus text, behind a bearer token on the public address (or on the
//! separate `metrics.listen` address). Off when neither is configured.

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use hmac::Mac;

use super::error::ApiError;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(public_metrics))
}

/// Compares secrets without leaking where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"openslot-metrics").expect("any key");
    mac.update(expected.as_bytes());
    let expected_tag = mac.finalize().into_bytes();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"openslot-metrics").expect("any key");
    mac.update(given.as_bytes());
    mac.verify_slice(&expected_tag).is_ok()
}

/// OpenMetrics for scrapers that ask for it (Prometheus does); the same text, which the
/// classic parser also reads, as `text/plain` otherwise.
fn content_type(headers: &HeaderMap) -> HeaderValue {
    let openmetrics = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("application/openmetrics-text"));
    HeaderValue::from_static(if openmetrics {
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    } else {
        "text/plain; version=0.0.4; charset=utf-8"
    })
}

async fn render(state: &AppState, headers: &HeaderMap) -> Response {
    let now = state.clock.now().as_second();
    match state.store.stats(now).await {
        Ok(stats) => (
            [(header::CONTENT_TYPE, content_type(headers))],
            state.metrics.render(&stats, now),
        )
            .into_response(),
        Err(err) => ApiError::from(err).into_response(),
    }
}

async fn public_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics.token.as_deref() else {
        return ApiError::not_found("not_found", "there is nothing at this path").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given, token) {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the metrics token as Authorization: Bearer TOKEN",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    render(&state, &headers).await
}

/// The separate listener is private by placement; a configured token still applies.
pub async fn private_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.config.metrics.token.is_some() {
        return public_metrics(State(state), headers).await;
    }
    render(&state, &headers).await
}
