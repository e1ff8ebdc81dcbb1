//! The urlencoded form reader and the booking form's path into the shared booking
//! validation. A form that reads back is what re-encoding it reads as again (pairs in
//! order, repeats kept); the first value of a name wins; a refusal is a 400 with the
//! standard error body.
#![no_main]

use axum::http::StatusCode;
use libfuzzer_sys::fuzz_target;
use openslot::{http::body::Form, web::forms::booking_object};
use openslot_fuzz::{check_api_error, check_booking_object};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let form = match Form::parse(data) {
        Ok(form) => form,
        Err(error) => return check_api_error(error, &[StatusCode::BAD_REQUEST]),
    };
    let encoded = serde_urlencoded::to_string(&form.0).expect("pairs of strings encode");
    let again = Form::parse(encoded.as_bytes()).expect("an encoded form reads back");
    assert_eq!(again.0, form.0, "{encoded:?}");

    for (name, value) in &form.0 {
        assert_eq!(
            form.get(name),
            form.0
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.as_str())
        );
        assert!(form.all(name).contains(&value.as_str()));
        assert_eq!(
            form.text(name),
            form.get(name)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(String::from)
        );
    }
    let pairs = form.0.clone();
    let fields = form.first_values();
    for (name, value) in &fields {
        let first = pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.clone());
        assert_eq!(Some(value), first.map(Value::String).as_ref());
    }
    assert!(pairs.iter().all(|(name, _)| fields.contains_key(name)));
    check_booking_object(&booking_object(&fields));
});
