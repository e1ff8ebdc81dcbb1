//! Reading request bodies: a JSON object (content type 415, size 413, syntax 400) or an
//! urlencoded form, all with the standard error shape.

use axum::{
    body::Body,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use serde_json::{Map, Value};

use super::error::ApiError;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The answer to a body that could not be read: 408 when it came too slowly (the
/// connection's body timeout), else `too_large`.
pub fn unreadable(error: &axum::Error, too_large: ApiError) -> ApiError {
    if super::listener::is_body_timeout(error) {
        return ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request body was not received in time",
        );
    }
    too_large
}

/// A JSON object body.
pub struct JsonObject(pub Map<String, Value>);

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.len() > 5
            && essence.to_ascii_lowercase().starts_with("application/")
            && essence.to_ascii_lowercase().ends_with("+json"))
}

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_string();
        check_json_type(&content_type)?;
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let body: Body = request.into_body();
        let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|err| unreadable(&err, too_large()))?;
        JsonObject::parse(&content_type, &bytes)
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the request body must be at most {} KiB",
            MAX_BODY_BYTES / 1024
        ),
    )
}

fn check_json_type(content_type: &str) -> Result<(), ApiError> {
    if is_json(content_type) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the request body as application/json",
        ))
    }
}

impl JsonObject {
    /// Reads a whole body already in memory, given its `Content-Type`: what
    /// [`FromRequest`] does once the bytes have arrived (also the fuzzing entry point).
    pub fn parse(content_type: &str, bytes: &[u8]) -> Result<JsonObject, ApiError> {
        check_json_type(content_type)?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(object)) => Ok(JsonObject(object)),
            Ok(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "the request body must be a JSON object",
            )),
            Err(err) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the request body is not valid JSON: {err}"),
            )),
        }
    }
}

/// A posted urlencoded form: every `name=value` pair in order (names may repeat).
#[derive(Debug, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// Reads a form body (at most [`MAX_BODY_BYTES`]).
    pub async fn read(request: Request) -> Result<Form, ApiError> {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|err| {
                unreadable(
                    &err,
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "the form is too large",
                    ),
                )
            })?;
        Form::parse(&bytes)
    }

    /// Parses urlencoded bytes.
    pub fn parse(bytes: &[u8]) -> Result<Form, ApiError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
            .map(Form)
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_form",
                    "the form could not be read",
                )
            })
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The trimmed first value of `name`, `None` when missing or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    }

    /// The fields as a JSON object, the first value of each name winning (what the JSON
    /// validation of bookings and contact messages reads).
    pub fn first_values(self) -> Map<String, Value> {
        let mut fields = Map::new();
        for (name, value) in self.0 {
            fields.entry(name).or_insert(Value::String(value));
        }
        fields
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}
