//! The state every request handler shares.

use std::{sync::Arc, time::Duration};

use openslot_store::{Store, StoreError};

use crate::{busy_cache::BusyCache, catalog::Catalog, clock::Clock, config::Config};

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub catalog: Arc<Catalog>,
    pub store: Arc<dyn Store>,
    pub busy: Arc<BusyCache>,
    pub clock: Arc<dyn Clock>,
    /// The host every booking belongs to (one host until teams arrive).
    pub host_id: Arc<str>,
}

/// How far back the busy cache looks: bookings that ended before this are irrelevant to
/// availability.
const BUSY_HORIZON_SECONDS: i64 = 2 * 86_400;

impl AppState {
    /// Reloads the host's busy time from the store.
    pub async fn reload_busy(&self) -> Result<(), StoreError> {
        let after = self.clock.now().as_second() - BUSY_HORIZON_SECONDS;
        let bookings = self.store.active_bookings(&self.host_id, after).await?;
        self.busy.replace(&bookings);
        Ok(())
    }

    /// Reloads busy time every `period` until the process ends.
    pub fn spawn_busy_refresh(&self, period: Duration) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker.tick().await;
            loop {
                ticker.tick().await;
                if let Err(err) = state.reload_busy().await {
                    tracing::warn!(error = %err, "busy time reload failed");
                }
            }
        });
    }
}
