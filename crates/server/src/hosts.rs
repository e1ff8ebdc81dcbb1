//! Hosts: the people bookings are made with. `[[hosts]]` entries resolved and validated
//! into a [`HostDirectory`] (each host's zone, working hours as an engine [`Schedule`],
//! whole days off, daily cap), and how event types choose among them ([`Assignment`]).
//! Without `[[hosts]]` there is one implicit host, [`DEFAULT_HOST_ID`], that never narrows
//! an event type's hours — an install without hosts behaves as before hosts existed.

use std::collections::{BTreeMap, HashMap};

use jiff::{
    civil::{Date, Weekday},
    tz::TimeZone,
    Timestamp,
};
use openslot_engine::{HourRange, Schedule};

use crate::{
    catalog::{valid_slug, weekday_name, Checker, EventType},
    config::{
        Config, ConfigError, Defaults, EventTypeConfig, HostEntryConfig, OverrideConfig,
        TimeOffConfig,
    },
};

/// The id of the implicit host of an install without `[[hosts]]`; bookings made before
/// hosts existed carry it.
pub const DEFAULT_HOST_ID: &str = "default";

/// How a booking of an event type with several hosts is assigned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Assignment {
    /// Offered when any host is free; the booking goes to one of them (fairness rule).
    #[default]
    RoundRobin,
    /// Offered when every host is free; the booking holds all of them.
    Collective,
}

impl Assignment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assignment::RoundRobin => "round_robin",
            Assignment::Collective => "collective",
        }
    }

    /// Parses the configuration value.
    pub fn parse(text: &str) -> Option<Assignment> {
        match text {
            "round_robin" => Some(Assignment::RoundRobin),
            "collective" => Some(Assignment::Collective),
            _ => None,
        }
    }
}

/// One host, resolved: every inherited key filled in, hours parsed into a schedule.
#[derive(Clone, Debug)]
pub struct Host {
    pub id: String,
    pub name: String,
    /// Where this host's booking e-mails go.
    pub email: String,
    pub timezone_name: String,
    pub hours: Vec<HourRange>,
    pub weekdays: Vec<Weekday>,
    pub overrides: Vec<(Date, Vec<HourRange>)>,
    /// Weekly hours and overrides in the host's zone (time off is not in it).
    pub schedule: Schedule,
    /// Whole days off, inclusive, in the host's zone; sorted by start.
    pub time_off: Vec<(Date, Date)>,
    /// Bookings per day (host's zone) across all event types.
    pub max_per_day: Option<u32>,
    /// The language of the host's booking e-mails (`None`: the default locale).
    pub locale: Option<crate::i18n::Locale>,
    /// Disabled hosts get no new bookings; their existing ones stay.
    pub enabled: bool,
}

impl Host {
    /// Everything this host says, every inherited default written out: what the database
    /// stores and the admin edits.
    pub fn to_config(&self) -> HostEntryConfig {
        HostEntryConfig {
            id: self.id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            timezone: Some(self.timezone_name.clone()),
            hours: Some(self.hours.iter().map(ToString::to_string).collect()),
            weekdays: Some(
                self.weekdays
                    .iter()
                    .map(|day| weekday_name(*day).to_string())
                    .collect(),
            ),
            max_per_day: self.max_per_day,
            locale: self.locale,
            overrides: self
                .overrides
                .iter()
                .map(|(date, ranges)| OverrideConfig {
                    date: date.to_string(),
                    hours: ranges.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            time_off: self
                .time_off
                .iter()
                .map(|(from, to)| TimeOffConfig {
                    from: from.to_string(),
                    to: to.to_string(),
                })
                .collect(),
            // Connected calendars are stored as connections, not in the definition.
            calendars: Vec::new(),
        }
    }

    /// [`Host::to_config`] as the JSON definition the database stores.
    pub fn definition(&self) -> serde_json::Value {
        serde_json::to_value(self.to_config()).unwrap_or_default()
    }

    /// The zone the host's hours and days off are in.
    pub fn timezone(&self) -> &TimeZone {
        self.schedule.timezone()
    }

    /// Whether `date` (in the host's zone) is a day off.
    pub fn is_off(&self, date: Date) -> bool {
        self.time_off
            .iter()
            .any(|(from, to)| *from <= date && date <= *to)
    }

    /// Whether the host never narrows an event type's hours: open all day, every day, no
    /// overrides, no time off (the implicit host). Availability may skip intersecting.
    pub fn is_always_open(&self) -> bool {
        let all_day = HourRange::new(0, 1440).ok();
        self.overrides.is_empty()
            && self.time_off.is_empty()
            && self.weekdays.len() == 7
            && self.hours.len() == 1
            && all_day == self.hours.first().copied()
    }

    /// The host's daily cap for a booking starting at `start` (its day in the host's zone),
    /// for the store to check atomically with the write. `None` without a cap.
    pub fn day_cap(&self, start: Timestamp) -> Option<openslot_store::DayCap> {
        let max = self.max_per_day?;
        let day = start.to_zoned_datetime(self.timezone().clone());
        let day_start = day.start_of_day().ok()?;
        let next_day = day.tomorrow().and_then(|next| next.start_of_day()).ok()?;
        Some(openslot_store::DayCap {
            day_start: day_start.timestamp().as_second(),
            day_end: next_day.timestamp().as_second(),
            max,
        })
    }
}

/// Every host, in order, found by id. Event types are validated against it.
#[derive(Clone, Debug)]
pub struct HostDirectory {
    hosts: Vec<Host>,
    by_id: HashMap<String, usize>,
    implicit: bool,
}

/// The configuration entry a stored host definition holds (`id` names it in errors).
pub fn entry_of(id: &str, definition: &serde_json::Value) -> Result<HostEntryConfig, ConfigError> {
    serde_json::from_value(definition.clone()).map_err(|err| ConfigError {
        source: "<database>".into(),
        key: format!("hosts[{id}]"),
        message: err.to_string(),
    })
}

/// The implicit host's entry: named by `[host] name`, mailed at the first ops inbox
/// address, open all day every day in the default zone.
pub fn implicit_entry(config: &Config) -> HostEntryConfig {
    let email = config
        .mail
        .ops_inbox
        .as_ref()
        .and_then(|addresses| addresses.to_vec().into_iter().next())
        .and_then(|address| {
            openslot_mail::parse_mailbox(&address)
                .ok()
                .map(|mailbox| mailbox.email.to_string())
        })
        // The address the notifier sends to when no ops inbox is configured.
        .unwrap_or_else(|| "ops@localhost".to_string());
    // `[host] name` was never validated: an odd one must not stop an install that starts today.
    let name: String = config
        .host
        .name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    HostEntryConfig {
        id: DEFAULT_HOST_ID.to_string(),
        name: if name.is_empty() {
            "openslot".to_string()
        } else {
            name
        },
        email,
        // Inherited, so a bad default zone is reported as `defaults.timezone`.
        timezone: None,
        hours: Some(vec!["00:00-24:00".to_string()]),
        weekdays: Some(
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        max_per_day: None,
        locale: None,
        overrides: Vec::new(),
        time_off: Vec::new(),
        calendars: Vec::new(),
    }
}

impl HostDirectory {
    /// The configured `[[hosts]]` (all enabled), or the implicit host when there are none.
    pub fn from_config(config: &Config, source: &str) -> Result<HostDirectory, ConfigError> {
        if config.hosts.is_empty() {
            let mut directory =
                HostDirectory::build(&config.defaults, &[implicit_entry(config)], &[], source)?;
            directory.implicit = true;
            return Ok(directory);
        }
        HostDirectory::build(&config.defaults, &config.hosts, &[], source)
    }

    /// Builds the directory from stored definitions `(id, definition, enabled)` in order.
    pub fn from_definitions<'a>(
        defaults: &Defaults,
        rows: impl IntoIterator<Item = (&'a str, &'a serde_json::Value, bool)>,
    ) -> Result<HostDirectory, ConfigError> {
        let mut entries = Vec::new();
        let mut enabled = Vec::new();
        for (id, definition, on) in rows {
            entries.push(entry_of(id, definition)?);
            enabled.push(on);
        }
        HostDirectory::build(defaults, &entries, &enabled, "<database>")
    }

    /// Resolves and validates `entries` (`enabled[i]`, default true), inheriting unset keys
    /// from `defaults`. Error keys are `hosts[INDEX].KEY`. At least one host is required.
    pub fn build(
        defaults: &Defaults,
        entries: &[HostEntryConfig],
        enabled: &[bool],
        source: &str,
    ) -> Result<HostDirectory, ConfigError> {
        let check = Checker { source };
        if entries.is_empty() {
            return Err(check.error("hosts", "at least one host is needed"));
        }
        let mut hosts = Vec::with_capacity(entries.len());
        let mut by_id = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let host = resolve(&check, defaults, index, entry)?;
            if by_id.insert(host.id.clone(), index).is_some() {
                return Err(check.error(
                    format!("hosts[{index}].id"),
                    format!("{:?} is used twice", host.id),
                ));
            }
            hosts.push(Host {
                enabled: enabled.get(index).copied().unwrap_or(true),
                ..host
            });
        }
        Ok(HostDirectory {
            hosts,
            by_id,
            implicit: false,
        })
    }

    /// The host with `id`.
    pub fn get(&self, id: &str) -> Option<&Host> {
        self.by_id.get(id).map(|&index| &self.hosts[index])
    }

    /// The position of host `id` in the directory's order.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// All hosts in order, disabled ones included.
    pub fn iter(&self) -> impl Iterator<Item = &Host> {
        self.hosts.iter()
    }

    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }

    /// Whether this is the implicit host of an install without `[[hosts]]`.
    pub fn is_implicit(&self) -> bool {
        self.implicit
    }

    /// Whether pages and mail name hosts: not for the implicit host, nor while the only
    /// host is still `default` (once stored, a directory no longer knows it was implicit),
    /// so an install without `[[hosts]]` reads as it did before hosts existed.
    pub fn names_hosts(&self) -> bool {
        !(self.implicit || matches!(self.hosts.as_slice(), [only] if only.id == DEFAULT_HOST_ID))
    }

    /// The hosts of `event`, in its order (each is known: the catalog checked it).
    pub fn of<'a>(&'a self, event: &'a EventType) -> impl Iterator<Item = &'a Host> + 'a {
        event.hosts.iter().filter_map(|id| self.get(id))
    }

    /// The hosts an event type that names none gets: every host, in order.
    pub fn default_ids(&self) -> Vec<String> {
        self.hosts.iter().map(|host| host.id.clone()).collect()
    }
}

fn resolve(
    check: &Checker<'_>,
    defaults: &Defaults,
    index: usize,
    entry: &HostEntryConfig,
) -> Result<Host, ConfigError> {
    let key = |name: &str| format!("hosts[{index}].{name}");
    if !valid_slug(&entry.id) {
        return Err(check.error(
            key("id"),
            format!("{:?} must be 1-64 of a-z, 0-9 and '-'", entry.id),
        ));
    }
    let name = entry.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(check.error(key("name"), "must be 1 to 200 characters"));
    }
    let email = entry.email.trim();
    // The implicit host may carry the local fallback address, which has no dot.
    if !(crate::validate::is_email(email) || email == "ops@localhost") {
        return Err(check.error(
            key("email"),
            format!("{email:?} is not an address such as \"ada@example.com\""),
        ));
    }
    let (timezone_name, timezone) = match &entry.timezone {
        Some(name) => (name.clone(), check.timezone(&key("timezone"), name)?),
        None => (
            defaults.timezone.clone(),
            check.timezone("defaults.timezone", &defaults.timezone)?,
        ),
    };
    let (hours, hours_key) = match &entry.hours {
        Some(hours) => (check.hours(&key("hours"), hours)?, key("hours")),
        None => (
            check.hours("defaults.hours", &defaults.hours)?,
            "defaults.hours".to_string(),
        ),
    };
    let weekdays = match &entry.weekdays {
        Some(days) => check.weekdays(&key("weekdays"), days)?,
        None => check.weekdays("defaults.weekdays", &defaults.weekdays)?,
    };
    let mut schedule = Schedule::new(timezone);
    for day in &weekdays {
        schedule
            .set_weekday(*day, hours.clone())
            .map_err(|err| check.error(&hours_key, err.to_string()))?;
    }
    let date = |key: String, text: &str| -> Result<Date, ConfigError> {
        text.parse().map_err(|_| {
            check.error(
                key,
                format!("{text:?} is not a date such as \"2027-01-15\""),
            )
        })
    };
    let mut overrides: Vec<(Date, Vec<HourRange>)> = Vec::new();
    for (position, entry_override) in entry.overrides.iter().enumerate() {
        let override_key = |name: &str| format!("hosts[{index}].overrides[{position}].{name}");
        let day = date(override_key("date"), &entry_override.date)?;
        if overrides.iter().any(|(seen, _)| *seen == day) {
            return Err(check.error(
                override_key("date"),
                format!("{day} has another override already"),
            ));
        }
        let ranges = check.hours(&override_key("hours"), &entry_override.hours)?;
        schedule
            .set_override(day, ranges.clone())
            .map_err(|err| check.error(override_key("hours"), err.to_string()))?;
        overrides.push((day, ranges));
    }
    let mut time_off = Vec::with_capacity(entry.time_off.len());
    for (position, off) in entry.time_off.iter().enumerate() {
        let off_key = |name: &str| format!("hosts[{index}].time_off[{position}].{name}");
        let from = date(off_key("from"), &off.from)?;
        let to = date(off_key("to"), &off.to)?;
        if to < from {
            return Err(check.error(
                off_key("to"),
                format!("{to} is before `from` ({from}); both days are inclusive"),
            ));
        }
        time_off.push((from, to));
    }
    time_off.sort();
    let max_per_day = match entry.max_per_day {
        Some(cap) => Some(check.range(&key("max_per_day"), cap, 1, 1440)?),
        None => None,
    };
    Ok(Host {
        id: entry.id.clone(),
        name: name.to_string(),
        email: email.to_string(),
        timezone_name,
        hours,
        weekdays,
        overrides,
        schedule,
        time_off,
        max_per_day,
        locale: entry.locale,
        enabled: true,
    })
}

/// The host side of one event type, resolved by [`resolve_team`].
pub(crate) struct Team {
    pub hosts: Vec<String>,
    pub inherited: bool,
    pub assignment: Assignment,
    pub weights: BTreeMap<String, u32>,
    pub fairness_window_days: u32,
}

/// Resolves and validates the `hosts`, `assignment`, `weights` and `fairness_window_days`
/// of `event_types[index]` against `directory`.
pub(crate) fn resolve_team(
    check: &Checker<'_>,
    defaults: &Defaults,
    directory: &HostDirectory,
    index: usize,
    entry: &EventTypeConfig,
) -> Result<Team, ConfigError> {
    let key = |name: &str| format!("event_types[{index}].{name}");
    let (hosts, inherited) = match &entry.hosts {
        None => (directory.default_ids(), true),
        Some(listed) => {
            if listed.is_empty() {
                return Err(check.error(
                    key("hosts"),
                    "needs at least one host (leave it out for every host)",
                ));
            }
            let mut hosts: Vec<String> = Vec::with_capacity(listed.len());
            for (position, id) in listed.iter().enumerate() {
                if directory.get(id).is_none() {
                    let known = directory.default_ids().join(", ");
                    return Err(check.error(
                        format!("event_types[{index}].hosts[{position}]"),
                        format!("{id:?} is not a host (hosts: {known})"),
                    ));
                }
                if hosts.contains(id) {
                    return Err(check.error(
                        format!("event_types[{index}].hosts[{position}]"),
                        format!("{id:?} is listed twice"),
                    ));
                }
                hosts.push(id.clone());
            }
            (hosts, false)
        }
    };
    let assignment = match &entry.assignment {
        None => Assignment::default(),
        Some(text) => Assignment::parse(text).ok_or_else(|| {
            check.error(
                key("assignment"),
                format!("{text:?} must be \"round_robin\" or \"collective\""),
            )
        })?,
    };
    for (id, weight) in &entry.weights {
        let weight_key = format!("event_types[{index}].weights.{id}");
        if !hosts.contains(id) {
            return Err(check.error(
                weight_key,
                format!("{id:?} is not one of this event type's hosts"),
            ));
        }
        check.range(&weight_key, *weight, 1, 1000)?;
    }
    let fairness_window_days = match entry.fairness_window_days {
        Some(days) => check.range(&key("fairness_window_days"), days, 1, 3650)?,
        None => defaults.fairness_window_days,
    };
    Ok(Team {
        hosts,
        inherited,
        assignment,
        weights: entry.weights.clone(),
        fairness_window_days,
    })
}

/// One event type's host lines in `openslot check-config`'s account.
pub fn describe_team(event: &EventType) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let hosts: Vec<String> = event
        .hosts
        .iter()
        .map(|id| match event.weights.get(id) {
            Some(weight) if event.team_assignment() == Some(Assignment::RoundRobin) => {
                format!("{id} (weight {weight})")
            }
            _ => id.clone(),
        })
        .collect();
    let inherited = if event.hosts_inherited && event.hosts.len() > 1 {
        " (all hosts)"
    } else {
        ""
    };
    let _ = writeln!(out, "  hosts            {}{inherited}", hosts.join(", "));
    match event.team_assignment() {
        Some(Assignment::RoundRobin) => {
            let _ = writeln!(
                out,
                "  assignment       round_robin (fairness over {} days)",
                event.fairness_window_days
            );
        }
        Some(Assignment::Collective) => {
            let _ = writeln!(out, "  assignment       collective (every host attends)");
        }
        None => {}
    }
    out
}

/// The hosts part of `openslot check-config`'s account.
pub fn describe(hosts: &HostDirectory) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for host in hosts.iter() {
        let implicit = if hosts.is_implicit() {
            " (implicit: no [[hosts]] configured)"
        } else {
            ""
        };
        let _ = writeln!(out, "host {}{implicit}", host.id);
        let _ = writeln!(out, "  name             {}", host.name);
        let _ = writeln!(out, "  email            {}", host.email);
        if !host.enabled {
            let _ = writeln!(out, "  enabled          no");
        }
        let _ = writeln!(out, "  timezone         {}", host.timezone_name);
        if host.is_always_open() {
            let _ = writeln!(
                out,
                "  hours            always (the event type's hours apply)"
            );
        } else {
            let days: Vec<&str> = host.weekdays.iter().map(|day| weekday_name(*day)).collect();
            let hours: Vec<String> = host.hours.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "  weekdays         {}", days.join(", "));
            let _ = writeln!(out, "  hours            {}", hours.join(", "));
        }
        match host.max_per_day {
            Some(cap) => {
                let _ = writeln!(out, "  max per day      {cap} (all event types)");
            }
            None => {
                let _ = writeln!(out, "  max per day      unlimited");
            }
        }
        crate::catalog::describe_overrides(&mut out, &host.overrides);
        for (from, to) in &host.time_off {
            let _ = writeln!(out, "  time off         {from} to {to}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn load(text: &str) -> Result<(Config, Catalog), ConfigError> {
        let config = Config::parse(text, "test.toml")?;
        let catalog = Catalog::from_config(&config, "test.toml")?;
        Ok((config, catalog))
    }

    fn catalog(text: &str) -> Catalog {
        match load(text) {
            Ok((_, catalog)) => catalog,
            Err(err) => panic!("{err}"),
        }
    }

    const TWO_HOSTS: &str = r#"
        [defaults]
        timezone = "Europe/Berlin"
        hours = ["10:00-16:00"]
        weekdays = ["mon", "tue"]
        [[hosts]]
        id = "ada"
        name = "Ada Lovelace"
        email = "ada@example.com"
        timezone = "Europe/London"
        hours = ["09:00-12:00", "13:00-17:00"]
        weekdays = ["mon", "tue", "wed", "thu", "fri"]
        max_per_day = 6
        [[hosts.overrides]]
        date = "2027-01-15"
        hours = ["13:00-17:00"]
        [[hosts.time_off]]
        from = "2027-03-01"
        to = "2027-03-01"
        [[hosts.time_off]]
        from = "2027-02-01"
        to = "2027-02-05"
        [[hosts]]
        id = "grace"
        name = "Grace Hopper"
        email = "grace@example.com"
    "#;

    fn with_event(event: &str) -> String {
        format!(
            "{TWO_HOSTS}\n[[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\n{event}\n"
        )
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn pages_and_mail_name_hosts_only_when_there_are_people() {
        let (config, catalog) = load("").unwrap();
        assert!(!catalog.hosts().names_hosts());
        // Stored and loaded again, the lone default host is still not named.
        let host = catalog.hosts().get(DEFAULT_HOST_ID).unwrap();
        let definition = host.definition();
        let stored = HostDirectory::from_definitions(
            &config.defaults,
            [(DEFAULT_HOST_ID, &definition, true)],
        )
        .unwrap();
        assert!(!stored.is_implicit() && !stored.names_hosts());
        let (_, catalog) = load(TWO_HOSTS).unwrap();
        assert!(catalog.hosts().names_hosts());
    }

    #[test]
    fn without_hosts_one_implicit_host_never_narrows_hours() {
        let (_, catalog) = load(
            "[host]\nname = \"Example Consulting\"\n[mail]\nops_inbox = [\"Ops Team <ops@example.com>\", \"b@example.com\"]\n[defaults]\ntimezone = \"Asia/Tokyo\"\n",
        )
        .unwrap();
        let hosts = catalog.hosts();
        assert!(hosts.is_implicit());
        assert_eq!(hosts.len(), 1);
        let host = hosts.get(DEFAULT_HOST_ID).unwrap();
        assert_eq!(host.name, "Example Consulting");
        assert_eq!(host.email, "ops@example.com");
        assert_eq!(host.timezone_name, "Asia/Tokyo");
        assert!(host.is_always_open());
        assert!(host.enabled);
        assert_eq!(host.max_per_day, None);
        // Every day is open from midnight to midnight, overrides of event types included.
        for day in ["2027-01-02", "2027-01-04", "2027-12-25"] {
            let ranges = host.schedule.hours_on(date(day));
            assert_eq!(ranges, [HourRange::new(0, 1440).unwrap()]);
        }
        for event in catalog.iter() {
            assert_eq!(event.hosts, [DEFAULT_HOST_ID]);
            assert!(event.hosts_inherited);
            assert_eq!(event.team_assignment(), None);
            assert_eq!(event.fairness_window_days, 30);
        }
        let (_, catalog) = load("[host]\nname = \" \"\n").unwrap();
        assert_eq!(
            catalog.hosts().get(DEFAULT_HOST_ID).unwrap().name,
            "openslot"
        );
        let (_, catalog) = load("").unwrap();
        let host = catalog.hosts().get(DEFAULT_HOST_ID).unwrap();
        assert_eq!(host.email, "ops@localhost");
        assert_eq!(host.name, "openslot demo");
        assert_eq!(host.timezone_name, "UTC");
    }

    #[test]
    fn hosts_inherit_defaults_and_resolve_their_own_keys() {
        let catalog = catalog(TWO_HOSTS);
        let hosts = catalog.hosts();
        assert!(!hosts.is_implicit());
        let ids: Vec<&str> = hosts.iter().map(|host| host.id.as_str()).collect();
        assert_eq!(ids, ["ada", "grace"]);
        assert_eq!(hosts.index_of("grace"), Some(1));
        let ada = hosts.get("ada").unwrap();
        assert_eq!(ada.timezone_name, "Europe/London");
        assert_eq!(ada.max_per_day, Some(6));
        assert_eq!(ada.weekdays.len(), 5);
        assert_eq!(
            ada.schedule.hours_on(date("2027-01-14")),
            [
                "09:00-12:00".parse().unwrap(),
                "13:00-17:00".parse().unwrap()
            ]
        );
        assert_eq!(
            ada.schedule.hours_on(date("2027-01-15")),
            ["13:00-17:00".parse::<HourRange>().unwrap()]
        );
        assert!(ada.schedule.hours_on(date("2027-01-16")).is_empty());
        assert_eq!(
            ada.time_off,
            [
                (date("2027-02-01"), date("2027-02-05")),
                (date("2027-03-01"), date("2027-03-01"))
            ]
        );
        assert!(!ada.is_off(date("2027-01-31")));
        assert!(ada.is_off(date("2027-02-01")));
        assert!(ada.is_off(date("2027-02-05")));
        assert!(!ada.is_off(date("2027-02-06")));
        assert!(ada.is_off(date("2027-03-01")));
        assert!(!ada.is_always_open());

        let grace = hosts.get("grace").unwrap();
        assert_eq!(grace.timezone_name, "Europe/Berlin");
        assert_eq!(grace.hours, ["10:00-16:00".parse::<HourRange>().unwrap()]);
        assert_eq!(grace.weekdays, [Weekday::Monday, Weekday::Tuesday]);
        assert!(grace.schedule.hours_on(date("2027-01-13")).is_empty());
        assert_eq!(grace.max_per_day, None);
        assert!(grace.time_off.is_empty());
    }

    #[test]
    fn event_types_default_to_every_host_round_robin() {
        let catalog = catalog(&with_event(""));
        let intro = catalog.get("intro").unwrap();
        assert_eq!(intro.hosts, ["ada", "grace"]);
        assert!(intro.hosts_inherited);
        assert_eq!(intro.assignment, Assignment::RoundRobin);
        assert_eq!(intro.team_assignment(), Some(Assignment::RoundRobin));
        assert_eq!(intro.weight("ada"), 1);
        assert_eq!(intro.weight("grace"), 1);

        let only = catalog_one_host();
        let event = only.get("intro").unwrap();
        assert_eq!(event.hosts, ["solo"]);
        assert_eq!(event.team_assignment(), None);
    }

    fn catalog_one_host() -> Catalog {
        catalog(
            "[[hosts]]\nid = \"solo\"\nname = \"Solo\"\nemail = \"solo@example.com\"\n[[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\nassignment = \"collective\"\n",
        )
    }

    #[test]
    fn event_types_name_hosts_assignment_weights_and_fairness_window() {
        let catalog = catalog(&with_event(
            "hosts = [\"grace\", \"ada\"]\nassignment = \"round_robin\"\nweights = { ada = 2 }\nfairness_window_days = 14",
        ));
        let intro = catalog.get("intro").unwrap();
        assert_eq!(intro.hosts, ["grace", "ada"]);
        assert!(!intro.hosts_inherited);
        assert_eq!(intro.weight("ada"), 2);
        assert_eq!(intro.weight("grace"), 1);
        assert_eq!(intro.fairness_window_days, 14);

        let of: Vec<&str> = catalog
            .hosts()
            .of(intro)
            .map(|host| host.name.as_str())
            .collect();
        assert_eq!(of, ["Grace Hopper", "Ada Lovelace"]);

        let catalog = self::catalog(&with_event(
            "hosts = [\"ada\", \"grace\"]\nassignment = \"collective\"",
        ));
        assert_eq!(
            catalog.get("intro").unwrap().team_assignment(),
            Some(Assignment::Collective)
        );

        // One host named: assignment is ignored.
        let catalog = self::catalog(&with_event(
            "hosts = [\"grace\"]\nassignment = \"collective\"",
        ));
        let intro = catalog.get("intro").unwrap();
        assert_eq!(intro.team_assignment(), None);
        assert_eq!(intro.assignment, Assignment::Collective);

        let text = with_event("").replace(
            "[defaults]\n",
            "[defaults]\n        fairness_window_days = 60\n",
        );
        let catalog = self::catalog(&text);
        assert_eq!(catalog.get("intro").unwrap().fairness_window_days, 60);
    }

    #[test]
    fn errors_name_file_and_key() {
        let host = |extra: &str| {
            format!(
                "[[hosts]]\nid = \"ada\"\nname = \"Ada\"\nemail = \"ada@example.com\"\n{extra}\n"
            )
        };
        let second = |extra: &str| {
            format!(
                "{}[[hosts]]\nid = \"grace\"\nname = \"Grace\"\nemail = \"grace@example.com\"\n{extra}\n",
                host("")
            )
        };
        let event = |extra: &str| {
            format!(
                "{}[[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\n{extra}\n",
                second("")
            )
        };
        let cases = [
            (second("timezone = \"Mars/Base\""), "`hosts[1].timezone`"),
            (host("").replace("\"ada\"\nname", "\"Ada\"\nname"), "`hosts[0].id`"),
            (host("").replace("\"ada\"\nname", "\"-ada\"\nname"), "`hosts[0].id`"),
            (
                format!("{}{}", host(""), host("")),
                "`hosts[1].id`: \"ada\" is used twice",
            ),
            (host("").replace("name = \"Ada\"", "name = \" \""), "`hosts[0].name`"),
            (host("").replace("ada@example.com", "ada at example"), "`hosts[0].email`"),
            (host("hours = [\"9-5\"]"), "`hosts[0].hours[0]`"),
            (host("hours = [\"09:00-12:00\", \"11:00-13:00\"]"), "`hosts[0].hours`"),
            (host("weekdays = [\"mon\", \"funday\"]"), "`hosts[0].weekdays[1]`"),
            (host("max_per_day = 0"), "`hosts[0].max_per_day`"),
            (
                host("[[hosts.overrides]]\ndate = \"2027-02-30\"\nhours = []"),
                "`hosts[0].overrides[0].date`",
            ),
            (
                host("[[hosts.overrides]]\ndate = \"2027-02-03\"\nhours = [\"25:00-26:00\"]"),
                "`hosts[0].overrides[0].hours[0]`",
            ),
            (
                host("[[hosts.overrides]]\ndate = \"2027-02-03\"\nhours = []\n[[hosts.overrides]]\ndate = \"2027-02-03\"\nhours = [\"10:00-11:00\"]"),
                "`hosts[0].overrides[1].date`",
            ),
            (
                host("[[hosts.time_off]]\nfrom = \"2027-02-05\"\nto = \"2027-02-01\""),
                "`hosts[0].time_off[0].to`",
            ),
            (
                host("[[hosts.time_off]]\nfrom = \"soon\"\nto = \"2027-02-01\""),
                "`hosts[0].time_off[0].from`",
            ),
            (event("hosts = [\"ada\", \"bob\"]"), "`event_types[0].hosts[1]`: \"bob\" is not a host"),
            (event("hosts = [\"ada\", \"ada\"]"), "`event_types[0].hosts[1]`: \"ada\" is listed twice"),
            (event("hosts = []"), "`event_types[0].hosts`"),
            (event("assignment = \"random\""), "`event_types[0].assignment`"),
            (
                event("hosts = [\"ada\"]\nweights = { grace = 2 }"),
                "`event_types[0].weights.grace`: \"grace\" is not one of this event type's hosts",
            ),
            (event("weights = { ada = 0 }"), "`event_types[0].weights.ada`"),
            (event("fairness_window_days = 0"), "`event_types[0].fairness_window_days`"),
            (
                format!("[defaults]\nfairness_window_days = 0\n{}", host("")),
                "`defaults.fairness_window_days`",
            ),
        ];
        for (text, key) in cases {
            let err = load(&text).unwrap_err().to_string();
            assert!(err.starts_with("test.toml: "), "{err}");
            assert!(err.contains(key), "{err} should name {key}\n{text}");
        }
        // Unknown keys and missing required ones are TOML errors naming the key.
        let err = load(&host("colour = \"red\"")).unwrap_err().to_string();
        assert!(err.contains("test.toml") && err.contains("colour"), "{err}");
        let err = load("[[hosts]]\nid = \"ada\"\nname = \"Ada\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("email"), "{err}");
    }

    #[test]
    fn hosts_round_trip_through_stored_definitions() {
        let (config, catalog) = load(TWO_HOSTS).unwrap();
        let hosts = catalog.hosts();
        let definitions: Vec<(String, serde_json::Value, bool)> = hosts
            .iter()
            .map(|host| (host.id.clone(), host.definition(), host.id != "grace"))
            .collect();
        // Stored definitions are self-contained: later changes of [defaults] do not move them.
        let mut changed = config.defaults.clone();
        changed.timezone = "America/New_York".into();
        changed.hours = vec!["07:00-08:00".into()];
        let loaded = HostDirectory::from_definitions(
            &changed,
            definitions
                .iter()
                .map(|(id, definition, enabled)| (id.as_str(), definition, *enabled)),
        )
        .unwrap();
        for (before, after) in hosts.iter().zip(loaded.iter()) {
            assert_eq!(before.to_config(), after.to_config());
        }
        assert!(loaded.get("ada").unwrap().enabled);
        assert!(!loaded.get("grace").unwrap().enabled);
        assert_eq!(loaded.get("grace").unwrap().timezone_name, "Europe/Berlin");
        assert_eq!(
            loaded.get("ada").unwrap().time_off,
            hosts.get("ada").unwrap().time_off
        );

        // The implicit host survives the round trip unchanged, still always open.
        let (config, catalog) = load("").unwrap();
        let host = catalog.hosts().get(DEFAULT_HOST_ID).unwrap();
        let definition = host.definition();
        let loaded = HostDirectory::from_definitions(
            &config.defaults,
            [(DEFAULT_HOST_ID, &definition, true)],
        )
        .unwrap();
        let again = loaded.get(DEFAULT_HOST_ID).unwrap();
        assert_eq!(again.to_config(), host.to_config());
        assert!(again.is_always_open());

        let broken = serde_json::json!({"id": "x", "name": "X"});
        let err = HostDirectory::from_definitions(&config.defaults, [("x", &broken, true)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("<database>") && err.contains("hosts[x]"),
            "{err}"
        );
    }

    #[test]
    fn event_type_team_keys_round_trip_and_old_definitions_load() {
        let (config, catalog) = load(&with_event(
            "hosts = [\"grace\", \"ada\"]\nassignment = \"collective\"\nweights = { ada = 3 }\nfairness_window_days = 7",
        ))
        .unwrap();
        let intro = catalog.get("intro").unwrap();
        let stored = serde_json::to_value(intro.to_config()).unwrap();
        let entry: EventTypeConfig = serde_json::from_value(stored).unwrap();
        let again = Catalog::build(
            &config.defaults,
            catalog.hosts(),
            &[entry],
            &[true],
            "<database>",
        )
        .unwrap();
        let again = again.get("intro").unwrap();
        assert_eq!(again.hosts, ["grace", "ada"]);
        assert_eq!(again.assignment, Assignment::Collective);
        assert_eq!(again.weight("ada"), 3);
        assert_eq!(again.fairness_window_days, 7);
        assert_eq!(again.to_config(), intro.to_config());

        // A definition stored before hosts existed: every host, round robin, the default window.
        let old = serde_json::json!({
            "slug": "intro", "title": "Intro", "duration_minutes": 30,
            "description": null, "slot_step_minutes": 30, "buffer_before_minutes": 0,
            "buffer_after_minutes": 0, "max_per_day": null, "timezone": "UTC",
            "hours": ["09:00-17:00"], "weekdays": ["mon"], "lookahead_days": 21,
            "min_lead_minutes": 120, "mode": "request", "change_cutoff_hours": 0,
            "request_expiry_hours": 72, "overrides": [], "questions": []
        });
        let entry: EventTypeConfig = serde_json::from_value(old).unwrap();
        let loaded = Catalog::build(
            &config.defaults,
            catalog.hosts(),
            &[entry],
            &[true],
            "<database>",
        )
        .unwrap();
        let intro = loaded.get("intro").unwrap();
        assert_eq!(intro.hosts, ["ada", "grace"]);
        assert!(intro.hosts_inherited);
        assert_eq!(intro.assignment, Assignment::RoundRobin);
        assert_eq!(intro.fairness_window_days, 30);
        // An inherited host list stays unset when stored, so a host added later joins.
        let stored = intro.to_config();
        assert_eq!(stored.hosts, None);
        let more = format!(
            "{TWO_HOSTS}\n[[hosts]]\nid = \"alan\"\nname = \"Alan\"\nemail = \"alan@example.com\"\n"
        );
        let (_, wider) = load(&more).unwrap();
        let loaded = Catalog::build(
            &config.defaults,
            wider.hosts(),
            &[stored],
            &[true],
            "<database>",
        )
        .unwrap();
        assert_eq!(loaded.get("intro").unwrap().hosts, ["ada", "grace", "alan"]);

        // A listed host that is gone fails with the stored entry named.
        let listed = catalog.get("intro").map(EventType::to_config);
        let (_, solo) =
            load("[[hosts]]\nid = \"ada\"\nname = \"Ada\"\nemail = \"ada@example.com\"\n").unwrap();
        let err = Catalog::build(
            &config.defaults,
            solo.hosts(),
            &[listed.unwrap()],
            &[true],
            "<database>",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("<database>") && err.contains("event_types[0].hosts[0]"),
            "{err}"
        );
    }

    #[test]
    fn day_cap_is_the_hosts_day_in_the_hosts_zone() {
        let catalog = catalog(TWO_HOSTS);
        let ada = catalog.hosts().get("ada").unwrap();
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
        let start: Timestamp = "2027-06-30T23:30:00Z".parse().unwrap();
        let cap = ada.day_cap(start).unwrap();
        assert_eq!(cap.max, 6);
        let day_start: Timestamp = "2027-06-30T23:00:00Z".parse().unwrap();
        assert_eq!(cap.day_start, day_start.as_second());
        assert_eq!(cap.day_end, day_start.as_second() + 86_400);
        assert!(catalog
            .hosts()
            .get("grace")
            .unwrap()
            .day_cap(start)
            .is_none());
    }

    #[test]
    fn describe_lists_hosts_and_each_event_types_team() {
        let (config, catalog) = load(&with_event("weights = { ada = 2 }")).unwrap();
        let text = crate::catalog::describe(&config, &catalog);
        for expected in [
            "host ada\n",
            "  name             Ada Lovelace\n",
            "  email            ada@example.com\n",
            "  timezone         Europe/London\n",
            "  max per day      6 (all event types)\n",
            "  override         2027-01-15: 13:00-17:00\n",
            "  time off         2027-02-01 to 2027-02-05\n",
            "host grace\n",
            "  hours            10:00-16:00\n",
            "  hosts            ada (weight 2), grace (all hosts)\n",
            "  assignment       round_robin (fairness over 30 days)\n",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from:\n{text}"
            );
        }
        let (config, catalog) = load("").unwrap();
        let text = crate::catalog::describe(&config, &catalog);
        assert!(
            text.contains("host default (implicit: no [[hosts]] configured)"),
            "{text}"
        );
        assert!(text.contains("  hosts            default\n"), "{text}");
        assert!(!text.contains("assignment"), "{text}");
    }
}
