//! The OpenAPI document against the real binary: it is served, is OpenAPI 3.1, lists every
//! public operation, its links point at real operations, every documented route is really
//! served (no fallback 404/405), answers carry the documented fields, and `/api/docs`
//! renders every operation without a script of its own.

mod common;

use std::collections::BTreeSet;

use common::{client, TestServer};
use serde_json::{json, Value};

const CONFIG: &str = r#"
[limits]
booking_per_minute = 0

[defaults]
timezone = "UTC"
hours = ["00:00-24:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
lookahead_days = 14
min_lead_minutes = 0

[[event_types]]
slug = "intro-call"
title = "Intro call"
duration_minutes = 30
mode = "instant"
"#;

/// Every public operation: method, path, operation id.
const PUBLIC: &[(&str, &str, &str)] = &[
    ("get", "/availability", "getAvailability"),
    ("post", "/booking", "createBooking"),
    ("get", "/booking/{id}", "getConfirmationPage"),
    ("get", "/contact", "getContactPage"),
    ("post", "/contact", "sendContactMessage"),
    ("get", "/manage/{token}", "getManagedBooking"),
    ("post", "/manage/{token}/cancel", "cancelManagedBooking"),
    (
        "post",
        "/manage/{token}/reschedule",
        "rescheduleManagedBooking",
    ),
    ("get", "/host/{token}/approve", "getApprovalRequest"),
    ("post", "/host/{token}/approve", "approveBookingRequest"),
    ("get", "/host/{token}/decline", "getDeclineRequest"),
    ("post", "/host/{token}/decline", "declineBookingRequest"),
    ("get", "/healthz", "getHealth"),
    ("get", "/readyz", "getReadiness"),
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

async fn spec(server: &TestServer) -> Value {
    let response = client()
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .expect("GET /api/openapi.json");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    response.json().await.expect("the document is JSON")
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                found.push((method.to_string(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

/// Follows a local `$ref`.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {reference}")),
        None => value,
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_public_operation() {
    let server = TestServer::start(CONFIG);
    let spec = spec(&server).await;
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        spec["openapi"]
    );
    for (method, path, id) in PUBLIC {
        let operation = &spec["paths"][path][method];
        assert_eq!(operation["operationId"], *id, "{method} {path}");
        assert!(
            operation["tags"][0].is_string(),
            "{method} {path} has no tag"
        );
        let responses = operation["responses"].as_object().unwrap();
        assert!(!responses.is_empty(), "{method} {path} has no responses");
        for (status, response) in responses {
            let response = resolve(&spec, response);
            assert!(
                !response["description"].as_str().unwrap_or("").is_empty(),
                "{method} {path} {status} is undescribed"
            );
            // A failure answered as JSON is always the one error shape, and its
            // description names the codes it can carry.
            if status.starts_with('4') || status.starts_with('5') {
                if let Some(json) = response["content"].get("application/json") {
                    assert_eq!(
                        json["schema"]["$ref"], "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                    assert!(
                        response["description"].as_str().unwrap().contains('`'),
                        "{method} {path} {status} names no error code"
                    );
                }
            }
        }
    }
    // Public operations need no credentials.
    for (method, path, _) in PUBLIC {
        assert!(spec["paths"][path][method].get("security").is_none());
    }
    // Operation ids are unique across the whole document.
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&spec) {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(
            ids.insert(id.to_string()),
            "{method} {path}: duplicate operationId {id:?}"
        );
    }
    // Links are spelled as OpenAPI spells them and point at operations that exist.
    let mut links = 0;
    for (method, path, operation) in operations(&spec) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                links += 1;
                assert!(link.get("operation_id").is_none(), "{link}");
                let target = link["operationId"].as_str().unwrap_or_default();
                assert!(
                    ids.contains(target),
                    "{method} {path} {status} link {name} → unknown {target:?}"
                );
            }
        }
    }
    assert!(links >= 4, "only {links} links");
    // Every schema reference resolves.
    let text = spec.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let reference = reference.split('"').next().unwrap();
        assert!(
            spec.pointer(reference.trim_start_matches('#')).is_some(),
            "dangling {reference}"
        );
    }
}

#[tokio::test]
async fn every_documented_public_route_is_served() {
    let server = TestServer::start(CONFIG);
    let spec = spec(&server).await;
    let http = client();
    for (method, path, operation) in operations(&spec) {
        if path.starts_with("/api/v1") {
            continue;
        }
        let url = server.url(
            &path
                .replace("{token}", "not-a-token")
                .replace("{id}", "no-such-booking"),
        );
        let request = match method.as_str() {
            "get" => http.get(&url),
            "post" => http.post(&url).json(&json!({})),
            other => panic!("unexpected public method {other} {path}"),
        };
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body: Value =
            serde_json::from_str(&response.text().await.unwrap_or_default()).unwrap_or(Value::Null);
        // The router's own answers to an unrouted path or method.
        assert!(
            !matches!(
                body["error"]["code"].as_str(),
                Some("not_found" | "method_not_allowed")
            ),
            "{method} {path} is documented but not served: {status} {body}"
        );
        let documented = &operation["responses"];
        assert!(
            documented.get(status.to_string()).is_some(),
            "{method} {path} answered {status}, not documented"
        );
    }
}

#[tokio::test]
async fn answers_carry_exactly_the_documented_fields() {
    let server = TestServer::start(CONFIG);
    let spec = spec(&server).await;
    let properties = |name: &str| -> BTreeSet<String> {
        let schema = &spec["components"]["schemas"][name];
        let mut names: BTreeSet<String> = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, _)| key.clone())
            .collect();
        // `allOf` parts (a flattened struct) add theirs.
        for part in schema["allOf"].as_array().into_iter().flatten() {
            let part = resolve(&spec, part);
            names.extend(
                part["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(key, _)| key.clone()),
            );
        }
        assert!(!names.is_empty(), "schema {name} has no properties");
        names
    };
    let keys = |value: &Value| -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    let http = client();
    let availability: Value = http
        .get(server.url("/availability?event=intro-call"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys(&availability), properties("Availability"));
    let slot = &availability["slots"][0];
    assert_eq!(keys(slot), properties("Slot"));
    let response = http
        .post(server.url("/booking"))
        .json(
            &json!({"event": "intro-call", "start": slot["start"], "name": "Grace Hopper",
                      "email": "grace@example.com"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let booking: Value = response.json().await.unwrap();
    assert_eq!(keys(&booking), properties("PublicBooking"));
    assert_eq!(keys(&booking["host"]), properties("BookingHost"));
    let token = booking["manage_token"].as_str().unwrap();
    assert!(booking["manage_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/manage/{token}")));
    let managed: Value = http
        .get(server.url(&format!("/manage/{token}")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys(&managed), properties("ManagedBooking"));
    let response = http
        .post(server.url(&format!("/manage/{token}/cancel")))
        .json(&json!({"reason": "done"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(keys(&cancelled), properties("ManagedBooking"));
    let contact: Value = http
        .post(server.url("/contact"))
        .json(&json!({"name": "Grace", "email": "grace@example.com", "message": "hello"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys(&contact), properties("ContactReceived"));
    // The contact endpoint rejects an `event` that is not a string (schemathesis found it
    // accepted), as POST /booking does.
    let response = http
        .post(server.url("/contact"))
        .json(
            &json!({"name": "Grace", "email": "grace@example.com", "message": "hello",
                      "event": 7}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"]["event"], "must be a string");
    for (path, schema) in [("/healthz", "HealthBody"), ("/readyz", "ReadyBody")] {
        let body: Value = http
            .get(server.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(keys(&body), properties(schema), "{path}");
    }
}

#[tokio::test]
async fn api_docs_render_every_operation_without_a_script_of_their_own() {
    let server = TestServer::start(CONFIG);
    let spec = spec(&server).await;
    let response = client()
        .get(server.url("/api/docs"))
        .send()
        .await
        .expect("GET /api/docs");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = response.text().await.unwrap();
    let all = operations(&spec);
    assert!(all.len() >= PUBLIC.len());
    for (method, path, operation) in &all {
        let id = operation["operationId"].as_str().unwrap();
        assert!(
            html.contains(&format!("<code class=\"operation-id\">{id}</code>")),
            "{method} {path} ({id}) is not on the page"
        );
    }
    for (name, _) in spec["components"]["schemas"].as_object().unwrap() {
        assert!(
            html.contains(&format!("id=\"schema-{name}\"")),
            "schema {name} is not on the page"
        );
    }
    // Error codes, examples, parameters and the security scheme are shown.
    for needle in [
        "<code>slot_taken</code>",
        "<code>rate_limited</code>",
        "<code>store_unavailable</code>",
        "<code>payload_too_large</code>",
        "<code>unsupported_media_type</code>",
        "Idempotency-Key",
        "&quot;start&quot;: &quot;2027-01-04T09:30:00Z&quot;",
        "<code>api_token</code>",
        "<caption>",
    ] {
        assert!(html.contains(needle), "the page lacks {needle}");
    }
    // No inline script (the CSP would block it) and nothing from another origin.
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(tag.contains("src="), "inline script: <script{tag}>");
        assert!(!tag.contains("http"), "third-party script: <script{tag}>");
    }
    assert!(!html.contains("<link rel=\"stylesheet\" href=\"http"));
    // Descriptions are escaped: backticks become <code>, nothing else becomes markup.
    assert!(!html.contains("<code>`"));
}
