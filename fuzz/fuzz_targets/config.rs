//! The configuration file: TOML parsing (`Config::parse`) and start-up validation
//! (`serve::validate`, which also resolves the event-type catalog). Neither panics; every
//! error names the file, and every validation error names the key it is about. A
//! configuration that validates keeps its event types through the round trip the
//! database does (definition as JSON, then resolved again): nothing changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openslot::{
    catalog::Catalog,
    config::{Config, EventTypeConfig},
    serve::validate,
};

const SOURCE: &str = "fuzz.toml";

/// The top-level keys; a validation error's key starts with one of them.
const SECTIONS: &[&str] = &[
    "server",
    "database",
    "host",
    "hosts",
    "defaults",
    "event_types",
    "branding",
    "limits",
    "security",
    "mail",
    "metrics",
    "admin",
    "routing_forms",
    "calendars",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match Config::parse(text, SOURCE) {
        Ok(config) => config,
        Err(error) => {
            assert_eq!(error.source, SOURCE);
            assert!(error.key.is_empty() && !error.message.is_empty());
            assert!(error.to_string().starts_with(SOURCE));
            return;
        }
    };
    let checked = match validate(&config, SOURCE) {
        Ok(checked) => checked,
        Err(error) => {
            assert_eq!(error.source, SOURCE);
            assert!(!error.message.is_empty(), "{error:?}");
            let section = error.key.split(['.', '[']).next().unwrap_or("");
            assert!(
                SECTIONS.contains(&section),
                "error without a known key: {error:?}"
            );
            return;
        }
    };
    let catalog = &checked.catalog;
    for event in catalog.iter() {
        let slug = &event.slug;
        let definition = event.to_config();
        let stored = serde_json::to_value(&definition).expect("definitions serialize");
        let loaded: EventTypeConfig =
            serde_json::from_value(stored).expect("a stored definition reads back");
        assert_eq!(loaded, definition);
        let again = Catalog::build(
            &config.defaults,
            catalog.hosts(),
            &[loaded],
            &[true],
            SOURCE,
        )
        .unwrap_or_else(|err| panic!("a resolved event type no longer validates: {err}"));
        let resolved = again.get(slug).expect("the slug survives");
        assert_eq!(resolved.to_config(), definition);
    }
});
