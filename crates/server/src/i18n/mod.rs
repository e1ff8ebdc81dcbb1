//! Visitor-facing language: which locale a request gets ([`Choice`]), its messages
//! ([`Catalogs`], Fluent) and its dates ([`Dates`], CLDR through ICU4X).
//!
//! Everything here is compiled in and pure, so it sits below the edge: pages, e-mails
//! and invites all ask [`text`] and [`dates`] with the locale they were given.

mod dates;
mod locale;
mod messages;
mod template;

use std::sync::LazyLock;

pub use dates::Dates;
pub use fluent_bundle::FluentValue;
pub use locale::{accept_language, Choice, Locale, UnknownLocale};
pub use messages::{ids, sources, Args, Catalogs, FILES};
pub use template::template_text;

struct I18n {
    catalogs: Catalogs,
    dates: Vec<(Locale, Dates)>,
}

static I18N: LazyLock<I18n> = LazyLock::new(|| I18n {
    catalogs: Catalogs::load(),
    dates: Locale::ALL
        .into_iter()
        .map(|locale| (locale, Dates::new(locale)))
        .collect(),
});

/// Loads every catalog and formatter now (at start-up) rather than on the first request,
/// so a broken catalog stops the binary before it serves anything.
pub fn init() {
    LazyLock::force(&I18N);
}

/// The text of message `id` (or `id.attribute`) in `locale`.
pub fn text(locale: Locale, id: &str, args: &Args) -> String {
    I18N.catalogs.text(locale, id, args)
}

/// The catalogs themselves (for the page renderer's `t()` and the tests).
pub fn catalogs() -> &'static Catalogs {
    &I18N.catalogs
}

/// The date and time formatters of `locale`.
pub fn dates(locale: Locale) -> &'static Dates {
    I18N.dates
        .iter()
        .find(|(own, _)| *own == locale)
        .map(|(_, dates)| dates)
        .expect("every locale has date formatters")
}
