//! The booking page in real headless Chromium: with and without JavaScript, a lost race,
//! embedded on another origin, keyboard only, and a 320px screenshot.

mod common;

use std::time::Duration;

use common::webdriver::{Browser, BrowserOptions};
use common::{client, TestServer};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

fn config(extra_origins: &[String]) -> String {
    let origins: Vec<String> = extra_origins.iter().map(|o| format!("\"{o}\"")).collect();
    format!(
        r##"
[server]
allowed_origins = [{}]

[limits]
booking_per_minute = 0

[branding]
organisation = "Acme Consulting"

[defaults]
timezone = "Europe/London"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 120

[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30
[[event_types.questions]]
label = "Company"
required = true
"##,
        origins.join(", ")
    )
}

fn browser(javascript: bool, width: u32, height: u32) -> Option<Browser> {
    Browser::start(BrowserOptions {
        javascript,
        width,
        height,
        ..BrowserOptions::default()
    })
}

async fn booked_starts(server: &TestServer) -> usize {
    // A booked slot disappears from availability; count what is left for comparison.
    let body: Value = client()
        .get(server.url("/availability?event=discovery-call"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["slots"].as_array().unwrap().len()
}

/// Picks the first available day and its first time (JS on); returns the chosen start.
async fn pick_first_time(browser: &Browser) -> String {
    browser.wait_for("#days button.day", WAIT).await;
    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    browser.find("#times .time label").await.click().await;
    let start = browser
        .execute(
            "return document.querySelector('#times input[name=start]:checked').value",
            vec![],
        )
        .await;
    start.as_str().unwrap().to_string()
}

/// Fills name, email and the company question, then submits.
async fn fill_details(browser: &Browser, name: &str, email: &str, company: &str) {
    browser.find("#name").await.send_keys(name).await;
    browser.find("#email").await.send_keys(email).await;
    browser
        .find("#answer_company")
        .await
        .send_keys(company)
        .await;
    browser.find("#submit").await.click().await;
}

/// Picks the first free time, fills the form and submits (JS on); returns the start.
async fn fill_and_submit(browser: &Browser, name: &str) -> String {
    let start = pick_first_time(browser).await;
    fill_details(browser, name, "ada@example.com", "Analytical Engines").await;
    start
}

#[tokio::test]
async fn book_end_to_end_with_javascript() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    let before = booked_starts(&server).await;
    browser.goto(&server.url("/book/discovery-call")).await;
    let start = fill_and_submit(&browser, "Ada Lovelace").await;
    browser.wait_for("#confirmation h2", WAIT).await;
    let text = browser.find("#confirmation").await.text().await;
    assert!(text.contains("Request received"), "{text}");
    assert!(
        text.contains("you will get a confirmation by email"),
        "{text}"
    );
    assert!(
        browser.url().await.ends_with("/book/discovery-call"),
        "no reload"
    );
    assert_eq!(booked_starts(&server).await, before - 1);
    // The time is gone for the next visitor.
    let body: Value = client()
        .get(server.url("/availability?event=discovery-call"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .any(|slot| slot["start"] == start.as_str()));
}

#[tokio::test]
async fn book_end_to_end_without_javascript() {
    let Some(browser) = browser(false, 1200, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    browser
        .goto(&server.url("/book/discovery-call?tz=America/New_York"))
        .await;
    // Without JS the server-rendered day links navigate.
    let link = browser.find("#days a.day").await;
    let href = link.attr("href").await.unwrap();
    assert!(
        href.contains("date=") && href.contains("tz=America"),
        "{href}"
    );
    link.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    browser.find("#times .time label").await.click().await;
    fill_details(&browser, "Bo NoScript", "bo@example.com", "Plain HTML Ltd").await;
    browser.wait_for("#confirmation-heading", WAIT).await;
    assert!(browser.url().await.contains("/booking/"));
    let text = browser.find("main").await.text().await;
    assert!(text.contains("Request received"), "{text}");
    assert!(
        text.contains("America/New_York") && text.contains("Europe/London"),
        "{text}"
    );
}

#[tokio::test]
async fn losing_a_race_explains_refreshes_and_keeps_the_form() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    browser.goto(&server.url("/book/discovery-call")).await;
    let chosen = pick_first_time(&browser).await;
    // Someone else books that time first.
    let (status, _) = common::post_json(
        &server,
        "/booking",
        &json!({"event": "discovery-call", "start": chosen, "name": "Fast", "email": "fast@example.com",
                "answers": {"company": "Quick"}}),
    )
    .await;
    assert_eq!(status, 201);
    fill_details(&browser, "Slow Visitor", "slow@example.com", "Late Ltd").await;
    browser
        .wait_js(
            "return /just taken/.test(document.getElementById('status').textContent)",
            WAIT,
        )
        .await;
    browser
        .wait_js(
            "return document.getElementById('booking').getAttribute('aria-busy') === null",
            WAIT,
        )
        .await;
    let offered = browser
        .execute(
            "return Array.from(document.querySelectorAll('#times input[name=start]')).map(i => i.value)",
            vec![],
        )
        .await;
    assert!(
        !offered
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == chosen.as_str()),
        "taken time removed"
    );
    let name = browser.find("#name").await.property("value").await;
    assert_eq!(name, "Slow Visitor");
    assert!(browser
        .find("#confirmation")
        .await
        .attr("hidden")
        .await
        .is_some());
}

/// A site on another loopback origin that embeds the widget. Bound first (its origin goes
/// in the booking server's `allowed_origins`), told the booking URL once that server runs.
async fn start_site() -> (String, std::sync::Arc<std::sync::Mutex<String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let booking_base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let base = booking_base.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let booking_base = base.lock().unwrap().clone();
            async move {
                axum::response::Html(format!(
                    r#"<!doctype html><html><head><title>Customer site</title>
<script>window.__booked = []; window.addEventListener("openslot:booked", function (e) {{ window.__booked.push(e.detail); }});</script>
<script src="{booking_base}/embed.js" async></script></head>
<body><h1>Our services</h1>
<div id="inline" data-openslot="{booking_base}/book/discovery-call"></div>
<button id="popup" data-openslot-popup="{booking_base}/book/discovery-call">Book a call</button>
</body></html>"#
                ))
            }
        }),
    );
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (origin, booking_base)
}

#[tokio::test]
async fn embedded_widget_books_from_another_origin() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let (origin, booking_base) = start_site().await;
    let server = TestServer::start(&config(std::slice::from_ref(&origin)));
    *booking_base.lock().unwrap() = server.base.clone();
    browser.goto(&format!("{origin}/")).await;
    let frame = browser.wait_for("#inline iframe", WAIT).await;
    browser
        .wait_js(
            "var f = document.querySelector('#inline iframe'); return !!f && f.offsetHeight > 480;",
            WAIT,
        )
        .await;
    browser.switch_to_frame(&frame).await;
    let start = fill_and_submit(&browser, "Embedded Ada").await;
    browser.wait_for("#confirmation h2", WAIT).await;
    browser.switch_to_parent().await;
    browser
        .wait_js("return window.__booked.length === 1", WAIT)
        .await;
    let booked = browser.execute("return window.__booked[0]", vec![]).await;
    assert_eq!(booked["start"], start.as_str());
    assert!(booked["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(booked["event"], "discovery-call");

    // The popup button opens the same page in an overlay.
    browser.find("#popup").await.click().await;
    let popup_frame = browser.wait_for("[role=dialog] iframe", WAIT).await;
    browser.switch_to_frame(&popup_frame).await;
    browser.wait_for("#days button.day", WAIT).await;
    browser.switch_to_parent().await;
}

/// Presses Tab until `condition` (a JS expression on `el`, the focused element) holds.
async fn tab_until(browser: &Browser, condition: &str) {
    let script = format!("var el = document.activeElement; return !!(el && ({condition}));");
    for _ in 0..120 {
        if browser.execute(&script, vec![]).await == Value::Bool(true) {
            return;
        }
        browser.press_keys("\u{E004}").await;
    }
    panic!("never reached an element where {condition}");
}

#[tokio::test]
async fn keyboard_only_booking() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    browser.goto(&server.url("/book/discovery-call")).await;
    browser.wait_for("#days button.day", WAIT).await;
    browser
        .wait_js(
            "return document.getElementById('booking').getAttribute('aria-busy') === null",
            WAIT,
        )
        .await;
    tab_until(&browser, "el.matches('#days button.day')").await;
    // Focus is visible.
    let outline = browser
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await;
    assert_ne!(outline, "none", "focused day shows an outline");
    browser.press_keys("\u{E007}").await; // Enter picks the day
    browser.wait_for("#times .time label", WAIT).await;
    tab_until(&browser, "el.matches('#times input[name=start]')").await;
    browser.press_keys(" ").await; // Space selects the time
    let checked = browser
        .execute(
            "return !!document.querySelector('#times input[name=start]:checked')",
            vec![],
        )
        .await;
    assert_eq!(checked, Value::Bool(true));
    tab_until(&browser, "el.id === 'name'").await;
    browser.press_keys("Kay Board").await;
    tab_until(&browser, "el.id === 'email'").await;
    browser.press_keys("kay@example.com").await;
    tab_until(&browser, "el.id === 'answer_company'").await;
    browser.press_keys("Keys Inc").await;
    tab_until(&browser, "el.id === 'submit'").await;
    browser.press_keys("\u{E007}").await;
    browser.wait_for("#confirmation h2", WAIT).await;
    let focused = browser
        .execute("return document.activeElement.id", vec![])
        .await;
    assert_eq!(focused, "confirmation", "focus moves to the confirmation");
}

#[tokio::test]
async fn narrow_screen_screenshot() {
    let Some(browser) = browser(true, 320, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    browser.goto(&server.url("/book/discovery-call")).await;
    browser.wait_for("#times .time label", WAIT).await;
    browser
        .wait_js(
            "return document.getElementById('booking').getAttribute('aria-busy') === null",
            WAIT,
        )
        .await;
    let width = browser
        .execute("return document.documentElement.scrollWidth", vec![])
        .await;
    let viewport = browser.execute("return window.innerWidth", vec![]).await;
    assert!(
        width.as_u64().unwrap() <= viewport.as_u64().unwrap(),
        "no horizontal scrolling at 320px: {width} > {viewport}"
    );
    let directory =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("booking-320px.png");
    browser.screenshot(&path).await;
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG was written");
}

#[tokio::test]
async fn cancel_and_reschedule_from_the_manage_page() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let server = TestServer::start(&config(&[]));
    let body: Value = client()
        .get(server.url("/availability?event=discovery-call"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = body["slots"][0]["start"].as_str().unwrap().to_string();
    let (status, booking) = common::post_json(
        &server,
        "/booking",
        &json!({"event": "discovery-call", "start": first, "name": "Mo", "email": "mo@example.com",
                "timezone": "Europe/London", "answers": {"company": "M"}}),
    )
    .await;
    assert_eq!(status, 201);
    let manage_url = booking["manage_url"].as_str().unwrap();
    let path = &manage_url[manage_url.find("/manage/").unwrap()..];
    browser.goto(&server.url(path)).await;
    browser.wait_for("#reschedule-form", WAIT).await;
    let before = browser.find("#booking-when").await.text().await;
    // Pick another day, then its first time, and move.
    let days = browser.find_all("#days a.day").await;
    assert!(days.len() > 1);
    days[1].click().await;
    browser.wait_for("#times .time label", WAIT).await;
    browser.find("#times .time label").await.click().await;
    browser.find("#reschedule-submit").await.click().await;
    browser
        .wait_js(
            "return /has moved/.test(document.getElementById('status').textContent)",
            WAIT,
        )
        .await;
    let after = browser.find("#booking-when").await.text().await;
    assert_ne!(before, after, "the booking shows its new time");
    // Cancel with a reason.
    browser
        .find("#reason")
        .await
        .send_keys("Something came up")
        .await;
    browser.find("#cancel-submit").await.click().await;
    browser
        .wait_js(
            "return /is cancelled/.test(document.getElementById('status').textContent)",
            WAIT,
        )
        .await;
    assert_eq!(
        browser.find("#booking-status").await.text().await,
        "Cancelled"
    );
    assert!(browser.try_find("#cancel-form").await.is_none());
}

/// Needs the domain to honour a pinned host (team booking slice); run with `--ignored`.
#[tokio::test]
async fn a_pinned_host_is_booked_and_named_with_javascript() {
    let Some(browser) = browser(true, 1200, 900) else {
        return;
    };
    let text = format!(
        r#"{}
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@hosts.example.com"

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@hosts.example.com"
"#,
        config(&[])
    );
    let server = TestServer::start(&text);
    browser
        .goto(&server.url("/book/discovery-call?host=grace"))
        .await;
    let start = fill_and_submit(&browser, "Ada Lovelace").await;
    browser.wait_for("#confirmation #booking-with", WAIT).await;
    let with = browser.find("#booking-with").await.text().await;
    assert_eq!(with, "Grace Hopper");
    // The JSON body named Grace: she is taken at that time, Ada is still free.
    let book = |host: &'static str| {
        let server = &server;
        let start = start.clone();
        async move {
            common::post_json(
                server,
                "/booking",
                &json!({"event": "discovery-call", "start": start, "name": "Bo",
                        "email": "bo@example.com", "host": host,
                        "answers": {"company": "B"}}),
            )
            .await
        }
    };
    let (status, body) = book("grace").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(common::error_code(&body), "host_unavailable");
    let (status, body) = book("ada").await;
    assert_eq!(status, 201, "{body}");
}
