//! A host's whole calendar as one ICS feed: 5,000 events, 200 of them recurring series
//! (weekly with BYDAY, monthly by ordinal weekday or month day, some with EXDATE and an
//! override), expanded over a 400-day window in Europe/Berlin, DST changes included.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use openslot_calendar::ical::{busy_intervals, ExpandOptions};

fn feed() -> String {
    let mut ics =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot//bench//EN\r\n");
    let base = jiff::civil::date(2026, 1, 5);
    for i in 0..5_000u32 {
        let day = base + jiff::Span::new().days(i64::from(i % 400));
        let hour = 8 + (i % 9);
        let start = format!(
            "{}T{:02}{:02}00",
            day.strftime("%Y%m%d"),
            hour,
            (i % 4) * 15
        );
        ics.push_str("BEGIN:VEVENT\r\n");
        ics.push_str(&format!(
            "UID:bench-{i}@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        ));
        ics.push_str(&format!(
            "DTSTART;TZID=Europe/Berlin:{start}\r\nDURATION:PT45M\r\n"
        ));
        ics.push_str("SUMMARY:Meeting\r\n");
        if i < 200 {
            if i % 2 == 0 {
                ics.push_str("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n");
                ics.push_str(&format!("EXDATE;TZID=Europe/Berlin:{start}\r\n"));
            } else if i % 4 == 1 {
                ics.push_str("RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=24\r\n");
            } else {
                ics.push_str("RRULE:FREQ=MONTHLY;BYMONTHDAY=15,-1\r\n");
            }
        }
        ics.push_str("END:VEVENT\r\n");
        if i < 200 && i % 10 == 0 {
            // Moves the series' second week to the afternoon.
            let moved = day + jiff::Span::new().days(7);
            ics.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:bench-{i}@example.com\r\nDTSTAMP:20260101T000000Z\r\n\
                 RECURRENCE-ID;TZID=Europe/Berlin:{}T{:02}{:02}00\r\n\
                 DTSTART;TZID=Europe/Berlin:{}T170000\r\nDURATION:PT30M\r\nEND:VEVENT\r\n",
                moved.strftime("%Y%m%d"),
                hour,
                (i % 4) * 15,
                moved.strftime("%Y%m%d"),
            ));
        }
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

fn expand(c: &mut Criterion) {
    let ics = feed();
    let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let to = from + jiff::SignedDuration::from_hours(400 * 24);
    let opts = ExpandOptions::new(from, to, TimeZone::get("Europe/Berlin").unwrap());
    let count = busy_intervals(&ics, &opts).unwrap().len();
    eprintln!(
        "expand: {} bytes of ICS -> {count} busy instances",
        ics.len()
    );
    let mut group = c.benchmark_group("ical");
    group.sample_size(10);
    group.bench_function("5000_events_200_series_400_days", |b| {
        b.iter(|| busy_intervals(black_box(&ics), black_box(&opts)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, expand);
criterion_main!(benches);
