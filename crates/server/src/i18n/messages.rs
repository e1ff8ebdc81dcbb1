//! Message catalogs: one Fluent bundle per locale, built from the `.ftl` files compiled
//! into the binary. Plurals, gender-free placeholders and number formatting are Fluent's
//! (CLDR plural rules), never string concatenation.

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};

use super::Locale;

/// The catalog files every locale has, by name (`locales/<tag>/<file>.ftl`).
pub const FILES: [&str; 5] = ["common", "booking", "manage", "email", "accessibility"];

macro_rules! catalog {
    ($tag:literal) => {
        [
            include_str!(concat!("../../locales/", $tag, "/common.ftl")),
            include_str!(concat!("../../locales/", $tag, "/booking.ftl")),
            include_str!(concat!("../../locales/", $tag, "/manage.ftl")),
            include_str!(concat!("../../locales/", $tag, "/email.ftl")),
            include_str!(concat!("../../locales/", $tag, "/accessibility.ftl")),
        ]
    };
}

/// The catalog sources of `locale`, in the order of [`FILES`].
pub fn sources(locale: Locale) -> [&'static str; 5] {
    match locale {
        Locale::En => catalog!("en"),
        Locale::De => catalog!("de"),
        Locale::Fr => catalog!("fr"),
        Locale::Es => catalog!("es"),
        Locale::PtBr => catalog!("pt-BR"),
        Locale::It => catalog!("it"),
        Locale::Nl => catalog!("nl"),
        Locale::Pl => catalog!("pl"),
        Locale::Sv => catalog!("sv"),
        Locale::Ja => catalog!("ja"),
        Locale::ZhCn => catalog!("zh-CN"),
        Locale::Ar => catalog!("ar"),
    }
}

/// Every locale's bundle, with English behind each as the fallback for a message a
/// catalog lacks (the catalog test keeps that from happening in a release).
pub struct Catalogs {
    bundles: Vec<(Locale, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogs")
            .field("locales", &self.bundles.len())
            .finish()
    }
}

/// Placeholder values for a message: `&[("name", "Ada".into()), ("count", 3.into())]`.
pub type Args<'a> = [(&'a str, FluentValue<'a>)];

impl Catalogs {
    /// Parses every catalog. A syntax error or a message defined twice is a bug in the
    /// shipped files, so it panics at start-up (and in the catalog tests) instead of
    /// showing visitors a message id.
    pub fn load() -> Catalogs {
        let bundles = Locale::ALL
            .into_iter()
            .map(|locale| (locale, bundle(locale)))
            .collect();
        Catalogs { bundles }
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        self.bundles
            .iter()
            .find(|(own, _)| *own == locale)
            .map(|(_, bundle)| bundle)
            .expect("every locale has a bundle")
    }

    /// The text of `id` (`message` or `message.attribute`) in `locale`, else in English,
    /// else the id itself (and an error in the log).
    pub fn text(&self, locale: Locale, id: &str, args: &Args) -> String {
        self.lookup(locale, id, args)
            .or_else(|| self.lookup(Locale::En, id, args))
            .unwrap_or_else(|| {
                tracing::error!(id, locale = locale.tag(), "message missing from catalogs");
                id.to_string()
            })
    }

    /// Whether `locale`'s own catalog (not the fallback) has `id`.
    pub fn has(&self, locale: Locale, id: &str) -> bool {
        let (message, attribute) = split_id(id);
        self.bundle(locale)
            .get_message(message)
            .is_some_and(|found| match attribute {
                Some(attribute) => found.get_attribute(attribute).is_some(),
                None => found.value().is_some(),
            })
    }

    fn lookup(&self, locale: Locale, id: &str, args: &Args) -> Option<String> {
        let bundle = self.bundle(locale);
        let (message, attribute) = split_id(id);
        let found = bundle.get_message(message)?;
        let pattern = match attribute {
            Some(attribute) => found.get_attribute(attribute)?.value(),
            None => found.value()?,
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                locale = locale.tag(),
                ?errors,
                "message formatted with errors"
            );
        }
        Some(text.into_owned())
    }
}

fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('.') {
        Some((message, attribute)) => (message, Some(attribute)),
        None => (id, None),
    }
}

fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let language: unic_langid::LanguageIdentifier = locale
        .tag()
        .parse()
        .expect("every locale tag is a language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // No Unicode isolation marks around placeholders: the text goes into HTML with `dir`
    // set and into e-mail subjects, where invisible FSI/PDI characters break searching
    // and copying; bidi isolation of names is done in markup where it matters.
    bundle.set_use_isolating(false);
    for (file, source) in FILES.iter().zip(sources(locale)) {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| {
            panic!(
                "locales/{}/{file}.ftl does not parse: {errors:?}",
                locale.tag()
            )
        });
        bundle.add_resource(resource).unwrap_or_else(|errors| {
            panic!(
                "locales/{}/{file}.ftl redefines messages: {errors:?}",
                locale.tag()
            )
        });
    }
    bundle
}

/// Message ids (and `message.attribute` ids) defined in one catalog source.
pub fn ids(source: &str) -> Vec<String> {
    use fluent_syntax::ast::Entry;
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((resource, _)) => resource,
    };
    let mut ids = Vec::new();
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            if message.value.is_some() {
                ids.push(message.id.name.to_string());
            }
            for attribute in message.attributes {
                ids.push(format!("{}.{}", message.id.name, attribute.id.name));
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails naming every message a catalog lacks that English has, and every message a
    /// catalog has that English does not (a stale or misspelt id).
    #[test]
    fn every_catalog_has_every_english_message() {
        let mut problems = Vec::new();
        for (index, file) in FILES.iter().enumerate() {
            let english = ids(sources(Locale::En)[index]);
            for locale in Locale::ALL.into_iter().skip(1) {
                let own = ids(sources(locale)[index]);
                for id in english.iter().filter(|id| !own.contains(id)) {
                    problems.push(format!("locales/{}/{file}.ftl lacks {id}", locale.tag()));
                }
                for id in own.iter().filter(|id| !english.contains(id)) {
                    problems.push(format!(
                        "locales/{}/{file}.ftl has {id}, which English does not",
                        locale.tag()
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_catalog_parses_and_formats_without_errors() {
        for locale in Locale::ALL {
            for (index, file) in FILES.iter().enumerate() {
                let source = sources(locale)[index];
                if let Err((_, errors)) = fluent_syntax::parser::parse(source) {
                    panic!("locales/{}/{file}.ftl: {errors:?}", locale.tag());
                }
            }
        }
        let catalogs = Catalogs::load();
        assert_eq!(
            catalogs.text(Locale::En, "no-such-message", &[]),
            "no-such-message"
        );
    }

    #[test]
    fn plurals_follow_each_languages_rules() {
        let catalogs = Catalogs::load();
        let minutes = |locale, count: i64| {
            catalogs.text(locale, "duration-minutes", &[("count", count.into())])
        };
        assert_eq!(minutes(Locale::En, 1), "1 minute");
        assert_eq!(minutes(Locale::En, 30), "30 minutes");
        assert_eq!(minutes(Locale::De, 30), "30 Minuten");
        // Polish has separate "few" and "many" forms.
        assert_ne!(
            minutes(Locale::Pl, 2),
            minutes(Locale::Pl, 5).replace('5', "2")
        );
    }
}
