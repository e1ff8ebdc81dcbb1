//! What the pages after booking (manage, host answer) and the other public forms (contact,
//! routing) say when something goes wrong, in the visitor's language: error pages, the
//! validator's field problems, times. The JSON API keeps its English `message`s; these
//! pages choose their words by error code instead of showing those.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::Response,
};
use serde_json::json;

use super::{lang::PageLang, pages::html};
use crate::{
    http::{error::ApiError, state::AppState},
    i18n::{self, Locale},
    validate::FieldErrors,
};

/// A friendly error page in the visitor's language.
pub fn error_page_in(
    state: &AppState,
    lang: &PageLang,
    status: StatusCode,
    heading: &str,
    message: &str,
) -> Response {
    let body = state.web.render_in(
        "error.html",
        lang,
        json!({"heading": heading, "message": message, "embed": false}),
    );
    html(status, body)
}

/// [`error_page_in`] with its heading and sentence given as message ids.
pub fn error_page_by_id(
    state: &AppState,
    lang: &PageLang,
    status: StatusCode,
    heading: &str,
    message: &str,
) -> Response {
    let locale = lang.locale;
    error_page_in(
        state,
        lang,
        status,
        &i18n::text(locale, heading, &[]),
        &i18n::text(locale, message, &[]),
    )
}

/// The error page for a refused form post that was over the rate limit.
pub fn rate_limited_page_in(state: &AppState, lang: &PageLang, error: &ApiError) -> Response {
    let seconds = error.retry_after.unwrap_or(60);
    let locale = lang.locale;
    let mut response = error_page_in(
        state,
        lang,
        StatusCode::TOO_MANY_REQUESTS,
        &i18n::text(locale, "form-too-many", &[]),
        &i18n::text(
            locale,
            "form-too-many-text",
            &[("seconds", i64::try_from(seconds).unwrap_or(i64::MAX).into())],
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The heading and sentence of an error page for an API error of the signed-link
/// routes (bad link, missing booking, unreadable form, store down), by its code.
pub fn link_error_text(locale: Locale, error: &ApiError) -> (String, String) {
    let (heading, text) = match error.code {
        "booking_not_found" => ("link-error-not-found", "link-error-not-found-text"),
        "token_expired" => ("link-error-expired", "link-error-expired-text"),
        "invalid_token" => ("link-error-invalid", "link-error-invalid-text"),
        "wrong_token_scope" => ("link-error-invalid", "link-error-wrong-scope-text"),
        "store_unavailable" | "busy" => ("link-error-failed", "link-error-busy-text"),
        "malformed_form"
        | "malformed_json"
        | "payload_too_large"
        | "unsupported_media_type"
        | "request_timeout" => ("link-error-failed", "link-error-form-text"),
        "validation_failed" => ("link-error-failed", "form-invalid"),
        "change_window_closed" => ("link-error-failed", "manage-problem-change-window-closed"),
        "booking_not_active" => ("link-error-failed", "manage-problem-not-active"),
        "slot_unavailable" => ("link-error-failed", "manage-problem-slot-unavailable"),
        "host_unavailable" => ("link-error-failed", "manage-problem-host-unavailable"),
        "event_not_found" => ("link-error-failed", "manage-problem-event-withdrawn"),
        "slot_taken" => ("link-error-failed", "manage-slot-taken"),
        _ => ("link-error-failed", "link-error-generic-text"),
    };
    (
        i18n::text(locale, heading, &[]),
        i18n::text(locale, text, &[]),
    )
}

/// The message id (and the length limit, for `field-problem-too-long`) of one of the
/// validator's field problems, which it writes in English for the JSON API.
fn problem_id(problem: &str) -> Option<(&'static str, Option<i64>)> {
    let id = match problem {
        "is required" => "field-problem-required",
        "must not contain control characters" => "field-problem-control-characters",
        "must be a string" => "field-problem-not-text",
        "must be an email address such as name@example.com" => "field-problem-email",
        "must be an IANA time zone such as Europe/London" => "field-problem-timezone",
        "must be one of the listed choices" => "field-problem-choice",
        "must be a phone number such as +44 20 7946 0958" => "field-problem-phone",
        other => {
            let max = other
                .strip_prefix("must be at most ")
                .and_then(|rest| rest.strip_suffix(" characters"))
                .and_then(|number| number.parse::<i64>().ok())?;
            return Some(("field-problem-too-long", Some(max)));
        }
    };
    Some((id, None))
}

/// The sentence (in `locale`) for one of the validator's field problems. A problem it
/// learns later that has no message here is shown as it is rather than hidden.
pub fn field_problem(locale: Locale, problem: &str) -> String {
    match problem_id(problem) {
        Some((id, Some(max))) => i18n::text(locale, id, &[("max", max.into())]),
        Some((id, None)) => i18n::text(locale, id, &[]),
        None => problem.to_string(),
    }
}

/// Every field's problem in `locale`, keyed as before.
pub fn field_errors_in(locale: Locale, errors: &FieldErrors) -> FieldErrors {
    errors
        .iter()
        .map(|(field, problem)| (field.clone(), field_problem(locale, problem)))
        .collect()
}

/// `location` with `lang=` added when a form named its language explicitly: the page the
/// browser is sent to next must not fall back to another language when the frame it runs
/// in gets no cookie. Only this site's own paths get it.
pub fn keep_language(location: &str, explicit: Option<&str>) -> String {
    match explicit.and_then(Locale::parse) {
        Some(locale) if location.starts_with('/') && !location.starts_with("//") => {
            let separator = if location.contains('?') { '&' } else { '?' };
            format!(
                "{location}{separator}{}={}",
                super::lang::PARAM,
                locale.tag()
            )
        }
        _ => location.to_string(),
    }
}

/// The language a form posted (`posted`) when the next page would not choose it by itself:
/// that request carries the same cookie and `Accept-Language` as this one, which chose
/// `request`. Only then does a redirect need `?lang=`.
pub fn language_to_keep(posted: Option<&str>, request: Locale) -> Option<&str> {
    posted.filter(|tag| Locale::parse(tag).is_some_and(|locale| locale != request))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Fields;

    #[test]
    fn every_problem_the_validator_reports_on_these_forms_is_translated() {
        let object = serde_json::from_value(json!({
            "empty": "", "long": "x".repeat(20), "control": "a\u{7}b", "number": 3,
            "email": "nope", "zone": "Mars/Base",
        }))
        .unwrap();
        let mut fields = Fields::new(&object);
        fields.required_text("empty", 10, false);
        fields.optional_text("long", 10, false);
        fields.optional_text("control", 10, false);
        fields.optional_text("number", 10, false);
        fields.email("email");
        fields.timezone("zone");
        fields.reject("choice", "must be one of the listed choices");
        fields.reject("phone", "must be a phone number such as +44 20 7946 0958");
        assert_eq!(fields.errors.len(), 8);
        let english = field_errors_in(Locale::En, &fields.errors);
        assert_eq!(english, fields.errors, "English reads as the API does");
        for (field, problem) in &fields.errors {
            let (id, _) = problem_id(problem)
                .unwrap_or_else(|| panic!("{field}: {problem:?} has no message id"));
            assert!(i18n::catalogs().has(Locale::En, id), "{id}");
        }
        assert_eq!(
            field_problem(Locale::En, "must be at most 1000 characters"),
            "must be at most 1000 characters"
        );
        assert_eq!(field_problem(Locale::De, "something new"), "something new");
    }

    #[test]
    fn the_language_stays_on_own_paths_only() {
        assert_eq!(
            keep_language("/contact?sent=1", Some("de")),
            "/contact?sent=1&lang=de"
        );
        assert_eq!(
            keep_language("/book/intro", Some("pt-br")),
            "/book/intro?lang=pt-BR"
        );
        assert_eq!(keep_language("/book/intro", None), "/book/intro");
        assert_eq!(keep_language("/book/intro", Some("xx")), "/book/intro");
        assert_eq!(
            keep_language("https://example.com/x", Some("de")),
            "https://example.com/x"
        );
        assert_eq!(
            keep_language("//example.com/x", Some("de")),
            "//example.com/x"
        );
    }
}
