//! Event types and hosts live in the database: the config file seeds them on first start,
//! the admin edits them, and every instance swaps in the new [`Catalog`] at once (the one
//! that made the change immediately, others on their next refresh).

use std::sync::{Arc, Mutex, RwLock};

use openslot_store::{Store, StoreError, StoredEventType, StoredHost};

use crate::{
    catalog::{Catalog, EventType},
    config::{Config, ConfigError, EventTypeConfig},
    hosts::{Host, HostDirectory},
};

/// The stored rows a catalog is built from.
type Rows = (Vec<StoredEventType>, Vec<StoredHost>);

/// The current catalog, replaced as a whole when event types or hosts change. Readers take
/// a cheap `Arc` snapshot and keep using it for the rest of their request.
pub struct CatalogHandle {
    current: RwLock<Arc<Catalog>>,
    /// The rows the current catalog was built from (to notice changes by other instances).
    rows: Mutex<Rows>,
}

impl CatalogHandle {
    /// A handle on `catalog` built from stored event types `rows` (hosts not yet read).
    pub fn new(catalog: Catalog, rows: Vec<StoredEventType>) -> Self {
        CatalogHandle::loaded(catalog, rows, Vec::new())
    }

    /// A handle on `catalog` built from stored event types and hosts.
    pub fn loaded(catalog: Catalog, rows: Vec<StoredEventType>, hosts: Vec<StoredHost>) -> Self {
        CatalogHandle {
            current: RwLock::new(Arc::new(catalog)),
            rows: Mutex::new((rows, hosts)),
        }
    }

    /// A snapshot of the current catalog.
    pub fn load(&self) -> Arc<Catalog> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, catalog: Catalog, rows: Rows) {
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

    /// Rebuilds the catalog from the database if its event type or host rows changed since
    /// the last load. Returns whether it changed. Rows that no longer validate (written by a
    /// newer version, say) leave the current catalog in place and are logged.
    pub async fn refresh(&self, store: &dyn Store, config: &Config) -> Result<bool, StoreError> {
        let rows = (store.event_types().await?, store.hosts().await?);
        let unchanged = match self.rows.lock() {
            Ok(guard) => *guard == rows,
            Err(poisoned) => *poisoned.into_inner() == rows,
        };
        if unchanged {
            return Ok(false);
        }
        match catalog_from_rows(config, &rows.0, &rows.1) {
            Ok(catalog) => {
                self.replace(catalog, rows);
                Ok(true)
            }
            Err(err) => {
                tracing::error!(error = %err, "stored event types or hosts do not validate; keeping the previous ones");
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

/// The hosts stored rows describe (in their order). No rows at all (a database written
/// before hosts were stored, read by a caller that has not seeded): the configured ones.
pub fn hosts_from_rows(
    config: &Config,
    hosts: &[StoredHost],
) -> Result<HostDirectory, ConfigError> {
    if hosts.is_empty() {
        return HostDirectory::from_config(config, "<config>");
    }
    HostDirectory::from_definitions(
        &config.defaults,
        hosts
            .iter()
            .map(|row| (row.id.as_str(), &row.definition, row.enabled)),
    )
}

/// Builds the catalog from stored event type and host rows (in their order).
pub fn catalog_from_rows(
    config: &Config,
    rows: &[StoredEventType],
    hosts: &[StoredHost],
) -> Result<Catalog, ConfigError> {
    let entries = rows.iter().map(entry_of).collect::<Result<Vec<_>, _>>()?;
    let enabled: Vec<bool> = rows.iter().map(|row| row.enabled).collect();
    let hosts = hosts_from_rows(config, hosts)?;
    Catalog::build(&config.defaults, &hosts, &entries, &enabled, "<database>")
}

/// The row that stores `host`.
pub fn host_row_of(host: &Host, position: i64, now: i64) -> StoredHost {
    StoredHost {
        id: host.id.clone(),
        position,
        definition: host.definition(),
        enabled: host.enabled,
        updated_at: now,
    }
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
/// database holds: from then on the database is the source of event types and hosts.
/// Hosts are seeded on their own (an install upgraded from before hosts were stored has
/// event types but no hosts: it gets its configured hosts, the implicit one without
/// `[[hosts]]`), and before event types, which are validated against them.
pub async fn seed_and_load(
    store: &dyn Store,
    config: &Config,
    configured: &Catalog,
    now: i64,
) -> Result<CatalogHandle, String> {
    let host_seed: Vec<StoredHost> = configured
        .hosts()
        .iter()
        .enumerate()
        .map(|(position, host)| host_row_of(host, position as i64, now))
        .collect();
    let hosts_seeded = store
        .seed_hosts(&host_seed)
        .await
        .map_err(|err| format!("cannot store hosts: {err}"))?;
    if hosts_seeded {
        tracing::info!(
            count = host_seed.len(),
            "hosts seeded from the configuration"
        );
    }
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
    let host_rows = store
        .hosts()
        .await
        .map_err(|err| format!("cannot read hosts: {err}"))?;
    let catalog = catalog_from_rows(config, &rows, &host_rows).map_err(|err| err.to_string())?;
    if !hosts_seeded && !config.hosts.is_empty() {
        let configured_ids: Vec<&str> = configured.hosts().iter().map(|h| h.id.as_str()).collect();
        let stored_ids: Vec<&str> = catalog.hosts().iter().map(|h| h.id.as_str()).collect();
        if configured_ids != stored_ids {
            tracing::warn!(
                "hosts are managed in /admin once seeded; [[hosts]] in the config file only seed an empty database"
            );
        }
    }
    if !seeded && !config.event_types.is_empty() {
        let configured_slugs: Vec<&str> = configured.iter().map(|e| e.slug.as_str()).collect();
        let stored_slugs: Vec<&str> = catalog.iter().map(|e| e.slug.as_str()).collect();
        if configured_slugs != stored_slugs {
            tracing::warn!(
                "event types are managed in /admin once seeded; [[event_types]] in the config file only seed an empty database"
            );
        }
    }
    Ok(CatalogHandle::loaded(catalog, rows, host_rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openslot_store::{prelude::*, AuditEntry, SqliteOptions, SqliteStore};

    const TWO_HOSTS: &str = r#"
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "Europe/London"
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[event_types]]
slug = "intro"
title = "Intro"
duration_minutes = 30
"#;

    async fn store(dir: &tempfile::TempDir) -> SqliteStore {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = SqliteStore::open(&SqliteOptions::new(url)).await.unwrap();
        store.migrate().await.unwrap();
        store
    }

    fn load(text: &str) -> (Config, Catalog) {
        let config = Config::parse(text, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        (config, catalog)
    }

    fn audit(target: &str) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::now_v7().to_string(),
            at: 1,
            actor: "system".into(),
            action: "host.update".into(),
            target: target.into(),
            before: None,
            after: None,
        }
    }

    #[tokio::test]
    async fn hosts_are_seeded_once_and_loaded_from_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let (config, configured) = load(TWO_HOSTS);
        let handle = seed_and_load(&store, &config, &configured, 100)
            .await
            .unwrap();
        let rows = store.hosts().await.unwrap();
        let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
        assert_eq!(ids, ["ada", "grace"]);
        assert_eq!(
            rows[1].definition["timezone"], "UTC",
            "inherited keys are written out"
        );
        let catalog = handle.load();
        assert_eq!(catalog.hosts().len(), 2);
        assert_eq!(catalog.get("intro").unwrap().hosts, ["ada", "grace"]);

        // A later start with other [[hosts]] keeps what the database holds.
        let (config, configured) = load(&TWO_HOSTS.replace("Grace Hopper", "Someone Else"));
        let handle = seed_and_load(&store, &config, &configured, 200)
            .await
            .unwrap();
        assert_eq!(
            handle.load().hosts().get("grace").unwrap().name,
            "Grace Hopper"
        );
    }

    #[tokio::test]
    async fn an_install_from_before_stored_hosts_gets_its_implicit_host() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let (config, configured) = load(
            "[host]\nname = \"Acme\"\n[[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\n",
        );
        // Event types stored by an older version; no host rows.
        let rows: Vec<StoredEventType> = configured
            .iter()
            .enumerate()
            .map(|(position, event)| row_of(event, position as i64, 1))
            .collect();
        assert!(store.seed_event_types(&rows).await.unwrap());
        assert!(store.hosts().await.unwrap().is_empty());
        let handle = seed_and_load(&store, &config, &configured, 100)
            .await
            .unwrap();
        let rows = store.hosts().await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, crate::hosts::DEFAULT_HOST_ID);
        assert_eq!(rows[0].definition["name"], "Acme");
        let catalog = handle.load();
        let host = catalog.hosts().get(crate::hosts::DEFAULT_HOST_ID).unwrap();
        assert!(host.is_always_open());
        assert_eq!(catalog.get("intro").unwrap().hosts, ["default"]);
    }

    #[tokio::test]
    async fn refresh_notices_changed_host_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let (config, configured) = load(TWO_HOSTS);
        let handle = seed_and_load(&store, &config, &configured, 100)
            .await
            .unwrap();
        assert!(!handle.refresh(&store, &config).await.unwrap());

        // Another instance disables grace and adds alan.
        let mut grace = store.hosts().await.unwrap().remove(1);
        grace.enabled = false;
        grace.updated_at = 300;
        store.save_host(&grace, &audit("host:grace")).await.unwrap();
        let alan = StoredHost {
            id: "alan".into(),
            position: 2,
            definition: serde_json::json!({"id": "alan", "name": "Alan", "email": "alan@example.com"}),
            enabled: true,
            updated_at: 300,
        };
        store.save_host(&alan, &audit("host:alan")).await.unwrap();
        assert!(handle.refresh(&store, &config).await.unwrap());
        let catalog = handle.load();
        assert!(!catalog.hosts().get("grace").unwrap().enabled);
        assert!(catalog.hosts().get("ada").unwrap().enabled);
        // An event type that names no hosts has every host, the new one too.
        assert_eq!(
            catalog.get("intro").unwrap().hosts,
            ["ada", "grace", "alan"]
        );
        assert!(!handle.refresh(&store, &config).await.unwrap());

        // A row that does not validate keeps the previous catalog.
        let broken = StoredHost {
            definition: serde_json::json!({"id": "alan", "name": "Alan", "email": "alan@example.com", "timezone": "Mars/Base"}),
            updated_at: 400,
            ..alan
        };
        store.save_host(&broken, &audit("host:alan")).await.unwrap();
        assert!(!handle.refresh(&store, &config).await.unwrap());
        assert_eq!(handle.load().hosts().len(), 3);
    }
}
