//! Failed jobs, the audit log and API tokens (with their scopes and expiry).

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use openslot_store::CredentialKind;
use serde_json::{json, Value};

use super::{auth, page, see_other, AdminForm, AdminSession, Form};
use crate::{
    display::long_time,
    domain::Actor,
    http::error::ApiError,
    http::state::AppState,
    scopes::{self, Scope, Scopes, MAX_TOKEN_DAYS},
};

fn when(state: &AppState, second: i64) -> String {
    jiff::Timestamp::from_second(second)
        .map(|at| long_time(at, &state.host_zone()))
        .unwrap_or_default()
}

/// Puts a dead job back in the queue.
pub async fn retry(state: &AppState, id: &str, actor: &Actor) -> Result<(), ApiError> {
    let now = state.clock.now().as_second();
    if !state.store.retry_dead_job(id, now).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "job_not_dead",
            "only a dead job can be retried (it may be queued already)",
        ));
    }
    state.jobs_wake.notify_one();
    state
        .domain
        .audit(
            actor,
            "job.retry",
            format!("job:{id}"),
            Some(json!({"state": "dead"})),
            Some(json!({"state": "queued"})),
        )
        .await;
    Ok(())
}

/// What a job does, in words (its kind as stored otherwise).
pub fn job_label(kind: &str) -> &str {
    match kind {
        "mail" => "E-mail",
        "booking_expiry" => "Request expiry",
        "calendar_write" => "Calendar write-back",
        "webhook" => "Webhook delivery",
        other => other,
    }
}

/// A failed job as operators see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "0190c8d2-0000-7000-8000-000000000002", "kind": "mail", "label": "E-mail", "state": "dead", "attempts": 8, "max_attempts": 8, "last_error": "connection refused", "booking_id": "0190c8d2-6f1e-7a3b-9c4d-5e6f7a8b9c0d", "run_at": "Wednesday 2 December 2026, 10:00", "dead": true}))]
pub struct JobView {
    pub id: String,
    /// `mail`, `booking_expiry`, `calendar_write`, ...
    pub kind: String,
    /// The kind in words.
    pub label: String,
    /// `dead` (out of attempts; retry it) or `retrying`.
    #[schema(pattern = "^(dead|retrying)$")]
    pub state: &'static str,
    pub attempts: u32,
    pub max_attempts: u32,
    pub last_error: Option<String>,
    pub booking_id: Option<String>,
    /// When it runs (ran) next, in words in the operators' zone.
    pub run_at: String,
    pub dead: bool,
}

/// Failed jobs as operators see them.
pub async fn failed_jobs(state: &AppState) -> Result<Vec<JobView>, ApiError> {
    let jobs = state.store.failed_jobs(100).await?;
    Ok(jobs
        .iter()
        .map(|job| {
            let dead = job.state == openslot_store::JobState::Dead;
            JobView {
                id: job.id.clone(),
                kind: job.kind.clone(),
                label: job_label(&job.kind).to_string(),
                state: if dead { "dead" } else { "retrying" },
                attempts: job.attempts,
                max_attempts: job.max_attempts,
                last_error: job.last_error.clone(),
                booking_id: job.booking_id.clone(),
                run_at: when(state, job.run_at),
                dead,
            }
        })
        .collect())
}

/// `POST /admin/jobs/{id}/retry`.
pub async fn retry_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    match retry(&state, &id, &session.actor()).await {
        Ok(()) => see_other("/admin?retried=1#jobs"),
        Err(err) => super::error(&state, &session, err),
    }
}

/// Which audit entries to list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries about this target, e.g. `booking:ID`, `event_type:SLUG`, `job:ID`.
    pub target: Option<String>,
    /// At most this many entries (default 200; more than 1000 is read as 1000).
    #[param(maximum = 4294967295_u64)]
    pub limit: Option<u32>,
}

/// One audit entry as operators see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "0190c8d2-0000-7000-8000-000000000003", "at": "2026-12-02T10:00:00Z", "at_local": "Wednesday 2 December 2026, 10:00", "actor": "token:crm", "action": "booking.cancel", "target": "booking:0190c8d2-6f1e-7a3b-9c4d-5e6f7a8b9c0d", "target_query": "booking%3A0190c8d2-6f1e-7a3b-9c4d-5e6f7a8b9c0d", "before": {"status": "confirmed"}, "after": {"status": "cancelled"}, "before_text": "{\"status\":\"confirmed\"}", "after_text": "{\"status\":\"cancelled\"}"}))]
pub struct AuditEntryView {
    pub id: String,
    #[schema(format = DateTime)]
    pub at: String,
    /// `at` in words, in the operators' zone.
    pub at_local: String,
    /// Who: `admin:EMAIL`, `token:NAME`, `invitee`, `host-link`, `system`.
    pub actor: String,
    /// What, e.g. `booking.cancel`, `event_type.update`, `job.retry`.
    pub action: String,
    /// What it was done to, e.g. `booking:ID`, `event_type:SLUG`, `job:ID`.
    pub target: String,
    /// `target` escaped for a query string.
    pub target_query: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    /// `before` as JSON text.
    pub before_text: Option<String>,
    pub after_text: Option<String>,
}

/// Audit entries, newest first.
pub async fn audit_entries(
    state: &AppState,
    query: &AuditQuery,
) -> Result<Vec<AuditEntryView>, ApiError> {
    let target = query.target.as_deref().filter(|target| !target.is_empty());
    let entries = state
        .store
        .audit_entries(target, query.limit.unwrap_or(200).clamp(1, 1000))
        .await?;
    Ok(entries
        .into_iter()
        .map(|entry| AuditEntryView {
            at: jiff::Timestamp::from_second(entry.at)
                .map(|at| at.to_string())
                .unwrap_or_default(),
            at_local: when(state, entry.at),
            target_query: crate::web::pages::query_escape(&entry.target),
            before_text: entry.before.as_ref().map(Value::to_string),
            after_text: entry.after.as_ref().map(Value::to_string),
            id: entry.id,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            before: entry.before,
            after: entry.after,
        })
        .collect())
}

/// `GET /admin/audit`.
pub async fn audit_page(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let query = query.map(|Query(query)| query).unwrap_or_default();
    match audit_entries(&state, &query).await {
        Ok(entries) => page(
            &state,
            &session,
            "admin_audit.html",
            "audit",
            json!({"entries": entries, "target": query.target}),
        ),
        Err(err) => super::error(&state, &session, err),
    }
}

async fn tokens_context(state: &AppState) -> Result<Value, ApiError> {
    let now = state.clock.now().as_second();
    let tokens = state
        .store
        .credentials(CredentialKind::ApiToken, now)
        .await?;
    Ok(json!({
        "tokens": tokens.iter().map(|token| json!({
            "id": token.id,
            "name": token.name,
            "created_by": token.user_email,
            "created_at": when(state, token.created_at),
            "scopes": token.scopes,
            "expires_at": token.expires_at.map(|at| when(state, at)),
        })).collect::<Vec<_>>(),
        "scopes": Scope::ALL.iter().map(|scope| json!({
            "name": scope.as_str(),
            "description": scope.description(),
        })).collect::<Vec<_>>(),
    }))
}

/// The scopes and expiry (`expires_in_days`, blank: none) the token form posted.
fn token_limits(state: &AppState, form: &Form) -> Result<(Scopes, Option<i64>), ApiError> {
    let mut errors = crate::validate::FieldErrors::new();
    let scopes = Scopes::parse_all(&form.all("scope")).unwrap_or_else(|message| {
        errors.insert("scope".into(), message);
        Scopes::default()
    });
    let expires_at = match form.text("expires_in_days") {
        None => None,
        Some(days) => {
            let now = state.clock.now().as_second();
            match days
                .parse::<u32>()
                .map_err(|_| ())
                .and_then(|days| scopes::expiry(now, days).map_err(|_| ()))
            {
                Ok(at) => Some(at),
                Err(()) => {
                    errors.insert(
                        "expires_in_days".into(),
                        format!("a whole number of days from 1 to {MAX_TOKEN_DAYS}, or blank"),
                    );
                    None
                }
            }
        }
    };
    if errors.is_empty() {
        Ok((scopes, expires_at))
    } else {
        Err(ApiError::validation(errors))
    }
}

/// `GET /admin/tokens`.
pub async fn tokens_page(State(state): State<AppState>, session: AdminSession) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    match tokens_context(&state).await {
        Ok(context) => page(&state, &session, "admin_tokens.html", "tokens", context),
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/tokens`: creates a token and shows its secret once.
pub async fn create_token(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let name = form.text("name").unwrap_or_default();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        let mut errors = crate::validate::FieldErrors::new();
        errors.insert("name".into(), "a name of 1 to 80 characters".into());
        return super::error(&state, &session, ApiError::validation(errors));
    }
    let (scopes, expires_at) = match token_limits(&state, &form) {
        Ok(limits) => limits,
        Err(err) => return super::error(&state, &session, err),
    };
    let created = auth::create_api_token(&state, &name, &session.email, &scopes, expires_at).await;
    match (created, tokens_context(&state).await) {
        (Ok((secret, credential)), Ok(mut context)) => {
            state
                .domain
                .audit(
                    &session.actor(),
                    "api_token.create",
                    format!("api_token:{}", credential.id),
                    None,
                    Some(json!({
                        "name": name,
                        "scopes": credential.scopes,
                        "expires_at": credential.expires_at,
                    })),
                )
                .await;
            context["secret"] = json!(secret);
            context["secret_name"] = json!(name);
            page(&state, &session, "admin_tokens.html", "tokens", context)
        }
        (Err(err), _) | (_, Err(err)) => super::error(&state, &session, err),
    }
}

/// `POST /admin/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let now = state.clock.now().as_second();
    match state.store.revoke_credential(&id, now).await {
        Ok(_) => {
            state
                .domain
                .audit(
                    &session.actor(),
                    "api_token.revoke",
                    format!("api_token:{id}"),
                    None,
                    None,
                )
                .await;
            see_other("/admin/tokens")
        }
        Err(err) => super::error(&state, &session, err.into()),
    }
}
