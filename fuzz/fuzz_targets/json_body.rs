//! The JSON body reader and `POST /booking` validation. Input: the `Content-Type` on the
//! first line, the body after it. Every refusal is a 4xx with the standard error body
//! (415 for another type, 413 past the size limit, 400 for anything but a JSON object);
//! an object then goes through the booking validation, whose results are checked in
//! `openslot_fuzz::check_booking_object` (an accepted name and address also make an
//! invite that reads back intact).
#![no_main]

use axum::http::StatusCode;
use libfuzzer_sys::fuzz_target;
use openslot::http::body::{JsonObject, MAX_BODY_BYTES};
use openslot_fuzz::{check_api_error, check_booking_object};

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (&b"application/json"[..], data),
    };
    let content_type = String::from_utf8_lossy(content_type);
    match JsonObject::parse(&content_type, body) {
        Ok(JsonObject(object)) => {
            assert!(body.len() <= MAX_BODY_BYTES);
            let value: serde_json::Value = serde_json::from_slice(body).expect("it was JSON");
            assert_eq!(value.as_object(), Some(&object));
            check_booking_object(&object);
        }
        Err(error) => check_api_error(
            error,
            &[
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                StatusCode::PAYLOAD_TOO_LARGE,
                StatusCode::BAD_REQUEST,
            ],
        ),
    }
});
