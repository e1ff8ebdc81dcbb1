//! The iCalendar reader (crates/calendar/src/ical): any text — a calendar server's or a feed's,
//! hostile or broken — gives an error or busy instances, never a panic or a hang. Every
//! instance lies in the window, ends after it starts, and the list is sorted; all-day
//! instances appear only when all-day events are busy; `uids` never panics either.
#![no_main]

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;
use openslot_calendar::ical::{busy_intervals, uids, ExpandOptions};

const ZONES: [&str; 4] = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // Most inputs get a calendar frame so the fuzzer spends its time inside events.
    let ics = if flags & 0x10 != 0 {
        text.into_owned()
    } else {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{text}\r\nEND:VCALENDAR\r\n")
    };
    let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let to = from + SignedDuration::from_hours(400 * 24);
    let mut opts = ExpandOptions::new(
        from,
        to,
        TimeZone::get(ZONES[usize::from(flags & 0x3)]).unwrap(),
    );
    opts.all_day_busy = flags & 0x4 != 0;
    opts.max_instances_per_series = 2_000;
    let _ = uids(&ics);
    let Ok(events) = busy_intervals(&ics, &opts) else {
        return;
    };
    for pair in events.windows(2) {
        assert!(pair[0] <= pair[1], "not sorted");
    }
    for event in &events {
        assert!(event.start < event.end, "empty instance {event:?}");
        assert!(event.start < to && event.end > from, "outside the window {event:?}");
        assert!(opts.all_day_busy || !event.all_day, "all-day while not busy {event:?}");
    }
});
