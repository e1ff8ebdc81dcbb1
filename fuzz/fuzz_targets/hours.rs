//! `HourRange` parsing (`09:00-17:00`, the building block of every schedule) against an
//! independent reading of the grammar: optional spaces, `H:MM` or `HH:MM` in ASCII digits,
//! `24:00` only as an end, and the end after the start. Accepted ranges print in canonical
//! form and parse back to themselves.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openslot_engine::HourRange;

/// Minutes after midnight for `H:MM` / `HH:MM` (00:00 to 24:00).
fn reference_time(text: &str) -> Option<u16> {
    let text = text.trim();
    let (hours, minutes) = text.split_once(':')?;
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(hours) && hours.len() <= 2 && digits(minutes) && minutes.len() == 2) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    (minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0))).then_some(hours * 60 + minutes)
}

fn reference(text: &str) -> Option<(u16, u16)> {
    let (start, end) = text.split_once('-')?;
    let (start, end) = (reference_time(start)?, reference_time(end)?);
    (start < 1440 && end > start).then_some((start, end))
}

fuzz_target!(|data: &[u8]| {
    if data.len() >= 4 {
        // The constructor: valid exactly when start < end <= 1440.
        let start = u16::from_le_bytes([data[0], data[1]]);
        let end = u16::from_le_bytes([data[2], data[3]]);
        match HourRange::new(start, end) {
            Ok(range) => {
                assert!(start < end && end <= 1440);
                assert_eq!(range.to_string().parse::<HourRange>(), Ok(range));
            }
            Err(_) => assert!(!(start < end && end <= 1440)),
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = text.parse::<HourRange>();
    let expected = reference(text);
    match (&parsed, expected) {
        (Ok(range), Some(minutes)) => {
            assert_eq!(
                (range.start_minute(), range.end_minute()),
                minutes,
                "{text:?}"
            )
        }
        (Err(_), None) => {}
        (parsed, expected) => {
            panic!("{text:?}: parsed as {parsed:?}, the grammar says {expected:?}")
        }
    }
    if let Ok(range) = parsed {
        let printed = range.to_string();
        assert_eq!(printed.len(), "HH:MM-HH:MM".len(), "{printed:?}");
        assert_eq!(printed.parse::<HourRange>(), Ok(range));
        assert!(range.start_minute() < range.end_minute() && range.end_minute() <= 1440);
        assert!(range.overlaps(&range));
    }
});
