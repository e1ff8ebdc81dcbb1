//! The shapes every calendar provider answers in, so the sync engine is written once.

use std::fmt;

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
}

impl CalendarError {
    /// Whether trying again later may succeed.
    pub fn transient(&self) -> bool {
        !matches!(self, CalendarError::Auth(_) | CalendarError::Protocol(_))
    }
}
