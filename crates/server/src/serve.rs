//! Opening the store, building the state and running the server until SIGTERM or Ctrl-C.

use std::{future::IntoFuture, sync::Arc, time::Duration};

use openslot_store::{SqliteOptions, SqliteStore, Store, StoreError};
use tokio::net::TcpListener;

use crate::{
    busy_cache::BusyCache,
    catalog::Catalog,
    clock::{Clock, SystemClock},
    config::{Config, ConfigError},
    http,
    state::AppState,
};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// Checks everything in the configuration that can be checked without opening anything.
pub fn validate(config: &Config, source: &str) -> Result<Catalog, ConfigError> {
    config.listen_addr(source)?;
    let error = |key: &str, message: String| ConfigError {
        source: source.to_string(),
        key: key.to_string(),
        message,
    };
    if let Some(url) = &config.server.public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(error(
                "server.public_url",
                format!("{url:?} must start with http:// or https://"),
            ));
        }
    }
    for (index, origin) in config.server.allowed_origins.iter().enumerate() {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let valid = rest.is_some_and(|host| {
            let host = host.trim_end_matches('/');
            !host.is_empty() && !host.contains('/') && !host.contains(' ')
        });
        if !valid {
            return Err(error(
                &format!("server.allowed_origins[{index}]"),
                format!("{origin:?} must be an origin such as \"https://www.example.com\""),
            ));
        }
    }
    let url = &config.database.url;
    if !url.starts_with("sqlite:") {
        return Err(error(
            "database.url",
            format!("{url:?} is not supported: use sqlite://PATH (PostgreSQL support is planned)"),
        ));
    }
    if !matches!(config.database.synchronous.as_str(), "full" | "normal") {
        return Err(error(
            "database.synchronous",
            format!(
                "{:?} must be \"full\" or \"normal\"",
                config.database.synchronous
            ),
        ));
    }
    if config.database.readers == 0 || config.database.readers > 64 {
        return Err(error("database.readers", "must be 1 to 64".into()));
    }
    if config.database.busy_refresh_seconds == 0 {
        return Err(error(
            "database.busy_refresh_seconds",
            "must be at least 1".into(),
        ));
    }
    Catalog::from_config(config, source)
}

/// Opens the configured store (not yet migrated).
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, StoreError> {
    let mut options = SqliteOptions::new(config.database.url.clone());
    options.readers = config.database.readers;
    options.sync_full = config.database.synchronous == "full";
    Ok(Arc::new(SqliteStore::open(&options).await?))
}

/// Builds the application state from a validated configuration and an opened store.
pub async fn build_state(
    config: Config,
    catalog: Catalog,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StoreError> {
    let state = AppState {
        config: Arc::new(config),
        catalog: Arc::new(catalog),
        store,
        busy: Arc::new(BusyCache::default()),
        clock,
        host_id: Arc::from("default"),
    };
    state.reload_busy().await?;
    Ok(state)
}

/// Runs the service until a shutdown signal, then lets in-flight requests finish.
pub async fn run(config: Config, source: &str) -> Result<(), StartError> {
    let catalog = validate(&config, source)?;
    let addr = config.listen_addr(source)?;
    let store = open_store(&config).await?;
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    let grace = Duration::from_secs(config.server.shutdown_grace_seconds);
    let refresh = Duration::from_secs(config.database.busy_refresh_seconds);
    let state = build_state(config, catalog, store, Arc::new(SystemClock)).await?;
    state.spawn_busy_refresh(refresh);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| StartError::Listen {
        addr: addr.to_string(),
        source,
    })?;
    tracing::info!(addr = %local, public_url = %state.config.public_url(), "listening");

    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let app = http::router(state);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let mut receiver = stop_receiver;
        let _ = receiver.wait_for(|stop| *stop).await;
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => {
            result.map_err(|source| StartError::Listen { addr: local.to_string(), source })?;
            return Ok(());
        }
        () = shutdown_signal() => {}
    }
    tracing::info!("shutting down: no new connections, finishing in-flight requests");
    let _ = stop_sender.send(true);
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result.map_err(|source| StartError::Listen {
            addr: local.to_string(),
            source,
        })?,
        Err(_) => tracing::warn!("in-flight requests did not finish within the grace period"),
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("install SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
