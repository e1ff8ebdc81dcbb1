//! The HTTP edge: one module per route area, merged here with the cross-cutting layers
//! (request ids and logs, CORS, panic guard).

pub mod availability;
pub mod body;
pub mod booking;
pub mod contact;
pub mod docs;
pub mod error;
mod health;
pub mod listener;
mod metrics;
pub mod state;

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use tower_http::{catch_panic::CatchPanicLayer, cors::CorsLayer};

use self::error::ApiError;
use crate::http::state::AppState;

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let cors = cors_layer(&state.config.server.allowed_origins);
    let csp = state.web.csp.clone();
    let metrics = state.metrics.clone();
    let https = state
        .config
        .server
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    Router::new()
        .merge(metrics::router())
        .merge(crate::admin::router())
        .merge(crate::web::router())
        .merge(docs::router())
        .merge(crate::openapi::router())
        .route_layer(middleware::from_fn(tag_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn(reject_undecodable_path))
        .layer(cors)
        .layer(middleware::from_fn(crate::web::lang::remember_choice))
        .layer(middleware::from_fn_with_state(
            csp,
            crate::web::security_headers,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal().into_response()
        }))
        .layer(middleware::from_fn_with_state(https, cache_and_transport))
        .layer(middleware::from_fn_with_state(metrics, request_log))
}

/// The documented public routes (merged into the document by `crate::openapi`).
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(availability::api())
        .merge(booking::api())
        .merge(contact::api())
        .merge(health::api())
        .merge(crate::web::api())
}

/// `/metrics` alone, for the separate metrics listener.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(metrics::private_metrics))
        .with_state(state)
}

/// CORS for configured origins only; with none configured no CORS header is ever sent,
/// so browsers keep the API same-origin.
fn cors_layer(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .max_age(std::time::Duration::from_secs(600))
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "there is nothing at this path")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this path does not accept that method",
    )
}

/// A path whose percent-decoding is not UTF-8 gets the usual JSON error (not the plain-text
/// rejection of axum's `Path` extractor).
async fn reject_undecodable_path(request: Request, next: Next) -> Response {
    if percent_encoding::percent_decode_str(request.uri().path())
        .decode_utf8()
        .is_err()
    {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "the path is not valid UTF-8 once percent-decoded",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether answers under `path` carry personal data (names, e-mail addresses, manage
/// links): the booking API and confirmation page, manage pages and JSON, the admin API.
fn carries_personal_data(path: &str) -> bool {
    ["/booking", "/manage", "/api/v1", "/admin"]
        .iter()
        .any(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// `Cache-Control: no-store` where answers carry personal data, and HSTS on every answer
/// when the public URL is https.
async fn cache_and_transport(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let personal = carries_personal_data(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if personal {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Carries the matched route template out to the request log.
async fn tag_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(matched);
    }
    response
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

fn request_id(request: &Request) -> String {
    let given = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            !value.is_empty()
                && value.len() <= 64
                && value
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte))
        });
    match given {
        Some(value) => value.to_string(),
        None => {
            let boot = *BOOT_ID;
            let count = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
            format!("{boot:08x}-{count:x}")
        }
    }
}

static BOOT_ID: std::sync::LazyLock<u32> =
    std::sync::LazyLock::new(|| uuid::Uuid::new_v4().as_u128() as u32);

/// One structured log line per request: id, method, route (never the raw path or query,
/// which may carry personal data), status and latency.
async fn request_log(
    axum::extract::State(metrics): axum::extract::State<std::sync::Arc<crate::metrics::Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string());
    let route = route.unwrap_or_else(|| crate::metrics::UNMATCHED.to_string());
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let latency_us = elapsed.as_micros() as u64;
    metrics.record_request(&route, method.as_str(), status, elapsed.as_secs_f64());
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %route, status, latency_us, "request");
    } else {
        tracing::info!(request_id = %id, %method, %route, status, latency_us, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
