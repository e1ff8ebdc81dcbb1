//! Changes to bookings, shared by every way in: the invitee's signed link, the host's
//! approve/decline link, the admin pages and the admin API. Each change is one store call
//! (the database decides conflicts), queues its mail in the same transaction, and is
//! written to the audit log with who made it.

use axum::http::StatusCode;
use jiff::Timestamp;
use openslot_engine::{check_start, DayCounts, Rejection};
use openslot_store::{
    AuditEntry, Booking, BookingChange, BookingStatus, ChangeOutcome, StoreError,
};
use serde_json::{json, Value};

use crate::{
    busy_cache::Without,
    catalog::EventType,
    http::{
        availability::{busy_in_window, busy_within},
        error::ApiError,
    },
    state::AppState,
    validate::FieldErrors,
};

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
    state: &AppState,
    actor: &Actor,
    action: &str,
    target: String,
    before: Option<Value>,
    after: Option<Value>,
) {
    let entry = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: state.clock.now().as_second(),
        actor: actor.label(),
        action: action.to_string(),
        target,
        before,
        after,
    };
    if let Err(err) = state.store.append_audit(&entry).await {
        tracing::error!(error = %err, action, "audit entry not written");
    }
}

/// Whether the invitee may still change the booking at `now`.
pub fn can_change(event: Option<&EventType>, booking: &Booking, now: Timestamp) -> bool {
    let cutoff = event.map_or(0, |event| i64::from(event.change_cutoff_hours)) * 3600;
    now.as_second() < booking.start.as_second() - cutoff
}

pub fn too_late() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "change_window_closed",
        "it is too late to change this booking online; please contact us",
    )
}

pub fn not_active(booking: &Booking) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "booking_not_active",
        format!(
            "this booking is {} and can no longer be changed",
            booking.status.as_str()
        ),
    )
}

fn no_booking() -> ApiError {
    ApiError::not_found("booking_not_found", "there is no such booking")
}

async fn changed(state: &AppState, actor: &Actor, action: &str, before: &Booking, after: &Booking) {
    tracing::info!(
        booking_id = %after.id,
        status = after.status.as_str(),
        by = actor.kind(),
        action,
        "booking changed"
    );
    state.jobs_wake.notify_one();
    audit(
        state,
        actor,
        action,
        format!("booking:{}", after.id),
        Some(snapshot(before)),
        Some(snapshot(after)),
    )
    .await;
}

/// Cancels an active booking (a second cancel is harmless and returns it unchanged).
pub async fn cancel(
    state: &AppState,
    booking: Booking,
    reason: Option<String>,
    actor: &Actor,
) -> Result<Booking, ApiError> {
    if !booking.status.is_active() {
        return Ok(booking);
    }
    let now = state.clock.now();
    if actor.bound_by_cutoff() {
        let catalog = state.catalog.load();
        if !can_change(catalog.get(&booking.event_slug), &booking, now) {
            return Err(too_late());
        }
    }
    let jobs = state
        .notifier
        .jobs_for_end(&booking.id, BookingStatus::Cancelled, now);
    let change = BookingChange::End {
        status: BookingStatus::Cancelled,
        reason,
    };
    match state
        .store
        .change_booking(&booking.id, change, jobs, now)
        .await?
    {
        Some(ChangeOutcome::Changed(after)) => {
            changed(state, actor, "booking.cancel", &booking, &after).await;
            state.busy.apply(&after);
            Ok(after)
        }
        Some(ChangeOutcome::Unchanged(current)) => Ok(current),
        None => Err(no_booking()),
    }
}

/// Busy time and day counts for moving `booking` anywhere in its event type's window (its
/// own time does not block the move).
pub fn availability_without(
    state: &AppState,
    event: &EventType,
    booking: &Booking,
) -> (openslot_engine::BusyTimes, DayCounts) {
    busy_in_window(state, event, state.clock.now(), Some(held_by(booking)))
}

/// The hold of `booking`, to leave out when moving it.
fn held_by(booking: &Booking) -> Without {
    Without {
        span: (booking.blocked_start, booking.blocked_end),
        start: booking.start,
    }
}

/// Parses the `start` of a reschedule request.
pub fn parse_start(value: Option<&Value>) -> Result<Timestamp, ApiError> {
    match value {
        Some(Value::String(text)) => text.trim().parse::<Timestamp>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        let mut errors = FieldErrors::new();
        errors.insert(
            "start".into(),
            "pick a new time (an RFC 3339 date-time)".into(),
        );
        ApiError::validation(errors)
    })
}

/// Moves an active booking to another offered slot of its event type.
pub async fn reschedule(
    state: &AppState,
    booking: Booking,
    start: Timestamp,
    actor: &Actor,
) -> Result<Booking, ApiError> {
    if !booking.status.is_active() {
        return Err(not_active(&booking));
    }
    let catalog = state.catalog.load();
    let Some(event) = catalog.get(&booking.event_slug) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "event_not_found",
            "this meeting type is no longer offered; please contact us",
        ));
    };
    let now = state.clock.now();
    if actor.bound_by_cutoff() && !can_change(Some(event), &booking, now) {
        return Err(too_late());
    }
    if start == booking.start {
        return Ok(booking);
    }
    let lookup = openslot_engine::check_lookup(&event.rules, start);
    let (busy, counts) = busy_within(state, event, &lookup, Some(held_by(&booking)));
    let slot = check_start(&event.schedule, &event.rules, &busy, &counts, start, now).map_err(
        |rejection| match rejection {
            Rejection::Busy => ApiError::from(StoreError::Overlap),
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "slot_unavailable",
                format!("{other}; pick one of the offered times"),
            ),
        },
    )?;
    let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
    let day_cap = event.day_cap(slot.start);
    let mut moved = booking.clone();
    moved.start = slot.start;
    moved.end = slot.end;
    let jobs = state.notifier.jobs_for_move(&moved, now);
    let change = BookingChange::Move {
        start: slot.start,
        end: slot.end,
        blocked_start,
        blocked_end,
        day_cap,
        host_caps: Vec::new(),
    };
    match state
        .store
        .change_booking(&booking.id, change, jobs, now)
        .await
    {
        Ok(Some(ChangeOutcome::Changed(after))) => {
            changed(state, actor, "booking.reschedule", &booking, &after).await;
            state.busy.apply(&after);
            Ok(after)
        }
        Ok(Some(ChangeOutcome::Unchanged(current))) => Err(not_active(&current)),
        Ok(None) => Err(no_booking()),
        Err(StoreError::Overlap) => {
            state.refresh_busy().await;
            Err(StoreError::Overlap.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// Approves or declines a request. Returns the booking and whether this call changed it
/// (answering the same way twice is harmless).
pub async fn answer(
    state: &AppState,
    booking: Booking,
    approve: bool,
    message: Option<String>,
    actor: &Actor,
) -> Result<(Booking, bool), ApiError> {
    let target = if approve {
        BookingStatus::Confirmed
    } else {
        BookingStatus::Declined
    };
    if booking.status == target {
        return Ok((booking, false));
    }
    if booking.status != BookingStatus::Requested {
        return Err(not_active(&booking));
    }
    let now = state.clock.now();
    let (change, jobs) = if approve {
        let mut confirmed = booking.clone();
        confirmed.status = BookingStatus::Confirmed;
        (
            BookingChange::Confirm,
            state.notifier.jobs_for_confirm(&confirmed, now),
        )
    } else {
        (
            BookingChange::End {
                status: BookingStatus::Declined,
                reason: message,
            },
            state
                .notifier
                .jobs_for_end(&booking.id, BookingStatus::Declined, now),
        )
    };
    match state
        .store
        .change_booking(&booking.id, change, jobs, now)
        .await?
    {
        Some(ChangeOutcome::Changed(after)) => {
            let action = if approve {
                "booking.approve"
            } else {
                "booking.decline"
            };
            changed(state, actor, action, &booking, &after).await;
            state.busy.apply(&after);
            Ok((after, true))
        }
        Some(ChangeOutcome::Unchanged(current)) if current.status == target => Ok((current, false)),
        Some(ChangeOutcome::Unchanged(current)) => Err(not_active(&current)),
        None => Err(no_booking()),
    }
}
