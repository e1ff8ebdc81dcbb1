//! Calendar connections managed by operators, over HTTP against the real binary:
//! `/admin/calendars` and `/api/v1/hosts/{id}/calendars` list each connection's health,
//! add connections checked as the configuration file is (errors per field), refuse to
//! delete the configuration's own (409 `config_managed`), answer "sync now", keep a host
//! user to their own host, and never show a password: not in a page, an API answer, the
//! audit log or a log line; the stored one is sealed.

mod common;

use std::time::Duration;

use common::{
    admin::{add_host_user, add_user, create_token, Admin, Api},
    database_url_for, error_code, TestServer,
};
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
const CALDAV_PASSWORD: &str = "Zq8-app-pa55word-never-shown";

/// Calendars on closed loopback ports: every sync fails at once, which is health to show.
/// Loopback is internal, so user-added calendars may point there only when allowed.
const CONFIG: &str = r#"
[calendars]
allow_private_targets = true
[limits]
booking_per_minute = 0
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 0
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
[[hosts.calendars]]
kind = "ics"
url = "http://127.0.0.1:9/ada/feed-s3cret-token.ics"
refresh_minutes = 15
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30
"#;

/// A page's text with the slashes the templates escape put back.
fn text(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

async fn signed_in(server: &TestServer, email: &str) -> Admin {
    let mut admin = Admin::new(server);
    let (status, body) = admin.sign_in(email, PASSWORD).await;
    assert_eq!(status, 303, "{body}");
    admin
}

fn field_error(body: &Value, field: &str) -> String {
    assert_eq!(error_code(body), "validation_failed", "{body}");
    body["error"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {field} in {body}"))
        .to_string()
}

fn calendars(body: &Value) -> Vec<Value> {
    body["calendars"]
        .as_array()
        .unwrap_or_else(|| panic!("calendars in {body}"))
        .clone()
}

/// Nothing anyone can read shows the password or the feed's secret address.
fn assert_secret_free(what: &str, text: &str) {
    assert!(
        !text.contains(CALDAV_PASSWORD),
        "password in {what}: {text}"
    );
    assert!(
        !text.contains("feed-s3cret-token"),
        "feed address in {what}: {text}"
    );
}

async fn store_of(server: &TestServer) -> std::sync::Arc<dyn openslot_store::Store> {
    let mut config = openslot::config::Config::parse("", "test.toml").unwrap();
    config.database.url = database_url_for(&server.dir);
    openslot::serve::open_store(&config).await.unwrap()
}

/// By default a calendar added through the API or /admin may not lead the server to an
/// internal address (loopback, private, link-local: cloud metadata); the operator's own
/// config calendars may.
#[tokio::test]
async fn user_added_calendars_may_not_point_inside_unless_allowed() {
    let config = CONFIG.replace(
        "allow_private_targets = true",
        "allow_private_targets = false",
    );
    let server = TestServer::start(&config);
    let token = create_token(&server, "ops");
    let api = Api::new(&server, &token);
    for url in [
        "http://127.0.0.1:5232/ada/work/",
        "http://localhost:5232/ada/",
        "https://169.254.169.254/latest/",
        "http://10.0.0.7/dav/",
        "https://[::1]/dav/",
        "webcal://192.168.1.20/feed.ics",
    ] {
        let kind = if url.starts_with("webcal") {
            "ics"
        } else {
            "caldav"
        };
        let (status, body) = api
            .post(
                "/api/v1/hosts/grace/calendars",
                &json!({"kind": kind, "url": url}),
            )
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        let message = field_error(&body, "url");
        assert!(message.contains("internal address"), "{url}: {body}");
    }
    let (_, body) = api.get("/api/v1/hosts/grace/calendars").await;
    assert!(calendars(&body).is_empty(), "{body}");
    // The config file's loopback feed is the operator's: it stays.
    let (_, body) = api.get("/api/v1/hosts/ada/calendars").await;
    assert_eq!(calendars(&body).len(), 1, "{body}");
}

#[tokio::test]
async fn connections_are_added_listed_synced_and_removed_through_the_api() {
    let server = TestServer::start(CONFIG);
    let api = Api::new(&server, &create_token(&server, "calendars"));

    // The configuration's feed, read only, its address shown as its host only.
    let (status, body) = api.get("/api/v1/hosts/ada/calendars").await;
    assert_eq!(status, 200, "{body}");
    let listed = calendars(&body);
    assert_eq!(listed.len(), 1, "{body}");
    let feed = &listed[0];
    assert_eq!(feed["origin"], "config");
    assert_eq!(feed["kind"], "ics");
    assert_eq!(feed["has_password"], false);
    assert_eq!(feed["refresh_minutes"], 15);
    assert!(feed.get("password_enc").is_none() && feed.get("password").is_none());
    assert_secret_free("the list", &body.to_string());
    let feed_id = feed["id"].as_str().unwrap().to_string();
    assert!(feed_id.starts_with("ada-"), "{feed_id}");

    let (status, body) = api.get("/api/v1/hosts/nobody/calendars").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "host_not_found")
    );

    // Add a CalDAV calendar that takes bookings: 201, the password only as a flag.
    let url = "http://127.0.0.1:9/dav/calendars/ada/work/";
    let new = json!({"kind": "caldav", "url": url, "username": "ada",
                     "password": CALDAV_PASSWORD, "write": true, "refresh_minutes": 7,
                     "all_day_busy": false});
    let (status, body) = api.post("/api/v1/hosts/ada/calendars", &new).await;
    assert_eq!(status, 201, "{body}");
    assert_secret_free("the created answer", &body.to_string());
    assert_eq!(body["origin"], "admin");
    assert_eq!(body["host_id"], "ada");
    assert_eq!(body["url"], url);
    assert_eq!(body["username"], "ada");
    assert_eq!(body["has_password"], true);
    assert_eq!(
        (&body["busy"], &body["write"], &body["all_day_busy"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert_eq!(body["refresh_minutes"], 7);
    let id = body["id"].as_str().unwrap().to_string();

    // Stored sealed: not the password, in the sealed format.
    let store = store_of(&server).await;
    let row = store
        .calendar_connection(&id)
        .await
        .unwrap()
        .expect("stored");
    let sealed = row
        .settings
        .password_enc
        .clone()
        .expect("a sealed password");
    assert!(sealed.starts_with("v1:"), "{sealed}");
    assert!(!sealed.contains(CALDAV_PASSWORD));
    assert_eq!(row.settings.origin, "admin");
    assert_eq!(row.settings.password_env, None);

    // The same calendar again is a conflict; a second writer for the host a field error.
    let (status, body) = api.post("/api/v1/hosts/ada/calendars", &new).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "calendar_exists"),
        "{body}"
    );
    let second_writer = json!({"kind": "caldav", "url": "https://dav.example.com/ada/other/",
                               "write": true});
    let (status, body) = api
        .post("/api/v1/hosts/ada/calendars", &second_writer)
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(field_error(&body, "write").contains("only one calendar per host"));

    // Field by field, as the configuration file is checked.
    let cases = [
        (
            json!({"kind": "exchange", "url": "https://x.example/"}),
            "kind",
        ),
        (json!({"kind": "caldav"}), "url"),
        (
            json!({"kind": "caldav", "url": "ftp://x.example/cal/"}),
            "url",
        ),
        (
            json!({"kind": "caldav", "url": "https://ada:pw@x.example/cal/"}),
            "url",
        ),
        (
            json!({"kind": "ics", "url": "https://x.example/a.ics", "write": true}),
            "write",
        ),
        (
            json!({"kind": "ics", "url": "https://x.example/a.ics", "username": "ada"}),
            "username",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "password": "pw"}),
            "username",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "refresh_minutes": 0}),
            "refresh_minutes",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "refresh_minutes": 500}),
            "refresh_minutes",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "refresh_minutes": "often"}),
            "refresh_minutes",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "busy": "yes"}),
            "busy",
        ),
        (
            json!({"kind": "caldav", "url": "https://x.example/c/", "username": "ada",
                   "password_env": "OPENSLOT_SECRET"}),
            "password_env",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = api.post("/api/v1/hosts/grace/calendars", &body).await;
        assert_eq!(status, 422, "{body} → {answer}");
        field_error(&answer, field);
    }
    let (status, body) = api.get("/api/v1/hosts/grace/calendars").await;
    assert_eq!((status, calendars(&body).len()), (200, 0), "{body}");

    // Sync now: 202 for a known connection (either origin), 404 otherwise.
    for target in [&id, &feed_id] {
        let (status, body) = api
            .send(
                Method::POST,
                &format!("/api/v1/calendars/{target}/sync"),
                None,
            )
            .await;
        assert_eq!((status, &body["state"]), (202, &json!("due")), "{body}");
    }
    let (status, body) = api
        .send(Method::POST, "/api/v1/calendars/ada-0000/sync", None)
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "calendar_not_found")
    );

    // The syncs fail (nothing listens): the failure is health to show, without secrets.
    let mut failing = Value::Null;
    for _ in 0..100 {
        let (_, body) = api.get(&format!("/api/v1/calendars/{id}")).await;
        if !body["last_error"].is_null() {
            failing = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!failing.is_null(), "the failed sync never showed");
    assert!(failing["failing_since"].is_string(), "{failing}");
    assert!(failing["last_success_at"].is_null(), "{failing}");
    assert_eq!(failing["events_imported"], 0);
    assert_secret_free("a failing connection", &failing.to_string());
    // The feed's failure too: its error must not quote its secret address.
    let mut feed_failing = Value::Null;
    for _ in 0..100 {
        let (_, body) = api.get(&format!("/api/v1/calendars/{feed_id}")).await;
        if !body["last_error"].is_null() {
            feed_failing = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !feed_failing.is_null(),
        "the feed's failed sync never showed"
    );
    assert_secret_free("a failing feed", &feed_failing.to_string());

    // The configuration's own cannot be deleted here; an added one can.
    let (status, body) = api
        .send(
            Method::DELETE,
            &format!("/api/v1/calendars/{feed_id}"),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "config_managed"),
        "{body}"
    );
    let (status, _) = api
        .send(Method::DELETE, &format!("/api/v1/calendars/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = api
        .send(Method::DELETE, &format!("/api/v1/calendars/{id}"), None)
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "calendar_not_found")
    );
    assert!(store.calendar_connection(&id).await.unwrap().is_none());
    let (_, body) = api.get("/api/v1/hosts/ada/calendars").await;
    assert_eq!(calendars(&body).len(), 1, "{body}");

    // Audited, without the password.
    let (status, body) = api
        .get(&format!("/api/v1/audit?target=calendar:{id}"))
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["calendar.delete", "calendar.create"], "{body}");
    assert_secret_free("the audit log", &body.to_string());
    for line in server.logs() {
        assert_secret_free("the log", &line);
    }
}

#[tokio::test]
async fn the_page_adds_shows_and_removes_connections_and_host_users_see_their_own() {
    let server = TestServer::start(CONFIG);
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let out = add_host_user(&server, "grace@example.com", PASSWORD, "grace");
    assert!(out.status.success(), "{out:?}");
    let ops = signed_in(&server, "ops@example.com").await;

    let (status, html) = ops.get("/admin/calendars").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("from the configuration file"), "{html}");
    assert!(html.contains("Sync now"));
    assert!(
        !html.contains("Remove</button>"),
        "config ones are read only"
    );
    assert!(
        text(&html).contains("href=\"/admin/calendars\""),
        "nav link"
    );
    assert_secret_free("the page", &text(&html));

    let (status, html) = ops.get("/admin/calendars/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"password\""));

    // A mistake: the form again, the field marked, the password not echoed.
    let (status, _, html) = ops
        .post(
            "/admin/calendars",
            &[
                ("host", "grace"),
                ("kind", "ics"),
                ("url", "https://feeds.example.com/grace.ics"),
                ("username", "grace"),
                ("password", CALDAV_PASSWORD),
                ("busy", "1"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"e-username\""), "{html}");
    assert!(text(&html).contains("https://feeds.example.com/grace.ics"));
    assert_secret_free("the form again", &text(&html));
    let (status, _, html) = ops
        .post(
            "/admin/calendars",
            &[
                ("host", "grace"),
                ("kind", "caldav"),
                ("url", "https://dav.example.com/grace/"),
                ("refresh_minutes", "soon"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"e-refresh_minutes\""), "{html}");

    // Added for grace, with a password.
    let (status, location, body) = ops
        .post(
            "/admin/calendars",
            &[
                ("host", "grace"),
                ("kind", "caldav"),
                ("url", "http://127.0.0.1:9/dav/grace/calendar/"),
                ("username", "grace"),
                ("password", CALDAV_PASSWORD),
                ("busy", "1"),
                ("all_day_busy", "1"),
                ("refresh_minutes", "10"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=added"),
        "{body}"
    );
    let (_, html) = ops.get("/admin/calendars?done=added").await;
    assert!(text(&html).contains("/dav/grace/calendar/"), "{html}");
    assert!(html.contains("Remove</button>"));
    assert!(html.contains("every 10 min"));
    assert_secret_free("the page", &text(&html));

    let store = store_of(&server).await;
    let grace_id =
        openslot::calendars::connection_id("grace", "http://127.0.0.1:9/dav/grace/calendar/");
    let row = store
        .calendar_connection(&grace_id)
        .await
        .unwrap()
        .expect("added");
    let sealed = row.settings.password_enc.expect("sealed");
    assert!(sealed.starts_with("v1:") && !sealed.contains(CALDAV_PASSWORD));
    assert!(row.settings.busy && row.settings.all_day_busy && !row.settings.write);

    // The host user sees grace's only, may sync and remove it, and cannot touch ada's.
    let grace = signed_in(&server, "grace@example.com").await;
    let (status, html) = grace.get("/admin/calendars").await;
    assert_eq!(status, 200);
    assert!(text(&html).contains("/dav/grace/calendar/"), "{html}");
    assert!(
        !html.contains("from the configuration file"),
        "ada's feed shown: {html}"
    );
    let feed_id = store
        .calendar_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.settings.host_id == "ada")
        .unwrap()
        .settings
        .id;
    let (status, _, _) = grace
        .post(&format!("/admin/calendars/{feed_id}/sync"), &[])
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = grace
        .post(
            "/admin/calendars",
            &[
                ("host", "ada"),
                ("kind", "ics"),
                ("url", "https://x.example/a.ics"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, location, _) = grace
        .post(&format!("/admin/calendars/{grace_id}/sync"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=sync")
    );

    // The operator syncs the configuration's feed; removing it is refused.
    let (status, _, _) = ops
        .post(&format!("/admin/calendars/{feed_id}/sync"), &[])
        .await;
    assert_eq!(status, 303);
    let (status, _, html) = ops
        .post(&format!("/admin/calendars/{feed_id}/delete"), &[])
        .await;
    assert_eq!(status, 409, "{html}");

    // Without the CSRF token nothing happens.
    let (status, _, _) = grace
        .post_raw(&format!("/admin/calendars/{grace_id}/delete"), &[])
        .await;
    assert_ne!(status, 303);
    assert!(store
        .calendar_connection(&grace_id)
        .await
        .unwrap()
        .is_some());

    let (status, location, _) = grace
        .post(&format!("/admin/calendars/{grace_id}/delete"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=removed")
    );
    assert!(store
        .calendar_connection(&grace_id)
        .await
        .unwrap()
        .is_none());

    // The dashboard sums up calendar health.
    let (_, html) = ops.get("/admin").await;
    assert!(html.contains("id=\"calendar-health\""), "{html}");
    for line in server.logs() {
        assert_secret_free("the log", &line);
    }
}

/// A dead write-back job is listed with the other failed jobs, named for what it does, and
/// can be retried from the dashboard.
#[tokio::test]
async fn dead_write_back_jobs_are_listed_with_a_retry() {
    let server = TestServer::start(CONFIG);
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let ops = signed_in(&server, "ops@example.com").await;
    let store = store_of(&server).await;
    let feed = store.calendar_connections().await.unwrap().remove(0);
    // Far in the future, so the server's own worker leaves it to this test; written with
    // the one store call that takes jobs without a booking change.
    let later = 4_000_000_000;
    let job = openslot_store::NewJob {
        id: "job-write-back-1".into(),
        kind: "calendar_write".into(),
        payload: json!({"booking_id": "nonexistent"}),
        run_at: later,
        max_attempts: 1,
        booking_id: None,
        order_key: None,
        embed_booking: false,
    };
    assert!(store
        .set_calendar_alerted(&feed.settings.id, true, &[job], later - 1)
        .await
        .unwrap());
    let claimed = store.claim_jobs("test", later, 60, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    store
        .bury_job("job-write-back-1", "test", "calendar unreachable", later)
        .await
        .unwrap();

    let (_, html) = ops.get("/admin").await;
    let jobs = &html[html.find("id=\"jobs\"").expect("jobs section")..];
    assert!(jobs.contains("Calendar write-back"), "{jobs}");
    assert!(jobs.contains("calendar unreachable"));
    assert!(
        text(jobs).contains("/admin/jobs/job-write-back-1/retry"),
        "{jobs}"
    );
    let (status, location, _) = ops.post("/admin/jobs/job-write-back-1/retry", &[]).await;
    assert_eq!((status, location.as_str()), (303, "/admin?retried=1#jobs"));
}
