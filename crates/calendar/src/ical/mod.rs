//! iCalendar (RFC 5545) to busy time: every VEVENT instance of a CalDAV resource or a whole
//! ICS feed that overlaps a window, with recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID
//! overrides) expanded in the event's own wall-clock time so instances stay put across DST.
//!
//! Parsing is the `icalendar` crate's, recurrence the `rrule` crate's (chrono stays inside
//! this module; everything public is jiff). Hostile input costs bounded work: caps on events,
//! nesting and instances per series, and malformed components are skipped, never a panic.

mod values;
mod zones;

use std::collections::{HashMap, HashSet};

use icalendar::parser::{read_components, unfold, Component};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use values::{param, parse_date, parse_date_time, parse_duration, prop, prop_value, props, Length};
pub use zones::windows_to_iana;
use zones::Zones;

/// What to expand and how to read what has no zone of its own.
#[derive(Clone, Debug)]
pub struct ExpandOptions<'a> {
    /// Instances overlapping `[from, to)` are returned.
    pub from: Timestamp,
    pub to: Timestamp,
    /// The zone of floating times and of all-day (DATE) events: the host's zone.
    pub floating_zone: TimeZone,
    /// Whether all-day events are busy (the feed setting `all_day_busy`).
    pub all_day_busy: bool,
    /// UIDs whose events are left out: the events this service wrote itself.
    pub ignore_uids: Option<&'a HashSet<String>>,
    /// At most this many instances of one series inside the window; later ones are dropped.
    pub max_instances_per_series: usize,
    /// At most this many VEVENT components in one text, else [`IcalError::TooManyEvents`].
    pub max_events: usize,
}

impl ExpandOptions<'_> {
    /// The window, the host's zone and the defaults: all-day events busy, nothing ignored,
    /// 10,000 instances per series, 100,000 VEVENTs per text.
    pub fn new(from: Timestamp, to: Timestamp, floating_zone: TimeZone) -> Self {
        ExpandOptions {
            from,
            to,
            floating_zone,
            all_day_busy: true,
            ignore_uids: None,
            max_instances_per_series: 10_000,
            max_events: 100_000,
        }
    }
}

/// One busy instance of an event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct BusyEvent {
    pub start: Timestamp,
    pub end: Timestamp,
    pub uid: String,
    /// A DATE (all-day) event, placed midnight to midnight in the floating zone.
    pub all_day: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IcalError {
    #[error("not iCalendar data (no VCALENDAR or VEVENT)")]
    NotICalendar,
    #[error("more than {limit} events in one calendar text")]
    TooManyEvents { limit: usize },
    #[error("the window ends before it starts")]
    InvalidWindow,
}

/// Components nested deeper than this (VCALENDAR > VEVENT > VALARM is 3) are hostile.
const MAX_DEPTH: usize = 8;
/// Recurrence steps taken per series before giving up, wherever they fall: bounds the work a
/// rule like FREQ=SECONDLY from 1970 can cause.
const MAX_STEPS_PER_SERIES: usize = 200_000;
/// Recurrence steps for a whole text: many hostile series together stay bounded too. A real
/// feed (thousands of events, hundreds of daily series running for years) takes a few million.
const MAX_STEPS_PER_TEXT: usize = 10_000_000;

/// The busy instances of every event in `ics` that overlap `[opts.from, opts.to)`, sorted by
/// start. Transparent, cancelled and zero-length instances are not busy; nor are all-day ones
/// unless `opts.all_day_busy`. Components that cannot be read are skipped.
///
/// ```
/// use jiff::{tz::TimeZone, Timestamp};
/// use openslot_calendar::ical::{busy_intervals, ExpandOptions};
///
/// let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:standup\r\n\
///            DTSTART;TZID=W. Europe Standard Time:20260323T090000\r\nDURATION:PT15M\r\n\
///            RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
/// let from: Timestamp = "2026-03-01T00:00:00Z".parse()?;
/// let to: Timestamp = "2026-05-01T00:00:00Z".parse()?;
/// let busy = busy_intervals(ics, &ExpandOptions::new(from, to, TimeZone::UTC))?;
/// let starts: Vec<String> = busy.iter().map(|e| e.start.to_string()).collect();
/// // 09:00 in Berlin before and after the clocks change on 29 March.
/// assert_eq!(starts, ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn busy_intervals(ics: &str, opts: &ExpandOptions<'_>) -> Result<Vec<BusyEvent>, IcalError> {
    if opts.to < opts.from {
        return Err(IcalError::InvalidWindow);
    }
    let unfolded = unfold(ics);
    let blocks = split_blocks(&unfolded)?;
    let event_count = blocks.iter().filter(|b| b.kind == Kind::Event).count();
    if event_count > opts.max_events {
        return Err(IcalError::TooManyEvents {
            limit: opts.max_events,
        });
    }
    let parsed: Vec<(Kind, Component<'_>)> = blocks
        .iter()
        .filter_map(|block| {
            let mut components = read_components(block.text).ok()?;
            (components.len() == 1).then(|| (block.kind, components.remove(0)))
        })
        .collect();
    let timezones: Vec<&Component<'_>> = parsed
        .iter()
        .filter(|(kind, _)| *kind == Kind::TimeZone)
        .map(|(_, c)| c)
        .collect();
    let mut reader = Reader {
        zones: Zones::new(&timezones),
        opts,
        steps_left: MAX_STEPS_PER_TEXT,
    };

    // Group by UID: a master (or several, in broken feeds) and its RECURRENCE-ID overrides.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Group<'_>> = HashMap::new();
    for (kind, component) in &parsed {
        if *kind != Kind::Event {
            continue;
        }
        let uid = prop_value(component, "UID").unwrap_or("").to_string();
        if opts
            .ignore_uids
            .is_some_and(|ignored| ignored.contains(&uid))
        {
            continue;
        }
        let group = groups.entry(uid.clone()).or_insert_with(|| {
            order.push(uid.clone());
            Group::default()
        });
        if prop(component, "RECURRENCE-ID").is_some() {
            group.overrides.push(component);
        } else {
            group.masters.push(component);
        }
    }

    let mut out = Vec::new();
    for uid in &order {
        let group = &groups[uid];
        reader.expand_group(uid, group, &mut out);
    }
    out.sort();
    Ok(out)
}

/// The distinct UIDs of the VEVENTs in `ics`, in order of appearance (cheap: no expansion).
pub fn uids(ics: &str) -> Vec<String> {
    let unfolded = unfold(ics);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut depth_in_event: Option<usize> = None;
    let mut depth = 0usize;
    for line in unfolded.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(name) = component_edge(line, "BEGIN:") {
            depth += 1;
            if depth_in_event.is_none() && name.eq_ignore_ascii_case("VEVENT") {
                depth_in_event = Some(depth);
            }
        } else if component_edge(line, "END:").is_some() {
            if depth_in_event == Some(depth) {
                depth_in_event = None;
            }
            depth = depth.saturating_sub(1);
        } else if depth_in_event == Some(depth) {
            if let Some((name, value)) = line.split_once(':') {
                let name = name.split(';').next().unwrap_or("");
                if name.eq_ignore_ascii_case("UID") {
                    let uid = value.trim().to_string();
                    if seen.insert(uid.clone()) {
                        out.push(uid);
                    }
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Event,
    TimeZone,
}

struct Block<'s> {
    kind: Kind,
    text: &'s str,
}

fn component_edge<'l>(line: &'l str, edge: &str) -> Option<&'l str> {
    let head = line.get(..edge.len())?;
    head.eq_ignore_ascii_case(edge)
        .then(|| line[edge.len()..].trim())
}

/// Cuts the unfolded text into its VEVENT and VTIMEZONE components, each parsed on its own:
/// one malformed event then costs only itself, and nesting depth is checked before the
/// (recursive) parser sees anything.
fn split_blocks(text: &str) -> Result<Vec<Block<'_>>, IcalError> {
    let mut blocks = Vec::new();
    let mut saw_calendar = false;
    let mut depth = 0usize;
    // (kind, start offset, depth at its BEGIN, too deep)
    let mut open: Option<(Kind, usize, usize, bool)> = None;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\r', '\n']);
        if let Some(name) = component_edge(line, "BEGIN:") {
            depth += 1;
            if name.eq_ignore_ascii_case("VCALENDAR") {
                saw_calendar = true;
            }
            match &mut open {
                None => {
                    let kind = if name.eq_ignore_ascii_case("VEVENT") {
                        Some(Kind::Event)
                    } else if name.eq_ignore_ascii_case("VTIMEZONE") {
                        Some(Kind::TimeZone)
                    } else {
                        None
                    };
                    if let Some(kind) = kind {
                        open = Some((kind, line_start, depth, false));
                    }
                }
                Some((_, _, start_depth, too_deep)) => {
                    if depth - *start_depth >= MAX_DEPTH {
                        *too_deep = true;
                    }
                }
            }
        } else if component_edge(line, "END:").is_some() {
            if let Some((kind, start, start_depth, too_deep)) = open {
                if depth == start_depth {
                    if !too_deep {
                        blocks.push(Block {
                            kind,
                            text: &text[start..offset],
                        });
                    }
                    open = None;
                }
            }
            depth = depth.saturating_sub(1);
        }
    }
    if !saw_calendar && blocks.is_empty() {
        return Err(IcalError::NotICalendar);
    }
    Ok(blocks)
}

#[derive(Default)]
struct Group<'c> {
    masters: Vec<&'c Component<'c>>,
    overrides: Vec<&'c Component<'c>>,
}

/// A time as written: wall clock in a zone (UTC for `Z`, the floating zone for floating
/// times and dates).
#[derive(Clone, Debug)]
struct Moment {
    wall: DateTime,
    zone: TimeZone,
    all_day: bool,
}

impl Moment {
    fn timestamp(&self) -> Option<Timestamp> {
        instant(&self.zone, self.wall)
    }
}

/// Where an instance starting at `wall` in `zone` ends. When a start in a DST gap moves
/// forward onto its wall-clock end (02:30–03:30 on the night 02:00–03:00 is skipped), the
/// length is kept as real time instead: a meeting must not vanish from busy time.
fn end_of(zone: &TimeZone, wall: DateTime, length: Length) -> Option<Timestamp> {
    let end_wall = wall
        .checked_add(SignedDuration::from_secs(length.nominal))
        .ok()?;
    let end = instant(zone, end_wall)?
        .checked_add(SignedDuration::from_secs(length.exact))
        .ok()?;
    let start = instant(zone, wall)?;
    if end <= start && length.is_positive() {
        return start
            .checked_add(SignedDuration::from_secs(length.nominal + length.exact))
            .ok();
    }
    Some(end)
}

/// A wall-clock time in a zone as an instant. In a DST gap the time moves forward by the
/// gap, in a fold the earlier instant wins (RFC 5545 3.3.5; Python's zoneinfo agrees).
fn instant(zone: &TimeZone, wall: DateTime) -> Option<Timestamp> {
    zone.to_ambiguous_timestamp(wall).compatible().ok()
}

struct Reader<'c, 'o> {
    zones: Zones<'c>,
    opts: &'o ExpandOptions<'o>,
    /// What is left of [`MAX_STEPS_PER_TEXT`].
    steps_left: usize,
}

/// One instance before the busy filters: when it starts and ends.
struct Instance {
    start: Timestamp,
    end: Timestamp,
}

impl<'c> Reader<'c, '_> {
    fn moment(
        &mut self,
        property: &icalendar::parser::Property<'_>,
        value: &str,
    ) -> Option<Moment> {
        let is_date = param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || value.trim().len() == 8;
        if is_date {
            let date = parse_date(value)?;
            return Some(Moment {
                wall: date.to_datetime(jiff::civil::Time::midnight()),
                zone: self.opts.floating_zone.clone(),
                all_day: true,
            });
        }
        let (wall, utc) = parse_date_time(value)?;
        let zone = if utc {
            TimeZone::UTC
        } else {
            param(property, "TZID")
                .and_then(|tzid| self.zones.get(tzid))
                .unwrap_or_else(|| self.opts.floating_zone.clone())
        };
        Some(Moment {
            wall,
            zone,
            all_day: false,
        })
    }

    fn moment_of(&mut self, component: &Component<'_>, name: &str) -> Option<Moment> {
        let property = prop(component, name)?;
        self.moment(property, property.val.as_str())
    }

    /// Every value of a multi-valued date property (EXDATE, RDATE): `(moment, period end)`.
    fn moments_of(
        &mut self,
        component: &Component<'_>,
        name: &str,
    ) -> Vec<(Moment, Option<Timestamp>)> {
        let mut out = Vec::new();
        for property in props(component, name) {
            for value in property.val.as_str().split(',') {
                let (start, end) = match value.split_once('/') {
                    Some((start, end)) => (start, Some(end)),
                    None => (value, None),
                };
                let Some(moment) = self.moment(property, start) else {
                    continue;
                };
                let period_end = end.and_then(|end| {
                    if end.trim_start_matches(['+', '-']).starts_with(['P', 'p']) {
                        end_of(&moment.zone, moment.wall, parse_duration(end)?)
                    } else {
                        self.moment(property, end)?.timestamp()
                    }
                });
                out.push((moment, period_end));
            }
        }
        out
    }

    /// The length of an event: DTEND − DTSTART on the wall clock when both are in the same
    /// zone (so "Friday 20:00 to Monday 06:00" repeats as written across DST, as Python's
    /// `recurring-ical-events` does), exact when the zones differ; or DURATION; or the
    /// default (a day for a DATE, nothing for a DATE-TIME).
    fn duration(&mut self, component: &Component<'_>, start: &Moment) -> Option<Length> {
        if let Some(end) = self.moment_of(component, "DTEND") {
            if end.all_day == start.all_day && end.zone == start.zone {
                let span = start.wall.duration_until(end.wall);
                return Some(Length {
                    nominal: span.as_secs(),
                    exact: 0,
                });
            }
            let span = start.timestamp()?.duration_until(end.timestamp()?);
            return Some(Length {
                nominal: 0,
                exact: span.as_secs(),
            });
        }
        if let Some(duration) = prop_value(component, "DURATION").and_then(parse_duration) {
            return Some(duration);
        }
        Some(Length {
            nominal: if start.all_day { 86_400 } else { 0 },
            exact: 0,
        })
    }

    fn is_busy(component: &Component<'_>) -> bool {
        let transparent =
            prop_value(component, "TRANSP").is_some_and(|v| v.eq_ignore_ascii_case("TRANSPARENT"));
        let cancelled =
            prop_value(component, "STATUS").is_some_and(|v| v.eq_ignore_ascii_case("CANCELLED"));
        !transparent && !cancelled
    }

    fn emit(
        &self,
        uid: &str,
        all_day: bool,
        instance: &Instance,
        out: &mut Vec<BusyEvent>,
    ) -> bool {
        if instance.end <= instance.start
            || instance.start >= self.opts.to
            || instance.end <= self.opts.from
            || (all_day && !self.opts.all_day_busy)
        {
            return false;
        }
        out.push(BusyEvent {
            uid: uid.to_string(),
            start: instance.start,
            end: instance.end,
            all_day,
        });
        true
    }

    fn expand_group(&mut self, uid: &str, group: &Group<'c>, out: &mut Vec<BusyEvent>) {
        // Overrides stand on their own; the master instance each one replaces is left out.
        let mut replaced: HashSet<Timestamp> = HashSet::new();
        for component in &group.overrides {
            if let Some(id) = self
                .moment_of(component, "RECURRENCE-ID")
                .and_then(|m| m.timestamp())
            {
                replaced.insert(id);
            }
            if !Self::is_busy(component) {
                continue;
            }
            let Some(start) = self.moment_of(component, "DTSTART") else {
                continue;
            };
            let (Some(seconds), Some(start_at)) =
                (self.duration(component, &start), start.timestamp())
            else {
                continue;
            };
            if let Some(end) = end_of(&start.zone, start.wall, seconds) {
                self.emit(
                    uid,
                    start.all_day,
                    &Instance {
                        start: start_at,
                        end,
                    },
                    out,
                );
            }
        }
        for master in &group.masters {
            if Self::is_busy(master) {
                self.expand_master(uid, master, &replaced, out);
            }
        }
    }

    fn expand_master(
        &mut self,
        uid: &str,
        master: &Component<'_>,
        replaced: &HashSet<Timestamp>,
        out: &mut Vec<BusyEvent>,
    ) {
        let Some(start) = self.moment_of(master, "DTSTART") else {
            return;
        };
        let Some(seconds) = self.duration(master, &start) else {
            return;
        };
        if !seconds.is_positive() {
            return;
        }
        let mut excluded: HashSet<Timestamp> = HashSet::new();
        let mut excluded_dates: HashSet<jiff::civil::Date> = HashSet::new();
        for (moment, _) in self.moments_of(master, "EXDATE") {
            if moment.all_day && !start.all_day {
                excluded_dates.insert(moment.wall.date());
            } else if let Some(at) = moment.timestamp() {
                excluded.insert(at);
            }
        }
        let rdates = self.moments_of(master, "RDATE");
        let rules: Vec<String> = props(master, "RRULE")
            .map(|p| p.val.as_str().to_string())
            .collect();

        let mut emitted = 0usize;
        let cap = self.opts.max_instances_per_series;
        let mut seen: HashSet<Timestamp> = HashSet::new();
        let mut take = |reader: &Self,
                        wall: DateTime,
                        start_at: Timestamp,
                        end: Option<Timestamp>,
                        out: &mut Vec<BusyEvent>| {
            if emitted >= cap
                || !seen.insert(start_at)
                || replaced.contains(&start_at)
                || excluded.contains(&start_at)
                || excluded_dates.contains(&wall.date())
            {
                return;
            }
            let end = end.or_else(|| end_of(&start.zone, wall, seconds));
            if let Some(end) = end {
                if reader.emit(
                    uid,
                    start.all_day,
                    &Instance {
                        start: start_at,
                        end,
                    },
                    out,
                ) {
                    emitted += 1;
                }
            }
        };

        // DTSTART is the first instance (RFC 5545 3.8.5.3) whether or not the rule would
        // produce it — unless the rule ended before it began (python-dateutil and
        // `recurring-ical-events` then see no instance at all, and neither do we).
        let ended_before_start =
            !rules.is_empty() && rules.iter().all(|rule| ends_before(rule, &start));
        if let (Some(at), false) = (start.timestamp(), ended_before_start) {
            take(self, start.wall, at, None, out);
        }
        for (moment, period_end) in &rdates {
            if let Some(at) = moment.timestamp() {
                let end = period_end.or_else(|| end_of(&moment.zone, moment.wall, seconds));
                take(self, moment.wall, at, end, out);
            }
        }
        if rules.is_empty() {
            return;
        }
        // The window's end on this event's wall clock, with a day's slack for DST and the
        // event's own length (an instance starting before `to` is all that matters).
        let Some(last_wall) = start
            .zone
            .to_datetime(self.opts.to)
            .checked_add(SignedDuration::from_hours(48))
            .ok()
        else {
            return;
        };
        for rule in &rules {
            let budget = self.steps_left.min(MAX_STEPS_PER_SERIES);
            let Some(walls) = expand_rule(rule, &start, last_wall, budget) else {
                continue;
            };
            self.steps_left -= walls.len().min(self.steps_left);
            for wall in walls {
                if let Some(at) = instant(&start.zone, wall) {
                    if at >= self.opts.to {
                        break;
                    }
                    take(self, wall, at, None, out);
                }
            }
        }
    }
}

/// The wall-clock starts an RRULE produces from `start` up to `last_wall`, at most
/// `budget` of them. The rule runs on the event's wall clock (as if UTC): RFC 5545
/// repeats local times, so a 09:00 meeting stays at 09:00 across DST; the caller maps each
/// start to an instant in the event's zone. `None` when the rule cannot be read.
fn expand_rule(
    rule: &str,
    start: &Moment,
    last_wall: DateTime,
    budget: usize,
) -> Option<Vec<DateTime>> {
    use chrono::TimeZone as _;
    let to_chrono = |wall: DateTime| {
        rrule::Tz::UTC
            .with_ymd_and_hms(
                i32::from(wall.year()),
                wall.month() as u32,
                wall.day() as u32,
                wall.hour() as u32,
                wall.minute() as u32,
                wall.second() as u32,
            )
            .single()
    };
    let mut until = None;
    let mut parts = Vec::new();
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        let value = value.trim().to_ascii_uppercase();
        match key.as_str() {
            "UNTIL" => until = Some(until_wall(&value, start)?),
            "FREQ" | "INTERVAL" | "COUNT" | "WKST" | "BYSETPOS" | "BYMONTH" | "BYMONTHDAY"
            | "BYYEARDAY" | "BYWEEKNO" | "BYDAY" | "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                parts.push(format!("{key}={value}"))
            }
            _ => {}
        }
    }
    let dtstart = to_chrono(start.wall)?;
    let until = match until {
        Some(until) if until < start.wall => return None,
        Some(until) => Some(to_chrono(until)?),
        None => None,
    };
    // RRULE text is ASCII (RFC 5545 3.3.10); the rrule crate slices it by bytes and panics
    // on anything else (found by fuzzing).
    let text = parts.join(";");
    if !text.is_ascii() {
        return None;
    }
    // Should the crate still panic on an odd rule, that one rule is skipped rather than the
    // whole sync brought down.
    std::panic::catch_unwind(move || {
        let mut parsed: rrule::RRule<rrule::Unvalidated> = text.parse().ok()?;
        if let Some(until) = until {
            parsed = parsed.until(until);
        }
        let set = parsed.build(dtstart).ok()?.limit();
        let mut walls = Vec::new();
        for at in set.into_iter().take(budget) {
            let naive = at.naive_utc();
            let Ok(wall) = chrono_to_civil(naive) else {
                break;
            };
            if wall > last_wall {
                break;
            }
            walls.push(wall);
        }
        Some(walls)
    })
    .ok()
    .flatten()
}

/// Whether a rule's UNTIL lies before the event's start.
fn ends_before(rule: &str, start: &Moment) -> bool {
    rule.split(';')
        .filter_map(|part| part.split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("UNTIL"))
        .and_then(|(_, value)| until_wall(value.trim(), start))
        .is_some_and(|until| until < start.wall)
}

fn chrono_to_civil(naive: chrono::NaiveDateTime) -> Result<DateTime, jiff::Error> {
    use chrono::{Datelike, Timelike};
    let year = i16::try_from(naive.year()).unwrap_or(i16::MAX);
    DateTime::new(
        year,
        naive.month() as i8,
        naive.day() as i8,
        naive.hour() as i8,
        naive.minute() as i8,
        naive.second() as i8,
        0,
    )
}

/// UNTIL on the event's wall clock: a UTC time moved into the event's zone, a DATE as the
/// start of that day (for a timed event, as python-dateutil reads it), a floating time as
/// written.
fn until_wall(value: &str, start: &Moment) -> Option<DateTime> {
    if let Some(date) = parse_date(value) {
        return Some(date.to_datetime(jiff::civil::Time::midnight()));
    }
    let (wall, utc) = parse_date_time(value)?;
    if utc {
        let at = instant(&TimeZone::UTC, wall)?;
        Some(start.zone.to_datetime(at))
    } else {
        Some(wall)
    }
}
