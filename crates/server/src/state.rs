//! The state every request handler shares.

use std::{net::SocketAddr, sync::Arc, time::Duration};

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
}

/// How far back the busy cache looks: bookings that ended before this are irrelevant to
/// availability.
const BUSY_HORIZON_SECONDS: i64 = 2 * 86_400;

impl AppState {
    /// Counts a funnel step for an event type, on today's date in the host's zone.
    pub fn count_funnel(&self, metric: &'static str, event: &crate::catalog::EventType) {
        self.funnel
            .count(metric, &event.slug, self.clock.now(), &self.host_zone());
    }

    /// The host's zone (for dashboards): `[defaults] timezone`.
    pub fn host_zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.config.defaults.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Counts one public write from the client behind `peer`; 429 when over the limit.
    pub fn check_rate(&self, peer: SocketAddr, headers: &HeaderMap) -> Result<(), ApiError> {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        let client = client_ip(peer.ip(), forwarded, &self.trusted_proxies);
        self.limiter
            .check(client, std::time::Instant::now())
            .map_err(|wait| {
                tracing::info!(client_hash = %hash_ip(client), "rate limited");
                ApiError::rate_limited(wait)
            })
    }

    /// The URL the invitee manages `booking` at.
    pub fn manage_url(&self, booking: &openslot_store::Booking) -> String {
        crate::links::manage_url(&self.config.public_url(), &self.signer, booking)
    }

    /// Reloads busy time after a change, logging (not failing) if the store is unavailable:
    /// the periodic refresh catches up, and the database still decides conflicts.
    pub async fn refresh_busy(&self) {
        if let Err(err) = self.reload_busy().await {
            tracing::warn!(error = %err, "busy time reload failed");
        }
    }

    /// Reloads the host's busy time from the store.
    pub async fn reload_busy(&self) -> Result<(), StoreError> {
        let after = self.clock.now().as_second() - BUSY_HORIZON_SECONDS;
        let bookings = self.store.active_bookings(&self.host_id, after).await?;
        self.busy.replace(&bookings);
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
                state.refresh_busy().await;
            }
        });
    }
}

/// A short, non-reversible tag for an address, so logs can correlate without storing IPs.
fn hash_ip(ip: std::net::IpAddr) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(ip.to_string().as_bytes());
    digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
