//! Routing forms: a few questions asked before booking, and routes that send the visitor to
//! the right booking page (or host, contact form, outside URL) by the answers. Parsed and
//! validated once from `[[routing_forms]]` with the key named; matching is pure.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::{
    catalog::{Catalog, Question, QuestionKind},
    config::{ConfigError, QuestionConfig},
    validate::{FieldErrors, Fields},
};

/// One `[[routing_forms]]` entry as written.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingFormConfig {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub questions: Vec<QuestionConfig>,
    #[serde(default)]
    pub routes: Vec<RouteConfig>,
}

/// One `[[routing_forms.routes]]` entry as written.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Question id to the answers that match it; every listed question must match.
    #[serde(default)]
    pub when: Option<BTreeMap<String, RouteValues>>,
    /// `event:SLUG`, `host:ID/SLUG`, `contact` or `url:https://…`.
    pub to: String,
}

/// The answers a route accepts for one question: one, or a list.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RouteValues {
    One(String),
    Many(Vec<String>),
}

impl RouteValues {
    fn to_vec(&self) -> Vec<String> {
        match self {
            RouteValues::One(value) => vec![value.clone()],
            RouteValues::Many(values) => values.clone(),
        }
    }
}

/// Where a route sends the visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The booking page of an event type.
    Event(String),
    /// The booking page of an event type with one host asked for.
    Host { host: String, event: String },
    /// The contact form.
    Contact,
    /// A page elsewhere (http or https).
    Url(String),
}

impl Target {
    /// The target as written in configuration (`event:intro`, ...).
    pub fn as_config(&self) -> String {
        match self {
            Target::Event(slug) => format!("event:{slug}"),
            Target::Host { host, event } => format!("host:{host}/{event}"),
            Target::Contact => "contact".to_string(),
            Target::Url(url) => format!("url:{url}"),
        }
    }

    /// The event type the target books, if it books one.
    pub fn event(&self) -> Option<&str> {
        match self {
            Target::Event(slug) | Target::Host { event: slug, .. } => Some(slug),
            Target::Contact | Target::Url(_) => None,
        }
    }

    /// Parses a `to` value; the error says what is expected.
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        if text == "contact" {
            return Ok(Target::Contact);
        }
        if let Some(slug) = text.strip_prefix("event:") {
            return if valid_slug(slug) {
                Ok(Target::Event(slug.to_string()))
            } else {
                Err(format!(
                    "{slug:?} is not an event type slug (1-64 of a-z, 0-9 and '-')"
                ))
            };
        }
        if let Some(rest) = text.strip_prefix("host:") {
            let Some((host, event)) = rest.split_once('/') else {
                return Err(format!("{text:?} must be written host:HOST_ID/EVENT_SLUG"));
            };
            if !valid_host_id(host) {
                return Err(format!(
                    "{host:?} is not a host id (1-64 of a-z, 0-9 and '-')"
                ));
            }
            if !valid_slug(event) {
                return Err(format!(
                    "{event:?} is not an event type slug (1-64 of a-z, 0-9 and '-')"
                ));
            }
            return Ok(Target::Host {
                host: host.to_string(),
                event: event.to_string(),
            });
        }
        if let Some(url) = text.strip_prefix("url:") {
            return if valid_url(url) {
                Ok(Target::Url(url.to_string()))
            } else {
                Err(format!(
                    "{url:?} must be an absolute http:// or https:// URL without spaces"
                ))
            };
        }
        Err(format!(
            "{text:?} must be event:SLUG, host:ID/SLUG, contact or url:https://…"
        ))
    }
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// Host ids as `[[hosts]]` will write them: `[a-z0-9-]+`.
pub fn valid_host_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

fn valid_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && url.len() <= 2000
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// One condition of a route: the answer to `question` is one of `values`.
#[derive(Clone, Debug)]
pub struct Condition {
    pub question: String,
    /// Select answers compare exactly; free text compares trimmed and case-folded, so these
    /// are stored folded for text questions.
    values: Vec<String>,
    exact: bool,
}

impl Condition {
    fn matches(&self, answer: Option<&str>) -> bool {
        let Some(answer) = answer.map(str::trim).filter(|answer| !answer.is_empty()) else {
            return false;
        };
        if self.exact {
            self.values.iter().any(|value| value == answer)
        } else {
            let folded = answer.to_lowercase();
            self.values.contains(&folded)
        }
    }

    /// The accepted answers as written (folded for free-text questions).
    pub fn values(&self) -> &[String] {
        &self.values
    }
}

/// One route: where answers meeting every condition go. No conditions: the fallback.
#[derive(Clone, Debug)]
pub struct Route {
    /// Position in the form's routes (0-based), as the JSON answer and counters name it.
    pub index: usize,
    pub conditions: Vec<Condition>,
    pub target: Target,
}

impl Route {
    fn matches(&self, answers: &Map<String, Value>) -> bool {
        self.conditions.iter().all(|condition| {
            condition.matches(answers.get(&condition.question).and_then(Value::as_str))
        })
    }

    /// A short account of the conditions, e.g. `size is 51-500 or 500+`.
    pub fn summary(&self) -> String {
        if self.conditions.is_empty() {
            return "otherwise (fallback)".to_string();
        }
        self.conditions
            .iter()
            .map(|condition| {
                format!(
                    "{} is {}",
                    condition.question,
                    condition.values.join(" or ")
                )
            })
            .collect::<Vec<_>>()
            .join(", and ")
    }
}

/// A validated routing form.
#[derive(Clone, Debug)]
pub struct RoutingForm {
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub questions: Vec<Question>,
    /// Never empty; the last one is the fallback (validated).
    pub routes: Vec<Route>,
    /// Where the form is in `[[routing_forms]]` (for error keys).
    position: usize,
}

impl RoutingForm {
    /// The first route whose conditions all hold for `answers` (validated answers, question
    /// id to text). Always some route: the last one is the fallback.
    pub fn route(&self, answers: &Map<String, Value>) -> &Route {
        self.routes
            .iter()
            .find(|route| route.matches(answers))
            .unwrap_or_else(|| &self.routes[self.routes.len() - 1])
    }

    /// Validates the answers of a submission (`{"answers": {ID: text}}`, the shape the JSON
    /// body has) against the form's questions and picks the route. Errors are keyed
    /// `answers.ID`, as on the booking form; answers to unknown questions are dropped.
    pub fn answer(
        &self,
        object: &Map<String, Value>,
    ) -> Result<(Map<String, Value>, &Route), FieldErrors> {
        let mut fields = Fields::new(object);
        let answers = fields.answers(&self.questions);
        if !fields.errors.is_empty() {
            return Err(fields.errors);
        }
        let route = self.route(&answers);
        Ok((answers, route))
    }
}

/// Every routing form of the configuration.
#[derive(Clone, Debug, Default)]
pub struct RoutingForms {
    forms: Vec<RoutingForm>,
    by_slug: HashMap<String, usize>,
    /// The file the forms were read from (for errors found later).
    source: String,
}

fn error(source: &str, key: String, message: impl Into<String>) -> ConfigError {
    ConfigError {
        source: source.to_string(),
        key,
        message: message.into(),
    }
}

fn question(
    source: &str,
    key: &dyn Fn(&str) -> String,
    entry: &QuestionConfig,
    earlier: &[Question],
) -> Result<Question, ConfigError> {
    let label = entry.label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(error(source, key("label"), "must be 1 to 200 characters"));
    }
    // Routes name questions by id, so it is never derived from the label (a reworded label
    // would silently break them).
    let Some(id) = entry.id.clone() else {
        return Err(error(
            source,
            key("id"),
            "is required on routing form questions (routes refer to it)",
        ));
    };
    let id_ok = !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !id_ok {
        return Err(error(
            source,
            key("id"),
            format!("{id:?} must be 1-40 of a-z, 0-9 and '_'"),
        ));
    }
    if earlier.iter().any(|question| question.id == id) {
        return Err(error(source, key("id"), format!("{id:?} is used twice")));
    }
    let kind = match entry.kind.as_str() {
        "text" => QuestionKind::Text,
        "textarea" => QuestionKind::Textarea,
        "select" => QuestionKind::Select,
        "phone" => QuestionKind::Phone,
        other => {
            return Err(error(
                source,
                key("kind"),
                format!("{other:?} must be text, textarea, select or phone"),
            ))
        }
    };
    let options: Vec<String> = entry
        .options
        .iter()
        .map(|option| option.trim().to_string())
        .collect();
    if kind == QuestionKind::Select && (options.is_empty() || options.iter().any(String::is_empty))
    {
        return Err(error(
            source,
            key("options"),
            "a select question needs non-empty options",
        ));
    }
    if kind != QuestionKind::Select && !options.is_empty() {
        return Err(error(
            source,
            key("options"),
            "only select questions have options",
        ));
    }
    Ok(Question {
        id,
        label: label.to_string(),
        kind,
        required: entry.required,
        options,
    })
}

impl RoutingForms {
    /// Validates `[[routing_forms]]` (read from `source`): slugs, questions, conditions and
    /// targets as written. Whether targets exist is checked by [`RoutingForms::check_events`]
    /// and [`RoutingForms::check_hosts`] against what the service runs with.
    pub fn build(entries: &[RoutingFormConfig], source: &str) -> Result<RoutingForms, ConfigError> {
        let mut forms = Vec::with_capacity(entries.len());
        let mut by_slug = HashMap::new();
        for (position, entry) in entries.iter().enumerate() {
            let key = |name: &str| format!("routing_forms[{position}].{name}");
            if !valid_slug(&entry.slug) {
                return Err(error(
                    source,
                    key("slug"),
                    format!("{:?} must be 1-64 of a-z, 0-9 and '-'", entry.slug),
                ));
            }
            if by_slug.insert(entry.slug.clone(), position).is_some() {
                return Err(error(
                    source,
                    key("slug"),
                    format!("{:?} is used twice", entry.slug),
                ));
            }
            let title = entry.title.trim();
            if title.is_empty() || title.chars().count() > 200 {
                return Err(error(source, key("title"), "must be 1 to 200 characters"));
            }
            if entry.questions.is_empty() {
                return Err(error(
                    source,
                    key("questions"),
                    "a routing form needs at least one question",
                ));
            }
            let mut questions: Vec<Question> = Vec::with_capacity(entry.questions.len());
            for (index, question_entry) in entry.questions.iter().enumerate() {
                let question_key =
                    |name: &str| format!("routing_forms[{position}].questions[{index}].{name}");
                questions.push(question(source, &question_key, question_entry, &questions)?);
            }
            if entry.routes.is_empty() {
                return Err(error(
                    source,
                    key("routes"),
                    "a routing form needs at least one route (the last one, without `when`, is the fallback)",
                ));
            }
            let last = entry.routes.len() - 1;
            let mut routes = Vec::with_capacity(entry.routes.len());
            for (index, route) in entry.routes.iter().enumerate() {
                let route_key =
                    |name: &str| format!("routing_forms[{position}].routes[{index}].{name}");
                let target = Target::parse(&route.to)
                    .map_err(|message| error(source, route_key("to"), message))?;
                let mut conditions = Vec::new();
                match &route.when {
                    None if index < last => {
                        return Err(error(
                            source,
                            route_key("when"),
                            "only the last route may leave out `when`: it is the fallback, and routes after it would never be reached",
                        ))
                    }
                    None => {}
                    Some(_) if index == last => {
                        return Err(error(
                            source,
                            route_key("when"),
                            "the last route must not have `when`: it is the fallback for answers no other route matches",
                        ))
                    }
                    Some(when) if when.is_empty() => {
                        return Err(error(
                            source,
                            route_key("when"),
                            "must name at least one question",
                        ))
                    }
                    Some(when) => {
                        for (question_id, values) in when {
                            let when_key = route_key(&format!("when.{question_id}"));
                            let Some(question) =
                                questions.iter().find(|question| &question.id == question_id)
                            else {
                                return Err(error(
                                    source,
                                    when_key,
                                    format!("{question_id:?} is not a question of this form"),
                                ));
                            };
                            let values = values.to_vec();
                            if values.is_empty() {
                                return Err(error(source, when_key, "must list at least one answer"));
                            }
                            let exact = question.kind == QuestionKind::Select;
                            let mut accepted = Vec::with_capacity(values.len());
                            for (value_index, value) in values.iter().enumerate() {
                                let value = value.trim();
                                let value_key = format!("{when_key}[{value_index}]");
                                if value.is_empty() {
                                    return Err(error(source, value_key, "must not be empty"));
                                }
                                if exact && !question.options.iter().any(|option| option == value) {
                                    return Err(error(
                                        source,
                                        value_key,
                                        format!(
                                            "{value:?} is not one of the options of question {question_id:?}"
                                        ),
                                    ));
                                }
                                accepted.push(if exact {
                                    value.to_string()
                                } else {
                                    value.to_lowercase()
                                });
                            }
                            conditions.push(Condition {
                                question: question_id.clone(),
                                values: accepted,
                                exact,
                            });
                        }
                    }
                }
                routes.push(Route {
                    index,
                    conditions,
                    target,
                });
            }
            forms.push(RoutingForm {
                slug: entry.slug.clone(),
                title: title.to_string(),
                description: entry
                    .description
                    .as_deref()
                    .map(str::trim)
                    .filter(|text| !text.is_empty())
                    .map(String::from),
                questions,
                routes,
                position,
            });
        }
        Ok(RoutingForms {
            forms,
            by_slug,
            source: source.to_string(),
        })
    }

    /// Every route that books an event type must name one `known` says exists; the error
    /// names the route's `to`.
    pub fn check_events(&self, known: impl Fn(&str) -> bool) -> Result<(), ConfigError> {
        let source = &self.source;
        for form in &self.forms {
            for route in &form.routes {
                if let Some(slug) = route.target.event() {
                    if !known(slug) {
                        return Err(error(
                            source,
                            format!(
                                "routing_forms[{}].routes[{}].to",
                                form.position, route.index
                            ),
                            format!("there is no event type {slug:?}"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every `host:` target must name one of `known_hosts` (the configured host ids).
    pub fn check_hosts(&self, known_hosts: &HashSet<&str>) -> Result<(), ConfigError> {
        let source = &self.source;
        for form in &self.forms {
            for route in &form.routes {
                if let Target::Host { host, .. } = &route.target {
                    if !known_hosts.contains(host.as_str()) {
                        return Err(error(
                            source,
                            format!(
                                "routing_forms[{}].routes[{}].to",
                                form.position, route.index
                            ),
                            format!("there is no host {host:?} in [[hosts]]"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The form named `slug`.
    pub fn get(&self, slug: &str) -> Option<&RoutingForm> {
        self.by_slug.get(slug).map(|&index| &self.forms[index])
    }

    /// All forms in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &RoutingForm> {
        self.forms.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}

/// Percent-encodes a query-string value.
fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where `target` sends the visitor, as a path on this service or an outside URL. Booking
/// pages get the answers whose ids are questions of that event type (the page fills them
/// in); other answers stay out of the URL. A target whose event type is not offered (now
/// disabled) goes to the contact form rather than a page that says it does not exist.
pub fn target_location(target: &Target, answers: &Map<String, Value>, catalog: &Catalog) -> String {
    let (event_slug, host) = match target {
        Target::Contact => return "/contact".to_string(),
        Target::Url(url) => return url.clone(),
        Target::Event(slug) => (slug, None),
        Target::Host { host, event } => (event, Some(host)),
    };
    let Some(event) = catalog.bookable(event_slug) else {
        return "/contact".to_string();
    };
    let mut query = Vec::new();
    if let Some(host) = host {
        query.push(format!("host={}", query_escape(host)));
    }
    for question in &event.questions {
        if let Some(answer) = answers.get(&question.id).and_then(Value::as_str) {
            query.push(format!("{}={}", question.id, query_escape(answer)));
        }
    }
    if query.is_empty() {
        format!("/book/{}", event.slug)
    } else {
        format!("/book/{}?{}", event.slug, query.join("&"))
    }
}

/// The funnel counter key of one route: `FORM/INDEX` (a slash never occurs in a slug, so
/// these never meet an event type's counters).
pub fn counter_key(form: &str, route: usize) -> String {
    format!("{form}/{route}")
}

/// Submissions per form and route from funnel counters (`(key, count)` with keys from
/// [`counter_key`]), for the dashboard: every configured form and route, zero included.
/// Counts under routes no longer configured are left out.
pub fn submission_counts<'a>(
    forms: &RoutingForms,
    counters: impl IntoIterator<Item = (&'a str, i64)>,
) -> Vec<Value> {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for (key, count) in counters {
        *counts.entry(key).or_insert(0) += count;
    }
    forms
        .iter()
        .map(|form| {
            let routes: Vec<Value> = form
                .routes
                .iter()
                .map(|route| {
                    let count = counts
                        .get(counter_key(&form.slug, route.index).as_str())
                        .copied()
                        .unwrap_or(0);
                    json!({
                        "route": route.index,
                        "when": route.summary(),
                        "to": route.target.as_config(),
                        "submissions": count,
                    })
                })
                .collect();
            let total: i64 = routes
                .iter()
                .map(|route| route["submissions"].as_i64().unwrap_or(0))
                .sum();
            json!({"form": form.slug, "title": form.title, "submissions": total, "routes": routes})
        })
        .collect()
}

/// A human-readable account of the routing forms, for `openslot check-config`.
pub fn describe(forms: &RoutingForms) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for form in forms.iter() {
        let _ = writeln!(out, "routing form {} (/route/{})", form.slug, form.slug);
        let _ = writeln!(out, "  title            {}", form.title);
        for question in &form.questions {
            let required = if question.required { ", required" } else { "" };
            let options = if question.options.is_empty() {
                String::new()
            } else {
                format!(": {}", question.options.join(", "))
            };
            let _ = writeln!(
                out,
                "  question         {} ({}{required}){options}",
                question.id,
                question.kind.as_str()
            );
        }
        for route in &form.routes {
            let _ = writeln!(
                out,
                "  route {:<10} {} -> {}",
                route.index,
                route.summary(),
                route.target.as_config()
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(text: &str) -> Result<RoutingForms, ConfigError> {
        let config = Config::parse(text, "test.toml")?;
        RoutingForms::build(&config.routing_forms, "test.toml")
    }

    const TALK: &str = r#"
[[routing_forms]]
slug = "talk-to-us"
title = "Talk to us"
[[routing_forms.questions]]
id = "size"
label = "Company size"
kind = "select"
options = ["1-10", "11-50", "51-500", "500+"]
[[routing_forms.questions]]
id = "topic"
label = "Topic"
[[routing_forms.routes]]
when = { size = ["51-500", "500+"], topic = "Security" }
to = "event:enterprise-demo"
[[routing_forms.routes]]
when = { size = ["51-500", "500+"] }
to = "host:ada/intro"
[[routing_forms.routes]]
when = { topic = ["press", "jobs"] }
to = "url:https://example.com/press"
[[routing_forms.routes]]
to = "event:intro"
"#;

    fn answers(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(id, value)| (id.to_string(), Value::String(value.to_string())))
            .collect()
    }

    #[test]
    fn first_matching_route_wins_and_the_last_is_the_fallback() {
        let forms = parse(TALK).unwrap();
        let form = forms.get("talk-to-us").unwrap();
        let route = |pairs: &[(&str, &str)]| form.route(&answers(pairs)).index;
        // Every listed question must match: size alone is not enough for route 0.
        assert_eq!(route(&[("size", "500+"), ("topic", "security")]), 0);
        assert_eq!(route(&[("size", "500+"), ("topic", " SECURITY ")]), 0);
        assert_eq!(route(&[("size", "51-500"), ("topic", "pricing")]), 1);
        assert_eq!(route(&[("size", "51-500")]), 1);
        // Free text compares case-insensitively; select answers exactly (after trimming).
        assert_eq!(route(&[("size", "1-10"), ("topic", "Press")]), 2);
        assert_eq!(route(&[("size", " 500+ "), ("topic", "jobs")]), 1);
        assert_eq!(route(&[("size", "500"), ("topic", "jobs")]), 2);
        assert_eq!(route(&[("size", "1-10")]), 3);
        assert_eq!(route(&[]), 3);
        assert_eq!(
            form.routes[1].target,
            Target::Host {
                host: "ada".into(),
                event: "intro".into()
            }
        );
        assert_eq!(
            form.routes[0].summary(),
            "size is 51-500 or 500+, and topic is security"
        );
        assert_eq!(form.routes[3].summary(), "otherwise (fallback)");
    }

    #[test]
    fn submissions_are_validated_before_routing() {
        let forms = parse(
            r#"
[[routing_forms]]
slug = "f"
title = "F"
[[routing_forms.questions]]
id = "size"
label = "Size"
kind = "select"
options = ["small", "large"]
required = true
[[routing_forms.questions]]
id = "phone"
label = "Phone"
kind = "phone"
[[routing_forms.routes]]
when = { size = "large" }
to = "contact"
[[routing_forms.routes]]
to = "event:intro"
"#,
        )
        .unwrap();
        let form = forms.get("f").unwrap();
        let body = |value: Value| value.as_object().unwrap().clone();
        let (answers, route) = form
            .answer(&body(json!({"answers": {"size": " large ", "other": "x"}})))
            .unwrap();
        assert_eq!(route.index, 0);
        assert_eq!(answers, body(json!({"size": "large"})));
        let errors = form.answer(&body(json!({}))).unwrap_err();
        assert_eq!(errors["answers.size"], "is required");
        let errors = form
            .answer(&body(
                json!({"answers": {"size": "medium", "phone": "call me"}}),
            ))
            .unwrap_err();
        assert!(errors.contains_key("answers.size"), "{errors:?}");
        assert!(errors.contains_key("answers.phone"), "{errors:?}");
        let errors = form
            .answer(&body(json!({"answers": ["large"]})))
            .unwrap_err();
        assert!(errors.contains_key("answers"), "{errors:?}");
    }

    #[test]
    fn targets_parse_and_print_back() {
        for text in [
            "event:intro",
            "host:ada-2/intro",
            "contact",
            "url:https://example.com/a?b=c",
            "url:http://example.com",
        ] {
            assert_eq!(Target::parse(text).unwrap().as_config(), text);
        }
        for bad in [
            "event:",
            "event:Intro",
            "host:ada",
            "host:Ada/intro",
            "host:/intro",
            "host:ada/",
            "url:ftp://example.com",
            "url:javascript:alert(1)",
            "url:https://",
            "url:https://exa mple.com",
            "mailto:a@b.c",
            "",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn errors_name_file_and_key() {
        let form = |rest: &str| {
            format!(
                "[[routing_forms]]\nslug = \"f\"\ntitle = \"F\"\n[[routing_forms.questions]]\nid = \"size\"\nlabel = \"Size\"\nkind = \"select\"\noptions = [\"small\", \"large\"]\n{rest}"
            )
        };
        let fallback = "[[routing_forms.routes]]\nto = \"contact\"\n";
        let cases = [
            (
                "[[routing_forms]]\nslug = \"Bad Slug\"\ntitle = \"F\"".to_string(),
                "`routing_forms[0].slug`",
            ),
            (
                "[[routing_forms]]\nslug = \"f\"\ntitle = \" \"".to_string(),
                "`routing_forms[0].title`",
            ),
            (
                "[[routing_forms]]\nslug = \"f\"\ntitle = \"F\"\n[[routing_forms.routes]]\nto = \"contact\"".to_string(),
                "`routing_forms[0].questions`",
            ),
            (form(""), "`routing_forms[0].routes`"),
            (
                form("[[routing_forms.questions]]\nlabel = \"No id\"\n") + fallback,
                "`routing_forms[0].questions[1].id`",
            ),
            (
                form("[[routing_forms.questions]]\nid = \"size\"\nlabel = \"Again\"\n") + fallback,
                "`routing_forms[0].questions[1].id`",
            ),
            (
                form("[[routing_forms.questions]]\nid = \"x\"\nlabel = \"X\"\nkind = \"radio\"\n")
                    + fallback,
                "`routing_forms[0].questions[1].kind`",
            ),
            (
                form("[[routing_forms.questions]]\nid = \"x\"\nlabel = \"X\"\nkind = \"select\"\n")
                    + fallback,
                "`routing_forms[0].questions[1].options`",
            ),
            (
                form("[[routing_forms.routes]]\nto = \"event:Nope\"\n"),
                "`routing_forms[0].routes[0].to`",
            ),
            (
                form("[[routing_forms.routes]]\nto = \"url:ftp://x\"\n"),
                "`routing_forms[0].routes[0].to`",
            ),
            (
                form("[[routing_forms.routes]]\nwhen = { colour = \"red\" }\nto = \"contact\"\n")
                    + fallback,
                "`routing_forms[0].routes[0].when.colour`",
            ),
            (
                form("[[routing_forms.routes]]\nwhen = { size = [\"small\", \"huge\"] }\nto = \"contact\"\n")
                    + fallback,
                "`routing_forms[0].routes[0].when.size[1]`",
            ),
            (
                form("[[routing_forms.routes]]\nwhen = { size = [] }\nto = \"contact\"\n")
                    + fallback,
                "`routing_forms[0].routes[0].when.size`",
            ),
            (
                form("[[routing_forms.routes]]\nwhen = {}\nto = \"contact\"\n") + fallback,
                "`routing_forms[0].routes[0].when`",
            ),
            (
                form("[[routing_forms.routes]]\nwhen = { size = \"small\" }\nto = \"contact\"\n"),
                "`routing_forms[0].routes[0].when`",
            ),
            (
                form("[[routing_forms.routes]]\nto = \"contact\"\n") + fallback,
                "`routing_forms[0].routes[0].when`",
            ),
            (
                form(fallback) + "[[routing_forms]]\nslug = \"f\"\ntitle = \"Twice\"\n",
                "`routing_forms[1].slug`",
            ),
        ];
        for (text, key) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.starts_with("test.toml: "), "{err}");
            assert!(err.contains(key), "{err} should name {key} in:\n{text}");
        }
        assert!(parse(&form(fallback)).is_ok());
        let err = parse("[[routing_forms]]\nslug = \"f\"\ntitle = \"F\"\nroute = []")
            .unwrap_err()
            .to_string();
        assert!(err.contains("route"), "{err}");
    }

    #[test]
    fn targets_are_checked_against_known_event_types_and_hosts() {
        let forms = parse(TALK).unwrap();
        let events = ["intro", "enterprise-demo"];
        forms.check_events(|slug| events.contains(&slug)).unwrap();
        let err = forms.check_events(|slug| slug == "intro").unwrap_err();
        assert_eq!(err.key, "routing_forms[0].routes[0].to");
        assert!(err.message.contains("enterprise-demo"), "{err}");
        // host:ada/intro books intro too.
        let err = forms
            .check_events(|slug| slug == "enterprise-demo")
            .unwrap_err();
        assert_eq!(err.key, "routing_forms[0].routes[1].to");

        forms.check_hosts(&HashSet::from(["ada", "grace"])).unwrap();
        let err = forms.check_hosts(&HashSet::from(["grace"])).unwrap_err();
        assert_eq!(err.key, "routing_forms[0].routes[1].to");
        assert!(err.to_string().contains("\"ada\""), "{err}");
    }

    #[test]
    fn booking_targets_carry_only_the_answers_the_event_type_asks() {
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
[[event_types]]
slug = "plain"
title = "Plain"
duration_minutes = 30
"#,
            "test.toml",
        )
        .unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let given = answers(&[("size", "500+"), ("topic", "secret"), ("company", "A&B Co")]);
        assert_eq!(
            target_location(&Target::Event("intro".into()), &given, &catalog),
            "/book/intro?size=500%2B&company=A%26B%20Co"
        );
        assert_eq!(
            target_location(
                &Target::Host {
                    host: "ada".into(),
                    event: "intro".into()
                },
                &answers(&[("company", "X")]),
                &catalog
            ),
            "/book/intro?host=ada&company=X"
        );
        assert_eq!(
            target_location(&Target::Event("plain".into()), &given, &catalog),
            "/book/plain"
        );
        assert_eq!(
            target_location(&Target::Contact, &given, &catalog),
            "/contact"
        );
        assert_eq!(
            target_location(
                &Target::Url("https://example.com/x".into()),
                &given,
                &catalog
            ),
            "https://example.com/x"
        );
        // Gone since start-up (disabled in /admin): the contact form, not a dead page.
        assert_eq!(
            target_location(&Target::Event("removed".into()), &given, &catalog),
            "/contact"
        );
    }

    #[test]
    fn submission_counts_cover_every_route() {
        let forms = parse(TALK).unwrap();
        let rows = submission_counts(
            &forms,
            [
                ("talk-to-us/0", 2),
                ("talk-to-us/3", 5),
                ("talk-to-us/3", 1),
                ("talk-to-us/9", 7),
                ("other/0", 4),
            ],
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["submissions"], 8);
        let per_route: Vec<i64> = rows[0]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|route| route["submissions"].as_i64().unwrap())
            .collect();
        assert_eq!(per_route, [2, 0, 0, 6]);
        assert_eq!(rows[0]["routes"][1]["to"], "host:ada/intro");
    }

    #[test]
    fn describe_lists_questions_and_routes() {
        let text = describe(&parse(TALK).unwrap());
        assert!(
            text.contains("routing form talk-to-us (/route/talk-to-us)"),
            "{text}"
        );
        assert!(
            text.contains("question         size (select): 1-10, 11-50, 51-500, 500+"),
            "{text}"
        );
        assert!(text.contains("-> event:enterprise-demo"), "{text}");
        assert!(
            text.contains("otherwise (fallback) -> event:intro"),
            "{text}"
        );
    }
}
