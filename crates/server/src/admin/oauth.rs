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
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::{forbidden, ApiCaller, Role},
    calendars::{check_host, connection_view, CalendarView},
    page, see_other, AdminForm, AdminSession,
};
use crate::{
    calendars::{
        connect::{account_connections, ConnectError},
        tokens::{TokenError, STATUS_NEEDS_RECONNECT},
    },
    config::OAuthProvider,
    http::{
        body::JsonObject,
        error::{ApiError, ErrorBody},
        state::AppState,
    },
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
}

/// The documented `/api/v1` routes of connected accounts.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_get, api_delete))
        .routes(routes!(api_remote, api_choose))
}

/// The accounts of a host.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CalendarAccountList {
    pub accounts: Vec<CalendarAccountView>,
}

/// An account's calendars at its provider.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RemoteCalendarList {
    pub calendars: Vec<RemoteCalendarView>,
}

/// Which of an account's calendars to read busy time from and which one to write
/// bookings into; calendars left out stop being read.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"busy": ["primary", "team@group.calendar.google.com"], "write": "primary"}))]
pub struct CalendarChoiceBody {
    /// Provider calendar ids (from `listRemoteCalendars`).
    pub busy: Option<Vec<String>>,
    /// One provider calendar id, or `null` for none.
    #[schema(min_length = 1)]
    pub write: Option<String>,
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

fn label(provider: &str) -> &'static str {
    OAuthProvider::parse(provider).map_or("OAuth", OAuthProvider::label)
}

/// A connected Google or Microsoft account as operators see it, with the connections read
/// through it: its address and health, never a token (sealed or not) nor who holds its
/// refresh lease.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "0190c8d2-0000-7000-8000-000000000004", "host_id": "ada", "provider": "google", "email": "ada@example.com", "status": "ok", "needs_reconnect": false, "status_detail": null, "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z", "calendars": []}))]
pub struct CalendarAccountView {
    pub id: String,
    pub host_id: String,
    /// `google` or `microsoft`.
    pub provider: String,
    /// The signed-in account's address.
    pub email: String,
    /// `ok` or `needs_reconnect` (the provider refused the grant).
    pub status: String,
    pub needs_reconnect: bool,
    /// Why it needs reconnecting.
    pub status_detail: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// The account's calendars that are read or written now.
    pub calendars: Vec<CalendarView>,
}

fn instant(second: i64) -> Option<String> {
    jiff::Timestamp::from_second(second)
        .ok()
        .map(|at| at.to_string())
}

/// An account as the API shows it, with its connected calendars among `connections`.
pub fn account_view(
    state: &AppState,
    account: &OAuthAccount,
    connections: &[CalendarConnection],
    now: i64,
) -> CalendarAccountView {
    CalendarAccountView {
        id: account.id.clone(),
        host_id: account.host_id.clone(),
        provider: account.provider.clone(),
        email: account.email.clone(),
        status: account.status.clone(),
        needs_reconnect: account.status == STATUS_NEEDS_RECONNECT,
        status_detail: account.status_detail.clone(),
        created_at: instant(account.created_at),
        updated_at: instant(account.updated_at),
        calendars: account_connections(connections, &account.id)
            .into_iter()
            .map(|row| connection_view(state, row, now))
            .collect(),
    }
}

/// [`account_view`] as JSON, for pages that add to it.
pub fn account_json(
    state: &AppState,
    account: &OAuthAccount,
    connections: &[CalendarConnection],
    now: i64,
) -> Value {
    json!(account_view(state, account, connections, now))
}

/// One calendar of an account at its provider, and whether it is read or written now.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "primary", "name": "Ada Lovelace", "primary": true, "writable": true, "time_zone": "Europe/London", "busy": true, "write": true, "connection_id": "0190c8d2-0000-7000-8000-000000000001"}))]
pub struct RemoteCalendarView {
    /// The provider's calendar id.
    pub id: String,
    pub name: String,
    /// The account's main calendar.
    pub primary: bool,
    /// Whether the account may write events into it.
    pub writable: bool,
    /// IANA zone, where the provider says.
    pub time_zone: Option<String>,
    /// Busy time is read from it.
    pub busy: bool,
    /// Confirmed bookings are written into it.
    pub write: bool,
    /// Its calendar connection, when it is read or written.
    pub connection_id: Option<String>,
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
#[utoipa::path(
    get,
    path = "/api/v1/hosts/{id}/calendar-accounts",
    operation_id = "listCalendarAccounts",
    tag = "hosts",
    summary = "List a host's connected accounts",
    params(("id" = String, Path, description = "The host's id")),
    responses(
        (status = 200, description = "The host's connected Google and Microsoft accounts.", body = CalendarAccountList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`). `forbidden`: a host user's token reaching beyond their host.", body = ErrorBody, examples(("insufficient_scope" = (value = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}}))), ("forbidden" = (value = json!({"error": {"code": "forbidden", "message": "this needs an admin; a host user may only see their host's bookings and edit their host's hours"}}))))),
        (status = 404, description = "`host_not_found`: there is no host \"grace\"", body = ErrorBody, example = json!({"error": {"code": "host_not_found", "message": "there is no host \"grace\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn api_list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(host): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    check_host(&state, &host, &caller.role)?;
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    let accounts = accounts(&state, &caller.role, Some(&host))
        .await?
        .iter()
        .map(|account| account_view(&state, account, &connections, now))
        .collect();
    Ok(Json(CalendarAccountList { accounts }).into_response())
}

/// `GET /api/v1/calendar-accounts/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/calendar-accounts/{id}",
    operation_id = "getCalendarAccount",
    tag = "hosts",
    summary = "Read a connected account",
    params(("id" = String, Path, description = "The connected account's id")),
    responses(
        (status = 200, description = "The account and its connected calendars.", body = CalendarAccountView),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}})),
        (status = 404, description = "`calendar_account_not_found`: there is no connected account \"ID\"", body = ErrorBody, example = json!({"error": {"code": "calendar_account_not_found", "message": "there is no connected account \"ID\""}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
async fn api_get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(Scope::HostsRead)?;
    let account = account_for(&state, &id, &caller.role).await?;
    let connections = state.store.calendar_connections().await?;
    let now = state.clock.now().as_second();
    Ok(Json(account_view(&state, &account, &connections, now)).into_response())
}

/// `DELETE /api/v1/calendar-accounts/{id}`: revoke and delete, as Disconnect does.
#[utoipa::path(
    delete,
    path = "/api/v1/calendar-accounts/{id}",
    operation_id = "deleteCalendarAccount",
    tag = "hosts",
    summary = "Disconnect an account",
    params(("id" = String, Path, description = "The connected account's id")),
    responses(
        (status = 204, description = "Revoked at the provider where it can be, and deleted with its calendars."),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}})),
        (status = 404, description = "`calendar_account_not_found`: there is no connected account \"ID\"", body = ErrorBody, example = json!({"error": {"code": "calendar_account_not_found", "message": "there is no connected account \"ID\""}})),
        (status = 502, description = "`provider_unavailable`: Google or Microsoft did not answer as expected.", body = ErrorBody, example = json!({"error": {"code": "provider_unavailable", "message": "the provider did not answer"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/calendar-accounts/{id}/calendars",
    operation_id = "listRemoteCalendars",
    tag = "hosts",
    summary = "List an account's calendars at the provider",
    params(("id" = String, Path, description = "The connected account's id")),
    responses(
        (status = 200, description = "The account's calendars at the provider, and which are read and written now.", body = RemoteCalendarList),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:read` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:read`"}})),
        (status = 404, description = "`calendar_account_not_found`: no such account. `provider_not_configured`: the provider's OAuth client is no longer configured.", body = ErrorBody, example = json!({"error": {"code": "calendar_account_not_found", "message": "there is no connected account \"ID\""}})),
        (status = 409, description = "`needs_reconnect`: the provider refused the account's grant; reconnect it under /admin/calendars.", body = ErrorBody, example = json!({"error": {"code": "needs_reconnect", "message": "the account needs reconnecting: use Reconnect and sign in again"}})),
        (status = 502, description = "`provider_unavailable`: Google or Microsoft did not answer as expected.", body = ErrorBody, example = json!({"error": {"code": "provider_unavailable", "message": "the provider did not answer"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:read"]))
)]
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
    let calendars = remote
        .iter()
        .map(|calendar| {
            let connected = mine.iter().find(|row| row.settings.url == calendar.id);
            RemoteCalendarView {
                id: calendar.id.clone(),
                name: calendar.name.clone(),
                primary: calendar.primary,
                writable: calendar.writable,
                time_zone: calendar.time_zone.clone(),
                busy: connected.is_some_and(|row| row.settings.busy),
                write: connected.is_some_and(|row| row.settings.write),
                connection_id: connected.map(|row| row.settings.id.clone()),
            }
        })
        .collect();
    Ok(Json(RemoteCalendarList { calendars }).into_response())
}

fn invalid(field: &str, message: &str) -> ApiError {
    let mut fields = FieldErrors::new();
    fields.insert(field.into(), message.into());
    ApiError::validation(fields)
}

/// `PUT /api/v1/calendar-accounts/{id}/calendars` `{"busy": [ids], "write": id | null}`: as
/// the picker's Save; answers the account.
#[utoipa::path(
    put,
    path = "/api/v1/calendar-accounts/{id}/calendars",
    operation_id = "chooseCalendars",
    tag = "hosts",
    summary = "Choose which calendars are read and written",
    params(("id" = String, Path, description = "The connected account's id")),
    request_body(content = CalendarChoiceBody),
    responses(
        (status = 200, description = "The account with its calendars as chosen.", body = CalendarAccountView),
        (status = 400, description = "`malformed_json`: the body is not a JSON object.", body = ErrorBody, example = json!({"error": {"code": "malformed_json", "message": "the request body must be a JSON object"}})),
        (status = 401, description = "`unauthorized`: no token, an unknown or revoked one, or an expired one.", body = ErrorBody, example = json!({"error": {"code": "unauthorized", "message": "send an admin API token as `Authorization: Bearer TOKEN`"}})),
        (status = 403, description = "`insufficient_scope`: the token lacks `hosts:write` (named in `WWW-Authenticate`).", body = ErrorBody, example = json!({"error": {"code": "insufficient_scope", "message": "this token lacks the scope `hosts:write`"}})),
        (status = 404, description = "`calendar_account_not_found`: no such account. `provider_not_configured`: the provider's OAuth client is no longer configured.", body = ErrorBody, example = json!({"error": {"code": "calendar_account_not_found", "message": "there is no connected account \"ID\""}})),
        (status = 409, description = "`needs_reconnect`: the provider refused the account's grant; reconnect it under /admin/calendars.", body = ErrorBody, example = json!({"error": {"code": "needs_reconnect", "message": "the account needs reconnecting: use Reconnect and sign in again"}})),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.", body = ErrorBody, example = json!({"error": {"code": "payload_too_large", "message": "the request body must be at most 64 KiB"}})),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`.", body = ErrorBody, example = json!({"error": {"code": "unsupported_media_type", "message": "send the request body as application/json"}})),
        (status = 422, description = "`validation_failed`: an id is not one of the account's calendars, or the write calendar is not writable (`fields` names it).", body = ErrorBody, example = json!({"error": {"code": "validation_failed", "message": "some fields are missing or invalid", "fields": {"write": "must be a calendar id or null"}}})),
        (status = 502, description = "`provider_unavailable`: Google or Microsoft did not answer as expected.", body = ErrorBody, example = json!({"error": {"code": "provider_unavailable", "message": "the provider did not answer"}})),
        (status = 503, description = "`store_unavailable` or `busy`: the database cannot answer now; retry after `Retry-After` seconds.", body = ErrorBody, example = json!({"error": {"code": "store_unavailable", "message": "the database cannot be reached right now; please retry in a moment"}})),
    ),
    security(("api_token" = ["hosts:write"]))
)]
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
    Ok(Json(account_view(&state, &account, &connections, now)).into_response())
}
