//! Properties of `slots` and `check_start` over random schedules, rules, busy time and
//! `now`, checked against a slow, independent reading of the documented semantics.

use jiff::{
    civil::{Date, DateTime, Weekday},
    tz::{AmbiguousOffset, Offset, TimeZone},
    SignedDuration, Timestamp,
};
use openslot_engine::{
    check_lookup, check_start, slots, slots_lookup, window_end, BusyTimes, DayCounts, EventRules,
    HourRange, Interval, Lookup, Rejection, Schedule, Slot,
};
use proptest::prelude::*;

/// Zones with DST in either hemisphere, half-hour and 45-minute offsets, a 30-minute DST
/// shift (Lord Howe), negative DST (Dublin), midnight transitions (Santiago, Havana),
/// a fall-back that returns to the previous date (St Johns until 2011), and fixed zones.
const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Europe/Dublin",
    "America/Santiago",
    "America/Havana",
    "Africa/Casablanca",
    "UTC",
    "+12:45",
    "-09:30",
];

fn zone(name: &str) -> TimeZone {
    match name {
        "+12:45" => TimeZone::fixed(Offset::from_seconds(12 * 3600 + 45 * 60).unwrap()),
        "-09:30" => TimeZone::fixed(Offset::from_seconds(-(9 * 3600 + 30 * 60)).unwrap()),
        name => TimeZone::get(name).unwrap(),
    }
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn at(second: i64, nanosecond: i32) -> Timestamp {
    Timestamp::new(second, nanosecond).unwrap()
}

fn plus_seconds(timestamp: Timestamp, seconds: i64) -> Timestamp {
    timestamp
        .checked_add(SignedDuration::from_secs(seconds))
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// Random inputs
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Case {
    zone: &'static str,
    weekly: Vec<Vec<(u16, u16)>>,
    /// (days after now's local date, ranges)
    overrides: Vec<(i64, Vec<(u16, u16)>)>,
    rules: EventRules,
    /// now: a random instant, or one a little before the zone's next transition after it.
    now_second: i64,
    now_nanosecond: i32,
    near_transition: bool,
    back_seconds: i64,
    /// round now down to a quarter hour (before adding the nanoseconds)
    align_now: bool,
    /// (minutes after now's minute, length in minutes, nanoseconds on both ends)
    busy: Vec<(i64, i64, i32, i32)>,
    /// booking starts, seconds after now
    bookings: Vec<i64>,
    /// query [from, to): seconds after now, length in seconds
    from_offset: i64,
    span: i64,
    /// extra starts to check: seconds after `from` (rounded to the minute when the flag
    /// is set)
    probes: Vec<(i64, bool)>,
}

fn minute_of_day() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => (0..=48u16).prop_map(|half_hours| half_hours * 30),
        1 => (0..=96u16).prop_map(|quarters| quarters * 15),
        1 => 0..=1440u16,
    ]
}

/// Sorted, disjoint (possibly touching) ranges for one day.
fn day_ranges() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop::collection::vec(minute_of_day(), 0..=6).prop_map(|mut minutes| {
        minutes.sort_unstable();
        minutes
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1]))
            .filter(|(start, end)| start < end)
            .collect()
    })
}

fn event_rules() -> impl Strategy<Value = EventRules> {
    (
        prop_oneof![
            1 => Just(0u32),
            20 => prop::sample::select(vec![5u32, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180]),
        ],
        prop_oneof![
            1 => Just(0u32),
            1 => Just(1u32),
            20 => prop::sample::select(vec![5u32, 7, 10, 15, 20, 25, 30, 45, 60, 90]),
        ],
        prop_oneof![2 => Just(0u32), 1 => 0..=90u32],
        prop_oneof![2 => Just(0u32), 1 => 0..=90u32],
        prop_oneof![
            2 => Just(0u32),
            2 => prop::sample::select(vec![15u32, 30, 60, 90, 120, 1440]),
            3 => 0..=3000u32,
        ],
        0..=30u32,
        prop::option::of(0..=3u32),
    )
        .prop_map(
            |(duration, step, before, after, lead, lookahead, cap)| EventRules {
                duration_minutes: duration,
                step_minutes: step,
                buffer_before_minutes: before,
                buffer_after_minutes: after,
                min_lead_minutes: lead,
                lookahead_days: lookahead,
                max_per_day: cap,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    let schedule = (
        prop::sample::select(ZONES),
        prop::collection::vec(day_ranges(), 7),
        prop::collection::vec((-3i64..25, day_ranges()), 0..4),
    );
    let now = (
        // 2009-01-01 to 2029-01-01
        1_230_768_000i64..1_861_920_000,
        prop_oneof![2 => Just(0i32), 1 => 0..1_000_000_000i32],
        prop::bool::weighted(0.6),
        0..4 * DAY,
        prop::bool::weighted(0.6),
    );
    let busy = (
        prop::collection::vec(
            (
                -2 * DAY / MINUTE..25 * DAY / MINUTE,
                1..8 * HOUR / MINUTE,
                prop_oneof![3 => Just(0i32), 1 => 0..1_000_000_000i32],
                prop_oneof![3 => Just(0i32), 1 => 0..1_000_000_000i32],
            ),
            0..40,
        ),
        prop::collection::vec(-DAY..25 * DAY, 0..12),
    );
    let query = (
        -3 * DAY..8 * DAY,
        0..12 * DAY,
        prop::collection::vec((0..12 * DAY, prop::bool::weighted(0.8)), 0..24),
    );
    (schedule, event_rules(), now, busy, query).prop_map(
        |(
            (zone, weekly, overrides),
            rules,
            (now_second, now_nanosecond, near_transition, back_seconds, align_now),
            (busy, bookings),
            (from_offset, span, probes),
        )| Case {
            zone,
            weekly,
            overrides,
            rules,
            now_second,
            now_nanosecond,
            near_transition,
            back_seconds,
            align_now,
            busy,
            bookings,
            from_offset,
            span,
            probes,
        },
    )
}

/// The engine's inputs built from a case, plus the raw intervals for the oracle.
struct World {
    schedule: Schedule,
    rules: EventRules,
    busy_raw: Vec<Interval>,
    busy: BusyTimes,
    bookings: Vec<Timestamp>,
    counts: DayCounts,
    now: Timestamp,
    from: Timestamp,
    to: Timestamp,
    probes: Vec<Timestamp>,
}

fn ranges(list: &[(u16, u16)]) -> Vec<HourRange> {
    list.iter()
        .map(|&(start, end)| HourRange::new(start, end).unwrap())
        .collect()
}

impl World {
    fn new(case: &Case) -> World {
        let timezone = zone(case.zone);
        let mut now_second = case.now_second;
        if case.near_transition {
            if let Some(transition) = timezone.following(at(now_second, 0)).next() {
                now_second = transition.timestamp().as_second() - case.back_seconds;
            }
        }
        if case.align_now {
            now_second -= now_second.rem_euclid(15 * MINUTE);
        }
        let now = at(now_second, case.now_nanosecond);
        let mut schedule = Schedule::new(timezone.clone());
        for (weekday, day) in WEEKDAYS.iter().zip(&case.weekly) {
            schedule.set_weekday(*weekday, ranges(day)).unwrap();
        }
        let today = timezone.to_datetime(now).date();
        for (days, day) in &case.overrides {
            let date = today.checked_add(jiff::Span::new().days(*days)).unwrap();
            schedule.set_override(date, ranges(day)).unwrap();
        }
        let busy_raw: Vec<Interval> = case
            .busy
            .iter()
            .map(|&(offset, length, start_ns, end_ns)| {
                let start = now_second - now_second.rem_euclid(MINUTE) + offset * MINUTE;
                Interval {
                    start: at(start, start_ns),
                    end: at(start + length * MINUTE, end_ns),
                }
            })
            .collect();
        let busy = BusyTimes::new(busy_raw.iter().copied());
        let bookings: Vec<Timestamp> = case
            .bookings
            .iter()
            .map(|&offset| {
                // Bookings start on whole minutes.
                let second = now.as_second() + offset;
                at(second - second.rem_euclid(MINUTE), 0)
            })
            .collect();
        let counts = DayCounts::from_starts(&timezone, bookings.iter().copied());
        let from = plus_seconds(now, case.from_offset);
        let to = plus_seconds(from, case.span);
        let mut probes: Vec<Timestamp> = case
            .probes
            .iter()
            .map(|&(offset, round)| {
                let probe = plus_seconds(from, offset % case.span.max(1));
                let second = probe.as_second();
                if round {
                    at(second - second.rem_euclid(MINUTE), 0)
                } else {
                    probe
                }
            })
            .collect();
        // now itself, and the whole seconds around the notice and window limits
        let lead = i64::from(case.rules.min_lead_minutes) * MINUTE;
        let lookahead = i64::from(case.rules.lookahead_days) * DAY;
        probes.push(now);
        for limit in [now_second, now_second + lead, now_second + lookahead] {
            probes.extend([at(limit, 0), at(limit + 1, 0)]);
        }
        World {
            schedule,
            rules: case.rules.clone(),
            busy_raw,
            busy,
            bookings,
            counts,
            now,
            from,
            to,
            probes,
        }
    }

    fn timezone(&self) -> &TimeZone {
        self.schedule.timezone()
    }

    fn slots(&self) -> Vec<Slot> {
        slots(
            &self.schedule,
            &self.rules,
            &self.busy,
            &self.counts,
            self.from,
            self.to,
            self.now,
        )
    }

    fn check(&self, start: Timestamp) -> Result<Slot, Rejection> {
        check_start(
            &self.schedule,
            &self.rules,
            &self.busy,
            &self.counts,
            start,
            self.now,
        )
    }

    fn duration(&self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.rules.duration_minutes))
    }

    fn step(&self) -> u16 {
        self.rules.step_minutes.clamp(1, 1440) as u16
    }

    // -----------------------------------------------------------------------------------
    // The oracle: a direct, slow reading of the semantics.
    // -----------------------------------------------------------------------------------

    fn civil(date: Date, minute: u16) -> DateTime {
        date.to_datetime(jiff::civil::Time::midnight())
            .checked_add(SignedDuration::from_mins(i64::from(minute)))
            .unwrap()
    }

    /// The first instant whose wall clock reads `civil` or later.
    fn close_instant(&self, civil: DateTime) -> Timestamp {
        let ambiguous = self.timezone().to_ambiguous_timestamp(civil);
        match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(civil).unwrap(),
            AmbiguousOffset::Fold { before, .. } => before.to_timestamp(civil).unwrap(),
            AmbiguousOffset::Gap { before, after } => {
                // Bisect for the instant the offset leaves `before`.
                let mut low = after.to_timestamp(civil).unwrap().as_second(); // before
                let mut high = before.to_timestamp(civil).unwrap().as_second(); // after
                assert_eq!(self.timezone().to_offset(at(low, 0)), before);
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    if self.timezone().to_offset(at(middle, 0)) == before {
                        low = middle;
                    } else {
                        high = middle;
                    }
                }
                at(high, 0)
            }
        }
    }

    /// Every start on `date`'s grid that exists and fits before its range closes, with
    /// the range it belongs to.
    fn grid(&self, date: Date) -> Vec<(Timestamp, HourRange)> {
        let mut out = Vec::new();
        if self.rules.duration_minutes == 0 {
            return out;
        }
        for range in self.schedule.hours_on(date) {
            let close = self.close_instant(Self::civil(date, range.end_minute()));
            let mut minute = range.start_minute();
            while minute < range.end_minute() {
                let civil = Self::civil(date, minute);
                let ambiguous = self.timezone().to_ambiguous_timestamp(civil);
                if !matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. }) {
                    let start = ambiguous.earlier().unwrap();
                    if start.checked_add(self.duration()).unwrap() <= close {
                        out.push((start, *range));
                    }
                }
                minute += self.step();
            }
        }
        out
    }

    fn day_full(&self, date: Date) -> bool {
        let count = self
            .bookings
            .iter()
            .filter(|&&booking| self.timezone().to_datetime(booking).date() == date)
            .count();
        self.rules
            .max_per_day
            .is_some_and(|cap| count >= cap as usize)
    }

    fn blocked(&self, start: Timestamp) -> bool {
        let before = SignedDuration::from_mins(i64::from(self.rules.buffer_before_minutes));
        let after = SignedDuration::from_mins(i64::from(self.rules.buffer_after_minutes));
        let blocked_start = start.checked_sub(before).unwrap();
        let blocked_end = start
            .checked_add(self.duration())
            .unwrap()
            .checked_add(after)
            .unwrap();
        self.busy_raw
            .iter()
            .any(|busy| busy.start < blocked_end && blocked_start < busy.end)
    }

    fn earliest(&self) -> Timestamp {
        self.now
            .checked_add(SignedDuration::from_mins(i64::from(
                self.rules.min_lead_minutes,
            )))
            .unwrap()
    }

    fn latest(&self) -> Timestamp {
        self.now
            .checked_add(SignedDuration::from_hours(
                24 * i64::from(self.rules.lookahead_days),
            ))
            .unwrap()
    }

    fn expected_check(&self, start: Timestamp) -> Result<Slot, Rejection> {
        if start.subsec_nanosecond() != 0 {
            return Err(Rejection::NotOffered);
        }
        let date = self.timezone().to_datetime(start).date();
        if !self
            .grid(date)
            .iter()
            .any(|(candidate, _)| *candidate == start)
        {
            return Err(Rejection::NotOffered);
        }
        self.expected_check_on_grid(start, date)
    }

    /// The rules after the grid, for a start on the grid of `date`.
    fn expected_check_on_grid(&self, start: Timestamp, date: Date) -> Result<Slot, Rejection> {
        if start < self.now {
            return Err(Rejection::InPast);
        }
        if start < self.earliest() {
            return Err(Rejection::TooSoon);
        }
        if start > self.latest() {
            return Err(Rejection::BeyondWindow);
        }
        if self.day_full(date) {
            return Err(Rejection::DayFull);
        }
        if self.blocked(start) {
            return Err(Rejection::Busy);
        }
        Ok(Slot {
            start,
            end: start.checked_add(self.duration()).unwrap(),
        })
    }

    fn expected_slots(&self) -> Vec<Slot> {
        let mut out = Vec::new();
        if self.from >= self.to {
            return out;
        }
        let first = self
            .timezone()
            .to_datetime(self.from)
            .date()
            .yesterday()
            .unwrap();
        let last = self
            .timezone()
            .to_datetime(self.to)
            .date()
            .tomorrow()
            .unwrap();
        let mut date = first;
        while date <= last {
            for (start, _) in self.grid(date) {
                if start >= self.from && start < self.to {
                    if let Ok(slot) = self.expected_check_on_grid(start, date) {
                        out.push(slot);
                    }
                }
            }
            date = date.tomorrow().unwrap();
        }
        out.sort();
        out
    }
}

/// 192 cases by default (a second or two in debug); `PROPTEST_CASES` asks for more.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(192);
    ProptestConfig {
        cases,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn slots_obey_every_rule(case in case()) {
        let world = World::new(&case);
        let offered = world.slots();
        let timezone = world.timezone();

        // Sorted, strictly increasing (so unique).
        for pair in offered.windows(2) {
            prop_assert!(pair[0].start < pair[1].start, "not increasing: {:?}", pair);
        }
        for slot in &offered {
            // Exactly the duration of real time, inside the query range.
            prop_assert_eq!(slot.end.duration_since(slot.start), world.duration());
            prop_assert!(world.from <= slot.start && slot.start < world.to);
            // On the wall-clock grid of one of the date's ranges, and ending by its close.
            let civil = timezone.to_datetime(slot.start);
            prop_assert_eq!(civil.subsec_nanosecond(), 0);
            prop_assert_eq!(civil.second(), 0);
            let date = civil.date();
            let minute = civil.hour() as u16 * 60 + civil.minute() as u16;
            let range = world
                .schedule
                .hours_on(date)
                .iter()
                .find(|range| range.start_minute() <= minute && minute < range.end_minute());
            prop_assert!(range.is_some(), "{:?} ({}) outside the hours", slot, civil);
            let range = range.unwrap();
            prop_assert_eq!((minute - range.start_minute()) % world.step(), 0);
            let close = world.close_instant(World::civil(date, range.end_minute()));
            prop_assert!(slot.end <= close, "{:?} ends after {}", slot, close);
            // The earlier reading of its wall-clock time (never the later one of a fold).
            let ambiguous = timezone.to_ambiguous_timestamp(civil);
            let in_gap = matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. });
            prop_assert!(!in_gap, "{:?} starts in a gap", slot);
            prop_assert_eq!(ambiguous.earlier().unwrap(), slot.start);
            // Busy time widened by the buffers, notice, window, daily cap.
            prop_assert!(!world.blocked(slot.start), "{:?} overlaps busy time", slot);
            prop_assert!(slot.start >= world.earliest());
            prop_assert!(slot.start >= world.now);
            prop_assert!(slot.start <= world.latest());
            prop_assert!(slot.start <= window_end(&world.rules, world.now));
            prop_assert!(!world.day_full(date));
            // check_start accepts it, with the same slot.
            prop_assert_eq!(world.check(slot.start), Ok(*slot));
        }

        // Nothing is missing: the same list as the slow reading of the rules.
        let expected = world.expected_slots();
        let missing: Vec<_> = expected.iter().filter(|slot| !offered.contains(slot)).collect();
        let extra: Vec<_> = offered.iter().filter(|slot| !expected.contains(slot)).collect();
        prop_assert!(
            missing.is_empty() && extra.is_empty(),
            "missing {:?}, not expected {:?}",
            missing,
            extra
        );
        prop_assert_eq!(offered.len(), expected.len());

        // check_start on other starts: Ok exactly when listed, and the right rejection.
        let mut probes = world.probes.clone();
        for slot in offered.iter().take(8) {
            for delta in [-MINUTE, -1, 1, MINUTE] {
                probes.push(plus_seconds(slot.start, delta));
            }
        }
        for probe in probes {
            let got = world.check(probe);
            if probe >= world.from && probe < world.to {
                let listed = offered.binary_search_by_key(&probe, |slot| slot.start).is_ok();
                prop_assert_eq!(got.is_ok(), listed, "check_start({}) = {:?}", probe, got);
            }
            prop_assert_eq!(got, world.expected_check(probe), "check_start({})", probe);
        }
    }
}

impl World {
    /// Busy time and counts holding only what `lookup` names, as a caller that keeps many
    /// bookings passes them.
    fn within(&self, lookup: &Lookup) -> (BusyTimes, DayCounts) {
        let busy = BusyTimes::new(self.busy_raw.iter().copied().filter(|interval| {
            // Compared in the whole seconds the engine widens intervals to.
            BusyTimes::new([*interval])
                .spans()
                .first()
                .is_some_and(|&(start, end)| start < lookup.busy.1 && end > lookup.busy.0)
        }));
        let counts = DayCounts::from_starts(
            self.timezone(),
            self.bookings
                .iter()
                .copied()
                .filter(|start| (lookup.starts.0..lookup.starts.1).contains(&start.as_second())),
        );
        (busy, counts)
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn answers_depend_only_on_their_lookup(case in case()) {
        let world = World::new(&case);
        let lookup = slots_lookup(&world.rules, world.from, world.to, world.now);
        let (busy, counts) = world.within(&lookup);
        let windowed = slots(
            &world.schedule, &world.rules, &busy, &counts, world.from, world.to, world.now,
        );
        prop_assert_eq!(windowed, world.slots());
        for &probe in &world.probes {
            let (busy, counts) = world.within(&check_lookup(&world.rules, probe));
            let windowed =
                check_start(&world.schedule, &world.rules, &busy, &counts, probe, world.now);
            prop_assert_eq!(windowed, world.check(probe), "probe {}", probe);
        }
    }
}
