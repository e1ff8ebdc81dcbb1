//! `/api/v1` against its own OpenAPI document, on the real binary: every operation the
//! served document lists declares exactly one scope, a token without that scope is refused
//! with 403 `insufficient_scope` naming it, a token with it (or `admin`) is let through to
//! an answer the document lists; and the typed answers still carry every field they
//! carried as hand-built JSON.

mod common;

use std::process::Command;

use common::{
    admin::{create_token, Api},
    at, database_url_for, days_ahead, post_json, TestServer,
};
use reqwest::Method;
use serde_json::{json, Value};

const CONFIG: &str = r#"
[limits]
booking_per_minute = 0
[defaults]
mode = "request"
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 0
[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 30
[[event_types.questions]]
id = "company"
label = "Company"
[mail]
smtp_url = "smtp://127.0.0.1:1"
max_attempts = 1
ops_inbox = "ops@example.com"
"#;

/// The scopes of the issue, spelled as tokens carry them.
const SCOPES: [&str; 10] = [
    "bookings:read",
    "bookings:write",
    "event_types:read",
    "event_types:write",
    "hosts:read",
    "hosts:write",
    "webhooks:read",
    "webhooks:write",
    "audit:read",
    "admin",
];

/// `openslot admin create-token NAME --scope SCOPE`; returns the printed secret.
fn scoped_token(server: &TestServer, name: &str, scope: &str) -> String {
    let output = Command::new(common::binary())
        .current_dir(&server.dir)
        .env("OPENSLOT_CONFIG", server.dir.join("openslot.toml"))
        .env("OPENSLOT_DATABASE_URL", database_url_for(&server.dir))
        .args(["admin", "create-token", name, "--scope", scope])
        .output()
        .expect("create-token");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

struct Operation {
    method: Method,
    path: String,
    id: String,
    scopes: Vec<String>,
    statuses: Vec<String>,
    has_body: bool,
}

async fn document(server: &TestServer) -> Value {
    let response = common::client()
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn v1_operations(document: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let shown = format!("{method} {path}");
            let security = operation["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{shown} has no security"));
            assert_eq!(security.len(), 1, "{shown}: one requirement");
            let requirement = security[0].as_object().unwrap();
            assert_eq!(
                requirement.keys().collect::<Vec<_>>(),
                ["api_token"],
                "{shown}"
            );
            let scopes: Vec<String> = requirement["api_token"]
                .as_array()
                .unwrap()
                .iter()
                .map(|scope| scope.as_str().unwrap().to_string())
                .collect();
            found.push(Operation {
                method,
                path: path.clone(),
                id: operation["operationId"].as_str().expect(&shown).to_string(),
                scopes,
                statuses: operation["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect(),
                has_body: operation.get("requestBody").is_some(),
            });
        }
    }
    found
}

/// The operation's path with ids nothing has, so no call changes anything.
fn concrete(path: &str) -> String {
    path.replace("{id}", "drift-missing")
        .replace("{slug}", "drift-missing")
}

async fn call(api: &Api, operation: &Operation) -> (u16, Option<String>, Value) {
    let mut request = api
        .client
        .request(
            operation.method.clone(),
            format!("{}{}", api.base, concrete(&operation.path)),
        )
        .bearer_auth(&api.token);
    if operation.has_body {
        request = request.json(&json!({}));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_string());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, challenge, body)
}

#[tokio::test]
async fn every_v1_operation_declares_one_scope_and_the_server_enforces_it() {
    let server = TestServer::start(CONFIG);
    let document = document(&server).await;
    let operations = v1_operations(&document);
    assert!(operations.len() >= 35, "{} operations", operations.len());
    let tokens: Vec<(&str, Api)> = SCOPES
        .iter()
        .map(|scope| {
            let token = scoped_token(&server, &format!("drift-{scope}"), scope);
            (*scope, Api::new(&server, &token))
        })
        .collect();
    for operation in &operations {
        let shown = format!("{} {} ({})", operation.method, operation.path, operation.id);
        assert_eq!(operation.scopes.len(), 1, "{shown}: exactly one scope");
        let needed = operation.scopes[0].as_str();
        assert!(SCOPES.contains(&needed), "{shown}: unknown scope {needed}");
        for status in ["401", "403"] {
            assert!(
                operation.statuses.iter().any(|listed| listed == status),
                "{shown} does not document {status}"
            );
        }
        for (scope, api) in &tokens {
            let (status, challenge, body) = call(api, operation).await;
            let code = body["error"]["code"].as_str().unwrap_or_default();
            if *scope == needed || *scope == "admin" {
                assert_ne!(code, "insufficient_scope", "{shown} with {scope}: {body}");
                assert!(
                    operation
                        .statuses
                        .iter()
                        .any(|listed| listed == &status.to_string()),
                    "{shown} with {scope}: {status} is not documented: {body}"
                );
            } else {
                assert_eq!(
                    (status, code),
                    (403, "insufficient_scope"),
                    "{shown} with {scope}: {body}"
                );
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.contains(needed), "{shown}: {message}");
                assert_eq!(
                    challenge.as_deref(),
                    Some(
                        format!("Bearer error=\"insufficient_scope\", scope=\"{needed}\"").as_str()
                    ),
                    "{shown}"
                );
            }
        }
    }
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn assert_has(value: &Value, fields: &[&str], what: &str) {
    let present = keys(value);
    for field in fields {
        assert!(
            present.iter().any(|key| key == field),
            "{what} lost `{field}`: {value}"
        );
    }
}

/// The fields each answer had when it was built with `json!` (before the typed structs).
const BOOKING_FIELDS: [&str; 22] = [
    "id",
    "host",
    "hosts",
    "status",
    "event",
    "event_title",
    "start",
    "end",
    "start_local",
    "name",
    "email",
    "timezone",
    "notes",
    "answers",
    "answer_rows",
    "created_at",
    "updated_at",
    "confirmed_at",
    "reason",
    "sequence",
    "manage_url",
    "location",
];

#[tokio::test]
async fn typed_answers_keep_every_field() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "fields"));
    let start = at(days_ahead(3), 10, 0);
    let (status, created) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Ada", "email": "ada@example.com",
                "timezone": "Europe/London", "answers": {"company": "Engines"}}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();

    let (status, list) = api.get("/api/v1/bookings").await;
    assert_eq!(status, 200, "{list}");
    assert_has(&list, &["bookings", "total", "page"], "the booking list");
    let listed = &list["bookings"][0];
    assert_has(listed, &BOOKING_FIELDS, "a listed booking");
    assert_has(&listed["host"], &["id", "name"], "a booking's host");
    assert_has(&listed["hosts"][0], &["id", "name"], "a booking's hosts");
    assert_eq!(listed["status"], "requested");
    assert_eq!(
        listed["answer_rows"],
        json!([{"label": "Company", "value": "Engines"}])
    );

    let (status, detail) = api.get(&format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 200, "{detail}");
    assert_has(&detail, &BOOKING_FIELDS, "a booking");
    assert_has(&detail, &["history"], "a booking");
    assert_has(
        &detail["history"][0],
        &["at", "at_local", "actor", "action", "after"],
        "a history entry",
    );
    assert_eq!(
        detail["history"][0]["after"],
        json!({"status": "requested"})
    );

    let (status, approved) = api
        .post(&format!("/api/v1/bookings/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_has(&approved, &BOOKING_FIELDS, "an approved booking");
    assert_eq!(approved["status"], "confirmed");
    let (status, cancelled) = api
        .send(Method::POST, &format!("/api/v1/bookings/{id}/cancel"), None)
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (status, detail) = api.get(&format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 200);
    let history = detail["history"].as_array().unwrap();
    assert_has(
        history.last().unwrap(),
        &["at", "at_local", "actor", "action", "before", "after"],
        "a later history entry",
    );

    let (status, types) = api.get("/api/v1/event-types").await;
    assert_eq!(status, 200, "{types}");
    assert_has(
        &types["event_types"][0],
        &["slug", "enabled", "position", "definition", "updated_at"],
        "a listed event type",
    );
    let (status, one) = api.get("/api/v1/event-types/consult").await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["definition"]["title"], "Consultation");
    let (status, disabled) = api
        .post("/api/v1/event-types/consult/disable", &json!({}))
        .await;
    assert_eq!(status, 200, "{disabled}");
    assert_has(
        &disabled,
        &["slug", "enabled", "position", "definition"],
        "a saved event type",
    );
    assert_eq!(disabled["enabled"], false);

    let (status, hosts) = api.get("/api/v1/hosts").await;
    assert_eq!(status, 200, "{hosts}");
    let host = &hosts["hosts"][0];
    assert_has(
        host,
        &["id", "enabled", "position", "definition", "updated_at"],
        "a listed host",
    );
    let host_id = host["id"].as_str().unwrap();
    let (status, calendars) = api.get(&format!("/api/v1/hosts/{host_id}/calendars")).await;
    assert_eq!(status, 200, "{calendars}");
    assert_eq!(calendars, json!({"calendars": []}));
    let (status, accounts) = api
        .get(&format!("/api/v1/hosts/{host_id}/calendar-accounts"))
        .await;
    assert_eq!(status, 200, "{accounts}");
    assert_eq!(accounts, json!({"accounts": []}));

    let (status, dashboard) = api.get("/api/v1/dashboard").await;
    assert_eq!(status, 200, "{dashboard}");
    assert_has(
        &dashboard,
        &[
            "range",
            "funnel",
            "funnel_total",
            "per_day",
            "heatmap",
            "today",
            "upcoming",
            "pending",
            "failed_jobs",
            "calendars",
            "hosts",
            "routing",
        ],
        "the dashboard",
    );
    assert!(dashboard.get("charts").is_none(), "no drawings in the API");
    assert_has(
        &dashboard["range"],
        &["from", "to", "event", "timezone"],
        "the range",
    );
    assert_has(
        &dashboard["funnel_total"],
        &[
            "event",
            "title",
            "page_views",
            "availability_loads",
            "attempts",
            "created",
            "confirmed",
            "rates",
        ],
        "the funnel",
    );
    assert_has(
        &dashboard["funnel_total"]["rates"],
        &[
            "availability_per_view",
            "attempt_per_availability",
            "created_per_attempt",
            "confirmed_per_created",
            "created_per_view",
        ],
        "the funnel rates",
    );
    assert_has(
        &dashboard["calendars"],
        &["total", "needs_reconnect", "failing", "stale"],
        "calendar health",
    );
    assert_has(
        &dashboard["hosts"][0],
        &[
            "id",
            "name",
            "enabled",
            "bookings",
            "booked_minutes",
            "available_minutes",
            "utilisation",
        ],
        "a host's load",
    );
    assert_has(&dashboard["per_day"][0], &["day", "created"], "a day");

    // The mail jobs fail at once (no SMTP server, one attempt) and show as dead.
    let mut jobs = Value::Null;
    for _ in 0..100 {
        let (status, body) = api.get("/api/v1/jobs/failed").await;
        assert_eq!(status, 200, "{body}");
        if body["jobs"].as_array().is_some_and(|jobs| !jobs.is_empty()) {
            jobs = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let job = &jobs["jobs"][0];
    assert_has(
        job,
        &[
            "id",
            "kind",
            "label",
            "state",
            "attempts",
            "max_attempts",
            "last_error",
            "booking_id",
            "run_at",
            "dead",
        ],
        "a failed job",
    );
    let job_id = job["id"].as_str().unwrap();
    let (status, retried) = api
        .post(&format!("/api/v1/jobs/{job_id}/retry"), &json!({}))
        .await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried, json!({"id": job_id, "state": "queued"}));

    let (status, audit) = api.get("/api/v1/audit").await;
    assert_eq!(status, 200, "{audit}");
    assert_has(
        &audit["entries"][0],
        &[
            "id",
            "at",
            "at_local",
            "actor",
            "action",
            "target",
            "target_query",
            "before",
            "after",
            "before_text",
            "after_text",
        ],
        "an audit entry",
    );
}
