//! `GET /api/docs`: the OpenAPI document rendered for people, on the server (the page
//! security policy allows no inline script and no third-party CDN, and none is needed):
//! operations by tag with their parameters, bodies, responses, error codes, examples and
//! required scopes, then every schema.

use axum::{extract::State, http::StatusCode, response::Response, routing::get, Router};
use serde_json::{json, Value};

use crate::{http::state::AppState, web::pages::html};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/docs", get(api_docs))
}

async fn api_docs(State(state): State<AppState>) -> Response {
    let document = crate::openapi::to_json(crate::openapi::document());
    html(
        StatusCode::OK,
        state.web.render("api_docs.html", view(&document)),
    )
}

/// The page's values for an OpenAPI document (as JSON).
pub fn view(document: &Value) -> Value {
    let info = &document["info"];
    let mut tags: Vec<(String, String, Vec<Value>)> = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            Some((
                tag["name"].as_str()?.to_string(),
                tag["description"].as_str().unwrap_or("").to_string(),
                Vec::new(),
            ))
        })
        .collect();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in [
            "get", "put", "post", "delete", "patch", "options", "head", "trace",
        ] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let tag = operation["tags"][0].as_str().unwrap_or("other").to_string();
            let rendered = operation_view(document, path, method, operation, item);
            match tags.iter_mut().find(|(name, _, _)| *name == tag) {
                Some((_, _, operations)) => operations.push(rendered),
                None => tags.push((tag, String::new(), vec![rendered])),
            }
        }
    }
    let tags: Vec<Value> = tags
        .into_iter()
        .filter(|(_, _, operations)| !operations.is_empty())
        .map(|(name, description, operations)| {
            json!({
                "name": name,
                "anchor": format!("tag-{}", anchor(&name)),
                "description": inline_markup(&description),
                "operations": operations,
            })
        })
        .collect();
    let schemas: Vec<Value> = document["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            json!({
                "name": name,
                "anchor": schema_anchor(name),
                "description": inline_markup(schema["description"].as_str().unwrap_or("")),
                "rows": schema_rows(schema),
                "example": schema.get("example").map(pretty),
            })
        })
        .collect();
    let security: Vec<Value> = document["components"]["securitySchemes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, scheme)| {
            let kind = match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
                (Some("http"), Some(scheme)) => format!("HTTP {scheme}"),
                (Some(kind), _) => kind.to_string(),
                _ => String::new(),
            };
            json!({
                "name": name,
                "kind": kind,
                "description": inline_markup(scheme["description"].as_str().unwrap_or("")),
            })
        })
        .collect();
    json!({
        "title": info["title"].as_str().unwrap_or("API"),
        "version": info["version"].as_str().unwrap_or(""),
        "openapi": document["openapi"].as_str().unwrap_or(""),
        "description": inline_markup(info["description"].as_str().unwrap_or("")),
        "tags": tags,
        "schemas": schemas,
        "security": security,
        "embed": false,
    })
}

fn operation_view(
    document: &Value,
    path: &str,
    method: &str,
    operation: &Value,
    item: &Value,
) -> Value {
    let id = operation["operationId"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{method} {path}"));
    // Path-level parameters apply to every operation of the path.
    let parameters: Vec<Value> = item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(operation["parameters"].as_array().into_iter().flatten())
        .map(|parameter| {
            let parameter = resolve(document, parameter);
            let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
            json!({
                "name": parameter["name"],
                "location": parameter["in"],
                "required": parameter["required"].as_bool().unwrap_or(false),
                "type": type_label(&schema),
                "description": inline_markup(parameter["description"].as_str().unwrap_or("")),
                "example": parameter.get("example").or_else(|| schema.get("example")).map(compact),
            })
        })
        .collect();
    let request = operation.get("requestBody").map(|body| {
        let body = resolve(document, body);
        json!({
            "description": inline_markup(body["description"].as_str().unwrap_or("")),
            "required": body["required"].as_bool().unwrap_or(false),
            "contents": contents(document, &body["content"]),
        })
    });
    let responses: Vec<Value> = operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let response = resolve(document, response);
            let description = response["description"].as_str().unwrap_or("");
            let failure = status.starts_with('4') || status.starts_with('5');
            let headers: Vec<Value> = response["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, header)| {
                    json!({
                        "name": name,
                        "description": inline_markup(header["description"].as_str().unwrap_or("")),
                    })
                })
                .collect();
            json!({
                "status": status,
                "kind": if failure { "failure" } else { "success" },
                "description": inline_markup(description),
                "codes": if failure { error_codes(description) } else { Vec::new() },
                "headers": headers,
                "contents": contents(document, &response["content"]),
            })
        })
        .collect();
    let scopes: Vec<Value> = operation["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| {
            requirement.iter().map(|(scheme, scopes)| {
                let scopes: Vec<&str> = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                json!({"scheme": scheme, "scopes": scopes})
            })
        })
        .collect();
    json!({
        "id": id,
        "anchor": format!("op-{}", anchor(&id)),
        "method": method.to_ascii_uppercase(),
        "path": path,
        "summary": operation["summary"].as_str().unwrap_or(""),
        "description": inline_markup(operation["description"].as_str().unwrap_or("")),
        "deprecated": operation["deprecated"].as_bool().unwrap_or(false),
        "parameters": parameters,
        "request": request,
        "responses": responses,
        "security": scopes,
    })
}

/// The media types of a request or response body with their schema and example.
fn contents(document: &Value, content: &Value) -> Vec<Value> {
    content
        .as_object()
        .into_iter()
        .flatten()
        .map(|(media_type, media)| {
            let schema = media.get("schema").cloned().unwrap_or(Value::Null);
            // A referenced schema's own example stands in when the body has none, so every
            // operation shows one without scrolling to the schema.
            let example = media
                .get("example")
                .or_else(|| {
                    media["examples"]
                        .as_object()
                        .and_then(|examples| examples.values().next())
                        .and_then(|example| example.get("value"))
                })
                .cloned()
                .or_else(|| resolve(document, &schema).get("example").cloned());
            json!({
                "media_type": media_type,
                "type": type_label(&schema),
                "rows": if schema.get("$ref").is_some() { Vec::new() } else { schema_rows(&schema) },
                "example": example.as_ref().map(pretty),
            })
        })
        .collect()
}

/// The `code`s a failure response's description names (written in backticks).
fn error_codes(description: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for (index, part) in description.split('`').enumerate() {
        let is_code = index % 2 == 1
            && !part.is_empty()
            && part
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte == b'_')
            && part.contains('_');
        if is_code && !codes.iter().any(|code| code == part) {
            codes.push(part.to_string());
        }
    }
    codes
}

/// A `$ref` followed to what it names (one level; the document's refs are local).
fn resolve(document: &Value, value: &Value) -> Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .map(|pointer| format!("/{pointer}"))
            .and_then(|pointer| document.pointer(&pointer).cloned())
            .unwrap_or(Value::Null),
        None => value.clone(),
    }
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
}

/// A short description of a schema's type: `string (date-time)`, `array of Slot`,
/// `Booking or null`; a named schema carries a link to its section.
fn type_label(schema: &Value) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    label_parts(schema, &mut parts, 0);
    Value::Array(parts)
}

fn push_text(parts: &mut Vec<Value>, text: &str) {
    parts.push(json!({"text": text}));
}

fn label_parts(schema: &Value, parts: &mut Vec<Value>, depth: usize) {
    if depth > 6 {
        push_text(parts, "…");
        return;
    }
    if let Some(name) = ref_name(schema) {
        parts.push(json!({"text": name, "href": format!("#{}", schema_anchor(name))}));
        return;
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combinator].as_array() {
            let joiner = if combinator == "allOf" {
                " and "
            } else {
                " or "
            };
            for (index, option) in options.iter().enumerate() {
                if index > 0 {
                    push_text(parts, joiner);
                }
                label_parts(option, parts, depth + 1);
            }
            return;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        push_text(parts, if schema.is_null() { "none" } else { "any" });
        return;
    }
    for (index, kind) in types.iter().enumerate() {
        if index > 0 {
            push_text(parts, " or ");
        }
        match *kind {
            "array" => {
                push_text(parts, "array of ");
                label_parts(&schema["items"], parts, depth + 1);
            }
            "null" => push_text(parts, "null"),
            kind => {
                let mut text = kind.to_string();
                if let Some(format) = schema["format"].as_str() {
                    text.push_str(&format!(" ({format})"));
                }
                push_text(parts, &text);
            }
        }
    }
}

/// A schema's fields as table rows, nested fields indented (`depth`), so an object reads
/// as one table without scripts or recursion in the template.
fn schema_rows(schema: &Value) -> Vec<Value> {
    let mut rows = Vec::new();
    collect_rows(schema, 0, &mut rows);
    rows
}

fn collect_rows(schema: &Value, depth: usize, rows: &mut Vec<Value>) {
    if depth > 4 {
        return;
    }
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            match ref_name(part) {
                // Fields of a referenced part are listed there; say it is included.
                Some(name) => rows.push(json!({
                    "depth": depth,
                    "name": "",
                    "type": [{"text": "every field of "}, {"text": name, "href": format!("#{}", schema_anchor(name))}],
                    "required": false,
                    "description": "",
                    "constraints": "",
                })),
                None => collect_rows(part, depth, rows),
            }
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let listed: Vec<String> = values.iter().map(compact).collect();
        rows.push(json!({
            "depth": depth,
            "name": "",
            "type": type_label(schema),
            "required": false,
            "description": "",
            "constraints": format!("one of {}", listed.join(", ")),
        }));
    }
    if let Some(options) = schema["oneOf"].as_array() {
        for option in options {
            if let Some(values) = option["enum"].as_array() {
                let listed: Vec<String> = values.iter().map(compact).collect();
                rows.push(json!({
                    "depth": depth,
                    "name": "",
                    "type": type_label(option),
                    "required": false,
                    "description": inline_markup(option["description"].as_str().unwrap_or("")),
                    "constraints": format!("one of {}", listed.join(", ")),
                }));
            }
        }
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        rows.push(json!({
            "depth": depth,
            "name": name,
            "type": type_label(property),
            "required": required.contains(&name.as_str()),
            "description": inline_markup(property["description"].as_str().unwrap_or("")),
            "constraints": constraints(property),
        }));
        // Inline objects (not named schemas) are listed beneath their field.
        let inner = if property["type"] == "array" {
            &property["items"]
        } else {
            property
        };
        if inner.get("$ref").is_none() && inner["properties"].is_object() {
            collect_rows(inner, depth + 1, rows);
        }
    }
}

fn constraints(schema: &Value) -> String {
    let mut out: Vec<String> = Vec::new();
    for (key, label) in [
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
        ("minimum", "at least {}"),
        ("maximum", "at most {}"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
        ("pattern", "matches {}"),
    ] {
        if let Some(value) = schema.get(key) {
            out.push(label.replace("{}", &compact(value)));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let listed: Vec<String> = values.iter().map(compact).collect();
        out.push(format!("one of {}", listed.join(", ")));
    }
    if let Some(default) = schema.get("default") {
        out.push(format!("default {}", compact(default)));
    }
    out.join("; ")
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn schema_anchor(name: &str) -> String {
    format!("schema-{}", anchor(name))
}

/// An id attribute value: letters, digits and '-' only.
fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Escaped text with `code` spans and paragraphs: the little Markdown the descriptions
/// use. The result is HTML the template marks safe.
fn inline_markup(text: &str) -> String {
    let escaped = minijinja::HtmlEscape(text).to_string();
    let mut out = String::new();
    for (index, paragraph) in escaped.split("\n\n").enumerate() {
        if paragraph.trim().is_empty() {
            continue;
        }
        if index > 0 || escaped.contains("\n\n") {
            out.push_str("<p>");
        }
        for (part_index, part) in paragraph.split('`').enumerate() {
            if part_index % 2 == 1 {
                out.push_str("<code>");
                out.push_str(part);
                out.push_str("</code>");
            } else {
                out.push_str(part);
            }
        }
        if index > 0 || escaped.contains("\n\n") {
            out.push_str("</p>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_the_snake_case_words_in_backticks() {
        assert_eq!(
            error_codes("`slot_taken`: someone else; `event_not_found` (withdrawn); see `Retry-After`, `true`, `slot_taken`"),
            vec!["slot_taken", "event_not_found"]
        );
    }

    #[test]
    fn descriptions_are_escaped_before_code_spans_are_marked() {
        assert_eq!(
            inline_markup("a <b> `x_y` & \"q\""),
            "a &lt;b&gt; <code>x_y</code> &amp; &quot;q&quot;"
        );
        assert_eq!(inline_markup("one\n\ntwo"), "<p>one</p><p>two</p>");
    }

    #[test]
    fn type_labels_name_formats_arrays_nullables_and_references() {
        let label = |schema: Value| {
            type_label(&schema)
                .as_array()
                .unwrap()
                .iter()
                .map(|part| part["text"].as_str().unwrap().to_string())
                .collect::<String>()
        };
        assert_eq!(
            label(json!({"type": "string", "format": "date-time"})),
            "string (date-time)"
        );
        assert_eq!(
            label(json!({"type": "array", "items": {"$ref": "#/components/schemas/Slot"}})),
            "array of Slot"
        );
        assert_eq!(label(json!({"type": ["string", "null"]})), "string or null");
        let parts = type_label(&json!({"$ref": "#/components/schemas/Slot"}));
        assert_eq!(parts[0]["href"], "#schema-Slot");
    }
}
