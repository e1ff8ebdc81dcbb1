//! The admin area in real headless Chromium: sign in, approve a booking request from the
//! dashboard, change an event type's hours (and see availability follow), and a desktop
//! screenshot of the dashboard with its charts.

mod common;

use std::{path::Path, time::Duration};

use common::admin::{add_user, create_token, Api};
use common::webdriver::{Browser, BrowserOptions};
use common::{at, days_ahead, get_json, post_json, TestServer};
use jiff::Timestamp;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

const EMAIL: &str = "host@example.com";
const PASSWORD: &str = "correct horse battery";

const CONFIG: &str = r#"
[limits]
booking_per_minute = 0

[defaults]
mode = "request"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
timezone = "UTC"
min_lead_minutes = 0

[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 30
"#;

fn browser(width: u32, height: u32) -> Option<Browser> {
    Browser::start(BrowserOptions {
        javascript: true,
        width,
        height,
        ..BrowserOptions::default()
    })
}

/// The starts `/availability` offers for `consult`, with `query` appended to `?event=consult`.
async fn offered(server: &TestServer, query: &str) -> Vec<String> {
    let (status, body) = get_json(server, &format!("/availability?event=consult{query}")).await;
    assert_eq!(status, 200, "{body}");
    body["slots"]
        .as_array()
        .unwrap_or_else(|| panic!("no slots in {body}"))
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_string())
        .collect()
}

/// The starts offered on one (UTC) day.
async fn offered_on(server: &TestServer, day: jiff::civil::Date) -> Vec<String> {
    offered(server, &format!("&from={day}&to={day}")).await
}

/// Waits until the browser's URL (path and query) is exactly `expected`.
async fn wait_for_path(browser: &Browser, server: &TestServer, expected: &str) {
    let want = server.url(expected);
    let want = want.as_str();
    browser
        .wait_until(WAIT, expected, move || async move {
            browser.url().await == want
        })
        .await;
}

#[tokio::test]
async fn admin_signs_in_approves_a_request_edits_an_event_type_and_availability_changes() {
    let Some(browser) = browser(1280, 1600) else {
        return;
    };
    let server = TestServer::start(CONFIG);
    let output = add_user(&server, EMAIL, PASSWORD);
    assert!(output.status.success(), "add-user failed: {output:?}");

    // Before any edit: 09:00-17:00 UTC every day, a start every 30 minutes.
    let day = days_ahead(2);
    let before = offered_on(&server, day).await;
    let expected_before: Vec<String> = (9..17)
        .flat_map(|hour| [at(day, hour, 0), at(day, hour, 30)])
        .collect();
    assert_eq!(before, expected_before, "09:00..16:30 before the edit");

    // An invitee asks for a time (the event type needs approval).
    let requested_day = days_ahead(1);
    let start = at(requested_day, 10, 0);
    assert!(
        offered_on(&server, requested_day).await.contains(&start),
        "{start} is offered"
    );
    let (status, booking) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Grace Hopper",
                "email": "grace@example.com"}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    assert_eq!(booking["status"], "requested", "{booking}");
    let id = booking["id"].as_str().expect("booking id").to_string();

    // Signing in: /admin sends an anonymous visitor to the login form.
    browser.goto(&server.url("/admin")).await;
    browser
        .wait_until(WAIT, "redirect to /admin/login", || async {
            browser.url().await.contains("/admin/login")
        })
        .await;
    browser
        .wait_for("#email", WAIT)
        .await
        .send_keys(EMAIL)
        .await;
    browser.find("#password").await.send_keys(PASSWORD).await;
    browser
        .find("form[action=\"/admin/login\"] button[type=submit]")
        .await
        .click()
        .await;
    wait_for_path(&browser, &server, "/admin").await;
    let heading = browser.wait_for("h1", WAIT).await;
    assert_eq!(heading.text().await, "Dashboard");

    // The request waits for an answer on the dashboard; approve it there.
    let pending = browser.find("#pending-h").await.text().await;
    assert!(
        pending.starts_with("Awaiting your answer"),
        "pending heading: {pending}"
    );
    assert!(pending.contains("(1)"), "one request waiting: {pending}");
    let section = browser
        .find("section[aria-labelledby=\"pending-h\"]")
        .await
        .text()
        .await;
    assert!(
        section.contains("Grace Hopper") && section.contains("grace@example.com"),
        "{section}"
    );
    let approve = format!("form[action=\"/admin/bookings/{id}/approve\"] button");
    let button = browser.find(&approve).await;
    assert_eq!(button.text().await, "Approve");
    button.click().await;
    wait_for_path(
        &browser,
        &server,
        &format!("/admin/bookings/{id}?done=approve"),
    )
    .await;
    let status = browser.wait_for("#booking-status", WAIT).await;
    assert_eq!(status.text().await, "confirmed");

    // The API agrees.
    let token = create_token(&server, "browser-test");
    let api = Api::new(&server, &token);
    let (code, body) = api.get(&format!("/api/v1/bookings/{id}")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["status"], "confirmed", "{body}");
    assert_eq!(body["start"], start.as_str(), "{body}");

    // Nothing waits any more.
    browser.goto(&server.url("/admin")).await;
    let pending = browser.wait_for("#pending-h", WAIT).await.text().await;
    assert!(pending.contains("(0)"), "no request waiting: {pending}");
    assert!(browser
        .try_find("form[action$=\"/approve\"]")
        .await
        .is_none());

    // Edit the event type: only 13:00-14:00 from now on.
    browser
        .goto(&server.url("/admin/event-types/consult"))
        .await;
    browser.wait_for("form.edit-form", WAIT).await;
    assert_eq!(
        browser.find("#f-title").await.property("value").await,
        "Consultation"
    );
    let hours = browser.find("#f-hours").await;
    assert_eq!(hours.property("value").await, "09:00-17:00");
    hours.clear().await;
    hours.send_keys("13:00-14:00").await;
    browser
        .find("form.edit-form button[type=submit].primary")
        .await
        .click()
        .await;
    wait_for_path(&browser, &server, "/admin/event-types/consult?saved=1").await;
    assert!(
        browser.try_find("[aria-invalid=true]").await.is_none(),
        "no field errors after saving"
    );
    assert_eq!(
        browser
            .wait_for("#f-hours", WAIT)
            .await
            .property("value")
            .await,
        "13:00-14:00",
        "the form shows the saved hours"
    );

    // Availability follows at once.
    assert_eq!(
        offered_on(&server, day).await,
        vec![at(day, 13, 0), at(day, 13, 30)],
        "only 13:00 and 13:30 after the edit"
    );
    let window = offered(&server, "").await;
    assert!(!window.is_empty(), "the default window still offers times");
    for start in &window {
        let time: Timestamp = start.parse().unwrap();
        let civil = time.to_zoned_datetime(jiff::tz::TimeZone::UTC);
        assert!(
            civil.hour() == 13 && (civil.minute() == 0 || civil.minute() == 30),
            "{start} is outside 13:00-14:00"
        );
    }

    // The public booking page offers the same two times on that day.
    browser
        .goto(&server.url(&format!("/book/consult?date={day}&tz=UTC")))
        .await;
    browser.wait_for("#times .time label", WAIT).await;
    browser
        .wait_js(
            "return document.getElementById('booking').getAttribute('aria-busy') === null",
            WAIT,
        )
        .await;
    let values = browser
        .execute(
            "return Array.from(document.querySelectorAll('#times input[name=start]')).map(i => i.value)",
            vec![],
        )
        .await;
    let shown: Vec<Timestamp> = values
        .as_array()
        .unwrap_or_else(|| panic!("times on the booking page: {values}"))
        .iter()
        .map(|value| value.as_str().unwrap().parse().unwrap())
        .collect();
    let expected: Vec<Timestamp> = [at(day, 13, 0), at(day, 13, 30)]
        .iter()
        .map(|start| start.parse().unwrap())
        .collect();
    assert_eq!(shown, expected, "booking page times on {day}");
    let labels: Vec<String> = {
        let mut labels = Vec::new();
        for label in browser.find_all("#times .time label").await {
            labels.push(label.text().await);
        }
        labels
    };
    // The script relabels times in the browser's locale (en-US here: "01:00 PM").
    assert_eq!(labels.len(), 2, "{labels:?}");
    for (label, (h24, h12)) in labels
        .iter()
        .zip([("13:00", "1:00 PM"), ("13:30", "1:30 PM")])
    {
        assert!(
            label == h24 || label.trim_start_matches('0') == h12,
            "time label {label:?} is not {h24}"
        );
    }

    // The dashboard at desktop size, with its charts, as a screenshot.
    browser.goto(&server.url("/admin")).await;
    assert_eq!(browser.wait_for("h1", WAIT).await.text().await, "Dashboard");
    assert!(
        browser.try_find("svg.chart.bars").await.is_some(),
        "bookings-per-day chart"
    );
    assert!(
        browser.try_find("svg.chart.heatmap").await.is_some(),
        "utilisation heatmap"
    );
    let viewport: Value = browser
        .execute("return [innerWidth, innerHeight]", vec![])
        .await;
    assert_eq!(viewport, json!([1280, 1600]), "desktop viewport");
    let width = browser
        .execute("return document.documentElement.scrollWidth", vec![])
        .await;
    assert!(
        width.as_u64().unwrap() <= 1280,
        "no horizontal scrolling at 1280px: {width}"
    );
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("admin-dashboard.png");
    let png = browser.screenshot(&path).await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG was returned");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes, png, "the PNG was written to {}", path.display());
}
