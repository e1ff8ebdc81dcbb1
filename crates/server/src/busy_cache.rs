//! The host's busy time held in memory, so computing availability reads no database.
//! Updated after each booking this process commits and reloaded periodically (and after a
//! conflict) to see writes from elsewhere. The database stays the judge of conflicts; this
//! cache only decides what is offered.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use jiff::Timestamp;
use openslot_engine::BusyTimes;
use openslot_store::ActiveBooking;

/// An immutable view of busy time, shared by concurrent requests.
#[derive(Debug, Default)]
pub struct BusySnapshot {
    /// Held ranges (buffers included) of active bookings, merged for the engine.
    pub busy: BusyTimes,
    /// Held ranges as stored, sorted by start.
    spans: Vec<(i64, i64)>,
    /// Starts of active bookings per event type (for daily caps).
    starts_by_event: HashMap<String, Vec<Timestamp>>,
}

impl BusySnapshot {
    fn build(mut spans: Vec<(i64, i64)>, starts_by_event: HashMap<String, Vec<Timestamp>>) -> Self {
        spans.sort_unstable();
        BusySnapshot {
            busy: BusyTimes::from_seconds(spans.iter().copied()),
            spans,
            starts_by_event,
        }
    }

    /// Busy time without one held range (a booking that is moving may overlap its old time).
    pub fn busy_without(&self, span: (i64, i64)) -> BusyTimes {
        let mut skipped = false;
        BusyTimes::from_seconds(self.spans.iter().copied().filter(|existing| {
            if !skipped && *existing == span {
                skipped = true;
                false
            } else {
                true
            }
        }))
    }

    /// Starts of active bookings of one event type.
    pub fn starts_of(&self, event_slug: &str) -> &[Timestamp] {
        self.starts_by_event
            .get(event_slug)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Shared, swappable busy snapshot.
#[derive(Debug, Default)]
pub struct BusyCache {
    current: RwLock<Arc<BusySnapshot>>,
}

impl BusyCache {
    /// The current snapshot (cheap: one reference count).
    pub fn snapshot(&self) -> Arc<BusySnapshot> {
        self.current.read().expect("busy cache lock").clone()
    }

    /// Replaces everything with the active bookings just read from the store.
    pub fn replace(&self, bookings: &[ActiveBooking]) {
        let mut starts: HashMap<String, Vec<Timestamp>> = HashMap::new();
        let spans = bookings
            .iter()
            .map(|booking| {
                starts
                    .entry(booking.event_slug.clone())
                    .or_default()
                    .push(booking.start);
                (booking.blocked_start, booking.blocked_end)
            })
            .collect();
        *self.current.write().expect("busy cache lock") =
            Arc::new(BusySnapshot::build(spans, starts));
    }

    /// Adds one booking just committed.
    pub fn add(&self, booking: &ActiveBooking) {
        let mut guard = self.current.write().expect("busy cache lock");
        let mut spans = guard.spans.clone();
        let span = (booking.blocked_start, booking.blocked_end);
        let position = spans.partition_point(|existing| *existing < span);
        spans.insert(position, span);
        let mut starts = guard.starts_by_event.clone();
        starts
            .entry(booking.event_slug.clone())
            .or_default()
            .push(booking.start);
        *guard = Arc::new(BusySnapshot::build(spans, starts));
    }
}
