//! The languages openslot speaks and how a request picks one.

use std::{fmt, str::FromStr};

/// A language the visitor-facing text is written in. Adding one means a catalog
/// directory `locales/<tag>/` with every file English has, and a line in [`Locale::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Es,
    PtBr,
    It,
    Nl,
    Pl,
    Sv,
    Ja,
    ZhCn,
    Ar,
}

impl Locale {
    pub const ALL: [Locale; 12] = [
        Locale::En,
        Locale::De,
        Locale::Fr,
        Locale::Es,
        Locale::PtBr,
        Locale::It,
        Locale::Nl,
        Locale::Pl,
        Locale::Sv,
        Locale::Ja,
        Locale::ZhCn,
        Locale::Ar,
    ];

    /// The BCP 47 tag: `lang` attributes, `?lang=`, the cookie, the stored booking locale.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Fr => "fr",
            Locale::Es => "es",
            Locale::PtBr => "pt-BR",
            Locale::It => "it",
            Locale::Nl => "nl",
            Locale::Pl => "pl",
            Locale::Sv => "sv",
            Locale::Ja => "ja",
            Locale::ZhCn => "zh-CN",
            Locale::Ar => "ar",
        }
    }

    /// The language's own name, as a language menu lists it.
    pub fn autonym(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
            Locale::Fr => "Français",
            Locale::Es => "Español",
            Locale::PtBr => "Português (Brasil)",
            Locale::It => "Italiano",
            Locale::Nl => "Nederlands",
            Locale::Pl => "Polski",
            Locale::Sv => "Svenska",
            Locale::Ja => "日本語",
            Locale::ZhCn => "简体中文",
            Locale::Ar => "العربية",
        }
    }

    /// Writing direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Locale::Ar)
    }

    /// The locale a BCP 47 tag asks for: an exact match first (case-insensitive, `_` read
    /// as `-`), else the language alone (`de-AT` → German, `pt` → Brazilian Portuguese,
    /// `zh-Hans-CN` → Simplified Chinese). Traditional Chinese is not offered, so
    /// `zh-TW` / `zh-Hant` match nothing rather than the wrong script.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
        if tag.is_empty() || tag.len() > 35 {
            return None;
        }
        if let Some(exact) = Locale::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(&tag))
        {
            return Some(exact);
        }
        let mut subtags = tag.split('-');
        let language = subtags.next()?;
        if language == "zh" {
            let rest: Vec<&str> = subtags.collect();
            let traditional = rest
                .iter()
                .any(|subtag| matches!(*subtag, "hant" | "tw" | "hk" | "mo"));
            return (!traditional).then_some(Locale::ZhCn);
        }
        Locale::ALL.into_iter().find(|locale| {
            locale
                .tag()
                .split('-')
                .next()
                .is_some_and(|own| own.eq_ignore_ascii_case(language))
        })
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a supported locale (one of: {list})", list = supported_list())]
pub struct UnknownLocale(pub String);

fn supported_list() -> String {
    Locale::ALL
        .iter()
        .map(|locale| locale.tag())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Locale {
    type Err = UnknownLocale;

    fn from_str(tag: &str) -> Result<Self, Self::Err> {
        Locale::parse(tag).ok_or_else(|| UnknownLocale(tag.to_string()))
    }
}

impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        tag.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

/// The languages of an `Accept-Language` header in the order the client prefers them
/// (by `q`, then by position); `*` and `q=0` are left out.
pub fn accept_language(header: &str) -> Vec<Locale> {
    let mut ranked: Vec<(u16, usize, Locale)> = header
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|param| {
                    let (name, value) = param.split_once('=')?;
                    (name.trim().eq_ignore_ascii_case("q")).then(|| value.trim())
                })
                .map_or(Some(1000), parse_quality)?;
            if quality == 0 || tag == "*" {
                return None;
            }
            Some((quality, position, Locale::parse(tag)?))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut locales = Vec::new();
    for (_, _, locale) in ranked {
        if !locales.contains(&locale) {
            locales.push(locale);
        }
    }
    locales
}

/// A `q` value in thousandths; `None` when it is not a number between 0 and 1.
fn parse_quality(value: &str) -> Option<u16> {
    let quality: f32 = value.parse().ok()?;
    (0.0..=1.0)
        .contains(&quality)
        .then(|| (quality * 1000.0).round() as u16)
}

/// Where a request's language came from, strongest first.
#[derive(Clone, Copy, Debug, Default)]
pub struct Choice<'a> {
    /// `?lang=` on the URL (a language menu link, or a site linking in a language).
    pub query: Option<&'a str>,
    /// The cookie the language menu leaves.
    pub cookie: Option<&'a str>,
    /// The browser's `Accept-Language`.
    pub accept_language: Option<&'a str>,
}

impl Choice<'_> {
    /// `?lang=` > cookie > `Accept-Language` > `fallback` (`[branding] default_locale`).
    /// A value that names no supported locale is skipped, not an error.
    pub fn resolve(&self, fallback: Locale) -> Locale {
        self.query
            .and_then(Locale::parse)
            .or_else(|| self.cookie.and_then(Locale::parse))
            .or_else(|| {
                self.accept_language
                    .and_then(|header| accept_language(header).into_iter().next())
            })
            .unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_languages_fall_back() {
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.tag()), Some(locale));
            assert_eq!(Locale::parse(&locale.tag().to_uppercase()), Some(locale));
        }
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse("pt"), Some(Locale::PtBr));
        assert_eq!(Locale::parse("pt_PT"), Some(Locale::PtBr));
        assert_eq!(Locale::parse("zh-Hans-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh-TW"), None);
        assert_eq!(Locale::parse("ar-EG"), Some(Locale::Ar));
        assert_eq!(Locale::parse("klingon"), None);
        assert_eq!(Locale::parse(""), None);
        assert!("xx"
            .parse::<Locale>()
            .unwrap_err()
            .to_string()
            .contains("pt-BR"));
    }

    #[test]
    fn accept_language_orders_by_quality_then_position() {
        assert_eq!(
            accept_language("fr;q=0.5, de-DE, en;q=0.8, *;q=0.1"),
            vec![Locale::De, Locale::En, Locale::Fr]
        );
        assert_eq!(accept_language("xx, ja;q=0, sv"), vec![Locale::Sv]);
        assert_eq!(accept_language("en;q=bogus, nl"), vec![Locale::Nl]);
        assert!(accept_language("").is_empty());
    }

    #[test]
    fn the_query_beats_the_cookie_beats_the_browser_beats_the_default() {
        let all = Choice {
            query: Some("ja"),
            cookie: Some("fr"),
            accept_language: Some("de"),
        };
        assert_eq!(all.resolve(Locale::Es), Locale::Ja);
        let no_query = Choice {
            query: Some("nonsense"),
            ..all
        };
        assert_eq!(no_query.resolve(Locale::Es), Locale::Fr);
        let browser = Choice {
            query: None,
            cookie: None,
            ..all
        };
        assert_eq!(browser.resolve(Locale::Es), Locale::De);
        assert_eq!(Choice::default().resolve(Locale::Es), Locale::Es);
    }
}
