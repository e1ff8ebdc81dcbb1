//! Liveness (`/healthz`) and readiness (`/readyz`: the database answers).

use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ErrorBody};
use crate::http::state::AppState;

/// `/healthz` and `/readyz`, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The process answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Liveness {
    Ok,
}

/// The process can serve requests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Readiness {
    Ready,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthBody {
    pub status: Liveness,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ready"}))]
pub struct ReadyBody {
    pub status: Readiness,
}

/// Liveness: the process answers HTTP.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "getHealth",
    tag = "meta",
    responses((status = 200, description = "Alive.", body = HealthBody)),
)]
async fn healthz() -> Json<HealthBody> {
    Json(HealthBody {
        status: Liveness::Ok,
    })
}

/// Readiness: the database answers (load balancers send traffic only while it does).
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "getReadiness",
    tag = "meta",
    responses(
        (status = 200, description = "Ready.", body = ReadyBody),
        (status = 503, description = "`not_ready`: the database is not reachable.", body = ErrorBody,
            headers(("Retry-After" = String, description = "Seconds to wait")),
            example = json!({"error": {"code": "not_ready", "message": "the database is not reachable"}})),
    ),
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<ReadyBody>, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(ReadyBody {
            status: Readiness::Ready,
        })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the database is not reachable",
            ))
        }
    }
}
