//! Round-robin availability for a team: 50 hosts in five zones (Mon-Fri 09:00-17:00 each,
//! some with time off and a daily cap), 1,000 busy intervals per host, over a 60-day
//! window crossing the March DST changes on both sides of the Atlantic. Two event types:
//! one with its own hours (Mon-Fri 08:00-18:00 New York) and one without (always open),
//! 30-minute slots every 15 minutes.
//!
//! Run with `cargo bench -p openslot-engine --bench team`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use jiff::{civil::Weekday, tz::TimeZone, Timestamp};
use openslot_engine::{
    team_check_start, team_slots, window_end, BusyTimes, DayCounts, EventRules, HostAvailability,
    HourRange, Interval, Schedule, TeamMode,
};

const DAY: i64 = 86_400;
const HOSTS: usize = 50;
const BUSY_PER_HOST: usize = 1_000;
const ZONES: [&str; 5] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
];
const WORK_DAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

fn weekday_schedule(zone: &str, hours: &str) -> Schedule {
    let mut schedule = Schedule::new(TimeZone::get(zone).unwrap());
    for weekday in WORK_DAYS {
        let range: HourRange = hours.parse().unwrap();
        schedule.set_weekday(weekday, vec![range]).unwrap();
    }
    schedule
}

fn rules() -> EventRules {
    EventRules {
        duration_minutes: 30,
        step_minutes: 15,
        buffer_before_minutes: 5,
        buffer_after_minutes: 5,
        min_lead_minutes: 120,
        lookahead_days: 60,
        max_per_day: None,
    }
}

fn now() -> Timestamp {
    "2027-03-01T12:00:00Z".parse().unwrap()
}

/// `count` intervals spread over the 60 days from `now`, each at a pseudo-random offset
/// within its share and 10% to 50% of it long, in shuffled order.
fn busy_intervals(count: usize, seed: u64) -> Vec<Interval> {
    let start = now().as_second();
    let share = 60 * DAY / count as i64;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let mut random = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut intervals: Vec<Interval> = (0..count as i64)
        .map(|index| {
            let length = share / 10 + (random() % (share as u64 * 4 / 10)) as i64;
            let offset = (random() % (share - length) as u64) as i64;
            let begin = start + index * share + offset;
            Interval {
                start: Timestamp::from_second(begin).unwrap(),
                end: Timestamp::from_second(begin + length).unwrap(),
            }
        })
        .collect();
    for index in (1..intervals.len()).rev() {
        intervals.swap(index, random() as usize % (index + 1));
    }
    intervals
}

/// One host's configuration and busy time, owned; the engine borrows it.
struct Host {
    schedule: Schedule,
    time_off: Vec<(jiff::civil::Date, jiff::civil::Date)>,
    busy: BusyTimes,
    max_per_day: Option<u32>,
    day_counts: DayCounts,
}

fn hosts() -> Vec<Host> {
    let today = TimeZone::UTC.to_datetime(now()).date();
    (0..HOSTS)
        .map(|index| {
            let zone = ZONES[index % ZONES.len()];
            let schedule = weekday_schedule(zone, "09:00-17:00");
            let mut time_off = Vec::new();
            if index % 3 == 0 {
                let first = today
                    .checked_add(jiff::Span::new().days(7 + index as i64 % 20))
                    .unwrap();
                let last = first.checked_add(jiff::Span::new().days(4)).unwrap();
                time_off.push((first, last));
            }
            let (max_per_day, day_counts) = if index % 2 == 0 {
                let first = now().as_second() + (2 + index as i64 % 30) * DAY;
                let counts = DayCounts::from_starts(
                    schedule.timezone(),
                    (0..6).map(|i| Timestamp::from_second(first + i * 1800).unwrap()),
                );
                (Some(6), counts)
            } else {
                (None, DayCounts::default())
            };
            Host {
                busy: BusyTimes::new(busy_intervals(BUSY_PER_HOST, index as u64 + 1)),
                schedule,
                time_off,
                max_per_day,
                day_counts,
            }
        })
        .collect()
}

fn bench_team(c: &mut Criterion) {
    let owned = hosts();
    let hosts: Vec<HostAvailability<'_>> = owned
        .iter()
        .map(|host| HostAvailability {
            schedule: &host.schedule,
            time_off: &host.time_off,
            busy: &host.busy,
            max_per_day: host.max_per_day,
            day_counts: &host.day_counts,
        })
        .collect();
    let rules = rules();
    let now = now();
    let to = window_end(&rules, now);
    let counts = DayCounts::default();
    let with_hours = weekday_schedule("America/New_York", "08:00-18:00");
    let without_hours = Schedule::always_open(TimeZone::UTC);

    for (name, schedule) in [
        ("event_hours", &with_hours),
        ("no_event_hours", &without_hours),
    ] {
        for mode in [TeamMode::Any, TeamMode::All] {
            let offered = team_slots(schedule, &rules, &counts, &hosts, mode, now, to, now);
            let pairs: usize = offered.iter().map(|slot| slot.free_hosts.len()).sum();
            eprintln!(
                "{name} {mode:?}: {} slots offered, {pairs} (slot, free host) pairs",
                offered.len()
            );
            let label = format!("team_slots/{mode:?}/{name}/50_hosts/60_days/busy_1000");
            c.bench_function(&label, |b| {
                b.iter(|| {
                    team_slots(
                        black_box(schedule),
                        black_box(&rules),
                        black_box(&counts),
                        black_box(&hosts),
                        black_box(mode),
                        black_box(now),
                        black_box(to),
                        black_box(now),
                    )
                })
            });
        }
    }

    let offered = team_slots(
        &with_hours,
        &rules,
        &counts,
        &hosts,
        TeamMode::Any,
        now,
        to,
        now,
    );
    let start = offered[offered.len() / 2].start;
    c.bench_function("team_check_start/Any/50_hosts/busy_1000", |b| {
        b.iter(|| {
            team_check_start(
                black_box(&with_hours),
                black_box(&rules),
                black_box(&counts),
                black_box(&hosts),
                black_box(TeamMode::Any),
                black_box(start),
                black_box(now),
            )
        })
    });
}

criterion_group!(benches, bench_team);
criterion_main!(benches);
