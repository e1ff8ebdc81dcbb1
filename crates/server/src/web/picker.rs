//! The day-and-time picker shared by the booking page and the manage page: an event type's
//! offered starts over its whole window, grouped by date in the visitor's zone.

use std::collections::BTreeMap;

use jiff::{civil::Date, tz::TimeZone, Timestamp};
use openslot_engine::{window_end, Slot};
use serde_json::{json, Value};

use crate::{catalog::EventType, i18n::Locale};

/// Offered starts by date, and the date the page shows.
pub struct Picker {
    zone: TimeZone,
    today: Date,
    last: Date,
    by_day: BTreeMap<Date, Vec<Timestamp>>,
    pub selected: Option<Date>,
    /// The language of the labels (CLDR `en` until a page names its own).
    locale: Locale,
}

impl Picker {
    /// The `offered` slots of `event` from today to the end of its window, seen in `zone`;
    /// `wanted` is shown if it lies in the window, else the first date with a slot. `skip`
    /// leaves one start out (a booking's own time when moving it).
    pub fn new(
        event: &EventType,
        offered: &[Slot],
        zone: &TimeZone,
        now: Timestamp,
        wanted: Option<Date>,
        skip: Option<Timestamp>,
    ) -> Picker {
        let today = now.to_zoned_datetime(zone.clone()).date();
        let last = window_end(&event.rules, now)
            .to_zoned_datetime(zone.clone())
            .date();
        let from = today
            .to_zoned_datetime(zone.clone())
            .map(|day| day.timestamp())
            .unwrap_or(now);
        let to = last
            .tomorrow()
            .ok()
            .and_then(|next| next.to_zoned_datetime(zone.clone()).ok())
            .map(|day| day.timestamp())
            .unwrap_or(Timestamp::MAX);
        let mut by_day: BTreeMap<Date, Vec<Timestamp>> = BTreeMap::new();
        for slot in offered
            .iter()
            .filter(|slot| slot.start >= from && slot.start < to)
        {
            if Some(slot.start) != skip {
                by_day
                    .entry(slot.start.to_zoned_datetime(zone.clone()).date())
                    .or_default()
                    .push(slot.start);
            }
        }
        let selected = wanted
            .filter(|date| *date >= today && *date <= last)
            .or_else(|| by_day.keys().next().copied());
        Picker {
            zone: zone.clone(),
            today,
            last,
            by_day,
            selected,
            locale: Locale::En,
        }
    }

    /// Writes weekdays, days and times the way `locale` writes them (CLDR).
    pub fn in_locale(mut self, locale: Locale) -> Picker {
        self.locale = locale;
        self
    }

    fn weekday_label(&self, day: Date) -> String {
        crate::i18n::dates(self.locale).weekday_short(day)
    }

    fn day_label(&self, day: Date) -> String {
        crate::i18n::dates(self.locale).day_month(day)
    }

    fn time_label(&self, start: Timestamp) -> String {
        crate::i18n::dates(self.locale).time(start.to_zoned_datetime(self.zone.clone()).time())
    }

    /// Whether any date has a slot.
    pub fn any_available(&self) -> bool {
        !self.by_day.is_empty()
    }

    /// Every date of the window, each linking to `href(date)`.
    pub fn days(&self, href: impl Fn(Date) -> String) -> Vec<Value> {
        let mut days = Vec::new();
        let mut day = self.today;
        while day <= self.last {
            days.push(json!({
                "date": day.to_string(),
                "weekday": self.weekday_label(day),
                "label": self.day_label(day),
                "available": self.by_day.contains_key(&day),
                "selected": Some(day) == self.selected,
                "href": href(day),
            }));
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }

    /// The selected date's times; `checked` marks one as chosen.
    pub fn times(&self, checked: Option<&str>) -> Vec<Value> {
        self.selected
            .and_then(|date| self.by_day.get(&date))
            .map(|starts| {
                starts
                    .iter()
                    .map(|start| {
                        let value = start.to_string();
                        json!({
                            "start": value,
                            "label": self.time_label(*start),
                            "checked": checked == Some(value.as_str()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The selected date written out, e.g. "Tuesday, December 1".
    pub fn selected_label(&self) -> Option<String> {
        self.selected
            .map(|date| crate::i18n::dates(self.locale).day_long(date))
    }
}
