//! `GET /route/{slug}` shows a routing form; `POST /route/{slug}` routes its answers: a form
//! post gets 303 to the target (booking pages prefilled), a JSON post gets the decision.
//! Also what the booking page reads of routed answers from its query.

use axum::{
    extract::{FromRequest, Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::{
    forms::{is_form, same_site, token_ok},
    lang::PageLang,
    localised::{error_page_in, field_errors_in, keep_language, language_to_keep},
    pages::{html, see_other, FORM_TOKEN_SECONDS},
};
use crate::{
    catalog::{EventType, QuestionKind},
    http::state::AppState,
    http::{
        body::{Form, JsonObject},
        error::ApiError,
    },
    i18n,
    routing::{counter_key, target_location, valid_host_id, Route, RoutingForm},
    validate::FieldErrors,
};

/// The CSRF token scope of routing forms.
const TOKEN_SCOPE: &str = "routing";

pub fn router() -> Router<AppState> {
    Router::new().route("/route/{slug}", get(show).post(submit))
}

fn not_found_page(state: &AppState, lang: &PageLang) -> Response {
    error_page_in(
        state,
        lang,
        StatusCode::NOT_FOUND,
        &i18n::text(lang.locale, "form-not-found", &[]),
        &i18n::text(lang.locale, "form-not-found-routing", &[]),
    )
}

/// What the form shows besides its questions.
#[derive(Default)]
struct View {
    values: Map<String, Value>,
    errors: FieldErrors,
    status: Option<(&'static str, String)>,
}

fn render(state: &AppState, lang: &PageLang, form: &RoutingForm, view: View) -> String {
    let (status_kind, status_message) = view.status.unwrap_or(("", String::new()));
    let now = state.clock.now().as_second();
    state.web.render_in(
        "route.html",
        lang,
        json!({
            "form": {
                "slug": form.slug,
                "title": form.title,
                "description": form.description,
                "questions": form.questions,
            },
            "values": view.values,
            "errors": field_errors_in(lang.locale, &view.errors),
            "status_kind": status_kind,
            "status_message": status_message,
            "csrf": state.signer.sign("form", TOKEN_SCOPE, now + FORM_TOKEN_SECONDS),
            "embed": false,
        }),
    )
}

/// `GET /route/{slug}`.
async fn show(State(state): State<AppState>, lang: PageLang, Path(slug): Path<String>) -> Response {
    let Some(form) = state.routing.get(&slug) else {
        return not_found_page(&state, &lang);
    };
    html(StatusCode::OK, render(&state, &lang, form, View::default()))
}

/// Counts the submission and says where it goes.
fn decide<'a>(
    state: &AppState,
    form: &'a RoutingForm,
    object: &Map<String, Value>,
) -> Result<(&'a Route, String), FieldErrors> {
    let (answers, route) = form.answer(object)?;
    state.funnel.count(
        crate::funnel::ROUTED,
        &counter_key(&form.slug, route.index),
        state.clock.now(),
        &state.host_zone(),
    );
    let location = target_location(&route.target, &answers, &state.catalog.load());
    Ok((route, location))
}

/// `POST /route/{slug}`: a form post or a JSON body `{"answers": {ID: text}}`.
async fn submit(
    State(state): State<AppState>,
    lang: PageLang,
    Path(slug): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let form_post = is_form(&headers);
    let Some(form) = state.routing.get(&slug) else {
        if form_post {
            return not_found_page(&state, &lang);
        }
        return ApiError::not_found("routing_form_not_found", "there is no routing form here")
            .into_response();
    };
    if form_post {
        return submit_form(&state, lang, form, &headers, request).await;
    }
    let object = match JsonObject::from_request(request, &state).await {
        Ok(JsonObject(object)) => object,
        Err(err) => return err.into_response(),
    };
    match decide(&state, form, &object) {
        Ok((route, location)) => {
            let url = if location.starts_with('/') {
                format!("{}{location}", state.config.public_url())
            } else {
                location
            };
            Json(json!({"route": route.index, "to": route.target.as_config(), "url": url}))
                .into_response()
        }
        Err(errors) => ApiError::validation(errors).into_response(),
    }
}

async fn submit_form(
    state: &AppState,
    lang: PageLang,
    form: &RoutingForm,
    headers: &HeaderMap,
    request: Request,
) -> Response {
    let fields = match Form::read(request).await {
        Ok(fields) => fields.first_values(),
        Err(error) => {
            return error_page_in(
                state,
                &lang,
                error.status,
                &i18n::text(lang.locale, "form-unreadable", &[]),
                &i18n::text(lang.locale, "link-error-form-text", &[]),
            )
        }
    };
    let explicit = fields
        .get("lang")
        .and_then(Value::as_str)
        .filter(|tag| !tag.is_empty());
    let keep = language_to_keep(explicit, lang.locale);
    let lang = lang.with_explicit(explicit);
    let say = |id: &str| i18n::text(lang.locale, id, &[]);
    let mut answers = Map::new();
    for (name, value) in &fields {
        if let Some(id) = name.strip_prefix("answer_") {
            answers.insert(id.to_string(), value.clone());
        }
    }
    let rerender = |status: StatusCode, message: String, errors: FieldErrors| {
        let view = View {
            values: answers.clone(),
            errors,
            status: Some(("error", message)),
        };
        html(status, render(state, &lang, form, view))
    };
    if !same_site(state, headers) || !token_ok(state, &fields, TOKEN_SCOPE) {
        return rerender(
            StatusCode::FORBIDDEN,
            say("routing-expired"),
            FieldErrors::new(),
        );
    }
    let mut object = Map::new();
    object.insert("answers".into(), Value::Object(answers.clone()));
    match decide(state, form, &object) {
        Ok((_, location)) => see_other(&keep_language(&location, keep)),
        Err(errors) => rerender(
            StatusCode::UNPROCESSABLE_ENTITY,
            say("form-fix-fields"),
            errors,
        ),
    }
}

/// What a booking page's query carries from a routing form (or any link): the host asked
/// for and answers to the event type's questions, by question id.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Carried {
    pub host: Option<String>,
    pub answers: Vec<(String, String)>,
}

impl Carried {
    /// Reads `raw_query` for `event`. Only plausible values are kept; the booking form
    /// validates them again when it is sent. `host` is the host choice, never an answer.
    pub fn from_query(event: &EventType, raw_query: Option<&str>) -> Carried {
        let Some(raw) = raw_query else {
            return Carried::default();
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let first = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())
        };
        let host = first("host")
            .filter(|host| valid_host_id(host))
            .map(String::from);
        let mut answers = Vec::new();
        for question in event.questions.iter().filter(|q| q.id != "host") {
            let Some(value) = first(&question.id) else {
                continue;
            };
            let fits = match question.kind {
                QuestionKind::Select => question.options.iter().any(|option| option == value),
                QuestionKind::Textarea => value.chars().count() <= 5000,
                _ => value.chars().count() <= 500 && !value.contains(['\n', '\r']),
            };
            if fits {
                answers.push((question.id.clone(), value.to_string()));
            }
        }
        Carried { host, answers }
    }

    /// The parameters to keep on the page's own links and GET forms.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let host = self
            .host
            .iter()
            .map(|host| ("host".to_string(), host.clone()));
        host.chain(self.answers.iter().cloned()).collect()
    }

    /// The answers as the booking form's values (`{"answers": {ID: text}}`).
    pub fn values(&self) -> Value {
        let answers: Map<String, Value> = self
            .answers
            .iter()
            .map(|(id, value)| (id.clone(), Value::String(value.clone())))
            .collect();
        json!({ "answers": answers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{catalog::Catalog, config::Config};

    #[test]
    fn booking_pages_take_question_answers_and_the_host_from_the_query() {
        let config = Config::parse(
            r#"
[[event_types]]
slug = "intro"
title = "Intro"
duration_minutes = 30
[[event_types.questions]]
id = "size"
label = "Size"
kind = "select"
options = ["1-10", "500+"]
[[event_types.questions]]
id = "company"
label = "Company"
"#,
            "test.toml",
        )
        .unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let event = catalog.get("intro").unwrap();
        let carried = |query: &str| Carried::from_query(event, Some(query));
        let found = carried("company=A%26B&size=500%2B&host=ada&date=2030-01-01&topic=x");
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(found.host.as_deref(), Some("ada"));
        assert_eq!(
            found.answers,
            [pair("size", "500+"), pair("company", "A&B")]
        );
        assert_eq!(
            found.pairs(),
            [
                pair("host", "ada"),
                pair("size", "500+"),
                pair("company", "A&B")
            ]
        );
        assert_eq!(
            found.values(),
            json!({"answers": {"size": "500+", "company": "A&B"}})
        );
        // Not an option, not a host id, too long, a line break in one-line text: dropped.
        let long = "x".repeat(501);
        assert_eq!(
            carried(&format!("size=huge&host=Ada%20L&company={long}")),
            Carried::default()
        );
        assert_eq!(carried("company=a%0Ab"), Carried::default());
        assert_eq!(Carried::from_query(event, None), Carried::default());
    }
}
