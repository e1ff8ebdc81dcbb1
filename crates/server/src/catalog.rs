//! Event types resolved from configuration: every `[defaults]` key inherited, hours parsed
//! into an engine [`Schedule`], rules into [`EventRules`], all validated with the key named.

use std::collections::{BTreeMap, HashMap};

use jiff::{
    civil::{Date, Weekday},
    tz::TimeZone,
};
use openslot_engine::{EventRules, HourRange, Schedule};

use crate::{
    config::{Config, ConfigError, Defaults, EventTypeConfig, OverrideConfig, QuestionConfig},
    hosts::{Assignment, HostDirectory},
};

/// Whether a new booking waits for the host or is confirmed at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Request,
    Instant,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Request => "request",
            Mode::Instant => "instant",
        }
    }
}

/// What kind of input a custom question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Text,
    Textarea,
    Select,
    Phone,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Text => "text",
            QuestionKind::Textarea => "textarea",
            QuestionKind::Select => "select",
            QuestionKind::Phone => "phone",
        }
    }
}

/// A custom question asked on the booking form; answers are stored with the booking.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Question {
    pub id: String,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

/// Field names the booking form uses itself.
const RESERVED_QUESTION_IDS: &[&str] = &[
    "event", "start", "name", "email", "timezone", "notes", "csrf", "website", "tz", "date",
];

fn slugify(label: &str) -> String {
    let mut slug = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').chars().take(40).collect()
}

/// One bookable event type, ready for the engine.
#[derive(Clone, Debug)]
pub struct EventType {
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub mode: Mode,
    pub timezone_name: String,
    pub hours: Vec<HourRange>,
    pub weekdays: Vec<Weekday>,
    pub overrides: Vec<(Date, Vec<HourRange>)>,
    pub schedule: Schedule,
    pub rules: EventRules,
    pub questions: Vec<Question>,
    /// Invitees may cancel or reschedule until this many hours before the start.
    pub change_cutoff_hours: u32,
    /// Unanswered requests expire after this many hours (0: never).
    pub request_expiry_hours: u32,
    /// Disabled types are not offered; their bookings keep working.
    pub enabled: bool,
    /// Ids of the hosts this event type is with, in order (at least one, all known).
    pub hosts: Vec<String>,
    /// Whether `hosts` was inherited (every host) rather than listed: kept unset when
    /// stored, so hosts added later join the event type.
    pub hosts_inherited: bool,
    /// How a booking is assigned when there are several hosts.
    pub assignment: Assignment,
    /// Round robin shares as configured (hosts not named weigh 1); see [`EventType::weight`].
    pub weights: BTreeMap<String, u32>,
    /// Round robin: bookings created in the last this many days count towards fairness.
    pub fairness_window_days: u32,
}

impl EventType {
    /// Everything this event type says, as a self-contained configuration entry (every
    /// inherited default written out): what the database stores and the admin edits.
    pub fn to_config(&self) -> EventTypeConfig {
        let rules = &self.rules;
        EventTypeConfig {
            slug: self.slug.clone(),
            title: self.title.clone(),
            duration_minutes: rules.duration_minutes,
            description: self.description.clone(),
            slot_step_minutes: Some(rules.step_minutes),
            buffer_before_minutes: Some(rules.buffer_before_minutes),
            buffer_after_minutes: Some(rules.buffer_after_minutes),
            max_per_day: rules.max_per_day,
            timezone: Some(self.timezone_name.clone()),
            hours: Some(self.hours.iter().map(ToString::to_string).collect()),
            weekdays: Some(
                self.weekdays
                    .iter()
                    .map(|day| weekday_name(*day).to_string())
                    .collect(),
            ),
            lookahead_days: Some(rules.lookahead_days),
            min_lead_minutes: Some(rules.min_lead_minutes),
            mode: Some(self.mode.as_str().to_string()),
            change_cutoff_hours: Some(self.change_cutoff_hours),
            request_expiry_hours: Some(self.request_expiry_hours),
            overrides: self
                .overrides
                .iter()
                .map(|(date, ranges)| OverrideConfig {
                    date: date.to_string(),
                    hours: ranges.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            questions: self
                .questions
                .iter()
                .map(|question| QuestionConfig {
                    id: Some(question.id.clone()),
                    label: question.label.clone(),
                    kind: question.kind.as_str().to_string(),
                    required: question.required,
                    options: question.options.clone(),
                })
                .collect(),
            hosts: (!self.hosts_inherited).then(|| self.hosts.clone()),
            assignment: Some(self.assignment.as_str().to_string()),
            weights: self.weights.clone(),
            fairness_window_days: Some(self.fairness_window_days),
        }
    }

    /// The assignment that applies: `None` with a single host (nothing to choose).
    pub fn team_assignment(&self) -> Option<Assignment> {
        (self.hosts.len() > 1).then_some(self.assignment)
    }

    /// A host's round robin share (1 unless configured).
    pub fn weight(&self, host_id: &str) -> u32 {
        self.weights.get(host_id).copied().unwrap_or(1)
    }

    /// The daily cap that applies to a booking starting at `start`: its day in the host's
    /// zone, for the store to check atomically with the write. `None` without a cap.
    pub fn day_cap(&self, start: jiff::Timestamp) -> Option<openslot_store::DayCap> {
        let max = self.rules.max_per_day?;
        let day = start.to_zoned_datetime(self.schedule.timezone().clone());
        let day_start = day.start_of_day().ok()?;
        let next_day = day.tomorrow().and_then(|next| next.start_of_day()).ok()?;
        Some(openslot_store::DayCap {
            day_start: day_start.timestamp().as_second(),
            day_end: next_day.timestamp().as_second(),
            max,
        })
    }
}

/// All event types, and the hosts they were validated against; the first type is the
/// default.
#[derive(Clone, Debug)]
pub struct Catalog {
    types: Vec<EventType>,
    by_slug: HashMap<String, usize>,
    hosts: HostDirectory,
}

/// Validation helpers shared by event types and hosts: every error names `source` and a key.
pub(crate) struct Checker<'a> {
    pub(crate) source: &'a str,
}

impl Checker<'_> {
    pub(crate) fn error(&self, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            source: self.source.to_string(),
            key: key.into(),
            message: message.into(),
        }
    }

    pub(crate) fn range(
        &self,
        key: &str,
        value: u32,
        low: u32,
        high: u32,
    ) -> Result<u32, ConfigError> {
        if (low..=high).contains(&value) {
            Ok(value)
        } else {
            Err(self.error(key, format!("{value} is out of range ({low} to {high})")))
        }
    }

    pub(crate) fn hours(
        &self,
        key: &str,
        values: &[String],
    ) -> Result<Vec<HourRange>, ConfigError> {
        let mut ranges = Vec::with_capacity(values.len());
        for (index, value) in values.iter().enumerate() {
            let range = value
                .parse::<HourRange>()
                .map_err(|err| self.error(format!("{key}[{index}]"), err.to_string()))?;
            ranges.push(range);
        }
        Ok(ranges)
    }

    pub(crate) fn weekdays(
        &self,
        key: &str,
        values: &[String],
    ) -> Result<Vec<Weekday>, ConfigError> {
        let mut days = Vec::new();
        for (index, value) in values.iter().enumerate() {
            let day = parse_weekday(value).ok_or_else(|| {
                self.error(
                    format!("{key}[{index}]"),
                    format!("{value:?} is not a weekday (mon, tue, wed, thu, fri, sat, sun)"),
                )
            })?;
            if !days.contains(&day) {
                days.push(day);
            }
        }
        Ok(days)
    }

    pub(crate) fn timezone(&self, key: &str, name: &str) -> Result<TimeZone, ConfigError> {
        crate::tzdb::zone(name).map_err(|_| {
            self.error(
                key,
                format!("{name:?} is not an IANA time zone such as \"Europe/London\""),
            )
        })
    }

    fn mode(&self, key: &str, value: &str) -> Result<Mode, ConfigError> {
        match value {
            "request" => Ok(Mode::Request),
            "instant" => Ok(Mode::Instant),
            other => Err(self.error(key, format!("{other:?} must be \"request\" or \"instant\""))),
        }
    }
}

/// Parses `mon`, `Monday`, `tue`, ... into a weekday.
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_ascii_lowercase();
    let day = match lower.get(..3)? {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    };
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ][day.to_monday_zero_offset() as usize];
    (lower.len() == 3 || lower == full).then_some(day)
}

/// Short English name of a weekday, as written in configuration.
pub fn weekday_name(day: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.to_monday_zero_offset() as usize]
}

pub(crate) fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !slug.starts_with('-')
}

fn presets() -> Vec<EventTypeConfig> {
    [
        (15, "15-minute meeting"),
        (30, "30-minute meeting"),
        (60, "60-minute meeting"),
    ]
    .into_iter()
    .map(|(minutes, title)| EventTypeConfig {
        slug: format!("{minutes}min"),
        title: title.to_string(),
        duration_minutes: minutes,
        description: None,
        slot_step_minutes: None,
        buffer_before_minutes: None,
        buffer_after_minutes: None,
        max_per_day: None,
        timezone: None,
        hours: None,
        weekdays: None,
        lookahead_days: None,
        min_lead_minutes: None,
        mode: None,
        change_cutoff_hours: None,
        request_expiry_hours: None,
        overrides: Vec::new(),
        questions: Vec::new(),
        hosts: None,
        assignment: None,
        weights: BTreeMap::new(),
        fairness_window_days: None,
    })
    .collect()
}

impl Catalog {
    /// Resolves and validates the event types of `config` (the presets when it lists none).
    pub fn from_config(config: &Config, source: &str) -> Result<Catalog, ConfigError> {
        let configured = if config.event_types.is_empty() {
            presets()
        } else {
            config.event_types.clone()
        };
        let enabled = vec![true; configured.len()];
        let hosts = HostDirectory::from_config(config, source)?;
        Catalog::build(&config.defaults, &hosts, &configured, &enabled, source)
    }

    /// Resolves and validates `entries` (all of them, enabled or not), inheriting unset keys
    /// from `defaults`, their hosts from `hosts`. Error keys are `event_types[INDEX].KEY`.
    pub fn build(
        defaults: &Defaults,
        hosts: &HostDirectory,
        configured: &[EventTypeConfig],
        enabled: &[bool],
        source: &str,
    ) -> Result<Catalog, ConfigError> {
        let check = Checker { source };
        check.range(
            "defaults.fairness_window_days",
            defaults.fairness_window_days,
            1,
            3650,
        )?;
        check.timezone("defaults.timezone", &defaults.timezone)?;
        check.hours("defaults.hours", &defaults.hours)?;
        check.weekdays("defaults.weekdays", &defaults.weekdays)?;
        check.range("defaults.lookahead_days", defaults.lookahead_days, 1, 3650)?;
        check.range(
            "defaults.min_lead_minutes",
            defaults.min_lead_minutes,
            0,
            525_600,
        )?;
        check.mode("defaults.mode", &defaults.mode)?;

        let mut types = Vec::with_capacity(configured.len());
        let mut by_slug = HashMap::new();
        for (index, entry) in configured.iter().enumerate() {
            let key = |name: &str| format!("event_types[{index}].{name}");
            if !valid_slug(&entry.slug) {
                return Err(check.error(
                    key("slug"),
                    format!("{:?} must be 1-64 of a-z, 0-9 and '-'", entry.slug),
                ));
            }
            if by_slug.insert(entry.slug.clone(), index).is_some() {
                return Err(check.error(key("slug"), format!("{:?} is used twice", entry.slug)));
            }
            if entry.title.trim().is_empty() {
                return Err(check.error(key("title"), "must not be empty"));
            }
            let duration =
                check.range(&key("duration_minutes"), entry.duration_minutes, 1, 1440)?;
            let step = check.range(
                &key("slot_step_minutes"),
                entry.slot_step_minutes.unwrap_or(duration),
                1,
                1440,
            )?;
            let before = check.range(
                &key("buffer_before_minutes"),
                entry.buffer_before_minutes.unwrap_or(0),
                0,
                1440,
            )?;
            let after = check.range(
                &key("buffer_after_minutes"),
                entry.buffer_after_minutes.unwrap_or(0),
                0,
                1440,
            )?;
            let max_per_day = match entry.max_per_day {
                Some(cap) => Some(check.range(&key("max_per_day"), cap, 1, 1440)?),
                None => None,
            };
            let lookahead_days = match entry.lookahead_days {
                Some(days) => check.range(&key("lookahead_days"), days, 1, 3650)?,
                None => defaults.lookahead_days,
            };
            let min_lead_minutes = match entry.min_lead_minutes {
                Some(minutes) => check.range(&key("min_lead_minutes"), minutes, 0, 525_600)?,
                None => defaults.min_lead_minutes,
            };
            let mode = match &entry.mode {
                Some(mode) => check.mode(&key("mode"), mode)?,
                None => check.mode("defaults.mode", &defaults.mode)?,
            };
            let (timezone_name, timezone) = match &entry.timezone {
                Some(name) => (name.clone(), check.timezone(&key("timezone"), name)?),
                None => (
                    defaults.timezone.clone(),
                    check.timezone("defaults.timezone", &defaults.timezone)?,
                ),
            };
            let hours = match &entry.hours {
                Some(hours) => check.hours(&key("hours"), hours)?,
                None => check.hours("defaults.hours", &defaults.hours)?,
            };
            let weekdays = match &entry.weekdays {
                Some(days) => check.weekdays(&key("weekdays"), days)?,
                None => check.weekdays("defaults.weekdays", &defaults.weekdays)?,
            };
            let hours_key = if entry.hours.is_some() {
                key("hours")
            } else {
                "defaults.hours".to_string()
            };
            let mut schedule = Schedule::new(timezone);
            for day in &weekdays {
                schedule
                    .set_weekday(*day, hours.clone())
                    .map_err(|err| check.error(&hours_key, err.to_string()))?;
            }
            let mut overrides = Vec::new();
            for (position, entry_override) in entry.overrides.iter().enumerate() {
                let override_key =
                    |name: &str| format!("event_types[{index}].overrides[{position}].{name}");
                let date: Date = entry_override.date.parse().map_err(|_| {
                    check.error(
                        override_key("date"),
                        format!(
                            "{:?} is not a date such as \"2026-12-24\"",
                            entry_override.date
                        ),
                    )
                })?;
                let ranges = check.hours(&override_key("hours"), &entry_override.hours)?;
                schedule
                    .set_override(date, ranges.clone())
                    .map_err(|err| check.error(override_key("hours"), err.to_string()))?;
                overrides.push((date, ranges));
            }
            let mut questions: Vec<Question> = Vec::new();
            for (position, question) in entry.questions.iter().enumerate() {
                let question_key =
                    |name: &str| format!("event_types[{index}].questions[{position}].{name}");
                let label = question.label.trim();
                if label.is_empty() || label.chars().count() > 200 {
                    return Err(check.error(question_key("label"), "must be 1 to 200 characters"));
                }
                let id = question.id.clone().unwrap_or_else(|| slugify(label));
                let id_ok = !id.is_empty()
                    && id.len() <= 40
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !id_ok {
                    return Err(check.error(
                        question_key("id"),
                        format!("{id:?} must be 1-40 of a-z, 0-9 and '_'"),
                    ));
                }
                if RESERVED_QUESTION_IDS.contains(&id.as_str())
                    || questions.iter().any(|q| q.id == id)
                {
                    return Err(check.error(
                        question_key("id"),
                        format!("{id:?} is reserved or used twice; set a different id"),
                    ));
                }
                let kind = match question.kind.as_str() {
                    "text" => QuestionKind::Text,
                    "textarea" => QuestionKind::Textarea,
                    "select" => QuestionKind::Select,
                    "phone" => QuestionKind::Phone,
                    other => {
                        return Err(check.error(
                            question_key("kind"),
                            format!("{other:?} must be text, textarea, select or phone"),
                        ))
                    }
                };
                let options: Vec<String> = question
                    .options
                    .iter()
                    .map(|option| option.trim().to_string())
                    .collect();
                if kind == QuestionKind::Select
                    && (options.is_empty() || options.iter().any(String::is_empty))
                {
                    return Err(check.error(
                        question_key("options"),
                        "a select question needs non-empty options",
                    ));
                }
                questions.push(Question {
                    id,
                    label: label.to_string(),
                    kind,
                    required: question.required,
                    options,
                });
            }
            let team = crate::hosts::resolve_team(&check, defaults, hosts, index, entry)?;
            types.push(EventType {
                slug: entry.slug.clone(),
                title: entry.title.trim().to_string(),
                description: entry.description.clone(),
                mode,
                timezone_name,
                hours,
                weekdays,
                overrides,
                schedule,
                rules: EventRules {
                    duration_minutes: duration,
                    step_minutes: step,
                    buffer_before_minutes: before,
                    buffer_after_minutes: after,
                    min_lead_minutes,
                    lookahead_days,
                    max_per_day,
                },
                questions,
                change_cutoff_hours: check.range(
                    &key("change_cutoff_hours"),
                    entry
                        .change_cutoff_hours
                        .unwrap_or(defaults.change_cutoff_hours),
                    0,
                    8760,
                )?,
                request_expiry_hours: check.range(
                    &key("request_expiry_hours"),
                    entry
                        .request_expiry_hours
                        .unwrap_or(defaults.request_expiry_hours),
                    0,
                    8760,
                )?,
                enabled: enabled.get(index).copied().unwrap_or(true),
                hosts: team.hosts,
                hosts_inherited: team.inherited,
                assignment: team.assignment,
                weights: team.weights,
                fairness_window_days: team.fairness_window_days,
            });
        }
        Ok(Catalog {
            types,
            by_slug,
            hosts: hosts.clone(),
        })
    }

    /// The hosts the event types were validated against.
    pub fn hosts(&self) -> &HostDirectory {
        &self.hosts
    }

    /// The event type named `slug`.
    pub fn get(&self, slug: &str) -> Option<&EventType> {
        self.by_slug.get(slug).map(|&index| &self.types[index])
    }

    /// The event type named `slug` if it is offered (enabled).
    pub fn bookable(&self, slug: &str) -> Option<&EventType> {
        self.get(slug).filter(|event| event.enabled)
    }

    /// The first enabled event type (`None` when every type is disabled).
    pub fn default_type(&self) -> Option<&EventType> {
        self.types.iter().find(|event| event.enabled)
    }

    /// All event types in order, disabled ones included.
    pub fn iter(&self) -> impl Iterator<Item = &EventType> {
        self.types.iter()
    }

    /// The enabled event types in order.
    pub fn offered(&self) -> impl Iterator<Item = &EventType> {
        self.types.iter().filter(|event| event.enabled)
    }

    /// Whether any event type caps bookings per day.
    pub fn has_caps(&self) -> bool {
        self.types
            .iter()
            .any(|event| event.rules.max_per_day.is_some())
    }
}

/// The `override` lines of `check-config` for an event type or a host.
pub(crate) fn describe_overrides(out: &mut String, overrides: &[(Date, Vec<HourRange>)]) {
    use std::fmt::Write;
    for (date, ranges) in overrides {
        let hours: Vec<String> = ranges.iter().map(ToString::to_string).collect();
        let hours = if hours.is_empty() {
            "closed".to_string()
        } else {
            hours.join(", ")
        };
        let _ = writeln!(out, "  override         {date}: {hours}");
    }
}

/// A human-readable account of a validated configuration, for `openslot check-config`.
pub fn describe(config: &Config, catalog: &Catalog) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let server = &config.server;
    let _ = writeln!(out, "server");
    let _ = writeln!(out, "  listen           {}", server.listen);
    let _ = writeln!(out, "  public_url       {}", config.public_url());
    let origins = if server.allowed_origins.is_empty() {
        "(none: same-origin only)".to_string()
    } else {
        server.allowed_origins.join(", ")
    };
    let _ = writeln!(out, "  allowed_origins  {origins}");
    let _ = writeln!(out, "database");
    let _ = writeln!(
        out,
        "  url              {}",
        crate::privacy::redacted_url(&config.database.url)
    );
    let _ = writeln!(out, "  synchronous      {}", config.database.synchronous);
    let _ = writeln!(out, "host");
    let _ = writeln!(out, "  name             {}", config.host.name);
    out.push_str(&crate::hosts::describe(catalog.hosts()));
    for (index, event) in catalog.iter().enumerate() {
        let rules = &event.rules;
        let default = if index == 0 { " (default)" } else { "" };
        let _ = writeln!(out, "event type {}{default}", event.slug);
        let _ = writeln!(out, "  title            {}", event.title);
        if let Some(description) = &event.description {
            let _ = writeln!(out, "  description      {description}");
        }
        let _ = writeln!(out, "  duration         {} min", rules.duration_minutes);
        let _ = writeln!(out, "  slot step        {} min", rules.step_minutes);
        let _ = writeln!(
            out,
            "  buffers          {} min before, {} min after",
            rules.buffer_before_minutes, rules.buffer_after_minutes
        );
        let _ = writeln!(out, "  mode             {}", event.mode.as_str());
        out.push_str(&crate::hosts::describe_team(event));
        let _ = writeln!(out, "  timezone         {}", event.timezone_name);
        let days: Vec<&str> = event
            .weekdays
            .iter()
            .map(|day| weekday_name(*day))
            .collect();
        let hours: Vec<String> = event.hours.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "  weekdays         {}", days.join(", "));
        let _ = writeln!(out, "  hours            {}", hours.join(", "));
        let _ = writeln!(out, "  minimum notice   {} min", rules.min_lead_minutes);
        let _ = writeln!(out, "  booking window   {} days", rules.lookahead_days);
        match rules.max_per_day {
            Some(cap) => {
                let _ = writeln!(out, "  max per day      {cap}");
            }
            None => {
                let _ = writeln!(out, "  max per day      unlimited");
            }
        }
        describe_overrides(&mut out, &event.overrides);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(text: &str) -> Result<Catalog, ConfigError> {
        let config = Config::parse(text, "test.toml")?;
        Catalog::from_config(&config, "test.toml")
    }

    #[test]
    fn presets_without_event_types() {
        let catalog = catalog("").unwrap();
        let slugs: Vec<_> = catalog.iter().map(|event| event.slug.as_str()).collect();
        assert_eq!(slugs, ["15min", "30min", "60min"]);
        assert_eq!(catalog.default_type().unwrap().slug, "15min");
        let sixty = catalog.get("60min").unwrap();
        assert_eq!(sixty.rules.step_minutes, 60);
        assert_eq!(sixty.rules.min_lead_minutes, 120);
        assert_eq!(sixty.mode, Mode::Request);
    }

    #[test]
    fn event_types_inherit_and_override_defaults() {
        let catalog = catalog(
            r#"
            [defaults]
            timezone = "Europe/Berlin"
            mode = "instant"
            [[event_types]]
            slug = "discovery-call"
            title = "Discovery call"
            duration_minutes = 30
            slot_step_minutes = 15
            timezone = "America/New_York"
            [[event_types.overrides]]
            date = "2026-12-24"
            hours = []
            [[event_types]]
            slug = "deep-dive"
            title = "Deep dive"
            duration_minutes = 90
            mode = "request"
            "#,
        )
        .unwrap();
        let call = catalog.get("discovery-call").unwrap();
        assert_eq!(call.timezone_name, "America/New_York");
        assert_eq!(call.mode, Mode::Instant);
        assert_eq!(call.rules.step_minutes, 15);
        assert!(call
            .schedule
            .hours_on("2026-12-24".parse().unwrap())
            .is_empty());
        let dive = catalog.get("deep-dive").unwrap();
        assert_eq!(dive.timezone_name, "Europe/Berlin");
        assert_eq!(dive.mode, Mode::Request);
    }

    #[test]
    fn errors_name_file_and_key() {
        let cases = [
            ("[defaults]\ntimezone = \"Mars/Base\"", "`defaults.timezone`"),
            (
                "[[event_types]]\nslug = \"a\"\ntitle = \"A\"\nduration_minutes = 30\nhours = [\"9-5\"]",
                "`event_types[0].hours[0]`",
            ),
            (
                "[[event_types]]\nslug = \"A B\"\ntitle = \"A\"\nduration_minutes = 30",
                "`event_types[0].slug`",
            ),
            (
                "[[event_types]]\nslug = \"a\"\ntitle = \"A\"\nduration_minutes = 0",
                "`event_types[0].duration_minutes`",
            ),
            (
                "[[event_types]]\nslug = \"a\"\ntitle = \"A\"\nduration_minutes = 30\nweekdays = [\"funday\"]",
                "`event_types[0].weekdays[0]`",
            ),
            (
                "[[event_types]]\nslug = \"a\"\ntitle = \"A\"\nduration_minutes = 30\n[[event_types.overrides]]\ndate = \"2026-02-30\"\nhours = []",
                "`event_types[0].overrides[0].date`",
            ),
            ("[defaults]\nhours = [\"09:00-12:00\", \"11:00-13:00\"]", "`defaults.hours`"),
            ("[defaults]\nmode = \"auto\"", "`defaults.mode`"),
        ];
        for (text, key) in cases {
            let err = catalog(text).unwrap_err().to_string();
            assert!(err.starts_with("test.toml: "), "{err}");
            assert!(err.contains(key), "{err} should name {key}");
        }
        let err = catalog("[server]\nlisten_on = 1").unwrap_err().to_string();
        assert!(
            err.contains("test.toml") && err.contains("listen_on"),
            "{err}"
        );
    }
}
