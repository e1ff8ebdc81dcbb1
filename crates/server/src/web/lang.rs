//! The edge of localisation: which locale a page request gets, the cookie the language
//! menu leaves, the menu itself and the `t()` function templates call.

use axum::{
    extract::{FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use minijinja::{value::Kwargs, State};
use serde::Serialize;

use crate::{
    http::state::AppState,
    i18n::{self, Choice, FluentValue, Locale},
};

/// The cookie the language menu's links leave (any `?lang=` naming a supported locale).
pub const COOKIE: &str = "openslot_lang";

/// The query parameter and form field that choose a language explicitly.
pub const PARAM: &str = "lang";

/// The messages `app.js` and the page script show, written into each page (in its
/// language) as a JSON block the script reads: the script holds no text of its own.
pub const SCRIPT_MESSAGES: &[&str] = &[];

/// The language a page request is answered in, and where the request was (for the
/// language menu's links back to the same page).
#[derive(Clone, Debug)]
pub struct PageLang {
    pub locale: Locale,
    path: String,
    query: Vec<(String, String)>,
}

impl PageLang {
    /// The same request's choice with `explicit` (a form's `lang` field) above the
    /// query: a form posted from an embedded frame carries its language in the body,
    /// because a third-party frame may not get its cookie back.
    pub fn with_explicit(mut self, explicit: Option<&str>) -> PageLang {
        if let Some(locale) = explicit.and_then(Locale::parse) {
            self.locale = locale;
        }
        self
    }

    /// The language menu: every locale with a link to this page in it.
    pub fn menu(&self) -> Vec<MenuEntry> {
        Locale::ALL
            .into_iter()
            .map(|locale| {
                let mut pairs: Vec<(&str, &str)> = self
                    .query
                    .iter()
                    .filter(|(name, _)| name != PARAM)
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect();
                pairs.push((PARAM, locale.tag()));
                let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                MenuEntry {
                    tag: locale.tag(),
                    name: locale.autonym(),
                    href: format!("{}?{query}", self.path),
                    current: locale == self.locale,
                }
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MenuEntry {
    pub tag: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
}

/// The locale `headers` and `query` choose, over `default`.
pub fn choose(headers: &HeaderMap, query: &[(String, String)], default: Locale) -> Locale {
    Choice {
        query: query
            .iter()
            .find(|(name, _)| name == PARAM)
            .map(|(_, value)| value.as_str()),
        cookie: cookie_value(headers, COOKIE),
        accept_language: headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    }
    .resolve(default)
}

impl FromRequestParts<AppState> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = query_pairs(parts.uri.query());
        let locale = choose(&parts.headers, &query, state.config.branding.default_locale);
        Ok(PageLang {
            locale,
            path: parts.uri.path().to_string(),
            query,
        })
    }
}

/// Remembers a `?lang=` that names a supported locale in a year-long cookie, so the
/// next page (and a form posted without JavaScript) stays in that language; and tells
/// caches that a public page differs by `Accept-Language` and by that cookie.
pub async fn remember_choice(request: Request, next: Next) -> Response {
    let chosen = query_pairs(request.uri().query())
        .into_iter()
        .find(|(name, _)| name == PARAM)
        .and_then(|(_, value)| Locale::parse(&value));
    let public_page = !request.uri().path().starts_with("/admin");
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html && public_page {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    if let Some(locale) = chosen {
        let cookie = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.tag()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `t("message-id", name=value, …)` in templates, in the page's `lang`.
pub fn template_text(state: &State, id: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let locale = state
        .lookup("lang")
        .and_then(|lang| lang.as_str().and_then(Locale::parse))
        .unwrap_or_default();
    let mut args: Vec<(String, FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let fluent = if let Ok(number) = i64::try_from(value.clone()) {
            FluentValue::from(number)
        } else if let Ok(number) = f64::try_from(value.clone()) {
            FluentValue::from(number)
        } else {
            FluentValue::from(value.to_string())
        };
        args.push((name.to_string(), fluent));
    }
    let borrowed: Vec<(&str, FluentValue)> = args
        .iter()
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    Ok(i18n::text(locale, id, &borrowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; openslot_lang=ja; b=2"),
        );
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("de"));
        assert_eq!(choose(&headers, &[], Locale::En), Locale::Ja);
        let query = vec![("lang".to_string(), "ar".to_string())];
        assert_eq!(choose(&headers, &query, Locale::En), Locale::Ar);
        headers.remove(header::COOKIE);
        assert_eq!(choose(&headers, &[], Locale::En), Locale::De);
    }

    #[test]
    fn menu_links_keep_the_rest_of_the_query() {
        let lang = PageLang {
            locale: Locale::De,
            path: "/book/intro".into(),
            query: vec![
                ("date".into(), "2026-12-01".into()),
                ("lang".into(), "de".into()),
            ],
        };
        let menu = lang.menu();
        assert_eq!(menu.len(), Locale::ALL.len());
        let arabic = menu.iter().find(|entry| entry.tag == "ar").unwrap();
        assert_eq!(arabic.href, "/book/intro?date=2026-12-01&lang=ar");
        assert!(menu.iter().find(|entry| entry.tag == "de").unwrap().current);
    }
}
