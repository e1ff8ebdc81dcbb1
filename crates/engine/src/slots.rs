//! Slot generation and the matching check for one requested start.
//!
//! Candidate starts are laid on a grid of wall-clock times: each hour range opens at its
//! start and repeats every `step` minutes. A wall-clock time that does not exist (skipped
//! by a spring-forward transition) yields no slot; one that exists twice (fall-back) is
//! offered once, at its earlier instant. Every slot lasts exactly `duration` in real time
//! and must end by the instant its hour range closes.

use jiff::{
    civil::{Date, DateTime},
    tz::{AmbiguousOffset, TimeZone},
    SignedDuration, Timestamp,
};

use crate::{
    busy::{ceil_second, floor_second},
    BusyTimes, DayCounts, EventRules, HourRange, Schedule,
};

/// A bookable interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Why a requested start cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("that time is not one of the offered start times")]
    NotOffered,
    #[error("that time is in the past")]
    InPast,
    #[error("that time is too soon: more notice is required")]
    TooSoon,
    #[error("that time is beyond the booking window")]
    BeyondWindow,
    #[error("the daily limit for this event type is reached on that day")]
    DayFull,
    #[error("that time overlaps another booking")]
    Busy,
}

const DAY_SECONDS: i64 = 86_400;

/// The latest instant a slot may start at: `now` plus the lookahead, in 24-hour days.
pub fn window_end(rules: &EventRules, now: Timestamp) -> Timestamp {
    let lookahead = SignedDuration::from_secs(i64::from(rules.lookahead_days) * DAY_SECONDS);
    now.checked_add(lookahead).unwrap_or(Timestamp::MAX)
}

/// The first whole second a slot may start at: `now` plus the notice, rounded up.
fn earliest_second(rules: &EventRules, now: Timestamp) -> i64 {
    ceil_second(now) + i64::from(rules.min_lead_minutes) * 60
}

/// The last whole second a slot may start at: [`window_end`] rounded down.
fn latest_second(rules: &EventRules, now: Timestamp) -> i64 {
    floor_second(window_end(rules, now))
}

pub(crate) fn second_to_timestamp(second: i64) -> Timestamp {
    Timestamp::from_second(second.clamp(
        Timestamp::MIN.as_second() + DAY_SECONDS,
        Timestamp::MAX.as_second() - DAY_SECONDS,
    ))
    .expect("clamped into range")
}

pub(crate) fn date_of(timezone: &TimeZone, second: i64) -> Date {
    timezone.to_datetime(second_to_timestamp(second)).date()
}

/// Instant of a wall-clock time: `None` inside a gap, the earlier instant in a fold.
fn resolve_start(timezone: &TimeZone, civil: DateTime) -> Option<(i64, bool)> {
    let ambiguous = timezone.to_ambiguous_timestamp(civil);
    let (offset, unambiguous) = match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => (offset, true),
        AmbiguousOffset::Gap { .. } => return None,
        AmbiguousOffset::Fold { before, .. } => (before, false),
    };
    offset
        .to_timestamp(civil)
        .ok()
        .map(|ts| (ts.as_second(), unambiguous))
}

/// Instant at which an hour range closes: a closing time inside a gap closes at the
/// transition; one inside a fold closes at its earlier instant.
fn resolve_end(timezone: &TimeZone, civil: DateTime) -> Option<(i64, bool)> {
    let ambiguous = timezone.to_ambiguous_timestamp(civil);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => offset
            .to_timestamp(civil)
            .ok()
            .map(|ts| (ts.as_second(), true)),
        AmbiguousOffset::Fold { before, .. } => before
            .to_timestamp(civil)
            .ok()
            .map(|ts| (ts.as_second(), false)),
        AmbiguousOffset::Gap { before, .. } => {
            // Read with the offset in force before the gap, `civil` is at or after the
            // transition; `preceding` excludes its argument, hence the extra nanosecond.
            let past_gap = before.to_timestamp(civil).ok()?;
            let just_after = past_gap.checked_add(SignedDuration::from_nanos(1)).ok()?;
            let transition = timezone.preceding(just_after).next()?;
            Some((transition.timestamp().as_second(), false))
        }
    }
}

fn civil_at(date: Date, minute: u32) -> Option<DateTime> {
    date.to_datetime(jiff::civil::Time::midnight())
        .checked_add(SignedDuration::from_mins(i64::from(minute)))
        .ok()
}

/// Transition instants (Unix seconds) of `timezone` within `[from, to]`, ascending.
fn transitions_between(timezone: &TimeZone, from: i64, to: i64) -> Vec<i64> {
    timezone
        .following(second_to_timestamp(from - 1))
        .map(|transition| transition.timestamp().as_second())
        .take_while(|&second| second <= to)
        .collect()
}

/// Calls `emit(start_second)` for every candidate start on `date`, in increasing order,
/// before any notice, window, cap or busy filter.
fn for_each_candidate(
    schedule: &Schedule,
    rules: &EventRules,
    date: Date,
    transitions: &[i64],
    mut emit: impl FnMut(i64),
) {
    let timezone = schedule.timezone();
    let duration = rules.duration_seconds();
    let step_minutes = rules.step_minutes.max(1);
    for range in schedule.hours_on(date) {
        for_each_in_range(
            timezone,
            range,
            date,
            duration,
            step_minutes,
            transitions,
            &mut emit,
        );
    }
}

fn for_each_in_range(
    timezone: &TimeZone,
    range: &HourRange,
    date: Date,
    duration: i64,
    step_minutes: u32,
    transitions: &[i64],
    emit: &mut impl FnMut(i64),
) {
    let (Some(open_civil), Some(close_civil)) = (
        civil_at(date, u32::from(range.start_minute())),
        civil_at(date, u32::from(range.end_minute())),
    ) else {
        return;
    };
    let Some((close, close_plain)) = resolve_end(timezone, close_civil) else {
        return;
    };
    let step_seconds = i64::from(step_minutes) * 60;
    if let Some((open, true)) = resolve_start(timezone, open_civil) {
        let first_transition = transitions.partition_point(|&t| t <= open);
        let steady = close_plain
            && transitions
                .get(first_transition)
                .is_none_or(|&transition| transition > close);
        if steady {
            // One offset for the whole range: wall-clock steps are real-time steps.
            let mut start = open;
            while start + duration <= close {
                emit(start);
                start += step_seconds;
            }
            return;
        }
    }
    // A transition falls inside this range: resolve each wall-clock start on its own.
    let range_minutes = u32::from(range.end_minute() - range.start_minute());
    let mut offset_minutes = 0;
    while offset_minutes < range_minutes {
        let civil = civil_at(date, u32::from(range.start_minute()) + offset_minutes);
        if let Some((start, _)) = civil.and_then(|civil| resolve_start(timezone, civil)) {
            if start + duration <= close {
                emit(start);
            }
        }
        offset_minutes += step_minutes;
    }
}

/// The stretch of time an answer depends on. Busy spans that do not overlap `busy` and
/// bookings that do not start within `starts` cannot change what [`slots`] or
/// [`check_start`] return, so a caller holding many bookings need only pass those that do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// `[start, end)` in Unix seconds: the busy spans overlapping it matter.
    pub busy: (i64, i64),
    /// `[start, end)` in Unix seconds: bookings starting in it count towards daily caps.
    pub starts: (i64, i64),
}

/// How far a local date (plus any transition folded into it) can reach from an instant on
/// it: generously more than the longest day any zone has had.
const DATE_REACH_SECONDS: i64 = 3 * DAY_SECONDS;

/// What `slots(schedule, rules, busy, counts, from, to, now)` reads of `busy` and `counts`.
pub fn slots_lookup(rules: &EventRules, from: Timestamp, to: Timestamp, now: Timestamp) -> Lookup {
    let low = ceil_second(from).max(earliest_second(rules, now));
    let high = ceil_second(to).min(latest_second(rules, now) + 1); // exclusive
    if low >= high || rules.duration_minutes == 0 {
        return Lookup {
            busy: (low, low),
            starts: (low, low),
        };
    }
    Lookup {
        // A candidate start `s` in [low, high) checks [s - before, s + duration + after).
        busy: (
            low - rules.buffer_before_seconds(),
            high + rules.duration_seconds() + rules.buffer_after_seconds(),
        ),
        // Caps are counted per local date of the dates from `low` to `high`.
        starts: (low - DATE_REACH_SECONDS, high + DATE_REACH_SECONDS),
    }
}

/// What `check_start(schedule, rules, busy, counts, start, now)` reads of `busy` and
/// `counts`.
pub fn check_lookup(rules: &EventRules, start: Timestamp) -> Lookup {
    let start_second = start.as_second();
    Lookup {
        busy: rules.blocked_range(start_second),
        starts: (
            start_second - DATE_REACH_SECONDS,
            start_second + DATE_REACH_SECONDS,
        ),
    }
}

/// All bookable slots starting in `[from, to)`, sorted and unique.
///
/// A slot is offered when it lies on the grid of the host's hours, starts no earlier than
/// `now` plus the notice and no later than [`window_end`], its day has not reached
/// `max_per_day` in `counts`, and the slot widened by its buffers overlaps no `busy` time.
pub fn slots(
    schedule: &Schedule,
    rules: &EventRules,
    busy: &BusyTimes,
    counts: &DayCounts,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> Vec<Slot> {
    let earliest = earliest_second(rules, now);
    let latest = latest_second(rules, now);
    let low = ceil_second(from).max(earliest);
    let high = ceil_second(to).min(latest + 1); // exclusive
    let mut out = Vec::new();
    if low >= high || rules.duration_minutes == 0 {
        return out;
    }
    let timezone = schedule.timezone();
    let transitions = transitions_between(timezone, low - 2 * DAY_SECONDS, high + 2 * DAY_SECONDS);
    let duration = rules.duration_seconds();
    let before = rules.buffer_before_seconds();
    let after = rules.buffer_after_seconds();
    let mut cursor = busy.cursor(low - before);
    let mut date = date_of(timezone, low);
    // Local dates usually grow with time, but a fall-back transition just after midnight
    // (America/St_Johns until 2011, for one) briefly returns to the previous date: the
    // last date seen in `[low, high)` may then be the one just before such a transition.
    let last_date = transitions
        .iter()
        .filter(|&&transition| low < transition && transition < high)
        .map(|&transition| date_of(timezone, transition - 1))
        .fold(date_of(timezone, high - 1), Date::max);
    while date <= last_date {
        let full = rules.max_per_day.is_some_and(|cap| counts.get(date) >= cap);
        if !full {
            for_each_candidate(schedule, rules, date, &transitions, |start| {
                if start < low || start >= high {
                    return;
                }
                let end = start + duration;
                if cursor.overlaps(start - before, end + after) {
                    return;
                }
                out.push(Slot {
                    start: second_to_timestamp(start),
                    end: second_to_timestamp(end),
                });
            });
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    out
}

/// Checks one requested start against the same rules [`slots`] applies, returning the slot
/// it would occupy or the first reason it cannot be booked.
pub fn check_start(
    schedule: &Schedule,
    rules: &EventRules,
    busy: &BusyTimes,
    counts: &DayCounts,
    start: Timestamp,
    now: Timestamp,
) -> Result<Slot, Rejection> {
    if start.subsec_nanosecond() != 0 || rules.duration_minutes == 0 {
        return Err(Rejection::NotOffered);
    }
    let start_second = start.as_second();
    let timezone = schedule.timezone();
    let date = date_of(timezone, start_second);
    let transitions = transitions_between(
        timezone,
        start_second - 2 * DAY_SECONDS,
        start_second + 2 * DAY_SECONDS,
    );
    let mut on_grid = false;
    for_each_candidate(schedule, rules, date, &transitions, |candidate| {
        on_grid |= candidate == start_second;
    });
    if !on_grid {
        return Err(Rejection::NotOffered);
    }
    if start_second < ceil_second(now) {
        return Err(Rejection::InPast);
    }
    if start_second < earliest_second(rules, now) {
        return Err(Rejection::TooSoon);
    }
    if start_second > latest_second(rules, now) {
        return Err(Rejection::BeyondWindow);
    }
    if rules.max_per_day.is_some_and(|cap| counts.get(date) >= cap) {
        return Err(Rejection::DayFull);
    }
    let (blocked_start, blocked_end) = rules.blocked_range(start_second);
    if busy.overlaps(blocked_start, blocked_end) {
        return Err(Rejection::Busy);
    }
    Ok(Slot {
        start,
        end: second_to_timestamp(start_second + rules.duration_seconds()),
    })
}
