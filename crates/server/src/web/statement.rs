//! `GET /accessibility`: the accessibility statement in the visitor's language — the
//! standard the public pages aim for, how they are tested, known limitations and how to
//! report a barrier.

use axum::{extract::State, http::StatusCode, response::Response};
use serde_json::json;

use super::{lang::PageLang, pages::html};
use crate::{http::state::AppState, i18n::Locale};

/// The statement page.
pub async fn show(State(state): State<AppState>, lang: PageLang) -> Response {
    let config = &state.config;
    let organisation = config
        .branding
        .organisation
        .clone()
        .unwrap_or_else(|| config.host.name.clone());
    // Replies to invitee mail reach a person; the ops inbox is internal, so it is not
    // published here.
    let address = config.mail.reply_to.clone();
    let body = state.web.render_in(
        "accessibility.html",
        &lang,
        json!({
            "organisation": organisation,
            "contact_address": address,
            "language_count": Locale::ALL.len(),
            "embed": false,
        }),
    );
    html(StatusCode::OK, body)
}
