//! The openslot scheduling engine: pure functions from working hours, event rules,
//! busy time and `now` to bookable slots, for one host or a team (see [`team_slots`] for how
//! hosts' own hours, time off and caps combine), and the round-robin ranking of hosts.
//! No I/O, no async, no clock.
//!
//! ```
//! use openslot_engine::{slots, BusyTimes, DayCounts, EventRules, HourRange, Schedule};
//! use jiff::{civil::Weekday, tz::TimeZone, Timestamp};
//!
//! let mut schedule = Schedule::new(TimeZone::get("Europe/London").unwrap());
//! schedule.set_weekday(Weekday::Monday, vec!["09:00-12:00".parse::<HourRange>().unwrap()]).unwrap();
//! let rules = EventRules { duration_minutes: 60, step_minutes: 60, ..EventRules::default() };
//! let now: Timestamp = "2026-11-27T12:00:00Z".parse().unwrap();
//! let from: Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
//! let to: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
//! let offered = slots(&schedule, &rules, &BusyTimes::default(), &DayCounts::default(), from, to, now);
//! let starts: Vec<String> = offered.iter().map(|s| s.start.to_string()).collect();
//! assert_eq!(starts, ["2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z"]);
//! ```

mod busy;
mod hours;
mod rules;
mod schedule;
mod slots;
mod team;

pub use busy::{BusyTimes, DayCounts, Interval};
pub use hours::{HourRange, HourRangeError};
pub use rules::EventRules;
pub use schedule::{Schedule, ScheduleError};
pub use slots::{
    check_lookup, check_start, slots, slots_lookup, window_end, Lookup, Rejection, Slot,
};
pub use team::{
    rank_round_robin, team_check_start, team_slots, Candidate, HostAvailability, TeamMode, TeamSlot,
};
