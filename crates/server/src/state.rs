//! The state every request handler shares.

use std::{
    net::SocketAddr,
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use axum::http::HeaderMap;
use openslot_store::{Store, StoreError};

use crate::{
    busy_cache::BusyCache,
    clock::Clock,
    config::Config,
    event_types::CatalogHandle,
    http::error::ApiError,
    notify::Notifier,
    rate_limit::{client_ip, Network, RateLimiter},
    signing::Signer,
    web::Web,
};

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub catalog: Arc<CatalogHandle>,
    /// Routing forms (from the configuration file only).
    pub routing: Arc<crate::routing::RoutingForms>,
    pub store: Arc<dyn Store>,
    pub busy: Arc<BusyCache>,
    pub clock: Arc<dyn Clock>,
    /// The host every booking belongs to (one host until teams arrive).
    pub host_id: Arc<str>,
    pub signer: Arc<Signer>,
    pub limiter: Arc<RateLimiter>,
    pub trusted_proxies: Arc<[Network]>,
    pub web: Arc<Web>,
    pub notifier: Arc<Notifier>,
    /// Wakes the worker when new jobs are written.
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// Signalled when something outside the request path (the worker) freed booked time.
    pub busy_changed: Arc<tokio::sync::Notify>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Daily funnel counts waiting to be written.
    pub funnel: Arc<crate::funnel::Funnel>,
    /// Sign-in attempts per client address.
    pub login_limiter: Arc<RateLimiter>,
    /// Failed sign-ins per (account, client address).
    pub login_throttle: Arc<crate::admin::throttle::LoginThrottle>,
}

/// How far back the busy cache looks: bookings that ended before this are irrelevant to
/// availability.
const BUSY_HORIZON_SECONDS: i64 = 2 * 86_400;

/// How far before the previous reload an incremental one looks: a change carries the clock
/// reading of the transaction that wrote it, which may commit (or run on another instance)
/// a little later than that.
const CHANGE_SLACK_SECONDS: i64 = 10;

/// Changes read by an incremental reload are applied this many at a time.
const CHANGE_BATCH: usize = 256;

/// One reload in this many reads every active booking (at the default 5-second period,
/// every 10 minutes); the others read only recent changes.
const FULL_RELOAD_EVERY: u32 = 120;

impl AppState {
    /// Counts a funnel step for an event type, on today's date in the host's zone.
    pub fn count_funnel(&self, metric: &'static str, event: &crate::catalog::EventType) {
        self.funnel
            .count(metric, &event.slug, self.clock.now(), &self.host_zone());
    }

    /// The host's zone (for dashboards): `[defaults] timezone`.
    pub fn host_zone(&self) -> jiff::tz::TimeZone {
        crate::tzdb::zone(&self.config.defaults.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Counts one public write from the client behind `peer`; 429 when over the limit.
    pub fn check_rate(&self, peer: SocketAddr, headers: &HeaderMap) -> Result<(), ApiError> {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        let client = client_ip(peer.ip(), forwarded, &self.trusted_proxies);
        self.limiter.check(client).map_err(|wait| {
            tracing::info!(client_hash = %hash_ip(client), "rate limited");
            ApiError::rate_limited(wait)
        })
    }

    /// The URL the invitee manages `booking` at.
    pub fn manage_url(&self, booking: &openslot_store::Booking) -> String {
        crate::links::manage_url(&self.config.public_url(), &self.signer, booking)
    }

    /// The confirmation page of `booking` with the token that shows its details.
    pub fn confirmation_url(&self, booking: &openslot_store::Booking) -> String {
        crate::links::confirmation_url(&self.config.public_url(), &self.signer, booking)
    }

    /// Reloads busy time in full after a conflict, logging (not failing) if the store is
    /// unavailable: the periodic refresh catches up, and the database still decides
    /// conflicts.
    ///
    /// Conflicts that come together share one reload: a caller that finds a reload begun
    /// after it asked, and finished, while it waited for its turn has nothing left to read.
    pub async fn refresh_busy(&self) {
        let asked = self.busy.reloads_started.load(Ordering::Acquire);
        let sync = self.busy.sync.lock().await;
        if sync.reloaded > asked {
            return;
        }
        drop(sync);
        if let Err(err) = self.reload_busy().await {
            tracing::warn!(error = %err, "busy time reload failed");
        }
    }

    /// Reloads the host's busy time from the store (every active booking).
    pub async fn reload_busy(&self) -> Result<(), StoreError> {
        let mut sync = self.busy.sync.lock().await;
        let ticket = self.busy.reloads_started.fetch_add(1, Ordering::AcqRel) + 1;
        let now = self.clock.now().as_second();
        let after = now - BUSY_HORIZON_SECONDS;
        // Streamed into the new copy: no list of every booking is held on the way.
        let mut fresh = crate::busy_cache::Index::default();
        self.store
            .for_each_active_booking(&self.host_id, after, &mut |booking| fresh.insert(&booking))
            .await?;
        self.busy.install(fresh);
        sync.since = Some(now - CHANGE_SLACK_SECONDS);
        sync.incremental = 0;
        sync.reloaded = ticket;
        drop(sync);
        release_free_memory();
        Ok(())
    }

    /// Catches up with bookings changed since the last reload (by other instances, the
    /// worker, the command line), reading only those; every [`FULL_RELOAD_EVERY`] times (or
    /// before any full reload) it reads everything instead, which also forgets bookings
    /// long past.
    pub async fn sync_busy(&self) -> Result<(), StoreError> {
        let mut sync = self.busy.sync.lock().await;
        let since = match sync.since {
            Some(since) if sync.incremental < FULL_RELOAD_EVERY => since,
            _ => {
                drop(sync);
                return self.reload_busy().await;
            }
        };
        let now = self.clock.now().as_second();
        // Streamed and applied a few hundred at a time: a burst of bookings (most of them
        // written by this process and already held) is never one list in memory.
        let busy = &self.busy;
        let mut changes = Vec::with_capacity(CHANGE_BATCH);
        self.store
            .for_each_booking_changed_since(&self.host_id, since, &mut |booking, active| {
                changes.push((booking, active));
                if changes.len() == CHANGE_BATCH {
                    busy.apply_changes(&changes);
                    changes.clear();
                }
            })
            .await?;
        busy.apply_changes(&changes);
        sync.since = Some(since.max(now - CHANGE_SLACK_SECONDS));
        sync.incremental += 1;
        drop(sync);
        release_free_memory();
        Ok(())
    }

    /// Reloads busy time (and event types changed elsewhere) every `period` until the
    /// process ends.
    pub fn spawn_busy_refresh(&self, period: Duration) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker.tick().await;
            loop {
                let tick = tokio::select! {
                    _ = ticker.tick() => true,
                    _ = state.busy_changed.notified() => false,
                };
                if tick {
                    // Event types edited on another instance.
                    if let Err(err) = state
                        .catalog
                        .refresh(state.store.as_ref(), &state.config)
                        .await
                    {
                        tracing::warn!(error = %err, "event type reload failed");
                    }
                }
                if let Err(err) = state.sync_busy().await {
                    tracing::warn!(error = %err, "busy time reload failed");
                }
            }
        });
    }
}

/// Hands memory freed by reloads back to the system (after each, so every
/// `busy_refresh_seconds`; it takes about a millisecond). glibc keeps freed memory in its
/// per-thread arenas (the database reads run on their own threads): with 100,000 bookings
/// ~20 MiB freed after start-up stayed resident for good. A no-op with other C libraries.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own heaps and takes their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A short, non-reversible tag for an address, so logs can correlate without storing IPs.
pub fn hash_ip(ip: std::net::IpAddr) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(ip.to_string().as_bytes());
    digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
