//! The domain: every operation on bookings — create, cancel, reschedule, approve,
//! decline, expire — with typed inputs and one error type ([`BookingError`]), and the
//! seams where busy time ([`BusySource`]) and host choice ([`HostPicker`]) come from.
//!
//! Nothing here knows about HTTP: the edge (`http`, `web`, `admin`) parses requests into
//! these inputs, calls [`Domain`], and maps [`BookingError`] to its answers.

pub mod bookings;
pub mod busy;
pub mod error;
pub mod hosts;
pub mod kinds;

use std::sync::Arc;

use jiff::Timestamp;
use openslot_store::{AuditEntry, Booking, Store};
use serde_json::{json, Value};
use tokio::sync::Notify;

pub use bookings::{Answered, NewBookingRequest, Placed};
pub use busy::{BusySource, BusyVerifier, BusyView, NoCalendars, Verified, Without};
pub use error::BookingError;
pub use hosts::{Candidates, Collective, HostId, HostPicker, HostPlan, RoundRobin, TeamPicker};
pub use kinds::{JobKind, MailKind};

use crate::{catalog::EventType, clock::Clock, event_types::CatalogHandle, notify::Notifier};

/// The booking service: what every way in (API, pages, admin, worker) calls.
#[derive(Clone)]
pub struct Domain {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<CatalogHandle>,
    pub busy: Arc<dyn BusySource>,
    pub hosts: Arc<dyn HostPicker>,
    /// Asked about each host just before a booking holds it ([`NoCalendars`] when no
    /// calendars are connected).
    pub verifier: Arc<dyn BusyVerifier>,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<Notifier>,
    /// Wakes the worker when new jobs are written.
    pub jobs_wake: Arc<Notify>,
}

/// Who made a change (recorded in the audit log and the logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The invitee, through their signed manage link.
    Invitee,
    /// The host, through the signed link in the operations e-mail.
    HostLink,
    /// The service itself (expiry of unanswered requests).
    System,
    /// A signed-in admin user (their e-mail address).
    Admin(String),
    /// An API token (its name).
    Token(String),
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::Invitee => "invitee".into(),
            Actor::HostLink => "host-link".into(),
            Actor::System => "system".into(),
            Actor::Admin(email) => format!("admin:{email}"),
            Actor::Token(name) => format!("token:{name}"),
        }
    }

    /// The kind of actor, for logs (no address or token name).
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Invitee => "invitee",
            Actor::HostLink => "host-link",
            Actor::System => "system",
            Actor::Admin(_) => "admin",
            Actor::Token(_) => "token",
        }
    }

    /// Whether the invitee's change cutoff applies (operators may change any time).
    fn bound_by_cutoff(&self) -> bool {
        matches!(self, Actor::Invitee)
    }
}

/// What the audit log keeps of a booking.
pub fn snapshot(booking: &Booking) -> Value {
    json!({
        "status": booking.status.as_str(),
        "start": booking.start.to_string(),
        "end": booking.end.to_string(),
        "reason": booking.status_reason,
    })
}

/// Appends to the audit log; a failure is logged, not returned (the change is done).
pub async fn audit(
    store: &dyn Store,
    at: Timestamp,
    actor: &Actor,
    action: &str,
    target: String,
    before: Option<Value>,
    after: Option<Value>,
) {
    let entry = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: at.as_second(),
        actor: actor.label(),
        action: action.to_string(),
        target,
        before,
        after,
    };
    if let Err(err) = store.append_audit(&entry).await {
        tracing::error!(error = %err, action, "audit entry not written");
    }
}

/// Whether the invitee may still change the booking at `now`.
pub fn can_change(event: Option<&EventType>, booking: &Booking, now: Timestamp) -> bool {
    let cutoff = event.map_or(0, |event| i64::from(event.change_cutoff_hours)) * 3600;
    now.as_second() < booking.start.as_second() - cutoff
}

impl Domain {
    /// [`audit`] at the current time.
    pub async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: String,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        audit(
            self.store.as_ref(),
            self.clock.now(),
            actor,
            action,
            target,
            before,
            after,
        )
        .await;
    }
}
