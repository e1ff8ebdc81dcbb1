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
        other => other,
    }
}

/// Failed jobs as operators see them.
pub async fn failed_jobs(state: &AppState) -> Result<Vec<Value>, ApiError> {
    let jobs = state.store.failed_jobs(100).await?;
    Ok(jobs
        .iter()
        .map(|job| {
            json!({
                "id": job.id,
                "kind": job.kind,
                "label": job_label(&job.kind),
                "state": if job.state == openslot_store::JobState::Dead { "dead" } else { "retrying" },
                "attempts": job.attempts,
                "max_attempts": job.max_attempts,
                "last_error": job.last_error,
                "booking_id": job.booking_id,
                "run_at": when(state, job.run_at),
                "dead": job.state == openslot_store::JobState::Dead,
            })
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

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    pub target: Option<String>,
    pub limit: Option<u32>,
}

/// Audit entries, newest first.
pub async fn audit_entries(state: &AppState, query: &AuditQuery) -> Result<Vec<Value>, ApiError> {
    let target = query.target.as_deref().filter(|target| !target.is_empty());
    let entries = state
        .store
        .audit_entries(target, query.limit.unwrap_or(200).clamp(1, 1000))
        .await?;
    Ok(entries
        .iter()
        .map(|entry| {
            json!({
                "id": entry.id,
                "at": jiff::Timestamp::from_second(entry.at).map(|at| at.to_string()).unwrap_or_default(),
                "at_local": when(state, entry.at),
                "actor": entry.actor,
                "action": entry.action,
                "target": entry.target,
                "target_query": crate::web::pages::query_escape(&entry.target),
                "before": entry.before,
                "after": entry.after,
                "before_text": entry.before.as_ref().map(Value::to_string),
                "after_text": entry.after.as_ref().map(Value::to_string),
            })
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
