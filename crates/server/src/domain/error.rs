//! The one error type of every booking operation. The edge turns it into an HTTP answer in
//! one place (`http::error`); pages and the admin branch on its variants.

use openslot_engine::Rejection;
use openslot_store::{BookingStatus, StoreError};

use crate::validate::FieldErrors;

/// Why a booking operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// Fields of the request are missing or invalid (each named).
    #[error("some fields are missing or invalid")]
    Invalid(FieldErrors),
    /// No event type was named and none is offered.
    #[error("no event type is offered at the moment")]
    NoEventType,
    /// The named event type does not exist or is not bookable.
    #[error("there is no event type {0:?}")]
    UnknownEventType(String),
    /// The booking's event type was removed since it was booked.
    #[error("this meeting type is no longer offered; please contact us")]
    EventTypeWithdrawn,
    /// Someone else holds (part of) that time.
    #[error("that time has just been booked by someone else; please pick another")]
    SlotTaken,
    /// The time breaks one of the event type's rules (not offered, too soon, day full…).
    /// `moving` says whether an existing booking was being moved (the advice differs).
    #[error("{rejection}; {}", if *moving { "pick one of the offered times" } else { "pick one of the times GET /availability offers" })]
    SlotUnavailable { rejection: Rejection, moving: bool },
    /// The database refused the booking: the event type's daily limit is reached.
    #[error("that day is fully booked for this event type")]
    DayFull,
    /// The host asked for cannot take that time (or does not exist).
    #[error("host {0:?} cannot take that time; pick another time or host")]
    HostUnavailable(String),
    /// The invitee's change cutoff has passed.
    #[error("it is too late to change this booking online; please contact us")]
    ChangeWindowClosed,
    /// The booking has ended (or is not awaiting an answer) and cannot change that way.
    #[error("this booking is {} and can no longer be changed", .0.as_str())]
    NotActive(BookingStatus),
    #[error("there is no such booking")]
    NotFound,
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// The store failed (unavailable, timed out, or worse).
    #[error("store: {0}")]
    Store(StoreError),
}

impl From<StoreError> for BookingError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Overlap => BookingError::SlotTaken,
            StoreError::DayFull => BookingError::DayFull,
            StoreError::IdempotencyMismatch => BookingError::IdempotencyKeyReused,
            other => BookingError::Store(other),
        }
    }
}

impl BookingError {
    /// The error for a start the engine refused (`moving`: an existing booking's new time).
    pub fn unavailable(rejection: Rejection, moving: bool) -> Self {
        match rejection {
            Rejection::Busy => BookingError::SlotTaken,
            rejection => BookingError::SlotUnavailable { rejection, moving },
        }
    }
}
