//! Busy time (existing bookings with their buffers, external calendar events) and per-day
//! booking counts, prepared once so slot generation can sweep them in order.

use std::collections::HashMap;

use jiff::{civil::Date, tz::TimeZone, Timestamp};

/// A half-open interval of time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// A host's busy time as sorted, merged, half-open intervals in whole seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BusyTimes {
    spans: Vec<(i64, i64)>,
}

impl BusyTimes {
    /// Builds busy time from intervals in any order; overlapping or touching ones are merged
    /// and empty ones dropped. Fractional seconds widen an interval to whole seconds (its
    /// start rounds down, its end up), so a slot of whole seconds overlaps the widened
    /// interval exactly when it overlaps the original.
    pub fn new(intervals: impl IntoIterator<Item = Interval>) -> Self {
        Self::from_seconds(
            intervals
                .into_iter()
                .filter(|interval| interval.start < interval.end)
                .map(|interval| (floor_second(interval.start), ceil_second(interval.end))),
        )
    }

    /// Builds busy time from `(start, end)` pairs of Unix seconds in any order.
    pub fn from_seconds(spans: impl IntoIterator<Item = (i64, i64)>) -> Self {
        let mut spans: Vec<(i64, i64)> = spans.into_iter().filter(|(s, e)| s < e).collect();
        // Merging needs the starts in order; the order of equal starts does not matter.
        spans.sort_unstable_by_key(|span| span.0);
        // Merge in place: a span starting by the end of the one kept before it joins it.
        spans.dedup_by(|next, kept| {
            let joins = next.0 <= kept.1;
            if joins {
                kept.1 = kept.1.max(next.1);
            }
            joins
        });
        BusyTimes { spans }
    }

    /// Number of merged busy spans.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there is no busy time at all.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The merged spans as `(start, end)` Unix seconds.
    pub fn spans(&self) -> &[(i64, i64)] {
        &self.spans
    }

    /// The merged spans, taken out.
    pub(crate) fn into_spans(self) -> Vec<(i64, i64)> {
        self.spans
    }

    /// Whether `[start, end)` (Unix seconds) overlaps any busy span.
    pub fn overlaps(&self, start: i64, end: i64) -> bool {
        let index = self.spans.partition_point(|span| span.1 <= start);
        index < self.spans.len() && self.spans[index].0 < end
    }

    /// A forward-only cursor for queries with non-decreasing starts.
    pub(crate) fn cursor(&self, first_start: i64) -> BusyCursor<'_> {
        BusyCursor {
            spans: &self.spans,
            index: self.spans.partition_point(|span| span.1 <= first_start),
        }
    }
}

pub(crate) struct BusyCursor<'a> {
    spans: &'a [(i64, i64)],
    index: usize,
}

impl BusyCursor<'_> {
    /// Whether `[start, end)` overlaps busy time; `start` must not decrease between calls.
    pub(crate) fn overlaps(&mut self, start: i64, end: i64) -> bool {
        while self.index < self.spans.len() && self.spans[self.index].1 <= start {
            self.index += 1;
        }
        self.index < self.spans.len() && self.spans[self.index].0 < end
    }
}

/// The last whole second at or before `timestamp`.
pub(crate) fn floor_second(timestamp: Timestamp) -> i64 {
    // `as_second` truncates towards zero, and the fraction has the timestamp's sign.
    timestamp.as_second() - i64::from(timestamp.subsec_nanosecond() < 0)
}

/// The first whole second at or after `timestamp`.
pub(crate) fn ceil_second(timestamp: Timestamp) -> i64 {
    timestamp.as_second() + i64::from(timestamp.subsec_nanosecond() > 0)
}

/// How many active bookings of one event type start on each date in the host's zone
/// (for the `max_per_day` rule).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayCounts {
    counts: HashMap<Date, u32>,
}

impl DayCounts {
    /// Counts `starts` per date as seen in `timezone`.
    pub fn from_starts(timezone: &TimeZone, starts: impl IntoIterator<Item = Timestamp>) -> Self {
        let mut counts = HashMap::new();
        for start in starts {
            *counts
                .entry(timezone.to_datetime(start).date())
                .or_insert(0) += 1;
        }
        DayCounts { counts }
    }

    /// Every date with its count, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Date, u32)> + '_ {
        self.counts.iter().map(|(date, count)| (*date, *count))
    }

    /// Bookings counted on `date`.
    pub fn get(&self, date: Date) -> u32 {
        self.counts.get(&date).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_queries() {
        let busy = BusyTimes::from_seconds([(50, 60), (10, 20), (15, 30), (30, 40), (70, 70)]);
        assert_eq!(busy.spans(), &[(10, 40), (50, 60)]);
        assert!(busy.overlaps(0, 11));
        assert!(!busy.overlaps(0, 10));
        assert!(!busy.overlaps(40, 50));
        assert!(busy.overlaps(59, 100));
        assert!(!busy.overlaps(60, 100));
    }

    #[test]
    fn rounds_fractions_outwards() {
        let at = |second, nanosecond| Timestamp::new(second, nanosecond).unwrap();
        assert_eq!((floor_second(at(5, 0)), ceil_second(at(5, 0))), (5, 5));
        assert_eq!((floor_second(at(5, 1)), ceil_second(at(5, 1))), (5, 6));
        assert_eq!(
            (floor_second(at(-5, -1)), ceil_second(at(-5, -1))),
            (-6, -5)
        );
        assert_eq!((floor_second(at(0, -1)), ceil_second(at(0, -1))), (-1, 0));
        let busy = BusyTimes::new([
            Interval {
                start: at(10, 200_000_000),
                end: at(10, 700_000_000),
            },
            Interval {
                start: at(20, 500_000_000),
                end: at(22, 100),
            },
            Interval {
                start: at(30, 5),
                end: at(30, 5),
            },
        ]);
        assert_eq!(busy.spans(), &[(10, 11), (20, 23)]);
    }
}
