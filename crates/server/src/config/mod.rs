//! Typed configuration, loaded once: the TOML file (or built-in defaults), then `OPENSLOT_*`
//! environment overrides, then validation. Errors name the file and the key.

use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::Deserialize;

mod oauth;
pub use oauth::{
    oauth_apps, oauth_apps_with, GoogleConfig, MicrosoftConfig, OAuthApp, OAuthApps, OAuthProvider,
};

/// The whole configuration file as written (optional keys stay optional here; the
/// catalog resolves inheritance from `[defaults]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub server: ServerConfig,
    #[serde(default)]
    pub database: DatabaseConfig,
    #[serde(default)]
    pub host: HostConfig,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub event_types: Vec<EventTypeConfig>,
    /// The people bookings are made with; none: one implicit host (see [`crate::hosts`]).
    #[serde(default)]
    pub hosts: Vec<HostEntryConfig>,
    #[serde(default)]
    pub branding: BrandingConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub security: SecurityConfig,
    #[serde(default)]
    pub mail: MailConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub admin: AdminConfig,
    /// Questions before booking that send the visitor to the right page.
    #[serde(default)]
    pub routing_forms: Vec<crate::routing::RoutingFormConfig>,
    /// How connected calendars (`[[hosts.calendars]]`) are synced and trusted.
    #[serde(default)]
    pub calendars: CalendarsConfig,
    /// The Google OAuth client hosts connect Google Calendar through.
    #[serde(default)]
    pub google: Option<GoogleConfig>,
    /// The Microsoft Entra app hosts connect Microsoft 365 calendars through.
    #[serde(default)]
    pub microsoft: Option<MicrosoftConfig>,
    /// How webhook deliveries reach subscribers.
    #[serde(default)]
    pub webhooks: WebhooksConfig,
}

/// `[webhooks]`: delivery of signed event messages to subscribed URLs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Whether subscriptions may point at loopback, private, link-local or metadata
    /// addresses. Off by default: whoever may subscribe must not make the server reach
    /// inside. Checked at every delivery attempt, after resolving the name.
    #[serde(default)]
    pub allow_private_targets: bool,
    /// Hard deadline of one delivery attempt (resolving, connecting, sending, the
    /// answer's status); only a 2xx within it counts as delivered.
    #[serde(default = "default_webhook_timeout")]
    pub timeout_seconds: u64,
    /// Jobs the worker runs at once when mail goes to the outbox (with SMTP,
    /// `[mail] concurrency` bounds every job, webhooks included). A receiver stuck until
    /// its deadline holds one.
    #[serde(default = "default_webhook_concurrency")]
    pub concurrency: usize,
}

fn default_webhook_timeout() -> u64 {
    10
}

fn default_webhook_concurrency() -> usize {
    4
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            allow_private_targets: false,
            timeout_seconds: default_webhook_timeout(),
            concurrency: default_webhook_concurrency(),
        }
    }
}

/// `[calendars]`: the background sync of every host's connected calendars, the check of
/// a host's calendars just before a booking is committed, and what happens when a
/// calendar cannot be read for a while.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarsConfig {
    /// Deadline of the re-read of a host's calendars just before a booking is committed;
    /// past it the booking is made on the stored busy time (and that is logged).
    #[serde(default = "default_verify_timeout")]
    pub verify_timeout_ms: u64,
    /// A calendar failing this long sends one e-mail to the ops inbox (and one when it
    /// recovers).
    #[serde(default = "default_alert_after")]
    pub alert_after_minutes: u32,
    /// What a host whose calendar data is older than `stale_after_minutes` offers.
    #[serde(default)]
    pub on_stale: OnStale,
    #[serde(default = "default_stale_after")]
    pub stale_after_minutes: u32,
    /// Calendars synced at once by one instance.
    #[serde(default = "default_sync_concurrency")]
    pub sync_concurrency: u32,
    /// How far ahead recurring events are expanded into busy time.
    #[serde(default = "default_horizon")]
    pub horizon_days: u32,
    /// How long an instance holds a calendar's sync before another may take it over
    /// (renewed while the sync runs).
    #[serde(default = "default_calendar_lease")]
    pub lease_seconds: u64,
    /// Hard deadline of one request to a calendar server during a sync.
    #[serde(default = "default_calendar_timeout")]
    pub timeout_seconds: u64,
    /// Whether calendars added in /admin or through the API may point at loopback,
    /// private or link-local addresses (calendars in this file always may: the operator
    /// wrote them). Off by default: a host user must not make the server reach inside.
    #[serde(default)]
    pub allow_private_targets: bool,
}

impl Default for CalendarsConfig {
    fn default() -> Self {
        CalendarsConfig {
            verify_timeout_ms: default_verify_timeout(),
            alert_after_minutes: default_alert_after(),
            on_stale: OnStale::default(),
            stale_after_minutes: default_stale_after(),
            sync_concurrency: default_sync_concurrency(),
            horizon_days: default_horizon(),
            lease_seconds: default_calendar_lease(),
            timeout_seconds: default_calendar_timeout(),
            allow_private_targets: false,
        }
    }
}

impl CalendarsConfig {
    /// The longest `refresh_minutes` a calendar may have: below `stale_after_minutes`, so a
    /// calendar synced on time is never stale (which, with `on_stale = "close"`, would
    /// close its host between syncs), and at most a day.
    pub fn max_refresh_minutes(&self) -> u32 {
        self.stale_after_minutes.saturating_sub(1).min(1440)
    }
}

fn default_verify_timeout() -> u64 {
    1500
}

fn default_alert_after() -> u32 {
    60
}

fn default_stale_after() -> u32 {
    120
}

fn default_sync_concurrency() -> u32 {
    4
}

fn default_horizon() -> u32 {
    400
}

fn default_calendar_lease() -> u64 {
    120
}

fn default_calendar_timeout() -> u64 {
    30
}

/// What a host offers once its calendar data is stale (`[calendars] on_stale`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnStale {
    /// Slots from the last known busy time.
    #[default]
    Keep,
    /// No slots for that host until its calendars sync again.
    Close,
}

impl OnStale {
    pub fn as_str(self) -> &'static str {
        match self {
            OnStale::Keep => "keep",
            OnStale::Close => "close",
        }
    }
}

/// The protocol of a connected calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalendarKind {
    /// A CalDAV calendar collection, or a principal/home whose calendars are all read.
    Caldav,
    /// An iCalendar feed fetched over HTTP (read only).
    Ics,
    /// A Google calendar of an account connected in /admin/calendars (OAuth); the url is
    /// the calendar's id. Never from the configuration file.
    Google,
    /// A Microsoft 365 / Outlook calendar of an account connected in /admin/calendars.
    Microsoft,
}

impl CalendarKind {
    /// The configuration (and store) spelling: `caldav` or `ics`.
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarKind::Caldav => "caldav",
            CalendarKind::Ics => "ics",
            CalendarKind::Google => "google",
            CalendarKind::Microsoft => "microsoft",
        }
    }

    /// Whether its calendars belong to an OAuth account (Google, Microsoft).
    pub fn is_oauth(self) -> bool {
        matches!(self, CalendarKind::Google | CalendarKind::Microsoft)
    }

    /// Parses [`CalendarKind::as_str`]'s spelling.
    pub fn parse(text: &str) -> Option<CalendarKind> {
        match text {
            "caldav" => Some(CalendarKind::Caldav),
            "ics" => Some(CalendarKind::Ics),
            "google" => Some(CalendarKind::Google),
            "microsoft" => Some(CalendarKind::Microsoft),
            _ => None,
        }
    }

    /// `refresh_minutes` when the entry leaves it out.
    pub fn default_refresh_minutes(self) -> u32 {
        match self {
            CalendarKind::Caldav | CalendarKind::Google | CalendarKind::Microsoft => 5,
            CalendarKind::Ics => 15,
        }
    }
}

/// One `[[hosts.calendars]]` entry: a calendar the host's busy time is read from and/or
/// confirmed bookings are written to. Checked by [`crate::calendars::host_calendars`].
/// Not part of the host's stored definition (connections have their own table), so it
/// is never serialized; `Debug` hides the password.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    pub kind: CalendarKind,
    /// CalDAV: a calendar collection, or a principal/home. ICS: the feed (`webcal://` too).
    pub url: String,
    #[serde(default)]
    pub username: Option<String>,
    /// The environment variable holding the password (read at start).
    #[serde(default)]
    pub password_env: Option<String>,
    /// The password itself (prefer `password_env`, which keeps it out of the file).
    #[serde(default)]
    pub password: Option<String>,
    /// Read busy time from it.
    #[serde(default = "default_true")]
    pub busy: bool,
    /// Put confirmed bookings into it (CalDAV only; at most one per host).
    #[serde(default)]
    pub write: bool,
    /// Minutes between syncs; default 5 for CalDAV, 15 for ICS.
    #[serde(default)]
    pub refresh_minutes: Option<u32>,
    /// All-day events block the whole day (in the host's zone).
    #[serde(default = "default_true")]
    pub all_day_busy: bool,
}

impl CalendarConfig {
    /// Minutes between syncs, the kind's default filled in.
    pub fn refresh_minutes(&self) -> u32 {
        self.refresh_minutes
            .unwrap_or_else(|| self.kind.default_refresh_minutes())
    }
}

impl fmt::Debug for CalendarConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CalendarConfig")
            .field("kind", &self.kind)
            .field("url", &crate::calendars::display_url(self.kind, &self.url))
            .field("username", &self.username)
            .field("password_env", &self.password_env)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("busy", &self.busy)
            .field("write", &self.write)
            .field("refresh_minutes", &self.refresh_minutes)
            .field("all_day_busy", &self.all_day_busy)
            .finish()
    }
}

fn default_true() -> bool {
    true
}

/// The operator side (`/admin`, `/api/v1`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// How long a sign-in lasts.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
    /// Failed sign-ins per (account name, client address) before that pair must wait.
    #[serde(default = "default_max_failed_logins")]
    pub max_failed_logins: u32,
    /// The first wait of such a pair; it doubles with each further failure (up to a day).
    #[serde(default = "default_lockout_minutes")]
    pub lockout_minutes: u32,
    /// Sign-in attempts per client IP per minute.
    #[serde(default = "default_login_per_minute")]
    pub login_per_minute: u32,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            session_hours: default_session_hours(),
            max_failed_logins: default_max_failed_logins(),
            lockout_minutes: default_lockout_minutes(),
            login_per_minute: default_login_per_minute(),
        }
    }
}

fn default_session_hours() -> u32 {
    12
}

fn default_max_failed_logins() -> u32 {
    5
}

fn default_lockout_minutes() -> u32 {
    15
}

fn default_login_per_minute() -> u32 {
    10
}

/// Where `/metrics` is served: behind a bearer token on the main address, and/or on a
/// separate (private) listen address. With neither, metrics are off.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub listen: Option<String>,
}

/// One address or several.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Addresses {
    One(String),
    Many(Vec<String>),
}

impl Addresses {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Addresses::One(address) => vec![address.clone()],
            Addresses::Many(addresses) => addresses.clone(),
        }
    }
}

/// Email: SMTP (or an outbox folder), senders, and reminders.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// lettre's URL form, e.g. `smtp://user:pass@smtp.example.com:587?tls=required`.
    /// Unset: messages are written as `.eml` files to `outbox_dir`.
    #[serde(default)]
    pub smtp_url: Option<String>,
    #[serde(default = "default_from")]
    pub from: String,
    #[serde(default)]
    pub ops_inbox: Option<Addresses>,
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Before the start of confirmed bookings, e.g. `["24h", "1h"]`.
    #[serde(default = "default_reminders")]
    pub reminders: Vec<String>,
    #[serde(default = "default_outbox")]
    pub outbox_dir: String,
    /// A folder whose files override the built-in email templates of the same name.
    #[serde(default)]
    pub templates_dir: Option<String>,
    /// Attempts before a message is marked dead.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// First retry delay; doubled on every further attempt (capped at an hour).
    #[serde(default = "default_retry_base")]
    pub retry_base_seconds: u64,
    /// Hard deadline of one SMTP delivery attempt, all of it: connect, greeting, TLS,
    /// AUTH, every command and the data. At the deadline the attempt fails (retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_seconds: u64,
    /// Most deliveries in flight at once (and SMTP connections kept for reuse).
    #[serde(default = "default_mail_concurrency")]
    pub concurrency: usize,
    /// How long a worker holds a claimed job before another instance may take it over.
    #[serde(default = "default_lease")]
    pub lease_seconds: u64,
}

fn default_lease() -> u64 {
    300
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: default_from(),
            ops_inbox: None,
            reply_to: None,
            reminders: default_reminders(),
            outbox_dir: default_outbox(),
            templates_dir: None,
            max_attempts: default_max_attempts(),
            retry_base_seconds: default_retry_base(),
            timeout_seconds: default_smtp_timeout(),
            concurrency: default_mail_concurrency(),
            lease_seconds: default_lease(),
        }
    }
}

fn default_from() -> String {
    "openslot <bookings@localhost>".into()
}

fn default_reminders() -> Vec<String> {
    vec!["24h".into(), "1h".into()]
}

fn default_outbox() -> String {
    "outbox".into()
}

fn default_max_attempts() -> u32 {
    10
}

fn default_retry_base() -> u64 {
    30
}

fn default_smtp_timeout() -> u64 {
    30
}

fn default_mail_concurrency() -> usize {
    4
}

/// Parses a duration such as `24h`, `90m`, `2d`, `1h30m` into seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let value: i64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(value.checked_mul(unit)?)?;
    }
    if !number.is_empty() {
        return None;
    }
    (total > 0).then_some(total)
}

/// How the public pages look.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingConfig {
    /// Organisation name shown in the header (defaults to the host name).
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    /// Accent colour as `#rrggbb`.
    #[serde(default = "default_accent")]
    pub accent_color: String,
    #[serde(default)]
    pub intro: Option<String>,
    #[serde(default)]
    pub footer_links: Vec<FooterLink>,
    /// The language of a visitor who asks for none we speak (no `?lang=`, no language
    /// cookie, no supported `Accept-Language`), and of operations mail without a host
    /// locale.
    #[serde(default)]
    pub default_locale: crate::i18n::Locale,
}

impl Default for BrandingConfig {
    fn default() -> Self {
        BrandingConfig {
            organisation: None,
            logo_url: None,
            accent_color: default_accent(),
            intro: None,
            footer_links: Vec::new(),
            default_locale: crate::i18n::Locale::default(),
        }
    }
}

fn default_accent() -> String {
    "#1f5fbf".into()
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    pub label: String,
    pub url: String,
}

/// Abuse limits on public write endpoints.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Booking and contact submissions per client IP per minute; 0 turns the limit off.
    #[serde(default = "default_booking_per_minute")]
    pub booking_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            booking_per_minute: default_booking_per_minute(),
        }
    }
}

fn default_booking_per_minute() -> u32 {
    20
}

/// Keys for signed tokens. Without a secret one is generated on first start and kept in
/// the database.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    #[serde(default)]
    pub secret: Option<String>,
    /// Earlier secrets, still accepted when verifying (for rotation).
    #[serde(default)]
    pub previous_secrets: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    #[serde(default = "default_listen")]
    pub listen: String,
    #[serde(default)]
    pub public_url: Option<String>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Proxies (IP addresses or CIDR ranges) whose `X-Forwarded-For` is believed.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Seconds in-flight requests get to finish after SIGTERM.
    #[serde(default = "default_shutdown_grace")]
    pub shutdown_grace_seconds: u64,
    /// Seconds a client gets to send a request's headers (from its first byte).
    #[serde(default = "default_header_timeout")]
    pub header_timeout_seconds: u64,
    /// Seconds a client gets to send a whole request body (from the end of its headers).
    #[serde(default = "default_body_timeout")]
    pub body_timeout_seconds: u64,
    /// Seconds a keep-alive connection may sit without a request before it is closed.
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_seconds: u64,
    /// Open client connections per listener; further connections wait to be accepted.
    #[serde(default = "default_server_max_connections")]
    pub max_connections: u32,
    /// The time-zone database: `"newest"` (system or bundled, whichever is newer),
    /// `"system"` (`TZDIR` or /usr/share/zoneinfo) or `"bundled"`.
    #[serde(default = "default_tzdb")]
    pub tzdb: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: default_listen(),
            public_url: None,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            shutdown_grace_seconds: default_shutdown_grace(),
            header_timeout_seconds: default_header_timeout(),
            body_timeout_seconds: default_body_timeout(),
            idle_timeout_seconds: default_idle_timeout(),
            max_connections: default_server_max_connections(),
            tzdb: default_tzdb(),
        }
    }
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

fn default_shutdown_grace() -> u64 {
    30
}

fn default_header_timeout() -> u64 {
    10
}

fn default_body_timeout() -> u64 {
    30
}

fn default_idle_timeout() -> u64 {
    60
}

fn default_server_max_connections() -> u32 {
    10_000
}

fn default_tzdb() -> String {
    "newest".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    #[serde(default = "default_database_url")]
    pub url: String,
    /// SQLite: `"full"` (fsync every commit, the default) or `"normal"`.
    #[serde(default = "default_synchronous")]
    pub synchronous: String,
    /// SQLite reader connections.
    #[serde(default = "default_readers")]
    pub readers: u32,
    /// How often (seconds) cached busy times are reloaded from the database, to see
    /// bookings written by other processes.
    #[serde(default = "default_busy_refresh")]
    pub busy_refresh_seconds: u64,
    /// PostgreSQL: connections per instance.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
    /// PostgreSQL: statements running longer than this are cancelled.
    #[serde(default = "default_statement_timeout")]
    pub statement_timeout_ms: u64,
    /// PostgreSQL: longest wait for a pooled connection, opening a new one included.
    #[serde(default = "default_acquire_timeout")]
    pub acquire_timeout_ms: u64,
    /// PostgreSQL: client-side deadline on each database call; past it the request gets
    /// 503 `store_unavailable` and the connection is closed (a vanished database host).
    #[serde(default = "default_call_timeout")]
    pub call_timeout_ms: u64,
}

fn default_max_connections() -> u32 {
    10
}

fn default_statement_timeout() -> u64 {
    5000
}

fn default_acquire_timeout() -> u64 {
    5000
}

fn default_call_timeout() -> u64 {
    10_000
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: default_database_url(),
            synchronous: default_synchronous(),
            readers: default_readers(),
            busy_refresh_seconds: default_busy_refresh(),
            max_connections: default_max_connections(),
            statement_timeout_ms: default_statement_timeout(),
            acquire_timeout_ms: default_acquire_timeout(),
            call_timeout_ms: default_call_timeout(),
        }
    }
}

fn default_database_url() -> String {
    "sqlite://openslot.db".into()
}

fn default_synchronous() -> String {
    "full".into()
}

fn default_readers() -> u32 {
    4
}

fn default_busy_refresh() -> u64 {
    5
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    #[serde(default = "default_host_name")]
    pub name: String,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            name: default_host_name(),
        }
    }
}

fn default_host_name() -> String {
    "openslot demo".into()
}

/// Settings every event type inherits.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_hours")]
    pub hours: Vec<String>,
    #[serde(default = "default_weekdays")]
    pub weekdays: Vec<String>,
    #[serde(default = "default_lookahead")]
    pub lookahead_days: u32,
    #[serde(default = "default_lead")]
    pub min_lead_minutes: u32,
    #[serde(default = "default_mode")]
    pub mode: String,
    /// Invitees may cancel or reschedule until this many hours before the start.
    #[serde(default)]
    pub change_cutoff_hours: u32,
    /// Requests the host has not answered within this many hours expire (0: never).
    #[serde(default = "default_request_expiry")]
    pub request_expiry_hours: u32,
    /// Round robin: bookings of the last this many days count towards each host's share.
    #[serde(default = "default_fairness_window")]
    pub fairness_window_days: u32,
}

fn default_fairness_window() -> u32 {
    30
}

fn default_request_expiry() -> u32 {
    72
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timezone: default_timezone(),
            hours: default_hours(),
            weekdays: default_weekdays(),
            lookahead_days: default_lookahead(),
            min_lead_minutes: default_lead(),
            mode: default_mode(),
            change_cutoff_hours: 0,
            request_expiry_hours: default_request_expiry(),
            fairness_window_days: default_fairness_window(),
        }
    }
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_hours() -> Vec<String> {
    vec!["09:00-17:00".into()]
}

fn default_weekdays() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .into_iter()
        .map(String::from)
        .collect()
}

fn default_lookahead() -> u32 {
    21
}

fn default_lead() -> u32 {
    120
}

fn default_mode() -> String {
    "request".into()
}

/// One `[[event_types]]` entry; unset keys inherit from `[defaults]`.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[schema(as = EventTypeDefinition)]
#[serde(deny_unknown_fields)]
pub struct EventTypeConfig {
    #[schema(pattern = "^[a-z0-9-]{1,64}$")]
    pub slug: String,
    pub title: String,
    pub duration_minutes: u32,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub slot_step_minutes: Option<u32>,
    #[serde(default)]
    pub buffer_before_minutes: Option<u32>,
    #[serde(default)]
    pub buffer_after_minutes: Option<u32>,
    #[serde(default)]
    pub max_per_day: Option<u32>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub hours: Option<Vec<String>>,
    #[serde(default)]
    pub weekdays: Option<Vec<String>>,
    #[serde(default)]
    pub lookahead_days: Option<u32>,
    #[serde(default)]
    pub min_lead_minutes: Option<u32>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub change_cutoff_hours: Option<u32>,
    #[serde(default)]
    pub request_expiry_hours: Option<u32>,
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
    #[serde(default)]
    pub questions: Vec<QuestionConfig>,
    /// Host ids; unset: every host (with one host, that one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<String>>,
    /// `round_robin` (default) or `collective`; ignored with one host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<String>,
    /// Round robin: each host's relative share (default 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness_window_days: Option<u32>,
}

/// One `[[hosts]]` entry: a person bookings are made with. Unset keys inherit from
/// `[defaults]`; the database stores the same shape (every key written out).
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[schema(as = HostDefinition)]
#[serde(deny_unknown_fields)]
pub struct HostEntryConfig {
    #[schema(pattern = "^[a-z0-9-]{1,64}$")]
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Vec<String>>,
    /// Bookings per day in the host's zone, across all event types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_day: Option<u32>,
    /// The language of the host's booking e-mails (BCP 47 tag, one of the supported
    /// locales); `[branding] default_locale` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "de")]
    pub locale: Option<crate::i18n::Locale>,
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
    #[serde(default)]
    pub time_off: Vec<TimeOffConfig>,
    /// Connected calendars. Read from the configuration file only: never written into the
    /// stored definition (connections live in their own table), and absent from
    /// definitions stored before calendars existed.
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub calendars: Vec<CalendarConfig>,
}

/// Whole days off, `from` to `to` inclusive, in the host's zone.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffConfig {
    pub from: String,
    pub to: String,
}

/// A custom question on the booking form.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionConfig {
    /// Key the answer is stored under (defaults to a slug of the label).
    #[serde(default)]
    pub id: Option<String>,
    pub label: String,
    /// `text`, `textarea`, `select` or `phone`.
    #[serde(default = "default_question_kind")]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    /// Choices for `select`.
    #[serde(default)]
    pub options: Vec<String>,
}

fn default_question_kind() -> String {
    "text".into()
}

/// Hours for one date that replace the weekly hours (`hours = []` closes the date).
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    pub date: String,
    pub hours: Vec<String>,
}

/// A configuration problem, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file (or `<defaults>` / `<environment>`).
    pub source: String,
    /// The key, e.g. `event_types[1].hours[0]`; empty for a syntax error.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(f, "{}: `{}`: {}", self.source, self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// A loaded configuration and where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    pub source: String,
    /// Directory relative SQLite paths are resolved against (the working directory).
    pub base_dir: Option<PathBuf>,
}

impl Config {
    /// Reads `path` (or the built-in defaults when `None`) and applies the environment.
    pub fn load(path: Option<&Path>) -> Result<Loaded, ConfigError> {
        let (mut config, source) = match path {
            Some(path) => {
                let source = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
                    source: source.clone(),
                    key: String::new(),
                    message: format!("cannot read the file: {err}"),
                })?;
                (Self::parse(&text, &source)?, source)
            }
            None => (Config::default(), "<defaults>".to_string()),
        };
        config.apply_env(std::env::vars())?;
        Ok(Loaded {
            config,
            source,
            base_dir: None,
        })
    }

    /// Parses TOML text; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|err: toml::de::Error| ConfigError {
            source: source.to_string(),
            key: String::new(),
            message: err.to_string().trim_end().to_string(),
        })
    }

    /// Applies `OPENSLOT_LISTEN`, `OPENSLOT_PUBLIC_URL`, `OPENSLOT_DATABASE_URL` and
    /// `OPENSLOT_ALLOWED_ORIGINS` (comma-separated).
    pub fn apply_env(
        &mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), ConfigError> {
        for (name, value) in vars {
            match name.as_str() {
                "OPENSLOT_LISTEN" => self.server.listen = value,
                "OPENSLOT_PUBLIC_URL" => self.server.public_url = Some(value),
                "OPENSLOT_DATABASE_URL" => self.database.url = value,
                "OPENSLOT_SECRET" => self.security.secret = Some(value),
                "OPENSLOT_SMTP_URL" => self.mail.smtp_url = Some(value),
                "OPENSLOT_ALLOWED_ORIGINS" => {
                    self.server.allowed_origins = value
                        .split(',')
                        .map(str::trim)
                        .filter(|origin| !origin.is_empty())
                        .map(String::from)
                        .collect()
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The address to listen on.
    pub fn listen_addr(&self, source: &str) -> Result<SocketAddr, ConfigError> {
        self.server.listen.parse().map_err(|_| ConfigError {
            source: source.to_string(),
            key: "server.listen".into(),
            message: format!(
                "{:?} is not an address such as \"127.0.0.1:8080\"",
                self.server.listen
            ),
        })
    }

    /// The URL the service is reached at, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.server.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.server.listen),
        }
    }
}
