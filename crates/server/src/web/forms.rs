//! Form posts from the pages (`application/x-www-form-urlencoded`): the same validation
//! and booking path as the JSON API, plus CSRF tokens, an origin check and a honeypot.
//! Success redirects (303); errors re-render the form with what the visitor typed.

use std::net::SocketAddr;

use axum::{
    extract::{FromRequestParts, Request},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
};
use jiff::Timestamp;
use serde_json::{json, Map, Value};

use super::{
    contact::{render_contact, ContactView},
    lang::PageLang,
    localised::{error_page_in, keep_language, language_to_keep, rate_limited_page_in},
    pages::{error_page, html, query_escape, render_book, see_other, BookView},
};
use crate::{
    domain::BookingError,
    http::state::AppState,
    http::{body::Form, booking::place_booking, contact::store_contact, error::ApiError},
    i18n,
    validate::FieldErrors,
};

/// Whether the request body is a classic HTML form.
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Reads a form body into its fields (first value of each name wins).
async fn read_form(request: Request) -> Result<Map<String, Value>, ApiError> {
    Ok(Form::read(request).await?.first_values())
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> &'a str {
    fields.get(name).and_then(Value::as_str).unwrap_or("")
}

/// A post is accepted from our own pages only: when the browser names the origin, it must
/// be this service's (public URL or the Host it was reached at) or an allowed origin.
pub(crate) fn same_site(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    else {
        return true; // older browsers: the signed token alone decides
    };
    let public = super::origin_of(&state.config.public_url());
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    public.as_deref() == Some(origin)
        || host.is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        })
        || state
            .config
            .server
            .allowed_origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/') == origin)
}

pub(crate) fn token_ok(state: &AppState, fields: &Map<String, Value>, form: &str) -> bool {
    state
        .signer
        .verify(text(fields, "csrf"), "form", state.clock.now().as_second())
        .is_ok_and(|subject| subject == form)
}

fn rate_limited_page(state: &AppState, error: ApiError) -> Response {
    let seconds = error.retry_after.unwrap_or(60);
    let mut response = error_page(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        &format!(
            "Too many attempts from your connection. Please wait {seconds} seconds and try again."
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The values to show again in a re-rendered booking form.
fn booking_values(fields: &Map<String, Value>) -> Value {
    let mut answers = Map::new();
    for (name, value) in fields {
        if let Some(id) = name.strip_prefix("answer_") {
            answers.insert(id.to_string(), value.clone());
        }
    }
    json!({
        "name": text(fields, "name"),
        "email": text(fields, "email"),
        "notes": text(fields, "notes"),
        "answers": answers,
    })
}

/// The booking request a form's fields describe, in the shape of a `POST /booking` JSON
/// body (`answer_ID` fields become the `answers` object), so both share one validation.
pub fn booking_object(fields: &Map<String, Value>) -> Map<String, Value> {
    let mut object = Map::new();
    for name in [
        "event", "start", "name", "email", "timezone", "notes", "host", "locale",
    ] {
        // An empty host field is no pin (the page had none to keep); an empty locale
        // leaves the choice to the request's own language preference.
        if matches!(name, "host" | "locale") && text(fields, name).is_empty() {
            continue;
        }
        if let Some(value) = fields.get(name) {
            object.insert(name.to_string(), value.clone());
        }
    }
    if let Value::Object(values) = booking_values(fields) {
        object.insert(
            "answers".into(),
            values.get("answers").cloned().unwrap_or(Value::Null),
        );
    }
    object
}

/// `POST /booking` with a form body.
pub async fn booking_form(
    state: AppState,
    peer: SocketAddr,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if let Err(error) = state.check_rate(peer, &headers) {
        return rate_limited_page(&state, error);
    }
    let fields = match read_form(request).await {
        Ok(fields) => fields,
        Err(error) => {
            return error_page(
                &state,
                error.status,
                "Could not read the form",
                &error.message,
            )
        }
    };
    let slug = text(&fields, "event").to_string();
    let catalog = state.catalog.load();
    let Some(event) = catalog.bookable(&slug) else {
        return error_page(
            &state,
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such meeting type. Pick one from the list of meetings.",
        );
    };
    if !text(&fields, "website").is_empty() {
        return error_page(
            &state,
            StatusCode::BAD_REQUEST,
            "Not sent",
            "This submission looked automated, so it was not accepted. If you are a person, please try again or contact us.",
        );
    }
    let tz_name = Some(text(&fields, "timezone").to_string()).filter(|name| !name.is_empty());
    let start_text = text(&fields, "start").to_string();
    let embed = text(&fields, "embed") == "1";
    let origin = Some(text(&fields, "origin").to_string()).filter(|origin| !origin.is_empty());
    let date_of_start = |zone: &Option<String>| {
        let zone = zone
            .as_deref()
            .and_then(|name| crate::tzdb::zone(name).ok())
            .unwrap_or_else(|| event.schedule.timezone().clone());
        start_text
            .parse::<Timestamp>()
            .ok()
            .map(|start| start.to_zoned_datetime(zone).date())
    };
    let rerender = |status: StatusCode,
                    kind: &'static str,
                    message: String,
                    errors: FieldErrors,
                    keep_choice: bool| {
        let view = BookView {
            tz_name: tz_name.clone(),
            date: date_of_start(&tz_name),
            values: booking_values(&fields),
            errors,
            status: Some((kind, message)),
            embed,
            origin: origin.clone(),
            checked: keep_choice.then(|| start_text.clone()),
            // The pinned host stays pinned when the form comes back with errors.
            carry: Some(text(&fields, "host"))
                .filter(|host| !host.is_empty())
                .map(|host| vec![("host".to_string(), host.to_string())])
                .unwrap_or_default(),
        };
        html(status, render_book(&state, event, view))
    };
    if !same_site(&state, &headers) || !token_ok(&state, &fields, "booking") {
        return rerender(
            StatusCode::FORBIDDEN,
            "error",
            "This form had expired or did not come from this site, so nothing was booked. Please check your details and send it again.".into(),
            FieldErrors::new(),
            true,
        );
    }
    let object = booking_object(&fields);
    let result = place_booking(&state, &headers, &object, None).await;
    crate::http::booking::record_attempt(&state, &object, &result);
    match result {
        Ok(placed) => {
            let booking = placed.booking;
            let location = format!("/booking/{}", booking.id);
            // The signed view token: only the person who booked sees the details.
            let mut query = vec![format!(
                "t={}",
                query_escape(&crate::links::view_token(&state.signer, &booking))
            )];
            if let Some(tz) = &tz_name {
                query.push(format!("tz={}", query_escape(tz)));
            }
            if embed {
                query.push("embed=1".to_string());
                if let Some(origin) = &origin {
                    query.push(format!("origin={}", query_escape(origin)));
                }
            }
            see_other(&format!("{location}?{}", query.join("&")))
        }
        Err(BookingError::Invalid(errors)) => rerender(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error",
            "Please fix the highlighted fields.".into(),
            errors,
            true,
        ),
        Err(BookingError::SlotTaken) => rerender(
            StatusCode::CONFLICT,
            "warning",
            "Sorry — that time was just taken by someone else. Please pick another time; your details are kept.".into(),
            FieldErrors::new(),
            false,
        ),
        Err(
            error @ (BookingError::SlotUnavailable { .. }
            | BookingError::DayFull
            | BookingError::HostUnavailable(_)),
        ) => rerender(
            StatusCode::UNPROCESSABLE_ENTITY,
            "warning",
            format!("That time can't be booked: {error}"),
            FieldErrors::new(),
            false,
        ),
        Err(error @ (BookingError::NoEventType | BookingError::UnknownEventType(_))) => {
            error_page(&state, StatusCode::NOT_FOUND, "Not found", &error.to_string())
        }
        Err(error) => {
            let error = ApiError::from(error);
            error_page(&state, error.status, "Please try again", &error.message)
        }
    }
}

/// `POST /contact` with a form body. The page comes back (or the thanks page follows) in
/// the language the form names in its `lang` field, else the request's.
pub async fn contact_form(
    state: AppState,
    peer: SocketAddr,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let lang = match PageLang::from_request_parts(&mut parts, &state).await {
        Ok(lang) => lang,
        Err(never) => match never {},
    };
    let request = Request::from_parts(parts, body);
    if let Err(error) = state.check_rate(peer, &headers) {
        return rate_limited_page_in(&state, &lang, &error);
    }
    let say = |id: &str| i18n::text(lang.locale, id, &[]);
    let fields = match read_form(request).await {
        Ok(fields) => fields,
        Err(error) => {
            return error_page_in(
                &state,
                &lang,
                error.status,
                &say("form-unreadable"),
                &say("link-error-form-text"),
            )
        }
    };
    let explicit = Some(text(&fields, "lang")).filter(|tag| !tag.is_empty());
    let keep = language_to_keep(explicit, lang.locale);
    let lang = lang.with_explicit(explicit);
    let say = |id: &str| i18n::text(lang.locale, id, &[]);
    if !text(&fields, "website").is_empty() {
        return error_page_in(
            &state,
            &lang,
            StatusCode::BAD_REQUEST,
            &say("form-not-sent"),
            &say("form-automated"),
        );
    }
    let values = json!({
        "event": text(&fields, "event"),
        "name": text(&fields, "name"),
        "email": text(&fields, "email"),
        "message": text(&fields, "message"),
        "preferred_times": text(&fields, "preferred_times"),
    });
    let event = Some(text(&fields, "event").to_string()).filter(|slug| !slug.is_empty());
    let rerender = |status: StatusCode, message: String, errors: FieldErrors| {
        let view = ContactView {
            event: event.clone(),
            values: values.clone(),
            errors,
            status: Some(("error", message)),
            sent: false,
        };
        html(status, render_contact(&state, &lang, view))
    };
    if !same_site(&state, &headers) || !token_ok(&state, &fields, "contact") {
        return rerender(
            StatusCode::FORBIDDEN,
            say("contact-expired"),
            FieldErrors::new(),
        );
    }
    let Value::Object(object) = values.clone() else {
        return error_page_in(
            &state,
            &lang,
            StatusCode::BAD_REQUEST,
            &say("form-not-sent"),
            &say("link-error-form-text"),
        );
    };
    match store_contact(&state, &object).await {
        Ok(_) => see_other(&keep_language("/contact?sent=1", keep)),
        Err(ApiError {
            fields: Some(errors),
            ..
        }) => rerender(
            StatusCode::UNPROCESSABLE_ENTITY,
            say("form-fix-fields"),
            errors,
        ),
        Err(error) => {
            let (_, message) = super::localised::link_error_text(lang.locale, &error);
            error_page_in(
                &state,
                &lang,
                error.status,
                &say("form-try-again"),
                &message,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_booking_object_carries_a_pinned_host_and_the_answers() {
        let fields: Map<String, Value> = serde_json::from_value(json!({
            "event": "intro", "start": "2030-01-01T10:00:00Z", "name": "Bo",
            "email": "bo@example.com", "host": "grace", "answer_size": "500+",
            "csrf": "x", "website": ""
        }))
        .unwrap();
        let object = booking_object(&fields);
        assert_eq!(object["host"], "grace");
        assert_eq!(object["answers"], json!({"size": "500+"}));
        assert!(!object.contains_key("csrf") && !object.contains_key("website"));
        // An empty host field is no pin.
        let mut unpinned = fields.clone();
        unpinned.insert("host".into(), json!(""));
        assert!(!booking_object(&unpinned).contains_key("host"));
    }
}
