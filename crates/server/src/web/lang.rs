//! The edge of localisation: which locale a page request gets, the cookie the language
//! menu leaves, the menu itself and the `t()` function templates call.

use axum::{
    extract::{FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
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
/// Placeholders reach the script as `{name}` for it to fill in.
pub const SCRIPT_MESSAGES: &[&str] = &[
    "names-separator",
    "names-and",
    "day-no-times",
    "no-times-booking-window",
    "contact-find-time",
    "times-legend",
    "times-legend-on",
    "times-empty",
    "time-host-title",
    "status-loading",
    "status-taken-refreshing",
    "status-taken",
    "status-gone-refreshing",
    "status-gone",
    "status-load-failed",
    "status-try-again",
    "status-fix-fields",
    "status-pick-time-first",
    "status-sending-request",
    "status-booking",
    "status-rate-limited-moment",
    "status-failed",
    "status-unreachable",
    "field-error-required",
    "field-error-invalid",
    "field-error-start",
    "outcome-confirmed-heading",
    "outcome-confirmed",
    "outcome-requested-heading",
    "outcome-requested",
    "summary-with",
    "summary-when-yours",
    "summary-when-host",
    "summary-reference",
];

/// Script messages with a number that chooses the plural form, and that number's
/// placeholder: each reaches the script as `{category: text}` for every CLDR plural
/// category of the page's language, and the script picks one with `Intl.PluralRules`.
pub const SCRIPT_PLURALS: &[(&str, &str)] = &[
    ("day-times-count", "count"),
    ("status-rate-limited", "seconds"),
    ("field-error-too-long", "max"),
];

/// The placeholders script messages use besides their plural numbers.
const SCRIPT_PLACEHOLDERS: &[&str] = &["first", "last", "day", "time", "zone"];

/// The JSON block of script messages for `locale` (see [`SCRIPT_MESSAGES`] and
/// [`SCRIPT_PLURALS`]), with `field-errors`: the server's English field errors (as the
/// JSON API answers them) mapped to their text in `locale`.
pub fn script_messages(locale: Locale) -> &'static serde_json::Map<String, serde_json::Value> {
    static BLOCKS: std::sync::LazyLock<Vec<(Locale, serde_json::Map<String, serde_json::Value>)>> =
        std::sync::LazyLock::new(|| {
            Locale::ALL
                .into_iter()
                .map(|locale| (locale, build_script_messages(locale)))
                .collect()
        });
    BLOCKS
        .iter()
        .find(|(own, _)| *own == locale)
        .map(|(_, block)| block)
        .expect("every locale has script messages")
}

fn build_script_messages(locale: Locale) -> serde_json::Map<String, serde_json::Value> {
    let markers: Vec<(String, String)> = SCRIPT_PLACEHOLDERS
        .iter()
        .map(|name| (name.to_string(), format!("{{{name}}}")))
        .collect();
    let args = |extra: Option<(&'static str, i64)>| -> Vec<(&str, FluentValue<'static>)> {
        let mut args: Vec<(&str, FluentValue<'static>)> = markers
            .iter()
            .map(|(name, marker)| (name.as_str(), FluentValue::from(marker.clone())))
            .collect();
        if let Some((name, number)) = extra {
            args.push((name, FluentValue::from(number)));
        }
        args
    };
    let mut messages = serde_json::Map::new();
    for id in SCRIPT_MESSAGES {
        messages.insert(id.to_string(), i18n::text(locale, id, &args(None)).into());
    }
    for (id, number) in SCRIPT_PLURALS {
        let mut forms = serde_json::Map::new();
        for (category, sample) in plural_samples(locale) {
            let text = i18n::text(locale, id, &args(Some((number, sample))));
            // The sample number becomes the placeholder again; a form that does not
            // write the number (Arabic "one", say) has none to replace.
            let text = text.replacen(&sample.to_string(), &format!("{{{number}}}"), 1);
            forms.insert(category.to_string(), text.into());
        }
        messages.insert(id.to_string(), forms.into());
    }
    let field_errors: serde_json::Map<String, serde_json::Value> = FIELD_ERRORS
        .iter()
        .map(|(english, id)| (english.to_string(), i18n::text(locale, id, &[]).into()))
        .collect();
    messages.insert("field-errors".into(), field_errors.into());
    messages
}

/// One whole number of each plural category `locale` has for counting, with the names
/// `Intl.PluralRules.prototype.select` gives them.
fn plural_samples(locale: Locale) -> Vec<(&'static str, i64)> {
    use icu_plurals::{PluralCategory, PluralRules};
    let language: icu_locale_core::Locale = locale
        .tag()
        .parse()
        .expect("every locale tag is a BCP 47 locale");
    let Ok(rules) = PluralRules::try_new_cardinal((&language).into()) else {
        return vec![("other", 5)];
    };
    let mut samples: Vec<(&'static str, i64)> = Vec::new();
    // "many" is reached only by millions in French, Spanish, Italian and Portuguese.
    for number in (0..=200).chain([1_000_000]) {
        let name = match rules.category_for(number) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        };
        if !samples.iter().any(|(seen, _)| *seen == name) {
            samples.push((name, number));
        }
    }
    samples
}

/// The validation messages the server answers in English (the JSON API's `fields`, and
/// the form's own checks), each with the message a page shows in its language instead.
pub const FIELD_ERRORS: &[(&str, &str)] = &[
    ("is required", "field-error-required"),
    (
        "must be an email address such as name@example.com",
        "field-error-email",
    ),
    (
        "must be an IANA time zone such as Europe/London",
        "field-error-timezone",
    ),
    ("must not contain control characters", "field-error-control"),
    ("must be one of the listed choices", "field-error-choice"),
    (
        "must be a phone number such as +44 20 7946 0958",
        "field-error-phone",
    ),
];

/// The text of the server's English field error `message` (for `field`) in `locale`.
pub fn field_error(locale: Locale, field: &str, message: &str) -> String {
    if let Some((_, id)) = FIELD_ERRORS.iter().find(|(english, _)| *english == message) {
        return i18n::text(locale, id, &[]);
    }
    let too_long = message
        .strip_prefix("must be at most ")
        .and_then(|rest| rest.strip_suffix(" characters"))
        .and_then(|number| number.parse::<i64>().ok());
    if let Some(max) = too_long {
        return i18n::text(locale, "field-error-too-long", &[("max", max.into())]);
    }
    if field == "start" {
        return i18n::text(locale, "field-error-start", &[]);
    }
    i18n::text(locale, "field-error-invalid", &[])
}

/// The language a page request is answered in, and where the request was (for the
/// language menu's links back to the same page).
#[derive(Clone, Debug)]
pub struct PageLang {
    pub locale: Locale,
    path: String,
    query: Vec<(String, String)>,
}

impl PageLang {
    /// `locale` for a page at `path` that no request chose (a re-rendered page whose
    /// caller has not passed its request's language along).
    pub fn fixed(locale: Locale, path: &str) -> PageLang {
        PageLang {
            locale,
            path: path.to_string(),
            query: Vec::new(),
        }
    }

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
    fn script_messages_carry_every_plural_form_of_the_language() {
        let categories = |locale| -> Vec<String> {
            let block = script_messages(locale);
            let forms = block["day-times-count"].as_object().unwrap();
            forms.keys().cloned().collect()
        };
        let mut arabic = categories(Locale::Ar);
        arabic.sort();
        assert_eq!(arabic, ["few", "many", "one", "other", "two", "zero"]);
        let mut polish = categories(Locale::Pl);
        polish.sort();
        // Polish whole numbers are never "other" (only fractions are).
        assert_eq!(polish, ["few", "many", "one"]);
        assert_eq!(categories(Locale::Ja), ["other"]);
        let english = script_messages(Locale::En);
        assert_eq!(english["day-times-count"]["one"], ", {count} time");
        assert_eq!(english["day-times-count"]["other"], ", {count} times");
        assert_eq!(
            english["summary-when-yours"], "When (your time, {zone})",
            "placeholders reach the script as markers"
        );
        assert_eq!(
            english["field-errors"]["is required"], "is required",
            "the API's English field errors map to the page's language"
        );
        for id in SCRIPT_MESSAGES {
            assert!(english.contains_key(*id), "{id}");
        }
    }

    #[test]
    fn every_validator_message_has_a_page_text() {
        use crate::validate::Fields;
        let object = serde_json::json!({
            "name": "", "email": "nope", "zone": "Mars/Base", "notes": "a\u{0}b",
            "long": "x".repeat(20),
        });
        let object = object.as_object().unwrap();
        let mut fields = Fields::new(object);
        fields.required_text("name", 10, false);
        fields.email("email");
        fields.timezone("zone");
        fields.optional_text("notes", 10, false);
        fields.optional_text("long", 10, false);
        assert_eq!(fields.errors.len(), 5, "{:?}", fields.errors);
        for (field, message) in &fields.errors {
            assert_ne!(
                field_error(Locale::En, field, message),
                i18n::text(Locale::En, "field-error-invalid", &[]),
                "{field}: {message} has no message id"
            );
        }
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
