//! Slot generation for one host: Mon-Fri 09:00-17:00 in America/New_York, 30-minute
//! slots, a 60-day window (crossing the March DST change), with 1,000 or 10,000 busy
//! intervals spread over the window.
//!
//! Run with `cargo bench -p openslot-engine --bench slots`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use jiff::{civil::Weekday, tz::TimeZone, Timestamp};
use openslot_engine::{
    check_start, slots, window_end, BusyTimes, DayCounts, EventRules, HourRange, Interval, Schedule,
};

const DAY: i64 = 86_400;

fn schedule() -> Schedule {
    let mut schedule = Schedule::new(TimeZone::get("America/New_York").unwrap());
    for weekday in [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ] {
        let hours: HourRange = "09:00-17:00".parse().unwrap();
        schedule.set_weekday(weekday, vec![hours]).unwrap();
    }
    schedule
}

fn rules() -> EventRules {
    EventRules {
        duration_minutes: 30,
        step_minutes: 30,
        buffer_before_minutes: 5,
        buffer_after_minutes: 5,
        min_lead_minutes: 120,
        lookahead_days: 60,
        max_per_day: Some(8),
    }
}

fn now() -> Timestamp {
    "2027-03-01T12:00:00Z".parse().unwrap()
}

/// `count` intervals evenly spread over the 60 days from `now`, each with a pseudo-random
/// offset within its share and a length of 10% to 50% of it, in shuffled order.
fn busy_intervals(count: usize) -> Vec<Interval> {
    if count == 0 {
        return Vec::new();
    }
    let start = now().as_second();
    let share = 60 * DAY / count as i64;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
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

/// A few bookings of the event type, for the daily cap.
fn counts(schedule: &Schedule) -> DayCounts {
    let first = now().as_second() + 10 * DAY;
    DayCounts::from_starts(
        schedule.timezone(),
        (0..8).map(|i| Timestamp::from_second(first + i * 1800).unwrap()),
    )
}

fn bench_slots(c: &mut Criterion) {
    let schedule = schedule();
    let rules = rules();
    let counts = counts(&schedule);
    let now = now();
    let to = window_end(&rules, now);

    for count in [0, 1_000, 10_000] {
        let busy = BusyTimes::new(busy_intervals(count));
        let offered = slots(&schedule, &rules, &busy, &counts, now, to, now);
        eprintln!(
            "{count} busy intervals ({} merged spans): {} slots offered",
            busy.len(),
            offered.len()
        );
        c.bench_function(&format!("slots/60_days/busy_{count}"), |b| {
            b.iter(|| {
                slots(
                    black_box(&schedule),
                    black_box(&rules),
                    black_box(&busy),
                    black_box(&counts),
                    black_box(now),
                    black_box(to),
                    black_box(now),
                )
            })
        });
    }

    // With 10,000 busy intervals nearly every slot is taken, so these use 1,000.
    let busy = BusyTimes::new(busy_intervals(1_000));
    // Wednesday 2027-03-17, local midnight to midnight (EDT).
    let day_from: Timestamp = "2027-03-17T04:00:00Z".parse().unwrap();
    let day_to: Timestamp = "2027-03-18T04:00:00Z".parse().unwrap();
    c.bench_function("slots/one_day/busy_1000", |b| {
        b.iter(|| {
            slots(
                black_box(&schedule),
                black_box(&rules),
                black_box(&busy),
                black_box(&counts),
                black_box(day_from),
                black_box(day_to),
                black_box(now),
            )
        })
    });

    let offered = slots(&schedule, &rules, &busy, &counts, day_from, day_to, now);
    let start = offered.first().expect("a free slot on the day").start;
    assert!(check_start(&schedule, &rules, &busy, &counts, start, now).is_ok());
    c.bench_function("check_start/busy_1000", |b| {
        b.iter(|| {
            check_start(
                black_box(&schedule),
                black_box(&rules),
                black_box(&busy),
                black_box(&counts),
                black_box(start),
                black_box(now),
            )
        })
    });
}

fn bench_busy_times(c: &mut Criterion) {
    let intervals = busy_intervals(10_000);
    c.bench_function("busy_times_new/10000", |b| {
        b.iter(|| BusyTimes::new(black_box(&intervals).iter().copied()))
    });
}

criterion_group!(benches, bench_slots, bench_busy_times);
criterion_main!(benches);
