//! `/metrics`: guarded by a bearer token (or on its own listen address), in Prometheus text
//! format, and moving when bookings happen.

mod common;

use common::{at, client, days_ahead, post_json, TestServer};
use serde_json::json;

const CONFIG: &str = r#"
[limits]
booking_per_minute = 0
[metrics]
token = "metrics-token-123"
[defaults]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"#;

async fn scrape(server: &TestServer) -> String {
    let response = client()
        .get(server.url("/metrics"))
        .header("authorization", "Bearer metrics-token-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    response.text().await.unwrap()
}

fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_need_the_token_and_move_with_bookings() {
    let server = TestServer::start(CONFIG);
    let anonymous = client().get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = client()
        .get(server.url("/metrics"))
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);

    let before = scrape(&server).await;
    let start = at(days_ahead(3), 10, 0);
    let body = json!({"event": "30min", "start": start, "name": "Ada", "email": "ada@example.com"});
    assert_eq!(post_json(&server, "/booking", &body).await.0, 201);
    assert_eq!(post_json(&server, "/booking", &body).await.0, 409);
    let off_grid = json!({"event": "30min", "start": at(days_ahead(3), 10, 7), "name": "A", "email": "a@example.com"});
    assert_eq!(post_json(&server, "/booking", &off_grid).await.0, 422);
    let _ = client()
        .get(server.url("/availability?event=30min"))
        .send()
        .await
        .unwrap();
    let _ = client()
        .get(server.url("/book/30min"))
        .send()
        .await
        .unwrap();
    let after = scrape(&server).await;

    for (series, delta) in [
        (
            "openslot_booking_attempts_total{event=\"30min\",outcome=\"created\"}",
            1.0,
        ),
        (
            "openslot_booking_attempts_total{event=\"30min\",outcome=\"slot_taken\"}",
            1.0,
        ),
        (
            "openslot_booking_attempts_total{event=\"30min\",outcome=\"slot_unavailable\"}",
            1.0,
        ),
        ("openslot_availability_queries_total{event=\"30min\"}", 1.0),
        ("openslot_booking_page_views_total{event=\"30min\"}", 1.0),
        (
            "openslot_http_requests_total{route=\"/booking\",method=\"POST\",status=\"201\"}",
            1.0,
        ),
    ] {
        assert_eq!(
            value(&after, series) - value(&before, series),
            delta,
            "{series}\n{after}"
        );
    }
    assert_eq!(
        value(&after, "openslot_bookings{status=\"requested\"}"),
        1.0,
        "{after}"
    );
    assert!(value(&after, "openslot_slots_offered_total{event=\"30min\"}") > 0.0);
    // Label order within a series carries no meaning (prometheus-client puts `le` first).
    assert!(
        after.lines().any(|line| {
            line.starts_with("openslot_http_request_duration_seconds_bucket{")
                && line.contains("route=\"/booking\"")
                && line.contains("le=\"+Inf\"")
        }),
        "{after}"
    );
    assert!(
        after.contains("# TYPE openslot_jobs gauge")
            && after.contains("openslot_job_queue_lag_seconds")
    );
}

#[tokio::test]
async fn metrics_are_off_unless_configured() {
    let server = TestServer::start("[limits]\nbooking_per_minute = 0\n");
    let response = client().get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}
