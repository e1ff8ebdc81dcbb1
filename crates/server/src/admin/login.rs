//! `GET/POST /admin/login`, `POST /admin/logout`.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
};
use serde_json::json;

use super::{admin_html, auth, see_other, AdminForm, AdminSession, Form};
use crate::{domain::Actor, http::state::AppState};

/// Lifetime of the sign-in form's own CSRF token (there is no session yet).
const LOGIN_FORM_SECONDS: i64 = 3600;

#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    out: Option<String>,
}

/// Only paths inside the admin area are followed after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/admin")
                && !path.starts_with("//")
                && !path.contains("://")
                && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/admin".to_string(),
    }
}

fn render(
    state: &AppState,
    status: StatusCode,
    next: &str,
    email: &str,
    message: Option<&str>,
    notice: Option<&str>,
) -> Response {
    let expires = state.clock.now().as_second() + LOGIN_FORM_SECONDS;
    let token = state.signer.sign("admin-login", "form", expires);
    admin_html(
        state,
        status,
        state.web.render(
            "admin_login.html",
            json!({
                "csrf": token,
                "next": next,
                "email": email,
                "message": message,
                "notice": notice,
                "embed": false,
            }),
        ),
    )
}

/// The sign-in form (or straight to the dashboard when already signed in).
pub async fn form(
    State(state): State<AppState>,
    session: Option<AdminSession>,
    query: Result<Query<LoginQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let next = safe_next(query.next.as_deref());
    if session.is_some() {
        return see_other(&next);
    }
    let notice = query.out.is_some().then_some("You are signed out.");
    render(&state, StatusCode::OK, &next, "", None, notice)
}

/// Checks the password; on success starts a session and redirects.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let form = match Form::read(request).await {
        Ok(form) => form,
        Err(err) => return render(&state, err.status, "/admin", "", Some(&err.message), None),
    };
    let next = safe_next(form.get("next"));
    let email = form.text("email").unwrap_or_default().to_lowercase();
    let fail = |status: StatusCode, message: &str| {
        render(&state, status, &next, &email, Some(message), None)
    };
    let now = state.clock.now().as_second();
    let token_ok = form
        .get("csrf")
        .is_some_and(|token| state.signer.verify(token, "admin-login", now).is_ok());
    if !token_ok {
        return fail(
            StatusCode::FORBIDDEN,
            "This form has expired. Please sign in again.",
        );
    }
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let client = crate::admin::throttle::client_key(crate::rate_limit::client_ip(
        peer.ip(),
        forwarded,
        &state.trusted_proxies,
    ));
    let too_many = |wait: std::time::Duration, message: String| {
        let seconds = wait.as_secs().max(1);
        let mut response = fail(StatusCode::TOO_MANY_REQUESTS, &message);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        response
    };
    let password = form.get("password").unwrap_or_default().to_string();
    // Every answer below is the same whether or not the account exists, and each costs
    // one password check (the stand-in hash for unknown accounts and waiting pairs).
    if let Err(wait) = state.login_limiter.check(client) {
        return too_many(
            wait,
            format!(
                "Too many sign-in attempts from your address. Try again in {} seconds.",
                wait.as_secs().max(1)
            ),
        );
    }
    let throttled = |wait: std::time::Duration| {
        too_many(
            wait,
            format!(
                "Too many failed sign-ins for this e-mail address from your address. Try again in {} minutes.",
                wait.as_secs().div_ceil(60).max(1)
            ),
        )
    };
    let started = std::time::Instant::now();
    if let Err(wait) = state.login_throttle.check(&email, client, started) {
        let _ = tokio::task::spawn_blocking(move || auth::verify_dummy(&password)).await;
        return throttled(wait);
    }
    let user = match state.store.admin_user(&email).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %err, "admin user lookup failed");
            return fail(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable just now. Please try again.",
            );
        }
    };
    // A lockout stored by an older version (`locked_until`) is ignored: waits are per
    // account and address now (see `throttle`).
    let hash = user.as_ref().map(|user| user.password_hash.clone());
    let checked = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => auth::verify_password(&hash, &password),
        None => {
            auth::verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    if !checked {
        tracing::info!(client_hash = %crate::http::state::hash_ip(client), "admin sign-in failed");
        if let Some(wait) = state.login_throttle.failed(&email, client, started) {
            tracing::warn!(client_hash = %crate::http::state::hash_ip(client),
                wait_seconds = wait.as_secs(), "admin sign-ins from one address slowed down");
            state.domain.audit(&Actor::System,
                "admin.sign_in_throttled",
                format!("admin_user:{email}"),
                None,
                Some(json!({"client": crate::http::state::hash_ip(client), "wait_seconds": wait.as_secs()})),
            )
            .await;
            return throttled(wait);
        }
        return fail(
            StatusCode::UNAUTHORIZED,
            "That e-mail address and password do not match.",
        );
    }
    state.login_throttle.succeeded(&email, client);
    if let Err(err) = state.store.note_login_success(&email).await {
        tracing::warn!(error = %err, "could not clear failed sign-ins");
    }
    // Sessions and tokens that ended more than a day ago are of no further use.
    if let Err(err) = state.store.prune_credentials(now - 86_400).await {
        tracing::warn!(error = %err, "could not prune old sessions");
    }
    match auth::start_session(&state, &email).await {
        Ok(cookie) => {
            state
                .domain
                .audit(
                    &Actor::Admin(email.clone()),
                    "admin.sign_in",
                    format!("admin_user:{email}"),
                    None,
                    None,
                )
                .await;
            let mut response = see_other(&next);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(_) => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is unavailable just now. Please try again.",
        ),
    }
}

/// Ends the session (CSRF-checked) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    let now = state.clock.now().as_second();
    if let Err(err) = state
        .store
        .revoke_credential(&session.credential_id, now)
        .await
    {
        return super::error(&state, &session, err.into());
    }
    state
        .domain
        .audit(
            &session.actor(),
            "admin.sign_out",
            format!("admin_user:{}", session.email),
            None,
            None,
        )
        .await;
    let mut response = see_other("/admin/login?out=1");
    if let Ok(value) = HeaderValue::from_str(&auth::session_cookie(&state, "", 0)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

fn account_page(
    state: &AppState,
    session: &AdminSession,
    done: bool,
    error: Option<(StatusCode, &str)>,
) -> Response {
    let mut response = super::page(
        state,
        session,
        "admin_account.html",
        "account",
        json!({
            "done": done,
            "message": error.map(|(_, message)| message),
            "min_chars": crate::admin_cli::MIN_PASSWORD_CHARS,
        }),
    );
    if let Some((status, _)) = error {
        *response.status_mut() = status;
    }
    response
}

/// `GET /admin/account`: the signed-in user's password form.
pub async fn account(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<AccountQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.is_ok_and(|Query(query)| query.done.is_some());
    account_page(&state, &session, done, None)
}

/// `POST /admin/account`: changes the password after checking the current one.
pub async fn change_password(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    let refuse = |status: StatusCode, message: &str| {
        account_page(&state, &session, false, Some((status, message)))
    };
    let current = form.get("current").unwrap_or_default().to_string();
    let new = form.get("new").unwrap_or_default().to_string();
    if new != form.get("repeat").unwrap_or_default() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The new passwords differ.",
        );
    }
    let length = new.chars().count();
    let min = crate::admin_cli::MIN_PASSWORD_CHARS;
    if !(min..=1024).contains(&length) {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("The new password needs {min} to 1024 characters."),
        );
    }
    let user = match state.store.admin_user(&session.email).await {
        Ok(Some(user)) => user,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, "Your account no longer exists."),
        Err(err) => return super::error(&state, &session, err.into()),
    };
    let hash = user.password_hash.clone();
    let checked = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &current))
        .await
        .unwrap_or(false);
    if !checked {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The current password is not right.",
        );
    }
    let hashed = match tokio::task::spawn_blocking(move || auth::hash_password(&new)).await {
        Ok(Ok(hash)) => hash,
        _ => return super::error(&state, &session, crate::http::error::ApiError::internal()),
    };
    let now = state.clock.now().as_second();
    if let Err(err) = state
        .store
        .upsert_admin_user(&user.id, &user.email, &hashed, user.host_id.as_deref(), now)
        .await
    {
        return super::error(&state, &session, err.into());
    }
    // Whoever else knew the old password is signed out everywhere; this browser stays in.
    if let Err(err) = state
        .store
        .revoke_sessions(&session.email, Some(&session.credential_id), now)
        .await
    {
        return super::error(&state, &session, err.into());
    }
    state
        .domain
        .audit(
            &session.actor(),
            "admin.password_change",
            format!("admin_user:{}", session.email),
            None,
            None,
        )
        .await;
    see_other("/admin/account?done=1")
}
