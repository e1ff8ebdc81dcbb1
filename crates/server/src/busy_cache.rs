//! The hosts' busy time held in memory, so computing availability reads no database.
//! Updated after each change this process commits and reloaded periodically (and after a
//! conflict) to see writes from elsewhere. The database stays the judge of conflicts; this
//! cache only decides what is offered.
//!
//! Held ranges and starts are kept in ordered maps, so a booking is an `O(log n)` insert
//! and a request copies out only the stretch of time its answer depends on
//! ([`openslot_engine::Lookup`]): its cost does not grow with the bookings stored.
//!
//! Busy time imported from the hosts' calendars is a second layer beside the bookings
//! ([`BusyCache::install_calendar`]), replaced per host as a whole by whoever syncs it and
//! never touched by booking reloads; a host whose calendar data is stale offers nothing
//! when `[calendars] on_stale = "close"` ([`StalePolicy`]).

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{atomic::Ordering, Arc, RwLock},
};

use jiff::Timestamp;
use openslot_engine::{BusyTimes, Lookup};
use openslot_store::{ActiveBooking, Booking, Store, StoreError};

use crate::{
    clock::Clock,
    domain::{BusySource, HostId},
};

/// What one active booking holds.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    /// Held range, buffers included (Unix seconds).
    span: (i64, i64),
    /// Start of the meeting (Unix seconds).
    start: i64,
    event: Arc<str>,
}

/// A multiset of ordered keys.
type Counted<K> = BTreeMap<K, u32>;

fn count_in<K: Ord>(map: &mut Counted<K>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

fn count_out<K: Ord>(map: &mut Counted<K>, key: &K) {
    if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

/// A copy of the host's busy time being built (by [`BusyCache::install`]'s caller).
#[derive(Debug, Default)]
pub struct Index {
    /// Active bookings by id.
    held: HashMap<Box<str>, Held>,
    /// Held ranges as `(start, end)`, ordered by start.
    spans: Counted<(i64, i64)>,
    /// The longest held range ever added: a range overlapping `t` starts after
    /// `t - longest`. (Never shrinks before the next full reload; a bound is all it is.)
    longest: i64,
    /// Meeting starts per event type.
    starts: HashMap<Arc<str>, Counted<i64>>,
}

impl Index {
    fn event_name(&self, slug: &str) -> Arc<str> {
        self.starts
            .get_key_value(slug)
            .map(|(name, _)| name.clone())
            .unwrap_or_else(|| Arc::from(slug))
    }

    /// Adds (or updates) one active booking.
    pub fn insert(&mut self, booking: &ActiveBooking) {
        let held = Held {
            span: (booking.blocked_start, booking.blocked_end),
            start: booking.start.as_second(),
            event: self.event_name(&booking.event_slug),
        };
        if self.held.get(booking.id.as_str()) == Some(&held) {
            return;
        }
        self.remove(&booking.id);
        count_in(&mut self.spans, held.span);
        self.longest = self.longest.max(held.span.1 - held.span.0);
        count_in(
            self.starts.entry(held.event.clone()).or_default(),
            held.start,
        );
        self.held.insert(booking.id.as_str().into(), held);
    }

    fn remove(&mut self, id: &str) {
        let Some(held) = self.held.remove(id) else {
            return;
        };
        count_out(&mut self.spans, &held.span);
        if let Some(starts) = self.starts.get_mut(&held.event) {
            count_out(starts, &held.start);
        }
    }

    /// Held ranges overlapping `[from, to)`, in start order, each as often as it is held.
    fn spans_overlapping(&self, (from, to): (i64, i64)) -> impl Iterator<Item = (i64, i64)> + '_ {
        let first = (from.saturating_sub(self.longest), i64::MIN);
        let range = if first.0 < to {
            self.spans.range(first..(to, i64::MIN))
        } else {
            self.spans.range(first..first)
        };
        range
            .filter(move |(span, _)| span.1 > from && span.0 < to)
            .flat_map(|(span, count)| std::iter::repeat_n(*span, *count as usize))
    }
}

pub use crate::domain::busy::{BusyView, Without};

impl Index {
    /// Held ranges overlapping `busy`, without one hold if given.
    fn spans_without(&self, busy: (i64, i64), without: Option<Without>) -> Vec<(i64, i64)> {
        let mut skip_span = without.map(|without| without.span);
        self.spans_overlapping(busy)
            .filter(|span| {
                if skip_span == Some(*span) {
                    skip_span = None;
                    false
                } else {
                    true
                }
            })
            .collect()
    }

    /// Meeting starts within `[from, to)`, of `event` or of every event type, ascending.
    fn starts_within(
        &self,
        (from, to): (i64, i64),
        event: Option<&str>,
        without: Option<Without>,
    ) -> Vec<Timestamp> {
        if from >= to {
            return Vec::new();
        }
        let mut found: Vec<i64> = Vec::new();
        let mut collect = |starts: &Counted<i64>| {
            found.extend(
                starts
                    .range(from..to)
                    .flat_map(|(start, count)| std::iter::repeat_n(*start, *count as usize)),
            )
        };
        match event {
            Some(event) => {
                if let Some(starts) = self.starts.get(event) {
                    collect(starts);
                }
            }
            None => {
                for starts in self.starts.values() {
                    collect(starts);
                }
                found.sort_unstable();
            }
        }
        if let Some(skip) = without.map(|without| without.start.as_second()) {
            if let Some(at) = found.iter().position(|start| *start == skip) {
                found.remove(at);
            }
        }
        found
            .into_iter()
            .filter_map(|start| Timestamp::from_second(start).ok())
            .collect()
    }
}

/// Busy time of every host, and the starts of every event type's bookings (each booking
/// once, however many hosts it holds: event-type daily caps count bookings).
#[derive(Debug, Default)]
pub struct Indexes {
    hosts: HashMap<Box<str>, Index>,
    bookings: Index,
}

impl Indexes {
    /// Adds (or updates) `host`'s hold of one active booking.
    pub fn insert(&mut self, host: &str, booking: &ActiveBooking) {
        match self.hosts.get_mut(host) {
            Some(index) => index.insert(booking),
            None => {
                let mut index = Index::default();
                index.insert(booking);
                self.hosts.insert(host.into(), index);
            }
        }
        self.bookings.insert(booking);
    }

    /// Drops `host`'s hold of a booking (and the booking, which ends all its holds at once).
    pub fn remove(&mut self, host: &str, id: &str) {
        if let Some(index) = self.hosts.get_mut(host) {
            index.remove(id);
        }
        self.bookings.remove(id);
    }
}

/// What a host whose calendar data is stale offers (`[calendars] on_stale`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StalePolicy {
    /// Offer times from the last busy time known (an outage never closes a calendar).
    #[default]
    Keep,
    /// Offer no times for that host until its calendars are read again.
    Close,
}

/// Busy time imported from the hosts' calendars, apart from their bookings: bookings
/// reload on their own schedule and must not drop it, and it is replaced per host as a
/// whole (a sync reads a host's calendars, not single bookings).
#[derive(Debug, Default)]
struct CalendarLayer {
    /// Each host's busy spans `(start, end)`, merged: disjoint, in order, not touching.
    /// Ends are then in order too, so the spans overlapping a range are found by binary
    /// search.
    hosts: HashMap<Box<str>, Vec<(i64, i64)>>,
    /// Hosts whose calendar data is older than `stale_after_minutes`.
    stale: HashSet<Box<str>>,
    policy: StalePolicy,
}

/// `spans` sorted and merged (empty ones dropped; overlapping or touching ones joined).
fn merged(spans: impl IntoIterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = spans.into_iter().filter(|(s, e)| s < e).collect();
    spans.sort_unstable();
    spans.dedup_by(|next, kept| {
        let joins = next.0 <= kept.1;
        if joins {
            kept.1 = kept.1.max(next.1);
        }
        joins
    });
    spans.shrink_to_fit();
    spans
}

impl CalendarLayer {
    /// `host`'s calendar spans overlapping `[from, to)`, in order.
    fn overlapping(&self, host: &str, (from, to): (i64, i64)) -> &[(i64, i64)] {
        let Some(spans) = self.hosts.get(host).filter(|_| from < to) else {
            return &[];
        };
        let first = spans.partition_point(|span| span.1 <= from);
        let last = first + spans[first..].partition_point(|span| span.0 < to);
        &spans[first..last]
    }

    /// Whether a stale host offers nothing.
    fn closed(&self, host: &str) -> bool {
        self.policy == StalePolicy::Close && self.stale.contains(host)
    }
}

/// Shared busy time of the hosts.
#[derive(Debug, Default)]
pub struct BusyCache {
    index: RwLock<Indexes>,
    calendar: RwLock<CalendarLayer>,
    /// Held while reloading, so reloads apply in order.
    pub sync: tokio::sync::Mutex<Sync>,
    /// Full reloads begun (each takes the next number, under `sync`).
    pub reloads_started: std::sync::atomic::AtomicU64,
}

/// Where the last reload left off.
#[derive(Debug, Default)]
pub struct Sync {
    /// Changes stamped at or after this (Unix seconds) are to be read again.
    pub since: Option<i64>,
    /// Incremental reloads since the last full one.
    pub incremental: u32,
    /// The number of the last full reload that finished.
    pub reloaded: u64,
}

impl BusyCache {
    /// `host`'s busy time within `lookup.busy` and the starts of the host's bookings
    /// within `lookup.starts` (of `event`, or of every event type); without one hold (a
    /// booking's hold only: calendar busy time is never left out).
    ///
    /// A host closed for stale calendar data is busy for the whole of `lookup.busy`.
    pub fn view(
        &self,
        host: &str,
        lookup: &Lookup,
        event: Option<&str>,
        without: Option<Without>,
    ) -> BusyView {
        let (mut spans, starts) = {
            let indexes = self.index.read().expect("busy cache lock");
            match indexes.hosts.get(host) {
                Some(index) => (
                    index.spans_without(lookup.busy, without),
                    index.starts_within(lookup.starts, event, without),
                ),
                None => (Vec::new(), Vec::new()),
            }
        };
        {
            let calendar = self.calendar.read().expect("busy cache lock");
            if calendar.closed(host) {
                spans.clear();
                spans.push(lookup.busy);
            } else {
                spans.extend_from_slice(calendar.overlapping(host, lookup.busy));
            }
        }
        BusyView {
            busy: BusyTimes::from_seconds(spans),
            starts,
        }
    }

    /// Replaces `host`'s calendar busy time with `spans` (`(start, end)` Unix seconds, in
    /// any order, overlapping or not); no spans forget the host's calendar busy time.
    pub fn install_calendar(&self, host: &str, spans: impl IntoIterator<Item = (i64, i64)>) {
        // Sorted outside the lock: requests wait only for the swap.
        let spans = merged(spans);
        let old = {
            let mut calendar = self.calendar.write().expect("busy cache lock");
            if spans.is_empty() {
                calendar.hosts.remove(host)
            } else {
                calendar.hosts.insert(host.into(), spans)
            }
        };
        drop(old); // outside the lock
    }

    /// Replaces every host's calendar busy time: the hosts in `hosts` get their spans,
    /// every other host has none.
    pub fn replace_calendars(&self, hosts: impl IntoIterator<Item = (String, Vec<(i64, i64)>)>) {
        let mut fresh: HashMap<Box<str>, Vec<(i64, i64)>> = HashMap::new();
        for (host, spans) in hosts {
            fresh.entry(host.into()).or_default().extend(spans);
        }
        let fresh: HashMap<Box<str>, Vec<(i64, i64)>> = fresh
            .into_iter()
            .map(|(host, spans)| (host, merged(spans)))
            .filter(|(_, spans)| !spans.is_empty())
            .collect();
        let old = std::mem::replace(
            &mut self.calendar.write().expect("busy cache lock").hosts,
            fresh,
        );
        drop(old); // outside the lock
    }

    /// `host`'s calendar busy spans overlapping `[from, to)`, merged, in order.
    pub fn calendar_spans(&self, host: &str, range: (i64, i64)) -> Vec<(i64, i64)> {
        let calendar = self.calendar.read().expect("busy cache lock");
        calendar.overlapping(host, range).to_vec()
    }

    /// Whether `host`'s calendars keep it from `[from, to)`: busy there as last read, or
    /// closed for stale data. (Bookings are not looked at: the database judges those.)
    pub fn calendar_busy(&self, host: &str, range: (i64, i64)) -> bool {
        let calendar = self.calendar.read().expect("busy cache lock");
        calendar.closed(host) || !calendar.overlapping(host, range).is_empty()
    }

    /// Marks `host`'s calendar data stale (older than `stale_after_minutes`) or fresh again.
    pub fn set_calendar_stale(&self, host: &str, stale: bool) {
        let mut calendar = self.calendar.write().expect("busy cache lock");
        if stale {
            calendar.stale.insert(host.into());
        } else {
            calendar.stale.remove(host);
        }
    }

    /// Whether `host`'s calendar data is marked stale.
    pub fn calendar_stale(&self, host: &str) -> bool {
        let calendar = self.calendar.read().expect("busy cache lock");
        calendar.stale.contains(host)
    }

    /// Sets what stale hosts offer (`[calendars] on_stale`; [`StalePolicy::Keep`] until set).
    pub fn set_stale_policy(&self, policy: StalePolicy) {
        self.calendar.write().expect("busy cache lock").policy = policy;
    }

    /// What stale hosts offer.
    pub fn stale_policy(&self) -> StalePolicy {
        self.calendar.read().expect("busy cache lock").policy
    }

    /// Starts of `event`'s active bookings within `[from, to)`, each booking once.
    pub fn event_starts(
        &self,
        event: &str,
        range: (i64, i64),
        without: Option<Without>,
    ) -> Vec<Timestamp> {
        let indexes = self.index.read().expect("busy cache lock");
        indexes.bookings.starts_within(range, Some(event), without)
    }

    /// Replaces everything with the active holds `(host, booking)` just read from the store.
    pub fn replace(&self, holds: &[(String, ActiveBooking)]) {
        let mut fresh = Indexes::default();
        for (host, booking) in holds {
            fresh.insert(host, booking);
        }
        self.install(fresh);
    }

    /// Replaces everything with a copy built from the store.
    pub fn install(&self, fresh: Indexes) {
        let old = std::mem::replace(&mut *self.index.write().expect("busy cache lock"), fresh);
        drop(old); // outside the lock
    }

    /// Applies `host`'s holds as they are now (active ones held, others dropped).
    pub fn apply_changes(&self, host: &str, changes: &[(ActiveBooking, bool)]) {
        let mut index = self.index.write().expect("busy cache lock");
        for (booking, active) in changes {
            if *active {
                index.insert(host, booking);
            } else {
                index.remove(host, &booking.id);
            }
        }
    }

    /// Adds (or updates) `host`'s hold of an active booking just committed.
    pub fn add(&self, host: &str, booking: &ActiveBooking) {
        self.index
            .write()
            .expect("busy cache lock")
            .insert(host, booking);
    }

    /// Drops `host`'s hold of a booking that no longer holds its time.
    pub fn remove(&self, host: &str, id: &str) {
        self.index
            .write()
            .expect("busy cache lock")
            .remove(host, id);
    }

    /// Records a booking as it is now, for every host it holds: held while active,
    /// dropped otherwise.
    pub fn apply(&self, booking: &openslot_store::Booking) {
        let active = ActiveBooking {
            id: booking.id.clone(),
            event_slug: booking.event_slug.clone(),
            start: booking.start,
            blocked_start: booking.blocked_start,
            blocked_end: booking.blocked_end,
        };
        let single = [booking.host_id.clone()];
        let hosts = if booking.hosts.is_empty() {
            &single[..]
        } else {
            &booking.hosts[..]
        };
        let mut index = self.index.write().expect("busy cache lock");
        for host in hosts {
            if booking.status.is_active() {
                index.insert(host, &active);
            } else {
                index.remove(host, &booking.id);
            }
        }
    }

    /// Number of active holds (a booking holding two hosts counts twice).
    pub fn len(&self) -> usize {
        let indexes = self.index.read().expect("busy cache lock");
        indexes.hosts.values().map(|index| index.held.len()).sum()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How far back busy time looks: bookings that ended before this are irrelevant to
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

/// Reads the ids of the hosts whose busy time is kept, as they are now.
pub type HostList = Arc<dyn Fn() -> Vec<String> + Send + std::marker::Sync>;

/// The hosts' bookings as their busy time: the [`BusySource`] of bookings, kept in a
/// [`BusyCache`] and synchronised with the store.
pub struct BookedTime {
    pub cache: BusyCache,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// The hosts whose changes an incremental reload reads (a full reload reads every
    /// host's holds).
    hosts: HostList,
}

impl BookedTime {
    /// Busy time of the hosts `hosts()` names when it is called (the host directory can
    /// change while the process runs).
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, hosts: HostList) -> Self {
        BookedTime {
            cache: BusyCache::default(),
            store,
            clock,
            hosts,
        }
    }

    /// Reloads every host's busy time from the store (every active hold).
    pub async fn reload(&self) -> Result<(), StoreError> {
        let busy = &self.cache;
        let mut sync = busy.sync.lock().await;
        let ticket = busy.reloads_started.fetch_add(1, Ordering::AcqRel) + 1;
        let now = self.clock.now().as_second();
        let after = now - BUSY_HORIZON_SECONDS;
        // Streamed into the new copy: no list of every booking is held on the way.
        let mut fresh = Indexes::default();
        self.store
            .for_each_active_hold(after, &mut |host, booking| fresh.insert(&host, &booking))
            .await?;
        busy.install(fresh);
        sync.since = Some(now - CHANGE_SLACK_SECONDS);
        sync.incremental = 0;
        sync.reloaded = ticket;
        drop(sync);
        release_free_memory();
        Ok(())
    }

    /// Catches up with bookings changed since the last reload (by other instances, the
    /// worker, the command line), reading only those, host by host: a change to a booking
    /// reaches every host it holds. Every [`FULL_RELOAD_EVERY`] times (or before any full
    /// reload) it reads everything instead, which also forgets bookings long past.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let busy = &self.cache;
        let mut sync = busy.sync.lock().await;
        let since = match sync.since {
            Some(since) if sync.incremental < FULL_RELOAD_EVERY => since,
            _ => {
                drop(sync);
                return self.reload().await;
            }
        };
        let now = self.clock.now().as_second();
        for host in (self.hosts)() {
            // Streamed and applied a few hundred at a time: a burst of bookings (most of
            // them written by this process and already held) is never one list in memory.
            let mut changes = Vec::with_capacity(CHANGE_BATCH);
            self.store
                .for_each_booking_changed_since(&host, since, &mut |booking, active| {
                    changes.push((booking, active));
                    if changes.len() == CHANGE_BATCH {
                        busy.apply_changes(&host, &changes);
                        changes.clear();
                    }
                })
                .await?;
            busy.apply_changes(&host, &changes);
        }
        sync.since = Some(since.max(now - CHANGE_SLACK_SECONDS));
        sync.incremental += 1;
        drop(sync);
        release_free_memory();
        Ok(())
    }
}

#[async_trait::async_trait]
impl BusySource for BookedTime {
    fn view(
        &self,
        host: &HostId,
        lookup: &Lookup,
        event: Option<&str>,
        without: Option<Without>,
    ) -> BusyView {
        self.cache.view(host.as_str(), lookup, event, without)
    }

    fn event_starts(
        &self,
        event: &str,
        range: (i64, i64),
        without: Option<Without>,
    ) -> Vec<Timestamp> {
        self.cache.event_starts(event, range, without)
    }

    fn record(&self, booking: &Booking) {
        self.cache.apply(booking);
    }

    fn calendar_busy(&self, host: &HostId, span: (i64, i64)) -> bool {
        self.cache.calendar_busy(host.as_str(), span)
    }

    /// A full reload, logging (not failing) if the store is unavailable: the periodic
    /// refresh catches up, and the database still decides conflicts.
    ///
    /// Conflicts that come together share one reload: a caller that finds a reload begun
    /// after it asked, and finished, while it waited for its turn has nothing left to read.
    async fn refresh(&self) {
        let asked = self.cache.reloads_started.load(Ordering::Acquire);
        let sync = self.cache.sync.lock().await;
        if sync.reloaded > asked {
            return;
        }
        drop(sync);
        if let Err(err) = self.reload().await {
            tracing::warn!(error = %err, "busy time reload failed");
        }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn booking(
        id: u8,
        event: u8,
        start: i64,
        before: i64,
        length: i64,
        after: i64,
    ) -> ActiveBooking {
        ActiveBooking {
            id: format!("b{id}"),
            event_slug: format!("e{event}"),
            start: Timestamp::from_second(start).unwrap(),
            blocked_start: start - before,
            blocked_end: start + length + after,
        }
    }

    /// The cache as it was: every span and start, rebuilt in full, one hold skipped (a
    /// booking's: calendar spans always count).
    fn simple(
        bookings: &BTreeMap<String, ActiveBooking>,
        calendar: &[(i64, i64)],
        event: &str,
        without: Option<Without>,
    ) -> (BusyTimes, Vec<i64>) {
        let mut spans: Vec<(i64, i64)> = bookings
            .values()
            .map(|booking| (booking.blocked_start, booking.blocked_end))
            .collect();
        let mut starts: Vec<i64> = bookings
            .values()
            .filter(|booking| booking.event_slug == event)
            .map(|booking| booking.start.as_second())
            .collect();
        if let Some(without) = without {
            if let Some(at) = spans.iter().position(|span| *span == without.span) {
                spans.remove(at);
            }
            if let Some(at) = starts.iter().position(|s| *s == without.start.as_second()) {
                starts.remove(at);
            }
        }
        starts.sort_unstable();
        spans.extend_from_slice(calendar);
        (BusyTimes::from_seconds(spans), starts)
    }

    /// Merged busy time cut to `[from, to)`: two values are equal exactly when every
    /// interval inside `[from, to)` overlaps both or neither.
    fn clipped(busy: &BusyTimes, (from, to): (i64, i64)) -> Vec<(i64, i64)> {
        busy.spans()
            .iter()
            .filter(|span| span.1 > from && span.0 < to)
            .map(|span| (span.0.max(from), span.1.min(to)))
            .filter(|span| span.0 < span.1)
            .collect()
    }

    #[derive(Clone, Debug)]
    enum Step {
        Add(u8, u8, i64, i64, i64, i64),
        Remove(u8),
        Reload,
        Calendar(Vec<(i64, i64)>),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            8 => (0u8..40, 0u8..3, 0i64..20_000, 0i64..600, 1i64..3_000, 0i64..600)
                .prop_map(|(id, event, start, before, length, after)| {
                    Step::Add(id, event, start, before, length, after)
                }),
            3 => (0u8..40).prop_map(Step::Remove),
            1 => Just(Step::Reload),
            // Overlapping, nested, touching and empty spans, in any order.
            2 => prop::collection::vec((-500i64..21_000, 0i64..2_500), 0..12)
                .prop_map(|spans| Step::Calendar(
                    spans.into_iter().map(|(start, length)| (start, start + length)).collect()
                )),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn views_match_a_full_rebuild(
            steps in prop::collection::vec(step(), 0..80),
            queries in prop::collection::vec(
                (-1_000i64..22_000, 0i64..6_000, -1_000i64..22_000, 0i64..9_000, 0u8..3,
                    prop::option::of(0u8..40)),
                1..12,
            ),
        ) {
            let cache = BusyCache::default();
            let mut model: BTreeMap<String, ActiveBooking> = BTreeMap::new();
            let mut calendar: Vec<(i64, i64)> = Vec::new();
            for step in steps {
                match step {
                    Step::Add(id, event, start, before, length, after) => {
                        let new = booking(id, event, start, before, length, after);
                        cache.add("h", &new);
                        model.insert(new.id.clone(), new);
                    }
                    Step::Remove(id) => {
                        cache.remove("h", &format!("b{id}"));
                        model.remove(&format!("b{id}"));
                    }
                    Step::Reload => {
                        cache.replace(
                            &model
                                .values()
                                .map(|booking| ("h".to_string(), booking.clone()))
                                .collect::<Vec<_>>(),
                        );
                    }
                    Step::Calendar(spans) => {
                        cache.install_calendar("h", spans.iter().copied());
                        calendar = spans;
                    }
                }
            }
            prop_assert_eq!(cache.len(), model.len());
            for (busy_from, busy_length, starts_from, starts_length, event, moving) in queries {
                let lookup = Lookup {
                    busy: (busy_from, busy_from + busy_length),
                    starts: (starts_from, starts_from + starts_length),
                };
                let event = format!("e{event}");
                // A booking being moved, if that id is held.
                let without = moving
                    .and_then(|id| model.get(&format!("b{id}")))
                    .map(|booking| Without {
                        span: (booking.blocked_start, booking.blocked_end),
                        start: booking.start,
                    });
                let view = cache.view("h", &lookup, Some(&event), without);
                let (busy, starts) = simple(&model, &calendar, &event, without);
                // The calendar layer alone, as found by its binary search.
                let expected: Vec<(i64, i64)> =
                    clipped(&BusyTimes::from_seconds(calendar.iter().copied()), lookup.busy);
                let found = BusyTimes::from_seconds(cache.calendar_spans("h", lookup.busy));
                prop_assert_eq!(clipped(&found, lookup.busy), expected.clone());
                prop_assert_eq!(
                    cache.calendar_busy("h", lookup.busy),
                    !expected.is_empty()
                );
                prop_assert_eq!(clipped(&view.busy, lookup.busy), clipped(&busy, lookup.busy));
                let in_window: Vec<i64> = starts
                    .into_iter()
                    .filter(|start| (lookup.starts.0..lookup.starts.1).contains(start))
                    .collect();
                let got: Vec<i64> = view.starts.iter().map(|start| start.as_second()).collect();
                prop_assert_eq!(got, in_window);
                // Outside the lookup the view holds nothing.
                let inside = view
                    .busy
                    .spans()
                    .iter()
                    .all(|span| span.1 > lookup.busy.0 && span.0 < lookup.busy.1);
                prop_assert!(inside, "{:?} reaches outside {:?}", view.busy, lookup);
            }
        }
    }

    #[test]
    fn a_moved_booking_leaves_its_old_time() {
        let cache = BusyCache::default();
        cache.add("h", &booking(1, 0, 1_000, 0, 600, 0));
        cache.add("h", &booking(2, 0, 5_000, 60, 600, 60));
        let everything = Lookup {
            busy: (0, 10_000),
            starts: (0, 10_000),
        };
        assert_eq!(
            cache.view("h", &everything, Some("e0"), None).busy.spans(),
            [(1_000, 1_600), (4_940, 5_660)]
        );
        cache.add("h", &booking(1, 0, 2_000, 0, 600, 0));
        let view = cache.view("h", &everything, Some("e0"), None);
        assert_eq!(view.busy.spans(), [(2_000, 2_600), (4_940, 5_660)]);
        assert_eq!(view.starts.len(), 2);
        cache.remove("h", "b2");
        cache.remove("h", "b9");
        let view = cache.view("h", &everything, Some("e0"), None);
        assert_eq!(view.busy.spans(), [(2_000, 2_600)]);
        assert!(cache
            .view("h", &everything, Some("e1"), None)
            .starts
            .is_empty());
    }

    #[test]
    fn a_hold_blocks_only_its_host_and_a_team_booking_counts_once() {
        let cache = BusyCache::default();
        let everything = Lookup {
            busy: (0, 10_000),
            starts: (0, 10_000),
        };
        cache.add("ada", &booking(1, 0, 1_000, 0, 600, 0));
        // A collective booking: both hosts hold it.
        let both = openslot_store::Booking {
            id: "b2".into(),
            host_id: "ada".into(),
            hosts: vec!["ada".into(), "grace".into()],
            event_slug: "e0".into(),
            status: openslot_store::BookingStatus::Confirmed,
            start: Timestamp::from_second(5_000).unwrap(),
            end: Timestamp::from_second(5_600).unwrap(),
            blocked_start: 5_000,
            blocked_end: 5_600,
            name: String::new(),
            email: String::new(),
            timezone: None,
            notes: None,
            answers: serde_json::Value::Null,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            sequence: 0,
            status_reason: None,
            previous_start: None,
            confirmed_at: None,
            meeting_url: None,
            locale: None,
        };
        cache.apply(&both);
        assert_eq!(
            cache.view("ada", &everything, None, None).busy.spans(),
            [(1_000, 1_600), (5_000, 5_600)]
        );
        assert_eq!(
            cache.view("grace", &everything, None, None).busy.spans(),
            [(5_000, 5_600)]
        );
        assert!(cache.view("linus", &everything, None, None).busy.is_empty());
        assert_eq!(cache.event_starts("e0", (0, 10_000), None).len(), 2);
        assert_eq!(cache.len(), 3);
        let mut ended = both.clone();
        ended.status = openslot_store::BookingStatus::Cancelled;
        cache.apply(&ended);
        assert!(cache.view("grace", &everything, None, None).busy.is_empty());
        assert_eq!(cache.event_starts("e0", (0, 10_000), None).len(), 1);
        assert_eq!(cache.len(), 1);
    }

    fn everything() -> Lookup {
        Lookup {
            busy: (0, 10_000),
            starts: (0, 10_000),
        }
    }

    #[test]
    fn calendar_busy_time_joins_the_bookings_and_is_replaced_per_host() {
        let cache = BusyCache::default();
        cache.add("h", &booking(1, 0, 1_000, 0, 600, 0));
        // Out of order, overlapping, touching, nested and empty spans.
        cache.install_calendar(
            "h",
            [
                (3_000, 3_500),
                (1_500, 2_000),
                (3_500, 3_600),
                (3_100, 3_200),
                (9_000, 9_000),
            ],
        );
        assert_eq!(
            cache.calendar_spans("h", (0, 10_000)),
            [(1_500, 2_000), (3_000, 3_600)]
        );
        let view = cache.view("h", &everything(), Some("e0"), None);
        assert_eq!(
            view.busy.spans(),
            [(1_000, 2_000), (3_000, 3_600)],
            "a booking and a calendar event that overlap merge"
        );
        // Calendar busy time holds no meeting starts (daily caps count bookings only).
        assert_eq!(view.starts.len(), 1);
        // Another host is untouched.
        assert!(cache.view("g", &everything(), None, None).busy.is_empty());
        // Replaced as a whole.
        cache.install_calendar("h", [(5_000, 5_100)]);
        assert_eq!(
            cache.view("h", &everything(), None, None).busy.spans(),
            [(1_000, 1_600), (5_000, 5_100)]
        );
        // Nothing left: the host has no calendar busy time.
        cache.install_calendar("h", []);
        assert_eq!(
            cache.view("h", &everything(), None, None).busy.spans(),
            [(1_000, 1_600)]
        );
        assert!(!cache.calendar_busy("h", (0, 10_000)));
    }

    #[test]
    fn booking_reloads_keep_calendar_busy_time_and_a_moving_booking_skips_only_itself() {
        let cache = BusyCache::default();
        let moving = booking(1, 0, 1_000, 0, 600, 0);
        cache.add("h", &moving);
        // A calendar event exactly where the booking is (the booking written back to the
        // host's calendar would look like this if it were not recognised).
        cache.install_calendar("h", [(1_000, 1_600), (4_000, 4_600)]);
        let view = cache.view(
            "h",
            &everything(),
            None,
            Some(Without {
                span: (1_000, 1_600),
                start: moving.start,
            }),
        );
        assert_eq!(view.busy.spans(), [(1_000, 1_600), (4_000, 4_600)]);
        assert!(view.starts.is_empty());
        // A full booking reload (nothing held any more) does not drop calendar busy time.
        cache.replace(&[]);
        assert_eq!(
            cache.view("h", &everything(), None, None).busy.spans(),
            [(1_000, 1_600), (4_000, 4_600)]
        );
        let mut fresh = Indexes::default();
        fresh.insert("h", &booking(2, 0, 7_000, 0, 600, 0));
        cache.install(fresh);
        assert_eq!(
            cache.view("h", &everything(), None, None).busy.spans(),
            [(1_000, 1_600), (4_000, 4_600), (7_000, 7_600)]
        );
    }

    #[test]
    fn lookups_see_only_calendar_spans_overlapping_them() {
        let cache = BusyCache::default();
        cache.install_calendar("h", [(100, 200), (300, 400), (500, 600)]);
        let view = |from, to| {
            cache
                .view(
                    "h",
                    &Lookup {
                        busy: (from, to),
                        starts: (from, to),
                    },
                    None,
                    None,
                )
                .busy
                .spans()
                .to_vec()
        };
        // Ends and starts are exclusive: touching is not overlapping.
        assert_eq!(view(200, 300), []);
        assert_eq!(view(199, 301), [(100, 200), (300, 400)]);
        assert_eq!(view(400, 500), []);
        assert_eq!(view(350, 351), [(300, 400)]);
        assert_eq!(view(0, 100), []);
        assert_eq!(view(600, 10_000), []);
        assert_eq!(view(0, 10_000), [(100, 200), (300, 400), (500, 600)]);
        assert_eq!(view(350, 350), []);
        assert!(cache.calendar_busy("h", (150, 160)));
        assert!(!cache.calendar_busy("h", (200, 300)));
    }

    #[test]
    fn a_stale_host_closes_only_under_the_close_policy() {
        let cache = BusyCache::default();
        let start = booking(1, 0, 1_000, 0, 600, 0);
        cache.add("h", &start);
        cache.install_calendar("h", [(4_000, 4_600)]);
        let lookup = Lookup {
            busy: (500, 8_000),
            starts: (0, 10_000),
        };
        let as_read = [(1_000, 1_600), (4_000, 4_600)];
        assert_eq!(cache.stale_policy(), StalePolicy::Keep);
        // Keep (the default): stale data is used as it is.
        cache.set_calendar_stale("h", true);
        assert!(cache.calendar_stale("h"));
        assert_eq!(cache.view("h", &lookup, None, None).busy.spans(), as_read);
        assert!(!cache.calendar_busy("h", (2_000, 3_000)));
        // Close: the stale host is busy for the whole lookup, no more; its starts remain.
        cache.set_stale_policy(StalePolicy::Close);
        let closed = cache.view("h", &lookup, None, None);
        assert_eq!(closed.busy.spans(), [(500, 8_000)]);
        assert_eq!(closed.starts, [start.start]);
        assert!(cache.calendar_busy("h", (2_000, 3_000)));
        let empty = Lookup {
            busy: (700, 700),
            starts: (700, 700),
        };
        assert!(cache.view("h", &empty, None, None).busy.is_empty());
        // Other hosts, not stale, are not closed: never every slot booked by accident.
        cache.install_calendar("g", [(2_000, 2_100)]);
        assert_eq!(
            cache.view("g", &lookup, None, None).busy.spans(),
            [(2_000, 2_100)]
        );
        assert!(cache.view("x", &lookup, None, None).busy.is_empty());
        // Fresh again: as read.
        cache.set_calendar_stale("h", false);
        assert!(!cache.calendar_stale("h"));
        assert_eq!(cache.view("h", &lookup, None, None).busy.spans(), as_read);
    }

    #[test]
    fn replacing_every_calendar_forgets_hosts_not_listed() {
        let cache = BusyCache::default();
        cache.install_calendar("ada", [(100, 200)]);
        cache.install_calendar("grace", [(300, 400)]);
        cache.replace_calendars([
            ("grace".to_string(), vec![(500, 600)]),
            ("grace".to_string(), vec![(550, 700)]),
            ("linus".to_string(), vec![(10, 20), (20, 30)]),
        ]);
        assert!(cache.calendar_spans("ada", (0, 1_000)).is_empty());
        assert_eq!(cache.calendar_spans("grace", (0, 1_000)), [(500, 700)]);
        assert_eq!(cache.calendar_spans("linus", (0, 1_000)), [(10, 30)]);
    }
}
