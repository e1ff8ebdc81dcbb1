//! Hand-checked expectations for the iCalendar reader: the RFC 5545 readings where Python's
//! reader differs (DST gaps and folds), the options, `uids`, and hostile input (bounded work,
//! errors instead of panics).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use jiff::Timestamp;
use openslot_calendar::ical::{
    busy_intervals, uids, windows_to_iana, BusyEvent, ExpandOptions, IcalError,
};

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn opts(zone: &str) -> ExpandOptions<'static> {
    ExpandOptions::new(
        ts("2026-01-01T00:00:00Z"),
        ts("2027-02-05T00:00:00Z"),
        TimeZone::get(zone).unwrap(),
    )
}

fn calendar(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
}

fn spans(events: &[BusyEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| (e.start.to_string(), e.end.to_string()))
        .collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/ical/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn a_weekly_meeting_keeps_its_wall_clock_time_across_dst() {
    let events = busy_intervals(&fixture("dst_berlin.ics"), &opts("UTC")).unwrap();
    let standup: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "weekly-standup-berlin")
        .collect();
    // Friday before the change: 09:00 CET = 08:00Z; Monday after: 09:00 CEST = 07:00Z.
    assert!(standup
        .iter()
        .any(|e| e.start == ts("2026-03-27T08:00:00Z")));
    assert!(standup
        .iter()
        .any(|e| e.start == ts("2026-03-30T07:00:00Z")));
    // And back in winter after 25 October.
    assert!(standup
        .iter()
        .any(|e| e.start == ts("2026-10-26T08:00:00Z")));
    // The daily 02:30 falls in the gap on 29 March: RFC 5545 reads it with the offset
    // before the gap (03:30 CEST = 01:30Z), not dropped.
    let gap: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "daily-in-the-gap")
        .collect();
    assert_eq!(gap.len(), 8);
    assert!(gap.iter().any(|e| e.start == ts("2026-03-29T01:30:00Z")));
    // In the fold the first 02:30 (CEST) is meant.
    let fold: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "daily-in-the-fold")
        .collect();
    assert!(fold.iter().any(|e| e.start == ts("2026-10-25T00:30:00Z")));
}

#[test]
fn durations_in_hours_are_exact_in_a_dst_gap() {
    // 02:00 does not exist in New York on 8 March 2026; PT1H is one real hour from 03:00 EDT.
    for tzid in [
        "America/New_York",
        "/mozilla.org/20050126_1/America/New_York",
        "Eastern Standard Time",
    ] {
        let ics = calendar(&format!(
            "BEGIN:VEVENT\r\nUID:gap\r\nDTSTART;TZID=\"{tzid}\":20260308T020000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        ));
        let events = busy_intervals(&ics, &opts("Europe/Berlin")).unwrap();
        assert_eq!(
            spans(&events),
            [("2026-03-08T07:00:00Z".into(), "2026-03-08T08:00:00Z".into())],
            "{tzid}"
        );
    }
}

#[test]
fn a_vtimezone_only_zone_follows_its_own_rules() {
    let events = busy_intervals(&fixture("vtimezone_only.ics"), &opts("UTC")).unwrap();
    let weekly: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "custom-us-weekly")
        .collect();
    // US Pacific rules: 09:00 PST = 17:00Z before 8 March, 09:00 PDT = 16:00Z after.
    assert!(weekly.iter().any(|e| e.start == ts("2026-03-06T17:00:00Z")));
    assert!(weekly.iter().any(|e| e.start == ts("2026-03-09T16:00:00Z")));
    assert!(weekly.iter().any(|e| e.start == ts("2026-11-02T17:00:00Z")));
    let fixed: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "fixed-offset-daily")
        .collect();
    assert_eq!(fixed.len(), 15);
    assert_eq!(fixed[0].start, ts("2026-03-20T04:00:00Z"));
    let southern: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "southern-custom")
        .collect();
    // +11 until the first Sunday of April, +10 after, +11 again from 4 October.
    assert_eq!(southern[0].start, ts("2026-03-29T23:00:00Z"));
    assert_eq!(southern[1].start, ts("2026-04-06T00:00:00Z"));
    assert!(southern
        .iter()
        .any(|e| e.start == ts("2026-10-04T23:00:00Z")));
}

#[test]
fn windows_zone_names_and_every_rrule_part_are_read() {
    assert_eq!(
        windows_to_iana("Romance Standard Time"),
        Some("Europe/Paris")
    );
    let events = busy_intervals(&fixture("windows_zones.ics"), &opts("UTC")).unwrap();
    let pacific: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "windows-pacific")
        .collect();
    assert_eq!(pacific[0].start, ts("2026-03-05T17:00:00Z"));
    assert_eq!(pacific[1].start, ts("2026-03-12T16:00:00Z"));
    let events = busy_intervals(&fixture("rrule_parts.ics"), &opts("UTC")).unwrap();
    let starts = |uid: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.uid == uid)
            .map(|e| e.start.to_string())
            .collect()
    };
    assert_eq!(starts("yearly-thanksgiving"), ["2026-11-26T17:00:00Z"]);
    assert_eq!(
        starts("monthly-second-and-third-setpos")[..3],
        [
            "2026-01-12T13:00:00Z",
            "2026-01-19T13:00:00Z",
            "2026-02-09T13:00:00Z"
        ]
    );
    // RFC 5545's WKST example: the same rule gives different days with WKST=MO and SU.
    assert_ne!(starts("weekly-interval-wkst-mo").len(), 0);
    let mo: Vec<String> = starts("weekly-interval-wkst-mo")
        .iter()
        .map(|s| s[..10].to_string())
        .collect();
    let su: Vec<String> = starts("weekly-interval-wkst-su")
        .iter()
        .map(|s| s[..10].to_string())
        .collect();
    assert_ne!(mo, su);
    assert_eq!(starts("daily-count").len(), 20);
    assert_eq!(starts("secondly").len(), 5);
    assert_eq!(
        starts("monthly-13th-friday")[..2],
        ["2026-02-13T23:00:00Z", "2026-03-13T22:00:00Z"]
    );
}

#[test]
fn overrides_replace_cancel_and_free_their_instances() {
    let events = busy_intervals(&fixture("overrides.ics"), &opts("Europe/Berlin")).unwrap();
    let series: Vec<_> = events
        .iter()
        .filter(|e| e.uid == "series-with-overrides")
        .map(|e| e.start.to_string())
        .collect();
    assert_eq!(
        series.len(),
        12 - 2,
        "moved ones stay, cancelled and transparent go"
    );
    assert!(series.contains(&"2026-03-24T13:00:00Z".to_string()));
    assert!(!series.contains(&"2026-03-23T08:00:00Z".to_string()));
    assert!(!series.contains(&"2026-03-30T07:00:00Z".to_string()));
    assert!(!series.contains(&"2026-04-06T07:00:00Z".to_string()));
    assert!(series.contains(&"2026-05-01T12:00:00Z".to_string()));
    assert!(!events.iter().any(|e| e.uid == "cancelled-series-one-live"));
    assert!(events.iter().any(|e| e.uid == "orphan-override"));
}

#[test]
fn all_day_events_follow_the_option_and_the_hosts_zone() {
    let ics = fixture("floating_allday.ics");
    let mut options = opts("America/New_York");
    let events = busy_intervals(&ics, &options).unwrap();
    let single: Vec<_> = events.iter().filter(|e| e.uid == "allday-single").collect();
    assert_eq!(single.len(), 1);
    assert!(single[0].all_day);
    // Midnight to midnight in New York (EDT since 8 March).
    assert_eq!(single[0].start, ts("2026-03-29T04:00:00Z"));
    assert_eq!(single[0].end, ts("2026-03-30T04:00:00Z"));
    let floating = events.iter().find(|e| e.uid == "floating-weekly").unwrap();
    assert_eq!(floating.start, ts("2026-03-02T14:00:00Z"));
    options.all_day_busy = false;
    let events = busy_intervals(&ics, &options).unwrap();
    assert!(events.iter().all(|e| !e.all_day));
    assert!(events.iter().any(|e| e.uid == "weekend-trip"));
}

#[test]
fn ignored_uids_and_transparency_leave_no_busy_time() {
    let ignored: HashSet<String> = ["opaque".to_string()].into();
    let mut options = opts("Europe/Berlin");
    let all = busy_intervals(&fixture("transp_status.ics"), &options).unwrap();
    let names: Vec<&str> = all.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(names, ["opaque", "tentative"]);
    options.ignore_uids = Some(&ignored);
    let rest = busy_intervals(&fixture("transp_status.ics"), &options).unwrap();
    assert_eq!(
        rest.iter().map(|e| e.uid.as_str()).collect::<Vec<_>>(),
        ["tentative"]
    );
}

#[test]
fn instances_are_clipped_to_the_window_by_overlap() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:w\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n",
    );
    let options = ExpandOptions::new(
        ts("2026-01-10T09:30:00Z"),
        ts("2026-01-12T09:00:00Z"),
        TimeZone::UTC,
    );
    let events = busy_intervals(&ics, &options).unwrap();
    // The 10th overlaps the start; the 12th starts exactly at `to` and is out.
    assert_eq!(
        spans(&events),
        [
            ("2026-01-10T09:00:00Z".into(), "2026-01-10T10:00:00Z".into()),
            ("2026-01-11T09:00:00Z".into(), "2026-01-11T10:00:00Z".into()),
        ]
    );
}

#[test]
fn uids_lists_each_event_once() {
    let ics = fixture("overrides.ics");
    assert_eq!(
        uids(&ics),
        [
            "series-with-overrides",
            "cancelled-series-one-live",
            "allday-override",
            "orphan-override"
        ]
    );
    assert!(uids("garbage").is_empty());
}

#[test]
fn hostile_input_is_an_error_or_bounded_never_a_panic() {
    let options = opts("Europe/Berlin");
    assert_eq!(busy_intervals("", &options), Err(IcalError::NotICalendar));
    assert_eq!(
        busy_intervals("<html>nope</html>", &options),
        Err(IcalError::NotICalendar)
    );
    let inverted = ExpandOptions::new(
        ts("2026-02-01T00:00:00Z"),
        ts("2026-01-01T00:00:00Z"),
        TimeZone::UTC,
    );
    assert_eq!(
        busy_intervals(&calendar(""), &inverted),
        Err(IcalError::InvalidWindow)
    );

    let mut few = opts("UTC");
    few.max_events = 3;
    let four = calendar(
        &"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
            .repeat(4),
    );
    assert_eq!(
        busy_intervals(&four, &few),
        Err(IcalError::TooManyEvents { limit: 3 })
    );

    // Every-second series without an end, from long ago: capped, and quick.
    let started = Instant::now();
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:19700101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=MINUTELY;COUNT=4000000000\r\nEND:VEVENT\r\n",
    );
    let events = busy_intervals(&ics, &options).unwrap();
    assert!(events.iter().filter(|e| e.uid == "m").count() <= options.max_instances_per_series);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );

    // Deep nesting, broken lines, absurd values: skipped, the good event survives.
    let deep = "BEGIN:X\r\n".repeat(50_000) + &"END:X\r\n".repeat(50_000);
    let garbage = format!(
        "BEGIN:VEVENT\r\nUID:deep\r\nDTSTART:20260105T090000Z\r\n{deep}END:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:bad\r\nDTSTART;TZID=\"\":99999999T999999\r\nDURATION:PT99999999999999999H\r\nRRULE:FREQ=YEARLY;BYDAY=99XX;BYSETPOS=0\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:weird\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;INTERVAL=0;BYMONTHDAY=31;BYMONTH=2\r\nEXDATE:x,,\r\nRDATE;VALUE=PERIOD:20260106T090000Z/zzz\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:non-ascii-rule\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,FR\u{b7}\u{b7}\u{b7}\r\nEND:VEVENT\r\n\
         no colon here\r\n\
         BEGIN:VEVENT\r\nUID:good\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
    );
    let events = busy_intervals(&calendar(&garbage), &options).unwrap();
    assert!(events.iter().any(|e| e.uid == "good"));
}
