//! Dates and times written the way each locale writes them, from CLDR data (ICU4X):
//! weekday and month names, the order of day and month, 12- or 24-hour clocks, and the
//! first day of the week. Callers pass civil values already in the zone they mean.

use icu_calendar::{week::WeekInformation, Date as IcuDate, Gregorian};
use icu_datetime::{
    fieldsets,
    input::{DateTime as IcuDateTime, Time as IcuTime},
    FixedCalendarDateTimeFormatter, NoCalendarFormatter,
};
use jiff::civil;

use super::Locale;

/// The formatters of one locale, built once.
pub struct Dates {
    weekday_short: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::E>,
    day_month: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MD>,
    day_long: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MDE>,
    date_long: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMDE>,
    date_time_long: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMDET>,
    date_time_short: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MDET>,
    time: NoCalendarFormatter<fieldsets::T>,
    first_weekday: civil::Weekday,
}

impl std::fmt::Debug for Dates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dates")
            .field("first_weekday", &self.first_weekday)
            .finish()
    }
}

fn icu_date(date: civil::Date) -> IcuDate<Gregorian> {
    // Every jiff date (years -9999..=9999) is a valid Gregorian date.
    IcuDate::try_new_gregorian(i32::from(date.year()), date.month() as u8, date.day() as u8)
        .expect("a civil date is a Gregorian date")
}

fn icu_time(time: civil::Time) -> IcuTime {
    IcuTime::try_new(time.hour() as u8, time.minute() as u8, 0, 0)
        .expect("a civil time is a valid time")
}

impl Dates {
    pub fn new(locale: Locale) -> Dates {
        let language: icu_locale_core::Locale = locale
            .tag()
            .parse()
            .expect("every locale tag is a BCP 47 locale");
        let prefs = || (&language).into();
        let first_weekday = WeekInformation::try_new((&language).into())
            .map(|week| weekday(week.first_weekday))
            .unwrap_or(civil::Weekday::Monday);
        Dates {
            weekday_short: FixedCalendarDateTimeFormatter::try_new(prefs(), fieldsets::E::short())
                .expect("compiled CLDR data has weekday names"),
            day_month: FixedCalendarDateTimeFormatter::try_new(prefs(), fieldsets::MD::medium())
                .expect("compiled CLDR data has day-month patterns"),
            day_long: FixedCalendarDateTimeFormatter::try_new(prefs(), fieldsets::MDE::long())
                .expect("compiled CLDR data has long day patterns"),
            date_long: FixedCalendarDateTimeFormatter::try_new(prefs(), fieldsets::YMDE::long())
                .expect("compiled CLDR data has long date patterns"),
            date_time_long: FixedCalendarDateTimeFormatter::try_new(
                prefs(),
                fieldsets::YMDE::long().with_time_hm(),
            )
            .expect("compiled CLDR data has date-time patterns"),
            date_time_short: FixedCalendarDateTimeFormatter::try_new(
                prefs(),
                fieldsets::MDE::medium().with_time_hm(),
            )
            .expect("compiled CLDR data has short date-time patterns"),
            time: NoCalendarFormatter::try_new(prefs(), fieldsets::T::hm())
                .expect("compiled CLDR data has time patterns"),
            first_weekday,
        }
    }

    /// "Tue" / "Di." / "火".
    pub fn weekday_short(&self, date: civil::Date) -> String {
        self.weekday_short.format(&icu_date(date)).to_string()
    }

    /// "Dec 1" / "01.12." / "1 déc.".
    pub fn day_month(&self, date: civil::Date) -> String {
        self.day_month.format(&icu_date(date)).to_string()
    }

    /// "Tuesday, December 1" / "Dienstag, 1. Dezember".
    pub fn day_long(&self, date: civil::Date) -> String {
        self.day_long.format(&icu_date(date)).to_string()
    }

    /// "Tuesday, December 1, 2026" / "Dienstag, 1. Dezember 2026".
    pub fn date_long(&self, date: civil::Date) -> String {
        self.date_long.format(&icu_date(date)).to_string()
    }

    /// "9:00 AM" / "09:00" / "9:00".
    pub fn time(&self, time: civil::Time) -> String {
        self.time.format(&icu_time(time)).to_string()
    }

    /// "Tuesday, December 1, 2026 at 9:00 AM" / "Dienstag, 1. Dezember 2026 um 09:00".
    pub fn date_time_long(&self, when: civil::DateTime) -> String {
        self.date_time_long
            .format(&IcuDateTime {
                date: icu_date(when.date()),
                time: icu_time(when.time()),
            })
            .to_string()
    }

    /// "Fri, May 7, 3:00 PM" / "Fr., 7. Mai, 15:00": a date and time in a few words
    /// (e-mail subjects), the year left out.
    pub fn date_time_short(&self, when: civil::DateTime) -> String {
        self.date_time_short
            .format(&IcuDateTime {
                date: icu_date(when.date()),
                time: icu_time(when.time()),
            })
            .to_string()
    }

    /// The day a week starts on where the locale's language is mostly spoken.
    pub fn first_weekday(&self) -> civil::Weekday {
        self.first_weekday
    }
}

fn weekday(day: icu_calendar::types::Weekday) -> civil::Weekday {
    use icu_calendar::types::Weekday as W;
    match day {
        W::Monday => civil::Weekday::Monday,
        W::Tuesday => civil::Weekday::Tuesday,
        W::Wednesday => civil::Weekday::Wednesday,
        W::Thursday => civil::Weekday::Thursday,
        W::Friday => civil::Weekday::Friday,
        W::Saturday => civil::Weekday::Saturday,
        W::Sunday => civil::Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn names_orders_and_clocks_follow_the_locale() {
        let day = date(2026, 12, 1);
        let at = day.at(15, 5, 0, 0);
        let en = Dates::new(Locale::En);
        let de = Dates::new(Locale::De);
        assert_eq!(en.weekday_short(day), "Tue");
        assert!(
            en.time(at.time()).contains("3:05"),
            "{}",
            en.time(at.time())
        );
        assert!(en.time(at.time()).contains("PM"), "{}", en.time(at.time()));
        assert_eq!(de.time(at.time()), "15:05");
        assert!(
            de.day_long(day).contains("Dienstag"),
            "{}",
            de.day_long(day)
        );
        assert!(
            de.day_long(day).contains("Dezember"),
            "{}",
            de.day_long(day)
        );
        let de_full = de.date_time_long(at);
        assert!(
            de_full.contains("1. Dezember 2026") && de_full.contains("15:05"),
            "{de_full}"
        );
        assert!(Dates::new(Locale::Fr).day_long(day).contains("décembre"));
        assert!(Dates::new(Locale::Ja)
            .date_long(day)
            .contains("2026年12月1日"));
        let ar = Dates::new(Locale::Ar).day_long(day);
        assert!(ar.contains("ديسمبر") || ar.contains("كانون"), "{ar}");
    }

    #[test]
    fn weeks_start_where_the_locale_starts_them() {
        assert_eq!(
            Dates::new(Locale::En).first_weekday(),
            civil::Weekday::Sunday
        );
        assert_eq!(
            Dates::new(Locale::De).first_weekday(),
            civil::Weekday::Monday
        );
        assert_eq!(
            Dates::new(Locale::Ar).first_weekday(),
            civil::Weekday::Saturday
        );
    }

    #[test]
    fn short_date_times_leave_out_the_year_and_follow_the_clock() {
        let at = date(2027, 5, 7).at(15, 0, 0, 0);
        let en = Dates::new(Locale::En).date_time_short(at);
        assert!(en.starts_with("Fri, May 7") && en.contains("3:00"), "{en}");
        assert!(!en.contains("2027"), "{en}");
        let de = Dates::new(Locale::De).date_time_short(at);
        assert!(de.contains("7. Mai") && de.contains("15:00"), "{de}");
    }
}
