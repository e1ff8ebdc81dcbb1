//! The hosts' busy time held in memory, so computing availability reads no database.
//! Updated after each change this process commits and reloaded periodically (and after a
//! conflict) to see writes from elsewhere. The database stays the judge of conflicts; this
//! cache only decides what is offered.
//!
//! Held ranges and starts are kept in ordered maps, so a booking is an `O(log n)` insert
//! and a request copies out only the stretch of time its answer depends on
//! ([`openslot_engine::Lookup`]): its cost does not grow with the bookings stored.

use std::{
    collections::{BTreeMap, HashMap},
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
    /// The busy time and meeting starts this index holds within `lookup`: starts of
    /// `event` only, or of every event type (`None`); without one hold, if given.
    fn view(&self, lookup: &Lookup, event: Option<&str>, without: Option<Without>) -> BusyView {
        let mut skip_span = without.map(|without| without.span);
        let spans: Vec<(i64, i64)> = self
            .spans_overlapping(lookup.busy)
            .filter(|span| {
                if skip_span == Some(*span) {
                    skip_span = None;
                    false
                } else {
                    true
                }
            })
            .collect();
        BusyView {
            busy: BusyTimes::from_seconds(spans),
            starts: self.starts_within(lookup.starts, event, without),
        }
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

/// Shared busy time of the hosts.
#[derive(Debug, Default)]
pub struct BusyCache {
    index: RwLock<Indexes>,
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
    /// within `lookup.starts` (of `event`, or of every event type); without one hold.
    pub fn view(
        &self,
        host: &str,
        lookup: &Lookup,
        event: Option<&str>,
        without: Option<Without>,
    ) -> BusyView {
        let indexes = self.index.read().expect("busy cache lock");
        match indexes.hosts.get(host) {
            Some(index) => index.view(lookup, event, without),
            None => BusyView::default(),
        }
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

    /// The cache as it was: every span and start, rebuilt in full, one hold skipped.
    fn simple(
        bookings: &BTreeMap<String, ActiveBooking>,
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
        (BusyTimes::from_seconds(spans), starts)
    }

    /// Merged busy time cut to `[from, to)`: two values are equal exactly when every
    /// interval inside `[from, to)` overlaps both or neither.
    fn clipped(busy: &BusyTimes, (from, to): (i64, i64)) -> Vec<(i64, i64)> {
        busy.spans()
            .iter()
            .filter(|span| span.1 > from && span.0 < to)
            .map(|span| (span.0.max(from), span.1.min(to)))
            .collect()
    }

    #[derive(Clone, Debug)]
    enum Step {
        Add(u8, u8, i64, i64, i64, i64),
        Remove(u8),
        Reload,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            8 => (0u8..40, 0u8..3, 0i64..20_000, 0i64..600, 1i64..3_000, 0i64..600)
                .prop_map(|(id, event, start, before, length, after)| {
                    Step::Add(id, event, start, before, length, after)
                }),
            3 => (0u8..40).prop_map(Step::Remove),
            1 => Just(Step::Reload),
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
                let (busy, starts) = simple(&model, &event, without);
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
}
