//! The one place errors become HTTP responses: `{"error": {"code", "message", "fields"?}}`.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use openslot_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{domain::BookingError, validate::FieldErrors};

/// An error answer with a machine-readable code and a human message.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<FieldErrors>,
    /// Seconds for `Retry-After` on 429 and 503 answers.
    pub retry_after: Option<u64>,
    /// A `WWW-Authenticate` challenge (RFC 6750) for answers to bearer tokens.
    pub challenge: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: None,
            retry_after: None,
            challenge: None,
        }
    }

    pub fn with_challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    pub fn with_fields(mut self, fields: FieldErrors) -> Self {
        self.fields = Some(fields);
        self
    }

    pub fn validation(fields: FieldErrors) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "some fields are missing or invalid",
        )
        .with_fields(fields)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests from your address; try again in {seconds} seconds"),
        );
        error.retry_after = Some(seconds);
        error
    }

    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on our side; nothing was changed",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Overlap => ApiError::new(
                StatusCode::CONFLICT,
                "slot_taken",
                "that time has just been booked by someone else; please pick another",
            ),
            StoreError::DayFull => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "slot_unavailable",
                "that day is fully booked for this event type",
            ),
            StoreError::IdempotencyMismatch => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            ),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the database cannot be reached right now; please retry in a moment",
                )
            }
            other if other.is_timeout() => {
                tracing::warn!("database pool timed out");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the service is busy; please retry in a moment",
                )
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::internal()
            }
        }
    }
}

/// Every booking operation's error as an answer: the one mapping of domain errors to HTTP.
impl From<BookingError> for ApiError {
    fn from(err: BookingError) -> Self {
        let message = err.to_string();
        let (status, code) = match err {
            BookingError::Invalid(fields) => return ApiError::validation(fields),
            BookingError::Store(err) => return ApiError::from(err),
            BookingError::NoEventType | BookingError::UnknownEventType(_) => {
                (StatusCode::NOT_FOUND, "event_not_found")
            }
            BookingError::EventTypeWithdrawn => (StatusCode::CONFLICT, "event_not_found"),
            BookingError::SlotTaken => (StatusCode::CONFLICT, "slot_taken"),
            BookingError::SlotUnavailable { .. } | BookingError::DayFull => {
                (StatusCode::UNPROCESSABLE_ENTITY, "slot_unavailable")
            }
            BookingError::HostUnavailable(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "host_unavailable")
            }
            BookingError::ChangeWindowClosed => {
                (StatusCode::UNPROCESSABLE_ENTITY, "change_window_closed")
            }
            BookingError::NotActive(_) => (StatusCode::CONFLICT, "booking_not_active"),
            BookingError::NotFound => (StatusCode::NOT_FOUND, "booking_not_found"),
            BookingError::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
        };
        ApiError::new(status, code, message)
    }
}

/// The body of every error answer: `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"error": {"code": "validation_failed",
    "message": "some fields are missing or invalid",
    "fields": {"email": "enter an e-mail address like name@example.com"}}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable machine-readable `code`, a message for people and, for
/// `validation_failed`, a message per offending field.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable across versions; match on this, not on the message.
    pub code: String,
    pub message: String,
    /// Field name → what is wrong with it (only for `validation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                fields: self.fields,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::TOO_MANY_REQUESTS
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(value) = self
            .challenge
            .and_then(|challenge| HeaderValue::from_str(&challenge).ok())
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use openslot_engine::Rejection;
    use openslot_store::BookingStatus;

    use super::*;

    /// The codes and statuses clients depend on, per domain error.
    #[test]
    fn booking_errors_keep_their_codes() {
        let cases = [
            (
                BookingError::Invalid(FieldErrors::new()),
                422,
                "validation_failed",
            ),
            (BookingError::NoEventType, 404, "event_not_found"),
            (
                BookingError::UnknownEventType("x".into()),
                404,
                "event_not_found",
            ),
            (BookingError::EventTypeWithdrawn, 409, "event_not_found"),
            (BookingError::SlotTaken, 409, "slot_taken"),
            (
                BookingError::SlotUnavailable {
                    rejection: Rejection::TooSoon,
                    moving: false,
                },
                422,
                "slot_unavailable",
            ),
            (BookingError::DayFull, 422, "slot_unavailable"),
            (
                BookingError::HostUnavailable("ada".into()),
                422,
                "host_unavailable",
            ),
            (
                BookingError::ChangeWindowClosed,
                422,
                "change_window_closed",
            ),
            (
                BookingError::NotActive(BookingStatus::Cancelled),
                409,
                "booking_not_active",
            ),
            (BookingError::NotFound, 404, "booking_not_found"),
            (
                BookingError::IdempotencyKeyReused,
                422,
                "idempotency_key_reused",
            ),
            (BookingError::from(StoreError::Overlap), 409, "slot_taken"),
            (
                BookingError::Store(StoreError::Unavailable("down".into())),
                503,
                "store_unavailable",
            ),
        ];
        for (error, status, code) in cases {
            let shown = format!("{error:?}");
            let answer = ApiError::from(error);
            assert_eq!(
                (answer.status.as_u16(), answer.code),
                (status, code),
                "{shown}"
            );
        }
        let unavailable = ApiError::from(BookingError::unavailable(Rejection::InPast, true));
        assert_eq!(
            unavailable.message,
            "that time is in the past; pick one of the offered times"
        );
        assert_eq!(
            ApiError::from(BookingError::unavailable(Rejection::Busy, false)).code,
            "slot_taken"
        );
    }
}
