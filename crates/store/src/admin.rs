//! Plain data for operating the service: admin users, their sessions and API tokens,
//! event types stored in the database, the audit log, booking queries for lists and
//! dashboards, and daily funnel counters.

use serde::Serialize;

use crate::BookingStatus;

/// An event type as stored: `definition` is the configuration-file entry as JSON (the
/// server's `EventTypeConfig`, with every default resolved), so the database holds
/// everything the config file can say.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEventType {
    pub slug: String,
    /// Order on the booking page (ascending; ties by slug).
    pub position: i64,
    pub definition: serde_json::Value,
    /// Disabled types are not bookable but keep their bookings.
    pub enabled: bool,
    pub updated_at: i64,
}

/// A host as stored: `definition` is the configuration-file entry as JSON (the server's
/// host config, with every default resolved), like [`StoredEventType`].
#[derive(Clone, Debug, PartialEq)]
pub struct StoredHost {
    pub id: String,
    /// Order in lists (ascending; ties by id).
    pub position: i64,
    pub definition: serde_json::Value,
    /// Disabled hosts get no new bookings but keep theirs.
    pub enabled: bool,
    pub updated_at: i64,
}

/// Someone who may sign in to `/admin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminUser {
    pub id: String,
    /// Lower-case e-mail address (unique).
    pub email: String,
    /// PHC string (argon2id).
    pub password_hash: String,
    /// Failed sign-ins since the last success or lockout.
    pub failed_logins: u32,
    /// Sign-in is refused until this instant (Unix seconds).
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// A host user sees and acts on only this host's bookings; `None`: an admin.
    pub host_id: Option<String>,
}

/// What a credential lets its bearer do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// A browser session (cookie), with a CSRF token for its forms.
    Session,
    /// A bearer token for `/api/v1`.
    ApiToken,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Session => "session",
            CredentialKind::ApiToken => "api_token",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "session" => Some(CredentialKind::Session),
            "api_token" => Some(CredentialKind::ApiToken),
            _ => None,
        }
    }
}

/// A session or API token. Only a hash of the secret is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    pub kind: CredentialKind,
    /// Hex SHA-256 of the secret the bearer presents (unique).
    pub token_hash: String,
    /// The admin user it belongs to (sessions) or who created it (API tokens).
    pub user_email: String,
    /// A label: the token's name; empty for sessions.
    pub name: String,
    /// The CSRF token of a session's forms; empty for API tokens.
    pub csrf: String,
    pub created_at: i64,
    /// No longer valid from this instant (Unix seconds); `None`: until revoked.
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// What an API token may do: scope names as the server spells them (`bookings:read`,
    /// ..., `admin`), stored space-separated; tokens from before scopes existed read as
    /// `["admin"]`. Empty for sessions.
    pub scopes: Vec<String>,
}

/// An entry for the audit log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: String,
    /// Unix seconds.
    pub at: i64,
    /// Who: `admin:EMAIL`, `token:NAME`, `invitee`, `host-link`, `system`.
    pub actor: String,
    /// What, e.g. `booking.cancel`, `event_type.update`, `job.retry`.
    pub action: String,
    /// What it was done to, e.g. `booking:ID`, `event_type:SLUG`, `job:ID`.
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Which bookings to list. Empty / `None` fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookingQuery {
    pub statuses: Vec<BookingStatus>,
    pub event_slug: Option<String>,
    /// Bookings holding this host.
    pub host_id: Option<String>,
    /// `start_at >= start_from` (Unix seconds).
    pub start_from: Option<i64>,
    /// `start_at < start_to`.
    pub start_to: Option<i64>,
    /// `created_at >= created_from`.
    pub created_from: Option<i64>,
    /// `created_at < created_to`.
    pub created_to: Option<i64>,
    /// Case-insensitive substring of the name or the e-mail address (taken literally:
    /// `%` and `_` are not wildcards).
    pub search: Option<String>,
    /// Newest start first instead of earliest first.
    pub descending: bool,
    /// At most this many rows (0: no limit).
    pub limit: u32,
    pub offset: u32,
}

/// Which instant of a booking [`crate::AdminStore::booking_buckets`] groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketBy {
    /// When it was made.
    Created,
    /// When the meeting starts.
    Start,
}

/// Bookings of one event type whose instant falls in one 15-minute bucket. Every time zone
/// in use today is offset from UTC by a multiple of 15 minutes, so buckets map exactly onto
/// local days and hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingBucket {
    pub event_slug: String,
    /// Start of the bucket (Unix seconds, a multiple of 900).
    pub at: i64,
    pub count: i64,
    /// Of those, how many were confirmed at some point (`confirmed_at` set).
    pub confirmed: i64,
}

/// Length of a [`BookingBucket`] in seconds.
pub const BUCKET_SECONDS: i64 = 900;

/// An amount to add to one daily counter (or, read back, its total).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterDelta {
    /// `YYYY-MM-DD` in the host's zone.
    pub day: String,
    pub event_slug: String,
    /// e.g. `page_view`, `availability`, `attempt`.
    pub metric: String,
    pub count: i64,
}
