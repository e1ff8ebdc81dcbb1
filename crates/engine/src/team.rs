//! Team availability: one event type offered by several hosts, each with their own working
//! hours, time off, busy time and daily cap, and the pure round-robin ranking of hosts.
//!
//! # When a host can take a slot
//!
//! Candidate slots come from the single-host generator ([`crate::slots`]) run over the event
//! type's schedule, so the grid, notice, booking window, event-type daily cap and every DST
//! rule are exactly those of a single host. A candidate `[start, end)` is then free for a
//! host when all of these hold:
//!
//! 1. **Inside the host's hours.** Each hour range `HH:MM-HH:MM` of a local date (weekly hours,
//!    or that date's override) covers the real time from the first instant the host's wall
//!    clock reaches its opening time to the first instant it reaches its closing time, where
//!    "reaches" means reads that time or, across a spring-forward gap, skips past it; in a
//!    fall-back fold the earlier reading counts. Touching ranges, also across midnight, join.
//!    The meeting itself (not its buffers) must lie inside one joined stretch.
//! 2. **Not on time off.** Every local date in a `time_off` range is closed from the first
//!    instant the wall clock reaches its 00:00 to the first instant it reaches the next
//!    date's 00:00: a meeting sharing any instant with such a date is excluded (one ending
//!    exactly at the day's first instant does not share one, as slots are half-open).
//! 3. **Under the host's daily cap.** The host's `day_counts` on the local date (host's zone)
//!    of the start are below its `max_per_day`.
//! 4. **Not busy.** The meeting widened by the event type's buffers overlaps none of the host's
//!    busy time, as for a single host.
//!
//! The event type's own `max_per_day` counts the event type's bookings (all hosts) per date in
//! the event type's zone, from the `event_counts` passed in. Each schedule is read in its own
//! zone, so hosts in different zones combine correctly.
//!
//! Busy time and day counts are read within the same [`crate::Lookup`] as for one host:
//! [`crate::slots_lookup`] for [`team_slots`], [`crate::check_lookup`] for
//! [`team_check_start`] (host counts per date of the host's zone).

use std::cmp::Ordering;

use jiff::{
    civil::{Date, Time},
    tz::TimeZone,
    Timestamp,
};

use crate::{
    busy::BusyCursor,
    check_start, slots,
    slots::{date_of, second_to_timestamp},
    BusyTimes, DayCounts, EventRules, Rejection, Schedule, Slot,
};

const DAY_SECONDS: i64 = 86_400;

/// One host's side of availability for an event type, borrowed: the hours and time off
/// live as long as the host's configuration, the busy time and counts are read per request.
#[derive(Clone, Copy, Debug)]
pub struct HostAvailability<'a> {
    /// Working hours and overrides, in the host's own zone ([`Schedule::always_open`] for a
    /// host without hours of their own).
    pub schedule: &'a Schedule,
    /// Whole days off, `(first, last)` inclusive, as local dates in the host's zone. A range
    /// whose last date is before its first is empty.
    pub time_off: &'a [(Date, Date)],
    /// The host's busy time: their bookings of every event type (with those bookings'
    /// buffers) and, later, calendar events.
    pub busy: &'a BusyTimes,
    /// At most this many of the host's active bookings, across event types, start on one
    /// local date of the host.
    pub max_per_day: Option<u32>,
    /// The host's active bookings, across event types, counted per date in the host's zone
    /// (only read when `max_per_day` is set).
    pub day_counts: &'a DayCounts,
}

impl HostAvailability<'_> {
    /// Whether `date` (in the host's zone) falls in one of the time-off ranges.
    pub fn is_off(&self, date: Date) -> bool {
        self.time_off
            .iter()
            .any(|&(first, last)| first <= date && date <= last)
    }
}

/// How the hosts of an event type combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TeamMode {
    /// Round robin: a slot is offered when at least one host is free.
    Any,
    /// Collective: a slot is offered only when every host is free.
    All,
}

/// A slot of a team event type and the hosts free to take it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TeamSlot {
    pub start: Timestamp,
    pub end: Timestamp,
    /// Indexes into the `hosts` slice, ascending. With [`TeamMode::All`], every host.
    pub free_hosts: Vec<usize>,
}

impl TeamSlot {
    /// The interval, without the hosts.
    pub fn slot(&self) -> Slot {
        Slot {
            start: self.start,
            end: self.end,
        }
    }
}

/// Real-time stretches, sorted, merged and joined where they touch, in which the host's
/// hours are open and the date is not time off, covering at least `[low, high)`.
fn open_spans(
    host: &HostAvailability<'_>,
    offsets: &mut Offsets,
    low: i64,
    high: i64,
) -> Vec<(i64, i64)> {
    let timezone = host.schedule.timezone();
    // Two dates of margin: an instant's local date can reach back past the previous one
    // when a fall-back transition returns to it.
    let widen = |date: Date, days: i64| {
        date.checked_add(jiff::Span::new().days(days))
            .unwrap_or(date)
    };
    let first = widen(date_of(timezone, low), -2);
    let last = widen(date_of(timezone, high), 2);
    let Some(mut midnight) = epoch_day(first).map(|day| day * DAY_SECONDS) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    let mut date = first;
    loop {
        if !host.is_off(date) {
            for range in host.schedule.hours_on(date) {
                let open = offsets.reach(midnight + i64::from(range.start_minute()) * 60);
                let close = offsets.reach(midnight + i64::from(range.end_minute()) * 60);
                spans.push((open, close));
            }
        }
        match date.tomorrow() {
            Ok(next) if date < last => date = next,
            _ => break,
        }
        midnight += DAY_SECONDS;
    }
    BusyTimes::from_seconds(spans).into_spans()
}

/// Days since 1970-01-01 of a civil date.
fn epoch_day(date: Date) -> Option<i64> {
    TimeZone::UTC
        .to_timestamp(date.to_datetime(Time::midnight()))
        .ok()
        .map(|timestamp| timestamp.as_second().div_euclid(DAY_SECONDS))
}

/// A zone's UTC offsets around a stretch of time, read once so that converting between
/// instants and wall-clock times is integer arithmetic. Wall-clock times are "civil
/// seconds": the Unix seconds the same date and time would have in UTC.
struct Offsets {
    /// `(from_second, offset_seconds)`, ascending; each applies until the next one's
    /// `from_second`, the last one for ever.
    segments: Vec<(i64, i64)>,
    /// Forward cursors for [`Offsets::epoch_day`] and [`Offsets::reach`].
    day_index: usize,
    reach_index: usize,
}

/// How far around a stretch the offsets are read: beyond every date a question about the
/// stretch touches (two dates of margin plus the longest offset).
const OFFSETS_MARGIN_SECONDS: i64 = 4 * DAY_SECONDS;

impl Offsets {
    fn new(timezone: &TimeZone, low: i64, high: i64) -> Self {
        let start = second_to_timestamp(low - OFFSETS_MARGIN_SECONDS);
        let mut segments = vec![(
            start.as_second(),
            i64::from(timezone.to_offset(start).seconds()),
        )];
        segments.extend(
            timezone
                .following(start)
                .map(|transition| {
                    (
                        transition.timestamp().as_second(),
                        i64::from(transition.offset().seconds()),
                    )
                })
                .take_while(|&(second, _)| second <= high + OFFSETS_MARGIN_SECONDS),
        );
        Offsets {
            segments,
            day_index: 0,
            reach_index: 0,
        }
    }

    /// The local date, as days since 1970-01-01, of `second`; seconds must not decrease
    /// between calls.
    fn epoch_day(&mut self, second: i64) -> i64 {
        while self
            .segments
            .get(self.day_index + 1)
            .is_some_and(|&(from, _)| from <= second)
        {
            self.day_index += 1;
        }
        (second + self.segments[self.day_index].1).div_euclid(DAY_SECONDS)
    }

    /// The first instant whose wall clock reads `civil` or later: its only reading, the
    /// earlier of two in a fold, the transition that skips past it in a gap (as
    /// `resolve_end` in the slot generator). `civil` must not decrease between calls.
    fn reach(&mut self, civil: i64) -> i64 {
        // Within a segment the wall clock runs from `from + offset` up to the next segment's
        // `from` plus this offset. The first segment whose wall clock gets past `civil`
        // holds the answer; earlier ones stay below it. As `civil` grows, that segment can
        // only move later.
        while let Some(&(next_from, _)) = self.segments.get(self.reach_index + 1) {
            if next_from + self.segments[self.reach_index].1 > civil {
                break;
            }
            self.reach_index += 1;
        }
        let (from, offset) = self.segments[self.reach_index];
        from.max(civil - offset)
    }
}

/// One host prepared for questions about slots with non-decreasing starts in `[low, high)`.
struct HostWindow<'a> {
    open: Vec<(i64, i64)>,
    open_index: usize,
    busy: BusyCursor<'a>,
    offsets: Offsets,
    /// Epoch days (host's zone) whose count reached the cap, sorted. `None` without a cap.
    full_days: Option<Vec<i64>>,
    every_day_full: bool,
    before: i64,
    after: i64,
}

impl<'a> HostWindow<'a> {
    fn new(host: &HostAvailability<'a>, rules: &EventRules, low: i64, high: i64) -> Self {
        let full_days = host.max_per_day.map(|cap| {
            let mut days: Vec<i64> = host
                .day_counts
                .iter()
                .filter(|&(_, count)| count >= cap)
                .filter_map(|(date, _)| epoch_day(date))
                .collect();
            days.sort_unstable();
            days
        });
        let before = rules.buffer_before_seconds();
        let mut offsets = Offsets::new(host.schedule.timezone(), low, high);
        let open = open_spans(host, &mut offsets, low, high);
        HostWindow {
            open,
            open_index: 0,
            busy: host.busy.cursor(low - before),
            offsets,
            full_days,
            every_day_full: host.max_per_day == Some(0),
            before,
            after: rules.buffer_after_seconds(),
        }
    }

    /// Whether the host can take `[start, end)`; `start` must not decrease between calls.
    fn check(&mut self, start: i64, end: i64) -> Result<(), Rejection> {
        // Spans are joined, so the only one that can hold `start` is the first ending after it.
        while self
            .open
            .get(self.open_index)
            .is_some_and(|&(_, close)| close <= start)
        {
            self.open_index += 1;
        }
        let inside = self
            .open
            .get(self.open_index)
            .is_some_and(|&(open, close)| open <= start && end <= close);
        if !inside {
            return Err(Rejection::NotOffered);
        }
        self.check_inside(start, end)
    }

    /// [`HostWindow::check`] for a slot known to lie inside the host's open time.
    fn check_inside(&mut self, start: i64, end: i64) -> Result<(), Rejection> {
        if let Some(days) = &self.full_days {
            // A cap of zero fills every day, counted or not.
            if self.every_day_full || days.binary_search(&self.offsets.epoch_day(start)).is_ok() {
                return Err(Rejection::DayFull);
            }
        }
        if self.busy.overlaps(start - self.before, end + self.after) {
            return Err(Rejection::Busy);
        }
        Ok(())
    }
}

/// All slots of a team event type starting in `[from, to)`, sorted and unique, each with the
/// hosts free to take it (see the module documentation for when a host is free).
///
/// With [`TeamMode::Any`] a slot is listed when at least one host is free; with
/// [`TeamMode::All`] only when every host is. No hosts, no slots. With one host whose
/// schedule is [`Schedule::always_open`] or the event type's own (no time off, no cap) this
/// lists exactly what [`crate::slots`] lists for that host's busy time.
///
/// ```
/// use jiff::{civil::Weekday, tz::TimeZone, Timestamp};
/// use openslot_engine::{
///     team_slots, BusyTimes, DayCounts, EventRules, HostAvailability, Schedule, TeamMode,
/// };
///
/// let weekdays = |zone: &str| {
///     let mut schedule = Schedule::new(TimeZone::get(zone).unwrap());
///     schedule.set_weekday(Weekday::Monday, vec!["09:00-17:00".parse().unwrap()]).unwrap();
///     schedule
/// };
/// // Ada works in London (GMT in January), Grace in New York (EST).
/// let (ada, grace) = (weekdays("Europe/London"), weekdays("America/New_York"));
/// let (not_busy, no_counts) = (BusyTimes::default(), DayCounts::default());
/// let host = |schedule| HostAvailability {
///     schedule,
///     time_off: &[],
///     busy: &not_busy,
///     max_per_day: None,
///     day_counts: &no_counts,
/// };
/// let hosts = [host(&ada), host(&grace)];
/// let event = Schedule::always_open(TimeZone::UTC); // the event type sets no hours
/// let rules = EventRules { duration_minutes: 60, step_minutes: 60, ..EventRules::default() };
/// let now: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
/// let from: Timestamp = "2027-01-04T00:00:00Z".parse().unwrap();
/// let to: Timestamp = "2027-01-05T00:00:00Z".parse().unwrap();
/// let both = team_slots(&event, &rules, &DayCounts::default(), &hosts, TeamMode::All, from, to, now);
/// let starts: Vec<String> = both.iter().map(|slot| slot.start.to_string()).collect();
/// assert_eq!(starts, ["2027-01-04T14:00:00Z", "2027-01-04T15:00:00Z", "2027-01-04T16:00:00Z"]);
/// let either = team_slots(&event, &rules, &DayCounts::default(), &hosts, TeamMode::Any, from, to, now);
/// assert_eq!(either.len(), 13); // 09:00Z to 21:00Z
/// assert_eq!(either[0].free_hosts, [0]);
/// assert_eq!(either[5].free_hosts, [0, 1]);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn team_slots(
    event_schedule: &Schedule,
    rules: &EventRules,
    event_counts: &DayCounts,
    hosts: &[HostAvailability<'_>],
    mode: TeamMode,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> Vec<TeamSlot> {
    if hosts.is_empty() {
        return Vec::new();
    }
    let candidates = slots(
        event_schedule,
        rules,
        &BusyTimes::default(),
        event_counts,
        from,
        to,
        now,
    );
    let (Some(first), Some(last)) = (candidates.first(), candidates.last()) else {
        return Vec::new();
    };
    let low = first.start.as_second();
    let high = last.end.as_second();
    let starts: Vec<i64> = candidates
        .iter()
        .map(|slot| slot.start.as_second())
        .collect();
    let duration = rules.duration_seconds();
    // One bit per (slot, host); hosts visit only the candidates inside their open time.
    let words = hosts.len().div_ceil(64);
    let mut free = vec![0u64; candidates.len() * words];
    let is_free = |free: &[u64], slot: usize, host: usize| {
        free[slot * words + host / 64] & (1 << (host % 64)) != 0
    };
    for (host_index, host) in hosts.iter().enumerate() {
        let mut window = HostWindow::new(host, rules, low, high);
        let mut any_free = false;
        for span_index in 0..window.open.len() {
            let (open, close) = window.open[span_index];
            let mut slot = starts.partition_point(|&start| start < open);
            // Every candidate lasts `duration`: once one ends past `close`, the rest do.
            while slot < starts.len() && starts[slot] + duration <= close {
                let start = starts[slot];
                // Collective: a slot some earlier host cannot take is already lost.
                let wanted = mode == TeamMode::Any
                    || host_index == 0
                    || is_free(&free, slot, host_index - 1);
                if wanted && window.check_inside(start, start + duration).is_ok() {
                    free[slot * words + host_index / 64] |= 1 << (host_index % 64);
                    any_free = true;
                }
                slot += 1;
            }
        }
        if mode == TeamMode::All && !any_free {
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for (slot, candidate) in candidates.iter().enumerate() {
        let offered = match mode {
            TeamMode::Any => free[slot * words..(slot + 1) * words]
                .iter()
                .any(|&word| word != 0),
            TeamMode::All => is_free(&free, slot, hosts.len() - 1),
        };
        if offered {
            let free_hosts = (0..hosts.len())
                .filter(|&host| is_free(&free, slot, host))
                .collect();
            out.push(TeamSlot {
                start: candidate.start,
                end: candidate.end,
                free_hosts,
            });
        }
    }
    out
}

/// How close a rejected host came to taking a slot: a busy host had it in their hours.
fn closeness(rejection: Rejection) -> u8 {
    match rejection {
        Rejection::Busy => 2,
        Rejection::DayFull => 1,
        _ => 0,
    }
}

/// Checks one requested start of a team event type against the rules [`team_slots`]
/// applies, returning the slot with the hosts free to take it.
///
/// Rejections: first those of [`crate::check_start`] for the event type (not on its grid,
/// in the past, too soon, beyond the window, event-type day full); then, when no host can
/// take it (`Any`), the reason of the host that came closest — `Busy` before `DayFull`
/// before `NotOffered` (outside hours or time off), so a start that some host had in their
/// hours but is now taken reads as taken; when some host cannot (`All`), the most basic
/// reason among those hosts — `NotOffered` before `DayFull` before `Busy`. No hosts:
/// `NotOffered`.
#[allow(clippy::too_many_arguments)]
pub fn team_check_start(
    event_schedule: &Schedule,
    rules: &EventRules,
    event_counts: &DayCounts,
    hosts: &[HostAvailability<'_>],
    mode: TeamMode,
    start: Timestamp,
    now: Timestamp,
) -> Result<TeamSlot, Rejection> {
    let slot = check_start(
        event_schedule,
        rules,
        &BusyTimes::default(),
        event_counts,
        start,
        now,
    )?;
    let (start_second, end_second) = (slot.start.as_second(), slot.end.as_second());
    let mut free_hosts = Vec::new();
    let mut closest: Option<Rejection> = None;
    let mut most_basic: Option<Rejection> = None;
    for (index, host) in hosts.iter().enumerate() {
        match HostWindow::new(host, rules, start_second, end_second).check(start_second, end_second)
        {
            Ok(()) => free_hosts.push(index),
            Err(rejection) => {
                if closest.is_none_or(|kept| closeness(rejection) > closeness(kept)) {
                    closest = Some(rejection);
                }
                if most_basic.is_none_or(|kept| closeness(rejection) < closeness(kept)) {
                    most_basic = Some(rejection);
                }
            }
        }
    }
    let rejection = match mode {
        TeamMode::Any if free_hosts.is_empty() => closest.or(Some(Rejection::NotOffered)),
        TeamMode::All if free_hosts.len() < hosts.len() || hosts.is_empty() => {
            most_basic.or(Some(Rejection::NotOffered))
        }
        _ => None,
    };
    match rejection {
        Some(rejection) => Err(rejection),
        None => Ok(TeamSlot {
            start: slot.start,
            end: slot.end,
            free_hosts,
        }),
    }
}

/// A host free at a slot, as seen by round-robin fairness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Candidate {
    /// The host's position in the event type's host list (the last tie-break).
    pub index: usize,
    /// Relative share of the event type's bookings the host should get.
    pub weight: u32,
    /// The host's bookings of this event type within the fairness window.
    pub bookings_in_window: u64,
    /// When the host was last booked for this event type (any instant scale, e.g. Unix
    /// seconds of creation), `None` if never within the window.
    pub last_booked_at: Option<i64>,
}

/// `a` before `b` when `a` has the smaller bookings ÷ weight, compared exactly; a host of
/// weight 0 comes after every weighted host.
fn compare_share(a: &Candidate, b: &Candidate) -> Ordering {
    match (a.weight, b.weight) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        (a_weight, b_weight) => {
            let a_scaled = u128::from(a.bookings_in_window) * u128::from(b_weight);
            let b_scaled = u128::from(b.bookings_in_window) * u128::from(a_weight);
            a_scaled.cmp(&b_scaled)
        }
    }
}

/// Orders the hosts free at a slot for a round-robin booking: the caller tries them in this
/// order and assigns the first it can hold. Returns the candidates' `index` values.
///
/// The rule, in order:
/// 1. **Furthest below their weighted share first**: the smallest bookings ÷ weight within
///    the fairness window. A host's weighted share of `n` bookings is `n × weight ÷ Σweight`,
///    so this is the host whose bookings are the smallest fraction of their share. Compared
///    as exact rationals (cross-multiplied in 128 bits), never as floats. Weight 0 ranks
///    after every weighted host (it gets bookings only no weighted host can take).
/// 2. Ties: **least recently booked** first; a host never booked in the window first of all.
/// 3. Then **host order** (`index`).
///
/// When every host is always free, this keeps each host within about one booking of their
/// share. A host that is often busy simply is not a candidate at those slots: the free hosts
/// take its bookings (in proportion to their weights), and when it is free again it ranks
/// first until its count catches up. The catch-up is bounded by the window: bookings older
/// than the window drop out of every host's count, so a host is never owed more than what the
/// others received within one window.
pub fn rank_round_robin(candidates: &[Candidate]) -> Vec<usize> {
    let mut ordered: Vec<&Candidate> = candidates.iter().collect();
    ordered.sort_by(|a, b| {
        compare_share(a, b)
            .then_with(|| match (a.last_booked_at, b.last_booked_at) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a_at), Some(b_at)) => a_at.cmp(&b_at),
            })
            .then_with(|| a.index.cmp(&b.index))
    });
    ordered
        .into_iter()
        .map(|candidate| candidate.index)
        .collect()
}
