//! Webhook subscriptions managed through `/api/v1/webhooks` and `/admin/webhooks` against
//! the real binary: CRUD, validation, the internal-target refusal, scopes, secrets shown
//! once, rotation, CSRF and the audit trail.

mod common;

use std::process::Command;

use common::{
    admin::{add_user, create_token, input_value, Admin, Api},
    binary, database_url_for, error_code, TestServer,
};
use reqwest::Method;
use serde_json::{json, Value};

/// Internal targets refused, as in production.
const CONFIG: &str = r#"
[defaults]
timezone = "UTC"

[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30
"#;

const PASSWORD: &str = "correct horse battery staple";

/// `openslot admin create-token NAME --scope …`; returns the printed secret.
fn scoped_token(server: &TestServer, name: &str, scopes: &[&str]) -> String {
    let mut command = Command::new(binary());
    command
        .current_dir(&server.dir)
        .env("OPENSLOT_DATABASE_URL", database_url_for(&server.dir))
        .env("OPENSLOT_CONFIG", server.dir.join("openslot.toml"))
        .args(["admin", "create-token", name]);
    for scope in scopes {
        command.args(["--scope", scope]);
    }
    let output = command.output().expect("create-token");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

async fn signed_in(server: &TestServer) -> Admin {
    let output = add_user(server, "ops@example.com", PASSWORD);
    assert!(output.status.success(), "{output:?}");
    let mut admin = Admin::new(server);
    let (status, body) = admin.sign_in("ops@example.com", PASSWORD).await;
    assert_eq!(status, 303, "{body}");
    admin
}

/// `text` as the pages escape it.
fn html(text: &str) -> String {
    text.replace('/', "&#x2f;")
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_object()
        .map(|fields| fields.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn subscriptions_are_created_read_changed_rotated_and_deleted_through_the_api() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "integration"));

    let (status, body) = api.get("/api/v1/webhooks").await;
    assert_eq!((status, body.clone()), (200, json!({"webhooks": []})));

    // The name does not resolve in the test network: accepted, as every delivery checks
    // the address again.
    let (status, created) = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://crm.example.com/hooks/openslot",
                    "events": ["booking.confirmed", "booking.cancelled", "booking.confirmed"],
                    "description": "CRM sync"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(created["url"], "https://crm.example.com/hooks/openslot");
    assert_eq!(
        created["events"],
        json!(["booking.confirmed", "booking.cancelled"])
    );
    assert_eq!(created["active"], true);
    assert_eq!(created["description"], "CRM sync");
    assert!(created.get("previous_secret_expires_at").is_none());

    // The secret is never shown again.
    let (status, read) = api.get(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(status, 200, "{read}");
    assert!(read.get("secret").is_none(), "{read}");
    assert!(!read.to_string().contains(&secret));
    let (_, list) = api.get("/api/v1/webhooks").await;
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&secret));

    // PATCH changes only what is sent.
    let (status, patched) = api
        .send(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}"),
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["active"], false);
    assert_eq!(patched["description"], "CRM sync");
    assert_eq!(patched["events"], created["events"]);

    // PUT replaces: what is left out takes its default.
    let (status, replaced) = api
        .send(
            Method::PUT,
            &format!("/api/v1/webhooks/{id}"),
            Some(&json!({"url": "http://crm.example.com/v2", "events": ["contact.received"]})),
        )
        .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["url"], "http://crm.example.com/v2");
    assert_eq!(replaced["events"], json!(["contact.received"]));
    assert_eq!(replaced["active"], true);
    assert_eq!(replaced["description"], "");
    let (status, body) = api
        .send(
            Method::PUT,
            &format!("/api/v1/webhooks/{id}"),
            Some(&json!({"description": "no url"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["events", "url"]);

    // Rotation: a new secret, the old one signing for the grace period.
    let (status, rotated) = api
        .post(
            &format!("/api/v1/webhooks/{id}/rotate"),
            &json!({"grace_hours": 2}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let second = rotated["secret"].as_str().unwrap();
    assert!(second.starts_with("whsec_") && second != secret);
    let until: jiff::Timestamp = rotated["previous_secret_expires_at"]
        .as_str()
        .expect("grace period shown")
        .parse()
        .unwrap();
    let hours = until.duration_since(jiff::Timestamp::now()).as_hours();
    assert!(hours == 1 || hours == 2, "{until}");
    // No body: the default grace period; 0: the old secret stops at once.
    let (status, rotated) = api
        .send(Method::POST, &format!("/api/v1/webhooks/{id}/rotate"), None)
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert!(rotated["previous_secret_expires_at"].is_string());
    let (status, rotated) = api
        .post(
            &format!("/api/v1/webhooks/{id}/rotate"),
            &json!({"grace_hours": 0}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert!(rotated.get("previous_secret_expires_at").is_none());
    let (status, body) = api
        .post(
            &format!("/api/v1/webhooks/{id}/rotate"),
            &json!({"grace_hours": 1000}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["grace_hours".into()]));

    // Nothing was delivered yet.
    let (status, log) = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!((status, log), (200, json!({"deliveries": []})));
    for limit in ["x", "0", "201"] {
        let (status, body) = api
            .get(&format!("/api/v1/webhooks/{id}/deliveries?limit={limit}"))
            .await;
        assert_eq!((status, error_code(&body).as_str()), (400, "invalid_query"));
    }
    let (status, body) = api
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/nope/redeliver"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "delivery_not_found")
    );

    // Every change is audited, and no secret reaches the audit log.
    let (_, audit) = api.get(&format!("/api/v1/audit?target=webhook:{id}")).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    for action in ["webhook.create", "webhook.update", "webhook.rotate"] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
    assert!(!audit.to_string().contains("whsec_"), "{audit}");

    let (status, _) = api
        .send(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 204);
    for (method, path) in [
        (Method::GET, format!("/api/v1/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        (Method::POST, format!("/api/v1/webhooks/{id}/rotate")),
        (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
    ] {
        let (status, body) = api.send(method, &path, None).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (404, "webhook_not_found"),
            "{path}"
        );
    }
    let (_, audit) = api.get(&format!("/api/v1/audit?target=webhook:{id}")).await;
    assert!(audit.to_string().contains("webhook.delete"));
}

#[tokio::test]
async fn invalid_subscriptions_and_internal_targets_are_refused() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "integration"));
    let cases = [
        (json!({}), vec!["events", "url"]),
        (
            json!({"url": "ftp://example.com/x", "events": ["booking.confirmed"]}),
            vec!["url"],
        ),
        (
            json!({"url": "https://example.com/x", "events": []}),
            vec!["events"],
        ),
        (
            json!({"url": "https://example.com/x", "events": ["booking.moved"]}),
            vec!["events"],
        ),
        (
            json!({"url": "https://example.com/x", "events": "booking.confirmed"}),
            vec!["events"],
        ),
        (
            json!({"url": 7, "events": ["booking.confirmed"], "active": "yes"}),
            vec!["active", "url"],
        ),
        (
            json!({"url": "https://example.com/x", "events": ["booking.confirmed"],
                   "description": "x".repeat(501)}),
            vec!["description"],
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = api.post("/api/v1/webhooks", &body).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(error_code(&answer), "validation_failed", "{answer}");
        assert_eq!(fields(&answer), expected, "{body}: {answer}");
    }
    // Loopback, private, link-local (metadata) and names that resolve inside.
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost/hook",
    ] {
        let (status, answer) = api
            .post(
                "/api/v1/webhooks",
                &json!({"url": url, "events": ["booking.confirmed"]}),
            )
            .await;
        assert_eq!(status, 422, "{url}: {answer}");
        assert_eq!(error_code(&answer), "target_not_allowed", "{url}: {answer}");
        assert!(answer["error"]["fields"]["url"].is_string());
    }
    // Nor can an existing subscription be pointed inside.
    let (status, created) = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://crm.example.com/hook", "events": ["booking.confirmed"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, answer) = api
        .send(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}"),
            Some(&json!({"url": "http://192.168.1.1/"})),
        )
        .await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (422, "target_not_allowed")
    );
    let (_, list) = api.get("/api/v1/webhooks").await;
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 1);
    assert_eq!(list["webhooks"][0]["url"], "https://crm.example.com/hook");

    // Bodies that are not JSON objects.
    let response = common::client()
        .post(server.url("/api/v1/webhooks"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("[1]")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = common::client()
        .post(server.url("/api/v1/webhooks"))
        .bearer_auth(&api.token)
        .body("url=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);

    // The flag lets internal targets through (what the delivery tests rely on).
    let open = TestServer::start(&format!(
        "{CONFIG}\n[webhooks]\nallow_private_targets = true\n"
    ));
    let api = Api::new(&open, &create_token(&open, "integration"));
    let (status, answer) = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/hook", "events": ["booking.confirmed"]}),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
}

#[tokio::test]
async fn webhook_scopes_are_required() {
    let server = TestServer::start(CONFIG);
    let admin = Api::new(&server, &create_token(&server, "admin"));
    let (status, created) = admin
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://crm.example.com/hook", "events": ["booking.confirmed"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let reader = Api::new(
        &server,
        &scoped_token(&server, "reader", &["webhooks:read"]),
    );
    let writer = Api::new(
        &server,
        &scoped_token(&server, "writer", &["webhooks:write", "webhooks:read"]),
    );
    let other = Api::new(&server, &scoped_token(&server, "other", &["bookings:read"]));
    let new = json!({"url": "https://crm.example.com/other", "events": ["contact.received"]});
    let reads = [
        (Method::GET, "/api/v1/webhooks".to_string(), None),
        (Method::GET, format!("/api/v1/webhooks/{id}"), None),
        (
            Method::GET,
            format!("/api/v1/webhooks/{id}/deliveries"),
            None,
        ),
    ];
    let writes = [
        (
            Method::POST,
            "/api/v1/webhooks".to_string(),
            Some(new.clone()),
        ),
        (
            Method::PATCH,
            format!("/api/v1/webhooks/{id}"),
            Some(json!({"description": "x"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/webhooks/{id}"),
            Some(new.clone()),
        ),
        (Method::POST, format!("/api/v1/webhooks/{id}/rotate"), None),
        (
            Method::POST,
            format!("/api/v1/webhooks/{id}/deliveries/none/redeliver"),
            None,
        ),
    ];
    for (method, path, body) in &reads {
        let (status, answer) = reader.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
        let (status, answer) = other.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert_eq!(error_code(&answer), "insufficient_scope");
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("webhooks:read"));
    }
    for (method, path, body) in &writes {
        let (status, answer) = reader.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert_eq!(error_code(&answer), "insufficient_scope");
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("webhooks:write"));
        let (status, answer) = writer.send(method.clone(), path, body.as_ref()).await;
        assert!(
            [200, 201, 404].contains(&status),
            "{method} {path}: {status} {answer}"
        );
    }
    let (status, _) = reader
        .send(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 403);
    let (status, _) = writer
        .send(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 204);
    // No token at all.
    let anonymous = Api::new(&server, "not-a-token");
    let (status, answer) = anonymous.get("/api/v1/webhooks").await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (401, "unauthorized")
    );
}

#[tokio::test]
async fn subscriptions_are_managed_from_the_admin_pages() {
    let server = TestServer::start(CONFIG);
    let admin = signed_in(&server).await;

    let (status, page) = admin.get("/admin/webhooks").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("href=\"/admin/webhooks\" aria-current=\"page\""));
    assert!(page.contains("No subscriptions."));
    let (status, form) = admin.get("/admin/webhooks/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"booking.rescheduled\""));

    // Mistakes come back on the form, with what was typed.
    let (status, _, page) = admin
        .post(
            "/admin/webhooks",
            &[("url", "ftp://example.com/x"), ("description", "typed")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("id=\"e-url\"") && page.contains("id=\"e-events\""));
    assert_eq!(input_value(&page, "description").as_deref(), Some("typed"));
    let (status, _, page) = admin
        .post(
            "/admin/webhooks",
            &[
                ("url", "http://127.0.0.1/hook"),
                ("events", "booking.confirmed"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("internal address"), "{page}");

    // Created: the secret is on this page and never again.
    let (status, _, page) = admin
        .post(
            "/admin/webhooks",
            &[
                ("url", "https://crm.example.com/hook"),
                ("events", "booking.confirmed"),
                ("events", "contact.received"),
                ("active", "1"),
                ("description", "CRM"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let marker = "id=\"webhook-secret\">";
    let at = page.find(marker).expect("secret shown") + marker.len();
    let secret = page[at..at + page[at..].find('<').unwrap()].to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let (_, list) = admin.get("/admin/webhooks").await;
    assert!(
        list.contains(&html("https://crm.example.com/hook")),
        "{list}"
    );
    assert!(!list.contains(&secret));
    let at = list.find("id=\"webhook-").expect("a row") + "id=\"webhook-".len();
    let id = list[at..at + list[at..].find('"').unwrap()].to_string();
    let (status, detail) = admin.get(&format!("/admin/webhooks/{id}")).await;
    assert_eq!(status, 200);
    assert!(!detail.contains(&secret) && !detail.contains("whsec_"));
    assert!(detail.contains("No messages yet."));
    assert!(detail.contains("value=\"contact.received\" checked"));

    // Without the session's CSRF token nothing changes.
    for path in [
        format!("/admin/webhooks/{id}"),
        format!("/admin/webhooks/{id}/rotate"),
        format!("/admin/webhooks/{id}/delete"),
    ] {
        let (status, _, body) = admin.post_raw(&path, &[("csrf", "forged")]).await;
        assert_eq!(status, 403, "{path}");
        assert!(body.contains("csrf_failed"), "{body}");
    }

    // Edit.
    let (status, location, _) = admin
        .post(
            &format!("/admin/webhooks/{id}"),
            &[
                ("url", "https://crm.example.com/hook2"),
                ("events", "booking.cancelled"),
                ("description", "paused"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/admin/webhooks/{id}?done=saved").as_str())
    );
    let (_, detail) = admin.get(&format!("/admin/webhooks/{id}?done=saved")).await;
    assert!(detail.contains("Saved."));
    assert!(detail.contains("value=\"booking.cancelled\" checked"));
    assert!(!detail.contains("value=\"contact.received\" checked"));
    assert!(!detail.contains("name=\"active\" value=\"1\" checked"));
    let (status, _, page) = admin
        .post(
            &format!("/admin/webhooks/{id}"),
            &[("url", "https://crm.example.com/hook2")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"e-events\""));

    // Rotate: the new secret once, and the old one's grace period.
    let (status, _, page) = admin
        .post(
            &format!("/admin/webhooks/{id}/rotate"),
            &[("grace_hours", "12")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let at = page.find(marker).expect("new secret shown") + marker.len();
    let rotated = &page[at..at + page[at..].find('<').unwrap()];
    assert!(rotated.starts_with("whsec_") && rotated != secret);
    assert!(page.contains("The previous secret also signs until"));
    let (status, _, _) = admin
        .post(
            &format!("/admin/webhooks/{id}/rotate"),
            &[("grace_hours", "-3")],
        )
        .await;
    assert_eq!(status, 422);

    // The API sees the same subscription.
    let api = Api::new(&server, &create_token(&server, "reader"));
    let (_, read) = api.get(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(read["url"], "https://crm.example.com/hook2");
    assert_eq!(read["active"], false);
    assert!(read["previous_secret_expires_at"].is_string());

    // Delete.
    let (status, location, _) = admin
        .post(&format!("/admin/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/webhooks?done=deleted")
    );
    let (_, list) = admin.get("/admin/webhooks?done=deleted").await;
    assert!(list.contains("Subscription deleted") && list.contains("No subscriptions."));
    let (status, _) = admin.get(&format!("/admin/webhooks/{id}")).await;
    assert_eq!(status, 404);

    let (_, audit) = admin
        .get(&format!("/admin/audit?target=webhook:{id}"))
        .await;
    for action in [
        "webhook.create",
        "webhook.update",
        "webhook.rotate",
        "webhook.delete",
    ] {
        assert!(audit.contains(action), "{action}");
    }
    assert!(audit.contains("admin:ops@example.com"));
    assert!(!audit.contains("whsec_"));

    // Signed out: the sign-in page, not the subscriptions.
    let anonymous = Admin::new(&server);
    for path in [
        "/admin/webhooks",
        "/admin/webhooks/new",
        &format!("/admin/webhooks/{id}"),
    ] {
        let (status, _) = anonymous.get(path).await;
        assert_eq!(status, 303, "{path}");
    }
    let (status, _, _) = anonymous
        .post_raw(
            "/admin/webhooks",
            &[("csrf", "x"), ("url", "https://example.com")],
        )
        .await;
    assert_eq!(status, 401);
}
