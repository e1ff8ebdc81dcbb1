//! Daily funnel counters (booking page views, availability loads, booking attempts per
//! event type), counted in memory on the request path and added to the database in one
//! transaction every few seconds and at shutdown, so dashboards can show any date range
//! across restarts and instances. Bookings created and confirmed come from the bookings
//! themselves, not from these counters.

use std::{collections::HashMap, sync::Mutex};

use jiff::{tz::TimeZone, Timestamp};
use openslot_store::{CounterDelta, Store, StoreError};

/// The counted steps.
pub const PAGE_VIEW: &str = "page_view";
pub const AVAILABILITY: &str = "availability";
pub const ATTEMPT: &str = "attempt";
/// A routing form submission, counted under `FORM/ROUTE` (`routing::counter_key`).
pub const ROUTED: &str = "routed";

/// Counts not yet written.
#[derive(Default)]
pub struct Funnel {
    pending: Mutex<HashMap<(String, String, &'static str), i64>>,
}

/// `YYYY-MM-DD` of `at` in `zone`.
pub fn day_of(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned_datetime(zone.clone()).date().to_string()
}

impl Funnel {
    /// Counts one `metric` for `event_slug` on the day of `at` in `zone`.
    pub fn count(&self, metric: &'static str, event_slug: &str, at: Timestamp, zone: &TimeZone) {
        let key = (day_of(at, zone), event_slug.to_string(), metric);
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        *pending.entry(key).or_insert(0) += 1;
    }

    /// Writes pending counts; on failure they are kept for the next flush.
    pub async fn flush(&self, store: &dyn Store) -> Result<(), StoreError> {
        let taken: Vec<((String, String, &'static str), i64)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain().collect()
        };
        if taken.is_empty() {
            return Ok(());
        }
        let deltas: Vec<CounterDelta> = taken
            .iter()
            .map(|((day, slug, metric), count)| CounterDelta {
                day: day.clone(),
                event_slug: slug.clone(),
                metric: (*metric).to_string(),
                count: *count,
            })
            .collect();
        if let Err(err) = store.add_counters(&deltas).await {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            for (key, count) in taken {
                *pending.entry(key).or_insert(0) += count;
            }
            return Err(err);
        }
        Ok(())
    }
}
