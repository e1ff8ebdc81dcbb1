//! The rules of one event type: how long, how often, how much notice, how far ahead.

/// Booking rules for one event type. All durations are in whole minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRules {
    /// Length of the meeting.
    pub duration_minutes: u32,
    /// Distance between candidate starts within an hour range.
    pub step_minutes: u32,
    /// Free time required before the meeting.
    pub buffer_before_minutes: u32,
    /// Free time required after the meeting.
    pub buffer_after_minutes: u32,
    /// Minimum notice: no slot starts earlier than `now` plus this.
    pub min_lead_minutes: u32,
    /// Booking window: no slot starts later than `now` plus this many days (of 24 hours).
    pub lookahead_days: u32,
    /// At most this many active bookings of the event type per day in the host's zone.
    pub max_per_day: Option<u32>,
}

impl Default for EventRules {
    fn default() -> Self {
        EventRules {
            duration_minutes: 30,
            step_minutes: 30,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            min_lead_minutes: 0,
            lookahead_days: 21,
            max_per_day: None,
        }
    }
}

impl EventRules {
    pub(crate) fn duration_seconds(&self) -> i64 {
        i64::from(self.duration_minutes) * 60
    }

    pub(crate) fn buffer_before_seconds(&self) -> i64 {
        i64::from(self.buffer_before_minutes) * 60
    }

    pub(crate) fn buffer_after_seconds(&self) -> i64 {
        i64::from(self.buffer_after_minutes) * 60
    }

    /// The time a booking starting at `start` occupies, buffers included, in seconds.
    /// This is the range no other active booking of the host may overlap.
    pub fn blocked_range(&self, start_second: i64) -> (i64, i64) {
        (
            start_second - self.buffer_before_seconds(),
            start_second + self.duration_seconds() + self.buffer_after_seconds(),
        )
    }
}
