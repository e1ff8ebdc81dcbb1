//! The public API against the real binary: every status code of the contract.

mod common;

use common::{at, client, days_ahead, error_code, get_json, post_json, TestServer};
use jiff::{Timestamp, ToSpan};
use serde_json::{json, Value};

const CONFIG: &str = r#"
[server]
allowed_origins = ["https://www.example.com"]

[limits]
booking_per_minute = 0

[defaults]
timezone = "UTC"
hours = ["09:00-17:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
lookahead_days = 21
min_lead_minutes = 120
mode = "request"

[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30

[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 60
slot_step_minutes = 30
mode = "instant"

[[event_types]]
slug = "anytime"
title = "Any time"
duration_minutes = 30
hours = ["00:00-24:00"]

[[event_types]]
slug = "buffered"
title = "Buffered"
duration_minutes = 30
buffer_after_minutes = 30
max_per_day = 2
"#;

fn booking(event: &str, start: &str) -> Value {
    json!({"event": event, "start": start, "name": "Ada Lovelace", "email": "ada@example.com",
           "timezone": "Europe/London", "notes": "About the engine"})
}

fn starts(body: &Value) -> Vec<String> {
    body["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn availability_lists_slots_inside_the_rules() {
    let server = TestServer::start(CONFIG);
    let (status, body) = get_json(&server, "/availability").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["event"], "discovery-call");
    assert_eq!(body["duration_minutes"], 30);
    assert_eq!(body["timezone"], "UTC");
    let now = Timestamp::now();
    let slots = body["slots"].as_array().unwrap();
    assert!(
        slots.len() > 100,
        "a 21-day window of 8-hour days: {}",
        slots.len()
    );
    let mut previous: Option<Timestamp> = None;
    for slot in slots {
        let start: Timestamp = slot["start"].as_str().unwrap().parse().unwrap();
        let end: Timestamp = slot["end"].as_str().unwrap().parse().unwrap();
        assert!(slot["start"].as_str().unwrap().ends_with('Z'));
        assert_eq!(end.duration_since(start).as_secs(), 1800);
        assert!(
            start >= now.checked_add(119.minutes()).unwrap(),
            "notice: {start}"
        );
        assert!(
            start
                <= now
                    .checked_add(jiff::SignedDuration::from_hours(21 * 24))
                    .unwrap()
        );
        let civil = start.to_zoned_datetime(jiff::tz::TimeZone::UTC);
        assert!(
            (9..=16).contains(&civil.hour()),
            "inside 09:00-17:00: {start}"
        );
        assert!(previous.is_none_or(|p| p < start), "sorted and unique");
        previous = Some(start);
    }

    // One day, in another zone: the day is read in that zone.
    let day = days_ahead(3);
    let (status, body) = get_json(
        &server,
        &format!("/availability?event=consult&from={day}&to={day}&tz=America/New_York"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["timezone"], "America/New_York");
    assert_eq!(body["duration_minutes"], 60);
    let list = starts(&body);
    // 09:00-17:00 UTC with 60-minute meetings every 30 minutes: 15 starts, 09:00..16:00 UTC,
    // all of which fall on the New York date `day` (04:00-11:00 or 05:00-12:00 local).
    assert_eq!(list.len(), 15, "{list:?}");
    assert_eq!(list[0], at(day, 9, 0));
    assert_eq!(list[14], at(day, 16, 0));
}

#[tokio::test]
async fn availability_rejects_bad_parameters() {
    let server = TestServer::start(CONFIG);
    for (path, status, code) in [
        ("/availability?from=2026-13-01", 400, "invalid_date"),
        ("/availability?to=tomorrow", 400, "invalid_date"),
        (
            "/availability?from=2026-12-10&to=2026-12-01",
            400,
            "invalid_date",
        ),
        ("/availability?tz=Mars/Olympus", 400, "invalid_timezone"),
        ("/availability?event=nope", 404, "event_not_found"),
        ("/nowhere", 404, "not_found"),
    ] {
        let (got, body) = get_json(&server, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(error_code(&body), code, "{path}");
    }
    let response = client()
        .delete(server.url("/availability"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "method_not_allowed");
}

#[tokio::test]
async fn booking_is_created_and_blocks_every_event_type() {
    let server = TestServer::start(CONFIG);
    let day = days_ahead(4);
    let (status, body) = post_json(
        &server,
        "/booking",
        &booking("discovery-call", &at(day, 10, 0)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "requested");
    assert_eq!(body["event"], "discovery-call");
    assert_eq!(body["start"], at(day, 10, 0));
    assert_eq!(body["end"], at(day, 10, 30));
    assert!(body["id"].as_str().is_some_and(|id| id.len() >= 16));

    // An offset other than Z names the same instant.
    let (status, body) = post_json(
        &server,
        "/booking",
        &booking("discovery-call", &format!("{day}T11:00:00+01:00")),
    )
    .await;
    assert_eq!(status, 409, "10:00Z is taken: {body}");
    assert_eq!(error_code(&body), "slot_taken");

    // The slot is gone from every event type that overlaps it.
    let (_, body) = get_json(&server, &format!("/availability?from={day}&to={day}")).await;
    assert!(!starts(&body).contains(&at(day, 10, 0)));
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=consult&from={day}&to={day}"),
    )
    .await;
    let consult = starts(&body);
    assert!(!consult.contains(&at(day, 9, 30)) && !consult.contains(&at(day, 10, 0)));
    assert!(consult.contains(&at(day, 9, 0)) && consult.contains(&at(day, 10, 30)));

    // A longer event overlapping the end of the booking conflicts.
    let (status, body) = post_json(&server, "/booking", &booking("consult", &at(day, 9, 30))).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "slot_taken");
    // Adjacent is fine, and instant mode confirms at once.
    let (status, body) =
        post_json(&server, "/booking", &booking("consult", &at(day, 10, 30))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "confirmed");
}

#[tokio::test]
async fn buffers_and_daily_caps_are_enforced() {
    let server = TestServer::start(CONFIG);
    let day = days_ahead(5);
    let (status, _) = post_json(&server, "/booking", &booking("buffered", &at(day, 9, 0))).await;
    assert_eq!(status, 201);
    // 09:30 would start inside the 30-minute buffer after 09:00-09:30.
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=buffered&from={day}&to={day}"),
    )
    .await;
    let list = starts(&body);
    assert!(
        !list.contains(&at(day, 9, 30)) && list.contains(&at(day, 10, 0)),
        "{list:?}"
    );
    // And another type may not book into the buffer either.
    let (status, _) = post_json(
        &server,
        "/booking",
        &booking("discovery-call", &at(day, 9, 30)),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = post_json(&server, "/booking", &booking("buffered", &at(day, 11, 0))).await;
    assert_eq!(status, 201);
    // max_per_day = 2: the day is full for this type.
    let (status, body) =
        post_json(&server, "/booking", &booking("buffered", &at(day, 14, 0))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "slot_unavailable");
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=buffered&from={day}&to={day}"),
    )
    .await;
    assert!(starts(&body).is_empty());
}

#[tokio::test]
async fn starts_the_rules_never_offer_are_unavailable() {
    let server = TestServer::start(CONFIG);
    let day = days_ahead(6);
    let now = Timestamp::now();
    let next_half_hour = Timestamp::from_second((now.as_second() / 1800 + 1) * 1800).unwrap();
    let cases = [
        ("discovery-call", at(day, 10, 15)),            // off the grid
        ("discovery-call", at(day, 8, 0)),              // before hours
        ("discovery-call", at(day, 16, 45)),            // would end after 17:00
        ("discovery-call", format!("{day}T10:00:30Z")), // seconds off the grid
        ("anytime", at(days_ahead(-1), 10, 0)),         // in the past
        ("anytime", next_half_hour.to_string()),        // inside the notice
        ("anytime", at(days_ahead(30), 10, 0)),         // beyond the window
    ];
    for (event, start) in cases {
        let (status, body) = post_json(&server, "/booking", &booking(event, &start)).await;
        assert_eq!(status, 422, "{event} {start}: {body}");
        assert_eq!(error_code(&body), "slot_unavailable", "{start}");
    }
}

#[tokio::test]
async fn invalid_bookings_get_clear_errors() {
    let server = TestServer::start(CONFIG);
    let start = at(days_ahead(7), 10, 0);
    let cases = [
        (
            json!({"event": "discovery-call", "start": start, "name": "", "email": "ada@example.com"}),
            vec!["name"],
        ),
        (
            json!({"event": "discovery-call", "start": start, "name": "Ada", "email": "not-an-email"}),
            vec!["email"],
        ),
        (
            json!({"event": "discovery-call", "start": start, "name": "Ada", "email": "a@b.co", "timezone": "Nowhere/Land"}),
            vec!["timezone"],
        ),
        (
            json!({"event": "discovery-call", "start": start, "name": "Ada", "email": "a@b.co", "notes": "x".repeat(5001)}),
            vec!["notes"],
        ),
        (
            json!({"event": "discovery-call", "start": "tomorrow at ten", "name": "Ada", "email": "a@b.co"}),
            vec!["start"],
        ),
        (
            json!({"event": "discovery-call", "name": 42, "email": null}),
            vec!["start", "name", "email"],
        ),
    ];
    for (body, fields) in cases {
        let (status, answer) = post_json(&server, "/booking", &body).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(error_code(&answer), "validation_failed");
        for field in fields {
            assert!(
                answer["error"]["fields"][field].is_string(),
                "{field} in {answer}"
            );
        }
    }
    let (status, body) = post_json(&server, "/booking", &booking("no-such-event", &start)).await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&body), "event_not_found");

    let raw = |content_type: &'static str, body: Vec<u8>| {
        let url = server.url("/booking");
        async move {
            let response = client()
                .post(url)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, body) = raw("application/json", b"{\"event\": ".to_vec()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "malformed_json")
    );
    let (status, body) = raw("application/json", b"[1, 2]".to_vec()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "malformed_json")
    );
    let big = format!("{{\"notes\": \"{}\"}}", "x".repeat(70 * 1024));
    let (status, body) = raw("application/json", big.into_bytes()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (413, "payload_too_large")
    );
    let (status, body) = raw("text/plain", b"hello".to_vec()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (415, "unsupported_media_type")
    );
    let (status, body) = raw("multipart/form-data; boundary=x", b"--x--".to_vec()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (415, "unsupported_media_type")
    );
}

#[tokio::test]
async fn idempotency_key_returns_the_original_booking() {
    let server = TestServer::start(CONFIG);
    let body = booking("discovery-call", &at(days_ahead(8), 13, 0));
    let send = |key: &'static str, body: Value| {
        let url = server.url("/booking");
        async move {
            let response = client()
                .post(url)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (first_status, first) = send("retry-1", body.clone()).await;
    assert_eq!(first_status, 201, "{first}");
    let (second_status, second) = send("retry-1", body.clone()).await;
    assert_eq!(second_status, 201, "{second}");
    assert_eq!(first["id"], second["id"]);
    // Without the key the same request is a conflict.
    let (status, _) = post_json(&server, "/booking", &body).await;
    assert_eq!(status, 409);
    // The same key with a different request is refused.
    let mut other = body.clone();
    other["start"] = json!(at(days_ahead(8), 14, 0));
    let (status, answer) = send("retry-1", other).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(error_code(&answer), "idempotency_key_reused");
}

#[tokio::test]
async fn fifty_concurrent_requests_for_one_slot_have_one_winner() {
    let server = TestServer::start(CONFIG);
    let body = booking("discovery-call", &at(days_ahead(9), 15, 0));
    let mut tasks = Vec::new();
    let http = client();
    for _ in 0..50 {
        let request = http.post(server.url("/booking")).json(&body);
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        49,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn concurrent_overlapping_bookings_of_different_lengths_never_double_book() {
    let server = TestServer::start(CONFIG);
    let day = days_ahead(10);
    let http = client();
    let mut tasks = Vec::new();
    for index in 0..40 {
        let (event, hour, minute) = match index % 4 {
            0 => ("consult", 10, 0),
            1 => ("discovery-call", 10, 30),
            2 => ("consult", 10, 30),
            _ => ("discovery-call", 11, 0),
        };
        let request = http
            .post(server.url("/booking"))
            .json(&booking(event, &at(day, hour, minute)));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }));
    }
    let mut won = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status == 201 || status == 409, "{status}: {body}");
        if status == 201 {
            let start: Timestamp = body["start"].as_str().unwrap().parse().unwrap();
            let end: Timestamp = body["end"].as_str().unwrap().parse().unwrap();
            won.push((start, end));
        }
    }
    assert!(!won.is_empty());
    for (i, a) in won.iter().enumerate() {
        for b in &won[i + 1..] {
            assert!(a.1 <= b.0 || b.1 <= a.0, "overlap {a:?} {b:?}");
        }
    }
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let server = TestServer::start(CONFIG);
    let http = client();
    let allowed = http
        .get(server.url("/availability"))
        .header("origin", "https://www.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://www.example.com"
    );
    let denied = http
        .get(server.url("/availability"))
        .header("origin", "https://evil.example.net")
        .send()
        .await
        .unwrap();
    assert!(denied
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let preflight = http
        .request(reqwest::Method::OPTIONS, server.url("/booking"))
        .header("origin", "https://www.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://www.example.com"
    );
    let methods = preflight
        .headers()
        .get("access-control-allow-methods")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"));
    let bad_preflight = http
        .request(reqwest::Method::OPTIONS, server.url("/booking"))
        .header("origin", "https://evil.example.net")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(bad_preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // No allowed origins: never any CORS header.
    let closed = TestServer::start("[server]\nallowed_origins = []\n");
    let response = http
        .get(closed.url("/availability"))
        .header("origin", "https://www.example.com")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn contact_messages_are_accepted_or_explained() {
    let server = TestServer::start(CONFIG);
    let (status, body) = post_json(
        &server,
        "/contact",
        &json!({"name": "Bo", "email": "bo@example.com", "message": "None of the times suit me.",
                "preferred_times": "Weekday evenings"}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert!(body["id"].is_string());
    let (status, body) = post_json(
        &server,
        "/contact",
        &json!({"name": "Bo", "email": "bo@", "message": ""}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "validation_failed");
    assert!(body["error"]["fields"]["email"].is_string());
    assert!(body["error"]["fields"]["message"].is_string());
}

#[tokio::test]
async fn health_and_readiness() {
    let server = TestServer::start(CONFIG);
    let (status, body) = get_json(&server, "/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = get_json(&server, "/readyz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
}

#[tokio::test]
async fn logs_are_json_with_request_ids_and_no_personal_data() {
    let server = TestServer::start(CONFIG);
    let (status, _) = post_json(
        &server,
        "/booking",
        &booking("discovery-call", &at(days_ahead(11), 9, 0)),
    )
    .await;
    assert_eq!(status, 201);
    let response = client()
        .get(server.url("/availability?event=discovery-call"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "trace-123");
    // Logs are written by a background thread; poll for the line.
    let mut found = false;
    for _ in 0..100 {
        if server.logs().iter().any(|line| line.contains("trace-123")) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(found, "request line logged");
    let logs = server.logs();
    for line in logs.iter().filter(|line| !line.starts_with("stderr:")) {
        let value: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(value["level"].is_string());
        assert!(
            !line.contains("ada@example.com") && !line.contains("Lovelace"),
            "{line}"
        );
    }
    let request_line = logs.iter().find(|line| line.contains("trace-123")).unwrap();
    let value: Value = serde_json::from_str(request_line).unwrap();
    assert_eq!(value["route"], "/availability");
    assert_eq!(value["status"], 200);
    assert!(value["latency_us"].is_u64());
}
