//! The contact page (`GET /contact`), in the visitor's language: the fallback form for
//! people who cannot find a time. Its post is handled in [`super::forms`].

use axum::{
    extract::{rejection::QueryRejection, Query, State},
    http::StatusCode,
    response::Response,
};
use serde_json::{json, Value};

use super::{
    lang::PageLang,
    localised::field_errors_in,
    pages::{html, PageQuery, FORM_TOKEN_SECONDS},
};
use crate::{http::state::AppState, validate::FieldErrors};

/// What the contact page shows besides the form.
#[derive(Debug, Default)]
pub struct ContactView {
    pub event: Option<String>,
    pub values: Value,
    /// The validator's problems (English); shown in the page's language.
    pub errors: FieldErrors,
    pub status: Option<(&'static str, String)>,
    pub sent: bool,
}

/// Renders the contact page in `lang`.
pub fn render_contact(state: &AppState, lang: &PageLang, view: ContactView) -> String {
    let (status_kind, status_message) = view.status.unwrap_or(("", String::new()));
    let now = state.clock.now().as_second();
    state.web.render_in(
        "contact.html",
        lang,
        json!({
            "event": view.event.filter(|slug| state.catalog.load().bookable(slug).is_some()),
            "values": if view.values.is_object() { view.values } else { json!({}) },
            "errors": field_errors_in(lang.locale, &view.errors),
            "status_kind": status_kind,
            "status_message": status_message,
            "sent": view.sent,
            "csrf": state.signer.sign("form", "contact", now + FORM_TOKEN_SECONDS),
            "embed": false,
        }),
    )
}

/// The contact page (HTML): the fallback form for people who cannot find a time.
#[utoipa::path(
    get,
    path = "/contact",
    operation_id = "getContactPage",
    tag = "public",
    params(
        ("event" = Option<String>, Query, description = "The event type the visitor was looking at."),
        ("sent" = Option<String>, Query, description = "`1`: say the message was sent."),
        ("lang" = Option<String>, Query, description = "The page's language (a BCP 47 tag such as `de` or `pt-BR`); remembered in a cookie."),
    ),
    responses((status = 200, description = "The page.", content_type = "text/html", body = String)),
)]
pub async fn contact(
    State(state): State<AppState>,
    lang: PageLang,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let sent = query.sent.as_deref() == Some("1");
    let view = ContactView {
        event: query.event.clone(),
        sent,
        ..ContactView::default()
    };
    html(StatusCode::OK, render_contact(&state, &lang, view))
}
