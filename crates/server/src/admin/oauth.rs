//! Google and Microsoft accounts for operators: "Connect Google" / "Connect Microsoft" on
//! /admin/calendars, the providers' callbacks (`/admin/calendars/google/callback`,
//! `/admin/calendars/microsoft/callback`), the calendar picker per account, reconnect and
//! disconnect, and the accounts in `/api/v1`. A host user connects and sees only their own
//! host's accounts. No token, secret or PKCE verifier is ever part of a page or an answer.

use axum::{
    extract::{Path, Query, RawQuery, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use openslot_store::{CalendarConnection, OAuthAccount};
use serde_json::{json, Value};

use super::{
    auth::{forbidden, ApiCaller, Role},
    calendars::{check_host, connection_json},
    page, see_other, AdminForm, AdminSession,
};
use crate::{
    calendars::{
        connect::{account_connections, ConnectError},
        tokens::{TokenError, STATUS_NEEDS_RECONNECT},
    },
    config::OAuthProvider,
    http::{body::JsonObject, error::ApiError, state::AppState},
    scopes::Scope,
    validate::FieldErrors,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/calendars/google/connect",
            post(|state: State<AppState>, form: AdminForm| {
                connect(state, OAuthProvider::Google, form)
            }),
        )
        .route(
            "/admin/calendars/microsoft/connect",
            post(|state: State<AppState>, form: AdminForm| {
                connect(state, OAuthProvider::Microsoft, form)
            }),
        )
        .route(
            "/admin/calendars/google/callback",
            get(
                |state: State<AppState>,
                 session: Option<AdminSession>,
                 query: Query<CallbackQuery>,
                 raw: RawQuery| {
                    callback(state, OAuthProvider::Google, session, query, raw)
                },
            ),
        )
        .route(
            "/admin/calendars/microsoft/callback",
            get(
                |state: State<AppState>,
                 session: Option<AdminSession>,
                 query: Query<CallbackQuery>,
                 raw: RawQuery| {
                    callback(state, OAuthProvider::Microsoft, session, query, raw)
                },
            ),
        )
        .route("/admin/calendars/accounts/{id}", get(picker).post(choose))
        .route("/admin/calendars/accounts/{id}/{action}", post(act))
        .route("/api/v1/hosts/{id}/calendar-accounts", get(api_list))
        .route(
            "/api/v1/calendar-accounts/{id}",
            get(api_get).delete(api_delete),
        )
        .route(
            "/api/v1/calendar-accounts/{id}/calendars",
            get(api_remote).put(api_choose),
        )
}

/// The one place a [`ConnectError`] becomes an HTTP error.
pub fn api_error(err: ConnectError) -> ApiError {
    let message = err.to_string();
    let bad = |code: &'static str| ApiError::new(StatusCode::BAD_REQUEST, code, message.clone());
    match err {
        ConnectError::NotConfigured(_) | ConnectError::Token(TokenError::NotConfigured(_)) => {
            ApiError::not_found("provider_not_configured", message)
        }
        ConnectError::UnknownState | ConnectError::WrongProvider { .. } => {
            bad("oauth_state_invalid")
        }
        ConnectError::OtherSession => bad("oauth_other_session"),
        ConnectError::HostNotAllowed => forbidden(),
        ConnectError::WrongAccount { .. } => bad("oauth_wrong_account"),
        ConnectError::CodeRefused { .. } => bad("oauth_code_refused"),
        ConnectError::NoRefreshToken(_) => bad("oauth_no_refresh_token"),
        ConnectError::NotFound(_) | ConnectError::Token(TokenError::Gone) => {
            ApiError::not_found("calendar_account_not_found", message)
        }
        ConnectError::Invalid { field, message } => {
            let mut fields = FieldErrors::new();
            fields.insert(field.into(), message);
            ApiError::validation(fields)
        }
        ConnectError::Token(TokenError::NeedsReconnect(_)) => ApiError::new(
            StatusCode::CONFLICT,
            "needs_reconnect",
            format!("{message}: use Reconnect and sign in again"),
        ),
        ConnectError::Sealed | ConnectError::Token(TokenError::Sealed) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "sealed_token_unreadable",
            message,
        ),
        ConnectError::Remote(_) | ConnectError::Token(TokenError::Remote(_)) => {
            ApiError::new(StatusCode::BAD_GATEWAY, "provider_unavailable", message)
        }
        ConnectError::Store(err) | ConnectError::Token(TokenError::Store(err)) => err.into(),
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "calendar_account_not_found",
        format!("there is no connected account {id:?}"),
    )
}

/// The account `id`, if `role` may see it (another host's is as if it did not exist).
pub async fn account_for(
    state: &AppState,
    id: &str,
    role: &Role,
) -> Result<OAuthAccount, ApiError> {
    state
        .store
        .oauth_account(id)
        .await?
        .filter(|account| role.may_edit_host(&account.host_id))
        .ok_or_else(|| not_found(id))
}

fn timestamp(second: i64) -> Value {
    jiff::Timestamp::from_second(second).map_or(Value::Null, |at| json!(at.to_string()))
}

fn label(provider: &str) -> &'static str {
    OAuthProvider::parse(provider).map_or("OAuth", OAuthProvider::label)
}

/// An account as operators see it, with the connections read through it: its address and
/// health, never a token (sealed or not) nor who holds its refresh lease.
pub fn account_json(
    state: &AppState,
    account: &OAuthAccount,
    connections: &[CalendarConnection],
    now: i64,
) -> Value {
    json!({
        "id": account.id,
        "host_id": account.host_id,
        "provider": account.provider,
        "email": account.email,
        "status": account.status,
        "needs_reconnect": account.status == STATUS_NEEDS_RECONNECT,
        "status_detail": account.status_detail,
        "created_at": timestamp(account.created_at),
        "updated_at": timestamp(account.updated_at),
        "calendars": account_connections(connections, &account.id)
            .into_iter()
            .map(|row| connection_json(state, row, now))
            .collect::<Vec<_>>(),
    })
}

/// The accounts `role` may see, all hosts' or `host`'s only.
pub async fn accounts(
    state: &AppState,
    role: &Role,
    host: Option<&str>,
) -> Result<Vec<OAuthAccount>, ApiError> {
    Ok(state
        .store
        .oauth_accounts(host)
        .await?
        .into_iter()
        .filter(|account| role.may_edit_host(&account.host_id))
        .collect())
}

/// What /admin/calendars shows of OAuth: the providers one may connect and the accounts.
pub async fn list_context(
    state: &AppState,
    role: &Role,
    host: Option<&str>,
) -> Result<Value, ApiError> {
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    let accounts: Vec<Value> = accounts(state, role, host)
        .await?
        .iter()
        .map(|account| {
            let mut view = account_json(state, account, &connections, now);
            view["label"] = json!(label(&account.provider));
            view
        })
        .collect();
    let providers: Vec<Value> = state
        .calendars
        .oauth
        .configured()
        .map(|app| json!({"id": app.provider.as_str(), "label": app.provider.label()}))
        .collect();
    Ok(json!({"accounts": accounts, "providers": providers}))
}

/// The admin CSP with the configured providers' sign-in pages allowed as form targets:
/// "Connect" and "Reconnect" post here and are redirected there, and browsers hold a
/// form's redirects to `form-action` too.
pub fn allow_sign_in_forms(state: &AppState, mut response: Response) -> Response {
    let origins: Vec<String> = state
        .calendars
        .oauth
        .configured()
        .filter_map(|app| url::Url::parse(&app.auth_url).ok())
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .collect();
    if origins.is_empty() {
        return response;
    }
    let Ok(current) = state.web.admin_csp.to_str() else {
        return response;
    };
    let csp = current.replacen(
        "form-action 'self'",
        &format!("form-action 'self' {}", origins.join(" ")),
        1,
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// `POST /admin/calendars/{provider}/connect`: off to the provider's sign-in.
async fn connect(
    State(state): State<AppState>,
    provider: OAuthProvider,
    AdminForm { session, form }: AdminForm,
) -> Response {
    let host = form
        .text("host")
        .or_else(|| session.role.host().map(str::to_string))
        .unwrap_or_default();
    if let Err(err) = check_host(&state, &host, &session.role) {
        return super::error(&state, &session, err);
    }
    match state
        .calendars
        .begin_connect(provider, &host, &session.credential_id, None)
        .await
    {
        Ok(url) => {
            tracing::info!(
                host,
                provider = provider.as_str(),
                "calendar account sign-in started"
            );
            see_other(&url)
        }
        Err(err) => super::error(&state, &session, api_error(err)),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// Set by [`bounce`]: the browser came back through our own page.
    resumed: Option<String>,
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The session cookie is `SameSite=Strict`, so a browser arriving from the provider's
/// site does not send it. A page of ours that sends the browser on to the same address
/// makes that a same-site navigation, which carries the cookie.
fn bounce(state: &AppState, provider: OAuthProvider, raw: Option<&str>) -> Response {
    let path = format!("/admin/calendars/{}/callback", provider.as_str());
    let target = match raw.filter(|raw| !raw.is_empty()) {
        Some(raw) => format!("{path}?{raw}&resumed=1"),
        None => format!("{path}?resumed=1"),
    };
    let target = escape_html(&target);
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0;url={target}\">\n\
         <title>Connecting your calendar…</title>\n</head>\n<body>\n\
         <p>Connecting your {} calendar… <a href=\"{target}\">Continue</a></p>\n</body>\n</html>\n",
        provider.label()
    );
    let mut response = super::admin_html(state, StatusCode::OK, body);
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /admin/calendars/{provider}/callback`: where the provider sends the browser back.
async fn callback(
    State(state): State<AppState>,
    provider: OAuthProvider,
    session: Option<AdminSession>,
    Query(query): Query<CallbackQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(session) = session else {
        if query.resumed.is_none() {
            return bounce(&state, provider, raw.as_deref());
        }
        // Not signed in here at all: the sign-in can only be finished by its session.
        return see_other("/admin/login?next=%2Fadmin%2Fcalendars");
    };
    let fail = |code: &'static str, message: String| {
        super::error(
            &state,
            &session,
            ApiError::new(StatusCode::BAD_REQUEST, code, message),
        )
    };
    if let Some(error) = query.error.as_deref() {
        if let Some(pending) = query.state.as_deref() {
            if let Err(err) = state.calendars.abandon_connect(pending).await {
                tracing::warn!(error = %err, "abandoned calendar sign-in not removed");
            }
        }
        let name = provider.label();
        tracing::info!(
            provider = provider.as_str(),
            error,
            "calendar account sign-in not granted"
        );
        if error == "access_denied" {
            return fail(
                "oauth_access_denied",
                format!("Access was not granted at {name}, so nothing was connected. Use \"Connect {name}\" to try again."),
            );
        }
        let description: String = query
            .error_description
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        return fail(
            "oauth_error",
            format!("{name} answered {error:?} {description}; nothing was connected."),
        );
    }
    let (Some(code), Some(pending)) = (query.code.as_deref(), query.state.as_deref()) else {
        return fail(
            "oauth_state_invalid",
            "this address lacks the sign-in's code or state; start again from Calendars".into(),
        );
    };
    let result = state
        .calendars
        .finish_connect(
            provider,
            code,
            pending,
            &session.credential_id,
            session.role.host(),
            &session.actor(),
        )
        .await;
    match result {
        Ok(connected) => {
            let done = if connected.existed {
                "reconnected"
            } else {
                "connected"
            };
            see_other(&format!(
                "/admin/calendars/accounts/{}?done={done}",
                connected.account.id
            ))
        }
        Err(err) => {
            tracing::info!(provider = provider.as_str(), error = %err, "calendar account sign-in refused");
            super::error(&state, &session, api_error(err))
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PickerQuery {
    done: Option<String>,
}

/// The picker: the account's calendars with what is read and written now (or, after a
/// refused save, what was ticked).
async fn picker_page(
    state: &AppState,
    session: &AdminSession,
    account: &OAuthAccount,
    ticked: Option<(Vec<String>, Option<String>)>,
    errors: FieldErrors,
    status: StatusCode,
    done: Option<String>,
) -> Response {
    let connections = match state.store.calendar_connections().await {
        Ok(rows) => rows,
        Err(err) => return super::error(state, session, err.into()),
    };
    let mine = account_connections(&connections, &account.id);
    let (busy, write): (Vec<String>, Option<String>) = ticked.unwrap_or_else(|| {
        (
            mine.iter()
                .filter(|row| row.settings.busy)
                .map(|row| row.settings.url.clone())
                .collect(),
            mine.iter()
                .find(|row| row.settings.write)
                .map(|row| row.settings.url.clone()),
        )
    });
    let (remote, remote_error) = match state.calendars.remote_calendars(&account.id).await {
        Ok(list) => (list, None),
        Err(err) => (Vec::new(), Some(api_error(err).message)),
    };
    // Listing may have renewed the token, or found the grant withdrawn.
    let account = match state.store.oauth_account(&account.id).await {
        Ok(Some(account)) => account,
        Ok(None) => return super::error(state, session, not_found(&account.id)),
        Err(err) => return super::error(state, session, err.into()),
    };
    let account = &account;
    let mut rows: Vec<Value> = remote
        .iter()
        .map(|calendar| {
            json!({
                "id": calendar.id,
                "name": calendar.name,
                "primary": calendar.primary,
                "writable": calendar.writable,
                "busy": busy.contains(&calendar.id),
                "write": write.as_deref() == Some(calendar.id.as_str()),
                "missing": false,
            })
        })
        .collect();
    // Connected calendars the provider no longer lists (or could not list just now) stay
    // visible, so they can be let go.
    for row in &mine {
        if !remote
            .iter()
            .any(|calendar| calendar.id == row.settings.url)
        {
            rows.push(json!({
                "id": row.settings.url,
                "name": row.settings.url,
                "primary": false,
                "writable": row.settings.write,
                "busy": busy.contains(&row.settings.url),
                "write": write.as_deref() == Some(row.settings.url.as_str()),
                "missing": true,
            }));
        }
    }
    let now = state.clock.now().as_second();
    let mut view = account_json(state, account, &connections, now);
    view["label"] = json!(label(&account.provider));
    let mut response = page(
        state,
        session,
        "admin_calendar_account.html",
        "calendars",
        json!({
            "account": view,
            "calendars": rows,
            "no_write": write.is_none(),
            "listed": remote_error.is_none(),
            "remote_error": remote_error,
            "errors": errors,
            "done": done,
        }),
    );
    *response.status_mut() = status;
    allow_sign_in_forms(state, response)
}

/// `GET /admin/calendars/accounts/{id}`.
async fn picker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: AdminSession,
    query: Result<Query<PickerQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|Query(query)| query.done);
    match account_for(&state, &id, &session.role).await {
        Ok(account) => {
            picker_page(
                &state,
                &session,
                &account,
                None,
                FieldErrors::new(),
                StatusCode::OK,
                done,
            )
            .await
        }
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/calendars/accounts/{id}`: save which calendars are read and written.
async fn choose(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    let account = match account_for(&state, &id, &session.role).await {
        Ok(account) => account,
        Err(err) => return super::error(&state, &session, err),
    };
    let busy: Vec<String> = form.all("busy").into_iter().map(str::to_string).collect();
    let write = form.text("write");
    match state
        .calendars
        .choose_calendars(&account.id, &busy, write.as_deref(), &session.actor())
        .await
    {
        Ok(_) => see_other("/admin/calendars?done=chosen"),
        Err(ConnectError::Invalid { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.insert(field.into(), message);
            picker_page(
                &state,
                &session,
                &account,
                Some((busy, write)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(err) => super::error(&state, &session, api_error(err)),
    }
}

/// `POST /admin/calendars/accounts/{id}/reconnect|disconnect`.
async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    let account = match account_for(&state, &id, &session.role).await {
        Ok(account) => account,
        Err(err) => return super::error(&state, &session, err),
    };
    match action.as_str() {
        "reconnect" => {
            let Some(provider) = OAuthProvider::parse(&account.provider) else {
                return super::error(&state, &session, not_found(&id));
            };
            match state
                .calendars
                .begin_connect(
                    provider,
                    &account.host_id,
                    &session.credential_id,
                    Some(&account),
                )
                .await
            {
                Ok(url) => see_other(&url),
                Err(err) => super::error(&state, &session, api_error(err)),
            }
        }
        "disconnect" => match state
            .calendars
            .disconnect(&account.id, &session.actor())
            .await
        {
            Ok(()) => see_other("/admin/calendars?done=disconnected"),
            Err(err) => super::error(&state, &session, api_error(err)),
        },
        _ => super::error(
            &state,
            &session,
            ApiError::not_found(
                "unknown_action",
                "the action must be reconnect or disconnect",
            ),
        ),
    }
}

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/hosts/{id}/calendar-accounts`.
async fn api_list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(host): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    check_host(&state, &host, &caller.role)?;
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    let listed: Vec<Value> = accounts(&state, &caller.role, Some(&host))
        .await?
        .iter()
        .map(|account| account_json(&state, account, &connections, now))
        .collect();
    Ok(Json(json!({"accounts": listed})).into_response())
}

/// `GET /api/v1/calendar-accounts/{id}`.
async fn api_get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let account = account_for(&state, &id, &caller.role).await?;
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    Ok(Json(account_json(&state, &account, &connections, now)).into_response())
}

/// `DELETE /api/v1/calendar-accounts/{id}`: revoke and delete, as Disconnect does.
async fn api_delete(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let account = account_for(&state, &id, &caller.role).await?;
    state
        .calendars
        .disconnect(&account.id, &caller.actor)
        .await
        .map_err(api_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/calendar-accounts/{id}/calendars`: the account's calendars at the provider
/// and which are read and written now.
async fn api_remote(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let account = account_for(&state, &id, &caller.role).await?;
    let remote = state
        .calendars
        .remote_calendars(&account.id)
        .await
        .map_err(api_error)?;
    let connections = state.store.calendar_connections().await?;
    let mine = account_connections(&connections, &account.id);
    let listed: Vec<Value> = remote
        .iter()
        .map(|calendar| {
            let connected = mine.iter().find(|row| row.settings.url == calendar.id);
            json!({
                "id": calendar.id,
                "name": calendar.name,
                "primary": calendar.primary,
                "writable": calendar.writable,
                "time_zone": calendar.time_zone,
                "busy": connected.is_some_and(|row| row.settings.busy),
                "write": connected.is_some_and(|row| row.settings.write),
                "connection_id": connected.map(|row| row.settings.id.clone()),
            })
        })
        .collect();
    Ok(Json(json!({"calendars": listed})).into_response())
}

fn invalid(field: &str, message: &str) -> ApiError {
    let mut fields = FieldErrors::new();
    fields.insert(field.into(), message.into());
    ApiError::validation(fields)
}

/// `PUT /api/v1/calendar-accounts/{id}/calendars` `{"busy": [ids], "write": id | null}`: as
/// the picker's Save; answers the account.
async fn api_choose(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    body: Result<JsonObject, ApiError>,
) -> ApiResult {
    caller.require(Scope::HostsWrite)?;
    let JsonObject(object) = body?;
    if let Some(unknown) = object
        .keys()
        .find(|key| !["busy", "write"].contains(&key.as_str()))
    {
        return Err(invalid(
            unknown,
            "is not a calendar choice (send busy and write)",
        ));
    }
    let busy: Vec<String> = match object.get("busy") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("busy", "must be a list of calendar ids"))?,
        Some(_) => return Err(invalid("busy", "must be a list of calendar ids")),
    };
    let write = match object.get("write") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
        Some(_) => return Err(invalid("write", "must be a calendar id or null")),
    };
    let account = account_for(&state, &id, &caller.role).await?;
    state
        .calendars
        .choose_calendars(&account.id, &busy, write.as_deref(), &caller.actor)
        .await
        .map_err(api_error)?;
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    Ok(Json(account_json(&state, &account, &connections, now)).into_response())
}
