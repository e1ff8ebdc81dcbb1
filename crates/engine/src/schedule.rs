//! A host's working hours: weekly ranges in an IANA time zone plus per-date overrides.

use std::collections::BTreeMap;

use jiff::{
    civil::{Date, Weekday},
    tz::TimeZone,
};

use crate::HourRange;

/// Why a set of hour ranges cannot be part of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("hour ranges {0} and {1} overlap")]
    Overlap(HourRange, HourRange),
}

/// Weekly working hours in one time zone, with dates that override the week.
#[derive(Clone, Debug)]
pub struct Schedule {
    timezone: TimeZone,
    weekly: [Vec<HourRange>; 7],
    overrides: BTreeMap<Date, Vec<HourRange>>,
}

fn normalise(mut ranges: Vec<HourRange>) -> Result<Vec<HourRange>, ScheduleError> {
    ranges.sort();
    for pair in ranges.windows(2) {
        if pair[0].overlaps(&pair[1]) {
            return Err(ScheduleError::Overlap(pair[0], pair[1]));
        }
    }
    Ok(ranges)
}

impl Schedule {
    /// A schedule in `timezone` that is closed every day.
    pub fn new(timezone: TimeZone) -> Self {
        Schedule {
            timezone,
            weekly: Default::default(),
            overrides: BTreeMap::new(),
        }
    }

    /// A schedule in `timezone` open all day, every day: a host with no hours of their own
    /// adds no restriction to an event type's hours.
    pub fn always_open(timezone: TimeZone) -> Self {
        let all_day = vec![HourRange::new(0, 1440).expect("00:00-24:00 is a valid range")];
        Schedule {
            timezone,
            weekly: std::array::from_fn(|_| all_day.clone()),
            overrides: BTreeMap::new(),
        }
    }

    /// The zone the hours are wall-clock times in.
    pub fn timezone(&self) -> &TimeZone {
        &self.timezone
    }

    /// Sets the hours of every `weekday` (an empty list closes it).
    pub fn set_weekday(
        &mut self,
        weekday: Weekday,
        ranges: Vec<HourRange>,
    ) -> Result<(), ScheduleError> {
        self.weekly[weekday.to_monday_zero_offset() as usize] = normalise(ranges)?;
        Ok(())
    }

    /// Replaces the hours of one date (an empty list closes it).
    pub fn set_override(
        &mut self,
        date: Date,
        ranges: Vec<HourRange>,
    ) -> Result<(), ScheduleError> {
        self.overrides.insert(date, normalise(ranges)?);
        Ok(())
    }

    /// The hour ranges open on `date`, sorted and disjoint.
    pub fn hours_on(&self, date: Date) -> &[HourRange] {
        match self.overrides.get(&date) {
            Some(ranges) => ranges,
            None => &self.weekly[date.weekday().to_monday_zero_offset() as usize],
        }
    }
}
