//! The busy-time seam: where a host's busy time comes from. Today that is the hosts'
//! bookings, held in memory ([`crate::busy_cache::BookedTime`]); calendar connections
//! will be further sources of the same shape.

use jiff::Timestamp;
use openslot_engine::{BusyTimes, Lookup};
use openslot_store::Booking;

use super::hosts::HostId;

/// What a request needs to know of one host: busy time, and the starts of the host's
/// bookings (for daily caps), within a [`Lookup`].
#[derive(Debug, Default)]
pub struct BusyView {
    pub busy: BusyTimes,
    pub starts: Vec<Timestamp>,
}

/// One booking's hold to leave out of a view (a booking that is moving may overlap its old
/// time and does not count against its own day).
#[derive(Clone, Copy, Debug)]
pub struct Without {
    pub span: (i64, i64),
    pub start: Timestamp,
}

impl Without {
    /// The hold of `booking`.
    pub fn booking(booking: &Booking) -> Without {
        Without {
            span: (booking.blocked_start, booking.blocked_end),
            start: booking.start,
        }
    }
}

/// Busy time of hosts, read without waiting on anything remote (a request computes
/// availability from it). The database stays the judge of conflicts: a view that is a
/// little behind costs a refused booking, never a double one.
#[async_trait::async_trait]
pub trait BusySource: Send + Sync {
    /// `host`'s busy time within `lookup.busy` and the starts of the host's bookings
    /// within `lookup.starts` (of `event` only, or of every event type when `None`: the
    /// host's own daily cap counts them all); without one hold, if given.
    fn view(
        &self,
        host: &HostId,
        lookup: &Lookup,
        event: Option<&str>,
        without: Option<Without>,
    ) -> BusyView;

    /// Starts of `event`'s active bookings within `[range.0, range.1)`, whichever hosts
    /// they hold, each booking once (an event type's daily cap counts bookings).
    fn event_starts(
        &self,
        event: &str,
        range: (i64, i64),
        without: Option<Without>,
    ) -> Vec<Timestamp>;

    /// A booking as this process just committed it (held while active).
    fn record(&self, booking: &Booking);

    /// Catches up with the store after it refused time this source thought free. Failures
    /// are logged, not returned: the periodic refresh catches up.
    async fn refresh(&self);
}
