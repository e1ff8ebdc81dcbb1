//! Event types live in the database: the config file seeds them on first start, the admin
//! edits them, and every instance swaps in the new [`Catalog`] at once (the one that made
//! the change immediately, others on their next refresh).

use std::sync::{Arc, Mutex, RwLock};

use openslot_store::{Store, StoreError, StoredEventType};

use crate::{
    catalog::{Catalog, EventType},
    config::{Config, ConfigError, EventTypeConfig},
};

/// The current catalog, replaced as a whole when event types change. Readers take a cheap
/// `Arc` snapshot and keep using it for the rest of their request.
pub struct CatalogHandle {
    current: RwLock<Arc<Catalog>>,
    /// The rows the current catalog was built from (to notice changes by other instances).
    rows: Mutex<Vec<StoredEventType>>,
}

impl CatalogHandle {
    pub fn new(catalog: Catalog, rows: Vec<StoredEventType>) -> Self {
        CatalogHandle {
            current: RwLock::new(Arc::new(catalog)),
            rows: Mutex::new(rows),
        }
    }

    /// A snapshot of the current catalog.
    pub fn load(&self) -> Arc<Catalog> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, catalog: Catalog, rows: Vec<StoredEventType>) {
        let catalog = Arc::new(catalog);
        match self.current.write() {
            Ok(mut guard) => *guard = catalog,
            Err(poisoned) => *poisoned.into_inner() = catalog,
        }
        match self.rows.lock() {
            Ok(mut guard) => *guard = rows,
            Err(poisoned) => *poisoned.into_inner() = rows,
        }
    }

    /// Rebuilds the catalog from the database if its rows changed since the last load.
    /// Returns whether it changed. Rows that no longer validate (written by a newer
    /// version, say) leave the current catalog in place and are logged.
    pub async fn refresh(&self, store: &dyn Store, config: &Config) -> Result<bool, StoreError> {
        let rows = store.event_types().await?;
        let unchanged = match self.rows.lock() {
            Ok(guard) => *guard == rows,
            Err(poisoned) => *poisoned.into_inner() == rows,
        };
        if unchanged {
            return Ok(false);
        }
        match catalog_from_rows(config, &rows) {
            Ok(catalog) => {
                self.replace(catalog, rows);
                Ok(true)
            }
            Err(err) => {
                tracing::error!(error = %err, "stored event types do not validate; keeping the previous ones");
                Ok(false)
            }
        }
    }
}

/// The configuration entry a stored row holds.
pub fn entry_of(row: &StoredEventType) -> Result<EventTypeConfig, ConfigError> {
    serde_json::from_value(row.definition.clone()).map_err(|err| ConfigError {
        source: "<database>".into(),
        key: format!("event_types[{}]", row.slug),
        message: err.to_string(),
    })
}

/// Builds the catalog from stored rows (in their order).
pub fn catalog_from_rows(
    config: &Config,
    rows: &[StoredEventType],
) -> Result<Catalog, ConfigError> {
    let entries = rows.iter().map(entry_of).collect::<Result<Vec<_>, _>>()?;
    let enabled: Vec<bool> = rows.iter().map(|row| row.enabled).collect();
    // Hosts come from the configuration until they are stored in the database too.
    let hosts = crate::hosts::HostDirectory::from_config(config, "<config>")?;
    Catalog::build(&config.defaults, &hosts, &entries, &enabled, "<database>")
}

/// The row that stores `event`.
pub fn row_of(event: &EventType, position: i64, now: i64) -> StoredEventType {
    StoredEventType {
        slug: event.slug.clone(),
        position,
        definition: serde_json::to_value(event.to_config()).unwrap_or_default(),
        enabled: event.enabled,
        updated_at: now,
    }
}

/// Seeds the database from the configured catalog on first start, then loads what the
/// database holds: from then on the database is the source of event types.
pub async fn seed_and_load(
    store: &dyn Store,
    config: &Config,
    configured: &Catalog,
    now: i64,
) -> Result<CatalogHandle, String> {
    let seed: Vec<StoredEventType> = configured
        .iter()
        .enumerate()
        .map(|(position, event)| row_of(event, position as i64, now))
        .collect();
    let seeded = store
        .seed_event_types(&seed)
        .await
        .map_err(|err| format!("cannot store event types: {err}"))?;
    if seeded {
        tracing::info!(
            count = seed.len(),
            "event types seeded from the configuration"
        );
    }
    let rows = store
        .event_types()
        .await
        .map_err(|err| format!("cannot read event types: {err}"))?;
    let catalog = catalog_from_rows(config, &rows).map_err(|err| err.to_string())?;
    if !seeded && !config.event_types.is_empty() {
        let configured_slugs: Vec<&str> = configured.iter().map(|e| e.slug.as_str()).collect();
        let stored_slugs: Vec<&str> = catalog.iter().map(|e| e.slug.as_str()).collect();
        if configured_slugs != stored_slugs {
            tracing::warn!(
                "event types are managed in /admin once seeded; [[event_types]] in the config file only seed an empty database"
            );
        }
    }
    Ok(CatalogHandle::new(catalog, rows))
}
