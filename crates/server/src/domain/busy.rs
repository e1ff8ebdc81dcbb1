//! The busy-time seam: where a host's busy time comes from — the hosts' bookings and the
//! busy time imported from their calendars, held in memory
//! ([`crate::busy_cache::BookedTime`]) — and the last look at a host's calendars just before
//! a booking is committed ([`BusyVerifier`]).

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

    /// Whether `host`'s calendars (as last imported) keep it from `span`, or its stale
    /// calendar data closes it. The database knows only bookings: a host it may hold
    /// although this process thought it busy must not be one its calendar says is busy.
    fn calendar_busy(&self, _host: &HostId, _span: (i64, i64)) -> bool {
        false
    }

    /// Catches up with the store after it refused time this source thought free. Failures
    /// are logged, not returned: the periodic refresh catches up.
    async fn refresh(&self);
}

/// What a host's calendars say about a span when asked just before a booking commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    /// Nothing there: book.
    Free,
    /// Something there (imported busy time may be behind): refuse, as if the database had.
    Busy,
    /// The calendars could not be read in time: book on the busy time already imported,
    /// which offered the time (an unreachable calendar must not stop every booking).
    Unknown,
}

/// The last look at a host's calendars before a booking holds the host: busy time is
/// imported in the background, so an event added since the last sync is caught here.
/// Implementations bound their own time (`[calendars] verify_timeout_ms`) and answer
/// [`Verified::Unknown`] rather than wait longer.
#[async_trait::async_trait]
pub trait BusyVerifier: Send + Sync {
    /// Whether `host` is free in its calendars for `span` (`[start, end)` Unix seconds,
    /// the booking's held range, buffers included). Events the service wrote itself for
    /// bookings are not busy time.
    async fn verify(&self, host: &HostId, span: (i64, i64)) -> Verified;
}

/// No calendars connected: every host is free as far as calendars go.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCalendars;

#[async_trait::async_trait]
impl BusyVerifier for NoCalendars {
    async fn verify(&self, _host: &HostId, _span: (i64, i64)) -> Verified {
        Verified::Free
    }
}
