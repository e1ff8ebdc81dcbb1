//! The public pages: host page, booking page, confirmation, contact form, embed script.
//! Server-rendered HTML that works without JavaScript; `assets/app.js` enhances it.

pub mod assets;
pub mod contact;
pub mod forms;
pub mod lang;
pub mod localised;
pub mod manage;
pub mod pages;
mod picker;
pub mod routing;
pub mod statement;
pub(crate) mod timezones;

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
    routing::get,
    Router,
};
use minijinja::{AutoEscape, Environment};
use serde_json::{json, Value};

use self::assets::Assets;
use crate::{config::Config, http::state::AppState};

/// Templates, assets and the page security policy, built once at start-up.
#[derive(Debug)]
pub struct Web {
    env: Environment<'static>,
    pub assets: Assets,
    /// `Content-Security-Policy` for every response.
    pub csp: HeaderValue,
    /// The same policy for admin pages, which no site may frame.
    pub admin_csp: HeaderValue,
    /// Values every page shows (organisation, logo, footer, asset URLs).
    base: Value,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "api_docs.html",
        include_str!("../../templates/api_docs.html"),
    ),
    ("book.html", include_str!("../../templates/book.html")),
    (
        "confirmation.html",
        include_str!("../../templates/confirmation.html"),
    ),
    ("contact.html", include_str!("../../templates/contact.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("manage.html", include_str!("../../templates/manage.html")),
    ("host.html", include_str!("../../templates/host.html")),
    ("route.html", include_str!("../../templates/route.html")),
    (
        "accessibility.html",
        include_str!("../../templates/accessibility.html"),
    ),
    (
        "admin_base.html",
        include_str!("../../templates/admin_base.html"),
    ),
    (
        "admin_login.html",
        include_str!("../../templates/admin_login.html"),
    ),
    (
        "admin_error.html",
        include_str!("../../templates/admin_error.html"),
    ),
    (
        "admin_dashboard.html",
        include_str!("../../templates/admin_dashboard.html"),
    ),
    (
        "admin_bookings.html",
        include_str!("../../templates/admin_bookings.html"),
    ),
    (
        "admin_booking.html",
        include_str!("../../templates/admin_booking.html"),
    ),
    (
        "admin_event_types.html",
        include_str!("../../templates/admin_event_types.html"),
    ),
    (
        "admin_event_type.html",
        include_str!("../../templates/admin_event_type.html"),
    ),
    (
        "admin_calendars.html",
        include_str!("../../templates/admin_calendars.html"),
    ),
    (
        "admin_calendar.html",
        include_str!("../../templates/admin_calendar.html"),
    ),
    (
        "admin_calendar_account.html",
        include_str!("../../templates/admin_calendar_account.html"),
    ),
    (
        "admin_hosts.html",
        include_str!("../../templates/admin_hosts.html"),
    ),
    (
        "admin_host.html",
        include_str!("../../templates/admin_host.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../../templates/admin_audit.html"),
    ),
    (
        "admin_tokens.html",
        include_str!("../../templates/admin_tokens.html"),
    ),
    (
        "admin_account.html",
        include_str!("../../templates/admin_account.html"),
    ),
    (
        "admin_webhooks.html",
        include_str!("../../templates/admin_webhooks.html"),
    ),
    (
        "admin_webhook.html",
        include_str!("../../templates/admin_webhook.html"),
    ),
    (
        "admin_webhook_new.html",
        include_str!("../../templates/admin_webhook_new.html"),
    ),
    (
        "admin_webhook_form.html",
        include_str!("../../templates/admin_webhook_form.html"),
    ),
];

/// The scheme://host[:port] part of an absolute http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

impl Web {
    pub fn new(config: &Config) -> Self {
        crate::i18n::init();
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        env.add_function("t", lang::template_text);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|err| panic!("template {name} does not parse: {err}"));
        }
        let branding = &config.branding;
        let assets = Assets::new(&branding.accent_color);
        let mut frame_ancestors = vec!["'self'".to_string()];
        frame_ancestors.extend(
            config
                .server
                .allowed_origins
                .iter()
                .map(|origin| origin.trim_end_matches('/').to_string()),
        );
        let mut image_sources = vec!["'self'".to_string(), "data:".to_string()];
        if let Some(origin) = branding.logo_url.as_deref().and_then(origin_of) {
            image_sources.push(origin);
        }
        let csp = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src {}; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
             frame-ancestors {}",
            image_sources.join(" "),
            frame_ancestors.join(" ")
        );
        let base = json!({
            "org": branding.organisation.clone().unwrap_or_else(|| config.host.name.clone()),
            "logo_url": branding.logo_url,
            "intro": branding.intro,
            "footer_links": branding.footer_links,
            "assets": {
                "css": assets.css.path(),
                "js": assets.js.path(),
                "theme": assets.theme.path(),
            },
        });
        Web {
            env,
            assets,
            admin_csp: HeaderValue::from_str(&format!(
                "{}frame-ancestors 'none'",
                csp.split("frame-ancestors").next().unwrap_or_default()
            ))
            .expect("CSP is ASCII"),
            csp: HeaderValue::from_str(&csp).expect("CSP is ASCII"),
            base,
        }
    }

    /// Renders a visitor-facing page in `lang`: the page values over the common ones,
    /// plus `lang`, `dir`, the language menu and the messages `app.js` shows.
    pub fn render_in(&self, template: &str, lang: &lang::PageLang, page: Value) -> String {
        let locale = lang.locale;
        let messages = lang::script_messages(locale).clone();
        let mut context = json!({
            "lang": locale.tag(),
            "dir": locale.dir(),
            "languages": lang.menu(),
            "language_name": locale.autonym(),
            "script_messages": messages,
        });
        if let (Value::Object(context), Value::Object(page)) = (&mut context, page) {
            context.extend(page);
        }
        self.render(template, context)
    }

    /// Renders `template` with the page values merged over the common ones (in English
    /// unless the page values carry a `lang`: the admin pages).
    pub fn render(&self, template: &str, page: Value) -> String {
        let mut context = self.base.clone();
        if let (Value::Object(context), Value::Object(page)) = (&mut context, page) {
            context.extend(page);
        }
        match self
            .env
            .get_template(template)
            .and_then(|template| template.render(&context))
        {
            Ok(html) => html,
            Err(err) => {
                tracing::error!(error = %err, template, "template failed");
                "<!doctype html><title>Error</title><p>Something went wrong.</p>".to_string()
            }
        }
    }
}

/// Page and asset routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/with/{host}", get(pages::with_host))
        .route("/book/{slug}", get(pages::book))
        .route("/accessibility", get(statement::show))
        .route("/assets/{name}", get(assets::serve_asset))
        .route("/embed.js", get(assets::serve_embed))
        .merge(routing::router())
}

/// The documented public pages: the confirmation page and the signed-link routes.
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(pages::confirmation))
        .routes(routes!(contact::contact))
        .merge(manage::api())
}

/// Security headers on every response: the CSP (frames only from allowed origins),
/// no MIME sniffing, a strict referrer policy.
pub async fn security_headers(
    axum::extract::State(csp): axum::extract::State<HeaderValue>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}
