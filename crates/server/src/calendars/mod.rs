//! Connected calendars (CalDAV collections and ICS feeds) as configured: each host's
//! `[[hosts.calendars]]` checked and given a stable id, the `[calendars]` settings
//! checked, passwords resolved from the environment, and `check-config`'s account of
//! them. The written form of a booking in a host's calendar is in [`event`].

pub mod connect;
pub mod event;
pub mod remote;
pub mod service;
pub mod sync;
pub mod tokens;
pub mod verify;
pub mod writeback;

pub use service::{kind_of, Calendars, OwnEvents};
pub use verify::CalendarVerifier;

use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::config::{CalendarConfig, CalendarKind, CalendarsConfig, Config, ConfigError};

/// A configured calendar with the host it belongs to and its connection id.
#[derive(Clone, Debug, PartialEq)]
pub struct HostCalendar {
    /// [`connection_id`] of the host and the URL.
    pub id: String,
    pub host_id: String,
    pub calendar: CalendarConfig,
}

/// The id of the connection of host `host_id` to the calendar at `url`: the host id, a
/// dash and 16 hex digits of SHA-256 over the host id and the URL exactly as written.
/// It stays the same across restarts and instances while the host and the URL do, so a
/// connection keeps its sync state; a changed URL is a new connection (synced afresh).
pub fn connection_id(host_id: &str, url: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(host_id.as_bytes());
    // A separator no host id contains keeps ("a", "b…") and ("ab", "…") apart.
    hash.update([0]);
    hash.update(url.as_bytes());
    let digest = hash.finalize();
    let mut id = String::with_capacity(host_id.len() + 17);
    id.push_str(host_id);
    id.push('-');
    for byte in &digest[..8] {
        let _ = write!(id, "{byte:02x}");
    }
    id
}

/// The password of `calendar`: `password` as written, or the value of the environment
/// variable named by `password_env` (read now, so a rotated value is picked up by the
/// next sync); `None` when it has neither.
pub fn resolve_password(calendar: &CalendarConfig) -> Result<Option<String>, ConfigError> {
    resolve_password_with(calendar, &|name| std::env::var_os(name))
}

/// A variable's value as the environment holds it (`None`: unset).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

fn resolve_password_with(
    calendar: &CalendarConfig,
    lookup: EnvLookup<'_>,
) -> Result<Option<String>, ConfigError> {
    if let Some(password) = &calendar.password {
        return Ok(Some(password.clone()));
    }
    let Some(name) = &calendar.password_env else {
        return Ok(None);
    };
    let error = |message: &str| ConfigError {
        source: "<environment>".into(),
        key: name.clone(),
        message: message.into(),
    };
    match lookup(name) {
        None => Err(error("is not set (a calendar's `password_env` names it)")),
        Some(value) => match value.into_string() {
            Ok(value) if value.is_empty() => {
                Err(error("is empty (a calendar's `password_env` names it)"))
            }
            Ok(value) => Ok(Some(value)),
            Err(_) => Err(error("is not valid UTF-8")),
        },
    }
}

/// Checks `[calendars]` and every host's `[[hosts.calendars]]`, reading the variables
/// named by `password_env` from the process environment.
pub fn host_calendars(config: &Config, source: &str) -> Result<Vec<HostCalendar>, ConfigError> {
    host_calendars_with(config, source, &|name| std::env::var_os(name))
}

/// [`host_calendars`] with the environment given. Errors name the key, e.g.
/// `hosts[0].calendars[1].write`.
pub fn host_calendars_with(
    config: &Config,
    source: &str,
    lookup: EnvLookup<'_>,
) -> Result<Vec<HostCalendar>, ConfigError> {
    let error = |key: String, message: String| ConfigError {
        source: source.to_string(),
        key,
        message,
    };
    check_settings(&config.calendars, source)?;
    let mut calendars = Vec::new();
    for (index, host) in config.hosts.iter().enumerate() {
        let mut writer: Option<usize> = None;
        let mut urls: Vec<&str> = Vec::new();
        for (position, calendar) in host.calendars.iter().enumerate() {
            let key = |name: &str| format!("hosts[{index}].calendars[{position}].{name}");
            check_calendar(calendar, &config.calendars, lookup)
                .map_err(|(name, message)| error(key(name), message))?;
            if urls.contains(&calendar.url.as_str()) {
                return Err(error(key("url"), "is listed twice for this host".into()));
            }
            urls.push(&calendar.url);
            if calendar.write {
                if let Some(first) = writer {
                    return Err(error(
                        key("write"),
                        format!(
                            "only one calendar per host takes bookings; hosts[{index}].calendars[{first}] already does"
                        ),
                    ));
                }
                writer = Some(position);
            }
            calendars.push(HostCalendar {
                id: connection_id(&host.id, &calendar.url),
                host_id: host.id.clone(),
                calendar: calendar.clone(),
            });
        }
    }
    Ok(calendars)
}

/// The checks of one calendar on its own (not against the host's others): the key of the
/// first mistake and what is wrong. The configuration file and connections added in
/// `/admin` or `/api/v1` are held to the same rules through it.
pub fn check_calendar(
    calendar: &CalendarConfig,
    settings: &CalendarsConfig,
    lookup: EnvLookup<'_>,
) -> Result<(), (&'static str, String)> {
    if calendar.kind.is_oauth() {
        let provider = match calendar.kind {
            CalendarKind::Google => "Google",
            _ => "Microsoft",
        };
        // Their access rests on a person's sign-in, which a file cannot hold.
        return Err((
            "kind",
            format!(
                "{:?} calendars are not set up in this file: connect {provider} in /admin/calendars (they are reached through the host's own sign-in)",
                calendar.kind.as_str()
            ),
        ));
    }
    check_url(calendar.kind, &calendar.url).map_err(|message| ("url", message))?;
    if calendar.kind == CalendarKind::Ics {
        if calendar.write {
            return Err((
                "write",
                "an ICS feed is read only: bookings can be written to a CalDAV calendar".into(),
            ));
        }
        for (name, set) in [
            ("username", calendar.username.is_some()),
            ("password", calendar.password.is_some()),
            ("password_env", calendar.password_env.is_some()),
        ] {
            if set {
                return Err((
                    name,
                    "an ICS feed is read without credentials (its address is its secret)".into(),
                ));
            }
        }
    }
    if let Some(username) = &calendar.username {
        if username.is_empty()
            || username.chars().count() > 256
            || username.chars().any(char::is_control)
        {
            return Err(("username", "must be 1 to 256 characters".into()));
        }
    }
    if calendar.password.is_some() && calendar.password_env.is_some() {
        return Err((
            "password",
            "give either `password` or `password_env`, not both".into(),
        ));
    }
    if let Some(password) = &calendar.password {
        if password.is_empty() || password.len() > 1024 {
            return Err(("password", "must be 1 to 1024 bytes".into()));
        }
    }
    if let Some(name) = &calendar.password_env {
        if !is_env_name(name) {
            return Err((
                "password_env",
                format!(
                    "{name:?} is not an environment variable name such as \"ADA_CALDAV_PASSWORD\""
                ),
            ));
        }
        resolve_password_with(calendar, lookup).map_err(|err| {
            (
                "password_env",
                format!("the environment variable {name} {}", err.message),
            )
        })?;
    }
    if (calendar.password.is_some() || calendar.password_env.is_some())
        && calendar.username.is_none()
    {
        return Err(("username", "is needed with a password".into()));
    }
    if let Some(minutes) = calendar.refresh_minutes {
        if !(1..=1440).contains(&minutes) {
            return Err((
                "refresh_minutes",
                format!("{minutes} is out of range (1 to 1440)"),
            ));
        }
    }
    let refresh = calendar.refresh_minutes();
    if refresh > settings.max_refresh_minutes() {
        return Err((
            "refresh_minutes",
            format!(
                "{refresh} must be below `calendars.stale_after_minutes` ({}): a calendar synced on time must never count as stale",
                settings.stale_after_minutes
            ),
        ));
    }
    Ok(())
}

/// The `[calendars]` settings' ranges.
fn check_settings(settings: &CalendarsConfig, source: &str) -> Result<(), ConfigError> {
    let ranges: [(&str, u64, u64, u64); 7] = [
        (
            "calendars.verify_timeout_ms",
            settings.verify_timeout_ms,
            100,
            60_000,
        ),
        (
            "calendars.alert_after_minutes",
            settings.alert_after_minutes.into(),
            1,
            10_080,
        ),
        (
            "calendars.stale_after_minutes",
            settings.stale_after_minutes.into(),
            1,
            43_200,
        ),
        (
            "calendars.sync_concurrency",
            settings.sync_concurrency.into(),
            1,
            64,
        ),
        (
            "calendars.horizon_days",
            settings.horizon_days.into(),
            1,
            3660,
        ),
        ("calendars.lease_seconds", settings.lease_seconds, 10, 3600),
        (
            "calendars.timeout_seconds",
            settings.timeout_seconds,
            1,
            600,
        ),
    ];
    for (key, value, low, high) in ranges {
        if !(low..=high).contains(&value) {
            return Err(ConfigError {
                source: source.to_string(),
                key: key.to_string(),
                message: format!("{value} is out of range ({low} to {high})"),
            });
        }
    }
    Ok(())
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 256
}

/// A URL cut into scheme, credentials (`user:pass@`), host and port, and the rest.
struct UrlParts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    authority: &'a str,
    rest: &'a str,
}

fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let (userinfo, authority) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo), host),
        None => (None, authority),
    };
    Some(UrlParts {
        scheme,
        userinfo,
        authority,
        rest,
    })
}

fn check_url(kind: CalendarKind, url: &str) -> Result<(), String> {
    let schemes: &[&str] = match kind {
        CalendarKind::Caldav => &["https", "http"],
        CalendarKind::Ics => &["https", "http", "webcal", "webcals"],
        CalendarKind::Google | CalendarKind::Microsoft => return Ok(()),
    };
    let shown = display_url(kind, url);
    let Some(parts) = split_url(url).filter(|parts| schemes.contains(&parts.scheme)) else {
        let schemes: Vec<String> = schemes.iter().map(|s| format!("{s}://")).collect();
        let what = if split_url(url).is_some() {
            format!("{shown:?}")
        } else {
            "the address".to_string()
        };
        return Err(format!("{what} must start with {}", schemes.join(" or ")));
    };
    if url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{shown:?} must be at most 2048 characters without spaces"
        ));
    }
    if parts.userinfo.is_some() {
        return Err(format!(
            "{shown:?} holds credentials: put them in `username` and `password_env`"
        ));
    }
    let host = parts
        .authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(parts.authority, |(host, _)| host);
    if host.is_empty() {
        return Err(format!("{shown:?} has no host name"));
    }
    Ok(())
}

/// `url` as it may be shown (in `check-config`, logs, `/admin`): credentials and the query
/// removed; of an ICS feed only the scheme and host, because a feed's address is usually
/// its only secret.
pub fn display_url(kind: CalendarKind, url: &str) -> String {
    if kind.is_oauth() {
        // A provider's calendar id (often the account's address): no secret in it.
        return url.to_string();
    }
    let Some(parts) = split_url(url) else {
        return "(not a URL)".to_string();
    };
    let scheme = parts.scheme;
    let authority = parts.authority;
    match kind {
        CalendarKind::Ics => format!("{scheme}://{authority}/… (feed address hidden)"),
        CalendarKind::Caldav | CalendarKind::Google | CalendarKind::Microsoft => {
            let path = parts.rest.split(['?', '#']).next().unwrap_or("");
            let credentials = if parts.userinfo.is_some() { "***@" } else { "" };
            format!("{scheme}://{credentials}{authority}{path}")
        }
    }
}

/// The OAuth part of `openslot check-config`'s account: which providers hosts may connect
/// in /admin/calendars, and where their endpoints are (never the secret).
pub fn describe_oauth(apps: &crate::config::OAuthApps) -> String {
    let mut out = String::new();
    for app in apps.configured() {
        let conference = match app.provider {
            crate::config::OAuthProvider::Google => "Meet links",
            crate::config::OAuthProvider::Microsoft => "Teams links",
        };
        let _ = writeln!(
            out,
            "{}\n  client id        {}\n  token endpoint   {}\n  api              {}\n  {:<16} {}",
            app.provider.as_str(),
            app.client_id,
            app.token_url,
            app.api_base,
            conference,
            if app.conference_links { "on" } else { "off" },
        );
    }
    out
}

/// The calendars part of `openslot check-config`'s account: `[calendars]` and each
/// connection (passwords never, only where they come from). Empty without calendars.
pub fn describe(settings: &CalendarsConfig, calendars: &[HostCalendar]) -> String {
    let mut out = String::new();
    if calendars.is_empty() {
        return out;
    }
    let _ = writeln!(out, "calendars");
    let _ = writeln!(
        out,
        "  sync             in the background, {} at once, {} days ahead, {} s per request",
        settings.sync_concurrency, settings.horizon_days, settings.timeout_seconds
    );
    let _ = writeln!(
        out,
        "  verify on book   within {} ms (else booked on the synced busy time)",
        settings.verify_timeout_ms
    );
    let stale = match settings.on_stale {
        crate::config::OnStale::Keep => "keep offering slots from the last known busy time",
        crate::config::OnStale::Close => "offer no slots for that host",
    };
    let _ = writeln!(
        out,
        "  stale after      {} min: {stale} (on_stale = \"{}\")",
        settings.stale_after_minutes,
        settings.on_stale.as_str()
    );
    let _ = writeln!(
        out,
        "  alert after      {} min failing (one e-mail to the ops inbox)",
        settings.alert_after_minutes
    );
    for connection in calendars {
        let calendar = &connection.calendar;
        let _ = writeln!(
            out,
            "calendar {} (host {})",
            connection.id, connection.host_id
        );
        let _ = writeln!(out, "  kind             {}", calendar.kind.as_str());
        let _ = writeln!(
            out,
            "  url              {}",
            display_url(calendar.kind, &calendar.url)
        );
        if let Some(username) = &calendar.username {
            let _ = writeln!(out, "  username         {username}");
        }
        if calendar.kind == CalendarKind::Caldav {
            let password = match (&calendar.password, &calendar.password_env) {
                (Some(_), _) => "written in the config file".to_string(),
                (None, Some(name)) => format!("from ${name}"),
                (None, None) => "none".to_string(),
            };
            let _ = writeln!(out, "  password         {password}");
        }
        let busy = match (calendar.busy, calendar.all_day_busy) {
            (true, true) => "read (all-day events block the day)",
            (true, false) => "read (all-day events ignored)",
            (false, _) => "not read",
        };
        let _ = writeln!(out, "  busy time        {busy}");
        let write = if calendar.write {
            "confirmed bookings are written to it"
        } else {
            "no"
        };
        let _ = writeln!(out, "  write            {write}");
        let _ = writeln!(
            out,
            "  refresh          every {} min",
            calendar.refresh_minutes()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, ffi::OsString};

    use super::*;

    const HOST: &str = r#"
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
"#;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, OsString> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect()
    }

    fn check(
        text: &str,
        vars: &[(&str, &str)],
    ) -> Result<(Config, Vec<HostCalendar>), ConfigError> {
        let config = Config::parse(text, "test.toml")?;
        let vars = env(vars);
        let calendars = host_calendars_with(&config, "test.toml", &|name| vars.get(name).cloned())?;
        Ok((config, calendars))
    }

    fn error_key(text: &str, vars: &[(&str, &str)]) -> (String, String) {
        let err = check(text, vars).expect_err("should be refused");
        assert_eq!(err.source, "test.toml");
        (err.key, err.message)
    }

    const ISSUE_EXAMPLE: &str = r#"
[[hosts.calendars]]
kind = "caldav"
url = "https://caldav.example.com/dav/calendars/ada/work/"
username = "ada"
password_env = "ADA_CALDAV_PASSWORD"
busy = true
write = true
refresh_minutes = 5

[[hosts.calendars]]
kind = "ics"
url = "https://example.com/ada/basic.ics"
refresh_minutes = 15
all_day_busy = true
"#;

    #[test]
    fn the_issues_example_reads_with_defaults_filled_in() {
        let text = format!("{HOST}{ISSUE_EXAMPLE}");
        let (config, calendars) = check(&text, &[("ADA_CALDAV_PASSWORD", "s3cret")]).unwrap();
        assert_eq!(config.calendars, CalendarsConfig::default());
        assert_eq!(config.calendars.verify_timeout_ms, 1500);
        assert_eq!(config.calendars.alert_after_minutes, 60);
        assert_eq!(config.calendars.on_stale, crate::config::OnStale::Keep);
        assert_eq!(config.calendars.stale_after_minutes, 120);
        assert_eq!(calendars.len(), 2);
        let caldav = &calendars[0];
        assert_eq!(caldav.host_id, "ada");
        assert_eq!(caldav.calendar.kind, CalendarKind::Caldav);
        assert!(caldav.calendar.busy && caldav.calendar.write);
        assert_eq!(caldav.id, connection_id("ada", &caldav.calendar.url));
        let ics = &calendars[1];
        assert_eq!(ics.calendar.kind, CalendarKind::Ics);
        assert!(ics.calendar.busy && !ics.calendar.write && ics.calendar.all_day_busy);

        let minimal = format!(
            "{HOST}[[hosts.calendars]]\nkind = \"ics\"\nurl = \"webcal://example.com/a.ics\"\n\
             [[hosts.calendars]]\nkind = \"caldav\"\nurl = \"http://127.0.0.1:5232/ada/\"\n"
        );
        let (_, calendars) = check(&minimal, &[]).unwrap();
        assert_eq!(calendars[0].calendar.refresh_minutes(), 15);
        assert_eq!(calendars[1].calendar.refresh_minutes(), 5);
        assert!(calendars
            .iter()
            .all(|c| c.calendar.busy && !c.calendar.write));
        assert!(calendars.iter().all(|c| c.calendar.all_day_busy));
        assert_eq!(resolve_password(&calendars[1].calendar).unwrap(), None);
    }

    #[test]
    fn calendar_settings_read_and_are_range_checked() {
        let text = "[calendars]\nverify_timeout_ms = 800\nalert_after_minutes = 30\non_stale = \"close\"\n\
                    stale_after_minutes = 45\nsync_concurrency = 2\nhorizon_days = 100\nlease_seconds = 60\ntimeout_seconds = 10\n";
        let (config, _) = check(text, &[]).unwrap();
        let settings = &config.calendars;
        assert_eq!(settings.on_stale, crate::config::OnStale::Close);
        assert_eq!(
            (
                settings.verify_timeout_ms,
                settings.alert_after_minutes,
                settings.stale_after_minutes
            ),
            (800, 30, 45)
        );
        assert_eq!(
            (
                settings.sync_concurrency,
                settings.horizon_days,
                settings.lease_seconds,
                settings.timeout_seconds
            ),
            (2, 100, 60, 10)
        );
        for (line, key) in [
            ("verify_timeout_ms = 0", "calendars.verify_timeout_ms"),
            ("alert_after_minutes = 0", "calendars.alert_after_minutes"),
            ("stale_after_minutes = 0", "calendars.stale_after_minutes"),
            ("sync_concurrency = 0", "calendars.sync_concurrency"),
            ("horizon_days = 0", "calendars.horizon_days"),
            ("lease_seconds = 1", "calendars.lease_seconds"),
            ("timeout_seconds = 0", "calendars.timeout_seconds"),
        ] {
            let (found, message) = error_key(&format!("[calendars]\n{line}\n"), &[]);
            assert_eq!(found, key, "{line}");
            assert!(message.contains("out of range"), "{message}");
        }
        // Unknown values and keys are parse errors that quote the offending key.
        for text in [
            "[calendars]\non_stale = \"maybe\"\n",
            "[calendars]\nrefresh = 5\n",
            &format!("{HOST}[[hosts.calendars]]\nkind = \"outlook\"\nurl = \"https://x.example\"\n"),
            &format!("{HOST}[[hosts.calendars]]\nkind = \"ics\"\nurl = \"https://x.example\"\npasword = \"x\"\n"),
        ] {
            let err = Config::parse(text, "test.toml").expect_err(text);
            assert!(
                ["on_stale", "refresh", "kind", "pasword"]
                    .iter()
                    .any(|key| err.message.contains(key)),
                "{err}"
            );
        }
    }

    #[test]
    fn each_mistake_names_its_key() {
        let entry = |body: &str| format!("{HOST}{body}");
        let caldav = |extra: &str| {
            format!("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://dav.example.com/ada/\"\n{extra}")
        };
        let ics = |extra: &str| {
            format!(
                "[[hosts.calendars]]\nkind = \"ics\"\nurl = \"https://example.com/a.ics\"\n{extra}"
            )
        };
        let cases: Vec<(String, &str, &str)> = vec![
            (
                entry("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"webcal://dav.example.com/\"\n"),
                "hosts[0].calendars[0].url",
                "must start with https:// or http://",
            ),
            (
                entry("[[hosts.calendars]]\nkind = \"ics\"\nurl = \"ftp://example.com/a.ics\"\n"),
                "hosts[0].calendars[0].url",
                "webcal://",
            ),
            (
                entry("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https:///ada/\"\n"),
                "hosts[0].calendars[0].url",
                "no host name",
            ),
            (
                entry("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://ada:hunter2@dav.example.com/\"\n"),
                "hosts[0].calendars[0].url",
                "holds credentials",
            ),
            (
                entry("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://dav.example.com/a b/\"\n"),
                "hosts[0].calendars[0].url",
                "without spaces",
            ),
            (
                entry(&format!("{}{}", caldav(""), caldav(""))),
                "hosts[0].calendars[1].url",
                "listed twice",
            ),
            (entry(&ics("write = true\n")), "hosts[0].calendars[0].write", "read only"),
            (
                entry("[[hosts.calendars]]\nkind = \"google\"\nurl = \"primary\"\n"),
                "hosts[0].calendars[0].kind",
                "connect Google in /admin/calendars",
            ),
            (
                entry("[[hosts.calendars]]\nkind = \"microsoft\"\nurl = \"AAMk\"\nwrite = true\n"),
                "hosts[0].calendars[0].kind",
                "connect Microsoft in /admin/calendars",
            ),
            (
                entry(&format!(
                    "{}[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://dav.example.com/other/\"\nwrite = true\n",
                    caldav("write = true\n")
                )),
                "hosts[0].calendars[1].write",
                "hosts[0].calendars[0] already does",
            ),
            (
                entry(&caldav("username = \"ada\"\npassword = \"x\"\npassword_env = \"ADA_PW\"\n")),
                "hosts[0].calendars[0].password",
                "not both",
            ),
            (
                entry(&caldav("username = \"ada\"\npassword_env = \"NOT_SET_ANYWHERE\"\n")),
                "hosts[0].calendars[0].password_env",
                "NOT_SET_ANYWHERE is not set",
            ),
            (
                entry(&caldav("username = \"ada\"\npassword_env = \"EMPTY_ONE\"\n")),
                "hosts[0].calendars[0].password_env",
                "EMPTY_ONE is empty",
            ),
            (
                entry(&caldav("username = \"ada\"\npassword_env = \"1-bad\"\n")),
                "hosts[0].calendars[0].password_env",
                "not an environment variable name",
            ),
            (
                entry(&caldav("password = \"x\"\n")),
                "hosts[0].calendars[0].username",
                "needed with a password",
            ),
            (
                entry(&caldav("username = \"\"\n")),
                "hosts[0].calendars[0].username",
                "1 to 256",
            ),
            (
                entry(&caldav("refresh_minutes = 0\n")),
                "hosts[0].calendars[0].refresh_minutes",
                "out of range",
            ),
            (
                entry(&ics("username = \"ada\"\n")),
                "hosts[0].calendars[0].username",
                "without credentials",
            ),
            (
                entry(&ics("password_env = \"ADA_PW\"\n")),
                "hosts[0].calendars[0].password_env",
                "without credentials",
            ),
        ];
        for (text, key, fragment) in cases {
            let (found, message) = error_key(&text, &[("ADA_PW", "pw"), ("EMPTY_ONE", "")]);
            assert_eq!(found, key, "{text}\n{message}");
            assert!(message.contains(fragment), "{key}: {message}");
        }
        // A calendar synced on time is never stale (with on_stale = "close" its host would
        // close between syncs), the kind's default refresh included.
        let (key, message) = error_key(
            &format!(
                "[calendars]\nstale_after_minutes = 10\n{}",
                entry(&caldav("refresh_minutes = 10\n"))
            ),
            &[],
        );
        assert_eq!(key, "hosts[0].calendars[0].refresh_minutes");
        assert!(
            message.contains("below `calendars.stale_after_minutes` (10)"),
            "{message}"
        );
        let (key, _) = error_key(
            &format!("[calendars]\nstale_after_minutes = 15\n{}", entry(&ics(""))),
            &[],
        );
        assert_eq!(key, "hosts[0].calendars[0].refresh_minutes");
        check(
            &format!("[calendars]\nstale_after_minutes = 16\n{}", entry(&ics(""))),
            &[],
        )
        .unwrap();
        // The second host's key names it.
        let two = format!(
            "{HOST}[[hosts]]\nid = \"grace\"\nname = \"Grace\"\nemail = \"grace@example.com\"\n{}",
            ics("write = true\n")
        );
        assert_eq!(error_key(&two, &[]).0, "hosts[1].calendars[0].write");
        // One write calendar per host, not per install; the same URL for two hosts is fine.
        let per_host = format!(
            "{HOST}{}[[hosts]]\nid = \"grace\"\nname = \"Grace\"\nemail = \"grace@example.com\"\n{}",
            caldav("write = true\n"),
            caldav("write = true\n")
        );
        let (_, calendars) = check(&per_host, &[]).unwrap();
        assert_ne!(calendars[0].id, calendars[1].id);
    }

    #[test]
    fn connection_ids_are_stable_and_distinct() {
        let id = connection_id("ada", "https://dav.example.com/ada/work/");
        assert_eq!(
            id,
            connection_id("ada", "https://dav.example.com/ada/work/")
        );
        assert!(
            id.starts_with("ada-") && id.len() == "ada-".len() + 16,
            "{id}"
        );
        assert!(id["ada-".len()..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(
            id,
            connection_id("ada", "https://dav.example.com/ada/home/")
        );
        assert_ne!(
            id,
            connection_id("grace", "https://dav.example.com/ada/work/")
        );
        // The separator keeps host and URL apart.
        assert_ne!(
            connection_id("a", "bhttps://x")[2..],
            connection_id("ab", "https://x")[3..]
        );
        // Pinned: ids are stored, so the hash must never change.
        assert_eq!(
            connection_id("ada", "https://caldav.example.com/dav/calendars/ada/work/"),
            format!(
                "ada-{}",
                &hex_sha256("ada\0https://caldav.example.com/dav/calendars/ada/work/")[..16]
            )
        );
    }

    fn hex_sha256(text: &str) -> String {
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    #[test]
    fn passwords_resolve_from_the_file_or_the_environment() {
        let text = format!("{HOST}{ISSUE_EXAMPLE}");
        let (_, calendars) = check(&text, &[("ADA_CALDAV_PASSWORD", "s3cret")]).unwrap();
        let vars = env(&[("ADA_CALDAV_PASSWORD", "rotated")]);
        let lookup = |name: &str| vars.get(name).cloned();
        assert_eq!(
            resolve_password_with(&calendars[0].calendar, &lookup)
                .unwrap()
                .as_deref(),
            Some("rotated")
        );
        let gone = resolve_password_with(&calendars[0].calendar, &|_| None).unwrap_err();
        assert_eq!(
            (gone.source.as_str(), gone.key.as_str()),
            ("<environment>", "ADA_CALDAV_PASSWORD")
        );
        let mut inline = calendars[0].calendar.clone();
        inline.password_env = None;
        inline.password = Some("in-file".into());
        assert_eq!(
            resolve_password(&inline).unwrap().as_deref(),
            Some("in-file")
        );
    }

    #[test]
    fn passwords_and_feed_addresses_are_never_shown() {
        let text = format!(
            "{HOST}[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://dav.example.com/ada/?token=abc\"\n\
             username = \"ada\"\npassword = \"hunter2-secret\"\nwrite = true\n\
             [[hosts.calendars]]\nkind = \"ics\"\nurl = \"https://calendar.example.com/private-7f3a9b/basic.ics\"\n\
             busy = true\nall_day_busy = false\n\
             [[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://dav.example.com/ada/home/\"\n\
             username = \"ada\"\npassword_env = \"ADA_PW\"\nrefresh_minutes = 30\nbusy = false\n"
        );
        let (config, calendars) = check(&text, &[("ADA_PW", "env-secret-value")]).unwrap();
        let described = describe(&config.calendars, &calendars);
        let debugged = format!("{:?}", config.hosts);
        for shown in [&described, &debugged] {
            for secret in [
                "hunter2-secret",
                "env-secret-value",
                "private-7f3a9b",
                "token=abc",
            ] {
                assert!(!shown.contains(secret), "{secret} shown in\n{shown}");
            }
        }
        for expected in [
            "calendars\n",
            "verify on book   within 1500 ms",
            "stale after      120 min: keep offering slots from the last known busy time",
            &format!("calendar {} (host ada)", calendars[0].id),
            "url              https://dav.example.com/ada/\n",
            "password         written in the config file",
            "write            confirmed bookings are written to it",
            "url              https://calendar.example.com/… (feed address hidden)",
            "busy time        read (all-day events ignored)",
            "refresh          every 15 min",
            "password         from $ADA_PW",
            "busy time        not read",
            "refresh          every 30 min",
        ] {
            assert!(
                described.contains(expected),
                "{expected:?} missing from\n{described}"
            );
        }
        assert!(debugged.contains("<redacted>"), "{debugged}");
        assert_eq!(describe(&config.calendars, &[]), "");
    }

    #[test]
    fn calendars_never_enter_a_hosts_stored_definition() {
        let text = format!("{HOST}{ISSUE_EXAMPLE}");
        let (config, _) = check(&text, &[("ADA_CALDAV_PASSWORD", "s3cret")]).unwrap();
        let entry = &config.hosts[0];
        assert_eq!(entry.calendars.len(), 2);
        let stored = serde_json::to_value(entry).unwrap();
        assert!(stored.get("calendars").is_none(), "{stored}");
        assert!(!stored.to_string().contains("caldav.example.com"));
        // A definition stored before calendars existed (or by this version) reads back.
        let loaded = crate::hosts::entry_of("ada", &stored).unwrap();
        assert!(loaded.calendars.is_empty());
        assert_eq!(loaded.id, "ada");
    }
}
