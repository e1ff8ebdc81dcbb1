//! The shapes every calendar provider answers in, so the sync engine is written once.

use std::fmt;

use jiff::Timestamp;

/// Where a calendar is and how to sign in to it.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl fmt::Debug for Endpoint {
    // A password must never reach a log line, even through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// One calendar object as the server holds it: a CalDAV resource, or a whole ICS feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The resource's address (CalDAV href; the feed's URL for a feed).
    pub href: String,
    pub etag: Option<String>,
    /// The iCalendar text.
    pub ics: String,
}

/// What a fetch found, relative to the cursor it was given.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetch {
    /// Nothing changed since the cursor.
    Unchanged { cursor: serde_json::Value },
    /// Changes. With `full`, `upserts` is everything the calendar holds now and anything
    /// stored that is not in it is gone; otherwise only the listed resources changed.
    Changed {
        cursor: serde_json::Value,
        full: bool,
        upserts: Vec<Resource>,
        removed: Vec<String>,
    },
}

/// An event this service wrote into a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub href: String,
    pub etag: Option<String>,
}

/// Why a calendar call failed. Everything except [`CalendarError::Auth`] and
/// [`CalendarError::Protocol`] is worth retrying.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("no answer within {0} ms")]
    Timeout(u64),
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("sign-in refused (HTTP {0})")]
    Auth(u16),
    #[error("HTTP {status}: {detail}")]
    Status { status: u16, detail: String },
    /// The event changed on the server since we last wrote it (HTTP 412).
    #[error("changed on the server meanwhile")]
    Conflict,
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The provider refused a refresh token or an authorization code (OAuth `invalid_grant`):
    /// only the user signing in again helps.
    #[error("sign-in no longer valid: {0}")]
    InvalidGrant(String),
    /// The provider asked us to slow down (HTTP 429 or 503, or Google's 403 rate-limit
    /// reasons); `Retry-After` when it said, else 30 seconds.
    #[error("rate limited: retry after {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u64 },
}

impl CalendarError {
    /// Whether trying again later may succeed.
    pub fn transient(&self) -> bool {
        !matches!(
            self,
            CalendarError::Auth(_) | CalendarError::Protocol(_) | CalendarError::InvalidGrant(_)
        )
    }

    /// Seconds the provider asked us to wait before the next call, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            CalendarError::RateLimited {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        }
    }
}

/// A calendar of an OAuth account (Google calendarList entry, Graph calendar), offered to
/// the host to pick from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemoteCalendar {
    /// The provider's calendar id (stored as the connection's `url`).
    pub id: String,
    pub name: String,
    /// The account's main calendar (Google `primary`, Graph `isDefaultCalendar`).
    pub primary: bool,
    /// Whether the account may write events into it (Google owner/writer, Graph `canEdit`).
    pub writable: bool,
    /// IANA zone, where the provider says (Google does; Graph calendars carry none).
    pub time_zone: Option<String>,
}

/// An event this service writes into a Google or Microsoft calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventInput {
    pub summary: String,
    /// Plain text.
    pub description: String,
    pub location: Option<String>,
    pub start: Timestamp,
    pub end: Timestamp,
    /// IANA zone the event is shown in (the host's); an unknown name falls back to UTC.
    pub time_zone: String,
    /// `(email, display name)` of each attendee.
    pub attendees: Vec<(String, String)>,
    /// Ask the provider for a video meeting (Google Meet, Microsoft Teams).
    pub conference: bool,
    /// Idempotency key of the conference request (Google `createRequest.requestId`): the same
    /// value on every write of one booking, so a retry never makes a second meeting.
    pub request_id: String,
}

/// What the provider answered for an event we wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenEvent {
    /// The provider's event id (goes into `calendar_writes.href`).
    pub id: String,
    pub etag: Option<String>,
    /// The join URL of the Meet / Teams meeting, once the provider made one.
    pub meeting_url: Option<String>,
}
