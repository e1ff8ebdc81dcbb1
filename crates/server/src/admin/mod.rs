//! The operator side: server-rendered pages under `/admin` (session + CSRF) and their JSON
//! equivalents under `/api/v1` (bearer tokens). Both call the same functions in
//! [`crate::domain`] and the modules here, so a change made either way is validated,
//! applied and audited alike.

pub mod api;
pub mod auth;
pub(crate) mod bookings;
pub mod calendars;
pub mod dashboard;
mod event_form;
mod event_types;
pub mod hosts;
mod login;
pub mod oauth;
mod system;
pub mod throttle;

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde_json::{json, Value};

pub use crate::http::body::Form;
pub use crate::web::pages::see_other;
use crate::{http::error::ApiError, http::state::AppState, web::pages::html};

pub use auth::AdminSession;

/// `/admin` pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard::show))
        .route("/admin/login", get(login::form).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route(
            "/admin/account",
            get(login::account).post(login::change_password),
        )
        .route("/admin/bookings", get(bookings::list))
        .route("/admin/bookings.csv", get(bookings::csv))
        .route("/admin/bookings/{id}", get(bookings::detail))
        .route("/admin/bookings/{id}/{action}", post(bookings::act))
        .route(
            "/admin/event-types",
            get(event_types::list).post(event_types::create),
        )
        .route("/admin/event-types/new", get(event_types::new_form))
        .route(
            "/admin/event-types/{slug}",
            get(event_types::edit_form).post(event_types::update),
        )
        .route(
            "/admin/event-types/{slug}/{action}",
            post(event_types::toggle),
        )
        .route("/admin/hosts", get(hosts::list).post(hosts::create))
        .route("/admin/hosts/new", get(hosts::new_form))
        .route(
            "/admin/hosts/{id}",
            get(hosts::edit_form).post(hosts::update),
        )
        .route("/admin/hosts/{id}/{action}", post(hosts::toggle))
        .route(
            "/admin/calendars",
            get(calendars::list).post(calendars::create),
        )
        .route("/admin/calendars/new", get(calendars::new_form))
        .route("/admin/calendars/{id}/{action}", post(calendars::act))
        .route("/admin/jobs/{id}/retry", post(system::retry_job))
        .route("/admin/audit", get(system::audit_page))
        .route(
            "/admin/tokens",
            get(system::tokens_page).post(system::create_token),
        )
        .route("/admin/tokens/{id}/revoke", post(system::revoke_token))
        .merge(api::router())
        .merge(oauth::router())
}

/// Renders an admin page for a signed-in user.
pub fn page(
    state: &AppState,
    session: &AdminSession,
    template: &str,
    nav: &str,
    mut context: Value,
) -> Response {
    context["admin"] = json!({
        "email": session.email,
        "csrf": session.csrf,
        "host": session.role.host(),
    });
    context["nav"] = json!(nav);
    context["embed"] = json!(false);
    admin_html(state, StatusCode::OK, state.web.render(template, context))
}

/// An admin HTML answer: never cached, never framed.
pub fn admin_html(state: &AppState, status: StatusCode, body: String) -> Response {
    let mut response = html(status, body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.web.admin_csp.clone());
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// An error page for a signed-in user.
pub fn error(state: &AppState, session: &AdminSession, err: ApiError) -> Response {
    let mut response = page(
        state,
        session,
        "admin_error.html",
        "",
        json!({"code": err.code, "message": err.message, "fields": err.fields}),
    );
    *response.status_mut() = err.status;
    response
}

/// A form posted by a signed-in admin, its CSRF token checked. Without a session the
/// request is refused as [`AdminSession`] refuses it; a bad form or token gets an error page.
pub struct AdminForm {
    pub session: AdminSession,
    pub form: Form,
}

impl axum::extract::FromRequest<AppState> for AdminForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = request.into_parts();
        let session = AdminSession::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = Form::read(Request::from_parts(parts, body))
            .await
            .map_err(|err| error(state, &session, err))?;
        session
            .check_csrf(form.get("csrf"))
            .map_err(|err| error(state, &session, err))?;
        Ok(AdminForm { session, form })
    }
}
