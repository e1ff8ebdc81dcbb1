//! Static assets compiled into the binary, served under content-hashed names so browsers
//! may cache them forever; `embed.js` keeps a stable name for sites to link to.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::lang::PageLang;
use crate::{
    http::state::AppState,
    i18n::{self, Locale},
};

/// One served file.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Hashed file name, e.g. `app.3f9a1c2b.js`.
    pub name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, body: Vec<u8>) -> Self {
        let digest = Sha256::digest(&body);
        let hash: String = digest[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Asset {
            name: format!("{stem}.{hash}.{extension}"),
            content_type,
            body,
        }
    }

    /// The URL path the asset is served at.
    pub fn path(&self) -> String {
        format!("/assets/{}", self.name)
    }
}

/// All assets of the public pages.
#[derive(Debug, Clone)]
pub struct Assets {
    pub css: Asset,
    pub js: Asset,
    pub theme: Asset,
    pub embed: Vec<u8>,
}

const APP_CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");
const EMBED_JS: &str = include_str!("../../assets/embed.js");

fn channel(hex: &str, index: usize) -> f64 {
    f64::from(u8::from_str_radix(&hex[index..index + 2], 16).unwrap_or(0)) / 255.0
}

/// WCAG relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let linear = |c: f64| {
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(channel(hex, 1))
        + 0.7152 * linear(channel(hex, 3))
        + 0.0722 * linear(channel(hex, 5))
}

/// WCAG contrast ratio between two `#rrggbb` colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Whether `text` is a `#rrggbb` colour.
pub fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// CSS variables for the accent colour, with text colours that keep AA contrast.
fn theme_css(accent: &str) -> String {
    let on_accent = if contrast(accent, "#ffffff") >= 4.5 {
        "#ffffff"
    } else {
        "#111111"
    };
    // Links and outlines on white need 4.5:1 too; fall back to near-black when the accent is light.
    let accent_text = if contrast(accent, "#ffffff") >= 4.5 {
        accent
    } else {
        "#1a1a1a"
    };
    format!(":root {{ --accent: {accent}; --accent-contrast: {on_accent}; --accent-text: {accent_text}; }}\n")
}

impl Assets {
    pub fn new(accent: &str) -> Self {
        Assets {
            css: Asset::new(
                "app",
                "css",
                "text/css; charset=utf-8",
                APP_CSS.as_bytes().to_vec(),
            ),
            js: Asset::new(
                "app",
                "js",
                "text/javascript; charset=utf-8",
                APP_JS.as_bytes().to_vec(),
            ),
            theme: Asset::new(
                "theme",
                "css",
                "text/css; charset=utf-8",
                theme_css(accent).into_bytes(),
            ),
            embed: EMBED_JS.as_bytes().to_vec(),
        }
    }

    fn find(&self, name: &str) -> Option<&Asset> {
        [&self.css, &self.js, &self.theme]
            .into_iter()
            .find(|asset| asset.name == name)
    }
}

/// `GET /assets/{name}`: hashed assets, cached for a year.
pub async fn serve_asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.web.assets.find(&name) {
        Some(asset) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            asset.body.clone(),
        )
            .into_response(),
        None => {
            crate::http::error::ApiError::not_found("not_found", "no such asset").into_response()
        }
    }
}

/// Where the server writes the embed script's messages into it.
const EMBED_MESSAGES_SLOT: &str = "/*openslot:messages*/{}";

/// The messages `embed.js` shows on the embedding site.
const EMBED_MESSAGES: &[&str] = &["embed-title", "embed-close"];

/// `embed.js` with its messages in `locale`.
pub fn embed_script(source: &[u8], locale: Locale) -> Vec<u8> {
    let messages: serde_json::Map<String, serde_json::Value> = EMBED_MESSAGES
        .iter()
        .map(|id| (id.to_string(), i18n::text(locale, id, &[]).into()))
        .collect();
    // JSON is a JavaScript expression; `<` is escaped so no text can end a script element.
    let json = serde_json::Value::Object(messages)
        .to_string()
        .replace('<', "\\u003c");
    String::from_utf8_lossy(source)
        .replacen(EMBED_MESSAGES_SLOT, &json, 1)
        .into_bytes()
}

/// `GET /embed.js`: the snippet sites include; short cache so fixes reach them. Its few
/// words are in the language the script's URL (`?lang=`) or the visitor's browser asks for.
pub async fn serve_embed(State(state): State<AppState>, lang: PageLang) -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            (
                header::VARY,
                HeaderValue::from_static("Accept-Language, Cookie"),
            ),
        ],
        embed_script(&state.web.assets.embed, lang.locale),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_script_speaks_the_chosen_language() {
        let english = String::from_utf8(embed_script(EMBED_JS.as_bytes(), Locale::En)).unwrap();
        assert!(!english.contains(EMBED_MESSAGES_SLOT), "the slot is filled");
        assert!(
            english.contains(r#"var TEXT = {"embed-close":"Close","embed-title":"Book a time"};"#)
                || english
                    .contains(r#"var TEXT = {"embed-title":"Book a time","embed-close":"Close"};"#),
            "{}",
            &english[..english.find("function t(").unwrap_or(0)]
        );
        let german = String::from_utf8(embed_script(EMBED_JS.as_bytes(), Locale::De)).unwrap();
        assert!(german.contains(&i18n::text(Locale::De, "embed-close", &[])));
    }

    #[test]
    fn contrast_and_theme() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
        assert!(theme_css("#1f5fbf").contains("--accent-contrast: #ffffff"));
        assert!(theme_css("#ffdd00").contains("--accent-contrast: #111111"));
        assert!(theme_css("#ffdd00").contains("--accent-text: #1a1a1a"));
        assert!(is_hex_colour("#A0b1C2") && !is_hex_colour("red") && !is_hex_colour("#12345"));
        let assets = Assets::new("#1f5fbf");
        assert!(assets.js.name.starts_with("app.") && assets.js.name.ends_with(".js"));
        assert_ne!(assets.css.name, "app.css");
    }
}
