//! Wall-clock hour ranges such as `09:00-17:00`, the building block of a schedule.

use std::{fmt, str::FromStr};

/// A range of wall-clock time within one day, `[start, end)`, in minutes after midnight.
/// `end` may be 1440 (written `24:00`) to run to the end of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HourRange {
    start_minute: u16,
    end_minute: u16,
}

/// Why an hour range was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HourRangeError {
    #[error("expected HH:MM-HH:MM, got {0:?}")]
    Syntax(String),
    #[error("{0:?} is not a time of day (00:00 to 24:00)")]
    BadTime(String),
    #[error("range {0:?} must end after it starts")]
    Empty(String),
}

impl HourRange {
    /// A range from `start_minute` to `end_minute` (minutes after midnight, end up to 1440).
    pub fn new(start_minute: u16, end_minute: u16) -> Result<Self, HourRangeError> {
        let range = HourRange {
            start_minute,
            end_minute,
        };
        if end_minute > 1440 || start_minute >= 1440 {
            return Err(HourRangeError::BadTime(range.to_string()));
        }
        if end_minute <= start_minute {
            return Err(HourRangeError::Empty(range.to_string()));
        }
        Ok(range)
    }

    /// Minutes after midnight at which the range opens.
    pub fn start_minute(&self) -> u16 {
        self.start_minute
    }

    /// Minutes after midnight at which the range closes (exclusive, up to 1440).
    pub fn end_minute(&self) -> u16 {
        self.end_minute
    }

    /// Whether this range shares any minute with `other`.
    pub fn overlaps(&self, other: &HourRange) -> bool {
        self.start_minute < other.end_minute && other.start_minute < self.end_minute
    }
}

fn parse_time(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    // ASCII digits only: `parse` alone also takes a sign ("+9:00").
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    if !digits(hours) || !digits(minutes) {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
        return None;
    }
    Some(hours * 60 + minutes)
}

impl FromStr for HourRange {
    type Err = HourRangeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (start, end) = text
            .split_once('-')
            .ok_or_else(|| HourRangeError::Syntax(text.to_string()))?;
        let start_minute =
            parse_time(start).ok_or_else(|| HourRangeError::BadTime(start.trim().to_string()))?;
        let end_minute =
            parse_time(end).ok_or_else(|| HourRangeError::BadTime(end.trim().to_string()))?;
        if start_minute == 1440 {
            return Err(HourRangeError::BadTime(start.trim().to_string()));
        }
        HourRange::new(start_minute, end_minute)
    }
}

impl fmt::Display for HourRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start_minute / 60,
            self.start_minute % 60,
            self.end_minute / 60,
            self.end_minute % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let range: HourRange = "09:00-17:30".parse().unwrap();
        assert_eq!((range.start_minute(), range.end_minute()), (540, 1050));
        assert_eq!(range.to_string(), "09:00-17:30");
        let range: HourRange = " 9:15 - 24:00 ".parse().unwrap();
        assert_eq!((range.start_minute(), range.end_minute()), (555, 1440));
    }

    #[test]
    fn rejects_bad_ranges() {
        for bad in [
            "",
            "09:00",
            "9-17",
            "09:00-08:00",
            "09:00-09:00",
            "25:00-26:00",
            "09:60-10:00",
            "24:00-24:00",
            "24:30-25:00",
            "aa:bb-cc:dd",
            // found by fuzzing (fuzz/corpus/hours): signs were read as part of a number
            "+2:00-12:00",
            "09:+5-10:00",
            "09:00-+9:00",
        ] {
            assert!(
                bad.parse::<HourRange>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
