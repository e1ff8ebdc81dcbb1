//! Routing forms over HTTP: the form page, first-match and fallback routing as JSON and as a
//! no-JavaScript form post (303), validation (422), unknown forms (404), CSRF, the booking
//! page prefilled from routed answers through to a stored booking, the dashboard's counts,
//! and configuration errors at start-up and in `check-config`.

mod common;

use std::process::Command;

use common::{
    admin::{create_token, input_value, Api},
    binary, client, error_code, Launch, TestServer,
};
use serde_json::{json, Value};

const PUBLIC_URL: &str = "http://book.example.test";

const SECRET: &str = "routing-test-secret-0123456789abcdef-0123456789";

/// The host a `host:` route names must exist.
const HOSTS: &str = r#"
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
"#;

const EVENT_TYPES: &str = r#"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30
[[event_types.questions]]
id = "company"
label = "Company"

[[event_types]]
slug = "enterprise-demo"
title = "Enterprise demo"
duration_minutes = 60
mode = "instant"
[[event_types.questions]]
id = "size"
label = "Company size"
kind = "select"
options = ["1-10", "11-50", "51-500", "500+"]
required = true
[[event_types.questions]]
id = "company"
label = "Company"
required = true
"#;

const ROUTING: &str = r#"
[[routing_forms]]
slug = "talk-to-us"
title = "Talk to us"
description = "Three questions and we find the right person."
[[routing_forms.questions]]
id = "size"
label = "Company size"
kind = "select"
options = ["1-10", "11-50", "51-500", "500+"]
required = true
[[routing_forms.questions]]
id = "company"
label = "Company"
[[routing_forms.questions]]
id = "topic"
label = "What is it about?"
kind = "select"
options = ["sales", "press", "support"]
[[routing_forms.routes]]
when = { size = ["51-500", "500+"], topic = "sales" }
to = "event:enterprise-demo"
[[routing_forms.routes]]
when = { topic = "press" }
to = "url:https://press.example.com/kit"
[[routing_forms.routes]]
when = { topic = "support" }
to = "contact"
[[routing_forms.routes]]
when = { company = "Analytical Engines" }
to = "host:ada/intro"
[[routing_forms.routes]]
to = "event:intro"
"#;

fn config() -> String {
    format!(
        r#"
[server]
public_url = "{PUBLIC_URL}"

[security]
secret = "{SECRET}"

[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 120
{HOSTS}
{EVENT_TYPES}
{ROUTING}
"#
    )
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

async fn get(server: &TestServer, path: &str) -> Page {
    let response = client().get(server.url(path)).send().await.unwrap();
    Page {
        status: response.status().as_u16(),
        location: String::new(),
        body: response.text().await.unwrap(),
    }
}

async fn post_form(
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
    origin: Option<&str>,
) -> Page {
    let mut request = no_redirects().post(server.url(path)).form(fields);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    Page {
        status: response.status().as_u16(),
        location,
        body: response.text().await.unwrap(),
    }
}

/// The HTML with the entities minijinja writes turned back.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn route_json(server: &TestServer, form: &str, answers: Value) -> (u16, Value) {
    common::post_json(
        server,
        &format!("/route/{form}"),
        &json!({"answers": answers}),
    )
    .await
}

#[tokio::test]
async fn the_form_page_works_without_javascript_and_is_linked_from_home() {
    let server = TestServer::start(&config());
    let page = get(&server, "/route/talk-to-us").await;
    assert_eq!(page.status, 200);
    let body = decoded(&page.body);
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains("<h1>Talk to us</h1>"), "{body}");
    assert!(body.contains("Three questions and we find the right person."));
    assert!(body.contains("<form id=\"routing-form\" class=\"routing-form\" method=\"post\" action=\"/route/talk-to-us\""));
    // Every question has a label tied to its control; required ones say so.
    for id in ["size", "company", "topic"] {
        assert!(
            body.contains(&format!("<label for=\"answer_{id}\">")),
            "label of {id}"
        );
        assert!(body.contains(&format!("id=\"answer_{id}\" name=\"answer_{id}\"")));
    }
    assert!(body.contains("<select id=\"answer_size\" name=\"answer_size\" required>"));
    assert!(body.contains("<option value=\"500+\">500+</option>"));
    assert!(input_value(&page.body, "csrf").is_some_and(|token| !token.is_empty()));
    // No inline script or style: the page runs under the same CSP as the others.
    assert!(!body.contains("<script>") && !body.contains("style=\""));
    // The only typed script element is the page's JSON message block, which never runs.
    assert_eq!(
        body.matches("<script type").count(),
        body.matches("<script type=\"application/json\" id=\"openslot-messages\">")
            .count()
    );

    let home = get(&server, "/").await;
    assert!(
        home.body.contains("href=\"/route/talk-to-us\""),
        "{}",
        home.body
    );
    assert!(home.body.contains("Talk to us"));

    let missing = get(&server, "/route/nope").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1>Not found</h1>"));
}

#[tokio::test]
async fn json_answers_take_the_first_matching_route_or_the_fallback() {
    let server = TestServer::start(&config());
    let base = PUBLIC_URL;
    let cases = [
        // Every listed question must match: size alone is not enough for route 0.
        (
            json!({"size": "500+", "topic": "sales", "company": "Big Co"}),
            0,
            "event:enterprise-demo",
            format!("{base}/book/enterprise-demo?size=500%2B&company=Big%20Co"),
        ),
        (
            json!({"size": "500+", "company": "Big Co"}),
            4,
            "event:intro",
            format!("{base}/book/intro?company=Big%20Co"),
        ),
        // First match wins: press also has a company that route 3 would take.
        (
            json!({"size": "1-10", "topic": "press", "company": "Analytical Engines"}),
            1,
            "url:https://press.example.com/kit",
            "https://press.example.com/kit".to_string(),
        ),
        (
            json!({"size": "11-50", "topic": "support"}),
            2,
            "contact",
            format!("{base}/contact"),
        ),
        // Free text matches without regard to case; the host is carried, answers the
        // intro call does not ask are not.
        (
            json!({"size": "11-50", "company": "analytical engines"}),
            3,
            "host:ada/intro",
            format!("{base}/book/intro?host=ada&company=analytical%20engines"),
        ),
        (
            json!({"size": "1-10"}),
            4,
            "event:intro",
            format!("{base}/book/intro"),
        ),
    ];
    for (answers, route, to, url) in cases {
        let (status, body) = route_json(&server, "talk-to-us", answers.clone()).await;
        assert_eq!(status, 200, "{answers}: {body}");
        assert_eq!(
            body,
            json!({"route": route, "to": to, "url": url}),
            "{answers}"
        );
    }

    // Validation: every problem at once, keyed like the booking form's answers.
    let (status, body) = route_json(
        &server,
        "talk-to-us",
        json!({"topic": "gossip", "company": 7}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "validation_failed");
    let fields = body["error"]["fields"].as_object().unwrap();
    for key in ["answers.size", "answers.topic", "answers.company"] {
        assert!(fields.contains_key(key), "{key} missing from {body}");
    }
    let (status, body) = common::post_json(&server, "/route/talk-to-us", &json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["answers.size"], "is required");

    let (status, body) = route_json(&server, "no-such-form", json!({"size": "1-10"})).await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&body), "routing_form_not_found");

    // A body that is not JSON gets the usual answers.
    let response = client()
        .post(server.url("/route/talk-to-us"))
        .header("content-type", "text/plain")
        .body("size=1-10")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
}

#[tokio::test]
async fn the_no_javascript_flow_carries_answers_into_the_stored_booking() {
    let server = TestServer::start(&config());
    let form = get(&server, "/route/talk-to-us").await;
    let token = input_value(&form.body, "csrf").unwrap();
    let answer = post_form(
        &server,
        "/route/talk-to-us",
        &[
            ("csrf", &token),
            ("answer_size", "500+"),
            ("answer_company", "Big & Co"),
            ("answer_topic", "sales"),
        ],
        Some(&server.base),
    )
    .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(
        answer.location,
        "/book/enterprise-demo?size=500%2B&company=Big%20%26%20Co"
    );

    // The booking page fills in the questions whose ids match.
    let page = get(&server, &answer.location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<option value=\"500+\" selected>500+</option>"),
        "size not preselected"
    );
    assert_eq!(
        input_value(&page.body, "answer_company").as_deref(),
        Some("Big & Co")
    );
    // Its day links keep the answers, so picking another day without JavaScript does not
    // lose them.
    let day_link = decoded(&page.body)
        .split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .find(|href| href.starts_with("/book/enterprise-demo?date="))
        .expect("a day link");
    assert!(
        day_link.contains("&size=500%2B&company=Big%20%26%20Co"),
        "{day_link}"
    );
    let day = get(&server, &day_link).await;
    assert_eq!(
        input_value(&day.body, "answer_company").as_deref(),
        Some("Big & Co")
    );
    assert!(day
        .body
        .contains("<option value=\"500+\" selected>500+</option>"));

    // Book from that page, sending back what it filled in.
    let start = input_value(&day.body, "start").expect("a free time");
    let booking_token = input_value(&day.body, "csrf").unwrap();
    let size = if day.body.contains("<option value=\"500+\" selected>") {
        "500+"
    } else {
        ""
    };
    let company = input_value(&day.body, "answer_company").unwrap();
    let booked = post_form(
        &server,
        "/booking",
        &[
            ("event", "enterprise-demo"),
            ("csrf", &booking_token),
            ("start", &start),
            ("timezone", "UTC"),
            ("name", "Grace Hopper"),
            ("email", "grace@example.com"),
            ("answer_size", size),
            ("answer_company", &company),
            ("website", ""),
        ],
        Some(&server.base),
    )
    .await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let id = booked
        .location
        .strip_prefix("/booking/")
        .and_then(|rest| rest.split('?').next())
        .expect("confirmation location")
        .to_string();
    let api = Api::new(&server, &create_token(&server, "routing-test"));
    let (status, stored) = api.get(&format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(
        stored["answers"],
        json!({"size": "500+", "company": "Big & Co"}),
        "{stored}"
    );

    // A prefill that is not one of a select's options is not shown as chosen.
    let page = get(&server, "/book/enterprise-demo?size=huge&company=X").await;
    assert!(!page.body.contains(" selected>huge"));
    assert!(!page.body.contains("value=\"huge\""));
    assert_eq!(
        input_value(&page.body, "answer_company").as_deref(),
        Some("X")
    );
}

#[tokio::test]
async fn form_posts_show_errors_inline_and_need_the_form_token() {
    let server = TestServer::start(&config());
    let form = get(&server, "/route/talk-to-us").await;
    let token = input_value(&form.body, "csrf").unwrap();

    // Missing required answer and an invented option: 422, errors inline, typed text kept.
    let answer = post_form(
        &server,
        "/route/talk-to-us",
        &[
            ("csrf", &token),
            ("answer_company", "Kept Ltd"),
            ("answer_topic", "gossip"),
        ],
        None,
    )
    .await;
    assert_eq!(answer.status, 422);
    let body = decoded(&answer.body);
    assert!(body.contains("Please fix the highlighted fields."));
    for id in ["size", "topic"] {
        assert!(
            body.contains(&format!(
                "aria-invalid=\"true\" aria-describedby=\"answer_{id}-error\""
            )),
            "{id} not marked invalid"
        );
        assert!(body.contains(&format!(
            "<p class=\"field-error\" id=\"answer_{id}-error\">"
        )));
    }
    assert!(body.contains("<p class=\"field-error\" id=\"answer_size-error\">is required</p>"));
    assert_eq!(
        input_value(&answer.body, "answer_company").as_deref(),
        Some("Kept Ltd")
    );

    // Without a token, with another form's token, or from another site: 403, nothing routed.
    let booking_page = get(&server, "/book/intro").await;
    let booking_token = input_value(&booking_page.body, "csrf").unwrap();
    for (fields, origin) in [
        (vec![("answer_size", "1-10")], None),
        (vec![("csrf", "forged"), ("answer_size", "1-10")], None),
        (
            vec![("csrf", booking_token.as_str()), ("answer_size", "1-10")],
            None,
        ),
        (
            vec![("csrf", token.as_str()), ("answer_size", "1-10")],
            Some("https://evil.example"),
        ),
    ] {
        let answer = post_form(&server, "/route/talk-to-us", &fields, origin).await;
        assert_eq!(answer.status, 403, "{fields:?} {origin:?}");
        assert!(answer.location.is_empty());
        assert!(answer.body.contains("did not come from this site"));
    }
    // The same token from this site works.
    let answer = post_form(
        &server,
        "/route/talk-to-us",
        &[("csrf", &token), ("answer_size", "1-10")],
        Some(&server.base),
    )
    .await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, "/book/intro");

    let missing = post_form(&server, "/route/nope", &[("csrf", &token)], None).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1>Not found</h1>"));
}

#[tokio::test]
async fn the_dashboard_counts_submissions_per_form_and_route() {
    let server = TestServer::start(&config());
    let api = Api::new(&server, &create_token(&server, "dashboard"));
    let routes = |dashboard: &Value| -> Vec<i64> {
        dashboard["routing"][0]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|route| route["submissions"].as_i64().unwrap())
            .collect()
    };
    let (status, before) = api.get("/api/v1/dashboard").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["routing"][0]["form"], "talk-to-us");
    assert_eq!(routes(&before), [0, 0, 0, 0, 0]);

    for answers in [
        json!({"size": "500+", "topic": "sales"}),
        json!({"size": "51-500", "topic": "sales"}),
        json!({"size": "1-10", "topic": "support"}),
        json!({"size": "1-10"}),
    ] {
        assert_eq!(route_json(&server, "talk-to-us", answers).await.0, 200);
    }
    // Rejected submissions are not counted.
    assert_eq!(route_json(&server, "talk-to-us", json!({})).await.0, 422);
    let form = get(&server, "/route/talk-to-us").await;
    let token = input_value(&form.body, "csrf").unwrap();
    let answer = post_form(
        &server,
        "/route/talk-to-us",
        &[
            ("csrf", &token),
            ("answer_size", "1-10"),
            ("answer_topic", "press"),
        ],
        None,
    )
    .await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, "https://press.example.com/kit");
    let forged = post_form(
        &server,
        "/route/talk-to-us",
        &[("answer_size", "1-10"), ("answer_topic", "press")],
        None,
    )
    .await;
    assert_eq!(forged.status, 403);

    let (_, after) = api.get("/api/v1/dashboard").await;
    assert_eq!(routes(&after), [2, 1, 1, 0, 1], "{}", after["routing"]);
    assert_eq!(after["routing"][0]["submissions"], 5);
    assert_eq!(
        after["routing"][0]["routes"][1]["to"],
        "url:https://press.example.com/kit"
    );
    // Routing counts stay out of the per-event-type funnel.
    let funnel_events: Vec<&str> = after["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["event"].as_str().unwrap())
        .collect();
    assert_eq!(funnel_events, ["enterprise-demo", "intro"]);

    // The admin page shows them too.
    let output = common::admin::add_user(&server, "ops@example.com", "correct horse battery");
    assert!(output.status.success(), "{output:?}");
    let mut admin = common::admin::Admin::new(&server);
    assert_eq!(
        admin
            .sign_in("ops@example.com", "correct horse battery")
            .await
            .0,
        303
    );
    let (status, html) = admin.get("/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<h2 id=\"routing-h\">Routing forms</h2>"),
        "{html}"
    );
    assert!(html.contains("data-form=\"talk-to-us\" data-route=\"0\"><td>Route 1</td>"));
    assert!(decoded(&html).contains("<td>event:enterprise-demo</td><td>2</td>"));
}

fn write_config(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_config_lists_routing_forms_and_refuses_unknown_targets() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_config(dir.path(), "good.toml", &config());
    let output = Command::new(binary())
        .arg("check-config")
        .arg(&good)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "routing form talk-to-us (/route/talk-to-us)",
        "question         size (select, required): 1-10, 11-50, 51-500, 500+",
        "route 0          size is 51-500 or 500+, and topic is sales -> event:enterprise-demo",
        "-> host:ada/intro",
        "route 4          otherwise (fallback) -> event:intro",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    let unknown_event = config().replace("to = \"event:enterprise-demo\"", "to = \"event:demo\"");
    let unknown_kind = config().replace("to = \"contact\"", "to = \"mailto:sales@example.com\"");
    let no_fallback = config().replace("[[routing_forms.routes]]\nto = \"event:intro\"\n", "");
    let unknown_host = config().replace("to = \"host:ada/intro\"", "to = \"host:bob/intro\"");
    for (name, text, key, message) in [
        (
            "event.toml",
            unknown_event,
            "routing_forms[0].routes[0].to",
            "there is no event type \"demo\"",
        ),
        (
            "kind.toml",
            unknown_kind,
            "routing_forms[0].routes[2].to",
            "must be event:SLUG",
        ),
        (
            "fallback.toml",
            no_fallback,
            "routing_forms[0].routes[3].when",
            "fallback",
        ),
        (
            "host.toml",
            unknown_host,
            "routing_forms[0].routes[3].to",
            "there is no host \"bob\"",
        ),
    ] {
        let path = write_config(dir.path(), name, &text);
        for command in [
            vec!["check-config", path.to_str().unwrap()],
            vec!["serve", "--config", path.to_str().unwrap()],
        ] {
            let output = Command::new(binary())
                .args(&command)
                .env("OPENSLOT_LISTEN", "127.0.0.1:0")
                .env(
                    "OPENSLOT_DATABASE_URL",
                    common::database_url_for(dir.path()),
                )
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(!output.status.success(), "{command:?} should fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(name)
                    && stderr.contains(&format!("`{key}`"))
                    && stderr.contains(message),
                "{command:?}: {stderr}"
            );
        }
    }
}

#[tokio::test]
async fn routes_are_checked_against_the_stored_event_types() {
    // Once seeded, the database holds the event types: a route may name one that the
    // config file no longer lists (created or kept in /admin).
    let dir = tempfile::tempdir().unwrap();
    let mut first = TestServer::launch(Launch {
        config: Some(&config()),
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let (status, _) = route_json(&first, "talk-to-us", json!({"size": "1-10"})).await;
    assert_eq!(status, 200);
    assert!(first.stop().success());
    let intro_only = config().replace(
        "[[event_types]]\nslug = \"enterprise-demo\"",
        "[[unused]]\nslug = \"enterprise-demo\"",
    );
    // Cut the enterprise demo out of the file entirely (the parser refuses unknown tables).
    let start = intro_only.find("[[unused]]").unwrap();
    let end = intro_only.find("[[routing_forms]]").unwrap();
    let intro_only = format!("{}{}", &intro_only[..start], &intro_only[end..]);
    assert!(!intro_only.contains("slug = \"enterprise-demo\""));
    let second = TestServer::launch(Launch {
        config: Some(&intro_only),
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let (status, body) = route_json(
        &second,
        "talk-to-us",
        json!({"size": "500+", "topic": "sales"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["to"], "event:enterprise-demo");
}

#[tokio::test]
async fn routed_in_a_real_browser_the_answers_reach_the_booking() {
    use common::webdriver::{Browser, BrowserOptions};
    let wait = std::time::Duration::from_secs(15);
    let Some(browser) = Browser::start(BrowserOptions {
        javascript: true,
        width: 1200,
        height: 900,
        ..BrowserOptions::default()
    }) else {
        return;
    };
    let server = TestServer::start(&config());
    browser.goto(&server.url("/route/talk-to-us")).await;
    browser.wait_for("#routing-form", wait).await;
    // Options are chosen by value: typing into a select picks by prefix, which is ambiguous
    // between "51-500" and "500+".
    browser
        .execute(
            "document.getElementById('answer_size').value = '500+'; document.getElementById('answer_topic').value = 'sales';",
            vec![],
        )
        .await;
    browser
        .find("#answer_company")
        .await
        .send_keys("Big Co")
        .await;
    browser
        .find("#routing-form button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for("#booking", wait).await;
    assert!(
        browser
            .url()
            .await
            .ends_with("/book/enterprise-demo?size=500%2B&company=Big%20Co"),
        "{}",
        browser.url().await
    );
    let filled = browser
        .execute(
            "return [document.getElementById('answer_size').value, document.getElementById('answer_company').value]",
            vec![],
        )
        .await;
    assert_eq!(filled, json!(["500+", "Big Co"]));

    // Book with JavaScript (the page posts JSON from the form's fields).
    browser.wait_for("#days button.day", wait).await;
    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", wait).await;
    browser.find("#times .time label").await.click().await;
    browser.find("#name").await.send_keys("Grace Hopper").await;
    browser
        .find("#email")
        .await
        .send_keys("grace@example.com")
        .await;
    browser.find("#submit").await.click().await;
    browser.wait_for("#confirmation h2", wait).await;
    let text = browser.find("#confirmation").await.text().await;
    assert!(text.contains("Confirmed"), "{text}");

    let api = Api::new(&server, &create_token(&server, "browser"));
    let (status, list) = api.get("/api/v1/bookings").await;
    assert_eq!(status, 200, "{list}");
    let bookings = list["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 1, "{list}");
    assert_eq!(
        bookings[0]["answers"],
        json!({"size": "500+", "company": "Big Co"})
    );
}
