//! The state every request handler shares: the domain service plus what only the edge
//! needs (templates, rate limits, signed links, metrics).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::http::HeaderMap;
use openslot_store::{Store, StoreError};

use crate::{
    busy_cache::BookedTime,
    clock::Clock,
    config::Config,
    domain::Domain,
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
    /// The host's bookings as busy time (also the domain's [`crate::domain::BusySource`]).
    pub busy: Arc<BookedTime>,
    pub clock: Arc<dyn Clock>,
    /// The host every booking belongs to (one host until teams arrive).
    pub host_id: Arc<str>,
    /// Every booking operation.
    pub domain: Domain,
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
    /// Connected calendars: sync, stored busy time, health, "sync now".
    pub calendars: Arc<crate::calendars::Calendars>,
    /// Daily funnel counts waiting to be written.
    pub funnel: Arc<crate::funnel::Funnel>,
    /// Sign-in attempts per client address.
    pub login_limiter: Arc<RateLimiter>,
    /// Failed sign-ins per (account, client address).
    pub login_throttle: Arc<crate::admin::throttle::LoginThrottle>,
    /// Seals secrets at rest (calendar passwords, OAuth tokens, webhook signing secrets).
    pub credentials: Arc<crate::credentials::Credentials>,
}

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

    /// Reloads the host's busy time from the store (every active booking).
    pub async fn reload_busy(&self) -> Result<(), StoreError> {
        self.busy.reload().await
    }

    /// Catches up with bookings changed elsewhere since the last reload.
    pub async fn sync_busy(&self) -> Result<(), StoreError> {
        self.busy.sync().await
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

/// A short, non-reversible tag for an address, so logs can correlate without storing IPs.
pub fn hash_ip(ip: std::net::IpAddr) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(ip.to_string().as_bytes());
    digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
