//! Scoped API tokens against the real binary: each scope opens its own `/api/v1` routes
//! and nothing else (403 `insufficient_scope` naming the scope), `admin` opens all, tokens
//! from before scopes are admin, an expired token is 401, and tokens are made with scopes
//! and an expiry from the command line and from `/admin/tokens`.

mod common;

use common::{
    admin::{add_host_user, add_user, create_token, create_token_with, Admin},
    at, client, database_url_for, days_ahead, error_code, post_json, postgres_backend, TestServer,
};
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

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
"#;

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

/// One answer of `/api/v1`: status, `WWW-Authenticate` and the JSON body.
struct Answer {
    status: u16,
    challenge: Option<String>,
    body: Value,
}

async fn call(
    server: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Answer {
    let mut request = client()
        .request(method, server.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    Answer {
        status,
        challenge,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// Every `/api/v1` route: method, path, body, the scope it needs, and what a token holding
/// that scope gets. The requests are chosen to change nothing (unknown ids, invalid bodies),
/// so the order in which tokens call them does not matter.
fn routes(booking: &str, host: &str) -> Vec<(Method, String, Option<Value>, &'static str, u16)> {
    let empty = Some(json!({}));
    vec![
        (
            Method::GET,
            "/api/v1/bookings".into(),
            None,
            "bookings:read",
            200,
        ),
        (
            Method::GET,
            "/api/v1/bookings.csv".into(),
            None,
            "bookings:read",
            200,
        ),
        (
            Method::GET,
            format!("/api/v1/bookings/{booking}"),
            None,
            "bookings:read",
            200,
        ),
        (
            Method::GET,
            "/api/v1/bookings/missing".into(),
            None,
            "bookings:read",
            404,
        ),
        (
            Method::POST,
            "/api/v1/bookings/missing/cancel".into(),
            empty.clone(),
            "bookings:write",
            404,
        ),
        (
            Method::POST,
            format!("/api/v1/bookings/{booking}/frobnicate"),
            empty.clone(),
            "bookings:write",
            404,
        ),
        (
            Method::GET,
            "/api/v1/event-types".into(),
            None,
            "event_types:read",
            200,
        ),
        (
            Method::GET,
            "/api/v1/event-types/consult".into(),
            None,
            "event_types:read",
            200,
        ),
        (
            Method::POST,
            "/api/v1/event-types".into(),
            empty.clone(),
            "event_types:write",
            422,
        ),
        (
            Method::PUT,
            "/api/v1/event-types/consult".into(),
            Some(json!({"title": 7})),
            "event_types:write",
            422,
        ),
        (
            Method::POST,
            "/api/v1/event-types/consult/frobnicate".into(),
            None,
            "event_types:write",
            404,
        ),
        (Method::GET, "/api/v1/hosts".into(), None, "hosts:read", 200),
        (
            Method::GET,
            format!("/api/v1/hosts/{host}"),
            None,
            "hosts:read",
            200,
        ),
        (
            Method::POST,
            "/api/v1/hosts".into(),
            empty.clone(),
            "hosts:write",
            422,
        ),
        (
            Method::PUT,
            "/api/v1/hosts/missing".into(),
            empty.clone(),
            "hosts:write",
            404,
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{host}/frobnicate"),
            None,
            "hosts:write",
            404,
        ),
        (
            Method::GET,
            format!("/api/v1/hosts/{host}/calendars"),
            None,
            "hosts:read",
            200,
        ),
        (
            Method::POST,
            format!("/api/v1/hosts/{host}/calendars"),
            empty.clone(),
            "hosts:write",
            422,
        ),
        (
            Method::GET,
            "/api/v1/calendars/missing".into(),
            None,
            "hosts:read",
            404,
        ),
        (
            Method::DELETE,
            "/api/v1/calendars/missing".into(),
            None,
            "hosts:write",
            404,
        ),
        (
            Method::POST,
            "/api/v1/calendars/missing/sync".into(),
            None,
            "hosts:write",
            404,
        ),
        (
            Method::GET,
            format!("/api/v1/hosts/{host}/calendar-accounts"),
            None,
            "hosts:read",
            200,
        ),
        (
            Method::GET,
            "/api/v1/calendar-accounts/missing".into(),
            None,
            "hosts:read",
            404,
        ),
        (
            Method::DELETE,
            "/api/v1/calendar-accounts/missing".into(),
            None,
            "hosts:write",
            404,
        ),
        (
            Method::GET,
            "/api/v1/calendar-accounts/missing/calendars".into(),
            None,
            "hosts:read",
            404,
        ),
        (
            Method::PUT,
            "/api/v1/calendar-accounts/missing/calendars".into(),
            empty.clone(),
            "hosts:write",
            404,
        ),
        (Method::GET, "/api/v1/dashboard".into(), None, "admin", 200),
        (
            Method::GET,
            "/api/v1/jobs/failed".into(),
            None,
            "admin",
            200,
        ),
        (
            Method::POST,
            "/api/v1/jobs/missing/retry".into(),
            None,
            "admin",
            409,
        ),
        (Method::GET, "/api/v1/audit".into(), None, "audit:read", 200),
    ]
}

fn assert_refused(answer: &Answer, scope: &str, what: &str) {
    assert_eq!(answer.status, 403, "{what}: {}", answer.body);
    assert_eq!(error_code(&answer.body), "insufficient_scope", "{what}");
    assert_eq!(
        answer.body["error"]["message"],
        format!("this token lacks the scope `{scope}`"),
        "{what}"
    );
    assert_eq!(
        answer.challenge.as_deref(),
        Some(format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"").as_str()),
        "{what}"
    );
}

async fn a_booking(server: &TestServer) -> String {
    let start = at(days_ahead(2), 10, 0);
    let body =
        json!({"event": "consult", "start": start, "name": "Ada", "email": "ada@example.com"});
    let (status, body) = post_json(server, "/booking", &body).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

fn token(server: &TestServer, name: &str, scopes: &[&str]) -> String {
    let mut args = Vec::new();
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    let output = create_token_with(server, name, &args);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn each_scope_opens_its_routes_and_no_others() {
    let server = TestServer::start(CONFIG);
    let booking = a_booking(&server).await;
    // No --scope: admin, as every token made before scopes existed.
    let admin = create_token(&server, "everything");
    let hosts = call(&server, &admin, Method::GET, "/api/v1/hosts", None).await;
    assert_eq!(hosts.status, 200, "{}", hosts.body);
    let host = hosts.body["hosts"][0]["id"].as_str().unwrap().to_string();
    let routes = routes(&booking, &host);
    for (method, path, body, _, expected) in &routes {
        let answer = call(&server, &admin, method.clone(), path, body.as_ref()).await;
        assert_eq!(
            answer.status, *expected,
            "admin {method} {path}: {}",
            answer.body
        );
    }
    for scope in SCOPES {
        let secret = token(&server, scope, &[scope]);
        for (method, path, body, needed, expected) in &routes {
            let answer = call(&server, &secret, method.clone(), path, body.as_ref()).await;
            let what = format!("{scope} token, {method} {path}");
            if scope == "admin" || scope == *needed {
                assert_eq!(answer.status, *expected, "{what}: {}", answer.body);
                assert_eq!(answer.challenge, None, "{what}");
            } else {
                assert_refused(&answer, needed, &what);
            }
        }
    }
    // Several scopes: each opens its own routes.
    let both = token(&server, "both", &["bookings:write", "audit:read"]);
    for (method, path, body, needed, expected) in &routes {
        let answer = call(&server, &both, method.clone(), path, body.as_ref()).await;
        if ["bookings:write", "audit:read"].contains(needed) {
            assert_eq!(answer.status, *expected, "{method} {path}: {}", answer.body);
        } else {
            assert_refused(&answer, needed, &format!("{method} {path}"));
        }
    }
    // A write scope acts: the booking is approved with bookings:write alone.
    let writer = token(&server, "writer", &["bookings:write"]);
    let answer = call(
        &server,
        &writer,
        Method::POST,
        &format!("/api/v1/bookings/{booking}/approve"),
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["status"], "confirmed");
    // No token at all is still 401, with a bearer challenge.
    let anonymous = client()
        .get(server.url("/api/v1/bookings"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn the_scope_is_checked_before_the_body_is_read() {
    let server = TestServer::start(CONFIG);
    let reader = token(&server, "reader", &["event_types:read"]);
    let response = client()
        .post(server.url("/api/v1/event-types"))
        .bearer_auth(&reader)
        .header("content-type", "text/plain")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "insufficient_scope");
    // The same body with the scope is refused for what it is.
    let writer = token(&server, "writer", &["event_types:write"]);
    let response = client()
        .post(server.url("/api/v1/event-types"))
        .bearer_auth(&writer)
        .header("content-type", "text/plain")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
}

/// Runs SQL on the test server's database.
async fn execute(server: &TestServer, sql: &str) {
    use sqlx::Connection;
    let url = database_url_for(&server.dir);
    if postgres_backend() {
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::Executor::execute(&mut connection, sql).await.unwrap();
    } else {
        let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::Executor::execute(&mut connection, sql).await.unwrap();
    }
}

#[tokio::test]
async fn expired_tokens_are_unauthorized_and_old_tokens_are_admin() {
    let server = TestServer::start(CONFIG);
    let secret = token(&server, "short-lived", &["bookings:read"]);
    assert_eq!(
        call(&server, &secret, Method::GET, "/api/v1/bookings", None)
            .await
            .status,
        200
    );
    // Its expiry passes (moved into the past rather than waited for).
    execute(
        &server,
        "UPDATE credentials SET expires_at = 1000 WHERE name = 'short-lived'",
    )
    .await;
    let answer = call(&server, &secret, Method::GET, "/api/v1/bookings", None).await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(error_code(&answer.body), "unauthorized");
    let message = answer.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("expired"), "{message}");
    assert!(
        answer
            .challenge
            .as_deref()
            .is_some_and(|challenge| challenge.starts_with("Bearer error=\"invalid_token\"")),
        "{:?}",
        answer.challenge
    );
    // An unknown token is not said to have expired.
    let answer = call(&server, "os_unknown", Method::GET, "/api/v1/bookings", None).await;
    assert_eq!(answer.status, 401);
    assert!(!answer.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));

    // A token row written without scopes (as before the scopes migration) is admin.
    let old = "os_written_before_scopes";
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(old.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
    };
    execute(
        &server,
        &format!(
            "INSERT INTO credentials (id, kind, token_hash, user_email, name, csrf, created_at)
             VALUES ('old', 'api_token', '{hash}', 'cli', 'old', '', 10)"
        ),
    )
    .await;
    for path in ["/api/v1/dashboard", "/api/v1/audit", "/api/v1/event-types"] {
        let answer = call(&server, old, Method::GET, path, None).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }
}

#[tokio::test]
async fn the_command_line_checks_scopes_and_expiry() {
    let server = TestServer::start(CONFIG);
    let output = create_token_with(&server, "typo", &["--scope", "bookings:reed"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("\"bookings:reed\""), "{error}");
    for scope in SCOPES {
        assert!(error.contains(scope), "lists {scope}: {error}");
    }
    assert!(output.stdout.is_empty(), "no token printed");
    for days in ["0", "3651", "-1", "soon"] {
        let output = create_token_with(&server, "bad", &["--expires-in-days", days]);
        assert!(!output.status.success(), "{days}: {output:?}");
        assert!(output.stdout.is_empty());
    }
    let output = create_token_with(
        &server,
        "limited",
        &[
            "--scope",
            "bookings:read",
            "--scope",
            "hosts:read",
            "--expires-in-days",
            "30",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let secret = String::from_utf8(output.stdout).unwrap().trim().to_string();
    assert!(secret.starts_with("os_"), "{secret}");
    assert_eq!(
        call(&server, &secret, Method::GET, "/api/v1/hosts", None)
            .await
            .status,
        200
    );
    let answer = call(&server, &secret, Method::GET, "/api/v1/audit", None).await;
    assert_refused(&answer, "audit:read", "audit");
    // The page lists it with its scopes and expiry.
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let mut admin = Admin::new(&server);
    assert_eq!(admin.sign_in("ops@example.com", PASSWORD).await.0, 303);
    let (_, page) = admin.get("/admin/tokens").await;
    let row = token_row(&page, "limited");
    assert!(
        row.contains("<code>bookings:read</code> <code>hosts:read</code>"),
        "{row}"
    );
    assert!(!row.contains("never"), "{row}");
}

/// The table row of the token named `name` on `/admin/tokens`.
fn token_row<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("<tr><td>{name}</td>"))
        .unwrap_or_else(|| panic!("no row for {name} in {page}"));
    let end = page[at..].find("</tr>").unwrap() + at;
    &page[at..end]
}

fn new_secret(page: &str) -> String {
    let start = page.find("id=\"new-token\">").expect("secret shown") + "id=\"new-token\">".len();
    page[start..start + 67].to_string()
}

#[tokio::test]
async fn the_admin_form_makes_scoped_expiring_tokens_within_the_makers_role() {
    let server = TestServer::start(CONFIG);
    let booking = a_booking(&server).await;
    assert!(add_user(&server, "lead@example.com", PASSWORD)
        .status
        .success());
    let mut lead = Admin::new(&server);
    assert_eq!(lead.sign_in("lead@example.com", PASSWORD).await.0, 303);
    let (_, form) = lead.get("/admin/tokens").await;
    for scope in SCOPES {
        assert!(
            form.contains(&format!(
                "<input type=\"checkbox\" name=\"scope\" value=\"{scope}\">"
            )),
            "checkbox for {scope}"
        );
    }
    assert!(form.contains("name=\"expires_in_days\""));

    let (status, _, page) = lead
        .post(
            "/admin/tokens",
            &[
                ("name", "crm"),
                ("scope", "bookings:read"),
                ("scope", "webhooks:write"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let crm = new_secret(&page);
    let row = token_row(&page, "crm");
    assert!(
        row.contains("<code>bookings:read</code> <code>webhooks:write</code>"),
        "{row}"
    );
    assert!(!row.contains("never"), "has an expiry: {row}");
    let answer = call(&server, &crm, Method::GET, "/api/v1/bookings", None).await;
    assert_eq!(
        (answer.status, answer.body["total"].as_i64()),
        (200, Some(1))
    );
    let answer = call(
        &server,
        &crm,
        Method::POST,
        &format!("/api/v1/bookings/{booking}/approve"),
        None,
    )
    .await;
    assert_refused(&answer, "bookings:write", "confirm");

    // Nothing ticked: admin, and no expiry.
    let (status, _, page) = lead.post("/admin/tokens", &[("name", "ops")]).await;
    assert_eq!(status, 200, "{page}");
    let row = token_row(&page, "ops");
    assert!(
        row.contains("<code>admin</code>") && row.contains("never"),
        "{row}"
    );

    // Refused: an unknown scope, a bad expiry.
    for fields in [
        [
            ("name", "x"),
            ("scope", "bookings:everything"),
            ("expires_in_days", ""),
        ],
        [("name", "x"), ("scope", "admin"), ("expires_in_days", "0")],
        [
            ("name", "x"),
            ("scope", "admin"),
            ("expires_in_days", "many"),
        ],
    ] {
        let (status, _, page) = lead.post("/admin/tokens", &fields).await;
        assert_eq!(status, 422, "{fields:?}: {page}");
        assert!(!page.contains("id=\"new-token\""), "{fields:?}");
    }
    let (_, list) = lead.get("/admin/tokens").await;
    assert!(!list.contains("<tr><td>x</td>"), "nothing was made");

    // The maker becomes a host user of another host: the token keeps its scopes and
    // takes on the maker's role, so it sees none of the default host's bookings.
    let answer = call(&server, &crm, Method::GET, "/api/v1/hosts", None).await;
    assert_refused(&answer, "hosts:read", "hosts");
    let admin_token = create_token(&server, "setup");
    let answer = call(
        &server,
        &admin_token,
        Method::POST,
        "/api/v1/hosts",
        Some(&json!({"id": "ada", "name": "Ada", "email": "ada@example.com"})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert!(add_host_user(&server, "lead@example.com", PASSWORD, "ada")
        .status
        .success());
    let answer = call(&server, &crm, Method::GET, "/api/v1/bookings", None).await;
    assert_eq!(
        (answer.status, answer.body["total"].as_i64()),
        (200, Some(0)),
        "{}",
        answer.body
    );
    let answer = call(&server, &crm, Method::GET, "/api/v1/event-types", None).await;
    assert_refused(&answer, "event_types:read", "event types");
}
