//! RFC 5545 value types this module needs: DATE, DATE-TIME, DURATION, PERIOD, UTC-OFFSET.
//! Parsers return `None` on anything malformed; the caller drops what it cannot read.

use icalendar::parser::{Component, Property};
use jiff::civil::{Date, DateTime};

pub fn prop<'a>(component: &'a Component<'a>, name: &str) -> Option<&'a Property<'a>> {
    component
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

pub fn props<'a>(
    component: &'a Component<'a>,
    name: &'a str,
) -> impl Iterator<Item = &'a Property<'a>> + 'a {
    component
        .properties
        .iter()
        .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

pub fn prop_value<'a>(component: &'a Component<'a>, name: &str) -> Option<&'a str> {
    prop(component, name).map(|p| p.val.as_str().trim())
}

pub fn param<'a>(property: &'a Property<'a>, name: &str) -> Option<&'a str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(name))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim().trim_matches('"'))
}

/// `YYYYMMDD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i16 = text[0..4].parse().ok()?;
    let month: i8 = text[4..6].parse().ok()?;
    let day: i8 = text[6..8].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// `YYYYMMDDTHHMMSS` with an optional `Z`; the flag says UTC. A leap second (60) reads as 59.
pub fn parse_date_time(text: &str) -> Option<(DateTime, bool)> {
    let text = text.trim();
    let (text, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let (date, time) = text.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour: i8 = time[0..2].parse().ok()?;
    let minute: i8 = time[2..4].parse().ok()?;
    let second: i8 = time[4..6].parse::<i8>().ok()?.min(59);
    let time = jiff::civil::Time::new(hour, minute, second, 0).ok()?;
    Some((date.to_datetime(time), utc))
}

/// `+HHMM[SS]` / `-HHMM[SS]` as seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => (1, text),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[0..2].parse().ok()?;
    let minutes: i32 = digits[2..4].parse().ok()?;
    let seconds: i32 = digits.get(4..6).map_or(Some(0), |s| s.parse().ok())?;
    if hours > 25 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60 + seconds))
}

/// A length as RFC 5545 measures it: `nominal` seconds (whole days and weeks, and a DTEND
/// in the start's zone) move the wall clock, `exact` seconds (hours, minutes, seconds) move
/// the instant — a PT1H meeting is one hour long even on the night the clocks change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Length {
    pub nominal: i64,
    pub exact: i64,
}

impl Length {
    pub fn is_positive(&self) -> bool {
        self.nominal + self.exact > 0
    }
}

/// A DURATION (`P1W`, `-PT15M`, `P1DT2H`). Durations longer than about 30 years are
/// refused: no real meeting lasts that long, and the bound keeps arithmetic in range.
pub fn parse_duration(text: &str) -> Option<Length> {
    const MAX: i64 = 30 * 366 * 86_400;
    let text = text.trim().to_ascii_uppercase();
    let (sign, rest) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, &text[..]),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total: i64 = 0;
    let mut days: i64 = 0;
    let mut number: Option<i64> = None;
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => {
                let digit = i64::from(c as u8 - b'0');
                number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(digit)?);
                if number? > MAX {
                    return None;
                }
            }
            'T' if !in_time && number.is_none() => in_time = true,
            'W' | 'D' if !in_time => {
                let unit = if c == 'W' { 7 * 86_400 } else { 86_400 };
                let seconds = number.take()?.checked_mul(unit)?;
                total = total.checked_add(seconds)?;
                days = days.checked_add(seconds)?;
                any = true;
            }
            'H' | 'M' | 'S' if in_time => {
                let unit = match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
                total = total.checked_add(number.take()?.checked_mul(unit)?)?;
                any = true;
            }
            _ => return None,
        }
        if total > MAX {
            return None;
        }
    }
    if number.is_some() || !any {
        return None;
    }
    Some(Length {
        nominal: sign * days,
        exact: sign * (total - days),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let length = |nominal, exact| Some(Length { nominal, exact });
        assert_eq!(parse_duration("PT1H30M"), length(0, 5400));
        assert_eq!(parse_duration("P1W"), length(7 * 86_400, 0));
        assert_eq!(parse_duration("P1DT1S"), length(86_400, 1));
        assert_eq!(parse_duration("-PT15M"), length(0, -900));
        assert_eq!(parse_duration("P"), None);
        assert_eq!(parse_duration("PT"), None);
        assert_eq!(parse_duration("P1H"), None);
        assert_eq!(parse_duration("PT99999999999999999999H"), None);
    }

    #[test]
    fn date_times() {
        let (dt, utc) = parse_date_time("20260329T023000Z").unwrap();
        assert!(utc);
        assert_eq!(dt, jiff::civil::date(2026, 3, 29).at(2, 30, 0, 0));
        assert_eq!(parse_date_time("20260229T000000"), None);
        assert_eq!(parse_date_time("2026-03-29T02:30:00"), None);
        assert_eq!(parse_utc_offset("-0500"), Some(-18_000));
        assert_eq!(parse_utc_offset("+053000"), Some(19_800));
    }
}
