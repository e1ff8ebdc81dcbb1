//! Slot generation across time zones and DST transitions, with expected slot lists written
//! out by hand as UTC instants from the zones' rules.

use jiff::{
    civil::{date, Date, Weekday},
    tz::{AmbiguousOffset, Offset, TimeZone},
    SignedDuration, Timestamp,
};
use openslot_engine::{
    check_start, slots, window_end, BusyTimes, DayCounts, EventRules, HourRange, Interval,
    Rejection, Schedule, Slot,
};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("bad timestamp {text:?}: {e}"))
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|e| panic!("zone {name} not available: {e}"))
}

fn ranges(list: &[&str]) -> Vec<HourRange> {
    list.iter().map(|r| r.parse().unwrap()).collect()
}

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

const WORK_DAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

/// A schedule open on `days` with the same `hours`.
fn schedule_on(timezone: TimeZone, days: &[Weekday], hours: &[&str]) -> Schedule {
    let mut schedule = Schedule::new(timezone);
    for &day in days {
        schedule.set_weekday(day, ranges(hours)).unwrap();
    }
    schedule
}

/// A schedule open only on `day` (a single date) with `hours`, via an override.
fn schedule_for_date(timezone: TimeZone, day: Date, hours: &[&str]) -> Schedule {
    let mut schedule = Schedule::new(timezone);
    schedule.set_override(day, ranges(hours)).unwrap();
    schedule
}

fn rules(duration: u32, step: u32) -> EventRules {
    EventRules {
        duration_minutes: duration,
        step_minutes: step,
        lookahead_days: 400,
        ..EventRules::default()
    }
}

/// A `now` well before every date used in these tests.
fn long_ago() -> Timestamp {
    ts("2026-06-01T00:00:00Z")
}

struct Query<'a> {
    schedule: &'a Schedule,
    rules: &'a EventRules,
    busy: BusyTimes,
    counts: DayCounts,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
    /// Minutes between the starts at which `starts` compares `check_start` with `slots`.
    stride_minutes: i64,
}

impl<'a> Query<'a> {
    fn new(schedule: &'a Schedule, rules: &'a EventRules, from: &str, to: &str) -> Self {
        Query {
            schedule,
            rules,
            busy: BusyTimes::default(),
            counts: DayCounts::default(),
            from: ts(from),
            to: ts(to),
            now: long_ago(),
            stride_minutes: 1,
        }
    }

    fn stride(mut self, minutes: i64) -> Self {
        self.stride_minutes = minutes;
        self
    }

    fn now(mut self, now: &str) -> Self {
        self.now = ts(now);
        self
    }

    fn busy(mut self, spans: &[(&str, &str)]) -> Self {
        self.busy = BusyTimes::new(spans.iter().map(|(s, e)| Interval {
            start: ts(s),
            end: ts(e),
        }));
        self
    }

    fn counts(mut self, starts: &[&str]) -> Self {
        self.counts =
            DayCounts::from_starts(self.schedule.timezone(), starts.iter().map(|s| ts(s)));
        self
    }

    fn slots(&self) -> Vec<Slot> {
        slots(
            self.schedule,
            self.rules,
            &self.busy,
            &self.counts,
            self.from,
            self.to,
            self.now,
        )
    }

    fn check(&self, start: &str) -> Result<Slot, Rejection> {
        self.check_ts(ts(start))
    }

    fn check_ts(&self, start: Timestamp) -> Result<Slot, Rejection> {
        check_start(
            self.schedule,
            self.rules,
            &self.busy,
            &self.counts,
            start,
            self.now,
        )
    }

    /// Runs the query, checks the general invariants and that `check_start` agrees with it
    /// on every whole minute of `[from, to)`, and returns the starts as UTC strings.
    fn starts(&self) -> Vec<String> {
        let offered = self.slots();
        self.assert_invariants(&offered);
        self.assert_check_start_agrees(&offered);
        offered.iter().map(|slot| slot.start.to_string()).collect()
    }

    fn assert_invariants(&self, offered: &[Slot]) {
        let timezone = self.schedule.timezone();
        let duration = SignedDuration::from_mins(i64::from(self.rules.duration_minutes));
        for pair in offered.windows(2) {
            assert!(
                pair[0].start < pair[1].start,
                "not strictly sorted: {pair:?}"
            );
        }
        let mut wall_clocks = Vec::new();
        for slot in offered {
            assert_eq!(slot.end.duration_since(slot.start), duration, "{slot:?}");
            assert!(slot.start >= self.from && slot.start < self.to, "{slot:?}");
            let civil = timezone.to_datetime(slot.start);
            // The start's wall-clock time exists, and the slot is its earlier instant.
            let ambiguous = timezone.to_ambiguous_timestamp(civil);
            assert!(
                !matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. }),
                "{slot:?} starts in a gap"
            );
            assert_eq!(
                ambiguous.earlier().unwrap(),
                slot.start,
                "{slot:?} is a later fold instant"
            );
            wall_clocks.push(civil);
        }
        let count = wall_clocks.len();
        wall_clocks.sort();
        wall_clocks.dedup();
        assert_eq!(
            wall_clocks.len(),
            count,
            "a wall-clock time is listed twice"
        );
    }

    fn assert_check_start_agrees(&self, offered: &[Slot]) {
        let mut minute = self.from.as_second().div_euclid(60) * 60;
        while Timestamp::from_second(minute).unwrap() < self.from {
            minute += 60;
        }
        let mut listed = offered.iter().peekable();
        while Timestamp::from_second(minute).unwrap() < self.to {
            let start = Timestamp::from_second(minute).unwrap();
            let checked = self.check_ts(start);
            while listed.next_if(|slot| slot.start < start).is_some() {}
            let expected = listed.next_if(|slot| slot.start == start);
            match (expected, checked) {
                (Some(slot), Ok(got)) => assert_eq!(*slot, got),
                (None, Err(_)) => {}
                (expected, got) => {
                    panic!("slots lists {expected:?} but check_start({start}) says {got:?}")
                }
            }
            minute += 60 * self.stride_minutes;
        }
        if self.stride_minutes == 1 {
            let all_checked =
                listed.next().is_none() && offered.iter().all(|s| s.start.as_second() % 60 == 0);
            assert!(all_checked, "slots listed a start off the minute grid");
        }
    }
}

fn utc(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| ts(s).to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Sanity: the zone rules these tests are written against.
// ---------------------------------------------------------------------------------------

#[test]
fn zone_rules_are_as_expected() {
    let offset_at = |name: &str, at: &str| zone(name).to_offset(ts(at)).seconds() / 60;
    // America/New_York: EST -5, EDT -4.
    assert_eq!(offset_at("America/New_York", "2027-03-14T06:59:59Z"), -300);
    assert_eq!(offset_at("America/New_York", "2027-03-14T07:00:00Z"), -240);
    assert_eq!(offset_at("America/New_York", "2026-11-01T05:59:59Z"), -240);
    assert_eq!(offset_at("America/New_York", "2026-11-01T06:00:00Z"), -300);
    // Europe/London at 01:00 UTC.
    assert_eq!(offset_at("Europe/London", "2027-03-28T00:59:59Z"), 0);
    assert_eq!(offset_at("Europe/London", "2027-03-28T01:00:00Z"), 60);
    assert_eq!(offset_at("Europe/London", "2026-10-25T00:59:59Z"), 60);
    assert_eq!(offset_at("Europe/London", "2026-10-25T01:00:00Z"), 0);
    // Australia/Sydney: AEST +10, AEDT +11.
    assert_eq!(offset_at("Australia/Sydney", "2027-04-03T15:59:59Z"), 660);
    assert_eq!(offset_at("Australia/Sydney", "2027-04-03T16:00:00Z"), 600);
    assert_eq!(offset_at("Australia/Sydney", "2026-10-03T15:59:59Z"), 600);
    assert_eq!(offset_at("Australia/Sydney", "2026-10-03T16:00:00Z"), 660);
    // Asia/Kolkata: +05:30 all year.
    assert_eq!(offset_at("Asia/Kolkata", "2027-01-15T00:00:00Z"), 330);
    assert_eq!(offset_at("Asia/Kolkata", "2027-07-15T00:00:00Z"), 330);
    // Pacific/Chatham: +12:45 standard, +13:45 DST, switching with New Zealand.
    assert_eq!(offset_at("Pacific/Chatham", "2026-09-26T13:59:59Z"), 765);
    assert_eq!(offset_at("Pacific/Chatham", "2026-09-26T14:00:00Z"), 825);
    assert_eq!(offset_at("Pacific/Chatham", "2027-04-03T13:59:59Z"), 825);
    assert_eq!(offset_at("Pacific/Chatham", "2027-04-03T14:00:00Z"), 765);
}

// ---------------------------------------------------------------------------------------
// America/New_York
// ---------------------------------------------------------------------------------------

const NY_SPRING: Date = date(2027, 3, 14); // 02:00 EST -> 03:00 EDT at 07:00Z
const NY_FALL: Date = date(2026, 11, 1); // 02:00 EDT -> 01:00 EST at 06:00Z

#[test]
fn new_york_spring_forward_hours_spanning_the_gap() {
    let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &["01:00-04:00"]);
    let (from, to) = ("2027-03-14T00:00:00Z", "2027-03-15T12:00:00Z");

    // 02:00 and 02:30 do not exist; 03:30 EDT ends exactly at the 04:00 EDT close.
    let thirty = rules(30, 30);
    let query = Query::new(&schedule, &thirty, from, to);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-14T06:00:00Z", // 01:00 EST
            "2027-03-14T06:30:00Z", // 01:30 EST
            "2027-03-14T07:00:00Z", // 03:00 EDT
            "2027-03-14T07:30:00Z", // 03:30 EDT
        ])
    );
    for slot in query.slots() {
        assert_eq!(slot.end.as_second() - slot.start.as_second(), 1800);
    }

    // An hour-long meeting starting 01:30 EST lasts one real hour (to 03:30 EDT).
    let hour = rules(60, 30);
    let query = Query::new(&schedule, &hour, from, to);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-14T06:00:00Z",
            "2027-03-14T06:30:00Z",
            "2027-03-14T07:00:00Z"
        ])
    );
    let slot = query.check("2027-03-14T06:30:00Z").unwrap();
    assert_eq!(slot.end, ts("2027-03-14T07:30:00Z"));

    // Nonexistent wall-clock starts are never offered, in any of their readings.
    assert_eq!(
        query.check("2027-03-14T07:30:00Z"),
        Err(Rejection::NotOffered)
    );
}

#[test]
fn new_york_spring_forward_range_opening_in_the_gap() {
    let thirty = rules(30, 30);
    let (from, to) = ("2027-03-14T00:00:00Z", "2027-03-15T12:00:00Z");

    let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &["02:30-05:00"]);
    assert_eq!(
        Query::new(&schedule, &thirty, from, to).starts(),
        utc(&[
            "2027-03-14T07:00:00Z", // 03:00 EDT
            "2027-03-14T07:30:00Z",
            "2027-03-14T08:00:00Z",
            "2027-03-14T08:30:00Z", // 04:30 EDT, ends at the 05:00 close
        ])
    );

    // The grid stays anchored on the 02:15 opening: 02:15 and 02:45 are skipped, 03:15 is
    // offered, 03:45 would end after the 04:00 close.
    let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &["02:15-04:00"]);
    let query = Query::new(&schedule, &thirty, from, to);
    assert_eq!(query.starts(), utc(&["2027-03-14T07:15:00Z"]));
    assert_eq!(
        query.check("2027-03-14T07:00:00Z"),
        Err(Rejection::NotOffered)
    );
}

#[test]
fn new_york_spring_forward_range_closing_in_the_gap() {
    let (from, to) = ("2027-03-14T00:00:00Z", "2027-03-15T12:00:00Z");
    let thirty = rules(30, 30);
    let hour = rules(60, 30);
    let expected = utc(&[
        "2027-03-14T05:00:00Z", // 00:00 EST
        "2027-03-14T05:30:00Z",
        "2027-03-14T06:00:00Z",
        "2027-03-14T06:30:00Z", // 01:30 EST, ends at the 07:00Z transition
    ]);
    // Closing at 02:30 (inside the gap) and at 02:00 (the first nonexistent minute) both
    // close at the transition instant.
    for close in ["00:00-02:30", "00:00-02:00", "00:00-03:00"] {
        let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &[close]);
        assert_eq!(
            Query::new(&schedule, &thirty, from, to).starts(),
            expected,
            "{close}"
        );
    }
    for close in ["01:00-02:30", "01:00-02:00", "01:00-03:00"] {
        let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &[close]);
        assert_eq!(
            Query::new(&schedule, &hour, from, to).starts(),
            utc(&["2027-03-14T06:00:00Z"]),
            "{close}"
        );
    }
    // A range lying wholly inside the gap offers nothing.
    let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &["02:00-02:59"]);
    let query = Query::new(&schedule, &thirty, from, to);
    assert_eq!(query.starts(), Vec::<String>::new());
    let schedule = schedule_for_date(zone("America/New_York"), NY_SPRING, &["02:00-02:59"]);
    let one = rules(1, 1);
    assert_eq!(
        Query::new(&schedule, &one, from, to).starts(),
        Vec::<String>::new()
    );
}

#[test]
fn new_york_fall_back_lists_each_wall_clock_time_once() {
    let schedule = schedule_for_date(zone("America/New_York"), NY_FALL, &["00:00-03:00"]);
    let (from, to) = ("2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z");

    let thirty = rules(30, 30);
    let query = Query::new(&schedule, &thirty, from, to);
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-11-01T04:00:00Z", // 00:00 EDT
            "2026-11-01T04:30:00Z", // 00:30 EDT
            "2026-11-01T05:00:00Z", // 01:00 EDT (the earlier 01:00)
            "2026-11-01T05:30:00Z", // 01:30 EDT (the earlier 01:30)
            "2026-11-01T07:00:00Z", // 02:00 EST
            "2026-11-01T07:30:00Z", // 02:30 EST
        ])
    );
    // The later 01:00 and 01:30 (EST) are not offered.
    assert_eq!(
        query.check("2026-11-01T06:00:00Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2026-11-01T06:30:00Z"),
        Err(Rejection::NotOffered)
    );

    // Hour-long slots: 01:30 EDT runs to 01:30 EST, one real hour.
    let hour = rules(60, 30);
    let query = Query::new(&schedule, &hour, from, to);
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-11-01T04:00:00Z",
            "2026-11-01T04:30:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-01T07:00:00Z",
        ])
    );
    assert_eq!(
        query.check("2026-11-01T05:30:00Z").unwrap().end,
        ts("2026-11-01T06:30:00Z")
    );
}

#[test]
fn new_york_fall_back_ranges_opening_and_closing_in_the_fold() {
    let (from, to) = ("2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z");
    let thirty = rules(30, 30);

    // Opening at 01:30 (inside the fold): the earlier 01:30 is the first slot.
    let schedule = schedule_for_date(zone("America/New_York"), NY_FALL, &["01:30-03:00"]);
    assert_eq!(
        Query::new(&schedule, &thirty, from, to).starts(),
        utc(&[
            "2026-11-01T05:30:00Z",
            "2026-11-01T07:00:00Z",
            "2026-11-01T07:30:00Z"
        ])
    );

    // Closing at 01:30 (inside the fold) closes at the earlier 01:30, 05:30Z.
    let schedule = schedule_for_date(zone("America/New_York"), NY_FALL, &["00:00-01:30"]);
    assert_eq!(
        Query::new(&schedule, &thirty, from, to).starts(),
        utc(&[
            "2026-11-01T04:00:00Z",
            "2026-11-01T04:30:00Z",
            "2026-11-01T05:00:00Z"
        ])
    );
    let hour = rules(60, 30);
    assert_eq!(
        Query::new(&schedule, &hour, from, to).starts(),
        utc(&["2026-11-01T04:00:00Z", "2026-11-01T04:30:00Z"])
    );

    // 01:00-02:00 is two real hours that day (01:00 EDT to 02:00 EST).
    let schedule = schedule_for_date(zone("America/New_York"), NY_FALL, &["01:00-02:00"]);
    assert_eq!(
        Query::new(&schedule, &thirty, from, to).starts(),
        utc(&["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z"])
    );
    let two_hours = rules(120, 30);
    assert_eq!(
        Query::new(&schedule, &two_hours, from, to).starts(),
        utc(&["2026-11-01T05:00:00Z"])
    );
}

#[test]
fn new_york_weekly_hours_across_both_transitions() {
    // Mon-Fri 09:00-10:00: the UTC time moves by an hour across each transition.
    let schedule = schedule_on(zone("America/New_York"), &WORK_DAYS, &["09:00-10:00"]);
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-11T00:00:00Z",
        "2027-03-17T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-11T14:00:00Z", // Thu, EST
            "2027-03-11T14:30:00Z",
            "2027-03-12T14:00:00Z", // Fri, EST
            "2027-03-12T14:30:00Z",
            "2027-03-15T13:00:00Z", // Mon, EDT
            "2027-03-15T13:30:00Z",
            "2027-03-16T13:00:00Z", // Tue, EDT
            "2027-03-16T13:30:00Z",
        ])
    );
    let query = Query::new(
        &schedule,
        &thirty,
        "2026-10-29T00:00:00Z",
        "2026-11-04T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-10-29T13:00:00Z", // Thu, EDT
            "2026-10-29T13:30:00Z",
            "2026-10-30T13:00:00Z", // Fri, EDT
            "2026-10-30T13:30:00Z",
            "2026-11-02T14:00:00Z", // Mon, EST
            "2026-11-02T14:30:00Z",
            "2026-11-03T14:00:00Z", // Tue, EST
            "2026-11-03T14:30:00Z",
        ])
    );
}

#[test]
fn new_york_all_day_hours_on_transition_days() {
    // 00:00-24:00 every day with hourly slots: 23 on the spring day, 24 on the fall day.
    let schedule = schedule_on(zone("America/New_York"), &ALL_DAYS, &["00:00-24:00"]);
    let hourly = rules(60, 60);
    let spring = Query::new(
        &schedule,
        &hourly,
        "2027-03-14T05:00:00Z",
        "2027-03-15T04:00:00Z",
    );
    let starts = spring.starts();
    assert_eq!(starts.len(), 23);
    assert_eq!(starts[0], "2027-03-14T05:00:00Z");
    assert_eq!(starts[1], "2027-03-14T06:00:00Z"); // 01:00 EST
    assert_eq!(starts[2], "2027-03-14T07:00:00Z"); // 03:00 EDT
    assert_eq!(starts[22], "2027-03-15T03:00:00Z"); // 23:00 EDT

    // On the fall day each wall-clock hour is offered once: 01:00 only as EDT.
    let fall = Query::new(
        &schedule,
        &hourly,
        "2026-11-01T04:00:00Z",
        "2026-11-02T05:00:00Z",
    );
    let starts = fall.starts();
    assert_eq!(starts.len(), 24);
    assert_eq!(
        &starts[..4],
        &utc(&[
            "2026-11-01T04:00:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T07:00:00Z",
            "2026-11-01T08:00:00Z"
        ])[..]
    );
    assert_eq!(starts[23], "2026-11-02T04:00:00Z"); // 23:00 EST
}

#[test]
fn local_date_going_back_at_a_transition() {
    // America/St_Johns, 2010-11-07: at 00:01 NDT (-02:30), 02:31Z, clocks went back to
    // 23:01 NST (-03:30) on the 6th. The earlier 00:00 on the 7th is 02:30Z, while 02:44Z
    // already reads 23:14 on the 6th.
    let schedule = schedule_for_date(
        zone("America/St_Johns"),
        date(2010, 11, 7),
        &["00:00-01:00"],
    );
    let quarter = rules(15, 15);
    let query = Query::new(
        &schedule,
        &quarter,
        "2010-11-07T02:00:00Z",
        "2010-11-07T02:45:00Z",
    )
    .now("2010-10-01T00:00:00Z");
    assert_eq!(query.starts(), utc(&["2010-11-07T02:30:00Z"]));
    let query = Query::new(
        &schedule,
        &quarter,
        "2010-11-07T02:00:00Z",
        "2010-11-07T06:00:00Z",
    )
    .now("2010-10-01T00:00:00Z");
    assert_eq!(
        query.starts(),
        utc(&[
            "2010-11-07T02:30:00Z", // 00:00 NDT (earlier)
            "2010-11-07T03:45:00Z", // 00:15 NST
            "2010-11-07T04:00:00Z",
            "2010-11-07T04:15:00Z", // 00:45 NST, ends at 01:00
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Europe/London
// ---------------------------------------------------------------------------------------

#[test]
fn london_spring_forward() {
    let schedule = schedule_for_date(zone("Europe/London"), date(2027, 3, 28), &["00:00-03:00"]);
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-27T12:00:00Z",
        "2027-03-29T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-28T00:00:00Z", // 00:00 GMT
            "2027-03-28T00:30:00Z", // 00:30 GMT
            "2027-03-28T01:00:00Z", // 02:00 BST
            "2027-03-28T01:30:00Z", // 02:30 BST, ends at the 03:00 BST close
        ])
    );
}

#[test]
fn london_fall_back() {
    let schedule = schedule_for_date(zone("Europe/London"), date(2026, 10, 25), &["00:00-03:00"]);
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2026-10-24T12:00:00Z",
        "2026-10-26T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-10-24T23:00:00Z", // 00:00 BST
            "2026-10-24T23:30:00Z", // 00:30 BST
            "2026-10-25T00:00:00Z", // 01:00 BST (earlier)
            "2026-10-25T00:30:00Z", // 01:30 BST (earlier)
            "2026-10-25T02:00:00Z", // 02:00 GMT
            "2026-10-25T02:30:00Z", // 02:30 GMT
        ])
    );
    assert_eq!(
        query.check("2026-10-25T01:00:00Z"),
        Err(Rejection::NotOffered)
    );
}

// ---------------------------------------------------------------------------------------
// Australia/Sydney (southern hemisphere)
// ---------------------------------------------------------------------------------------

#[test]
fn sydney_fall_back_in_april() {
    // 2027-04-04 03:00 AEDT -> 02:00 AEST, at 2027-04-03T16:00Z.
    let schedule = schedule_for_date(zone("Australia/Sydney"), date(2027, 4, 4), &["01:00-04:00"]);
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-04-03T00:00:00Z",
        "2027-04-05T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-04-03T14:00:00Z", // 01:00 AEDT
            "2027-04-03T14:30:00Z", // 01:30 AEDT
            "2027-04-03T15:00:00Z", // 02:00 AEDT (earlier)
            "2027-04-03T15:30:00Z", // 02:30 AEDT (earlier)
            "2027-04-03T17:00:00Z", // 03:00 AEST
            "2027-04-03T17:30:00Z", // 03:30 AEST
        ])
    );
}

#[test]
fn sydney_spring_forward_in_october() {
    // 2026-10-04 02:00 AEST -> 03:00 AEDT, at 2026-10-03T16:00Z.
    let schedule = schedule_for_date(
        zone("Australia/Sydney"),
        date(2026, 10, 4),
        &["01:00-04:00"],
    );
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2026-10-03T00:00:00Z",
        "2026-10-05T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-10-03T15:00:00Z", // 01:00 AEST
            "2026-10-03T15:30:00Z", // 01:30 AEST
            "2026-10-03T16:00:00Z", // 03:00 AEDT
            "2026-10-03T16:30:00Z", // 03:30 AEDT
        ])
    );
}

#[test]
fn sydney_weekday_hours_fall_on_the_previous_utc_day() {
    // Monday 2027-03-15 09:00-10:00 AEDT (+11) is Sunday 22:00-23:00 UTC.
    let schedule = schedule_on(
        zone("Australia/Sydney"),
        &[Weekday::Monday],
        &["09:00-10:00"],
    );
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-14T00:00:00Z",
        "2027-03-16T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&["2027-03-14T22:00:00Z", "2027-03-14T22:30:00Z"])
    );
}

// ---------------------------------------------------------------------------------------
// Half-hour and 45-minute offsets
// ---------------------------------------------------------------------------------------

#[test]
fn kolkata_half_hour_offset() {
    let schedule = schedule_on(zone("Asia/Kolkata"), &[Weekday::Monday], &["09:00-12:00"]);
    let every_45 = rules(30, 45);
    let query = Query::new(
        &schedule,
        &every_45,
        "2027-03-15T00:00:00Z",
        "2027-03-16T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T03:30:00Z", // 09:00 IST
            "2027-03-15T04:15:00Z", // 09:45
            "2027-03-15T05:00:00Z", // 10:30
            "2027-03-15T05:45:00Z", // 11:15, ends 11:45
        ])
    );
    // Early-morning hours on Tuesday are Monday evening in UTC.
    let schedule = schedule_on(zone("Asia/Kolkata"), &[Weekday::Tuesday], &["00:00-01:00"]);
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-15T18:00:00Z",
        "2027-03-15T19:30:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&["2027-03-15T18:30:00Z", "2027-03-15T19:00:00Z"])
    );
}

#[test]
fn chatham_spring_forward() {
    // 2026-09-27 02:45 CHAST (+12:45) -> 03:45 CHADT (+13:45), at 2026-09-26T14:00Z.
    let thirty = rules(30, 30);
    let schedule = schedule_for_date(zone("Pacific/Chatham"), date(2026, 9, 27), &["02:00-05:00"]);
    let query = Query::new(
        &schedule,
        &thirty,
        "2026-09-26T00:00:00Z",
        "2026-09-28T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2026-09-26T13:15:00Z", // 02:00 CHAST
            "2026-09-26T13:45:00Z", // 02:30 CHAST, ends 04:00 CHADT
            "2026-09-26T14:15:00Z", // 04:00 CHADT (03:00 and 03:30 do not exist)
            "2026-09-26T14:45:00Z", // 04:30 CHADT
        ])
    );
    // A 15-minute grid from 02:45: 02:45 through 03:30 do not exist, 03:45 is the first.
    let quarter = rules(15, 15);
    let schedule = schedule_for_date(zone("Pacific/Chatham"), date(2026, 9, 27), &["02:45-04:00"]);
    let query = Query::new(
        &schedule,
        &quarter,
        "2026-09-26T00:00:00Z",
        "2026-09-28T00:00:00Z",
    );
    assert_eq!(query.starts(), utc(&["2026-09-26T14:00:00Z"]));
}

#[test]
fn chatham_fall_back() {
    // 2027-04-04 03:45 CHADT -> 02:45 CHAST, at 2027-04-03T14:00Z.
    let thirty = rules(30, 30);
    let schedule = schedule_for_date(zone("Pacific/Chatham"), date(2027, 4, 4), &["02:00-05:00"]);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-04-03T00:00:00Z",
        "2027-04-05T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-04-03T12:15:00Z", // 02:00 CHADT
            "2027-04-03T12:45:00Z", // 02:30 CHADT
            "2027-04-03T13:15:00Z", // 03:00 CHADT (earlier)
            "2027-04-03T13:45:00Z", // 03:30 CHADT (earlier)
            "2027-04-03T15:15:00Z", // 04:00 CHAST
            "2027-04-03T15:45:00Z", // 04:30 CHAST
        ])
    );
}

#[test]
fn fixed_plus_12_45_offset() {
    let plus_12_45 = TimeZone::fixed(Offset::from_seconds(12 * 3600 + 45 * 60).unwrap());
    let schedule = schedule_on(
        plus_12_45,
        &[Weekday::Monday],
        &["09:00-10:00", "23:00-24:00"],
    );
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-14T00:00:00Z",
        "2027-03-16T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-14T20:15:00Z", // Mon 09:00 +12:45 is Sunday in UTC
            "2027-03-14T20:45:00Z",
            "2027-03-15T10:15:00Z", // Mon 23:00
            "2027-03-15T10:45:00Z", // Mon 23:30, ends at 24:00
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Schedule shape: weekdays, overrides, 24:00, several ranges
// ---------------------------------------------------------------------------------------

#[test]
fn weekdays_only() {
    let schedule = schedule_on(TimeZone::UTC, &WORK_DAYS, &["09:00-10:00"]);
    let hourly = rules(60, 60);
    // 2027-03-13 is a Saturday.
    let query = Query::new(
        &schedule,
        &hourly,
        "2027-03-13T00:00:00Z",
        "2027-03-22T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-16T09:00:00Z",
            "2027-03-17T09:00:00Z",
            "2027-03-18T09:00:00Z",
            "2027-03-19T09:00:00Z",
        ])
    );
}

#[test]
fn overrides_close_a_date_and_change_hours() {
    let mut schedule = schedule_on(zone("Europe/London"), &WORK_DAYS, &["09:00-10:00"]);
    schedule.set_override(date(2027, 3, 16), vec![]).unwrap(); // closed
    schedule
        .set_override(date(2027, 3, 17), ranges(&["14:00-15:00", "07:00-07:30"]))
        .unwrap();
    schedule
        .set_override(date(2027, 3, 20), ranges(&["10:00-11:00"]))
        .unwrap(); // a Saturday
    assert!(schedule
        .set_override(date(2027, 3, 18), ranges(&["10:00-11:00", "10:30-12:00"]))
        .is_err());
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-15T00:00:00Z",
        "2027-03-22T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:30:00Z",
            "2027-03-17T07:00:00Z",
            "2027-03-17T14:00:00Z",
            "2027-03-17T14:30:00Z",
            "2027-03-18T09:00:00Z",
            "2027-03-18T09:30:00Z",
            "2027-03-19T09:00:00Z",
            "2027-03-19T09:30:00Z",
            "2027-03-20T10:00:00Z",
            "2027-03-20T10:30:00Z",
        ])
    );
    assert_eq!(
        query.check("2027-03-16T09:00:00Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2027-03-17T09:00:00Z"),
        Err(Rejection::NotOffered)
    );
}

#[test]
fn hours_ending_at_24_00() {
    let schedule = schedule_on(
        zone("America/New_York"),
        &ALL_DAYS,
        &["00:00-01:00", "22:00-24:00"],
    );
    let hour = rules(60, 30);
    // 2027-06-15 is EDT (-4): local midnight is 04:00Z.
    let query = Query::new(
        &schedule,
        &hour,
        "2027-06-15T04:00:00Z",
        "2027-06-16T05:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-06-15T04:00:00Z", // 00:00
            "2027-06-16T02:00:00Z", // 22:00
            "2027-06-16T02:30:00Z", // 22:30
            "2027-06-16T03:00:00Z", // 23:00, ends at 24:00
            "2027-06-16T04:00:00Z", // next day 00:00; no slot straddles midnight
        ])
    );
}

#[test]
fn several_ranges_each_start_their_own_grid() {
    let schedule = schedule_on(
        TimeZone::UTC,
        &[Weekday::Monday],
        &["13:00-14:30", "09:00-10:00", "10:15-11:00", "16:00-16:20"],
    );
    let thirty = rules(30, 30);
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-15T00:00:00Z",
        "2027-03-16T00:00:00Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:30:00Z",
            "2027-03-15T10:15:00Z", // 10:45 would end after 11:00
            "2027-03-15T13:00:00Z",
            "2027-03-15T13:30:00Z",
            "2027-03-15T14:00:00Z",
            // 16:00-16:20 is shorter than a slot
        ])
    );
    assert_eq!(
        query.check("2027-03-15T10:45:00Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2027-03-15T10:00:00Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2027-03-15T16:00:00Z"),
        Err(Rejection::NotOffered)
    );
}

// ---------------------------------------------------------------------------------------
// Rules: buffers, lead time, window, daily cap
// ---------------------------------------------------------------------------------------

#[test]
fn busy_time_and_buffers() {
    let schedule = schedule_on(TimeZone::UTC, &[Weekday::Monday], &["09:00-12:00"]);
    let (from, to) = ("2027-03-15T00:00:00Z", "2027-03-16T00:00:00Z");
    let busy = [("2027-03-15T10:00:00Z", "2027-03-15T10:30:00Z")];

    // Without buffers, slots may touch the busy time.
    let plain = rules(30, 30);
    let query = Query::new(&schedule, &plain, from, to).busy(&busy);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:30:00Z",
            "2027-03-15T10:30:00Z",
            "2027-03-15T11:00:00Z",
            "2027-03-15T11:30:00Z",
        ])
    );
    assert_eq!(query.check("2027-03-15T10:00:00Z"), Err(Rejection::Busy));

    // 15 minutes either side: 09:30 and 10:30 now overlap the busy half hour.
    let buffered = EventRules {
        buffer_before_minutes: 15,
        buffer_after_minutes: 15,
        ..rules(30, 30)
    };
    let query = Query::new(&schedule, &buffered, from, to).busy(&busy);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T11:00:00Z",
            "2027-03-15T11:30:00Z",
        ])
    );
    assert_eq!(query.check("2027-03-15T09:30:00Z"), Err(Rejection::Busy));
    assert_eq!(query.check("2027-03-15T10:30:00Z"), Err(Rejection::Busy));
    // The buffer may reach outside the hours and touch busy time exactly.
    let query = Query::new(&schedule, &buffered, from, to).busy(&[
        ("2027-03-15T08:00:00Z", "2027-03-15T08:45:00Z"),
        ("2027-03-15T12:15:00Z", "2027-03-15T13:00:00Z"),
    ]);
    assert_eq!(query.starts().len(), 6);

    // Only an after-buffer: busy from 11:40 blocks 11:00 (ends 11:30 + 15).
    let after_only = EventRules {
        buffer_after_minutes: 15,
        ..rules(30, 30)
    };
    let query = Query::new(&schedule, &after_only, from, to)
        .busy(&[("2027-03-15T11:40:00Z", "2027-03-15T11:50:00Z")]);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:30:00Z",
            "2027-03-15T10:00:00Z",
            "2027-03-15T10:30:00Z",
        ])
    );
}

#[test]
fn busy_time_with_fractional_seconds() {
    let schedule = schedule_on(TimeZone::UTC, &[Weekday::Monday], &["09:00-11:00"]);
    let plain = rules(30, 30);
    let (from, to) = ("2027-03-15T00:00:00Z", "2027-03-16T00:00:00Z");
    // Ends half a second into the 10:00 slot.
    let query = Query::new(&schedule, &plain, from, to)
        .busy(&[("2027-03-15T09:59:00Z", "2027-03-15T10:00:00.5Z")]);
    assert_eq!(
        query.starts(),
        utc(&["2027-03-15T09:00:00Z", "2027-03-15T10:30:00Z"])
    );
    assert_eq!(query.check("2027-03-15T10:00:00Z"), Err(Rejection::Busy));
    // A sub-second busy interval inside a slot still blocks it.
    let query = Query::new(&schedule, &plain, from, to)
        .busy(&[("2027-03-15T10:10:00.2Z", "2027-03-15T10:10:00.7Z")]);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:30:00Z",
            "2027-03-15T10:30:00Z"
        ])
    );
    // Starting half a second before the end of the 10:00 slot overlaps it.
    let query = Query::new(&schedule, &plain, from, to)
        .busy(&[("2027-03-15T10:29:59.5Z", "2027-03-15T10:29:59.9Z")]);
    assert_eq!(query.check("2027-03-15T10:00:00Z"), Err(Rejection::Busy));
    assert!(query.check("2027-03-15T10:30:00Z").is_ok());
}

#[test]
fn lead_time() {
    let schedule = schedule_on(TimeZone::UTC, &[Weekday::Monday], &["09:00-12:00"]);
    let (from, to) = ("2027-03-15T00:00:00Z", "2027-03-16T00:00:00Z");

    // No notice required: 09:00 is past, 09:30 is still in the future.
    let plain = rules(30, 30);
    let query = Query::new(&schedule, &plain, from, to).now("2027-03-15T09:10:00Z");
    assert_eq!(query.starts().len(), 5);
    assert_eq!(query.starts()[0], "2027-03-15T09:30:00Z");
    assert_eq!(query.check("2027-03-15T09:00:00Z"), Err(Rejection::InPast));

    // An hour's notice: earliest start 10:10.
    let notice = EventRules {
        min_lead_minutes: 60,
        ..rules(30, 30)
    };
    let query = Query::new(&schedule, &notice, from, to).now("2027-03-15T09:10:00Z");
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T10:30:00Z",
            "2027-03-15T11:00:00Z",
            "2027-03-15T11:30:00Z",
        ])
    );
    assert_eq!(query.check("2027-03-15T09:00:00Z"), Err(Rejection::InPast));
    assert_eq!(query.check("2027-03-15T09:30:00Z"), Err(Rejection::TooSoon));
    assert_eq!(query.check("2027-03-15T10:00:00Z"), Err(Rejection::TooSoon));

    // Exactly the notice is enough.
    let query = Query::new(&schedule, &notice, from, to).now("2027-03-15T09:30:00Z");
    assert_eq!(query.starts()[0], "2027-03-15T10:30:00Z");
    // A fraction of a second short of it is not.
    let query = Query::new(&schedule, &notice, from, to).now("2027-03-15T09:30:00.25Z");
    assert_eq!(query.starts()[0], "2027-03-15T11:00:00Z");
    assert_eq!(query.check("2027-03-15T10:30:00Z"), Err(Rejection::TooSoon));
    // Without notice a start a fraction of a second in the past is in the past.
    let query = Query::new(&schedule, &plain, from, to).now("2027-03-15T09:30:00.25Z");
    assert_eq!(query.starts()[0], "2027-03-15T10:00:00Z");
    assert_eq!(query.check("2027-03-15T09:30:00Z"), Err(Rejection::InPast));
}

#[test]
fn booking_window() {
    let schedule = schedule_on(TimeZone::UTC, &ALL_DAYS, &["09:00-10:00"]);
    let one_day = EventRules {
        lookahead_days: 1,
        ..rules(30, 30)
    };
    let query = Query::new(
        &schedule,
        &one_day,
        "2027-03-15T00:00:00Z",
        "2027-03-20T00:00:00Z",
    )
    .now("2027-03-15T09:10:00Z");
    assert_eq!(window_end(&one_day, query.now), ts("2027-03-16T09:10:00Z"));
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:30:00Z",
            "2027-03-16T09:00:00Z", // 09:30 would be past the window end at 09:10
        ])
    );
    assert_eq!(
        query.check("2027-03-16T09:30:00Z"),
        Err(Rejection::BeyondWindow)
    );
    assert_eq!(
        query.check("2027-03-17T09:00:00Z"),
        Err(Rejection::BeyondWindow)
    );

    // A start exactly at the window end is offered.
    let query = Query::new(
        &schedule,
        &one_day,
        "2027-03-15T00:00:00Z",
        "2027-03-20T00:00:00Z",
    )
    .now("2027-03-15T09:30:00Z");
    assert_eq!(query.starts().last().unwrap(), "2027-03-16T09:30:00Z");

    // Lookahead counts 24-hour days, not calendar days, across DST.
    let schedule = schedule_on(zone("America/New_York"), &ALL_DAYS, &["09:00-10:00"]);
    let query = Query::new(
        &schedule,
        &one_day,
        "2027-03-13T00:00:00Z",
        "2027-03-16T00:00:00Z",
    )
    .now("2027-03-13T14:00:00Z"); // Sat 09:00 EST
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-13T14:00:00Z",
            "2027-03-13T14:30:00Z",
            "2027-03-14T13:00:00Z", // Sun 09:00 EDT, 23 hours later
            "2027-03-14T13:30:00Z",
        ])
    );

    // Zero lookahead: only starts up to now itself.
    let none = EventRules {
        lookahead_days: 0,
        ..rules(30, 30)
    };
    let query = Query::new(
        &schedule,
        &none,
        "2027-03-13T00:00:00Z",
        "2027-03-16T00:00:00Z",
    )
    .now("2027-03-13T14:00:00Z");
    assert_eq!(query.starts(), utc(&["2027-03-13T14:00:00Z"]));
}

#[test]
fn daily_cap_counts_host_dates() {
    let schedule = schedule_on(zone("America/New_York"), &ALL_DAYS, &["19:00-21:00"]);
    let capped = EventRules {
        max_per_day: Some(2),
        ..rules(60, 60)
    };
    let (from, to) = ("2027-06-14T12:00:00Z", "2027-06-17T12:00:00Z");
    // Two bookings on Tuesday 2027-06-15 in New York, one of them on Wednesday in UTC.
    let bookings = [
        "2027-06-15T14:00:00Z",
        "2027-06-16T01:00:00Z",
        "2027-06-16T23:00:00Z",
    ];
    let query = Query::new(&schedule, &capped, from, to).counts(&bookings);
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-06-14T23:00:00Z", // Mon 19:00 EDT
            "2027-06-15T00:00:00Z", // Mon 20:00 EDT
            // Tuesday is full
            "2027-06-16T23:00:00Z", // Wed 19:00 EDT (one booking that day)
            "2027-06-17T00:00:00Z",
        ])
    );
    assert_eq!(query.check("2027-06-15T23:00:00Z"), Err(Rejection::DayFull));

    let roomier = EventRules {
        max_per_day: Some(3),
        ..rules(60, 60)
    };
    let query = Query::new(&schedule, &roomier, from, to).counts(&bookings);
    assert_eq!(query.starts().len(), 6);

    let zero = EventRules {
        max_per_day: Some(0),
        ..rules(60, 60)
    };
    let query = Query::new(&schedule, &zero, from, to);
    assert_eq!(query.starts(), Vec::<String>::new());
    assert_eq!(query.check("2027-06-14T23:00:00Z"), Err(Rejection::DayFull));
}

// ---------------------------------------------------------------------------------------
// check_start
// ---------------------------------------------------------------------------------------

#[test]
fn check_start_rejections() {
    let schedule = schedule_on(zone("America/New_York"), &WORK_DAYS, &["09:00-12:00"]);
    let rules = EventRules {
        min_lead_minutes: 120,
        lookahead_days: 7,
        max_per_day: Some(1),
        buffer_before_minutes: 10,
        ..rules(30, 30)
    };
    // Now: Monday 2027-06-14 10:00 EDT.
    let query = Query::new(
        &schedule,
        &rules,
        "2027-06-10T00:00:00Z",
        "2027-06-24T00:00:00Z",
    )
    .now("2027-06-14T14:00:00Z")
    .busy(&[("2027-06-16T15:00:00Z", "2027-06-16T15:25:00Z")])
    .counts(&["2027-06-17T13:00:00Z"]);
    let offered = query.starts(); // checks agreement minute by minute
    assert!(!offered.is_empty());
    for slot in query.slots() {
        assert_eq!(query.check_ts(slot.start), Ok(slot));
    }
    // Monday's remaining starts are too soon: the first offered is Tuesday 09:00 EDT.
    assert_eq!(offered[0], "2027-06-15T13:00:00Z");
    let slot = query.check("2027-06-15T13:00:00Z").unwrap();
    assert_eq!(slot.end, ts("2027-06-15T13:30:00Z"));

    // Off the grid, outside hours, weekend, wrong second.
    assert_eq!(
        query.check("2027-06-15T13:10:00Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2027-06-15T12:00:00Z"),
        Err(Rejection::NotOffered)
    ); // 08:00
    assert_eq!(
        query.check("2027-06-15T15:45:00Z"),
        Err(Rejection::NotOffered)
    ); // 11:45
    assert_eq!(
        query.check("2027-06-15T16:00:00Z"),
        Err(Rejection::NotOffered)
    ); // 12:00
    assert_eq!(
        query.check("2027-06-19T13:00:00Z"),
        Err(Rejection::NotOffered)
    ); // Saturday
    assert_eq!(
        query.check("2027-06-15T13:00:01Z"),
        Err(Rejection::NotOffered)
    );
    assert_eq!(
        query.check("2027-06-15T13:00:00.5Z"),
        Err(Rejection::NotOffered)
    );
    // Past, too soon, beyond the window.
    assert_eq!(query.check("2027-06-14T13:30:00Z"), Err(Rejection::InPast));
    assert_eq!(query.check("2027-06-11T13:00:00Z"), Err(Rejection::InPast));
    assert_eq!(query.check("2027-06-14T15:00:00Z"), Err(Rejection::TooSoon));
    assert_eq!(query.check("2027-06-14T15:30:00Z"), Err(Rejection::TooSoon));
    assert!(query.check("2027-06-21T13:30:00Z").is_ok()); // Mon 09:30, within 7 days
    assert_eq!(
        query.check("2027-06-21T14:30:00Z"),
        Err(Rejection::BeyondWindow)
    );
    assert_eq!(
        query.check("2027-06-22T13:00:00Z"),
        Err(Rejection::BeyondWindow)
    );
    // Day full (Thursday has one booking), busy (Wednesday 11:00-11:25 EDT).
    assert_eq!(query.check("2027-06-17T13:00:00Z"), Err(Rejection::DayFull));
    assert_eq!(query.check("2027-06-17T15:30:00Z"), Err(Rejection::DayFull));
    assert!(query.check("2027-06-16T14:30:00Z").is_ok()); // ends as the busy time starts
    assert_eq!(query.check("2027-06-16T15:00:00Z"), Err(Rejection::Busy));
    assert_eq!(query.check("2027-06-16T15:30:00Z"), Err(Rejection::Busy)); // 10-minute buffer
    assert!(query.check("2027-06-16T14:00:00Z").is_ok());
}

#[test]
fn check_start_agrees_on_transition_days_in_every_zone() {
    let zones = [
        (
            "America/New_York",
            "2027-03-13T00:00:00Z",
            "2027-03-16T00:00:00Z",
        ),
        (
            "America/New_York",
            "2026-10-31T00:00:00Z",
            "2026-11-03T00:00:00Z",
        ),
        (
            "Europe/London",
            "2027-03-27T00:00:00Z",
            "2027-03-30T00:00:00Z",
        ),
        (
            "Europe/London",
            "2026-10-24T00:00:00Z",
            "2026-10-27T00:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2027-04-02T12:00:00Z",
            "2027-04-05T12:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2026-10-02T12:00:00Z",
            "2026-10-05T12:00:00Z",
        ),
        (
            "Pacific/Chatham",
            "2026-09-25T12:00:00Z",
            "2026-09-28T12:00:00Z",
        ),
        (
            "Pacific/Chatham",
            "2027-04-02T12:00:00Z",
            "2027-04-05T12:00:00Z",
        ),
        (
            "Asia/Kolkata",
            "2027-03-13T00:00:00Z",
            "2027-03-16T00:00:00Z",
        ),
    ];
    for (name, from, to) in zones {
        for hours in [
            &["00:00-24:00"][..],
            &["00:10-02:20", "02:40-03:50", "22:00-24:00"][..],
            &["01:45-03:15"][..],
        ] {
            let schedule = schedule_on(zone(name), &ALL_DAYS, hours);
            for (duration, step) in [(30, 30), (45, 20), (60, 15), (15, 45)] {
                let rules = EventRules {
                    buffer_after_minutes: 5,
                    ..rules(duration, step)
                };
                // Every grid here is on multiples of 5 minutes.
                let query = Query::new(&schedule, &rules, from, to).stride(5).busy(&[
                    (from, from),
                    ("2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z"),
                ]);
                // Agreement, sortedness, uniqueness and exact durations are checked inside.
                let starts = query.starts();
                assert!(!starts.is_empty(), "{name} {hours:?}");
            }
        }
    }
}

#[test]
fn query_bounds_with_fractional_seconds() {
    let schedule = schedule_on(TimeZone::UTC, &[Weekday::Monday], &["09:00-11:00"]);
    let thirty = rules(30, 30);
    // `from` is inclusive and `to` exclusive, to the nanosecond.
    let query = Query::new(
        &schedule,
        &thirty,
        "2027-03-15T09:00:00.000000001Z",
        "2027-03-15T10:30:00.000000001Z",
    );
    assert_eq!(
        query.starts(),
        utc(&[
            "2027-03-15T09:30:00Z",
            "2027-03-15T10:00:00Z",
            "2027-03-15T10:30:00Z"
        ])
    );
}

#[test]
fn extreme_instants_do_not_panic() {
    let schedule = schedule_on(zone("America/New_York"), &ALL_DAYS, &["00:00-24:00"]);
    let busy = BusyTimes::new([Interval {
        start: Timestamp::MIN,
        end: Timestamp::MAX,
    }]);
    for lookahead in [0, 30, u32::MAX] {
        let rules = EventRules {
            lookahead_days: lookahead,
            min_lead_minutes: u32::MAX,
            buffer_before_minutes: u32::MAX,
            buffer_after_minutes: u32::MAX,
            max_per_day: Some(u32::MAX),
            ..rules(u32::MAX, u32::MAX)
        };
        for now in [Timestamp::MIN, Timestamp::UNIX_EPOCH, Timestamp::MAX] {
            let _ = window_end(&rules, now);
            for (from, to) in [
                (Timestamp::MIN, Timestamp::MIN),
                (Timestamp::MAX, Timestamp::MAX),
                (now, now),
            ] {
                for busy in [&busy, &BusyTimes::default()] {
                    let counts = DayCounts::default();
                    let _ = slots(&schedule, &rules, busy, &counts, from, to, now);
                }
            }
            for start in [Timestamp::MIN, Timestamp::UNIX_EPOCH, Timestamp::MAX] {
                let _ = check_start(&schedule, &rules, &busy, &DayCounts::default(), start, now);
            }
        }
    }
    // Whole-range queries close to both ends of time.
    let hourly = rules(60, 60);
    let near_min = Timestamp::MIN
        .checked_add(SignedDuration::from_hours(24))
        .unwrap();
    let none = DayCounts::default();
    let early = slots(
        &schedule,
        &hourly,
        &busy,
        &none,
        Timestamp::MIN,
        Timestamp::MAX,
        near_min,
    );
    assert!(early.is_empty());
    let free = BusyTimes::default();
    let _ = slots(
        &schedule,
        &hourly,
        &free,
        &none,
        Timestamp::MIN,
        Timestamp::MAX,
        Timestamp::MIN,
    );
    let near_max = Timestamp::MAX
        .checked_sub(SignedDuration::from_hours(24 * 3))
        .unwrap();
    let _ = slots(
        &schedule,
        &hourly,
        &free,
        &none,
        Timestamp::MIN,
        Timestamp::MAX,
        near_max,
    );
}
