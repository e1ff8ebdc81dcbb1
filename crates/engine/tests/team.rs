//! Team availability (`team_slots`, `team_check_start`) against a slow, independent reading
//! of the documented rules, over hosts in several zones; hand-computed DST cases in
//! New York, London, Sydney and Tokyo; and round-robin fairness simulations.

use std::{cell::RefCell, collections::HashMap};

use jiff::{
    civil::{date, Date, DateTime, Weekday},
    tz::{AmbiguousOffset, TimeZone},
    SignedDuration, Timestamp,
};
use openslot_engine::{
    check_lookup, check_start, rank_round_robin, slots, slots_lookup, team_check_start, team_slots,
    BusyTimes, Candidate, DayCounts, EventRules, HostAvailability, HourRange, Interval, Lookup,
    Rejection, Schedule, Slot, TeamMode, TeamSlot,
};
use proptest::prelude::*;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Europe/Dublin",
    "America/Santiago",
    "Pacific/Chatham",
    "Asia/Tokyo",
    "UTC",
];

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn ranges(list: &[(u16, u16)]) -> Vec<HourRange> {
    list.iter()
        .map(|&(start, end)| HourRange::new(start, end).unwrap())
        .collect()
}

fn add_days(day: Date, days: i64) -> Date {
    day.checked_add(jiff::Span::new().days(days)).unwrap()
}

/// A host's data, owned; [`Host::view`] lends it to the engine.
#[derive(Clone, Debug)]
struct Host {
    schedule: Schedule,
    time_off: Vec<(Date, Date)>,
    busy: BusyTimes,
    max_per_day: Option<u32>,
    day_counts: DayCounts,
}

impl Host {
    fn new(schedule: Schedule) -> Self {
        Host {
            schedule,
            time_off: Vec::new(),
            busy: BusyTimes::default(),
            max_per_day: None,
            day_counts: DayCounts::default(),
        }
    }

    fn view(&self) -> HostAvailability<'_> {
        HostAvailability {
            schedule: &self.schedule,
            time_off: &self.time_off,
            busy: &self.busy,
            max_per_day: self.max_per_day,
            day_counts: &self.day_counts,
        }
    }
}

fn views(hosts: &[Host]) -> Vec<HostAvailability<'_>> {
    hosts.iter().map(Host::view).collect()
}

// ---------------------------------------------------------------------------------------
// Random inputs
// ---------------------------------------------------------------------------------------

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

#[derive(Clone, Debug)]
struct ScheduleCase {
    zone: &'static str,
    /// `None`: always open.
    weekly: Option<Vec<Vec<(u16, u16)>>>,
    /// (days after now's local date, ranges)
    overrides: Vec<(i64, Vec<(u16, u16)>)>,
}

fn schedule_case() -> impl Strategy<Value = ScheduleCase> {
    (
        prop::sample::select(ZONES),
        prop_oneof![
            1 => Just(None),
            4 => prop::collection::vec(day_ranges(), 7).prop_map(Some),
        ],
        prop::collection::vec((-2i64..8, day_ranges()), 0..3),
    )
        .prop_map(|(zone, weekly, overrides)| ScheduleCase {
            zone,
            weekly,
            overrides,
        })
}

#[derive(Clone, Debug)]
struct HostCase {
    schedule: ScheduleCase,
    /// (first, last) in days after now's local date (host's zone)
    time_off: Vec<(i64, i64)>,
    /// (minutes after now's minute, length in minutes)
    busy: Vec<(i64, i64)>,
    cap: Option<u32>,
    /// booking starts, minutes after now's minute
    bookings: Vec<i64>,
}

fn host_case() -> impl Strategy<Value = HostCase> {
    (
        schedule_case(),
        prop::collection::vec((-2i64..8, 0i64..3), 0..3),
        prop::collection::vec(
            (-DAY / MINUTE..7 * DAY / MINUTE, 1..6 * HOUR / MINUTE),
            0..12,
        ),
        prop::option::of(0..=2u32),
        prop::collection::vec(-DAY / MINUTE..7 * DAY / MINUTE, 0..8),
    )
        .prop_map(|(schedule, time_off, busy, cap, bookings)| HostCase {
            schedule,
            time_off: time_off
                .into_iter()
                .map(|(first, length)| (first, first + length))
                .collect(),
            busy,
            cap,
            bookings,
        })
}

fn event_rules() -> impl Strategy<Value = EventRules> {
    (
        prop::sample::select(vec![15u32, 30, 45, 60, 90]),
        prop::sample::select(vec![10u32, 15, 30, 60]),
        prop_oneof![2 => Just(0u32), 1 => 0..=30u32],
        prop_oneof![2 => Just(0u32), 1 => 0..=30u32],
        prop_oneof![2 => Just(0u32), 1 => 0..=600u32],
        1..=10u32,
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

#[derive(Clone, Debug)]
struct TeamCase {
    event: ScheduleCase,
    rules: EventRules,
    /// event type booking starts, minutes after now's minute
    event_bookings: Vec<i64>,
    hosts: Vec<HostCase>,
    now_second: i64,
    /// move now to a little before a transition of the first host's zone
    near_transition: bool,
    back_seconds: i64,
    from_offset: i64,
    span: i64,
    probes: Vec<i64>,
}

fn team_case() -> impl Strategy<Value = TeamCase> {
    (
        schedule_case(),
        event_rules(),
        prop::collection::vec(0..6 * DAY / MINUTE, 0..6),
        prop::collection::vec(host_case(), 1..=4),
        (
            1_230_768_000i64..1_861_920_000,
            prop::bool::weighted(0.7),
            0..3 * DAY,
        ),
        (
            -DAY..2 * DAY,
            0..4 * DAY,
            prop::collection::vec(0..4 * DAY / MINUTE, 0..16),
        ),
    )
        .prop_map(
            |(
                event,
                rules,
                event_bookings,
                hosts,
                (now_second, near_transition, back_seconds),
                (from_offset, span, probes),
            )| TeamCase {
                event,
                rules,
                event_bookings,
                hosts,
                now_second,
                near_transition,
                back_seconds,
                from_offset,
                span,
                probes,
            },
        )
}

fn build_schedule(case: &ScheduleCase, now: Timestamp) -> Schedule {
    let timezone = zone(case.zone);
    let mut schedule = match &case.weekly {
        None => Schedule::always_open(timezone.clone()),
        Some(weekly) => {
            let mut schedule = Schedule::new(timezone.clone());
            for (weekday, day) in WEEKDAYS.iter().zip(weekly) {
                schedule.set_weekday(*weekday, ranges(day)).unwrap();
            }
            schedule
        }
    };
    let today = timezone.to_datetime(now).date();
    for (days, day) in &case.overrides {
        schedule
            .set_override(add_days(today, *days), ranges(day))
            .unwrap();
    }
    schedule
}

/// A host's inputs plus the raw data the model reads.
struct ModelHost {
    host: Host,
    busy_raw: Vec<(i64, i64)>,
    bookings: Vec<Timestamp>,
    /// first instant the wall clock reaches (date, minute), memoised
    reach: RefCell<HashMap<(Date, u16), i64>>,
}

struct World {
    event: Schedule,
    rules: EventRules,
    event_counts: DayCounts,
    hosts: Vec<ModelHost>,
    now: Timestamp,
    from: Timestamp,
    to: Timestamp,
    probes: Vec<Timestamp>,
}

impl World {
    fn new(case: &TeamCase) -> World {
        let mut now_second = case.now_second;
        if case.near_transition {
            let first_zone = zone(case.hosts[0].schedule.zone);
            if let Some(transition) = first_zone.following(at(now_second)).next() {
                now_second = transition.timestamp().as_second() - case.back_seconds;
            }
        }
        now_second -= now_second.rem_euclid(15 * MINUTE);
        let now = at(now_second);
        let event = build_schedule(&case.event, now);
        let event_counts = DayCounts::from_starts(
            event.timezone(),
            case.event_bookings
                .iter()
                .map(|minutes| at(now_second + minutes * MINUTE)),
        );
        let hosts = case
            .hosts
            .iter()
            .map(|host_case| {
                let schedule = build_schedule(&host_case.schedule, now);
                let timezone = schedule.timezone().clone();
                let today = timezone.to_datetime(now).date();
                let busy_raw: Vec<(i64, i64)> = host_case
                    .busy
                    .iter()
                    .map(|&(offset, length)| {
                        let start = now_second + offset * MINUTE;
                        (start, start + length * MINUTE)
                    })
                    .collect();
                let bookings: Vec<Timestamp> = host_case
                    .bookings
                    .iter()
                    .map(|minutes| at(now_second + minutes * MINUTE))
                    .collect();
                let host = Host {
                    schedule,
                    time_off: host_case
                        .time_off
                        .iter()
                        .map(|&(first, last)| (add_days(today, first), add_days(today, last)))
                        .collect(),
                    busy: BusyTimes::from_seconds(busy_raw.iter().copied()),
                    max_per_day: host_case.cap,
                    day_counts: DayCounts::from_starts(&timezone, bookings.iter().copied()),
                };
                ModelHost {
                    host,
                    busy_raw,
                    bookings,
                    reach: RefCell::new(HashMap::new()),
                }
            })
            .collect();
        let from = at(now_second + case.from_offset);
        let to = at(now_second + case.from_offset + case.span);
        let probes = case
            .probes
            .iter()
            .map(|minutes| at(from.as_second() + minutes * MINUTE))
            .collect();
        World {
            event,
            rules: case.rules.clone(),
            event_counts,
            hosts,
            now,
            from,
            to,
            probes,
        }
    }

    fn inputs(&self) -> Vec<HostAvailability<'_>> {
        self.hosts.iter().map(|model| model.host.view()).collect()
    }

    fn team_slots(&self, mode: TeamMode) -> Vec<TeamSlot> {
        team_slots(
            &self.event,
            &self.rules,
            &self.event_counts,
            &self.inputs(),
            mode,
            self.from,
            self.to,
            self.now,
        )
    }

    fn team_check(&self, mode: TeamMode, start: Timestamp) -> Result<TeamSlot, Rejection> {
        team_check_start(
            &self.event,
            &self.rules,
            &self.event_counts,
            &self.inputs(),
            mode,
            start,
            self.now,
        )
    }

    // -----------------------------------------------------------------------------------
    // The model: the module documentation read literally, one minute at a time.
    // -----------------------------------------------------------------------------------

    /// Whether `host` can take `[start, end)`, or the reason it cannot.
    fn host_verdict(&self, model: &ModelHost, start: i64, end: i64) -> Result<(), Rejection> {
        let timezone = model.host.schedule.timezone();
        // Slots and range boundaries fall on whole minutes in these zones, so checking every
        // minute of the meeting decides whether all of it is open.
        let mut minute = start;
        while minute < end {
            let local = timezone.to_datetime(at(minute)).date();
            let mut open = false;
            let mut off = false;
            for days in -2..=2 {
                let day = add_days(local, days);
                let day_start = model.reach(day, 0);
                let day_end = model.reach(add_days(day, 1), 0);
                if model.host.view().is_off(day) {
                    off |= day_start <= minute && minute < day_end;
                    continue;
                }
                for range in model.host.schedule.hours_on(day) {
                    open |= model.reach(day, range.start_minute()) <= minute
                        && minute < model.reach(day, range.end_minute());
                }
            }
            if off || !open {
                return Err(Rejection::NotOffered);
            }
            minute += MINUTE;
        }
        if let Some(cap) = model.host.max_per_day {
            let day = timezone.to_datetime(at(start)).date();
            let count = model
                .bookings
                .iter()
                .filter(|booking| timezone.to_datetime(**booking).date() == day)
                .count();
            if count >= cap as usize {
                return Err(Rejection::DayFull);
            }
        }
        let blocked_start = start - i64::from(self.rules.buffer_before_minutes) * MINUTE;
        let blocked_end = end + i64::from(self.rules.buffer_after_minutes) * MINUTE;
        if model
            .busy_raw
            .iter()
            .any(|&(busy_start, busy_end)| busy_start < blocked_end && blocked_start < busy_end)
        {
            return Err(Rejection::Busy);
        }
        Ok(())
    }

    fn verdicts(&self, slot: &Slot) -> Vec<Result<(), Rejection>> {
        let (start, end) = (slot.start.as_second(), slot.end.as_second());
        self.hosts
            .iter()
            .map(|model| self.host_verdict(model, start, end))
            .collect()
    }

    fn expected_slots(&self, mode: TeamMode) -> Vec<TeamSlot> {
        // The event type's side is the single-host generator, tested on its own in
        // properties.rs and dst.rs.
        let candidates = slots(
            &self.event,
            &self.rules,
            &BusyTimes::default(),
            &self.event_counts,
            self.from,
            self.to,
            self.now,
        );
        candidates
            .iter()
            .filter_map(|slot| {
                let verdicts = self.verdicts(slot);
                let free_hosts: Vec<usize> = (0..verdicts.len())
                    .filter(|&index| verdicts[index].is_ok())
                    .collect();
                let offered = match mode {
                    TeamMode::Any => !free_hosts.is_empty(),
                    TeamMode::All => free_hosts.len() == verdicts.len(),
                };
                offered.then_some(TeamSlot {
                    start: slot.start,
                    end: slot.end,
                    free_hosts,
                })
            })
            .collect()
    }

    fn expected_check(&self, mode: TeamMode, start: Timestamp) -> Result<TeamSlot, Rejection> {
        let slot = check_start(
            &self.event,
            &self.rules,
            &BusyTimes::default(),
            &self.event_counts,
            start,
            self.now,
        )?;
        let verdicts = self.verdicts(&slot);
        let free_hosts: Vec<usize> = (0..verdicts.len())
            .filter(|&index| verdicts[index].is_ok())
            .collect();
        let failures: Vec<Rejection> = verdicts.iter().filter_map(|v| v.err()).collect();
        let rank = |rejection: &Rejection| match rejection {
            Rejection::Busy => 2,
            Rejection::DayFull => 1,
            _ => 0,
        };
        match mode {
            TeamMode::Any if free_hosts.is_empty() => {
                Err(failures.iter().copied().max_by_key(rank).unwrap())
            }
            TeamMode::All if !failures.is_empty() => {
                Err(failures.iter().copied().min_by_key(rank).unwrap())
            }
            _ => Ok(TeamSlot {
                start: slot.start,
                end: slot.end,
                free_hosts,
            }),
        }
    }
}

impl ModelHost {
    /// The first instant whose wall clock reads `minute` after `day`'s midnight or later,
    /// found from the zone's offsets by bisection rather than by the engine's resolution.
    fn reach(&self, day: Date, minute: u16) -> i64 {
        *self
            .reach
            .borrow_mut()
            .entry((day, minute))
            .or_insert_with(|| {
                let civil: DateTime = day
                    .to_datetime(jiff::civil::Time::midnight())
                    .checked_add(SignedDuration::from_mins(i64::from(minute)))
                    .unwrap();
                let timezone = self.host.schedule.timezone();
                match timezone.to_ambiguous_timestamp(civil).offset() {
                    AmbiguousOffset::Unambiguous { offset } => {
                        offset.to_timestamp(civil).unwrap().as_second()
                    }
                    AmbiguousOffset::Fold { before, .. } => {
                        before.to_timestamp(civil).unwrap().as_second()
                    }
                    AmbiguousOffset::Gap { before, after } => {
                        let mut low = after.to_timestamp(civil).unwrap().as_second();
                        let mut high = before.to_timestamp(civil).unwrap().as_second();
                        while high - low > 1 {
                            let middle = low + (high - low) / 2;
                            if timezone.to_offset(at(middle)) == before {
                                low = middle;
                            } else {
                                high = middle;
                            }
                        }
                        high
                    }
                }
            })
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(128);
    ProptestConfig {
        cases,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn team_slots_match_the_model(case in team_case()) {
        let world = World::new(&case);
        for mode in [TeamMode::Any, TeamMode::All] {
            let offered = world.team_slots(mode);
            let expected = world.expected_slots(mode);
            prop_assert_eq!(&offered, &expected, "{:?}", mode);
            for slot in &offered {
                prop_assert_eq!(world.team_check(mode, slot.start), Ok(slot.clone()));
            }
            let mut probes = world.probes.clone();
            probes.extend(offered.iter().take(6).map(|slot| at(slot.start.as_second() + MINUTE)));
            for probe in probes {
                prop_assert_eq!(
                    world.team_check(mode, probe),
                    world.expected_check(mode, probe),
                    "{:?} at {}", mode, probe
                );
            }
        }
        // Host busy time and counts outside the single-host lookups change nothing.
        let within = |lookup: Lookup| -> Vec<Host> {
            world
                .hosts
                .iter()
                .map(|model| Host {
                    busy: BusyTimes::from_seconds(
                        model.busy_raw.iter().copied().filter(|&(start, end)| {
                            start < lookup.busy.1 && end > lookup.busy.0
                        }),
                    ),
                    day_counts: DayCounts::from_starts(
                        model.host.schedule.timezone(),
                        model.bookings.iter().copied().filter(|start| {
                            (lookup.starts.0..lookup.starts.1).contains(&start.as_second())
                        }),
                    ),
                    ..model.host.clone()
                })
                .collect()
        };
        for mode in [TeamMode::Any, TeamMode::All] {
            let owned = within(slots_lookup(&world.rules, world.from, world.to, world.now));
            let hosts = views(&owned);
            prop_assert_eq!(
                team_slots(
                    &world.event, &world.rules, &world.event_counts, &hosts, mode,
                    world.from, world.to, world.now,
                ),
                world.team_slots(mode)
            );
            for &probe in &world.probes {
                let owned = within(check_lookup(&world.rules, probe));
                let hosts = views(&owned);
                prop_assert_eq!(
                    team_check_start(
                        &world.event, &world.rules, &world.event_counts, &hosts, mode,
                        probe, world.now,
                    ),
                    world.team_check(mode, probe)
                );
            }
        }

        // Any is the union of the hosts' own slots, All their intersection.
        let any = world.team_slots(TeamMode::Any);
        let all = world.team_slots(TeamMode::All);
        let per_host: Vec<Vec<Timestamp>> = world
            .inputs()
            .into_iter()
            .map(|host| {
                team_slots(
                    &world.event, &world.rules, &world.event_counts, &[host],
                    TeamMode::Any, world.from, world.to, world.now,
                )
                .into_iter()
                .map(|slot| slot.start)
                .collect()
            })
            .collect();
        for slot in &any {
            let holders: Vec<usize> = (0..per_host.len())
                .filter(|&index| per_host[index].contains(&slot.start))
                .collect();
            prop_assert_eq!(&holders, &slot.free_hosts);
        }
        let union: usize = {
            let mut starts: Vec<Timestamp> = per_host.concat();
            starts.sort();
            starts.dedup();
            starts.len()
        };
        prop_assert_eq!(union, any.len());
        let intersection = per_host[0]
            .iter()
            .filter(|start| per_host.iter().all(|starts| starts.contains(start)))
            .count();
        prop_assert_eq!(intersection, all.len());
    }

    #[test]
    fn one_host_without_hours_is_the_single_host_engine(
        event in schedule_case(),
        rules in event_rules(),
        host_zone in prop::sample::select(ZONES),
        busy in prop::collection::vec((-DAY / MINUTE..6 * DAY / MINUTE, 1..6 * HOUR / MINUTE), 0..20),
        bookings in prop::collection::vec(0..5 * DAY / MINUTE, 0..6),
        now_second in 1_230_768_000i64..1_861_920_000,
        from_offset in -DAY..DAY,
        span in 0..5 * DAY,
        probes in prop::collection::vec(0..5 * DAY / MINUTE, 0..16),
        same_schedule in any::<bool>(),
    ) {
        let now_second = now_second - now_second.rem_euclid(MINUTE);
        let now = at(now_second);
        let schedule = build_schedule(&event, now);
        let busy = BusyTimes::from_seconds(busy.iter().map(|&(offset, length)| {
            let start = now_second + offset * MINUTE;
            (start, start + length * MINUTE)
        }));
        let counts = DayCounts::from_starts(
            schedule.timezone(),
            bookings.iter().map(|minutes| at(now_second + minutes * MINUTE)),
        );
        // A host whose hours are the event type's own (today's single host) or none at all.
        let host_schedule = if same_schedule {
            schedule.clone()
        } else {
            Schedule::always_open(zone(host_zone))
        };
        let mut host = Host::new(host_schedule);
        host.busy = busy.clone();
        let hosts = [host.view()];
        let from = at(now_second + from_offset);
        let to = at(now_second + from_offset + span);
        let single = slots(&schedule, &rules, &busy, &counts, from, to, now);
        for mode in [TeamMode::Any, TeamMode::All] {
            let team = team_slots(&schedule, &rules, &counts, &hosts, mode, from, to, now);
            let as_slots: Vec<Slot> = team.iter().map(TeamSlot::slot).collect();
            prop_assert_eq!(&as_slots, &single);
            prop_assert!(team.iter().all(|slot| slot.free_hosts == [0]));
            let mut starts: Vec<Timestamp> = probes
                .iter()
                .map(|minutes| at(from.as_second() + minutes * MINUTE))
                .collect();
            starts.extend(single.iter().map(|slot| slot.start));
            for start in starts {
                let team = team_check_start(&schedule, &rules, &counts, &hosts, mode, start, now);
                prop_assert_eq!(
                    team.map(|slot| slot.slot()),
                    check_start(&schedule, &rules, &busy, &counts, start, now),
                    "{:?} at {}", mode, start
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Hand-computed cases across DST transitions and zones
// ---------------------------------------------------------------------------------------

fn hourly(duration: u32, step: u32) -> EventRules {
    EventRules {
        duration_minutes: duration,
        step_minutes: step,
        lookahead_days: 800,
        ..EventRules::default()
    }
}

fn long_ago() -> Timestamp {
    ts("2026-06-01T00:00:00Z")
}

fn on_date(zone_name: &str, day: Date, hours: &[(u16, u16)]) -> Schedule {
    let mut schedule = Schedule::new(zone(zone_name));
    schedule.set_override(day, ranges(hours)).unwrap();
    schedule
}

fn weekdays(zone_name: &str, hours: &[(u16, u16)]) -> Schedule {
    let mut schedule = Schedule::new(zone(zone_name));
    for weekday in &WEEKDAYS[..5] {
        schedule.set_weekday(*weekday, ranges(hours)).unwrap();
    }
    schedule
}

/// Team slots of an event type open all day (UTC) as (start, free hosts) in UTC.
fn team(
    rules: &EventRules,
    hosts: &[Host],
    mode: TeamMode,
    from: &str,
    to: &str,
) -> Vec<(String, Vec<usize>)> {
    team_slots(
        &Schedule::always_open(TimeZone::UTC),
        rules,
        &DayCounts::default(),
        &views(hosts),
        mode,
        ts(from),
        ts(to),
        long_ago(),
    )
    .into_iter()
    .map(|slot| (slot.start.to_string(), slot.free_hosts))
    .collect()
}

fn listed(starts: &[(&str, &[usize])]) -> Vec<(String, Vec<usize>)> {
    starts
        .iter()
        .map(|(start, hosts)| (start.to_string(), hosts.to_vec()))
        .collect()
}

#[test]
fn new_york_host_hours_across_the_spring_gap() {
    // 01:00-04:00 on 2027-03-14 opens at 01:00 EST (06:00Z) and closes at 04:00 EDT
    // (08:00Z): two hours of real time.
    let host = Host::new(on_date("America/New_York", date(2027, 3, 14), &[(60, 240)]));
    let got = team(
        &hourly(30, 30),
        &[host],
        TeamMode::Any,
        "2027-03-14T00:00:00Z",
        "2027-03-15T00:00:00Z",
    );
    assert_eq!(
        got,
        listed(&[
            ("2027-03-14T06:00:00Z", &[0]),
            ("2027-03-14T06:30:00Z", &[0]),
            ("2027-03-14T07:00:00Z", &[0]),
            ("2027-03-14T07:30:00Z", &[0]),
        ])
    );
}

#[test]
fn new_york_host_hours_in_the_fall_fold() {
    // 2027-11-07: 02:00 EDT falls back to 01:00 EST. Host 0 works 00:00-02:00: from
    // 00:00 EDT (04:00Z) to 02:00 EST (07:00Z), three hours. Host 1 works 01:00-01:30:
    // the first reading of each, 05:00Z-05:30Z; the repeated 01:00-01:30 EST is not open.
    let day = date(2027, 11, 7);
    let hosts = [
        Host::new(on_date("America/New_York", day, &[(0, 120)])),
        Host::new(on_date("America/New_York", day, &[(60, 90)])),
    ];
    let from = "2027-11-07T00:00:00Z";
    let to = "2027-11-08T00:00:00Z";
    assert_eq!(
        team(&hourly(30, 30), &hosts, TeamMode::Any, from, to),
        listed(&[
            ("2027-11-07T04:00:00Z", &[0]),
            ("2027-11-07T04:30:00Z", &[0]),
            ("2027-11-07T05:00:00Z", &[0, 1]),
            ("2027-11-07T05:30:00Z", &[0]),
            ("2027-11-07T06:00:00Z", &[0]),
            ("2027-11-07T06:30:00Z", &[0]),
        ])
    );
    assert_eq!(
        team(&hourly(30, 30), &hosts, TeamMode::All, from, to),
        listed(&[("2027-11-07T05:00:00Z", &[0, 1])])
    );
}

#[test]
fn london_and_new_york_hosts_between_and_after_the_two_changes() {
    // Both work Mon-Fri 09:00-17:00 in their own zone. New York moves to EDT on 14 March
    // 2027, London to BST on 28 March.
    let hosts = [
        Host::new(weekdays("Europe/London", &[(540, 1020)])),
        Host::new(weekdays("America/New_York", &[(540, 1020)])),
    ];
    let rules = hourly(60, 60);
    let starts = |mode, day: &str| -> Vec<(String, Vec<usize>)> {
        team(
            &rules,
            &hosts,
            mode,
            &format!("{day}T00:00:00Z"),
            &format!("{day}T23:59:59Z"),
        )
    };
    let hour = |day: &str, hour: u32| format!("{day}T{hour:02}:00:00Z");
    let expect = |day: &str, london: std::ops::Range<u32>, new_york: std::ops::Range<u32>| {
        let mut any = Vec::new();
        for h in london.start.min(new_york.start)..london.end.max(new_york.end) {
            let free: Vec<usize> = [london.contains(&h), new_york.contains(&h)]
                .iter()
                .enumerate()
                .filter(|(_, free)| **free)
                .map(|(index, _)| index)
                .collect();
            if !free.is_empty() {
                any.push((hour(day, h), free));
            }
        }
        let all: Vec<(String, Vec<usize>)> = any
            .iter()
            .filter(|(_, free)| free.len() == 2)
            .cloned()
            .collect();
        (any, all)
    };
    // Before either change: London 09-17Z, New York (EST) 14-22Z.
    // Between: London 09-17Z, New York (EDT) 13-21Z. After both: London (BST) 08-16Z.
    for (day, london, new_york, overlap) in [
        ("2027-03-08", 9..17, 14..22, 3),
        ("2027-03-15", 9..17, 13..21, 4),
        ("2027-03-29", 8..16, 13..21, 3),
    ] {
        let (any, all) = expect(day, london, new_york);
        assert_eq!(starts(TeamMode::Any, day), any, "{day}");
        assert_eq!(starts(TeamMode::All, day), all, "{day}");
        assert_eq!(all.len(), overlap, "{day}");
    }
}

#[test]
fn sydney_time_off_on_the_day_clocks_go_back() {
    // 2027-04-04 in Sydney runs from 00:00 AEDT (03T13:00Z) to 00:00 AEST on the 5th
    // (04T14:00Z): 25 hours, all off. A meeting ending at its first instant is fine; one
    // touching it is not.
    let mut host = Host::new(Schedule::always_open(zone("Australia/Sydney")));
    host.time_off.push((date(2027, 4, 4), date(2027, 4, 4)));
    let hosts = [host];
    let got = team(
        &hourly(60, 30),
        &hosts,
        TeamMode::Any,
        "2027-04-03T10:00:00Z",
        "2027-04-04T17:00:00Z",
    );
    let expected: Vec<&str> = vec![
        "2027-04-03T10:00:00Z",
        "2027-04-03T10:30:00Z",
        "2027-04-03T11:00:00Z",
        "2027-04-03T11:30:00Z",
        "2027-04-03T12:00:00Z",
        "2027-04-04T14:00:00Z",
        "2027-04-04T14:30:00Z",
        "2027-04-04T15:00:00Z",
        "2027-04-04T15:30:00Z",
        "2027-04-04T16:00:00Z",
        "2027-04-04T16:30:00Z",
    ];
    let got_starts: Vec<&str> = got.iter().map(|(start, _)| start.as_str()).collect();
    assert_eq!(got_starts, expected);
    let check = |start: &str| {
        team_check_start(
            &Schedule::always_open(TimeZone::UTC),
            &hourly(60, 30),
            &DayCounts::default(),
            &views(&hosts),
            TeamMode::Any,
            ts(start),
            long_ago(),
        )
    };
    assert_eq!(check("2027-04-03T12:30:00Z"), Err(Rejection::NotOffered));
    assert_eq!(check("2027-04-04T13:30:00Z"), Err(Rejection::NotOffered));
    assert!(check("2027-04-04T14:00:00Z").is_ok());
}

#[test]
fn tokyo_daily_cap_counts_the_tokyo_date() {
    // One booking on Tokyo's 2027-05-11 (10T15:00Z to 11T15:00Z) fills a cap of one.
    let mut tokyo = Host::new(Schedule::always_open(zone("Asia/Tokyo")));
    tokyo.max_per_day = Some(1);
    tokyo.day_counts = DayCounts::from_starts(&zone("Asia/Tokyo"), [ts("2027-05-10T20:00:00Z")]);
    let london = Host::new(Schedule::always_open(zone("Europe/London")));
    let hosts = [tokyo, london];
    let got = team(
        &hourly(60, 60),
        &hosts,
        TeamMode::Any,
        "2027-05-10T13:00:00Z",
        "2027-05-11T17:00:00Z",
    );
    for (start, free) in &got {
        let start = ts(start);
        let full = ts("2027-05-10T15:00:00Z") <= start && start < ts("2027-05-11T15:00:00Z");
        let expected: &[usize] = if full { &[1] } else { &[0, 1] };
        assert_eq!(free, expected, "{start}");
    }
    assert_eq!(got.len(), 28);
    let check = |mode, start: &str| {
        team_check_start(
            &Schedule::always_open(TimeZone::UTC),
            &hourly(60, 60),
            &DayCounts::default(),
            &views(&hosts),
            mode,
            ts(start),
            long_ago(),
        )
    };
    assert_eq!(
        check(TeamMode::Any, "2027-05-10T16:00:00Z").map(|slot| slot.free_hosts),
        Ok(vec![1])
    );
    assert_eq!(
        check(TeamMode::All, "2027-05-10T16:00:00Z"),
        Err(Rejection::DayFull)
    );
    assert_eq!(
        check(TeamMode::All, "2027-05-10T14:00:00Z").map(|slot| slot.free_hosts),
        Ok(vec![0, 1])
    );
}

#[test]
fn rejection_names_the_closest_host_for_any_and_the_most_basic_for_all() {
    let day = date(2027, 6, 1);
    let mut busy = Host::new(on_date("Europe/Berlin", day, &[(540, 1020)]));
    busy.busy = BusyTimes::new([Interval {
        start: ts("2027-06-01T08:00:00Z"),
        end: ts("2027-06-01T09:00:00Z"),
    }]);
    let closed = Host::new(on_date("America/Chicago", day, &[(540, 1020)]));
    let hosts = [busy, closed];
    let event = Schedule::always_open(TimeZone::UTC);
    let check = |mode| {
        team_check_start(
            &event,
            &hourly(30, 30),
            &DayCounts::default(),
            &views(&hosts),
            mode,
            ts("2027-06-01T08:00:00Z"),
            long_ago(),
        )
    };
    assert_eq!(check(TeamMode::Any), Err(Rejection::Busy));
    assert_eq!(check(TeamMode::All), Err(Rejection::NotOffered));
    // The event type's own rules come first.
    assert_eq!(
        team_check_start(
            &event,
            &hourly(30, 30),
            &DayCounts::default(),
            &views(&hosts),
            TeamMode::Any,
            ts("2027-06-01T08:10:00Z"),
            long_ago(),
        ),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        team_check_start(
            &event,
            &hourly(30, 30),
            &DayCounts::default(),
            &views(&hosts),
            TeamMode::Any,
            ts("2027-06-01T08:00:00Z"),
            ts("2027-06-01T09:00:00Z"),
        ),
        Err(Rejection::InPast)
    );
    assert_eq!(
        team_check_start(
            &event,
            &hourly(30, 30),
            &DayCounts::default(),
            &[],
            TeamMode::Any,
            ts("2027-06-01T08:00:00Z"),
            long_ago(),
        ),
        Err(Rejection::NotOffered)
    );
}

#[test]
fn event_hours_and_host_hours_intersect_in_their_own_zones() {
    // Event type: 09:00-12:00 Tokyo on Tuesday 6 July (00:00-03:00Z). Host 0 works
    // 08:00-10:00 London (BST, 07:00-09:00Z): no overlap. Host 1 works 17:00-19:00 in
    // Los Angeles on Monday 5 July (PDT, 6 July 00:00-02:00Z): two hours in common.
    let event = on_date("Asia/Tokyo", date(2027, 7, 6), &[(540, 720)]);
    let hosts = [
        Host::new(weekdays("Europe/London", &[(480, 600)])),
        Host::new(weekdays("America/Los_Angeles", &[(1020, 1140)])),
    ];
    let got: Vec<(String, Vec<usize>)> = team_slots(
        &event,
        &hourly(60, 30),
        &DayCounts::default(),
        &views(&hosts),
        TeamMode::Any,
        ts("2027-07-05T00:00:00Z"),
        ts("2027-07-07T00:00:00Z"),
        long_ago(),
    )
    .into_iter()
    .map(|slot| (slot.start.to_string(), slot.free_hosts))
    .collect();
    assert_eq!(
        got,
        listed(&[
            ("2027-07-06T00:00:00Z", &[1]),
            ("2027-07-06T00:30:00Z", &[1]),
            ("2027-07-06T01:00:00Z", &[1]),
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Round-robin fairness
// ---------------------------------------------------------------------------------------

/// Bookings of a round-robin event type, tracked the way the server feeds the ranking:
/// counts and last booking within a sliding window of `window_days` days.
struct Fairness {
    weights: Vec<u32>,
    /// (day, host) of every booking so far, in order
    history: Vec<(i64, usize)>,
    window_days: i64,
}

impl Fairness {
    fn new(weights: &[u32], window_days: i64) -> Self {
        Fairness {
            weights: weights.to_vec(),
            history: Vec::new(),
            window_days,
        }
    }

    /// Books one slot on `day` among the `free` hosts; returns the host chosen.
    fn book(&mut self, day: i64, free: &[usize]) -> Option<usize> {
        let candidates: Vec<Candidate> = free
            .iter()
            .map(|&index| {
                let in_window = self
                    .history
                    .iter()
                    .enumerate()
                    .filter(|(_, (booked_day, host))| {
                        *host == index && *booked_day > day - self.window_days
                    })
                    .map(|(order, _)| order as i64);
                Candidate {
                    index,
                    weight: self.weights[index],
                    bookings_in_window: in_window.clone().count() as u64,
                    last_booked_at: in_window.max(),
                }
            })
            .collect();
        let chosen = *rank_round_robin(&candidates).first()?;
        self.history.push((day, chosen));
        Some(chosen)
    }

    fn counts_since(&self, first_day: i64) -> Vec<u64> {
        let mut counts = vec![0; self.weights.len()];
        for &(day, host) in &self.history {
            if day >= first_day {
                counts[host] += 1;
            }
        }
        counts
    }
}

#[test]
fn three_hundred_bookings_with_weights_two_one_one() {
    let mut fairness = Fairness::new(&[2, 1, 1], 30);
    for booking in 0..300 {
        fairness.book(booking / 10, &[0, 1, 2]).unwrap();
        // Every prefix stays within two of its share, not just the end.
        let n = booking + 1;
        for (host, count) in fairness.counts_since(0).into_iter().enumerate() {
            let share_times_four = n * i64::from(fairness.weights[host]);
            assert!(
                (count as i64 * 4 - share_times_four).abs() <= 8,
                "after {n} bookings host {host} has {count}"
            );
        }
    }
    let counts = fairness.counts_since(0);
    for (count, share) in counts.iter().zip([150i64, 75, 75]) {
        assert!((*count as i64 - share).abs() <= 2, "{counts:?}");
    }
}

#[test]
fn ties_go_to_never_booked_then_least_recent_then_host_order() {
    let candidate = |index, weight, bookings, last| Candidate {
        index,
        weight,
        bookings_in_window: bookings,
        last_booked_at: last,
    };
    // 2/2 == 1/1 == 3/3: equal shares; index 3 never booked, index 1 booked longest ago.
    let ranked = rank_round_robin(&[
        candidate(0, 2, 2, Some(50)),
        candidate(1, 1, 1, Some(10)),
        candidate(2, 3, 3, Some(10)),
        candidate(3, 1, 1, None),
        candidate(4, 1, 0, Some(99)),
        candidate(5, 0, 0, None),
        candidate(6, 3, 4, None),
    ]);
    // 4 has 0/1; then the ties at 1; then 6 (4/3); weight 0 last.
    assert_eq!(ranked, vec![4, 3, 1, 2, 0, 6, 5]);
    // Exact where floats are not: (2^64 - 2) / (2^32 - 1) and (2^64 - 1) / (2^32 - 1) are
    // the same f64, and the cross products need more than 64 bits.
    let ranked = rank_round_robin(&[
        candidate(0, u32::MAX, u64::MAX, None),
        candidate(1, u32::MAX, u64::MAX - 1, None),
    ]);
    assert_eq!(ranked, vec![1, 0]);
}

#[test]
fn an_often_busy_host_loses_its_share_and_catches_up_only_within_the_window() {
    // 10 bookings a day, weights 2:1:1, a 30-day window. Days 0-59: host 2 is busy at
    // every booked slot; days 60-179: everyone is free.
    let mut fairness = Fairness::new(&[2, 1, 1], 30);
    let mut run_of_host_2 = 0;
    let mut longest_run = 0;
    for booking in 0..1800 {
        let day = booking / 10;
        let free: &[usize] = if day < 60 { &[0, 1] } else { &[0, 1, 2] };
        let chosen = fairness.book(day, free).unwrap();
        assert!(free.contains(&chosen));
        if chosen == 2 {
            run_of_host_2 += 1;
            longest_run = longest_run.max(run_of_host_2);
        } else {
            run_of_host_2 = 0;
        }
        if day == 59 && booking % 10 == 9 {
            // The free hosts took host 2's share between them, 2:1.
            let counts = fairness.counts_since(30);
            assert_eq!(counts[2], 0);
            assert!((counts[0] as i64 - 200).abs() <= 2, "{counts:?}");
            assert!((counts[1] as i64 - 100).abs() <= 2, "{counts:?}");
        }
    }
    // Catching up: host 2 is ranked first until its count reaches host 1's within the
    // window. With all-time counts it would be owed host 1's 300 bookings of days 0-59;
    // within a 30-day window it is owed at most host 1's 100 of the last 30 days, less as
    // those days slide out.
    assert!(longest_run > 20, "host 2 did catch up ({longest_run})");
    assert!(longest_run <= 100, "bounded catch-up ({longest_run})");
    // Once the busy stretch has left the window, the split is back to the weights.
    let counts = fairness.counts_since(150);
    for (count, share) in counts.iter().zip([150i64, 75, 75]) {
        assert!((*count as i64 - share).abs() <= 2, "{counts:?}");
    }
}

#[test]
fn a_host_busy_at_random_half_the_time() {
    // Host 2 is free at half the slots (pseudo-random). It never gets more than its share;
    // the others split what it cannot take 2:1; it gets most of its share because it is
    // ranked first whenever it is free and behind.
    let mut fairness = Fairness::new(&[2, 1, 1], 30);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for booking in 0..1200 {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let free: &[usize] = if state.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 63 == 0 {
            &[0, 1]
        } else {
            &[0, 1, 2]
        };
        fairness.book(booking / 10, free).unwrap();
    }
    let counts = fairness.counts_since(90);
    let total: u64 = counts.iter().sum();
    assert_eq!(total, 300);
    assert!(counts[2] <= 75 + 1, "{counts:?}");
    assert!(counts[2] >= 60, "{counts:?}");
    let ratio_times_ten = counts[0] * 10 / counts[1];
    assert!((18..=22).contains(&ratio_times_ten), "{counts:?}");
}

proptest! {
    #![proptest_config(config())]

    /// With every host free, each host stays within the ranking's bound of its weighted
    /// share n·w/W after every booking: at most one above, at most (k−1)·w/W below.
    #[test]
    fn every_prefix_is_close_to_the_weighted_share(
        weights in prop::collection::vec(1..=5u32, 1..=6),
        bookings in 1..400usize,
    ) {
        let hosts: Vec<usize> = (0..weights.len()).collect();
        let total_weight: i64 = weights.iter().map(|&w| i64::from(w)).sum();
        let k = weights.len() as i64;
        let mut fairness = Fairness::new(&weights, i64::MAX / 4);
        for n in 1..=bookings as i64 {
            fairness.book(0, &hosts).unwrap();
            for (host, count) in fairness.counts_since(0).into_iter().enumerate() {
                let weight = i64::from(weights[host]);
                let scaled = count as i64 * total_weight;
                prop_assert!(scaled <= n * weight + total_weight, "{:?}", fairness.counts_since(0));
                prop_assert!(scaled >= n * weight - (k - 1) * weight, "{:?}", fairness.counts_since(0));
            }
        }
    }
}
