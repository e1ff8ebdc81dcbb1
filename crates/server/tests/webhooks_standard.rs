//! End to end: a subscription made through `/api/v1/webhooks` receives a booking's life
//! (requested → confirmed → rescheduled → cancelled, in order) and a contact message at a
//! loopback receiver, and every signature is checked with the Python `standardwebhooks`
//! library, an implementation of the Standard Webhooks spec independent of ours —
//! including while a rotated secret is in its grace period, and after a rotation without
//! one. The delivery log and redelivery are checked against what arrived.
//!
//! `OPENSLOT_REQUIRE_PYTHON_WEBHOOKS=1` makes a missing library a failure; otherwise the
//! Python check is skipped with a loud message (the rest still runs).

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, routing::post, Router};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use common::{
    admin::{add_user, create_token, Admin, Api},
    post_json, TestServer,
};
use serde_json::{json, Value};

const CONFIG: &str = r#"
[defaults]
timezone = "UTC"
hours = ["00:00-24:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
lookahead_days = 14
min_lead_minutes = 60
mode = "request"

[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30

[webhooks]
allow_private_targets = true
"#;

#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    content_type: String,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn kind(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_string()
    }
}

type Inbox = Arc<Mutex<Vec<Received>>>;

async fn record(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> &'static str {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    inbox.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        content_type: header("content-type"),
        body: body.to_vec(),
    });
    "ok"
}

/// A receiver on 127.0.0.1 that answers 200 and keeps every request.
async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let app = Router::new()
        .route("/hook", post(record))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/hook"), inbox)
}

/// Waits until the receiver holds `count` requests (30 s at most).
async fn wait_for(inbox: &Inbox, count: usize, server: &TestServer) -> Vec<Received> {
    for _ in 0..300 {
        let seen = inbox.lock().unwrap().clone();
        if seen.len() >= count {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen: Vec<String> = inbox.lock().unwrap().iter().map(Received::kind).collect();
    panic!(
        "expected {count} deliveries, got {seen:?}; logs: {:#?}",
        server.logs()
    );
}

const VERIFY: &str = r#"
import base64, json, sys
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
results = []
for case in json.load(open(sys.argv[1])):
    headers = {"webhook-id": case["id"], "webhook-timestamp": case["timestamp"],
               "webhook-signature": case["signature"]}
    body = base64.b64decode(case["body"])
    try:
        Webhook(case["secret"]).verify(body, headers)
        results.append(True)
    except WebhookVerificationError:
        results.append(False)
print(json.dumps(results))
"#;

/// Whether each message verifies with its secret, according to the Python
/// `standardwebhooks` library; `None` when the library is missing and not required.
fn python_verify(cases: &[(&Received, &str)]) -> Option<Vec<bool>> {
    let available = std::process::Command::new("python3")
        .args(["-c", "import standardwebhooks"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        if std::env::var("OPENSLOT_REQUIRE_PYTHON_WEBHOOKS").as_deref() == Ok("1") {
            panic!("OPENSLOT_REQUIRE_PYTHON_WEBHOOKS=1 but python3 cannot import standardwebhooks (pip install standardwebhooks)");
        }
        eprintln!("\n!!!!! SKIPPED: the Standard Webhooks signatures were NOT verified independently: python3 cannot import standardwebhooks (pip install standardwebhooks) !!!!!\n");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("verify.py");
    std::fs::write(&script, VERIFY).unwrap();
    let input = dir.path().join("cases.json");
    let cases: Vec<Value> = cases
        .iter()
        .map(|(message, secret)| {
            json!({"id": message.id, "timestamp": message.timestamp,
                   "signature": message.signature, "body": STANDARD.encode(&message.body),
                   "secret": secret})
        })
        .collect();
    std::fs::write(&input, serde_json::to_vec(&cases).unwrap()).unwrap();
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(&input)
        .output()
        .expect("run python3");
    assert!(output.status.success(), "{output:?}");
    Some(serde_json::from_slice(&output.stdout).expect("a JSON list of results"))
}

/// A fresh secret nobody signed with.
const STRANGER: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test]
async fn a_booking_life_arrives_in_order_and_verifies_with_standard_webhooks() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "integration"));
    let (url, inbox) = receiver().await;

    let (status, created) = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": url, "events": ["booking.requested", "booking.confirmed",
                    "booking.rescheduled", "booking.cancelled", "contact.received"],
                    "description": "end to end"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let webhook = created["id"].as_str().unwrap().to_string();
    let first_secret = created["secret"].as_str().unwrap().to_string();

    let (status, slots) = common::get_json(&server, "/availability?event=call").await;
    assert_eq!(status, 200, "{slots}");
    let slots = slots["slots"].as_array().unwrap();
    let start = slots[0]["start"].as_str().unwrap().to_string();
    let moved = slots[6]["start"].as_str().unwrap().to_string();
    let (status, booking) = post_json(
        &server,
        "/booking",
        &json!({"event": "call", "start": start, "name": "Ada Lovelace",
                "email": "ada@example.com", "timezone": "Europe/London"}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    let booking_id = booking["id"].as_str().unwrap().to_string();
    // Changes follow each other at once: the order must hold however deliveries run.
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{booking_id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{booking_id}/reschedule"),
            &json!({"start": moved}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let before_rotation = wait_for(&inbox, 3, &server).await;

    // Rotation with a grace period: both secrets sign what is sent now.
    let (status, rotated) = api
        .post(
            &format!("/api/v1/webhooks/{webhook}/rotate"),
            &json!({"grace_hours": 1}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let second_secret = rotated["secret"].as_str().unwrap().to_string();
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{booking_id}/cancel"),
            &json!({"reason": "plans changed"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_json(
        &server,
        "/contact",
        &json!({"name": "Bo", "email": "bo@example.com", "message": "None of the times suit me."}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let received = wait_for(&inbox, 5, &server).await;
    assert_eq!(received.len(), 5, "nothing sent twice");

    // The booking's events in the order they happened, each with the booking as it was.
    let booking_messages: Vec<&Received> = received
        .iter()
        .filter(|message| message.kind().starts_with("booking."))
        .collect();
    let kinds: Vec<String> = booking_messages.iter().map(|m| m.kind()).collect();
    assert_eq!(
        kinds,
        [
            "booking.requested",
            "booking.confirmed",
            "booking.rescheduled",
            "booking.cancelled"
        ]
    );
    let statuses: Vec<Value> = booking_messages
        .iter()
        .map(|m| m.json()["data"]["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [
            json!("requested"),
            json!("confirmed"),
            json!("confirmed"),
            json!("cancelled")
        ]
    );
    for message in &booking_messages {
        let body = message.json();
        assert_eq!(body["data"]["id"], booking_id, "{body}");
        assert!(body["timestamp"].is_string(), "{body}");
    }
    assert_eq!(booking_messages[0].json()["data"]["start"], start);
    assert_eq!(booking_messages[2].json()["data"]["start"], moved);
    let contact: Vec<&Received> = received
        .iter()
        .filter(|message| message.kind() == "contact.received")
        .collect();
    assert_eq!(contact.len(), 1);
    assert!(
        contact[0].json()["data"].is_object(),
        "{:?}",
        contact[0].json()
    );

    // Standard Webhooks headers on every message.
    let now = jiff::Timestamp::now().as_second();
    let mut ids: Vec<&str> = received.iter().map(|m| m.id.as_str()).collect();
    for message in &received {
        assert!(message.content_type.starts_with("application/json"));
        let at: i64 = message.timestamp.parse().expect("Unix seconds");
        assert!((now - at).abs() < 120, "{}", message.timestamp);
        for signature in message.signature.split(' ') {
            assert!(signature.starts_with("v1,"), "{}", message.signature);
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "one webhook-id per message");
    // Sent after the rotation: signed with both secrets.
    let after_rotation: Vec<&Received> = received
        .iter()
        .filter(|m| !before_rotation.iter().any(|b| b.id == m.id))
        .collect();
    assert_eq!(after_rotation.len(), 2);
    for message in &after_rotation {
        assert_eq!(
            message.signature.split(' ').count(),
            2,
            "{}",
            message.signature
        );
    }

    // The independent check.
    let mut cases: Vec<(&Received, &str)> = Vec::new();
    let mut expected = Vec::new();
    for message in &received {
        let signed_twice = message.signature.contains(' ');
        cases.push((message, first_secret.as_str()));
        expected.push(true);
        cases.push((message, second_secret.as_str()));
        expected.push(signed_twice);
        cases.push((message, STRANGER));
        expected.push(false);
    }
    // A byte changed in the body must not verify.
    let mut tampered = received[0].clone();
    tampered.body = String::from_utf8(tampered.body)
        .unwrap()
        .replace("Ada Lovelace", "Ada Lovelacf")
        .into_bytes();
    cases.push((&tampered, first_secret.as_str()));
    expected.push(false);
    let independent = python_verify(&cases);
    if let Some(results) = &independent {
        assert_eq!(results, &expected);
    }

    // A rotation without grace: only the newest secret signs from now on.
    let (status, rotated) = api
        .post(
            &format!("/api/v1/webhooks/{webhook}/rotate"),
            &json!({"grace_hours": 0}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let third_secret = rotated["secret"].as_str().unwrap().to_string();

    // The delivery log matches what arrived (once the worker has recorded the last one).
    let mut log = Value::Null;
    for _ in 0..100 {
        let (status, body) = api
            .get(&format!("/api/v1/webhooks/{webhook}/deliveries"))
            .await;
        assert_eq!(status, 200, "{body}");
        log = body;
        if log["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|delivery| delivery["state"] == "delivered")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = log["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 5, "{log}");
    for delivery in deliveries {
        assert_eq!(delivery["state"], "delivered", "{delivery}");
        assert_eq!(delivery["status_code"], 200, "{delivery}");
        assert_eq!(delivery["attempts"], 1, "{delivery}");
        assert!(delivery["latency_ms"].is_u64(), "{delivery}");
        let message_id = delivery["message_id"].as_str().unwrap();
        assert!(received.iter().any(|m| m.id == message_id), "{delivery}");
    }
    // Newest first.
    assert_eq!(deliveries[0]["event"], "contact.received");
    assert_eq!(deliveries[4]["event"], "booking.requested");

    // Redelivery: the same message (id and body) again, signed with the current secret.
    let first = &deliveries[4];
    let (status, queued) = api
        .post(
            &format!(
                "/api/v1/webhooks/{webhook}/deliveries/{}/redeliver",
                first["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["message_id"], first["message_id"]);
    let all = wait_for(&inbox, 6, &server).await;
    let again = &all[5];
    let original = received
        .iter()
        .find(|m| m.id == again.id)
        .expect("the same webhook-id");
    assert_eq!(again.body, original.body, "the same body");
    assert!(!again.signature.contains(' '), "no grace: one signature");
    if independent.is_some() {
        let results = python_verify(&[
            (again, third_secret.as_str()),
            (again, second_secret.as_str()),
            (again, first_secret.as_str()),
        ])
        .unwrap();
        assert_eq!(results, [true, false, false]);
    }
    let (_, log) = api
        .get(&format!("/api/v1/webhooks/{webhook}/deliveries"))
        .await;
    assert_eq!(log["deliveries"].as_array().unwrap().len(), 6, "{log}");

    // The admin page shows the same log and redelivers from it.
    let output = add_user(&server, "ops@example.com", "correct horse battery staple");
    assert!(output.status.success(), "{output:?}");
    let mut admin = Admin::new(&server);
    let (status, _) = admin
        .sign_in("ops@example.com", "correct horse battery staple")
        .await;
    assert_eq!(status, 303);
    // The receiver has the redelivery; the worker may still be recording it.
    let mut page = String::new();
    for _ in 0..100 {
        let (status, html) = admin.get(&format!("/admin/webhooks/{webhook}")).await;
        assert_eq!(status, 200);
        page = html;
        if page.matches(">delivered</span>").count() == 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(page.matches(">delivered</span>").count(), 6, "{page}");
    assert!(page.contains("HTTP 200"));
    let contact_job = deliveries[0]["id"].as_str().unwrap();
    assert!(page.contains(&format!("id=\"delivery-{contact_job}\"")));
    let (status, location, _) = admin
        .post(
            &format!("/admin/webhooks/{webhook}/deliveries/{contact_job}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(status, 303);
    assert!(
        location.ends_with("done=redelivered#deliveries"),
        "{location}"
    );
    let all = wait_for(&inbox, 7, &server).await;
    assert_eq!(all[6].id, deliveries[0]["message_id"].as_str().unwrap());

    let (_, audit) = api
        .get(&format!("/api/v1/audit?target=webhook:{webhook}"))
        .await;
    assert_eq!(
        audit.to_string().matches("webhook.redeliver").count(),
        2,
        "{audit}"
    );
}

/// Marks job `id` dead in the test server's database, as the worker does after the last
/// attempt of the ~3-day schedule (which a test against the real binary cannot wait for).
async fn bury(server: &TestServer, id: &str) {
    use sqlx::Connection;
    let url = common::database_url_for(&server.dir);
    let sql = "UPDATE jobs SET state = 'dead', last_error = 'HTTP 500' WHERE id = ";
    if url.starts_with("postgres") {
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("{sql}$1"))
            .bind(id)
            .execute(&mut connection)
            .await
            .unwrap();
    } else {
        let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("{sql}?"))
            .bind(id)
            .execute(&mut connection)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_dead_delivery_is_shown_and_redelivered_through_the_api() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "integration"));
    let (url, inbox) = receiver().await;
    let (status, created) = api
        .post(
            "/api/v1/webhooks",
            &json!({"url": url, "events": ["contact.received"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let webhook = created["id"].as_str().unwrap().to_string();
    let (status, body) = post_json(
        &server,
        "/contact",
        &json!({"name": "Bo", "email": "bo@example.com", "message": "Call me?"}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let first = wait_for(&inbox, 1, &server).await.remove(0);
    let path = format!("/api/v1/webhooks/{webhook}/deliveries");
    let mut job = Value::Null;
    for _ in 0..100 {
        job = api.get(&path).await.1["deliveries"][0].clone();
        if job["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let job_id = job["id"].as_str().unwrap().to_string();
    bury(&server, &job_id).await;
    let (_, log) = api.get(&path).await;
    assert_eq!(log["deliveries"][0]["state"], "dead", "{log}");
    assert_eq!(log["deliveries"].as_array().unwrap().len(), 1);

    // Dead: the same job goes back in the queue, and the same message arrives again.
    let (status, queued) = api
        .post(&format!("{path}/{job_id}/redeliver"), &json!({}))
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["id"], job_id.as_str());
    assert_eq!(queued["message_id"], first.id.as_str());
    let again = wait_for(&inbox, 2, &server).await.remove(1);
    assert_eq!(
        (again.id.as_str(), &again.body),
        (first.id.as_str(), &first.body)
    );
    let mut log = Value::Null;
    for _ in 0..100 {
        log = api.get(&path).await.1;
        if log["deliveries"][0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = log["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "the same job, not a new one: {log}");
    assert_eq!(deliveries[0]["state"], "delivered", "{log}");
}
