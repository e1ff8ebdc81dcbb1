//! The OpenAPI 3.1 document of the public endpoints and `/api/v1`, generated from the
//! handlers themselves: every documented module hands over an [`OpenApiRouter`] whose
//! routes come from the handlers' `#[utoipa::path]` attributes, so a route cannot exist
//! without its description, nor be described at a path it is not served at.
//! `GET /api/openapi.json` serves the document.

use std::sync::OnceLock;

use axum::{extract::State, response::IntoResponse, Json, Router};
use utoipa::{
    openapi::{
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        server::Server,
        OpenApi as Document,
    },
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::{error::ErrorBody, state::AppState};

mod bodies;
pub mod links;

/// The name of the bearer-token scheme `/api/v1` operations require (with their scope).
pub const API_TOKEN: &str = "api_token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "openslot",
        description = "Booking API of a self-hosted openslot scheduler: availability, bookings, \
contact messages and the links invitees and hosts follow (public), and `/api/v1` for \
automation, authorised by an API token with scopes (`Authorization: Bearer TOKEN`). Every \
error answer is `{\"error\": {\"code\", \"message\", \"fields\"?}}` with a stable `code`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    modifiers(&ApiToken),
    components(schemas(ErrorBody)),
    tags(
        (name = "public", description = "What a booking page or a website calls: no credentials."),
        (name = "links", description = "The signed links in invitees' and hosts' e-mails."),
        (name = "bookings", description = "Bookings, for automation (`/api/v1`)."),
        (name = "event-types", description = "Event types (`/api/v1`)."),
        (name = "hosts", description = "Hosts and their calendars (`/api/v1`)."),
        (name = "webhooks", description = "Webhook subscriptions and their deliveries (`/api/v1`)."),
        (name = "operations", description = "Dashboard, jobs and audit (`/api/v1`)."),
        (name = "meta", description = "Health and this document.")
    )
)]
struct ApiDoc;

struct ApiToken;

impl Modify for ApiToken {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            API_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `/admin/tokens` or `openslot admin create-token`; \
                         each operation names the scope it needs.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every documented route, with the document they make. A module that serves documented
/// routes exposes `pub fn api() -> OpenApiRouter<AppState>` and is merged here.
pub fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .merge(crate::http::api())
        .merge(crate::admin::api::api())
        .merge(crate::admin::webhooks_api::api())
}

/// The routes and their document, split: the routes go into the application router.
pub fn router() -> Router<AppState> {
    let (router, mut document) = documented().split_for_parts();
    finish(&mut document);
    let _ = DOCUMENT.set(document);
    router
}

static DOCUMENT: OnceLock<Document> = OnceLock::new();

/// The OpenAPI document (built once).
pub fn document() -> &'static Document {
    DOCUMENT.get_or_init(|| {
        let mut document = documented().split_for_parts().1;
        finish(&mut document);
        document
    })
}

/// What the handlers' attributes cannot say: links in the specification's spelling (and
/// the one from the public booking to `/api/v1`), optional bodies that are not `null`.
fn finish(document: &mut Document) {
    links::add(document);
    bodies::optional_not_null(document);
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this server.",
        content_type = "application/json"))
)]
async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    let mut document = document().clone();
    if let Some(url) = state.config.server.public_url.as_deref() {
        document.servers = Some(vec![Server::new(url.trim_end_matches('/'))]);
    }
    Json(to_json(&document))
}

/// The document as JSON (links already in the specification's spelling: see [`links`]).
pub fn to_json(document: &Document) -> serde_json::Value {
    serde_json::to_value(document).unwrap_or(serde_json::Value::Null)
}
