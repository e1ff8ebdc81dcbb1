//! Plain data the store reads and writes.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Awaiting the host's confirmation; holds the slot.
    Requested,
    /// Confirmed; holds the slot.
    Confirmed,
    Cancelled,
    Declined,
    Expired,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Requested => "requested",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Declined => "declined",
            BookingStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "requested" => BookingStatus::Requested,
            "confirmed" => BookingStatus::Confirmed,
            "cancelled" => BookingStatus::Cancelled,
            "declined" => BookingStatus::Declined,
            "expired" => BookingStatus::Expired,
            _ => return None,
        })
    }

    /// Whether a booking in this status holds its time.
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Requested | BookingStatus::Confirmed)
    }
}

/// A cap on active bookings starting within one day of a host's zone: of one event type
/// ([`NewBooking::day_cap`], counted per host held) or of all event types
/// ([`HostHold::day_cap`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayCap {
    /// First instant of the day (Unix seconds).
    pub day_start: i64,
    /// First instant of the next day (Unix seconds).
    pub day_end: i64,
    /// Most active bookings allowed to start in the day.
    pub max: u32,
}

/// A host a booking may hold, with the host's own cap across event types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostHold {
    pub host_id: String,
    pub day_cap: Option<DayCap>,
}

impl HostHold {
    /// A host without a cap of its own.
    pub fn uncapped(host_id: impl Into<String>) -> Self {
        HostHold {
            host_id: host_id.into(),
            day_cap: None,
        }
    }
}

/// Which hosts a new booking holds. Decided inside the booking's transaction, so
/// concurrent bookings never both take one host's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assign {
    /// The first host, in this order, with no overlapping active hold and room under its
    /// caps (round robin; a single host is `FirstFree` of one).
    FirstFree(Vec<HostHold>),
    /// Every host, or none (collective). The first is the assigned host.
    All(Vec<HostHold>),
}

impl Assign {
    /// One host, no cap of its own.
    pub fn single(host_id: impl Into<String>) -> Self {
        Assign::FirstFree(vec![HostHold::uncapped(host_id)])
    }

    /// The candidate hosts, in order.
    pub fn hosts(&self) -> &[HostHold] {
        match self {
            Assign::FirstFree(hosts) | Assign::All(hosts) => hosts,
        }
    }
}

/// A booking to be stored.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub id: String,
    /// Which hosts it holds; the one assigned becomes [`Booking::host_id`].
    pub assign: Assign,
    pub event_slug: String,
    pub status: BookingStatus,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Start of the time held, buffer before included (Unix seconds).
    pub blocked_start: i64,
    /// End of the time held, buffer after included (Unix seconds).
    pub blocked_end: i64,
    pub name: String,
    pub email: String,
    pub timezone: Option<String>,
    /// The invitee's language (a BCP 47 tag the server supports): their later e-mails use it.
    pub locale: Option<String>,
    pub notes: Option<String>,
    pub answers: serde_json::Value,
    pub created_at: Timestamp,
    /// The event type's cap, checked for each host held.
    pub day_cap: Option<DayCap>,
    /// Side effects to queue in the same transaction, if the booking is stored.
    pub jobs: Vec<NewJob>,
}

/// A stored booking. Serializable so a job can carry the booking as it was when the job
/// was queued ([`NewJob::embed_booking`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    pub id: String,
    /// The assigned host (collective: the first of [`Booking::hosts`]).
    pub host_id: String,
    /// Every host the booking holds, the assigned one first.
    pub hosts: Vec<String>,
    pub event_slug: String,
    pub status: BookingStatus,
    pub start: Timestamp,
    pub end: Timestamp,
    pub blocked_start: i64,
    pub blocked_end: i64,
    pub name: String,
    pub email: String,
    pub timezone: Option<String>,
    /// The invitee's language tag; `None` for bookings made before it was kept (their mail
    /// goes out in the default locale).
    #[serde(default)]
    pub locale: Option<String>,
    pub notes: Option<String>,
    pub answers: serde_json::Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// iCalendar SEQUENCE: bumped on every change of the booking.
    pub sequence: u32,
    /// The invitee's reason for cancelling, or the host's message when declining.
    pub status_reason: Option<String>,
    /// The start before the last reschedule.
    pub previous_start: Option<Timestamp>,
    /// When the booking became confirmed (at creation for instant bookings, at approval
    /// for requests); kept after a later cancellation, for funnels.
    pub confirmed_at: Option<Timestamp>,
    /// The join URL of the online meeting (Meet, Teams) a calendar write got for it.
    pub meeting_url: Option<String>,
}

/// The part of an active booking availability needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveBooking {
    pub id: String,
    pub event_slug: String,
    pub start: Timestamp,
    pub blocked_start: i64,
    pub blocked_end: i64,
}

/// What fairness needs of one host's bookings of an event type (round robin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostBookingStat {
    pub host_id: String,
    /// Bookings assigned to the host, in any status, created in the window.
    pub bookings: i64,
    /// When the latest of them was created (Unix seconds).
    pub last_created_at: i64,
}

/// An idempotency key and a fingerprint of the request it came with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyClaim {
    pub key: String,
    pub fingerprint: String,
}

/// What `create_booking` did.
#[derive(Clone, Debug, PartialEq)]
pub enum CreateOutcome {
    /// A new booking was stored.
    Created(Booking),
    /// The idempotency key was seen before; this is the booking it created.
    Replayed(Booking),
}

/// A contact-form message to be stored.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub id: String,
    pub host_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    pub preferred_times: Option<String>,
    pub created_at: Timestamp,
    /// Side effects to queue in the same transaction.
    pub jobs: Vec<NewJob>,
}

/// A stored contact-form message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactMessage {
    pub id: String,
    pub host_id: String,
    pub name: String,
    pub email: String,
    pub message: String,
    pub preferred_times: Option<String>,
    pub created_at: Timestamp,
}

impl From<NewContact> for ContactMessage {
    fn from(new: NewContact) -> Self {
        let _ = &new.jobs;
        ContactMessage {
            id: new.id,
            host_id: new.host_id,
            name: new.name,
            email: new.email,
            message: new.message,
            preferred_times: new.preferred_times,
            created_at: new.created_at,
        }
    }
}

/// A side effect to run later (an email, a calendar write, a webhook).
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    pub id: String,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Not before this instant (Unix seconds).
    pub run_at: i64,
    pub max_attempts: u32,
    /// The booking it concerns, so its pending jobs can be found (e.g. to drop reminders).
    pub booking_id: Option<String>,
    /// Jobs sharing a key run strictly one at a time, in the order they were queued: a
    /// job is not claimed while an earlier one of its key is queued (even if waiting for a
    /// retry) or running. A dead or cancelled job no longer holds the others back.
    pub order_key: Option<String>,
    /// The store writes the booking (`booking_id`) as committed by the same transaction
    /// into `payload["booking"]`, so the job sees the booking as it was at the change, not
    /// as it is when the job runs.
    pub embed_booking: bool,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            "cancelled" => JobState::Cancelled,
            _ => return None,
        })
    }
}

/// A stored job.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub run_at: i64,
    /// Attempts started so far (including the one a claim just began).
    pub attempts: u32,
    pub max_attempts: u32,
    pub last_error: Option<String>,
    pub booking_id: Option<String>,
    pub created_at: i64,
}

/// A change to an existing booking, applied atomically with its jobs.
#[derive(Clone, Debug, PartialEq)]
pub enum BookingChange {
    /// A request accepted by the host (`requested` → `confirmed`).
    Confirm,
    /// Leaves the active states, freeing the time: `Cancelled` (from requested or
    /// confirmed), `Declined` or `Expired` (from requested only).
    End {
        status: BookingStatus,
        reason: Option<String>,
    },
    /// Moves an active booking; the old time is freed and the new one taken together.
    Move {
        start: Timestamp,
        end: Timestamp,
        blocked_start: i64,
        blocked_end: i64,
        /// The event type's cap, checked for each host the booking holds.
        day_cap: Option<DayCap>,
        /// The hosts' own caps across event types at the new time (hosts the booking does
        /// not hold are ignored).
        host_caps: Vec<HostHold>,
    },
}

impl BookingChange {
    /// Whether the change applies to a booking in `status` (otherwise nothing is done).
    pub(crate) fn applies_to(&self, status: BookingStatus) -> bool {
        match self {
            BookingChange::Confirm => status == BookingStatus::Requested,
            BookingChange::End { status: to, .. } => match to {
                BookingStatus::Cancelled => status.is_active(),
                BookingStatus::Declined | BookingStatus::Expired => {
                    status == BookingStatus::Requested
                }
                _ => false,
            },
            BookingChange::Move { .. } => status.is_active(),
        }
    }
}

/// What `change_booking` did.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeOutcome {
    /// The change was applied; the booking as it is now.
    Changed(Booking),
    /// The booking is not in a state the change applies to; nothing was done.
    Unchanged(Booking),
}

/// A job's payload with `booking` set to the booking as stored (the object's other fields
/// kept; a payload that is not an object becomes `{"booking": …}`), as JSON text.
pub(crate) fn embed_booking(
    payload: &serde_json::Value,
    booking: &Booking,
) -> Result<String, crate::StoreError> {
    let booking = serde_json::to_value(booking)
        .map_err(|err| crate::StoreError::Corrupt(format!("booking {}: {err}", booking.id)))?;
    let mut payload = match payload {
        serde_json::Value::Object(fields) => fields.clone(),
        _ => serde_json::Map::new(),
    };
    payload.insert("booking".into(), booking);
    Ok(serde_json::Value::Object(payload).to_string())
}
